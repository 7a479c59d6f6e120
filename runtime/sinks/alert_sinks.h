// Alert sinks: where playd pages when an alert starts firing or resolves
// (runtime/observe/alerts.h decides; this sends). Three kinds:
//   slack      an incoming webhook: {"text": ...} in mrkdwn
//   pagerduty  Events API v2 (POST BASE/v2/enqueue): "trigger" when firing,
//              "resolve" when resolved, the alert's key as dedup_key, so
//              PagerDuty opens and closes one incident per alert
//   webhook    JSON {"type": "alert.firing"|"alert.resolved", "timestamp",
//              "data": {...}}, signed with Standard Webhooks (signing.h)
// Each sink has a thread and a queue of its own: a sink that is down only
// delays its own notifications (retried with backoff, in order, so a
// resolve never overtakes its trigger), never another sink's, and never
// signal processing. Backoff runs on the real clock: a page must go out
// now whatever a simulated service clock says.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/observe/metrics.h"
#include "runtime/store/records.h"

namespace play::sinks {

enum class AlertSinkKind : uint8_t { Slack, PagerDuty, Webhook };

struct AlertSinkConfig {
  std::string name;
  AlertSinkKind kind = AlertSinkKind::Webhook;
  std::string
      url;  // slack, webhook: where to POST; pagerduty: the base (default https://events.pagerduty.com)
  std::string
      secret;  // pagerduty: the routing key; webhook: the signing secret ("whsec_..."; none: unsigned)
  int64_t timeout_ms = 10000;
  // Delay before retry n is retry_schedule_ms[min(n, size) - 1]; after
  // max_attempts the notification is given up (counted, logged).
  std::vector<int64_t> retry_schedule_ms = {1000, 5000, 30000, 120000, 600000};
  int max_attempts = 8;
};

const char* alert_sink_kind_name(AlertSinkKind k);  // "slack", "pagerduty", "webhook"

// One request of one notification: what is POSTed where.
struct AlertRequest {
  std::string url, body;
  std::vector<std::pair<std::string, std::string>> headers;
};
// `dashboard_url`: playd's base URL for links ("" none); `wall_ms`: the
// real time (webhook-timestamp: receivers check it against their clock).
AlertRequest alert_request(const AlertSinkConfig& sink, const store::AlertRecord& alert,
                           const std::string& dashboard_url, int64_t wall_ms);

class AlertSinks {
 public:
  AlertSinks(std::vector<AlertSinkConfig> sinks, observe::Metrics& metrics, std::string dashboard_url = "");
  ~AlertSinks();  // stop()
  void start();
  // Sends what is queued (retrying until each gives up or `deadline_ms` of
  // real time pass), then ends the threads.
  void stop(int64_t deadline_ms = 5000);

  // Queues the alert's state for every sink; `done` runs once every sink
  // has sent it or given up (at once when there are no sinks).
  void notify(const store::AlertRecord& alert, std::function<void()> done);
  bool empty() const { return workers_.empty(); }

 private:
  struct Worker;
  std::vector<std::unique_ptr<Worker>> workers_;
  observe::Metrics& metrics_;
  std::string dashboard_url_;
};

}  // namespace play::sinks
