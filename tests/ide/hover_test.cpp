// Hover: names (what they name, type and doc) and expressions (their type).
#include <gtest/gtest.h>

#include "tests/ide/harness.h"

namespace play::ide::testing {
namespace {

class HoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    l = load({{"p.play", kProject}, {"p_test.play", kTest}});
    ASSERT_FALSE(l->diags.has_errors()) << l->dump();
  }
  // The markdown, and the hovered word's text after a '|'.
  std::string hover_at(const std::string& path, const std::string& needle, int nth = 0, int delta = 0) {
    auto h = hover(l->project, l->at(path, needle, nth, delta));
    if (!h) return "<none>";
    return h->markdown + "|" + l->show(h->span);
  }
  std::unique_ptr<Loaded> l;
};

TEST_F(HoverTest, ASignalPropertyShowsItsTypeAndTheCatalogsDoc) {
  EXPECT_EQ(hover_at("p.play", "category"),
            "```play\nsignal.category: string?\n```\n\nProperty of `website.page_viewed`\n\n\"pricing\", "
            "\"integrations\", \"docs\", \"case_study\", \"comparison\", ...|p.play:18: category");
}

TEST_F(HoverTest, AnEntityFieldShowsItsTypeAndDoc) {
  EXPECT_EQ(hover_at("p.play", "account.employees", 0, 8),
            "```play\naccount.employees: int?\n```\n\nField of the account record|p.play:4: employees");
  EXPECT_EQ(hover_at("p_test.play", "country"),
            "```play\naccount.country: string?\n```\n\nField of the account record\n\nISO 3166 alpha-2, e.g. "
            "\"US\"|p_test.play:2: country");
}

TEST_F(HoverTest, ValuesShowTheirDefinitionTypeAndDoc) {
  EXPECT_EQ(
      hover_at("p.play", "min_employees", 1),
      "```play\nconst min_employees = 50\n```\n\nconst `min_employees`: int\n\nthe smallest account we sell "
      "to|p.play:4: min_employees");
  EXPECT_EQ(hover_at("p.play", "pricing_pages", 1),
            "```play\nlist pricing_pages = [\"pricing\", \"plans\"]\n```\n\nlist `pricing_pages`: "
            "list<string>\n\nPricing pages that matter.|p.play:18: pricing_pages");
  EXPECT_EQ(hover_at("p.play", "icp enterprise", 1, 4),
            "```play\nicp enterprise = account.employees >= min_employees\n```\n\nicp `enterprise`: "
            "bool|p.play:19: "
            "enterprise");
}

TEST_F(HoverTest, APlayShowsItsMetadata) {
  EXPECT_EQ(hover_at("p_test.play", "pricing_visit"),
            "```play\nplay pricing_visit\n  title \"Pricing visit\"\n  owner \"gtm@acme.com\"\n  oncall "
            "\"#gtm\"\n  "
            "runbook \"https://wiki/pricing\"\n  priority high\n  on website.page_viewed\n```\n\nSLA 5m, "
            "high priority, "
            "live; does enroll, notify|p_test.play:4: pricing_visit");
}

TEST_F(HoverTest, LetsMacroVariablesAndBuiltins) {
  EXPECT_EQ(hover_at("p.play", "rep: rep", 0, 5),
            "```play\nlet rep = round_robin(ent_reps)\n```\n\nlet `rep`: string|p.play:24: rep");
  EXPECT_EQ(hover_at("p.play", "t.startsWith"),
            "```play\nt: string\n```\n\nThe variable of a list macro: each element in turn.|p.play:23: t");
  std::string size = hover_at("p.play", "size(stack)");
  EXPECT_NE(size.find("```play\nsize(x)\n```\nTakes a string, list or map; gives int."), std::string::npos)
      << size;
  std::string starts = hover_at("p.play", "startsWith");
  EXPECT_NE(starts.find("x.startsWith(y)"), std::string::npos) << starts;
}

