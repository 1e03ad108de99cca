#!/bin/sh
# SPDX-License-Identifier: ISC
# Acknowledging events and the : command line, through tmux (issue 14):
# a standalone dashboard whose two BIRD collectors have no socket, so two
# CollectorDown Errors are open, at 80x24 and 200x50 (and --mono):
#  - the title bar counts them unacknowledged ("2 err unack'd") beside
#    the worst thing, which keeps its what and where;
#  - the Events view's State column reads OPEN; a on the selected one
#    acknowledges it as the user running peertop ("ack root"), the
#    bottom line says so, the count drops to 1; a again says who did;
#  - o shows only what is open, the tab (at 80 columns, where the count
#    takes the tabs' names, the header) says so, the unacknowledged first;
#    A asks for a comment (":ack ID " typed), Enter acknowledges, the
#    count is gone, and the event's page shows the comment;
#  - :goto branch london-office (typed with Tab completion) opens Branch
#    detail, :goto session lon-r1-msft the Sessions view, on its row;
#  - :ack 999999, an unknown :command (sanitised), :who standalone, and
#    :time with no time say why on the bottom line; Up recalls the last
#    command; :q quits with status 0.
# Needs tmux.
#
# Environment (set by make check): top_srcdir, PEERTOP.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=${top_builddir:-$top_srcdir}/peertop}"
. "$top_srcdir/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
[ -x "$PEERTOP" ] || { not_ok "peertop binary at $PEERTOP"; summary; }

mktmpdir
T=$TEST_TMPDIR
PEERTOP_DATADIR=$top_srcdir/data
TZ=UTC
export PEERTOP_DATADIR TZ
. "$top_srcdir/tests/tui/tmux-lib.sh"
me=$(id -un 2>/dev/null || echo "uid $(id -u)")

# Two BIRD collectors whose sockets do not exist: two CollectorDown.
cat >"$T/ack.conf" <<EOF
bird "$T/no-bird-1.ctl" router "lon-r1" interval 1s
bird "$T/no-bird-2.ctl" router "ams-r1" interval 1s
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

keys()
{
	tm send-keys -t pt "$@"
	sleep 0.3
}

# The title bar (row 0) and the bottom line.
title()
{
	screen | sed -n 1p
}
detail()
{
	screen | tail -n 2 | head -n 1
}

for mode in "80 24" "200 50" "80 24 --mono"; do
	set -- $mode
	tag="$1x$2${3:+ $3}"
	rm -f "$T"/ack.db*
	tmux_start "$1" "$2" -c "$T/ack.conf" -d "$T/ack.db" $3
	expect "$tag: the title bar counts the two Errors unacknowledged" \
	    "2 err unack"
	check "$tag: beside the worst thing, what and where" \
	    wait_for "title | grep -q 'unack.*ERROR.*CollectorDown collector bird'" 5

	keys 3
	expect "$tag: the Events view has a State column" "State"
	check "$tag: both rows are OPEN" \
	    wait_for '[ "$(screen | grep -c "CollectorDown OPEN")" = 2 ]' 5

	keys g a
	expect "$tag: a says what it acknowledged" "acknowledged #"
	expect "$tag: the row names who did" "CollectorDown ack"
	check "$tag: as the user running peertop" \
	    wait_for "screen | grep -q 'CollectorDown ack.* $me'" 5
	expect "$tag: the title bar counts one left" "1 err unack"
	keys a
	expect "$tag: a again says it was acknowledged already" \
	    "was acknowledged by $me"

	keys o
	if [ "$1" -ge 120 ]; then
		expect "$tag: o: the tab says open events" "Open events"
	else
		expect "$tag: o: the header says open only" "open only"
	fi
	check "$tag: o: the unacknowledged one first" \
	    wait_for '[ "$(screen | sed -n 3p | grep -c "CollectorDown OPEN")" = 1 ]' 5
	keys g A
	expect "$tag: A asks for a comment on the command line" ":ack "
	keys o n Space c a l l Space 5 5 5
	keys Enter
	expect "$tag: A: acknowledged" "acknowledged #"
	expect_not "$tag: nothing left unacknowledged" "err unack"
	keys Enter
	expect "$tag: the event's page shows the comment" "on call 555"
	expect "$tag: ... and who acknowledged it" "by $me at"
	keys Escape o

	# :goto, completed with Tab.
	keys : g o Tab
	expect "$tag: Tab completes the command" ":goto _"
	keys b r Tab l o n Tab
	expect "$tag: Tab completes the kind and the branch" \
	    ":goto branch london-office _"
	keys Enter
	expect "$tag: :goto branch opens Branch detail" "Partner contoso"
	check "$tag: ... of london-office" \
	    wait_for "screen | sed -n 2p | grep -q '^london-office'" 5
	keys Escape
	expect "$tag: Esc: the Overview" "Redundancy"
	keys : g o t o Space s e s s i o n Space l o n - r 1 - m s f t Enter
	expect "$tag: :goto session opens the Sessions view" "PfxRcd"
	check "$tag: ... on lon-r1-msft's row, the second" \
	    wait_for "detail | grep -q '^lon-r1-msft: neighbor'" 5

	keys : a c k Space 9 9 9 9 9 9 Enter
	expect "$tag: :ack 999999 says why not" "no event #999999"
	keys : b o g u s "$(printf 'x\342\200\256y')" Enter
	expect "$tag: an unknown command is named, sanitised" \
	    "unknown command :bogusx?"
	keys : w h o Enter
	expect "$tag: :who standalone" "standalone: nobody else is attached"
	keys : t i m e Enter
	expect "$tag: :time without a time says how" "usage: :time"
	keys : Up
	expect "$tag: Up recalls the last command" ":time_"
	keys Escape
	expect_not "$tag: Esc cancels the command line" ":time_"

	keys : q Enter
	wait_for tmux_dead 5 || not_ok "$tag: :q quits"
	check "$tag: exit status 0" [ "$(tmux_status)" = 0 ]
done
tmux_stop
summary
