"""A pagerduty action sink posts PagerDuty Events API v2 "trigger" events to
a fake PagerDuty written here, which checks every request the way PagerDuty
documents it: POST /v2/enqueue, a JSON body with routing_key, event_action
"trigger", a dedup_key (playd's action key: a resend is the same incident),
and payload.summary, payload.source and payload.severity.

One signal fires three plays: "page" is accepted (202); "busy" is
rate-limited once (429, Retry-After: 1), then accepted: delivered once;
"bad" answers 400 invalid event and goes to the DLQ at once, the detail
naming the call and the answer. The routing key is nowhere in the DLQ or
in playd's log. A crash between PagerDuty taking an event and playd
recording it resends it after the restart with the same dedup_key (one
incident). A missing routing key variable is refused at start."""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

from playd_harness import Playd, action_key, serve, wait_for

ROUTING_KEY = "R0UTING0e2e0000SECRETKEY"

PLAYS = """
play page_room {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#oncall", text: "page: {contact.name} read {signal.url}")
}
play busy_room {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#oncall", text: "busy: {contact.name}")
}
play bad_room {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#oncall", text: "bad: {contact.name}")
}
"""

SLOW_PLAY = """
play slow_room {
  owner "revops@acme.com"
  on website.page_viewed
  do notify(channel: "#oncall", text: "slow: {signal.url}")
}
"""


class FakePagerDuty:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (status, body dict)
        self.problems = []  # requests that broke the Events API v2 shape
        self.busy_answered = 0
        self.held = threading.Event()     # the first "slow:" event arrived (and is held)
        self.release = threading.Event()  # then answer it
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def answer(self, status, payload, headers=None):
                data = json.dumps(payload, separators=(",", ":")).encode()
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                problems = []
                if self.command != "POST" or self.path != "/v2/enqueue":
                    problems.append("request " + self.command + " " + self.path)
                if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                    problems.append("content type " + str(self.headers.get("Content-Type")))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                    problems.append("not JSON: " + raw.decode(errors="replace"))
                if body.get("routing_key") != ROUTING_KEY:
                    problems.append("routing_key " + str(body.get("routing_key")))
                if body.get("event_action") != "trigger":
                    problems.append("event_action " + str(body.get("event_action")))
                if not isinstance(body.get("dedup_key"), str) or not body.get("dedup_key"):
                    problems.append("no dedup_key")
                payload = body.get("payload") or {}
                summary = payload.get("summary")
                if not isinstance(summary, str) or not summary or len(summary) > 1024:
                    problems.append("summary " + str(summary))
                if payload.get("source") != "playd":
                    problems.append("source " + str(payload.get("source")))
                if payload.get("severity") not in ("critical", "error", "warning", "info"):
                    problems.append("severity " + str(payload.get("severity")))
                summary = summary or ""
                hold = False
                with fake.lock:
                    fake.problems += problems
                    if problems:
                        status, out, headers = 400, {"status": "invalid event", "errors": problems}, {}
                    elif summary.startswith("busy:") and fake.busy_answered == 0:
                        fake.busy_answered += 1
                        status, out, headers = 429, {"status": "throttled"}, {"Retry-After": "1"}
                    elif summary.startswith("slow:") and not fake.held.is_set():
                        # PagerDuty takes the event (the incident exists), but its answer is late.
                        hold = True
                        status, out, headers = 202, {"status": "success", "dedup_key": body.get("dedup_key")}, {}
                    elif summary.startswith("bad:"):
                        status, out, headers = 400, {"status": "invalid event", "message": "Event object is invalid",
                                                     "errors": ["routing_key " + ROUTING_KEY + " is wrong"]}, {}
                    else:
                        status, out, headers = 202, {"status": "success", "message": "Event processed",
                                                     "dedup_key": body.get("dedup_key")}, {}
                    fake.requests.append((status, body))
                if hold:
                    fake.held.set()
                    fake.release.wait(30)
                try:
                    self.answer(status, out, headers)
                except OSError:
                    pass  # playd is gone

            def log_message(self, *a):
                pass

        self.server, self.base_url = serve(Handler)

    def by_play(self, play):
        with self.lock:
            return [(s, b) for s, b in self.requests
                    if b.get("payload", {}).get("custom_details", {}).get("play") == play]

    def close(self):
        self.server.shutdown()


