"""The suppression re-check before a delayed send (RUNTIME.md, "Execution").

An action of a play with `unless suppressed` waits for a retry at a failing
sink; meanwhile `PUT /v1/contacts/{email}` sets do_not_contact; the sink
recovers. The action is cancelled with the reason "do not contact" (trace,
metrics), never delivered. Controls: another contact's waiting action of the
same play is delivered -- although its own signal enrolled that contact
moments earlier, which "recently enrolled" would otherwise count against it --
and demo_request (no `unless suppressed`) still delivers to the
do-not-contact contact. The enrolls go to a configured file sink
(`kind = "file"`), which must hold exactly them."""
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timezone

from playd_harness import Playd, Sink, action_key, setup_context, wait_for


def config(url):
    return f"""
[execution]
retry_schedule = ["200ms"]
max_attempts = 100000

[sinks.chat]
kind = "http"
url = "{url}"
concurrency = 2

[sinks.crm]
kind = "http"
url = "{url}"
concurrency = 2

[sinks.sequencer]
kind = "file"
path = "enrolls.ndjson"
"""


def main(binary):
    sink = Sink(default=500)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # "recently enrolled" looks at now

    def pricing(sid, contact):
        return {"id": sid, "type": "website.page_viewed", "occurred_at": now, "account": "bigco.com",
                "contact": contact, "properties": {"url": "https://acme.com/pricing", "category": "pricing"}}

    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", config(sink.url)).start()
        try:
            setup_context(pd)
            demo = {"id": "d_ana", "type": "website.form_submitted", "occurred_at": now, "account": "bigco.com",
                    "contact": "ana@bigco.com", "properties": {"form": "demo_request"}}
            status, body = pd.request("POST", "/v1/signals",
                                      [pricing("p_ana", "ana@bigco.com"), pricing("p_bob", "bob@bigco.com"), demo])
            assert status == 200 and '"accepted":3' in body, (status, body)
            ana_notify = action_key("pricing_visit_enterprise", "p_ana", 1)
            bob_notify = action_key("pricing_visit_enterprise", "p_bob", 1)
            demo_keys = {action_key("demo_request", "d_ana", n) for n in (0, 1)}
            enrolls = {action_key("pricing_visit_enterprise", s, 0) for s in ("p_ana", "p_bob")}

            def action(sid, key):
                _, body = pd.request("GET", f"/v1/signals/{sid}/trace")
                for p in json.loads(body).get("plays", []):
                    for a in p["actions"]:
                        if a["key"] == key:
                            return a
                return None

            def waiting(sid, key):
                a = action(sid, key)
                return a is not None and a["status"] == "retrying"

            # Every HTTP action has failed at least once and waits for its retry.
            wait_for(lambda: waiting("p_ana", ana_notify) and waiting("p_bob", bob_notify)
                     and all(waiting("d_ana", k) for k in demo_keys), 30, "actions waiting for a retry")
            status, body = pd.request("PUT", "/v1/contacts/ana@bigco.com", {"do_not_contact": True})
            assert status == 200, (status, body)  # durable: every later attempt sees it
            sink.default = 200  # the sink recovers

            wait_for(lambda: {bob_notify} | demo_keys <= set(sink.delivered()), 30, "the others delivered")
            wait_for(lambda: (action("p_ana", ana_notify) or {}).get("status") == "cancelled", 30,
                     "ana's notify cancelled")
            time.sleep(0.5)  # a few more retry periods: a cancelled action must stay unsent
            assert ana_notify not in sink.delivered(), "a suppressed action was delivered"
            a = action("p_ana", ana_notify)
            last = a["attempts"][-1]
            assert last["result"] == "cancelled" and last["detail"] == "suppressed: do not contact", a
            assert action("p_bob", bob_notify)["status"] == "sent"

            _, metrics = pd.request("GET", "/metrics")
            assert ('playd_actions_cancelled_total{play="pricing_visit_enterprise",reason="do not contact"} 1'
                    in metrics), metrics
            assert 'playd_actions_total{sink="chat",result="cancelled"} 1' in metrics, metrics

            # The enrolls went (at once, before the PUT) to the file sink, not to the outbox.
            lines = open(os.path.join(tmp, "data", "enrolls.ndjson")).read().splitlines()
            assert {json.loads(l)["key"] for l in lines} == enrolls and len(lines) == 2, lines
            assert not os.path.exists(os.path.join(tmp, "data", "outbox.ndjson"))
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            sink.close()
    print("suppression re-check: ok")


if __name__ == "__main__":
    main(sys.argv[1])
