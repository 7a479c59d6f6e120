#include "apps/playc/signal_feed.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/engine/builder.h"

namespace play::playc {
namespace {

// Many batches of signals with bad and blank lines among them: every valid
// signal comes out once, in file order, and each bad line is counted.
TEST(SignalFeed, AllSignalsInFileOrderAcrossBatches) {
  vm::Bundle bundle = engine::testing::base_bundle();
  auto path = std::filesystem::temp_directory_path() / ("signal_feed_" + std::to_string(::getpid()));
  std::vector<std::string> ids;
  size_t bad = 0;
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 2000; ++i) {
      if (i % 97 == 0) out << "not json\n", ++bad;
      if (i % 89 == 0) out << "\n";
      std::string id = "s" + std::to_string(i);
      ids.push_back(id);
      out << R"({"id":")" << id
          << R"(","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","account":"a.com",)"
          << R"("properties":{"url":"https://a.com/p"}})" << (i % 3 == 0 ? "\r\n" : "\n");
    }
  }
  LineReader reader;
  std::string err;
  ASSERT_TRUE(reader.open(path.string(), err)) << err;
  std::vector<std::string> got;
  {
    SignalFeed feed(bundle, reader, path.string());
    for (auto batch = feed.next(); !batch.empty(); batch = feed.next())
      for (const auto& s : batch) got.emplace_back(s.id);
    EXPECT_EQ(feed.skipped(), bad);
  }
  EXPECT_EQ(got, ids);
  EXPECT_TRUE(reader.error().empty());
  std::filesystem::remove(path);
}

// Stopped before the end (the feed destroyed early): it joins, nothing hangs.
TEST(SignalFeed, StopsWhenDestroyedEarly) {
  vm::Bundle bundle = engine::testing::base_bundle();
  auto path = std::filesystem::temp_directory_path() / ("signal_feed_stop_" + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 5000; ++i)
      out << R"({"id":"s)" << i
          << R"(","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z","properties":{"url":"u"}})"
          << "\n";
  }
  LineReader reader;
  std::string err;
  ASSERT_TRUE(reader.open(path.string(), err)) << err;
  {
    SignalFeed feed(bundle, reader, path.string());
    auto batch = feed.next();
    ASSERT_FALSE(batch.empty());
    EXPECT_EQ(batch[0].id, "s0");
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace play::playc
