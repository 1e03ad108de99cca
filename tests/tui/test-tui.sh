#!/bin/sh
# SPDX-License-Identifier: ISC
# The dashboard driven through tmux (send-keys, capture-pane): the real
# binary at 80x24 and 200x50 on tests/tui/tui.conf, whose BIRD socket does
# not exist (the collector shows DOWN) and whose branches are placed by
# MaxMind's test City database.  Views, keys, filter, drill-down, resize
# down to 1x1, --mono/NO_COLOR, --ascii, an unknown TERM, q and Q (the
# snapshot on stdout), and that an idle dashboard sends next to nothing.
# Then route monitoring end to end: a config with a BMP listener, and
# bmp-send.py streaming a real router's BMP capture (pmacct's 205, FRR)
# to it, so the Prefixes view, the routed edge in the Overview and the
# Map and the session source show real routes.
#
# Environment (set by make check): top_srcdir, PEERTOP.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=${top_builddir:-$top_srcdir}/peertop}"
. "$top_srcdir/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
[ -x "$PEERTOP" ] || { not_ok "peertop binary at $PEERTOP"; summary; }

mktmpdir
T=$TEST_TMPDIR
CONF=$top_srcdir/tests/tui/tui.conf
# tm, screen, has_text, expect, expect_not; the pane is the whole window.
. "$top_srcdir/tests/tui/tmux-lib.sh"

