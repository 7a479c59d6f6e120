// Every opcode, hand-assembled: loads, arithmetic (typed and generic),
// comparisons, functions, construction, and runtime errors with positions.
#include "tests/vm/vm_testing.h"

namespace play::vm::testing {
namespace {

// ------------------------------------------------------------------ loads

TEST(VmLoads, ConstNullBoolMove) {
  Context c;
  Asm a;
  a.op(Op::LOAD_CONST, 0, a.k(I(42)));
  a.op(Op::MOVE, 1, 0);
  a.op(Op::RETURN, 1);
  expect_value(c.run(a.done(2)), I(42));

  Asm b;
  b.op(Op::LOAD_BOOL, 0, 0, 0, 1);
  b.op(Op::RETURN, 0);
  expect_value(c.run(b.done(1)), B(true));

  Asm n;
  n.op(Op::LOAD_CONST, 0, n.k(I(1)));
  n.op(Op::LOAD_NULL, 0);
  n.op(Op::RETURN, 0);
  expect_value(c.run(n.done(1)), N());

  Asm nop;
  nop.op(Op::NOP);
  nop.op(Op::LOAD_BOOL, 0, 0, 0, 0);
  nop.op(Op::RETURN, 0);
  expect_value(c.run(nop.done(1)), B(false));
}

TEST(VmLoads, SignalAccountContactSlots) {
  Context c;
  Asm a;
  a.op(Op::LOAD_SIGNAL_SLOT, 0, 1);
  a.op(Op::RETURN, 0);
  Program sig = a.done(1);
  expect_value(c.run(sig), S("pricing"));

  Asm b;
  b.op(Op::LOAD_ACCOUNT_SLOT, 0, 1);
  b.op(Op::RETURN, 0);
  Program acc = b.done(1);
  expect_value(c.run(acc), I(1200));

  Asm d;
  d.op(Op::LOAD_CONTACT_SLOT, 0, 0);
  d.op(Op::RETURN, 0);
  Program con = d.done(1);
  expect_value(c.run(con), S("ana@bigco.com"));

  // Unknown records: every field reads as null.
  c.account.clear();
  c.contact.clear();
  c.refresh();
  expect_value(c.run(acc), N());
  expect_value(c.run(con), N());
}

TEST(VmLoads, RecordKnown) {
  Context c;
  Asm a;
  a.op(Op::RECORD_KNOWN, 0, 0, 0, 1);
  a.op(Op::RETURN, 0);
  Program p = a.done(1);
  expect_value(c.run(p), B(true));
  c.contact.clear();
  c.refresh();
  expect_value(c.run(p), B(false));
}

TEST(VmLoads, SignalPropByName) {
  Context c;
  Asm a;
  a.op(Op::LOAD_SIGNAL_PROP, 0, a.ks("visit_count"));
  a.op(Op::LOAD_SIGNAL_PROP, 1, a.ks("no_such_prop"));
  a.op(Op::BUILD_LIST, 2, 0, 2);
  a.op(Op::RETURN, 2);
  Value want[] = {I(3), N()};
  expect_value(c.run(a.done(3)), Value::list(want, 2));
}

TEST(VmLoads, EnvelopeLetsNow) {
  Context c;
  Asm a;
  a.op(Op::LOAD_ENVELOPE, 0, 0, 0, static_cast<uint8_t>(EnvelopeField::Type));
  a.op(Op::LOAD_ENVELOPE, 1, 0, 0, static_cast<uint8_t>(EnvelopeField::OccurredAt));
  a.op(Op::LOAD_LET, 2, 1);
  a.op(Op::LOAD_NOW, 3);
  a.op(Op::BUILD_LIST, 4, 0, 4);
  a.op(Op::RETURN, 4);
  Value want[] = {S("website.page_viewed"), T(1'782'036'000'000), I(7), T(1'782'036'000'000)};
  expect_value(c.run(a.done(5)), Value::list(want, 4));
}

TEST(VmLoads, IcpAndRoundRobinCallHost) {
  Context c;
  Asm a;
  a.op(Op::LOAD_ICP, 0, 0);
  a.op(Op::LOAD_ICP, 1, 1);
  a.op(Op::ROUND_ROBIN, 2, 0);
  a.op(Op::ROUND_ROBIN, 3, 0);
  a.op(Op::BUILD_LIST, 4, 0, 4);
  a.op(Op::RETURN, 4);
  Value want[] = {B(true), B(false), S("sam@acme.com"), S("kim@acme.com")};
  expect_value(c.run(a.done(5)), Value::list(want, 4));
  EXPECT_EQ(c.icp_calls, 2);
  EXPECT_EQ(c.round_robin_calls, 2);

  c.ctx.host.round_robin = nullptr;
  Asm b;
  b.op(Op::ROUND_ROBIN, 0, 1, 0, 0, SourcePos{1, 4, 2});
  b.op(Op::RETURN, 0);
  expect_error(c.run(b.done(1)), "round_robin");
}

// ------------------------------------------------------------------ arithmetic

TEST(VmArith, TypedInt) {
  expect_value(binary(Op::ADD_INT, I(2), I(3)), I(5));
  expect_value(binary(Op::SUB_INT, I(2), I(3)), I(-1));
  expect_value(binary(Op::MUL_INT, I(4), I(3)), I(12));
  expect_value(binary(Op::DIV_INT, I(7), I(2)), I(3));
  expect_value(binary(Op::MOD_INT, I(7), I(2)), I(1));
  expect_value(binary(Op::MOD_INT, I(-7), I(2)), I(-1));
}

TEST(VmArith, TypedFloat) {
  expect_value(binary(Op::ADD_FLOAT, F(1.5), F(2.25)), F(3.75));
  expect_value(binary(Op::SUB_FLOAT, F(1.5), F(2.5)), F(-1));
  expect_value(binary(Op::MUL_FLOAT, F(1.5), F(2)), F(3));
  expect_value(binary(Op::DIV_FLOAT, F(1), F(4)), F(0.25));
  EXPECT_TRUE(std::isinf(binary(Op::DIV_FLOAT, F(1), F(0)).value.f));  // IEEE, not an error
}

TEST(VmArith, TypedFallsBackToGeneric) {
  // A typed instruction given other kinds computes the generic result.
  expect_value(binary(Op::ADD_INT, I(1), F(0.5)), F(1.5));
  expect_value(binary(Op::ADD_FLOAT, I(1), I(2)), I(3));
  expect_value(binary(Op::MUL_INT, D(1000), I(3)), D(3000));
}

TEST(VmArith, GenericMixAndStrings) {
  expect_value(binary(Op::ADD, I(1), F(0.5)), F(1.5));
  expect_value(binary(Op::SUB, F(1), I(3)), F(-2));
  expect_value(binary(Op::MUL, I(2), F(0.25)), F(0.5));
  expect_value(binary(Op::DIV, I(1), F(2)), F(0.5));
  expect_value(binary(Op::DIV, I(9), I(3)), I(3));
  expect_value(binary(Op::MOD, I(9), I(4)), I(1));
  expect_value(binary(Op::ADD, S("ab"), S("cd")), S("abcd"));
  Value l1[] = {I(1)}, l2[] = {I(2), I(3)}, l3[] = {I(1), I(2), I(3)};
  expect_value(binary(Op::ADD, Value::list(l1, 1), Value::list(l2, 2)), Value::list(l3, 3));
}

TEST(VmArith, TimeAndDuration) {
  const int64_t h = 3'600'000;
  expect_value(binary(Op::SUB, T(10 * h), T(4 * h)), D(6 * h));
  expect_value(binary(Op::ADD, T(10 * h), D(h)), T(11 * h));
  expect_value(binary(Op::DIV, D(90 * 60000), D(h)), F(1.5));  // d / 1h: hours, as the checker types it
  EXPECT_FALSE(binary(Op::DIV, D(h), D(0)).ok);
  expect_value(binary(Op::ADD, D(h), T(10 * h)), T(11 * h));
  expect_value(binary(Op::SUB, T(10 * h), D(h)), T(9 * h));
  expect_value(binary(Op::ADD, D(h), D(h)), D(2 * h));
  expect_value(binary(Op::MUL, D(h), I(2)), D(2 * h));
  expect_value(binary(Op::MUL, F(0.5), D(h)), D(h / 2));
  expect_value(binary(Op::DIV, D(h), I(4)), D(h / 4));
  expect_value(binary(Op::DIV, D(h), F(2.0)), D(h / 2));
  expect_error(binary(Op::ADD, T(1), T(2)), "cannot add timestamp and timestamp");
}

TEST(VmArith, NegNot) {
  expect_value(unary(Op::NEG, I(5)), I(-5));
  expect_value(unary(Op::NEG, F(2.5)), F(-2.5));
  expect_value(unary(Op::NEG, D(10)), D(-10));
  expect_error(unary(Op::NEG, S("x")), "cannot negate string");
  expect_value(unary(Op::NOT, B(true)), B(false));
  expect_value(unary(Op::NOT, B(false)), B(true));
  expect_error(unary(Op::NOT, I(1)), "'not' needs a bool");
}

TEST(VmArith, RuntimeErrorsCarryPositions) {
  EvalResult r = binary(Op::DIV_INT, I(1), I(0));
  expect_error(r, "division by zero");
  EXPECT_EQ(r.error.pc, 2u);
  EXPECT_EQ(r.error.pos.file, 1u);
  EXPECT_EQ(r.error.pos.line, 10u);
  EXPECT_EQ(r.error.pos.col, 5u);
  expect_error(binary(Op::MOD, I(1), I(0)), "modulus by zero");
  expect_error(binary(Op::ADD_INT, I(INT64_MAX), I(1)), "integer overflow");
  expect_error(binary(Op::SUB_INT, I(INT64_MIN), I(1)), "integer overflow");
  expect_error(binary(Op::MUL_INT, I(INT64_MAX), I(2)), "integer overflow");
  expect_error(binary(Op::DIV_INT, I(INT64_MIN), I(-1)), "integer overflow");
  expect_value(binary(Op::MOD_INT, I(INT64_MIN), I(-1)), I(0));
  expect_error(unary(Op::NEG, I(INT64_MIN)), "integer overflow");
  expect_error(binary(Op::ADD, D(INT64_MAX), D(1)), "integer overflow");
  expect_error(binary(Op::MUL, D(INT64_MAX), F(2.0)), "integer overflow");
  expect_error(binary(Op::SUB, S("a"), S("b")), "cannot subtract string and string");
  expect_error(binary(Op::MOD, F(1), F(2)), "modulus");
}

// ------------------------------------------------------------------ logic and comparison

TEST(VmLogic, AndOrTruthTable) {
  // false wins for AND, true wins for OR, otherwise null if either is null.
  expect_value(binary(Op::AND, B(true), B(true)), B(true));
  expect_value(binary(Op::AND, B(true), B(false)), B(false));
  expect_value(binary(Op::AND, N(), B(false)), B(false));
  expect_value(binary(Op::AND, B(true), N()), N());
  expect_value(binary(Op::OR, B(false), B(false)), B(false));
  expect_value(binary(Op::OR, N(), B(true)), B(true));
  expect_value(binary(Op::OR, B(false), N()), N());
  expect_error(binary(Op::AND, I(1), B(true)), "'and' needs bools");
}

TEST(VmCompare, AllConditionsAllTypedForms) {
  struct Case {
    Op op;
    Value a, b;
  };
  // For each (a < b) pair: LT LE NE hold; GT GE EQ do not.
  Case lesser[] = {
      {Op::CMP_INT, I(1), I(2)},    {Op::CMP_FLOAT, F(1.5), F(2.5)}, {Op::CMP_STR, S("a"), S("b")},
      {Op::CMP, I(1), F(1.5)},      {Op::CMP, D(1), D(2)},           {Op::CMP, T(1), T(2)},
      {Op::CMP, B(false), B(true)}, {Op::CMP_INT, F(0.5), I(1)},     {Op::CMP_STR, S("ab"), S("b")}};
  for (auto& c : lesser) {
    const bool want[] = {false, true, true, true, false, false};  // EQ NE LT LE GT GE
    for (uint8_t cond = 0; cond < 6; ++cond) {
      SCOPED_TRACE(std::string(op_info(c.op).name) + " " + debug_string(c.a) + " " +
                   cond_name(static_cast<CmpCond>(cond)) + " " + debug_string(c.b));
      expect_value(binary(c.op, c.a, c.b, cond), B(want[cond]));
    }
  }
  expect_value(binary(Op::CMP_INT, I(3), I(3), uint8_t(CmpCond::EQ)), B(true));
  expect_value(binary(Op::CMP_STR, S("x"), S("x"), uint8_t(CmpCond::EQ)), B(true));
  expect_value(binary(Op::CMP, I(2), F(2.0), uint8_t(CmpCond::EQ)), B(true));
  expect_value(binary(Op::CMP, I(2), S("2"), uint8_t(CmpCond::EQ)), B(false));  // different kinds: unequal
  expect_error(binary(Op::CMP, I(2), S("2"), uint8_t(CmpCond::LT)), "cannot compare int and string");
  const double nan = std::nan("");
  expect_value(binary(Op::CMP_FLOAT, F(nan), F(1), uint8_t(CmpCond::LT)), B(false));
  expect_value(binary(Op::CMP_FLOAT, F(nan), F(1), uint8_t(CmpCond::GE)), B(false));
}

TEST(VmCompare, DeepEquality) {
  Value a[] = {S("x"), I(1)}, b[] = {S("x"), F(1.0)}, c[] = {S("x"), I(2)};
  expect_value(binary(Op::CMP, Value::list(a, 2), Value::list(b, 2), 0), B(true));
  expect_value(binary(Op::CMP, Value::list(a, 2), Value::list(c, 2), 0), B(false));
  MapEntry m1[] = {{"a", I(1)}, {"b", I(2)}}, m2[] = {{"b", I(2)}, {"a", I(1)}};
  expect_value(binary(Op::CMP, Value::map(m1, 2), Value::map(m2, 2), 0), B(true));
}

TEST(VmCompare, InAndNotIn) {
  Value l[] = {S("US"), S("CA")};
  expect_value(binary(Op::IN, S("CA"), Value::list(l, 2)), B(true));
  expect_value(binary(Op::IN, S("GB"), Value::list(l, 2)), B(false));
  expect_value(binary(Op::NOT_IN, S("GB"), Value::list(l, 2)), B(true));
  expect_value(binary(Op::NOT_IN, S("US"), Value::list(l, 2)), B(false));
  MapEntry m[] = {{"k", I(1)}};
  expect_value(binary(Op::IN, S("k"), Value::map(m, 1)), B(true));
  expect_value(binary(Op::IN, S("z"), Value::map(m, 1)), B(false));
  expect_value(binary(Op::IN, I(1), Value::map(m, 1)), B(false));
  expect_error(binary(Op::IN, S("a"), S("abc")), "'in' needs a list or a map");
}

// ------------------------------------------------------------------ functions

TEST(VmFunctions, SizeAndStrings) {
  expect_value(unary(Op::SIZE, S("héllo")), I(5));  // code points, not bytes
  Value l[] = {I(1), I(2)};
  expect_value(unary(Op::SIZE, Value::list(l, 2)), I(2));
  expect_error(unary(Op::SIZE, I(3)), "size()");
  expect_value(binary(Op::STR_CONTAINS, S("pricing page"), S("ing p")), B(true));
  expect_value(binary(Op::STR_CONTAINS, S("pricing"), S("xyz")), B(false));
  expect_value(binary(Op::STR_STARTS, S("https://x"), S("https")), B(true));
  expect_value(binary(Op::STR_STARTS, S("http://x"), S("https")), B(false));
  expect_value(binary(Op::STR_ENDS, S("a@rival.io"), S("rival.io")), B(true));
  expect_value(binary(Op::STR_ENDS, S("a@b.io"), S("rival.io")), B(false));
  expect_error(binary(Op::STR_CONTAINS, S("a"), I(1)), "contains() needs strings");
  expect_value(unary(Op::LOWER, S("VP Sales")), S("vp sales"));
  expect_value(unary(Op::UPPER, S("vp sales")), S("VP SALES"));
  expect_value(unary(Op::HAS, S("")), B(true));
  expect_value(unary(Op::HAS, N()), B(false));
}

TEST(VmFunctions, MatchesConstAndDynamic) {
  Context c;
  Asm a;
  a.op(Op::LOAD_SIGNAL_SLOT, 0, 0);
  a.op(Op::MATCHES_CONST, 1, 0, a.ks("/pric(e|ing)$"));
  a.op(Op::RETURN, 1);
  Program p = a.done(2);
  ASSERT_NE(p.regexes[0], nullptr);  // compiled once, at verification
  expect_value(c.run(p), B(true));

  expect_value(binary(Op::MATCHES, S("VP of Sales"), S("^(VP|Head)")), B(true));
  expect_value(binary(Op::MATCHES, S("Engineer"), S("^(VP|Head)")), B(false));
  expect_error(binary(Op::MATCHES, S("x"), S("(unclosed")), "bad regex '(unclosed'");
  // Cached: the same bad pattern is refused again without recompiling.
  expect_error(binary(Op::MATCHES, S("x"), S("(unclosed")), "bad regex");

  Asm bad;
  bad.op(Op::LOAD_CONST, 0, bad.ks("text"));
  bad.op(Op::MATCHES_CONST, 1, 0, bad.ks("[z-a]"), 0, SourcePos{1, 7, 11});
  bad.op(Op::RETURN, 1);
  EvalResult r = c.run(bad.done(2));
  expect_error(r, "bad regex '[z-a]'");
  EXPECT_EQ(r.error.pos.line, 7u);
  EXPECT_EQ(r.error.pos.col, 11u);
}

TEST(VmFunctions, Conversions) {
  expect_value(unary(Op::TO_INT, F(3.9)), I(3));
  expect_value(unary(Op::TO_INT, F(-3.9)), I(-3));
  expect_value(unary(Op::TO_INT, S("-42")), I(-42));
  expect_value(unary(Op::TO_INT, T(1'500)), I(1));
  expect_error(unary(Op::TO_INT, S("4x")), "cannot convert string '4x' to int");
  expect_error(unary(Op::TO_INT, F(1e300)), "out of range");
  expect_value(unary(Op::TO_FLOAT, I(2)), F(2));
  expect_value(unary(Op::TO_FLOAT, S("2.5")), F(2.5));
  expect_error(unary(Op::TO_FLOAT, S("abc")), "cannot convert");
  expect_value(unary(Op::TO_STRING, I(42)), S("42"));
  expect_value(unary(Op::TO_STRING, F(2.5)), S("2.5"));
  expect_value(unary(Op::TO_STRING, B(true)), S("true"));
  expect_value(unary(Op::TO_STRING, D(5'400'000)), S("1h30m"));
  expect_value(unary(Op::TO_TIMESTAMP, S("2026-06-21T10:00:00Z")), T(1'782'036'000'000));
  expect_value(unary(Op::TO_TIMESTAMP, S("2026-06-21T12:00:00+02:00")), T(1'782'036'000'000));
  expect_error(unary(Op::TO_TIMESTAMP, S("yesterday")), "cannot convert string 'yesterday' to timestamp");
  expect_value(unary(Op::TO_DURATION, S("4h")), D(4 * 3'600'000));
  expect_value(unary(Op::TO_DURATION, S("1h30m")), D(5'400'000));
  expect_error(unary(Op::TO_DURATION, S("4 hours")), "cannot convert");
}

// CEL's ranges: timestamps in years 0001..9999, durations within ~292 years.
TEST(VmFunctions, TimestampAndDurationRanges) {
  expect_error(unary(Op::TO_TIMESTAMP, S("0000-01-01T00:00:00Z")), "timestamp out of range");
  expect_value(unary(Op::TO_TIMESTAMP, S("0001-01-01T00:00:00Z")), T(-62'135'596'800'000));
  expect_error(binary(Op::SUB, T(-62'135'596'800'000), D(1'000)), "timestamp out of range");
  expect_error(binary(Op::ADD, T(253'402'300'799'000), D(1'000)), "timestamp out of range");
  expect_error(binary(Op::SUB, T(253'402'300'799'000), T(-62'135'596'800'000)), "duration out of range");
  expect_error(unary(Op::TO_DURATION, S("320000000000s")), "duration out of range");
  expect_value(binary(Op::SUB, T(2'000), T(500)), D(1'500));
}

TEST(VmFunctions, IndexAndMapGet) {
  Value l[] = {S("a"), S("b")};
  expect_value(binary(Op::INDEX, Value::list(l, 2), I(1)), S("b"));
  expect_error(binary(Op::INDEX, Value::list(l, 2), I(2)), "index 2 out of range (list of 2)");
  expect_error(binary(Op::INDEX, Value::list(l, 2), I(-1)), "out of range");
  expect_error(binary(Op::INDEX, Value::list(l, 2), S("x")), "list index must be an int");
  // CEL: a float with an integral value indexes; a fractional one does not.
  expect_value(binary(Op::INDEX, Value::list(l, 2), F(1.0)), S("b"));
  expect_error(binary(Op::INDEX, Value::list(l, 2), F(0.5)), "list index must be an int");
  MapEntry m[] = {{"plan", S("pro")}};
  expect_value(binary(Op::INDEX, Value::map(m, 1), S("plan")), S("pro"));
  expect_value(binary(Op::INDEX, Value::map(m, 1), S("nope")), N());
  expect_error(binary(Op::INDEX, I(1), I(0)), "cannot index int");

  Context c;
  Asm a;
  a.op(Op::LOAD_CONST, 0, a.k(Value::map(m, 1)));
  a.op(Op::MAP_GET, 1, 0, a.ks("plan"));
  a.op(Op::MAP_GET, 2, 0, a.ks("seats"));
  a.op(Op::BUILD_LIST, 3, 1, 2);
  a.op(Op::RETURN, 3);
  Value want[] = {S("pro"), N()};
  expect_value(c.run(a.done(4)), Value::list(want, 2));
}

// ------------------------------------------------------------------ construction

TEST(VmBuild, ListMapConcat) {
  Context c;
  Asm a;
  a.op(Op::LOAD_CONST, 0, a.ks("k"));
  a.op(Op::LOAD_CONST, 1, a.k(I(1)));
  a.op(Op::LOAD_CONST, 2, a.ks("k"));  // duplicate key: the later one wins
  a.op(Op::LOAD_CONST, 3, a.k(I(2)));
  a.op(Op::BUILD_MAP, 4, 0, 2);
  a.op(Op::RETURN, 4);
  MapEntry want[] = {{"k", I(2)}};
  expect_value(c.run(a.done(5)), Value::map(want, 1));

  Asm bad;
  bad.op(Op::LOAD_CONST, 0, bad.k(I(1)));
  bad.op(Op::BUILD_MAP, 1, 0, 1);
  bad.op(Op::RETURN, 1);
  expect_error(c.run(bad.done(2)), "map keys must be strings");

  // "{contact.name} at {account.name}: {n} visits, {missing}!" -> null renders as nothing.
  Asm t;
  t.op(Op::LOAD_CONTACT_SLOT, 0, 0);
  t.op(Op::LOAD_CONST, 1, t.ks(" at "));
  t.op(Op::LOAD_ACCOUNT_SLOT, 2, 0);
  t.op(Op::LOAD_CONST, 3, t.ks(": "));
  t.op(Op::LOAD_CONST, 4, t.k(F(2.5)));
  t.op(Op::LOAD_CONST, 5, t.ks(" visits, "));
  t.op(Op::LOAD_NULL, 6);
  t.op(Op::LOAD_CONST, 7, t.ks("!"));
  t.op(Op::CONCAT, 8, 0, 8);
  t.op(Op::RETURN, 8);
  expect_value(c.run(t.done(9)), S("ana@bigco.com at BigCo: 2.5 visits, !"));
}

TEST(VmVerify, RefusesBadOperands) {
  auto refuse = [](Asm& a, uint16_t regs, const std::string& fragment,
                   ProgramLimits l = Asm::default_limits()) {
    a.p.num_registers = regs;
    std::string err = verify(a.p, l);
    EXPECT_NE(err.find(fragment), std::string::npos) << "got: " << err;
    EXPECT_FALSE(a.p.verified);
  };
  {
    Asm a;
    a.op(Op::MOVE, 5, 0);
    a.op(Op::RETURN, 0);
    refuse(a, 2, "register 5 out of range");
  }
  {
    Asm a;  // TIME_PART's x names one of the TimePart fields
    a.op(Op::TIME_PART, 0, 1, 2, static_cast<uint8_t>(TimePart::kCount));
    a.op(Op::RETURN, 0);
    refuse(a, 3, "time part");
  }
  {
    Asm a;
    a.op(Op::LOAD_CONST, 0, 3);
    a.op(Op::RETURN, 0);
    refuse(a, 1, "constant 3 out of range");
  }
  {
    Asm a;
    a.op(Op::JUMP, 0, 0);
    a.op(Op::RETURN, 0);
    refuse(a, 1, "jump target 0 out of range");
  }
  {
    Asm a;
    a.op(Op::LOAD_SIGNAL_SLOT, 0, 3);
    a.op(Op::RETURN, 0);
    refuse(a, 1, "signal slot 3 out of range");
  }
  {
    Asm a;
    a.op(Op::LOAD_SIGNAL_SLOT, 0, 0);
    a.op(Op::RETURN, 0);
    ProgramLimits icp_limits = Asm::default_limits();
    icp_limits.signal_slots = 0;
    refuse(a, 1, "signal slot 0 out of range", icp_limits);
  }
  {
    Asm a;
    a.op(Op::LOAD_LET, 0, 2);
    a.op(Op::RETURN, 0);
    refuse(a, 1, "let 2 out of range");
  }
  {
    Asm a;
    a.op(Op::CMP, 0, 0, 0, 6);
    a.op(Op::RETURN, 0);
    refuse(a, 1, "comparison 6 out of range");
  }
  {
    Asm a;
    a.op(Op::LOAD_CONST, 0, a.k(I(1)));
    refuse(a, 1, "does not end with RETURN");
  }
  {
    Asm a;
    a.op(Op::LOAD_CONST, 0, a.k(I(1)));
    a.op(Op::MATCHES_CONST, 0, 0, 0);
    a.op(Op::RETURN, 0);
    refuse(a, 1, "is not a string");
  }
  {
    Asm a;
    a.op(Op::BUILD_LIST, 0, 1, 3);
    a.op(Op::RETURN, 0);
    refuse(a, 3, "register range 1+3 exceeds 3 registers");
  }
  {
    Asm a;
    a.op(Op::LOOP, 0, 0);
    a.op(Op::RETURN, 0);
    refuse(a, 1, "loop target 0 is not an earlier ITER_NEXT");
  }
  {
    Asm a;
    a.op(static_cast<Op>(200), 0);
    a.op(Op::RETURN, 0);
    refuse(a, 1, "invalid opcode 200");
  }
  {
    Asm a;
    a.op(Op::NOP, 1);
    a.op(Op::RETURN, 0);
    refuse(a, 1, "operand a must be 0");
  }
}

TEST(VmVerify, UnverifiedProgramsDoNotRun) {
  Context c;
  Program p;
  p.emit(Op::LOAD_BOOL, 0, 0, 0, 1);
  p.emit(Op::RETURN, 0);
  p.num_registers = 1;
  expect_error(c.run(p), "not verified");
}

}  // namespace
}  // namespace play::vm::testing
