"""Running out of file descriptors (issue 7, item 9).

playd starts with RLIMIT_NOFILE = 64; clients open connections until accept()
fails with EMFILE and keep them open. While exhausted, playd must not spin
(it used ~100% of a core): it backs off, logs the episode once, counts it in
playd_http_accept_errors_total, and sheds the connections waiting in the
backlog (accepted on a reserve descriptor and answered 503) instead of leaving
them hanging. Once the clients close, /healthz answers again."""
import resource
import socket
import sys
import tempfile
import time

from playd_harness import Playd, statuses, wait_for

LIMIT = 64


def limit_fds():
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", preexec_fn=limit_fds).start()
        held = []
        try:
            # More connections than the process has descriptors: the last
            # ones wait in the listen backlog (connect() still succeeds).
            for _ in range(LIMIT + 16):
                held.append(socket.create_connection(("127.0.0.1", pd.port), timeout=5))
            cpu0, t0 = pd.cpu_seconds(), time.time()
            time.sleep(3)
            used = (pd.cpu_seconds() - cpu0) / (time.time() - t0)
            print(f"CPU while out of descriptors: {used * 100:.1f}% of a core over 3 s")
            # The spinning accept loop used ~100%; backing off uses ~0.
            assert used < 0.30, f"playd used {used * 100:.0f}% of a core while out of descriptors"
            # A client in the backlog while playd is out of descriptors is
            # answered (503, or at least closed) rather than left hanging.
            late = socket.create_connection(("127.0.0.1", pd.port), timeout=5)
            late.sendall(b"GET /healthz HTTP/1.1\r\nHost: playd\r\n\r\n")
            try:
                got = late.recv(65536)
            except socket.timeout:
                got = None
            except ConnectionResetError:
                got = b""
            late.close()
            print(f"a connection past the limit got: {got!r}"[:200])
            assert got is not None, "a connection past the descriptor limit hung in the backlog"
            assert got == b"" or statuses(got) == [503], got

        finally:
            for s in held:
                s.close()
        try:
            def healthy():
                try:
                    status, _ = pd.request("GET", "/healthz", timeout=2)
                    return status == 200
                except OSError:
                    return False

            wait_for(healthy, 15, "/healthz once the clients closed")
            _, metrics = pd.request("GET", "/metrics")
            errors = [l for l in metrics.splitlines() if l.startswith("playd_http_accept_errors_total ")]
            assert errors and int(errors[0].split()[1]) > 0, "playd_http_accept_errors_total not counted"
            log = pd.stderr()
            lines = [l for l in log.splitlines() if "accept" in l and "Too many open files" in l]
            print(f"log: {lines[:2]}; {errors[0]}")
            assert lines, log
            assert len(lines) <= 3, f"the episode was logged {len(lines)} times (rate limit)"
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
    print("fd exhaustion: ok")


if __name__ == "__main__":
    main(sys.argv[1])
