"""Temporal triggers (docs/language.md section 12) through a real playd give
the same actions as `playc run` on the same signal file, across kill -9.

tests/plays/temporal has count windows and an `all of` per account, and a
count per contact; signals.ndjson (276 lines over 12 accounts) has late
signals (within and beyond the lateness), repeated ids and signals that
complete patterns on top of icp, suppression and `unless fired within`.

playd starts on those plays with no config (the file outbox), gets the
context over HTTP, then the first half of the signals in one NDJSON POST;
once they are evaluated its plays are reloaded with new titles (the patterns
unchanged: their windows must carry over the reload) and it gets the third
quarter; then it is killed with SIGKILL and restarted (the windows must come
back from the store), gets the last quarter, is killed again right after
the acknowledgement (evaluation may be anywhere: a batch either
committed with its pattern states or is evaluated again from the committed
ones), and restarted. The outbox must then hold exactly `playc run`'s
actions, each key once: no signal counted twice, none lost.

Then a reload that changes a pattern (count >= 3 to >= 2) starts its
windows afresh, and the old pattern's states leave the store.

With `postgres` as third argument, the same on the PostgreSQL store (a
throwaway cluster, pg_cluster.py; ctest playd_temporal_postgres)."""
import datetime
import json
import os
import sqlite3
import sys
import tempfile
from collections import Counter

from playd_harness import Playd, REPO, evaluated, replay_file, wait_for

HERE = os.path.join(REPO, "tests", "plays", "temporal")


def main(binary, playc, store=None):
    def late_is_counted_apart(pd, lines):
        # A late signal is counted apart in the metrics: a pricing visit 3h
        # before the newest one an account had (the lateness is 1h).
        newest = {}
        for l in lines:
            e = json.loads(l)
            if e["type"] == "website.page_viewed" and e["properties"].get("category") == "pricing":
                newest[e["account"]] = max(newest.get(e["account"], ""), e["occurred_at"])
        account, at = sorted(newest.items())[0]
        late_at = datetime.datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ") - datetime.timedelta(hours=3)
        late = {"id": "late-1", "type": "website.page_viewed", "occurred_at": late_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "account": account, "properties": {"url": "https://acme.com/pricing", "category": "pricing"}}
        status, body = pd.request("POST", "/v1/signals", late)
        assert status == 200, (status, body)
        wait_for(lambda: evaluated(pd, late["id"]), what="the late signal evaluated")
        _, trace = pd.request("GET", "/v1/signals/late-1/trace")
        assert "not counted: late" in trace, trace
        # The metrics are counted just after the commit the trace shows: wait for them.
        late_line = 'playd_play_outcomes_total{play="pricing_burst",outcome="no_match",reason="late"} 1'
        wait_for(lambda: late_line in pd.request("GET", "/metrics")[1], what="the late signal's metric")

    with tempfile.TemporaryDirectory() as tmp:
        run, lines, want, got = replay_file(binary, playc, HERE, "temporal.play", tmp, store=store,
                                            while_running=late_is_counted_apart)
    plays = Counter(json.loads(l)["play"] for l in want)
    assert len(plays) == 3, f"every play fires in the file: {plays}"
    assert "late signal" in run.stderr, run.stderr
    print(f"temporal triggers over HTTP, reloaded once and killed twice: {len(lines)} signals, {len(got)} actions "
          f"identical to playc run ({dict(plays)})")


CHANGED_PLAY = """play burst {
  title "Burst"
  owner "revops@acme.com"
  oncall "#gtm-oncall"
  runbook "https://wiki.acme.com/burst"
  on count(website.page_viewed) >= N within 48h per account
  do notify(channel: "#revops", text: "burst {signal.id}")
}
"""


def changed_pattern_starts_afresh(binary, store=None, count_patterns=None):
    """A reload that changes a pattern (>= 3 to >= 2) starts its windows
    from nothing: two visits counted by the old pattern do not count for the
    new one; and the old pattern's states are dropped from the store."""
    with tempfile.TemporaryDirectory() as tmp:
        plays_dir = os.path.join(tmp, "plays")
        os.makedirs(plays_dir)
        play_file = os.path.join(plays_dir, "burst.play")
        open(play_file, "w").write(CHANGED_PLAY.replace("N", "3"))
        pd = Playd(binary, tmp + "/data", plays=plays_dir)
        pd.start_args = ["--store", store] if store else []
        pd.start()
        try:
            def visit(i, minutes):
                e = {"id": f"v{i}", "type": "website.page_viewed", "account": "bigco.com",
                     "occurred_at": f"2026-06-21T10:{minutes:02d}:00Z", "properties": {"url": "/p"}}
                status, body = pd.request("POST", "/v1/signals", e)
                assert status == 200, (status, body)
                wait_for(lambda: '"status":"evaluated"' in pd.request("GET", f"/v1/signals/v{i}/trace")[1],
                         what=f"v{i} evaluated")
                return json.loads(pd.request("GET", f"/v1/signals/v{i}/trace")[1])["plays"][0]

            assert "counted 1 of 3" in visit(1, 0)["reason"]
            assert "counted 2 of 3" in visit(2, 1)["reason"]
            open(play_file, "w").write(CHANGED_PLAY.replace("N", "2"))
            status, body = pd.request("POST", "/v1/admin/reload", b"", timeout=60)
            assert status == 200 and json.loads(body).get("reloaded") is True, (status, body)
            third = visit(3, 2)
            assert third["outcome"] == "no_match" and "counted 1 of 2" in third["reason"], third
            assert visit(4, 3)["outcome"] == "fired"
            assert pd.stop() == 0
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
        sql = "SELECT COUNT(DISTINCT pattern) FROM pattern_states WHERE play = 'burst'"
        if count_patterns:
            patterns = int(count_patterns(sql))
        else:
            patterns = sqlite3.connect(os.path.join(tmp, "data", "playd.db")).execute(sql).fetchone()[0]
        assert patterns == 1, f"the old pattern's state was purged at the reload: {patterns} patterns stored"
    print("a changed pattern starts afresh over a reload, and its old states are dropped")


if __name__ == "__main__":
    if sys.argv[3:] == ["postgres"]:
        from pg_cluster import Cluster
        cluster = Cluster()
        try:
            main(sys.argv[1], sys.argv[2], cluster.url)
            changed_pattern_starts_afresh(sys.argv[1], cluster.database("changed"),
                                          lambda sql: cluster.query(sql, "changed")[0][0])
        finally:
            cluster.stop()
    else:
        main(sys.argv[1], sys.argv[2])
        changed_pattern_starts_afresh(sys.argv[1])
