#include "compiler/syntax/build.h"

#include <optional>

#include "PlayParser.h"
#include "antlr4-runtime.h"
#include "compiler/syntax/literals.h"
#include "compiler/syntax/slips.h"

namespace play::syntax {

using namespace play::ast;
using P = grammar::PlayParser;
using antlr4::Token;

namespace {

class Builder {
 public:
  explicit Builder(Run& run) : run_(run), s_(run.session()) {}

  File file(P::FileContext* ctx) {
    File f;
    f.file_id = s_.file_id;
    if (!ctx) return f;
    for (auto* d : ctx->decl()) {
      if (auto decl = this->decl(d)) f.decls.push_back(std::move(*decl));
    }
    return f;
  }

  ExprPtr expr(P::ExprContext* ctx);

 private:
  Span span(antlr4::ParserRuleContext* ctx) {
    if (!ctx || !ctx->getStart()) return Span{s_.file_id, 0, 0};
    Token* stop = ctx->getStop();
    if (!stop || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) stop = ctx->getStart();
    return run_.span(ctx->getStart(), stop);
  }
  Span span(antlr4::tree::TerminalNode* n) { return n ? run_.span(n->getSymbol()) : Span{s_.file_id, 0, 0}; }
  static std::string text(antlr4::tree::ParseTree* n) { return n ? n->getText() : std::string(); }

  ExprPtr placeholder(Span sp) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::Null;
    e->span = sp;
    return e;
  }
  LiteralError error_at(Span sp) {
    return [this, sp](size_t off, size_t len, const char* code, std::string msg) {
      s_.error(code, Span{sp.file, sp.begin + uint32_t(off), sp.begin + uint32_t(off + len)}, std::move(msg));
    };
  }
  // A token the parser made up while recovering (e.g. <missing DURATION>): its
  // absence is already reported, so its "value" must not be.
  static bool missing(antlr4::tree::TerminalNode* n) {
    return !n || dynamic_cast<antlr4::tree::ErrorNode*>(n) ||
           n->getSymbol()->getTokenIndex() == INVALID_INDEX;
  }
  std::string string_of(antlr4::tree::TerminalNode* n) {
    if (missing(n)) return "";
    return decode_string(n->getText(), error_at(span(n)));
  }
  int64_t duration_of(antlr4::tree::TerminalNode* n, std::string* raw) {
    int64_t ms = 0;
    if (missing(n)) return 0;
    *raw = n->getText();
    decode_duration(*raw, ms, error_at(span(n)));
    return ms;
  }

  // `where account.domain is null`: the grammar reads `is null` as a metadata item of
  // its own; on the same line as an expression, it is an operator from another language.
  void operator_word(P::MetaItemContext* c) {
    antlr4::Token* name = c->getStart();
    auto& tokens = run_.tokens();
    if (name->getTokenIndex() == 0) return;
    antlr4::Token* before = tokens.get(name->getTokenIndex() - 1);
    antlr4::Token* after =
        name->getTokenIndex() + 1 < tokens.size() ? tokens.get(name->getTokenIndex() + 1) : nullptr;
    if (before->getLine() != name->getLine() || before->getType() == P::LBRACE) return;
    std::string fix = operator_word_fix(name->getText(), after ? after->getText() : "");
    if (fix.empty()) return;
    s_.error("P0064", run_.span(name),
             "'" + name->getText() + "' is not an operator; did you mean " + fix + "?");
  }

  std::optional<Decl> decl(P::DeclContext* ctx);
  TypeExpr type(P::TypeExprContext* ctx);
  std::vector<FieldDecl> fields(const std::vector<P::FieldDeclContext*>& fs);
  PlayItem play_item(P::PlayItemContext* ctx);
  AlertItem alert_item(P::AlertItemContext* ctx);
  OnClause on_clause(P::OnClauseContext* ctx);
  SignalRef signal_ref(P::SignalNameContext* name, P::ExprContext* filter, Span sp);
  TestItem test_item(P::TestItemContext* ctx);
  std::vector<NamedArg> named_args(const std::vector<P::NamedArgContext*>& args, bool templates);
  std::vector<RecordField> record(P::RecordContext* ctx);
  ExprPtr expr_at(P::ExprContext* ctx, Span fallback) { return ctx ? expr(ctx) : placeholder(fallback); }
  ExprPtr primary(P::PrimaryContext* ctx);
  ExprPtr literal(P::LiteralContext* ctx);
  ExprPtr binary(P::ExprContext* ctx, Operator op, P::ExprContext* l, P::ExprContext* r);

