// A generic asynchronous HTTP/1.1 server on Boost.Beast/Asio: keep-alive,
// a small thread pool, a request body limit and read timeouts. It knows
// nothing of signals: a Handler turns a request into a response, possibly
// later and from another thread (playd answers only after the store's group
// commit, so a handler must be able to finish without holding an I/O
// thread). bench/ runs the same server with a no-op handler as the ceiling.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace play::ingest {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string target;                                        // path and query, as sent
  std::string path;                                          // target without the query
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  bool from_loopback = false;  // the peer address is 127.0.0.0/8 or ::1

  // The first header of that (lower-case) name, or "".
  std::string_view header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (e.g. Retry-After)
};

// Must be called exactly once, from any thread. Dropping it unanswered
// closes the connection.
using Respond = std::function<void(HttpResponse)>;
using Handler = std::function<void(HttpRequest&&, Respond)>;

struct HttpServerOptions {
  size_t threads = 2;
  size_t body_limit = 10 * 1024 * 1024;     // larger bodies get 413
  std::chrono::seconds header_timeout{30};  // also the keep-alive idle time
  std::chrono::seconds body_timeout{30};    // to receive the whole body
  std::chrono::seconds drain_timeout{10};   // stop() waits this long for answers in flight
};

class HttpServer {
 public:
  HttpServer(Handler handler, HttpServerOptions options = {});
  ~HttpServer();  // stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on the thread pool; throws std::runtime_error
  // when the address cannot be bound. Port 0 picks a free port (see port()).
  void start(const std::string& address, uint16_t port);
  uint16_t port() const;

  // Stops accepting, waits (up to drain_timeout) for requests whose answer
  // is pending, then closes everything and joins the threads. Idempotent.
  void stop();

  // Requests received whose response is not written yet.
  size_t in_flight() const;

  struct Impl;  // public only so that the connection type in the .cpp can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace play::ingest
