// The dead-letter queue: actions a sink refused (a 4xx other than 429) or
// that ran out of attempts. Listed, inspected and replayed from the CLI
// (`playd dlq ...`, on the data directory) and from the admin endpoint
// (/v1/admin/dlq, mounted by ingest with the admin token).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/sinks/executor.h"
#include "runtime/store/store.h"

namespace play::sinks {

// {"actions":[{"key","play","action","sink","signal","attempts","last_error","action_line"}...]}
std::string dlq_list_json(store::Store& store);
// One action (any status) with its delivery attempts; false when unknown.
bool action_json(store::Store& store, std::string_view key, std::string& out);
// Moves DLQ actions back to pending (all of them when `key` is empty) and
// returns them, for a running Executor to submit. Keys stay the same, so a
// sink that already took one drops the repeat.
std::vector<PendingAction> dlq_replay(store::Store& store, std::string_view key);

struct AdminAnswer {
  int status = 200;
  std::string body;  // JSON
};
// The admin endpoint, after the admin token was checked: `rest` is the path
// after /v1/admin/dlq ("", "/KEY", "/KEY/replay", "/replay").
//   GET  ""             -> list        GET  "/KEY"  -> one action
//   POST "/KEY/replay"  -> replay one  POST "/replay" -> replay all
// `executor` may be null (then replayed actions wait for the next start).
AdminAnswer dlq_admin(store::Store& store, Executor* executor, std::string_view method,
                      std::string_view rest);

}  // namespace play::sinks
