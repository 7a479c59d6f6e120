#include "runtime/sinks/adapter.h"

#include <simdjson.h>

#include <cctype>

#include "common/time/time.h"
#include "runtime/sinks/signing.h"
#include "runtime/sinks/slack.h"
#include "runtime/sinks/vendor.h"

namespace play::sinks {

namespace {

const char* const kTop[] = {"play", "action", "signal", "account", "contact", "key"};

bool known_placeholder(const std::string& name) {
  for (const char* k : kTop)
    if (name == k) return true;
  if (name.rfind("args.", 0) != 0 || name.size() == 5) return false;
  for (char c : name.substr(5))
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// Fills `{action.NAME}` by `value(NAME)`; "" and `error` on a bad placeholder.
template <class F>
std::string fill(const std::string& tmpl, F value, std::string* error) {
  std::string out;
  size_t i = 0;
  for (;;) {
    size_t p = tmpl.find("{action.", i);
    if (p == std::string::npos) break;
    size_t e = tmpl.find('}', p);
    if (e == std::string::npos) {
      if (error) *error = "an unterminated placeholder at offset " + std::to_string(p);
      return "";
    }
    std::string name = tmpl.substr(p + 8, e - p - 8);
    if (!known_placeholder(name)) {
      if (error)
        *error = "unknown placeholder {action." + name +
                 "} (expected {action.play}, {action.action}, {action.signal}, {action.account}, "
                 "{action.contact}, {action.key} or {action.args.NAME})";
      return "";
    }
    out.append(tmpl, i, p - i);
    out += json_inner(value(name));
    i = e + 1;
  }
  out.append(tmpl, i, std::string::npos);
  return out;
}

// A generic webhook (the action line, or a body template), or a Slack
// incoming webhook ({"text": ...}).
class WebhookAdapter : public Adapter {
 public:
  WebhookAdapter(SinkConfig c, bool slack) : Adapter(std::move(c)), slack_(slack) {}

  VendorRequest build(const PendingAction& a) const override {
    VendorRequest req;
    req.call = slack_ ? "Slack incoming webhook" : "webhook";
    req.url = config_.url;
    if (slack_)
      req.body = slack_body(a);
    else if (!config_.body_template.empty())
      req.body = render_body_template(config_.body_template, a);
    else
      req.body = a.line;
    req.headers = {{"Idempotency-Key", a.key}};
    if (!config_.bearer_token.empty())
      req.headers.emplace_back("Authorization", "Bearer " + config_.bearer_token);
    for (const auto& h : config_.headers) req.headers.push_back(h);
    if (!config_.signing_secret.empty()) {
      std::string ts = std::to_string(wall_ms() / 1000);  // the receiver checks it against its real clock
      req.headers.emplace_back("webhook-id", a.key);
      req.headers.emplace_back("webhook-timestamp", ts);
      req.headers.emplace_back("webhook-signature",
                               webhook_signature(config_.signing_secret, a.key, ts, req.body));
    }
    return req;
  }

  AttemptResult interpret(const VendorRequest& req, const HttpResult& r) const override {
    AttemptResult out;
    out.kind = r.status >= 200 && r.status < 300 ? AttemptKind::Sent : AttemptKind::Failed;
    out.http_status = r.status;
    out.retry_after_ms = r.retry_after_ms;
    out.network_error = r.status == 0;
    if (!slack_) {
      out.detail = redact(r.status ? r.body : r.error);  // as before: the answer as it came
    } else {
      out.detail = redact(req.call + ": " + answer_text(r));
      if (r.status == 401 || r.status == 403) out.detail = "credentials rejected by Slack: " + out.detail;
    }
    return out;
  }

 private:
  bool slack_;
};

}  // namespace

AttemptResult Adapter::deliver(const PendingAction& a, HttpClient& client) const {
  VendorRequest req = build(a);
  if (!req.error.empty()) {  // nothing to send: the DLQ (not a network error, no HTTP answer)
    AttemptResult out;
    out.kind = AttemptKind::Failed;
    out.detail = redact(req.call + ": " + req.error);
    return out;
  }
  HttpResult r = client.request(req.method, req.url, req.body, req.headers, config_.timeout_ms);
  return interpret(req, r);
}

std::string Adapter::redact(std::string text) const {
  std::vector<std::string> secrets = {config_.token, config_.bearer_token, config_.signing_secret,
                                      config_.routing_key, config_.client_secret};
  for (const auto& h : config_.headers) secrets.push_back(h.second);
  for (const auto& s : secrets) {
    if (s.size() < 4) continue;  // nothing worth hiding (and would mangle the text)
    for (size_t p = text.find(s); p != std::string::npos; p = text.find(s, p + 10))
      text.replace(p, s.size(), "[redacted]");
  }
  return text;
}

std::unique_ptr<Adapter> make_adapter(const SinkConfig& config) {
  if (config.kind == SinkKind::HubSpot) return make_hubspot_adapter(config);
  if (config.kind == SinkKind::PagerDuty) return make_pagerduty_adapter(config);
  if (config.kind == SinkKind::Salesforce) return make_salesforce_adapter(config);
  if (config.kind == SinkKind::Outreach) return make_outreach_adapter(config);
  if (config.kind == SinkKind::Salesloft) return make_salesloft_adapter(config);
  if (config.kind == SinkKind::Slack && !config.token.empty()) return make_slack_api_adapter(config);
  return std::make_unique<WebhookAdapter>(config, config.kind == SinkKind::Slack);
}

std::string check_body_template(const std::string& tmpl) {
  std::string error;
  std::string sample = fill(
      tmpl, [](const std::string&) { return std::string("x"); }, &error);
  if (!error.empty()) return error;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto e = parser.parse(sample).get(doc); e != simdjson::SUCCESS)
    return std::string("not valid JSON once filled with sample values (") + simdjson::error_message(e) +
           "): put each placeholder inside a JSON string, e.g. \"text\": \"{action.play} fired\"";
  return "";
}

std::string render_body_template(const std::string& tmpl, const PendingAction& a) {
  ActionFields f = action_fields(a);
  return fill(
      tmpl,
      [&](const std::string& name) {
        const auto& m = name.rfind("args.", 0) == 0 ? f.args : f.top;
        auto it = m.find(name.rfind("args.", 0) == 0 ? name.substr(5) : name);
        return it == m.end() ? std::string() : it->second;
      },
      nullptr);
}

}  // namespace play::sinks
