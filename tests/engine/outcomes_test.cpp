// Every outcome kind, clause order, runtime errors, shared icp/suppression.
#include <gtest/gtest.h>

#include "runtime/engine/idempotency.h"
#include "tests/engine/harness.h"

namespace play::engine::testing {
namespace {

const char* kContext = R"({
  "accounts":[{"domain":"bigco.com","name":"BigCo","employees":1200,"tier":"strategic"},
              {"domain":"small.com","name":"Small","employees":10},
              {"domain":"cust.com","name":"Cust","employees":5000,"is_customer":true}],
  "contacts":[{"email":"ana@bigco.com","name":"Ana"},
              {"email":"dnc@cust.com","do_not_contact":true}]})";

// The LANGUAGE.md section 5 shape: where category, where icp, unless tier, unless suppressed, unless fired.
vm::Play pricing_play(const char* name = "pricing", bool with_tier_exclusion = false) {
  std::vector<Clause> cs;
  cs.push_back(where(sig_eq(kCategory, "pricing"), {1, 5, 3}));
  cs.push_back(where_icp(0, {1, 6, 3}));
  if (with_tier_exclusion)
    cs.push_back(unless(acc_eq(kTier, "strategic"), "strategic accounts are hand-run"));
  cs.push_back(unless_suppressed());
  cs.push_back(unless_fired(4 * kHour));
  std::vector<vm::Action> acts;
  acts.push_back(enroll("ent-pricing-followup"));
  acts.push_back(notify("#ent-alerts", text("pricing visit")));
  vm::Play p = play(name, std::move(cs), std::move(acts));
  p.priority = Priority::High;
  return p;
}

Harness make(std::vector<vm::Play> plays) {
  Bundle b = base_bundle();
  for (auto& p : plays) b.plays.push_back(std::move(p));
  return Harness(std::move(b));
}

TEST(Outcomes, FiredIssuesActionsThenOutcome) {
  std::vector<vm::Play> ps;
  ps.push_back(pricing_play());
  Harness h = make(std::move(ps));
  h.load_context(kContext);
  auto out = h.send(page_view("evt_1", "2026-06-21T10:00:00Z", "ana@bigco.com"));
  ASSERT_EQ(out.size(), 3u);
  char k0[33], k1[33];
  idempotency_key("pricing", "evt_1", 0, k0);
  idempotency_key("pricing", "evt_1", 1, k1);
  EXPECT_EQ(out[0], std::string(R"({"kind":"action","play":"pricing","action":"enroll","signal":"evt_1",)") +
                        R"("account":"bigco.com","contact":"ana@bigco.com",)" +
                        R"("args":{"sequence":"ent-pricing-followup","rep":null},"priority":"high","key":")" +
                        k0 + "\"}");
  EXPECT_EQ(out[1],
            std::string(R"({"kind":"action","play":"pricing","action":"notify","signal":"evt_1",)") +
                R"("account":"bigco.com","contact":"ana@bigco.com",)" +
                R"("args":{"channel":"#ent-alerts","text":"pricing visit"},"priority":"high","key":")" + k1 +
                "\"}");
  EXPECT_EQ(out[2], outcome_line("pricing", "evt_1", "fired"));
  EXPECT_EQ(h.engine->stats().count(OutcomeKind::Fired), 1u);
  EXPECT_EQ(h.engine->stats().actions, 2u);
}

