#include "runtime/ingest/auth.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/time/time.h"
#include "runtime/ingest/base64.h"
#include "runtime/ingest/webhook_signature.h"

namespace play::ingest {
namespace {

const std::string kWhsec = "whsec_" + base64_encode("0123456789abcdef0123456789abcdef");

Authenticator configured() {
  return Authenticator({make_source("crm", SourceKind::Bearer, "tok_crm"),
                        make_source("web", SourceKind::SegmentWriteKey, "wk_web"),
                        make_source("vendor", SourceKind::StandardWebhooks, kWhsec)});
}

HttpRequest request(std::vector<std::pair<std::string, std::string>> headers, bool loopback = false) {
  HttpRequest r;
  r.headers = std::move(headers);
  r.from_loopback = loopback;
  return r;
}

TEST(Auth, OpenModeIsLoopbackOnly) {
  Authenticator open({});
  EXPECT_TRUE(open.authenticate(request({}, true), "", 0).ok);
  auto remote = open.authenticate(request({}, false), "", 0);
  EXPECT_FALSE(remote.ok);
  EXPECT_NE(remote.error.find("loopback only"), std::string::npos);
}

TEST(Auth, BearerAndBasicWriteKey) {
  auto auth = configured();
  auto r = auth.authenticate(request({{"authorization", "Bearer tok_crm"}}), "", 0);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.source, "crm");
  EXPECT_FALSE(auth.authenticate(request({{"authorization", "Bearer tok_cr"}}), "", 0).ok);
  // A write key is not a bearer token, nor the reverse.
  EXPECT_FALSE(auth.authenticate(request({{"authorization", "Bearer wk_web"}}), "", 0).ok);
  auto basic = auth.authenticate(request({{"authorization", "Basic " + base64_encode("wk_web:")}}), "", 0);
  EXPECT_TRUE(basic.ok);
  EXPECT_EQ(basic.source, "web");
  EXPECT_FALSE(
      auth.authenticate(request({{"authorization", "Basic " + base64_encode("tok_crm:")}}), "", 0).ok);
  EXPECT_FALSE(auth.authenticate(request({{"authorization", "Basic !!"}}), "", 0).ok);
  // Loopback does not bypass configured sources.
  EXPECT_FALSE(auth.authenticate(request({}, true), "", 0).ok);
}

TEST(Auth, StandardWebhooksSignature) {
  auto auth = configured();
  auto key = *webhook_key_from_secret(kWhsec);
  int64_t now = 1782036000;
  std::string body = R"({"id":"e1"})";
  auto signed_request = [&](int64_t ts, std::string_view signed_body) {
    return request({{"webhook-id", "msg_1"},
                    {"webhook-timestamp", std::to_string(ts)},
                    {"webhook-signature", sign_webhook(key, "msg_1", ts, signed_body)}});
  };
  auto ok = auth.authenticate(signed_request(now, body), body, now);
  EXPECT_TRUE(ok.ok) << ok.error;
  EXPECT_EQ(ok.source, "vendor");
  EXPECT_EQ(ok.webhook_id, "msg_1");
  auto tampered = auth.authenticate(signed_request(now, body), R"({"id":"e2"})", now);
  EXPECT_FALSE(tampered.ok);
  EXPECT_EQ(tampered.error, "no webhook-signature matches the body");
  auto late = auth.authenticate(signed_request(now - 301, body), body, now);
  EXPECT_FALSE(late.ok);
  EXPECT_NE(late.error.find("outside"), std::string::npos);
  EXPECT_FALSE(auth.authenticate(request({{"webhook-id", "msg_1"}}), body, now).ok);
  EXPECT_FALSE(auth.authenticate(request({}), body, now).ok);
}

TEST(Auth, AdminToken) {
  EXPECT_TRUE(admin_authorized(request({{"authorization", "Bearer adm"}}), "adm"));
  EXPECT_FALSE(admin_authorized(request({{"authorization", "Bearer adx"}}, true), "adm"));
  EXPECT_TRUE(admin_authorized(request({}, true), ""));
  EXPECT_FALSE(admin_authorized(request({}, false), ""));
}

HttpRequest browser(std::string method, std::vector<std::pair<std::string, std::string>> headers,
                    bool loopback = false) {
  HttpRequest r = request(std::move(headers), loopback);
  r.method = std::move(method);
  return r;
}

TEST(Auth, SessionCookie) {
  int64_t now = wall_ms() / 1000;
  std::string set = admin_session_cookie("adm", now, false);
  EXPECT_EQ(set.find("playd_session="), 0u);
  EXPECT_NE(set.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(set.find("; Path=/"), std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos);
  EXPECT_NE(admin_session_cookie("adm", now, true).find("; Secure"), std::string::npos);
  EXPECT_EQ(set.find("adm;"), std::string::npos);  // not the token itself
  std::string value = set.substr(14, set.find(';') - 14);
  EXPECT_TRUE(admin_session_valid(value, "adm", now));
  EXPECT_FALSE(admin_session_valid(value, "adx", now));  // the token changed: every session ends
  EXPECT_FALSE(admin_session_valid(value, "adm", now + kSessionSeconds + 1));  // expired
  EXPECT_FALSE(admin_session_valid(value, "", now));
  std::string forged = std::to_string(now + 10 * kSessionSeconds) + value.substr(value.find('.'));
  EXPECT_FALSE(admin_session_valid(forged, "adm", now));  // a later expiry is not signed
  for (std::string bad : {"", ".", "x.y", "123", "-5.ab", "99999999999999999999.ab"})
    EXPECT_FALSE(admin_session_valid(bad, "adm", now)) << bad;

  auto with = [&](std::string cookie, std::string method = "GET", std::string origin = "") {
    std::vector<std::pair<std::string, std::string>> headers{{"cookie", cookie},
                                                             {"host", "ops.acme.com:8080"}};
    if (!origin.empty()) headers.emplace_back("origin", origin);
    return browser(method, headers);
  };
  EXPECT_TRUE(admin_authorized(with("a=1; playd_session=" + value + "; b=2"), "adm"));
  EXPECT_FALSE(admin_authorized(with("playd_session=" + value), "adx"));
  EXPECT_FALSE(admin_authorized(with("other=" + value), "adm"));
  // A wrong bearer token is not rescued by a cookie.
  auto both = with("playd_session=" + value);
  both.headers.emplace_back("authorization", "Bearer adx");
  EXPECT_FALSE(admin_authorized(both, "adm"));
  // A change sent by a page of another origin (CSRF) is refused; one from the dashboard is not.
  EXPECT_TRUE(admin_authorized(with("playd_session=" + value, "POST", "http://ops.acme.com:8080"), "adm"));
  EXPECT_TRUE(admin_authorized(with("playd_session=" + value, "POST"), "adm"));
  EXPECT_FALSE(admin_authorized(with("playd_session=" + value, "POST", "https://evil.example"), "adm"));
  EXPECT_FALSE(admin_authorized(with("playd_session=" + value, "POST", "null"), "adm"));
  EXPECT_TRUE(admin_authorized(with("playd_session=" + value, "GET", "https://evil.example"), "adm"));
  auto cleared = admin_session_clear(false);
  EXPECT_NE(cleared.find("playd_session=;"), std::string::npos);
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos);
}

TEST(Auth, LoopbackTrustNeedsALoopbackHostAndSameOriginWrites) {
  auto loop = [](std::string host, std::string method = "GET", std::string origin = "") {
    std::vector<std::pair<std::string, std::string>> headers{{"host", host}};
    if (!origin.empty()) headers.emplace_back("origin", origin);
    return browser(method, headers, true);
  };
  for (std::string host : {"127.0.0.1:8080", "localhost:8080", "LOCALHOST", "127.1.2.3", "[::1]:8080", ""})
    EXPECT_TRUE(admin_authorized(loop(host), "")) << host;
  // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1.
  for (std::string host :
       {"evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example", "[::2]:80"})
    EXPECT_FALSE(admin_authorized(loop(host), "")) << host;
  EXPECT_TRUE(admin_authorized(loop("127.0.0.1:8080", "POST", "http://127.0.0.1:8080"), ""));
  EXPECT_FALSE(admin_authorized(loop("127.0.0.1:8080", "POST", "http://evil.example"), ""));
  EXPECT_FALSE(admin_authorized(loop("127.0.0.1:8080", "POST", "http://127.0.0.1:9999"), ""));
  EXPECT_TRUE(admin_authorized(loop("127.0.0.1:8080", "POST"), ""));  // curl, the CLI: no Origin
}

TEST(Auth, ForwardedHttps) {
  EXPECT_TRUE(forwarded_https(request({{"x-forwarded-proto", "https"}})));
  EXPECT_TRUE(forwarded_https(request({{"forwarded", "for=1.2.3.4;proto=https;host=x"}})));
  EXPECT_FALSE(forwarded_https(request({{"x-forwarded-proto", "http"}})));
  EXPECT_FALSE(forwarded_https(request({})));
}

TEST(Auth, RejectsBadSecrets) {
  EXPECT_THROW(Authenticator({make_source("v", SourceKind::StandardWebhooks, "whsec_***")}),
               std::invalid_argument);
  EXPECT_THROW(Authenticator({make_source("v", SourceKind::Bearer, "")}), std::invalid_argument);
}

}  // namespace
}  // namespace play::ingest
