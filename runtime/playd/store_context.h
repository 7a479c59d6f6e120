// The engine's ContextStore and Ledger for playd: the engine's in-memory
// implementations (the same code `playc run` uses), loaded from the store at
// start and written through to it. Changes the engine makes (crm.* upserts,
// enroll's last_enrolled_at, fires, round-robin cursors) are collected and
// written by flush() inside the transaction that records the signal's
// outcomes, so the store never holds one without the other.
//
// Single-threaded: owned by the qualification thread.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "runtime/engine/context.h"
#include "runtime/engine/ledger.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/store/database.h"

namespace play::playd {

class StoreContext : public engine::ContextStore {
 public:
  explicit StoreContext(const vm::Bundle& bundle) : bundle_(bundle), mem_(bundle) {}

  bool find(engine::Entity e, std::string_view key, std::span<const vm::Value>& slots) override {
    return mem_.find(e, key, slots);
  }
  void upsert(engine::Entity e, std::string_view key, std::span<const engine::FieldValue> fields) override;

  // Records from the store (start) or from ingest upserts that just
  // committed: applied to memory only (the store already has them). A
  // record the plays' schema refuses is logged and skipped.
  void load(store::Sql& sql);
  void apply(const store::ContextUpsert& u);
  // Writes the records the engine changed since the last flush.
  void flush(store::Sql& sql);
  void clear_dirty() { dirty_.clear(); }

 private:
  const vm::Bundle& bundle_;
  engine::MemoryContext mem_;
  std::set<std::pair<engine::Entity, std::string>> dirty_;
};

class StoreLedger : public engine::Ledger {
 public:
  std::optional<int64_t> last_fired(std::string_view play, std::string_view key) override;
  void record_fire(std::string_view play, std::string_view key, int64_t at_ms) override;
  uint64_t pool_cursor(std::string_view pool, bool advance) override;

  void load(store::Sql& sql);
  void flush(store::Sql& sql);
  void clear_dirty() {
    dirty_fires_.clear();
    dirty_pools_.clear();
  }

 private:
  std::unordered_map<std::string, int64_t> fires_;  // play \x1f key
  std::unordered_map<std::string, uint64_t> cursors_;
  std::set<std::string> dirty_fires_, dirty_pools_;
};

}  // namespace play::playd
