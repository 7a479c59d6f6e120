// Completion on the text as typed (a '|' marks the cursor), with the names
// of the last checked project.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/ide/harness.h"

namespace play::ide::testing {
namespace {

class CompleteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    l = load({{"p.play", kProject}, {"p_test.play", kTest}});
    ASSERT_FALSE(l->diags.has_errors()) << l->dump();
  }
  std::vector<Completion> at(const std::string& marked) {
    size_t bar = marked.find('|');
    std::string text = marked.substr(0, bar) + marked.substr(bar + 1);
    return complete(l->project, "new.play", text, static_cast<uint32_t>(bar));
  }
  static bool has(const std::vector<Completion>& cs, const std::string& label) {
    return std::ranges::any_of(cs, [&](const Completion& c) { return c.label == label; });
  }
  static const Completion* find(const std::vector<Completion>& cs, const std::string& label) {
    for (const auto& c : cs)
      if (c.label == label) return &c;
    return nullptr;
  }
  static std::vector<std::string> labels(const std::vector<Completion>& cs) {
    std::vector<std::string> out;
    for (const auto& c : cs) out.push_back(c.label);
    return out;
  }
  std::unique_ptr<Loaded> l;
};

const std::string kPlayHead = "play p {\n  title \"t\"\n  on website.page_viewed\n";

TEST_F(CompleteTest, SignalTypesAfterOn) {
  auto cs = at("play p {\n  on |\n}\n");
  EXPECT_TRUE(has(cs, "website.page_viewed"));
  EXPECT_TRUE(has(cs, "product.usage"));
  EXPECT_TRUE(has(cs, "any of"));
  EXPECT_FALSE(has(cs, "and"));
  EXPECT_EQ(find(cs, "website.page_viewed")->kind, CompletionKind::SignalType);
  EXPECT_EQ(find(cs, "website.page_viewed")->insert_text, "");
  cs = at("play p {\n  on web|\n}\n");
  EXPECT_TRUE(has(cs, "website.page_viewed"));
}

TEST_F(CompleteTest, TheRestOfADottedSignalType) {
  auto cs = at("play p {\n  on website.pa|\n}\n");
  ASSERT_TRUE(find(cs, "website.page_viewed"));
  EXPECT_EQ(find(cs, "website.page_viewed")->insert_text, "page_viewed");
  EXPECT_FALSE(has(cs, "product.usage"));
  cs = at("play p {\n  on any of (website.page_viewed, |)\n}\n");
  EXPECT_TRUE(has(cs, "website.form_submitted"));
  cs = at("play p {\n  on any of (|");
  EXPECT_TRUE(has(cs, "website.form_submitted"));
}

TEST_F(CompleteTest, PropertiesAfterSignalDot) {
  auto cs = at(kPlayHead + "  where signal.|\n}\n");
  const Completion* c = find(cs, "category");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, CompletionKind::Property);
  EXPECT_EQ(c->detail, "string?");
  EXPECT_EQ(c->documentation, "\"pricing\", \"integrations\", \"docs\", \"case_study\", \"comparison\", ...");
  EXPECT_TRUE(has(cs, "url"));
  EXPECT_TRUE(has(cs, "occurred_at"));  // envelope
  EXPECT_FALSE(has(cs, "metric"));      // product.usage's
  EXPECT_FALSE(has(cs, "signal"));
}

TEST_F(CompleteTest, PropertiesOfOnAnyOfAreTheShared) {
  auto cs =
      at("play p {\n  on any of (website.form_submitted, website.chat_started)\n  where signal.u|\n}\n");
  EXPECT_TRUE(has(cs, "url"));
  EXPECT_FALSE(has(cs, "form"));
  EXPECT_FALSE(has(cs, "topic"));
}

TEST_F(CompleteTest, PropertiesInATemporalTriggersMembers) {
  // count(T where signal.|): T's properties.
  auto cs = at("play p {\n  on count(website.form_submitted where signal.|) >= 3 within 1d per account\n}\n");
  EXPECT_TRUE(has(cs, "form"));
  EXPECT_TRUE(has(cs, "occurred_at"));
  // all of (A where signal.|, B): A's alone inside A's filter, the shared ones after it.
  std::string all = "play p {\n  on all of (website.form_submitted where signal.|, review_site.compared)";
  cs = at(all + " within 2d per account\n}\n");
  EXPECT_TRUE(has(cs, "form"));
  EXPECT_FALSE(has(cs, "competitor"));
  cs = at(
      "play p {\n  on all of (website.form_submitted, review_site.compared where signal.|) within 2d\n}\n");
  EXPECT_TRUE(has(cs, "competitor"));
  EXPECT_FALSE(has(cs, "form"));
  cs =
      at("play p {\n  on all of (website.page_viewed, review_site.compared) within 2d per account\n"
         "  where signal.|\n}\n");
  EXPECT_TRUE(has(cs, "category"));
  EXPECT_FALSE(has(cs, "url"));
  EXPECT_FALSE(has(cs, "competitor"));
}