def main(binary):
    fake = FakePagerDuty()
    os.environ["PLAYD_TEST_PAGERDUTY_ROUTING_KEY"] = ROUTING_KEY
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/rooms.play", "w") as f:
            f.write(PLAYS)
        config = f"""
[execution]
retry_schedule = ["200ms"]

[sinks.chat]
kind = "pagerduty"
routing_key_env = "PLAYD_TEST_PAGERDUTY_ROUTING_KEY"
base_url = "{fake.base_url}"
severity = "warning"
dashboard_url = "http://playd.example:8080"
"""
        pd = Playd(binary, tmp + "/data", config, plays=plays).start()
        try:
            status, body = pd.request("PUT", "/v1/contacts/eve@bigco.com", {"name": "Eve"})
            assert status == 200, body
            status, body = pd.request("POST", "/v1/signals", {
                "id": "e1", "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                "account": "bigco.com", "contact": "eve@bigco.com",
                "properties": {"category": "docs", "url": "https://x.io/pricing"}})
            assert status == 200, body

            def accepted(play):
                return [b for s, b in fake.by_play(play) if s == 202]

            wait_for(lambda: len(accepted("page_room")) == 1 and len(accepted("busy_room")) == 1
                     and len(pd.dlq()) == 1, 30, "two events accepted and one DLQ entry")
            assert fake.problems == [], fake.problems

            page = accepted("page_room")[0]
            assert page["dedup_key"] == action_key("page_room", "e1", 0), page
            p = page["payload"]
            assert p["summary"] == "page: Eve read https://x.io/pricing", p
            assert p["source"] == "playd" and p["severity"] == "warning", p
            details = p["custom_details"]
            assert details["signal"] == "e1" and details["account"] == "bigco.com", details
            assert details["contact"] == "eve@bigco.com", details
            assert details["args"]["text"] == p["summary"], details
            hrefs = [link["href"] for link in page["links"]]
            assert hrefs == ["http://playd.example:8080/plays/page_room",
                             "http://playd.example:8080/v1/signals/e1/trace"], hrefs

            # Rate limited once, then retried after Retry-After with the same dedup_key: delivered once.
            busy = fake.by_play("busy_room")
            assert [s for s, _ in busy] == [429, 202], busy
            assert busy[0][1]["dedup_key"] == busy[1][1]["dedup_key"] == action_key("busy_room", "e1", 0), busy
            # An invalid event is not retried: the DLQ at once.
            assert [s for s, _ in fake.by_play("bad_room")] == [400]

            [entry] = pd.dlq()
            assert entry["play"] == "bad_room", entry
            body = pd.dlq_entry(entry['key'])
            assert ROUTING_KEY not in body, body
            assert "PagerDuty Events API v2: 400" in body and "Event object is invalid" in body, body
            assert "[redacted]" in body, body
            assert pd.stop() == 0
            log = pd.stderr()
            assert ROUTING_KEY not in log, log
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()

        # A crash between PagerDuty taking the event and playd recording it: the resend after the
        # restart carries the same dedup_key, so PagerDuty has one incident, not two.
        crash_plays = tmp + "/crash_plays"
        os.makedirs(crash_plays)
        with open(crash_plays + "/slow.play", "w") as f:
            f.write(SLOW_PLAY)
        pd = Playd(binary, tmp + "/crash_data", config, plays=crash_plays).start()
        try:
            status, body = pd.request("POST", "/v1/signals", {
                "id": "c1", "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                "account": "bigco.com", "properties": {"category": "docs", "url": "https://x.io/"}})
            assert status == 200, body
            assert fake.held.wait(30), "the slow event never arrived"
            pd.kill9()
            fake.release.set()
            pd = Playd(binary, tmp + "/crash_data", config, plays=crash_plays).start()
            wait_for(lambda: len(fake.by_play("slow_room")) == 2, 30, "the resend after the restart")
            slow = fake.by_play("slow_room")
            assert [s for s, _ in slow] == [202, 202], slow
            keys = {b["dedup_key"] for _, b in slow}
            assert keys == {action_key("slow_room", "c1", 0)}, keys  # one incident on PagerDuty's side
            assert pd.stop() == 0
            assert ROUTING_KEY not in pd.stderr()
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            fake.release.set()
            fake.close()

        # Refused at start: an unset routing key variable, no routing key, a bad severity.
        for bad, want in [
            ('routing_key_env = "PLAYD_TEST_UNSET_PD_KEY"', "the environment variable PLAYD_TEST_UNSET_PD_KEY is not set"),
            ("", "needs routing_key_env or routing_key_file"),
            ('routing_key_env = "PLAYD_TEST_PAGERDUTY_ROUTING_KEY"\nseverity = "fatal"', "sinks.pager.severity"),
        ]:
            path = tmp + "/bad.toml"
            with open(path, "w") as f:
                f.write(f'[sinks.pager]\nkind = "pagerduty"\n{bad}\n')
            out = subprocess.run([binary, "serve", "--plays", plays, "--data", tmp + "/bad", "--listen",
                                  "127.0.0.1:0", "--config", path], capture_output=True, text=True, timeout=30)
            assert out.returncode == 2 and want in out.stderr, (bad, out.returncode, out.stderr)
            assert ROUTING_KEY not in out.stderr
    print("pagerduty sink: ok")


if __name__ == "__main__":
    main(sys.argv[1])
