#include "runtime/sinks/executor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <thread>
#include <unordered_set>

#include "runtime/sinks/adapter.h"
#include "runtime/sinks/file_sink.h"
#include "runtime/sinks/http_client.h"
#include "runtime/sinks/rate_budget.h"
#include "runtime/sinks/retry.h"

namespace play::sinks {

const char* sink_kind_name(SinkKind k) {
  switch (k) {
    case SinkKind::File:
      return "file";
    case SinkKind::Http:
      return "http";
    case SinkKind::Slack:
      return "slack";
    case SinkKind::HubSpot:
      return "hubspot";
    case SinkKind::PagerDuty:
      return "pagerduty";
    case SinkKind::Salesforce:
      return "salesforce";
    case SinkKind::Outreach:
      return "outreach";
    case SinkKind::Salesloft:
      return "salesloft";
  }
  return "?";
}

struct Executor::Sink {
  SinkConfig config;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<PendingAction> ready[2];             // [0] high lane, [1] the rest
  std::multimap<int64_t, PendingAction> delayed;  // by due time
  size_t in_hand = 0;                             // taken by a worker, not yet recorded
  RateBudget budget{0, 0};
  bool stopping = false;
  std::vector<std::thread> threads;
  FileAppender file;                        // File kind
  std::unique_ptr<Adapter> adapter;         // HTTP kinds: requests and answers (adapter.h)
  std::unordered_set<std::string> adopted;  // keys found in the file's tail at start (file_worker only)
};

// One attempt's result, as record() writes it.
struct Executor::Attempt {
  PendingAction a;
  AttemptKind kind = AttemptKind::Failed;
  int http_status = 0;  // 0: no HTTP answer
  std::string detail;   // error, answer body, or the cancel reason
  int64_t retry_after_ms = 0;
  bool network_error = false;
  bool retry = false;  // the adapter judged the answer transient (retry.h)
  // Filled by record():
  std::string result, status;  // attempts.result, actions.status
  int64_t next_ms = 0;
};

Executor::Executor(store::Store& store, observe::Metrics& metrics, ExecutionOptions options,
                   std::string outbox_path)
    : store_(store), metrics_(metrics), options_(std::move(options)), outbox_path_(std::move(outbox_path)) {
  http_global_init();
}

Executor::~Executor() { stop(); }

Executor::Sink& Executor::sink_for(const std::string& name) {
  std::lock_guard<std::mutex> lock(sinks_mu_);
  std::string target = options_.sinks.count(name) ? name : options_.fallback;
  if (!options_.sinks.count(target)) target = "outbox";
  auto it = sinks_.find(target);
  if (it != sinks_.end()) return *it->second;
  auto s = std::make_unique<Sink>();
  if (target == "outbox") {
    s->config.name = "outbox";
    s->config.kind = SinkKind::File;
    s->config.path = outbox_path_;
  } else {
    s->config = options_.sinks.at(target);
    if (s->config.kind == SinkKind::File && s->config.path.empty()) s->config.path = outbox_path_;
  }
  s->file.path = s->config.path;
  if (s->config.kind != SinkKind::File) s->adapter = make_adapter(s->config);
  s->budget = RateBudget(s->config.rate_per_hour, store::now_ms());
  Sink& ref = *s;
  sinks_[target] = std::move(s);
  if (started_ && !stopping_) {
    if (ref.config.kind == SinkKind::File)
      ref.threads.emplace_back([this, &ref] { file_worker(ref); });
    else
      for (int i = 0; i < std::max(1, ref.config.concurrency); ++i)
        ref.threads.emplace_back([this, &ref] { worker(ref); });
  }
  return ref;
}

void Executor::start() {
  {
    std::lock_guard<std::mutex> lock(sinks_mu_);
    started_ = true;
  }
  std::vector<PendingAction> pending = store_.open_actions();
  for (const auto& [name, cfg] : options_.sinks) sink_for(name);
  sink_for("outbox");
  submit(std::move(pending));
  // Retries and the undelivered check are timed on the service's clock: a
  // simulated clock set forward makes them due now.
  clock_waiter_ = on_clock_set([this] {
    std::vector<Sink*> all;
    {
      std::lock_guard<std::mutex> lock(sinks_mu_);
      for (auto& [n, s] : sinks_) all.push_back(s.get());
    }
    for (Sink* s : all) {
      std::lock_guard<std::mutex> lock(s->mu);
      s->cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(watch_mu_);
    watch_cv_.notify_all();
  });
  watcher_ = std::thread([this] { watch_undelivered(); });
}

void Executor::submit(std::vector<PendingAction> actions) {
  open_ += actions.size();
  for (auto& a : actions) {
    Sink& s = sink_for(a.sink);
    {
      std::lock_guard<std::mutex> lock(s.mu);
      if (a.due_ms > store::now_ms())
        s.delayed.emplace(a.due_ms, std::move(a));
      else
        s.ready[a.high ? 0 : 1].push_back(std::move(a));
    }
    s.cv.notify_one();
  }
}

void Executor::stop() {
  std::vector<Sink*> all;
  {
    std::lock_guard<std::mutex> lock(sinks_mu_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [n, s] : sinks_) all.push_back(s.get());
  }
  stop_flag_ = true;  // workers waiting for a writable store check it at least once a second
  if (clock_waiter_) forget_clock_waiter(clock_waiter_);
  { std::lock_guard<std::mutex> lock(watch_mu_); }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  for (Sink* s : all) {
    {
      std::lock_guard<std::mutex> lock(s->mu);
      s->stopping = true;
    }
    s->cv.notify_all();
  }
  for (Sink* s : all) {
    for (auto& t : s->threads) t.join();
    s->file.close();
  }
}

std::vector<Executor::Backlog> Executor::backlog() {
  std::vector<Sink*> all;
  {
    std::lock_guard<std::mutex> lock(sinks_mu_);
    for (auto& [n, s] : sinks_) all.push_back(s.get());
  }
  std::vector<Backlog> out;
  for (Sink* s : all) {
    std::lock_guard<std::mutex> lock(s->mu);
    Backlog b;
    b.sink = s->config.name;
    b.depth = s->ready[0].size() + s->ready[1].size() + s->delayed.size() + s->in_hand;
    auto older = [&](int64_t t) {
      if (t > 0 && (b.oldest_created_ms == 0 || t < b.oldest_created_ms)) b.oldest_created_ms = t;
    };
    for (const auto& q : s->ready)
      for (const auto& a : q) older(a.created_at_ms);
    for (const auto& [due, a] : s->delayed) older(a.created_at_ms);
    out.push_back(std::move(b));
  }
  return out;
}

bool Executor::take(Sink& s, size_t max, std::vector<PendingAction>& out) {
  std::unique_lock<std::mutex> lock(s.mu);
  for (;;) {
    if (s.stopping) return false;
    int64_t now = store::now_ms();
    while (!s.delayed.empty() && s.delayed.begin()->first <= now) {
      PendingAction a = std::move(s.delayed.begin()->second);
      s.delayed.erase(s.delayed.begin());
      s.ready[a.high ? 0 : 1].push_back(std::move(a));
    }
    if (!s.ready[0].empty() || !s.ready[1].empty()) {
      if (!s.budget.ready(now)) {
        s.cv.wait_for(lock, std::chrono::milliseconds(s.budget.wait_ms()));
        continue;
      }
      // The high lane is drawn first, from the budget and from the workers.
      size_t before = out.size();
      for (int l = 0; l < 2 && out.size() < max; ++l)
        while (!s.ready[l].empty() && out.size() < max && s.budget.ready(now)) {
          out.push_back(std::move(s.ready[l].front()));
          s.ready[l].pop_front();
          s.budget.take();
        }
      s.in_hand += out.size() - before;
      return true;
    }
    if (!s.delayed.empty())
      s.cv.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, s.delayed.begin()->first - now)));
    else
      s.cv.wait(lock);
  }
}

