// In-memory Ledger and SeenSignals (playc run / playc test; tests). They
// remember everything for the life of the process: backtests are bounded.
#pragma once

#include <absl/container/flat_hash_set.h>

#include <string>
#include <unordered_map>

#include "common/text.h"
#include "runtime/engine/ledger.h"

namespace play::engine {

class MemoryLedger : public Ledger {
 public:
  std::optional<int64_t> last_fired(std::string_view play, std::string_view key) override;
  void record_fire(std::string_view play, std::string_view key, int64_t at_ms) override;
  uint64_t pool_cursor(std::string_view pool, bool advance) override;

 private:
  std::string_view compose(std::string_view play, std::string_view key);
  std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>> fires_;  // "play\x1fkey"
  std::unordered_map<std::string, uint64_t, StringHash, std::equal_to<>> cursors_;
  std::string scratch_;
};

class MemorySeenSignals : public SeenSignals {
 public:
  bool first_time(std::string_view id, int64_t occurred_at_ms) override;
  size_t size() const { return seen_.size(); }

 private:
  // A flat (open-addressing) table: a backtest asks once per signal, and
  // std::unordered_set's node per id was a cache miss and a malloc each.
  absl::flat_hash_set<std::string, StringHash, std::equal_to<>> seen_;
};

}  // namespace play::engine
