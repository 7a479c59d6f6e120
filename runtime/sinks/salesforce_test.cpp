#include "runtime/sinks/salesforce.h"

#include <gtest/gtest.h>

#include "common/time/time.h"
#include "runtime/sinks/adapter.h"

namespace play::sinks {
namespace {

TEST(Salesforce, SoqlLiteralsAreEscaped) {
  EXPECT_EQ(soql_literal("eve@bigco.com"), "'eve@bigco.com'");
  EXPECT_EQ(soql_literal("o'brien@x.com"), R"('o\'brien@x.com')");
  EXPECT_EQ(soql_literal(R"(a\b)"), R"('a\\b')");
  // A quote after a backslash stays escaped: no way out of the literal.
  EXPECT_EQ(soql_literal(R"(\' OR Id != ')"), R"('\\\' OR Id != \'')");
  EXPECT_EQ(soql_literal("a\"b\nc"), R"('a\"b\nc')");
  // LIKE's wildcards only in a LIKE pattern.
  EXPECT_EQ(soql_literal("my_co%.com"), "'my_co%.com'");
  EXPECT_EQ(soql_literal("my_co%.com", true), R"('my\_co\%.com')");
}

TEST(Salesforce, LookupQueries) {
  EXPECT_EQ(salesforce_lookup_soql("User", "Email", "rep@bigco.com", "IsActive = true"),
            "SELECT Id FROM User WHERE Email = 'rep@bigco.com' AND IsActive = true LIMIT 1");
  EXPECT_EQ(salesforce_lookup_soql("Contact", "Email", "o'hara@bigco.com"),
            R"(SELECT Id FROM Contact WHERE Email = 'o\'hara@bigco.com' LIMIT 1)");
  EXPECT_EQ(
      salesforce_account_soql("big_co.com"),
      "SELECT Id FROM Account WHERE (Website = 'big_co.com' OR Website LIKE 'big\\_co.com/%' OR "
      "Website LIKE '%.big\\_co.com' OR Website LIKE '%.big\\_co.com/%' OR Website LIKE '%/big\\_co.com' OR "
      "Website LIKE '%/big\\_co.com/%') ORDER BY CreatedDate LIMIT 1");
  EXPECT_EQ(
      salesforce_query_url("https://acme.my.salesforce.com/", "v60.0",
                           "SELECT Id FROM User WHERE Email = 'a'"),
      "https://acme.my.salesforce.com/services/data/v60.0/query?q=SELECT%20Id%20FROM%20User%20WHERE%20Email%"
      "20%3D%20%27a%27");
}

TEST(Salesforce, UpsertUrlEscapesTheKey) {
  EXPECT_EQ(salesforce_upsert_url("https://acme.my.salesforce.com", "v60.0", "Playd_Key__c",
                                  "0123456789abcdef0123456789abcdef"),
            "https://acme.my.salesforce.com/services/data/v60.0/sobjects/Task/Playd_Key__c/"
            "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(salesforce_upsert_url("http://127.0.0.1:9", "v61.0", "Playd_Key__c", "a/b c?d#e"),
            "http://127.0.0.1:9/services/data/v61.0/sobjects/Task/Playd_Key__c/a%2Fb%20c%3Fd%23e");
}

TEST(Salesforce, ActivityDateIsTheUtcDay) {
  EXPECT_EQ(salesforce_date(0), "1970-01-01");
  int64_t ms = 0;
  ASSERT_TRUE(parse_timestamp("2026-06-21T23:59:59Z", ms));
  EXPECT_EQ(salesforce_date(ms), "2026-06-21");
  ASSERT_TRUE(parse_timestamp("2026-06-21T23:30:00-02:00", ms));  // already the 22nd in UTC
  EXPECT_EQ(salesforce_date(ms), "2026-06-22");
  ASSERT_TRUE(parse_timestamp("2028-02-28T12:00:00Z", ms));
  EXPECT_EQ(salesforce_date(ms + 24 * 3600 * 1000), "2028-02-29");
}

TEST(Salesforce, TaskBody) {
  EXPECT_EQ(
      salesforce_task_body("Call \"Eve\"", "2026-06-22", "005A", "003B", "001C"),
      R"({"Subject":"Call \"Eve\"","ActivityDate":"2026-06-22","Status":"Not Started","Priority":"Normal",)"
      R"("OwnerId":"005A","WhoId":"003B","WhatId":"001C"})");
  // Without owner, who or what: the fields are left out (never sent empty).
  EXPECT_EQ(salesforce_task_body("s", "2026-06-22", "", "00QL", ""),
            R"({"Subject":"s","ActivityDate":"2026-06-22","Status":"Not Started","Priority":"Normal",)"
            R"("WhoId":"00QL"})");
  std::string long_subject(300, 'x');
  EXPECT_NE(salesforce_task_body(long_subject, "d", "", "", "").find("\"" + std::string(255, 'x') + "\""),
            std::string::npos);
  EXPECT_EQ(salesforce_task_body(long_subject, "d", "", "", "").find(std::string(256, 'x')),
            std::string::npos);
}

TEST(Salesforce, Answers) {
  EXPECT_EQ(salesforce_first_id(R"({"totalSize":1,"done":true,"records":[{"attributes":{"type":"User"},)"
                                R"("Id":"005000000000001AAA"}]})"),
            "005000000000001AAA");
  EXPECT_EQ(salesforce_first_id(R"({"totalSize":0,"done":true,"records":[]})"), "");
  EXPECT_EQ(salesforce_first_id("oops"), "");
  EXPECT_EQ(salesforce_errors(R"([{"message":"Required fields are missing: [Subject]",)"
                              R"("errorCode":"REQUIRED_FIELD_MISSING","fields":["Subject"]}])"),
            "REQUIRED_FIELD_MISSING: Required fields are missing: [Subject] (fields: Subject)");
  EXPECT_EQ(
      salesforce_errors(R"([{"message":"a","errorCode":"X","fields":[]},{"message":"b","errorCode":"Y"}])"),
      "X: a; Y: b");
  EXPECT_EQ(salesforce_errors(R"({"error":"invalid_client"})"), "");
}

// 403 REQUEST_LIMIT_EXCEEDED is the org's API limit: the adapter marks the attempt transient, and
// next_step retries it though a 403 otherwise goes to the DLQ at once.
TEST(Salesforce, ATransient403IsRetried) {
  ExecutionOptions o;
  AttemptResult r;
  r.kind = AttemptKind::Failed;
  r.http_status = 403;
  r.detail = "Salesforce task upsert: 403 REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.";
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Salesforce, o, 0).result, "dlq");
  r.retry = true;
  NextStep s = next_step(r, 1, 0, SinkKind::Salesforce, o, 0);
  EXPECT_EQ(s.result, "retry");
  EXPECT_EQ(s.next_ms, 60000);
  EXPECT_EQ(next_step(r, o.max_attempts, 0, SinkKind::Salesforce, o, 0).result,
            "dlq");  // the budget still holds
}

