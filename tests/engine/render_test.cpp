// Output rendering and idempotency keys.
#include "runtime/engine/render.h"

#include <gtest/gtest.h>

#include <set>

#include "runtime/engine/idempotency.h"
#include "tests/engine/builder.h"

namespace play::engine::testing {
namespace {

std::string json_of(const Value& v) {
  std::string s;
  append_value_json(s, v);
  return s;
}

TEST(Render, ValuesAsJson) {
  EXPECT_EQ(json_of(Value()), "null");
  EXPECT_EQ(json_of(Value::boolean(true)), "true");
  EXPECT_EQ(json_of(Value::integer(-42)), "-42");
  EXPECT_EQ(json_of(Value::floating(2.5)), "2.5");
  EXPECT_EQ(json_of(Value::string("a\"b\n")), R"("a\"b\n")");
  EXPECT_EQ(json_of(Value::duration(kDay)), R"("1d")");
  EXPECT_EQ(json_of(Value::duration(90 * 60'000)), R"("1h30m")");
  int64_t t;
  ASSERT_TRUE(parse_timestamp("2026-06-21T10:00:00Z", t));
  EXPECT_EQ(json_of(Value::timestamp(t)), R"("2026-06-21T10:00:00Z")");
  Value items[] = {Value::string("x"), Value::integer(1), Value()};
  EXPECT_EQ(json_of(Value::list(items, 3)), R"(["x",1,null])");
  MapEntry entries[] = {{"k", Value::list(items, 1)}, {"n", Value::floating(0.5)}};
  EXPECT_EQ(json_of(Value::map(entries, 2)), R"({"k":["x"],"n":0.5})");
}

TEST(Render, Positions) {
  Bundle b = base_bundle();
  EXPECT_EQ(format_pos(b, {1, 12, 3}), "plays/test.play:12:3");
  EXPECT_EQ(format_pos(b, {0, 12, 3}), "12:3");
  EXPECT_EQ(format_pos(b, {1, 0, 0}), "");
}

TEST(Render, OutcomeLines) {
  Bundle b = base_bundle();
  Outcome dup;
  dup.signal = "evt_1";
  dup.kind = OutcomeKind::DuplicateSignal;
  std::string s;
  render_outcome(dup, b, s);
  EXPECT_EQ(s, R"({"kind":"outcome","signal":"evt_1","outcome":"duplicate_signal"})");
  Outcome sup;
  sup.play = "p";
  sup.signal = "evt_2";
  sup.kind = OutcomeKind::Suppressed;
  sup.reason = "open opportunity";
  sup.clause_pos = {1, 8, 3};
  s.clear();
  render_outcome(sup, b, s);
  EXPECT_EQ(
      s,
      R"({"kind":"outcome","play":"p","signal":"evt_2","outcome":"suppressed","reason":"open opportunity"})");
}

TEST(Render, NdjsonSinkPrintsOutcomesOnlyWhenTracing) {
  Bundle b = base_bundle();
  Outcome o;
  o.play = "p";
  o.signal = "e";
  vm::Action def = notify("#c", text("t"));
  Value args[] = {Value::string("#c"), Value::string("t")};
  Action a;
  a.play = "p";
  a.action = "notify";
  a.sink = "chat";
  a.signal = "e";
  a.def = &def;
  a.args = args;
  idempotency_key("p", "e", 0, a.key_hex);
  std::string quiet, traced;
  NdjsonSink q(b, quiet, false), t(b, traced, true);
  for (OutputSink* sink : {static_cast<OutputSink*>(&q), static_cast<OutputSink*>(&t)}) {
    sink->action(a);
    sink->outcome(o);
  }
  std::string action_line =
      R"({"kind":"action","play":"p","action":"notify","signal":"e","account":null,)"
      R"("contact":null,"args":{"channel":"#c","text":"t"},"priority":"normal","key":")" +
      std::string(a.key()) + "\"}\n";
  EXPECT_EQ(quiet, action_line);
  EXPECT_EQ(traced, action_line + R"({"kind":"outcome","play":"p","signal":"e","outcome":"fired"})" + "\n");
}

// ActionRenderer keeps parts of lines it rendered before; every line must
// still be render_action's, byte for byte, whatever changes between actions.
TEST(Render, TheActionRendererWritesRenderActionsLines) {
  vm::Action notify_def = notify("#c", text("t"));
  vm::Action other_def = notify("#d", text("u"));
  other_def.args[1].name = "te\"xt";  // a name that needs escaping
  Value args[] = {Value::string("#c"), Value::string("line\n\"quoted\" caf\xc3\xa9 \x01")};
  struct Case {
    const char* play;
    const vm::Action* def;
    const char* signal;
    const char* account;
    const char* contact;
    bool shadow;
  };
  const Case cases[] = {
      {"p", &notify_def, "e1", "", "", false},
      {"p", &notify_def, "e1", "", "", false},           // the same again
      {"p", &notify_def, "e1", "bigco.com", "", false},  // the account changes, not the signal
      {"p", &notify_def, "e1", "bigco.com", "ana@bigco.com", true},
      {"p", &other_def, "e\"2", "bigco.com", "ana@bigco.com", false},
      {"p", &notify_def, "e3", "x\\y.com", "", false},
  };
  ActionRenderer renderer;
  for (const Case& c : cases) {
    Action a;
    a.play = c.play;
    a.action = "notify";
    a.signal = c.signal;
    a.account = c.account;
    a.contact = c.contact;
    a.def = c.def;
    a.args = args;
    a.shadow = c.shadow;
    a.priority = c.shadow ? vm::Priority::High : vm::Priority::Normal;
    idempotency_key(c.play, c.signal, 0, a.key_hex);
    std::string want, got;
    render_action(a, want);
    renderer.render(a, got);
    EXPECT_EQ(got, want);
  }
  std::string line;
  Action a;
  a.play = "p";
  a.action = "notify";
  a.signal = "e";
  a.def = &other_def;
  a.args = args;
  renderer.render(a, line);
  EXPECT_NE(line.find(R"("te\"xt":"line\n\"quoted\" café \u0001")"), std::string::npos) << line;
}

TEST(IdempotencyKey, StableAndDistinct) {
  char k[33];
  idempotency_key("pricing_visit_enterprise", "evt_1", 0, k);
  // Pinned: this value must never change (sinks dedupe on it across versions).
  // = hex(SHA-256("play-action-v1\n24:pricing_visit_enterprise5:evt_10"))[:32]
  EXPECT_STREQ(k, "5c792f007c6fa25c0902b8ae03ba4105");
  std::set<std::string> keys;
  for (const char* play : {"a", "ab"})
    for (const char* id : {"b", "bc", ""})
      for (uint32_t i : {0u, 1u, 10u}) {
        idempotency_key(play, id, i, k);
        EXPECT_EQ(std::string(k).size(), 32u);
        keys.insert(k);
      }
  EXPECT_EQ(keys.size(), 18u);
  // Unambiguous: ("a","bc") and ("ab","c") differ.
  char x[33], y[33];
  idempotency_key("a", "bc", 1, x);
  idempotency_key("ab", "c", 1, y);
  EXPECT_STRNE(x, y);
}

}  // namespace
}  // namespace play::engine::testing
