// Wires IngestServices' durable writes to a store::Store through the
// store's non-blocking writes: the I/O threads hand a write to the store's
// group commit and go on reading other requests, so many requests share one
// commit; the answer is sent from the commit's callback. Writes in flight
// are bounded: past `max_in_flight`, overloaded() says so and ingestion
// answers 503 rather than queueing without bound.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>

#include "runtime/ingest/services.h"
#include "runtime/store/store.h"

namespace play::ingest {

class StoreBridge {
 public:
  explicit StoreBridge(store::Store& store, size_t max_in_flight = 16384);
  ~StoreBridge();  // waits (up to 10 s) for the writes in flight to commit
  StoreBridge(const StoreBridge&) = delete;
  StoreBridge& operator=(const StoreBridge&) = delete;

  // Sets enqueue_signals, upsert_context, overloaded, retry_after_seconds.
  // The callbacks must not be used after the bridge is destroyed.
  void wire(IngestServices& services);

  bool overloaded() const;

 private:
  struct InFlight {
    std::atomic<size_t> count{0};
    std::mutex mu;
    std::condition_variable zero;
    void done();
  };
  store::Store& store_;
  size_t max_in_flight_;
  std::shared_ptr<InFlight> in_flight_ = std::make_shared<InFlight>();
};

}  // namespace play::ingest
