// Whether the store can take writes, and why not. A full disk or an I/O
// error must not stop playd (RUNTIME.md: nothing acknowledged is lost, and
// every failure is visible): the store goes *degraded*, ingestion refuses new
// signals with 503 + Retry-After, qualification and sinks pause their writes
// and wait here, reads keep being served, and the store recovers by itself
// once a write succeeds again (the writer probes while idle).
//
// Disk space is also watched before it runs out: below a reserve
// (`min_free_bytes`), new signals are refused while evaluation and delivery
// go on, so a backlog that was acknowledged can still be drained into
// outcomes and actions with the space that is left.
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "runtime/store/store.h"

namespace play::store {

class Health {
 public:
  // `dir`: where the database lives (the file system to watch).
  // `min_free_bytes` -1: the default reserve, min(64 MiB, 5% of the file system).
  Health(std::string dir, int64_t min_free_bytes);

  // The writer reports each transaction's result here.
  void failed(StoreFault fault, const std::string& what);
  void committed();  // a transaction with at least one write committed

  StoreHealth snapshot();
  // No failed write since the last successful commit: qualification and
  // sinks may write (they wait otherwise).
  bool writable() const { return state_.load() == StoreState::Ok; }
  // writable() and the free space above the reserve: ingestion may take
  // new signals.
  bool accepting();
  // Waits until writable() or `stop` is set, at most `max_ms`; returns writable().
  bool wait_writable(const std::atomic<bool>* stop, int64_t max_ms);
  // Wakes wait_writable() callers (shutdown).
  void wake();

 private:
  void sample_space(int64_t now_ms);
  std::string space_text() const;

  const std::string dir_;
  const int64_t configured_reserve_;
  std::atomic<StoreState> state_{StoreState::Ok};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string reason_;  // of a failed state
  int64_t since_ms_ = 0;
  std::atomic<int64_t> sampled_at_ms_{0};
  std::atomic<uint64_t> free_{UINT64_MAX}, total_{0}, reserve_{0};
  std::atomic<bool> low_logged_{false};
  std::atomic<int64_t> low_since_ms_{0};
};

}  // namespace play::store
