#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A webhook receiver for test-notify.sh and bench-notify.sh.

notify-recv.py PORT OUT MODE [CERT KEY] listens on 127.0.0.1:PORT (over
TLS with CERT and KEY) and appends one JSON line per POST to OUT:
{"t": arrival time, "path": ..., "body": the body parsed, or its text}.
MODE is a file read on every request: "ok" (200, the default), "500",
or "stall" (read the request, answer nothing for 60 s).
"""
import http.server
import json
import ssl
import sys
import threading
import time

port, out, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(n)
        try:
            m = open(mode).read().strip()
        except OSError:
            m = "ok"
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with lock:
            with open(out, "a") as f:
                f.write(json.dumps({"t": time.time(), "path": self.path,
                                    "mode": m, "body": body}) + "\n")
        if m == "stall":
            time.sleep(60)
            return
        self.send_response(500 if m == "500" else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
srv.daemon_threads = True
if len(sys.argv) > 5:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[4], sys.argv[5])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
