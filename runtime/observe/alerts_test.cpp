// The alert rules over synthetic history (alerts.h), the incidents they
// start and end, and the evaluator over a real store: an incident is
// saved, paged once, and neither paged again nor forgotten after a restart.
#include "runtime/observe/alerts.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "runtime/observe/alert_evaluator.h"

namespace play::observe {
namespace {

using store::kDayMs;
using store::kHourMs;

constexpr int64_t kT0 = 1781949600000;  // 2026-06-20T10:00:00Z, a whole hour

struct Facts {
  AlertInputs in;
  AlertSettings settings;
  Facts() {
    in.now_ms = kT0 + 30 * 60'000;  // half past
    in.plays.push_back({"pricing", 15 * 60'000, {store::Lane::High}, {}});
    in.plays.push_back({"research", 4 * kHourMs, {store::Lane::Normal}, {}});
  }
  // `per_hour` signals in every hour of [from, to) for `play`.
  void traffic(const std::string& play, int64_t from, int64_t to, uint64_t per_hour) {
    for (int64_t h = from; h < to; h += kHourMs) {
      store::HistoryBucket b;
      b.start_ms = h;
      b.play = play;
      b.signals = per_hour;
      in.hourly.push_back(b);
    }
    auto [it, fresh] = in.first_hours.emplace(play, from);
    if (!fresh) it->second = std::min(it->second, from);
  }
  store::HistoryBucket& hour(const std::string& play, int64_t start) {
    for (auto& b : in.hourly)
      if (b.play == play && b.start_ms == start) return b;
    store::HistoryBucket b;
    b.start_ms = start;
    b.play = play;
    in.hourly.push_back(b);
    return in.hourly.back();
  }
  std::vector<Finding> run() const { return evaluate_rules(in, settings); }
  const Finding* find(const std::string& key) const {
    static std::vector<Finding> last;
    last = run();
    for (const auto& f : last)
      if (f.key == key) return &f;
    return nullptr;
  }
};

// ---- volume ----

TEST(AlertRules, VolumeDropFiresBelowHalfTheSevenDayAverageAndNotBefore) {
  Facts f;
  // Eight days of 10 signals an hour (240 a day), then nothing for the last 13 hours.
  int64_t now_hour = kT0;
  f.traffic("pricing", now_hour - 8 * kDayMs, now_hour - 12 * kHourMs, 10);
  const Finding* drop = f.find("playd/volume_drop/pricing");
  ASSERT_TRUE(drop);
  EXPECT_TRUE(drop->firing);  // 11 hours of 24: 110 of a 240 average
  EXPECT_NEAR(drop->value, 110.0 / 240.0, 1e-9);
  EXPECT_EQ(drop->threshold, 0.5);
  EXPECT_EQ(drop->rule, "volume_drop");
  EXPECT_EQ(drop->play, "pricing");
  EXPECT_NE(drop->summary.find("110 signals in the last 24h, 46% of its 7-day daily average of 240"),
            std::string::npos)
      << drop->summary;
  // With a lower threshold for this play: judged, not firing.
  f.settings.plays["pricing"].volume_drop = 0.3;
  EXPECT_FALSE(f.find("playd/volume_drop/pricing")->firing);
}

TEST(AlertRules, VolumeRulesWaitForSevenDaysOfHistoryAndAMinimumAverage) {
  Facts f;
  f.traffic("pricing", kT0 - 6 * kDayMs, kT0 - 12 * kHourMs, 10);  // only 5 days before the last 24 h
  EXPECT_FALSE(f.find("playd/volume_drop/pricing"));
  f.settings.defaults.volume_min_days = 5;  // configurable: averaged over the days it has
  const Finding* drop = f.find("playd/volume_drop/pricing");
  ASSERT_TRUE(drop);
  EXPECT_TRUE(drop->firing);
  Facts quiet;
  quiet.traffic("research", kT0 - 9 * kDayMs, kT0 - 12 * kHourMs, 0);
  quiet.hour("research", kT0 - 3 * kDayMs).signals = 20;  // 20 a week: 2.9 a day, below the minimum of 10
  EXPECT_FALSE(quiet.find("playd/volume_drop/research"));
  quiet.settings.defaults.volume_min_daily = 1;
  EXPECT_TRUE(quiet.find("playd/volume_drop/research")->firing);
}

TEST(AlertRules, AFiringDropKeepsTheAverageBeforeItWhileTheRollingOneDecays) {
  Facts f;
  // Normal for 8 days, then ten days of nothing: the rolling 7-day average is 0 now.
  f.traffic("pricing", kT0 - 18 * kDayMs, kT0 - 10 * kDayMs, 10);
  f.traffic("pricing", kT0 - 10 * kDayMs, kT0 + kHourMs, 0);
  EXPECT_FALSE(f.find("playd/volume_drop/pricing"));  // nothing to compare with...
  store::AlertRecord firing;
  firing.key = "playd/volume_drop/pricing";
  firing.rule = "volume_drop";
  firing.play = "pricing";
  firing.state = "firing";
  firing.since_ms = kT0 - 9 * kDayMs;  // ...but it fired when the drop began
  f.in.firing.push_back(firing);
  const Finding* drop = f.find("playd/volume_drop/pricing");
  ASSERT_TRUE(drop);
  EXPECT_TRUE(drop->firing);
  EXPECT_EQ(drop->value, 0);
  // Traffic returns: resolved against that same average.
  f.traffic("pricing", kT0 - 23 * kHourMs, kT0 + kHourMs, 0);
  for (auto& b : f.in.hourly)
    if (b.start_ms >= kT0 - 23 * kHourMs) b.signals = 10;
  EXPECT_FALSE(f.find("playd/volume_drop/pricing")->firing);
}

TEST(AlertRules, VolumeSpikeFiresAboveTenTimesTheAverage) {
  Facts f;
  f.traffic("pricing", kT0 - 8 * kDayMs, kT0 - 23 * kHourMs, 10);
  f.traffic("pricing", kT0 - 23 * kHourMs, kT0 + kHourMs, 80);  // 8x
  EXPECT_FALSE(f.find("playd/volume_spike/pricing")->firing);
  f.hour("pricing", kT0).signals = 1000;  // 23 * 80 + 1000 = 2840: 11.8x
  const Finding* spike = f.find("playd/volume_spike/pricing");
  EXPECT_TRUE(spike->firing);
  EXPECT_NEAR(spike->value, 2840.0 / 240, 1e-9);
  EXPECT_EQ(spike->threshold, 10);
  f.settings.defaults.disabled = {"volume_spike"};
  EXPECT_FALSE(f.find("playd/volume_spike/pricing"));
}

// ---- health ----

TEST(AlertRules, SuccessRatePerPlayAndSinkOverTheWindow) {
  Facts f;
  auto& now = f.hour("pricing", kT0);
  now.sinks["crm"].delivered = 5;
  now.sinks["crm"].failed = 15;
  now.sinks["chat"].delivered = 40;
  auto& before = f.hour("pricing", kT0 - kHourMs);  // in the window: it started after now - 1h
  before.sinks["crm"].delivered = 5;
  f.hour("pricing", kT0 - 2 * kHourMs).sinks["crm"].failed = 1000;  // before the window
  const Finding* crm = f.find("playd/success_rate/pricing/crm");
  ASSERT_TRUE(crm);
  EXPECT_TRUE(crm->firing);
  EXPECT_DOUBLE_EQ(crm->value, 10.0 / 25.0);
  EXPECT_EQ(crm->subject, "sink crm");
  EXPECT_NE(crm->summary.find("40% of delivery attempts succeeded in the last 1h (10 of 25; threshold 95%)"),
            std::string::npos)
      << crm->summary;
  EXPECT_FALSE(f.find("playd/success_rate/pricing/chat")->firing);
  f.settings.defaults.success_min_attempts = 30;  // too few attempts to judge
  EXPECT_FALSE(f.find("playd/success_rate/pricing/crm"));
}

// ---- lag and latency ----

TEST(AlertRules, LagIsTheOldestUnprocessedSignalAgainstTheTightestSlaTheLaneFeeds) {
  Facts f;
  f.in.plays.push_back({"demo", 5 * 60'000, {store::Lane::High}, {}});
  f.in.lanes = {{store::Lane::High, 40, f.in.now_ms - 6 * 60'000}, {store::Lane::Normal, 0, 0}};
  const Finding* high = f.find("playd/lag/high");
  ASSERT_TRUE(high);
  EXPECT_TRUE(high->firing);
  EXPECT_EQ(high->play, "demo");  // 5m, tighter than pricing's 15m
  EXPECT_EQ(high->subject, "lane high");
  EXPECT_EQ(high->value, 360);
  EXPECT_EQ(high->threshold, 300);
  EXPECT_FALSE(f.find("playd/lag/normal")->firing);
  f.settings.plays["demo"].sla_ms = 10 * 60'000;  // overridden in the config
  EXPECT_FALSE(f.find("playd/lag/high")->firing);
  f.settings.plays["demo"].disabled = std::set<std::string>{"lag"};
  EXPECT_EQ(f.find("playd/lag/high")->play, "pricing");
}

TEST(AlertRules, APlaysOwnLagAndLatencyLimitsComeBeforeItsSla) {
  Facts f;
  f.in.plays.push_back({"demo", 5 * 60'000, {store::Lane::High}, {}});
  f.in.plays.back().own.lag_ms = 7 * 60'000;  // `alert lag above 7m`
  f.in.lanes = {{store::Lane::High, 40, f.in.now_ms - 6 * 60'000}, {store::Lane::Normal, 0, 0}};
  EXPECT_FALSE(f.find("playd/lag/high")->firing);  // 6m: over the 5m sla, under the play's 7m
  EXPECT_EQ(f.find("playd/lag/high")->threshold, 420);
  f.settings.plays["demo"].lag_ms = 3 * 60'000;  // the config has the last word
  EXPECT_TRUE(f.find("playd/lag/high")->firing);

  auto& b = f.hour("pricing", kT0);
  for (int i = 0; i < 100; ++i) b.from_received.add(20 * 60'000);  // 20 min, sla 15 min
  ASSERT_TRUE(f.find("playd/latency_p95/pricing")->firing);
  for (auto& p : f.in.plays)
    if (p.name == "pricing") p.own.latency_ms = 30 * 60'000;  // `alert latency_p95 above 30m`
  EXPECT_FALSE(f.find("playd/latency_p95/pricing")->firing);
  EXPECT_EQ(f.find("playd/latency_p95/pricing")->threshold, 1800);
}

TEST(AlertRules, LatencyP95AgainstTheSla) {
  Facts f;
  auto& b = f.hour("pricing", kT0);
  for (int i = 0; i < 90; ++i) b.from_received.add(60'000);
  for (int i = 0; i < 10; ++i) b.from_received.add(40 * 60'000);  // the slowest tenth: 40 min
  for (int i = 0; i < 100; ++i) b.from_occurred.add(1000);
  const Finding* p95 = f.find("playd/latency_p95/pricing");
  ASSERT_TRUE(p95);
  EXPECT_TRUE(p95->firing);
  EXPECT_NEAR(p95->value, 2400, 24);
  EXPECT_EQ(p95->threshold, 900);
  f.settings.latency_from = LatencyOrigin::Occurred;
  EXPECT_FALSE(f.find("playd/latency_p95/pricing")->firing);
  f.settings.defaults.latency_min_count = 500;
  EXPECT_FALSE(f.find("playd/latency_p95/pricing"));
}

TEST(AlertRules, UndeliveredActionsPastTheAge) {
  Facts f;
  f.in.undelivered = {{"pricing", "crm", 3, f.in.now_ms - 3 * kHourMs},
                      {"research", "chat", 1, f.in.now_ms - kHourMs}};
  const Finding* crm = f.find("playd/undelivered/pricing/crm");
  ASSERT_TRUE(crm);
  EXPECT_TRUE(crm->firing);
  EXPECT_EQ(crm->value, 3 * 3600);
  EXPECT_EQ(crm->threshold, 7200);
  EXPECT_NE(crm->summary.find("3 actions to sink crm undelivered for more than 2h (oldest 3h)"),
            std::string::npos)
      << crm->summary;
  EXPECT_FALSE(f.find("playd/undelivered/research/chat")->firing);
  EXPECT_EQ(undelivered_cutoff(f.in.now_ms, f.settings, f.in.plays), f.in.now_ms - 2 * kHourMs);
}

// ---- thresholds and incidents ----

TEST(AlertThresholds, DefaultsThenThePlaysOwnThenTheConfig) {
  AlertSettings s;
  s.defaults.volume_drop = 0.4;
  ThresholdOverrides own;
  own.volume_drop = 0.3;
  own.success_rate = 0.9;
  s.plays["p"].success_rate = 0.8;
  PlayThresholds t = s.for_play("p", &own);
  EXPECT_EQ(t.volume_drop, 0.3);
  EXPECT_EQ(t.success_rate, 0.8);
  EXPECT_EQ(t.volume_spike, 10);
  EXPECT_EQ(s.for_play("q").volume_drop, 0.4);
}

TEST(AlertIncidents, StartUpdateAndResolve) {
  std::vector<Finding> found = {{"k1", "lag", "p", "lane high", true, 400, 300, "s1"},
                                {"k2", "lag", "p", "lane normal", false, 0, 300, "s2"}};
  AlertChanges a = apply_findings({}, found, 1000);
  ASSERT_EQ(a.notify.size(), 1u);
  EXPECT_EQ(a.notify[0].key, "k1");
  EXPECT_EQ(a.notify[0].state, "firing");
  EXPECT_EQ(a.notify[0].since_ms, 1000);
  std::vector<store::AlertRecord> firing = a.save;
  found[0].value = 500;
  AlertChanges b = apply_findings(firing, found, 2000);
  EXPECT_TRUE(b.notify.empty());  // still firing: no new page
  ASSERT_EQ(b.save.size(), 1u);   // its value changed
  EXPECT_EQ(b.save[0].since_ms, 1000);
  EXPECT_EQ(b.save[0].value, 500);
  found[0].firing = false;
  AlertChanges c = apply_findings(b.save, found, 3000);
  ASSERT_EQ(c.notify.size(), 1u);
  EXPECT_EQ(c.notify[0].state, "resolved");
  EXPECT_EQ(c.notify[0].until_ms, 3000);
  AlertChanges d = apply_findings(b.save, {}, 3000);  // its subject is gone: resolved too
  ASSERT_EQ(d.notify.size(), 1u);
  EXPECT_EQ(d.notify[0].state, "resolved");
}

// ---- the evaluator over a real store ----

struct TempStore {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("alerts_test_" + std::to_string(::getpid()))).string();
  std::unique_ptr<store::Store> store;
  TempStore() {
    std::filesystem::remove_all(dir);
    open();
  }
  void open() {
    store.reset();
    std::string error;
    store = store::open_store(dir, store::StoreOptions{}, error);
    ASSERT_TRUE(store) << error;
  }
  ~TempStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
};

TEST(AlertEvaluator, PagesOnceAndAfterARestartNeitherPagesAgainNorForgets) {
  set_clock(kT0);
  TempStore t;
  // An action of play p undelivered for three hours.
  t.store->enqueue_signals({{"s1", "website.page_viewed", 0, 0, R"({"id":"s1"})"}});
  std::vector<store::QueuedSignal> taken;
  t.store->take_signals(10, taken, 100);
  store::Evaluation ev;
  store::ActionRecord a;
  a.key = "k1";
  a.play = "p";
  a.sink = "crm";
  a.line = "{}";
  ev.signals.push_back({taken[0].seq, "s1", {{"p", "fired", "", "", "", false}}, {a}, taken[0].type});
  t.store->commit_evaluation(ev);
  t.store->done_signals(taken);
  set_clock(kT0 + 3 * kHourMs);

  std::vector<PlayFacts> plays = {{"p", 0, {store::Lane::Normal}, {}}};
  std::vector<std::pair<std::string, std::string>> sent;  // key, state
  std::vector<std::function<void()>> pending;             // what the sinks have not finished yet
  auto notify = [&](const store::AlertRecord& r, std::function<void()> done) {
    sent.emplace_back(r.key, r.state);
    pending.push_back(std::move(done));
  };
  {
    AlertEvaluator e(*t.store, plays, AlertSettings{}, notify);
    ASSERT_TRUE(e.evaluate());
    ASSERT_TRUE(e.evaluate());
  }
  ASSERT_EQ(sent.size(), 1u);  // paged once
  EXPECT_EQ(sent[0], (std::pair<std::string, std::string>{"playd/undelivered/p/crm", "firing"}));
  auto stored = t.store->alerts(0);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].state, "firing");
  EXPECT_EQ(stored[0].notified, "");  // the sinks have not finished yet

  // A restart before the page went out: it is sent again, once. (The
  // sinks of the process that stopped never finish: their callbacks would
  // record into the store it closed.)
  pending.clear();
  t.open();
  {
    AlertEvaluator e(*t.store, plays, AlertSettings{}, notify);
    e.start();
    e.stop();
  }
  ASSERT_EQ(sent.size(), 2u);
  for (auto& done : pending) done();  // the sinks took it
  pending.clear();
  EXPECT_EQ(t.store->alerts(0).at(0).notified, "firing");

  // Another restart: the incident is remembered, not paged again (its round
  // finds it still firing); once the action is delivered, it resolves.
  t.open();
  {
    AlertEvaluator e(*t.store, plays, AlertSettings{}, notify);
    e.start();
    e.stop();  // after the round the thread always runs first
    EXPECT_EQ(sent.size(), 2u);
    t.store->record_attempts({{"k1", 1, now_ms(), "sent", "sent", 200, "", "", 0}});
    ASSERT_TRUE(e.evaluate());
  }
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].second, "resolved");
  stored = t.store->alerts(0);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].state, "resolved");
  // When the first round found it (the clock runs on from the time set).
  EXPECT_GE(stored[0].since_ms, kT0 + 3 * kHourMs);
  EXPECT_LT(stored[0].since_ms, kT0 + 3 * kHourMs + 60'000);
}

}  // namespace
}  // namespace play::observe