  Run& run_;
  Session& s_;
  int depth_ = 0;
  bool in_action_arg_ = false;  // strings become templates
  bool too_deep_reported_ = false;
};

std::optional<Decl> Builder::decl(P::DeclContext* ctx) {
  Decl d;
  d.span = span(ctx);
  if (auto* c = ctx->signalDecl()) {
    d.kind = DeclKind::Signal;
    d.signal = std::make_unique<SignalDecl>();
    d.signal->name = text(c->signalName());
    d.signal->span = d.span;
    d.signal->name_span = span(c->signalName());
    d.signal->fields = fields(c->fieldDecl());
  } else if (auto* c = ctx->entityDecl()) {
    d.kind = DeclKind::Entity;
    d.entity = std::make_unique<EntityDecl>();
    d.entity->name = text(c->ident());
    d.entity->span = d.span;
    d.entity->name_span = span(c->ident());
    d.entity->fields = fields(c->fieldDecl());
  } else if (auto* c = ctx->valueDecl()) {
    d.kind = DeclKind::Value;
    auto v = std::make_unique<ValueDecl>();
    v->kind = c->LIST()    ? ValueKind::List
              : c->CONST() ? ValueKind::Const
              : c->POOL()  ? ValueKind::Pool
                           : ValueKind::Icp;
    v->name = text(c->ident());
    v->span = d.span;
    v->name_span = span(c->ident());
    v->value = expr_at(c->expr(), d.span);
    d.value = std::move(v);
  } else if (auto* c = ctx->suppressDecl()) {
    d.kind = DeclKind::Suppress;
    d.suppress = std::make_unique<SuppressDecl>();
    d.suppress->span = d.span;
    for (auto* r : c->suppressRule()) {
      SuppressRule rule;
      rule.span = span(r);
      rule.cond = expr_at(r->expr(), rule.span);
      rule.reason = string_of(r->STRING());
      rule.reason_span = span(r->STRING());
      d.suppress->rules.push_back(std::move(rule));
    }
  } else if (auto* c = ctx->actionDecl()) {
    d.kind = DeclKind::Action;
    auto a = std::make_unique<ActionDecl>();
    a->name = text(c->ident());
    a->span = d.span;
    a->name_span = span(c->ident());
    for (auto* p : c->paramDecl()) {
      ParamDecl pd;
      pd.name = text(p->anyName());
      pd.span = span(p);
      pd.name_span = span(p->anyName());
      pd.type = type(p->typeExpr());
      if (p->expr()) pd.default_value = expr(p->expr());
      a->params.push_back(std::move(pd));
    }
    if (c->STRING()) {
      a->sink = string_of(c->STRING());
      a->sink_span = span(c->STRING());
    }
    d.action = std::move(a);
  } else if (auto* c = ctx->playDecl()) {
    d.kind = DeclKind::Play;
    d.play = std::make_unique<PlayDecl>();
    d.play->name = text(c->ident());
    d.play->span = d.span;
    d.play->name_span = span(c->ident());
    for (auto* item : c->playItem()) d.play->items.push_back(play_item(item));
  } else if (auto* c = ctx->testDecl()) {
    d.kind = DeclKind::Test;
    d.test = std::make_unique<TestDecl>();
    d.test->name = string_of(c->STRING());
    d.test->span = d.span;
    d.test->name_span = span(c->STRING());
    for (auto* item : c->testItem()) d.test->items.push_back(test_item(item));
  } else if (auto* c = ctx->scoreDecl()) {
    d.kind = DeclKind::Score;
    auto sc = std::make_unique<ScoreDecl>();
    sc->name = text(c->ident());
    sc->span = d.span;
    sc->name_span = span(c->ident());
    if (c->perClause()) sc->per = text(c->perClause()->ident());
    sc->half_life_ms = duration_of(c->DURATION(), &sc->half_life_raw);
    for (auto* r : c->scoreRule()) {
      ScoreRule rule;
      rule.span = span(r);
      if (r->signalFilter())
        rule.signal =
            signal_ref(r->signalFilter()->signalName(), r->signalFilter()->expr(), span(r->signalFilter()));
      rule.weight = expr_at(r->expr(), rule.span);
      sc->rules.push_back(std::move(rule));
    }
    d.score = std::move(sc);
  } else {
    return std::nullopt;  // a declaration that failed to parse at all
  }
  return d;
}

TypeExpr Builder::type(P::TypeExprContext* ctx) {
  TypeExpr t;
  if (!ctx) return t;
  t.span = span(ctx);
  t.name = text(ctx->typeName());
  for (auto* p : ctx->typeExpr()) t.params.push_back(type(p));
  t.nullable = ctx->QUESTION() != nullptr;
  return t;
}

std::vector<FieldDecl> Builder::fields(const std::vector<P::FieldDeclContext*>& fs) {
  std::vector<FieldDecl> out;
  for (auto* f : fs) {
    FieldDecl fd;
    fd.name = text(f->anyName());
    fd.span = span(f);
    fd.name_span = span(f->anyName());
    fd.type = type(f->typeExpr());
    out.push_back(std::move(fd));
  }
  return out;
}

std::vector<NamedArg> Builder::named_args(const std::vector<P::NamedArgContext*>& args, bool templates) {
  std::vector<NamedArg> out;
  for (auto* a : args) {
    NamedArg na;
    na.name = text(a->anyName());
    na.span = span(a);
    na.name_span = span(a->anyName());
    bool saved = in_action_arg_;
    in_action_arg_ = templates;
    na.value = expr_at(a->expr(), na.span);
    in_action_arg_ = saved;
    out.push_back(std::move(na));
  }
  return out;
}

PlayItem Builder::play_item(P::PlayItemContext* ctx) {
  PlayItem it;
  it.span = span(ctx);
  if (auto* c = dynamic_cast<P::OnItemContext*>(ctx)) {
    it.kind = PlayItemKind::On;
    it.on = on_clause(c->onClause());
  } else if (auto* c = dynamic_cast<P::WhereIcpItemContext*>(ctx)) {
    it.kind = PlayItemKind::WhereIcp;
    it.name = text(c->ident());
    it.name_span = span(c->ident());
  } else if (auto* c = dynamic_cast<P::WhereItemContext*>(ctx)) {
    it.kind = PlayItemKind::Where;
    it.expr = expr_at(c->expr(), it.span);
  } else if (dynamic_cast<P::UnlessSuppressedItemContext*>(ctx)) {
    it.kind = PlayItemKind::UnlessSuppressed;
  } else if (auto* c = dynamic_cast<P::UnlessFiredItemContext*>(ctx)) {
    it.kind = PlayItemKind::UnlessFired;
    it.within_ms = duration_of(c->DURATION(), &it.within_raw);
    it.per = c->CONTACT() ? Per::Contact : c->ACCOUNT() ? Per::Account : Per::Default;
  } else if (auto* c = dynamic_cast<P::UnlessItemContext*>(ctx)) {
    it.kind = PlayItemKind::Unless;
    it.expr = expr_at(c->expr(), it.span);
    it.reason = string_of(c->STRING());
    it.reason_span = span(c->STRING());
  } else if (auto* c = dynamic_cast<P::LetItemContext*>(ctx)) {
    it.kind = PlayItemKind::Let;
    it.name = text(c->ident());
    it.name_span = span(c->ident());
    it.expr = expr_at(c->expr(), it.span);
  } else if (auto* c = dynamic_cast<P::DoItemContext*>(ctx)) {
    it.kind = PlayItemKind::Do;
    it.name = text(c->ident());
    it.name_span = span(c->ident());
    it.args = named_args(c->namedArg(), true);
  } else if (dynamic_cast<P::AlertOffItemContext*>(ctx)) {
    it.kind = PlayItemKind::Alert;
    it.alert.off = true;
  } else if (auto* c = dynamic_cast<P::AlertRuleOffItemContext*>(ctx)) {
    it.kind = PlayItemKind::Alert;
    it.alert.off = true;
    it.alert.measure = text(c->ident());
    it.alert.measure_span = span(c->ident());
  } else if (auto* c = dynamic_cast<P::AlertItemContext*>(ctx)) {
    it.kind = PlayItemKind::Alert;
    it.alert = alert_item(c);
  } else if (auto* c = dynamic_cast<P::MetaItemContext*>(ctx)) {
    it.kind = PlayItemKind::Meta;
    it.name = text(c->metaName());
    it.name_span = span(c->metaName());
    operator_word(c);
    it.expr = expr_at(c->expr(), it.span);
  } else {
    it.kind = PlayItemKind::Meta;  // unparsable item (already reported): an inert placeholder
    it.expr = placeholder(it.span);
  }
  return it;
}

AlertItem Builder::alert_item(P::AlertItemContext* ctx) {
  AlertItem a;
  a.measure = text(ctx->ident());
  a.measure_span = span(ctx->ident());
  a.dir = ctx->ABOVE() ? AlertDir::Above : ctx->AFTER() ? AlertDir::After : AlertDir::Below;
  auto* v = ctx->alertValue();
  if (!v) return a;
  a.value_span = span(v);
  if (auto* n = dynamic_cast<P::NumberAlertValueContext*>(v)) {
    a.unit = n->PERCENT() ? AlertUnit::Percent : AlertUnit::None;
    if (n->INT()) {
      if (missing(n->INT())) return a;
      int64_t i = 0;
      decode_int(n->INT()->getText(), i, error_at(span(n->INT())));
      a.number = static_cast<double>(i);
      a.raw = n->INT()->getText();
    } else if (n->FLOAT()) {
      if (missing(n->FLOAT())) return a;
      decode_float(n->FLOAT()->getText(), a.number, error_at(span(n->FLOAT())));
      a.raw = n->FLOAT()->getText();
    }
    if (n->PERCENT()) a.raw += "%";
  } else if (auto* f = dynamic_cast<P::FactorAlertValueContext*>(v)) {
    a.unit = AlertUnit::Factor;
    a.raw = f->FACTOR()->getText();
    std::string digits = a.raw.substr(0, a.raw.size() - 1);
    decode_float(digits, a.number, error_at(span(f->FACTOR())));
  } else if (auto* d = dynamic_cast<P::DurationAlertValueContext*>(v)) {
    a.unit = AlertUnit::Duration;
    a.ms = duration_of(d->DURATION(), &a.raw);
  }
  return a;
}

SignalRef Builder::signal_ref(P::SignalNameContext* name, P::ExprContext* filter, Span sp) {
  SignalRef r;
  r.name = text(name);
  r.span = name ? span(name) : sp;
  if (filter) r.filter = expr(filter);
  return r;
}

OnClause Builder::on_clause(P::OnClauseContext* ctx) {
  OnClause on;
  on.span = span(ctx);
  auto per = [](P::PerClauseContext* p) { return p ? text(p->ident()) : std::string(); };
  auto cmp = [](P::CmpOpContext* c) { return text(c); };
  if (auto* c = dynamic_cast<P::OnSignalContext*>(ctx)) {
    on.kind = OnKind::Signal;
    on.signals.push_back(signal_ref(c->signalName(), nullptr, on.span));
  } else if (auto* c = dynamic_cast<P::OnAnyOfContext*>(ctx)) {
    on.kind = OnKind::AnyOf;
    for (auto* n : c->signalName()) on.signals.push_back(signal_ref(n, nullptr, on.span));
  } else if (auto* c = dynamic_cast<P::OnAbsenceContext*>(ctx)) {
    on.kind = OnKind::Absence;
    if (auto* f = c->signalFilter())
      on.signals.push_back(signal_ref(f->signalName(), f->expr(), span(f)));
    else
      on.signals.push_back(signal_ref(c->signalName(), nullptr, on.span));
    on.window_ms = duration_of(c->DURATION(), &on.window_raw);
    on.per = per(c->perClause());
  } else if (auto* c = dynamic_cast<P::OnCountContext*>(ctx)) {
    on.kind = OnKind::Count;
    if (auto* f = c->signalFilter()) on.signals.push_back(signal_ref(f->signalName(), f->expr(), span(f)));
    on.cmp_op = cmp(c->cmpOp());
    on.value = expr_at(c->expr(), on.span);
    on.window_ms = duration_of(c->DURATION(), &on.window_raw);
    on.per = per(c->perClause());
  } else if (auto* c = dynamic_cast<P::OnAllOfContext*>(ctx)) {
    on.kind = OnKind::AllOf;
    for (auto* f : c->signalFilter()) on.signals.push_back(signal_ref(f->signalName(), f->expr(), span(f)));
    on.window_ms = duration_of(c->DURATION(), &on.window_raw);
    on.per = per(c->perClause());
  } else if (auto* c = dynamic_cast<P::OnRateContext*>(ctx)) {
    on.kind = OnKind::Rate;
    if (auto* f = c->signalFilter()) on.signals.push_back(signal_ref(f->signalName(), f->expr(), span(f)));
    on.window_ms = duration_of(c->DURATION(), &on.window_raw);
    on.cmp_op = cmp(c->cmpOp());
    on.value = expr_at(c->expr(), on.span);
    on.per = per(c->perClause());
  } else if (auto* c = dynamic_cast<P::OnScoreContext*>(ctx)) {
    on.kind = OnKind::Score;
    on.score_name = text(c->ident());
    on.value = expr_at(c->expr(), on.span);
  }
  return on;
}

std::vector<RecordField> Builder::record(P::RecordContext* ctx) {
  std::vector<RecordField> out;
  if (!ctx) return out;
  for (auto* f : ctx->recordField()) {
    RecordField rf;
    rf.name = text(f->anyName());
    rf.span = span(f);
    rf.name_span = span(f->anyName());
    rf.value = expr_at(f->expr(), rf.span);
    out.push_back(std::move(rf));
  }
  return out;
}

TestItem Builder::test_item(P::TestItemContext* ctx) {
  TestItem it;
  it.span = span(ctx);
  auto times = [&](P::TimesClauseContext* t) {
    if (!t || !t->INT()) return;
    it.has_times = true;
    decode_int(t->INT()->getText(), it.times, error_at(span(t->INT())));
  };
  if (auto* c = dynamic_cast<P::TestGivenContext*>(ctx)) {
    it.kind = TestItemKind::Given;
    it.entity = text(c->ident());
    it.fields = record(c->record());
  } else if (auto* c = dynamic_cast<P::TestSignalContext*>(ctx)) {
    it.kind = TestItemKind::Signal;
    it.signal_type = text(c->signalName());
    it.type_span = span(c->signalName());
    if (c->DURATION()) it.at_ms = duration_of(c->DURATION(), &it.at_raw);
    it.fields = record(c->record());
  } else if (auto* c = dynamic_cast<P::TestExpectActionContext*>(ctx)) {
    it.kind = TestItemKind::ExpectAction;
    if (c->ident().size() > 0) it.play = text(c->ident(0)), it.play_span = span(c->ident(0));
    if (c->ident().size() > 1) it.action = text(c->ident(1));
    it.has_args = c->LPAREN() != nullptr;
    it.args = named_args(c->namedArg(), false);
    times(c->timesClause());
  } else if (auto* c = dynamic_cast<P::TestExpectOutcomeContext*>(ctx)) {
    it.kind = TestItemKind::ExpectOutcome;
    if (c->ident().size() > 0) it.play = text(c->ident(0)), it.play_span = span(c->ident(0));
    if (c->ident().size() > 1) it.outcome = text(c->ident(1)), it.outcome_span = span(c->ident(1));
    // STRING(0) is the reason unless it follows `on`.
    for (auto* str : c->STRING()) {
      bool after_on = c->ON() && str->getSymbol()->getTokenIndex() > c->ON()->getSymbol()->getTokenIndex();
      if (after_on)
        it.has_signal_id = true, it.signal_id = string_of(str);
      else
        it.has_reason = true, it.reason = string_of(str);
    }
    times(c->timesClause());
  } else if (auto* c = dynamic_cast<P::TestAfterContext*>(ctx)) {
    it.kind = TestItemKind::After;
    it.at_ms = duration_of(c->DURATION(), &it.at_raw);
  } else {
    it.kind = TestItemKind::ExpectNothingElse;
  }
  return it;
}

ExprPtr Builder::binary(P::ExprContext* ctx, Operator op, P::ExprContext* l, P::ExprContext* r) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Binary;
  e->span = span(ctx);
  e->op = op;
  e->args.push_back(expr_at(l, e->span));
  e->args.push_back(expr_at(r, e->span));
  return e;
}

