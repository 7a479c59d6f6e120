#include "runtime/ingest/segment.h"

#include <gtest/gtest.h>

namespace play::ingest {
namespace {

constexpr int64_t kReceived = 1782036000000;  // 2026-06-21T10:00:00Z

struct Mapper {
  SegmentConfig config;
  simdjson::dom::parser parser, batch_parser;
  Mapper() {
    config.events["Pricing Page Viewed"] = "website.page_viewed";
    config.is_signal_type = [](std::string_view t) { return t == "product.trial_started"; };
  }
  SegmentMapped map(const std::string& json, std::string_view call, const std::string& batch_context = "null",
                    std::string_view sent_at = "") {
    SegmentRequest r;
    r.call = call;
    r.source = "web";
    r.received_at_ms = kReceived;
    if (batch_context != "null") r.batch_context = batch_parser.parse(batch_context).value();
    r.batch_sent_at = sent_at;
    return map_segment_call(parser.parse(json).value(), r, config);
  }
};

TEST(Segment, TrackBecomesTheMappedSignalWithClockSkewCorrected) {
  Mapper m;
  // The client's clock is 1 hour fast; the event happened 2 s before sending.
  auto r = m.map(R"({"type":"track","event":"Pricing Page Viewed","messageId":"m1","userId":"Ana@BigCo.com",)"
                 R"("timestamp":"2026-06-21T10:59:58Z","sentAt":"2026-06-21T11:00:00Z",)"
                 R"("context":{"groupId":"bigco.com","page":{"url":"https://acme.com/pricing"}},)"
                 R"("properties":{"category":"pricing"}})",
                 "");
  ASSERT_EQ(r.outcome, SegmentOutcome::Signal) << r.message;
  EXPECT_EQ(r.signal.id, "m1");
  EXPECT_EQ(r.signal.type, "website.page_viewed");
  EXPECT_EQ(r.signal.occurred_at_ms, kReceived - 2000);
  EXPECT_EQ(r.signal.envelope,
            R"({"id":"m1","type":"website.page_viewed","source":"web","occurred_at":"2026-06-21T09:59:58Z",)"
            R"("received_at":"2026-06-21T10:00:00Z","account":"bigco.com","contact":"Ana@BigCo.com",)"
            R"("properties":{"category":"pricing","url":"https://acme.com/pricing"}})");
}

TEST(Segment, BatchSentAtAndOriginalTimestampAndBatchContext) {
  Mapper m;
  auto r = m.map(R"({"type":"track","event":"product.trial_started","messageId":"m2",)"
                 R"("originalTimestamp":"2026-06-21T08:00:00Z","properties":{"plan":"pro"}})",
                 "", R"({"traits":{"email":"bo@x.io"},"groupId":"x.io"})", "2026-06-21T08:00:10Z");
  ASSERT_EQ(r.outcome, SegmentOutcome::Signal) << r.message;
  EXPECT_EQ(r.signal.occurred_at_ms, kReceived - 10000);
  EXPECT_NE(r.signal.envelope.find(R"("account":"x.io","contact":"bo@x.io")"), std::string::npos)
      << r.signal.envelope;
  // Without sentAt the timestamp is taken as is; without any, receivedAt.
  auto t = m.map(R"({"event":"product.trial_started","messageId":"m3","timestamp":"2026-06-21T08:00:00Z"})",
                 "track");
  EXPECT_EQ(t.signal.occurred_at_ms, kReceived - 7200000);
  auto u = m.map(R"({"event":"product.trial_started","messageId":"m3"})", "track");
  EXPECT_EQ(u.signal.occurred_at_ms, kReceived);
}

TEST(Segment, PageCallBecomesPageViewedWithPageFields) {
  Mapper m;
  auto r = m.map(R"({"messageId":"p1","name":"Pricing","category":"pricing","userId":"u_17",)"
                 R"("context":{"page":{"url":"https://acme.com/pricing","referrer":"https://google.com"}}})",
                 "page");
  ASSERT_EQ(r.outcome, SegmentOutcome::Signal) << r.message;
  EXPECT_EQ(r.signal.type, "website.page_viewed");
  EXPECT_NE(r.signal.envelope.find(R"("properties":{"url":"https://acme.com/pricing","title":"Pricing",)"
                                   R"("category":"pricing","referrer":"https://google.com"})"),
            std::string::npos)
      << r.signal.envelope;
  // A userId that is not an email is no contact.
  EXPECT_EQ(r.signal.envelope.find("contact"), std::string::npos);
}

TEST(Segment, UnmappedEventsScreenAndAliasAreIgnored) {
  Mapper m;
  auto r = m.map(R"({"event":"Button Clicked","messageId":"m"})", "track");
  EXPECT_EQ(r.outcome, SegmentOutcome::Ignored);
  EXPECT_EQ(r.message, "no signal type is mapped to event 'Button Clicked'");
  EXPECT_EQ(m.map(R"({"type":"screen","messageId":"m"})", "").outcome, SegmentOutcome::Ignored);
}

TEST(Segment, IdentifyAndGroupUpsertContext) {
  Mapper m;
  auto id = m.map(R"({"userId":"u1","traits":{"email":"ana@bigco.com","firstName":"Ana","lastName":"Li",)"
                  R"("title":"CTO"},"context":{"groupId":"bigco.com"}})",
                  "identify");
  ASSERT_EQ(id.outcome, SegmentOutcome::Context) << id.message;
  ASSERT_EQ(id.context.size(), 1u);
  EXPECT_EQ(id.context[0].entity, store::Entity::Contact);
  EXPECT_EQ(id.context[0].key, "ana@bigco.com");
  EXPECT_EQ(id.context[0].fields_json,
            R"({"firstName":"Ana","lastName":"Li","title":"CTO","name":"Ana Li","account":"bigco.com"})");
  auto g =
      m.map(R"({"groupId":"bigco.com","userId":"ana@bigco.com","traits":{"name":"BigCo","employees":900}})",
            "group");
  ASSERT_EQ(g.outcome, SegmentOutcome::Context) << g.message;
  ASSERT_EQ(g.context.size(), 2u);
  EXPECT_EQ(g.context[0].entity, store::Entity::Account);
  EXPECT_EQ(g.context[0].key, "bigco.com");
  EXPECT_EQ(g.context[0].fields_json, R"({"name":"BigCo","employees":900})");
  EXPECT_EQ(g.context[1].fields_json, R"({"account":"bigco.com"})");
  EXPECT_EQ(m.map(R"({"userId":"u1"})", "identify").outcome, SegmentOutcome::Ignored);
  EXPECT_EQ(m.map(R"({"traits":{}})", "group").message, "groupId: missing (the account's domain)");
}

TEST(Segment, ErrorsNameTheField) {
  Mapper m;
  EXPECT_EQ(m.map(R"({"event":"product.trial_started"})", "track").message,
            "messageId: missing (it is the signal's dedup key)");
  EXPECT_EQ(m.map(R"({"messageId":"m"})", "track").message, "event: missing (a non-empty string)");
  EXPECT_EQ(m.map(R"({"event":"product.trial_started","messageId":"m","timestamp":"soon"})", "track").message,
            "timestamp: not an RFC 3339 timestamp");
  EXPECT_EQ(m.map(R"({"messageId":"m"})", "").message,
            "type: missing (track, page, identify, group, screen or alias)");
  EXPECT_EQ(m.map(R"({"type":"launch","messageId":"m"})", "").message, "type: unknown call type 'launch'");
  EXPECT_EQ(m.map("[]", "").message, "a call must be a JSON object");
  std::string big = R"({"event":"product.trial_started","messageId":"m","properties":{"x":")" +
                    std::string(33 * 1024, 'a') + "\"}}";
  EXPECT_EQ(m.map(big, "track").message, "call larger than 32 KB");
}

}  // namespace
}  // namespace play::ingest
