// Types of expressions (LANGUAGE.md sections 2-3) and the annotations
// codegen reads (type, ref, index).
#include <gtest/gtest.h>

#include "tests/sema/harness.h"

namespace play::sema::testing {
namespace {

// One play on website.page_viewed whose `let v = EXPR` is used by a notify.
std::unique_ptr<Checked> with_let(const std::string& expr, const std::string& prelude = "") {
  return check_source(prelude +
                      play_src("p", "website.page_viewed",
                               "  let v = " + expr + "\n  do notify(channel: \"#c\", text: \"{v}\")"));
}

std::string type_of(const Checked& c, const std::string& text) {
  const ast::Expr* e = find_expr(c, "p", text);
  if (!e) return "<not found>";
  return e->type ? e->type->str() : "<unset>";
}

struct Case {
  const char* expr;
  const char* type;
};

TEST(Types, ExpressionTypes) {
  const Case cases[] = {
      {"signal.category", "string?"},
      {"signal.url", "string"},
      {"signal.occurred_at", "timestamp"},
      {"signal.source", "string?"},
      {"account.employees", "int?"},
      {"account.employees + 1.5", "float?"},
      {"1 + 2", "int"},
      {"1 + 2.0", "float"},
      {"7 / 2", "int"},
      {"\"a\" + \"b\"", "string"},
      {"[1] + [2, 3]", "list<int>"},
      {"[1, 2.5]", "list<float>"},
      {"[1, \"a\"]", "list<dyn>"},
      {"{\"a\": 1}", "map<string, int>"},
      {"now - signal.occurred_at", "duration"},
      {"now + 4h", "timestamp"},
      {"now - 1d", "timestamp"},
      {"2 * 4h", "duration"},
      {"4h / 2", "duration"},
      {"4h / 1h", "float"},
      {"account.owner ?? \"x\"", "string"},
      {"account.owner ?? signal.category", "string?"},
      {"account.employees > 5 ? \"big\" : \"small\"", "string"},
      {"account.employees > 5 ? 1 : null", "int?"},
      {"signal.url.contains(\"x\")", "bool"},
      {"signal.category.lower()", "string?"},
      {"size(signal.url)", "int"},
      {"signal.url.size()", "int"},
      {"int(\"5\")", "int"},
      {"double(2)", "float"},
      {"string(account.employees)", "string?"},
      {"timestamp(\"2026-06-21T10:00:00Z\")", "timestamp"},
      {"duration(\"1h30m\")", "duration"},
      {"has(signal.category)", "bool"},
      {"account.tech_stack.exists(t, t == \"segment\")", "bool"},
      {"account.tech_stack.filter(t, t.startsWith(\"s\"))", "list<string>?"},
      {"[1, 2].map(x, x * 2.0)", "list<float>"},
      {"{\"a\": 1}.all(k, k.size() == 1)", "bool"},
      {"\"segment\" in account.tech_stack", "bool"},
      {"\"a\" in {\"a\": 1}", "bool"},
      {"account.employees >= 10 and contact.do_not_contact", "bool?"},
      {"not contact.do_not_contact", "bool?"},
      {"[1, 2][0]", "int?"},
      {"-4h", "duration"},
      // CEL forms the conformance suite exercises (tests/cel).
      {"dyn(1)", "dyn"},
      {"false < true", "bool"},
      {"[1] == [1.0]", "bool"},
      {"timestamp(1000000000)", "timestamp"},
      {"duration(duration(\"4h\"))", "duration"},
      {"-9223372036854775808", "int"},
  };
  for (const auto& k : cases) {
    auto c = with_let(k.expr);
    EXPECT_EQ(c->diags.error_count(), 0u) << k.expr << "\n" << c->dump();
    EXPECT_EQ(type_of(*c, k.expr), k.type) << k.expr;
  }
}

struct Bad {
  const char* expr;
  const char* code;
};

TEST(Types, TypeErrors) {
  const Bad cases[] = {
      {"now + now", "P0213"},
      {"\"a\" - \"b\"", "P0213"},
      {"1 + \"a\"", "P0213"},
      {"5 % 2.0", "P0213"},
      {"null + 1", "P0213"},
      {"signal.url == 5", "P0211"},
      {"signal.url < 4h", "P0211"},
      {"5 in [\"a\"]", "P0212"},
      {"5 in {\"a\": 1}", "P0212"},
      {"\"a\" in \"abc\"", "P0212"},
      {"1 and true", "P0209"},
      {"not 5", "P0208"},
      {"-\"a\"", "P0208"},
      {"account.owner ?? 5", "P0210"},
      {"true ? 1 : \"a\"", "P0210"},
      {"5 ? 1 : 2", "P0201"},
      {"signal.url.foo", "P0206"},
      {"signal.url[0]", "P0207"},
      {"[1][\"a\"]", "P0207"},
      {"{1: 2}", "P0215"},
      {"size(5)", "P0220"},
      {"size(1, 2)", "P0219"},
      {"sise(signal.url)", "P0117"},
      {"contains(signal.url)", "P0117"},
      {"signal.url.contain(\"a\")", "P0118"},
      {"signal.url.lower(1)", "P0219"},
      {"account.employees.contains(\"a\")", "P0220"},
      {"signal.url.matches(\"a(b\")", "P0223"},
      {"timestamp(\"yesterday\")", "P0216"},
      {"duration(\"4 hours\")", "P0216"},
      {"has(signal)", "P0217"},
      {"round_robin(\"sam@acme.com\")", "P0218"},
      {"signal.url.exists(c, c == \"a\")", "P0221"},
      {"[1].exists(1, true)", "P0222"},
      {"[1].filter(x, x + 1)", "P0201"},
  };
  for (const auto& k : cases) {
    auto c = with_let(k.expr);
    ASSERT_TRUE(c->has(k.code)) << k.expr << " should give " << k.code << "\n" << c->dump();
    EXPECT_EQ(c->diags.error_count(), 1u) << k.expr << ": one error, no cascade\n" << c->dump();
  }
}

TEST(Types, ErrorMessagesNameTypesAndSuggest) {
  auto c = with_let("signal.url.startswith(\"x\")");
  const Diagnostic* d = c->first("P0118");
  ASSERT_NE(d, nullptr) << c->dump();
  EXPECT_EQ(d->message, "unknown method 'startswith' on a string; did you mean 'startsWith'?");
  EXPECT_EQ(c->text_at(*d), "startswith");

  auto r = with_let("signal.url.matches(\"(unclosed\")");
  d = r->first("P0223");
  ASSERT_NE(d, nullptr) << r->dump();
  EXPECT_NE(d->message.find("missing )"), std::string::npos) << d->message;
}

TEST(Types, RegexFromConstIsValidated) {
  auto c = with_let("signal.url.matches(pattern)", "const pattern = \"[a-\"\n");
  EXPECT_TRUE(c->has("P0223")) << c->dump();
}

TEST(Types, AllErrorsAreReported) {
  auto c = check_source(play_src("p", "website.page_viewed",
                                 "  where signal.categroy == \"x\"\n  where account.employes > 1\n"
                                 "  where nosuch\n  do notify(channel: \"#c\", text: \"x\")"));
  EXPECT_EQ(c->diags.error_count(), 3u) << c->dump();
}

TEST(Types, Annotations) {
  auto c = with_let("signal.category == \"x\" and account.employees > limit and [1, 2].exists(n, n > 1)",
                    "const limit = 5\n");
  ASSERT_EQ(c->diags.error_count(), 0u) << c->dump();
  const ast::Expr* cat = find_expr(*c, "p", "signal.category");
  ASSERT_NE(cat, nullptr);
  EXPECT_EQ(cat->ref, ast::RefKind::SignalField);
  EXPECT_EQ(cat->index, kEnvelopeCount + c->project.signals["website.page_viewed"].find("category"));
  EXPECT_EQ(cat->args[0]->ref, ast::RefKind::SignalVar);
  const ast::Expr* occurred = nullptr;
  (void)occurred;
  const ast::Expr* emp = find_expr(*c, "p", "account.employees");
  ASSERT_NE(emp, nullptr);
  EXPECT_EQ(emp->ref, ast::RefKind::AccountField);
  EXPECT_EQ(emp->index, c->project.account.find("employees"));
  const ast::Expr* lim = find_expr(*c, "p", "limit");
  ASSERT_NE(lim, nullptr);
  EXPECT_EQ(lim->ref, ast::RefKind::Const);
  EXPECT_EQ(c->project.values[lim->index].name, "limit");
  const ast::Expr* n = find_expr(*c, "p", "n > 1");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->args[0]->ref, ast::RefKind::MacroVar);
  EXPECT_EQ(n->args[0]->index, 0);
  const ast::Expr* v = find_expr(*c, "p", "v");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->ref, ast::RefKind::Let);
  EXPECT_EQ(v->index, 0);
}

