#include "compiler/syntax/literals.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace play::syntax {

StringShape string_shape(std::string_view t) {
  StringShape s;
  size_t p = 0;
  if (!t.empty() && (t[0] == 'r' || t[0] == 'R')) s.raw = true, p = 1;
  bool triple = t.size() >= p + 6 && t[p] == t[p + 1] && t[p] == t[p + 2];
  // `""` is an empty one-quote string, not the start of a triple-quoted one.
  if (triple && t.size() - p >= 6) {
    s.open = p + 3;
    s.close = 3;
  } else {
    s.open = p + 1;
    s.close = 1;
  }
  if (s.open + s.close > t.size()) s.close = t.size() > s.open ? t.size() - s.open : 0;
  return s;
}

static void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads exactly `n` hex digits at t[i]; -1 when they are not there.
static int64_t read_hex(std::string_view t, size_t i, size_t to, size_t n) {
  if (i + n > to) return -1;
  int64_t v = 0;
  for (size_t k = 0; k < n; ++k) {
    int h = hex_value(t[i + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

static bool valid_code_point(int64_t cp) {
  return cp >= 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

void decode_escapes(std::string_view t, size_t from, size_t to, bool raw, std::string& out,
                    const LiteralError& err) {
  if (raw) {
    out.append(t.substr(from, to - from));
    return;
  }
  for (size_t i = from; i < to; ++i) {
    char c = t[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= to) {
      err(i, 1, "P0014", "a string cannot end with a lone '\\'; write '\\\\' for a backslash");
      return;
    }
    char e = t[i + 1];
    switch (e) {
      case '"':
        out += '"';
        ++i;
        continue;
      case '\'':
        out += '\'';
        ++i;
        continue;
      case '\\':
        out += '\\';
        ++i;
        continue;
      case '`':
        out += '`';
        ++i;
        continue;
      case '?':
        out += '?';
        ++i;
        continue;
      case 'n':
        out += '\n';
        ++i;
        continue;
      case 't':
        out += '\t';
        ++i;
        continue;
      case 'r':
        out += '\r';
        ++i;
        continue;
      case 'a':
        out += '\a';
        ++i;
        continue;
      case 'b':
        out += '\b';
        ++i;
        continue;
      case 'f':
        out += '\f';
        ++i;
        continue;
      case 'v':
        out += '\v';
        ++i;
        continue;
      default:
        break;
    }
    if (e == 'u' && i + 2 < to && t[i + 2] == '{') {  // \u{1F600}
      size_t close = t.find('}', i + 3);
      int64_t cp = -1;
      if (close != std::string_view::npos && close < to && close > i + 3 && close - (i + 3) <= 6)
        cp = read_hex(t, i + 3, close, close - (i + 3));
      if (!valid_code_point(cp)) {
        size_t len = close != std::string_view::npos && close < to ? close + 1 - i : 3;
        err(i, len, "P0017",
            "invalid unicode escape: write \\u{…} with 1 to 6 hex digits naming a code point");
        i += len - 1;
        continue;
      }
      append_utf8(out, static_cast<uint32_t>(cp));
      i = close;
      continue;
    }
    if (e == 'u' || e == 'U' || e == 'x' || e == 'X') {  // CEL: \uXXXX, \UXXXXXXXX, \xHH
      size_t n = e == 'u' ? 4 : e == 'U' ? 8 : 2;
      int64_t cp = read_hex(t, i + 2, to, n);
      if (!valid_code_point(cp)) {
        err(i, 2, "P0017",
            std::string("invalid escape '\\") + e + "': it needs " + std::to_string(n) +
                " hex digits naming a code point");
        ++i;
        continue;
      }
      append_utf8(out, static_cast<uint32_t>(cp));
      i += 1 + n;
      continue;
    }
    if (e >= '0' && e <= '3' && i + 3 < to && t[i + 2] >= '0' && t[i + 2] <= '7' && t[i + 3] >= '0' &&
        t[i + 3] <= '7') {  // CEL octal \000..\377
      append_utf8(out, static_cast<uint32_t>((e - '0') * 64 + (t[i + 2] - '0') * 8 + (t[i + 3] - '0')));
      i += 3;
      continue;
    }
    std::string shown(1, e);
    if (static_cast<unsigned char>(e) < 0x20) shown = "?";
    err(i, 2, "P0014",
        "unknown escape '\\" + shown +
            "' in a string; the escapes are \\\" \\' \\\\ \\n \\t \\r \\u{…}; write '\\\\' for a backslash");
    ++i;
  }
}

std::string decode_string(std::string_view t, const LiteralError& err) {
  StringShape s = string_shape(t);
  std::string out;
  if (s.open + s.close <= t.size()) decode_escapes(t, s.open, t.size() - s.close, s.raw, out, err);
  return out;
}

bool decode_int(std::string_view t, int64_t& out, const LiteralError& err) {
  uint64_t v = 0;
  bool hex = t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X');
  uint64_t base = hex ? 16 : 10;
  for (size_t i = hex ? 2 : 0; i < t.size(); ++i) {
    int d = hex_value(t[i]);
    if (d < 0 || static_cast<uint64_t>(d) >= base) {
      err(0, t.size(), "P0015", "'" + std::string(t) + "' is not a valid integer");
      return false;
    }
    if (v > (static_cast<uint64_t>(INT64_MAX) - d) / base) {
      err(0, t.size(), "P0015",
          "integer " + std::string(t) + " is too large (an int is 64-bit: at most 9223372036854775807)");
      return false;
    }
    v = v * base + d;
  }
  out = static_cast<int64_t>(v);
  return true;
}

bool decode_float(std::string_view t, double& out, const LiteralError& err) {
  std::string s(t);
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || std::isinf(v) || (errno == ERANGE && std::fabs(v) > 1)) {
    err(0, t.size(), "P0018", "float " + s + " is out of range (a float is a 64-bit double)");
    return false;
  }
  out = v;  // underflow to 0 or a denormal is harmless
  return true;
}

bool decode_duration(std::string_view t, int64_t& out, const LiteralError& err) {
  int64_t total = 0;
  size_t i = 0;
  auto too_large = [&] {
    err(0, t.size(), "P0016", "duration " + std::string(t) + " is too large");
    return false;
  };
  while (i < t.size()) {
    int64_t n = 0;
    size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (n > (INT64_MAX - (t[i] - '0')) / 10) return too_large();
      n = n * 10 + (t[i] - '0');
      ++i;
    }
    int64_t unit = 0;
    if (t.substr(i, 2) == "ms")
      unit = 1, i += 2;
    else if (i < t.size() && t[i] == 's')
      unit = 1000, ++i;
    else if (i < t.size() && t[i] == 'm')
      unit = 60'000, ++i;
    else if (i < t.size() && t[i] == 'h')
      unit = 3'600'000, ++i;
    else if (i < t.size() && t[i] == 'd')
      unit = 86'400'000, ++i;
    else if (i < t.size() && t[i] == 'w')
      unit = 604'800'000, ++i;
    if (unit == 0 || i == start) {
      err(0, t.size(), "P0016", "'" + std::string(t) + "' is not a valid duration");
      return false;
    }
    if (n > INT64_MAX / unit || total > INT64_MAX - n * unit) return too_large();
    total += n * unit;
  }
  out = total;
  return true;
}

}  // namespace play::syntax
