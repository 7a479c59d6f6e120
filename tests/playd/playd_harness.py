"""Shared helpers for playd's integration tests: a real playd on loopback with
a temporary data directory, and a real HTTP sink server that records what it
receives (and can be told to fail)."""
import hashlib
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYS = os.path.join(REPO, "plays")


def action_key(play, signal_id, index):
    """The engine's idempotency key (runtime/engine/idempotency.h)."""
    data = f"play-action-v1\n{len(play.encode())}:{play}{len(signal_id.encode())}:{signal_id}{index}".encode()
    return hashlib.sha256(data).hexdigest()[:32]


def serve(handler):
    """A threaded HTTP server for `handler` on a free loopback port, serving in the background."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class Sink:
    """An HTTP sink. `plan` is a list of (status, headers) answered to the
    first requests in order; after it, `default` (status) is answered."""

    def __init__(self, plan=None, default=200):
        self.plan = list(plan or [])
        self.default = default
        self.lock = threading.Lock()
        self.received = []   # (key, status answered, body)
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are separate writes: with Nagle on, the body
            # waits for the client's delayed ACK (40 ms a request).
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with sink.lock:
                    status, headers = sink.plan.pop(0) if sink.plan else (sink.default, {})
                    sink.received.append((self.headers.get("Idempotency-Key"), status, body))
                payload = b'{"ok":true}' if status < 300 else b'{"error":"sink says no"}'
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *a):
                pass

        self.server, self.url = serve(Handler)

    def delivered(self):
        """Keys answered with 2xx, with repeats."""
        with self.lock:
            return [k for k, s, _ in self.received if 200 <= s < 300]

    def close(self):
        self.server.shutdown()


class IdempotentSink:
    """An HTTP sink that honours Idempotency-Key the way real sinks do
    (Stripe-style): the first request with a key has the effect and its
    answer is stored; a repeat of the key gets the stored answer and has no
    second effect. Counts raw deliveries too, repeats included."""

    def __init__(self):
        self.lock = threading.Lock()
        self.effects = []    # keys, in the order their (single) effect happened
        self.answers = {}    # key -> stored answer body
        self.raw = {}        # key -> requests received with it
        self.first_at = {}   # key -> time.time() of its first request
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body are separate writes: with Nagle on, the body
            # waits for the client's delayed ACK (40 ms a request).
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key")
                with sink.lock:
                    sink.raw[key] = sink.raw.get(key, 0) + 1
                    payload = sink.answers.get(key)
                    if payload is None:  # first time: the effect
                        sink.effects.append(key)
                        sink.first_at[key] = time.time()
                        payload = b'{"id":"eff_%d","bytes":%d}' % (len(sink.effects), len(body))
                        sink.answers[key] = payload
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *a):
                pass

        self.server, self.url = serve(Handler)

    def effect_count(self):
        with self.lock:
            return len(self.effects)

    def close(self):
        self.server.shutdown()


class Playd:
    def __init__(self, binary, data_dir, config_text=None, plays=PLAYS, preexec_fn=None):
        self.binary = binary
        self.plays = plays
        self.data = data_dir
        self.preexec_fn = preexec_fn  # runs in the child before exec (e.g. resource.setrlimit)
        self.config = None
        if config_text is not None:
            self.config = os.path.join(data_dir + ".toml")
            with open(self.config, "w") as f:
                f.write(config_text)
        self.proc = None
        self.start_args = []  # extra `playd serve` flags

    def start(self):
        args = [self.binary, "serve", "--plays", self.plays, "--data", self.data, "--listen", "127.0.0.1:0"]
        args += self.start_args
        if self.config:
            args += ["--config", self.config]
        self.errlog = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.errlog,
                                     preexec_fn=self.preexec_fn)
        deadline = time.time() + 30
        while time.time() < deadline:
            self.errlog.seek(0)
            m = re.search(rb"listening on (http://[0-9.]+:\d+)", self.errlog.read())
            if m:
                self.base = m.group(1).decode()
                self.port = int(self.base.rsplit(":", 1)[1])
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.errlog.seek(0)
        raise RuntimeError("playd did not start: " + self.errlog.read().decode(errors="replace"))

    def stderr(self):
        self.errlog.seek(0)
        return self.errlog.read().decode(errors="replace")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise
        return self.proc.returncode if self.proc else None

    def request(self, method, path, body=None, timeout=10, headers=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def dlq(self):
        """The dead-letter queue's actions (GET /v1/admin/dlq)."""
        status, body = self.request("GET", "/v1/admin/dlq")
        assert status == 200, (status, body)
        return json.loads(body)["actions"]

    def dlq_entry(self, key):
        """One DLQ entry's JSON text, its attempts' details included (GET /v1/admin/dlq/KEY)."""
        status, body = self.request("GET", f"/v1/admin/dlq/{key}")
        assert status == 200, (status, body)
        return body

    def status(self, field):
        """A field of /proc/PID/status in kB (VmRSS, VmHWM)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise KeyError(field)

    def cpu_seconds(self):
        """User + system CPU time the process has used so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def raw(self, data, timeout=5):
        """Sends raw bytes on a new connection; returns (every byte received,
        whether the server closed the connection) once it closes or `timeout`
        passes without a byte."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            out = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        return out, True
                    out += chunk
            except ConnectionResetError:
                return out, True
            except socket.timeout:
                return out, False


def statuses(raw_bytes):
    """The status codes of the HTTP responses in a raw byte stream."""
    return [int(m) for m in re.findall(rb"HTTP/1\.[01] (\d{3}) ", raw_bytes)]


def sink_config(url, extra=""):
    return f"""
