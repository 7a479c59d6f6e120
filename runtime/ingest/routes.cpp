#include "runtime/ingest/routes.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>

#include "common/json/json.h"
#include "common/text.h"
#include "common/time/time.h"
#include "runtime/ingest/base64.h"
#include "runtime/ingest/envelope.h"
#include "runtime/ingest/gzip.h"
#include "runtime/ingest/replay_guard.h"
#include "runtime/ingest/source_policy.h"

namespace play::ingest {

namespace dom = simdjson::dom;

namespace {

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse error_response(int status, std::string_view message) {
  std::string body;
  json::Writer(body).begin_object().key("error").value(message).end_object();
  return json_response(status, std::move(body));
}

HttpResponse unauthorized(std::string_view error) {
  HttpResponse r = error_response(401, error);
  r.headers.emplace_back("WWW-Authenticate", "Bearer, Basic realm=\"playd\"");
  return r;
}

HttpResponse retry_later(std::string_view message, int seconds) {
  HttpResponse r = error_response(503, message);
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

// Never echo unbounded input: a message (which may quote a value from the
// request) is cut to `max` bytes, on a UTF-8 character boundary.
std::string clip(std::string_view text, size_t max = 300) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// The dashboard's pages (apps/playd/dashboard): one shell, drawn by its script.
bool dashboard_page(std::string_view path) {
  if (path == "/" || path == "/dlq" || path == "/review" || path == "/trace") return true;
  constexpr std::string_view kPlays = "/plays/";
  return path.starts_with(kPlays) && path.size() > kPlays.size() &&
         path.find('/', kPlays.size()) == std::string_view::npos;
}

// 303 See Other: the browser GETs `location` next.
HttpResponse redirect(std::string location) {
  HttpResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", std::move(location));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// A dashboard path to go back to after logging in: a page of ours (never
// another site, never a header break), else "/".
std::string local_page(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (!dashboard_page(path)) return "/";
  for (char c : target)
    if (c <= ' ' || c == 0x7f || c == '\\') return "/";
  return std::string(target);
}

// A value of an application/x-www-form-urlencoded body (or query), decoded.
std::optional<std::string> form_value(std::string_view form, std::string_view name) {
  while (!form.empty()) {
    size_t amp = form.find('&');
    std::string_view pair = form.substr(0, amp);
    form = amp == std::string_view::npos ? std::string_view() : form.substr(amp + 1);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1), true);
  }
  return std::nullopt;
}

HttpResponse not_supported(std::string_view what) {
  return error_response(501, std::string(what) + " is not supported yet by this playd");
}

// One parser per I/O thread: its buffers grow to the largest body and stay.
dom::parser& thread_parser() {
  thread_local dom::parser parser;
  return parser;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Two or more non-blank lines, the first starting an object: NDJSON sent
// without its Content-Type.
bool looks_like_ndjson(std::string_view body) {
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || body[start] != '{') return false;
  size_t nl = body.find('\n', start);
  return nl != std::string_view::npos && body.find_first_not_of(" \t\r\n", nl) != std::string_view::npos;
}

// A string member of a JSON object, if there is one.
bool string_at(dom::element e, const char* key, std::string_view& out) {
  if (!e.is_object()) return false;
  auto v = e.get_object().value_unsafe()[key];
  if (v.error() || !v.value_unsafe().is_string()) return false;
  out = v.value_unsafe().get_string().value_unsafe();
  return true;
}

struct ItemError {
  size_t index;
  size_t line;  // NDJSON only (1-based), else 0
  std::string error;
};

// One ingestion request on its way to the store and back.
struct Pending {
  Respond respond;
  bool single = false;   // one envelope / one Segment call: errors without "items"
  bool segment = false;  // Segment-style answer ({"success":true,...})
  size_t total = 0;      // items in the request
  size_t ignored = 0;
  std::vector<store::IncomingSignal> signals;
  std::vector<store::ContextUpsert> context;
  std::vector<ItemError> errors;  // the first max_listed_errors
  size_t error_count = 0;         // all of them
  size_t max_listed = 100;
  size_t accepted = 0, duplicates = 0;
  std::string replay_source, replay_id;  // a signed context change claimed in the ReplayGuard

