#!/usr/bin/env python3
"""Generates an expression-heavy corpus for the JIT benchmark (bench/jit_bench.sh)
and its differential test (tests/jit/run_differential.py): N plays on one
signal type with many numeric, string and list properties, each play a
stack of `where` clauses that mostly pass -- int and float arithmetic over
many properties, string functions, regexes and list comprehensions -- so
evaluating expressions, not routing or actions, is the work. A few clauses
divide by a property that is sometimes 0 (runtime errors, compared too).

    bench/gen_expr_plays.py --plays 200 --out /tmp/expr [--signals 100000]

Deterministic: the same arguments give the same files.
"""
import argparse
import datetime
import json
import os
import random

SIGNAL = """signal usage.metrics {
  seats: int
  active_users: int
  api_calls: int
  errors: int
  exports: int
  logins: int
  latency_ms: float
  uptime: float
  plan: string
  region: string
  browser: string?
  features: list<string>
  scores: list<int>
}
"""

# Clause templates; {k} is a per-play constant. Each passes for most signals.
CLAUSES = [
    "(signal.api_calls * 3 + signal.errors * 7 + signal.exports) % 97 < {k} + 60",
    "signal.active_users * 100 / (signal.seats + 1) >= {k} % 10",
    "signal.logins - signal.errors * 2 + signal.exports * 5 > -{k}",
    "(signal.api_calls + signal.logins) * (signal.seats + {k}) < 9000000000",
    "float(signal.api_calls) / (signal.latency_ms + 1.0) > 0.00{k}",
    "signal.uptime * 100.0 - signal.latency_ms / 10.0 > -500.0",
    "signal.latency_ms * 1.5 + float(signal.errors) < 100000.0 + float({k})",
    "signal.plan.lower().startsWith(\"ent\") or signal.region.endsWith(\"-{r}\") or signal.seats > {k}",
    "signal.region.matches(\"^(us|eu|ap)-[a-z]+-?[0-9]*$\")",
    "not signal.plan.upper().contains(\"TRIAL{k}\")",
    "size(signal.plan + signal.region) > {k} % 7",
    "signal.scores.filter(s, s > {k} % 50).size() >= 1",
    "signal.scores.exists(s, s * 2 > {k})",
    "signal.scores.all(s, s >= 0 and s <= 100)",
    "signal.features.exists(f, f.upper().contains(\"S\"))",
    "signal.features.map(f, size(f)).exists(n, n > 2)",
    "(signal.browser ?? \"none\").lower() != \"ie{k}\"",
    "signal.errors * 1000 / signal.logins < 100000",  # logins is sometimes 0: a runtime error
]
REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "ap-south-1", "eu-west"]
PLANS = ["Enterprise", "ent-plus", "Growth", "starter", "Trial"]
FEATURES = ["sso", "api", "export", "dashboards", "scim", "audit-log"]
T0 = datetime.datetime(2026, 6, 21, 10, 0, 0)


def play_text(i, rnd):
    clauses = rnd.sample(CLAUSES, 10)
    k, r = 1 + i % 40, rnd.choice(["1", "2", "west"])
    lines = [f"play expr_{i:05d} {{", f'  title "Expression play {i}"', '  owner "revops@acme.com"',
             '  oncall "#gtm-oncall"', f'  runbook "https://wiki.acme.com/runbooks/expr-{i}"', "  on usage.metrics"]
    lines += ["  where " + c.replace("{k}", str(k)).replace("{r}", r) for c in clauses]
    lines += ["  let health = signal.active_users * 100 / (signal.seats + 1) - signal.errors",
              "  unless fired within 1h per account",
              f'  do review(queue: "expr-{i % 5}", note: "{{account.name}}: health {{health}}")', "}"]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plays", type=int, default=200)
    ap.add_argument("--out", required=True)
    ap.add_argument("--signals", type=int, default=0)
    ap.add_argument("--seed", type=int, default=15)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(os.path.join(a.out, "plays"), exist_ok=True)
    with open(os.path.join(a.out, "plays", "signals.play"), "w") as f:
        f.write(SIGNAL)
    for start in range(0, a.plays, 10):
        with open(os.path.join(a.out, "plays", f"expr_{start // 10:04d}.play"), "w") as f:
            f.write("\n".join(play_text(i, rnd) for i in range(start, min(a.plays, start + 10))))
    if not a.signals:
        return
    accounts = [{"domain": f"co{k}.com", "name": f"Co {k}", "employees": 20 + (k * 53) % 3000} for k in range(200)]
    with open(os.path.join(a.out, "context.json"), "w") as f:
        json.dump({"accounts": accounts, "contacts": []}, f)
    with open(os.path.join(a.out, "signals.ndjson"), "w") as f:
        for n in range(a.signals):
            p = {"seats": rnd.randrange(1, 500), "active_users": rnd.randrange(0, 500),
                 "api_calls": rnd.randrange(0, 100000), "errors": rnd.randrange(0, 50),
                 "exports": rnd.randrange(0, 40), "logins": rnd.randrange(0, 2000) if n % 50 else 0,
                 "latency_ms": round(rnd.uniform(5, 900), 2), "uptime": round(rnd.uniform(0.9, 1.0), 4),
                 "plan": rnd.choice(PLANS), "region": rnd.choice(REGIONS),
                 "features": rnd.sample(FEATURES, rnd.randrange(1, 5)),
                 "scores": [rnd.randrange(0, 101) for _ in range(rnd.randrange(1, 8))]}
            if n % 3:
                p["browser"] = rnd.choice(["Chrome", "Firefox", "Safari"])
            occurred = (T0 + datetime.timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
            f.write(json.dumps({"id": f"sig_{n}", "type": "usage.metrics", "source": "bench", "occurred_at": occurred,
                                "account": f"co{n % 200}.com", "properties": p}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
