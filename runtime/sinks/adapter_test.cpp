#include "runtime/sinks/adapter.h"

#include <gtest/gtest.h>

#include "runtime/sinks/sink_test_util.h"

namespace play::sinks {
namespace {

PendingAction notify_action() {
  PendingAction a;
  a.key = "k1";
  a.play = "hot_lead";
  a.account = "acme.com";
  a.contact = "eve@acme.com";
  a.text = "*Eve* &lt;b&gt; read pricing";
  a.line = R"({"kind":"action","play":"hot_lead","action":"notify","signal":"sig 1","account":"acme.com",)"
           R"("contact":"eve@acme.com","args":{"channel":"#sales","text":"Eve \"<b>\" read pricing","n":3},)"
           R"("priority":"normal","key":"k1"})";
  return a;
}

SinkConfig slack_api() {
  SinkConfig c;
  c.name = "chat";
  c.kind = SinkKind::Slack;
  c.token = "xoxb-secret-token";
  c.base_url = "http://127.0.0.1:9/api/";
  return c;
}

using test::answer;

TEST(SlackApi, BuildsChatPostMessage) {
  auto ad = make_adapter(slack_api());
  VendorRequest req = ad->build(notify_action());
  EXPECT_EQ(req.error, "");
  EXPECT_EQ(req.call, "Slack chat.postMessage");
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "http://127.0.0.1:9/api/chat.postMessage");
  ASSERT_EQ(req.headers.size(), 1u);
  EXPECT_EQ(req.headers[0].first, "Authorization");
  EXPECT_EQ(req.headers[0].second, "Bearer xoxb-secret-token");
  EXPECT_EQ(req.body, R"({"channel":"#sales","text":"*Eve* &lt;b&gt; read pricing",)"
                      R"("metadata":{"event_type":"playd_action","event_payload":{"key":"k1"}}})");
}

TEST(SlackApi, BlocksLinkThePlayAndTheTrace) {
  SinkConfig c = slack_api();
  c.blocks = true;
  c.dashboard_url = "http://playd:8080/";
  std::string error;
  std::string body = slack_post_message_body(notify_action(), c, error);
  EXPECT_EQ(error, "");
  EXPECT_NE(
      body.find(
          R"("blocks":[{"type":"section","text":{"type":"mrkdwn","text":"*Eve* &lt;b&gt; read pricing"}})"),
      std::string::npos)
      << body;
  EXPECT_NE(body.find("<http://playd:8080/plays/hot_lead|Play hot_lead>"), std::string::npos) << body;
  EXPECT_NE(body.find("<http://playd:8080/v1/signals/sig%201/trace|Signal trace>"), std::string::npos)
      << body;
  c.dashboard_url = "";
  body = slack_post_message_body(notify_action(), c, error);
  EXPECT_EQ(body.find("context"), std::string::npos) << body;
}

TEST(SlackApi, NoChannelIsAnError) {
  PendingAction a = notify_action();
  a.line = R"({"kind":"action","play":"p","action":"task","args":{}})";
  auto ad = make_adapter(slack_api());
  EXPECT_NE(ad->build(a).error.find("no channel"), std::string::npos);
  SinkConfig c = slack_api();
  c.channel = "#fallback";
  EXPECT_EQ(make_adapter(c)->build(a).error, "");
}

TEST(SlackApi, MapsAnswers) {
  auto ad = make_adapter(slack_api());
  VendorRequest req = ad->build(notify_action());
  AttemptResult r = ad->interpret(req, answer(200, R"({"ok":true,"ts":"1.2"})"));
  EXPECT_EQ(r.kind, AttemptKind::Sent);

  r = ad->interpret(req, answer(200, R"({"ok":false,"error":"channel_not_found"})"));
  EXPECT_EQ(r.kind, AttemptKind::Failed);
  EXPECT_FALSE(r.retry);
  EXPECT_EQ(r.detail, R"(Slack chat.postMessage: 200 {"ok":false,"error":"channel_not_found"})");

  r = ad->interpret(req, answer(200, R"({"ok":false,"error":"invalid_auth"})"));
  EXPECT_FALSE(r.retry);
  EXPECT_EQ(r.detail.rfind("credentials rejected by Slack (invalid_auth): Slack chat.postMessage: 200", 0),
            0u)
      << r.detail;

  r = ad->interpret(req, answer(200, R"({"ok":false,"error":"internal_error"})"));
  EXPECT_TRUE(r.retry);

  r = ad->interpret(req, answer(401, "echo xoxb-secret-token"));
  EXPECT_EQ(r.detail, "credentials rejected by Slack: Slack chat.postMessage: 401 echo [redacted]");

  r = ad->interpret(req, answer(429, R"({"ok":false,"error":"ratelimited"})", 30000));
  EXPECT_EQ(r.http_status, 429);
  EXPECT_EQ(r.retry_after_ms, 30000);

  HttpResult none;
  none.error = "Timeout was reached";
  r = ad->interpret(req, none);
  EXPECT_TRUE(r.network_error);
  EXPECT_EQ(r.detail, "Slack chat.postMessage: no answer (Timeout was reached)");
}

// What the executor does with those results (retry.h).
TEST(SlackApi, AnswersBecomeRetriesOrTheDlq) {
  auto ad = make_adapter(slack_api());
  VendorRequest req = ad->build(notify_action());
  ExecutionOptions o;
  auto step = [&](const HttpResult& h) {
    return next_step(ad->interpret(req, h), 1, 0, SinkKind::Slack, o, 0);
  };
  EXPECT_EQ(step(answer(200, R"({"ok":false,"error":"not_in_channel"})")).status, "dlq");
  EXPECT_EQ(step(answer(403, "")).status, "dlq");
  EXPECT_EQ(step(answer(200, R"({"ok":false,"error":"internal_error"})")).status, "retrying");
  EXPECT_EQ(step(answer(503, "")).status, "retrying");
  NextStep s = step(answer(429, "", 600000));
  EXPECT_EQ(s.status, "retrying");
  EXPECT_EQ(s.next_ms, 600000);
}

TEST(SlackWebhook, PostsTextAndNamesTheCall) {
  SinkConfig c;
  c.kind = SinkKind::Slack;
  c.url = "https://hooks.slack.com/services/T/B/secret";
  auto ad = make_adapter(c);
  VendorRequest req = ad->build(notify_action());
  EXPECT_EQ(req.body, R"({"text":"*Eve* &lt;b&gt; read pricing"})");
  AttemptResult r = ad->interpret(req, answer(404, "channel_not_found"));
  EXPECT_EQ(r.detail, "Slack incoming webhook: 404 channel_not_found");
  r = ad->interpret(req, answer(403, "invalid_token"));
  EXPECT_EQ(r.detail, "credentials rejected by Slack: Slack incoming webhook: 403 invalid_token");
}

TEST(BodyTemplate, Checks) {
  EXPECT_EQ(check_body_template(R"({"t":"{action.play} for {action.args.owner}","k":"{action.key}"})"), "");
  EXPECT_NE(check_body_template(R"({"t":"{action.nope}"})").find("unknown placeholder {action.nope}"),
            std::string::npos);
  EXPECT_NE(check_body_template(R"({"t":"{action.args.}"})").find("unknown placeholder"), std::string::npos);
  EXPECT_NE(check_body_template(R"({"t":{action.play}})").find("not valid JSON"), std::string::npos);
  EXPECT_NE(check_body_template(R"(["{action.play"])").find("unterminated"), std::string::npos);
}

TEST(BodyTemplate, RendersEscapedValues) {
  std::string body = render_body_template(
      R"({"who":"{action.contact}","s":"{action.signal}","t":"{action.args.text}","n":"{action.args.n}",)"
      R"("x":"{action.args.missing}","a":"{action.action}"})",
      notify_action());
  EXPECT_EQ(
      body,
      R"({"who":"eve@acme.com","s":"sig 1","t":"Eve \"<b>\" read pricing","n":"3","x":"","a":"notify"})");
}

TEST(Webhook, DefaultBodyIsTheLineWithHeaders) {
  SinkConfig c;
  c.kind = SinkKind::Http;
  c.url = "http://x/";
  c.headers = {{"X-Api-Key", "k-secret-1"}};
  auto ad = make_adapter(c);
  PendingAction a = notify_action();
  VendorRequest req = ad->build(a);
  EXPECT_EQ(req.body, a.line);
  ASSERT_EQ(req.headers.size(), 2u);
  EXPECT_EQ(req.headers[1].first, "X-Api-Key");
  EXPECT_EQ(ad->interpret(req, answer(400, "bad key k-secret-1")).detail, "bad key [redacted]");
}

}  // namespace
}  // namespace play::sinks

