// The latency sketch: quantiles within its stated error, exact merges, and
// an encoding that round-trips and refuses garbage.
#include "common/sketch/latency_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace play {
namespace {

double true_quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  size_t rank = std::max<size_t>(1, size_t(std::ceil(q * double(v.size()))));
  return v[rank - 1];
}

TEST(LatencySketch, QuantilesAreWithinOnePercentOverSixDecades) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(std::log(2000.0), 2.0);  // ~2 s median, long tail
  std::vector<double> values;
  LatencySketch s;
  for (int i = 0; i < 20000; ++i) {
    double v = 1 + dist(rng);
    values.push_back(v);
    s.add(v);
  }
  EXPECT_EQ(s.count(), 20000u);
  for (double q : {0.5, 0.9, 0.95, 0.99}) {
    double want = true_quantile(values, q), got = s.quantile(q);
    EXPECT_NEAR(got / want, 1.0, 0.0101) << "q=" << q << " want " << want << " got " << got;
  }
}

TEST(LatencySketch, FourHoursIsMeasurable) {
  LatencySketch s;
  for (int i = 0; i < 95; ++i) s.add(60'000);        // a minute
  for (int i = 0; i < 5; ++i) s.add(5 * 3'600'000);  // five hours
  EXPECT_NEAR(s.quantile(0.95), 60'000, 600);
  EXPECT_NEAR(s.quantile(0.96), 5 * 3'600'000, 5 * 36'000);
  EXPECT_EQ(s.count_at_most(4 * 3'600'000), 95u);
}

TEST(LatencySketch, MergingHoursEqualsOneSketchOfEverything) {
  LatencySketch a, b, all;
  for (int i = 1; i < 500; ++i) {
    a.add(i * 3.0);
    all.add(i * 3.0);
    b.add(i * 700.0);
    all.add(i * 700.0);
  }
  LatencySketch merged = a;
  merged.merge(b);
  EXPECT_EQ(merged, all);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.quantile(0.95), all.quantile(0.95));
}

TEST(LatencySketch, EncodesCompactlyAndRoundTrips) {
  LatencySketch s;
  for (int i = 0; i < 10000; ++i) s.add(100 + i % 50);  // a tight distribution: few buckets
  std::string bytes = s.encode();
  EXPECT_LT(bytes.size(), 80u);
  LatencySketch back;
  ASSERT_TRUE(LatencySketch::decode(bytes, back));
  EXPECT_EQ(back, s);
  EXPECT_EQ(back.count(), 10000u);
  EXPECT_EQ(LatencySketch().encode(), "");
  ASSERT_TRUE(LatencySketch::decode("", back));
  EXPECT_TRUE(back.empty());
}

TEST(LatencySketch, RefusesMalformedBytes) {
  LatencySketch out;
  EXPECT_FALSE(LatencySketch::decode(std::string("\x02\x01\x01", 3), out));      // unknown version
  EXPECT_FALSE(LatencySketch::decode(std::string("\x01\x80", 2), out));          // truncated varint
  EXPECT_FALSE(LatencySketch::decode(std::string("\x01\x01\x00", 3), out));      // zero count
  EXPECT_FALSE(LatencySketch::decode(std::string("\x01\xff\x7f\x01", 4), out));  // bucket out of range
  EXPECT_TRUE(out.empty());
}

TEST(LatencySketch, EdgesAreCountedNotLost) {
  LatencySketch s;
  s.add(-5);    // a clock step back: counted as 0
  s.add(0.2);   // below 1 ms
  s.add(1e15);  // beyond the last bucket: clamped
  EXPECT_EQ(s.count(), 3u);
  EXPECT_EQ(s.quantile(0), 0.5);
  EXPECT_GT(s.quantile(1), 1e10);
}

}  // namespace
}  // namespace play
