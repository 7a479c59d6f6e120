// What the ingestion routes need from the rest of playd, as callbacks, so
// that ingestion depends only on the store's types and is tested without a
// store. playd's main wires them (store_services.h does the store part).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/ingest/http_server.h"
#include "runtime/store/store.h"

namespace play::ingest {

struct IngestServices {
  // Durable enqueue. `done` is called exactly once, from any thread, after
  // the signals are committed (results[i] for signals[i]) or with a
  // non-empty error when nothing was made durable.
  using EnqueueDone = std::function<void(std::vector<store::Enqueued> results, std::string error)>;
  std::function<void(std::vector<store::IncomingSignal>, EnqueueDone)> enqueue_signals;
  // Durable context upsert; `done(error)` as above.
  std::function<void(std::vector<store::ContextUpsert>, std::function<void(std::string error)>)>
      upsert_context;
  // Backpressure: when true, ingestion answers 503 with Retry-After.
  std::function<bool()> overloaded;
  std::function<int()> retry_after_seconds;
  // Why signals and context cannot be taken now ("" when they can): the
  // store is degraded (disk full, I/O error, damage) or the outbox is too far
  // behind. Ingestion answers 503 with the reason and Retry-After:
  // `retry_after_s`. Unset: always taken.
  std::function<std::string(int& retry_after_s)> refusal;

  // Envelope validation by the plays' signal schemas (engine decoder): false
  // with `error` ("unknown signal type 'x'", "missing property 'url'").
  // Unset: structural checks only.
  std::function<bool(std::string_view envelope_json, std::string& error)> validate_signal;
  // Whether a name is a declared signal type (a Segment event named like one
  // maps to it without configuration). Unset: never.
  std::function<bool(std::string_view type)> is_signal_type;
  // Checks a context record's fields against the entity schema and returns
  // the JSON object to store. strict (PUT endpoints): an unknown field or a
  // wrong type is an error. Lenient (Segment traits): such fields are
  // dropped and named in `dropped`. Unset: fields are passed as given.
  std::function<bool(store::Entity entity, std::string_view fields_json, bool strict, std::string& out_json,
                     std::vector<std::string>& dropped, std::string& error)>
      check_context;

  // Mounted read endpoints; each unset one answers 501 "not supported yet".
  std::function<HttpResponse()> healthz;
  std::function<std::string()> metrics_text;  // Prometheus text of the rest of playd
  // Everything under /v1/admin/ and GET /v1/signals/{id}/trace, after the
  // admin token was checked: playd's admin routes (its admin.h).
  std::function<HttpResponse(const HttpRequest& request)> admin;
  // The web dashboard: GET of its pages (/, /plays/NAME, /dlq, /review,
  // /trace: ingestion has checked the admin token, the session cookie or
  // loopback), of its assets (/assets/FILE) and of the login form (/login,
  // open). Unset: 404.
  std::function<HttpResponse(const HttpRequest& request)> dashboard;
};

}  // namespace play::ingest
