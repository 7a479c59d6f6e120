#include "apps/playd/admin.h"

#include <simdjson.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "apps/playd/dashboard_api.h"
#include "common/json/json.h"
#include "common/text.h"
#include "common/time/time.h"
#include "runtime/observe/trace.h"
#include "runtime/observe/views.h"
#include "runtime/sinks/dlq.h"
#include "runtime/sinks/http_client.h"
#include "runtime/store/lock.h"
#include "runtime/vm/value.h"

namespace play::playd {

namespace {

AdminAnswer error(int status, const std::string& message) {
  return {status, "{\"error\":" + json::quote(message) + "}"};
}

// A running playd's admin endpoint, or nothing (status 0) when none runs.
struct Remote {
  bool running = false;
  sinks::HttpResult result;
};
Remote call_running(const AdminFlags& admin, const std::string& method, const std::string& path) {
  Remote r;
  store::LockHolder holder;
  if (!store::lock_holder(admin.data, holder)) return r;
  r.running = true;
  if (holder.url.empty()) {
    r.result.error = "the playd holding " + admin.data + " (pid " + std::to_string(holder.pid) +
                     ") is not listening yet; retry in a moment";
    return r;
  }
  std::string token = admin.token;
  if (token.empty())
    if (const char* env = std::getenv("PLAYD_ADMIN_TOKEN")) token = env;
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  sinks::http_global_init();
  sinks::HttpClient client;
  r.result = client.request(method, holder.url + path, "", headers, 60000, 64 << 20);
  return r;
}

// Prints a running playd's answer; the exit code for it.
int print_remote(const Remote& r) {
  if (r.result.status == 0) {
    std::fprintf(stderr, "playd: cannot reach the running playd: %s\n", r.result.error.c_str());
    return 2;
  }
  std::printf("%s\n", r.result.body.c_str());
  if (r.result.status == 401)
    std::fprintf(stderr,
                 "playd: the running playd wants its admin token: --admin-token or $PLAYD_ADMIN_TOKEN\n");
  if (r.result.status == 404) return 1;
  return r.result.status < 300 ? 0 : 2;
}

// Opens the store of a directory no playd runs on, holding its lock.
struct Local {
  std::unique_ptr<store::DataDirLock> lock;
  std::unique_ptr<store::Store> store;
};
bool open_local(const AdminFlags& admin, Local& out) {
  // The commands read an existing store: opening a wrong --data would create an empty one.
  std::error_code ec;
  if (admin.data.empty() || !std::filesystem::exists(std::filesystem::path(admin.data) / "playd.db", ec)) {
    std::fprintf(
        stderr,
        "playd: --data: '%s' holds no playd store (no playd.db): give the directory of playd serve --data\n",
        admin.data.c_str());
    return false;
  }
  std::string error;
  out.lock = store::DataDirLock::acquire(admin.data, error);
  if (out.lock) out.store = store::open_store(admin.data, store::StoreOptions{}, error);
  if (!out.store) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return false;
  }
  return true;
}

bool parse_time(const std::string& text, const char* what, int64_t& ms, std::string& error) {
  if (text.empty()) return true;
  if (vm::parse_timestamp(text, ms)) return true;
  error = std::string(what) + ": expected an RFC 3339 time such as 2026-06-20T00:00:00Z, got '" + text + "'";
  return false;
}

}  // namespace