TEST_F(CompleteTest, HalfTypedTextWithoutItsClosingBrace) {
  auto cs = at(kPlayHead + "  where signal.|");
  EXPECT_TRUE(has(cs, "category"));
  cs = at(kPlayHead + "  where signal.category == \"x\" and signal.|  \n  do");
  EXPECT_TRUE(has(cs, "category"));
}

TEST_F(CompleteTest, FieldsAfterAccountAndContact) {
  auto cs = at(kPlayHead + "  where account.|\n}\n");
  ASSERT_TRUE(find(cs, "employees"));
  EXPECT_EQ(find(cs, "employees")->detail, "int?");
  EXPECT_EQ(find(cs, "country")->documentation, "ISO 3166 alpha-2, e.g. \"US\"");
  EXPECT_FALSE(has(cs, "email"));
  cs = at(kPlayHead + "  where contact.em|\n}\n");
  EXPECT_TRUE(has(cs, "email"));
  EXPECT_EQ(find(cs, "email")->kind, CompletionKind::Field);
}

TEST_F(CompleteTest, MethodsAfterAnyOtherDot) {
  auto cs = at(kPlayHead + "  where signal.url.|\n}\n");
  ASSERT_TRUE(find(cs, "startsWith"));
  EXPECT_EQ(find(cs, "startsWith")->insert_text, "startsWith($0)");
  EXPECT_TRUE(find(cs, "startsWith")->snippet);
  EXPECT_EQ(find(cs, "exists")->insert_text, "exists(${1:x}, $0)");
}

TEST_F(CompleteTest, ActionsAndTheirArguments) {
  auto cs = at(kPlayHead + "  do |\n}\n");
  ASSERT_TRUE(find(cs, "enroll"));
  EXPECT_EQ(find(cs, "enroll")->insert_text, "enroll(sequence: ${1})");
  EXPECT_EQ(find(cs, "notify")->insert_text, "notify(channel: ${1}, text: ${2})");
  cs = at(kPlayHead + "  do enroll(|)\n}\n");
  EXPECT_EQ(labels(cs), (std::vector<std::string>{"sequence", "rep"}));
  EXPECT_EQ(find(cs, "sequence")->insert_text, "sequence: ");
  EXPECT_EQ(find(cs, "rep")->detail, "string? (optional)");
  cs = at(kPlayHead + "  do enroll(sequence: \"x\", |)\n}\n");
  EXPECT_EQ(labels(cs), (std::vector<std::string>{"rep"}));
}

TEST_F(CompleteTest, NamesInScopeInAnArgumentsValue) {
  auto cs = at(kPlayHead + "  let who = \"a\"\n  do enroll(sequence: |)\n  let later = 1\n}\n");
  EXPECT_TRUE(has(cs, "who"));
  EXPECT_FALSE(has(cs, "later"));
  EXPECT_TRUE(has(cs, "min_employees"));  // the project's
  EXPECT_TRUE(has(cs, "signal"));
  EXPECT_TRUE(has(cs, "size"));
  EXPECT_FALSE(has(cs, "ent_reps"));  // a pool is no value
  EXPECT_FALSE(has(cs, "sequence"));
}

TEST_F(CompleteTest, AMacrosVariableInItsBody) {
  auto cs = at(kPlayHead + "  where account.tech_stack.exists(tech, tech.startsWith(\"a\") and |)\n}\n");
  ASSERT_TRUE(find(cs, "tech"));
  EXPECT_EQ(find(cs, "tech")->kind, CompletionKind::Variable);
  cs = at(kPlayHead + "  where account.tech_stack.exists(tech, true) and |\n}\n");
  EXPECT_FALSE(has(cs, "tech"));
}

TEST_F(CompleteTest, TheDocumentsOwnDeclarations) {
  auto cs = at("const brand_new = 3\n" + kPlayHead + "  where account.employees > |\n}\n");
  EXPECT_TRUE(has(cs, "brand_new"));
  EXPECT_TRUE(has(cs, "min_employees"));
}

