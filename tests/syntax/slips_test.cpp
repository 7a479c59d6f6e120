// The fixes offered for common slips (compiler/syntax/slips.h), and the
// messages they produce in a parse: each names the mistake where it is.
#include "compiler/syntax/slips.h"

#include <gtest/gtest.h>

#include "tests/syntax/syntax_testing.h"

namespace play::syntax {
namespace {

TEST(Slips, GluedNumberKeepsTheAuthorsUnits) {
  EXPECT_EQ(read_glued_number("7days").fix, "7d");
  EXPECT_EQ(read_glued_number("7days").bad_word, "days");
  EXPECT_EQ(read_glued_number("2min").fix, "2m");
  EXPECT_EQ(read_glued_number("2min").bad_word, "min");
  EXPECT_EQ(read_glued_number("1hour30min").fix, "1h30m");
  EXPECT_EQ(read_glued_number("250msec").fix, "250ms");
  EXPECT_EQ(read_glued_number("3Weeks").fix, "3w");
}

TEST(Slips, FractionsBecomeWholeUnits) {
  auto g = read_glued_number("1.5h");
  EXPECT_TRUE(g.fraction);
  EXPECT_EQ(g.bad_word, "");
  EXPECT_EQ(g.fix, "1h30m");
  EXPECT_EQ(read_glued_number("0.5d").fix, "12h");
  EXPECT_EQ(read_glued_number("2.5days").fix, "2d12h");
  EXPECT_EQ(read_glued_number("1.0001s").fix, "");  // no whole number of milliseconds
}

TEST(Slips, NoFixForWordsThatAreNoUnit) {
  EXPECT_EQ(read_glued_number("12px").fix, "");
  EXPECT_EQ(read_glued_number("12px").bad_word, "px");
  EXPECT_EQ(read_glued_number("3months").fix, "");  // months vary in length
}

TEST(Slips, DurationText) {
  EXPECT_EQ(duration_text(0), "0s");
  EXPECT_EQ(duration_text(5'400'000), "1h30m");
  EXPECT_EQ(duration_text(604'800'000 + 1), "1w1ms");
}

TEST(Slips, KeywordCase) {
  EXPECT_EQ(keyword_in_other_case("AND"), "and");
  EXPECT_EQ(keyword_in_other_case("Or"), "or");
  EXPECT_EQ(keyword_in_other_case("NULL"), "null");
  EXPECT_EQ(keyword_in_other_case("True"), "true");
  EXPECT_EQ(keyword_in_other_case("and"), "");  // already right
  EXPECT_EQ(keyword_in_other_case("Android"), "");
}

TEST(Slips, OperatorWords) {
  EXPECT_EQ(operator_word_fix("is", "null"), "`==`");
  EXPECT_EQ(operator_word_fix("is", "not"), "`!=` (for `is not`)");
  EXPECT_NE(operator_word_fix("contains", "x").find(".contains("), std::string::npos);
  EXPECT_EQ(operator_word_fix("owner", "x"), "");
}

std::string errors(const std::string& src) {
  auto p = play::testing::parse(src);
  return play::testing::diag_lines(p->sources, p->diags);
}

const char* kHead = "play p {\n  owner \"a@b.com\"\n  on website.page_viewed\n";

TEST(Slips, InAParse) {
  std::string h = kHead;
  EXPECT_EQ(
      errors(h + "  sla 30 min\n}\n"),
      "4:7: error[P0016]: a duration is written without a space between the number and the unit; did you "
      "mean `30m`?\n");
  EXPECT_EQ(
      errors(h + "  sla 12px\n}\n"),
      "4:7: error[P0016]: '12px' is not a number or a duration: 'px' is not a unit (durations take ms, s, m, "
      "h, d or w) and a name cannot start with a digit\n");
  EXPECT_EQ(errors(h + "  where signal.category IN [\"a\"]\n}\n"),
            "4:25: error[P0022]: 'IN' is not a keyword: keywords are lower case; did you mean `in`?\n");
  EXPECT_EQ(errors(h + "  where account.domain is not null\n}\n"),
            "4:24: error[P0064]: 'is' is not an operator; did you mean `!=` (for `is not`)?\n");
  EXPECT_EQ(errors(h + "  where signal.category | \"x\"\n}\n"),
            "4:25: error[P0010]: unexpected character '|'; did you mean `or`?\n");
  EXPECT_EQ(errors(h + "  where: signal.category == \"x\"\n}\n"),
            "4:8: error[P0060]: no ':' after 'where': a play item is written `where ...`, like `where "
            "signal.category == \"pricing\"`\n");
}

// A field may be named like a keyword in another case, and `7 days` on two lines is two things.
TEST(Slips, NotSlips) {
  std::string h = kHead;
  EXPECT_EQ(errors(h + "  where signal.AND == 1\n}\n"), "");
  EXPECT_EQ(errors(h + "  where account.employees > 5 and account.tier in [\"a\"]\n}\n"), "");
  EXPECT_EQ(errors(h + "  sla 2m\n  where [1,000] == [1, 0]\n}\n"), "");
  EXPECT_EQ(errors("const x = 1e5\nconst y = 0x2A\nconst z = 1.5e3\n").find("error"), std::string::npos);
}

// A slip check must not hide the real error: here the play's '}' is missing.
TEST(Slips, MissingBraceStaysTheError) {
  EXPECT_EQ(errors("play p { on a b"),
            "1:16: error[P0031]: expected '}' to close play 'p' (opened on line 1)\n");
}

// The opener of a bracket that is never closed, across lines, is named with its column.
TEST(Slips, UnclosedAcrossLines) {
  std::string h = kHead;
  EXPECT_EQ(errors(h + "  where signal.category in [\n    \"a\",\n    \"b\"\n  do notify(channel: \"#a\", "
                       "text: \"x\")\n}\n"),
            "6:8: error[P0035]: the '[' opened on line 4, column 28 is never closed; add ']' here\n");
}

}  // namespace
}  // namespace play::syntax
