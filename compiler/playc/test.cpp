// `playc test`: runs the project's `test` blocks (docs/language.md section 11).
// Each test gets a fresh engine with in-memory stores, loads its `given`
// records, sends its signals in order from a fixed instant T0, records every
// outcome and action, then checks the expectations. Ends with the line
// `N passed, N failed`; --junit writes a JUnit XML report for CI.
#include <cstdio>
#include <string>
#include <vector>

#include "common/json/json.h"
#include "compiler/codegen/codegen.h"
#include "compiler/diag/files.h"
#include "compiler/playc/commands.h"
#include "compiler/playc/compile.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/memory_context.h"
#include "runtime/engine/memory_ledger.h"
#include "runtime/engine/render.h"
#include "runtime/vm/vm.h"

namespace play::playc {

namespace {

// T0: the instant `at 0s` stands for. Tests must not depend on it.
constexpr int64_t kT0 = 1782036000000;  // 2026-06-21T10:00:00Z

struct RecordedAction {
  std::string play, action, signal;
  std::vector<std::pair<std::string, vm::Value>> args;  // copied into the test's arena
  std::string rendered;                                 // the playc run line, for messages
};
struct RecordedOutcome {
  std::string play, signal, kind, reason, error;
};

class Recorder : public engine::OutputSink {
 public:
  Recorder(const vm::Bundle& b, vm::Arena& arena) : bundle_(b), arena_(arena) {}
  void action(const engine::Action& a) override {
    RecordedAction r{std::string(a.play), std::string(a.action), std::string(a.signal), {}, {}};
    for (size_t i = 0; i < a.args.size(); ++i)
      r.args.emplace_back(a.def->args[i].name, vm::copy_value(a.args[i], arena_));
    engine::render_action(a, r.rendered);
    actions.push_back(std::move(r));
  }
  void outcome(const engine::Outcome& o) override {
    outcomes.push_back({std::string(o.play), std::string(o.signal), engine::outcome_name(o.kind),
                        std::string(o.reason), std::string(o.error)});
  }
  std::vector<RecordedAction> actions;
  std::vector<RecordedOutcome> outcomes;

 private:
  const vm::Bundle& bundle_;
  vm::Arena& arena_;
};

struct TestRun {
  TestRun(const sema::Project& p, const vm::Bundle& b) : project(p), bundle(b) {}
  const sema::Project& project;
  const vm::Bundle& bundle;
  vm::Arena arena{1 << 16};
  vm::RegexCache regexes;
  std::vector<std::string> failures;

  std::string where(Span s) const {
    LineCol lc = project.sources.file(s.file).line_col(s.begin);
    return project.sources.file(s.file).path() + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.col);
  }

  // A checked constant expression of the test block -> its value (in `arena`).
  bool value_of(const ast::Expr& e, vm::Value& out) {
    vm::Program program;
    std::string err;
    if (!codegen::compile_expression(project, e, program, err)) {
      failures.push_back(where(e.span) + ": cannot evaluate: " + err);
      return false;
    }
    vm::Arena scratch;
    vm::EvalContext ctx;
    ctx.arena = &scratch;
    ctx.regex_cache = &regexes;
    vm::EvalResult r = vm::eval(program, ctx);
    if (!r.ok) {
      failures.push_back(where(e.span) + ": " + r.error.message);
      return false;
    }
    out = vm::copy_value(r.value, arena);
    return true;
  }

