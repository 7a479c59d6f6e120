// Every tests/golden/syntax/NAME.play has NAME.play.expected: what `playc check`
// prints for it (tests/golden/run_golden.py compares the whole text). Here the
// parser alone must produce the same diagnostics: the expected file's
// "PATH:LINE:COL: error[CODE]: message" lines, without the path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/syntax/syntax_testing.h"

namespace play {
namespace {

namespace fs = std::filesystem;

TEST(SyntaxErrors, Golden) {
  fs::path dir = fs::path(PLAY_SOURCE_DIR) / "tests/golden/syntax";
  std::set<std::string> codes;
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".play") continue;
    ++cases;
    auto p = testing::parse(testing::slurp(entry.path()), entry.path().string());
    std::string got = testing::diag_lines(p->sources, p->diags);
    std::string want, prefix = "tests/golden/syntax/" + entry.path().filename().string() + ":";
    std::istringstream lines(testing::slurp(entry.path().string() + ".expected"));
    for (std::string line; std::getline(lines, line);)
      if (line.rfind(prefix, 0) == 0) want += line.substr(prefix.size()) + "\n";
    EXPECT_EQ(got, want) << entry.path();
    for (const auto& d : p->diags.all()) codes.insert(d.code);
  }
  EXPECT_GE(cases, 12);
  EXPECT_GE(codes.size(), 12u);
}

TEST(SyntaxErrors, NeverAntlrWords) {
  for (const char* src : {"play {", "play p { do x(", "const = ", "signal a.b { x: }", "test { }", "}}}",
                          "play p { on any of () }", "icp x = [1, 2", "suppress { a as }", "action a(b c)"}) {
    auto p = testing::parse(src);
    EXPECT_TRUE(p->diags.has_errors()) << src;
    for (const auto& d : p->diags.all()) {
      EXPECT_EQ(d.message.find("mismatched"), std::string::npos) << d.message;
      EXPECT_EQ(d.message.find("expecting"), std::string::npos) << d.message;
      EXPECT_EQ(d.message.find("<missing"), std::string::npos) << d.message;
      EXPECT_EQ(d.message.find("viable"), std::string::npos) << d.message;
    }
  }
}

TEST(SyntaxErrors, OnePerLineButWholeFile) {
  auto p = testing::parse("play a {\n  where\n}\nplay b {\n  where ) ) )\n}\nplay c {\n  let = 1\n}\n");
  std::string got = testing::diag_lines(p->sources, p->diags);
  EXPECT_EQ(p->diags.error_count(), 3u) << got;
}

}  // namespace
}  // namespace play
