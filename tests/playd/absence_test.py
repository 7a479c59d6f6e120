"""The absence form (docs/language.md section 12, "Absence") through a real
playd: the same actions as `playc run`, and a timer due while playd was
down fires exactly once after the restart, across kill -9.

1. tests/plays/absence/signals.ndjson (stalls per account, pricing visits
   per contact, a login exactly at the due time, one within the lateness, a
   repeated id) goes to playd in one POST, after its context. playd's
   service clock is months past the file, so every armed timer fires once
   the signals are evaluated; `playc run --until 2030-01-01T00:00:00Z`
   moves its stream clock there too. The outbox must hold exactly `playc
   run`'s actions, each key once. (Signals are delivered in time order,
   within the lateness: that is when a backtest and the live service
   decide the same.)

2. A play `for 1d` with `lateness 0s` gets a login dated 1 day minus 20
   seconds ago: armed, due in 20 seconds. playd is killed with SIGKILL
   before that, and started again after it: the stall fires once. playd is
   killed again right after the fire is delivered, and started: nothing
   fires twice (the decision, the action and the cleared timer were one
   transaction). The store then holds no armed timer.

3. A reload that changes the absence's pattern drops its armed timers; one
   that keeps the pattern keeps them."""
import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter

from playd_harness import Playd, REPO, load_context, wait_for

HERE = os.path.join(REPO, "tests", "plays", "absence")


