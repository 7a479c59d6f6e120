"""An outreach sink turns `enroll` actions into Outreach sequenceStates
through a fake Outreach API v2 written here (on fake_vendor.py), which
checks every request the way Outreach documents it (JSON:API):
Authorization: Bearer <access token>, Content-Type application/vnd.api+json
on every request (Outreach answers 415 otherwise), the filter[...] query and
sparse fieldset of each lookup, and the create bodies'
data.type, attributes and relationships (type and id of a known prospect,
sequence and mailbox).

Five plays fire on eve@bigco.com's signal and one on new@bigco.com's:
- `known_enroll` (sequence "Inbound MQL" by name, rep rep@acme.com);
- `by_id` (sequence 12 by id, no rep: the sink's default_mailbox): eve is in
  that sequence already, but the lookup does not show it (a state the
  token's user cannot see); the create answers 422 "already in this
  sequence", which counts as sent (no second enrollment);
- `ghost_sequence` (a sequence Outreach does not have): the DLQ naming it;
- `locked` (sequence "Locked", whose lookup is answered 401 echoing the
  token, as for a revoked token): the DLQ, "credentials rejected by
  Outreach", the token redacted;
- `new_enroll` (new@bigco.com, not a prospect yet; create_prospects = true):
  the prospect is created, then enrolled.
known_enroll's enrollment is created by the fake, then answered 500 (a
crash between Outreach's 2xx and playd's record, as Outreach sees it): the
retry finds the state by prospect and sequence and does not enroll a
second time. The first mailbox lookup is answered 429
with Retry-After: 1: that action is retried after a second (not
dead-lettered) and enrolled.
The token is nowhere in the DLQ or playd's log."""
import json
import os
import sys
import tempfile
import threading

from fake_vendor import FakeVendor
from playd_harness import Playd, action_key, wait_for

TOKEN = "outreach-e2e-SECRET-access-token"
JSONAPI = "application/vnd.api+json"
API = "/api/v2"

PLAYS = """
suppress {
  contact.do_not_contact as "do not contact"
}
play known_enroll {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "docs"
  unless suppressed
  do enroll(sequence: "Inbound MQL", rep: "rep@acme.com")
}
play by_id {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "docs"
  unless suppressed
  do enroll(sequence: "12")
}
play ghost_sequence {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "docs"
  unless suppressed
  do enroll(sequence: "No Such Sequence", rep: "rep@acme.com")
}
play locked {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "docs"
  unless suppressed
  do enroll(sequence: "Locked", rep: "rep@acme.com")
}
play new_enroll {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "pricing"
  unless suppressed
  do enroll(sequence: "Inbound MQL", rep: "rep@acme.com")
}
"""