namespace {

AdminAnswer replay(store::Store& store, std::string_view query) {
  store::ReplayFilter f;
  std::string since = query_param(query, "since"), until = query_param(query, "until"), err;
  f.play_set = query_param(query, "play_set");
  std::string dry = query_param(query, "dry_run");
  f.dry_run = dry == "1" || dry == "true";
  if (since.empty() && f.play_set.empty())
    return error(400,
                 "replay needs since=TIME or play_set=VERSION (replaying everything by accident is refused)");
  if (!parse_time(since, "since", f.since_ms, err) || !parse_time(until, "until", f.until_ms, err))
    return error(400, err);
  store::ReplayResult r = store.replay(f);
  std::string out;
  json::Writer w(out);
  w.begin_object().key("replayed").value(r.signals).key("dry_run").value(f.dry_run);
  w.key("by_play_set").begin_object();
  for (const auto& [set, n] : r.by_play_set) w.key(set.empty() ? "unknown" : set).value(n);
  w.end_object().end_object();
  return {200, out};
}

AdminAnswer dlq_replay(store::Store& store, sinks::Executor* executor, const std::string& key) {
  auto actions = sinks::dlq_replay(store, key == "all" ? "" : key);
  size_t n = actions.size();
  if (executor) executor->submit(std::move(actions));
  if (key != "all" && n == 0) return error(404, "no action with key " + key + " in the DLQ");
  return {200, "{\"replayed\":" + std::to_string(n) + "}"};
}

// POST /v1/review/KEY/done: the item marked done, by and comment from the
// JSON body ({"by": "...", "comment": "..."}, both optional) or, failing
// that, the query (by=...&comment=..., what `playd review done` sends).
AdminAnswer review_done(store::Store& store, const ingest::HttpRequest& req, std::string_view query,
                        const std::string& key) {
  std::string by = query_param(query, "by"), comment = query_param(query, "comment");
  std::string_view body = req.body;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
  if (!body.empty()) {
    simdjson::dom::parser parser;
    auto doc = parser.parse(req.body);
    if (doc.error() || !doc.value_unsafe().is_object())
      return error(400, "expected no body or {\"by\": \"...\", \"comment\": \"...\"}");
    for (auto [name, out] : {std::pair<const char*, std::string*>{"by", &by}, {"comment", &comment}}) {
      auto field = doc.value_unsafe()[name];
      if (field.error() == simdjson::NO_SUCH_FIELD || field.is_null()) continue;
      std::string_view text;
      if (field.get(text)) return error(400, std::string(name) + ": expected a string");
      *out = std::string(text);
    }
  }
  if (by.size() > 200 || comment.size() > 4000)
    return error(400, "by: at most 200 bytes; comment: at most 4000");
  auto item = store.review_done(key, by, comment);
  if (!item) return error(404, "no review item with key " + key.substr(0, 200));
  return {200, observe::review_item_json(*item)};
}

// GET/POST /v1/admin/clock: the service's clock, settable under --simulated-clock.
AdminAnswer clock(const ingest::HttpRequest& req) {
  if (req.method == "POST") {
    simdjson::dom::parser parser;
    auto doc = parser.parse(req.body);
    std::string_view text;
    if (doc.error() || !doc.value_unsafe().is_object() || doc.value_unsafe()["now"].get(text))
      return error(400, "expected {\"now\": \"2026-06-20T10:00:00Z\"}");
    int64_t ms = 0;
    if (!vm::parse_timestamp(text, ms))
      return error(400, "now: expected an RFC 3339 time, got '" + std::string(text) + "'");
    set_clock(ms);
    std::fprintf(stderr, "playd: clock set to %s (simulated)\n", format_timestamp(ms).c_str());
  } else if (req.method != "GET") {
    return error(405, "use GET or POST");
  }
  std::string out;
  json::Writer w(out);
  w.begin_object().key("now").value(format_timestamp(now_ms())).key("simulated").value(clock_is_simulated());
  w.end_object();
  return {200, out};
}

AdminAnswer route(const ingest::HttpRequest& req, const AdminContext& ctx) {
  if (is_dashboard_api(req.path)) {
    ingest::HttpResponse r = dashboard_api(req, ctx.store, ctx.live, ctx.executor);
    return {r.status, std::move(r.body)};
  }
  store::Store& store = ctx.store;
  sinks::Executor* executor = ctx.executor;
  if (req.path == "/v1/admin/clock" && ctx.simulated_clock) return clock(req);
  if (req.path == "/v1/admin/reload" && ctx.reload) {
    if (req.method != "POST") return error(405, "use POST");
    ReloadResult r = ctx.reload("admin");
    return {r.status, r.body};
  }
  std::string_view path = req.path;
  std::string_view query = std::string_view(req.target).substr(req.path.size());
  if (!query.empty()) query.remove_prefix(1);
  auto method = [&](const char* want) { return req.method == want; };
  constexpr std::string_view kSignals = "/v1/signals/", kTrace = "/trace", kDlq = "/v1/admin/dlq";
  if (path.starts_with(kSignals) && path.ends_with(kTrace)) {
    if (!method("GET")) return error(405, "use GET");
    std::string id = url_decode(path.substr(kSignals.size(), path.size() - kSignals.size() - kTrace.size()));
    std::string out;
    if (observe::trace_json(store, id, out)) return {200, out};
    return error(404, "no signal with this id (unknown, or older than the trace TTL)");
  }
  if (path == "/v1/decisions") {
    if (!method("GET")) return error(405, "use GET");
    std::string play = query_param(query, "play"), limit_text = query_param(query, "limit");
    if (play.empty()) return error(400, "decisions needs play=NAME");
    size_t limit = 50;
    if (!limit_text.empty()) {
      auto [end, ec] = std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), limit);
      if (ec != std::errc() || end != limit_text.data() + limit_text.size() || limit == 0 || limit > 1000)
        return error(400, "limit: expected a number from 1 to 1000, got '" + limit_text + "'");
    }
    return {200, observe::decisions_json(store, play, query_param(query, "outcome"), limit)};
  }
  constexpr std::string_view kReview = "/v1/review/", kDone = "/done";
  if (path.starts_with(kReview)) {
    if (!path.ends_with(kDone) || path.size() <= kReview.size() + kDone.size())
      return error(404, "no admin route for " + req.method + " " + std::string(path.substr(0, 200)));
    if (!method("POST")) return error(405, "use POST");
    return review_done(store, req, query,
                       url_decode(path.substr(kReview.size(), path.size() - kReview.size() - kDone.size())));
  }
  if (path == "/v1/admin/replay") return method("POST") ? replay(store, query) : error(405, "use POST");
  if (path == kDlq)
    return method("GET") ? AdminAnswer{200, sinks::dlq_list_json(store)} : error(405, "use GET");
  if (path.starts_with(std::string(kDlq) + "/")) {
    std::string_view rest = path.substr(kDlq.size() + 1);
    if (rest.ends_with("/replay"))
      return method("POST") ? dlq_replay(store, executor, url_decode(rest.substr(0, rest.size() - 7)))
                            : error(405, "use POST");
    if (!method("GET")) return error(405, "use GET");
    std::string out;
    if (sinks::action_json(store, url_decode(rest), out)) return {200, out};
    return error(404, "no action with this key");
  }
  return error(404, "no admin route for " + req.method + " " + std::string(path.substr(0, 200)));
}

}  // namespace

