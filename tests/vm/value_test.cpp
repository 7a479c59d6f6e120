// Values: rendering (template rules), duration and timestamp text forms,
// equality, the arena and constant pools.
#include "tests/vm/vm_testing.h"

namespace play::vm::testing {
namespace {

TEST(VmValue, RenderingFollowsTemplateRules) {
  EXPECT_EQ(render(N()), "");
  EXPECT_EQ(render(I(-42)), "-42");
  EXPECT_EQ(render(F(2.5)), "2.5");
  EXPECT_EQ(render(F(5.0)), "5");
  EXPECT_EQ(render(F(0.1)), "0.1");
  // As people write numbers (issue 11.5): never 2.5e+07 below 1e21 or above 1e-7.
  EXPECT_EQ(render(F(25000000.0)), "25000000");
  EXPECT_EQ(render(F(-2.5e7)), "-25000000");
  EXPECT_EQ(render(F(123456789.125)), "123456789.125");
  EXPECT_EQ(render(F(1e20)), "100000000000000000000");
  EXPECT_EQ(render(F(0.0000025)), "0.0000025");
  EXPECT_EQ(render(F(1e21)), "1e+21");
  EXPECT_EQ(render(F(1e-8)), "1e-08");
  EXPECT_EQ(render(B(true)), "true");
  EXPECT_EQ(render(S("hi")), "hi");
  EXPECT_EQ(render(D(5'400'000)), "1h30m");
  EXPECT_EQ(render(D(0)), "0s");
  EXPECT_EQ(render(D(-1500)), "-1s500ms");
  EXPECT_EQ(render(T(1'782'036'000'000)), "2026-06-21T10:00:00Z");
  EXPECT_EQ(render(T(1'782'036'000'250)), "2026-06-21T10:00:00.250Z");
  EXPECT_EQ(render(T(-1000)), "1969-12-31T23:59:59Z");
  Value l[] = {S("a\"b"), I(1), N()};
  EXPECT_EQ(render(Value::list(l, 3)), "[\"a\\\"b\", 1, null]");
  MapEntry m[] = {{"k", S("v")}};
  EXPECT_EQ(render(Value::map(m, 1)), "{\"k\": \"v\"}");
  EXPECT_EQ(debug_string(S("x")), "\"x\"");
  EXPECT_EQ(debug_string(N()), "null");
}

TEST(VmValue, ParseDuration) {
  int64_t ms = 0;
  EXPECT_TRUE(parse_duration("30s", ms));
  EXPECT_EQ(ms, 30'000);
  EXPECT_TRUE(parse_duration("1h30m", ms));
  EXPECT_EQ(ms, 5'400'000);
  EXPECT_TRUE(parse_duration("2w", ms));
  EXPECT_EQ(ms, 14 * 86'400'000LL);
  EXPECT_TRUE(parse_duration("1.5h", ms));
  EXPECT_EQ(ms, 5'400'000);
  EXPECT_TRUE(parse_duration("250ms", ms));
  EXPECT_EQ(ms, 250);
  EXPECT_TRUE(parse_duration("-30m", ms));
  EXPECT_EQ(ms, -1'800'000);
  for (const char* bad : {"", "4", "h", "4x", "4 h", "99999999999999999999h", "1h-2m", "."})
    EXPECT_FALSE(parse_duration(bad, ms)) << bad;
}

TEST(VmValue, ParseTimestamp) {
  int64_t ms = 0;
  EXPECT_TRUE(parse_timestamp("1970-01-01T00:00:00Z", ms));
  EXPECT_EQ(ms, 0);
  EXPECT_TRUE(parse_timestamp("2026-06-21T10:00:00.5Z", ms));
  EXPECT_EQ(ms, 1'782'036'000'500);
  EXPECT_TRUE(parse_timestamp("2026-06-21T05:30:00-04:30", ms));
  EXPECT_EQ(ms, 1'782'036'000'000);
  EXPECT_TRUE(parse_timestamp("2024-02-29T00:00:00Z", ms));
  for (const char* bad : {"", "2026-06-21", "2026-06-21T10:00:00", "2026-13-01T00:00:00Z",
                          "2025-02-29T00:00:00Z", "2026-06-21T10:00:00Zjunk", "2026-06-21T25:00:00Z"})
    EXPECT_FALSE(parse_timestamp(bad, ms)) << bad;
}

TEST(VmValue, RoundTripTimestampText) {
  for (int64_t t : {0LL, 1'782'036'000'000LL, 951'782'400'123LL, -86'400'000LL}) {
    int64_t back = 1;
    ASSERT_TRUE(parse_timestamp(format_timestamp(t), back)) << format_timestamp(t);
    EXPECT_EQ(back, t);
  }
}

TEST(VmValue, Equality) {
  EXPECT_TRUE(values_equal(N(), N()));
  EXPECT_TRUE(values_equal(I(2), F(2.0)));
  EXPECT_FALSE(values_equal(I(2), F(2.5)));
  EXPECT_FALSE(values_equal(I(INT64_MAX), F(9.2233720368547758e18)));
  EXPECT_FALSE(values_equal(D(5), I(5)));  // different kinds
  EXPECT_FALSE(values_equal(F(std::nan("")), F(std::nan(""))));
}

TEST(VmValue, ArenaResetReusesMemory) {
  Arena arena(128);
  for (int i = 0; i < 100; ++i) arena.allocate(100, 8);  // grows past the first chunk
  size_t cap = arena.capacity();
  EXPECT_GT(cap, 128u);
  for (int round = 0; round < 10; ++round) {
    arena.reset();
    for (int i = 0; i < 100; ++i) arena.allocate(100, 8);
  }
  EXPECT_EQ(arena.capacity(), cap);  // nothing new after the first round
  auto m = arena.mark();
  std::string_view s = arena.copy_string("hello");
  EXPECT_EQ(s, "hello");
  arena.release(m);
  EXPECT_EQ(arena.copy_string("world").data(), s.data());  // released space is reused
}

TEST(VmValue, CopyValueIsDeep) {
  Arena arena;
  std::string text = "abc";
  Value items[] = {Value::string(text)};
  Value copy = copy_value(Value::list(items, 1), arena);
  text[0] = 'X';
  EXPECT_EQ(copy.items[0].str(), "abc");
}

TEST(VmValue, ConstantPoolOwnsItsData) {
  ConstantPool pool;
  {
    std::string text = "pricing";
    std::vector<Value> l = {Value::string(text), I(1)};
    pool.add(Value::list(l.data(), l.size()));
  }
  ConstantPool moved = std::move(pool);  // values stay valid across moves
  const Value& v = moved[0];
  ASSERT_EQ(v.kind, Kind::List);
  EXPECT_EQ(v.items[0].str(), "pricing");
  EXPECT_EQ(v.items[1].i, 1);
}

}  // namespace
}  // namespace play::vm::testing
