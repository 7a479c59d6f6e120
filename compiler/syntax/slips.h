// Common slips an author makes in a literal or a word, and the fix in the
// language's own spelling: `7days` -> `7d`, `2min` -> `2m`, `1.5h` -> `1h30m`,
// `AND` -> `and`. Pure text functions, so the lexer filter and the tests share them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace play::syntax {

// Milliseconds in one of a unit word: "d", "days", "min", "hours", "ms"... or nullopt.
std::optional<int64_t> unit_word_ms(std::string_view word);
// 5'400'000 -> "1h30m"; 0 -> "0s". Largest units first, as an author writes them.
std::string duration_text(int64_t ms);

// A number with letters glued on (`7days`, `2min`, `1.5h`, `1hour30min`, `12px`).
struct GluedNumber {
  std::string fix;        // the duration meant, like "7d"; empty when no unit word was recognised
  std::string bad_word;   // the first letters that are not a unit ("days", "min"); empty for `1.5h`
  bool fraction = false;  // the number has a decimal point
};
GluedNumber read_glued_number(std::string_view text);

// "and" for "AND", "And", "true" for "True"/"TRUE": keywords written in another case.
// Empty when `word` is not such a keyword (or is already lower case).
std::string keyword_in_other_case(std::string_view word);

// `is`, `equals`, `contains`...: a word from another language where an operator
// belongs, and what to write instead ("`==`"); empty when `word` is no such word.
// `next` is the word after it (`is not` means `!=`).
std::string operator_word_fix(std::string_view word, std::string_view next);

}  // namespace play::syntax
