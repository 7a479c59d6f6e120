#include "runtime/sinks/dlq.h"

#include "common/json/json.h"
#include "runtime/observe/trace.h"

namespace play::sinks {

std::string dlq_list_json(store::Store& store) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("actions").begin_array();
  for (const auto& a : store.dlq()) {
    w.begin_object();
    w.key("key").value(a.key);
    w.key("play").value(a.play);
    w.key("action").value(a.action);
    w.key("sink").value(a.sink);
    w.key("signal").value(a.signal_id);
    w.key("attempts").value(int64_t(a.attempts));
    w.key("last_error").value(a.last_error);
    w.key("action_line").raw(a.line);
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

bool action_json(store::Store& store, std::string_view key, std::string& out) {
  std::optional<store::ActionRow> a = store.action(key);
  if (!a) return false;
  json::Writer w(out);
  w.begin_object();
  w.key("key").value(a->key);
  w.key("play").value(a->play);
  w.key("action").value(a->action);
  w.key("sink").value(a->sink);
  w.key("signal").value(a->signal_id);
  // The play set that decided it (hot reload changes sets: which one issued this).
  if (auto s = store.signal(a->signal_id); s && !s->play_set.empty()) w.key("play_set").value(s->play_set);
  w.key("status").value(a->status);
  w.key("attempts_count").value(int64_t(a->attempts));
  w.key("last_error").value(a->last_error);
  w.key("action_line").raw(a->line);
  w.key("flagged").value(a->flagged);
  w.key("attempts");
  observe::append_attempts_json(store.attempts(key), w);
  w.end_object();
  return true;
}

std::vector<store::OpenAction> dlq_replay(store::Store& store, std::string_view key) {
  return store.dlq_replay(key);
}

}  // namespace play::sinks
