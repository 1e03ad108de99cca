#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A turn-up against the real lab (issue 17): "lab start --new-edge" adds
# northwind-net's BIRD router dfw-r1 and the FRR edge stand-in msft-dfw-r2
# (BMP to peertop) with their BGP session disabled.  The dashboard runs
# in tmux on the Turn-up view:
#  - at 80x24 (--turnup northwind-net/dfw): every check waits, the session
#    "disabled (admin down)"; "birdc enable frr_dfw" and each check turns
#    green, in order (collector, FSM, capabilities, prefix, redundancy by
#    their "Green at" times), then the verdict; the history's record
#    (peertop turnup -r -o json) has the FSM steps between AdminDown and
#    Established with their times and the same order;
#  - at 200x50 (key 6 on the configuration's turnup block): the partner
#    forgets 8075:8007 (the prefix check fails with the Azure portal's
#    words) and the session is configured with a wrong neighbor AS (the
#    FSM check fails with the NOTIFICATION in words); each put back turns
#    green again.
# The lab runs on its own 127/8 addresses and ports and is stopped on
# every exit path.  Needs bird2, frr, tmux, jq and sqlite3; skips without
# bird2, frr or tmux.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
BGPD=${BGPD:-/usr/lib/frr/bgpd}
. "$top_srcdir/tests/lib.sh"

lab_need_bird
[ -x "$BGPD" ] || skip_all "FRR is not installed (apt-get install frr)"
command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
lab_need jq sqlite3

LAB=$top_srcdir/tests/lab/lab
PEERTOP_DATADIR=$top_srcdir/data
STEP=${TURNUP_LAB_STEP:-20}
LAB_TIMEOUT=${LAB_TIMEOUT:-45}
LAB_PORT=${LAB_PORT:-1179}
LAB_FRR=1
LAB_NEW_EDGE=1
TZ=UTC
export PEERTOP_DATADIR LAB_TIMEOUT LAB_PORT LAB_FRR LAB_NEW_EDGE BGPD TZ

lab_setup
PEERTOP_SOCKET=$T/control.sock
export PEERTOP_SOCKET
. "$top_srcdir/tests/tui/tmux-lib.sh"
lab_start 100 40 13
lab_check_conf

# ------------------------------------------------------------ helpers

keys()
{
	tm send-keys -t pt "$@"
}

# The check's row on the screen (below the title and the two head lines).
row()
{
	screen | sed 1,3d | grep -E -- "^[^ ]+ [a-z ]+ +$1 " | head -n 1
}

# see DESC CHECK RE: the check's row matches RE within $STEP seconds.
see()
{
	if wait_for "row '$2' | grep -qE -- '$3'" "$STEP"; then
		ok "$1"
	else
		not_ok "$1 (row \"$2\" is not /$3/)"
		screen | sed 's/^/# | /'
	fi
}

# The check's "Green at" cell, HH:MM:SS ("-" when not green).
green_at()
{
	row "$1" | sed -E "s|^[^ ]+ [a-z ]+ +$1 +||" | awk '{ print $1 }'
}

# in_order A B ...: the checks turned green in this order (same second
# allowed).
in_order()
{
	io_prev=""
	io_desc=""
	for io_c in "$@"; do
		io_t=$(green_at "$io_c")
		io_desc="$io_desc $io_c=$io_t"
		case $io_t in [0-9]*) ;; *) return 1 ;; esac
		if [ -n "$io_prev" ] && [ "$io_t" \< "$io_prev" ]; then
			diag "out of order:$io_desc"
			return 1
		fi
		io_prev=$io_t
	done
	diag "green at:$io_desc"
	return 0
}

# jqt EXPR FILE: jq -e, quiet.
jqt()
{
	jq -e "$@" >/dev/null
}

lab_birdc()
{
	"$LAB" birdc "$DIR" "$@" >"$T/birdc.out" 2>&1 ||
		diag "birdc $*: $(tail -n 1 "$T/birdc.out")"
}

PFX=203.0.113.0/24

# ------------------------------------------------------------ 80x24

tmux_start 80 24 --standalone -c "$CONF" --turnup northwind-net/dfw
see "80x24: the session waits, disabled" "session dfw-r1" \
    '^… waiting +session dfw-r1 +- +disabled \(admin down\)'
see "80x24: its BIRD socket answers" "bird dfw-r1" '^▲ green +bird dfw-r1 '
if wait_for "screen | sed -n 2p | grep -qF 'waiting, nothing has moved yet; BIRD every 500 ms'" "$STEP"
then
	ok "80x24: waiting, BIRD polled every 500 ms"
else
	not_ok "80x24: waiting, BIRD polled every 500 ms"
	screen | sed 's/^/# | /'
fi
see "80x24: the prefix waits for a session" "prefix $PFX" \
    '^… waiting +prefix .* no session Established'

lab_birdc dfw-r1 enable frr_dfw
see "80x24: the FSM turns green" "session dfw-r1" \
    '^▲ green +session dfw-r1 +[0-9:]{8} +Established since'
see "80x24: BMP sees it up" "session dfw-r1-bmp" '^▲ green +session dfw-r1-bmp '
see "80x24: capabilities agreed" "capabilities dfw-r1-bmp" \
    '^▲ green +capabilities dfw-r1-bmp +[0-9:]{8} +agreed: 4-octet AS'
see "80x24: the prefix received with 8075:8007" "prefix $PFX" \
    '^▲ green +prefix 203\.0\.113\.0/24 +[0-9:]{8} +received on'
