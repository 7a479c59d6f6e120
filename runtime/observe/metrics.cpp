#include "runtime/observe/metrics.h"

#include <cmath>
#include <cstdio>

#include "common/json/json.h"
#include "runtime/observe/prometheus.h"
#include "runtime/store/store.h"

namespace play::observe {

namespace {

// Prometheus label values escape backslash, quote and newline.
void label(std::string& out, std::string_view name, std::string_view v, bool first = false) {
  if (!first) out += ',';
  out += name;
  out += "=\"";
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
}

void num(std::string& out, double v) { append_number(out, v); }

void header(std::string& out, const char* name, const char* type, const char* help) {
  append_metric_header(out, name, type, help);
}

}  // namespace

void append_number(std::string& out, double v) {
  if (std::isnan(v))
    out += "NaN";
  else if (std::isinf(v))
    out += v > 0 ? "+Inf" : "-Inf";
  else
    json::append_double(out, v);
}

void Histogram::observe(double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i)
    if (seconds <= kLatencyBuckets[i]) buckets_[i]++;
  count_++;
  sum_ += seconds;
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto line = [&](std::string_view suffix, std::string_view le, double v) {
    out += name;
    out += suffix;
    std::string l(labels);
    if (!le.empty()) {
      if (!l.empty()) l += ',';
      l += "le=\"";
      l += le;
      l += '"';
    }
    if (!l.empty()) out += "{" + l + "}";
    out += ' ';
    num(out, v);
    out += '\n';
  };
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    std::string le;
    num(le, kLatencyBuckets[i]);
    line("_bucket", le, double(buckets_[i]));
  }
  line("_bucket", "+Inf", double(count_));
  line("_sum", "", sum_);
  line("_count", "", double(count_));
}

void Metrics::outcome(std::string_view play, std::string_view kind, std::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  outcomes_[{std::string(play), std::string(kind), std::string(reason)}]++;
}

void Metrics::action_result(std::string_view sink, std::string_view result) {
  std::lock_guard<std::mutex> lock(mu_);
  actions_[{std::string(sink), std::string(result)}]++;
}

void Metrics::action_cancelled(std::string_view play, std::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_[{std::string(play), std::string(reason)}]++;
}

void Metrics::delivered(std::string_view play, int64_t now_ms, int64_t occurred_at_ms,
                        int64_t received_at_ms) {
  // A signal dated in the future (a source's clock ahead) counts as 0, not below every bucket.
  auto seconds = [&](int64_t from) { return double(std::max<int64_t>(0, now_ms - from)) / 1000.0; };
  std::pair<Histogram, Histogram>* per_play;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = play_latency_.find(play);
    if (it == play_latency_.end()) it = play_latency_.try_emplace(std::string(play)).first;
    per_play = &it->second;
  }
  if (occurred_at_ms > 0) {
    from_occurred_.observe(seconds(occurred_at_ms));
    per_play->first.observe(seconds(occurred_at_ms));
  }
  if (received_at_ms > 0) {
    from_received_.observe(seconds(received_at_ms));
    per_play->second.observe(seconds(received_at_ms));
  }
}

void Metrics::play_action(std::string_view play, std::string_view sink, std::string_view result) {
  std::lock_guard<std::mutex> lock(mu_);
  play_actions_[{std::string(play), std::string(sink), std::string(result)}]++;
}

void Metrics::set_play_slas(std::vector<std::pair<std::string, int64_t>> slas) {
  std::lock_guard<std::mutex> lock(mu_);
  slas_ = std::move(slas);
}

void Metrics::alert_notification(std::string_view sink, std::string_view result) {
  std::lock_guard<std::mutex> lock(mu_);
  alert_notifications_[{std::string(sink), std::string(result)}]++;
}

// One part per layer, in the order an operator reads them.
std::string Metrics::render(store::Store& store) const {
  std::string out;
  int64_t now = store::now_ms();
  render_signals(out, store, now);
  render_decisions(out);
  render_store(out, store, now);
  render_latency(out);
  render_plays(out);
  render_alerts(out);
  return out;
}