bool Executor::recheck_suppression(Sink& s, PendingAction& a) {
  // Only an action that waited can have become suppressed since it was decided.
  bool waited = a.attempts > 0 || store::now_ms() - a.created_at_ms > 5000;
  if (!waited || !suppression_check_) return false;
  std::string reason = suppression_check_(a);
  if (reason.empty()) return false;
  std::vector<Attempt> at(1);
  at[0].a = std::move(a);
  at[0].kind = AttemptKind::Cancelled;
  at[0].detail = "suppressed: " + reason;
  record(s, at);
  metrics_.action_cancelled(at[0].a.play, reason);
  return true;
}

void Executor::send_http(Sink& s, PendingAction& a, HttpClient& client) {
  AttemptResult result = s.adapter->deliver(a, client);
  std::vector<Attempt> at(1);
  at[0].a = std::move(a);
  at[0].kind = result.kind;
  at[0].http_status = result.http_status;
  at[0].detail = std::move(result.detail);
  at[0].retry_after_ms = result.retry_after_ms;
  at[0].network_error = result.network_error;
  at[0].retry = result.retry;
  record(s, at);
}

void Executor::worker(Sink& s) {
  HttpClient client;
  std::vector<PendingAction> batch;
  while (true) {
    batch.clear();
    if (!take(s, 1, batch)) return;
    // Never send what could not be recorded: wait out a degraded store.
    while (!store_.wait_writable(&stop_flag_, 1000))
      if (stop_flag_) return;  // still pending on disk: the next start sends it
    if (recheck_suppression(s, batch[0])) continue;
    send_http(s, batch[0], client);
  }
}

