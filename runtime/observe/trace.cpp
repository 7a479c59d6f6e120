#include "runtime/observe/trace.h"

#include <map>
#include <vector>

#include "common/json/json.h"
#include "common/time/time.h"

namespace play::observe {

void append_attempts_json(const std::vector<store::AttemptRow>& attempts, json::Writer& w) {
  w.begin_array();
  for (const auto& t : attempts) {
    w.begin_object();
    w.key("n").value(int64_t(t.n));
    w.key("at_ms").value(t.at_ms);
    w.key("result").value(t.result);
    w.key("http_status").value(int64_t(t.http_status));
    w.key("detail").value(t.detail);
    w.end_object();
  }
  w.end_array();
}

bool trace_json(store::Store& store, std::string_view signal_id, std::string& out) {
  std::optional<store::SignalRow> s = store.signal(signal_id);
  if (!s) return false;
  json::Writer w(out);
  w.begin_object();
  w.key("signal").value(signal_id);
  w.key("status").value(s->evaluated_at_ms ? "evaluated" : "queued");
  w.key("lane").value(store::lane_name(s->lane));
  w.key("received_at_ms").value(s->received_at_ms);
  if (s->evaluated_at_ms) w.key("evaluated_at_ms").value(*s->evaluated_at_ms);
  if (!s->play_set.empty()) w.key("play_set").value(s->play_set);  // which plays decided it

  // Actions per play, with their attempts.
  std::map<std::string, std::vector<store::ActionRow>> acts;
  for (auto& a : store.signal_actions(signal_id)) acts[a.play].push_back(std::move(a));
  w.key("plays").begin_array();
  for (const auto& o : store.outcomes(signal_id)) {
    w.begin_object();
    w.key("play").value(o.play);
    w.key("outcome").value(o.outcome);
    if (!o.reason.empty()) w.key("reason").value(o.reason);
    if (!o.clause.empty()) w.key("clause").value(o.clause);
    if (!o.error.empty()) w.key("error").value(o.error);
    w.key("shadow").value(o.shadow);
    w.key("actions").begin_array();
    for (const auto& act : acts[o.play]) {
      w.begin_object();
      w.key("key").value(act.key);
      w.key("action").value(act.action);
      w.key("sink").value(act.sink);
      w.key("status").value(act.status);
      w.key("attempts");
      append_attempts_json(store.attempts(act.key), w);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return true;
}

std::string decisions_json(store::Store& store, std::string_view play, std::string_view outcome,
                           size_t limit) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("play").value(play).key("outcome");
  if (outcome.empty())
    w.null();
  else
    w.value(outcome);
  w.key("decisions").begin_array();
  for (const auto& d : store.decisions(play, outcome, limit)) {
    w.begin_object();
    w.key("signal").value(d.signal_id);
    w.key("type").value(d.type);
    w.key("at").value(format_timestamp(d.at_ms));
    w.key("outcome").value(d.outcome);
    w.key("reason").value(d.reason);
    w.key("clause").value(d.clause);
    w.key("error").value(d.error);
    w.key("shadow").value(d.shadow);
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string healthz_json(store::Store& store, std::string_view play_set, int64_t loaded_at_ms) {
  std::string out;
  json::Writer w(out);
  store::StoreHealth h = store.health();
  bool ok = h.state == store::StoreState::Ok;
  w.begin_object().key("status").value(ok ? "ok" : "degraded");
  w.key("store").begin_object().key("state").value(store::store_state_name(h.state));
  if (!ok) w.key("reason").value(h.reason).key("since_ms").value(h.since_ms);
  w.key("free_bytes").value(h.free_bytes).key("reserve_bytes").value(h.reserve_bytes).end_object();
  w.key("accepting_signals").value(ok);
  w.key("play_set").value(play_set).key("loaded_at").value(format_timestamp(loaded_at_ms));
  w.key("queue").begin_object();
  w.key("high").value(uint64_t(store.lane_stats(store::Lane::High).depth));
  w.key("normal").value(uint64_t(store.lane_stats(store::Lane::Normal).depth));
  w.end_object().end_object();
  return out;
}

}  // namespace play::observe
