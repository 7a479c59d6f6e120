#include "apps/playc/lsp/documents.h"

#include <algorithm>

#include "apps/playc/lsp/uri.h"

namespace play::lsp {

void apply_change(std::string& text, const TextRange& range, std::string_view new_text) {
  LineMap lines(text);
  uint32_t a = lines.offset(range.start), b = lines.offset(range.end);
  if (b < a) std::swap(a, b);
  text.replace(a, b - a, new_text);
}

Document& Documents::open(const std::string& uri, std::string text, int64_t version) {
  Document& d = by_uri_[uri];
  d.uri = uri;
  d.path = uri_to_path(uri);
  d.text = std::move(text);
  d.version = version;
  return d;
}

void Documents::close(const std::string& uri) { by_uri_.erase(uri); }

Document* Documents::find(const std::string& uri) {
  auto it = by_uri_.find(uri);
  return it == by_uri_.end() ? nullptr : &it->second;
}

}  // namespace play::lsp
