// The registry from a hand-built bundle: what each member is read from, and
// the versioned JSON shape (`playc registry` and GET /v1/plays share it).
#include "runtime/observe/registry.h"

#include <gtest/gtest.h>

namespace play::observe {
namespace {

vm::Bundle pricing_bundle() {
  vm::Bundle b;
  b.files = {"", "plays/website/pricing.play"};
  b.signals.push_back({"website.page_viewed", {}});
  b.icps.emplace_back().name = "enterprise";
  b.suppressions.emplace_back().reason = "do not contact";
  b.suppressions.emplace_back().reason = "open opportunity";
  vm::Play p;
  p.name = "pricing_visit_enterprise";
  p.title = "Enterprise pricing visit";
  p.owner = "revops";
  p.oncall = "#revops-oncall";
  p.runbook = "https://wiki/pricing";
  p.tags = {"website"};
  p.priority = vm::Priority::High;
  p.sla_ms = 15 * 60 * 1000;
  p.signal_types = {0};
  p.pos.file = 1;
  p.pos.line = 3;
  // Programs are move-only: each clause is built in place.
  auto clause = [&p](vm::ClauseKind kind) -> vm::Clause& {
    p.clauses.emplace_back();
    p.clauses.back().kind = kind;
    return p.clauses.back();
  };
  clause(vm::ClauseKind::WhereIcp).icp = 0;
  clause(vm::ClauseKind::WhereIcp).icp = 0;
  clause(vm::ClauseKind::UnlessSuppressed);
  clause(vm::ClauseKind::Unless).reason = "strategic accounts are hand-run";
  vm::Clause& fired = clause(vm::ClauseKind::UnlessFired);
  fired.within_ms = 4 * 3600 * 1000;
  fired.per = vm::Per::Contact;
  p.actions.emplace_back();
  p.actions.back().name = "enroll";
  p.actions.back().sink = "sequencer";
  b.plays.push_back(std::move(p));
  vm::Play shadow;
  shadow.name = "quiet";
  shadow.mode = vm::Mode::Shadow;
  b.plays.push_back(std::move(shadow));
  return b;
}

TEST(Registry, EntriesComeFromThePlays) {
  auto entries = registry(pricing_bundle());
  ASSERT_EQ(entries.size(), 2u);
  const RegistryEntry& e = entries[0];
  EXPECT_EQ(e.name, "pricing_visit_enterprise");
  EXPECT_EQ(e.id, e.name);
  EXPECT_EQ(e.file, "plays/website/pricing.play");
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.signals, std::vector<std::string>{"website.page_viewed"});
  EXPECT_EQ(e.icps, std::vector<std::string>{"enterprise"});  // named once though required twice
  EXPECT_TRUE(e.suppression);
  EXPECT_EQ(e.suppression_rules, (std::vector<std::string>{"do not contact", "open opportunity"}));
  EXPECT_EQ(e.exclusions, std::vector<std::string>{"strategic accounts are hand-run"});
  ASSERT_EQ(e.dedup.size(), 1u);
  EXPECT_EQ(e.dedup[0].per, "contact");
  ASSERT_EQ(e.actions.size(), 1u);
  EXPECT_EQ(e.actions[0].sink, "sequencer");
  EXPECT_EQ(e.priority, "high");
  EXPECT_EQ(e.mode, "live");
  EXPECT_EQ(e.dashboard, "/plays/pricing_visit_enterprise");
  EXPECT_EQ(entries[1].mode, "shadow");
  EXPECT_TRUE(entries[1].suppression_rules.empty());  // it does not apply them
}

TEST(Registry, JsonIsVersioned) {
  std::string json = registry_json(registry(pricing_bundle()));
  EXPECT_EQ(json.rfind(R"({"version":1,"plays":[{"name":"pricing_visit_enterprise",)", 0), 0u) << json;
  EXPECT_NE(json.find(R"("dedup":[{"within":"4h","per":"contact"}])"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("sla_ms":900000)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("name":"quiet")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("sla_ms":null)"), std::string::npos) << json;  // no sla
}

}  // namespace
}  // namespace play::observe
