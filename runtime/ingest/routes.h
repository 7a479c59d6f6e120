// playd's HTTP routes: ingestion (signals, the Segment API, context
// upserts) and the mounted read/admin endpoints. Answers follow one rule:
// 2xx only once the store says the data is durable.
//
// | route | auth | answer |
// |---|---|---|
// | POST /v1/signals | source | 200 {"accepted","duplicates"}; 400 with per-item errors |
// | POST /v1/batch, /v1/track, /v1/identify, /v1/group, /v1/page | source | 200 {"success":true,...} |
// | PUT /v1/accounts/{domain}, /v1/contacts/{email} | source | 200 {"entity","key"} |
// | GET /healthz, /metrics | none | |
// | GET /v1/signals/{id}/trace | admin | |
// | GET /v1/admin/dlq, GET /v1/admin/dlq/{id}, POST /v1/admin/dlq/{id}/replay | admin | |
//
// Errors: 400 bad body or items ({"error", "items":[{"index","error"}]}:
// the good items of a batch are still taken, and "accepted" says how many);
// 401 bad credentials (nothing changed); 404/405; 413 body over the limit;
// 503 + Retry-After when overloaded or when the store cannot write.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/ingest/auth.h"
#include "runtime/ingest/http_server.h"
#include "runtime/ingest/ingest_metrics.h"
#include "runtime/ingest/segment.h"
#include "runtime/ingest/services.h"

namespace play::ingest {

struct IngestConfig {
  std::vector<SourceConfig> sources;
  std::string admin_token;  // "" -> admin endpoints from loopback only
  SegmentConfig segment;
  size_t max_body_bytes = 10 * 1024 * 1024;  // after decompression too
  int64_t webhook_tolerance_s = 300;
};

class IngestRoutes {
 public:
  // Throws std::invalid_argument on a bad source secret.
  IngestRoutes(IngestConfig config, IngestServices services);
  ~IngestRoutes();

  void handle(HttpRequest&& request, Respond respond);
  // A Handler for HttpServer calling handle(); `this` must outlive the server.
  Handler handler();

  const IngestMetrics& metrics() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace play::ingest