TEST(Types, EnvelopeFieldIndexes) {
  auto c = with_let("signal.received_at");
  const ast::Expr* e = find_expr(*c, "p", "signal.received_at");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->ref, ast::RefKind::SignalField);
  EXPECT_EQ(e->index, envelope_find("received_at"));
  EXPECT_EQ(e->type->str(), "timestamp?");
}

// The envelope's keys are readable (issue 11.5); a property of the same name
// (crm.contact_updated's `account`: the contact's new account) wins over the key.
TEST(Types, EnvelopeKeysAccountAndContact) {
  auto c = with_let("signal.account + signal.contact");
  ASSERT_EQ(c->diags.error_count(), 0u) << c->dump();
  const ast::Expr* a = find_expr(*c, "p", "signal.account");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->index, envelope_find("account"));
  EXPECT_EQ(a->type->str(), "string?");
  const ast::Expr* k = find_expr(*c, "p", "signal.contact");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->index, envelope_find("contact"));

  auto u = check_source(play_src("p", "crm.contact_updated",
                                 "  let v = signal.account\n  do notify(channel: \"#c\", text: \"{v}\")"));
  ASSERT_EQ(u->diags.error_count(), 0u) << u->dump();
  const ast::Expr* prop = find_expr(*u, "p", "signal.account");
  ASSERT_NE(prop, nullptr);
  EXPECT_GE(prop->index, kEnvelopeCount);  // the property's slot, not the envelope key
}

