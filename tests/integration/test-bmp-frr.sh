#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Integration test of the BMP collector against real FRR bgpd on loopback:
#  - a headless peertop (-H) listens for BMP on 127.0.0.1;
#  - "msft" (bgpd AS 8075, loaded with -M bmp) peers with "partner" (bgpd
#    AS 65002) and streams BMP to peertop;
#  - the configured session (neighbor = the partner, router = msft's BMP
#    sysName) reaches Established in the SQLite history with the partner's
#    AS, goes Idle with the Cease NOTIFICATION in words when the partner
#    shuts the session down (vtysh), and comes back when it is re-enabled;
#  - msft going away closes its BMP connection cleanly and peertop lives on;
#  - a second BMP target of msft, bmp-probe (the same collector with a RIB
#    behind it), holds the partner's two announced prefixes with their AS
#    path and next hop (pre-policy Adj-RIB-In), up to End-of-RIB;
#  - a third target, with Statistics Reports every second, is a
#    peertop --once -o json: its bmp_routers section shows msft's
#    sysName/sysDescr, the partner as a monitored peer and the named
#    Statistics Report counters FRR sends.
# bgpd runs without zebra (-Z), without a config write-back (-S), on its
# own 127/8 addresses and high ports, in a temporary directory, and is
# stopped on every exit path.  Needs frr (bgpd, vtysh) and sqlite3.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
PROBE=${BMP_PROBE:-$top_builddir/tests/integration/bmp-probe}
BGPD=${BGPD:-/usr/lib/frr/bgpd}
. "$top_srcdir/tests/lib.sh"

if [ ! -x "$BGPD" ] || ! command -v vtysh >/dev/null 2>&1; then
	skip_all "FRR is not installed (apt-get install frr)"
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
	not_ok "sqlite3 is needed by this test (apt-get install sqlite3)"
	summary
fi
if [ ! -x "$PEERTOP" ] || [ ! -x "$PROBE" ]; then
	not_ok "peertop or bmp-probe is not built: $PEERTOP $PROBE"
	summary
fi
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR

TIMEOUT=${BMP_FRR_TIMEOUT:-40}
BMP_PORT=${BMP_FRR_PORT:-11919}
PROBE_PORT=${BMP_FRR_PROBE_PORT:-11920}
ONCE_PORT=${BMP_FRR_ONCE_PORT:-11921}
MSFT_ADDR=127.0.0.61
MSFT_PORT=11891
PART_ADDR=127.0.0.62
PART_PORT=11892
ROUTER=msft-sea-r1

mktmpdir
T=$TEST_TMPDIR
DB=$T/history.db
PPID_PT=""
PROBE_PID=""
at_exit 'stop_bgpd "$T/msft"; stop_bgpd "$T/partner"'
at_exit 'if [ -n "$PROBE_PID" ]; then kill "$PROBE_PID" 2>/dev/null;
    wait "$PROBE_PID" 2>/dev/null; fi'
at_exit 'if [ -n "$PPID_PT" ]; then kill "$PPID_PT" 2>/dev/null;
    wait "$PPID_PT" 2>/dev/null; fi'

# ------------------------------------------------------------ helpers

stop_bgpd()
{
	if [ -f "$1/pid" ]; then
		sb_pid=$(cat "$1/pid")
		rm -f "$1/pid"
		kill "$sb_pid" 2>/dev/null &&
		    wait_for "! kill -0 $sb_pid" 10
	fi
}

# start_bgpd NAME ADDR PORT [ARGS...]: bgpd with $T/NAME/bgpd.conf.
start_bgpd()
{
	sb_dir=$T/$1
	sb_addr=$2
	sb_port=$3
	shift 3
	"$BGPD" -Z -S -p "$sb_port" -l "$sb_addr" -f "$sb_dir/bgpd.conf" \
	    -i "$sb_dir/pid" --vty_socket "$sb_dir" -z "$sb_dir/zserv.api" \
	    -u "$(id -un)" -g "$(id -gn)" -d "$@" >"$sb_dir/start.out" 2>&1 &&
	wait_for "[ -S '$sb_dir/bgpd.vty' ]" 10
}

