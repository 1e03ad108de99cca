#!/bin/sh
# SPDX-License-Identifier: ISC
# Events as open conditions, through tmux (issue 12, parts 3 to 5): a
# history recorded headless (its collector down) and then given one
# incident with sqlite3 (a session down and up, a hijack of
# london-office's prefix, a burst of 25 LossHigh, a LatencyHigh) is
# replayed with peertop -r at 80x24 and 200x50, in colour and --mono:
#  - the Events view shows the hijack (CRIT, its type uncut) above the
#    fold, because the burst is one row ("25 in 24s"), and the header
#    counts what is open;
#  - /london finds the hijack (its subject is "prefix 81.2.69.0/24")
#    and not seattle-hq's burst, and the filter is still set after
#    another view;
#  - o shows only what is open (SessionDown was resolved, CollectorDown
#    was not); + unfolds the burst;
#  - Enter opens an event's page (resolved by SessionUp, its related
#    names); r takes the dashboard to its time, where it was open;
# and a live dashboard's status bar shows what is open beside the last
# 24 hours' counts.  Needs tmux and sqlite3.
#
# Environment (set by make check): top_srcdir, PEERTOP.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=${top_builddir:-$top_srcdir}/peertop}"
. "$top_srcdir/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
[ -x "$PEERTOP" ] || { not_ok "peertop binary at $PEERTOP"; summary; }

mktmpdir
T=$TEST_TMPDIR
PEERTOP_DATADIR=$top_srcdir/data
TZ=UTC
export PEERTOP_DATADIR TZ
. "$top_srcdir/tests/tui/tmux-lib.sh"

# A BIRD collector whose socket does not exist: CollectorDown, open.
cat >"$T/ev.conf" <<EOF
bird "$T/no-bird.ctl" router "lon-r1" interval 1s
partner "contoso" as 64500 {
	session "lon-r1-msft" neighbor 192.0.2.1 router "lon-r1" edge lon role primary
	session "ams-r1-msft" neighbor 192.0.2.5 router "ams-r1" edge ams role backup
}
branch "london-office" {
	partner "contoso"
	address 81.2.69.10
	prefix 81.2.69.0/24 origin 64501
}
branch "seattle-hq" {
	address 216.160.83.56
	prefix 216.160.83.0/24 origin 64500
}
EOF

# ------------------------------------------------------------ the history
"$PEERTOP" -H -c "$T/ev.conf" -d "$T/h.db" 2>"$T/headless.err" &
pid=$!
at_exit "kill $pid 2>/dev/null"
wait_for "[ \"\$(sqlite3 '$T/h.db' 'SELECT count(*) FROM events' \
    2>/dev/null)\" -gt 0 ]" 10 ||
    not_ok "the headless run records its CollectorDown"
kill "$pid"
wait "$pid"

t0=$(sqlite3 "$T/h.db" 'SELECT max(time_ms) FROM events')
ev()
{
	echo "INSERT INTO events (time_ms, type, level, subject, summary," \
	    "details) VALUES ($((t0 + $1)), '$2', '$3', '$4', '$5', '$6');"
}
{
	echo "BEGIN;"
	ev 1000 SessionDown Error "session lon-r1-msft" \
	    "lon-r1-msft (lon primary) Idle: Hold timer expired" \
	    "neighbor 192.0.2.1"
	ev 31000 SessionUp Information "session lon-r1-msft" \
	    "lon-r1-msft (lon primary) Established" ""
	ev 60000 PrefixOriginAsChangeEvent Critical "prefix 81.2.69.0/24" \
	    "81.2.69.0/24 originated by AS64666, registered AS64501" \
	    "session ams-r1-msft edge ams path 64500 64666"
	i=0
	while [ $i -lt 25 ]; do
		ev $((85000 + i * 1000)) LossHigh Warning \
		    "branch seattle-hq edge ams" \
		    "seattle-hq to ams 192.0.2.$i: loss $((20 + i))%" ""
		i=$((i + 1))
	done
	ev 112000 LatencyHigh Warning "branch london-office edge lon" \
	    "london-office to lon: median 212.0 ms over 150 ms" ""
	echo "COMMIT;"
} | sqlite3 "$T/h.db" || not_ok "the incident goes into the history"
down_at=$(date -u -d "@$(((t0 + 1000) / 1000))" +%H:%M:%S 2>/dev/null)

