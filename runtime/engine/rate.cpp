// The rate form (rate.h): buckets, their comparison and timer, and the
// engine's part -- closing a key's buckets on the stream clock, firing each
// fire on a synthetic signal (absence.cpp fire_synthetic), counting.
#include "runtime/engine/rate.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <numeric>

#include "runtime/engine/engine.h"
#include "runtime/engine/play_info.h"

namespace play::engine {

int64_t rate_bucket(int64_t at_ms, int64_t window_ms) {
  int64_t q = at_ms / window_ms;
  if (at_ms % window_ms < 0) --q;
  return q * window_ms;
}

namespace {

// count OP k * (sum / n), exactly: count * n * 1e6 OP k_micros * sum.
bool compare(const vm::Pattern& p, uint32_t count, uint64_t sum, size_t n) {
  __int128 left = static_cast<__int128>(count) * static_cast<__int128>(n) * 1000000;
  __int128 right = static_cast<__int128>(p.factor_micros) * static_cast<__int128>(sum);
  switch (p.cmp) {
    case vm::RateCmp::Lt:
      return left < right;
    case vm::RateCmp::Le:
      return left <= right;
    case vm::RateCmp::Gt:
      return left > right;
    case vm::RateCmp::Ge:
      return left >= right;
    case vm::RateCmp::kCount:
      break;
  }
  return false;
}

}  // namespace

RateStep close_buckets(const vm::Pattern& p, PatternState& st, int64_t until_ms) {
  RateStep r;
  if (st.rate().open_bucket_ms == INT64_MIN || p.within_ms <= 0) return r;
  const int64_t w = p.within_ms;
  const size_t n = static_cast<size_t>(p.baseline_ms / w);
  auto& closed = st.rate().closed_counts;
  if (st.rate().open_bucket_ms > until_ms - w) return r;  // nothing to close: the common case
  if (closed.capacity() < n + 1) closed.reserve(n + 1);   // once per state
  uint64_t sum = std::accumulate(closed.begin(), closed.end(), uint64_t{0});
  while (st.rate().open_bucket_ms <= until_ms - w) {
    // Once the history is full of zeros, the open buckets are empty and a
    // 0-against-0 comparison has settled rate_held, every later close is
    // the same: skip them (a long silence costs O(H/W), not O(silence/W)).
    bool settled = r.evaluated && r.count == 0 && r.sum == 0 && sum == 0 && st.rate().open_counts[0] == 0 &&
                   st.rate().open_counts[1] == 0;
    if (settled || r.closed > static_cast<int64_t>(n) + 3) {
      int64_t skip = (until_ms - w - st.rate().open_bucket_ms) / w + 1;
      st.rate().open_bucket_ms += skip * w;
      r.closed += skip;
      break;
    }
    uint32_t count = st.rate().open_counts[0];
    st.rate().open_counts[0] = st.rate().open_counts[1];
    st.rate().open_counts[1] = 0;
    st.rate().open_bucket_ms += w;
    ++r.closed;
    r.count = count;
    r.history = static_cast<uint32_t>(closed.size());
    r.evaluated = r.held = false;
    if (closed.size() == n) {  // a full history: compare
      r.sum = sum;
      r.evaluated = true;
      r.held = compare(p, count, sum, n);
      if (r.held && !st.rate().rate_held) r.fired = true, r.fired_end_ms = st.rate().open_bucket_ms;
      st.rate().rate_held = r.held;
      sum -= closed.front();
      closed.erase(closed.begin());
    }
    closed.push_back(count);
    sum += count;
    if (r.fired) break;  // the caller fires it before the next bucket closes
  }
  return r;
}

RateStep close_all_buckets(const vm::Pattern& p, PatternState& st, int64_t until_ms) {
  RateStep all;
  for (;;) {
    RateStep r = close_buckets(p, st, until_ms);
    if (!r.closed) return all;
    int64_t closed = all.closed + r.closed;
    bool fired = all.fired || r.fired;
    int64_t fired_end = all.fired ? all.fired_end_ms : r.fired_end_ms;
    all = r;
    all.closed = closed;
    all.fired = fired;
    all.fired_end_ms = fired_end;
    if (!r.fired) return all;
  }
}

// Closing later gives the same state as closing now (close_buckets is the
// same in one step or many), so the timer only needs to run where a close
// can fire: simulate closing the open buckets, then empty ones, without
// touching the state, until one's comparison fires (its end plus the
// lateness) or everything later is the same (nothing to run). At most
// H/W + 3 steps, no allocation.
int64_t rate_timer_ms(const vm::Pattern& p, const PatternState& st) {
  if (st.rate().open_bucket_ms == INT64_MIN || p.within_ms <= 0) return INT64_MIN;
  const size_t n = static_cast<size_t>(p.baseline_ms / p.within_ms);
  const auto& hist = st.rate().closed_counts;
  const size_t h = hist.size();
  // The counts in closing order: the history, then the open buckets, then empty ones.
  auto at = [&](size_t k) -> uint64_t {
    if (k < h) return hist[k];
    k -= h;
    return k < 2 ? st.rate().open_counts[k] : 0;
  };
  uint64_t sum = std::accumulate(hist.begin(), hist.end(), uint64_t{0});
  bool held = st.rate().rate_held;
  const bool zero_holds = compare(p, 0, 0, n);
  for (size_t j = 0; j <= n + 3; ++j) {
    size_t size = std::min(h + j, n);  // the history before closing bucket j
    uint32_t count = static_cast<uint32_t>(at(h + j));
    if (size == n && j >= 2 && sum == 0 && held == zero_holds) return INT64_MIN;  // settled
    if (size == n) {
      bool holds = compare(p, count, sum, n);
      if (holds && !held)
        return st.rate().open_bucket_ms + static_cast<int64_t>(j + 1) * p.within_ms + p.lateness_ms;
      held = holds;
      sum -= at(h + j - n);
    }
    sum += count;
  }
  return INT64_MIN;
}

bool count_rate_signal(const vm::Pattern& p, PatternState& st, int64_t at_ms, RateStep& step,
                       int64_t clock_ms) {
  const int64_t w = p.within_ms;
  int64_t bucket = rate_bucket(at_ms, w);
  step = close_all_buckets(p, st, std::max(clock_ms, at_ms) - p.lateness_ms);
  if (st.rate().open_bucket_ms == INT64_MIN)
    st.rate().open_bucket_ms = bucket;  // the entity's first bucket: its history starts here
  else if (bucket < st.rate().open_bucket_ms)
    return st.timer_ms = rate_timer_ms(p, st), false;  // its bucket has closed (and was compared)
  st.max_seen_ms = std::max(st.max_seen_ms, at_ms);
  // With lateness <= W, the signal's bucket is the oldest open one or the next.
  int64_t i = (bucket - st.rate().open_bucket_ms) / w;
  uint32_t& c = st.rate().open_counts[std::clamp<int64_t>(i, 0, 1)];
  if (c < UINT32_MAX) ++c;
  st.timer_ms = rate_timer_ms(p, st);
  return true;
}

bool Engine::close_rate(uint32_t pi, std::string_view key, int64_t until_ms, OutputSink& out) {
  const vm::Pattern& p = bundle_.plays[pi].pattern;
  const PlayInfo& info = plays_[pi];
  const PatternId pattern{info.pattern_index, pattern_count_, info.name, info.pattern_hash};
  bool fired = false;
  for (;;) {
    PatternState& st = patterns_->state(pattern, key);  // again after a fire: the store's view may move
    RateStep step = close_buckets(p, st, until_ms);
    int64_t timer = rate_timer_ms(p, st);
    // A timer found due that closes nothing (read stale) is written as the
    // state says, so a store stops finding it.
    if (step.closed || timer != st.timer_ms) {
      st.timer_ms = timer;
      patterns_->changed(pattern, key);
    }
    if (!step.fired) return fired;
    fire_synthetic(pi, key, step.fired_end_ms, out);
    fired = true;
  }
}

void Engine::close_rates(const DecodedSignal& s, OutputSink& out) {
  resolve_context(s);
  for (uint32_t pi : rate_plays_by_type_[s.type]) {
    const vm::Pattern& p = bundle_.plays[pi].pattern;
    const PlayInfo& info = plays_[pi];
    std::string_view key = p.per == vm::Per::Contact ? contact_key_ : account_key_;
    if (key.empty()) continue;
    const PatternId pattern{info.pattern_index, pattern_count_, info.name, info.pattern_hash};
    if (!patterns_->has_state(pattern, key)) continue;  // nothing to close; no state made for it
    close_key_.assign(key);
    if (close_rate(pi, close_key_, std::max(stream_clock_ms_, s.occurred_at_ms) - p.lateness_ms, out))
      resolve_context(s);  // the fire resolved the synthetic signal's
  }
}

// The rate part of Engine::completes_pattern: counts the signal into its
// bucket. close_rates() closed what the clock closes before the plays ran;
// a bucket closed here after all (the signal's key changed on the way)
// fires after this signal's plays, as an absence a signal ended does.
bool Engine::counts_rate(const vm::Pattern& p, const PatternId& id, std::string_view key, PatternState& st,
                         const DecodedSignal& s, std::string_view window, Outcome& o) {
  auto pending = [&](std::string_view why) {
    o.kind = OutcomeKind::NoMatch;
    o.clause_pos = p.pos;
    o.reason = why;
    return false;
  };
  const int64_t until = std::max(stream_clock_ms_, s.occurred_at_ms) - p.lateness_ms;
  bool closed = false;
  for (;;) {
    RateStep r = close_buckets(p, st, until);
    closed = closed || r.closed;
    if (!r.fired) break;
    ended_.push_back({pattern_plays_[id.index], std::string(key), r.fired_end_ms});
  }
  RateStep step;
  bool counted = count_rate_signal(p, st, s.occurred_at_ms, step, stream_clock_ms_);
  if (counted || closed) patterns_->changed(id, key);
  if (!counted) {
    ++stats_.late_signals;
    static_assert(std::string_view("not counted: late, its bucket has closed").starts_with(kLateReason));
    return pending("not counted: late, its bucket has closed");
  }
  if (!wants_progress_) return pending(kPatternPending);
  char buf[96];
  int64_t i = (rate_bucket(s.occurred_at_ms, p.within_ms) - st.rate().open_bucket_ms) / p.within_ms;
  std::snprintf(buf, sizeof buf, "counted, %" PRIu32 " in its bucket so far",
                st.rate().open_counts[std::clamp<int64_t>(i, 0, 1)]);
  pattern_reason_.assign(buf);
  pattern_reason_ += window;
  return pending(pattern_reason_);
}

}  // namespace play::engine
