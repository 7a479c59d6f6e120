// Expressions in canonical form with minimal parentheses; operators as the
// author spelt them, levels from the operator table (compiler/ast/operators.h).
#include "compiler/fmt/format.h"
#include "compiler/fmt/precedence.h"

namespace play::fmt {

namespace {

using K = ast::ExprKind;

void print(const ast::Expr& e, std::string& out);

void print_at(const ast::Expr& e, bool parens, std::string& out) {
  if (parens) out += '(';
  print(e, out);
  if (parens) out += ')';
}

void print_list(const std::vector<ast::ExprPtr>& args, size_t from, std::string& out) {
  for (size_t i = from; i < args.size(); ++i) {
    if (i > from) out += ", ";
    print(*args[i], out);
  }
}

void print(const ast::Expr& e, std::string& out) {
  switch (e.kind) {
    case K::Null:
      out += "null";
      return;
    case K::Bool:
      out += e.bool_value ? "true" : "false";
      return;
    case K::Int:
      out += e.raw.empty() ? std::to_string(e.int_value) : e.raw;
      return;
    case K::Float:
      out += e.raw.empty() ? std::to_string(e.float_value) : e.raw;
      return;
    case K::Duration:
      out += e.raw.empty() ? std::to_string(e.int_value) + "ms" : e.raw;
      return;
    case K::String:
    case K::Template:
      out += e.raw.empty() ? "\"" + e.string_value + "\"" : e.raw;
      return;
    case K::Ident:
      out += e.name;
      return;
    case K::SignalVar:
      out += "signal";
      return;
    case K::Member:
      print_at(*e.args[0], level(*e.args[0]) < Precedence::Postfix, out);
      out += "." + e.name;
      return;
    case K::Index:
      print_at(*e.args[0], level(*e.args[0]) < Precedence::Postfix, out);
      out += '[';
      print(*e.args[1], out);
      out += ']';
      return;
    case K::Method:
      print_at(*e.args[0], level(*e.args[0]) < Precedence::Postfix, out);
      out += "." + e.name + "(";
      print_list(e.args, 1, out);
      out += ')';
      return;
    case K::Call:
      out += e.name + "(";
      print_list(e.args, 0, out);
      out += ')';
      return;
    case K::List:
      out += '[';
      print_list(e.args, 0, out);
      out += ']';
      return;
    case K::Map:
      out += '{';
      for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
        if (i) out += ", ";
        print(*e.args[i], out);
        out += ": ";
        print(*e.args[i + 1], out);
      }
      out += '}';
      return;
    case K::Unary: {
      Precedence lv = level(e);
      out += e.op == ast::Operator::Not ? "not " : std::string(ast::spelling(e.op));
      print_at(*e.args[0], level(*e.args[0]) < lv, out);
      return;
    }
    case K::Binary:
      print_at(*e.args[0], binary_operand_parens(e, 0), out);
      out += " " + std::string(ast::spelling(e.op)) + " ";
      print_at(*e.args[1], binary_operand_parens(e, 1), out);
      return;
    case K::Cond:
      print_at(*e.args[0], level(*e.args[0]) <= Precedence::Cond, out);
      out += " ? ";
      print_at(*e.args[1], level(*e.args[1]) <= Precedence::Cond, out);
      out += " : ";
      print(*e.args[2], out);
      return;
  }
}

}  // namespace

std::string format_expr(const ast::Expr& e) {
  std::string out;
  print(e, out);
  return out;
}

}  // namespace play::fmt
