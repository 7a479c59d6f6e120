#include "runtime/sinks/alert_sinks.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>

#include "common/json/json.h"
#include "common/time/time.h"
#include "runtime/observe/views.h"
#include "runtime/sinks/adapter.h"
#include "runtime/sinks/http_client.h"
#include "runtime/sinks/signing.h"
#include "runtime/sinks/slack.h"

namespace play::sinks {

const char* alert_sink_kind_name(AlertSinkKind k) {
  switch (k) {
    case AlertSinkKind::Slack:
      return "slack";
    case AlertSinkKind::PagerDuty:
      return "pagerduty";
    default:
      return "webhook";
  }
}

namespace {

bool firing(const store::AlertRecord& a) { return a.state == "firing"; }

std::string link(const store::AlertRecord& a, const std::string& dashboard_url) {
  if (dashboard_url.empty()) return "";
  return a.play.empty() ? dashboard_url + "/" : dashboard_url + "/plays/" + a.play;
}

std::string slack_text(const store::AlertRecord& a, const std::string& dashboard_url) {
  std::string text = firing(a) ? ":rotating_light: *FIRING* `" : ":white_check_mark: *resolved* `";
  text += mrkdwn_escape(a.rule) + "`";
  if (!a.play.empty()) text += " " + mrkdwn_escape(a.play);
  if (!a.subject.empty()) text += " (" + mrkdwn_escape(a.subject) + ")";
  text += "\n" + mrkdwn_escape(a.summary);
  text += firing(a) ? "\nsince " + format_timestamp(a.since_ms)
                    : "\nfired " + format_timestamp(a.since_ms) + " until " + format_timestamp(a.until_ms);
  if (std::string l = link(a, dashboard_url); !l.empty()) text += " · <" + l + "|dashboard>";
  return text;
}

AlertRequest pagerduty(const AlertSinkConfig& s, const store::AlertRecord& a,
                       const std::string& dashboard_url) {
  AlertRequest r;
  r.url = pagerduty_enqueue_url(s.url);
  json::Writer w(r.body);
  w.begin_object().key("routing_key").value(s.secret);
  w.key("event_action").value(firing(a) ? "trigger" : "resolve");
  w.key("dedup_key").value(a.key);
  if (firing(a)) {
    // Events API v2: summary (<= 1024 chars), source and severity are required.
    w.key("payload").begin_object();
    w.key("summary").value(a.summary.substr(0, 1024));
    w.key("source").value("playd");
    // Lost pages and silent plays are errors; a spike is worth a look.
    w.key("severity").value(a.rule == "volume_spike" ? "warning" : "error");
    w.key("timestamp").value(format_timestamp(a.since_ms));
    if (!a.play.empty()) w.key("component").value(a.play);
    w.key("group").value(a.rule);
    w.key("class").value(a.rule);
    w.key("custom_details").begin_object();
    observe::write_alert(w, a);
    w.end_object();
    w.end_object();
    if (std::string l = link(a, dashboard_url); !l.empty()) {
      w.key("links").begin_array().begin_object().key("href").value(l);
      w.key("text").value("playd dashboard").end_object().end_array();
    }
    w.key("client").value("playd");
  }
  w.end_object();
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

}  // namespace

AlertRequest alert_request(const AlertSinkConfig& s, const store::AlertRecord& a,
                           const std::string& dashboard_url, int64_t wall) {
  if (s.kind == AlertSinkKind::PagerDuty) return pagerduty(s, a, dashboard_url);
  AlertRequest r;
  r.url = s.url;
  r.headers.emplace_back("Content-Type", "application/json");
  json::Writer w(r.body);
  if (s.kind == AlertSinkKind::Slack) {
    w.begin_object().key("text").value(slack_text(a, dashboard_url)).end_object();
    return r;
  }
  w.begin_object().key("type").value(firing(a) ? "alert.firing" : "alert.resolved");
  w.key("timestamp").value(format_timestamp(wall));
  w.key("data").begin_object();
  observe::write_alert(w, a);
  if (std::string l = link(a, dashboard_url); !l.empty()) w.key("dashboard").value(l);
  w.end_object().end_object();
  if (!s.secret.empty()) {
    // One message per incident and state: a receiver dedups retries by this id.
    std::string id = "msg_" + a.key + "_" + std::to_string(a.since_ms) + "_" + a.state;
    for (char& c : id)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') c = '_';
    std::string ts = std::to_string(wall / 1000);
    r.headers.emplace_back("webhook-id", id);
    r.headers.emplace_back("webhook-timestamp", ts);
    r.headers.emplace_back("webhook-signature", webhook_signature(s.secret, id, ts, r.body));
  }
  return r;
}

// ---- the workers -------------------------------------------------------------------

namespace {

// Counts down the sinks still to send one notification; the last runs `done`.
struct Pending {
  std::atomic<int> left;
  std::function<void()> done;
  Pending(int n, std::function<void()> d) : left(n), done(std::move(d)) {}
  void one_done() {
    if (left.fetch_sub(1) == 1 && done) done();
  }
};

}  // namespace

struct AlertSinks::Worker {
  AlertSinkConfig config;
  observe::Metrics& metrics;
  const std::string& dashboard_url;
  struct Item {
    store::AlertRecord alert;
    std::shared_ptr<Pending> pending;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> queue;
  bool stopping = false;
  std::chrono::steady_clock::time_point give_up_at = std::chrono::steady_clock::time_point::max();
  std::thread thread;