keys()
{
	tm send-keys -t pt "$@"
	sleep 0.4
}

# lines TEXT: how many lines of the screen have TEXT.
# How many lines below the title bar (which names the worst open
# condition) hold the text.
lines()
{
	screen | sed 1d | grep -cF -- "$1"
}

# bursts: LossHigh rows (the detail line below the list has no level).
bursts()
{
	screen | grep -c 'WARN.*LossHigh'
}

# ------------------------------------------------------------ replay
for mode in "80 24" "200 50" "80 24 --mono" "200 50 --mono"; do
	set -- $mode
	tag="$1x$2${3:+ $3}"
	tmux_start "$1" "$2" -r "$T/h.db" -c "$T/ev.conf" $3
	if ! wait_for "has_text REPLAY" 10; then
		not_ok "$tag: peertop -r shows the replay"
		screen | sed 's/^/# | /'
		continue
	fi
	keys 3 '$'
	expect "$tag: the hijack is above the fold, CRIT, its type whole" \
	    "CRIT ●  PrefixOriginAsChangeEvent"
	check "$tag: the burst of 25 LossHigh is one row" \
	    [ "$(bursts)" = 1 -a "$(lines '25 in 24s')" = 1 ]
	expect "$tag: the header counts what is open" "open: C:1 E:1 W:2"

	keys / l o n d o n Enter
	expect "$tag: /london finds the hijack of london-office's prefix" \
	    "PrefixOriginAsChangeEvent"
	expect_not "$tag: /london hides seattle-hq's burst" "LossHigh"
	keys 2
	expect "$tag: Sessions" "PfxRcd"
	keys 3
	check "$tag: the Events filter is still set after Sessions" \
	    wait_for '[ "$(lines LossHigh)" = 0 -a "$(lines PrefixOriginAs)" = 1 ]' 5
	keys Escape

	keys o
	expect_not "$tag: o hides the resolved SessionDown" "SessionDown"
	expect "$tag: o keeps the open CollectorDown" "CollectorDown"
	keys o
	expect "$tag: o again shows every event" "SessionDown"

	keys g j +
	check "$tag: + unfolds the burst" [ "$(bursts)" -ge 10 ]
	keys -
	check "$tag: - folds it again" [ "$(bursts)" = 1 ]

	keys / H o l d Enter Enter
	expect "$tag: Enter opens the event's page" "Event #"
	expect "$tag: the page says what resolved it" \
	    "resolved by INFO SessionUp"
	expect "$tag: the page has its related names" "Router    lon-r1"
	keys r
	expect "$tag: r goes to the event's time, $down_at" "$down_at UTC"
	expect "$tag: where the session was still down" "OPEN for"
	keys Escape
	expect_not "$tag: Esc closes the page" "Event #"
	keys q
	wait_for tmux_dead 5 || not_ok "$tag: q quits"
	check "$tag: exit status 0" [ "$(tmux_status)" = 0 ]
done

# ------------------------------------------------------------ live
for mode in "80 24" "200 50 --mono"; do
	set -- $mode
	tag="live $1x$2${3:+ $3}"
	rm -f "$T/live.db" "$T/live.db-wal" "$T/live.db-shm"
	tmux_start "$1" "$2" -c "$T/ev.conf" -d "$T/live.db" $3
	expect "$tag: the status bar shows what is open" "open: E:1"
	if [ "$1" -ge 120 ]; then
		expect "$tag: beside the last 24 hours' counts" \
		    "open: E:1 | 24h C:0 E:1 W:0 I:0"
	else
		check "$tag: the collector keeps the room" \
		    lacks_text "24h C:"
		keys 3
		expect "$tag: the Events header has the 24 hours' counts" \
		    "| 24h C:0 E:1 W:0 I:0"
	fi
	keys q
	wait_for tmux_dead 5 || not_ok "$tag: q quits"
done
tmux_stop
summary