void Executor::file_worker(Sink& s) {
  while (!reconcile_file(s)) {
    store_.wait_writable(&stop_flag_, 1000);
    if (stop_flag_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::vector<PendingAction> batch;
  std::string buf;
  while (true) {
    batch.clear();
    if (!take(s, 1024, batch)) return;
    while (!store_.wait_writable(&stop_flag_, 1000))
      if (stop_flag_) return;
    std::vector<Attempt> at;
    for (auto& a : batch) {
      if (s.adopted.count(a.key)) {  // found in the file at start: already delivered
        {
          std::lock_guard<std::mutex> lock(s.mu);
          s.in_hand -= 1;
        }
        finished();
        continue;
      }
      if (recheck_suppression(s, a)) continue;
      at.emplace_back();
      at.back().a = std::move(a);
    }
    if (at.empty()) continue;
    buf.clear();
    for (const auto& x : at) buf.append(x.a.line).append("\n");
    // All or nothing: a failed write is cut back, never left as a torn line.
    int64_t size_after = -1;
    std::string error = s.file.append(buf, size_after);
    for (auto& x : at) {
      x.kind = error.empty() ? AttemptKind::Sent : AttemptKind::Failed;
      x.http_status = error.empty() ? 200 : 0;
      x.detail = error;
      x.network_error = !error.empty();
    }
    record(s, at, s.file.path, error.empty() ? size_after : -1);
  }
}

void Executor::finished() { open_.fetch_sub(1); }

bool Executor::record(Sink& s, std::vector<Attempt>& attempts, const std::string& file_path,
                      int64_t file_size) {
  int64_t now = store::now_ms();
  for (auto& x : attempts) {
    NextStep step = next_step({x.kind, x.http_status, x.network_error, x.retry_after_ms, x.detail, x.retry},
                              x.a.attempts + 1, x.a.budget_from, s.config.kind, options_, now);
    x.result = std::move(step.result);
    x.status = std::move(step.status);
    x.next_ms = step.next_ms;
    x.detail = std::move(step.detail);
  }
  std::vector<store::AttemptRecord> records;
  for (const auto& x : attempts) {
    bool ok = x.kind == AttemptKind::Sent;
    std::string what = x.http_status ? "HTTP " + std::to_string(x.http_status) + ": " + x.detail : x.detail;
    records.push_back({x.a.key, x.a.attempts + 1, now, x.result, x.status, x.http_status, x.detail,
                       ok ? std::string() : what, x.next_ms});
  }
  store::FileMark mark{file_path, file_size};
  // Until it is recorded, the result is only in our hands: wait out a
  // degraded store rather than drop it (dropping would resend at the next
  // start, or never, without a restart).
  for (int failures = 0;; ++failures) {
    try {
      store_.record_attempts(records, file_size >= 0 ? &mark : nullptr);
      break;
    } catch (const std::exception& e) {
      if (failures % 60 == 0)
        std::fprintf(stderr,
                     "playd: sink %s: cannot record %zu attempt(s) yet (%s); holding them until the store "
                     "can write\n",
                     s.config.name.c_str(), attempts.size(), e.what());
      if (stop_flag_) {
        std::lock_guard<std::mutex> lock(s.mu);
        s.in_hand -= attempts.size();
        return false;  // still pending on disk: the next start resends them with the same keys
      }
      store_.wait_writable(&stop_flag_, 1000);
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1000, 10 << std::min(failures, 6))));
    }
  }
  for (auto& x : attempts) {
    PendingAction& a = x.a;
    metrics_.action_result(s.config.name, x.result);
    metrics_.play_action(a.play, a.sink, x.result);
    if (x.kind == AttemptKind::Sent) metrics_.delivered(a.play, now, a.occurred_at_ms, a.received_at_ms);
    if (x.status == "dlq")
      std::fprintf(stderr, "playd: action %s (play %s, sink %s) to the DLQ: %s\n", a.key.c_str(),
                   a.play.c_str(), s.config.name.c_str(), x.detail.substr(0, 300).c_str());
    if (x.status == "retrying") {
      a.attempts += 1;
      a.due_ms = x.next_ms;
      std::lock_guard<std::mutex> lock(s.mu);
      s.in_hand -= 1;
      s.delayed.emplace(x.next_ms, std::move(a));
    } else {
      {
        std::lock_guard<std::mutex> lock(s.mu);
        s.in_hand -= 1;
      }
      finished();
    }
  }
  s.cv.notify_one();
  return true;
}

