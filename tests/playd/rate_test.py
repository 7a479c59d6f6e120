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
states are the rate's byte form (format 2), 154 bytes for 28 days."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter

from playd_harness import Playd, REPO, wait_for

HERE = os.path.join(REPO, "tests", "plays", "rate")


def main(binary, playc):
    signals = os.path.join(HERE, "signals.ndjson")
    context_file = os.path.join(HERE, "context.json")
    run = subprocess.run([playc, "run", HERE, "--signals", signals, "--context", context_file],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, (run.returncode, run.stderr)
    want = [l for l in run.stdout.splitlines() if json.loads(l).get("kind") == "action"]
    plays = Counter(json.loads(l)["play"] for l in want)
    assert set(plays) == {"usage_drop", "login_dip", "usage_surge"}, f"every play fires in the file: {plays}"
    assert "late signal" in run.stderr, run.stderr

    lines = [l for l in open(signals, "rb").read().splitlines() if l.strip()]
    half, three_quarters = len(lines) // 2, len(lines) * 3 // 4
    parts = [lines[:half], lines[half:three_quarters], lines[three_quarters:]]

    with tempfile.TemporaryDirectory() as tmp:
        data = tmp + "/data"
        outbox = os.path.join(data, "outbox.ndjson")

        def delivered():
            return open(outbox).read().splitlines() if os.path.exists(outbox) else []

        def evaluated(pd, line):
            sid = json.loads(line)["id"]
            _, trace = pd.request("GET", f"/v1/signals/{sid}/trace")
            return '"status":"evaluated"' in trace

        plays_dir = os.path.join(tmp, "plays")
        shutil.copytree(HERE, plays_dir)
        pd = Playd(binary, data, plays=plays_dir).start()
        try:
            context = json.load(open(context_file))
            for a in context["accounts"]:
                status, body = pd.request("PUT", f"/v1/accounts/{a['domain']}",
                                          {k: v for k, v in a.items() if k != "domain"})
                assert status == 200, (a, status, body)
            for c in context["contacts"]:
                status, body = pd.request("PUT", f"/v1/contacts/{c['email']}",
                                          {k: v for k, v in c.items() if k != "email"})
                assert status == 200, (c, status, body)

            status, body = pd.request("POST", "/v1/signals", b"\n".join(parts[0]) + b"\n")
            assert status == 200, (status, body)
            wait_for(lambda: evaluated(pd, parts[0][-1]), what="the first half evaluated")
            play_file = os.path.join(plays_dir, "usage.play")
            text = open(play_file).read()
            open(play_file, "w").write(re.sub(r'title(\s+)"', r'title\1"Renamed: ', text))
            status, body = pd.request("POST", "/v1/admin/reload", b"", timeout=60)
            assert status == 200 and json.loads(body).get("reloaded") is True, (status, body)
            status, body = pd.request("POST", "/v1/signals", b"\n".join(parts[1]) + b"\n")
            assert status == 200, (status, body)
            wait_for(lambda: evaluated(pd, parts[1][-1]), what="the third quarter evaluated")
            pd.kill9()

            pd.start()
            status, body = pd.request("POST", "/v1/signals", b"\n".join(parts[2]) + b"\n")
            assert status == 200, (status, body)
            pd.kill9()  # anywhere in the evaluation of the last quarter

            pd.start()
            wait_for(lambda: evaluated(pd, parts[2][-1]), what="the last quarter evaluated")
            wait_for(lambda: len(delivered()) >= len(want), what=f"{len(want)} actions delivered")
            time.sleep(0.5)  # anything extra would show up now
            got = delivered()
            missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
            assert not missing and not extra, f"missing {list(missing)}\nextra {list(extra)}"
            keys = [json.loads(l)["key"] for l in got]
            assert len(keys) == len(set(keys)), "a key delivered twice"
            late = next(json.loads(l)["id"] for l in lines if json.loads(l)["id"].endswith("-late"))
            _, trace = pd.request("GET", f"/v1/signals/{late}/trace")
            assert "not counted: late, its bucket has closed" in trace, trace
            assert pd.stop() == 0
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
        db = sqlite3.connect(os.path.join(data, "playd.db"))
        sizes = dict(db.execute("SELECT per_key, LENGTH(state) FROM pattern_states WHERE play = 'usage_drop'").fetchall())
        assert len(sizes) == 10 and set(sizes.values()) == {154}, sizes
    print(f"rates over HTTP, reloaded once and killed twice: {len(lines)} signals, {len(got)} actions "
          f"identical to playc run ({dict(plays)}); usage_drop state {sizes[next(iter(sizes))]} bytes per account")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
