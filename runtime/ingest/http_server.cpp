#include "runtime/ingest/http_server.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace play::ingest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string_view HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return {};
}

namespace {

bool is_loopback(const asio::ip::address& a) {
  if (a.is_loopback()) return true;
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback();
  return false;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string error_body(std::string_view message) {
  std::string out = "{\"error\":\"";
  out += message;  // only our own ASCII messages come here
  out += "\"}";
  return out;
}

// The answer to a connection past the cap, or accepted on the reserve
// descriptor while out of descriptors: written raw, before any request is read.
constexpr std::string_view kBusyBody = "{\"error\":\"too many connections; retry later\"}";
const std::string& busy_response() {
  static const std::string r =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
      "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
      std::to_string(kBusyBody.size()) + "\r\n\r\n" + std::string(kBusyBody);
  return r;
}

// Framing two parsers could read differently (RFC 9112 section 6.3) is
// refused outright: "" when the head is unambiguous, else why not.
template <class Fields>
std::string framing_problem(const Fields& fields) {
  int lengths = 0, encodings = 0;
  std::string_view encoding;
  for (const auto& f : fields) {
    if (f.name() == http::field::content_length) {
      ++lengths;
      if (f.value().find(',') != std::string_view::npos) return "a Content-Length list";
    } else if (f.name() == http::field::transfer_encoding) {
      ++encodings;
      encoding = {f.value().data(), f.value().size()};
    }
  }
  if (lengths > 1) return "more than one Content-Length";
  if (encodings > 1) return "more than one Transfer-Encoding";
  if (encodings && lengths) return "both Transfer-Encoding and Content-Length";
  std::string_view te = trim(encoding);
  if (encodings && !beast::iequals(beast::string_view(te.data(), te.size()), "chunked"))
    return "Transfer-Encoding other than \\\"chunked\\\"";
  return "";
}

}  // namespace

struct Session;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Handler handler;
  HttpServerOptions options;
  std::shared_ptr<HttpServerStats> stats = std::make_shared<HttpServerStats>();
  asio::io_context ioc;
  // The acceptor, its backoff timer and their state are touched only on this strand.
  asio::strand<asio::io_context::executor_type> accept_strand{ioc.get_executor()};
  tcp::acceptor acceptor{accept_strand};
  // Keeps run() going while a request waits for its answer (no socket
  // operation is pending then); released by stop() once answers are out.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{asio::make_work_guard(ioc)};
  std::vector<std::thread> threads;
  std::atomic<size_t> in_flight{0};
  std::mutex mu;
  std::condition_variable drained;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  bool started = false;
  bool stopped = false;

  // Accept failures (on accept_strand).
  asio::steady_timer accept_timer{accept_strand};
  std::chrono::milliseconds accept_backoff{0};
  bool accept_failing = false;
  uint64_t episode_errors = 0;
  std::chrono::steady_clock::time_point last_accept_log;
  int reserve_fd = -1;  // closed to accept one connection when out of descriptors

  Impl(Handler h, HttpServerOptions o)
      : handler(std::move(h)), options(std::move(o)), ioc(int(options.threads ? options.threads : 1)) {}
  ~Impl() {
    if (reserve_fd >= 0) ::close(reserve_fd);
  }
  void accept();
  void on_accept_error(beast::error_code ec);
  void shed_backlog();
  void reject(tcp::socket socket);
  void log(const std::string& line) {
    if (options.log) return options.log(line);
    std::fprintf(stderr, "playd: http: %s\n", line.c_str());
    std::fflush(stderr);
  }
  void request_done() {
    if (in_flight.fetch_sub(1) == 1) {
      std::lock_guard lock(mu);
      drained.notify_all();
    }
  }
};

// A connection past max_connections: answer 503, half-close, and discard what
// the client still sends for a moment, so that it reads the answer instead
// of a reset.
struct Rejected : std::enable_shared_from_this<Rejected> {
  beast::tcp_stream stream;
  std::array<char, 4096> discard;
  size_t discarded = 0;
  explicit Rejected(tcp::socket s) : stream(std::move(s)) {}
  void start() {
    stream.expires_after(std::chrono::seconds(2));
    asio::async_write(stream, asio::buffer(busy_response()),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->stream.close();
                        beast::error_code ignored;
                        self->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
                        self->drain();
                      });
  }
  void drain() {
    stream.async_read_some(asio::buffer(discard),
                           [self = shared_from_this()](beast::error_code ec, size_t n) {
                             self->discarded += n;
                             if (ec || self->discarded > 64 * 1024) return self->stream.close();
                             self->drain();
                           });
  }
};

