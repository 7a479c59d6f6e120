// Qualification's reads (context records, the ledger, round-robin cursors,
// read on first use by its caches) and its one write per batch.
#include "runtime/store/sqlite/history.h"
#include "runtime/store/sqlite/sqlite_store.h"

namespace play::store {

void SqliteStore::commit_evaluation(const Evaluation& ev) {
  int64_t now = now_ms();
  db_->write([&](Sql& sql) {
    HistoryDelta history;
    for (const auto& s : ev.signals) {
      for (const auto& o : s.outcomes) {
        // A signal the plays could not decode reached no play: not in the history.
        if (!o.play.empty()) {
          history.count(now, o.play, s.type, "signals", "");
          history.count(now, o.play, s.type, "outcome", o.outcome);
          if (o.outcome == "suppressed") history.count(now, o.play, s.type, "suppressed", o.reason);
        }
        sql.prepare(
               "INSERT INTO outcomes(signal_id, play, outcome, reason, clause, error, shadow, at_ms) "
               "VALUES (?,?,?,?,?,?,?,?)")
            .bind(1, s.id)
            .bind(2, o.play)
            .bind(3, o.outcome)
            .bind(4, o.reason)
            .bind(5, o.clause)
            .bind(6, o.error)
            .bind(7, int64_t(o.shadow))
            .bind(8, now)
            .run();
      }
      // A key decided again (a replay, a batch evaluated again after a
      // failed commit) is ignored: the outbox has each key once.
      for (const auto& a : s.actions) {
        sql.prepare(
               "INSERT OR IGNORE INTO actions(key, signal_id, play, action, sink, lane, account, contact, "
               "line, status, next_attempt_ms, created_at_ms, occurred_at_ms, received_at_ms, text, "
               "signal_type) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
            .bind(1, a.key)
            .bind(2, s.id)
            .bind(3, a.play)
            .bind(4, a.action)
            .bind(5, a.sink)
            .bind(6, int64_t(a.high ? 0 : 1))
            .bind(7, a.account)
            .bind(8, a.contact)
            .bind(9, a.line)
            .bind(10, a.shadow ? "shadow" : "pending")
            .bind(11, now)
            .bind(12, now)
            .bind(13, a.occurred_at_ms)
            .bind(14, a.received_at_ms)
            .bind(15, a.text)
            .bind(16, s.type)
            .run();
        // Counted once per key: a decision committed again is not issued again.
        if (sql.changes() != 1) continue;
        history.count(now, a.play, s.type, a.shadow ? "shadow" : "issued", a.sink);
        // A live review is also an item of the review queue (records.h), with the action.
        if (a.action == "review" && !a.shadow)
          sql.prepare(
                 "INSERT OR IGNORE INTO review_queue(key, play, signal_id, account, contact, queue, note, "
                 "created_at_ms, status, done_at_ms, done_by, comment) VALUES (?1, ?2, ?3, ?4, ?5, "
                 "COALESCE(CASE WHEN json_valid(?6) THEN json_extract(?6, '$.args.queue') END, ''), "
                 "COALESCE(CASE WHEN json_valid(?6) THEN json_extract(?6, '$.args.note') END, ''), "
                 "?7, 'open', 0, '', '')")
              .bind(1, a.key)
              .bind(2, a.play)
              .bind(3, s.id)
              .bind(4, a.account)
              .bind(5, a.contact)
              .bind(6, a.line)
              .bind(7, now)
              .run();
      }
      sql.prepare("UPDATE signals SET evaluated_at_ms = ?, play_set = ? WHERE seq = ?")
          .bind(1, now)
          .bind(2, ev.play_set)
          .bind(3, s.seq)
          .run();
    }
    for (const auto& c : ev.context)
      sql.prepare(c.entity == Entity::Account
                      ? "INSERT INTO accounts(domain, fields, updated_at_ms) VALUES (?1, json(?2), ?3) ON "
                        "CONFLICT(domain) DO UPDATE SET fields = json_patch(fields, excluded.fields), "
                        "updated_at_ms = excluded.updated_at_ms"
                      : "INSERT INTO contacts(email, fields, updated_at_ms) VALUES (?1, json(?2), ?3) ON "
                        "CONFLICT(email) DO UPDATE SET fields = json_patch(fields, excluded.fields), "
                        "updated_at_ms = excluded.updated_at_ms")
          .bind(1, c.key)
          .bind(2, c.fields_json)
          .bind(3, now)
          .run();
    // Check-and-record (records.h): one writer, so nothing moves between
    // the check and the write; it matters when the ledger is shared.
    for (const auto& f : ev.fires) {
      if (!f.check) continue;
      Stmt& s = sql.prepare("SELECT last_fired_ms FROM ledger WHERE play = ? AND per_key = ?");
      s.bind(1, f.play).bind(2, f.key);
      std::optional<int64_t> stored;
      if (s.step()) stored = s.i64(0);
      s.reset();
      if (stored != f.seen)
        throw StoreError("store: play " + f.play + " fired for " + f.key +
                         " since this batch was evaluated; it is evaluated again");
    }
    for (const auto& p : ev.pools) {
      if (!p.from) continue;
      Stmt& s = sql.prepare("SELECT cursor FROM round_robin WHERE pool = ?");
      s.bind(1, p.pool);
      uint64_t stored = s.step() ? uint64_t(s.i64(0)) : 0;
      s.reset();
      if (stored != *p.from)
        throw StoreError("store: pool " + p.pool +
                         " rotated since this batch was evaluated; it is evaluated again");
    }
    for (const auto& f : ev.fires)
      sql.prepare(
             "INSERT INTO ledger(play, per_key, last_fired_ms) VALUES (?1, ?2, ?3) ON CONFLICT(play, "
             "per_key) "
             "DO UPDATE SET last_fired_ms = MAX(last_fired_ms, excluded.last_fired_ms)")
          .bind(1, f.play)
          .bind(2, f.key)
          .bind(3, f.at_ms)
          .run();
    for (const auto& p : ev.pools)
      sql.prepare(
             "INSERT INTO round_robin(pool, cursor) VALUES (?1, ?2) ON CONFLICT(pool) DO UPDATE SET cursor = "
             "excluded.cursor")
          .bind(1, p.pool)
          .bind(2, int64_t(p.cursor))
          .run();
    for (const auto& w : ev.patterns) {
      Stmt& s = sql.prepare(
          "INSERT INTO pattern_states(play, pattern, per_key, state, updated_at_ms, timer_ms, "
          "stream_timer_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
          "ON CONFLICT(play, pattern, per_key) DO UPDATE SET state = excluded.state, updated_at_ms = "
          "excluded.updated_at_ms, timer_ms = excluded.timer_ms, stream_timer_ms = excluded.stream_timer_ms");
      s.bind(1, w.play).bind(2, int64_t(w.pattern)).bind(3, w.key).bind_blob(4, w.state).bind(5, now);
      bool armed = w.timer_ms != INT64_MIN;
      if (armed && !w.stream_timer)
        s.bind(6, w.timer_ms);
      else
        s.bind_null(6);
      if (armed && w.stream_timer)
        s.bind(7, w.timer_ms);
      else
        s.bind_null(7);
      s.run();
    }
    if (ev.stream_clock_ms != INT64_MIN)
      sql.prepare(
             "INSERT INTO stream_clock(id, at_ms) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET at_ms = "
             "max(at_ms, excluded.at_ms)")
          .bind(1, ev.stream_clock_ms)
          .run();
    history.write(sql);
  });
}

std::optional<std::string> SqliteStore::pattern_state(std::string_view play, uint64_t pattern,
                                                      std::string_view key) {
  return db_->read([&](Sql& sql) -> std::optional<std::string> {
    Stmt& s = sql.prepare("SELECT state FROM pattern_states WHERE play = ? AND pattern = ? AND per_key = ?");
    s.bind(1, play).bind(2, int64_t(pattern)).bind(3, key);
    std::optional<std::string> out;
    if (s.step()) out = std::string(s.blob(0));
    s.reset();
    return out;
  });
}

size_t SqliteStore::purge_patterns(const std::vector<PatternId>& keep, int64_t now_ms) {
  size_t dropped = 0;
  db_->write([&](Sql& sql) {
    std::vector<std::pair<std::string, int64_t>> stored;
    {
      Stmt& s = sql.prepare("SELECT DISTINCT play, pattern FROM pattern_states");
      while (s.step()) stored.emplace_back(std::string(s.text(0)), s.i64(1));
      s.reset();
    }
    for (const auto& [play, pattern] : stored) {
      const PatternId* kept = nullptr;
      for (const auto& k : keep)
        if (k.play == play && int64_t(k.pattern) == pattern) kept = &k;
      Stmt& d =
          kept ? sql.prepare(
                     "DELETE FROM pattern_states WHERE play = ?1 AND pattern = ?2 AND updated_at_ms < ?3 AND "
                     "timer_ms IS NULL AND stream_timer_ms IS NULL")
               : sql.prepare("DELETE FROM pattern_states WHERE play = ?1 AND pattern = ?2");
      d.bind(1, play).bind(2, pattern);
      if (kept) d.bind(3, now_ms - kept->keep_ms);
      d.run();
      dropped += size_t(sql.changes());
    }
  });
  return dropped;
}

std::vector<PatternTimer> SqliteStore::due_pattern_timers(int64_t now_ms, int64_t stream_ms, size_t limit) {
  return db_->read([&](Sql& sql) {
    std::vector<PatternTimer> out;
    Stmt& s = sql.prepare(
        "SELECT play, pattern, per_key, timer_ms FROM pattern_states WHERE timer_ms IS NOT NULL AND timer_ms "
        "<= ?1 ORDER BY timer_ms LIMIT ?2");
    s.bind(1, now_ms).bind(2, int64_t(limit));
    while (s.step())
      out.push_back({std::string(s.text(0)), uint64_t(s.i64(1)), std::string(s.text(2)), s.i64(3), false});
    s.reset();
    Stmt& r = sql.prepare(
        "SELECT play, pattern, per_key, stream_timer_ms FROM pattern_states WHERE stream_timer_ms IS NOT "
        "NULL AND stream_timer_ms <= ?1 ORDER BY stream_timer_ms LIMIT ?2");
    r.bind(1, stream_ms).bind(2, int64_t(limit));
    while (r.step())
      out.push_back({std::string(r.text(0)), uint64_t(r.i64(1)), std::string(r.text(2)), r.i64(3), true});
    r.reset();
    return out;
  });
}

int64_t SqliteStore::stream_clock() {
  return db_->read([&](Sql& sql) {
    Stmt& s = sql.prepare("SELECT at_ms FROM stream_clock WHERE id = 1");
    int64_t at = s.step() ? s.i64(0) : INT64_MIN;
    s.reset();
    return at;
  });
}

std::optional<std::string> SqliteStore::context_record(Entity entity, std::string_view key) {
  return db_->read([&](Sql& sql) -> std::optional<std::string> {
    Stmt& s = entity == Entity::Account ? sql.prepare("SELECT fields FROM accounts WHERE domain = ?")
                                        : sql.prepare("SELECT fields FROM contacts WHERE email = ?");
    s.bind(1, key);
    std::optional<std::string> out;
    if (s.step()) out = std::string(s.text(0));
    s.reset();
    return out;
  });
}

std::optional<int64_t> SqliteStore::last_fired(std::string_view play, std::string_view key) {
  return db_->read([&](Sql& sql) -> std::optional<int64_t> {
    Stmt& s = sql.prepare("SELECT last_fired_ms FROM ledger WHERE play = ? AND per_key = ?");
    s.bind(1, play).bind(2, key);
    std::optional<int64_t> out;
    if (s.step()) out = s.i64(0);
    s.reset();
    return out;
  });
}

std::optional<uint64_t> SqliteStore::pool_cursor(std::string_view pool) {
  return db_->read([&](Sql& sql) -> std::optional<uint64_t> {
    Stmt& s = sql.prepare("SELECT cursor FROM round_robin WHERE pool = ?");
    s.bind(1, pool);
    std::optional<uint64_t> out;
    if (s.step()) out = uint64_t(s.i64(0));
    s.reset();
    return out;
  });
}

std::vector<std::pair<std::string, uint64_t>> SqliteStore::pool_cursors() {
  return db_->read([&](Sql& sql) {
    std::vector<std::pair<std::string, uint64_t>> out;
    Stmt& s = sql.prepare("SELECT pool, cursor FROM round_robin");
    while (s.step()) out.emplace_back(std::string(s.text(0)), uint64_t(s.i64(1)));
    s.reset();
    return out;
  });
}

}  // namespace play::store
