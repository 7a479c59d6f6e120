#include "runtime/qualify/qualifier.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "common/context_signals.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/render.h"
#include "runtime/engine/signal.h"
#include "runtime/qualify/store_context.h"

namespace play::qualify {

std::unordered_set<std::string> high_lane_types(const vm::Bundle& bundle) {
  std::unordered_set<std::string> out;
  for (const auto& p : bundle.plays)
    if (p.priority == vm::Priority::High)
      for (uint32_t t : p.signal_types) out.insert(bundle.signals[t].name);
  // Signals that change context ride the high lane too: a high-lane signal
  // must never be decided on context older than an update acknowledged before
  // it (a do-not-contact flag set in the CRM must stop the next enrollment).
  for (auto t : {kAccountUpdatedType, kContactUpdatedType}) out.emplace(t);
  return out;
}

namespace {

// Collects what the engine issues for one signal (its views die with the call).
class Collector : public engine::OutputSink {
 public:
  Collector(const vm::Bundle& bundle) : bundle_(bundle) {}
  std::vector<store::OutcomeRecord> outcomes;
  std::vector<store::ActionRecord> actions;
  const store::QueuedSignal* signal = nullptr;
  // What absences a signal ended, and rate buckets its clock closed for its
  // own account, decided on their synthetic signals (engine/absence.cpp,
  // rate.cpp): recorded under those ids, not the signal's. The first
  // `before` of them were decided before the signal's own plays (the
  // rate's), the rest after.
  std::vector<store::EvaluatedSignal> synthetic;
  size_t before = SIZE_MAX;  // SIZE_MAX: the signal's own plays have not spoken yet

  store::EvaluatedSignal* synthetic_for(std::string_view id) {
    if (id == signal->id) {
      if (before == SIZE_MAX) before = synthetic.size();
      return nullptr;
    }
    if (synthetic.empty() || synthetic.back().id != id)
      synthetic.push_back({0, std::string(id), {}, {}, signal->type});
    return &synthetic.back();
  }

  void action(const engine::Action& a) override {
    store::ActionRecord r;
    r.key = std::string(a.key());
    r.play = std::string(a.play);
    r.action = std::string(a.action);
    r.sink = std::string(a.sink);
    r.high = a.priority == vm::Priority::High;
    r.account = std::string(a.account);
    r.contact = std::string(a.contact);
    engine::render_action(a, r.line);
    r.text = std::string(a.mrkdwn_text);
    r.shadow = a.shadow;
    r.occurred_at_ms = signal->occurred_at_ms;
    r.received_at_ms = signal->received_at_ms;
    if (auto* s = synthetic_for(a.signal)) return s->actions.push_back(std::move(r));
    actions.push_back(std::move(r));
  }
  void outcome(const engine::Outcome& o) override {
    store::OutcomeRecord r;
    r.play = std::string(o.play);
    r.outcome = engine::outcome_name(o.kind);
    r.reason = std::string(o.reason);
    r.clause = engine::format_pos(bundle_, o.kind == engine::OutcomeKind::Error ? o.error_pos : o.clause_pos);
    r.error = std::string(o.error);
    r.shadow = o.shadow;
    if (auto* s = synthetic_for(o.signal)) return s->outcomes.push_back(std::move(r));
    outcomes.push_back(std::move(r));
  }

 private:
  const vm::Bundle& bundle_;
};

// The reason label of an outcome's metric. A temporal trigger's no_match
// says how far its pattern got ("counted 2 of 3 ..."): traced, but not a
// label (N values per play); only its late signals are counted apart.
std::string_view metric_reason(const store::OutcomeRecord& o) {
  if (o.outcome == "fired") return "";
  if (o.outcome == "no_match") return o.reason.starts_with(engine::kLateReason) ? "late" : "";
  return o.reason;
}

}  // namespace

struct Qualifier::Impl {
  std::shared_ptr<const engine::LivePlays> live;
  store::Store& store;
  observe::Metrics& metrics;
  Qualifier::Execution execution;
  QualifierOptions options;
  StoreLedger ledger;  // keyed by play and pool names: carries over a reload
  // Keyed by play and pattern hash: an unchanged pattern keeps its windows over a reload.
  StorePatterns patterns;
  int64_t last_purge_ms = 0;

