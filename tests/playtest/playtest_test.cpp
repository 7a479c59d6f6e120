// apps/playtest: a test block that holds and one that does not, through the
// library's API (what `playc test` prints comes from these results).
#include "apps/playtest/playtest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "compiler/loader/loader.h"

namespace play::playtest {
namespace {

const char* kPlays = R"(play pricing {
  title "Pricing visit"
  owner "revops@acme.com"
  oncall "revops"
  runbook "https://wiki/pricing"
  on website.page_viewed
  where signal.category == "pricing"
  do notify(channel: "#sales", text: "pricing visit from {account.name}")
}

test "a pricing visit notifies" {
  given account { domain: "bigco.com", name: "BigCo" }
  signal website.page_viewed { url: "https://acme.com/pricing", category: "pricing", account: "bigco.com" }
  expect pricing do notify(channel: "#sales", text: "pricing visit from BigCo") times 1
  expect pricing outcome fired
  expect nothing else
}

test "a blog visit is expected to notify, and does not" {
  signal website.page_viewed at 1m { id: "blog-1", url: "https://acme.com/blog", category: "blog" }
  expect pricing do notify times 1
  expect pricing outcome fired on "blog-1"
}
)";

struct Project {
  vm::Bundle bundle;
  loader::Loaded loaded;
};

std::unique_ptr<Project> compile(const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / ("playtest_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "p.play") << text;
  auto p = std::make_unique<Project>();
  p->loaded = loader::compile({(dir / "p.play").string()}, p->bundle);
  std::filesystem::remove_all(dir);
  return p;
}

TEST(Playtest, PassingAndFailingBlocks) {
  auto p = compile(kPlays);
  ASSERT_TRUE(p->loaded.ok()) << p->loaded.error_text();
  std::vector<TestResult> results = run_tests(*p->loaded.project, p->bundle);
  ASSERT_EQ(results.size(), 2u);

  EXPECT_EQ(results[0].name, "a pricing visit notifies");
  EXPECT_EQ(results[0].line, 11u);
  EXPECT_TRUE(results[0].passed()) << results[0].failures.front();

  const TestResult& bad = results[1];
  EXPECT_EQ(bad.name, "a blog visit is expected to notify, and does not");
  EXPECT_FALSE(bad.passed());
  ASSERT_EQ(bad.failures.size(), 2u);
  EXPECT_NE(bad.failures[0].find("p.play:21:3: expected 1 notify action from pricing, got 0"),
            std::string::npos)
      << bad.failures[0];
  EXPECT_NE(
      bad.failures[1].find("expected pricing outcome fired on \"blog-1\" 1 time, got 0; outcomes were:"),
      std::string::npos)
      << bad.failures[1];
  EXPECT_NE(bad.failures[1].find("blog-1: no_match"), std::string::npos) << bad.failures[1];
}

// Each block runs in a fresh engine: the second does not see the first's
// `fired within` ledger or records.
TEST(Playtest, EachBlockStartsFresh) {
  std::string src = kPlays;
  auto p = compile(src);
  ASSERT_TRUE(p->loaded.ok());
  const auto& tests = p->loaded.project->tests;
  TestResult again = run_test(*p->loaded.project, p->bundle, *tests[0]);
  TestResult twice = run_test(*p->loaded.project, p->bundle, *tests[0]);
  EXPECT_TRUE(again.passed());
  EXPECT_TRUE(twice.passed());
}

// A `given` without its key ends the block with that failure.
TEST(Playtest, AGivenWithoutItsKeyFails) {
  std::string src = std::string(kPlays) + R"(
test "no domain" {
  given account { name: "NoDomain" }
  expect nothing else
}
)";
  auto p = compile(src);
  ASSERT_TRUE(p->loaded.ok()) << p->loaded.error_text();
  TestResult r = run_test(*p->loaded.project, p->bundle, *p->loaded.project->tests.at(2));
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures[0].find("given account needs domain"), std::string::npos) << r.failures[0];
}

}  // namespace
}  // namespace play::playtest
