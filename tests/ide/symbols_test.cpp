// The outline of a file.
#include <gtest/gtest.h>

#include "tests/ide/harness.h"

namespace play::ide::testing {
namespace {

std::string outline(const Loaded& l, const std::vector<Symbol>& syms, int depth = 0) {
  std::string out;
  for (const auto& s : syms) {
    out += std::string(depth * 2, ' ') + s.name + " [" + s.detail + "] " + l.show(s.name_span) + "\n";
    out += outline(l, s.children, depth + 1);
  }
  return out;
}

TEST(Symbols, TheDeclarationsOfAFile) {
  auto l = load(
      {{"p.play", std::string("signal app.ping {\n  level: int\n}\n") + kProject}, {"p_test.play", kTest}});
  ASSERT_FALSE(l->diags.has_errors()) << l->dump();
  EXPECT_EQ(outline(*l, document_symbols(l->project, l->file("p.play"))),
            "app.ping [signal] p.play:1: app.ping\n"
            "  level [int] p.play:2: level\n"
            "pricing_pages [[\"pricing\", \"plans\"]] p.play:5: pricing_pages\n"
            "min_employees [50] p.play:6: min_employees\n"
            "enterprise [account.employees >= min_employees] p.play:7: enterprise\n"
            "ent_reps [[\"a@acme.com\", \"b@acme.com\"]] p.play:8: ent_reps\n"
            "suppress [] p.play:10: suppress\n"
            "  do not contact [contact.do_not_contact] p.play:11: \"do not contact\"\n"
            "pricing_visit [\"Pricing visit\"] p.play:14: pricing_visit\n"
            "  rep [round_robin(ent_reps)] p.play:25: rep\n"
            "  stack [account.tech_stack.filter(t, t.startsWith(\"aws\"))] p.play:26: stack\n"
            "  enroll [do] p.play:27: enroll\n"
            "  notify [do] p.play:28: notify\n"
            "chat_or_form [\"Chat or form\"] p.play:31: chat_or_form\n"
            "  notify [do] p.play:38: notify\n");
  EXPECT_EQ(outline(*l, document_symbols(l->project, l->file("p_test.play"))),
            "pricing visit enrolls [test] p_test.play:1: \"pricing visit enrolls\"\n");
  auto syms = document_symbols(l->project, l->file("p.play"));
  EXPECT_EQ(syms[0].kind, SymbolKind::Signal);
  EXPECT_EQ(syms[0].children[0].kind, SymbolKind::Property);
  EXPECT_EQ(syms[1].kind, SymbolKind::List);
  EXPECT_EQ(syms[3].kind, SymbolKind::Icp);
  EXPECT_EQ(l->show(syms[1].span), "p.play:5: list pricing_pages = [\"pricing\", \"plans\"]");
}

TEST(Symbols, AFileWithSyntaxErrorsAndUnknownFiles) {
  auto l = load("const a = 1\nplay p {\n  where (\n}\nconst b = 2\n");
  ASSERT_TRUE(l->diags.has_errors());
  auto syms = document_symbols(l->project, l->file("a.play"));
  ASSERT_GE(syms.size(), 1u);
  EXPECT_EQ(syms[0].name, "a");
  for (const auto& s : syms) {
    EXPECT_LE(s.span.begin, s.name_span.begin);
    EXPECT_GE(s.span.end, s.name_span.end);
  }
  EXPECT_TRUE(document_symbols(l->project, 9999).empty());
  EXPECT_TRUE(document_symbols(l->project, 0).empty());
}

}  // namespace
}  // namespace play::ide::testing
