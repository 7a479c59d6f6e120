#include "tests/codegen/harness.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "compiler/sema/stdlib.h"
#include "compiler/syntax/parse.h"

namespace play::codegen::testing {

std::string Compiled::dump() const {
  std::string s;
  for (const auto& d : diags.all()) {
    auto lc = d.span.file && d.span.file < project.sources.size()
                  ? project.sources.file(d.span.file).line_col(d.span.begin)
                  : LineCol{};
    s += fmt::format("{}[{}] {}:{} {}\n", d.severity == Severity::Error ? "error" : "warning", d.code,
                     lc.line, lc.col, d.message);
  }
  return s;
}

const vm::Play& Compiled::play(const std::string& name) const {
  for (const auto& p : bundle.plays)
    if (p.name == name) return p;
  throw std::runtime_error("no play " + name);
}

const ast::PlayDecl& Compiled::play_decl(const std::string& name) const {
  return *project.plays.at(project.play_index.at(name)).decl;
}

std::unique_ptr<Compiled> compile_source(const std::string& source) {
  auto c = std::make_unique<Compiled>();
  for (const auto& f : sema::stdlib_files()) {
    uint32_t id = c->project.sources.add(std::string(f.path), std::string(f.text));
    c->project.files.push_back(syntax::parse_file(c->project.sources, id, c->diags));
  }
  c->project.stdlib_file_count = c->project.files.size();
  uint32_t id = c->project.sources.add("test.play", source);
  c->project.files.push_back(syntax::parse_file(c->project.sources, id, c->diags));
  sema::check_project(c->project, c->diags);
  if (c->diags.has_errors()) return c;
  c->ok = generate(c->project, c->bundle, c->diags);
  return c;
}

std::string play_src(const std::string& name, const std::string& on, const std::string& body) {
  return "play " + name +
         " {\n  title \"t\"\n  owner \"o@acme.com\"\n  oncall \"#c\"\n  runbook \"r\"\n  on " + on + "\n" +
         body + "\n}\n";
}

// ------------------------------------------------------------------ context

Context::Context(const vm::Bundle& bundle, const std::string& signal_type) : bundle_(bundle) {
  for (const auto& s : bundle.signals)
    if (s.name == signal_type) schema_ = &s;
  if (schema_) {
    signal_.resize(schema_->props.size());
    for (const auto& f : schema_->props) names_.push_back(f.name);
  }
  account_.resize(bundle.account.size());
  contact_.resize(bundle.contact.size());
  pool_cursor.assign(bundle.pools.size(), 0);
}

vm::Value Context::str(const std::string& s) { return vm::Value::string(strings_.emplace_back(s)); }

vm::Value Context::strs(const std::vector<std::string>& items) {
  auto& list = lists_.emplace_back();
  for (const auto& s : items) list.push_back(str(s));
  return vm::Value::list(list.data(), list.size());
}

static size_t slot_of(const std::vector<vm::Field>& fields, const std::string& name) {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name) return i;
  throw std::runtime_error("no field " + name);
}

void Context::signal(const std::string& prop, vm::Value v) { signal_.at(slot_of(schema_->props, prop)) = v; }
void Context::account(const std::string& field, vm::Value v) {
  account_known_ = true;
  account_.at(slot_of(bundle_.account, field)) = v;
}
void Context::contact(const std::string& field, vm::Value v) {
  contact_known_ = true;
  contact_.at(slot_of(bundle_.contact, field)) = v;
}
void Context::forget_account() {
  account_known_ = false;
  account_.assign(account_.size(), vm::Value());
}
void Context::forget_contact() {
  contact_known_ = false;
  contact_.assign(contact_.size(), vm::Value());
}

vm::Value Context::round_robin(void* self, uint32_t pool) {
  auto* c = static_cast<Context*>(self);
  ++c->round_robin_calls;
  const auto& members = c->bundle_.pools.at(pool).members;
  if (members.empty()) return vm::Value();
  return vm::Value::string(members[c->pool_cursor[pool]++ % members.size()]);
}

