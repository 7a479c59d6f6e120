#include "apps/playc/line_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace play::playc {
namespace {

std::vector<std::string> read_all(const std::string& text, std::string* error = nullptr) {
  auto path = std::filesystem::temp_directory_path() / ("line_reader_" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary) << text;
  LineReader r;
  std::string err;
  EXPECT_TRUE(r.open(path.string(), err)) << err;
  std::vector<std::string> lines;
  std::string_view line;
  while (r.next(line)) lines.emplace_back(line);
  if (error) *error = r.error();
  std::filesystem::remove(path);
  return lines;
}

TEST(LineReader, LinesWithAndWithoutTheLastNewline) {
  EXPECT_EQ(read_all("a\nbb\n\nccc\n"), (std::vector<std::string>{"a", "bb", "", "ccc"}));
  EXPECT_EQ(read_all("a\nbb"), (std::vector<std::string>{"a", "bb"}));
  EXPECT_EQ(read_all(""), std::vector<std::string>{});
  EXPECT_EQ(read_all("\r\n"), std::vector<std::string>{"\r"});  // CR is the caller's to drop
}

TEST(LineReader, LinesAcrossAndLongerThanTheBuffer) {
  // The buffer is 1 MiB: a 3 MiB line, then lines straddling chunk boundaries.
  std::string big(3 << 20, 'x');
  std::string text = big + "\n";
  std::vector<std::string> want{big};
  for (int i = 0; i < 200000; ++i) {
    want.push_back("line " + std::to_string(i));
    text += want.back() + "\n";
  }
  text += "tail";
  want.push_back("tail");
  std::string err;
  EXPECT_EQ(read_all(text, &err), want);
  EXPECT_EQ(err, "");
}

TEST(LineReader, MissingFileAndDirectorySayWhy) {
  LineReader r;
  std::string err;
  EXPECT_FALSE(r.open("/nonexistent/signals.ndjson", err));
  EXPECT_EQ(err, "No such file or directory");
  LineReader d;
  ASSERT_TRUE(d.open(std::filesystem::temp_directory_path().string(), err));  // fopen takes a directory
  std::string_view line;
  EXPECT_FALSE(d.next(line));
  EXPECT_EQ(d.error(), "Is a directory");
}

}  // namespace
}  // namespace play::playc
