// The in-memory ContextStore (playc run / playc test; tests).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/engine/context.h"
#include "runtime/engine/owned_value.h"
#include "runtime/engine/text.h"

namespace play::engine {

class MemoryContext : public ContextStore {
 public:
  explicit MemoryContext(const vm::Bundle& bundle);

  bool find(Entity entity, std::string_view key, std::span<const vm::Value>& slots) override;
  void upsert(Entity entity, std::string_view key, std::span<const FieldValue> fields) override;

  size_t size(Entity entity) const { return table(entity).records.size(); }

 private:
  struct Record {
    std::vector<vm::Value> slots;  // what find() hands out; slots[i] == fields[i].get()
    std::vector<OwnedValue> fields;
  };
  struct Table {
    std::vector<vm::Field> schema;
    int key_slot = -1;           // domain / email
    int email_domain_slot = -1;  // contacts only
    std::unordered_map<std::string, Record, StringHash, std::equal_to<>> records;
  };
  Table& table(Entity e) { return e == Entity::Account ? accounts_ : contacts_; }
  const Table& table(Entity e) const { return e == Entity::Account ? accounts_ : contacts_; }
  static void set(Record& r, size_t slot, const vm::Value& v);

  Table accounts_, contacts_;
  std::string scratch_;
};

}  // namespace play::engine
