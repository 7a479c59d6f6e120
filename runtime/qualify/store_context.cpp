#include "runtime/qualify/store_context.h"

#include <cstdio>

#include "common/json/json.h"
#include "runtime/engine/render.h"

namespace play::qualify {

namespace {

// {"accounts":[{"domain":KEY, ...fields}]}: the engine's own loader checks
// field names and types against the plays' schema.
std::string context_doc(engine::Entity e, std::string_view key, std::string_view fields_json) {
  bool account = e == engine::Entity::Account;
  std::string doc = account ? "{\"accounts\":[{\"domain\":" : "{\"contacts\":[{\"email\":";
  json::append_string(doc, key);
  size_t open = fields_json.find('{'), close = fields_json.rfind('}');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    std::string_view inner = fields_json.substr(open + 1, close - open - 1);
    if (inner.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      doc += ',';
      doc += inner;
    }
  }
  doc += "}]}";
  return doc;
}

// Absent-key sets are dropped whole when they grow past this many times the
// capacity: cheaper than an LRU for what is only a saved read.
constexpr size_t kAbsentSlack = 2;
// Caches are trimmed when they grow this far past their capacity, so the
// partial sort of a trim runs once per capacity/8 new entries.
constexpr size_t kTrimSlackDiv = 8;

template <class Set>
void forget(Set& set, std::string_view key) {
  auto it = set.find(key);
  if (it != set.end()) set.erase(it);
}

}  // namespace

StoreContext::StoreContext(const vm::Bundle& bundle, store::Store& store, size_t capacity)
    : bundle_(bundle), store_(store), capacity_(std::max<size_t>(capacity, 16)), mem_(bundle) {}

void StoreContext::load(engine::Entity e, std::string_view key) {
  std::string lower(lowered(key, scratch_));
  std::optional<std::string> fields = store_.context_record(e, lower);
  bool found = fields.has_value();
  auto& absent = absent_[int(e)];
  if (!found) {
    if (absent.size() >= kAbsentSlack * capacity_) absent.clear();
    absent.insert(std::move(lower));
    return;
  }
  std::string error;
  if (!engine::load_context_json(context_doc(e, lower, *fields), bundle_, mem_, error))
    std::fprintf(stderr, "playd: context record %s skipped: %s\n", lower.c_str(), error.c_str());
}

bool StoreContext::find(engine::Entity e, std::string_view key, std::span<const vm::Value>& slots) {
  if (mem_.find(e, key, slots)) return true;
  if (absent_[int(e)].count(lowered(key, scratch_))) return false;
  load(e, key);
  return mem_.find(e, key, slots);
}

void StoreContext::upsert(engine::Entity e, std::string_view key,
                          std::span<const engine::FieldValue> fields) {
  // The cached record must be whole before it is changed: later plays on
  // this signal read it.
  std::span<const vm::Value> slots;
  find(e, key, slots);
  forget(absent_[int(e)], lowered(key, scratch_));
  mem_.upsert(e, key, fields);
  dirty_.emplace(e, std::string(lowered(key, scratch_)));
}

void StoreContext::apply(const store::ContextUpsert& u) {
  Entity e = u.entity;
  mem_.erase(e, u.key);
  forget(absent_[int(e)], lowered(u.key, scratch_));
}

void StoreContext::flush(store::Evaluation& ev) {
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
    ev.context.push_back({e, key, std::move(fields)});
  }
}

void StoreContext::committed() {
  dirty_.clear();
  for (auto e : {engine::Entity::Account, engine::Entity::Contact})
    if (mem_.size(e) > capacity_ + capacity_ / kTrimSlackDiv) mem_.trim(e, capacity_, nullptr);
}

void StoreContext::rolled_back() {
  for (const auto& [e, key] : dirty_) mem_.erase(e, key);
  dirty_.clear();
}

// ---- ledger ----

StoreLedger::StoreLedger(store::Store& store, size_t capacity)
    : store_(store), capacity_(std::max<size_t>(capacity, 16)) {
  // Pools are few (one cursor per declared pool): all of them stay.
  for (auto& [pool, cursor] : store_.pool_cursors()) cursors_[pool] = cursor;
}

StoreLedger::Fire& StoreLedger::entry(std::string_view play, std::string_view key) {
  scratch_.assign(play);
  scratch_ += '\x1f';  // play names are identifiers: the separator cannot occur in them
  scratch_ += key;
  auto it = fires_.find(std::string_view(scratch_));
  if (it == fires_.end()) {
    Fire f;
    f.at = store_.last_fired(play, key);
    it = fires_.emplace(scratch_, f).first;
  }
  it->second.used = ++clock_;
  return it->second;
}

std::optional<int64_t> StoreLedger::last_fired(std::string_view play, std::string_view key) {
  return entry(play, key).at;
}

void StoreLedger::record_fire(std::string_view play, std::string_view key, int64_t at_ms) {
  Fire& f = entry(play, key);
  if (dirty_fires_.insert(scratch_).second) fires_before_[scratch_] = f.at;
  if (!f.at || at_ms > *f.at) f.at = at_ms;
}

uint64_t StoreLedger::pool_cursor(std::string_view pool, bool advance) {
  auto [it, inserted] = cursors_.emplace(std::string(pool), 0);
  uint64_t at = it->second;
  if (advance) {
    if (dirty_pools_.insert(it->first).second) pools_before_[it->first] = at;
    ++it->second;
  }
  return at;
}

