#include "runtime/ingest/http_server.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <mutex>
#include <thread>

namespace play::ingest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Echoes method, path and body size; answers "/later" from another thread.
struct EchoServer {
  HttpServer server;
  std::vector<std::thread> helpers;
  EchoServer(HttpServerOptions options = {})
      : server(
            [this](HttpRequest&& r, Respond respond) {
              HttpResponse out;
              out.body = r.method + " " + r.path + " " + std::to_string(r.body.size()) + " " +
                         std::string(r.header("x-test")) + (r.from_loopback ? " loopback" : "");
              if (r.path == "/later") {
                helpers.emplace_back([respond, out]() mutable { respond(std::move(out)); });
                return;
              }
              respond(std::move(out));
            },
            options) {
    server.start("127.0.0.1", 0);
  }
  ~EchoServer() {
    server.stop();
    for (auto& t : helpers) t.join();
  }
};

struct Client {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
  explicit Client(uint16_t port) { socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)); }
  http::response<http::string_body> send(http::verb verb, const std::string& target, std::string body) {
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, "localhost");
    req.set("X-Test", "yes");
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(socket, req);
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res;
  }
};

TEST(HttpServer, KeepAliveAndAnswersFromOtherThreads) {
  EchoServer s;
  Client c(s.server.port());
  auto a = c.send(http::verb::post, "/v1/signals?x=1", "hello");
  EXPECT_EQ(a.result_int(), 200);
  EXPECT_EQ(a.body(), "POST /v1/signals 5 yes loopback");
  EXPECT_EQ(a[http::field::content_type], "application/json");
  auto b = c.send(http::verb::get, "/later", "");  // same connection
  EXPECT_EQ(b.body(), "GET /later 0 yes loopback");
  EXPECT_TRUE(b.keep_alive());
}

TEST(HttpServer, TooLargeBodyGets413AndTheServerStaysUp) {
  HttpServerOptions options;
  options.body_limit = 1000;
  EchoServer s(options);
  {
    Client c(s.server.port());
    auto r = c.send(http::verb::post, "/x", std::string(5000, 'a'));
    EXPECT_EQ(r.result_int(), 413);
    EXPECT_NE(r.body().find("larger than 1000 bytes"), std::string::npos);
    EXPECT_FALSE(r.keep_alive());
  }
  Client again(s.server.port());
  EXPECT_EQ(again.send(http::verb::post, "/x", std::string(1000, 'a')).body(), "POST /x 1000 yes loopback");
}

TEST(HttpServer, MalformedRequestGets400) {
  EchoServer s;
  Client c(s.server.port());
  asio::write(c.socket, asio::buffer(std::string("POST /x HTTP/1.1\r\nContent-Length: zz\r\n\r\n")));
  http::response<http::string_body> res;
  http::read(c.socket, c.buffer, res);
  EXPECT_EQ(res.result_int(), 400);
  Client d(s.server.port());
  EXPECT_EQ(d.send(http::verb::get, "/ok", "").result_int(), 200);
}

TEST(HttpServer, StopWaitsForAnswersInFlight) {
  std::vector<std::thread> late;
  HttpServer server([&](HttpRequest&&, Respond respond) {
    late.emplace_back([respond] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      HttpResponse r;
      r.body = "done";
      respond(r);
    });
  });
  server.start("127.0.0.1", 0);
  Client c(server.port());
  std::thread client([&] {
    auto r = c.send(http::verb::post, "/x", "1");
    EXPECT_EQ(r.body(), "done");
  });
  while (server.in_flight() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server.stop();
  client.join();
  for (auto& t : late) t.join();
  EXPECT_EQ(server.in_flight(), 0u);
}

