// playd: runs compiled plays as a service (RUNTIME.md).
//   playd serve --plays PATH|BUNDLE [--data DIR] [--store URL] [--config FILE] [--listen HOST:PORT]
//               [--allow-no-plays]
//   playd migrate [--store URL | --data DIR] [--from DIR]
//   playd dlq list|show KEY|replay KEY|replay --all [--data DIR]
//   playd replay --since TIME|--play-set VERSION [--until TIME] [--dry-run] [--data DIR]
//   playd review list [--queue Q] [--status open|done|all] [--data DIR]
//   playd review done KEY [--by NAME] [--comment TEXT] [--data DIR]
// Three layers, meeting only through the store: ingestion (runtime/ingest:
// HTTP), qualification (runtime/qualify: the engine), execution
// (runtime/sinks). The admin commands go through the running playd when one
// holds the data directory (admin.h), so they never write behind its back.
//
// Exit codes: 0 done, 1 the plays do not compile (or no such DLQ action or review item), 2 a
// usage or configuration error (a malformed flag or config value, named in a
// one-line message), 70 an internal error (a bug: an exception nothing else
// caught, on any thread).
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <system_error>
#include <thread>

#include "apps/playd/admin.h"
#include "apps/playd/alerting.h"
#include "apps/playd/config.h"
#include "apps/playd/dashboard.h"
#include "apps/playd/plays_loader.h"
#include "apps/playd/reload.h"
#include "apps/playd/review_digest.h"
#include "common/time/time.h"
#include "runtime/engine/live_plays.h"
#include "runtime/ingest/engine_checks.h"
#include "runtime/ingest/http_server.h"
#include "runtime/ingest/routes.h"
#include "runtime/ingest/store_services.h"
#include "runtime/jit/factory.h"
#include "runtime/observe/metrics.h"
#include "runtime/observe/trace.h"
#include "runtime/qualify/qualifier.h"
#include "runtime/qualify/suppression_recheck.h"
#include "runtime/sinks/executor.h"
#include "runtime/store/lock.h"
#include "runtime/store/store.h"

using namespace play;

namespace {

constexpr int kUsage = 2;
constexpr int kInternal = 70;

// The last resort, also for exceptions escaping other threads: one line and
// exit 70, never an abort with a core dump and a trace. Writes with write(2):
// another thread may hold stdio's lock.
[[noreturn]] void internal_error(const char* what) {
  char line[1024];
  int n = std::snprintf(line, sizeof line, "playd: internal error: %s\n", what);
  if (n > 0) (void)!write(STDERR_FILENO, line, std::min(size_t(n), sizeof line - 1));
  _exit(kInternal);
}

[[noreturn]] void on_terminate() {
  if (auto e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      internal_error(x.what());
    } catch (...) {
      internal_error("an exception of unknown type");
    }
  }
  internal_error("std::terminate called");
}

// A path flag's value: `dir` a directory that may not exist yet, else an
// existing file or directory. Prints "playd: --flag: ..." and returns false.
bool check_path_flag(const char* flag, const std::string& path, bool dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string why;
  auto st = fs::status(path, ec);
  if (path.empty())
    why = dir ? "expected a directory, got an empty string" : "expected a file, got an empty string";
  else if (dir && fs::exists(st) && !fs::is_directory(st))
    why = "not a directory";
  else if (!dir && !fs::exists(st))
    why = ec ? ec.message() : "no such file or directory";
  if (why.empty()) return true;
  std::fprintf(stderr, "playd: %s: '%s': %s\n", flag, path.c_str(), why.c_str());
  return false;
}

struct ServeFlags {
  std::vector<std::string> plays;
  std::optional<std::string> data, store, config, listen;  // nullopt: not given
  bool allow_no_plays = false;
  bool simulated_clock = false;
  bool watch = false;
};

