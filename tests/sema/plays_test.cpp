// Plays: metadata, `on`, clauses, lets, actions (LANGUAGE.md section 5).
#include <gtest/gtest.h>

#include "tests/sema/harness.h"

namespace play::sema::testing {
namespace {

const char* kNotify = "  do notify(channel: \"#c\", text: \"x\")";

TEST(Plays, MetadataIsRecorded) {
  auto c = check_source(R"(play p {
  title "T"
  owner "o@acme.com"
  oncall "#oncall"
  runbook "https://wiki"
  priority high
  tags ["a", "b"]
  mode shadow
  on website.page_viewed
  do notify(channel: "#c", text: "x")
})");
  ASSERT_TRUE(c->diags.all().empty()) << c->dump();
  const Play* p = c->play("p");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->title, "T");
  EXPECT_EQ(p->owner, "o@acme.com");
  EXPECT_EQ(p->priority, Priority::High);
  EXPECT_EQ(p->sla_ms, 5 * 60 * 1000);  // default for high
  EXPECT_EQ(p->mode, Mode::Shadow);
  EXPECT_EQ(p->tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p->signal_types, (std::vector<std::string>{"website.page_viewed"}));
  EXPECT_EQ(p->actions, (std::vector<std::string>{"notify"}));
  EXPECT_GT(p->worst_case_cost, 0u);
}

TEST(Plays, SlaDefaultsAndExplicit) {
  auto low =
      check_source("play p { owner \"o\" priority low on product.login " + std::string(kNotify) + " }");
  EXPECT_EQ(low->play("p")->sla_ms, 4 * 3600 * 1000);
  auto normal = check_source("play p { owner \"o\" sla 1h on product.login " + std::string(kNotify) + " }");
  EXPECT_EQ(normal->play("p")->sla_ms, 3600 * 1000);
}

TEST(Plays, AlertThresholdsAreRecorded) {
  auto c = check_source(R"(play p {
  owner "o@acme.com"
  alert volume below 30%
  alert volume above 2.5x
  alert success_rate below 90%
  alert lag above 10m
  alert latency_p95 above 2h
  alert undelivered after 30m
  on website.page_viewed
  do notify(channel: "#c", text: "x")
}
play q { owner "o" alert off on product.login do notify(channel: "#c", text: "x") }
play r { owner "o" alert lag off alert undelivered off on product.login do notify(channel: "#c", text: "x") }
play s { owner "o" on product.login do notify(channel: "#c", text: "x") })");
  ASSERT_FALSE(c->diags.has_errors()) << c->dump();
  const AlertOverrides& a = c->play("p")->alerts;
  EXPECT_DOUBLE_EQ(a.volume_drop.value_or(0), 0.3);
  EXPECT_DOUBLE_EQ(a.volume_spike.value_or(0), 2.5);
  EXPECT_DOUBLE_EQ(a.success_rate.value_or(0), 0.9);
  EXPECT_EQ(a.lag_ms.value_or(0), 10 * 60 * 1000);
  EXPECT_EQ(a.latency_ms.value_or(0), 2 * 3600 * 1000);
  EXPECT_EQ(a.undelivered_ms.value_or(0), 30 * 60 * 1000);
  EXPECT_EQ(a.off, 0);
  EXPECT_EQ(c->play("q")->alerts.off, kAllAlertRules);
  EXPECT_EQ(c->play("r")->alerts.off, 8 | 32);  // lag, undelivered
  const AlertOverrides& none = c->play("s")->alerts;
  EXPECT_FALSE(none.volume_drop || none.volume_spike || none.success_rate || none.lag_ms || none.latency_ms ||
               none.undelivered_ms || none.off);
}

TEST(Plays, AlertThresholdErrors) {
  auto c = check_source(R"(play p {
  owner "o@acme.com"
  alert volum below 30%
  alert volume below 150%
  alert latency_p95 below 1h
  alert success_rate below 0.9
  alert volume_spike off
  alert volume above 3x
  alert lag above 5m
  alert lag above 6m
  on website.page_viewed
  do notify(channel: "#c", text: "x")
})");
  EXPECT_EQ(c->count("P0315"), 1) << c->dump();
  EXPECT_NE(c->first("P0315")->message.find("did you mean 'volume'"), std::string::npos) << c->dump();
  EXPECT_EQ(c->count("P0317"), 1) << c->dump();
  EXPECT_EQ(c->count("P0316"), 2) << c->dump();
  EXPECT_EQ(c->count("P0319"), 1) << c->dump();
  EXPECT_EQ(c->count("P0318"), 1) << c->dump();
}

