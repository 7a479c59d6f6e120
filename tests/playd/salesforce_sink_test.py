"""A salesforce sink turns `task` actions into Task sObjects through a fake
Salesforce (fake_vendor.py) that checks every request the way Salesforce
documents it: the OAuth 2.0 client-credentials token request (form-encoded
grant_type, client_id, client_secret at {base_url}/services/oauth2/token),
Authorization: Bearer <access token> on the REST calls, which go to the
token answer's instance_url (not base_url), SOQL queries (which object,
which field, the quoting), and the upsert by External ID
(PATCH /services/data/v60.0/sobjects/Task/Playd_Key__c/KEY) with its
required fields, never the External ID field in the body, never a WhatId
beside a Lead WhoId.

Phase 1, three plays on two signals:
- `ok_task` (owner rep@bigco.com): on e1 (contact eve@, a Contact; account
  bigco.com, an Account) the fake creates the Task then answers 500 (a crash
  between Salesforce's 2xx and playd's record): the retry upserts the same
  Task, exactly one in the store. On e2 (o'hara@, a Lead: the quote escaped in SOQL) the Task has the
  Lead as WhoId and no WhatId. The owner is looked up once (cached).
- `busy_task` (no owner): its upsert on e1 is answered 503, then 403
  REQUEST_LIMIT_EXCEEDED (Salesforce's API limit), then 429: retried each
  time, then created.
- `ghost_task`: an unknown owner -> the DLQ, naming the email.
The first query is answered 401 INVALID_SESSION_ID (an expired session):
playd fetches a new token and repeats the call: exactly 2 token requests.

Phase 2: a rejected client secret (400 invalid_client, the answer echoing
the secret) -> every task to the DLQ, "credentials rejected by Salesforce",
the secret redacted.
Phase 3: the app's sessions are revoked (every query 401, echoing the
token): a new token, 401 again -> the DLQ, "credentials rejected by
Salesforce", the access token redacted.
Neither secret nor an access token is in a DLQ detail or playd's log."""
import datetime
import json
import os
import re
import sys
import tempfile
import threading
import time
import urllib.parse

from fake_vendor import FakeVendor
from playd_harness import Playd, action_key, wait_for

CLIENT_ID = "3MVG9e2e-consumer-key"
SECRET = "sf-e2e-CONSUMER-SECRET"
WRONG_SECRET = "sf-e2e-WRONG-SECRET"
V = "/services/data/v60.0"

PLAYS = """
play ok_task {
  owner "revops@acme.com"
  on website.page_viewed
  do task(subject: "Call {contact.name}", owner: "rep@bigco.com", due: 2h)
}
play busy_task {
  owner "revops@acme.com"
  on website.page_viewed
  do task(subject: "Busy {contact.name}")
}
play ghost_task {
  owner "revops@acme.com"
  on website.page_viewed
  do task(subject: "Ghost", owner: "ghost@bigco.com", due: 1h)
}
"""

USERS = {"rep@bigco.com": "005000000000001AAA"}
CONTACTS = {"eve@bigco.com": "003000000000001AAA"}
LEADS = {"o'hara@bigco.com": "00Q000000000001AAA"}  # a quote: SOQL escaping
ACCOUNTS = {"bigco.com": "001000000000001AAA"}


def soql_unquote(s):
    return re.sub(r"\\(.)", r"\1", s)


