// Salesforce's REST API sink (salesforce.h).
#include "runtime/sinks/salesforce.h"

#include <simdjson.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>

#include "common/json/json.h"
#include "common/time/time.h"
#include "runtime/sinks/vendor.h"

namespace play::sinks {

namespace {

bool http_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

// The token and the instance the REST calls of one attempt use.
struct Session {
  std::string token;
  std::string instance;
};

class SalesforceAdapter : public VendorAdapter {
 public:
  explicit SalesforceAdapter(SinkConfig c) : VendorAdapter(std::move(c), "Salesforce") {}

  AttemptResult deliver(const PendingAction& a, HttpClient& client) const override {
    ActionFields f = action_fields(a);
    const std::string& action = f.top["action"];
    if (action != "task") return refuse("action '" + action + "' not supported yet");
    std::string subject = f.args["subject"], owner = f.args["owner"];
    if (subject.empty()) return refuse("a task needs a subject");
    int64_t due_ms = 24 * 3600 * 1000;
    if (f.args.count("due") && !parse_duration(f.args["due"], due_ms))
      return refuse("due is not a duration: " + f.args["due"]);
    AttemptResult out;
    Session s;
    if (!session(client, "", s, out)) return out;
    HttpResult r;
    // 1. The owner (cached per sink); no owner argument: the integration user owns the task.
    std::string owner_id;
    if (!owner.empty()) {
      owner_id = owners_.find(owner);
      if (owner_id.empty()) {
        if (!query(client, s, "users query",
                   salesforce_lookup_soql("User", "Email", owner, "IsActive = true"), owner_id, out))
          return out;
        if (owner_id.empty()) return refuse("owner not found: " + owner);
        owners_.put(owner, owner_id);
      }
    }
    // 2. WhoId: a Contact, else a Lead; WhatId: the account's Account, never beside a Lead.
    std::string who_id, what_id;
    bool lead = false;
    if (!a.contact.empty()) {
      if (!query(client, s, "contacts query", salesforce_lookup_soql("Contact", "Email", a.contact), who_id,
                 out))
        return out;
      if (who_id.empty()) {
        if (!query(client, s, "leads query",
                   salesforce_lookup_soql("Lead", "Email", a.contact, "IsConverted = false"), who_id, out))
          return out;
        lead = !who_id.empty();
      }
    }
    if (!a.account.empty() && !lead &&
        !query(client, s, "accounts query", salesforce_account_soql(a.account), what_id, out))
      return out;
    // 3. The upsert on the External ID field: a second attempt lands on the same Task.
    if (!rest(client, s, "task upsert", "PATCH",
              salesforce_upsert_url(s.instance, config_.api_version, config_.key_field, a.key),
              salesforce_task_body(subject, salesforce_date(wall_ms() + due_ms), owner_id, who_id, what_id),
              r, out))
      return out;
    std::string id;
    bool created = r.status == 201;
    simdjson::dom::parser parser;
    simdjson::dom::object answer;
    if (parser.parse(r.body).get_object().get(answer) == simdjson::SUCCESS) {
      std::string_view v;
      if (answer["id"].get_string().get(v) == simdjson::SUCCESS) id = std::string(v);
      bool c;
      if (answer["created"].get_bool().get(c) == simdjson::SUCCESS) created = c;
    }
    return sent(r.status, "Salesforce Task " + (id.empty() ? std::string() : id + " ") +
                              (created ? "created" : "updated") + " by " + config_.key_field + " " + a.key);
  }

