"""A salesloft sink turns `enroll` actions into Salesloft cadence memberships
through a fake Salesloft (fake_vendor.py) that checks every request the way
Salesloft's REST API v2 documents it: Authorization: Bearer <API key>;
GET /v2/people?email_addresses[]=, GET /v2/cadences?name[]=, GET
/v2/users?search=, GET /v2/cadence_memberships?person_id=&cadence_id=, POST
/v2/cadence_memberships with person_id, cadence_id (and user_id) as query
parameters, POST /v2/people with a JSON body holding email_address.

[sinks.sequencer] is a salesloft sink (`enroll` goes to `sequencer`). One
signal per play (plays pick theirs by signal.category):
- `enroll_ok`: eve (a known person who completed the cadence earlier: a
  finished membership does not count as "already enrolled") into "Ent
  Pricing" by rep@bigco.com -- the fake re-adds her, then answers the
  create 500 (the crash between Salesloft's 2xx and playd's record); the
  retry finds her currently on the cadence and does not create again:
  exactly one membership, with the rep's user id (not sales-rep@'s, whom
  the users search also returns);
- `enroll_new`: new@bigco.com is not a Salesloft person: created
  (create_people = true), then enrolled;
- `enroll_busy`: the people look-up is answered 429 (Retry-After: 1) once,
  then the enroll goes through; no rep: no user_id (the API key's owner);
- `enroll_ghost`: an unknown cadence -> the DLQ naming it;
- `enroll_locked`: Salesloft answers 401, echoing the key -> the DLQ,
  "credentials rejected by Salesloft", the key redacted.
Then playd restarts with create_people = false: an unknown person -> the
DLQ ("person not found"); a webhook action sent to the sink -> the DLQ
("not supported yet"), no call made. The key is nowhere in the DLQ or playd's log."""
import json
import os
import sys
import tempfile
import time

from fake_vendor import FakeVendor
from playd_harness import Playd, wait_for

KEY = "ak_e2e0123456789abcdefSALESLOFTKEY"

PLAYS = """
suppress {
  contact.do_not_contact as "do not contact"
}
play enroll_ok {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "ok"
  unless suppressed
  do enroll(sequence: "Ent Pricing", rep: "rep@bigco.com")
}
play enroll_new {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "new"
  unless suppressed
  do enroll(sequence: "Ent Pricing", rep: "rep@bigco.com")
}
play enroll_busy {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "busy"
  unless suppressed
  do enroll(sequence: "Ent Pricing")
}
play enroll_ghost {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "ghost"
  unless suppressed
  do enroll(sequence: "No Such Cadence", rep: "rep@bigco.com")
}
play enroll_locked {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "locked"
  unless suppressed
  do enroll(sequence: "Ent Pricing", rep: "rep@bigco.com")
}
play enroll_stranger {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "stranger"
  unless suppressed
  do enroll(sequence: "8")
}
play hook_to_sequencer {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.category == "hook"
  do webhook(sink: "sequencer", body: {"page": signal.url})
}
"""


