"""kill -9 playd in the middle of 20,000 signals sent with retries by the
client; restart on the same data directory; the client resends every batch
it got no answer for. Every acknowledged signal is processed, the sink sees
every expected action, and no idempotency key has a second effect.

Delivery is at-least-once with a stable key (docs/operations.md, "kill -9"):
a send in flight at the kill may reach the sink again after the restart,
with the SAME key. The sink here honours Idempotency-Key as real sinks do
(IdempotentSink: a repeated key gets the first answer, no second effect), so
the assertion is on effects: exactly the expected keys, each once -- a key
the engine did not derive (a resend with a new key) would show up as an
extra effect. Raw repeats are reported, and bounded by the sinks' total
concurrency (only the sends in hand at the kill can repeat)."""
import sys
import tempfile
import threading
import time
from collections import Counter

from playd_harness import IdempotentSink, Playd, demo_signal, expected_keys, setup_context

N, BATCH = 20000, 100
CONCURRENCY = 4  # per HTTP sink; crm and chat below


def config(url):
    return f"""
[execution]
retry_schedule = ["100ms", "200ms", "400ms"]
max_attempts = 20

[sinks.crm]
kind = "http"
url = "{url}"
concurrency = {CONCURRENCY}

[sinks.chat]
kind = "http"
url = "{url}"
concurrency = {CONCURRENCY}
"""


def main(binary):
    started = time.time()
    sink = IdempotentSink()
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", config(sink.url)).start()
        try:
            setup_context(pd)
            acked, unacked = set(), []
            batches = [[demo_signal(i) for i in range(b, min(N, b + BATCH))] for b in range(0, N, BATCH)]
            killed = threading.Event()
            for n, batch in enumerate(batches):
                if n == len(batches) // 2:
                    threading.Thread(target=lambda: (pd.kill9(), killed.set())).start()
                try:
                    status, _ = pd.request("POST", "/v1/signals", batch, timeout=10)
                except Exception:
                    status = 0
                if status == 200:
                    acked.update(s["id"] for s in batch)
                else:
                    unacked.append(batch)
            killed.wait()
            assert unacked, "the kill should have interrupted some requests"
            in_outbox_at_kill = sink.effect_count()
            pd.start()  # same data dir
            for batch in unacked:  # the client's retries
                status, body = pd.request("POST", "/v1/signals", batch, timeout=30)
                assert status == 200, (status, body)
            want = expected_keys(f"evt_{i}" for i in range(N))
            deadline = time.time() + 90
            while sink.effect_count() < len(want) and time.time() < deadline:
                time.sleep(0.2)
            time.sleep(0.5)  # late repeats, if any, land now
            with sink.lock:
                effects, raw = list(sink.effects), dict(sink.raw)
            counts = Counter(effects)
            assert all(n == 1 for n in counts.values())  # by construction of the sink
            missing, extra = want - set(effects), set(effects) - want
            assert not missing and not extra, f"{len(missing)} missing, {len(extra)} extra keys"
            repeats = sum(n - 1 for n in raw.values())
            assert repeats <= 2 * CONCURRENCY, f"{repeats} raw repeats: more than the sends in hand at the kill"
            for sid in sorted(acked)[:: max(1, len(acked) // 50)]:
                _, trace = pd.request("GET", f"/v1/signals/{sid}/trace")
                assert '"status":"evaluated"' in trace and '"outcome":"fired"' in trace, trace
            _, metrics = pd.request("GET", "/metrics")
            assert "playd_actions_pending 0" in metrics and "playd_dlq_size 0" in metrics, metrics
            assert pd.stop() == 0
            print(f"crash: ok in {time.time() - started:.1f}s: {N} signals, {len(acked)} acknowledged before "
                  f"the kill, {len(unacked)} batches resent; {len(effects)} effects at the sink "
                  f"({in_outbox_at_kill} before the kill), {repeats} raw same-key repeats absorbed by "
                  f"Idempotency-Key")
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
            sink.close()


if __name__ == "__main__":
    main(sys.argv[1])
