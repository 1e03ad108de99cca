#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The ingest endpoint against clients that hold or starve it (issue 13,
# items 1 and 4), loopback only, about 25 s:
#  1. Out of descriptors: peertop -H under "ulimit -n 64" and 120 idle
#     connections.  It must not spin (CPU from /proc/PID/stat), must
#     not flood its log (one line per episode, not one per accept), and
#     must answer a batch again once the connections are gone.
#  2. max-connections 4: with 4 idle connections open a fifth client
#     gets no answer; once one of them closes it gets its 200.
#  3. request-timeout 2s: a request whose headers drip in a byte every
#     400 ms is closed after about 2 s, though no single read waits
#     that long.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux-lib.sh"

PEERTOP=${PEERTOP:-$top_builddir/peertop}
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR

[ -x "$PEERTOP" ] || skip_all "peertop is not built: $PEERTOP"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"
[ -r /proc/self/stat ] || skip_all "needs /proc for the CPU time"

mktmpdir
T=$TEST_TMPDIR
CPID=""
HPID=""
at_exit 'for p in $HPID $CPID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done'

# start CONF LOG [NOFILE]: peertop -H on CONF, CPID; fails the test if
# it does not listen within 10 s.
start()
{
	(
		[ -n "${3:-}" ] && ulimit -n "$3"
		exec "$PEERTOP" -H -c "$1" -d "$T/h.db" 2>"$2"
	) &
	CPID=$!
	if ! wait_for "grep -q 'listening on' '$2'" 10; then
		not_ok "peertop listens ($1)"
		sed 's/^/# /' "$2"
		summary
	fi
}

stop()
{
	kill "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	CPID=""
}

conf()	# conf FILE PORT OPTIONS...
{
	f=$1 port=$2
	shift 2
	cat >"$f" <<EOT
ingest listen 127.0.0.1 port $port $*
branch "hq" {
	address 192.0.2.10
	location 47.6 -122.3
}
EOT
}

# cpu PID: its user + system time in clock ticks.
cpu()
{
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# One batch; prints the HTTP status, or "none" when no answer came
# within TIMEOUT seconds (default 5).
post()	# post PORT [TIMEOUT]
{
	python3 - "$1" "${2:-5}" <<'EOP'
import http.client, json, sys, time
port, timeout = int(sys.argv[1]), float(sys.argv[2])
body = json.dumps({"agent": "slow", "seq": 1, "samples": [
    {"branch": "hq", "edge": "sea", "time_ms": int(time.time() * 1000),
     "rtt_us": 1000}]})
try:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("POST", "/v1/samples", body)
    print(c.getresponse().status)
except (OSError, http.client.HTTPException):
    print("none")
EOP
}

# hold PORT N FILE: open N idle connections and hold them until FILE is
# removed (HPID); writes "held N" to FILE.ready when they are connected.
hold()
{
	python3 - "$1" "$2" "$3" <<'EOP' &
import os, socket, sys, time
port, n, flag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
open(flag, "w").close()
socks = []
for i in range(n):
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        break
    socks.append(s)
with open(flag + ".ready", "w") as f:
    f.write("held %d\n" % len(socks))
while os.path.exists(flag):
    time.sleep(0.1)
EOP
	HPID=$!
	wait_for "test -s '$3.ready'" 10
}

release()	# release FILE: close what hold() holds
{
	rm -f "$1"
	wait "$HPID" 2>/dev/null
	HPID=""
}

# ---- 1. out of descriptors
PORT=$(free_port)
conf "$T/1.conf" "$PORT" max-connections 1000
start "$T/1.conf" "$T/1.log" 64
check "a batch is answered 200 before" test "$(post "$PORT")" = 200
hold "$PORT" 120 "$T/hold1"
diag "$(cat "$T/hold1.ready")"
sleep 1
c0=$(cpu "$CPID")
sleep 3
c1=$(cpu "$CPID")
diag "CPU over 3 s out of descriptors: $((c1 - c0)) ticks"
check "out of descriptors it does not spin (under 30 ticks in 3 s)" \
    test $((c1 - c0)) -lt 30
lines=$(wc -l <"$T/1.log")
diag "log: $lines lines"
check "out of descriptors its log stays short (under 20 lines)" \
    test "$lines" -lt 20
check "the failure is logged once, with the reason" \
    test "$(grep -c 'cannot accept connections.*Too many open files' \
    "$T/1.log")" = 1
check "nothing from libevent's own accept warning" \
    test "$(grep -c 'Error from accept' "$T/1.log")" = 0
release "$T/hold1"
post "$PORT" 15 >"$T/1.post"
diag "after: $(cat "$T/1.post"); log:"
sed 's/^/#   /' "$T/1.log"
check "after the connections close a batch is answered 200 again" \
    test "$(post "$PORT" 15)" = 200
check "the recovery is logged with the count" \
    grep -q 'accepting connections on .* again, after [0-9]* failed' \
    "$T/1.log"
stop

# ---- 2. max-connections
PORT=$(free_port)
conf "$T/2.conf" "$PORT" max-connections 4
start "$T/2.conf" "$T/2.log"
hold "$PORT" 4 "$T/hold2"
check "with 4 connections open a fifth gets no answer" \
    test "$(post "$PORT" 2)" = none
post "$PORT" 10 >"$T/2.post" &
PPOST=$!
sleep 1
release "$T/hold2"
wait "$PPOST"
check "once they close the waiting client gets its 200" \
    test "$(cat "$T/2.post")" = 200
check "the cap is logged" grep -q 'the most allowed (max-connections)' \
    "$T/2.log"
stop

# ---- 3. request-timeout
PORT=$(free_port)
conf "$T/3.conf" "$PORT" request-timeout 2s
start "$T/3.conf" "$T/3.log"
took=$(python3 - "$PORT" <<'EOP'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(0.4)
start = time.time()
req = b"POST /v1/samples HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
req += b"x" * 100
for b in req:
    try:
        s.send(bytes([b]))
        if s.recv(1) == b"":
            break
    except socket.timeout:
        continue
    except OSError:
        break
print("%.1f" % (time.time() - start))
EOP
)
diag "the drip-fed request was closed after $took s"
check "a drip-fed request is closed at the 2 s deadline" \
    python3 -c "import sys; sys.exit(not 1.5 <= $took <= 4.0)"
check "the close is logged" grep -q 'request not whole after 2000 ms' \
    "$T/3.log"
stop

summary