 private:
  // The cached session, or a new token when there is none or the cached one
  // is `stale` (a REST call answered 401 with it). Under the lock, so
  // workers starting together or meeting the same expired token fetch once.
  bool session(HttpClient& client, const std::string& stale, Session& s, AttemptResult& out) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (!token_.empty() && token_ != stale) {
      s = {token_, instance_};
      return true;
    }
    std::string base = trim_slashes(config_.base_url);
    std::string form = "grant_type=client_credentials&client_id=" + url_encode(config_.client_id) +
                       "&client_secret=" + url_encode(config_.client_secret);
    HttpResult r =
        client.request("POST", base + "/services/oauth2/token", form,
                       {{"Content-Type", "application/x-www-form-urlencoded"}}, config_.timeout_ms);
    token_.clear();
    std::string token, instance;
    simdjson::dom::parser parser;
    simdjson::dom::object answer;
    if (r.status >= 200 && r.status < 300 &&
        parser.parse(r.body).get_object().get(answer) == simdjson::SUCCESS) {
      std::string_view v;
      if (answer["access_token"].get_string().get(v) == simdjson::SUCCESS) token = std::string(v);
      if (answer["instance_url"].get_string().get(v) == simdjson::SUCCESS) instance = std::string(v);
    }
    if (token.empty()) {
      out = failed("token", r, stale);
      // The token endpoint answers a wrong client id or secret with 400 invalid_client (OAuth 2.0).
      if (r.status == 400) out.detail = "credentials rejected by Salesforce: " + out.detail;
      if (r.status >= 200 && r.status < 300) out.detail += " (no access_token)";
      return false;
    }
    token_ = token;
    instance_ = http_url(instance) ? trim_slashes(instance) : base;
    s = {token_, instance_};
    return true;
  }

  // One REST call with the session's token; a 401 (an expired or revoked
  // session) fetches a new token and repeats the call, once.
  bool rest(HttpClient& client, Session& s, const std::string& name, const std::string& method,
            const std::string& url_in, const std::string& body, HttpResult& r, AttemptResult& out) const {
    std::string url = url_in;
    for (int attempt = 0;; ++attempt) {
      std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + s.token}};
      if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
      r = client.request(method, url, body, headers, config_.timeout_ms);
      if (r.status >= 200 && r.status < 300) return true;
      if (r.status == 401 && attempt == 0) {
        std::string old_instance = s.instance, old_token = s.token;
        if (!session(client, old_token, s, out)) {
          out.detail = scrub(out.detail, old_token);
          return false;
        }
        if (url.rfind(old_instance, 0) == 0) url = s.instance + url.substr(old_instance.size());
        continue;
      }
      out = failed(name, r, s.token);
      return false;
    }
  }

  // A query's first record Id ("" when none).
  bool query(HttpClient& client, Session& s, const std::string& name, const std::string& soql,
             std::string& id, AttemptResult& out) const {
    HttpResult r;
    if (!rest(client, s, name, "GET", salesforce_query_url(s.instance, config_.api_version, soql), "", r,
              out))
      return false;
    id = salesforce_first_id(r.body);
    return true;
  }

  // A failed call: "Salesforce NAME: STATUS CODE: message", secrets and the
  // access token redacted. 401/403: credentials rejected, except 403
  // REQUEST_LIMIT_EXCEEDED (the org's API request limit): retried.
  AttemptResult failed(const std::string& name, const HttpResult& r, const std::string& token) const {
    AttemptResult out;
    out.kind = AttemptKind::Failed;
    out.http_status = r.status;
    out.retry_after_ms = r.retry_after_ms;
    out.network_error = r.status == 0;
    std::string errors = salesforce_errors(r.body);
    std::string answer =
        r.status && !errors.empty() ? std::to_string(r.status) + " " + errors : answer_text(r);
    out.detail = vendor_ + " " + name + ": " + answer;
    if (r.status == 403 && r.body.find("REQUEST_LIMIT_EXCEEDED") != std::string::npos)
      out.retry = true;
    else if (r.status == 401 || r.status == 403)
      out.detail = "credentials rejected by " + vendor_ + ": " + out.detail;
    out.detail = scrub(redact(out.detail), token);
    return out;
  }

  // `text` without the access token (redact() knows the configured secrets only).
  static std::string scrub(std::string text, const std::string& token) {
    if (token.size() < 8) return text;
    for (size_t p = text.find(token); p != std::string::npos; p = text.find(token, p))
      text.replace(p, token.size(), "[redacted]");
    return text;
  }

  mutable std::mutex mu_;
  mutable std::string token_;     // "" until fetched, or after a refused refresh
  mutable std::string instance_;  // the token answer's instance_url
  mutable IdCache owners_;        // email -> User Id
};

}  // namespace

