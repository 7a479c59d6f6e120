#include "apps/playtest/playtest.h"

#include "common/json/json.h"
#include "compiler/codegen/codegen.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/engine/render.h"
#include "runtime/vm/vm.h"

namespace play::playtest {

namespace {

struct RecordedAction {
  std::string play, action, signal;
  std::vector<std::pair<std::string, vm::Value>> args;  // copied into the test's arena
  std::string rendered;                                 // the playc run line, for messages
};
struct RecordedOutcome {
  std::string play, signal, kind, reason, error;
  std::string at;  // "file:line:col" of the deciding clause or the failing expression ("" if none)
};

// Everything the engine issued during one test.
class Recorder : public engine::OutputSink {
 public:
  Recorder(vm::Arena& arena, const vm::Bundle& bundle) : arena_(arena), bundle_(bundle) {}
  void action(const engine::Action& a) override {
    RecordedAction r{std::string(a.play), std::string(a.action), std::string(a.signal), {}, {}};
    for (size_t i = 0; i < a.args.size(); ++i)
      r.args.emplace_back(a.def->args[i].name, vm::copy_value(a.args[i], arena_));
    engine::render_action(a, r.rendered);
    actions.push_back(std::move(r));
  }
  void outcome(const engine::Outcome& o) override {
    const vm::SourcePos& at = o.error_pos.line ? o.error_pos : o.clause_pos;
    outcomes.push_back({std::string(o.play), std::string(o.signal), engine::outcome_name(o.kind),
                        std::string(o.reason), std::string(o.error), engine::format_pos(bundle_, at)});
  }
  std::vector<RecordedAction> actions;
  std::vector<RecordedOutcome> outcomes;

 private:
  vm::Arena& arena_;
  const vm::Bundle& bundle_;
};

// "test-1: suppressed \"open opportunity\" at p.play:7:3" -- why a play did what it did, as the trace says.
std::string describe(const RecordedOutcome& o) {
  return o.signal + ": " + o.kind + (o.reason.empty() ? "" : " \"" + o.reason + "\"") +
         (o.at.empty() ? "" : " at " + o.at) + (o.error.empty() ? "" : " (" + o.error + ")");
}

std::string show(const vm::Value& v) {
  std::string s;
  engine::append_value_json(s, v);
  return s;
}

// One test block's run, in the steps of docs/language.md section 11: every
// `given` (wherever it stands), the signals in the order written, then the
// expectations. A step that cannot go on (a value that does not evaluate, a
// signal that does not decode) ends the run with that failure.
class TestRun {
 public:
  TestRun(const sema::Project& project, const vm::Bundle& bundle, const ast::TestDecl& test,
          engine::ProgramRunner* runner)
      : project_(project),
        bundle_(bundle),
        test_(test),
        context_(bundle),
        engine_(bundle, context_, ledger_, &seen_),
        recorder_(arena_, bundle) {
    engine_.set_runner(runner);
  }

  std::vector<std::string> run() {
    if (load_givens() && send_signals()) check_expectations();
    return std::move(failures_);
  }

 private:
  bool load_givens();
  bool load_given(const ast::TestItem& item);
  bool send_signals();
  bool envelope_of(const ast::TestItem& item, int n, int64_t at_ms, std::string& out);
  void check_expectations();
  bool expect_action(const ast::TestItem& item, std::vector<bool>& explained);
  void expect_outcome(const ast::TestItem& item);
  void check_runtime_errors();

  std::string where(Span s) const {
    LineCol lc = project_.sources.file(s.file).line_col(s.begin);
    return project_.sources.file(s.file).path() + ":" + std::to_string(lc.line) + ":" +
           std::to_string(lc.col);
  }
  bool value_of(const ast::Expr& e, vm::Value& out);

