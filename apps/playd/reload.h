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
           qualify::Qualifier& qualifier);
  // Serialized: one reload at a time. `why`: "SIGHUP", "admin", "watch".
  ReloadResult reload(const char* why);
  uint64_t reloads(bool ok) const { return ok ? ok_.load() : failed_.load(); }

 private:
  std::vector<std::string> paths_;
  Config config_;  // as loaded at start: the new plays are checked against it (Segment mapping, sources)
  engine::LivePlays& live_;
  store::Store& store_;
  qualify::Qualifier& qualifier_;
  std::mutex mu_;
  std::atomic<uint64_t> ok_{0}, failed_{0};
};

// `playd serve --watch`: reloads when a .play file under `paths` changes
// (inotify, debounced). Runs until `stop`.
void watch_plays(const std::vector<std::string>& paths, Reloader& reloader, const std::atomic<bool>& stop);

}  // namespace play::playd
