#include "runtime/engine/memory_ledger.h"

// Inlined: ids are short, and a call into the shared library per hash cost
// more than the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>

namespace play::engine {

uint32_t MemoryLedger::play_id(std::string_view play, bool add) {
  auto at = play_at_.find(play.data());
  if (at != play_at_.end() && play_names_[at->second] == play) return at->second;
  uint32_t id;
  if (auto it = plays_.find(play); it != plays_.end()) {
    id = it->second;
  } else {
    if (!add) return kNone;
    id = static_cast<uint32_t>(play_names_.size());
    play_names_.emplace_back(play);
    plays_.emplace(std::string(play), id);
  }
  play_at_.insert_or_assign(play.data(), id);
  return id;
}

uint32_t MemoryLedger::entity_id(std::string_view key, bool add) {
  if (last_entity_id_ != kNone && key == last_entity_) return last_entity_id_;
  uint32_t id;
  if (auto it = entities_.find(key); it != entities_.end()) {
    id = it->second;
  } else {
    if (!add) return kNone;  // never fired for it: no need to remember it
    id = static_cast<uint32_t>(fires_.size());
    entities_.emplace(std::string(key), id);
    fires_.emplace_back();
  }
  last_entity_.assign(key);
  last_entity_id_ = id;
  return id;
}

void MemoryLedger::expect_plays(std::span<const std::string_view> names) {
  expected_.clear();
  for (std::string_view name : names) expected_.push_back(play_id(name, true));
  expected_names_.assign(names.begin(), names.end());
}

uint32_t MemoryLedger::play_at(uint32_t position, std::string_view play, bool add) {
  if (position < expected_.size() && expected_names_[position].data() == play.data() &&
      expected_names_[position].size() == play.size())
    return expected_[position];
  return play_id(play, add);
}

std::optional<int64_t> MemoryLedger::last_fired_at(uint32_t position, std::string_view play,
                                                   std::string_view key) {
  return last_fired(play_at(position, play, false), key);
}

void MemoryLedger::record_fire_at(uint32_t position, std::string_view play, std::string_view key,
                                  int64_t at_ms) {
  record_fire(play_at(position, play, true), key, at_ms);
}

// An entity's table is read by the first question of its signal: without
// this, a cache miss per play asked about (a fifth of an action-heavy run).
//
// Only while the plays ask often enough to pay for it: where most plays
// stop at their filters (the standard bench corpus: about one question a
// signal), finding the entities a signal ahead cost more than it saved.
void MemoryLedger::prefetch(PrefetchStep step, std::string_view key, std::span<const uint32_t> positions) {
  if (step == PrefetchStep::States && ++prefetches_ == kSample) {
    prefetching_ = questions_ >= kWorthIt * kSample;
    prefetches_ = questions_ = 0;
  }
  if (!prefetching_) return;
  if (step == PrefetchStep::Key) return entities_.prefetch(key);
  auto it = entities_.find(key);
  if (it == entities_.end()) return;
  const auto& fires = fires_[it->second];
  if (step == PrefetchStep::Table) return __builtin_prefetch(&fires);
  // Four entries share a cache line (NearbyHash keeps neighbouring ids
  // together): one prefetch per line the plays' ids fall on.
  uint32_t line = UINT32_MAX;
  for (uint32_t pos : positions)
    if (pos < expected_.size() && expected_[pos] / 4 != line) {
      line = expected_[pos] / 4;
      fires.prefetch(expected_[pos]);
    }
}

std::optional<int64_t> MemoryLedger::last_fired(std::string_view play, std::string_view key) {
  return last_fired(play_id(play, false), key);
}

void MemoryLedger::record_fire(std::string_view play, std::string_view key, int64_t at_ms) {
  record_fire(play_id(play, true), key, at_ms);
}

std::optional<int64_t> MemoryLedger::last_fired(uint32_t play, std::string_view key) {
  ++questions_;
  if (play == kNone) return std::nullopt;
  uint32_t e = entity_id(key, false);
  if (e == kNone) return std::nullopt;
  const auto& fires = fires_[e];
  auto it = fires.find(play);
  if (it == fires.end()) return std::nullopt;
  return it->second;
}

void MemoryLedger::record_fire(uint32_t play, std::string_view key, int64_t at_ms) {
  auto [it, added] = fires_[entity_id(key, true)].try_emplace(play, at_ms);
  if (added)
    ++fire_count_;
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

MemorySeenSignals::MemorySeenSignals(int64_t ttl_ms)
    : ttl_ms_(ttl_ms), unit_ms_(std::max<int64_t>(1, (ttl_ms >> 32) + 1)) {}

MemorySeenSignals::Key MemorySeenSignals::key_of(std::string_view id) {
  XXH128_hash_t h = XXH3_128bits(id.data(), id.size());
  return {{static_cast<uint32_t>(h.low64), static_cast<uint32_t>(h.low64 >> 32),
           static_cast<uint32_t>(h.high64)}};
}

void MemorySeenSignals::prefetch(std::string_view id) const {
  Key k = key_of(id);
  current_.prefetch(k);
  previous_.prefetch(k);
}

bool MemorySeenSignals::live(const Ids& ids, const Key& k, int64_t since) const {
  auto it = ids.find(k);
  return it != ids.end() && (ttl_ms_ <= 0 || clock_ - (since + int64_t{it->second} * unit_ms_) < ttl_ms_);
}

bool MemorySeenSignals::first_time(std::string_view id, int64_t occurred_at_ms) {
  clock_ = std::max(clock_, occurred_at_ms);
  if (current_since_ == INT64_MIN) current_since_ = clock_;
  if (ttl_ms_ > 0 && clock_ - current_since_ >= ttl_ms_) {
    // Every id of previous_ was first seen before current_since_, now at
    // least a TTL ago: all expired. current_'s may be live: they move over.
    previous_ = std::move(current_);
    previous_since_ = current_since_;
    current_ = Ids();
    if (clock_ - current_since_ >= 2 * ttl_ms_) previous_.clear();  // a gap: those expired too
    current_since_ = clock_;
  }
  Key k = key_of(id);
  if (live(current_, k, current_since_) || live(previous_, k, previous_since_)) return false;
  // Within a generation the clock stays less than a TTL past its start, so
  // the offset fits; without a TTL it is never read.
  int64_t offset = ttl_ms_ > 0 ? (clock_ - current_since_) / unit_ms_ : 0;
  current_.insert_or_assign(k, static_cast<uint32_t>(offset));
  return true;
}

}  // namespace play::engine