  static std::string show(const vm::Value& v) {
    std::string s;
    engine::append_value_json(s, v);
    return s;
  }
};

bool run_one(const ast::TestDecl& test, TestRun& t) {
  const vm::Bundle& bundle = t.bundle;
  engine::MemoryContext context(bundle);
  engine::MemoryLedger ledger;
  engine::MemorySeenSignals seen;
  engine::Engine eng(bundle, context, ledger, &seen);
  Recorder rec(bundle, t.arena);

  // 1. every `given`, wherever it stands
  for (const auto& item : test.items) {
    if (item.kind != ast::TestItemKind::Given) continue;
    bool account = item.entity == "account";
    const auto& schema = account ? bundle.account : bundle.contact;
    std::string key;
    std::vector<engine::FieldValue> fields;
    bool has_account_field = false;
    for (const auto& f : item.fields) {
      vm::Value v;
      if (!t.value_of(*f.value, v)) return false;
      if (f.name == (account ? "domain" : "email")) {
        if (v.kind == vm::Kind::String) key = std::string(v.str());
        continue;
      }
      if (f.name == "account") has_account_field = true;
      int slot = engine::field_slot(schema, f.name);
      if (slot >= 0) fields.push_back({static_cast<uint32_t>(slot), v});
    }
    if (key.empty()) {
      t.failures.push_back(t.where(item.span) + ": given " + item.entity + " needs " +
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
    context.upsert(account ? engine::Entity::Account : engine::Entity::Contact, key, fields);
  }

  // 2. the signals, in the order written
  engine::SignalDecoder decoder(bundle);
  engine::DecodedSignal signal;
  int n = 0;
  for (const auto& item : test.items) {
    if (item.kind != ast::TestItemKind::Signal) continue;
    ++n;
    std::string env;
    json::Writer w(env);
    w.begin_object();
    bool has_id = false, has_source = false;
    std::string props;
    json::Writer pw(props);
    pw.begin_object();
    for (const auto& f : item.fields) {
      vm::Value v;
      if (!t.value_of(*f.value, v)) return false;
      if (f.name == "id" || f.name == "account" || f.name == "contact" || f.name == "source") {
        has_id |= f.name == "id";
        has_source |= f.name == "source";
        w.key(f.name).raw(TestRun::show(v));
      } else {
        pw.key(f.name).raw(TestRun::show(v));
      }
    }
    pw.end_object();
    if (!has_id) w.key("id").value("test-" + std::to_string(n));
    if (!has_source) w.key("source").value("test");
    w.key("type").value(item.signal_type);
    w.key("occurred_at").value(vm::format_timestamp(kT0 + item.at_ms));
    w.key("properties").raw(props);
    w.end_object();
    std::string err;
    if (!decoder.decode(env, signal, err)) {
      t.failures.push_back(t.where(item.span) + ": bad signal: " + err);
      return false;
    }
    eng.process(signal, rec);
  }

  // 3. expectations
  std::vector<bool> explained(rec.actions.size(), false);
  bool nothing_else = false;
  Span nothing_else_span;
  for (const auto& item : test.items) {
    if (item.kind == ast::TestItemKind::ExpectAction) {
      std::vector<std::pair<std::string, vm::Value>> want;
      for (const auto& a : item.args) {
        vm::Value v;
        if (!t.value_of(*a.value, v)) return false;
        want.emplace_back(a.name, v);
      }
      int64_t count = 0;
      for (size_t i = 0; i < rec.actions.size(); ++i) {
        const auto& got = rec.actions[i];
        if (got.play != item.play || got.action != item.action) continue;
        bool match = true;
        for (const auto& [name, v] : want) {
          bool found = false;
          for (const auto& [gname, gv] : got.args)
            if (gname == name) found = vm::values_equal(gv, v);
          match &= found;
        }
        if (!match) continue;
        ++count;
        explained[i] = true;
      }
      if (count != item.times) {
        std::string msg = t.where(item.span) + ": expected " + std::to_string(item.times) + " " +
                          item.action + " action" + (item.times == 1 ? "" : "s") + " from " + item.play;
        if (!want.empty()) {
          msg += " with";
          for (const auto& [name, v] : want) msg += " " + name + ": " + TestRun::show(v);
        }
        msg += ", got " + std::to_string(count);
        for (const auto& got : rec.actions)
          if (got.play == item.play && got.action == item.action) msg += "\n      issued: " + got.rendered;
        t.failures.push_back(msg);
      }
    } else if (item.kind == ast::TestItemKind::ExpectOutcome) {
      int64_t count = 0;
      std::string seen_kinds;
      for (const auto& o : rec.outcomes) {
        if (o.play != item.play) continue;
        if (item.has_signal_id && o.signal != item.signal_id) continue;
        seen_kinds += "\n      " + o.signal + ": " + o.kind +
                      (o.reason.empty() ? "" : " \"" + o.reason + "\"") +
                      (o.error.empty() ? "" : " (" + o.error + ")");
        if (o.kind != item.outcome) continue;
        if (item.has_reason && o.reason != item.reason) continue;
        ++count;
      }
      if (count != item.times) {
        t.failures.push_back(t.where(item.span) + ": expected " + item.play + " outcome " + item.outcome +
                             (item.has_reason ? " \"" + item.reason + "\"" : "") +
                             (item.has_signal_id ? " on \"" + item.signal_id + "\"" : "") + " " +
                             std::to_string(item.times) + " time" + (item.times == 1 ? "" : "s") + ", got " +
                             std::to_string(count) +
                             (seen_kinds.empty() ? "" : "; outcomes were:" + seen_kinds));
      }
    } else if (item.kind == ast::TestItemKind::ExpectNothingElse) {
      nothing_else = true;
      nothing_else_span = item.span;
    }
  }
  if (nothing_else)
    for (size_t i = 0; i < rec.actions.size(); ++i)
      if (!explained[i])
        t.failures.push_back(t.where(nothing_else_span) + ": nothing else expected, but " +
                             rec.actions[i].play + " issued: " + rec.actions[i].rendered);
  return t.failures.empty();
}

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '&':
        o += "&amp;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

}  // namespace

int run_test(const TestOptions& o) {
  sema::Project project;
  vm::Bundle bundle;
  if (int rc = compile_project(o.paths, project, bundle)) return rc;
  size_t passed = 0, failed = 0;
  std::string junit;
  for (const ast::TestDecl* test : project.tests) {
    TestRun t{project, bundle};
    bool ok = run_one(*test, t);
    LineCol lc = project.sources.file(test->span.file).line_col(test->span.begin);
    std::string file = project.sources.file(test->span.file).path();
    if (ok) {
      ++passed;
      std::printf("ok    %s  (%s:%u)\n", test->name.c_str(), file.c_str(), lc.line);
    } else {
      ++failed;
      std::printf("FAIL  %s  (%s:%u)\n", test->name.c_str(), file.c_str(), lc.line);
      for (const auto& f : t.failures) std::printf("    %s\n", f.c_str());
    }
    junit += "  <testcase classname=\"" + xml_escape(file) + "\" name=\"" + xml_escape(test->name) + "\">";
    if (!ok) {
      std::string all;
      for (const auto& f : t.failures) all += f + "\n";
      junit +=
          "<failure message=\"" + xml_escape(t.failures.front()) + "\">" + xml_escape(all) + "</failure>";
    }
    junit += "</testcase>\n";
  }
  if (!o.junit.empty()) {
    std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"playc test\" tests=\"" +
                      std::to_string(passed + failed) + "\" failures=\"" + std::to_string(failed) + "\">\n" +
                      junit + "</testsuite>\n";
    std::string err;
    if (!write_file_atomic(o.junit, doc, err)) {
      std::fprintf(stderr, "playc test: cannot write '%s': %s\n", o.junit.c_str(), err.c_str());
      return 2;
    }
  }
  std::printf("%zu passed, %zu failed\n", passed, failed);
  return failed ? 1 : 0;
}

}  // namespace play::playc
