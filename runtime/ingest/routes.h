// playd's HTTP routes: ingestion (signals, the Segment API, context
// upserts) and the mounted read/admin endpoints. Answers follow one rule:
// 2xx only once the store says the data is durable.
//
// Routes (auth; answer):
//   POST /v1/signals                                   source; 200 {"accepted","duplicates"}, 400 per item
//   POST /v1/batch, /v1/track, /v1/identify, /v1/group, /v1/page
//                                                      source (or body `writeKey`); 200 {"success":true,...}
//   PUT  /v1/accounts/{domain}, /v1/contacts/{email}   source with context = true; 200 {"accepted",...}
//   GET  /healthz                                      none
//   GET  /metrics                                      admin
//   GET  /v1/signals/{id}/trace, /v1/decisions, /v1/admin/...,
//        /v1/plays, /v1/history, /v1/alerts, /v1/overview, /v1/review
//                                                      admin; playd's admin routes (services.admin)
//   GET  /, /plays/{name}, /dlq, /review, /trace       admin (else 303 to /login); the dashboard's pages
//   GET  /assets/{file}, /login                        none; the dashboard's assets and login form
//   POST /login (token=...&next=...)                   303 to `next` with the session cookie, or back to
//                                                      /login?failed=1; POST /logout ends the session
//
// "admin": the admin token (bearer, or the dashboard's session cookie), or
// with none configured a trusted loopback peer (trust_loopback, and no
// Forwarded / X-Forwarded-For header): auth.h, admin_authorized.
//
// on_headers() decides what it can before the body is read (route, method,
// admin token, overload, bearer/Basic credentials, a signed request's
// headers, a source's right to change context), so a request that will be
// refused is answered without buffering its body.
//
// Errors: 400 bad body or items ({"error", "items":[{"index","error"}],
// "more_errors": N past the first 100}: the good items of a batch are still
// taken, and "accepted" says how many; quoted values are truncated);
// 401 bad credentials (nothing changed); 403 a source changing context
// without the right; 404/405; 413 body over the limit; 503 + Retry-After
// when overloaded or when the store cannot write. A signed context change
// replayed within the signature's window: 200 with "duplicate": true, not
// applied again.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/ingest/auth.h"
#include "runtime/ingest/http_server.h"
#include "runtime/ingest/ingest_metrics.h"
#include "runtime/ingest/segment.h"
#include "runtime/ingest/services.h"

namespace play::ingest {

struct IngestConfig {
  std::vector<SourceConfig> sources;
  std::string admin_token;  // "" -> admin endpoints and /metrics from trusted loopback only
  // Loopback peers (without a Forwarded / X-Forwarded-For header) may use
  // admin endpoints when there is no admin token, and send unauthenticated
  // signals when there are no sources. False: loopback is like any peer.
  bool trust_loopback = true;
  SegmentConfig segment;
  size_t max_body_bytes = 10 * 1024 * 1024;  // after decompression too
  size_t max_signal_bytes = 32 * 1024;       // one envelope of /v1/signals, minified
  size_t max_id_bytes = 256;                 // signal ids, messageIds, webhook-ids, context keys
  size_t max_listed_errors = 100;            // item errors listed in a reply; the rest are counted
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

  // The header phase: an answer for a request that will be refused whatever
  // its body, else the body limit of its route.
  HeaderDecision on_headers(const HttpRequest& head);
  HeaderHook header_hook();  // calls on_headers(); `this` must outlive the server

  // The server's counters, rendered on /metrics with ingestion's.
  void attach_http_stats(std::shared_ptr<const HttpServerStats> stats);

  const IngestMetrics& metrics() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether a GET of `path` has a route (rather than the router's 404). The
// dashboard's pages ask only for the JSON endpoints that do, so that a playd
// without one says "not available" with no failed request in the console.
bool routes_get(std::string_view path);

}  // namespace play::ingest
