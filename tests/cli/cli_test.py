#!/usr/bin/env python3
"""The playc command line as CLI.md specifies it: exit codes, --format json and
sarif, --deny-warnings, build/run/disasm on a bundle (and a corrupted bundle
refused), test --junit, eval. Run from the repository root:
    cli_test.py PLAYC
"""
import json
import pathlib
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

playc = sys.argv[1]
passed = failed = 0


def run(*args, **kw):
    return subprocess.run([playc, *args], capture_output=True, text=kw.pop("text", True), timeout=120, **kw)


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    # exit codes
    check("check plays/ exits 0", run("check", "plays/").returncode == 0)
    bad = "tests/golden/check/unknown_property.play"
    r = run("check", bad)
    check("check on errors exits 1", r.returncode == 1, r.stderr)
    check("text diagnostics name file:line:col and code", f"{bad}:" in r.stderr and "error[P0102]" in r.stderr, r.stderr)
    check("missing path exits 2", run("check", "no/such/dir").returncode == 2)
    warn = tmp / "warn.play"
    warn.write_text('play p {\n  owner "a@b.com"\n  on website.page_viewed\n  do review(queue: "q")\n}\n')
    check("warnings alone exit 0", run("check", str(warn)).returncode == 0)
    check("--deny-warnings makes warnings fail", run("check", "--deny-warnings", str(warn)).returncode == 1)
    check("bad --format is a usage error", run("check", "--format", "xml", "plays/").returncode == 2)

    # --format json
    r = run("check", "--format", "json", bad)
    j = json.loads(r.stdout)
    d = j["diagnostics"][0]
    check("json fields", {"file", "line", "column", "end_line", "end_column", "severity", "code", "message"} <= d.keys(), d)
    check("json values", d["code"] == "P0102" and d["severity"] == "error" and j["errors"] >= 1, d)

    # --format sarif (2.1.0)
    r = run("check", "--format", "sarif", bad)
    s = json.loads(r.stdout)
    run0 = s["runs"][0]
    res = run0["results"][0]
    region = res["locations"][0]["physicalLocation"]["region"]
    check("sarif version", s["version"] == "2.1.0" and run0["tool"]["driver"]["name"] == "playc", s.get("version"))
    check("sarif result", res["ruleId"] == "P0102" and res["level"] == "error" and region["startLine"] == d["line"]
          and region["startColumn"] == d["column"], res)
    check("sarif rules", any(rule["id"] == "P0102" for rule in run0["tool"]["driver"]["rules"]))

    # build / run / disasm on a bundle
    bundle = tmp / "plays.bundle"
    check("build", run("build", "plays/", "-o", str(bundle)).returncode == 0)
    scen = ["--signals", "tests/scenario/signals.ndjson", "--context", "tests/scenario/context.json", "--trace"]
    from_plays = run("run", "tests/scenario/plays", *scen)
    sb = tmp / "scenario.bundle"
    run("build", "tests/scenario/plays", "-o", str(sb))
    from_bundle = run("run", str(sb), *scen)
    check("run on a bundle == run on the plays", from_plays.stdout == from_bundle.stdout and from_plays.stdout,
          f"{len(from_plays.stdout)} vs {len(from_bundle.stdout)}")
    dis = run("disasm", str(bundle))
    check("disasm shows plays, instructions, positions and cost",
          dis.returncode == 0 and "play pricing_visit_enterprise" in dis.stdout and "LOAD_SIGNAL_SLOT" in dis.stdout
          and "worst-case cost" in dis.stdout and "plays/website/pricing_visit.play:" in dis.stdout)
    data = bytearray(bundle.read_bytes())
    for where in (40, len(data) // 2, len(data) - 1):
        corrupt = tmp / f"corrupt{where}.bundle"
        flipped = bytearray(data)
        flipped[where] ^= 0x5A
        corrupt.write_bytes(bytes(flipped))
        r = run("run", str(corrupt), "--signals", "tests/scenario/signals.ndjson")
        check(f"corrupted bundle (byte {where}) refused", r.returncode == 1 and "bundle refused" in r.stderr and not r.stdout,
              r.stderr)
    truncated = tmp / "truncated.bundle"
    truncated.write_bytes(bytes(data[: len(data) - 10]))
    r = run("disasm", str(truncated))
    check("truncated bundle refused", r.returncode == 1 and "bundle refused" in r.stderr, r.stderr)

    # diff: two versions of the scenario plays over the same signals
    import shutil
    new = tmp / "new_plays"
    shutil.copytree("tests/scenario/plays", new)
    dscen = ["--signals", "tests/scenario/signals.ndjson", "--context", "tests/scenario/context.json"]
    r = run("diff", "tests/scenario/plays", str(sb), *dscen)
    check("diff of the plays and their bundle: identical, exit 0", r.returncode == 0 and "no difference" in r.stdout,
          r.stdout + r.stderr)
    tp = new / "third_party.play"
    tp.write_text(tp.read_text().replace("signal.score >= 70", "signal.score >= 90", 1))
    pp = new / "product.play"
    pp.write_text(pp.read_text().replace("due: 4h)", "due: 2h)", 1))
    r = run("diff", "tests/scenario/plays", str(new), *dscen)
    check("diff: a changed play exits 1", r.returncode == 1, r.stdout + r.stderr)
    check("diff text names plays, kinds of change and signals",
          "play intent_task:" in r.stdout and "removed signal e25: task -> crm" in r.stdout
          and "play usage_spike: 0 added, 0 removed, 1 changed" in r.stdout and '"due":"2h"' in r.stdout, r.stdout)
    r = run("diff", "tests/scenario/plays", str(new), *dscen, "--format", "json", "--examples", "1")
    j = json.loads(r.stdout)
    by = {p["play"]: p for p in j["plays"]}
    check("diff json", r.returncode == 1 and not j["identical"] and j["signals"] > 0
          and by["intent_task"]["removed"] == 2 and len(by["intent_task"]["examples"]["removed"]) == 1
          and by["usage_spike"]["changed"] == 1
          and by["usage_spike"]["examples"]["changed"][0]["new"]["args"]["due"] == "2h"
          and by["usage_spike"]["examples"]["changed"][0]["old"]["args"]["due"] == "4h"
          and by["account_tiered"]["status"] == "same", r.stdout)
    (new / "website.play").unlink()
    r = run("diff", "tests/scenario/plays", str(new), *dscen, "--format", "json")
    j = json.loads(r.stdout) if r.returncode == 1 else {"plays": []}
    check("diff: plays only in OLD are removed",
          any(p["status"] == "removed" and p["removed"] == p["old_actions"] for p in j["plays"]), r.stdout + r.stderr)
    broken = tmp / "broken_plays"
    shutil.copytree("tests/scenario/plays", broken)
    (broken / "crm.play").write_text((broken / "crm.play").read_text().replace("notify(", "notfy(", 1))
    r = run("diff", "tests/scenario/plays", str(broken), *dscen)
    check("diff: a compile error exits 2", r.returncode == 2 and "P0401" in r.stderr and not r.stdout, r.stderr)
    check("diff: missing --signals is a usage error", run("diff", "plays/", "plays/").returncode == 2)
    r = run("diff", "plays/", "plays/", "--signals", "no/such.ndjson")
    check("diff: unreadable signals exit 2", r.returncode == 2, r.stderr)

    # test --junit
    junit = tmp / "junit.xml"
    r = run("test", "plays/", "--junit", str(junit))
    last = r.stdout.strip().splitlines()[-1]
    suite = ET.parse(junit).getroot()
    check("playc test passes and ends with the summary line", r.returncode == 0 and last.endswith("passed, 0 failed"), last)
    check("junit counts", int(suite.get("tests")) == int(last.split()[0]) and suite.get("failures") == "0")
    failing = tmp / "failing_test.play"
    failing.write_text(pathlib.Path("plays/website/pricing_visit_test.play").read_text().replace("times 1", "times 3", 1))
    r = run("test", "plays/website/pricing_visit.play", "plays/project.play", str(failing))
    check("a failing expectation fails the run", r.returncode == 1 and "FAIL" in r.stdout and ", 1 failed" in r.stdout,
          r.stdout[-400:])

    # issue 11.2: runtime errors are not silent. A play whose `let` fails on every signal.
    erring = tmp / "erring"
    erring.mkdir()
    (erring / "p.play").write_text(
        'play pricing {\n  owner "revops@acme.com"\n  on website.page_viewed\n'
        '  let ratio = 100 / size(signal.category)\n  do notify(channel: "#sales", text: "ratio {ratio}")\n}\n'
        'test "an empty category" {\n  signal website.page_viewed { url: "https://a.io/x", category: "" }\n'
        '  expect pricing outcome no_match times 0\n}\n')
    sig = tmp / "erring.ndjson"
    sig.write_text('{"id":"e1","type":"website.page_viewed","occurred_at":"2026-06-21T10:00:00Z",'
                   '"properties":{"url":"u","category":""}}\n'
                   '{"id":"e2","type":"website.page_viewed","occurred_at":"2026-06-21T10:01:00Z",'
                   '"properties":{"url":"u","category":"pricing"}}\n')
    r = run("test", str(erring))
    check("a runtime error fails its test, naming the expression and the error",
          r.returncode == 1 and "p.play:4:15: play pricing hit a runtime error on signal test-1: division by zero"
          in r.stdout, r.stdout)
    (erring / "p.play").write_text((erring / "p.play").read_text().replace("outcome no_match times 0", "outcome error"))
    r = run("test", str(erring))
    check("an expected runtime error passes", r.returncode == 0 and "1 passed, 0 failed" in r.stdout, r.stdout)
    r = run("run", str(erring), "--signals", str(sig))
    check("run: a summary on stderr, exit 0 without --fail-on-error",
          r.returncode == 0 and "playc run: 2 signals, 1 action; outcomes: fired 1, error 1" in r.stderr
          and "first: pricing on signal e1 at " in r.stderr and "division by zero" in r.stderr, r.stderr)
    check("run: actions still on stdout, the summary not", r.stdout.count('"kind":"action"') == 1
          and "playc run:" not in r.stdout, r.stdout)
    r = run("run", str(erring), "--signals", str(sig), "--fail-on-error")
    check("run --fail-on-error exits 1 when a play errored", r.returncode == 1, r.stderr)
    good = tmp / "good.ndjson"
    good.write_text(sig.read_text().splitlines()[1] + "\n")
    r = run("run", str(erring), "--signals", str(good), "--fail-on-error")
    check("run --fail-on-error exits 0 when no play errored",
          r.returncode == 0 and "outcomes: fired 1\n" in r.stderr and "runtime error" not in r.stderr, r.stderr)
    # A failed `expect ... do` says why nothing fired.
    nofire = tmp / "nofire.play"
    nofire.write_text('play pricing {\n  owner "revops@acme.com"\n  on website.page_viewed\n'
                      '  where signal.category == "pricing"\n  do notify(channel: "#s", text: "x")\n}\n'
                      'test "a blog visit" {\n  signal website.page_viewed { url: "https://a.io/b", category: "blog" }\n'
                      '  expect pricing do notify times 1\n}\n')
    r = run("test", str(nofire))
    check("a failed expect do lists the play's outcomes", r.returncode == 1 and "outcomes:" in r.stdout
          and f"test-1: no_match at {nofire}:4:3" in r.stdout, r.stdout)

    # issue 11.5: templates render numbers as people write them, read the envelope's keys, and
    # render an absent record's fields as nothing, consistently with `== null`.
    tpl = tmp / "tpl.play"
    tpl.write_text('play big {\n  owner "revops@acme.com"\n  on company.funding_announced\n'
                   '  where account.name == null and contact.title == null\n'
                   '  do notify(channel: "#s", text: "{signal.amount} {signal.amount / 2.0} {2.5} '
                   '[{account.name}] [{contact.title}] {signal.account} {signal.contact}")\n}\n')
    fsig = tmp / "funding.ndjson"
    fsig.write_text('{"id":"f1","type":"company.funding_announced","occurred_at":"2026-06-21T10:00:00Z",'
                    '"account":"bigco.com","contact":"a@bigco.com","properties":{"amount":25000000}}\n')
    r = run("run", str(tpl), "--signals", str(fsig))
    text = json.loads(r.stdout.splitlines()[0])["args"]["text"] if r.stdout else ""
    check("templates: numbers, absent records, signal.account/contact",
          text == "25000000 12500000 2.5 [] [] bigco.com a@bigco.com", r.stdout + r.stderr)

    # issue 11.4: CI artifacts.
    empty = tmp / "empty"
    empty.mkdir()
    r = run("check", str(empty))
    check("check on a directory without plays is an error", r.returncode == 2 and "no .play files in" in r.stderr,
          r.stderr)
    r = run("test", str(empty), "--junit", str(tmp / "empty.xml"))
    suite = ET.parse(tmp / "empty.xml").getroot()
    check("test on a directory without plays is an error, with a failing JUnit case",
          r.returncode == 2 and suite.get("failures") == "1" and "no .play files" in r.stderr, r.stderr)
    r = run("test", bad, "--junit", str(tmp / "bad.xml"))
    suite = ET.parse(tmp / "bad.xml").getroot()
    case = suite.find("testcase")
    check("test --junit writes a failing case when check fails",
          r.returncode == 1 and suite.get("failures") == "1" and case is not None
          and "P0102" in case.find("failure").text, r.stderr)
    r = run("test", "plays/", "--junit", str(junit))
    cases = ET.parse(junit).getroot().findall("testcase")
    check("junit cases carry file, line and time", cases and all(
        c.get("file", "").endswith(".play") and int(c.get("line")) > 0 and float(c.get("time")) >= 0 for c in cases),
          [c.attrib for c in cases[:2]])
    r = run("check", "--format", "sarif", bad)
    rule = json.loads(r.stdout)["runs"][0]["tool"]["driver"]["rules"][0]
    check("sarif rules carry their meaning and an absolute help URI",
          rule["shortDescription"]["text"] == "unknown property on a signal"
          and rule["helpUri"].startswith("https://") and rule["helpUri"].endswith("diagnostics.md#p0102"), rule)
    r = run("check", "--format", "sarif", "--help-base", "https://git.example/docs/diagnostics.md", bad)
    rule = json.loads(r.stdout)["runs"][0]["tool"]["driver"]["rules"][0]
    check("sarif --help-base", rule["helpUri"] == "https://git.example/docs/diagnostics.md#p0102", rule)
    check("json end_column is exclusive", d["end_column"] == d["column"] + len("categroy"), d)

    # eval
    r = run("eval", "[1, 2, 3].filter(x, x > 1).map(x, x * n)", "--bindings", '{"n": 10}')
    check("eval", r.returncode == 0 and r.stdout.strip() == "[20,30]", r.stdout + r.stderr)
    r = run("eval", "1 / 0")
    check("eval runtime error exits 1", r.returncode == 1 and "division by zero" in r.stderr, r.stderr)
    r = run("eval", "size(")
    check("eval syntax error exits 1", r.returncode == 1 and "error[P0" in r.stderr, r.stderr)
    # An expression starting with '-' is the expression, not an option: directly, after
    # `--`, and before or after --bindings.
    for args in (["-(4.5)"], ["--", "-(4.5)"], ["-(x + 0.5)", "--bindings", '{"x": 4.0}'],
                 ["--bindings", '{"x": 4.0}', "-(x + 0.5)"]):
        r = run("eval", *args)
        check("eval " + " ".join(args), r.returncode == 0 and r.stdout.strip() == "-4.5", r.stdout + r.stderr)
    # JSON has no number for infinity or NaN: written as CEL's test data (protobuf JSON) writes them.
    r = run("eval", "[1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 1.5]")
    check("eval non-finite floats", r.stdout.strip() == '["Infinity","-Infinity","NaN",1.5]', r.stdout + r.stderr)

    # eval binds `signal` (typed by its schema), `now`, and with --context the signal's records.
    pv = '{"type": "website.page_viewed", "contact": "Ana@BigCo.com", "occurred_at": "2026-06-21T10:00:00Z",' \
         ' "properties": {"url": "https://acme.com/pricing", "category": "pricing"}}'
    r = run("eval", 'signal.category == "pricing" && signal.contact == "ana@bigco.com"', "--signal", pv)
    check("eval --signal", r.returncode == 0 and r.stdout.strip() == "true", r.stdout + r.stderr)
    r = run("eval", "signal.categroy", "--signal", pv)
    check("eval --signal typo is a check error", r.returncode == 1 and "did you mean 'category'" in r.stderr, r.stderr)
    r = run("eval", "signal.category + 1", "--signal", pv)
    check("eval --signal types the properties", r.returncode == 1 and "P02" in r.stderr, r.stderr)
    r = run("eval", "signal.url", "--signal", '{"type": "website.page_viewd"}')
    check("eval --signal unknown type", r.returncode == 1 and "did you mean 'website.page_viewed'" in r.stderr,
          r.stderr)
    r = run("eval", "signal.url", "--signal", '{"type": "website.page_viewed", "properties": {}}')
    check("eval --signal missing property", r.returncode == 1 and "missing property 'url'" in r.stderr, r.stderr)
    r = run("eval", "signal.url", "--signal", "{broken")
    check("eval --signal broken JSON", r.returncode == 2 and "JSON object" in r.stderr, r.stderr)
    r = run("eval", "now - signal.occurred_at", "--signal", pv, "--now", "2026-06-21T15:30:00Z")
    check("eval --now", r.returncode == 0 and r.stdout.strip() == '"5h30m"', r.stdout + r.stderr)
    r = run("eval", 'string(now) + " " + string(now.getHours("America/New_York"))', "--signal", pv)
    check("eval now is the signal's time", r.stdout.strip() == '"2026-06-21T10:00:00Z 6"', r.stdout + r.stderr)
    r = run("eval", "now", "--now", "yesterday")
    check("eval --now must be RFC 3339", r.returncode == 2 and "RFC 3339" in r.stderr, r.stderr)
    r = run("eval", "signal.url")
    check("eval signal unbound", r.returncode == 1 and "--signal" in r.stderr, r.stderr)
    r = run("eval", "account.name")
    check("eval account unbound", r.returncode == 1 and "--context" in r.stderr, r.stderr)
    ctx = tmp / "ctx.json"
    ctx.write_text('{"accounts": [{"domain": "bigco.com", "name": "BigCo", "employees": 1200}],'
                   ' "contacts": [{"email": "ana@bigco.com", "name": "Ana"}]}')
    r = run("eval", 'account.name + " " + string(account.employees) + " " + contact.name', "--signal", pv,
            "--context", str(ctx))
    check("eval --context", r.stdout.strip() == '"BigCo 1200 Ana"', r.stdout + r.stderr)
    other = pv.replace("Ana@BigCo.com", "bob@other.io")
    r = run("eval", 'contact.email_domain + " " + account.domain + " " + string(account == null) + " " +'
            ' string(contact.name == null)', "--signal", other, "--context", str(ctx))
    check("eval --context unknown records", r.stdout.strip() == '"other.io other.io true true"', r.stdout + r.stderr)
    sigfile = tmp / "signal.json"
    sigfile.write_text(pv)
    decl = tmp / "decl"
    decl.mkdir()
    (decl / "demo.play").write_text("signal app.demo_booked {\n  seats: int?\n}\nconst big_seats = 50\n")
    r = run("eval", "signal.seats >= big_seats", "--plays", str(decl), "--signal",
            '{"type": "app.demo_booked", "properties": {"seats": 80}}')
    check("eval --plays", r.returncode == 0 and r.stdout.strip() == "true", r.stdout + r.stderr)
    r = run("eval", "signal.category", "--signal", "@" + str(sigfile))
    check("eval --signal @FILE", r.stdout.strip() == '"pricing"', r.stdout + r.stderr)
    r = run("eval", "-(signal.visit_count ?? 3)", "--signal", pv)
    check("eval '-...' with --signal", r.stdout.strip() == "-3", r.stdout + r.stderr)

print(f"cli: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
