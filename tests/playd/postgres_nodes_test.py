"""Three playd processes (nodes) on one PostgreSQL database, a throwaway
cluster this test starts (initdb into a temporary directory, a unix socket
there; as `nobody` when run as root). Signals are sent to every node; one
node is killed with -9 in the middle; the client resends every batch it got
no answer for to a live node. Every acknowledged signal is evaluated once
by some node, and the sink sees every expected action, each with one
effect (docs/operations.md, "PostgreSQL").

What a dead node held -- its claimed signals and its open actions
(evaluated, not delivered yet) -- is taken over by the live nodes once it
has been silent for 10 s."""
import sys
import tempfile
import threading
import time

from pg_cluster import Cluster
from playd_harness import IdempotentSink, Playd, demo_signal, expected_keys, setup_context

N, BATCH, NODES = 3000, 50, 3
CONCURRENCY = 4


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
    cluster = Cluster()
    nodes = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            def node(name):
                pd = Playd(binary, f"{tmp}/{name}", config(sink.url))
                pd.start_args = ["--store", f"{cluster.url}&playd_node={name}"]
                nodes.append(pd)
                return pd.start()

            live = [node(f"n{i + 1}") for i in range(NODES)]
            setup_context(live[0])
            victim = live[-1]
            acked, unacked = set(), []
            batches = [[demo_signal(i) for i in range(b, min(N, b + BATCH))] for b in range(0, N, BATCH)]
            killed = threading.Event()
            for n, batch in enumerate(batches):
                if n == len(batches) // 2:
                    threading.Thread(target=lambda: (victim.kill9(), killed.set())).start()
                target = live[n % len(live)]
                try:
                    status, _ = target.request("POST", "/v1/signals", batch, timeout=10)
                except Exception:
                    status = 0
                if status == 200:
                    acked.update(s["id"] for s in batch)
                else:
                    unacked.append(batch)
            killed.wait()
            survivors = [pd for pd in live if pd is not victim]
            for n, batch in enumerate(unacked):  # the client's retries, to a live node
                status, body = survivors[n % len(survivors)].request("POST", "/v1/signals", batch, timeout=30)
                assert status == 200, (status, body)
            want = expected_keys(f"evt_{i}" for i in range(N))
            deadline = time.time() + 120  # the victim is found dead after 10 s
            while len(sink.effects) < len(want) and time.time() < deadline:
                time.sleep(0.2)
            time.sleep(0.5)
            with sink.lock:
                effects, raw = list(sink.effects), dict(sink.raw)
            missing, extra = want - set(effects), set(effects) - want
            assert not missing and not extra, f"{len(missing)} missing, {len(extra)} extra keys"
            repeats = sum(n - 1 for n in raw.values())
            # Only sends in hand at the kill can repeat (the victim's two sinks).
            assert repeats <= 2 * CONCURRENCY, f"{repeats} raw repeats"
            took_over = sum("took over" in pd.stderr() for pd in survivors)
            for sid in sorted(acked)[:: max(1, len(acked) // 30)]:
                _, trace = survivors[0].request("GET", f"/v1/signals/{sid}/trace")
                assert '"status":"evaluated"' in trace and '"outcome":"fired"' in trace, trace
            for pd in nodes:
                if pd is not victim:
                    assert pd.stop() == 0, pd.stderr()
            print(f"postgres_nodes: ok in {time.time() - started:.1f}s: {N} signals on {NODES} nodes, one killed "
                  f"with -9 after {len(acked)} acknowledged; {len(unacked)} batches resent; {len(effects)} "
                  f"effects, {repeats} raw same-key repeats absorbed by Idempotency-Key; {took_over} nodes took over "
                  f"the victim's open actions")
    finally:
        for pd in nodes:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
        sink.close()
        cluster.stop()


if __name__ == "__main__":
    main(sys.argv[1])
