"""Alerts over 13 simulated days (`playd serve --simulated-clock`): eight
days of steady demo requests, then a broken tracking script (volume_drop
fires, then resolves when traffic returns), a spike (volume_spike), a sink
that fails (success_rate, then undelivered 2 h after the actions were
issued, and latency_p95 once its retries deliver hours late; all resolve)
and a stuck lane (lag: qualification paused behind a sink that is down).
Checked through GET /v1/alerts, playd_alert_firing in /metrics, and what
real loopback Slack, PagerDuty and webhook receivers get: a trigger, then a
resolve, the webhook signed with Standard Webhooks -- while a fourth alert
sink answers 503 to everything."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone

from playd_harness import Playd, Sink, serve, setup_context, wait_for

T0 = datetime(2026, 6, 1, tzinfo=timezone.utc)
SECRET = "whsec_" + base64.b64encode(b"alert-signing-secret").decode()
ROUTING_KEY = "R0UTINGKEY0123456789"
DROP = "playd/volume_drop/demo_request"


def at(day, hour, minute=0):
    return T0 + timedelta(days=day, hours=hour, minutes=minute)


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Receiver:
    """Slack (/slack), PagerDuty (/pd/v2/enqueue) and a webhook (/hook) on one loopback server."""

    def __init__(self):
        self.lock = threading.Lock()
        self.got = []  # (path, headers, raw body)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.got.append((self.path, dict(self.headers), body))
                status = 202 if self.path.startswith("/pd") else 503 if self.path == "/broken" else 200
                payload = b'{"status":"success"}'
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *a):
                pass

        self.server, self.url = serve(Handler)

    def bodies(self, path):
        with self.lock:
            return [(h, json.loads(b), b) for p, h, b in self.got if p == path]

    def close(self):
        self.server.shutdown()


def verify_signature(headers, raw):
    """Standard Webhooks: v1,base64(HMAC-SHA256(key, id.timestamp.body))."""
    key = base64.b64decode(SECRET[len("whsec_"):])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + raw
    want = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert want in headers["webhook-signature"].split(" "), (headers, want)
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 300, "signed with the real clock"


class Scenario:
    def __init__(self, pd, crm, chat):
        self.pd, self.crm, self.chat = pd, crm, chat
        self.n = 0
        self.now = None

    def clock(self, t):
        """Sets the service's clock: an alert round runs at once."""
        self.now = t
        status, body = self.pd.request("POST", "/v1/admin/clock", {"now": rfc3339(t)})
        assert status == 200, (status, body)

    def signal(self, form="demo_request"):
        self.n += 1
        return {"id": f"evt_{self.n}", "type": "website.form_submitted", "occurred_at": rfc3339(self.now),
                "account": "bigco.com", "contact": f"c{self.n}@bigco.com", "properties": {"form": form}}

    def post(self, signals):
        # max_pending_actions = 1: while the last batch's actions are being sent, playd says 503.
        deadline = time.time() + 20
        while True:
            status, body = self.pd.request("POST", "/v1/signals", signals)
            if status != 503 or time.time() > deadline:
                break
            time.sleep(0.02)
        assert status == 200 and json.loads(body)["accepted"] == len(signals), (status, body)

    def demo_requests(self, count):
        """`count` demo requests now; returns once both of each one's actions were delivered."""
        crm, chat = len(self.crm.delivered()), len(self.chat.delivered())
        self.post([self.signal() for _ in range(count)])
        wait_for(lambda: len(self.crm.delivered()) >= crm + count and len(self.chat.delivered()) >= chat + count,
                 20, f"{count} demo requests delivered")
        # ... and recorded as delivered: a clock moved on before that would see them undelivered for hours.
        self.settled()

    def settled(self):
        wait_for(lambda: json.loads(self.pd.request("GET", "/v1/overview")[1])["pending_actions"] == 0, 20,
                 "no action pending")

    def failed_attempts(self, sink, hour):
        """Failed delivery attempts to `sink` the history counts in the hour starting at `hour`."""
        _, body = self.pd.request("GET", f"/v1/history?play=demo_request&from={rfc3339(hour)}&to={rfc3339(hour)}")
        bucket = json.loads(body)["buckets"][0]
        return bucket["by_sink"].get(sink, {}).get("failed", 0)

    def alerts(self):
        status, body = self.pd.request("GET", "/v1/alerts")
        assert status == 200, (status, body)
        return json.loads(body)["alerts"]

    def alert(self, key):
        """The newest incident of `key`, or None."""
        return next((a for a in self.alerts() if a["key"] == key), None)

    def expect(self, key, state, what):
        def check():
            a = self.alert(key)
            return a is not None and a["state"] == state
        try:
            wait_for(check, 10, what)
        except AssertionError:
            raise AssertionError(f"{what}: {key} is {self.alert(key)}; all: {self.alerts()}\n{self.pd.stderr()[-3000:]}")
        return self.alert(key)

    def firing_metric(self, rule, play):
        _, text = self.pd.request("GET", "/metrics")
        line = f'playd_alert_firing{{rule="{rule}",play="{play}"}} '
        values = [l[len(line):] for l in text.splitlines() if l.startswith(line)]
        return values[0] if values else None


