// The backtest loop of `playc run` and `playc diff` (backtest.h).
#include "apps/playc/backtest.h"

#include <cstdio>
#include <memory>

#include "apps/playc/line_reader.h"
#include "apps/playc/signal_feed.h"
#include "compiler/diag/files.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"

namespace play::playc {

namespace {

// A leak checker (PLAY_SANITIZE builds) would report the state left to the OS.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kLeakChecked = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kLeakChecked = true;
#else
constexpr bool kLeakChecked = false;
#endif
#else
constexpr bool kLeakChecked = false;
#endif

// What one backtest keeps in memory.
struct State {
  engine::MemoryContext context;
  engine::MemoryLedger ledger;
  engine::MemorySeenSignals seen;
  engine::Engine engine;
  State(const vm::Bundle& bundle, int64_t dedup_ttl_ms)
      : context(bundle), seen(dedup_ttl_ms), engine(bundle, context, ledger, &seen) {}
};

}  // namespace

BacktestResult backtest(const vm::Bundle& bundle, const BacktestInput& in, engine::OutputSink& sink,
                        const std::function<void()>& after_signal) {
  BacktestResult res;
  auto state = std::make_unique<State>(bundle, in.dedup_ttl_ms);
  state->engine.set_runner(in.runner);
  engine::MemoryContext& context = state->context;
  std::string text, err;
  if (!in.context.empty()) {
    if (!read_file(in.context, text, err)) {
      std::fprintf(stderr, "%s: cannot read '%s': %s\n", in.command, in.context.c_str(), err.c_str());
      res.rc = 2;
      return res;
    }
    if (!engine::load_context_json(text, bundle, context, err)) {
      std::fprintf(stderr, "%s: error: %s\n", in.context.c_str(), err.c_str());
      res.rc = 1;
      return res;
    }
  }
  LineReader signals;  // streamed: memory does not grow with the input
  if (!signals.open(in.signals, err)) {
    std::fprintf(stderr, "%s: cannot read '%s': %s\n", in.command, in.signals.c_str(), err.c_str());
    res.rc = 2;
    return res;
  }

  engine::Engine& eng = state->engine;
  // The stream clock: the newest occurred_at read so far, over all signals
  // (no later than each one's received_at: Engine::clock_time). Absence and
  // rate timers run on it (docs/language.md section 12), before the signal
  // that moved it: a backtest never invents time.
  int64_t clock = INT64_MIN;
  // While one signal is evaluated, the engine is told of the three after it
  // (Engine::prefetch): the third's account entry, the second's pattern
  // table and the next one's states load meanwhile.
  using Step = engine::PatternStore::Prefetch;
  static constexpr Step kSteps[] = {Step::States, Step::Table, Step::Key};
  SignalFeed feed(bundle, signals, in.signals);
  for (std::span<engine::DecodedSignal> batch = feed.next(); !batch.empty(); batch = feed.next()) {
    for (size_t i = 0; i < batch.size(); ++i) {
      for (size_t d = 1; d <= 3 && i + d < batch.size(); ++d) eng.prefetch(batch[i + d], kSteps[d - 1]);
      engine::DecodedSignal& signal = batch[i];
      if (int64_t at = engine::Engine::clock_time(signal); at > clock) eng.advance_clock(clock = at, sink);
      eng.process(signal, sink);
      ++res.signals;
      if (after_signal) after_signal();
    }
  }
  res.skipped = feed.skipped();
  if (!signals.error().empty()) {
    std::fprintf(stderr, "%s: cannot read '%s': %s\n", in.command, in.signals.c_str(),
                 signals.error().c_str());
    res.rc = 2;
    return res;
  }
  if (in.until_ms > clock) eng.advance_clock(clock = in.until_ms, sink);
  if (after_signal) after_signal();
  res.absences = eng.stats().absences_fired;
  res.rates = eng.stats().rates_fired;
  res.late = eng.stats().late_signals;
  res.no_match = eng.stats().outcomes[size_t(engine::OutcomeKind::NoMatch)];
  if (const engine::MemoryPatterns* m = eng.memory_patterns()) {
    res.windows = m->size();
    res.window_bytes = m->encoded_bytes();
  }
  if (in.exits_after && !kLeakChecked) (void)state.release();  // see BacktestInput::exits_after
  return res;
}

}  // namespace play::playc
