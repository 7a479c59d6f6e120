// One libcurl easy handle per sending thread: reusing it keeps the
// connection to the sink alive between requests. (Also the `playd` CLI's
// client of a running playd's admin endpoints.)
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace play::sinks {

struct HttpResult {
  int status = 0;              // 0: no HTTP answer (network error, timeout)
  int64_t retry_after_ms = 0;  // from Retry-After (seconds form), 0 when absent
  std::string body;            // the answer, truncated to 4 KB
  std::string error;           // network error when status == 0
  size_t body_limit = 4096;    // the answer is kept up to this many bytes
};

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult post(const std::string& url, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers, int64_t timeout_ms);
  // Any method ("GET" sends no body); the answer kept up to `body_limit`.
  // Content-Type: application/json unless `headers` has a Content-Type.
  HttpResult request(const std::string& method, const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers, int64_t timeout_ms,
                     size_t body_limit = 4096);

 private:
  void* curl_;
};

// Call once before any thread uses HttpClient.
void http_global_init();

}  // namespace play::sinks