  // What is derived from one play set: rebuilt, between two batches, when
  // the live set changes. The context cache too: entity schemas may differ.
  struct Loaded {
    std::shared_ptr<const engine::PlaySet> set;
    std::unique_ptr<StoreContext> context;
    std::unique_ptr<engine::ProgramRunner> runner;  // declared before the engine: outlives it
    std::unique_ptr<engine::Engine> engine;
    std::unique_ptr<engine::SignalDecoder> decoder;
    std::unique_ptr<Collector> collector;
  } plays;
  std::atomic<uint64_t> generation{0};
  engine::DecodedSignal decoded;

  std::vector<store::QueuedSignal> batch;
  store::Evaluation evaluation;  // what the batch decided, committed in one transaction

  Impl(std::shared_ptr<const engine::LivePlays> l, store::Store& s, observe::Metrics& m,
       Qualifier::Execution e, QualifierOptions o)
      : live(std::move(l)),
        store(s),
        metrics(m),
        execution(std::move(e)),
        options(std::move(o)),
        ledger(s, options.ledger_cache),
        patterns(s, options.ledger_cache) {
    install(live->current());
  }

  void install(std::shared_ptr<const engine::PlaySet> set) {
    Loaded next;
    const vm::Bundle& b = *set->bundle;
    next.context = std::make_unique<StoreContext>(b, store, options.context_cache);
    next.engine = std::make_unique<engine::Engine>(b, *next.context, ledger);
    next.engine->set_mrkdwn_texts(true);
    if (options.make_runner) next.engine->set_runner((next.runner = options.make_runner(b)).get());
    next.engine->set_patterns(patterns);
    // Rate timers run on the stream clock: a new engine (a start, a
    // reload) carries it on from the store's, or from the engine it replaces.
    if (plays.engine) next.engine->restore_stream_clock(plays.engine->stream_clock_ms());
    try {
      next.engine->restore_stream_clock(store.stream_clock());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "playd: cannot read the stream clock (%s); it starts from the next signal\n",
                   e.what());
    }
    next.decoder = std::make_unique<engine::SignalDecoder>(b);
    next.collector = std::make_unique<Collector>(b);
    next.set = std::move(set);
    // The engine points into the old context: release in reverse order.
    plays.collector.reset();
    plays.decoder.reset();
    plays.engine.reset();
    plays.runner.reset();
    plays.context.reset();
    plays = std::move(next);
    generation = plays.set->generation;
    purge_patterns();
  }

  // The states of temporal triggers no running pattern needs: of a removed
  // or changed pattern, or untouched for the pattern's window, its lateness
  // and a day more (docs/language.md section 12, "State"; a rate's only with
  // its pattern); a score's window is 40 half lives, after which its value
  // is below 1e-12 of what it was. At each play set and hourly.
  void purge_patterns() {
    const vm::Bundle& b = *plays.set->bundle;
    std::vector<store::PatternId> keep;
    for (uint32_t i = 0; i < b.plays.size(); ++i)
      if (uint64_t h = plays.engine->pattern_hash(i)) {
        const vm::Pattern& pat = b.plays[i].pattern;
        // A rate's history is what it compares with, however old: its
        // buckets are kept while its pattern runs (the next signal after a
        // long silence still judges the empty buckets, as `playc run` does).
        int64_t span = pat.kind == vm::PatternKind::Score ? 40 * pat.half_life_ms : pat.within_ms;
        int64_t keep_ms =
            pat.kind == vm::PatternKind::Rate ? INT64_MAX / 2 : span + pat.lateness_ms + 24 * 3600 * 1000;
        keep.push_back({b.plays[i].name, h, keep_ms});
      }
    int64_t now = store::now_ms();
    last_purge_ms = now;
    try {
      if (store.purge_patterns(keep, now) > 0) patterns.forget_all();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "playd: could not purge temporal trigger states (%s); tried again in an hour\n",
                   e.what());
    }
  }

  // Another node replaced the play set (the claim read the store's
  // current one): take it up before evaluating. If it cannot be, the batch
  // is still evaluated with the running set, and the store refuses its
  // commit: it waits, queued, rather than be decided by a stale set.
  void follow_store_play_set() {
    if (!options.adopt_play_set) return;
    std::string want = store.current_play_set();
    if (want.empty() || want == plays.set->version) return;
    options.adopt_play_set(want);
    if (auto set = live->current(); set->generation != plays.set->generation) install(std::move(set));
  }

  bool outbox_full() const {
    return options.max_pending_actions && execution.backlog() >= options.max_pending_actions;
  }
  void evaluate();
  void hand_over();
  void run_timers();
};

