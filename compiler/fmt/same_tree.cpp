#include "compiler/fmt/same_tree.h"

namespace play::fmt {

namespace {

using namespace play::ast;

struct Cmp {
  std::string diff;
  bool fail(const std::string& what) {
    if (diff.empty()) diff = what;
    return false;
  }
  template <typename T>
  bool eq(const T& a, const T& b, const char* what) {
    return a == b || fail(what);
  }
  bool expr(const Expr* a, const Expr* b) {
    if (!a || !b) return (a == b) || fail("expression present in one only");
    if (a->kind != b->kind)
      return fail("expression kind differs: " + a->raw + " vs " + b->raw + " / " + a->name + " vs " +
                  b->name);
    bool ok = eq(a->bool_value, b->bool_value, "bool") && eq(a->int_value, b->int_value, "int") &&
              eq(a->string_value, b->string_value, "string") && eq(a->name, b->name, "name") &&
              eq(a->op, b->op, "operator") && eq(a->raw, b->raw, "raw") &&
              eq(a->args.size(), b->args.size(), "argument count") &&
              eq(a->parts.size(), b->parts.size(), "template parts");
    if (!ok) return false;
    if (!(a->float_value == b->float_value)) return fail("float");
    for (size_t i = 0; i < a->args.size(); ++i)
      if (!expr(a->args[i].get(), b->args[i].get())) return false;
    for (size_t i = 0; i < a->parts.size(); ++i) {
      if (!eq(a->parts[i].is_expr, b->parts[i].is_expr, "part kind") ||
          !eq(a->parts[i].text, b->parts[i].text, "part text") ||
          !expr(a->parts[i].expr.get(), b->parts[i].expr.get()))
        return false;
    }
    return true;
  }
  bool type(const TypeExpr& a, const TypeExpr& b) {
    if (!eq(a.name, b.name, "type name") || !eq(a.nullable, b.nullable, "nullable") ||
        !eq(a.params.size(), b.params.size(), "type params"))
      return false;
    for (size_t i = 0; i < a.params.size(); ++i)
      if (!type(a.params[i], b.params[i])) return false;
    return true;
  }
  bool fields(const std::vector<FieldDecl>& a, const std::vector<FieldDecl>& b) {
    if (!eq(a.size(), b.size(), "field count")) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!eq(a[i].name, b[i].name, "field name") || !type(a[i].type, b[i].type)) return false;
    return true;
  }
  bool args(const std::vector<NamedArg>& a, const std::vector<NamedArg>& b) {
    if (!eq(a.size(), b.size(), "argument count")) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!eq(a[i].name, b[i].name, "argument name") || !expr(a[i].value.get(), b[i].value.get()))
        return false;
    return true;
  }
  bool record(const std::vector<RecordField>& a, const std::vector<RecordField>& b) {
    if (!eq(a.size(), b.size(), "record size")) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!eq(a[i].name, b[i].name, "record field") || !expr(a[i].value.get(), b[i].value.get()))
        return false;
    return true;
  }
  bool signal_ref(const SignalRef& a, const SignalRef& b) {
    return eq(a.name, b.name, "signal name") && expr(a.filter.get(), b.filter.get());
  }
  bool on(const OnClause& a, const OnClause& b) {
    if (!eq(a.kind, b.kind, "on kind") || !eq(a.signals.size(), b.signals.size(), "on signals") ||
        !eq(a.cmp_op, b.cmp_op, "on cmp") || !eq(a.window_ms, b.window_ms, "on window") ||
        !eq(a.window_raw, b.window_raw, "on window raw") || !eq(a.per, b.per, "on per") ||
        !eq(a.score_name, b.score_name, "on score") || !expr(a.value.get(), b.value.get()))
      return false;
    for (size_t i = 0; i < a.signals.size(); ++i)
      if (!signal_ref(a.signals[i], b.signals[i])) return false;
    return true;
  }
  bool alert(const AlertItem& a, const AlertItem& b) {
    return eq(a.off, b.off, "alert off") && eq(a.measure, b.measure, "alert measure") &&
           eq(a.dir, b.dir, "alert direction") && eq(a.unit, b.unit, "alert unit") &&
           eq(a.number, b.number, "alert number") && eq(a.ms, b.ms, "alert ms") &&
           eq(a.raw, b.raw, "alert raw");
  }
  bool play(const PlayDecl& a, const PlayDecl& b) {
    if (!eq(a.name, b.name, "play name") || !eq(a.items.size(), b.items.size(), "play item count"))
      return false;
    for (size_t i = 0; i < a.items.size(); ++i) {
      const PlayItem &x = a.items[i], &y = b.items[i];
      if (!eq(x.kind, y.kind, "item kind") || !eq(x.name, y.name, "item name") ||
          !expr(x.expr.get(), y.expr.get()) || !eq(x.reason, y.reason, "reason") ||
          !eq(x.within_ms, y.within_ms, "within") || !eq(x.within_raw, y.within_raw, "within raw") ||
          !eq(x.per, y.per, "per") || !args(x.args, y.args))
        return false;
      if (x.kind == PlayItemKind::On && !on(x.on, y.on)) return false;
      if (x.kind == PlayItemKind::Alert && !alert(x.alert, y.alert)) return false;
    }
    return true;
  }
  bool test(const TestDecl& a, const TestDecl& b) {
    if (!eq(a.name, b.name, "test name") || !eq(a.items.size(), b.items.size(), "test item count"))
      return false;
    for (size_t i = 0; i < a.items.size(); ++i) {
      const TestItem &x = a.items[i], &y = b.items[i];
      if (!eq(x.kind, y.kind, "test item kind") || !eq(x.entity, y.entity, "entity") ||
          !record(x.fields, y.fields) || !eq(x.signal_type, y.signal_type, "signal type") ||
          !eq(x.at_ms, y.at_ms, "at") || !eq(x.play, y.play, "play") || !eq(x.action, y.action, "action") ||
          !eq(x.has_args, y.has_args, "has args") || !args(x.args, y.args) ||
          !eq(x.outcome, y.outcome, "outcome") || !eq(x.has_reason, y.has_reason, "has reason") ||
          !eq(x.reason, y.reason, "reason") || !eq(x.has_signal_id, y.has_signal_id, "has id") ||
          !eq(x.signal_id, y.signal_id, "signal id") || !eq(x.has_times, y.has_times, "has times") ||
          !eq(x.times, y.times, "times"))
        return false;
    }
    return true;
  }
  bool decl(const Decl& a, const Decl& b) {
    if (!eq(a.kind, b.kind, "declaration kind")) return false;
    switch (a.kind) {
      case DeclKind::Signal:
        return eq(a.signal->name, b.signal->name, "signal") && fields(a.signal->fields, b.signal->fields);
      case DeclKind::Entity:
        return eq(a.entity->name, b.entity->name, "entity") && fields(a.entity->fields, b.entity->fields);
      case DeclKind::Value:
        return eq(a.value->kind, b.value->kind, "value kind") &&
               eq(a.value->name, b.value->name, "value name") &&
               expr(a.value->value.get(), b.value->value.get());
      case DeclKind::Suppress: {
        const auto &x = a.suppress->rules, &y = b.suppress->rules;
        if (!eq(x.size(), y.size(), "rule count")) return false;
        for (size_t i = 0; i < x.size(); ++i)
          if (!expr(x[i].cond.get(), y[i].cond.get()) || !eq(x[i].reason, y[i].reason, "rule reason"))
            return false;
        return true;
      }
      case DeclKind::Action: {
        const auto &x = *a.action, &y = *b.action;
        if (!eq(x.name, y.name, "action") || !eq(x.sink, y.sink, "sink") ||
            !eq(x.params.size(), y.params.size(), "params"))
          return false;
        for (size_t i = 0; i < x.params.size(); ++i)
          if (!eq(x.params[i].name, y.params[i].name, "param") || !type(x.params[i].type, y.params[i].type) ||
              !expr(x.params[i].default_value.get(), y.params[i].default_value.get()))
            return false;
        return true;
      }
      case DeclKind::Play:
        return play(*a.play, *b.play);
      case DeclKind::Test:
        return test(*a.test, *b.test);
      case DeclKind::Score: {
        const auto &x = *a.score, &y = *b.score;
        if (!eq(x.name, y.name, "score") || !eq(x.per, y.per, "score per") ||
            !eq(x.half_life_ms, y.half_life_ms, "half life") ||
            !eq(x.rules.size(), y.rules.size(), "score rules"))
          return false;
        for (size_t i = 0; i < x.rules.size(); ++i)
          if (!signal_ref(x.rules[i].signal, y.rules[i].signal) ||
              !expr(x.rules[i].weight.get(), y.rules[i].weight.get()))
            return false;
        return true;
      }
    }
    return true;
  }
};

}  // namespace

std::string ast_difference(const File& a, const File& b) {
  Cmp c;
  if (a.decls.size() != b.decls.size()) return "declaration count differs";
  for (size_t i = 0; i < a.decls.size(); ++i)
    if (!c.decl(a.decls[i], b.decls[i])) return "declaration " + std::to_string(i) + ": " + c.diff;
  if (a.comments.size() != b.comments.size()) return "comment count differs";
  for (size_t i = 0; i < a.comments.size(); ++i)
    if (a.comments[i].text != b.comments[i].text) return "comment differs: " + a.comments[i].text;
  return "";
}

}  // namespace play::fmt
