// Control flow: short-circuit (an untaken branch never calls round_robin),
// the list macros as codegen lowers them, and termination.
#include "tests/vm/vm_testing.h"

namespace play::vm::testing {
namespace {

// `lhs and round_robin(ent_sdrs) == "sam@acme.com"` with lhs a bool constant.
Program and_round_robin(bool lhs, bool use_or) {
  Asm a;
  a.op(Op::LOAD_BOOL, 0, 0, 0, lhs);
  uint32_t j = a.op(Op::JUMP_IF, 0, 0, 0, uint8_t(use_or ? JumpTest::True : JumpTest::False));
  a.op(Op::ROUND_ROBIN, 1, 0);
  a.op(Op::LOAD_CONST, 2, a.ks("sam@acme.com"));
  a.op(Op::CMP_STR, 3, 1, 2, uint8_t(CmpCond::EQ));
  a.op(use_or ? Op::OR : Op::AND, 0, 0, 3);
  a.patch_b(j, a.here());
  a.op(Op::RETURN, 0);
  return a.done(4);
}

TEST(VmShortCircuit, AndOrSkipTheUnneededOperand) {
  Context c;
  expect_value(c.run(and_round_robin(false, false)), B(false));
  EXPECT_EQ(c.round_robin_calls, 0);
  expect_value(c.run(and_round_robin(true, true)), B(true));
  EXPECT_EQ(c.round_robin_calls, 0);
  expect_value(c.run(and_round_robin(true, false)), B(true));  // evaluated: rotates once
  EXPECT_EQ(c.round_robin_calls, 1);
}

// `contact.email ?? round_robin(ent_sdrs)`
Program coalesce() {
  Asm a;
  a.op(Op::LOAD_CONTACT_SLOT, 0, 0);
  uint32_t j = a.op(Op::JUMP_IF, 0, 0, 0, uint8_t(JumpTest::NotNull));
  a.op(Op::ROUND_ROBIN, 0, 0);
  a.patch_b(j, a.here());
  a.op(Op::RETURN, 0);
  return a.done(1);
}

TEST(VmShortCircuit, CoalesceOnlyRotatesWhenNull) {
  Context c;
  Program p = coalesce();
  expect_value(c.run(p), S("ana@bigco.com"));
  EXPECT_EQ(c.round_robin_calls, 0);
  c.contact.clear();
  c.refresh();
  expect_value(c.run(p), S("sam@acme.com"));
  EXPECT_EQ(c.round_robin_calls, 1);
}

// `cond ? round_robin(ent_sdrs) : "nobody"`
Program conditional(const Value& cond) {
  Asm a;
  a.op(Op::LOAD_CONST, 0, a.k(cond));
  uint32_t to_else = a.op(Op::JUMP_IF, 0, 0, 0, uint8_t(JumpTest::NotTrue));
  a.op(Op::ROUND_ROBIN, 1, 0);
  uint32_t to_end = a.op(Op::JUMP, 0, 0);
  a.patch_b(to_else, a.here());
  a.op(Op::LOAD_CONST, 1, a.ks("nobody"));
  a.patch_b(to_end, a.here());
  a.op(Op::RETURN, 1);
  return a.done(2);
}

TEST(VmShortCircuit, ConditionalEvaluatesOneBranch) {
  Context c;
  expect_value(c.run(conditional(B(false))), S("nobody"));
  expect_value(c.run(conditional(N())), S("nobody"));
  EXPECT_EQ(c.round_robin_calls, 0);
  expect_value(c.run(conditional(B(true))), S("sam@acme.com"));
  EXPECT_EQ(c.round_robin_calls, 1);
}

// ------------------------------------------------------------------ list macros
// Registers: r0 list, r1/r2 iterator, r3 element, r4 predicate, r5 result, r6 scratch.

enum class Macro { Exists, All, Filter, Map };

// `list.<macro>(x, x.startsWith("s"))`, or for Map `list.map(x, x.upper())`.
Program macro(Macro m, const Value& list) {
  Asm a;
  a.op(Op::LOAD_CONST, 0, a.k(list));
  const bool builds = m == Macro::Filter || m == Macro::Map;
  if (builds)
    a.op(Op::LOAD_NULL, 5);
  else
    a.op(Op::LOAD_BOOL, 5, 0, 0, 0);
  uint32_t null_exit = a.op(Op::JUMP_IF, 0, 0, 0, uint8_t(JumpTest::Null));
  if (builds) a.op(Op::LIST_NEW, 5, 0);
  a.op(Op::ITER_INIT, 1, 0);
  uint32_t loop = a.op(Op::ITER_NEXT, 1, 3, 0);
  uint32_t exit_to_true = 0, found = 0, skip = 0;
  if (m == Macro::Map) {
    a.op(Op::UPPER, 4, 3);
    a.op(Op::LIST_APPEND, 5, 4);
  } else {
    a.op(Op::LOAD_CONST, 6, a.ks("s"));
    a.op(Op::STR_STARTS, 4, 3, 6);
    if (m == Macro::Exists) found = a.op(Op::JUMP_IF, 4, 0, 0, uint8_t(JumpTest::True));
    if (m == Macro::All) exit_to_true = a.op(Op::JUMP_IF, 4, 0, 0, uint8_t(JumpTest::NotTrue));
    if (m == Macro::Filter) {
      skip = a.op(Op::JUMP_IF, 4, 0, 0, uint8_t(JumpTest::NotTrue));
      a.op(Op::LIST_APPEND, 5, 3);
    }
  }
  if (m == Macro::Filter) a.patch_b(skip, a.here());
  a.op(Op::LOOP, 0, loop);
  uint32_t end_of_loop = a.here();
  if (m == Macro::Exists) {
    a.patch_c(loop, end_of_loop + 2);  // exhausted: stays false
    a.op(Op::JUMP, 0, end_of_loop + 2);
    a.patch_b(found, a.here());
    a.op(Op::LOAD_BOOL, 5, 0, 0, 1);
  } else if (m == Macro::All) {
    a.patch_c(loop, end_of_loop);  // exhausted: every element held
    a.op(Op::LOAD_BOOL, 5, 0, 0, 1);
    a.patch_b(exit_to_true, a.here());
  } else {
    a.patch_c(loop, end_of_loop);
  }
  a.patch_b(null_exit, a.here());
  a.op(Op::RETURN, 5);
  return a.done(7);
}

TEST(VmMacros, ExistsAllFilterMap) {
  Context c;
  Value stack[] = {S("salesforce"), S("hubspot"), S("segment")};
  Value list = Value::list(stack, 3);
  expect_value(c.run(macro(Macro::Exists, list)), B(true));
  expect_value(c.run(macro(Macro::All, list)), B(false));
  Value s_only[] = {S("salesforce"), S("segment")};
  expect_value(c.run(macro(Macro::All, Value::list(s_only, 2))), B(true));
  expect_value(c.run(macro(Macro::Filter, list)), Value::list(s_only, 2));
  Value upper[] = {S("SALESFORCE"), S("HUBSPOT"), S("SEGMENT")};
  expect_value(c.run(macro(Macro::Map, list)), Value::list(upper, 3));

  Value none[] = {S("hubspot")};
  expect_value(c.run(macro(Macro::Exists, Value::list(none, 1))), B(false));
  expect_value(c.run(macro(Macro::Exists, Value::list(nullptr, 0))), B(false));
  expect_value(c.run(macro(Macro::All, Value::list(nullptr, 0))), B(true));
}

TEST(VmMacros, NullListFollowsNullSafety) {
  Context c;
  expect_value(c.run(macro(Macro::Exists, N())), B(false));
  expect_value(c.run(macro(Macro::All, N())), B(false));
  expect_value(c.run(macro(Macro::Filter, N())), N());
  expect_value(c.run(macro(Macro::Map, N())), N());
}

TEST(VmMacros, IteratesMapKeys) {
  Context c;
  MapEntry m[] = {{"sales", I(1)}, {"eng", I(2)}};
  Value keys[] = {S("SALES"), S("ENG")};
  expect_value(c.run(macro(Macro::Map, Value::map(m, 2))), Value::list(keys, 2));
}

TEST(VmMacros, IteratingANonListIsAnError) {
  Context c;
  expect_error(c.run(macro(Macro::Exists, I(3))), "cannot iterate over int");
}

TEST(VmTermination, LoopBudgetStopsEvaluation) {
  Context c;
  c.ctx.loop_budget = 2;
  Value stack[] = {S("a"), S("b"), S("c"), S("d")};
  EvalResult r = c.run(macro(Macro::Map, Value::list(stack, 4)));
  expect_error(r, "loop budget");
}

TEST(VmTermination, AppendBeyondCapacityIsAnError) {
  Context c;
  Asm a;
  a.op(Op::LOAD_NULL, 0);
  a.op(Op::LIST_NEW, 1, 0);  // capacity 0
  a.op(Op::LIST_APPEND, 1, 0);
  a.op(Op::RETURN, 1);
  expect_error(c.run(a.done(2)), "full");

  Asm b;  // appending to a constant list is refused: constants are never written
  Value l[] = {I(1)};
  b.op(Op::LOAD_CONST, 0, b.k(Value::list(l, 1)));
  b.op(Op::LIST_APPEND, 0, 0);
  b.op(Op::RETURN, 0);
  expect_error(c.run(b.done(1)), "not a list under construction");
}

}  // namespace
}  // namespace play::vm::testing
