#include "runtime/observe/alerts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/time/time.h"

namespace play::observe {

using store::kDayMs;
using store::kHourMs;

namespace {

int64_t hour_of(int64_t ms) { return ms - ((ms % kHourMs) + kHourMs) % kHourMs; }

constexpr int kBaselineDays = 7;

// The first hour of a window that covers at least `window_ms` before now.
int64_t window_start(int64_t now_ms, int64_t window_ms) { return hour_of(now_ms - window_ms); }
// The current "last 24 h": the current hour and the 23 before it.
int64_t day_start(int64_t now_ms) { return hour_of(now_ms) - 23 * kHourMs; }

std::string percent(double ratio) {
  char buf[32];
  double p = ratio * 100;
  std::snprintf(buf, sizeof buf, p < 10 && p != std::floor(p) ? "%.1f%%" : "%.0f%%", p);
  return buf;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 && v != std::floor(v) ? "%.1f" : "%.0f", v);
  return buf;
}

// A play's hourly buckets (sorted by start), summed over [from, to).
struct PlayHistory {
  std::vector<const store::HistoryBucket*> hours;
  uint64_t signals(int64_t from, int64_t to) const {
    uint64_t n = 0;
    for (const auto* b : hours)
      if (b->start_ms >= from && b->start_ms < to) n += b->signals;
    return n;
  }
  store::HistoryBucket merged(int64_t from, int64_t to) const {
    store::HistoryBucket m;
    for (const auto* b : hours)
      if (b->start_ms >= from && b->start_ms < to) m.merge(*b);
    return m;
  }
};

struct Context {
  const AlertInputs& in;
  const AlertSettings& settings;
  std::map<std::string, PlayHistory> history;
  std::vector<Finding> out;
  int64_t now_hour_end() const { return hour_of(in.now_ms) + kHourMs; }

  void found(std::string key, const char* rule, const std::string& play, std::string subject, bool firing,
             double value, double threshold, std::string summary) {
    out.push_back(
        {std::move(key), rule, play, std::move(subject), firing, value, threshold, std::move(summary)});
  }
  const store::AlertRecord* firing(const std::string& key) const {
    for (const auto& a : in.firing)
      if (a.key == key) return &a;
    return nullptr;
  }
  int64_t sla(const PlayFacts& p, const PlayThresholds& t) const {
    return t.sla_ms > 0 ? t.sla_ms : p.sla_ms;
  }

