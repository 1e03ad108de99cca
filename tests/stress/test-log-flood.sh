#!/bin/sh
# SPDX-License-Identifier: ISC
# The log under a flood (issue 13, item 1): descriptors run out while
# connections pile up on the ingest port, and a BMP listener refuses
# thousands of connections; the log stays small, libevent's own
# "[warn] Error from accept() call" never reaches stderr, and what was
# counted is said by exit.  Loopback only, a few seconds each.
. "${top_srcdir:-.}/tests/lib.sh"

PEERTOP=${PEERTOP:-./peertop}
PEERTOP_DATADIR=${PEERTOP_DATADIR:-$top_srcdir/data}
export PEERTOP_DATADIR
command -v python3 >/dev/null || skip_all "no python3"
mktmpdir
T=$TEST_TMPDIR
PID=
at_exit 'if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; fi'

port()
{
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start CONF NAME [ulimit -n]: headless peertop logging to $T/NAME.log.
start()
{
	(
		[ -z "$3" ] || ulimit -n "$3"
		exec "$PEERTOP" -H -c "$1" -l "$T/$2.log"
	) >"$T/$2.out" 2>"$T/$2.err" </dev/null &
	PID=$!
	wait_for "python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $P), 1)'" 10 ||
	    not_ok "$2: peertop listens on port $P"
}

stop()
{
	kill "$PID"
	wait "$PID"
	check "$1: peertop exits 0 on SIGTERM after the flood" test $? = 0
	PID=
}

# bounded NAME: the log and stderr after the flood.
bounded()
{
	lines=$(wc -l <"$T/$1.log")
	bytes=$(wc -c <"$T/$1.log")
	diag "$1: $lines lines, $bytes bytes in the log"
	check "$1: at most 310 lines in the log (got $lines)" \
	    test "$lines" -le 310
	check "$1: at most 64 KiB in the log (got $bytes)" \
	    test "$bytes" -le 65536
	check "$1: nothing on stderr" test ! -s "$T/$1.err"
	[ ! -s "$T/$1.err" ] || head -5 "$T/$1.err" | sed 's/^/# /'
}

# 1. 150 idle connections against 48 descriptors.
P=$(port)
printf 'ingest listen 127.0.0.1 port %s\n' "$P" >"$T/ingest.conf"
start "$T/ingest.conf" ingest 48
python3 - "$P" <<'PY'
import socket, sys, time
held = []
for i in range(150):
	try:
		held.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1))
	except OSError:
		pass
time.sleep(3)
PY
stop ingest
bounded ingest
diag "ingest: libevent lines: $(grep -c 'libevent:' "$T/ingest.log")," \
    "summaries: $(grep -c 'repeated\|suppressed' "$T/ingest.log")"

# 2. Connections refused (127.0.0.1 is not in allow) for 8 s: one line
# each before, at most 300 a minute now.
P=$(port)
printf 'bmp listen 127.0.0.1 port %s { allow 192.0.2.0/24 }\n' "$P" \
    >"$T/bmp.conf"
start "$T/bmp.conf" bmp
n=$(python3 - "$P" <<'PY'
import socket, sys, time
n, end = 0, time.monotonic() + 8
while n < 5000 and time.monotonic() < end:
	try:
		socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
		n += 1
	except OSError:
		pass
print(n)
PY
)
stop bmp
diag "bmp: $n connections refused"
if [ "$n" -ge 400 ]; then
	bounded bmp
	# The collector summarises its refusals itself (item 3); what
	# else floods is suppressed by the log and counted there.
	check "bmp: the refused connections are counted in the log" \
	    grep -Eq "refused [0-9]+ connections? from|messages suppressed" \
	    "$T/bmp.log"
else
	diag "bmp: too few connections for the bound to tell (machine busy)"
fi
summary
