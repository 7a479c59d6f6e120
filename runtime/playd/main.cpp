// playd: runs compiled plays as a service (RUNTIME.md).
//   playd serve --plays PATH|BUNDLE [--data DIR] [--config FILE] [--listen HOST:PORT]
//   playd dlq list|show KEY|replay KEY|replay --all [--data DIR]
// Three layers, meeting only through the store: ingestion (runtime/ingest:
// HTTP), qualification (Qualifier: the engine), execution (Executor: sinks).
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
#include "runtime/playd/config.h"
#include "runtime/playd/plays_loader.h"
#include "runtime/playd/qualifier.h"
#include "runtime/playd/suppression_check.h"
#include "runtime/sinks/dlq.h"
#include "runtime/sinks/executor.h"
#include "runtime/store/database.h"

using namespace play;

namespace {

int serve(const std::vector<std::string>& plays, const std::string& data_opt, const std::string& config_path,
          const std::string& listen_opt) {
  playd::Config config;
  std::string error;
  if (!config_path.empty() && !playd::load_config(config_path, config, error)) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return 2;
  }
  if (!data_opt.empty()) config.data_dir = data_opt;
  if (!listen_opt.empty()) {
    size_t colon = listen_opt.rfind(':');
    if (colon == std::string::npos) {
      std::fprintf(stderr, "playd: --listen expects HOST:PORT\n");
      return 2;
    }
    config.listen_address = listen_opt.substr(0, colon);
    config.listen_port = uint16_t(std::stoi(listen_opt.substr(colon + 1)));
  }
  if (!playd::is_loopback_address(config.listen_address) && config.ingest.sources.empty()) {
    std::fprintf(
        stderr,
        "playd: refusing to listen on %s without authentication: configure [[sources]] with secrets, or "
        "listen on 127.0.0.1\n",
        config.listen_address.c_str());
    return 2;
  }
  if (config.ingest.sources.empty())
    std::fprintf(stderr,
                 "playd: warning: no sources configured: accepting unauthenticated signals from loopback\n");

  auto bundle = std::make_shared<vm::Bundle>();
  if (!playd::load_plays(plays, *bundle, error)) {
    std::fprintf(stderr, "%s", error.c_str());
    if (error.empty() || error.back() != '\n') std::fputc('\n', stderr);
    return 1;
  }

  if (!playd::finish_config(config, *bundle, error)) {
    std::fprintf(stderr, "playd: %s%s\n", config_path.empty() ? "" : (config_path + ": ").c_str(),
                 error.c_str());
    return 2;
  }

