#!/usr/bin/env python3
"""The absence form on several playd nodes sharing one PostgreSQL store.

Two nodes run the same absence play; 40 accounts each log in once, armed
to come due at the same moment on both nodes' clocks. Both nodes find the
same due timers and race to fire them: each fire's commit checks the
window it read (records.h PatternWrite::check), so exactly one fire per
account is decided and delivered, whichever node wins, and no armed timer
is left. Run by ctest playd_absence_postgres (a throwaway cluster,
pg_cluster.py)."""
import datetime
import json
import os
import sys
import tempfile
import time
from collections import Counter

from playd_harness import Playd, wait_for
from pg_cluster import Cluster
from absence_test import QUIET_PLAY

ACCOUNTS = 40


def main(binary):
    cluster = Cluster()
    nodes = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            plays_dir = os.path.join(tmp, "plays")
            os.makedirs(plays_dir)
            open(os.path.join(plays_dir, "quiet.play"), "w").write(QUIET_PLAY)
            for n in range(2):
                pd = Playd(binary, os.path.join(tmp, f"node{n}"), plays=plays_dir)
                pd.start_args = ["--store", cluster.url]
                nodes.append(pd.start())

            def delivered():
                lines = []
                for pd in nodes:
                    path = os.path.join(pd.data, "outbox.ndjson")
                    if os.path.exists(path):
                        lines += open(path).read().splitlines()
                return lines

            now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
            due = now + datetime.timedelta(seconds=15)
            logins = [{"id": f"login-{i}", "type": "product.login", "account": f"a{i}.com",
                       "occurred_at": (due - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "properties": {}} for i in range(ACCOUNTS)]
            for i, login in enumerate(logins):  # spread over both nodes
                status, body = nodes[i % 2].request("POST", "/v1/signals", login)
                assert status == 200, (status, body)
            wait_for(lambda: int(cluster.query(
                "SELECT COUNT(*) FROM pattern_states WHERE timer_ms IS NOT NULL")[0][0]) == ACCOUNTS,
                what="every account armed", timeout=30)
            assert datetime.datetime.now(datetime.timezone.utc) < due, "the machine was too slow to arm in 15s"
            assert delivered() == [], "nothing fires before the due time"
            wait_for(lambda: len(delivered()) >= ACCOUNTS, what="every stall delivered", timeout=60)
            time.sleep(2.0)  # a second fire would show up now
            got = delivered()
            ids = Counter(json.loads(line)["args"]["text"].split()[-1] for line in got)
            want = {f"absence:quiet:a{i}.com:{int(due.timestamp() * 1000)}" for i in range(ACCOUNTS)}
            assert set(ids) == want, sorted(set(ids) ^ want)[:5]
            assert all(c == 1 for c in ids.values()), [k for k, c in ids.items() if c > 1][:5]
            keys = Counter(json.loads(line)["key"] for line in got)
            assert all(c == 1 for c in keys.values()), "an idempotency key sent twice"
            fired = int(cluster.query(
                "SELECT COUNT(*) FROM outcomes WHERE signal_id LIKE 'absence:%' AND outcome = 'fired'")[0][0])
            assert fired == ACCOUNTS, f"{fired} fires decided for {ACCOUNTS} accounts"
            armed = int(cluster.query("SELECT COUNT(*) FROM pattern_states WHERE timer_ms IS NOT NULL")[0][0])
            assert armed == 0, f"the fired timers are cleared: {armed} armed"
            for pd in nodes:
                assert pd.stop() == 0
    finally:
        for pd in nodes:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
        cluster.stop()
    print(f"two nodes, {ACCOUNTS} absence timers due at once on both: each fired and delivered once")


if __name__ == "__main__":
    main(sys.argv[1])
