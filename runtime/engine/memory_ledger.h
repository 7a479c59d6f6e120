// In-memory Ledger and SeenSignals (playc run / playc test; tests). The
// ledger holds a fire per play and entity (bounded by the entities); the
// seen ids are forgotten after the dedup TTL, as playd's store forgets them.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <string>
#include <vector>

#include "runtime/engine/key_hash.h"
#include "runtime/engine/ledger.h"

namespace play::engine {

class MemoryLedger : public Ledger {
 public:
  std::optional<int64_t> last_fired(std::string_view play, std::string_view key) override;
  void record_fire(std::string_view play, std::string_view key, int64_t at_ms) override;
  uint64_t pool_cursor(std::string_view pool, bool advance) override;
  void expect_plays(std::span<const std::string_view> names) override;
  std::optional<int64_t> last_fired_at(uint32_t position, std::string_view play,
                                       std::string_view key) override;
  void record_fire_at(uint32_t position, std::string_view play, std::string_view key, int64_t at_ms) override;
  void prefetch(PrefetchStep step, std::string_view key, std::span<const uint32_t> positions) override;
  size_t size() const { return fire_count_; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  // A backtest asks for every play that passes its clauses, a dozen or
  // more per signal, all for the same entity. Composing "play\x1fkey" and
  // hashing and comparing that string in one big table was a quarter of an
  // action-heavy run; now names are interned to numbers once, and each
  // entity has its own small table of fires by play, which the first
  // question of a signal brings into the cache for the rest.
  uint32_t play_id(std::string_view play, bool add);
  uint32_t play_at(uint32_t position, std::string_view play, bool add);
  std::optional<int64_t> last_fired(uint32_t play, std::string_view key);
  void record_fire(uint32_t play, std::string_view key, int64_t at_ms);
  uint32_t entity_id(std::string_view key, bool add);

  // Play names live in the bundle, so the same name comes at the same
  // address: that is looked up first (and the name compared, so a reused
  // address cannot mislead), the text only when the address is new.
  absl::flat_hash_map<const char*, uint32_t> play_at_;
  absl::flat_hash_map<std::string, uint32_t, KeyHash, std::equal_to<>> plays_, entities_;
  std::vector<std::string> play_names_;
  // expect_plays' positions -> play ids, and where each name was then: the
  // engine that gave them asks with the same string, so the address is
  // enough; another engine sharing the ledger is answered by name.
  std::vector<uint32_t> expected_;
  std::vector<std::string_view> expected_names_;
  // Plays are numbered in the engine's order (expect_plays), so the plays
  // one signal asks about have neighbouring ids. Abseil takes a slot's
  // position from hash >> 7 (and a tag from the low 7 bits): this hash puts
  // neighbouring ids in neighbouring slots, a few cache lines per signal
  // instead of one line per play.
  struct NearbyHash {
    size_t operator()(uint32_t id) const { return size_t{id} << 7 | (id & 0x7f); }
  };
  std::vector<absl::flat_hash_map<uint32_t, int64_t, NearbyHash>>
      fires_;  // per entity id: play id -> last fire
  size_t fire_count_ = 0;
  absl::flat_hash_map<std::string, uint64_t, KeyHash, std::equal_to<>> cursors_;
  std::string last_entity_;
  uint32_t last_entity_id_ = kNone;
  // prefetch() runs while the last kSample prefetched entities were asked
  // about kWorthIt times each on average, and is sampled again after kSample.
  static constexpr uint32_t kSample = 1024, kWorthIt = 4;
  uint32_t prefetches_ = 0;
  uint64_t questions_ = 0;
  bool prefetching_ = true;
};

// A repeat of an id is a duplicate while the stream clock (the newest
// occurred_at so far) is less than `ttl_ms` past the id's first sighting:
// playd's store.dedup_ttl, in event time. Ids are kept in two generations,
// each spanning at least the TTL, and the older is dropped whole once all
// its ids have expired: memory follows the ids of about two TTLs of input,
// not all of it. ttl_ms 0: remember every id.
//
// An id is kept as 96 bits of its XXH3 hash and its first sighting as a
// 32-bit offset into its generation: 16 bytes, whatever the id's length
// (a string and a time took 40 and more). Two distinct ids share a key with
// a chance of about n^2 / 2^97: 10^-16 for ten million ids.
class MemorySeenSignals : public SeenSignals {
 public:
  explicit MemorySeenSignals(int64_t ttl_ms = 0);
  bool first_time(std::string_view id, int64_t occurred_at_ms) override;
  void prefetch(std::string_view id) const override;
  size_t size() const { return current_.size() + previous_.size(); }

 private:
  struct Key {
    uint32_t w[3];
    bool operator==(const Key& o) const { return w[0] == o.w[0] && w[1] == o.w[1] && w[2] == o.w[2]; }
  };
  struct KeyBits {  // the key is a hash already: its own bits are the table's
    size_t operator()(const Key& k) const { return uint64_t{k.w[1]} << 32 | k.w[0]; }
  };
  static Key key_of(std::string_view id);
  // First sighting, in units of unit_ms_ after the generation began.
  using Ids = absl::flat_hash_map<Key, uint32_t, KeyBits>;
  bool live(const Ids& ids, const Key& k, int64_t since) const;

  int64_t ttl_ms_;
  // 1 ms unless the TTL is longer than 2^32 ms (49.7 days): then a first
  // sighting is rounded down to it, and an id may expire that much early.
  int64_t unit_ms_;
  int64_t clock_ = INT64_MIN;
  int64_t current_since_ = INT64_MIN;   // the stream clock when current_ began
  int64_t previous_since_ = INT64_MIN;  // and when previous_ did
  Ids current_, previous_;
};

}  // namespace play::engine