class FakeSalesloft(FakeVendor):
    def __init__(self):
        super().__init__(auth=lambda req: req.headers.get("Authorization") == "Bearer " + KEY)
        self.people = {"eve@bigco.com": 12, "ghost@bigco.com": 13, "busy@bigco.com": 14}
        self.cadences = {8: "Ent Pricing", 9: "Ent Pricing v2"}
        self.users = [{"id": 6, "email": "sales-rep@bigco.com", "first_name": "Sal", "last_name": "Es"},
                      {"id": 5, "email": "rep@bigco.com", "first_name": "Rey", "last_name": "Pe"}]
        # Eve went through "Ent Pricing" before (a finished membership: Salesloft keeps one
        # record per person and cadence, re-used when the person is added again).
        self.memberships = [{"id": 700, "person_id": 12, "cadence_id": 8, "user_id": 5,
                             "currently_on_cadence": False, "current_state": "completed"}]
        self.busy_answered = 0
        self.busy_times = []
        fake = self

        def need(req, name, what):
            v = req.query.get(name)
            if not v or not v[0]:
                fake.problem(f"{req.method} {req.path}: no {name} ({what})")
                return None
            return v[0]

        def ids(req, name):
            v = need(req, name, "an integer query parameter")
            if v is None or not v.isdigit():
                fake.problem(f"{req.method} {req.path}: {name} {v!r} is not an id")
                return None
            return int(v)

        @self.route("GET", r"/v2/people")
        def people(req):
            emails = req.query.get("email_addresses[]", [])
            if not emails:
                fake.problem("GET /v2/people: no email_addresses[]")
            if "locked@bigco.com" in emails:
                return 401, {"error": "Invalid API key " + KEY}
            if "busy@bigco.com" in emails:
                with fake.lock:
                    fake.busy_times.append(time.time())
                    fake.busy_answered += 1
                    first = fake.busy_answered == 1
                if first:
                    return 429, {"error": "rate limited"}, {"Retry-After": "1"}
            with fake.lock:
                found = [{"id": pid, "email_address": e} for e, pid in fake.people.items() if e in emails]
            return 200, {"data": found, "metadata": {"paging": {}}}

        @self.route("POST", r"/v2/people")
        def create_person(req):
            email = (req.json or {}).get("email_address")
            if not email:
                fake.problem("POST /v2/people: no email_address")
                return 422, {"errors": {"email_address": ["can't be blank"]}}
            with fake.lock:
                if email in fake.people:
                    return 422, {"errors": {"email_address": ["has already been taken"]}}
                fake.people[email] = 100 + len(fake.people)
                return 200, {"data": {"id": fake.people[email], "email_address": email}}

        @self.route("GET", r"/v2/cadences")
        def cadences(req):
            names = req.query.get("name[]", [])
            if req.arg("per_page") != "100":  # a page holds 25 by default, 100 at most
                fake.problem(f"GET /v2/cadences: per_page {req.arg('per_page')!r}")
            if not names:
                fake.problem("GET /v2/cadences: no name[]")
            return 200, {"data": [{"id": i, "name": n} for i, n in fake.cadences.items() if n in names]}

        @self.route("GET", r"/v2/users")
        def users(req):
            words = need(req, "search", "keywords").lower().split()
            if req.arg("per_page") != "100":
                fake.problem(f"GET /v2/users: per_page {req.arg('per_page')!r}")
            hits = [u for u in fake.users
                    if all(any(w in u[f].lower() for f in ("email", "first_name", "last_name")) for w in words)]
            return 200, {"data": hits}

        @self.route("GET", r"/v2/cadence_memberships")
        def memberships(req):
            person, cadence = ids(req, "person_id"), ids(req, "cadence_id")
            current = req.arg("currently_on_cadence")
            with fake.lock:
                hits = [dict(m) for m in fake.memberships if m["person_id"] == person and m["cadence_id"] == cadence
                        and (current is None or m["currently_on_cadence"] == (current == "true"))]
            return 200, {"data": hits}

        @self.route("POST", r"/v2/cadence_memberships")
        def enroll(req):
            person, cadence = ids(req, "person_id"), ids(req, "cadence_id")
            user = req.arg("user_id")
            if user is not None and not user.isdigit():
                fake.problem(f"POST /v2/cadence_memberships: user_id {user!r}")
            with fake.lock:
                if person not in fake.people.values() or cadence not in fake.cadences:
                    return 404, {"error": "Not Found"}
                for m in fake.memberships:
                    if m["person_id"] == person and m["cadence_id"] == cadence:
                        if m["currently_on_cadence"]:
                            return 422, {"errors": {"base": ["Person is already on this cadence"]}}
                        m.update(currently_on_cadence=True, current_state="staged",
                                 user_id=int(user) if user else None, readded=True)
                        return 200, {"data": dict(m)}
                m = {"id": 800 + len(fake.memberships), "person_id": person, "cadence_id": cadence,
                     "user_id": int(user) if user else None, "currently_on_cadence": True,
                     "current_state": "staged"}
                fake.memberships.append(m)
                return 200, {"data": dict(m)}

        # The crash between Salesloft's 2xx and playd's record: the first create acts, then 500.
        self.fail_after("POST", r"/v2/cadence_memberships", 500, {"error": "Internal Server Error"})


CONFIG = """
[execution]
retry_schedule = ["200ms"]

[sinks.sequencer]
kind = "salesloft"
token_env = "PLAYD_TEST_SALESLOFT_KEY"
base_url = "{base}"
create_people = {create}
"""


