#include <gtest/gtest.h>

#include "runtime/sinks/adapter.h"
#include "runtime/sinks/retry.h"
#include "runtime/sinks/sink_test_util.h"

namespace play::sinks {
namespace {

PendingAction notify_action() {
  PendingAction a;
  a.key = "k1";
  a.play = "hot_lead";
  a.account = "acme.com";
  a.contact = "eve@acme.com";
  a.text = "*Eve* read pricing";
  a.line = R"({"kind":"action","play":"hot_lead","action":"notify","signal":"sig 1","account":"acme.com",)"
           R"("contact":"eve@acme.com","args":{"channel":"#sales","text":"Eve \"<b>\" read pricing","n":3},)"
           R"("priority":"normal","key":"k1"})";
  return a;
}

SinkConfig pagerduty() {
  SinkConfig c;
  c.name = "pager";
  c.kind = SinkKind::PagerDuty;
  c.routing_key = "R0UTINGKEY0123456789";
  c.base_url = "http://127.0.0.1:9/";
  c.severity = "critical";
  return c;
}

using test::answer;

TEST(PagerDutySink, BuildsATriggerEvent) {
  auto ad = make_adapter(pagerduty());
  VendorRequest req = ad->build(notify_action());
  EXPECT_EQ(req.error, "");
  EXPECT_EQ(req.call, "PagerDuty Events API v2");
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "http://127.0.0.1:9/v2/enqueue");
  EXPECT_EQ(req.body,
            R"({"routing_key":"R0UTINGKEY0123456789","event_action":"trigger","dedup_key":"k1",)"
            R"("payload":{"summary":"Eve \"<b>\" read pricing","source":"playd","severity":"critical",)"
            R"("component":"hot_lead","class":"notify","custom_details":{"args":{"channel":"#sales",)"
            R"("text":"Eve \"<b>\" read pricing","n":3},"play":"hot_lead","signal":"sig 1",)"
            R"("account":"acme.com","contact":"eve@acme.com","key":"k1"}},"client":"playd"})");
}

TEST(PagerDutySink, DefaultBaseAndSummaryAndLinks) {
  EXPECT_EQ(pagerduty_enqueue_url(""), "https://events.pagerduty.com/v2/enqueue");
  EXPECT_EQ(pagerduty_enqueue_url("https://events.eu.pagerduty.com//"),
            "https://events.eu.pagerduty.com/v2/enqueue");
  PendingAction a = notify_action();
  a.line = R"({"kind":"action","play":"hot_lead","action":"task","signal":"sig 1","account":"acme.com",)"
           R"("args":{},"key":"k1"})";
  SinkConfig c = pagerduty();
  c.dashboard_url = "http://playd:8080/";
  std::string body = pagerduty_event_body(a, c);
  EXPECT_NE(body.find(R"("summary":"hot_lead: task for acme.com")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("links":[{"href":"http://playd:8080/plays/hot_lead","text":"Play hot_lead"},)"
                      R"({"href":"http://playd:8080/v1/signals/sig%201/trace","text":"Signal trace"}])"),
            std::string::npos)
      << body;
  // Events API v2 limits the summary to 1024 characters (the args keep the whole text).
  a = notify_action();
  a.line = R"({"kind":"action","play":"p","action":"notify","args":{"text":")" + std::string(3000, 'x') +
           R"("},"key":"k1"})";
  body = pagerduty_event_body(a, c);
  EXPECT_NE(body.find("\"summary\":\"" + std::string(1024, 'x') + "\""), std::string::npos);
}

TEST(PagerDutySink, AnswersMapToSentRetryOrTheDlq) {
  auto ad = make_adapter(pagerduty());
  VendorRequest req = ad->build(notify_action());
  ExecutionOptions o;
  auto step = [&](const HttpResult& h) {
    return next_step(ad->interpret(req, h), 1, 0, SinkKind::PagerDuty, o, 0);
  };

  EXPECT_EQ(step(answer(202, R"({"status":"success","dedup_key":"k1"})")).status, "sent");

  NextStep bad = step(answer(400, R"({"status":"invalid event","errors":["'payload' is missing"]})"));
  EXPECT_EQ(bad.status, "dlq");
  EXPECT_EQ(bad.detail,
            R"(PagerDuty Events API v2: 400 {"status":"invalid event","errors":["'payload' is missing"]})");

  for (int status : {401, 403}) {
    NextStep denied = step(answer(status, R"({"message":"bad key R0UTINGKEY0123456789"})"));
    EXPECT_EQ(denied.status, "dlq");
    EXPECT_EQ(denied.detail.rfind(
                  "credentials rejected by PagerDuty: PagerDuty Events API v2: " + std::to_string(status), 0),
              0u)
        << denied.detail;
    EXPECT_EQ(denied.detail.find("R0UTINGKEY0123456789"), std::string::npos) << denied.detail;
    EXPECT_NE(denied.detail.find("[redacted]"), std::string::npos);
  }

  NextStep limited = step(answer(429, "{}", 120000));
  EXPECT_EQ(limited.status, "retrying");
  EXPECT_EQ(limited.next_ms, 120000);
  EXPECT_EQ(step(answer(503, "")).status, "retrying");
  HttpResult none;
  none.error = "Timeout was reached";
  NextStep timed_out = step(none);
  EXPECT_EQ(timed_out.status, "retrying");
  EXPECT_EQ(timed_out.detail, "PagerDuty Events API v2: no answer (Timeout was reached)");
}

}  // namespace
}  // namespace play::sinks
