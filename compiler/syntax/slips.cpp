#include "compiler/syntax/slips.h"

#include <cctype>
#include <cmath>

namespace play::syntax {

namespace {

constexpr int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour,
                  kWeek = 7 * kDay;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<int64_t> unit_word_ms(std::string_view word) {
  struct Unit {
    const char* words[8];
    int64_t ms;
  };
  // The language's units and the words authors write for them. No months or
  // years: their length varies, so there is no fix to offer.
  static const Unit units[] = {
      {{"ms", "msec", "msecs", "millis", "millisecond", "milliseconds"}, 1},
      {{"s", "sec", "secs", "second", "seconds"}, kSecond},
      {{"m", "min", "mins", "minute", "minutes"}, kMinute},
      {{"h", "hr", "hrs", "hour", "hours"}, kHour},
      {{"d", "day", "days"}, kDay},
      {{"w", "wk", "wks", "week", "weeks"}, kWeek},
  };
  std::string w = lower(word);
  for (const auto& u : units)
    for (const char* name : u.words)
      if (name && w == name) return u.ms;
  return std::nullopt;
}

std::string duration_text(int64_t ms) {
  if (ms == 0) return "0s";
  static const std::pair<int64_t, const char*> units[] = {{kWeek, "w"},   {kDay, "d"},    {kHour, "h"},
                                                          {kMinute, "m"}, {kSecond, "s"}, {1, "ms"}};
  std::string out;
  for (auto [size, name] : units)
    if (ms >= size) {
      out += std::to_string(ms / size) + name;
      ms %= size;
    }
  return out;
}

GluedNumber read_glued_number(std::string_view t) {
  GluedNumber g;
  double total = 0;
  bool ok = true;
  std::string as_written;
  size_t i = 0;
  while (i < t.size()) {
    size_t start = i;
    while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) {
      if (t[i] == '.') g.fraction = true;
      ++i;
    }
    size_t word_start = i;
    while (i < t.size() && !std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    std::string_view number = t.substr(start, word_start - start),
                     word = t.substr(word_start, i - word_start);
    auto unit = unit_word_ms(word);
    // The first letters that are not one of the language's units, as written.
    static const std::string_view units[] = {"ms", "s", "m", "h", "d", "w"};
    bool language_unit = false;
    for (auto u : units) language_unit |= word == u;
    if (!language_unit && g.bad_word.empty()) g.bad_word = std::string(word);
    if (!unit) {
      ok = false;
      continue;
    }
    if (number.empty()) {
      ok = false;
      continue;
    }
    total += std::strtod(std::string(number).c_str(), nullptr) * static_cast<double>(*unit);
    // Keep the author's numbers and units (`7days` is `7d`, not `1w`) unless a fraction must go.
    as_written += std::string(number) + duration_text(*unit).substr(1);
  }
  if (ok && !g.fraction) {
    g.fix = as_written;
    return g;
  }
  if (ok && total < 9.2e18) {
    double rounded = std::round(total);
    if (rounded == total) g.fix = duration_text(static_cast<int64_t>(rounded));
  }
  return g;
}

std::string keyword_in_other_case(std::string_view word) {
  static const char* keywords[] = {"and", "or", "not", "true", "false", "null", "in"};
  std::string w = lower(word);
  if (w == word) return "";
  for (const char* k : keywords)
    if (w == k) return k;
  return "";
}

std::string operator_word_fix(std::string_view word, std::string_view next) {
  std::string w = lower(word);
  if (w == "is") return next == "not" ? "`!=` (for `is not`)" : "`==`";
  if (w == "isnt" || w == "ne" || w == "neq") return "`!=`";
  if (w == "equals" || w == "eq" || w == "equal") return "`==`";
  if (w == "contains" || w == "includes")
    return "`TEXT.contains(\"...\")` for text, or `VALUE in LIST` for a list";
  if (w == "like" || w == "matches") return "`TEXT.matches(\"regex\")`";
  if (w == "startswith") return "`TEXT.startsWith(\"...\")`";
  if (w == "endswith") return "`TEXT.endsWith(\"...\")`";
  if (w == "between") return "`X >= LOW and X <= HIGH`";
  if (w == "xor") return "`a != b`";
  return "";
}

}  // namespace play::syntax
