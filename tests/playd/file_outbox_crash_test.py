"""The file outbox (the default sink) is exactly-once across kill -9: a batch
written to the file but not yet recorded as sent is found in the file's tail
at the next start and recorded, not written again; a torn last line is cut.

Outside runs saw 526-1,948 repeated lines per crash before: a batch of up to
1,024 lines was written and fsync'ed before it was recorded as sent, and a
restart wrote it again. Here playd is killed three times while it writes
the outbox, and every key must appear exactly once."""
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter

from playd_harness import Playd, demo_signal, expected_keys, setup_context, wait_for

N, BATCH = 24000, 200


def outbox_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read()
    assert not data or data.endswith(b"\n"), f"the outbox ends in a torn line: {data[-120:]!r}"
    return [json.loads(l)["key"] for l in data.split(b"\n") if l]


def main(binary):
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        data = tmp + "/data"
        outbox = data + "/outbox.ndjson"
        pd = Playd(binary, data).start()
        try:
            setup_context(pd)
            batches = [[demo_signal(i) for i in range(b, min(N, b + BATCH))] for b in range(0, N, BATCH)]
            unacked, kills = [], 0
            for n, batch in enumerate(batches):
                # Kill while the outbox is being written: a third, two thirds, the end.
                if n in (len(batches) // 3, 2 * len(batches) // 3):
                    threading.Timer(0.05, pd.kill9).start()
                try:
                    status, _ = pd.request("POST", "/v1/signals", batch, timeout=10)
                except Exception:
                    status = 0
                if status != 200:
                    unacked.append(batch)
                if pd.proc.poll() is not None:
                    kills += 1
                    pd.start()
            # The last kill lands while the tail of the backlog is written.
            time.sleep(0.2)
            pd.kill9()
            kills += 1
            pd.start()
            for batch in unacked:  # the client's retries
                status, body = pd.request("POST", "/v1/signals", batch, timeout=30)
                assert status == 200, (status, body)
            want = expected_keys(f"evt_{i}" for i in range(N))
            wait_for(lambda: set(outbox_lines(outbox)) >= want, 120, "every action in the outbox")
            time.sleep(0.5)
            keys = outbox_lines(outbox)
            counts = Counter(keys)
            repeated = {k: n for k, n in counts.items() if n > 1}
            assert not repeated, f"{len(repeated)} keys written more than once, e.g. {list(repeated.items())[:3]}"
            assert set(keys) == want, f"{len(set(keys) - want)} unexpected, {len(want - set(keys))} missing"
            log = pd.stderr()
            assert pd.stop() == 0
            print(f"file outbox crash: ok in {time.time() - started:.1f}s: {kills} kills, {len(keys)} lines, "
                  f"each key once; {len(unacked)} batches resent by the client"
                  + ("; tail recorded at start" if "recorded as sent" in log else ""))
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()


if __name__ == "__main__":
    main(sys.argv[1])
