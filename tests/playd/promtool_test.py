"""`promtool check metrics` (Prometheus' own linter, Debian `prometheus`)
passes on playd's /metrics once every family has series: signals
evaluated, actions delivered and retried (per-play latency histograms with
buckets up to 24 h, clean `le` labels), an SLA gauge, an alert firing and
alert notifications sent."""
import json
import shutil
import subprocess
import sys
import tempfile

from playd_harness import Playd, Sink, demo_signal, setup_context, wait_for

from alerts_test import Receiver


def main(binary):
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: scripts/install-deps.sh installs it (Debian package prometheus)"
    crm, chat, receiver = Sink(plan=[(500, {})]), Sink(), Receiver()
    config = f"""
[execution]
retry_schedule = ["1m"]

[sinks.crm]
kind = "http"
url = "{crm.url}"

[sinks.chat]
kind = "http"
url = "{chat.url}"

[alerts]
undelivered_after = "30s"

[alert_sinks.chat]
kind = "slack"
url = "{receiver.url}slack"
"""
    with tempfile.TemporaryDirectory() as tmp:
        pd = Playd(binary, tmp + "/data", config)
        pd.start_args = ["--simulated-clock"]
        pd.start()
        try:
            pd.request("POST", "/v1/admin/clock", {"now": "2026-06-20T10:00:00Z"})
            setup_context(pd)
            status, body = pd.request("POST", "/v1/signals", [demo_signal(i) for i in range(1, 6)])
            assert status == 200, (status, body)
            wait_for(lambda: len(crm.received) >= 5, 20, "the sends")
            # One crm send failed: it waits a minute, undelivered past 30 s.
            pd.request("POST", "/v1/admin/clock", {"now": "2026-06-20T10:00:45Z"})
            wait_for(lambda: any(a["state"] == "firing" for a in
                                 json.loads(pd.request("GET", "/v1/alerts")[1])["alerts"]), 10, "an alert")
            wait_for(lambda: receiver.bodies("/slack"), 10, "the alert notification")
            pd.request("POST", "/v1/admin/clock", {"now": "2026-06-20T10:02:00Z"})
            wait_for(lambda: len(crm.delivered()) >= 5, 20, "the retry")
            status, text = pd.request("GET", "/metrics")
            assert status == 200, status
            for family in ("playd_play_signal_to_action_seconds_bucket", "playd_play_sla_seconds",
                           'playd_alert_firing{rule="undelivered",play="demo_request"} 1',
                           "playd_alert_notifications_total"):
                assert family in text, family + " missing from /metrics"
            check = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True)
            assert check.returncode == 0, (check.returncode, check.stdout.decode() + check.stderr.decode())
            assert pd.stop() == 0
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            crm.close()
            chat.close()
            receiver.close()
    print("promtool: ok")


if __name__ == "__main__":
    main(sys.argv[1])