  void error(size_t index, size_t line, std::string_view message) {
    ++error_count;
    if (errors.size() < max_listed) errors.push_back({index, line, clip(message)});
  }
};

enum class Route {
  Healthz,
  Metrics,
  Admin,
  Signals,
  Segment,
  Context,
  DashboardPage,   // GET /, /plays/NAME, /dlq, /review, /trace: the admin token (or loopback)
  DashboardAsset,  // GET /assets/FILE: open (the login page needs them; they hold no data)
  Login,           // GET /login: the form; POST /login: token -> session cookie
  Logout,          // POST /logout: ends the session
  NotFound
};

struct Routed {
  Route route = Route::NotFound;
  const char* allow = "";         // the method the route takes ("" for admin: checked later)
  std::string_view segment_call;  // Segment: "track", ...; "" for /v1/batch
  store::Entity entity = store::Entity::Account;
  std::string key;  // Context: the URL-decoded domain or email
};

Routed route_of(const HttpRequest& req) {
  const std::string& path = req.path;
  Routed r;
  if (path == "/healthz") {
    r.route = Route::Healthz;
    r.allow = "GET";
    return r;
  }
  if (path == "/metrics") {
    r.route = Route::Metrics;
    r.allow = "GET";
    return r;
  }
  // What the dashboard reads is admin too (playd's apps/playd/dashboard_api.h answers it; /v1/decisions
  // its admin.cpp).
  static constexpr std::string_view kDashboard[] = {"/v1/plays",    "/v1/history", "/v1/alerts",
                                                    "/v1/overview", "/v1/review",  "/v1/decisions"};
  bool dashboard = std::find(std::begin(kDashboard), std::end(kDashboard), path) != std::end(kDashboard);
  if (dashboard || starts_with(path, "/v1/admin/") || starts_with(path, "/v1/review/") ||
      (starts_with(path, "/v1/signals/") && path.ends_with("/trace"))) {
    r.route = Route::Admin;
    return r;
  }
  if (dashboard_page(path) || starts_with(path, "/assets/")) {
    r.route = dashboard_page(path) ? Route::DashboardPage : Route::DashboardAsset;
    r.allow = "GET";
    return r;
  }
  if (path == "/login") {
    r.route = Route::Login;  // GET or POST: checked in handle()
    return r;
  }
  if (path == "/logout") {
    r.route = Route::Logout;
    r.allow = "POST";
    return r;
  }
  if (path == "/v1/signals") {
    r.route = Route::Signals;
    r.allow = "POST";
    return r;
  }
  static constexpr std::string_view kSegment[] = {"/v1/batch", "/v1/track", "/v1/identify", "/v1/group",
                                                  "/v1/page"};
  for (std::string_view route : kSegment) {
    if (path != route) continue;
    r.route = Route::Segment;
    r.allow = "POST";
    std::string_view call = route.substr(4);
    r.segment_call = call == "batch" ? std::string_view() : call;
    return r;
  }
  for (auto [prefix, entity] : {std::pair{std::string_view("/v1/accounts/"), store::Entity::Account},
                                std::pair{std::string_view("/v1/contacts/"), store::Entity::Contact}}) {
    if (!starts_with(path, prefix)) continue;
    std::string key = url_decode(std::string_view(path).substr(prefix.size()));
    if (key.empty() || key.find('/') != std::string::npos) break;
    r.route = Route::Context;
    r.allow = "PUT";
    r.entity = entity;
    r.key = std::move(key);
    return r;
  }
  return r;
}

}  // namespace

bool routes_get(std::string_view path) {
  HttpRequest req;
  req.method = "GET";
  req.path = req.target = std::string(path);
  return route_of(req).route != Route::NotFound;
}

struct IngestRoutes::Impl {
  IngestConfig config;
  IngestServices services;
  Authenticator auth;
  IngestMetrics metrics;
  ReplayGuard replays;
  std::shared_ptr<const HttpServerStats> http_stats;

  Impl(IngestConfig c, IngestServices s)
      : config(std::move(c)), services(std::move(s)), auth(config.sources, config.webhook_tolerance_s) {
    // Events named like a declared signal type map to it without configuration.
    if (!config.segment.is_signal_type) config.segment.is_signal_type = services.is_signal_type;
  }

  void handle(HttpRequest&& req, Respond respond);
  HeaderDecision on_headers(const HttpRequest& head);
  size_t body_limit(const Routed& r) const;

  // ---- ingestion ----
  bool admit(const HttpRequest& req, const Respond& respond, AuthResult& who, bool body_may_authenticate);
  // A signed context change: false when it was answered (a replay, or retry later).
  bool claim_replay(const AuthResult& who, Pending& p);
  bool decoded_body(HttpRequest& req, const Respond& respond, std::string& storage, size_t limit);
  void post_signals(HttpRequest& req, const AuthResult& who, Respond respond);
  void take_segment_call(dom::element item, size_t index, const AuthResult& who, SegmentRequest& sr,
                         Pending& p, size_t& authenticated);
  void post_segment(HttpRequest& req, std::string_view call, const AuthResult& who, Respond respond);
  void put_context(HttpRequest& req, store::Entity entity, std::string_view key, const AuthResult& who,
                   Respond respond);
  void take_envelope(dom::element item, size_t index, size_t line, const AuthResult& who, int64_t received,
                     Pending& p);
  void commit(std::shared_ptr<Pending> p);
  void finish(Pending& p);

