// The hourly history (written inside the transactions of qualify.cpp,
// delivery.cpp and reads.cpp through HistoryDelta) and its reads; the
// alerts' incidents.
#include "runtime/store/postgres/history.h"

#include <algorithm>

#include "runtime/store/postgres/pg_store.h"

namespace play::store {

namespace pg {

void HistoryDelta::count(int64_t at_ms, const std::string& play, const std::string& type, const char* metric,
                         const std::string& label, int64_t n) {
  if (n == 0) return;
  int64_t hour = hour_of(at_ms);
  counts_[{hour, play, type, metric, label}] += n;
  if (n > 0) {
    auto [it, fresh] = first_hours_.emplace(play, hour);
    if (!fresh) it->second = std::min(it->second, hour);
  }
}

void HistoryDelta::delivered(int64_t at_ms, const std::string& play, const std::string& type,
                             int64_t occurred_at_ms, int64_t received_at_ms) {
  int64_t hour = hour_of(at_ms);
  if (occurred_at_ms > 0) latency_[{hour, play, type, "occurred"}].add(double(at_ms - occurred_at_ms));
  if (received_at_ms > 0) latency_[{hour, play, type, "received"}].add(double(at_ms - received_at_ms));
}

void HistoryDelta::write(Conn& c) {
  for (const auto& [k, n] : counts_) {
    const auto& [hour, play, type, metric, label] = k;
    Params p;
    p.add(hour).add(play).add(type).add(metric).add(label).add(n);
    // A negative change never creates a row, nor takes one below zero.
    if (n > 0)
      c.exec(
          "INSERT INTO history(hour_ms, play, signal_type, metric, label, n) VALUES ($1,$2,$3,$4,$5,$6) ON "
          "CONFLICT (hour_ms, play, signal_type, metric, label) DO UPDATE SET n = history.n + excluded.n",
          p);
    else
      c.exec(
          "UPDATE history SET n = GREATEST(0, n + $6) WHERE hour_ms = $1 AND play = $2 AND signal_type = $3 "
          "AND metric = $4 AND label = $5",
          p);
  }
  for (auto& [k, sketch] : latency_) {
    const auto& [hour, play, type, origin] = k;
    Params key;
    key.add(hour).add(play).add(type).add(origin);
    // Locked while merged: two nodes delivering in one hour add up.
    for (int round = 0; round < 2; ++round) {
      Result old = c.exec(
          "SELECT sketch FROM history_latency WHERE hour_ms = $1 AND play = $2 AND signal_type = $3 AND "
          "origin "
          "= $4 FOR UPDATE",
          key);
      if (old.rows() > 0) {
        LatencySketch merged = sketch, prev;
        if (LatencySketch::decode(old.bytea(0, 0), prev))
          merged.merge(prev);  // an unreadable one is replaced
        Params p = key;
        p.add_bytea(merged.encode());
        c.exec(
            "UPDATE history_latency SET sketch = $5 WHERE hour_ms = $1 AND play = $2 AND signal_type = $3 "
            "AND "
            "origin = $4",
            p);
        break;
      }
      Params p = key;
      p.add_bytea(sketch.encode());
      if (c.exec("INSERT INTO history_latency(hour_ms, play, signal_type, origin, sketch) VALUES "
                 "($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
                 p)
              .affected() == 1)
        break;  // else another node inserted it meanwhile: merge with it
    }
  }
  for (const auto& [play, hour] : first_hours_)
    c.exec(
        "INSERT INTO history_plays(play, first_hour_ms) VALUES ($1, $2) ON CONFLICT (play) DO UPDATE SET "
        "first_hour_ms = LEAST(history_plays.first_hour_ms, excluded.first_hour_ms)",
        Params().add(play).add(hour));
  counts_.clear();
  latency_.clear();
  first_hours_.clear();
}

}  // namespace pg

namespace {

void add_metric(HistoryBucket& b, std::string_view metric, const std::string& label, uint64_t n) {
  if (metric == "signals")
    b.signals += n;
  else if (metric == "outcome")
    b.outcomes[label] += n;
  else if (metric == "suppressed")
    b.suppressed_by[label] += n;
  else if (metric == "issued")
    b.sinks[label].issued += n;
  else if (metric == "delivered")
    b.sinks[label].delivered += n;
  else if (metric == "failed")
    b.sinks[label].failed += n;
  else if (metric == "dlq")
    b.sinks[label].dlq += n;
  else if (metric == "cancelled")
    b.sinks[label].cancelled += n;
  else if (metric == "shadow")
    b.sinks[label].shadow += n;
}

}  // namespace

std::vector<HistoryBucket> PgStore::history(const HistoryQuery& q) {
  int64_t from = pg::hour_of(std::max<int64_t>(q.from_ms, 0));
  int64_t step = std::max<int64_t>(kHourMs, (q.step_ms + kHourMs - 1) / kHourMs * kHourMs);
  bool by_play = q.group == HistoryGroup::Play || q.group == HistoryGroup::PlayAndSignalType;
  bool by_type = q.group == HistoryGroup::SignalType || q.group == HistoryGroup::PlayAndSignalType;
  std::map<std::tuple<int64_t, std::string, std::string>, HistoryBucket> out;
  auto bucket = [&](int64_t hour, std::string_view play, std::string_view type) -> HistoryBucket& {
    int64_t start = from + (hour - from) / step * step;
    std::string p = by_play ? std::string(play) : "", t = by_type ? std::string(type) : "";
    auto [it, fresh] = out.try_emplace({start, p, t});
    if (fresh) {
      it->second.start_ms = start;
      it->second.play = p;
      it->second.signal_type = t;
    }
    return it->second;
  };
  read([&](pg::Conn& c) {
    pg::Params p;
    p.add(from).add(q.to_ms).add(q.play).add(q.signal_type);
    pg::Result r = c.exec(
        "SELECT hour_ms, play, signal_type, metric, label, n FROM history WHERE hour_ms >= $1 AND hour_ms < "
        "$2 "
        "AND ($3 = '' OR play = $3) AND ($4 = '' OR signal_type = $4) AND n != 0",
        p);
    for (int i = 0; i < r.rows(); ++i)
      add_metric(bucket(r.i64(i, 0), r.text(i, 1), r.text(i, 2)), r.text(i, 3), r.str(i, 4),
                 uint64_t(r.i64(i, 5)));
    pg::Result l = c.exec(
        "SELECT hour_ms, play, signal_type, origin, sketch FROM history_latency WHERE hour_ms >= $1 AND "
        "hour_ms < $2 AND ($3 = '' OR play = $3) AND ($4 = '' OR signal_type = $4)",
        p);
    for (int i = 0; i < l.rows(); ++i) {
      LatencySketch sketch;
      if (!LatencySketch::decode(l.bytea(i, 4), sketch)) continue;
      HistoryBucket& b = bucket(l.i64(i, 0), l.text(i, 1), l.text(i, 2));
      (l.text(i, 3) == "occurred" ? b.from_occurred : b.from_received).merge(sketch);
    }
  });
  std::vector<HistoryBucket> result;
  result.reserve(out.size());
  for (auto& [k, b] : out) result.push_back(std::move(b));
  return result;
}

std::map<std::string, int64_t> PgStore::history_first_hours() {
  return read([&](pg::Conn& c) {
    std::map<std::string, int64_t> out;
    pg::Result r = c.exec("SELECT play, first_hour_ms FROM history_plays");
    for (int i = 0; i < r.rows(); ++i) out[r.str(i, 0)] = r.i64(i, 1);
    return out;
  });
}

void PgStore::save_alerts(const std::vector<AlertRecord>& alerts) {
  if (alerts.empty()) return;
  write([&](pg::Conn& c) {
    for (const auto& a : alerts)
      c.exec(
          "INSERT INTO alerts(key, since_ms, rule, play, subject, state, until_ms, value, threshold, "
          "summary, "
          "notified) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (key, since_ms) DO UPDATE SET "
          "rule "
          "= excluded.rule, play = excluded.play, subject = excluded.subject, state = excluded.state, "
          "until_ms "
          "= excluded.until_ms, value = excluded.value, threshold = excluded.threshold, summary = "
          "excluded.summary",
          pg::Params()
              .add(a.key)
              .add(a.since_ms)
              .add(a.rule)
              .add(a.play)
              .add(a.subject)
              .add(a.state)
              .add(a.until_ms)
              .add(a.value)
              .add(a.threshold)
              .add(a.summary)
              .add(a.notified));
  });
}

void PgStore::alert_notified(const std::string& key, int64_t since_ms, const std::string& state) {
  write([&](pg::Conn& c) {
    c.exec("UPDATE alerts SET notified = $3 WHERE key = $1 AND since_ms = $2",
           pg::Params().add(key).add(since_ms).add(state));
  });
}

std::vector<AlertRecord> PgStore::alerts(int64_t resolved_since_ms) {
  return read([&](pg::Conn& c) {
    std::vector<AlertRecord> out;
    auto rows = [&](const pg::Result& r) {
      for (int i = 0; i < r.rows(); ++i) {
        AlertRecord a;
        a.key = r.str(i, 0);
        a.since_ms = r.i64(i, 1);
        a.rule = r.str(i, 2);
        a.play = r.str(i, 3);
        a.subject = r.str(i, 4);
        a.state = r.str(i, 5);
        a.until_ms = r.i64(i, 6);
        a.value = r.f64(i, 7);
        a.threshold = r.f64(i, 8);
        a.summary = r.str(i, 9);
        a.notified = r.str(i, 10);
        out.push_back(std::move(a));
      }
    };
    rows(
        c.exec("SELECT key, since_ms, rule, play, subject, state, until_ms, value, threshold, summary, "
               "notified FROM "
               "alerts WHERE state = 'firing' ORDER BY since_ms DESC, key"));
    rows(
        c.exec("SELECT key, since_ms, rule, play, subject, state, until_ms, value, threshold, summary, "
               "notified FROM "
               "alerts WHERE state != 'firing' AND until_ms >= $1 ORDER BY until_ms DESC, key",
               pg::Params().add(resolved_since_ms)));
    return out;
  });
}

}  // namespace play::store
