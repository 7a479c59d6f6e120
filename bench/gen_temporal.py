#!/usr/bin/env python3
"""Temporal-trigger benchmark input: PLAYS temporal plays (count windows and
`all of`, per account, with filters) and SIGNALS signals over ACCOUNTS
accounts, in event-time order, one every 0.5 s (bench/temporal_bench.sh).
SCORES of the plays (0 by default) are `on score ... crosses N` instead,
over 10 score declarations of 2 to 4 rules each.

usage: gen_temporal.py OUT_DIR [PLAYS] [SIGNALS] [ACCOUNTS] [SCORES] [ABSENCE]

ABSENCE (default 0): one play in ABSENCE is `on absence of T for D per account`
instead (its timers fire on the stream clock)."""
import json
import os
import random
import sys
import time

out = sys.argv[1]
n_plays = int(sys.argv[2]) if len(sys.argv) > 2 else 100
n_signals = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
n_accounts = int(sys.argv[4]) if len(sys.argv) > 4 else 100_000
n_scores = int(sys.argv[5]) if len(sys.argv) > 5 else 0
absence_every = int(sys.argv[6]) if len(sys.argv) > 6 else 0
rnd = random.Random(13)
os.makedirs(os.path.join(out, "plays"), exist_ok=True)

# (type, a filter it can carry, the property values the signals draw from)
types = [
    ("website.page_viewed", 'signal.category == "{v}"', "category", ["pricing", "docs", "case_study", "comparison"]),
    ("product.feature_activated", 'signal.feature == "{v}"', "feature", ["sso", "api", "export", "audit_log"]),
    ("review_site.compared", 'signal.site == "{v}"', "site", ["g2", "capterra", "trustradius"]),
    ("jobs.posting_changed", 'signal.role == "{v}"', "role", ["AE", "SDR", "RevOps", "CRO"]),
    ("product.login", None, None, None),
]
windows = ["1h", "6h", "24h", "48h", "7d"]


def member():
    t, f, _, values = rnd.choice(types)
    if f and rnd.random() < 0.7:
        return f"{t} where " + f.format(v=rnd.choice(values))
    return t


with open(os.path.join(out, "plays", "temporal.play"), "w") as w:
    if n_scores:
        for k in range(10):
            rules = "".join(f"  {member()} => {rnd.randint(1, 20)}\n" for _ in range(rnd.randint(2, 4)))
            w.write(f"score s{k} per account half_life {rnd.choice(windows)} {{\n{rules}}}\n\n")
    for i in range(n_plays):
        if i < n_scores:
            on = f"on score s{i % 10} crosses {rnd.randint(20, 80)}"
        elif absence_every and i % absence_every == absence_every - 1:
            m = member()
            on = f"on absence of {'(' + m + ')' if ' where ' in m else m} for {rnd.choice(['1h', '6h', '24h'])} per account"
        elif i % 4 == 3:
            members = [member() for _ in range(rnd.choice([2, 3]))]
            on = "on all of (" + ", ".join(members) + f") within {rnd.choice(windows)} per account"
        else:
            on = f"on count({member()}) >= {rnd.randint(2, 6)} within {rnd.choice(windows)} per account"
        w.write(f'play t{i:03d} {{\n  title "t{i}"\n  owner "revops@acme.com"\n  oncall "#o"\n'
                f'  runbook "https://wiki/t{i}"\n  {on}\n'
                f'  do notify(channel: "#revops", text: "{{account.domain}} t{i} {{signal.id}}")\n}}\n\n')

t0 = 1_782_036_000  # 2026-06-21T10:00:00Z
last, at = None, ""
with open(os.path.join(out, "signals.ndjson"), "w") as w:
    for i in range(n_signals):
        t, _, prop, values = rnd.choice(types)
        props = {prop: rnd.choice(values)} if prop else {}
        if t == "website.page_viewed":
            props["url"] = "https://acme.com/x"
        sec = t0 + i // 2
        if sec != last:
            at, last = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sec)), sec
        w.write(json.dumps({"id": f"s{i}", "type": t, "occurred_at": at, "account": f"a{rnd.randrange(n_accounts)}.com",
                            "properties": props}, separators=(",", ":")) + "\n")
