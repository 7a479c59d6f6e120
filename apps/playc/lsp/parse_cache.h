// Parsing is most of an analysis's time (ANTLR), and an edit changes one
// file: the cache keeps each file's tree as parsed, with its syntax
// diagnostics, and hands out copies (ast_clone.h) while the file's text and
// its place in the project (its file id, which every span carries) stay the
// same. bench/README.md (`playc lsp`) has the numbers.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostics.h"

namespace play::lsp {

class ParseCache {
 public:
  // syntax::parse_file(sources, id, diags), or a copy of the tree it gave last time.
  ast::File parse(const SourceSet& sources, uint32_t id, Diagnostics& diags);
  // Forgets the files not in `paths` (closed, deleted).
  void retain(const std::set<std::string>& paths);
  size_t hits() const { return hits_; }

 private:
  struct Entry {
    std::string text;
    uint32_t file_id = 0;
    ast::File tree;
    std::vector<Diagnostic> diagnostics;
  };
  std::map<std::string, Entry> by_path_;
  size_t hits_ = 0;
};

}  // namespace play::lsp
