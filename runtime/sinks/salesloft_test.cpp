#include "runtime/sinks/salesloft.h"

#include <gtest/gtest.h>

#include "runtime/sinks/adapter.h"
#include "runtime/sinks/retry.h"
#include "runtime/sinks/sink_test_util.h"

namespace play::sinks {
namespace {

SinkConfig salesloft() {
  SinkConfig c;
  c.name = "sequencer";
  c.kind = SinkKind::Salesloft;
  c.token = "ak_salesloft_secret_0123";
  c.base_url = "http://127.0.0.1:9/";  // nothing listens: a call is a network error
  return c;
}

PendingAction enroll(const std::string& args, const std::string& contact = "eve@acme.com") {
  return test::action("enroll", args, contact, "acme.com");
}

using test::answer;

TEST(Salesloft, FindsTheRecordWithTheExactValue) {
  std::string people = R"({"data":[{"id":11,"email_address":"other@acme.com"},)"
                       R"({"id":12,"email_address":"Eve@Acme.com"}],"metadata":{}})";
  EXPECT_EQ(salesloft_find_id(people, "email_address", "eve@acme.com", true), "12");
  EXPECT_EQ(salesloft_find_id(people, "email_address", "eve@acme.com", false), "");
  EXPECT_EQ(salesloft_find_id(people, "email_address", "bob@acme.com", true), "");
  // Cadence names: exact, not a prefix or a substring.
  std::string cadences = R"({"data":[{"id":7,"name":"Ent pricing v2"},{"id":8,"name":"Ent pricing"}]})";
  EXPECT_EQ(salesloft_find_id(cadences, "name", "Ent pricing", false), "8");
  EXPECT_EQ(salesloft_find_id(cadences, "name", "Ent", false), "");
  EXPECT_EQ(salesloft_find_id(R"({"data":[]})", "name", "x", false), "");
  EXPECT_EQ(salesloft_find_id("not json", "name", "x", false), "");
  EXPECT_EQ(
      salesloft_find_id(R"({"data":[{"id":"u-5","email":"rep@acme.com"}]})", "email", "REP@acme.com", true),
      "u-5");
}

TEST(Salesloft, ReadsSingleRecordsAndCurrentMemberships) {
  EXPECT_EQ(salesloft_data_id(R"({"data":{"id":98765,"currently_on_cadence":true}})"), "98765");
  EXPECT_EQ(salesloft_data_id(R"({"data":[{"id":1}]})"), "");
  EXPECT_EQ(salesloft_data_id("{}"), "");
  // Only a membership currently on the cadence counts: one that finished or was removed does not.
  EXPECT_EQ(
      salesloft_current_membership(R"({"data":[{"id":3,"currently_on_cadence":false,)"
                                   R"("current_state":"completed"},{"id":4,"currently_on_cadence":true}]})"),
      "4");
  EXPECT_EQ(salesloft_current_membership(R"({"data":[{"id":3,"currently_on_cadence":false}]})"), "");
  EXPECT_EQ(salesloft_current_membership(R"({"data":[]})"), "");
}

TEST(Salesloft, RequestShapes) {
  EXPECT_EQ(salesloft_person_body("eve@acme.com"), R"({"email_address":"eve@acme.com"})");
  EXPECT_EQ(salesloft_person_body("a\"b@x.com"), R"({"email_address":"a\"b@x.com"})");
  EXPECT_EQ(salesloft_memberships_url("https://api.salesloft.com/", "12", "8", "5", false),
            "https://api.salesloft.com/v2/cadence_memberships?person_id=12&cadence_id=8&user_id=5");
  EXPECT_EQ(salesloft_memberships_url("https://api.salesloft.com", "12", "8", "", false),
            "https://api.salesloft.com/v2/cadence_memberships?person_id=12&cadence_id=8");
  EXPECT_EQ(
      salesloft_memberships_url("https://api.salesloft.com", "12", "8", "5", true),
      "https://api.salesloft.com/v2/cadence_memberships?person_id=12&cadence_id=8&currently_on_cadence=true");
}

TEST(Salesloft, AnswersMapToRetryOrDlq) {
  auto ad = make_adapter(salesloft());
  VendorRequest req;
  req.call = "Salesloft cadence memberships create";
  ExecutionOptions o;
  auto step = [&](const HttpResult& h) {
    return next_step(ad->interpret(req, h), 1, 0, SinkKind::Salesloft, o, 0);
  };
  EXPECT_EQ(step(answer(200, R"({"data":{"id":1}})")).result, "sent");
  NextStep s401 = step(answer(401, "bad key ak_salesloft_secret_0123"));
  EXPECT_EQ(s401.result, "dlq");
  EXPECT_NE(s401.detail.find("credentials rejected by Salesloft: Salesloft cadence memberships create: 401"),
            std::string::npos)
      << s401.detail;
  EXPECT_EQ(s401.detail.find("ak_salesloft_secret_0123"), std::string::npos) << s401.detail;
  EXPECT_NE(step(answer(403, "")).detail.find("credentials rejected by Salesloft"), std::string::npos);
  NextStep s429 = step(answer(429, "", 30000));
  EXPECT_EQ(s429.result, "retry");
  EXPECT_EQ(s429.next_ms, 60000);  // the schedule's first step (60 s) is longer than Retry-After (30 s)
  EXPECT_EQ(step(answer(429, "", 120000)).next_ms, 120000);  // Retry-After, when longer, wins
  EXPECT_EQ(step(answer(500, "")).result, "retry");
  NextStep s422 = step(answer(422, R"({"errors":{"cadence":["is archived"]}})"));
  EXPECT_EQ(s422.result, "dlq");
  EXPECT_NE(s422.detail.find("Salesloft cadence memberships create: 422 {\"errors\""), std::string::npos)
      << s422.detail;
  HttpResult timeout;
  timeout.error = "timed out";
  EXPECT_EQ(step(timeout).result, "retry");
}

TEST(Salesloft, RefusesWhatItCannotEnroll) {
  http_global_init();
  HttpClient client;
  auto ad = make_adapter(salesloft());
  ExecutionOptions o;
  PendingAction a = enroll(R"({"sequence":"Ent"})");
  a.line = R"({"kind":"action","play":"p","action":"task","args":{"subject":"s"},"key":"k1"})";
  AttemptResult r = ad->deliver(a, client);  // no HTTP call is made
  EXPECT_EQ(r.kind, AttemptKind::Failed);
  EXPECT_EQ(r.detail, "Salesloft: action 'task' not supported yet");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Salesloft, o, 0).result, "dlq");
  r = ad->deliver(enroll(R"({"rep":"rep@acme.com"})"), client);
  EXPECT_EQ(r.detail, "Salesloft: an enroll needs a sequence (a cadence name or id)");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Salesloft, o, 0).result, "dlq");
  r = ad->deliver(enroll(R"({"sequence":"Ent"})", ""), client);
  EXPECT_EQ(r.detail, "Salesloft: an enroll needs a contact (the person's email)");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Salesloft, o, 0).result, "dlq");
  // With everything there, the first call is made: nothing listens, so it is retried.
  r = ad->deliver(enroll(R"({"sequence":"Ent","rep":"rep@acme.com"})"), client);
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Salesloft, o, 0).result, "retry") << r.detail;
  EXPECT_NE(r.detail.find("Salesloft people list: no answer"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace play::sinks
