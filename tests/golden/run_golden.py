#!/usr/bin/env python3
"""Golden diagnostics runner.

For every NAME.play in --dir, runs `playc check NAME.play` from the repository
root and compares its stderr (the text diagnostics and the summary line) with
NAME.play.expected. Prints a unified diff for each mismatch.

--update writes the .expected files instead. Golden files are reviewed, not
blindly regenerated: run with --update only to create a new case, then read
the new file before committing it.
"""
import argparse
import difflib
import pathlib
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--playc", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    cases = sorted(pathlib.Path(a.dir).glob("*.play"))
    if not cases:
        print(f"no cases in {a.dir}")
        return 1
    passed = failed = 0
    for play in cases:
        exp_path = pathlib.Path(str(play) + ".expected")
        r = subprocess.run([a.playc, "check", str(play)], capture_output=True, text=True, timeout=60)
        got = r.stderr
        if r.returncode not in (0, 1):
            got += f"[exit {r.returncode}]\n"
        if a.update:
            exp_path.write_text(got)
            continue
        want = exp_path.read_text() if exp_path.exists() else "<missing .expected file>\n"
        if got == want:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {play}")
            sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                       "expected", "got"))
    print(f"golden {a.dir}: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
