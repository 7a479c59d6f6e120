#include "runtime/playd/admin.h"

#include <cstdio>
#include <cstdlib>

#include "runtime/json/json.h"
#include "runtime/sinks/dlq.h"
#include "runtime/sinks/http_client.h"
#include "runtime/store/lock.h"
#include "runtime/vm/value.h"

namespace play::playd {

namespace {

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string url_decode(std::string_view s) {
  std::string out;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && val(s[i + 1]) >= 0 && val(s[i + 2]) >= 0) {
      out += char(val(s[i + 1]) * 16 + val(s[i + 2]));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// The value of `name` in a query string, url-decoded; "" when absent.
std::string query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? "1" : url_decode(pair.substr(eq + 1));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return "";
}

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
  std::string error;
  out.lock = store::DataDirLock::acquire(admin.data, error);
  if (out.lock) out.store = store::Store::open(admin.data, store::StoreOptions{}, error);
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

AdminAnswer replay_admin(store::Store& store, std::string_view query) {
  store::Store::ReplayFilter f;
  std::string since = query_param(query, "since"), until = query_param(query, "until"), err;
  f.play_set = query_param(query, "play_set");
  std::string dry = query_param(query, "dry_run");
  f.dry_run = dry == "1" || dry == "true";
  if (since.empty() && f.play_set.empty())
    return error(400,
                 "replay needs since=TIME or play_set=VERSION (replaying everything by accident is refused)");
  if (!parse_time(since, "since", f.since_ms, err) || !parse_time(until, "until", f.until_ms, err))
    return error(400, err);
  try {
    store::Store::ReplayResult r = store.replay(f);
    std::string out;
    json::Writer w(out);
    w.begin_object().key("replayed").value(r.signals).key("dry_run").value(f.dry_run);
    w.key("by_play_set").begin_object();
    for (const auto& [set, n] : r.by_play_set) w.key(set.empty() ? "unknown" : set).value(n);
    w.end_object().end_object();
    return {200, out};
  } catch (const std::exception& e) {
    return error(503, std::string("replay failed: ") + e.what());
  }
}

int replay_command(const AdminFlags& admin, const ReplayFlags& flags) {
  if (flags.since.empty() && flags.play_set.empty()) {
    std::fprintf(stderr, "playd: replay needs --since TIME or --play-set VERSION\n");
    return 2;
  }
  std::string query = "since=" + url_encode(flags.since) + "&until=" + url_encode(flags.until) +
                      "&play_set=" + url_encode(flags.play_set) + (flags.dry_run ? "&dry_run=1" : "");
  Remote remote = call_running(admin, "POST", "/v1/admin/replay?" + query);
  if (remote.running) return print_remote(remote);
  Local local;
  if (!open_local(admin, local)) return 2;
  AdminAnswer a = replay_admin(*local.store, query);
  std::printf("%s\n", a.body.c_str());
  if (a.status != 200) return 2;
  if (!flags.dry_run)
    std::fprintf(stderr, "playd: no playd runs on %s: the signals are evaluated at its next start\n",
                 admin.data.c_str());
  return 0;
}

int dlq_command(const AdminFlags& admin, const std::string& what, const std::string& key, bool all) {
  if (what != "list" && what != "show" && what != "replay") {
    std::fprintf(stderr, "playd: dlq: expected list, show KEY or replay KEY|--all\n");
    return 2;
  }
  if ((what == "show" && key.empty()) || (what == "replay" && key.empty() && !all)) {
    std::fprintf(stderr, "playd: dlq %s needs a KEY%s\n", what.c_str(), what == "replay" ? " or --all" : "");
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
  sinks::AdminAnswer a = sinks::dlq_admin(*local.store, nullptr, what == "replay" ? "POST" : "GET",
                                          path.substr(std::string("/v1/admin/dlq").size()) == "/all/replay"
                                              ? "/replay"
                                              : path.substr(std::string("/v1/admin/dlq").size()));
  std::printf("%s\n", a.body.c_str());
  if (what == "replay" && a.status == 200)
    std::fprintf(stderr, "playd: no playd runs on %s: the replayed actions are sent at its next start\n",
                 admin.data.c_str());
  return a.status == 200 ? 0 : a.status == 404 ? 1 : 2;
}

}  // namespace play::playd
