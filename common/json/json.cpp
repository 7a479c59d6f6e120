#include "common/json/json.h"

#include <charconv>
#include <cmath>

namespace play::json {

// Length of a valid UTF-8 sequence starting at s[i], or 0 if invalid.
static size_t utf8_len(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  if (n == 2 && c < 0xC2) return 0;  // overlong
  if (n == 3) {
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong
    if (c == 0xED && c1 >= 0xA0) return 0;  // surrogates
  }
  if (n == 4) {
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return 0;
  }
  return n;
}

static bool plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

void append_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    // Runs of printable ASCII (nearly every string) are copied whole, not a
    // byte at a time: pushing back each byte was most of rendering actions.
    size_t end = i;
    while (end < s.size() && plain(static_cast<unsigned char>(s[end]))) ++end;
    if (end != i) {
      out.append(s.data() + i, end - i);
      i = end;
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      static const char* hex = "0123456789abcdef";
      out += "\\u00";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
      ++i;
      continue;
    }
    size_t n = utf8_len(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  out.push_back('"');
}

std::string quote(std::string_view s) {
  std::string out;
  append_string(out, s);
  return out;
}

void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void Writer::comma() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}
Writer& Writer::begin_object() {
  comma();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}
Writer& Writer::end_object() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}
Writer& Writer::begin_array() {
  comma();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}
Writer& Writer::end_array() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}
Writer& Writer::key(std::string_view k) {
  comma();
  append_string(out_, k);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}
Writer& Writer::value(std::string_view s) {
  comma();
  append_string(out_, s);
  return *this;
}
Writer& Writer::value(int64_t v) {
  comma();
  out_ += std::to_string(v);
  return *this;
}
Writer& Writer::value(uint64_t v) {
  comma();
  out_ += std::to_string(v);
  return *this;
}
Writer& Writer::value(double v) {
  comma();
  append_double(out_, v);
  return *this;
}
Writer& Writer::value(bool v) {
  comma();
  out_ += v ? "true" : "false";
  return *this;
}
Writer& Writer::null() {
  comma();
  out_ += "null";
  return *this;
}
Writer& Writer::raw(std::string_view j) {
  comma();
  out_.append(j);
  return *this;
}

}  // namespace play::json
