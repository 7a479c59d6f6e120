#include "runtime/sinks/rate_budget.h"

#include <gtest/gtest.h>

namespace play::sinks {
namespace {

TEST(RateBudget, UnlimitedAlwaysReady) {
  RateBudget b(0, 0);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(b.ready(0));
    b.take();
  }
}

TEST(RateBudget, AMinutesWorthOfBurstThenTheHourlyRate) {
  RateBudget b(3600, 0);  // one a second; a burst of 60
  int sent = 0;
  while (b.ready(0)) {
    b.take();
    ++sent;
  }
  EXPECT_EQ(sent, 60);
  EXPECT_EQ(b.wait_ms(), 1000);
  EXPECT_FALSE(b.ready(999));
  EXPECT_TRUE(b.ready(1000));
  b.take();
  // An idle hour refills only the burst, not an hour of tokens.
  sent = 0;
  int64_t later = 3600 * 1000 * 2;
  while (b.ready(later)) {
    b.take();
    ++sent;
  }
  EXPECT_EQ(sent, 60);
}

TEST(RateBudget, ASlowRateStillAllowsOneRequest) {
  RateBudget b(10, 0);  // ten an hour: a burst of one
  EXPECT_TRUE(b.ready(0));
  b.take();
  EXPECT_FALSE(b.ready(0));
  EXPECT_EQ(b.wait_ms(), 360000);
  EXPECT_TRUE(b.ready(360000));
}

}  // namespace
}  // namespace play::sinks
