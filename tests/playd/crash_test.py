"""kill -9 playd while signals arrive; restart on the same data directory;
the client resends what was not acknowledged. Every acknowledged signal is
processed, the sink sees every expected action, and no action is delivered
with a different key (a repeat with the SAME key is possible for sends that
were in flight at the kill: sinks drop those by Idempotency-Key)."""
import sys
import tempfile
import threading
from collections import Counter

from playd_harness import Playd, Sink, demo_signal, expected_keys, setup_context, sink_config, wait_for

N, BATCH = 1000, 50


def main(binary):
    sink = Sink()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = sink_config(sink.url)
        pd = Playd(binary, tmp + "/data", cfg).start()
        try:
            setup_context(pd)
            acked, unacked = set(), []
            batches = [[demo_signal(i) for i in range(b, min(N, b + BATCH))] for b in range(0, N, BATCH)]
            killed = threading.Event()
            for n, batch in enumerate(batches):
                if n == len(batches) // 2:
                    threading.Thread(target=lambda: (pd.kill9(), killed.set())).start()
                try:
                    status, _ = pd.request("POST", "/v1/signals", batch, timeout=5)
                except Exception:
                    status = 0
                if status == 200:
                    acked.update(s["id"] for s in batch)
                else:
                    unacked.append(batch)
            killed.wait()
            assert unacked, "the kill should have interrupted some requests"
            pd.start()  # same data dir
            for batch in unacked:  # the client's retries
                status, body = pd.request("POST", "/v1/signals", batch)
                assert status == 200, (status, body)
            all_ids = [f"evt_{i}" for i in range(N)]
            want = expected_keys(all_ids)
            wait_for(lambda: set(sink.delivered()) >= want, 50, "every action delivered")
            got = Counter(sink.delivered())
            assert set(got) == want, len(set(got) ^ want)
            repeats = sum(n - 1 for n in got.values())
            # Only sends in flight at the kill can repeat: at most the sinks' concurrency.
            assert repeats <= 4, f"{repeats} repeated deliveries"
            for sid in list(acked)[:20]:
                _, trace = pd.request("GET", f"/v1/signals/{sid}/trace")
                assert '"status":"evaluated"' in trace and '"outcome":"fired"' in trace, trace
            assert pd.stop() == 0
            print(f"crash: ok ({len(acked)} acknowledged before the kill, {len(unacked)} batches resent, "
                  f"{repeats} same-key repeats)")
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
            sink.close()


if __name__ == "__main__":
    main(sys.argv[1])
