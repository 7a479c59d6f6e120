// GET /v1/history's query: defaults, the bucket holding `to` is the last,
// and what is refused.
#include "runtime/observe/views.h"

#include <gtest/gtest.h>

namespace play::observe {
namespace {

constexpr int64_t kNow = 1781951400000;  // 2026-06-20T10:30:00Z

TEST(HistoryRequest, DefaultsAreTheLastDayByHourOrTheLastWeekByDay) {
  HistoryRequest r;
  std::string error;
  ASSERT_TRUE(history_request("", "", "", "", "", kNow, r, error)) << error;
  EXPECT_EQ(r.to_ms, 1781953200000);  // 11:00: the current hour is the last bucket
  EXPECT_EQ(r.to_ms - r.from_ms, store::kDayMs);
  ASSERT_TRUE(history_request("p", "", "", "", "day", kNow, r, error)) << error;
  EXPECT_TRUE(r.daily);
  EXPECT_EQ(r.play, "p");
  EXPECT_EQ(r.to_ms - r.from_ms, 7 * store::kDayMs);
}

TEST(HistoryRequest, TheBucketHoldingToIsTheLast) {
  HistoryRequest r;
  std::string error;
  ASSERT_TRUE(
      history_request("", "t", "2026-06-20T10:00:00Z", "2026-06-20T10:00:00Z", "hour", kNow, r, error))
      << error;
  EXPECT_EQ(r.to_ms - r.from_ms, store::kHourMs);  // one bucket: 10:00
  ASSERT_TRUE(history_request("", "", "2026-06-20T08:15:00Z", "2026-06-20T10:59:00Z", "", kNow, r, error))
      << error;
  EXPECT_EQ(r.to_ms - r.from_ms, 3 * store::kHourMs);  // 08:00, 09:00, 10:00
}

TEST(HistoryRequest, MistakesAreRefused) {
  HistoryRequest r;
  std::string error;
  EXPECT_FALSE(history_request("p", "t", "", "", "", kNow, r, error));
  EXPECT_FALSE(history_request("", "", "", "", "week", kNow, r, error));
  EXPECT_NE(error.find("step"), std::string::npos);
  EXPECT_FALSE(history_request("", "", "yesterday", "", "", kNow, r, error));
  EXPECT_FALSE(history_request("", "", "2026-06-21T00:00:00Z", "2026-06-20T00:00:00Z", "", kNow, r, error));
  EXPECT_FALSE(
      history_request("", "", "2020-01-01T00:00:00Z", "", "hour", kNow, r, error));  // > 2000 buckets
}

}  // namespace
}  // namespace play::observe
