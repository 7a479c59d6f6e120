// Execution: delivers persisted actions to their sinks. Actions come from
// qualification (after the transaction that persisted them committed) and,
// at start, from the outbox rows still pending (a restart resumes them with
// the same idempotency keys). Each sink has its own queues (high lane first),
// a token-bucket rate budget, worker threads up to its concurrency limit,
// and retries with backoff; every attempt is recorded in the store.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/observe/metrics.h"
#include "runtime/sinks/sink_config.h"
#include "runtime/store/store.h"

namespace play::sinks {

struct PendingAction {
  std::string key;    // idempotency key; also the webhook-id
  std::string sink;   // the sink name the action named
  bool high = false;  // from a `priority high` play: drawn first
  std::string line;   // the action JSON (`playc run` form): the body sent
  std::string play, account, contact;
  int attempts = 0;
  int64_t due_ms = 0;
  int64_t created_at_ms = 0, occurred_at_ms = 0, received_at_ms = 0;
};

class Executor {
 public:
  // `outbox_path`: DIR/outbox.ndjson, the file sink's file.
  Executor(store::Store& store, observe::Metrics& metrics, ExecutionOptions options, std::string outbox_path);
  ~Executor();  // stop()

  // Returns the reason when the action's contact is suppressed now ("" when
  // not). Called, from the sink's worker threads, before sending an action
  // that waited: one attempted before (a retry, a DLQ replay) or created
  // more than 5 s earlier (a backlog, a restart). A reason cancels the
  // action (status `cancelled`, the reason in its attempts and in
  // playd_actions_cancelled_total) instead of sending it.
  using SuppressionCheck = std::function<std::string(const PendingAction&)>;
  void set_suppression_check(SuppressionCheck check) { suppression_check_ = std::move(check); }

  // Loads the outbox rows still pending and starts the workers.
  void start();
  // Hands over actions that were just committed as pending.
  void submit(std::vector<PendingAction> actions);
  // Workers finish the send in hand, record it and exit; what is still
  // queued stays pending in the store for the next start.
  void stop();

 private:
  struct Sink;
  Sink& sink_for(const std::string& name);
  void worker(Sink& s);
  void file_worker(Sink& s);
  bool take(Sink& s, size_t max, std::vector<PendingAction>& out);
  // Records an attempt's result; schedules the retry when there is one.
  void record(Sink& s, PendingAction& a, int http_status, const std::string& detail, int64_t retry_after_ms,
              bool network_error);
  bool recheck_suppression(Sink& s, PendingAction& a);

  store::Store& store_;
  observe::Metrics& metrics_;
  ExecutionOptions options_;
  std::string outbox_path_;
  SuppressionCheck suppression_check_;
  std::mutex sinks_mu_;
  std::map<std::string, std::unique_ptr<Sink>> sinks_;  // by configured name (and "outbox")
  bool started_ = false, stopping_ = false;
};

}  // namespace play::sinks
