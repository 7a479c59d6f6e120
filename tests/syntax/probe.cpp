// syntax_probe [--fmt] FILE...: parses each file and prints its syntax diagnostics in the
// renderer-free golden form
// (with --fmt, also the formatted text). Used to write and check tests/golden/syntax/*.expected.
#include <fstream>
#include <iostream>
#include <sstream>

#include "compiler/fmt/format.h"
#include "tests/syntax/syntax_testing.h"

int main(int argc, char** argv) {
  int status = 0;
  bool fmt = argc > 1 && std::string(argv[1]) == "--fmt";
  for (int i = fmt ? 2 : 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto p = play::testing::parse(ss.str(), argv[i]);
    std::cout << play::testing::diag_lines(p->sources, p->diags);
    if (fmt && !p->diags.has_errors()) std::cout << play::fmt::format_file(p->sources, p->ast);
    if (p->diags.has_errors()) status = 1;
  }
  return status;
}
