// Every expression form of LANGUAGE.md section 3, compiled and evaluated.
#include <gtest/gtest.h>

#include "tests/codegen/harness.h"

namespace play::codegen::testing {
namespace {

TEST(Expressions, Literals) {
  EXPECT_EQ(value_of("42"), "42");
  EXPECT_EQ(value_of("0x2A"), "42");
  EXPECT_EQ(value_of("4.5"), "float(4.5)");
  EXPECT_EQ(value_of("1e6"), "float(1000000)");
  EXPECT_EQ(value_of("\"text\""), "\"text\"");
  EXPECT_EQ(value_of("true"), "true");
  EXPECT_EQ(value_of("null ?? 1"), "1");
  EXPECT_EQ(value_of("30s"), "duration(30s)");
  EXPECT_EQ(value_of("1h30m"), "duration(1h30m)");
  EXPECT_EQ(value_of("[1, 2]"), "[1, 2]");
  EXPECT_EQ(value_of("{\"k\": 1, \"j\": 2}"), "{\"k\": 1, \"j\": 2}");
  EXPECT_EQ(value_of("[account.name, signal.category]"), "[\"BigCo\", \"pricing\"]");
  EXPECT_EQ(value_of("{\"who\": account.name}"), "{\"who\": \"BigCo\"}");
}

TEST(Expressions, Arithmetic) {
  EXPECT_EQ(value_of("1 + 2 * 3"), "7");
  EXPECT_EQ(value_of("account.employees + 1"), "1201");
  EXPECT_EQ(value_of("account.employees - 200"), "1000");
  EXPECT_EQ(value_of("account.employees * 2"), "2400");
  EXPECT_EQ(value_of("account.employees / 7"), "171");
  EXPECT_EQ(value_of("account.employees % 7"), "3");
  EXPECT_EQ(value_of("account.employees / 2.0"), "float(600)");
  EXPECT_EQ(value_of("account.annual_revenue * 2.0"), "float(50000000)");
  EXPECT_EQ(value_of("account.annual_revenue / 1000"), "float(25000)");
  EXPECT_EQ(value_of("-account.employees"), "-1200");
  EXPECT_EQ(value_of("account.name + \"!\""), "\"BigCo!\"");
  EXPECT_EQ(value_of("account.tech_stack + [\"hubspot\"]"), "[\"salesforce\", \"segment\", \"hubspot\"]");
  EXPECT_EQ(value_of("now + 1h"), "timestamp(2026-06-21T11:00:00Z)");
  EXPECT_EQ(value_of("now - 1d"), "timestamp(2026-06-20T10:00:00Z)");
  EXPECT_EQ(value_of("now - signal.occurred_at"), "duration(0s)");
  EXPECT_EQ(value_of("signal.received_at - now"), "duration(1s)");
  EXPECT_EQ(value_of("2 * 1h"), "duration(2h)");
  EXPECT_EQ(value_of("1h / 2"), "duration(30m)");
}

TEST(Expressions, Comparisons) {
  EXPECT_EQ(value_of("account.employees >= 500"), "true");
  EXPECT_EQ(value_of("account.employees < 500"), "false");
  EXPECT_EQ(value_of("account.employees == 1200.0"), "true");
  EXPECT_EQ(value_of("signal.category == \"pricing\""), "true");
  EXPECT_EQ(value_of("signal.category != \"pricing\""), "false");
  EXPECT_EQ(value_of("account.name < \"C\""), "true");
  EXPECT_EQ(value_of("account.annual_revenue > 1e6"), "true");
  EXPECT_EQ(value_of("1h > 30m"), "true");
  EXPECT_EQ(value_of("now > now - 1s"), "true");
  EXPECT_EQ(value_of("account.tech_stack == [\"salesforce\", \"segment\"]"), "true");
}

TEST(Expressions, Logic) {
  EXPECT_EQ(value_of("account.employees > 5 and signal.category == \"pricing\""), "true");
  EXPECT_EQ(value_of("account.employees > 5 && account.is_customer"), "false");
  EXPECT_EQ(value_of("account.is_customer or account.employees > 5"), "true");
  EXPECT_EQ(value_of("account.is_customer || false"), "false");
  EXPECT_EQ(value_of("not account.is_customer"), "true");
  EXPECT_EQ(value_of("!account.is_customer"), "true");
}

TEST(Expressions, NullCoalescingAndConditional) {
  EXPECT_EQ(value_of("signal.title ?? \"none\""), "\"none\"");
  EXPECT_EQ(value_of("signal.category ?? \"none\""), "\"pricing\"");
  EXPECT_EQ(value_of("account.employees > 1000 ? \"big\" : \"small\""), "\"big\"");
  EXPECT_EQ(value_of("account.employees > 5000 ? \"big\" : \"small\""), "\"small\"");
  // A null condition counts as false.
  EXPECT_EQ(value_of("account.open_opportunity ? \"open\" : \"closed\""), "\"closed\"");
}

TEST(Expressions, In) {
  EXPECT_EQ(value_of("account.country in [\"US\", \"CA\"]"), "true");
  EXPECT_EQ(value_of("account.country in regions"), "true");
  EXPECT_EQ(value_of("account.country not in regions"), "false");
  EXPECT_EQ(value_of("\"FR\" in regions"), "false");
  EXPECT_EQ(value_of("\"salesforce\" in account.tech_stack"), "true");
  EXPECT_EQ(value_of("\"k\" in {\"k\": 1}"), "true");
  EXPECT_EQ(value_of("signal.category in {\"k\": 1}"), "false");
}

TEST(Expressions, Functions) {
  EXPECT_EQ(value_of("size(\"h\\u{e9}llo\")"), "5");  // code points, not bytes
  EXPECT_EQ(value_of("size(account.tech_stack)"), "2");
  EXPECT_EQ(value_of("account.tech_stack.size()"), "2");
  EXPECT_EQ(value_of("size(signal.url)"), "24");
  EXPECT_EQ(value_of("int(\"42\")"), "42");
  EXPECT_EQ(value_of("int(account.annual_revenue)"), "25000000");
  EXPECT_EQ(value_of("float(account.employees)"), "float(1200)");
  EXPECT_EQ(value_of("double(account.employees)"), "float(1200)");
  EXPECT_EQ(value_of("string(account.employees)"), "\"1200\"");
  EXPECT_EQ(value_of("timestamp(\"2026-06-21T10:00:00Z\") == now"), "true");
  EXPECT_EQ(value_of("duration(\"4h\")"), "duration(4h)");
  EXPECT_EQ(value_of("has(signal.title)"), "false");
  EXPECT_EQ(value_of("has(signal.category)"), "true");
}

TEST(Expressions, StringMethods) {
  EXPECT_EQ(value_of("signal.url.contains(\"pricing\")"), "true");
  EXPECT_EQ(value_of("signal.url.startsWith(\"https://\")"), "true");
  EXPECT_EQ(value_of("signal.url.endsWith(\"/docs\")"), "false");
  EXPECT_EQ(value_of("signal.url.matches(\"^https://[a-z]+\\\\.com/\")"), "true");
  EXPECT_EQ(value_of("signal.url.matches(signal.category)"), "true");  // a computed pattern
  EXPECT_EQ(value_of("account.name.lower()"), "\"bigco\"");
  EXPECT_EQ(value_of("account.name.upper()"), "\"BIGCO\"");
}

TEST(Expressions, MembersAndIndexes) {
  EXPECT_EQ(value_of("{\"a\": account.employees}.a"), "1200");
  EXPECT_EQ(value_of("{\"a\": account.employees}.b"), "null");
  EXPECT_EQ(value_of("{\"a\": account.employees}[\"a\"]"), "1200");
  EXPECT_EQ(value_of("account.tech_stack[1]"), "\"segment\"");
  EXPECT_EQ(value_of("signal.id"), "\"evt_1\"");
  EXPECT_EQ(value_of("signal.type"), "\"website.page_viewed\"");
  EXPECT_EQ(value_of("signal.occurred_at"), "timestamp(2026-06-21T10:00:00Z)");
}

TEST(Expressions, Macros) {
  EXPECT_EQ(value_of("account.tech_stack.exists(t, t == \"segment\")"), "true");
  EXPECT_EQ(value_of("account.tech_stack.exists(t, t == \"hubspot\")"), "false");
  EXPECT_EQ(value_of("account.tech_stack.all(t, size(t) > 3)"), "true");
  EXPECT_EQ(value_of("account.tech_stack.all(t, t.startsWith(\"s\") and size(t) > 7)"), "false");
  EXPECT_EQ(value_of("account.tech_stack.filter(t, t.contains(\"force\"))"), "[\"salesforce\"]");
  EXPECT_EQ(value_of("account.tech_stack.map(t, t.upper())"), "[\"SALESFORCE\", \"SEGMENT\"]");
  EXPECT_EQ(value_of("account.tech_stack.map(t, size(t) + account.employees)"), "[1210, 1207]");
  // Nested macros, the inner one reading the outer variable.
  EXPECT_EQ(value_of("account.tech_stack.map(t, account.tech_stack.filter(u, u != t))"),
            "[[\"segment\"], [\"salesforce\"]]");
  EXPECT_EQ(value_of("account.tech_stack.exists(t, [1, 2].exists(n, n == size(t) - 8))"), "true");
  // A map ranges over its keys.
  EXPECT_EQ(value_of("{\"a\": account.employees, \"b\": 2}.map(k, k + \"!\")"), "[\"a!\", \"b!\"]");
  // The macro variable of an empty list: the body never runs.
  EXPECT_EQ(value_of("account.tech_stack.filter(t, false).all(t, false)"), "true");
}

TEST(Expressions, Templates) {
  auto c =
      compile_source(play_src("p", "website.page_viewed",
                              "  do notify(channel: \"#c\", text: \"{contact.name} at {account.name} saw "
                              "{signal.title} {{{account.employees}}}\")"));
  ASSERT_TRUE(c->ok) << c->dump();
  const vm::Action& a = c->play("p").actions.at(0);
  ASSERT_EQ(a.args.size(), 2u);
  Context ctx(c->bundle, "website.page_viewed");
  fill_standard(ctx);
  EXPECT_EQ(ctx.show(a.args[1].program), "\"Ana at BigCo saw  {1200}\"");  // null renders as nothing
}

TEST(Expressions, RuntimeErrorsAreNotFoldedAway) {
  EXPECT_EQ(value_of("1 / 0").rfind("error: ", 0), 0u) << value_of("1 / 0");
  EXPECT_EQ(value_of("9223372036854775807 + 1").rfind("error: ", 0), 0u);
  EXPECT_EQ(value_of("int(\"x\")").rfind("error: ", 0), 0u);
  EXPECT_EQ(value_of("account.employees / (small - 10)").rfind("error: ", 0), 0u);
}

}  // namespace
}  // namespace play::codegen::testing
