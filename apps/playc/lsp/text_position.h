// LSP positions are (line, character) with the character counted in UTF-16
// code units, while the compiler's spans are byte offsets into UTF-8 text.
// LineMap converts between the two for one document. Positions past the end
// of a line clamp to the line's end and lines past the end clamp to the end of
// the text (LSP 3.17: "defaults back to the line length"); a position inside
// a surrogate pair or a multi-byte character maps to that character's start.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace play::lsp {

struct TextPosition {
  uint32_t line = 0;       // 0-based
  uint32_t character = 0;  // UTF-16 code units from the line's start
};

class LineMap {
 public:
  explicit LineMap(std::string_view text);
  uint32_t offset(TextPosition p) const;  // byte offset, clamped into the text
  TextPosition position(uint32_t offset) const;

 private:
  std::string_view text_;
  std::vector<uint32_t> starts_;           // byte offset of each line's first character
  uint32_t line_end(uint32_t line) const;  // byte offset of the line's '\n' (or the text's end)
};

}  // namespace play::lsp
