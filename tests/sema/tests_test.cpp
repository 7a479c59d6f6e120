// `test` blocks (section 9).
#include <gtest/gtest.h>

#include "tests/sema/harness.h"

namespace play::sema::testing {
namespace {

const std::string kPlay =
    std::string(kSuppress) + play_src("visit", "website.page_viewed",
                                      "  unless account.tier == \"strategic\" as \"hand-run\"\n  unless "
                                      "suppressed\n  unless fired within 4h\n"
                                      "  do enroll(sequence: \"s\")");

TEST(Tests, ValidTestChecksClean) {
  auto c = check_source(kPlay + R"(
test "visit enrolls" {
  given account { domain: "bigco.com", employees: 1200, tech_stack: ["segment"] }
  given contact { email: "ana@bigco.com", do_not_contact: false }
  signal website.page_viewed at 5m { contact: "ana@bigco.com", url: "https://x", category: "pricing" }
  expect visit do enroll(sequence: "s") times 1
  expect visit outcome suppressed "do not contact"
  expect visit outcome excluded "hand-run"
  expect nothing else
}
)");
  EXPECT_TRUE(c->diags.all().empty()) << c->dump();
  EXPECT_EQ(c->project.tests.size(), 1u);
}

TEST(Tests, BadTestItems) {
  auto c = check_source(kPlay + R"(
test "broken" {
  given acount { domain: "x" }
  given account { employes: 5, employees: "many" }
  signal website.page_veiwed { url: "x" }
  signal website.page_viewed { categroy: "x", url: 5, contact: 7 }
  expect vist do enroll()
  expect visit do notify(channel: "#c")
  expect visit do enroll(sequense: "s")
  expect visit outcome supressed
  expect visit outcome suppressed "no such reason"
  expect visit outcome excluded "nope"
}
)");
  EXPECT_EQ(c->count("P0601"), 1) << c->dump();
  EXPECT_EQ(c->count("P0602"), 1) << c->dump();
  EXPECT_EQ(c->count("P0603"), 3) << c->dump();  // employees, url, contact
  EXPECT_EQ(c->count("P0604"), 1) << c->dump();
  EXPECT_EQ(c->count("P0605"), 1) << c->dump();
  EXPECT_EQ(c->count("P0607"), 1) << c->dump();
  EXPECT_EQ(c->count("P0608"), 1) << c->dump();
  EXPECT_EQ(c->count("P0402"), 1) << c->dump();
  EXPECT_EQ(c->count("P0609"), 1) << c->dump();
  EXPECT_EQ(c->count("P0610"), 2) << c->dump();
  EXPECT_NE(c->first("P0609")->message.find("did you mean 'suppressed'"), std::string::npos);
}

}  // namespace
}  // namespace play::sema::testing
