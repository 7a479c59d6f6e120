// The hourly history's writes (records.h explains what is counted): a job
// collects what it changes in a HistoryDelta and writes it, in its own
// transaction, once -- so a batch of a thousand deliveries to one play in
// one hour is one row update and one sketch merge, not a thousand.
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "common/sketch/latency_sketch.h"
#include "runtime/store/sqlite/sql.h"

namespace play::store {

class HistoryDelta {
 public:
  // `n` may be negative (a replay takes its signals' outcomes back).
  void count(int64_t at_ms, const std::string& play, const std::string& type, const char* metric,
             const std::string& label, int64_t n = 1);
  // A delivery at `at_ms` of an action of a signal that occurred / was received then.
  void delivered(int64_t at_ms, const std::string& play, const std::string& type, int64_t occurred_at_ms,
                 int64_t received_at_ms);
  // Writes and clears it; inside the caller's transaction (a write job).
  void write(Sql& sql);
  bool empty() const { return counts_.empty() && latency_.empty(); }

 private:
  // (hour, play, signal type, metric, label) -> n
  std::map<std::tuple<int64_t, std::string, std::string, std::string, std::string>, int64_t> counts_;
  // (hour, play, signal type, origin) -> sketch
  std::map<std::tuple<int64_t, std::string, std::string, std::string>, LatencySketch> latency_;
  std::map<std::string, int64_t> first_hours_;  // play -> the earliest hour counted
};

inline int64_t hour_of(int64_t ms) { return ms - ((ms % kHourMs) + kHourMs) % kHourMs; }

}  // namespace play::store
