// State across signals: fired-within keys, round robin, last_enrolled_at,
// event time as the clock.
#include <gtest/gtest.h>

#include "tests/engine/harness.h"

namespace play::engine::testing {
namespace {

vm::Play dedup_play(const char* name, Per per, int64_t within = 4 * kHour) {
  std::vector<Clause> cs;
  cs.push_back(unless_fired(within, per));
  std::vector<vm::Action> acts;
  acts.push_back(notify("#x", text("x")));
  return play(name, std::move(cs), std::move(acts));
}

Harness make(std::vector<vm::Play> plays) {
  Bundle b = base_bundle();
  for (auto& p : plays) b.plays.push_back(std::move(p));
  return Harness(std::move(b));
}

std::string outcome_of(const std::vector<std::string>& lines, const std::string& play) {
  for (const std::string& l : lines) {
    if (l.find(R"("kind":"outcome","play":")" + play + "\"") == std::string::npos) continue;
    size_t at = l.find(R"("outcome":")") + 11;
    return l.substr(at, l.find('"', at) - at);
  }
  return "(none)";
}

TEST(FiredWithin, DefaultIsPerContactElsePerAccount) {
  std::vector<vm::Play> ps;
  ps.push_back(dedup_play("d", Per::Default));
  Harness h = make(std::move(ps));
  EXPECT_EQ(outcome_of(h.send(page_view("1", "2026-06-21T10:00:00Z", "ana@bigco.com")), "d"), "fired");
  EXPECT_EQ(outcome_of(h.send(page_view("2", "2026-06-21T10:10:00Z", "ana@bigco.com")), "d"), "deduplicated");
  // Another contact at the same account: its own key.
  EXPECT_EQ(outcome_of(h.send(page_view("3", "2026-06-21T10:20:00Z", "bo@bigco.com")), "d"), "fired");
  // No contact: keyed by the account.
  EXPECT_EQ(outcome_of(h.send(page_view("4", "2026-06-21T10:30:00Z", "", "pricing", "bigco.com")), "d"),
            "fired");
  EXPECT_EQ(outcome_of(h.send(page_view("5", "2026-06-21T10:40:00Z", "", "pricing", "bigco.com")), "d"),
            "deduplicated");
}

TEST(FiredWithin, PerAccountAndPerContact) {
  std::vector<vm::Play> ps;
  ps.push_back(dedup_play("acc", Per::Account));
  ps.push_back(dedup_play("con", Per::Contact));
  Harness h = make(std::move(ps));
  auto out = h.send(page_view("1", "2026-06-21T10:00:00Z", "ana@bigco.com"));
  EXPECT_EQ(outcome_of(out, "acc"), "fired");
  EXPECT_EQ(outcome_of(out, "con"), "fired");
  out = h.send(page_view("2", "2026-06-21T11:00:00Z", "bo@bigco.com"));  // same account (email domain)
  EXPECT_EQ(outcome_of(out, "acc"), "deduplicated");
  EXPECT_EQ(outcome_of(out, "con"), "fired");
  out = h.send(page_view("3", "2026-06-21T14:00:00Z", "bo@bigco.com"));  // 4h after the account's fire
  EXPECT_EQ(outcome_of(out, "acc"), "fired");
  EXPECT_EQ(outcome_of(out, "con"), "deduplicated");
  EXPECT_NE(out.back().find(R"("reason":"fired within 4h per contact")"), std::string::npos) << out.back();
}

TEST(FiredWithin, EventTimeNotWallClock) {
  std::vector<vm::Play> ps;
  ps.push_back(dedup_play("d", Per::Default, kDay));
  Harness h = make(std::move(ps));
  // Signals years apart in event time, processed within microseconds.
  EXPECT_EQ(outcome_of(h.send(page_view("1", "2019-01-01T00:00:00Z", "ana@bigco.com")), "d"), "fired");
  EXPECT_EQ(outcome_of(h.send(page_view("2", "2019-01-01T23:59:00Z", "ana@bigco.com")), "d"), "deduplicated");
  EXPECT_EQ(outcome_of(h.send(page_view("3", "2030-01-01T00:00:00Z", "ana@bigco.com")), "d"), "fired");
  // Out of order: an older signal within the window of the last fire is a duplicate too.
  EXPECT_EQ(outcome_of(h.send(page_view("4", "2029-12-31T12:00:00Z", "ana@bigco.com")), "d"), "deduplicated");
}

TEST(Enroll, SetsLastEnrolledAtToSignalTimeCreatingTheContact) {
  std::vector<Clause> cs;
  cs.push_back(unless_suppressed());
  std::vector<vm::Action> acts;
  acts.push_back(enroll("seq"));
  std::vector<vm::Play> ps;
  ps.push_back(play("e", std::move(cs), std::move(acts)));
  Harness h = make(std::move(ps));
  std::span<const Value> slots;
  ASSERT_FALSE(h.context->find(Entity::Contact, "new@lead.com", slots));
  EXPECT_EQ(outcome_of(h.send(page_view("1", "2026-06-01T09:00:00Z", "new@lead.com")), "e"), "fired");
  ASSERT_TRUE(h.context->find(Entity::Contact, "new@lead.com", slots));
  int64_t t;
  ASSERT_TRUE(parse_timestamp("2026-06-01T09:00:00Z", t));
  EXPECT_EQ(slots[kLastEnrolled].kind, Kind::Timestamp);
  EXPECT_EQ(slots[kLastEnrolled].i, t);
  EXPECT_EQ(slots[kEmailDomain].str(), "lead.com");
  // 29 days later (event time) the suppression rule "recently enrolled" holds; 30 days later it does not.
  auto out = h.send(page_view("2", "2026-06-30T09:00:00Z", "new@lead.com"));
  EXPECT_NE(out.back().find(R"("outcome":"suppressed","reason":"recently enrolled")"), std::string::npos)
      << out.back();
  EXPECT_EQ(outcome_of(h.send(page_view("3", "2026-07-01T09:00:00Z", "new@lead.com")), "e"), "fired");
}

TEST(Enroll, AllPlaysOnOneSignalSeeTheSameContext) {
  // Two enrolling plays on one signal: the second is not suppressed by the first's enroll
  // (the checker warns about such pairs); the next signal is.
  std::vector<vm::Play> ps;
  for (const char* n : {"first", "second"}) {
    std::vector<Clause> cs;
    cs.push_back(unless_suppressed());
    std::vector<vm::Action> acts;
    acts.push_back(enroll("seq"));
    ps.push_back(play(n, std::move(cs), std::move(acts)));
  }
  Harness h = make(std::move(ps));
  auto out = h.send(page_view("1", "2026-06-01T09:00:00Z", "ana@bigco.com"));
  EXPECT_EQ(outcome_of(out, "first"), "fired");
  EXPECT_EQ(outcome_of(out, "second"), "fired");
  out = h.send(page_view("2", "2026-06-01T10:00:00Z", "ana@bigco.com"));
  EXPECT_EQ(outcome_of(out, "first"), "suppressed");
  EXPECT_EQ(outcome_of(out, "second"), "suppressed");
}

vm::Play rr_play(const char* name) {
  vm::Play p = play(name, {}, {});
  p.lets.push_back({"rep", round_robin(0)});
  std::vector<ArgDef> args;
  args.push_back({"sequence", text("s")});
  args.push_back({"rep", let_ref(0)});
  p.actions.push_back(action("enroll", "sequencer", std::move(args)));
  return p;
}

std::string rep_of(const std::vector<std::string>& lines) {
  for (const std::string& l : lines) {
    size_t at = l.find(R"("rep":")");
    if (at != std::string::npos) return l.substr(at + 7, l.find('"', at + 7) - at - 7);
  }
  return "(none)";
}

TEST(RoundRobin, RotatesPerPoolInFiringOrderAndShadowDoesNotAdvance) {
  std::vector<vm::Play> ps;
  ps.push_back(rr_play("live"));
  Harness h = make(std::move(ps));
  EXPECT_EQ(rep_of(h.send(page_view("1", "2026-06-01T09:00:00Z", "a@x.com"))), "sam@acme.com");
  EXPECT_EQ(rep_of(h.send(page_view("2", "2026-06-01T09:00:00Z", "b@x.com"))), "kim@acme.com");
  EXPECT_EQ(rep_of(h.send(page_view("3", "2026-06-01T09:00:00Z", "c@x.com"))), "sam@acme.com");

  std::vector<vm::Play> qs;
  qs.push_back(rr_play("shadow"));
  qs.back().mode = Mode::Shadow;
  qs.push_back(rr_play("live"));
  Harness g = make(std::move(qs));
  auto out = g.send(page_view("1", "2026-06-01T09:00:00Z", "a@x.com"));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_NE(out[0].find(R"("rep":"sam@acme.com")"), std::string::npos);  // shadow peeks
  EXPECT_NE(out[2].find(R"("rep":"sam@acme.com")"), std::string::npos);  // live gets the same, and advances
  EXPECT_EQ(rep_of(g.send(page_view("2", "2026-06-01T09:00:00Z", "b@x.com"))), "kim@acme.com");
}

TEST(Envelope, SignalFieldsAndNowReachPrograms) {
  vm::Play p = play("env", {}, {});
  std::vector<ArgDef> args;
  args.push_back({"id", envelope(EnvelopeField::Id)});
  args.push_back({"type", envelope(EnvelopeField::Type)});
  args.push_back({"source", envelope(EnvelopeField::Source)});
  args.push_back({"at", envelope(EnvelopeField::OccurredAt)});
  args.push_back({"received", envelope(EnvelopeField::ReceivedAt)});
  args.push_back({"url", signal_slot(kUrl)});
  p.actions.push_back(action("webhook", "", std::move(args)));
  std::vector<vm::Play> ps;
  ps.push_back(std::move(p));
  Harness h = make(std::move(ps));
  auto out = h.send(R"({"id":"e1","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00.250Z",
                        "source":"segment","properties":{"url":"https://a"}})");
  EXPECT_NE(out[0].find(R"("args":{"id":"e1","type":"website.page_viewed","source":"segment",)"
                        R"("at":"2026-06-21T10:00:00.250Z","received":null,"url":"https://a"})"),
            std::string::npos)
      << out[0];
}

TEST(Webhook, SinkComesFromTheSinkArgument) {
  vm::Play p = play("hook", {}, {});
  std::vector<ArgDef> args;
  args.push_back({"sink", text("zapier")});
  args.push_back({"body", constant(Value())});
  p.actions.push_back(action("webhook", "", std::move(args)));
  Bundle b = base_bundle();
  b.plays.push_back(std::move(p));
  ASSERT_EQ(verify_bundle(b), "");
  MemoryContext ctx(b);
  MemoryLedger ledger;
  Engine engine(b, ctx, ledger);
  struct Capture : OutputSink {
    std::string sink;
    void action(const Action& a) override { sink = std::string(a.sink); }
    void outcome(const Outcome&) override {}
  } cap;
  DecodedSignal s;
  std::string err;
  ASSERT_TRUE(decode_signal(page_view("1", "2026-06-01T09:00:00Z", "a@x.com"), b, s, err)) << err;
  engine.process(s, cap);
  EXPECT_EQ(cap.sink, "zapier");
  // Without a SeenSignals the engine does not deduplicate ids (playd's ingestion does).
  cap.sink.clear();
  engine.process(s, cap);
  EXPECT_EQ(cap.sink, "zapier");
}

// Temporal triggers' state: what a store keeps is exactly what the engine
// saved, and anything else reads as no state (it then starts afresh).
TEST(EngineState, PatternStatesEncodeAndDecodeExactly) {
  PatternState s;
  s.max_seen_ms = 1'750'000'000'000;
  s.fired_at_ms = 1'749'999'000'000;
  s.entries = {{.at_ms = 1'749'999'500'000, .member = 0, .id_hash = pattern_id_hash("v1")},
               {.at_ms = 1'750'000'000'000, .member = 2, .id_hash = pattern_id_hash("v2")}};
  std::string bytes;
  encode_pattern_state(s, bytes);
  EXPECT_EQ(bytes.size(), 21u + 20u * 2);  // format 1: a count keeps no score value
  EXPECT_EQ(bytes[0], 1);
  PatternState back;
  ASSERT_TRUE(decode_pattern_state(bytes, back));
  EXPECT_EQ(back, s);
  PatternState empty;
  encode_pattern_state(empty, bytes);
  ASSERT_TRUE(decode_pattern_state(bytes, back));
  EXPECT_EQ(back, empty);
  EXPECT_FALSE(decode_pattern_state("", back));
  EXPECT_FALSE(decode_pattern_state(bytes.substr(0, bytes.size() - 1), back));
  std::string other_format = bytes;
  other_format[0] = 9;
  EXPECT_FALSE(decode_pattern_state(other_format, back));
  EXPECT_EQ(back, empty);  // cleared on refusal
  // An entry keeps a signal's time in 56 bits and its member in 8: bytes
  // that do not fit (never written by encode) are refused, not truncated.
  PatternState far = s;
  encode_pattern_state(far, bytes);
  std::string huge_time = bytes;
  huge_time[21 + 7] = 0x01;  // the first entry's at_ms, its top byte: 2^56 and more
  EXPECT_FALSE(decode_pattern_state(huge_time, back));
  std::string huge_member = bytes;
  huge_member[21 + 16 + 1] = 1;  // the first entry's member: 256
  EXPECT_FALSE(decode_pattern_state(huge_member, back));
  ASSERT_TRUE(decode_pattern_state(bytes, back));
  EXPECT_EQ(back.entries[1].member, 2u);
  EXPECT_EQ(back.entries[0].at_ms, 1'749'999'500'000);
}

// A score's value is stored as its exact bits (a restart continues the
// same double), and a state written before scores (format 1) still reads.
TEST(EngineState, ScoreStatesKeepTheirValueExactly) {
  PatternState s;
  s.max_seen_ms = 1'750'000'000'000;
  s.score = 49.999999999999993;  // not a round number: bits, not text
  s.entries = {{.at_ms = 1'750'000'000'000, .member = 0, .id_hash = pattern_id_hash("c1")}};
  std::string bytes;
  encode_pattern_state(s, bytes);
  EXPECT_EQ(bytes.size(), 21u + 20u + 8u);
  EXPECT_EQ(bytes[0], 3);  // format 3: the value's bits follow
  PatternState back;
  ASSERT_TRUE(decode_pattern_state(bytes, back));
  EXPECT_EQ(back, s);
  EXPECT_EQ(back.score, 49.999999999999993);
  std::string format1 = bytes.substr(0, bytes.size() - 8);
  format1[0] = 1;
  ASSERT_TRUE(decode_pattern_state(format1, back));
  EXPECT_EQ(back.score, 0.0);
  EXPECT_EQ(back.entries, s.entries);
  std::string infinite = bytes;
  for (int i = 0; i < 8; ++i) infinite[bytes.size() - 8 + i] = i < 6 ? 0 : i == 6 ? char(0xf0) : char(0x7f);
  EXPECT_FALSE(decode_pattern_state(infinite, back));  // +inf: refused, starts afresh
}

// `on score intent crosses 50`, one rule: every pricing view is worth 15, half life 7d.
vm::Play score_play(const char* name, double crosses = 50) {
  std::vector<vm::Action> acts;
  acts.push_back(notify("#x", text("x")));
  vm::Play p = play(name, {}, std::move(acts));
  p.pattern.kind = vm::PatternKind::Score;
  p.pattern.score_name = "intent";
  p.pattern.half_life_ms = 7 * 24 * kHour;
  p.pattern.crosses = crosses;
  p.pattern.lateness_ms = kHour;
  p.pattern.per = vm::Per::Account;
  vm::PatternMember m;
  m.signal_type = kPageViewed;
  m.filter = sig_eq(kCategory, "pricing");
  m.weight = constant(Value::integer(15));
  p.pattern.members.push_back(std::move(m));
  return p;
}

// Without a SeenSignals (playd deduplicates before the engine), a signal
// evaluated again is still not counted twice: the score keeps its last ids.
TEST(Score, AReplayedSignalIsNotCountedTwice) {
  Bundle b = base_bundle();
  b.plays.push_back(score_play("hot"));
  ASSERT_EQ(verify_bundle(b), "");
  MemoryContext ctx(b);
  MemoryLedger ledger;
  Engine engine(b, ctx, ledger);
  struct Capture : OutputSink {
    std::vector<std::string> reasons;
    int fired = 0;
    void action(const Action&) override {}
    void outcome(const Outcome& o) override {
      reasons.emplace_back(o.reason);
      fired += o.kind == OutcomeKind::Fired;
    }
  } cap;
  auto send = [&](const std::string& id, const char* at) {
    DecodedSignal s;
    std::string err;
    ASSERT_TRUE(decode_signal(page_view(id, at, "", "pricing", "bigco.com"), b, s, err)) << err;
    engine.process(s, cap);
  };
  send("c1", "2026-06-21T10:00:00Z");
  send("c1", "2026-06-21T10:00:00Z");
  send("c2", "2026-06-21T10:00:00Z");
  send("c3", "2026-06-21T10:00:00Z");
  ASSERT_EQ(cap.reasons.size(), 4u);
  EXPECT_EQ(cap.reasons[0], "score 15 of 50 (score intent, half_life 7d per account)");
  EXPECT_EQ(cap.reasons[1], "not counted: this signal was counted already");
  EXPECT_EQ(cap.reasons[2], "score 30 of 50 (score intent, half_life 7d per account)");
  EXPECT_EQ(cap.reasons[3], "score 45 of 50 (score intent, half_life 7d per account)");
  EXPECT_EQ(cap.fired, 0);
  send("c4", "2026-06-21T10:00:00Z");
  EXPECT_EQ(cap.fired, 1);
  // A week later the 60 is worth 30: 45 after this one, below 50 again.
  send("c5", "2026-06-28T10:00:00Z");
  EXPECT_EQ(cap.reasons.back(), "score 45 of 50 (score intent, half_life 7d per account)");
  // A replay of c4, a week old: late (older than the lateness), not counted.
  send("c4", "2026-06-21T10:00:00Z");
  EXPECT_EQ(cap.reasons.back(), "not counted: late, older than the stream clock minus the lateness");
}

// The ids kept are those within the lateness, at most 16: past that, a
// signal at or before the newest id forgotten cannot be told from a replay
// and is not counted (late); a newer one is.
TEST(Score, IdsKeptAreBoundedAndAReplayIsNeverCountedTwice) {
  Bundle b = base_bundle();
  b.plays.push_back(score_play("hot", 1000));
  ASSERT_EQ(verify_bundle(b), "");
  MemoryContext ctx(b);
  MemoryLedger ledger;
  Engine engine(b, ctx, ledger);
  MemoryPatterns patterns;
  engine.set_patterns(patterns);
  struct Capture : OutputSink {
    std::string reason;
    void action(const Action&) override {}
    void outcome(const Outcome& o) override { reason = std::string(o.reason); }
  } cap;
  auto send = [&](const std::string& id, const char* at) -> std::string {
    DecodedSignal s;
    std::string err;
    EXPECT_TRUE(decode_signal(page_view(id, at, "", "pricing", "bigco.com"), b, s, err)) << err;
    engine.process(s, cap);
    return cap.reason;
  };
  char at[32];
  for (int i = 0; i < 20; ++i) {  // one a minute
    std::snprintf(at, sizeof at, "2026-06-21T10:%02d:00Z", i);
    send("v" + std::to_string(i), at);
  }
  const PatternState& st = patterns.state({0, 1, "hot", engine.pattern_hash(0)}, "bigco.com");
  EXPECT_EQ(st.entries.size(), 16u);
  EXPECT_EQ(st.fired_at_ms, st.entries.front().at_ms - 60'000);  // v3's time: v0..v3 forgotten
  EXPECT_EQ(send("v19", "2026-06-21T10:19:00Z"), "not counted: this signal was counted already");
  EXPECT_EQ(send("v4", "2026-06-21T10:04:00Z"), "not counted: this signal was counted already");
  EXPECT_EQ(send("v2", "2026-06-21T10:02:00Z"),
            "not counted: late, older than the signal ids the score keeps");
  EXPECT_EQ(send("new", "2026-06-21T10:05:30Z").rfind("score ", 0), 0u) << cap.reason;  // counted
}

TEST(EngineState, MemoryPatternsKeyByPlayPatternAndKey) {
  MemoryPatterns m;
  PatternState s;
  s.max_seen_ms = 5;
  s.entries = {{.at_ms = 5, .member = 0, .id_hash = 1}};
  EXPECT_EQ(m.state({0, 2, "burst", 1}, "bigco.com"), PatternState());  // none yet
  m.state({0, 2, "burst", 1}, "bigco.com") = s;
  m.changed({0, 2, "burst", 1}, "bigco.com");
  EXPECT_EQ(m.state({0, 2, "burst", 1}, "bigco.com"), s);
  EXPECT_EQ(m.state({0, 2, "burst", 1}, "acme.io"), PatternState());
  EXPECT_EQ(m.state({1, 2, "other", 1}, "bigco.com"), PatternState());
  EXPECT_EQ(m.state({0, 2, "burst", 1}, "bigco.com"), s);
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.state({0, 2, "burst", 2}, "bigco.com"), PatternState());  // a changed pattern starts afresh
}

// The absence form's timers in memory: each armed state is queued once; a
// timer pushed later comes back at its new time, a cleared one never.
TEST(EngineState, MemoryPatternsQueueAbsenceTimersEarliestFirst) {
  MemoryPatterns m;
  const PatternId stall{0, 1, "stall", 7};
  auto arm = [&](std::string_view key, int64_t at) {
    m.state(stall, key).timer_ms = at;
    m.changed(stall, key);
  };
  arm("late.com", 300);
  arm("early.com", 100);
  arm("pushed.com", 150);
  arm("pushed.com", 400);  // pushed later before its first time came
  arm("gone.com", 120);
  m.state(stall, "gone.com").timer_ms = INT64_MIN;  // fired or cleared since
  uint32_t index = 9;
  std::string key;
  EXPECT_FALSE(m.next_due(99, index, key));
  ASSERT_TRUE(m.next_due(200, index, key));
  EXPECT_EQ(key, "early.com");
  EXPECT_EQ(index, 0u);
  m.state(stall, "early.com").timer_ms = INT64_MIN;  // what the fire does
  EXPECT_FALSE(m.next_due(299, index, key));         // gone.com dropped, pushed.com queued for 400
  ASSERT_TRUE(m.next_due(1000, index, key));
  EXPECT_EQ(key, "late.com");
  m.state(stall, "late.com").timer_ms = INT64_MIN;
  ASSERT_TRUE(m.next_due(1000, index, key));
  EXPECT_EQ(key, "pushed.com");
  m.state(stall, "pushed.com").timer_ms = INT64_MIN;
  EXPECT_FALSE(m.next_due(INT64_MAX, index, key));
  EXPECT_EQ(m.timers(), 0u);
}

}  // namespace
}  // namespace play::engine::testing
