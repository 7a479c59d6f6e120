#include "common/sketch/latency_sketch.h"

#include <algorithm>
#include <cmath>

namespace play {

namespace {

const double kLogGrowth = std::log(LatencySketch::kGrowth);

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += char(uint8_t(v) | 0x80);
    v >>= 7;
  }
  out += char(uint8_t(v));
}

bool get_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    uint8_t b = uint8_t(in.front());
    in.remove_prefix(1);
    v |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

}  // namespace

int LatencySketch::bucket_of(double ms) {
  if (!(ms >= 1)) return 0;  // NaN and negatives too
  double i = std::floor(std::log(ms) / kLogGrowth) + 1;
  return i >= kBuckets - 1 ? kBuckets - 1 : int(i);
}

double LatencySketch::lower_bound_ms(int bucket) { return bucket <= 0 ? 0.0 : std::pow(kGrowth, bucket - 1); }

double LatencySketch::middle_ms(int bucket) { return bucket <= 0 ? 0.5 : std::pow(kGrowth, bucket - 0.5); }

void LatencySketch::add(double ms, uint64_t n) {
  if (n == 0) return;
  auto b = uint16_t(bucket_of(ms));
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), b,
                             [](const auto& e, uint16_t v) { return e.first < v; });
  if (it != buckets_.end() && it->first == b)
    it->second += n;
  else
    buckets_.insert(it, {b, n});
  count_ += n;
}

void LatencySketch::merge(const LatencySketch& other) {
  if (other.empty()) return;
  if (empty()) {
    *this = other;
    return;
  }
  std::vector<std::pair<uint16_t, uint64_t>> out;
  out.reserve(buckets_.size() + other.buckets_.size());
  auto a = buckets_.cbegin();
  auto b = other.buckets_.cbegin();
  while (a != buckets_.cend() || b != other.buckets_.cend()) {
    if (b == other.buckets_.cend() || (a != buckets_.cend() && a->first < b->first))
      out.push_back(*a++);
    else if (a == buckets_.cend() || b->first < a->first)
      out.push_back(*b++);
    else
      out.emplace_back(a->first, a->second + b->second), ++a, ++b;
  }
  buckets_ = std::move(out);
  count_ += other.count_;
}

double LatencySketch::quantile(double q) const {
  if (empty()) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the q-quantile, 1-based: the smallest value with at least
  // ceil(q * count) values at or below it.
  auto rank = std::max<uint64_t>(1, uint64_t(std::ceil(q * double(count_))));
  uint64_t seen = 0;
  for (const auto& [b, n] : buckets_) {
    seen += n;
    if (seen >= rank) return middle_ms(b);
  }
  return middle_ms(buckets_.back().first);
}

uint64_t LatencySketch::count_at_most(double ms) const {
  int limit = bucket_of(ms);
  uint64_t n = 0;
  for (const auto& [b, c] : buckets_) {
    if (b > limit) break;
    n += c;
  }
  return n;
}

std::string LatencySketch::encode() const {
  std::string out;
  if (empty()) return out;
  out.reserve(1 + buckets_.size() * 3);
  out += char(1);
  uint16_t prev = 0;
  for (const auto& [b, n] : buckets_) {
    put_varint(out, uint64_t(b - prev));
    put_varint(out, n);
    prev = b;
  }
  return out;
}

bool LatencySketch::decode(std::string_view in, LatencySketch& out) {
  out = LatencySketch();
  if (in.empty()) return true;
  if (in.front() != char(1)) return false;
  in.remove_prefix(1);
  uint64_t index = 0;
  bool first = true;
  while (!in.empty()) {
    uint64_t gap = 0, n = 0;
    if (!get_varint(in, gap) || !get_varint(in, n) || (!first && gap == 0) || n == 0) {
      out = LatencySketch();
      return false;
    }
    index += gap;
    if (index >= uint64_t(kBuckets)) {
      out = LatencySketch();
      return false;
    }
    out.buckets_.emplace_back(uint16_t(index), n);
    out.count_ += n;
    first = false;
  }
  return true;
}

}  // namespace play