// One connection: read a request, hand it to the handler, write the answer,
// repeat while keep-alive holds. Everything runs on the connection's strand.
struct Session : std::enable_shared_from_this<Session> {
  std::shared_ptr<HttpServer::Impl> server;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::optional<http::request_parser<http::string_body>> parser;
  http::response<http::string_body> response;
  HttpRequest head;
  bool loopback = false;
  bool answer_pending = false;  // counted in server->in_flight
  uint64_t reserved = 0;        // body bytes counted in stats->inflight_body_bytes
  unsigned version = 11;
  std::array<char, 16384> discard;
  size_t discarded = 0;

  Session(std::shared_ptr<HttpServer::Impl> s, tcp::socket socket)
      : server(std::move(s)), stream(std::move(socket)) {
    server->stats->connections.fetch_add(1);
  }
  ~Session() {
    release_body();
    if (answer_pending) server->request_done();
    server->stats->connections.fetch_sub(1);
    std::lock_guard lock(server->mu);
    server->sessions.erase(this);
  }

  void start() {
    beast::error_code ec;
    auto remote = stream.socket().remote_endpoint(ec);
    loopback = !ec && is_loopback(remote.address());
    {
      std::lock_guard lock(server->mu);
      server->sessions.emplace(this, weak_from_this());
    }
    asio::dispatch(stream.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  void close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
  }

  // Counts `n` more body bytes against max_inflight_body_bytes; false (and
  // nothing counted) when they do not fit.
  bool reserve_body(uint64_t n) {
    auto& total = server->stats->inflight_body_bytes;
    uint64_t after = total.fetch_add(n) + n;
    if (after > server->options.max_inflight_body_bytes) {
      total.fetch_sub(n);
      return false;
    }
    reserved += n;
    return true;
  }
  void release_body() {
    if (reserved) server->stats->inflight_body_bytes.fetch_sub(reserved);
    reserved = 0;
  }

  void answer_now(int status, std::string message, bool retry_after = false) {
    HttpResponse r;
    r.status = status;
    r.body = error_body(message);
    if (retry_after) r.headers.emplace_back("Retry-After", "1");
    write(std::move(r), /*close_after=*/true);
  }

  void read_header() {
    parser.emplace();
    parser->header_limit(16 * 1024);
    parser->body_limit(server->options.body_limit);
    stream.expires_after(server->options.header_timeout);
    http::async_read_header(
        stream, buffer, *parser,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto& msg = parser->get();
    if (std::string why = framing_problem(msg); !why.empty()) {
      server->stats->framing_rejected.fetch_add(1, std::memory_order_relaxed);
      return answer_now(400, "ambiguous message framing: " + why);
    }
    head = HttpRequest{};
    head.method = std::string(msg.method_string());
    head.target = std::string(msg.target());
    head.path = head.target.substr(0, head.target.find('?'));
    head.headers.reserve(8);
    bool forwarded = false;
    for (const auto& f : msg) {
      head.headers.emplace_back(lower({f.name_string().data(), f.name_string().size()}),
                                std::string(f.value().data(), f.value().size()));
      const std::string& name = head.headers.back().first;
      forwarded |= name == "forwarded" || name == "x-forwarded-for" || name == "x-real-ip";
    }
    head.from_loopback = loopback && !forwarded;
    if (auto length = parser->content_length()) head.content_length = *length;
    head.chunked = parser->chunked();
    version = msg.version();

    HeaderDecision decision;
    if (server->options.on_headers) decision = server->options.on_headers(head);
    if (decision.answer) {
      // No body was read: keep the connection only when there is none.
      bool bodiless = parser->is_done();
      return write(std::move(*decision.answer), !bodiless || !msg.keep_alive());
    }
    size_t limit = decision.body_limit ? decision.body_limit : server->options.body_limit;
    if (head.content_length && *head.content_length > limit)
      return answer_now(413, "request body larger than " + std::to_string(limit) + " bytes");
    parser->body_limit(limit);
    if (head.content_length && *head.content_length > 0 && !reserve_body(*head.content_length)) {
      server->stats->bodies_refused.fetch_add(1, std::memory_order_relaxed);
      return answer_now(503, "too many request bytes in flight; retry later", true);
    }
    if (beast::iequals(msg[http::field::expect], "100-continue") && !parser->is_done()) {
      // curl waits a second for this before sending a large body.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, msg.version());
      http::async_write(stream, *cont, [self = shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    if (parser->is_done()) return on_body();
    stream.expires_after(server->options.body_timeout);  // for the whole body
    read_body_part();
  }

  void read_body_part() {
    http::async_read_some(stream, buffer, *parser, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->on_body_part(ec);
    });
  }

  void on_body_part(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    if (head.chunked) {
      // Counted as it grows: a chunked body announces no length.
      uint64_t size = parser->get().body().size();
      if (size > reserved && !reserve_body(size - reserved)) {
        server->stats->bodies_refused.fetch_add(1, std::memory_order_relaxed);
        return answer_now(503, "too many request bytes in flight; retry later", true);
      }
    }
    if (parser->is_done()) return on_body();
    read_body_part();
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      HttpResponse r;
      r.status = 413;
      r.body =
          error_body("request body larger than " + std::to_string(server->options.body_limit) + " bytes");
      return write(std::move(r), /*close_after=*/true);
    }
    if (ec == http::error::header_limit) {
      HttpResponse r;
      r.status = 431;
      r.body = error_body("request headers too large");
      return write(std::move(r), true);
    }
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      HttpResponse r;
      r.status = 400;
      r.body = error_body("malformed HTTP request: " + ec.message());
      return write(std::move(r), true);
    }
    close();  // end of stream, timeout, reset: nothing sensible to answer
  }

  void on_body() {
    auto& msg = parser->get();
    HttpRequest req = std::move(head);
    req.body = std::move(msg.body());
    bool keep_alive = msg.keep_alive();

    answer_pending = true;
    server->in_flight.fetch_add(1);
    auto self = shared_from_this();
    // The handler may answer from any thread: hop back onto our strand.
    Respond respond = [self, keep_alive](HttpResponse r) {
      asio::post(self->stream.get_executor(),
                 [self, keep_alive, r = std::move(r)]() mutable { self->write(std::move(r), !keep_alive); });
    };
    server->handler(std::move(req), std::move(respond));
  }

  void write(HttpResponse r, bool close_after) {
    response = {};
    response.version(version);
    response.result(static_cast<http::status>(r.status));
    response.set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) response.insert(k, v);  // several Set-Cookie may come
    response.keep_alive(!close_after);
    response.body() = std::move(r.body);
    if (r.status == 304)
      response.erase(http::field::content_length);  // no body, and not a length of 0 (RFC 9110 15.4.5)
    else
      response.prepare_payload();
    stream.expires_after(server->options.body_timeout);
    http::async_write(stream, response,
                      [self = shared_from_this(), close_after](beast::error_code ec, size_t) {
                        self->release_body();
                        if (self->answer_pending) {
                          self->answer_pending = false;
                          self->server->request_done();
                        }
                        if (ec) return self->close();
                        if (close_after) return self->drain_then_close();
                        self->read_header();
                      });
  }

  // After an early answer (401, 413, ...) the client may still be sending;
  // closing at once would reset the connection and the client might never
  // see the answer. Half-close, then discard what arrives for a while.
  void drain_then_close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(std::chrono::seconds(5));
    drain();
  }
  void drain() {
    stream.async_read_some(asio::buffer(discard),
                           [self = shared_from_this()](beast::error_code ec, size_t n) {
                             self->discarded += n;
                             if (ec || self->discarded > 64 * 1024 * 1024) return self->close();
                             self->drain();
                           });
  }
};

