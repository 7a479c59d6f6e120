"""An http sink with a body_template posts the template filled with the
action's values, JSON-escaped (a hostile contact name cannot break out of
its string), with a header whose value comes from the environment; a bad
template is refused at start (exit 2) with a clear message."""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

from playd_harness import Playd, serve, wait_for

KEY = "k-e2e-HEADERSECRET"

PLAY = """
play hot_lead {
  owner "revops@acme.com"
  on website.page_viewed
  do task(subject: "Call {contact.name}", owner: "sam@acme.com")
}
"""

TEMPLATE = ('{"summary": "{action.play}: {action.args.subject}", "owner": "{action.args.owner}", '
            '"who": "{action.contact}", "account": "{action.account}", "signal": "{action.signal}", '
            '"kind": "{action.action}", "external_id": "{action.key}"}')


def main(binary):
    lock = threading.Lock()
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                received.append((self.path, dict(self.headers), raw))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *a):
            pass

    server, url = serve(Handler)
    os.environ["PLAYD_TEST_HOOK_KEY"] = KEY
    with tempfile.TemporaryDirectory() as tmp:
        plays = tmp + "/plays"
        os.makedirs(plays)
        with open(plays + "/hot.play", "w") as f:
            f.write(PLAY)
        config = f"""
[sinks.crm]
kind = "http"
url = "{url}tasks"
body_template = '{TEMPLATE}'
header_env = {{"X-Api-Key" = "PLAYD_TEST_HOOK_KEY"}}
"""
        pd = Playd(binary, tmp + "/data", config, plays=plays).start()
        try:
            status, body = pd.request("PUT", "/v1/contacts/eve@bigco.com", {"name": 'Eve "the" \\ <Boss>'})
            assert status == 200, body
            status, body = pd.request("POST", "/v1/signals", {
                "id": "e1", "type": "website.page_viewed", "occurred_at": "2026-06-21T10:00:00Z",
                "account": "bigco.com", "contact": "eve@bigco.com",
                "properties": {"category": "docs", "url": "https://x.io/"}})
            assert status == 200, body
            wait_for(lambda: len(received) == 1, 30, "the task posted")
            path, headers, raw = received[0]
            assert path == "/tasks", path
            assert headers.get("X-Api-Key") == KEY, headers
            assert headers.get("Idempotency-Key"), headers
            doc = json.loads(raw)
            assert doc == {
                "summary": 'hot_lead: Call Eve "the" \\ <Boss>', "owner": "sam@acme.com", "who": "eve@bigco.com",
                "account": "bigco.com", "signal": "e1", "kind": "task",
                "external_id": headers["Idempotency-Key"]}, doc
            assert pd.stop() == 0
            assert KEY not in pd.stderr()
        finally:
            if pd.proc.poll() is None:
                pd.proc.kill()
            server.shutdown()

        # Refused at start: an unknown placeholder, a template that is not JSON, an unset variable.
        for bad, want in [
            ("body_template = '{\"a\": \"{action.owner}\"}'", "unknown placeholder {action.owner}"),
            ("body_template = '{\"a\": {action.play}}'", "not valid JSON"),
            ('header_env = {"X-Api-Key" = "PLAYD_TEST_UNSET_VAR"}',
             "the environment variable PLAYD_TEST_UNSET_VAR is not set"),
            ('kind = "outreach"', "sinks.crm.url: an outreach sink has no url (only http and slack sinks have it)"),
        ]:
            kind = "" if "kind" in bad else 'kind = "http"\n'
            path = tmp + "/bad.toml"
            with open(path, "w") as f:
                f.write(f'[sinks.crm]\n{kind}url = "http://127.0.0.1:9/"\n{bad}\n')
            out = subprocess.run([binary, "serve", "--plays", plays, "--data", tmp + "/bad", "--listen",
                                  "127.0.0.1:0", "--config", path], capture_output=True, text=True, timeout=30)
            assert out.returncode == 2 and want in out.stderr, (bad, out.returncode, out.stderr)
    print("webhook template: ok")


if __name__ == "__main__":
    main(sys.argv[1])
