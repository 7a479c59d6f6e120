// Signed (Standard Webhooks) requests that change context, remembered by
// (source, webhook-id) for as long as their signature stays valid (the
// signed timestamp + the tolerance), so that a captured request replayed
// within the window is answered as a duplicate instead of being applied
// again (a replayed old PUT would revert a newer one). In memory: a restart
// forgets the ids, so a replay sent within the window after a restart is
// applied again (docs/operations.md says so). Bounded: when `capacity` ids
// are remembered and none has expired, new signed context changes are
// refused (503) rather than forgotten.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace play::ingest {

class ReplayGuard {
 public:
  explicit ReplayGuard(size_t capacity = 100000) : capacity_(capacity) {}

  enum class Claim {
    Fresh,       // first time: apply it, then done() or failed()
    Duplicate,   // applied before: answer 200, apply nothing
    InProgress,  // the same id is being applied right now: retry later
    Full,        // too many ids remembered: retry later
  };
  // `expires_s`: when the signature stops being valid (Unix seconds).
  Claim claim(std::string_view source, std::string_view id, int64_t expires_s, int64_t now_s);
  void done(std::string_view source, std::string_view id);    // applied (durable)
  void failed(std::string_view source, std::string_view id);  // not applied: a retry may apply it

  size_t size() const;

 private:
  struct Entry {
    int64_t expires_s = 0;
    bool applied = false;
  };
  static std::string key(std::string_view source, std::string_view id);
  void sweep(int64_t now_s);

  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> ids_;
  int64_t next_sweep_s_ = 0;
};

}  // namespace play::ingest
