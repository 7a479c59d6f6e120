// Name resolution: declarations, the project namespace, did-you-mean.
#include <gtest/gtest.h>

#include "tests/sema/harness.h"

namespace play::sema::testing {
namespace {

TEST(Names, StdlibAloneChecksClean) {
  auto c = check_source("");
  EXPECT_TRUE(c->diags.all().empty()) << c->dump();
  EXPECT_EQ(c->project.stdlib_file_count, 3u);
  EXPECT_TRUE(c->project.signals.count("website.page_viewed"));
  EXPECT_EQ(c->project.account.find("employees"), 2);
  EXPECT_TRUE(c->project.action_index.count("webhook"));
}

TEST(Names, UnknownPropertyOnSignalHasSpecMessageAndSpan) {
  auto c = check_source(
      play_src("p", "website.page_viewed",
               "  where signal.categroy == \"pricing\"\n  do notify(channel: \"#c\", text: \"x\")"));
  const Diagnostic* d = c->first("P0102");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_EQ(d->message,
            "unknown property 'categroy' on signal website.page_viewed; did you mean 'category'?");
  EXPECT_EQ(c->text_at(*d), "categroy");
  EXPECT_EQ(c->diags.error_count(), 1u) << c->dump();
}

TEST(Names, UnknownNameSuggestsVisibleName) {
  auto c = check_source(
      "const enterprise_floor = 500\n" +
      play_src("p", "website.page_viewed",
               "  where account.employees > enterprise_flor\n  do notify(channel: \"#c\", text: \"x\")"));
  const Diagnostic* d = c->first("P0101");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_EQ(d->message, "unknown name 'enterprise_flor'; did you mean 'enterprise_floor'?");
}

TEST(Names, UnknownAccountField) {
  auto c = check_source(play_src("p", "website.page_viewed",
                                 "  where account.employes > 5\n  do notify(channel: \"#c\", text: \"x\")"));
  const Diagnostic* d = c->first("P0104");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_NE(d->message.find("did you mean 'employees'"), std::string::npos);
}

TEST(Names, DuplicateNameMentionsFirstLocation) {
  auto c = check_source("const a = 1\nlist a = [1]\n");
  const Diagnostic* d = c->first("P0108");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_NE(d->message.find("test.play:1:7"), std::string::npos) << d->message;
}

TEST(Names, ActionNameClashesWithStdlib) {
  auto c = check_source("const enroll = 1\n");
  const Diagnostic* d = c->first("P0108");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_NE(d->message.find("stdlib/actions.play"), std::string::npos) << d->message;
}

TEST(Names, SignalExtensionAddsPropertyAndRejectsRetyping) {
  auto c =
      check_source("signal website.page_viewed { utm: string? }\nsignal website.page_viewed { url: int }\n");
  EXPECT_GE(c->project.signals["website.page_viewed"].find("utm"), 0);
  EXPECT_EQ(c->count("P0111"), 1) << c->dump();
}

TEST(Names, SameTypeRedeclarationIsFine) {
  auto c = check_source("signal website.page_viewed { url: string\n category: string? }\n");
  EXPECT_TRUE(c->diags.all().empty()) << c->dump();
}

TEST(Names, UnknownTypeName) {
  auto c = check_source("signal acme.thing { n: strng }\n");
  const Diagnostic* d = c->first("P0107");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_EQ(d->message, "unknown type 'strng'; did you mean 'string'?");
}

TEST(Names, SignalNameMustBeDotted) {
  auto c = check_source("signal thing { n: int }\n");
  EXPECT_TRUE(c->has("P0110")) << c->dump();
}

TEST(Names, EntityExtensionAndUnknownEntity) {
  auto c = check_source("entity account { segment: string }\nentity acount { x: int }\n");
  int slot = c->project.account.find("segment");
  ASSERT_GE(slot, 0);
  EXPECT_TRUE(c->project.account.fields[slot].type->nullable);  // context fields are nullable
  EXPECT_TRUE(c->has("P0112")) << c->dump();
}

TEST(Names, UnknownSignalTypeInOn) {
  auto c = check_source(play_src("p", "website.page_veiwed",
                                 "  where signal.nonsense\n  do notify(channel: \"#c\", text: \"x\")"));
  const Diagnostic* d = c->first("P0105");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_NE(d->message.find("did you mean 'website.page_viewed'"), std::string::npos);
  EXPECT_FALSE(c->has("P0102")) << "no cascade from an unknown signal type\n" << c->dump();
}

TEST(Names, ValueCycleIsReported) {
  auto c = check_source("icp a = b\nicp b = a\n");
  EXPECT_TRUE(c->has("P0116")) << c->dump();
}

TEST(Names, LoadProjectReportsMissingPath) {
  Project p;
  Diagnostics d;
  EXPECT_FALSE(load_project({"/nonexistent/nowhere.play"}, p, d));
  ASSERT_FALSE(d.all().empty());
  EXPECT_EQ(d.all()[0].code, "P0001");
  EXPECT_EQ(p.stdlib_file_count, 3u);
}

}  // namespace
}  // namespace play::sema::testing
