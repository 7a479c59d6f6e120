"""The review queue (docs/operations.md, "The review queue"): each review(...)
action a play decides is also an open item of the store's review queue, kept
across restarts until someone marks it done over HTTP (POST
/v1/review/KEY/done) or with `playd review done`; GET /v1/review and `playd
review list` read it. The review action is still delivered to its sink (here
the file outbox) as before. Admin only: without the admin token, 401."""
import http.client
import json
import subprocess
import sys
import tempfile

from playd_harness import Playd, wait_for

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
"""


def get(pd, path, headers=ADMIN):
    status, body = pd.request("GET", path, headers=headers)
    return status, json.loads(body) if body else None


def booth(i, account):
    return {"id": f"booth_{i}", "type": "ecosystem.event_attended", "occurred_at": "2026-06-20T09:58:00Z",
            "account": account, "contact": f"ana@{account}",
            "properties": {"event": "SaaStr Annual", "role": "booth_visitor"}}


def cli(binary, data, *args):
    env = {"PLAYD_ADMIN_TOKEN": "adm_token", "PATH": "/usr/bin:/bin"}
    return subprocess.run([binary, "review", *args, "--data", data], capture_output=True, text=True, env=env,
                          timeout=30)


def session_post(pd, path, cookie, origin):
    """A POST with the dashboard's session cookie (no token), as a browser sends it."""
    conn = http.client.HTTPConnection("127.0.0.1", pd.port, timeout=10)
    headers = {"Cookie": cookie, "Content-Length": "0"}
    if origin:
        headers["Origin"] = origin
    conn.request("POST", path, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def login(pd):
    conn = http.client.HTTPConnection("127.0.0.1", pd.port, timeout=10)
    conn.request("POST", "/login", body="token=adm_token&next=/review",
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    cookie = r.getheader("Set-Cookie")
    conn.close()
    assert cookie, r.status
    return cookie.split(";")[0]


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        data = tmp + "/data"
        pd = Playd(binary, data, CONFIG)
        pd.start_args = ["--simulated-clock"]
        pd.start()
        try:
            assert pd.request("POST", "/v1/admin/clock", {"now": "2026-06-20T10:00:00Z"}, headers=ADMIN)[0] == 200
            for domain in ("bigco.com", "megacorp.com"):
                status, body = pd.request("PUT", f"/v1/accounts/{domain}", {"name": domain, "employees": 5000,
                                                                           "country": "US"}, headers=SOURCE)
                assert status == 200, (status, body)
            status, body = pd.request("POST", "/v1/signals", [booth(1, "bigco.com"), booth(2, "megacorp.com")],
                                      headers=SOURCE)
            assert status == 200, (status, body)
            wait_for(lambda: len(get(pd, "/v1/review")[1]["items"]) == 2, 30, "two open review items")
            _, r = get(pd, "/v1/review?queue=weekly-events&status=open")
            items = r["items"]
            assert len(items) == 2, r
            assert {i["account"] for i in items} == {"bigco.com", "megacorp.com"}, items
            for i in items:
                assert i["play"] == "event_attendee_review" and i["queue"] == "weekly-events", i
                assert i["status"] == "open" and i["done_at"] is None and i["done_by"] is None, i
                assert i["created_at"].startswith("2026-06-20T10:0"), i
            by_account = {i["account"]: i for i in items}
            first, second = by_account["bigco.com"], by_account["megacorp.com"]
            assert first["signal"] == "booth_1" and first["contact"] == "ana@bigco.com", first
            # The action is still delivered to its sink (the file outbox when "review" is not configured).
            wait_for(lambda: get(pd, "/v1/review")[1]["items"][0]["delivery"] == "sent", 30, "review delivered")
            assert get(pd, "/v1/review?queue=nope")[1] == {"items": []}
            assert get(pd, "/v1/review?status=bogus")[0] == 400
            assert get(pd, "/v1/review?limit=0")[0] == 400
            assert len(get(pd, "/v1/review?limit=1")[1]["items"]) == 1

            # Admin only: no token, or a source's token, is 401; an unknown key is 404; GET is 405.
            done_path = f"/v1/review/{first['key']}/done"
            assert pd.request("POST", done_path, b"")[0] == 401
            assert pd.request("POST", done_path, b"", headers=SOURCE)[0] == 401
            assert pd.request("POST", "/v1/review/nope/done", b"", headers=ADMIN)[0] == 404
            assert pd.request("GET", done_path, headers=ADMIN)[0] == 405
            assert pd.request("POST", done_path, b"[1]", headers=ADMIN)[0] == 400

            # The dashboard's session cookie: a cross-origin POST is refused (CSRF), as for the
            # other admin writes; the same-origin one is the Done button's (checked below, done).
            cookie = login(pd)
            assert session_post(pd, done_path, cookie, "http://evil.example") == 401
            assert get(pd, "/v1/review")[1]["items"][0]["status"] == "open"

            # Done over HTTP, then again (idempotent: the first mark is kept).
            status, body = pd.request("POST", done_path, {"by": "rita", "comment": "called them"}, headers=ADMIN)
            assert status == 200, (status, body)
            d = json.loads(body)
            assert d["key"] == first["key"] and d["status"] == "done" and d["done_by"] == "rita", d
            assert d["comment"] == "called them" and d["done_at"].startswith("2026-06-20T10:0"), d
            status, body = pd.request("POST", done_path, b"", headers=ADMIN)
            assert status == 200 and json.loads(body)["done_by"] == "rita", body
            assert session_post(pd, done_path, cookie, pd.base) == 200  # same origin, with the session
            open_now = get(pd, "/v1/review")[1]["items"]
            assert [i["key"] for i in open_now] == [second["key"]], open_now
            assert [i["key"] for i in get(pd, "/v1/review?status=done")[1]["items"]] == [first["key"]]
            assert len(get(pd, "/v1/review?status=all")[1]["items"]) == 2

            # The CLI, through the running playd.
            out = cli(binary, data, "list")
            assert out.returncode == 0, out
            assert [i["key"] for i in json.loads(out.stdout)["items"]] == [second["key"]], out
            out = cli(binary, data, "list", "--status", "done", "--queue", "weekly-events")
            assert out.returncode == 0 and len(json.loads(out.stdout)["items"]) == 1, out
            out = cli(binary, data, "done", second["key"], "--by", "sam", "--comment", "not a fit & too small")
            assert out.returncode == 0, out
            d = json.loads(out.stdout)
            assert d["status"] == "done" and d["done_by"] == "sam" and d["comment"] == "not a fit & too small", d
            out = cli(binary, data, "done", "nope")
            assert out.returncode == 1, out
            out = cli(binary, data, "list", "--status", "maybe")
            assert out.returncode == 2 and "--status" in out.stderr, out
            out = cli(binary, data, "done")
            assert out.returncode == 2 and "needs a KEY" in out.stderr, out
            assert get(pd, "/v1/review")[1] == {"items": []}
            assert pd.stop() == 0

            # Kept across a restart; and with no playd running, the CLI reads the store itself.
            out = cli(binary, data, "list", "--status", "all")
            assert out.returncode == 0 and len(json.loads(out.stdout)["items"]) == 2, out
            pd.start()
            _, r = get(pd, "/v1/review?status=done")
            assert {i["key"]: i["done_by"] for i in r["items"]} == {first["key"]: "rita", second["key"]: "sam"}, r
            assert get(pd, "/v1/review")[1] == {"items": []}
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
    print("review queue: ok")


if __name__ == "__main__":
    main(sys.argv[1])
