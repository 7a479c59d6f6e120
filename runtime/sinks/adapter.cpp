#include "runtime/sinks/adapter.h"

#include <simdjson.h>

#include <cctype>
#include <map>

#include "common/json/json.h"
#include "common/time/time.h"
#include "runtime/sinks/signing.h"
#include "runtime/sinks/slack.h"

namespace play::sinks {

namespace {

// The action line's members (runtime/engine/render.cpp): top-level strings,
// and the arguments (a string as itself, anything else as its JSON text).
struct ActionFields {
  std::map<std::string, std::string> top;   // play, action, signal, account, contact, key
  std::map<std::string, std::string> args;  // by name
};

ActionFields action_fields(const PendingAction& a) {
  ActionFields f;
  f.top["play"] = a.play;
  f.top["account"] = a.account;
  f.top["contact"] = a.contact;
  f.top["key"] = a.key;
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  if (parser.parse(a.line).get_object().get(doc) != simdjson::SUCCESS) return f;
  for (const char* k : {"play", "action", "signal", "account", "contact", "key"}) {
    std::string_view v;
    if (doc[k].get_string().get(v) == simdjson::SUCCESS) f.top[k] = std::string(v);
  }
  simdjson::dom::object args;
  if (doc["args"].get_object().get(args) == simdjson::SUCCESS)
    for (auto field : args) {
      std::string_view v;
      if (field.value.get_string().get(v) == simdjson::SUCCESS)
        f.args[std::string(field.key)] = std::string(v);
      else if (!field.value.is_null())
        f.args[std::string(field.key)] = simdjson::minify(field.value);
    }
  return f;
}

// `s` escaped for the inside of a JSON string (no quotes).
std::string json_inner(std::string_view s) {
  std::string q = json::quote(s);
  return q.substr(1, q.size() - 2);
}

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

std::string answer_text(const HttpResult& r) {
  return r.status ? std::to_string(r.status) + " " + r.body : "no answer (" + r.error + ")";
}

// Percent-encodes all but the unreserved characters (a signal id in a URL path).
std::string url_escape(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// At most `n` bytes of `s`, cut at a UTF-8 character boundary.
std::string utf8_prefix(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
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

// Slack's Web API, chat.postMessage with a bot token.
class SlackApiAdapter : public Adapter {
 public:
  using Adapter::Adapter;

  VendorRequest build(const PendingAction& a) const override {
    VendorRequest req;
    req.call = "Slack chat.postMessage";
    std::string base = config_.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    req.url = base + "/chat.postMessage";
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

// HubSpot's CRM v3 API (adapter.h): several calls per attempt.
class HubSpotAdapter : public Adapter {
 public:
  using Adapter::Adapter;

  VendorRequest build(const PendingAction&) const override {
    VendorRequest req;
    req.call = "HubSpot";
    req.error = "not a single request";
    return req;
  }

  AttemptResult interpret(const VendorRequest& req, const HttpResult& r) const override {
    AttemptResult out;
    out.kind = r.status >= 200 && r.status < 300 ? AttemptKind::Sent : AttemptKind::Failed;
    out.http_status = r.status;
    out.retry_after_ms = r.retry_after_ms;
    out.network_error = r.status == 0;
    out.detail = redact(req.call + ": " + answer_text(r));
    if (r.status == 401 || r.status == 403) out.detail = "credentials rejected by HubSpot: " + out.detail;
    return out;
  }

  AttemptResult deliver(const PendingAction& a, HttpClient& client) const override {
    ActionFields f = action_fields(a);
    AttemptResult out;
    out.kind = AttemptKind::Failed;
    const std::string& action = f.top["action"];
    if (action != "task") {
      out.detail = "HubSpot sink: action '" + action + "' not supported yet";
      return out;
    }
    std::string subject = f.args["subject"], owner = f.args["owner"];
    if (subject.empty()) {
      out.detail = "HubSpot sink: a task needs a subject";
      return out;
    }
    int64_t due_ms = 0;
    if (f.args.count("due") && !parse_duration(f.args["due"], due_ms)) {
      out.detail = "HubSpot sink: due is not a duration: " + f.args["due"];
      return out;
    }
    std::string base = config_.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    HttpResult r;
    // 1. Exactly once: a task carrying this key was created by an earlier attempt.
    if (!call(client, "tasks search", "POST", base + "/crm/v3/objects/tasks/search",
              hubspot_search_body(config_.key_property, a.key), r, out))
      return out;
    if (std::string id = hubspot_search_first_id(r.body); !id.empty()) {
      out.kind = AttemptKind::Sent;
      out.http_status = r.status;
      out.detail = "HubSpot task " + id + " (found by " + config_.key_property + ")";
      return out;
    }
    // 2. The owner.
    std::string owner_id;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = owners_.find(owner);
      if (it != owners_.end()) owner_id = it->second;
    }
    if (owner_id.empty() && !owner.empty()) {  // no owner argument: an unassigned task
      if (!call(client, "owners", "GET", base + "/crm/v3/owners?email=" + url_escape(owner), "", r, out))
        return out;
      owner_id = hubspot_search_first_id(r.body);
      if (owner_id.empty()) {
        out.http_status = 0;
        out.detail = "HubSpot owner not found: " + owner;
        return out;
      }
      std::lock_guard<std::mutex> lock(mu_);
      owners_[owner] = owner_id;
    }
    // 3. The contact and the company (missing: no association).
    std::string contact_id, company_id;
    if (!a.contact.empty()) {
      if (!call(client, "contacts search", "POST", base + "/crm/v3/objects/contacts/search",
                hubspot_search_body("email", a.contact), r, out))
        return out;
      contact_id = hubspot_search_first_id(r.body);
    }
    if (!a.account.empty()) {
      if (!call(client, "companies search", "POST", base + "/crm/v3/objects/companies/search",
                hubspot_search_body("domain", a.account), r, out))
        return out;
      company_id = hubspot_search_first_id(r.body);
    }
    // 4. The task.
    if (!call(client, "tasks create", "POST", base + "/crm/v3/objects/tasks",
              hubspot_task_body(subject, wall_ms() + due_ms, owner_id, config_.key_property, a.key,
                                contact_id, company_id),
              r, out))
      return out;
    out.kind = AttemptKind::Sent;
    out.http_status = r.status;
    out.detail = r.body;
    return out;
  }

 private:
  // One call; false (and `out` the failed attempt) unless it answered 2xx.
  bool call(HttpClient& client, const std::string& name, const std::string& method, const std::string& url,
            const std::string& body, HttpResult& r, AttemptResult& out) const {
    std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + config_.token}};
    if (method == "POST") headers.emplace_back("Content-Type", "application/json");
    r = client.request(method, url, body, headers, config_.timeout_ms);
    if (r.status >= 200 && r.status < 300) return true;
    VendorRequest req;
    req.call = "HubSpot " + name;
    out = interpret(req, r);
    return false;
  }

  mutable std::mutex mu_;
  mutable std::map<std::string, std::string> owners_;  // email -> owner id
};

// PagerDuty Events API v2: a "trigger" per action.
class PagerDutyAdapter : public Adapter {
 public:
  using Adapter::Adapter;

  VendorRequest build(const PendingAction& a) const override {
    VendorRequest req;
    req.call = "PagerDuty Events API v2";
    req.url = pagerduty_enqueue_url(config_.base_url);
    req.body = pagerduty_event_body(a, config_);
    return req;
  }

  AttemptResult interpret(const VendorRequest& req, const HttpResult& r) const override {
    AttemptResult out;
    out.kind = r.status >= 200 && r.status < 300 ? AttemptKind::Sent : AttemptKind::Failed;
    out.http_status = r.status;
    out.retry_after_ms = r.retry_after_ms;
    out.network_error = r.status == 0;
    out.detail = redact(req.call + ": " + answer_text(r));
    if (out.kind == AttemptKind::Sent) {
      out.detail = redact(r.body);
      return out;
    }
    // 401/403: a wrong or disabled routing key; 400: an invalid event (both the DLQ at once);
    // 429, 5xx and no answer: retried on the schedule, Retry-After honoured (retry.h).
    if (r.status == 401 || r.status == 403) out.detail = "credentials rejected by PagerDuty: " + out.detail;
    return out;
  }
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

std::string hubspot_search_body(const std::string& property, const std::string& value) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("filterGroups").begin_array().begin_object().key("filters").begin_array();
  w.begin_object().key("propertyName").value(property).key("operator").value("EQ").key("value").value(value);
  w.end_object().end_array().end_object().end_array();
  w.key("properties").begin_array().value(property).end_array().key("limit").value(1).end_object();
  return out;
}

std::string hubspot_task_body(const std::string& subject, int64_t timestamp_ms, const std::string& owner_id,
                              const std::string& key_property, const std::string& key,
                              const std::string& contact_id, const std::string& company_id) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("properties").begin_object();
  w.key("hs_task_subject").value(subject).key("hs_timestamp").value(std::to_string(timestamp_ms));
  if (!owner_id.empty()) w.key("hubspot_owner_id").value(owner_id);
  w.key("hs_task_status").value("NOT_STARTED");
  w.key(key_property).value(key).end_object();
  w.key("associations").begin_array();
  for (auto [id, type] : {std::pair<const std::string*, int>{&contact_id, 204}, {&company_id, 192}}) {
    if (id->empty()) continue;
    w.begin_object().key("to").begin_object().key("id").value(*id).end_object();
    w.key("types").begin_array().begin_object().key("associationCategory").value("HUBSPOT_DEFINED");
    w.key("associationTypeId").value(type).end_object().end_array().end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string hubspot_search_first_id(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::array results;
  if (parser.parse(body)["results"].get_array().get(results) != simdjson::SUCCESS) return "";
  for (auto r : results) {
    std::string_view id;
    if (r["id"].get_string().get(id) == simdjson::SUCCESS) return std::string(id);
    int64_t n;
    if (r["id"].get_int64().get(n) == simdjson::SUCCESS) return std::to_string(n);
  }
  return "";
}

std::string Adapter::redact(std::string text) const {
  std::vector<std::string> secrets = {config_.token, config_.bearer_token, config_.signing_secret,
                                      config_.routing_key};
  for (const auto& h : config_.headers) secrets.push_back(h.second);
  for (const auto& s : secrets) {
    if (s.size() < 4) continue;  // nothing worth hiding (and would mangle the text)
    for (size_t p = text.find(s); p != std::string::npos; p = text.find(s, p + 10))
      text.replace(p, s.size(), "[redacted]");
  }
  return text;
}

std::unique_ptr<Adapter> make_adapter(const SinkConfig& config) {
  if (config.kind == SinkKind::HubSpot) return std::make_unique<HubSpotAdapter>(config);
  if (config.kind == SinkKind::PagerDuty) return std::make_unique<PagerDutyAdapter>(config);
  if (config.kind == SinkKind::Slack && !config.token.empty())
    return std::make_unique<SlackApiAdapter>(config);
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
      std::string base = config.dashboard_url;
      while (!base.empty() && base.back() == '/') base.pop_back();
      std::string links =
          "<" + base + "/plays/" + url_escape(f.top["play"]) + "|Play " + mrkdwn_escape(f.top["play"]) + ">";
      if (!f.top["signal"].empty())
        links += " · <" + base + "/v1/signals/" + url_escape(f.top["signal"]) + "/trace|Signal trace>";
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

std::string pagerduty_enqueue_url(std::string base) {
  if (base.empty()) base = "https://events.pagerduty.com";
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/v2/enqueue";
}

std::string pagerduty_event_body(const PendingAction& a, const SinkConfig& config) {
  ActionFields f = action_fields(a);
  std::string summary = f.top["action"] == "notify" && f.args.count("text") ? f.args["text"] : "";
  if (summary.empty()) {
    summary = f.top["play"] + ": " + f.top["action"];
    if (!f.top["account"].empty()) summary += " for " + f.top["account"];
  }
  std::string args = "{}";
  {
    simdjson::dom::parser parser;
    simdjson::dom::object doc, a_args;
    if (parser.parse(a.line).get_object().get(doc) == simdjson::SUCCESS &&
        doc["args"].get_object().get(a_args) == simdjson::SUCCESS)
      args = simdjson::minify(a_args);
  }
  std::string out;
  json::Writer w(out);
  w.begin_object().key("routing_key").value(config.routing_key);
  w.key("event_action").value("trigger");
  w.key("dedup_key").value(a.key);
  // Events API v2: summary (<= 1024 chars), source and severity are required.
  w.key("payload").begin_object();
  w.key("summary").value(utf8_prefix(summary, 1024));
  w.key("source").value("playd");
  w.key("severity").value(config.severity.empty() ? std::string("error") : config.severity);
  if (!f.top["play"].empty()) w.key("component").value(f.top["play"]);
  if (!f.top["action"].empty()) w.key("class").value(f.top["action"]);
  w.key("custom_details").begin_object();
  w.key("args").raw(args);
  for (const char* k : {"play", "signal", "account", "contact"}) w.key(k).value(f.top[k]);
  w.key("key").value(a.key);
  w.end_object();
  w.end_object();
  if (!config.dashboard_url.empty()) {
    std::string base = config.dashboard_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    w.key("links").begin_array();
    w.begin_object().key("href").value(base + "/plays/" + url_escape(f.top["play"]));
    w.key("text").value("Play " + f.top["play"]).end_object();
    if (!f.top["signal"].empty()) {
      w.begin_object().key("href").value(base + "/v1/signals/" + url_escape(f.top["signal"]) + "/trace");
      w.key("text").value("Signal trace").end_object();
    }
    w.end_array();
  }
  w.key("client").value("playd");
  w.end_object();
  return out;
}

}  // namespace play::sinks
