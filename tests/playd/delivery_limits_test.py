"""Limits on delivery that outside runs found missing:

1. Retry-After is capped (max_retry_after): a sink answering 429 with
   Retry-After: 100000000 parked an action until 2030, never flagged.
2. The undelivered check runs on a timer and counts actions, not attempts.
3. `playd dlq replay --all` from the CLI against a live playd goes through
   the running service, which sends the actions now (it used to leave them
   pending behind the running process's back).
4. A replayed action gets a fresh attempt budget.
5. Admin error bodies are valid JSON, whatever the key looks like."""
import json
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter

from playd_harness import Playd, Sink, demo_signal, expected_keys, setup_context, wait_for


def metric_value(pd, name):
    _, text = pd.request("GET", "/metrics")
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    raise AssertionError(name)


def dlq_keys(pd):
    return {a["key"] for a in pd.dlq()}


def capped_and_flagged(binary, tmp):
    crm = Sink(plan=[(429, {"Retry-After": "100000000"})])
    chat = Sink(default=500)
    config = f"""
[execution]
retry_schedule = ["200ms"]
max_attempts = 1000
max_retry_after = "1s"
undelivered_alert = "3s"

[sinks.crm]
kind = "http"
url = "{crm.url}"

[sinks.chat]
kind = "http"
url = "{chat.url}"
"""
    pd = Playd(binary, tmp + "/a", config).start()
    try:
        setup_context(pd)
        status, _ = pd.request("POST", "/v1/signals", [demo_signal(i) for i in range(3)])
        assert status == 200
        # 1. The 429 with a huge Retry-After is retried after the 1 s cap.
        wait_for(lambda: len(set(crm.delivered())) == 3, 15, "the capped retry delivered")
        # 2. The three chat actions never get through: each flagged once, by the timer.
        wait_for(lambda: metric_value(pd, "playd_actions_flagged_total") >= 3, 15, "undelivered actions flagged")
        time.sleep(1.5)  # many more failed attempts happen meanwhile (every 200 ms)
        assert len(chat.received) > 10, len(chat.received)
        assert metric_value(pd, "playd_actions_flagged_total") == 3, "actions are counted once, not per attempt"
        assert metric_value(pd, "playd_actions_undelivered") == 3
        assert "undelivered for" in pd.stderr()
        assert pd.stop() == 0
    finally:
        if pd.proc.poll() is None:
            pd.proc.kill()
        crm.close()
        chat.close()


def replay_through_the_service(binary, tmp):
    sink = Sink(default=500)
    config = f"""
[execution]
retry_schedule = ["100ms"]
max_attempts = 3

[sinks.crm]
kind = "http"
url = "{sink.url}"

[sinks.chat]
kind = "http"
url = "{sink.url}"
"""
    data = tmp + "/b"
    pd = Playd(binary, data, config).start()
    try:
        setup_context(pd)
        status, _ = pd.request("POST", "/v1/signals", [demo_signal(0)])
        assert status == 200
        want = expected_keys(["evt_0"])
        wait_for(lambda: dlq_keys(pd) == want, 30, "both actions in the DLQ after 3 attempts")
        per_key = Counter(k for k, _, _ in sink.received)
        assert all(per_key[k] == 3 for k in want), per_key
        _, body = pd.request("GET", f"/v1/admin/dlq/{sorted(want)[0]}")
        assert "gave up after 3 attempts" in body, body
        # 4. Replayed while the sink still fails: a fresh budget of 3 attempts each.
        out = subprocess.run([binary, "dlq", "replay", "--all", "--data", data], capture_output=True, text=True,
                             timeout=30)
        assert out.returncode == 0 and json.loads(out.stdout) == {"replayed": 2}, (out.stdout, out.stderr)
        wait_for(lambda: dlq_keys(pd) == want and all(Counter(k for k, _, _ in sink.received)[k] == 6 for k in want),
                 30, "three more attempts each, then the DLQ again")
        # 3. The sink is fixed; the CLI replay goes through the running playd, which sends now.
        sink.default = 200
        out = subprocess.run([binary, "dlq", "replay", "--all", "--data", data], capture_output=True, text=True,
                             timeout=30)
        assert out.returncode == 0, out.stderr
        wait_for(lambda: set(sink.delivered()) == want, 15, "replayed actions sent by the running playd")
        # `dlq list` through the service too.
        out = subprocess.run([binary, "dlq", "list", "--data", data], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0 and json.loads(out.stdout) == {"actions": []}, out.stdout
        # 5. Error bodies stay JSON, whatever the key.
        for key in ['no"such\\key', "x" * 300, "%00"]:
            status, body = pd.request("POST", "/v1/admin/dlq/" + urllib.parse.quote(key, safe="") + "/replay", b"")
            assert status == 404, (status, body)
            json.loads(body)
        assert pd.stop() == 0
    finally:
        if pd.proc.poll() is None:
            pd.proc.kill()
        sink.close()


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        capped_and_flagged(binary, tmp)
        replay_through_the_service(binary, tmp)
    print("delivery limits: ok")


if __name__ == "__main__":
    main(sys.argv[1])
