#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""The service manager's side of sd_notify(3), for test-sdnotify.sh.

notify-listen.py SOCKET OUT binds a unix datagram socket at SOCKET (a
path, or @NAME for an abstract one, as $NOTIFY_SOCKET names them) and
appends each datagram it receives to OUT as one line, its variables
joined by spaces ("RELOADING=1 MONOTONIC_USEC=123").  It stops by itself
after 60 s, or when the test kills it.
"""
import socket
import sys
import time


def main():
    where, out = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0" + where[1:] if where.startswith("@") else where)
    s.settimeout(0.5)
    end = time.monotonic() + 60
    with open(out, "a", buffering=1) as f:
        f.write("LISTENING\n")
        while time.monotonic() < end:
            try:
                data = s.recv(4096)
            except socket.timeout:
                continue
            f.write(data.decode("utf-8", "replace").replace("\n", " ")
                    + "\n")


if __name__ == "__main__":
    main()
