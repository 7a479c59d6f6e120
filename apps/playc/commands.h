// The `playc` subcommands. Each returns the process exit code of CLI.md:
// 0 success, 1 the input has errors (diagnostics, failed tests), 2 usage or I/O error.
#pragma once

#include <string>
#include <vector>

#include "compiler/loader/loader.h"

namespace play::playc {

// After compiler/loader: prints why the plays did not load (every
// diagnostic, or the bundle file's error) to stderr and returns the exit
// code, 0 when they loaded. Warnings are `playc check`'s to print, so they
// are shown only beside errors.
int report_load(const loader::Loaded& loaded);

struct CheckOptions {
  std::vector<std::string> paths;
  std::string format = "text";  // text | json | sarif
  bool deny_warnings = false;
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
};
int run_run(const RunOptions& o);

struct BuildOptions {
  std::vector<std::string> paths;
  std::string output;
};
int run_build(const BuildOptions& o);

struct DisasmOptions {
  std::vector<std::string> paths;  // one bundle file, or .play paths
};
int run_disasm(const DisasmOptions& o);
int run_bytecode_reference();  // docs/bytecode.md on stdout

struct EvalOptions {
  std::string expr;
  std::string bindings;  // a JSON object
};
int run_eval(const EvalOptions& o);

struct TestOptions {
  std::vector<std::string> paths;
  std::string junit;  // write a JUnit XML report here
};
int run_test(const TestOptions& o);

}  // namespace play::playc
