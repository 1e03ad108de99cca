#!/bin/sh
# SPDX-License-Identifier: ISC
# The BMP listener under hostile clients (issue 13, items 1 to 3), on
# loopback, bounded in count and time (about 30 s in all); the clients
# are tests/stress/bmp-clients.py, the real router tests/tui/bmp-send.py
# streaming a capture:
#  (a) out of descriptors: a headless peertop with `ulimit -n 64` and more
#      idle connections than it has descriptors must not spin (CPU over
#      2 s) nor flood its log, and takes a real router once they are gone;
#  (b) slow senders: silent sockets are closed after init-timeout, a
#      byte-a-second sender and a 1 MiB header without a body after
#      message-timeout, each with its reason logged; a real router gets
#      in once they are gone though they had taken every slot;
#  (c) a flood of connections from an address not in allow writes the
#      first refusal and one summary line, not a line each.

. "${top_srcdir:-.}/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all "no python3"
[ -x "$PEERTOP" ] || skip_all "no built peertop"
mktmpdir
T=$TEST_TMPDIR
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR
CLIENTS=$top_srcdir/tests/stress/bmp-clients.py
CAPTURE=$top_srcdir/tests/data/bmp/205-BMP-6wind-FRR-peer_down/traffic-00.bmp
ROUTER=daisy-ietf-ipf-zbl1843-r-daisy-58
PT=""

stop_peertop()
{
	[ -n "$PT" ] && kill "$PT" 2>/dev/null
	PT=""
}
at_exit stop_peertop

# start_peertop NAME [NOFILE]: peertop -H on $T/NAME.conf (log NAME.log,
# stderr NAME.out), with at most NOFILE descriptors; its pid in PT.
start_peertop()
{
	(
		if [ -n "$2" ]; then
			ulimit -n "$2" || exit 1
		fi
		exec "$PEERTOP" -H -c "$T/$1.conf" -d "$T/$1.db" \
		    -l "$T/$1.log"
	) >"$T/$1.out" 2>&1 &
	PT=$!
	if wait_for "grep -q 'listening on' '$T/$1.out' '$T/$1.log'" 10; then
		ok "$1: peertop listens"
		return 0
	fi
	not_ok "$1: peertop listens"
	sed 's/^/# /' "$T/$1.out" "$T/$1.log" 2>/dev/null
	summary
}

# end_peertop NAME: SIGTERM, and peertop exits 0 (it was still running).
end_peertop()
{
	if ! kill "$PT" 2>/dev/null; then
		not_ok "$1: peertop still runs"
		sed 's/^/# /' "$T/$1.out" "$T/$1.log" 2>/dev/null
		PT=""
		return
	fi
	wait "$PT"
	check "$1: peertop exits 0 on SIGTERM" [ $? -eq 0 ]
	PT=""
}

# router_in NAME: a real router streams its capture in: its Initiation
# is logged (sysName and sysDescr) within 15 s.
router_in()
{
	python3 "$top_srcdir/tests/tui/bmp-send.py" 127.0.0.1 "$PORT" \
	    "$CAPTURE" 2 >"$T/$1.send" 2>&1 &
	sender=$!
	if wait_for "grep -q 'router $ROUTER: FRRouting' '$T/$1.log'" 15; then
		ok "$1: a real router streams in afterwards"
	else
		not_ok "$1: a real router streams in afterwards"
		sed 's/^/# /' "$T/$1.send" "$T/$1.log"
	fi
	# Not a bare wait: peertop is this shell's child too.
	wait "$sender"
}

# lines NAME ERE: how many lines of NAME.log match, counting those the
# log folded into "last message repeated N times" after one.
lines()
{
	awk -v re="$2" '
	    $0 ~ re { n++; last = 1; next }
	    last && / last message repeated [0-9]+ times?$/ { n += $(NF - 1) }
	    { last = 0 }
	    END { print n + 0 }' "$T/$1.log"
}

