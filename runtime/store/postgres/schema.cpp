#include "runtime/store/postgres/schema.h"

#include <chrono>
#include <iterator>

namespace play::store::pg {

namespace {

// Version 1: the SQLite schema's four versions in one (runtime/store/sqlite/
// schema.cpp explains the columns), plus what N nodes need: the nodes and
// their heartbeats, signal claims, action owners, the context log.
// Times are Unix milliseconds of the service's clock, except the nodes'
// heartbeats, which are the database server's (liveness must not follow a
// simulated clock).
const char* const kV1 = R"sql(
CREATE FUNCTION playd_try_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN RETURN t::jsonb; EXCEPTION WHEN others THEN RETURN NULL; END $$;
CREATE TABLE nodes (              -- every playd process on this database
  node TEXT PRIMARY KEY,
  started_ms BIGINT NOT NULL,
  heartbeat_ms BIGINT NOT NULL    -- server clock; a node silent for long is dead: its claims are free
);
CREATE TABLE signals (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  lane SMALLINT NOT NULL,
  received_at_ms BIGINT NOT NULL,
  occurred_at_ms BIGINT NOT NULL,
  envelope TEXT NOT NULL,
  evaluated_at_ms BIGINT,
  play_set TEXT,
  claimed_by TEXT,                -- the node evaluating it (NULL: free)
  account_key TEXT                -- the envelope's account, else its contact: evaluated in order (NULL: any)
);
CREATE INDEX signals_queued ON signals(lane, seq) WHERE evaluated_at_ms IS NULL;
CREATE INDEX signals_queued_by_account ON signals(account_key, seq) WHERE evaluated_at_ms IS NULL;
CREATE INDEX signals_evaluated ON signals(evaluated_at_ms) WHERE evaluated_at_ms IS NOT NULL;
CREATE TABLE seen_signals (
  id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX seen_signals_expiry ON seen_signals(expires_at_ms);
CREATE TABLE outcomes (
  n BIGSERIAL PRIMARY KEY,        -- insertion order
  signal_id TEXT NOT NULL,
  play TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  clause TEXT NOT NULL,
  error TEXT NOT NULL,
  shadow BOOLEAN NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE INDEX outcomes_signal ON outcomes(signal_id);
CREATE INDEX outcomes_play ON outcomes(play, n);
CREATE INDEX outcomes_at ON outcomes(at_ms);
CREATE TABLE actions (
  key TEXT PRIMARY KEY,
  signal_id TEXT NOT NULL,
  play TEXT NOT NULL,
  action TEXT NOT NULL,
  sink TEXT NOT NULL,
  lane SMALLINT NOT NULL,
  account TEXT NOT NULL,
  contact TEXT NOT NULL,
  line TEXT NOT NULL,
  text TEXT NOT NULL DEFAULT '',
  signal_type TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  budget_from INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  occurred_at_ms BIGINT NOT NULL,
  received_at_ms BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  flagged BOOLEAN NOT NULL DEFAULT false,
  owner TEXT NOT NULL DEFAULT ''  -- the node delivering it (a dead node's open actions are taken over)
);
CREATE INDEX actions_signal ON actions(signal_id);
CREATE INDEX actions_open ON actions(status) WHERE status IN ('pending', 'retrying', 'dlq');
CREATE INDEX actions_by_action ON actions(action, created_at_ms);
CREATE INDEX actions_done ON actions(created_at_ms) WHERE status IN ('sent', 'cancelled', 'shadow');
CREATE TABLE attempts (
  key TEXT NOT NULL,
  n INTEGER NOT NULL,
  at_ms BIGINT NOT NULL,
  result TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (key, n)
);
CREATE TABLE accounts (domain TEXT PRIMARY KEY, fields JSONB NOT NULL, updated_at_ms BIGINT NOT NULL);
CREATE TABLE contacts (email TEXT PRIMARY KEY, fields JSONB NOT NULL, updated_at_ms BIGINT NOT NULL);
CREATE TABLE context_log (        -- committed upserts, in commit order, for every node's qualification
  n BIGSERIAL PRIMARY KEY,
  entity SMALLINT NOT NULL,
  key TEXT NOT NULL,
  fields TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE TABLE ledger (
  play TEXT NOT NULL,
  per_key TEXT NOT NULL,
  last_fired_ms BIGINT NOT NULL,
  PRIMARY KEY (play, per_key)
);
CREATE TABLE round_robin (pool TEXT PRIMARY KEY, cursor BIGINT NOT NULL);
CREATE TABLE play_sets (
  version TEXT PRIMARY KEY,
  plays INTEGER NOT NULL,
  names TEXT NOT NULL,
  first_loaded_at_ms BIGINT NOT NULL,
  last_loaded_at_ms BIGINT NOT NULL
);
CREATE TABLE file_sinks (path TEXT PRIMARY KEY, size BIGINT NOT NULL);
CREATE TABLE history (
  hour_ms BIGINT NOT NULL,
  play TEXT NOT NULL,
  signal_type TEXT NOT NULL,
  metric TEXT NOT NULL,
  label TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (hour_ms, play, signal_type, metric, label)
);
CREATE TABLE history_latency (
  hour_ms BIGINT NOT NULL,
  play TEXT NOT NULL,
  signal_type TEXT NOT NULL,
  origin TEXT NOT NULL,
  sketch BYTEA NOT NULL,
  PRIMARY KEY (hour_ms, play, signal_type, origin)
);
CREATE TABLE history_plays (play TEXT PRIMARY KEY, first_hour_ms BIGINT NOT NULL);
CREATE TABLE alerts (
  key TEXT NOT NULL,
  since_ms BIGINT NOT NULL,
  rule TEXT NOT NULL,
  play TEXT NOT NULL,
  subject TEXT NOT NULL,
  state TEXT NOT NULL,
  until_ms BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  threshold DOUBLE PRECISION NOT NULL,
  summary TEXT NOT NULL,
  notified TEXT NOT NULL,
  PRIMARY KEY (key, since_ms)
);
CREATE TABLE review_queue (
  key TEXT PRIMARY KEY,
  play TEXT NOT NULL,
  signal_id TEXT NOT NULL,
  account TEXT NOT NULL,
  contact TEXT NOT NULL,
  queue TEXT NOT NULL,
  note TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  status TEXT NOT NULL,
  done_at_ms BIGINT NOT NULL,
  done_by TEXT NOT NULL,
  comment TEXT NOT NULL
);
CREATE INDEX review_queue_by_status ON review_queue(status, queue, created_at_ms);
)sql";

// Version 2: temporal triggers' state (engine/patterns.h), as SQLite's
// version 5: per play, pattern hash and account or contact, written in the
// transaction that records the decisions that counted it.
const char* const kV2 = R"sql(
CREATE TABLE pattern_states (
  play TEXT NOT NULL,
  pattern BIGINT NOT NULL,         -- vm::pattern_hash (a u64 stored as its two's-complement i64)
  per_key TEXT NOT NULL,           -- the account's domain or the contact's email
  state BYTEA NOT NULL,            -- engine::encode_pattern_state
  updated_at_ms BIGINT NOT NULL,   -- its last write (service clock): purge_patterns ages states by it
  PRIMARY KEY (play, pattern, per_key)
);
)sql";

// Version 3: the play set every node evaluates with (a reload on one node,
// or a node started with new plays, replaces it for all): its bundle, and
// the one current version. Claims read it; commits hold it (FOR SHARE), so
// a replacement waits for the commits decided with the old set, and no
// commit after it uses the old set.
const char* const kV3 = R"sql(
CREATE TABLE play_set_bundles (
  version TEXT PRIMARY KEY,
  bundle BYTEA NOT NULL,            -- vm::write_bundle
  published_at_ms BIGINT NOT NULL
);
CREATE TABLE play_set_current (
  one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
  version TEXT NOT NULL REFERENCES play_set_bundles(version),
  published_at_ms BIGINT NOT NULL,
  node TEXT NOT NULL                -- the node that published it
);
)sql";

// Version 4: autovacuum for the queue tables. Every signal is inserted,
// updated twice (claimed, evaluated) and deleted after trace_ttl; every
// action inserted, updated per attempt and deleted. The default thresholds
// (20 % of the table dead before a vacuum) let a large table carry a
// large dead tail; 1 % keeps it short, and vacuum runs unthrottled on them
// (bench/README.md, "PostgreSQL queue tables over 10 minutes").
const char* const kV4 = R"sql(
ALTER TABLE signals SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE seen_signals SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_vacuum_cost_delay = 0);
ALTER TABLE outcomes SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_vacuum_cost_delay = 0);
ALTER TABLE actions SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE attempts SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01,
  autovacuum_vacuum_cost_delay = 0);
ALTER TABLE context_log SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE nodes SET (autovacuum_vacuum_scale_factor = 0.0, autovacuum_vacuum_threshold = 100);
)sql";

