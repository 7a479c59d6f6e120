#include "runtime/ingest/routes.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "runtime/ingest/base64.h"
#include "runtime/ingest/webhook_signature.h"
#include "tests/ingest/fake_services.h"

namespace play::ingest {
namespace {

using testing::FakeStore;

const std::string kEnv1 =
    R"({"id":"e1","type":"product.trial_started","occurred_at":"2026-06-21T10:00:00Z"})";
const std::string kEnv2 =
    R"({"id":"e2","type":"product.trial_started","occurred_at":"2026-06-21T10:00:00Z"})";

struct Fixture : ::testing::Test {
  FakeStore store;
  std::unique_ptr<IngestRoutes> routes;
  void make(IngestConfig config = {}) { routes = std::make_unique<IngestRoutes>(config, store.services()); }
  HttpResponse call(std::string method, std::string target, std::string body,
                    std::vector<std::pair<std::string, std::string>> headers = {}, bool loopback = true) {
    if (!routes) make();
    HttpRequest r;
    r.method = std::move(method);
    r.target = target;
    r.path = target.substr(0, target.find('?'));
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.from_loopback = loopback;
    HttpResponse out;
    bool answered = false;
    routes->handle(std::move(r), [&](HttpResponse resp) {
      out = std::move(resp);
      answered = true;
    });
    EXPECT_TRUE(answered);
    return out;
  }
};

TEST_F(Fixture, OneEnvelopeAnArrayAndNdjson) {
  auto one = call("POST", "/v1/signals", kEnv1);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body, R"({"accepted":1,"duplicates":0})");
  auto arr = call("POST", "/v1/signals", "[" + kEnv1 + "," + kEnv2 + "]");
  EXPECT_EQ(arr.body, R"({"accepted":1,"duplicates":1})");
  auto nd = call("POST", "/v1/signals", kEnv1 + "\n\n" + kEnv2 + "\n");  // detected by content
  EXPECT_EQ(nd.status, 200);
  EXPECT_EQ(nd.body, R"({"accepted":0,"duplicates":2})");
  ASSERT_EQ(store.signals.size(), 2u);
  EXPECT_EQ(routes->metrics().signals_duplicate.load(), 3u);
}

TEST_F(Fixture, BadItemsAreNamedAndGoodItemsTaken) {
  std::string body = kEnv1 + "\n" + R"({"id":"x","type":"product.trial_started","occurred_at":"nope"})" +
                     "\n{broken\n" + R"({"id":"y","type":"nope.nope","occurred_at":"2026-06-21T10:00:00Z"})" +
                     "\n" + kEnv2;
  auto r = call("POST", "/v1/signals", body, {{"content-type", "application/x-ndjson"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find(R"("error":"3 of 5 items are invalid; the other items were taken","accepted":2)"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"({"index":1,"line":2,"error":"occurred_at: not an RFC 3339 timestamp"})"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(R"({"index":2,"line":3,"error":"malformed JSON)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"({"index":3,"line":4,"error":"unknown signal type 'nope.nope'"})"),
            std::string::npos);
  EXPECT_EQ(store.signals.size(), 2u);
}

TEST_F(Fixture, MalformedBodiesGet400AndChangeNothing) {
  EXPECT_EQ(call("POST", "/v1/signals", "{\"id\":").status, 400);
  auto utf8 = call("POST", "/v1/signals", "{\"id\":\"\xc3\x28\",\"type\":\"a.b\"}");
  EXPECT_EQ(utf8.status, 400);
  EXPECT_EQ(utf8.body, R"({"error":"malformed JSON: invalid UTF-8"})");
  auto single = call("POST", "/v1/signals", R"({"id":"e","type":"product.trial_started","occurred_at":5})");
  EXPECT_EQ(single.status, 400);
  EXPECT_EQ(single.body, R"({"error":"occurred_at: must be a string, got number"})");
  EXPECT_EQ(call("POST", "/v1/signals", "[]").status, 400);
  EXPECT_EQ(call("POST", "/v1/signals", "").status, 400);
  EXPECT_EQ(store.enqueue_calls, 0);
}

TEST_F(Fixture, OverloadAndStoreFailureAreRetryable) {
  store.overloaded = true;
  auto r = call("POST", "/v1/signals", kEnv1);
  EXPECT_EQ(r.status, 503);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Retry-After", "2"}));
  store.overloaded = false;
  store.failing = true;
  auto f = call("POST", "/v1/signals", kEnv1);
  EXPECT_EQ(f.status, 503);
  EXPECT_TRUE(store.signals.empty());
}

TEST_F(Fixture, Unauthenticated401ChangesNothing) {
  IngestConfig config;
  config.sources = {make_source("crm", SourceKind::Bearer, "tok")};
  make(config);
  EXPECT_EQ(call("POST", "/v1/signals", kEnv1).status, 401);
  EXPECT_EQ(call("POST", "/v1/signals", kEnv1, {{"authorization", "Bearer bad"}}).status, 401);
  EXPECT_EQ(call("PUT", "/v1/accounts/bigco.com", "{}", {{"authorization", "Bearer bad"}}).status, 401);
  EXPECT_EQ(store.enqueue_calls, 0);
  EXPECT_TRUE(store.context.empty());
  auto ok = call("POST", "/v1/signals", kEnv1, {{"authorization", "Bearer tok"}}, false);
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(store.signals.at(0).envelope.find(R"("source":"crm")"), std::string::npos);
}

TEST_F(Fixture, WebhookIdIsTheDedupIdWhenTheEnvelopeHasNone) {
  std::string secret = "whsec_" + base64_encode("k3y-k3y-k3y-k3y-k3y");
  IngestConfig config;
  config.sources = {make_source("vendor", SourceKind::StandardWebhooks, secret)};
  make(config);
  std::string body = R"({"type":"product.trial_started","occurred_at":"2026-06-21T10:00:00Z"})";
  int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  auto headers = std::vector<std::pair<std::string, std::string>>{
      {"webhook-id", "msg_42"},
      {"webhook-timestamp", std::to_string(now)},
      {"webhook-signature", sign_webhook(*webhook_key_from_secret(secret), "msg_42", now, body)}};
  EXPECT_EQ(call("POST", "/v1/signals", body, headers).body, R"({"accepted":1,"duplicates":0})");
  EXPECT_EQ(call("POST", "/v1/signals", body, headers).body, R"({"accepted":0,"duplicates":1})");
  EXPECT_EQ(store.signals.at(0).id, "msg_42");
}

std::string gzip(std::string_view text) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = uInt(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST_F(Fixture, SegmentBatchGzipWithContextIgnoredAndBadItems) {
  IngestConfig config;
  auto web = make_source("web", SourceKind::SegmentWriteKey, "wk");
  web.contact_traits = std::vector<std::string>{"title", "account"};  // by default none may change context
  config.sources = {web};
  config.segment.events["Pricing Page Viewed"] = "website.page_viewed";
  make(config);
  std::string batch =
      R"({"batch":[)"
      R"({"type":"identify","userId":"ana@bigco.com","traits":{"title":"CTO"}},)"
      R"({"type":"track","event":"Pricing Page Viewed","messageId":"s1","properties":{"url":"u"}},)"
      R"({"type":"track","event":"Clicked","messageId":"s2"},)"
      R"({"type":"track","event":"Pricing Page Viewed"}],)"
      R"("context":{"groupId":"bigco.com"},"sentAt":"2026-06-21T10:00:00Z"})";
  auto r = call("POST", "/v1/batch", gzip(batch),
                {{"authorization", "Basic " + base64_encode("wk:")}, {"content-encoding", "gzip"}}, false);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(
      r.body,
      R"({"error":"1 of 4 items are invalid; the other items were taken","accepted":1,"duplicates":0,)"
      R"x("ignored":1,"items":[{"index":3,"error":"messageId: missing (it is the signal's dedup key)"}]})x");
  ASSERT_EQ(store.context.size(), 1u);
  EXPECT_EQ(store.context[0].fields_json, R"({"title":"CTO","account":"bigco.com"})");
  ASSERT_EQ(store.signals.size(), 1u);
  EXPECT_NE(store.signals[0].envelope.find(R"("account":"bigco.com")"), std::string::npos);
  auto ok = call("POST", "/v1/track", R"({"event":"product.trial_started","messageId":"t1"})",
                 {{"authorization", "Basic " + base64_encode("wk:")}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"success":true,"accepted":1,"duplicates":0,"ignored":0})");
  EXPECT_EQ(call("POST", "/v1/batch", "{}", {{"authorization", "Basic " + base64_encode("wk:")}}).status,
            400);
}

// A Segment call mapped to a signal the plays' schema refuses is an item
// error, as on /v1/signals -- not acknowledged and then recorded as an
// undecodable signal.
TEST_F(Fixture, SegmentSignalsAreValidatedByThePlaysSchema) {
  IngestConfig config;
  config.segment.events["Bad Event"] = "nope.nope";  // validate_signal refuses this type
  make(config);
  auto r = call("POST", "/v1/batch",
                R"({"batch":[{"type":"track","event":"Bad Event","messageId":"b1"},)"
                R"({"type":"track","event":"product.trial_started","messageId":"t2"}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find(R"("items":[{"index":0,"error":"unknown signal type 'nope.nope'"}])"),
            std::string::npos)
      << r.body;
  ASSERT_EQ(store.signals.size(), 1u);
  EXPECT_EQ(store.signals[0].id, "t2");
}

TEST_F(Fixture, SegmentLimits) {
  std::string big = R"({"batch":[{"type":"track","event":"x","messageId":"m","properties":{"p":")" +
                    std::string(510 * 1024, 'a') + "\"}}]}";
  EXPECT_EQ(call("POST", "/v1/batch", big).status, 413);
  EXPECT_EQ(call("POST", "/v1/batch", gzip(big), {{"content-encoding", "gzip"}}).status, 413);
  EXPECT_EQ(call("POST", "/v1/batch", "garbage", {{"content-encoding", "gzip"}}).status, 400);
  EXPECT_EQ(call("POST", "/v1/batch", "{}", {{"content-encoding", "br"}}).status, 415);
}

TEST_F(Fixture, ContextUpsertEndpoints) {
  auto r = call("PUT", "/v1/contacts/ana%40bigco.com", R"({"title":"CTO","do_not_contact":false})");
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(store.context.size(), 1u);
  EXPECT_EQ(store.context[0].entity, store::Entity::Contact);
  EXPECT_EQ(store.context[0].key, "ana@bigco.com");
  EXPECT_EQ(call("PUT", "/v1/accounts/bigco.com", "[1]").status, 400);
  EXPECT_EQ(call("POST", "/v1/accounts/bigco.com", "{}").status, 405);
}

TEST_F(Fixture, MountedEndpoints) {
  EXPECT_EQ(call("GET", "/healthz", "").status, 200);
  auto m = call("GET", "/metrics", "");
  EXPECT_NE(m.body.find("playd_ingest_signals_accepted_total 0"), std::string::npos);
  EXPECT_EQ(m.content_type.substr(0, 10), "text/plain");
  EXPECT_EQ(call("GET", "/v1/signals/e1/trace", "").status, 501);  // no trace service wired
  EXPECT_EQ(call("GET", "/v1/signals/e1/trace", "", {}, false).status, 401);
  EXPECT_EQ(call("GET", "/nope", "").status, 404);
  EXPECT_EQ(call("GET", "/v1/signals", "").status, 405);
}

TEST_F(Fixture, HeaderPhaseRefusesBeforeTheBody) {
  IngestConfig config;
  auto crm = make_source("crm", SourceKind::Bearer, "tok");
  auto web = make_source("web", SourceKind::SegmentWriteKey, "wk");
  config.sources = {crm, web};
  make(config);
  auto head = [&](std::string method, std::string path,
                  std::vector<std::pair<std::string, std::string>> headers, bool loopback = true) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = r.path = std::move(path);
    r.headers = std::move(headers);
    r.from_loopback = loopback;
    r.content_length = 1000;
    return routes->on_headers(r);
  };
  auto status = [](const HeaderDecision& d) { return d.answer ? d.answer->status : 0; };
  EXPECT_EQ(status(head("POST", "/v1/signals", {})), 401);
  EXPECT_EQ(status(head("POST", "/v1/signals", {{"authorization", "Bearer nope"}})), 401);
  auto ok = head("POST", "/v1/signals", {{"authorization", "Bearer tok"}});
  EXPECT_EQ(status(ok), 0);
  EXPECT_EQ(ok.body_limit, config.max_body_bytes);
  // A write key may be in a Segment body: read it, up to a batch.
  auto segment = head("POST", "/v1/batch", {});
  EXPECT_EQ(status(segment), 0);
  EXPECT_EQ(segment.body_limit, config.segment.max_batch_bytes);
  EXPECT_EQ(status(head("PUT", "/v1/contacts/a@b.c", {{"authorization", "Bearer tok"}})), 403);
  EXPECT_EQ(status(head("GET", "/v1/admin/dlq", {}, false)), 401);
  EXPECT_EQ(status(head("GET", "/metrics", {}, false)), 401);
  EXPECT_EQ(status(head("GET", "/metrics", {}, true)), 0);
  EXPECT_EQ(status(head("POST", "/nope", {})), 404);
  EXPECT_EQ(status(head("PUT", "/v1/signals", {})), 405);
  EXPECT_EQ(status(head("POST", "/v1/signals", {{"webhook-id", "m"}})), 401);  // no webhook source
  store.overloaded = true;
  EXPECT_EQ(status(head("POST", "/v1/signals", {{"authorization", "Bearer tok"}})), 503);
  EXPECT_EQ(store.enqueue_calls, 0);
}

TEST_F(Fixture, WriteKeyInTheBody) {
  IngestConfig config;
  config.sources = {make_source("web", SourceKind::SegmentWriteKey, "wk"),
                    make_source("app", SourceKind::SegmentWriteKey, "wk2")};
  make(config);
  auto track = [](std::string id, std::string extra = "") {
    return R"({"type":"track","event":"product.trial_started","messageId":")" + id + "\"" + extra + "}";
  };
  auto ok =
      call("POST", "/v1/batch",
           R"({"writeKey":"wk","batch":[)" + track("a") + "," + track("b", R"(,"writeKey":"wk2")") + "]}");
  EXPECT_EQ(ok.status, 200) << ok.body;
  ASSERT_EQ(store.signals.size(), 2u);
  EXPECT_NE(store.signals[0].envelope.find(R"("source":"web")"), std::string::npos);
  EXPECT_NE(store.signals[1].envelope.find(R"("source":"app")"), std::string::npos);
  EXPECT_EQ(call("POST", "/v1/batch", R"({"writeKey":"bad","batch":[)" + track("c") + "]}").status, 401);
  EXPECT_EQ(call("POST", "/v1/batch", R"({"batch":[)" + track("d") + "]}").status, 401);
  auto item = call(
      "POST", "/v1/batch",
      R"({"batch":[)" + track("e", R"(,"writeKey":"bad")") + "," + track("f", R"(,"writeKey":"wk")") + "]}");
  EXPECT_EQ(item.status, 400);
  EXPECT_NE(item.body.find(R"("accepted":1)"), std::string::npos) << item.body;
  EXPECT_EQ(call("POST", "/v1/signals", R"({"writeKey":"wk"})").status, 401);
}

TEST_F(Fixture, ErrorRepliesAreBounded) {
  std::string body;
  for (int i = 0; i < 250; ++i) body += "{}\n";
  auto r = call("POST", "/v1/signals", body, {{"content-type", "application/x-ndjson"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find(R"("more_errors":150)"), std::string::npos) << r.body.substr(r.body.size() - 100);
  EXPECT_NE(r.body.find(R"("error":"all 250 items are invalid")"), std::string::npos);
  auto quoted = call("POST", "/v1/batch",
                     R"({"batch":[{"type":")" + std::string(5000, 'y') + R"("},{"type":"screen"}]})");
  EXPECT_EQ(quoted.status, 400) << quoted.body;
  EXPECT_LT(quoted.body.size(), 600u) << quoted.body;  // the message is cut at 300 bytes
}

TEST_F(Fixture, SignedContextReplayIsADuplicate) {
  std::string secret = "whsec_" + base64_encode("k3y-k3y-k3y-k3y-k3y");
  IngestConfig config;
  auto vendor = make_source("vendor", SourceKind::StandardWebhooks, secret);
  vendor.context = true;
  config.sources = {vendor};
  make(config);
  int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  auto signed_headers = [&](std::string id, std::string body) {
    return std::vector<std::pair<std::string, std::string>>{
        {"webhook-id", id},
        {"webhook-timestamp", std::to_string(now)},
        {"webhook-signature", sign_webhook(*webhook_key_from_secret(secret), id, now, body)}};
  };
  std::string a = R"({"title":"A"})", b = R"({"title":"B"})";
  EXPECT_EQ(call("PUT", "/v1/contacts/x@y.z", a, signed_headers("m1", a)).status, 200);
  EXPECT_EQ(call("PUT", "/v1/contacts/x@y.z", b, signed_headers("m2", b)).status, 200);
  auto replay = call("PUT", "/v1/contacts/x@y.z", a, signed_headers("m1", a));
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(replay.body, R"({"accepted":0,"duplicates":0,"duplicate":true})");
  ASSERT_EQ(store.context.size(), 2u);  // the replay was not applied
  EXPECT_EQ(store.context.back().fields_json, b);
}

// The dashboard's pages, assets and login go through ingestion's routes:
// pages need the admin token (bearer or session cookie) or trusted
// loopback; assets and the login form are open; a browser without the token
// is sent to /login and back.
struct DashboardFixture : Fixture {
  std::vector<std::string> served;  // paths the dashboard callback was asked for
  void make_dashboard(IngestConfig config) {
    IngestServices s = store.services();
    s.dashboard = [this](const HttpRequest& r) {
      served.push_back(r.path);
      HttpResponse out;
      out.content_type = "text/html; charset=utf-8";
      out.body = "page " + r.path;
      return out;
    };
    routes = std::make_unique<IngestRoutes>(config, s);
  }
  static std::string header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
};

TEST_F(DashboardFixture, OpenOnTrustedLoopbackWithoutAToken) {
  make_dashboard({});
  for (std::string page : {"/", "/plays/demo_request", "/dlq", "/review", "/trace"}) {
    auto r = call("GET", page, "", {{"host", "127.0.0.1:8080"}});
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.body, "page " + page);
  }
  EXPECT_EQ(call("GET", "/assets/app.js", "").status, 200);
  // Not loopback, no token: to the login page, which says why.
  auto remote = call("GET", "/dlq", "", {{"host", "ops.acme.com"}}, false);
  EXPECT_EQ(remote.status, 303);
  EXPECT_EQ(header(remote, "Location"), "/login?next=/dlq");
  // A page whose name resolves to 127.0.0.1 (DNS rebinding) is not loopback.
  EXPECT_EQ(call("GET", "/", "", {{"host", "evil.example:8080"}}).status, 303);
  // Not a page: 404 as before; a page takes GET only.
  EXPECT_EQ(call("GET", "/plays/a/b", "").status, 404);
  EXPECT_EQ(call("GET", "/nope", "").status, 404);
  EXPECT_EQ(call("POST", "/dlq", "").status, 405);
  EXPECT_EQ(call("DELETE", "/login", "").status, 405);
  EXPECT_EQ(served.size(), 6u);
}

TEST_F(DashboardFixture, TheTokenByBearerOrByTheSessionCookieFromTheLoginForm) {
  IngestConfig config;
  config.admin_token = "s3cret-admin";
  make_dashboard(config);
  // Loopback is not enough once a token is set.
  auto r = call("GET", "/plays/demo_request?x=1", "", {{"host", "127.0.0.1:8080"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/login?next=/plays/demo_request%3Fx%3D1");
  EXPECT_EQ(call("GET", "/", "", {{"authorization", "Bearer s3cret-admin"}}, false).status, 200);
  EXPECT_EQ(call("GET", "/", "", {{"authorization", "Bearer nope"}}, false).status, 401);
  // The login form and the assets are open.
  EXPECT_EQ(call("GET", "/login?next=/dlq", "", {}, false).status, 200);
  EXPECT_EQ(call("GET", "/assets/app.css", "", {}, false).status, 200);

  auto wrong = call("POST", "/login", "token=nope&next=%2Fdlq", {}, false);
  EXPECT_EQ(wrong.status, 303);
  EXPECT_EQ(header(wrong, "Location"), "/login?failed=1&next=/dlq");
  EXPECT_EQ(header(wrong, "Set-Cookie"), "");

  auto ok = call("POST", "/login", "token=s3cret-admin&next=%2Fdlq",
                 {{"content-type", "application/x-www-form-urlencoded"}}, false);
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(header(ok, "Location"), "/dlq");
  std::string cookie = header(ok, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find("s3cret-admin"), std::string::npos);  // the token never travels back
  std::string session = cookie.substr(0, cookie.find(';'));
  auto page = call("GET", "/dlq", "", {{"cookie", session}, {"host", "ops.acme.com"}}, false);
  EXPECT_EQ(page.status, 200);
  // The cookie opens the API the pages read too, and the replay button's POST from the page.
  EXPECT_EQ(call("GET", "/v1/admin/dlq", "", {{"cookie", session}}, false).status,
            501);  // no admin service here
  EXPECT_EQ(call("POST", "/v1/admin/dlq/all/replay", "",
                 {{"cookie", session}, {"host", "ops.acme.com"}, {"origin", "https://evil.example"}}, false)
                .status,
            401);
  // Another site's `next` is not followed, nor a header break.
  for (std::string next : {"https%3A%2F%2Fevil.example", "%2F%2Fevil.example", "%2Fdlq%0D%0ASet-Cookie%3A+x",
                           "%2Fv1%2Fadmin%2Fdlq"}) {
    auto sent = call("POST", "/login", "token=s3cret-admin&next=" + next, {}, false);
    EXPECT_EQ(header(sent, "Location"), "/") << next;
  }
  auto out = call("POST", "/logout", "", {{"cookie", session}}, false);
  EXPECT_EQ(out.status, 303);
  EXPECT_NE(header(out, "Set-Cookie").find("Max-Age=0"), std::string::npos);
}

TEST_F(DashboardFixture, DecidedOnTheHead) {
  IngestConfig config;
  config.admin_token = "s3cret-admin";
  make_dashboard(config);
  auto head = [&](std::string method, std::string target,
                  std::vector<std::pair<std::string, std::string>> h) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = target;
    r.path = target.substr(0, target.find('?'));
    r.headers = std::move(h);
    return routes->on_headers(r);
  };
  auto page = head("GET", "/review", {});
  ASSERT_TRUE(page.answer);
  EXPECT_EQ(page.answer->status, 303);
  EXPECT_FALSE(head("GET", "/review", {{"authorization", "Bearer s3cret-admin"}}).answer);
  auto login = head("POST", "/login", {});
  EXPECT_FALSE(login.answer);
  EXPECT_EQ(login.body_limit, 4096u);  // a login form, not more
  EXPECT_FALSE(head("GET", "/assets/app.js", {}).answer);
  EXPECT_TRUE(served.empty());
}

// What the dashboard's shell lists as served (apps/playd/dashboard.h).
TEST(RoutesGet, TheRoutedPathsOnly) {
  EXPECT_TRUE(routes_get("/v1/decisions"));
  EXPECT_TRUE(routes_get("/v1/admin/dlq"));
  EXPECT_TRUE(routes_get("/v1/signals/evt_1/trace"));
  EXPECT_TRUE(routes_get("/healthz"));
  EXPECT_FALSE(routes_get("/v1/nope"));
}

}  // namespace
}  // namespace play::ingest
