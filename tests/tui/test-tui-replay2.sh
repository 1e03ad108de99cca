#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Replay shows what was, and says what changed (issue 12, 7), on a
# history made by the real binary (peertop -H, schema 5) and then given
# two recording runs by SQL: 00:00-00:20 before the file kept route
# counts, 00:55-01:20 with them, 35 minutes unrecorded between.
# lon-r1-frr drops twice in the second run; sea-r1-frr stays up.
# Driven through tmux at 80x24 and 200x50, in colour and --mono:
#  - Sessions at 01:14:30 show lon-r1-frr's 4 received and 1 sent and its
#    2 flaps as of then, and at 00:10 "n/a" (not 0) for the counts the
#    file did not keep then;
#  - t and T name the change they stepped to on the status line
#    ("lon-r1-frr Established->Idle", "SessionDown ...");
#  - the timeline squeezes the 35-minute gap into one marked cell (a
#    colon with --ascii), so the second run's incident keeps its width.
# Needs sqlite3 and tmux.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
. "$top_srcdir/tests/lib.sh"

command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
command -v tmux >/dev/null 2>&1 || skip_all "no tmux"
[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
mktmpdir
T=$TEST_TMPDIR
PEERTOP_DATADIR=$top_srcdir/data
TZ=UTC
export PEERTOP_DATADIR TZ
. "$top_srcdir/tests/tui/tmux-lib.sh"

DB=$T/history.db
CONF=$T/peertop.conf
cat >"$CONF" <<EOF
database "$DB"
partner "contoso-net" as 64500 {
	session "lon-r1-frr" neighbor 192.0.2.1 router "lon-r1" edge lon role primary
	session "sea-r1-frr" neighbor 192.0.2.9 router "sea-r1" edge sea role backup
}
branch "london-office" {
	partner "contoso-net"
	address 192.0.2.10
	location 51.51 -0.13
}
EOF

# A schema 5 file as a live peertop creates it.
"$PEERTOP" -H -c "$CONF" -l "$T/log" &
hpid=$!
at_exit "kill $hpid 2>/dev/null"
wait_for "sqlite3 -readonly '$DB' 'SELECT count(*) FROM run' | grep -qx 1" 10
kill "$hpid"
wait "$hpid"
check "peertop -H made a schema 7 history" sh -c \
    "sqlite3 -readonly '$DB' 'PRAGMA user_version' | grep -qx 7"

ms() {	# "HH:MM:SS" on 2026-12-07 -> SQL for its epoch milliseconds
	echo "(strftime('%s','2026-12-07 $1') * 1000)"
}
st() {	# time session old new imported exported
	echo "($(ms "$1"), '$2', 'contoso-net', '$3', '$4', $5, $6),"
}
sqlite3 "$DB" "
DELETE FROM run; DELETE FROM session_state; DELETE FROM session_counts;
DELETE FROM events; DELETE FROM redundancy_state; DELETE FROM branch_route;
DELETE FROM prefix_state; DELETE FROM latency_sample;
DELETE FROM latency_minute; DELETE FROM latency_hour;
INSERT INTO run (start_ms, last_ms, version) VALUES
 ($(ms 00:00:00), $(ms 00:20:00), 'old'), ($(ms 00:55:00), $(ms 01:20:00), 'new');
INSERT INTO session_state (time_ms, session, partner, old_state, state,
 routes_imported, routes_exported) VALUES
 $(st 00:00:05 lon-r1-frr Unknown Established 0 0)
 $(st 00:00:05 sea-r1-frr Unknown Established 0 0)
 $(st 00:20:00 lon-r1-frr Established Unknown 0 0)
 $(st 00:20:00 sea-r1-frr Established Unknown 0 0)
 $(st 00:55:05 lon-r1-frr Unknown Established 0 0)
 $(st 00:55:05 sea-r1-frr Unknown Established 3 1)
 $(st 01:05:00 lon-r1-frr Established Idle 0 0)
 $(st 01:06:00 lon-r1-frr Idle Established 0 0)
 $(st 01:08:00 lon-r1-frr Established Active 0 0)
 $(st 01:11:48 lon-r1-frr Active Established 0 0 | sed 's/,$/;/')
INSERT INTO session_counts (time_ms, session, routes_imported, routes_exported)
 VALUES ($(ms 00:55:06), 'lon-r1-frr', 0, 0), ($(ms 00:55:06), 'sea-r1-frr', 3, 1),
 ($(ms 00:56:00), 'lon-r1-frr', 4, 1), ($(ms 01:12:10), 'lon-r1-frr', 4, 1);
INSERT INTO events (time_ms, type, level, subject, summary) VALUES
 ($(ms 01:05:00), 'SessionDown', 'Error', 'session lon-r1-frr', 'lon-r1-frr Idle'),
 ($(ms 01:08:00), 'SessionDown', 'Error', 'session lon-r1-frr', 'lon-r1-frr Active'),
 ($(ms 01:11:48), 'SessionUp', 'Information', 'session lon-r1-frr', 'lon-r1-frr up');"

# The row of a session in the Sessions view.
row() {
	screen | grep -F -- "$1" | head -1
}

# jump TIME: b, the time (on the day of the history), Enter.
jump() {
	tm send-keys -t pt b
	tm send-keys -t pt "2026-12-07T$1Z" Enter
	expect "$what: jumped to $1" "$1"
}

for size in "80 24" "200 50"; do
	for mode in colour mono; do
		set -- $size
		w=$1
		h=$2
		what="${w}x$h $mode"
		flags=
		[ "$mode" = mono ] && flags=--mono
		tmux_start "$w" "$h" -r "$DB" -c "$CONF" $flags
		expect "$what: the REPLAY banner" "REPLAY"
		tm send-keys -t pt 2
		expect "$what: the Sessions view" "lon-r1-frr"
		jump 01:14:30
		# Established, up 2m42s, 4 received, 1 sent and 2 flaps where
		# there is room for those columns (at 80 the router's name
		# takes PfxSnt's; the detail line says the flaps at any width).
		snt=
		[ "$w" -ge 100 ] && snt=' +1'
		r=$(row lon-r1-frr)
		if echo "$r" | grep -Eq "Established +2m42s +4$snt $(
		    [ "$w" -ge 100 ] && echo '+2 ')"; then
			ok "$what: lon-r1-frr's counts as of 01:14:30"
		else
			not_ok "$what: lon-r1-frr's counts as of 01:14:30"
			diag "row: $r"
		fi
		check "$what: lon-r1-frr's 2 flaps as of 01:14:30" has_text \
		    "lon-r1-frr: neighbor 192.0.2.1, partner contoso-net, edge lon primary, 2 flaps"
		r=$(row sea-r1-frr)
		check "$what: sea-r1-frr 3 received" sh -c \
		    "echo '$r' | grep -Eq 'Established +[0-9hms]+ +3$snt '"

		# t: the next change, named.
		jump 01:04:00
		tm send-keys -t pt t
		expect "$what: t steps to 01:05:00" "01:05:00"
		if wait_for "screen | tail -1 | grep -q 'lon-r1-frr Established.*Idle'" 5
		then
			ok "$what: t names the transition on the status line"
		else
			not_ok "$what: t names the transition on the status line"
			diag "status: $(screen | tail -1)"
		fi
		status=$(screen | tail -1)
		check "$what: ... and the event beside it" sh -c \
		    "echo '$status' | grep -q '+1 more'"
		tm send-keys -t pt T
		expect "$what: T steps back to 00:55:05" "00:55:05"
		if wait_for "screen | tail -1 | grep -q 'lon-r1-frr Unknown.*Established'" 5
		then
			ok "$what: T names the transition it stepped to"
		else
			not_ok "$what: T names the transition it stepped to"
			diag "status: $(screen | tail -1)"
		fi

		# The 35 minutes unrecorded: one marked cell, not a third of it.
		status=$(screen | tail -1)
		gaps=$(printf '%s' "$status" | grep -o '┆' | wc -l)
		check "$what: the gap squeezed into one marked cell" \
		    test "$gaps" -eq 1
		blanks=$(printf '%s' "$status" | sed 's/.*\[//; s/\].*//' |
		    tr -cd ' ' | wc -c)
		check "$what: no stretch of unrecorded blank cells" \
		    test "$blanks" -le 1
		[ "$gaps" -eq 1 ] && [ "$blanks" -le 1 ] ||
		    diag "status: $status"

		# Before the file kept counts: n/a, not 0.
		jump 00:10:00
		r=$(row lon-r1-frr)
		if echo "$r" | grep -Eq "Established +[0-9ms]+ +n/a$(
		    [ "$w" -ge 100 ] && echo ' +n/a') "; then
			ok "$what: counts n/a before the file kept them"
		else
			not_ok "$what: counts n/a before the file kept them"
			diag "row: $r"
		fi
		tm send-keys -t pt q
		wait_for tmux_dead 5
		check "$what: quits with status 0" test "$(tmux_status)" = 0
	done
done

# --ascii: the gap is a colon.
tmux_start 80 24 -r "$DB" -c "$CONF" --ascii
expect "--ascii: the REPLAY banner" "REPLAY"
status=$(screen | tail -1)
check "--ascii: the gap is one ':' in the timeline" test \
    "$(printf '%s' "$status" | sed 's/.*\[//; s/\].*//' | tr -cd ':' |
    wc -c)" -eq 1
tm send-keys -t pt q
wait_for tmux_dead 5
tmux_stop

summary
