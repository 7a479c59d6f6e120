#include "runtime/playd/store_context.h"

#include <cstdio>

#include "runtime/engine/render.h"
#include "runtime/json/json.h"

namespace play::playd {

void StoreContext::upsert(engine::Entity e, std::string_view key,
                          std::span<const engine::FieldValue> fields) {
  mem_.upsert(e, key, fields);
  dirty_.emplace(e, std::string(key));
}

void StoreContext::apply(const store::ContextUpsert& u) {
  bool account = u.entity == store::Entity::Account;
  // {"accounts":[{"domain":KEY, ...fields}]}: the engine's own loader checks
  // field names and types against the plays' schema.
  std::string doc = account ? "{\"accounts\":[{\"domain\":" : "{\"contacts\":[{\"email\":";
  json::append_string(doc, u.key);
  std::string_view f = u.fields_json;
  size_t open = f.find('{'), close = f.rfind('}');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    std::string_view inner = f.substr(open + 1, close - open - 1);
    if (inner.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      doc += ',';
      doc += inner;
    }
  }
  doc += "}]}";
  std::string error;
  if (!engine::load_context_json(doc, bundle_, mem_, error))
    std::fprintf(stderr, "playd: context record %s skipped: %s\n", u.key.c_str(), error.c_str());
}

void StoreContext::load(store::Sql& sql) {
  for (auto entity : {store::Entity::Account, store::Entity::Contact}) {
    store::Stmt& s = entity == store::Entity::Account ? sql.prepare("SELECT domain, fields FROM accounts")
                                                      : sql.prepare("SELECT email, fields FROM contacts");
    while (s.step()) apply({entity, std::string(s.text(0)), std::string(s.text(1))});
    s.reset();
  }
}

void StoreContext::flush(store::Sql& sql) {
  for (const auto& [e, key] : dirty_) {
    std::span<const vm::Value> slots;
    if (!mem_.find(e, key, slots)) continue;
    const auto& schema = e == engine::Entity::Account ? bundle_.account : bundle_.contact;
    std::string fields = "{";
    bool first = true;
    for (size_t i = 0; i < schema.size() && i < slots.size(); ++i) {
      const std::string& name = schema[i].name;
      if (slots[i].kind == vm::Kind::Null || name == "email_domain") continue;  // derived
      if (!first) fields += ',';
      first = false;
      json::append_string(fields, name);
      fields += ':';
      engine::append_value_json(fields, slots[i]);
    }
    fields += '}';
    const char* q = e == engine::Entity::Account
                        ? "INSERT INTO accounts(domain, fields, updated_at_ms) VALUES (?1, json(?2), ?3) ON "
                          "CONFLICT(domain) DO UPDATE SET fields = json_patch(fields, excluded.fields), "
                          "updated_at_ms = excluded.updated_at_ms"
                        : "INSERT INTO contacts(email, fields, updated_at_ms) VALUES (?1, json(?2), ?3) ON "
                          "CONFLICT(email) DO UPDATE SET fields = json_patch(fields, excluded.fields), "
                          "updated_at_ms = excluded.updated_at_ms";
    sql.prepare(q).bind(1, key).bind(2, fields).bind(3, store::now_ms()).run();
  }
}

static std::string compose(std::string_view play, std::string_view key) {
  std::string k(play);
  k += '\x1f';  // play names are identifiers: the separator cannot occur in them
  k += key;
  return k;
}

std::optional<int64_t> StoreLedger::last_fired(std::string_view play, std::string_view key) {
  auto it = fires_.find(compose(play, key));
  if (it == fires_.end()) return std::nullopt;
  return it->second;
}

void StoreLedger::record_fire(std::string_view play, std::string_view key, int64_t at_ms) {
  std::string k = compose(play, key);
  auto [it, inserted] = fires_.emplace(k, at_ms);
  if (!inserted && at_ms > it->second) it->second = at_ms;
  dirty_fires_.insert(std::move(k));
}

uint64_t StoreLedger::pool_cursor(std::string_view pool, bool advance) {
  auto [it, inserted] = cursors_.emplace(std::string(pool), 0);
  uint64_t at = it->second;
  if (advance) {
    ++it->second;
    dirty_pools_.insert(it->first);
  }
  return at;
}

void StoreLedger::load(store::Sql& sql) {
  store::Stmt& s = sql.prepare("SELECT play, per_key, last_fired_ms FROM ledger");
  while (s.step()) fires_[compose(s.text(0), s.text(1))] = s.i64(2);
  s.reset();
  store::Stmt& r = sql.prepare("SELECT pool, cursor FROM round_robin");
  while (r.step()) cursors_[std::string(r.text(0))] = uint64_t(r.i64(1));
  r.reset();
}

void StoreLedger::flush(store::Sql& sql) {
  for (const auto& k : dirty_fires_) {
    size_t sep = k.find('\x1f');
    sql.prepare(
           "INSERT INTO ledger(play, per_key, last_fired_ms) VALUES (?1, ?2, ?3) ON CONFLICT(play, per_key) "
           "DO UPDATE "
           "SET last_fired_ms = MAX(last_fired_ms, excluded.last_fired_ms)")
        .bind(1, std::string_view(k).substr(0, sep))
        .bind(2, std::string_view(k).substr(sep + 1))
        .bind(3, fires_[k])
        .run();
  }
  for (const auto& p : dirty_pools_)
    sql.prepare(
           "INSERT INTO round_robin(pool, cursor) VALUES (?1, ?2) ON CONFLICT(pool) DO UPDATE SET cursor = "
           "excluded.cursor")
        .bind(1, p)
        .bind(2, int64_t(cursors_[p]))
        .run();
}

}  // namespace play::playd
