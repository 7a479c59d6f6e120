// HubSpot's sequence enrollments (v4): the bodies, URLs and answers the
// enroll flow reads (runtime/sinks/hubspot.cpp), and the refusals made
// before any call. The flow itself runs against a fake HubSpot in
// tests/playd/hubspot_enroll_test.py.
#include <gtest/gtest.h>

#include "runtime/sinks/adapter.h"
#include "runtime/sinks/sink_test_util.h"

namespace play::sinks {
namespace {

SinkConfig hubspot_sink(const std::string& default_sender = "") {
  SinkConfig c;
  c.name = "sequencer";
  c.kind = SinkKind::HubSpot;
  c.token = "pat-na1-secret-token";
  c.base_url = "http://127.0.0.1:9";  // nothing listens: a call is "no answer"
  c.default_sender = default_sender;
  return c;
}

PendingAction enroll_action(const std::string& args, const std::string& contact = "eve@acme.com") {
  return test::action("enroll", args, contact, "acme.com", "mql");
}

TEST(HubSpotEnroll, EnrollmentBody) {
  EXPECT_EQ(hubspot_enrollment_body("123", "101", "ava@acme.com"),
            R"({"sequenceId":"123","contactId":"101","senderEmail":"ava@acme.com"})");
  EXPECT_EQ(hubspot_enrollment_body("1", "2", "a\"b@x.com"),
            R"({"sequenceId":"1","contactId":"2","senderEmail":"a\"b@x.com"})");
}

TEST(HubSpotEnroll, Urls) {
  EXPECT_EQ(hubspot_enrollments_url("https://api.hubapi.com", "9001"),
            "https://api.hubapi.com/automation/v4/sequences/enrollments?userId=9001");
  EXPECT_EQ(hubspot_contact_enrollments_url("https://api.hubapi.com", "101"),
            "https://api.hubapi.com/automation/v4/sequences/enrollments/contact/101");
  EXPECT_EQ(hubspot_sequences_url("http://h", "9001", ""),
            "http://h/automation/v4/sequences/?limit=100&userId=9001");
  EXPECT_EQ(hubspot_sequences_url("http://h", "9001", "eyJ=/+"),
            "http://h/automation/v4/sequences/?limit=100&userId=9001&after=eyJ%3D%2F%2B");
}

TEST(HubSpotEnroll, OwnerUserIdIsNotTheOwnerId) {
  std::string body = R"({"results":[{"id":"41629779","email":"ava@acme.com","userId":9586504}]})";
  EXPECT_EQ(hubspot_search_first_id(body), "41629779");
  EXPECT_EQ(hubspot_owner_user_id(body), "9586504");
  EXPECT_EQ(hubspot_owner_user_id(R"({"results":[{"id":"1","userId":"77"}]})"), "77");
  EXPECT_EQ(hubspot_owner_user_id(R"({"results":[{"id":"1"}]})"), "");  // a queue, or no user
  EXPECT_EQ(hubspot_owner_user_id(R"({"results":[]})"), "");
  EXPECT_EQ(hubspot_owner_user_id("nope"), "");
}

TEST(HubSpotEnroll, SequencesPage) {
  std::map<std::string, std::string> names;
  std::string after;
  hubspot_sequences_page(R"({"total":3,"results":[{"id":"11","name":"MQL fast follow","userId":"9"},)"
                         R"({"id":12,"name":"Trial"}],"paging":{"next":{"after":"MTA=","link":"x"}}})",
                         names, after);
  EXPECT_EQ(after, "MTA=");
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names["MQL fast follow"], "11");
  EXPECT_EQ(names["Trial"], "12");
  hubspot_sequences_page(
      R"({"total":3,"results":[{"id":"13","name":"Trial"},{"id":"14","name":"Win-back"}]})", names, after);
  EXPECT_EQ(after, "");             // the last page
  EXPECT_EQ(names["Trial"], "12");  // two of one name: the first listed
  EXPECT_EQ(names["Win-back"], "14");
  hubspot_sequences_page("not json", names, after);
  EXPECT_EQ(after, "");
  EXPECT_EQ(names.size(), 3u);
}

TEST(HubSpotEnroll, ContactEnrollments) {
  auto one = hubspot_enrollments(R"({"enrolledAt":"2024-01-15T10:30:00Z","enrolledBy":"123",)"
                                 R"("enrolledByEmail":"ava@acme.com","id":"98765","sequenceId":"555",)"
                                 R"("sequenceName":"Inbound follow-up","toEmail":"eve@acme.com"})");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].id, "98765");
  EXPECT_EQ(one[0].sequence_id, "555");
  EXPECT_EQ(one[0].sequence_name, "Inbound follow-up");
  auto list = hubspot_enrollments(R"({"results":[{"id":1,"sequenceId":2},{"id":"3"}]})");
  ASSERT_EQ(list.size(), 1u);  // the one without a sequenceId is skipped
  EXPECT_EQ(list[0].sequence_id, "2");
  EXPECT_TRUE(hubspot_enrollments("{}").empty());
  EXPECT_TRUE(hubspot_enrollments("").empty());
}

TEST(HubSpotEnroll, AlreadyEnrolledRefusal) {
  EXPECT_TRUE(hubspot_already_enrolled(
      R"({"status":"error","category":"VALIDATION_ERROR","message":"Contact is already enrolled in a sequence"})"));
  EXPECT_TRUE(hubspot_already_enrolled(R"({"subCategory":"ALREADY_ENROLLED"})"));
  EXPECT_FALSE(hubspot_already_enrolled(R"({"message":"Sequence 12 not found"})"));
}

TEST(HubSpotEnroll, RefusedBeforeAnyCall) {
  http_global_init();
  HttpClient client;
  ExecutionOptions o;
  auto ad = make_adapter(hubspot_sink());
  AttemptResult r = ad->deliver(enroll_action(R"({"rep":"ava@acme.com"})"), client);
  EXPECT_EQ(r.kind, AttemptKind::Failed);
  EXPECT_EQ(r.detail, "HubSpot: an enrollment needs a sequence");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::HubSpot, o, 0).result, "dlq");
  r = ad->deliver(enroll_action(R"({"sequence":"12","rep":"ava@acme.com"})", ""), client);
  EXPECT_EQ(r.detail, "HubSpot: an enrollment needs a contact (the action has none)");
  r = ad->deliver(enroll_action(R"({"sequence":"12","rep":null})"), client);
  EXPECT_EQ(r.detail, "HubSpot: no rep for the enrollment (no rep argument, no default_sender)");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::HubSpot, o, 0).result, "dlq");
}

TEST(HubSpotEnroll, TheRepOrTheDefaultSenderIsLookedUp) {
  http_global_init();
  HttpClient client;
  ExecutionOptions o;
  // No rep: the sink's default_sender; the owners call gets no answer here
  // (nothing listens), which is retried.
  auto ad = make_adapter(hubspot_sink("sdr@acme.com"));
  AttemptResult r = ad->deliver(enroll_action(R"({"sequence":"MQL fast follow"})"), client);
  EXPECT_EQ(r.kind, AttemptKind::Failed);
  EXPECT_NE(r.detail.find("HubSpot owners: no answer"), std::string::npos) << r.detail;
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::HubSpot, o, 0).result, "retry");
}

}  // namespace
}  // namespace play::sinks
