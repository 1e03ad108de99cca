#!/bin/sh
# SPDX-License-Identifier: ISC
# The control socket's costs (issue 14), against the BIRD+FRR lab
# (tests/lab/lab; its latency part too when root and the responder are
# there), a headless collector on the lab's config with a control socket:
#  1. --once -o json through the socket against --once --standalone -o
#     json on the same lab (its second config: its own BMP feed), median
#     of BENCH_RUNS (default 21) and BENCH_STANDALONE_RUNS (default 5);
#     target: through the socket <= 50 ms;
#  2. the collector's CPU (utime + stime, /proc/PID/stat) over
#     BENCH_WINDOW seconds (default 20) with 0, 10 and 50 attached
#     viewers that read everything; % of a core and the increment per
#     viewer; target <= 0.2% of a core a viewer;
#  3. the snapshot (bytes from connecting to its end frame) and the
#     attach time (connect to the end frame), median of 20 attaches,
#     with the lab's RIB and again after BENCH_ROUTES (default 1,000,000)
#     synthetic IPv4 routes streamed to the collector's BMP listener by
#     one more router: the snapshot does not carry the RIB, so it should
#     not grow with it (target: within 10%).
# Each figure is printed with its target and PASS or MISS.  Exits 77
# without bird2, 1 when the lab or the collector does not come up.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
PEERTOP=${PEERTOP:-./peertop}
. "$top_srcdir/tests/lib.sh"

lab_need_bird
lab_need python3 jq

LAB=$top_srcdir/tests/lab/lab
PEERTOP_DATADIR=$top_srcdir/data
LAB_TIMEOUT=${LAB_TIMEOUT:-60}
LAB_PORT=${LAB_PORT:-1179}
LAB_FRR=${LAB_FRR:-auto}
LAB_LATENCY=0
if [ "$(id -u)" = 0 ] && [ -x "${RESPONDER:-}" ]; then
	LAB_LATENCY=1
	LAB_RESPONDER=$RESPONDER
	export LAB_RESPONDER
fi
export PEERTOP_DATADIR LAB_TIMEOUT LAB_PORT LAB_FRR LAB_LATENCY
WINDOW=${BENCH_WINDOW:-20}
ROUTES=${BENCH_ROUTES:-1000000}

lab_setup
tmp=$T
. "$top_srcdir/tests/bench/bench-lib.sh"

# The viewers and the BMP router of this benchmark.
cat >"$T/clients.py" <<'EOF'
import os, selectors, signal, socket, struct, sys, time

ATTACH = (b'{"cmd":"hello","client":"viewer","tty":"bench"}\n'
          b'{"cmd":"attach"}\n')
END = b'"phase":"end"'


def attach_once(path):
    # Connect to the snapshot's end frame: (seconds, bytes).
    t0 = time.monotonic()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(ATTACH)
    got = b""
    while True:
        end = got.find(END)
        if end >= 0 and got.find(b"\n", end) >= 0:
            break
        b = s.recv(1 << 20)
        if not b:
            raise SystemExit("closed before the snapshot's end")
        got += b
    t = time.monotonic() - t0
    s.close()
    return t, got.index(b"\n", end) + 1


def attach(path, n):
    # n attaches one after the other: medians of time and size.
    ts, sizes = [], []
    for _ in range(n):
        t, size = attach_once(path)
        ts.append(t)
        sizes.append(size)
    ts.sort()
    sizes.sort()
    print("%.3f %d" % (ts[n // 2] * 1000, sizes[n // 2]))


def viewers(path, n, ready):
    # n viewers attached, reading everything, until SIGTERM.
    sel = selectors.DefaultSelector()
    conns = []
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall(ATTACH)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        conns.append(s)
    total = [0]
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *a: stop.__setitem__(0, True))
    told = False
    t0 = time.monotonic()
    while not stop[0]:
        for key, _ in sel.select(0.5):
            b = key.fileobj.recv(1 << 20)
            if not b:
                raise SystemExit("a viewer was closed")
            total[0] += len(b)
        if not told and time.monotonic() - t0 > 1:
            open(ready, "w").close()
            told = True
    print(total[0])


def bmp_router(host, port, routes):
    # RFC 7854: an Initiation (4.3), a Peer Up (4.10) with the OPENs of
    # a 4-octet-AS peer, then Route Monitoring (4.6) of UPDATEs, 500
    # /24s each, one AS path; the connection is kept (a router that
    # closes its session has its routes dropped) until SIGTERM.
    def bgp(kind, body):
        return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), kind) + body

    def bmp(kind, body):
        return struct.pack("!BIB", 3, 6 + len(body), kind) + body

    peer_as, peer_addr = 64999, bytes([127, 0, 99, 1])
    phdr = (struct.pack("!BB8s", 0, 0, b"\0" * 8) + b"\0" * 12 +
            peer_addr + struct.pack("!II", peer_as, 0x7f006301) +
            struct.pack("!II", int(time.time()), 0))
    cap = bytes([2, 6, 65, 4]) + struct.pack("!I", peer_as)
    open_ = bgp(1, struct.pack("!BHHIB", 4, 23456, 90, 0x7f006301,
                               len(cap)) + cap)
    init = bmp(4, struct.pack("!HH", 2, 10) + b"bench-1m-r" +
               struct.pack("!HH", 1, 5) + b"bench")
    up = bmp(3, phdr + b"\0" * 12 + bytes([127, 0, 99, 2]) +
             struct.pack("!HH", 179, 40000) + open_ + open_)
    path = struct.pack("!BB", 2, 2) + struct.pack("!II", peer_as, 65001)
    attrs = (bytes([0x40, 1, 1, 0]) + bytes([0x40, 2, len(path)]) + path +
             bytes([0x40, 3, 4, 127, 0, 99, 1]))
    out = [init, up]
    i = 0
    while i < routes:
        nlri = b"".join(bytes([24, 1 + (j >> 16) % 223, (j >> 8) & 255,
                               j & 255]) for j in range(i, min(i + 500,
                                                            routes)))
        i += 500
        upd = bgp(2, struct.pack("!HH", 0, len(attrs)) + attrs + nlri)
        out.append(bmp(0, phdr + upd))
    data = b"".join(out)
    s = socket.create_connection((host, port))
    s.sendall(data)
    print(len(data), flush=True)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    while s.recv(4096):
        pass


