// Worst-case cost of one evaluation of a play, in abstract steps
// (LANGUAGE.md section 3: evaluation always terminates, and the checker
// estimates its cost). One step per expression node, a builtin's call what
// its row in the builtins table says; a list macro also costs its receiver
// plus (its body + 1) per element, where the number of elements is the
// length of a constant list (a literal or a `list` name) and
// builtins::kUnknownListLength otherwise. Icps used by the play and the suppress
// rules (for `unless suppressed`) are added in; every clause costs one step.
#include <algorithm>

#include "compiler/sema/checker.h"

namespace play::sema {

namespace {

using builtins::kUnknownListLength;
constexpr uint64_t kCap = UINT32_MAX;

uint64_t cap(uint64_t v) { return std::min(v, kCap); }

uint64_t list_length(const ast::Expr& e, const Project& p) {
  if (e.kind == ast::ExprKind::List) return e.args.size();
  if (e.kind == ast::ExprKind::Ident && e.ref == ast::RefKind::List && e.index >= 0) {
    const auto* d = p.values[e.index].decl;
    if (d && d->value && d->value->kind == ast::ExprKind::List) return d->value->args.size();
  }
  return kUnknownListLength;
}

uint64_t expr_cost(const ast::Expr& e, const Project& p, int depth = 0) {
  if (depth > 64) return kCap;  // icp chains are acyclic (checked), but stay safe
  const builtins::Builtin* b = builtins::called(e);
  uint64_t c = b ? b->cost : 1;
  if (b && b->form == builtins::Form::Macro && e.args.size() == 3) {
    c += expr_cost(*e.args[0], p, depth);
    c += cap(list_length(*e.args[0], p) * (expr_cost(*e.args[2], p, depth) + 1));
    return cap(c);
  }
  for (const auto& a : e.args)
    if (a) c = cap(c + expr_cost(*a, p, depth));
  for (const auto& part : e.parts)
    if (part.is_expr && part.expr) c = cap(c + expr_cost(*part.expr, p, depth));
  if (e.kind == ast::ExprKind::Ident && e.ref == ast::RefKind::Icp && e.index >= 0) {
    const auto* d = p.values[e.index].decl;
    if (d && d->value) c = cap(c + expr_cost(*d->value, p, depth + 1));
  }
  return c;
}

}  // namespace

uint32_t Checker::play_cost(const Play& play) {
  uint64_t c = 0;
  for (const auto& item : play.decl->items) {
    if (item.kind == ast::PlayItemKind::Meta || item.kind == ast::PlayItemKind::On) continue;
    c = cap(c + 1);
    if (item.expr) c = cap(c + expr_cost(*item.expr, p_));
    for (const auto& a : item.args)
      if (a.value) c = cap(c + expr_cost(*a.value, p_));
  }
  for (const auto& name : play.icps_used) {
    auto it = p_.value_index.find(name);
    if (it != p_.value_index.end() && p_.values[it->second].decl)
      c = cap(c + expr_cost(*p_.values[it->second].decl->value, p_));
  }
  if (play.uses_suppression && p_.suppress)
    for (const auto& r : p_.suppress->rules) c = cap(c + 1 + expr_cost(*r.cond, p_));
  return static_cast<uint32_t>(c);
}

}  // namespace play::sema
