// Operator precedence levels (grammar/Play.g4, low to high) and where the
// canonical form keeps parentheses; shared by the one-line printer and the
// line-breaking layout so both print the same tokens.
#pragma once

#include "compiler/ast/ast.h"

namespace play::fmt {

enum Level { kCond = 1, kCoalesce, kOr, kAnd, kNot, kNotIn, kCmp, kAdd, kMul, kNeg, kPostfix, kPrimary };

inline int level(const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::Cond:
      return kCond;
    case K::Unary:
      return e.name == "-" ? kNeg : kNot;
    case K::Binary: {
      const std::string& op = e.name;
      if (op == "??") return kCoalesce;
      if (op == "or" || op == "||") return kOr;
      if (op == "and" || op == "&&") return kAnd;
      if (op == "not in") return kNotIn;
      if (op == "*" || op == "/" || op == "%") return kMul;
      if (op == "+" || op == "-") return kAdd;
      return kCmp;
    }
    case K::Member:
    case K::Index:
    case K::Method:
      return kPostfix;
    default:
      return kPrimary;
  }
}

inline bool is_or(const ast::Expr& e) {
  return e.kind == ast::ExprKind::Binary && (e.name == "or" || e.name == "||");
}
inline bool is_and(const ast::Expr& e) {
  return e.kind == ast::ExprKind::Binary && (e.name == "and" || e.name == "&&");
}

// Does operand `i` of binary `e` need parentheses? Minimal from precedence, except that
// an `and` inside an `or` keeps them: easier to read than to recall.
inline bool binary_operand_parens(const ast::Expr& e, size_t i) {
  int lv = level(e);
  const ast::Expr& x = *e.args[i];
  bool right_assoc = lv == kCoalesce;
  bool p = i == 0 ? (right_assoc ? level(x) <= lv : level(x) < lv)
                  : (right_assoc ? level(x) < lv : level(x) <= lv);
  return p || (is_or(e) && is_and(x));
}

}  // namespace play::fmt
