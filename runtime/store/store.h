// The store: where the three layers of playd meet, and the only code in the
// project that speaks SQL. Ingestion enqueues signals and context upserts;
// qualification takes queued signals and commits each batch's decisions in
// one Evaluation (outcomes, actions -- the outbox --, context, ledger,
// round-robin cursors, the signals' evaluated mark); execution records
// delivery attempts and works the DLQ; observe reads traces and counts.
//
// An interface, as OPA's storage.Store is, with one backend per engine: the
// embedded SQLite store (runtime/store/sqlite) and PostgreSQL
// (runtime/store/postgres, for N playd processes on one database), both
// opened by open_store(). Transactions are the store's, never the caller's: every
// member that writes is one atomic, durable unit, and returns (or calls
// back) only after it committed. runtime/store/conformance_test.cpp states
// what every backend guarantees and runs it against each.
//
// Durability: a caller of enqueue_signals()/upsert_context() hears back
// only after its items are in a committed transaction, so an HTTP 2xx sent
// then is a durable acknowledgement.
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "runtime/store/records.h"

namespace play::store {

class Store {
 public:
  virtual ~Store() = default;

  // ---- ingestion ------------------------------------------------------------
  // `done` is called exactly once, after the commit (error empty, results[i]
  // for signals[i]: new, or a duplicate within the TTL or earlier in the same
  // call) or with the reason nothing was made durable. Keep `done` short.
  using EnqueueDone = std::function<void(std::vector<Enqueued> results, std::string error)>;
  virtual void enqueue_signals_async(std::vector<IncomingSignal> signals, EnqueueDone done) = 0;
  // Context upserts (keys lower-cased by the store), merged into the stored
  // records; handed to qualification by take_context() once committed.
  virtual void upsert_context_async(std::vector<ContextUpsert> upserts,
                                    std::function<void(std::string error)> done) = 0;
  // Blocking forms: throw StoreError when nothing was made durable.
  std::vector<Enqueued> enqueue_signals(std::vector<IncomingSignal> signals);
  void upsert_context(std::vector<ContextUpsert> upserts);

  // Backpressure: true when the lanes hold max_queue_depth signals; ingest
  // then answers 503 with Retry-After: retry_after_seconds().
  virtual bool overloaded() const = 0;
  virtual int retry_after_seconds() const = 0;
  virtual uint64_t signals_accepted() const = 0;   // since start
  virtual uint64_t duplicate_signals() const = 0;  // since start

  // ---- the lanes ------------------------------------------------------------
  // Takes up to `max` queued signals, the high lane first, waiting up to
  // `wait_ms` for one. Taken signals stay queued (durably) until the
  // Evaluation that marks them evaluated commits; if that never happens (a
  // crash), they are queued again at the next open.
  virtual bool take_signals(size_t max, std::vector<QueuedSignal>& out, int64_t wait_ms) = 0;
  // After the Evaluation of taken signals committed: they leave the lanes' counts.
  virtual void done_signals(const std::vector<QueuedSignal>& signals) = 0;
  // Context upserts committed since the last call, in commit order.
  virtual std::vector<ContextUpsert> take_context() = 0;
  // Wakes take_signals() waiters for shutdown.
  virtual void stop_queue() = 0;
  virtual LaneStats lane_stats(Lane lane) const = 0;
  // The signal types that go to the high lane from now on (a reload of the
  // plays changes them; signals already queued keep their lane).
  virtual void set_high_lane_types(std::unordered_set<std::string> types) = 0;

