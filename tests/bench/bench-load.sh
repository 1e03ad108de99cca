#!/bin/sh
# SPDX-License-Identifier: ISC
# The dashboard under load (issue 18).  BENCH_LOAD_ROUTERS (10) BMP
# routers, each on its own connection, each sending a full IPv4 + IPv6
# table made from the real MRT files (tests/bench/bench-load.c: the 577k
# prefixes of updates.et-header.2015 as the router packed them, then
# every prefix of the RouteViews IPv4 and IPv6 RIBs), as fast as the
# collector reads; BENCH_LOAD_SESSIONS (1,000) configured sessions,
# partners with a primary and a backup on different routers, each
# router's first session carrying its table; BENCH_LOAD_BRANCHES (500)
# branches, each watching a prefix of the table and probing two edges;
# the prober at BENCH_LOAD_RATE (5,000) probes/s against
# tests/lab/responder on loopback addresses (127.100-101.x.y, in a
# network namespace of its own whose kernel does not answer echoes).
# The dashboard is 200x60 in tmux.
#
# Two phases, each printing its figures with the target and PASS/MISS:
#  A. "peertop -H" (history, /metrics, prober) and a dashboard attached
#     to it;
#  B. "peertop --standalone" on the same configuration without the
#     prober: the dashboard's own loop takes the tables.
# In each: key press -> changed screen (tmux send-keys, then
# capture-pane polled until the other view's header shows; Overview and
# Sessions alternate): on the idle dashboard first (the harness's own
# floor), while the tables stream in and after; the time until every
# router's bytes are read (drained) and until they are in and judged
# (the RIB's route count still and the collector under 30% of a core);
# peak RSS (VmHWM); A: the history's write queue (/metrics
# peertop_history_queue_rows, once a second) not growing; B: CPU of the
# idle dashboard over BENCH_LOAD_IDLE (10) s after the tables are in.
#
# Needs tmux and python3 (exits 77 without them); root for the prober
# and its responder (without it phase A runs without probes, saying so).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
PEERTOP=${PEERTOP:-./peertop}
BENCH_LOAD=${BENCH_LOAD:-./tests/bench/bench-load}
RESPONDER=${RESPONDER:-./tests/lab/responder}
ROUTERS=${BENCH_LOAD_ROUTERS:-10}
SESSIONS=${BENCH_LOAD_SESSIONS:-1000}
BRANCHES=${BENCH_LOAD_BRANCHES:-500}
RATE=${BENCH_LOAD_RATE:-5000}
IDLE=${BENCH_LOAD_IDLE:-10}
PHASES=${BENCH_LOAD_PHASES:-AB}
BENCH_LOAD_ROUTERS=$ROUTERS
export BENCH_LOAD_ROUTERS

# Root: a network namespace of our own, so that only the responder
# answers echo requests to 127.x and nothing of it outlives us.
if [ "$(id -u)" = 0 ] && [ -z "${BENCH_LOAD_NS:-}" ] &&
    command -v unshare >/dev/null 2>&1; then
	BENCH_LOAD_NS=1 exec unshare -n sh "$0" "$@"
fi

. "$top_srcdir/tests/lib.sh"
command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$BENCH_LOAD" ] || { echo "bench-load: $BENCH_LOAD missing" >&2; exit 1; }
case " ${BENCH_CFLAGS:-} " in
*" -O0 "*) echo "bench-load: note: built with -O0 (an --enable-debug" \
    "tree); configure without it for real figures" ;;
esac
PEERTOP_DATADIR=$top_srcdir/data
PEERTOP_SOCKET=
export PEERTOP_DATADIR PEERTOP_SOCKET

mktmpdir
T=$TEST_TMPDIR
. "$top_srcdir/tests/tui/tmux-lib.sh"
HPID=""
RPID=""
at_exit 'for p in $HPID $RPID; do kill "$p" 2>/dev/null;
    wait "$p" 2>/dev/null; done'

probes=1
if [ -n "${BENCH_LOAD_NS:-}" ]; then
	ip link set lo up &&
	sysctl -qw net.ipv4.icmp_echo_ignore_all=1 ||
	    { echo "bench-load: namespace setup failed" >&2; exit 1; }
	[ -x "$RESPONDER" ] ||
	    { echo "bench-load: $RESPONDER missing" >&2; exit 1; }
else
	probes=0
	echo "bench-load: note: not root: no prober (phase A runs without" \
	    "its $RATE probes/s)"
fi

D=$top_srcdir/tests/data/mrt
FILES="$D/bgpdump/updates.et-header.2015.gz
$D/pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz
$D/pyasn/rib6.20151101.0600_firstMB.complete-records.mrt.gz"

free_port()
{
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Branch prefixes: the first BRANCHES prefixes of the IPv4 RIB with
# their origin AS.
"$PEERTOP" mrt --dump "$D/pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz" |
    awk -F'|' -v n="$BRANCHES" '$6 != "0.0.0.0/0" && !($6 in seen) {
	seen[$6] = 1; k = split($7, p, " "); if (p[k] ~ /^[0-9]+$/) {
	print $6, p[k]; if (++c == n) exit } }' >"$T/prefixes"