// The configuration, with the flags over it; false (after printing why) on
// anything malformed.
bool settle_config(const ServeFlags& f, playd::Config& config) {
  for (const auto& p : f.plays)
    if (!check_path_flag("--plays", p, false)) return false;
  if (f.config && !check_path_flag("--config", *f.config, false)) return false;
  if (f.data && !check_path_flag("--data", *f.data, true)) return false;
  std::string error;
  if (f.config && !playd::load_config(*f.config, config, error)) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return false;
  }
  if (f.data) config.data_dir = *f.data;
  if (f.store) {
    if (!store::is_database_url(*f.store)) {
      std::fprintf(stderr, "playd: --store: expected a postgres:// or postgresql:// URL, got '%s'\n",
                   f.store->c_str());
      return false;
    }
    config.store_url = *f.store;
  }
  if (f.allow_no_plays) config.allow_no_plays = true;
  config.simulated_clock = f.simulated_clock;
  if (f.listen && !playd::parse_listen(*f.listen, config.listen_address, config.listen_port, error)) {
    std::fprintf(stderr, "playd: --listen: %s\n", error.c_str());
    return false;
  }
  if (!playd::is_loopback_address(config.listen_address) && config.ingest.sources.empty()) {
    std::fprintf(
        stderr,
        "playd: refusing to listen on %s without authentication: configure [[sources]] with secrets, or "
        "listen on 127.0.0.1\n",
        config.listen_address.c_str());
    return false;
  }
  return true;
}

// The plays, refusing an empty set unless asked for: with no plays every
// queued signal would be marked evaluated with no outcome (an empty bundle
// or a wrong --plays directory once swallowed a 40,000-signal backlog).
std::shared_ptr<vm::Bundle> load_plays(const ServeFlags& f, const playd::Config& config, int& rc) {
  auto bundle = std::make_shared<vm::Bundle>();
  std::string error;
  if (!playd::load_plays(f.plays, *bundle, error)) {
    std::fprintf(stderr, "%s", error.c_str());
    if (error.empty() || error.back() != '\n') std::fputc('\n', stderr);
    rc = 1;
    return nullptr;
  }
  if (bundle->plays.empty() && !config.allow_no_plays) {
    std::string where;
    for (const auto& p : f.plays) where += (where.empty() ? "" : ", ") + p;
    std::fprintf(
        stderr,
        "playd: no plays in %s: refusing to start, since every queued signal would be marked evaluated "
        "with no outcome. Check --plays, or pass --allow-no-plays (config: allow_no_plays = true) to "
        "run with none on purpose\n",
        where.c_str());
    rc = kUsage;
    return nullptr;
  }
  return bundle;
}

// The three layers over one store, started in data order and drained in
// the same order (each layer finishes what it holds before the next stops).
struct Service {
  playd::Config& config;
  std::vector<std::string> paths;  // what --plays named: reloads read them again
  std::shared_ptr<vm::Bundle> bundle;
  std::string play_set;
  std::shared_ptr<engine::LivePlays> live;  // the plays running now (reload replaces them)
  std::unique_ptr<playd::Reloader> reloader;
  std::unique_ptr<store::Store> store;
  observe::Metrics metrics;
  // Actions that waited are re-checked against the suppress rules before
  // they are sent (suppression_recheck.h). Declared before the executor so
  // that it outlives the executor's workers.
  std::unique_ptr<qualify::SuppressionChecker> suppression;
  std::unique_ptr<sinks::Executor> executor;
  std::unique_ptr<qualify::Qualifier> qualifier;
  std::atomic<bool> stop_qualifying{false};
  std::thread qualifying;
  std::unique_ptr<ingest::StoreBridge> bridge;
  std::unique_ptr<ingest::IngestRoutes> routes;
  std::unique_ptr<ingest::HttpServer> server;
  std::unique_ptr<playd::Alerting> alerting;
  std::unique_ptr<playd::ReviewDigest> review_digest;  // [review] digest_slack_url_env

  Service(playd::Config& c, std::vector<std::string> p, std::shared_ptr<vm::Bundle> b)
      : config(c), paths(std::move(p)), bundle(std::move(b)) {}

