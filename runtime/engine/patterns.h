// The state of temporal triggers (docs/language.md section 12): for each
// play's pattern and each account or contact, the signals counted towards
// its next fire. An interface, like the Ledger: `playc run` and `playc test`
// keep it in memory (MemoryPatterns), playd in its store (qualify's
// StorePatterns, written in the transaction that records the decisions).
//
// The state of one (play, pattern, key) is O(pattern): a count keeps at most
// N entries (the N most recent counted signals), `all of` at most one per
// member (the latest), a score one number and the ids of the signals it
// counted within the lateness (at most 16). Each entry carries a hash of
// its signal's id, so a signal evaluated again (a replay) is never counted
// twice. A rate keeps counts per bucket instead (its H/W closed ones and at
// most two open). Absence and rate states carry a timer (timer_ms): an
// absence's on the service clock in playd, a rate's on the stream clock;
// MemoryPatterns keeps one heap of both for `playc run` and `playc test`.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/inlined_vector.h>

#include <climits>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine/key_hash.h"
#include "runtime/engine/prefetch.h"
#include "runtime/engine/state_arena.h"

namespace play::engine {

// 16 bytes: a signal's occurred_at (RFC 3339 years 0000-9999 need 48 bits)
// shares its word with the member. Build one with designated initializers
// ({.at_ms = .., .member = .., .id_hash = ..}): the order is the layout's.
struct PatternEntry {
  int64_t at_ms : 56 = 0;   // the signal's occurred_at
  uint64_t member : 8 = 0;  // all of: the member it fills (at most 16); count: 0
  uint64_t id_hash = 0;     // pattern_id_hash(signal id)
  bool operator==(const PatternEntry&) const = default;
};

// A rate's counts per bucket of its window W (runtime/engine/rate.h), no
// signal kept. open_bucket_ms INT64_MIN: no bucket yet.
struct RateBuckets {
  int64_t open_bucket_ms = INT64_MIN;   // start of the oldest bucket not closed yet
  uint32_t open_counts[2] = {0, 0};     // that bucket's count and the next one's (lateness <= W)
  bool rate_held = false;               // the last evaluated bucket's comparison held (an episode)
  std::vector<uint32_t> closed_counts;  // the last H/W closed buckets' counts, oldest first
  bool operator==(const RateBuckets&) const = default;
};

// The fields every form reads come first, so a count or `all of` (most
// patterns) is read from its slot's first two cache lines (MemoryPatterns).
struct PatternState {
  // The highest occurred_at counted for this key: the stream clock, before
  // the allowed lateness is taken off (a rate's closes on the engine's
  // stream clock instead, over all keys). INT64_MIN: none yet.
  int64_t max_seen_ms = INT64_MIN;
  // The newest occurred_at of the signals that completed the last fire:
  // a signal at or before it belongs to a window that fired, and is not
  // counted again. INT64_MIN: never fired.
  int64_t fired_at_ms = INT64_MIN;
  // Absence form: when its timer runs (the due time plus the lateness),
  // INT64_MIN when none is armed; rate form: when the first bucket whose
  // close would fire closes (its end plus the lateness, on the stream
  // clock), INT64_MIN when none would (rate.h rate_timer_ms). Not in the
  // encoded bytes: a store keeps it in a column of its own, which it finds
  // due timers by; the engine sets it whenever it changes an absence or
  // rate state.
  int64_t timer_ms = INT64_MIN;
  // By at_ms, oldest first. Most patterns need a few (count >= 2..3, all of
  // two or three members): those live in the state itself, not in a heap
  // block of their own, so a signal reaching 25 patterns of an account
  // walks one contiguous array instead of 25 scattered blocks.
  absl::InlinedVector<PatternEntry, 3> entries;
  // score (runtime/engine/score.cpp): the value at max_seen_ms (the
  // reference time); entries then hold the ids of the signals counted
  // within the lateness (at most 16), fired_at_ms the time of the newest
  // id forgotten past those 16.
  double score = 0;
  // rate (runtime/engine/rate.h): its buckets, in a block of their own
  // (most states are counts: inline, the buckets' 48 bytes would widen
  // every slot of MemoryPatterns by 40). rate() makes them when a rate first writes
  // them; through a const state, a state without reads as none.
  RateBuckets& rate() {
    if (!rate_) rate_ = std::make_unique<RateBuckets>();
    return *rate_;
  }
  const RateBuckets& rate() const { return rate_ ? *rate_ : kNoBuckets; }
  bool has_rate() const { return rate_ && rate_->open_bucket_ms != INT64_MIN; }
  void clear() {
    max_seen_ms = fired_at_ms = timer_ms = INT64_MIN;
    entries.clear();
    score = 0;
    rate_.reset();
  }
  PatternState() = default;
  PatternState(const PatternState& o)
      : max_seen_ms(o.max_seen_ms),
        fired_at_ms(o.fired_at_ms),
        timer_ms(o.timer_ms),
        entries(o.entries),
        score(o.score),
        rate_(o.rate_ ? std::make_unique<RateBuckets>(*o.rate_) : nullptr) {}
  PatternState& operator=(const PatternState& o) {
    if (this != &o) {
      PatternState copy(o);
      *this = std::move(copy);
    }
    return *this;
  }
  PatternState(PatternState&&) = default;
  PatternState& operator=(PatternState&&) = default;
  bool operator==(const PatternState& o) const {
    return max_seen_ms == o.max_seen_ms && fired_at_ms == o.fired_at_ms && timer_ms == o.timer_ms &&
           entries == o.entries && score == o.score && rate() == o.rate();
  }