// "An action still undelivered after 2 h raises an alert" (RUNTIME.md): on
// a timer, not only when an attempt happens to run -- an action parked by a
// long Retry-After, or behind a stuck sink, must be flagged too. Each
// action is flagged (counted, logged) once.
//
// The same thread adopts, every 2 s, the open actions of other playd
// processes sharing the store that are gone (store.h,
// adopt_orphaned_actions: none with the embedded store).
void Executor::watch_undelivered() {
  constexpr int64_t kAdoptEveryMs = 2000;
  int64_t period = std::clamp<int64_t>(options_.undelivered_alert_ms / 10, 200, 60000);
  auto next_check = std::chrono::steady_clock::now() + std::chrono::milliseconds(period);
  std::unique_lock<std::mutex> lock(watch_mu_);
  while (!stop_flag_) {
    // Woken early by stop() and by a clock set forward (a check then is harmless).
    bool early = watch_cv_.wait_for(lock, std::chrono::milliseconds(std::min(period, kAdoptEveryMs))) ==
                 std::cv_status::no_timeout;
    if (stop_flag_ || !store_.writable()) continue;
    try {
      std::vector<PendingAction> orphans = store_.adopt_orphaned_actions();
      if (!orphans.empty()) {
        std::fprintf(stderr, "playd: took over %zu open actions of a playd that is gone\n", orphans.size());
        submit(std::move(orphans));
      }
    } catch (const std::exception&) {
      // the store says why; the next tick retries
    }
    if (!early && std::chrono::steady_clock::now() < next_check) continue;
    next_check = std::chrono::steady_clock::now() + std::chrono::milliseconds(period);
    std::vector<store::FlaggedAction> flagged;
    int64_t now = store::now_ms();
    try {
      flagged = store_.flag_undelivered(now - options_.undelivered_alert_ms);
    } catch (const std::exception&) {
      continue;  // the store says why; the next tick retries
    }
    for (size_t i = 0; i < flagged.size(); ++i) {
      metrics_.action_flagged();
      if (i < 10)
        std::fprintf(stderr, "playd: action %s (play %s, sink %s) undelivered for %llds\n",
                     flagged[i].key.c_str(), flagged[i].play.c_str(), flagged[i].sink.c_str(),
                     (long long)((now - flagged[i].created_at_ms) / 1000));
    }
    if (flagged.size() > 10)
      std::fprintf(stderr, "playd: ... and %zu more actions undelivered past the alert age\n",
                   flagged.size() - 10);
  }
}

// Lines a file sink wrote before a crash but whose delivery was not yet
// recorded are found at the file's end, past the size recorded with the
// last batch: their actions are recorded as sent (not written again), and a
// torn last line is cut. So a file sink holds each key exactly once.
// False when the store could not record it (the worker waits and retries:
// it must not write before the tail is settled).
bool Executor::reconcile_file(Sink& s) {
  const std::string& path = s.file.path;
  int64_t recorded = store_.file_sink_size(path);
  FileTail tail;
  std::string error = read_file_tail(path, recorded, tail);
  if (!error.empty()) {
    std::fprintf(stderr, "playd: file sink %s: %s\n", path.c_str(), error.c_str());
    return true;  // nothing to settle that we can read; writes will say what is wrong
  }
  if (!tail.note.empty()) std::fprintf(stderr, "playd: file sink %s: %s\n", path.c_str(), tail.note.c_str());
  if (tail.keys.empty() && tail.size == recorded) return true;
  size_t adopted = 0;
  try {
    adopted = store_.adopt_file_tail(path, tail.keys, tail.size,
                                     "found in " + path + " at start: written before a crash, recorded now");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "playd: file sink %s: cannot record its tail yet (%s)\n", path.c_str(), e.what());
    return false;
  }
  for (auto& k : tail.keys) s.adopted.insert(std::move(k));
  if (adopted)
    std::fprintf(stderr, "playd: file sink %s: %zu action(s) written before a crash recorded as sent\n",
                 path.c_str(), adopted);
  return true;
}

}  // namespace play::sinks
