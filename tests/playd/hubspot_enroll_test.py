"""A hubspot sink turns `enroll` actions into HubSpot sequence enrollments
(Sequences API v4) through a fake HubSpot (fake_vendor.FakeVendor) that
checks every request the way HubSpot documents it: Authorization: Bearer
<private app token>; GET /crm/v3/owners?email=; POST
/crm/v3/objects/contacts/search with an email EQ filter; GET
/automation/v4/sequences/?userId= (paged by paging.next.after); GET
/automation/v4/sequences/enrollments/contact/{contactId}; POST
/automation/v4/sequences/enrollments?userId= with a JSON body holding the
string fields sequenceId, contactId and senderEmail, the userId being the
owner's `userId` (not its owner `id`) and the senderEmail that user's.

HubSpot documents only the 200 answer of the contact-enrollment GET; the
fake answers 404 for a contact in no sequence, and refuses enrolling a
contact already in a sequence with 400 and HubSpot's error object
(`subCategory` ALREADY_ENROLLED, the reason HubSpot's sequences help names).

Both [sinks.crm] and [sinks.sequencer] are hubspot sinks (`task` goes to
crm, `enroll` to sequencer). One signal at a time:
  1. eve is enrolled in "Fast follow" (a name, on the list's second page)
     by rep@ (userId 9001); the fake records the enrollment, then answers
     500 (the crash between HubSpot's 2xx and playd's record): the retry
     finds eve in that sequence and does not enroll her twice;
  2. bob's enroll has no rep: the sink's default_sender sdr@ (userId 9002),
     sequence 302 by id; the first POST is answered 429 with Retry-After,
     the retry enrolls; cat's is answered 403 (a token without the
     enrollments scope): the DLQ, "credentials rejected by HubSpot";
  3. at once: an unknown sequence name (DLQ naming it), ann already in
     another sequence (DLQ with HubSpot's message), zed not a HubSpot
     contact (DLQ naming the email), and a task through the crm sink (sent).
The token is nowhere in the DLQ or playd's log."""
import json
import os
import sys
import tempfile
import threading

from fake_vendor import FakeVendor
from playd_harness import Playd, wait_for

TOKEN = "pat-na1-enroll-SECRETTOKEN"

PLAYS = """
suppress {
  contact.do_not_contact as "do not contact"
}
play enroll_by_name {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.url == "https://x.io/a"
  unless suppressed
  do enroll(sequence: "Fast follow", rep: "rep@bigco.com")
}
play enroll_default_sender {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.url == "https://x.io/d"
  unless suppressed
  do enroll(sequence: "302")
}
play enroll_unknown {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.url == "https://x.io/b"
  unless suppressed
  do enroll(sequence: "No such sequence", rep: "rep@bigco.com")
}
play crm_task {
  owner "revops@acme.com"
  on website.page_viewed
  where signal.url == "https://x.io/t"
  do task(subject: "Follow up", owner: "rep@bigco.com")
}
"""

OWNERS = {  # email -> owner (the owner id and the user id differ, as in HubSpot)
    "rep@bigco.com": {"id": "501", "userId": 9001, "email": "rep@bigco.com", "type": "PERSON"},
    "sdr@bigco.com": {"id": "502", "userId": 9002, "email": "sdr@bigco.com", "type": "PERSON"},
}
CONTACTS = {"eve@bigco.com": "101", "ann@bigco.com": "102", "bob@bigco.com": "103", "cat@bigco.com": "104"}
SEQUENCES = {  # userId -> pages of the list
    "9001": [[{"id": "300", "name": "Nurture", "userId": "9001"}],
             [{"id": "301", "name": "Fast follow", "userId": "9001"}]],
    "9002": [[{"id": "302", "name": "Trial onboarding", "userId": "9002"}]],
}


