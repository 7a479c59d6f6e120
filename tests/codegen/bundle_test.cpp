// The bundle as a whole: schemas, pools, icps, suppression rules, plays
// (clauses, lets, actions with defaults, metadata), verification, and the
// write/read round trip.
#include <gtest/gtest.h>

#include "runtime/vm/disasm.h"
#include "tests/codegen/harness.h"

namespace play::codegen::testing {
namespace {

const char* kProject = R"(
signal test.visit { page: string  score: int?  tags: list<string>  extra: map<string, dyn>? }
entity account { segment: string? }
list competitors = ["rival.io", "othervendor.com"]
const floor = 500
pool ent_sdrs = ["sam@acme.com", "kim@acme.com"]
pool smb_sdrs = ["lee@acme.com"]
// `strong` reads `enterprise`, declared after it: codegen orders icps so
// each comes after the icps it reads.
icp strong = enterprise and account.annual_revenue > 1e6
icp enterprise = account.employees >= floor and account.country in ["US", "CA", "GB"]
suppress {
  contact.do_not_contact as "do not contact"
  contact.email_domain in competitors as "competitor employee"
  now - contact.last_enrolled_at < 30d as "recently enrolled"
}
play pricing {
  title "Pricing visit"
  owner "revops@acme.com"
  oncall "#gtm-oncall"
  runbook "https://wiki/p"
  tags ["website", "enterprise"]
  priority high
  mode shadow
  on test.visit
  where signal.page == "pricing"
  where icp strong
  unless account.tier == "strategic" as "hand-run"
  unless suppressed
  unless fired within 4h per account
  let rep = account.owner ?? round_robin(ent_sdrs)
  let note = "for " + rep  // not a template: only action arguments are
  do enroll(sequence: "ent-pricing", rep: rep)
  do task(subject: note)
  do webhook(sink: "hubspot", body: {"page": signal.page, "score": signal.score})
}
play smb {
  title "t"
  owner "o@acme.com"
  oncall "#c"
  runbook "r"
  on any of (website.page_viewed, website.form_submitted)
  where icp enterprise
  unless suppressed
  unless fired within 1d
  do enroll(sequence: "smb", rep: round_robin(smb_sdrs))
}
)";

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    c = compile_source(kProject);
    ASSERT_TRUE(c->ok) << c->dump();
  }
  std::unique_ptr<Compiled> c;
};

TEST_F(BundleTest, Schemas) {
  const vm::Bundle& b = c->bundle;
  EXPECT_EQ(b.signals.size(), c->project.signals.size());
  const vm::SignalSchema* visit = nullptr;
  for (const auto& s : b.signals)
    if (s.name == "test.visit") visit = &s;
  ASSERT_NE(visit, nullptr);
  ASSERT_EQ(visit->props.size(), 4u);
  EXPECT_EQ(visit->props[0].name, "page");
  EXPECT_EQ(visit->props[0].type.code, vm::Kind::String);
  EXPECT_FALSE(visit->props[0].type.nullable);
  EXPECT_EQ(visit->props[1].type.code, vm::Kind::Int);
  EXPECT_TRUE(visit->props[1].type.nullable);
  EXPECT_EQ(visit->props[2].type.code, vm::Kind::List);
  EXPECT_EQ(visit->props[2].type.elem, vm::Kind::String);
  EXPECT_EQ(visit->props[3].type.code, vm::Kind::Map);
  EXPECT_EQ(visit->props[3].type.elem, vm::Kind::Null);  // dyn

  ASSERT_EQ(b.account.size(), c->project.account.fields.size());
  EXPECT_EQ(b.account.back().name, "segment");
  for (const auto& f : b.account) EXPECT_TRUE(f.type.nullable) << f.name;
  EXPECT_EQ(b.account[2].name, "employees");
  EXPECT_EQ(b.account[2].type.code, vm::Kind::Int);
  EXPECT_EQ(b.contact.size(), c->project.contact.fields.size());
}

