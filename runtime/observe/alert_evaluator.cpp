#include "runtime/observe/alert_evaluator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/time/time.h"

namespace play::observe {

AlertEvaluator::AlertEvaluator(store::Store& store, std::vector<PlayFacts> plays, AlertSettings settings,
                               Notify notify)
    : store_(store), plays_(std::move(plays)), settings_(std::move(settings)), notify_(std::move(notify)) {}

AlertEvaluator::~AlertEvaluator() { stop(); }

void AlertEvaluator::send(const store::AlertRecord& alert) {
  if (!notify_) return;
  store::Store* store = &store_;
  std::string key = alert.key, state = alert.state;
  int64_t since = alert.since_ms;
  notify_(alert, [store, key, since, state] {
    try {
      store->alert_notified(key, since, state);
    } catch (const std::exception& e) {
      // Not recorded: sent again after a restart (PagerDuty dedups by key).
      std::fprintf(stderr, "playd: alert %s: cannot record that it was sent (%s)\n", key.c_str(), e.what());
    }
  });
}

void AlertEvaluator::start() {
  std::vector<store::AlertRecord> known;
  try {
    known = store_.alerts(now_ms() - 7 * store::kDayMs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "playd: alerts: cannot read the incidents yet (%s)\n", e.what());
  }
  for (const auto& a : known) {
    if (a.state == "firing") firing_.push_back(a);
    // A page (or its resolve) that a crash or a stop kept from being sent.
    if (a.notified != a.state) send(a);
  }
  clock_waiter_ = on_clock_set([this] {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
    cv_.notify_all();
  });
  thread_ = std::thread([this] { loop(); });
}

void AlertEvaluator::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (clock_waiter_) forget_clock_waiter(clock_waiter_);
  if (thread_.joinable()) thread_.join();
}

void AlertEvaluator::loop() {
  for (;;) {
    evaluate();
    std::unique_lock<std::mutex> lock(mu_);
    // The interval on the service's clock; a clock set wakes it at once.
    int64_t due = now_ms() + settings_.interval_ms;
    while (!stopping_ && !woken_ && now_ms() < due)
      cv_.wait_for(lock, std::chrono::milliseconds(std::clamp<int64_t>(due - now_ms(), 1, 1000)));
    if (stopping_) return;
    woken_ = false;
  }
}

bool AlertEvaluator::evaluate() {
  std::lock_guard<std::mutex> round(round_mu_);
  if (plays_source_) plays_ = plays_source_();
  AlertInputs in;
  in.now_ms = now_ms();
  in.plays = plays_;
  in.firing = firing_;
  try {
    store::HistoryQuery q;
    q.from_ms = history_from(in.now_ms, settings_, plays_, firing_);
    q.to_ms = in.now_ms + store::kHourMs;
    q.group = store::HistoryGroup::Play;
    in.hourly = store_.history(q);
    in.first_hours = store_.history_first_hours();
    for (store::Lane lane : {store::Lane::High, store::Lane::Normal}) {
      store::LaneStats s = store_.lane_stats(lane);
      in.lanes.push_back({lane, s.depth, s.oldest_received_at_ms});
    }
    in.undelivered = store_.undelivered(undelivered_cutoff(in.now_ms, settings_, plays_));
  } catch (const std::exception& e) {
    if (failures_++ % 60 == 0) std::fprintf(stderr, "playd: alerts: cannot read the facts (%s)\n", e.what());
    return false;
  }
  AlertChanges ch = apply_findings(firing_, evaluate_rules(in, settings_), in.now_ms);
  try {
    store_.save_alerts(ch.save);
  } catch (const std::exception& e) {
    // Nothing changes until it is saved: the next round finds the same.
    if (failures_++ % 60 == 0)
      std::fprintf(stderr, "playd: alerts: cannot save %zu incident(s) yet (%s)\n", ch.save.size(), e.what());
    return false;
  }
  failures_ = 0;
  for (const auto& r : ch.save) {
    auto it = std::find_if(firing_.begin(), firing_.end(),
                           [&](const store::AlertRecord& a) { return a.key == r.key; });
    if (r.state == "firing") {
      if (it == firing_.end())
        firing_.push_back(r);
      else
        *it = r;
    } else if (it != firing_.end()) {
      firing_.erase(it);
    }
  }
  for (const auto& r : ch.notify) {
    std::fprintf(stderr, "playd: alert %s %s: %s\n", r.state == "firing" ? "FIRING" : "resolved",
                 r.key.c_str(), r.summary.c_str());
    send(r);
  }
  if (!ch.notify.empty()) std::fflush(stderr);
  return true;
}

}  // namespace play::observe