class FakeOutreach(FakeVendor):
    def __init__(self):
        self.token = TOKEN  # the one access token Outreach accepts now
        super().__init__(auth=lambda req: req.headers.get("Authorization") == "Bearer " + self.token,
                         json_type=JSONAPI)
        self.prospects = {"eve@bigco.com": 1001}           # email -> id
        self.sequences = {"Inbound MQL": 11, "Outbound": 12}
        self.mailboxes = {"rep@acme.com": 21, "sdr@acme.com": 22}
        # {"id", "prospect", "sequence", "mailbox", "hidden"}. Eve's enrollment in "Outbound" (12) is
        # there already but hidden from the lookup (as a state the token's user cannot see): the
        # create answers 422 "already in this sequence".
        self.states = [{"id": 4999, "prospect": 1001, "sequence": 12, "mailbox": 22, "hidden": True}]
        self.state_lock = threading.Lock()

        def media(req):
            """Outreach: every request names the JSON:API media type (else 415), GETs too."""
            ctype = req.headers.get("Content-Type") or ""
            if not ctype.startswith(JSONAPI):
                self.problem(f"{req.method} {req.path}: content type {ctype!r}, not {JSONAPI}")

        def write(req):
            """A create's content type and JSON:API envelope; data or None."""
            media(req)
            data = (req.json or {}).get("data") if isinstance(req.json, dict) else None
            if not isinstance(data, dict) or "id" in data:
                self.problem(f"{req.method} {req.path}: not a JSON:API resource to create: {req.json!r}")
                return None
            return data

        def one_filter(req, name, fields):
            media(req)
            v = req.arg(name)
            if not v:
                self.problem(f"GET {req.path}: no {name} in {req.query}")
            if req.arg("fields[" + fields + "]") is None:
                self.problem(f"GET {req.path}: no sparse fieldset fields[{fields}] in {req.query}")
            return v

        def collection(items):
            return 200, {"data": items, "meta": {"count": len(items)}}

        @self.route("GET", API + "/prospects")
        def prospects(req):
            email = one_filter(req, "filter[emails]", "prospect")
            with self.state_lock:
                pid = self.prospects.get(email)
            return collection([] if pid is None else [
                {"type": "prospect", "id": pid, "attributes": {"emails": [email]}}])

        @self.route("POST", API + "/prospects")
        def create_prospect(req):
            data = write(req)
            attrs = (data or {}).get("attributes") or {}
            emails = attrs.get("emails")
            if not data or data.get("type") != "prospect" or not isinstance(emails, list) or len(emails) != 1:
                self.problem(f"POST /prospects: bad body {req.json!r}")
                return 422, {"errors": [{"title": "Validation Error", "detail": "bad prospect"}]}
            with self.state_lock:
                if emails[0] in self.prospects:
                    return 422, {"errors": [{"title": "Validation Error", "detail": "Email is already taken"}]}
                pid = 2000 + len(self.prospects)
                self.prospects[emails[0]] = pid
            return 201, {"data": {"type": "prospect", "id": pid, "attributes": {"emails": emails}}}

        @self.route("GET", API + "/sequences")
        def sequences(req):
            name = one_filter(req, "filter[name]", "sequence")
            if name == "Locked":  # a revoked token, the answer echoing it
                return 401, {"errors": [{"id": "unauthorized", "title": "Unauthorized",
                                         "detail": "The access token " + TOKEN + " is invalid"}]}
            sid = self.sequences.get(name)
            return collection([] if sid is None else [{"type": "sequence", "id": sid, "attributes": {"name": name}}])

        @self.route("GET", API + "/mailboxes")
        def mailboxes(req):
            email = one_filter(req, "filter[email]", "mailbox")
            mid = self.mailboxes.get(email)
            return collection([] if mid is None else [{"type": "mailbox", "id": mid, "attributes": {"email": email}}])

        @self.route("GET", API + "/sequenceStates")
        def states(req):
            media(req)
            p, s = req.arg("filter[prospect][id]"), req.arg("filter[sequence][id]")
            if not p or not s or req.arg("fields[sequenceState]") is None:
                self.problem(f"GET /sequenceStates: filters {req.query}")
            with self.state_lock:
                found = [st for st in self.states if str(st["prospect"]) == p and str(st["sequence"]) == s
                         and not st.get("hidden")]
            return collection([{"type": "sequenceState", "id": st["id"], "attributes": {"state": "active"}}
                               for st in found])

        @self.route("POST", API + "/sequenceStates")
        def create_state(req):
            data = write(req)
            rel = (data or {}).get("relationships") or {}
            ids = {}
            for kind, known in (("prospect", self.prospects.values()), ("sequence", self.sequences.values()),
                                ("mailbox", self.mailboxes.values())):
                d = (rel.get(kind) or {}).get("data") or {}
                if d.get("type") != kind or d.get("id") not in known:
                    self.problem(f"POST /sequenceStates: relationship {kind} {d!r}")
                ids[kind] = d.get("id")
            if not data or data.get("type") != "sequenceState":
                self.problem(f"POST /sequenceStates: type {data!r}")
            with self.state_lock:
                if any(st["prospect"] == ids["prospect"] and st["sequence"] == ids["sequence"]
                       for st in self.states):
                    return 422, {"errors": [{"id": "validationError", "title": "Validation Error",
                                             "detail": "Prospect is already in this sequence"}]}
                st = dict(ids, id=5000 + len(self.states), hidden=False)
                self.states.append(st)
            return 201, {"data": {"type": "sequenceState", "id": st["id"], "attributes": {"state": "active"}}}


def relationship_ids(req):
    try:
        rel = req.json["data"]["relationships"]
        return rel["prospect"]["data"]["id"], rel["sequence"]["data"]["id"]
    except (KeyError, TypeError):
        return None


