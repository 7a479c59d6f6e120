#include "runtime/playd/qualifier.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "runtime/engine/engine.h"
#include "runtime/engine/render.h"
#include "runtime/engine/signal.h"
#include "runtime/playd/store_context.h"
#include "runtime/store/database.h"

namespace play::playd {

std::unordered_set<std::string> high_lane_types(const vm::Bundle& bundle) {
  std::unordered_set<std::string> out;
  for (const auto& p : bundle.plays)
    if (p.priority == vm::Priority::High)
      for (uint32_t t : p.signal_types) out.insert(bundle.signals[t].name);
  // Signals that change context ride the high lane too: a high-lane signal
  // must never be decided on context older than an update acknowledged before
  // it (a do-not-contact flag set in the CRM must stop the next enrollment).
  for (const char* t : {"crm.account_updated", "crm.contact_updated"}) out.insert(t);
  return out;
}

namespace {

struct OutcomeRow {
  std::string play, outcome, reason, clause, error;
  bool shadow = false;
};

struct ActionRow {
  sinks::PendingAction a;
  std::string action;
  bool shadow = false;
};

// Collects what the engine issues for one signal (its views die with the call).
class Collector : public engine::OutputSink {
 public:
  Collector(const vm::Bundle& bundle) : bundle_(bundle) {}
  std::vector<OutcomeRow> outcomes;
  std::vector<ActionRow> actions;
  const store::QueuedSignal* signal = nullptr;

  void action(const engine::Action& a) override {
    ActionRow r;
    r.a.key = std::string(a.key());
    r.a.sink = std::string(a.sink);
    r.a.high = a.priority == vm::Priority::High;
    engine::render_action(a, r.a.line);
    r.a.play = std::string(a.play);
    r.a.account = std::string(a.account);
    r.a.contact = std::string(a.contact);
    r.a.created_at_ms = store::now_ms();
    r.a.due_ms = r.a.created_at_ms;
    r.a.occurred_at_ms = signal->occurred_at_ms;
    r.a.received_at_ms = signal->received_at_ms;
    r.action = std::string(a.action);
    r.shadow = a.shadow;
    actions.push_back(std::move(r));
  }
  void outcome(const engine::Outcome& o) override {
    OutcomeRow r;
    r.play = std::string(o.play);
    r.outcome = engine::outcome_name(o.kind);
    r.reason = std::string(o.reason);
    r.clause = engine::format_pos(bundle_, o.kind == engine::OutcomeKind::Error ? o.error_pos : o.clause_pos);
    r.error = std::string(o.error);
    r.shadow = o.shadow;
    outcomes.push_back(std::move(r));
  }

 private:
  const vm::Bundle& bundle_;
};

}  // namespace

struct Qualifier::Impl {
  const vm::Bundle& bundle;
  store::Store& store;
  observe::Metrics& metrics;
  sinks::Executor& executor;
  QualifierOptions options;
  StoreContext context;
  StoreLedger ledger;
  engine::Engine engine;
  engine::SignalDecoder decoder;
  engine::DecodedSignal decoded;

