// The embedded store: one SQLite database (WAL) under the data directory,
// where the three layers of playd meet. Ingestion enqueues signals and
// context upserts; qualification takes queued signals and records outcomes,
// actions (the outbox), context changes, the `fired within` ledger and
// round-robin state; execution records delivery attempts and the DLQ.
//
// Durability: every write goes through one writer thread that batches all
// pending writes into one transaction (group commit: many signals share one
// fsync). A caller of enqueue_signals()/upsert_context() returns only after
// its items are in a committed transaction, so an HTTP 2xx sent after the
// call returns is a durable acknowledgement. synchronous=FULL by default.
//
// Thread safety: every public member may be called from any thread.
//
// Schema (see docs/operations.md, "Store"): migrations, signals, seen_signals
// (dedup with TTL), outcomes, actions (the outbox), attempts, accounts,
// contacts, ledger, round_robin. Versions are applied in order at open()
// and recorded in `migrations`.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace play::store {

// Priority lanes: a signal is in the high lane when its type can reach a
// `priority high` play; qualification always drains the high lane first.
enum class Lane : uint8_t { High = 0, Normal = 1 };
inline constexpr int kLaneCount = 2;
const char* lane_name(Lane lane);  // "high", "normal"

struct StoreOptions {
  std::string synchronous = "FULL";                // FULL | NORMAL | OFF (PRAGMA synchronous)
  int64_t dedup_ttl_ms = 30LL * 24 * 3600 * 1000;  // a repeat id within this is a duplicate
  int64_t trace_ttl_ms = 7LL * 24 * 3600 * 1000;   // evaluated signals, outcomes, done actions kept this long
  uint64_t max_queue_depth = 200000;  // queued (unevaluated) signals, both lanes; above it: overloaded()
  size_t max_batch = 8192;            // writes per group-commit transaction (at most)
  // Below this much free space on the data directory's file system, new
  // signals are refused (503) so the acknowledged backlog can still be
  // evaluated and delivered. -1: min(64 MiB, 5% of the file system); 0: no reserve.
  int64_t min_free_bytes = -1;
  // PRAGMA quick_check at open, bounded: a larger database is checked for
  // this long, then opened with a warning. 0 skips the check.
  int64_t integrity_check_ms = 30000;
  int64_t sweep_interval_ms = 60000;  // how often expired dedup/trace rows are deleted
  // Signal types whose signals go to the high lane (computed from the bundle
  // by the caller: types that can reach a `priority high` play).
  std::unordered_set<std::string> high_lane_types;
};

// What kind of failure a store error is: the ones other than Other say the
// store itself cannot write (and put it in a degraded state, see health()).
enum class StoreFault : uint8_t {
  Other,     // a failed statement (a bug, a constraint): this write only
  DiskFull,  // SQLITE_FULL or ENOSPC: space may return
  Io,        // an I/O error other than ENOSPC
  Corrupt,   // the database file is damaged: only a restart (after repair) clears it
};

// A write that could not be made durable (disk full, I/O error): the caller
// must not acknowledge (ingest answers 503).
struct StoreError : std::runtime_error {
  explicit StoreError(const std::string& what, StoreFault f = StoreFault::Other)
      : std::runtime_error(what), fault(f) {}
  StoreFault fault;
};

// The store's health (runtime/store/health.h explains the states).
enum class StoreState : uint8_t {
  Ok,
  LowDisk,   // free space below the reserve: new signals refused, the rest goes on
  DiskFull,  // a write failed for lack of space: new signals refused, writers wait
  IoError,   // a write failed with an I/O error: as DiskFull
  Corrupt,   // the database is damaged: as DiskFull, until a restart after repair
};
const char* store_state_name(StoreState s);  // "ok", "low_disk", "disk_full", "io_error", "corrupt"

struct StoreHealth {
  StoreState state = StoreState::Ok;
  std::string reason;  // for people, "" when Ok
  int64_t since_ms = 0;
  uint64_t free_bytes = 0, total_bytes = 0, reserve_bytes = 0;  // of the data directory's file system
};

struct IncomingSignal {
  std::string id;              // the envelope's id (or webhook-id): the dedup key
  std::string type;            // the envelope's type: decides the lane
  int64_t received_at_ms = 0;  // when playd received it (0: now)
  int64_t occurred_at_ms = 0;  // the envelope's occurred_at, for latency metrics (0: unknown)
  std::string envelope;        // the normalized envelope JSON (CLI.md form), as the engine decodes it
};

