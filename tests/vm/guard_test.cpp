// Guards (guard.h) must give exactly what eval() gives for the programs they
// replace, for every kind of property value, and must not match anything else.
#include "runtime/vm/guard.h"

#include "tests/vm/vm_testing.h"

namespace play::vm::testing {
namespace {

Program guard_program(Op cmp, CmpCond cond, bool const_first) {
  Asm as;
  uint16_t k = as.ks("pricing");
  if (const_first) {
    as.op(Op::LOAD_CONST, 2, k);
    as.op(Op::LOAD_SIGNAL_SLOT, 1, 1);
  } else {
    as.op(Op::LOAD_SIGNAL_SLOT, 1, 1);
    as.op(Op::LOAD_CONST, 2, k);
  }
  as.op(cmp, 0, 1, 2, static_cast<uint8_t>(cond));
  as.op(Op::RETURN, 0);
  return as.done(3);
}

TEST(Guard, MatchesTheFilterShapeAndAgreesWithEval) {
  std::vector<Value> values = {Value::string("pricing"), Value::string("docs"), Value::string(""), Value(),
                               Value::integer(3),        Value::boolean(true)};
  for (Op cmp : {Op::CMP_STR, Op::CMP})
    for (CmpCond cond : {CmpCond::EQ, CmpCond::NE})
      for (bool const_first : {false, true}) {
        Program p = guard_program(cmp, cond, const_first);
        StringGuard g;
        ASSERT_TRUE(match_string_guard(p, g));
        EXPECT_EQ(g.slot, 1);
        EXPECT_EQ(g.value, "pricing");
        for (const Value& v : values) {
          Context c;
          c.signal[1] = v;
          c.refresh();
          EvalResult r = c.run(p);
          ASSERT_TRUE(r.ok);
          EXPECT_EQ(guard_holds(g, c.signal), r.holds()) << debug_string(v) << " " << cond_name(cond);
        }
        Context empty;  // a slot beyond the signal's properties reads as null
        empty.signal.clear();
        empty.refresh();
        EXPECT_EQ(guard_holds(g, empty.signal), empty.run(p).holds());
      }
}

TEST(Guard, RefusesOtherPrograms) {
  StringGuard g;
  {  // comparing with an int constant
    Asm as;
    as.op(Op::LOAD_SIGNAL_SLOT, 1, 2);
    as.op(Op::LOAD_CONST, 2, as.k(Value::integer(3)));
    as.op(Op::CMP_INT, 0, 1, 2, uint8_t(CmpCond::EQ));
    as.op(Op::RETURN, 0);
    EXPECT_FALSE(match_string_guard(as.done(3), g));
  }
  {  // an ordering comparison
    Asm as;
    as.op(Op::LOAD_SIGNAL_SLOT, 1, 1);
    as.op(Op::LOAD_CONST, 2, as.ks("m"));
    as.op(Op::CMP_STR, 0, 1, 2, uint8_t(CmpCond::LT));
    as.op(Op::RETURN, 0);
    EXPECT_FALSE(match_string_guard(as.done(3), g));
  }
  {  // returns something other than the comparison
    Asm as;
    as.op(Op::LOAD_SIGNAL_SLOT, 1, 1);
    as.op(Op::LOAD_CONST, 2, as.ks("pricing"));
    as.op(Op::CMP_STR, 0, 1, 2, uint8_t(CmpCond::EQ));
    as.op(Op::RETURN, 1);
    EXPECT_FALSE(match_string_guard(as.done(3), g));
  }
  {  // an account field, not a signal property
    Asm as;
    as.op(Op::LOAD_ACCOUNT_SLOT, 1, 2);
    as.op(Op::LOAD_CONST, 2, as.ks("US"));
    as.op(Op::CMP_STR, 0, 1, 2, uint8_t(CmpCond::EQ));
    as.op(Op::RETURN, 0);
    EXPECT_FALSE(match_string_guard(as.done(3), g));
  }
}

}  // namespace
}  // namespace play::vm::testing
