// What the vendor adapters share (runtime/sinks/*.cpp behind adapter.h):
// the action line's fields, URL and text helpers, and VendorAdapter -- the
// base of a vendor whose action takes several calls (look up, search,
// create) -- so each vendor's file holds only its API's calls and answers.
// Not part of the seam: the executor sees adapter.h only.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/text.h"  // url_encode
#include "runtime/sinks/adapter.h"

namespace play::sinks {

// The action line's members (runtime/engine/render.cpp): top-level strings,
// and the arguments (a string as itself, anything else as its JSON text).
struct ActionFields {
  std::map<std::string, std::string> top;   // play, action, signal, account, contact, key
  std::map<std::string, std::string> args;  // by name
};
ActionFields action_fields(const PendingAction& a);

// `s` escaped for the inside of a JSON string (no quotes).
std::string json_inner(std::string_view s);
// "STATUS BODY", or "no answer (ERROR)".
std::string answer_text(const HttpResult& r);
// At most `n` bytes of `s`, cut at a UTF-8 character boundary.
std::string utf8_prefix(const std::string& s, size_t n);
// A sequence, cadence or record given by its numeric id rather than by name.
bool all_digits(std::string_view s);
// `s` lower-cased (ASCII): emails compared as the vendors store them.
std::string lower(std::string s);

// Ids a sink looked up (an owner, a sequence, a mailbox, by email or name),
// kept for the sink's life and shared by its worker threads.
class IdCache {
 public:
  std::string find(const std::string& key) const;  // "" when not looked up yet
  void put(const std::string& key, const std::string& id);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> ids_;
};

// A vendor adapter that makes several calls per attempt: deliver() is the
// vendor's, and each call goes through call(). build() is not used.
class VendorAdapter : public Adapter {
 public:
  VendorAdapter(SinkConfig config, std::string vendor)
      : Adapter(std::move(config)), vendor_(std::move(vendor)) {}
  VendorRequest build(const PendingAction&) const override;
  // Sent on 2xx (the detail: the answer's body); else failed, the detail "VENDOR CALL: STATUS BODY" redacted,
  // prefixed "credentials rejected by VENDOR: " on 401/403. The executor's
  // schedule does the rest (retry.h): 408/429/5xx/no answer retried, other
  // 4xx to the DLQ at once.
  AttemptResult interpret(const VendorRequest& req, const HttpResult& r) const override;

 protected:
  // One call to the vendor with auth_headers() (and Content-Type:
  // `content_type` when there is a body, or when it is not the default:
  // JSON:API wants its media type on every request); true on 2xx, else false
  // with `out` the failed attempt (interpret()).
  bool call(HttpClient& client, const std::string& name, const std::string& method, const std::string& url,
            const std::string& body, HttpResult& r, AttemptResult& out,
            const std::string& content_type = "application/json") const;
  // Authorization: Bearer TOKEN by default.
  virtual std::vector<std::pair<std::string, std::string>> auth_headers() const;
  // A failed attempt that goes to the DLQ (no HTTP answer to retry on): "VENDOR: DETAIL".
  AttemptResult refuse(const std::string& detail) const;
  AttemptResult sent(int http_status, const std::string& detail) const;

  std::string vendor_;  // "HubSpot", "Salesforce", ... (in every detail)
};

// The vendor adapters (make_adapter picks one by kind).
std::unique_ptr<Adapter> make_slack_api_adapter(const SinkConfig& config);
std::unique_ptr<Adapter> make_hubspot_adapter(const SinkConfig& config);
std::unique_ptr<Adapter> make_pagerduty_adapter(const SinkConfig& config);
std::unique_ptr<Adapter> make_salesforce_adapter(const SinkConfig& config);  // salesforce.h
std::unique_ptr<Adapter> make_outreach_adapter(const SinkConfig& config);
std::unique_ptr<Adapter> make_salesloft_adapter(const SinkConfig& config);  // salesloft.h

}  // namespace play::sinks
