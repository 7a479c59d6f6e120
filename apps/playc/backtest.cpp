// The backtest loop of `playc run` and `playc diff` (backtest.h).
#include "apps/playc/backtest.h"

#include <cstdio>

#include "apps/playc/line_reader.h"
#include "compiler/diag/files.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"

namespace play::playc {

BacktestResult backtest(const vm::Bundle& bundle, const BacktestInput& in, engine::OutputSink& sink,
                        const std::function<void()>& after_signal) {
  BacktestResult res;
  engine::MemoryContext context(bundle);
  engine::MemoryLedger ledger;
  engine::MemorySeenSignals seen(in.dedup_ttl_ms);
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

  engine::Engine eng(bundle, context, ledger, &seen);
  engine::SignalDecoder decoder(bundle);
  engine::DecodedSignal signal;
  size_t line_no = 0;
  // The stream clock: the newest occurred_at read so far, over all signals
  // (no later than each one's received_at: Engine::clock_time). Absence and
  // rate timers run on it (docs/language.md section 12), before the signal
  // that moved it: a backtest never invents time.
  int64_t clock = INT64_MIN;
  std::string_view line;
  while (signals.next(line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (!decoder.decode(line, signal, err)) {
      std::fprintf(stderr, "%s:%zu: error: %s; line skipped\n", in.signals.c_str(), line_no, err.c_str());
      ++res.skipped;
      continue;
    }
    if (int64_t at = engine::Engine::clock_time(signal); at > clock) eng.advance_clock(clock = at, sink);
    eng.process(signal, sink);
    ++res.signals;
    if (after_signal) after_signal();
  }
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
  if (const engine::MemoryPatterns* m = eng.memory_patterns()) {
    res.windows = m->size();
    res.window_bytes = m->encoded_bytes();
  }
  return res;
}

}  // namespace play::playc
