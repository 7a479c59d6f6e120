// Precedence, spans and the shape of the AST for every construct.
#include <gtest/gtest.h>

#include "tests/syntax/syntax_testing.h"

namespace play {
namespace {

// A compact, fully parenthesized rendering of an expression, for precedence tests.
std::string show(const ast::Expr& e) {
  using K = ast::ExprKind;
  switch (e.kind) {
    case K::Ident:
      return e.name;
    case K::SignalVar:
      return "signal";
    case K::Int:
    case K::Float:
    case K::Duration:
    case K::String:
      return e.raw;
    case K::Bool:
      return e.bool_value ? "true" : "false";
    case K::Null:
      return "null";
    case K::Member:
      return show(*e.args[0]) + "." + e.name;
    case K::Index:
      return show(*e.args[0]) + "[" + show(*e.args[1]) + "]";
    case K::Unary:
      return "(" + std::string(ast::spelling(e.op)) + " " + show(*e.args[0]) + ")";
    case K::Binary:
      return "(" + show(*e.args[0]) + " " + std::string(ast::spelling(e.op)) + " " + show(*e.args[1]) + ")";
    case K::Cond:
      return "(" + show(*e.args[0]) + " ? " + show(*e.args[1]) + " : " + show(*e.args[2]) + ")";
    case K::Call:
    case K::Method: {
      std::string s = e.kind == K::Method ? show(*e.args[0]) + "." + e.name + "(" : e.name + "(";
      for (size_t i = e.kind == K::Method ? 1 : 0; i < e.args.size(); ++i)
        s += (i > (e.kind == K::Method ? 1u : 0u) ? ", " : "") + show(*e.args[i]);
      return s + ")";
    }
    case K::List: {
      std::string s = "[";
      for (size_t i = 0; i < e.args.size(); ++i) s += (i ? ", " : "") + show(*e.args[i]);
      return s + "]";
    }
    case K::Map: {
      std::string s = "{";
      for (size_t i = 0; i + 1 < e.args.size(); i += 2)
        s += (i ? ", " : "") + show(*e.args[i]) + ": " + show(*e.args[i + 1]);
      return s + "}";
    }
    case K::Template:
      return "template";
  }
  return "?";
}

std::string expr(const std::string& src) {
  SourceSet sources;
  Diagnostics diags;
  uint32_t id = sources.add("<expr>", src);
  auto e = syntax::parse_expression(sources, id, diags);
  if (!e) return "ERROR: " + testing::diag_lines(sources, diags);
  return show(*e);
}

TEST(Precedence, Table) {
  EXPECT_EQ(expr("not a == b"), "(not (a == b))");
  EXPECT_EQ(expr("a ?? b or c"), "(a ?? (b or c))");
  EXPECT_EQ(expr("x ? y : z ?? w"), "(x ? y : (z ?? w))");
  EXPECT_EQ(expr("a or b and c"), "(a or (b and c))");
  EXPECT_EQ(expr("a + b * c - d"), "((a + (b * c)) - d)");
  EXPECT_EQ(expr("-a.b * 2"), "((- a.b) * 2)");
  EXPECT_EQ(expr("a not in b and c"), "((a not in b) and c)");
  EXPECT_EQ(expr("a ?? b ?? c"), "(a ?? (b ?? c))");
  EXPECT_EQ(expr("a ? b : c ? d : e"), "(a ? b : (c ? d : e))");
  EXPECT_EQ(expr("!a && b || c"), "(((! a) && b) || c)");
  EXPECT_EQ(expr("(a or b) and c"), "((a or b) and c)");
  EXPECT_EQ(expr("now - contact.last_enrolled_at < 30d"), "((now - contact.last_enrolled_at) < 30d)");
}

TEST(Precedence, Postfix) {
  EXPECT_EQ(expr("signal.url.contains(\"x\")"), "signal.url.contains(\"x\")");
  EXPECT_EQ(expr("l.exists(v, v > 1)"), "l.exists(v, (v > 1))");
  EXPECT_EQ(expr("size(a[0])"), "size(a[0])");
  EXPECT_EQ(expr("{\"k\": [1, 2,]}"), "{\"k\": [1, 2]}");
  EXPECT_EQ(expr("signal.from"), "signal.from");  // keywords are fine after a dot
}

TEST(Precedence, TrailingJunk) {
  EXPECT_EQ(expr("a b"), "ERROR: 1:3: error[P0044]: unexpected 'b' after the end of the expression\n");
  EXPECT_EQ(expr(""), "ERROR: 1:1: error[P0030]: expected an expression\n");
}

TEST(Spans, LineAndColumn) {
  std::string src = "play p {\n  where   signal.category == \"pricing\"\n}\n";
  auto p = testing::parse(src);
  ASSERT_FALSE(p->diags.has_errors());
  const auto& item = p->ast.decls[0].play->items[0];
  EXPECT_EQ(src.substr(item.span.begin, item.span.end - item.span.begin),
            "where   signal.category == \"pricing\"");
  const auto& e = *item.expr;
  EXPECT_EQ(src.substr(e.span.begin, e.span.end - e.span.begin), "signal.category == \"pricing\"");
  LineCol lc = p->sources.file(p->file).line_col(e.args[0]->name_span.begin);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.col, 18u);
}

TEST(Spans, NonAsciiBeforeToken) {
  std::string src = "const s = \"héllo\" + bad\n";
  auto p = testing::parse(src);
  const auto& e = *p->ast.decls[0].value->value;
  EXPECT_EQ(src.substr(e.args[1]->span.begin, 3), "bad");  // byte offsets, not code points
}

TEST(Ast, LanguageSection5Play) {
  auto p = testing::parse(R"(play pricing_visit_enterprise {
  owner    "revops@acme.com"
  priority high
  on website.page_viewed
  where signal.category == "pricing"
  where icp enterprise
  unless account.tier == "strategic" as "strategic accounts are hand-run"
  unless suppressed
  unless fired within 4h per account
  let rep = account.owner ?? round_robin(ent_sdrs)
  do enroll(sequence: "ent-pricing-followup", rep: rep)
}
)");
  ASSERT_FALSE(p->diags.has_errors()) << testing::diag_lines(p->sources, p->diags);
  const auto& items = p->ast.decls[0].play->items;
  using K = ast::PlayItemKind;
  std::vector<K> kinds;
  for (const auto& i : items) kinds.push_back(i.kind);
  EXPECT_EQ(kinds, (std::vector<K>{K::Meta, K::Meta, K::On, K::Where, K::WhereIcp, K::Unless,
                                   K::UnlessSuppressed, K::UnlessFired, K::Let, K::Do}));
  EXPECT_EQ(items[1].expr->name, "high");
  EXPECT_EQ(items[2].on.signals[0].name, "website.page_viewed");
  EXPECT_EQ(items[4].name, "enterprise");
  EXPECT_EQ(items[5].reason, "strategic accounts are hand-run");
  EXPECT_EQ(items[7].within_ms, 4 * 3'600'000);
  EXPECT_EQ(items[7].per, ast::Per::Account);
  EXPECT_EQ(items[9].args.size(), 2u);
  EXPECT_EQ(items[9].args[1].name, "rep");
}

