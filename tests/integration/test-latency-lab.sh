#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Latency end to end against the lab (tests/lab/lab --latency): real BIRD
# routers, and per edge a network namespace whose delaying ICMP responder
# (tests/lab/responder, kernel echo replies off there) answers each
# branch's probe target after that branch's round trip (lab probes).
# peertop probes all 40 targets itself (the "probe" lines the lab writes):
#  - peertop --once -o json: every branch's link to every edge has a
#    median within 3 ms of its configured delay (and not below it), no
#    loss, and the branch's nearest edge by latency is its lowest-delay
#    edge;
#  - the ams responder dropping every other probe: --once shows every
#    branch's ams link losing half its probes (lost and answered differ
#    by at most one), flagged LossHigh;
#  - a headless peertop (-H) with the history: the ams drop and
#    seattle-hq's sea link slowed by 350 ms raise LossHigh on every ams
#    link and LatencyHigh on seattle-hq's sea link in the events table;
#    the samples it stored while ams dropped are half lost; after both
#    are back to normal, LossHighResolved and LatencyHighResolved follow;
#    latency_sample has rows for all 40 links, the slow ones included;
#  - lab stop leaves no responder and no namespace behind.
# Thresholds and probe timing are the test's own (the lab's peertop.conf
# with its latency and probe blocks replaced): window 10s, high 300ms,
# loss 20%; probes every 500 ms with a 450 ms timeout, so that a loss is
# known before the next probe goes and --once, which stops after 5
# results per target, sees them in sending order.
# Needs root (namespaces, raw sockets), ip(8), bird2, jq and sqlite3;
# skips without root, ip, namespaces or bird.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces, raw sockets)"
command -v ip >/dev/null 2>&1 || skip_all "no ip(8)"
ip netns add "ptlatchk$$" 2>/dev/null ||
    skip_all "ip netns add failed (no namespaces here)"
ip netns del "ptlatchk$$"
lab_need_bird
lab_need jq sqlite3

LAB=$top_srcdir/tests/lab/lab
LAB_RESPONDER=$top_builddir/tests/lab/responder
[ -x "$LAB_RESPONDER" ] || { not_ok "responder not built: $LAB_RESPONDER"; summary; }
PEERTOP_DATADIR=$top_srcdir/data
LAB_TIMEOUT=${LAB_TIMEOUT:-45}
LAB_PORT=${LAB_PORT:-1179}
LAB_FRR=0
LAB_LATENCY=1
export PEERTOP_DATADIR LAB_TIMEOUT LAB_PORT LAB_FRR LAB_LATENCY LAB_RESPONDER

lab_setup

# ------------------------------------------------------------ helpers

# link BRANCH EDGE ADDRESS JQ-EXPR: the expression over that latency entry.
link()
{
	jqo --arg b "$1" --arg e "$2" --arg a "$3" ".branches[] |
	    select(.name == \$b) | .latency[] |
	    select(.edge == \$e and .target == \$a) | $4"
}

now_ms()
{
	echo $(($(date +%s%N) / 1000000))
}

# events TYPE SUBJECT-LIKE: rows in the history's events table.
events()
{
	sql "SELECT count(*) FROM events WHERE type = '$1' AND
	    subject LIKE '$2'"
}

# ------------------------------------------------------------ start

# Our own N (60..99), apart from test-lab's, test-routes-lab's and the
# demo's; the namespaces and 198.19.N.0/24 follow it.
lab_start 60 40 13
ok "lab with latency responders on 127.$LAB_NET/16 and 198.19.$LAB_NET.0/24"
"$LAB" probes "$DIR" >"$T/probes"
check "lab probes lists 10 branches x 4 edges" test "$(wc -l <"$T/probes")" = 40
check "peertop.conf has a probe line per target" test \
    "$(grep -c '^	probe ' "$DIR/peertop.conf")" = 40

# The test's thresholds and timing instead of the demo's.
grep -v -e '^latency {' -e '^probe {' "$DIR/peertop.conf" >"$T/peertop.conf"
cat >>"$T/peertop.conf" <<EOF
latency { window 10s high 300ms loss 20% shift 100ms recent 3s }
probe { interval 500ms timeout 450ms }
EOF
CONF=$T/peertop.conf
lab_check_conf

# ------------------------------------------------------------ medians

if once; then
	ok "--once -o json is valid JSON (exit $ONCE_RC)"
else
	not_ok "--once -o json is valid JSON"
	sed 's/^/# /' "$T/once.err" | tail -n 10
