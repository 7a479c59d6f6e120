#!/usr/bin/env python3
"""load.py (../../../shared/peers/load.py, unchanged) with another signal type.

bench/playd/run.sh uses it for the low-priority flood of test (c): the same
open-loop generator, ids, filter mix and sink join as load.py, but every
signal has type --type (default bench.flood, which only a `priority low`
play handles, so it lands in playd's low lane). All other arguments are
load.py's. PEERS_DIR (default /work/shared/peers) locates load.py.
"""
import importlib.util
import os
import sys

peers = os.environ.get("PEERS_DIR", "/work/shared/peers")
spec = importlib.util.spec_from_file_location("load", os.path.join(peers, "load.py"))
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)

signal_type = "bench.flood"
if "--type" in sys.argv:
    k = sys.argv.index("--type")
    signal_type = sys.argv[k + 1]
    del sys.argv[k:k + 2]

make = load.Signals.make
old = b'"type":"website.page_viewed"'
new = ('"type":"%s"' % signal_type).encode()


def make_typed(self, i, offset_s):
    sid, m, req = make(self, i, offset_s)
    head, body = req.split(b"\r\n\r\n", 1)
    assert old in body
    body = body.replace(old, new, 1)
    head = head[:head.rindex(b"Content-Length:")] + b"Content-Length: %d" % len(body)
    return sid, m, head + b"\r\n\r\n" + body


load.Signals.make = make_typed
load.main()
