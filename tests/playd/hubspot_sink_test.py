"""A hubspot sink turns `task` actions into HubSpot CRM tasks through a fake
HubSpot written here, which checks every request the way HubSpot documents
it (CRM v3): Authorization: Bearer <private app token>, JSON bodies, the
search filters and the create's required properties and associations.

Three plays fire on one signal: `ok_task` (owner rep@bigco.com) -- the
fake records the created task and then answers the create 500 once (a
crash between HubSpot's 2xx and playd's record, as HubSpot sees it); the
retry finds the task by its playd_key and does not create a second one;
`ghost_task` (an unknown owner) goes to the DLQ naming the email;
`locked_task`'s owner lookup is answered 401 (as for a revoked token),
echoing the token: the DLQ, "credentials rejected by HubSpot", the token
redacted.
The token is nowhere in the DLQ or playd's log."""
import http.server
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse

from playd_harness import Playd, serve, wait_for

TOKEN = "pat-na1-e2e-SECRETTOKEN"

PLAYS = """
play ok_task {
  owner "revops@acme.com"
  on website.page_viewed
  do task(subject: "Call {contact.name}", owner: "rep@bigco.com", due: 2h)
}
play ghost_task {
  owner "revops@acme.com"
  on website.page_viewed
  do task(subject: "Ghost", owner: "ghost@bigco.com", due: 1h)
}
play locked_task {
  owner "revops@acme.com"
  on website.page_viewed
  do task(subject: "Locked", owner: "locked@bigco.com")
}
"""


class FakeHubSpot:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []     # (method, path, body)
        self.problems = []
        self.tasks = []     # created task bodies
        self.failed_create_once = False
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def handle_any(self, method):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                url = urllib.parse.urlparse(self.path)
                auth = self.headers.get("Authorization")
                body = None
                problems = []
                if method == "POST":
                    if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                        problems.append("content type")
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        problems.append("not JSON")
                with fake.lock:
                    fake.calls.append((method, url.path, body))
                if auth != "Bearer " + TOKEN:
                    problems.append("auth " + str(auth))

                def search_value(prop):
                    try:
                        f = body["filterGroups"][0]["filters"][0]
                        assert f["propertyName"] == prop and f["operator"] == "EQ"
                        return f["value"]
                    except (KeyError, IndexError, TypeError, AssertionError):
                        problems.append("bad search " + json.dumps(body))
                        return None

                status, payload = 404, {"message": "not found"}
                if method == "POST" and url.path == "/crm/v3/objects/tasks/search":
                    key = search_value("playd_key")
                    with fake.lock:
                        found = [t for t in fake.tasks if t["properties"].get("playd_key") == key]
                    status, payload = 200, {"total": len(found), "results": [
                        {"id": t["id"], "properties": t["properties"]} for t in found]}
                elif method == "GET" and url.path == "/crm/v3/owners":
                    email = urllib.parse.parse_qs(url.query).get("email", [""])[0]
                    if email == "locked@bigco.com":
                        return self.answer(401, {"status": "error", "category": "INVALID_AUTHENTICATION",
                                                 "message": "Authentication credentials not found " + TOKEN})
                    results = [{"id": "501", "email": email}] if email == "rep@bigco.com" else []
                    status, payload = 200, {"results": results}
                elif method == "POST" and url.path == "/crm/v3/objects/contacts/search":
                    v = search_value("email")
                    status, payload = 200, {"total": 1, "results": [{"id": "101"}]} if v == "eve@bigco.com" \
                        else {"total": 0, "results": []}
                elif method == "POST" and url.path == "/crm/v3/objects/companies/search":
                    v = search_value("domain")
                    status, payload = 200, {"total": 1, "results": [{"id": "202"}]} if v == "bigco.com" \
                        else {"total": 0, "results": []}
                elif method == "POST" and url.path == "/crm/v3/objects/tasks":
                    props = (body or {}).get("properties", {})
                    for p in ("hs_task_subject", "hs_timestamp", "hs_task_status", "playd_key"):
                        if not props.get(p):
                            problems.append("no " + p)
                    if not problems:
                        with fake.lock:
                            task = dict(body, id=str(900 + len(fake.tasks)))
                            fake.tasks.append(task)
                            if not fake.failed_create_once:
                                fake.failed_create_once = True
                                status, payload = 500, {"message": "internal error"}
                            else:
                                status, payload = 201, {"id": task["id"]}
                if problems:
                    with fake.lock:
                        fake.problems += problems
                    status, payload = 400, {"message": "; ".join(problems)}
                self.answer(status, payload)

            def do_POST(self):
                self.handle_any("POST")

            def do_GET(self):
                self.handle_any("GET")

            def log_message(self, *a):
                pass

        self.server, url = serve(Handler)
        self.base_url = url.rstrip("/")

    def close(self):
        self.server.shutdown()