ingest::HttpResponse admin_route(const ingest::HttpRequest& request, const AdminContext& context) {
  AdminAnswer a;
  try {
    a = route(request, context);
  } catch (const std::exception& e) {
    a = error(503, std::string("the store could not answer: ") + e.what());
  }
  ingest::HttpResponse r;
  r.status = a.status;
  r.body = std::move(a.body);
  return r;
}

int replay_command(const AdminFlags& admin, const ReplayFlags& flags) {
  if (flags.since.empty() && flags.play_set.empty()) {
    std::fprintf(stderr, "playd: replay needs --since TIME or --play-set VERSION\n");
    return 2;
  }
  int64_t ms = 0;
  std::string err;
  if (!parse_time(flags.since, "--since", ms, err) || !parse_time(flags.until, "--until", ms, err)) {
    std::fprintf(stderr, "playd: replay: %s\n", err.c_str());
    return 2;
  }
  std::string query = "since=" + url_encode(flags.since) + "&until=" + url_encode(flags.until) +
                      "&play_set=" + url_encode(flags.play_set) + (flags.dry_run ? "&dry_run=1" : "");
  Remote remote = call_running(admin, "POST", "/v1/admin/replay?" + query);
  if (remote.running) return print_remote(remote);
  Local local;
  if (!open_local(admin, local)) return 2;
  ingest::HttpRequest req;
  req.method = "POST";
  req.path = "/v1/admin/replay";
  req.target = req.path + "?" + query;
  ingest::HttpResponse a = admin_route(req, AdminContext{*local.store, nullptr, false, {}});
  std::printf("%s\n", a.body.c_str());
  if (a.status != 200) return 2;
  if (!flags.dry_run)
    std::fprintf(stderr, "playd: no playd runs on %s: the signals are evaluated at its next start\n",
                 admin.data.c_str());
  return 0;
}

