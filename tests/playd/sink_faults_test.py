"""A sink answering 500, then 429 with Retry-After, then recovering receives
every action exactly once (counting 2xx answers), with the right keys."""
import sys
import tempfile
from collections import Counter

from playd_harness import Playd, Sink, demo_signal, expected_keys, setup_context, sink_config, wait_for


def main(binary):
    sink = Sink(plan=[(500, {}), (500, {}), (429, {"Retry-After": "1"}), (429, {"Retry-After": "1"})])
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", sink_config(sink.url)).start()
        try:
            setup_context(pd)
            ids = [f"evt_{i}" for i in range(5)]
            status, body = pd.request("POST", "/v1/signals", [demo_signal(i) for i in range(5)])
            assert status == 200 and '"accepted":5' in body, (status, body)
            want = expected_keys(ids)
            wait_for(lambda: set(sink.delivered()) >= want, 30, "every action delivered")
            got = Counter(sink.delivered())
            assert set(got) == want, set(got) ^ want
            assert all(n == 1 for n in got.values()), got
            answered = Counter(s for _, s, _ in sink.received)
            assert answered[500] == 2 and answered[429] == 2, answered
            # The trace shows the failed attempts, then the success (the sink
            # answers before playd records the attempt: wait for the record).
            retried = {k for k, s, _ in sink.received if s in (500, 429)}
            for key in retried:
                sid = next(i for i in ids if key in expected_keys([i]))

                def traced():
                    _, trace = pd.request("GET", f"/v1/signals/{sid}/trace")
                    return '"result":"retry"' in trace and '"result":"sent"' in trace
                wait_for(traced, 10, "trace of " + sid)
            _, metrics = pd.request("GET", "/metrics")
            retries = sum(int(l.split()[-1]) for l in metrics.splitlines()
                          if l.startswith("playd_actions_total") and 'result="retry"' in l)
            assert retries == 4, metrics
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            sink.close()
    print("sink faults: ok")


if __name__ == "__main__":
    main(sys.argv[1])