// A group commit answers all its requests at once, back to back, from the
// store's writer thread. Each answer must reach its own connection, and a
// second round on the same keep-alive connections must work as well (the
// guard for any change to how answers hop back onto the I/O threads).
TEST(HttpServer, AGroupOfAnswersFromAForeignThreadReachesEachConnection) {
  constexpr int kClients = 48;
  std::mutex mu;
  std::vector<std::pair<Respond, std::string>> waiting;
  std::vector<std::thread> answerers;
  HttpServerOptions options;
  options.threads = 2;
  HttpServer server(
      [&](HttpRequest&& r, Respond respond) {
        std::lock_guard lock(mu);
        waiting.emplace_back(std::move(respond), r.body);
        if (waiting.size() < kClients) return;
        // The whole group, answered back to back from one other thread,
        // last request first.
        answerers.emplace_back([group = std::move(waiting)]() mutable {
          for (auto it = group.rbegin(); it != group.rend(); ++it) {
            HttpResponse out;
            out.body = "answer to " + it->second;
            it->first(std::move(out));
          }
        });
        waiting.clear();
      },
      options);
  server.start("127.0.0.1", 0);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<Client>(server.port()));
  std::atomic<int> right{0};
  for (int round = 0; round < 2; ++round) {
    std::vector<std::thread> senders;
    for (int i = 0; i < kClients; ++i)
      senders.emplace_back([&, i, round] {
        std::string body = "r" + std::to_string(round) + "c" + std::to_string(i);
        auto res = clients[size_t(i)]->send(http::verb::post, "/x", body);
        if (res.result_int() == 200 && res.body() == "answer to " + body && res.keep_alive()) ++right;
      });
    for (auto& t : senders) t.join();
  }
  EXPECT_EQ(right.load(), 2 * kClients);
  server.stop();
  for (auto& t : answerers) t.join();
  EXPECT_EQ(server.in_flight(), 0u);
}

// Everything the server sends on one connection until it closes it (or 5 s pass).
std::string exchange(uint16_t port, const std::string& request, bool* closed = nullptr) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::write(socket, asio::buffer(request));
  struct timeval tv {
    5, 0
  };
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  for (;;) {
    beast::error_code ec;
    size_t n = socket.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) {
      if (closed) *closed = ec == asio::error::eof || ec == asio::error::connection_reset;
      return out;
    }
  }
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HttpServer, AmbiguousFramingGets400AndNothingAfterItIsRead) {
  EchoServer s;
  const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::string headers : {"Transfer-Encoding: chunked, identity\r\n", "Transfer-Encoding: identity\r\n",
                              "Transfer-Encoding: gzip, chunked\r\n",
                              "Content-Length: 0\r\nContent-Length: 0\r\n", "Content-Length: 0, 0\r\n"}) {
    bool closed = false;
    std::string got =
        exchange(s.server.port(), "POST /x HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n" + smuggled, &closed);
    EXPECT_EQ(count(got, "HTTP/1.1 "), 1u) << headers << got;
    EXPECT_EQ(got.substr(0, 12), "HTTP/1.1 400") << headers;
    EXPECT_EQ(got.find("/smuggled"), std::string::npos) << got;
    EXPECT_TRUE(closed) << headers;
  }
  EXPECT_EQ(s.server.stats()->framing_rejected.load(), 5u);
  // Exactly "chunked" is fine.
  std::string ok =
      exchange(s.server.port(),
               "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n"
               "3\r\nabc\r\n0\r\n\r\n");
  EXPECT_NE(ok.find("POST /x 3"), std::string::npos) << ok;
}

