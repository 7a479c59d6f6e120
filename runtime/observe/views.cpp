#include "runtime/observe/views.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/json/json.h"
#include "common/time/time.h"

namespace play::observe {

using store::kDayMs;
using store::kHourMs;

namespace {

constexpr const char* kOutcomes[] = {"fired",      "no_match",     "not_icp", "excluded",
                                     "suppressed", "deduplicated", "error"};

int64_t floor_to(int64_t ms, int64_t unit) { return ms - ((ms % unit) + unit) % unit; }

uint64_t get(const std::map<std::string, uint64_t>& m, const std::string& k) {
  auto it = m.find(k);
  return it == m.end() ? 0 : it->second;
}

// C: {"signals", the outcomes, "actions_issued", ...}
void write_counts(json::Writer& w, const store::HistoryBucket& b) {
  w.begin_object();
  w.key("signals").value(b.signals);
  for (const char* k : kOutcomes) w.key(k).value(get(b.outcomes, k));
  store::SinkCounts a = b.actions();
  w.key("actions_issued").value(a.issued);
  w.key("actions_delivered").value(a.delivered);
  w.key("actions_failed").value(a.failed);
  w.key("actions_dlq").value(a.dlq);
  w.end_object();
}

void write_sink_counts(json::Writer& w, const store::SinkCounts& c) {
  w.begin_object();
  w.key("issued").value(c.issued).key("delivered").value(c.delivered).key("failed").value(c.failed);
  w.key("dlq").value(c.dlq).key("cancelled").value(c.cancelled).key("shadow").value(c.shadow);
  w.end_object();
}

void write_quantile(json::Writer& w, const char* key, const LatencySketch& s, double q) {
  w.key(key);
  if (s.empty())
    w.null();
  else
    w.value(std::round(s.quantile(q)));
}

void write_latency(json::Writer& w, const LatencySketch& s) {
  w.begin_object().key("count").value(s.count());
  write_quantile(w, "p50", s, 0.5);
  write_quantile(w, "p95", s, 0.95);
  w.end_object();
}

void write_bucket(json::Writer& w, const store::HistoryBucket& b) {
  w.begin_object();
  w.key("start").value(format_timestamp(b.start_ms));
  w.key("signals").value(b.signals);
  w.key("outcomes").begin_object();
  for (const char* k : kOutcomes) w.key(k).value(get(b.outcomes, k));
  for (const auto& [k, n] : b.outcomes)
    if (std::find(std::begin(kOutcomes), std::end(kOutcomes), k) == std::end(kOutcomes)) w.key(k).value(n);
  w.end_object();
  w.key("suppressed_by").begin_object();
  for (const auto& [reason, n] : b.suppressed_by) w.key(reason).value(n);
  w.end_object();
  w.key("actions");
  write_sink_counts(w, b.actions());
  w.key("by_sink").begin_object();
  for (const auto& [sink, c] : b.sinks) {
    w.key(sink);
    write_sink_counts(w, c);
  }
  w.end_object();
  w.key("latency_ms").begin_object();
  w.key("from_occurred");
  write_latency(w, b.from_occurred);
  w.key("from_received");
  write_latency(w, b.from_received);
  w.end_object();
  w.end_object();
}

// One bucket per play over [from, to).
std::map<std::string, store::HistoryBucket> per_play(store::Store& store, int64_t from, int64_t to) {
  store::HistoryQuery q;
  q.from_ms = from;
  q.to_ms = to;
  q.step_ms = to - from;
  q.group = store::HistoryGroup::Play;
  std::map<std::string, store::HistoryBucket> out;
  for (auto& b : store.history(q)) out[b.play].merge(b);
  return out;
}

// Every bucket of [from, to) by `step`, zeros where the store has none.
std::vector<store::HistoryBucket> every_bucket(store::Store& store, store::HistoryQuery q) {
  std::map<int64_t, store::HistoryBucket> have;
  for (auto& b : store.history(q)) have[b.start_ms] = std::move(b);
  std::vector<store::HistoryBucket> out;
  for (int64_t t = q.from_ms; t < q.to_ms; t += q.step_ms) {
    auto it = have.find(t);
    out.push_back(it != have.end() ? std::move(it->second) : store::HistoryBucket{});
    out.back().start_ms = t;
  }
  return out;
}

}  // namespace

std::string plays_json(store::Store& store, const PlaySetView& view, int64_t now_ms) {
  int64_t end = floor_to(now_ms, kHourMs) + kHourMs;
  auto day = per_play(store, end - kDayMs, end);
  auto week = per_play(store, end - 7 * kDayMs, end);
  std::string out;
  json::Writer w(out);
  w.begin_object().key("version").value(int64_t(kRegistryVersion));
  w.key("play_set").value(view.play_set);
  w.key("loaded_at").value(format_timestamp(view.loaded_at_ms));
  w.key("plays").begin_array();
  if (view.registry)
    for (const auto& e : *view.registry) {
      w.begin_object();
      write_registry_entry(w, e);
      w.key("counts").begin_object();
      w.key("24h");
      write_counts(w, day[e.name]);
      w.key("7d");
      write_counts(w, week[e.name]);
      w.end_object();
      w.end_object();
    }
  w.end_array().end_object();
  return out;
}

bool history_request(const std::string& play, const std::string& signal_type, const std::string& from,
                     const std::string& to, const std::string& step, int64_t now_ms, HistoryRequest& out,
                     std::string& error) {
  auto fail = [&](std::string why) {
    error = std::move(why);
    return false;
  };
  if (!play.empty() && !signal_type.empty()) return fail("give play or signal_type, not both");
  if (step != "" && step != "hour" && step != "day")
    return fail("step: expected hour or day, got '" + step.substr(0, 40) + "'");
  out.play = play;
  out.signal_type = signal_type;
  out.daily = step == "day";
  int64_t unit = out.daily ? kDayMs : kHourMs;
  int64_t t = 0;
  if (to.empty())
    out.to_ms = floor_to(now_ms, unit) + unit;
  else if (parse_timestamp(to, t))
    out.to_ms = floor_to(t, unit) + unit;  // the bucket holding `to` is the last one
  else
    return fail("to: expected an RFC 3339 time, got '" + to.substr(0, 40) + "'");
  if (from.empty())
    out.from_ms = out.to_ms - (out.daily ? 7 * kDayMs : kDayMs);
  else if (parse_timestamp(from, t))
    out.from_ms = floor_to(t, unit);
  else
    return fail("from: expected an RFC 3339 time, got '" + from.substr(0, 40) + "'");
  if (out.from_ms >= out.to_ms) return fail("from must be before to");
  if ((out.to_ms - out.from_ms) / unit > 2000) return fail("at most 2000 buckets: narrow from and to");
  return true;
}

std::string history_json(store::Store& store, const HistoryRequest& r) {
  store::HistoryQuery q;
  q.from_ms = r.from_ms;
  q.to_ms = r.to_ms;
  q.step_ms = r.daily ? kDayMs : kHourMs;
  q.play = r.play;
  q.signal_type = r.signal_type;
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("play");
  r.play.empty() ? w.null() : w.value(r.play);
  w.key("signal_type");
  r.signal_type.empty() ? w.null() : w.value(r.signal_type);
  w.key("step").value(r.daily ? "day" : "hour");
  w.key("from").value(format_timestamp(r.from_ms));
  w.key("to").value(format_timestamp(r.to_ms));
  w.key("buckets").begin_array();
  for (const auto& b : every_bucket(store, q)) write_bucket(w, b);
  w.end_array().end_object();
  return out;
}

void write_alert(json::Writer& w, const store::AlertRecord& a) {
  w.key("rule").value(a.rule);
  w.key("play");
  a.play.empty() ? w.null() : w.value(a.play);
  w.key("subject");
  a.subject.empty() ? w.null() : w.value(a.subject);
  w.key("key").value(a.key);
  w.key("state").value(a.state);
  w.key("since").value(format_timestamp(a.since_ms));
  w.key("until");
  a.until_ms ? w.value(format_timestamp(a.until_ms)) : w.null();
  w.key("value").value(a.value);
  w.key("threshold").value(a.threshold);
  w.key("summary").value(a.summary);
}

std::string alerts_json(const std::vector<store::AlertRecord>& alerts) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("alerts").begin_array();
  for (const auto& a : alerts) {
    w.begin_object();
    write_alert(w, a);
    w.key("notified").value(a.notified == a.state);
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string overview_json(store::Store& store, const OverviewView& view, int64_t now_ms) {
  std::string out;
  json::Writer w(out);
  w.begin_object();
  w.key("now").value(format_timestamp(now_ms));
  w.key("play_set").value(view.play_set);
  w.key("lanes").begin_object();
  for (store::Lane lane : {store::Lane::High, store::Lane::Normal}) {
    store::LaneStats s = store.lane_stats(lane);
    w.key(store::lane_name(lane)).begin_object().key("depth").value(s.depth);
    w.key("oldest_age_ms")
        .value(s.oldest_received_at_ms ? std::max<int64_t>(0, now_ms - s.oldest_received_at_ms) : 0);
    w.end_object();
  }
  w.end_object();
  store::ActionCounts counts = store.action_counts();
  w.key("dlq")
      .value(counts.dlq)
      .key("pending_actions")
      .value(counts.open)
      .key("undelivered")
      .value(counts.undelivered);
  w.key("outbox").begin_array();
  for (const auto& o : view.outbox) {
    w.begin_object().key("sink").value(o.sink).key("depth").value(o.depth);
    w.key("oldest_age_ms")
        .value(o.oldest_created_ms ? std::max<int64_t>(0, now_ms - o.oldest_created_ms) : 0);
    w.end_object();
  }
  w.end_array();
  uint64_t firing = 0;
  for (const auto& a : store.alerts(now_ms)) firing += a.state == "firing";
  w.key("alerts_firing").value(firing);
  store::StoreHealth h = store.health();
  w.key("store")
      .begin_object()
      .key("state")
      .value(store::store_state_name(h.state))
      .key("reason")
      .value(h.reason);
  w.end_object();
  // Today (UTC), and the last 24 hours hour by hour, every play together.
  store::HistoryQuery q;
  q.from_ms = floor_to(now_ms, kDayMs);
  q.to_ms = q.from_ms + kDayMs;
  q.step_ms = kDayMs;
  w.key("today");
  write_counts(w, every_bucket(store, q).at(0));
  q.to_ms = floor_to(now_ms, kHourMs) + kHourMs;
  q.from_ms = q.to_ms - kDayMs;
  q.step_ms = kHourMs;
  w.key("last_24h_by_hour").begin_array();
  for (const auto& b : every_bucket(store, q)) {
    store::SinkCounts a = b.actions();
    w.begin_object().key("start").value(format_timestamp(b.start_ms)).key("signals").value(b.signals);
    w.key("fired")
        .value(get(b.outcomes, "fired"))
        .key("delivered")
        .value(a.delivered)
        .key("failed")
        .value(a.failed);
    write_quantile(w, "p50_ms", b.from_received, 0.5);
    write_quantile(w, "p95_ms", b.from_received, 0.95);
    write_quantile(w, "p50_occurred_ms", b.from_occurred, 0.5);
    write_quantile(w, "p95_occurred_ms", b.from_occurred, 0.95);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

namespace {

void write_review_item(json::Writer& w, const store::ReviewItem& r) {
  w.begin_object();
  w.key("key").value(r.key).key("play").value(r.play).key("signal").value(r.signal_id);
  w.key("account").value(r.account).key("contact").value(r.contact);
  w.key("queue").value(r.queue);
  w.key("note");
  r.note.empty() ? w.null() : w.value(r.note);
  w.key("status").value(r.status).key("created_at").value(format_timestamp(r.created_at_ms));
  w.key("done_at");
  r.done_at_ms ? w.value(format_timestamp(r.done_at_ms)) : w.null();
  w.key("done_by");
  r.done_by.empty() ? w.null() : w.value(r.done_by);
  w.key("comment");
  r.comment.empty() ? w.null() : w.value(r.comment);
  w.key("delivery");
  r.delivery.empty() ? w.null() : w.value(r.delivery);
  w.end_object();
}

}  // namespace

std::string review_json(store::Store& store, const store::ReviewQuery& query) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("items").begin_array();
  for (const auto& r : store.review_items(query)) write_review_item(w, r);
  w.end_array().end_object();
  return out;
}

std::string review_item_json(const store::ReviewItem& item) {
  std::string out;
  json::Writer w(out);
  write_review_item(w, item);
  return out;
}

}  // namespace play::observe
