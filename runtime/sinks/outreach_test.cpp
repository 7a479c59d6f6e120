#include "runtime/sinks/outreach.h"

#include <gtest/gtest.h>

#include "runtime/sinks/adapter.h"
#include "runtime/sinks/sink_test_util.h"

namespace play::sinks {
namespace {

SinkConfig outreach() {
  SinkConfig c;
  c.name = "sequencer";
  c.kind = SinkKind::Outreach;
  c.token = "outreach-secret-access-token";
  c.base_url = "http://127.0.0.1:9/api/v2";
  return c;
}

PendingAction enroll_action(const std::string& args, const std::string& contact = "eve@bigco.com") {
  return test::action("enroll", args, contact, "bigco.com");
}

TEST(Outreach, LookupUrls) {
  const std::string b = "https://api.outreach.io/api/v2";
  EXPECT_EQ(outreach_prospect_url(b, "eve+x@bigco.com"),
            b + "/prospects?filter[emails]=eve%2Bx%40bigco.com&fields[prospect]=emails&page[size]=1");
  EXPECT_EQ(outreach_sequence_url(b, "Inbound MQL & Co"),
            b + "/sequences?filter[name]=Inbound%20MQL%20%26%20Co&fields[sequence]=name&page[size]=1");
  EXPECT_EQ(outreach_mailbox_url(b, "rep@acme.com"),
            b + "/mailboxes?filter[email]=rep%40acme.com&fields[mailbox]=email&page[size]=1");
  EXPECT_EQ(outreach_state_url(b, "12", "34"),
            b + "/sequenceStates?filter[prospect][id]=12&filter[sequence][id]=34&fields[sequenceState]=state"
                "&page[size]=1");
}

TEST(Outreach, Bodies) {
  EXPECT_EQ(outreach_prospect_body("eve\"@bigco.com"),
            R"({"data":{"type":"prospect","attributes":{"emails":["eve\"@bigco.com"]}}})");
  EXPECT_EQ(outreach_sequence_state_body("12", "34", "56"),
            R"({"data":{"type":"sequenceState","relationships":{)"
            R"("prospect":{"data":{"type":"prospect","id":12}},)"
            R"("sequence":{"data":{"type":"sequence","id":34}},)"
            R"("mailbox":{"data":{"type":"mailbox","id":56}}}}})");
  // A non-numeric id stays a string.
  EXPECT_NE(outreach_sequence_state_body("p-1", "34", "56").find(R"("id":"p-1")"), std::string::npos);
}

TEST(Outreach, ReadsAnswers) {
  std::string id, state;
  EXPECT_TRUE(outreach_data_id(R"({"data":[{"type":"prospect","id":12,"attributes":{}}],"meta":{}})", id));
  EXPECT_EQ(id, "12");
  EXPECT_TRUE(outreach_data_id(
      R"({"data":{"type":"sequenceState","id":"77","attributes":{"state":"active"}}})", id, &state));
  EXPECT_EQ(id, "77");
  EXPECT_EQ(state, "active");
  EXPECT_TRUE(outreach_data_id(R"({"data":[]})", id));
  EXPECT_EQ(id, "");
  EXPECT_FALSE(outreach_data_id(R"({"data":[{"type":"prospect","id":12,"attri)", id));  // cut short
  EXPECT_FALSE(outreach_data_id("<html>502</html>", id));
  EXPECT_FALSE(outreach_data_id(R"({"errors":[]})", id));

  std::string dup = R"({"errors":[{"id":"validationError","title":"Validation Error",)"
                    R"("detail":"Prospect is already in this sequence"}]})";
  EXPECT_EQ(outreach_error_details(dup), "Prospect is already in this sequence");
  EXPECT_TRUE(outreach_already_enrolled(dup));
  std::string other = R"({"errors":[{"title":"Validation Error","detail":"Mailbox is not set up"},)"
                      R"({"title":"Validation Error"}]})";
  EXPECT_EQ(outreach_error_details(other), "Mailbox is not set up; Validation Error");
  EXPECT_FALSE(outreach_already_enrolled(other));
  EXPECT_EQ(outreach_error_details("not json"), "");
  EXPECT_FALSE(outreach_already_enrolled("already, but not JSON:API"));
}

TEST(Outreach, RefusedBeforeAnyCall) {
  http_global_init();
  HttpClient client;
  auto ad = make_adapter(outreach());
  ExecutionOptions o;
  PendingAction task = enroll_action(R"({"subject":"s"})");
  task.line =
      R"({"kind":"action","play":"p","action":"task","contact":"eve@bigco.com","args":{"subject":"s"}})";
  AttemptResult r = ad->deliver(task, client);
  EXPECT_EQ(r.kind, AttemptKind::Failed);
  EXPECT_EQ(r.detail, "Outreach: action 'task' not supported yet");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Outreach, o, 0).result, "dlq");

  r = ad->deliver(enroll_action(R"({"sequence":"Inbound","rep":"rep@acme.com"})", ""), client);
  EXPECT_EQ(r.detail, "Outreach: an enrollment needs a contact (the prospect's email); this action has none");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Outreach, o, 0).result, "dlq");

  r = ad->deliver(enroll_action(R"({"sequence":"Inbound","rep":null})"), client);
  EXPECT_EQ(r.detail, "Outreach: no rep for the enrollment (no rep argument, no default_mailbox)");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Outreach, o, 0).result, "dlq");

  r = ad->deliver(enroll_action(R"({"rep":"rep@acme.com"})"), client);
  EXPECT_EQ(r.detail, "Outreach: an enrollment needs a sequence");
}

TEST(Outreach, NoAnswerIsRetriedAndNamesTheCall) {
  http_global_init();
  HttpClient client;
  SinkConfig c = outreach();
  c.default_mailbox = "rep@acme.com";  // no rep argument: the sink's mailbox
  c.timeout_ms = 2000;
  auto ad = make_adapter(c);
  ExecutionOptions o;
  AttemptResult r = ad->deliver(enroll_action(R"({"sequence":"Inbound"})"), client);
  EXPECT_EQ(r.kind, AttemptKind::Failed);
  EXPECT_TRUE(r.network_error);
  EXPECT_EQ(r.detail.rfind("Outreach prospects lookup: no answer", 0), 0u) << r.detail;
  EXPECT_EQ(r.detail.find("outreach-secret-access-token"), std::string::npos) << r.detail;
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Outreach, o, 0).result, "retry");
}

TEST(Outreach, AnswersMapToRetryOrDlq) {
  auto ad = make_adapter(outreach());
  VendorRequest req;
  req.call = "Outreach sequenceStates create";
  ExecutionOptions o;
  auto step = [&](const HttpResult& h) {
    return next_step(ad->interpret(req, h), 1, 0, SinkKind::Outreach, o, 0);
  };
  HttpResult h;
  h.status = 401;
  h.body = R"({"errors":[{"detail":"token outreach-secret-access-token expired"}]})";
  NextStep s = step(h);
  EXPECT_EQ(s.result, "dlq");
  EXPECT_EQ(s.detail.rfind("credentials rejected by Outreach: Outreach sequenceStates create: 401", 0), 0u)
      << s.detail;
  EXPECT_EQ(s.detail.find("outreach-secret-access-token"), std::string::npos) << s.detail;
  h.status = 429;
  h.retry_after_ms = 1000;
  EXPECT_EQ(step(h).result, "retry");
  h.status = 500;
  EXPECT_EQ(step(h).result, "retry");
  h.status = 422;
  EXPECT_EQ(step(h).result, "dlq");
}

}  // namespace
}  // namespace play::sinks
