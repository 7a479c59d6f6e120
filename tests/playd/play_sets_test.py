"""Zero plays and play-set versions (issue: an empty plays directory started
"0 plays" and marked a 40,000-signal backlog evaluated with no outcome, and
restarting with the right plays never evaluated them).

- No plays: playd refuses to start unless --allow-no-plays.
- Every evaluated signal records the play set (version) that decided it.
- `playd replay --play-set V` (through the running playd) evaluates them
  again with the current plays: each action once; replaying again adds none."""
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter

from playd_harness import PLAYS, Playd, demo_signal, expected_keys, setup_context, wait_for


def outbox_keys(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l)["key"] for l in f if l.strip()]


def trace(pd, sid):
    status, body = pd.request("GET", f"/v1/signals/{sid}/trace")
    assert status == 200, (status, body)
    return json.loads(body)


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        data = tmp + "/data"
        outbox = data + "/outbox.ndjson"
        empty = tmp + "/empty"
        os.makedirs(empty)
        no_plays = tmp + "/no_plays"
        os.makedirs(no_plays)
        with open(no_plays + "/lists.play", "w") as f:
            f.write('list vip_domains = ["bigco.com"]\n')
        for plays in (empty, no_plays):
            out = subprocess.run([binary, "serve", "--plays", plays, "--data", data, "--listen", "127.0.0.1:0"],
                                 capture_output=True, text=True, timeout=30)
            assert out.returncode == 2 and "no plays" in out.stderr and "--allow-no-plays" in out.stderr, \
                (plays, out.returncode, out.stderr)

        # On purpose, with none: the signals are evaluated by the empty set.
        pd = Playd(binary, data, plays=empty)
        pd.start_args = ["--allow-no-plays"]
        pd.start()
        ids = [f"evt_{i}" for i in range(50)]
        try:
            setup_context(pd)
            status, body = pd.request("POST", "/v1/signals", [demo_signal(i) for i in range(50)])
            assert status == 200, (status, body)
            wait_for(lambda: trace(pd, "evt_49")["status"] == "evaluated", 30, "evaluated by no play")
            empty_set = trace(pd, "evt_0")["play_set"]
            assert trace(pd, "evt_0")["plays"] == []
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()

        # The right plays: the backlog is not evaluated again by accident.
        pd = Playd(binary, data).start()
        try:
            status, body = pd.request("POST", "/v1/signals", [demo_signal(100)])
            assert status == 200
            wait_for(lambda: len(outbox_keys(outbox)) == 2, 30, "the new signal's actions")
            new_set = trace(pd, "evt_100")["play_set"]
            assert new_set != empty_set, (new_set, empty_set)
            assert trace(pd, "evt_0")["play_set"] == empty_set
            assert subprocess.run([binary, "replay", "--data", data], capture_output=True).returncode == 2, \
                "replay without --since or --play-set is refused"

            # Deliberately: replay what the empty set decided, through the running playd.
            out = subprocess.run([binary, "replay", "--data", data, "--play-set", empty_set, "--dry-run"],
                                 capture_output=True, text=True, timeout=30)
            assert out.returncode == 0 and json.loads(out.stdout)["replayed"] == 50, (out.stdout, out.stderr)
            out = subprocess.run([binary, "replay", "--data", data, "--play-set", empty_set],
                                 capture_output=True, text=True, timeout=30)
            assert out.returncode == 0, out.stderr
            assert json.loads(out.stdout) == {"replayed": 50, "dry_run": False, "by_play_set": {empty_set: 50}}, \
                out.stdout
            want = expected_keys(ids + ["evt_100"])
            wait_for(lambda: set(outbox_keys(outbox)) == want, 30, "the replayed signals' actions")
            assert trace(pd, "evt_0")["play_set"] == new_set
            assert any(p["outcome"] == "fired" for p in trace(pd, "evt_0")["plays"])

            # Replaying everything again adds no action: the keys are the same.
            out = subprocess.run([binary, "replay", "--data", data, "--since", "2000-01-01T00:00:00Z"],
                                 capture_output=True, text=True, timeout=30)
            assert out.returncode == 0 and json.loads(out.stdout)["replayed"] == 51, out.stdout
            wait_for(lambda: trace(pd, "evt_49")["status"] == "evaluated", 30, "evaluated again")
            import time
            time.sleep(1.0)
            counts = Counter(outbox_keys(outbox))
            assert set(counts) == want and all(n == 1 for n in counts.values()), counts
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
    print("play sets: ok")


if __name__ == "__main__":
    main(sys.argv[1])