def rotated_token(binary):
    """Without create_prospects, a contact Outreach does not know goes to the
    DLQ naming it. The token comes from token_file: a new token written
    there (the old one no longer accepted) is used from the next attempt on,
    without a restart."""
    token_a, token_b = "outreach-e2e-TOKEN-A-1111", "outreach-e2e-TOKEN-B-2222"
    fake = FakeOutreach()
    fake.token = token_a
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/enroll.play", "w") as f:
            f.write(PLAYS)
        token_file = tmp + "/outreach.token"
        with open(token_file, "w") as f:
            f.write(token_a + "\n")
        config = f"""
[execution]
retry_schedule = ["200ms"]

[sinks.sequencer]
kind = "outreach"
token_file = "{token_file}"
base_url = "{fake.base_url}{API}"
default_mailbox = "sdr@acme.com"
"""
        pd = Playd(binary, tmp + "/data", config, plays=plays).start()
        try:
            status, body = pd.request("PUT", "/v1/contacts/new@bigco.com", {"do_not_contact": False})
            assert status == 200, body
            status, body = pd.request("POST", "/v1/signals", [
                {"id": "n1", "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                 "account": "bigco.com", "contact": "new@bigco.com",
                 "properties": {"category": "pricing", "url": "https://x.io/pricing"}}])
            assert status == 200, body

            wait_for(lambda: len(pd.dlq()) == 1, 30, "new_enroll in the DLQ")
            body = pd.dlq_entry(pd.dlq()[0]["key"])
            assert "Outreach: prospect not found: new@bigco.com" in body, body
            assert fake.calls_to("POST", API + "/prospects") == [], "a prospect was created"

            # The token is refreshed outside playd: a new file renamed over the old one.
            fake.token = token_b
            with open(token_file + ".new", "w") as f:
                f.write(token_b + "\n")
            os.replace(token_file + ".new", token_file)
            status, body = pd.request("POST", "/v1/signals", [
                {"id": "n2", "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                 "account": "bigco.com", "contact": "eve@bigco.com",
                 "properties": {"category": "docs", "url": "https://x.io/docs"}}])
            assert status == 200, body

            def known_sent():
                _, body = pd.request("GET", "/v1/signals/n2/trace")
                return any(a["key"] == action_key("known_enroll", "n2", 0) and a["status"] == "sent"
                           for p in json.loads(body).get("plays", []) for a in p["actions"])

            wait_for(known_sent, 30, "known_enroll sent with the new token")
            assert fake.problems == [], fake.problems  # every request carried the token accepted then
            with fake.state_lock:
                states = [(st["prospect"], st["sequence"]) for st in fake.states if not st.get("hidden")]
            assert states == [(1001, 11)], states
            for a in pd.dlq():
                body = pd.dlq_entry(a["key"])
                assert token_a not in body and token_b not in body, body
            assert pd.stop() == 0
            log = pd.stderr()
            assert token_a not in log and token_b not in log, log
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            fake.close()


