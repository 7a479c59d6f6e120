"""A damaged store is refused at start with a clear message, instead of
starting, saying healthy, acknowledging signals and then dying at the first
commit (and crash-looping). The damage is real: pages of the outcomes table
overwritten in the database file."""
import os
import sqlite3
import subprocess
import sys
import tempfile

from playd_harness import PLAYS, Playd, demo_signal, setup_context, wait_for


def corrupt_table(db_path, table):
    """Overwrites the b-tree pages of `table` (not page 1, so the file still opens)."""
    con = sqlite3.connect(db_path)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    con.close()
    with open(db_path, "r+b") as f:
        for page in range(root, min(pages, root + 8) + 1):
            f.seek((page - 1) * page_size)
            f.write(bytes([0xA5]) * page_size)


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        data = tmp + "/data"
        pd = Playd(binary, data).start()
        try:
            setup_context(pd)
            status, _ = pd.request("POST", "/v1/signals", [demo_signal(i) for i in range(2000)])
            assert status == 200
            wait_for(lambda: '"status":"evaluated"' in pd.request("GET", "/v1/signals/evt_1999/trace")[1], 30,
                     "signals evaluated")
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
        db = os.path.join(data, "playd.db")
        assert not os.path.exists(db + "-wal") or os.path.getsize(db + "-wal") == 0, "checkpointed at stop"
        corrupt_table(db, "outcomes")
        out = subprocess.run([binary, "serve", "--plays", PLAYS, "--data", data, "--listen", "127.0.0.1:0"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 2, (out.returncode, out.stderr)
        assert "is damaged" in out.stderr and "Recovering a damaged store" in out.stderr, out.stderr
        assert "listening" not in out.stderr, "it must not start, so nothing is acknowledged into a damaged store"
    print("corrupt store: ok")


if __name__ == "__main__":
    main(sys.argv[1])