  // ---- mounted endpoints ----
  void admin(HttpRequest& req, Respond respond);
  // ---- the dashboard ----
  HttpResponse dashboard(const HttpRequest& req);
  std::optional<HttpResponse> refuse_page(const HttpRequest& req);
  HttpResponse login(const HttpRequest& req);
};

void IngestRoutes::Impl::handle(HttpRequest&& req, Respond respond) {
  req.from_loopback = req.from_loopback && config.trust_loopback;
  const std::string& method = req.method;
  Routed r = route_of(req);
  if (r.route == Route::NotFound)
    return respond(error_response(404, "no route for " + clip(method, 16) + " " + clip(req.path, 200)));
  if (*r.allow && method != r.allow) {
    HttpResponse out =
        error_response(405, "method " + clip(method, 16) + " not allowed on " + clip(req.path, 200));
    out.headers.emplace_back("Allow", r.allow);
    return respond(std::move(out));
  }
  switch (r.route) {
    case Route::Healthz:
      if (!services.healthz) return respond(json_response(200, "{\"status\":\"ok\"}"));
      return respond(services.healthz());
    case Route::Metrics: {
      if (!admin_authorized(req, config.admin_token)) {
        metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
        return respond(unauthorized("/metrics needs the admin token (Authorization: Bearer ...)"));
      }
      HttpResponse out;
      out.content_type = "text/plain; version=0.0.4; charset=utf-8";
      if (services.metrics_text) out.body = services.metrics_text();
      metrics.append_prometheus(out.body);
      if (http_stats) append_http_stats(out.body, *http_stats);
      return respond(std::move(out));
    }
    case Route::Admin:
      return admin(req, std::move(respond));
    case Route::DashboardPage:
      if (auto refused = refuse_page(req)) return respond(std::move(*refused));
      return respond(dashboard(req));
    case Route::DashboardAsset:
      return respond(dashboard(req));
    case Route::Login:
      if (method == "GET") return respond(dashboard(req));
      if (method == "POST") return respond(login(req));
      {
        HttpResponse out = error_response(405, "method " + clip(method, 16) + " not allowed on /login");
        out.headers.emplace_back("Allow", "GET, POST");
        return respond(std::move(out));
      }
    case Route::Logout: {
      HttpResponse out = redirect("/login");
      out.headers.emplace_back("Set-Cookie", admin_session_clear(forwarded_https(req)));
      return respond(std::move(out));
    }
    case Route::Signals: {
      AuthResult who;
      if (!admit(req, respond, who, false)) return;
      return post_signals(req, who, std::move(respond));
    }
    case Route::Segment: {
      AuthResult who;
      if (!admit(req, respond, who, true)) return;
      return post_segment(req, r.segment_call, who, std::move(respond));
    }
    case Route::Context: {
      if (r.key.size() > config.max_id_bytes)
        return respond(
            error_response(400, "key longer than " + std::to_string(config.max_id_bytes) + " bytes"));
      AuthResult who;
      if (!admit(req, respond, who, false)) return;
      if (std::string why = refuse_context(who.config); !why.empty()) {
        metrics.forbidden.fetch_add(1, std::memory_order_relaxed);
        return respond(error_response(403, why));
      }
      return put_context(req, r.entity, r.key, who, std::move(respond));
    }
    case Route::NotFound:
      break;
  }
}

size_t IngestRoutes::Impl::body_limit(const Routed& r) const {
  switch (r.route) {
    case Route::Signals:
      return config.max_body_bytes;
    case Route::Segment:
      return r.segment_call.empty() ? config.segment.max_batch_bytes : config.segment.max_event_bytes;
    case Route::Context:
      return config.segment.max_event_bytes;
    default:
      return 64 * 1024;  // reads and admin calls take no real body
  }
}

// Everything that can be decided on the head, so that a request that will
// be refused is answered before its body is read (and never buffered).
HeaderDecision IngestRoutes::Impl::on_headers(const HttpRequest& head_in) {
  HttpRequest head;
  head.method = head_in.method;
  head.target = head_in.target;
  head.path = head_in.path;
  head.headers = head_in.headers;
  head.from_loopback = head_in.from_loopback && config.trust_loopback;
  HeaderDecision d;
  Routed r = route_of(head);
  if (r.route == Route::NotFound || (*r.allow && head.method != r.allow) || r.route == Route::Healthz) {
    d.body_limit = 64 * 1024;  // handle() answers 404 / 405 / the health check
    if (r.route != Route::Healthz && (head_in.content_length.value_or(0) > 0 || head_in.chunked)) {
      // Answer now rather than read a body nobody takes.
      HttpRequest copy = head_in;
      handle(std::move(copy), [&d](HttpResponse out) { d.answer = std::move(out); });
    }
    return d;
  }
  if (r.route == Route::DashboardPage) {
    if (auto refused = refuse_page(head)) d.answer = std::move(refused);
    d.body_limit = 64 * 1024;
    return d;
  }
  if (r.route == Route::DashboardAsset || r.route == Route::Login || r.route == Route::Logout) {
    d.body_limit = 4 * 1024;  // a login form at most
    return d;
  }
  if (r.route == Route::Metrics || r.route == Route::Admin) {
    if (!admin_authorized(head, config.admin_token)) {
      metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
      d.answer = unauthorized(r.route == Route::Metrics
                                  ? "/metrics needs the admin token (Authorization: Bearer ...)"
                                  : "admin endpoints need the admin token (Authorization: Bearer ...)");
    }
    d.body_limit = 64 * 1024;
    return d;
  }
  auto refuse = [&](HttpResponse out) {
    metrics.requests.fetch_add(1, std::memory_order_relaxed);
    d.answer = std::move(out);
    return d;
  };
  if (r.route == Route::Context && r.key.size() > config.max_id_bytes)
    return refuse(error_response(400, "key longer than " + std::to_string(config.max_id_bytes) + " bytes"));
  if (services.overloaded && services.overloaded()) {
    metrics.overloaded.fetch_add(1, std::memory_order_relaxed);
    int retry = services.retry_after_seconds ? services.retry_after_seconds() : 1;
    return refuse(retry_later("overloaded: the signal queue is full; retry later", retry));
  }
  if (services.refusal) {  // a degraded store, an outbox too far behind
    int retry = 1;
    if (std::string why = services.refusal(retry); !why.empty()) {
      metrics.overloaded.fetch_add(1, std::memory_order_relaxed);
      return refuse(retry_later(why, retry));
    }
  }
  if (head.header("webhook-id").size() > config.max_id_bytes)
    return refuse(
        error_response(400, "webhook-id longer than " + std::to_string(config.max_id_bytes) + " bytes"));
  HeaderAuth a = auth.check_headers(head, wall_ms() / 1000);
  switch (a.outcome) {
    case HeaderAuth::Refused:
      metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
      return refuse(unauthorized(a.result.error));
    case HeaderAuth::Missing:
      // The Segment API takes the write key in the body too: read at most a
      // batch to find it.
      if (r.route != Route::Segment || !auth.has_kind(SourceKind::SegmentWriteKey)) {
        metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
        return refuse(unauthorized(a.result.error));
      }
      break;
    case HeaderAuth::Authenticated:
      if (r.route == Route::Context) {
        if (std::string why = refuse_context(a.result.config); !why.empty()) {
          metrics.forbidden.fetch_add(1, std::memory_order_relaxed);
          return refuse(error_response(403, why));
        }
      }
      break;
    case HeaderAuth::Signed:
      if (r.route == Route::Context && !auth.any_signed_context_source()) {
        metrics.forbidden.fetch_add(1, std::memory_order_relaxed);
        return refuse(error_response(403, "no Standard Webhooks source may change context (context = true)"));
      }
      break;
  }
  d.body_limit = body_limit(r);
  return d;
}

// Backpressure first (cheapest, and a refused request must change nothing),
// then credentials. `body_may_authenticate` (the Segment API): a request
// without credentials in its headers is let through with who.ok false, for
// the `writeKey` of its body.
bool IngestRoutes::Impl::admit(const HttpRequest& req, const Respond& respond, AuthResult& who,
                               bool body_may_authenticate) {
  metrics.requests.fetch_add(1, std::memory_order_relaxed);
  if (services.overloaded && services.overloaded()) {
    metrics.overloaded.fetch_add(1, std::memory_order_relaxed);
    int retry = services.retry_after_seconds ? services.retry_after_seconds() : 1;
    respond(retry_later("overloaded: the signal queue is full; retry later", retry));
    return false;
  }
  if (services.refusal) {
    int retry = 1;
    std::string why = services.refusal(retry);
    if (!why.empty()) {
      metrics.overloaded.fetch_add(1, std::memory_order_relaxed);
      respond(retry_later(why, retry));
      return false;
    }
  }
  bool missing = false;
  who = auth.authenticate(req, req.body, wall_ms() / 1000, &missing);
  if (!who.ok) {
    if (missing && body_may_authenticate && auth.has_kind(SourceKind::SegmentWriteKey)) return true;
    metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
    respond(unauthorized(who.error));
    return false;
  }
  return true;
}

// A signed request that changes context is applied once per webhook-id: a
// replay within the signature's window is answered as a duplicate.
bool IngestRoutes::Impl::claim_replay(const AuthResult& who, Pending& p) {
  if (who.webhook_id.empty() || !who.config) return true;  // not signed
  int64_t now_s = wall_ms() / 1000;                        // the signature's window is real time
  switch (replays.claim(who.source, who.webhook_id, who.webhook_timestamp + auth.tolerance_s() + 1, now_s)) {
    case ReplayGuard::Claim::Fresh:
      p.replay_source = who.source;
      p.replay_id = who.webhook_id;
      return true;
    case ReplayGuard::Claim::Duplicate: {
      metrics.replays.fetch_add(1, std::memory_order_relaxed);
      std::string body;
      json::Writer w(body);
      w.begin_object();
      if (p.segment) w.key("success").value(true);
      w.key("accepted").value(uint64_t(0)).key("duplicates").value(uint64_t(0));
      w.key("duplicate").value(true).end_object();
      p.respond(json_response(200, std::move(body)));
      return false;
    }
    case ReplayGuard::Claim::InProgress:
      p.respond(retry_later("a request with this webhook-id is being applied; retry later", 1));
      return false;
    case ReplayGuard::Claim::Full:
      p.respond(retry_later("too many signed context changes in the replay window; retry later", 1));
      return false;
  }
  return true;
}

// Decompresses a gzip/deflate body into `storage` (else leaves the body as
// is), checks `limit`, and pads the buffer for simdjson.
bool IngestRoutes::Impl::decoded_body(HttpRequest& req, const Respond& respond, std::string& storage,
                                      size_t limit) {
  std::string_view encoding = req.header("content-encoding");
  if (encoding == "gzip" || encoding == "deflate" || encoding == "x-gzip") {
    std::string error;
    switch (inflate_body(req.body, limit, storage, error)) {
      case InflateResult::Ok:
        break;
      case InflateResult::TooLarge:
        metrics.too_large.fetch_add(1, std::memory_order_relaxed);
        respond(error_response(413, "decompressed body larger than " + std::to_string(limit) + " bytes"));
        return false;
      case InflateResult::Malformed:
        metrics.malformed.fetch_add(1, std::memory_order_relaxed);
        respond(error_response(400, error));
        return false;
    }
  } else if (!encoding.empty() && encoding != "identity") {
    respond(error_response(415, "unsupported Content-Encoding '" + clip(encoding, 64) + "' (use gzip)"));
    return false;
  } else {
    if (req.body.size() > limit) {
      metrics.too_large.fetch_add(1, std::memory_order_relaxed);
      respond(error_response(413, "body larger than " + std::to_string(limit) + " bytes"));
      return false;
    }
    storage = std::move(req.body);
  }
  storage.reserve(storage.size() + simdjson::SIMDJSON_PADDING);
  return true;
}

void IngestRoutes::Impl::take_envelope(dom::element item, size_t index, size_t line, const AuthResult& who,
                                       int64_t received, Pending& p) {
  ++p.total;
  std::string fallback_id;
  if (!who.webhook_id.empty())
    fallback_id = p.single ? who.webhook_id : who.webhook_id + "#" + std::to_string(index);
  EnvelopeDefaults defaults{who.source, fallback_id, received, config.max_signal_bytes, config.max_id_bytes};
  store::IncomingSignal signal;
  std::string error;
  if (!normalize_envelope(item, defaults, signal, error)) return p.error(index, line, error);
  if (std::string why = refuse_signal(who.config, signal.type); !why.empty())
    return p.error(index, line, why);
  if (services.validate_signal && !services.validate_signal(signal.envelope, error))
    return p.error(index, line, error);
  p.signals.push_back(std::move(signal));
}

void IngestRoutes::Impl::post_signals(HttpRequest& req, const AuthResult& who, Respond respond) {
  std::string body;
  if (!decoded_body(req, respond, body, config.max_body_bytes)) return;
  auto p = std::make_shared<Pending>();
  p->respond = std::move(respond);
  p->max_listed = config.max_listed_errors;
  int64_t received = now_ms();
  dom::parser& parser = thread_parser();
  bool ndjson = req.header("content-type").find("ndjson") != std::string_view::npos;
  if (!ndjson) {
    auto doc = parser.parse(body);
    if (doc.error()) {
      if (!looks_like_ndjson(body)) {
        metrics.malformed.fetch_add(1, std::memory_order_relaxed);
        return p->respond(error_response(400, describe_json_error(doc.error())));
      }
      ndjson = true;
    } else if (doc.value_unsafe().is_array()) {
      size_t i = 0;
      dom::array items = doc.value_unsafe().get_array().value_unsafe();  // named: see below
      for (dom::element item : items) take_envelope(item, i++, 0, who, received, *p);
    } else {
      p->single = true;
      take_envelope(doc.value_unsafe(), 0, 0, who, received, *p);
    }
  }
  if (ndjson) {
    std::string_view rest = body;
    size_t line_no = 0, index = 0;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      // The line's bytes are followed by the rest of the padded body: safe
      // for simdjson to read past without copying.
      auto doc = parser.parse(line.data(), line.size(), false);
      if (doc.error()) {
        ++p->total;
        p->error(index++, line_no, describe_json_error(doc.error()));
        continue;
      }
      take_envelope(doc.value_unsafe(), index++, line_no, who, received, *p);
    }
  }
  if (p->total == 0) return p->respond(error_response(400, "no signals in the body"));
  commit(std::move(p));
}