  void volume(const PlayFacts& p, const PlayThresholds& t);
  void success(const PlayFacts& p, const PlayThresholds& t);
  void latency(const PlayFacts& p, const PlayThresholds& t);
  void undelivered(const PlayFacts& p, const PlayThresholds& t);
  void lag();
};

// The 7-day daily average before a day window starting at `day`: the
// signals of the 168 hours before it, over the days of history it has.
struct Baseline {
  double average = 0;
  double days = 0;  // of history before `day` (at most 7)
};
Baseline baseline(const PlayHistory& h, int64_t day, std::optional<int64_t> first_hour) {
  Baseline b;
  if (!first_hour) return b;
  int64_t from = day - kBaselineDays * kDayMs;
  b.days = std::clamp(double(day - std::max(from, *first_hour)) / double(kDayMs), 0.0, double(kBaselineDays));
  if (b.days > 0) b.average = double(h.signals(from, day)) / b.days;
  return b;
}

void Context::volume(const PlayFacts& p, const PlayThresholds& t) {
  const PlayHistory& h = history[p.name];
  int64_t day = day_start(in.now_ms);
  double today = double(h.signals(day, now_hour_end()));
  std::optional<int64_t> first;
  if (auto it = in.first_hours.find(p.name); it != in.first_hours.end()) first = it->second;
  Baseline now_base = baseline(h, day, first);
  bool judged =
      now_base.days >= t.volume_min_days && now_base.average >= t.volume_min_daily && now_base.average > 0;
  auto ratio_text = [&](double ratio, double avg) {
    return p.name + ": " + number(today) + " signals in the last 24h, " + percent(ratio) +
           " of its 7-day daily average of " + number(avg);
  };
  if (t.enabled("volume_drop")) {
    std::string key = "playd/volume_drop/" + p.name;
    // A drop keeps the average it fired against (the one before it began).
    Baseline base = now_base;
    bool ok = judged;
    if (const auto* f = firing(key)) {
      Baseline pinned = baseline(h, day_start(f->since_ms), first);
      if (pinned.average > 0) base = pinned, ok = true;
    }
    if (ok) {
      double ratio = today / base.average;
      found(key, "volume_drop", p.name, "", ratio < t.volume_drop, ratio, t.volume_drop,
            ratio_text(ratio, base.average) + " (threshold " + percent(t.volume_drop) + ")");
    }
  }
  if (t.enabled("volume_spike") && judged) {
    double ratio = today / now_base.average;
    char x[32];
    std::snprintf(x, sizeof x, "%.1fx", ratio);
    found("playd/volume_spike/" + p.name, "volume_spike", p.name, "", ratio > t.volume_spike, ratio,
          t.volume_spike,
          p.name + ": " + number(today) + " signals in the last 24h, " + x + " its 7-day daily average of " +
              number(now_base.average) + " (threshold " + number(t.volume_spike) + "x)");
  }
}

void Context::success(const PlayFacts& p, const PlayThresholds& t) {
  if (!t.enabled("success_rate")) return;
  store::HistoryBucket m =
      history[p.name].merged(window_start(in.now_ms, t.success_window_ms), now_hour_end());
  for (const auto& [sink, c] : m.sinks) {
    uint64_t attempts = c.delivered + c.failed;
    if (attempts == 0 || attempts < t.success_min_attempts) continue;
    double rate = double(c.delivered) / double(attempts);
    found("playd/success_rate/" + p.name + "/" + sink, "success_rate", p.name, "sink " + sink,
          rate < t.success_rate, rate, t.success_rate,
          p.name + " -> sink " + sink + ": " + percent(rate) +
              " of delivery attempts succeeded in the last " + short_duration(t.success_window_ms) + " (" +
              std::to_string(c.delivered) + " of " + std::to_string(attempts) + "; threshold " +
              percent(t.success_rate) + ")");
  }
}

void Context::latency(const PlayFacts& p, const PlayThresholds& t) {
  int64_t target = sla(p, t);
  if (!t.enabled("latency_p95") || target <= 0) return;
  store::HistoryBucket m =
      history[p.name].merged(window_start(in.now_ms, t.latency_window_ms), now_hour_end());
  bool occurred = settings.latency_from == LatencyOrigin::Occurred;
  const LatencySketch& s = occurred ? m.from_occurred : m.from_received;
  if (s.empty() || s.count() < t.latency_min_count) return;
  double p95 = s.quantile(0.95);
  found("playd/latency_p95/" + p.name, "latency_p95", p.name, "", p95 > double(target), p95 / 1000.0,
        double(target) / 1000.0,
        p.name + ": p95 signal->action " + short_duration(int64_t(p95)) + " over the last " +
            short_duration(t.latency_window_ms) + " (from " + (occurred ? "occurred_at" : "received") + ", " +
            std::to_string(s.count()) + " actions), sla " + short_duration(target));
}

void Context::undelivered(const PlayFacts& p, const PlayThresholds& t) {
  if (!t.enabled("undelivered")) return;
  for (const auto& g : in.undelivered) {
    if (g.play != p.name) continue;
    int64_t age = in.now_ms - g.oldest_created_ms;
    found("playd/undelivered/" + p.name + "/" + g.sink, "undelivered", p.name, "sink " + g.sink,
          age >= t.undelivered_after_ms, double(age) / 1000.0, double(t.undelivered_after_ms) / 1000.0,
          p.name + ": " + std::to_string(g.actions) + " action" + (g.actions == 1 ? "" : "s") + " to sink " +
              g.sink + " undelivered for more than " + short_duration(t.undelivered_after_ms) + " (oldest " +
              short_duration(age) + ")");
  }
}

void Context::lag() {
  for (const auto& l : in.lanes) {
    // The tightest sla among the plays this lane feeds.
    const PlayFacts* tightest = nullptr;
    int64_t target = 0;
    for (const auto& p : in.plays) {
      if (std::find(p.lanes.begin(), p.lanes.end(), l.lane) == p.lanes.end()) continue;
      PlayThresholds t = settings.for_play(p.name, &p.own);
      int64_t s = sla(p, t);
      if (!t.enabled("lag") || s <= 0) continue;
      if (!tightest || s < target) tightest = &p, target = s;
    }
    if (!tightest) continue;
    int64_t age =
        l.depth && l.oldest_received_at_ms ? std::max<int64_t>(0, in.now_ms - l.oldest_received_at_ms) : 0;
    std::string lane = store::lane_name(l.lane);
    found("playd/lag/" + lane, "lag", tightest->name, "lane " + lane, age > target, double(age) / 1000.0,
          double(target) / 1000.0,
          "lane " + lane + ": the oldest of " + std::to_string(l.depth) + " unprocessed signals has waited " +
              short_duration(age) + "; the tightest sla of the plays it feeds is " + short_duration(target) +
              " (" + tightest->name + ")");
  }
}

}  // namespace

bool is_alert_rule(std::string_view rule) {
  return std::find(std::begin(kAlertRules), std::end(kAlertRules), rule) != std::end(kAlertRules);
}

