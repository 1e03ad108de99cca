#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Integration test of the BMP collector against GoBGP, a second BMP
# implementation beside FRR (test-bmp-frr.sh), on loopback:
#  - a headless peertop (-H) listens for BMP on 127.0.0.1 and watches the
#    partner's registered prefix 216.160.83.0/24;
#  - "msft" (gobgpd AS 8075) peers with "partner" (gobgpd AS 65002) and
#    streams BMP (pre-policy Adj-RIB-In) to peertop; GoBGP's sysName is
#    "GoBGP", the session's router;
#  - the session reaches Established in the SQLite history and carries the
#    partner's prefix; that first table is the state, not news (no
#    PrefixAnnouncementEvent);
#  - a more-specific from another origin (216.160.83.128/25, AS64999)
#    raises PrefixSubPrefixHijack, its withdrawal the resolution;
#  - the partner withdrawing the prefix raises PrefixVisibilityLost,
#    announcing it again PrefixVisibilityRestored and (news now)
#    PrefixAnnouncementEvent;
#  - msft going away closes its BMP connection: the routes it streamed are
#    unknown, not withdrawn (no PrefixWithdrawalEvent, no visibility
#    lost) and raise BmpRouterDown (Warning); GoBGP does not reconnect to
#    a collector on its own for over a minute, so the test starts msft
#    again: BmpRouterUp, the session is Established again and the prefix
#    compared, with still no withdrawal and no announcement; a real
#    withdrawal then is one.
# Both daemons run on their own 127/8 addresses and ports (BGP 11941 and
# 11942, gRPC 11951 and 11952, BMP 11931), in a temporary directory, and
# are stopped on every exit path.  Needs gobgpd and gobgp (Debian
# gobgpd) and sqlite3; skips without gobgpd.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
GOBGPD=${GOBGPD:-gobgpd}
GOBGP=${GOBGP:-gobgp}
. "$top_srcdir/tests/lib.sh"

if ! command -v "$GOBGPD" >/dev/null 2>&1 ||
    ! command -v "$GOBGP" >/dev/null 2>&1; then
	skip_all "GoBGP is not installed (apt-get install gobgpd)"
fi
lab_need sqlite3
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR

# Seconds for each step to show up (a loaded machine).
STEP=${BMP_GOBGP_STEP:-30}
BMP_PORT=${BMP_GOBGP_PORT:-11931}
MSFT_ADDR=127.0.0.71
MSFT_PORT=11941
MSFT_API=11951
PART_ADDR=127.0.0.72
PART_PORT=11942
PART_API=11952
ROUTER=GoBGP
SESSION=sea-gobgp
PFX=216.160.83.0/24
SUB=216.160.83.128/25

mktmpdir
T=$TEST_TMPDIR
DB=$T/history.db
PPID_PT=""
at_exit 'stop_gobgpd msft; stop_gobgpd partner'
at_exit 'if [ -n "$PPID_PT" ]; then kill "$PPID_PT" 2>/dev/null;
    wait "$PPID_PT" 2>/dev/null; fi'

# ------------------------------------------------------------ helpers

# stop_gobgpd NAME: SIGTERM and wait for it to be gone.
stop_gobgpd()
{
	if [ -f "$T/$1.pid" ]; then
		sg_pid=$(cat "$T/$1.pid")
		rm -f "$T/$1.pid"
		kill "$sg_pid" 2>/dev/null
		wait_for "! kill -0 $sg_pid" 10 || kill -9 "$sg_pid" 2>/dev/null
		wait "$sg_pid" 2>/dev/null
	fi
}

# gobgp NAME ARGS...: the CLI against NAME's gRPC port.
cli()
{
	c_api=$MSFT_API
	[ "$1" = partner ] && c_api=$PART_API
	shift
	timeout 10 "$GOBGP" -u 127.0.0.1 -p "$c_api" "$@"
}

