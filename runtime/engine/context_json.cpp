// load_context_json: CLI.md's --context file into a ContextStore.
#include <simdjson.h>

#include <vector>

#include "common/text.h"
#include "runtime/engine/context.h"
#include "runtime/engine/json_value.h"

namespace play::engine {

namespace {

struct EntityInfo {
  Entity entity;
  const char* list;  // "accounts"
  const char* key;   // "domain"
  const std::vector<vm::Field>& schema;
};

bool load_record(simdjson::dom::element rec, const EntityInfo& info, size_t index, ContextStore& store,
                 vm::Arena& arena, std::vector<FieldValue>& fields, std::string& error) {
  std::string where = std::string(info.list) + "[" + std::to_string(index) + "]";
  simdjson::dom::object obj;
  if (rec.get_object().get(obj) != simdjson::SUCCESS) {
    error = where + ": a record must be an object, got " + json_type_name(rec.type());
    return false;
  }
  std::string_view key;
  simdjson::dom::element k;
  if (obj[info.key].get(k) != simdjson::SUCCESS || k.get_string().get(key) != simdjson::SUCCESS ||
      key.empty()) {
    error = where + ": needs \"" + info.key + "\" (a string): it is the record's key";
    return false;
  }
  std::string lower_key(key);
  ascii_lower_in_place(lower_key.data(), lower_key.size());
  fields.clear();
  for (auto field : obj) {
    if (field.key == info.key) continue;
    int slot = field_slot(info.schema, field.key);
    if (slot < 0) {
      error = where + ": unknown field '" + std::string(field.key) + "' (not declared on entity " +
              (info.entity == Entity::Account ? "account" : "contact") + ")";
      return false;
    }
    vm::Value v;
    if (!json_to_value(field.value, info.schema[slot].type, arena, v, error)) {
      error = where + ": field '" + std::string(field.key) + "' " + error;
      return false;
    }
    if (field.key == "email_domain") {  // derived: may be given, but must agree
      if (!v.is_null() && (v.kind != vm::Kind::String || v.str() != email_domain(lower_key))) {
        error = where + ": field 'email_domain' is derived from the email and must be \"" +
                std::string(email_domain(lower_key)) + "\" or absent";
        return false;
      }
      continue;
    }
    fields.push_back({uint32_t(slot), v});
  }
  store.upsert(info.entity, lower_key, fields);
  return true;
}

}  // namespace

bool load_context_json(std::string_view json, const vm::Bundle& bundle, ContextStore& store,
                       std::string& error) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto err = parser.parse(json.data(), json.size()).get(root); err != simdjson::SUCCESS) {
    error = std::string("invalid JSON: ") + simdjson::error_message(err);
    return false;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    error = "the context must be a JSON object {\"accounts\": [...], \"contacts\": [...]}";
    return false;
  }
  const EntityInfo infos[] = {{Entity::Account, "accounts", "domain", bundle.account},
                              {Entity::Contact, "contacts", "email", bundle.contact}};
  for (auto field : obj) {
    if (field.key != "accounts" && field.key != "contacts") {
      error = "unknown key '" + std::string(field.key) +
              "' in the context (expected \"accounts\" and \"contacts\")";
      return false;
    }
  }
  vm::Arena arena;
  std::vector<FieldValue> fields;
  for (const EntityInfo& info : infos) {
    simdjson::dom::element list;
    if (obj[info.list].get(list) != simdjson::SUCCESS || list.is_null()) continue;
    simdjson::dom::array records;
    if (list.get_array().get(records) != simdjson::SUCCESS) {
      error = std::string("\"") + info.list + "\" must be an array, got " + json_type_name(list.type());
      return false;
    }
    size_t i = 0;
    for (simdjson::dom::element rec : records) {
      arena.reset();
      if (!load_record(rec, info, i++, store, arena, fields, error)) return false;
    }
  }
  return true;
}

}  // namespace play::engine