see "80x24: redundancy (backup none) green" "partner northwind-net" \
    '^▲ green +partner northwind-net +[0-9:]{8} +NO-BACKUP'
if wait_for "screen | sed -n 3p | grep -qE '^ every check green since [0-9:]{8}'" "$STEP"
then
	ok "80x24: the verdict: every check green"
else
	not_ok "80x24: the verdict: every check green"
	screen | sed 's/^/# | /'
fi
check "80x24: green in order: collector, FSM, capabilities, prefix" \
    in_order "bird dfw-r1" "session dfw-r1" "capabilities dfw-r1-bmp" \
    "prefix $PFX"
check "80x24: redundancy after the session" \
    in_order "session dfw-r1" "partner northwind-net"
keys q
wait_for tmux_dead 10 || not_ok "80x24: q quits"
check "80x24: exit status 0" [ "$(tmux_status)" = 0 ]
[ -s "$T/tmux.err" ] && sed 's/^/# stderr: /' "$T/tmux.err" | head -20
tmux_stop

# The record from the history the dashboard wrote.
"$PEERTOP" turnup -c "$CONF" -r "$DB" -o json northwind-net/dfw \
    >"$T/record.json" 2>"$T/record.err"
rc=$?
check "record: exit 0, every check green" test "$rc" -eq 0
check "record: JSON, verdict green" jqt '.verdict == "green"' \
    "$T/record.json"
check "record: how long it took, from its start to all green" jqt '
    (.took_s | type) == "number" and .took_s >= 0 and .green >= .started' \
    "$T/record.json"
# (The edge connects as soon as BIRD accepts: the steps between may be
# quicker than a poll; the wrong AS below shows OpenSent.)
check "record: dfw-r1's steps from AdminDown to Established, timed" \
    jqt '[.sessions[] | select(.name == "dfw-r1") | .steps[]] |
    (.[0].state == "AdminDown") and (.[-1].state == "Established") and
    (.[0].time < .[-1].time)' "$T/record.json"
check "record: the FSM green no later than the prefix" jqt '
    [.checks[] | select(.subject == "session dfw-r1" or
    .subject == "prefix 203.0.113.0/24") | .first_green] |
    (.[0] != null) and (.[0] <= .[1])' "$T/record.json"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/record.err" "$T/record.json" | head -40

# ------------------------------------------------------------ 200x50

tmux_start 200 50 --standalone -c "$CONF"
keys 6
see "200x50: 6 opens the configuration's turnup block" "session dfw-r1" \
    '^▲ green +session dfw-r1 '
see "200x50: the prefix green" "prefix $PFX" '^▲ green +prefix '

# The partner forgets 8075:8007.
lab_birdc dfw-r1 enable br_dallas_branch_bare
lab_birdc dfw-r1 disable br_dallas_branch
see "200x50: no 8075:8007, in the portal's words" "prefix $PFX" \
    "^✖ failed +prefix 203\\.0\\.113\\.0/24 .* Prefix doesn.t have a valid BGP community \\(8075:8007\\)"
lab_birdc dfw-r1 enable br_dallas_branch
lab_birdc dfw-r1 disable br_dallas_branch_bare
see "200x50: the community back: green again" "prefix $PFX" \
    '^▲ green +prefix .* received on'

# A wrong neighbor AS: BIRD refuses the edge's OPEN, and the record says
# which AS it expected (8076) against Microsoft's.
lab_birdc dfw-r1 disable frr_dfw
lab_birdc dfw-r1 enable frr_dfw_badas
see "200x50: a wrong AS fails with the NOTIFICATION in words" \
    "session dfw-r1" '^✖ failed +session dfw-r1 .* Bad peer AS'
# The record from the history (committed within a second or so): the
# failure in its timeline, in words.
bad_as_recorded()
{
	"$PEERTOP" turnup -c "$CONF" -r "$DB" -o json northwind-net/dfw \
	    >"$T/record.json" 2>"$T/record.err"
	[ $? -eq 2 ] && jqt '[.timeline[] | select(.check == "session dfw-r1"
	    and .state == "failed" and (.reason | test("Bad peer AS " +
	    "[(]this router expects AS8076; Microsoft is AS8075[)]")))] |
	    length > 0' "$T/record.json"
}
if wait_for bad_as_recorded "$STEP"; then
	ok "record: exit 2, the wrong AS failed in the timeline, in words," \
	    "with the AS expected"
else
	not_ok "record: exit 2, the wrong AS failed in the timeline, in words," \
	    "with the AS expected"
	jq -r '.timeline[] | select(.check | test("session")) |
	    "# \(.time) \(.check) \(.state) \(.reason)"' "$T/record.json" |
	    tail -8
fi
if wait_for "screen | sed -n 3p | grep -qE '^ worst: ✖ session dfw-r1(-bmp)?: '" "$STEP"
then
	ok "200x50: the worst check above the table"
else
	not_ok "200x50: the worst check above the table"
	screen | sed 's/^/# | /'
fi
lab_birdc dfw-r1 disable frr_dfw_badas
lab_birdc dfw-r1 enable frr_dfw
see "200x50: the right AS: Established again" "session dfw-r1" \
    '^▲ green +session dfw-r1 .* Established since'
keys q
wait_for tmux_dead 10 || not_ok "200x50: q quits"
check "200x50: exit status 0" [ "$(tmux_status)" = 0 ]
[ -s "$T/tmux.err" ] && sed 's/^/# stderr: /' "$T/tmux.err" | head -20
tmux_stop

"$LAB" stop "$DIR" >/dev/null 2>&1
check "every lab daemon is gone" test -z "$(lab_processes bird bgpd)"

summary
