"""The demo's outside world on loopback: a chat tool that is down (POST /chat
answers 503, as Slack does in an outage) and a Slack incoming webhook for
playd's alerts (POST /slack: each message's text is appended to FILE).
Prints the port it listens on, then serves until killed.

    python3 scripts/demo_receiver.py FILE"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/slack":
            try:
                text = json.loads(body).get("text", "")
            except ValueError:
                text = body.decode(errors="replace")
            with open(sys.argv[1], "a") as f:
                f.write(text.replace("\n", " ") + "\n")
            self.send_response(200)
        else:
            self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
