#include "runtime/engine/patterns.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

namespace play::engine {

const RateBuckets PatternState::kNoBuckets;

uint64_t pattern_id_hash(std::string_view id) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable, it is stored
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  return h;
}

namespace {

// The first byte says what follows the common part (max_seen i64, fired_at
// i64, entry count u32, per entry at i64, id u64, member u32):
constexpr uint8_t kStateFormat = 1;       // nothing (count, all of; a score at 0)
constexpr uint8_t kRateStateFormat = 2;   // a rate's buckets
constexpr uint8_t kScoreStateFormat = 3;  // a score's value (f64 bits)

void put64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t get64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}

void put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint32_t get32(const unsigned char* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// Format 2 (a rate) after the common bytes: open bucket i64, its count and
// the next's u32 u32, held u8, closed count u32, each closed count u32.
constexpr size_t kRateHeader = 8 + 4 + 4 + 1 + 4;

}  // namespace

// Format 3 keeps the score as its IEEE bits: stored exactly, so a restart
// continues the same value. A score of 0 is format 1 (it decodes as 0).
void encode_pattern_state(const PatternState& s, std::string& out) {
  out.clear();
  bool rate = s.has_rate();
  bool score = !rate && s.score != 0;
  out.push_back(static_cast<char>(rate ? kRateStateFormat : score ? kScoreStateFormat : kStateFormat));
  put64(out, static_cast<uint64_t>(s.max_seen_ms));
  put64(out, static_cast<uint64_t>(s.fired_at_ms));
  put32(out, static_cast<uint32_t>(s.entries.size()));
  for (const auto& e : s.entries) {
    put64(out, static_cast<uint64_t>(e.at_ms));
    put64(out, e.id_hash);
    put32(out, e.member);
  }
  if (score) {
    uint64_t bits;
    std::memcpy(&bits, &s.score, 8);
    put64(out, bits);
  }
  if (!rate) return;
  put64(out, static_cast<uint64_t>(s.rate().open_bucket_ms));
  put32(out, s.rate().open_counts[0]);
  put32(out, s.rate().open_counts[1]);
  out.push_back(static_cast<char>(s.rate().rate_held ? 1 : 0));
  put32(out, static_cast<uint32_t>(s.rate().closed_counts.size()));
  for (uint32_t c : s.rate().closed_counts) put32(out, c);
}

bool decode_pattern_state(std::string_view bytes, PatternState& out) {
  out.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 21 || p[0] < kStateFormat || p[0] > kScoreStateFormat) return false;
  uint32_t n = get32(p + 17);
  size_t rest = bytes.size() - 21;
  if (rest / 20 < n) return false;
  rest -= 20 * size_t(n);
  const unsigned char* tail = p + 21 + 20 * size_t(n);
  if (p[0] == kStateFormat && rest != 0) return false;
  if (p[0] == kScoreStateFormat) {
    if (rest != 8) return false;
    uint64_t bits = get64(tail);
    std::memcpy(&out.score, &bits, 8);
    if (!std::isfinite(out.score)) return out.clear(), false;
  }
  if (p[0] == kRateStateFormat) {
    if (rest < kRateHeader) return false;
    uint32_t closed = get32(tail + 17);
    if ((rest - kRateHeader) / 4 != closed || (rest - kRateHeader) % 4 != 0 || tail[16] > 1) return false;
    out.rate().open_bucket_ms = static_cast<int64_t>(get64(tail));
    if (out.rate().open_bucket_ms == INT64_MIN) return out.clear(), false;
    out.rate().open_counts[0] = get32(tail + 8);
    out.rate().open_counts[1] = get32(tail + 12);
    out.rate().rate_held = tail[16] == 1;
    out.rate().closed_counts.resize(closed);
    for (uint32_t i = 0; i < closed; ++i)
      out.rate().closed_counts[i] = get32(tail + kRateHeader + 4 * size_t(i));
  }
  out.max_seen_ms = static_cast<int64_t>(get64(p + 1));
  out.fired_at_ms = static_cast<int64_t>(get64(p + 9));
  out.entries.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    const unsigned char* e = p + 21 + 20 * size_t(i);
    int64_t at = static_cast<int64_t>(get64(e));
    uint32_t member = get32(e + 16);
    // What PatternEntry holds (a signal's time, a member number): anything
    // else was never written by encode_pattern_state.
    if (at < -(int64_t{1} << 55) || at >= (int64_t{1} << 55) || member > 255) return out.clear(), false;
    out.entries[i].at_ms = at;
    out.entries[i].id_hash = get64(e + 8);
    out.entries[i].member = member;
  }
  return true;
}

// The plays a signal reaches ask for the same key in turn: the last one
// found is kept (until the next insertion, which may move the table's
// values: last_ is then the inserted one).
MemoryPatterns::Key& MemoryPatterns::find(std::string_view key) {
  if (last_ && key == last_key_) return *last_;
  auto it = keys_.find(key);
  if (it == keys_.end()) it = keys_.try_emplace(std::string(key), &arena_).first;
  last_key_.assign(key);
  return *(last_ = &it->second);
}