  Impl(const vm::Bundle& b, store::Store& s, observe::Metrics& m, sinks::Executor& e, QualifierOptions o)
      : bundle(b),
        store(s),
        metrics(m),
        executor(e),
        options(o),
        context(b),
        engine(b, context, ledger),
        decoder(b) {
    store.db().read([&](store::Sql& sql) {
      context.load(sql);
      ledger.load(sql);
    });
  }
};

Qualifier::Qualifier(const vm::Bundle& bundle, store::Store& store, observe::Metrics& metrics,
                     sinks::Executor& executor, QualifierOptions options)
    : impl_(new Impl(bundle, store, metrics, executor, options)) {}

Qualifier::~Qualifier() { delete impl_; }

void Qualifier::run(const std::atomic<bool>& stop) {
  Impl& q = *impl_;
  store::Database& db = q.store.db();
  std::vector<store::QueuedSignal> batch;
  struct Result {
    std::vector<OutcomeRow> outcomes;
    std::vector<ActionRow> actions;
  };
  std::vector<Result> results;
  Collector collector(q.bundle);
  std::string error;
  while (!stop.load()) {
    batch.clear();
    if (!db.take_signals(q.options.max_batch, batch, 200)) continue;
    // Ingest upserts that committed before these signals were taken apply
    // before they are evaluated.
    for (const auto& u : db.take_context()) q.context.apply(u);
    results.clear();
    for (const auto& s : batch) {
      collector.outcomes.clear();
      collector.actions.clear();
      collector.signal = &s;
      if (q.decoder.decode(s.envelope, q.decoded, error)) {
        q.engine.process(q.decoded, collector);
      } else {
        // Ingest validated it against the plays of its time; plays changed since.
        q.metrics.signal_undecodable();
        collector.outcomes.push_back({"", "error", "", "", "signal: " + error, false});
      }
      results.push_back({std::move(collector.outcomes), std::move(collector.actions)});
    }
    int64_t now = store::now_ms();
    std::vector<sinks::PendingAction> to_send;
    try {
      db.write(
          [&](store::Sql& sql) {
            for (size_t i = 0; i < batch.size(); ++i) {
              const auto& s = batch[i];
              for (const auto& o : results[i].outcomes)
                sql.prepare(
                       "INSERT INTO outcomes(signal_id, play, outcome, reason, clause, error, shadow, at_ms) "
                       "VALUES "
                       "(?,?,?,?,?,?,?,?)")
                    .bind(1, s.id)
                    .bind(2, o.play)
                    .bind(3, o.outcome)
                    .bind(4, o.reason)
                    .bind(5, o.clause)
                    .bind(6, o.error)
                    .bind(7, int64_t(o.shadow))
                    .bind(8, now)
                    .run();
              for (const auto& r : results[i].actions)
                sql.prepare(
                       "INSERT OR IGNORE INTO actions(key, signal_id, play, action, sink, lane, account, "
                       "contact, "
                       "line, status, next_attempt_ms, created_at_ms, occurred_at_ms, received_at_ms) VALUES "
                       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                    .bind(1, r.a.key)
                    .bind(2, s.id)
                    .bind(3, r.a.play)
                    .bind(4, r.action)
                    .bind(5, r.a.sink)
                    .bind(6, int64_t(r.a.high ? 0 : 1))
                    .bind(7, r.a.account)
                    .bind(8, r.a.contact)
                    .bind(9, r.a.line)
                    .bind(10, r.shadow ? "shadow" : "pending")
                    .bind(11, now)
                    .bind(12, now)
                    .bind(13, r.a.occurred_at_ms)
                    .bind(14, r.a.received_at_ms)
                    .run();
              sql.prepare("UPDATE signals SET evaluated_at_ms = ? WHERE seq = ?")
                  .bind(1, now)
                  .bind(2, s.seq)
                  .run();
            }
            q.context.flush(sql);
            q.ledger.flush(sql);
          },
          [&] {
            q.context.clear_dirty();
            q.ledger.clear_dirty();
          });
    } catch (const std::exception& e) {
      std::fprintf(stderr, "playd: cannot commit evaluated signals: %s; exiting (a restart resumes)\n",
                   e.what());
      std::fflush(stderr);
      std::_Exit(70);
    }
    for (auto& r : results) {
      for (const auto& o : r.outcomes)
        if (!o.play.empty()) q.metrics.outcome(o.play, o.outcome, o.outcome == "fired" ? "" : o.reason);
      for (auto& a : r.actions) {
        q.metrics.action_issued(a.a.sink);
        if (a.shadow)
          q.metrics.action_result(a.a.sink, "shadow");
        else
          to_send.push_back(std::move(a.a));
      }
      q.metrics.signal_evaluated();
    }
    db.done_signals(batch);
    q.executor.submit(std::move(to_send));
  }
}

}  // namespace play::playd