TEST(Outcomes, EachRejectingClauseGivesItsOutcome) {
  std::vector<vm::Play> ps;
  ps.push_back(pricing_play("pricing", true));
  Harness h = make(std::move(ps));
  h.load_context(kContext);
  // where -> no_match, with the clause's position
  EXPECT_EQ(
      h.send(page_view("e1", "2026-06-21T10:00:00Z", "ana@bigco.com", "docs")),
      std::vector<std::string>{outcome_line("pricing", "e1", "no_match", R"(,"at":"plays/test.play:5:3")")});
  // where icp -> not_icp (icp name)
  EXPECT_EQ(h.send(page_view("e2", "2026-06-21T10:00:00Z", "bo@small.com")),
            std::vector<std::string>{outcome_line("pricing", "e2", "not_icp", R"(,"reason":"enterprise")")});
  // unless e as "r" -> excluded (r)
  EXPECT_EQ(h.send(page_view("e3", "2026-06-21T10:00:00Z", "ana@bigco.com")),
            std::vector<std::string>{
                outcome_line("pricing", "e3", "excluded", R"(,"reason":"strategic accounts are hand-run")")});
  // unless suppressed -> suppressed (the FIRST holding rule: do not contact, though is_customer holds too)
  EXPECT_EQ(
      h.send(page_view("e4", "2026-06-21T10:00:00Z", "dnc@cust.com")),
      std::vector<std::string>{outcome_line("pricing", "e4", "suppressed", R"(,"reason":"do not contact")")});
  EXPECT_EQ(h.send(page_view("e5", "2026-06-21T10:00:00Z", "someone@cust.com")),
            std::vector<std::string>{
                outcome_line("pricing", "e5", "suppressed", R"(,"reason":"existing customer")")});
  const EngineStats& st = h.engine->stats();
  EXPECT_EQ(st.count(OutcomeKind::NoMatch), 1u);
  EXPECT_EQ(st.count(OutcomeKind::NotIcp), 1u);
  EXPECT_EQ(st.count(OutcomeKind::Excluded), 1u);
  EXPECT_EQ(st.count(OutcomeKind::Suppressed), 2u);
}

TEST(Outcomes, FirstRejectingClauseInSourceOrderWins) {
  // Same clauses, two orders: a signal rejected by both gets the earlier one's outcome.
  Bundle b = base_bundle();
  {
    std::vector<Clause> cs;
    cs.push_back(unless_suppressed());
    cs.push_back(where(sig_eq(kCategory, "pricing")));
    b.plays.push_back(play("suppress_first", std::move(cs), {}));
  }
  {
    std::vector<Clause> cs;
    cs.push_back(where(sig_eq(kCategory, "pricing")));
    cs.push_back(unless_suppressed());
    b.plays.push_back(play("where_first", std::move(cs), {}));
  }
  Harness h(std::move(b));
  h.load_context(kContext);
  auto out = h.send(page_view("e1", "2026-06-21T10:00:00Z", "dnc@cust.com", "docs"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], outcome_line("suppress_first", "e1", "suppressed", R"(,"reason":"do not contact")"));
  EXPECT_EQ(out[1], outcome_line("where_first", "e1", "no_match", R"(,"at":"plays/test.play:5:3")"));
}

TEST(Outcomes, DeduplicatedWithinWindowByEventTime) {
  std::vector<vm::Play> ps;
  ps.push_back(pricing_play());
  Harness h = make(std::move(ps));
  h.load_context(kContext);
  EXPECT_EQ(h.send(page_view("e1", "2026-06-21T10:00:00Z", "ana@bigco.com")).back(),
            outcome_line("pricing", "e1", "fired"));
  // The enroll set last_enrolled_at, so the suppression now holds first; make the contact
  // forget it to look at dedup alone.
  FieldValue clear{kLastEnrolled, Value()};
  h.context->upsert(Entity::Contact, "ana@bigco.com", {&clear, 1});
  EXPECT_EQ(h.send(page_view("e2", "2026-06-21T13:59:59Z", "ana@bigco.com")).back(),
            outcome_line("pricing", "e2", "deduplicated", R"(,"reason":"fired within 4h")"));
  EXPECT_EQ(h.send(page_view("e3", "2026-06-21T14:00:00Z", "ana@bigco.com")).back(),
            outcome_line("pricing", "e3", "fired"));
}