vm::Value Context::icp(void* self, uint32_t icp) {
  auto* c = static_cast<Context*>(self);
  ++c->icp_calls;
  vm::EvalResult r = c->run(c->bundle_.icps.at(icp).program);
  return r.ok ? r.value : vm::Value();
}

vm::EvalResult Context::run(const vm::Program& program) {
  vm::EvalContext ctx;
  ctx.signal = signal_;
  ctx.signal_names = names_;
  ctx.envelope[0] = str("evt_1");
  ctx.envelope[1] = str(schema_ ? schema_->name : "");
  ctx.envelope[2] = str("segment");
  ctx.envelope[3] = vm::Value::timestamp(1'782'036'000'000);
  ctx.envelope[4] = vm::Value::timestamp(1'782'036'001'000);
  ctx.account = account_known_ ? std::span<const vm::Value>(account_) : std::span<const vm::Value>();
  ctx.contact = contact_known_ ? std::span<const vm::Value>(contact_) : std::span<const vm::Value>();
  ctx.account_known = account_known_;
  ctx.contact_known = contact_known_;
  ctx.lets = lets_;
  ctx.now_ms = 1'782'036'000'000;  // 2026-06-21T10:00:00Z
  ctx.host.self = this;
  ctx.host.round_robin = &Context::round_robin;
  ctx.host.icp = &Context::icp;
  ctx.arena = &arena_;
  ctx.regex_cache = &regexes_;
  return vm::eval(program, ctx);
}

std::string show(const vm::Value& v) {
  std::string s = vm::debug_string(v);
  return v.kind == vm::Kind::Float ? "float(" + s + ")" : s;
}

std::string Context::show(const vm::Program& program) {
  vm::EvalResult r = run(program);
  if (!r.ok) return "error: " + r.error.message;
  return testing::show(r.value);
}

void fill_standard(Context& c) {
  c.signal("url", c.str("https://acme.com/pricing"));
  c.signal("category", c.str("pricing"));
  c.signal("visit_count", vm::Value::integer(3));
  c.account("domain", c.str("bigco.com"));
  c.account("name", c.str("BigCo"));
  c.account("employees", vm::Value::integer(1200));
  c.account("country", c.str("US"));
  c.account("annual_revenue", vm::Value::floating(2.5e7));
  c.account("is_customer", vm::Value::boolean(false));
  c.account("tech_stack", c.strs({"salesforce", "segment"}));
  c.contact("email", c.str("ana@bigco.com"));
  c.contact("name", c.str("Ana"));
  c.contact("do_not_contact", vm::Value::boolean(false));
}

// ------------------------------------------------------------------ one let

static const char* kPrelude =
    "const small = 10\n"
    "list regions = [\"US\", \"CA\", \"GB\"]\n"
    "pool reps = [\"sam@acme.com\", \"kim@acme.com\"]\n";

LetProgram compile_let(const std::string& expr) {
  LetProgram lp;
  lp.compiled =
      compile_source(std::string(kPrelude) +
                     play_src("p", "website.page_viewed",
                              "  let v = " + expr + "\n  do notify(channel: \"#c\", text: \"{v}\")"));
  if (lp.compiled->ok) lp.program = &lp.compiled->play("p").lets.at(0).program;
  return lp;
}

std::string value_of(const std::string& expr, void (*setup)(Context&)) {
  LetProgram lp = compile_let(expr);
  if (!lp.program) return "compile error: " + lp.compiled->dump();
  Context c(lp.compiled->bundle, "website.page_viewed");
  fill_standard(c);
  if (setup) setup(c);
  return c.show(*lp.program);
}

std::string opcodes(const vm::Program& p) {
  std::string s;
  for (const auto& in : p.code) {
    if (!s.empty()) s += ' ';
    s += vm::op_info(in.op).name;
  }
  return s;
}

}  // namespace play::codegen::testing
