// Qualification's reads (context records, the ledger, round-robin cursors)
// and its one write per batch: the Evaluation, in one transaction.
#include <algorithm>
#include <tuple>

#include "runtime/store/postgres/history.h"
#include "runtime/store/postgres/pg_store.h"

namespace play::store {

namespace {

void merge_context(pg::Conn& c, Entity entity, const std::string& key, const std::string& fields,
                   int64_t now) {
  c.exec(entity == Entity::Account
             ? "INSERT INTO accounts(domain, fields, updated_at_ms) VALUES ($1, $2::jsonb, $3) ON CONFLICT "
               "(domain) DO UPDATE SET fields = accounts.fields || excluded.fields, updated_at_ms = "
               "excluded.updated_at_ms"
             : "INSERT INTO contacts(email, fields, updated_at_ms) VALUES ($1, $2::jsonb, $3) ON CONFLICT "
               "(email) DO UPDATE SET fields = contacts.fields || excluded.fields, updated_at_ms = "
               "excluded.updated_at_ms",
         pg::Params().add(key).add(fields).add(now));
}

// Check-and-record (records.h, FireWrite): each checked entry is locked
// (an advisory lock on its key: a row that does not exist yet cannot be
// locked) and compared with what the evaluation saw, in key order so two
// nodes' transactions never wait on each other in a cycle. The locks are
// held until the commit that records the new values.
// Check-and-record for temporal states (PatternWrite::check): each state
// locked (in key order, as the ledger's), then compared with what the
// evaluation read.
void check_patterns(pg::Conn& c, const Evaluation& ev) {
  std::vector<const PatternWrite*> writes;
  for (const auto& w : ev.patterns)
    if (w.check) writes.push_back(&w);
  std::sort(writes.begin(), writes.end(), [](const PatternWrite* a, const PatternWrite* b) {
    return std::tie(a->play, a->pattern, a->key) < std::tie(b->play, b->pattern, b->key);
  });
  for (const PatternWrite* w : writes) {
    pg::Params key;
    key.add(w->play).add(w->pattern).add(w->key);
    c.exec(
        "SELECT pg_advisory_xact_lock(hashtextextended('pattern' || chr(31) || $1 || chr(31) || $2::text || "
        "chr(31) || $3, 0))",
        key);
    pg::Result r =
        c.exec("SELECT state FROM pattern_states WHERE play = $1 AND pattern = $2 AND per_key = $3", key);
    std::optional<std::string> now = r.rows() ? std::optional<std::string>(r.bytea(0, 0)) : std::nullopt;
    if (now != w->before)
      throw StoreError("store: the window of play " + w->play + " for " + w->key +
                       " changed on another node since this batch was evaluated; it is evaluated again");
  }
}

void check_ledger(pg::Conn& c, const Evaluation& ev) {
  std::vector<const FireWrite*> fires;
  for (const auto& f : ev.fires)
    if (f.check) fires.push_back(&f);
  std::sort(fires.begin(), fires.end(), [](const FireWrite* a, const FireWrite* b) {
    return std::tie(a->play, a->key) < std::tie(b->play, b->key);
  });
  for (const FireWrite* f : fires) {
    pg::Params key;
    key.add(f->play).add(f->key);
    c.exec("SELECT pg_advisory_xact_lock(hashtextextended('ledger' || chr(31) || $1 || chr(31) || $2, 0))",
           key);
    pg::Result r = c.exec("SELECT last_fired_ms FROM ledger WHERE play = $1 AND per_key = $2", key);
    std::optional<int64_t> now = r.rows() ? std::optional<int64_t>(r.i64(0, 0)) : std::nullopt;
    if (now != f->seen)
      throw StoreError("store: play " + f->play + " fired for " + f->key +
                       " on another node since this batch was evaluated; it is evaluated again");
  }
  std::vector<const PoolWrite*> pools;
  for (const auto& p : ev.pools)
    if (p.from) pools.push_back(&p);
  std::sort(pools.begin(), pools.end(),
            [](const PoolWrite* a, const PoolWrite* b) { return a->pool < b->pool; });
  for (const PoolWrite* p : pools) {
    pg::Params key;
    key.add(p->pool);
    c.exec("SELECT pg_advisory_xact_lock(hashtextextended('pool' || chr(31) || $1, 0))", key);
    pg::Result r = c.exec("SELECT cursor FROM round_robin WHERE pool = $1", key);
    uint64_t now = r.rows() ? uint64_t(r.i64(0, 0)) : 0;
    if (now != *p->from)
      throw StoreError("store: pool " + p->pool +
                       " rotated on another node since this batch was evaluated; it is evaluated again");
  }
}

}  // namespace

void PgStore::commit_evaluation(const Evaluation& ev) {
  int64_t now = now_ms();
  write([&](pg::Conn& c) {
    // Decided with the current play set, or refused: another node replaced
    // it since the claim (held FOR SHARE until the commit: a replacement
    // waits for this commit, and none after it decides with the old set).
    if (!ev.play_set.empty()) {
      pg::Result set = c.exec("SELECT version FROM play_set_current FOR SHARE");
      if (set.rows() && set.str(0, 0) != ev.play_set) {
        set_current_play_set(set.str(0, 0));
        throw StoreError("store: play set " + ev.play_set + " was replaced by " + set.str(0, 0) +
                         " on another node; the batch is evaluated again with it");
      }
    }
    pg::HistoryDelta history;
    for (const auto& s : ev.signals) {
      for (const auto& o : s.outcomes) {
        // A signal the plays could not decode reached no play: not in the history.
        if (!o.play.empty()) {
          history.count(now, o.play, s.type, "signals", "");
          history.count(now, o.play, s.type, "outcome", o.outcome);
          if (o.outcome == "suppressed") history.count(now, o.play, s.type, "suppressed", o.reason);
        }
        c.exec(
            "INSERT INTO outcomes(signal_id, play, outcome, reason, clause, error, shadow, at_ms) VALUES "
            "($1,$2,$3,$4,$5,$6,$7,$8)",
            pg::Params()
                .add(s.id)
                .add(o.play)
                .add(o.outcome)
                .add(o.reason)
                .add(o.clause)
                .add(o.error)
                .add(o.shadow)
                .add(now));
      }
      // A key decided again (a replay, a batch evaluated again, another
      // node) is ignored: the outbox has each key once.
      for (const auto& a : s.actions) {
        pg::Result r = c.exec(
            "INSERT INTO actions(key, signal_id, play, action, sink, lane, account, contact, line, status, "
            "next_attempt_ms, created_at_ms, occurred_at_ms, received_at_ms, text, signal_type, owner) "
            "VALUES "
            "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11,$12,$13,$14,$15,$16) ON CONFLICT (key) DO NOTHING",
            pg::Params()
                .add(a.key)
                .add(s.id)
                .add(a.play)
                .add(a.action)
                .add(a.sink)
                .add(int64_t(a.high ? 0 : 1))
                .add(a.account)
                .add(a.contact)
                .add(a.line)
                .add(a.shadow ? "shadow" : "pending")
                .add(now)
                .add(a.occurred_at_ms)
                .add(a.received_at_ms)
                .add(a.text)
                .add(s.type)
                .add(node_));
        if (r.affected() != 1) continue;  // counted once per key
        history.count(now, a.play, s.type, a.shadow ? "shadow" : "issued", a.sink);
        if (a.action == "review" && !a.shadow)
          c.exec(
              "INSERT INTO review_queue(key, play, signal_id, account, contact, queue, note, created_at_ms, "
              "status, done_at_ms, done_by, comment) VALUES ($1, $2, $3, $4, $5, "
              "COALESCE(playd_try_jsonb($6)->'args'->>'queue', ''), "
              "COALESCE(playd_try_jsonb($6)->'args'->>'note', ''), $7, 'open', 0, '', '') ON CONFLICT (key) "
              "DO "
              "NOTHING",
              pg::Params().add(a.key).add(a.play).add(s.id).add(a.account).add(a.contact).add(a.line).add(
                  now));
      }
      c.exec("UPDATE signals SET evaluated_at_ms = $1, play_set = $2, claimed_by = NULL WHERE seq = $3",
             pg::Params().add(now).add(ev.play_set).add(s.seq));
    }
    // What the plays wrote (crm.* upserts, enroll's last_enrolled_at) reaches
    // the other nodes' caches through the context log, as ingested upserts do.
    for (const auto& w : ev.context) {
      merge_context(c, w.entity, w.key, w.fields_json, now);
      c.exec("INSERT INTO context_log(entity, key, fields, at_ms) VALUES ($1, $2, $3, $4)",
             pg::Params().add(int64_t(w.entity)).add(w.key).add(w.fields_json).add(now));
    }
    check_ledger(c, ev);
    for (const auto& f : ev.fires)
      c.exec(
          "INSERT INTO ledger(play, per_key, last_fired_ms) VALUES ($1, $2, $3) ON CONFLICT (play, per_key) "
          "DO "
          "UPDATE SET last_fired_ms = GREATEST(ledger.last_fired_ms, excluded.last_fired_ms)",
          pg::Params().add(f.play).add(f.key).add(f.at_ms));
    for (const auto& p : ev.pools)
      c.exec(
          "INSERT INTO round_robin(pool, cursor) VALUES ($1, $2) ON CONFLICT (pool) DO UPDATE SET cursor = "
          "excluded.cursor",
          pg::Params().add(p.pool).add(p.cursor));
    check_patterns(c, ev);
    for (const auto& w : ev.patterns) {
      pg::Params p;
      p.add(w.play).add(w.pattern).add(w.key).add_bytea(w.state).add(now);
      bool armed = w.timer_ms != INT64_MIN;
      if (armed && !w.stream_timer)
        p.add(w.timer_ms);
      else
        p.add_null();
      if (armed && w.stream_timer)
        p.add(w.timer_ms);
      else
        p.add_null();
      c.exec(
          "INSERT INTO pattern_states(play, pattern, per_key, state, updated_at_ms, timer_ms, "
          "stream_timer_ms) VALUES ($1, $2, $3, $4::bytea, $5, $6, $7) ON CONFLICT (play, pattern, per_key) "
          "DO UPDATE SET state = excluded.state, updated_at_ms = excluded.updated_at_ms, timer_ms = "
          "excluded.timer_ms, stream_timer_ms = excluded.stream_timer_ms",
          p);
    }
    if (ev.stream_clock_ms != INT64_MIN)
      c.exec(
          "INSERT INTO stream_clock(id, at_ms) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at_ms = "
          "GREATEST(stream_clock.at_ms, excluded.at_ms)",
          pg::Params().add(ev.stream_clock_ms));
    history.write(c);
  });
  uint64_t n = ev.signals.size(), q = queued_.load();
  queued_ = q > n ? q - n : 0;
}

// The record as a compact JSON object (what the SQLite backend returns):
// jsonb's own text form puts a space after each colon.
std::optional<std::string> PgStore::context_record(Entity entity, std::string_view key) {
  return read([&](pg::Conn& c) -> std::optional<std::string> {
    pg::Result r =
        c.exec(entity == Entity::Account
                   ? "SELECT (SELECT '{' || COALESCE(string_agg(to_json(k)::text || ':' || v::text, ',' "
                     "ORDER BY k), "
                     "'') || '}' FROM jsonb_each(fields) AS e(k, v)) FROM accounts WHERE domain = $1"
                   : "SELECT (SELECT '{' || COALESCE(string_agg(to_json(k)::text || ':' || v::text, ',' "
                     "ORDER BY k), "
                     "'') || '}' FROM jsonb_each(fields) AS e(k, v)) FROM contacts WHERE email = $1",
               pg::Params().add(key));
    if (r.rows() == 0) return std::nullopt;
    return r.str(0, 0);
  });
}

std::optional<int64_t> PgStore::last_fired(std::string_view play, std::string_view key) {
  return read([&](pg::Conn& c) -> std::optional<int64_t> {
    pg::Result r = c.exec("SELECT last_fired_ms FROM ledger WHERE play = $1 AND per_key = $2",
                          pg::Params().add(play).add(key));
    if (r.rows() == 0) return std::nullopt;
    return r.i64(0, 0);
  });
}

std::optional<uint64_t> PgStore::pool_cursor(std::string_view pool) {
  return read([&](pg::Conn& c) -> std::optional<uint64_t> {
    pg::Result r = c.exec("SELECT cursor FROM round_robin WHERE pool = $1", pg::Params().add(pool));
    if (r.rows() == 0) return std::nullopt;
    return uint64_t(r.i64(0, 0));
  });
}

std::vector<std::pair<std::string, uint64_t>> PgStore::pool_cursors() {
  return read([&](pg::Conn& c) {
    std::vector<std::pair<std::string, uint64_t>> out;
    pg::Result r = c.exec("SELECT pool, cursor FROM round_robin ORDER BY pool");
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.str(i, 0), uint64_t(r.i64(i, 1)));
    return out;
  });
}