def main(binary):
    sl = FakeSalesloft()
    os.environ["PLAYD_TEST_SALESLOFT_KEY"] = KEY
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/enroll.play", "w") as f:
            f.write(PLAYS)
        pd = Playd(binary, tmp + "/data", CONFIG.format(base=sl.base_url, create="true"), plays=plays).start()
        try:
            def signal(sid, category, contact):
                status, body = pd.request("PUT", f"/v1/contacts/{contact}", {"name": contact.split("@")[0]})
                assert status == 200, body
                status, body = pd.request("POST", "/v1/signals", {
                    "id": sid, "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                    "account": "bigco.com", "contact": contact,
                    "properties": {"category": category, "url": "https://x.io/pricing"}})
                assert status == 200, body

            def current(person):
                with sl.lock:
                    return [m for m in sl.memberships if m["person_id"] == person and m["currently_on_cadence"]]

            # Eve first, alone: hers is the create answered 500 after it acted (fail_after).
            signal("s_ok", "ok", "eve@bigco.com")
            wait_for(lambda: len([c for c in sl.calls_to("GET", r"/v2/cadence_memberships")
                                  if c[2].get("person_id") == ["12"]]) >= 2, 30, "eve's retry")
            signal("s_new", "new", "new@bigco.com")
            signal("s_busy", "busy", "busy@bigco.com")
            signal("s_ghost", "ghost", "ghost@bigco.com")
            signal("s_locked", "locked", "locked@bigco.com")

            def done():
                with sl.lock:
                    new_id = sl.people.get("new@bigco.com")
                return (len(current(12)) == 1 and new_id and len(current(new_id)) == 1 and len(current(14)) == 1
                        and len(pd.dlq()) == 2)
            wait_for(done, 30, "three memberships and two DLQ entries")
            assert sl.problems == [], sl.problems

            with sl.lock:
                memberships = [dict(m) for m in sl.memberships]
                new_id = sl.people["new@bigco.com"]
                busy_times = list(sl.busy_times)
            # Eve: her finished membership re-added once, with the rep's user id, despite the
            # 500 after it; no second create (the retry found her on the cadence).
            eve = [m for m in memberships if m["person_id"] == 12]
            assert len(eve) == 1 and eve[0]["readded"] and eve[0]["currently_on_cadence"], eve
            assert eve[0]["user_id"] == 5 and eve[0]["cadence_id"] == 8, eve
            creates = sl.calls_to("POST", r"/v2/cadence_memberships")
            eve_creates = [c for c in creates if c[2].get("person_id") == ["12"]]
            assert len(eve_creates) == 1, eve_creates
            assert eve_creates[0][2] == {"person_id": ["12"], "cadence_id": ["8"], "user_id": ["5"]}, eve_creates
            # new@: created (email only), then enrolled.
            person_creates = sl.calls_to("POST", r"/v2/people")
            assert [c[3] for c in person_creates] == [{"email_address": "new@bigco.com"}], person_creates
            assert [(m["cadence_id"], m["user_id"]) for m in memberships if m["person_id"] == new_id] == [(8, 5)]
            # busy@: 429 once, retried no sooner than Retry-After; enrolled without a user_id.
            assert len(busy_times) == 2 and busy_times[1] - busy_times[0] >= 0.9, busy_times
            busy = [m for m in memberships if m["person_id"] == 14]
            assert len(busy) == 1 and busy[0]["user_id"] is None, busy
            busy_creates = [c for c in creates if c[2].get("person_id") == ["14"]]
            assert busy_creates and "user_id" not in busy_creates[0][2], busy_creates
            # "Ent Pricing" and rep@ looked up once each (then cached), by name and by search.
            cadence_calls = [c[2]["name[]"] for c in sl.calls_to("GET", r"/v2/cadences")]
            assert sorted(cadence_calls) == [["Ent Pricing"], ["No Such Cadence"]], cadence_calls
            user_calls = [c[2]["search"] for c in sl.calls_to("GET", r"/v2/users")]
            assert user_calls == [["rep@bigco.com"]], user_calls

            details = {}
            for a in pd.dlq():
                body = pd.dlq_entry(a["key"])
                assert KEY not in body, body
                details[a["play"]] = body
            assert set(details) == {"enroll_ghost", "enroll_locked"}, details
            assert "Salesloft: cadence not found: No Such Cadence" in details["enroll_ghost"], details
            assert "credentials rejected by Salesloft: Salesloft people list: 401" in details["enroll_locked"], \
                details["enroll_locked"]
            assert "[redacted]" in details["enroll_locked"], details["enroll_locked"]
            assert pd.stop() == 0
            log = pd.stderr()
            assert KEY not in log, log

            # create_people = false: an unknown person goes to the DLQ (a numeric cadence is its id).
            pd = Playd(binary, tmp + "/data", CONFIG.format(base=sl.base_url, create="false"),
                       plays=plays).start()
            signal("s_stranger", "stranger", "stranger@bigco.com")
            signal("s_hook", "hook", "hook@bigco.com")  # not an enroll: not supported
            wait_for(lambda: {"enroll_stranger", "hook_to_sequencer"} <= {a["play"] for a in pd.dlq()}, 30,
                     "the stranger and the webhook in the DLQ")
            keys = {a["play"]: a["key"] for a in pd.dlq()}
            body = pd.dlq_entry(keys["enroll_stranger"])
            assert "Salesloft: person not found: stranger@bigco.com" in body, body
            body = pd.dlq_entry(keys["hook_to_sequencer"])
            assert "Salesloft: action 'webhook' not supported yet" in body, body
            assert not [c for c in sl.calls if "hook@bigco.com" in json.dumps(c)], sl.calls
            with sl.lock:
                assert "stranger@bigco.com" not in sl.people
            assert len(sl.calls_to("POST", r"/v2/people")) == 1
            assert sl.problems == [], sl.problems
            assert pd.stop() == 0
            assert KEY not in pd.stderr()
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            sl.close()
    print("salesloft sink: ok")


if __name__ == "__main__":
    main(sys.argv[1])
