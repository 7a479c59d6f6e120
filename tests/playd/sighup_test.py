"""SIGHUP does not stop playd: it reloads the plays (unchanged here), logs it
and keeps serving -- /healthz answers, signals are still taken and their
actions delivered -- and a later SIGTERM drains normally (exit 0)."""
import json
import signal
import sys
import tempfile
import time

from playd_harness import Playd, demo_signal, setup_context, wait_for

IGNORED = "playd: reload (SIGHUP): plays unchanged"


def outbox_keys(data):
    try:
        with open(data + "/outbox.ndjson") as f:
            return {json.loads(l)["key"] for l in f if l.strip()}
    except FileNotFoundError:
        return set()


def main(binary):
    with tempfile.TemporaryDirectory() as tmp:
        data = tmp + "/data"
        pd = Playd(binary, data).start()
        try:
            setup_context(pd)
            status, body = pd.request("POST", "/v1/signals", demo_signal(0))
            assert status == 200, (status, body)
            for n in (1, 2):  # twice: the second must find playd as the first left it
                pd.proc.send_signal(signal.SIGHUP)
                wait_for(lambda: pd.stderr().count(IGNORED) >= n or pd.proc.poll() is not None, 10,
                         f"SIGHUP {n} logged")
                time.sleep(0.2)
                assert pd.proc.poll() is None, f"playd exited on SIGHUP ({pd.proc.returncode}):\n" + pd.stderr()
                status, body = pd.request("GET", "/healthz")
                assert status == 200, (status, body)
            # Still ingesting and delivering after the SIGHUPs.
            status, body = pd.request("POST", "/v1/signals", demo_signal(1))
            assert status == 200, (status, body)
            wait_for(lambda: len(outbox_keys(data)) == 4, 30, "both signals' actions in the outbox")
            rc = pd.stop()
            log = pd.stderr()
            assert rc == 0, (rc, log)
            assert "SIGTERM: draining" in log and "playd: stopped" in log, log
        finally:
            if pd.proc and pd.proc.poll() is None:
                pd.proc.kill()
    print("sighup: ok")


if __name__ == "__main__":
    main(sys.argv[1])
