#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The TLS ingest listener against clients that never finish, or never
# start, their handshake (issue 15), loopback only, about 20 s.
# max-connections 16 and request-timeout 1s; at once:
#  - 50 clients that send half a ClientHello and wait, 50 that send
#    the rest of it a byte every 0.4 s (no read times out: only the
#    whole-request deadline ends them),
#  - 40 that send plain HTTP to the TLS port,
#  - 40 that send random bytes,
#  - 60 real TLS clients, each asking once.
# Every real client must be answered, every stalled one closed by the
# collector at its deadline (none by the test), the collector must not
# spin, and once all are gone it must hold as many descriptors as
# before: no socket or SSL left behind by a handshake that failed.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tls-lib.sh"

PEERTOP=${PEERTOP:-$top_builddir/peertop}
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR

[ -x "$PEERTOP" ] || skip_all "peertop is not built: $PEERTOP"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
command -v openssl >/dev/null 2>&1 || skip_all "openssl is needed"
[ -r /proc/self/stat ] || skip_all "needs /proc for the CPU time"

mktmpdir
T=$TEST_TMPDIR
C=$T
CPID=""
at_exit 'if [ -n "$CPID" ]; then kill "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null; fi'

tls_ca ca "peertop test CA"
tls_cert server collector ca "subjectAltName=IP:127.0.0.1"
PORT=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/c.conf" <<EOF
ingest listen 127.0.0.1 port $PORT {
	token "t0ken"
	max-connections 16
	request-timeout 1s
	tls { certificate "$C/server.pem" key "$C/server.key" }
}
branch "hq" {
	address 192.0.2.10
	location 47.6 -122.3
}
EOF
"$PEERTOP" -H -c "$T/c.conf" -d "$T/h.db" 2>"$T/c.log" &
CPID=$!
if ! wait_for "grep -q 'listening on' '$T/c.log'" 10; then
	not_ok "peertop listens"
	sed 's/^/# /' "$T/c.log"
	summary
fi
ok "peertop listens with TLS: $(grep -o 'listening on [^,]*' "$T/c.log")"

fds() { ls "/proc/$CPID/fd" | wc -l; }
cpu() { awk '{ print $14 + $15 }' "/proc/$CPID/stat"; }	# ticks
# One real client first, so that the baseline holds what a served
# connection leaves (the history's files are open by then).
curl -s -m 5 --cacert "$C/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/"
sleep 1.5
fds0=$(fds)
cpu0=$(cpu)

python3 - "$PORT" "$C/ca.pem" >"$T/storm.out" 2>&1 <<'EOF'
import os, select, socket, ssl, sys, threading, time
port, ca = int(sys.argv[1]), sys.argv[2]
res = {"answered": 0, "unanswered": 0, "closed": 0, "held": 0}
lock = threading.Lock()
def count(k):
    with lock:
        res[k] += 1
def stalled(first):
    # Until the collector closes it (EOF or reset): at most 30 s.
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(first)
        while True:
            if not s.recv(4096):
                break
        count("closed")
    except (ConnectionResetError, BrokenPipeError):
        count("closed")
    except OSError:
        count("held")
def real():
    ctx = ssl.create_default_context(cafile=ca)
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        t = ctx.wrap_socket(s, server_hostname="127.0.0.1")
        t.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken"
            b"\r\nConnection: close\r\n\r\n")
        if t.recv(12).startswith(b"HTTP/1.1 "):
            count("answered")
        else:
            count("unanswered")
    except OSError as e:
        print("real client:", repr(e))
        count("unanswered")
def dripping(first):
    # A byte every 0.4 s: no single read waits long enough to time out,
    # only the whole-request deadline ends it.
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(first)
        t0 = time.monotonic()
        while time.monotonic() - t0 < 30:
            r, _, _ = select.select([s], [], [], 0.4)
            if r and not s.recv(4096):
                count("closed")
                return
            s.sendall(b"\x00")
        count("held")
    except (ConnectionResetError, BrokenPipeError):
        count("closed")
    except OSError:
        count("held")
hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
kinds = ([lambda: stalled(hello)] * 50 + [lambda: dripping(hello)] * 50 +
    [lambda: stalled(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")] * 40 +
    [lambda: stalled(os.urandom(64))] * 40 + [real] * 60)
import random
random.seed(15)
random.shuffle(kinds)
t0 = time.monotonic()
ts = [threading.Thread(target=k) for k in kinds]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("answered %(answered)d unanswered %(unanswered)d closed %(closed)d "
    "held %(held)d" % res, "in %.1f s" % (time.monotonic() - t0))
EOF
diag "$(tail -3 "$T/storm.out")"
set -- $(tail -1 "$T/storm.out")
secs=$(tail -1 "$T/storm.out" | awk '{ print int($10) }')
check "every real client is answered ($2 of 60)" test "$2" = 60
check "every stalled client is closed by the collector ($6 of 180)" \
    test "$6" = 180
check "... none held past 30 s ($8)" test "$8" = 0
check "... all in under 45 s ($secs s)" test "$secs" -lt 45
check "the collector still runs" kill -0 "$CPID"
sleep 1.5
cpu1=$(cpu)
fds1=$(fds)
# 180 handshakes failing and 60 made: well under 20 s of CPU.
check "no spinning: $((cpu1 - cpu0)) ticks of CPU for the storm" \
    test $((cpu1 - cpu0)) -lt 2000
check "as many descriptors after as before ($fds1, was $fds0)" \
    test "$fds1" -le "$fds0"
check "refusals logged at most once a second ($(grep -c 'closed' "$T/c.log") lines)" \
    test "$(grep -c 'closed' "$T/c.log")" -le 40
code=$(curl -s -m 5 --cacert "$C/ca.pem" -o /dev/null -w '%{http_code}' \
    "https://127.0.0.1:$PORT/")
check "and it answers a client afterwards (HTTP $code)" test "$code" != 000
kill "$CPID"
wait "$CPID"
check "peertop exits 0 on SIGTERM" test $? = 0
CPID=""
summary
