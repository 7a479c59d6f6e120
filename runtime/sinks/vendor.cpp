#include "runtime/sinks/vendor.h"

#include <simdjson.h>

#include <cctype>

#include "common/json/json.h"

namespace play::sinks {

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

std::string json_inner(std::string_view s) {
  std::string q = json::quote(s);
  return q.substr(1, q.size() - 2);
}

std::string answer_text(const HttpResult& r) {
  return r.status ? std::to_string(r.status) + " " + r.body : "no answer (" + r.error + ")";
}

std::string utf8_prefix(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string lower(std::string s) {
  ascii_lower_in_place(s.data(), s.size());
  return s;
}

std::string IdCache::find(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = ids_.find(key);
  return it == ids_.end() ? "" : it->second;
}

void IdCache::put(const std::string& key, const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  ids_[key] = id;
}

VendorRequest VendorAdapter::build(const PendingAction&) const {
  VendorRequest req;
  req.call = vendor_;
  req.error = "not a single request";
  return req;
}

AttemptResult VendorAdapter::interpret(const VendorRequest& req, const HttpResult& r) const {
  AttemptResult out;
  out.kind = r.status >= 200 && r.status < 300 ? AttemptKind::Sent : AttemptKind::Failed;
  out.http_status = r.status;
  out.retry_after_ms = r.retry_after_ms;
  out.network_error = r.status == 0;
  if (out.kind == AttemptKind::Sent) {
    out.detail = redact(r.body);
    return out;
  }
  out.detail = redact(req.call + ": " + answer_text(r));
  if (r.status == 401 || r.status == 403)
    out.detail = "credentials rejected by " + vendor_ + ": " + out.detail;
  return out;
}

bool VendorAdapter::call(HttpClient& client, const std::string& name, const std::string& method,
                         const std::string& url, const std::string& body, HttpResult& r, AttemptResult& out,
                         const std::string& content_type) const {
  std::vector<std::pair<std::string, std::string>> headers = auth_headers();
  // A vendor whose media type every request must name (Outreach's JSON:API: GETs too) passes it.
  if (!body.empty() || content_type != "application/json") headers.emplace_back("Content-Type", content_type);
  r = client.request(method, url, body, headers, config_.timeout_ms);
  if (r.status >= 200 && r.status < 300) return true;
  VendorRequest req;
  req.call = vendor_ + " " + name;
  out = interpret(req, r);
  return false;
}

std::vector<std::pair<std::string, std::string>> VendorAdapter::auth_headers() const {
  return {{"Authorization", "Bearer " + config_.token}};
}

AttemptResult VendorAdapter::refuse(const std::string& detail) const {
  AttemptResult out;
  out.kind = AttemptKind::Failed;
  out.detail = redact(vendor_ + ": " + detail);
  return out;
}

AttemptResult VendorAdapter::sent(int http_status, const std::string& detail) const {
  AttemptResult out;
  out.kind = AttemptKind::Sent;
  out.http_status = http_status;
  out.detail = redact(detail);
  return out;
}

}  // namespace play::sinks
