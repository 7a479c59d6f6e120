// playc: what authors and CI use (CLI.md). The command line is parsed with CLI11;
// each subcommand lives in its own file.
#include <CLI/CLI.hpp>

#include "apps/playc/commands.h"
#include "apps/playc/eval_args.h"
#include "apps/playc/lsp/run.h"

using namespace play::playc;

int main(int argc, char** argv) {
  CLI::App app{"playc: check, format, test and compile .play files"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "playc 0.1.0");

  CheckOptions check;
  auto* c = app.add_subcommand("check", "parse, resolve, type-check and lint");
  c->add_option("paths", check.paths, "files or directories (default .)");
  c->add_flag("--deny-warnings", check.deny_warnings, "warnings fail the check");
  c->add_option("--format", check.format, "text | json | sarif")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  c->add_option("--help-base", check.help_base,
                "sarif: the base URL of the rules' help links (your copy of docs/diagnostics.md)");

  FmtOptions fmt;
  auto* f = app.add_subcommand("fmt", "canonical formatting, in place");
  f->add_option("paths", fmt.paths, "files or directories (default .); - reads standard input and prints");
  f->add_flag("--check", fmt.check, "list files that would change; exit 1 if any");
  f->add_flag("--stdout", fmt.to_stdout, "print the formatted file instead of writing it");

  TestOptions test;
  auto* t = app.add_subcommand("test", "run the test blocks; ends with `N passed, N failed`");
  t->add_option("paths", test.paths, "files or directories (default .)");
  t->add_option("--junit", test.junit, "also write a JUnit XML report to FILE");
  t->add_flag("--jit", test.jit,
              "run the programs as native code, every one compiled before the first test (a -DPLAY_JIT=ON "
              "build; the results must be the interpreter's)");

  RunOptions run;
  auto* r = app.add_subcommand("run", "offline evaluation (backtest): actions as NDJSON on stdout");
  r->add_option("paths", run.paths, "files or directories, or one bundle (default .)");
  r->add_option("--signals", run.signals, "NDJSON signal envelopes, one per line")->required();
  r->add_option("--context", run.context, "context records: {\"accounts\":[...],\"contacts\":[...]}");
  r->add_flag("--trace", run.trace, "also print an outcome line for every evaluation");
  r->add_flag("--fail-on-error", run.fail_on_error, "exit 1 if any play hit a runtime error");
  r->add_flag(
       "--jit{background}", run.jit,
       "run programs as native code (a -DPLAY_JIT=ON build): --jit compiles a program after it ran "
       "1,000 times, on a background thread; --jit=eager compiles every program before the first signal")
      ->check(CLI::IsMember({"background", "eager"}));
  r->add_option("--dedup-ttl", run.dedup_ttl,
                "a repeated signal id is a duplicate within this much event time, as playd's store.dedup_ttl "
                "(default 30d; 0s: forever)");
  r->add_option("--until", run.until,
                "RFC 3339 time: move the stream clock to it after the last signal, so absence timers "
                "due by then fire");

  DiffOptions diff;
  auto* df = app.add_subcommand(
      "diff",
      "backtest two versions of the plays over the same signals; per play, actions added, removed and "
      "changed (exit 1 when they differ)");
  df->add_option("old", diff.old_path, "the old plays: a directory, a .play file or a bundle")->required();
  df->add_option("new", diff.new_path, "the new plays: a directory, a .play file or a bundle")->required();
  df->add_option("--signals", diff.signals, "NDJSON signal envelopes, one per line")->required();
  df->add_option("--context", diff.context, "context records: {\"accounts\":[...],\"contacts\":[...]}");
  df->add_option("--format", diff.format, "text | json")->check(CLI::IsMember({"text", "json"}));
  df->add_option("--examples", diff.examples, "example signals per play and kind of change (default 5)");

  AlertsOptions alerts;
  auto* al = app.add_subcommand(
      "alerts", "playd's alert rules, with each play's `alert` thresholds, as Prometheus alerting rules");
  al->add_option("paths", alerts.paths, "files or directories, or one bundle (default .)");
  al->add_option("--format", alerts.format, "prometheus (rule groups, YAML)")
      ->check(CLI::IsMember({"prometheus"}));

  RegistryOptions registry;
  auto* rg = app.add_subcommand("registry",
                                "the trigger registry: every play with its signals, rules, actions, "
                                "owner, on-call and SLA; with --runbooks, a runbook per play");
  rg->add_option("paths", registry.paths, "files or directories, or one bundle (default .)");
  rg->add_option("--format", registry.format, "md | json | html (one self-contained page)")
      ->check(CLI::IsMember({"md", "json", "html"}));
  rg->add_option("--runbooks", registry.runbooks, "also write DIR/PLAY.md: a runbook per play");

  BuildOptions build;
  auto* b = app.add_subcommand("build", "compile to a versioned bytecode bundle");
  b->add_option("paths", build.paths, "files or directories (default .)");
  b->add_option("-o,--output", build.output, "the bundle file to write")->required();

  DisasmOptions disasm;
  auto* d = app.add_subcommand("disasm", "the bytecode, per play, with source positions and worst-case cost");
  d->add_option("paths", disasm.paths, "a bundle file, or .play files or directories (default .)");
  d->add_flag("--jit", disasm.jit,
              "print the optimized LLVM IR the JIT makes of each program (a -DPLAY_JIT=ON build)");

  EvalOptions eval;
  auto* e = app.add_subcommand("eval", "evaluate one expression; prints the value as JSON");
  e->add_option("expr,--expr", eval.expr, "the expression (one starting with '-' needs no `--`)")->required();
  e->add_option("--bindings", eval.bindings, "variables as a JSON object, e.g. '{\"x\": 2}'");
  e->add_option("--signal", eval.signal,
                "bind `signal` to this envelope (JSON, or @FILE), typed by its type's schema; id and "
                "occurred_at may be left out");
  e->add_option("--now", eval.now, "`now`, in RFC 3339 (default: the signal's occurred_at, else the clock)");
  e->add_option("--context", eval.context,
                "context file (as playc run reads it): `account` and `contact` are the signal's records");
  e->add_option("--plays", eval.plays,
                "load these .play files or directories too (their consts, lists, signals)");

  // Hidden: regenerates docs/bytecode.md from runtime/vm/opcodes.h.
  auto* ref =
      app.add_subcommand("bytecode-reference", "print docs/bytecode.md, generated from the opcode table");
  ref->group("");

  auto* lsp = app.add_subcommand("lsp", "the language server (LSP 3.17 over standard input and output)");
  bool stdio = true;
  // Clients such as vscode-languageclient name the transport; stdio is the only one.
  lsp->add_flag("--stdio", stdio, "talk over standard input and output (the default and only transport)");

  try {
    std::vector<std::string> args = eval_expression_args(argc, argv, *e);
    std::vector<char*> args_c;
    for (auto& a : args) args_c.push_back(a.data());
    app.parse(static_cast<int>(args_c.size()), args_c.data());
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*f) {
    if (fmt.paths.empty()) fmt.paths = {"."};
    return run_fmt(fmt);
  }
  auto or_dot = [](std::vector<std::string>& p) {
    if (p.empty()) p = {"."};
  };
  if (*c) return or_dot(check.paths), run_check(check);
  if (*t) return or_dot(test.paths), run_test(test);
  if (*r) return or_dot(run.paths), run_run(run);
  if (*df) return run_diff(diff);
  if (*al) return or_dot(alerts.paths), run_alerts(alerts);
  if (*rg) return or_dot(registry.paths), run_registry(registry);
  if (*b) return or_dot(build.paths), run_build(build);
  if (*d) return or_dot(disasm.paths), run_disasm(disasm);
  if (*e) return run_eval(eval);
  if (*ref) return run_bytecode_reference();
  if (*lsp) return play::lsp::run_stdio();
  return 2;
}
