#include "runtime/qualify/suppression_recheck.h"

#include <algorithm>

#include "runtime/engine/engine.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/qualify/store_context.h"

namespace play::qualify {

namespace {

// The engine keeps a reference to its ContextStore; each check reads the
// records it needs, as committed now, through a fresh StoreContext behind
// this one (its changes, the masked enroll below, are never written).
class FreshContext : public engine::ContextStore {
 public:
  FreshContext(const vm::Bundle& bundle, store::Store& store) : bundle_(bundle), store_(store) {}
  void reset() { current_ = std::make_unique<StoreContext>(bundle_, store_, 16); }
  StoreContext& current() { return *current_; }
  bool find(engine::Entity e, std::string_view key, std::span<const vm::Value>& slots) override {
    return current_->find(e, key, slots);
  }
  void upsert(engine::Entity e, std::string_view key, std::span<const engine::FieldValue> fields) override {
    current_->upsert(e, key, fields);
  }

 private:
  const vm::Bundle& bundle_;
  store::Store& store_;
  std::unique_ptr<StoreContext> current_ = std::make_unique<StoreContext>(bundle_, store_, 16);
};

}  // namespace

// What is derived from one play set (rebuilt when the live set changes).
struct Checker {
  std::shared_ptr<const engine::PlaySet> set;
  std::unordered_set<std::string> plays;  // plays with `unless suppressed`
  FreshContext context;
  engine::MemoryLedger ledger;  // unused by the suppress rules
  engine::Engine engine;
  int last_enrolled_slot;

  Checker(std::shared_ptr<const engine::PlaySet> s, store::Store& store)
      : set(std::move(s)),
        context(*set->bundle, store),
        engine(*set->bundle, context, ledger),
        last_enrolled_slot(engine::field_slot(set->bundle->contact, "last_enrolled_at")) {
    for (const vm::Play& p : set->bundle->plays)
      if (std::any_of(p.clauses.begin(), p.clauses.end(),
                      [](const vm::Clause& c) { return c.kind == vm::ClauseKind::UnlessSuppressed; }))
        plays.insert(p.name);
  }
};

struct SuppressionChecker::Impl {
  Impl(std::shared_ptr<const engine::LivePlays> l, store::Store& s) : live(std::move(l)), store(s) {}
  std::shared_ptr<const engine::LivePlays> live;
  store::Store& store;
  std::mutex mu;
  std::unique_ptr<Checker> checker;
};

SuppressionChecker::SuppressionChecker(std::shared_ptr<const engine::LivePlays> plays, store::Store& store)
    : impl_(std::make_unique<Impl>(std::move(plays), store)) {}

SuppressionChecker::~SuppressionChecker() = default;

std::string SuppressionChecker::check(const store::OpenAction& a) {
  Impl& i = *impl_;
  std::lock_guard<std::mutex> lock(i.mu);
  // The rules of the plays running now (a reload may have changed them).
  if (auto set = i.live->current(); !i.checker || i.checker->set->generation != set->generation)
    i.checker = std::make_unique<Checker>(std::move(set), i.store);
  Checker& c = *i.checker;
  if (!c.plays.count(a.play)) return "";
  c.context.reset();
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

}  // namespace play::qualify
