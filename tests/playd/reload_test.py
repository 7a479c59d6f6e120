"""Change without downtime: reloading the plays (POST /v1/admin/reload,
SIGHUP, --watch) swaps the set between two batches while signals keep
coming: no acknowledged signal is lost or evaluated twice, every action is
issued once, each signal records the play set that decided it; a broken
reload answers 422 with the checker's diagnostics and the old set runs on;
the set's version shows in /healthz."""
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter

from playd_harness import PLAYS, Playd, demo_signal, expected_keys, setup_context, wait_for

DEMO = os.path.join("website", "demo_request.play")


def outbox_keys(data):
    try:
        with open(data + "/outbox.ndjson") as f:
            return [json.loads(l)["key"] for l in f if l.strip()]
    except FileNotFoundError:
        return []


def healthz(pd):
    return json.loads(pd.request("GET", "/healthz")[1])


def reload(pd):
    status, body = pd.request("POST", "/v1/admin/reload", b"", timeout=60)
    return status, json.loads(body)


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        plays = os.path.join(tmp, "plays")
        shutil.copytree(PLAYS, plays)
        demo = os.path.join(plays, DEMO)
        original = open(demo).read()
        data = tmp + "/data"
        pd = Playd(binary, data, plays=plays)
        pd.start_args = ["--watch"]
        pd.start()
        try:
            setup_context(pd)
            first = healthz(pd)["play_set"]
            assert reload(pd) == (200, {"reloaded": False, "unchanged": True, "play_set": first})

            # A broken edit: 422 with the checker's diagnostics, the old set runs on.
            with open(demo, "w") as f:
                f.write(original.replace("where signal.form in", "where signal.from in"))
            status, body = reload(pd)
            assert status == 422 and body["reloaded"] is False, body
            d = body["check"]["diagnostics"][0]
            assert d["code"] == "P0102" and d["file"].endswith("demo_request.play") and "form" in d["message"], d
            assert healthz(pd)["play_set"] == first
            status, _ = pd.request("POST", "/v1/signals", [demo_signal(0)])
            assert status == 200
            wait_for(lambda: len(outbox_keys(data)) == 2, 15, "the old set still fires")

            # Reloads under load: two versions of the plays alternate while a
            # client sends 6,000 signals; every signal is decided once, by one set.
            other = original.replace('title    "Demo or sales-contact request"', 'title    "Demo request (v2)"')
            versions, stop, sent, errors = set(), threading.Event(), [], []

            def client():
                i = 1
                while not stop.is_set() and i < 6001:
                    batch = [demo_signal(n) for n in range(i, i + 50)]
                    st, _ = pd.request("POST", "/v1/signals", batch)
                    (sent if st == 200 else errors).extend(s["id"] for s in batch)
                    i += 50
            t = threading.Thread(target=client)
            t.start()
            flips = 0
            while t.is_alive() and flips < 20:
                with open(demo, "w") as f:
                    f.write(other if flips % 2 == 0 else original)
                status, body = reload(pd)
                if status == 200 and body.get("reloaded"):
                    versions.add(body["play_set"])
                flips += 1
                time.sleep(0.05)
            t.join()
            assert flips >= 4 and len(versions) == 2, (flips, versions)
            assert not errors, f"{len(errors)} signals refused during reloads"
            want = expected_keys(["evt_0"] + sent)
            wait_for(lambda: set(outbox_keys(data)) >= want, 60, "every action of every signal")
            counts = Counter(outbox_keys(data))
            assert set(counts) == want and all(n == 1 for n in counts.values()), "an action issued twice"
            for sid in sent[:: max(1, len(sent) // 40)]:
                tr = json.loads(pd.request("GET", f"/v1/signals/{sid}/trace")[1])
                assert tr["status"] == "evaluated" and tr["play_set"] in versions | {first}, tr
                assert Counter(p["play"] for p in tr["plays"])["demo_request"] == 1, tr  # decided once

            # --watch: saving a file reloads by itself; SIGHUP too.
            with open(demo, "w") as f:
                f.write(original.replace("sla      5m", "sla      10m"))
            wait_for(lambda: healthz(pd)["play_set"] not in versions | {first}, 15, "the watched edit loaded")
            watched = healthz(pd)["play_set"]
            with open(demo, "w") as f:
                f.write(original)
            time.sleep(0.02)
            pd.proc.send_signal(signal.SIGHUP)
            try:
                wait_for(lambda: healthz(pd)["play_set"] != watched, 15, "SIGHUP (or the watch) reloaded")
            except AssertionError:
                print(pd.stderr()[-3000:], healthz(pd))
                raise
            assert "reload (watch)" in pd.stderr() and "refused, the running plays stay" in pd.stderr()
            assert pd.stop() == 0
            print(f"reload: ok: {flips} reloads under load, {len(sent)} signals each decided once by one of "
                  f"{len(versions)} play sets")
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()


if __name__ == "__main__":
    main(sys.argv[1])
