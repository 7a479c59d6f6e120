#include "runtime/playd/suppression_check.h"

#include <algorithm>

#include "runtime/engine/engine.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/playd/store_context.h"
#include "runtime/store/database.h"

namespace play::playd {

namespace {

// The engine keeps a reference to its ContextStore; each check loads the
// records it needs into a fresh StoreContext behind this one.
class FreshContext : public engine::ContextStore {
 public:
  explicit FreshContext(const vm::Bundle& bundle) : bundle_(bundle) {}
  void reset() { current_ = std::make_unique<StoreContext>(bundle_); }
  StoreContext& current() { return *current_; }
  bool find(engine::Entity e, std::string_view key, std::span<const vm::Value>& slots) override {
    return current_->find(e, key, slots);
  }
  void upsert(engine::Entity e, std::string_view key, std::span<const engine::FieldValue> fields) override {
    current_->upsert(e, key, fields);
  }

 private:
  const vm::Bundle& bundle_;
  std::unique_ptr<StoreContext> current_ = std::make_unique<StoreContext>(bundle_);
};

}  // namespace

struct SuppressionChecker::Impl {
  const vm::Bundle& bundle;
  store::Store& store;
  std::mutex mu;
  std::unordered_set<std::string> plays;  // plays with `unless suppressed`
  FreshContext context;
  engine::MemoryLedger ledger;  // unused by the suppress rules
  engine::Engine engine;
  int last_enrolled_slot;

  Impl(const vm::Bundle& b, store::Store& s)
      : bundle(b),
        store(s),
        context(b),
        engine(b, context, ledger),
        last_enrolled_slot(engine::field_slot(b.contact, "last_enrolled_at")) {
    for (const vm::Play& p : b.plays)
      if (std::any_of(p.clauses.begin(), p.clauses.end(),
                      [](const vm::Clause& c) { return c.kind == vm::ClauseKind::UnlessSuppressed; }))
        plays.insert(p.name);
  }

  void load(store::Entity entity, const std::string& key) {
    if (key.empty()) return;
    std::string fields;
    bool found = false;
    store.db().read([&](store::Sql& sql) {
      store::Stmt& s = entity == store::Entity::Account
                           ? sql.prepare("SELECT fields FROM accounts WHERE domain = ?")
                           : sql.prepare("SELECT fields FROM contacts WHERE email = ?");
      s.bind(1, key);
      if (s.step()) {
        found = true;
        fields = std::string(s.text(0));
      }
      s.reset();
    });
    if (found) context.current().apply({entity, key, std::move(fields)});
  }
};

SuppressionChecker::SuppressionChecker(const vm::Bundle& bundle, store::Store& store)
    : impl_(std::make_unique<Impl>(bundle, store)) {}

SuppressionChecker::~SuppressionChecker() = default;

std::string SuppressionChecker::check(const sinks::PendingAction& a) {
  Impl& c = *impl_;
  if (!c.plays.count(a.play)) return "";
  std::lock_guard<std::mutex> lock(c.mu);
  c.context.reset();
  c.load(store::Entity::Contact, a.contact);
  c.load(store::Entity::Account, a.account);
  std::span<const vm::Value> slots;
  if (c.last_enrolled_slot >= 0 && !a.contact.empty() &&
      c.context.find(engine::Entity::Contact, a.contact, slots)) {
    const vm::Value& v = slots[size_t(c.last_enrolled_slot)];
    if (v.kind == vm::Kind::Timestamp && v.i == a.occurred_at_ms) {  // the action's own enroll
      engine::FieldValue f{uint32_t(c.last_enrolled_slot), vm::Value()};
      c.context.upsert(engine::Entity::Contact, a.contact, {&f, 1});
    }
  }
  int64_t now = std::max(store::now_ms(), a.occurred_at_ms);
  return c.engine.suppression_reason(a.account, a.contact, now).value_or("");
}

}  // namespace play::playd
