// Project-wide lints of LANGUAGE.md section 5 (the per-play ones live with
// the play checker): unused declarations, and possible double enrollment.
#include <fmt/format.h>

#include "compiler/sema/checker.h"

namespace play::sema {

void Checker::lint_unused_values() {
  for (const auto& v : p_.values)
    if (!v.used && v.decl && is_user_span(v.decl->name_span) && !is_error(v.type)) {
      const char* kind = v.kind == ast::ValueKind::List    ? "list"
                         : v.kind == ast::ValueKind::Const ? "const"
                         : v.kind == ast::ValueKind::Pool  ? "pool"
                                                           : "icp";
      d_.warning("P0503", v.decl->name_span, fmt::format("{} '{}' is never used", kind, v.name));
    }
}

namespace {

// "signal.category", "account.tier": a field path, or "" for anything else.
std::string path_of(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::SignalVar) return "signal";
  if (e.kind == ast::ExprKind::Ident && (e.ref == ast::RefKind::Account || e.ref == ast::RefKind::Contact))
    return e.name;
  if (e.kind == ast::ExprKind::Member) {
    std::string base = path_of(*e.args[0]);
    return base.empty() ? "" : base + "." + e.name;
  }
  return "";
}

// "s:pricing", "i:3", "b:1": a literal, or "" for anything else.
std::string literal_of(const ast::Expr& e) {
  switch (e.kind) {
    case ast::ExprKind::String:
      return "s:" + e.string_value;
    case ast::ExprKind::Int:
      return "i:" + std::to_string(e.int_value);
    case ast::ExprKind::Bool:
      return e.bool_value ? "b:1" : "b:0";
    default:
      return "";
  }
}

// A filter in the shapes the exclusivity proof understands.
enum class Test : uint8_t {
  Equal,     // path == literal
  NotEqual,  // path != literal
  Is,        // a bare bool field
  IsNot,     // a negated bool field
};
struct Shape {
  std::string path;
  Test test;
  std::string literal;  // for Equal and NotEqual
};

std::optional<Shape> shape_of(const ast::Expr& e) {
  if (e.kind == ast::ExprKind::Binary && ast::meaning(e.op) == ast::OpMeaning::Equality) {
    const ast::Expr* a = e.args[0].get();
    const ast::Expr* b = e.args[1].get();
    if (path_of(*a).empty()) std::swap(a, b);
    std::string p = path_of(*a), l = literal_of(*b);
    if (p.empty() || l.empty()) return std::nullopt;
    return Shape{p, e.op == ast::Operator::Eq ? Test::Equal : Test::NotEqual, l};
  }
  if (e.kind == ast::ExprKind::Unary && ast::meaning(e.op) == ast::OpMeaning::LogicalNot) {
    std::string p = path_of(*e.args[0]);
    if (p.empty()) return std::nullopt;
    return Shape{p, Test::IsNot, ""};
  }
  std::string p = path_of(e);
  if (p.empty()) return std::nullopt;
  return Shape{p, Test::Is, ""};
}

// Can `a` and `b` not both hold? Proven only for one field compared with
// literals: x == c1 / x == c2 (c1 != c2), x == c / x != c, and x / not x.
bool exclusive(const Shape& a, const Shape& b) {
  if (a.path != b.path) return false;
  auto is = [&](Test x, Test y) { return a.test == x && b.test == y; };
  if (is(Test::Equal, Test::Equal)) return a.literal != b.literal;
  if (is(Test::Equal, Test::NotEqual) || is(Test::NotEqual, Test::Equal)) return a.literal == b.literal;
  if (is(Test::Is, Test::IsNot) || is(Test::IsNot, Test::Is)) return true;
  if (is(Test::Is, Test::Equal)) return b.literal == "b:0";
  if (is(Test::Equal, Test::Is)) return a.literal == "b:0";
  if (is(Test::IsNot, Test::Equal)) return b.literal == "b:1";
  if (is(Test::Equal, Test::IsNot)) return a.literal == "b:1";
  return false;
}

std::vector<Shape> where_shapes(const ast::PlayDecl& d) {
  std::vector<Shape> out;
  for (const auto& item : d.items)
    if (item.kind == ast::PlayItemKind::Where && item.expr)
      if (auto s = shape_of(*item.expr)) out.push_back(*s);
  return out;
}

bool enrolls(const Play& p) {
  return std::find(p.actions.begin(), p.actions.end(), "enroll") != p.actions.end();
}

}  // namespace

void Checker::lint_double_enrollment() {
  for (size_t j = 0; j < p_.plays.size(); ++j) {
    const Play& b = p_.plays[j];
    // Shadow plays decide and trace but never send, so they cannot enroll twice.
    if (!enrolls(b) || b.mode == Mode::Shadow || b.temporal || b.pattern.kind != ast::OnKind::Signal)
      continue;
    for (size_t i = 0; i < j; ++i) {
      const Play& a = p_.plays[i];
      if (!enrolls(a) || a.mode == Mode::Shadow || a.temporal || a.pattern.kind != ast::OnKind::Signal)
        continue;
      if (!is_user_span(a.decl->name_span) && !is_user_span(b.decl->name_span)) continue;
      std::string shared;
      for (const auto& t : b.signal_types)
        if (std::find(a.signal_types.begin(), a.signal_types.end(), t) != a.signal_types.end()) shared = t;
      if (shared.empty()) continue;
      bool proven = false;
      auto sa = where_shapes(*a.decl), sb = where_shapes(*b.decl);
      for (const auto& x : sa)
        for (const auto& y : sb) proven = proven || exclusive(x, y);
      if (proven) continue;
      d_.warning(
          "P0505", b.decl->name_span,
          fmt::format("possible double enrollment: plays '{}' and '{}' both enroll on {} and nothing "
                      "shows their where clauses exclusive; make them exclusive (e.g. signal.x == \"a\" "
                      "and signal.x == \"b\") or merge the plays",
                      a.name, b.name, shared));
    }
  }
}

}  // namespace play::sema
