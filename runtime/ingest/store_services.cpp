#include "runtime/ingest/store_services.h"

#include <chrono>

namespace play::ingest {

void StoreBridge::InFlight::done() {
  if (count.fetch_sub(1) == 1) {
    std::lock_guard lock(mu);
    zero.notify_all();
  }
}

StoreBridge::StoreBridge(store::Store& store, size_t max_in_flight)
    : store_(store), max_in_flight_(max_in_flight) {}

StoreBridge::~StoreBridge() {
  std::unique_lock lock(in_flight_->mu);
  in_flight_->zero.wait_for(lock, std::chrono::seconds(10), [&] { return in_flight_->count.load() == 0; });
}

bool StoreBridge::overloaded() const {
  return store_.overloaded() || in_flight_->count.load() >= max_in_flight_;
}

void StoreBridge::wire(IngestServices& services) {
  services.enqueue_signals = [this](std::vector<store::IncomingSignal> signals,
                                    IngestServices::EnqueueDone done) {
    in_flight_->count.fetch_add(1);
    store_.enqueue_signals_async(
        std::move(signals),
        [f = in_flight_, done = std::move(done)](std::vector<store::Enqueued> results, std::string error) {
          done(std::move(results), std::move(error));
          f->done();
        });
  };
  services.upsert_context = [this](std::vector<store::ContextUpsert> upserts,
                                   std::function<void(std::string)> done) {
    in_flight_->count.fetch_add(1);
    store_.upsert_context_async(std::move(upserts),
                                [f = in_flight_, done = std::move(done)](std::string error) {
                                  done(std::move(error));
                                  f->done();
                                });
  };
  services.overloaded = [this] { return overloaded(); };
  services.retry_after_seconds = [this] { return store_.retry_after_seconds(); };
}

}  // namespace play::ingest
