#include "runtime/ingest/routes.h"

#include <simdjson.h>

#include <chrono>

#include "runtime/ingest/envelope.h"
#include "runtime/ingest/gzip.h"
#include "runtime/json/json.h"

namespace play::ingest {

namespace dom = simdjson::dom;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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

HttpResponse not_supported(std::string_view what) {
  return error_response(501, std::string(what) + " is not supported yet by this playd");
}

// One parser per I/O thread: its buffers grow to the largest body and stay.
dom::parser& thread_parser() {
  thread_local dom::parser parser;
  return parser;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += char(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Two or more non-blank lines, the first starting an object: NDJSON sent
// without its Content-Type.
bool looks_like_ndjson(std::string_view body) {
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || body[start] != '{') return false;
  size_t nl = body.find('\n', start);
  return nl != std::string_view::npos && body.find_first_not_of(" \t\r\n", nl) != std::string_view::npos;
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
  std::vector<ItemError> errors;
  size_t accepted = 0, duplicates = 0;
};

}  // namespace

struct IngestRoutes::Impl {
  IngestConfig config;
  IngestServices services;
  Authenticator auth;
  IngestMetrics metrics;

  Impl(IngestConfig c, IngestServices s)
      : config(std::move(c)), services(std::move(s)), auth(config.sources, config.webhook_tolerance_s) {
    // Events named like a declared signal type map to it without configuration.
    if (!config.segment.is_signal_type) config.segment.is_signal_type = services.is_signal_type;
  }

  void handle(HttpRequest&& req, Respond respond);

  // ---- ingestion ----
  bool admit(const HttpRequest& req, const Respond& respond, AuthResult& who);
  bool decoded_body(HttpRequest& req, const Respond& respond, std::string& storage, size_t limit);
  void post_signals(HttpRequest& req, const AuthResult& who, Respond respond);
  void post_segment(HttpRequest& req, std::string_view call, const AuthResult& who, Respond respond);
  void put_context(HttpRequest& req, store::Entity entity, std::string_view key, Respond respond);
  void take_envelope(dom::element item, size_t index, size_t line, const AuthResult& who, int64_t received,
                     Pending& p);
  void commit(std::shared_ptr<Pending> p);
  void finish(Pending& p);

  // ---- mounted endpoints ----
  void admin(HttpRequest& req, Respond respond);
};

void IngestRoutes::Impl::handle(HttpRequest&& req, Respond respond) {
  const std::string& path = req.path;
  const std::string& method = req.method;
  auto method_not_allowed = [&](const char* allow) {
    HttpResponse r = error_response(405, "method " + method + " not allowed on " + path);
    r.headers.emplace_back("Allow", allow);
    respond(std::move(r));
  };
  if (path == "/healthz") {
    if (method != "GET") return method_not_allowed("GET");
    if (!services.healthz) return respond(json_response(200, "{\"status\":\"ok\"}"));
    return respond(services.healthz());
  }
  if (path == "/metrics") {
    if (method != "GET") return method_not_allowed("GET");
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (services.metrics_text) r.body = services.metrics_text();
    metrics.append_prometheus(r.body);
    return respond(std::move(r));
  }
  if (starts_with(path, "/v1/admin/") || (starts_with(path, "/v1/signals/") && path.ends_with("/trace")))
    return admin(req, std::move(respond));

  AuthResult who;
  if (path == "/v1/signals") {
    if (method != "POST") return method_not_allowed("POST");
    if (!admit(req, respond, who)) return;
    return post_signals(req, who, std::move(respond));
  }
  static constexpr std::string_view kSegment[] = {"/v1/batch", "/v1/track", "/v1/identify", "/v1/group",
                                                  "/v1/page"};
  for (std::string_view route : kSegment) {
    if (path != route) continue;
    if (method != "POST") return method_not_allowed("POST");
    if (!admit(req, respond, who)) return;
    std::string_view call = route.substr(4);
    return post_segment(req, call == "batch" ? std::string_view() : call, who, std::move(respond));
  }
  for (auto [prefix, entity] : {std::pair{std::string_view("/v1/accounts/"), store::Entity::Account},
                                std::pair{std::string_view("/v1/contacts/"), store::Entity::Contact}}) {
    if (!starts_with(path, prefix)) continue;
    std::string key = url_decode(std::string_view(path).substr(prefix.size()));
    if (key.empty() || key.find('/') != std::string::npos) break;
    if (method != "PUT") return method_not_allowed("PUT");
    if (!admit(req, respond, who)) return;
    return put_context(req, entity, key, std::move(respond));
  }
  respond(error_response(404, "no route for " + method + " " + path));
}

// Backpressure first (cheapest, and a refused request must change nothing),
// then credentials.
bool IngestRoutes::Impl::admit(const HttpRequest& req, const Respond& respond, AuthResult& who) {
  metrics.requests.fetch_add(1, std::memory_order_relaxed);
  if (services.overloaded && services.overloaded()) {
    metrics.overloaded.fetch_add(1, std::memory_order_relaxed);
    int retry = services.retry_after_seconds ? services.retry_after_seconds() : 1;
    HttpResponse r = error_response(503, "overloaded: the signal queue is full; retry later");
    r.headers.emplace_back("Retry-After", std::to_string(retry));
    respond(std::move(r));
    return false;
  }
  if (services.refusal) {
    int retry = 1;
    std::string why = services.refusal(retry);
    if (!why.empty()) {
      metrics.overloaded.fetch_add(1, std::memory_order_relaxed);
      HttpResponse r = error_response(503, why);
      r.headers.emplace_back("Retry-After", std::to_string(retry));
      respond(std::move(r));
      return false;
    }
  }
  who = auth.authenticate(req, req.body, now_ms() / 1000);
  if (!who.ok) {
    metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
    HttpResponse r = error_response(401, who.error);
    r.headers.emplace_back("WWW-Authenticate", "Bearer, Basic realm=\"playd\"");
    respond(std::move(r));
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
    respond(error_response(415, "unsupported Content-Encoding '" + std::string(encoding) + "' (use gzip)"));
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
  EnvelopeDefaults defaults{who.source, fallback_id, received};
  store::IncomingSignal signal;
  std::string error;
  if (!normalize_envelope(item, defaults, signal, error) ||
      (services.validate_signal && !services.validate_signal(signal.envelope, error))) {
    p.errors.push_back({index, line, std::move(error)});
    return;
  }
  p.signals.push_back(std::move(signal));
}

void IngestRoutes::Impl::post_signals(HttpRequest& req, const AuthResult& who, Respond respond) {
  std::string body;
  if (!decoded_body(req, respond, body, config.max_body_bytes)) return;
  auto p = std::make_shared<Pending>();
  p->respond = std::move(respond);
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
        p->errors.push_back({index++, line_no, describe_json_error(doc.error())});
        continue;
      }
      take_envelope(doc.value_unsafe(), index++, line_no, who, received, *p);
    }
  }
  if (p->total == 0) return p->respond(error_response(400, "no signals in the body"));
  commit(std::move(p));
}