cpu_ticks()
{
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# ------------------------------------------------------------ (a)
PORT=$(python3 "$CLIENTS" port)
echo "bmp listen 127.0.0.1 port $PORT" >"$T/fds.conf"
start_peertop fds 64
python3 "$CLIENTS" idle "$PORT" 120 6 >"$T/idle.out" 2>&1 &
IDLE=$!
wait_for "grep -q open '$T/idle.out'" 10
diag "idle clients: $(cat "$T/idle.out")"
if [ -r "/proc/$PT/stat" ]; then
	sleep 0.5
	t0=$(cpu_ticks "$PT")
	sleep 2
	t1=$(cpu_ticks "$PT")
	hz=$(getconf CLK_TCK)
	diag "CPU over 2 s out of descriptors: $((t1 - t0)) ticks of 1/$hz s"
	check "fds: peertop does not spin out of descriptors (< 0.5 s CPU in 2 s)" \
	    [ $(((t1 - t0) * 2)) -lt "$hz" ]
fi
check "fds: one warning for the episode" \
    [ "$(lines fds 'accept: Too many open files; not accepting')" -eq 1 ]
wait "$IDLE"
router_in fds
check "fds: accepting again is logged once" \
    [ "$(lines fds 'accept failed [0-9]+ times? in')" -eq 1 ]
# Each idle connection is a router connected and closed: two lines of
# about 100 bytes, the rest a handful.
size=$(wc -c <"$T/fds.log")
diag "log: $size bytes"
check "fds: the log stays small (< 40 KB)" [ "$size" -lt 40000 ]
end_peertop fds

# ------------------------------------------------------------ (b)
PORT=$(python3 "$CLIENTS" port)
echo "bmp listen 127.0.0.1 port $PORT { max-routers 4 init-timeout 2s" \
    "message-timeout 3s }" >"$T/slow.conf"
start_peertop slow
python3 "$CLIENTS" silent "$PORT" 10 >"$T/slow.silent1" 2>&1 &
slow_pids=$!
python3 "$CLIENTS" silent "$PORT" 10 >"$T/slow.silent2" 2>&1 &
slow_pids="$slow_pids $!"
python3 "$CLIENTS" slow "$PORT" drip 10 >"$T/slow.drip" 2>&1 &
slow_pids="$slow_pids $!"
python3 "$CLIENTS" slow "$PORT" header 10 >"$T/slow.header" 2>&1 &
slow_pids="$slow_pids $!"
wait_for "[ \$(grep -c 'port [0-9]* connected' '$T/slow.log') -eq 4 ]" 5
python3 "$CLIENTS" silent "$PORT" 5 >"$T/slow.probe" 2>&1
check "slow: all 4 slots taken: a fifth connection is refused" \
    grep -q 'refused 127.0.0.1 port [0-9]*: 4 routers connected' \
    "$T/slow.log"
wait $slow_pids
# closed_within F LO HI: the client's "closed after T s" has LO <= T <= HI.
closed_within()
{
	s=$(sed -n 's/^closed after \([0-9]*\)\..*/\1/p' "$1")
	[ -n "$s" ] && [ "$s" -ge "$2" ] && [ "$s" -le "$3" ]
}
for f in silent1 silent2; do
	check "slow: a silent socket is closed after init-timeout" \
	    closed_within "$T/slow.$f" 1 4
done
for m in drip header; do
	check "slow: the $m sender is closed after message-timeout" \
	    closed_within "$T/slow.$m" 2 5
	check "slow: the $m sender's close is logged with its reason" \
	    grep -q "router slow-$m (127.0.0.1): a message still incomplete after 3 s" \
	    "$T/slow.log"
done
check "slow: silent sockets' closes are logged with the reason" \
    [ "$(lines slow 'no Initiation message within 2 s')" -eq 2 ]
router_in slow
end_peertop slow

# ------------------------------------------------------------ (c)
PORT=$(python3 "$CLIENTS" port)
echo "bmp listen 127.0.0.1 port $PORT { allow 192.0.2.0/24 }" \
    >"$T/refused.conf"
start_peertop refused
python3 "$CLIENTS" flood "$PORT" 2000 4 >"$T/flood.out" 2>&1
diag "flood: $(cat "$T/flood.out")"
end_peertop refused
n=$(lines refused 'bmp [^ ]*: refused')
diag "refusals: $n lines"
check "refused: the flood is logged in at most 3 lines" [ "$n" -le 3 ]
check "refused: the first is logged in full" \
    grep -q 'refused 127.0.0.1 port [0-9]*: not in the allow list' \
    "$T/refused.log"
check "refused: then a summary with the count, addresses and last" \
    grep -Eq 'refused [0-9]+ connections from 1 address in the last [0-9]+ s, last from 127.0.0.1 port [0-9]+: not in the allow list' \
    "$T/refused.log"


# ------------------------------------------------------------ (d)
# Issue 14: a second headless collector whose listener's port is taken
# exits 1 at start, saying so, instead of running without it.
PORT=$(python3 "$CLIENTS" port)
echo "bmp listen 127.0.0.1 port $PORT" >"$T/taken.conf"
start_peertop taken
out=$(timeout 10 "$PEERTOP" -H -c "$T/taken.conf" -d "$T/taken2.db" \
    -S "$T/taken2.sock" 2>&1 \
    </dev/null)
rc=$?
check "taken: a second collector on the port exits 1 (got $rc)" [ "$rc" -eq 1 ]
case $out in
*"cannot listen on 127.0.0.1:$PORT: Address already in use: the port is taken"*)
	ok "taken: ... saying the port is taken" ;;
*)	not_ok "taken: ... saying the port is taken: $out" ;;
esac
end_peertop taken

summary