void StoreLedger::flush(store::Evaluation& ev) {
  for (const auto& k : dirty_fires_) {
    size_t sep = k.find('\x1f');
    auto it = fires_.find(k);
    if (it == fires_.end() || !it->second.at) continue;
    // Checked: with several playd processes on one store, another may
    // have fired since this one read the entry (the store refuses the
    // batch, rolled_back() forgets the entry, and the batch is evaluated
    // again from the stored fire).
    ev.fires.push_back({k.substr(0, sep), k.substr(sep + 1), *it->second.at, true, fires_before_[k]});
  }
  for (const auto& p : dirty_pools_) ev.pools.push_back({p, cursors_[p], pools_before_[p]});
}

void StoreLedger::committed() {
  dirty_fires_.clear();
  dirty_pools_.clear();
  fires_before_.clear();
  pools_before_.clear();
  if (fires_.size() <= capacity_ + capacity_ / kTrimSlackDiv) return;
  std::vector<std::pair<uint64_t, std::string_view>> by_use;
  by_use.reserve(fires_.size());
  for (const auto& [k, f] : fires_) by_use.emplace_back(f.used, k);
  size_t excess = fires_.size() - capacity_;
  std::nth_element(by_use.begin(), by_use.begin() + long(excess - 1), by_use.end());
  std::vector<std::string> victims;
  for (size_t i = 0; i < excess; ++i) victims.emplace_back(by_use[i].second);
  for (const auto& k : victims) fires_.erase(k);
}

void StoreLedger::rolled_back() {
  for (const auto& k : dirty_fires_) fires_.erase(k);
  dirty_fires_.clear();
  fires_before_.clear();
  pools_before_.clear();
  if (dirty_pools_.empty()) return;
  for (const auto& p : dirty_pools_) cursors_[p] = store_.pool_cursor(p).value_or(0);
  dirty_pools_.clear();
}

// ---- temporal triggers' state ----

StorePatterns::StorePatterns(store::Store& store, size_t capacity)
    : store_(store), capacity_(std::max<size_t>(capacity, 16)) {}

void StorePatterns::compose(std::string_view play, uint64_t pattern, std::string_view key) {
  scratch_.assign(play);
  scratch_ += '\x1f';  // play names are identifiers: the separator cannot occur in them
  scratch_.append(reinterpret_cast<const char*>(&pattern), sizeof pattern);
  scratch_ += key;
}

StorePatterns::Entry& StorePatterns::entry(std::string_view play, uint64_t pattern, std::string_view key) {
  compose(play, pattern, key);
  auto it = cache_.find(std::string_view(scratch_));
  if (it == cache_.end()) {
    Entry e;
    e.play = play;
    e.key = key;
    e.pattern = pattern;
    e.stored = store_.pattern_state(play, pattern, key);
    if (e.stored) e.present = engine::decode_pattern_state(*e.stored, e.state);  // unreadable: afresh
    it = cache_.emplace(scratch_, std::move(e)).first;
  }
  it->second.used = ++clock_;
  return it->second;
}

engine::PatternState& StorePatterns::state(const engine::PatternId& id, std::string_view key) {
  Entry& e = entry(id.play, id.hash, key);
  if (!e.present) {  // none: a cleared state, written only if it changes
    e.state.clear();
    e.present = true;
  }
  return e.state;
}

void StorePatterns::changed(const engine::PatternId& id, std::string_view key) {
  compose(id.play, id.hash, key);
  dirty_.insert(scratch_);
}

void StorePatterns::flush(store::Evaluation& ev) {
  for (const auto& k : dirty_) {
    auto it = cache_.find(k);
    if (it == cache_.end() || !it->second.present) continue;
    engine::encode_pattern_state(it->second.state, bytes_);
    // A rate's state (it has buckets) times on the stream clock, an absence's on the service's.
    const engine::PatternState& st = it->second.state;
    ev.patterns.push_back(
        {it->second.play, it->second.pattern, it->second.key, bytes_, st.timer_ms, st.has_rate()});
    if (store_.shared()) {
      ev.patterns.back().check = true;
      ev.patterns.back().before = it->second.stored;
    }
    it->second.writing = bytes_;
  }
}

void StorePatterns::committed() {
  for (const auto& k : dirty_)
    if (auto it = cache_.find(k); it != cache_.end() && it->second.writing)
      it->second.stored = std::move(it->second.writing), it->second.writing.reset();
  dirty_.clear();
  if (cache_.size() <= capacity_ + capacity_ / kTrimSlackDiv) return;
  std::vector<std::pair<uint64_t, std::string_view>> by_use;
  by_use.reserve(cache_.size());
  for (const auto& [k, e] : cache_) by_use.emplace_back(e.used, k);
  size_t excess = cache_.size() - capacity_;
  std::nth_element(by_use.begin(), by_use.begin() + long(excess - 1), by_use.end());
  std::vector<std::string> victims;
  for (size_t i = 0; i < excess; ++i) victims.emplace_back(by_use[i].second);
  for (const auto& k : victims) cache_.erase(k);
}

void StorePatterns::rolled_back() {
  for (const auto& k : dirty_) cache_.erase(k);
  dirty_.clear();
}

}  // namespace play::qualify
