// playd: runs compiled plays as a service (RUNTIME.md).
//   playd serve --plays PATH|BUNDLE [--data DIR] [--config FILE] [--listen HOST:PORT]
//   playd dlq list|show KEY|replay KEY|replay --all [--data DIR]
// Three layers, meeting only through the store: ingestion (runtime/ingest:
// HTTP), qualification (Qualifier: the engine), execution (Executor: sinks).
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
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

// Exit codes: 0 done, 1 the plays do not compile (or no such DLQ action),
// 2 a usage or configuration error (a malformed flag or config value, named
// in a one-line message), 70 an internal error (a bug: an exception nothing
// else caught, on any thread).
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

int serve(const std::vector<std::string>& plays, const std::optional<std::string>& data_opt,
          const std::optional<std::string>& config_opt, const std::optional<std::string>& listen_opt) {
  // Block the shutdown signals (and SIGHUP) in every thread before any
  // starts; main waits for them below. SIGHUP does not stop playd.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  for (const auto& p : plays)
    if (!check_path_flag("--plays", p, false)) return kUsage;
  if (config_opt && !check_path_flag("--config", *config_opt, false)) return kUsage;
  const std::string config_path = config_opt.value_or("");
  if (data_opt && !check_path_flag("--data", *data_opt, true)) return kUsage;
  playd::Config config;
  std::string error;
  if (!config_path.empty() && !playd::load_config(config_path, config, error)) {
    std::fprintf(stderr, "playd: %s\n", error.c_str());
    return 2;
  }
  if (data_opt) config.data_dir = *data_opt;
  if (listen_opt && !playd::parse_listen(*listen_opt, config.listen_address, config.listen_port, error)) {
    std::fprintf(stderr, "playd: --listen: %s\n", error.c_str());
    return kUsage;
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
  std::unique_ptr<ingest::HttpServer> server;
  try {
    routes = std::make_unique<ingest::IngestRoutes>(config.ingest, services);
    server = std::make_unique<ingest::HttpServer>(routes->handler(), http_options);
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
  for (;;) {
    sigwait(&sigs, &sig);
    if (sig != SIGHUP) break;
    // Reloading is another issue's; until then SIGHUP must not stop playd.
    std::fprintf(stderr, "playd: SIGHUP: reloading plays is not supported yet; ignored\n");
    std::fflush(stderr);
  }
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
    return kUsage;
  }
  // The CLI reads an existing store: opening a wrong --data would create an empty one.
  std::error_code ec;
  if (data.empty() || !std::filesystem::exists(std::filesystem::path(data) / "playd.db", ec)) {
    std::fprintf(
        stderr,
        "playd: --data: '%s' holds no playd store (no playd.db): give the directory of playd serve --data\n",
        data.c_str());
    return kUsage;
  }
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
    auto replayed = sinks::dlq_replay(*store, all ? "" : key);
    std::printf("{\"replayed\":%zu}\n", replayed.size());
    std::fprintf(
        stderr,
        "playd: %zu action(s) pending again; a running playd sends them at its next start (use the admin "
        "endpoint POST /v1/admin/dlq/KEY/replay to send them now)\n",
        replayed.size());
    return replayed.empty() && !all ? 1 : 0;
  }
  return kUsage;  // not reached: checked above
}

int run(int argc, char** argv) {
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
  if (argc > 1 && argv[1][0] != '-' && argv[1] != std::string("serve") && argv[1] != std::string("dlq")) {
    std::fprintf(stderr, "playd: unknown command '%s' (expected serve or dlq; see playd --help)\n", argv[1]);
    return kUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // One line naming the flag ("--plays is required"), not CLI11's two.
    std::string sub = argc > 1 && (argv[1] == std::string("serve") || argv[1] == std::string("dlq"))
                          ? std::string(" ") + argv[1]
                          : "";
    std::fprintf(stderr, "playd%s: %s (see playd%s --help)\n", sub.c_str(), e.what(), sub.c_str());
    return kUsage;
  }
  auto given = [](CLI::App* sub, const char* flag, const std::string& value) {
    return sub->count(flag) ? std::optional<std::string>(value) : std::nullopt;
  };
  if (s->parsed())
    return serve(plays, given(s, "--data", data), given(s, "--config", config), given(s, "--listen", listen));
  return dlq(dlq_data, what, key, all);
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