TEST_F(CompleteTest, DurationsAndWords) {
  auto cs = at(kPlayHead + "  unless fired within |\n}\n");
  EXPECT_TRUE(has(cs, "7d"));
  EXPECT_EQ(find(cs, "7d")->kind, CompletionKind::Value);
  EXPECT_TRUE(has(at(kPlayHead + "  sla |\n}\n"), "15m"));
  EXPECT_EQ(labels(at(kPlayHead + "  priority |\n}\n")), (std::vector<std::string>{"high", "normal", "low"}));
  EXPECT_EQ(labels(at(kPlayHead + "  where icp |\n}\n")), (std::vector<std::string>{"enterprise"}));
  EXPECT_EQ(labels(at(kPlayHead + "  unless fired |\n}\n")), (std::vector<std::string>{"within"}));
}

TEST_F(CompleteTest, MetadataKeysAndClausesAtTheStartOfAPlaysLine) {
  auto cs = at(kPlayHead + "  |\n}\n");
  EXPECT_TRUE(has(cs, "owner"));
  EXPECT_FALSE(has(cs, "title"));  // already given
  EXPECT_TRUE(has(cs, "where"));
  EXPECT_TRUE(has(cs, "unless suppressed"));
  EXPECT_EQ(find(cs, "owner")->kind, CompletionKind::Keyword);
  EXPECT_FALSE(has(cs, "signal"));
  // A condition continued on the next line is an expression.
  cs = at(kPlayHead + "  where signal.url == \"a\" or\n    |\n}\n");
  EXPECT_TRUE(has(cs, "signal"));
  EXPECT_FALSE(has(cs, "owner"));
}

TEST_F(CompleteTest, TopLevelAndTestBlocks) {
  auto cs = at("|");
  ASSERT_TRUE(find(cs, "play"));
  EXPECT_TRUE(find(cs, "play")->snippet);
  EXPECT_TRUE(has(cs, "test"));
  EXPECT_TRUE(has(cs, "const"));
  cs = at("test \"t\" {\n  expect |\n}\n");
  EXPECT_TRUE(has(cs, "pricing_visit"));
  EXPECT_TRUE(has(cs, "nothing else"));
  EXPECT_EQ(labels(at("test \"t\" {\n  expect pricing_visit |\n}\n")),
            (std::vector<std::string>{"do", "outcome"}));
  EXPECT_TRUE(has(at("test \"t\" {\n  expect pricing_visit outcome |\n}\n"), "deduplicated"));
  cs = at("test \"t\" {\n  given account { |\n}\n");
  ASSERT_TRUE(find(cs, "domain"));
  EXPECT_EQ(find(cs, "domain")->insert_text, "domain: ");
  cs = at("test \"t\" {\n  signal website.page_viewed at 5m { url: \"u\", |\n}\n");
  ASSERT_TRUE(find(cs, "category"));
  EXPECT_EQ(find(cs, "category")->insert_text, "category: ");
  EXPECT_TRUE(has(cs, "id"));
  EXPECT_FALSE(has(cs, "url"));
  cs = at("test \"t\" {\n  |\n}\n");
  EXPECT_TRUE(has(cs, "given"));
  EXPECT_TRUE(has(cs, "expect"));
}

TEST_F(CompleteTest, InAStringTemplatesExpression) {
  auto cs = at(kPlayHead + "  do notify(channel: \"c\", text: \"seen {signal.|}\")\n}\n");
  EXPECT_TRUE(has(cs, "category"));
  cs = at(kPlayHead + "  do notify(channel: \"c\", text: \"seen {sig|");
  EXPECT_TRUE(has(cs, "signal"));
  EXPECT_TRUE(at(kPlayHead + "  do notify(channel: \"c\", text: \"seen {signal.url} and |\")\n}\n").empty());
  EXPECT_TRUE(at(kPlayHead + "  do notify(channel: \"c\", text: \"{{signal.|\")\n}\n").empty());
}

TEST_F(CompleteTest, NothingInCommentsOrStrings) {
  EXPECT_TRUE(at(kPlayHead + "  // where signal.|\n}\n").empty());
  EXPECT_TRUE(at(kPlayHead + "  where signal.url == \"signal.|\"\n}\n").empty());
  EXPECT_TRUE(at(kPlayHead + "  where signal.url == \"signal.|").empty());
  EXPECT_TRUE(at("/* play p {\n  on | */").empty());
}

TEST_F(CompleteTest, OffsetsPastTheEndAndAnEmptyProject) {
  std::string text = kPlayHead + "  where signal.";
  auto cs = complete(l->project, "new.play", text, 1u << 30);
  EXPECT_TRUE(has(cs, "category"));
  sema::Project empty;
  EXPECT_NO_FATAL_FAILURE(complete(empty, "x.play", text, 5));
  EXPECT_TRUE(complete(empty, "x.play", "", 0).size() > 0);  // top-level keywords
}

}  // namespace
}  // namespace play::ide::testing