// One call of a Segment request: its own credentials (an item's writeKey
// wins, as at Segment), the mapping, and what the source may send.
void IngestRoutes::Impl::take_segment_call(dom::element item, size_t index, const AuthResult& who,
                                           SegmentRequest& sr, Pending& p, size_t& authenticated) {
  ++p.total;
  AuthResult own;
  const AuthResult* from = who.ok ? &who : nullptr;
  if (std::string_view key; !auth.open_mode() && string_at(item, "writeKey", key)) {
    own = auth.authenticate_write_key(key);
    if (!own.ok) {
      metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
      return p.error(index, 0, "writeKey: unknown write key");
    }
    from = &own;
  }
  if (!from)
    return p.error(index, 0, "missing credentials: no writeKey in the call, the batch or the headers");
  ++authenticated;
  sr.source = from->source;
  SegmentMapped m = map_segment_call(item, sr, config.segment);
  switch (m.outcome) {
    case SegmentOutcome::Signal:
      if (m.signal.id.size() > config.max_id_bytes)
        return p.error(index, 0, "messageId: longer than " + std::to_string(config.max_id_bytes) + " bytes");
      if (std::string why = refuse_signal(from->config, m.signal.type); !why.empty())
        return p.error(index, 0, why);
      // The plays' schema, as for /v1/signals: a signal acknowledged here must
      // be one the engine can decode (else it would be recorded as an error).
      if (std::string why; services.validate_signal && !services.validate_signal(m.signal.envelope, why))
        return p.error(index, 0, why);
      p.signals.push_back(std::move(m.signal));
      break;
    case SegmentOutcome::Ignored:
      ++p.ignored;
      break;
    case SegmentOutcome::Error:
      p.error(index, 0, m.message);
      break;
    case SegmentOutcome::Context: {
      size_t kept = 0;
      for (auto& upsert : m.context) {
        if (upsert.key.size() > config.max_id_bytes)
          return p.error(index, 0, "key longer than " + std::to_string(config.max_id_bytes) + " bytes");
        // Only the traits this source may change (none by default for a
        // write key, which is public in browser JavaScript).
        size_t refused = 0;
        upsert.fields_json = allowed_traits(from->config, upsert.entity, upsert.fields_json, refused);
        metrics.traits_refused.fetch_add(refused, std::memory_order_relaxed);
        if (upsert.fields_json == "{}") continue;
        if (services.check_context) {
          std::string fields, error;
          std::vector<std::string> dropped;
          if (!services.check_context(upsert.entity, upsert.fields_json, false, fields, dropped, error)) {
            p.error(index, 0, "traits: " + error);
            continue;
          }
          upsert.fields_json = std::move(fields);
        }
        p.context.push_back(std::move(upsert));
        ++kept;
      }
      if (kept == 0) ++p.ignored;  // acknowledged, changes nothing
      break;
    }
  }
}

