// Helpers for the VM tests: a tiny assembler and an evaluation context with
// a small signal / account / contact layout.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "runtime/vm/program.h"
#include "runtime/vm/vm.h"

namespace play::vm::testing {

// Builds a Program instruction by instruction, then verifies it.
struct Asm {
  Program p;
  uint16_t k(const Value& v) { return p.constants.add(v); }
  uint16_t ks(std::string_view s) { return k(Value::string(s)); }
  uint32_t op(Op o, uint16_t a = 0, uint16_t b = 0, uint16_t c = 0, uint8_t x = 0, SourcePos pos = {}) {
    return p.emit(o, a, b, c, x, pos);
  }
  uint32_t here() const { return static_cast<uint32_t>(p.code.size()); }
  void patch_b(uint32_t at, uint32_t target) { p.code[at].b = static_cast<uint16_t>(target); }
  void patch_c(uint32_t at, uint32_t target) { p.code[at].c = static_cast<uint16_t>(target); }
  // Verifies with generous limits; fails the test if the verifier refuses.
  Program done(uint16_t registers, ProgramLimits limits = default_limits()) {
    p.num_registers = registers;
    std::string err = verify(p, limits);
    EXPECT_EQ(err, "");
    return std::move(p);
  }
  static ProgramLimits default_limits() {
    ProgramLimits l;
    l.signal_slots = 3;
    l.account_slots = 4;
    l.contact_slots = 2;
    l.lets = 2;
    l.pools = 2;
    l.icps = 2;
    l.files = 2;
    return l;
  }
};

// A signal website.page_viewed {url, category, visit_count}; account
// {name, employees, country, tech_stack}; contact {email, do_not_contact}.
struct Context {
  Arena arena;
  RegexCache regexes;
  std::vector<Value> signal, account, contact, lets;
  std::vector<std::string> signal_names{"url", "category", "visit_count"};
  std::vector<Value> tech;  // storage of the account's tech_stack list
  int round_robin_calls = 0;
  int icp_calls = 0;
  EvalContext ctx;

  Context() {
    signal = {Value::string("https://acme.com/pricing"), Value::string("pricing"), Value::integer(3)};
    tech = {Value::string("salesforce"), Value::string("segment")};
    account = {Value::string("BigCo"), Value::integer(1200), Value::string("US"),
               Value::list(tech.data(), 2)};
    contact = {Value::string("ana@bigco.com"), Value::boolean(false)};
    lets = {Value::string("sam@acme.com"), Value::integer(7)};
    refresh();
  }
  void refresh() {
    ctx.signal = signal;
    ctx.signal_names = signal_names;
    ctx.account = account;
    ctx.contact = contact;
    ctx.account_known = !account.empty();
    ctx.contact_known = !contact.empty();
    ctx.lets = lets;
    ctx.envelope[0] = Value::string("evt_1");
    ctx.envelope[1] = Value::string("website.page_viewed");
    ctx.envelope[2] = Value::string("segment");
    ctx.envelope[3] = Value::timestamp(1'782'036'000'000);
    ctx.envelope[4] = Value::timestamp(1'782'036'001'000);
    ctx.now_ms = 1'782'036'000'000;
    ctx.arena = &arena;
    ctx.regex_cache = &regexes;
    ctx.host.self = this;
    ctx.host.round_robin = [](void* self, uint32_t pool) {
      auto* c = static_cast<Context*>(self);
      static const char* members[] = {"sam@acme.com", "kim@acme.com"};
      return Value::string(members[(c->round_robin_calls++ + pool) % 2]);
    };
    ctx.host.icp = [](void* self, uint32_t icp) {
      static_cast<Context*>(self)->icp_calls++;
      return Value::boolean(icp == 0);
    };
  }
  EvalResult run(const Program& p) { return eval(p, ctx); }
};

// The quick helpers' programs die on return: keep their results alive.
inline EvalResult keep(EvalResult r) {
  static Arena* kept = new Arena(1 << 16);
  r.value = copy_value(r.value, *kept);
  return r;
}

// R2 = R0 <op> R1 over two constants; returns the whole result.
inline EvalResult binary(Op op, const Value& a, const Value& b, uint8_t x = 0) {
  Asm as;
  as.op(Op::LOAD_CONST, 0, as.k(a));
  as.op(Op::LOAD_CONST, 1, as.k(b));
  as.op(op, 2, 0, 1, x, SourcePos{1, 10, 5});
  as.op(Op::RETURN, 2);
  Program p = as.done(3);
  static Context* c = new Context();  // one context for all quick checks
  c->arena.reset();
  return keep(eval(p, c->ctx));
}

inline EvalResult unary(Op op, const Value& a) {
  Asm as;
  as.op(Op::LOAD_CONST, 0, as.k(a));
  as.op(op, 1, 0, 0, 0, SourcePos{1, 3, 9});
  as.op(Op::RETURN, 1);
  Program p = as.done(2);
  static Context* c = new Context();
  c->arena.reset();
  return keep(eval(p, c->ctx));
}

// Expects success and a value equal (values_equal, same kind) to `want`.
inline void expect_value(const EvalResult& r, const Value& want) {
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(r.value.kind, want.kind) << debug_string(r.value) << " vs " << debug_string(want);
  EXPECT_TRUE(values_equal(r.value, want)) << debug_string(r.value) << " vs " << debug_string(want);
}

inline void expect_error(const EvalResult& r, const std::string& fragment) {
  ASSERT_FALSE(r.ok) << "value " << debug_string(r.value);
  EXPECT_NE(r.error.message.find(fragment), std::string::npos) << r.error.message;
}

inline Value S(std::string_view s) { return Value::string(s); }
inline Value I(int64_t i) { return Value::integer(i); }
inline Value F(double f) { return Value::floating(f); }
inline Value B(bool b) { return Value::boolean(b); }
inline Value N() { return Value(); }
inline Value D(int64_t ms) { return Value::duration(ms); }
inline Value T(int64_t ms) { return Value::timestamp(ms); }

}  // namespace play::vm::testing
