// Alert rules (RUNTIME.md, "Observability"; the seed's volume, health and
// lag alerts, plus latency against SLA and undelivered actions), as pure
// functions: facts in (the hourly history, the lanes, the open actions, the
// incidents firing now), findings out, then the incidents that start and
// end. alert_evaluator.h runs them on the service's clock; the store keeps
// the incidents; runtime/sinks/alert_sinks.h sends them.
//
// | rule | subject, key | fires when | value / threshold |
// |---|---|---|---|
// | volume_drop | a play: playd/volume_drop/PLAY | its signals in the last 24 h < volume_drop x its 7-day
// daily average | ratio / volume_drop | | volume_spike | a play: playd/volume_spike/PLAY | ... > volume_spike
// x that average | ratio / volume_spike | | success_rate | a play's sink: playd/success_rate/PLAY/SINK |
// delivered / (delivered + failed attempts) over success_window < success_rate | ratio / success_rate | | lag
// | a lane: playd/lag/LANE | its oldest unprocessed signal is older than the smallest sla of the plays it
// feeds | seconds / seconds | | latency_p95 | a play: playd/latency_p95/PLAY | its p95 signal -> delivered
// over latency_window > its sla | seconds / seconds | | undelivered | a play's sink:
// playd/undelivered/PLAY/SINK | an action still open undelivered_after after it was issued | seconds (oldest)
// / seconds |
//
// "The last 24 h" is the current hour and the 23 before it; the 7-day
// average is over the 7 days (168 hours) before those, divided by the days
// the play has history for (at most 7). Volume rules need volume_min_days of
// history and a daily average of at least volume_min_daily. A volume_drop
// keeps the average it fired against until it resolves: after a week of a
// dead tracking script the rolling average would be ~0 and the drop would
// otherwise "resolve" by itself. Windows (success_window, latency_window)
// cover the hours that started at or after now - window: at least the window.
// A subject a rule cannot judge (too few attempts, no history) is not found,
// and an incident firing for it resolves.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/store/store.h"

namespace play::observe {

inline constexpr std::string_view kAlertRules[] = {"volume_drop", "volume_spike", "success_rate",
                                                   "lag",         "latency_p95",  "undelivered"};
bool is_alert_rule(std::string_view rule);

// The thresholds the rules apply to one play: [alerts] in the config, then
// a play's own (a future `alert` line in the play), then [alerts.plays.NAME].
struct PlayThresholds {
  double volume_drop = 0.5;
  double volume_spike = 10;
  double volume_min_days = 7;
  double volume_min_daily = 10;
  double success_rate = 0.95;
  int64_t success_window_ms = store::kHourMs;
  uint64_t success_min_attempts = 10;
  int64_t sla_ms = 0;  // lag and latency_p95 against this; 0: the play's own `sla`
  int64_t latency_window_ms = store::kHourMs;
  uint64_t latency_min_count = 10;
  int64_t undelivered_after_ms = 2 * store::kHourMs;
  std::set<std::string> disabled;  // rule names
  bool enabled(std::string_view rule) const { return !disabled.count(std::string(rule)); }
};

// A layer of overrides: what it sets replaces the layer below.
struct ThresholdOverrides {
  std::optional<double> volume_drop, volume_spike, volume_min_days, volume_min_daily, success_rate;
  std::optional<int64_t> success_window_ms, sla_ms, latency_window_ms, undelivered_after_ms;
  std::optional<uint64_t> success_min_attempts, latency_min_count;
  std::optional<std::set<std::string>> disabled;
  void apply_to(PlayThresholds& t) const;
};

enum class LatencyOrigin : uint8_t { Received, Occurred };

struct AlertSettings {
  PlayThresholds defaults;                          // [alerts]
  std::map<std::string, ThresholdOverrides> plays;  // [alerts.plays.NAME]
  LatencyOrigin latency_from = LatencyOrigin::Received;
  int64_t interval_ms = 60000;  // how often the rules run (service clock)
  // A play's thresholds: defaults, then `from_play` (the play's own, when
  // the language has them), then the config's overrides for it.
  PlayThresholds for_play(const std::string& name, const ThresholdOverrides* from_play = nullptr) const;
};

// ---- facts -----------------------------------------------------------------------

struct PlayFacts {
  std::string name;
  int64_t sla_ms = 0;              // the play's `sla` (0: none)
  std::vector<store::Lane> lanes;  // the lanes its signal types ride
  ThresholdOverrides own;          // the play's own overrides (none yet)
};

struct LaneFacts {
  store::Lane lane = store::Lane::Normal;
  uint64_t depth = 0;
  int64_t oldest_received_at_ms = 0;  // 0 when empty
};

struct AlertInputs {
  int64_t now_ms = 0;
  std::vector<PlayFacts> plays;                // the loaded plays
  std::vector<store::HistoryBucket> hourly;    // hourly, grouped by play, from history_from() to now
  std::map<std::string, int64_t> first_hours;  // store::Store::history_first_hours()
  std::vector<LaneFacts> lanes;
  std::vector<store::UndeliveredGroup> undelivered;  // open actions older than undelivered_cutoff()
  std::vector<store::AlertRecord> firing;            // incidents firing now
};

// The hours the rules read (the history query's from_ms), and the age past
// which open actions are fetched.
int64_t history_from(int64_t now_ms, const AlertSettings& settings, const std::vector<PlayFacts>& plays,
                     const std::vector<store::AlertRecord>& firing);
int64_t undelivered_cutoff(int64_t now_ms, const AlertSettings& settings,
                           const std::vector<PlayFacts>& plays);

// ---- findings and incidents ----------------------------------------------------------

struct Finding {
  std::string key, rule, play, subject;
  bool firing = false;
  double value = 0, threshold = 0;
  std::string summary;
};

// Every subject the rules could judge, firing or not.
std::vector<Finding> evaluate_rules(const AlertInputs& inputs, const AlertSettings& settings);

struct AlertChanges {
  std::vector<store::AlertRecord> save;    // new incidents, updated values, resolved ones
  std::vector<store::AlertRecord> notify;  // the incidents that started or ended now
};
// From the incidents firing now and what the rules found: a firing finding
// with no incident starts one; an incident whose subject is found not
// firing, or not found at all, resolves.
AlertChanges apply_findings(const std::vector<store::AlertRecord>& firing,
                            const std::vector<Finding>& findings, int64_t now_ms);

// "12m", "4h", "1h30m" (a duration for people, rounded to the second, or to
// the minute past an hour).
std::string short_duration(int64_t ms);

}  // namespace play::observe
