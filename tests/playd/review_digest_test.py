"""The review queue's digest ([review] digest_slack_url_env, digest_every):
on the service's clock (--simulated-clock), once a period, a Slack
incoming-webhook message lists the open review items per queue; nothing is
sent before the period is up, nor when nothing is open. A loopback fake
stands in for Slack."""
import http.server
import json
import os
import sys
import tempfile
import threading
import time

from playd_harness import Playd, serve, wait_for

ADMIN = {"Authorization": "Bearer adm_token"}
SOURCE = {"Authorization": "Bearer tok_web"}
CONFIG = """
[server]
admin_token = "adm_token"
trust_loopback = false

[[sources]]
name = "web"
secret = "tok_web"
context = true

[review]
digest_slack_url_env = "REVIEW_DIGEST_TEST_URL"
digest_every = "7d"
"""


class FakeSlack:
    def __init__(self):
        self.posts = []
        self.lock = threading.Lock()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with fake.lock:
                    fake.posts.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *a):
                pass

        self.server, self.url = serve(Handler)

    def count(self):
        with self.lock:
            return len(self.posts)


def set_clock(pd, now):
    status, body = pd.request("POST", "/v1/admin/clock", {"now": now}, headers=ADMIN)
    assert status == 200, (status, body)
    time.sleep(1)  # the digest looks at the clock four times a second


def main(binary):
    slack = FakeSlack()
    os.environ["REVIEW_DIGEST_TEST_URL"] = slack.url + "hooks/T000/B000/xyz"
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", CONFIG)
        pd.start_args = ["--simulated-clock"]
        pd.start()
        try:
            set_clock(pd, "2026-06-20T10:00:00Z")  # the period starts again (the clock went back)
            for domain in ("bigco.com", "megacorp.com"):
                status, _ = pd.request("PUT", f"/v1/accounts/{domain}", {"name": domain, "employees": 5000,
                                                                        "country": "US"}, headers=SOURCE)
                assert status == 200
            signals = [{"id": f"booth_{i}", "type": "ecosystem.event_attended",
                        "occurred_at": "2026-06-20T09:58:00Z", "account": d, "contact": f"ana@{d}",
                        "properties": {"event": "SaaStr <Annual> & co", "role": "booth_visitor"}}
                       for i, d in enumerate(("bigco.com", "megacorp.com"))]
            status, body = pd.request("POST", "/v1/signals", signals, headers=SOURCE)
            assert status == 200, (status, body)
            wait_for(lambda: len(json.loads(pd.request("GET", "/v1/review", headers=ADMIN)[1])["items"]) == 2,
                     30, "two open review items")

            set_clock(pd, "2026-06-26T10:00:00Z")  # six days: not yet
            assert slack.count() == 0, slack.posts
            set_clock(pd, "2026-06-27T10:00:01Z")  # seven days: the digest
            wait_for(lambda: slack.count() == 1, 10, "the weekly digest")
            time.sleep(1)
            assert slack.count() == 1, slack.posts  # once a period
            text = slack.posts[0]["text"]
            assert "*Review queue*: 2 open items in 1 queue" in text, text
            assert "*weekly-events* (2)" in text, text
            assert "bigco.com" in text and "megacorp.com" in text and "event_attendee_review" in text, text
            assert pd.base + "/review|review them>" in text, text
            assert "<Annual>" not in text and "SaaStr &lt;Annual&gt; &amp; co" in text, text  # escaped

            # Everything done: the next period sends nothing.
            for item in json.loads(pd.request("GET", "/v1/review", headers=ADMIN)[1])["items"]:
                assert pd.request("POST", f"/v1/review/{item['key']}/done", b"", headers=ADMIN)[0] == 200
            set_clock(pd, "2026-07-04T10:00:02Z")
            time.sleep(0.5)
            assert slack.count() == 1, slack.posts
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            slack.server.shutdown()

    # A variable that is not set stops playd at start, naming the key.
    with tempfile.TemporaryDirectory() as tmp:
        del os.environ["REVIEW_DIGEST_TEST_URL"]
        pd = Playd(binary, tmp + "/data", CONFIG)
        try:
            pd.start()
            raise AssertionError("playd started without its digest URL")
        except RuntimeError as e:
            assert "review.digest_slack_url_env" in str(e) and "REVIEW_DIGEST_TEST_URL" in str(e), e
            assert pd.proc.wait(timeout=10) == 2
    print("review digest: ok")


if __name__ == "__main__":
    main(sys.argv[1])