# start_gobgpd NAME: gobgpd with $T/NAME.toml, ready once its API answers.
start_gobgpd()
{
	sg_api=$MSFT_API
	[ "$1" = partner ] && sg_api=$PART_API
	"$GOBGPD" -f "$T/$1.toml" -p -l info --pprof-disable \
	    --api-hosts "127.0.0.1:$sg_api" >>"$T/$1.log" 2>&1 &
	echo $! >"$T/$1.pid"
	wait_for "cli $1 global" 10
}

# The prefix's events (lib.sh's count_events and wait_events).
ABOUT="subject = 'prefix $PFX'"

established()
{
	[ "$(sql "SELECT count(*) FROM session_state WHERE id > ${1:-0} AND
	    session = '$SESSION' AND state = 'Established' AND
	    router = '$ROUTER' AND remote_as = 65002")" -ge 1 ] 2>/dev/null
}

# no_loss WHEN: after a few evaluation passes' worth of time for a wrong
# verdict to show, no withdrawal and no visibility lost since the mark.
no_loss()
{
	sleep 3
	check "$1 raises no PrefixWithdrawalEvent" \
	    [ "$(count_events PrefixWithdrawalEvent "$ABOUT")" = 0 ]
	check "$1 raises no PrefixVisibilityLost" \
	    [ "$(count_events PrefixVisibilityLost "$ABOUT")" = 0 ]
}

# ------------------------------------------------------------ setup

# gobgpd_conf AS ID ADDR PORT PEER PEER_AS PEER_PORT: a speaker on
# ADDR:PORT with one neighbor, retrying its connection every second.
gobgpd_conf()
{
	cat <<EOF
[global.config]
  as = $1
  router-id = "$2"
  port = $4
  local-address-list = ["$3"]

[[neighbors]]
  [neighbors.config]
    neighbor-address = "$5"
    peer-as = $6
  [neighbors.transport.config]
    local-address = "$3"
    remote-port = $7
  [neighbors.timers.config]
    connect-retry = 1
EOF
}
gobgpd_conf 8075 192.0.2.71 $MSFT_ADDR $MSFT_PORT $PART_ADDR 65002 \
    $PART_PORT >"$T/msft.toml"
cat >>"$T/msft.toml" <<EOF

