"""A slack sink with a bot token posts through Slack's Web API
(chat.postMessage) to a fake Slack written here, which checks every
request the way Slack documents it: POST /api/chat.postMessage,
Authorization: Bearer xoxb-..., a JSON body with `channel` and `text`.

One signal fires four plays, one per channel, and the fake answers by
channel: #deals is posted (with Block Kit links to the dashboard); #busy is
rate-limited once (429, Retry-After: 1) and then posted; #gone answers
ok:false channel_not_found; #locked answers 401 echoing the token. The
last two go to the DLQ at once, their detail naming the Slack call and its
answer, the token nowhere in the DLQ or in playd's log."""
import http.server
import json
import os
import sys
import tempfile
import threading
import time

from playd_harness import Playd, serve, wait_for

TOKEN = "xoxb-e2e-0000-SECRETTOKEN"

PLAYS = """
play deals_room {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#deals", text: "*{contact.name}* read {signal.url}")
}
play busy_room {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#busy", text: "busy: {contact.name}")
}
play gone_room {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#gone", text: "gone: {contact.name}")
}
play locked_room {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#locked", text: "locked: {contact.name}")
}
"""


class FakeSlack:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (channel, status, body dict)
        self.problems = []  # requests that broke Slack's documented shape
        self.busy_answered = 0
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def answer(self, status, payload, headers=None):
                data = json.dumps(payload, separators=(",", ":")).encode()
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                problems = []
                if self.path != "/api/chat.postMessage":
                    problems.append("path " + self.path)
                if self.headers.get("Authorization") != "Bearer " + TOKEN:
                    problems.append("auth " + str(self.headers.get("Authorization")))
                if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                    problems.append("content type " + str(self.headers.get("Content-Type")))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                    problems.append("not JSON: " + raw.decode(errors="replace"))
                for field in ("channel", "text"):
                    if not isinstance(body.get(field), str) or not body.get(field):
                        problems.append("no " + field)
                channel = body.get("channel")
                with fake.lock:
                    fake.problems += problems
                    if problems:
                        status, payload, headers = 400, {"ok": False, "error": "invalid_arguments"}, {}
                    elif channel == "#busy" and fake.busy_answered == 0:
                        fake.busy_answered += 1
                        status, payload, headers = 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
                    elif channel == "#gone":
                        status, payload, headers = 200, {"ok": False, "error": "channel_not_found"}, {}
                    elif channel == "#locked":
                        status, payload, headers = 401, {"ok": False, "error": "invalid_auth", "token": TOKEN}, {}
                    else:
                        status, payload, headers = 200, {"ok": True, "channel": "C1", "ts": str(time.time())}, {}
                    fake.requests.append((channel, status, body))
                self.answer(status, payload, headers)

            def log_message(self, *a):
                pass

        self.server, url = serve(Handler)
        self.base_url = url + "api"

    def posted(self, channel):
        with self.lock:
            return [b for c, s, b in self.requests if c == channel and s == 200 and b.get("channel") == channel
                    and channel not in ("#gone",)]

    def close(self):
        self.server.shutdown()


def main(binary):
    slack = FakeSlack()
    os.environ["PLAYD_TEST_SLACK_BOT_TOKEN"] = TOKEN
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/rooms.play", "w") as f:
            f.write(PLAYS)
        config = f"""
[execution]
retry_schedule = ["200ms"]

[sinks.chat]
kind = "slack"
token_env = "PLAYD_TEST_SLACK_BOT_TOKEN"
base_url = "{slack.base_url}"
blocks = true
dashboard_url = "http://playd.example:8080"
"""
        pd = Playd(binary, tmp + "/data", config, plays=plays).start()
        try:
            status, body = pd.request("PUT", "/v1/contacts/eve@bigco.com", {"name": "Eve <Ops> & Co"})
            assert status == 200, body
            status, body = pd.request("POST", "/v1/signals", {
                "id": "e1", "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                "account": "bigco.com", "contact": "eve@bigco.com",
                "properties": {"category": "docs", "url": "https://x.io/pricing"}})
            assert status == 200, body

            wait_for(lambda: len(slack.posted("#deals")) == 1 and len(slack.posted("#busy")) == 1
                     and len(pd.dlq()) == 2, 30, "two posts and two DLQ entries")
            assert slack.problems == [], slack.problems

            # Posted: the notify text with signal values escaped, Block Kit links.
            deals = slack.posted("#deals")[0]
            assert deals["text"] == "*Eve &lt;Ops&gt; &amp; Co* read https://x.io/pricing", deals
            blocks = json.dumps(deals["blocks"])
            assert deals["blocks"][0]["type"] == "section", deals
            assert deals["blocks"][0]["text"] == {"type": "mrkdwn", "text": deals["text"]}, deals
            assert "http://playd.example:8080/plays/deals_room" in blocks, blocks
            assert "http://playd.example:8080/v1/signals/e1/trace" in blocks, blocks

            # Rate limited once, then retried after Retry-After and posted once.
            with slack.lock:
                busy = [s for c, s, _ in slack.requests if c == "#busy"]
                gone = [s for c, s, _ in slack.requests if c == "#gone"]
                locked = [s for c, s, _ in slack.requests if c == "#locked"]
            assert busy == [429, 200], busy
            # Not retried: it would fail again.
            assert gone == [200] and locked == [401], (gone, locked)

            details = {}
            for a in pd.dlq():
                body = pd.dlq_entry(a['key'])
                assert TOKEN not in body, body
                details[a["play"]] = body
            assert set(details) == {"gone_room", "locked_room"}, details
            assert 'Slack chat.postMessage: 200 {\\"ok\\":false,\\"error\\":\\"channel_not_found\\"}' in \
                details["gone_room"], details["gone_room"]
            assert "credentials rejected by Slack: Slack chat.postMessage: 401" in details["locked_room"], \
                details["locked_room"]
            assert "[redacted]" in details["locked_room"], details["locked_room"]
            assert pd.stop() == 0
            log = pd.stderr()
            assert TOKEN not in log, log
            assert "channel_not_found" in log, log  # the DLQ line says why
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            slack.close()
    print("slack api sink: ok")


if __name__ == "__main__":
    main(sys.argv[1])
