// The dead-letter queue: actions a sink refused (a 4xx other than 429) or
// that ran out of attempts. Listed, inspected and replayed from the admin
// endpoints (playd's admin routes) and the `playd dlq` CLI.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/store/store.h"

namespace play::sinks {

// {"actions":[{"key","play","action","sink","signal","attempts","last_error","action_line"}...]}
std::string dlq_list_json(store::Store& store);
// One action (any status) with its delivery attempts; false when unknown.
bool action_json(store::Store& store, std::string_view key, std::string& out);
// Moves DLQ actions back to pending (all of them when `key` is empty) with
// a fresh attempt budget and returns them, for a running Executor to
// submit. Keys stay the same, so a sink that already took one drops the repeat.
std::vector<store::OpenAction> dlq_replay(store::Store& store, std::string_view key);

}  // namespace play::sinks
