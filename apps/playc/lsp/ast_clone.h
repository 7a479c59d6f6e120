// A deep copy of a parsed file's tree. The parse cache (parse_cache.h) keeps
// each file's tree as the parser built it and gives every new snapshot its
// own copy, because the checker writes its results (types, refs, slots) into
// the tree it checks.
#pragma once

#include "compiler/ast/ast.h"

namespace play::lsp {

ast::File clone(const ast::File& file);

}  // namespace play::lsp
