#!/usr/bin/env python3
"""playd's memory as the contact count grows (bench/README.md, "playd memory
and contacts"). For each N: a store holding N contacts (bulk-loaded into the
store's own table, as N PUTs would leave it), playd started on it, then
SIGNALS website.form_submitted signals for contacts drawn at random among the
N (each read through the context cache; every one fires demo_request, so the
ledger grows too). Reports RSS after start, after the signals, and the peak.

    bench/playd/context_memory.py build/apps/playd/playd [--counts 100000,1000000,5000000]
        [--signals 50000] [--config FILE]

Memory should stay flat in N: playd keeps a bounded cache of records and
ledger entries ([store] context_cache, ledger_cache), not the whole store.
"""
import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "playd"))
from playd_harness import Playd  # noqa: E402


def rss_kb(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def load_contacts(db, n):
    con = sqlite3.connect(db)
    con.execute("PRAGMA synchronous=OFF")
    now = int(time.time() * 1000)
    rows = ((f"u{i}@acme{i % 5000}.com",
             json.dumps({"name": f"User {i}", "title": "VP Engineering", "seniority": "vp",
                         "department": "engineering", "account": f"acme{i % 5000}.com"}), now) for i in range(n))
    con.executemany("INSERT INTO contacts(email, fields, updated_at_ms) VALUES (?, ?, ?)", rows)
    con.commit()
    con.close()


def post(base, batch):
    req = urllib.request.Request(base + "/v1/signals", data=json.dumps(batch).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 200


def evaluated(base):
    with urllib.request.urlopen(base + "/metrics", timeout=30) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("playd_signals_evaluated_total "):
                return int(line.split()[-1])
    return 0


def measure(binary, n, signals, config):
    with tempfile.TemporaryDirectory() as tmp:
        data = tmp + "/data"
        cfg = open(config).read() if config else None
        pd = Playd(binary, data, cfg).start()  # creates the schema
        pd.stop()
        t = time.time()
        load_contacts(os.path.join(data, "playd.db"), n)
        load_s = time.time() - t
        t = time.time()
        pd.start()
        start_s = time.time() - t
        time.sleep(0.5)
        at_start = rss_kb(pd.proc.pid)["VmRSS"]
        rnd = random.Random(n)
        sent = 0
        while sent < signals:
            batch = []
            for _ in range(min(500, signals - sent)):
                i = rnd.randrange(n)
                batch.append({"id": f"m{sent}", "type": "website.form_submitted",
                              "occurred_at": "2026-06-21T10:00:00Z", "account": f"acme{i % 5000}.com",
                              "contact": f"u{i}@acme{i % 5000}.com", "properties": {"form": "demo_request"}})
                sent += 1
            post(pd.base, batch)
        while evaluated(pd.base) < signals:
            time.sleep(0.2)
        after = rss_kb(pd.proc.pid)
        pd.proc.send_signal(signal.SIGTERM)
        pd.proc.wait(timeout=60)
        return {"contacts": n, "load_s": round(load_s, 1), "start_s": round(start_s, 2),
                "rss_start_mb": round(at_start / 1024, 1), "rss_after_mb": round(after["VmRSS"] / 1024, 1),
                "peak_mb": round(after["VmHWM"] / 1024, 1), "signals": signals}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("playd")
    ap.add_argument("--counts", default="100000,1000000,5000000")
    ap.add_argument("--signals", type=int, default=50000)
    ap.add_argument("--config")
    a = ap.parse_args()
    print("| contacts in the store | playd start | RSS after start | RSS after signals | peak RSS |")
    print("|--:|--:|--:|--:|--:|")
    for n in (int(x) for x in a.counts.split(",")):
        r = measure(a.playd, n, a.signals, a.config)
        print(f"| {n:,} | {r['start_s']} s | {r['rss_start_mb']} MB | {r['rss_after_mb']} MB | "
              f"{r['peak_mb']} MB |", flush=True)
        print(json.dumps(r), file=sys.stderr)


if __name__ == "__main__":
    main()
