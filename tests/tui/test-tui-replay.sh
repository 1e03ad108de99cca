#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Replay (peertop -r, z) on a history recorded from the real BIRD lab:
#  - a headless peertop records while sessions go down and up in BIRD;
#    at each step, once the history has the change, --once -o json is
#    saved with the time;
#  - peertop -r FILE -b TIME --once -o json then shows, for every one of
#    those times, the sessions' states and the partners' redundancy that
#    --once showed during the recording;
#  - the dashboard driven through tmux: -r at 80x24 shows the REPLAY
#    banner with the time and the same states in the Sessions view; b
#    jumps to a typed time, t/T to the next/previous change, Enter on an
#    event to its time, ^/$ to the ends; the timeline marks the events;
#  - the history's bytes are the same after all that (cksum);
#  - z in a live dashboard freezes it into its history and back;
#  - missing and non-SQLite files get a one-line error and exit 2.
# Needs bird2, jq, sqlite3 and tmux.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
. "$top_srcdir/tests/lib.sh"

lab_need_bird
lab_need jq sqlite3 tmux

LAB=$top_srcdir/tests/lab/lab
PEERTOP_DATADIR=$top_srcdir/data
TZ=UTC
export PEERTOP_DATADIR TZ
LAB_TIMEOUT=${LAB_TIMEOUT:-45}
LAB_PORT=${LAB_PORT:-1183}
LAB_FRR=0
export LAB_TIMEOUT LAB_PORT LAB_FRR

lab_setup
. "$top_srcdir/tests/tui/tmux-lib.sh"

# ------------------------------------------------------------ helpers

sql_has()
{
	[ "$(sql "$1")" -gt 0 ] 2>/dev/null
}

# states FILE: "session state" and "partner redundancy" lines, sorted.
states()
{
	jq -r '(.sessions[] | "\(.name) \(.state)"),
	    (.partners[] | "\(.name) \(.redundancy)")' "$1" 2>/dev/null | sort
}

history_has()
{
	# $1 session, $2 state: its latest row in the history.
	[ "$(sql "SELECT state FROM session_state WHERE session = '$1'
	    ORDER BY id DESC LIMIT 1")" = "$2" ]
}

# snap NAME: the recording's --once -o json and the time it stands for,
# a whole second after the history has everything (so a replay at that
# second has it too), and a second before the next change.
snap()
{
	sleep 1.2
	once || return 1
	cp "$T/once.json" "$T/$1.json"
	date -u +%Y-%m-%dT%H:%M:%SZ >"$T/$1.t"
	states "$T/$1.json" >"$T/$1.states"
	sleep 1.2
}

session_of()
{
	jq -r --arg n "$2" '.sessions[] | select(.name == $n) | .state' \
	    "$T/$1.json"
}

# ------------------------------------------------------------ recording

lab_start 100 150 41
ok "lab started on 127.$LAB_NET/16 port $LAB_PORT"

"$PEERTOP" -H -c "$CONF" -l "$T/headless.log" >"$T/headless.out" 2>&1 &
HPID=$!
if wait_for '[ "$(sql "SELECT count(DISTINCT session) FROM session_state
    WHERE state = '"'Established'"'")" = 6 ]' 20 &&
    wait_for 'once && [ "$(jqo "[.partners[] | select(.redundancy ==
    \"REDUNDANT\")] | length")" = 2 ]' 15; then
	ok "headless peertop records all 6 sessions Established"
else
	not_ok "headless peertop records all 6 sessions Established"
	summary
fi
snap up

birdc -s "$DIR/lon-r1.ctl" disable msft_lon >/dev/null
wait_for 'history_has lon-r1-msft AdminDown &&
    sql_has "SELECT count(*) FROM redundancy_state WHERE
    partner = '"'contoso-net'"' AND state = '"'DEGRADED'"'"' 15
wait_for 'once && [ "$(jqo ".sessions[] | select(.name == \"lon-r1-msft\") |
    .state")" = AdminDown ]' 15
snap one
check "recording: lon-r1-msft AdminDown in --once" \
    test "$(session_of one lon-r1-msft)" = AdminDown
# The file a live peertop is writing, replayed beside it.
"$PEERTOP" -r "$DB" --once -o json >"$T/beside.json" 2>"$T/beside.err"
check "-r --once beside the live writer: the state at the end" test \
    "$(jq -r '.sessions[] | select(.name == "lon-r1-msft") | .state' \
    "$T/beside.json")" = AdminDown