  bool open_store();
  void start_execution_and_qualification();
  ingest::IngestServices ingest_services();
  std::string listen();  // "" on failure (printed)
  void drain();
};

bool Service::open_store() {
  std::string error;
  config.store.high_lane_types = qualify::high_lane_types(*bundle);
  store =
      store::open_store(config.store_url.empty() ? config.data_dir : config.store_url, config.store, error);
  if (!store) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return false;
  }
  play_set = playd::play_set_version(*bundle);
  live = std::make_shared<engine::LivePlays>(bundle, play_set, now_ms());
  std::vector<std::string> names;
  for (const auto& p : bundle->plays) names.push_back(p.name);
  try {
    store->record_play_set(play_set, names);
  } catch (const std::exception& e) {
    // A degraded store at start (a full disk): each signal records its set anyway.
    std::fprintf(stderr, "playd: cannot record play set %s yet: %s\n", play_set.c_str(), e.what());
  }
  // A shared store: the plays this node starts with become every node's.
  try {
    store->publish_play_set(play_set, vm::write_bundle(*bundle));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "playd: cannot publish play set %s: %s; the store's current set runs instead\n",
                 play_set.c_str(), e.what());
  }
  return true;
}

void Service::start_execution_and_qualification() {
  std::string outbox = (std::filesystem::path(config.data_dir) / "outbox.ndjson").string();
  suppression = std::make_unique<qualify::SuppressionChecker>(live, *store);
  executor = std::make_unique<sinks::Executor>(*store, metrics, config.execution, outbox);
  metrics.set_backlog_source([this] {
    std::vector<observe::Metrics::SinkBacklog> out;
    for (auto& b : executor->backlog()) out.push_back({b.sink, b.depth, b.oldest_created_ms});
    return out;
  });
  qualify::QualifierOptions q;
  q.max_batch = config.qualify_batch;
  q.context_cache = config.context_cache;
  q.ledger_cache = config.ledger_cache;
  q.max_pending_actions = config.execution.max_pending_actions;
  if (config.jit)
    q.make_runner = [](const vm::Bundle& bundle) {
      std::string err;  // load_config() refused `jit = true` in a build without the JIT
      return jit::make_runner(bundle, jit::Options{}, err);
    };
  q.adopt_play_set = [this](const std::string& version) {
    playd::adopt_play_set(version, config, *live, *store, metrics);
  };
  qualifier = std::make_unique<qualify::Qualifier>(
      live, *store, metrics,
      qualify::Qualifier::Execution{
          [this](std::vector<store::OpenAction> a) { executor->submit(std::move(a)); },
          [this] { return executor->open_actions(); }},
      q);
  executor->set_suppression_check([this](const sinks::PendingAction& a) { return suppression->check(a); });
  executor->start();
  metrics.set_play_slas(playd::play_slas(*bundle));
  playd::export_alerts(metrics, *store);
  alerting = std::make_unique<playd::Alerting>(config, *store, metrics, *live);
  review_digest =
      std::make_unique<playd::ReviewDigest>(*store, config.review_digest_url, config.review_digest_every_ms);
  qualifying = std::thread([this] { qualifier->run(stop_qualifying); });
  reloader = std::make_unique<playd::Reloader>(paths, config, *live, *store, *qualifier, metrics);
}

