#include "runtime/sinks/retry.h"

#include <algorithm>

namespace play::sinks {

NextStep next_step(const AttemptResult& r, int attempt, int budget_from, SinkKind sink,
                   const ExecutionOptions& options, int64_t now) {
  NextStep s;
  s.next_ms = now;
  s.detail = r.detail;
  int k = attempt - budget_from;  // attempts within the current budget, 1-based
  if (r.kind == AttemptKind::Sent) {
    s.result = s.status = "sent";
  } else if (r.kind == AttemptKind::Cancelled) {
    s.result = s.status = "cancelled";
  } else if (sink == SinkKind::File) {
    s.result = "retry";
    s.status = "retrying";
    s.next_ms = now + std::min<int64_t>(30000, int64_t(1000) << std::clamp(k - 1, 0, 5));
  } else if (r.retry || r.network_error || r.http_status == 429 || r.http_status >= 500 ||
             r.http_status == 408) {
    if (k >= options.max_attempts) {
      s.result = s.status = "dlq";
      s.detail = "gave up after " + std::to_string(k) + " attempts; last: " + r.detail;
    } else {
      s.result = "retry";
      s.status = "retrying";
      const auto& sched = options.retry_schedule_ms;
      int64_t delay = sched.empty() ? 60000 : sched[std::min(size_t(std::max(k, 1)), sched.size()) - 1];
      s.next_ms = now + std::max(delay, std::min(r.retry_after_ms, options.max_retry_after_ms));
    }
  } else {
    s.result = s.status = "dlq";
  }
  return s;
}

}  // namespace play::sinks
