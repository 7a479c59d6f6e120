#!/usr/bin/env python3
"""`playc registry`: golden Markdown and JSON of tests/scenario/plays and the
golden runbook of one play (tests/golden/registry), the runbooks directory
(one page per play), and an HTML page that escapes what the plays say. Run
from the repository root:
    registry_test.py PLAYC [--update]
--update rewrites the golden files: read them before committing.
"""
import difflib
import html.parser
import json
import pathlib
import subprocess
import sys
import tempfile

playc = sys.argv[1]
update = "--update" in sys.argv
golden = pathlib.Path("tests/golden/registry")
plays = "tests/scenario/plays"
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def run(*args):
    return subprocess.run([playc, *args], capture_output=True, text=True, timeout=60)


def compare(name, got):
    path = golden / name
    if update:
        path.write_text(got)
        return
    want = path.read_text() if path.exists() else "<missing>\n"
    check(f"golden {name}", got == want,
          "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "expected", "got")))


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    r = run("registry", plays, "--format", "json")
    check("json exits 0", r.returncode == 0, r.stderr)
    compare("registry.json", r.stdout)
    j = json.loads(r.stdout)
    check("json shape", j["version"] == 1 and len(j["plays"]) == 11
          and {"name", "id", "title", "signals", "icps", "suppression", "suppression_rules", "exclusions", "dedup",
               "actions", "owner", "oncall", "sla_ms", "priority", "mode", "tags", "runbook", "dashboard"}
          <= j["plays"][0].keys(), r.stdout[:300])

    runbooks = tmp / "runbooks"
    r = run("registry", plays, "--format", "md", "--runbooks", str(runbooks))
    check("md exits 0", r.returncode == 0, r.stderr)
    compare("registry.md", r.stdout)
    pages = sorted(p.name for p in runbooks.glob("*.md"))
    check("one runbook per play", pages == sorted(p["name"] + ".md" for p in j["plays"]), pages)
    page = (runbooks / "pricing_enterprise.md").read_text()
    compare("pricing_enterprise.runbook.md", page)
    for q in ("## 1. Is the signal arriving?", "## 2. Does qualification pass?", "## 3. Did the action execute?",
              "## 4. Where are the logs?", "## 5. Whom to escalate to?", "/v1/signals/SIGNAL_ID/trace",
              "/v1/admin/dlq", "playd dlq list", "/metrics"):
        check(f"runbook answers {q}", q in page, page[:200])

    # A bundle gives the same registry as its sources.
    bundle = tmp / "p.bundle"
    run("build", plays, "-o", str(bundle))
    r = run("registry", str(bundle), "--format", "json")
    check("registry of the bundle == registry of the plays", json.loads(r.stdout) == j, r.stderr)

    # HTML: one page, everything the plays say escaped, no script or outside resource.
    hostile = tmp / "hostile.play"
    hostile.write_text('play x {\n  title "<script>alert(1)</script> & co"\n  owner "a@b.com"\n'
                       '  oncall "#o"\n  runbook "javascript:alert(2)"\n  on website.page_viewed\n'
                       '  do review(queue: "q")\n}\n')
    r = run("registry", str(hostile), "--format", "html")
    check("html exits 0", r.returncode == 0, r.stderr)
    page = r.stdout
    check("html escapes", "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page, page)
    check("html does not link a javascript: runbook", 'href="javascript' not in page, page)
    check("html is self-contained", "src=" not in page and "<link" not in page and "http" not in page.split(
        "<body>")[0], page[:400])

    class Parser(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.errors = [], []

        def handle_starttag(self, tag, attrs):
            if tag not in ("meta", "br", "!doctype"):
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if not self.stack or self.stack.pop() != tag:
                self.errors.append(tag)

    p = Parser()
    p.feed(run("registry", plays, "--format", "html").stdout)
    check("html tags balance", not p.errors and not p.stack, (p.errors, p.stack))
    check("bad --format is a usage error", run("registry", plays, "--format", "xml").returncode == 2)

print(f"registry: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
