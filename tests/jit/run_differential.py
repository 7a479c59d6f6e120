#!/usr/bin/env python3
"""The JIT's differential test over whole plays: every corpus below goes
through `playc run --trace` on the interpreter and with `--jit=eager` (every
program compiled before the first signal), and the two must print the same
actions and outcomes (errors with their text and position included) and the
same summary. The corpora: the example plays (plays/), the scenario
(tests/scenario), the test plays with signals (tests/plays/*), and small
generated corpora (bench/gen_plays.py, the standard one, and
bench/gen_expr_plays.py, the expression-heavy one). Then every folder of
`test` blocks (plays/, tests/engine/plays, tests/plays/*) through `playc
test` and `playc test --jit`: the same tests must pass and fail with the
same messages.

    run_differential.py --playc build-jit/apps/playc/playc
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def corpora(tmp):
    yield "plays/", ["plays"], "plays/signals/sample.ndjson", "plays/signals/context.json"
    yield "tests/scenario", ["tests/scenario/plays"], "tests/scenario/signals.ndjson", "tests/scenario/context.json"
    for name in sorted(os.listdir(os.path.join(ROOT, "tests/plays"))):
        d = os.path.join("tests/plays", name)
        if os.path.exists(os.path.join(ROOT, d, "signals.ndjson")):
            ctx = os.path.join(d, "context.json")
            yield d, [d], os.path.join(d, "signals.ndjson"), ctx if os.path.exists(os.path.join(ROOT, ctx)) else None
    for gen, plays, signals in (("gen_plays.py", 200, 5000), ("gen_expr_plays.py", 100, 3000)):
        out = os.path.join(tmp, gen)
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", gen), "--plays", str(plays), "--signals",
                        str(signals), "--out", out], check=True, capture_output=True)
        ctx = os.path.join(out, "context.json")
        yield "bench/" + gen, [out], os.path.join(out, "signals.ndjson"), ctx if os.path.exists(ctx) else None


def playc_output(cmd, jit_flag):
    """rc, stdout, stderr without the JIT's summary line, and that line (a list: empty without one)."""
    p = subprocess.run(cmd + ([jit_flag] if jit_flag else []), cwd=ROOT, capture_output=True, text=True)
    jit_lines = [l for l in p.stderr.splitlines() if l.startswith("jit: ")]
    stderr = "\n".join(l for l in p.stderr.splitlines() if not l.startswith("jit: "))
    return p.returncode, p.stdout, stderr, jit_lines


def run(playc, paths, signals, context, jit):
    cmd = [playc, "run", *paths, "--signals", signals, "--trace"]
    if context:
        cmd += ["--context", context]
    return playc_output(cmd, "--jit=eager" if jit else None)


def report(label, problems, jit_lines):
    """Prints one corpus's line and its problems; true when it failed."""
    print(f"{'FAILED' if problems else 'ok'}: {label}; {jit_lines[0] if jit_lines else 'no jit line'}")
    for p in problems:
        print("  " + p)
    return bool(problems)


def test_folders():
    yield "plays"
    yield "tests/engine/plays"
    for name in sorted(os.listdir(os.path.join(ROOT, "tests/plays"))):
        if os.path.isdir(os.path.join(ROOT, "tests/plays", name)):
            yield os.path.join("tests/plays", name)


def run_tests(playc, folder, jit):
    return playc_output([playc, "test", folder], "--jit" if jit else None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--playc", required=True)
    a = ap.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, paths, signals, context in corpora(tmp):
            vm = run(a.playc, paths, signals, context, False)
            jit = run(a.playc, paths, signals, context, True)
            lines = vm[1].count("\n")
            m = re.match(r"jit: (\d+) of (\d+) programs compiled", jit[3][0]) if jit[3] else None
            problems = []
            if vm[:3] != jit[:3]:
                problems.append("outputs differ")
                a_lines, b_lines = vm[1].splitlines(), jit[1].splitlines()
                for i, (x, y) in enumerate(zip(a_lines, b_lines)):
                    if x != y:
                        problems.append(f"first difference, line {i + 1}:\n  vm:  {x}\n  jit: {y}")
                        break
                if vm[2] != jit[2]:
                    problems.append(f"stderr:\n  vm:  {vm[2]}\n  jit: {jit[2]}")
            if not m or int(m.group(1)) == 0:
                problems.append(f"the JIT compiled nothing: {jit[3]}")
            if lines == 0:
                problems.append("no output at all: the comparison proves nothing")
            failed += report(f"{name}: {lines} trace lines, rc {vm[0]}", problems, jit[3])
    for folder in test_folders():
        vm, jit = run_tests(a.playc, folder, False), run_tests(a.playc, folder, True)
        tests = len(re.findall(r"^(ok|FAIL) ", vm[1], re.M))
        problems = []
        if vm[:2] != jit[:2]:
            problems.append(f"playc test results differ:\n--- vm (rc {vm[0]})\n{vm[1]}--- jit (rc {jit[0]})\n{jit[1]}")
        if not jit[3]:
            problems.append("no jit summary: was --jit ignored?")
        if tests == 0:
            problems.append("no test ran: the comparison proves nothing")
        failed += report(f"playc test {folder}: {tests} tests, rc {vm[0]}", problems, jit[3])
    print(f"{failed} corpora differ" if failed else "every corpus: the JIT's output is the interpreter's")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
