// Where the canonical form keeps parentheses, from the operator table's
// precedence levels (compiler/ast/operators.h); shared by the one-line
// printer and the line-breaking layout so both print the same tokens.
#pragma once

#include "compiler/ast/ast.h"

namespace play::fmt {

using ast::Precedence;

inline Precedence level(const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::Cond:
      return Precedence::Cond;
    case K::Unary:
    case K::Binary:
      return ast::precedence(e.op);
    case K::Member:
    case K::Index:
    case K::Method:
      return Precedence::Postfix;
    default:
      return Precedence::Primary;
  }
}

inline bool is_or(const ast::Expr& e) {
  return e.kind == ast::ExprKind::Binary && ast::meaning(e.op) == ast::OpMeaning::LogicalOr;
}
inline bool is_and(const ast::Expr& e) {
  return e.kind == ast::ExprKind::Binary && ast::meaning(e.op) == ast::OpMeaning::LogicalAnd;
}

// Does operand `i` of binary `e` need parentheses? Minimal from precedence, except that
// an `and` inside an `or` keeps them: easier to read than to recall.
inline bool binary_operand_parens(const ast::Expr& e, size_t i) {
  Precedence lv = level(e);
  const ast::Expr& x = *e.args[i];
  bool right_assoc = lv == Precedence::Coalesce;
  bool p = i == 0 ? (right_assoc ? level(x) <= lv : level(x) < lv)
                  : (right_assoc ? level(x) < lv : level(x) <= lv);
  return p || (is_or(e) && is_and(x));
}

}  // namespace play::fmt
