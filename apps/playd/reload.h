// Change without downtime (RUNTIME.md): SIGHUP, POST /v1/admin/reload and
// `playd serve --watch` compile and check the plays again. On any error the
// running set stays and the answer is 422 with the diagnostics (the JSON of
// `playc check --format json`), a log line and playd_reloads_total{result="failed"}
// say so. On success the new set replaces the live one (engine/live_plays.h)
// and the reload answers once qualification evaluates with it -- the swap
// happens between two batches, so no signal is decided half by the old plays
// and half by the new. What carries over: the `fired within` ledger and pool
// cursors (by play and pool name: they live in the store), actions in
// flight (their keys and rows do not change), queued signals (they keep
// their lane). The set's version shows in /healthz, traces and /v1/plays.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "apps/playd/config.h"
#include "runtime/engine/live_plays.h"
#include "runtime/observe/metrics.h"
#include "runtime/qualify/qualifier.h"
#include "runtime/store/store.h"

namespace play::playd {

struct ReloadResult {
  int status = 200;  // 200 reloaded or unchanged; 422 refused (the old set runs on)
  std::string body;  // JSON
};

class Reloader {
 public:
  Reloader(std::vector<std::string> paths, const Config& config, engine::LivePlays& live, store::Store& store,
           qualify::Qualifier& qualifier, observe::Metrics& metrics);
  // Serialized: one reload at a time. `why`: "SIGHUP", "admin", "watch".
  ReloadResult reload(const char* why);

 private:
  std::vector<std::string> paths_;
  Config config_;  // as loaded at start: the new plays are checked against it (Segment mapping, sources)
  engine::LivePlays& live_;
  store::Store& store_;
  qualify::Qualifier& qualifier_;
  observe::Metrics& metrics_;  // playd_reloads_total{result}
  std::mutex mu_;
};

// Several nodes on one store (PostgreSQL): the play set every node
// evaluates with is the store's current one. A reload publishes its set to
// the store before it runs it (a publish that fails refuses the reload), and
// a node started with its plays publishes them. The others take the set up
// from the store before their next batch: adopt_play_set(), called by
// qualification with the version the claim read. The bundle is read from
// the store, checked against its version and this node's configuration,
// and replaces the live set; on any error the running set stays (and the
// store refuses the commits it decides: the signals wait). True if adopted.
bool adopt_play_set(const std::string& version, const Config& config, engine::LivePlays& live,
                    store::Store& store, observe::Metrics& metrics);

// `playd serve --watch`: reloads when a .play file under `paths` changes
// (inotify, debounced). Runs until `stop`.
void watch_plays(const std::vector<std::string>& paths, Reloader& reloader, const std::atomic<bool>& stop);

}  // namespace play::playd