ExprPtr Builder::expr(P::ExprContext* ctx) {
  if (!ctx) return placeholder(Span{s_.file_id, 0, 0});
  if (depth_ >= kMaxExprDepth) {
    if (!too_deep_reported_)
      s_.error("P0013", span(ctx),
               "this expression is nested too deeply (more than " + std::to_string(kMaxExprDepth) +
                   " levels); split it up");
    too_deep_reported_ = true;
    return placeholder(span(ctx));
  }
  struct Depth {
    int& d;
    Depth(int& d) : d(++d) {}
    ~Depth() { --d; }
  } guard(depth_);

  auto make = [&](ExprKind k) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->span = span(ctx);
    return e;
  };
  if (auto* c = dynamic_cast<P::PrimaryExprContext*>(ctx))
    return c->primary() ? primary(c->primary()) : make(ExprKind::Null);
  if (auto* c = dynamic_cast<P::MethodExprContext*>(ctx)) {
    auto e = make(ExprKind::Method);
    e->name = text(c->anyName());
    e->name_span = span(c->anyName());
    bool saved = in_action_arg_;
    e->args.push_back(expr_at(c->expr(), e->span));
    if (c->args())
      for (auto* a : c->args()->expr()) e->args.push_back(expr(a));
    in_action_arg_ = saved;
    return e;
  }
  if (auto* c = dynamic_cast<P::MemberExprContext*>(ctx)) {
    auto e = make(ExprKind::Member);
    e->name = text(c->anyName());
    e->name_span = span(c->anyName());
    e->args.push_back(expr_at(c->expr(), e->span));
    return e;
  }
  if (auto* c = dynamic_cast<P::IndexExprContext*>(ctx)) {
    auto e = make(ExprKind::Index);
    e->args.push_back(expr_at(c->expr(0), e->span));
    e->args.push_back(expr_at(c->expr(1), e->span));
    return e;
  }
  if (auto* c = dynamic_cast<P::NegExprContext*>(ctx)) {
    // -9223372036854775808 is the smallest int; its digits alone do not fit
    // an int, so (as in CEL) the minus and the literal are read together.
    if (auto* pe = dynamic_cast<P::PrimaryExprContext*>(c->expr()))
      if (auto* lp = dynamic_cast<P::LiteralPrimaryContext*>(pe->primary()))
        if (lp->literal() && lp->literal()->INT() && lp->literal()->getText() == "9223372036854775808") {
          auto e = make(ExprKind::Int);
          e->int_value = INT64_MIN;
          e->raw = "-9223372036854775808";
          return e;
        }
    auto e = make(ExprKind::Unary);
    e->op = Operator::Neg;
    e->args.push_back(expr_at(c->expr(), e->span));
    return e;
  }
  if (auto* c = dynamic_cast<P::NotExprContext*>(ctx)) {
    auto e = make(ExprKind::Unary);
    e->op = c->BANG() ? Operator::Bang : Operator::Not;
    e->args.push_back(expr_at(c->expr(), e->span));
    return e;
  }
  // The operator token's spelling; a token conjured by error recovery keeps
  // its alternative's first operator (such a tree is never checked).
  auto op = [](Token* t, Operator fallback) {
    auto known = t ? ast::binary_operator(t->getText()) : std::nullopt;
    return known ? *known : fallback;
  };
  if (auto* c = dynamic_cast<P::MulExprContext*>(ctx))
    return binary(ctx, op(c->op, Operator::Mul), c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<P::AddExprContext*>(ctx))
    return binary(ctx, op(c->op, Operator::Add), c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<P::CmpExprContext*>(ctx))
    return binary(ctx, op(c->op, Operator::Eq), c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<P::NotInExprContext*>(ctx))
    return binary(ctx, Operator::NotIn, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<P::AndExprContext*>(ctx))
    return binary(ctx, op(c->op, Operator::And), c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<P::OrExprContext*>(ctx))
    return binary(ctx, op(c->op, Operator::Or), c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<P::CoalesceExprContext*>(ctx))
    return binary(ctx, Operator::Coalesce, c->expr(0), c->expr(1));
  if (auto* c = dynamic_cast<P::CondExprContext*>(ctx)) {
    auto e = make(ExprKind::Cond);
    for (size_t i = 0; i < 3; ++i) e->args.push_back(expr_at(c->expr(i), e->span));
    return e;
  }
  return make(ExprKind::Null);
}