def main(binary):
    crm, chat, receiver = Sink(), Sink(), Receiver()
    os.environ["PLAYD_TEST_PD_ROUTING_KEY"] = ROUTING_KEY
    os.environ["PLAYD_TEST_WEBHOOK_SECRET"] = SECRET
    config = f"""
[execution]
retry_schedule = ["30m"]
max_pending_actions = 1

[sinks.crm]
kind = "http"
url = "{crm.url}"

[sinks.chat]
kind = "http"
url = "{chat.url}"

[alerts]
interval = "1h"          # rounds run when the test sets the clock
volume_min_daily = 5
dashboard_url = "https://playd.example.com"

[alerts.plays.demo_request]
volume_spike = 3

[alert_sinks.slack]
kind = "slack"
url = "{receiver.url}slack"

[alert_sinks.pagerduty]
kind = "pagerduty"
base_url = "{receiver.url}pd"
routing_key_env = "PLAYD_TEST_PD_ROUTING_KEY"

[alert_sinks.ops]
kind = "webhook"
url = "{receiver.url}hook"
secret_env = "PLAYD_TEST_WEBHOOK_SECRET"

[alert_sinks.broken]      # always 503: it delays only its own notifications
kind = "webhook"
url = "{receiver.url}broken"
max_attempts = 2
retry_schedule = ["50ms"]
"""
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", config)
        pd.start_args = ["--simulated-clock"]
        pd.start()
        try:
            s = Scenario(pd, crm, chat)
            s.clock(at(0, 0))
            setup_context(pd)

            # Eight days of 12 demo requests a day, 3 every 6 hours.
            for day in range(8):
                for hour in (1, 7, 13, 19):
                    s.clock(at(day, hour))
                    s.demo_requests(3)
            s.clock(at(7, 20))
            assert s.alert(DROP) is None, s.alerts()

            # Day 8: the tracking script breaks. At 07:00 the last 24 h hold 6
            # signals, 50% of the 7-day average of 12: not below. At 13:00, 3: 25%.
            s.clock(at(8, 7))
            s.clock(at(8, 7, 1))
            time.sleep(0.3)
            assert s.alert(DROP) is None, s.alerts()
            s.clock(at(8, 13))
            a = s.expect(DROP, "firing", "the drop")
            assert a["rule"] == "volume_drop" and a["play"] == "demo_request", a
            assert a["value"] == 0.25 and a["threshold"] == 0.5, a
            assert "3 signals in the last 24h, 25% of its 7-day daily average of 12" in a["summary"], a
            assert s.firing_metric("volume_drop", "demo_request") == "1"

            # Day 9: fixed; 6 signals in the last 24 h are 50% of the average it fired against.
            for hour in (1, 7, 13):
                s.clock(at(9, hour))
                s.demo_requests(3)
            s.clock(at(9, 13, 1))
            a = s.expect(DROP, "resolved", "the drop's end")
            assert a["since"].startswith(rfc3339(at(8, 13))[:16]) and a["until"], a
            assert s.firing_metric("volume_drop", "demo_request") == "0"
            s.clock(at(9, 19))
            s.demo_requests(3)

            # Day 10: a spike, 60 requests in an hour (this play's threshold: 3x the average).
            s.clock(at(10, 1))
            s.demo_requests(60)
            s.clock(at(10, 1, 30))
            a = s.expect("playd/volume_spike/demo_request", "firing", "the spike")
            assert a["threshold"] == 3 and a["value"] > 3, a
            for hour in (7, 13, 19):  # then a normal day again (no drop after the spike)
                s.clock(at(10, hour))
                s.demo_requests(4)

            # Day 11: the chat sink fails every request.
            chat.default = 500
            s.clock(at(11, 2))
            s.post([s.signal() for _ in range(12)])
            wait_for(lambda: s.failed_attempts("chat", at(11, 2)) >= 12, 20, "12 failed sends to chat, recorded")
            s.clock(at(11, 2, 10))
            a = s.expect("playd/success_rate/demo_request/chat", "firing", "the failing sink")
            assert a["subject"] == "sink chat" and a["value"] == 0 and a["threshold"] == 0.95, a
            assert s.alert("playd/success_rate/demo_request/crm") is None  # crm delivers
            assert s.alert("playd/undelivered/demo_request/chat") is None  # not 2 h yet
            s.clock(at(11, 4, 5))
            a = s.expect("playd/undelivered/demo_request/chat", "firing", "actions undelivered for 2 h")
            assert "12 actions to sink chat undelivered for more than 2h" in a["summary"], a
            chat.default = 200
            delivered = len(chat.delivered())
            s.clock(at(11, 4, 40))  # the retries (every 30 min) go through
            wait_for(lambda: len(chat.delivered()) >= delivered + 12, 20, "the retries")
            s.settled()
            s.clock(at(11, 4, 41))
            s.expect("playd/undelivered/demo_request/chat", "resolved", "undelivered ends once delivered")
            # Those 12 notifies took 2h40m from signal to delivery; demo_request's sla is 5 minutes.
            a = s.expect("playd/latency_p95/demo_request", "firing", "p95 latency above the sla")
            assert a["threshold"] == 300 and 2.6 * 3600 < a["value"] < 2.7 * 3600, a
            s.clock(at(11, 6, 10))  # the window (1 h) holds no failure any more
            s.expect("playd/success_rate/demo_request/chat", "resolved", "the sink's recovery")
            s.expect("playd/latency_p95/demo_request", "resolved", "no slow deliveries in the last hour")

            # Day 12: a stuck lane. max_pending_actions = 1 and chat down: one
            # demo request's notify waits, so qualification pauses after its
            # batch (256 signals) and the rest of the request waits in the high lane.
            chat.default = 500
            s.clock(at(12, 1))
            failed = len([r for r in chat.received if r[1] == 500])
            s.post([s.signal()] + [s.signal(form="newsletter") for _ in range(299)])
            wait_for(lambda: len([r for r in chat.received if r[1] == 500]) > failed, 20, "the notify failing")
            _, overview = pd.request("GET", "/v1/overview")
            high = json.loads(overview)["lanes"]["high"]
            assert high["depth"] > 0, overview
            s.clock(at(12, 1, 10))  # 10 minutes in the lane; the tightest sla it feeds is 5 minutes
            a = s.expect("playd/lag/high", "firing", "the stuck lane")
            assert a["subject"] == "lane high" and a["value"] >= 590 and a["threshold"] <= 300, a
            assert s.firing_metric("lag", a["play"]) == "1"
            chat.default = 200
            s.clock(at(12, 1, 45))  # the notify's retry goes through; the lane drains
            wait_for(lambda: json.loads(pd.request("GET", "/v1/overview")[1])["lanes"]["high"]["depth"] == 0, 20,
                     "the lane to drain")
            s.clock(at(12, 1, 46))
            s.expect("playd/lag/high", "resolved", "the lane drained")

            # GET /v1/alerts: firing first, then resolved, newest first.
            alerts = s.alerts()
            states = [a["state"] for a in alerts]
            assert states == sorted(states), alerts  # "firing" < "resolved"
            assert {a["key"] for a in alerts} >= {DROP, "playd/volume_spike/demo_request", "playd/lag/high",
                                                  "playd/success_rate/demo_request/chat",
                                                  "playd/undelivered/demo_request/chat"}, alerts

            # What the receivers got for the drop: a trigger, then a resolve.
            def for_drop(path, pick):
                return [pick(b) for _, b, _ in receiver.bodies(path) if DROP in json.dumps(b)]

            wait_for(lambda: len(for_drop("/hook", lambda b: b)) >= 2, 10, "the webhook's two notifications")
            slack = [b["text"] for _, b, _ in receiver.bodies("/slack") if "`volume_drop` demo_request" in b["text"]]
            assert len(slack) == 2 and "*FIRING* `volume_drop` demo_request" in slack[0], slack
            assert "*resolved*" in slack[1] and "https://playd.example.com/plays/demo_request" in slack[0], slack
            pager = for_drop("/pd/v2/enqueue", lambda b: b)
            assert [p["event_action"] for p in pager] == ["trigger", "resolve"], pager
            assert all(p["dedup_key"] == DROP and p["routing_key"] == ROUTING_KEY for p in pager), pager
            assert pager[0]["payload"]["source"] == "playd" and pager[0]["payload"]["severity"] == "error", pager
            hooks = [(h, b, raw) for h, b, raw in receiver.bodies("/hook") if b["data"]["key"] == DROP]
            assert [b["type"] for _, b, _ in hooks] == ["alert.firing", "alert.resolved"], hooks
            for h, _, raw in hooks:
                verify_signature({k.lower(): v for k, v in h.items()}, raw)
            # Every incident was paged once each way.
            wait_for(lambda: len([1 for p in receiver.bodies("/pd/v2/enqueue")
                                  if p[1]["event_action"] == "resolve"]) >= 4, 10, "the resolves")
            _, metrics = pd.request("GET", "/metrics")
            assert 'playd_alert_notifications_total{sink="pagerduty",result="sent"}' in metrics, metrics[-2000:]
            # The broken sink was tried twice per notification, then given up on.
            assert 'playd_alert_notifications_total{sink="broken",result="failed"}' in metrics, metrics[-2000:]
            assert 'playd_alert_notifications_total{sink="broken",result="retry"}' in metrics, metrics[-2000:]
            assert 'playd_alert_notifications_total{sink="broken",result="sent"}' not in metrics
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            crm.close()
            chat.close()
            receiver.close()
    print(f"alerts: ok ({time.time() - started:.1f} s)")


if __name__ == "__main__":
    main(sys.argv[1])
