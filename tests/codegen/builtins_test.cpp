// The builtins table (compiler/builtins/builtins.h): every row is exercised
// through the checker, the cost model, codegen and the VM, and they agree
// with the row: the call checks, its type is the row's result, its cost is
// the row's, it lowers to the row's instruction (or sequence), and it
// evaluates to what LANGUAGE.md section 3 says.
#include "compiler/builtins/builtins.h"

#include <gtest/gtest.h>

#include "tests/codegen/harness.h"

namespace play::codegen::testing {
namespace {

using builtins::Builtin;
using builtins::Form;
using builtins::Lowering;
using builtins::Result;

struct Sample {
  Form form;
  std::string name;
  std::string expr;      // a call whose operands vary per signal, so it is not folded
  std::string operands;  // the same operands as a list literal (costs 1 + theirs)
  std::string value;     // show() in the standard context
};

// One per row of the table (the first test fails when a row has none).
const std::vector<Sample> kSamples = {
    {Form::Function, "size", "size(account.name)", "[account.name]", "5"},
    {Form::Function, "int", "int(account.annual_revenue)", "[account.annual_revenue]", "25000000"},
    {Form::Function, "float", "float(account.employees)", "[account.employees]", "float(1200)"},
    {Form::Function, "double", "double(account.employees)", "[account.employees]", "float(1200)"},
    {Form::Function, "string", "string(account.employees)", "[account.employees]", "\"1200\""},
    {Form::Function, "timestamp", "timestamp(account.employees)", "[account.employees]",
     "timestamp(1970-01-01T00:20:00Z)"},
    {Form::Function, "duration", "duration(string(account.employees) + \"s\")",
     "[string(account.employees) + \"s\"]", "duration(20m)"},
    {Form::Function, "has", "has(signal.category)", "[signal.category]", "true"},
    {Form::Function, "round_robin", "round_robin(reps)", "[]", "\"sam@acme.com\""},
    {Form::Function, "dyn", "dyn(account.employees)", "[account.employees]", "1200"},
    {Form::Function, "bool", "bool(account.name.endsWith(\"Co\"))", "[account.name.endsWith(\"Co\")]",
     "true"},
    // 1970-01-01T00:20:00Z, a Thursday: 19:20 on Wednesday 1969-12-31 in New York (EST, -05:00).
    {Form::Method, "getFullYear", "timestamp(account.employees).getFullYear(\"America/New_York\")",
     "[timestamp(account.employees), \"America/New_York\"]", "1969"},
    {Form::Method, "getMonth", "timestamp(account.employees).getMonth()", "[timestamp(account.employees)]",
     "0"},
    {Form::Method, "getDate", "timestamp(account.employees).getDate()", "[timestamp(account.employees)]",
     "1"},
    {Form::Method, "getDayOfMonth", "timestamp(account.employees).getDayOfMonth(\"America/New_York\")",
     "[timestamp(account.employees), \"America/New_York\"]", "30"},
    {Form::Method, "getDayOfWeek", "timestamp(account.employees).getDayOfWeek()",
     "[timestamp(account.employees)]", "4"},
    {Form::Method, "getDayOfYear", "timestamp(account.employees).getDayOfYear(\"America/New_York\")",
     "[timestamp(account.employees), \"America/New_York\"]", "364"},
    {Form::Method, "getHours", "timestamp(account.employees).getHours(\"America/New_York\")",
     "[timestamp(account.employees), \"America/New_York\"]", "19"},
    {Form::Method, "getMinutes", "timestamp(account.employees).getMinutes(\"+05:30\")",
     "[timestamp(account.employees), \"+05:30\"]", "50"},
    {Form::Method, "getSeconds", "timestamp(account.employees).getSeconds()",
     "[timestamp(account.employees)]", "0"},
    {Form::Method, "getMilliseconds", "timestamp(account.employees).getMilliseconds()",
     "[timestamp(account.employees)]", "0"},
    {Form::Method, "contains", "account.name.contains(\"Co\")", "[account.name, \"Co\"]", "true"},
    {Form::Method, "startsWith", "account.name.startsWith(\"Big\")", "[account.name, \"Big\"]", "true"},
    {Form::Method, "endsWith", "account.name.endsWith(\"Big\")", "[account.name, \"Big\"]", "false"},
    {Form::Method, "matches", "account.name.matches(account.country)", "[account.name, account.country]",
     "false"},
    {Form::Method, "lower", "account.name.lower()", "[account.name]", "\"bigco\""},
    {Form::Method, "upper", "account.name.upper()", "[account.name]", "\"BIGCO\""},
    {Form::Method, "size", "account.tech_stack.size()", "[account.tech_stack]", "2"},
    {Form::Macro, "exists", "account.tech_stack.exists(x, x == \"segment\")", "[account.tech_stack]", "true"},
    {Form::Macro, "exists_one", "account.tech_stack.exists_one(x, x == \"segment\")", "[account.tech_stack]",
     "true"},
    {Form::Macro, "all", "account.tech_stack.all(x, x == \"segment\")", "[account.tech_stack]", "false"},
    {Form::Macro, "filter", "account.tech_stack.filter(x, x == \"segment\")", "[account.tech_stack]",
     "[\"segment\"]"},
    {Form::Macro, "map", "account.tech_stack.map(x, x + \"!\")", "[account.tech_stack]",
     "[\"salesforce!\", \"segment!\"]"},
};

const Sample* sample_for(const Builtin& b) {
  for (const auto& s : kSamples)
    if (s.name == b.name && (s.form == Form::Function) == (b.form == Form::Function)) return &s;
  return nullptr;
}

TypeKind kind_of(Result r) {
  switch (r) {
    case Result::Bool:
    case Result::NullableBool:
    case Result::MacroTest:
      return TypeKind::Bool;
    case Result::Int:
      return TypeKind::Int;
    case Result::Float:
      return TypeKind::Float;
    case Result::String:
    case Result::PoolMember:
    case Result::LikeString:
      return TypeKind::String;
    case Result::Timestamp:
      return TypeKind::Timestamp;
    case Result::Duration:
      return TypeKind::Duration;
    case Result::Dyn:
      return TypeKind::Dyn;
    case Result::MacroFilter:
    case Result::MacroMap:
      return TypeKind::List;
  }
  return TypeKind::Error;
}

uint32_t play_cost(const LetProgram& lp) {
  const auto& p = lp.compiled->project;
  return p.plays.at(p.play_index.at("p")).worst_case_cost;
}

TEST(Builtins, EveryRowHasASampleAndEveryNameIsFoundByItsForm) {
  for (const Builtin& b : builtins::all()) {
    EXPECT_NE(sample_for(b), nullptr) << b.name << ": add a sample to kSamples";
    const Builtin* found = b.form == Form::Function ? builtins::function(b.name) : builtins::method(b.name);
    EXPECT_EQ(found, &b) << b.name;
  }
}

TEST(Builtins, CheckerCostCodegenAndVmAgreeWithTheTable) {
  for (const Builtin& b : builtins::all()) {
    const Sample* s = sample_for(b);
    if (!s) continue;
    SCOPED_TRACE(s->expr);
    LetProgram lp = compile_let(s->expr);
    ASSERT_TRUE(lp.program) << lp.compiled->dump();

    // checker: the row's result type
    const ast::PlayItem* item = nullptr;
    for (const auto& it : lp.compiled->play_decl("p").items)
      if (it.kind == ast::PlayItemKind::Let) item = &it;
    ASSERT_TRUE(item);
    EXPECT_EQ(item->expr->type->kind, kind_of(b.result)) << item->expr->type->str();

    // cost: the row's cost over its operands' (a macro: its body, +1, per element of an unknown list)
    LetProgram base = compile_let(s->operands);
    ASSERT_TRUE(base.program) << base.compiled->dump();
    uint64_t want = b.cost - 1;                                                 // the list literal's own step
    if (b.form == Form::Macro) want += builtins::kUnknownListLength * (3 + 1);  // bodies are 3 nodes
    if (b.lowering == Lowering::RoundRobin) want += 1;  // the pool name is not an operand here
    EXPECT_EQ(play_cost(lp) - play_cost(base), want);

    // codegen: the row's instruction, or the loop
    std::string ops = " " + opcodes(*lp.program) + " ";
    switch (b.lowering) {
      case Lowering::Instruction:
      case Lowering::RoundRobin:
      case Lowering::Regex:
      case Lowering::TimePart:
        EXPECT_NE(ops.find(std::string(" ") + vm::op_info(b.op).name + " "), std::string::npos) << ops;
        break;
      case Lowering::Identity:
        EXPECT_EQ(ops, " " + opcodes(*base.program).substr(0, opcodes(*base.program).find(" BUILD_LIST")) +
                           " RETURN ")
            << "dyn(x) compiles as x";
        break;
      case Lowering::Exists:
      case Lowering::All:
      case Lowering::Filter:
      case Lowering::Map:
      case Lowering::ExistsOne:
        EXPECT_NE(ops.find(" ITER_NEXT "), std::string::npos) << ops;
        EXPECT_EQ(ops.find(" LIST_APPEND ") != std::string::npos,
                  b.lowering == Lowering::Filter || b.lowering == Lowering::Map)
            << ops;
        break;
    }

    // VM: the value LANGUAGE.md gives
    EXPECT_EQ(value_of(s->expr), s->value);
  }
}

// A constant pattern is compiled when the program is verified.
TEST(Builtins, ConstantRegexIsCompiledAtLoad) {
  LetProgram lp = compile_let("account.name.matches(\"^Big\")");
  ASSERT_TRUE(lp.program) << lp.compiled->dump();
  EXPECT_NE(opcodes(*lp.program).find("MATCHES_CONST"), std::string::npos);
  EXPECT_EQ(value_of("account.name.matches(\"^Big\")"), "true");
}

}  // namespace
}  // namespace play::codegen::testing
