#!/bin/sh
# SPDX-License-Identifier: ISC
# peertop -H tells systemd how it is doing (sd_notify(3), issue 14):
# started with $NOTIFY_SOCKET naming a unix datagram socket the test
# listens on (notify-listen.py, as systemd would for Type=notify), it
# sends READY=1 and a STATUS= line once its collectors run; RELOADING=1
# with MONOTONIC_USEC and then READY=1 on SIGHUP, also when the file
# does not parse; WATCHDOG=1 at half $WATCHDOG_USEC; STOPPING=1 on
# SIGTERM.  Once with a socket path, once with an abstract name
# (@NAME).  About 5 s.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

PEERTOP=${PEERTOP:-$top_builddir/peertop}
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR
LISTEN=$top_srcdir/tests/integration/notify-listen.py
[ -x "$PEERTOP" ] || skip_all "peertop is not built: $PEERTOP"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

mktmpdir
T=$TEST_TMPDIR
PID=""
LPID=""
at_exit 'for p in $PID $LPID; do kill -9 "$p" 2>/dev/null; done'

cat >"$T/p.conf" <<CONF
latency { high 150ms }
branch "hq" {
	address 192.0.2.100
	location 47.6 -122.3
}
CONF

# The line number of the first line of $T/notes matching $1 after line
# $2 (0 when none).
after() {
	awk -v re="$1" -v from="$2" 'NR > from && $0 ~ re { print NR; f = 1;
	    exit } END { if (!f) print 0 }' "$T/notes"
}

# One run against the socket $1 (a path or @NAME).
run() {
	sock=$1
	name=$2
	: >"$T/notes"
	python3 "$LISTEN" "$sock" "$T/notes" &
	LPID=$!
	wait_for "grep -q LISTENING '$T/notes'" 5 ||
	    { not_ok "$name: the listener starts"; return; }
	NOTIFY_SOCKET=$sock WATCHDOG_USEC=400000 "$PEERTOP" -H \
	    -c "$T/p.conf" -d "$T/h.db" -l "$T/log" 2>"$T/stderr" </dev/null &
	PID=$!
	if wait_for "grep -q '^READY=1' '$T/notes'" 10; then
		ok "$name: READY=1 once started"
	else
		not_ok "$name: READY=1 once started"
		sed 's/^/# /' "$T/notes" "$T/stderr" "$T/log"
		kill "$PID"
		return
	fi
	check "$name: a STATUS= line on the collectors and the history" \
	    grep -q '^STATUS=0 of 0 collectors up, 0 viewers, history ok$' "$T/notes"
	check "$name: WATCHDOG=1 pings at half WATCHDOG_USEC" \
	    wait_for "[ \$(grep -c '^WATCHDOG=1' '$T/notes') -ge 3 ]" 3

	sed 's/150ms/120ms/' "$T/p.conf" >"$T/p.new" && mv "$T/p.new" "$T/p.conf"
	mark=$(wc -l <"$T/notes")
	kill -HUP "$PID"
	wait_for "[ \$(after '^READY=1' $mark) -gt 0 ]" 5
	r=$(after '^RELOADING=1 MONOTONIC_USEC=[0-9]+$' "$mark")
	check "$name: SIGHUP: RELOADING=1 with MONOTONIC_USEC" test "$r" -gt 0
	check "$name: ... then READY=1" test "$(after '^READY=1' "$r")" -gt 0

	echo 'branch "broken" {' >>"$T/p.conf"
	mark=$(wc -l <"$T/notes")
	kill -HUP "$PID"
	wait_for "[ \$(after '^READY=1' $mark) -gt 0 ]" 5
	r=$(after '^RELOADING=1' "$mark")
	check "$name: a file that does not parse: RELOADING=1, READY=1" \
	    test "$r" -gt 0 -a "$(after '^READY=1' "$r")" -gt 0
	check "$name: ... and peertop still runs" kill -0 "$PID"

	mark=$(wc -l <"$T/notes")
	kill -TERM "$PID"
	wait "$PID"
	rc=$?
	PID=""
	check "$name: SIGTERM: STOPPING=1" test "$(after '^STOPPING=1' \
	    "$mark")" -gt 0
	check "$name: ... and exit status 0 (got $rc)" test "$rc" = 0
	check "$name: nothing on stderr" test ! -s "$T/stderr"
	kill "$LPID"
	wait "$LPID" 2>/dev/null
	LPID=""
	sed 's/120ms/150ms/; /broken/d' "$T/p.conf" >"$T/p.new" &&
	    mv "$T/p.new" "$T/p.conf"
}

run "$T/notify" "path"
run "@peertop-test-$$" "abstract"

# Outside systemd nothing is sent and nothing breaks.
"$PEERTOP" -H -c "$T/p.conf" -d "$T/h.db" -l "$T/log" 2>"$T/stderr" \
    </dev/null &
PID=$!
wait_for "grep -c 'headless:' '$T/log' | grep -q 3" 10
kill -HUP "$PID"
sleep 0.3
check "without NOTIFY_SOCKET SIGHUP still reloads" kill -0 "$PID"
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=""
check "... and SIGTERM ends it with 0 (got $rc)" test "$rc" = 0
check "... nothing on stderr" test ! -s "$T/stderr"
summary
