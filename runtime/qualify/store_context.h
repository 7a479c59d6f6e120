// The engine's ContextStore and Ledger for playd: bounded caches in front of
// the store. Records and ledger entries are read from the store on first use
// (the engine's in-memory implementations, the same code `playc run` uses,
// hold the cached ones), so memory stays flat however many contacts the
// store holds: at most `capacity` records per entity and ledger entries are
// kept, the least recently used forgotten between batches. Absent keys are
// remembered too (bounded), so a stream of unknown contacts costs one read
// each, not one per play.
//
// Changes the engine makes (crm.* upserts, enroll's last_enrolled_at,
// fires, round-robin cursors) are collected and written by flush() inside
// the transaction that records the signal's outcomes, so the store never
// holds one without the other. After that transaction: committed(). If it
// failed: rolled_back() forgets every changed entry, so the next use reads
// the committed state again and re-evaluating the same signals gives the
// same decisions and keys.
//
// Single-threaded: owned by the qualification thread.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/text.h"
#include "runtime/engine/context.h"
#include "runtime/engine/ledger.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/patterns.h"
#include "runtime/store/store.h"

namespace play::qualify {

class StoreContext : public engine::ContextStore {
 public:
  StoreContext(const vm::Bundle& bundle, store::Store& store, size_t capacity);

  bool find(engine::Entity e, std::string_view key, std::span<const vm::Value>& slots) override;
  void upsert(engine::Entity e, std::string_view key, std::span<const engine::FieldValue> fields) override;

  // An ingest upsert that just committed: the cached copy (if any) is
  // forgotten; the next use reads the merged record from the store.
  void apply(const store::ContextUpsert& u);
  // Writes the records the engine changed since the last commit.
  void flush(store::Evaluation& evaluation);
  void committed();
  void rolled_back();
  size_t cached(engine::Entity e) const { return mem_.size(e); }

 private:
  void load(engine::Entity e, std::string_view key);  // into mem_, or into absent_
  const vm::Bundle& bundle_;
  store::Store& store_;
  size_t capacity_;
  engine::MemoryContext mem_;
  std::unordered_set<std::string, StringHash, std::equal_to<>> absent_[2];
  std::set<std::pair<engine::Entity, std::string>> dirty_;
  std::string scratch_;
};

class StoreLedger : public engine::Ledger {
 public:
  StoreLedger(store::Store& store, size_t capacity);

  std::optional<int64_t> last_fired(std::string_view play, std::string_view key) override;
  void record_fire(std::string_view play, std::string_view key, int64_t at_ms) override;
  uint64_t pool_cursor(std::string_view pool, bool advance) override;

  void flush(store::Evaluation& evaluation);
  void committed();
  void rolled_back();
  size_t cached() const { return fires_.size(); }

 private:
  struct Fire {
    std::optional<int64_t> at;  // nullopt: known never to have fired
    uint64_t used = 0;
  };
  Fire& entry(std::string_view play, std::string_view key);
  store::Store& store_;
  size_t capacity_;
  uint64_t clock_ = 0;
  std::unordered_map<std::string, Fire, StringHash, std::equal_to<>> fires_;  // play \x1f key
  std::unordered_map<std::string, uint64_t> cursors_;                         // every pool: few
  std::set<std::string> dirty_fires_, dirty_pools_;
  // What the batch decided from, for the store's check-and-record
  // (records.h, FireWrite): each dirty entry's value before the batch.
  std::unordered_map<std::string, std::optional<int64_t>> fires_before_;
  std::unordered_map<std::string, uint64_t> pools_before_;
  std::string scratch_;
};

// The engine's PatternStore for playd: the states of temporal triggers, read
// from the store on first use and cached (at most `capacity`, the least
// recently used forgotten between batches). What the engine saves is
// written by flush() in the batch's transaction, with the decisions that
// counted it; rolled_back() forgets it, so the batch evaluated again counts
// from the committed state.
class StorePatterns : public engine::PatternStore {
 public:
  StorePatterns(store::Store& store, size_t capacity);

  engine::PatternState& state(const engine::PatternId& id, std::string_view key) override;
  void changed(const engine::PatternId& id, std::string_view key) override;

  void flush(store::Evaluation& evaluation);
  void committed();
  void rolled_back();
  // After the store purged states: the cache forgets everything.
  void forget_all() { cache_.clear(); }
  size_t cached() const { return cache_.size(); }

 private:
  struct Entry {
    std::string play, key;
    uint64_t pattern = 0;
    bool present = false;  // false: known to have no state
    engine::PatternState state;
    // The bytes the store holds (nullopt: none), and those this batch
    // writes: a store nodes share checks the one in the commit (records.h
    // PatternWrite::before), the other becomes it once committed.
    std::optional<std::string> stored, writing;
    uint64_t used = 0;
  };
  Entry& entry(std::string_view play, uint64_t pattern, std::string_view key);
  void compose(std::string_view play, uint64_t pattern, std::string_view key);  // into scratch_
  store::Store& store_;
  size_t capacity_;
  uint64_t clock_ = 0;
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> cache_;
  std::set<std::string> dirty_;
  std::string scratch_, bytes_;
};

}  // namespace play::qualify