TEST(Types, RoundRobinTakesAPool) {
  auto c = with_let("account.owner ?? round_robin(sdrs)", "pool sdrs = [\"a@x.com\"]\n");
  ASSERT_EQ(c->diags.error_count(), 0u) << c->dump();
  EXPECT_EQ(type_of(*c, "account.owner ?? round_robin(sdrs)"), "string");
  const ast::Expr* rr = find_expr(*c, "p", "round_robin(sdrs)");
  ASSERT_NE(rr, nullptr);
  EXPECT_EQ(rr->args[0]->ref, ast::RefKind::Pool);

  auto bad = with_let("sdrs", "pool sdrs = [\"a@x.com\"]\n");
  EXPECT_TRUE(bad->has("P0119")) << bad->dump();
}

TEST(Types, ValueDeclarationsAreChecked) {
  EXPECT_TRUE(check_source("list l = 5\n")->has("P0204"));
  EXPECT_TRUE(check_source("pool p = [1, 2]\n")->has("P0205"));
  EXPECT_TRUE(check_source("const c = account.employees\n")->has("P0113"));
  EXPECT_TRUE(check_source("icp i = account.employees\n")->has("P0201"));
  EXPECT_TRUE(check_source("icp i = signal.url == \"x\"\n")->has("P0113"));
}

}  // namespace
}  // namespace play::sema::testing

namespace play::sema::testing {
namespace {

// For `on any of`, a property has a slot index only if every listed type
// keeps it in the same slot; otherwise codegen looks it up by name.
TEST(Types, AnyOfSlotIndexes) {
  auto c = check_source(
      "signal acme.a { x: string\n y: int }\nsignal acme.b { x: string\n z: int\n y: int }\n" +
      play_src("p", "any of (acme.a, acme.b)",
               "  where signal.x == \"1\" and signal.y > 1\n  do notify(channel: \"#c\", text: \"x\")"));
  ASSERT_EQ(c->diags.error_count(), 0u) << c->dump();
  const ast::Expr* x = find_expr(*c, "p", "signal.x");
  const ast::Expr* y = find_expr(*c, "p", "signal.y");
  ASSERT_TRUE(x && y);
  EXPECT_EQ(x->index, kEnvelopeCount + 0);
  EXPECT_EQ(y->index, -1);
  EXPECT_EQ(y->ref, ast::RefKind::SignalField);
  EXPECT_EQ(y->name, "y");
}

}  // namespace
}  // namespace play::sema::testing
