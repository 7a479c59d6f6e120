// What the programs look like: constant folding, typed instructions, signal
// access by slot or by name, source positions, limits, standalone
// expressions.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/codegen/harness.h"

namespace play::codegen::testing {
namespace {

std::string ops_of(const std::string& expr) {
  LetProgram lp = compile_let(expr);
  if (!lp.program) return "compile error: " + lp.compiled->dump();
  return opcodes(*lp.program);
}

bool has_op(const std::string& expr, const std::string& op) {
  std::string ops = " " + ops_of(expr) + " ";
  return ops.find(" " + op + " ") != std::string::npos;
}

TEST(Folding, ConstantExpressionsBecomeOneLoad) {
  EXPECT_EQ(ops_of("1 + 2 * 3"), "LOAD_CONST RETURN");
  LetProgram lp = compile_let("1 + 2 * 3");
  ASSERT_TRUE(lp.program);
  ASSERT_EQ(lp.program->constants.size(), 1u);
  EXPECT_EQ(show(lp.program->constants[0]), "7");

  EXPECT_EQ(ops_of("small * 2 + 1"), "LOAD_CONST RETURN");  // const names are inlined
  EXPECT_EQ(ops_of("\"a\" + \"b\""), "LOAD_CONST RETURN");
  EXPECT_EQ(ops_of("size(regions) > 2"), "LOAD_BOOL RETURN");
  EXPECT_EQ(ops_of("[1, 2, 3].filter(x, x > 1)"), "LOAD_CONST RETURN");
  EXPECT_EQ(ops_of("timestamp(\"2026-06-21T10:00:00Z\")"), "LOAD_CONST RETURN");
  EXPECT_EQ(ops_of("not (1h > 30m)"), "LOAD_BOOL RETURN");
  EXPECT_EQ(ops_of("-5"), "LOAD_CONST RETURN");
}

TEST(Folding, ConstantOperandsInsideVaryingExpressions) {
  // `in` on a constant list: the list is one constant.
  EXPECT_EQ(ops_of("account.country in [\"US\", \"CA\"]"), "LOAD_ACCOUNT_SLOT LOAD_CONST IN RETURN");
  EXPECT_EQ(ops_of("account.country in regions"), "LOAD_ACCOUNT_SLOT LOAD_CONST IN RETURN");
  EXPECT_EQ(ops_of("account.employees > small * 50"), "LOAD_ACCOUNT_SLOT LOAD_CONST CMP_INT RETURN");
  // Constants that appear twice share one pool entry.
  LetProgram lp = compile_let("account.employees > 500 and account.employees < 500 + 0");
  ASSERT_TRUE(lp.program);
  EXPECT_EQ(lp.program->constants.size(), 1u);
}

TEST(Folding, ConstantsAreDedupedByExactValue) {
  // 1 and 1.0 are equal under == but are different constants; so are 0.0 and -0.0.
  LetProgram lp = compile_let("[account.employees, 1, 1.0, 1, 0.0, -0.0, 0.0]");
  ASSERT_TRUE(lp.program);
  EXPECT_EQ(lp.program->constants.size(), 4u);
  Context ctx(lp.compiled->bundle, "website.page_viewed");
  vm::EvalResult r = ctx.run(*lp.program);
  ASSERT_TRUE(r.ok);
  auto items = r.value.list_items();
  ASSERT_EQ(items.size(), 7u);
  EXPECT_EQ(items[1].kind, vm::Kind::Int);
  EXPECT_EQ(items[2].kind, vm::Kind::Float);
  EXPECT_FALSE(std::signbit(items[4].f));
  EXPECT_TRUE(std::signbit(items[5].f));
}

TEST(Folding, ErrorsAreLeftToRunTime) {
  EXPECT_EQ(ops_of("1 / 0"), "LOAD_CONST LOAD_CONST DIV_INT RETURN");
  EXPECT_TRUE(has_op("9223372036854775807 + 1", "ADD_INT"));
  EXPECT_TRUE(has_op("int(\"x\")", "TO_INT"));
  // An error inside a constant does not stop its healthy neighbours from folding.
  EXPECT_EQ(ops_of("[1 + 1, 1 / 0]"), "LOAD_CONST LOAD_CONST LOAD_CONST DIV_INT BUILD_LIST RETURN");
}

TEST(Folding, RoundRobinIsNeverFolded) { EXPECT_TRUE(has_op("round_robin(reps) ?? \"x\"", "ROUND_ROBIN")); }

TEST(Typed, ChosenWhenTypesAreProven) {
  EXPECT_TRUE(has_op("account.employees + 1", "ADD_INT"));
  EXPECT_TRUE(has_op("account.employees - 1", "SUB_INT"));
  EXPECT_TRUE(has_op("account.employees * 2", "MUL_INT"));
  EXPECT_TRUE(has_op("account.employees / 2", "DIV_INT"));
  EXPECT_TRUE(has_op("account.employees % 2", "MOD_INT"));
  EXPECT_TRUE(has_op("account.annual_revenue + 1.0", "ADD_FLOAT"));
  EXPECT_TRUE(has_op("account.annual_revenue / 2.0", "DIV_FLOAT"));
  EXPECT_TRUE(has_op("account.employees > 500", "CMP_INT"));
  EXPECT_TRUE(has_op("account.annual_revenue > 1.5", "CMP_FLOAT"));
  EXPECT_TRUE(has_op("signal.category == \"pricing\"", "CMP_STR"));
  // Mixed or unproven kinds use the generic instruction.
  EXPECT_TRUE(has_op("account.employees + 1.5", "ADD"));
  EXPECT_TRUE(has_op("account.employees > 1.5", "CMP"));
  EXPECT_TRUE(has_op("now - 1h", "SUB"));
  EXPECT_TRUE(has_op("{\"a\": account.employees}.a == 3", "CMP_INT"));
  EXPECT_TRUE(has_op("[account.name, 1][0] == 3", "CMP"));
}

TEST(Lowering, ShortCircuitUsesJumps) {
  EXPECT_EQ(ops_of("account.is_customer and account.open_opportunity"),
            "LOAD_ACCOUNT_SLOT JUMP_IF LOAD_ACCOUNT_SLOT AND RETURN");
  EXPECT_EQ(ops_of("account.owner ?? \"x\""), "LOAD_ACCOUNT_SLOT JUMP_IF LOAD_CONST RETURN");
  EXPECT_EQ(ops_of("account.is_customer ? 1 : 2"),
            "LOAD_ACCOUNT_SLOT JUMP_IF LOAD_CONST JUMP LOAD_CONST RETURN");
}

TEST(Lowering, MatchesWithConstantPattern) {
  EXPECT_TRUE(has_op("signal.url.matches(\"^https://\")", "MATCHES_CONST"));
  EXPECT_TRUE(has_op("signal.url.matches(signal.category)", "MATCHES"));
}

TEST(Lowering, MacrosAreLoops) {
  std::string ops = ops_of("account.tech_stack.exists(t, t == \"segment\")");
  EXPECT_NE(ops.find("ITER_INIT ITER_NEXT"), std::string::npos) << ops;
  EXPECT_NE(ops.find("LOOP"), std::string::npos) << ops;
}

TEST(Lowering, RegistersAreReused) {
  // Ten comparisons joined by `and` need a handful of registers, not dozens.
  std::string e = "account.employees > 0";
  for (int i = 1; i < 10; ++i) e += " and account.employees > " + std::to_string(i);
  LetProgram lp = compile_let(e);
  ASSERT_TRUE(lp.program);
  EXPECT_LE(lp.program->num_registers, 4);
}

TEST(Lowering, WorstCaseCostCountsLoops) {
  LetProgram flat = compile_let("account.employees + 1");
  LetProgram loop = compile_let("account.tech_stack.exists(t, t == \"x\")");
  LetProgram small = compile_let("[account.name, \"b\"].exists(t, t == \"x\")");
  ASSERT_TRUE(flat.program && loop.program && small.program);
  EXPECT_EQ(flat.program->worst_case_cost, flat.program->code.size());
  EXPECT_GT(loop.program->worst_case_cost, 1000u);  // a list of unknown length counts as 1000 elements
  EXPECT_LT(small.program->worst_case_cost, 100u);
}

TEST(Signals, SlotForOneTypeNameWhenSlotsDiffer) {
  std::string src =
      "signal test.a { x: int  y: string }\n"
      "signal test.b { y: string  x: int }\n"
      "signal test.c { x: int  z: int }\n" +
      play_src("ab", "any of (test.a, test.b)", "  where signal.x > 1 and signal.id != \"\"") +
      play_src("ac", "any of (test.a, test.c)", "  where signal.x > 1") +
      play_src("b", "test.b", "  where signal.x > 1");
  auto c = compile_source(src);
  ASSERT_TRUE(c->ok) << c->dump();
  const vm::Program& ab = c->play("ab").clauses.at(0).program;
  EXPECT_EQ(opcodes(ab).rfind("LOAD_SIGNAL_PROP", 0), 0u) << opcodes(ab);
  EXPECT_NE(opcodes(ab).find("LOAD_ENVELOPE"), std::string::npos);
  const vm::Program& ac = c->play("ac").clauses.at(0).program;
  EXPECT_EQ(opcodes(ac), "LOAD_SIGNAL_SLOT LOAD_CONST CMP_INT RETURN");
  EXPECT_EQ(ac.code[0].b, 0);
  const vm::Program& b = c->play("b").clauses.at(0).program;
  EXPECT_EQ(opcodes(b), "LOAD_SIGNAL_SLOT LOAD_CONST CMP_INT RETURN");
  EXPECT_EQ(b.code[0].b, 1);

  // Both ways read the same value.
  for (const char* type : {"test.a", "test.b"}) {
    Context ctx(c->bundle, type);
    ctx.signal("x", vm::Value::integer(5));
    ctx.signal("y", ctx.str("s"));
    EXPECT_EQ(ctx.show(ab), "true") << type;
  }
}

TEST(Positions, EveryInstructionHasItsSourcePosition) {
  auto c = compile_source(play_src("p", "website.page_viewed", "  where account.employees >= 500"));
  ASSERT_TRUE(c->ok) << c->dump();
  const vm::Program& p = c->play("p").clauses.at(0).program;
  ASSERT_EQ(opcodes(p), "LOAD_ACCOUNT_SLOT LOAD_CONST CMP_INT RETURN");
  ASSERT_EQ(p.positions.size(), p.code.size());
  uint32_t file = p.positions[0].file;
  EXPECT_EQ(c->bundle.files.at(file), "test.play");
  // play_src puts the body on line 7; `where ` is 8 columns in.
  EXPECT_EQ(p.positions[0].line, 7u);
  EXPECT_EQ(p.positions[0].col, 9u);   // account.employees
  EXPECT_EQ(p.positions[1].col, 30u);  // 500
  EXPECT_EQ(p.positions[2].col, 9u);   // the comparison spans from its left side
  EXPECT_EQ(c->play("p").clauses.at(0).pos.line, 7u);
  EXPECT_EQ(c->play("p").clauses.at(0).pos.col, 3u);
}

TEST(Limits, TooManyRegistersIsADiagnostic) {
  std::string list = "[account.name";
  for (int i = 0; i < 5000; ++i) list += ", account.name";
  list += "]";
  auto c = compile_source(play_src("big", "website.page_viewed", "  where size(" + list + ") > 1"));
  EXPECT_FALSE(c->ok);
  ASSERT_NE(c->dump().find("P0950"), std::string::npos) << c->dump();
  EXPECT_NE(c->dump().find("play 'big' is too large to compile"), std::string::npos) << c->dump();
}

TEST(Standalone, CompileExpressionWithBindings) {
  // Bindings are lets: `b` reads binding 0.
  auto c = compile_source("const small = 10\n" + play_src("p", "website.page_viewed",
                                                          "  let a = 1\n  let b = a * 40 + small / 5\n"
                                                          "  do notify(channel: \"#c\", text: \"{b}\")"));
  ASSERT_TRUE(c->ok) << c->dump();
  const ast::Expr* b = nullptr;
  for (const auto& item : c->play_decl("p").items)
    if (item.kind == ast::PlayItemKind::Let && item.name == "b") b = item.expr.get();
  ASSERT_NE(b, nullptr);
  vm::Program prog;
  std::string error;
  ASSERT_TRUE(compile_expression(c->project, *b, prog, error)) << error;
  EXPECT_TRUE(prog.verified);
  Context ctx(c->bundle, "website.page_viewed");
  ctx.lets({vm::Value::integer(1)});
  EXPECT_EQ(ctx.show(prog), "42");
  ctx.lets({vm::Value::integer(2)});
  EXPECT_EQ(ctx.show(prog), "82");
}

TEST(Standalone, IcpsAreNotAvailable) {
  auto c = compile_source("icp big = account.employees > 1000\n" +
                          play_src("p", "website.page_viewed", "  where big"));
  ASSERT_TRUE(c->ok) << c->dump();
  const ast::Expr& where = *c->play_decl("p").items.back().expr;
  vm::Program prog;
  std::string error;
  EXPECT_FALSE(compile_expression(c->project, where, prog, error));
  EXPECT_NE(error.find("icp 'big' cannot be used here"), std::string::npos) << error;
}

TEST(Robustness, ProjectWithCheckErrorsIsRefusedNotCrashed) {
  // The harness stops at check errors; call generate() anyway, as a careless caller might.
  auto c = compile_source(play_src("p", "website.page_viewed", "  where icp nope\n  where account.nme == 1"));
  ASSERT_TRUE(c->diags.has_errors());
  vm::Bundle bundle;
  Diagnostics diags;
  EXPECT_FALSE(generate(c->project, bundle, diags));
  ASSERT_TRUE(diags.has_errors());
  EXPECT_TRUE(diags.all()[0].code == "P0951" || diags.all()[0].code == "P0959") << diags.all()[0].code;
}

}  // namespace
}  // namespace play::codegen::testing