def make_fake():
    fake = FakeVendor(auth=lambda req: req.headers.get("Authorization") == "Bearer " + TOKEN)
    lock = threading.Lock()
    # contactId -> its enrollment; ann is in Nurture already.
    fake.enrollments = {"102": {"id": "7001", "sequenceId": "300", "sequenceName": "Nurture",
                                "toEmail": "ann@bigco.com", "enrolledBy": "9001",
                                "enrolledByEmail": "rep@bigco.com", "enrolledAt": "2026-06-01T10:00:00Z",
                                "updatedAt": "2026-06-01T10:00:00Z"}}
    fake.tasks = []

    def search_value(req, prop):
        try:
            f = req.json["filterGroups"][0]["filters"][0]
            assert f["propertyName"] == prop and f["operator"] == "EQ"
            return f["value"]
        except (KeyError, IndexError, TypeError, AssertionError):
            fake.problem(f"{req.path}: bad search {req.json!r}")
            return None

    @fake.route("GET", r"/crm/v3/owners/?")
    def owners(req):
        o = OWNERS.get(req.arg("email"))
        return 200, {"results": [o] if o else []}

    @fake.route("POST", r"/crm/v3/objects/contacts/search")
    def contacts(req):
        cid = CONTACTS.get(search_value(req, "email"))
        return 200, {"total": 1 if cid else 0, "results": [{"id": cid, "properties": {}}] if cid else []}

    @fake.route("GET", r"/automation/v4/sequences/?")
    def sequences(req):
        pages = SEQUENCES.get(req.arg("userId"))
        if pages is None:
            fake.problem(f"sequences: userId {req.arg('userId')!r}")
            return 400, {"status": "error", "category": "VALIDATION_ERROR", "message": "userId"}
        n = int(req.arg("after", "0"))
        body = {"total": sum(len(p) for p in pages), "results": pages[n]}
        if n + 1 < len(pages):
            body["paging"] = {"next": {"after": str(n + 1), "link": "?after=" + str(n + 1)}}
        return 200, body

    @fake.route("GET", r"/automation/v4/sequences/enrollments/contact/(\d+)")
    def contact_enrollment(req):
        with lock:
            e = fake.enrollments.get(req.match.group(1))
        if e is None:
            return 404, {"status": "error", "category": "OBJECT_NOT_FOUND", "message": "No enrollment found"}
        return 200, e

    @fake.route("POST", r"/automation/v4/sequences/enrollments")
    def enroll(req):
        user = req.arg("userId")
        b = req.json or {}
        for k in ("sequenceId", "contactId", "senderEmail"):
            if not isinstance(b.get(k), str) or not b.get(k):
                fake.problem(f"enroll: {k} missing or not a string in {b!r}")
        owner = [o for o in OWNERS.values() if str(o["userId"]) == user]
        if not owner or owner[0]["email"] != b.get("senderEmail"):
            fake.problem(f"enroll: userId {user!r} is not the sender {b.get('senderEmail')!r}'s user")
            return 400, {"status": "error", "category": "VALIDATION_ERROR", "message": "bad userId"}
        names = {s["id"]: s["name"] for p in SEQUENCES[user] for s in p}
        if b.get("sequenceId") not in names:
            fake.problem(f"enroll: sequence {b.get('sequenceId')!r} is not user {user}'s")
            return 404, {"status": "error", "category": "OBJECT_NOT_FOUND", "message": "sequence not found"}
        with lock:
            if b["contactId"] in fake.enrollments:
                return 400, {"status": "error", "category": "VALIDATION_ERROR", "subCategory": "ALREADY_ENROLLED",
                             "correlationId": "c0ffee",
                             "message": f"Contact {b['contactId']} is already enrolled in a sequence"}
            e = {"id": str(8000 + len(fake.enrollments)), "sequenceId": b["sequenceId"],
                 "sequenceName": names[b["sequenceId"]], "toEmail": b["contactId"], "enrolledBy": user,
                 "enrolledByEmail": b["senderEmail"], "enrolledAt": "2026-06-21T10:00:00Z",
                 "updatedAt": "2026-06-21T10:00:00Z"}
            fake.enrollments[b["contactId"]] = e
        return 200, {"id": e["id"], "enrolledAt": e["enrolledAt"], "toEmail": e["toEmail"],
                     "updatedAt": e["updatedAt"]}

    @fake.route("POST", r"/crm/v3/objects/companies/search")
    def companies(req):
        search_value(req, "domain")
        return 200, {"total": 0, "results": []}

    @fake.route("POST", r"/crm/v3/objects/tasks/search")
    def tasks_search(req):
        key = search_value(req, "playd_key")
        with lock:
            found = [t for t in fake.tasks if t["properties"].get("playd_key") == key]
        return 200, {"total": len(found), "results": [{"id": t["id"]} for t in found]}

    @fake.route("POST", r"/crm/v3/objects/tasks")
    def tasks_create(req):
        with lock:
            t = dict(req.json, id=str(900 + len(fake.tasks)))
            fake.tasks.append(t)
        return 201, {"id": t["id"]}

    return fake


