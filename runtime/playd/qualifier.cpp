#include "runtime/playd/qualifier.h"

#include <chrono>
#include <cstdio>
#include <thread>
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
    r.a.text = std::string(a.mrkdwn_text);
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

  struct Result {
    std::vector<OutcomeRow> outcomes;
    std::vector<ActionRow> actions;
  };
  std::vector<store::QueuedSignal> batch;
  std::vector<Result> results;

  Impl(const vm::Bundle& b, store::Store& s, observe::Metrics& m, sinks::Executor& e, QualifierOptions o)
      : bundle(b),
        store(s),
        metrics(m),
        executor(e),
        options(std::move(o)),
        context(b, s, options.context_cache),
        ledger(s, options.ledger_cache),
        engine(b, context, ledger),
        decoder(b) {
    engine.set_mrkdwn_texts(true);
  }

  bool outbox_full() const {
    return options.max_pending_actions && executor.open_actions() >= options.max_pending_actions;
  }
  void evaluate(Collector& collector);
  void commit(int64_t now);
  void hand_over();
};

Qualifier::Qualifier(const vm::Bundle& bundle, store::Store& store, observe::Metrics& metrics,
                     sinks::Executor& executor, QualifierOptions options)
    : impl_(new Impl(bundle, store, metrics, executor, std::move(options))) {}

Qualifier::~Qualifier() { delete impl_; }

// Runs the engine over the batch, collecting what it decides (nothing is
// written yet).
void Qualifier::Impl::evaluate(Collector& collector) {
  std::string error;
  results.clear();
  for (const auto& s : batch) {
    collector.outcomes.clear();
    collector.actions.clear();
    collector.signal = &s;
    if (decoder.decode(s.envelope, decoded, error)) {
      engine.process(decoded, collector);
    } else {
      // Ingest validated it against the plays of its time; plays changed since.
      metrics.signal_undecodable();
      collector.outcomes.push_back({"", "error", "", "", "signal: " + error, false});
    }
    results.push_back({std::move(collector.outcomes), std::move(collector.actions)});
  }
}

// One transaction for the batch: outcomes, actions (the outbox), the
// signals' evaluated mark with the play set, context and ledger changes.
void Qualifier::Impl::commit(int64_t now) {
  store.db().write([&](store::Sql& sql) {
    for (size_t i = 0; i < batch.size(); ++i) {
      const auto& s = batch[i];
      for (const auto& o : results[i].outcomes)
        sql.prepare(
               "INSERT INTO outcomes(signal_id, play, outcome, reason, clause, error, shadow, at_ms) "
               "VALUES (?,?,?,?,?,?,?,?)")
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
               "INSERT OR IGNORE INTO actions(key, signal_id, play, action, sink, lane, account, contact, "
               "line, status, next_attempt_ms, created_at_ms, occurred_at_ms, received_at_ms, text) VALUES "
               "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
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
            .bind(15, r.a.text)
            .run();
      sql.prepare("UPDATE signals SET evaluated_at_ms = ?, play_set = ? WHERE seq = ?")
          .bind(1, now)
          .bind(2, options.play_set)
          .bind(3, s.seq)
          .run();
    }
    context.flush(sql);
    ledger.flush(sql);
  });
}

// After the commit: metrics, the lanes' bookkeeping, and the actions to
// their sinks.
void Qualifier::Impl::hand_over() {
  std::vector<sinks::PendingAction> to_send;
  for (auto& r : results) {
    for (const auto& o : r.outcomes)
      if (!o.play.empty()) metrics.outcome(o.play, o.outcome, o.outcome == "fired" ? "" : o.reason);
    for (auto& a : r.actions) {
      metrics.action_issued(a.a.sink);
      if (a.shadow)
        metrics.action_result(a.a.sink, "shadow");
      else
        to_send.push_back(std::move(a.a));
    }
    metrics.signal_evaluated();
  }
  store.db().done_signals(batch);
  executor.submit(std::move(to_send));
}

void Qualifier::run(const std::atomic<bool>& stop) {
  Impl& q = *impl_;
  store::Database& db = q.store.db();
  Collector collector(q.bundle);
  int failures = 0;
  while (!stop.load()) {
    // Backpressure from execution: the signals wait, durable, in their lanes.
    if (q.outbox_full()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    q.batch.clear();
    if (!db.take_signals(q.options.max_batch, q.batch, 200)) continue;
    // Ingest upserts that committed before these signals were taken apply
    // before they are evaluated.
    for (const auto& u : db.take_context()) q.context.apply(u);
    for (;;) {
      q.evaluate(collector);
      try {
        q.commit(store::now_ms());
        q.context.committed();
        q.ledger.committed();
        failures = 0;
        break;
      } catch (const std::exception& e) {
        // Forget what the batch changed; evaluate it again once the store
        // can write (the store logs and reports its own degraded state).
        q.context.rolled_back();
        q.ledger.rolled_back();
        q.metrics.qualify_commit_failed();
        if (failures++ % 60 == 0)
          std::fprintf(stderr,
                       "playd: cannot commit %zu evaluated signals (%s); they stay queued and are "
                       "evaluated again when the store can write\n",
                       q.batch.size(), e.what());
        // A failure that is not the store's (the store stays writable)
        // still must not spin: back off.
        if (q.store.wait_writable(&stop, 1000))
          std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1000, 10 << std::min(failures, 6))));
        if (stop.load()) return;  // still queued on disk: the next start evaluates them
      }
    }
    q.hand_over();
  }
}

}  // namespace play::playd
