#include "runtime/ingest/replay_guard.h"

namespace play::ingest {

std::string ReplayGuard::key(std::string_view source, std::string_view id) {
  std::string k;
  k.reserve(source.size() + id.size() + 1);
  k.append(source).append(1, '\n').append(id);
  return k;
}

void ReplayGuard::sweep(int64_t now_s) {
  for (auto it = ids_.begin(); it != ids_.end();)
    it = it->second.expires_s < now_s ? ids_.erase(it) : std::next(it);
  next_sweep_s_ = now_s + 10;
}

ReplayGuard::Claim ReplayGuard::claim(std::string_view source, std::string_view id, int64_t expires_s,
                                      int64_t now_s) {
  std::lock_guard lock(mu_);
  if (now_s >= next_sweep_s_ || ids_.size() >= capacity_) sweep(now_s);
  std::string k = key(source, id);
  auto it = ids_.find(k);
  if (it != ids_.end() && it->second.expires_s >= now_s)
    return it->second.applied ? Claim::Duplicate : Claim::InProgress;
  if (it == ids_.end() && ids_.size() >= capacity_) return Claim::Full;
  ids_[std::move(k)] = Entry{expires_s, false};
  return Claim::Fresh;
}

void ReplayGuard::done(std::string_view source, std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = ids_.find(key(source, id));
  if (it != ids_.end()) it->second.applied = true;
}

void ReplayGuard::failed(std::string_view source, std::string_view id) {
  std::lock_guard lock(mu_);
  ids_.erase(key(source, id));
}

size_t ReplayGuard::size() const {
  std::lock_guard lock(mu_);
  return ids_.size();
}

}  // namespace play::ingest
