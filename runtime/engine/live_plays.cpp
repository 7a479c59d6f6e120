#include "runtime/engine/live_plays.h"

namespace play::engine {

LivePlays::LivePlays(std::shared_ptr<const vm::Bundle> bundle, std::string version, int64_t loaded_at_ms)
    : current_(std::make_shared<PlaySet>(PlaySet{std::move(bundle), std::move(version), loaded_at_ms, 1})) {}

std::shared_ptr<const PlaySet> LivePlays::current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void LivePlays::replace(std::shared_ptr<const vm::Bundle> bundle, std::string version, int64_t loaded_at_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::make_shared<PlaySet>(
      PlaySet{std::move(bundle), std::move(version), loaded_at_ms, current_->generation + 1});
}

}  // namespace play::engine
