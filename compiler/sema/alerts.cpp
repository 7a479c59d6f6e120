// A play's alert thresholds (docs/language.md, "Alert thresholds"): the
// `alert` lines of its metadata, checked against one table of what each
// measure takes, into Play::alerts. playd's alert engine and
// `playc alerts --format prometheus` read them from the bundle.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include "compiler/sema/checker.h"

namespace play::sema {

namespace {

enum class Rule : uint8_t { VolumeDrop, VolumeSpike, SuccessRate, Lag, LatencyP95, Undelivered };

// One row per threshold a play may set: `alert MEASURE below|above|after VALUE`.
struct AlertMeasure {
  const char* measure;  // as written after `alert`
  ast::AlertDir dir;    // the direction the alert fires in
  ast::AlertUnit unit;  // the form of the threshold
  Rule rule;            // the rule of playd's alert engine it overrides
  const char* takes;    // what the threshold is, in words
  const char* example;  // a whole line
};

constexpr AlertMeasure kAlertMeasures[] = {
    {"volume", ast::AlertDir::Below, ast::AlertUnit::Percent, Rule::VolumeDrop,
     "a percentage of the play's 7-day daily average", "alert volume below 30%"},
    {"volume", ast::AlertDir::Above, ast::AlertUnit::Factor, Rule::VolumeSpike,
     "a multiple of the play's 7-day daily average", "alert volume above 5x"},
    {"success_rate", ast::AlertDir::Below, ast::AlertUnit::Percent, Rule::SuccessRate,
     "a percentage of action deliveries that succeed", "alert success_rate below 90%"},
    {"lag", ast::AlertDir::Above, ast::AlertUnit::Duration, Rule::Lag,
     "a duration: the age of the oldest signal waiting for the play", "alert lag above 10m"},
    {"latency_p95", ast::AlertDir::Above, ast::AlertUnit::Duration, Rule::LatencyP95,
     "a duration: the play's p95 signal-to-action latency", "alert latency_p95 above 30m"},
    {"undelivered", ast::AlertDir::After, ast::AlertUnit::Duration, Rule::Undelivered,
     "a duration: how long an issued action may stay undelivered", "alert undelivered after 2h"},
};

constexpr int64_t kMaxLatencyMs = 24 * 3600 * 1000;  // playd's latency histogram ends at 24 h
constexpr int64_t kMaxWaitMs = 7LL * 24 * 3600 * 1000;

const char* unit_words(ast::AlertUnit u) {
  switch (u) {
    case ast::AlertUnit::Percent:
      return "a percentage";
    case ast::AlertUnit::Factor:
      return "a multiple";
    case ast::AlertUnit::Duration:
      return "a duration";
    case ast::AlertUnit::None:
      break;
  }
  return "a number without a unit";
}

const char* dir_word(ast::AlertDir d) {
  switch (d) {
    case ast::AlertDir::Below:
      return "below";
    case ast::AlertDir::Above:
      return "above";
    case ast::AlertDir::After:
      break;
  }
  return "after";
}

std::string item_words(const ast::AlertItem& a) {
  if (a.off) return a.measure.empty() ? "alert off" : fmt::format("alert {} off", a.measure);
  return fmt::format("alert {} {}", a.measure, dir_word(a.dir));
}

std::string line_words(const ast::AlertItem& a) {
  return a.off ? item_words(a) : item_words(a) + " " + a.raw;
}

// A did-you-mean if there is one, else the whole list.
std::string or_list(const std::string& near, const char* list) { return near.empty() ? list : near; }

uint8_t bit(Rule r) { return static_cast<uint8_t>(1u << static_cast<unsigned>(r)); }

}  // namespace

void Checker::check_play_alerts(const ast::PlayDecl& decl, Play& play) {
  std::map<std::string, Span> seen;  // "alert volume below" -> first line
  const ast::PlayItem* all_off = nullptr;
  std::vector<std::pair<const ast::PlayItem*, uint8_t>> set;  // thresholds and single-rule offs, by rule bit
  for (const auto& item : decl.items) {
    if (item.kind != ast::PlayItemKind::Alert) continue;
    const ast::AlertItem& a = item.alert;
    std::string words = item_words(a);
    if (!seen.emplace(words, item.span).second) {
      d_.error("P0318", item.span, fmt::format("`{}` is given twice in play '{}'", words, decl.name));
      continue;
    }
    if (a.off && a.measure.empty()) {
      all_off = &item;
      play.alerts.off = kAllAlertRules;
      continue;
    }
    if (a.off) {
      std::vector<std::string> rules(std::begin(kAlertRuleNames), std::end(kAlertRuleNames));
      auto it = std::find(rules.begin(), rules.end(), a.measure);
      if (it == rules.end()) {
        d_.error(
            "P0315", a.measure_span,
            fmt::format("unknown alert rule '{}'{}", a.measure,
                        or_list(did_you_mean(a.measure, rules),
                                "; the rules are volume_drop, volume_spike, success_rate, lag, latency_p95 "
                                "and undelivered")));
        continue;
      }
      uint8_t b = static_cast<uint8_t>(1u << (it - rules.begin()));
      play.alerts.off |= b;
      set.emplace_back(&item, b);
      continue;
    }
    if (uint8_t b = check_alert_threshold(a, play)) set.emplace_back(&item, b);
  }
  // A threshold on a silenced rule, or a rule silenced twice over, is a
  // mistake: the author expects the line to do something.
  for (const auto& [item, b] : set) {
    const ast::AlertItem& a = item->alert;
    if (all_off) {
      uint32_t line = p_.sources.file(all_off->span.file).line_col(all_off->span.begin).line;
      d_.error(
          "P0319", item->span,
          fmt::format("play '{}' says `alert off` (line {}), which silences all its alerts, so `{}` would "
                      "never be used: remove it, or remove `alert off`",
                      decl.name, line, line_words(a)));
    } else if (!a.off && (play.alerts.off & b)) {
      std::string rule = kAlertRuleNames[std::countr_zero(b)];
      d_.error(
          "P0319", item->span,
          fmt::format("play '{}' says `alert {} off`, so this threshold would never be used: remove one of "
                      "the two lines",
                      decl.name, rule));
    }
  }
}

uint8_t Checker::check_alert_threshold(const ast::AlertItem& a, Play& play) {
  std::vector<std::string> measures;
  const AlertMeasure* same_measure = nullptr;
  const AlertMeasure* row = nullptr;
  for (const auto& m : kAlertMeasures) {
    if (measures.empty() || measures.back() != m.measure) measures.push_back(m.measure);
    if (a.measure != m.measure) continue;
    same_measure = same_measure ? same_measure : &m;
    if (m.dir == a.dir) row = &m;
  }
  if (!same_measure) {
    // `alert volume_drop below 30%`: a rule name where the measure goes.
    std::string near;
    if (a.measure == "volume_drop" || a.measure == "volume_spike")
      near = "; the measure is 'volume': write `alert volume below 30%` or `alert volume above 5x`";
    else
      near = did_you_mean(a.measure, measures);
    d_.error(
        "P0315", a.measure_span,
        fmt::format("unknown alert '{}'{}", a.measure,
                    or_list(near,
                            "; a play can set `alert volume below 30%`, `alert volume above 5x`, "
                            "`alert success_rate below 90%`, `alert lag above 10m`, `alert latency_p95 above "
                            "30m`, `alert undelivered after 2h`, `alert RULE off` or `alert off`")));
    return 0;
  }
  if (!row) {
    d_.error("P0316", a.measure_span,
             fmt::format("`alert {} {}` is not a threshold a play can set: write `{}`", a.measure,
                         dir_word(a.dir), same_measure->example));
    return 0;
  }
  if (a.unit != row->unit) {
    d_.error("P0316", a.value_span,
             fmt::format("`alert {} {}` takes {}, e.g. `{}`; {} is {}", a.measure, dir_word(a.dir),
                         row->takes, row->example, a.raw, unit_words(a.unit)));
    return 0;
  }
  auto out_of_range = [&](const std::string& why) -> uint8_t {
    d_.error("P0317", a.value_span, fmt::format("`{} {}` is out of range: {}", item_words(a), a.raw, why));
    return 0;
  };
  switch (row->rule) {
    case Rule::VolumeDrop:
    case Rule::SuccessRate:
      if (!(a.number > 0 && a.number < 100))
        return out_of_range("a percentage here is more than 0% and less than 100%");
      (row->rule == Rule::VolumeDrop ? play.alerts.volume_drop : play.alerts.success_rate) = a.number / 100;
      return bit(row->rule);
    case Rule::VolumeSpike:
      if (!(a.number > 1 && a.number <= 1000000 && std::isfinite(a.number)))
        return out_of_range("a spike is more than 1x the daily average (and at most 1000000x)");
      play.alerts.volume_spike = a.number;
      return bit(row->rule);
    case Rule::LatencyP95:
      if (a.ms <= 0 || a.ms > kMaxLatencyMs)
        return out_of_range(
            "the latency bound is more than 0s and at most 24h, the longest latency playd measures");
      play.alerts.latency_ms = a.ms;
      return bit(row->rule);
    case Rule::Lag:
    case Rule::Undelivered:
      if (a.ms <= 0 || a.ms > kMaxWaitMs) return out_of_range("the duration is more than 0s and at most 7d");
      (row->rule == Rule::Lag ? play.alerts.lag_ms : play.alerts.undelivered_ms) = a.ms;
      return bit(row->rule);
  }
  return 0;
}

}  // namespace play::sema
