// The operators of the expression language (LANGUAGE.md section 3), in one
// table (operators.cpp) giving each its spelling, precedence and meaning.
// The parser maps tokens to them; the checker and codegen switch on what
// they mean; fmt prints their spelling and places parentheses by their
// precedence. Nothing else compares operator text.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace play::ast {

// Precedence levels, low to high: grammar/Play.g4's `expr` alternatives read
// bottom up. Cond, Postfix (member, index, method call) and Primary are not
// operators but sit on the same scale, so fmt compares any two expressions.
enum class Precedence : uint8_t {
  Cond = 1,
  Coalesce,
  Or,
  And,
  Not,
  NotIn,
  Cmp,
  Add,
  Mul,
  Neg,
  Postfix,
  Primary
};

// One enumerator per spelling: `and` and `&&` mean the same, but fmt prints
// what the author wrote and diagnostics quote it, so the AST keeps which.
enum class Operator : uint8_t {
  // unary
  Neg,   // -
  Not,   // not
  Bang,  // !
  // binary
  Mul,
  Div,
  Mod,
  Add,
  Sub,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  In,
  NotIn,
  And,     // and
  AndAnd,  // &&
  Or,      // or
  OrOr,    // ||
  Coalesce,
  kCount
};

// What an operator does; spellings of one operator share it.
enum class OpMeaning : uint8_t {
  Negate,      // -x
  LogicalNot,  // not x, !x
  Arithmetic,  // * / % + -
  Equality,    // == !=
  Ordering,    // < <= > >=
  Membership,  // in, not in
  LogicalAnd,  // and, &&
  LogicalOr,   // or, ||
  Coalesce,    // ??
};

struct OperatorInfo {
  Operator op;
  std::string_view spelling;
  bool unary;
  Precedence precedence;
  OpMeaning meaning;
};

const OperatorInfo& operator_info(Operator op);  // op < Operator::kCount
inline std::string_view spelling(Operator op) { return operator_info(op).spelling; }
inline Precedence precedence(Operator op) { return operator_info(op).precedence; }
inline OpMeaning meaning(Operator op) { return operator_info(op).meaning; }

// The operator spelled `text` (as the lexer gives it; "not in" with one
// space), or nullopt.
std::optional<Operator> unary_operator(std::string_view text);
std::optional<Operator> binary_operator(std::string_view text);

}  // namespace play::ast