def main(binary):
    hs = FakeHubSpot()
    os.environ["PLAYD_TEST_HUBSPOT_TOKEN"] = TOKEN
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/tasks.play", "w") as f:
            f.write(PLAYS)
        config = f"""
[execution]
retry_schedule = ["200ms"]

[sinks.crm]
kind = "hubspot"
token_env = "PLAYD_TEST_HUBSPOT_TOKEN"
base_url = "{hs.base_url}"
key_property = "playd_key"
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

            def sent():
                with hs.lock:
                    searches = [c for c in hs.calls if c[1] == "/crm/v3/objects/tasks/search"]
                return hs.failed_create_once and len(searches) >= 2

            wait_for(lambda: sent() and len(pd.dlq()) == 2, 30, "one task created and two DLQ entries")
            assert hs.problems == [], hs.problems

            # Exactly one task, despite the 500 after it was created.
            with hs.lock:
                tasks = list(hs.tasks)
                calls = list(hs.calls)
            assert len(tasks) == 1, tasks
            t = tasks[0]
            p = t["properties"]
            assert p["hs_task_subject"] == "Call Eve", p
            assert p["hubspot_owner_id"] == "501", p
            assert p["hs_task_status"] == "NOT_STARTED", p
            # Due 2h from when it was sent (playd's wall clock).
            assert abs(int(p["hs_timestamp"]) - (time.time() * 1000 + 2 * 3600 * 1000)) < 120 * 1000, p
            assocs = {(a["to"]["id"], a["types"][0]["associationTypeId"], a["types"][0]["associationCategory"])
                      for a in t["associations"]}
            assert assocs == {("101", 204, "HUBSPOT_DEFINED"), ("202", 192, "HUBSPOT_DEFINED")}, assocs
            # The owner looked up (by email), then cached for the retry.
            owners = [c for c in calls if c[1] == "/crm/v3/owners"]
            assert len(owners) == 3, owners  # rep@ once (cached for the retry), ghost@, locked@
            creates = [c for c in calls if c[1] == "/crm/v3/objects/tasks" and c[2]["properties"].get(
                "hs_task_subject") == "Call Eve"]
            assert len(creates) == 1, creates

            details = {}
            for a in pd.dlq():
                body = pd.dlq_entry(a['key'])
                assert TOKEN not in body, body
                details[a["play"]] = body
            assert set(details) == {"ghost_task", "locked_task"}, details
            assert "HubSpot: owner not found: ghost@bigco.com" in details["ghost_task"], details["ghost_task"]
            assert "credentials rejected by HubSpot: HubSpot owners: 401" in details["locked_task"], \
                details["locked_task"]
            assert "[redacted]" in details["locked_task"], details["locked_task"]
            assert pd.stop() == 0
            log = pd.stderr()
            assert TOKEN not in log, log
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            hs.close()
    print("hubspot sink: ok")


if __name__ == "__main__":
    main(sys.argv[1])
