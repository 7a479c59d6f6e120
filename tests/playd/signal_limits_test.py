"""Per-signal limits and bounded error replies (issue 7, item 13), against a
real playd on loopback.

- A signal larger than server.max_signal_bytes (32 KB, as Segment's) or with
  an id longer than server.max_id_bytes (256 bytes) is refused as an item
  error; the other items of the batch are still taken. A 9 MB id never
  becomes a dedup key.
- Error replies are bounded: at most 100 item errors are listed, then
  "more_errors" counts the rest; values quoted in errors are truncated. A
  3 MB body of `{}` lines got a 97.8 MB reply before."""
import json
import sqlite3
import sys
import tempfile
import time

from playd_harness import Playd

NOW = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def trial(sid, **props):
    return {"id": sid, "type": "product.trial_started", "occurred_at": NOW, "properties": props}


def main(binary):
    results = []

    def check(ok, what, detail=""):
        results.append(ok)
        print(("ok   " if ok else "FAIL ") + what + ("" if ok else f"\n       {str(detail)[:1500]}"))

    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data").start()
        try:
            st, body = pd.request("POST", "/v1/signals", [trial("x" * 9_000_000), trial("ok1")], timeout=120)
            j = json.loads(body)
            check(st == 400 and j.get("accepted") == 1 and len(body) < 1000 and
                  j["items"][0]["error"] == "id: longer than 256 bytes",
                  "a 9 MB id is an item error, the other item is taken", (st, len(body), body[:300]))
            db = sqlite3.connect(f"file:{tmp}/data/playd.db?mode=ro", uri=True)
            longest = db.execute("SELECT max(length(id)) FROM seen_signals").fetchone()[0]
            db.close()
            check(longest is not None and longest <= 256, "no long id became a dedup key", longest)

            st, body = pd.request("POST", "/v1/signals", [trial("big", plan="p" * 40_000), trial("ok2")])
            j = json.loads(body)
            check(st == 400 and j.get("accepted") == 1 and
                  j["items"][0]["error"].startswith("signal larger than 32768 bytes"),
                  "a 40 KB signal is an item error, the other item is taken", body[:300])

            t0 = time.time()
            st, body = pd.request("POST", "/v1/signals", b"{}\n" * 1_000_000, timeout=300,
                                  headers={"Content-Type": "application/x-ndjson"})
            j = json.loads(body)
            print(f"3 MB of `{{}}` lines: status {st}, reply {len(body)} bytes, {time.time() - t0:.1f} s")
            check(st == 400 and len(j.get("items", [])) == 100 and j.get("more_errors") == 999_900 and
                  len(body) < 20_000, "1,000,000 bad items: 100 listed, the rest counted, a small reply",
                  (st, len(body), body[:300]))

            st, body = pd.request("POST", "/v1/signals", [{**trial("t1"), "type": "nope." + "y" * 100_000}])
            check(st == 400 and len(body) < 1000, "a long quoted value is truncated in the error",
                  (st, len(body), body[:300]))
            st, body = pd.request("PUT", "/v1/contacts/" + "z" * 5000 + "@x.com", {"title": "CTO"})
            check(st == 400 and len(body) < 1000, "a context key longer than max_id_bytes is refused",
                  (st, len(body), body[:300]))
            st, _ = pd.request("GET", "/healthz")
            check(st == 200, "playd is still up")
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
    failed = results.count(False)
    print(f"signal limits: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1])
