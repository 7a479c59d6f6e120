#include "runtime/ingest/envelope.h"

#include <gtest/gtest.h>

namespace play::ingest {
namespace {

struct Normalized {
  bool ok;
  store::IncomingSignal signal;
  std::string error;
};

Normalized normalize(std::string json, EnvelopeDefaults defaults = {"", "", 1782036000000}) {
  simdjson::dom::parser parser;
  auto doc = parser.parse(json);
  EXPECT_FALSE(doc.error()) << json;
  Normalized n;
  n.ok = normalize_envelope(doc.value_unsafe(), defaults, n.signal, n.error);
  return n;
}

TEST(Envelope, KeepsTheEnvelopeAndAddsReceivedAt) {
  auto n = normalize(R"({"id":"evt_1","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z",)"
                     R"("account":"bigco.com","properties":{"url":"https://acme.com/pricing"}})");
  ASSERT_TRUE(n.ok) << n.error;
  EXPECT_EQ(n.signal.id, "evt_1");
  EXPECT_EQ(n.signal.type, "website.page_viewed");
  EXPECT_EQ(n.signal.occurred_at_ms, 1782036000000);
  EXPECT_EQ(n.signal.received_at_ms, 1782036000000);
  EXPECT_EQ(
      n.signal.envelope,
      R"({"received_at":"2026-06-21T10:00:00Z","id":"evt_1","type":"website.page_viewed",)"
      R"("occurred_at":"2026-06-21T10:00:00Z","account":"bigco.com","properties":{"url":"https://acme.com/pricing"}})");
}

TEST(Envelope, KeepsAGivenReceivedAtAndFillsSourceAndWebhookId) {
  auto n = normalize(
      R"({"type":"product.login","occurred_at":"2026-06-21T10:00:00Z","received_at":"2026-06-21T10:00:01Z"})",
      {"hubspot", "msg_9", 5});
  ASSERT_TRUE(n.ok) << n.error;
  EXPECT_EQ(n.signal.id, "msg_9");
  EXPECT_EQ(n.signal.received_at_ms, 1782036001000);
  EXPECT_EQ(n.signal.envelope,
            R"({"id":"msg_9","source":"hubspot","type":"product.login","occurred_at":"2026-06-21T10:00:00Z",)"
            R"("received_at":"2026-06-21T10:00:01Z"})");
}

TEST(Envelope, NamesWhatIsWrong) {
  EXPECT_EQ(normalize(R"({"type":"a.b","occurred_at":"2026-06-21T10:00:00Z"})").error,
            "id: missing (a non-empty string: the signal's dedup key)");
  EXPECT_EQ(normalize(R"({"id":7,"type":"a.b","occurred_at":"2026-06-21T10:00:00Z"})").error,
            "id: must be a string, got number");
  EXPECT_EQ(normalize(R"({"id":"x","occurred_at":"2026-06-21T10:00:00Z"})").error,
            "type: missing (a signal type such as \"website.page_viewed\")");
  EXPECT_EQ(normalize(R"({"id":"x","type":"a.b","occurred_at":"yesterday"})").error,
            "occurred_at: not an RFC 3339 timestamp");
  EXPECT_EQ(normalize(R"({"id":"x","type":"a.b"})").error, "occurred_at: missing (an RFC 3339 timestamp)");
  EXPECT_EQ(
      normalize(R"({"id":"x","type":"a.b","occurred_at":"2026-06-21T10:00:00Z","properties":[1]})").error,
      "properties: must be an object, got array");
  EXPECT_EQ(
      normalize(R"({"id":"x","type":"a.b","occurred_at":"2026-06-21T10:00:00Z","contact":false})").error,
      "contact: must be a string, got bool");
  EXPECT_EQ(normalize(R"([1])").error, "an envelope must be a JSON object, got array");
}

TEST(Envelope, DescribesJsonErrors) {
  simdjson::dom::parser parser;
  std::string bad = "{\"id\":\"\xff\xfe\"}";
  EXPECT_EQ(describe_json_error(parser.parse(bad).error()), "malformed JSON: invalid UTF-8");
  std::string truncated = "{\"id\":";
  EXPECT_NE(describe_json_error(parser.parse(truncated).error()).find("malformed JSON"), std::string::npos);
}

}  // namespace
}  // namespace play::ingest

namespace play::ingest {
namespace {

TEST(Envelope, TheAuthenticatedSourceReplacesEverySourceOfTheBody) {
  auto n = normalize(R"({"id":"e","source":"crm","type":"product.login","source":"x",)"
                     R"("occurred_at":"2026-06-21T10:00:00Z","received_at":"2026-06-21T10:00:01Z"})",
                     {"website", "", 5});
  ASSERT_TRUE(n.ok) << n.error;
  EXPECT_EQ(n.signal.envelope,
            R"({"source":"website","id":"e","type":"product.login","occurred_at":"2026-06-21T10:00:00Z",)"
            R"("received_at":"2026-06-21T10:00:01Z"})");
  // Open mode (no authenticated source): the body's own is kept.
  auto open =
      normalize(R"({"id":"e","source":"crm","type":"product.login","occurred_at":"2026-06-21T10:00:00Z"})");
  ASSERT_TRUE(open.ok);
  EXPECT_NE(open.signal.envelope.find(R"("source":"crm")"), std::string::npos);
}

TEST(Envelope, RepeatedKeysAndLimits) {
  auto dup = normalize(
      R"({"id":"e","type":"a.b","type":"crm.contact_updated","occurred_at":"2026-06-21T10:00:00Z"})");
  EXPECT_FALSE(dup.ok);
  EXPECT_EQ(dup.error, "duplicate key 'type'");
  EnvelopeDefaults limits{"s", "", 5, 100, 4};
  auto long_id = normalize(R"({"id":"12345","type":"a.b","occurred_at":"2026-06-21T10:00:00Z"})", limits);
  EXPECT_EQ(long_id.error, "id: longer than 4 bytes");
  auto big = normalize(R"({"id":"1","type":"a.b","occurred_at":"2026-06-21T10:00:00Z","properties":{"p":")" +
                           std::string(100, 'x') + "\"}}",
                       limits);
  EXPECT_EQ(big.error.substr(0, 31), "signal larger than 100 bytes (1");
  EXPECT_TRUE(normalize(R"({"id":"1234","type":"a.b","occurred_at":"2026-06-21T10:00:00Z"})", limits).ok);
}

}  // namespace
}  // namespace play::ingest
