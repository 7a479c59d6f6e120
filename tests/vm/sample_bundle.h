// A small but complete bundle, hand-assembled: the LANGUAGE.md section 5
// example play (pricing_visit_enterprise) with its icp, suppression rules
// and pool.
#pragma once

#include "runtime/vm/bundle.h"
#include "tests/vm/vm_testing.h"

namespace play::vm::testing {

inline Bundle sample_bundle() {
  Bundle b;
  b.files = {"", "plays/pricing.play"};
  b.signals.push_back({"website.page_viewed",
                       {{"url", {Kind::String, false, Kind::Null}},
                        {"category", {Kind::String, true, Kind::Null}},
                        {"visit_count", {Kind::Int, true, Kind::Null}}}});
  b.account = {{"name", {Kind::String, true, Kind::Null}},
               {"employees", {Kind::Int, true, Kind::Null}},
               {"country", {Kind::String, true, Kind::Null}},
               {"tech_stack", {Kind::List, true, Kind::String}}};
  b.contact = {{"email", {Kind::String, true, Kind::Null}},
               {"do_not_contact", {Kind::Bool, true, Kind::Null}}};
  b.pools.push_back({"ent_sdrs", {"sam@acme.com", "kim@acme.com"}});

  {  // icp enterprise = account.employees >= 500 and account.country in ["US", "CA"]
    Asm a;
    SourcePos p{1, 3, 16};
    a.op(Op::LOAD_ACCOUNT_SLOT, 0, 1, 0, 0, p);
    a.op(Op::LOAD_CONST, 1, a.k(I(500)), 0, 0, p);
    a.op(Op::CMP_INT, 2, 0, 1, uint8_t(CmpCond::GE), p);
    uint32_t j = a.op(Op::JUMP_IF, 2, 0, 0, uint8_t(JumpTest::False), p);
    a.op(Op::LOAD_ACCOUNT_SLOT, 3, 2, 0, 0, {1, 4, 5});
    Value countries[] = {S("US"), S("CA")};
    a.op(Op::LOAD_CONST, 4, a.k(Value::list(countries, 2)), 0, 0, {1, 4, 24});
    a.op(Op::IN, 5, 3, 4, 0, {1, 4, 21});
    a.op(Op::AND, 2, 2, 5, 0, {1, 4, 1});
    a.patch_b(j, a.here());
    a.op(Op::RETURN, 2);
    a.p.num_registers = 6;
    b.icps.push_back({"enterprise", std::move(a.p)});
  }
  {  // suppress { contact.do_not_contact as "do not contact" }
    Asm a;
    a.op(Op::LOAD_CONTACT_SLOT, 0, 1, 0, 0, {1, 8, 3});
    a.op(Op::RETURN, 0);
    a.p.num_registers = 1;
    b.suppressions.push_back({"do not contact", std::move(a.p)});
  }

  Play play;
  play.name = "pricing_visit_enterprise";
  play.title = "Enterprise pricing-page visit";
  play.owner = "revops@acme.com";
  play.priority = Priority::High;
  play.sla_ms = 300'000;
  play.tags = {"website", "enterprise"};
  play.signal_types = {0};
  play.worst_case_cost = 17;
  play.pos = {1, 10, 1};
  {  // where signal.category == "pricing"
    Clause c;
    c.kind = ClauseKind::Where;
    c.pos = {1, 14, 3};
    Asm a;
    a.op(Op::LOAD_SIGNAL_SLOT, 0, 1, 0, 0, {1, 14, 9});
    a.op(Op::LOAD_CONST, 1, a.ks("pricing"), 0, 0, {1, 14, 28});
    a.op(Op::CMP_STR, 2, 0, 1, uint8_t(CmpCond::EQ), {1, 14, 25});
    a.op(Op::RETURN, 2);
    a.p.num_registers = 3;
    c.program = std::move(a.p);
    play.clauses.push_back(std::move(c));
  }
  {
    Clause c;
    c.kind = ClauseKind::WhereIcp;
    c.icp = 0;
    c.pos = {1, 15, 3};
    play.clauses.push_back(std::move(c));
  }
  {
    Clause c;
    c.kind = ClauseKind::UnlessSuppressed;
    c.pos = {1, 16, 3};
    play.clauses.push_back(std::move(c));
  }
  {
    Clause c;
    c.kind = ClauseKind::UnlessFired;
    c.within_ms = 4 * 3'600'000;
    c.per = Per::Contact;
    c.pos = {1, 17, 3};
    play.clauses.push_back(std::move(c));
  }
  {  // let rep = contact.email ?? round_robin(ent_sdrs)
    Asm a;
    a.op(Op::LOAD_CONTACT_SLOT, 0, 0, 0, 0, {1, 18, 13});
    uint32_t j = a.op(Op::JUMP_IF, 0, 0, 0, uint8_t(JumpTest::NotNull), {1, 18, 27});
    a.op(Op::ROUND_ROBIN, 0, 0, 0, 0, {1, 18, 30});
    a.patch_b(j, a.here());
    a.op(Op::RETURN, 0);
    a.p.num_registers = 1;
    play.lets.push_back({"rep", std::move(a.p)});
  }
  {  // do enroll(sequence: "ent-pricing-followup", rep: rep)
    Action act;
    act.name = "enroll";
    act.sink = "sequencer";
    act.pos = {1, 19, 3};
    Asm s;
    s.op(Op::LOAD_CONST, 0, s.ks("ent-pricing-followup"), 0, 0, {1, 19, 23});
    s.op(Op::RETURN, 0);
    s.p.num_registers = 1;
    act.args.push_back({"sequence", std::move(s.p)});
    Asm r;
    r.op(Op::LOAD_LET, 0, 0, 0, 0, {1, 19, 52});
    r.op(Op::RETURN, 0);
    r.p.num_registers = 1;
    act.args.push_back({"rep", std::move(r.p)});
    play.actions.push_back(std::move(act));
  }
  {  // do notify(channel: "#ent-alerts", text: "{contact.email} viewed {signal.url}")
    Action act;
    act.name = "notify";
    act.sink = "chat";
    act.pos = {1, 20, 3};
    Asm t;
    t.op(Op::LOAD_CONTACT_SLOT, 0, 0);
    t.op(Op::LOAD_CONST, 1, t.ks(" viewed "));
    t.op(Op::LOAD_SIGNAL_SLOT, 2, 0);
    t.op(Op::CONCAT, 3, 0, 3, 0, {1, 20, 40});
    t.op(Op::RETURN, 3);
    t.p.num_registers = 4;
    act.args.push_back({"text", std::move(t.p)});
    play.actions.push_back(std::move(act));
  }
  b.plays.push_back(std::move(play));
  return b;
}

}  // namespace play::vm::testing
