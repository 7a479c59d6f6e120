// Runs the alert rules (alerts.h) on the service's clock: every
// `interval`, and at once when a simulated clock is set. Each round reads
// the facts from the store (the hourly history, the lanes, the open
// actions), applies the rules, saves the incidents that started, changed
// or ended (one transaction), then hands the ones that started or ended to
// `notify`. When every alert sink has taken one (or given up), the store
// records it as notified: after a restart, a firing incident is neither
// paged again nor forgotten, and one whose page was not sent yet is sent.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/observe/alerts.h"
#include "runtime/store/store.h"

namespace play::observe {

class AlertEvaluator {
 public:
  // `notify(alert, sent)`: deliver the incident's state; call `sent()`
  // once every alert sink has taken it or given up (from any thread).
  using Notify = std::function<void(const store::AlertRecord& alert, std::function<void()> sent)>;
  AlertEvaluator(store::Store& store, std::vector<PlayFacts> plays, AlertSettings settings, Notify notify);
  ~AlertEvaluator();  // stop()

  // Where each round reads the loaded plays from (a reload changes them);
  // unset: the plays given to the constructor. Set before start().
  using PlaysSource = std::function<std::vector<PlayFacts>()>;
  void plays_from(PlaysSource source) { plays_source_ = std::move(source); }

  // Loads the incidents, sends those whose state was never sent, then runs
  // a round now and every interval on a thread of its own.
  void start();
  void stop();
  // One round, on the caller's thread (tests). False when the store could
  // not answer or save (the next round tries again).
  bool evaluate();

 private:
  void loop();
  void send(const store::AlertRecord& alert);

  store::Store& store_;
  std::vector<PlayFacts> plays_;
  PlaysSource plays_source_;
  AlertSettings settings_;
  Notify notify_;
  std::vector<store::AlertRecord> firing_;  // incidents firing now (as saved)
  std::mutex round_mu_;                     // one round at a time
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false, woken_ = false;
  int clock_waiter_ = 0;
  std::thread thread_;
  int failures_ = 0;
};

}  // namespace play::observe
