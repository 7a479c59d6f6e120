#include "runtime/sinks/executor.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>

#include "runtime/sinks/http_client.h"
#include "runtime/sinks/signing.h"
#include "runtime/store/database.h"

namespace play::sinks {

const char* sink_kind_name(SinkKind k) {
  switch (k) {
    case SinkKind::File:
      return "file";
    case SinkKind::Http:
      return "http";
    case SinkKind::Slack:
      return "slack";
  }
  return "?";
}

struct Executor::Sink {
  SinkConfig config;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<PendingAction> ready[2];             // [0] high lane, [1] the rest
  std::multimap<int64_t, PendingAction> delayed;  // by due time
  double tokens = 0;
  int64_t refilled_ms = 0;
  bool stopping = false;
  std::vector<std::thread> threads;
  int outbox_fd = -1;
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
  } else {
    s->config = options_.sinks.at(target);
  }
  s->tokens = std::max(1.0, s->config.rate_per_hour / 60.0);
  s->refilled_ms = store::now_ms();
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
  std::vector<PendingAction> pending;
  store_.db().read([&](store::Sql& sql) {
    store::Stmt& s = sql.prepare(
        "SELECT key, sink, lane, line, play, account, contact, attempts, next_attempt_ms, created_at_ms, "
        "occurred_at_ms, received_at_ms FROM actions WHERE status IN ('pending','retrying')");
    while (s.step()) {
      PendingAction a;
      a.key = s.text(0);
      a.sink = s.text(1);
      a.high = s.i64(2) == 0;
      a.line = s.text(3);
      a.play = s.text(4);
      a.account = s.text(5);
      a.contact = s.text(6);
      a.attempts = int(s.i64(7));
      a.due_ms = s.i64(8);
      a.created_at_ms = s.i64(9);
      a.occurred_at_ms = s.i64(10);
      a.received_at_ms = s.i64(11);
      pending.push_back(std::move(a));
    }
    s.reset();
  });
  for (const auto& [name, cfg] : options_.sinks) sink_for(name);
  sink_for("outbox");
  submit(std::move(pending));
}

void Executor::submit(std::vector<PendingAction> actions) {
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
  for (Sink* s : all) {
    {
      std::lock_guard<std::mutex> lock(s->mu);
      s->stopping = true;
    }
    s->cv.notify_all();
  }
  for (Sink* s : all) {
    for (auto& t : s->threads) t.join();
    if (s->outbox_fd >= 0) ::close(s->outbox_fd);
  }
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
      double rate = s.config.rate_per_hour;
      if (rate > 0) {
        // Token bucket: a minute's worth of burst, refilled continuously.
        double cap = std::max(1.0, rate / 60.0);
        s.tokens = std::min(cap, s.tokens + double(now - s.refilled_ms) * rate / 3600000.0);
        s.refilled_ms = now;
        if (s.tokens < 1.0) {
          auto wait_ms = int64_t(std::ceil((1.0 - s.tokens) * 3600000.0 / rate));
          s.cv.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, wait_ms)));
          continue;
        }
      }
      // The high lane is drawn first, from the budget and from the workers.
      for (int l = 0; l < 2 && out.size() < max; ++l)
        while (!s.ready[l].empty() && out.size() < max && (rate <= 0 || s.tokens >= 1.0)) {
          out.push_back(std::move(s.ready[l].front()));
          s.ready[l].pop_front();
          if (rate > 0) s.tokens -= 1.0;
        }
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
  int64_t now = store::now_ms();
  store_.db().write([&](store::Sql& sql) {
    sql.prepare("UPDATE actions SET status='cancelled', last_error=? WHERE key=?")
        .bind(1, "suppressed: " + reason)
        .bind(2, a.key)
        .run();
    sql.prepare(
           "INSERT OR REPLACE INTO attempts(key, n, at_ms, result, http_status, detail) VALUES (?,?,?,?,0,?)")
        .bind(1, a.key)
        .bind(2, int64_t(a.attempts + 1))
        .bind(3, now)
        .bind(4, "cancelled")
        .bind(5, "suppressed: " + reason)
        .run();
  });
  metrics_.action_result(s.config.name, "cancelled");
  metrics_.action_cancelled(a.play, reason);
  return true;
}

void Executor::worker(Sink& s) {
  HttpClient client;
  std::vector<PendingAction> batch;
  while (true) {
    batch.clear();
    if (!take(s, 1, batch)) return;
    PendingAction& a = batch[0];
    try {
      if (recheck_suppression(s, a)) continue;
      std::string body;
      if (s.config.kind == SinkKind::Slack) {
        body = "{\"text\":";
        body += "\"playd action: ";
        for (char c : a.line) {  // the action line, escaped as a JSON string
          if (c == '"' || c == '\\') body += '\\';
          if (static_cast<unsigned char>(c) < 0x20) continue;
          body += c;
        }
        body += "\"}";
      } else {
        body = a.line;
      }
      std::vector<std::pair<std::string, std::string>> headers = {{"Idempotency-Key", a.key}};
      if (!s.config.bearer_token.empty())
        headers.emplace_back("Authorization", "Bearer " + s.config.bearer_token);
      if (!s.config.signing_secret.empty()) {
        std::string ts = std::to_string(store::now_ms() / 1000);
        headers.emplace_back("webhook-id", a.key);
        headers.emplace_back("webhook-timestamp", ts);
        headers.emplace_back("webhook-signature",
                             webhook_signature(s.config.signing_secret, a.key, ts, body));
      }
      HttpResult r = client.post(s.config.url, body, headers, s.config.timeout_ms);
      record(s, a, r.status, r.status ? r.body : r.error, r.retry_after_ms, r.status == 0);
    } catch (const std::exception& e) {
      // The store failed to record: the action stays pending on disk and is
      // resent (same key) at the next start.
      std::fprintf(stderr, "playd: sink %s: cannot record attempt for %s: %s\n", s.config.name.c_str(),
                   a.key.c_str(), e.what());
    }
  }
}

