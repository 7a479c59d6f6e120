// Types as written (`list<string>?`) and the small type algebra the checker
// uses everywhere (unify, nullability). LANGUAGE.md section 2.
#include <fmt/format.h>

#include "compiler/sema/checker.h"

namespace play::sema {

namespace {
const std::vector<std::string> kTypeNames = {"bool",     "int",       "float", "double", "string",
                                             "duration", "timestamp", "list",  "map",    "dyn"};
}

TypeRef Checker::resolve_type(const ast::TypeExpr& t) {
  auto want_params = [&](size_t n) {
    if (t.params.size() == n) return true;
    d_.error("P0203", t.span,
             n == 0 ? fmt::format("type '{}' takes no type parameters", t.name)
                    : fmt::format("type '{}' takes {} type parameter{}, e.g. {}", t.name, n,
                                  n == 1 ? "" : "s", t.name == "list" ? "list<string>" : "map<string, int>"));
    return false;
  };
  TypeRef r;
  if (t.name == "list") {
    if (!want_params(1)) return Type::error();
    r = Type::list(resolve_type(t.params[0]));
  } else if (t.name == "map") {
    if (!want_params(2)) return Type::error();
    auto key = resolve_type(t.params[0]);
    if (key->kind != TypeKind::String && !is_error(key)) {
      d_.error("P0203", t.params[0].span, "map keys must be strings: write map<string, T>");
      return Type::error();
    }
    r = Type::map(resolve_type(t.params[1]));
  } else {
    static const std::unordered_map<std::string, TypeKind> kinds = {
        {"bool", TypeKind::Bool},           {"int", TypeKind::Int},       {"float", TypeKind::Float},
        {"double", TypeKind::Float},        {"string", TypeKind::String}, {"duration", TypeKind::Duration},
        {"timestamp", TypeKind::Timestamp}, {"dyn", TypeKind::Dyn}};
    auto it = kinds.find(t.name);
    if (it == kinds.end()) {
      // Names other languages use for our types.
      static const std::unordered_map<std::string, std::string> aliases = {
          {"integer", "int"}, {"long", "int"},           {"number", "float"},
          {"str", "string"},  {"text", "string"},        {"boolean", "bool"},
          {"any", "dyn"},     {"datetime", "timestamp"}, {"time", "timestamp"}};
      auto alias = aliases.find(t.name);
      std::string hint = alias != aliases.end() ? "; did you mean '" + alias->second + "'?"
                                                : did_you_mean(t.name, kTypeNames);
      d_.error("P0107", t.span, fmt::format("unknown type '{}'{}", t.name, hint));
      return Type::error();
    }
    if (!want_params(0)) return Type::error();
    r = Type::make(it->second);
  }
  return t.nullable ? r->as_nullable() : r;
}

bool is_error(const TypeRef& t) { return !t || t->kind == TypeKind::Error; }

bool is_boolish(const TypeRef& t) {
  return is_error(t) || t->kind == TypeKind::Bool || t->kind == TypeKind::Dyn || t->kind == TypeKind::Null;
}

TypeRef with_nullable(const TypeRef& t, bool nullable) {
  if (!t || t->nullable == nullable) return t;
  return t->as_nullable(nullable);
}

std::string a_type(const TypeRef& t) {
  std::string s = t ? t->str() : "<error>";
  bool vowel = !s.empty() && std::string("aeiou").find(s[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + s;
}

TypeRef unify(const TypeRef& a, const TypeRef& b) {
  if (is_error(a) || is_error(b)) return Type::error();
  if (a->kind == TypeKind::Dyn || b->kind == TypeKind::Dyn) return Type::dyn();
  if (a->kind == TypeKind::Null) return b->as_nullable();
  if (b->kind == TypeKind::Null) return a->as_nullable();
  bool n = a->nullable || b->nullable;
  if (a->is_numeric() && b->is_numeric()) return a->kind == b->kind ? with_nullable(a, n) : Type::floating(n);
  if (a->kind != b->kind) return nullptr;
  if (a->kind == TypeKind::List || a->kind == TypeKind::Map) {
    auto e = unify(a->elem, b->elem);
    if (!e) e = Type::dyn();  // [1, "a"] is a list<dyn>, as in CEL
    return Type::make(a->kind, n, e);
  }
  return with_nullable(a, n);
}

std::optional<std::string> constant_string(const ast::Expr& e, const Project& p) {
  if (e.kind == ast::ExprKind::String) return e.string_value;
  if (e.kind == ast::ExprKind::Template) {  // a template without {expr} parts is plain text
    std::string text;
    for (const auto& part : e.parts) {
      if (part.is_expr) return std::nullopt;
      text += part.text;
    }
    return text;
  }
  if (e.kind == ast::ExprKind::Ident && e.ref == ast::RefKind::Const && e.index >= 0) {
    const auto* decl = p.values[e.index].decl;
    if (decl && decl->value) return constant_string(*decl->value, p);
  }
  return std::nullopt;
}

bool is_constant_expr(const ast::Expr& e, const Project& p) {
  using ast::RefKind;
  switch (e.ref) {
    case RefKind::None:
      break;
    case RefKind::Const:
    case RefKind::List:
    case RefKind::MacroVar:  // ranges over its macro's receiver, which is checked itself
      return true;
    default:
      return false;  // per-signal values, lets, icps, pools
  }
  if (e.kind == ast::ExprKind::Call) {
    const builtins::Builtin* b = builtins::called(e);
    if (b && !b->pure) return false;  // round_robin rotates a pool
  }
  if (e.kind == ast::ExprKind::SignalVar) return false;
  for (const auto& a : e.args)
    if (a && !is_constant_expr(*a, p)) return false;
  for (const auto& part : e.parts)
    if (part.is_expr && part.expr && !is_constant_expr(*part.expr, p)) return false;
  return true;
}

}  // namespace play::sema
