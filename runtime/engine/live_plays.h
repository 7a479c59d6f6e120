// The plays a running service evaluates now, replaced whole by a reload
// (SIGHUP, POST /v1/admin/reload, --watch). Everything that evaluates or
// checks against the plays -- qualification, the suppression re-check,
// ingestion's schema checks -- reads the current set through here and
// rebuilds what it derived from it when the generation changes, between two
// signals (qualification: between two batches), never in the middle of one.
// A set stays alive while anything still holds it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "runtime/vm/bundle.h"

namespace play::engine {

struct PlaySet {
  std::shared_ptr<const vm::Bundle> bundle;
  std::string version;  // the bundle's checksum (playd's play_set_version)
  int64_t loaded_at_ms = 0;
  uint64_t generation = 0;  // 1 for the first set, +1 per replacement
};

class LivePlays {
 public:
  LivePlays(std::shared_ptr<const vm::Bundle> bundle, std::string version, int64_t loaded_at_ms);
  std::shared_ptr<const PlaySet> current() const;
  void replace(std::shared_ptr<const vm::Bundle> bundle, std::string version, int64_t loaded_at_ms);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const PlaySet> current_;
};

}  // namespace play::engine