void Executor::file_worker(Sink& s) {
  std::vector<PendingAction> batch;
  std::string buf;
  while (true) {
    batch.clear();
    if (!take(s, 1024, batch)) return;
    try {
      std::vector<PendingAction> send;
      for (auto& a : batch)
        if (!recheck_suppression(s, a)) send.push_back(std::move(a));
      if (send.empty()) continue;
      const std::string& path = s.config.path.empty() ? outbox_path_ : s.config.path;
      if (s.outbox_fd < 0)
        s.outbox_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      buf.clear();
      for (const auto& a : send) buf.append(a.line).append("\n");
      std::string error;
      if (s.outbox_fd < 0) {
        error = "cannot open " + path;
      } else {
        size_t off = 0;
        while (off < buf.size()) {
          ssize_t n = ::write(s.outbox_fd, buf.data() + off, buf.size() - off);
          if (n < 0) {
            error = "write to " + path + " failed";
            break;
          }
          off += size_t(n);
        }
        // Durable before it is recorded as sent.
        if (error.empty() && ::fdatasync(s.outbox_fd) != 0) error = "fdatasync " + path + " failed";
      }
      for (auto& a : send) record(s, a, error.empty() ? 200 : 0, error, 0, !error.empty());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "playd: outbox: cannot record delivery: %s\n", e.what());
    }
  }
}

void Executor::record(Sink& s, PendingAction& a, int http_status, const std::string& detail,
                      int64_t retry_after_ms, bool network_error) {
  int64_t now = store::now_ms();
  int n = a.attempts + 1;
  std::string result, status;
  int64_t next = now;
  bool ok = http_status >= 200 && http_status < 300;
  if (ok) {
    result = status = "sent";
  } else if (network_error || http_status == 429 || http_status >= 500 || http_status == 408) {
    if (n >= options_.max_attempts) {
      result = status = "dlq";
    } else {
      result = "retry";
      status = "retrying";
      const auto& sched = options_.retry_schedule_ms;
      int64_t delay = sched.empty() ? 60000 : sched[std::min<size_t>(size_t(n), sched.size()) - 1];
      next = now + std::max(delay, retry_after_ms);
    }
  } else {
    result = status = "dlq";  // a 4xx other than 429: retrying would not help
  }
  bool flag = !ok && status != "dlq" && now - a.created_at_ms >= options_.undelivered_alert_ms;
  std::string what = http_status ? "HTTP " + std::to_string(http_status) + ": " + detail : detail;
  store_.db().write([&](store::Sql& sql) {
    sql.prepare(
           "UPDATE actions SET status=?, attempts=?, next_attempt_ms=?, last_error=?, flagged=MAX(flagged, "
           "?) "
           "WHERE key=?")
        .bind(1, status)
        .bind(2, int64_t(n))
        .bind(3, next)
        .bind(4, ok ? std::string() : what)
        .bind(5, int64_t(flag))
        .bind(6, a.key)
        .run();
    sql.prepare(
           "INSERT OR REPLACE INTO attempts(key, n, at_ms, result, http_status, detail) VALUES (?,?,?,?,?,?)")
        .bind(1, a.key)
        .bind(2, int64_t(n))
        .bind(3, now)
        .bind(4, result)
        .bind(5, int64_t(http_status))
        .bind(6, detail.substr(0, 4096))
        .run();
  });
  metrics_.action_result(s.config.name, result);
  if (ok) metrics_.delivered(s.config.name, now, a.occurred_at_ms, a.received_at_ms);
  if (flag) {
    metrics_.action_flagged();
    std::fprintf(stderr, "playd: action %s (play %s, sink %s) undelivered for %llds: %s\n", a.key.c_str(),
                 a.play.c_str(), s.config.name.c_str(), (long long)((now - a.created_at_ms) / 1000),
                 what.c_str());
  }
  if (status == "dlq")
    std::fprintf(stderr, "playd: action %s (play %s) to the DLQ: %s\n", a.key.c_str(), a.play.c_str(),
                 what.c_str());
  if (status == "retrying") {
    a.attempts = n;
    a.due_ms = next;
    std::lock_guard<std::mutex> lock(s.mu);
    s.delayed.emplace(next, std::move(a));
  }
}

}  // namespace play::sinks
