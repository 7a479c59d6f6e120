"""Hostile HTTP clients against a real playd on loopback (issue 7, items 8 and 10a).

1. Unauthenticated bodies are never buffered: 100 connections without
   credentials each send a 9.5 MB body as fast as they can. Every one gets
   401, and playd's peak RSS (VmHWM) stays far below the ~950 MB that
   buffering the bodies would take.
2. Bodies in flight are capped (server.max_inflight_body_bytes): with 8 MiB
   allowed, an authenticated request announcing 6 MB while another 6 MB one
   is in flight gets 503 + Retry-After before its body is read (it never sees
   100 Continue); once the first is answered the same request is admitted. A
   chunked body is counted as it grows: past the cap it gets 503.
3. Connections are capped (server.max_connections): the connection past the
   cap gets 503 and is closed; after one closes, a new one is served.
4. Request smuggling: a Transfer-Encoding other than exactly `chunked`, both
   Transfer-Encoding and Content-Length, or two Content-Length headers get
   400 and the connection is closed: the bytes after the headers are never
   parsed as a second request."""
import selectors
import socket
import sys
import tempfile

from playd_harness import Playd, statuses, wait_for

TOKEN = "tok_hostile"


def flood(port, n, body_bytes, deadline_s=60):
    """n connections POST a body of body_bytes without credentials, sending
    as fast as the server reads. Returns (status of each connection's answer
    or None, bytes of body sent in all)."""
    import time
    chunk = memoryview(b"x" * (256 * 1024))
    sel = selectors.DefaultSelector()
    conns = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        head = (f"POST /v1/signals HTTP/1.1\r\nHost: playd\r\nContent-Type: application/json\r\n"
                f"Content-Length: {body_bytes}\r\n\r\n").encode()
        c = {"sock": s, "pending": memoryview(head), "left": body_bytes, "got": b"", "status": None,
             "done": False, "sending": True}
        conns.append(c)
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
    sent = 0
    deadline = time.time() + deadline_s
    open_conns = n
    while open_conns and time.time() < deadline:
        for key, mask in sel.select(timeout=1):
            c = key.data
            s = c["sock"]
            if mask & selectors.EVENT_READ:
                try:
                    data = s.recv(65536)
                except (ConnectionResetError, BlockingIOError):
                    data = b""
                c["got"] += data
                found = statuses(c["got"])
                if found:
                    c["status"] = found[0]
                if found or not data:
                    sel.unregister(s)
                    s.close()
                    c["done"] = True
                    open_conns -= 1
                    continue
            if mask & selectors.EVENT_WRITE and c["sending"]:
                if not c["pending"]:
                    if c["left"] == 0:
                        c["sending"] = False
                        sel.modify(s, selectors.EVENT_READ, c)
                        continue
                    c["pending"] = chunk[:min(c["left"], len(chunk))]
                    c["left"] -= len(c["pending"])
                try:
                    k = s.send(c["pending"])
                    c["pending"] = c["pending"][k:]
                    sent += k
                except BlockingIOError:
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    c["sending"] = False
                    sel.modify(s, selectors.EVENT_READ, c)
    for c in conns:
        if not c["done"]:
            c["sock"].close()
    return [c["status"] for c in conns], sent


def unauthenticated_bodies(binary, tmp):
    pd = Playd(binary, tmp + "/a", f'[[sources]]\nname = "crm"\nkind = "bearer"\nsecret = "{TOKEN}"\n').start()
    try:
        base_rss = pd.status("VmRSS")
        n, size = 100, 9_500_000
        got, sent = flood(pd.port, n, size)
        hwm = pd.status("VmHWM")
        print(f"unauthenticated flood: {n} connections x {size} bytes announced, {sent / 1e6:.0f} MB sent; "
              f"answers {sorted(set(map(str, got)))}; playd RSS {base_rss // 1024} MB at start, "
              f"peak {hwm // 1024} MB")
        assert got == [401] * n, got
        # Buffering would need n * size = 950 MB; 150 MB leaves room for the
        # process itself (~20 MB), thread stacks and per-connection buffers.
        assert hwm < 150 * 1024, f"peak RSS {hwm} kB: bodies were buffered"
        status, _ = pd.request("GET", "/healthz")
        assert status == 200
        assert pd.stop() == 0
    finally:
        if pd.proc.poll() is None:
            pd.proc.kill()


def expect_continue(port, size, extra=b""):
    """An authenticated POST announcing `size` bytes with Expect: 100-continue;
    returns the socket and the server's first answer (b'' if it closed)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(f"POST /v1/signals HTTP/1.1\r\nHost: playd\r\nAuthorization: Bearer {TOKEN}\r\n"
              f"Content-Type: application/json\r\nContent-Length: {size}\r\nExpect: 100-continue\r\n\r\n"
              .encode() + extra)
    got = b""
    while b"\r\n\r\n" not in got:
        data = s.recv(65536)
        if not data:
            break
        got += data
    return s, got


def read_answer(s):
    got = b""
    while True:
        try:
            data = s.recv(65536)
        except ConnectionResetError:
            break
        if not data:
            break
        got += data
        if statuses(got) and b"\r\n\r\n" in got and (b"Connection: close" in got or got.endswith(b"}")):
            break
    return got


def inflight_cap(binary, tmp):
    config = f"""