SinkConfig salesforce() {
  SinkConfig c;
  c.name = "crm";
  c.kind = SinkKind::Salesforce;
  c.client_id = "3MVG9-client-id";
  c.client_secret = "sf-client-SECRET";
  c.base_url = "http://127.0.0.1:9";
  return c;
}

TEST(Salesforce, OtherActionsAndMissingArgsGoToTheDlq) {
  http_global_init();
  HttpClient client;
  auto ad = make_adapter(salesforce());
  ExecutionOptions o;
  PendingAction a;
  a.key = "k1";
  a.line = R"({"kind":"action","play":"p","action":"enroll","args":{"sequence":"s"},"key":"k1"})";
  AttemptResult r = ad->deliver(a, client);  // no HTTP call is made
  EXPECT_EQ(r.kind, AttemptKind::Failed);
  EXPECT_EQ(r.detail, "Salesforce: action 'enroll' not supported yet");
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Salesforce, o, 0).result, "dlq");
  a.line = R"({"kind":"action","play":"p","action":"task","args":{"owner":"o@x.com"},"key":"k1"})";
  EXPECT_EQ(ad->deliver(a, client).detail, "Salesforce: a task needs a subject");
  a.line = R"({"kind":"action","play":"p","action":"task","args":{"subject":"s","due":"soon"},"key":"k1"})";
  EXPECT_EQ(ad->deliver(a, client).detail, "Salesforce: due is not a duration: soon");
  // Nothing listens on port 9: the token request has no answer, retried.
  a.line = R"({"kind":"action","play":"p","action":"task","args":{"subject":"s"},"key":"k1"})";
  r = ad->deliver(a, client);
  EXPECT_EQ(r.detail.rfind("Salesforce token: no answer", 0), 0u) << r.detail;
  EXPECT_EQ(next_step(r, 1, 0, SinkKind::Salesforce, o, 0).result, "retry");
  EXPECT_EQ(ad->redact("x sf-client-SECRET y"), "x [redacted] y");
}

}  // namespace
}  // namespace play::sinks
