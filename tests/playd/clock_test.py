"""The service's clock can be simulated for tests and demos (`playd serve
--simulated-clock`, POST /v1/admin/clock): received_at, retries and TTLs
follow it. Without the flag the endpoint does not exist."""
import json
import sys
import tempfile
import time

from playd_harness import Playd, Sink, demo_signal, setup_context, wait_for

T0 = "2026-06-20T10:00:00Z"
T0_MS = 1781949600000


def set_clock(pd, when):
    status, body = pd.request("POST", "/v1/admin/clock", {"now": when})
    assert status == 200, (status, body)
    return json.loads(body)


def main(binary):
    sink = Sink(plan=[(500, {})])
    config = f"""
[store]
dedup_ttl = "1h"

[execution]
retry_schedule = ["30m"]

[sinks.crm]
kind = "http"
url = "{sink.url}"

[sinks.chat]
kind = "http"
url = "{sink.url}"
"""
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/plain").start()
        try:
            status, _ = pd.request("POST", "/v1/admin/clock", {"now": T0})
            assert status == 404, "without --simulated-clock there is no clock endpoint"
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()

        pd = Playd(binary, tmp + "/sim", config)
        pd.start_args = ["--simulated-clock"]
        pd.start()
        try:
            got = set_clock(pd, T0)
            assert got["simulated"] and got["now"].startswith("2026-06-20T10:00:0"), got
            assert pd.request("POST", "/v1/admin/clock", {"now": "noon"})[0] == 400
            setup_context(pd)
            status, _ = pd.request("POST", "/v1/signals", [demo_signal(1)])
            assert status == 200
            _, trace = pd.request("GET", "/v1/signals/evt_1/trace")
            received = json.loads(trace)["received_at_ms"]
            assert T0_MS <= received < T0_MS + 60000, received  # the simulated time, not today's
            # The first send fails; its retry is due in 30 simulated minutes.
            wait_for(lambda: len(sink.received) >= 1, 15, "the first attempt")
            time.sleep(1.0)
            assert len(sink.received) == 2, "one action failed and waits 30 min, the other was sent"
            set_clock(pd, "2026-06-20T10:31:00Z")
            wait_for(lambda: len(sink.delivered()) == 2, 15, "the retry, due once the clock moved on")
            # Dedup TTL (1 h) on the service's clock: a repeat within it is a duplicate, after it new.
            status, body = pd.request("POST", "/v1/signals", [demo_signal(1)])
            assert json.loads(body)["duplicates"] == 1, body
            set_clock(pd, "2026-06-20T12:00:00Z")
            status, body = pd.request("POST", "/v1/signals", [demo_signal(1)])
            assert json.loads(body)["accepted"] == 1, body
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            sink.close()
    print("clock: ok")


if __name__ == "__main__":
    main(sys.argv[1])
