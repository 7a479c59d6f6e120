// Standalone expressions (`playc eval`, the CEL conformance runner): checked
// against an already-checked project, with bindings as variables.
#include "compiler/sema/checker.h"

namespace play::sema {

TypeRef Checker::check_standalone(ast::Expr& expr, const std::vector<Binding>& bindings) {
  // The project's values were checked when it was loaded: their types are final.
  value_decls_.assign(p_.values.size(), nullptr);
  value_state_.assign(p_.values.size(), ValueState::Done);
  std::vector<LetInfo> lets;
  for (const auto& b : bindings) lets.push_back({b.name, Span{}, b.type, false});
  Scope s;
  s.what = "the expression";
  s.lets = &lets;
  s.lets_visible = static_cast<int>(lets.size());
  return check(expr, s);
}

TypeRef check_expression(Project& project, ast::Expr& expr, const std::vector<Binding>& bindings,
                         Diagnostics& diags) {
  Checker checker(project, diags);
  return checker.check_standalone(expr, bindings);
}

}  // namespace play::sema
