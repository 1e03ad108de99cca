#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
# A stand-in for a BIRD control socket: serves one recorded reply (from
# tests/data/bird/) to every "show protocols all" on a unix socket, so
# the --once golden test gets the same bytes every run.  Real BIRD is
# exercised by tests/integration/test-lab.sh.
import os, socket, sys, threading

path, capture = sys.argv[1], sys.argv[2]
data = open(capture, 'rb').read()
greeting, _, reply = data.partition(b'\n')
try:
    os.unlink(path)
except FileNotFoundError:
    pass
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)

def serve(conn):
    with conn:
        conn.sendall(greeting + b'\n')
        buf = b''
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                return
            buf += chunk
            while b'\n' in buf:
                line, _, buf = buf.partition(b'\n')
                if line.strip().startswith(b'show protocols'):
                    conn.sendall(reply)

while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