[execution]
retry_schedule = ["100ms", "200ms", "400ms"]
max_attempts = 20

[sinks.crm]
kind = "http"
url = "{url}"
concurrency = 2
signing_secret = "whsec_c2VjcmV0LWZvci10ZXN0cw=="

[sinks.chat]
kind = "http"
url = "{url}"
concurrency = 2
{extra}
"""


def demo_signal(i, prefix="evt"):
    """A website.form_submitted demo request that fires demo_request (2 actions:
    task -> crm, notify -> chat), one contact per signal so `fired within`
    does not deduplicate."""
    return {"id": f"{prefix}_{i}", "type": "website.form_submitted", "occurred_at": "2026-06-21T10:00:00Z",
            "account": "bigco.com", "contact": f"c{i}@bigco.com", "properties": {"form": "demo_request"}}


def expected_keys(ids):
    return {action_key("demo_request", i, n) for i in ids for n in (0, 1)}


def setup_context(pd):
    status, body = pd.request("PUT", "/v1/accounts/bigco.com",
                              {"name": "BigCo", "employees": 5000, "industry": "software", "country": "US"})
    assert status == 200, (status, body)


def load_context(pd, context_file):
    """PUTs every account and contact of a `playc run --context` file into
    playd, so both start from the same records."""
    context = json.load(open(context_file))
    for a in context["accounts"]:
        status, body = pd.request("PUT", f"/v1/accounts/{a['domain']}",
                                  {k: v for k, v in a.items() if k != "domain"})
        assert status == 200, (a["domain"], status, body)
    for c in context["contacts"]:
        status, body = pd.request("PUT", f"/v1/contacts/{c['email']}",
                                  {k: v for k, v in c.items() if k != "email"})
        assert status == 200, (c["email"], status, body)


def wait_for(pred, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def evaluated(pd, signal_id):
    """Whether playd's trace of the signal says it was evaluated (committed)."""
    _, trace = pd.request("GET", f"/v1/signals/{signal_id}/trace")
    return '"status":"evaluated"' in trace


def replay_file(binary, playc, plays_src, play_file, tmp, store=None, while_running=None):
    """The same signal file through `playc run` and through playd, for the
    temporal forms' directories (tests/plays/<form>: plays, signals.ndjson,
    context.json). playd takes the context over HTTP, the first half of the
    signals, a reload that renames every title of `play_file` (the patterns
    are unchanged, so their windows carry over), the third quarter, a kill -9,
    the last quarter, and another kill -9 anywhere in its evaluation. Its
    delivered actions must be exactly `playc run`'s, each key once.
    `while_running(pd, lines)` checks more before playd stops; playd's data
    is tmp/data. Returns (the `playc run` result, the signal lines, its
    action lines, playd's delivered lines)."""
    signals = os.path.join(plays_src, "signals.ndjson")
    context_file = os.path.join(plays_src, "context.json")
    run = subprocess.run([playc, "run", plays_src, "--signals", signals, "--context", context_file],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, (run.returncode, run.stderr)
    want = [l for l in run.stdout.splitlines() if json.loads(l).get("kind") == "action"]

    lines = [l for l in open(signals, "rb").read().splitlines() if l.strip()]
    half, three_quarters = len(lines) // 2, len(lines) * 3 // 4
    parts = [lines[:half], lines[half:three_quarters], lines[three_quarters:]]
    last_id = [json.loads(p[-1])["id"] for p in parts]
    outbox = os.path.join(tmp, "data", "outbox.ndjson")

    def delivered():
        return open(outbox).read().splitlines() if os.path.exists(outbox) else []

    plays_dir = os.path.join(tmp, "plays")
    shutil.copytree(plays_src, plays_dir)
    pd = Playd(binary, os.path.join(tmp, "data"), plays=plays_dir)
    pd.start_args = ["--store", store] if store else []
    pd.start()
    try:
        load_context(pd, context_file)

        status, body = pd.request("POST", "/v1/signals", b"\n".join(parts[0]) + b"\n")
        assert status == 200, (status, body)
        wait_for(lambda: evaluated(pd, last_id[0]), what="the first half evaluated")
        path = os.path.join(plays_dir, play_file)
        text = open(path).read()
        open(path, "w").write(re.sub(r'title(\s+)"', r'title\1"Renamed: ', text))
        status, body = pd.request("POST", "/v1/admin/reload", b"", timeout=60)
        assert status == 200 and json.loads(body).get("reloaded") is True, (status, body)
        status, body = pd.request("POST", "/v1/signals", b"\n".join(parts[1]) + b"\n")
        assert status == 200, (status, body)
        wait_for(lambda: evaluated(pd, last_id[1]), what="the third quarter evaluated")
        pd.kill9()

        pd.start()
        status, body = pd.request("POST", "/v1/signals", b"\n".join(parts[2]) + b"\n")
        assert status == 200, (status, body)
        pd.kill9()  # anywhere in the evaluation of the last quarter

        pd.start()
        wait_for(lambda: evaluated(pd, last_id[2]), what="the last quarter evaluated")
        wait_for(lambda: len(delivered()) >= len(want), what=f"{len(want)} actions delivered")
        time.sleep(0.5)  # anything extra would show up now
        got = delivered()
        missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
        assert not missing and not extra, f"missing {list(missing)}\nextra {list(extra)}"
        keys = [json.loads(l)["key"] for l in got]
        assert len(keys) == len(set(keys)), "a key delivered twice"
        if while_running:
            while_running(pd, lines)
        assert pd.stop() == 0
    finally:
        if pd.proc and pd.proc.poll() is None:
            pd.proc.kill()
    return run, lines, want, got
