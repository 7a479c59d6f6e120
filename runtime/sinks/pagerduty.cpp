// PagerDuty Events API v2 action sink (adapter.h).
#include <simdjson.h>

#include "common/json/json.h"
#include "runtime/sinks/vendor.h"

namespace play::sinks {

namespace {

// PagerDuty Events API v2: a "trigger" per action, one request (Adapter::deliver). The answer
// maps as for every vendor (VendorAdapter::interpret): 401/403 a wrong or disabled routing key and
// 400 an invalid event go to the DLQ at once; 429, 5xx and no answer are retried on the schedule,
// Retry-After honoured (retry.h).
class PagerDutyAdapter : public VendorAdapter {
 public:
  explicit PagerDutyAdapter(SinkConfig c) : VendorAdapter(std::move(c), "PagerDuty") {}

  VendorRequest build(const PendingAction& a) const override {
    VendorRequest req;
    req.call = "PagerDuty Events API v2";
    req.url = pagerduty_enqueue_url(config_.base_url);
    req.body = pagerduty_event_body(a, config_);
    return req;
  }
};

}  // namespace

std::unique_ptr<Adapter> make_pagerduty_adapter(const SinkConfig& config) {
  return std::make_unique<PagerDutyAdapter>(config);
}

std::string pagerduty_enqueue_url(std::string base) {
  if (base.empty()) base = "https://events.pagerduty.com";
  return trim_slashes(base) + "/v2/enqueue";
}

std::string pagerduty_event_body(const PendingAction& a, const SinkConfig& config) {
  ActionFields f = action_fields(a);
  std::string summary = f.top["action"] == "notify" && f.args.count("text") ? f.args["text"] : "";
  if (summary.empty()) {
    summary = f.top["play"] + ": " + f.top["action"];
    if (!f.top["account"].empty()) summary += " for " + f.top["account"];
  }
  std::string args = "{}";
  {
    simdjson::dom::parser parser;
    simdjson::dom::object doc, a_args;
    if (parser.parse(a.line).get_object().get(doc) == simdjson::SUCCESS &&
        doc["args"].get_object().get(a_args) == simdjson::SUCCESS)
      args = simdjson::minify(a_args);
  }
  std::string out;
  json::Writer w(out);
  w.begin_object().key("routing_key").value(config.routing_key);
  w.key("event_action").value("trigger");
  w.key("dedup_key").value(a.key);
  // Events API v2: summary (<= 1024 chars), source and severity are required.
  w.key("payload").begin_object();
  w.key("summary").value(utf8_prefix(summary, 1024));
  w.key("source").value("playd");
  w.key("severity").value(config.severity.empty() ? std::string("error") : config.severity);
  if (!f.top["play"].empty()) w.key("component").value(f.top["play"]);
  if (!f.top["action"].empty()) w.key("class").value(f.top["action"]);
  w.key("custom_details").begin_object();
  w.key("args").raw(args);
  for (const char* k : {"play", "signal", "account", "contact"}) w.key(k).value(f.top[k]);
  w.key("key").value(a.key);
  w.end_object();
  w.end_object();
  if (!config.dashboard_url.empty()) {
    std::string base = trim_slashes(config.dashboard_url);
    w.key("links").begin_array();
    w.begin_object().key("href").value(base + "/plays/" + url_encode(f.top["play"]));
    w.key("text").value("Play " + f.top["play"]).end_object();
    if (!f.top["signal"].empty()) {
      w.begin_object().key("href").value(base + "/v1/signals/" + url_encode(f.top["signal"]) + "/trace");
      w.key("text").value("Signal trace").end_object();
    }
    w.end_array();
  }
  w.key("client").value("playd");
  w.end_object();
  return out;
}

}  // namespace play::sinks
