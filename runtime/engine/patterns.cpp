#include "runtime/engine/patterns.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace play::engine {

uint64_t pattern_id_hash(std::string_view id) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable, it is stored
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  return h;
}

namespace {

constexpr uint8_t kStateFormat = 1;

void put64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t get64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}

}  // namespace

// format u8, max_seen i64, fired_at i64, count u32, then per entry at i64, id u64, member u32.
void encode_pattern_state(const PatternState& s, std::string& out) {
  out.clear();
  out.push_back(static_cast<char>(kStateFormat));
  put64(out, static_cast<uint64_t>(s.max_seen_ms));
  put64(out, static_cast<uint64_t>(s.fired_at_ms));
  uint32_t n = static_cast<uint32_t>(s.entries.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(n >> (8 * i)));
  for (const auto& e : s.entries) {
    put64(out, static_cast<uint64_t>(e.at_ms));
    put64(out, e.id_hash);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(e.member >> (8 * i)));
  }
}

bool decode_pattern_state(std::string_view bytes, PatternState& out) {
  out.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 21 || p[0] != kStateFormat) return false;
  uint32_t n = uint32_t(p[17]) | uint32_t(p[18]) << 8 | uint32_t(p[19]) << 16 | uint32_t(p[20]) << 24;
  if ((bytes.size() - 21) / 20 != n || (bytes.size() - 21) % 20 != 0) return false;
  out.max_seen_ms = static_cast<int64_t>(get64(p + 1));
  out.fired_at_ms = static_cast<int64_t>(get64(p + 9));
  out.entries.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    const unsigned char* e = p + 21 + 20 * size_t(i);
    out.entries[i].at_ms = static_cast<int64_t>(get64(e));
    out.entries[i].id_hash = get64(e + 8);
    out.entries[i].member =
        uint32_t(e[16]) | uint32_t(e[17]) << 8 | uint32_t(e[18]) << 16 | uint32_t(e[19]) << 24;
  }
  return true;
}

// The plays a signal reaches ask for the same key in turn: the last one
// found is kept (node pointers stay valid as the map grows).
std::vector<MemoryPatterns::Slot>& MemoryPatterns::find(std::string_view key) {
  if (last_ && key == last_key_) return *last_;
  auto it = keys_.find(key);
  if (it == keys_.end()) it = keys_.emplace(std::string(key), std::vector<Slot>()).first;
  last_key_.assign(key);
  return *(last_ = &it->second);
}

PatternState& MemoryPatterns::state(const PatternId& id, std::string_view key) {
  std::vector<Slot>& slots = find(key);
  if (id.index >= slots.size()) slots.resize(std::max(id.index + 1, id.count));  // once per key
  Slot& slot = slots[id.index];
  if (slot.hash != id.hash || !slot.hash) {  // none yet (or another pattern's: not this one's)
    if (!slot.hash) ++windows_;
    slot.hash = id.hash;
    slot.play = id.play;
    slot.state.clear();
    slot.queued_ms = INT64_MIN;
  }
  return slot.state;
}

void MemoryPatterns::changed(const PatternId& id, std::string_view key) {
  std::vector<Slot>& slots = find(key);
  if (id.index >= slots.size()) return;
  Slot& slot = slots[id.index];
  if (slot.state.timer_ms == INT64_MIN || slot.queued_ms != INT64_MIN) return;  // none, or queued already
  slot.queued_ms = slot.state.timer_ms;
  timers_.push_back(Timer{slot.queued_ms, id.index, std::string(key)});
  std::push_heap(timers_.begin(), timers_.end(), std::greater<>());
}

bool MemoryPatterns::next_due(int64_t clock_ms, uint32_t& index, std::string& key) {
  while (!timers_.empty() && timers_.front().at_ms <= clock_ms) {
    std::pop_heap(timers_.begin(), timers_.end(), std::greater<>());
    Timer t = std::move(timers_.back());
    timers_.pop_back();
    std::vector<Slot>& slots = find(t.key);
    if (t.index >= slots.size()) continue;
    Slot& slot = slots[t.index];
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

size_t MemoryPatterns::encoded_bytes() const {
  size_t total = 0;
  for (const auto& [k, slots] : keys_)
    for (const Slot& s : slots)
      if (s.hash) total += s.play.size() + 8 + k.size() + 21 + 20 * s.state.entries.size();
  return total;
}

}  // namespace play::engine
