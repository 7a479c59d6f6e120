#include "runtime/engine/memory_ledger.h"

#include <algorithm>

namespace play::engine {

// Play names are identifiers, so the separator cannot occur in them.
std::string_view MemoryLedger::compose(std::string_view play, std::string_view key) {
  scratch_.assign(play);
  scratch_ += '\x1f';
  scratch_ += key;
  return scratch_;
}

std::optional<int64_t> MemoryLedger::last_fired(std::string_view play, std::string_view key) {
  auto it = fires_.find(compose(play, key));
  if (it == fires_.end()) return std::nullopt;
  return it->second;
}

void MemoryLedger::record_fire(std::string_view play, std::string_view key, int64_t at_ms) {
  auto k = compose(play, key);
  auto it = fires_.find(k);
  if (it == fires_.end())
    fires_.emplace(std::string(k), at_ms);
  else if (at_ms > it->second)
    it->second = at_ms;
}

uint64_t MemoryLedger::pool_cursor(std::string_view pool, bool advance) {
  auto it = cursors_.find(pool);
  if (it == cursors_.end()) it = cursors_.emplace(std::string(pool), 0).first;
  uint64_t at = it->second;
  if (advance) ++it->second;
  return at;
}

bool MemorySeenSignals::first_time(std::string_view id, int64_t occurred_at_ms) {
  clock_ = std::max(clock_, occurred_at_ms);
  if (current_since_ == INT64_MIN) current_since_ = clock_;
  if (ttl_ms_ > 0 && clock_ - current_since_ >= ttl_ms_) {
    // Every id of previous_ was first seen before current_since_, now at
    // least a TTL ago: all expired. current_'s may be live: they move over.
    previous_ = std::move(current_);
    current_ = Ids();
    if (clock_ - current_since_ >= 2 * ttl_ms_) previous_.clear();  // a gap: those expired too
    current_since_ = clock_;
  }
  auto live = [&](const Ids& ids) {
    auto it = ids.find(id);
    return it != ids.end() && (ttl_ms_ <= 0 || clock_ - it->second < ttl_ms_);
  };
  if (live(current_) || live(previous_)) return false;
  current_.insert_or_assign(std::string(id), clock_);
  return true;
}

}  // namespace play::engine
