#include "runtime/sinks/slack.h"

#include <gtest/gtest.h>

namespace play::sinks {
namespace {

TEST(Slack, ANotifyPostsItsMrkdwnText) {
  PendingAction a;
  a.text = "<!here> *&lt;b&gt;* said \"hi\"";
  EXPECT_EQ(slack_body(a), R"({"text":"<!here> *&lt;b&gt;* said \"hi\""})");
}

TEST(Slack, OtherActionsPostAnEscapedSummary) {
  PendingAction a;
  a.play = "p";
  a.contact = "<!channel>@x.io";
  a.line = R"({"kind":"action","play":"p","action":"task","signal":"s","args":{"action":"nope"}})";
  EXPECT_EQ(slack_body(a), R"({"text":"*p*: task for &lt;!channel&gt;@x.io"})");
  EXPECT_EQ(mrkdwn_escape("a & b < c > d"), "a &amp; b &lt; c &gt; d");
}

}  // namespace
}  // namespace play::sinks
