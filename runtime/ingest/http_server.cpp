#include "runtime/ingest/http_server.h"

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
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

std::string error_body(std::string_view message) {
  std::string out = "{\"error\":\"";
  out += message;  // only our own ASCII messages come here
  out += "\"}";
  return out;
}

}  // namespace

struct Session;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Handler handler;
  HttpServerOptions options;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
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

  Impl(Handler h, HttpServerOptions o)
      : handler(std::move(h)), options(o), ioc(int(o.threads ? o.threads : 1)) {}
  void accept();
  void request_done() {
    if (in_flight.fetch_sub(1) == 1) {
      std::lock_guard lock(mu);
      drained.notify_all();
    }
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
  bool loopback = false;
  bool answer_pending = false;  // counted in server->in_flight
  unsigned version = 11;
  std::array<char, 16384> discard;
  size_t discarded = 0;

  Session(std::shared_ptr<HttpServer::Impl> s, tcp::socket socket)
      : server(std::move(s)), stream(std::move(socket)) {}
  ~Session() {
    if (answer_pending) server->request_done();
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
    auto& req = parser->get();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      // curl waits a second for this before sending a large body.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(stream, *cont, [self = shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    stream.expires_after(server->options.body_timeout);
    http::async_read(stream, buffer, *parser,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->on_body(ec); });
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

  void on_body(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto msg = parser->release();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.path = req.target.substr(0, req.target.find('?'));
    req.headers.reserve(8);
    for (const auto& f : msg)
      req.headers.emplace_back(lower({f.name_string().data(), f.name_string().size()}),
                               std::string(f.value().data(), f.value().size()));
    req.body = std::move(msg.body());
    req.from_loopback = loopback;
    bool keep_alive = msg.keep_alive();
    version = msg.version();

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
    for (auto& [k, v] : r.headers) response.set(k, v);
    response.keep_alive(!close_after);
    response.body() = std::move(r.body);
    response.prepare_payload();
    stream.expires_after(server->options.body_timeout);
    http::async_write(stream, response,
                      [self = shared_from_this(), close_after](beast::error_code ec, size_t) {
                        if (self->answer_pending) {
                          self->answer_pending = false;
                          self->server->request_done();
                        }
                        if (ec) return self->close();
                        if (close_after) return self->drain_then_close();
                        self->read_header();
                      });
  }

  // After an early answer (413) the client may still be sending; closing at
  // once would reset the connection and the client might never see the
  // answer. Half-close, then discard what arrives for a while.
  void drain_then_close() {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(std::chrono::seconds(5));
    stream.async_read_some(asio::buffer(discard),
                           [self = shared_from_this()](beast::error_code ec, size_t n) {
                             self->discarded += n;
                             if (ec || self->discarded > 64 * 1024 * 1024) return self->close();
                             self->drain_then_close();
                           });
  }
};

void HttpServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc),
                        [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
                          if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
                          if (!ec) {
                            s.set_option(tcp::no_delay(true), ec);
                            std::make_shared<Session>(self, std::move(s))->start();
                          }
                          self->accept();
                        });
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
  if (ec) {
    std::string why = ec.message();  // before close() overwrites ec
    a.close(ec);
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " + why);
  }
  impl_->started = true;
  impl_->accept();
  size_t n = impl_->options.threads ? impl_->options.threads : 1;
  for (size_t i = 0; i < n; ++i) impl_->threads.emplace_back([impl = impl_.get()] { impl->ioc.run(); });
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

size_t HttpServer::in_flight() const { return impl_->in_flight.load(); }

void HttpServer::stop() {
  auto& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  asio::post(s.acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
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
