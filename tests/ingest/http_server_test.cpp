#include "runtime/ingest/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
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

}  // namespace
}  // namespace play::ingest
