// Execution's side of the store: the outbox rows still open, each delivery
// attempt, file sinks' recorded sizes, the undelivered flag, and the DLQ.
#include "runtime/store/sqlite/history.h"
#include "runtime/store/sqlite/sqlite_store.h"

namespace play::store {

namespace {

constexpr const char* kOpenActionColumns =
    "key, sink, lane, line, play, account, contact, attempts, next_attempt_ms, created_at_ms, "
    "occurred_at_ms, "
    "received_at_ms, budget_from, text, signal_type";

OpenAction open_action(Stmt& s) {
  OpenAction a;
  a.key = s.text(0);
  a.sink = s.text(1);
  a.high = s.i64(2) == 0;
  a.line = s.text(3);
  a.play = s.text(4);
  a.account = s.text(5);
  a.contact = s.text(6);
  a.attempts = int(s.i64(7));
  a.due_ms = s.i64(8);
  a.created_at_ms = s.i64(9);
  a.occurred_at_ms = s.i64(10);
  a.received_at_ms = s.i64(11);
  a.budget_from = int(s.i64(12));
  a.text = s.text(13);
  a.signal_type = s.text(14);
  return a;
}

constexpr const char* kActionRowColumns =
    "key, play, action, sink, signal_id, status, attempts, last_error, line, flagged, account, contact, "
    "created_at_ms";

ActionRow action_row(Stmt& s) {
  ActionRow r;
  r.key = s.text(0);
  r.play = s.text(1);
  r.action = s.text(2);
  r.sink = s.text(3);
  r.signal_id = s.text(4);
  r.status = s.text(5);
  r.attempts = int(s.i64(6));
  r.last_error = s.text(7);
  r.line = s.text(8);
  r.flagged = s.i64(9) != 0;
  r.account = s.text(10);
  r.contact = s.text(11);
  r.created_at_ms = s.i64(12);
  return r;
}

}  // namespace

std::vector<OpenAction> SqliteStore::open_actions() {
  return db_->read([&](Sql& sql) {
    static const std::string q =
        std::string("SELECT ") + kOpenActionColumns + " FROM actions WHERE status IN ('pending','retrying')";
    std::vector<OpenAction> out;
    Stmt& s = sql.prepare(q.c_str());
    while (s.step()) out.push_back(open_action(s));
    s.reset();
    return out;
  });
}

// What an attempt's result adds to the history (records.h), read from the
// action's row as it is updated.
static void count_attempt(HistoryDelta& history, Stmt& updated, int64_t at_ms, std::string_view result) {
  std::string play(updated.text(0)), sink(updated.text(1)), type(updated.text(2));
  if (result == "sent") {
    history.count(at_ms, play, type, "delivered", sink);
    history.delivered(at_ms, play, type, updated.i64(3), updated.i64(4));
  } else if (result == "retry" || result == "dlq") {
    history.count(at_ms, play, type, "failed", sink);
    if (result == "dlq") history.count(at_ms, play, type, "dlq", sink);
  } else if (result == "cancelled") {
    history.count(at_ms, play, type, "cancelled", sink);
  }
}

void SqliteStore::record_attempts(const std::vector<AttemptRecord>& attempts, const FileMark* file) {
  db_->write([&](Sql& sql) {
    HistoryDelta history;
    for (const auto& x : attempts) {
      Stmt& up = sql.prepare(
          "UPDATE actions SET status=?, attempts=?, next_attempt_ms=?, last_error=? WHERE key=? RETURNING "
          "play, "
          "sink, signal_type, occurred_at_ms, received_at_ms");
      up.bind(1, x.status)
          .bind(2, int64_t(x.n))
          .bind(3, x.next_attempt_ms)
          .bind(4, x.last_error)
          .bind(5, x.key);
      if (up.step()) count_attempt(history, up, x.at_ms, x.result);
      up.run();
      sql.prepare(
             "INSERT OR REPLACE INTO attempts(key, n, at_ms, result, http_status, detail) VALUES "
             "(?,?,?,?,?,?)")
          .bind(1, x.key)
          .bind(2, int64_t(x.n))
          .bind(3, x.at_ms)
          .bind(4, x.result)
          .bind(5, int64_t(x.http_status))
          .bind(6, std::string_view(x.detail).substr(0, 4096))
          .run();
    }
    if (file)
      sql.prepare("INSERT OR REPLACE INTO file_sinks(path, size) VALUES (?, ?)")
          .bind(1, file->path)
          .bind(2, file->size)
          .run();
    history.write(sql);
  });
}

std::vector<FlaggedAction> SqliteStore::flag_undelivered(int64_t created_before_ms) {
  std::vector<FlaggedAction> out;
  db_->write([&](Sql& sql) {
    out.clear();
    Stmt& s = sql.prepare(
        "UPDATE actions SET flagged = 1 WHERE status IN ('pending','retrying') AND flagged = 0 AND "
        "created_at_ms <= ? RETURNING key, play, sink, created_at_ms");
    s.bind(1, created_before_ms);
    while (s.step())
      out.push_back({std::string(s.text(0)), std::string(s.text(1)), std::string(s.text(2)), s.i64(3)});
    s.reset();
  });
  return out;
}

int64_t SqliteStore::file_sink_size(const std::string& path) {
  return db_->read([&](Sql& sql) {
    Stmt& s = sql.prepare("SELECT size FROM file_sinks WHERE path = ?");
    s.bind(1, path);
    int64_t size = s.step() ? s.i64(0) : -1;
    s.reset();
    return size;
  });
}

size_t SqliteStore::adopt_file_tail(const std::string& path, const std::vector<std::string>& keys,
                                    int64_t size, const std::string& detail) {
  int64_t now = now_ms();
  size_t adopted = 0;
  db_->write([&](Sql& sql) {
    adopted = 0;
    HistoryDelta history;
    for (const auto& key : keys) {
      sql.prepare(
             "INSERT OR REPLACE INTO attempts(key, n, at_ms, result, http_status, detail) SELECT key, "
             "attempts + 1, "
             "?, 'sent', 200, ? FROM actions WHERE key = ? AND status IN ('pending','retrying')")
          .bind(1, now)
          .bind(2, detail)
          .bind(3, key)
          .run();
      Stmt& up = sql.prepare(
          "UPDATE actions SET status = 'sent', attempts = attempts + 1, last_error = '' WHERE key = ? AND "
          "status "
          "IN ('pending','retrying') RETURNING play, sink, signal_type, occurred_at_ms, received_at_ms");
      up.bind(1, key);
      if (up.step()) {
        count_attempt(history, up, now, "sent");
        ++adopted;
      }
      up.run();
    }
    history.write(sql);
    sql.prepare("INSERT OR REPLACE INTO file_sinks(path, size) VALUES (?, ?)")
        .bind(1, path)
        .bind(2, size)
        .run();
  });
  return adopted;
}

std::vector<ActionRow> SqliteStore::dlq() {
  return db_->read([&](Sql& sql) {
    static const std::string q = std::string("SELECT ") + kActionRowColumns +
                                 " FROM actions WHERE status = 'dlq' ORDER BY created_at_ms";
    std::vector<ActionRow> out;
    Stmt& s = sql.prepare(q.c_str());
    while (s.step()) out.push_back(action_row(s));
    s.reset();
    return out;
  });
}

std::optional<ActionRow> SqliteStore::action(std::string_view key) {
  return db_->read([&](Sql& sql) -> std::optional<ActionRow> {
    static const std::string q = std::string("SELECT ") + kActionRowColumns + " FROM actions WHERE key = ?";
    Stmt& s = sql.prepare(q.c_str());
    s.bind(1, key);
    std::optional<ActionRow> out;
    if (s.step()) out = action_row(s);
    s.reset();
    return out;
  });
}

std::vector<AttemptRow> SqliteStore::attempts(std::string_view key) {
  return db_->read([&](Sql& sql) {
    std::vector<AttemptRow> out;
    Stmt& s =
        sql.prepare("SELECT n, at_ms, result, http_status, detail FROM attempts WHERE key = ? ORDER BY n");
    s.bind(1, key);
    while (s.step())
      out.push_back({int(s.i64(0)), s.i64(1), std::string(s.text(2)), int(s.i64(3)), std::string(s.text(4))});
    s.reset();
    return out;
  });
}

std::vector<OpenAction> SqliteStore::dlq_replay(std::string_view key) {
  std::vector<OpenAction> out;
  int64_t now = now_ms();
  db_->write([&](Sql& sql) {
    out.clear();
    static const std::string all =
        std::string("SELECT ") + kOpenActionColumns + " FROM actions WHERE status = 'dlq'";
    static const std::string one = all + " AND key = ?";
    Stmt& s = sql.prepare(key.empty() ? all.c_str() : one.c_str());
    if (!key.empty()) s.bind(1, key);
    while (s.step()) {
      OpenAction a = open_action(s);
      a.budget_from = a.attempts;  // a fresh attempt budget
      a.due_ms = now;
      out.push_back(std::move(a));
    }
    s.reset();
    for (const auto& a : out)
      sql.prepare(
             "UPDATE actions SET status = 'pending', next_attempt_ms = ?, budget_from = attempts WHERE key = "
             "?")
          .bind(1, now)
          .bind(2, a.key)
          .run();
  });
  return out;
}

std::vector<UndeliveredGroup> SqliteStore::undelivered(int64_t created_before_ms) {
  return db_->read([&](Sql& sql) {
    std::vector<UndeliveredGroup> out;
    Stmt& s = sql.prepare(
        "SELECT play, sink, COUNT(*), MIN(created_at_ms) FROM actions WHERE status IN ('pending','retrying') "
        "AND "
        "created_at_ms <= ? GROUP BY play, sink ORDER BY play, sink");
    s.bind(1, created_before_ms);
    while (s.step())
      out.push_back({std::string(s.text(0)), std::string(s.text(1)), uint64_t(s.i64(2)), s.i64(3)});
    s.reset();
    return out;
  });
}

std::vector<ActionRow> SqliteStore::recent_actions(std::string_view action, size_t limit) {
  return db_->read([&](Sql& sql) {
    static const std::string q = std::string("SELECT ") + kActionRowColumns +
                                 " FROM actions WHERE action = ? ORDER BY created_at_ms DESC, key LIMIT ?";
    std::vector<ActionRow> out;
    Stmt& s = sql.prepare(q.c_str());
    s.bind(1, action).bind(2, int64_t(limit));
    while (s.step()) out.push_back(action_row(s));
    s.reset();
    return out;
  });
}

ActionCounts SqliteStore::action_counts() {
  return db_->read([&](Sql& sql) {
    ActionCounts c;
    Stmt& s = sql.prepare(
        "SELECT SUM(status = 'dlq'), SUM(status IN ('pending','retrying')), SUM(status IN "
        "('pending','retrying') AND "
        "flagged) FROM actions WHERE status IN ('pending','retrying','dlq')");
    if (s.step()) {
      c.dlq = uint64_t(s.i64(0));
      c.open = uint64_t(s.i64(1));
      c.undelivered = uint64_t(s.i64(2));
    }
    s.reset();
    return c;
  });
}

}  // namespace play::store
