// What follows a delivery attempt (RUNTIME.md, "Execution"): sent; retried
// on the schedule, or after the sink's Retry-After when longer (capped); to
// the DLQ after max_attempts, or at once for a 4xx other than 408/429 --
// retrying would not help; a file sink retried soon and never dead-lettered
// (a full disk is the machine's fault, not the action's).
#pragma once

#include <cstdint>
#include <string>

#include "runtime/sinks/sink_config.h"

namespace play::sinks {

enum class AttemptKind : uint8_t { Sent, Failed, Cancelled };

struct AttemptResult {
  AttemptKind kind = AttemptKind::Failed;
  int http_status = 0;         // 0: no HTTP answer
  bool network_error = false;  // no answer at all (timeout, refused)
  int64_t retry_after_ms = 0;  // the sink's Retry-After, 0 when none
  std::string detail;          // error or answer body
  // The adapter judged the answer transient whatever its status: a 2xx (Slack's ok:false
  // internal_error) or a 4xx that is a rate limit (Salesforce's 403 REQUEST_LIMIT_EXCEEDED).
  bool retry = false;
};

struct NextStep {
  std::string result;   // the attempt's: sent | retry | dlq | cancelled
  std::string status;   // the action's: sent | retrying | dlq | cancelled
  int64_t next_ms = 0;  // when retrying: the next attempt
  std::string detail;   // the attempt's detail ("gave up after N attempts; last: ..." for a DLQ by budget)
};

// `attempt`: the 1-based number of this attempt; `budget_from`: attempts
// made before the last DLQ replay (a replay gets a fresh budget).
NextStep next_step(const AttemptResult& r, int attempt, int budget_from, SinkKind sink,
                   const ExecutionOptions& options, int64_t now_ms);

}  // namespace play::sinks
