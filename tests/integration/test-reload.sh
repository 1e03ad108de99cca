#!/bin/sh
# SPDX-License-Identifier: ISC
# SIGHUP reloads the collector's configuration (issue 14): peertop -H on
# loopback with a BMP listener and a history; a threshold edited and
# SIGHUP: the change is in the log, the process runs on, its listener
# still accepts, the history has what it had and the ConfigReloaded event;
# a session added: logged as needing a restart, not applied; a file that
# does not parse: logged, ConfigReloadFailed, still running; SIGTERM
# ends it with status 0.  About 5 s.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

PEERTOP=${PEERTOP:-$top_builddir/peertop}
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR
[ -x "$PEERTOP" ] || skip_all "peertop is not built: $PEERTOP"
command -v sqlite3 >/dev/null 2>&1 ||
    skip_all "sqlite3 reads the history (apt-get install sqlite3)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

mktmpdir
T=$TEST_TMPDIR
PID=""
at_exit 'if [ -n "$PID" ]; then kill -9 "$PID" 2>/dev/null; fi'

# A port nobody listens on, for the BMP listener.
PORT=$(python3 -c 'import socket; s = socket.socket();
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
accepts() {
	python3 -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2).close()' "$PORT"
}
events() {
	sqlite3 -readonly "$T/h.db" \
	    "SELECT count(*) FROM events WHERE type = '$1'" 2>/dev/null
}

write_conf() {
	cat >"$T/p.conf" <<CONF
bmp listen 127.0.0.1 port $PORT { allow 127.0.0.0/8 }
latency { high $1 }
partner "isp" as 64500 {
	session "sea-r1" neighbor 192.0.2.1 router "r1" edge sea role primary
$2}
branch "hq" {
	address 192.0.2.100
	location 47.6 -122.3
	prefix 198.51.100.0/24 origin 64500
}
CONF
}

write_conf 150ms ""
"$PEERTOP" -H -c "$T/p.conf" -d "$T/h.db" -l "$T/log" 2>"$T/stderr" \
    </dev/null &
PID=$!
if ! wait_for "grep -q 'headless:' '$T/log'" 10; then
	not_ok "peertop -H starts"
	sed 's/^/# /' "$T/stderr" "$T/log" 2>/dev/null
	summary
fi
ok "peertop -H starts"
check "its BMP listener accepts" accepts
# What the history holds before: its run and its first events.
rows() {
	sqlite3 -readonly "$T/h.db" "SELECT count(*) FROM $1" 2>/dev/null
}
wait_for '[ "$(rows events)" -ge 1 ] && [ "$(rows run)" -ge 1 ]' 5
runs=$(rows run)
before=$(rows events)
last=$(sqlite3 -readonly "$T/h.db" 'SELECT max(id) FROM events')

# A threshold: applied, one line in the log, one event in the history.
write_conf 120ms ""
kill -HUP "$PID"
if wait_for "grep -q 'reload: latency high 150 ms -> 120 ms' '$T/log'" 5
then
	ok "SIGHUP: the new threshold is logged as applied"
else
	not_ok "SIGHUP: the new threshold is logged as applied"
	sed 's/^/# /' "$T/log"
fi
check "... and peertop still runs" kill -0 "$PID"
check "... its listener still accepts" accepts
check "... the history has ConfigReloaded" \
    wait_for "[ \"\$(events ConfigReloaded)\" = 1 ]" 5
check "... and every row it had ($runs run, $before events)" test \
    "$(rows run)" = "$runs" -a "$(sqlite3 -readonly "$T/h.db" \
    "SELECT count(*) FROM events WHERE id <= $last")" = "$before"
check "... and it is sound" test \
    "$(sqlite3 -readonly "$T/h.db" 'PRAGMA integrity_check')" = ok

# A session added: needs a restart, said so, not applied.
write_conf 120ms '	session "sea-r2" neighbor 192.0.2.5 router "r2" edge sea role primary
'
kill -HUP "$PID"
if wait_for "grep -q 'reload: needs a restart: session sea-r2 added' \
    '$T/log'" 5; then
	ok "a session added is logged as needing a restart"
else
	not_ok "a session added is logged as needing a restart"
	sed 's/^/# /' "$T/log"
fi
check "... and peertop still runs" kill -0 "$PID"
check "... the history has a second ConfigReloaded" \
    wait_for "[ \"\$(events ConfigReloaded)\" = 2 ]" 5
check "... with the session named" test "$(sqlite3 -readonly "$T/h.db" \
    "SELECT count(*) FROM events WHERE type = 'ConfigReloaded' AND
    details LIKE '%session sea-r2 added%'")" = 1

# A file that does not parse: everything runs on as it was.
echo 'branch "broken" {' >>"$T/p.conf"
kill -HUP "$PID"
if wait_for "grep -q 'reload: .*p.conf:1[0-9]:.*still running' '$T/log'" 5
then
	ok "a broken file is logged with its line and column"
else
	not_ok "a broken file is logged with its line and column"
	sed 's/^/# /' "$T/log"
fi
check "... and peertop still runs" kill -0 "$PID"
check "... its listener still accepts" accepts
check "... the history has ConfigReloadFailed" \
    wait_for "[ \"\$(events ConfigReloadFailed)\" = 1 ]" 5

kill -TERM "$PID"
wait "$PID"
rc=$?
PID=""
check "SIGTERM ends it with status 0 (got $rc)" test "$rc" = 0
check "nothing went to stderr" test ! -s "$T/stderr"
check "the history is sound after the end" test \
    "$(sqlite3 -readonly "$T/h.db" 'PRAGMA integrity_check')" = ok
summary