def main(binary):
    fake = make_fake()
    os.environ["PLAYD_TEST_HUBSPOT_TOKEN"] = TOKEN
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/enroll.play", "w") as f:
            f.write(PLAYS)
        config = f"""
[execution]
retry_schedule = ["200ms"]

[sinks.crm]
kind = "hubspot"
token_env = "PLAYD_TEST_HUBSPOT_TOKEN"
base_url = "{fake.base_url}"

[sinks.sequencer]
kind = "hubspot"
token_env = "PLAYD_TEST_HUBSPOT_TOKEN"
base_url = "{fake.base_url}"
default_sender = "sdr@bigco.com"
"""
        pd = Playd(binary, tmp + "/data", config, plays=plays).start()
        try:
            def signal(sid, contact, url):
                status, body = pd.request("POST", "/v1/signals", {
                    "id": sid, "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                    "account": "bigco.com", "contact": contact,
                    "properties": {"category": "docs", "url": url}})
                assert status == 200, body

            def actions(sid):
                status, body = pd.request("GET", f"/v1/signals/{sid}/trace")
                assert status == 200, (status, body)
                return [a for p in json.loads(body).get("plays", []) for a in p["actions"]]

            def status_of(sid):
                acts = actions(sid)
                return acts[0]["status"] if len(acts) == 1 else None

            enroll_path = r"/automation/v4/sequences/enrollments"

            # 1. By name, the enrollment's answer lost once: enrolled exactly once.
            fake.fail_after("POST", enroll_path, 500, {"status": "error", "message": "internal error"})
            signal("s_eve", "eve@bigco.com", "https://x.io/a")
            wait_for(lambda: status_of("s_eve") == "sent", 30, "eve's enrollment sent")
            assert fake.problems == [], fake.problems
            posts = fake.calls_to("POST", enroll_path)
            assert len(posts) == 1, posts  # the retry found the enrollment and did not post again
            _, _, query, body = posts[0]
            assert query == {"userId": ["9001"]}, query  # rep@'s userId, not its owner id 501
            assert body == {"sequenceId": "301", "contactId": "101", "senderEmail": "rep@bigco.com"}, body
            assert [e for e in fake.enrollments.values() if e["toEmail"] == "101"] == [fake.enrollments["101"]]
            assert fake.enrollments["101"]["sequenceId"] == "301", fake.enrollments
            checks = fake.calls_to("GET", r"/automation/v4/sequences/enrollments/contact/101")
            assert len(checks) == 2, checks  # before the first post, and before the retry's
            pages = [c[2] for c in fake.calls_to("GET", r"/automation/v4/sequences/?")]
            assert pages == [{"limit": ["100"], "userId": ["9001"]},
                             {"limit": ["100"], "userId": ["9001"], "after": ["1"]}], pages  # cached for the retry
            assert len(fake.calls_to("GET", r"/crm/v3/owners/?")) == 1  # cached for the retry

            # 2. No rep: default_sender; a sequence id; 429 + Retry-After, then enrolled.
            fake.fail_before("POST", enroll_path, 429,
                             {"status": "error", "category": "RATE_LIMITS", "message": "You have reached your limit"},
                             headers={"Retry-After": "1"})
            signal("s_bob", "bob@bigco.com", "https://x.io/d")
            wait_for(lambda: status_of("s_bob") == "sent", 30, "bob's enrollment sent")
            posts = [c for c in fake.calls_to("POST", enroll_path) if c[3]["contactId"] == "103"]
            assert len(posts) == 2, posts  # the 429, then the enrollment
            assert all(c[2] == {"userId": ["9002"]} for c in posts), posts
            assert posts[1][3] == {"sequenceId": "302", "contactId": "103", "senderEmail": "sdr@bigco.com"}, posts
            assert fake.enrollments["103"]["sequenceId"] == "302", fake.enrollments
            # A sequence id is not looked up in the list.
            assert not [c for c in fake.calls_to("GET", r"/automation/v4/sequences/?") if c[2].get("userId") ==
                        ["9002"]]

            # 2b. A token without the enrollments scope: 403 -> the DLQ, "credentials rejected", the
            # token (echoed by this answer) redacted.
            fake.fail_before("POST", enroll_path, 403,
                             {"status": "error", "category": "MISSING_SCOPES",
                              "message": "This app hasn't been granted all required scopes " + TOKEN})
            signal("s_cat", "cat@bigco.com", "https://x.io/a")
            wait_for(lambda: status_of("s_cat") == "dlq", 30, "cat's enrollment in the DLQ")
            cat = actions("s_cat")[0]["attempts"][-1]["detail"]
            assert "credentials rejected by HubSpot: HubSpot enrollments create: 403" in cat, cat
            assert TOKEN not in cat and "[redacted]" in cat, cat
            assert "104" not in fake.enrollments

            # 3. The refusals, and a task through the other hubspot sink.
            signal("s_unknown", "eve@bigco.com", "https://x.io/b")
            signal("s_ann", "ann@bigco.com", "https://x.io/a")
            signal("s_zed", "zed@bigco.com", "https://x.io/a")
            signal("s_task", "eve@bigco.com", "https://x.io/t")
            wait_for(lambda: len(pd.dlq()) == 4 and status_of("s_task") == "sent", 30, "four DLQ entries and a task")
            assert fake.problems == [], fake.problems
            details = {}
            for a in pd.dlq():
                body = pd.dlq_entry(a['key'])
                assert TOKEN not in body, body
                if a["signal"] == "s_cat":
                    continue
                details[a["action_line"]["contact"] if a["play"] == "enroll_by_name" else a["play"]] = body
            assert set(details) == {"enroll_unknown", "ann@bigco.com", "zed@bigco.com"}, details
            assert "HubSpot: sequence not found: No such sequence" in details["enroll_unknown"], details
            ann = details["ann@bigco.com"]
            assert "HubSpot: contact ann@bigco.com is already in sequence Nurture (300)" in ann, ann
            assert "HubSpot enrollments create: 400" in ann, ann
            assert "Contact 102 is already enrolled in a sequence" in ann, ann  # HubSpot's message
            assert "HubSpot: contact not found: zed@bigco.com" in details["zed@bigco.com"], details
            assert fake.enrollments["102"]["sequenceId"] == "300"  # ann stays where she was
            assert len(fake.tasks) == 1 and fake.tasks[0]["properties"]["hubspot_owner_id"] == "501", fake.tasks
            # Every request carried the token (FakeVendor's auth check records any other).
            assert fake.problems == [], fake.problems
            assert pd.stop() == 0
            log = pd.stderr()
            assert TOKEN not in log, log
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            fake.close()
    print("hubspot enroll: ok")


if __name__ == "__main__":
    main(sys.argv[1])
