// Execution's side of the store: the outbox rows still open (each owned by
// one node), each delivery attempt, file sinks' recorded sizes, the
// undelivered flag, and the DLQ.
#include <algorithm>

#include "runtime/store/postgres/history.h"
#include "runtime/store/postgres/pg_store.h"

namespace play::store {

namespace {

constexpr const char* kOpenActionColumns =
    "key, sink, lane, line, play, account, contact, attempts, next_attempt_ms, created_at_ms, "
    "occurred_at_ms, "
    "received_at_ms, budget_from, text, signal_type";

OpenAction open_action(const pg::Result& r, int i) {
  OpenAction a;
  a.key = r.str(i, 0);
  a.sink = r.str(i, 1);
  a.high = r.i64(i, 2) == 0;
  a.line = r.str(i, 3);
  a.play = r.str(i, 4);
  a.account = r.str(i, 5);
  a.contact = r.str(i, 6);
  a.attempts = int(r.i64(i, 7));
  a.due_ms = r.i64(i, 8);
  a.created_at_ms = r.i64(i, 9);
  a.occurred_at_ms = r.i64(i, 10);
  a.received_at_ms = r.i64(i, 11);
  a.budget_from = int(r.i64(i, 12));
  a.text = r.str(i, 13);
  a.signal_type = r.str(i, 14);
  return a;
}

std::vector<OpenAction> open_actions_of(const pg::Result& r) {
  std::vector<OpenAction> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(open_action(r, i));
  std::sort(out.begin(), out.end(), [](const OpenAction& a, const OpenAction& b) {
    return a.created_at_ms != b.created_at_ms ? a.created_at_ms < b.created_at_ms : a.key < b.key;
  });
  return out;
}

constexpr const char* kActionRowColumns =
    "key, play, action, sink, signal_id, status, attempts, last_error, line, flagged, account, contact, "
    "created_at_ms";

ActionRow action_row(const pg::Result& r, int i) {
  ActionRow a;
  a.key = r.str(i, 0);
  a.play = r.str(i, 1);
  a.action = r.str(i, 2);
  a.sink = r.str(i, 3);
  a.signal_id = r.str(i, 4);
  a.status = r.str(i, 5);
  a.attempts = int(r.i64(i, 6));
  a.last_error = r.str(i, 7);
  a.line = r.str(i, 8);
  a.flagged = r.boolean(i, 9);
  a.account = r.str(i, 10);
  a.contact = r.str(i, 11);
  a.created_at_ms = r.i64(i, 12);
  return a;
}

// What an attempt's result adds to the history, from the action's row as
// it is updated (RETURNING play, sink, signal_type, occurred_at_ms, received_at_ms).
void count_attempt(pg::HistoryDelta& history, const pg::Result& r, int64_t at_ms, std::string_view result) {
  std::string play = r.str(0, 0), sink = r.str(0, 1), type = r.str(0, 2);
  if (result == "sent") {
    history.count(at_ms, play, type, "delivered", sink);
    history.delivered(at_ms, play, type, r.i64(0, 3), r.i64(0, 4));
  } else if (result == "retry" || result == "dlq") {
    history.count(at_ms, play, type, "failed", sink);
    if (result == "dlq") history.count(at_ms, play, type, "dlq", sink);
  } else if (result == "cancelled") {
    history.count(at_ms, play, type, "cancelled", sink);
  }
}

}  // namespace

// This node's open actions, and those of nodes that are gone (taken over:
// owned by this node from now on). A live node's actions are its own.
std::vector<OpenAction> PgStore::open_actions() {
  return write([&](pg::Conn& c) {
    return open_actions_of(c.exec(
        std::string(
            "UPDATE actions a SET owner = $1 WHERE status IN ('pending','retrying') AND (owner = $1 OR "
            "owner = '' OR NOT EXISTS (SELECT 1 FROM nodes n WHERE n.node = a.owner AND n.heartbeat_ms >= "
            "(extract(epoch FROM clock_timestamp()) * 1000)::bigint - $2::bigint)) RETURNING ") +
            kOpenActionColumns,
        pg::Params().add(node_).add(kDeadAfterMs)));
  });
}

std::vector<OpenAction> PgStore::adopt_orphaned_actions() {
  return write([&](pg::Conn& c) {
    return open_actions_of(c.exec(
        std::string(
            "UPDATE actions a SET owner = $1 WHERE status IN ('pending','retrying') AND owner <> $1 AND "
            "owner <> '' AND NOT EXISTS (SELECT 1 FROM nodes n WHERE n.node = a.owner AND n.heartbeat_ms >= "
            "(extract(epoch FROM clock_timestamp()) * 1000)::bigint - $2::bigint) RETURNING ") +
            kOpenActionColumns,
        pg::Params().add(node_).add(kDeadAfterMs)));
  });
}

void PgStore::record_attempts(const std::vector<AttemptRecord>& attempts, const FileMark* file) {
  write([&](pg::Conn& c) {
    pg::HistoryDelta history;
    for (const auto& x : attempts) {
      pg::Result up = c.exec(
          "UPDATE actions SET status = $1, attempts = $2, next_attempt_ms = $3, last_error = $4 WHERE key = "
          "$5 "
          "RETURNING play, sink, signal_type, occurred_at_ms, received_at_ms",
          pg::Params().add(x.status).add(x.n).add(x.next_attempt_ms).add(x.last_error).add(x.key));
      if (up.rows() > 0) count_attempt(history, up, x.at_ms, x.result);
      std::string_view detail = std::string_view(x.detail).substr(0, 4096);
      c.exec(
          "INSERT INTO attempts(key, n, at_ms, result, http_status, detail) VALUES ($1,$2,$3,$4,$5,$6) ON "
          "CONFLICT (key, n) DO UPDATE SET at_ms = excluded.at_ms, result = excluded.result, http_status = "
          "excluded.http_status, detail = excluded.detail",
          pg::Params().add(x.key).add(x.n).add(x.at_ms).add(x.result).add(x.http_status).add(detail));
    }
    if (file)
      c.exec("INSERT INTO file_sinks(path, size) VALUES ($1, $2) ON CONFLICT (path) DO UPDATE SET size = $2",
             pg::Params().add(file->path).add(file->size));
    history.write(c);
  });
}

std::vector<FlaggedAction> PgStore::flag_undelivered(int64_t created_before_ms) {
  return write([&](pg::Conn& c) {
    pg::Result r = c.exec(
        "UPDATE actions SET flagged = true WHERE status IN ('pending','retrying') AND NOT flagged AND "
        "created_at_ms <= $1 RETURNING key, play, sink, created_at_ms",
        pg::Params().add(created_before_ms));
    std::vector<FlaggedAction> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.str(i, 0), r.str(i, 1), r.str(i, 2), r.i64(i, 3)});
    return out;
  });
}

