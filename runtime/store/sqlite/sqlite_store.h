// The embedded store: one SQLite database (WAL) under the data directory.
//
// Every write goes through one writer thread that batches all pending
// writes into one transaction (group commit: many signals share one fsync;
// database.h). Reads use one shared read-only connection. The lanes are an
// in-memory mirror of the signals not yet evaluated, rebuilt from the table
// at open (which is how a restart resumes), so qualification never polls.
//
// The members are grouped by what they serve, one file each:
// sqlite_store.cpp (open, lanes, health), ingest.cpp, qualify.cpp,
// delivery.cpp (outbox, attempts, file sinks, DLQ), reads.cpp (traces,
// counts, play sets, replay), history.cpp (the hourly history: its writes,
// called inside the other files' transactions, and its reads; alerts).
// Schema: schema.cpp.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "runtime/store/sqlite/database.h"
#include "runtime/store/store.h"

namespace play::store {

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& dir, const StoreOptions& options);  // throws StoreError
  ~SqliteStore() override;

  void enqueue_signals_async(std::vector<IncomingSignal> signals, EnqueueDone done) override;
  void upsert_context_async(std::vector<ContextUpsert> upserts,
                            std::function<void(std::string error)> done) override;
  bool overloaded() const override;
  int retry_after_seconds() const override { return 1; }
  uint64_t signals_accepted() const override { return accepted_; }
  uint64_t duplicate_signals() const override { return duplicates_; }

  bool take_signals(size_t max, std::vector<QueuedSignal>& out, int64_t wait_ms) override {
    return db_->take_signals(max, out, wait_ms);
  }
  void done_signals(const std::vector<QueuedSignal>& signals) override { db_->done_signals(signals); }
  std::vector<ContextUpsert> take_context() override { return db_->take_context(); }
  void stop_queue() override { db_->stop_queue(); }
  LaneStats lane_stats(Lane lane) const override { return db_->lane_stats(lane); }
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

  std::vector<OpenAction> open_actions() override;
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

  bool accepting_signals() override { return db_->health().accepting(); }
  StoreHealth health() override { return db_->health().snapshot(); }
  bool wait_writable(const std::atomic<bool>* stop, int64_t max_ms) override {
    return db_->health().wait_writable(stop, max_ms);
  }
  bool writable() const override { return db_->health().writable(); }
  void wake() override { db_->health().wake(); }

 private:
  QueuedSignal queued(Stmt& st) const;  // seq, id, type, received_at_ms, occurred_at_ms, envelope
  Lane lane_of(std::string_view type) const;
  StoreOptions options_;
  mutable std::mutex lanes_mu_;
  std::shared_ptr<const std::unordered_set<std::string>> high_lane_types_;
  std::unique_ptr<Database> db_;
  int64_t next_seq_ = 1;  // touched only inside write jobs (the writer thread)
  std::atomic<uint64_t> accepted_{0}, duplicates_{0};
};

}  // namespace play::store
