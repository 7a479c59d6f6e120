// The `playd` CLI's admin commands (dlq, replay) and the admin endpoint for
// replay. When a playd holds the data directory (runtime/store/lock.h), the
// commands go through its admin endpoints -- so a replayed action is sent by
// the running process now, not left pending behind its back -- using the
// URL the lock file names and the admin token from --admin-token or
// $PLAYD_ADMIN_TOKEN. Otherwise they take the lock themselves (so no playd
// starts meanwhile) and work on the store directly; what they requeue is
// sent or evaluated at the next start.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "apps/playd/reload.h"
#include "runtime/engine/live_plays.h"
#include "runtime/ingest/http_server.h"
#include "runtime/sinks/executor.h"
#include "runtime/store/store.h"

namespace play::playd {

struct AdminFlags {
  std::string data = "data";
  std::string token;  // "" -> $PLAYD_ADMIN_TOKEN
};

struct ReplayFlags {
  std::string since, until, play_set;  // RFC 3339 times; a play set version
  bool dry_run = false;
};

struct ReviewFlags {
  std::string what;           // list | done
  std::string key;            // done: the item's key
  std::string queue, status;  // list: "" every queue; open (default) | done | all
  std::string limit;          // list: "" the default
  std::string by, comment;    // done
};

struct AdminAnswer {
  int status = 200;
  std::string body;  // JSON
};

// playd's admin routes, after ingestion checked the admin token:
//   GET  /v1/signals/{id}/trace        what became of a signal (observe/trace.h)
//   GET  /v1/decisions?play=NAME&outcome=KIND&limit=N   a play's latest decisions (default 50, at most 1000)
//   GET  /v1/admin/dlq                 the DLQ          GET /v1/admin/dlq/{key}   one action
//   POST /v1/admin/dlq/{key}/replay    replay one       (`all` as key: every one)
//   POST /v1/admin/replay?since=RFC3339&until=RFC3339&play_set=V&dry_run=1  (since or play_set required)
//        -> {"replayed":N,"dry_run":false,"by_play_set":{"a1b2c3d4":N}}
// `executor` may be null (the CLI on a stopped playd): replayed actions
// then wait for the next start.
//   POST /v1/admin/clock {"now": RFC3339}      sets the service's clock (only with --simulated-clock;
//   GET  /v1/admin/clock                       without it, the route does not exist: 404)
//   GET  /v1/plays, /v1/history, /v1/alerts, /v1/overview, /v1/review   what the dashboard reads
//                                              (dashboard_api.h)
//   POST /v1/admin/reload                      compile and swap in the plays (reload.h): 200, or 422
//                                              with the diagnostics while the old set runs on
struct AdminContext {
  store::Store& store;
  sinks::Executor* executor = nullptr;
  bool simulated_clock = false;
  std::function<ReloadResult(const char* why)> reload;  // unset: no reload route (the CLI)
  // The live plays, for GET /v1/plays and /v1/overview (dashboard_api.h); null: the CLI.
  const engine::LivePlays* live = nullptr;
};
ingest::HttpResponse admin_route(const ingest::HttpRequest& request, const AdminContext& context);

// The CLI commands; exit codes 0 done, 1 nothing matched (a KEY), 2 usage/errors.
int replay_command(const AdminFlags& admin, const ReplayFlags& flags);
int dlq_command(const AdminFlags& admin, const std::string& what, const std::string& key, bool all);
// playd review list|done: through the running playd (GET /v1/review, POST
// /v1/review/KEY/done), else on the store of --data directly.
int review_command(const AdminFlags& admin, const ReviewFlags& flags);

}  // namespace play::playd
