// The `playc` subcommands. Each returns the process exit code of CLI.md:
// 0 success, 1 the input has errors (diagnostics, failed tests), 2 usage or I/O error.
#pragma once

#include <string>
#include <vector>

#include "compiler/loader/loader.h"

namespace play::playc {

// "no .play files in 'plays/'" when `paths` held no play file at all -- a
// wrong path in CI is a mistake, not a clean check or a green test run --
// else "".
std::string no_plays(const sema::Project& project, const std::vector<std::string>& paths);

// After compiler/loader: prints why the plays did not load (every
// diagnostic, or the bundle file's error) to stderr and returns the exit
// code, 0 when they loaded. Warnings are `playc check`'s to print, so they
// are shown only beside errors.
int report_load(const loader::Loaded& loaded);

struct CheckOptions {
  std::vector<std::string> paths;
  std::string format = "text";  // text | json | sarif
  bool deny_warnings = false;
  std::string help_base;  // sarif: the rules' help links' base ("" docs/diagnostics.md on GitHub)
};
int run_check(const CheckOptions& o);

struct FmtOptions {
  std::vector<std::string> paths;
  bool check = false;      // list files that would change, exit 1 if any
  bool to_stdout = false;  // print the formatted text instead of writing (one file)
};
int run_fmt(const FmtOptions& o);

struct RunOptions {
  std::vector<std::string> paths;
  std::string signals, context;
  bool trace = false;
  bool fail_on_error = false;     // exit 1 when any play hit a runtime error
  std::string dedup_ttl = "30d";  // as playd's store.dedup_ttl
  std::string until;              // RFC 3339: the stream clock at the end (absence timers), "" none
  std::string jit;                // "" interpreter; "background" or "eager": the JIT (runtime/jit)
};
int run_run(const RunOptions& o);

struct DiffOptions {
  std::string old_path, new_path;  // play directories or files, or bundles
  std::string signals, context;
  std::string format = "text";  // text | json
  size_t examples = 5;          // example signals per play and kind of change
};
int run_diff(const DiffOptions& o);

struct AlertsOptions {
  std::vector<std::string> paths;  // files or directories, or one bundle
  std::string format = "prometheus";
};
int run_alerts(const AlertsOptions& o);  // Prometheus alerting rules on stdout

struct RegistryOptions {
  std::vector<std::string> paths;  // files or directories, or one bundle
  std::string format = "md";       // md | json | html
  std::string runbooks;            // a directory: one runbook (Markdown) per play
};
int run_registry(const RegistryOptions& o);

struct BuildOptions {
  std::vector<std::string> paths;
  std::string output;
};
int run_build(const BuildOptions& o);

struct DisasmOptions {
  std::vector<std::string> paths;  // one bundle file, or .play paths
  bool jit = false;                // print the LLVM IR the JIT makes of each program instead
};
int run_disasm(const DisasmOptions& o);
int run_bytecode_reference();  // docs/bytecode.md on stdout

struct EvalOptions {
  std::string expr;
  std::string bindings;            // a JSON object
  std::string signal;              // an envelope (JSON, or @FILE): binds `signal`
  std::string now;                 // RFC 3339: `now` (default: the signal's occurred_at, else the clock)
  std::string context;             // a context file as `playc run --context` reads: `account`, `contact`
  std::vector<std::string> plays;  // .play files whose declarations the expression may use
};
int run_eval(const EvalOptions& o);

struct TestOptions {
  std::vector<std::string> paths;
  std::string junit;  // write a JUnit XML report here
  bool jit = false;   // every program compiled (eagerly) by the JIT, in a -DPLAY_JIT=ON build
};
int run_test(const TestOptions& o);

}  // namespace play::playc
