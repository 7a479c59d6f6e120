// Context: the account and contact records plays read (LANGUAGE.md
// section 7), as slot arrays laid out by the bundle's entity schemas
// (Bundle::account / Bundle::contact), keyed by domain / email.
//
// An interface because the record lives elsewhere in each deployment:
// in memory for `playc run` and `playc test` (MemoryContext), in the
// embedded store for playd. It is called a few times per signal, never per
// instruction.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/entity.h"
#include "runtime/vm/bundle.h"
#include "runtime/vm/value.h"

namespace play::engine {

using play::Entity;  // common/entity.h

struct FieldValue {
  uint32_t slot;    // index in the entity's schema
  vm::Value value;  // copied by upsert
};

class ContextStore {
 public:
  virtual ~ContextStore() = default;
  // The record with this key (domain or email; compared case-insensitively):
  // true and its slots, or false when there is none. The span stays valid
  // until the store is next modified or find() is next called for the same
  // entity (a store may decode records into one buffer per entity).
  virtual bool find(Entity entity, std::string_view key, std::span<const vm::Value>& slots) = 0;
  // Sets the given fields (deep-copied) of the record with this key,
  // creating it if needed. The key fields (`domain`, `email`) and the
  // derived `email_domain` are kept by the store and never overwritten.
  virtual void upsert(Entity entity, std::string_view key, std::span<const FieldValue> fields) = 0;
  // find(entity, key) comes soon (Engine::prefetch, a signal or two
  // ahead): an in-memory store starts loading the record. `deep`: its
  // entry was asked for a signal before, now the record itself.
  virtual void prefetch(Entity /*entity*/, std::string_view /*key*/, bool /*deep*/) {}
};

// Slot of a named field in an entity schema, or -1.
int field_slot(const std::vector<vm::Field>& schema, std::string_view name);

// Loads CLI.md's context file: {"accounts":[{...}], "contacts":[{...}]}.
// Every account needs "domain", every contact "email"; other fields must
// be fields of the entity (an unknown field is an error: a typo would
// otherwise silently read as null) with values of the declared type
// (timestamps as RFC 3339 strings, durations as "4h"). "email_domain" is
// derived and may be given only if it agrees. Records are upserted in file
// order. On error returns false with a message such as
// "contacts[2]: field 'do_not_contact' must be a bool, got string".
bool load_context_json(std::string_view json, const vm::Bundle& bundle, ContextStore& store,
                       std::string& error);

}  // namespace play::engine
