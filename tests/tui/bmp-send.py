#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Send a captured BMP stream (RFC 7854) to a listening collector, as a
router would: connect to HOST:PORT (retrying while the listener comes
up), write the whole file, then keep the connection open for HOLD
seconds (a router that closes its session makes the collector drop its
routes) or until killed.  Used by tests/tui/test-tui.sh."""

import socket
import sys
import time


def main():
    if len(sys.argv) != 5:
        sys.stderr.write("usage: bmp-send.py HOST PORT FILE HOLD\n")
        return 2
    host, port, path, hold = (sys.argv[1], int(sys.argv[2]), sys.argv[3],
                              float(sys.argv[4]))
    with open(path, "rb") as f:
        data = f.read()
    deadline = time.monotonic() + 10
    while True:
        try:
            s = socket.create_connection((host, port), timeout=5)
            break
        except OSError as e:
            if time.monotonic() > deadline:
                sys.stderr.write("bmp-send: %s:%d: %s\n" % (host, port, e))
                return 1
            time.sleep(0.1)
    s.sendall(data)
    sys.stdout.write("sent %d bytes\n" % len(data))
    sys.stdout.flush()
    time.sleep(hold)
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
