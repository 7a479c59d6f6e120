#!/usr/bin/env python3
"""Rate benchmark input: PLAYS rate plays (`on rate(T, W) OP k *
baseline(T, H) per account`: drops and surges, hourly and daily buckets)
and SIGNALS signals over ACCOUNTS accounts, in event-time order, one every
0.5 s (GEN=bench/gen_rate.py bench/temporal_bench.sh).

usage: gen_rate.py OUT_DIR [PLAYS] [SIGNALS] [ACCOUNTS]"""
import json
import os
import random
import sys
import time

out = sys.argv[1]
n_plays = int(sys.argv[2]) if len(sys.argv) > 2 else 100
n_signals = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
n_accounts = int(sys.argv[4]) if len(sys.argv) > 4 else 100_000
rnd = random.Random(13)
os.makedirs(os.path.join(out, "plays"), exist_ok=True)
types = ["website.page_viewed", "product.feature_activated", "review_site.compared", "jobs.posting_changed",
         "product.login"]
props = {"website.page_viewed": {"url": "https://acme.com/x"}, "product.feature_activated": {"feature": "sso"},
         "review_site.compared": {"site": "g2"}, "jobs.posting_changed": {"role": "AE"}, "product.login": {}}
shapes = [("1h", "6h"), ("1h", "24h"), ("1d", "7d"), ("1d", "28d")]

with open(os.path.join(out, "plays", "rate.play"), "w") as w:
    for i in range(n_plays):
        t = rnd.choice(types)
        width, history = rnd.choice(shapes)
        cmp = f"< 0.5 * baseline({t}, {history})" if i % 2 == 0 else f"> 3 * baseline({t}, {history})"
        w.write(f'play r{i:03d} {{\n  title "r{i}"\n  owner "revops@acme.com"\n  oncall "#o"\n'
                f'  runbook "https://wiki/r{i}"\n  on rate({t}, {width}) {cmp} per account\n'
                f'  do notify(channel: "#revops", text: "{{account.domain}} r{i} {{signal.id}}")\n}}\n\n')

t0 = 1_782_036_000  # 2026-06-21T10:00:00Z
last, at = None, ""
with open(os.path.join(out, "signals.ndjson"), "w") as w:
    for i in range(n_signals):
        t = rnd.choice(types)
        sec = t0 + i // 2
        if sec != last:
            at, last = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sec)), sec
        w.write(json.dumps({"id": f"s{i}", "type": t, "occurred_at": at, "account": f"a{rnd.randrange(n_accounts)}.com",
                            "properties": props[t]}, separators=(",", ":")) + "\n")