// Ingestion and the lanes.
void Metrics::render_signals(std::string& out, store::Store& store, int64_t now) const {
  header(out, "playd_signals_received_total", "counter", "Signals accepted (durably queued) since start.");
  out += "playd_signals_received_total " + std::to_string(store.signals_accepted()) + "\n";
  header(out, "playd_signals_duplicate_total", "counter",
         "Signals dropped as repeats of a recent signal id.");
  out += "playd_signals_duplicate_total " + std::to_string(store.duplicate_signals()) + "\n";
  header(out, "playd_signals_evaluated_total", "counter", "Signals evaluated by the plays.");
  out += "playd_signals_evaluated_total " + std::to_string(evaluated_.load()) + "\n";
  header(out, "playd_signals_undecodable_total", "counter",
         "Queued signals the current plays could not decode (recorded as errors).");
  out += "playd_signals_undecodable_total " + std::to_string(undecodable_.load()) + "\n";

  header(out, "playd_queue_depth", "gauge", "Signals waiting to be evaluated, per lane.");
  std::string age;
  header(age, "playd_queue_oldest_age_seconds", "gauge", "Age of the oldest unevaluated signal, per lane.");
  for (store::Lane lane : {store::Lane::High, store::Lane::Normal}) {
    store::LaneStats s = store.lane_stats(lane);
    out += "playd_queue_depth{";
    label(out, "lane", store::lane_name(lane), true);
    out += "} " + std::to_string(s.depth) + "\n";
    age += "playd_queue_oldest_age_seconds{";
    label(age, "lane", store::lane_name(lane), true);
    age += "} ";
    num(age, s.oldest_received_at_ms ? double(now - s.oldest_received_at_ms) / 1000.0 : 0.0);
    age += '\n';
  }
  out += age;
}

// Qualification's outcomes and what execution did with the actions.
void Metrics::render_decisions(std::string& out) const {
  header(out, "playd_play_outcomes_total", "counter",
         "Evaluations per play and outcome (fired, no_match, not_icp, excluded, suppressed, deduplicated, "
         "error); "
         "reason: the suppression rule, icp or exclusion.");
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [k, v] : outcomes_) {
      out += "playd_play_outcomes_total{";
      label(out, "play", std::get<0>(k), true);
      label(out, "outcome", std::get<1>(k));
      if (!std::get<2>(k).empty()) label(out, "reason", std::get<2>(k));
      out += "} " + std::to_string(v) + "\n";
    }
    header(
        out, "playd_actions_total", "counter",
        "Actions per sink and result: issued (persisted), sent, retry (a failed attempt to be retried), dlq, "
        "cancelled, shadow (recorded, never sent).");
    for (const auto& [k, v] : actions_) {
      out += "playd_actions_total{";
      label(out, "sink", k.first, true);
      label(out, "result", k.second);
      out += "} " + std::to_string(v) + "\n";
    }
    header(out, "playd_actions_cancelled_total", "counter",
           "Actions that waited (retry, backlog, DLQ replay) and were cancelled before their send because "
           "the contact is suppressed now; reason: the suppression rule.");
    for (const auto& [k, v] : cancelled_) {
      out += "playd_actions_cancelled_total{";
      label(out, "play", k.first, true);
      label(out, "reason", k.second);
      out += "} " + std::to_string(v) + "\n";
    }
  }
  header(out, "playd_actions_flagged_total", "counter",
         "Actions found still undelivered past the alert age (default 2h); each action counted once.");
  out += "playd_actions_flagged_total " + std::to_string(flagged_.load()) + "\n";
  header(out, "playd_qualify_commit_failures_total", "counter",
         "Batches of evaluated signals whose commit failed (evaluated again once the store can write).");
  out += "playd_qualify_commit_failures_total " + std::to_string(commit_failures_.load()) + "\n";
}