# conf PHASE BMP-PORT [METRICS-PORT]: the configuration; sessions.txt,
# lines "ROUTER NEIGHBOR AS" for bench-load, and targets.txt for the
# responder.
conf()
{
	awk -v n="$SESSIONS" -v nb="$BRANCHES" -v nr="$ROUTERS" \
	    -v t="$T" -v ph="$1" -v bmp="$2" -v met="${3:-0}" \
	    -v rate="$RATE" -v probes="$probes" -v pf="$T/prefixes" 'BEGIN {
	split("sea lax lon ams fra sin", edge, " ")
	printf "database \"%s/history-%s.db\"\n", t, ph
	if (met) {
		printf "control \"%s/peertop.sock\"\n", t
		printf "metrics listen 127.0.0.1 port %d\n", met
	}
	printf "bmp listen 127.0.0.1 port %d { allow 127.0.0.0/8 }\n", bmp
	np = int(n / 2)
	for (i = 0; i < np; i++) {
		printf "partner \"p%d\" as %d {\n", i, 64512 + i % 1000
		for (k = 0; k < 2; k++) {
			s = 2 * i + k
			r = (i + k) % nr
			nbr = sprintf("10.%d.%d.%d", int(s / 250) % 250, s % 250,
			    k + 1)
			printf "\tsession \"s%d\" neighbor %s router \"r%d\" " \
			    "edge %s role %s\n", s, nbr, r, edge[r % 6 + 1],
			    k ? "backup" : "primary"
			line[r] = line[r] sprintf("r%d %s %d\n", r, nbr,
			    64512 + i % 1000)
		}
		print "}"
	}
	for (r = 0; r < nr; r++)
		printf "%s", line[r] >(t "/sessions.txt")
	ntargets = 2 * nb
	iv = int(ntargets * 1000 / rate)
	if (iv < 10)
		iv = 10
	if (probes && ph == "A")
		printf "probe { interval %dms timeout 1s }\n", iv
	while ((getline l <pf) > 0 && c < nb)
		pfx[c++] = l
	for (i = 0; i < nb; i++) {
		printf "branch \"b%d\" {\n\tpartner \"p%d\"\n\taddress " \
		    "192.0.2.%d\n\tlocation %d %d\n", i, i % np, i % 250 + 1,
		    30 + i % 30, -120 + i % 140
		if (c > 0) {
			split(pfx[i % c], f, " ")
			printf "\tprefix %s origin %s\n", f[1], f[2]
		}
		if (probes && ph == "A") {
			for (k = 0; k < 2; k++) {
				a = sprintf("127.%d.%d.%d", 100 + k,
				    int(i / 250), i % 250 + 1)
				printf "\tprobe %s %s\n", edge[k + 1], a
				printf "%s,2\n", a >(t "/targets.txt")
			}
		}
		print "}"
	}
}' >"$T/peertop-$1.conf"
	"$PEERTOP" -n -c "$T/peertop-$1.conf" >"$T/check.log" 2>&1 || {
		sed 's/^/# /' "$T/check.log" | tail -5
		exit 1
	}
}

# BENCH_LOAD_PERF=DIR: "perf record -g" of the collector (A) and of the
# standalone dashboard (B) into DIR/perf-A.data, DIR/perf-B.data.
PERFPID=""
perf_start()
{
	[ -n "${BENCH_LOAD_PERF:-}" ] || return 0
	# shellcheck disable=SC2086
	perf record -q ${BENCH_LOAD_PERF_OPTS:--g} -p "$2" -o "$BENCH_LOAD_PERF/perf-$1.data" \
	    >/dev/null 2>&1 &
	PERFPID=$!
}
perf_stop()
{
	[ -n "$PERFPID" ] || return 0
	kill -INT "$PERFPID"
	wait "$PERFPID"
	PERFPID=""
}

verdict()
{
	awk -v v="$1" -v t="$2" 'BEGIN { exit !(v <= t) }' && echo PASS ||
	    echo MISS
}