PatternState& MemoryPatterns::state(const PatternId& id, std::string_view key) {
  Key& k = find(key);
  if (id.index >= k.at.size()) {  // once per key
    k.at.resize(std::max(id.index + 1, id.count));
    // Room for every pattern at once: an account reaches most of them, and
    // growing by doubling moved its states about six times.
    k.slots.reserve(id.count);
  }
  if (id.index >= plays_.size()) plays_.resize(std::max(id.index + 1, id.count));
  uint32_t& at = k.at[id.index];
  if (!at) {  // a new state, constructed empty (not written twice: most states are new ones)
    k.slots.emplace_back().hash = id.hash;
    at = uint32_t(k.slots.size());
    plays_[id.index] = id.play;
    ++windows_;
    return k.slots.back().state;
  }
  Slot& slot = k.slots[at - 1];
  if (slot.hash != id.hash) {  // another pattern's (another bundle's index): not this one's
    slot.hash = id.hash;
    slot.state.clear();
    slot.queued_ms = INT64_MIN;
  }
  return slot.state;
}

void MemoryPatterns::prefetch(Prefetch step, std::string_view key, std::span<const uint32_t> indexes) {
  if (step == Prefetch::Key) return keys_.prefetch(key);
  auto it = keys_.find(key);
  if (it == keys_.end() || indexes.empty()) return;
  const Key& k = it->second;
  if (step == Prefetch::Table) {
    for (uint32_t i : indexes)
      if (i < k.at.size() && (i == indexes.front() || (reinterpret_cast<uintptr_t>(&k.at[i]) & 63) == 0))
        __builtin_prefetch(&k.at[i]);
    return;
  }
  // What a count or `all of` reads of its slot: the hash, the times and the
  // inline entries (PatternState puts them first), up to the score.
  size_t missing = 0;
  for (uint32_t i : indexes) {
    const Slot* s = k.slot(i);
    if (!s) {
      ++missing;
      continue;
    }
    for (const char* b = reinterpret_cast<const char*>(s); b < reinterpret_cast<const char*>(&s->state.score);
         b += 64)
      __builtin_prefetch(b);
  }
  // Most states a signal reaches are new ones, written where the account's
  // next slots go (reserved: state()): those lines are loaded for writing.
  const char* end = reinterpret_cast<const char*>(k.slots.data() + k.slots.size());
  const char* room = reinterpret_cast<const char*>(k.slots.data() + k.slots.capacity());
  for (const char* b = end; b < std::min(room, end + missing * sizeof(Slot)); b += 64)
    __builtin_prefetch(b, 1);
}

void MemoryPatterns::changed(const PatternId& id, std::string_view key) {
  Slot* found = find(key).slot(id.index);
  if (!found) return;
  Slot& slot = *found;
  if (slot.state.timer_ms == INT64_MIN || slot.queued_ms != INT64_MIN) return;  // none, or queued already
  slot.queued_ms = slot.state.timer_ms;
  timers_.push_back(Timer{slot.queued_ms, id.index, std::string(key)});
  std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
}

bool MemoryPatterns::has_state(const PatternId& id, std::string_view key) {
  const Key* k = last_ && key == last_key_ ? last_ : nullptr;
  if (!k) {
    auto it = keys_.find(key);
    if (it == keys_.end()) return false;
    k = &it->second;
  }
  const Slot* slot = k->slot(id.index);
  return slot && slot->hash == id.hash;
}

bool MemoryPatterns::next_due(int64_t clock_ms, uint32_t& index, std::string& key) {
  while (!timers_.empty() && timers_.front().at_ms <= clock_ms) {
    std::pop_heap(timers_.begin(), timers_.end(), std::greater<>());
    Timer t = std::move(timers_.back());
    timers_.pop_back();
    Slot* found = find(t.key).slot(t.index);
    if (!found) continue;
    Slot& slot = *found;
    slot.queued_ms = INT64_MIN;
    if (slot.state.timer_ms == INT64_MIN) continue;  // fired or cleared since
    if (slot.state.timer_ms > t.at_ms) {             // pushed later since: queued again for then
      slot.queued_ms = slot.state.timer_ms;
      t.at_ms = slot.queued_ms;
      timers_.push_back(std::move(t));
      std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
      continue;
    }
    index = t.index;
    key = std::move(t.key);
    return true;
  }
  return false;
}

// The names and keys through the index, the states in the order they lie
// (a sequential walk of each account's slots).
size_t MemoryPatterns::encoded_bytes() const {
  size_t total = 0;
  for (const auto& [key, k] : keys_) {
    for (uint32_t i = 0; i < k.at.size(); ++i)
      if (k.at[i]) total += plays_[i].size() + 8 + key.size() + 21;
    for (const Slot& slot : k.slots) {
      const PatternState& s = slot.state;
      total += 20 * s.entries.size() + (s.has_rate()   ? kRateHeader + 4 * s.rate().closed_counts.size()
                                        : s.score != 0 ? 8
                                                       : 0);
    }
  }
  return total;
}

}  // namespace play::engine
