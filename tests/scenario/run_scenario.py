#!/usr/bin/env python3
"""The scenario test: the project in tests/scenario/plays must check clean
with --deny-warnings, and `playc run --trace` over signals.ndjson must print
exactly expected.ndjson (stdout, line by line), exactly expected_stderr.txt
(the one invalid signal line is reported and skipped), and exit 1 because of
that skipped line. Run from the repository root (positions in the output are
relative paths)."""
import argparse
import difflib
import subprocess
import sys

HERE = "tests/scenario"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--playc", required=True)
    ap.add_argument("--update", action="store_true", help="rewrite the expected files (then review them!)")
    a = ap.parse_args()
    failed = False

    check = subprocess.run([a.playc, "check", f"{HERE}/plays", "--deny-warnings"], capture_output=True, text=True)
    if check.returncode != 0:
        print(f"playc check --deny-warnings exited {check.returncode}:\n{check.stdout}{check.stderr}")
        failed = True

    run = subprocess.run([a.playc, "run", f"{HERE}/plays", "--signals", f"{HERE}/signals.ndjson",
                          "--context", f"{HERE}/context.json", "--trace"], capture_output=True, text=True)
    if a.update:
        open(f"{HERE}/expected.ndjson", "w").write(run.stdout)
        open(f"{HERE}/expected_stderr.txt", "w").write(run.stderr)
        print("expected files rewritten: review every changed line (see README.md)")
        return 0
    if run.returncode != 1:
        print(f"playc run exited {run.returncode}, expected 1 (one invalid signal line is skipped)")
        failed = True
    for name, actual in (("expected.ndjson", run.stdout), ("expected_stderr.txt", run.stderr)):
        want = open(f"{HERE}/{name}").read().splitlines(keepends=True)
        got = actual.splitlines(keepends=True)
        if want != got:
            failed = True
            print(f"{name}: output differs (- expected, + actual):")
            sys.stdout.writelines(difflib.unified_diff(want, got, f"{HERE}/{name}", "actual", n=1))
    if failed:
        return 1
    print(f"scenario: {len(run.stdout.splitlines())} output lines match; check is warning-clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
