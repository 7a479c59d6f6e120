"""An embedded deployment moved to PostgreSQL (`playd migrate --from DIR
--store URL`, docs/operations.md "Moving an embedded deployment to
PostgreSQL") carries on where it stopped.

playd runs embedded (SQLite) on tests/plays/temporal (count windows and an
`all of` per account, a count per contact, `unless fired within`, icp,
suppression) with its context, takes the first half of the signal file and
stops. `playd migrate --from` refuses while an embedded playd still runs;
then copies the data directory's store into a throwaway PostgreSQL database
(every table's rows, checked against the SQLite file); a second copy into
the same database is refused. playd then runs on PostgreSQL with the same
data directory (its file outbox continues) and takes the second half plus a
repeat of a first-half signal: the outbox holds exactly `playc run`'s
actions over the whole file -- windows open across the move complete, the
ledger still deduplicates, the repeat is a duplicate -- each key once."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter

from pg_cluster import Cluster
from playd_harness import Playd, REPO, evaluated, load_context, wait_for

HERE = os.path.join(REPO, "tests", "plays", "temporal")
TABLES = ["signals", "seen_signals", "outcomes", "actions", "attempts", "accounts", "contacts", "ledger",
          "round_robin", "play_sets", "file_sinks", "history", "history_latency", "history_plays", "alerts",
          "review_queue", "pattern_states"]


def main(binary, playc):
    signals = os.path.join(HERE, "signals.ndjson")
    context_file = os.path.join(HERE, "context.json")
    run = subprocess.run([playc, "run", HERE, "--signals", signals, "--context", context_file],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, (run.returncode, run.stderr)
    want = [l for l in run.stdout.splitlines() if json.loads(l).get("kind") == "action"]
    lines = [l for l in open(signals, "rb").read().splitlines() if l.strip()]
    half = len(lines) // 2

    cluster = Cluster()
    pd = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data = tmp + "/data"
            outbox = os.path.join(data, "outbox.ndjson")
            plays = os.path.join(tmp, "plays")
            shutil.copytree(HERE, plays)

            def delivered():
                return open(outbox).read().splitlines() if os.path.exists(outbox) else []

            pd = Playd(binary, data, plays=plays).start()
            load_context(pd, context_file)
            status, body = pd.request("POST", "/v1/signals", b"\n".join(lines[:half]) + b"\n")
            assert status == 200, (status, body)
            wait_for(lambda: evaluated(pd, json.loads(lines[half - 1])["id"]), what="the first half evaluated")
            # The file sink writes after the evaluation commits: its first line may lag.
            wait_for(lambda: delivered(), what="the first half fired something")
            first = delivered()

            def migrate(*extra):
                return subprocess.run([binary, "migrate", "--from", data, "--store", cluster.url, *extra],
                                      capture_output=True, text=True, timeout=120)

            busy = migrate()
            assert busy.returncode == 2 and "in use by another playd" in busy.stderr, busy.stderr
            assert pd.stop() == 0, pd.stderr()

            moved = migrate()
            assert moved.returncode == 0, moved.stderr
            db = sqlite3.connect(os.path.join(data, "playd.db"))
            for t in TABLES:
                embedded = db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                copied = int(cluster.query(f"SELECT COUNT(*) FROM {t}")[0][0])
                assert embedded == copied, f"{t}: {embedded} rows embedded, {copied} on PostgreSQL"
            states = db.execute("SELECT play, pattern, per_key, hex(state) FROM pattern_states ORDER BY 1, 2, 3").fetchall()
            assert states, "the first half left temporal windows open"
            pg_states = cluster.query("SELECT play, pattern, per_key, upper(encode(state, 'hex')) FROM pattern_states "
                                      "ORDER BY 1, 2, 3")
            assert [[p, str(h), k, s] for p, h, k, s in states] == pg_states, "pattern states differ"
            ledger = db.execute("SELECT play, per_key, last_fired_ms FROM ledger ORDER BY 1, 2").fetchall()
            assert [[p, k, str(t)] for p, k, t in ledger] == cluster.query(
                "SELECT play, per_key, last_fired_ms FROM ledger ORDER BY 1, 2")
            db.close()
            again = migrate()
            assert again.returncode == 2 and "already holds data" in again.stderr, again.stderr

            pd.start_args = ["--store", cluster.url]
            pd.start()
            status, body = pd.request("POST", "/v1/signals", b"\n".join(lines[half:]) + b"\n")
            assert status == 200, (status, body)
            repeat = json.loads(lines[0])["id"]
            status, body = pd.request("POST", "/v1/signals", lines[0])
            assert status == 200 and json.loads(body).get("duplicates") == 1, (status, body)
            wait_for(lambda: evaluated(pd, json.loads(lines[-1])["id"]), what="the second half evaluated on PostgreSQL")
            wait_for(lambda: len(delivered()) >= len(want), what=f"{len(want)} actions delivered")
            got = delivered()
            missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
            assert not missing and not extra, f"missing {list(missing)}\nextra {list(extra)}"
            keys = [json.loads(l)["key"] for l in got]
            assert len(keys) == len(set(keys)), "a key delivered twice"
            _, trace = pd.request("GET", f"/v1/signals/{repeat}/trace")
            assert '"status":"evaluated"' in trace, trace  # its trace moved with it
            assert pd.stop() == 0, pd.stderr()
            print(f"migrate: ok: {half} signals embedded, {len(lines) - half} on PostgreSQL after the copy; "
                  f"{len(got)} actions identical to playc run ({len(first)} before the move); "
                  f"{len(states)} open windows moved; {moved.stdout.strip()}")
    finally:
        if pd and pd.proc and pd.proc.poll() is None:
            pd.proc.kill()
        cluster.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
