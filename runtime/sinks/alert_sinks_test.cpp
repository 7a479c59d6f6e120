// What each alert sink kind sends for an incident: PagerDuty's trigger and
// resolve share the alert's key as dedup_key; the webhook is signed with
// Standard Webhooks; Slack's text escapes what came from outside.
// (tests/playd/alerts_test.py sends them to real loopback servers.)
#include "runtime/sinks/alert_sinks.h"

#include <gtest/gtest.h>

#include "runtime/sinks/signing.h"

namespace play::sinks {
namespace {

store::AlertRecord drop(const char* state) {
  store::AlertRecord a;
  a.key = "playd/volume_drop/pricing";
  a.rule = "volume_drop";
  a.play = "pricing";
  a.state = state;
  a.since_ms = 1781949600000;  // 2026-06-20T10:00:00Z
  a.until_ms = a.state == "resolved" ? a.since_ms + 3600000 : 0;
  a.value = 0.2;
  a.threshold = 0.5;
  a.summary = "pricing: 48 signals in the last 24h, 20% of its 7-day daily average of 240 <b>";
  return a;
}

std::string header(const AlertRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

TEST(AlertSinks, PagerDutyTriggersAndResolvesOneIncidentByKey) {
  AlertSinkConfig pd{"pd", AlertSinkKind::PagerDuty, "http://127.0.0.1:9/", "R0UTING"};
  AlertRequest t = alert_request(pd, drop("firing"), "http://playd", 0);
  EXPECT_EQ(t.url, "http://127.0.0.1:9/v2/enqueue");
  EXPECT_NE(
      t.body.find(
          R"("routing_key":"R0UTING","event_action":"trigger","dedup_key":"playd/volume_drop/pricing")"),
      std::string::npos)
      << t.body;
  EXPECT_NE(t.body.find(R"("source":"playd","severity":"error")"), std::string::npos) << t.body;
  EXPECT_NE(t.body.find(R"("href":"http://playd/plays/pricing")"), std::string::npos) << t.body;
  AlertRequest r = alert_request(pd, drop("resolved"), "", 0);
  EXPECT_EQ(r.body,
            R"({"routing_key":"R0UTING","event_action":"resolve","dedup_key":"playd/volume_drop/pricing"})");
  AlertSinkConfig default_base{"pd", AlertSinkKind::PagerDuty, "", "k"};
  EXPECT_EQ(alert_request(default_base, drop("firing"), "", 0).url,
            "https://events.pagerduty.com/v2/enqueue");
}

TEST(AlertSinks, TheWebhookIsSignedWithStandardWebhooks) {
  AlertSinkConfig wh{"ops", AlertSinkKind::Webhook, "http://127.0.0.1:9/hook", "whsec_c2VjcmV0"};
  AlertRequest r = alert_request(wh, drop("firing"), "", 1781949600123);
  EXPECT_EQ(
      r.body.rfind(
          R"({"type":"alert.firing","timestamp":"2026-06-20T10:00:00.123Z","data":{"rule":"volume_drop")", 0),
      0u)
      << r.body;
  std::string id = header(r, "webhook-id"), ts = header(r, "webhook-timestamp");
  EXPECT_EQ(ts, "1781949600");
  EXPECT_EQ(id, "msg_playd_volume_drop_pricing_1781949600000_firing");
  EXPECT_EQ(header(r, "webhook-signature"), webhook_signature("whsec_c2VjcmV0", id, ts, r.body));
  // The resolve is another message (another id): receivers dedup retries, not states.
  EXPECT_NE(header(alert_request(wh, drop("resolved"), "", 0), "webhook-id"), id);
  wh.secret.clear();
  EXPECT_EQ(header(alert_request(wh, drop("firing"), "", 0), "webhook-signature"), "");
}

TEST(AlertSinks, SlackSaysWhatFiredEscaped) {
  AlertSinkConfig slack{"chat", AlertSinkKind::Slack, "http://127.0.0.1:9/slack", ""};
  AlertRequest r = alert_request(slack, drop("firing"), "", 0);
  EXPECT_NE(r.body.find(":rotating_light: *FIRING* `volume_drop` pricing"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("&lt;b&gt;"), std::string::npos) << r.body;
  EXPECT_NE(alert_request(slack, drop("resolved"), "", 0).body.find("*resolved*"), std::string::npos);
}

}  // namespace
}  // namespace play::sinks