ingest::IngestServices Service::ingest_services() {
  ingest::IngestServices services;
  bridge = std::make_unique<ingest::StoreBridge>(*store);
  bridge->wire(services);
  ingest::add_engine_checks(services, live);
  size_t max_pending = config.execution.max_pending_actions;
  services.refusal = [this, max_pending](int& retry_after_s) -> std::string {
    if (!store->accepting_signals()) {
      retry_after_s = 30;
      return "not accepting signals: " + store->health().reason + "; nothing was acknowledged, retry later";
    }
    if (max_pending && executor->open_actions() >= max_pending) {
      retry_after_s = 5;
      return "overloaded: " + std::to_string(executor->open_actions()) +
             " actions wait for their sinks (limit " + std::to_string(max_pending) + "); retry later";
    }
    return "";
  };
  services.healthz = [this] {
    ingest::HttpResponse r;
    auto set = live->current();
    r.body = observe::healthz_json(*store, set->version, set->loaded_at_ms);
    return r;
  };
  services.metrics_text = [this] { return metrics.render(*store); };
  services.admin = [this](const ingest::HttpRequest& req) {
    return playd::admin_route(
        req, playd::AdminContext{*store, executor.get(), config.simulated_clock,
                                 [this](const char* why) { return reloader->reload(why); }, live.get()});
  };
  playd::DashboardOptions dashboard{!config.ingest.admin_token.empty(), ingest::routes_get};
  services.dashboard = [dashboard](const ingest::HttpRequest& req) {
    return playd::serve_dashboard(req, dashboard);
  };
  return services;
}

std::string Service::listen() {
  ingest::HttpServerOptions http;
  http.threads = config.http_threads;
  http.body_limit = config.ingest.max_body_bytes;
  http.max_connections = config.max_connections;
  http.max_inflight_body_bytes = config.max_inflight_body_bytes;
  try {
    routes = std::make_unique<ingest::IngestRoutes>(config.ingest, ingest_services());
    http.on_headers = routes->header_hook();
    server = std::make_unique<ingest::HttpServer>(routes->handler(), http);
    routes->attach_http_stats(server->stats());
    server->start(config.listen_address, config.listen_port);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "playd: %s\n", e.what());
    return "";
  }
  bool v6 = config.listen_address.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + config.listen_address + "]" : config.listen_address) + ":" +
         std::to_string(server->port());
}

// Drain in layer order: stop accepting and answer what is in flight (each
// answer after its commit), then let qualification commit the batch in
// hand, then let sinks finish the sends in hand. Whatever is still queued
// is on disk and resumes at the next start.
void Service::drain() {
  if (alerting) alerting->stop();  // nothing is decided or paged while the rest drains
  if (review_digest) review_digest->stop();
  if (server) server->stop();
  bridge.reset();
  stop_qualifying = true;
  store->stop_queue();
  store->wake();
  if (qualifying.joinable()) qualifying.join();
  if (executor) executor->stop();
}

// A database URL as logs may show it: postgres://user:***@host/db.
std::string without_password(const std::string& url) {
  size_t scheme = url.find("://");
  size_t at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos) return url;
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// `playd migrate`: creates or migrates the store's schema and exits (N
// nodes on one database: run it once before starting them, or let the
// first node do it; migrations take a lock either way).
int migrate(const std::string& data, const std::string& url) {
  std::string error;
  std::string where = url.empty() ? data : url;
  int version = store::migrate_store(where, error);
  if (version < 0) {
    std::fprintf(stderr, "playd migrate: %s\n", error.c_str());
    return kUsage;
  }
  std::printf("store %s: schema version %d\n", url.empty() ? data.c_str() : without_password(url).c_str(),
              version);
  return 0;
}

// `playd migrate --from DIR --store URL`: an embedded deployment moved to
// PostgreSQL (runtime/store/postgres/copy.h).
int copy(const std::string& from, const std::string& url) {
  std::string error;
  std::string report = store::copy_store(from, url, error);
  if (report.empty()) {
    std::fprintf(stderr, "playd migrate: %s\n", error.c_str());
    return kUsage;
  }
  std::printf("copied %s into %s: %s\n", from.c_str(), without_password(url).c_str(), report.c_str());
  return 0;
}

