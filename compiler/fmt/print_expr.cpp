// Expressions in canonical form with minimal parentheses. Levels follow the
// grammar (grammar/Play.g4), low to high.
#include "compiler/fmt/format.h"

namespace play::fmt {

namespace {

using K = ast::ExprKind;

enum Level { kCond = 1, kCoalesce, kOr, kAnd, kNot, kNotIn, kCmp, kAdd, kMul, kNeg, kPostfix, kPrimary };

int level(const ast::Expr& e) {
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

bool is_or(const ast::Expr& e) { return e.kind == K::Binary && (e.name == "or" || e.name == "||"); }
bool is_and(const ast::Expr& e) { return e.kind == K::Binary && (e.name == "and" || e.name == "&&"); }

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
      print_at(*e.args[0], level(*e.args[0]) < kPostfix, out);
      out += "." + e.name;
      return;
    case K::Index:
      print_at(*e.args[0], level(*e.args[0]) < kPostfix, out);
      out += '[';
      print(*e.args[1], out);
      out += ']';
      return;
    case K::Method:
      print_at(*e.args[0], level(*e.args[0]) < kPostfix, out);
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
      int lv = level(e);
      out += e.name == "not" ? "not " : e.name;
      print_at(*e.args[0], level(*e.args[0]) < lv, out);
      return;
    }
    case K::Binary: {
      int lv = level(e);
      const ast::Expr& l = *e.args[0];
      const ast::Expr& r = *e.args[1];
      bool right_assoc = lv == kCoalesce;
      // An `and` inside an `or` keeps its parentheses: easier to read than to recall.
      bool lp = right_assoc ? level(l) <= lv : level(l) < lv;
      bool rp = right_assoc ? level(r) < lv : level(r) <= lv;
      if (is_or(e)) lp = lp || is_and(l), rp = rp || is_and(r);
      print_at(l, lp, out);
      out += " " + e.name + " ";
      print_at(r, rp, out);
      return;
    }
    case K::Cond:
      print_at(*e.args[0], level(*e.args[0]) <= kCond, out);
      out += " ? ";
      print_at(*e.args[1], level(*e.args[1]) <= kCond, out);
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
