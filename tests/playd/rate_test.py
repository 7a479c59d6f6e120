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
import sqlite3
import sys
import tempfile
from collections import Counter

from playd_harness import REPO, replay_file

HERE = os.path.join(REPO, "tests", "plays", "rate")


def main(binary, playc):
    def late_is_not_counted(pd, lines):
        late = next(json.loads(l)["id"] for l in lines if json.loads(l)["id"].endswith("-late"))
        _, trace = pd.request("GET", f"/v1/signals/{late}/trace")
        assert "not counted: late, its bucket has closed" in trace, trace

    with tempfile.TemporaryDirectory() as tmp:
        run, lines, want, got = replay_file(binary, playc, HERE, "usage.play", tmp,
                                            while_running=late_is_not_counted)
        db = sqlite3.connect(os.path.join(tmp, "data", "playd.db"))
        sizes = dict(db.execute("SELECT per_key, LENGTH(state) FROM pattern_states WHERE play = 'usage_drop'").fetchall())
    plays = Counter(json.loads(l)["play"] for l in want)
    assert set(plays) == {"usage_drop", "login_dip", "usage_surge"}, f"every play fires in the file: {plays}"
    assert "late signal" in run.stderr, run.stderr
    assert len(sizes) == 10 and set(sizes.values()) == {154}, sizes
    print(f"rates over HTTP, reloaded once and killed twice: {len(lines)} signals, {len(got)} actions "
          f"identical to playc run ({dict(plays)}); usage_drop state {sizes[next(iter(sizes))]} bytes per account")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
