// MemoryLedger: the `fired within` ledger of playc run and playc test. It
// numbers plays and entities and finds plays by the address of their name
// (memory_ledger.h); the answers must be those of a plain map of strings.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "runtime/engine/memory_ledger.h"

namespace play::engine {
namespace {

TEST(MemoryLedger, RemembersTheLatestFirePerPlayAndEntity) {
  MemoryLedger ledger;
  EXPECT_FALSE(ledger.last_fired("p", "ana@bigco.com"));
  ledger.record_fire("p", "ana@bigco.com", 100);
  ledger.record_fire("p", "ana@bigco.com", 50);  // out of order: the latest is kept
  EXPECT_EQ(ledger.last_fired("p", "ana@bigco.com"), 100);
  EXPECT_FALSE(ledger.last_fired("q", "ana@bigco.com"));
  EXPECT_FALSE(ledger.last_fired("p", "bigco.com"));
  ledger.record_fire("p", "", 7);  // a signal that named no entity
  EXPECT_EQ(ledger.last_fired("p", ""), 7);
  EXPECT_EQ(ledger.size(), 2u);
}

// The same name at another address, another name at a reused address:
// both must be answered by the name.
TEST(MemoryLedger, APlayIsItsNameNotWhereTheNameLives) {
  MemoryLedger ledger;
  std::string first = "pricing_visit";
  ledger.record_fire(first, "a.com", 10);
  std::string copy = first;
  EXPECT_EQ(ledger.last_fired(copy, "a.com"), 10);
  first.assign("demo_request_");  // same buffer (no reallocation), another play
  ASSERT_EQ(first.size(), copy.size());
  EXPECT_FALSE(ledger.last_fired(first, "a.com"));
  ledger.record_fire(first, "a.com", 20);
  EXPECT_EQ(ledger.last_fired(first, "a.com"), 20);
  EXPECT_EQ(ledger.last_fired(copy, "a.com"), 10);
}

// The engine asks by position in the order it gave (expect_plays); a
// question with the same name from elsewhere, or at a position that is not
// that play's, is still answered by the name.
TEST(MemoryLedger, APositionIsOnlyAShortcutToTheName) {
  MemoryLedger ledger;
  std::string a = "play_a", b = "play_b";
  std::vector<std::string_view> order = {a, b};
  ledger.expect_plays(order);
  ledger.record_fire_at(1, b, "x.com", 5);
  EXPECT_EQ(ledger.last_fired_at(1, b, "x.com"), 5);
  EXPECT_EQ(ledger.last_fired("play_b", "x.com"), 5);
  EXPECT_FALSE(ledger.last_fired_at(0, a, "x.com"));
  std::string other = "play_c";
  EXPECT_FALSE(ledger.last_fired_at(1, other, "x.com"));  // not play_b's name: by name, never fired
  ledger.record_fire_at(0, other, "x.com", 9);
  EXPECT_EQ(ledger.last_fired("play_c", "x.com"), 9);
  EXPECT_FALSE(ledger.last_fired("play_a", "x.com"));
  EXPECT_EQ(ledger.last_fired_at(7, std::string("play_b"), "x.com"), 5);  // a position past the order
}

// A random mix of questions and fires against std::map: the interned
// numbers, the per-entity tables and the last-entity shortcut change
// nothing; expect_plays in any order changes nothing either.
TEST(MemoryLedger, AnswersAsAMapOfStringsWould) {
  for (bool expect : {false, true}) {
    std::mt19937 rnd(expect ? 7 : 8);
    std::vector<std::string> plays, entities;
    for (int i = 0; i < 60; ++i) plays.push_back("play_" + std::to_string(i));
    for (int i = 0; i < 300; ++i)
      entities.push_back("p" + std::to_string(i) + "@co" + std::to_string(i % 17) + ".com");
    MemoryLedger ledger;
    if (expect) {
      std::vector<std::string_view> order(plays.rbegin(), plays.rend());
      ledger.expect_plays(order);
    }
    std::map<std::pair<std::string, std::string>, int64_t> want;
    for (int n = 0; n < 50000; ++n) {
      const std::string& e = entities[rnd() % (n % 5 == 0 ? entities.size() : 3)];  // runs of one entity
      const std::string& p = plays[rnd() % plays.size()];
      if (rnd() % 3 == 0) {
        int64_t at = rnd() % 1000;
        ledger.record_fire(p, e, at);
        auto [it, added] = want.try_emplace({p, e}, at);
        if (!added) it->second = std::max(it->second, at);
      } else {
        auto it = want.find({p, e});
        std::optional<int64_t> expected;
        if (it != want.end()) expected = it->second;
        ASSERT_EQ(ledger.last_fired(p, e), expected) << p << " " << e;
      }
    }
    EXPECT_EQ(ledger.size(), want.size());
  }
}

}  // namespace
}  // namespace play::engine