mode = sys.argv[1]
if mode == "attach":
    attach(sys.argv[2], int(sys.argv[3]))
elif mode == "viewers":
    viewers(sys.argv[2], int(sys.argv[3]), sys.argv[4])
elif mode == "bmp":
    bmp_router(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
EOF

lab_start 60 40 13
echo "lab on 127.$LAB_NET/16 (FRR: $LAB_FRR, latency probes: $LAB_LATENCY)"
S=$T/ctl.sock
{ cat "$CONF"; echo "control \"$S\""; } >"$T/c.conf"
"$PEERTOP" -H -c "$T/c.conf" -l "$T/headless.log" >"$T/headless.out" 2>&1 &
HPID=$!
all_up()
{
	timeout 10 "$PEERTOP" --once -o json -S "$S" >"$T/up.json" 2>/dev/null
	[ $? -le 2 ] && jq -e '(.sessions | length) > 0 and ([.sessions[] |
	    select(.state != "Established")] | length) == 0' "$T/up.json" \
	    >/dev/null
}
if ! wait_for all_up 60; then
	echo "the collector's sessions did not all come up:" >&2
	jq -r '.sessions[] | "\(.name) \(.state)"' "$T/up.json" >&2
	tail -n 20 "$T/headless.log" "$T/headless.out" >&2
	exit 1
fi
echo "collector up: $(jq '.sessions | length' "$T/up.json") sessions," \
    "$(jq '.branches | length' "$T/up.json") branches"

verdict()
{
	awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "PASS" : "MISS" }'
}

# ------------------------------------------------------------ 1. --once
runs=${BENCH_RUNS:-21}
sock=$(bench_median "--once -S" 2 "$PEERTOP" --once -o json -S "$S")
runs=${BENCH_STANDALONE_RUNS:-5}
alone=$(bench_median "--once --standalone" 2 "$PEERTOP" --once -o json \
    --standalone -c "$DIR/peertop2.conf")
sock_ms=$(awk -v s="$sock" 'BEGIN { printf "%.1f", s * 1000 }')
alone_ms=$(awk -v s="$alone" 'BEGIN { printf "%.1f", s * 1000 }')
ratio=$(awk -v a="$alone" -v s="$sock" 'BEGIN { printf "%.0f", a / s }')

# ------------------------------------------------------------ 2. CPU
ticks()
{
	awk '{ print $14 + $15 }' "/proc/$HPID/stat"
}
hz=$(getconf CLK_TCK)
VPID=""
at_exit 'if [ -n "$VPID" ]; then kill "$VPID" 2>/dev/null; fi'
for n in 0 10 50; do
	rm -f "$T/ready"
	if [ "$n" -gt 0 ]; then
		python3 "$T/clients.py" viewers "$S" "$n" "$T/ready" \
		    >"$T/viewers.out" &
		VPID=$!
		wait_for "test -e '$T/ready'" 30 || {
			echo "the $n viewers did not attach" >&2
			exit 1
		}
	fi
	c0=$(ticks)
	sleep "$WINDOW"
	c1=$(ticks)
	eval "cpu$n=\$(awk -v d=\$((c1 - c0)) -v hz=$hz -v w=$WINDOW \
	    'BEGIN { printf \"%.2f\", d / hz / w * 100 }')"
	if [ -n "$VPID" ]; then
		kill "$VPID"
		wait "$VPID"
		VPID=""
		eval "bytes$n=\$(cat '$T/viewers.out')"
	fi