void HttpServer::Impl::accept() {
  acceptor.async_accept(
      asio::make_strand(ioc), [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
        if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
        if (ec) return self->on_accept_error(ec);
        if (self->accept_failing) {
          self->log("accept works again after " + std::to_string(self->episode_errors) + " failure(s)");
          self->accept_failing = false;
        }
        self->accept_backoff = std::chrono::milliseconds(0);
        s.set_option(tcp::no_delay(true), ec);
        if (self->stats->connections.load() >= self->options.max_connections)
          self->reject(std::move(s));
        else
          std::make_shared<Session>(self, std::move(s))->start();
        self->accept();
      });
}

void HttpServer::Impl::reject(tcp::socket socket) {
  stats->connections_rejected.fetch_add(1, std::memory_order_relaxed);
  std::make_shared<Rejected>(std::move(socket))->start();
}

// accept() failed: count it, log once per episode (then at most once a
// minute), shed the backlog when out of descriptors, and try again after a
// backoff instead of at once (which spun at 100% CPU while EMFILE lasted).
void HttpServer::Impl::on_accept_error(beast::error_code ec) {
  stats->accept_errors.fetch_add(1, std::memory_order_relaxed);
  ++episode_errors;
  auto now = std::chrono::steady_clock::now();
  if (!accept_failing) {
    accept_failing = true;
    episode_errors = 1;
    last_accept_log = now;
    log("accept failed: " + ec.message() +
        "; backing off (50 ms doubling to 1 s), waiting connections are answered 503 "
        "(playd_http_accept_errors_total counts the failures)");
  } else if (now - last_accept_log >= std::chrono::seconds(60)) {
    last_accept_log = now;
    log("accept still failing: " + std::to_string(episode_errors) + " failure(s) so far");
  }
  int e = ec.value();
  if (ec.category() == boost::system::system_category() && (e == EMFILE || e == ENFILE)) shed_backlog();
  using std::chrono::milliseconds;
  accept_backoff =
      accept_backoff.count() == 0 ? milliseconds(50) : std::min(accept_backoff * 2, milliseconds(1000));
  accept_timer.expires_after(accept_backoff);
  accept_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || !self->acceptor.is_open()) return;
    self->accept();
  });
}

