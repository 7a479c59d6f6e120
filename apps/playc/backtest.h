// Offline evaluation (backtest), shared by `playc run` and `playc diff`:
// signals read as NDJSON in file order go through the same engine playd
// runs, with in-memory context, ledger and seen-signal set.
#pragma once

#include <climits>
#include <cstdint>
#include <functional>
#include <string>

#include "runtime/engine/output.h"
#include "runtime/engine/program_runner.h"
#include "runtime/vm/bundle.h"

namespace play::playc {

struct BacktestInput {
  std::string signals;                // an NDJSON file of signal envelopes
  std::string context;                // {"accounts": [...], "contacts": [...]}, or ""
  const char* command = "playc run";  // names the command in I/O errors
  // A repeated signal id is a duplicate within this much event time of its
  // first sighting: playd's store.dedup_ttl (default 30d). 0: forever.
  int64_t dedup_ttl_ms = 30LL * 24 * 3600 * 1000;
  // The stream clock at the end (`playc run --until`): absence timers due
  // by it fire after the last signal. INT64_MIN: the newest occurred_at read.
  int64_t until_ms = INT64_MIN;
  // The process exits after this backtest: its in-memory state (every
  // account's windows, context and ledger) is left to the OS, which takes
  // it back at once; freeing it block by block took ~5% of a large run.
  bool exits_after = false;
  // Runs the programs instead of the interpreter (the JIT's; it must outlive the backtest). Null: the
  // interpreter.
  engine::ProgramRunner* runner = nullptr;
};

struct BacktestResult {
  int rc = 0;               // 0; 1 a context error; 2 a file could not be read
  size_t signals = 0;       // signals decoded and evaluated
  size_t skipped = 0;       // lines that were not valid envelopes (reported on stderr)
  size_t late = 0;          // signals a temporal trigger did not count: later than its lateness
  size_t windows = 0;       // temporal triggers' states at the end (per play and account or contact)
  size_t window_bytes = 0;  // their size, encoded as a store keeps them (keys included)
  size_t absences = 0;      // absence timers that fired (each ran its play on a synthetic signal)
  size_t rates = 0;         // closed rate buckets that fired (likewise)
  size_t no_match = 0;      // NoMatch outcomes (the engine's count: a sink may not take them)
};

// Runs every signal of `in.signals` through the engine on `bundle`, actions
// and outcomes to `sink`; `after_signal` (if set) is called after each one.
BacktestResult backtest(const vm::Bundle& bundle, const BacktestInput& in, engine::OutputSink& sink,
                        const std::function<void()>& after_signal = {});

}  // namespace play::playc
