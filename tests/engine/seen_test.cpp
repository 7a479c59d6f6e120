// MemorySeenSignals: playc run's duplicate detection, bounded by the dedup
// TTL in event time (memory_ledger.h).
#include <gtest/gtest.h>

#include "runtime/engine/memory_ledger.h"

namespace play::engine {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

TEST(SeenSignals, ForeverWithoutATtl) {
  MemorySeenSignals seen;
  EXPECT_TRUE(seen.first_time("a", 0));
  EXPECT_FALSE(seen.first_time("a", 0));
  EXPECT_TRUE(seen.first_time("b", 400 * kDay));
  EXPECT_FALSE(seen.first_time("a", 400 * kDay));
}

TEST(SeenSignals, ARepeatIsADuplicateUntilTheTtlHasPassedOnTheStreamClock) {
  MemorySeenSignals seen(30 * kDay);
  EXPECT_TRUE(seen.first_time("a", 0));
  EXPECT_FALSE(seen.first_time("a", 29 * kDay));  // within 30d of its first sighting
  EXPECT_FALSE(seen.first_time("a", 30 * kDay - 1));
  EXPECT_TRUE(seen.first_time("a", 30 * kDay));   // exactly the TTL later: seen afresh
  EXPECT_FALSE(seen.first_time("a", 31 * kDay));  // and remembered from then
  // The clock is the newest occurred_at: an old repeat arriving later is judged by it.
  EXPECT_TRUE(seen.first_time("b", 32 * kDay));
  EXPECT_TRUE(seen.first_time("c", 70 * kDay));
  EXPECT_TRUE(seen.first_time("b", 1 * kDay));  // b's first sighting was 38 days of stream ago
}

TEST(SeenSignals, MemoryFollowsTheTtlNotTheInput) {
  MemorySeenSignals seen(1 * kDay);
  size_t most = 0;
  for (int64_t i = 0; i < 100000; ++i) {  // 100,000 ids, one a minute: ~69 days
    EXPECT_TRUE(seen.first_time("id" + std::to_string(i), i * 60'000));
    most = std::max(most, seen.size());
  }
  EXPECT_LE(most, 2u * 1440 + 1);  // two generations of a day's ids at most
  EXPECT_GE(most, 1440u);          // and at least the last day's, which must stay
  EXPECT_FALSE(seen.first_time("id99999", 99999LL * 60'000));
  EXPECT_FALSE(seen.first_time("id98600", 99999LL * 60'000));  // 23h20m ago: still a duplicate
}

TEST(SeenSignals, IdsOfAnyLengthAreKeptApart) {
  MemorySeenSignals seen(30 * kDay);
  std::string long_id(10'000, 'x');
  EXPECT_TRUE(seen.first_time(long_id, 0));
  long_id.back() = 'y';  // differs only in its last byte
  EXPECT_TRUE(seen.first_time(long_id, 0));
  EXPECT_FALSE(seen.first_time(long_id, kDay));
  EXPECT_TRUE(seen.first_time("", 0));
  EXPECT_FALSE(seen.first_time("", 0));
  EXPECT_TRUE(seen.first_time(std::string_view("a\0b", 3), 0));  // bytes, not C strings
  EXPECT_TRUE(seen.first_time(std::string_view("a\0c", 3), 0));
  for (int i = 0; i < 200000; ++i) EXPECT_TRUE(seen.first_time("sig_" + std::to_string(i), kDay));
  for (int i = 0; i < 200000; i += 997) EXPECT_FALSE(seen.first_time("sig_" + std::to_string(i), 2 * kDay));
}

// First sightings are kept as 32-bit offsets: in milliseconds up to a TTL
// of 2^32 ms (49.7 days), in coarser steps beyond (a year: 8 ms).
TEST(SeenSignals, ATtlLongerThanFortyNineDaysStillExpiresOnTime) {
  MemorySeenSignals seen(365 * kDay);
  EXPECT_TRUE(seen.first_time("a", 0));
  EXPECT_TRUE(seen.first_time("b", 100 * kDay + 12345));
  EXPECT_FALSE(seen.first_time("a", 364 * kDay));
  EXPECT_FALSE(seen.first_time("b", 465 * kDay));          // a year less 12,345 ms after it
  EXPECT_TRUE(seen.first_time("a", 465 * kDay));           // more than a year after it
  EXPECT_FALSE(seen.first_time("b", 465 * kDay + 12000));  // still within 16 ms of rounding
  EXPECT_TRUE(seen.first_time("b", 465 * kDay + 12345 + 16));
}

}  // namespace
}  // namespace play::engine
