#include "apps/playc/lsp/framing.h"

#include <gtest/gtest.h>

using play::lsp::frame;
using play::lsp::Framer;

TEST(Framer, CutsMessagesFedInPieces) {
  std::string wire = frame("{\"a\":1}") + frame("{\"b\":\"é\"}");
  Framer f;
  std::string body, error;
  for (char c : wire.substr(0, 10)) f.feed(std::string(1, c));
  EXPECT_FALSE(f.next(body, error));
  EXPECT_TRUE(error.empty());
  f.feed(wire.substr(10));
  ASSERT_TRUE(f.next(body, error));
  EXPECT_EQ(body, "{\"a\":1}");
  ASSERT_TRUE(f.next(body, error));
  EXPECT_EQ(body, "{\"b\":\"é\"}");  // Content-Length counts bytes
  EXPECT_FALSE(f.next(body, error));
}

TEST(Framer, AcceptsOtherHeadersAndBareNewlines) {
  Framer f;
  f.feed("Content-Type: application/vscode-jsonrpc; charset=utf-8\ncontent-length:  2 \n\n{}");
  std::string body, error;
  ASSERT_TRUE(f.next(body, error));
  EXPECT_EQ(body, "{}");
}

TEST(Framer, DropsAHeaderWithoutLengthAndRecovers) {
  Framer f;
  f.feed("Content-Length: abc\r\n\r\n" + frame("[1]"));
  std::string body, error;
  EXPECT_FALSE(f.next(body, error));
  EXPECT_NE(error.find("Content-Length"), std::string::npos);
  ASSERT_TRUE(f.next(body, error));
  EXPECT_EQ(body, "[1]");
}

TEST(Framer, RefusesHugeBodies) {
  Framer f;
  f.feed("Content-Length: 999999999999\r\n\r\n" + frame("1"));
  std::string body, error;
  EXPECT_FALSE(f.next(body, error));
  EXPECT_NE(error.find("too large"), std::string::npos);
  ASSERT_TRUE(f.next(body, error));
  EXPECT_EQ(body, "1");
}
