// The formatter: golden cases (tests/golden/fmt/NAME.play -> NAME.formatted), and
// over every .play file in the repository: idempotent, re-parses to the same AST
// (and the same comments).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/fmt/format.h"
#include "tests/syntax/ast_equal.h"
#include "tests/syntax/syntax_testing.h"

namespace play {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
  EXPECT_EQ(testing::ast_difference(first->ast, second->ast), "") << name << " formatted:\n" << once;
  EXPECT_EQ(format(*second), once) << name << ": not idempotent";
  return once;
}

TEST(Fmt, Golden) {
  fs::path dir = fs::path(PLAY_SOURCE_DIR) / "tests/golden/fmt";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".play") continue;
    ++cases;
    std::string got = check_round_trip(slurp(entry.path()), entry.path().string());
    fs::path want = entry.path();
    want.replace_extension(".formatted");
    EXPECT_EQ(got, slurp(want)) << entry.path();
  }
  EXPECT_GE(cases, 6);
}

TEST(Fmt, EveryPlayFileInTheRepository) {
  int files = 0;
  for (const char* sub : {"stdlib", "plays", "tests"}) {
    fs::path root = fs::path(PLAY_SOURCE_DIR) / sub;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".play") continue;
      std::string path = entry.path().string();
      if (path.find("/golden/syntax/") != std::string::npos) continue;  // deliberately broken
      std::string src = slurp(entry.path());
      auto probe = testing::parse(src, path);
      if (probe->diags.has_errors()) continue;  // files that test errors
      ++files;
      check_round_trip(src, path);
    }
  }
  EXPECT_GT(files, 3);
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