std::optional<std::string> PgStore::pattern_state(std::string_view play, uint64_t pattern,
                                                  std::string_view key) {
  return read([&](pg::Conn& c) -> std::optional<std::string> {
    pg::Result r =
        c.exec("SELECT state FROM pattern_states WHERE play = $1 AND pattern = $2 AND per_key = $3",
               pg::Params().add(play).add(pattern).add(key));
    if (r.rows() == 0) return std::nullopt;
    return r.bytea(0, 0);
  });
}

std::vector<PatternTimer> PgStore::due_pattern_timers(int64_t now_ms, int64_t stream_ms, size_t limit) {
  return read([&](pg::Conn& c) {
    std::vector<PatternTimer> out;
    pg::Result r = c.exec(
        "SELECT play, pattern, per_key, timer_ms FROM pattern_states WHERE timer_ms IS NOT NULL AND timer_ms "
        "<= $1 ORDER BY timer_ms LIMIT $2",
        pg::Params().add(now_ms).add(int64_t(limit)));
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.str(i, 0), uint64_t(r.i64(i, 1)), r.str(i, 2), r.i64(i, 3), false});
    pg::Result s = c.exec(
        "SELECT play, pattern, per_key, stream_timer_ms FROM pattern_states WHERE stream_timer_ms IS NOT "
        "NULL AND stream_timer_ms <= $1 ORDER BY stream_timer_ms LIMIT $2",
        pg::Params().add(stream_ms).add(int64_t(limit)));
    for (int i = 0; i < s.rows(); ++i)
      out.push_back({s.str(i, 0), uint64_t(s.i64(i, 1)), s.str(i, 2), s.i64(i, 3), true});
    return out;
  });
}

