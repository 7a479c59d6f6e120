// Execution: delivers persisted actions to their sinks. Actions come from
// qualification (after the transaction that persisted them committed) and,
// at start, from the outbox rows still pending (a restart resumes them with
// the same idempotency keys). Each sink has its own queues (high lane first),
// a token-bucket rate budget, worker threads up to its concurrency limit,
// and retries with backoff; every attempt is recorded in the store.
//
// A send is recorded before the next one is made by the same worker, and a
// worker does not send while the store cannot record (a full disk): it
// waits, holding the result of the send in hand, and records it once the
// store can write again -- so a full disk delays actions but neither loses
// nor repeats them.
#pragma once

#include <atomic>
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

// An action execution holds until it is sent, dead-lettered or cancelled.
using PendingAction = store::OpenAction;

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

  // Reconciles the file sinks with the store (lines written before a crash
  // but not recorded are recorded, a torn last line is cut), loads the
  // outbox rows still pending and starts the workers.
  void start();
  // Hands over actions that were just committed as pending.
  void submit(std::vector<PendingAction> actions);
  // Workers finish the send in hand, record it and exit; what is still
  // queued stays pending in the store for the next start.
  void stop();

  // Actions handed over and not yet in a final state (sent, DLQ,
  // cancelled), all sinks: the outbox backlog that qualification and
  // ingestion hold back on (ExecutionOptions::max_pending_actions).
  size_t open_actions() const { return open_.load(); }
  struct Backlog {
    std::string sink;
    size_t depth = 0;               // waiting: ready, delayed, or in a worker's hands
    int64_t oldest_created_ms = 0;  // 0 when none waits
  };
  std::vector<Backlog> backlog();

 private:
  struct Sink;
  struct Attempt;
  Sink& sink_for(const std::string& name);
  void worker(Sink& s);
  void file_worker(Sink& s);
  void watch_undelivered();
  void send_http(Sink& s, PendingAction& a, class HttpClient& client);
  bool take(Sink& s, size_t max, std::vector<PendingAction>& out);
  // Records attempts' results (one transaction), waiting while the store
  // cannot write; schedules retries. `file_size`: a file sink's size after
  // the batch, recorded in the same transaction. False when stopping first.
  bool record(Sink& s, std::vector<Attempt>& attempts, const std::string& file_path = "",
              int64_t file_size = -1);
  bool recheck_suppression(Sink& s, PendingAction& a);
  void finished();  // an action reached a final state (sent, DLQ, cancelled)
  bool reconcile_file(Sink& s);

  store::Store& store_;
  observe::Metrics& metrics_;
  ExecutionOptions options_;
  std::string outbox_path_;
  SuppressionCheck suppression_check_;
  std::mutex sinks_mu_;
  std::map<std::string, std::unique_ptr<Sink>> sinks_;  // by configured name (and "outbox")
  bool started_ = false, stopping_ = false;
  std::atomic<bool> stop_flag_{false};
  std::atomic<size_t> open_{0};
  std::thread watcher_;
  int clock_waiter_ = 0;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
};

}  // namespace play::sinks
