#!/usr/bin/env python3
"""Docs that drift from the program fail here.

1. Every `playc COMMAND` the docs mention is a command of `playc --help`
   that is supported (not "not supported yet"), and every `--option` written
   after it on the same line of a code span or block is one of
   `playc COMMAND --help`'s options.
2. Every "docs/language.md section N" cited in the compiler, the runtime, the
   apps or the docs names a section that exists there.
"""
import argparse
import pathlib
import re
import subprocess
import sys


def help_text(playc, *args):
    return subprocess.run([playc, *args, "--help"], capture_output=True, text=True).stdout


def code_lines(md):
    """Lines of fenced blocks, and the contents of `code spans` elsewhere."""
    fenced = False
    for n, line in enumerate(md.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            yield n, line
        else:
            for span in re.findall(r"`([^`]+)`", line):
                yield n, span


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--playc", required=True)
    a = ap.parse_args()
    root = pathlib.Path(__file__).resolve().parents[2]
    top = help_text(a.playc)
    commands = {}
    for m in re.finditer(r"^  ([a-z-]+)\s{2,}(.*)$", top.split("Subcommands:", 1)[1], re.M):
        commands[m.group(1)] = m.group(2)
    failures = []
    docs = sorted((root / "docs").glob("*.md")) + [root / "README.md"]
    docs += sorted(root.glob("editor-support/**/README.md"))
    options = {}
    mentions = 0
    for doc in docs:
        for n, text in code_lines(doc.read_text()):
            for m in re.finditer(r"(?<![\w.])playc ([a-z][a-z-]*)((?:\s+[^\s`|;&]+)*)", text):
                cmd, rest = m.group(1), m.group(2)
                mentions += 1
                where = f"{doc.relative_to(root)}:{n}"
                if cmd not in commands and re.search(rf"Usage: \S*playc {cmd} ", help_text(a.playc, cmd)):
                    commands[cmd] = "(a hidden command)"
                if cmd not in commands:
                    failures.append(f"{where}: `playc {cmd}` is not a command of playc")
                    continue
                if "not supported yet" in commands[cmd]:
                    failures.append(f"{where}: `playc {cmd}` is documented but not supported yet")
                if cmd not in options:
                    options[cmd] = set(re.findall(r"(--[a-z][a-z-]*)", help_text(a.playc, cmd)))
                for opt in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
                    if opt not in options[cmd]:
                        failures.append(f"{where}: `playc {cmd}` has no option {opt}")
    if mentions == 0:
        failures.append("no `playc COMMAND` found in the docs: the scan is broken")

    sections = set(re.findall(r"^## (\d+)\. ", (root / "docs/language.md").read_text(), re.M))
    for folder in ("compiler", "runtime", "apps", "docs"):
        for f in sorted((root / folder).rglob("*")):
            if f.suffix not in (".cpp", ".h", ".md", ".py"):
                continue
            for m in re.finditer(r"docs/language\.md,? section (\d+)", f.read_text(errors="replace")):
                if m.group(1) not in sections:
                    failures.append(f"{f.relative_to(root)}: cites docs/language.md section {m.group(1)}, "
                                    "which does not exist")
    for msg in failures:
        print("FAIL", msg)
    print(f"docs: {mentions} playc mentions checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