TEST(Plays, MetadataErrors) {
  auto c = check_source(R"(play p {
  titl "T"
  priority urgent
  mode dry_run
  sla "5m"
  tags "a"
  on website.page_viewed
  do notify(channel: "#c", text: "x")
})");
  EXPECT_EQ(c->count("P0301"), 1) << c->dump();
  EXPECT_EQ(c->count("P0302"), 4) << c->dump();
  EXPECT_EQ(c->count("P0304"), 1) << c->dump();  // no owner
  EXPECT_EQ(c->count("P0305"), 1) << c->dump();  // no title, oncall, runbook: one warning
  EXPECT_NE(c->first("P0301")->message.find("did you mean 'title'"), std::string::npos);
}

TEST(Plays, MisspeltClauseKeywordSuggestsIt) {
  auto c = check_source(
      play_src("p", "website.page_viewed", "  wher signal.url == \"x\"\n" + std::string(kNotify)));
  const Diagnostic* d = c->first("P0301");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_NE(d->message.find("did you mean 'where'"), std::string::npos) << d->message;
}

TEST(Plays, OnClauseCount) {
  auto none = check_source("play p { owner \"o\" " + std::string(kNotify) + " }");
  EXPECT_TRUE(none->has("P0306")) << none->dump();
  auto two =
      check_source("play p { owner \"o\" on product.login on product.usage " + std::string(kNotify) + " }");
  EXPECT_TRUE(two->has("P0307")) << two->dump();
}

TEST(Plays, AnyOfSeesOnlySharedProperties) {
  auto ok = check_source(play_src("p", "any of (website.page_viewed, website.chat_started)",
                                  "  where signal.url == \"x\"\n" + std::string(kNotify)));
  EXPECT_EQ(ok->diags.error_count(), 1u) << ok->dump();  // url is string in one, string? in the other
  EXPECT_TRUE(ok->has("P0103"));
  auto shared = check_source(play_src("p", "any of (website.page_viewed, website.form_submitted)",
                                      "  where signal.occurred_at < now\n" + std::string(kNotify)));
  EXPECT_EQ(shared->diags.error_count(), 0u) << shared->dump();
  EXPECT_EQ(shared->play("p")->signal_types.size(), 2u);
  auto topic = check_source(play_src("p", "any of (website.chat_started, ecosystem.partner_referral)",
                                     "  where signal.note == \"x\"\n" + std::string(kNotify)));
  EXPECT_TRUE(topic->has("P0103")) << topic->dump();
}

TEST(Plays, WhereMustBeBool) {
  auto c = check_source(play_src("p", "website.page_viewed", "  where signal.url\n" + std::string(kNotify)));
  const Diagnostic* d = c->first("P0201");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_EQ(d->message, "a where clause must be a bool expression, but this is a string");
}

TEST(Plays, WhereIcpMustNameAnIcp) {
  auto c = check_source("icp enterprise = account.employees > 500\nconst k = 1\n" +
                        play_src("p", "website.page_viewed",
                                 "  where icp enterprize\n  where icp k\n  where enterprise and k > 0\n" +
                                     std::string(kNotify)));
  EXPECT_EQ(c->count("P0106"), 2) << c->dump();
  EXPECT_NE(c->first("P0106")->message.find("did you mean 'enterprise'"), std::string::npos);
  EXPECT_EQ(c->diags.error_count(), 2u) << c->dump();  // an icp name is a bool expression too
}

TEST(Plays, LetInFilterIsExplained) {
  auto c =
      check_source(play_src("p", "website.page_viewed",
                            "  let big = account.employees > 100\n  where big\n" + std::string(kNotify)));
  const Diagnostic* d = c->first("P0114");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_NE(d->message.find("computed only after every where/unless clause"), std::string::npos);
}

TEST(Plays, LetOrderAndShadowing) {
  auto c = check_source("const k = 1\n" + play_src("p", "website.page_viewed",
                                                   "  let a = b\n  let b = 1\n  let k = 2\n  let a = 3\n"
                                                   "  do notify(channel: \"#c\", text: \"{a}{b}\")"));
  EXPECT_TRUE(c->has("P0115")) << c->dump();
  EXPECT_TRUE(c->has("P0314")) << c->dump();
  EXPECT_TRUE(c->has("P0313")) << c->dump();
}

TEST(Plays, UnlessSuppressedNeedsASuppressBlock) {
  auto c = check_source(play_src("p", "website.page_viewed", "  unless suppressed\n" + std::string(kNotify)));
  EXPECT_TRUE(c->has("P0308")) << c->dump();
  auto ok = check_source(
      kSuppress + play_src("p", "website.page_viewed", "  unless suppressed\n" + std::string(kNotify)));
  EXPECT_EQ(ok->diags.error_count(), 0u) << ok->dump();
  EXPECT_TRUE(ok->play("p")->uses_suppression);
}

TEST(Plays, AtMostOneSuppressBlock) {
  auto c = check_source(std::string(kSuppress) + kSuppress);
  EXPECT_TRUE(c->has("P0310")) << c->dump();
}

