// Hostile input: binary, deep nesting, very long chains, huge files. Never crash.
#include <gtest/gtest.h>

#include "tests/syntax/syntax_testing.h"

namespace play {
namespace {

TEST(Robustness, InvalidUtf8StopsWithPosition) {
  auto p = testing::parse(std::string("const a = 1\nconst b = \"\xC3\x28\"\n"));
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all()[0].code, "P0002");
  EXPECT_EQ(p->diags.all()[0].span.begin, 23u);
  EXPECT_TRUE(p->ast.decls.empty());
}

TEST(Robustness, BinaryInput) {
  std::string bin;
  for (int i = 0; i < 4096; ++i) bin += static_cast<char>((i * 7919) & 0xFF);
  auto p = testing::parse(bin);
  EXPECT_TRUE(p->diags.has_errors());
}

TEST(Robustness, ControlCharactersAreNamed) {
  auto p = testing::parse(std::string("const a = 1\x01\n"));
  EXPECT_EQ(testing::diag_lines(p->sources, p->diags), "1:12: error[P0010]: unexpected character U+0001\n");
}

TEST(Robustness, TenThousandParentheses) {
  std::string src = "const a = " + std::string(10000, '(') + "1" + std::string(10000, ')') + "\n";
  auto p = testing::parse(src);
  ASSERT_EQ(p->diags.all().size(), 1u);
  EXPECT_EQ(p->diags.all()[0].code, "P0013");
}

TEST(Robustness, DeepButAllowedNesting) {
  std::string src = "const a = " + std::string(200, '[') + "1" + std::string(200, ']') + "\n";
  auto p = testing::parse(src);
  EXPECT_FALSE(p->diags.has_errors()) << testing::diag_lines(p->sources, p->diags);
}

TEST(Robustness, LongOperatorChains) {
  std::string sum = "const a = 1", coalesce = "const b = a", nots = "const c = ";
  for (int i = 0; i < 20000; ++i) sum += " + 1";
  for (int i = 0; i < 20000; ++i) coalesce += " ?? a";
  for (int i = 0; i < 20000; ++i) nots += "not ";
  for (const auto& src : {sum, coalesce, nots + "true"}) {
    auto p = testing::parse(src + "\n");
    ASSERT_TRUE(p->diags.has_errors());
    EXPECT_EQ(p->diags.all()[0].code, "P0013");
  }
}

TEST(Robustness, LargeFile) {
  std::string src;
  for (int i = 0; src.size() < 10'000'000; ++i)
    src += "play p" + std::to_string(i) +
           " {\n  owner \"a@b.com\"\n  on website.page_viewed\n  where signal.category == \"pricing\" and "
           "account.employees > 500\n  do notify(channel: \"#c\", text: \"{contact.name} viewed\")\n}\n";
  auto p = testing::parse(src);
  EXPECT_FALSE(p->diags.has_errors());
  EXPECT_GT(p->ast.decls.size(), 50'000u);
}

TEST(Robustness, TooManyErrorsStops) {
  std::string src;
  for (int i = 0; i < 500; ++i) src += "const = 1\n";
  auto p = testing::parse(src);
  EXPECT_LE(p->diags.all().size(), 52u);
  EXPECT_EQ(p->diags.all().back().code, "P0051");
}

}  // namespace
}  // namespace play