fi
# Per branch: every edge's median within 3 ms of the delay, not below it,
# nothing lost; the nearest edge by latency the lowest delay.
while read -r b; do
	bad=""
	while read -r n e a d; do
		[ "$n" = "$b" ] || continue
		got=$(link "$b" "$e" "$a" \
		    '"\(.median_ms) \(.loss_pct) \(.received) \(.source)"')
		set -- $got
		if [ $# -ne 4 ] || [ "$2" != 0 ] || [ "$3" -lt 4 ] ||
		    [ "$4" != probe ] ||
		    ! awk -v m="$1" -v d="$d" 'BEGIN { exit !(m >= d &&
		    m <= d + 3) }'; then
			bad="$bad $e:${got:-missing}(want $d)"
		fi
	done <"$T/probes"
	if [ -z "$bad" ]; then
		ok "$b: medians within 3 ms of the delays, no loss"
	else
		not_ok "$b: median, loss, received, source:$bad"
	fi
	want=$(awk -v b="$b" '$1 == b && (m == "" || $4 < m) { m = $4; e = $2 }
	    END { print e }' "$T/probes")
	got=$(jqo --arg b "$b" '.branches[] | select(.name == $b) |
	    .nearest_latency.code')
	check "$b: nearest edge by latency $want (got $got)" test "$got" = "$want"
done <<EOF
$(awk '{ print $1 }' "$T/probes" | uniq)
EOF

# ------------------------------------------------------------ loss

"$LAB" latency "$DIR" ams all drop
check "lab latency: the ams responder drops every other probe" test $? = 0
once
bad=""
flags=0
while read -r n e a d; do
	[ "$e" = ams ] || continue
	set -- $(link "$n" "$e" "$a" \
	    '"\(.sent) \(.received) \(.flags | index("LossHigh") != null)"')
	lost=$(($1 - $2))
	if [ "$1" -lt 4 ] || [ $((lost - $2)) -lt -1 ] || [ $((lost - $2)) -gt 1 ]
	then
		bad="$bad $n:$2/$1"
	fi
	[ "$3" = true ] && flags=$((flags + 1))
done <"$T/probes"
if [ -z "$bad" ]; then
	ok "--once: every ams link lost half its probes"
else
	not_ok "--once: ams links answered/sent not half:$bad"
fi
check "--once: all 10 ams links flagged LossHigh ($flags)" test "$flags" = 10
"$LAB" latency "$DIR" ams all normal

# ------------------------------------------------------------ history

"$PEERTOP" -H -c "$CONF" -l "$T/headless.log" >"$T/headless.out" 2>&1 &
HPID=$!
if wait_for '[ "$(sql "SELECT count(DISTINCT branch || edge || target)
    FROM latency_sample")" = 40 ]' 15; then
	ok "headless peertop stores samples of all 40 links"
else
	not_ok "headless peertop stores samples of all 40 links"
	sed 's/^/# headless: /' "$T/headless.log" "$T/headless.out" |
	    tail -n 10
fi
# A clean window first, so what follows is the steps' doing.
sleep 3
check "no LossHigh or LatencyHigh before the steps" test \
    "$(sql "SELECT count(*) FROM events WHERE type IN
    ('LossHigh', 'LatencyHigh')")" = 0

t_drop=$(now_ms)
"$LAB" latency "$DIR" ams all drop &&
"$LAB" latency "$DIR" sea seattle-hq +350
check "lab latency: ams drops, seattle-hq's sea link 350 ms slower" test $? = 0
if wait_for '[ "$(events LossHigh "% edge ams")" -ge 10 ]' 15; then
	ok "history: LossHigh for all 10 ams links"
else
	not_ok "history: LossHigh on $(events LossHigh "% edge ams") of 10 ams links"
fi
if wait_for '[ "$(events LatencyHigh "branch seattle-hq edge sea")" = 1 ]' 15
then
	ok "history: LatencyHigh for seattle-hq's sea link"
else
	not_ok "history: LatencyHigh for seattle-hq's sea link"
fi
check "history: no LatencyHigh elsewhere" test \
    "$(sql "SELECT count(*) FROM events WHERE type = 'LatencyHigh'")" = 1
sleep 2
t_restore=$(now_ms)
"$LAB" latency "$DIR" ams all normal &&
"$LAB" latency "$DIR" sea seattle-hq normal
check "lab latency: both back to normal" test $? = 0

# Only the headless peertop probed meanwhile: the responder's every
# other drop is exactly half of its samples (one either way per link).
set -- $(sql "SELECT count(*), count(rtt_us) FROM latency_sample
    WHERE edge = 'ams' AND time_ms BETWEEN $((t_drop + 1000)) AND
    $((t_restore - 2500))" | tr '|' ' ')
if [ "${1:-0}" -ge 40 ] && [ $(($1 - 2 * $2)) -ge -10 ] &&
    [ $(($1 - 2 * $2)) -le 10 ]; then
	ok "history: ams samples while dropping $2 answered of $1"
else
	not_ok "history: ams samples while dropping ${2:-?} answered of ${1:-?}"
fi
set -- $(sql "SELECT min(rtt_us), max(rtt_us) FROM latency_sample
    WHERE branch = 'seattle-hq' AND edge = 'sea'" | tr '|' ' ')
check "history: seattle-hq/sea samples from 4 ms to 354 ms (${1:-?}..${2:-?} us)" \
    test "${1:-0}" -ge 4000 -a "${1:-0}" -lt 7000 -a "${2:-0}" -ge 354000 \
    -a "${2:-0}" -lt 357000

if wait_for '[ "$(events LossHighResolved "% edge ams")" -ge 10 ]' 25; then
	ok "history: LossHighResolved for all 10 ams links"
else
	not_ok "history: LossHighResolved on $(events LossHighResolved \
	    "% edge ams") of 10 ams links"
fi
if wait_for '[ "$(events LatencyHighResolved "branch seattle-hq edge sea")" = 1 ]' 25
then
	ok "history: LatencyHighResolved for seattle-hq's sea link"
else
	not_ok "history: LatencyHighResolved for seattle-hq's sea link"
fi
check "history: each raised event after its step, resolved after the restore" \
    test "$(sql "SELECT count(*) FROM events WHERE
    (type IN ('LossHigh', 'LatencyHigh') AND time_ms >= $t_drop - 1000) OR
    (type IN ('LossHighResolved', 'LatencyHighResolved') AND
    time_ms >= $t_restore - 1000)")" = 22
diag "$(sql "SELECT type, count(*) FROM events GROUP BY type" | tr '\n' ' ')"

lab_stop_headless

# ------------------------------------------------------------ stop

"$LAB" stop "$DIR" >/dev/null
check "lab stop: no responder left" test -z "$(lab_processes responder)"
check "lab stop: no namespace left" test -z \
    "$(ip netns list | grep "^ptlab$LAB_NET-")"

summary