TEST(HttpServer, HeaderHookAnswersWithoutReadingTheBody) {
  HttpServerOptions options;
  std::atomic<int> bodies{0};
  options.on_headers = [](const HttpRequest& head) {
    HeaderDecision d;
    if (head.header("authorization") != "ok") {
      HttpResponse r;
      r.status = 401;
      d.answer = r;
    }
    return d;
  };
  HttpServer server(
      [&](HttpRequest&& r, Respond respond) {
        ++bodies;
        HttpResponse out;
        out.body = std::to_string(r.body.size());
        respond(out);
      },
      options);
  server.start("127.0.0.1", 0);
  // 100 Continue is never sent to a refused request: curl then sends no body at all.
  std::string refused =
      exchange(server.port(),
               "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(refused.substr(0, 12), "HTTP/1.1 401") << refused;
  EXPECT_EQ(bodies.load(), 0);
  // A refused request without a body keeps its connection.
  Client c(server.port());
  EXPECT_EQ(c.send(http::verb::get, "/x", "").result_int(), 401);
  std::string ok = exchange(server.port(),
                            "POST /x HTTP/1.1\r\nHost: x\r\nAuthorization: ok\r\n"
                            "Content-Length: 3\r\nConnection: close\r\n\r\nabc");
  EXPECT_NE(ok.find("\r\n\r\n3"), std::string::npos) << ok;
  server.stop();
}

TEST(HttpServer, TheDefaultConnectionCapFollowsTheDescriptorLimit) {
  rlimit was{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &was), 0);
  auto with_soft_limit = [&](rlim_t soft) {
    rlimit r = was;
    r.rlim_cur = std::min(soft, was.rlim_max);
    EXPECT_EQ(::setrlimit(RLIMIT_NOFILE, &r), 0);
    size_t cap = connections_for_fd_limit();
    EXPECT_EQ(::setrlimit(RLIMIT_NOFILE, &was), 0);
    return cap;
  };
  if (was.rlim_max >= 4096) {
    EXPECT_EQ(with_soft_limit(1024), 768u);  // 256 left for the store, sinks and logs
    EXPECT_EQ(with_soft_limit(4096), 3840u);
  }
  EXPECT_EQ(with_soft_limit(100), 64u);  // never below 64: accept's own shedding takes over
}

TEST(HttpServer, ConnectionAndInflightBodyCaps) {
  HttpServerOptions options;
  options.max_connections = 2;
  options.max_inflight_body_bytes = 1000;
  EchoServer s(options);
  Client a(s.server.port()), b(s.server.port());
  EXPECT_EQ(a.send(http::verb::get, "/a", "").result_int(), 200);
  EXPECT_EQ(b.send(http::verb::get, "/b", "").result_int(), 200);
  bool closed = false;
  std::string third = exchange(s.server.port(), "GET /c HTTP/1.1\r\nHost: x\r\n\r\n", &closed);
  EXPECT_EQ(third.substr(0, 12), "HTTP/1.1 503") << third;
  EXPECT_NE(third.find("Retry-After: 1"), std::string::npos);
  EXPECT_TRUE(closed);
  EXPECT_EQ(s.server.stats()->connections_rejected.load(), 1u);
}

TEST(HttpServer, InflightBodyBytesCap) {
  HttpServerOptions options;
  options.max_inflight_body_bytes = 1000;
  EchoServer s(options);
  // The first request's 600 bytes are counted once its head is admitted (100 Continue)...
  asio::io_context ioc;
  tcp::socket first(ioc);
  first.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.server.port()));
  asio::write(first,
              asio::buffer(std::string(
                  "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 600\r\nExpect: 100-continue\r\n\r\n")));
  char cont[25];  // "HTTP/1.1 100 Continue\r\n\r\n"
  asio::read(first, asio::buffer(cont));
  EXPECT_EQ(std::string(cont, 12), "HTTP/1.1 100");
  EXPECT_EQ(s.server.stats()->inflight_body_bytes.load(), 600u);
  // ...so a second that fits alone does not fit with it: 503 before its body is read.
  std::string refused =
      exchange(s.server.port(), "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 600\r\n\r\n");
  EXPECT_EQ(refused.substr(0, 12), "HTTP/1.1 503") << refused;
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos);
  EXPECT_EQ(s.server.stats()->bodies_refused.load(), 1u);
  asio::write(first, asio::buffer(std::string(600, 'x')));
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(first, buffer, res);
  EXPECT_EQ(res.body(), "POST /a 600  loopback");
  // Released once answered (the write's completion may trail the client's read).
  for (int i = 0; i < 200 && s.server.stats()->inflight_body_bytes.load() != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(s.server.stats()->inflight_body_bytes.load(), 0u);
  // Chunked bodies are counted as they grow.
  std::string chunked =
      exchange(s.server.port(), "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" +
                                    std::string(1024, 'x') + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.substr(0, 12), "HTTP/1.1 503") << chunked;
}

}  // namespace
}  // namespace play::ingest
