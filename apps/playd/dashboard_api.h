// The read-only JSON the dashboard (and anyone with the admin token) reads,
// behind the admin check (docs/operations.md, "Reading playd over HTTP"):
//   GET /v1/plays                     the live plays' registry, with counts of the last 24 h and 7 days
//   GET /v1/history?play=NAME|signal_type=TYPE&from=RFC3339&to=RFC3339&step=hour|day
//   GET /v1/alerts                    firing (newest first), then resolved in the last 7 days
//   GET /v1/overview                  lanes, DLQ, outboxes, alerts firing, today, the last 24 h
//   GET /v1/review?queue=Q&status=open|done|all&limit=N   the review queue, newest first
// (POST /v1/review/KEY/done, a write, is admin.cpp's.)
// The shapes are runtime/observe/views.h's.
#pragma once

#include <string>
#include <string_view>

#include "runtime/engine/live_plays.h"
#include "runtime/ingest/http_server.h"
#include "runtime/sinks/executor.h"
#include "runtime/store/store.h"

namespace play::playd {

// True when `path` is one of these routes (ingestion forwards them to the admin routes).
bool is_dashboard_api(std::string_view path);

// The answer for one of these routes (status, JSON body).
ingest::HttpResponse dashboard_api(const ingest::HttpRequest& request, store::Store& store,
                                   const engine::LivePlays* live, sinks::Executor* executor);

// The value of `name` in a query string, URL-decoded; "" when absent ("1" when given without a value).
std::string query_param(std::string_view query, std::string_view name);

}  // namespace play::playd
