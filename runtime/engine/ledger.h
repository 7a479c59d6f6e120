// What plays have done, as far as later signals care: the action-level
// dedup ledger (`unless fired within`), round-robin cursors, and the
// event-level dedup of signal ids. Interfaces, because playd keeps them in
// its store (durable, shared by nodes) while `playc run` keeps them in
// memory (MemoryLedger, MemorySeenSignals).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

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
