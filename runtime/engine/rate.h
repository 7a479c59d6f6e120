// `on rate(T, W) OP k * baseline(T, H) per X` (docs/language.md section 12,
// "Rate against the entity's own baseline"): per play and account (or
// contact), the matching signals are counted per bucket of width W aligned
// to the Unix epoch (1d: UTC days), by event time. A bucket closes when the
// engine's stream clock (the newest signal of any key, Engine::stream_clock_ms)
// minus the lateness reaches its end -- not the key's own clock: an account
// that stops sending still has its buckets closed, which is the drop that
// matters most. Each closed bucket (empty ones count 0) is compared, in
// order, with k times the mean count of the H/W buckets before it, once all
// of them were seen (warm-up: no comparison before). When a closed bucket's
// comparison becomes true the play fires, once, on a synthetic signal
// `rate:<play>:<key>:<bucket end>` (docs/signals.md), and re-arms when a
// later bucket's is false (an episode fires once).
//
// Who closes a bucket does not change what it decides: a timer (the state's
// timer_ms, rate_timer_ms(): the end plus the lateness of the first bucket
// whose close would fire) on the stream clock, or the key's own next
// signal, before that signal's plays run (Engine::close_rates).
#pragma once

#include <cstdint>

#include "runtime/engine/patterns.h"
#include "runtime/vm/bundle.h"

namespace play::engine {

// The start of the bucket holding `at_ms` (floor, negative times too).
int64_t rate_bucket(int64_t at_ms, int64_t window_ms);

// What closing buckets did, for the outcome's reason.
struct RateStep {
  int64_t closed = 0;        // buckets closed
  bool fired = false;        // a closed bucket's comparison became true
  int64_t fired_end_ms = 0;  // ... the end of that bucket (close_buckets: the one it stopped at)
  bool evaluated = false;    // the last closed bucket was compared (its history was full)
  bool held = false;         // ... and the comparison held
  uint32_t count = 0;        // the last closed bucket's count
  uint64_t sum = 0;          // the sum of its history (its baseline is sum / H/W)
  uint32_t history = 0;      // buckets of history it had
};

// Closes the open buckets whose end is at or before `until_ms` (the stream
// clock minus the lateness), oldest first, comparing each; stops right
// after one whose comparison fired (step.fired, fired_end_ms), so that the
// caller fires it before closing the rest: call again until it does not
// fire. No allocation once the state's history has grown to H/W.
RateStep close_buckets(const vm::Pattern& p, PatternState& st, int64_t until_ms);
// All of them: fired when any fired (tests, and what a reason reports).
RateStep close_all_buckets(const vm::Pattern& p, PatternState& st, int64_t until_ms);

// When the state's timer runs: the end plus the lateness of the first
// bucket whose close would fire if no signal came (a stream clock at or
// past it closes every bucket up to it), INT64_MIN when none would -- no
// bucket yet, or the account settles first (a full history of zeros, no
// signal open and the episode flag at what an empty bucket gives: every
// later close is the same). Buckets that cannot fire are closed later, by
// the next timer or signal: the same state, the same decisions, and a
// silent account costs one timer run per fire, not one per bucket (a 1h
// rate against 28d would otherwise run 672 timers after each signal).
// A settled state is purgeable.
int64_t rate_timer_ms(const vm::Pattern& p, const PatternState& st);

// Counts a signal at `at_ms` into the state, after closing what the clock
// max(clock_ms, at_ms) closes (a signal that occurs ahead of the stream
// clock closes its own key's buckets up to its time, no other key's). False:
// late (its bucket has closed), not counted. Sets the state's timer_ms.
bool count_rate_signal(const vm::Pattern& p, PatternState& st, int64_t at_ms, RateStep& step,
                       int64_t clock_ms = INT64_MIN);

}  // namespace play::engine
