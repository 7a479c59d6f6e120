#include "apps/playc/lsp/framing.h"

#include <cctype>
#include <cstdint>

namespace play::lsp {

namespace {

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) !=
        std::tolower(static_cast<unsigned char>(name[i])))
      return false;
  return true;
}

struct Header {
  size_t header_end = std::string::npos;  // offset of the body's first byte
  bool has_length = false;
  uint64_t length = 0;
};

// Finds the end of the header block at the buffer's start and reads Content-Length.
Header read_header(std::string_view buf) {
  Header h;
  size_t at = 0;
  while (at <= buf.size()) {
    size_t nl = buf.find('\n', at);
    if (nl == std::string_view::npos) return h;  // incomplete
    std::string_view line = buf.substr(at, nl - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    at = nl + 1;
    if (line.empty()) {
      h.header_end = at;
      return h;
    }
    if (iequals_prefix(line, "content-length:")) {
      std::string_view v = line.substr(15);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      uint64_t n = 0;
      bool ok = !v.empty() && v.size() <= 12;
      for (char c : v) {
        if (c < '0' || c > '9') ok = false;
        n = n * 10 + static_cast<uint64_t>(c - '0');
      }
      h.has_length = ok;
      h.length = ok ? n : 0;
    }
  }
  return h;
}

}  // namespace

bool Framer::next(std::string& body, std::string& error) {
  error.clear();
  // Blank lines between messages are noise, not an empty header block.
  size_t skip = 0;
  while (skip < buffer_.size() && (buffer_[skip] == '\r' || buffer_[skip] == '\n')) ++skip;
  buffer_.erase(0, skip);
  Header h = read_header(buffer_);
  if (h.header_end == std::string::npos) {
    // A header that never ends (a stream of garbage) is dropped rather than buffered forever.
    if (buffer_.size() > 64 * 1024) {
      buffer_.clear();
      error = "header block longer than 64 KiB without an empty line; dropped";
    }
    return false;
  }
  if (!h.has_length || h.length > kMaxBody) {
    error = h.has_length ? "message body of " + std::to_string(h.length) + " bytes is too large; dropped"
                         : "header block without a valid Content-Length; dropped";
    buffer_.erase(0, h.header_end);
    return false;
  }
  if (buffer_.size() - h.header_end < h.length) return false;
  body.assign(buffer_, h.header_end, h.length);
  buffer_.erase(0, h.header_end + h.length);
  return true;
}

std::string frame(std::string_view body) {
  std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

}  // namespace play::lsp
