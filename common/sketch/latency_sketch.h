// A latency sketch: a fixed-bucket logarithmic histogram of durations in
// milliseconds, small enough to keep one per play and hour in the store,
// and mergeable (hours into days, plays into the whole) by adding counts.
//
// Bucket 0 holds everything below 1 ms; bucket i >= 1 holds
// [g^(i-1), g^i) ms with g = 1.02, up to bucket kBuckets-1 (about 230 days,
// where longer durations are clamped). A quantile is answered with its
// bucket's geometric middle, so it is within 1% of the true value (or below
// 1 ms). Why not t-digest or DDSketch's library: fixed buckets merge
// exactly and encode to a few bytes per distinct bucket, which is what a
// row per play and hour needs; nothing else about latency needs more.
//
// Encoding (encode/decode): a version byte (1), then for each non-empty
// bucket in increasing order the gap from the previous bucket index and the
// count, both as LEB128 varints. An empty sketch encodes to "".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace play {

class LatencySketch {
 public:
  static constexpr double kGrowth = 1.02;
  static constexpr int kBuckets = 1200;

  void add(double ms, uint64_t n = 1);  // negative durations count as 0
  void merge(const LatencySketch& other);
  uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The q-quantile (0 <= q <= 1) in ms; 0 for an empty sketch.
  double quantile(double q) const;
  // How many durations are at most `ms` (by bucket: those in ms's bucket count).
  uint64_t count_at_most(double ms) const;

  std::string encode() const;
  // False (and `out` empty) on malformed bytes.
  static bool decode(std::string_view bytes, LatencySketch& out);

  static int bucket_of(double ms);
  static double lower_bound_ms(int bucket);  // of bucket i (0 for bucket 0)
  static double middle_ms(int bucket);       // the value a quantile in bucket i answers

  // (bucket, count) for non-empty buckets, increasing.
  const std::vector<std::pair<uint16_t, uint64_t>>& buckets() const { return buckets_; }
  bool operator==(const LatencySketch& o) const { return buckets_ == o.buckets_; }

 private:
  std::vector<std::pair<uint16_t, uint64_t>> buckets_;
  uint64_t count_ = 0;
};

}  // namespace play
