#!/bin/sh
# SPDX-License-Identifier: ISC
# The configuration's defaults (issue 13): a listener other hosts can
# reach without access control is warned about at -n (item 14); the
# file's datadir is honoured when the built-in catalogue is missing, and
# a build tree's binary finds the data/ beside it (item 15); include
# fan-out is refused at once (item 6).
. "${top_srcdir:-.}/tests/lib.sh"

PEERTOP=${PEERTOP:-./peertop}
DATA=$top_srcdir/data
mktmpdir
T=$TEST_TMPDIR

# -n only parses: nothing here binds a port.
cat >"$T/open.conf" <<'CONF'
bmp listen 0.0.0.0 port 11019
bmp listen 127.0.0.1 port 11020
bmp listen 192.0.2.1 port 11021 { allow 192.0.2.0/24 }
ingest listen :: port 8425
CONF
PEERTOP_DATADIR=$DATA "$PEERTOP" -n -c "$T/open.conf" >"$T/out" 2>"$T/err"
check "-n accepts a configuration with warnings (exit 0)" test $? = 0
check "-n says the configuration is OK" grep -q "configuration OK" "$T/out"
check "-n warns about bmp listen 0.0.0.0 without allow, at its line" \
    grep -qx "peertop: warning: $T/open.conf:1:12: bmp listen 0.0.0.0 without allow: any host that reaches port 11019 can stream BMP as a router" "$T/err"
check "-n warns about ingest listen :: without token, at its line" \
    grep -qx "peertop: warning: $T/open.conf:4:15: ingest listen :: without token: any host that reaches port 8425 can post latency samples" "$T/err"
check "-n warns about ingest listen :: without tls, at its line" \
    grep -qx "peertop: warning: $T/open.conf:4:15: ingest listen :: without tls: the token and every sample cross the network in clear" "$T/err"
check "loopback and allow-guarded listeners are not warned about" \
    test "$(grep -c warning "$T/err")" = 3
[ "$(grep -c warning "$T/err")" = 3 ] || sed 's/^/# /' "$T/err"

# 4 levels of 100 includes: over a minute and gigabytes of reading before.
start=$(date +%s)
out=$(PEERTOP_DATADIR=$DATA timeout 30 "$PEERTOP" -n \
    -c "$top_srcdir/tests/conf/fanout/f0.conf" 2>&1)
rc=$? secs=$(($(date +%s) - start))
check "include fan-out is refused (exit 1, got $rc)" test "$rc" = 1
check "... within 5 s (took $secs s)" test "$secs" -le 5
case $out in
*"fanout/f3.conf:53:9: include \"f4.conf\": too many includes"*)
	ok "... naming the include that crossed the bound" ;;
*)	not_ok "... naming the include that crossed the bound: $out" ;;
esac

# At start-up: on stderr, in the -l log and in the history.  192.0.2.1
# is not this host's: the listener cannot bind (CollectorDown), which
# keeps the test on loopback.
if command -v sqlite3 >/dev/null; then
	printf 'database "%s/h.db"\nbmp listen 192.0.2.1 port 11019\n' "$T" \
	    >"$T/start.conf"
	PEERTOP_DATADIR=$DATA "$PEERTOP" -H -c "$T/start.conf" -l "$T/h.log" \
	    2>"$T/h.err" </dev/null &
	pid=$!
	at_exit "kill $pid 2>/dev/null"
	if wait_for "sqlite3 '$T/h.db' \"SELECT summary FROM events WHERE
	    type = 'ConfigWarning'\" | grep -q 'bmp listen 192.0.2.1'" 10; then
		ok "headless records a ConfigWarning event in the history"
	else
		not_ok "headless records a ConfigWarning event in the history"
		sed 's/^/# /' "$T/h.err"
	fi
	kill $pid 2>/dev/null
	wait $pid
	check "headless warns on stderr at start-up" \
	    grep -q "warning: $T/start.conf:2:12: bmp listen 192.0.2.1 without allow" "$T/h.err"
	check "... and in its -l log" \
	    grep -q "warning: $T/start.conf:2:12: bmp listen 192.0.2.1 without allow" "$T/h.log"
else
	diag "no sqlite3: the start-up warning is not tested"
fi

# A session at sea and lax: the catalogue must have been read.
cat >"$T/sessions.conf" <<'CONF'
partner "p" as 64500 {
	session "a" neighbor 192.0.2.1 edge sea role primary
	session "b" neighbor 192.0.2.2 edge lax role backup
}
CONF
printf 'datadir "%s"\ninclude "sessions.conf"\n' "$DATA" >"$T/datadir.conf"
out=$(PEERTOP_DATADIR=$T/nowhere "$PEERTOP" -n -c "$T/datadir.conf" 2>&1)
check "datadir is honoured when the catalogue elsewhere is missing: $out" \
    test $? = 0
printf 'datadir "%s"\n' "$DATA" >"$T/dir.conf"
printf 'include "sessions.conf"\ninclude "dir.conf"\n' >"$T/late.conf"
out=$(PEERTOP_DATADIR=$T/nowhere "$PEERTOP" -n -c "$T/late.conf" 2>&1)
check "so is a datadir in an include, after the sessions: $out" \
    test $? = 0
out=$(PEERTOP_DATADIR=$T/nowhere "$PEERTOP" -n -c "$T/sessions.conf" 2>&1)
case $out in
*"edge catalogue: $T/nowhere/edges.csv"*)
	ok "without datadir, a wrong PEERTOP_DATADIR is still an error" ;;
*)	not_ok "without datadir, a wrong PEERTOP_DATADIR is still an error: $out" ;;
esac

# The build tree: data/ beside the binary or one directory up.
bindir=$(cd "$(dirname "$PEERTOP")" && pwd)
if [ -r "$bindir/data/edges.csv" ] || [ -r "$bindir/../data/edges.csv" ]; then
	out=$(env -u PEERTOP_DATADIR "$PEERTOP" -n -c "$T/sessions.conf" 2>&1)
	check "a build tree's binary finds its data/ without PEERTOP_DATADIR: $out" \
	    test $? = 0
else
	diag "no data/ beside $PEERTOP: the build-tree lookup is not tested"
fi

summary
