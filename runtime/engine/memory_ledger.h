// In-memory Ledger and SeenSignals (playc run / playc test; tests). The
// ledger holds a fire per play and entity (bounded by the entities); the
// seen ids are forgotten after the dedup TTL, as playd's store forgets them.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <string>

#include "runtime/engine/key_hash.h"
#include "runtime/engine/ledger.h"

namespace play::engine {

class MemoryLedger : public Ledger {
 public:
  std::optional<int64_t> last_fired(std::string_view play, std::string_view key) override;
  void record_fire(std::string_view play, std::string_view key, int64_t at_ms) override;
  uint64_t pool_cursor(std::string_view pool, bool advance) override;

 private:
  std::string_view compose(std::string_view play, std::string_view key);
  // Flat tables: a backtest asks for every play that passes its clauses.
  absl::flat_hash_map<std::string, int64_t, KeyHash, std::equal_to<>> fires_;  // "play\x1fkey"
  absl::flat_hash_map<std::string, uint64_t, KeyHash, std::equal_to<>> cursors_;
  std::string scratch_;
};

// A repeat of an id is a duplicate while the stream clock (the newest
// occurred_at so far) is less than `ttl_ms` past the id's first sighting:
// playd's store.dedup_ttl, in event time. Ids are kept in two generations,
// each spanning at least the TTL, and the older is dropped whole once all
// its ids have expired: memory follows the ids of about two TTLs of input,
// not all of it. ttl_ms 0: remember every id.
class MemorySeenSignals : public SeenSignals {
 public:
  explicit MemorySeenSignals(int64_t ttl_ms = 0) : ttl_ms_(ttl_ms) {}
  bool first_time(std::string_view id, int64_t occurred_at_ms) override;
  void prefetch(std::string_view id) const override {
    current_.prefetch(id);
    previous_.prefetch(id);
  }
  size_t size() const { return current_.size() + previous_.size(); }

 private:
  using Ids = absl::flat_hash_map<std::string, int64_t, KeyHash, std::equal_to<>>;  // id -> first seen
  int64_t ttl_ms_;
  int64_t clock_ = INT64_MIN;
  int64_t current_since_ = INT64_MIN;  // the stream clock when current_ began
  // Flat (open-addressing) tables: a backtest asks once per signal, and
  // std::unordered_set's node per id was a cache miss and a malloc each.
  Ids current_, previous_;
};

}  // namespace play::engine
