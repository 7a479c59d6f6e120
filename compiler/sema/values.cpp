// Project-level values (list, const, pool, icp), the suppress block, and the
// defaults of action parameters (LANGUAGE.md sections 4 and 6).
#include <fmt/format.h>

#include "compiler/sema/checker.h"

namespace play::sema {

TypeRef Checker::value_type(int i) {
  Value& v = p_.values[i];
  if (value_state_[i] == ValueState::Done) return v.type;
  ast::ValueDecl& decl = *value_decls_[i];
  if (value_state_[i] == ValueState::Checking) {
    d_.error("P0116", decl.name_span,
             fmt::format("{} '{}' is defined in terms of itself", ast::value_keyword(decl.kind), decl.name));
    return Type::error();
  }
  if (!decl.value) {  // recovered from a syntax error
    value_state_[i] = ValueState::Done;
    return v.type = Type::error();
  }
  value_state_[i] = ValueState::Checking;
  Scope s;
  s.what = fmt::format("{} '{}'", ast::value_keyword(decl.kind), decl.name);
  bool icp = decl.kind == ast::ValueKind::Icp;
  s.constant = !icp;
  s.context = icp;  // an icp reads the account and contact records
  TypeRef t = icp ? check_bool(*decl.value, s, fmt::format("icp '{}'", decl.name)) : check(*decl.value, s);
  if (is_user_span(decl.name_span))
    lint_literal_template(*decl.value, fmt::format("{} '{}'", ast::value_keyword(decl.kind), decl.name));
  if (!is_error(t)) {
    if (!icp && !is_constant_expr(*decl.value, p_)) {
      d_.error("P0224", decl.value->span,
               fmt::format("{} '{}' must be known at check time (literals and other consts and lists)",
                           ast::value_keyword(decl.kind), decl.name));
      t = Type::error();
    } else if (decl.kind == ast::ValueKind::List && t->kind != TypeKind::List) {
      d_.error(
          "P0204", decl.value->span,
          fmt::format("list '{}' must be a list, e.g. [\"a\", \"b\"], but this is {}", decl.name, a_type(t)));
      t = Type::error();
    } else if (decl.kind == ast::ValueKind::Pool &&
               (t->kind != TypeKind::List || !t->elem || t->elem->kind != TypeKind::String ||
                decl.value->args.empty())) {
      d_.error("P0205", decl.value->span,
               fmt::format("pool '{}' must be a non-empty list of strings (reps' emails), but this is {}",
                           decl.name, a_type(t)));
      t = Type::error();
    }
  }
  v.type = t;
  value_state_[i] = ValueState::Done;
  return t;
}

void Checker::check_values() {
  for (size_t i = 0; i < p_.values.size(); ++i) value_type(static_cast<int>(i));
  for (auto& sig : p_.actions) {
    for (size_t i = 0; i < sig.params.size(); ++i) {
      auto& prm = sig.decl->params[i];
      if (!prm.default_value) continue;
      Scope s;
      s.what = "a parameter's default";
      s.constant = true;
      TypeRef t = check(*prm.default_value, s);
      if (!assignable(*t, *sig.params[i].type))
        d_.error("P0405", prm.default_value->span,
                 fmt::format("the default of parameter '{}' must be {}, but this is {}", prm.name,
                             a_type(sig.params[i].type), a_type(t)));
    }
  }
}

void Checker::check_suppress() {
  if (!p_.suppress) return;
  auto* block = const_cast<ast::SuppressDecl*>(p_.suppress);
  for (auto& rule : block->rules) {
    if (!rule.cond) continue;  // recovered from a syntax error
    Scope s;
    s.what = "a suppress rule";
    s.context = true;
    check_bool(*rule.cond, s, "a suppress rule");
  }
}

}  // namespace play::sema
