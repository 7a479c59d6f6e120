// What plays have done, as far as later signals care: the action-level
// dedup ledger (`unless fired within`), round-robin cursors, and the
// event-level dedup of signal ids. Interfaces, because playd keeps them in
// its store (durable, shared by nodes) while `playc run` keeps them in
// memory (MemoryLedger, MemorySeenSignals).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "runtime/engine/prefetch.h"

namespace play::engine {

class Ledger {
 public:
  virtual ~Ledger() = default;
  // When `play` last fired for `key` (a contact email, an account domain,
  // or "" when the signal named neither), if ever.
  virtual std::optional<int64_t> last_fired(std::string_view play, std::string_view key) = 0;
  // Records a fire at `at_ms` (event time). Keeps the latest time when
  // signals arrive out of order.
  virtual void record_fire(std::string_view play, std::string_view key, int64_t at_ms) = 0;
  // Round-robin position of pool `pool`: returns the cursor (0, 1, 2, ...;
  // the engine takes it modulo the pool's size) and, if `advance`,
  // increments it. Deterministic: it depends only on the order of calls.
  virtual uint64_t pool_cursor(std::string_view pool, bool advance) = 0;
  // The engine's plays in the order it asks about them (those of one signal
  // type together), once, before any question: an in-memory ledger numbers
  // them so, and keeps one signal's answers near each other.
  virtual void expect_plays(std::span<const std::string_view> /*names*/) {}
  // last_fired and record_fire for the play at `position` of that order,
  // named `play` as there: an in-memory ledger finds it by the position.
  virtual std::optional<int64_t> last_fired_at(uint32_t /*position*/, std::string_view play,
                                               std::string_view key) {
    return last_fired(play, key);
  }
  virtual void record_fire_at(uint32_t /*position*/, std::string_view play, std::string_view key,
                              int64_t at_ms) {
    record_fire(play, key, at_ms);
  }
  // Soon asked about `key` and the plays at `positions` of expect_plays'
  // order (a signal's plays, Engine::prefetch): an in-memory ledger starts
  // loading them, one step a signal apart. Changes nothing.
  virtual void prefetch(PrefetchStep /*step*/, std::string_view /*key*/,
                        std::span<const uint32_t> /*positions*/) {}
};

class SeenSignals {
 public:
  virtual ~SeenSignals() = default;
  // True the first time `id` is seen (and remembers it), false for a repeat.
  virtual bool first_time(std::string_view id, int64_t occurred_at_ms) = 0;
  // first_time(id) comes soon: an in-memory set starts loading its entry.
  virtual void prefetch(std::string_view /*id*/) const {}
};

}  // namespace play::engine
