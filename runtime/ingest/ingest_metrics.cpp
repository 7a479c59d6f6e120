#include "runtime/ingest/ingest_metrics.h"

#include "runtime/ingest/http_server.h"
#include "runtime/observe/prometheus.h"

namespace play::ingest {

namespace {
void metric(std::string& out, const char* type, const char* name, const char* help,
            const std::atomic<uint64_t>& v) {
  observe::append_metric_header(out, name, type, help);
  out += name;
  out += ' ';
  out += std::to_string(v.load(std::memory_order_relaxed));
  out += '\n';
}
void counter(std::string& out, const char* name, const char* help, const std::atomic<uint64_t>& v) {
  metric(out, "counter", name, help, v);
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
  counter(out, "playd_ingest_forbidden_total",
          "Requests refused with 403: a source changing context without context = true.", forbidden);
  counter(out, "playd_ingest_replays_total",
          "Signed context changes replayed within their window, answered as duplicates and not applied.",
          replays);
  counter(out, "playd_ingest_traits_refused_total",
          "Segment identify/group traits dropped because the source may not set them.", traits_refused);
  counter(out, "playd_ingest_overloaded_total", "Requests refused with 503 under backpressure.", overloaded);
  counter(out, "playd_ingest_too_large_total", "Requests refused with 413.", too_large);
  counter(out, "playd_ingest_malformed_total", "Requests whose body was not JSON (400).", malformed);
  counter(out, "playd_ingest_store_errors_total", "Writes the store could not make durable (503).",
          store_errors);
}

void append_http_stats(std::string& out, const HttpServerStats& s) {
  metric(out, "gauge", "playd_http_connections", "Open HTTP connections.", s.connections);
  counter(out, "playd_http_connections_rejected_total",
          "Connections answered 503 and closed past server.max_connections.", s.connections_rejected);
  counter(out, "playd_http_accept_errors_total", "accept() failures (out of file descriptors, ...).",
          s.accept_errors);
  counter(out, "playd_http_accept_shed_total",
          "Connections accepted on the reserve descriptor while out of descriptors, answered 503.",
          s.accept_shed);
  metric(out, "gauge", "playd_http_inflight_body_bytes",
         "Request body bytes held for requests not answered yet.", s.inflight_body_bytes);
  counter(out, "playd_http_bodies_refused_total",
          "Requests answered 503 before their body was read: server.max_inflight_body_bytes.",
          s.bodies_refused);
  counter(out, "playd_http_framing_rejected_total",
          "Requests answered 400 for ambiguous framing (Transfer-Encoding / Content-Length).",
          s.framing_rejected);
}

}  // namespace play::ingest
