// Random well-typed expressions -- int arithmetic near the overflow edges and
// with zero divisors, floats, nulls, strings with non-ASCII text, regexes,
// lists and comprehensions -- compiled by the real checker and codegen and
// evaluated by the interpreter and by the JIT; value, kind, error text,
// pc and source position, and arena use must all be the same. Seeded: a
// failure names its expression and reproduces.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "compiler/codegen/codegen.h"
#include "compiler/sema/project.h"
#include "compiler/syntax/parse.h"
#include "tests/jit/both.h"

namespace play {
namespace {

using vm::Value;

struct Var {
  const char* name;
  TypeRef type;
  Value value;
};

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  std::string any(int d) {
    switch (pick(6)) {
      case 0:
        return integer(d);
      case 1:
        return floating(d);
      case 2:
        return boolean(d);
      case 3:
        return str(d);
      case 4:
        return ints(d);
      default:
        return strs(d);
    }
  }

 private:
  std::mt19937 rng_;
  std::vector<std::string> int_vars_{"i", "j", "big", "zero", "ni"}, str_vars_{"s", "t", "ns"};
  int depth_vars_ = 0;

  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  template <size_t N>
  const char* one(const char* const (&a)[N]) {
    return a[pick(N)];
  }
  bool leaf(int d) { return d <= 0 || pick(4) == 0; }

  std::string integer(int d) {
    static const char* const lits[] = {"0",         "1", "-1", "2", "7", "1000000007", "9223372036854775807",
                                       "3037000500"};
    if (leaf(d)) return pick(2) ? int_vars_[pick(int_vars_.size())] : one(lits);
    static const char* const ops[] = {" + ", " - ", " * ", " / ", " % "};
    switch (pick(8)) {
      case 0:
      case 1:
      case 2:
        return "(" + integer(d - 1) + one(ops) + integer(d - 1) + ")";
      case 3:
        return "-(" + integer(d - 1) + ")";
      case 4:
        return pick(2) ? "size(" + str(d - 1) + ")" : "size(" + ints(d - 1) + ")";
      case 5:
        return "(" + boolean(d - 1) + " ? " + integer(d - 1) + " : " + integer(d - 1) + ")";
      case 6:
        return "int(" + floating(d - 1) + ")";
      default:
        return "(ni ?? " + integer(d - 1) + ")";
    }
  }

  std::string floating(int d) {
    static const char* const lits[] = {"0.0", "1.5", "-2.25", "1e308", "0.1"};
    static const char* const vars[] = {"f", "g", "nf"};
    if (leaf(d)) return pick(2) ? one(vars) : one(lits);
    static const char* const ops[] = {" + ", " - ", " * ", " / "};
    switch (pick(3)) {
      case 0:
      case 1:
        return "(" + floating(d - 1) + one(ops) + floating(d - 1) + ")";
      default:
        return "float(" + integer(d - 1) + ")";
    }
  }

  std::string boolean(int d) {
    static const char* const leaves[] = {"b", "nb", "true", "false"};
    if (leaf(d)) return one(leaves);
    static const char* const cmps[] = {" == ", " != ", " < ", " <= ", " > ", " >= "};
    static const char* const str_tests[] = {".contains(", ".startsWith(", ".endsWith("};
    static const char* const regexes[] = {"\"^h.llo\"", "\"[日本]+\"", "\"(?i)WÖR\"", "\"\\\\d\"", "\"\""};
    switch (pick(10)) {
      case 0:
        return "(" + integer(d - 1) + one(cmps) + integer(d - 1) + ")";
      case 1:
        return "(" + floating(d - 1) + one(cmps) + floating(d - 1) + ")";
      case 2:
        return "(" + str(d - 1) + one(cmps) + str(d - 1) + ")";
      case 3:
        return "(" + boolean(d - 1) + (pick(2) ? " && " : " || ") + boolean(d - 1) + ")";
      case 4:
        return "!(" + boolean(d - 1) + ")";
      case 5:
        return str(d - 1) + one(str_tests) + str(d - 1) + ")";
      case 6:
        return str(d - 1) + ".matches(" + one(regexes) + ")";
      case 7:
        return "(" + integer(d - 1) + " in " + ints(d - 1) + ")";
      case 8: {
        static const char* const macros[] = {".exists(", ".all(", ".exists_one("};
        return comprehension(d, one(macros), [&](int dd) { return boolean(dd); });
      }
      default:
        return "(" + str(d - 1) + (pick(2) ? " in " : " not in ") + strs(d - 1) + ")";
    }
  }

  std::string str(int d) {
    static const char* const lits[] = {"\"\"", "\"abc\"", "\"日本語\"", "\"Ünïcödé\"", "\"a<b&c\""};
    if (leaf(d)) return pick(2) ? str_vars_[pick(str_vars_.size())] : one(lits);
    switch (pick(5)) {
      case 0:
        return "(" + str(d - 1) + " + " + str(d - 1) + ")";
      case 1:
        return str(d - 1) + (pick(2) ? ".lower()" : ".upper()");
      case 2:
        return "string(" + (pick(2) ? integer(d - 1) : floating(d - 1)) + ")";
      case 3:
        return "(" + boolean(d - 1) + " ? " + str(d - 1) + " : " + str(d - 1) + ")";
      default:
        return "(ns ?? " + str(d - 1) + ")";
    }
  }