done
per10=$(awk -v a="$cpu0" -v b="$cpu10" 'BEGIN { printf "%.3f", (b - a) / 10 }')
per50=$(awk -v a="$cpu0" -v b="$cpu50" 'BEGIN { printf "%.3f", (b - a) / 50 }')
kbs50=$(awk -v b="$bytes50" -v w="$WINDOW" \
    'BEGIN { printf "%.1f", b / 50 / w / 1024 }')

# ------------------------------------------------------------ 3. attach
set -- $(python3 "$T/clients.py" attach "$S" 20)
att_ms=$1
snap=$2
routes_note="not measured (no BMP listener in the lab's config: no FRR)"
BMP_PORT=$(awk '{ print $3 }' "$DIR/lab.net" 2>/dev/null)
if grep -q "^bmp listen" "$CONF" && [ -n "$BMP_PORT" ]; then
	rib_routes()
	{
		timeout 10 "$PEERTOP" --once -o json -S "$S" 2>/dev/null |
		    jq '[.bmp_routers[]?.routes] | add // 0' 2>/dev/null
	}
	before=$(rib_routes)
	RPID=""
	at_exit 'if [ -n "$RPID" ]; then kill "$RPID" 2>/dev/null; fi'
	python3 "$T/clients.py" bmp 127.0.0.1 "$BMP_PORT" "$ROUTES" \
	    >"$T/bmp.out" &
	RPID=$!
	t0=$(date +%s%N)
	if wait_for "[ \$(rib_routes) -ge $((before + ROUTES)) ]" 120; then
		took=$((($(date +%s%N) - t0) / 1000000))
		set -- $(python3 "$T/clients.py" attach "$S" 20)
		att1m_ms=$1
		snap1m=$2
		routes_note="$(rib_routes) routes in the RIB (lab $before,"
		routes_note="$routes_note +$ROUTES from one more BMP router"
		routes_note="$routes_note, made, sent and in the RIB in"
		routes_note="$routes_note $took ms)"
	else
		routes_note="the $ROUTES routes did not reach the RIB in"
		routes_note="$routes_note 120 s ($(rib_routes) routes)"
		timeout 10 "$PEERTOP" --once -o json -S "$S" | jq -c \
		    '.bmp_routers[] | select(.name == "bench-1m-r")' >&2
	fi
fi

# ------------------------------------------------------------ the table
echo
printf '%-46s %14s %12s %s\n' "figure" "value" "target" "verdict"
printf '%-46s %11s ms %9s ms %s\n' "--once -o json through the socket, median" \
    "$sock_ms" 50 "$(verdict "$sock_ms" 50)"
printf '%-46s %11s ms %12s\n' "--once -o json --standalone, median" \
    "$alone_ms" "(reference)"
printf '%-46s %13sx\n' "  standalone / socket" "$ratio"
printf '%-46s %12s %% %12s\n' "collector CPU, 0 viewers" "$cpu0" "(base)"
printf '%-46s %12s %%\n' "collector CPU, 10 viewers" "$cpu10"
printf '%-46s %12s %%\n' "collector CPU, 50 viewers" "$cpu50"
printf '%-46s %12s %% %10s %% %s\n' "  per viewer (10 viewers)" "$per10" \
    0.2 "$(verdict "$per10" 0.2)"
printf '%-46s %12s %% %10s %% %s\n' "  per viewer (50 viewers)" "$per50" \
    0.2 "$(verdict "$per50" 0.2)"
printf '%-46s %9s KiB/s\n' "  changes sent to each viewer (50 viewers)" \
    "$kbs50"
printf '%-46s %11s ms\n' "attach (connect to snapshot end), lab RIB" "$att_ms"
printf '%-46s %8s bytes\n' "snapshot size, lab RIB" "$snap"
if [ -n "${snap1m:-}" ]; then
	grow=$(awk -v a="$snap" -v b="$snap1m" \
	    'BEGIN { printf "%.1f", (b - a) * 100 / a }')
	printf '%-46s %11s ms\n' "attach, +$ROUTES routes" "$att1m_ms"
	printf '%-46s %8s bytes\n' "snapshot size, +$ROUTES routes" "$snap1m"
	printf '%-46s %12s %% %10s %% %s\n' "  snapshot growth with the RIB" \
	    "$grow" 10 "$(verdict "$(echo "$grow" | tr -d -)" 10)"
fi
echo "($routes_note; CPU over $WINDOW s windows, $hz ticks/s)"
lab_stop_headless >/dev/null
exit 0
