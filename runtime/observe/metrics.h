// playd's counters and histograms, rendered in the Prometheus text format
// for GET /metrics. Every layer records into one Metrics object; labels
// are the user's words (play, outcome, reason, sink, result, lane).
//
// Counters reset when playd restarts (Prometheus handles resets); gauges
// that describe durable state (queue depth, DLQ size) are read from the
// store when rendered.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace play::store {
class Store;
}

namespace play::observe {

// Latency buckets (seconds) for signal->action histograms: from 5 ms (a
// signal answered at once) to a day, so that any `sla` a play states (5m,
// 15m, 4h, ...) falls on or near a bucket boundary and is measurable.
inline constexpr std::array<double, 24> kLatencyBuckets = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,  1,    2.5,   5,     10,    30,
    60,    120,  300,   600,  900, 1800, 3600, 7200, 14400, 28800, 43200, 86400};

class Histogram {
 public:
  void observe(double seconds);
  // Appends NAME_bucket{LABELS,le="..."} lines, NAME_sum and NAME_count;
  // labels: `sink="x"` or "".
  void render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  mutable std::mutex mu_;
  std::array<uint64_t, kLatencyBuckets.size()> buckets_{};
  uint64_t count_ = 0;
  double sum_ = 0;
};

// A number as Prometheus (and `le` labels) want it: the shortest form that
// reads back the same ("0.5", "300", "14400", "1e+21").
void append_number(std::string& out, double v);

class Metrics {
 public:
  // Qualification.
  void outcome(std::string_view play, std::string_view kind, std::string_view reason);
  void signal_evaluated() { evaluated_++; }
  void signal_undecodable() { undecodable_++; }
  // Execution: result is sent | retry | dlq | cancelled | shadow | error.
  void action_result(std::string_view sink, std::string_view result);
  void action_issued(std::string_view sink) { action_result(sink, "issued"); }
  // An action that waited and was cancelled before its send because the
  // contact is suppressed now (also counted as result "cancelled").
  void action_cancelled(std::string_view play, std::string_view reason);
  void action_flagged() { flagged_++; }
  // A batch of evaluated signals whose commit failed (it is evaluated again).
  void qualify_commit_failed() { commit_failures_++; }
  // The outbox backlog per sink (execution's in-memory queues), for the
  // playd_outbox_* gauges; set once by playd's main.
  struct SinkBacklog {
    std::string sink;
    uint64_t depth = 0;
    int64_t oldest_created_ms = 0;  // 0 when empty
  };
  void set_backlog_source(std::function<std::vector<SinkBacklog>()> f) { backlog_source_ = std::move(f); }
  // Signal -> action latency at a successful send (or file-outbox write).
  void delivered(std::string_view play, int64_t now_ms, int64_t occurred_at_ms, int64_t received_at_ms);
  // Per play, sink (as the action names it) and result: issued | shadow |
  // sent | retry | dlq | cancelled.
  void play_action(std::string_view play, std::string_view sink, std::string_view result);
  // The plays' `sla`, for playd_play_sla_seconds (set once at start).
  void set_play_slas(std::vector<std::pair<std::string, int64_t>> slas);
  // The alerts known now (firing, and resolved recently), for
  // playd_alert_firing{rule,play}; set once by playd's main.
  struct AlertState {
    std::string rule, play;
    bool firing = false;
  };
  void set_alert_source(std::function<std::vector<AlertState>()> f) { alert_source_ = std::move(f); }
  // An alert notification to an alert sink: sent | retry | failed (gave up).
  void alert_notification(std::string_view sink, std::string_view result);

  // The full /metrics body; queue and DLQ gauges are read from `store`.
  std::string render(store::Store& store) const;

 private:
  void render_signals(std::string& out, store::Store& store, int64_t now) const;
  void render_decisions(std::string& out) const;
  void render_store(std::string& out, store::Store& store, int64_t now) const;
  void render_latency(std::string& out) const;
  void render_plays(std::string& out) const;
  void render_alerts(std::string& out) const;

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> outcomes_;  // play, kind, reason
  std::map<std::pair<std::string, std::string>, uint64_t> actions_;                 // sink, result
  std::map<std::pair<std::string, std::string>, uint64_t> cancelled_;               // play, reason
  std::atomic<uint64_t> evaluated_{0}, undecodable_{0}, flagged_{0}, commit_failures_{0};
  std::function<std::vector<SinkBacklog>()> backlog_source_;
  Histogram from_occurred_, from_received_;
  // Per play: (from occurred, from received); node-based, so a histogram
  // stays where it is while others are added.
  std::map<std::string, std::pair<Histogram, Histogram>, std::less<>> play_latency_;
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> play_actions_;  // play, sink, result
  std::vector<std::pair<std::string, int64_t>> slas_;
  std::function<std::vector<AlertState>()> alert_source_;
  std::map<std::pair<std::string, std::string>, uint64_t> alert_notifications_;  // sink, result
};

}  // namespace play::observe