check "... and the writer is still running" kill -0 "$HPID"

birdc -s "$DIR/sea-r2.ctl" disable msft_sea >/dev/null
wait_for 'history_has sea-r2-msft AdminDown' 15
wait_for 'once && [ "$(jqo ".sessions[] | select(.name == \"sea-r2-msft\") |
    .state")" = AdminDown ]' 15
snap two
check "recording: sea-r2-msft AdminDown in --once" \
    test "$(session_of two sea-r2-msft)" = AdminDown

birdc -s "$DIR/lon-r1.ctl" enable msft_lon >/dev/null
birdc -s "$DIR/sea-r2.ctl" enable msft_sea >/dev/null
wait_for 'history_has lon-r1-msft Established &&
    history_has sea-r2-msft Established' 20
wait_for 'once && [ "$(jqo "[.sessions[] | select(.state ==
    \"Established\")] | length")" = 6 ]' 20
snap back
check "recording: all Established again" test \
    "$(grep -c Established "$T/back.states")" = 6

lab_stop_headless
cksum <"$DB" >"$T/cksum.before"

# ------------------------------------------------------------ --once

for s in up one two back; do
	"$PEERTOP" -r "$DB" -b "$(cat "$T/$s.t")" --once -o json \
	    >"$T/replay-$s.json" 2>"$T/replay-$s.err"
	states "$T/replay-$s.json" >"$T/replay-$s.states"
	if [ -s "$T/$s.states" ] &&
	    cmp -s "$T/$s.states" "$T/replay-$s.states"; then
		ok "-r -b $(cat "$T/$s.t") --once: states as --once showed" \
		    "them then ($s)"
	else
		not_ok "-r -b $(cat "$T/$s.t") --once: states as --once" \
		    "showed them then ($s)"
		diff "$T/$s.states" "$T/replay-$s.states" | sed 's/^/# /'
		sed 's/^/# stderr: /' "$T/replay-$s.err"
	fi
done
check "the replayed --once says which time it shows" test \
    "$(jq -r .replay "$T/replay-two.json")" = "$(cat "$T/two.t")"

# ------------------------------------------------------------ dashboard

# screen_matches SNAP: every session's state of SNAP on its row of the
# Sessions view.
screen_matches()
{
	screen >"$T/screen"
	jq -r '.sessions[] | "\(.name) \(.state)"' "$T/$1.json" |
	while read -r sm_name sm_state; do
		grep -F -- "$sm_name" "$T/screen" | grep -qwF -- "$sm_state" ||
			return 1
	done
}

# expect_screen DESC SNAP
expect_screen()
{
	if wait_for "screen_matches $2" 10; then
		ok "$1"
	else
		not_ok "$1"
		screen | sed 's/^/# | /'
	fi
}

tmux_start 80 24 -r "$DB" -b "$(cat "$T/up.t")"
expect "-r shows the REPLAY banner" "REPLAY"
tm send-keys -t pt 2
expect_screen "Sessions view at the first time: all as recorded" up
expect "the banner shows the replayed time" \
    "$(cut -c12-19 "$T/up.t")"

tm send-keys -t pt b
expect "b opens the jump prompt" "jump to"
tm send-keys -t pt "$(cat "$T/two.t")" Enter
expect_screen "b TIME: two sessions down, as --once showed then" two
expect "the banner moved to that time" "$(cut -c12-19 "$T/two.t")"

# T from "two", again until sea-r2-msft is up: the change before its
# transition; then t is that transition (a time shows what happened at it).
# The Sessions row, not the replay bar (t/T name the change there).
sea_down()
{
	screen | sed '$d' | grep -F sea-r2-msft | grep -qw AdminDown
}
i=0
while [ $i -lt 12 ] && sea_down; do
	tm send-keys -t pt T
	sleep 0.4
	i=$((i + 1))
done
if [ $i -gt 0 ] && ! sea_down &&
    screen | sed '$d' | grep -F sea-r2-msft | grep -qw Established; then
	ok "T steps back to before sea-r2-msft went down ($i changes)"
else
	not_ok "T steps back to before sea-r2-msft went down"
	screen | sed 's/^/# | /'
fi
tm send-keys -t pt t
if wait_for sea_down 10; then
	ok "t steps forward to sea-r2-msft going down"
