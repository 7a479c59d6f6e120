// The in-memory ContextStore (playc run / playc test; tests).
#pragma once

#include <absl/container/node_hash_map.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/text.h"
#include "runtime/engine/context.h"
#include "runtime/engine/key_hash.h"
#include "runtime/engine/owned_value.h"

namespace play::engine {

class MemoryContext : public ContextStore {
 public:
  explicit MemoryContext(const vm::Bundle& bundle);

  bool find(Entity entity, std::string_view key, std::span<const vm::Value>& slots) override;
  void upsert(Entity entity, std::string_view key, std::span<const FieldValue> fields) override;
  void prefetch(Entity entity, std::string_view key, bool deep) override;

  size_t size(Entity entity) const { return table(entity).records.size(); }

  // For a bounded cache in front of a store (playd): forget one record; and
  // forget the least recently found or upserted records beyond `keep`,
  // except those `pinned` names. Returns how many were forgotten. Spans
  // handed out by find() die with their record.
  bool erase(Entity entity, std::string_view key);
  size_t trim(Entity entity, size_t keep, const std::function<bool(std::string_view key)>& pinned);

 private:
  struct Record {
    std::vector<vm::Value> slots;  // what find() hands out; slots[i] == fields[i].get()
    std::vector<OwnedValue> fields;
    uint64_t used = 0;  // Table::clock at the last find or upsert (for trim)
  };
  struct Table {
    std::vector<vm::Field> schema;
    int key_slot = -1;           // domain / email
    int email_domain_slot = -1;  // contacts only
    // Nodes: a record stays where it is while others come and go.
    absl::node_hash_map<std::string, Record, KeyHash, std::equal_to<>> records;
    uint64_t clock = 0;
  };
  Table& table(Entity e) { return e == Entity::Account ? accounts_ : contacts_; }
  const Table& table(Entity e) const { return e == Entity::Account ? accounts_ : contacts_; }
  static void set(Record& r, size_t slot, const vm::Value& v);

  Table accounts_, contacts_;
  std::string scratch_;
};

}  // namespace play::engine