int serve(const ServeFlags& f) {
  // Block the shutdown signals (and SIGHUP) in every thread before any
  // starts; main waits for them below. SIGHUP does not stop playd.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  playd::Config config;
  if (!settle_config(f, config)) return kUsage;
  std::string error;
  // Before anything touches the data directory: one playd per store.
  auto lock = store::DataDirLock::acquire(config.data_dir, error);
  if (!lock) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return kUsage;
  }
  if (config.ingest.sources.empty())
    std::fprintf(stderr,
                 "playd: warning: no sources configured: accepting unauthenticated signals from loopback\n");
  int rc = 0;
  auto bundle = load_plays(f, config, rc);
  if (!bundle) return rc;
  if (!playd::finish_config(config, *bundle, error)) {
    std::fprintf(stderr, "playd: %s%s\n", f.config ? (*f.config + ": ").c_str() : "", error.c_str());
    return kUsage;
  }
  Service service(config, f.plays, bundle);
  if (!service.open_store()) return kUsage;
  service.start_execution_and_qualification();
  std::string url = service.listen();
  if (url.empty()) {
    service.drain();
    return kUsage;
  }
  lock->set_url(url);
  service.alerting->start(url);
  service.review_digest->start(config.alerts_dashboard_url.empty() ? url : config.alerts_dashboard_url);
  std::string where = config.store_url.empty() ? config.data_dir : without_password(config.store_url);
  std::fprintf(stderr, "playd: %zu plays (play set %s); store %s; listening on %s\n", bundle->plays.size(),
               service.play_set.c_str(), where.c_str(), url.c_str());
  std::fprintf(
      stderr, "playd: dashboard at %s/%s\n", url.c_str(),
      config.ingest.admin_token.empty() ? " (open from loopback)" : " (log in with the admin token)");
  std::fflush(stderr);

  std::atomic<bool> stop_watching{false};
  std::thread watching;
  if (f.watch) watching = std::thread([&] { playd::watch_plays(f.plays, *service.reloader, stop_watching); });
  int sig = 0;
  for (;;) {
    sigwait(&sigs, &sig);
    if (sig != SIGHUP) break;
    service.reloader->reload("SIGHUP");  // on error the running plays stay; the log says why
  }
  stop_watching = true;
  if (watching.joinable()) watching.join();
  std::fprintf(stderr, "playd: %s: draining\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  service.drain();
  std::fprintf(stderr, "playd: stopped\n");
  return 0;
}

