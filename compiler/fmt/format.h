// The canonical formatter (`playc fmt`). Layout rules, chosen once so that every
// file has exactly one formatted form:
// - 2-space indentation; one item per line; `}` on its own line.
// - Top-level declarations: block declarations (play, test, suppress, score, and
//   signal/entity written over several lines) are separated by one blank line;
//   between one-line declarations the author's blank line (at most one) is kept.
//   Inside blocks, at most one blank line the author put between items is kept.
// - Play metadata values are aligned in a column (`title    "..."`, as in
//   LANGUAGE.md); suppress reasons are aligned after the widest condition.
// - Expressions: single spaces around binary operators, minimal parentheses from
//   precedence, except that an `and` inside an `or` keeps parentheses for reading.
// - Literals are printed as written (quote style, escapes, hex, duration spelling).
// - A `do` call longer than 100 columns puts one argument per line, aligned
//   after the '('.
// - Every comment is kept: own-line comments before the item they precede (same
//   indentation); comments on an item's line (or inside it) after the item.
// Idempotent: format_file(parse(format_file(x))) == format_file(x).
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/diag/source.h"

namespace play::fmt {

std::string format_file(const SourceSet& sources, const ast::File& file);

// One expression in canonical form (also used by diagnostics and the registry).
std::string format_expr(const ast::Expr& e);

}  // namespace play::fmt