TEST_F(BundleTest, PoolsIcpsSuppressions) {
  const vm::Bundle& b = c->bundle;
  ASSERT_EQ(b.pools.size(), 2u);
  EXPECT_EQ(b.pools[0].name, "ent_sdrs");
  EXPECT_EQ(b.pools[0].members, (std::vector<std::string>{"sam@acme.com", "kim@acme.com"}));
  EXPECT_EQ(b.pools[1].members, (std::vector<std::string>{"lee@acme.com"}));

  ASSERT_EQ(b.icps.size(), 2u);
  EXPECT_EQ(b.icps[0].name, "enterprise");
  EXPECT_EQ(b.icps[1].name, "strong");
  EXPECT_EQ(opcodes(b.icps[1].program).rfind("LOAD_ICP", 0), 0u) << opcodes(b.icps[1].program);
  EXPECT_EQ(b.icps[1].program.code[0].b, 0);  // reads `enterprise`

  ASSERT_EQ(b.suppressions.size(), 3u);
  EXPECT_EQ(b.suppressions[0].reason, "do not contact");
  EXPECT_EQ(b.suppressions[1].reason, "competitor employee");
  EXPECT_EQ(b.suppressions[2].reason, "recently enrolled");

  Context ctx(b, "test.visit");
  ctx.account("employees", vm::Value::integer(800));
  ctx.account("country", ctx.str("CA"));
  ctx.account("annual_revenue", vm::Value::floating(5e6));
  EXPECT_EQ(ctx.show(b.icps[0].program), "true");
  EXPECT_EQ(ctx.show(b.icps[1].program), "true");
  ctx.account("country", ctx.str("FR"));
  EXPECT_EQ(ctx.show(b.icps[1].program), "false");

  ctx.contact("email_domain", ctx.str("rival.io"));
  EXPECT_EQ(ctx.show(b.suppressions[0].program), "null");  // do_not_contact unknown: does not hold
  EXPECT_EQ(ctx.show(b.suppressions[1].program), "true");
  ctx.contact("last_enrolled_at", vm::Value::timestamp(1'782'036'000'000 - 86'400'000));
  EXPECT_EQ(ctx.show(b.suppressions[2].program), "true");
}

TEST_F(BundleTest, PlayStructure) {
  const vm::Bundle& b = c->bundle;
  ASSERT_EQ(b.plays.size(), 2u);
  const vm::Play& p = c->play("pricing");
  EXPECT_EQ(p.title, "Pricing visit");
  EXPECT_EQ(p.owner, "revops@acme.com");
  EXPECT_EQ(p.oncall, "#gtm-oncall");
  EXPECT_EQ(p.runbook, "https://wiki/p");
  EXPECT_EQ(p.tags, (std::vector<std::string>{"website", "enterprise"}));
  EXPECT_EQ(p.priority, vm::Priority::High);
  EXPECT_EQ(p.mode, vm::Mode::Shadow);
  EXPECT_EQ(p.sla_ms, 5 * 60 * 1000);
  ASSERT_EQ(p.signal_types.size(), 1u);
  EXPECT_EQ(b.signals.at(p.signal_types[0]).name, "test.visit");
  EXPECT_EQ(p.worst_case_cost, c->project.plays.at(c->project.play_index.at("pricing")).worst_case_cost);
  EXPECT_GT(p.worst_case_cost, 0u);
  EXPECT_EQ(p.pos.line, 17u);

  ASSERT_EQ(p.clauses.size(), 5u);
  EXPECT_EQ(p.clauses[0].kind, vm::ClauseKind::Where);
  EXPECT_EQ(p.clauses[1].kind, vm::ClauseKind::WhereIcp);
  EXPECT_EQ(p.clauses[1].icp, 1u);  // strong
  EXPECT_EQ(p.clauses[2].kind, vm::ClauseKind::Unless);
  EXPECT_EQ(p.clauses[2].reason, "hand-run");
  EXPECT_EQ(p.clauses[3].kind, vm::ClauseKind::UnlessSuppressed);
  EXPECT_EQ(p.clauses[4].kind, vm::ClauseKind::UnlessFired);
  EXPECT_EQ(p.clauses[4].within_ms, 4 * 3600 * 1000);
  EXPECT_EQ(p.clauses[4].per, vm::Per::Account);
  EXPECT_EQ(p.clauses[0].pos.line, 26u);

  ASSERT_EQ(p.lets.size(), 2u);
  EXPECT_EQ(p.lets[0].name, "rep");
  EXPECT_EQ(p.lets[1].name, "note");

  ASSERT_EQ(p.actions.size(), 3u);
  const vm::Action& enroll = p.actions[0];
  EXPECT_EQ(enroll.name, "enroll");
  EXPECT_EQ(enroll.sink, "sequencer");
  ASSERT_EQ(enroll.args.size(), 2u);
  EXPECT_EQ(enroll.args[0].name, "sequence");
  EXPECT_EQ(enroll.args[1].name, "rep");
  const vm::Action& task = p.actions[1];
  EXPECT_EQ(task.sink, "crm");
  ASSERT_EQ(task.args.size(), 3u);  // subject given; owner and due from the declaration's defaults
  EXPECT_EQ(task.args[1].name, "owner");
  EXPECT_EQ(task.args[2].name, "due");
  const vm::Action& hook = p.actions[2];
  EXPECT_EQ(hook.sink, "");
  ASSERT_EQ(hook.args.size(), 2u);
  EXPECT_EQ(hook.args[0].name, "sink");

  // Evaluate the play's programs as the engine would.
  Context ctx(b, "test.visit");
  ctx.signal("page", ctx.str("pricing"));
  ctx.signal("score", vm::Value::integer(7));
  EXPECT_EQ(ctx.show(p.clauses[0].program), "true");
  EXPECT_EQ(ctx.show(p.clauses[2].program), "false");
  EXPECT_EQ(ctx.show(p.lets[0].program), "\"sam@acme.com\"");
  ctx.lets({ctx.str("sam@acme.com")});
  EXPECT_EQ(ctx.show(p.lets[1].program), "\"for sam@acme.com\"");
  ctx.lets({ctx.str("sam@acme.com"), ctx.str("for sam@acme.com")});
  EXPECT_EQ(ctx.show(enroll.args[0].program), "\"ent-pricing\"");
  EXPECT_EQ(ctx.show(enroll.args[1].program), "\"sam@acme.com\"");
  EXPECT_EQ(ctx.show(task.args[0].program), "\"for sam@acme.com\"");
  EXPECT_EQ(ctx.show(task.args[1].program), "null");
  EXPECT_EQ(ctx.show(task.args[2].program), "duration(1d)");
  EXPECT_EQ(ctx.show(hook.args[0].program), "\"hubspot\"");
  EXPECT_EQ(ctx.show(hook.args[1].program), "{\"page\": \"pricing\", \"score\": 7}");

  const vm::Play& smb = c->play("smb");
  EXPECT_EQ(smb.priority, vm::Priority::Normal);
  EXPECT_EQ(smb.mode, vm::Mode::Live);
  EXPECT_EQ(smb.sla_ms, 15 * 60 * 1000);
  ASSERT_EQ(smb.signal_types.size(), 2u);
  EXPECT_EQ(smb.clauses.at(0).icp, 0u);  // enterprise
  EXPECT_EQ(smb.clauses.at(2).per, vm::Per::Default);
  EXPECT_EQ(opcodes(smb.actions.at(0).args.at(1).program), "ROUND_ROBIN RETURN");
  EXPECT_EQ(smb.actions.at(0).args.at(1).program.code[0].b, 1);  // smb_sdrs
}

