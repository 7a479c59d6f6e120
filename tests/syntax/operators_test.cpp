// The operator table (compiler/ast/operators.h): every spelling parses to its
// operator and prints back as written, and the table's precedence levels are
// the grammar's (a disagreement would make fmt drop parentheses that matter).
#include "compiler/ast/operators.h"

#include <gtest/gtest.h>

#include "compiler/fmt/format.h"
#include "tests/syntax/syntax_testing.h"

namespace play {
namespace {

using ast::Operator;

std::vector<Operator> all_operators() {
  std::vector<Operator> ops;
  for (size_t i = 0; i < static_cast<size_t>(Operator::kCount); ++i) ops.push_back(static_cast<Operator>(i));
  return ops;
}

// The expression of `const x = <src>`.
const ast::Expr& value_of(const testing::Parsed& p) { return *p.ast.decls.at(0).value->value; }

std::string source_with(const ast::OperatorInfo& info) {
  std::string op(info.spelling);
  return info.unary ? "const x = " + op + (op == "not" ? " a" : "a") + "\n" : "const x = a " + op + " b\n";
}

TEST(Operators, EverySpellingParsesToItsOperatorAndPrintsBackAsWritten) {
  for (Operator op : all_operators()) {
    const auto& info = ast::operator_info(op);
    ASSERT_EQ(info.op, op);
    std::string src = source_with(info);
    auto p = testing::parse(src);
    ASSERT_FALSE(p->diags.has_errors()) << src << testing::diag_lines(p->sources, p->diags);
    const ast::Expr& e = value_of(*p);
    EXPECT_EQ(e.kind, info.unary ? ast::ExprKind::Unary : ast::ExprKind::Binary) << src;
    EXPECT_EQ(e.op, op) << src;
    EXPECT_EQ(fmt::format_file(p->sources, p->ast), src);
    auto lookup = info.unary ? ast::unary_operator(info.spelling) : ast::binary_operator(info.spelling);
    EXPECT_EQ(lookup, std::optional<Operator>(op)) << info.spelling;
  }
  EXPECT_EQ(ast::binary_operator("=>"), std::nullopt);
}

// For binary operators p and q of different precedence, `a p b q c` and
// `a q b p c` both parse with the looser one at the root, and fmt keeps the
// tree without parentheses.
TEST(Operators, PrecedenceAgreesWithTheGrammar) {
  int pairs = 0;
  for (Operator p : all_operators())
    for (Operator q : all_operators()) {
      const auto &lo = ast::operator_info(p), &hi = ast::operator_info(q);
      if (lo.unary || hi.unary || !(lo.precedence < hi.precedence)) continue;
      for (bool low_first : {true, false}) {
        std::string a(lo.spelling), b(hi.spelling);
        std::string src =
            low_first ? "const x = a " + a + " b " + b + " c\n" : "const x = a " + b + " b " + a + " c\n";
        auto parsed = testing::parse(src);
        ASSERT_FALSE(parsed->diags.has_errors()) << src;
        const ast::Expr& root = value_of(*parsed);
        ASSERT_EQ(root.kind, ast::ExprKind::Binary) << src;
        EXPECT_EQ(root.op, p) << src;
        const ast::Expr& inner = *root.args[low_first ? 1 : 0];
        EXPECT_EQ(inner.op, q) << src;
        // `and` inside `or` keeps its parentheses (fmt's one exception, for reading).
        bool kept =
            ast::meaning(p) == ast::OpMeaning::LogicalOr && ast::meaning(q) == ast::OpMeaning::LogicalAnd;
        if (!kept) {
          EXPECT_EQ(fmt::format_file(parsed->sources, parsed->ast), src);
        }
        ++pairs;
      }
    }
  EXPECT_GT(pairs, 100);
}

// Unary operators bind as the table says: `-` above `*`, `not` below `==`.
TEST(Operators, UnaryPrecedence) {
  auto neg = testing::parse("const x = -a * b\n");
  EXPECT_EQ(value_of(*neg).op, Operator::Mul);
  EXPECT_EQ(value_of(*neg).args[0]->op, Operator::Neg);
  auto no = testing::parse("const x = not a == b\n");
  EXPECT_EQ(value_of(*no).op, Operator::Not);
  EXPECT_EQ(value_of(*no).args[0]->op, Operator::Eq);
  EXPECT_LT(ast::precedence(Operator::Not), ast::precedence(Operator::Eq));
  EXPECT_GT(ast::precedence(Operator::Neg), ast::precedence(Operator::Mul));
}

}  // namespace
}  // namespace play
