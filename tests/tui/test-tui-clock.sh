#!/bin/sh
# SPDX-License-Identifier: ISC
# One clock: the dashboard in New York's local time (a POSIX TZ, so no
# tzdata is needed) names its zone on every screen, and --utc turns every
# time on it to UTC.  Driven through tmux at 80x24 (colour) and 200x50
# (--mono) on tests/tui/tui.conf, whose BIRD socket does not exist, so
# the collector's CollectorDown is an event at a known time (now):
#  - live: the status line's clock ends in the zone; the Events view's
#    selected event carries a full time with the zone, and that time read
#    back in its zone is now (not UTC labelled EST);
#  - replay (-r) of the history just recorded: the REPLAY bar names the
#    zone; -b with a local time without a zone starts there;
#  - --utc: the clock, the event and the bar in UTC, no local zone left,
#    and -b read in UTC.
#
# Environment (set by make check): top_srcdir, PEERTOP.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=${top_builddir:-$top_srcdir}/peertop}"
. "$top_srcdir/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
[ -x "$PEERTOP" ] || { not_ok "peertop binary at $PEERTOP"; summary; }

mktmpdir
T=$TEST_TMPDIR
TZ=EST5EDT,M3.2.0,M11.1.0
PEERTOP_DATADIR=$top_srcdir/data
export TZ PEERTOP_DATADIR
# tui.conf's paths are relative to the source tree; tmux's panes start in
# the directory its server was started in.
cd "$top_srcdir" || { not_ok "cd to the source tree"; summary; }
. "$top_srcdir/tests/tui/tmux-lib.sh"
CONF=tests/tui/tui.conf
DB=$T/history.db

has_re()
{
	screen | grep -Eq -- "$1"
}

# expect_re DESC REGEX: a line matching REGEX shows up within 10 seconds.
expect_re()
{
	if wait_for "has_re '$2'" 10; then
		ok "$1"
	else
		not_ok "$1 (no /$2/ on screen)"
		screen | sed 's/^/# | /'
	fi
}

# near_now DESC TIME: TIME ("2026-12-06 20:13:41 EST"), read in its own
# zone by date(1), is within two minutes of now.
near_now()
{
	nn_s=$(date -d "$2" +%s 2>/dev/null)
	nn_now=$(date +%s)
	if [ -n "$nn_s" ] && [ $((nn_s - nn_now)) -lt 120 ] &&
	    [ $((nn_now - nn_s)) -lt 120 ]; then
		ok "$1 ($2)"
	else
		not_ok "$1 ($2 is not now, $(date))"
	fi
}

# event_time: the full time of the selected event on the Events view's
# last line ("2026-12-06 20:13:41 EST CollectorDown ...").
event_time()
{
	screen | sed -En 's/^([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [A-Z]+) CollectorDown .*/\1/p' |
	    tail -n 1
}

quit()
{
	tm send-keys -t pt q
	wait_for tmux_dead 10 || not_ok "$1: q quits"
}

# ---------------------------------------------------------------- live

tmux_start 80 24 -c "$CONF" -d "$DB"
expect_re "80x24: the status line's clock names the zone" \
    ' [0-9]{2}:[0-9]{2}:[0-9]{2} E[SD]T *$'
tm send-keys -t pt 3
expect "80x24: the Events view lists CollectorDown" "CollectorDown"
expect_re "80x24: the selected event's time names the zone" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} E[SD]T CollectorDown '
local_when=$(event_time)
near_now "80x24: that time is local time, in its zone" "$local_when"
quit "80x24"

tmux_start 200 50 -c "$CONF" -d "$DB" --mono --utc
expect_re "200x50 --mono --utc: the clock in UTC" \
    ' [0-9]{2}:[0-9]{2}:[0-9]{2} UTC *$'
tm send-keys -t pt 3
expect_re "200x50 --utc: the selected event in UTC" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC CollectorDown '
utc_when=$(event_time)
near_now "200x50 --utc: that time is UTC" "$utc_when"
check "200x50 --utc: no local zone on the screen" sh -c \
    "! LC_ALL=C.UTF-8 tmux -L '$TMUX_SOCK' capture-pane -p -t pt |
    grep -Eq ' E[SD]T( |\$)'"
quit "200x50"

# ---------------------------------------------------------------- replay

# -b in local time without a zone: the first run's event, as shown.
tmux_start 80 24 -r "$DB" -b "${local_when% *}"
expect_re "replay 80x24: the bar names the zone" \
    ' REPLAY [0-9]{2}-[0-9]{2} [0-9:]{8} E[SD]T '
expect "replay 80x24: -b without a zone is local time" \
    "REPLAY $(echo "$local_when" | cut -c6-)"
quit "replay 80x24"

tmux_start 200 50 -r "$DB" --mono --utc -b "${utc_when% *}"
expect_re "replay 200x50 --utc: the bar in UTC with the year" \
    ' REPLAY [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC '
expect "replay 200x50 --utc: -b read in UTC" "REPLAY $utc_when"
quit "replay 200x50"
tmux_stop
summary
