// Signal decoding: envelope rules, property types, errors.
#include <gtest/gtest.h>

#include "runtime/engine/signal.h"
#include "tests/engine/builder.h"

namespace play::engine::testing {
namespace {

class Decode : public ::testing::Test {
 protected:
  Bundle bundle = base_bundle();
  SignalDecoder decoder{bundle};
  DecodedSignal sig;
  std::string error;

  bool decode(const std::string& json) {
    error.clear();
    return decoder.decode(json, sig, error);
  }
};

TEST_F(Decode, EnvelopeAndPropertiesIntoSlots) {
  ASSERT_TRUE(decode(R"({"id":"evt_1","type":"website.page_viewed","source":"segment",
      "occurred_at":"2026-06-21T10:00:00Z","received_at":"2026-06-21T10:00:02Z",
      "account":"BigCo.com","contact":"Ana@BigCo.com",
      "properties":{"category":"pricing","url":"https://acme.com/pricing","extra":[1,2]}, "unknown": 1})"))
      << error;
  EXPECT_EQ(sig.type, kPageViewed);
  EXPECT_EQ(sig.type_name, "website.page_viewed");
  EXPECT_EQ(sig.id, "evt_1");
  EXPECT_EQ(sig.source, "segment");
  EXPECT_EQ(sig.account, "bigco.com");  // lower-cased
  EXPECT_EQ(sig.contact, "ana@bigco.com");
  int64_t t;
  ASSERT_TRUE(parse_timestamp("2026-06-21T10:00:00Z", t));
  EXPECT_EQ(sig.occurred_at_ms, t);
  ASSERT_TRUE(sig.received_at_ms.has_value());
  EXPECT_EQ(*sig.received_at_ms, t + 2000);
  ASSERT_EQ(sig.props.size(), 2u);
  EXPECT_EQ(sig.props[kUrl].str(), "https://acme.com/pricing");
  EXPECT_EQ(sig.props[kCategory].str(), "pricing");
}

TEST_F(Decode, OptionalFieldsAbsent) {
  ASSERT_TRUE(decode(R"({"id":"e","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00+02:00",
                         "account":null,"properties":{"url":"u"}})"))
      << error;
  EXPECT_EQ(sig.source, "");
  EXPECT_EQ(sig.account, "");
  EXPECT_EQ(sig.contact, "");
  EXPECT_FALSE(sig.received_at_ms.has_value());
  EXPECT_TRUE(sig.props[kCategory].is_null());
}

TEST_F(Decode, EveryKindOfProperty) {
  ASSERT_TRUE(decode(R"({"id":"e","type":"product.usage","occurred_at":"2026-06-21T10:00:00Z",
      "properties":{"metric":"api_calls","value":3,"period":"1h30m","tags":["a","b"],
                    "extra":{"k":[1,"x",null],"n":2.5},"seen_at":"2026-06-20T00:00:00Z","anything":true}})"))
      << error;
  EXPECT_EQ(sig.props[1].kind, Kind::Float);  // int promotes to float
  EXPECT_EQ(sig.props[1].f, 3.0);
  EXPECT_EQ(sig.props[2].kind, Kind::Duration);
  EXPECT_EQ(sig.props[2].i, 90 * 60'000);
  ASSERT_EQ(sig.props[3].kind, Kind::List);
  EXPECT_EQ(sig.props[3].n, 2u);
  EXPECT_EQ(sig.props[3].items[1].str(), "b");
  ASSERT_EQ(sig.props[4].kind, Kind::Map);
  EXPECT_EQ(sig.props[4].n, 2u);
  EXPECT_EQ(sig.props[4].entries[0].key, "k");
  EXPECT_EQ(sig.props[4].entries[0].value.n, 3u);
  EXPECT_EQ(sig.props[5].kind, Kind::Timestamp);
  EXPECT_TRUE(sig.props[6].is_true());
}

TEST_F(Decode, StringsOutliveTheInputText) {
  std::string json = R"({"id":"evt_9","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z",
                         "properties":{"url":"https://x"}})";
  ASSERT_TRUE(decode(json)) << error;
  std::fill(json.begin(), json.end(), ' ');
  EXPECT_EQ(sig.id, "evt_9");
  EXPECT_EQ(sig.props[kUrl].str(), "https://x");
}

struct BadCase {
  const char* json;
  const char* error;
};

TEST_F(Decode, ErrorsSayWhatIsWrong) {
  const BadCase cases[] = {
      {R"(not json)", "invalid JSON"},
      {R"([1])", "a signal must be a JSON object, got array"},
      {R"({"id":"e","occurred_at":"2026-06-21T10:00:00Z"})", "missing 'type'"},
      {R"({"id":"e","type":"website.page_vieweed","occurred_at":"2026-06-21T10:00:00Z"})",
       "unknown signal type 'website.page_vieweed'"},
      {R"({"type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","properties":{"url":"u"}})",
       "missing 'id'"},
      {R"({"id":7,"type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z"})",
       "'id' must be a string, got integer"},
      {R"({"id":"e","type":"website.page_viewed","properties":{"url":"u"}})", "missing 'occurred_at'"},
      {R"({"id":"e","type":"website.page_viewed","occurred_at":"yesterday"})",
       "'occurred_at' is not an RFC 3339 timestamp: \"yesterday\""},
      {R"({"id":"e","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","contact":1})",
       "'contact' must be a string, got integer"},
      {R"({"id":"e","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","properties":[]})",
       "'properties' must be an object, got array"},
      {R"({"id":"e","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","properties":{}})",
       "missing property 'url' (required by signal website.page_viewed)"},
      {R"({"id":"e","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","properties":{"url":null}})",
       "missing property 'url' (required by signal website.page_viewed)"},
      {R"({"id":"e","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","properties":{"url":5}})",
       "property 'url' must be a string, got integer"},
      {R"({"id":"e","type":"intent.topic_surge","occurred_at":"2026-06-21T10:00:00Z",
           "properties":{"topic":"crm","score":80.5}})",
       "property 'score' must be an int, got number"},
      {R"({"id":"e","type":"intent.topic_surge","occurred_at":"2026-06-21T10:00:00Z",
           "properties":{"topic":"crm","score":18446744073709551615}})",
       "property 'score' is out of the int range"},
      {R"({"id":"e","type":"product.usage","occurred_at":"2026-06-21T10:00:00Z",
           "properties":{"metric":"m","value":1,"tags":["a",2]}})",
       "property 'tags' [1] must be a string, got integer"},
      {R"({"id":"e","type":"product.usage","occurred_at":"2026-06-21T10:00:00Z",
           "properties":{"metric":"m","value":1,"period":"soon"}})",
       "property 'period' is not a duration such as \"4h\" or \"1h30m\": \"soon\""},
  };
  for (const BadCase& c : cases) {
    EXPECT_FALSE(decode(c.json)) << c.json;
    EXPECT_NE(error.find(c.error), std::string::npos) << "got: " << error << "\nwanted: " << c.error;
  }
}