class FakeSalesforce(FakeVendor):
    def __init__(self):
        self.tokens = []          # issued, in order
        self.tasks = {}           # key -> Task fields (the store)
        self.handled = []         # (object, value) of the queries answered
        self.rest_tokens = set()  # tokens the REST calls carried
        self.revoked = False      # every query answered 401 INVALID_SESSION_ID, echoing the token
        super().__init__(auth=self.check_auth)
        self.route("POST", r"/login/services/oauth2/token")(self.token)
        self.route("GET", V + r"/query")(self.query)
        self.route("PATCH", V + r"/sobjects/Task/Playd_Key__c/([^/]+)")(self.upsert)

    def check_auth(self, req):
        if req.path.endswith("/services/oauth2/token"):
            return "Authorization" not in req.headers
        auth = req.headers.get("Authorization") or ""
        with self.lock:
            ok = auth.startswith("Bearer ") and auth[7:] in self.tokens
            if ok:
                self.rest_tokens.add(auth[7:])
        return ok

    def token(self, req):
        types = req.headers.get_all("Content-Type") or []
        if types != ["application/x-www-form-urlencoded"]:
            self.problem(f"token: content types {types!r}")
        form = urllib.parse.parse_qs(req.raw.decode(), keep_blank_values=True)
        if sorted(form) != ["client_id", "client_secret", "grant_type"] or \
                form["grant_type"] != ["client_credentials"] or form["client_id"] != [CLIENT_ID]:
            self.problem(f"token: form {sorted(form)}")
            return 400, {"error": "invalid_request", "error_description": "bad form"}
        if form["client_secret"] != [SECRET]:
            return 400, {"error": "invalid_client",
                         "error_description": "invalid client credentials: " + form["client_secret"][0]}
        with self.lock:
            token = f"00D000000000001!AQ-e2e-access-token-{len(self.tokens) + 1}"
            self.tokens.append(token)
        return 200, {"access_token": token, "instance_url": self.base_url, "token_type": "Bearer",
                     "id": self.base_url + "/id/00D000000000001/005000000000009", "issued_at": "1"}

    def query(self, req):
        if self.revoked:
            return 401, [{"message": "Session expired or invalid: " + req.headers.get("Authorization", ""),
                          "errorCode": "INVALID_SESSION_ID"}]
        q = req.arg("q", "")
        literal = r"'((?:[^'\\]|\\.)*)'"
        shapes = {
            "User": (rf"SELECT Id FROM User WHERE Email = {literal} AND IsActive = true LIMIT 1", USERS),
            "Contact": (rf"SELECT Id FROM Contact WHERE Email = {literal} LIMIT 1", CONTACTS),
            "Lead": (rf"SELECT Id FROM Lead WHERE Email = {literal} AND IsConverted = false LIMIT 1", LEADS),
            "Account": (rf"SELECT Id FROM Account WHERE \(Website = {literal} OR Website LIKE .*\) "
                        rf"ORDER BY CreatedDate LIMIT 1", ACCOUNTS),
        }
        m = re.match(r"SELECT Id FROM (\w+) ", q)
        shape = shapes.get(m.group(1)) if m else None
        full = re.fullmatch(shape[0], q) if shape else None
        if not full:
            self.problem(f"query: unexpected SOQL {q!r}")
            return 400, [{"message": "unexpected query", "errorCode": "MALFORMED_QUERY"}]
        value = soql_unquote(full.group(1))
        if m.group(1) == "Account" and f"Website LIKE '%.{full.group(1)}'" not in q:
            self.problem(f"query: no subdomain pattern in {q!r}")
        with self.lock:
            self.handled.append((m.group(1), value))
        found = shape[1].get(value)
        records = [{"attributes": {"type": m.group(1), "url": f"{V}/sobjects/{m.group(1)}/{found}"},
                    "Id": found}] if found else []
        return 200, {"totalSize": len(records), "done": True, "records": records}

    def upsert(self, req):
        key = urllib.parse.unquote(req.match.group(1))
        body = req.json or {}
        problems = []
        for f in ("Subject", "ActivityDate", "Status", "Priority"):
            if not isinstance(body.get(f), str) or not body[f]:
                problems.append("no " + f)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(body.get("ActivityDate"))):
            problems.append("ActivityDate " + str(body.get("ActivityDate")))
        for f in ("Id", "Playd_Key__c"):
            if f in body:
                problems.append(f + " in the body")
        for f in body:
            if f not in ("Subject", "ActivityDate", "Status", "Priority", "OwnerId", "WhoId", "WhatId"):
                problems.append("unexpected field " + f)
        if body.get("OwnerId") not in (None, *USERS.values()):
            problems.append("OwnerId " + body["OwnerId"])
        if body.get("WhoId") not in (None, *CONTACTS.values(), *LEADS.values()):
            problems.append("WhoId " + body["WhoId"])
        if body.get("WhatId") not in (None, *ACCOUNTS.values()):
            problems.append("WhatId " + body["WhatId"])
        if body.get("WhoId") in LEADS.values() and "WhatId" in body:
            problems.append("WhatId beside a Lead")
        if problems:
            self.problem("upsert: " + "; ".join(problems))
            return 400, [{"message": "; ".join(problems), "errorCode": "INVALID_FIELD", "fields": []}]
        with self.lock:
            if key in self.tasks:
                self.tasks[key].update(body)
                return 200, {"id": self.tasks[key]["Id"], "success": True, "errors": [], "created": False}
            task = dict(body, Id=f"00T00000000{len(self.tasks) + 1:04d}AAA")
            self.tasks[key] = task
            return 201, {"id": task["Id"], "success": True, "errors": [], "created": True}


