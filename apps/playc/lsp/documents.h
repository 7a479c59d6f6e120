// The documents the editor has open: their text as the editor has it (which
// wins over the file on disk) and version. Changes arrive as LSP
// contentChanges: a range and its new text (incremental sync), or the whole
// text (full sync); both are accepted whatever the server advertised.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "apps/playc/lsp/text_position.h"

namespace play::lsp {

struct Document {
  std::string uri;
  std::string path;  // uri_to_path(uri), as diagnostics and the project name it
  std::string text;
  int64_t version = 0;
};

struct TextRange {
  TextPosition start, end;
};

// Replaces `range` of `text` with `new_text` (an inverted range is read
// start-first; positions past the end clamp to it).
void apply_change(std::string& text, const TextRange& range, std::string_view new_text);

class Documents {
 public:
  Document& open(const std::string& uri, std::string text, int64_t version);
  void close(const std::string& uri);
  Document* find(const std::string& uri);
  const std::map<std::string, Document>& all() const { return by_uri_; }

 private:
  std::map<std::string, Document> by_uri_;
};

}  // namespace play::lsp
