#include "apps/playc/lsp/text_position.h"

#include <gtest/gtest.h>

#include <string>

using play::lsp::LineMap;
using play::lsp::TextPosition;

TEST(LineMap, AsciiRoundTrips) {
  std::string text = "play a\n  on x\n";
  LineMap m(text);
  EXPECT_EQ(m.offset({1, 2}), 9u);
  TextPosition p = m.position(9);
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(p.character, 2u);
  EXPECT_EQ(m.position(static_cast<uint32_t>(text.size())).line, 2u);  // after the last newline
}

TEST(LineMap, CountsUtf16UnitsNotBytes) {
  // "é" is 2 bytes and 1 UTF-16 unit; "😀" (U+1F600) is 4 bytes and 2 units (a surrogate pair).
  std::string text = "x = \"é😀\" + y\n";
  LineMap m(text);
  uint32_t y = static_cast<uint32_t>(text.find('y'));
  TextPosition p = m.position(y);
  EXPECT_EQ(p.line, 0u);
  EXPECT_EQ(p.character, 12u);  // x␠=␠"(5) é(1) 😀(2) "(1) ␠+␠(3)
  EXPECT_EQ(m.offset({0, 12}), y);
  // After é, before 😀.
  EXPECT_EQ(m.offset({0, 6}), text.find("😀"));
  EXPECT_EQ(m.position(static_cast<uint32_t>(text.find("😀"))).character, 6u);
}

TEST(LineMap, InsideACharacterMapsToItsStart) {
  std::string text = "a😀b";
  LineMap m(text);
  EXPECT_EQ(m.offset({0, 2}), 1u);         // between the surrogates: the emoji's start
  EXPECT_EQ(m.position(3).character, 1u);  // a byte inside the emoji: its start
  EXPECT_EQ(m.offset({0, 3}), 5u);         // 'b'
}

TEST(LineMap, ClampsPastTheEnd) {
  std::string text = "ab\r\ncd";
  LineMap m(text);
  EXPECT_EQ(m.offset({0, 99}), 2u);  // the line's end, before the CR
  EXPECT_EQ(m.offset({7, 0}), text.size());
  EXPECT_EQ(m.position(999).line, 1u);
  EXPECT_EQ(m.position(999).character, 2u);
}

TEST(LineMap, EmptyText) {
  LineMap m("");
  EXPECT_EQ(m.offset({0, 5}), 0u);
  EXPECT_EQ(m.position(0).line, 0u);
}
