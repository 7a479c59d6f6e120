// What a Slack sink (an incoming webhook, or any Slack-compatible endpoint)
// posts for an action: {"text": ...} in Slack's mrkdwn.
//
// A notify posts its `text` as the play author wrote it -- their markup
// (*bold*, <https://app|links>, <!here>) kept -- with every value that came
// from a signal or a record escaped (& < > as &amp; &lt; &gt;): a contact
// named "<!channel> <https://evil|Reset your password>" shows as that text
// instead of pinging the channel with a phishing link. The codegen compiles
// that form next to the plain text (vm::Action::mrkdwn_text) and playd's
// engine renders it with the action. Other actions sent to a Slack sink post
// a one-line summary, every value escaped.
#pragma once

#include <string>
#include <string_view>

#include "runtime/sinks/executor.h"

namespace play::sinks {

std::string slack_body(const PendingAction& a);
// The text alone: a notify's mrkdwn text, or the escaped summary.
std::string slack_text(const PendingAction& a);

// & < > escaped for mrkdwn.
std::string mrkdwn_escape(std::string_view s);

}  // namespace play::sinks
