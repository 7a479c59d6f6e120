#include "apps/playd/alerting.h"

#include <algorithm>
#include <set>

#include "common/text.h"
#include "common/time/time.h"
#include "runtime/qualify/qualifier.h"

namespace play::playd {

namespace {

// The play's `alert ...` lines, as the layer between [alerts] and
// [alerts.plays.NAME] (the config has the last word: an operator can quiet or
// re-enable a rule without editing the play).
observe::ThresholdOverrides own_thresholds(const vm::AlertOverrides& a) {
  observe::ThresholdOverrides o;
  o.volume_drop = a.volume_drop;
  o.volume_spike = a.volume_spike;
  o.success_rate = a.success_rate;
  o.lag_ms = a.lag_ms;
  o.latency_ms = a.latency_ms;
  o.undelivered_after_ms = a.undelivered_ms;
  if (a.off) {
    std::set<std::string> off;
    for (size_t r = 0; r < size_t(vm::AlertRule::kCount); ++r)
      if (a.is_off(vm::AlertRule(r))) off.insert(vm::kAlertRuleNames[r]);
    o.disabled = std::move(off);
  }
  return o;
}

}  // namespace

std::vector<observe::PlayFacts> play_facts(const vm::Bundle& bundle) {
  auto high = qualify::high_lane_types(bundle);
  std::vector<observe::PlayFacts> out;
  for (const auto& p : bundle.plays) {
    observe::PlayFacts f;
    f.name = p.name;
    f.sla_ms = p.sla_ms;
    f.own = own_thresholds(p.alerts);
    for (uint32_t t : p.signal_types) {
      store::Lane lane = high.count(bundle.signals[t].name) ? store::Lane::High : store::Lane::Normal;
      if (std::find(f.lanes.begin(), f.lanes.end(), lane) == f.lanes.end()) f.lanes.push_back(lane);
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<std::pair<std::string, int64_t>> play_slas(const vm::Bundle& bundle) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& p : bundle.plays)
    if (p.sla_ms > 0) out.emplace_back(p.name, p.sla_ms);
  return out;
}

Alerting::Alerting(const Config& config, store::Store& store, observe::Metrics& metrics,
                   const engine::LivePlays& live)
    : config_(config), store_(store), metrics_(metrics), live_(live) {}

Alerting::~Alerting() { stop(); }

void Alerting::start(const std::string& url) {
  std::string dashboard =
      trim_slashes(config_.alerts_dashboard_url.empty() ? url : config_.alerts_dashboard_url);
  sinks_ = std::make_unique<sinks::AlertSinks>(config_.alert_sinks, metrics_, dashboard);
  sinks_->start();
  evaluator_ = std::make_unique<observe::AlertEvaluator>(
      store_, play_facts(*live_.current()->bundle), config_.alerts,
      [this](const store::AlertRecord& alert, std::function<void()> sent) {
        sinks_->notify(alert, std::move(sent));
      });
  // The facts of the live set, rebuilt when a reload replaced it.
  evaluator_->plays_from(
      [this, generation = uint64_t(0), facts = std::vector<observe::PlayFacts>()]() mutable {
        auto set = live_.current();
        if (set->generation != generation) {
          facts = play_facts(*set->bundle);
          metrics_.set_play_slas(play_slas(*set->bundle));
          generation = set->generation;
        }
        return facts;
      });
  evaluator_->start();
}

void Alerting::stop() {
  if (evaluator_) evaluator_->stop();  // no new notifications
  if (sinks_) sinks_->stop();          // what is queued gets a few seconds; the rest goes at the next start
}

void export_alerts(observe::Metrics& metrics, store::Store& store) {
  metrics.set_alert_source([&store] {
    std::vector<observe::Metrics::AlertState> out;
    try {
      for (const auto& a : store.alerts(now_ms() - 7 * store::kDayMs))
        out.push_back({a.rule, a.play, a.state == "firing"});
    } catch (const std::exception&) {
      // A store that cannot answer now: /metrics still answers (playd_store_degraded says why).
    }
    return out;
  });
}

}  // namespace play::playd
