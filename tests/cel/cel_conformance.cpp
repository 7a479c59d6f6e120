// CEL conformance: runs the `simple` tests of the CEL specification (as
// extracted by extract_cel_tests.js) through our parser, checker, codegen
// and VM -- the same pipeline as `playc eval` -- and reports, per section,
// how many pass, are skipped (with the skip list's reason) and fail.
//
//   cel_conformance CASES.json [--skip-list FILE] [--verbose] [--min-pass-rate 0.97]
//
// A case passes when our result equals the expected value with CEL's
// strictness about kinds (an int64 result must be an int, a double a
// float; NaN counts as equal to NaN here), or, when CEL expects an error,
// when we report one at any stage: our checker rejects statically some
// expressions CEL only rejects at run time, which is the same verdict.
// Exits 1 when pass / (pass + fail) is below the minimum rate.
#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "compiler/codegen/codegen.h"
#include "compiler/sema/project.h"
#include "compiler/syntax/parse.h"
#include "runtime/vm/vm.h"
#include "tests/cel/cel_case.h"
#include "tests/cel/skip_list.h"
#if PLAY_JIT
#include "tests/jit/both.h"
#endif

namespace play::cel {
namespace {

// CEL equality for the conformance verdict: kinds must agree (1 != 1.0 as
// a *result*), NaN equals NaN, maps ignore order.
bool same_result(const vm::Value& want, const vm::Value& got) {
  if (want.kind != got.kind) return false;
  switch (want.kind) {
    case vm::Kind::Float:
      return (std::isnan(want.f) && std::isnan(got.f)) || want.f == got.f;
    case vm::Kind::List:
      if (want.n != got.n) return false;
      for (uint32_t i = 0; i < want.n; ++i)
        if (!same_result(want.items[i], got.items[i])) return false;
      return true;
    case vm::Kind::Map:
      if (want.n != got.n) return false;
      for (const auto& w : want.map_entries()) {
        bool found = false;
        for (const auto& g : got.map_entries())
          if (g.key == w.key) {
            if (!same_result(w.value, g.value)) return false;
            found = true;
          }
        if (!found) return false;
      }
      return true;
    default:
      return vm::values_equal(want, got);
  }
}

// A map literal with a key that is not a string: our maps are map<string, T>.
bool has_non_string_key(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Map)
    for (size_t i = 0; i < e.args.size(); i += 2)
      if (e.args[i]->kind != ast::ExprKind::String) return true;
  for (const auto& a : e.args)
    if (a && has_non_string_key(*a)) return true;
  return false;
}

struct Outcome {
  enum Kind { Pass, Skip, Fail } kind = Fail;
  const SkipRule* rule = nullptr;
  std::string expected, got;
};

std::string first_error(const Diagnostics& diags) {
  for (const auto& d : diags.all())
    if (d.severity == Severity::Error) return d.code + " " + d.message;
  return "error";
}

class Runner {
 public:
  Runner(sema::Project& project, SkipList& skips) : project_(project), skips_(skips) {}
  // --jit: also runs each compiled case as JIT-compiled code and compares.
  std::function<void(const Case&, const vm::Program&, std::span<const vm::Value> lets,
                     const vm::EvalResult& vm_result, const vm::Arena& vm_arena)>
      check_jit;

