#include "runtime/sinks/dlq.h"

#include "runtime/json/json.h"
#include "runtime/observe/trace.h"
#include "runtime/store/database.h"

namespace play::sinks {

std::string dlq_list_json(store::Store& store) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("actions").begin_array();
  store.db().read([&](store::Sql& sql) {
    store::Stmt& s = sql.prepare(
        "SELECT key, play, action, sink, signal_id, attempts, last_error, line FROM actions WHERE status = "
        "'dlq' "
        "ORDER BY created_at_ms");
    while (s.step()) {
      w.begin_object();
      w.key("key").value(s.text(0));
      w.key("play").value(s.text(1));
      w.key("action").value(s.text(2));
      w.key("sink").value(s.text(3));
      w.key("signal").value(s.text(4));
      w.key("attempts").value(s.i64(5));
      w.key("last_error").value(s.text(6));
      w.key("action_line").raw(s.text(7));
      w.end_object();
    }
    s.reset();
  });
  w.end_array().end_object();
  return out;
}

bool action_json(store::Store& store, std::string_view key, std::string& out) {
  bool found = false;
  json::Writer w(out);
  store.db().read([&](store::Sql& sql) {
    store::Stmt& s = sql.prepare(
        "SELECT key, play, action, sink, signal_id, status, attempts, last_error, line, flagged FROM actions "
        "WHERE "
        "key = ?");
    s.bind(1, key);
    if (s.step()) {
      found = true;
      w.begin_object();
      w.key("key").value(s.text(0));
      w.key("play").value(s.text(1));
      w.key("action").value(s.text(2));
      w.key("sink").value(s.text(3));
      w.key("signal").value(s.text(4));
      w.key("status").value(s.text(5));
      w.key("attempts_count").value(s.i64(6));
      w.key("last_error").value(s.text(7));
      w.key("action_line").raw(s.text(8));
      w.key("flagged").value(s.i64(9) != 0);
    }
    s.reset();
    if (!found) return;
    w.key("attempts");
    observe::append_attempts_json(sql, key, w);
    w.end_object();
  });
  return found;
}

std::vector<PendingAction> dlq_replay(store::Store& store, std::string_view key) {
  std::vector<PendingAction> out;
  int64_t now = store::now_ms();
  store.db().write([&](store::Sql& sql) {
    out.clear();
    store::Stmt& s =
        key.empty()
            ? sql.prepare(
                  "SELECT key, sink, lane, line, play, account, contact, attempts, created_at_ms, "
                  "occurred_at_ms, received_at_ms, text FROM actions WHERE status = 'dlq'")
            : sql.prepare(
                  "SELECT key, sink, lane, line, play, account, contact, attempts, created_at_ms, "
                  "occurred_at_ms, received_at_ms, text FROM actions WHERE status = 'dlq' AND key = ?");
    if (!key.empty()) s.bind(1, key);
    while (s.step()) {
      PendingAction a;
      a.key = s.text(0);
      a.sink = s.text(1);
      a.high = s.i64(2) == 0;
      a.line = s.text(3);
      a.play = s.text(4);
      a.account = s.text(5);
      a.contact = s.text(6);
      a.attempts = int(s.i64(7));
      a.budget_from = a.attempts;  // a replayed action gets a fresh attempt budget
      a.due_ms = now;
      a.created_at_ms = s.i64(8);
      a.occurred_at_ms = s.i64(9);
      a.received_at_ms = s.i64(10);
      a.text = s.text(11);
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

AdminAnswer dlq_admin(store::Store& store, Executor* executor, std::string_view method,
                      std::string_view rest) {
  AdminAnswer ans;
  auto replay = [&](std::string_view key) {
    auto actions = dlq_replay(store, key);
    size_t n = actions.size();
    if (executor) executor->submit(std::move(actions));
    if (!key.empty() && n == 0) {
      ans.status = 404;
      ans.body = "{\"error\":" + json::quote("no action with key " + std::string(key) + " in the DLQ") + "}";
      return;
    }
    ans.body = "{\"replayed\":" + std::to_string(n) + "}";
  };
  try {
    if (method == "GET" && (rest.empty() || rest == "/")) {
      ans.body = dlq_list_json(store);
    } else if (method == "POST" && rest == "/replay") {
      replay("");
    } else if (method == "POST" && rest.size() > 8 && rest.substr(rest.size() - 7) == "/replay") {
      replay(rest.substr(1, rest.size() - 8));
    } else if (method == "GET" && rest.size() > 1 && rest.find('/', 1) == std::string_view::npos) {
      if (!action_json(store, rest.substr(1), ans.body)) {
        ans.status = 404;
        ans.body = "{\"error\":\"no action with this key\"}";
      }
    } else {
      ans.status = 404;
      ans.body = "{\"error\":\"unknown DLQ admin request\"}";
    }
  } catch (const std::exception& e) {
    ans.status = 503;
    ans.body = "{\"error\":" + json::quote(e.what()) + "}";
  }
  return ans;
}

}  // namespace play::sinks
