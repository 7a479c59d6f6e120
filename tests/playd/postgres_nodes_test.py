"""Three playd processes (nodes) on one PostgreSQL database (a throwaway
cluster, pg_cluster.py). Signals are sent to every node in turn; one node is
killed with -9 in the middle; the client resends a batch it got no answer
for to a live node before it sends the next (a client's retry). What a dead
node held -- its claimed signals and its open actions -- is taken over by
the live nodes once it has been silent for 10 s (docs/operations.md,
"PostgreSQL").

The signals: 300 contacts over 12 accounts, ten rounds 8 hours apart in
event time, so `unless fired within 1d` (demo_request, per contact) fires a
contact's rounds 0, 3, 6 and 9 and deduplicates the others -- but only if
each account's signals are evaluated in order and no two nodes fire for one
contact inside the day. Every fire rotates round_robin(ent_sdrs).

Accounted from real data, not inferred: the sink's log (each idempotency
key's effect once, and exactly the expected keys; a raw repeat only for a
key first sent before the kill, an in-flight send the victim never recorded)
and the database (every acknowledged signal evaluated exactly once; each
account's signals evaluated in arrival order; per contact, fires at least a
day apart in event time; the pool's cursor equal to the number of fires)."""
import datetime
import sys
import tempfile
import threading
import time

from pg_cluster import Cluster
from playd_harness import IdempotentSink, Playd, action_key

ROUNDS, CONTACTS, ACCOUNTS, BATCH, NODES = 10, 300, 12, 50, 3
N = ROUNDS * CONTACTS
CONCURRENCY = 4
DAY_MS = 86400 * 1000
BASE = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)


def config(url):
    return f"""
[execution]
retry_schedule = ["100ms", "200ms", "400ms"]
max_attempts = 20

[sinks.crm]
kind = "http"
url = "{url}"
concurrency = {CONCURRENCY}

[sinks.chat]
kind = "http"
url = "{url}"
concurrency = {CONCURRENCY}
"""


