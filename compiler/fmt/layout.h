// Line breaking for items that do not fit in kMaxWidth columns (rules in format.h).
// Every function returns text that starts at `column` (the caller has already
// written the first `column` characters of the line); continuation lines carry
// their own indentation. `reserve` is how many characters the caller will write
// after the text on its last line (`)`, ` times 1`, ` as "reason"`), and
// `indent` is the indentation of the line the text starts on: a sequence broken
// after its opening bracket indents its elements 4 deeper than that.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"

namespace play::fmt {

constexpr size_t kMaxWidth = 100;

// Does `text`, started at `column` and followed by `reserve` characters, keep every line within kMaxWidth?
bool fits(const std::string& text, size_t column, size_t reserve);

// The column just after `text` when it starts at `column`.
size_t end_column(const std::string& text, size_t column);

// One element of a bracketed sequence: its one-line form, and its laid-out form at a position.
struct Part {
  std::string flat;
  std::function<std::string(size_t column, size_t reserve, size_t indent)> laid;
};

// `head` `open` parts... `close`: on one line if it fits; else one part per line, aligned after
// `open` if every part then fits on its own line; else broken after `open` with the parts 4
// deeper than `indent` (where a part may break further). The closing bracket always ends the
// last part's line.
std::string layout_seq(const std::string& head, const std::string& open, const std::string& close,
                       const std::vector<Part>& parts, size_t column, size_t reserve, size_t indent);

// An expression laid out by the same rules (and/or chains break before each operator).
std::string layout_expr(const ast::Expr& e, size_t column, size_t reserve, size_t indent);

}  // namespace play::fmt
