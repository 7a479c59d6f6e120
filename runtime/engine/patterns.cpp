#include "runtime/engine/patterns.h"

#include <cstring>

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

// Play names are identifiers: the separator cannot occur in them.
std::string_view MemoryPatterns::compose(std::string_view play, uint64_t pattern, std::string_view key) {
  scratch_.assign(play);
  scratch_ += '\x1f';
  char hash[8];
  std::memcpy(hash, &pattern, 8);
  scratch_.append(hash, 8);
  scratch_ += key;
  return scratch_;
}

bool MemoryPatterns::load(std::string_view play, uint64_t pattern, std::string_view key, PatternState& out) {
  auto it = states_.find(compose(play, pattern, key));
  if (it == states_.end()) {
    out.clear();
    return false;
  }
  out.max_seen_ms = it->second.max_seen_ms;
  out.fired_at_ms = it->second.fired_at_ms;
  out.entries.assign(it->second.entries.begin(), it->second.entries.end());
  return true;
}

void MemoryPatterns::save(std::string_view play, uint64_t pattern, std::string_view key,
                          const PatternState& state) {
  auto k = compose(play, pattern, key);
  auto it = states_.find(k);
  if (it == states_.end()) it = states_.emplace(std::string(k), PatternState()).first;
  it->second.max_seen_ms = state.max_seen_ms;
  it->second.fired_at_ms = state.fired_at_ms;
  it->second.entries.assign(state.entries.begin(), state.entries.end());
}

size_t MemoryPatterns::encoded_bytes() const {
  size_t total = 0;
  for (const auto& [k, s] : states_) total += k.size() + 21 + 20 * s.entries.size();
  return total;
}

}  // namespace play::engine