// The store's health, the outbox per sink, the DLQ.
void Metrics::render_store(std::string& out, store::Store& store, int64_t now) const {
  store::StoreHealth health = store.health();
  header(
      out, "playd_store_degraded", "gauge",
      "1 while the store refuses new signals (disk full or below its reserve, I/O error, damage), else 0.");
  out += std::string("playd_store_degraded ") + (health.state == store::StoreState::Ok ? "0" : "1") + "\n";
  header(out, "playd_store_state", "gauge", "The store's state: 1 for the current one.");
  for (auto st : {store::StoreState::Ok, store::StoreState::LowDisk, store::StoreState::DiskFull,
                  store::StoreState::IoError, store::StoreState::Corrupt}) {
    out += "playd_store_state{";
    label(out, "state", store::store_state_name(st), true);
    out += std::string("} ") + (health.state == st ? "1" : "0") + "\n";
  }
  header(out, "playd_store_free_bytes", "gauge", "Free space on the data directory's file system.");
  out += "playd_store_free_bytes " + std::to_string(health.free_bytes) + "\n";
  header(out, "playd_store_reserve_bytes", "gauge",
         "Free space below which new signals are refused so the backlog can drain.");
  out += "playd_store_reserve_bytes " + std::to_string(health.reserve_bytes) + "\n";

  if (backlog_source_) {
    header(out, "playd_outbox_depth", "gauge",
           "Actions waiting for their sink (ready, retrying or sending).");
    std::string ages;
    header(ages, "playd_outbox_oldest_age_seconds", "gauge",
           "Age (since it was decided) of the oldest action waiting for its sink.");
    for (const auto& b : backlog_source_()) {
      out += "playd_outbox_depth{";
      label(out, "sink", b.sink, true);
      out += "} " + std::to_string(b.depth) + "\n";
      ages += "playd_outbox_oldest_age_seconds{";
      label(ages, "sink", b.sink, true);
      ages += "} ";
      num(ages, b.oldest_created_ms ? double(now - b.oldest_created_ms) / 1000.0 : 0.0);
      ages += '\n';
    }
    out += ages;
  }

  store::ActionCounts counts = store.action_counts();
  uint64_t dlq = counts.dlq, open = counts.open, undelivered = counts.undelivered;
  header(out, "playd_dlq_size", "gauge", "Actions in the dead-letter queue.");
  out += "playd_dlq_size " + std::to_string(dlq) + "\n";
  header(out, "playd_actions_pending", "gauge",
         "Actions persisted and not yet delivered (incl. waiting retries).");
  out += "playd_actions_pending " + std::to_string(open) + "\n";
  header(out, "playd_actions_undelivered", "gauge",
         "Actions not yet delivered past the alert age (default 2h): each one pages.");
  out += "playd_actions_undelivered " + std::to_string(undelivered) + "\n";
}

void Metrics::render_latency(std::string& out) const {
  header(out, "playd_signal_to_action_seconds_from_occurred", "histogram",
         "Delay from a signal's occurred_at to the delivery of its action.");
  from_occurred_.render(out, "playd_signal_to_action_seconds_from_occurred", "");
  header(out, "playd_signal_to_action_seconds_from_received", "histogram",
         "Delay from playd receiving a signal to the delivery of its action.");
  from_received_.render(out, "playd_signal_to_action_seconds_from_received", "");
}

}  // namespace play::observe

namespace play::observe {

// Per play: latency against its `sla`, and what became of its actions.
void Metrics::render_plays(std::string& out) const {
  std::lock_guard<std::mutex> lock(mu_);
  header(out, "playd_play_signal_to_action_seconds", "histogram",
         "Per play: delay from a signal (its occurred_at, or playd receiving it) to the delivery of its "
         "action.");
  for (const auto& [play, h] : play_latency_) {
    for (int from = 0; from < 2; ++from) {
      std::string labels;
      label(labels, "play", play, true);
      label(labels, "from", from == 0 ? "occurred" : "received");
      (from == 0 ? h.first : h.second).render(out, "playd_play_signal_to_action_seconds", labels);
    }
  }
  header(out, "playd_play_sla_seconds", "gauge", "Per play: its `sla`, the target from signal to action.");
  for (const auto& [play, ms] : slas_) {
    if (ms <= 0) continue;
    out += "playd_play_sla_seconds{";
    label(out, "play", play, true);
    out += "} ";
    num(out, double(ms) / 1000.0);
    out += '\n';
  }
  header(
      out, "playd_play_actions_total", "counter",
      "Per play and sink: actions issued (persisted) or shadow, then by delivery attempt: sent, retry, dlq, "
      "cancelled.");
  for (const auto& [k, v] : play_actions_) {
    out += "playd_play_actions_total{";
    label(out, "play", std::get<0>(k), true);
    label(out, "sink", std::get<1>(k));
    label(out, "result", std::get<2>(k));
    out += "} " + std::to_string(v) + "\n";
  }
}

// The alerts known now, and their notifications.
void Metrics::render_alerts(std::string& out) const {
  header(out, "playd_alert_firing", "gauge",
         "1 while an alert of the rule is firing for the play (play=\"\" for one about no play), 0 once "
         "resolved.");
  if (alert_source_) {
    std::map<std::pair<std::string, std::string>, bool> firing;  // one series per (rule, play)
    for (const auto& a : alert_source_()) firing[{a.rule, a.play}] |= a.firing;
    for (const auto& [k, f] : firing) {
      out += "playd_alert_firing{";
      label(out, "rule", k.first, true);
      label(out, "play", k.second);
      out += f ? "} 1\n" : "} 0\n";
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  header(out, "playd_alert_notifications_total", "counter",
         "Alert notifications per alert sink: sent, retry (a failed attempt, retried), failed (gave up).");
  for (const auto& [k, v] : alert_notifications_) {
    out += "playd_alert_notifications_total{";
    label(out, "sink", k.first, true);
    label(out, "result", k.second);
    out += "} " + std::to_string(v) + "\n";
  }
}

}  // namespace play::observe
