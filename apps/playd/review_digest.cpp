#include "apps/playd/review_digest.h"

#include <cstdio>
#include <map>

#include "common/json/json.h"
#include "common/text.h"
#include "common/time/time.h"
#include "runtime/sinks/http_client.h"
#include "runtime/sinks/slack.h"  // mrkdwn_escape

namespace play::playd {

namespace {

constexpr size_t kMaxOpen = 1000;      // items read for one digest
constexpr size_t kShownPerQueue = 20;  // listed per queue; the rest counted
constexpr int64_t kTickMs = 250;       // how often the service's clock is looked at (real time)

}  // namespace

std::string review_digest_text(const std::vector<store::ReviewItem>& open, const std::string& dashboard) {
  if (open.empty()) return "";
  std::map<std::string, std::vector<const store::ReviewItem*>> by_queue;
  for (const auto& i : open) by_queue[i.queue].push_back(&i);
  std::string text = ":clipboard: *Review queue*: " + std::to_string(open.size()) + " open item" +
                     (open.size() == 1 ? "" : "s") + " in " + std::to_string(by_queue.size()) + " queue" +
                     (by_queue.size() == 1 ? "" : "s");
  if (!dashboard.empty()) text += " · <" + dashboard + "/review|review them>";
  for (const auto& [queue, items] : by_queue) {
    text += "\n\n*" + sinks::mrkdwn_escape(queue.empty() ? "(no queue)" : queue) + "* (" +
            std::to_string(items.size()) + ")";
    for (size_t n = 0; n < items.size() && n < kShownPerQueue; ++n) {
      const auto& i = *items[n];
      text += "\n• " +
              sinks::mrkdwn_escape(i.account.empty() ? (i.contact.empty() ? i.key : i.contact) : i.account);
      text += " — " + sinks::mrkdwn_escape(i.play);
      if (!i.note.empty()) text += ": " + sinks::mrkdwn_escape(i.note);
      text += " (since " + format_timestamp(i.created_at_ms).substr(0, 10) + ")";
    }
    if (items.size() > kShownPerQueue)
      text += "\n… and " + std::to_string(items.size() - kShownPerQueue) + " more";
  }
  return text;
}

ReviewDigest::ReviewDigest(store::Store& store, std::string url, int64_t every_ms)
    : store_(store), url_(std::move(url)), every_ms_(every_ms) {}

ReviewDigest::~ReviewDigest() { stop(); }

void ReviewDigest::start(const std::string& dashboard) {
  if (url_.empty() || thread_.joinable()) return;
  dashboard_ = trim_slashes(dashboard);
  thread_ = std::thread([this] { run(); });
}

void ReviewDigest::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReviewDigest::run() {
  sinks::HttpClient client;
  int64_t since = now_ms();  // the period's start
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(kTickMs), [this] { return stop_; })) {
    int64_t now = now_ms();
    if (now < since) since = now;  // a simulated clock set back: the period starts again
    if (now - since < every_ms_) continue;
    since = now;
    lock.unlock();
    try {
      store::ReviewQuery q;
      q.limit = kMaxOpen;
      std::string text = review_digest_text(store_.review_items(q), dashboard_);
      if (!text.empty()) {
        std::string body;
        json::Writer w(body);
        w.begin_object().key("text").value(text).end_object();
        auto r = client.post(url_, body, {{"Content-Type", "application/json"}}, 10000);
        if (r.status < 200 || r.status >= 300)
          std::fprintf(stderr, "playd: review digest: the Slack webhook answered %s\n",
                       r.status ? ("HTTP " + std::to_string(r.status)).c_str() : r.error.c_str());
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "playd: review digest: %s\n", e.what());
    }
    lock.lock();
  }
}

}  // namespace play::playd