void IngestRoutes::Impl::post_segment(HttpRequest& req, std::string_view call, const AuthResult& who_in,
                                      Respond respond) {
  const SegmentConfig& sc = config.segment;
  std::string body;
  if (!decoded_body(req, respond, body, call.empty() ? sc.max_batch_bytes : sc.max_event_bytes)) return;
  auto p = std::make_shared<Pending>();
  p->respond = std::move(respond);
  p->segment = true;
  p->single = !call.empty();
  p->max_listed = config.max_listed_errors;
  dom::parser& parser = thread_parser();
  auto doc = parser.parse(body);
  if (doc.error()) {
    metrics.malformed.fetch_add(1, std::memory_order_relaxed);
    return p->respond(error_response(400, describe_json_error(doc.error())));
  }
  dom::element root = doc.value_unsafe();
  if (!root.is_object()) return p->respond(error_response(400, "the body must be a JSON object"));
  // Credentials: the headers', else the body's `writeKey` (as
  // @segment/analytics-node 2.x sends it); an item's own `writeKey` wins
  // over either, as at Segment.
  AuthResult who = who_in;
  if (std::string_view key; !who.ok && string_at(root, "writeKey", key)) {
    who = auth.authenticate_write_key(key);
    if (!who.ok) {
      metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
      return p->respond(unauthorized("writeKey: unknown write key"));
    }
  }
  SegmentRequest sr;
  sr.call = call;
  sr.received_at_ms = now_ms();
  size_t authenticated = 0;
  if (call.empty()) {
    auto batch = root["batch"];
    if (batch.error() || !batch.value_unsafe().is_array())
      return p->respond(error_response(400, "batch: missing (an array of calls)"));
    auto ctx = root["context"];
    if (!ctx.error()) sr.batch_context = ctx.value_unsafe();
    auto sent = root["sentAt"];
    if (!sent.error() && sent.value_unsafe().is_string())
      sr.batch_sent_at = sent.value_unsafe().get_string().value_unsafe();
    size_t i = 0;
    // Name the array first: a range-for over a member of a temporary result dangles.
    dom::array items = batch.value_unsafe().get_array().value_unsafe();
    for (dom::element item : items) take_segment_call(item, i++, who, sr, *p, authenticated);
  } else {
    take_segment_call(root, 0, who, sr, *p, authenticated);
  }
  if (!who.ok && authenticated == 0) {
    // Nothing was authenticated: a 401, as for credentials in the headers.
    metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
    return p->respond(unauthorized(p->errors.empty() ? "missing credentials" : p->errors.front().error));
  }
  if (!p->context.empty() && !claim_replay(who, *p)) return;
  commit(std::move(p));
}

