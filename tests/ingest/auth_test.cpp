#include "runtime/ingest/auth.h"

#include <gtest/gtest.h>

#include <chrono>

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

TEST(Auth, RejectsBadSecrets) {
  EXPECT_THROW(Authenticator({make_source("v", SourceKind::StandardWebhooks, "whsec_***")}),
               std::invalid_argument);
  EXPECT_THROW(Authenticator({make_source("v", SourceKind::Bearer, "")}), std::invalid_argument);
}

}  // namespace
}  // namespace play::ingest
