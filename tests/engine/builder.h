// Hand-assembled bundles for engine tests: a stdlib-like schema and small
// programs for the clause shapes the engine cares about. (Engine behaviour
// does not depend on how a program computes its value, only on the value.)
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "runtime/vm/bundle.h"

namespace play::engine::testing {

using namespace play::vm;

// Signal types.
enum : uint32_t { kPageViewed, kAccountUpdated, kContactUpdated, kTopicSurge, kUsage };
// website.page_viewed slots
enum : uint16_t { kUrl, kCategory };
// account slots
enum : uint16_t { kDomain, kAccName, kEmployees, kIsCustomer, kOwner, kTier, kAccountFields };
// contact slots
enum : uint16_t { kEmail, kConName, kConAccount, kEmailDomain, kDoNotContact, kLastEnrolled, kContactFields };

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

inline FieldType T(Kind k, bool nullable = false, Kind elem = Kind::Null) { return {k, nullable, elem}; }

// A program builder: each helper appends instructions and returns the register holding the result.
struct Prog {
  Program p;
  uint16_t next = 0;
  SourcePos pos{1, 1, 1};
  uint16_t reg() {
    p.num_registers = ++next;
    return next - 1;
  }
  uint16_t op(Op o, uint16_t b = 0, uint16_t c = 0, uint8_t x = 0) {
    uint16_t r = reg();
    p.emit(o, r, b, c, x, pos);
    return r;
  }
  uint16_t k(const Value& v) { return op(Op::LOAD_CONST, p.constants.add(v)); }
  uint16_t str(const char* s) { return k(Value::string(s)); }
  Program ret(uint16_t r) {
    p.emit(Op::RETURN, r, 0, 0, 0, pos);
    return std::move(p);
  }
};

inline Program sig_eq(uint16_t slot, const char* text) {
  Prog g;
  uint16_t a = g.op(Op::LOAD_SIGNAL_SLOT, slot), b = g.str(text);
  return g.ret(g.op(Op::CMP, a, b, uint8_t(CmpCond::EQ)));
}
inline Program acc_ge(uint16_t slot, int64_t n) {
  Prog g;
  uint16_t a = g.op(Op::LOAD_ACCOUNT_SLOT, slot), b = g.k(Value::integer(n));
  return g.ret(g.op(Op::CMP, a, b, uint8_t(CmpCond::GE)));
}
inline Program acc_field(uint16_t slot) {
  Prog g;
  return g.ret(g.op(Op::LOAD_ACCOUNT_SLOT, slot));
}
inline Program con_field(uint16_t slot) {
  Prog g;
  return g.ret(g.op(Op::LOAD_CONTACT_SLOT, slot));
}
inline Program acc_eq(uint16_t slot, const char* text) {
  Prog g;
  uint16_t a = g.op(Op::LOAD_ACCOUNT_SLOT, slot), b = g.str(text);
  return g.ret(g.op(Op::CMP, a, b, uint8_t(CmpCond::EQ)));
}
inline Program constant(const Value& v) {
  Prog g;
  return g.ret(g.k(v));
}
inline Program text(const char* s) { return constant(Value::string(s)); }
// 1 / 0: a runtime error ("division by zero") at `pos`.
inline Program div_zero(SourcePos pos = {1, 9, 7}) {
  Prog g;
  g.pos = pos;
  uint16_t a = g.k(Value::integer(1)), b = g.k(Value::integer(0));
  return g.ret(g.op(Op::DIV, a, b));
}
// now - contact.last_enrolled_at < within
inline Program recently_enrolled(int64_t within) {
  Prog g;
  uint16_t now = g.op(Op::LOAD_NOW), last = g.op(Op::LOAD_CONTACT_SLOT, kLastEnrolled);
  uint16_t d = g.op(Op::SUB, now, last), w = g.k(Value::duration(within));
  return g.ret(g.op(Op::CMP, d, w, uint8_t(CmpCond::LT)));
}
// contact.email_domain in [domains...]
inline Program email_domain_in(std::vector<Value> domains) {
  Prog g;
  uint16_t a = g.op(Op::LOAD_CONTACT_SLOT, kEmailDomain);
  uint16_t l = g.k(Value::list(domains.data(), domains.size()));
  return g.ret(g.op(Op::IN, a, l));
}
inline Program round_robin(uint16_t pool) {
  Prog g;
  return g.ret(g.op(Op::ROUND_ROBIN, pool));
}
inline Program let_ref(uint16_t i) {
  Prog g;
  return g.ret(g.op(Op::LOAD_LET, i));
}
inline Program icp_ref(uint16_t i) {
  Prog g;
  return g.ret(g.op(Op::LOAD_ICP, i));
}
inline Program envelope(EnvelopeField f) {
  Prog g;
  return g.ret(g.op(Op::LOAD_ENVELOPE, 0, 0, uint8_t(f)));
}
inline Program signal_slot(uint16_t slot) {
  Prog g;
  return g.ret(g.op(Op::LOAD_SIGNAL_SLOT, slot));
}

inline Clause where(Program p, SourcePos pos = {1, 5, 3}) {
  Clause c;
  c.kind = ClauseKind::Where;
  c.program = std::move(p);
  c.pos = pos;
  return c;
}
inline Clause where_icp(uint32_t icp, SourcePos pos = {1, 6, 3}) {
  Clause c;
  c.kind = ClauseKind::WhereIcp;
  c.icp = icp;
  c.pos = pos;
  return c;
}
inline Clause unless(Program p, const char* reason, SourcePos pos = {1, 7, 3}) {
  Clause c;
  c.kind = ClauseKind::Unless;
  c.program = std::move(p);
  c.reason = reason;
  c.pos = pos;
  return c;
}
inline Clause unless_suppressed(SourcePos pos = {1, 8, 3}) {
  Clause c;
  c.kind = ClauseKind::UnlessSuppressed;
  c.pos = pos;
  return c;
}
inline Clause unless_fired(int64_t within, Per per = Per::Default, SourcePos pos = {1, 9, 3}) {
  Clause c;
  c.kind = ClauseKind::UnlessFired;
  c.within_ms = within;
  c.per = per;
  c.pos = pos;
  return c;
}

struct ArgDef {
  const char* name;
  Program program;
};
inline vm::Action action(const char* name, const char* sink, std::vector<ArgDef> args) {
  vm::Action a;
  a.name = name;
  a.sink = sink;
  a.pos = {1, 12, 3};
  for (auto& arg : args) a.args.push_back({arg.name, std::move(arg.program)});
  return a;
}
inline vm::Action enroll(const char* sequence) {
  std::vector<ArgDef> args;
  args.push_back({"sequence", text(sequence)});
  args.push_back({"rep", constant(Value())});
  return action("enroll", "sequencer", std::move(args));
}
inline vm::Action notify(const char* channel, Program text_program) {
  std::vector<ArgDef> args;
  args.push_back({"channel", text(channel)});
  args.push_back({"text", std::move(text_program)});
  return action("notify", "chat", std::move(args));
}

inline vm::Play play(const char* name, std::vector<Clause> clauses, std::vector<vm::Action> actions,
                     uint32_t type = kPageViewed) {
  vm::Play p;
  p.name = name;
  p.owner = "revops@acme.com";
  p.signal_types = {type};
  p.clauses = std::move(clauses);
  p.actions = std::move(actions);
  p.pos = {1, 1, 1};
  return p;
}

// Schemas, pools, icps (0 enterprise: employees >= 500; 1 broken: 1/0) and
// the suppress block (do not contact, existing customer, recently enrolled
// (30d), competitor employee (rival.io)); no plays.
inline Bundle base_bundle() {
  Bundle b;
  b.files = {"", "plays/test.play"};
  b.signals.push_back(
      {"website.page_viewed", {{"url", T(Kind::String)}, {"category", T(Kind::String, true)}}});
  b.signals.push_back({"crm.account_updated",
                       {{"employees", T(Kind::Int, true)},
                        {"is_customer", T(Kind::Bool, true)},
                        {"owner", T(Kind::String, true)},
                        {"domain", T(Kind::String, true)}}});
  b.signals.push_back(
      {"crm.contact_updated", {{"do_not_contact", T(Kind::Bool, true)}, {"account", T(Kind::String, true)}}});
  b.signals.push_back({"intent.topic_surge", {{"topic", T(Kind::String)}, {"score", T(Kind::Int)}}});
  b.signals.push_back({"product.usage",
                       {{"metric", T(Kind::String)},
                        {"value", T(Kind::Float)},
                        {"period", T(Kind::Duration, true)},
                        {"tags", T(Kind::List, true, Kind::String)},
                        {"extra", T(Kind::Map, true)},
                        {"seen_at", T(Kind::Timestamp, true)},
                        {"anything", T(Kind::Null, true)}}});
  b.account = {{"domain", T(Kind::String, true)}, {"name", T(Kind::String, true)},
               {"employees", T(Kind::Int, true)}, {"is_customer", T(Kind::Bool, true)},
               {"owner", T(Kind::String, true)},  {"tier", T(Kind::String, true)}};
  b.contact = {{"email", T(Kind::String, true)},        {"name", T(Kind::String, true)},
               {"account", T(Kind::String, true)},      {"email_domain", T(Kind::String, true)},
               {"do_not_contact", T(Kind::Bool, true)}, {"last_enrolled_at", T(Kind::Timestamp, true)}};
  b.pools.push_back({"ent_sdrs", {"sam@acme.com", "kim@acme.com"}});
  b.icps.push_back({"enterprise", acc_ge(kEmployees, 500)});
  b.icps.push_back({"broken", div_zero({1, 3, 20})});
  b.suppressions.push_back({"do not contact", con_field(kDoNotContact)});
  b.suppressions.push_back({"existing customer", acc_field(kIsCustomer)});
  b.suppressions.push_back({"recently enrolled", recently_enrolled(30 * kDay)});
  b.suppressions.push_back({"competitor employee", email_domain_in({Value::string("rival.io")})});
  return b;
}

inline void verify_or_fail(Bundle& b) {
  std::string err = verify_bundle(b);
  ASSERT_EQ(err, "") << "test bundle does not verify";
}

}  // namespace play::engine::testing
