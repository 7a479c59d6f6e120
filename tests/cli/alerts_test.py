#!/usr/bin/env python3
"""`playc alerts --format prometheus`: the rules pass `promtool check rules`,
carry each play's own `alert` thresholds (and leave out the rules a play
turns off), and fire as playd's would under `promtool test rules`: a dead
tracking script (volume_drop) and a failing sink (success_rate). Run from
the repository root:
    alerts_test.py PLAYC
Exits 77 (skipped) when promtool (Debian `prometheus`) is not installed.
"""
import pathlib
import shutil
import subprocess
import sys
import tempfile

playc = sys.argv[1]
promtool = shutil.which("promtool")
if not promtool:
    print("promtool not found (apt-get install prometheus): skipped")
    sys.exit(77)
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


PLAYS = """
play watched {
  title "Watched"
  owner "revops@acme.com"
  oncall "#oncall"
  runbook "https://wiki.acme.com/watched"
  sla 30m
  alert volume below 30%
  alert success_rate below 90%
  alert latency_p95 above 2h
  alert undelivered after 45m
  alert volume_spike off
  on website.page_viewed
  do notify(channel: "#c", text: "x")
}

play quiet {
  title "Quiet"
  owner "revops@acme.com"
  oncall "#oncall"
  runbook "https://wiki.acme.com/quiet"
  alert off
  on website.page_viewed
  do notify(channel: "#c", text: "y")
}
"""

TESTS = """
rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1h
    input_series:
      # 100 signals an hour for 8 days, then none: a dead tracking script.
      - series: 'playd_play_outcomes_total{play="watched",outcome="fired"}'
        values: '0+100x192 19200x30'
    alert_rule_test:
      - eval_time: 194h
        alertname: PlaydVolumeDrop
        exp_alerts: []
      - eval_time: 216h
        alertname: PlaydVolumeDrop
        exp_alerts:
          - exp_labels: {severity: page, rule: volume_drop, play: watched}
            exp_annotations:
              summary: "Play watched: daily volume below 30% of its 7-day average"
              description: "Signals reaching the play in the last 24 h: 0. A tracking script or an integration may have stopped sending."
              runbook_url: "https://wiki.acme.com/watched"
  - interval: 1m
    input_series:
      # 20 deliveries a minute; from minute 60 on, 4 of them fail (80%: below 90%).
      - series: 'playd_play_actions_total{play="watched",sink="chat",result="sent"}'
        values: '0+20x60 1200+16x120'
      - series: 'playd_play_actions_total{play="watched",sink="chat",result="retry"}'
        values: '0x60 0+4x120'
    alert_rule_test:
      - eval_time: 50m
        alertname: PlaydSuccessRate
        exp_alerts: []
      - eval_time: 150m
        alertname: PlaydSuccessRate
        exp_alerts:
          - exp_labels: {severity: page, rule: success_rate, play: watched, sink: chat}
            exp_annotations:
              summary: "Play watched: fewer than 90% of its deliveries to chat succeed"
              description: "Delivered / attempted over 1 h: 0.8. Check the sink and the DLQ (playd dlq list)."
              runbook_url: "https://wiki.acme.com/watched"
"""

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    (tmp / "plays.play").write_text(PLAYS)
    r = subprocess.run([playc, "alerts", str(tmp / "plays.play"), "--format", "prometheus"], capture_output=True,
                       text=True, timeout=60)
    check("playc alerts exits 0", r.returncode == 0, r.stderr)
    rules = r.stdout
    (tmp / "rules.yml").write_text(rules)
    c = subprocess.run([promtool, "check", "rules", str(tmp / "rules.yml")], capture_output=True, text=True)
    check("promtool check rules", c.returncode == 0, c.stdout + c.stderr)
    check("the play's thresholds are used",
          "< 0.3 * (" in rules and "\n            < 0.9\n" in rules and "> 7200\n" in rules
          and 'playd_outbox_oldest_age_seconds{sink="chat"}) > 2700' in rules, rules)
    check("a rule the play turns off is left out", "PlaydVolumeSpike" not in rules, rules)
    check("`alert off` leaves the play out", 'play="quiet"' not in rules, rules)
    check("lag per lane, at the play's sla", 'playd_queue_oldest_age_seconds{lane="normal"}) > 1800' in rules, rules)
    (tmp / "tests.yml").write_text(TESTS)
    t = subprocess.run([promtool, "test", "rules", str(tmp / "tests.yml")], capture_output=True, text=True,
                       cwd=tmp)
    check("promtool test rules: volume drop and failing sink fire", t.returncode == 0, t.stdout + t.stderr)

    # The repository's example plays, with playd's defaults.
    r = subprocess.run([playc, "alerts", "plays/"], capture_output=True, text=True, timeout=60)
    (tmp / "example.yml").write_text(r.stdout)
    c = subprocess.run([promtool, "check", "rules", str(tmp / "example.yml")], capture_output=True, text=True)
    check("plays/: promtool check rules", r.returncode == 0 and c.returncode == 0, r.stderr + c.stdout + c.stderr)
    r = subprocess.run([playc, "alerts", "plays/", "--format", "json"], capture_output=True, text=True)
    check("an unknown --format is a usage error", r.returncode == 2, r.stderr)

print(f"alerts: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
