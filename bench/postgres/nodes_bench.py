#!/usr/bin/env python3
"""1, 2 and 3 playd nodes on one PostgreSQL (a throwaway cluster on this
machine, tests/playd/pg_cluster.py, default settings but fsync on) beside
the embedded SQLite store (issue 14). Not a test: prints a markdown table.

For each setup, a fresh store and fresh nodes:
- durable signals/s: CLIENTS client threads post JSON arrays of BATCH
  signals to the nodes in turn as fast as the answers come, for SECONDS;
  a signal counts once its 200 came back (committed). Then the time until
  every action is written to the sink gives the drained rate (signals
  evaluated and delivered per second over the whole run).
- signal -> sink latency at RATE signals/s: batches of 10 every 10 ms
  (open loop, from each batch's scheduled send time), spread over the
  nodes, for SECONDS; every signal fires one action to the file outbox;
  the sink time is the attempt the node recorded (attempts.at_ms). Latency
  = sink time - scheduled send time; p50/p99/max over all signals.

  bench/postgres/nodes_bench.py build/apps/playd/playd [--setups sqlite,pg1,pg2,pg3] [--rate 1000]
"""
import argparse
import os
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "playd"))
from pg_cluster import Cluster  # noqa: E402
from playd_harness import Playd  # noqa: E402

PLAY = """play visit {
  title "Visit"
  owner "revops@acme.com"
  oncall "#gtm-oncall"
  runbook "https://wiki.acme.com/visit"
  on website.page_viewed
  do notify(channel: "#revops", text: "visit {signal.id}")
}
"""


def signal(prefix, i):
    return {"id": f"{prefix}{i}", "type": "website.page_viewed", "account": f"a{i % 1000}.com",
            "occurred_at": "2026-06-21T10:00:00Z", "properties": {"url": "/p"}}


class Setup:
    def __init__(self, binary, kind, tmp):
        self.kind, self.nodes, self.cluster = kind, [], None
        plays = os.path.join(tmp, "plays")
        os.makedirs(plays, exist_ok=True)
        open(os.path.join(plays, "visit.play"), "w").write(PLAY)
        count = 1 if kind == "sqlite" else int(kind[2:])
        if kind != "sqlite":
            self.cluster = Cluster()
        for n in range(count):
            pd = Playd(binary, os.path.join(tmp, f"{kind}_n{n}"), plays=plays)
            if self.cluster:
                pd.start_args = ["--store", f"{self.cluster.url}&playd_node=n{n}"]
            self.nodes.append(pd.start())

    def query(self, sql):
        if self.cluster:
            return [tuple(int(x) for x in r) for r in self.cluster.query(sql)]
        db = sqlite3.connect(os.path.join(self.nodes[0].data, "playd.db"))
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    def sent_times(self, prefix):
        """signal index -> the sink's time (ms) of its action."""
        rows = self.query("SELECT a.signal_id, t.at_ms FROM actions a JOIN attempts t ON t.key = a.key "
                          f"WHERE a.signal_id LIKE '{prefix}%' AND t.result = 'sent'" if not self.cluster else
                          "SELECT substr(a.signal_id, %d)::bigint, t.at_ms FROM actions a JOIN attempts t ON "
                          "t.key = a.key WHERE a.signal_id LIKE '%s%%' AND t.result = 'sent'" % (len(prefix) + 1, prefix))
        if self.cluster:
            return dict(rows)
        return {int(s[len(prefix):]): t for s, t in rows}

    def stop(self):
        for pd in self.nodes:
            pd.stop()
        if self.cluster:
            self.cluster.stop()


def throughput(setup, seconds, clients, batch):
    acked, stop, errors = [0], threading.Event(), [0]
    lock = threading.Lock()

    def client(c):
        i = 0
        while not stop.is_set():
            body = [signal(f"t{c}_", i + k) for k in range(batch)]
            try:
                status, _ = setup.nodes[(c + i // batch) % len(setup.nodes)].request("POST", "/v1/signals", body,
                                                                                    timeout=30)
            except Exception:
                status = 0
            if status == 200:
                with lock:
                    acked[0] += batch
            else:
                errors[0] += 1
            i += batch

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    start = time.time()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    took = time.time() - start
    total = acked[0]
    deadline = time.time() + 300
    while time.time() < deadline:
        done = setup.query("SELECT COUNT(*) FROM attempts WHERE result = 'sent'")[0][0]
        if done >= total:
            break
        time.sleep(0.2)
    last = setup.query("SELECT MAX(at_ms) FROM attempts WHERE result = 'sent'")[0][0]
    drained = total / max(0.001, last / 1000 - start)
    return total / took, drained, errors[0]


def latency(setup, rate, seconds):
    per, interval = 10, 0.01 * 10 / (rate / 100)  # batches of 10; 100 batches/s at 1,000/s
    scheduled, start = {}, time.time() + 0.5
    n = int(rate * seconds)

    def sender(offset, step):
        b = offset
        while b * per < n:
            due = start + b * interval
            now = time.time()
            if due > now:
                time.sleep(due - now)
            ids = range(b * per, min(n, (b + 1) * per))
            for i in ids:
                scheduled[i] = due
            try:
                setup.nodes[b % len(setup.nodes)].request("POST", "/v1/signals", [signal("l", i) for i in ids],
                                                          timeout=30)
            except Exception:
                pass
            b += step

    senders = [threading.Thread(target=sender, args=(k, 4)) for k in range(4)]  # 4 connections in flight
    for t in senders:
        t.start()
    for t in senders:
        t.join()
    deadline = time.time() + 120
    while time.time() < deadline:
        got = setup.sent_times("l")
        if len(got) >= n:
            break
        time.sleep(0.5)
    lat = sorted(got[i] - scheduled[i] * 1000 for i in got)
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
    return len(got), n, pick(0.5), pick(0.99), lat[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("playd")
    ap.add_argument("--setups", default="sqlite,pg1,pg2,pg3")
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--batch", type=int, default=50)
    a = ap.parse_args()
    rows = []
    for kind in a.setups.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            setup = Setup(a.playd, kind, tmp)
            try:
                acked, drained, errors = throughput(setup, a.seconds, a.clients, a.batch)
                got, n, p50, p99, worst = latency(setup, a.rate, a.seconds)
            finally:
                setup.stop()
        row = (kind, acked, drained, errors, got, n, p50, p99, worst)
        print(row, flush=True)
        rows.append(row)
    print(f"\n| store | durable signals/s (acked) | evaluated+delivered/s | refused | at {a.rate}/s: delivered | "
          "p50 ms | p99 ms | max ms |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for kind, acked, drained, errors, got, n, p50, p99, worst in rows:
        name = "embedded SQLite" if kind == "sqlite" else f"PostgreSQL, {kind[2:]} node{'s' if kind != 'pg1' else ''}"
        print(f"| {name} | {acked:,.0f} | {drained:,.0f} | {errors} | {got}/{n} | {p50:.0f} | {p99:.0f} | {worst:.0f} |")


if __name__ == "__main__":
    main()