def same_as_playc_run(binary, playc):
    signals = os.path.join(HERE, "signals.ndjson")
    context_file = os.path.join(HERE, "context.json")
    run = subprocess.run([playc, "run", HERE, "--signals", signals, "--context", context_file,
                          "--until", "2030-01-01T00:00:00Z"], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, (run.returncode, run.stderr)
    want = [l for l in run.stdout.splitlines() if json.loads(l).get("kind") == "action"]
    plays = Counter(json.loads(l)["play"] for l in want)
    assert plays["stall"] >= 5 and plays["contact_quiet"] >= 1, plays
    assert "absences fired" in run.stderr, run.stderr
    lines = [l for l in open(signals, "rb").read().splitlines() if l.strip()]
    assert len(lines) < 256, "one POST, one batch: no timer runs between two parts of the file"

    with tempfile.TemporaryDirectory() as tmp:
        data = tmp + "/data"
        outbox = os.path.join(data, "outbox.ndjson")
        pd = Playd(binary, data, plays=HERE).start()
        try:
            load_context(pd, context_file)
            status, body = pd.request("POST", "/v1/signals", b"\n".join(lines) + b"\n")
            assert status == 200, (status, body)

            def delivered():
                return open(outbox).read().splitlines() if os.path.exists(outbox) else []
            wait_for(lambda: len(delivered()) >= len(want), what=f"{len(want)} actions delivered")
            time.sleep(0.5)  # anything extra would show up now
            got = delivered()
            missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
            assert not missing and not extra, f"missing {list(missing)}\nextra {list(extra)}"
            keys = [json.loads(l)["key"] for l in got]
            assert len(keys) == len(set(keys)), "a key delivered twice"
            _, metrics = pd.request("GET", "/metrics")
            assert 'playd_play_outcomes_total{play="stall",outcome="not_icp"' in metrics, \
                [l for l in metrics.splitlines() if "stall" in l]
            assert pd.stop() == 0
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
    print(f"absence timers: {len(lines)} signals, {len(got)} actions identical to playc run --until ({dict(plays)})")


QUIET_PLAY = """play quiet {
  title "Quiet for a day"
  owner "cs@acme.com"
  oncall "#cs-oncall"
  runbook "https://wiki.acme.com/quiet"
  lateness 0s
  on absence of product.login for 1d per account
  do notify(channel: "#cs", text: "quiet {account.domain} {signal.id}")
}
"""


def fires_once_after_a_restart(binary):
    with tempfile.TemporaryDirectory() as tmp:
        plays_dir = os.path.join(tmp, "plays")
        os.makedirs(plays_dir)
        open(os.path.join(plays_dir, "quiet.play"), "w").write(QUIET_PLAY)
        data = tmp + "/data"
        outbox = os.path.join(data, "outbox.ndjson")

        def delivered():
            return open(outbox).read().splitlines() if os.path.exists(outbox) else []
        pd = Playd(binary, data, plays=plays_dir).start()
        try:
            now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
            due = now + datetime.timedelta(seconds=20)
            login = {"id": "login-1", "type": "product.login", "account": "bigco.com",
                     "occurred_at": (due - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "properties": {}}
            status, body = pd.request("POST", "/v1/signals", login)
            assert status == 200, (status, body)
            wait_for(lambda: '"status":"evaluated"' in pd.request("GET", "/v1/signals/login-1/trace")[1],
                     what="the login evaluated")
            trace = json.loads(pd.request("GET", "/v1/signals/login-1/trace")[1])
            assert trace["plays"][0]["reason"] == "armed for 1d per account", trace
            assert datetime.datetime.now(datetime.timezone.utc) < due, "the machine was too slow to arm in 20s"
            assert delivered() == [], "nothing fires before the due time"
            pd.kill9()
            time.sleep(max(0.0, (due - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 1)
            pd.start()  # the timer came due while playd was down
            wait_for(lambda: len(delivered()) >= 1, what="the stall delivered after the restart")
            pd.kill9()  # right after the fire: its decision committed with the cleared timer
            pd.start()
            time.sleep(1.0)  # a second fire would show up now
            got = delivered()
            assert len(got) == 1, got
            action = json.loads(got[0])
            sid = f"absence:quiet:bigco.com:{int(due.timestamp() * 1000)}"
            assert sid in action["args"]["text"], action
            assert pd.stop() == 0
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
        db = sqlite3.connect(os.path.join(data, "playd.db"))
        armed = db.execute("SELECT COUNT(*) FROM pattern_states WHERE timer_ms IS NOT NULL").fetchone()[0]
        assert armed == 0, f"the fired timer is cleared: {armed} armed"
    print("an absence timer due while playd was down fired once after the restart, across two kill -9")


def changed_pattern_drops_its_timers(binary):
    """A reload that changes an absence (1d to 2d) drops the old pattern's
    armed timers: the new pattern starts from nothing (docs/language.md
    section 12, "Hot reload"); one that keeps it keeps them."""
    with tempfile.TemporaryDirectory() as tmp:
        plays_dir = os.path.join(tmp, "plays")
        os.makedirs(plays_dir)
        play_file = os.path.join(plays_dir, "quiet.play")
        open(play_file, "w").write(QUIET_PLAY)
        data = tmp + "/data"
        pd = Playd(binary, data, plays=plays_dir).start()
        try:
            login = {"id": "login-1", "type": "product.login", "account": "bigco.com",
                     "occurred_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "properties": {}}
            status, body = pd.request("POST", "/v1/signals", login)
            assert status == 200, (status, body)
            wait_for(lambda: '"status":"evaluated"' in pd.request("GET", "/v1/signals/login-1/trace")[1],
                     what="the login evaluated")

            def armed():
                db = sqlite3.connect(os.path.join(data, "playd.db"))
                try:
                    return db.execute("SELECT COUNT(*) FROM pattern_states WHERE play = 'quiet' AND timer_ms IS NOT NULL"
                                      ).fetchone()[0]
                finally:
                    db.close()
            assert armed() == 1
            open(play_file, "w").write(QUIET_PLAY.replace('"Quiet for a day"', '"Quiet, renamed"'))
            status, body = pd.request("POST", "/v1/admin/reload", b"", timeout=60)
            assert status == 200 and json.loads(body).get("reloaded") is True, (status, body)
            assert armed() == 1, "an unchanged pattern keeps its timer over a reload"
            open(play_file, "w").write(QUIET_PLAY.replace("for 1d", "for 2d"))
            status, body = pd.request("POST", "/v1/admin/reload", b"", timeout=60)
            assert status == 200 and json.loads(body).get("reloaded") is True, (status, body)
            wait_for(lambda: armed() == 0, what="the changed pattern's timer dropped")
            assert pd.stop() == 0
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
    print("a changed absence pattern drops its timers over a reload; an unchanged one keeps them")


if __name__ == "__main__":
    same_as_playc_run(sys.argv[1], sys.argv[2])
    fires_once_after_a_restart(sys.argv[1])
    changed_pattern_drops_its_timers(sys.argv[1])
