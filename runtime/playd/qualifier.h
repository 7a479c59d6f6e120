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
#include <string>
#include <unordered_set>

#include "runtime/observe/metrics.h"
#include "runtime/sinks/executor.h"
#include "runtime/store/store.h"
#include "runtime/vm/bundle.h"

namespace play::playd {

// Signal types that can reach a `priority high` play: the high lane.
std::unordered_set<std::string> high_lane_types(const vm::Bundle& bundle);

struct QualifierOptions {
  size_t max_batch = 256;  // signals per transaction
};

class Qualifier {
 public:
  Qualifier(const vm::Bundle& bundle, store::Store& store, observe::Metrics& metrics,
            sinks::Executor& executor, QualifierOptions options = {});
  ~Qualifier();

  // Evaluates until `stop` is set; returns after committing the batch in
  // hand (queued signals wait on disk for the next start). A failed commit
  // ends the process (exit code 70): the in-memory context would be ahead
  // of the store, and a restart resumes from the store.
  void run(const std::atomic<bool>& stop);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace play::playd