vty()
{
	v_dir=$T/$1
	shift
	timeout 10 vtysh --vty_socket "$v_dir" "$@"
}

sql()
{
	sqlite3 -readonly "$DB" "$1" 2>/dev/null
}

# Rows of the session's history matching the condition $1.
rows()
{
	sql "SELECT count(*) FROM session_state WHERE session = 'sea-r1-msft'
	    AND $1"
}

has_rows()
{
	[ "$(rows "$1")" -ge "${2:-1}" ] 2>/dev/null
}

# ------------------------------------------------------------ setup

mkdir "$T/msft" "$T/partner"
cat >"$T/msft/bgpd.conf" <<EOF
hostname $ROUTER
log file $T/msft/bgpd.log
router bgp 8075
 bgp router-id 192.0.2.61
 no bgp ebgp-requires-policy
 neighbor $PART_ADDR remote-as 65002
 neighbor $PART_ADDR port $PART_PORT
 neighbor $PART_ADDR ebgp-multihop 2
 neighbor $PART_ADDR update-source $MSFT_ADDR
 neighbor $PART_ADDR timers connect 1
 address-family ipv4 unicast
  neighbor $PART_ADDR activate
  neighbor $PART_ADDR route-map NONE out
  neighbor $PART_ADDR soft-reconfiguration inbound
 exit-address-family
 bmp targets peertop
  bmp monitor ipv4 unicast pre-policy
  bmp connect 127.0.0.1 port $BMP_PORT min-retry 500 max-retry 2000
 exit
 bmp targets probe
  bmp monitor ipv4 unicast pre-policy
  bmp connect 127.0.0.1 port $PROBE_PORT min-retry 500 max-retry 2000
 exit
 bmp targets once
  bmp monitor ipv4 unicast pre-policy
  bmp stats interval 1000
  bmp connect 127.0.0.1 port $ONCE_PORT min-retry 500 max-retry 1000
 exit
route-map NONE deny 10
EOF
# FRR rejects next hops in 127/8 as martians: the partner rewrites it.
# Without zebra nothing is in the partner's routing table: its networks
# are announced without the import check.  FRR's BMP pre-policy view is
# the Adj-RIB-In kept by soft-reconfiguration inbound (without it msft
# streams only withdrawals).
cat >"$T/partner/bgpd.conf" <<EOF
hostname partner-r1
log file $T/partner/bgpd.log
router bgp 65002
 bgp router-id 192.0.2.62
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor $MSFT_ADDR remote-as 8075
 neighbor $MSFT_ADDR port $MSFT_PORT
 neighbor $MSFT_ADDR ebgp-multihop 2
 neighbor $MSFT_ADDR update-source $PART_ADDR
 neighbor $MSFT_ADDR timers connect 1
 address-family ipv4 unicast
  neighbor $MSFT_ADDR activate
  neighbor $MSFT_ADDR route-map NH out
  network 198.51.100.0/24
  network 203.0.113.0/24
 exit-address-family
route-map NH permit 10
 set ip next-hop 192.0.2.1
EOF
cat >"$T/peertop.conf" <<EOF
bmp listen 127.0.0.1 port $BMP_PORT { allow 127.0.0.0/8 max-routers 4 }
partner "example-isp" as 65002 {
	session "sea-r1-msft" neighbor $PART_ADDR router "$ROUTER" edge sea role primary
}
EOF

"$PEERTOP" -H -c "$T/peertop.conf" -d "$DB" -l "$T/peertop.log" \
    >"$T/peertop.out" 2>&1 &
PPID_PT=$!
# (logged to stderr or to the log file, whichever is open by then)
if ! wait_for "grep -q 'listening on 127.0.0.1 port $BMP_PORT' \
    '$T/peertop.out' '$T/peertop.log'" 10; then
	not_ok "peertop listens for BMP on 127.0.0.1 port $BMP_PORT"
	sed 's/^/# /' "$T/peertop.out" "$T/peertop.log" 2>/dev/null
	summary
fi
ok "peertop listens for BMP on 127.0.0.1 port $BMP_PORT"

