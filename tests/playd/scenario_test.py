"""The engine's scenario (tests/scenario) sent over HTTP to a real playd
produces the same actions, with the same idempotency keys and arguments, as
`playc run` on it.

playd starts on tests/scenario/plays with no config (every action to the
file outbox DATA/outbox.ndjson). The context of tests/scenario/context.json
is loaded through the HTTP API (PUT /v1/accounts/{domain} and PUT
/v1/contacts/{email}) before any signal. The signals are then POSTed one at
a time, each only after the previous one is evaluated (its trace says
"status":"evaluated"): the scenario is order-dependent on purpose (crm.*
updates mid-stream, dedup windows, round-robin rotation, a repeated id),
and playd's priority lanes would legitimately evaluate a high-lane signal
ahead of an earlier normal-lane one if they were sent together. The one
invalid line (no occurred_at) must get a 400 naming the missing field.

Compared: the outbox's lines against `playc run`'s action lines, as
multisets of exact text, and per key (each key once, the same line).
Shadow actions (`mode shadow`) are never sent: playc prints them with
"shadow":true, playd must record them with status `shadow` (trace) and keep
them out of the outbox."""
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter

from playd_harness import Playd, REPO, load_context

HERE = os.path.join(REPO, "tests", "scenario")


def main(binary, playc):
    signals = os.path.join(HERE, "signals.ndjson")
    context_file = os.path.join(HERE, "context.json")
    run = subprocess.run([playc, "run", os.path.join(HERE, "plays"), "--signals", signals,
                          "--context", context_file], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 1, (run.returncode, run.stderr)  # the one invalid line
    want = [l for l in run.stdout.splitlines() if json.loads(l).get("kind") == "action"]
    want_live = [l for l in want if not json.loads(l).get("shadow")]
    want_shadow = [json.loads(l) for l in want if json.loads(l).get("shadow")]
    assert want_live and want_shadow, "the scenario has live and shadow actions"

    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", plays=os.path.join(HERE, "plays")).start()
        try:
            load_context(pd, context_file)

            sent = 0
            for n, line in enumerate(open(signals, "rb").read().splitlines(), 1):
                if not line.strip():
                    continue
                status, body = pd.request("POST", "/v1/signals", line)
                if n == 16:  # no occurred_at: playc skips it too
                    assert status == 400 and "occurred_at" in body, (n, status, body)
                    continue
                assert status == 200, (n, status, body)
                sid = json.loads(line)["id"]
                deadline = time.time() + 20
                while True:
                    _, trace = pd.request("GET", f"/v1/signals/{sid}/trace")
                    if '"status":"evaluated"' in trace:
                        break
                    assert time.time() < deadline, f"signal {sid} (line {n}) not evaluated: {trace}"
                    time.sleep(0.005)
                sent += 1

            outbox = os.path.join(tmp, "data", "outbox.ndjson")

            def delivered():
                return open(outbox).read().splitlines() if os.path.exists(outbox) else []
            deadline = time.time() + 20
            while len(delivered()) < len(want_live) and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)  # anything extra would show up now
            got = delivered()
            missing, extra = Counter(want_live) - Counter(got), Counter(got) - Counter(want_live)
            assert not missing and not extra, f"missing {list(missing)}\nextra {list(extra)}"
            by_key = {}
            for l in got:
                k = json.loads(l)["key"]
                assert k not in by_key, f"key {k} delivered twice"
                by_key[k] = l
            for l in want_live:
                assert by_key[json.loads(l)["key"]] == l
            for a in want_shadow:  # recorded, never sent
                _, trace = pd.request("GET", f"/v1/signals/{a['signal']}/trace")
                acts = [x for p in json.loads(trace)["plays"] for x in p["actions"] if x["key"] == a["key"]]
                assert acts and acts[0]["status"] == "shadow" and a["key"] not in by_key, (a, trace)
            assert pd.stop() == 0
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
    print(f"scenario over HTTP: {sent} signals, {len(got)} actions identical to playc run "
          f"(+{len(want_shadow)} shadow, recorded only)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