// The timers due (docs/language.md section 12): the absence form's on the
// service clock, the rate form's on the stream clock (the engine's, as
// `playc run` runs them: on the service clock a backfilled account's
// buckets would close before its later historical signals came). Each runs
// its play on synthetic signals, and its decisions commit with the state's
// new timer in one transaction, so a timer due while playd was down fires
// once after the start, never twice. A timer of a pattern not running
// (changed or removed by a reload) is left to the purge, which drops it.
void Qualifier::Impl::run_timers() {
  const vm::Bundle& b = *plays.set->bundle;
  int64_t now = store::now_ms();
  std::vector<store::PatternTimer> due;
  try {
    // Nodes sharing the store: another may have moved the stream clock.
    if (store.shared()) plays.engine->restore_stream_clock(store.stream_clock());
    due = store.due_pattern_timers(now, plays.engine->stream_clock_ms(), options.max_batch);
  } catch (const std::exception&) {
    return;  // the store reports its own state; tried again on the next round
  }
  if (due.empty()) return;
  // Nodes sharing the store: read the windows afresh (another node may have
  // fired or moved these timers); the commit checks them again.
  if (store.shared()) patterns.forget_all();
  Collector& collector = *plays.collector;
  evaluation = store::Evaluation();
  evaluation.play_set = plays.set->version;
  evaluation.stream_clock_ms = plays.engine->stream_clock_ms();
  // The synthetic signals' times, for their actions; its id matches none of
  // them, so each fire is recorded under its own (a rate timer may close
  // several buckets, each firing on its own signal).
  store::QueuedSignal carrier;
  for (const auto& t : due) {
    uint32_t pi = 0;
    while (pi < b.plays.size() &&
           !(b.plays[pi].name == t.play && plays.engine->pattern_hash(pi) == t.pattern))
      ++pi;
    if (pi == b.plays.size()) continue;
    int64_t due_ms = t.timer_ms - b.plays[pi].pattern.lateness_ms;
    collector.outcomes.clear();
    collector.actions.clear();
    collector.synthetic.clear();
    carrier.id.clear();
    carrier.type = b.signals[b.plays[pi].pattern.members[0].signal_type].name;
    carrier.occurred_at_ms = due_ms;  // a rate's: the end of the bucket whose close fires
    carrier.received_at_ms = now;
    collector.signal = &carrier;
    if (!plays.engine->run_timer(pi, t.key, t.stream ? plays.engine->stream_clock_ms() : now, collector))
      continue;
    for (auto& e : collector.synthetic) evaluation.signals.push_back(std::move(e));
  }
  plays.context->flush(evaluation);
  ledger.flush(evaluation);
  patterns.flush(evaluation);
  if (evaluation.signals.empty() && evaluation.patterns.empty()) return;
  try {
    store.commit_evaluation(evaluation);
    plays.context->committed();
    ledger.committed();
    patterns.committed();
  } catch (const std::exception& e) {
    plays.context->rolled_back();
    ledger.rolled_back();
    patterns.rolled_back();
    metrics.qualify_commit_failed();
    std::fprintf(stderr,
                 "playd: %zu fired absence timers not committed (%s); the due ones are looked for again\n",
                 evaluation.signals.size(), e.what());
    return;
  }
  batch.clear();
  hand_over();
}

Qualifier::Qualifier(std::shared_ptr<const engine::LivePlays> plays, store::Store& store,
                     observe::Metrics& metrics, Execution execution, QualifierOptions options)
    : impl_(new Impl(std::move(plays), store, metrics, std::move(execution), std::move(options))) {}

Qualifier::~Qualifier() { delete impl_; }

uint64_t Qualifier::generation_in_use() const { return impl_->generation.load(); }

// Runs the engine over the batch, collecting what it decides (nothing is
// written yet).
void Qualifier::Impl::evaluate() {
  std::string error;
  Collector& collector = *plays.collector;
  evaluation = store::Evaluation();
  evaluation.play_set = plays.set->version;
  for (const auto& s : batch) {
    collector.outcomes.clear();
    collector.actions.clear();
    collector.synthetic.clear();
    collector.before = SIZE_MAX;
    collector.signal = &s;
    if (plays.decoder->decode(s.envelope, decoded, error)) {
      plays.engine->process(decoded, collector);
    } else {
      // Ingest validated it against the plays of its time; plays changed since.
      metrics.signal_undecodable();
      collector.outcomes.push_back({"", "error", "", "", "signal: " + error, false});
    }
    // In the order decided: a rate bucket this signal's clock closed for
    // its own account fired before its plays, as a timer's would have;
    // an absence it ended, after.
    size_t before = std::min(collector.before, collector.synthetic.size());
    for (size_t i = 0; i < before; ++i) evaluation.signals.push_back(std::move(collector.synthetic[i]));
    evaluation.signals.push_back(
        {s.seq, s.id, std::move(collector.outcomes), std::move(collector.actions), s.type});
    for (size_t i = before; i < collector.synthetic.size(); ++i)
      evaluation.signals.push_back(std::move(collector.synthetic[i]));
  }
  evaluation.stream_clock_ms = plays.engine->stream_clock_ms();
  plays.context->flush(evaluation);
  ledger.flush(evaluation);
  patterns.flush(evaluation);
}

