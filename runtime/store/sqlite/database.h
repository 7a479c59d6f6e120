// The store's machinery behind Store: the single writer thread with group
// commit, a read connection, and the in-memory mirror of the signal queue
// (per lane) that qualification takes from.
//
// Why one writer for everything (ingest, qualification, execution): SQLite
// allows one writer at a time anyway, and funnelling all writes through one
// thread lets unrelated writes share one transaction and one fsync.
//
// Why an in-memory mirror of the queue: qualification never polls SQLite.
// The writer pushes each signal into its lane right after the transaction
// that made it durable commits; at open() the mirror is rebuilt from the
// signals not yet evaluated, which is how a restart resumes.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/store/health.h"
#include "runtime/store/records.h"
#include "runtime/store/sqlite/sql.h"

namespace play::store {

class Database {
 public:
  using Job = std::function<void(Sql&)>;
  using AfterCommit = std::function<void()>;

  Database(const std::string& dir, const StoreOptions& options);  // throws StoreError
  ~Database();

  // Runs `job` in the next group-commit transaction (inside its own
  // savepoint, so a failing job does not spoil the others) and blocks until
  // that transaction commits. `after` runs on the writer thread right after
  // the commit, in commit order, before write() returns. Rethrows the job's
  // exception, or StoreError if the commit failed.
  void write(Job job, AfterCommit after = {});
  // The same without blocking: `done` runs on the writer thread after the
  // commit (and `after`), with nullptr on success or the failure.
  using Done = std::function<void(std::exception_ptr)>;
  void write_async(Job job, AfterCommit after, Done done);

  // Read-only queries on the shared read connection (serialized).
  template <class F>
  auto read(F&& f) {
    std::lock_guard<std::mutex> lock(read_mu_);
    return f(*reader_);
  }

  // ---- the queue mirror ----
  // Called by the writer (from an AfterCommit) for newly durable signals.
  void push_queued(std::vector<QueuedSignal> signals);
  // Takes up to `max` signals, the high lane first; waits up to `wait_ms`
  // for one. False when none came (or stop() was called).
  bool take_signals(size_t max, std::vector<QueuedSignal>& out, int64_t wait_ms);
  // The signals taken but not yet marked evaluated still count as queued
  // (they are, on disk); qualification calls this after its commit.
  void done_signals(const std::vector<QueuedSignal>& signals);
  LaneStats lane_stats(Lane lane) const;
  uint64_t queued() const;

  // Context upserts committed by ingest, for qualification to apply to its
  // in-memory context (in commit order).
  void push_context(std::vector<ContextUpsert> upserts);
  std::vector<ContextUpsert> take_context();

  // Wakes take_signals() waiters for shutdown; the writer keeps running
  // until the Database is destroyed.
  void stop_queue();

  Health& health() { return health_; }

 private:
  struct Pending;
  void writer_loop();
  void commit_batch(Sql& sql, std::vector<Pending*>& batch);
  void idle(Sql& sql);
  void probe();
  void check_integrity(Sql& sql, const std::string& path);
  void load_queue();
  void sweep(Sql& sql);

  StoreOptions options_;
  Health health_;
  int64_t next_probe_ms_ = 0;
  std::unique_ptr<Sql> writer_sql_;
  std::unique_ptr<Sql> reader_;
  std::mutex read_mu_;

  std::mutex write_mu_;
  std::condition_variable write_cv_;
  std::deque<Pending*> pending_;
  bool stopping_ = false;
  std::thread writer_;
  int64_t next_sweep_ms_ = 0;

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<QueuedSignal> lanes_[kLaneCount];
  // Taken, not yet committed as evaluated: (lane, received_at) of each, for depth/age.
  std::deque<std::pair<int64_t, int64_t>> in_flight_[kLaneCount];  // (seq, received_at_ms)
  std::vector<ContextUpsert> context_;
  bool queue_stopped_ = false;
};

}  // namespace play::store
