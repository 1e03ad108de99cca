#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Write the BMP stream (RFC 7854) of a hostile router to stdout: an
Initiation, then Route Monitoring for PEERS invented peers (no Peer Up),
each announcing ROUTES distinct IPv4 /24s in UPDATEs of up to 900
prefixes; its sysName is NAME (default fake-peers).  What a router that lies about its peers could make a
collector store; tests/tui/bmp-send.py sends it.  Used by
tests/stress/test-max-prefix.sh."""

import struct
import sys
import time


def bmp(msg_type, body):
    # RFC 7854 4.1: version 3, length, type.
    return struct.pack("!BIB", 3, 6 + len(body), msg_type) + body


def peer_header(i):
    # RFC 7854 4.2: global instance peer, IPv4, 4-octet AS_PATH (A = 0).
    addr = bytes(12) + bytes([10, (i >> 16) & 255, (i >> 8) & 255,
                              i & 255])
    return struct.pack("!BBQ", 0, 0, 0) + addr + struct.pack(
        "!III", 64512 + i % 1000, 0x0a000000 + i, int(time.time())) + \
        struct.pack("!I", 0)


def update(first, count):
    # RFC 4271 4.3: ORIGIN IGP, AS_PATH 64500, NEXT_HOP 192.0.2.1.
    attrs = bytes([0x40, 1, 1, 0,
                   0x40, 2, 6, 2, 1]) + struct.pack("!I", 64500) + \
        bytes([0x40, 3, 4, 192, 0, 2, 1])
    nlri = b""
    for k in range(first, first + count):
        nlri += bytes([24, 20 + (k >> 16), (k >> 8) & 255, k & 255])
    body = struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs + \
        nlri
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), 2) + body


def main():
    if len(sys.argv) not in (3, 4):
        sys.stderr.write("usage: bmp-fake-peers.py PEERS ROUTES [NAME] "
                         ">FILE\n")
        return 2
    peers, routes = int(sys.argv[1]), int(sys.argv[2])
    # RFC 7854 4.3: Initiation with sysName (type 2).
    name = (sys.argv[3] if len(sys.argv) == 4 else "fake-peers").encode()
    out = [bmp(4, struct.pack("!HH", 2, len(name)) + name)]
    for i in range(peers):
        hdr = peer_header(i)
        for first in range(0, routes, 900):
            out.append(bmp(0, hdr + update(first,
                                           min(900, routes - first))))
    sys.stdout.buffer.write(b"".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