TEST(Plays, ActionArguments) {
  auto c = check_source(play_src("p", "website.page_viewed",
                                 "  do notfy(channel: \"#c\")\n"
                                 "  do notify(chanel: \"#c\", text: \"x\")\n"
                                 "  do notify(text: \"x\")\n"
                                 "  do notify(channel: \"#c\", channel: \"#d\", text: \"x\")\n"
                                 "  do task(subject: \"s\", due: \"tomorrow\")\n"
                                 "  do review(queue: signal.category)\n"
                                 "  do webhook(sink: signal.url, body: {\"a\": 1, \"b\": \"x\"})"));
  EXPECT_TRUE(c->has("P0401")) << c->dump();
  EXPECT_EQ(c->first("P0401")->message, "unknown action 'notfy'; did you mean 'notify'?");
  EXPECT_TRUE(c->has("P0402"));
  EXPECT_NE(c->first("P0402")->message.find("did you mean 'channel'"), std::string::npos);
  EXPECT_EQ(c->count("P0404"), 1) << c->dump();  // notify without channel; not for the misspelt one
  EXPECT_TRUE(c->has("P0403"));
  EXPECT_EQ(c->count("P0405"), 2) << c->dump();  // due: string; queue: string?
  EXPECT_TRUE(c->has("P0406"));
}

TEST(Plays, TemplatesAreChecked) {
  auto c = check_source(play_src("p", "website.page_viewed",
                                 "  do notify(channel: \"#c\", text: \"{contact.nme} saw {signal.url}\")"));
  EXPECT_EQ(c->count("P0104"), 1) << c->dump();
  auto ok = check_source(play_src("p", "website.page_viewed",
                                  "  do notify(channel: \"#c\", text: \"{account.employees} {{literal}}\")"));
  EXPECT_EQ(ok->diags.error_count(), 0u) << ok->dump();
}

// Every temporal form is built now: the rest of the play is checked against
// the trigger's signal as usual (no P0900, no "temporal" escape hatch).
TEST(Plays, TemporalTriggersCheckTheRestOfThePlay) {
  auto c = check_source(R"(play p {
  owner "o" title "t" oncall "c" runbook "r"
  on rate(product.usage, 1d) < 0.5 * baseline(product.usage, 28d) per account
  where signal.nonexistent == 1
  do review(queue: "q", note: "{signal.whatever}")
}
)");
  EXPECT_EQ(c->count("P0900"), 0) << c->dump();
  EXPECT_EQ(c->count("P0102"), 2) << c->dump();
  EXPECT_EQ(c->diags.error_count(), 2u) << c->dump();
  EXPECT_FALSE(c->play("p")->temporal);
}

// `on score NAME crosses N`: the rules become the pattern's members, and the
// play's signal is what the rules' types share (`category` here, not `url`).
TEST(Plays, ScoreTriggerTakesTheRulesAndTheirSharedScope) {
  auto c = check_source(R"(score intent per contact half_life 2d {
  website.page_viewed where signal.category == "pricing" => 10
  review_site.compared => 2.5 * 6
}
play p {
  owner "o" title "t" oncall "c" runbook "r"
  on score intent crosses 40.5
  where signal.category != "docs" && signal.url != ""
  do review(queue: "q")
}
)");
  EXPECT_EQ(c->diags.error_count(), 1u) << c->dump();
  ASSERT_NE(c->first("P0103"), nullptr) << c->dump();  // signal.url: not every rule's type has it
  const Play* p = c->play("p");
  EXPECT_EQ(p->pattern.kind, ast::OnKind::Score);
  EXPECT_EQ(p->pattern.per, ast::Per::Contact);
  EXPECT_EQ(p->pattern.half_life_ms, 2 * 24 * 3600 * 1000LL);
  EXPECT_EQ(p->pattern.crosses, 40.5);
  ASSERT_EQ(p->pattern.members.size(), 2u);
  EXPECT_NE(p->pattern.members[0].filter, nullptr);
  EXPECT_EQ(p->pattern.members[1].filter, nullptr);
  EXPECT_NE(p->pattern.members[1].weight, nullptr);
  EXPECT_EQ(p->signal_types, (std::vector<std::string>{"website.page_viewed", "review_site.compared"}));
  EXPECT_FALSE(p->temporal);
}

TEST(Plays, WorstCaseCostBoundsMacros) {
  auto small = check_source(
      "list l = [\"a\", \"b\"]\n" +
      play_src("p", "website.page_viewed", "  where l.exists(x, x == signal.url)\n" + std::string(kNotify)));
  auto big = check_source(
      play_src("p", "website.page_viewed",
               "  where account.tech_stack.exists(x, x == signal.url)\n" + std::string(kNotify)));
  uint32_t s = small->play("p")->worst_case_cost, b = big->play("p")->worst_case_cost;
  EXPECT_GT(s, 0u);
  EXPECT_LT(s, 50u);
  EXPECT_GE(b, 1000u);  // an unknown list counts as 1000 elements
}

}  // namespace
}  // namespace play::sema::testing
