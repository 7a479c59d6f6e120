"""One playd per data directory. Two processes on one embedded store both
started and delivered almost every action twice (39,813 of 40,000 in an
outside run). The second must refuse to start, naming the holder's pid, and
a kill -9 of the holder must not leave a stale lock behind."""
import subprocess
import sys
import tempfile

from playd_harness import PLAYS, Playd


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        data = tmp + "/data"
        first = Playd(binary, data).start()
        try:
            second = subprocess.run([binary, "serve", "--plays", PLAYS, "--data", data, "--listen", "127.0.0.1:0"],
                                    capture_output=True, text=True, timeout=30)
            assert second.returncode == 2, (second.returncode, second.stderr)
            assert f"pid {first.proc.pid}" in second.stderr and "in use by another playd" in second.stderr, \
                second.stderr
            assert first.base in second.stderr, "the message should name the holder's URL too"
            status, _ = first.request("GET", "/healthz")
            assert status == 200, "the holder keeps running"
            # kill -9 releases the lock (the kernel drops the flock): a restart is not blocked.
            first.kill9()
            first.start()
            status, _ = first.request("GET", "/healthz")
            assert status == 200
            assert first.stop() == 0
        finally:
            if first.proc and first.proc.poll() is None:
                first.proc.kill()
    print("store lock: ok")


if __name__ == "__main__":
    main(sys.argv[1])
