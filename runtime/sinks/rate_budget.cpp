#include "runtime/sinks/rate_budget.h"

#include <algorithm>
#include <cmath>

namespace play::sinks {

RateBudget::RateBudget(double per_hour, int64_t now_ms)
    : per_hour_(per_hour), tokens_(std::max(1.0, per_hour / 60.0)), refilled_ms_(now_ms) {}

bool RateBudget::ready(int64_t now_ms) {
  if (unlimited()) return true;
  double cap = std::max(1.0, per_hour_ / 60.0);
  tokens_ = std::min(cap, tokens_ + double(now_ms - refilled_ms_) * per_hour_ / 3600000.0);
  refilled_ms_ = now_ms;
  return tokens_ >= 1.0;
}

int64_t RateBudget::wait_ms() const {
  return std::max<int64_t>(1, int64_t(std::ceil((1.0 - tokens_) * 3600000.0 / per_hour_)));
}

}  // namespace play::sinks