# figures PHASE RESULT-FILE: the phase's lines with targets.
figures()
{
	ph=$1
	f=$2
	while read -r what a b c d _; do
		case $what in
		table)	echo "load $ph: each router sends $a UPDATEs," \
			    "$(awk -v b="$b" 'BEGIN { printf "%.1f", b / 1e6 }') MB" ;;
		keys_floor)
			echo "load $ph: key -> screen, idle dashboard (harness" \
			    "floor): $a keys, p50 $b ms, p99 $c ms, max $d ms" ;;
		keys_during)
			echo "load $ph: key -> screen while the tables stream" \
			    "in: $a keys, p50 $b ms, p99 $c ms, max $d ms" \
			    "(target p99 <= 50 ms) $(verdict "$c" 50)" ;;
		keys_after)
			echo "load $ph: key -> screen after: $a keys, p50 $b" \
			    "ms, p99 $c ms, max $d ms (target p99 <= 10 ms)" \
			    "$(verdict "$c" 10)" ;;
		keys_*_frame)
			echo "load $ph:   in peertop, keys read -> frame" \
			    "written (\$PEERTOP_KEYLOG): $a reads, p50 $b ms," \
			    "p99 $c ms, max $d ms" ;;
		baseline) echo "load $ph: the collector at $(awk -v b="$a" \
			    'BEGIN { printf "%.0f", b * 100 }')% of a core" \
			    "before the tables (tables in: within 30% of that)" ;;
		drained) echo "load $ph: every router's bytes read after $a s" ;;
		in)	echo "load $ph: all tables in and judged after $a s" ;;
		routes)	echo "load $ph: $a routes in the RIB" ;;
		scrape)	echo "load $ph: /metrics while the tables streamed" \
			    "in: $a scrapes, p50 $b ms, max $c ms" ;;
		rss)	echo "load $ph: peak RSS $(awk -v b="$a" \
			    'BEGIN { printf "%.1f", b / 1048576 }') MiB" ;;
		queue)	echo "load $ph: history queue: peak $a rows while" \
			    "the tables streamed in; after, $b scrapes: peak" \
			    "$c rows in the first half, $d in the second" \
			    "(target: not growing) $(verdict "$d" \
			    "$(awk -v c="$c" -v r="$RATE" \
			    'BEGIN { print c + r }')")" ;;
		idle)	echo "load $ph: idle CPU after the tables are in," \
			    "no prober: $a% of a core over $IDLE s (target" \
			    "<= 0.5%) $(verdict "$a" 0.5)" ;;
		esac
	done <"$f"
}

echo "bench-load: $ROUTERS routers, $SESSIONS sessions, $BRANCHES" \
    "branches, prober $( [ $probes = 1 ] && echo "$RATE/s" || echo off);" \
    "$(uptime | sed 's/.*load/load/')"

sender()
{
	# shellcheck disable=SC2086
	echo "$BENCH_LOAD" -p "$1" -s "$T/sessions.txt" $FILES
}

case $PHASES in
*A*)
	BMP=$(free_port)
	MET=$(free_port)
	conf A "$BMP" "$MET"
	if [ $probes = 1 ]; then
		# shellcheck disable=SC2046
		"$RESPONDER" $(cat "$T/targets.txt") 2>"$T/responder.log" &
		RPID=$!
	fi
	"$PEERTOP" -H -c "$T/peertop-A.conf" >"$T/headless.log" 2>&1 &
	HPID=$!
	wait_for "test -S '$T/peertop.sock'" 30 || {
		echo "bench-load: the collector did not start" >&2
		sed 's/^/# /' "$T/headless.log" | tail -5
		exit 1
	}
	PEERTOP_KEYLOG=$T/keys-A.log
	export PEERTOP_KEYLOG
	tmux_start 200 60 -c "$T/peertop-A.conf"
	perf_start A "$HPID,$(cat "$T/tmux.pid")"
	# shellcheck disable=SC2046
	python3 "$top_srcdir/tests/bench/bench-load.py" "$TMUX_SOCK" \
	    "$T/tmux.conf" "$HPID" $(sender "$BMP") -- "$MET" 0 \
	    "$T/keys-A.log" \
	    >"$T/result-A" || { echo "bench-load: phase A failed" >&2;
	    sed 's/^/# /' "$T/headless.log" | tail -5; exit 1; }
	echo "load A: the collector (-H, prober, history) with a" \
	    "dashboard attached (the viewer's peak RSS:" \
	    "$(awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' \
	    "/proc/$(cat "$T/tmux.pid")/status" 2>/dev/null))"
	perf_stop
	figures A "$T/result-A"
	tmux_stop
	kill "$HPID" 2>/dev/null
	wait "$HPID" 2>/dev/null
	HPID=""
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null
	RPID=""
	;;
esac

case $PHASES in
*B*)
	BMP=$(free_port)
	conf B "$BMP"
	PEERTOP_KEYLOG=$T/keys-B.log
	export PEERTOP_KEYLOG
	tmux_start 200 60 --standalone -c "$T/peertop-B.conf"
	perf_start B "$(cat "$T/tmux.pid")"
	# shellcheck disable=SC2046
	python3 "$top_srcdir/tests/bench/bench-load.py" "$TMUX_SOCK" \
	    "$T/tmux.conf" "$(cat "$T/tmux.pid")" $(sender "$BMP") -- - \
	    "$IDLE" "$T/keys-B.log" >"$T/result-B" ||
	    { echo "bench-load: phase B failed" >&2; exit 1; }
	echo "load B: peertop --standalone (the dashboard's own loop" \
	    "takes the tables; no prober)"
	perf_stop
	figures B "$T/result-B"
	tmux_stop
	;;
esac
exit 0