void IngestRoutes::Impl::post_segment(HttpRequest& req, std::string_view call, const AuthResult& who,
                                      Respond respond) {
  const SegmentConfig& sc = config.segment;
  std::string body;
  if (!decoded_body(req, respond, body, call.empty() ? sc.max_batch_bytes : sc.max_event_bytes)) return;
  auto p = std::make_shared<Pending>();
  p->respond = std::move(respond);
  p->segment = true;
  p->single = !call.empty();
  dom::parser& parser = thread_parser();
  auto doc = parser.parse(body);
  if (doc.error()) {
    metrics.malformed.fetch_add(1, std::memory_order_relaxed);
    return p->respond(error_response(400, describe_json_error(doc.error())));
  }
  dom::element root = doc.value_unsafe();
  if (!root.is_object()) return p->respond(error_response(400, "the body must be a JSON object"));
  SegmentRequest sr;
  sr.call = call;
  sr.source = who.source;
  sr.received_at_ms = now_ms();
  auto take = [&](dom::element item, size_t index) {
    ++p->total;
    SegmentMapped m = map_segment_call(item, sr, sc);
    switch (m.outcome) {
      case SegmentOutcome::Signal:
        p->signals.push_back(std::move(m.signal));
        break;
      case SegmentOutcome::Ignored:
        ++p->ignored;
        break;
      case SegmentOutcome::Error:
        p->errors.push_back({index, 0, std::move(m.message)});
        break;
      case SegmentOutcome::Context:
        for (auto& upsert : m.context) {
          if (services.check_context) {
            std::string fields, error;
            std::vector<std::string> dropped;
            if (!services.check_context(upsert.entity, upsert.fields_json, false, fields, dropped, error)) {
              p->errors.push_back({index, 0, "traits: " + error});
              continue;
            }
            upsert.fields_json = std::move(fields);
          }
          p->context.push_back(std::move(upsert));
        }
        break;
    }
  };
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
    for (dom::element item : items) take(item, i++);
  } else {
    take(root, 0);
  }
  commit(std::move(p));
}

