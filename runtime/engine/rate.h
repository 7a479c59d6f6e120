// `on rate(T, W) OP k * baseline(T, H) per X` (docs/language.md section 12,
// "Rate against the entity's own baseline"): per play and account (or
// contact), the matching signals are counted per bucket of width W aligned
// to the Unix epoch (1d: UTC days), by event time. A bucket closes when the
// key's stream clock minus the lateness reaches its end; each closed bucket
// (empty ones count 0) is compared, in order, with k times the mean count of
// the H/W buckets before it, once all of them were seen (warm-up: no
// comparison before). The play fires on the closing signal when a closed
// bucket's comparison becomes true, and re-arms when a later bucket's is
// false (an episode fires once).
//
// close_buckets takes the clock it closes up to, so a timer (the service's
// clock in playd, the stream's in `playc run`) can drive it as well as a
// signal.
#pragma once

#include <cstdint>

#include "runtime/engine/patterns.h"
#include "runtime/vm/bundle.h"

namespace play::engine {

// The start of the bucket holding `at_ms` (floor, negative times too).
int64_t rate_bucket(int64_t at_ms, int64_t window_ms);

// What closing buckets did, for the outcome's reason.
struct RateStep {
  int64_t closed = 0;      // buckets closed
  bool fired = false;      // a closed bucket's comparison became true
  bool evaluated = false;  // the last closed bucket was compared (its history was full)
  bool held = false;       // ... and the comparison held
  uint32_t count = 0;      // the last closed bucket's count
  uint64_t sum = 0;        // the sum of its history (its baseline is sum / H/W)
  uint32_t history = 0;    // buckets of history it had
};

// Closes every open bucket whose end is at or before `until_ms` (the stream
// clock minus the lateness), comparing each. No allocation once the state's
// history has grown to H/W.
RateStep close_buckets(const vm::Pattern& p, PatternState& st, int64_t until_ms);

// Counts a signal at `at_ms` into the state, after closing what its clock
// closes. False: late (its bucket has closed), not counted.
bool count_rate_signal(const vm::Pattern& p, PatternState& st, int64_t at_ms, RateStep& step);

}  // namespace play::engine
