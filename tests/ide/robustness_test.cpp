// Every query at every offset of whole, cut and broken texts: no crash, and
// every span answered lies in its file.
#include <gtest/gtest.h>

#include "tests/ide/harness.h"

namespace play::ide::testing {
namespace {

void expect_in_file(const Loaded& l, Span s) {
  ASSERT_GT(s.file, 0u);
  ASSERT_LT(s.file, l.project.sources.size());
  EXPECT_LE(s.begin, s.end);
  EXPECT_LE(s.end, l.project.sources.file(s.file).text().size());
}

// Runs every query at every `stride`-th offset of `path`.
void every_query(const Loaded& l, const std::string& path, uint32_t stride) {
  uint32_t file = l.file(path);
  const std::string& text = l.project.sources.file(file).text();
  for (uint32_t off = 0; off <= text.size() + 2; off += stride) {
    Position at{file, off};
    if (auto h = hover(l.project, at)) {
      expect_in_file(l, h->span);
      EXPECT_FALSE(h->markdown.empty());
    }
    for (Span s : definition(l.project, at)) expect_in_file(l, s);
    for (Span s : references(l.project, at, true)) expect_in_file(l, s);
    RenameTarget t = prepare_rename(l.project, at);
    if (t.error.empty()) {
      expect_in_file(l, t.span);
      RenameResult r = rename(l.project, at, "renamed_x");
      for (const auto& e : r.edits) {
        expect_in_file(l, e.span);
        EXPECT_GE(e.span.file, l.project.files[l.project.stdlib_file_count].file_id);  // user files only
      }
    }
    std::string_view view(text);
    complete(l.project, path, view.substr(0, std::min<size_t>(off, text.size())), off);
    complete(l.project, path, text, off);
  }
  for (const auto& s : document_symbols(l.project, file)) expect_in_file(l, s.span);
  for (const auto& d : l.diags.all())
    for (const auto& f : quick_fixes(l.project, d))
      for (const auto& e : f.edits) expect_in_file(l, e.span);
}

TEST(Robustness, EveryOffsetOfAProjectAndItsTest) {
  auto l = load({{"p.play", kProject}, {"p_test.play", kTest}});
  every_query(*l, "p.play", 1);
  every_query(*l, "p_test.play", 1);
}

TEST(Robustness, CutTexts) {
  std::string all = std::string(kProject) + kTest;
  for (size_t cut = 0; cut < all.size(); cut += 41) {
    auto l = load(all.substr(0, cut));
    every_query(*l, "a.play", 5);
  }
}

TEST(Robustness, BrokenTexts) {
  const char* texts[] = {
      "play {",
      "play p { on any of (",
      "play p {\n  on website.page_viewed\n  where signal.\n  do enroll(sequence: , rep: )\n}",
      "play p {\n  let x = [1, 2].exists(v, v > \n  let x = x\n}",
      "test \"t\" {\n  given account { : 1 }\n  signal { }\n  expect do (\n}",
      "signal a { b: list<> }\nentity { }\naction (x: ) to\nsuppress { as }",
      "icp i = i\nconst c = c + 1\nlist l = [l]\npool p = [p]",
      "play p {\n  on any of (website.page_viewed, website.page_viewed)\n  where signal.url.exists(x, "
      "x.exists(x, x))\n}",
      "\"unterminated\n/* unterminated comment\nplay p {",
      "play p { on absence of website.page_viewed for 1d per account }\nscore s per account half_life 7d { "
      "website.page_viewed -> 1 }",
      "\xff\xfe\x00play p {}",
  };
  for (const char* t : texts) {
    auto l = load(std::string(t));
    every_query(*l, "a.play", 1);
  }
}

TEST(Robustness, StdlibFiles) {
  auto l = load({{"p.play", kProject}});
  for (uint32_t id = 1; id < l->project.sources.size(); ++id) {
    const std::string path = l->project.sources.file(id).path();
    if (path.rfind("stdlib/", 0) == 0) every_query(*l, path, 3);
  }
  // A stdlib declaration is never renamed.
  Position at = l->at("stdlib/signals.play", "category");
  EXPECT_NE(prepare_rename(l->project, at).error, "");
}

}  // namespace
}  // namespace play::ide::testing
