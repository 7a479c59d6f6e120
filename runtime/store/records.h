// What the store holds and hands out: the records every layer of playd
// exchanges with it (runtime/store/store.h is the interface). Plain data, no
// SQL: a backend turns them into its own rows.
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/entity.h"
#include "common/sketch/latency_sketch.h"
#include "common/time/time.h"

namespace play::store {

using play::now_ms;  // the service's clock (common/time)

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
  int64_t history_ttl_ms = 35LL * 24 * 3600 * 1000;  // hourly history and resolved alerts kept this long
  int64_t sweep_interval_ms = 60000;                 // how often expired dedup/trace/history rows are deleted
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

using play::Entity;  // common/entity.h

// PUT /v1/accounts/{domain}, PUT /v1/contacts/{email}, Segment identify/group.
// `fields_json` is a JSON object of LANGUAGE.md section 7 fields; it is
// merged into the stored record (fields present replace, others are kept).
// Upserts go through the same group commit as signals and are handed to
// qualification (take_context) the moment they commit, so every signal
// acknowledged after an upsert was acknowledged is evaluated with it.
struct ContextUpsert {
  Entity entity = Entity::Account;
  std::string key;  // domain or email (lower-cased by the store)
  std::string fields_json;
};

struct LaneStats {
  uint64_t depth = 0;                 // queued, not yet evaluated
  int64_t oldest_received_at_ms = 0;  // 0 when empty
};

// A signal waiting in its lane (or taken by qualification, not yet done).
struct QueuedSignal {
  int64_t seq = 0;  // arrival order
  std::string id;
  std::string envelope;
  Lane lane = Lane::Normal;
  int64_t received_at_ms = 0;
  int64_t occurred_at_ms = 0;
  std::string type;  // the envelope's type (what the history counts it under)
};

// ---- what qualification commits: one Evaluation, one transaction ----------

struct OutcomeRecord {
  std::string play;     // "" for a signal the plays could not decode
  std::string outcome;  // fired, no_match, not_icp, excluded, suppressed, deduplicated, error
  std::string reason, clause, error;
  bool shadow = false;
};

// An action instruction, persisted before anything is sent (the outbox).
struct ActionRecord {
  std::string key;  // idempotency key: a repeat of it is ignored
  std::string play, action, sink;
  bool high = false;  // from a `priority high` play
  std::string account, contact;
  std::string line;     // the action as `playc run` prints it: what http and file sinks send
  std::string text;     // a notify's text as Slack mrkdwn ("" otherwise)
  bool shadow = false;  // recorded with status `shadow`, never sent
  int64_t occurred_at_ms = 0, received_at_ms = 0;
};

struct EvaluatedSignal {
  int64_t seq = 0;
  std::string id;
  std::vector<OutcomeRecord> outcomes;
  std::vector<ActionRecord> actions;
  std::string type;  // the signal's type: the history counts outcomes and actions under it
};

struct ContextWrite {  // merged into the stored record: fields present replace, others kept
  Entity entity = Entity::Account;
  std::string key;
  std::string fields_json;
};
// Check-and-record: with `check`, the commit is refused (StoreError, nothing
// of it committed) unless the stored ledger entry is still `seen` (nullopt:
// none), what the evaluation decided from. Several playd processes share
// one store: another may have fired the play for the key since this one
// read it, and the batch must then be evaluated again with the new fire.
struct FireWrite {  // `fired within`: the latest fire wins
  std::string play, key;
  int64_t at_ms = 0;
  bool check = false;
  std::optional<int64_t> seen = std::nullopt;
};
// The same for round-robin: with `from`, refused unless the stored cursor
// (0 when none) is still `from`, where the evaluation advanced it from.
struct PoolWrite {
  std::string pool;
  uint64_t cursor = 0;
  std::optional<uint64_t> from = std::nullopt;
};

// A temporal trigger's state for one account or contact (engine/patterns.h:
// opaque bytes to the store), keyed by play, pattern hash and key; replaces
// the stored one, stamped with the commit's time (the service clock), which
// purge_patterns() ages it by.
struct PatternWrite {
  std::string play;
  uint64_t pattern = 0;
  std::string key;
  std::string state;
  // The state's timer: when it runs (ms), INT64_MIN when none is armed.
  // An absence's is compared with the service clock; a rate's
  // (stream_timer) with the stream clock (Evaluation::stream_clock_ms),
  // which a backfill keeps behind the service's. due_pattern_timers()
  // finds it; purge_patterns() never drops a state whose timer is armed.
  int64_t timer_ms = INT64_MIN;
  bool stream_timer = false;
  // On a store several nodes share: the state as this evaluation read it
  // (`before`; nullopt: there was none), checked in the commit. Another
  // node's write since (an absence its timer fired, a count of the same
  // account) refuses the commit, which is then evaluated again, so a
  // pattern never fires twice nor loses a count across nodes.
  bool check = false;
  std::optional<std::string> before = std::nullopt;
};
// An armed timer (PatternWrite::timer_ms) that is due: on the service
// clock (absence), or on the stream clock (`stream`: rate).
struct PatternTimer {
  std::string play;
  uint64_t pattern = 0;
  std::string key;
  int64_t timer_ms = 0;
  bool stream = false;
};
// A pattern of the running play set: its states are kept by purge_patterns()
// until no signal has touched them for keep_ms of the service clock.
struct PatternId {
  std::string play;
  uint64_t pattern = 0;
  int64_t keep_ms = 0;
};

struct Evaluation {
  std::string play_set;  // the version that decided these signals
  std::vector<EvaluatedSignal> signals;
  std::vector<ContextWrite> context;
  std::vector<FireWrite> fires;
  std::vector<PoolWrite> pools;
  std::vector<PatternWrite> patterns;
  // The engine's stream clock after these signals (engine.h
  // Engine::stream_clock_ms), INT64_MIN when none: the store keeps the
  // highest it was given, which a start restores (rate timers run on it).
  int64_t stream_clock_ms = INT64_MIN;
};

// ---- execution --------------------------------------------------------------

// An action not yet in a final state, as execution holds it.
struct OpenAction {
  std::string key;    // idempotency key; also the webhook-id
  std::string sink;   // the sink name the action named
  bool high = false;  // from a `priority high` play: drawn first
  std::string line;   // the action JSON (`playc run` form): the body sent
  std::string text;   // a notify's text as Slack mrkdwn, values escaped ("" for other actions)
  std::string play, account, contact;
  int attempts = 0;
  int budget_from = 0;  // attempts made before the last DLQ replay (the budget counts from here)
  int64_t due_ms = 0;
  int64_t created_at_ms = 0, occurred_at_ms = 0, received_at_ms = 0;
  std::string signal_type;  // of the signal that issued it
};

// One delivery attempt's result, and the action's state after it.
struct AttemptRecord {
  std::string key;
  int n = 0;  // 1-based attempt number
  int64_t at_ms = 0;
  std::string result;      // sent | retry | dlq | cancelled
  std::string status;      // the action's: sent | retrying | dlq | cancelled
  int http_status = 0;     // 0 when no HTTP answer
  std::string detail;      // error or answer body (truncated to 4 KB by the store)
  std::string last_error;  // the action's last_error ("" when sent)
  int64_t next_attempt_ms = 0;
};

// A file sink's size once a batch is written: recorded with its attempts.
struct FileMark {
  std::string path;
  int64_t size = 0;
};

struct FlaggedAction {  // newly found undelivered past the alert age
  std::string key, play, sink;
  int64_t created_at_ms = 0;
};

// ---- reads: traces, the DLQ ---------------------------------------------------

struct AttemptRow {
  int n = 0;
  int64_t at_ms = 0;
  std::string result;
  int http_status = 0;
  std::string detail;
};

struct ActionRow {
  std::string key, play, action, sink, signal_id, status, last_error, line;
  int attempts = 0;
  bool flagged = false;
  std::string account, contact;
  int64_t created_at_ms = 0;
};

struct SignalRow {
  std::string id;
  Lane lane = Lane::Normal;
  int64_t received_at_ms = 0;
  std::optional<int64_t> evaluated_at_ms;  // nullopt while queued
  std::string play_set;                    // "" while queued (or evaluated before play sets)
};

struct OutcomeRow {
  std::string play, outcome, reason, clause, error;
  bool shadow = false;
};

// A play's decision on one signal (the dashboard's "recent decisions").
struct DecisionRow {
  std::string signal_id, type;  // type: "" when the signal is no longer kept
  std::string outcome, reason, clause, error;
  bool shadow = false;
  int64_t at_ms = 0;  // when it was decided (the service's clock)
};

struct ActionCounts {
  uint64_t dlq = 0, open = 0, undelivered = 0;  // open: pending or retrying; undelivered: open and flagged
};

// Open actions older than an age, by play and sink (the `undelivered` alert).
struct UndeliveredGroup {
  std::string play, sink;
  uint64_t actions = 0;
  int64_t oldest_created_ms = 0;
};

// ---- history: what happened, per hour of the service's clock ------------------
//
// Counted by the store in the transactions that make it happen: outcomes,
// and actions issued, in commit_evaluation(); deliveries, failed attempts
// and latency in record_attempts() (and adopt_file_tail()). So the counts
// cannot drift from the outbox and the outcomes across a crash. Kept
// StoreOptions::history_ttl_ms. Replay moves the replayed signals' outcomes
// out of the hours they were first counted in (they are counted again when
// evaluated again); their actions keep their keys and are not issued twice.

inline constexpr int64_t kHourMs = 3600 * 1000;
inline constexpr int64_t kDayMs = 24 * kHourMs;

struct SinkCounts {        // per sink name as the action names it
  uint64_t issued = 0;     // live actions persisted (the outbox)
  uint64_t delivered = 0;  // actions sent (a file sink: written)
  uint64_t failed = 0;     // failed delivery attempts: to be retried, or dead-lettered
  uint64_t dlq = 0;        // actions dead-lettered (also counted in failed)
  uint64_t cancelled = 0;  // actions cancelled before their send (suppressed since)
  uint64_t shadow = 0;     // actions of shadow plays: recorded, never sent
  SinkCounts& operator+=(const SinkCounts& o);
};

struct HistoryBucket {
  int64_t start_ms = 0;
  std::string play, signal_type;                  // the group: "" when the query does not group by it
  uint64_t signals = 0;                           // signals that reached the play (one per outcome)
  std::map<std::string, uint64_t> outcomes;       // fired, no_match, not_icp, excluded, suppressed, ...
  std::map<std::string, uint64_t> suppressed_by;  // the suppression rule's reason -> count
  std::map<std::string, SinkCounts> sinks;
  LatencySketch from_occurred, from_received;  // signal -> delivered, in ms
  SinkCounts actions() const;                  // every sink together
  void merge(const HistoryBucket& other);      // counts added, sketches merged (the group is kept)
};

enum class HistoryGroup : uint8_t { None, Play, SignalType, PlayAndSignalType };

struct HistoryQuery {
  int64_t from_ms = 0;        // hours starting at or after (aligned down to the hour)
  int64_t to_ms = INT64_MAX;  // ... and before
  // Bucket width: a multiple of an hour; buckets start at from_ms + k * step_ms.
  int64_t step_ms = kHourMs;
  std::string play, signal_type;  // only these ("" every one)
  HistoryGroup group = HistoryGroup::None;
};

// ---- alerts (runtime/observe/alerts.h decides them; the store keeps them) ----

// One incident of an alert: a rule found firing for a subject from `since`
// until it resolved. The same `key` fires again as a new incident.
struct AlertRecord {
  std::string key;                  // stable dedup key: "playd/volume_drop/PLAY", "playd/lag/high", ...
  std::string rule, play, subject;  // play "" when the alert is about no one play
  std::string state;                // firing | resolved
  int64_t since_ms = 0;
  int64_t until_ms = 0;  // when it resolved; 0 while firing
  double value = 0, threshold = 0;
  std::string summary;
  std::string notified;  // the last state every alert sink was sent ("" none yet)
};

// ---- the review queue ---------------------------------------------------------
//
// Every live `review(...)` action is also an item of the review queue,
// recorded by commit_evaluation() in the transaction that persists the
// action (so exactly once per key; shadow plays' reviews are not queued).
// The action itself still goes to its sink (or the file outbox) as any
// action does; the queue is the durable to-do list a person works through.
// Open items are kept until marked done; done items trace_ttl after.

struct ReviewItem {
  std::string key;  // the review action's idempotency key
  std::string play, signal_id, account, contact;
  std::string queue, note;  // the review's arguments (note "" when none)
  std::string status;       // open | done
  int64_t created_at_ms = 0;
  int64_t done_at_ms = 0;  // 0 while open
  std::string done_by, comment;
  std::string delivery;  // the action's delivery status (pending, sent, dlq, ...; "" once expired)
};

struct ReviewQuery {
  std::string queue;            // "" every queue
  std::string status = "open";  // open | done | all
  size_t limit = 50;
};

// ---- play sets and replay ---------------------------------------------------

struct ReplayFilter {
  int64_t since_ms = 0;  // received at or after
  int64_t until_ms = INT64_MAX;
  std::string play_set;  // "" any
  bool dry_run = false;
};
struct ReplayResult {
  uint64_t signals = 0;
  std::vector<std::pair<std::string, uint64_t>> by_play_set;  // what evaluated them before
};

}  // namespace play::store
