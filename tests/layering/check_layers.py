#!/usr/bin/env python3
"""The dependency direction of the source tree, checked (docs/architecture.md,
"Layout and dependencies"): each folder may include only the folders listed
for it, and only runtime/store speaks SQL. Fails naming the file, the line
and the rule broken.

    tests/layering/check_layers.py [REPO]
"""
import os
import re
import sys

# folder -> the project folders its files may include (besides itself).
ALLOWED = {
    "common": [],
    "compiler": ["common", "runtime/vm", "grammar"],  # the bundle format is the compiler/runtime contract
    "runtime/vm": ["common"],                          # a leaf: nothing else of the project
    "runtime/engine": ["runtime/vm", "common"],        # sees its host only through interfaces
    "runtime/jit": ["runtime/engine", "runtime/vm", "common"],  # the engine sees it only as a ProgramRunner
    "runtime/store": ["common"],
    "runtime/observe": ["runtime/store", "runtime/vm", "common"],  # vm: the registry reads the bundle
    "runtime/ingest": ["runtime/store", "runtime/engine", "runtime/vm", "runtime/observe", "common"],
    "runtime/qualify": ["runtime/engine", "runtime/vm", "runtime/store", "runtime/observe", "common"],
    "runtime/sinks": ["runtime/store", "runtime/observe", "common"],
    "apps": ["compiler", "runtime", "common", "apps"],
}
SQL = re.compile(r'"[^"\n]*\b(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|PRAGMA\s)')
# Files whose SELECTs are SOQL (Salesforce's query language, sent to Salesforce over HTTP), not SQL
# for playd's store.
SOQL_FILES = {"runtime/sinks/salesforce.cpp"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
TOP = ("common/", "compiler/", "runtime/", "apps/", "grammar/", "tests/", "bench/")


def rule_for(path):
    best = None
    for folder in ALLOWED:
        if path.startswith(folder + "/") and (best is None or len(folder) > len(best)):
            best = folder
    return best


def main(repo):
    problems = []
    for top in ("common", "compiler", "runtime", "apps"):
        for dirpath, _, files in os.walk(os.path.join(repo, top)):
            for name in files:
                if not name.endswith((".cpp", ".h")) or name.endswith("_test.cpp"):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), repo)
                folder = rule_for(path)
                allowed = [folder] + ALLOWED[folder]
                with open(os.path.join(repo, path), encoding="utf-8", errors="replace") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if m and m.group(1).startswith(TOP):
                            inc = m.group(1)
                            if not any(inc.startswith(a + "/") for a in allowed):
                                problems.append(f"{path}:{n}: {folder} may not include {inc} "
                                                f"(it may include: {', '.join(allowed)})")
                        if not path.startswith("runtime/store/") and path not in SOQL_FILES and SQL.search(line):
                            problems.append(f"{path}:{n}: SQL outside runtime/store: {line.strip()[:100]}")
    for p in problems:
        print(p)
    print(f"layering: {'ok' if not problems else str(len(problems)) + ' problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))))