[server]
max_inflight_body_bytes = 8388608

[[sources]]
name = "crm"
kind = "bearer"
secret = "{TOKEN}"
"""
    pd = Playd(binary, tmp + "/b", config).start()
    try:
        size = 6_000_000
        a, first = expect_continue(pd.port, size)
        assert first.startswith(b"HTTP/1.1 100"), first
        b, refused = expect_continue(pd.port, size)
        assert statuses(refused) == [503], refused
        assert b"Retry-After:" in refused, refused
        b.close()
        a.sendall(b"x" * size)
        answer = read_answer(a)
        a.close()
        assert statuses(answer) == [400], answer[:300]  # admitted: the body was read (and is not JSON)

        def released():  # once the answer is written (the client may read it a moment before)
            _, metrics = pd.request("GET", "/metrics")
            return "playd_http_inflight_body_bytes 0\n" in metrics

        wait_for(released, 10, "the first body's bytes released")
        c, again = expect_continue(pd.port, size)
        assert again.startswith(b"HTTP/1.1 100"), again  # the first one's bytes were released
        c.close()

        # Chunked: counted as the body grows.
        s = socket.create_connection(("127.0.0.1", pd.port), timeout=10)
        s.sendall(f"POST /v1/signals HTTP/1.1\r\nHost: playd\r\nAuthorization: Bearer {TOKEN}\r\n"
                  f"Transfer-Encoding: chunked\r\n\r\n".encode())
        mb = b"x" * (1 << 20)
        try:
            for _ in range(9):
                s.sendall(b"100000\r\n" + mb + b"\r\n")
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_answer(s)
        s.close()
        assert statuses(answer) == [503], answer[:300]
        _, metrics = pd.request("GET", "/metrics")
        assert "playd_http_bodies_refused_total 2" in metrics, metrics
        assert pd.stop() == 0
    finally:
        if pd.proc.poll() is None:
            pd.proc.kill()


def connection_cap(binary, tmp):
    pd = Playd(binary, tmp + "/c", "[server]\nmax_connections = 20\n").start()
    get = b"GET /healthz HTTP/1.1\r\nHost: playd\r\n\r\n"
    held = []
    try:
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", pd.port), timeout=10)
            s.sendall(get)
            assert statuses(s.recv(65536)) == [200]
            held.append(s)  # kept open (keep-alive)
        got, closed = pd.raw(get)
        assert statuses(got) == [503] and closed, got
        assert b"Retry-After:" in got, got
        held.pop().close()

        def served():
            got, _ = pd.raw(get, timeout=2)
            return statuses(got) == [200]

        wait_for(served, 10, "a connection served once one closed")
        for s in held:
            s.close()
        _, metrics = pd.request("GET", "/metrics")
        assert "playd_http_connections_rejected_total" in metrics, metrics
        assert pd.stop() == 0
    finally:
        for s in held:
            s.close()
        if pd.proc.poll() is None:
            pd.proc.kill()


def smuggling(binary, tmp):
    pd = Playd(binary, tmp + "/d").start()  # open mode: a bodiless POST would get its own 400
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: playd\r\n\r\n"
    cases = {
        "chunked, identity": b"Transfer-Encoding: chunked, identity\r\n\r\n",
        "identity": b"Transfer-Encoding: identity\r\n\r\n",
        "gzip, chunked": b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "CL and TE": b"Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "TE and CL": b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        "two Content-Length": b"Content-Length: 0\r\nContent-Length: 0\r\n\r\n",
        "Content-Length list": b"Content-Length: 0, 0\r\n\r\n",
    }
    try:
        for name, headers in cases.items():
            got, closed = pd.raw(b"POST /v1/signals HTTP/1.1\r\nHost: playd\r\n" + headers + smuggled)
            assert statuses(got) == [400], (name, got)
            assert closed, (name, "connection left open")
            assert b"/smuggled" not in got and b"no route" not in got, (name, got)
        status, _ = pd.request("GET", "/healthz")
        assert status == 200
        assert pd.stop() == 0
    finally:
        if pd.proc.poll() is None:
            pd.proc.kill()


def main(binary, only=()):
    sections = [("smuggling", smuggling), ("connection cap", connection_cap),
                ("in-flight body bytes cap", inflight_cap), ("unauthenticated bodies", unauthenticated_bodies)]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, section in sections:
            if only and name not in only:
                continue
            try:
                section(binary, tmp)
                print(f"{name}: ok")
            except Exception as e:  # every section runs, so a run shows every failure
                failed += 1
                print(f"FAIL {name}: {type(e).__name__}: {str(e)[:2000]}")
    print("hostile clients: " + ("ok" if not failed else f"{failed} failed"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
