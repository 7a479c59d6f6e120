// Quick fixes: one for every "did you mean" the compiler says (syntax and
// checker), and the missing `unless suppressed` of an enroll (P0500).
#include <gtest/gtest.h>

#include "tests/ide/harness.h"

namespace play::ide::testing {
namespace {

std::string play(const std::string& body, const std::string& on = "website.page_viewed") {
  return "play pricing {\n  title \"t\"\n  owner \"o@acme.com\"\n  oncall \"#c\"\n  runbook \"r\"\n  on " +
         on + "\n" + body + "\n}\n";
}
const std::string kSuppress = "suppress {\n  contact.do_not_contact as \"do not contact\"\n}\n";
const std::string kNotify = "  do notify(channel: \"c\", text: \"t\")";
std::string with_test(const std::string& items) {
  return play("  unless signal.url == \"x\" as \"no contact\"\n" + kNotify) + "test \"t\" {\n" + items +
         "\n}\n";
}

struct Case {
  std::string source;
  std::string code;   // of the diagnostic fixed
  std::string fixed;  // text the fixed source holds (and the broken one does not)
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.code << " -> " << c.fixed; }

class DidYouMean : public ::testing::TestWithParam<Case> {};

TEST_P(DidYouMean, IsFixedByReplacingTheWord) {
  const Case& c = GetParam();
  auto l = load(c.source);
  const Diagnostic* d = nullptr;
  for (const auto& x : l->diags.all())
    if (x.code == c.code && x.message.find("did you mean") != std::string::npos) d = d ? d : &x;
  ASSERT_TRUE(d) << "no did-you-mean " << c.code << " in:\n" << l->dump();
  auto fixes = quick_fixes(l->project, *d);
  ASSERT_EQ(fixes.size(), 1u) << d->message;
  std::string after = l->apply(fixes[0].edits);
  ASSERT_EQ(c.source.find(c.fixed), std::string::npos);
  EXPECT_NE(after.find(c.fixed), std::string::npos) << d->message << "\n" << after;
  // The fixed text no longer has that diagnostic.
  auto again = load(after);
  for (const auto& x : again->diags.all())
    EXPECT_FALSE(x.code == c.code && x.message.find("did you mean") != std::string::npos) << x.message << "\n"
                                                                                          << after;
}

INSTANTIATE_TEST_SUITE_P(
    Checker, DidYouMean,
    ::testing::Values(
        Case{"list pricing_pages = [\"a\"]\n" + play("  where signal.category in pricing_page"), "P0101",
             "in pricing_pages\n"},
        Case{play("  where signal.categry == \"x\""), "P0102", "signal.category == \"x\""},
        Case{play("  where account.employes > 5"), "P0104", "account.employees > 5"},
        Case{play("", "website.page_veiwed"), "P0105", "on website.page_viewed"},
        Case{"icp enterprise = account.employees > 5\n" + play("  where icp enterprize"), "P0106",
             "where icp enterprise\n"},
        Case{"signal app.x {\n  n: integer\n}\n", "P0107", "n: int\n"},
        Case{"signal app.x {\n  n: strng\n}\n", "P0107", "n: string\n"},
        Case{"entity acount {\n  x: int\n}\n", "P0112", "entity account {"},
        Case{play("  when signal.url == \"x\""), "P0301", "  where signal.url == \"x\""},
        Case{play("  priority hihg"), "P0302", "priority high"},
        Case{play("  mode shadw"), "P0302", "mode shadow"},
        Case{play("  alert volume_dorp off"), "P0315", "alert volume_drop off"},
        Case{play("  alert volum below 30%"), "P0315", "alert volume below 30%"},
        Case{play("  do notfy(channel: \"c\", text: \"t\")"), "P0401", "do notify("},
        Case{kSuppress + play("  unless suppressed\n  do enroll(sequnce: \"s\")"), "P0402",
             "enroll(sequence: \"s\")"},
        Case{play("  where signal.visit_count > 0 and duration(\"7days\") > 1h"), "P0216",
             "duration(\"7d\")"},
        Case{play("  where now.getHours(\"America/New_Yrok\") > 9"), "P0216",
             "getHours(\"America/New_York\")"},
        Case{"pool reps = [\"a\"]\n" + kSuppress +
                 play("  unless suppressed\n  do enroll(sequence: \"s\", rep: round_robin(rep))"),
             "P0218", "round_robin(reps)"},
        Case{play("  where sise(signal.url) > 3"), "P0117", "where size(signal.url)"},
        Case{play("  where signal.url.startswith(\"x\")"), "P0118", "signal.url.startsWith(\"x\")"}));

INSTANTIATE_TEST_SUITE_P(
    Tests, DidYouMean,
    ::testing::Values(Case{with_test("  expect pricng outcome fired"), "P0607", "expect pricing outcome"},
                      Case{with_test("  given acount { domain: \"x\" }"), "P0601", "given account {"},
                      Case{with_test("  given account { domian: \"x\" }"), "P0602", "{ domain: \"x\" }"},
                      Case{with_test("  signal website.page_veiwed { url: \"x\" }"), "P0604",
                           "signal website.page_viewed {"},
                      Case{with_test("  signal website.page_viewed { urll: \"x\" }"), "P0605",
                           "{ url: \"x\" }"},
                      Case{with_test("  expect pricing do notfy"), "P0401", "do notify\n"},
                      Case{with_test("  expect pricing outcome fird"), "P0609", "outcome fired\n"},
                      Case{with_test("  expect pricing outcome excluded \"no contct\""), "P0610",
                           "excluded \"no contact\""}));

INSTANTIATE_TEST_SUITE_P(
    Syntax, DidYouMean,
    ::testing::Values(
        Case{play("  unless fired within 7days"), "P0016", "within 7d\n"},
        Case{play("  unless fired within 7 days"), "P0016", "within 7d\n"},
        Case{play("  unless fired within 1.5h"), "P0016", "within 1h30m\n"},
        Case{play("  where signal.url == \"a\" AND signal.url == \"b\""), "P0022", "\"a\" and signal"},
        Case{play("  where signal.url == \"a\" & signal.url == \"b\""), "P0010", "\"a\" and signal"},
        Case{play("  where signal.url == \"a\" | signal.url == \"b\""), "P0010", "\"a\" or signal"},
        Case{play("  where signal.visit_count <> 3"), "P0056", "visit_count != 3"},
        Case{play("  where signal.visit_count =< 3"), "P0056", "visit_count <= 3"},
        Case{play("  where signal.visit_count => 3"), "P0056", "visit_count >= 3"},
        Case{play("  do notify(channel = \"c\", text: \"t\")"), "P0033", "notify(channel: \"c\""},
        Case{play("  where signal.url is null"), "P0064", "signal.url == null"},
        Case{play("  where signal.url is not null"), "P0064", "signal.url != null"},
        Case{"play p {\n  owner \"o\"\n  on anyy of (website.page_viewed, website.chat_started)\n}\n",
             "P0045", "on any of ("}));

TEST(QuickFixes, PatternsAreNotOffered) {
  // "did you mean `TEXT.contains(\"...\")` for text, or `VALUE in LIST` for a list": a pattern, not a fix.
  auto l = load(play("  where signal.url contains \"x\""));
  int patterns = 0;
  for (const auto& d : l->diags.all()) {
    if (d.message.find("did you mean `TEXT") == std::string::npos) continue;
    ++patterns;
    EXPECT_EQ(quick_fixes(l->project, d).size(), 0u) << d.message;
  }
  EXPECT_EQ(patterns, 1) << l->dump();
}

TEST(QuickFixes, EnrollWithoutUnlessSuppressedGetsTheClause) {
  std::string src =
      kSuppress + play(
                      "  where signal.category == \"pricing\"\n  unless fired within 7d // once a week\n"
                      "  let n = 1\n  do enroll(sequence: \"s\")");
  auto l = load(src);
  const Diagnostic* d = nullptr;
  for (const auto& x : l->diags.all())
    if (x.code == "P0500") d = &x;
  ASSERT_TRUE(d) << l->dump();
  auto fixes = quick_fixes(l->project, *d);
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_EQ(fixes[0].title, "Add `unless suppressed`");
  std::string after = l->apply(fixes[0].edits);
  EXPECT_NE(after.find("  unless fired within 7d // once a week\n  unless suppressed\n  let n = 1\n"),
            std::string::npos)
      << after;
  auto again = load(after);
  for (const auto& x : again->diags.all()) EXPECT_NE(x.code, "P0500");
}

TEST(QuickFixes, EnrollWithoutFiltersGetsTheClauseAfterOn) {
  auto l =
      load(kSuppress + "play p {\n\towner \"o\"\n\ton website.page_viewed\n\tdo enroll(sequence: \"s\")\n}");
  const Diagnostic* d = nullptr;
  for (const auto& x : l->diags.all())
    if (x.code == "P0500") d = &x;
  ASSERT_TRUE(d) << l->dump();
  auto fixes = quick_fixes(l->project, *d);
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_NE(l->apply(fixes[0].edits).find("\ton website.page_viewed\n\tunless suppressed\n\tdo enroll"),
            std::string::npos);
}

TEST(QuickFixes, OtherDiagnosticsAndBadSpansHaveNone) {
  auto l = load(play("  where 1"));
  ASSERT_TRUE(l->diags.has_errors());
  for (const auto& d : l->diags.all()) EXPECT_EQ(quick_fixes(l->project, d).size(), 0u) << d.message;
  Diagnostic outside{Severity::Error, "P0102", Span{9999, 0, 4}, "unknown property 'x'; did you mean 'y'?"};
  EXPECT_EQ(quick_fixes(l->project, outside).size(), 0u);
  Diagnostic past{Severity::Error, "P0102", Span{l->file("a.play"), 1000000, 1000004},
                  "x; did you mean 'y'?"};
  EXPECT_EQ(quick_fixes(l->project, past).size(), 0u);
}

}  // namespace
}  // namespace play::ide::testing
