// Lints for common mistakes of docs/language.md section 13 that are visible
// in one expression: a `not` that rejects when a flag is unset, and template
// braces in a string that is never rendered. (The others are errors or lints
// elsewhere: P0500, P0501, P0505, P0900; tests/mistakes shows each.)
#include <fmt/format.h>

#include <regex>

#include "compiler/sema/checker.h"

namespace play::sema {

namespace {

bool is_not(const ast::Expr& e) {
  return e.kind == ast::ExprKind::Unary && meaning(e.op) == ast::OpMeaning::LogicalNot;
}
bool is_coalesce(const ast::Expr& e) {
  return e.kind == ast::ExprKind::Binary && meaning(e.op) == ast::OpMeaning::Coalesce;
}

// The first `{name}` / `{a.b}` in a string, as a template would read it; a
// doubled `{{` is a literal brace in a template too, so it is skipped.
std::string template_braces(const std::string& s) {
  static const std::regex braces(R"(\{[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\})");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), braces); it != std::sregex_iterator(); ++it) {
    size_t at = static_cast<size_t>(it->position());
    if (at > 0 && s[at - 1] == '{') continue;
    return it->str();
  }
  return "";
}

}  // namespace

// `where not contact.do_not_contact`: `not null` is null, and a where clause
// that is null rejects, so the play silently skips everyone whose flag was
// never set. A `not` under the left side of `??` has its null defaulted.
void Checker::lint_not_of_nullable(const ast::Expr& e) {
  if (is_coalesce(e)) {
    if (e.args.size() > 1 && e.args[1]) lint_not_of_nullable(*e.args[1]);
    return;
  }
  if (is_not(e) && !e.args.empty() && e.args[0] && e.args[0]->type && e.args[0]->type->nullable &&
      e.args[0]->type->kind == TypeKind::Bool) {
    Span sp = e.args[0]->span;
    std::string x = p_.sources.file(sp.file).text().substr(sp.begin, sp.end - sp.begin);
    d_.warning("P0507", e.span,
               fmt::format("`not {0}` is null when {0} is unset, and a null where clause rejects the signal: "
                           "write `{0} != true` to pass when it is unset, or `{0} == false` to require it",
                           x));
    return;
  }
  for (const auto& a : e.args)
    if (a) lint_not_of_nullable(*a);
}

// Only strings in action arguments are templates: `{signal.company}` in a
// title, a const or a let stays literal text, which is never what was meant.
void Checker::lint_literal_template(const ast::Expr& e, const std::string& where) {
  if (e.kind == ast::ExprKind::String) {
    std::string braces = template_braces(e.string_value);
    if (!braces.empty())
      d_.warning("P0508", e.span,
                 fmt::format("`{}` in {} is literal text: only strings in action arguments are templates; "
                             "build the value with `+` or write the template in the action",
                             braces, where));
    return;
  }
  for (const auto& a : e.args)
    if (a) lint_literal_template(*a, where);
}

}  // namespace play::sema
