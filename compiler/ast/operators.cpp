#include "compiler/ast/operators.h"

#include <iterator>

namespace play::ast {

namespace {

using O = Operator;
using P = Precedence;
using M = OpMeaning;

// In enum order (checked below), so a lookup is an index.
// clang-format off
constexpr OperatorInfo kOperators[] = {
    // op           spelling  unary  precedence   meaning
    {O::Neg,      "-",      true,  P::Neg,      M::Negate},
    {O::Not,      "not",    true,  P::Not,      M::LogicalNot},
    {O::Bang,     "!",      true,  P::Not,      M::LogicalNot},
    {O::Mul,      "*",      false, P::Mul,      M::Arithmetic},
    {O::Div,      "/",      false, P::Mul,      M::Arithmetic},
    {O::Mod,      "%",      false, P::Mul,      M::Arithmetic},
    {O::Add,      "+",      false, P::Add,      M::Arithmetic},
    {O::Sub,      "-",      false, P::Add,      M::Arithmetic},
    {O::Eq,       "==",     false, P::Cmp,      M::Equality},
    {O::Ne,       "!=",     false, P::Cmp,      M::Equality},
    {O::Lt,       "<",      false, P::Cmp,      M::Ordering},
    {O::Le,       "<=",     false, P::Cmp,      M::Ordering},
    {O::Gt,       ">",      false, P::Cmp,      M::Ordering},
    {O::Ge,       ">=",     false, P::Cmp,      M::Ordering},
    {O::In,       "in",     false, P::Cmp,      M::Membership},
    {O::NotIn,    "not in", false, P::NotIn,    M::Membership},
    {O::And,      "and",    false, P::And,      M::LogicalAnd},
    {O::AndAnd,   "&&",     false, P::And,      M::LogicalAnd},
    {O::Or,       "or",     false, P::Or,       M::LogicalOr},
    {O::OrOr,     "||",     false, P::Or,       M::LogicalOr},
    {O::Coalesce, "??",     false, P::Coalesce, M::Coalesce},
};
// clang-format on
static_assert(std::size(kOperators) == static_cast<size_t>(O::kCount), "one row per operator");

constexpr bool in_enum_order() {
  for (size_t i = 0; i < std::size(kOperators); ++i)
    if (static_cast<size_t>(kOperators[i].op) != i) return false;
  return true;
}
static_assert(in_enum_order(), "rows in enum order");

std::optional<Operator> find(std::string_view text, bool unary) {
  for (const auto& info : kOperators)
    if (info.unary == unary && info.spelling == text) return info.op;
  return std::nullopt;
}

}  // namespace

const OperatorInfo& operator_info(Operator op) { return kOperators[static_cast<size_t>(op)]; }

std::optional<Operator> unary_operator(std::string_view text) { return find(text, true); }
std::optional<Operator> binary_operator(std::string_view text) { return find(text, false); }

}  // namespace play::ast