TEST(Outcomes, RuntimeErrorsNeverFire) {
  Bundle b = base_bundle();
  auto acts = [] {
    std::vector<vm::Action> a;
    a.push_back(notify("#x", text("x")));
    return a;
  };
  {
    std::vector<Clause> cs;
    cs.push_back(where(div_zero({1, 20, 9}), {1, 20, 3}));
    b.plays.push_back(play("bad_where", std::move(cs), acts()));
  }
  {
    std::vector<Clause> cs;
    cs.push_back(unless(div_zero({1, 21, 10}), "never", {1, 21, 3}));
    b.plays.push_back(play("bad_unless", std::move(cs), acts()));
  }
  {
    std::vector<Clause> cs;
    cs.push_back(where_icp(1, {1, 22, 3}));
    b.plays.push_back(play("bad_icp", std::move(cs), acts()));
  }
  {
    vm::Play p = play("bad_arg", {}, {});
    std::vector<ArgDef> args;
    args.push_back({"channel", text("#x")});
    args.push_back({"text", div_zero({1, 23, 30})});
    p.actions.push_back(
        notify("#ok", text("fine")));  // issued only if every argument of every action computes
    p.actions.push_back(action("notify", "chat", std::move(args)));
    b.plays.push_back(std::move(p));
  }
  Harness h(std::move(b));
  auto out = h.send(page_view("e1", "2026-06-21T10:00:00Z", "ana@bigco.com"));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], outcome_line("bad_where", "e1", "error",
                                 R"(,"at":"plays/test.play:20:9","error":"division by zero")"))
      << out[0];
  EXPECT_NE(
      out[1].find(R"("play":"bad_unless","signal":"e1","outcome":"error","at":"plays/test.play:21:10")"),
      std::string::npos)
      << out[1];
  EXPECT_NE(out[2].find(R"("play":"bad_icp","signal":"e1","outcome":"error","at":"plays/test.play:3:20")"),
            std::string::npos)
      << out[2];
  EXPECT_NE(out[3].find(R"("play":"bad_arg","signal":"e1","outcome":"error","at":"plays/test.play:23:30")"),
            std::string::npos)
      << out[3];
  EXPECT_EQ(h.engine->stats().actions, 0u);
  EXPECT_EQ(h.engine->stats().count(OutcomeKind::Error), 4u);
}

TEST(Outcomes, FailingSuppressionRuleIsAnErrorUnlessALaterRuleHolds) {
  Bundle b = base_bundle();
  b.suppressions.insert(b.suppressions.begin(), SuppressionRule{"broken rule", div_zero({1, 30, 5})});
  std::vector<Clause> cs;
  cs.push_back(unless_suppressed());
  b.plays.push_back(play("p", std::move(cs), {}));
  Harness h(std::move(b));
  h.load_context(kContext);
  auto out = h.send(page_view("e1", "2026-06-21T10:00:00Z", "ana@bigco.com"));
  EXPECT_NE(out[0].find(R"("outcome":"error","at":"plays/test.play:30:5")"), std::string::npos) << out[0];
  out = h.send(page_view("e2", "2026-06-21T10:00:00Z", "dnc@cust.com"));
  EXPECT_EQ(out[0], outcome_line("p", "e2", "suppressed", R"(,"reason":"do not contact")"));
}

TEST(Outcomes, IcpAndSuppressionEvaluatedOncePerSignal) {
  std::vector<vm::Play> ps;
  for (const char* n : {"a", "b", "c", "d"}) ps.push_back(pricing_play(n));
  // A play that reads the icp inside an expression shares the same cached value.
  std::vector<Clause> cs;
  cs.push_back(where(icp_ref(0)));
  ps.push_back(play("expr", std::move(cs), {}));
  Harness h = make(std::move(ps));
  h.load_context(kContext);
  auto out = h.send(page_view("e1", "2026-06-21T10:00:00Z", "ana@bigco.com"));
  EXPECT_EQ(h.engine->stats().icp_evaluations, 1u);
  EXPECT_EQ(h.engine->stats().suppression_evaluations, 1u);
  EXPECT_EQ(h.engine->stats().count(OutcomeKind::Fired), 5u);
  h.send(page_view("e2", "2026-06-21T10:00:00Z", "bo@small.com"));
  EXPECT_EQ(h.engine->stats().icp_evaluations, 2u);
  EXPECT_EQ(h.engine->stats().suppression_evaluations, 1u);  // no play reached `unless suppressed`
  // Lazily: the pricing plays stop at their `where` on a docs page, so only "expr" needs the icp
  // and nobody needs the suppress block.
  h.send(page_view("e3", "2026-06-21T10:00:00Z", "ana@bigco.com", "docs"));
  EXPECT_EQ(h.engine->stats().icp_evaluations, 3u);
  EXPECT_EQ(h.engine->stats().suppression_evaluations, 1u);
}

