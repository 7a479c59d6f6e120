// The `playc` subcommands. Each returns the process exit code of CLI.md:
// 0 success, 1 the input has errors (diagnostics, failed tests), 2 usage or I/O error.
#pragma once

#include <string>
#include <vector>

namespace play::playc {

struct CheckOptions {
  std::vector<std::string> paths;
  std::string format = "text";  // text | json | sarif
  bool deny_warnings = false;
};
int run_check(const CheckOptions& o);

struct FmtOptions {
  std::vector<std::string> paths;
  bool check = false;   // list files that would change, exit 1 if any
  bool to_stdout = false;  // print the formatted text instead of writing (one file)
};
int run_fmt(const FmtOptions& o);

}  // namespace play::playc