  const sema::Project& project_;
  const vm::Bundle& bundle_;
  const ast::TestDecl& test_;
  vm::Arena arena_{1 << 16};
  vm::RegexCache regexes_;
  engine::MemoryContext context_;
  engine::MemoryLedger ledger_;
  engine::MemorySeenSignals seen_;
  engine::Engine engine_;
  Recorder recorder_;
  std::vector<std::string> failures_;
};

// A checked constant expression of the test block -> its value (in the test's arena).
bool TestRun::value_of(const ast::Expr& e, vm::Value& out) {
  vm::Program program;
  std::string err;
  if (!codegen::compile_expression(project_, e, program, err)) {
    failures_.push_back(where(e.span) + ": cannot evaluate: " + err);
    return false;
  }
  vm::Arena scratch;
  vm::EvalContext ctx;
  ctx.arena = &scratch;
  ctx.regex_cache = &regexes_;
  vm::EvalResult r = vm::eval(program, ctx);
  if (!r.ok) {
    failures_.push_back(where(e.span) + ": " + r.error.message);
    return false;
  }
  out = vm::copy_value(r.value, arena_);
  return true;
}

bool TestRun::load_givens() {
  for (const auto& item : test_.items)
    if (item.kind == ast::TestItemKind::Given && !load_given(item)) return false;
  return true;
}

bool TestRun::load_given(const ast::TestItem& item) {
  bool account = item.entity == "account";
  const auto& schema = account ? bundle_.account : bundle_.contact;
  std::string key;
  std::vector<engine::FieldValue> fields;
  bool has_account_field = false;
  for (const auto& f : item.fields) {
    vm::Value v;
    if (!value_of(*f.value, v)) return false;
    if (f.name == (account ? "domain" : "email")) {
      if (v.kind == vm::Kind::String) key = std::string(v.str());
      continue;
    }
    if (f.name == "account") has_account_field = true;
    int slot = engine::field_slot(schema, f.name);
    if (slot >= 0) fields.push_back({static_cast<uint32_t>(slot), v});
  }
  if (key.empty()) {
    failures_.push_back(where(item.span) + ": given " + item.entity + " needs " +
                        (account ? "domain" : "email"));
    return false;
  }
  // A contact's account defaults to its email domain (docs/language.md section 11).
  std::string domain;
  if (!account && !has_account_field && key.find('@') != std::string::npos) {
    domain = key.substr(key.find('@') + 1);
    int slot = engine::field_slot(schema, "account");
    if (slot >= 0) fields.push_back({static_cast<uint32_t>(slot), vm::Value::string(domain)});
  }
  context_.upsert(account ? engine::Entity::Account : engine::Entity::Contact, key, fields);
  return true;
}

bool TestRun::send_signals() {
  engine::SignalDecoder decoder(bundle_);
  engine::DecodedSignal signal;
  int n = 0;
  // The test's clock, as `playc run`'s stream clock: the newest occurred_at
  // so far, moved on by `after D`; absence and rate timers run on it. A signal
  // without `at` occurs at T0, or at the clock of the last `after`.
  int64_t clock = kT0, after = kT0;
  for (const auto& item : test_.items) {
    if (item.kind == ast::TestItemKind::After) {
      after = clock += item.at_ms;
      engine_.advance_clock(clock, recorder_);
      continue;
    }
    if (item.kind != ast::TestItemKind::Signal) continue;
    std::string env, err;
    int64_t at = item.at_raw.empty() ? after : kT0 + item.at_ms;
    if (!envelope_of(item, ++n, at, env)) return false;
    if (!decoder.decode(env, signal, err)) {
      failures_.push_back(where(item.span) + ": bad signal: " + err);
      return false;
    }
    if (int64_t t = engine::Engine::clock_time(signal); t > clock)
      engine_.advance_clock(clock = t, recorder_);
    engine_.process(signal, recorder_);
  }
  return true;
}

// The n-th signal of the test as the JSON envelope playd would receive:
// id "test-N" and source "test" unless given, occurred at at_ms.
bool TestRun::envelope_of(const ast::TestItem& item, int n, int64_t at_ms, std::string& env) {
  json::Writer w(env);
  w.begin_object();
  bool has_id = false, has_source = false;
  std::string props;
  json::Writer pw(props);
  pw.begin_object();
  for (const auto& f : item.fields) {
    vm::Value v;
    if (!value_of(*f.value, v)) return false;
    if (f.name == "id" || f.name == "account" || f.name == "contact" || f.name == "source") {
      has_id |= f.name == "id";
      has_source |= f.name == "source";
      w.key(f.name).raw(show(v));
    } else {
      pw.key(f.name).raw(show(v));
    }
  }
  pw.end_object();
  if (!has_id) w.key("id").value("test-" + std::to_string(n));
  if (!has_source) w.key("source").value("test");
  w.key("type").value(item.signal_type);
  w.key("occurred_at").value(vm::format_timestamp(at_ms));
  w.key("properties").raw(props);
  w.end_object();
  return true;
}

void TestRun::check_expectations() {
  check_runtime_errors();
  std::vector<bool> explained(recorder_.actions.size(), false);
  const ast::TestItem* nothing_else = nullptr;
  for (const auto& item : test_.items) {
    if (item.kind == ast::TestItemKind::ExpectAction) {
      if (!expect_action(item, explained)) return;
    } else if (item.kind == ast::TestItemKind::ExpectOutcome) {
      expect_outcome(item);
    } else if (item.kind == ast::TestItemKind::ExpectNothingElse) {
      nothing_else = &item;
    }
  }
  if (!nothing_else) return;
  for (size_t i = 0; i < recorder_.actions.size(); ++i)
    if (!explained[i])
      failures_.push_back(where(nothing_else->span) + ": nothing else expected, but " +
                          recorder_.actions[i].play + " issued: " + recorder_.actions[i].rendered);
}

// A play that hit a runtime error fails the test (a `let` that fails on
// every signal must not pass CI silently), unless the test expects it:
// `expect P outcome error`.
void TestRun::check_runtime_errors() {
  for (const auto& o : recorder_.outcomes) {
    if (o.kind != "error") continue;
    bool expected = false;
    for (const auto& item : test_.items)
      expected |=
          item.kind == ast::TestItemKind::ExpectOutcome && item.play == o.play && item.outcome == "error";
    if (!expected)
      failures_.push_back((o.at.empty() ? where(test_.span) : o.at) + ": play " + o.play +
                          " hit a runtime error on signal " + o.signal + ": " + o.error + " (expect " +
                          o.play + " outcome error if the test means it)");
  }
}

// `expect P do A(args) times N`: the actions it matches are explained (for
// `expect nothing else`). False when an argument does not evaluate.
bool TestRun::expect_action(const ast::TestItem& item, std::vector<bool>& explained) {
  std::vector<std::pair<std::string, vm::Value>> want;
  for (const auto& a : item.args) {
    vm::Value v;
    if (!value_of(*a.value, v)) return false;
    want.emplace_back(a.name, v);
  }
  auto matches = [&](const RecordedAction& got) {
    for (const auto& [name, v] : want) {
      bool found = false;
      for (const auto& [gname, gv] : got.args)
        if (gname == name) found = vm::values_equal(gv, v);
      if (!found) return false;
    }
    return true;
  };
  int64_t count = 0;
  for (size_t i = 0; i < recorder_.actions.size(); ++i) {
    const auto& got = recorder_.actions[i];
    if (got.play != item.play || got.action != item.action || !matches(got)) continue;
    ++count;
    explained[i] = true;
  }
  if (count == item.times) return true;
  std::string msg = where(item.span) + ": expected " + std::to_string(item.times) + " " + item.action +
                    " action" + (item.times == 1 ? "" : "s") + " from " + item.play;
  if (!want.empty()) {
    msg += " with";
    for (const auto& [name, v] : want) msg += " " + name + ": " + show(v);
  }
  msg += ", got " + std::to_string(count);
  for (const auto& got : recorder_.actions)
    if (got.play == item.play && got.action == item.action) msg += "\n      issued: " + got.rendered;
  // Why it did not fire (or fired otherwise): the play's outcomes, as the trace shows them.
  std::string why;
  for (const auto& o : recorder_.outcomes)
    if (o.play == item.play) why += "\n      " + describe(o);
  msg += why.empty() ? "\n      " + item.play + " was not evaluated: no signal of the test matches its `on`"
                     : "\n      outcomes:" + why;
  failures_.push_back(msg);
  return true;
}

// `expect P outcome KIND ["reason"] [on "id"] [times N]`.
void TestRun::expect_outcome(const ast::TestItem& item) {
  int64_t count = 0;
  std::string seen_kinds;
  for (const auto& o : recorder_.outcomes) {
    if (o.play != item.play) continue;
    if (item.has_signal_id && o.signal != item.signal_id) continue;
    seen_kinds += "\n      " + describe(o);
    if (o.kind != item.outcome) continue;
    if (item.has_reason && o.reason != item.reason) continue;
    ++count;
  }
  if (count == item.times) return;
  failures_.push_back(where(item.span) + ": expected " + item.play + " outcome " + item.outcome +
                      (item.has_reason ? " \"" + item.reason + "\"" : "") +
                      (item.has_signal_id ? " on \"" + item.signal_id + "\"" : "") + " " +
                      std::to_string(item.times) + " time" + (item.times == 1 ? "" : "s") + ", got " +
                      std::to_string(count) + (seen_kinds.empty() ? "" : "; outcomes were:" + seen_kinds));
}

}  // namespace

TestResult run_test(const sema::Project& project, const vm::Bundle& bundle, const ast::TestDecl& test,
                    engine::ProgramRunner* runner) {
  TestResult r;
  r.name = test.name;
  r.file = project.sources.file(test.span.file).path();
  r.line = project.sources.file(test.span.file).line_col(test.span.begin).line;
  r.failures = TestRun(project, bundle, test, runner).run();
  return r;
}

std::vector<TestResult> run_tests(const sema::Project& project, const vm::Bundle& bundle,
                                  engine::ProgramRunner* runner) {
  std::vector<TestResult> results;
  for (const ast::TestDecl* test : project.tests) results.push_back(run_test(project, bundle, *test, runner));
  return results;
}

}  // namespace play::playtest
