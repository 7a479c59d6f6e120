#!/usr/bin/env python3
"""check(fmt(x)) == check(x) over every .play file in the repository.

Each file is checked alone (with the stdlib, as `playc check FILE` does), and
each example project (plays/, tests/scenario/plays/) as a whole, before and
after `playc fmt` on a copy; a file with comments inside a list (issue 11),
and `playc fmt -` on standard input. Formatting moves text, so diagnostics are compared
by severity, code and message (not position). Files with syntax errors are
skipped (fmt leaves them untouched by design). Also checks that `playc fmt
--check` exits 1 and lists an unformatted file, and 0 on a formatted one.
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

playc = sys.argv[1]
root = pathlib.Path(sys.argv[2])


def diags(paths):
    r = subprocess.run([playc, "check", "--format", "json", *map(str, paths)], capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise SystemExit(f"playc check {paths} exited {r.returncode}: {r.stderr}")
    d = json.loads(r.stdout)["diagnostics"]
    return sorted((x["severity"], x["code"], x["message"]) for x in d)


def has_syntax_error(d):
    return any(code < "P0100" and code != "P0001" for _, code, _ in d)


failures = checked = skipped = 0
with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    files = sorted(p for d in ("stdlib", "plays", "tests") for p in (root / d).rglob("*.play")
                   if "node_modules" not in p.parts)
    for i, src in enumerate(files):
        before = diags([src])
        if has_syntax_error(before):
            skipped += 1
            continue
        copy = tmp / f"f{i}" / src.name
        copy.parent.mkdir()
        shutil.copy(src, copy)
        subprocess.run([playc, "fmt", str(copy)], check=True)
        after = [(s, c, m.replace(str(copy), str(src))) for s, c, m in diags([copy])]
        checked += 1
        if after != before:
            failures += 1
            print(f"FAIL {src}: diagnostics changed by fmt\n  before: {before}\n  after:  {after}")
    for project in ("plays", "tests/scenario/plays"):
        copy = tmp / project.replace("/", "_")
        shutil.copytree(root / project, copy)
        before = diags([root / project])
        subprocess.run([playc, "fmt", str(copy)], check=True)
        after = diags([copy])
        checked += 1
        if after != before:
            failures += 1
            print(f"FAIL project {project}: diagnostics changed by fmt\n  before: {before}\n  after:  {after}")
    # fmt --check: lists what would change and exits 1; exits 0 once formatted.
    messy = tmp / "messy.play"
    messy.write_text('play p {owner "a@b.com"  // kept\n on website.page_viewed\n do review(queue:"q")}\n')
    r = subprocess.run([playc, "fmt", "--check", str(messy)], capture_output=True, text=True)
    if r.returncode != 1 or str(messy) not in r.stdout or messy.read_text().count("  //") != 1:
        failures += 1
        print(f"FAIL fmt --check on an unformatted file: exit {r.returncode}, stdout {r.stdout!r}")
    subprocess.run([playc, "fmt", str(messy)], check=True)
    r = subprocess.run([playc, "fmt", "--check", str(messy)], capture_output=True, text=True)
    if r.returncode != 0 or r.stdout or "// kept" not in messy.read_text():
        failures += 1
        print(f"FAIL fmt --check after fmt: exit {r.returncode}, stdout {r.stdout!r}, text {messy.read_text()!r}")

    # Issue 11: a // comment then a multi-line /* */ inside a list was written as one line, the
    # block comment's second line becoming code. In place, the file must still check the same
    # and keep its lines; `playc fmt -` (standard input) prints the same text.
    listed = tmp / "listed.play"
    listed.write_text('list regions = [\n    "emea", // Europe\n  /* the Americas,\n     north and south */\n  "amer",\n]\n')
    subprocess.run([playc, "fmt", str(listed)], check=True)
    text = listed.read_text()
    if any(sev == "error" for sev, _, _ in diags([listed])) or "// Europe\n  /* the Americas,\n     north and south */\n" not in text:
        failures += 1
        print(f"FAIL fmt on comments inside a list: {diags([listed])} {text!r}")
    r = subprocess.run([playc, "fmt", "-"], input=text, capture_output=True, text=True)
    if r.returncode != 0 or r.stdout != text:
        failures += 1
        print(f"FAIL fmt - (standard input): exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")
    checked += 2

print(f"fmt preserves check: {checked - failures} passed, {failures} failed ({skipped} files with syntax errors skipped)")
sys.exit(1 if failures else 0)