TEST_F(HoverTest, ActionsArgumentsAndSignalTypes) {
  EXPECT_EQ(hover_at("p.play", "do enroll", 0, 3),
            "```play\naction enroll(sequence: string, rep: string? = null) to \"sequencer\"\n```|p.play:24: "
            "enroll");
  EXPECT_EQ(hover_at("p.play", "sequence"),
            "```play\nsequence: string\n```\n\nArgument of `enroll` (required)|p.play:24: sequence");
  std::string type = hover_at("p.play", "website.page_viewed");
  EXPECT_EQ(type.rfind("```play\nsignal website.page_viewed {\n  url: string\n  category: string?\n", 0), 0u)
      << type;
}

TEST_F(HoverTest, ExpressionsShowTheirType) {
  EXPECT_EQ(
      hover_at("p.play", ">= min_employees"),
      "```play\naccount.employees >= min_employees: bool\n```|p.play:4: account.employees >= min_employees");
  EXPECT_EQ(hover_at("p.play", "7d"), "<none>");  // not an expression: part of `unless fired within`
  EXPECT_EQ(hover_at("p.play", "\"ent\""), "```play\n\"ent\": string\n```|p.play:24: \"ent\"");
}

TEST_F(HoverTest, EnvelopeFieldsAndMetadataKeys) {
  auto l2 = load("play p {\n  owner \"o\"\n  on website.page_viewed\n  where signal.received_at > now\n}\n");
  auto h = hover(l2->project, l2->at("a.play", "received_at"));
  ASSERT_TRUE(h);
  EXPECT_EQ(
      h->markdown,
      "```play\nsignal.received_at: timestamp?\n```\n\nEnvelope field (every signal has it). When playd "
      "received it.");
  h = hover(l2->project, l2->at("a.play", "owner"));
  ASSERT_TRUE(h);
  EXPECT_EQ(
      h->markdown,
      "```play\nowner\n```\n\nWho answers for the play (an email or team): `owner \"team@example.com\"`");
}

TEST_F(HoverTest, ALongExpressionIsShownByItsStart) {
  auto l2 = load(
      "play p {\n  owner \"o\"\n  on website.page_viewed\n  where signal.url == "
      "\"ééééééééééééééééééééééééééééé\" or\n    signal.url == \"b\"\n}\n");
  ASSERT_FALSE(l2->diags.has_errors()) << l2->dump();
  auto h = hover(l2->project, l2->at("a.play", " or", 0, 1));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->markdown, "```play\nsignal.url == \"ééééééééééééééééééééé...: bool\n```");
}

TEST_F(HoverTest, TheSignalOfAPlayOnAnyOf) {
  EXPECT_EQ(hover_at("p.play", "signal.url != null"),
            "```play\nsignal\n```\n\nThe signal that triggered the play: `any of (website.form_submitted, "
            "website.chat_started)`.|p.play:34: signal");
  // Its property: each type's, one after the other.
  std::string url = hover_at("p.play", "signal.url != null", 0, 7);
  EXPECT_EQ(url,
            "```play\nsignal.url: string?\n```\n\nProperty of "
            "`website.form_submitted`\n\n---\n\n```play\nsignal.url: "
            "string?\n```\n\nProperty of `website.chat_started`|p.play:34: url");
}

TEST_F(HoverTest, NothingInCommentsAndPastTheEnd) {
  EXPECT_EQ(hover_at("p.play", "Pricing pages"), "<none>");
  EXPECT_FALSE(hover(l->project, Position{l->file("p.play"), 1u << 30}));
}

TEST_F(HoverTest, AnUncheckedProjectHasNoTypesButStillItsDeclarations) {
  auto broken = load({{"p.play", kProject}, {"q.play", "play broken {\n  where (\n}\n"}});
  ASSERT_TRUE(broken->diags.has_errors());
  auto h = hover(broken->project, broken->at("p.play", "min_employees", 1));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->markdown, "```play\nconst min_employees = 50\n```\n\nthe smallest account we sell to");
  EXPECT_FALSE(hover(broken->project, broken->at("p.play", ">= min")));  // no type without a check
}

}  // namespace
}  // namespace play::ide::testing
