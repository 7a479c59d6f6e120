"""Rates against the entity's own baseline (docs/language.md section 12)
through a real playd give the same actions as `playc run` on the same
signal file, across a reload and kill -9.

tests/plays/rate has a 28-day usage drop per account, a 2-day login dip and
an hourly usage surge per contact; signals.ndjson (45 days over 10
accounts: drops, a total stop, a surge, signals out of order within the
lateness, late ones and repeated ids) is sent in three parts: the first,
then a reload with new titles (the patterns unchanged: their buckets must
carry over), the second, kill -9 (the buckets must come back from the
store), the last, kill -9 again right after the acknowledgement (a batch
either committed with its buckets or is evaluated again from the committed
ones), and a restart. The outbox must then hold exactly `playc run`'s
actions, each key once: no signal counted twice, none lost. The stored
states are the rate's byte form (format 2), 154 bytes for 28 days.
acct04.com stops sending on June 5 while the others go on: its drop fires
on the stream clock (a rate timer), in both.

Then the stream clock across kill -9 (stream_clock_survives): stop.io and
other.com log in for three days; other.com's login on day 4 moves the
stream clock past stop.io's empty day 3, whose timer fires the drop (stop.io
sends nothing more). playd is killed with SIGKILL and started again; a new
account's first login for day 1 is counted, and its timer closes day 1 on
the restored clock, so its second login for day 1 is late -- as `playc run`
decides over the same signals. Had the clock been lost, day 1 would still
be open and the second login counted.

With `postgres` as third argument, the same on the PostgreSQL store."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter

from playd_harness import Playd, REPO, evaluated, replay_file, wait_for

HERE = os.path.join(REPO, "tests", "plays", "rate")


def main(binary, playc, store=None):
    def late_is_not_counted(pd, lines):
        late = next(json.loads(l)["id"] for l in lines if json.loads(l)["id"].endswith("-late"))
        _, trace = pd.request("GET", f"/v1/signals/{late}/trace")
        assert "not counted: late, its bucket has closed" in trace, trace

    with tempfile.TemporaryDirectory() as tmp:
        run, lines, want, got = replay_file(binary, playc, HERE, "usage.play", tmp, store=store,
                                            while_running=late_is_not_counted)
        sizes = None
        if not store:
            db = sqlite3.connect(os.path.join(tmp, "data", "playd.db"))
            sizes = dict(db.execute(
                "SELECT per_key, LENGTH(state) FROM pattern_states WHERE play = 'usage_drop'").fetchall())
    plays = Counter(json.loads(l)["play"] for l in want)
    assert set(plays) == {"usage_drop", "login_dip", "usage_surge"}, f"every play fires in the file: {plays}"
    assert "late signal" in run.stderr, run.stderr
    # The total stop: acct04.com's last signal is on June 5; its drop is
    # judged by the stream clock alone.
    last = max(json.loads(l)["occurred_at"] for l in lines if json.loads(l).get("account") == "acct04.com")
    assert last < "2026-06-06", last
    stop = [json.loads(l) for l in got if json.loads(l)["play"] == "usage_drop" and json.loads(l)["account"] == "acct04.com"]
    assert len(stop) == 1 and stop[0]["signal"].startswith("rate:usage_drop:acct04.com:"), stop
    assert sizes is None or (len(sizes) == 10 and set(sizes.values()) == {154}), sizes
    print(f"rates over HTTP, reloaded once and killed twice: {len(lines)} signals, {len(got)} actions "
          f"identical to playc run ({dict(plays)}), the total stop's drop among them")


DAY = "2026-05-0{}T{}:00:00Z"


def login(i, account, day, hour="10"):
    return {"id": i, "type": "product.login", "source": "test", "occurred_at": DAY.format(day + 1, hour),
            "account": account, "properties": {}}


def stream_clock_survives(binary, playc, store=None):
    accounts = ["stop.io", "other.com", "new.io"]
    batches = [
        [login(f"{a[0]}{d}", a, d) for d in range(3) for a in ("stop.io", "other.com")] + [login("o3", "other.com", 3)],
        [login("o4", "other.com", 4)],
        [login("n1", "new.io", 1)],
        [login("n2", "new.io", 1, "11")],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        signals = os.path.join(tmp, "signals.ndjson")
        with open(signals, "w") as f:
            for b in batches:
                for s in b:
                    f.write(json.dumps(s) + "\n")
        context = os.path.join(tmp, "context.json")
        with open(context, "w") as f:
            json.dump({"accounts": [{"domain": a, "employees": 500} for a in accounts], "contacts": []}, f)
        run = subprocess.run([playc, "run", HERE, "--signals", signals, "--context", context, "--trace"],
                             capture_output=True, text=True, cwd=REPO)
        assert run.returncode == 0, run.stderr
        out = [json.loads(l) for l in run.stdout.splitlines()]
        want = sorted(json.dumps(o, sort_keys=True) for o in out if o.get("kind") == "action")
        n2 = [o for o in out if o.get("signal") == "n2" and o.get("play") == "login_dip"]
        assert n2 and n2[0]["reason"].startswith("not counted: late"), n2
        assert [json.loads(a)["signal"] for a in want] == ["rate:login_dip:new.io:1777939200000",
                                                           "rate:login_dip:stop.io:1777939200000"], want

        outbox = os.path.join(tmp, "data", "outbox.ndjson")

        def delivered():
            if not os.path.exists(outbox):
                return []
            return sorted(json.dumps(json.loads(l), sort_keys=True) for l in open(outbox).read().splitlines())

        pd = Playd(binary, os.path.join(tmp, "data"), plays=HERE)
        pd.start_args = ["--store", store] if store else []
        pd.start()
        try:
            for a in accounts:
                status, body = pd.request("PUT", f"/v1/accounts/{a}", {"employees": 500})
                assert status == 200, (status, body)
            for i, b in enumerate(batches):
                if i == 2:  # the clock was committed with o4's batch: kill -9, start again
                    wait_for(lambda: any("stop.io" in a for a in delivered()), what="stop.io's drop, by a timer")
                    pd.kill9()
                    pd.start()
                status, body = pd.request("POST", "/v1/signals", "\n".join(json.dumps(s) for s in b).encode() + b"\n")
                assert status == 200, (status, body)
                wait_for(lambda: evaluated(pd, b[-1]["id"]), what=f"{b[-1]['id']} evaluated")
            _, trace = pd.request("GET", "/v1/signals/n2/trace")
            assert "not counted: late, its bucket has closed" in trace, trace
            wait_for(lambda: len(delivered()) >= len(want), what=f"{len(want)} actions delivered")
            time.sleep(0.5)  # anything extra would show up now
            got = delivered()
            assert got == want, f"playd {got}\nplayc run {want}"
            assert pd.stop() == 0
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
    print(f"the stream clock survives kill -9: a total stop fired by a timer, a late signal after the "
          f"restart is late, {len(want)} actions identical to playc run")


if __name__ == "__main__":
    if sys.argv[3:] == ["postgres"]:
        from pg_cluster import Cluster
        cluster = Cluster()
        try:
            main(sys.argv[1], sys.argv[2], cluster.url)
            stream_clock_survives(sys.argv[1], sys.argv[2], cluster.database("clock"))
        finally:
            cluster.stop()
    else:
        main(sys.argv[1], sys.argv[2])
        stream_clock_survives(sys.argv[1], sys.argv[2])