int64_t PgStore::file_sink_size(const std::string& path) {
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec("SELECT size FROM file_sinks WHERE path = $1", pg::Params().add(path));
    return r.rows() ? r.i64(0, 0) : int64_t(-1);
  });
}

size_t PgStore::adopt_file_tail(const std::string& path, const std::vector<std::string>& keys, int64_t size,
                                const std::string& detail) {
  int64_t now = now_ms();
  return write([&](pg::Conn& c) {
    size_t adopted = 0;
    pg::HistoryDelta history;
    for (const auto& key : keys) {
      c.exec(
          "INSERT INTO attempts(key, n, at_ms, result, http_status, detail) SELECT key, attempts + 1, $1, "
          "'sent', 200, $2 FROM actions WHERE key = $3 AND status IN ('pending','retrying') ON CONFLICT "
          "(key, "
          "n) DO UPDATE SET at_ms = excluded.at_ms, result = excluded.result, http_status = "
          "excluded.http_status, detail = excluded.detail",
          pg::Params().add(now).add(detail).add(key));
      pg::Result up = c.exec(
          "UPDATE actions SET status = 'sent', attempts = attempts + 1, last_error = '' WHERE key = $1 AND "
          "status IN ('pending','retrying') RETURNING play, sink, signal_type, occurred_at_ms, "
          "received_at_ms",
          pg::Params().add(key));
      if (up.rows() > 0) {
        count_attempt(history, up, now, "sent");
        ++adopted;
      }
    }
    history.write(c);
    c.exec("INSERT INTO file_sinks(path, size) VALUES ($1, $2) ON CONFLICT (path) DO UPDATE SET size = $2",
           pg::Params().add(path).add(size));
    return adopted;
  });
}

