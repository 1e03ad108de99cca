#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Hostile BMP clients for tests/stress/test-bmp-listener.sh, loopback
only and bounded in count and time.

  bmp-clients.py port          a free TCP port on 127.0.0.1
  bmp-clients.py idle PORT N SECS
        open up to N connections that send nothing, keep them SECS
        seconds (or until killed); prints "open K" once they are open
  bmp-clients.py slow PORT MODE SECS
        one connection that sends a whole Initiation (RFC 7854 4.3), then
        MODE "drip": the next message one byte a second, or "header": a
        common header announcing 1 MiB and nothing after it; waits up to
        SECS seconds for the collector to close it and prints
        "closed after T s" (exit 0) or "still open after SECS s" (exit 1)
  bmp-clients.py silent PORT SECS
        one connection that sends nothing; same wait and output as slow
  bmp-clients.py flood PORT N SECS
        connect and close N times as fast as the listener takes them, for
        SECS seconds at most; prints "connected K"
"""

import socket
import struct
import sys
import time

HOST = "127.0.0.1"


def initiation(name):
    """An Initiation message with a sysName TLV (type 2)."""
    tlv = struct.pack("!HH", 2, len(name)) + name
    return struct.pack("!BIB", 3, 6 + len(tlv), 4) + tlv


def connect(port):
    s = socket.create_connection((HOST, port), timeout=5)
    s.setblocking(True)
    return s


def closed(s, timeout):
    """True once the peer closed (EOF or reset) within timeout seconds."""
    s.settimeout(timeout)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


def wait_closed(s, t0, secs, step=None):
    """Wait for the close; step() is called each second until then."""
    while time.monotonic() - t0 < secs:
        if closed(s, 1.0):
            print("closed after %.1f s" % (time.monotonic() - t0))
            return 0
        if step is not None:
            try:
                step()
            except OSError:
                print("closed after %.1f s" % (time.monotonic() - t0))
                return 0
    print("still open after %d s" % secs)
    return 1


def idle(port, n, secs):
    socks = []
    for _ in range(n):
        try:
            socks.append(socket.create_connection((HOST, port), timeout=2))
        except OSError:
            break
    print("open %d" % len(socks))
    sys.stdout.flush()
    time.sleep(secs)
    return 0


def slow(port, mode, secs):
    s = connect(port)
    s.sendall(initiation(b"slow-" + mode.encode()))
    t0 = time.monotonic()
    if mode == "header":
        s.sendall(struct.pack("!BIB", 3, 1 << 20, 0))
        return wait_closed(s, t0, secs)
    # A Statistics Report's bytes, one a second (whatever they are, the
    # message is never whole in time).
    body = struct.pack("!BIB", 3, 1000, 1) + bytes(994)
    pos = [0]

    def drip():
        s.send(body[pos[0]:pos[0] + 1])
        pos[0] += 1
    drip()
    return wait_closed(s, t0, secs, drip)


def silent(port, secs):
    s = connect(port)
    return wait_closed(s, time.monotonic(), secs)


def flood(port, n, secs):
    k = 0
    t0 = time.monotonic()
    for _ in range(n):
        if time.monotonic() - t0 > secs:
            break
        try:
            s = socket.create_connection((HOST, port), timeout=2)
            s.close()
            k += 1
        except OSError:
            time.sleep(0.01)
    print("connected %d" % k)
    return 0


def main():
    a = sys.argv[1:]
    if a == ["port"]:
        s = socket.socket()
        s.bind((HOST, 0))
        print(s.getsockname()[1])
        return 0
    if len(a) == 4 and a[0] == "idle":
        return idle(int(a[1]), int(a[2]), float(a[3]))
    if len(a) == 4 and a[0] == "slow" and a[2] in ("drip", "header"):
        return slow(int(a[1]), a[2], int(a[3]))
    if len(a) == 3 and a[0] == "silent":
        return silent(int(a[1]), int(a[2]))
    if len(a) == 4 and a[0] == "flood":
        return flood(int(a[1]), int(a[2]), float(a[3]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
