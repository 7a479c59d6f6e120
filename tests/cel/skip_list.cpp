#include "tests/cel/skip_list.h"

#include <fnmatch.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>

namespace play::cel {

bool SkipList::load(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0 || tab + 1 >= line.size()) {
      error = path + ":" + std::to_string(n) + ": expected `pattern<TAB>reason`";
      return false;
    }
    rules_.push_back({line.substr(0, tab), line.substr(tab + 1), n, 0});
  }
  return true;
}

SkipRule* SkipList::match(const Case& c, const std::vector<std::string>& more_features,
                          std::string& missing) {
  std::string path = c.path();
  for (auto& r : rules_)
    if (!r.pattern.starts_with("feature:") && fnmatch(r.pattern.c_str(), path.c_str(), 0) == 0) return &r;
  std::vector<std::string> features = detect_features(c);
  features.insert(features.end(), more_features.begin(), more_features.end());
  for (const auto& f : features) {
    if (SkipRule* r = feature(f)) return r;
    missing = f;
    return nullptr;
  }
  return nullptr;
}

SkipRule* SkipList::feature(const std::string& name) {
  for (auto& r : rules_)
    if (r.pattern == "feature:" + name) return &r;
  return nullptr;
}

namespace {

// What a light lexical scan of a CEL expression finds: identifiers (with
// whether a '(' follows), string literal contents, and literal kinds. It
// only has to be right enough to spot features, not to parse.
struct Scan {
  std::set<std::string> idents, calls;
  std::vector<std::string> strings;
  bool uint_literal = false, bytes_literal = false;
};

bool ident_char(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; }

Scan scan(const std::string& s) {
  Scan out;
  size_t i = 0, n = s.size();
  while (i < n) {
    char ch = s[i];
    // String literal, with optional r/b prefixes (r"..", b'..', rb"..").
    size_t p = i;
    bool raw = false, bytes = false;
    while (p < n && p - i < 2 && std::strchr("rRbB", s[p]) && (i == 0 || !ident_char(s[i - 1]))) {
      raw |= s[p] == 'r' || s[p] == 'R';
      bytes |= s[p] == 'b' || s[p] == 'B';
      ++p;
    }
    if (p < n && (s[p] == '"' || s[p] == '\'') && (p == i || (i == 0 || !ident_char(s[i - 1])))) {
      char q = s[p];
      bool triple = s.compare(p, 3, std::string(3, q)) == 0;
      size_t j = p + (triple ? 3 : 1);
      std::string text;
      while (j < n) {
        if (!raw && s[j] == '\\' && j + 1 < n) {
          text += s.substr(j, 2);
          j += 2;
          continue;
        }
        if (triple ? s.compare(j, 3, std::string(3, q)) == 0 : s[j] == q) break;
        text += s[j++];
      }
      j += triple ? 3 : 1;
      out.bytes_literal |= bytes;
      out.strings.push_back(text);
      i = j;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(ch)) && (i == 0 || !ident_char(s[i - 1]))) {
      size_t j = i;
      if (s.compare(i, 2, "0x") == 0 || s.compare(i, 2, "0X") == 0) {
        j += 2;
        while (j < n && std::isxdigit(static_cast<unsigned char>(s[j]))) ++j;
      } else {
        while (j < n && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      }
      if (j < n && (s[j] == 'u' || s[j] == 'U')) {
        out.uint_literal = true;
        ++j;
      }
      i = j;
      continue;
    }
    if (ident_char(ch)) {
      size_t j = i;
      while (j < n && ident_char(s[j])) ++j;
      std::string id = s.substr(i, j - i);
      size_t k = j;
      while (k < n && s[k] == ' ') ++k;
      out.idents.insert(id);
      if (k < n && s[k] == '(') out.calls.insert(id);
      i = j;
      continue;
    }
    ++i;
  }
  return out;
}

std::string json_text(const std::optional<simdjson::dom::element>& e) {
  return e ? simdjson::to_string(*e) : std::string();
}

}  // namespace

std::vector<std::string> detect_features(const Case& c) {
  Scan s = scan(c.expr);
  std::string data = json_text(c.value) + json_text(c.bindings) + json_text(c.type_env);
  auto has = [&](const char* needle) { return data.find(needle) != std::string::npos; };
  std::vector<std::string> out;

  // Types we do not have.
  if (s.uint_literal || s.calls.count("uint") || has("\"uint64Value\"") || has("\"UINT64\""))
    out.push_back("uint");
  if (s.bytes_literal || s.calls.count("bytes") || has("\"bytesValue\"") || has("\"BYTES\""))
    out.push_back("bytes");
  static const std::regex other_object(
      R"re("@type":"(?!type\.googleapis\.com/google\.protobuf\.(Timestamp|Duration)"))re");
  if (!c.container.empty() || s.idents.count("TestAllTypes") || s.idents.count("NestedTestAllTypes") ||
      s.idents.count("google") || std::regex_search(data, other_object))
    out.push_back("proto");
  if (s.calls.count("type") || s.idents.count("null_type") || has("\"typeValue\"")) out.push_back("type");
  static const std::regex non_string_key(R"re("key":\{"(?!stringValue))re");
  if (std::regex_search(data, non_string_key)) out.push_back("non_string_map_key");
  // Sub-millisecond times: our timestamps and durations are milliseconds.
  // Only strings shaped like a timestamp ("2009-...") or a duration ("1.5s",
  // "999ns") count, so double('6.02214e23') is not caught.
  static const std::regex sub_ms_timestamp(R"(^\d{4}-\d\d-\d\dT.*\.\d{3}\d*[1-9])");
  static const std::regex sub_ms_duration(R"(^-?(\d+\.\d{3}\d*[1-9]\d*s|.*\d(ns|us))$)");
  bool sub_ms = false;
  for (const auto& str : s.strings)
    sub_ms |= std::regex_search(str, sub_ms_timestamp) || std::regex_search(str, sub_ms_duration);
  static const std::regex sub_ms_value(R"re("value":"-?\d+\.\d{3}\d*[1-9]\d*s")re");
  if (sub_ms || std::regex_search(data, sub_ms_value)) out.push_back("nanoseconds");

  return out;
}

}  // namespace play::cel
