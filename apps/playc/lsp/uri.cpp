#include "apps/playc/lsp/uri.h"

#include <cctype>
#include <filesystem>

namespace play::lsp {

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_file_uri(std::string_view s) { return s.substr(0, 7) == "file://"; }

// A URI has a scheme: letters, digits, + - . and then ':' (and no '/' before it).
bool has_scheme(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon < 2) return false;  // "C:" is a drive, not a scheme
  for (size_t i = 0; i < colon; ++i) {
    char c = s[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.')) return false;
  }
  return true;
}

}  // namespace

std::string uri_to_path(std::string_view uri) {
  if (!is_file_uri(uri)) return std::string(uri);
  std::string_view rest = uri.substr(7);
  // file://host/path: the authority (usually empty or "localhost") is not part of the path.
  size_t slash = rest.find('/');
  rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hex(rest[i + 1]) >= 0 && hex(rest[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(rest[i + 1]) * 16 + hex(rest[i + 2])));
      i += 2;
    } else if (rest[i] == '?' || rest[i] == '#') {
      break;  // a query or fragment does not name a file
    } else {
      out.push_back(rest[i]);
    }
  }
  // One spelling per file ("/a/./b.play" is "/a/b.play"), as the workspace lists them.
  return std::filesystem::path(out).lexically_normal().string();
}

std::string path_to_uri(std::string_view path) {
  if (has_scheme(path)) return std::string(path);
  static const char* digits = "0123456789ABCDEF";
  std::string out = "file://";
  if (path.empty() || path.front() != '/') out.push_back('/');
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

}  // namespace play::lsp