  // Block the shutdown signals in every thread; main waits for them below.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  config.store.high_lane_types = playd::high_lane_types(*bundle);
  auto store = store::Store::open(config.data_dir, config.store, error);
  if (!store) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return 2;
  }
  observe::Metrics metrics;
  std::string outbox = (std::filesystem::path(config.data_dir) / "outbox.ndjson").string();
  // Actions that waited are re-checked against the suppress rules before
  // they are sent (suppression_check.h says which and how). Declared before
  // the executor so that it outlives the executor's workers.
  playd::SuppressionChecker suppression(*bundle, *store);
  sinks::Executor executor(*store, metrics, config.execution, outbox);
  std::unique_ptr<playd::Qualifier> qualifier;
  try {
    qualifier = std::make_unique<playd::Qualifier>(*bundle, *store, metrics, executor,
                                                   playd::QualifierOptions{config.qualify_batch});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "playd: cannot load state from the store: %s\n", e.what());
    return 2;
  }
  executor.set_suppression_check(
      [&suppression](const sinks::PendingAction& a) { return suppression.check(a); });
  executor.start();
  std::atomic<bool> stop_qualifying{false};
  std::thread qualify([&] { qualifier->run(stop_qualifying); });

  ingest::IngestServices services;
  auto bridge = std::make_unique<ingest::StoreBridge>(*store);
  bridge->wire(services);
  ingest::add_engine_checks(services, bundle);
  auto json_answer = [](int status, std::string body) {
    ingest::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  };
  services.healthz = [&] { return json_answer(200, observe::healthz_json(*store)); };
  services.metrics_text = [&] { return metrics.render(*store); };
  services.trace = [&](std::string_view id) {
    std::string out;
    if (observe::trace_json(*store, id, out)) return json_answer(200, std::move(out));
    return json_answer(404, "{\"error\":\"no signal with this id (unknown, or older than the trace TTL)\"}");
  };
  auto admin = [&](const char* method, std::string rest) {
    sinks::AdminAnswer a = sinks::dlq_admin(*store, &executor, method, rest);
    return json_answer(a.status, std::move(a.body));
  };
  services.dlq_list = [admin](std::string_view) { return admin("GET", ""); };
  services.dlq_get = [admin](std::string_view key) { return admin("GET", "/" + std::string(key)); };
  services.dlq_replay = [admin](std::string_view key) {
    return key == "all" ? admin("POST", "/replay") : admin("POST", "/" + std::string(key) + "/replay");
  };

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
    store->db().stop_queue();
    qualify.join();
    return 2;
  }
  std::fprintf(stderr, "playd: %zu plays; store %s; listening on http://%s:%u\n", bundle->plays.size(),
               config.data_dir.c_str(), config.listen_address.c_str(), unsigned(server->port()));
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
  store->db().stop_queue();
  qualify.join();
  executor.stop();
  std::fprintf(stderr, "playd: stopped\n");
  return 0;
}

int dlq(const std::string& data, const std::string& what, const std::string& key, bool all) {
  std::string error;
  auto store = store::Store::open(data, store::StoreOptions{}, error);
  if (!store) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return 2;
  }
  if (what == "list") {
    std::printf("%s\n", sinks::dlq_list_json(*store).c_str());
    return 0;
  }
  if (what == "show") {
    std::string out;
    if (!sinks::action_json(*store, key, out)) {
      std::fprintf(stderr, "playd: no action with key %s\n", key.c_str());
      return 1;
    }
    std::printf("%s\n", out.c_str());
    return 0;
  }
  if (what == "replay") {
    if (key.empty() && !all) {
      std::fprintf(stderr, "playd: dlq replay needs a KEY or --all\n");
      return 2;
    }
    auto replayed = sinks::dlq_replay(*store, all ? "" : key);
    std::printf("{\"replayed\":%zu}\n", replayed.size());
    std::fprintf(
        stderr,
        "playd: %zu action(s) pending again; a running playd sends them at its next start (use the admin "
        "endpoint POST /v1/admin/dlq/KEY/replay to send them now)\n",
        replayed.size());
    return replayed.empty() && !all ? 1 : 0;
  }
  std::fprintf(stderr, "playd: dlq: expected list, show KEY or replay KEY|--all\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"playd: runs compiled plays as a service"};
  app.require_subcommand(1);
  std::vector<std::string> plays;
  std::string data, config, listen;
  auto* s = app.add_subcommand("serve", "receive signals, evaluate plays, deliver actions");
  s->add_option("--plays", plays, ".play files or directories, or one bundle file")->required();
  s->add_option("--data", data, "data directory (default ./data)");
  s->add_option("--config", config, "TOML configuration file");
  s->add_option("--listen", listen, "HOST:PORT, overrides the config (port 0: any free port)");
  std::string what, key;
  bool all = false;
  std::string dlq_data = "data";
  auto* d = app.add_subcommand("dlq", "list, inspect or replay dead-lettered actions");
  d->add_option("command", what, "list | show | replay")->required();
  d->add_option("key", key, "the action's idempotency key");
  d->add_flag("--all", all, "replay every action in the DLQ");
  d->add_option("--data", dlq_data, "data directory (default ./data)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (s->parsed()) return serve(plays, data, config, listen);
  return dlq(dlq_data, what, key, all);
}