  Outcome run(const Case& c) {
    Outcome o;
    o.expected = c.expect_error ? "an error" : c.value ? simdjson::to_string(*c.value) : "(nothing)";
    Diagnostics diags;
    uint32_t file = project_.sources.add("<" + c.name + ">", c.expr);
    ast::ExprPtr expr = syntax::parse_expression(project_.sources, file, diags);

    std::vector<std::string> more;
    if (expr && has_non_string_key(*expr)) more.push_back("non_string_map_key");
    std::string missing;
    if (SkipRule* r = skips_.match(c, more, missing)) {
      ++r->hits;
      o.kind = Outcome::Skip;
      o.rule = r;
      return o;
    }
    if (!missing.empty()) {
      // A detector fired without a written reason: that is a bug in the list.
      o.got = "feature:" + missing + " detected but skip-list.txt has no line for it";
      return o;
    }
    if (!c.expect_error && !c.value) {
      o.got = "case expects neither a value nor an error (not supported by this runner)";
      return o;
    }
    if (!expr || diags.has_errors()) return verdict(c, o, "parse error: " + first_error(diags));

    vm::Arena arena;
    std::vector<sema::Binding> bindings;
    std::vector<vm::Value> values;
    if (c.bindings) {
      simdjson::dom::object b;
      if (c.bindings->get(b)) return verdict(c, o, "unreadable bindings");
      for (auto [name, v] : b) {
        std::string why;
        auto conv = convert_value(v["value"], arena, why);
        if (!conv) return verdict(c, o, "binding " + std::string(name) + " holds " + why);
        TypeRef t = declared_type(c, std::string(name));
        bindings.push_back({std::string(name), t ? t : conv->type});
        values.push_back(conv->value);
      }
    }
    sema::check_expression(project_, *expr, bindings, diags);
    if (diags.has_errors()) {
      // The spec marks the case as one to run with CEL's checker off (it is
      // ill-typed for CEL's checker too); we have no unchecked mode.
      if (c.disable_check && !c.expect_error) {
        if (SkipRule* r = skips_.feature("unchecked")) {
          ++r->hits;
          o.kind = Outcome::Skip;
          o.rule = r;
          return o;
        }
        o.got = "feature:unchecked detected but skip-list.txt has no line for it";
        return o;
      }
      return verdict(c, o, "check error: " + first_error(diags));
    }

    vm::Program program;
    std::string err;
    if (!codegen::compile_expression(project_, *expr, program, err))
      return verdict(c, o, "codegen error: " + err);
    vm::RegexCache regexes;
    vm::EvalContext ctx;
    ctx.lets = values;
    ctx.arena = &arena;
    ctx.regex_cache = &regexes;
    vm::EvalResult r = vm::eval(program, ctx);
    if (check_jit) check_jit(c, program, values, r, arena);
    if (!r.ok) return verdict(c, o, "runtime error: " + r.error.message);

    if (c.expect_error) {
      o.got = vm::debug_string(r.value);
      return o;
    }
    std::string why;
    auto want = convert_value(*c.value, arena, why);
    if (!want) {
      o.got = "expected value holds " + why;
      return o;
    }
    o.got = vm::debug_string(r.value) + " (" + vm::kind_name(r.value.kind) + ")";
    if (same_result(want->value, r.value)) o.kind = Outcome::Pass;
    return o;
  }

 private:
  // We reported an error: a pass iff CEL expects one.
  Outcome& verdict(const Case& c, Outcome& o, std::string error) {
    o.got = std::move(error);
    if (c.expect_error) o.kind = Outcome::Pass;
    return o;
  }

  sema::Project& project_;
  SkipList& skips_;
};

// --jit: each case's program through the JIT too; value, kind, error text,
// pc and position, and arena use must be the interpreter's.
struct JitCheck {
  int compared = 0;
  std::vector<std::string> differences;
#if PLAY_JIT
  jit::Jit jit;
  void run(const Case& c, const vm::Program& program, std::span<const vm::Value> lets,
           const vm::EvalResult& r, const vm::Arena& vm_arena) {
    std::string why;
    const jit::Compiled* code = jit.compile(program, why);
    if (!code) return differences.push_back(c.path() + ": not compiled: " + why);
    vm::Arena arena;
    vm::RegexCache regexes;
    vm::EvalContext ctx;
    ctx.lets = lets;
    ctx.arena = &arena;
    ctx.regex_cache = &regexes;
    vm::EvalResult j = jit::run(*code, ctx);
    ++compared;
    std::string a = jit_test::describe(r, vm_arena), b = jit_test::describe(j, arena);
    // The interpreter's arena also holds the bindings, allocated before it ran: compare results only.
    a = a.substr(0, a.rfind(" arena "));
    b = b.substr(0, b.rfind(" arena "));
    if (a != b) differences.push_back(c.path() + ": " + c.expr + "\n    vm:  " + a + "\n    jit: " + b);
  }
#endif
};

struct Tally {
  int pass = 0, skip = 0, fail = 0;
};

int main_impl(int argc, char** argv) {
  std::string cases_path, skip_path = PLAY_CEL_SKIP_LIST;
  bool verbose = false, jit = false;
  double min_rate = 0.97;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--verbose" || a == "-v")
      verbose = true;
    else if (a == "--skip-list" && i + 1 < argc)
      skip_path = argv[++i];
    else if (a == "--jit")
      jit = true;
    else if (a == "--min-pass-rate" && i + 1 < argc)
      min_rate = std::stod(argv[++i]);
    else if (cases_path.empty() && !a.starts_with("-"))
      cases_path = a;
    else {
      std::fprintf(stderr, "usage: cel_conformance CASES.json [--skip-list FILE] [--verbose]\n");
      return 2;
    }
  }
  if (cases_path.empty()) {
    std::fprintf(stderr, "usage: cel_conformance CASES.json [--skip-list FILE] [--verbose]\n");
    return 2;
  }

