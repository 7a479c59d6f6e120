// playd's configuration: a TOML file (examples/playd.toml documents every
// key), or the defaults when there is none: store in ./data, listen on
// 127.0.0.1:8080, unauthenticated signals from loopback only, every action
// to the file outbox DIR/outbox.ndjson.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/ingest/routes.h"
#include "runtime/observe/alerts.h"
#include "runtime/sinks/alert_sinks.h"
#include "runtime/sinks/sink_config.h"
#include "runtime/store/store.h"
#include "runtime/vm/bundle.h"

namespace play::playd {

struct Config {
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 8080;
  size_t http_threads = 2;
  size_t max_connections = 0;  // server.max_connections (0: ingest::connections_for_fd_limit)
  uint64_t max_inflight_body_bytes = 256ull * 1024 * 1024;  // server.max_inflight_body_bytes
  std::string data_dir = "data";
  // server.store / --store: a PostgreSQL URL (postgres://...), the store N
  // playd processes share; "" (the default): the embedded store in data_dir.
  std::string store_url;
  ingest::IngestConfig
      ingest;  // sources and what they may send, admin token, trust_loopback, limits, Segment
  store::StoreOptions store;
  sinks::ExecutionOptions execution;
  size_t qualify_batch = 256;
  size_t context_cache = 100000;  // context records kept in memory, per entity (the rest stay in the store)
  size_t ledger_cache = 200000;   // `fired within` ledger entries kept in memory
  // Starting with no plays marks every queued signal evaluated with no
  // outcome: refused unless asked for (`--allow-no-plays`).
  bool allow_no_plays = false;
  // `jit = true`: run the plays' programs as native code, each compiled on a
  // background thread after 1,000 evaluations (runtime/jit). A build without
  // the JIT refuses it at load.
  bool jit = false;
  // The alert rules' thresholds and interval ([alerts], [alerts.plays.NAME])
  // and where alerts are sent ([alert_sinks.NAME]; secrets read from the
  // environment or a file when the config is loaded).
  observe::AlertSettings alerts;
  std::vector<sinks::AlertSinkConfig> alert_sinks;
  std::string alerts_dashboard_url;  // alerts.dashboard_url: linked from notifications ("": playd's own URL)
  // The review queue's digest ([review]): a Slack incoming webhook
  // (digest_slack_url_env, read when the config is loaded; "" no digest),
  // sent every digest_every of the service's clock.
  std::string review_digest_url;
  int64_t review_digest_every_ms = 7 * store::kDayMs;
  // `--simulated-clock`: POST /v1/admin/clock sets the service's clock (a
  // flag only, never in a config file: a production playd cannot have it).
  bool simulated_clock = false;
};

// Reads `path` into `config` (keys absent keep their defaults). False with
// `error` ("playd.toml: sinks.crm.kind: expected http, slack or file").
bool load_config(const std::string& path, Config& config, std::string& error);

// Completes a loaded config once the data directory and the plays are
// known: file sinks' relative paths are resolved against data_dir, two file
// sinks (or one and the outbox) may not share a file, and the Segment
// mapping (page_type, events) may only name signal types the plays declare,
// and so may each source's `signals` patterns (each must match one) and
// `traits` (fields of the entity).
// False with `error` ("segment.events.\"Demo Booked\": 'web.demo' is not a
// signal type of the plays").
bool finish_config(Config& config, const vm::Bundle& bundle, std::string& error);

// Durations as in the language ("500ms", "30s", "5m", "2h", "30d", or
// several: "1h30m") or a number of milliseconds. False on anything else,
// negative numbers and durations that do not fit in int64 milliseconds.
bool parse_duration_ms(std::string_view text, int64_t& out);

// "HOST:PORT" for --listen and server.listen: HOST an IPv4 address, an IPv6
// address in brackets ("[::1]:8080") or "localhost" (127.0.0.1); PORT 0 to
// 65535 (0: any free port). False with `error` saying what is wrong
// ("port 'abc' is not a number from 0 to 65535").
bool parse_listen(std::string_view text, std::string& host, uint16_t& port, std::string& error);

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_address(const std::string& address);

}  // namespace play::playd
