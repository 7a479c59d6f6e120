#!/usr/bin/env python3
"""PostgreSQL queue tables under sustained load (issue 14): NODES playd
nodes on one throwaway cluster (tests/playd/pg_cluster.py, autovacuum on,
default server settings) take RATE signals/s for MINUTES minutes, half of
them firing a play (one action each, to the file outbox). trace_ttl and
dedup_ttl are set to TTL so that evaluated signals, outcomes, done actions
and dedup ids are deleted by the sweep within the run; every 30 s the size
of each table (pg_total_relation_size: heap, indexes, TOAST) and its live
and dead tuples are sampled. Not a test: prints a markdown table.

  bench/postgres/queue_size.py build/apps/playd/playd [--rate 300] [--minutes 10] [--nodes 2] [--ttl 2m]
"""
import argparse
import json
import os
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
  where signal.category == "pricing"
  do notify(channel: "#revops", text: "pricing {signal.id}")
}
"""
TABLES = ["signals", "seen_signals", "outcomes", "actions", "attempts", "context_log", "history", "pattern_states"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("playd")
    ap.add_argument("--rate", type=int, default=300)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--nodes", type=int, default=2)
    ap.add_argument("--ttl", default="2m")
    a = ap.parse_args()
    cluster = Cluster()
    nodes = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            plays = os.path.join(tmp, "plays")
            os.makedirs(plays)
            open(os.path.join(plays, "visit.play"), "w").write(PLAY)
            config = f'[store]\ntrace_ttl = "{a.ttl}"\ndedup_ttl = "{a.ttl}"\n'
            for n in range(a.nodes):
                pd = Playd(a.playd, os.path.join(tmp, f"n{n}"), config, plays=plays)
                pd.start_args = ["--store", f"{cluster.url}&playd_node=n{n}"]
                nodes.append(pd.start())
            stop = threading.Event()
            sent = [0]

            def load():
                batch, i, start = 50, 0, time.time()
                while not stop.is_set():
                    due = start + i / a.rate
                    if due > time.time():
                        time.sleep(due - time.time())
                    body = [{"id": f"s{i + k}", "type": "website.page_viewed", "account": f"a{(i + k) % 500}.com",
                             "occurred_at": "2026-06-21T10:00:00Z",
                             "properties": {"url": "/p", "category": "pricing" if (i + k) % 2 else "docs"}}
                            for k in range(batch)]
                    try:
                        status, _ = nodes[(i // batch) % len(nodes)].request("POST", "/v1/signals", body, timeout=30)
                        if status == 200:
                            sent[0] += batch
                    except Exception:
                        pass
                    i += batch

            t = threading.Thread(target=load)
            t.start()
            rows, started = [], time.time()
            sql = ("SELECT relname, pg_total_relation_size(relid), n_live_tup, n_dead_tup, autovacuum_count "
                   "FROM pg_stat_user_tables WHERE relname IN (%s)" % ",".join(f"'{x}'" for x in TABLES))
            while time.time() - started < a.minutes * 60:
                time.sleep(30)
                at = time.time() - started
                stats = {r[0]: r[1:] for r in cluster.query(sql)}
                queued = cluster.query("SELECT count(*) FROM signals WHERE evaluated_at_ms IS NULL")[0][0]
                rows.append((at, sent[0], queued, stats))
                print(f"{at:5.0f}s sent {sent[0]} queued {queued} " +
                      " ".join(f"{k}={int(v[0]) // 1024}kB/{v[1]}live/{v[2]}dead" for k, v in sorted(stats.items())),
                      flush=True)
            stop.set()
            t.join()
            print(f"\n{a.nodes} nodes, {a.rate} signals/s offered, ttl {a.ttl}, {a.minutes} min; sizes in kB "
                  f"(total relation: heap + indexes), live/dead tuples\n")
            shown = [x for x in TABLES if any(x in r[3] for r in rows)]
            print("| t | sent | queued | " + " | ".join(shown) + " |")
            print("|--:|--:|--:|" + "--:|" * len(shown))
            for at, s, q, stats in rows:
                cells = [f"{int(stats[x][0]) // 1024} ({stats[x][1]}/{stats[x][2]})" if x in stats else "" for x in shown]
                print(f"| {at:.0f}s | {s} | {q} | " + " | ".join(cells) + " |")
            for pd in nodes:
                pd.stop()
    finally:
        for pd in nodes:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
        cluster.stop()


if __name__ == "__main__":
    main()
