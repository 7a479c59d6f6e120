// `playc registry PATHS --format md|json|html [--runbooks DIR]`: the trigger
// registry (runtime/observe/registry.h, the same entries GET /v1/plays
// serves) as JSON exactly as registry_json writes it, as Markdown (a table,
// then a section per play) or as one self-contained HTML page; and with
// --runbooks, one Markdown runbook per play answering, from the play's own
// definition, the on-call engineer's five questions: is the signal
// arriving, does qualification pass, did the action execute, where are the
// logs, whom to escalate to.
#include "runtime/observe/registry.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "apps/playc/commands.h"
#include "common/context_signals.h"
#include "common/text.h"
#include "runtime/vm/value.h"

namespace play::playc {

namespace {

using observe::RegistryEntry;

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Markdown: inline code and table cells must not break the table.
std::string md_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string code(std::string_view s) { return "`" + std::string(s) + "`"; }

// A link target for HTML: only http(s) URLs and site paths, so a hostile
// runbook value cannot become `javascript:`.
std::string safe_href(std::string_view url) {
  if (url.starts_with("https://") || url.starts_with("http://") || url.starts_with("/"))
    return html_escape(url);
  return "";
}

std::string sla_text(const RegistryEntry& e) { return e.sla_ms > 0 ? format_duration(e.sla_ms) : "none"; }

std::string actions_text(const RegistryEntry& e, const std::string& arrow = " → ") {
  std::vector<std::string> out;
  for (const auto& a : e.actions)
    out.push_back(a.action + arrow + (a.sink.empty() ? "(computed sink)" : a.sink));
  return join(out, ", ");
}

std::string dedup_text(const RegistryEntry& e);

// What the registry says of a play between its signals and its mode, as
// label and text, the same in every format (each escapes and lays it out).
std::vector<std::pair<std::string, std::string>> facts(const RegistryEntry& e) {
  return {{"ICP", e.icps.empty() ? "none" : join(e.icps, ", ")},
          {"Suppression", e.suppression
                              ? (e.suppression_rules.empty() ? std::string("applied")
                                                             : "applied: " + join(e.suppression_rules, "; "))
                              : "not applied"},
          {"Exclusions", join(e.exclusions, "; ")},
          {"Dedup", dedup_text(e)},
          {"Actions", actions_text(e)},
          {"Owner", e.owner},
          {"On-call", e.oncall},
          {"SLA", sla_text(e)},
          {"Priority", e.priority}};
}

std::string dedup_text(const RegistryEntry& e) {
  std::vector<std::string> out;
  for (const auto& d : e.dedup)
    out.push_back("fired within " + format_duration(d.within_ms) + " per " + d.per);
  return join(out, "; ");
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// The play's alert rules in words, with its own thresholds or playd's defaults.
std::vector<std::string> alert_lines(const vm::Play& p) {
  const vm::AlertOverrides& a = p.alerts;
  std::vector<std::string> out;
  auto add = [&](vm::AlertRule r, const std::string& text) {
    out.push_back(std::string(vm::kAlertRuleNames[static_cast<int>(r)]) + ": " +
                  (a.is_off(r) ? std::string("off for this play") : text));
  };
  add(vm::AlertRule::VolumeDrop, "daily volume below " + num(a.volume_drop.value_or(0.5) * 100) +
                                     "% of the 7-day average" + (a.volume_drop ? "" : " (default)"));
  add(vm::AlertRule::VolumeSpike, "daily volume above " + num(a.volume_spike.value_or(10)) +
                                      "x the 7-day average" + (a.volume_spike ? "" : " (default)"));
  add(vm::AlertRule::SuccessRate, "fewer than " + num(a.success_rate.value_or(0.95) * 100) +
                                      "% of deliveries succeed over 1 h, per sink" +
                                      (a.success_rate ? "" : " (default)"));
  add(vm::AlertRule::Lag, "the oldest waiting signal of its lane older than " +
                              format_duration(a.lag_ms.value_or(p.sla_ms)) +
                              (a.lag_ms ? "" : " (its sla; the lane uses the smallest of its plays')"));
  add(vm::AlertRule::LatencyP95, "p95 signal-to-action latency above " +
                                     format_duration(a.latency_ms.value_or(p.sla_ms)) +
                                     (a.latency_ms ? "" : " (its sla)"));
  add(vm::AlertRule::Undelivered, "an action still undelivered " +
                                      format_duration(a.undelivered_ms.value_or(2 * 3600 * 1000)) +
                                      " after it was issued" + (a.undelivered_ms ? "" : " (default)"));
  return out;
}

// The lanes a play's signals ride (as qualify::high_lane_types decides).
std::string lanes_of(const vm::Bundle& b, const vm::Play& p) {
  bool high = false, normal = false;
  for (uint32_t t : p.signal_types) {
    bool h = false;
    for (const auto& q : b.plays)
      if (q.priority == vm::Priority::High)
        for (uint32_t u : q.signal_types) h = h || u == t;
    if (t < b.signals.size() &&
        (b.signals[t].name == kAccountUpdatedType || b.signals[t].name == kContactUpdatedType))
      h = true;
    (h ? high : normal) = true;
  }
  return high && normal ? "high, normal" : high ? "high" : "normal";
}

// ---- Markdown

void md_entry(std::string& out, const RegistryEntry& e, const vm::Play& p, const std::string& runbook_page) {
  out += "\n## " + e.name + "\n\n";
  if (!e.title.empty()) out += "**" + md_cell(e.title) + "**\n\n";
  auto row = [&](const std::string& k, const std::string& v) {
    if (!v.empty()) out += "- " + k + ": " + v + "\n";
  };
  std::vector<std::string> sig;
  for (const auto& s : e.signals) sig.push_back(code(s));
  row("Signals", join(sig, ", "));
  row("Trigger", e.trigger.empty() ? "" : code(e.trigger));
  for (const auto& [label, value] : facts(e)) row(label, value);
  row("Mode", e.mode == "shadow" ? "shadow (actions recorded, never sent)" : e.mode);
  row("Tags", join(e.tags, ", "));
  row("Runbook", e.runbook.empty() ? runbook_page : e.runbook);
  row("Dashboard", e.dashboard);
  row("Source", e.file.empty() ? "" : e.file + ":" + std::to_string(e.line));
  out += "- Alerts:\n";
  for (const auto& l : alert_lines(p)) out += "  - " + l + "\n";
}

std::string markdown(const std::vector<RegistryEntry>& entries, const vm::Bundle& b, bool runbooks) {
  std::string out = "# Trigger registry\n\n" + std::to_string(entries.size()) + " play" +
                    (entries.size() == 1 ? "" : "s") + ", written by `playc registry`.\n\n";
  out += "| play | title | signals | actions | owner | on-call | SLA | priority | mode |\n";
  out += "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& e : entries)
    out += "| [" + e.name + "](#" + e.name + ") | " + md_cell(e.title) + " | " +
           md_cell(join(e.signals, ", ")) + " | " + md_cell(actions_text(e)) + " | " + md_cell(e.owner) +
           " | " + md_cell(e.oncall) + " | " + sla_text(e) + " | " + e.priority + " | " + e.mode + " |\n";
  for (size_t i = 0; i < entries.size(); ++i)
    md_entry(out, entries[i], b.plays[i], runbooks ? "[runbook](" + entries[i].name + ".md)" : "");
  return out;
}

// ---- HTML

std::string html(const std::vector<RegistryEntry>& entries, const vm::Bundle& b) {
  std::string out =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Trigger registry</title>\n<style>\n"
      "body{font-family:system-ui,sans-serif;margin:2em;color:#1d2330}\n"
      "table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.3em .6em;text-align:left;"
      "vertical-align:top}\nth{background:#eef}\ncode{background:#f3f3f7;padding:0 .2em}\n"
      "section{margin-top:2em}dt{font-weight:600}dd{margin:0 0 .4em 1em}\n"
      "</style>\n</head>\n<body>\n<h1>Trigger registry</h1>\n";
  out += "<p>" + std::to_string(entries.size()) + " play" + (entries.size() == 1 ? "" : "s") +
         ", written by <code>playc registry</code>.</p>\n";
  out +=
      "<table>\n<thead><tr><th>play</th><th>title</th><th>signals</th><th>actions</th><th>owner</th>"
      "<th>on-call</th><th>SLA</th><th>priority</th><th>mode</th></tr></thead>\n<tbody>\n";
  for (const auto& e : entries)
    out += "<tr><td><a href=\"#play-" + html_escape(e.name) + "\">" + html_escape(e.name) + "</a></td><td>" +
           html_escape(e.title) + "</td><td>" + html_escape(join(e.signals, ", ")) + "</td><td>" +
           html_escape(actions_text(e)) + "</td><td>" + html_escape(e.owner) + "</td><td>" +
           html_escape(e.oncall) + "</td><td>" + sla_text(e) + "</td><td>" + html_escape(e.priority) +
           "</td><td>" + html_escape(e.mode) + "</td></tr>\n";
  out += "</tbody>\n</table>\n";
  for (size_t i = 0; i < entries.size(); ++i) {
    const RegistryEntry& e = entries[i];
    out += "<section id=\"play-" + html_escape(e.name) + "\">\n<h2>" + html_escape(e.name) + "</h2>\n";
    if (!e.title.empty()) out += "<p><strong>" + html_escape(e.title) + "</strong></p>\n";
    out += "<dl>\n";
    auto row = [&](const std::string& k, const std::string& v) {
      if (!v.empty()) out += "<dt>" + k + "</dt><dd>" + html_escape(v) + "</dd>\n";
    };
    row("Signals", join(e.signals, ", "));
    row("Trigger", e.trigger);
    for (const auto& [label, value] : facts(e)) row(label, value);
    row("Mode", e.mode);
    row("Tags", join(e.tags, ", "));
    if (std::string href = safe_href(e.runbook); !href.empty())
      out += "<dt>Runbook</dt><dd><a href=\"" + href + "\">" + html_escape(e.runbook) + "</a></dd>\n";
    else
      row("Runbook", e.runbook);
    row("Dashboard", e.dashboard);
    row("Source", e.file.empty() ? "" : e.file + ":" + std::to_string(e.line));
    out += "<dt>Alerts</dt><dd><ul>\n";
    for (const auto& l : alert_lines(b.plays[i])) out += "<li>" + html_escape(l) + "</li>\n";
    out += "</ul></dd>\n</dl>\n</section>\n";
  }
  return out + "</body>\n</html>\n";
}

// ---- runbooks

std::string runbook(const RegistryEntry& e, const vm::Play& p, const vm::Bundle& b) {
  const std::string q = "play=\\\"" + e.name + "\\\"";  // inside a double-quoted shell word
  const std::string lanes = lanes_of(b, p);
  std::string out = "# Runbook: " + e.name + (e.title.empty() ? "" : " — " + e.title) + "\n\n";
  out += "Written by `playc registry --runbooks` from the play's definition";
  out += e.file.empty() ? ".\n" : " (" + e.file + ":" + std::to_string(e.line) + ").\n";
  out += "Owner " + (e.owner.empty() ? std::string("(none)") : e.owner) + ", on-call " +
         (e.oncall.empty() ? std::string("(none)") : e.oncall) + ". SLA " + sla_text(e) + ", priority " +
         e.priority + " (lane: " + lanes + "), mode " + e.mode + ". Dashboard: `" + e.dashboard + "`.\n\n";
  out +=
      "`PLAYD` below is playd's address (e.g. http://127.0.0.1:8080); off loopback, add\n"
      "`-H \"Authorization: Bearer $PLAYD_ADMIN_TOKEN\"` to every curl.\n\n";
  out += "Alerts watching this play:\n\n";
  for (const auto& l : alert_lines(p)) out += "- " + l + "\n";

  std::vector<std::string> sig;
  for (const auto& s : e.signals) sig.push_back(code(s));
  out += "\n## 1. Is the signal arriving?\n\n";
  out += "The play listens to " + join(sig, ", ") + ". Every signal of " +
         std::string(e.signals.size() == 1 ? "that type" : "those types") +
         " that playd evaluates counts in `playd_play_outcomes_total{" + "play=\"" + e.name +
         "\"}`, whatever the outcome:\n\n";
  out += "```sh\ncurl -s \"$PLAYD/metrics\" | grep -E \"playd_play_outcomes_total\\{" + q +
         "|playd_signals_received_total|playd_queue_(depth|oldest_age_seconds)\"\n```\n\n";
  out += "- Flat outcome counters while `playd_signals_received_total` grows: signals of " +
         std::string(e.signals.size() == 1 ? "this type" : "these types") +
         " are not arriving (the tracking script, the Segment source or the integration that sends them).\n";
  out += "- `playd_queue_oldest_age_seconds{lane=\"" + (lanes == "high" ? std::string("high") : "normal") +
         "\"}` growing: signals arrive but wait; is playd evaluating (`curl -s \"$PLAYD/healthz\"`)?\n";
  out += "- One signal by id (the `id` of its envelope):\n\n";
  out += "```sh\ncurl -s \"$PLAYD/v1/signals/SIGNAL_ID/trace\"\n```\n";

  out += "\n## 2. Does qualification pass?\n\n";
  out +=
      "The trace above shows, for this play, the outcome and the clause that decided it. Outcomes so "
      "far:\n\n";
  out += "```sh\ncurl -s \"$PLAYD/metrics\" | grep \"playd_play_outcomes_total{" + q + "\"\n```\n\n";
  out += "What can stop it, from its definition:\n\n";
  if (!e.icps.empty()) out += "- `not_icp`: the account must match ICP " + join(e.icps, ", ") + ".\n";
  for (const auto& x : e.exclusions) out += "- `excluded` (reason \"" + x + "\").\n";
  if (e.suppression)
    out += "- `suppressed` by the suppress block" +
           (e.suppression_rules.empty() ? std::string(".") : ": " + join(e.suppression_rules, "; ") + ".") +
           "\n";
  if (!e.dedup.empty()) out += "- `deduplicated`: " + dedup_text(e) + ".\n";
  out +=
      "- `no_match`: a `where` clause was false; `error`: a clause failed at run time (the trace names "
      "it).\n";
  out +=
      "\nTo reproduce offline with the same engine: `playc run PLAYS --signals signal.ndjson --context "
      "context.json --trace`.\n";

  out += "\n## 3. Did the action execute?\n\n";
  out += "The play issues: " + actions_text(e) + ".";
  if (e.mode == "shadow") out += " It runs in `mode shadow`: its actions are recorded, never sent.";
  out += "\n\n```sh\ncurl -s \"$PLAYD/metrics\" | grep -E \"playd_play_actions_total\\{" + q +
         "|playd_outbox_(depth|oldest_age_seconds)|playd_dlq_size\"\n```\n\n";
  out +=
      "`playd_play_actions_total{play, sink, result}` counts issued, sent, retry, dlq and cancelled actions. "
      "Actions that gave up are in the dead-letter queue:\n\n";
  out +=
      "```sh\nplayd dlq list --data DATA        # or: curl -s \"$PLAYD/v1/admin/dlq\"\n"
      "playd dlq show KEY --data DATA\nplayd dlq replay KEY --data DATA  # after fixing the sink\n```\n";

  out += "\n## 4. Where are the logs?\n\n";
  out +=
      "playd logs to stderr, one line per event, prefixed `playd:` (under systemd: `journalctl -u playd`; in "
      "a "
      "container: `docker logs`). Search for the play's name, `" +
      e.name +
      "`, and for its sinks. Delivered actions of the file sink are in `DATA/outbox.ndjson`. The trace (1.) "
      "and the DLQ entry (3.) carry the signal id and the action's key to search for.\n";

  out += "\n## 5. Whom to escalate to?\n\n";
  out += "- On-call: " + (e.oncall.empty() ? std::string("(none set: add `oncall` to the play)") : e.oncall) +
         "\n";
  out += "- Owner: " + (e.owner.empty() ? std::string("(none)") : e.owner) + "\n";
  if (!e.runbook.empty()) out += "- The team's own runbook: " + e.runbook + "\n";
  return out;
}

bool write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  return static_cast<bool>(f);
}

}  // namespace

int run_registry(const RegistryOptions& o) {
  vm::Bundle bundle;
  if (int rc = report_load(loader::load(o.paths, bundle))) return rc;
  std::vector<RegistryEntry> entries = observe::registry(bundle);
  if (!o.runbooks.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.runbooks, ec);
    if (ec) {
      std::fprintf(stderr, "playc registry: cannot create '%s': %s\n", o.runbooks.c_str(),
                   ec.message().c_str());
      return 2;
    }
    for (size_t i = 0; i < entries.size(); ++i) {
      auto path = std::filesystem::path(o.runbooks) / (entries[i].name + ".md");
      if (!write_text(path, runbook(entries[i], bundle.plays[i], bundle))) {
        std::fprintf(stderr, "playc registry: cannot write '%s'\n", path.c_str());
        return 2;
      }
    }
  }
  std::string out = o.format == "json"   ? observe::registry_json(entries) + "\n"
                    : o.format == "html" ? html(entries, bundle)
                                         : markdown(entries, bundle, !o.runbooks.empty());
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace play::playc
