#include "runtime/ingest/source_policy.h"

#include <gtest/gtest.h>

#include "runtime/ingest/replay_guard.h"

namespace play::ingest {
namespace {

TEST(SourcePolicy, Glob) {
  EXPECT_TRUE(glob_match("website.*", "website.page_viewed"));
  EXPECT_FALSE(glob_match("website.*", "websites.page_viewed"));
  EXPECT_TRUE(glob_match("crm.*_updated", "crm.contact_updated"));
  EXPECT_FALSE(glob_match("crm.*_updated", "crm.contact_updated_x"));
  EXPECT_TRUE(glob_match("*", "anything.at_all"));
  EXPECT_TRUE(glob_match("product.usage", "product.usage"));
  EXPECT_FALSE(glob_match("product.usage", "product.usage2"));
  EXPECT_TRUE(glob_match("*.*", "a.b"));
  EXPECT_FALSE(glob_match("*.*", "ab"));
}

TEST(SourcePolicy, SignalsAndContext) {
  EXPECT_EQ(refuse_signal(nullptr, "crm.contact_updated"), "");  // open mode
  auto web = make_source("website", SourceKind::Bearer, "t");
  EXPECT_EQ(refuse_signal(&web, "website.page_viewed"), "");  // default: every ordinary type
  EXPECT_EQ(
      refuse_signal(&web, "crm.contact_updated"),
      "source 'website' may not send crm.contact_updated (it changes context: the source needs context = "
      "true)");
  EXPECT_NE(refuse_context(&web), "");
  web.signals = std::vector<std::string>{"website.*", "product.usage"};
  EXPECT_EQ(refuse_signal(&web, "product.usage"), "");
  EXPECT_EQ(refuse_signal(&web, "product.login"),
            R"(source 'website' may not send product.login (signals = ["website.*", "product.usage"]))");
  auto crm = make_source("crm", SourceKind::Bearer, "t");
  crm.context = true;
  EXPECT_EQ(refuse_signal(&crm, "crm.account_updated"), "");
  EXPECT_EQ(refuse_context(&crm), "");
  crm.signals = std::vector<std::string>{"website.*"};  // context = true does not widen `signals`
  EXPECT_NE(refuse_signal(&crm, "crm.account_updated"), "");
}

TEST(SourcePolicy, Traits) {
  auto seg = make_source("web", SourceKind::SegmentWriteKey, "k");
  size_t dropped = 0;
  EXPECT_EQ(allowed_traits(&seg, store::Entity::Contact, R"({"title":"CTO","do_not_contact":true})", dropped),
            "{}");
  EXPECT_EQ(dropped, 2u);
  seg.contact_traits = std::vector<std::string>{"title"};
  dropped = 0;
  EXPECT_EQ(allowed_traits(&seg, store::Entity::Contact, R"({"title":"CTO","do_not_contact":true})", dropped),
            R"({"title":"CTO"})");
  EXPECT_EQ(dropped, 1u);
  EXPECT_EQ(allowed_traits(&seg, store::Entity::Account, R"({"owner":"x"})", dropped), "{}");
  seg.context = true;  // context = true without a list: every field
  EXPECT_EQ(allowed_traits(&seg, store::Entity::Account, R"({"owner":"x"})", dropped), R"({"owner":"x"})");
  EXPECT_EQ(allowed_traits(nullptr, store::Entity::Account, R"({"owner":"x"})", dropped), R"({"owner":"x"})");
}

TEST(ReplayGuard, RemembersIdsForTheirWindow) {
  ReplayGuard guard(2);
  EXPECT_EQ(guard.claim("vendor", "m1", 100, 10), ReplayGuard::Claim::Fresh);
  EXPECT_EQ(guard.claim("vendor", "m1", 100, 11), ReplayGuard::Claim::InProgress);
  guard.done("vendor", "m1");
  EXPECT_EQ(guard.claim("vendor", "m1", 100, 12), ReplayGuard::Claim::Duplicate);
  EXPECT_EQ(guard.claim("other", "m1", 100, 12), ReplayGuard::Claim::Fresh);  // per source
  EXPECT_EQ(guard.claim("vendor", "m2", 100, 12), ReplayGuard::Claim::Full);  // bounded, never forgets early
  guard.failed("other", "m1");                                                // not applied: may be retried
  EXPECT_EQ(guard.claim("vendor", "m2", 100, 12), ReplayGuard::Claim::Fresh);
  // Past its window the signature no longer verifies: the id is dropped.
  EXPECT_EQ(guard.claim("vendor", "m3", 300, 200), ReplayGuard::Claim::Fresh);
  EXPECT_EQ(guard.size(), 1u);
}

}  // namespace
}  // namespace play::ingest
