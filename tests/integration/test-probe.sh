#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The prober (core/latency-probe.c, through tests/integration/probe-run) against
# real, controlled round trips: a network namespace joined to this one by
# a veth pair, kernel echo replies off inside it
# (net.ipv4.icmp_echo_ignore_all=1), and tests/lab/responder answering
# ICMP echo there after a configured delay:
#  - with the responder not yet running, every probe is lost (so what is
#    measured later is the responder's doing, not the kernel's);
#  - 30 ms and 80 ms responders: no loss, every RTT at least the delay (less 100 us
#    for the responder waking early),
#    and the median within 5 ms of it;
#  - a responder that drops every other request: half the probes lost;
#  - TCP connects to the 30 ms and 80 ms addresses (the responder sends
#    the SYN-ACK itself, late): same checks as ICMP.
# Needs root and `ip netns`; skips (77) otherwise.  The namespace, the
# veth pair and the responder go away on every exit path.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

RESPONDER=$top_builddir/tests/lab/responder
PROBE=$top_builddir/tests/integration/probe-run

[ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces, raw sockets)"
command -v ip >/dev/null 2>&1 || skip_all "no ip(8)"
[ -x "$RESPONDER" ] && [ -x "$PROBE" ] || skip_all "responder or probe-run not built"

# Names and a /24 from 198.18.0.0/15 (RFC 2544, benchmarking) unique to
# this run, so parallel runs do not collide.
ID=$(( $$ % 30000 ))
NS=ptprobe$ID
VA=ptp${ID}a
VB=ptp${ID}b
NET=198.18.$(( $$ % 200 + 20 ))

ip netns add "$NS" 2>/dev/null || skip_all "ip netns add failed (no namespaces here)"
at_exit "ip netns del $NS 2>/dev/null; ip link del $VA 2>/dev/null"
if ! ip link add "$VA" type veth peer name "$VB" 2>/dev/null; then
	skip_all "no veth support"
fi
ip link set "$VB" netns "$NS" &&
ip addr add "$NET.1/24" dev "$VA" &&
ip link set "$VA" up &&
ip -n "$NS" link set lo up &&
ip -n "$NS" addr add "$NET.2/24" dev "$VB" &&
ip -n "$NS" addr add "$NET.3/24" dev "$VB" &&
ip -n "$NS" addr add "$NET.4/24" dev "$VB" &&
ip -n "$NS" link set "$VB" up &&
ip netns exec "$NS" sh -c 'echo 1 > /proc/sys/net/ipv4/icmp_echo_ignore_all'
check "namespace $NS with $NET.2-4 behind veth $VA" test $? = 0
# Let the addresses leave DAD/neighbour discovery settle.
sleep 0.3

field() {	# field LINE NAME: the value after NAME in a probe-run line
	echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

# Kernel replies off: nothing answers yet.
out=$("$PROBE" 600 100 200 "$NET.2")
diag "$out"
if [ "$(field "$out" ok)" = 0 ] && [ "$(field "$out" sent)" -ge 4 ]; then
	ok "no replies without the responder (kernel echo off)"
else
	not_ok "no replies without the responder (kernel echo off)"
fi

PORT=$(( $$ % 20000 + 20000 ))
ip netns exec "$NS" "$RESPONDER" -t "$PORT" "$NET.2,30" "$NET.3,80" "$NET.4,10,drop" &
RPID=$!
at_exit "kill $RPID 2>/dev/null"
sleep 0.3
kill -0 "$RPID" 2>/dev/null
check "responder running" test $? = 0

out=$("$PROBE" 3000 100 500 "$NET.2" "$NET.3" "$NET.4" \
    "$NET.2/$PORT" "$NET.3/$PORT")
diag "$out"
for pair in 2:30 3:80 2/$PORT:30 3/$PORT:80; do
	a=$NET.${pair%%:*}
	d=${pair#*:}
	line=$(echo "$out" | grep "^$a ")
	sent=$(field "$line" sent)
	lost=$(field "$line" lost)
	med=$(field "$line" median_us)
	min=$(field "$line" min_us)
	if [ -n "$sent" ] && [ "$sent" -ge 25 ] && [ "$lost" = 0 ]; then
		ok "$a (${d} ms): $sent probes, none lost"
	else
		not_ok "$a (${d} ms): sent $sent lost $lost"
	fi
	# The responder times its delay from the request's kernel receive
	# stamp and may wake a few microseconds early: 100 us of slack.
	if [ -n "$min" ] && [ "$min" -ge $(( d * 1000 - 100 )) ]; then
		ok "$a: no RTT below the delay less 100 us (min $min us)"
	else
		not_ok "$a: min RTT $min us below ${d} ms less 100 us"
	fi
	if [ -n "$med" ] && [ "$med" -ge $(( d * 1000 - 5000 )) ] &&
	    [ "$med" -le $(( d * 1000 + 5000 )) ]; then
		ok "$a: median $med us within 5 ms of ${d} ms"
	else
		not_ok "$a: median $med us not within 5 ms of ${d} ms"
	fi
done

line=$(echo "$out" | grep "^$NET.4 ")
sent=$(field "$line" sent)
lost=$(field "$line" lost)
okn=$(field "$line" ok)
# Every other request dropped: lost and answered differ by at most one.
if [ -n "$sent" ] && [ "$sent" -ge 25 ] &&
    [ $(( lost - okn )) -ge -1 ] && [ $(( lost - okn )) -le 1 ]; then
	ok "$NET.4 dropping every other: $lost of $sent lost"
else
	not_ok "$NET.4 dropping every other: $lost of $sent lost"
fi

summary
