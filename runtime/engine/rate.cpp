#include "runtime/engine/rate.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <numeric>

#include "runtime/engine/engine.h"

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
  if (st.open_bucket_ms == INT64_MIN || p.within_ms <= 0) return r;
  const int64_t w = p.within_ms;
  const size_t n = static_cast<size_t>(p.baseline_ms / w);
  auto& closed = st.closed_counts;
  if (st.open_bucket_ms > until_ms - w) return r;        // nothing to close: the common case
  if (closed.capacity() < n + 1) closed.reserve(n + 1);  // once per state
  uint64_t sum = std::accumulate(closed.begin(), closed.end(), uint64_t{0});
  while (st.open_bucket_ms <= until_ms - w) {
    // Once the history is full of zeros, the open buckets are empty and a
    // 0-against-0 comparison has settled rate_held, every later close is
    // the same: skip them (a long silence costs O(H/W), not O(silence/W)).
    bool settled = r.evaluated && r.count == 0 && r.sum == 0 && sum == 0 && st.open_counts[0] == 0 &&
                   st.open_counts[1] == 0;
    if (settled || r.closed > static_cast<int64_t>(n) + 3) {
      int64_t skip = (until_ms - w - st.open_bucket_ms) / w + 1;
      st.open_bucket_ms += skip * w;
      r.closed += skip;
      break;
    }
    uint32_t count = st.open_counts[0];
    st.open_counts[0] = st.open_counts[1];
    st.open_counts[1] = 0;
    st.open_bucket_ms += w;
    ++r.closed;
    r.count = count;
    r.history = static_cast<uint32_t>(closed.size());
    r.evaluated = r.held = false;
    if (closed.size() == n) {  // a full history: compare
      r.sum = sum;
      r.evaluated = true;
      r.held = compare(p, count, sum, n);
      if (r.held && !st.rate_held) r.fired = true;
      st.rate_held = r.held;
      sum -= closed.front();
      closed.erase(closed.begin());
    }
    closed.push_back(count);
    sum += count;
  }
  return r;
}

bool count_rate_signal(const vm::Pattern& p, PatternState& st, int64_t at_ms, RateStep& step) {
  const int64_t w = p.within_ms;
  int64_t bucket = rate_bucket(at_ms, w);
  if (st.open_bucket_ms == INT64_MIN)
    st.open_bucket_ms = bucket;  // the entity's first bucket: its history starts here
  else if (bucket < st.open_bucket_ms)
    return false;  // its bucket has closed (and was compared)
  st.max_seen_ms = std::max(st.max_seen_ms, at_ms);
  step = close_buckets(p, st, st.max_seen_ms - p.lateness_ms);
  // With lateness <= W, the signal's bucket is the oldest open one or the next.
  int64_t i = (bucket - st.open_bucket_ms) / w;
  uint32_t& c = st.open_counts[std::clamp<int64_t>(i, 0, 1)];
  if (c < UINT32_MAX) ++c;
  return true;
}

// The rate part of Engine::completes_pattern: count, close, compare. The
// signal fires the play when a bucket it closed made the comparison true.
bool Engine::counts_rate(const vm::Pattern& p, const PatternId& id, std::string_view key, PatternState& st,
                         const DecodedSignal& s, std::string_view window, Outcome& o) {
  auto pending = [&](std::string_view why) {
    o.kind = OutcomeKind::NoMatch;
    o.clause_pos = p.pos;
    o.reason = why;
    return false;
  };
  RateStep step;
  if (!count_rate_signal(p, st, s.occurred_at_ms, step)) {
    ++stats_.late_signals;
    static_assert(std::string_view("not counted: late, its bucket has closed").starts_with(kLateReason));
    return pending("not counted: late, its bucket has closed");
  }
  patterns_->changed(id, key);
  if (step.fired) return true;
  if (!wants_progress_) return pending(kPatternPending);
  char buf[160];
  size_t n = static_cast<size_t>(p.baseline_ms / p.within_ms);
  if (!step.closed) {
    std::snprintf(buf, sizeof buf, "counted, its bucket still open");
  } else if (!step.evaluated) {
    std::snprintf(buf, sizeof buf,
                  "closed a bucket of %" PRIu32 "; warming up: %" PRIu32 " of %zu buckets of history",
                  step.count, step.history, n);
  } else {
    std::snprintf(buf, sizeof buf, "closed a bucket of %" PRIu32 " against a baseline of %.2f: %s",
                  step.count, static_cast<double>(step.sum) / static_cast<double>(n),
                  step.held ? "holds, fired already this episode" : "does not hold");
  }
  pattern_reason_.assign(buf);
  pattern_reason_ += window;
  return pending(pattern_reason_);
}

}  // namespace play::engine
