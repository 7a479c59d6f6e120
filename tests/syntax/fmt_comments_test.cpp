// The formatter's promise under comments anywhere (issue 11): for every .play file of the
// repository, and for variants of each with `//` and multi-line `/* */` comments inserted
// between tokens (positions picked by a fixed seed, so every run checks the same cases),
// the formatted text parses back to the same tree with the same comments, formatting it
// again changes nothing, and format_verified (what `playc fmt` writes through) accepts it.
#include <gtest/gtest.h>

#include <cstdint>
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

// Every .play file of the repository that parses (some test files are broken on purpose).
std::vector<std::pair<std::string, std::string>> repository_plays() {
  std::vector<std::pair<std::string, std::string>> out;
  fs::path root(PLAY_SOURCE_DIR);
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string name = it->path().filename().string();
    if (it->is_directory() && (name.rfind("build", 0) == 0 || name == "node_modules" || name[0] == '.')) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->path().extension() != ".play") continue;
    std::string src = testing::slurp(it->path());
    if (testing::parse(src)->diags.has_errors()) continue;
    out.emplace_back(it->path().string(), src);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Offsets between two tokens: whitespace, or just inside/outside a bracket or after a comma,
// outside strings and comments. A scanner of its own (not the parser's) so that it can find
// places the formatter's authors did not think of.
std::vector<size_t> token_boundaries(const std::string& s) {
  std::vector<size_t> at;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (s.compare(i, 2, "//") == 0) {
      i = s.find('\n', i);
      if (i == std::string::npos) break;
      continue;
    }
    if (s.compare(i, 2, "/*") == 0) {
      size_t e = s.find("*/", i + 2);
      i = e == std::string::npos ? s.size() : e + 2;
      continue;
    }
    if (c == '"' || c == '\'') {
      bool triple = s.compare(i, 3, std::string(3, c)) == 0;
      size_t e = i + (triple ? 3 : 1);
      while (e < s.size() && (triple ? s.compare(e, 3, std::string(3, c)) != 0 : s[e] != c && s[e] != '\n')) {
        if (s[e] == '\\' && (i == 0 || (s[i - 1] != 'r' && s[i - 1] != 'R'))) ++e;
        ++e;
      }
      i = e + (triple ? 3 : 1);
      continue;
    }
    if (c == ' ' || c == '\n' || c == ',' || c == '(' || c == '[' || c == '{')
      at.push_back(c == ' ' || c == '\n' ? i : i + 1);
    if (c == ')' || c == ']' || c == '}') at.push_back(i);
    ++i;
  }
  return at;
}

// The comments inserted: the case (a `//` then a multi-line `/* */`), each alone,
// and a `/* */` on one line.
const char* const kComments[] = {
    " // note\n/* and a block\n   over two lines */ ",
    " // note\n",
    " /* a block\n   over two lines */ ",
    " /* inline */ ",
    "\n// own line\n",
};

// A deterministic generator (the same on every platform, unlike std::uniform_int_distribution).
struct Seeded {
  uint64_t state;
  size_t below(size_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return size_t((state >> 33) % n);
  }
};

// Formats `src` (which parses) and checks the promises; "" or what broke.
std::string broken_promise(const std::string& src, const std::string& name) {
  auto first = testing::parse(src, name);
  std::string once = fmt::format_file(first->sources, first->ast);
  auto second = testing::parse(once, name);
  if (second->diags.has_errors())
    return "does not parse:\n" + testing::diag_lines(second->sources, second->diags);
  std::string diff = fmt::ast_difference(first->ast, second->ast);
  if (!diff.empty()) return "a different tree: " + diff;
  if (fmt::format_file(second->sources, second->ast) != once) return "not idempotent";
  fmt::Verified v = fmt::format_verified(first->sources, first->ast);
  if (!v.refusal.empty() || v.text != once) return "refused: " + v.refusal;
  return "";
}

TEST(FmtComments, EveryPlayFileKeepsItsTreeAndIsIdempotent) {
  auto plays = repository_plays();
  for (const auto& [path, src] : plays) {
    EXPECT_EQ(broken_promise(src, path), "") << path;
    // As saved by another editor: CRLF line ends, tabs for indentation.
    std::string crlf, tabs;
    for (char c : src) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    for (size_t i = 0; i < src.size(); ++i)
      tabs += (src.compare(i, 3, "\n  ") == 0) ? (i += 2, std::string("\n\t")) : std::string(1, src[i]);
    if (!testing::parse(crlf)->diags.has_errors()) {
      EXPECT_EQ(broken_promise(crlf, path), "") << path << " (CRLF)";
    }
    if (!testing::parse(tabs)->diags.has_errors()) {
      EXPECT_EQ(broken_promise(tabs, path), "") << path << " (tabs)";
    }
  }
  EXPECT_GT(plays.size(), 100u);
}

TEST(FmtComments, CommentsInsertedBetweenTokens) {
  Seeded rng{11};
  size_t variants = 0, parsed = 0, failures = 0;
  for (const auto& [path, src] : repository_plays()) {
    std::vector<size_t> at = token_boundaries(src);
    if (at.empty()) continue;
    for (int n = 0; n < 24; ++n) {
      // One to three comments at once, inserted back to front so offsets stay valid.
      std::vector<std::pair<size_t, const char*>> inserts;
      size_t count = 1 + rng.below(3);
      for (size_t k = 0; k < count; ++k)
        inserts.push_back({at[rng.below(at.size())], kComments[rng.below(std::size(kComments))]});
      std::sort(inserts.begin(), inserts.end(), [](auto& a, auto& b) { return a.first > b.first; });
      std::string variant = src;
      for (const auto& [offset, text] : inserts) variant.insert(offset, text);
      ++variants;
      // A `//` or a line break may end an item early: such a variant is another (broken) file.
      if (testing::parse(variant)->diags.has_errors()) continue;
      ++parsed;
      std::string why = broken_promise(variant, path);
      EXPECT_EQ(why, "") << path << " with comments inserted:\n" << variant;
      if (!why.empty() && ++failures >= 5) FAIL() << "stopping after 5 broken variants";
    }
  }
  // Most variants must parse, or the test checks little.
  EXPECT_GT(parsed, variants / 2) << parsed << " of " << variants << " variants parse";
  std::printf("%zu of %zu variants parse, and keep their tree\n", parsed, variants);
}

}  // namespace
}  // namespace play
