// IngestServices over an in-memory "store", for route tests: records what
// was made durable, answers synchronously, can be set to overloaded or failing.
#pragma once

#include <mutex>
#include <set>

#include "runtime/ingest/services.h"

namespace play::ingest::testing {

struct FakeStore {
  std::mutex mu;
  std::vector<store::IncomingSignal> signals;
  std::vector<store::ContextUpsert> context;
  std::set<std::string> seen;
  bool overloaded = false;
  bool failing = false;
  int enqueue_calls = 0;

  IngestServices services() {
    IngestServices s;
    s.enqueue_signals = [this](std::vector<store::IncomingSignal> in, IngestServices::EnqueueDone done) {
      std::vector<store::Enqueued> results;
      {
        std::lock_guard lock(mu);
        ++enqueue_calls;
        if (failing) return done({}, "disk I/O error");
        for (auto& sig : in) {
          bool fresh = seen.insert(sig.id).second;
          results.push_back(fresh ? store::Enqueued::Accepted : store::Enqueued::Duplicate);
          if (fresh) signals.push_back(std::move(sig));
        }
      }
      done(std::move(results), {});
    };
    s.upsert_context = [this](std::vector<store::ContextUpsert> in, std::function<void(std::string)> done) {
      {
        std::lock_guard lock(mu);
        for (auto& u : in) context.push_back(std::move(u));
      }
      done({});
    };
    s.overloaded = [this] { return overloaded; };
    s.retry_after_seconds = [] { return 2; };
    s.is_signal_type = [](std::string_view t) {
      return t == "product.trial_started" || t == "website.page_viewed";
    };
    s.validate_signal = [](std::string_view envelope, std::string& error) {
      if (envelope.find("\"type\":\"nope.nope\"") != std::string_view::npos) {
        error = "unknown signal type 'nope.nope'";
        return false;
      }
      return true;
    };
    return s;
  }
};

}  // namespace play::ingest::testing
