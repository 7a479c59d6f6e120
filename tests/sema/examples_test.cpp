// The examples of LANGUAGE.md (tests/lang_examples): sections 4 and 5 check
// without errors; section 10 gives only "not supported yet" errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "compiler/sema/project.h"
#include "tests/sema/harness.h"

namespace play::sema {
namespace {

TEST(LangExamples, Sections4And5CheckWithoutErrors) {
  Project p;
  Diagnostics d;
  ASSERT_TRUE(load_project(
      {"tests/lang_examples/section4_declarations.play", "tests/lang_examples/section5_play.play"}, p, d));
  std::string all;
  for (const auto& x : d.all()) all += x.code + " " + x.message + "\n";
  EXPECT_EQ(d.error_count(), 0u) << all;
  ASSERT_EQ(p.plays.size(), 1u);
  const Play& play = p.plays[0];
  EXPECT_EQ(play.name, "pricing_visit_enterprise");
  EXPECT_EQ(play.priority, Priority::High);
  EXPECT_EQ(play.sla_ms, 5 * 60 * 1000);
  EXPECT_EQ(play.icps_used, std::vector<std::string>{"enterprise"});
  EXPECT_TRUE(play.uses_suppression);
  EXPECT_EQ(play.n_lets, 1);
  EXPECT_EQ(play.actions, (std::vector<std::string>{"enroll", "notify"}));
  ASSERT_NE(p.suppress, nullptr);
  EXPECT_EQ(p.suppress->rules.size(), 6u);
  EXPECT_GE(p.signals["website.page_viewed"].find("utm_campaign"), 0);
  EXPECT_GE(p.account.find("segment"), 0);
}

TEST(LangExamples, Section10ChecksEveryTemporalForm) {
  Project p;
  Diagnostics d;
  ASSERT_TRUE(load_project({"tests/lang_examples/section10_temporal.play"}, p, d));
  std::string all;
  for (const auto& x : d.all()) all += x.code + " " + x.message + "\n";
  size_t p0900 = 0;
  for (const auto& x : d.all()) {
    EXPECT_NE(x.severity, Severity::Error) << all;
    p0900 += x.code == "P0900";
  }
  EXPECT_EQ(p0900, 0u) << all;  // every temporal form is built
  for (const char* built :
       {"stalled_trial", "pricing_binge", "buying_committee", "usage_drop", "intent_threshold"}) {
    const Play& play = p.plays[p.play_index.at(built)];
    EXPECT_FALSE(play.temporal) << built;
    EXPECT_NE(play.pattern.kind, ast::OnKind::Signal) << built;
  }
}

TEST(LangExamples, WholeDirectoryLoadsSorted) {
  Project p;
  Diagnostics d;
  ASSERT_TRUE(load_project({"tests/lang_examples"}, p, d));
  ASSERT_EQ(p.files.size(), p.stdlib_file_count + 3);
  EXPECT_EQ(p.sources.file(p.files[p.stdlib_file_count].file_id).path(),
            "tests/lang_examples/section10_temporal.play");
}

}  // namespace
}  // namespace play::sema

namespace play::sema {
namespace {

// A file with a syntax error is not type-checked: the recovered tree would
// give errors about code the author did not write.
TEST(Load, SyntaxErrorsStopTheCheck) {
  auto dir = std::filesystem::temp_directory_path() / "play_sema_load_test";
  std::filesystem::create_directories(dir);
  auto path = (dir / "broken.play").string();
  {
    std::ofstream out(path);
    out << "const unused = 1\nplay p {\n  owner \"o\"\n  on website.page_viewed\n  where signal.category = "
           "\"x\"\n}\n";
  }
  Project p;
  Diagnostics d;
  EXPECT_TRUE(load_project({path}, p, d));
  ASSERT_TRUE(d.has_errors());
  for (const auto& x : d.all()) EXPECT_LT(x.code, "P0100") << x.code << " " << x.message;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace play::sema

namespace play::sema::testing {
namespace {

// check_project on trees recovered from syntax errors (the language server
// will do this) must not crash: every golden syntax case, checked anyway.
TEST(Load, RecoveredTreesCheckWithoutCrashing) {
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator("tests/golden/syntax")) {
    if (e.path().extension() != ".play") continue;
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto c = check_source(text);
    EXPECT_TRUE(c->diags.has_errors()) << e.path();
    ++files;
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace play::sema::testing
