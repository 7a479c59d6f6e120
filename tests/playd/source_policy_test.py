"""Who may send what (issue 7, items 6, 10b, 10c, 10d and 15), against a real
playd on loopback.

- Source allow-lists: a source sends only the signal types its `signals`
  patterns allow; crm.account_updated / crm.contact_updated and context PUTs
  need `context = true`; a refused item is a 400 naming the rule while the
  good items of the batch are taken; a forbidden PUT is 403 and changes
  nothing. The stored envelope's `source` is always the authenticated
  source's name, whatever the body says.
- Segment sources change context only through the traits they are allowed
  (`traits = { accounts = [...], contacts = [...] }`); identify/group calls
  with no allowed trait are acknowledged and ignored.
- The write key may come in the JSON body (batch-level `writeKey`, or an
  item's own, which wins); a wrong key in the body gets 401.
- A signed (Standard Webhooks) context PUT replayed within the tolerance
  window is answered 200 `"duplicate": true` and not applied again, so a
  replayed old PUT cannot revert a newer one.
- Loopback trust: a request carrying Forwarded / X-Forwarded-For came through
  a proxy and is not treated as loopback (admin endpoints, /metrics and open
  mode refuse it); with `trust_loopback = false` loopback peers need the
  admin token like anyone (for /metrics too)."""
import base64
import hashlib
import hmac
import json
import os
import sqlite3
import sys
import tempfile
import time

from playd_harness import Playd

WHSEC = "whsec_" + base64.b64encode(b"policy-test-webhook-key-32bytes!").decode()
ADMIN = "adm_policy"

CONFIG = f"""
[[sources]]
name = "website"
kind = "bearer"
secret = "tok_website"
signals = ["website.*"]

[[sources]]
name = "crm"
kind = "bearer"
secret = "tok_crm"
context = true

[[sources]]
name = "segment"
kind = "segment"
secret = "wk_segment"
traits = {{ accounts = ["industry"], contacts = ["title"] }}

[[sources]]
name = "mobile"
kind = "segment"
secret = "wk_mobile"

[[sources]]
name = "vendor"
kind = "webhooks"
secret = "{WHSEC}"
context = true
"""

NOW = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def basic(key):
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def bearer(token):
    return {"Authorization": "Bearer " + token}


def signed(msg_id, body, ts=None):
    ts = int(time.time()) if ts is None else ts
    key = base64.b64decode(WHSEC[len("whsec_"):])
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts),
            "webhook-signature": "v1," + base64.b64encode(mac).decode()}


class Store:
    def __init__(self, data):
        self.path = os.path.join(data, "playd.db")

    def query(self, sql, *args):
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def envelope(self, signal_id):
        rows = self.query("SELECT envelope FROM signals WHERE id = ?", signal_id)
        return json.loads(rows[0][0]) if rows else None

    def record(self, table, key_column, key):
        rows = self.query(f"SELECT fields FROM {table} WHERE {key_column} = ?", key)
        return json.loads(rows[0][0]) if rows else None


def page(sid, **extra):
    return {"id": sid, "type": "website.page_viewed", "occurred_at": NOW, "account": "bigco.com",
            "properties": {"url": "https://acme.com/pricing"}, **extra}


def check(results, ok, what, detail=""):
    results.append((ok, what))
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f"\n       {detail}"[:1500]))