TEST(Ast, TestsAndTemporal) {
  auto p = testing::parse(R"(test "t" {
  given account { domain: "a.com", employees: 10 }
  signal website.page_viewed at 5m { category: "pricing" }
  expect p do enroll(sequence: "s") times 2
  expect p outcome suppressed "dnc" on "evt_1"
  expect nothing else
}
play q {
  on count(website.page_viewed where signal.category == "pricing") >= 3 within 48h per account
}
score intent per account half_life 7d {
  review_site.compared => 15
}
)");
  ASSERT_FALSE(p->diags.has_errors()) << testing::diag_lines(p->sources, p->diags);
  const auto& t = *p->ast.decls[0].test;
  EXPECT_EQ(t.items[1].at_ms, 300'000);
  EXPECT_EQ(t.items[2].times, 2);
  EXPECT_TRUE(t.items[3].has_reason);
  EXPECT_EQ(t.items[3].signal_id, "evt_1");
  const auto& on = p->ast.decls[1].play->items[0].on;
  EXPECT_EQ(on.kind, ast::OnKind::Count);
  EXPECT_EQ(on.cmp_op, ">=");
  EXPECT_EQ(on.window_ms, 48 * 3'600'000LL);
  EXPECT_EQ(on.per, "account");
  EXPECT_EQ(p->ast.decls[2].score->half_life_ms, 7 * 86'400'000LL);
}

TEST(Comments, CollectedWithOwnLine) {
  auto p = testing::parse("// head\nconst a = 1 // trailing\n/* block */ const b = 2\n");
  ASSERT_EQ(p->ast.comments.size(), 3u);
  EXPECT_TRUE(p->ast.comments[0].own_line);
  EXPECT_FALSE(p->ast.comments[1].own_line);
  EXPECT_EQ(p->ast.comments[1].text, "// trailing");
  EXPECT_TRUE(p->ast.comments[2].own_line);
}

// A construct SLL cannot decide alone must still parse (stage two, full LL), with no errors.
TEST(TwoStage, SllFallbackParsesCleanly) {
  auto p = testing::parse("play p {\n  unless fired as \"x\"\n  unless fired within 4h\n}\n");
  EXPECT_FALSE(p->diags.has_errors()) << testing::diag_lines(p->sources, p->diags);
  ASSERT_EQ(p->ast.decls[0].play->items.size(), 2u);
  EXPECT_EQ(p->ast.decls[0].play->items[0].kind, ast::PlayItemKind::Unless);
  EXPECT_EQ(p->ast.decls[0].play->items[1].kind, ast::PlayItemKind::UnlessFired);
}

}  // namespace
}  // namespace play