int run(int argc, char** argv) {
  CLI::App app{"playd: runs compiled plays as a service"};
  app.require_subcommand(1);
  ServeFlags serve_flags;
  std::string data, store_url, config, listen;
  auto* s = app.add_subcommand("serve", "receive signals, evaluate plays, deliver actions");
  s->add_option("--plays", serve_flags.plays, ".play files or directories, or one bundle file")->required();
  s->add_option("--data", data, "data directory (default ./data)");
  s->add_option("--store", store_url,
                "a PostgreSQL URL (postgres://...): the store N playd processes share, instead of the "
                "embedded one in --data");
  s->add_option("--config", config, "TOML configuration file");
  s->add_option("--listen", listen, "HOST:PORT, overrides the config (port 0: any free port)");
  s->add_flag("--simulated-clock", serve_flags.simulated_clock,
              "tests and demos: POST /v1/admin/clock {\"now\": RFC3339} sets the service's clock");
  s->add_flag("--watch", serve_flags.watch, "reload the plays when a .play file under --plays changes");
  s->add_flag("--allow-no-plays", serve_flags.allow_no_plays,
              "start even when the plays are empty (queued signals are then evaluated by no play)");

  playd::AdminFlags admin;
  std::string what, key;
  bool all = false;
  auto* d = app.add_subcommand("dlq", "list, inspect or replay dead-lettered actions");
  d->add_option("command", what, "list | show | replay")->required();
  d->add_option("key", key, "the action's idempotency key");
  d->add_flag("--all", all, "replay every action in the DLQ");
  d->add_option("--data", admin.data, "data directory (default ./data)");
  d->add_option("--admin-token", admin.token,
                "the running playd's admin token (default: $PLAYD_ADMIN_TOKEN)");

  playd::ReplayFlags replay;
  auto* r = app.add_subcommand("replay", "evaluate already evaluated signals again with the running plays");
  r->add_option("--since", replay.since, "signals received at or after this time (RFC 3339)");
  r->add_option("--until", replay.until, "signals received before this time (RFC 3339)");
  r->add_option("--play-set", replay.play_set, "only signals evaluated by this play set (version)");
  r->add_flag("--dry-run", replay.dry_run, "count them, change nothing");
  r->add_option("--data", admin.data, "data directory (default ./data)");
  r->add_option("--admin-token", admin.token,
                "the running playd's admin token (default: $PLAYD_ADMIN_TOKEN)");

  playd::ReviewFlags review;
  auto* v = app.add_subcommand("review", "list the review queue, or mark an item done");
  v->add_option("command", review.what, "list | done")->required();
  v->add_option("key", review.key, "done: the item's key (the review action's idempotency key)");
  v->add_option("--queue", review.queue, "list: only this queue");
  v->add_option("--status", review.status, "list: open (default), done or all");
  v->add_option("--limit", review.limit, "list: at most this many items (default 50)");
  v->add_option("--by", review.by, "done: who reviewed it");
  v->add_option("--comment", review.comment, "done: a comment kept with the item");
  v->add_option("--data", admin.data, "data directory (default ./data)");
  v->add_option("--admin-token", admin.token,
                "the running playd's admin token (default: $PLAYD_ADMIN_TOKEN)");

  std::string migrate_data = "data", migrate_url, migrate_from;
  auto* m = app.add_subcommand("migrate", "create or migrate the store's schema, then exit");
  m->add_option("--store", migrate_url, "a PostgreSQL URL (postgres://...)");
  m->add_option("--data", migrate_data, "data directory of the embedded store (default ./data)");
  m->add_option("--from", migrate_from,
                "copy the embedded store in this data directory (stopped) into the --store database, which "
                "must hold no data yet");

  static const std::set<std::string> kCommands = {"serve", "dlq", "replay", "review", "migrate"};
  if (argc > 1 && argv[1][0] != '-' && !kCommands.count(argv[1])) {
    std::fprintf(
        stderr,
        "playd: unknown command '%s' (expected serve, dlq, replay, review or migrate; see playd --help)\n",
        argv[1]);
    return kUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // One line naming the flag ("--plays is required"), not CLI11's two.
    std::string sub = argc > 1 && kCommands.count(argv[1]) ? std::string(" ") + argv[1] : "";
    std::fprintf(stderr, "playd%s: %s (see playd%s --help)\n", sub.c_str(), e.what(), sub.c_str());
    return kUsage;
  }
  auto given = [](CLI::App* sub, const char* flag, const std::string& value) {
    return sub->count(flag) ? std::optional<std::string>(value) : std::nullopt;
  };
  if (s->parsed()) {
    serve_flags.data = given(s, "--data", data);
    serve_flags.store = given(s, "--store", store_url);
    serve_flags.config = given(s, "--config", config);
    serve_flags.listen = given(s, "--listen", listen);
    return serve(serve_flags);
  }
  if (m->parsed()) {
    if (!migrate_url.empty() && !store::is_database_url(migrate_url)) {
      std::fprintf(stderr, "playd migrate: --store: expected a postgres:// or postgresql:// URL\n");
      return kUsage;
    }
    if (!migrate_from.empty()) {
      if (migrate_url.empty()) {
        std::fprintf(stderr, "playd migrate: --from needs --store postgres://... (where the data goes)\n");
        return kUsage;
      }
      return copy(migrate_from, migrate_url);
    }
    return migrate(migrate_data, migrate_url);
  }
  if (r->parsed()) return playd::replay_command(admin, replay);
  if (v->parsed()) return playd::review_command(admin, review);
  return playd::dlq_command(admin, what, key, all);
}

}  // namespace

int main(int argc, char** argv) {
  std::set_terminate(on_terminate);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    internal_error(e.what());
  } catch (...) {
    internal_error("an exception of unknown type");
  }
}
