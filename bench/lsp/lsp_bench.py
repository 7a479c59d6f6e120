#!/usr/bin/env python3
"""Diagnostics latency of `playc lsp` after an edit, measured as an editor
sees it: a client over stdio (Content-Length framed JSON-RPC, as LSP 3.17
specifies) opens one file of a generated project and sends N single-file
edits (didChange, incremental), each waiting for the publishDiagnostics of
that version. Edits alternate between misspelling a signal property (a
checker error appears) and fixing it again, in a different play each time.

    bench/lsp/lsp_bench.py --playc build/apps/playc/playc --project DIR [--edits 200]

Prints the time to the first diagnostics (cold) and p50 / p95 / max over the edits.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time


class Client:
    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.next_id = 1

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                sys.exit("lsp_bench: the server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        data = b""
        while len(data) < length:
            data += self.proc.stdout.read(length - len(data))
        return json.loads(data)

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == rid and "method" not in m:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, version):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics":
                p = m["params"]
                if p["uri"] == uri and p.get("version") == version:
                    return p["diagnostics"]


def percentile(sorted_values, q):
    i = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--playc", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--edits", type=int, default=200)
    a = ap.parse_args()
    root = pathlib.Path(a.project).resolve()
    files = sorted(root.rglob("*.play"))
    lines = sum(len(f.read_text().splitlines()) for f in files)
    target = max(files, key=lambda f: f.stat().st_size)
    text = target.read_text()
    uri = target.as_uri()
    # Every `where signal.x == ...` line of the file: the edits misspell x, then fix it.
    rows = [i for i, l in enumerate(text.split("\n")) if l.strip().startswith("where signal.")]
    print(f"project: {len(files)} files, {lines} lines; editing {target.name} ({len(rows)} signal filters)")

    c = Client([a.playc, "lsp"])
    c.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}})
    c.notify("initialized", {})
    t0 = time.perf_counter()
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "play", "version": 1, "text": text}})
    first = c.wait_diagnostics(uri, 1)
    cold = (time.perf_counter() - t0) * 1000
    print(f"first diagnostics after open (cold): {cold:.1f} ms, {len(first)} in the file")

    src = text.split("\n")
    times = []
    errors_seen = 0
    for n in range(a.edits):
        row = rows[(n // 2) % len(rows)]
        line = src[row]
        col = line.index("signal.") + len("signal.")
        # Insert an 'x' after `signal.` (unknown property), then remove it.
        if n % 2 == 0:
            change = {"range": {"start": {"line": row, "character": col}, "end": {"line": row, "character": col}}, "text": "x"}
        else:
            change = {"range": {"start": {"line": row, "character": col}, "end": {"line": row, "character": col + 1}}, "text": ""}
        version = n + 2
        t = time.perf_counter()
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        diags = c.wait_diagnostics(uri, version)
        times.append((time.perf_counter() - t) * 1000)
        if any(d["code"] == "P0102" for d in diags):
            errors_seen += 1
    if errors_seen != (a.edits + 1) // 2:
        sys.exit(f"lsp_bench: expected the misspelling reported after {(a.edits + 1) // 2} edits, got {errors_seen}")
    c.request("shutdown", None)
    c.notify("exit", None)
    c.proc.wait(timeout=10)
    s = sorted(times)
    print(f"didChange -> publishDiagnostics over {len(s)} edits: p50 {percentile(s, 0.5):.1f} ms, "
          f"p95 {percentile(s, 0.95):.1f} ms, max {s[-1]:.1f} ms")


if __name__ == "__main__":
    main()
