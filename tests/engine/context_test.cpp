// Context records: the in-memory store, the context file, crm.* upserts and
// how a signal's account is found.
#include <gtest/gtest.h>

#include "tests/engine/harness.h"

namespace play::engine::testing {
namespace {

TEST(MemoryContext, UpsertCreatesWithKeysAndDerivedEmailDomain) {
  Bundle b = base_bundle();
  MemoryContext store(b);
  std::span<const Value> slots;
  EXPECT_FALSE(store.find(Entity::Contact, "ana@bigco.com", slots));
  std::string name = "Ana";
  FieldValue f[] = {{kConName, Value::string(name)}, {kEmail, Value::string("evil@x.com")}};
  store.upsert(Entity::Contact, "Ana@BigCo.com", f);
  name = "XXX";  // the store copied it
  ASSERT_TRUE(store.find(Entity::Contact, "ANA@bigco.com", slots));
  ASSERT_EQ(slots.size(), size_t(kContactFields));
  EXPECT_EQ(slots[kEmail].str(), "ana@bigco.com");  // the key field is the store's, not upserted
  EXPECT_EQ(slots[kEmailDomain].str(), "bigco.com");
  EXPECT_EQ(slots[kConName].str(), "Ana");
  EXPECT_TRUE(slots[kDoNotContact].is_null());

  // Repeated upserts replace a field (and keep the others).
  FieldValue g[] = {{kConName, Value::string("Ana Lima")}, {kDoNotContact, Value::boolean(true)}};
  store.upsert(Entity::Contact, "ana@bigco.com", g);
  ASSERT_TRUE(store.find(Entity::Contact, "ana@bigco.com", slots));
  EXPECT_EQ(slots[kConName].str(), "Ana Lima");
  EXPECT_TRUE(slots[kDoNotContact].is_true());
  EXPECT_EQ(store.size(Entity::Contact), 1u);
  EXPECT_EQ(store.size(Entity::Account), 0u);
}

TEST(MemoryContext, ListsAreDeepCopied) {
  Bundle b = base_bundle();
  b.account.push_back({"tech_stack", T(Kind::List, true, Kind::String)});
  MemoryContext store(b);
  std::string a = "salesforce", c = "hubspot";
  Value items[] = {Value::string(a), Value::string(c)};
  FieldValue f[] = {{uint32_t(b.account.size() - 1), Value::list(items, 2)}};
  store.upsert(Entity::Account, "bigco.com", f);
  a = "??????????";
  items[1] = Value::integer(3);
  std::span<const Value> slots;
  ASSERT_TRUE(store.find(Entity::Account, "bigco.com", slots));
  const Value& ts = slots.back();
  ASSERT_EQ(ts.kind, Kind::List);
  ASSERT_EQ(ts.n, 2u);
  EXPECT_EQ(ts.items[0].str(), "salesforce");
  EXPECT_EQ(ts.items[1].str(), "hubspot");
  EXPECT_EQ(slots[kDomain].str(), "bigco.com");
}

TEST(ContextFile, LoadsAccountsAndContacts) {
  Bundle b = base_bundle();
  MemoryContext store(b);
  std::string err;
  ASSERT_TRUE(load_context_json(R"({
    "accounts": [{"domain":"BigCo.com","name":"BigCo","employees":1200,"is_customer":false,"tier":null}],
    "contacts": [{"email":"ana@bigco.com","name":"Ana","last_enrolled_at":"2026-06-01T00:00:00Z",
                  "email_domain":"bigco.com"}]})",
                                b, store, err))
      << err;
  std::span<const Value> slots;
  ASSERT_TRUE(store.find(Entity::Account, "bigco.com", slots));
  EXPECT_EQ(slots[kEmployees].i, 1200);
  EXPECT_EQ(slots[kIsCustomer].kind, Kind::Bool);
  EXPECT_TRUE(slots[kTier].is_null());
  ASSERT_TRUE(store.find(Entity::Contact, "ana@bigco.com", slots));
  int64_t t;
  ASSERT_TRUE(parse_timestamp("2026-06-01T00:00:00Z", t));
  EXPECT_EQ(slots[kLastEnrolled].kind, Kind::Timestamp);
  EXPECT_EQ(slots[kLastEnrolled].i, t);
}

TEST(ContextFile, ErrorsNameTheRecordAndField) {
  Bundle b = base_bundle();
  struct Case {
    const char* json;
    const char* error;
  } cases[] = {
      {R"([])", "the context must be a JSON object"},
      {R"({"acounts":[]})", "unknown key 'acounts' in the context"},
      {R"({"accounts":{}})", "\"accounts\" must be an array, got object"},
      {R"({"accounts":[{"name":"x"}]})", "accounts[0]: needs \"domain\" (a string)"},
      {R"({"contacts":[{"email":"a@b.c"},{"email":"d@e.f","do_not_contact":"yes"}]})",
       "contacts[1]: field 'do_not_contact' must be a bool, got string"},
      {R"({"accounts":[{"domain":"x.com","employes":3}]})",
       "accounts[0]: unknown field 'employes' (not declared on entity account)"},
      {R"({"contacts":[{"email":"a@b.com","email_domain":"c.com"}]})",
       "contacts[0]: field 'email_domain' is derived from the email"},
      {R"({"contacts":[{"email":"a@b.com","last_enrolled_at":"last week"}]})",
       "contacts[0]: field 'last_enrolled_at' is not an RFC 3339 timestamp"},
  };
  for (const Case& c : cases) {
    MemoryContext store(b);
    std::string err;
    EXPECT_FALSE(load_context_json(c.json, b, store, err)) << c.json;
    EXPECT_NE(err.find(c.error), std::string::npos) << "got: " << err << "\nwanted: " << c.error;
  }
}

