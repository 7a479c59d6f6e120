// Literal decoding: the token's source text -> its value. Errors are reported
// through `LiteralError` with an offset into the token text, so the caller can
// point at the exact bad escape or digit.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace play::syntax {

// (offset in the literal's text, length, code, message)
using LiteralError = std::function<void(size_t, size_t, const char*, std::string)>;

// How a string literal is spelled: r"…", """…""", '…' and so on.
struct StringShape {
  bool raw = false;
  size_t open = 0;   // length of prefix + opening quote(s)
  size_t close = 0;  // length of the closing quote(s)
};
StringShape string_shape(std::string_view text);

// Decodes escapes in `text[from, to)` (part of a string literal's content),
// appending to `out`. Raw strings copy the text as is.
void decode_escapes(std::string_view text, size_t from, size_t to, bool raw, std::string& out,
                    const LiteralError& err);

// The whole literal, quotes included.
std::string decode_string(std::string_view text, const LiteralError& err);

bool decode_int(std::string_view text, int64_t& out, const LiteralError& err);
bool decode_float(std::string_view text, double& out, const LiteralError& err);
// Milliseconds; `1h30m` is 5,400,000.
bool decode_duration(std::string_view text, int64_t& out, const LiteralError& err);

}  // namespace play::syntax
