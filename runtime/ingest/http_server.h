// A generic asynchronous HTTP/1.1 server on Boost.Beast/Asio: keep-alive,
// a small thread pool, a request body limit and read timeouts. It knows
// nothing of signals: a Handler turns a request into a response, possibly
// later and from another thread (playd answers only after the store's group
// commit, so a handler must be able to finish without holding an I/O
// thread). bench/ runs the same server with a no-op handler as the ceiling.
//
// Hostile clients (docs/operations.md, "Guarantees and limits"):
// - A HeaderHook sees each request's head before its body is read and may
//   answer at once (401, 403, 404, ...): a body nobody will take is never
//   buffered, and 100 Continue is sent only to requests the hook admits.
// - Connections are capped (max_connections: past it, 503 and close), and so
//   are the bytes of request bodies held at once (max_inflight_body_bytes: a
//   Content-Length that would pass it gets 503 + Retry-After before its body
//   is read; a chunked body is counted as it grows).
// - Ambiguous framing (a Transfer-Encoding other than exactly "chunked", both
//   Transfer-Encoding and Content-Length, several Content-Lengths) gets 400
//   and the connection is closed, so nothing after it is read as a request.
// - When accept() fails (out of descriptors), the server backs off (50 ms
//   doubling to 1 s), logs once per episode and counts it; a reserve
//   descriptor lets it accept and answer 503 to connections waiting in the
//   backlog instead of leaving them hanging.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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
  // The peer address is 127.0.0.0/8 or ::1 and the request does not say it
  // was forwarded (no Forwarded, X-Forwarded-For or X-Real-IP header): a
  // request a local reverse proxy relays is not a loopback request.
  bool from_loopback = false;
  std::optional<uint64_t> content_length;  // as announced (head)
  bool chunked = false;                    // Transfer-Encoding: chunked

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

// What to do with a request whose head (method, target, headers) was read.
struct HeaderDecision {
  // Set: answer this now and never read the body (the connection is closed
  // after the answer when the request has a body).
  std::optional<HttpResponse> answer;
  size_t body_limit = 0;  // else: the largest body to read (0: HttpServerOptions::body_limit)
};
// Called on an I/O thread with the request's head (body empty); must not block.
using HeaderHook = std::function<HeaderDecision(const HttpRequest& head)>;

// Counters and gauges of the server, shared with whoever renders /metrics.
struct HttpServerStats {
  std::atomic<uint64_t> connections{0};           // open now
  std::atomic<uint64_t> connections_rejected{0};  // answered 503 past max_connections
  std::atomic<uint64_t> accept_errors{0};         // accept() failures (EMFILE, ENFILE, ...)
  std::atomic<uint64_t> accept_shed{0};           // accepted on the reserve descriptor, answered 503
  std::atomic<uint64_t> inflight_body_bytes{0};   // body bytes held for requests not answered yet
  std::atomic<uint64_t> bodies_refused{0};        // answered 503 past max_inflight_body_bytes
  std::atomic<uint64_t> framing_rejected{0};      // answered 400 for ambiguous framing (TE/CL)
};

// The connection cap that answers 503 before accept() runs out of
// descriptors: the soft RLIMIT_NOFILE minus 256 (the store, sinks, logs and
// the WAL need some), between 64 and 16,384. A fixed 1,024 turned away an
// honest load generator's pool at 5,000 signals/s while 20,000 descriptors
// were free.
size_t connections_for_fd_limit();

struct HttpServerOptions {
  size_t threads = 2;
  size_t body_limit = 10 * 1024 * 1024;     // larger bodies get 413
  std::chrono::seconds header_timeout{30};  // also the keep-alive idle time
  std::chrono::seconds body_timeout{30};    // to receive the whole body
  std::chrono::seconds drain_timeout{10};   // stop() waits this long for answers in flight
  size_t max_connections =
      0;  // past it: 503 and close; 0: from the descriptor limit (connections_for_fd_limit)
  uint64_t max_inflight_body_bytes = 256ull * 1024 * 1024;  // bodies held at once; past it: 503
  HeaderHook on_headers;                                    // unset: every body is read
  std::function<void(const std::string&)> log;              // unset: a line on stderr
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

  std::shared_ptr<const HttpServerStats> stats() const;

  struct Impl;  // public only so that the connection type in the .cpp can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace play::ingest
