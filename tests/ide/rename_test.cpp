// Rename: edits for the declaration and every use, or the reason it is refused.
#include <gtest/gtest.h>

#include "tests/ide/harness.h"

namespace play::ide::testing {
namespace {

using Strings = std::vector<std::string>;

class RenameTest : public ::testing::Test {
 protected:
  void SetUp() override {
    l = load({{"p.play", kProject}, {"p_test.play", kTest}});
    ASSERT_FALSE(l->diags.has_errors()) << l->dump();
  }
  // "path:line: old -> new" per edit, or the error.
  Strings renamed(Position at, const std::string& to) {
    RenameResult r = rename(l->project, at, to);
    if (!r.error.empty()) return {"error: " + r.error};
    Strings out;
    for (const auto& e : r.edits) out.push_back(l->show(e.span) + " -> " + e.new_text);
    return out;
  }
  std::unique_ptr<Loaded> l;
};

TEST_F(RenameTest, AConstAndItsUses) {
  EXPECT_EQ(prepare_rename(l->project, l->at("p.play", "min_employees", 1)).error, "");
  EXPECT_EQ(l->show(prepare_rename(l->project, l->at("p.play", "min_employees", 1)).span),
            "p.play:4: min_employees");
  EXPECT_EQ(renamed(l->at("p.play", "min_employees", 1), "smallest"),
            (Strings{"p.play:3: min_employees -> smallest", "p.play:4: min_employees -> smallest"}));
}

TEST_F(RenameTest, APlayAndItsTests) {
  EXPECT_EQ(renamed(l->at("p.play", "pricing_visit"), "pricing_page_visit"),
            (Strings{"p.play:11: pricing_visit -> pricing_page_visit",
                     "p_test.play:4: pricing_visit -> pricing_page_visit"}));
}

TEST_F(RenameTest, LetsAndMacroVariablesStayInTheirPlay) {
  EXPECT_EQ(renamed(l->at("p.play", "let rep", 0, 4), "owner_rep"),
            (Strings{"p.play:22: rep -> owner_rep", "p.play:24: rep -> owner_rep"}));
  EXPECT_EQ(renamed(l->at("p.play", "t.startsWith"), "tech"),
            (Strings{"p.play:23: t -> tech", "p.play:23: t -> tech"}));
}

TEST_F(RenameTest, AUserSignalTypeItsPropertiesAndAnEntityExtension) {
  auto p = load(
      {{"a.play",
        "signal app.ping {\n  level: int\n}\nentity account {\n  plan: string\n}\n"
        "play p {\n  owner \"o\"\n  on app.ping\n  where signal.level > 1 and account.plan == \"x\"\n}\n"
        "test \"t\" {\n  given account { plan: \"x\" }\n  signal app.ping { level: 2 }\n  expect p outcome "
        "fired\n}\n"}});
  ASSERT_FALSE(p->diags.has_errors()) << p->dump();
  auto r = rename(p->project, p->at("a.play", "level", 1), "severity");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(p->show(r.edits[0].span), "a.play:2: level");
  EXPECT_EQ(r.edits.size(), 3u);
  r = rename(p->project, p->at("a.play", "app.ping", 1), "app.pong");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.edits.size(), 3u);
  EXPECT_EQ(rename(p->project, p->at("a.play", "app.ping", 1), "pong").error,
            "'pong' is not a signal type name: it must be dotted as category.name");
  r = rename(p->project, p->at("a.play", "plan", 1), "billing_plan");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(p->show(r.edits[2].span), "a.play:13: plan");
  EXPECT_EQ(rename(p->project, p->at("a.play", "plan", 1), "domain").error,
            "'domain' already names a field of account (stdlib/entities.play:6)");
}

TEST_F(RenameTest, RefusedForStdlibAndBuiltins) {
  EXPECT_EQ(prepare_rename(l->project, l->at("p.play", "category")).error,
            "'category' is declared in the standard library; stdlib declarations cannot be renamed");
  EXPECT_EQ(prepare_rename(l->project, l->at("p.play", "do enroll", 0, 3)).error,
            "'enroll' is declared in the standard library; stdlib declarations cannot be renamed");
  EXPECT_EQ(prepare_rename(l->project, l->at("p.play", "signal.category")).error,
            "'signal' is built into the language, so it cannot be renamed");
  EXPECT_EQ(prepare_rename(l->project, l->at("p.play", "size(")).error,
            "'size' is a built-in function, so it cannot be renamed");
  EXPECT_EQ(prepare_rename(l->project, l->at("p.play", "title")).error,
            "'title' is a metadata key of the language, so it cannot be renamed");
  EXPECT_EQ(prepare_rename(l->project, l->at("p.play", "Pricing pages")).error,
            "there is no name here to rename");
  EXPECT_EQ(rename(l->project, l->at("p.play", "category"), "kind").edits.size(), 0u);
}

TEST_F(RenameTest, RefusedForBadNamesKeywordsAndCollisions) {
  auto at = l->at("p.play", "min_employees");
  EXPECT_EQ(renamed(at, "2many"),
            Strings{"error: '2many' is not a name: a name is letters, digits and _, and does "
                    "not start with a digit"});
  EXPECT_EQ(renamed(at, "min employees"),
            Strings{"error: 'min employees' is not a name: a name is letters, digits "
                    "and _, and does not start with a digit"});
  EXPECT_EQ(renamed(at, "where"), Strings{"error: 'where' is a keyword and cannot be a name"});
  EXPECT_EQ(renamed(at, "account"), Strings{"error: 'account' is a built-in name"});
  EXPECT_EQ(renamed(at, "enterprise"),
            Strings{"error: 'enterprise' already names a const, list, pool or icp (p.play:4)"});
  EXPECT_EQ(renamed(at, "chat_or_form"), Strings{"error: 'chat_or_form' already names a play (p.play:28)"});
  EXPECT_EQ(renamed(at, "notify"),
            Strings{"error: 'notify' already names an action (stdlib/actions.play:7)"});
  EXPECT_EQ(renamed(at, "stack"),
            Strings{"error: 'stack' is a let of play 'pricing_visit', which a project-level "
                    "name would hide"});
  EXPECT_EQ(renamed(l->at("p.play", "let rep", 0, 4), "stack"),
            Strings{"error: 'stack' already names a let of this play (p.play:23)"});
  EXPECT_EQ(renamed(l->at("p.play", "let rep", 0, 4), "min_employees"),
            Strings{"error: 'min_employees' already names a const, list, pool or icp (p.play:3)"});
  EXPECT_EQ(renamed(at, "min_employees"), Strings{});  // the same name: nothing to do
}

TEST_F(RenameTest, RefusedInAProjectWithSyntaxErrors) {
  auto broken = load({{"p.play", kProject}, {"q.play", "play broken {\n  where (\n}\n"}});
  EXPECT_EQ(prepare_rename(broken->project, broken->at("p.play", "min_employees")).error,
            "the project has syntax errors; fix them before renaming");
}

}  // namespace
}  // namespace play::ide::testing
