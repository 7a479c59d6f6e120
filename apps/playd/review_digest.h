// The review queue's weekly digest ([review] digest_slack_url_env,
// digest_every): every `digest_every` of the service's clock, a Slack
// incoming-webhook message listing the open review items per queue (none
// is sent when nothing is open). The period counts from playd's start (or
// from when a simulated clock was set back); it is not kept across
// restarts. A failed post is logged and tried again at the next period.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/store/store.h"

namespace play::playd {

// The message's text (Slack mrkdwn, values escaped); "" when nothing is open.
// `dashboard`: playd's base URL, linked to /review ("" no link).
std::string review_digest_text(const std::vector<store::ReviewItem>& open, const std::string& dashboard);

class ReviewDigest {
 public:
  ReviewDigest(store::Store& store, std::string url, int64_t every_ms);
  ~ReviewDigest();  // stop()
  void start(const std::string& dashboard);
  void stop();

 private:
  void run();
  store::Store& store_;
  std::string url_, dashboard_;
  int64_t every_ms_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace play::playd
