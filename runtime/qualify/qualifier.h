// Qualification and routing inside playd: takes queued signals (the high
// lane first), decodes them with the engine's decoder, runs the engine (the
// same one `playc run` uses) and commits, in ONE transaction per batch: the
// outcomes (for traces), every action with its idempotency key (the outbox,
// before anything is sent), the context and ledger changes, and the
// signals' evaluated mark. Only after that commit are the actions handed to
// execution. A crash before the commit loses nothing: the signals are still
// queued on disk and are evaluated again from the same state, giving the
// same keys.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "runtime/engine/live_plays.h"
#include "runtime/engine/program_runner.h"
#include "runtime/observe/metrics.h"
#include "runtime/store/store.h"
#include "runtime/vm/bundle.h"

namespace play::qualify {

// Signal types that can reach a `priority high` play: the high lane.
std::unordered_set<std::string> high_lane_types(const vm::Bundle& bundle);

struct QualifierOptions {
  size_t max_batch = 256;  // signals per transaction
  // Bounded caches of context records (per entity) and ledger entries.
  size_t context_cache = 100000;
  size_t ledger_cache = 200000;
  // Evaluation pauses while this many actions wait for their sinks (the
  // signals wait in their lanes, durable, and ingestion answers 503 once
  // the lanes fill): the outbox never grows without bound. 0: no limit.
  size_t max_pending_actions = 100000;
  // Several nodes on one store: when the store's current play set
  // (Store::current_play_set) is not the one running, this is called with
  // its version, before any signal is evaluated, to make it the live set
  // (playd: adopt_play_set in apps/playd/reload.h). Unset: never.
  std::function<void(const std::string& version)> adopt_play_set;
  // Makes the runner of each play set's programs (playd's `jit = true`:
  // runtime/jit); it lives as long as that play set's engine. Unset: the interpreter.
  std::function<std::unique_ptr<engine::ProgramRunner>(const vm::Bundle&)> make_runner;
};

class Qualifier {
 public:
  // Where committed actions go (execution: Executor::submit), and how many
  // wait there now (Executor::open_actions): qualification hands actions
  // over only after the store has them, and never sees a sink.
  struct Execution {
    std::function<void(std::vector<store::OpenAction>)> submit;
    std::function<size_t()> backlog;
  };
  // Evaluates with the live play set (its version is recorded with each
  // signal it decides); a replaced set takes over between two batches.
  Qualifier(std::shared_ptr<const engine::LivePlays> plays, store::Store& store, observe::Metrics& metrics,
            Execution execution, QualifierOptions options = {});
  ~Qualifier();

  // Evaluates until `stop` is set; returns after committing the batch in
  // hand (queued signals wait on disk for the next start). A failed commit
  // (a full disk, an I/O error) does not end the process: the caches forget
  // what the batch changed, evaluation waits until the store is writable
  // again, and the same signals are evaluated again from the committed
  // state -- the same decisions, the same keys.
  void run(const std::atomic<bool>& stop);
  // The generation of the play set the qualifier evaluates with now: a
  // reload waits until it reaches the new one.
  uint64_t generation_in_use() const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace play::qualify
