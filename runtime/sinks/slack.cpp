#include "runtime/sinks/slack.h"

#include "common/json/json.h"

namespace play::sinks {

std::string mrkdwn_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

namespace {

// The value of a top-level string member of an action line ("" if none).
// The line is ours (engine::render_action): the first occurrence of
// "action":" is the member, since `kind` comes first and play names are
// identifiers.
std::string member(std::string_view line, std::string_view name) {
  std::string pat = "\"" + std::string(name) + "\":\"";
  size_t p = line.find(pat);
  if (p == std::string_view::npos) return "";
  size_t b = p + pat.size(), e = b;
  while (e < line.size() && line[e] != '"') e += line[e] == '\\' ? 2 : 1;
  return std::string(line.substr(b, e - b));  // still JSON-escaped: fine for a summary
}

}  // namespace

std::string slack_text(const PendingAction& a) {
  std::string text = a.text;
  if (text.empty()) {
    std::string who = !a.contact.empty() ? a.contact : a.account;
    text = "*" + mrkdwn_escape(a.play) + "*: " + mrkdwn_escape(member(a.line, "action")) +
           (who.empty() ? "" : " for " + mrkdwn_escape(who));
  }
  return text;
}

std::string slack_body(const PendingAction& a) { return "{\"text\":" + json::quote(slack_text(a)) + "}"; }

}  // namespace play::sinks
