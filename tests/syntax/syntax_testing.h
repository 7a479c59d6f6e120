// Test helpers: parse text, and show diagnostics renderer-free as
// "LINE:COL: error[CODE]: message" (the form of tests/golden/syntax/*.expected).
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostics.h"
#include "compiler/diag/files.h"
#include "compiler/syntax/parse.h"

namespace play::testing {

struct Parsed {
  SourceSet sources;
  uint32_t file = 0;
  Diagnostics diags;
  ast::File ast;
};

// A file's bytes ("" when it cannot be read: the test then fails on its content).
inline std::string slurp(const std::string& path) {
  std::string contents, error;
  read_file(path, contents, error);
  return contents;
}

inline std::string diag_lines(const SourceSet& sources, const Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags.all()) {
    LineCol lc = sources.file(d.span.file).line_col(d.span.begin);
    out += std::to_string(lc.line) + ":" + std::to_string(lc.col) + ": " +
           (d.severity == Severity::Error ? "error" : "warning") + "[" + d.code + "]: " + d.message + "\n";
  }
  return out;
}

inline std::unique_ptr<Parsed> parse(const std::string& text, const std::string& path = "test.play") {
  auto p = std::make_unique<Parsed>();
  p->file = p->sources.add(path, text);
  p->ast = syntax::parse_file(p->sources, p->file, p->diags);
  p->diags.sort(p->sources);
  return p;
}

}  // namespace play::testing
