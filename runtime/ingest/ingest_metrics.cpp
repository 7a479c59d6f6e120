#include "runtime/ingest/ingest_metrics.h"

#include "runtime/observe/prometheus.h"

namespace play::ingest {

namespace {
void counter(std::string& out, const char* name, const char* help, const std::atomic<uint64_t>& v) {
  observe::append_metric_header(out, name, "counter", help);
  out += name;
  out += ' ';
  out += std::to_string(v.load(std::memory_order_relaxed));
  out += '\n';
}
}  // namespace

void IngestMetrics::append_prometheus(std::string& out) const {
  counter(out, "playd_ingest_requests_total", "Ingestion requests received.", requests);
  counter(out, "playd_ingest_signals_accepted_total", "New signals made durable and acknowledged.",
          signals_accepted);
  counter(out, "playd_ingest_signals_duplicate_total",
          "Signals acknowledged as repeats of a known id and dropped.", signals_duplicate);
  counter(out, "playd_ingest_items_invalid_total", "Envelopes or Segment calls rejected as invalid.",
          items_invalid);
  counter(out, "playd_ingest_segment_ignored_total",
          "Segment calls acknowledged but ignored (no signal mapping, screen, alias).", segment_ignored);
  counter(out, "playd_ingest_context_upserts_total", "Account and contact records upserted.",
          context_upserts);
  counter(out, "playd_ingest_auth_failures_total", "Requests refused with 401.", auth_failures);
  counter(out, "playd_ingest_overloaded_total", "Requests refused with 503 under backpressure.", overloaded);
  counter(out, "playd_ingest_too_large_total", "Requests refused with 413.", too_large);
  counter(out, "playd_ingest_malformed_total", "Requests whose body was not JSON (400).", malformed);
  counter(out, "playd_ingest_store_errors_total", "Writes the store could not make durable (503).",
          store_errors);
}

}  // namespace play::ingest