 private:
  static const RateBuckets kNoBuckets;
  std::unique_ptr<RateBuckets> rate_;
};

uint64_t pattern_id_hash(std::string_view signal_id);

// A compact, versioned byte form for stores (a BLOB); decode refuses
// anything else (then the state starts afresh).
void encode_pattern_state(const PatternState& state, std::string& out);
bool decode_pattern_state(std::string_view bytes, PatternState& out);

// Which pattern: the play's name and vm::pattern_hash (what a state is
// keyed by), and its index among the patterns of the engine's bundle, of
// `count` (dense: an in-memory store's array index; meaningless across
// play sets).
struct PatternId {
  uint32_t index = 0, count = 1;
  std::string_view play;
  uint64_t hash = 0;
};

class PatternStore {
 public:
  virtual ~PatternStore() = default;
  // The state of pattern `id` for `key` (an account's domain or a contact's
  // email), to read and change in place; a cleared state when there was
  // none. Valid until the next call.
  virtual PatternState& state(const PatternId& id, std::string_view key) = 0;
  // The state state() just returned was changed: keep it (playd writes it
  // with the batch's decisions).
  virtual void changed(const PatternId& id, std::string_view key) = 0;
  // The patterns `indexes` of `key` will be read soon (a signal's plays,
  // Engine::prefetch): a store in memory starts loading them, in `step`s a
  // signal apart (each needs what the one before loaded: the key's entry,
  // then its table of patterns, then the states).
  using Prefetch = PrefetchStep;
  virtual void prefetch(Prefetch /*step*/, std::string_view /*key*/, std::span<const uint32_t> /*indexes*/) {}
  // Whether pattern `id` may have a state for `key`: false lets a caller
  // that only closes what exists (a rate's buckets before a signal) skip
  // state(), which would make one. A store that cannot tell cheaply says true.
  virtual bool has_state(const PatternId& /*id*/, std::string_view /*key*/) { return true; }
};

// Keyed by account or contact first, then by play: the plays a signal
// reaches all look up the same key, so one hash lookup serves them all.
class MemoryPatterns : public PatternStore {
 public:
  MemoryPatterns() = default;
  MemoryPatterns(const MemoryPatterns&) = delete;
  MemoryPatterns& operator=(const MemoryPatterns&) = delete;
  PatternState& state(const PatternId& id, std::string_view key) override;
  void changed(const PatternId& id, std::string_view key) override;
  void prefetch(Prefetch step, std::string_view key, std::span<const uint32_t> indexes) override;
  bool has_state(const PatternId& id, std::string_view key) override;
  // Absence and rate forms: the next timer due at `clock_ms` (its timer_ms
  // at or before it), earliest first: its PatternId::index and key. Each
  // state with a timer is queued once; a timer pushed later is queued
  // again when its old time comes.
  bool next_due(int64_t clock_ms, uint32_t& index, std::string& key);
  size_t timers() const { return timers_.size(); }  // queued (some may have been pushed later)
  size_t size() const { return windows_; }          // states held
  // Their bytes, encoded as a store keeps them (keys included): bench reports.
  size_t encoded_bytes() const;

  struct Slot {
    uint64_t hash = 0;  // the pattern's hash; 0: no state
    PatternState state;
    int64_t queued_ms = INT64_MIN;  // absence, rate: its entry in timers_, INT64_MIN when none
  };
  // One account's (or contact's) states: only the patterns it has state for,
  // in the order they were first touched (the plays one signal type reaches
  // end up side by side), found through `at` (pattern index -> position + 1).
  struct Key {
    explicit Key(StateArena* arena)
        : at(ArenaAllocator<uint32_t>(arena)), slots(ArenaAllocator<Slot>(arena)) {}
    std::vector<uint32_t, ArenaAllocator<uint32_t>> at;
    std::vector<Slot, ArenaAllocator<Slot>> slots;
    Slot* slot(uint32_t index) { return index < at.size() && at[index] ? &slots[at[index] - 1] : nullptr; }
    const Slot* slot(uint32_t index) const {
      return index < at.size() && at[index] ? &slots[at[index] - 1] : nullptr;
    }
  };

 private:
  Key& find(std::string_view key);
  StateArena arena_;  // before keys_: their tables live in it
  absl::flat_hash_map<std::string, Key, KeyHash, std::equal_to<>> keys_;
  std::vector<std::string_view> plays_;  // by pattern index: encoded_bytes counts the names
  std::string last_key_;
  Key* last_ = nullptr;
  size_t windows_ = 0;
  struct Timer {
    int64_t at_ms;
    uint32_t index;
    std::string key;
    bool operator>(const Timer& o) const { return at_ms > o.at_ms; }
  };
  std::vector<Timer> timers_;  // a min-heap by at_ms
};

}  // namespace play::engine
