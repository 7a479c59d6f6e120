#include "runtime/observe/trace.h"

#include <map>
#include <vector>

#include "runtime/json/json.h"
#include "runtime/store/database.h"

namespace play::observe {

void append_attempts_json(store::Sql& sql, std::string_view action_key, json::Writer& w) {
  w.begin_array();
  store::Stmt& t =
      sql.prepare("SELECT n, at_ms, result, http_status, detail FROM attempts WHERE key = ? ORDER BY n");
  t.bind(1, action_key);
  while (t.step()) {
    w.begin_object();
    w.key("n").value(t.i64(0));
    w.key("at_ms").value(t.i64(1));
    w.key("result").value(t.text(2));
    w.key("http_status").value(t.i64(3));
    w.key("detail").value(t.text(4));
    w.end_object();
  }
  t.reset();
  w.end_array();
}

bool trace_json(store::Store& store, std::string_view signal_id, std::string& out) {
  bool found = false;
  store.db().read([&](store::Sql& sql) {
    store::Stmt& s = sql.prepare(
        "SELECT lane, received_at_ms, evaluated_at_ms, play_set FROM signals WHERE seq = (SELECT seq FROM "
        "seen_signals "
        "WHERE id "
        "= ?)");
    s.bind(1, signal_id);
    if (!s.step()) {
      s.reset();
      return;
    }
    found = true;
    json::Writer w(out);
    w.begin_object();
    w.key("signal").value(signal_id);
    bool evaluated = !s.is_null(2);
    w.key("status").value(evaluated ? "evaluated" : "queued");
    w.key("lane").value(store::lane_name(store::Lane(s.i64(0))));
    w.key("received_at_ms").value(s.i64(1));
    if (evaluated) w.key("evaluated_at_ms").value(s.i64(2));
    if (!s.is_null(3)) w.key("play_set").value(s.text(3));  // which plays decided it
    s.reset();

    // Actions per play, with their attempts.
    struct Act {
      std::string key, action, sink, status;
      std::string attempts;  // JSON array
    };
    std::map<std::string, std::vector<Act>> acts;
    store::Stmt& a =
        sql.prepare("SELECT play, key, action, sink, status FROM actions WHERE signal_id = ? ORDER BY key");
    a.bind(1, signal_id);
    while (a.step())
      acts[std::string(a.text(0))].push_back({std::string(a.text(1)), std::string(a.text(2)),
                                              std::string(a.text(3)), std::string(a.text(4)), ""});
    a.reset();
    for (auto& [play, list] : acts)
      for (auto& act : list) {
        json::Writer aw(act.attempts);
        append_attempts_json(sql, act.key, aw);
      }

    w.key("plays").begin_array();
    store::Stmt& o = sql.prepare(
        "SELECT play, outcome, reason, clause, error, shadow FROM outcomes WHERE signal_id = ? ORDER BY "
        "rowid");
    o.bind(1, signal_id);
    while (o.step()) {
      std::string play(o.text(0));
      w.begin_object();
      w.key("play").value(play);
      w.key("outcome").value(o.text(1));
      if (!o.text(2).empty()) w.key("reason").value(o.text(2));
      if (!o.text(3).empty()) w.key("clause").value(o.text(3));
      if (!o.text(4).empty()) w.key("error").value(o.text(4));
      w.key("shadow").value(o.i64(5) != 0);
      w.key("actions").begin_array();
      for (const Act& act : acts[play]) {
        w.begin_object();
        w.key("key").value(act.key);
        w.key("action").value(act.action);
        w.key("sink").value(act.sink);
        w.key("status").value(act.status);
        w.key("attempts").raw(act.attempts);
        w.end_object();
      }
      w.end_array();
      w.end_object();
    }
    o.reset();
    w.end_array();
    w.end_object();
  });
  return found;
}

std::string healthz_json(store::Store& store) {
  std::string out;
  json::Writer w(out);
  store::StoreHealth h = store.health();
  bool ok = h.state == store::StoreState::Ok;
  w.begin_object().key("status").value(ok ? "ok" : "degraded");
  w.key("store").begin_object().key("state").value(store::store_state_name(h.state));
  if (!ok) w.key("reason").value(h.reason).key("since_ms").value(h.since_ms);
  w.key("free_bytes").value(h.free_bytes).key("reserve_bytes").value(h.reserve_bytes).end_object();
  w.key("accepting_signals").value(ok);
  w.key("queue").begin_object();
  w.key("high").value(uint64_t(store.lane_stats(store::Lane::High).depth));
  w.key("normal").value(uint64_t(store.lane_stats(store::Lane::Normal).depth));
  w.end_object().end_object();
  return out;
}

}  // namespace play::observe
