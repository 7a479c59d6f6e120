// The formatter: golden cases (tests/golden/fmt/NAME.play -> NAME.formatted), each
// idempotent and re-parsing to the same AST (and the same comments); every .play file
// of the repository is checked in fmt_comments_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/fmt/format.h"
#include "compiler/fmt/same_tree.h"
#include "compiler/fmt/verify.h"
#include "tests/syntax/syntax_testing.h"

namespace play {
namespace {

namespace fs = std::filesystem;

std::string format(const testing::Parsed& p) { return fmt::format_file(p.sources, p.ast); }

// Formats `src` and checks the formatter's promises; returns the formatted text.
std::string check_round_trip(const std::string& src, const std::string& name) {
  auto first = testing::parse(src, name);
  EXPECT_FALSE(first->diags.has_errors()) << name << "\n"
                                          << testing::diag_lines(first->sources, first->diags);
  std::string once = format(*first);
  auto second = testing::parse(once, name + " (formatted)");
  EXPECT_FALSE(second->diags.has_errors()) << name << " formatted:\n"
                                           << once << testing::diag_lines(second->sources, second->diags);
  EXPECT_EQ(fmt::ast_difference(first->ast, second->ast), "") << name << " formatted:\n" << once;
  EXPECT_EQ(format(*second), once) << name << ": not idempotent";
  return once;
}

TEST(Fmt, Golden) {
  fs::path dir = fs::path(PLAY_SOURCE_DIR) / "tests/golden/fmt";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".play") continue;
    ++cases;
    std::string got = check_round_trip(testing::slurp(entry.path()), entry.path().string());
    fs::path want = entry.path();
    want.replace_extension(".formatted");
    EXPECT_EQ(got, testing::slurp(want)) << entry.path();
  }
  EXPECT_GE(cases, 6);
}

// Issue 11: a `//` comment followed by a multi-line `/* */` inside a list or an expression
// came out with both after the `//`, so the block comment's second line became code (P0036).
TEST(Fmt, LineCommentThenBlockCommentInsideAList) {
  std::string src =
      "list regions = [\n"
      "  \"emea\", // Europe\n"
      "  /* the Americas,\n"
      "     north and south */\n"
      "  \"amer\",\n"
      "]\n";
  EXPECT_EQ(check_round_trip(src, "list"), src);
}

TEST(Fmt, LineCommentThenBlockCommentInsideAnExpression) {
  std::string src =
      "play p {\n"
      "  on website.page_viewed\n"
      "  where signal.category == \"pricing\" // pricing pages\n"
      "        /* and only from\n"
      "           the US */ and signal.country == \"US\"\n"
      "  do review(queue: \"q\")\n"
      "}\n";
  EXPECT_EQ(check_round_trip(src, "expression"), src);
}

// Comments inside a call keep their lines (they used to move after the call).
TEST(Fmt, CommentsInsideACallKeepTheirLines) {
  std::string src =
      "play p {\n"
      "  on website.page_viewed\n"
      "  do review(queue: \"q\", // the triage queue\n"
      "            note: \"n\")\n"
      "}\n";
  EXPECT_EQ(check_round_trip(src, "call"), src);
}

// Such an item's later lines move with its first, so that what was aligned stays aligned;
// inside a multi-line block comment spaces are the comment's, and stay.
TEST(Fmt, CommentedItemsMoveTheirLinesTogether) {
  EXPECT_EQ(check_round_trip("play p {\n"
                             "    on website.page_viewed\n"
                             "    do review(queue: \"q\", // c\n"
                             "              note: \"n\")\n"
                             "}\n",
                             "deeper"),
            "play p {\n"
            "  on website.page_viewed\n"
            "  do review(queue: \"q\", // c\n"
            "            note: \"n\")\n"
            "}\n");
  std::string block =
      "play p {\n"
      "on website.page_viewed\n"
      "do review(queue: \"q\", /* c\n"
      "     d */ note: \"n\")\n"
      "}\n";
  EXPECT_EQ(check_round_trip(block, "block"),
            "play p {\n"
            "  on website.page_viewed\n"
            "  do review(queue: \"q\", /* c\n"
            "     d */ note: \"n\")\n"
            "}\n");
}

// The safety net `playc fmt` writes through refuses, saying why, each way a formatter bug
// could break a file (the first is what the formatter printed for the issue-11 file).
TEST(Fmt, VerifyRefusesBrokenOutput) {
  auto p = testing::parse(
      "list regions = [\n  \"emea\", // Europe\n  /* the Americas,\n     north */\n  \"amer\"]\n");
  auto refusal = [&](const std::string& text) {
    return fmt::verify_formatted(p->sources, p->ast, text).refusal;
  };
  EXPECT_NE(refusal("list regions = [\"emea\", \"amer\"] // Europe /* the Americas,\n     north */\n")
                .find("would not parse (line 2 [P0036]"),
            std::string::npos);
  EXPECT_NE(refusal("list regions = [\"emea\"] // Europe\n/* the Americas,\n     north */\n")
                .find("would parse to a different program (declaration 0: argument count)"),
            std::string::npos);
  EXPECT_NE(refusal("list regions = [\"emea\", \"amer\"] // Europe\n")
                .find("different program (comment count differs)"),
            std::string::npos);
  EXPECT_EQ(refusal("list regions   = [\"emea\", \"amer\"] // Europe\n/* the Americas,\n     north */\n"),
            "formatting the formatted text would change it again");
  fmt::Verified ok = fmt::format_verified(p->sources, p->ast);
  EXPECT_EQ(ok.refusal, "");
  EXPECT_EQ(ok.text, p->sources.file(p->file).text());
}

TEST(Fmt, MinimalParentheses) {
  auto p = testing::parse(
      "const a = ((x + y) * z)\nconst b = (a or (b and c))\nconst c = not (a == b)\nconst d = (a ?? b) ?? "
      "c\n");
  EXPECT_EQ(
      format(*p),
      "const a = (x + y) * z\nconst b = a or (b and c)\nconst c = not a == b\nconst d = (a ?? b) ?? c\n");
}

}  // namespace
}  // namespace play
