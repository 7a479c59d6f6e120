// Reading the context of a completion from the text as the editor has it
// (half-typed, maybe unparsable): a small scanner (words, punctuation,
// strings; comments skipped) and the blocks and parentheses open at the
// cursor. Internal to compiler/ide.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace play::ide {

struct Token {
  enum Kind : uint8_t { Word, Punct, String } kind;
  uint32_t begin, end;
  std::string_view text;
};

// Tokens of `text`; `inside` tells whether `offset` falls in a comment or a
// string (where nothing is completed), and `string_start` where that string
// begins (npos when it is not one).
std::vector<Token> scan(std::string_view text, uint32_t offset, bool& inside, size_t& string_start);

// In a string at `offset` (starting at `string_start`): where the template
// expression around the cursor starts (just after its `{`), or npos when the
// cursor is in the string's plain text. `"hi {signal.|}"`
size_t template_expression_start(std::string_view text, size_t string_start, uint32_t offset);

// A block or parenthesis open at the cursor.
struct Frame {
  enum Kind : uint8_t {
    Play,        // play NAME {
    Test,        // test "..." {
    SignalDecl,  // signal T {            (top level)
    EntityDecl,  // entity account {
    Suppress,    // suppress {
    Given,       // given account {       (in a test)
    TestSignal,  // signal T [at D] {     (in a test)
    Braces,      // a map literal, or anything else in { }
    ActionArgs,  // do ACTION(            (in a play or a test's expect)
    AnyOf,       // on any of (
    Parens,      // any other ( or [
  } kind;
  std::string name;  // the play's, action's, entity's or signal type's name
  size_t open = 0;   // index of its opening token
  size_t close = 0;  // index of its closing token (tokens.size() when unclosed)
};

// Frames open before token `upto` (outermost first), over all of `tokens`
// (closing positions are found in the text after the cursor too).
std::vector<Frame> frames(const std::vector<Token>& tokens, size_t upto);

}  // namespace play::ide
