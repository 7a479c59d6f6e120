// The JIT on hand-written bytecode: each typed fast path and its slow path
// (other kinds, overflow, zero divisors), the loop budget, host data loads,
// the fallback (a program with an instruction the JIT does not compile
// stays on the interpreter) and the background swap.
#include <gtest/gtest.h>

#include "runtime/jit/runner.h"
#include "tests/jit/both.h"

namespace play {
namespace {

using vm::CmpCond;
using vm::Op;
using vm::Value;

vm::SourcePos at(uint32_t line) { return {0, line, 3}; }

// R0 = let 0 op let 1; return R0. The operands are run-time values (lets),
// not constants LLVM could fold.
vm::Program binary(Op op, uint8_t cond = 0) {
  vm::Program p;
  p.num_registers = 3;
  p.emit(Op::LOAD_LET, 1, 0, 0, 0, at(1));
  p.emit(Op::LOAD_LET, 2, 1, 0, 0, at(2));
  p.emit(op, 0, 1, 2, cond, at(3));
  p.emit(Op::RETURN, 0, 0, 0, 0, at(4));
  vm::ProgramLimits limits;
  limits.lets = 2;
  EXPECT_EQ(vm::verify(p, limits), "");
  return p;
}

class JitTest : public ::testing::Test {
 protected:
  jit::Jit jit_;
  // The interpreter's and the compiled outcome of `p`, which must compile.
  std::pair<std::string, std::string> both(const vm::Program& p,
                                           const std::function<void(vm::EvalContext&)>& setup = {}) {
    std::string why;
    const jit::Compiled* code = jit_.compile(p, why);
    EXPECT_NE(code, nullptr) << why;
    if (!code) return {"compiled", why};
    return jit_test::run_both(p, *code, [&](vm::EvalContext& c) {
      if (setup) setup(c);
    });
  }
  // `op` on operands x and y (lets 0 and 1).
  void expect_same(Op op, Value x, Value y, const std::string& want_vm, uint8_t cond = 0) {
    Value lets[2] = {x, y};
    expect_same(binary(op, cond), want_vm, [&](vm::EvalContext& c) { c.lets = lets; });
  }
  void expect_same(const vm::Program& p, const std::string& want_vm,
                   const std::function<void(vm::EvalContext&)>& setup = {}) {
    auto [vm_out, jit_out] = both(p, setup);
    EXPECT_EQ(jit_out, vm_out);
    // The interpreter's outcome is the one expected: the comparison is not vacuous.
    EXPECT_EQ(vm_out.substr(0, want_vm.size()), want_vm);
  }
};

const int64_t kMax = INT64_MAX, kMin = INT64_MIN;

TEST_F(JitTest, IntArithmeticFastAndSlowPaths) {
  expect_same(Op::ADD_INT, Value::integer(2), Value::integer(40), "ok int 42");
  expect_same(Op::ADD_INT, Value::integer(kMax), Value::integer(1), "error 'integer overflow' pc 2 at 3:3");
  expect_same(Op::SUB_INT, Value::integer(kMin), Value::integer(1), "error 'integer overflow'");
  expect_same(Op::MUL_INT, Value::integer(kMax), Value::integer(2), "error 'integer overflow'");
  expect_same(Op::MUL_INT, Value::integer(-6), Value::integer(7), "ok int -42");
  expect_same(Op::ADD_INT, Value(), Value::integer(1), "ok null");
  expect_same(Op::ADD_INT, Value::floating(0.5), Value::integer(1), "ok float 1.5");
}

TEST_F(JitTest, DivisionAndModulo) {
  expect_same(Op::DIV_INT, Value::integer(-7), Value::integer(2), "ok int -3");
  expect_same(Op::DIV_INT, Value::integer(7), Value::integer(0), "error 'division by zero' pc 2 at 3:3");
  expect_same(Op::DIV_INT, Value::integer(kMin), Value::integer(-1), "error 'integer overflow'");
  expect_same(Op::DIV_INT, Value::integer(9), Value::integer(-1), "ok int -9");
  expect_same(Op::MOD_INT, Value::integer(-7), Value::integer(3), "ok int -1");
  expect_same(Op::MOD_INT, Value::integer(7), Value::integer(0), "error 'modulus by zero'");
  expect_same(Op::MOD_INT, Value::integer(kMin), Value::integer(-1), "ok int 0");
  expect_same(Op::DIV_INT, Value(), Value::integer(0), "ok null");
}

TEST_F(JitTest, FloatArithmeticIsIeee) {
  expect_same(Op::DIV_FLOAT, Value::floating(1), Value::floating(0), "ok float");
  expect_same(Op::DIV_FLOAT, Value::floating(0), Value::floating(0), "ok float");
  expect_same(Op::MUL_FLOAT, Value::floating(1.5), Value::floating(-2), "ok float -3");
  expect_same(Op::SUB_FLOAT, Value::floating(1), Value::integer(2), "ok float -1");
  expect_same(Op::ADD_FLOAT, Value::string("a"), Value::floating(2), "error");
}

TEST_F(JitTest, ComparisonsIncludingNaNAndNull) {
  for (uint8_t c = 0; c < uint8_t(CmpCond::kCount); ++c) {
    expect_same(Op::CMP_INT, Value::integer(-1), Value::integer(1), "ok bool", c);
    expect_same(Op::CMP_INT, Value::integer(3), Value::integer(3), "ok bool", c);
    expect_same(Op::CMP_FLOAT, Value::floating(NAN), Value::floating(1), "ok bool", c);
    expect_same(Op::CMP_FLOAT, Value::floating(2), Value::floating(2), "ok bool", c);
    expect_same(Op::CMP_INT, Value(), Value::integer(1), "ok bool", c);
    expect_same(Op::CMP_STR, Value::string("b"), Value::string("a"), "ok bool", c);
  }
  expect_same(Op::CMP_INT, Value::integer(1), Value::string("a"), "error", uint8_t(CmpCond::LT));
}

// A loop over R1 = K0 (a list), counting elements into R3; the loop budget bounds it.
vm::Program count_loop(Value list) {
  vm::Program p;
  p.num_registers = 6;
  uint16_t k = p.constants.add(list), one = p.constants.add(Value::integer(1));
  p.emit(Op::LOAD_CONST, 1, k, 0, 0, at(1));                                   // 0
  p.emit(Op::LOAD_CONST, 4, one, 0, 0, at(1));                                 // 1
  p.emit(Op::LOAD_CONST, 3, p.constants.add(Value::integer(0)), 0, 0, at(1));  // 2
  p.emit(Op::ITER_INIT, 0, 1, 0, 0, at(2));                                    // 3: R0 index, R1 list
  p.emit(Op::ITER_NEXT, 0, 5, 8, 0, at(2));                                    // 4: R5 = element; done -> 8
  p.emit(Op::ADD_INT, 3, 3, 4, 0, at(3));                                      // 5
  p.emit(Op::NOP, 0, 0, 0, 0, at(3));                                          // 6
  p.emit(Op::LOOP, 0, 4, 0, 0, at(4));                                         // 7
  p.emit(Op::RETURN, 3, 0, 0, 0, at(5));                                       // 8
  EXPECT_EQ(vm::verify(p, {}), "");
  return p;
}

TEST_F(JitTest, ListAndMapLoopsAndTheLoopBudget) {
  vm::Arena arena;
  Value items[3] = {Value::integer(1), Value::string("é"), Value()};
  vm::MapEntry entries[2] = {{"k1", Value::integer(1)}, {"日本", Value()}};
  vm::Program list = count_loop(Value::list(items, 3));
  vm::Program map = count_loop(Value::map(entries, 2));
  expect_same(list, "ok int 3");
  expect_same(map, "ok int 2");
  expect_same(list, "ok int 3", [](vm::EvalContext& c) { c.loop_budget = 3; });
  expect_same(list, "error 'evaluation exceeded its loop budget' pc 7 at 4:3",
              [](vm::EvalContext& c) { c.loop_budget = 2; });
  expect_same(count_loop(Value::integer(5)), "error 'cannot iterate over int' pc 3");
  expect_same(count_loop(Value()), "ok int 0");
}

TEST_F(JitTest, HostDataLoadsClearFlagsAndReadNullPastTheEnd) {
  vm::Program p;
  p.num_registers = 8;
  p.emit(Op::LOAD_SIGNAL_SLOT, 0, 1);
  p.emit(Op::LOAD_SIGNAL_SLOT, 1, 5);  // past the end: null
  p.emit(Op::LOAD_ACCOUNT_SLOT, 2, 0);
  p.emit(Op::LOAD_LET, 3, 0);
  p.emit(Op::LOAD_ENVELOPE, 4, 0, 0, uint8_t(vm::EnvelopeField::Type));
  p.emit(Op::RECORD_KNOWN, 5, 0, 0, 1);
  p.emit(Op::LOAD_NOW, 6);
  p.emit(Op::BUILD_LIST, 7, 0, 7);
  p.emit(Op::RETURN, 7);
  vm::ProgramLimits limits;
  limits.signal_slots = 6;
  limits.account_slots = 1;
  limits.lets = 1;
  ASSERT_EQ(vm::verify(p, limits), "");
  static Value signal[2] = {Value::integer(1), Value::string("pricing")};
  static Value account[1] = {Value::floating(2.5)};
  static Value lets[1] = {Value::boolean(true)};
  signal[1].flags = Value::kGrowable;  // host data claiming to be a list under construction: ignored
  expect_same(p, "ok list [\"pricing\", null, 2.5, true, \"web.visit\", true, 2023-", [](vm::EvalContext& c) {
    c.signal = signal;
    c.account = account;
    c.lets = lets;
    c.envelope[int(vm::EnvelopeField::Type)] = Value::string("web.visit");
    c.contact_known = true;
    c.now_ms = 1'700'000'000'000;
  });
  expect_same(p, "ok list [null, null, null, null, null, false,", [](vm::EvalContext&) {});
}

// round_robin() is the one instruction the JIT does not compile.
vm::Program round_robin() {
  vm::Program p;
  p.num_registers = 1;
  p.emit(Op::ROUND_ROBIN, 0, 0);
  p.emit(Op::RETURN, 0);
  vm::ProgramLimits limits;
  limits.pools = 1;
  EXPECT_EQ(vm::verify(p, limits), "");
  return p;
}

TEST_F(JitTest, AProgramWithAnInstructionTheJitDoesNotCompileStaysOnTheInterpreter) {
  vm::Program p = round_robin();
  std::string why;
  EXPECT_EQ(jit_.compile(p, why), nullptr);
  EXPECT_NE(why.find("ROUND_ROBIN"), std::string::npos) << why;
  EXPECT_EQ(jit::unsupported(binary(Op::ADD)), "");
}

vm::Bundle one_play(vm::Program clause) {
  vm::Bundle b;
  b.plays.emplace_back();
  b.plays[0].clauses.emplace_back();
  b.plays[0].clauses[0].program = std::move(clause);
  return b;
}

Value next_member(void*, uint32_t) { return Value::string("ana"); }

TEST(JitRunner, FallbackProgramsRunOnTheInterpreterAndAreCounted) {
  vm::Bundle b = one_play(round_robin());
  b.plays[0].lets.emplace_back();
  b.plays[0].lets[0].program = count_loop(Value::list(nullptr, 0));
  jit::Runner runner(b, {.eager = true});
  jit::RunnerStats s = runner.stats();
  EXPECT_EQ(s.programs, 2u);
  EXPECT_EQ(s.compiled, 1u);
  ASSERT_EQ(s.stayed, 1u);
  EXPECT_NE(s.reasons[0].find("ROUND_ROBIN"), std::string::npos);
  vm::Arena arena;
  vm::EvalContext ctx;
  ctx.arena = &arena;
  ctx.host.round_robin = next_member;
  vm::EvalResult r = runner.eval(b.plays[0].clauses[0].program, ctx);
  ASSERT_TRUE(r.ok) << r.error.message;
  EXPECT_EQ(r.value.str(), "ana");
  EXPECT_EQ(runner.eval(b.plays[0].lets[0].program, ctx).value.i, 0);
}

TEST(JitRunner, CompilesInTheBackgroundAfterThresholdEvaluationsAndSwapsTheCodeIn) {
  vm::Bundle b = one_play(binary(Op::DIV_INT));
  Value lets[2] = {Value::integer(7), Value::integer(0)};
  jit::Runner runner(b, {.eager = false, .threshold = 3});
  vm::Arena arena;
  vm::EvalContext ctx;
  ctx.arena = &arena;
  ctx.lets = lets;
  const vm::Program& p = b.plays[0].clauses[0].program;
  for (int i = 0; i < 2; ++i) EXPECT_EQ(runner.eval(p, ctx).error.message, "division by zero");
  runner.wait_idle();
  EXPECT_EQ(runner.stats().compiled, 0u);                            // not yet queued
  EXPECT_EQ(runner.eval(p, ctx).error.message, "division by zero");  // the third: queued
  runner.wait_idle();
  EXPECT_EQ(runner.stats().compiled, 1u);
  vm::EvalResult r = runner.eval(p, ctx);  // compiled code now
  EXPECT_EQ(r.error.message, "division by zero");
  EXPECT_EQ(r.error.pos.line, 3u);
}

TEST(JitIr, ShowsTheTypedFastPathAndTheHelperCall) {
  std::string why;
  std::string ir = jit::ir_text(binary(Op::ADD_INT), why);
  EXPECT_EQ(why, "");
  EXPECT_NE(ir.find("define"), std::string::npos) << ir;
  EXPECT_NE(ir.find("play_jit_step"), std::string::npos) << ir;  // the slow path: the interpreter's code
  EXPECT_EQ(jit::ir_text(round_robin(), why), "");
  EXPECT_NE(why.find("ROUND_ROBIN"), std::string::npos);
}

}  // namespace
}  // namespace play
