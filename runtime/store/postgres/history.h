// The hourly history's writes on PostgreSQL: as the SQLite backend's
// HistoryDelta (runtime/store/sqlite/history.h), a job collects what it
// changes and writes it once, inside its own transaction. Rows are written
// in key order, so two nodes' transactions lock them in the same order.
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "common/sketch/latency_sketch.h"
#include "runtime/store/postgres/pg.h"

namespace play::store::pg {

class HistoryDelta {
 public:
  void count(int64_t at_ms, const std::string& play, const std::string& type, const char* metric,
             const std::string& label, int64_t n = 1);
  void delivered(int64_t at_ms, const std::string& play, const std::string& type, int64_t occurred_at_ms,
                 int64_t received_at_ms);
  void write(Conn& c);

 private:
  std::map<std::tuple<int64_t, std::string, std::string, std::string, std::string>, int64_t> counts_;
  std::map<std::tuple<int64_t, std::string, std::string, std::string>, LatencySketch> latency_;
  std::map<std::string, int64_t> first_hours_;
};

inline int64_t hour_of(int64_t ms) { return ms - ((ms % kHourMs) + kHourMs) % kHourMs; }

}  // namespace play::store::pg
