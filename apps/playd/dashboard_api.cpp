#include "apps/playd/dashboard_api.h"

#include <charconv>

#include "common/json/json.h"
#include "common/text.h"
#include "common/time/time.h"
#include "runtime/observe/registry.h"
#include "runtime/observe/views.h"

namespace play::playd {

namespace {

constexpr std::string_view kRoutes[] = {"/v1/plays", "/v1/history", "/v1/alerts", "/v1/overview",
                                        "/v1/review"};
constexpr int64_t kResolvedShownMs = 7 * store::kDayMs;  // GET /v1/alerts: resolved in the last 7 days

ingest::HttpResponse answer(int status, std::string body) {
  ingest::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ingest::HttpResponse bad_request(const std::string& why) {
  return answer(400, "{\"error\":" + json::quote(why) + "}");
}

}  // namespace

bool is_dashboard_api(std::string_view path) {
  for (auto r : kRoutes)
    if (path == r) return true;
  return false;
}

std::string query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? "1" : url_decode(pair.substr(eq + 1), true);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return "";
}

ingest::HttpResponse dashboard_api(const ingest::HttpRequest& req, store::Store& store,
                                   const engine::LivePlays* live, sinks::Executor* executor) {
  if (req.method != "GET") return answer(405, "{\"error\":\"use GET\"}");
  std::string_view query = std::string_view(req.target).substr(req.path.size());
  if (!query.empty()) query.remove_prefix(1);
  auto param = [&](const char* name) { return query_param(query, name); };
  int64_t now = now_ms();
  const std::string& path = req.path;
  if (path == "/v1/plays") {
    if (!live) return answer(404, "{\"error\":\"no plays are loaded here\"}");
    auto set = live->current();
    auto entries = observe::registry(*set->bundle);
    return answer(200, observe::plays_json(store, {&entries, set->version, set->loaded_at_ms}, now));
  }
  if (path == "/v1/history") {
    observe::HistoryRequest h;
    std::string error;
    if (!observe::history_request(param("play"), param("signal_type"), param("from"), param("to"),
                                  param("step"), now, h, error))
      return bad_request(error);
    return answer(200, observe::history_json(store, h));
  }
  if (path == "/v1/alerts") return answer(200, observe::alerts_json(store.alerts(now - kResolvedShownMs)));
  if (path == "/v1/overview") {
    observe::OverviewView view;
    if (live) view.play_set = live->current()->version;
    if (executor)
      for (const auto& b : executor->backlog()) view.outbox.push_back({b.sink, b.depth, b.oldest_created_ms});
    return answer(200, observe::overview_json(store, view, now));
  }
  if (path == "/v1/review") {
    store::ReviewQuery q;
    std::string status = param("status"), l = param("limit");
    if (!status.empty()) q.status = status;
    if (q.status != "open" && q.status != "done" && q.status != "all")
      return bad_request("status: expected open, done or all, got '" + status.substr(0, 40) + "'");
    q.queue = param("queue");
    if (!l.empty()) {
      auto [end, ec] = std::from_chars(l.data(), l.data() + l.size(), q.limit);
      if (ec != std::errc() || end != l.data() + l.size() || q.limit < 1 || q.limit > 1000)
        return bad_request("limit: expected a number from 1 to 1000, got '" + l.substr(0, 40) + "'");
    }
    return answer(200, observe::review_json(store, q));
  }
  return answer(404, "{\"error\":\"no such route\"}");
}

}  // namespace play::playd