def allow_lists(pd, store, r):
    # The body's `source` is overwritten with the authenticated source.
    st, body = pd.request("POST", "/v1/signals", page("w1", source="crm"), headers=bearer("tok_website"))
    env = store.envelope("w1")
    check(r, st == 200 and env and env["source"] == "website", "the envelope's source is the authenticated one",
          (st, body, env))
    dup_keys = '{"id":"w2","source":"crm","type":"website.page_viewed","source":"crm2",' \
               f'"occurred_at":"{NOW}","properties":{{"url":"u"}}}}'
    st, body = pd.request("POST", "/v1/signals", dup_keys.encode(), headers=bearer("tok_website"))
    env = store.envelope("w2")
    check(r, st == 200 and env and env["source"] == "website" and body.count("source") == 0,
          "every `source` key of the body is replaced", (st, body, env))

    contact_update = {"id": "w3", "type": "crm.contact_updated", "occurred_at": NOW,
                      "contact": "ana@bigco.com", "properties": {"do_not_contact": True}}
    trial = {"id": "w4", "type": "product.trial_started", "occurred_at": NOW, "properties": {}}
    st, body = pd.request("POST", "/v1/signals", [page("w5"), contact_update, trial], headers=bearer("tok_website"))
    j = json.loads(body)
    errors = {i["index"]: i["error"] for i in j.get("items", [])}
    check(r, st == 400 and j.get("accepted") == 1 and
          errors.get(1, "").startswith("source 'website' may not send crm.contact_updated (") and
          errors.get(2) == "source 'website' may not send product.trial_started (signals = [\"website.*\"])",
          "refused types are per-item 400s naming the rule; the good item is taken", body)
    check(r, store.envelope("w5") is not None and store.envelope("w3") is None and store.envelope("w4") is None,
          "only the allowed item was stored")

    # Default allow-list: every type but the context-changing ones.
    st, body = pd.request("POST", "/v1/signals", {**trial, "id": "m1"}, headers=basic("wk_mobile"))
    check(r, st == 200, "a Segment-kind source sends any ordinary type by default", body)
    st, body = pd.request("POST", "/v1/signals", {**contact_update, "id": "m2"}, headers=basic("wk_mobile"))
    check(r, st == 400 and "may not send crm.contact_updated" in body, "but not crm.contact_updated", body)

    # Context PUTs need `context = true`.
    st, body = pd.request("PUT", "/v1/contacts/ana@bigco.com", {"do_not_contact": True}, headers=bearer("tok_website"))
    check(r, st == 403 and "may not change context" in body, "a PUT from a source without context gets 403",
          (st, body))
    check(r, store.record("contacts", "email", "ana@bigco.com") is None, "the refused PUT changed nothing")
    st, body = pd.request("PUT", "/v1/contacts/ana@bigco.com", {"title": "CTO"}, headers=bearer("tok_crm"))
    check(r, st == 200, "a source with context = true may PUT", body)
    st, body = pd.request("POST", "/v1/signals", {**contact_update, "id": "c1"}, headers=bearer("tok_crm"))
    check(r, st == 200 and store.envelope("c1")["source"] == "crm",
          "and send crm.contact_updated", body)


def segment_traits(pd, store, r):
    batch = {"batch": [
        {"type": "identify", "messageId": "s1", "userId": "bo@bigco.com",
         "traits": {"email": "bo@bigco.com", "title": "VP", "do_not_contact": True}},
        {"type": "group", "messageId": "s2", "userId": "bo@bigco.com", "groupId": "bigco.com",
         "traits": {"industry": "software", "owner": "mallory@evil.com"}},
        {"type": "track", "messageId": "s3", "userId": "bo@bigco.com", "event": "crm.contact_updated",
         "properties": {"do_not_contact": True}},
        {"type": "track", "messageId": "s4", "userId": "bo@bigco.com", "event": "product.trial_started"},
    ]}
    st, body = pd.request("POST", "/v1/batch", batch, headers=basic("wk_segment"))
    j = json.loads(body)
    check(r, st == 400 and j.get("accepted") == 1 and len(j.get("items", [])) == 1 and
          j["items"][0]["index"] == 2 and "may not send crm.contact_updated" in j["items"][0]["error"],
          "a Segment track mapped to crm.contact_updated is refused, the rest taken", body)
    bo = store.record("contacts", "email", "bo@bigco.com")
    bo = bo and {k: v for k, v in bo.items() if k != "email"}  # the key, as stored
    check(r, bo == {"title": "VP"}, "identify changed only the allowed trait (no do_not_contact, no account link)",
          bo)
    acct = store.record("accounts", "domain", "bigco.com")
    check(r, acct is not None and acct.get("industry") == "software" and "owner" not in acct,
          "group changed only the allowed trait (no owner)", acct)
    st, body = pd.request("POST", "/v1/identify", {"userId": "cy@bigco.com", "traits": {
        "email": "cy@bigco.com", "do_not_contact": True}}, headers=basic("wk_mobile"))
    j = json.loads(body)
    check(r, st == 200 and j.get("ignored") == 1 and store.record("contacts", "email", "cy@bigco.com") is None,
          "a Segment source without traits: identify acknowledged, ignored, nothing changed", body)


