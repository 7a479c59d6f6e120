// textDocument/formatting: what `playc fmt` would write for the document's
// current text, through the same safety net (compiler/fmt/verify.h). Like
// `playc fmt`, it refuses a document with syntax errors (formatting a tree
// recovered from an error would lose text) and one whose formatted text would
// not parse back to the same program (P0960); the refusal says why.
#pragma once

#include <string>

namespace play::lsp {

struct Formatted {
  std::string text;     // the formatted document, when `refusal` is ""
  std::string refusal;  // "cannot format 'a.play': ..." else ""
};

Formatted format_document(const std::string& path, const std::string& text);

}  // namespace play::lsp
