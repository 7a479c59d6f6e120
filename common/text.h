// Small text helpers shared by the compiler and the runtime.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace play {

inline void ascii_lower_in_place(char* s, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (s[i] >= 'A' && s[i] <= 'Z') s[i] = char(s[i] - 'A' + 'a');
}

// Lower-cases `key` into `scratch` (reused: no allocation once it is big enough).
inline std::string_view lowered(std::string_view key, std::string& scratch) {
  scratch.assign(key);
  ascii_lower_in_place(scratch.data(), scratch.size());
  return scratch;
}

// Items as a sentence says them: "a", "a and b", "a, b and c" (with `last` = "and").
inline std::string spoken_list(const std::vector<std::string>& items, std::string_view last) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " " + std::string(last) + " " : std::string(", ");
    out += items[i];
  }
  return out;
}

// "ana@bigco.com" -> "bigco.com"; "" when there is no '@'.
inline std::string_view email_domain(std::string_view email) {
  size_t at = email.rfind('@');
  return at == std::string_view::npos ? std::string_view() : email.substr(at + 1);
}

// Heterogeneous lookup for maps keyed by std::string (find by string_view without a copy).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// & < > " ' as HTML entities: text and attribute values of a generated page
// (playc registry --format html, the dashboard's login page), and of XML (playc test --junit).
std::string html_escape(std::string_view s);

// `url` without its trailing slashes (a base URL, before "/path" is appended).
inline std::string trim_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Percent-encodes all but the unreserved characters (A-Z a-z 0-9 - _ . ~)
// and those in `keep` ("/" for a path): a value in a URL path or query.
std::string url_encode(std::string_view s, std::string_view keep = "");
// Decodes %XX escapes (URL paths and query values); `plus_is_space` for
// query strings (application/x-www-form-urlencoded). Bad escapes stay as is.
std::string url_decode(std::string_view s, bool plus_is_space = false);
// 0-15 for a hex digit, -1 otherwise.
int hex_digit(char c);

}  // namespace play
