// A sink's request budget (`rate_per_hour`), shared by every play sending
// to it: a token bucket holding a minute's worth of burst, refilled
// continuously. The executor draws the high lane first from it.
#pragma once

#include <cstdint>

namespace play::sinks {

class RateBudget {
 public:
  RateBudget(double per_hour, int64_t now_ms);
  bool unlimited() const { return per_hour_ <= 0; }
  // Refills for the time passed; true when a request may go now.
  bool ready(int64_t now_ms);
  void take() {
    if (!unlimited()) tokens_ -= 1.0;
  }
  // How long until the next token (after ready() said no).
  int64_t wait_ms() const;

 private:
  double per_hour_;
  double tokens_;
  int64_t refilled_ms_;
};

}  // namespace play::sinks