ExprPtr Builder::primary(P::PrimaryContext* ctx) {
  auto make = [&](ExprKind k) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->span = span(ctx);
    return e;
  };
  if (auto* c = dynamic_cast<P::LiteralPrimaryContext*>(ctx)) return literal(c->literal());
  if (auto* c = dynamic_cast<P::CallPrimaryContext*>(ctx)) {
    auto e = make(ExprKind::Call);
    e->name = text(c->ident());
    e->name_span = span(c->ident());
    if (c->args())
      for (auto* a : c->args()->expr()) e->args.push_back(expr(a));
    return e;
  }
  if (auto* c = dynamic_cast<P::IdentPrimaryContext*>(ctx)) {
    auto e = make(ExprKind::Ident);
    e->name = text(c->ident());
    e->name_span = e->span;
    return e;
  }
  if (dynamic_cast<P::SignalPrimaryContext*>(ctx)) {
    auto e = make(ExprKind::SignalVar);
    e->name = "signal";
    e->name_span = e->span;
    return e;
  }
  if (auto* c = dynamic_cast<P::ParenPrimaryContext*>(ctx)) {
    // Parentheses leave no node; the inner expression keeps its own span.
    return expr_at(c->expr(), span(ctx));
  }
  if (auto* c = dynamic_cast<P::ListPrimaryContext*>(ctx)) {
    auto e = make(ExprKind::List);
    for (auto* a : c->expr()) e->args.push_back(expr(a));
    return e;
  }
  if (auto* c = dynamic_cast<P::MapPrimaryContext*>(ctx)) {
    auto e = make(ExprKind::Map);
    for (auto* m : c->mapEntry()) {
      e->args.push_back(expr_at(m->expr(0), span(m)));
      e->args.push_back(expr_at(m->expr(1), span(m)));
    }
    return e;
  }
  return make(ExprKind::Null);
}

