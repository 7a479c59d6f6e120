// A snapshot built through the parse cache is the project sema::load_sources
// builds: the same diagnostics, before and after an edit, and with a file's
// place in the project shifted by a new file before it.
#include "apps/playc/lsp/snapshot.h"

#include <gtest/gtest.h>

#include "compiler/diag/files.h"
#include "compiler/diag/render.h"

namespace {

std::vector<play::sema::SourceText> repository_plays() {
  std::vector<std::string> paths;
  play::Diagnostics d;
  play::expand_play_paths({"plays", "tests/golden/check"}, paths, d);
  std::vector<play::sema::SourceText> files;
  for (const auto& p : paths) {
    std::string text, err;
    if (play::read_file(p, text, err)) files.push_back({p, text});
  }
  return files;
}

std::string rendered(const play::lsp::Snapshot& s) {
  return play::render_json(s.project().sources, s.diagnostics());
}

}  // namespace

TEST(Snapshot, CachedParsesGiveTheSameDiagnostics) {
  auto files = repository_plays();
  ASSERT_GT(files.size(), 20u);
  play::lsp::ParseCache cache;
  play::lsp::Snapshot first(files, &cache);
  EXPECT_EQ(rendered(first), rendered(play::lsp::Snapshot(files)));
  EXPECT_GT(first.diagnostics().all().size(), 10u);
  // Again, all from the cache.
  size_t before = cache.hits();
  play::lsp::Snapshot second(files, &cache);
  EXPECT_EQ(cache.hits() - before, files.size() + first.project().stdlib_file_count);
  EXPECT_EQ(rendered(second), rendered(first));
  EXPECT_EQ(second.project().plays.size(), first.project().plays.size());
  // An edit in one file, and a new file first in the order (every id after it shifts).
  files.back().text += "\nconst lsp_test_extra = 1\n";
  files.insert(files.begin(), {"a_first.play", "const lsp_test_first = \"x\"\n"});
  play::lsp::Snapshot third(files, &cache);
  EXPECT_EQ(rendered(third), rendered(play::lsp::Snapshot(files)));
}

TEST(Snapshot, SyntaxErrorsStopTheCheckAsLoadSourcesDoes) {
  std::vector<play::sema::SourceText> files = {{"a.play", "play p {\n  title\n"},
                                               {"b.play", "const x = y\n"}};
  play::lsp::ParseCache cache;
  play::lsp::Snapshot s(files, &cache);
  EXPECT_FALSE(s.checked());
  EXPECT_EQ(rendered(s), rendered(play::lsp::Snapshot(files)));
  files[0].text = "const z = 1\n";
  play::lsp::Snapshot fixed(files, &cache);
  EXPECT_TRUE(fixed.checked());
  EXPECT_EQ(rendered(fixed), rendered(play::lsp::Snapshot(files)));
  EXPECT_NE(rendered(fixed).find("P0"), std::string::npos);  // y is unknown: checked now
}
