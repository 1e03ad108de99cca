#!/bin/sh
# SPDX-License-Identifier: ISC
# Notification latency (issue 15): a headless collector with a notify
# block (hold 0) posting to a JSON webhook on loopback
# (tests/integration/notify-recv.py); BENCH_SESSIONS sessions (default
# 40) of a stand-in BIRD (notify-bird.py) drop and come back, a few at a
# time, for BENCH_ROUNDS rounds (default 15).  For every message the
# latency is from the event (its raised or resolved time, as the
# collector stamped it) to the receiver's arrival; prints the count, p50,
# p99 and max, and PASS or MISS against p99 <= 1 s.  Exits 77 without
# python3, 1 when the collector does not come up or nothing arrives.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
PEERTOP=${PEERTOP:-./peertop}
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
SESSIONS=${BENCH_SESSIONS:-40}
ROUNDS=${BENCH_ROUNDS:-15}
PER_ROUND=5
TARGET_MS=1000
H=$top_srcdir/tests/integration
PEERTOP_DATADIR=$top_srcdir/data
PEERTOP_SOCKET=
export PEERTOP_DATADIR PEERTOP_SOCKET

mktmpdir
T=$TEST_TMPDIR
HPID=""
at_exit 'if [ -n "$HPID" ]; then kill "$HPID" 2>/dev/null;
    wait "$HPID" 2>/dev/null; fi'

PORT=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$H/notify-recv.py" "$PORT" "$T/recv.out" "$T/mode" &
at_exit "kill $! 2>/dev/null"

states()	# the sessions from FIRST to LAST are down, the rest up
{
	awk -v n="$SESSIONS" -v a="$1" -v b="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf("s%d 10.0.%d.1 %s\n", i, i,
			    (i >= a + 0 && i <= b + 0) ? "down" : "up")
	}' >"$T/states.new"
	mv "$T/states.new" "$T/states"
}
states -1 -1
python3 "$H/notify-bird.py" "$T/b.ctl" "$T/states" &
at_exit "kill $! 2>/dev/null"

awk -v n="$SESSIONS" -v t="$T" -v port="$PORT" 'BEGIN {
	printf "bird \"%s/b.ctl\" router \"a\" interval 200ms\n", t
	printf "database \"%s/history.db\"\ncontrol \"%s/peertop.sock\"\n", t, t
	for (i = 0; i < n; i++) {
		if (i % 2 == 0)
			printf "partner \"p%d\" as %d {\n", i / 2, 64512 + i / 2
		printf "\tsession \"s%d\" neighbor 10.0.%d.1 router \"a\" " \
		    "edge sea role %s\n", i, i, i % 2 ? "backup" : "primary"
		if (i % 2 == 1)
			print "}"
	}
	printf "notify \"bench\" {\n\tlevel warning\n\ttype SessionDown\n"
	printf "\thold 0\n\twebhook \"http://127.0.0.1:%d/json\" " \
	    "format json\n}\n", port
}' >"$T/peertop.conf"
"$PEERTOP" -n -c "$T/peertop.conf" >"$T/check.log" 2>&1 || {
	sed 's/^/# /' "$T/check.log" | tail -5
	exit 1
}
"$PEERTOP" -H -c "$T/peertop.conf" -l "$T/headless.log" >/dev/null 2>&1 &
HPID=$!
wait_for "test -S '$T/peertop.sock'" 10 || {
	echo "bench-notify: the collector did not come up" >&2
	exit 1
}
sleep 2		# every session reported once

r=0
while [ $r -lt "$ROUNDS" ]; do
	a=$(((r * PER_ROUND) % SESSIONS))
	states $a $((a + PER_ROUND - 1))
	sleep 1
	states -1 -1
	sleep 1
	r=$((r + 1))
done
sleep 2

python3 - "$T/recv.out" "$TARGET_MS" "$((ROUNDS * PER_ROUND * 2))" <<'EOP'
import datetime, json, sys
def ms(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")) \
        .timestamp() * 1000
lat = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    for e in r["body"]:
        ref = e["resolved"] if e["state"] == "resolved" else e["raised"]
        lat.append(r["t"] * 1000 - ms(ref))
if not lat:
    print("bench-notify: nothing arrived", file=sys.stderr)
    sys.exit(1)
lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
target = float(sys.argv[2])
print("notify: latency event -> webhook, %d messages (%s expected), "
      "hold 0: p50 %.0f ms, p99 %.0f ms, max %.0f ms (target p99 <= %d "
      "ms) %s" % (len(lat), sys.argv[3], p(0.5), p(0.99), lat[-1], target,
                  "PASS" if p(0.99) <= target else "MISS"))
EOP
