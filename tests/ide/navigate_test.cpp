// Go to definition and find references.
#include <gtest/gtest.h>

#include "tests/ide/harness.h"

namespace play::ide::testing {
namespace {

using Strings = std::vector<std::string>;

class Navigate : public ::testing::Test {
 protected:
  void SetUp() override {
    l = load({{"p.play", kProject}, {"p_test.play", kTest}});
    ASSERT_FALSE(l->diags.has_errors()) << l->dump();
  }
  Strings def(const std::string& path, const std::string& needle, int nth = 0, int delta = 0) {
    return l->show(definition(l->project, l->at(path, needle, nth, delta)));
  }
  Strings refs(const std::string& path, const std::string& needle, bool decl, int nth = 0, int delta = 0) {
    return l->show(references(l->project, l->at(path, needle, nth, delta), decl));
  }
  std::unique_ptr<Loaded> l;
};

TEST_F(Navigate, ValuesFromTheirUses) {
  EXPECT_EQ(def("p.play", "pricing_pages", 1), Strings{"p.play:2: pricing_pages"});
  EXPECT_EQ(def("p.play", "min_employees", 1), Strings{"p.play:3: min_employees"});
  EXPECT_EQ(def("p.play", "enterprise", 1), Strings{"p.play:4: enterprise"});
  EXPECT_EQ(def("p.play", "ent_reps", 1), Strings{"p.play:5: ent_reps"});
}

TEST_F(Navigate, AtTheStartAndTheEndOfTheWord) {
  auto start = l->at("p.play", "min_employees", 1);
  EXPECT_EQ(l->show(definition(l->project, start)), Strings{"p.play:3: min_employees"});
  start.offset += std::string("min_employees").size();  // just after it
  EXPECT_EQ(l->show(definition(l->project, start)), Strings{"p.play:3: min_employees"});
  start.offset += 1;  // past it: the newline
  EXPECT_EQ(definition(l->project, start).size(), 0u);
}

TEST_F(Navigate, ADeclarationIsItsOwnDefinition) {
  EXPECT_EQ(def("p.play", "min_employees"), Strings{"p.play:3: min_employees"});
  EXPECT_EQ(def("p.play", "pricing_visit"), Strings{"p.play:11: pricing_visit"});
}

TEST_F(Navigate, SignalsEntitiesAndActionsLeadIntoTheStdlib) {
  EXPECT_EQ(def("p.play", "category"), Strings{"stdlib/signals.play:36: category"});
  EXPECT_EQ(def("p.play", "account.employees", 0, 8), Strings{"stdlib/entities.play:8: employees"});
  EXPECT_EQ(def("p.play", "do_not_contact"), Strings{"stdlib/entities.play:28: do_not_contact"});
  EXPECT_EQ(def("p.play", "website.page_viewed"), Strings{"stdlib/signals.play:34: website.page_viewed"});
  EXPECT_EQ(def("p.play", "enroll"), Strings{"stdlib/actions.play:5: enroll"});
  EXPECT_EQ(def("p.play", "sequence"), Strings{"stdlib/actions.play:5: sequence"});
}

TEST_F(Navigate, LetsAndMacroVariables) {
  EXPECT_EQ(def("p.play", "rep: rep", 0, 5), Strings{"p.play:22: rep"});  // the value, not the argument
  EXPECT_EQ(def("p.play", "rep: rep", 0, 0), Strings{"stdlib/actions.play:5: rep"});
  EXPECT_EQ(def("p.play", "size(stack)", 0, 5), Strings{"p.play:23: stack"});
  EXPECT_EQ(def("p.play", "t.startsWith"), Strings{"p.play:23: t"});
}

TEST_F(Navigate, PlaysFromTheirTests) {
  EXPECT_EQ(def("p_test.play", "pricing_visit"), Strings{"p.play:11: pricing_visit"});
  EXPECT_EQ(def("p_test.play", "do enroll", 0, 3), Strings{"stdlib/actions.play:5: enroll"});
  EXPECT_EQ(def("p_test.play", "country"), Strings{"stdlib/entities.play:10: country"});
  EXPECT_EQ(def("p_test.play", "category"), Strings{"stdlib/signals.play:36: category"});
}

TEST_F(Navigate, ReferencesAcrossFiles) {
  EXPECT_EQ(refs("p.play", "pricing_visit", true),
            (Strings{"p.play:11: pricing_visit", "p_test.play:4: pricing_visit"}));
  EXPECT_EQ(refs("p.play", "pricing_visit", false), Strings{"p_test.play:4: pricing_visit"});
  EXPECT_EQ(refs("p.play", "min_employees", true, 1),
            (Strings{"p.play:3: min_employees", "p.play:4: min_employees"}));
  EXPECT_EQ(refs("p.play", "let rep", false, 0, 4), Strings{"p.play:24: rep"});
  // An entity field: the stdlib's declaration, the icp's use and the test's record.
  EXPECT_EQ(
      refs("p.play", "account.employees", true, 0, 8),
      (Strings{"stdlib/entities.play:8: employees", "p.play:4: employees", "p_test.play:2: employees"}));
}

TEST_F(Navigate, APropertyOfOnAnyOfIsEveryTypesProperty) {
  // `signal.url` in a play on any of (website.form_submitted, website.chat_started).
  EXPECT_EQ(def("p.play", "signal.url != null", 0, 7),
            (Strings{"stdlib/signals.play:44: url", "stdlib/signals.play:49: url"}));
  auto r = refs("p.play", "signal.url != null", false, 0, 7);
  EXPECT_EQ(r, (Strings{"p.play:34: url", "p.play:35: url"}));
  // website.page_viewed's url is another property: pricing_visit's uses and the test's.
  EXPECT_EQ(refs("p.play", "{signal.url}", false, 0, 8), (Strings{"p.play:25: url", "p_test.play:3: url"}));
}

TEST_F(Navigate, ASignalTypeWithAnExtensionAndTheContextRecords) {
  auto x = load({{"p.play", kProject}, {"x.play", "signal website.page_viewed {\n  campaign: string?\n}\n"}});
  ASSERT_FALSE(x->diags.has_errors()) << x->dump();
  EXPECT_EQ(x->show(definition(x->project, x->at("p.play", "website.page_viewed"))),
            (Strings{"stdlib/signals.play:34: website.page_viewed", "x.play:1: website.page_viewed"}));
  EXPECT_EQ(x->show(references(x->project, x->at("p.play", "website.page_viewed"), false)),
            Strings{"p.play:17: website.page_viewed"});
  EXPECT_EQ(def("p.play", "account.employees"), Strings{"stdlib/entities.play:5: account"});
  EXPECT_EQ(refs("p.play", "contact.do_not", false), Strings{"p.play:8: contact"});
}

TEST_F(Navigate, NothingInCommentsStringsOrPastTheEnd) {
  EXPECT_EQ(def("p.play", "Pricing pages"), Strings{});
  EXPECT_EQ(def("p.play", "wiki/pricing"), Strings{});
  Position past{l->file("p.play"), 100000};
  EXPECT_EQ(definition(l->project, past).size(), 0u);
  EXPECT_EQ(references(l->project, past, true).size(), 0u);
  Position no_file{9999, 0};
  EXPECT_EQ(definition(l->project, no_file).size(), 0u);
}

TEST_F(Navigate, InAStdlibFile) {
  uint32_t signals = 1;
  while (l->project.sources.file(signals).path() != "stdlib/signals.play") ++signals;
  const std::string& text = l->project.sources.file(signals).text();
  Position at{signals, static_cast<uint32_t>(text.find("category:"))};
  EXPECT_EQ(l->show(definition(l->project, at)), Strings{"stdlib/signals.play:36: category"});
  EXPECT_EQ(l->show(references(l->project, at, false)),
            (Strings{"p.play:18: category", "p_test.play:3: category"}));
}

TEST_F(Navigate, AProjectWithSyntaxErrorsStillNavigatesWhatParsed) {
  auto broken = load({{"p.play", kProject}, {"q.play", "play broken {\n  where signal.url ==\n}\n"}});
  ASSERT_TRUE(broken->diags.has_errors());
  EXPECT_EQ(broken->show(definition(broken->project, broken->at("p.play", "min_employees", 1))),
            Strings{"p.play:3: min_employees"});
  EXPECT_EQ(broken->show(references(broken->project, broken->at("p.play", "pricing_pages"), false)),
            Strings{"p.play:18: pricing_pages"});
}

TEST(Shadowing, AMacroVariableHidesALetAndAnInnerOneTheOuter) {
  auto l = load(
      "play p {\n  owner \"o\"\n  on website.page_viewed\n  let x = [1, 2]\n"
      "  let y = x.exists(x, [3].exists(x, x > 1) || x > 0)\n  do notify(channel: \"c\", text: \"{x} "
      "{y}\")\n}\n");
  ASSERT_FALSE(l->diags.has_errors()) << l->dump();
  using S = std::vector<std::string>;
  // `x.exists(x, ...)`: the receiver is the let; the variable is bound by the outer exists.
  EXPECT_EQ(l->show(definition(l->project, l->at("a.play", "x.exists"))), S{"a.play:4: x"});
  EXPECT_EQ(l->show(definition(l->project, l->at("a.play", "x > 1"))), S{"a.play:5: x"});
  EXPECT_EQ(definition(l->project, l->at("a.play", "x > 1"))[0].begin, l->at("a.play", "x, x > 1").offset);
  EXPECT_EQ(definition(l->project, l->at("a.play", "x > 0"))[0].begin, l->at("a.play", "x, [3]").offset);
  EXPECT_EQ(l->show(definition(l->project, l->at("a.play", "{x}", 0, 1))), S{"a.play:4: x"});
  // The let's references are its uses outside the macros only.
  EXPECT_EQ(l->show(references(l->project, l->at("a.play", "let x", 0, 4), false)),
            (S{"a.play:5: x", "a.play:6: x"}));
}

TEST(Shadowing, ALetNamedLikeAConstIsRefusedAndTheNameIsTheConsts) {
  // The checker refuses the let (P0314) and reads the name as the const.
  auto l = load(
      "const limit = 5\nplay p {\n  owner \"o\"\n  on website.page_viewed\n  let limit = 1\n"
      "  where signal.visit_count > limit\n}\n");
  ASSERT_TRUE(l->diags.has_errors());
  EXPECT_EQ(l->show(definition(l->project, l->at("a.play", "> limit", 0, 2))),
            std::vector<std::string>{"a.play:1: limit"});
}

}  // namespace
}  // namespace play::ide::testing