int64_t PgStore::stream_clock() {
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec("SELECT at_ms FROM stream_clock WHERE id = 1");
    return r.rows() ? r.i64(0, 0) : INT64_MIN;
  });
}

// The patterns kept travel as three arrays: one statement drops the states
// of every other pattern and the aged ones of the kept.
size_t PgStore::purge_patterns(const std::vector<PatternId>& keep, int64_t now_ms) {
  std::string plays = "{", patterns = "{", before = "{";
  for (size_t i = 0; i < keep.size(); ++i) {
    const char* sep = i ? "," : "";
    plays += sep;
    plays += '"';
    plays += keep[i].play;  // play names are identifiers: nothing to escape
    plays += '"';
    patterns += sep + std::to_string(int64_t(keep[i].pattern));
    before += sep + std::to_string(now_ms - keep[i].keep_ms);
  }
  plays += '}';
  patterns += '}';
  before += '}';
  return write([&](pg::Conn& c) {
    pg::Result r = c.exec(
        "DELETE FROM pattern_states s WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[], $2::bigint[], "
        "$3::bigint[]) AS k(play, pattern, before) WHERE k.play = s.play AND k.pattern = s.pattern AND "
        "(s.updated_at_ms >= k.before OR s.timer_ms IS NOT NULL OR s.stream_timer_ms IS NOT NULL))",
        pg::Params().add(plays).add(patterns).add(before));
    return size_t(r.affected());
  });
}

}  // namespace play::store
