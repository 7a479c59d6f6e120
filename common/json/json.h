// A small JSON text writer (output side only; input is parsed with simdjson).
// Used for diagnostics (--format json / sarif), `playc run` output and playd's
// HTTP answers. Writing JSON needs only correct string escaping and number
// formatting, which is why this is ours rather than a dependency.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace play::json {

// Appends `s` as a JSON string literal (quotes included). Invalid UTF-8 bytes
// are replaced by U+FFFD so the output is always valid JSON.
void append_string(std::string& out, std::string_view s);
std::string quote(std::string_view s);
// Shortest representation that round-trips ("1", "0.5", "1e+21"); NaN/Inf -> null.
void append_double(std::string& out, double v);

// Streaming writer with automatic commas: w.begin_object(); w.key("a"); w.value(1); w.end_object();
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();
  Writer& key(std::string_view k);
  Writer& value(std::string_view s);
  Writer& value(const char* s) { return value(std::string_view(s)); }
  Writer& value(int64_t v);
  Writer& value(int v) { return value(static_cast<int64_t>(v)); }
  Writer& value(uint64_t v);
  Writer& value(size_t v, int) { return value(static_cast<uint64_t>(v)); }
  Writer& value(double v);
  Writer& value(bool v);
  Writer& null();
  Writer& raw(std::string_view json);  // an already-encoded JSON value

 private:
  void comma();
  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace play::json