  // ---- qualification ----------------------------------------------------------
  // One transaction: the outcomes and actions of every signal (an action
  // whose key exists is ignored: keys are unique), the signals marked
  // evaluated by `play_set`, the context, ledger, cursor and pattern-state
  // writes (so a signal is counted into a window exactly when its decision
  // is recorded: a crash never counts it twice nor loses it).
  // Throws StoreError (nothing of it committed).
  virtual void commit_evaluation(const Evaluation& evaluation) = 0;
  // The committed record's fields (a JSON object), nullopt when none.
  virtual std::optional<std::string> context_record(Entity entity, std::string_view key) = 0;
  virtual std::optional<int64_t> last_fired(std::string_view play, std::string_view key) = 0;
  virtual std::optional<uint64_t> pool_cursor(std::string_view pool) = 0;
  virtual std::vector<std::pair<std::string, uint64_t>> pool_cursors() = 0;
  // A temporal trigger's committed state (PatternWrite::state), nullopt when none.
  virtual std::optional<std::string> pattern_state(std::string_view play, uint64_t pattern,
                                                   std::string_view key) = 0;
  // Drops the states no running pattern needs: those of patterns not in
  // `keep` (a play removed, or its pattern changed), and those last written
  // before now_ms - keep_ms (the service clock). Returns how many were
  // dropped. A state with an armed timer (PatternWrite::timer_ms) is
  // kept however old, until its pattern goes: it still has to fire. One
  // transaction.
  virtual size_t purge_patterns(const std::vector<PatternId>& keep, int64_t now_ms) = 0;
  // The timers due: the absence form's on the service clock (timer_ms <=
  // now_ms), then the rate form's on the stream clock (timer_ms <=
  // stream_ms), each earliest first, at most `limit` of each. A read:
  // qualification fires each and commits its decisions with the state's
  // new timer in one commit_evaluation, so a timer fires exactly once,
  // whatever crashes in between. A timer not due on its own clock is not
  // returned, however far the other clock is.
  virtual std::vector<PatternTimer> due_pattern_timers(int64_t now_ms, int64_t stream_ms, size_t limit) = 0;
  // The highest Evaluation::stream_clock_ms committed, INT64_MIN when none.
  virtual int64_t stream_clock() = 0;

  // ---- execution ------------------------------------------------------------
  // Actions pending or retrying (what a start resumes).
  virtual std::vector<OpenAction> open_actions() = 0;
  // Several playd processes on one store (PostgreSQL): the open actions of
  // processes that are gone, this one's to deliver from now on (each handed
  // to one process). Called now and then by a running executor; the
  // embedded store has no other process: none.
  virtual std::vector<OpenAction> adopt_orphaned_actions() { return {}; }
  // Whether other playd processes write this store too (PostgreSQL): what
  // a process cached between two batches may then be stale.
  virtual bool shared() const { return false; }
  // One transaction: each attempt (the action's new state and its history
  // row) and, for a file sink's batch, the file's new size. Throws StoreError.
  virtual void record_attempts(const std::vector<AttemptRecord>& attempts,
                               const FileMark* file = nullptr) = 0;
  // Open actions created before `created_before_ms` and not flagged yet:
  // flagged now (each once) and returned.
  virtual std::vector<FlaggedAction> flag_undelivered(int64_t created_before_ms) = 0;
  // A file sink's size recorded with its last batch, -1 when none.
  virtual int64_t file_sink_size(const std::string& path) = 0;
  // Lines found in a file sink past its recorded size (written before a
  // crash, not recorded): those of `keys` still open are recorded sent with
  // `detail`, and the file's size is recorded. Returns how many were open.
  virtual size_t adopt_file_tail(const std::string& path, const std::vector<std::string>& keys, int64_t size,
                                 const std::string& detail) = 0;

  // ---- the DLQ, traces, counts ------------------------------------------------
  virtual std::vector<ActionRow> dlq() = 0;  // oldest first
  virtual std::optional<ActionRow> action(std::string_view key) = 0;
  virtual std::vector<AttemptRow> attempts(std::string_view key) = 0;  // in order
  // DLQ actions (every one when `key` is empty) made pending again with a
  // fresh attempt budget and the same key; returned for a running executor.
  virtual std::vector<OpenAction> dlq_replay(std::string_view key) = 0;
  virtual ActionCounts action_counts() = 0;
  // A signal by id (unknown, or older than the trace TTL: nullopt), what the
  // plays decided for it, and its actions.
  virtual std::optional<SignalRow> signal(std::string_view id) = 0;
  virtual std::vector<OutcomeRow> outcomes(std::string_view signal_id) = 0;
  virtual std::vector<ActionRow> signal_actions(std::string_view signal_id) = 0;
  // A play's latest decisions, newest first, at most `limit`; only those
  // with `outcome` when it is not empty. Kept as long as traces (trace_ttl).
  virtual std::vector<DecisionRow> decisions(std::string_view play, std::string_view outcome,
                                             size_t limit) = 0;

  // Open (pending or retrying) actions created at or before `created_before_ms`,
  // counted by play and sink.
  virtual std::vector<UndeliveredGroup> undelivered(int64_t created_before_ms) = 0;
  // The latest `limit` actions of action `action` (e.g. "review"), newest first.
  virtual std::vector<ActionRow> recent_actions(std::string_view action, size_t limit) = 0;

