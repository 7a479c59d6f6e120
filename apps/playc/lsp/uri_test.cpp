#include "apps/playc/lsp/uri.h"

#include <gtest/gtest.h>

using play::lsp::path_to_uri;
using play::lsp::uri_to_path;

TEST(Uri, FileUrisDecodeAndNormalize) {
  EXPECT_EQ(uri_to_path("file:///a/b%20c.play"), "/a/b c.play");
  EXPECT_EQ(uri_to_path("file:///a/./x/../b.play"), "/a/b.play");
  EXPECT_EQ(uri_to_path("file://localhost/a.play"), "/a.play");
  EXPECT_EQ(uri_to_path("file:///caf%C3%A9.play"), "/café.play");
}

TEST(Uri, OtherSchemesStayAsTheyAre) { EXPECT_EQ(uri_to_path("untitled:Untitled-1"), "untitled:Untitled-1"); }

TEST(Uri, PathsEncodeAndRoundTrip) {
  EXPECT_EQ(path_to_uri("/a/b c.play"), "file:///a/b%20c.play");
  for (const char* p : {"/x/y.play", "/sp ace/é#?.play", "/a+b/c%d.play"})
    EXPECT_EQ(uri_to_path(path_to_uri(p)), p);
}
