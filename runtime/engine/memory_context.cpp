#include "runtime/engine/memory_context.h"

#include <algorithm>

namespace play::engine {

int field_slot(const std::vector<vm::Field>& schema, std::string_view name) {
  for (size_t i = 0; i < schema.size(); ++i)
    if (schema[i].name == name) return int(i);
  return -1;
}

MemoryContext::MemoryContext(const vm::Bundle& bundle) {
  accounts_.schema = bundle.account;
  accounts_.key_slot = field_slot(bundle.account, "domain");
  contacts_.schema = bundle.contact;
  contacts_.key_slot = field_slot(bundle.contact, "email");
  contacts_.email_domain_slot = field_slot(bundle.contact, "email_domain");
}

void MemoryContext::set(Record& r, size_t slot, const vm::Value& v) {
  r.fields[slot].assign(v);
  r.slots[slot] = r.fields[slot].get();
}

bool MemoryContext::find(Entity entity, std::string_view key, std::span<const vm::Value>& slots) {
  Table& t = table(entity);
  auto it = t.records.find(lowered(key, scratch_));
  if (it == t.records.end()) return false;
  it->second.used = ++t.clock;
  slots = it->second.slots;
  return true;
}

// Keys are looked up lower-cased; a signal's are already (the decoder
// lower-cases them), so the prefetch uses them as they are.
void MemoryContext::prefetch(Entity entity, std::string_view key, bool deep) {
  Table& t = table(entity);
  if (!deep) return t.records.prefetch(key);
  auto it = t.records.find(key);
  if (it == t.records.end()) return;
  __builtin_prefetch(&it->second);
  __builtin_prefetch(it->second.slots.data());
}

bool MemoryContext::erase(Entity entity, std::string_view key) {
  Table& t = table(entity);
  auto it = t.records.find(lowered(key, scratch_));
  if (it == t.records.end()) return false;
  t.records.erase(it);
  return true;
}

size_t MemoryContext::trim(Entity entity, size_t keep, const std::function<bool(std::string_view)>& pinned) {
  Table& t = table(entity);
  if (t.records.size() <= keep) return 0;
  // The oldest `excess` by last use: one partial sort per trim, which the
  // caller runs only when the table has grown a slack above `keep`.
  std::vector<std::pair<uint64_t, const std::string*>> by_use;
  by_use.reserve(t.records.size());
  for (const auto& [k, r] : t.records) by_use.emplace_back(r.used, &k);
  size_t excess = t.records.size() - keep;
  std::nth_element(by_use.begin(), by_use.begin() + long(excess - 1), by_use.end());
  std::vector<std::string> victims;
  for (size_t i = 0; i < excess; ++i)
    if (!pinned || !pinned(*by_use[i].second)) victims.push_back(*by_use[i].second);
  for (const auto& k : victims) t.records.erase(k);
  return victims.size();
}

void MemoryContext::upsert(Entity entity, std::string_view key, std::span<const FieldValue> fields) {
  Table& t = table(entity);
  std::string_view k = lowered(key, scratch_);
  auto it = t.records.find(k);
  if (it == t.records.end()) {
    it = t.records.emplace(std::string(k), Record{}).first;
    Record& r = it->second;
    r.slots.resize(t.schema.size());
    r.fields.resize(t.schema.size());
    // The key lives in the map node; the slot points at it (node addresses are stable).
    std::string_view stored = it->first;
    if (t.key_slot >= 0) set(r, t.key_slot, vm::Value::string(stored));
    if (t.email_domain_slot >= 0) set(r, t.email_domain_slot, vm::Value::string(email_domain(stored)));
  }
  Record& r = it->second;
  r.used = ++t.clock;
  for (const FieldValue& f : fields) {
    if (f.slot >= r.slots.size() || int(f.slot) == t.key_slot || int(f.slot) == t.email_domain_slot) continue;
    set(r, f.slot, f.value);
  }
}

}  // namespace play::engine
