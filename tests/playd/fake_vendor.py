"""A vendor's API on loopback, for the sink tests (Salesforce, Outreach,
Salesloft, HubSpot sequences...): routes by method and path, a check of
every request's auth header and JSON body, a log of the calls, and faults
on demand -- before the vendor acts (the request fails) or after it (the
vendor acted, then answered an error: what playd sees when it crashes, or
the answer is lost, between the vendor's 2xx and playd's record).

    fake = FakeVendor(auth=lambda req: req.headers.get("Authorization") == "Bearer T")
    @fake.route("GET", r"/api/v2/prospects")
    def prospects(req):
        return 200, {"data": []}
    fake.fail_after("POST", r"/api/v2/sequenceStates", 500, {"errors": []})
    ...
    assert fake.problems == []
"""
import http.server
import json
import re
import threading
import urllib.parse

from playd_harness import serve


class Request:
    def __init__(self, method, path, query, headers, raw):
        self.method = method
        self.path = path
        self.query = query          # {name: [values]} (urllib.parse.parse_qs, blank values kept)
        self.headers = headers
        self.raw = raw
        self.json = None            # the parsed body, when it is JSON
        self.match = None           # the route's regex match

    def arg(self, name, default=None):
        v = self.query.get(name)
        return v[0] if v else default


class FakeVendor:
    def __init__(self, auth, json_type="application/json"):
        """`auth(req)` -> True when the request's credentials are right (else a problem
        is recorded and the answer is 401). `json_type`: the Content-Type a body must
        start with (Outreach: application/vnd.api+json)."""
        self.lock = threading.Lock()
        self.calls = []      # (method, path, query, json body)
        self.problems = []   # what was wrong with a request: a test asserts none
        self.routes = []     # (method, regex, handler)
        self.before = []     # [method, regex, status, payload, times, headers]
        self.after = []
        self.auth = auth
        self.json_type = json_type
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def answer(self, status, payload, headers=None):
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", fake.json_type)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def handle_any(self, method):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                url = urllib.parse.urlparse(self.path)
                req = Request(method, url.path, urllib.parse.parse_qs(url.query, keep_blank_values=True),
                              self.headers, raw)
                if len(self.headers.get_all("Content-Type") or []) > 1:
                    fake.problem(f"{method} {url.path}: several Content-Type headers "
                                 f"{self.headers.get_all('Content-Type')}")
                if raw:
                    ctype = self.headers.get("Content-Type") or ""
                    if ctype.startswith("application/json") or ctype.startswith(fake.json_type):
                        try:
                            req.json = json.loads(raw)
                        except ValueError:
                            fake.problem(f"{method} {url.path}: body is not JSON")
                    elif not ctype.startswith("application/x-www-form-urlencoded"):
                        fake.problem(f"{method} {url.path}: content type {ctype!r}")
                with fake.lock:
                    fake.calls.append((method, url.path, req.query, req.json))
                if not fake.auth(req):
                    fake.problem(f"{method} {url.path}: auth {self.headers.get('Authorization')!r}")
                    return self.answer(401, {"error": "unauthorized"})
                fault = fake.take(fake.before, method, url.path, req)
                if fault:
                    return self.answer(*fault)
                for m, rx, handler in fake.routes:
                    req.match = re.fullmatch(rx, url.path) if m == method else None
                    if req.match:
                        result = handler(req)
                        break
                else:
                    fake.problem(f"{method} {url.path}: no such route")
                    result = (404, {"error": "not found"})
                fault = fake.take(fake.after, method, url.path, req)
                self.answer(*(fault or result))

            def do_GET(self):
                self.handle_any("GET")

            def do_POST(self):
                self.handle_any("POST")

            def do_PATCH(self):
                self.handle_any("PATCH")

            def do_PUT(self):
                self.handle_any("PUT")

            def do_DELETE(self):
                self.handle_any("DELETE")

            def log_message(self, *a):
                pass

        self.server, url = serve(Handler)
        self.base_url = url.rstrip("/")

    def route(self, method, path_regex):
        def register(handler):
            self.routes.append((method, path_regex, handler))
            return handler
        return register

    def fail_before(self, method, path_regex, status, payload, times=1, headers=None, when=None):
        """The next `times` matching requests are answered so, the vendor doing nothing.
        `when(req)`, if given, must also hold (a fault for one request body or query)."""
        with self.lock:
            self.before.append([method, path_regex, status, payload, times, headers, when])

    def fail_after(self, method, path_regex, status, payload, times=1, headers=None, when=None):
        """The next `times` matching requests are handled (the vendor acts), then answered so.
        `when(req)` as for fail_before."""
        with self.lock:
            self.after.append([method, path_regex, status, payload, times, headers, when])

    def take(self, faults, method, path, req=None):
        with self.lock:
            for f in faults:
                if f[0] == method and re.fullmatch(f[1], path) and f[4] > 0 and (f[6] is None or f[6](req)):
                    f[4] -= 1
                    return (f[2], f[3], f[5])
        return None

    def problem(self, text):
        with self.lock:
            self.problems.append(text)

    def calls_to(self, method, path_regex):
        with self.lock:
            return [c for c in self.calls if c[0] == method and re.fullmatch(path_regex, c[1])]

    def close(self):
        self.server.shutdown()
