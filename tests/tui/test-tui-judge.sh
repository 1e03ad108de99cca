#!/bin/sh
# SPDX-License-Identifier: ISC
# Issue 12, "no false amber", end to end through tmux on a real BMP
# capture (pmacct's 205, FRR: sysName below) streamed by bmp-send.py:
#   - a branch in Los Angeles whose partner peers only at Seattle (two
#     primaries) and Amsterdam (the backup): its geographic nearest edge,
#     lax, has no session, so routing in at sea, the nearest edge the
#     partner can deliver at, is not suboptimal: "sea =", not amber, and
#     the branch detail names both nearests;
#   - the glyphs: the primaries share one router, so the partner is
#     DEGRADED with its own glyph, not "!"; Help's legend lists every
#     glyph (AdminDown's, the suboptimal Via's, DEGRADED's) and counter;
#   - the session page says synced or "no End-of-RIB yet", not
#     "syncing", once the dump is over.
# At 80x24 and 200x50, in colour, --mono and --ascii.
#
# Environment (set by make check): top_srcdir, PEERTOP.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=${top_builddir:-$top_srcdir}/peertop}"
. "$top_srcdir/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$PEERTOP" ] || { not_ok "peertop binary at $PEERTOP"; summary; }

mktmpdir
T=$TEST_TMPDIR
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR
. "$top_srcdir/tests/tui/tmux-lib.sh"

BMP_CAPTURE=$top_srcdir/tests/data/bmp/205-BMP-6wind-FRR-peer_down/traffic-00.bmp
BMP_ROUTER=daisy-ietf-ipf-zbl1843-r-daisy-58
[ -r "$BMP_CAPTURE" ] || { not_ok "BMP capture at $BMP_CAPTURE"; summary; }

# UTF-8 glyphs as bytes, so that this file stays ASCII.
NE=$(printf '\342\211\240')		# not equal to: suboptimal Via
CIRCLE=$(printf '\342\227\213')		# white circle: AdminDown
HOLLOW=$(printf '\342\226\263')		# white up triangle: DEGRADED

PORT=$(free_port)
cat > "$T/judge.conf" <<EOF
bmp listen 127.0.0.1 port $PORT

partner "daisy-net" as 64496 {
	session "daisy-22" neighbor 198.51.100.22 router "$BMP_ROUTER" edge sea role primary
	session "daisy-86" neighbor 198.51.100.86 router "$BMP_ROUTER" edge sea role primary
	session "daisy-44" neighbor 203.0.113.44 router "$BMP_ROUTER" edge ams role backup
}

branch "la-office" {
	partner "daisy-net"
	address 192.0.2.10
	location 34.05 -118.24
	prefix 100.105.30.0/24 origin 64496 upstream 4226809914
}
EOF

keys()
{
	tm send-keys -t pt "$@"
}

# row_lacks TEXT PATTERN: the row holding TEXT does not match.
row_lacks()
{
	! row_has "$1" "$2"
}

# The check's screen on failure, as diagnostics.
checks()
{
	cs_desc=$1
	shift
	if "$@"; then
		ok "$cs_desc"
	else
		not_ok "$cs_desc"
		screen | sed 's/^/# | /'
	fi
}

# run LABEL W H [peertop options]: peertop with the capture streamed to
# it, on the Overview once the branch is routed.
run()
{
	stop_sender
	r_label=$1
	shift
	tmux_start "$1" "$2" -c "$T/judge.conf" -d "$T/history-$r_label.db" \
	    $3
	python3 "$top_srcdir/tests/tui/bmp-send.py" 127.0.0.1 "$PORT" \
	    "$BMP_CAPTURE" 120 > "$T/send.out" 2>&1 &
	SENDER=$!
	check "$r_label: the capture is sent" \
	    wait_for "grep -q '^sent' '$T/send.out'" 10
	checks "$r_label: la-office is routed in at sea" \
	    wait_for "row_has la-office ' sea '" 15
}

# Overview: nearest lax, routed sea, at the partner's nearest: not amber.
overview()
{
	o_label=$1
	o_eq=$2
	checks "$o_label: la-office's nearest edge is lax" \
	    row_has la-office 'lax 0km'
	checks "$o_label: Via is sea =, the nearest edge with a session" \
	    row_has la-office "sea $o_eq"
	checks "$o_label: no suboptimal marker on the row" \
	    row_lacks la-office "sea ([*!]|$NE)"
	checks "$o_label: no SuboptimalRouting on the detail line" \
	    lacks_text SuboptimalRouting
	checks "$o_label: DEGRADED (one router) with its own glyph" \
	    wait_for "row_has la-office '$3 DEGRADED'" 15
}

