// The PostgreSQL store: one database shared by N playd processes (nodes).
//
// What makes N nodes safe, from the start:
// - every node registers in `nodes` and beats once a second (the server's
//   clock); a node silent for kDeadAfterMs is dead, and what it held is free;
// - qualification claims queued signals with FOR UPDATE SKIP LOCKED in lane
//   order (high first, then arrival), marking them claimed_by the node until
//   the Evaluation that marks them evaluated commits;
// - dedup is the unique key of seen_signals (INSERT ... ON CONFLICT), so a
//   repeat id on any node is a duplicate;
// - outbox actions are owned by the node whose Evaluation wrote them;
//   open_actions() (at start) and adopt_orphaned_actions() (a running
//   executor, every few seconds) take over those of dead nodes;
// - context upserts are logged in commit order (an advisory lock orders
//   them) and every node's take_context() reads the log.
//
// Ingestion shares transactions (group commit) on one ingest thread;
// every other write is its own transaction on a pooled connection.
//
// The members are grouped by what they serve, one file each, as the SQLite
// backend's are: pg_store.cpp (open, the pool, claims, nodes, sweep),
// ingest.cpp, qualify.cpp, delivery.cpp, reads.cpp, history.cpp, review.cpp.
// Schema: schema.cpp.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "runtime/store/health.h"
#include "runtime/store/postgres/pg.h"
#include "runtime/store/store.h"

namespace play::store {

class PgStore final : public Store {
 public:
  // `url`: a libpq connection URI (postgres:// or postgresql://). A
  // `playd_node=NAME` query parameter names this node (default: host name
  // and pid); a restarted node of the same name frees its old claims at once.
  PgStore(const std::string& url, const StoreOptions& options);  // throws StoreError
  ~PgStore() override;

  static constexpr int64_t kDeadAfterMs = 10000;

  void enqueue_signals_async(std::vector<IncomingSignal> signals, EnqueueDone done) override;
  void upsert_context_async(std::vector<ContextUpsert> upserts,
                            std::function<void(std::string error)> done) override;
  bool overloaded() const override { return queued_.load() >= options_.max_queue_depth; }
  int retry_after_seconds() const override { return 1; }
  uint64_t signals_accepted() const override { return accepted_; }
  uint64_t duplicate_signals() const override { return duplicates_; }

  bool take_signals(size_t max, std::vector<QueuedSignal>& out, int64_t wait_ms) override;
  void done_signals(const std::vector<QueuedSignal>&) override {}  // the Evaluation's commit released them
  std::vector<ContextUpsert> take_context() override;
  void stop_queue() override;
  LaneStats lane_stats(Lane lane) const override;
  void set_high_lane_types(std::unordered_set<std::string> types) override;

  void commit_evaluation(const Evaluation& evaluation) override;
  std::optional<std::string> context_record(Entity entity, std::string_view key) override;
  std::optional<int64_t> last_fired(std::string_view play, std::string_view key) override;
  std::optional<uint64_t> pool_cursor(std::string_view pool) override;
  std::vector<std::pair<std::string, uint64_t>> pool_cursors() override;
  std::optional<std::string> pattern_state(std::string_view play, uint64_t pattern,
                                           std::string_view key) override;
  size_t purge_patterns(const std::vector<PatternId>& keep, int64_t now_ms) override;
  std::vector<PatternTimer> due_pattern_timers(int64_t now_ms, int64_t stream_ms, size_t limit) override;
  int64_t stream_clock() override;
  bool shared() const override { return true; }
  void publish_play_set(const std::string& version, const std::string& bundle) override;
  std::string current_play_set() override;
  std::optional<std::string> play_set_bundle(const std::string& version) override;

  std::vector<OpenAction> open_actions() override;
  std::vector<OpenAction> adopt_orphaned_actions() override;
  void record_attempts(const std::vector<AttemptRecord>& attempts, const FileMark* file) override;
  std::vector<FlaggedAction> flag_undelivered(int64_t created_before_ms) override;
  int64_t file_sink_size(const std::string& path) override;
  size_t adopt_file_tail(const std::string& path, const std::vector<std::string>& keys, int64_t size,
                         const std::string& detail) override;

  std::vector<ActionRow> dlq() override;
  std::optional<ActionRow> action(std::string_view key) override;
  std::vector<AttemptRow> attempts(std::string_view key) override;
  std::vector<OpenAction> dlq_replay(std::string_view key) override;
  ActionCounts action_counts() override;
  std::optional<SignalRow> signal(std::string_view id) override;
  std::vector<OutcomeRow> outcomes(std::string_view signal_id) override;
  std::vector<ActionRow> signal_actions(std::string_view signal_id) override;
  std::vector<DecisionRow> decisions(std::string_view play, std::string_view outcome, size_t limit) override;

  std::vector<UndeliveredGroup> undelivered(int64_t created_before_ms) override;
  std::vector<ActionRow> recent_actions(std::string_view action, size_t limit) override;

  std::vector<ReviewItem> review_items(const ReviewQuery& query) override;
  std::optional<ReviewItem> review_done(std::string_view key, std::string_view by,
                                        std::string_view comment) override;

