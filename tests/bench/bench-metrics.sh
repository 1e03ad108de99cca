#!/bin/sh
# SPDX-License-Identifier: ISC
# GET /metrics of a headless collector (issue 15) with BENCH_SESSIONS
# sessions (default 1,000, four to a partner) and BENCH_BRANCHES
# branches (default 500, placed by location so each has a nearest
# edge), from a generated configuration: the scrape time (request to the
# last byte, OpenMetrics as Prometheus asks for it), median of
# BENCH_RUNS (default 21) after one warm-up; target <= 50 ms.  Prints
# the figure, the body's size and PASS or MISS.  Exits 77 without
# python3, 1 when the collector does not come up.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
PEERTOP=${PEERTOP:-./peertop}
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
SESSIONS=${BENCH_SESSIONS:-1000}
BRANCHES=${BENCH_BRANCHES:-500}
RUNS=${BENCH_RUNS:-21}
TARGET_MS=50
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
awk -v n="$SESSIONS" -v nb="$BRANCHES" -v port="$PORT" -v t="$T" 'BEGIN {
	split("sea lax lon ams", edge, " ")
	printf "database \"%s/history.db\"\n", t
	printf "control \"%s/peertop.sock\"\n", t
	printf "metrics listen 127.0.0.1 port %d\n", port
	for (i = 0; i < n; i++) {
		if (i % 4 == 0)
			printf "partner \"p%d\" as %d {\n", i / 4, 64512 + i / 4
		printf "\tsession \"s%d\" neighbor 10.%d.%d.1 router \"r%d\" " \
		    "edge %s role %s\n", i, int(i / 250), i % 250, i % 2,
		    edge[i % 4 + 1], i % 2 ? "backup" : "primary"
		if (i % 4 == 3 || i == n - 1)
			print "}"
	}
	for (i = 0; i < nb; i++)
		printf "branch \"b%d\" {\n\tpartner \"p%d\"\n\taddress " \
		    "192.0.2.%d\n\tlocation %d %d\n}\n", i, i % (n / 4),
		    i % 250 + 1, 30 + i % 30, -120 + i % 140
}' >"$T/peertop.conf"
"$PEERTOP" -n -c "$T/peertop.conf" >"$T/check.log" 2>&1 || {
	sed 's/^/# /' "$T/check.log" | tail -5
	exit 1
}
"$PEERTOP" -H -c "$T/peertop.conf" >"$T/headless.log" 2>&1 &
HPID=$!

# Median wall time of RUNS scrapes after a warm-up, in ms, and the size.
python3 - "$PORT" "$RUNS" >"$T/result" <<'EOP' || {
import sys, time, urllib.request
port, runs = sys.argv[1], int(sys.argv[2])
url = 'http://127.0.0.1:%s/metrics' % port
hdr = {'Accept': 'application/openmetrics-text; version=1.0.0'}
for _ in range(100):
    try:
        urllib.request.urlopen(url, timeout=2).read()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit(1)
times = []
for i in range(runs + 1):
    t0 = time.monotonic()
    body = urllib.request.urlopen(urllib.request.Request(url, headers=hdr),
                                  timeout=10).read()
    t1 = time.monotonic()
    if i > 0:
        times.append((t1 - t0) * 1000)
    if not body.endswith(b'# EOF\n'):
        sys.exit(2)
times.sort()
print('%.2f %d %d' % (times[len(times) // 2], len(body),
                      body.count(b'\n')))
EOP
	echo "bench-metrics: the collector did not serve /metrics" >&2
	sed 's/^/# /' "$T/headless.log" | tail -5
	exit 1
}
read -r MS BYTES LINES <"$T/result"
if awk -v ms="$MS" -v t="$TARGET_MS" 'BEGIN { exit !(ms <= t) }'; then
	verdict=PASS
else
	verdict=MISS
fi
echo "metrics: scrape of $SESSIONS sessions, $BRANCHES branches" \
    "($BYTES bytes, $LINES lines): median $MS ms of $RUNS" \
    "(target <= $TARGET_MS ms) $verdict"