def main(binary):
    fake = FakeOutreach()
    # The crash between Outreach's 2xx and playd's record: the state is created, the answer lost.
    # known_enroll's (eve, 1001, in "Inbound MQL", 11).
    fake.fail_after("POST", API + "/sequenceStates", 500, {"errors": [{"title": "Internal Server Error"}]},
                    when=lambda req: relationship_ids(req) == (1001, 11))
    # Outreach's rate limit on the first mailbox lookup.
    fake.fail_before("GET", API + "/mailboxes", 429, {"errors": [{"id": "rateLimitExceeded"}]},
                     headers={"Retry-After": "1"})
    os.environ["PLAYD_TEST_OUTREACH_TOKEN"] = TOKEN
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/enroll.play", "w") as f:
            f.write(PLAYS)
        config = f"""
[execution]
retry_schedule = ["200ms"]

[sinks.sequencer]
kind = "outreach"
token_env = "PLAYD_TEST_OUTREACH_TOKEN"
base_url = "{fake.base_url}{API}"
create_prospects = true
default_mailbox = "sdr@acme.com"
concurrency = 1   # one action at a time: each lookup's count below is exact
"""
        pd = Playd(binary, tmp + "/data", config, plays=plays).start()
        try:
            for email in ("eve@bigco.com", "new@bigco.com"):
                status, body = pd.request("PUT", f"/v1/contacts/{email}", {"do_not_contact": False})
                assert status == 200, body
            signals = [
                {"id": "e1", "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                 "account": "bigco.com", "contact": "eve@bigco.com",
                 "properties": {"category": "docs", "url": "https://x.io/docs"}},
                {"id": "e2", "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                 "account": "bigco.com", "contact": "new@bigco.com",
                 "properties": {"category": "pricing", "url": "https://x.io/pricing"}},
            ]
            status, body = pd.request("POST", "/v1/signals", signals)
            assert status == 200, body

            def trace_action(sid, play):
                _, body = pd.request("GET", f"/v1/signals/{sid}/trace")
                for p in json.loads(body).get("plays", []):
                    for a in p["actions"]:
                        if a["key"] == action_key(play, sid, 0):
                            return a
                return None

            sent_plays = [("e1", "known_enroll"), ("e1", "by_id"), ("e2", "new_enroll")]

            def all_sent():
                return all((trace_action(s, p) or {}).get("status") == "sent" for s, p in sent_plays)

            wait_for(lambda: all_sent() and len(pd.dlq()) == 2, 30, "three enrollments sent and two DLQ entries")
            assert fake.problems == [], fake.problems

            with fake.state_lock:
                states = sorted((st["prospect"], st["sequence"], st["mailbox"]) for st in fake.states)
                new_id = fake.prospects.get("new@bigco.com")
            # Exactly one state per enrollment, despite the 500 after known_enroll's was created.
            assert new_id is not None, "new@bigco.com was not created"
            assert states == sorted([(1001, 11, 21), (1001, 12, 22), (new_id, 11, 21)]), states  # 12: the hidden one
            creates = fake.calls_to("POST", API + "/prospects")
            assert [c[3]["data"]["attributes"]["emails"] for c in creates] == [["new@bigco.com"]], creates

            # The enrollment answered 500 after it was made: its retry found the state, did not enroll again.
            traces = {p: trace_action(s, p) for s, p in sent_plays}

            def with_attempt(text):
                return [p for p, a in traces.items() if any(text in at.get("detail", "") for at in a["attempts"])]

            crashed = with_attempt("Outreach sequenceStates create: 500")
            assert crashed == ["known_enroll"], traces
            last = traces[crashed[0]]["attempts"][-1]
            assert last["result"] == "sent" and "already in sequence" in last["detail"], traces[crashed[0]]
            # Found by the sequenceStates lookup; by_id's hidden state by Outreach's 422 instead.
            for play, a in traces.items():
                last = a["attempts"][-1]
                assert last["result"] == "sent", a
                if play == "by_id":
                    assert last["http_status"] == 422 and "Outreach sequenceStates create: 422 Prospect is " \
                        "already in this sequence: prospect 1001 already in sequence 12" in last["detail"], a
                elif play in crashed:
                    assert "(state active): prospect" in last["detail"], a
            # The 429 was retried, not dead-lettered, after its Retry-After (1 s; the schedule says 200 ms).
            limited = with_attempt("Outreach mailboxes lookup: 429")
            assert len(limited) == 1, traces
            attempts = traces[limited[0]]["attempts"]
            i = next(i for i, at in enumerate(attempts) if "429" in at.get("detail", ""))
            assert attempts[i]["result"] == "retry" and attempts[-1]["result"] == "sent", attempts
            assert attempts[i + 1]["at_ms"] - attempts[i]["at_ms"] >= 1000, attempts
            # Sequence names looked up once each (cached), mailboxes once each plus the 429'd one.
            names = sorted(c[2]["filter[name]"][0] for c in fake.calls_to("GET", API + "/sequences"))
            assert names == ["Inbound MQL", "Locked", "No Such Sequence"], names
            boxes = sorted(c[2]["filter[email]"][0] for c in fake.calls_to("GET", API + "/mailboxes"))
            assert len(boxes) == 3 and set(boxes) == {"rep@acme.com", "sdr@acme.com"}, boxes

            dl = {}
            for a in pd.dlq():
                body = pd.dlq_entry(a["key"])
                assert TOKEN not in body, body
                dl[a["play"]] = body
            assert set(dl) == {"ghost_sequence", "locked"}, dl
            assert "Outreach: sequence not found: No Such Sequence" in dl["ghost_sequence"], dl["ghost_sequence"]
            assert "credentials rejected by Outreach: Outreach sequences lookup: 401" in dl["locked"], dl["locked"]
            assert "[redacted]" in dl["locked"], dl["locked"]
            assert pd.stop() == 0
            log = pd.stderr()
            assert TOKEN not in log, log
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            fake.close()
    rotated_token(binary)
    print("outreach sink: ok")


if __name__ == "__main__":
    main(sys.argv[1])