  Worker(AlertSinkConfig c, observe::Metrics& m, const std::string& d)
      : config(std::move(c)), metrics(m), dashboard_url(d) {}

  bool past_deadline() {
    std::lock_guard<std::mutex> l(mu);
    return std::chrono::steady_clock::now() >= give_up_at;
  }
  void run();
  bool send(HttpClient& client, const store::AlertRecord& a, int attempt, bool& retry);
};

// One attempt: true when sent; `retry` false when trying again cannot
// help (a 4xx other than 408 and 429: a wrong routing key or URL).
bool AlertSinks::Worker::send(HttpClient& client, const store::AlertRecord& a, int attempt, bool& retry) {
  AlertRequest req = alert_request(config, a, dashboard_url, wall_ms());
  HttpResult r = client.post(req.url, req.body, req.headers, config.timeout_ms);
  if (r.status >= 200 && r.status < 300) {
    metrics.alert_notification(config.name, "sent");
    return true;
  }
  retry = r.status == 0 || r.status == 408 || r.status == 429 || r.status >= 500;
  std::string why = r.status ? "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200) : r.error;
  std::fprintf(stderr, "playd: alert sink %s: %s %s, attempt %d: %s\n", config.name.c_str(), a.key.c_str(),
               a.state.c_str(), attempt, why.c_str());
  return false;
}

void AlertSinks::Worker::run() {
  HttpClient client;
  std::unique_lock<std::mutex> lock(mu);
  for (;;) {
    cv.wait(lock, [&] { return stopping || !queue.empty(); });
    // Stopping past the deadline: what is left is not recorded as sent,
    // so the next start sends it.
    if (queue.empty() || std::chrono::steady_clock::now() >= give_up_at) return;
    Item item = queue.front();
    lock.unlock();
    bool sent = false;
    for (int attempt = 1;; ++attempt) {
      bool retry = true;
      if (send(client, item.alert, attempt, retry)) {
        sent = true;
        break;
      }
      if (!retry || attempt >= config.max_attempts) break;
      metrics.alert_notification(config.name, "retry");
      const auto& s = config.retry_schedule_ms;
      int64_t delay = s.empty() ? 1000 : s[std::min<size_t>(size_t(attempt), s.size()) - 1];
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay);
      std::unique_lock<std::mutex> wait(mu);
      // stop() may move give_up_at closer while this waits.
      while (std::chrono::steady_clock::now() < std::min(until, give_up_at))
        cv.wait_until(wait, std::min(until, give_up_at));
      if (std::chrono::steady_clock::now() >= give_up_at) break;  // stopping: past the deadline
    }
    if (!sent && past_deadline()) return;  // as above: sent at the next start
    if (!sent) {
      metrics.alert_notification(config.name, "failed");
      std::fprintf(stderr, "playd: alert sink %s: gave up on %s %s\n", config.name.c_str(),
                   item.alert.key.c_str(), item.alert.state.c_str());
    }
    std::fflush(stderr);
    item.pending->one_done();
    lock.lock();
    queue.pop_front();
  }
}

AlertSinks::AlertSinks(std::vector<AlertSinkConfig> sinks, observe::Metrics& metrics,
                       std::string dashboard_url)
    : metrics_(metrics), dashboard_url_(std::move(dashboard_url)) {
  for (auto& c : sinks) workers_.push_back(std::make_unique<Worker>(std::move(c), metrics_, dashboard_url_));
}

AlertSinks::~AlertSinks() { stop(0); }

void AlertSinks::start() {
  for (auto& w : workers_)
    if (!w->thread.joinable()) w->thread = std::thread([p = w.get()] { p->run(); });
}

void AlertSinks::stop(int64_t deadline_ms) {
  auto at = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> lock(w->mu);
    w->stopping = true;
    w->give_up_at = at;
    w->cv.notify_all();
  }
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

void AlertSinks::notify(const store::AlertRecord& alert, std::function<void()> done) {
  if (workers_.empty()) {
    if (done) done();
    return;
  }
  auto pending = std::make_shared<Pending>(int(workers_.size()), std::move(done));
  for (auto& w : workers_) {
    std::lock_guard<std::mutex> lock(w->mu);
    w->queue.push_back({alert, pending});
    w->cv.notify_all();
  }
}

}  // namespace play::sinks
