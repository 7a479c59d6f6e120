#include "runtime/store/store.h"

#include <future>

namespace play::store {

const char* lane_name(Lane lane) { return lane == Lane::High ? "high" : "normal"; }

SinkCounts& SinkCounts::operator+=(const SinkCounts& o) {
  issued += o.issued;
  delivered += o.delivered;
  failed += o.failed;
  dlq += o.dlq;
  cancelled += o.cancelled;
  shadow += o.shadow;
  return *this;
}

SinkCounts HistoryBucket::actions() const {
  SinkCounts total;
  for (const auto& [sink, c] : sinks) total += c;
  return total;
}

void HistoryBucket::merge(const HistoryBucket& o) {
  signals += o.signals;
  for (const auto& [k, n] : o.outcomes) outcomes[k] += n;
  for (const auto& [k, n] : o.suppressed_by) suppressed_by[k] += n;
  for (const auto& [k, c] : o.sinks) sinks[k] += c;
  from_occurred.merge(o.from_occurred);
  from_received.merge(o.from_received);
}

std::vector<Enqueued> Store::enqueue_signals(std::vector<IncomingSignal> signals) {
  std::promise<std::pair<std::vector<Enqueued>, std::string>> p;
  auto f = p.get_future();
  enqueue_signals_async(std::move(signals), [&p](std::vector<Enqueued> r, std::string error) {
    p.set_value({std::move(r), std::move(error)});
  });
  auto [r, error] = f.get();
  if (!error.empty()) throw StoreError(error);
  return r;
}

void Store::upsert_context(std::vector<ContextUpsert> upserts) {
  std::promise<std::string> p;
  auto f = p.get_future();
  upsert_context_async(std::move(upserts), [&p](std::string error) { p.set_value(std::move(error)); });
  std::string error = f.get();
  if (!error.empty()) throw StoreError(error);
}

}  // namespace play::store
