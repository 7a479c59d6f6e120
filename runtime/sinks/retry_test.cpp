// What follows an attempt (retry.h): the schedule, Retry-After and its cap,
// the DLQ by budget and by answer, a replay's fresh budget, file sinks.
#include "runtime/sinks/retry.h"

#include <gtest/gtest.h>

namespace play::sinks {
namespace {

ExecutionOptions options() {
  ExecutionOptions o;
  o.retry_schedule_ms = {60000, 300000, 1800000};
  o.max_attempts = 4;
  o.max_retry_after_ms = 3600000;
  return o;
}

AttemptResult failed(int status, int64_t retry_after_ms = 0) {
  return {AttemptKind::Failed, status, status == 0, retry_after_ms, "boom"};
}

TEST(Retry, SentAndCancelledAreFinal) {
  EXPECT_EQ(next_step({AttemptKind::Sent, 200, false, 0, ""}, 1, 0, SinkKind::Http, options(), 0).status,
            "sent");
  EXPECT_EQ(next_step({AttemptKind::Cancelled, 0, false, 0, "x"}, 1, 0, SinkKind::Http, options(), 0).status,
            "cancelled");
}

TEST(Retry, TheScheduleIsFollowedAndItsLastDelayRepeats) {
  int64_t now = 1000;
  EXPECT_EQ(next_step(failed(500), 1, 0, SinkKind::Http, options(), now).next_ms, now + 60000);
  EXPECT_EQ(next_step(failed(0), 2, 0, SinkKind::Http, options(), now).next_ms, now + 300000);
  NextStep third = next_step(failed(503), 3, 0, SinkKind::Http, options(), now);
  EXPECT_EQ(third.status, "retrying");
  EXPECT_EQ(third.result, "retry");
  EXPECT_EQ(third.next_ms, now + 1800000);
  ExecutionOptions more = options();
  more.max_attempts = 10;
  EXPECT_EQ(next_step(failed(502), 7, 0, SinkKind::Http, more, now).next_ms, now + 1800000);
}

TEST(Retry, RetryAfterWinsWhenLongerAndIsCapped) {
  EXPECT_EQ(next_step(failed(429, 120000), 1, 0, SinkKind::Http, options(), 0).next_ms, 120000);
  EXPECT_EQ(next_step(failed(429, 1000), 1, 0, SinkKind::Http, options(), 0).next_ms, 60000);
  // A hostile Retry-After of 100000000 s parks the action for at most the cap.
  EXPECT_EQ(next_step(failed(429, 100000000000LL), 1, 0, SinkKind::Http, options(), 0).next_ms, 3600000);
}

TEST(Retry, TheBudgetEndsInTheDlqAndAReplayStartsAFreshOne) {
  NextStep s = next_step(failed(500), 4, 0, SinkKind::Http, options(), 0);
  EXPECT_EQ(s.status, "dlq");
  EXPECT_EQ(s.detail, "gave up after 4 attempts; last: boom");
  // Replayed after those 4: attempts 5..7 retry, the 8th gives up.
  EXPECT_EQ(next_step(failed(500), 5, 4, SinkKind::Http, options(), 0).status, "retrying");
  EXPECT_EQ(next_step(failed(500), 5, 4, SinkKind::Http, options(), 0).next_ms,
            60000);  // the schedule restarts
  EXPECT_EQ(next_step(failed(500), 8, 4, SinkKind::Http, options(), 0).status, "dlq");
}

TEST(Retry, FourHundredsOtherThan408And429GoStraightToTheDlq) {
  for (int status : {400, 401, 403, 404, 410, 422}) {
    NextStep s = next_step(failed(status), 1, 0, SinkKind::Http, options(), 0);
    EXPECT_EQ(s.status, "dlq") << status;
    EXPECT_EQ(s.detail, "boom");
  }
  EXPECT_EQ(next_step(failed(408), 1, 0, SinkKind::Http, options(), 0).status, "retrying");
}

TEST(Retry, AFileSinkRetriesSoonAndNeverDeadLetters) {
  EXPECT_EQ(next_step(failed(0), 1, 0, SinkKind::File, options(), 0).next_ms, 1000);
  EXPECT_EQ(next_step(failed(0), 2, 0, SinkKind::File, options(), 0).next_ms, 2000);
  NextStep late = next_step(failed(0), 40, 0, SinkKind::File, options(), 0);
  EXPECT_EQ(late.status, "retrying");
  EXPECT_EQ(late.next_ms, 30000);
}

}  // namespace
}  // namespace play::sinks
