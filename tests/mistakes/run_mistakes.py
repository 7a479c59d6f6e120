#!/usr/bin/env python3
"""docs/language.md section 13 ("Common mistakes"), each caught or shown.

Every bold heading of that section must have exactly one file here whose first
line is `// mistake: <the heading>`, and each file says what must happen:

  // expect-check: P0507 [P....]     `playc check FILE` reports each code
  // expect-test: pass               `playc test FILE` passes (the test shows
                                     what the mistake does)
  // expect-test: fail "TEXT"        `playc test FILE` fails, saying TEXT

So a mistake added to the docs without a lint or a test fails here, and so
does a lint that stops firing.
"""
import argparse
import pathlib
import re
import shlex
import subprocess
import sys


def headings(doc):
    text = doc.read_text()
    section = text.split("## 13. Common mistakes", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\*\*(.+?)\*\*", section, re.M)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--playc", required=True)
    ap.add_argument("--docs", default="docs/language.md")
    a = ap.parse_args()
    here = pathlib.Path(__file__).parent
    cases = {}
    failures = []
    for f in sorted(here.glob("*.play")):
        first = f.read_text().split("\n", 1)[0]
        m = re.match(r"// mistake: (.+)$", first)
        if not m:
            failures.append(f"{f.name}: first line must be `// mistake: <heading>`")
            continue
        cases.setdefault(m.group(1), []).append(f)
    wanted = headings(pathlib.Path(a.docs))
    if not wanted:
        failures.append("no headings found in section 13 of " + a.docs)
    for h in wanted:
        files = cases.pop(h, [])
        if len(files) != 1:
            failures.append(f"mistake {h!r}: {len(files)} files here (want 1)")
    for h, files in cases.items():
        failures.append(f"{files[0].name}: names {h!r}, which is not a heading of the docs")

    for f in sorted(here.glob("*.play")):
        text = f.read_text()
        checks = re.findall(r"^// expect-check: (.+)$", text, re.M)
        tests = re.findall(r"^// expect-test: (.+)$", text, re.M)
        if not checks and not tests:
            failures.append(f"{f.name}: says neither expect-check nor expect-test")
        for line in checks:
            r = subprocess.run([a.playc, "check", str(f)], capture_output=True, text=True)
            for code in line.split():
                if f"[{code}]" not in r.stderr:
                    failures.append(f"{f.name}: playc check did not report {code}:\n{r.stderr}")
        for line in tests:
            words = shlex.split(line)
            r = subprocess.run([a.playc, "test", str(f)], capture_output=True, text=True)
            out = r.stdout + r.stderr
            if words[0] == "pass" and r.returncode != 0:
                failures.append(f"{f.name}: playc test failed (exit {r.returncode}):\n{out}")
            elif words[0] == "fail":
                if r.returncode != 1:
                    failures.append(f"{f.name}: playc test should fail (exit 1), got {r.returncode}:\n{out}")
                for needle in words[1:]:
                    if needle not in out:
                        failures.append(f"{f.name}: playc test output lacks {needle!r}:\n{out}")
    for msg in failures:
        print("FAIL", msg)
    print(f"mistakes: {len(wanted)} in the docs, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