TEST_F(Decode, ReusedSignalIsResetBetweenDecodes) {
  ASSERT_TRUE(decode(R"({"id":"a","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z",
      "contact":"x@y.com","received_at":"2026-06-21T10:00:00Z","properties":{"url":"u","category":"c"}})"));
  ASSERT_TRUE(decode(R"({"id":"b","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z",
      "properties":{"url":"v"}})"));
  EXPECT_EQ(sig.id, "b");
  EXPECT_EQ(sig.contact, "");
  EXPECT_FALSE(sig.received_at_ms.has_value());
  EXPECT_TRUE(sig.props[kCategory].is_null());
}

TEST_F(Decode, OneOffHelperMatchesDecoder) {
  DecodedSignal s;
  std::string err;
  EXPECT_TRUE(decode_signal(R"({"id":"a","type":"intent.topic_surge","occurred_at":"2026-06-21T10:00:00Z",
      "properties":{"topic":"crm","score":80}})",
                            bundle, s, err))
      << err;
  EXPECT_EQ(s.type, kTopicSurge);
  EXPECT_EQ(s.props[1].i, 80);
  EXPECT_EQ(decoder.find_type("intent.topic_surge"), int(kTopicSurge));
  EXPECT_EQ(decoder.find_type("nope"), -1);
}

}  // namespace
}  // namespace play::engine::testing
