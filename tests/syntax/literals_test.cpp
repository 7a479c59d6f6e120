// Literal decoding: strings and escapes, numbers, durations, templates.
#include <gtest/gtest.h>

#include "tests/syntax/syntax_testing.h"

namespace play {
namespace {

using ast::ExprKind;

// Parses `const x = SRC` and returns the value expression (fails the test on errors).
struct One {
  std::unique_ptr<testing::Parsed> p;
  const ast::Expr& e() const { return *p->ast.decls.at(0).value->value; }
};
One value(const std::string& src) {
  One o{testing::parse("const x = " + src + "\n")};
  EXPECT_FALSE(o.p->diags.has_errors()) << testing::diag_lines(o.p->sources, o.p->diags);
  return o;
}

TEST(Literals, StringEscapes) {
  EXPECT_EQ(value(R"("a\"b\\c\nd\te\rf")").e().string_value, "a\"b\\c\nd\te\rf");
  EXPECT_EQ(value(R"('it\'s')").e().string_value, "it's");
  EXPECT_EQ(value(R"("\u{1F600}")").e().string_value, "\xF0\x9F\x98\x80");
  EXPECT_EQ(value(R"("\u00e9\x41")").e().string_value,
            "\xC3\xA9"
            "A");
  EXPECT_EQ(value(R"(r"a\nb")").e().string_value, "a\\nb");
  EXPECT_EQ(value("\"\"\"multi\nline\"\"\"").e().string_value, "multi\nline");
  EXPECT_EQ(value("'''x'y'''").e().string_value, "x'y");
  EXPECT_EQ(value(R"("")").e().string_value, "");
  auto o = value(R"('single')");
  EXPECT_EQ(o.e().raw, "'single'");  // the spelling is kept for the formatter
}

TEST(Literals, Numbers) {
  EXPECT_EQ(value("42").e().int_value, 42);
  EXPECT_EQ(value("0x2A").e().int_value, 42);
  EXPECT_EQ(value("9223372036854775807").e().int_value, INT64_MAX);
  EXPECT_EQ(value("4.5").e().float_value, 4.5);
  EXPECT_EQ(value("1e6").e().float_value, 1e6);
  EXPECT_EQ(value("1e6").e().kind, ExprKind::Float);
  EXPECT_EQ(value("0x2A").e().raw, "0x2A");
}

TEST(Literals, Durations) {
  EXPECT_EQ(value("30s").e().int_value, 30'000);
  EXPECT_EQ(value("250ms").e().int_value, 250);
  EXPECT_EQ(value("15m").e().int_value, 900'000);
  EXPECT_EQ(value("4h").e().int_value, 4 * 3'600'000);
  EXPECT_EQ(value("7d").e().int_value, 7 * 86'400'000LL);
  EXPECT_EQ(value("2w").e().int_value, 14 * 86'400'000LL);
  EXPECT_EQ(value("1h30m").e().int_value, 5'400'000);
  EXPECT_EQ(value("1h30m").e().kind, ExprKind::Duration);
  EXPECT_EQ(value("1h30m").e().raw, "1h30m");
}

TEST(Literals, Errors) {
  auto p = testing::parse("const a = 9223372036854775808\nconst b = \"\\q\"\nconst c = \"\\u{D800}\"\n");
  EXPECT_EQ(testing::diag_lines(p->sources, p->diags),
            "1:11: error[P0015]: integer 9223372036854775808 is too large (an int is 64-bit: at most "
            "9223372036854775807)\n"
            "2:12: error[P0014]: unknown escape '\\q' in a string; the escapes are \\\" \\' \\\\ \\n \\t \\r "
            "\\u{…}; write '\\\\' for a backslash\n"
            "3:12: error[P0017]: invalid unicode escape: write \\u{…} with 1 to 6 hex digits naming a code "
            "point\n");
}

const ast::Expr& arg(const testing::Parsed& p, size_t item, size_t a) {
  return *p.ast.decls.at(0).play->items.at(item).args.at(a).value;
}

TEST(Templates, PartsAndSpans) {
  std::string src =
      "play p {\n  do notify(channel: \"#c\", text: \"{contact.name} at {{x}} {account.name ?? 'n'}!\")\n}\n";
  auto p = testing::parse(src);
  ASSERT_FALSE(p->diags.has_errors()) << testing::diag_lines(p->sources, p->diags);
  EXPECT_EQ(arg(*p, 0, 0).kind, ExprKind::String);  // no {expr}: stays a string
  const auto& t = arg(*p, 0, 1);
  ASSERT_EQ(t.kind, ExprKind::Template);
  ASSERT_EQ(t.parts.size(), 4u);
  EXPECT_TRUE(t.parts[0].is_expr);
  EXPECT_EQ(t.parts[0].expr->kind, ExprKind::Member);
  EXPECT_EQ(t.parts[1].text, " at {x} ");
  EXPECT_TRUE(t.parts[2].is_expr);
  EXPECT_EQ(t.parts[2].expr->op, ast::Operator::Coalesce);
  EXPECT_EQ(t.parts[3].text, "!");
  // The inner expression's span points into the file.
  const auto& m = *t.parts[0].expr;
  EXPECT_EQ(src.substr(m.span.begin, m.span.end - m.span.begin), "contact.name");
  EXPECT_EQ(src.substr(m.name_span.begin, m.name_span.end - m.name_span.begin), "name");
}

TEST(Templates, InsideMapOfWebhookBody) {
  auto p = testing::parse("play p {\n  do webhook(sink: \"s\", body: {\"who\": \"{contact.email}\"})\n}\n");
  ASSERT_FALSE(p->diags.has_errors());
  const auto& body = arg(*p, 0, 1);
  ASSERT_EQ(body.kind, ExprKind::Map);
  EXPECT_EQ(body.args[0]->kind, ExprKind::String);  // key: no {expr}
  EXPECT_EQ(body.args[1]->kind, ExprKind::Template);
}

TEST(Templates, NotOutsideActions) {
  auto p =
      testing::parse("play p {\n  title \"{x}\"\n}\ntest \"t\" {\n  expect p do notify(text: \"{x}\")\n}\n");
  ASSERT_FALSE(p->diags.has_errors());
  EXPECT_EQ(p->ast.decls[0].play->items[0].expr->kind, ExprKind::String);
  EXPECT_EQ(p->ast.decls[1].test->items[0].args[0].value->kind, ExprKind::String);
  EXPECT_EQ(p->ast.decls[1].test->items[0].args[0].value->string_value, "{x}");
}

TEST(Templates, BraceEscapesInPlainString) {
  auto p = testing::parse("play p {\n  do notify(channel: \"a{{b}}\", text: \"t\")\n}\n");
  ASSERT_FALSE(p->diags.has_errors());
  EXPECT_EQ(arg(*p, 0, 0).string_value, "a{b}");
}

}  // namespace
}  // namespace play