void ThresholdOverrides::apply_to(PlayThresholds& t) const {
  if (volume_drop) t.volume_drop = *volume_drop;
  if (volume_spike) t.volume_spike = *volume_spike;
  if (volume_min_days) t.volume_min_days = *volume_min_days;
  if (volume_min_daily) t.volume_min_daily = *volume_min_daily;
  if (success_rate) t.success_rate = *success_rate;
  if (success_window_ms) t.success_window_ms = *success_window_ms;
  if (success_min_attempts) t.success_min_attempts = *success_min_attempts;
  if (sla_ms) t.sla_ms = *sla_ms;
  if (latency_window_ms) t.latency_window_ms = *latency_window_ms;
  if (latency_min_count) t.latency_min_count = *latency_min_count;
  if (undelivered_after_ms) t.undelivered_after_ms = *undelivered_after_ms;
  if (disabled) t.disabled = *disabled;
}

PlayThresholds AlertSettings::for_play(const std::string& name, const ThresholdOverrides* from_play) const {
  PlayThresholds t = defaults;
  if (from_play) from_play->apply_to(t);
  if (auto it = plays.find(name); it != plays.end()) it->second.apply_to(t);
  return t;
}

int64_t history_from(int64_t now_ms, const AlertSettings& settings, const std::vector<PlayFacts>& plays,
                     const std::vector<store::AlertRecord>& firing) {
  int64_t from = day_start(now_ms) - kBaselineDays * kDayMs;
  for (const auto& p : plays) {
    PlayThresholds t = settings.for_play(p.name, &p.own);
    from = std::min(
        {from, window_start(now_ms, t.success_window_ms), window_start(now_ms, t.latency_window_ms)});
  }
  for (const auto& a : firing)
    if (a.rule == "volume_drop") from = std::min(from, day_start(a.since_ms) - kBaselineDays * kDayMs);
  return from;
}

int64_t undelivered_cutoff(int64_t now_ms, const AlertSettings& settings,
                           const std::vector<PlayFacts>& plays) {
  int64_t after = settings.defaults.undelivered_after_ms;
  for (const auto& p : plays) after = std::min(after, settings.for_play(p.name, &p.own).undelivered_after_ms);
  return now_ms - after;
}

std::vector<Finding> evaluate_rules(const AlertInputs& in, const AlertSettings& settings) {
  Context c{in, settings, {}, {}};
  for (const auto& b : in.hourly) c.history[b.play].hours.push_back(&b);
  for (const auto& p : in.plays) {
    PlayThresholds t = settings.for_play(p.name, &p.own);
    c.volume(p, t);
    c.success(p, t);
    c.latency(p, t);
    c.undelivered(p, t);
  }
  c.lag();
  return std::move(c.out);
}

AlertChanges apply_findings(const std::vector<store::AlertRecord>& firing,
                            const std::vector<Finding>& findings, int64_t now_ms) {
  AlertChanges ch;
  std::map<std::string, const Finding*> by_key;
  for (const auto& f : findings) by_key[f.key] = &f;
  for (const auto& a : firing) {
    auto it = by_key.find(a.key);
    store::AlertRecord r = a;
    if (it != by_key.end()) {
      r.value = it->second->value;
      r.threshold = it->second->threshold;
      r.summary = it->second->summary;
      r.play = it->second->play;
    }
    if (it == by_key.end() || !it->second->firing) {
      r.state = "resolved";
      r.until_ms = now_ms;
      if (it == by_key.end()) r.summary = a.summary + " -- no longer found";
      ch.save.push_back(r);
      ch.notify.push_back(r);
    } else if (r.value != a.value || r.summary != a.summary || r.play != a.play) {
      ch.save.push_back(r);
    }
    by_key.erase(a.key);
  }
  for (const auto& f : findings) {
    auto it = by_key.find(f.key);
    if (it == by_key.end() || it->second != &f || !f.firing) continue;  // known, or not firing
    store::AlertRecord r;
    r.key = f.key;
    r.rule = f.rule;
    r.play = f.play;
    r.subject = f.subject;
    r.state = "firing";
    r.since_ms = now_ms;
    r.value = f.value;
    r.threshold = f.threshold;
    r.summary = f.summary;
    ch.save.push_back(r);
    ch.notify.push_back(r);
  }
  return ch;
}

std::string short_duration(int64_t ms) {
  if (ms < 0) ms = 0;
  if (ms < 1000) return std::to_string(ms) + "ms";
  int64_t s = ms / 1000;
  if (s >= 3600) s -= s % 60;  // past an hour, minutes are enough
  return format_duration(s * 1000);
}

}  // namespace play::observe
