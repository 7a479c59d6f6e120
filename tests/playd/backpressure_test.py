"""Backpressure on actions: when sinks fall behind, the outbox does not grow
without bound (an outside 500k-signal run reached 963k pending actions and
1.37 GB). Above max_pending_actions evaluation pauses, ingestion answers
503 with Retry-After and says why, /metrics reports each sink's outbox depth
and age -- and once the sink recovers every acknowledged signal's actions
are delivered, once."""
import sys
import tempfile
import time
import urllib.request
from collections import Counter

from playd_harness import Playd, Sink, demo_signal, expected_keys, setup_context, wait_for

LIMIT = 40
QUALIFY_BATCH = 256  # the qualifier checks the limit between batches: one batch may overshoot


def metric(pd, name):
    _, text = pd.request("GET", "/metrics")
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return line
    raise AssertionError(f"{name} not in /metrics")


def main(binary):
    sink = Sink(default=503)
    config = f"""
[execution]
retry_schedule = ["300ms"]
max_attempts = 1000
max_pending_actions = {LIMIT}

[sinks.crm]
kind = "http"
url = "{sink.url}"
concurrency = 2

[sinks.chat]
kind = "http"
url = "{sink.url}"
concurrency = 2
"""
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", config).start()
        try:
            setup_context(pd)
            acked, refused, i = set(), None, 0
            while i < 2000 and refused is None:
                batch = [demo_signal(n) for n in range(i, i + 10)]
                req = urllib.request.Request(pd.base + "/v1/signals", data=__import__("json").dumps(batch).encode(),
                                             method="POST", headers={"Content-Type": "application/json"})
                try:
                    with urllib.request.urlopen(req, timeout=10):
                        acked.update(s["id"] for s in batch)
                except urllib.error.HTTPError as e:
                    assert e.code == 503, e.code
                    refused = (e.headers.get("Retry-After"), e.read().decode())
                i += 10
                time.sleep(0.01)
            assert refused, "ingestion never pushed back while the sink failed"
            retry_after, body = refused
            assert retry_after and "actions wait for their sinks" in body, refused
            pending = int(metric(pd, "playd_actions_pending").split()[-1])
            assert 0 < pending <= LIMIT + 2 * QUALIFY_BATCH, pending
            depth = metric(pd, 'playd_outbox_depth{sink="crm"}')
            assert int(depth.split()[-1]) > 0, depth
            age = float(metric(pd, 'playd_outbox_oldest_age_seconds{sink="crm"}').split()[-1])
            assert age > 0, age
            # The sink recovers: everything acknowledged is delivered, once,
            # and ingestion takes signals again.
            sink.default = 200
            want = expected_keys(acked)
            wait_for(lambda: set(sink.delivered()) >= want, 60, "every acknowledged action delivered")
            wait_for(lambda: pd.request("POST", "/v1/signals", [demo_signal(10**6)])[0] == 200, 30,
                     "ingestion open again")
            wait_for(lambda: set(sink.delivered()) >= want | expected_keys([f"evt_{10**6}"]), 30, "the last one")
            counts = Counter(sink.delivered())
            assert all(n == 1 for n in counts.values()), [k for k, n in counts.items() if n > 1][:3]
            assert pd.stop() == 0
            print(f"backpressure: ok: {len(acked)} signals acknowledged before the 503, at most {pending} "
                  f"actions pending (limit {LIMIT}), all delivered once after recovery")
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            sink.close()


if __name__ == "__main__":
    main(sys.argv[1])
