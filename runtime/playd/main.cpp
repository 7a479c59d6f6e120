// playd: runs compiled plays as a service (RUNTIME.md).
//   playd serve --plays PATH|BUNDLE [--data DIR] [--config FILE] [--listen HOST:PORT] [--allow-no-plays]
//   playd dlq list|show KEY|replay KEY|replay --all [--data DIR]
//   playd replay --since TIME|--play-set VERSION [--until TIME] [--dry-run] [--data DIR]
// Three layers, meeting only through the store: ingestion (runtime/ingest:
// HTTP), qualification (Qualifier: the engine), execution (Executor: sinks).
// The admin commands go through the running playd when one holds the data
// directory (admin.h), so they never write behind its back.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "runtime/ingest/engine_checks.h"
#include "runtime/ingest/http_server.h"
#include "runtime/ingest/routes.h"
#include "runtime/ingest/store_services.h"
#include "runtime/observe/metrics.h"
#include "runtime/observe/trace.h"
#include "runtime/playd/admin.h"
#include "runtime/playd/config.h"
#include "runtime/playd/plays_loader.h"
#include "runtime/qualify/qualifier.h"
#include "runtime/qualify/suppression_recheck.h"
#include "runtime/sinks/dlq.h"
#include "runtime/sinks/executor.h"
#include "runtime/store/lock.h"

using namespace play;

namespace {

struct ServeFlags {
  std::vector<std::string> plays;
  std::string data, config, listen;
  bool allow_no_plays = false;
};

ingest::HttpResponse json_answer(int status, std::string body) {
  ingest::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// The configuration, with the flags over it; false (after printing why) on
// anything malformed.
bool settle_config(const ServeFlags& f, playd::Config& config) {
  std::string error;
  if (!f.config.empty() && !playd::load_config(f.config, config, error)) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return false;
  }
  if (!f.data.empty()) config.data_dir = f.data;
  if (f.allow_no_plays) config.allow_no_plays = true;
  if (!f.listen.empty() && !playd::parse_listen(f.listen, config.listen_address, config.listen_port)) {
    std::fprintf(stderr, "playd: --listen: expected HOST:PORT with a port from 0 to 65535, got '%s'\n",
                 f.listen.c_str());
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
    rc = 2;
    return nullptr;
  }
  return bundle;
}

int serve(const ServeFlags& f) {
  playd::Config config;
  if (!settle_config(f, config)) return 2;
  std::string error;
  // Before anything touches the data directory: one playd per store.
  auto lock = store::DataDirLock::acquire(config.data_dir, error);
  if (!lock) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return 2;
  }
  if (config.ingest.sources.empty())
    std::fprintf(stderr,
                 "playd: warning: no sources configured: accepting unauthenticated signals from loopback\n");
  int rc = 0;
  auto bundle = load_plays(f, config, rc);
  if (!bundle) return rc;
  if (!playd::finish_config(config, *bundle, error)) {
    std::fprintf(stderr, "playd: %s%s\n", f.config.empty() ? "" : (f.config + ": ").c_str(), error.c_str());
    return 2;
  }
  std::string play_set = playd::play_set_version(*bundle);

