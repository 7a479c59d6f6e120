#include "apps/playc/lsp/ast_clone.h"

namespace play::lsp {

using namespace play::ast;

// A field added to the tree must be copied here too: these sizes (x86-64,
// libstdc++) make the build fail until it is.
static_assert(sizeof(Expr) == 224, "ast::Expr changed: update ast_clone.cpp");
static_assert(sizeof(TemplatePart) == 64, "ast::TemplatePart changed: update ast_clone.cpp");
static_assert(sizeof(SignalRef) == 56, "ast::SignalRef changed: update ast_clone.cpp");
static_assert(sizeof(NamedArg) == 64, "ast::NamedArg changed: update ast_clone.cpp");
static_assert(sizeof(OnClause) == 184, "ast::OnClause changed: update ast_clone.cpp");
static_assert(sizeof(PlayItem) == 504, "ast::PlayItem changed: update ast_clone.cpp");
static_assert(sizeof(RecordField) == 64, "ast::RecordField changed: update ast_clone.cpp");
static_assert(sizeof(TestItem) == 408, "ast::TestItem changed: update ast_clone.cpp");
static_assert(sizeof(ParamDecl) == 136, "ast::ParamDecl changed: update ast_clone.cpp");
static_assert(sizeof(ValueDecl) == 72, "ast::ValueDecl changed: update ast_clone.cpp");
static_assert(sizeof(SuppressRule) == 64, "ast::SuppressRule changed: update ast_clone.cpp");
static_assert(sizeof(SuppressDecl) == 40, "ast::SuppressDecl changed: update ast_clone.cpp");
static_assert(sizeof(ActionDecl) == 128, "ast::ActionDecl changed: update ast_clone.cpp");
static_assert(sizeof(PlayDecl) == 80, "ast::PlayDecl changed: update ast_clone.cpp");
static_assert(sizeof(TestDecl) == 80, "ast::TestDecl changed: update ast_clone.cpp");
static_assert(sizeof(ScoreRule) == 80, "ast::ScoreRule changed: update ast_clone.cpp");
static_assert(sizeof(ScoreDecl) == 152, "ast::ScoreDecl changed: update ast_clone.cpp");
static_assert(sizeof(Decl) == 80, "ast::Decl changed: update ast_clone.cpp");
static_assert(sizeof(File) == 56, "ast::File changed: update ast_clone.cpp");

namespace {

ExprPtr copy(const ExprPtr& e);

TemplatePart copy(const TemplatePart& p) { return {p.is_expr, p.text, copy(p.expr), p.span}; }

ExprPtr copy(const ExprPtr& e) {
  if (!e) return nullptr;
  auto out = std::make_unique<Expr>();
  out->kind = e->kind;
  out->span = e->span;
  out->bool_value = e->bool_value;
  out->int_value = e->int_value;
  out->float_value = e->float_value;
  out->string_value = e->string_value;
  out->name = e->name;
  out->op = e->op;
  out->name_span = e->name_span;
  for (const auto& a : e->args) out->args.push_back(copy(a));
  for (const auto& p : e->parts) out->parts.push_back(copy(p));
  out->raw = e->raw;
  out->type = e->type;
  out->ref = e->ref;
  out->index = e->index;
  return out;
}

SignalRef copy(const SignalRef& s) { return {s.name, s.span, copy(s.filter)}; }

NamedArg copy(const NamedArg& a) { return {a.name, a.span, a.name_span, copy(a.value)}; }

std::vector<NamedArg> copy(const std::vector<NamedArg>& args) {
  std::vector<NamedArg> out;
  for (const auto& a : args) out.push_back(copy(a));
  return out;
}

OnClause copy(const OnClause& o) {
  OnClause out;
  out.kind = o.kind;
  out.span = o.span;
  for (const auto& s : o.signals) out.signals.push_back(copy(s));
  out.cmp_op = o.cmp_op;
  out.value = copy(o.value);
  out.window_ms = o.window_ms;
  out.window_raw = o.window_raw;
  out.per = o.per;
  out.score_name = o.score_name;
  return out;
}

PlayItem copy(const PlayItem& i) {
  PlayItem out;
  out.kind = i.kind;
  out.span = i.span;
  out.name = i.name;
  out.name_span = i.name_span;
  out.expr = copy(i.expr);
  out.reason = i.reason;
  out.reason_span = i.reason_span;
  out.within_ms = i.within_ms;
  out.within_raw = i.within_raw;
  out.per = i.per;
  out.on = copy(i.on);
  out.args = copy(i.args);
  out.alert = i.alert;
  out.index = i.index;
  return out;
}

RecordField copy(const RecordField& f) { return {f.name, f.span, f.name_span, copy(f.value)}; }

TestItem copy(const TestItem& i) {
  TestItem out;
  out.kind = i.kind;
  out.span = i.span;
  out.entity = i.entity;
  for (const auto& f : i.fields) out.fields.push_back(copy(f));
  out.signal_type = i.signal_type;
  out.type_span = i.type_span;
  out.at_ms = i.at_ms;
  out.at_raw = i.at_raw;
  out.play = i.play;
  out.play_span = i.play_span;
  out.action = i.action;
  out.has_args = i.has_args;
  out.args = copy(i.args);
  out.outcome = i.outcome;
  out.outcome_span = i.outcome_span;
  out.has_reason = i.has_reason;
  out.reason = i.reason;
  out.has_signal_id = i.has_signal_id;
  out.signal_id = i.signal_id;
  out.has_times = i.has_times;
  out.times = i.times;
  return out;
}

ParamDecl copy(const ParamDecl& p) { return {p.name, p.span, p.name_span, p.type, copy(p.default_value)}; }

template <class T>
std::unique_ptr<T> boxed(const std::unique_ptr<T>& p, T (*f)(const T&)) {
  return p ? std::make_unique<T>(f(*p)) : nullptr;
}

SignalDecl copy_signal(const SignalDecl& s) { return s; }  // no trees inside: copyable
EntityDecl copy_entity(const EntityDecl& e) { return e; }
ValueDecl copy_value(const ValueDecl& v) { return {v.kind, v.name, v.span, v.name_span, copy(v.value)}; }
SuppressDecl copy_suppress(const SuppressDecl& s) {
  SuppressDecl out{s.span, {}};
  for (const auto& r : s.rules) out.rules.push_back({copy(r.cond), r.reason, r.span, r.reason_span});
  return out;
}
ActionDecl copy_action(const ActionDecl& a) {
  ActionDecl out{a.name, a.span, a.name_span, {}, a.sink, a.sink_span};
  for (const auto& p : a.params) out.params.push_back(copy(p));
  return out;
}
PlayDecl copy_play(const PlayDecl& p) {
  PlayDecl out{p.name, p.span, p.name_span, {}};
  for (const auto& i : p.items) out.items.push_back(copy(i));
  return out;
}
TestDecl copy_test(const TestDecl& t) {
  TestDecl out{t.name, t.span, t.name_span, {}};
  for (const auto& i : t.items) out.items.push_back(copy(i));
  return out;
}
ScoreDecl copy_score(const ScoreDecl& s) {
  ScoreDecl out{s.name, s.span, s.name_span, s.per, s.half_life_ms, s.half_life_raw, {}};
  for (const auto& r : s.rules) out.rules.push_back({copy(r.signal), copy(r.weight), r.span});
  return out;
}

}  // namespace

File clone(const File& file) {
  File out;
  out.file_id = file.file_id;
  out.comments = file.comments;
  for (const auto& d : file.decls) {
    Decl c;
    c.kind = d.kind;
    c.span = d.span;
    c.signal = boxed(d.signal, copy_signal);
    c.entity = boxed(d.entity, copy_entity);
    c.value = boxed(d.value, copy_value);
    c.suppress = boxed(d.suppress, copy_suppress);
    c.action = boxed(d.action, copy_action);
    c.play = boxed(d.play, copy_play);
    c.test = boxed(d.test, copy_test);
    c.score = boxed(d.score, copy_score);
    out.decls.push_back(std::move(c));
  }
  return out;
}

}  // namespace play::lsp
