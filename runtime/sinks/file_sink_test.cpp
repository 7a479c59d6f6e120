// The file sink's exactly-once pieces: whole lines only, the tail past the
// recorded size, a torn last line cut, the key of a line.
#include "runtime/sinks/file_sink.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace play::sinks {
namespace {

std::string temp_file() {
  static int n = 0;
  auto p = std::filesystem::temp_directory_path() /
           ("file_sink_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++) + ".ndjson");
  std::filesystem::remove(p);
  return p.string();
}

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(FileSink, AppendsWholeBatchesAndReportsTheSize) {
  std::string path = temp_file();
  FileAppender f;
  f.path = path;
  int64_t size = 0;
  EXPECT_EQ(f.append("{\"key\":\"a\"}\n", size), "");
  EXPECT_EQ(size, 12);
  EXPECT_EQ(f.append("{\"key\":\"b\"}\n{\"key\":\"c\"}\n", size), "");
  EXPECT_EQ(size, 36);
  f.close();
  EXPECT_EQ(read(path), "{\"key\":\"a\"}\n{\"key\":\"b\"}\n{\"key\":\"c\"}\n");
  std::filesystem::remove(path);
}

TEST(FileSink, TheTailPastTheRecordedSizeGivesItsKeysAndATornLineIsCut) {
  std::string path = temp_file();
  std::ofstream(path)
      << "{\"key\":\"a\"}\n{\"args\":{\"key\":\"x\"},\"key\":\"b\"}\n{\"key\":\"c\"}\n{\"key\":\"d";
  FileTail tail;
  ASSERT_EQ(read_file_tail(path, 12, tail), "");
  EXPECT_EQ(tail.keys, (std::vector<std::string>{"b", "c"}));  // the last "key" member of each line
  EXPECT_EQ(tail.size, int64_t(std::filesystem::file_size(path)));
  EXPECT_EQ(read(path).back(), '\n');  // "{"key":"d" is gone
  EXPECT_NE(tail.note.find("torn"), std::string::npos);
  // Settled: nothing more past the new size.
  ASSERT_EQ(read_file_tail(path, tail.size, tail), "");
  EXPECT_TRUE(tail.keys.empty());
  std::filesystem::remove(path);
}

TEST(FileSink, AMissingOrShorterFileIsNoted) {
  std::string path = temp_file();
  FileTail tail;
  ASSERT_EQ(read_file_tail(path, 100, tail), "");
  EXPECT_EQ(tail.size, 0);
  EXPECT_NE(tail.note.find("missing"), std::string::npos);
  std::ofstream(path) << "{\"key\":\"a\"}\n";
  ASSERT_EQ(read_file_tail(path, 500, tail), "");
  EXPECT_EQ(tail.size, 12);
  EXPECT_TRUE(tail.keys.empty());
  EXPECT_NE(tail.note.find("shorter"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(FileSink, TheKeyOfAnActionLine) {
  EXPECT_EQ(action_line_key(R"({"args":{"key":"x"},"key":"abc"})"), "abc");
  EXPECT_EQ(action_line_key(R"({"args":{}})"), "");
}

}  // namespace
}  // namespace play::sinks
