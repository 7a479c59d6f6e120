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
// - Line breaking (layout.h): an item that fits in 100 columns is one line. Else:
//   - an `and`/`or` chain (where, unless, icp, let, suppress rules, filters) breaks
//     before each top-level operator, continuation lines aligned under the first
//     operand (4 deeper than the line when the chain starts the line, as a suppress
//     rule does); a `??` chain likewise; `c ? a : b` puts `: b` under the `?`;
//   - call arguments (`do`, `expect ... do`), records (`given`, `signal ... at`),
//     list and map literals and `on all of (...)` lists put one element per line:
//     aligned after the opening bracket if every element then fits on its own line,
//     else broken after the bracket with the elements 4 deeper than the item. The
//     closing bracket (and what follows: `times 1`, ` as "..."`) ends the last
//     element's line, never a line of its own;
//   - anything else (a long string) stays on one line, even past 100 columns.
// - Every comment is kept: own-line comments before the item they precede (same
//   indentation); comments after an item on its line after the item. An item (or a
//   list/const/pool/icp/action declaration) with a comment inside it is kept as the
//   author wrote it, lines and comments, its later lines moved with its first (unless
//   one may start inside a """string""" or a block comment): a comment inside a list or
//   an expression is about the line it is on.
//   Trailing comments on neighbouring lines (no blank line, own-line comment or
//   block boundary between) start in one column, one space after the longest line.
// Idempotent: format_file(parse(format_file(x))) == format_file(x); `playc fmt` checks
// that and the re-parsed tree before it writes (verify.h).
#pragma once

#include <string>

#include "compiler/ast/ast.h"
#include "compiler/diag/source.h"

namespace play::fmt {

std::string format_file(const SourceSet& sources, const ast::File& file);

// One expression in canonical form (also used by diagnostics and the registry).
std::string format_expr(const ast::Expr& e);

}  // namespace play::fmt
