// Standard Webhooks signatures, against the specification's own example
// (https://github.com/standard-webhooks/standard-webhooks, "Signature scheme").
#include "runtime/sinks/signing.h"

#include <gtest/gtest.h>

#include <vector>

namespace play::sinks {
namespace {

TEST(Signing, TheSpecificationsExample) {
  EXPECT_EQ(webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                              "1614265330", R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(Signing, ARawSecretIsItsOwnKeyAndEveryPartIsSigned) {
  std::string a = webhook_signature("secret", "id", "1", "body");
  EXPECT_EQ(a.rfind("v1,", 0), 0u);
  EXPECT_NE(a, webhook_signature("secret", "id", "2", "body"));
  EXPECT_NE(a, webhook_signature("secret", "id2", "1", "body"));
  EXPECT_NE(a, webhook_signature("secret", "id", "1", "body!"));
  EXPECT_NE(a, webhook_signature("secres", "id", "1", "body"));
  EXPECT_EQ(webhook_key("whsec_c2VjcmV0"), "secret");
  EXPECT_EQ(webhook_key("plain"), "plain");
}

TEST(Signing, Base64RoundTripsAndRefusesGarbage) {
  std::string out;
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    ASSERT_TRUE(base64_decode(base64_encode(s), out));
    EXPECT_EQ(out, s);
  }
  EXPECT_FALSE(base64_decode("not base64!", out));
}

}  // namespace
}  // namespace play::sinks
