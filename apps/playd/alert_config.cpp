// [alerts] (defaults and the interval), [alerts.plays.NAME] (one play's
// overrides) and [alert_sinks.NAME] (where alerts go). examples/playd.toml
// and docs/operations.md ("On call: alerts") show every key.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "apps/playd/config_reader.h"

namespace play::playd::config_reader {

namespace {

// A ratio: 0.5, or "50%".
template <class N>
void ratio(Reader& r, const N& n, const std::string& where, std::optional<double>& out) {
  if (!r.seen(n, where)) return;
  double v = -1;
  if (n.is_number()) {
    v = *n.template value<double>();
  } else if (auto s = n.template value_exact<std::string>(); s && !s->empty() && s->back() == '%') {
    char* end = nullptr;
    v = std::strtod(s->c_str(), &end) / 100;
    if (end != s->c_str() + s->size() - 1) v = -1;
  }
  if (!std::isfinite(v) || v < 0) {
    r.fail(where, "expected a ratio such as 0.5 or \"50%\"");
    return;
  }
  out = v;
}

template <class N, class T>
void optional_duration(Reader& r, const N& n, const std::string& where, std::optional<T>& out) {
  int64_t v = 0;
  if (n && r.duration(n, where, v))
    out = v;
  else
    r.seen(n, where);
}

template <class N>
void optional_number(Reader& r, const N& n, const std::string& where, std::optional<double>& out) {
  double v = 0;
  if (n && r.number(n, where, v, 0))
    out = v;
  else
    r.seen(n, where);
}

template <class N>
void optional_count(Reader& r, const N& n, const std::string& where, std::optional<uint64_t>& out) {
  uint64_t v = 0;
  if (n && r.integer(n, where, v, 0, kNoMax))
    out = v;
  else
    r.seen(n, where);
}

// The thresholds a table may set: [alerts] and [alerts.plays.NAME] alike.
template <class N>
observe::ThresholdOverrides thresholds(Reader& r, const N& t, const std::string& at) {
  observe::ThresholdOverrides o;
  ratio(r, t["volume_drop"], at + ".volume_drop", o.volume_drop);
  optional_number(r, t["volume_spike"], at + ".volume_spike", o.volume_spike);
  optional_number(r, t["volume_min_days"], at + ".volume_min_days", o.volume_min_days);
  optional_number(r, t["volume_min_daily"], at + ".volume_min_daily", o.volume_min_daily);
  ratio(r, t["success_rate"], at + ".success_rate", o.success_rate);
  optional_duration(r, t["success_window"], at + ".success_window", o.success_window_ms);
  optional_count(r, t["success_min_attempts"], at + ".success_min_attempts", o.success_min_attempts);
  optional_duration(r, t["sla"], at + ".sla", o.sla_ms);
  optional_duration(r, t["lag"], at + ".lag", o.lag_ms);
  optional_duration(r, t["latency_p95"], at + ".latency_p95", o.latency_ms);
  optional_duration(r, t["latency_window"], at + ".latency_window", o.latency_window_ms);
  optional_count(r, t["latency_min_count"], at + ".latency_min_count", o.latency_min_count);
  optional_duration(r, t["undelivered_after"], at + ".undelivered_after", o.undelivered_after_ms);
  std::string where = at + ".disabled";
  if (r.seen(t["disabled"], where)) {
    auto list = t["disabled"].as_array();
    if (!list) {
      r.wrong_type(t["disabled"], where, "a list of rule names, e.g. [\"volume_spike\"]");
      return o;
    }
    o.disabled.emplace();
    for (size_t i = 0; i < list->size(); ++i) {
      auto item = toml::node_view<const toml::node>((*list)[i]);
      r.seen(item, where + "[" + std::to_string(i) + "]");
      auto v = item.template value_exact<std::string>();
      if (!v || !observe::is_alert_rule(*v)) {
        r.fail(where,
               "expected rule names: volume_drop, volume_spike, success_rate, lag, latency_p95, undelivered");
        return o;
      }
      o.disabled->insert(*v);
    }
  }
  return o;
}

bool http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

void read_alert_sink(Reader& r, toml::node_view<const toml::node> s, const std::string& name, Config& c) {
  std::string where = "alert_sinks." + name;
  sinks::AlertSinkConfig sc;
  sc.name = name;
  std::string kind;
  if (!s["kind"]) r.fail(where + ".kind", "every alert sink needs a kind: slack, pagerduty or webhook");
  r.choice(s["kind"], where + ".kind", kind, {"slack", "pagerduty", "webhook"});
  sc.kind = kind == "slack"       ? sinks::AlertSinkKind::Slack
            : kind == "pagerduty" ? sinks::AlertSinkKind::PagerDuty
                                  : sinks::AlertSinkKind::Webhook;
  bool pagerduty = sc.kind == sinks::AlertSinkKind::PagerDuty;
  // A Slack webhook's URL is its secret: it may come from the environment too.
  r.string(s[pagerduty ? "base_url" : "url"], where + (pagerduty ? ".base_url" : ".url"), sc.url, false);
  std::string url_env;
  if (!pagerduty) read_secret(r, s, where, "url_env", "url_file", url_env);
  if (!url_env.empty()) sc.url = url_env;
  if (pagerduty)
    read_secret(r, s, where, "routing_key_env", "routing_key_file", sc.secret);
  else if (sc.kind == sinks::AlertSinkKind::Webhook)
    read_secret(r, s, where, "secret_env", "secret_file", sc.secret);
  r.duration(s["timeout"], where + ".timeout", sc.timeout_ms);
  r.integer(s["max_attempts"], where + ".max_attempts", sc.max_attempts, 1, 1000);
  if (r.seen(s["retry_schedule"], where + ".retry_schedule")) {
    auto arr = s["retry_schedule"].as_array();
    if (!arr || arr->empty()) {
      r.fail(where + ".retry_schedule", "expected a non-empty array of durations, e.g. [\"1s\", \"30s\"]");
    } else {
      sc.retry_schedule_ms.clear();
      for (size_t i = 0; i < arr->size(); ++i) {
        int64_t ms = 0;
        if (r.duration(toml::node_view<const toml::node>((*arr)[i]),
                       where + ".retry_schedule[" + std::to_string(i) + "]", ms))
          sc.retry_schedule_ms.push_back(ms);
      }
    }
  }
  if (!pagerduty && sc.url.empty()) r.fail(where + ".url", "an alert sink needs a url (or url_env)");
  if (!sc.url.empty() && !http_url(sc.url))
    r.fail(where + (pagerduty ? ".base_url" : ".url"), "expected an http:// or https:// URL");
  if (pagerduty && sc.secret.empty())
    r.fail(where + ".routing_key_env",
           "a PagerDuty sink needs its routing key (routing_key_env or routing_key_file)");
  c.alert_sinks.push_back(std::move(sc));
}

}  // namespace

void read_alerts(Reader& r, toml::table& t, Config& c) {
  auto alerts = r.table(t["alerts"], "alerts", "a table: [alerts]");
  r.duration(alerts["interval"], "alerts.interval", c.alerts.interval_ms, 1000);
  r.string(alerts["dashboard_url"], "alerts.dashboard_url", c.alerts_dashboard_url);
  std::string from = "received";
  r.choice(alerts["latency_from"], "alerts.latency_from", from, {"received", "occurred"});
  c.alerts.latency_from =
      from == "occurred" ? observe::LatencyOrigin::Occurred : observe::LatencyOrigin::Received;
  thresholds(r, alerts, "alerts").apply_to(c.alerts.defaults);
  if (auto plays =
          r.table(alerts["plays"], "alerts.plays", "a table of plays: [alerts.plays.NAME]").as_table())
    for (const auto& [name, node] : *plays) {
      std::string where = "alerts.plays." + std::string(name.str());
      auto play = r.table(toml::node_view<const toml::node>(node), where, "a table: [alerts.plays.NAME]");
      c.alerts.plays[std::string(name.str())] = thresholds(r, play, where);
    }
  if (auto sinks =
          r.table(t["alert_sinks"], "alert_sinks", "a table of alert sinks: [alert_sinks.NAME]").as_table())
    for (const auto& [name, node] : *sinks)
      read_alert_sink(r,
                      r.table(toml::node_view<const toml::node>(node),
                              "alert_sinks." + std::string(name.str()), "a table: [alert_sinks.NAME]"),
                      std::string(name.str()), c);
}

void read_review(Reader& r, toml::table& t, Config& c) {
  auto review = r.table(t["review"], "review", "a table: [review]");
  // The webhook URL is its secret: from the environment or a file only.
  read_secret(r, review, "review", "digest_slack_url_env", "digest_slack_url_file", c.review_digest_url);
  if (!c.review_digest_url.empty() && !http_url(c.review_digest_url))
    r.fail("review.digest_slack_url_env", "expected an http:// or https:// URL in the variable");
  r.duration(review["digest_every"], "review.digest_every", c.review_digest_every_ms, 60000);
}

}  // namespace play::playd::config_reader