  std::string ints(int d) {
    if (leaf(d)) return pick(2) ? "xs" : "[" + integer(0) + ", " + integer(0) + "]";
    switch (pick(4)) {
      case 0:
        return "[" + integer(d - 1) + ", " + integer(d - 1) + ", " + integer(d - 1) + "]";
      case 1:
        return comprehension(d, ".filter(", [&](int dd) { return boolean(dd); });
      case 2:
        return comprehension(d, ".map(", [&](int dd) { return integer(dd); });
      default:
        return "(" + ints(d - 1) + " + " + ints(d - 1) + ")";
    }
  }

  std::string strs(int d) {
    if (leaf(d)) return "ss";
    return pick(2) ? "ss.map(w" + std::to_string(depth_vars_) + ", " + str(d - 1) + ")"
                   : "[" + str(d - 1) + ", " + str(d - 1) + "]";
  }

  // LIST.MACRO(v, BODY) over a list of ints, with `v` an int variable in BODY.
  template <class Body>
  std::string comprehension(int d, const char* macro, Body body) {
    std::string list = ints(d - 1);
    std::string v = "v" + std::to_string(depth_vars_++);
    int_vars_.push_back(v);
    std::string b = body(d - 1);
    int_vars_.pop_back();
    --depth_vars_;
    return list + macro + v + ", " + b + ")";
  }
};

TEST(JitFuzz, RandomExpressionsEvaluateTheSameOnTheInterpreterAndTheJit) {
  sema::Project project;
  Diagnostics diags;
  ASSERT_TRUE(sema::load_project({}, project, diags));
  static const Value xs_items[] = {Value::integer(1), Value::integer(-2), Value::integer(INT64_MAX),
                                   Value::integer(0)};
  static const Value ss_items[] = {Value::string("a"), Value::string("Ünï"), Value::string("日本")};
  const std::vector<Var> vars = {
      {"i", Type::integer(), Value::integer(7)},
      {"j", Type::integer(), Value::integer(-3)},
      {"big", Type::integer(), Value::integer(INT64_MAX)},
      {"zero", Type::integer(), Value::integer(0)},
      {"ni", Type::integer(true), Value()},
      {"f", Type::floating(), Value::floating(2.5)},
      {"g", Type::floating(), Value::floating(-0.0)},
      {"nf", Type::floating(true), Value()},
      {"b", Type::boolean(), Value::boolean(true)},
      {"nb", Type::boolean(true), Value()},
      {"s", Type::string(), Value::string("héllo wörld 日本")},
      {"t", Type::string(), Value::string("wör")},
      {"ns", Type::string(true), Value()},
      {"xs", Type::list(Type::integer()), Value::list(xs_items, 4)},
      {"ss", Type::list(Type::string()), Value::list(ss_items, 3)},
  };
  std::vector<sema::Binding> bindings;
  std::vector<Value> values;
  for (const Var& v : vars) {
    bindings.push_back({v.name, v.type});
    values.push_back(v.value);
  }

  // Generated and compiled first, then compiled by the JIT in batches (one
  // LLVM module per batch: a module per expression would take most of the time).
  Gen gen(15);
  int rejected = 0;
  std::vector<std::pair<std::string, vm::Program>> cases;
  for (int n = 0; n < 3000; ++n) {
    std::string text = gen.any(4);
    Diagnostics d;
    uint32_t file = project.sources.add("<fuzz>", text);
    ast::ExprPtr expr = syntax::parse_expression(project.sources, file, d);
    if (expr) sema::check_expression(project, *expr, bindings, d);
    vm::Program program;
    std::string err;
    if (!expr || d.has_errors() || !codegen::compile_expression(project, *expr, program, err)) {
      ++rejected;  // an expression the checker refuses: nothing to compare
      continue;
    }
    cases.emplace_back(std::move(text), std::move(program));
  }
  jit::Jit jit;
  int compared = 0, errors = 0;
  constexpr size_t kBatch = 250;
  for (size_t first = 0; first < cases.size(); first += kBatch) {
    std::vector<const vm::Program*> batch;
    for (size_t i = first; i < std::min(cases.size(), first + kBatch); ++i) batch.push_back(&cases[i].second);
    std::vector<std::string> whys;
    std::vector<const jit::Compiled*> code = jit.compile(batch, whys);
    for (size_t k = 0; k < batch.size(); ++k) {
      const std::string& text = cases[first + k].first;
      ASSERT_NE(code[k], nullptr) << text << ": " << whys[k];
      // Every fifth one with a tiny loop budget: the budget error path too.
      uint64_t budget = (first + k) % 5 == 0 ? 2 : 10'000'000;
      auto [vm_out, jit_out] = jit_test::run_both(*batch[k], *code[k], [&](vm::EvalContext& c) {
        c.lets = values;
        c.loop_budget = budget;
      });
      ASSERT_EQ(jit_out, vm_out) << "expression: " << text;
      ++compared;
      errors += vm_out.starts_with("error");
    }
  }
  // The generator must produce mostly well-typed expressions, and both
  // outcomes must be exercised, or this test would prove little.
  EXPECT_GT(compared, 1500) << "rejected " << rejected;
  EXPECT_GT(errors, 100);
  EXPECT_GT(compared - errors, 500);
  std::printf("compared %d expressions (%d runtime errors), %d rejected by the checker\n", compared, errors,
              rejected);
}

}  // namespace
}  // namespace play
