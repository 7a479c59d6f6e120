// Standalone expressions (`playc eval`, the CEL conformance runner): checked
// against an already-checked project, with bindings as variables.
#include "compiler/sema/checker.h"

namespace play::sema {

TypeRef Checker::check_standalone(ast::Expr& expr, const std::vector<Binding>& bindings,
                                  const ExpressionScope& scope) {
  // The project's values were checked when it was loaded: their types are final.
  value_decls_.assign(p_.values.size(), nullptr);
  value_state_.assign(p_.values.size(), ValueState::Done);
  std::vector<LetInfo> lets;
  for (const auto& b : bindings) lets.push_back({b.name, Span{}, b.type, false});
  Scope s;
  s.what = "the expression";
  s.lets = &lets;
  s.lets_visible = static_cast<int>(lets.size());
  SignalScope signal;
  if (scope.signal) {
    signal = signal_scope({scope.signal});
    s.signal_props = &signal.props;
    s.prop_slots = &signal.slots;
    s.partial_props = &signal.partial;
    s.signal_label = signal.label;
  }
  s.context = scope.records;
  s.standalone = true;
  s.now = scope.now || scope.records;
  return check(expr, s);
}

TypeRef check_expression(Project& project, ast::Expr& expr, const std::vector<Binding>& bindings,
                         Diagnostics& diags, const ExpressionScope& scope) {
  Checker checker(project, diags);
  return checker.check_standalone(expr, bindings, scope);
}

}  // namespace play::sema