TEST_F(BundleTest, VerifiedAndRoundTrips) {
  vm::Bundle& b = c->bundle;
  EXPECT_EQ(vm::verify_bundle(b), "");
  std::string bytes = vm::write_bundle(b);
  vm::Bundle back;
  std::string error;
  ASSERT_TRUE(vm::read_bundle(bytes, back, error)) << error;
  EXPECT_EQ(vm::disassemble(back), vm::disassemble(b));
  EXPECT_EQ(vm::write_bundle(back), bytes);
  // A program from the read bundle still runs.
  Context ctx(back, "test.visit");
  ctx.signal("page", ctx.str("pricing"));
  EXPECT_EQ(ctx.show(back.plays.at(0).clauses.at(0).program), "true");
}

TEST(ExampleProject, CompilesVerifiesAndRoundTrips) {
  sema::Project project;
  Diagnostics diags;
  ASSERT_TRUE(sema::load_project({"plays"}, project, diags));
  std::string errors;
  for (const auto& d : diags.all())
    if (d.severity == Severity::Error) errors += d.code + " " + d.message + "\n";
  ASSERT_FALSE(diags.has_errors()) << errors;
  vm::Bundle bundle;
  Diagnostics gen;
  ASSERT_TRUE(generate(project, bundle, gen)) << (gen.all().empty() ? "" : gen.all()[0].message);
  EXPECT_EQ(bundle.plays.size(), project.plays.size());
  EXPECT_GT(bundle.plays.size(), 0u);
  std::string bytes = vm::write_bundle(bundle);
  vm::Bundle back;
  std::string error;
  ASSERT_TRUE(vm::read_bundle(bytes, back, error)) << error;
  EXPECT_EQ(vm::disassemble(back), vm::disassemble(bundle));
}

}  // namespace
}  // namespace play::codegen::testing
