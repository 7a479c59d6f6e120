// Slack's Web API sink: chat.postMessage with a bot token (adapter.h).
#include <simdjson.h>

#include "common/json/json.h"
#include "runtime/sinks/slack.h"
#include "runtime/sinks/vendor.h"

namespace play::sinks {

namespace {

// Slack's Web API, chat.postMessage with a bot token.
class SlackApiAdapter : public Adapter {
 public:
  using Adapter::Adapter;

  VendorRequest build(const PendingAction& a) const override {
    VendorRequest req;
    req.call = "Slack chat.postMessage";
    req.url = trim_slashes(config_.base_url) + "/chat.postMessage";
    req.headers = {{"Authorization", "Bearer " + config_.token}};
    req.body = slack_post_message_body(a, config_, req.error);
    return req;
  }

  AttemptResult interpret(const VendorRequest& req, const HttpResult& r) const override {
    AttemptResult out;
    out.kind = AttemptKind::Failed;
    out.http_status = r.status;
    out.retry_after_ms = r.retry_after_ms;
    out.network_error = r.status == 0;
    out.detail = redact(req.call + ": " + answer_text(r));
    if (r.status == 401 || r.status == 403) {
      out.detail = "credentials rejected by Slack: " + out.detail;
      return out;  // a 4xx: the DLQ at once
    }
    if (r.status < 200 || r.status >= 300) return out;  // 429/5xx/none: retried; other 4xx: the DLQ
    // Slack answers 200 with {"ok": false, "error": "..."} for most failures.
    simdjson::dom::parser parser;
    simdjson::dom::object doc;
    bool ok = false;
    std::string_view error;
    if (parser.parse(r.body).get_object().get(doc) == simdjson::SUCCESS) {
      if (doc["ok"].get_bool().get(ok) != simdjson::SUCCESS) ok = false;
      if (doc["error"].get_string().get(error) != simdjson::SUCCESS) error = {};
    } else {
      out.detail += " (not Slack's JSON answer: the message may have been posted; not retried)";
      return out;
    }
    if (ok) {
      out.kind = AttemptKind::Sent;
      out.detail = r.body;
      return out;
    }
    for (const char* e : {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                          "missing_scope"})
      if (error == e) {
        out.detail = "credentials rejected by Slack (" + std::string(error) + "): " + out.detail;
        return out;
      }
    // Slack's own transient failures: retried on the schedule.
    for (const char* e :
         {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
      if (error == e) out.retry = true;
    // Anything else (channel_not_found, not_in_channel, is_archived, msg_too_long, ...) would fail
    // again: the DLQ, the detail naming it.
    return out;
  }
};

}  // namespace

std::unique_ptr<Adapter> make_slack_api_adapter(const SinkConfig& config) {
  return std::make_unique<SlackApiAdapter>(config);
}

std::string slack_post_message_body(const PendingAction& a, const SinkConfig& config, std::string& error) {
  ActionFields f = action_fields(a);
  std::string channel = f.args.count("channel") ? f.args["channel"] : config.channel;
  if (channel.empty()) {
    error =
        "no channel: the action has no `channel` argument and sinks." + config.name + ".channel is not set";
    return "";
  }
  std::string text = slack_text(a);
  std::string out;
  json::Writer w(out);
  w.begin_object().key("channel").value(channel).key("text").value(text);
  if (config.blocks) {
    w.key("blocks").begin_array();
    // A section's text is limited to 3,000 characters.
    w.begin_object().key("type").value("section").key("text").begin_object();
    w.key("type").value("mrkdwn").key("text").value(utf8_prefix(text, 3000)).end_object().end_object();
    if (!config.dashboard_url.empty()) {
      std::string base = trim_slashes(config.dashboard_url);
      std::string links =
          "<" + base + "/plays/" + url_encode(f.top["play"]) + "|Play " + mrkdwn_escape(f.top["play"]) + ">";
      if (!f.top["signal"].empty())
        links += " · <" + base + "/v1/signals/" + url_encode(f.top["signal"]) + "/trace|Signal trace>";
      w.begin_object().key("type").value("context").key("elements").begin_array();
      w.begin_object().key("type").value("mrkdwn").key("text").value(links).end_object();
      w.end_array().end_object();
    }
    w.end_array();
  }
  // Which action a message is (Slack has no idempotency key): on the message, for people and tools.
  w.key("metadata").begin_object().key("event_type").value("playd_action");
  w.key("event_payload").begin_object().key("key").value(a.key).end_object().end_object();
  w.end_object();
  return out;
}

}  // namespace play::sinks