  // Block the shutdown signals in every thread; main waits for them below.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  config.store.high_lane_types = qualify::high_lane_types(*bundle);
  auto store = store::open_store(config.data_dir, config.store, error);
  if (!store) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return 2;
  }
  std::vector<std::string> names;
  for (const auto& p : bundle->plays) names.push_back(p.name);
  try {
    store->record_play_set(play_set, names);
  } catch (const std::exception& e) {
    // A degraded store at start (a full disk): the set is recorded with
    // each signal it evaluates anyway.
    std::fprintf(stderr, "playd: cannot record play set %s yet: %s\n", play_set.c_str(), e.what());
  }
  observe::Metrics metrics;
  std::string outbox = (std::filesystem::path(config.data_dir) / "outbox.ndjson").string();
  // Actions that waited are re-checked against the suppress rules before
  // they are sent (suppression_check.h says which and how). Declared before
  // the executor so that it outlives the executor's workers.
  qualify::SuppressionChecker suppression(*bundle, *store);
  sinks::Executor executor(*store, metrics, config.execution, outbox);
  metrics.set_backlog_source([&executor] {
    std::vector<observe::Metrics::SinkBacklog> out;
    for (auto& b : executor.backlog()) out.push_back({b.sink, b.depth, b.oldest_created_ms});
    return out;
  });
  qualify::QualifierOptions qopt;
  qopt.max_batch = config.qualify_batch;
  qopt.play_set = play_set;
  qopt.context_cache = config.context_cache;
  qopt.ledger_cache = config.ledger_cache;
  qopt.max_pending_actions = config.execution.max_pending_actions;
  qualify::Qualifier qualifier(
      *bundle, *store, metrics,
      {[&executor](std::vector<store::OpenAction> a) { executor.submit(std::move(a)); },
       [&executor] { return executor.open_actions(); }},
      qopt);
  executor.set_suppression_check(
      [&suppression](const sinks::PendingAction& a) { return suppression.check(a); });
  executor.start();
  std::atomic<bool> stop_qualifying{false};
  std::thread qualify([&] { qualifier.run(stop_qualifying); });

  ingest::IngestServices services;
  auto bridge = std::make_unique<ingest::StoreBridge>(*store);
  bridge->wire(services);
  ingest::add_engine_checks(services, bundle);
  size_t max_pending = config.execution.max_pending_actions;
  services.refusal = [&, max_pending](int& retry_after_s) -> std::string {
    if (!store->accepting_signals()) {
      retry_after_s = 30;
      return "not accepting signals: " + store->health().reason + "; nothing was acknowledged, retry later";
    }
    if (max_pending && executor.open_actions() >= max_pending) {
      retry_after_s = 5;
      return "overloaded: " + std::to_string(executor.open_actions()) +
             " actions wait for their sinks (limit " + std::to_string(max_pending) + "); retry later";
    }
    return "";
  };
  services.healthz = [&] { return json_answer(200, observe::healthz_json(*store)); };
  services.metrics_text = [&] { return metrics.render(*store); };
  services.admin = [&](const ingest::HttpRequest& req) { return playd::admin_route(req, *store, &executor); };

  std::unique_ptr<ingest::IngestRoutes> routes;
  ingest::HttpServerOptions http_options;
  http_options.threads = config.http_threads;
  http_options.body_limit = config.ingest.max_body_bytes;
  http_options.max_connections = config.max_connections;
  http_options.max_inflight_body_bytes = config.max_inflight_body_bytes;
  std::unique_ptr<ingest::HttpServer> server;
  try {
    routes = std::make_unique<ingest::IngestRoutes>(config.ingest, services);
    http_options.on_headers = routes->header_hook();
    server = std::make_unique<ingest::HttpServer>(routes->handler(), http_options);
    routes->attach_http_stats(server->stats());
    server->start(config.listen_address, config.listen_port);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "playd: %s\n", e.what());
    stop_qualifying = true;
    store->stop_queue();
    qualify.join();
    return 2;
  }
  std::string url = "http://" +
                    (config.listen_address.find(':') != std::string::npos ? "[" + config.listen_address + "]"
                                                                          : config.listen_address) +
                    ":" + std::to_string(server->port());
  lock->set_url(url);
  std::fprintf(stderr, "playd: %zu plays (play set %s); store %s; listening on %s\n", bundle->plays.size(),
               play_set.c_str(), config.data_dir.c_str(), url.c_str());
  std::fflush(stderr);

  int sig = 0;
  sigwait(&sigs, &sig);
  std::fprintf(stderr, "playd: %s: draining\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  // Drain in layer order: stop accepting and answer what is in flight (each
  // answer after its commit), then let qualification commit the batch in
  // hand, then let sinks finish the sends in hand. Whatever is still queued
  // is on disk and resumes at the next start.
  server->stop();
  bridge.reset();
  stop_qualifying = true;
  store->stop_queue();
  store->wake();
  qualify.join();
  executor.stop();
  std::fprintf(stderr, "playd: stopped\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"playd: runs compiled plays as a service"};
  app.require_subcommand(1);
  ServeFlags serve_flags;
  auto* s = app.add_subcommand("serve", "receive signals, evaluate plays, deliver actions");
  s->add_option("--plays", serve_flags.plays, ".play files or directories, or one bundle file")->required();
  s->add_option("--data", serve_flags.data, "data directory (default ./data)");
  s->add_option("--config", serve_flags.config, "TOML configuration file");
  s->add_option("--listen", serve_flags.listen, "HOST:PORT, overrides the config (port 0: any free port)");
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (s->parsed()) return serve(serve_flags);
  if (r->parsed()) return playd::replay_command(admin, replay);
  return playd::dlq_command(admin, what, key, all);
}
