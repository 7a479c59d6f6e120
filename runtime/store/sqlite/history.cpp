// The hourly history (its writes happen inside the transactions of
// qualify.cpp, delivery.cpp and reads.cpp, through HistoryDelta) and its
// reads; the alerts' incidents.
#include "runtime/store/sqlite/history.h"

#include <algorithm>

#include "runtime/store/sqlite/sqlite_store.h"

namespace play::store {

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

void HistoryDelta::write(Sql& sql) {
  for (const auto& [k, n] : counts_) {
    const auto& [hour, play, type, metric, label] = k;
    // A negative change never creates a row, nor takes one below zero.
    Stmt& st =
        n > 0 ? sql.prepare(
                    "INSERT INTO history(hour_ms, play, signal_type, metric, label, n) VALUES "
                    "(?1,?2,?3,?4,?5,?6) "
                    "ON CONFLICT(hour_ms, play, signal_type, metric, label) DO UPDATE SET n = n + excluded.n")
              : sql.prepare(
                    "UPDATE history SET n = MAX(0, n + ?6) WHERE hour_ms = ?1 AND play = ?2 AND signal_type "
                    "= ?3 "
                    "AND metric = ?4 AND label = ?5");
    st.bind(1, hour).bind(2, play).bind(3, type).bind(4, metric).bind(5, label).bind(6, n).run();
  }
  for (auto& [k, sketch] : latency_) {
    const auto& [hour, play, type, origin] = k;
    Stmt& get = sql.prepare(
        "SELECT sketch FROM history_latency WHERE hour_ms = ? AND play = ? AND signal_type = ? AND origin = "
        "?");
    get.bind(1, hour).bind(2, play).bind(3, type).bind(4, origin);
    if (get.step()) {
      LatencySketch old;
      if (LatencySketch::decode(get.blob(0), old)) sketch.merge(old);  // an unreadable one is replaced
    }
    get.reset();
    sql.prepare(
           "INSERT OR REPLACE INTO history_latency(hour_ms, play, signal_type, origin, sketch) VALUES "
           "(?,?,?,?,?)")
        .bind(1, hour)
        .bind(2, play)
        .bind(3, type)
        .bind(4, origin)
        .bind_blob(5, sketch.encode())
        .run();
  }
  for (const auto& [play, hour] : first_hours_)
    sql.prepare(
           "INSERT INTO history_plays(play, first_hour_ms) VALUES (?1, ?2) ON CONFLICT(play) DO UPDATE SET "
           "first_hour_ms = MIN(first_hour_ms, excluded.first_hour_ms)")
        .bind(1, play)
        .bind(2, hour)
        .run();
  counts_.clear();
  latency_.clear();
  first_hours_.clear();
}

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

std::vector<HistoryBucket> SqliteStore::history(const HistoryQuery& q) {
  int64_t from = hour_of(std::max<int64_t>(q.from_ms, 0));
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
  db_->read([&](Sql& sql) {
    Stmt& s = sql.prepare(
        "SELECT hour_ms, play, signal_type, metric, label, n FROM history WHERE hour_ms >= ?1 AND hour_ms < "
        "?2 "
        "AND (?3 = '' OR play = ?3) AND (?4 = '' OR signal_type = ?4) AND n != 0");
    s.bind(1, from).bind(2, q.to_ms).bind(3, q.play).bind(4, q.signal_type);
    while (s.step())
      add_metric(bucket(s.i64(0), s.text(1), s.text(2)), s.text(3), std::string(s.text(4)),
                 uint64_t(s.i64(5)));
    s.reset();
    Stmt& l = sql.prepare(
        "SELECT hour_ms, play, signal_type, origin, sketch FROM history_latency WHERE hour_ms >= ?1 AND "
        "hour_ms < ?2 AND (?3 = '' OR play = ?3) AND (?4 = '' OR signal_type = ?4)");
    l.bind(1, from).bind(2, q.to_ms).bind(3, q.play).bind(4, q.signal_type);
    while (l.step()) {
      LatencySketch sketch;
      if (!LatencySketch::decode(l.blob(4), sketch)) continue;
      HistoryBucket& b = bucket(l.i64(0), l.text(1), l.text(2));
      (l.text(3) == "occurred" ? b.from_occurred : b.from_received).merge(sketch);
    }
    l.reset();
  });
  std::vector<HistoryBucket> result;
  result.reserve(out.size());
  for (auto& [k, b] : out) result.push_back(std::move(b));
  return result;
}

std::map<std::string, int64_t> SqliteStore::history_first_hours() {
  return db_->read([&](Sql& sql) {
    std::map<std::string, int64_t> out;
    Stmt& s = sql.prepare("SELECT play, first_hour_ms FROM history_plays");
    while (s.step()) out[std::string(s.text(0))] = s.i64(1);
    s.reset();
    return out;
  });
}

void SqliteStore::save_alerts(const std::vector<AlertRecord>& alerts) {
  if (alerts.empty()) return;
  db_->write([&](Sql& sql) {
    for (const auto& a : alerts)
      sql.prepare(
             "INSERT INTO alerts(key, since_ms, rule, play, subject, state, until_ms, value, threshold, "
             "summary, "
             "notified) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT(key, since_ms) DO UPDATE SET "
             "rule = excluded.rule, play = excluded.play, subject = excluded.subject, state = "
             "excluded.state, "
             "until_ms = excluded.until_ms, value = excluded.value, threshold = excluded.threshold, "
             "summary = excluded.summary")
          .bind(1, a.key)
          .bind(2, a.since_ms)
          .bind(3, a.rule)
          .bind(4, a.play)
          .bind(5, a.subject)
          .bind(6, a.state)
          .bind(7, a.until_ms)
          .bind(8, a.value)
          .bind(9, a.threshold)
          .bind(10, a.summary)
          .bind(11, a.notified)
          .run();
  });
}

void SqliteStore::alert_notified(const std::string& key, int64_t since_ms, const std::string& state) {
  db_->write([&](Sql& sql) {
    sql.prepare("UPDATE alerts SET notified = ?3 WHERE key = ?1 AND since_ms = ?2")
        .bind(1, key)
        .bind(2, since_ms)
        .bind(3, state)
        .run();
  });
}

std::vector<AlertRecord> SqliteStore::alerts(int64_t resolved_since_ms) {
  return db_->read([&](Sql& sql) {
    std::vector<AlertRecord> out;
    auto rows = [&](Stmt& s) {
      while (s.step()) {
        AlertRecord a;
        a.key = s.text(0);
        a.since_ms = s.i64(1);
        a.rule = s.text(2);
        a.play = s.text(3);
        a.subject = s.text(4);
        a.state = s.text(5);
        a.until_ms = s.i64(6);
        a.value = s.f64(7);
        a.threshold = s.f64(8);
        a.summary = s.text(9);
        a.notified = s.text(10);
        out.push_back(std::move(a));
      }
      s.reset();
    };
    rows(
        sql.prepare("SELECT key, since_ms, rule, play, subject, state, until_ms, value, threshold, summary, "
                    "notified FROM "
                    "alerts WHERE state = 'firing' ORDER BY since_ms DESC, key"));
    Stmt& resolved = sql.prepare(
        "SELECT key, since_ms, rule, play, subject, state, until_ms, value, threshold, summary, notified "
        "FROM "
        "alerts WHERE state != 'firing' AND until_ms >= ? ORDER BY until_ms DESC, key");
    resolved.bind(1, resolved_since_ms);
    rows(resolved);
    return out;
  });
}

}  // namespace play::store
