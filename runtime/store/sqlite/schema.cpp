#include "runtime/store/sqlite/schema.h"

#include <chrono>

namespace play::store {

namespace {

// Version 1. Times are Unix milliseconds. See docs/operations.md ("Store").
const char* const kV1 = R"sql(
CREATE TABLE signals (            -- the signal queue, and evaluated signals kept for trace
  seq INTEGER PRIMARY KEY,        -- arrival order
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  lane INTEGER NOT NULL,          -- 0 high, 1 normal
  received_at_ms INTEGER NOT NULL,
  occurred_at_ms INTEGER NOT NULL,
  envelope TEXT NOT NULL,
  evaluated_at_ms INTEGER         -- NULL while queued
);
CREATE INDEX signals_queued ON signals(seq) WHERE evaluated_at_ms IS NULL;
CREATE TABLE seen_signals (       -- event-level dedup, with TTL
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,           -- signals.seq of the accepted signal
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE outcomes (           -- per play reached by a signal: why it fired or not
  signal_id TEXT NOT NULL,
  play TEXT NOT NULL,
  outcome TEXT NOT NULL,          -- fired, no_match, not_icp, excluded, suppressed, deduplicated, error
  reason TEXT NOT NULL,           -- suppression rule, icp, exclusion reason or dedup window ('' if none)
  clause TEXT NOT NULL,           -- file:line:col of the deciding clause ('' if none)
  error TEXT NOT NULL,            -- runtime error message for `error`
  shadow INTEGER NOT NULL,
  at_ms INTEGER NOT NULL
);
CREATE INDEX outcomes_signal ON outcomes(signal_id);
CREATE TABLE actions (            -- the outbox: persisted before any send
  key TEXT PRIMARY KEY,           -- idempotency key
  signal_id TEXT NOT NULL,
  play TEXT NOT NULL,
  action TEXT NOT NULL,
  sink TEXT NOT NULL,
  lane INTEGER NOT NULL,
  account TEXT NOT NULL,
  contact TEXT NOT NULL,
  line TEXT NOT NULL,             -- the action as `playc run` prints it: what sinks send
  status TEXT NOT NULL,           -- pending | retrying | sent | dlq | cancelled | shadow
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  occurred_at_ms INTEGER NOT NULL,
  received_at_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  flagged INTEGER NOT NULL DEFAULT 0  -- undelivered past the alert age
) WITHOUT ROWID;
CREATE INDEX actions_signal ON actions(signal_id);
CREATE INDEX actions_open ON actions(status) WHERE status IN ('pending', 'retrying', 'dlq');
CREATE TABLE attempts (           -- delivery history of each action
  key TEXT NOT NULL,
  n INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  result TEXT NOT NULL,           -- sent | retry | dlq | cancelled | error
  http_status INTEGER NOT NULL,   -- 0 when no HTTP answer
  detail TEXT NOT NULL,           -- error or response body (truncated)
  PRIMARY KEY (key, n)
) WITHOUT ROWID;
CREATE TABLE accounts (domain TEXT PRIMARY KEY, fields TEXT NOT NULL, updated_at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE contacts (email TEXT PRIMARY KEY, fields TEXT NOT NULL, updated_at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE ledger (             -- `unless fired within`: last fire per play and key
  play TEXT NOT NULL,
  per_key TEXT NOT NULL,
  last_fired_ms INTEGER NOT NULL,
  PRIMARY KEY (play, per_key)
) WITHOUT ROWID;
CREATE TABLE round_robin (pool TEXT PRIMARY KEY, cursor INTEGER NOT NULL) WITHOUT ROWID;
)sql";

// Version 2: reliability (docs/operations.md, "Guarantees and limits").
const char* const kV2 = R"sql(
ALTER TABLE signals ADD COLUMN play_set TEXT;  -- the play set (version) that evaluated it; NULL while queued
CREATE TABLE play_sets (          -- every play set playd has run, by version (the bundle's checksum)
  version TEXT PRIMARY KEY,
  plays INTEGER NOT NULL,
  names TEXT NOT NULL,            -- JSON array of the play names
  first_loaded_at_ms INTEGER NOT NULL,
  last_loaded_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE file_sinks (         -- per file sink: the file's size once its last batch was recorded sent
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE actions ADD COLUMN budget_from INTEGER NOT NULL DEFAULT 0;  -- attempts made before a DLQ replay
ALTER TABLE actions ADD COLUMN text TEXT NOT NULL DEFAULT '';  -- a notify's text as Slack mrkdwn (what Slack sinks post)
CREATE TABLE store_probe (id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL);  -- the degraded store's write probe
)sql";

// Version 3: history and alerts (docs/operations.md, "History and alerts").
// The history is counted in the transactions that make it happen
// (history.cpp), per hour of the service's clock, play and signal type.
const char* const kV3 = R"sql(
ALTER TABLE actions ADD COLUMN signal_type TEXT NOT NULL DEFAULT '';  -- of the signal that issued it
CREATE INDEX actions_by_action ON actions(action, created_at_ms);  -- GET /v1/review
CREATE TABLE history (            -- counts per hour, play and signal type
  hour_ms INTEGER NOT NULL,       -- the hour's start (service clock)
  play TEXT NOT NULL,
  signal_type TEXT NOT NULL,
  metric TEXT NOT NULL,           -- signals | outcome | suppressed | issued | delivered | failed | dlq | cancelled | shadow
  label TEXT NOT NULL,            -- outcome: its kind; suppressed: the rule's reason; the others: the sink ('' for signals)
  n INTEGER NOT NULL,
  PRIMARY KEY (hour_ms, play, signal_type, metric, label)
) WITHOUT ROWID;
CREATE TABLE history_latency (    -- signal -> delivered latency sketches (common/sketch/latency_sketch.h)
  hour_ms INTEGER NOT NULL,
  play TEXT NOT NULL,
  signal_type TEXT NOT NULL,
  origin TEXT NOT NULL,           -- occurred | received: measured from the signal's occurred_at or received_at
  sketch BLOB NOT NULL,
  PRIMARY KEY (hour_ms, play, signal_type, origin)
) WITHOUT ROWID;
CREATE TABLE history_plays (      -- the first hour the history has for each play (volume alerts need 7 days)
  play TEXT PRIMARY KEY,
  first_hour_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE alerts (             -- one row per incident: a rule firing for a subject, until it resolved
  key TEXT NOT NULL,              -- stable dedup key, e.g. playd/volume_drop/PLAY
  since_ms INTEGER NOT NULL,
  rule TEXT NOT NULL,
  play TEXT NOT NULL,
  subject TEXT NOT NULL,
  state TEXT NOT NULL,            -- firing | resolved
  until_ms INTEGER NOT NULL,      -- 0 while firing
  value REAL NOT NULL,
  threshold REAL NOT NULL,
  summary TEXT NOT NULL,
  notified TEXT NOT NULL,         -- the last state every alert sink was sent ('' none yet)
  PRIMARY KEY (key, since_ms)
) WITHOUT ROWID;
CREATE INDEX alerts_firing ON alerts(state) WHERE state = 'firing';
)sql";

// Version 4: the review queue (records.h): one item per live review(...)
// action, written with it; open until a person marks it done.
const char* const kV4 = R"sql(
CREATE TABLE review_queue (
  key TEXT PRIMARY KEY,           -- the review action's idempotency key
  play TEXT NOT NULL,
  signal_id TEXT NOT NULL,
  account TEXT NOT NULL,
  contact TEXT NOT NULL,
  queue TEXT NOT NULL,            -- review(queue: ...)
  note TEXT NOT NULL,             -- review(note: ...), '' when none
  created_at_ms INTEGER NOT NULL,
  status TEXT NOT NULL,           -- open | done
  done_at_ms INTEGER NOT NULL,    -- 0 while open
  done_by TEXT NOT NULL,
  comment TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX review_queue_by_status ON review_queue(status, queue, created_at_ms);
)sql";

// Version 5: temporal triggers' state (engine/patterns.h), per play, pattern
// hash and account or contact; written with the decisions that counted it.
const char* const kV5 = R"sql(
CREATE TABLE pattern_states (
  play TEXT NOT NULL,
  pattern INTEGER NOT NULL,       -- vm::pattern_hash (a u64 stored as its two's-complement i64)
  per_key TEXT NOT NULL,          -- the account's domain or the contact's email
  state BLOB NOT NULL,            -- engine::encode_pattern_state
  updated_at_ms INTEGER NOT NULL, -- its last write (service clock): purge_patterns ages states by it
  PRIMARY KEY (play, pattern, per_key)
) WITHOUT ROWID;
)sql";

// Version 6: the absence form's timers (records.h PatternWrite::timer_ms):
// when each armed timer runs, NULL when none; due_pattern_timers() reads
// the index.
const char* const kV6 = R"sql(
ALTER TABLE pattern_states ADD COLUMN timer_ms INTEGER;
CREATE INDEX pattern_states_by_timer ON pattern_states(timer_ms) WHERE timer_ms IS NOT NULL;
)sql";

// Version 7: the rate form's timers run on the stream clock, not the
// service's (records.h PatternWrite::stream_timer): a column of their own,
// with its own index, so that neither clock's due timers are looked for
// among the other's; and the stream clock itself (one row), written with
// each evaluation, restored at a start.
const char* const kV7 = R"sql(
ALTER TABLE pattern_states ADD COLUMN stream_timer_ms INTEGER;
CREATE INDEX pattern_states_by_stream_timer ON pattern_states(stream_timer_ms)
  WHERE stream_timer_ms IS NOT NULL;
CREATE TABLE stream_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at_ms INTEGER NOT NULL          -- the highest Evaluation::stream_clock_ms committed
);
)sql";

const char* const kMigrations[] = {kV1, kV2, kV3, kV4, kV5, kV6, kV7};

}  // namespace

int migrate(Sql& sql) {
  sql.exec(
      "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)");
  int current = 0;
  {
    Stmt& s = sql.prepare("SELECT COALESCE(MAX(version), 0) FROM migrations");
    if (s.step()) current = int(s.i64(0));
    s.reset();
  }
  int n = int(std::size(kMigrations));
  if (current > n)
    throw StoreError("store: database schema version " + std::to_string(current) +
                     " is newer than this playd (" + std::to_string(n) + ")");
  for (int v = current + 1; v <= n; ++v) {
    sql.exec("BEGIN IMMEDIATE");
    try {
      sql.exec(kMigrations[v - 1]);
      int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      sql.prepare("INSERT INTO migrations(version, applied_at_ms) VALUES (?, ?)")
          .bind(1, int64_t(v))
          .bind(2, now)
          .run();
      sql.exec("COMMIT");
    } catch (...) {
      sql.exec("ROLLBACK");
      throw;
    }
  }
  return n;
}

}  // namespace play::store
