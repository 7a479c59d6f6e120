// LANGUAGE.md section 3 "Null safety", and short-circuit evaluation
// observed through round_robin's host callback.
#include <gtest/gtest.h>

#include "tests/codegen/harness.h"

namespace play::codegen::testing {
namespace {

void unknown_records(Context& c) {
  c.forget_account();
  c.forget_contact();
}

std::string with_nulls(const std::string& expr) { return value_of(expr, &unknown_records); }

TEST(NullSafety, Table) {
  // Fields of a missing record are null; member access on null is null.
  EXPECT_EQ(with_nulls("account.name"), "null");
  EXPECT_EQ(with_nulls("{\"a\": {\"b\": account.employees}}[\"x\"].b"), "null");
  // == and != compare normally.
  EXPECT_EQ(with_nulls("account.name == null"), "true");
  EXPECT_EQ(with_nulls("account.name != null"), "false");
  EXPECT_EQ(with_nulls("account.name == \"BigCo\""), "false");
  EXPECT_EQ(with_nulls("account.name != \"BigCo\""), "true");
  EXPECT_EQ(with_nulls("account == null"), "true");
  EXPECT_EQ(value_of("account == null"), "false");
  EXPECT_EQ(value_of("contact != null"), "true");
  // Ordering and `in` are false; `not in` is true.
  EXPECT_EQ(with_nulls("account.employees > 5"), "false");
  EXPECT_EQ(with_nulls("account.employees <= 5"), "false");
  EXPECT_EQ(with_nulls("account.country in regions"), "false");
  EXPECT_EQ(with_nulls("account.country not in regions"), "true");
  // Bool-returning methods and macros are false.
  EXPECT_EQ(with_nulls("account.name.contains(\"a\")"), "false");
  EXPECT_EQ(with_nulls("account.name.startsWith(\"a\")"), "false");
  EXPECT_EQ(with_nulls("account.name.endsWith(\"a\")"), "false");
  EXPECT_EQ(with_nulls("account.name.matches(\"a\")"), "false");
  EXPECT_EQ(with_nulls("account.tech_stack.exists(t, true)"), "false");
  EXPECT_EQ(with_nulls("account.tech_stack.all(t, true)"), "false");
  // Other functions, methods and arithmetic give null.
  EXPECT_EQ(with_nulls("account.tech_stack.filter(t, true)"), "null");
  EXPECT_EQ(with_nulls("account.tech_stack.map(t, t)"), "null");
  EXPECT_EQ(with_nulls("account.employees + 1"), "null");
  EXPECT_EQ(with_nulls("-account.employees"), "null");
  EXPECT_EQ(with_nulls("size(account.name)"), "null");
  EXPECT_EQ(with_nulls("account.name.lower()"), "null");
  EXPECT_EQ(with_nulls("int(account.name)"), "null");
  // not null is null; and/or combine as CEL does with a null operand.
  EXPECT_EQ(with_nulls("not account.is_customer"), "null");
  EXPECT_EQ(with_nulls("account.is_customer and false"), "false");
  EXPECT_EQ(with_nulls("account.is_customer and true"), "null");
  EXPECT_EQ(with_nulls("account.is_customer or true"), "true");
  EXPECT_EQ(with_nulls("account.is_customer or false"), "null");
  EXPECT_EQ(with_nulls("account.name ?? \"anon\""), "\"anon\"");
}

// Runs `let v = expr` and returns how many times round_robin rotated.
int rotations(const std::string& expr, bool owner_known, std::string* value = nullptr) {
  LetProgram lp = compile_let(expr);
  EXPECT_NE(lp.program, nullptr) << lp.compiled->dump();
  if (!lp.program) return -1;
  Context c(lp.compiled->bundle, "website.page_viewed");
  fill_standard(c);
  if (owner_known) c.account("owner", c.str("owner@acme.com"));
  std::string v = c.show(*lp.program);
  if (value) *value = v;
  return c.round_robin_calls;
}

TEST(ShortCircuit, UntakenRoundRobinDoesNotRotate) {
  std::string v;
  EXPECT_EQ(rotations("account.owner ?? round_robin(reps)", true, &v), 0);
  EXPECT_EQ(v, "\"owner@acme.com\"");
  EXPECT_EQ(rotations("account.owner ?? round_robin(reps)", false, &v), 1);
  EXPECT_EQ(v, "\"sam@acme.com\"");
  EXPECT_EQ(rotations("account.is_customer and round_robin(reps) == \"x\"", false, &v), 0);
  EXPECT_EQ(v, "false");
  EXPECT_EQ(rotations("account.employees > 5 or round_robin(reps) == \"x\"", false, &v), 0);
  EXPECT_EQ(v, "true");
  EXPECT_EQ(rotations("account.employees > 5 ? \"mine\" : round_robin(reps)", false, &v), 0);
  EXPECT_EQ(rotations("account.employees < 5 ? round_robin(reps) : \"mine\"", false, &v), 0);
  EXPECT_EQ(v, "\"mine\"");
  EXPECT_EQ(rotations("account.employees < 5 ? \"mine\" : round_robin(reps)", false, &v), 1);
  // The taken side does run, and rotation advances per call.
  EXPECT_EQ(rotations("[round_robin(reps), round_robin(reps)]", false, &v), 2);
  EXPECT_EQ(v, "[\"sam@acme.com\", \"kim@acme.com\"]");
  // Constant operands are folded, but never across a round_robin.
  EXPECT_EQ(rotations("false and round_robin(reps) == \"x\"", false, &v), 0);
  EXPECT_EQ(rotations("true and round_robin(reps) == \"sam@acme.com\"", false, &v), 1);
  EXPECT_EQ(v, "true");
}

}  // namespace
}  // namespace play::codegen::testing