namespace play::sinks {
namespace {

TEST(HubSpot, SearchBody) {
  EXPECT_EQ(hubspot_search_body("playd_key", "k\"1"),
            R"({"filterGroups":[{"filters":[{"propertyName":"playd_key","operator":"EQ","value":"k\"1"}]}],)"
            R"("properties":["playd_key"],"limit":1})");
}

TEST(HubSpot, TaskBody) {
  EXPECT_EQ(
      hubspot_task_body("Call Eve", 1700000000000, "42", "playd_key", "k1", "101", "202"),
      R"({"properties":{"hs_task_subject":"Call Eve","hs_timestamp":"1700000000000",)"
      R"("hubspot_owner_id":"42","hs_task_status":"NOT_STARTED","playd_key":"k1"},"associations":[)"
      R"({"to":{"id":"101"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":204}]},)"
      R"({"to":{"id":"202"},"types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":192}]}]})");
  // No owner, no contact, no company: unassigned, no associations.
  EXPECT_EQ(hubspot_task_body("s", 1, "", "pk", "k1", "", ""),
            R"({"properties":{"hs_task_subject":"s","hs_timestamp":"1",)"
            R"("hs_task_status":"NOT_STARTED","pk":"k1"},"associations":[]})");
}

TEST(HubSpot, SearchFirstId) {
  EXPECT_EQ(hubspot_search_first_id(R"({"total":1,"results":[{"id":"77","properties":{}}]})"), "77");
  EXPECT_EQ(hubspot_search_first_id(R"({"results":[{"id":5}]})"), "5");
  EXPECT_EQ(hubspot_search_first_id(R"({"total":0,"results":[]})"), "");
  EXPECT_EQ(hubspot_search_first_id("not json"), "");
}