int dlq_command(const AdminFlags& admin, const std::string& what, const std::string& key, bool all) {
  std::string usage;
  if (what != "list" && what != "show" && what != "replay")
    usage = "expected list, show KEY or replay KEY|--all, got '" + what + "'";
  else if (what == "list" && !key.empty())
    usage = "list takes no KEY";
  else if (what == "show" && key.empty())
    usage = "show needs a KEY (an action's idempotency key)";
  else if (what == "replay" && key.empty() && !all)
    usage = "replay needs a KEY or --all";
  else if (what == "replay" && !key.empty() && all)
    usage = "replay takes a KEY or --all, not both";
  else if (what != "replay" && all)
    usage = "--all is for replay";
  if (!usage.empty()) {
    std::fprintf(stderr, "playd: dlq: %s\n", usage.c_str());
    return 2;
  }
  std::string path = what == "list" ? "/v1/admin/dlq"
                     : what == "show"
                         ? "/v1/admin/dlq/" + url_encode(key)
                         : "/v1/admin/dlq/" + (all ? std::string("all") : url_encode(key)) + "/replay";
  Remote remote = call_running(admin, what == "replay" ? "POST" : "GET", path);
  if (remote.running) return print_remote(remote);
  Local local;
  if (!open_local(admin, local)) return 2;
  ingest::HttpRequest req;
  req.method = what == "replay" ? "POST" : "GET";
  req.path = req.target = path;
  ingest::HttpResponse a = admin_route(req, AdminContext{*local.store, nullptr, false, {}});
  std::printf("%s\n", a.body.c_str());
  if (what == "replay" && a.status == 200)
    std::fprintf(stderr, "playd: no playd runs on %s: the replayed actions are sent at its next start\n",
                 admin.data.c_str());
  return a.status == 200 ? 0 : a.status == 404 ? 1 : 2;
}

int review_command(const AdminFlags& admin, const ReviewFlags& flags) {
  std::string usage;
  if (flags.what != "list" && flags.what != "done")
    usage = "expected list or done KEY, got '" + flags.what + "'";
  else if (flags.what == "list" && !flags.key.empty())
    usage = "list takes no KEY (--queue Q, --status open|done|all)";
  else if (flags.what == "done" && flags.key.empty())
    usage = "done needs a KEY (the review item's key: playd review list shows them)";
  else if (flags.what == "list" && (!flags.by.empty() || !flags.comment.empty()))
    usage = "--by and --comment are for done";
  else if (flags.what == "done" && (!flags.queue.empty() || !flags.status.empty() || !flags.limit.empty()))
    usage = "--queue, --status and --limit are for list";
  else if (!flags.status.empty() && flags.status != "open" && flags.status != "done" && flags.status != "all")
    usage = "--status: expected open, done or all, got '" + flags.status + "'";
  if (!usage.empty()) {
    std::fprintf(stderr, "playd: review: %s\n", usage.c_str());
    return 2;
  }
  bool list = flags.what == "list";
  std::string path, query;
  if (list) {
    path = "/v1/review";
    query = "status=" + url_encode(flags.status.empty() ? "open" : flags.status);
    if (!flags.queue.empty()) query += "&queue=" + url_encode(flags.queue);
    if (!flags.limit.empty()) query += "&limit=" + url_encode(flags.limit);
  } else {
    path = "/v1/review/" + url_encode(flags.key) + "/done";
    query = "by=" + url_encode(flags.by) + "&comment=" + url_encode(flags.comment);
  }
  const char* method = list ? "GET" : "POST";
  Remote remote = call_running(admin, method, path + "?" + query);
  if (remote.running) return print_remote(remote);
  Local local;
  if (!open_local(admin, local)) return 2;
  ingest::HttpRequest req;
  req.method = method;
  req.path = path;
  req.target = path + "?" + query;
  ingest::HttpResponse a = admin_route(req, AdminContext{*local.store, nullptr, false, {}});
  std::printf("%s\n", a.body.c_str());
  return a.status == 200 ? 0 : a.status == 404 ? 1 : 2;
}

}  // namespace play::playd
