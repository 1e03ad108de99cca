#!/bin/sh
# SPDX-License-Identifier: ISC
# The prober against fping in the same run (tests/bench/bench-probe.c):
# a network namespace joined to this one by a veth pair, kernel echo
# replies off inside it, BENCH_PROBE_TARGETS addresses (default 200) on
# its side, all answered by tests/lab/responder after BENCH_PROBE_DELAY
# ms (default 5: fping prints RTTs under 10 ms to 10 us, longer ones to
# 100 us only).  bench-probe sends BENCH_PROBE_RATE probes/s (default
# 20,000, issue 18; issue 4 asked 5,000) across them (default 1,000
# addresses, every 50 ms each: a stall of the loop shorter than a
# target's interval costs no probe) for BENCH_PROBE_SECONDS (default
# 3: fping keeps 65,536 sequence numbers for 10 s, and stops when more
# probes than that are asked of it), first with
# peertop's prober, then with fping, both pinned to one core (taskset -c
# 0; the responder, spinning (-b) so that its delay is exact to a few
# microseconds, gets core 1 when there is one), and prints rate, CPU,
# loss and the timestamp error |RTT - delay| of both, under each run the
# responder's own lateness (the reference's error, -S) and, with tcpdump
# capturing the veth (-T), each tool's error against the round trip on
# the wire, the ratios, and PASS or MISS against issue 4's targets.
#
# Needs root (namespaces, raw sockets); exits 77 with a message without
# it, without ip(8) or namespaces, and runs without the fping comparison
# (saying so) when fping is missing (apt-get install fping).  The
# namespace, the veth pair and the responder go away on every exit path.
#
# Not a test (make check does not run it): `make bench` builds
# bench-probe and the responder and runs this with BENCH_PROBE and
# RESPONDER set.  BENCH_RUNS (default 3) runs of each tool, taking
# turns; the verdicts use the medians.

BENCH_PROBE=${BENCH_PROBE:-./tests/bench/bench-probe}
RESPONDER=${RESPONDER:-./tests/lab/responder}
targets=${BENCH_PROBE_TARGETS:-1000}
delay=${BENCH_PROBE_DELAY:-5}
rate=${BENCH_PROBE_RATE:-20000}
seconds=${BENCH_PROBE_SECONDS:-3}

skip() {
	echo "bench-probe: skipped: $*"
	exit 77
}

[ -x "$BENCH_PROBE" ] ||
    { echo "bench-probe: $BENCH_PROBE missing" >&2; exit 1; }
[ -x "$RESPONDER" ] ||
    { echo "bench-probe: $RESPONDER missing" >&2; exit 1; }
[ "$(id -u)" = 0 ] ||
    skip "needs root (a network namespace, raw ICMP sockets)"
command -v ip >/dev/null 2>&1 || skip "no ip(8) (apt-get install iproute2)"
[ "$targets" -ge 1 ] && [ "$targets" -le 1000 ] ||
    { echo "bench-probe: BENCH_PROBE_TARGETS: 1 to 1000" >&2; exit 1; }
case " ${BENCH_CFLAGS:-} " in
*" -O0 "*|*" -O0") echo "bench-probe: note: built with -O0 (an" \
    "--enable-debug tree); configure without it for real figures" ;;
esac

# Names and a /22 from 198.18.0.0/15 (RFC 2544, benchmarking) unique to
# this run, within 198.18.220-255 (test-probe.sh takes 198.18.20-219,
# the lab 198.19.N): 250 addresses from each of its four /24s.
id=$(( $$ % 30000 ))
ns=ptbench$id
va=ptb${id}a
vb=ptb${id}b
base=$(( $$ % 9 * 4 + 220 ))
net=198.18.$base
rpid=""
stats=$(mktemp "${TMPDIR:-/tmp}/bench-probe.XXXXXX") ||
    { echo "bench-probe: mktemp failed" >&2; exit 1; }

cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null
	rm -f "$stats"
	ip link del "$va" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$ns" 2>/dev/null || skip "ip netns add failed (no namespaces here)"
ip link add "$va" type veth peer name "$vb" 2>/dev/null ||
    skip "no veth support"
ip link set "$vb" netns "$ns" &&
ip addr add "$net.1/22" dev "$va" &&
ip link set "$va" up &&
ip -n "$ns" link set lo up &&
ip -n "$ns" link set "$vb" up &&
ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv4/icmp_echo_ignore_all' ||
    { echo "bench-probe: namespace setup failed" >&2; exit 1; }

addrs=""
specs=""
batch=""
i=0
while [ $i -lt "$targets" ]; do
	a=198.18.$((base + i / 250)).$((i % 250 + 2))
	batch="$batch
addr add $a/22 dev $vb"
	addrs="$addrs $a"
	specs="$specs $a,$delay"
	i=$((i + 1))
done
echo "$batch" | sed 1d | ip -n "$ns" -batch - ||
    { echo "bench-probe: cannot add the addresses" >&2; exit 1; }

ncpu=$(nproc 2>/dev/null || echo 1)
pin_resp=""
pin_bench=""
if command -v taskset >/dev/null 2>&1; then
	pin_bench="taskset -c 0"
	[ "$ncpu" -ge 2 ] && pin_resp="taskset -c 1"
else
	echo "bench-probe: note: no taskset, nothing pinned"
fi
# shellcheck disable=SC2086
# The lab and both tools alike at nice -10 (BENCH_PROBE_NICE): on a
# machine shared with other jobs, the figures are then the tools', not
# how often the neighbours let them run.
prio=${BENCH_PROBE_NICE:--10}
ip netns exec "$ns" nice -n "$prio" $pin_resp "$RESPONDER" -b -S "$stats" \
    $specs &
rpid=$!
sleep 0.5
kill -0 "$rpid" 2>/dev/null ||
    { echo "bench-probe: the responder did not start" >&2; exit 1; }
# ip netns exec and taskset exec it: the pid is the responder's, which
# reports how late its replies were after each run (SIGUSR1).
ref_opt=""
[ "$(cat "/proc/$rpid/comm" 2>/dev/null)" = responder ] &&
    ref_opt="-R $rpid -S $stats"

cap_opt=""
if tcpdump=$(command -v tcpdump 2>/dev/null); then
	cap_opt="-T $tcpdump -I $va"
else
	echo "bench-probe: no tcpdump (apt-get install tcpdump): errors" \
	    "against the responder's delay only, not against the wire"
fi
fping_opt=""
fping=${BENCH_PROBE_FPING:-$(command -v fping 2>/dev/null)}
if [ "$fping" = none ]; then
	echo "bench-probe: BENCH_PROBE_FPING=none: peertop alone"
elif [ -n "$fping" ]; then
	fping_opt="-F $fping"
	[ -n "${BENCH_PROBE_FPING_GAP:-}" ] &&
	    fping_opt="$fping_opt -i $BENCH_PROBE_FPING_GAP"
	echo "bench-probe: $("$fping" -v 2>&1 | head -n 1)"
else
	echo "bench-probe: no fping (apt-get install fping): peertop alone"
fi
echo "bench-probe: $(uname -sr), $ncpu CPUs ($(awk -F': ' \
    '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)),"\
    "bench and fping on CPU 0${pin_resp:+, responder on CPU 1}"
# shellcheck disable=SC2086
nice -n "$prio" $pin_bench "$BENCH_PROBE" -n "${BENCH_RUNS:-3}" -d "$delay" -r "$rate" \
    -s "$seconds" $fping_opt $ref_opt $cap_opt $addrs