"$PROBE" "$PROBE_PORT" "$TIMEOUT" 2 >"$T/probe.out" 2>&1 &
PROBE_PID=$!

if ! start_bgpd msft $MSFT_ADDR $MSFT_PORT -M bmp ||
    ! start_bgpd partner $PART_ADDR $PART_PORT; then
	sed 's/^/# /' "$T"/*/start.out 2>/dev/null
	skip_all "bgpd does not start here"
fi

# ------------------------------------------------------------ checks

if wait_for "has_rows \"state = 'Established' AND router = '$ROUTER'
    AND neighbor = '$PART_ADDR' AND remote_as = 65002\"" "$TIMEOUT"; then
	ok "session Established in the history after BMP Peer Up"
else
	not_ok "session Established in the history after BMP Peer Up"
	sed 's/^/# /' "$T/peertop.log"
	vty msft -c "show bmp" | sed 's/^/# /'
	summary
fi
check "msft's sysName names the router in the log" \
    grep -q "router $ROUTER: FRRouting" "$T/peertop.log"

# The probe prints its RIB once it holds both routes (or gives up).
wait_for "! kill -0 $PROBE_PID 2>/dev/null" "$TIMEOUT"
wait "$PROBE_PID"
probe_rc=$?
PROBE_PID=""
sed 's/^/# /' "$T/probe.out"
check "bmp-probe's RIB got the routes in time" [ "$probe_rc" -eq 0 ]
check "the partner is a pre-policy RIB peer with 2 routes" \
    grep -q "^peer $PART_ADDR as 65002 kind pre-policy routes 2\$" \
    "$T/probe.out"
# FRR's BMP (8.4 here) encodes the Adj-RIB-In route as it would send it,
# with msft's own AS in front: the bytes on the wire say 8075 65002
# (FRRouting/frr#21815). The RIB holds what the partner sent, and the
# log says why once.
check "198.51.100.0/24 in the RIB: path 65002, next hop 192.0.2.1" \
    grep -q "^route 198.51.100.0/24 peer $PART_ADDR path 65002 nexthop 192.0.2.1\$" \
    "$T/probe.out"
check "203.0.113.0/24 in the RIB: path 65002, next hop 192.0.2.1" \
    grep -q "^route 203.0.113.0/24 peer $PART_ADDR path 65002 nexthop 192.0.2.1\$" \
    "$T/probe.out"
check "the log says once that msft's BMP prepends its AS" \
    test "$(grep -c "peer $PART_ADDR (AS 65002) start with the router's own AS 8075" \
    "$T/peertop.log")" -eq 1
check "msft's sysName names the RIB's router, no UPDATE refused" \
    grep -q "^router $ROUTER synced [01] peers [0-9]* routes 2 errors 0\$" \
    "$T/probe.out"

# --once on the third target.  A session nobody reports keeps it
# waiting its whole grace period (5 s), time for msft (retrying every
# second) to connect and send a Statistics Report (every second).
cat >"$T/once.conf" <<EOF2
bmp listen 127.0.0.1 port $ONCE_PORT
partner "example-isp" as 65002 {
	session "sea-r1-msft" neighbor $PART_ADDR router "$ROUTER" edge sea role primary
	session "nobody" neighbor 127.0.0.99 router "nobody" edge sea role backup
}
EOF2
# once_has STRING: in the JSON.  peer_has ERE: the partner's line has it.
once_has()
{
	grep -qF -- "$1" "$T/once.json"
}
peer_has()
{
	grep -F "\"address\": \"$PART_ADDR\"" "$T/once.json" | grep -Eq -- "$1"
}
for try in 1 2 3; do
	"$PEERTOP" --once -o json -c "$T/once.conf" -d "$T/once.db" \
	    >"$T/once.json" 2>"$T/once.err"
	peer_has '"stats": \[\{' && break
done
json_ok()
{
	python3 -m json.tool "$T/once.json" >/dev/null
}
if command -v python3 >/dev/null 2>&1; then
	check "--once -o json is valid JSON" json_ok
fi
diag "$(grep -F "\"address\": \"$PART_ADDR\"" "$T/once.json" |
    sed 's/, "stats".*//')"