TEST(Outcomes, OnlyPlaysOnTheSignalsTypeYieldOutcomes) {
  std::vector<vm::Play> ps;
  ps.push_back(pricing_play());
  ps.push_back(play("surge", {}, {}, kTopicSurge));
  vm::Play both = play("both", {}, {});
  both.signal_types = {kPageViewed, kTopicSurge};
  ps.push_back(std::move(both));
  Harness h = make(std::move(ps));
  EXPECT_EQ(h.engine->plays_for(kTopicSurge).size(), 2u);
  EXPECT_EQ(h.engine->plays_for(kUsage).size(), 0u);
  EXPECT_EQ(h.engine->max_priority(kPageViewed), Priority::High);
  EXPECT_EQ(h.engine->max_priority(kTopicSurge), Priority::Normal);
  EXPECT_EQ(h.engine->max_priority(kUsage), Priority::Low);
  auto out = h.send(R"({"id":"s1","type":"intent.topic_surge","occurred_at":"2026-06-21T10:00:00Z",
                        "account":"bigco.com","properties":{"topic":"crm","score":90}})");
  EXPECT_EQ(out, (std::vector<std::string>{outcome_line("surge", "s1", "fired"),
                                           outcome_line("both", "s1", "fired")}));
}

TEST(Outcomes, DuplicateSignalIds) {
  std::vector<vm::Play> ps;
  ps.push_back(pricing_play());
  Harness h = make(std::move(ps));
  h.load_context(kContext);
  EXPECT_EQ(h.send(page_view("evt_1", "2026-06-21T10:00:00Z", "ana@bigco.com")).size(), 3u);
  EXPECT_EQ(h.send(page_view("evt_1", "2026-06-22T10:00:00Z", "bo@bigco.com")),
            std::vector<std::string>{R"({"kind":"outcome","signal":"evt_1","outcome":"duplicate_signal"})"});
  EXPECT_EQ(h.engine->stats().count(OutcomeKind::DuplicateSignal), 1u);
  EXPECT_EQ(h.engine->stats().signals, 2u);
}

TEST(Outcomes, ShadowPlaysAreMarked) {
  std::vector<vm::Play> ps;
  ps.push_back(pricing_play("shadowed"));
  ps.back().mode = Mode::Shadow;
  Harness h = make(std::move(ps));
  h.load_context(kContext);
  auto out = h.send(page_view("e1", "2026-06-21T10:00:00Z", "ana@bigco.com"));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NE(out[0].find(R"(,"shadow":true})"), std::string::npos) << out[0];
  EXPECT_EQ(out[2], outcome_line("shadowed", "e1", "fired", R"(,"shadow":true)"));
  // A shadow enroll does not touch last_enrolled_at ...
  std::span<const Value> slots;
  ASSERT_TRUE(h.context->find(Entity::Contact, "ana@bigco.com", slots));
  EXPECT_TRUE(slots[kLastEnrolled].is_null());
  // ... but the play's own ledger works as for a live play.
  out = h.send(page_view("e2", "2026-06-21T11:00:00Z", "ana@bigco.com"));
  EXPECT_EQ(out.back(),
            outcome_line("shadowed", "e2", "deduplicated", R"(,"reason":"fired within 4h","shadow":true)"));
}

}  // namespace
}  // namespace play::engine::testing
