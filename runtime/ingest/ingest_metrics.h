// Ingestion's own counters, exported on /metrics next to the rest of playd's.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace play::ingest {

struct HttpServerStats;

struct IngestMetrics {
  std::atomic<uint64_t> requests{0};           // ingestion requests (signals, Segment, context)
  std::atomic<uint64_t> signals_accepted{0};   // new signals made durable
  std::atomic<uint64_t> signals_duplicate{0};  // acknowledged repeats (dropped)
  std::atomic<uint64_t> items_invalid{0};      // envelopes / calls rejected with a 400 item error
  std::atomic<uint64_t> segment_ignored{0};    // Segment calls with no signal mapping (acknowledged)
  std::atomic<uint64_t> context_upserts{0};    // account/contact records upserted
  std::atomic<uint64_t> auth_failures{0};      // 401 answers
  std::atomic<uint64_t> forbidden{0};          // 403: a source changing context without the right
  std::atomic<uint64_t> replays{0};            // signed context changes replayed (answered as duplicates)
  std::atomic<uint64_t> traits_refused{0};     // Segment identify/group traits the source may not set
  std::atomic<uint64_t> overloaded{0};         // 503 answers under backpressure
  std::atomic<uint64_t> too_large{0};          // 413 answers
  std::atomic<uint64_t> malformed{0};          // 400 answers for a body that is not JSON at all
  std::atomic<uint64_t> store_errors{0};       // writes that failed (answered 503)

  // Prometheus text exposition (HELP, TYPE and value of each counter).
  void append_prometheus(std::string& out) const;
};

// The HTTP server's counters and gauges (playd_http_*), Prometheus text.
void append_http_stats(std::string& out, const HttpServerStats& stats);

}  // namespace play::ingest
