// The lints of LANGUAGE.md section 5.
#include <gtest/gtest.h>

#include "tests/sema/harness.h"

namespace play::sema::testing {
namespace {

std::string enrolling(const std::string& name, const std::string& clauses) {
  return play_src(name, "website.page_viewed", clauses + "\n  do enroll(sequence: \"s\")");
}

TEST(Lints, EnrollWithoutSuppressionIsAnError) {
  auto c = check_source(std::string(kSuppress) + enrolling("p", "  unless fired within 4h"));
  const Diagnostic* d = c->first("P0500");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_EQ(d->severity, Severity::Error);
}

TEST(Lints, EnrollWithoutFiredWithinIsAWarning) {
  auto c = check_source(std::string(kSuppress) + enrolling("p", "  unless suppressed"));
  const Diagnostic* d = c->first("P0501");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_EQ(d->severity, Severity::Warning);
  EXPECT_EQ(c->diags.error_count(), 0u) << c->dump();
}

TEST(Lints, CleanEnrollingPlayHasNoDiagnostics) {
  auto c =
      check_source(std::string(kSuppress) + enrolling("p", "  unless suppressed\n  unless fired within 4h"));
  EXPECT_TRUE(c->diags.all().empty()) << c->dump();
}

TEST(Lints, UnusedDeclarations) {
  auto c =
      check_source("list l = [1]\nconst k = 1\npool s = [\"a@x\"]\nicp i = account.employees > 1\n" +
                   play_src("p", "product.login", "  let x = 1\n  do notify(channel: \"#c\", text: \"x\")"));
  EXPECT_EQ(c->count("P0503"), 4) << c->dump();
  EXPECT_EQ(c->count("P0502"), 1) << c->dump();
  EXPECT_EQ(c->diags.error_count(), 0u) << c->dump();
}

TEST(Lints, ConstantWhere) {
  auto c = check_source(
      "const on_ = true\n" +
      play_src("p", "product.login", "  where on_ or 1 > 2\n  do notify(channel: \"#c\", text: \"x\")"));
  EXPECT_EQ(c->count("P0504"), 1) << c->dump();
  auto varying = check_source(play_src(
      "p", "product.login", "  where signal.user_count > 2\n  do notify(channel: \"#c\", text: \"x\")"));
  EXPECT_FALSE(varying->has("P0504")) << varying->dump();
}

TEST(Lints, DoubleEnrollment) {
  std::string base = std::string(kSuppress);
  auto both = check_source(
      base +
      enrolling("a",
                "  where signal.category == \"pricing\"\n  unless suppressed\n  unless fired within 4h") +
      enrolling("b", "  where account.employees > 100\n  unless suppressed\n  unless fired within 4h"));
  const Diagnostic* d = both->first("P0505");
  ASSERT_NE(d, nullptr) << both->dump();
  EXPECT_NE(d->message.find("possible double enrollment"), std::string::npos);
  EXPECT_EQ(both->text_at(*d), "b");

  auto exclusive = check_source(
      base +
      enrolling("a",
                "  where signal.category == \"pricing\"\n  unless suppressed\n  unless fired within 4h") +
      enrolling("b", "  where signal.category == \"docs\"\n  unless suppressed\n  unless fired within 4h"));
  EXPECT_FALSE(exclusive->has("P0505")) << exclusive->dump();

  auto negated = check_source(
      base +
      enrolling("a", "  where contact.in_active_sequence\n  unless suppressed\n  unless fired within 4h") +
      enrolling("b",
                "  where not contact.in_active_sequence\n  unless suppressed\n  unless fired within 4h"));
  EXPECT_FALSE(negated->has("P0505")) << negated->dump();

  auto other_type =
      check_source(base + enrolling("a", "  unless suppressed\n  unless fired within 4h") +
                   play_src("b", "product.login",
                            "  unless suppressed\n  unless fired within 4h\n  do enroll(sequence: \"s\")"));
  EXPECT_FALSE(other_type->has("P0505")) << other_type->dump();
}

}  // namespace
}  // namespace play::sema::testing
