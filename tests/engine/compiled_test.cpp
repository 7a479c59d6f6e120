// End to end from source: .play text -> checker -> codegen -> engine. The
// LANGUAGE.md section 5 example, run over signals as `playc run` would.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "compiler/codegen/codegen.h"
#include "compiler/sema/project.h"
#include "tests/engine/harness.h"

namespace play::engine::testing {
namespace {

const char* kSource = R"PLAY(
list competitor_domains = ["rival.io"]
pool ent_sdrs = ["sam@acme.com", "kim@acme.com"]

icp enterprise = account.employees >= 500 and account.country in ["US", "CA", "GB"]

suppress {
  contact.do_not_contact                       as "do not contact"
  account.open_opportunity                     as "open opportunity"
  contact.email_domain in competitor_domains   as "competitor employee"
  now - contact.last_enrolled_at < 30d         as "recently enrolled"
}

play pricing_visit_enterprise {
  title    "Enterprise pricing-page visit"
  owner    "revops@acme.com"
  oncall   "#gtm-oncall"
  runbook  "https://wiki.acme.com/runbooks/pricing-visit"
  priority high

  on website.page_viewed
  where signal.category == "pricing"
  where icp enterprise
  unless account.tier == "strategic" as "strategic accounts are hand-run"
  unless suppressed
  unless fired within 4h
  let rep = account.owner ?? round_robin(ent_sdrs)
  do enroll(sequence: "ent-pricing-followup", rep: rep)
  do notify(channel: "#ent-alerts", text: "{contact.name} at {account.name} viewed pricing")
}
)PLAY";

bool compile(vm::Bundle& bundle, std::string& errors, const char* source = kSource) {
  auto dir = std::filesystem::temp_directory_path() / ("engine_compiled_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / "pricing.play";
  std::ofstream(path) << source;
  sema::Project project;
  Diagnostics diags;
  bool ok = sema::load_project({path.string()}, project, diags) && !diags.has_errors() &&
            codegen::generate(project, bundle, diags);
  for (const Diagnostic& d : diags.all())
    if (d.severity == Severity::Error) errors += d.code + ": " + d.message + "\n";
  std::filesystem::remove_all(dir);
  return ok;
}

TEST(Compiled, LanguageSection5Example) {
  vm::Bundle bundle;
  std::string errors;
  ASSERT_TRUE(compile(bundle, errors)) << errors;
  Harness h(std::move(bundle));
  h.load_context(R"({
    "accounts":[{"domain":"bigco.com","name":"BigCo","employees":1200,"country":"US"},
                {"domain":"opp.com","name":"Opp","employees":900,"country":"CA","open_opportunity":true},
                {"domain":"strat.com","name":"Strat","employees":9000,"country":"GB","tier":"strategic"},
                {"domain":"tiny.com","name":"Tiny","employees":5,"country":"US"}],
    "contacts":[{"email":"ana@bigco.com","name":"Ana"}]})");
  auto outcome = [](const std::vector<std::string>& lines) { return lines.empty() ? "" : lines.back(); };
  const std::string play = "pricing_visit_enterprise";

  auto out = h.send(page_view("evt_1", "2026-06-21T10:00:00Z", "ana@bigco.com"));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NE(
      out[0].find(R"("action":"enroll","signal":"evt_1","account":"bigco.com","contact":"ana@bigco.com",)"
                  R"("args":{"sequence":"ent-pricing-followup","rep":"sam@acme.com"},"priority":"high")"),
      std::string::npos)
      << out[0];
  EXPECT_NE(out[1].find(R"("args":{"channel":"#ent-alerts","text":"Ana at BigCo viewed pricing"})"),
            std::string::npos)
      << out[1];
  EXPECT_EQ(outcome(out), outcome_line(play, "evt_1", "fired"));

  // Same contact an hour later: "recently enrolled" (the enroll set last_enrolled_at) comes first.
  EXPECT_EQ(outcome(h.send(page_view("evt_2", "2026-06-21T11:00:00Z", "ana@bigco.com"))),
            outcome_line(play, "evt_2", "suppressed", R"(,"reason":"recently enrolled")"));
  // A new contact at the same account: round robin moves on.
  out = h.send(page_view("evt_3", "2026-06-21T11:00:00Z", "bo@bigco.com"));
  EXPECT_NE(out[0].find(R"("rep":"kim@acme.com")"), std::string::npos) << out[0];
  // Each other outcome.
  out = h.send(page_view("evt_4", "2026-06-21T11:00:00Z", "x@bigco.com", "docs"));
  EXPECT_NE(outcome(out).find(R"("outcome":"no_match","at":")"), std::string::npos) << outcome(out);
  EXPECT_EQ(outcome(h.send(page_view("evt_5", "2026-06-21T11:00:00Z", "x@tiny.com"))),
            outcome_line(play, "evt_5", "not_icp", R"(,"reason":"enterprise")"));
  EXPECT_EQ(outcome(h.send(page_view("evt_6", "2026-06-21T11:00:00Z", "x@strat.com"))),
            outcome_line(play, "evt_6", "excluded", R"(,"reason":"strategic accounts are hand-run")"));
  EXPECT_EQ(outcome(h.send(page_view("evt_7", "2026-06-21T11:00:00Z", "x@opp.com"))),
            outcome_line(play, "evt_7", "suppressed", R"(,"reason":"open opportunity")"));
  EXPECT_EQ(
      outcome(h.send(page_view("evt_8", "2026-06-21T11:00:00Z", "spy@rival.io", "pricing", "bigco.com"))),
      outcome_line(play, "evt_8", "suppressed", R"(,"reason":"competitor employee")"));
  // No contact: dedup per account (bigco.com fired for bo@ at 11:00, but that was keyed per contact).
  EXPECT_EQ(outcome(h.send(page_view("evt_9", "2026-06-21T12:00:00Z", "", "pricing", "bigco.com"))),
            outcome_line(play, "evt_9", "fired"));
  EXPECT_EQ(outcome(h.send(page_view("evt_10", "2026-06-21T13:00:00Z", "", "pricing", "bigco.com"))),
            outcome_line(play, "evt_10", "deduplicated", R"(,"reason":"fired within 4h")"));
  EXPECT_EQ(outcome(h.send(page_view("evt_10", "2026-06-21T13:00:00Z", "", "pricing", "bigco.com"))),
            R"({"kind":"outcome","signal":"evt_10","outcome":"duplicate_signal"})");
}

// A notify's text for Slack: the author's markup (a link, <!here>) kept,
// values from the signal and the records escaped, so a contact named like a
// channel ping and a phishing link shows as text. The plain `text` argument
// (the outbox line, `playc run`) is unchanged.
TEST(Compiled, NotifyTextAsSlackMrkdwnEscapesValuesNotMarkup) {
  const char* source = R"PLAY(
play hostile_names {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#alerts",
            text: "<!here> *{contact.name}* at <https://app.acme.com/a/{account.domain}|{account.name}> read {signal.url}")
  do notify(channel: "#alerts", text: contact.name ?? "someone")
}
)PLAY";
  vm::Bundle bundle;
  std::string errors;
  ASSERT_TRUE(compile(bundle, errors, source)) << errors;
  ASSERT_FALSE(bundle.plays[0].actions[0].mrkdwn_text.code.empty());
  Harness h(std::move(bundle));
  h.load_context(R"({
    "accounts":[{"domain":"bigco.com","name":"Big & Co <Inc>"}],
    "contacts":[{"email":"eve@bigco.com","name":"<!channel> <https://evil.example|Reset your password>"}]})");
  std::string signal =
      R"({"id":"e1","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z",)"
      R"("contact":"eve@bigco.com","properties":{"category":"docs","url":"https://x.io/?a=1&b=<2>"}})";
  h.engine->set_mrkdwn_texts(true);
  auto out = h.send(signal);
  ASSERT_EQ(h.last_mrkdwn.size(), 2u);
  EXPECT_EQ(
      h.last_mrkdwn[0],
      "<!here> *&lt;!channel&gt; &lt;https://evil.example|Reset your password&gt;* at "
      "<https://app.acme.com/a/bigco.com|Big &amp; Co &lt;Inc&gt;> read https://x.io/?a=1&amp;b=&lt;2&gt;");
  EXPECT_EQ(h.last_mrkdwn[1], "&lt;!channel&gt; &lt;https://evil.example|Reset your password&gt;");
  // The action line keeps the plain text.
  EXPECT_NE(out[0].find(R"("text":"<!here> *<!channel> <https://evil.example|Reset your password>* at )"),
            std::string::npos)
      << out[0];
  // Without asking, nothing extra is rendered (playc run).
  h.engine->set_mrkdwn_texts(false);
  h.send(
      R"({"id":"e2","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","contact":"eve@bigco.com",)"
      R"("properties":{"category":"docs","url":"u"}})");
  EXPECT_EQ(h.last_mrkdwn[0], "");
}

}  // namespace
}  // namespace play::engine::testing
