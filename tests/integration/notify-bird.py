#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A BIRD control socket whose sessions the test sets, for test-notify.sh.

notify-bird.py SOCKET STATES serves "show protocols all" on the unix
socket SOCKET, built on every request from the file STATES: one line per
BGP session, "NAME NEIGHBOR up|down".  The test rewrites STATES to make
sessions drop and come back (a storm: many lines at once).
"""
import os
import socket
import sys
import threading

GREETING = b"0001 BIRD 2.0.12 ready.\n"
HEADER = "2002-Name       Proto      Table      State  Since         Info\n"


def reply(states):
    out = [HEADER]
    try:
        lines = open(states).read().split("\n")
    except OSError:
        lines = []
    for line in lines:
        f = line.split()
        if len(f) != 3:
            continue
        name, nbr, st = f
        if st == "up":
            out.append("1002-%-10s BGP        ---        up     "
                       "2026-11-25 19:05:40  Established   \n"
                       "1006-  BGP state:          Established\n"
                       "     Neighbor address: %s\n"
                       "     Neighbor AS:      8075\n"
                       "     Local AS:         65002\n \n" % (name, nbr))
        else:
            out.append("1002-%-10s BGP        ---        start  "
                       "2026-11-25 19:05:35  Active        Socket: "
                       "Connection refused\n"
                       "1006-  BGP state:          Active\n"
                       "     Neighbor address: %s\n"
                       "     Neighbor AS:      8075\n"
                       "     Local AS:         65002\n"
                       "     Last error:       Socket: Connection refused\n"
                       " \n" % (name, nbr))
    out.append("0000 \n")
    return "".join(out).encode()


def serve(conn, states):
    with conn:
        conn.sendall(GREETING)
        buf = b""
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                return
            buf += chunk
            while b"\n" in buf:
                line, _, buf = buf.partition(b"\n")
                if line.strip().startswith(b"show protocols"):
                    conn.sendall(reply(states))


def main():
    path, states = sys.argv[1], sys.argv[2]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=serve, args=(c, states), daemon=True).start()


main()