void IngestRoutes::Impl::put_context(HttpRequest& req, store::Entity entity, std::string_view key,
                                     Respond respond) {
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
      return respond(error_response(400, error));
    upsert.fields_json = std::move(fields);
  }
  if (!services.upsert_context) return respond(not_supported("context upsert"));
  auto p = std::make_shared<Pending>();
  p->respond = std::move(respond);
  p->single = true;
  p->context.push_back(std::move(upsert));
  p->total = 1;
  commit(std::move(p));
}

// Context first, then signals: a signal acknowledged together with an
// identify call is evaluated with the identified contact.
void IngestRoutes::Impl::commit(std::shared_ptr<Pending> p) {
  auto store_failed = [this, p](const std::string& error) {
    metrics.store_errors.fetch_add(1, std::memory_order_relaxed);
    HttpResponse r = error_response(503, "not stored (" + error + "); nothing was acknowledged, retry");
    r.headers.emplace_back("Retry-After", "1");
    p->respond(std::move(r));
  };
  if (!p->context.empty()) {
    if (!services.upsert_context) return p->respond(not_supported("context upsert"));
    auto upserts = std::move(p->context);
    size_t n = upserts.size();
    p->context.clear();
    return services.upsert_context(std::move(upserts), [this, p, n, store_failed](std::string error) {
      if (!error.empty()) return store_failed(error);
      metrics.context_upserts.fetch_add(n, std::memory_order_relaxed);
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
  metrics.items_invalid.fetch_add(p.errors.size(), std::memory_order_relaxed);
  metrics.segment_ignored.fetch_add(p.ignored, std::memory_order_relaxed);
  if (p.single && !p.errors.empty()) return p.respond(error_response(400, p.errors.front().error));
  std::string body;
  json::Writer w(body);
  w.begin_object();
  if (!p.errors.empty()) {
    size_t bad = p.errors.size();
    w.key("error").value(bad == p.total ? "all " + std::to_string(bad) + " items are invalid"
                                        : std::to_string(bad) + " of " + std::to_string(p.total) +
                                              " items are invalid; the other items were taken");
  } else if (p.segment) {
    w.key("success").value(true);
  }
  w.key("accepted").value(static_cast<uint64_t>(p.accepted));
  w.key("duplicates").value(static_cast<uint64_t>(p.duplicates));
  if (p.segment) w.key("ignored").value(static_cast<uint64_t>(p.ignored));
  if (!p.errors.empty()) {
    w.key("items").begin_array();
    for (const auto& e : p.errors) {
      w.begin_object().key("index").value(static_cast<uint64_t>(e.index));
      if (e.line) w.key("line").value(static_cast<uint64_t>(e.line));
      w.key("error").value(e.error).end_object();
    }
    w.end_array();
  }
  w.end_object();
  p.respond(json_response(p.errors.empty() ? 200 : 400, std::move(body)));
}

void IngestRoutes::Impl::admin(HttpRequest& req, Respond respond) {
  if (!admin_authorized(req, config.admin_token)) {
    metrics.auth_failures.fetch_add(1, std::memory_order_relaxed);
    return respond(error_response(401, "admin endpoints need the admin token (Authorization: Bearer ...)"));
  }
  std::string_view path = req.path;
  std::string_view query = std::string_view(req.target).substr(req.path.size());
  if (!query.empty()) query.remove_prefix(1);
  if (starts_with(path, "/v1/signals/")) {
    if (req.method != "GET") return respond(error_response(405, "use GET"));
    std::string id = url_decode(path.substr(12, path.size() - 12 - 6));
    if (!services.trace) return respond(not_supported("the signal trace"));
    return respond(services.trace(id));
  }
  if (path == "/v1/admin/replay") {
    if (req.method != "POST") return respond(error_response(405, "use POST"));
    if (!services.replay) return respond(not_supported("replay"));
    return respond(services.replay(query));
  }
  constexpr std::string_view kDlq = "/v1/admin/dlq";
  if (path == kDlq) {
    if (req.method != "GET") return respond(error_response(405, "use GET"));
    if (!services.dlq_list) return respond(not_supported("the DLQ"));
    return respond(services.dlq_list(query));
  }
  if (starts_with(path, std::string(kDlq) + "/")) {
    std::string_view rest = path.substr(kDlq.size() + 1);
    if (rest.ends_with("/replay")) {
      if (req.method != "POST") return respond(error_response(405, "use POST"));
      if (!services.dlq_replay) return respond(not_supported("DLQ replay"));
      return respond(services.dlq_replay(url_decode(rest.substr(0, rest.size() - 7))));
    }
    if (req.method != "GET") return respond(error_response(405, "use GET"));
    if (!services.dlq_get) return respond(not_supported("the DLQ"));
    return respond(services.dlq_get(url_decode(rest)));
  }
  respond(error_response(404, "no route for " + req.method + " " + req.path));
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

}  // namespace play::ingest