  std::vector<HistoryBucket> history(const HistoryQuery& query) override;
  std::map<std::string, int64_t> history_first_hours() override;
  void save_alerts(const std::vector<AlertRecord>& alerts) override;
  void alert_notified(const std::string& key, int64_t since_ms, const std::string& state) override;
  std::vector<AlertRecord> alerts(int64_t resolved_since_ms) override;

  void record_play_set(const std::string& version, const std::vector<std::string>& play_names) override;
  ReplayResult replay(const ReplayFilter& filter) override;

  bool accepting_signals() override { return health_.accepting(); }
  StoreHealth health() override { return health_.snapshot(); }
  bool wait_writable(const std::atomic<bool>* stop, int64_t max_ms) override {
    return health_.wait_writable(stop, max_ms);
  }
  bool writable() const override { return health_.writable(); }
  void wake() override { health_.wake(); }

  const std::string& node() const { return node_; }

 private:
  // A pooled connection, returned on destruction (dropped when broken).
  class Lease {
   public:
    Lease(const PgStore* s, std::unique_ptr<pg::Conn> c) : s_(s), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept : s_(o.s_), c_(std::move(o.c_)) { o.s_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pg::Conn& operator*() { return *c_; }
    bool has_conn() const { return c_ != nullptr; }
    void set(std::unique_ptr<pg::Conn> c) { c_ = std::move(c); }

   private:
    const PgStore* s_;
    std::unique_ptr<pg::Conn> c_;
  };
  Lease conn() const;  // throws StoreError (Io) when no connection can be made
  // One transaction on a pooled connection; failures the store's own
  // (connection, resources) degrade health, a commit recovers it.
  template <class F>
  auto write(F&& f) {
    try {
      Lease c = begin();
      if constexpr (std::is_void_v<decltype(f(*c))>) {
        pg::in_transaction(*c, f);
        health_.committed();
      } else {
        auto r = pg::in_transaction(*c, f);
        health_.committed();
        return r;
      }
    } catch (const StoreError& e) {
      if (e.fault != StoreFault::Other) health_.failed(e.fault, e.what());
      throw;
    }
  }
  // A pooled connection the server dropped (a restart, a failover) fails
  // at its first statement: reads, and BEGIN (nothing done yet), are tried
  // once more on a fresh connection, and the pool is emptied.
  template <class F>
  auto read(F&& f) const {
    for (int attempt = 0;; ++attempt) {
      Lease c = conn();
      try {
        return f(*c);
      } catch (const StoreError&) {
        if ((*c).ok() || attempt > 0) throw;
        drop_pool();
      }
    }
  }
  Lease begin() const;  // a connection in a transaction (BEGIN done)
  void drop_pool() const;

  // The ingest thread: pending enqueue/upsert calls share one transaction.
  struct Job {
    std::function<void(pg::Conn&)> run;
    std::function<void()> after;  // after the commit
    std::function<void(std::string error)> done;
  };
  void submit(Job job);
  void ingest_loop();
  void background_loop();  // heartbeat, probe, queue depth, sweep
  void heartbeat(pg::Conn& c);
  void sweep(pg::Conn& c);
  Lane lane_of(std::string_view type) const;
  pg::Result claim(size_t max);  // take_signals()' statement
  std::vector<ContextUpsert> take_context_locked();
  void notify_local();

  // The store's current play set as the last claim or refused commit read it.
  void set_current_play_set(std::string version) const;
  mutable std::mutex play_set_mu_;
  mutable std::string current_play_set_;
  std::string url_, node_;
  StoreOptions options_;
  mutable Health health_;

  // At most kMaxConnections leased at once (the ingest thread's own aside):
  // N nodes must fit the server's max_connections. No member leases a
  // second connection while it holds one, so waiting cannot deadlock.
  static constexpr size_t kMaxConnections = 16;
  mutable std::mutex pool_mu_;
  mutable std::condition_variable pool_cv_;
  mutable std::vector<std::unique_ptr<pg::Conn>> pool_;
  mutable size_t leased_ = 0;

  mutable std::mutex lanes_mu_;
  std::shared_ptr<const std::unordered_set<std::string>> high_lane_types_;

  std::mutex ingest_mu_;
  std::condition_variable ingest_cv_;
  std::deque<Job> ingest_;
  bool stopping_ = false;
  std::thread ingest_thread_, background_thread_;
  std::condition_variable background_cv_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  uint64_t queue_epoch_ = 0;  // bumped when signals become available here
  bool queue_stopped_ = false;

  std::mutex context_mu_;
  int64_t context_seen_ = 0;  // the last context_log row handed out
  // Rows below context_seen_ not seen yet (row -> when first missed): a
  // transaction takes its number at insert and shows it at commit, so a
  // lower number can appear after a higher one was read. Asked for again
  // for kContextGapMs (a rolled-back insert leaves a gap for good).
  std::map<int64_t, int64_t> context_gaps_;

  std::atomic<uint64_t> accepted_{0}, duplicates_{0};
  mutable std::atomic<uint64_t> queued_{0};
  // The lanes' counts as last read (lane_stats() reads them; the background
  // thread every second): what lane_stats() answers while the database is
  // unreachable (its callers -- metrics, alerts, the dashboard -- must not fail).
  mutable std::mutex stats_mu_;
  mutable LaneStats lane_stats_[kLaneCount];
  void refresh_lane_stats(pg::Conn& c) const;
};

}  // namespace play::store