std::vector<ActionRow> PgStore::dlq() {
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec(std::string("SELECT ") + kActionRowColumns +
                              " FROM actions WHERE status = 'dlq' ORDER BY created_at_ms, key",
                          pg::Params());
    std::vector<ActionRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(action_row(r, i));
    return out;
  });
}

std::optional<ActionRow> PgStore::action(std::string_view key) {
  return read([&](pg::Conn& c) -> std::optional<ActionRow> {
    pg::Result r = c.exec(std::string("SELECT ") + kActionRowColumns + " FROM actions WHERE key = $1",
                          pg::Params().add(key));
    if (r.rows() == 0) return std::nullopt;
    return action_row(r, 0);
  });
}

std::vector<AttemptRow> PgStore::attempts(std::string_view key) {
  return read([&](pg::Conn& c) {
    pg::Result r =
        c.exec("SELECT n, at_ms, result, http_status, detail FROM attempts WHERE key = $1 ORDER BY n",
               pg::Params().add(key));
    std::vector<AttemptRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({int(r.i64(i, 0)), r.i64(i, 1), r.str(i, 2), int(r.i64(i, 3)), r.str(i, 4)});
    return out;
  });
}

// Replayed actions are this node's to deliver (the caller hands them to its executor).
std::vector<OpenAction> PgStore::dlq_replay(std::string_view key) {
  int64_t now = now_ms();
  return write([&](pg::Conn& c) {
    std::string q =
        "UPDATE actions SET status = 'pending', next_attempt_ms = $1, budget_from = attempts, owner = $2 "
        "WHERE "
        "status = 'dlq'";
    pg::Params p;
    p.add(now).add(node_);
    if (!key.empty()) {
      q += " AND key = $3";
      p.add(key);
    }
    q += std::string(" RETURNING ") + kOpenActionColumns;
    return open_actions_of(c.exec(q, p));
  });
}

std::vector<UndeliveredGroup> PgStore::undelivered(int64_t created_before_ms) {
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec(
        "SELECT play, sink, count(*), MIN(created_at_ms) FROM actions WHERE status IN ('pending','retrying') "
        "AND "
        "created_at_ms <= $1 GROUP BY play, sink ORDER BY play, sink",
        pg::Params().add(created_before_ms));
    std::vector<UndeliveredGroup> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.str(i, 0), r.str(i, 1), uint64_t(r.i64(i, 2)), r.i64(i, 3)});
    return out;
  });
}

std::vector<ActionRow> PgStore::recent_actions(std::string_view action, size_t limit) {
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec(std::string("SELECT ") + kActionRowColumns +
                              " FROM actions WHERE action = $1 ORDER BY created_at_ms DESC, key LIMIT $2",
                          pg::Params().add(action).add(int64_t(limit)));
    std::vector<ActionRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(action_row(r, i));
    return out;
  });
}

ActionCounts PgStore::action_counts() {
  return read([&](pg::Conn& c) {
    pg::Result r = c.exec(
        "SELECT count(*) FILTER (WHERE status = 'dlq'), count(*) FILTER (WHERE status IN "
        "('pending','retrying')), "
        "count(*) FILTER (WHERE status IN ('pending','retrying') AND flagged) FROM actions WHERE status IN "
        "('pending','retrying','dlq')");
    ActionCounts n;
    n.dlq = uint64_t(r.i64(0, 0));
    n.open = uint64_t(r.i64(0, 1));
    n.undelivered = uint64_t(r.i64(0, 2));
    return n;
  });
}

}  // namespace play::store
