#include "apps/playc/lsp/text_position.h"

namespace play::lsp {

namespace {

// Bytes in the UTF-8 sequence led by `c`; a stray continuation or invalid
// byte counts as one (the compiler replaces it; it is one unit here too).
uint32_t sequence_length(unsigned char c) {
  if (c < 0xC0) return 1;
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  if (c < 0xF8) return 4;
  return 1;
}

}  // namespace

LineMap::LineMap(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (uint32_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(i + 1);
}

uint32_t LineMap::line_end(uint32_t line) const {
  if (line + 1 < starts_.size()) return starts_[line + 1] - 1;
  return static_cast<uint32_t>(text_.size());
}

uint32_t LineMap::offset(TextPosition p) const {
  if (p.line >= starts_.size()) return static_cast<uint32_t>(text_.size());
  uint32_t at = starts_[p.line], end = line_end(p.line);
  // A CR before the LF is not part of the line's characters.
  if (end > at && text_[end - 1] == '\r') --end;
  uint32_t units = 0;
  while (at < end && units < p.character) {
    uint32_t n = sequence_length(static_cast<unsigned char>(text_[at]));
    if (at + n > end) n = end - at;
    uint32_t w = n == 4 ? 2 : 1;  // characters beyond the BMP are a surrogate pair
    if (units + w > p.character) break;
    units += w;
    at += n;
  }
  return at;
}

TextPosition LineMap::position(uint32_t offset) const {
  if (offset > text_.size()) offset = static_cast<uint32_t>(text_.size());
  // The last line starting at or before `offset`.
  uint32_t lo = 0, hi = static_cast<uint32_t>(starts_.size());
  while (hi - lo > 1) {
    uint32_t mid = (lo + hi) / 2;
    (starts_[mid] <= offset ? lo : hi) = mid;
  }
  TextPosition p{lo, 0};
  for (uint32_t at = starts_[lo]; at < offset;) {
    uint32_t n = sequence_length(static_cast<unsigned char>(text_[at]));
    if (at + n > offset) break;  // inside a character: its start
    p.character += n == 4 ? 2 : 1;
    at += n;
  }
  return p;
}

}  // namespace play::lsp