  SkipList skips;
  std::string error;
  if (!skips.load(skip_path, error)) {
    std::fprintf(stderr, "cel_conformance: %s\n", error.c_str());
    return 2;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto e = parser.load(cases_path).get(doc)) {
    std::fprintf(stderr, "cel_conformance: cannot read %s: %s\n", cases_path.c_str(),
                 simdjson::error_message(e));
    return 2;
  }
  std::vector<Case> cases;
  if (!read_cases(doc, cases, error) || cases.empty()) {
    std::fprintf(stderr, "cel_conformance: %s: %s\n", cases_path.c_str(),
                 error.empty() ? "no cases" : error.c_str());
    return 2;
  }

  sema::Project project;
  Diagnostics diags;
  if (!sema::load_project({}, project, diags) || diags.has_errors()) {
    std::fprintf(stderr, "cel_conformance: the standard library does not load\n");
    return 2;
  }

  Runner runner(project, skips);
  JitCheck jit_check;
  if (jit) {
#if PLAY_JIT
    runner.check_jit = [&](const Case& c, const vm::Program& p, std::span<const vm::Value> lets,
                           const vm::EvalResult& r,
                           const vm::Arena& arena) { jit_check.run(c, p, lets, r, arena); };
#else
    std::fprintf(stderr, "cel_conformance: --jit: this build has no JIT (configure with -DPLAY_JIT=ON)\n");
    return 2;
#endif
  }
  std::vector<std::string> order;
  std::map<std::string, Tally> by_section;
  Tally total;
  std::vector<std::pair<const Case*, Outcome>> failures, skipped;
  for (const Case& c : cases) {
    if (!by_section.count(c.section)) order.push_back(c.section);
    Tally& t = by_section[c.section];
    Outcome o = runner.run(c);
    switch (o.kind) {
      case Outcome::Pass:
        ++t.pass, ++total.pass;
        break;
      case Outcome::Skip:
        ++t.skip, ++total.skip;
        skipped.emplace_back(&c, std::move(o));
        break;
      case Outcome::Fail:
        ++t.fail, ++total.fail;
        failures.emplace_back(&c, std::move(o));
        break;
    }
  }

  for (const auto& s : order) {
    const Tally& t = by_section[s];
    double r = t.pass + t.fail ? 100.0 * t.pass / (t.pass + t.fail) : 100.0;
    std::printf("%-13s %4d pass, %4d skip, %3d fail; %5.1f%% of %d run\n", (s + ":").c_str(), t.pass, t.skip,
                t.fail, r, t.pass + t.fail);
  }
  double rate = total.pass + total.fail ? double(total.pass) / (total.pass + total.fail) : 0;
  std::printf("total: %d pass, %d skip, %d fail; pass rate %.1f%% of %d non-skipped (minimum %.0f%%)\n",
              total.pass, total.skip, total.fail, 100 * rate, total.pass + total.fail, 100 * min_rate);
  if (verbose) {
    std::printf("\nskips by reason:\n");
    for (const auto& r : skips.rules())
      std::printf("  %4d  %s  (%s)\n", r.hits, r.pattern.c_str(), r.reason.c_str());
    std::printf("\nskipped:\n");
    for (const auto& [c, o] : skipped)
      std::printf("  %-28s %s: %s\n", o.rule->pattern.c_str(), c->path().c_str(), c->expr.c_str());
    std::printf("\nfailures:\n");
    for (const auto& [c, o] : failures)
      std::printf("  %s\n    expr:     %s\n    expected: %s\n    got:      %s\n", c->path().c_str(),
                  c->expr.c_str(), o.expected.c_str(), o.got.c_str());
  } else if (!failures.empty()) {
    std::printf("(run with --verbose to list the failures and the skip reasons)\n");
  }
  for (const auto& r : skips.rules())
    if (r.hits == 0) std::printf("note: skip-list.txt:%d (%s) matched nothing\n", r.line, r.pattern.c_str());
  if (jit) {
    std::printf("jit: %d cases compared with the interpreter, %zu differ\n", jit_check.compared,
                jit_check.differences.size());
    for (const std::string& d : jit_check.differences) std::printf("  %s\n", d.c_str());
    if (jit_check.compared == 0 || !jit_check.differences.empty()) return 1;
  }
  return rate >= min_rate ? 0 : 1;
}

}  // namespace
}  // namespace play::cel

int main(int argc, char** argv) { return play::cel::main_impl(argc, argv); }