def write_key_in_body(pd, store, r):
    track = lambda mid, **kw: {"type": "track", "messageId": mid, "userId": "dee@bigco.com",
                               "event": "product.trial_started", **kw}
    st, body = pd.request("POST", "/v1/batch", {"writeKey": "wk_segment", "batch": [track("k1")]})
    check(r, st == 200 and store.envelope("k1") and store.envelope("k1")["source"] == "segment",
          "a batch-level writeKey authenticates (source: its source)", (st, body))
    st, body = pd.request("POST", "/v1/batch", {"writeKey": "wk_segment", "batch": [
        track("k2", writeKey="wk_mobile"), track("k3")]})
    check(r, st == 200 and store.envelope("k2")["source"] == "mobile" and store.envelope("k3")["source"] == "segment",
          "an item's own writeKey wins over the batch's", (st, body))
    st, body = pd.request("POST", "/v1/track", {**track("k4"), "writeKey": "wk_mobile"})
    check(r, st == 200 and store.envelope("k4")["source"] == "mobile", "a single call's writeKey", (st, body))
    st, body = pd.request("POST", "/v1/batch", {"writeKey": "wk_nope", "batch": [track("k5")]})
    check(r, st == 401 and store.envelope("k5") is None, "a wrong writeKey in the body gets 401", (st, body))
    st, body = pd.request("POST", "/v1/batch", {"batch": [track("k6", writeKey="wk_nope"),
                                                          track("k7", writeKey="wk_segment")]})
    check(r, st == 400 and store.envelope("k6") is None and store.envelope("k7") is not None,
          "a wrong item writeKey refuses that item only", (st, body))
    st, body = pd.request("POST", "/v1/batch", {"batch": [track("k8")]})
    check(r, st == 401 and store.envelope("k8") is None, "no key anywhere gets 401", (st, body))
    st, body = pd.request("POST", "/v1/signals", {**page("k9"), "writeKey": "wk_segment"})
    check(r, st == 401, "a writeKey in the body is for the Segment API only", (st, body))


def signed_replay(pd, store, r):
    first = json.dumps({"title": "Engineer"}).encode()
    newer = json.dumps({"title": "CEO"}).encode()
    h1 = signed("msg_put_1", first)
    st, body = pd.request("PUT", "/v1/contacts/eve@bigco.com", first, headers=h1)
    check(r, st == 200, "a signed PUT is applied", (st, body))
    st, body = pd.request("PUT", "/v1/contacts/eve@bigco.com", newer, headers=signed("msg_put_2", newer))
    check(r, st == 200, "a newer signed PUT is applied", (st, body))
    st, body = pd.request("PUT", "/v1/contacts/eve@bigco.com", first, headers=h1)  # the replay
    eve = store.record("contacts", "email", "eve@bigco.com")
    eve = eve and {k: v for k, v in eve.items() if k != "email"}
    check(r, st == 200 and json.loads(body).get("duplicate") is True, "a replayed signed PUT is a duplicate",
          (st, body))
    check(r, eve == {"title": "CEO"}, "the replay did not revert the newer PUT", eve)


def loopback_trust(pd, r):
    st, _ = pd.request("GET", "/v1/admin/dlq")
    check(r, st == 200, "admin from loopback (no admin token configured)")
    for h in ({"X-Forwarded-For": "203.0.113.7"}, {"Forwarded": "for=203.0.113.7"}):
        st, _ = pd.request("GET", "/v1/admin/dlq", headers=h)
        check(r, st == 401, f"admin through a proxy ({list(h)[0]}) is not loopback", st)
        st, _ = pd.request("GET", "/metrics", headers=h)
        check(r, st == 401, f"/metrics through a proxy ({list(h)[0]}) needs the admin token", st)


def main(binary):
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", CONFIG).start()
        store = Store(tmp + "/data")
        try:
            for section in (allow_lists, segment_traits, write_key_in_body, signed_replay):
                try:
                    section(pd, store, results)
                except Exception as e:
                    check(results, False, f"{section.__name__} ran", repr(e))
            loopback_trust(pd, results)
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()

        # Open mode (no sources): a proxied request is not loopback.
        pd = Playd(binary, tmp + "/open").start()
        try:
            st, _ = pd.request("POST", "/v1/signals", page("o1"))
            check(results, st == 200, "open mode takes unauthenticated signals from loopback")
            st, _ = pd.request("POST", "/v1/signals", page("o2"), headers={"X-Forwarded-For": "203.0.113.7"})
            check(results, st == 401, "but not through a proxy", st)
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()

        # trust_loopback = false: loopback peers are like any other.
        pd = Playd(binary, tmp + "/strict", f'[server]\ntrust_loopback = false\nadmin_token = "{ADMIN}"\n'
                   + CONFIG).start()
        try:
            for path in ("/v1/admin/dlq", "/metrics"):
                st, _ = pd.request("GET", path)
                check(results, st == 401, f"trust_loopback = false: {path} from loopback needs the token", st)
                st, _ = pd.request("GET", path, headers=bearer(ADMIN))
                check(results, st == 200, f"trust_loopback = false: {path} with the token", st)
            st, _ = pd.request("GET", "/healthz")
            check(results, st == 200, "/healthz stays open")
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
    failed = sum(1 for ok, _ in results if not ok)
    print(f"source policy: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1])