void IngestRoutes::Impl::put_context(HttpRequest& req, store::Entity entity, std::string_view key,
                                     const AuthResult& who, Respond respond) {
  std::string body;
  if (!decoded_body(req, respond, body, config.segment.max_event_bytes)) return;
  auto doc = thread_parser().parse(body);
  if (doc.error()) {
    metrics.malformed.fetch_add(1, std::memory_order_relaxed);
    return respond(error_response(400, describe_json_error(doc.error())));
  }
  if (!doc.value_unsafe().is_object())
    return respond(error_response(400, "the body must be a JSON object of record fields"));
  store::ContextUpsert upsert{entity, std::string(key), simdjson::minify(doc.value_unsafe())};
  if (services.check_context) {
    std::string fields, error;
    std::vector<std::string> dropped;
    if (!services.check_context(entity, upsert.fields_json, true, fields, dropped, error))
      return respond(error_response(400, clip(error)));
    upsert.fields_json = std::move(fields);
  }
  if (!services.upsert_context) return respond(not_supported("context upsert"));
  auto p = std::make_shared<Pending>();
  p->respond = std::move(respond);
  p->single = true;
  p->context.push_back(std::move(upsert));
  p->total = 1;
  if (!claim_replay(who, *p)) return;
  commit(std::move(p));
}