// A play that fires on any page view and reports the account it resolved.
Bundle account_probe_bundle() {
  Bundle b = base_bundle();
  std::vector<ArgDef> args;
  args.push_back({"name", acc_field(kAccName)});
  args.push_back({"email_domain", con_field(kEmailDomain)});
  std::vector<vm::Action> acts;
  acts.push_back(action("review", "review", std::move(args)));
  b.plays.push_back(play("probe", {}, std::move(acts)));
  return b;
}

TEST(Context, AccountComesFromSignalThenContactRecordThenEmailDomain) {
  Harness h(account_probe_bundle());
  h.load_context(
      R"({"accounts":[{"domain":"bigco.com","name":"BigCo"},{"domain":"parent.com","name":"Parent"},
                                  {"domain":"other.com","name":"Other"}],
                     "contacts":[{"email":"bo@bigco.com","account":"Parent.com"}]})");
  // 1. From the email's domain (no record for the contact).
  auto out = h.send(page_view("e1", "2026-06-21T10:00:00Z", "ana@bigco.com"));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].find(R"("account":"bigco.com","contact":"ana@bigco.com","args":{"name":"BigCo",)"
                        R"("email_domain":"bigco.com"})"),
            std::string::npos)
      << out[0];
  // 2. From the contact record's `account` field.
  out = h.send(page_view("e2", "2026-06-21T10:00:00Z", "bo@bigco.com"));
  EXPECT_NE(out[0].find(R"("account":"parent.com","contact":"bo@bigco.com","args":{"name":"Parent")"),
            std::string::npos)
      << out[0];
  // 3. The signal's own account wins.
  out = h.send(page_view("e3", "2026-06-21T10:00:00Z", "bo@bigco.com", "pricing", "other.com"));
  EXPECT_NE(out[0].find(R"("account":"other.com","contact":"bo@bigco.com","args":{"name":"Other")"),
            std::string::npos)
      << out[0];
  // 4. Neither: null account and contact.
  out = h.send(page_view("e4", "2026-06-21T10:00:00Z", ""));
  EXPECT_NE(out[0].find(R"("account":null,"contact":null,"args":{"name":null,"email_domain":null})"),
            std::string::npos)
      << out[0];
}

TEST(Context, CrmUpdatesUpsertBeforeLaterSignals) {
  Bundle b = base_bundle();
  std::vector<Clause> cs;
  cs.push_back(where_icp(0));
  cs.push_back(unless_suppressed());
  std::vector<vm::Action> acts;
  acts.push_back(notify("#alerts", text("hi")));
  b.plays.push_back(play("ent", std::move(cs), std::move(acts)));
  Harness h(std::move(b));

  auto out = h.send(page_view("e1", "2026-06-21T10:00:00Z", "ana@bigco.com"));
  EXPECT_EQ(out.back(), outcome_line("ent", "e1", "not_icp", R"(,"reason":"enterprise")"));

  // The account named by the contact's email domain gets the update; `domain` (the key) is not overwritten.
  h.send(
      R"({"id":"u1","type":"crm.account_updated","occurred_at":"2026-06-21T10:01:00Z","contact":"ana@bigco.com",
             "properties":{"employees":900,"owner":null,"domain":"evil.com"}})");
  std::span<const Value> slots;
  ASSERT_TRUE(h.context->find(Entity::Account, "bigco.com", slots));
  EXPECT_EQ(slots[kEmployees].i, 900);
  EXPECT_EQ(slots[kDomain].str(), "bigco.com");
  EXPECT_FALSE(h.context->find(Entity::Account, "evil.com", slots));

  out = h.send(page_view("e2", "2026-06-21T10:02:00Z", "ana@bigco.com"));
  EXPECT_EQ(out.back(), outcome_line("ent", "e2", "fired"));

  h.send(
      R"({"id":"u2","type":"crm.contact_updated","occurred_at":"2026-06-21T10:03:00Z","contact":"Ana@bigco.com",
             "properties":{"do_not_contact":true}})");
  out = h.send(page_view("e3", "2026-06-21T10:04:00Z", "ana@bigco.com"));
  EXPECT_EQ(out.back(), outcome_line("ent", "e3", "suppressed", R"(,"reason":"do not contact")"));

  // A null property does not erase the field.
  h.send(
      R"({"id":"u3","type":"crm.contact_updated","occurred_at":"2026-06-21T10:05:00Z","contact":"ana@bigco.com",
             "properties":{"do_not_contact":null,"account":"newco.com"}})");
  ASSERT_TRUE(h.context->find(Entity::Contact, "ana@bigco.com", slots));
  EXPECT_TRUE(slots[kDoNotContact].is_true());
  EXPECT_EQ(slots[kConAccount].str(), "newco.com");
}

TEST(Context, UnknownContactStillHasEmailDomain) {
  Bundle b = base_bundle();
  std::vector<Clause> cs;
  cs.push_back(unless_suppressed());
  std::vector<vm::Action> acts;
  acts.push_back(notify("#alerts", text("hi")));
  b.plays.push_back(play("p", std::move(cs), std::move(acts)));
  Harness h(std::move(b));
  auto out = h.send(page_view("e1", "2026-06-21T10:00:00Z", "spy@rival.io"));
  EXPECT_EQ(out.back(), outcome_line("p", "e1", "suppressed", R"(,"reason":"competitor employee")"));
}

}  // namespace
}  // namespace play::engine::testing