// Version 5: the absence form's timers (records.h PatternWrite::timer_ms),
// as the embedded store's schema v6: when each armed timer runs, NULL when
// none; due_pattern_timers() reads the index.
const char* const kV5 = R"sql(
ALTER TABLE pattern_states ADD COLUMN timer_ms BIGINT;
CREATE INDEX pattern_states_by_timer ON pattern_states(timer_ms) WHERE timer_ms IS NOT NULL;
)sql";

// Version 6: the rate form's timers on the stream clock and the stream
// clock itself, as the embedded store's schema v7 (records.h
// PatternWrite::stream_timer, Evaluation::stream_clock_ms).
const char* const kV6 = R"sql(
ALTER TABLE pattern_states ADD COLUMN stream_timer_ms BIGINT;
CREATE INDEX pattern_states_by_stream_timer ON pattern_states(stream_timer_ms)
  WHERE stream_timer_ms IS NOT NULL;
CREATE TABLE stream_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at_ms BIGINT NOT NULL
);
)sql";

const char* const kMigrations[] = {kV1, kV2, kV3, kV4, kV5, kV6};

// pg_advisory_xact_lock key of migrations: "playd" in ASCII (0x706c617964).
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(482854664548)";

}  // namespace

int schema_version() { return int(std::size(kMigrations)); }

int migrate(Conn& conn) {
  int n = schema_version();
  return transaction(conn, [&](Conn& c) {
    c.exec(kLock);
    c.exec(
        "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at_ms BIGINT NOT "
        "NULL)");
    int current = int(c.exec("SELECT COALESCE(MAX(version), 0) FROM migrations").i64(0, 0));
    if (current > n)
      throw StoreError("store: database schema version " + std::to_string(current) +
                       " is newer than this playd (" + std::to_string(n) + ")");
    for (int v = current + 1; v <= n; ++v) {
      c.exec(kMigrations[v - 1]);
      int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      c.exec("INSERT INTO migrations(version, applied_at_ms) VALUES ($1, $2)", Params().add(v).add(now));
    }
    return n;
  });
}

}  // namespace play::store::pg
