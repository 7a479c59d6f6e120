"""A sink answering 400 sends actions straight to the DLQ (no retries); after
the sink is fixed, a replay delivers each of them exactly once."""
import json
import subprocess
import sys
import tempfile
from collections import Counter

from playd_harness import Playd, Sink, demo_signal, expected_keys, setup_context, sink_config, wait_for


def main(binary):
    sink = Sink(default=400)
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", sink_config(sink.url)).start()
        try:
            setup_context(pd)
            ids = ["evt_0", "evt_1"]
            status, body = pd.request("POST", "/v1/signals", [demo_signal(0), demo_signal(1)])
            assert status == 200, (status, body)
            want = expected_keys(ids)

            def dlq_keys():
                return {a["key"] for a in pd.dlq()}

            wait_for(lambda: dlq_keys() == want, 30, "4 actions in the DLQ")
            assert len(sink.received) == 4, "a 400 must not be retried"
            # The CLI sees the same DLQ on the data directory.
            out = subprocess.run([binary, "dlq", "list", "--data", tmp + "/data"], capture_output=True, text=True)
            assert out.returncode == 0 and {a["key"] for a in json.loads(out.stdout)["actions"]} == want, out
            key = sorted(want)[0]
            status, body = pd.request("GET", f"/v1/admin/dlq/{key}")
            assert status == 200 and "sink says no" in body and '"http_status":400' in body, body

            sink.default = 200  # the fix
            for k in sorted(want):
                status, body = pd.request("POST", f"/v1/admin/dlq/{k}/replay", b"")
                assert status == 200 and '"replayed":1' in body, (status, body)
            wait_for(lambda: set(sink.delivered()) == want, 30, "replayed actions delivered")
            # A second replay finds nothing: delivered once.
            status, body = pd.request("POST", f"/v1/admin/dlq/{key}/replay", b"")
            assert status == 404, (status, body)
            assert dlq_keys() == set()
            assert Counter(sink.delivered()) == Counter({k: 1 for k in want})
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            sink.close()
    print("dlq: ok")


if __name__ == "__main__":
    main(sys.argv[1])
