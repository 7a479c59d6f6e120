"""A reload on one node replaces the play set of every node on the same
PostgreSQL store (docs/operations.md, "PostgreSQL"). Two nodes start with
the same plays from their own directories; node 1's file is changed and
node 1 reloaded; node 2's files stay as they were. From the reload's answer
on, every signal -- sent to node 2, claimed by either node -- is evaluated
with the new set: its recorded play set is the new version and its action
carries the new text, in either node's outbox. Then node 1 stops and node 2
alone evaluates more, still with the new set it took from the store."""
import json
import os
import sys
import tempfile

from pg_cluster import Cluster
from playd_harness import Playd, wait_for

PLAY = """play hello {
  title "Hello"
  owner "revops@acme.com"
  oncall "#gtm-oncall"
  runbook "https://wiki.acme.com/hello"
  on website.page_viewed
  do notify(channel: "#revops", text: "VERSION {signal.id}")
}
"""


def visit(i):
    return {"id": f"v{i}", "type": "website.page_viewed", "account": f"a{i % 7}.com",
            "occurred_at": "2026-06-21T10:00:00Z", "properties": {"url": "/p"}}


def main(binary):
    cluster = Cluster()
    nodes = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            def node(name):
                plays = os.path.join(tmp, name + "_plays")
                os.makedirs(plays)
                open(os.path.join(plays, "hello.play"), "w").write(PLAY.replace("VERSION", "v1"))
                pd = Playd(binary, os.path.join(tmp, name), plays=plays)
                pd.start_args = ["--store", f"{cluster.url}&playd_node={name}"]
                nodes.append(pd)
                return pd.start()

            n1, n2 = node("n1"), node("n2")

            def outbox_texts():
                texts = {}
                for pd in nodes:
                    path = os.path.join(pd.data, "outbox.ndjson")
                    if os.path.exists(path):
                        for line in open(path).read().splitlines():
                            a = json.loads(line)
                            texts[a["signal"]] = a["args"]["text"]
                return texts

            def send(pd, ids):
                for b in range(0, len(ids), 20):
                    status, body = pd.request("POST", "/v1/signals", [visit(i) for i in ids[b:b + 20]])
                    assert status == 200, (status, body)

            before = list(range(0, 100))
            send(n2, before)
            wait_for(lambda: len(outbox_texts()) == len(before), what="the first signals delivered")
            assert all(outbox_texts()[f"v{i}"] == f"v1 v{i}" for i in before)
            old = cluster.query("SELECT DISTINCT play_set FROM signals")
            assert len(old) == 1, old

            open(os.path.join(n1.plays, "hello.play"), "w").write(PLAY.replace("VERSION", "v2"))
            status, body = n1.request("POST", "/v1/admin/reload", b"", timeout=60)
            assert status == 200 and json.loads(body).get("reloaded") is True, (status, body)
            new = json.loads(body)["play_set"]
            assert new != old[0][0]

            during = list(range(100, 600))
            send(n2, during)
            wait_for(lambda: len(outbox_texts()) == len(before) + len(during), what="the signals after the reload")
            texts = outbox_texts()
            stale = [i for i in during if texts[f"v{i}"] != f"v2 v{i}"]
            assert not stale, f"{len(stale)} signals evaluated with the replaced set after the reload: {stale[:5]}"
            sets = cluster.query("SELECT DISTINCT play_set FROM signals WHERE id IN (%s)" %
                                 ",".join(f"'v{i}'" for i in during))
            assert sets == [[new]], sets
            owners = dict(cluster.query("SELECT owner, count(*) FROM actions WHERE signal_id IN (%s) GROUP BY owner" %
                                        ",".join(f"'v{i}'" for i in during)))
            assert owners.get("n2"), f"node 2 evaluated none after the reload: {owners}"
            assert "from the store" in n2.stderr(), n2.stderr()

            assert n1.stop() == 0, n1.stderr()
            after = list(range(600, 700))
            send(n2, after)
            wait_for(lambda: len(outbox_texts()) == len(before) + len(during) + len(after), what="node 2 alone")
            texts = outbox_texts()
            assert all(texts[f"v{i}"] == f"v2 v{i}" for i in after)
            status, body = n2.request("GET", "/healthz")
            assert new in body, body
            assert n2.stop() == 0, n2.stderr()
            print(f"postgres reload: ok: {len(during)} signals after a reload on node 1 all evaluated with its set "
                  f"(node 2 evaluated {owners.get('n2')} of them, node 1 {owners.get('n1', 0)}); node 2 alone "
                  f"{len(after)} more with it")
    finally:
        for pd in nodes:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
        cluster.stop()


if __name__ == "__main__":
    main(sys.argv[1])