# ---------------------------------------------------------------- colour
run colour 80 24
overview colour = "$HOLLOW"
checks "colour: the DEGRADED glyph is not !" \
    row_lacks la-office '! DEGRADED'
# Enter: the branch detail says why sea, not lax, is the reference.
keys Enter
expect "colour: Enter opens the branch detail" "By latency"
checks "colour: detail: the geographic nearest has no session" \
    has_text "Nearest edge lax 0km (no session with this partner); nearest deliverable sea 1"
checks "colour: detail: routed sea" has_text "Routed sea"
checks "colour: detail: not suboptimal" lacks_text SuboptimalRouting
checks "colour: detail: the partner's DEGRADED glyph" \
    has_text "$HOLLOW DEGRADED"
keys Escape
# The session page: the dump is over, so not "syncing".
keys 2
expect "colour: sessions from the stream" "daisy-44"
keys / d a i s y - 2 2 Enter
expect "colour: filter on daisy-22" "[/daisy-22]"
keys Enter
expect "colour: the session's BMP page" "Session daisy-22: neighbor"
if wait_for "row_has 'Router peers' 'synced \(End-of-RIB\)|no End-of-RIB yet'" 45
then
	ok "colour: the router's tables: synced, or no End-of-RIB said so"
else
	not_ok "colour: the router's tables: synced, or no End-of-RIB said so"
	screen | sed 's/^/# | /'
fi
checks "colour: the page does not say syncing" \
    row_lacks 'Router peers' syncing
keys Escape Escape

# Help: the legend, scrolled to (80x24).
keys '?'
expect "colour: Help" "Global keys"
keys End
expect "colour: the legend at the end of Help" "Legend: map and text"
i=0
while ! has_text "Legend: health" && [ $i -lt 40 ]; do
	keys k
	i=$((i + 1))
done
expect "colour: legend: health glyphs" "Legend: health"
i=0
while ! has_text "AdminDown: shut on purpose" && [ $i -lt 40 ]; do
	keys j
	i=$((i + 1))
done
checks "colour: legend: AdminDown's own glyph" \
    row_has "AdminDown: shut on purpose" "$CIRCLE +AdminDown"
checks "colour: legend: DEGRADED's own glyph" \
    row_has "DEGRADED, NOBACKUP" "$HOLLOW +DEGRADED"
checks "colour: legend: the suboptimal Via" \
    row_has "SuboptimalRouting: farther" "sea $NE +Suboptimal"
checks "colour: legend: ! is Warning" row_has " Warning" "! +Warning"
keys End
expect "colour: legend: the counters" "C:E:W:I:"
checks "colour: legend: the open conditions" \
    has_text "conditions open now, by level"
keys Escape

# 200x50: every legend line on one screen, beside the keys.
tm resize-window -t pt -x 200 -y 50
keys '?'
expect "200x50: Help" "Global keys"
keys End
expect "200x50: the legend" "Legend: Via (routed edge)"
checks "200x50: legend: sea = explained" \
    row_has "nearest edge with a session" "sea = +nearest"
keys Escape 1
expect "200x50: Overview" "Nearest edge"
overview 200x50 = "$HOLLOW"
tmux_stop

# ---------------------------------------------------------------- mono
run mono 80 24 --mono
overview mono = "$HOLLOW"
tmux_stop

# ---------------------------------------------------------------- ascii
run ascii 200 50 --ascii
overview ascii = "-"
keys '?' End
expect "ascii: the legend" "Legend: sessions"
checks "ascii: legend: AdminDown is _" row_has "AdminDown: shut" " _ +AdminDown"
checks "ascii: legend: the suboptimal Via is *" \
    row_has "SuboptimalRouting: farther" "sea \* +Suboptimal"
checks "ascii: legend: DEGRADED is -" row_has "DEGRADED, NOBACKUP" " - +DEGRADED"
keys q
wait_for tmux_dead 10
checks "ascii: q quits, exit status 0" test "$(tmux_status)" = 0
checks "no errors logged" sh -c "! grep -qi 'fatal\|sanitizer' '$T/tmux.err'"
tmux_stop
stop_sender
summary