enum class Enqueued : uint8_t { Accepted, Duplicate };

enum class Entity : uint8_t { Account, Contact };

// PUT /v1/accounts/{domain}, PUT /v1/contacts/{email}, Segment identify/group.
// `fields_json` is a JSON object of LANGUAGE.md section 7 fields; it is
// merged into the stored record (fields present replace, others are kept).
// Upserts go through the same group commit as signals and are applied to the
// context the moment they commit, so every signal acknowledged after an
// upsert was acknowledged is evaluated with it.
struct ContextUpsert {
  Entity entity = Entity::Account;
  std::string key;  // domain or email (lower-cased by the store)
  std::string fields_json;
};

struct LaneStats {
  uint64_t depth = 0;                 // queued, not yet evaluated
  int64_t oldest_received_at_ms = 0;  // 0 when empty
};

class Database;  // internal (runtime/store/database.h)

class Store {
 public:
  // Opens (creating if needed) DIR/playd.db, applies migrations, starts the
  // writer thread. nullptr with `error` on failure.
  static std::unique_ptr<Store> open(const std::string& dir, const StoreOptions& options, std::string& error);
  ~Store();  // flushes pending writes, stops the writer
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // ---- ingestion ----------------------------------------------------------
  // Blocks until every item is committed; result[i] says whether signals[i]
  // was new or a duplicate (within the TTL, or earlier in the same call).
  // Throws StoreError when the write failed (nothing of the call is durable).
  std::vector<Enqueued> enqueue_signals(std::vector<IncomingSignal> signals);
  // Blocks until committed; throws StoreError.
  void upsert_context(std::vector<ContextUpsert> upserts);

  // Non-blocking forms for HTTP handlers: `done` is called exactly once,
  // from the writer thread, after the commit (error empty) or with the
  // reason nothing was made durable. Keep `done` short: it delays the next
  // group commit.
  using EnqueueDone = std::function<void(std::vector<Enqueued> results, std::string error)>;
  void enqueue_signals_async(std::vector<IncomingSignal> signals, EnqueueDone done);
  void upsert_context_async(std::vector<ContextUpsert> upserts, std::function<void(std::string error)> done);

  // Backpressure: true when the queue is over max_queue_depth; ingest then
  // answers 503 with Retry-After: retry_after_seconds() and enqueues nothing.
  bool overloaded() const;
  // Health (runtime/store/health.h): whether new signals may be taken now
  // (the store writable and the disk above its reserve), and why not.
  bool accepting_signals();
  StoreHealth health();
  // Writers that must not drop their work (qualification, sinks) wait here
  // while the store is degraded; true once it is writable again.
  bool wait_writable(const std::atomic<bool>* stop, int64_t max_ms);
  bool writable() const;
  int retry_after_seconds() const;
  LaneStats lane_stats(Lane lane) const;
  uint64_t signals_accepted() const;   // since start
  uint64_t duplicate_signals() const;  // since start

  // ---- play sets and replay -----------------------------------------------
  // Records that play set `version` (the bundle's checksum) was loaded now.
  void record_play_set(const std::string& version, const std::vector<std::string>& play_names);

  // Signals already evaluated, put back in their lanes to be evaluated again
  // by the running plays: those received in [since_ms, until_ms) and, when
  // `play_set` is set, evaluated by that play set. Their old outcomes are
  // dropped (the trace shows the new evaluation); actions they issued keep
  // their keys, so an action decided again is not sent again. Only signals
  // still kept (the trace TTL) can be replayed. `dry_run` counts only.
  struct ReplayFilter {
    int64_t since_ms = 0;
    int64_t until_ms = INT64_MAX;
    std::string play_set;
    bool dry_run = false;
  };
  struct ReplayResult {
    uint64_t signals = 0;
    std::vector<std::pair<std::string, uint64_t>> by_play_set;  // what evaluated them before
  };
  ReplayResult replay(const ReplayFilter& filter);

  // ---- internal, for qualification / execution / observe -----------------
  Database& db() { return *db_; }
  const StoreOptions& options() const { return options_; }

 private:
  Store() = default;
  StoreOptions options_;
  std::unique_ptr<Database> db_;
  int64_t next_seq_ = 1;  // touched only inside write jobs (the writer thread)
  std::atomic<uint64_t> accepted_{0}, duplicates_{0};
};

}  // namespace play::store
