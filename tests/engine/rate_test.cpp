// Rates against the entity's own baseline (runtime/engine/rate.h): buckets,
// warm-up, the exact comparison, empty buckets, lateness, episodes, a long
// silence, and the state's byte form.
#include "runtime/engine/rate.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "runtime/engine/patterns.h"
#include "tests/engine/harness.h"

namespace play::engine {
namespace {

constexpr int64_t kHour = 3600 * 1000, kDay = 24 * kHour;
constexpr int64_t kT0 = 1'782'000'000'000 / kDay * kDay;  // a UTC midnight

// rate(T, 1d) OP k * baseline(T, n days), lateness 1h.
vm::Pattern rate(int64_t n_days, vm::RateCmp cmp = vm::RateCmp::Lt, int64_t k_micros = 500000) {
  vm::Pattern p;
  p.kind = vm::PatternKind::Rate;
  p.within_ms = kDay;
  p.baseline_ms = n_days * kDay;
  p.lateness_ms = kHour;
  p.factor_micros = k_micros;
  p.cmp = cmp;
  p.members.resize(1);
  return p;
}

// `n` signals at noon of day `day`; the step of the first (the one that closes).
RateStep day(const vm::Pattern& p, PatternState& st, int64_t d, int n) {
  RateStep first, step;
  for (int i = 0; i < n; ++i) {
    EXPECT_TRUE(count_rate_signal(p, st, kT0 + d * kDay + 12 * kHour + i * 1000, step));
    if (i == 0) first = step;
  }
  return first;
}

TEST(Rate, BucketsAreAlignedFloors) {
  EXPECT_EQ(rate_bucket(kT0 + 5, kDay), kT0);
  EXPECT_EQ(rate_bucket(kT0, kDay), kT0);
  EXPECT_EQ(rate_bucket(kT0 - 1, kDay), kT0 - kDay);
  EXPECT_EQ(rate_bucket(-1, kDay), -kDay);
}

TEST(Rate, NoComparisonUntilTheWholeHistoryWasSeen) {
  vm::Pattern p = rate(3);
  PatternState st;
  day(p, st, 0, 2);
  for (int64_t d = 1; d <= 3; ++d) {
    RateStep s = day(p, st, d, 2);
    EXPECT_EQ(s.closed, 1);
    EXPECT_FALSE(s.evaluated) << d;  // days 0..2 close with 0, 1, 2 buckets of history
    EXPECT_EQ(s.history, uint32_t(d - 1));
  }
  RateStep s = day(p, st, 4, 2);  // closes day 3: days 0..2 before it
  EXPECT_TRUE(s.evaluated);
  EXPECT_EQ(s.sum, 6u);
  EXPECT_FALSE(s.held);
  EXPECT_EQ(st.rate().closed_counts.size(), 3u);
}

TEST(Rate, ExactlyAtTheThresholdIsNotBelowIt) {
  for (auto [cmp, holds] : {std::pair{vm::RateCmp::Lt, false}, {vm::RateCmp::Le, true}}) {
    vm::Pattern p = rate(2, cmp);
    PatternState st;
    day(p, st, 0, 2);
    day(p, st, 1, 2);
    day(p, st, 2, 1);               // day 1 closes (warm-up)
    RateStep s = day(p, st, 3, 1);  // day 2: 1 against 0.5 * 2
    ASSERT_TRUE(s.evaluated);
    EXPECT_EQ(s.held, holds);
    EXPECT_EQ(s.fired, holds);
  }
  // k with decimals a double cannot hold exactly: 3 < 0.3 * 10 is false.
  vm::Pattern p = rate(1, vm::RateCmp::Lt, 300000);
  PatternState st;
  day(p, st, 0, 10);
  day(p, st, 1, 3);
  EXPECT_FALSE(day(p, st, 2, 1).held);
}

TEST(Rate, ASignalClosesEveryBucketBeforeItEmptyOnesAsZero) {
  vm::Pattern p = rate(2);
  PatternState st;
  day(p, st, 0, 4);
  day(p, st, 1, 4);
  day(p, st, 2, 4);
  RateStep s = day(p, st, 6, 1);  // closes days 2 (4), 3, 4, 5 (empty)
  EXPECT_EQ(s.closed, 4);
  EXPECT_TRUE(s.fired);  // day 3: 0 < 0.5 * (4 + 4) / 2
  EXPECT_FALSE(s.held);  // day 5: 0 < 0.5 * 0 does not hold: re-armed
  EXPECT_FALSE(st.rate().rate_held);
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(st.rate().closed_counts, (std::vector<uint32_t>{0, 0}));
  EXPECT_EQ(st.rate().open_bucket_ms, kT0 + 6 * kDay);
}

TEST(Rate, LateIsAfterTheBucketClosedNotBefore) {
  vm::Pattern p = rate(2);
  PatternState st;
  RateStep step;
  ASSERT_TRUE(count_rate_signal(p, st, kT0 + 12 * kHour, step));
  ASSERT_TRUE(count_rate_signal(p, st, kT0 + kDay + 30 * 60 * 1000, step));  // 00:30 next day: day 0 open
  EXPECT_EQ(step.closed, 0);
  ASSERT_TRUE(count_rate_signal(p, st, kT0 + 23 * kHour, step));  // within the lateness
  EXPECT_EQ(st.rate().open_counts[0], 2u);
  EXPECT_EQ(st.rate().open_counts[1], 1u);
  ASSERT_TRUE(count_rate_signal(p, st, kT0 + kDay + kHour, step));  // 01:00: day 0 closes
  EXPECT_EQ(step.closed, 1);
  EXPECT_FALSE(count_rate_signal(p, st, kT0 + 23 * kHour, step));  // day 0 is closed: late
  EXPECT_EQ(st.rate().closed_counts, (std::vector<uint32_t>{2}));
}

TEST(Rate, FiresOncePerEpisodeAndReArms) {
  vm::Pattern p = rate(2);
  PatternState st;
  day(p, st, 0, 4);
  day(p, st, 1, 4);
  day(p, st, 2, 1);
  EXPECT_TRUE(day(p, st, 3, 1).fired);  // day 2: 1 < 0.5 * 4
  RateStep same = day(p, st, 4, 4);     // day 3: 1 < 0.5 * 2.5, the same episode
  EXPECT_TRUE(same.held);
  EXPECT_FALSE(same.fired);
  RateStep rearm = day(p, st, 5, 4);  // day 4: 4 against 0.5 * 1
  EXPECT_FALSE(rearm.held);
  EXPECT_FALSE(st.rate().rate_held);
  RateStep again = day(p, st, 7, 1);  // day 5: 4 against 0.5 * 2.5, no; day 6, empty: 0 < 0.5 * 4
  EXPECT_EQ(again.closed, 2);
  EXPECT_TRUE(again.fired);
}

TEST(Rate, ALongSilenceIsJudgedInBoundedSteps) {
  vm::Pattern p = rate(28);
  PatternState st;
  for (int64_t d = 0; d < 30; ++d) day(p, st, d, 1);
  RateStep s = day(p, st, 30 + 100000, 1);  // 100,000 empty days later
  EXPECT_TRUE(s.fired);                     // the first empty day is a drop
  EXPECT_EQ(s.closed, 100000 + 1);
  EXPECT_EQ(st.rate().open_bucket_ms, kT0 + (30 + 100000) * kDay);
  EXPECT_EQ(st.rate().closed_counts, std::vector<uint32_t>(28, 0));
  EXPECT_EQ(st.rate().open_counts[0], 1u);
}

// Skipping the settled part of a silence leaves the state, and whether
// the play fired, exactly as closing it one day at a time.
TEST(Rate, SkippingASilenceEqualsClosingItDayByDay) {
  for (vm::RateCmp cmp : {vm::RateCmp::Lt, vm::RateCmp::Le, vm::RateCmp::Gt, vm::RateCmp::Ge}) {
    vm::Pattern p = rate(7, cmp);
    PatternState at_once, daily;
    for (int64_t d = 0; d < 10; ++d) day(p, at_once, d, int(d % 4));
    daily = at_once;
    RateStep once = close_all_buckets(p, at_once, kT0 + 200 * kDay);
    bool fired = false;
    int64_t closed = 0;
    for (int64_t d = 1; d <= 200; ++d) {
      RateStep s = close_buckets(p, daily, kT0 + d * kDay);
      fired = fired || s.fired;
      closed += s.closed;
    }
    EXPECT_EQ(at_once, daily) << int(cmp);
    EXPECT_EQ(once.fired, fired) << int(cmp);
    EXPECT_EQ(once.closed, closed) << int(cmp);
  }
}

TEST(Rate, AClockAloneClosesBuckets) {  // what a timer will drive
  vm::Pattern p = rate(1);
  PatternState st;
  day(p, st, 0, 2);
  day(p, st, 1, 2);
  EXPECT_EQ(close_buckets(p, st, kT0 + 2 * kDay - 1).closed, 0);  // day 1 ends at 2d
  RateStep s = close_buckets(p, st, kT0 + 3 * kDay);              // days 1 (2) and 2 (empty)
  EXPECT_EQ(s.closed, 2);
  EXPECT_TRUE(s.fired);
}

TEST(Rate, StateEncodesAndDecodesExactly) {
  vm::Pattern p = rate(28);
  PatternState st;
  for (int64_t d = 0; d < 40; ++d) day(p, st, d, int(d % 3) + 1);
  st.rate().rate_held = true;
  std::string bytes;
  encode_pattern_state(st, bytes);
  EXPECT_EQ(bytes.size(), 42u + 4 * 28);  // 154 bytes for 28 days of history
  PatternState back;
  ASSERT_TRUE(decode_pattern_state(bytes, back));
  st.timer_ms = INT64_MIN;  // a store keeps the timer in a column of its own, not in the bytes
  EXPECT_EQ(back, st);
  EXPECT_FALSE(decode_pattern_state(bytes.substr(0, bytes.size() - 1), back));
  std::string held = bytes;
  held[21 + 16] = 2;  // the episode flag is 0 or 1
  EXPECT_FALSE(decode_pattern_state(held, back));
  PatternState count;  // a count's state keeps format 1
  count.max_seen_ms = 5;
  encode_pattern_state(count, bytes);
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ(bytes.size(), 21u);
}

// The timer runs where a close would fire, not at every bucket: closing
// later gives the same state.
TEST(Rate, ATimerRunsWhereACloseWouldFireThenSettles) {
  vm::Pattern p = rate(2);
  PatternState st;
  day(p, st, 0, 1);
  day(p, st, 1, 1);  // day 1 open (1): closes in warm-up; the empty day 2 would be a drop
  EXPECT_EQ(st.timer_ms, kT0 + 3 * kDay + kHour);
  RateStep s = close_all_buckets(p, st, kT0 + 3 * kDay);
  EXPECT_TRUE(s.fired);
  // Day 3 (0 < 0.5 * 0.5) is the same episode; day 4 (0 against 0) ends it: nothing more fires.
  EXPECT_EQ(rate_timer_ms(p, st), INT64_MIN);
}

// The timer is exactly the first close that fires when no signal comes,
// for every comparison, over states of all shapes (warm-up, episodes, open
// counts): checked against closing one day at a time.
TEST(Rate, TheTimerIsTheFirstCloseThatFires) {
  for (vm::RateCmp cmp : {vm::RateCmp::Lt, vm::RateCmp::Le, vm::RateCmp::Gt, vm::RateCmp::Ge}) {
    for (int64_t days = 1; days < 14; ++days) {
      vm::Pattern p = rate(4, cmp);
      PatternState st;
      for (int64_t d = 0; d < days; ++d) day(p, st, d, int((d * 7 + days) % 5));
      int64_t want = INT64_MIN;
      PatternState daily = st;
      for (int64_t d = days; d < days + 40 && want == INT64_MIN; ++d) {
        RateStep r = close_buckets(p, daily, kT0 + d * kDay);
        if (r.fired) want = r.fired_end_ms + p.lateness_ms;
      }
      EXPECT_EQ(rate_timer_ms(p, st), want) << int(cmp) << " after " << days << " days";
    }
  }
}

// The engine: rate(page views, 1h) < 0.5 * baseline(page views, 2h) per
// account, lateness 0.
namespace rt = play::engine::testing;

vm::Bundle hourly_drop_bundle() {
  vm::Bundle b = rt::base_bundle();
  std::vector<vm::Action> acts;
  acts.push_back(rt::notify("#c", rt::text("drop")));
  vm::Play p = rt::play("drop", {}, std::move(acts));
  p.pattern.kind = vm::PatternKind::Rate;
  p.pattern.within_ms = kHour;
  p.pattern.baseline_ms = 2 * kHour;
  p.pattern.factor_micros = 500000;
  p.pattern.cmp = vm::RateCmp::Lt;
  p.pattern.lateness_ms = 0;
  p.pattern.per = vm::Per::Account;
  p.pattern.members.emplace_back().signal_type = rt::kPageViewed;
  b.plays.push_back(std::move(p));
  return b;
}

std::string view(const std::string& id, const char* at, const char* account, const char* received = nullptr) {
  std::string s = rt::page_view(id, at, "", "pricing", account);
  if (received) s.insert(s.size() - 1, std::string(R"(,"received_at":")") + received + "\"");
  return s;
}

// Account a sends at 00:00, 01:00, 02:00 and stops; b keeps sending.
std::vector<std::string> a_stops() {
  return {view("a0", "2026-06-01T00:00:00Z", "a.io"), view("b0", "2026-06-01T00:10:00Z", "b.io"),
          view("a1", "2026-06-01T01:00:00Z", "a.io"), view("b1", "2026-06-01T01:10:00Z", "b.io"),
          view("a2", "2026-06-01T02:00:00Z", "a.io"), view("b2", "2026-06-01T02:10:00Z", "b.io"),
          view("b3", "2026-06-01T03:10:00Z", "b.io"), view("b4", "2026-06-01T04:10:00Z", "b.io")};
}

TEST(Rate, ASilentAccountsBucketClosesOnTheStreamClock) {
  rt::Harness h(hourly_drop_bundle());
  for (const auto& s : a_stops()) h.send(s);
  // Signals alone close only their own account's buckets: a's empty hour
  // 3 waits for a timer on the stream clock (b4's time).
  EXPECT_EQ(h.engine->stats().rates_fired, 0u);
  EXPECT_EQ(h.engine->stream_clock_ms(), 1780287000000);  // 2026-06-01T04:10Z
  rt::LineSink sink(h.bundle);
  EXPECT_EQ(h.engine->advance_clock(h.engine->stream_clock_ms(), sink), 1u);
  ASSERT_EQ(sink.actions.size(), 1u);
  EXPECT_NE(sink.actions[0].find(R"("signal":"rate:drop:a.io:1780286400000")"), std::string::npos)
      << sink.actions[0];  // hour 3's end, 04:00
  EXPECT_NE(sink.actions[0].find(R"("account":"a.io")"), std::string::npos) << sink.actions[0];
  rt::LineSink later(h.bundle);
  h.engine->advance_clock(h.engine->stream_clock_ms() + 10 * kHour, later);  // b stops too: its drop
  for (const auto& line : later.actions)                                     // a's episode fired once
    EXPECT_EQ(line.find("a.io"), std::string::npos) << line;
  EXPECT_EQ(later.actions.size(), 1u);
}

// Who closes a bucket (a timer before the signal, as `playc run` runs
// them, or the account's own signal, as in a playd batch) does not change
// the actions, nor their order before the signal's own outcome.
TEST(Rate, WhoClosesTheBucketDoesNotChangeTheActions) {
  std::vector<std::string> in = a_stops();
  in.back() = view("a5", "2026-06-01T05:30:00Z", "a.io");  // instead of b4: a's own signal closes hour 3
  std::vector<std::string> by_timer, by_signal;
  {
    rt::Harness h(hourly_drop_bundle());
    rt::LineSink sink(h.bundle);
    std::string err;
    for (const auto& s : in) {
      ASSERT_TRUE(h.decoder->decode(s, h.signal, err)) << err;
      h.engine->advance_clock(Engine::clock_time(h.signal), sink);
      h.engine->process(h.signal, sink);
    }
    h.engine->advance_clock(h.engine->stream_clock_ms(), sink);
    by_timer = sink.actions;
  }
  {
    rt::Harness h(hourly_drop_bundle());
    std::vector<std::string> lines;
    for (const auto& s : in)
      for (auto& line : h.send(s)) lines.push_back(line);
    // a5 closed a's hour 3 before its own plays ran.
    ASSERT_GE(lines.size(), 3u);
    EXPECT_NE(lines[lines.size() - 3].find("rate:drop:a.io:1780286400000"), std::string::npos);
    EXPECT_NE(lines.back().find(R"("signal":"a5")"), std::string::npos);
    for (const auto& line : lines)
      if (line.starts_with(R"({"kind":"action")")) by_signal.push_back(line);
    rt::LineSink sink(h.bundle);  // playd runs timers after a batch: b's silent hour 4
    h.engine->advance_clock(h.engine->stream_clock_ms(), sink);
    for (const auto& line : sink.actions) by_signal.push_back(line);
  }
  std::sort(by_timer.begin(), by_timer.end());
  std::sort(by_signal.begin(), by_signal.end());
  EXPECT_EQ(by_timer, by_signal);
  EXPECT_EQ(by_signal.size(), 2u);  // a's drop and b's
}

TEST(Rate, AFutureDatedSignalDoesNotMoveTheStreamClock) {
  rt::Harness h(hourly_drop_bundle());
  h.send(view("a0", "2026-06-01T00:00:00Z", "a.io"));
  h.send(view("f", "2026-06-03T00:00:00Z", "b.io", "2026-06-01T00:30:00Z"));
  EXPECT_EQ(h.engine->stream_clock_ms(), 1780273800000);  // 00:30, its received_at
  rt::LineSink sink(h.bundle);
  h.engine->advance_clock(h.engine->stream_clock_ms(), sink);
  EXPECT_TRUE(sink.lines.empty());  // a.io's hour 0 is still open
  auto out = h.send(view("a1", "2026-06-01T00:40:00Z", "a.io"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].find("counted, 2 in its bucket so far"), std::string::npos) << out[0];
}

}  // namespace
}  // namespace play::engine
