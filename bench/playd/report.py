#!/usr/bin/env python3
"""Markdown tables for bench/playd/run.sh: python3 report.py OUT_DIR.

Reads OUT_DIR/raw.jsonl (load.py summaries, wrk lines and the script's own
notes) and OUT_DIR/header.txt; prints the four tables of bench/README.md's
"## playd" section. Later lines win for the same test."""
import json
import os
import sys

out = sys.argv[1]
rows = [json.loads(line) for line in open(os.path.join(out, "raw.jsonl")) if line.strip()]
load = {}   # label -> load.py summary
cpu = {}    # label -> cpu line
wrk = []
other = {}
bg = {}     # label -> machine busy % (other processes) just before the measurement
for r in rows:
    kind = r.get("kind")
    if kind is None and "label" in r:
        load[r["label"]] = r
    elif kind == "cpu":
        cpu[r["label"]] = r
    elif kind == "wrk":
        wrk.append(r)
    elif kind == "background":
        bg[r["label"]] = r
    elif kind:
        other.setdefault(kind, []).append(r)


def busy(label):
    b = bg.get(label)
    return "-" if not b else f'{b["busy_pct"]}%'


def f(v):
    if v is None or v != v:
        return "-"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"


def acked(s):
    return "all" if s["acked"] == s["sent"] else f'{s["acked"]}/{s["sent"]}'


def delivered(s):
    d = "all" if s["delivered"] == s["expected"] else f'{s["delivered"]}/{s["expected"]}'
    extra = [f"{s['dups']} dup" if s.get("dups") else "", f"{s['unexpected']} unexpected" if s.get("unexpected") else ""]
    extra = ", ".join(x for x in extra if x)
    return d + (f" ({extra})" if extra else "")


def errors(s):
    return str(s["errors"]) if not s["error_kinds"] else ", ".join(f"{k} {v}" for k, v in s["error_kinds"].items())


print("# playd benchmark\n")
print("```")
print(open(os.path.join(out, "header.txt")).read().rstrip())
print("```\n")

if wrk:
    print("## (a) sustained durable ingest (wrk, ~1 KB envelopes, unique ids, synchronous=FULL)\n")
    print("| server | connections | signals/request | requests/s | signals/s | p50 ms | p99 ms | max ms | "
          "non-2xx / socket errors | server CPU | signals received (playd) | machine busy before |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for w in wrk:
        errs = w["connect_err"] + w["read_err"] + w["write_err"] + w["timeout_err"]
        print(f'| {w["target"]} | {w["conns"]} | {w["batch"]} | {w["rps"]:,.0f} | {w["rps"] * w["batch"]:,.0f} | '
              f'{w["p50_ms"]:.2f} | {w["p99_ms"]:.2f} | {w["max_ms"]:.1f} | {w["non2xx"]} / {errs} | '
              f'{w["server_cpu_pct"]}% | {"-" if w["received"] is None else format(w["received"], ",")} | {busy(w.get("id"))} |')
    for t in other.get("ingest_totals", []):
        print(f'\nplayd totals after (a): received {t["received"]:,}, evaluated {t["evaluated"]:,}, '
              f'duplicates {t["duplicates"]}, overload answers {t["overload"]}', end="")
    for t in other.get("ingest_rows", []):
        print(f'; rows in `signals` after a clean stop: {t["signals_rows"]:,}', end="")
    print("\n")


def load_row(label, s):
    c = cpu.get(label, {})
    return (f'| {acked(s)} | {s["ack_rate"]:,.0f} | {f(s["ack_p50"])} / {f(s["ack_p99"])} | {f(s["p50"])} | '
            f'{f(s["p95"])} | {f(s["p99"])} | {f(s["max"])} | {delivered(s)} | {errors(s)} | '
            f'{f(s.get("lag_p99"))} | {s["loadgen_cpu_pct"]:.0f}% | {c.get("playd_cpu_pct", "-")}% | {c.get("sink_cpu_pct", "-")}% | {busy(label)} |')


HEAD = ("| acked | ack/s | ack p50 / p99 ms | p50 | p95 | p99 | max | actions delivered | errors | "
        "send lag p99 ms | load.py CPU | playd CPU | sink CPU | machine busy before |")
SEP = "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"

opens = sorted((s["rate"], lbl) for lbl, s in load.items() if lbl.startswith("playd open"))
if opens:
    print("## (b) signal->sink latency, playd, one signal per request (ms; all rates of (d))\n")
    print("| rate/s " + HEAD)
    print("|--:" + SEP)
    for rate, lbl in opens:
        print(f"| {rate:,.0f} " + load_row(lbl, load[lbl]))
    for lbl, s in sorted(load.items()):
        if lbl.startswith("playd sink-c4-"):
            print(f"| {s['rate']:,.0f} with sink concurrency 4 " + load_row(lbl, s))
    print()

fl = [lbl for lbl in ("playd high-alone", "playd high-flood", "playd flood") if lbl in load]
if fl:
    print("## (c) high lane alone and under a low-priority flood (signal->sink ms)\n")
    print("| run | rate/s " + HEAD)
    print("|---|--:" + SEP)
    for lbl in fl:
        print(f"| {lbl[6:]} | {load[lbl]['rate']:,.0f} " + load_row(lbl, load[lbl]))
    a, b = load.get("playd high-alone"), load.get("playd high-flood")
    if a and b and a["p99"] and b["p99"]:
        print(f'\nhigh-lane p99 with the flood / alone: {b["p99"] / a["p99"]:.2f}x '
              f'(p50 {b["p50"] / a["p50"]:.2f}x)', end="")
    for q in other.get("flood_queue", []):
        print(f'; max queue depth sampled per lane during the flood: {q["max_depth"]}', end="")
    print("\n")

peers = sorted({lbl.rsplit(" ", 1)[0] for lbl, s in load.items()
                if s["mode"] == "open" and not lbl.startswith("playd") and not lbl.endswith("warmup")})
if opens and peers:
    print("## (d) side by side: same load.py, same sink.js, same run (signal->sink ms)\n")
    print("| rate/s | system | acked | p50 | p95 | p99 | max | actions delivered | errors |")
    print("|--:|---|--:|--:|--:|--:|--:|--:|--:|")
    for rate, lbl in opens:
        for sys_label in peers + ["playd"]:
            s = load.get(f"{sys_label} open{rate:g}")
            if not s:
                continue
            name = "playd (durable, sync=FULL)" if sys_label == "playd" else f"{sys_label} (not durable)"
            print(f'| {rate:,.0f} | {name} | {acked(s)} | {f(s["p50"])} | {f(s["p95"])} | {f(s["p99"])} | '
                  f'{f(s["max"])} | {delivered(s)} | {errors(s)} |')
    print()

for n in other.get("note", []):
    print(f"note: {n['text']}")
