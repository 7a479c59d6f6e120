// Structural AST equality, ignoring spans and checker annotations (and where comments
// sit, but not their text): the formatter must print a file that parses back to the
// same tree, and `playc fmt` checks that before it writes (verify.h).
#pragma once

#include <string>

#include "compiler/ast/ast.h"

namespace play::fmt {

// "" when equal, else a description of the first difference.
std::string ast_difference(const ast::File& a, const ast::File& b);

}  // namespace play::fmt
