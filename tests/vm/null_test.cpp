// LANGUAGE.md section 3 "Null safety", as a table: with a null operand,
// == and != compare normally; < <= > >= and `in` are false (`not in` true);
// contains/startsWith/endsWith/matches/exists/all are false; other
// functions, methods and arithmetic give null; `not null` is null.
#include "tests/vm/vm_testing.h"

namespace play::vm::testing {
namespace {

TEST(VmNull, EqualityComparesNormally) {
  for (Op op : {Op::CMP, Op::CMP_INT, Op::CMP_FLOAT, Op::CMP_STR}) {
    SCOPED_TRACE(op_info(op).name);
    expect_value(binary(op, N(), N(), uint8_t(CmpCond::EQ)), B(true));
    expect_value(binary(op, N(), N(), uint8_t(CmpCond::NE)), B(false));
    expect_value(binary(op, N(), I(1), uint8_t(CmpCond::EQ)), B(false));
    expect_value(binary(op, S("x"), N(), uint8_t(CmpCond::NE)), B(true));
  }
}

TEST(VmNull, OrderingIsFalse) {
  for (Op op : {Op::CMP, Op::CMP_INT, Op::CMP_FLOAT, Op::CMP_STR}) {
    for (CmpCond c : {CmpCond::LT, CmpCond::LE, CmpCond::GT, CmpCond::GE}) {
      SCOPED_TRACE(std::string(op_info(op).name) + " " + cond_name(c));
      expect_value(binary(op, N(), I(1), uint8_t(c)), B(false));
      expect_value(binary(op, I(1), N(), uint8_t(c)), B(false));
      expect_value(binary(op, N(), N(), uint8_t(c)), B(false));
    }
  }
}

TEST(VmNull, InIsFalseNotInIsTrue) {
  Value l[] = {S("US"), N()};
  Value list = Value::list(l, 2);
  expect_value(binary(Op::IN, N(), list), B(false));  // even though the list holds a null
  expect_value(binary(Op::IN, S("US"), N()), B(false));
  expect_value(binary(Op::NOT_IN, N(), list), B(true));
  expect_value(binary(Op::NOT_IN, S("US"), N()), B(true));
}

TEST(VmNull, BoolMethodsAreFalse) {
  for (Op op : {Op::STR_CONTAINS, Op::STR_STARTS, Op::STR_ENDS, Op::MATCHES}) {
    SCOPED_TRACE(op_info(op).name);
    expect_value(binary(op, N(), S("x")), B(false));
    expect_value(binary(op, S("x"), N()), B(false));
  }
  Context c;
  Asm a;
  a.op(Op::LOAD_NULL, 0);
  a.op(Op::MATCHES_CONST, 1, 0, a.ks("x"));
  a.op(Op::RETURN, 1);
  expect_value(c.run(a.done(2)), B(false));
}

TEST(VmNull, ArithmeticGivesNull) {
  for (Op op : {Op::ADD_INT, Op::SUB_INT, Op::MUL_INT, Op::DIV_INT, Op::MOD_INT, Op::ADD_FLOAT, Op::SUB_FLOAT,
                Op::MUL_FLOAT, Op::DIV_FLOAT, Op::ADD, Op::SUB, Op::MUL, Op::DIV, Op::MOD}) {
    SCOPED_TRACE(op_info(op).name);
    expect_value(binary(op, N(), I(1)), N());
    expect_value(binary(op, I(0), N()), N());  // no division-by-zero error either
  }
  expect_value(binary(Op::SUB, T(5), N()), N());
  expect_value(unary(Op::NEG, N()), N());
}

TEST(VmNull, OtherFunctionsGiveNull) {
  for (Op op : {Op::SIZE, Op::LOWER, Op::UPPER, Op::TO_INT, Op::TO_FLOAT, Op::TO_STRING, Op::TO_TIMESTAMP,
                Op::TO_DURATION}) {
    SCOPED_TRACE(op_info(op).name);
    expect_value(unary(op, N()), N());
  }
  Value l[] = {I(1)};
  expect_value(binary(Op::INDEX, N(), I(0)), N());
  expect_value(binary(Op::INDEX, Value::list(l, 1), N()), N());
}

TEST(VmNull, NotNullIsNull) { expect_value(unary(Op::NOT, N()), N()); }

TEST(VmNull, MemberOfMissingRecordIsNull) {
  Context c;
  c.account.clear();
  c.refresh();
  // account.employees >= 500 on an unknown account: false, not an error.
  Asm a;
  a.op(Op::LOAD_ACCOUNT_SLOT, 0, 1);
  a.op(Op::LOAD_CONST, 1, a.k(I(500)));
  a.op(Op::CMP_INT, 2, 0, 1, uint8_t(CmpCond::GE));
  a.op(Op::RETURN, 2);
  EvalResult r = c.run(a.done(3));
  expect_value(r, B(false));
  EXPECT_FALSE(r.holds());

  // Member access on null (a dyn map that is null) is null.
  Asm m;
  m.op(Op::LOAD_NULL, 0);
  m.op(Op::MAP_GET, 1, 0, m.ks("anything"));
  m.op(Op::RETURN, 1);
  expect_value(c.run(m.done(2)), N());
}

TEST(VmNull, NullClauseDoesNotHold) {
  EvalResult r = unary(Op::NOT, N());
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.holds());
}

}  // namespace
}  // namespace play::vm::testing