# start W H [ENV=VALUE...] -- [peertop arguments]: a fresh server and pane.
start()
{
	st_w=$1
	st_h=$2
	shift 2
	st_env="LC_ALL=C.UTF-8"
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		st_env="$st_env $1"
		shift
	done
	[ $# -gt 0 ] && shift
	tm kill-server >/dev/null 2>&1
	rm -f "$T/out" "$T/err" "$T/status" "$T/pid" "$T/history.db"*
	# The outer sh reaps peertop and records its exit status; the inner
	# one records the pid and becomes peertop.  No core files in the
	# source tree from the crash check.
	cat > "$T/run.sh" <<EOF
#!/bin/sh
ulimit -c 0
sh -c 'echo \$\$ > "$T/pid"; exec env $st_env \
    PEERTOP_DATADIR="$top_srcdir/data" \
    "$PEERTOP" -c "$CONF" -d "$T/history.db" $*' >"$T/out" 2>"$T/err"
echo \$? > "$T/status"
# Keep the pane: tmux would hide the cursor to say "Pane is dead".
exec sleep 60
EOF
	# A server still shutting down from the last run can make the new
	# one fail to start ("server exited unexpectedly"): try again.
	for st_try in 1 2 3; do
		tm new-session -d -s pt -x "$st_w" -y "$st_h" \
		    -c "$top_srcdir" "sh '$T/run.sh'" && break
		sleep 0.5
		tm kill-server >/dev/null 2>&1
	done
	wait_for "test -s '$T/pid'" 10
}

alive()
{
	[ ! -e "$T/status" ] && kill -0 "$(cat "$T/pid")" 2>/dev/null
}

dead()
{
	test -s "$T/status"
}

exit_status()
{
	cat "$T/status" 2>/dev/null
}

keys()
{
	tm send-keys -t pt "$@"
}

# tmux rewraps the old frame at once and resizes the pane's terminal a
# moment later: give peertop that moment and its repaint, so that the
# checks after a resize do not read the rewrapped old frame.
resize()
{
	tm resize-window -t pt -x "$1" -y "$2"
	sleep 1
}

# What is open, and the clock (at 120 columns and more also the last 24
# hours' counts, which the Events view's header has when narrower).
counts_shown()
{
	screen | grep -qE \
	    'open: (none|[CEWI]:[0-9]+( [CEWI]:[0-9]+)*) .*[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'
}

no_high_bytes()
{
	! screen | LC_ALL=C grep -q "$(printf '[\200-\377]')"
}

BRANCHES="seattle-hq london-office linkoping-lab singapore-dc nowhere-site"

# ---------------------------------------------------------------- 80x24
start 80 24
expect "80x24: overview appears" "seattle-hq"
for b in $BRANCHES; do
	check "80x24: overview lists $b" has_text "$b"
done
# The BIRD socket is missing: CollectorDown (an Error) is the worst thing,
# named with what and where; at 80 the tabs shrink to their keys, the
# current one too for the count of what nobody has acknowledged (issue 14).
check "80x24: the title names the collector down" \
    has_text "ERROR: CollectorDown collector bird sea-r1"
check "80x24: the tabs by their keys, beside the unacknowledged" \
    has_text " 1  2  3  4  5  ?   1 err unack'd  "
expect "80x24: bird collector shown DOWN in the status bar" \
    "bird sea-r1 DOWN"
check "80x24: event counts by level and the clock" counts_shown
check "80x24: GeoIP city shown" has_text "Milton, US"
check "80x24: nearest edge with distance" has_text "sea 40km"
check "80x24: unplaced branch says so" has_text "no location"
check "80x24: redundancy as a word" has_text "UNKNOWN"
# The latency columns (Loss% and Avg) take the last event's place at 80.
for col in Branch Location "Nearest edge" Via Sess Redundancy \
    "Loss%" "Avg"; do
	check "80x24: column $col fits" has_text "$col"
done

# Filter: "/" prompt in the status line, Enter applies, Esc clears.
keys /
expect "filter prompt opens in the status line" "/_"
keys l o n d o n
expect "filter text is echoed" "/london_"
keys Enter
expect_not "filter hides other branches" "seattle-hq"
check "filter keeps the match" has_text "london-office"
keys Escape
expect "Esc clears the filter" "seattle-hq"

# Drill-down: a branch's detail, its partner's sessions, then that
# session's events.
keys / s i n g a p o r e Enter
expect_not "filter to singapore-dc" "seattle-hq"
keys Enter
expect "Enter on a branch opens its detail" "By latency"
keys Enter
expect "Enter in the detail opens the Sessions view" "PfxRcd"
check "sessions filtered to the branch's partner" has_text "sin-r1"
check "other partner's sessions hidden" lacks_text "lax-r1"
keys Escape Escape
expect "Esc twice goes back to the overview" "Nearest edge"
check "the overview kept its own filter" has_text "[/singapore]"
keys Escape
expect "Esc clears the overview's filter" "seattle-hq"

# Views by number and Tab.
keys 2
expect "2: Sessions view" "PfxRcd"
for s in sea-r1 sea-r2 lax-r1 sin-r1; do
	check "sessions view lists $s" has_text "$s"
done
check "sessions state written as a word" has_text "Unknown"
keys 3
expect "3: Events view lists the collector going down" "CollectorDown"
check "events have a level word" has_text "ERR"
keys Tab
expect "Tab from Events goes to the Map" "seattle-hq>sea"
keys 1
expect "1: back to the overview" "Nearest edge"

# The map (the map helper draws it; check the legend, not the art).
keys 4
expect "4: map legend names a branch and its edge" "seattle-hq>sea"
check "map shows the region label" has_text "World"
keys e
expect "map preset e (Europe)" "EU"
keys + -
keys c
sleep 0.3
check "map keys leave the process running" alive

# Help, generated from the key table.
keys '?'
expect "? opens the help" "Global keys"
check "help describes q" has_text "quit, print a text snapshot"
check "help describes the filter" has_text "filter rows"
check "help lists the Prefixes view key" has_text "Prefixes, worst first"
check "help lists the replay keys" has_text "next / previous change"
# At 80x24 the map's keys are on the help's second page.
keys NPage
expect "help pages down to the map keys" "North America"
keys Escape
expect "Esc leaves the help" "seattle-hq>sea"

# Prefixes: seattle-hq registers one; no BMP here, so no route data.
keys 5
expect "5: Prefixes view" "AS path"
check "prefixes: registered prefix listed" has_text "216.160.83.0/24"
check "prefixes: its branch" has_text "seattle-hq"
check "prefixes: no route data said in words" has_text "? no data"
check "prefixes: the detail line says why" \
    has_text "no route data yet (no BMP peer mapped to a session)"
for col in Branch Prefix Pri Bkp State "AS path"; do
	check "prefixes 80x24: column $col fits" has_text "$col"
done
keys Enter
expect "Enter opens the prefix's page" \
    "Prefix 216.160.83.0/24 of branch seattle-hq, partner example-isp"
check "page: registered origin" has_text "Registered origin AS65002"
check "page: the partner's sessions" has_text "lax-r1"
check "page: how to get back" has_text "Enter/Esc: back to the list"
keys Escape
expect "Esc closes the page" "AS path"
check "Esc from the page stays in the Prefixes view" has_text "? no data"
keys Enter
expect "Enter again opens it" "Registered origin AS65002"
keys Enter
expect "and Enter closes it" "AS path"
keys / 2 1 6 . 1 6 0 Enter
expect "prefixes filter keeps the match" "[/216.160]"
check "prefixes filter: row still there" has_text "216.160.83.0/24"
keys Escape / z z z Enter
expect "prefixes filter with no match says so" \
    "no prefix matches the filter"
keys Escape
expect "Esc clears the prefixes filter" "216.160.83.0/24"
keys Tab
expect "Tab from Prefixes skips Help to the Overview" "Nearest edge"
keys Tab Tab Tab Tab
expect "Tab four times: round to Prefixes" "216.160.83.0/24"
keys 1

# Ctrl-L repaints and keeps going.
keys C-l
sleep 0.3
check "^L: still running" alive
expect "^L: overview still drawn" "seattle-hq"

# Idle: the clock ticks, but curses sends only changed cells.
sleep 1
tm pipe-pane -t pt -o "cat >> '$T/idle.out'"
sleep 3
tm pipe-pane -t pt
idle=$(wc -c < "$T/idle.out" 2>/dev/null || echo 99999)
if [ "$idle" -lt 1000 ]; then
	ok "idle for 3 s sends only changed cells ($idle bytes)"
else
	not_ok "idle for 3 s sent $idle bytes (full repaints?)"
fi
pid=$(cat "$T/pid")
if [ -r "/proc/$pid/stat" ]; then
	t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	sleep 2
	t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	if [ $((t1 - t0)) -lt 20 ]; then
		ok "idle CPU is low ($((t1 - t0)) ticks in 2 s)"
	else
		not_ok "idle CPU is high ($((t1 - t0)) ticks in 2 s)"
	fi
fi

# Resize: too small shows one line, back to 80x24 works.
resize 40 10
expect "40x10: too-small notice" "terminal too small (40x10)"
check "40x10: nothing else on screen" lacks_text "seattle-hq"
check "40x10: still running" alive
resize 79 24
expect "79x24: too small too" "terminal too small (79x24)"
resize 80 24
expect "back to 80x24: overview again" "seattle-hq"
check "back to 80x24: still running" alive
for size in 1x1 2x1 1x2 5x3 10x2 20x5 80x1 1x24; do
	resize "${size%x*}" "${size#*x}"
	sleep 0.2
done
sleep 0.3
check "tiny sizes 1x1 .. 20x5: survives" alive
resize 80 24
expect "after tiny sizes: overview again" "seattle-hq"

keys q
if wait_for dead 5; then
	ok "q quits"
	st=$(exit_status)
	check "q: exit status 0 (got $st)" test "$st" = 0
	check "q: no snapshot on stdout" test ! -s "$T/out"
else
	not_ok "q quits"
fi

# --------------------------------------------------------------- 200x50
start 200 50
expect "200x50: overview appears" "seattle-hq"
for b in $BRANCHES; do
	check "200x50: overview lists $b" has_text "$b"
done
check "200x50: edge metro column" has_text "Edge metro"
check "200x50: reason column" has_text "Reason"
check "200x50: partner column" has_text "example-isp"
keys 2
expect "200x50: sessions show neighbors" "198.51.100.1"
keys 4
expect "200x50: map legend" "seattle-hq"
check "200x50: map panel has the routed column" has_text "Routed Redundancy"
keys 5
expect "200x50: prefixes" "216.160.83.0/24"
check "200x50: prefixes show the registered origin" has_text "Origin"
check "200x50: prefixes show since" has_text "Since"
keys '?'
expect "200x50: help" "Global keys"
keys Q
if wait_for dead 5; then
	ok "Q quits"
	st=$(exit_status)
	check "Q: exit status 0 (got $st)" test "$st" = 0
	check "Q: snapshot on stdout names a branch" grep -q seattle-hq "$T/out"
	check "Q: snapshot names the collector" grep -q "bird sea-r1" "$T/out"
	check "Q: snapshot has no escape sequences" sh -c \
	    "! LC_ALL=C grep -q \"$(printf '\033')\" '$T/out'"
else
	not_ok "Q quits"
fi

# ------------------------------------------------------- mono, NO_COLOR
colour_sgr()
{
	# SGR with a colour parameter (30-37, 40-47, 38;..., 48;...).
	tm capture-pane -e -p -t pt | LC_ALL=C grep -qE \
	    "$(printf '\033')\\[([0-9;]*;)?(3[0-8]|4[0-8])[;m]"
}

start 80 24
expect "default: overview" "seattle-hq"
check "default theme uses colour" colour_sgr
keys q
wait_for dead 5

start 80 24 -- --mono
expect "--mono: overview renders" "seattle-hq"
if colour_sgr; then
	not_ok "--mono: no colour escapes"
else
	ok "--mono: no colour escapes"
fi
keys 4
expect "--mono: map renders" "seattle-hq>sea"
keys 5
expect "--mono: prefixes render" "216.160.83.0/24"
if colour_sgr; then
	not_ok "--mono: prefixes have no colour escapes"
else
	ok "--mono: prefixes have no colour escapes"
fi
keys q
wait_for dead 5

start 80 24 NO_COLOR=1
expect "NO_COLOR: overview renders" "seattle-hq"
if colour_sgr; then
	not_ok "NO_COLOR: no colour escapes"
else
	ok "NO_COLOR: no colour escapes"
fi
keys q
wait_for dead 5

# ---------------------------------------------------------------- ASCII
start 80 24 -- --ascii
expect "--ascii: overview renders" "seattle-hq"
check "--ascii: overview is pure ASCII" no_high_bytes
check "--ascii: non-ASCII city replaced" has_text "Link?ping"
keys 2
expect "--ascii: sessions" "PfxRcd"
check "--ascii: sessions are pure ASCII" no_high_bytes
keys 3
expect "--ascii: events" "CollectorDown"
check "--ascii: events are pure ASCII" no_high_bytes
keys 4
expect "--ascii: map" "seattle-hq"
check "--ascii: map is pure ASCII" no_high_bytes
keys c
sleep 0.3
check "--ascii: map mode key keeps ASCII" no_high_bytes
keys 5
expect "--ascii: prefixes" "216.160.83.0/24"
check "--ascii: prefixes are pure ASCII" no_high_bytes
keys Enter
expect "--ascii: prefix page" "Registered origin"
check "--ascii: prefix page is pure ASCII" no_high_bytes
keys Escape
keys '?'
expect "--ascii: help" "Global keys"
check "--ascii: help is pure ASCII" no_high_bytes
keys q
wait_for dead 5

start 80 24 LC_ALL=C
expect "C locale: overview renders" "seattle-hq"
check "C locale: ASCII chosen from the codeset" no_high_bytes
keys q
wait_for dead 5

# ------------------------------------------------- route monitoring (BMP)
# A config with a BMP listener on a free port and a partner whose three
# sessions are peers of the router in pmacct's capture 205 (FRR, sysName
# below): two primaries at lax, a backup at sea.  The branch sits in
# Seattle (nearest sea) and registers prefixes the capture has:
#	100.105.30.0/24 from AS64496 on both primaries, not on the backup;
#	100.105.31.0/24 registered with origin AS65001 (a hijack: the
#	    capture has it from AS64496);
#	100.105.99.0/24, not in the capture (invisible);
#	203.0.113.20/30, which the backup's peer sends only as VPNv4
#	    (SAFI 128, with an RD): not unicast, so no session carries it.
# The best routes come in at lax, so the branch is routed via lax, not
# its nearest sea, where the backup peers (the partner can deliver
# there): SuboptimalRouting.
BMP_CAPTURE=$top_srcdir/tests/data/bmp/205-BMP-6wind-FRR-peer_down/traffic-00.bmp
BMP_ROUTER=daisy-ietf-ipf-zbl1843-r-daisy-58


bmp_conf()
{
	cat > "$T/bmp.conf" <<EOF
bmp listen 127.0.0.1 port $1

partner "daisy-net" as 64496 {
	session "daisy-22" neighbor 198.51.100.22 router "$BMP_ROUTER" edge lax role primary
	session "daisy-86" neighbor 198.51.100.86 router "$BMP_ROUTER" edge lax role primary
	session "daisy-44" neighbor 203.0.113.44 router "$BMP_ROUTER" edge sea role backup
}

branch "daisy-hq" {
	partner "daisy-net"
	address 192.0.2.10
	location 47.61 -122.33
	prefix 100.105.30.0/24 origin 64496
	prefix 100.105.31.0/24 origin 65001
	prefix 100.105.99.0/24 origin 64496
	prefix 203.0.113.20/30 origin 64496
}
EOF
}


if ! command -v python3 >/dev/null 2>&1; then
	ok "# SKIP route monitoring: python3 is not installed"
elif [ ! -r "$BMP_CAPTURE" ]; then
	not_ok "BMP capture at $BMP_CAPTURE"
else
	PORT=$(free_port)
	bmp_conf "$PORT"
	SAVED_CONF=$CONF
	CONF=$T/bmp.conf
	start 80 24
	expect "bmp: listener in the status bar" "bmp 127.0.0.1:$PORT"
	python3 "$top_srcdir/tests/tui/bmp-send.py" 127.0.0.1 "$PORT" \
	    "$BMP_CAPTURE" 60 > "$T/send.out" 2>&1 &
	SENDER=$!
	check "bmp: the capture is sent" \
	    wait_for "grep -q '^sent' '$T/send.out'" 10
	keys 2
	expect "bmp: sessions come up from the stream" "daisy-22"
	check "bmp: a primary is Established" \
	    wait_for "row_has daisy-22 Established" 10
	# The session's page (Enter): the router as its Initiation named
	# it and the peer's Statistics Report counters by name.  pmacct's
	# output-bmp-00.json for the capture: 203.0.113.44's last report
	# has 6 updates invalidated due to AS_PATH loop, 0 CLUSTER_LIST.
	keys / d a i s y - 4 4 Enter
	expect "bmp: filter on the backup session" "[/daisy-44]"
	keys Enter
	expect "bmp: Enter on a BMP session opens its page (80x24)" \
	    "Session daisy-44: neighbor 203.0.113.44, from BMP"
	check "bmp: page shows the router's sysName" \
	    has_text "Router sysName $BMP_ROUTER"
	check "bmp: page shows the router's sysDescr" \
	    has_text "sysDescr       FRRouting 8.0.1 (frr-8.0-vsr-3.7.1-v10)"
	check "bmp: page shows the router's message counts" \
	    row_has Messages '[0-9]+ \([0-9]+ route monitoring, [1-9][0-9]* statistics'
	check "bmp: page shows the monitored peer" \
	    row_has "BMP peer" '203\.0\.113\.44 AS64496, up, global instance'
	check "bmp: a named Statistics Report counter with its value" \
	    wait_for "row_has 'updates invalidated due to AS_PATH loop' '^ +6  updates'" 10
	check "bmp: ... and one at zero" \
	    row_has 'invalidated due to CLUSTER_LIST loop' '^ +0  updates'
	check "bmp: the counters say how many reports" \
	    has_text "Statistics Report counters ("
	check "bmp: page says how to get on" has_text "Esc: back to the list"
	keys Escape
	expect "bmp: Esc closes the page, the filter stays" "PfxRcd"
	check "bmp: ... the filter stays" has_text "[/daisy-44]"
	keys Enter
	expect "bmp: Enter opens the page again" "Router sysName"
	keys Enter
	expect "bmp: Enter on the page shows the session's events" "SessionUp"
	keys Escape
	expect_not "bmp: Esc clears the filter" "[/daisy-44]"
	keys 2
	expect "bmp: Sessions kept its own filter" "[/daisy-44]"
	keys Escape
	expect_not "bmp: Esc clears it there too" "[/daisy-44]"
	keys 5
	expect "bmp: the prefixes view lists the branch's prefixes" \
	    "100.105.30.0/24"
	# Route data needs the RIB, the route monitor and the BMP feed into
	# the RIB.  Without them every row stays "no data": say so and skip
	# the rest rather than fail.
	if ! wait_for "! row_has 100.105.30.0/24 'no data'" 10; then
		ok "# SKIP route monitoring: no route data reaches the route monitor (BMP -> RIB -> routemon not wired in this build)"
	else
		ok "bmp: route data for 100.105.30.0/24"
		# Post-policy routes (L flag) from a 6WIND FRR whose BMP puts
		# its own AS in front: the capture reads 4226809914 64496
		# (pmacct's reference output too), AS64496 sent 64496
		# (core/bmp-unprepend.h).
		path_as_sent()
		{
			row_has 100.105.30.0/24 ' 64496( |$)' &&
			    ! row_has 100.105.30.0/24 4226809914 && return
			diag "row: $(line_of 100.105.30.0/24)"
			return 1
		}
		check "bmp: its best AS path from the capture, as the neighbor sent it" \
		    path_as_sent
		check "bmp: on both primaries (2/2), not the backup (0/1)" \
		    row_has 100.105.30.0/24 ' 2/2 +0/1 '
		check "bmp: the missing backup is a problem word" \
		    row_has 100.105.30.0/24 'no-backup'
		check "bmp: 100.105.31.0/24 from AS64496 is a hijack" \
		    row_has 100.105.31.0/24 'hijack'
		check "bmp: 100.105.99.0/24 (not in the capture) on no session" \
		    row_has 100.105.99.0/24 ' 0/2 +0/1 '
		check "bmp: ... and its state says so" \
		    row_has 100.105.99.0/24 'invisible|no-primary'
		check "bmp: worst first (a hijack or invisible row on top)" \
		    sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t pt | sed -n 3p |
		    grep -qE 'hijack|invisible'"
		keys / h i j a c k Enter
		expect "bmp: filter on a problem word" "[/hijack]"
		check "bmp: filter keeps the hijacked prefix" \
		    has_text "100.105.31.0/24"
		check "bmp: filter hides the others" lacks_text "100.105.30.0/24"
		keys Escape / 1 0 0 . 1 0 5 . 3 1 Enter
		expect "bmp: filter on the prefix" "[/100.105.31]"
		keys Enter
		expect "bmp: Enter opens the hijacked prefix's page" \
		    "Prefix 100.105.31.0/24 of branch daisy-hq"
		check "bmp: page says what a hijack is" \
		    has_text "hijack: announced from another origin AS"
		check "bmp: page shows the registered origin" \
		    has_text "Registered origin AS65001"
		check "bmp: page shows the best route's origin" \
		    has_text "AS64496 (not the registered one)"
		check "bmp: page lists a primary carrying it" \
		    row_has 'daisy-22   ' 'carries it'
		check "bmp: page lists the backup missing it" \
		    row_has 'daisy-44   ' 'missing'
		keys Escape
		expect "bmp: Esc closes the page, the filter stays" \
		    "[/100.105.31]"
		keys Escape
		expect "bmp: Esc clears the filter" "100.105.30.0/24"

		# The routed edge: lax, not the nearest sea.
		keys 1
		expect "bmp: overview" "Nearest edge"
		check "bmp: overview shows the routed edge beside the nearest" \
		    wait_for "row_has daisy-hq 'sea 0km +lax'" 10
		# Issue 12: its own glyph, not "!" (Warning).
		check "bmp: SuboptimalRouting marked in the Via column" \
		    row_has daisy-hq "lax $(printf '\342\211\240')"
		# Issue 12: the hijack is worse, so it leads the line.
		check "bmp: the detail line names the hijack first" \
		    has_text "CRITICAL hijack "
		check "bmp: the detail line names SuboptimalRouting" \
		    has_text "; SuboptimalRouting via lax"
		check "bmp: the Health column says Critical" \
		    row_has daisy-hq 'CRIT'
		keys 4
		expect "bmp: map legend names the routed edge" \
		    "daisy-hq>sea 0km via lax"
		resize 200 50
		expect "bmp: 200x50 map panel" "Routed Redundancy"
		check "bmp: map panel lists the routed edge" \
		    row_has ' daisy-hq ' 'sea +0km lax'
		keys 2
		expect "bmp: 200x50 sessions have the source column" "Src"
		check "bmp: sessions source is bmp" row_has daisy-22 'primary +bmp'
		check "bmp: the detail line names the source and router" \
		    has_text "from bmp $BMP_ROUTER"
		check "bmp: a session counts the registered prefixes it carries" \
		    has_text "registered prefixes"
		resize 80 24

		# The router's BMP connection closes: its sessions' routes are
		# unknown, not withdrawn, and the router's going is news.
		stop_sender
		keys 5
		expect "bmp: closed: the prefixes are unknown" "unknown: src down"
		check "bmp: closed: unknown is not OK" \
		    row_has 100.105.99.0/24 'unknown'
		check "bmp: closed: the primaries count as unknown" \
		    row_has 100.105.30.0/24 ' \?/2 '
		check "bmp: closed: the collector says a router is gone" \
		    has_text "0/1 routers"
		keys 1
		expect "bmp: closed: overview" "Nearest edge"
		check "bmp: closed: Via keeps lax, marked unknown" \
		    row_has daisy-hq 'lax \?'
		keys 3
		expect "bmp: closed: BmpRouterDown in the events" "BmpRouterDown"
		check "bmp: closed: no SuboptimalRoutingResolved" \
		    lacks_text "SuboptimalRoutingResolved"
		check "bmp: closed: no withdrawal" lacks_text "WithdrawalEvent"
		keys 2
		expect "bmp: closed: sessions Unknown" "Unknown"
		check "bmp: closed: a session says what it was" \
		    has_text "was Established"
	fi
	check "bmp: still running" alive
	keys q
	wait_for dead 5
	stop_sender
	CONF=$SAVED_CONF
fi

# ------------------------------------------------------ unknown TERM
start 80 24 TERM=peertop-no-such-terminal
expect "unknown TERM falls back and renders" "seattle-hq"
check "unknown TERM: nothing said on screen" lacks_text "terminal type"
keys q
if wait_for dead 5; then
	ok "unknown TERM: q quits"
else
	not_ok "unknown TERM: q quits"
fi

# SIGTERM quits cleanly.
start 80 24
expect "SIGTERM run: overview" "seattle-hq"
pid=$(cat "$T/pid")
kill -TERM "$pid"
if wait_for dead 5; then
	ok "SIGTERM quits"
	st=$(exit_status)
	check "SIGTERM: exit status 0 (got $st)" test "$st" = 0
else
	not_ok "SIGTERM quits"
fi

# A crash restores the terminal: alternate screen off, cursor back on.
pane_flag()
{
	tm display-message -p -t pt "#{$1}" 2>/dev/null
}
start 80 24
expect "crash run: overview" "seattle-hq"
check "running: the dashboard is on the alternate screen" \
    test "$(pane_flag alternate_on)" = 1
check "running: cursor hidden" test "$(pane_flag cursor_flag)" = 0
kill -SEGV "$(cat "$T/pid")"
if wait_for dead 5; then
	st=$(exit_status)
	check "SIGSEGV: killed by the signal (status $st)" test "$st" -gt 128
	# tmux may read the last bytes after the status file appears.
	check "SIGSEGV: alternate screen left" \
	    wait_for 'test "$(pane_flag alternate_on)" = 0' 5
	check "SIGSEGV: cursor visible again" \
	    wait_for 'test "$(pane_flag cursor_flag)" = 1' 5
else
	not_ok "SIGSEGV: process ends"
fi

# ^\ (SIGQUIT) dumps core like a crash: the terminal comes back too.
start 80 24
expect "SIGQUIT run: overview" "seattle-hq"
kill -QUIT "$(cat "$T/pid")"
if wait_for dead 5; then
	st=$(exit_status)
	check "SIGQUIT: killed by the signal (status $st)" test "$st" -gt 128
	check "SIGQUIT: alternate screen left" \
	    wait_for 'test "$(pane_flag alternate_on)" = 0' 5
	check "SIGQUIT: cursor visible again" \
	    wait_for 'test "$(pane_flag cursor_flag)" = 1' 5
else
	not_ok "SIGQUIT: process ends"
fi

# SIGHUP (kill -HUP, the terminal going away) quits cleanly.
start 80 24
expect "SIGHUP run: overview" "seattle-hq"
kill -HUP "$(cat "$T/pid")"
if wait_for dead 5; then
	st=$(exit_status)
	check "SIGHUP: exit status 0 (got $st)" test "$st" = 0
	check "SIGHUP: alternate screen left" \
	    wait_for 'test "$(pane_flag alternate_on)" = 0' 5
else
	not_ok "SIGHUP: process ends"
fi

summary