// Context first, then signals: a signal acknowledged together with an
// identify call is evaluated with the identified contact.
void IngestRoutes::Impl::commit(std::shared_ptr<Pending> p) {
  auto store_failed = [this, p](const std::string& error) {
    metrics.store_errors.fetch_add(1, std::memory_order_relaxed);
    if (!p->replay_id.empty()) replays.failed(p->replay_source, p->replay_id);
    p->respond(retry_later("not stored (" + error + "); nothing was acknowledged, retry", 1));
  };
  if (!p->context.empty()) {
    if (!services.upsert_context) {
      if (!p->replay_id.empty()) replays.failed(p->replay_source, p->replay_id);
      return p->respond(not_supported("context upsert"));
    }
    auto upserts = std::move(p->context);
    size_t n = upserts.size();
    p->context.clear();
    return services.upsert_context(std::move(upserts), [this, p, n, store_failed](std::string error) {
      if (!error.empty()) return store_failed(error);
      metrics.context_upserts.fetch_add(n, std::memory_order_relaxed);
      if (!p->replay_id.empty()) {
        replays.done(p->replay_source, p->replay_id);  // the context change is durable
        p->replay_id.clear();
      }
      commit(p);
    });
  }
  if (!p->signals.empty()) {
    if (!services.enqueue_signals) return p->respond(not_supported("signal ingestion"));
    auto signals = std::move(p->signals);
    p->signals.clear();
    return services.enqueue_signals(
        std::move(signals), [this, p, store_failed](std::vector<store::Enqueued> results, std::string error) {
          if (!error.empty()) return store_failed(error);
          for (auto r : results) (r == store::Enqueued::Accepted ? p->accepted : p->duplicates)++;
          metrics.signals_accepted.fetch_add(p->accepted, std::memory_order_relaxed);
          metrics.signals_duplicate.fetch_add(p->duplicates, std::memory_order_relaxed);
          finish(*p);
        });
  }
  finish(*p);
}