check "--once: bmp_routers lists msft by its sysName and sysDescr" \
    once_has "\"name\": \"$ROUTER\", \"descr\": \"FRRouting"
check "--once: msft's messages and peers are counted" \
    grep -Eq '"peers_total": [1-9][0-9]*, "peers_up": [1-9][0-9]*, "messages": [1-9]' \
    "$T/once.json"
# (FRR 8+ also flags some messages post-policy: "pre,post".)
check "--once: the partner is a monitored peer, AS65002, up, pre-policy" \
    peer_has '"as": 65002, "type": "global instance", "up": true, "kinds": "pre[,"]'
check "--once: the peer's 2 routes, End-of-RIB" \
    peer_has '"routes": 2, "updates": [1-9][0-9]*, "errors": 0, "end_of_rib": true'
check "--once: the peer is matched to the configured session" \
    peer_has '"session": "sea-r1-msft"'
# Its routes count as received on the session, although FRR's post-policy
# End-of-RIB markers make an empty post-policy view beside them.
session_rcvd()
{
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
s = [x for x in d["sessions"] if x["name"] == "sea-r1-msft"]
sys.exit(0 if s and s[0]["routes_imported"] == 2 else 1)' "$T/once.json"
}
check "--once: session sea-r1-msft received 2 routes" session_rcvd
if peer_has '"stat_reports": [1-9]'; then
	check "--once: FRR's Statistics Report counters by name" \
	    peer_has '"stats": \[\{"type": [0-9]+, "name": "[a-z][^"]+", "value": [0-9]+\}'
	diag "$(grep -F "\"address\": \"$PART_ADDR\"" "$T/once.json" |
	    sed 's/.*"stats"/"stats"/')"
else
	not_ok "--once: a Statistics Report from FRR (bmp stats interval 1000)"
	sed 's/^/# /' "$T/once.json" "$T/once.err"
fi

vty partner -c "configure terminal" -c "router bgp 65002" \
    -c "neighbor $MSFT_ADDR shutdown" >"$T/vty.out" 2>&1
if wait_for "has_rows \"old_state = 'Established' AND state = 'Idle' AND
    last_error LIKE '%Cease%'\"" "$TIMEOUT"; then
	ok "Idle with the Cease NOTIFICATION after BMP Peer Down"
else
	not_ok "Idle with the Cease NOTIFICATION after BMP Peer Down"
	sed 's/^/# /' "$T/vty.out" "$T/peertop.log"
fi
diag "$(sql "SELECT last_error FROM session_state WHERE state = 'Idle'
    AND old_state = 'Established' ORDER BY id LIMIT 1")"
check "the Peer Down reason is in words" \
    has_rows "state = 'Idle' AND last_error LIKE '%Administrative Shutdown%'"

vty partner -c "configure terminal" -c "router bgp 65002" \
    -c "no neighbor $MSFT_ADDR shutdown" >"$T/vty.out" 2>&1
if wait_for "has_rows \"state = 'Established' AND old_state = 'Idle'\"" \
    "$TIMEOUT"; then
	ok "Established again after the session is re-enabled"
else
	not_ok "Established again after the session is re-enabled"
	sed 's/^/# /' "$T/vty.out" "$T/peertop.log"
fi
# (FRR may also send a Peer Down for a connection that never came up, e.g.
# the loser of a connection collision: that is Unknown -> Idle, no drop.)
if [ "$(rows "old_state = 'Established' AND state = 'Idle'")" = 1 ]; then
	ok "exactly one drop recorded"
else
	not_ok "exactly one drop recorded"
	sql "SELECT time_ms, old_state, state, last_error FROM session_state" |
	    sed 's/^/# /'
fi

stop_bgpd "$T/msft"
check "msft's BMP connection closes without an error" \
    wait_for "grep -q 'router $ROUTER (127.0.0.1) closed the connection' \
    '$T/peertop.log'" "$TIMEOUT"
bmp_peertop_end "$T/peertop.log"

summary
