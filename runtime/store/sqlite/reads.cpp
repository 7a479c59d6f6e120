// Reads for traces, and the play-set records and replay.
#include <map>

#include "runtime/store/sqlite/history.h"
#include "runtime/store/sqlite/sqlite_store.h"

namespace play::store {

std::optional<SignalRow> SqliteStore::signal(std::string_view id) {
  return db_->read([&](Sql& sql) -> std::optional<SignalRow> {
    Stmt& s = sql.prepare(
        "SELECT lane, received_at_ms, evaluated_at_ms, play_set FROM signals WHERE seq = (SELECT seq FROM "
        "seen_signals WHERE id = ?)");
    s.bind(1, id);
    std::optional<SignalRow> out;
    if (s.step()) {
      SignalRow r;
      r.id = std::string(id);
      r.lane = Lane(s.i64(0));
      r.received_at_ms = s.i64(1);
      if (!s.is_null(2)) r.evaluated_at_ms = s.i64(2);
      r.play_set = s.text(3);
      out = std::move(r);
    }
    s.reset();
    return out;
  });
}

std::vector<OutcomeRow> SqliteStore::outcomes(std::string_view signal_id) {
  return db_->read([&](Sql& sql) {
    std::vector<OutcomeRow> out;
    Stmt& o = sql.prepare(
        "SELECT play, outcome, reason, clause, error, shadow FROM outcomes WHERE signal_id = ? ORDER BY "
        "rowid");
    o.bind(1, signal_id);
    while (o.step())
      out.push_back({std::string(o.text(0)), std::string(o.text(1)), std::string(o.text(2)),
                     std::string(o.text(3)), std::string(o.text(4)), o.i64(5) != 0});
    o.reset();
    return out;
  });
}

std::vector<ActionRow> SqliteStore::signal_actions(std::string_view signal_id) {
  return db_->read([&](Sql& sql) {
    std::vector<ActionRow> out;
    Stmt& a = sql.prepare(
        "SELECT key, play, action, sink, status, attempts, last_error, line, flagged FROM actions WHERE "
        "signal_id = ? ORDER BY key");
    a.bind(1, signal_id);
    while (a.step()) {
      ActionRow r;
      r.key = a.text(0);
      r.play = a.text(1);
      r.action = a.text(2);
      r.sink = a.text(3);
      r.status = a.text(4);
      r.attempts = int(a.i64(5));
      r.last_error = a.text(6);
      r.line = a.text(7);
      r.flagged = a.i64(8) != 0;
      r.signal_id = std::string(signal_id);
      out.push_back(std::move(r));
    }
    a.reset();
    return out;
  });
}

// Newest first by insertion order. No index on play: the scan walks back
// from the newest row and stops at `limit` matches, so a busy play answers
// at once and a play that rarely decides costs a scan of the kept outcomes.
std::vector<DecisionRow> SqliteStore::decisions(std::string_view play, std::string_view outcome,
                                                size_t limit) {
  return db_->read([&](Sql& sql) {
    std::vector<DecisionRow> out;
    Stmt& d = sql.prepare(
        "SELECT o.signal_id, COALESCE(s.type, ''), o.outcome, o.reason, o.clause, o.error, o.shadow, o.at_ms "
        "FROM outcomes o LEFT JOIN seen_signals n ON n.id = o.signal_id LEFT JOIN signals s ON s.seq = n.seq "
        "WHERE o.play = ?1 AND (?2 = '' OR o.outcome = ?2) ORDER BY o.rowid DESC LIMIT ?3");
    d.bind(1, play).bind(2, outcome).bind(3, int64_t(limit));
    while (d.step()) {
      DecisionRow r;
      r.signal_id = d.text(0);
      r.type = d.text(1);
      r.outcome = d.text(2);
      r.reason = d.text(3);
      r.clause = d.text(4);
      r.error = d.text(5);
      r.shadow = d.i64(6) != 0;
      r.at_ms = d.i64(7);
      out.push_back(std::move(r));
    }
    d.reset();
    return out;
  });
}

void SqliteStore::record_play_set(const std::string& version, const std::vector<std::string>& play_names) {
  std::string names = "[";
  for (size_t i = 0; i < play_names.size(); ++i) {
    if (i) names += ',';
    names += '"' + play_names[i] + '"';  // play names are identifiers: nothing to escape
  }
  names += ']';
  int64_t now = now_ms();
  db_->write([&](Sql& sql) {
    sql.prepare(
           "INSERT INTO play_sets(version, plays, names, first_loaded_at_ms, last_loaded_at_ms) VALUES "
           "(?1, ?2, ?3, ?4, ?4) ON CONFLICT(version) DO UPDATE SET last_loaded_at_ms = "
           "excluded.last_loaded_at_ms")
        .bind(1, version)
        .bind(2, int64_t(play_names.size()))
        .bind(3, names)
        .bind(4, now)
        .run();
  });
}

ReplayResult SqliteStore::replay(const ReplayFilter& f) {
  ReplayResult result;
  std::vector<QueuedSignal> requeued;
  auto select = [&](Sql& sql) {
    result = {};
    requeued.clear();
    std::map<std::string, uint64_t> by_set;
    Stmt& st = sql.prepare(
        "SELECT seq, id, type, received_at_ms, occurred_at_ms, envelope, COALESCE(play_set, '') FROM signals "
        "WHERE evaluated_at_ms IS NOT NULL AND received_at_ms >= ?1 AND received_at_ms < ?2 AND (?3 = '' OR "
        "play_set = ?3) ORDER BY seq");
    st.bind(1, f.since_ms).bind(2, f.until_ms).bind(3, f.play_set);
    while (st.step()) {
      by_set[std::string(st.text(6))]++;
      requeued.push_back(queued(st));
    }
    st.reset();
    result.signals = requeued.size();
    result.by_play_set.assign(by_set.begin(), by_set.end());
  };
  if (f.dry_run) {
    db_->read(select);
    return result;
  }
  db_->write(
      [&](Sql& sql) {
        select(sql);
        // Their outcomes leave the history with them (they are counted again
        // when evaluated again); their actions keep their keys: not issued twice.
        HistoryDelta history;
        for (const auto& q : requeued) {
          Stmt& o = sql.prepare("SELECT play, outcome, reason, at_ms FROM outcomes WHERE signal_id = ?");
          o.bind(1, q.id);
          while (o.step()) {
            std::string play(o.text(0)), outcome(o.text(1));
            if (play.empty()) continue;
            int64_t at = o.i64(3);
            history.count(at, play, q.type, "signals", "", -1);
            history.count(at, play, q.type, "outcome", outcome, -1);
            if (outcome == "suppressed")
              history.count(at, play, q.type, "suppressed", std::string(o.text(2)), -1);
          }
          o.reset();
        }
        history.write(sql);
        for (const auto& q : requeued) {
          sql.prepare("UPDATE signals SET evaluated_at_ms = NULL, play_set = NULL WHERE seq = ?")
              .bind(1, q.seq)
              .run();
          sql.prepare("DELETE FROM outcomes WHERE signal_id = ?").bind(1, q.id).run();
        }
      },
      [&] { db_->push_queued(std::move(requeued)); });
  return result;
}

}  // namespace play::store
