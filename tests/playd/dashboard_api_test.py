"""The JSON the dashboard reads (docs/operations.md, "Reading playd over
HTTP"): GET /v1/plays, /v1/history, /v1/alerts, /v1/overview and
/v1/review answer only with the admin token (loopback not trusted here),
in the documented shapes, with what a demo request and an event booth
visit did."""
import json
import sys
import tempfile

from playd_harness import Playd, wait_for

ADMIN = {"Authorization": "Bearer adm_token"}
SOURCE = {"Authorization": "Bearer tok_web"}
ROUTES = ["/v1/plays", "/v1/history", "/v1/alerts", "/v1/overview", "/v1/review"]
COUNTS = {"signals", "fired", "no_match", "not_icp", "excluded", "suppressed", "deduplicated", "error",
          "actions_issued", "actions_delivered", "actions_failed", "actions_dlq"}


def get(pd, path, headers=ADMIN):
    status, body = pd.request("GET", path, headers=headers)
    return status, json.loads(body) if body else None


def main(binary):
    config = """
[server]
admin_token = "adm_token"
trust_loopback = false

[[sources]]
name = "web"
secret = "tok_web"
context = true
"""
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", config)
        pd.start_args = ["--simulated-clock"]
        pd.start()
        try:
            for path in ROUTES:
                assert get(pd, path, headers={})[0] == 401, path + " without the admin token"
                assert get(pd, path, headers=SOURCE)[0] == 401, path + " with a source's token"
            assert pd.request("POST", "/v1/alerts", b"", headers=ADMIN)[0] == 405
            assert pd.request("POST", "/v1/admin/clock", {"now": "2026-06-20T10:00:00Z"}, headers=ADMIN)[0] == 200
            status, body = pd.request("PUT", "/v1/accounts/bigco.com", {"name": "BigCo", "employees": 5000,
                                                                       "country": "US"}, headers=SOURCE)
            assert status == 200, (status, body)
            signals = [
                {"id": "demo_1", "type": "website.form_submitted", "occurred_at": "2026-06-20T09:59:00Z",
                 "account": "bigco.com", "contact": "ana@bigco.com", "properties": {"form": "demo_request"}},
                {"id": "booth_1", "type": "ecosystem.event_attended", "occurred_at": "2026-06-20T09:58:00Z",
                 "account": "bigco.com", "contact": "ana@bigco.com",
                 "properties": {"event": "SaaStr Annual", "role": "booth_visitor"}},
            ]
            status, body = pd.request("POST", "/v1/signals", signals, headers=SOURCE)
            assert status == 200, (status, body)

            def delivered():
                _, plays = get(pd, "/v1/plays")
                by = {p["name"]: p for p in plays["plays"]}
                return by["demo_request"]["counts"]["24h"]["actions_delivered"] == 2 and \
                    by["event_attendee_review"]["counts"]["24h"]["actions_delivered"] == 1
            wait_for(delivered, 20, "the actions delivered (to the outbox)")

            status, plays = get(pd, "/v1/plays")
            _, health = pd.request("GET", "/healthz")
            assert plays["version"] == 1 and plays["play_set"] == json.loads(health)["play_set"], plays
            demo = next(p for p in plays["plays"] if p["name"] == "demo_request")
            assert demo["sla_ms"] == 300000 and demo["priority"] == "high" and demo["oncall"] == "#gtm-oncall", demo
            assert demo["signals"] == ["website.form_submitted"] and demo["dashboard"] == "/plays/demo_request"
            assert {"action": "task", "sink": "crm"} in demo["actions"], demo
            for window in ("24h", "7d"):
                c = demo["counts"][window]
                assert set(c) == COUNTS and c["signals"] == 1 and c["fired"] == 1, (window, c)

            status, h = get(pd, "/v1/history?play=demo_request")
            assert status == 200 and h["play"] == "demo_request" and h["step"] == "hour", h
            assert len(h["buckets"]) == 24 and h["buckets"][-1]["start"] == "2026-06-20T10:00:00Z", h["buckets"][-1]
            last = h["buckets"][-1]
            assert last["signals"] == 1 and last["outcomes"]["fired"] == 1, last
            assert last["actions"]["issued"] == 2 and last["actions"]["delivered"] == 2, last
            assert last["latency_ms"]["from_occurred"]["count"] == 2, last
            assert 59000 <= last["latency_ms"]["from_occurred"]["p50"] <= 70000, last  # a minute (sketch: 1%)
            assert all(b["signals"] == 0 for b in h["buckets"][:-1])
            _, d = get(pd, "/v1/history?signal_type=ecosystem.event_attended&step=day")
            assert len(d["buckets"]) == 7 and d["buckets"][-1]["signals"] == 1, d
            assert get(pd, "/v1/history?step=week")[0] == 400
            assert get(pd, "/v1/history?play=a&signal_type=b")[0] == 400

            status, o = get(pd, "/v1/overview")
            assert status == 200 and o["now"].startswith("2026-06-20T10:0"), o
            assert o["lanes"]["high"]["depth"] == 0 and o["dlq"] == 0 and o["alerts_firing"] == 0, o
            assert o["store"]["state"] == "ok" and o["today"]["signals"] == 2, o
            assert len(o["last_24h_by_hour"]) == 24 and o["last_24h_by_hour"][-1]["fired"] == 2, o

            status, r = get(pd, "/v1/review?limit=5")
            assert status == 200 and len(r["items"]) == 1, r
            item = r["items"][0]
            assert item["play"] == "event_attendee_review" and item["queue"] == "weekly-events", item
            assert item["signal"] == "booth_1" and item["account"] == "bigco.com", item
            assert get(pd, "/v1/review?limit=0")[0] == 400

            assert get(pd, "/v1/alerts") == (200, {"alerts": []})
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
    print("dashboard api: ok")


if __name__ == "__main__":
    main(sys.argv[1])
