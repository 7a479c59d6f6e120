// `playc alerts PATHS --format prometheus`: playd's built-in alert rules
// (docs/operations.md, "Alerts") as Prometheus alerting rules over the
// metrics playd exports on GET /metrics, for teams that already run
// Alertmanager. One rule per play and rule (per lane for `lag`, per sink
// for `undelivered`), each with the play's own thresholds from its `alert`
// lines (docs/language.md, "Alert thresholds") or playd's defaults.
//
// What PromQL can and cannot say the way playd's evaluator does:
// - volume: the last 24 h against the 7 days before them, divided by 7;
//   "7 days of history" is "the play's counter existed 7 days ago".
// - undelivered: playd exports no per-play age of undelivered actions, only
//   the oldest action waiting per sink (playd_outbox_oldest_age_seconds), so
//   the rule is per sink, at the smallest threshold of the plays using it.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "apps/playc/commands.h"
#include "common/context_signals.h"
#include "runtime/vm/value.h"

namespace play::playc {

namespace {

// playd's defaults (runtime/observe/alerts.h, PlayThresholds).
constexpr double kVolumeDrop = 0.5, kVolumeSpike = 10, kVolumeMinDaily = 10, kSuccessRate = 0.95;
constexpr int64_t kSuccessMinAttempts = 10, kLatencyMinCount = 10;
constexpr int64_t kUndeliveredMs = 2 * 3600 * 1000;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string seconds(int64_t ms) { return num(static_cast<double>(ms) / 1000.0); }

// A PromQL string literal's contents.
std::string promql_string(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// A label matcher regex alternative (RE2, inside a PromQL string).
std::string regex_literal(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    if (!plain) out += "\\\\";
    out += c;
  }
  return out;
}

// A YAML double-quoted scalar.
std::string yaml_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string duration_words(int64_t ms) { return vm::format_duration(ms); }

struct Rule {
  std::string alert, rule, play, lane, sink, expr, summary, description, runbook;
};

void write_rule(std::string& out, const Rule& r) {
  out += "      - alert: " + r.alert + "\n";
  out += "        expr: |\n";
  size_t at = 0;
  while (at < r.expr.size()) {
    size_t nl = r.expr.find('\n', at);
    if (nl == std::string::npos) nl = r.expr.size();
    out += "          " + r.expr.substr(at, nl - at) + "\n";
    at = nl + 1;
  }
  out += "        labels:\n";
  out += "          severity: page\n";
  out += "          rule: " + r.rule + "\n";
  if (!r.play.empty()) out += "          play: " + yaml_string(r.play) + "\n";
  if (!r.lane.empty()) out += "          lane: " + r.lane + "\n";
  if (!r.sink.empty()) out += "          sink: " + yaml_string(r.sink) + "\n";
  out += "        annotations:\n";
  out += "          summary: " + yaml_string(r.summary) + "\n";
  out += "          description: " + yaml_string(r.description) + "\n";
  if (!r.runbook.empty()) out += "          runbook_url: " + yaml_string(r.runbook) + "\n";
}

void write_group(std::string& out, const std::string& name, const std::vector<Rule>& rules) {
  if (rules.empty()) return;
  out += "  - name: " + name + "\n";
  out += "    rules:\n";
  for (const auto& r : rules) write_rule(out, r);
}

// The per-play rules: volume, success rate, latency.
void play_rules(const vm::Play& p, std::vector<Rule>& volume, std::vector<Rule>& health,
                std::vector<Rule>& latency) {
  const vm::AlertOverrides& a = p.alerts;
  const std::string sel = "{play=\"" + promql_string(p.name) + "\"}";
  const std::string sel_sent = "{play=\"" + promql_string(p.name) + "\",result=\"sent\"}";
  const std::string sel_tried = "{play=\"" + promql_string(p.name) + "\",result=~\"sent|retry|dlq\"}";
  const std::string today = "sum by (play) (increase(playd_play_outcomes_total" + sel + "[1d]))";
  const std::string week = "sum by (play) (increase(playd_play_outcomes_total" + sel + "[7d] offset 1d))";
  const std::string history = "sum by (play) (playd_play_outcomes_total" + sel + " offset 7d) >= 0";
  // No signal at all today is the drop that matters most (a broken tracking
  // script): count an absent series as 0.
  const std::string today_or_zero = "(" + today + " or on (play) (0 * " + week + "))";
  const std::string min_avg = "(" + week + " / 7) >= " + num(kVolumeMinDaily);

  if (!a.is_off(vm::AlertRule::VolumeDrop)) {
    double t = a.volume_drop.value_or(kVolumeDrop);
    volume.push_back({"PlaydVolumeDrop", "volume_drop", p.name, "", "",
                      today_or_zero + "\n  < " + num(t) + " * (" + week + " / 7)\nand on (play) " + min_avg +
                          "\nand on (play) " + history,
                      "Play " + p.name + ": daily volume below " + num(t * 100) + "% of its 7-day average",
                      "Signals reaching the play in the last 24 h: {{ $value }}. A tracking script or an "
                      "integration may have stopped sending.",
                      p.runbook});
  }
  if (!a.is_off(vm::AlertRule::VolumeSpike)) {
    double t = a.volume_spike.value_or(kVolumeSpike);
    volume.push_back(
        {"PlaydVolumeSpike", "volume_spike", p.name, "", "",
         today + "\n  > " + num(t) + " * (" + week + " / 7)\nand on (play) " + min_avg + "\nand on (play) " +
             history,
         "Play " + p.name + ": daily volume above " + num(t) + "x its 7-day average",
         "Signals reaching the play in the last 24 h: {{ $value }}. A loop, a replay or a bot may "
         "be sending them.",
         p.runbook});
  }
  if (!a.is_off(vm::AlertRule::SuccessRate)) {
    double t = a.success_rate.value_or(kSuccessRate);
    std::string tried = "sum by (play, sink) (increase(playd_play_actions_total" + sel_tried + "[1h]))";
    health.push_back(
        {"PlaydSuccessRate", "success_rate", p.name, "", "",
         "sum by (play, sink) (increase(playd_play_actions_total" + sel_sent + "[1h]))\n  / " + tried +
             "\n  < " + num(t) + "\nand on (play, sink) " + tried +
             " >= " + std::to_string(kSuccessMinAttempts),
         "Play " + p.name + ": fewer than " + num(t * 100) +
             "% of its deliveries to {{ $labels.sink }} succeed",
         "Delivered / attempted over 1 h: {{ $value }}. Check the sink and the DLQ (playd dlq list).",
         p.runbook});
  }
  if (!a.is_off(vm::AlertRule::LatencyP95)) {
    int64_t t = a.latency_ms.value_or(p.sla_ms);
    if (t > 0) {
      const std::string hsel = "{play=\"" + promql_string(p.name) + "\",from=\"received\"}";
      latency.push_back(
          {"PlaydLatencyP95", "latency_p95", p.name, "", "",
           "histogram_quantile(0.95, sum by (play, le) (rate(playd_play_signal_to_action_seconds_bucket" +
               hsel + "[1h])))\n  > " + seconds(t) +
               "\nand on (play) sum by (play) (increase(playd_play_signal_to_action_seconds_count" + hsel +
               "[1h])) >= " + std::to_string(kLatencyMinCount),
           "Play " + p.name + ": p95 signal-to-action latency above " + duration_words(t),
           "p95 over 1 h (from playd receiving the signal): {{ $value }} s.", p.runbook});
    }
  }
}

}  // namespace

int run_alerts(const AlertsOptions& o) {
  vm::Bundle bundle;
  if (int rc = report_load(loader::load(o.paths, bundle))) return rc;

  std::vector<Rule> volume, health, latency, lag, undelivered;
  for (const auto& p : bundle.plays) play_rules(p, volume, health, latency);

  // lag: per lane, at the smallest threshold (`alert lag above`, else the
  // sla) of the plays it feeds. A play's signal types ride the high lane
  // when any high-priority play listens to them, and so do the context
  // updates (runtime/qualify, high_lane_types).
  std::set<uint32_t> high_types;
  for (const auto& p : bundle.plays)
    if (p.priority == vm::Priority::High) high_types.insert(p.signal_types.begin(), p.signal_types.end());
  for (uint32_t t = 0; t < bundle.signals.size(); ++t)
    if (bundle.signals[t].name == kAccountUpdatedType || bundle.signals[t].name == kContactUpdatedType)
      high_types.insert(t);
  std::map<std::string, std::pair<int64_t, std::string>> lane_min;  // lane -> threshold, the play setting it
  for (const auto& p : bundle.plays) {
    if (p.alerts.is_off(vm::AlertRule::Lag)) continue;
    int64_t t = p.alerts.lag_ms.value_or(p.sla_ms);
    if (t <= 0) continue;
    for (uint32_t type : p.signal_types) {
      std::string lane = high_types.count(type) ? "high" : "normal";
      auto it = lane_min.find(lane);
      if (it == lane_min.end() || t < it->second.first) lane_min[lane] = {t, p.name};
    }
  }
  for (const auto& [lane, m] : lane_min)
    lag.push_back(
        {"PlaydLag", "lag", "", lane, "",
         "max by (lane) (playd_queue_oldest_age_seconds{lane=\"" + lane + "\"}) > " + seconds(m.first),
         "Lane " + lane + ": the oldest waiting signal is older than " + duration_words(m.first),
         "Oldest unprocessed signal: {{ $value }} s; the tightest play on the lane is " + m.second +
             ". Is playd evaluating? Check /healthz and playd_queue_depth.",
         ""});

  // undelivered: per sink, at the smallest threshold of the plays using it;
  // the sinks webhooks name at run time share one rule.
  std::map<std::string, int64_t> sink_min;
  int64_t computed_min = 0;
  for (const auto& p : bundle.plays) {
    if (p.alerts.is_off(vm::AlertRule::Undelivered)) continue;
    int64_t t = p.alerts.undelivered_ms.value_or(kUndeliveredMs);
    for (const auto& act : p.actions) {
      if (act.sink.empty()) {
        computed_min = computed_min ? std::min(computed_min, t) : t;
        continue;
      }
      auto it = sink_min.find(act.sink);
      if (it == sink_min.end() || t < it->second) sink_min[act.sink] = t;
    }
  }
  std::string known;
  for (const auto& [sink, t] : sink_min) {
    known += (known.empty() ? "" : "|") + regex_literal(sink);
    undelivered.push_back(
        {"PlaydUndelivered", "undelivered", "", "", sink,
         "max by (sink) (playd_outbox_oldest_age_seconds{sink=\"" + promql_string(sink) + "\"}) > " +
             seconds(t),
         "Sink " + sink + ": an action is still undelivered " + duration_words(t) + " after it was decided",
         "Oldest action waiting for the sink: {{ $value }} s. Check the sink, `playd dlq list` and GET "
         "/v1/admin/dlq.",
         ""});
  }
  if (computed_min)
    undelivered.push_back(
        {"PlaydUndelivered", "undelivered", "", "", "",
         "max by (sink) (playd_outbox_oldest_age_seconds" +
             (known.empty() ? std::string() : "{sink!~\"" + known + "\"}") + ") > " + seconds(computed_min),
         "Sink {{ $labels.sink }}: an action is still undelivered " + duration_words(computed_min) +
             " after it was decided",
         "Oldest action waiting for the sink: {{ $value }} s. Check the sink, `playd dlq list` "
         "and GET /v1/admin/dlq.",
         ""});

  std::string out =
      "# Prometheus alerting rules for playd, written by `playc alerts` (" +
      std::to_string(bundle.plays.size()) + " play" + (bundle.plays.size() == 1 ? "" : "s") +
      "): playd's built-in rules over its /metrics,\n"
      "# with each play's own `alert` thresholds. Regenerate when the plays change; check with\n"
      "# `promtool check rules FILE`.\n";
  std::string groups;
  write_group(groups, "playd_volume", volume);
  write_group(groups, "playd_health", health);
  write_group(groups, "playd_latency", latency);
  write_group(groups, "playd_lag", lag);
  write_group(groups, "playd_undelivered", undelivered);
  out += groups.empty() ? "groups: []\n" : "groups:\n" + groups;
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace play::playc