def config(sf, secret_env):
    return f"""
[execution]
retry_schedule = ["200ms"]

[sinks.crm]
kind = "salesforce"
client_id_env = "PLAYD_TEST_SF_CLIENT_ID"
client_secret_env = "{secret_env}"
base_url = "{sf.base_url}/login"
"""


def signal(pd, sid, contact):
    status, body = pd.request("POST", "/v1/signals", {
        "id": sid, "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
        "account": "bigco.com", "contact": contact,
        "properties": {"category": "docs", "url": "https://x.io/pricing"}})
    assert status == 200, body


def dlq_details(pd):
    return {(a["play"], a["key"]): pd.dlq_entry(a["key"]) for a in pd.dlq()}


def main(binary):
    sf = FakeSalesforce()
    os.environ["PLAYD_TEST_SF_CLIENT_ID"] = CLIENT_ID
    os.environ["PLAYD_TEST_SF_SECRET"] = SECRET
    os.environ["PLAYD_TEST_SF_WRONG_SECRET"] = WRONG_SECRET
    ok1, ok2 = action_key("ok_task", "e1", 0), action_key("ok_task", "e2", 0)
    busy1, busy2 = action_key("busy_task", "e1", 0), action_key("busy_task", "e2", 0)
    upsert = V + "/sobjects/Task/Playd_Key__c/"
    # The crash between Salesforce's 2xx and playd's record: the Task is created, the answer lost.
    sf.fail_after("PATCH", upsert + ok1, 500, [{"message": "An unexpected error occurred",
                                                "errorCode": "UNKNOWN_EXCEPTION"}])
    # Busy: 503, the org's API limit (403 REQUEST_LIMIT_EXCEEDED), 429: all retried.
    sf.fail_before("PATCH", upsert + busy1, 503, [{"message": "Server unavailable", "errorCode": "SERVER_UNAVAILABLE"}])
    sf.fail_before("PATCH", upsert + busy1, 403, [{"message": "TotalRequests Limit exceeded.",
                                                   "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    sf.fail_before("PATCH", upsert + busy1, 429, [{"message": "slow down", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
                   headers={"Retry-After": "1"})
    # The session expires: the first query is refused once.
    sf.fail_before("GET", V + "/query", 401, [{"message": "Session expired or invalid",
                                               "errorCode": "INVALID_SESSION_ID"}])
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/tasks.play", "w") as f:
            f.write(PLAYS)
        pd = Playd(binary, tmp + "/data", config(sf, "PLAYD_TEST_SF_SECRET"), plays=plays).start()
        pd2 = pd3 = None
        try:
            for email, name in (("eve@bigco.com", "Eve"), ("o'hara@bigco.com", "Lena")):
                status, body = pd.request("PUT", f"/v1/contacts/{email}", {"name": name})
                assert status == 200, body
            before = datetime.datetime.now(datetime.timezone.utc)
            signal(pd, "e1", "eve@bigco.com")

            def patches(key):
                return len(sf.calls_to("PATCH", upsert + key))

            wait_for(lambda: patches(ok1) == 2 and patches(busy1) == 4 and len(pd.dlq()) == 1, 60,
                     "e1: ok_task retried, busy_task retried three times, ghost_task in the DLQ")
            signal(pd, "e2", "o'hara@bigco.com")
            wait_for(lambda: ok2 in sf.tasks and busy2 in sf.tasks and len(pd.dlq()) == 2, 30,
                     "e2: two tasks and a DLQ entry")
            after = datetime.datetime.now(datetime.timezone.utc)
            assert sf.problems == [], sf.problems

            with sf.lock:
                tasks = dict(sf.tasks)
                handled = list(sf.handled)
                tokens = list(sf.tokens)
                rest_tokens = set(sf.rest_tokens)
            # Exactly one Task per action, despite the 500 after ok_task's was created.
            assert set(tasks) == {ok1, ok2, busy1, busy2}, tasks
            assert patches(ok1) == 2 and patches(busy1) == 4, (patches(ok1), patches(busy1))
            t = tasks[ok1]
            days = {(d + datetime.timedelta(hours=2)).strftime("%Y-%m-%d") for d in (before, after)}
            assert t["ActivityDate"] in days, (t, days)
            assert {k: t.get(k) for k in ("Subject", "Status", "Priority", "OwnerId", "WhoId", "WhatId")} == {
                "Subject": "Call Eve", "Status": "Not Started", "Priority": "Normal",
                "OwnerId": USERS["rep@bigco.com"], "WhoId": CONTACTS["eve@bigco.com"],
                "WhatId": ACCOUNTS["bigco.com"]}, t
            # A Lead: WhoId, no WhatId (Salesforce refuses one beside a Lead).
            t = tasks[ok2]
            assert t["WhoId"] == LEADS["o'hara@bigco.com"] and "WhatId" not in t, t
            # No owner argument: no OwnerId (the integration user owns it); due defaults to 1d.
            t = tasks[busy1]
            days = {(d + datetime.timedelta(days=1)).strftime("%Y-%m-%d") for d in (before, after)}
            assert "OwnerId" not in t and t["Subject"] == "Busy Eve" and t["ActivityDate"] in days, t
            # The owner looked up once (cached); contacts before leads.
            assert handled.count(("User", "rep@bigco.com")) == 1, handled
            assert ("User", "ghost@bigco.com") in handled, handled
            assert ("Lead", "eve@bigco.com") not in handled and ("Lead", "o'hara@bigco.com") in handled, handled
            assert ("Account", "bigco.com") in handled, handled
            # One token, then one more after the 401; both were used on REST calls.
            assert len(tokens) == 2, tokens
            assert len(sf.calls_to("POST", r"/login/services/oauth2/token")) == 2
            assert rest_tokens == set(tokens), (rest_tokens, tokens)

            details = dlq_details(pd)
            assert sorted(p for p, _ in details) == ["ghost_task", "ghost_task"], details
            for body in details.values():
                assert "Salesforce: owner not found: ghost@bigco.com" in body, body
                assert SECRET not in body and "access-token" not in body, body
            assert pd.stop() == 0
            log = pd.stderr()
            assert SECRET not in log and "access-token" not in log, log

            # Phase 2: the client secret is rejected.
            rest_calls = len([c for c in sf.calls if "/services/data/" in c[1]])
            pd2 = Playd(binary, tmp + "/data2", config(sf, "PLAYD_TEST_SF_WRONG_SECRET"), plays=plays).start()
            status, body = pd2.request("PUT", "/v1/contacts/eve@bigco.com", {"name": "Eve"})
            assert status == 200, body
            signal(pd2, "e3", "eve@bigco.com")
            wait_for(lambda: len(pd2.dlq()) == 3, 30, "three DLQ entries")
            details = dlq_details(pd2)
            assert sorted(p for p, _ in details) == ["busy_task", "ghost_task", "ok_task"], details
            for body in details.values():
                assert "credentials rejected by Salesforce: Salesforce token: 400" in body, body
                assert "invalid_client" in body and "[redacted]" in body, body
                assert WRONG_SECRET not in body, body
            assert len([c for c in sf.calls if "/services/data/" in c[1]]) == rest_calls  # no REST call
            assert sf.problems == [], sf.problems
            assert pd2.stop() == 0
            log = pd2.stderr()
            assert WRONG_SECRET not in log, log

            # Phase 3: the app's sessions are revoked: a new token does not help -> the DLQ, the token redacted.
            sf.revoked = True
            tasks_before = len(sf.tasks)
            pd3 = Playd(binary, tmp + "/data3", config(sf, "PLAYD_TEST_SF_SECRET"), plays=plays).start()
            status, body = pd3.request("PUT", "/v1/contacts/eve@bigco.com", {"name": "Eve"})
            assert status == 200, body
            signal(pd3, "e4", "eve@bigco.com")
            wait_for(lambda: len(pd3.dlq()) == 3, 30, "three DLQ entries")
            for (play, _), body in dlq_details(pd3).items():
                call = "contacts query" if play == "busy_task" else "users query"
                assert f"credentials rejected by Salesforce: Salesforce {call}: 401 INVALID_SESSION_ID: " \
                       "Session expired or invalid: Bearer [redacted]" in body, body
                assert "access-token" not in body, body
            assert len(sf.tasks) == tasks_before
            assert sf.problems == [], sf.problems
            assert pd3.stop() == 0
            log = pd3.stderr()
            assert "access-token" not in log and SECRET not in log, log
        finally:
            for p in (pd, pd2, pd3):
                if p and p.proc and p.proc.poll() is None:
                    p.proc.kill()
            sf.close()
    print("salesforce sink: ok")


if __name__ == "__main__":
    main(sys.argv[1])