// Out of descriptors, connections wait in the listen backlog and their
// clients hang. Free the reserve descriptor, accept each waiting connection
// on it, answer 503 and close it, then take the reserve again.
void HttpServer::Impl::shed_backlog() {
  if (reserve_fd < 0) reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (reserve_fd < 0) return;
  ::close(reserve_fd);
  reserve_fd = -1;
  const std::string& busy = busy_response();
  for (int i = 0; i < 256; ++i) {
    int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) break;
    char sink[4096];
    // Read what already arrived, so that close() sends a FIN, not a reset
    // that could discard the answer at the client.
    while (::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
    }
    [[maybe_unused]] ssize_t n = ::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
    stats->accept_shed.fetch_add(1, std::memory_order_relaxed);
  }
  reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

HttpServer::HttpServer(Handler handler, HttpServerOptions options)
    : impl_(std::make_shared<Impl>(std::move(handler), options)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start(const std::string& address, uint16_t port) {
  if (impl_->started) throw std::runtime_error("HTTP server already started");
  beast::error_code ec;
  auto addr = asio::ip::make_address(address, ec);
  if (ec) throw std::runtime_error("bad listen address '" + address + "': " + ec.message());
  tcp::endpoint ep(addr, port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  // Non-blocking, so that shedding the backlog (accept4 on the reserve
  // descriptor) never blocks; asynchronous accepts work the same.
  if (!ec) a.non_blocking(true, ec);
  if (ec) {
    std::string why = ec.message();  // before close() overwrites ec
    a.close(ec);
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " + why);
  }
  impl_->started = true;
  impl_->reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (impl_->options.max_connections == 0) impl_->options.max_connections = connections_for_fd_limit();
  // Past the descriptor limit, accept fails (EMFILE) before the connection
  // cap can answer 503: say so at start rather than at the first flood.
  if (rlimit nofile{}; ::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY &&
                       impl_->options.max_connections + 64 > nofile.rlim_cur)
    impl_->log(
        "max_connections " + std::to_string(impl_->options.max_connections) +
        " is not below the file descriptor limit " + std::to_string(nofile.rlim_cur) +
        " (minus 64 for the store and sinks): connections past the limit are shed with 503 while accept "
        "fails; raise the limit (ulimit -n, systemd LimitNOFILE=) or lower server.max_connections");
  impl_->accept();
  size_t n = impl_->options.threads ? impl_->options.threads : 1;
  for (size_t i = 0; i < n; ++i) impl_->threads.emplace_back([impl = impl_.get()] { impl->ioc.run(); });
}

size_t connections_for_fd_limit() {
  constexpr size_t kMin = 64, kMax = 16384, kOthers = 256;
  rlimit nofile{};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) != 0 || nofile.rlim_cur == RLIM_INFINITY) return kMax;
  size_t limit = size_t(nofile.rlim_cur);
  return std::clamp(limit > kOthers ? limit - kOthers : 0, kMin, kMax);
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

size_t HttpServer::in_flight() const { return impl_->in_flight.load(); }

std::shared_ptr<const HttpServerStats> HttpServer::stats() const { return impl_->stats; }

void HttpServer::stop() {
  auto& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  asio::post(s.acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->accept_timer.cancel();
  });
  std::vector<std::shared_ptr<Session>> open;
  {
    std::unique_lock lock(s.mu);
    s.drained.wait_for(lock, s.options.drain_timeout, [&] { return s.in_flight.load() == 0; });
    for (auto& [raw, weak] : s.sessions)
      if (auto session = weak.lock()) open.push_back(std::move(session));
  }
  // Posted outside the lock: a session may be destroyed here, and its
  // destructor takes the lock.
  for (auto& session : open) asio::post(session->stream.get_executor(), [session] { session->close(); });
  open.clear();
  s.work.reset();
  // Sockets closed, acceptor closed: run() returns once the last handlers
  // finish. stop() bounds it in case a handler never answered.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline && !s.ioc.stopped())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  s.ioc.stop();
  for (auto& t : s.threads)
    if (t.joinable()) t.join();
}

}  // namespace play::ingest