void IngestRoutes::Impl::finish(Pending& p) {
  metrics.items_invalid.fetch_add(p.error_count, std::memory_order_relaxed);
  metrics.segment_ignored.fetch_add(p.ignored, std::memory_order_relaxed);
  if (p.single && p.error_count) return p.respond(error_response(400, p.errors.front().error));
  std::string body;
  json::Writer w(body);
  w.begin_object();
  if (p.error_count) {
    size_t bad = p.error_count;
    w.key("error").value(bad == p.total ? "all " + std::to_string(bad) + " items are invalid"
                                        : std::to_string(bad) + " of " + std::to_string(p.total) +
                                              " items are invalid; the other items were taken");
  } else if (p.segment) {
    w.key("success").value(true);
  }
  w.key("accepted").value(static_cast<uint64_t>(p.accepted));
  w.key("duplicates").value(static_cast<uint64_t>(p.duplicates));
  if (p.segment) w.key("ignored").value(static_cast<uint64_t>(p.ignored));
  if (p.error_count) {
    w.key("items").begin_array();
    for (const auto& e : p.errors) {
      w.begin_object().key("index").value(static_cast<uint64_t>(e.index));
      if (e.line) w.key("line").value(static_cast<uint64_t>(e.line));
      w.key("error").value(e.error).end_object();
    }
    w.end_array();
    if (p.error_count > p.errors.size())
      w.key("more_errors").value(static_cast<uint64_t>(p.error_count - p.errors.size()));
  }
  w.end_object();
  p.respond(json_response(p.error_count ? 400 : 200, std::move(body)));
}

void IngestRoutes::Impl::admin(HttpRequest& req, Respond respond) {
  if (!admin_authorized(req, config.admin_token)) {
    metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
    return respond(unauthorized("admin endpoints need the admin token (Authorization: Bearer ...)"));
  }
  // The admin routes themselves are playd's (services.admin): ingestion
  // only checks the token.
  if (!services.admin) return respond(not_supported("the admin endpoints"));
  respond(services.admin(req));
}

HttpResponse IngestRoutes::Impl::dashboard(const HttpRequest& req) {
  if (!services.dashboard) return error_response(404, "this playd serves no dashboard");
  return services.dashboard(req);
}

// A page for someone without the admin token: a browser goes to the login
// form (and back here after it); a wrong bearer token gets 401.
// `req.from_loopback` already says whether loopback is trusted.
std::optional<HttpResponse> IngestRoutes::Impl::refuse_page(const HttpRequest& req) {
  if (admin_authorized(req, config.admin_token)) return std::nullopt;
  if (!req.header("authorization").empty()) {
    metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
    return unauthorized(
        "the dashboard needs the admin token (Authorization: Bearer ..., or log in at /login)");
  }
  return redirect("/login?next=" + url_encode(local_page(req.target), "/"));
}

// POST /login (token=...&next=...): the admin token buys a session cookie;
// the token itself never appears in a URL or a cookie.
HttpResponse IngestRoutes::Impl::login(const HttpRequest& req) {
  std::string next = local_page(form_value(req.body, "next").value_or("/"));
  bool secure = forwarded_https(req);
  if (config.admin_token.empty()) {
    // Nothing to log in with: open from trusted loopback, closed elsewhere
    // (the login page says how to set a token).
    return redirect(req.from_loopback ? next : "/login?next=" + url_encode(next, "/"));
  }
  std::string token = form_value(req.body, "token").value_or("");
  if (!constant_time_equal(token, config.admin_token)) {
    metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
    return redirect("/login?failed=1&next=" + url_encode(next, "/"));
  }
  HttpResponse out = redirect(next);
  out.headers.emplace_back("Set-Cookie", admin_session_cookie(config.admin_token, wall_ms() / 1000, secure));
  return out;
}

IngestRoutes::IngestRoutes(IngestConfig config, IngestServices services)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(services))) {}
IngestRoutes::~IngestRoutes() = default;

void IngestRoutes::handle(HttpRequest&& request, Respond respond) {
  impl_->handle(std::move(request), std::move(respond));
}

Handler IngestRoutes::handler() {
  return [this](HttpRequest&& request, Respond respond) { handle(std::move(request), std::move(respond)); };
}

const IngestMetrics& IngestRoutes::metrics() const { return impl_->metrics; }

HeaderDecision IngestRoutes::on_headers(const HttpRequest& head) { return impl_->on_headers(head); }

HeaderHook IngestRoutes::header_hook() {
  return [this](const HttpRequest& head) { return on_headers(head); };
}

void IngestRoutes::attach_http_stats(std::shared_ptr<const HttpServerStats> stats) {
  impl_->http_stats = std::move(stats);
}

}  // namespace play::ingest
