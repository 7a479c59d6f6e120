// Structural AST equality, ignoring spans and checker annotations: the formatter
// must print a file that parses back to the same tree.
#pragma once

#include <string>

#include "compiler/ast/ast.h"

namespace play::testing {

// "" when equal, else a description of the first difference.
std::string ast_difference(const ast::File& a, const ast::File& b);

}  // namespace play::testing
