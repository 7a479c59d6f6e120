// Source text -> AST. The only module that sees ANTLR types.
//
// Parsing runs in two stages: SLL with a bail-out strategy (fast, enough for
// almost every real file), and full LL with error reporting only when SLL fails.
// Syntax errors are reported in the author's words (docs/diagnostics.md, P00xx),
// never as ANTLR's token dumps.
#pragma once

#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostics.h"

namespace play::syntax {

// Parses the file `file_id` of `sources`. Always returns a File; on syntax
// errors it holds what could be recovered and `diags` holds the errors.
ast::File parse_file(const SourceSet& sources, uint32_t file_id, Diagnostics& diags);

// Parses one expression (for `playc eval`). Returns null after reporting errors.
ast::ExprPtr parse_expression(const SourceSet& sources, uint32_t file_id, Diagnostics& diags);

}  // namespace play::syntax
