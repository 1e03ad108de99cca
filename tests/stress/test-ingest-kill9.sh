#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A 200 from the ingest endpoint means stored (issue 13, item 7):
# peertop -H with a history takes samples from several concurrent
# clients (ingest-push.py), which record every sample a 200
# acknowledged; peertop is killed with SIGKILL under that load, and the
# history, read with sqlite3 afterwards, must hold every acknowledged
# sample.  Loopback only, about 10 s.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tui/tmux-lib.sh"

PEERTOP=${PEERTOP:-$top_builddir/peertop}
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR
PUSH=$top_srcdir/tests/stress/ingest-push.py

[ -x "$PEERTOP" ] || skip_all "peertop is not built: $PEERTOP"
command -v sqlite3 >/dev/null 2>&1 ||
    skip_all "sqlite3 is needed to read the history (apt-get install sqlite3)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is needed"

mktmpdir
T=$TEST_TMPDIR
CPID=""
at_exit 'if [ -n "$CPID" ]; then kill -9 "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null; fi'

PORT=$(free_port)
cat >"$T/c.conf" <<EOT
ingest listen 127.0.0.1 port $PORT
branch "hq" {
	address 192.0.2.10
	location 47.6 -122.3
}
EOT

"$PEERTOP" -H -c "$T/c.conf" -d "$T/h.db" 2>"$T/c.log" &
CPID=$!
if ! wait_for "grep -q 'listening on' '$T/c.log'" 10; then
	not_ok "collector listens"
	sed 's/^/# /' "$T/c.log"
	summary
fi
ok "collector listens on $PORT"

# Six clients for 20 s at most; the collector is killed after 4 s of it.
: >"$T/acked"
python3 "$PUSH" "$PORT" 6 20 "$T/acked" 200 >"$T/push.out" 2>&1 &
PPID_PUSH=$!
sleep 4
kill -9 "$CPID"
wait "$CPID" 2>/dev/null
CPID=""
if wait_for "! kill -0 $PPID_PUSH" 20; then
	wait "$PPID_PUSH"
else
	kill "$PPID_PUSH" 2>/dev/null
fi
diag "clients: $(cat "$T/push.out")"

acked=$(wc -l <"$T/acked")
check "clients had at least 2000 samples acknowledged ($acked)" \
    test "$acked" -ge 2000

# Every acknowledged sample ("cK n": client, number) must be stored (the history recovers its
# WAL when sqlite3 opens it).
sqlite3 "$T/h.db" "SELECT target || ' ' || rtt_us FROM latency_sample
    WHERE branch = 'hq'" >"$T/stored" 2>"$T/sqlite.err"
check "the history is readable after SIGKILL" test ! -s "$T/sqlite.err"
sort -u "$T/acked" >"$T/acked.s"
sort -u "$T/stored" >"$T/stored.s"
missing=$(comm -23 "$T/acked.s" "$T/stored.s" | wc -l)
diag "acknowledged $acked, stored $(wc -l <"$T/stored"), missing $missing"
check "no acknowledged sample is missing from the history" \
    test "$missing" -eq 0

summary