std::unique_ptr<Adapter> make_salesforce_adapter(const SinkConfig& config) {
  return std::make_unique<SalesforceAdapter>(config);
}

std::string soql_literal(std::string_view s, bool like) {
  std::string out = "'";
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '_':
      case '%':
        if (like) out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out + "'";
}

std::string salesforce_lookup_soql(const std::string& object, const std::string& field,
                                   const std::string& value, const std::string& extra) {
  return "SELECT Id FROM " + object + " WHERE " + field + " = " + soql_literal(value) +
         (extra.empty() ? "" : " AND " + extra) + " LIMIT 1";
}

std::string salesforce_account_soql(const std::string& domain) {
  std::string d = soql_literal(domain, true);
  d = d.substr(1, d.size() - 2);  // the inside of a LIKE pattern
  auto like = [&](const std::string& pattern) { return "Website LIKE '" + pattern + "'"; };
  return "SELECT Id FROM Account WHERE (Website = " + soql_literal(domain) + " OR " + like(d + "/%") +
         " OR " + like("%." + d) + " OR " + like("%." + d + "/%") + " OR " + like("%/" + d) + " OR " +
         like("%/" + d + "/%") + ") ORDER BY CreatedDate LIMIT 1";
}

std::string salesforce_query_url(const std::string& instance, const std::string& version,
                                 const std::string& soql) {
  return trim_slashes(instance) + "/services/data/" + version + "/query?q=" + url_encode(soql);
}

std::string salesforce_upsert_url(const std::string& instance, const std::string& version,
                                  const std::string& key_field, const std::string& key) {
  return trim_slashes(instance) + "/services/data/" + version + "/sobjects/Task/" + url_encode(key_field) +
         "/" + url_encode(key);
}

std::string salesforce_date(int64_t ms) {
  std::time_t t = static_cast<std::time_t>((ms >= 0 ? ms : ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::string salesforce_task_body(const std::string& subject, const std::string& activity_date,
                                 const std::string& owner_id, const std::string& who_id,
                                 const std::string& what_id) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("Subject").value(utf8_prefix(subject, 255)).key("ActivityDate").value(activity_date);
  w.key("Status").value("Not Started").key("Priority").value("Normal");
  if (!owner_id.empty()) w.key("OwnerId").value(owner_id);
  if (!who_id.empty()) w.key("WhoId").value(who_id);
  if (!what_id.empty()) w.key("WhatId").value(what_id);
  w.end_object();
  return out;
}

std::string salesforce_first_id(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::array records;
  if (parser.parse(body)["records"].get_array().get(records) != simdjson::SUCCESS) return "";
  for (auto r : records) {
    std::string_view id;
    if (r["Id"].get_string().get(id) == simdjson::SUCCESS) return std::string(id);
  }
  return "";
}

std::string salesforce_errors(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::array errors;
  if (parser.parse(body).get_array().get(errors) != simdjson::SUCCESS) return "";
  std::string out;
  for (auto e : errors) {
    std::string_view code, message;
    if (e["errorCode"].get_string().get(code) != simdjson::SUCCESS) return "";
    if (e["message"].get_string().get(message) != simdjson::SUCCESS) message = "";
    if (!out.empty()) out += "; ";
    out += std::string(code) + ": " + std::string(message);
    simdjson::dom::array fields;
    if (e["fields"].get_array().get(fields) == simdjson::SUCCESS && fields.size() > 0) {
      std::string names;
      for (auto f : fields) {
        std::string_view n;
        if (f.get_string().get(n) != simdjson::SUCCESS) continue;
        names += (names.empty() ? "" : ", ") + std::string(n);
      }
      if (!names.empty()) out += " (fields: " + names + ")";
    }
  }
  return out;
}

}  // namespace play::sinks
