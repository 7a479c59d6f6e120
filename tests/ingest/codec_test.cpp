#include <gtest/gtest.h>
#include <zlib.h>

#include "runtime/ingest/base64.h"
#include "runtime/ingest/gzip.h"
#include "runtime/ingest/webhook_signature.h"

namespace play::ingest {
namespace {

TEST(Base64, RoundTripsAllLengths) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    auto decoded = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, bytes);
    bytes += char(i * 37);
  }
  EXPECT_EQ(base64_encode("key:"), "a2V5Og==");
  EXPECT_FALSE(base64_decode("a2V5O!=="));
  EXPECT_FALSE(base64_decode("a"));
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

// The example of the Standard Webhooks specification.
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kTs = 1614265330;
constexpr const char* kBody = "{\"test\": 2432232314}";
constexpr const char* kSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

TEST(WebhookSignature, MatchesTheSpecificationExample) {
  auto key = webhook_key_from_secret(kSecret);
  ASSERT_TRUE(key);
  EXPECT_EQ(sign_webhook(*key, kId, kTs, kBody), kSignature);
  EXPECT_EQ(verify_webhook(*key, kId, "1614265330", kSignature, kBody, kTs), WebhookCheck::Ok);
}

TEST(WebhookSignature, RejectsTamperingReplayAndMissingHeaders) {
  auto key = *webhook_key_from_secret(kSecret);
  EXPECT_EQ(verify_webhook(key, kId, "1614265330", kSignature, "{\"test\": 2432232315}", kTs),
            WebhookCheck::NoMatch);
  EXPECT_EQ(verify_webhook(key, "msg_other", "1614265330", kSignature, kBody, kTs), WebhookCheck::NoMatch);
  // Five minutes either way is the window.
  EXPECT_EQ(verify_webhook(key, kId, "1614265330", kSignature, kBody, kTs + 300), WebhookCheck::Ok);
  EXPECT_EQ(verify_webhook(key, kId, "1614265330", kSignature, kBody, kTs + 301),
            WebhookCheck::OutsideWindow);
  EXPECT_EQ(verify_webhook(key, kId, "1614265330", kSignature, kBody, kTs - 301),
            WebhookCheck::OutsideWindow);
  EXPECT_EQ(verify_webhook(key, kId, "", kSignature, kBody, kTs), WebhookCheck::MissingHeaders);
  EXPECT_EQ(verify_webhook(key, "", "1614265330", kSignature, kBody, kTs), WebhookCheck::MissingHeaders);
  EXPECT_EQ(verify_webhook(key, kId, "16142x", kSignature, kBody, kTs), WebhookCheck::BadTimestamp);
  auto other = *webhook_key_from_secret("whsec_" + base64_encode("another key"));
  EXPECT_EQ(verify_webhook(other, kId, "1614265330", kSignature, kBody, kTs), WebhookCheck::NoMatch);
}

TEST(WebhookSignature, AcceptsAnyOfSeveralSignatures) {
  auto key = *webhook_key_from_secret(kSecret);
  std::string several = std::string("v1,bm90IGl0 v1a,whatever ") + kSignature;
  EXPECT_EQ(verify_webhook(key, kId, "1614265330", several, kBody, kTs), WebhookCheck::Ok);
  EXPECT_EQ(verify_webhook(key, kId, "1614265330", "v1,bm90IGl0 v2,abc", kBody, kTs), WebhookCheck::NoMatch);
  EXPECT_FALSE(webhook_key_from_secret("whsec_!!!"));
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

TEST(Gzip, InflatesWithinTheLimit) {
  std::string text(100000, 'x');
  std::string out, error;
  EXPECT_EQ(inflate_body(gzip(text), 1 << 20, out, error), InflateResult::Ok);
  EXPECT_EQ(out, text);
  EXPECT_EQ(inflate_body(gzip(text), 99999, out, error), InflateResult::TooLarge);
}

TEST(Gzip, ReportsCorruptAndTruncatedStreams) {
  std::string out, error;
  EXPECT_EQ(inflate_body("not gzip at all", 1000, out, error), InflateResult::Malformed);
  EXPECT_NE(error.find("malformed compressed body"), std::string::npos);
  std::string z = gzip("{\"a\":1}");
  EXPECT_EQ(inflate_body(z.substr(0, z.size() - 6), 1000, out, error), InflateResult::Malformed);
}

}  // namespace
}  // namespace play::ingest