SinkConfig hubspot() {
  SinkConfig c;
  c.name = "crm";
  c.kind = SinkKind::HubSpot;
  c.token = "pat-na1-secret-token";
  c.base_url = "http://127.0.0.1:9";
  return c;
}

TEST(HubSpot, AnswersMapToRetryOrDlq) {
  auto ad = make_adapter(hubspot());
  VendorRequest req;
  req.call = "HubSpot tasks create";
  ExecutionOptions o;
  auto step = [&](const HttpResult& h) {
    return next_step(ad->interpret(req, h), 1, 0, SinkKind::HubSpot, o, 0);
  };
  EXPECT_EQ(step(answer(201, "{}")).result, "sent");
  NextStep s401 = step(answer(401, "bad pat-na1-secret-token"));
  EXPECT_EQ(s401.result, "dlq");
  EXPECT_NE(s401.detail.find("credentials rejected by HubSpot"), std::string::npos) << s401.detail;
  EXPECT_EQ(s401.detail.find("pat-na1-secret-token"), std::string::npos) << s401.detail;
  EXPECT_EQ(step(answer(403, "")).result, "dlq");
  EXPECT_EQ(step(answer(429, "", 5000)).result, "retry");
  EXPECT_EQ(step(answer(503, "")).result, "retry");
  NextStep s400 = step(answer(400, R"({"message":"Property values were not valid"})"));
  EXPECT_EQ(s400.result, "dlq");
  EXPECT_NE(s400.detail.find("HubSpot tasks create: 400 {\"message\""), std::string::npos) << s400.detail;
  HttpResult timeout;
  timeout.error = "timed out";
  EXPECT_EQ(step(timeout).result, "retry");
}

TEST(HubSpot, OtherActionsAndMissingArgsGoToTheDlq) {
  http_global_init();
  HttpClient client;
  auto ad = make_adapter(hubspot());
  ExecutionOptions o;
  PendingAction a = notify_action();  // "notify": no HTTP call is made
  AttemptResult r = ad->deliver(a, client);
  EXPECT_EQ(r.kind, AttemptKind::Failed);
  EXPECT_EQ(r.detail, "HubSpot: action 'notify' not supported yet");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::HubSpot, o, 0).result, "dlq");
  a.line = R"({"kind":"action","play":"p","action":"task","args":{"owner":"o@x.com"},"key":"k1"})";
  r = ad->deliver(a, client);
  EXPECT_EQ(r.detail, "HubSpot: a task needs a subject");
  a.line =
      R"({"kind":"action","play":"p","action":"task","args":{"subject":"s","owner":"o@x.com","due":"soon"}})";
  r = ad->deliver(a, client);
  EXPECT_EQ(r.detail, "HubSpot: due is not a duration: soon");
}

}  // namespace
}  // namespace play::sinks