ExprPtr Builder::literal(P::LiteralContext* ctx) {
  auto e = std::make_unique<Expr>();
  e->span = span(ctx);
  if (!ctx) return e;
  std::string raw = ctx->getText();
  auto err = error_at(e->span);
  if (ctx->STRING()) {
    if (in_action_arg_) return build_template(s_, raw, e->span);
    e->kind = ExprKind::String;
    e->string_value = decode_string(raw, err);
  } else if (ctx->INT()) {
    e->kind = ExprKind::Int;
    decode_int(raw, e->int_value, err);
  } else if (ctx->FLOAT()) {
    e->kind = ExprKind::Float;
    decode_float(raw, e->float_value, err);
  } else if (ctx->DURATION()) {
    e->kind = ExprKind::Duration;
    decode_duration(raw, e->int_value, err);
  } else if (ctx->TRUE() || ctx->FALSE()) {
    e->kind = ExprKind::Bool;
    e->bool_value = ctx->TRUE() != nullptr;
  } else {
    e->kind = ExprKind::Null;
  }
  if (e->kind != ExprKind::Bool && e->kind != ExprKind::Null) e->raw = raw;
  return e;
}

}  // namespace

File build_file(Run& run, antlr4::ParserRuleContext* ctx) {
  return Builder(run).file(dynamic_cast<P::FileContext*>(ctx));
}

ExprPtr build_expression(Run& run, antlr4::ParserRuleContext* ctx) {
  return Builder(run).expr(dynamic_cast<P::ExprContext*>(ctx));
}

ExprPtr parse_sub_expression(Session& session, uint32_t begin, uint32_t end) {
  std::string_view text = std::string_view(session.text()).substr(begin, end - begin);
  Run run(session, text, begin);
  Span whole{session.file_id, begin, end};
  if (!run.lex(nullptr)) return Builder(run).expr(nullptr);
  auto* ctx = run.parse(true);
  auto e = build_expression(run, ctx);
  if (e->kind == ExprKind::Null && e->span.begin == 0 && e->span.end == 0) e->span = whole;
  return e;
}

}  // namespace play::syntax