// After the commit: metrics, the lanes' bookkeeping, and the actions to
// their sinks.
void Qualifier::Impl::hand_over() {
  std::vector<store::OpenAction> to_send;
  int64_t now = store::now_ms();
  for (auto& r : evaluation.signals) {
    for (const auto& o : r.outcomes)
      if (!o.play.empty()) metrics.outcome(o.play, o.outcome, metric_reason(o));
    for (auto& a : r.actions) {
      metrics.action_issued(a.sink);
      metrics.play_action(a.play, a.sink, a.shadow ? "shadow" : "issued");
      if (a.shadow) {
        metrics.action_result(a.sink, "shadow");
        continue;
      }
      store::OpenAction p;
      p.key = std::move(a.key);
      p.sink = std::move(a.sink);
      p.high = a.high;
      p.line = std::move(a.line);
      p.text = std::move(a.text);
      p.play = std::move(a.play);
      p.account = std::move(a.account);
      p.contact = std::move(a.contact);
      p.created_at_ms = p.due_ms = now;
      p.occurred_at_ms = a.occurred_at_ms;
      p.received_at_ms = a.received_at_ms;
      p.signal_type = r.type;
      to_send.push_back(std::move(p));
    }
    if (r.seq) metrics.signal_evaluated();  // not an absence's synthetic signal
  }
  store.done_signals(batch);
  execution.submit(std::move(to_send));
}

void Qualifier::run(const std::atomic<bool>& stop) {
  Impl& q = *impl_;
  int failures = 0;
  while (!stop.load()) {
    // A reloaded play set takes over here, between two batches (or while
    // idle, within the 200 ms wait below): no signal is evaluated half by
    // the old plays and half by the new.
    if (auto set = q.live->current(); set->generation != q.plays.set->generation) q.install(std::move(set));
    // Backpressure from execution: the signals wait, durable, in their lanes.
    if (q.outbox_full()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    q.batch.clear();
    if (!q.store.take_signals(q.options.max_batch, q.batch, 200)) {
      q.run_timers();  // idle: at least every 200 ms
      continue;
    }
    // Ingest upserts that committed before these signals were taken apply
    // before they are evaluated.
    for (const auto& u : q.store.take_context()) q.plays.context->apply(u);
    // Another node may have counted this batch's accounts since this one
    // last did (claims hand an account to one node only until its batch
    // commits): their windows are read afresh, in the claim's order.
    if (q.store.shared()) {
      q.patterns.forget_all();
      // ... and the stream clock, which their signals moved: rate buckets
      // close, and signals are late, on the clock of every node's signals.
      try {
        q.plays.engine->restore_stream_clock(q.store.stream_clock());
      } catch (const std::exception&) {
        // the store reports its own state; the commit below fails the same way
      }
    }
    for (;;) {
      q.follow_store_play_set();
      int64_t clock_before = q.plays.engine->stream_clock_ms();
      q.evaluate();
      try {
        q.store.commit_evaluation(q.evaluation);
        q.plays.context->committed();
        q.ledger.committed();
        q.patterns.committed();
        failures = 0;
        break;
      } catch (const std::exception& e) {
        // Forget what the batch changed; evaluate it again once the store
        // can write (the store logs and reports its own degraded state).
        q.plays.context->rolled_back();
        q.ledger.rolled_back();
        q.patterns.rolled_back();
        // ... the stream clock too: the batch is evaluated again from the
        // clock it started with, as its first signal saw it.
        q.plays.engine->rewind_stream_clock(clock_before);
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
    q.run_timers();
    if (store::now_ms() - q.last_purge_ms > 3600 * 1000) q.purge_patterns();
  }
}

}  // namespace play::qualify
