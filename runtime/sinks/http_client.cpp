#include "runtime/sinks/http_client.h"

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

namespace play::sinks {

namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<HttpResult*>(user);
  size_t len = size * n;
  if (r->body.size() < r->body_limit) r->body.append(data, std::min(len, r->body_limit - r->body.size()));
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<HttpResult*>(user);
  size_t len = size * n;
  constexpr char name[] = "retry-after:";
  if (len > sizeof(name) - 1 && strncasecmp(data, name, sizeof(name) - 1) == 0) {
    std::string v(data + sizeof(name) - 1, len - (sizeof(name) - 1));
    char* end = nullptr;
    long secs = std::strtol(v.c_str(), &end, 10);
    // Only the delay-seconds form; an HTTP-date falls back to the schedule.
    // Bounded here so the milliseconds cannot overflow; the executor caps it
    // further (max_retry_after).
    if (end != v.c_str() && secs >= 0) r->retry_after_ms = int64_t(std::min(secs, 1000000000L)) * 1000;
  }
  return len;
}

}  // namespace

void http_global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpClient::HttpClient() : curl_(curl_easy_init()) {}
HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResult HttpClient::post(const std::string& url, const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            int64_t timeout_ms) {
  return request("POST", url, body, headers, timeout_ms);
}

HttpResult HttpClient::request(const std::string& method, const std::string& url, const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               int64_t timeout_ms, size_t body_limit) {
  HttpResult r;
  r.body_limit = body_limit;
  CURL* c = static_cast<CURL*>(curl_);
  curl_slist* list = nullptr;
  // application/json unless the caller says otherwise (JSON:API, a form-encoded OAuth request): two
  // Content-Type headers would leave the vendor to pick one.
  bool typed = std::any_of(headers.begin(), headers.end(),
                           [](const auto& h) { return strcasecmp(h.first.c_str(), "Content-Type") == 0; });
  if (!typed) list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  curl_easy_reset(c);  // keeps the connection cache
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  if (method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
    if (method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(timeout_ms));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    r.error = curl_easy_strerror(rc);
  } else {
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    r.status = int(status);
  }
  curl_slist_free_all(list);
  return r;
}

}  // namespace play::sinks
