// Alerts inside playd: the rules (runtime/observe/alerts.h) run on the
// service's clock over the live plays, their incidents go to the alert
// sinks ([alert_sinks.NAME]: runtime/sinks/alert_sinks.h), and /metrics
// shows playd_alert_firing. Started once playd listens (so a notification
// can link to its dashboard), stopped first when it drains.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apps/playd/config.h"
#include "runtime/engine/live_plays.h"
#include "runtime/observe/alert_evaluator.h"
#include "runtime/observe/metrics.h"
#include "runtime/sinks/alert_sinks.h"
#include "runtime/store/store.h"

namespace play::playd {

// What the rules need to know of each play of a bundle: its sla and the
// lanes its signal types ride. `own` (a play's own `alert` lines) stays
// empty until the language has them.
std::vector<observe::PlayFacts> play_facts(const vm::Bundle& bundle);

// The plays' `sla`, for playd_play_sla_seconds.
std::vector<std::pair<std::string, int64_t>> play_slas(const vm::Bundle& bundle);

class Alerting {
 public:
  Alerting(const Config& config, store::Store& store, observe::Metrics& metrics,
           const engine::LivePlays& live);
  ~Alerting();  // stop()
  // `url`: playd's base URL, linked from notifications unless alerts.dashboard_url says otherwise.
  void start(const std::string& url);
  void stop();

 private:
  const Config& config_;
  store::Store& store_;
  observe::Metrics& metrics_;
  const engine::LivePlays& live_;
  std::unique_ptr<sinks::AlertSinks> sinks_;
  std::unique_ptr<observe::AlertEvaluator> evaluator_;
};

// playd_alert_firing's source: the incidents firing now and those resolved
// in the last 7 days (0), read from the store at each scrape.
void export_alerts(observe::Metrics& metrics, store::Store& store);

}  // namespace play::playd