def signal(i):
    """Round i // CONTACTS of contact i % CONTACTS, 8 hours of event time after the previous round."""
    c = i % CONTACTS
    at = BASE + datetime.timedelta(hours=8 * (i // CONTACTS))
    return {"id": f"evt_{i}", "type": "website.form_submitted", "occurred_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "account": f"acct{c % ACCOUNTS}.com", "contact": f"c{c}@acct{c % ACCOUNTS}.com",
            "properties": {"form": "demo_request"}}


def fires(i):
    return (i // CONTACTS) % 3 == 0  # rounds 0, 3, 6, 9: a day apart


def main(binary):
    started = time.time()
    sink = IdempotentSink()
    cluster = Cluster()
    nodes = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            def node(name):
                pd = Playd(binary, f"{tmp}/{name}", config(sink.url))
                pd.start_args = ["--store", f"{cluster.url}&playd_node={name}"]
                nodes.append(pd)
                return pd.start()

            live = [node(f"n{i + 1}") for i in range(NODES)]
            for a in range(ACCOUNTS):
                status, body = live[a % NODES].request(
                    "PUT", f"/v1/accounts/acct{a}.com",
                    {"name": f"Acct {a}", "employees": 5000, "industry": "software", "country": "US"})
                assert status == 200, (status, body)
            victim = live[-1]
            batches = [[signal(i) for i in range(b, min(N, b + BATCH))] for b in range(0, N, BATCH)]
            killed_at = []
            acked, resent = set(), 0

            def kill():
                victim.kill9()
                killed_at.append(time.time())

            killer = None
            for n, batch in enumerate(batches):
                if n == len(batches) // 2:
                    killer = threading.Thread(target=kill)
                    killer.start()
                for attempt in range(NODES):  # the client's retries, each to the next node
                    target = live[(n + attempt) % NODES]
                    try:
                        status, _ = target.request("POST", "/v1/signals", batch, timeout=10)
                    except Exception:
                        status = 0
                    if status == 200:
                        acked.update(s["id"] for s in batch)
                        break
                    resent += 1
                else:
                    raise AssertionError(f"batch {n} was refused by every node")
            if killer:
                killer.join()
            assert len(acked) == N
            survivors = [pd for pd in live if pd is not victim]

            want = {action_key("demo_request", f"evt_{i}", k) for i in range(N) if fires(i) for k in (0, 1)}
            deadline = time.time() + 120  # the victim is found dead after 10 s
            while len(sink.effects) < len(want) and time.time() < deadline:
                time.sleep(0.2)
            for pd in survivors:  # everything decided and delivered: nothing more can reach the sink
                assert pd.stop() == 0, pd.stderr()
            with sink.lock:
                effects, raw, first_at = list(sink.effects), dict(sink.raw), dict(sink.first_at)

            # The sink: exactly the expected keys, each with one effect.
            missing, extra = want - set(effects), set(effects) - want
            assert not missing and not extra, f"{len(missing)} missing, {len(extra)} extra keys"
            assert len(effects) == len(set(effects))
            repeated = [k for k, n in raw.items() if n > 1]
            late = [k for k in repeated if first_at[k] >= killed_at[0]]
            assert not late, f"{len(late)} keys sent twice that were not in flight at the kill"

            # The database: every acknowledged signal evaluated, once.
            evaluated = cluster.query("SELECT id, count(*) FROM signals WHERE evaluated_at_ms IS NOT NULL GROUP BY id")
            assert {r[0] for r in evaluated} == acked, "acknowledged signals lost"
            twice = cluster.query("SELECT id FROM signals GROUP BY id HAVING count(*) > 1")
            assert not twice, f"signals stored twice: {twice[:5]}"
            decided = cluster.query(
                "SELECT signal_id, count(*) FROM outcomes WHERE play = 'demo_request' GROUP BY signal_id")
            assert len(decided) == N and all(r[1] == "1" for r in decided), "a signal decided twice or never"

            # Per-account order: outcomes are numbered in commit order, and one
            # account's batches commit one after another.
            rows = cluster.query(
                "SELECT s.account_key, s.seq FROM signals s JOIN outcomes o ON o.signal_id = s.id "
                "WHERE o.play = 'demo_request' ORDER BY s.account_key, o.n")
            out_of_order, last = 0, {}
            for account, seq in rows:
                if int(seq) < last.get(account, -1):
                    out_of_order += 1
                last[account] = int(seq)
            assert len(last) == ACCOUNTS and out_of_order == 0, f"{out_of_order} signals evaluated out of order"

            # `fired within 1d` per contact: fires at least a day apart in event time.
            tasks = cluster.query(
                "SELECT contact, occurred_at_ms FROM actions WHERE play = 'demo_request' AND action = 'task' "
                "ORDER BY contact, occurred_at_ms")
            violations, prev = 0, {}
            for contact, at in tasks:
                if contact in prev and int(at) - prev[contact] < DAY_MS:
                    violations += 1
                prev[contact] = int(at)
            assert len(tasks) == len(want) // 2 and violations == 0, f"{violations} fired-within violations"
            # Round-robin: each fire took the next rep, none twice the same turn.
            cursor = cluster.query("SELECT cursor FROM round_robin WHERE pool = 'ent_sdrs'")
            assert cursor == [[str(len(tasks))]], (cursor, len(tasks))

            took_over = sum("took over" in pd.stderr() for pd in survivors)
            print(f"postgres_nodes: ok in {time.time() - started:.1f}s: {N} signals on {NODES} nodes, one killed "
                  f"with -9; {resent} batch sends resent; {len(effects)} effects, {len(repeated)} keys repeated "
                  f"raw (in flight at the kill, absorbed by Idempotency-Key); {len(tasks)} fires, 0 within a day; "
                  f"{ACCOUNTS} accounts in order; {took_over} nodes took over the victim's open actions")
    finally:
        for pd in nodes:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
        sink.close()
        cluster.stop()


if __name__ == "__main__":
    main(sys.argv[1])