[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = $BMP_PORT
    route-monitoring-policy = "pre-policy"
EOF
gobgpd_conf 65002 192.0.2.72 $PART_ADDR $PART_PORT $MSFT_ADDR 8075 \
    $MSFT_PORT >"$T/partner.toml"
cat >"$T/peertop.conf" <<EOF
bmp listen 127.0.0.1 port $BMP_PORT { allow 127.0.0.0/8 max-routers 4 }
partner "example-isp" as 65002 {
	session "$SESSION" neighbor $PART_ADDR router "$ROUTER" edge sea role primary
}
branch "seattle-office" {
	partner "example-isp"
	address 216.160.83.10
	prefix $PFX origin 65002
}
EOF

"$PEERTOP" -H -c "$T/peertop.conf" -d "$DB" -l "$T/peertop.log" \
    >"$T/peertop.out" 2>&1 &
PPID_PT=$!
if ! wait_for "grep -q 'listening on 127.0.0.1 port $BMP_PORT' \
    '$T/peertop.out' '$T/peertop.log'" 10; then
	not_ok "peertop listens for BMP on 127.0.0.1 port $BMP_PORT"
	sed 's/^/# /' "$T/peertop.out" "$T/peertop.log" 2>/dev/null
	summary
fi
ok "peertop listens for BMP on 127.0.0.1 port $BMP_PORT"

if ! start_gobgpd msft || ! start_gobgpd partner; then
	not_ok "gobgpd starts and answers on its gRPC port"
	sed 's/^/# /' "$T/msft.log" "$T/partner.log" 2>/dev/null | tail -n 20
	summary
fi
ok "gobgpd starts and answers on its gRPC port"

# ------------------------------------------------------------ checks

mark
cli partner global rib add -a ipv4 "$PFX" >"$T/cli.out" 2>&1
if wait_for "established" "$STEP"; then
	ok "session Established in the history after BMP Peer Up"
else
	not_ok "session Established in the history after BMP Peer Up"
	sed 's/^/# /' "$T/peertop.log"
	cli msft neighbor | sed 's/^/# /'
	summary
fi
check "GoBGP's sysName names the router in the log" \
    grep -q "router $ROUTER: " "$T/peertop.log"
carried()
{
	sql "SELECT carried FROM prefix_state WHERE prefix = '$PFX'
	    ORDER BY id DESC LIMIT 1" | grep -qw "$SESSION"
}
if wait_for carried "$STEP"; then
	ok "the partner's prefix is carried by $SESSION"
else
	not_ok "the partner's prefix is carried by $SESSION"
fi
sleep 3
check "the first table raises no PrefixAnnouncementEvent" \
    [ "$(count_events PrefixAnnouncementEvent "$ABOUT")" = 0 ]

mark
cli partner global rib add -a ipv4 "$SUB" aspath 64999 >"$T/cli.out" 2>&1 ||
    sed 's/^/# /' "$T/cli.out"
wait_events "a more-specific from AS64999: PrefixSubPrefixHijack" \
    PrefixSubPrefixHijack 1 "$ABOUT"
cli partner global rib del -a ipv4 "$SUB" >"$T/cli.out" 2>&1
wait_events "its withdrawal: PrefixSubPrefixHijackResolved" \
    PrefixSubPrefixHijackResolved 1 "$ABOUT"

mark
cli partner global rib del -a ipv4 "$PFX" >"$T/cli.out" 2>&1
wait_events "the partner withdraws it: PrefixVisibilityLost" \
    PrefixVisibilityLost 1 "$ABOUT"
cli partner global rib add -a ipv4 "$PFX" >"$T/cli.out" 2>&1
wait_events "announced again: PrefixVisibilityRestored" \
    PrefixVisibilityRestored 1 "$ABOUT"
wait_events "... and PrefixAnnouncementEvent, news this time" \
    PrefixAnnouncementEvent 1 "$ABOUT"

# msft goes away: its BMP connection closes.
mark
stop_gobgpd msft
if wait_for "grep -q 'router $ROUTER (127.0.0.1) closed the connection' \
    '$T/peertop.log'" "$STEP"; then
	ok "msft's BMP connection closes"
else
	not_ok "msft's BMP connection closes"
	tail -n 20 "$T/peertop.log" | sed 's/^/# /'
fi
no_loss "the closing"
wait_events "the router's going raises BmpRouterDown" BmpRouterDown 1
check "BmpRouterDown is a Warning" test \
    "$(count_events BmpRouterDown "level = 'Warning'")" = 1

# Back: GoBGP streams its table again, compared with what was known.
last=$(sql "SELECT coalesce(max(id), 0) FROM session_state")
start_gobgpd msft ||
    not_ok "gobgpd msft starts again"
if wait_for "established $last" "$STEP"; then
	ok "Established again after msft is back"
else
	not_ok "Established again after msft is back"
	tail -n 20 "$T/peertop.log" | sed 's/^/# /'
fi
no_loss "msft back"
wait_events "msft back: BmpRouterUp" BmpRouterUp 1
check "its table again raises no PrefixAnnouncementEvent" \
    [ "$(count_events PrefixAnnouncementEvent "$ABOUT")" = 0 ]
dump_events
# Known again once GoBGP has sent its table: a real withdrawal counts.
cli partner global rib del -a ipv4 "$PFX" >"$T/cli.out" 2>&1
wait_events "then withdrawn by the partner: PrefixWithdrawalEvent" \
    PrefixWithdrawalEvent 1 "$ABOUT"

bmp_peertop_end "$T/peertop.log"

summary
