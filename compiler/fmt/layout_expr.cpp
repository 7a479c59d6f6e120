// Expressions broken over lines when they do not fit (rules in format.h): an
// and/or chain breaks before each of its top-level operators, continuation lines
// aligned under the first operand (so does a `??` chain, and `c ? a : b` puts
// `: b` under the `?`); list, map and call arguments break like any
// bracketed sequence; everything else stays on one line.
#include "compiler/fmt/format.h"
#include "compiler/fmt/layout.h"
#include "compiler/fmt/precedence.h"

namespace play::fmt {

namespace {

using K = ast::ExprKind;

std::string wrap(const ast::Expr& e, bool parens, size_t column, size_t reserve, size_t indent) {
  if (!parens) return layout_expr(e, column, reserve, indent);
  return "(" + layout_expr(e, column + 1, reserve + 1, indent) + ")";
}

Part expr_part(const ast::Expr& e, const std::string& label = "") {
  return {label + format_expr(e), [&e, label](size_t column, size_t reserve, size_t indent) {
            return label + layout_expr(e, column + label.size(), reserve, indent);
          }};
}

// `a and b and c` is ((a and b) and c): the chain's operator nodes, leftmost first.
std::vector<const ast::Expr*> chain(const ast::Expr& e) {
  std::vector<const ast::Expr*> nodes{&e};
  for (;;) {
    const ast::Expr& n = *nodes.back();
    const ast::Expr& left = *n.args[0];
    if (left.kind != K::Binary || level(left) != level(e) || binary_operand_parens(n, 0)) break;
    nodes.push_back(&left);
  }
  return {nodes.rbegin(), nodes.rend()};
}

// `a ?? b ?? c` is (a ?? (b ?? c)): its operator nodes, leftmost first.
std::vector<const ast::Expr*> coalesce_chain(const ast::Expr& e) {
  std::vector<const ast::Expr*> nodes{&e};
  for (;;) {
    const ast::Expr& n = *nodes.back();
    const ast::Expr& right = *n.args[1];
    if (right.kind != K::Binary || level(right) != Precedence::Coalesce || binary_operand_parens(n, 1)) break;
    nodes.push_back(&right);
  }
  return nodes;
}

// Breaks before each operator of the chain, operators under the first operand.
// A chain that starts a line (a suppress rule, a list element) puts its operators 4 deeper
// instead, so they do not read as the next item.
std::string broken_chain(const std::vector<const ast::Expr*>& nodes, bool right_nested, size_t column,
                         size_t reserve, size_t indent) {
  size_t first_column = column;
  if (column == indent) column += 4;
  const ast::Expr& first = *nodes[0];
  std::string s = wrap(*first.args[0], binary_operand_parens(first, 0), first_column, 0, first_column);
  for (size_t i = 0; i < nodes.size(); ++i) {
    const ast::Expr& node = *nodes[i];
    const std::string op(ast::spelling(node.op));
    bool last = i + 1 == nodes.size();
    // In a right-nested chain the last node's right operand ends it; the others continue in the next node.
    if (right_nested && !last) {
      s += "\n" + std::string(column, ' ') + op + " " +
           wrap(*nodes[i + 1]->args[0], binary_operand_parens(*nodes[i + 1], 0), column + op.size() + 1, 0,
                column);
      continue;
    }
    size_t at = column + op.size() + 1;
    s += "\n" + std::string(column, ' ') + op + " " +
         wrap(*node.args[1], binary_operand_parens(node, 1), at, last ? reserve : 0, column);
  }
  return s;
}

// `c ? a : b` that does not fit: `: b` goes under the `?`.
std::string conditional(const ast::Expr& e, size_t column, size_t reserve, size_t indent) {
  std::string s = wrap(*e.args[0], level(*e.args[0]) <= Precedence::Cond, column, 0, indent) + " ? ";
  size_t question = end_column(s, column) - 2;
  s += wrap(*e.args[1], level(*e.args[1]) <= Precedence::Cond, question + 2, 0, indent);
  return s + "\n" + std::string(question, ' ') + ": " +
         layout_expr(*e.args[2], question + 2, reserve, indent);
}

std::string and_or(const ast::Expr& e, size_t column, size_t reserve, size_t indent) {
  return broken_chain(chain(e), false, column, reserve, indent);
}

}  // namespace

std::string layout_expr(const ast::Expr& e, size_t column, size_t reserve, size_t indent) {
  std::string flat = format_expr(e);
  if (fits(flat, column, reserve)) return flat;
  switch (e.kind) {
    case K::Binary: {
      if (is_and(e) || is_or(e)) return and_or(e, column, reserve, indent);
      if (level(e) == Precedence::Coalesce)
        return broken_chain(coalesce_chain(e), true, column, reserve, indent);
      // Other operators stay on the line; only their operands may break (`x in [...]`).
      std::string l = wrap(*e.args[0], binary_operand_parens(e, 0), column, 0, indent) + " " +
                      std::string(ast::spelling(e.op)) + " ";
      return l + wrap(*e.args[1], binary_operand_parens(e, 1), end_column(l, column), reserve, indent);
    }
    case K::List: {
      std::vector<Part> parts;
      for (const auto& a : e.args) parts.push_back(expr_part(*a));
      return layout_seq("", "[", "]", parts, column, reserve, indent);
    }
    case K::Map: {
      std::vector<Part> parts;
      for (size_t i = 0; i + 1 < e.args.size(); i += 2)
        parts.push_back(expr_part(*e.args[i + 1], format_expr(*e.args[i]) + ": "));
      return layout_seq("", "{", "}", parts, column, reserve, indent);
    }
    case K::Call: {
      std::vector<Part> parts;
      for (const auto& a : e.args) parts.push_back(expr_part(*a));
      return layout_seq(e.name, "(", ")", parts, column, reserve, indent);
    }
    case K::Cond:
      return conditional(e, column, reserve, indent);
    default:
      return flat;
  }
}

}  // namespace play::fmt