else
	not_ok "t steps forward to sea-r2-msft going down"
	screen | sed 's/^/# | /'
fi

tm send-keys -t pt '$'
expect_screen "\$ goes to the end: all back up" back
tm send-keys -t pt '^'
expect_screen "^ goes to the start" up

# Play at 10 s per second from the start: the drop comes by itself.
tm send-keys -t pt '<' p
expect "p plays, at the speed shown" "10x"
if wait_for "screen | sed '\$d' | grep -F lon-r1-msft | grep -qw AdminDown" 15
then
	ok "playing reaches lon-r1-msft going down"
else
	not_ok "playing reaches lon-r1-msft going down"
	screen | sed 's/^/# | /'
fi
tm send-keys -t pt p
expect_not "p again pauses" "10x"

# Events view: Enter on an event opens its page, r there shows the
# dashboard at its time.
tm send-keys -t pt b
tm send-keys -t pt "$(cat "$T/back.t")" Enter
tm send-keys -t pt 3
expect "Events view in replay" "SessionUp"
ev=$(sql "SELECT strftime('%H:%M:%S', time_ms / 1000, 'unixepoch') FROM
    events WHERE time_ms <= (SELECT time_ms FROM events WHERE type =
    'SessionDown' AND subject LIKE '%sea-r2-msft%') ORDER BY time_ms DESC,
    id DESC LIMIT 1")
# Move the cursor to the SessionDown of sea-r2-msft and press Enter.
n=$(screen | awk '/Time +Lvl/ { h = NR } /SessionDown/ && /sea-r2/ {
    print NR - h - 1; exit }')
if [ -n "$n" ]; then
	i=0
	while [ "$i" -lt "$n" ]; do
		tm send-keys -t pt j
		i=$((i + 1))
	done
	tm send-keys -t pt Enter
	expect "Enter on an event opens its page" "Event #"
	check "... the page of sea-r2-msft's SessionDown" \
	    has_text "SessionDown"
	tm send-keys -t pt r
	expect "r on the page jumps to its time" " $ev "
else
	not_ok "the Events view lists sea-r2-msft's SessionDown"
	screen | sed 's/^/# | /'
fi

# The timeline: Error events (SessionDown of a primary) drawn as such.
tmux_stop
tmux_start 80 24 --ascii -r "$DB"
expect "--ascii replay: banner" "REPLAY"
if wait_for 'screen | tail -1 | grep -q "\[.*[O#].*\]"' 5; then
	ok "the timeline marks the Error events"
else
	not_ok "the timeline marks the Error events"
	screen | tail -1 | sed 's/^/# | /'
fi
tm send-keys -t pt q
wait_for tmux_dead 5
check "q leaves replay with status 0" test "$(tmux_status)" = 0
tmux_stop
cksum <"$DB" >"$T/cksum.after"
check "the history's bytes are unchanged by the replays" \
    cmp -s "$T/cksum.before" "$T/cksum.after"

# ------------------------------------------------------------ z

LIVE=$T/live.db
tmux_start 100 30 -c "$CONF" -d "$LIVE"
expect "live dashboard on the lab" "REDUNDANT"
wait_for "test -s '$LIVE'" 10
sleep 1
tm send-keys -t pt t
expect "a replay key in the live dashboard says how to get there" \
    "z freezes"
tm send-keys -t pt z
expect "z freezes the live dashboard into its history" "REPLAY"
expect "the frozen view says how to go back" "z:live"
tm send-keys -t pt z
expect_not "z again returns to live" "REPLAY"
tm send-keys -t pt q
wait_for tmux_dead 5
tmux_stop

# ------------------------------------------------------------ bad files

"$PEERTOP" -r "$T/missing.db" --once >"$T/out" 2>"$T/err"
rc=$?
check "-r on a missing file exits 4" test "$rc" = 4
check "... naming the file" grep -q "missing.db" "$T/err"
echo "not a database" >"$T/text.db"
"$PEERTOP" -r "$T/text.db" --once >"$T/out" 2>"$T/err"
rc=$?
check "-r on a text file exits 4" test "$rc" = 4
check "... saying it is not SQLite" grep -qi "not an SQLite" "$T/err"
check "... in one line" test "$(wc -l <"$T/err")" = 1
"$PEERTOP" -r "$DB" -b "yesterday" --once >"$T/out" 2>"$T/err"
check "-b with a bad time exits 4" test "$?" = 4

summary