  // ---- the review queue (records.h) ---------------------------------------------
  // Items of the query, newest first.
  virtual std::vector<ReviewItem> review_items(const ReviewQuery& query) = 0;
  // Marks an item done (by `by`, with `comment`, at the service's clock) and
  // returns it; an item already done is returned unchanged. nullopt: no
  // item with this key.
  virtual std::optional<ReviewItem> review_done(std::string_view key, std::string_view by,
                                                std::string_view comment) = 0;

  // ---- history (records.h: what is counted, and when) ----------------------------
  // Non-empty buckets of the query, oldest first (then by group).
  virtual std::vector<HistoryBucket> history(const HistoryQuery& query) = 0;
  // Per play, the first hour the history has for it.
  virtual std::map<std::string, int64_t> history_first_hours() = 0;

  // ---- alerts -------------------------------------------------------------------
  // Each incident (key, since_ms) inserted or updated, in one transaction.
  virtual void save_alerts(const std::vector<AlertRecord>& alerts) = 0;
  // Records that every alert sink was sent `state` for the incident (key, since_ms).
  virtual void alert_notified(const std::string& key, int64_t since_ms, const std::string& state) = 0;
  // Firing incidents, then those resolved at or after `resolved_since_ms`,
  // each part newest first.
  virtual std::vector<AlertRecord> alerts(int64_t resolved_since_ms) = 0;

  // ---- play sets and replay ----------------------------------------------------
  // Records that play set `version` (the bundle's checksum) was loaded now.
  virtual void record_play_set(const std::string& version, const std::vector<std::string>& play_names) = 0;
  // Several processes on one store (PostgreSQL) evaluate with one play set,
  // the store's current one. publish_play_set(): this process loaded
  // `version` (at its start or a reload), whose bundle is `bundle`
  // (vm::write_bundle): it becomes the current set, and its bundle is kept
  // for the other processes. Throws StoreError.
  virtual void publish_play_set(const std::string& /*version*/, const std::string& /*bundle*/) {}
  // The current set as the last take_signals() claim read it (in the
  // claim's transaction), or a commit_evaluation() refused for deciding
  // with another set; "" when the store keeps none (the embedded store has
  // one process: its own set is the current one).
  virtual std::string current_play_set() { return ""; }
  // A published set's bundle, nullopt when the store has none by that version.
  virtual std::optional<std::string> play_set_bundle(const std::string& /*version*/) { return std::nullopt; }
  // Signals already evaluated, put back in their lanes to be evaluated again
  // by the running plays: received in [since, until) and, when `play_set` is
  // set, evaluated by it. Their old outcomes are dropped; their actions keep
  // their keys, so an action decided again is not sent again. `dry_run` counts.
  virtual ReplayResult replay(const ReplayFilter& filter) = 0;

  // ---- health (runtime/store/health.h) -----------------------------------------
  // Whether new signals may be taken now (writable, and the disk above its
  // reserve), and why not.
  virtual bool accepting_signals() = 0;
  virtual StoreHealth health() = 0;
  // Writers that must not drop their work (qualification, sinks) wait here
  // while the store is degraded; true once it is writable again.
  virtual bool wait_writable(const std::atomic<bool>* stop, int64_t max_ms) = 0;
  virtual bool writable() const = 0;
  // Wakes wait_writable() callers (shutdown).
  virtual void wake() = 0;
};

// Whether `where` names a PostgreSQL database (a postgres:// or
// postgresql:// connection URL) rather than a data directory.
bool is_database_url(std::string_view where);

// The store `where` names: a data directory, the embedded store in
// DIR/playd.db (SQLite, WAL); or a PostgreSQL URL, the shared store
// (runtime/store/postgres/pg_store.h). Created and migrated if needed.
// nullptr with `error` on failure (a damaged database, an unreachable
// server, a build without PostgreSQL).
std::unique_ptr<Store> open_store(const std::string& where, const StoreOptions& options, std::string& error);

// Creates or migrates the schema of the store `where` names, and nothing
// else (`playd migrate`). The schema version, or -1 with `error`.
int migrate_store(const std::string& where, std::string& error);

// `playd migrate --from DIR --store URL`: copies the embedded store in DIR
// (not running: its lock is taken) into the PostgreSQL database at URL,
// whose schema is created or migrated, and which must hold no data yet
// (runtime/store/postgres/copy.h says what moves). One transaction. What
// was copied ("signals 12, ..."), or "" with `error`.
std::string copy_store(const std::string& dir, const std::string& url, std::string& error);

}  // namespace play::store
