#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Integration test against real BIRD routers (tests/lab/lab) on loopback:
#  - peertop --once -o json reports every session in the state BIRD itself
#    shows (birdc show protocols all), and exits 0 when all is redundant;
#  - a session disabled in BIRD shows in --once, in the partner's
#    redundancy and, through a headless peertop (-H), in the SQLite history
#    (session_state, redundancy_state and events rows) within 10 seconds,
#    and re-enabling it restores everything;
#  - a BIRD process killed with SIGKILL marks its collector down and makes
#    --once exit non-zero;
#  - lab stop leaves no BIRD running.
# The lab runs in a temporary directory on its own 127/8 addresses and a
# non-standard port, so it can run beside a demo lab and without root; it
# is stopped on every exit path.  Needs bird2, jq and sqlite3.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
. "$top_srcdir/tests/lib.sh"

lab_need_bird
lab_need jq sqlite3

LAB=$top_srcdir/tests/lab/lab
# The built peertop looks for edges.csv in the installed datadir; point it
# (and the lab's geoip-test/ lookup) at the source tree.
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR
# Fast enough for a test, slow enough for a loaded machine.
LAB_TIMEOUT=${LAB_TIMEOUT:-45}
LAB_PORT=${LAB_PORT:-1179}
# The BIRD-only lab: its FRR/BMP part is test-routes-lab.sh's.
LAB_FRR=0
export LAB_TIMEOUT LAB_PORT LAB_FRR

lab_setup

# ------------------------------------------------------------ helpers

# once: run peertop --once -o json; output in $T/once.json, status ONCE_RC.
session_state()
{
	jqo --arg n "$1" '.sessions[] | select(.name == $n) | .state'
}

partner_red()
{
	jqo --arg n "$1" '.partners[] | select(.name == $n) | .redundancy'
}

collector_state()
{
	jqo --arg p "/$1.ctl" '.collectors[] | select(.path | endswith($p)) |
	    .state'
}

partner_reason()
{
	jqo --arg n "$1" '.partners[] | select(.name == $n) | .reason'
}

# Is there at least one row for query $1?
sql_has()
{
	[ "$(sql "$1")" -gt 0 ] 2>/dev/null
}

# The history checks, as functions for wait_for.
history_all_up()
{
	[ "$(sql "SELECT count(DISTINCT session) FROM session_state
	    WHERE state = 'Established'")" = 6 ]
}

history_down()
{
	sql_has "SELECT count(*) FROM session_state WHERE
	    session = 'lon-r1-msft' AND state IN ('AdminDown', 'Idle')" &&
	sql_has "SELECT count(*) FROM events WHERE type = 'SessionDown'
	    AND subject LIKE '%lon-r1-msft%'" &&
	sql_has "SELECT count(*) FROM redundancy_state WHERE
	    partner = 'contoso-net' AND state = 'DEGRADED'"
}

history_up()
{
	sql_has "SELECT count(*) FROM events WHERE type = 'SessionUp' AND
	    subject LIKE '%lon-r1-msft%' AND id > (SELECT max(id) FROM events
	    WHERE type = 'SessionDown' AND subject LIKE '%lon-r1-msft%')" &&
	sql_has "SELECT count(*) FROM events WHERE
	    type = 'RedundancyRestored' AND subject LIKE '%contoso-net%'" &&
	sql_has "SELECT state = 'REDUNDANT' FROM redundancy_state WHERE
	    partner = 'contoso-net' ORDER BY id DESC LIMIT 1"
}

history_collector_down()
{
	sql_has "SELECT count(*) FROM events WHERE type = 'CollectorDown'
	    AND (subject LIKE '%sea-r1%' OR details LIKE '%sea-r1%')"
}

# bird_info ROUTER PROTO: what BIRD itself says about the session:
# B_STATE (peertop's name for it), B_NEIGH, B_AS, B_IMP, B_EXP.
bird_info()
{
	b_out=$(birdc -s "$DIR/$1.ctl" show protocols all "$2" 2>&1) || {
		B_STATE="no-answer"
		return 1
	}
	b_proto=$(printf '%s\n' "$b_out" | awk -v p="$2" '$1 == p { print $4 }')
	b_bgp=$(printf '%s\n' "$b_out" | sed -n 's/^ *BGP state: *//p')
	B_NEIGH=$(printf '%s\n' "$b_out" | sed -n 's/^ *Neighbor address: *//p')
	B_AS=$(printf '%s\n' "$b_out" | sed -n 's/^ *Neighbor AS: *//p')
	B_IMP=$(printf '%s\n' "$b_out" |
	    sed -n 's/^ *Routes: *\([0-9]*\) imported.*/\1/p')
	B_EXP=$(printf '%s\n' "$b_out" |
	    sed -n 's/^ *Routes: .* \([0-9]*\) exported.*/\1/p')
	# BIRD's words -> peertop's (RFC 4271 8.2.2 names); a protocol
	# disabled with birdc is "down", which peertop calls AdminDown.
	if [ "$b_proto" = down ]; then
		B_STATE=AdminDown
	else
		case $b_bgp in
		Passive) B_STATE=Active ;;
		Close|Down) B_STATE=Idle ;;
		*) B_STATE=$b_bgp ;;
		esac
	fi
}

# compare_all WHAT: every session in $T/once.json against birdc.
compare_all()
{
	c_bad=""
	c_n=0
	"$LAB" sessions "$DIR" >"$T/sessions" || return 1
	while read -r c_name c_router _ c_proto; do
		c_n=$((c_n + 1))
		jqo --arg n "$c_name" '.sessions[] | select(.name == $n) |
		    "\(.state) \(.neighbor) \(.remote_as) \(.routes_imported)" +
		    " \(.routes_exported) \(.router)"' >"$T/one"
		p_state="" p_neigh="" p_as="" p_imp="" p_exp="" p_router=""
		read -r p_state p_neigh p_as p_imp p_exp p_router <"$T/one"
		bird_info "$c_router" "$c_proto"
		if [ "${p_state:-}" != "$B_STATE" ]; then
			c_bad="$c_bad $c_name:peertop=${p_state:-missing},bird=$B_STATE"
			continue
		fi
		[ "$p_router" = "$c_router" ] ||
			c_bad="$c_bad $c_name:router=$p_router"
		[ "$p_neigh" = "$B_NEIGH" ] ||
			c_bad="$c_bad $c_name:neighbor=$p_neigh,bird=$B_NEIGH"
		[ "$B_STATE" = Established ] || continue
		[ "$p_as" = "$B_AS" ] ||
			c_bad="$c_bad $c_name:as=$p_as,bird=$B_AS"
		[ "$p_imp" = "$B_IMP" ] && [ "$p_exp" = "$B_EXP" ] ||
			c_bad="$c_bad $c_name:routes=$p_imp/$p_exp,bird=$B_IMP/$B_EXP"
	done <"$T/sessions"
	c_np=$(jqo '.sessions | length')
	if [ "$c_n" != "${c_np:-0}" ]; then
		c_bad="$c_bad count:lab=$c_n,peertop=${c_np:-none}"
	fi
	if [ -n "$c_bad" ]; then
		diag "$1: mismatches:$c_bad"
		return 1
	fi
	return 0
}

# ------------------------------------------------------------ the lab

# Our own 127.N/16, N in 100..249, so a demo lab (127.65/16) can keep
# running.
lab_start 100 150 37
ok "lab started on 127.$LAB_NET/16 port $LAB_PORT, all sessions Established"
check "lab status reports every router and session up" \
    "$LAB" status "$DIR" >"$T/status.log"

lab_check_conf

# ------------------------------------------------------------ steady state

# Right after start-up a freshly Established session may still be
# exchanging routes; give the counts a moment to settle.
wait_for 'once && compare_all initial' 10
check "--once -o json is valid JSON with every top-level key" test \
    "$(jqo 'has("status") and has("collectors") and has("partners") and
    has("sessions") and has("branches") and has("events")')" = true
if compare_all "initial"; then
	ok "every session's state, neighbor, AS and routes match birdc"
else
	not_ok "every session's state, neighbor, AS and routes match birdc"
fi
check "6 sessions, all Established" \
    test "$(jqo '[.sessions[] | select(.state == "Established")] | length')" = 6
check "every collector is up" \
    test "$(jqo '[.collectors[] | select(.state != "up")] | length')" = 0
check "both partners REDUNDANT" test \
    "$(partner_red contoso-net) $(partner_red fabrikam-isp)" = \
    "REDUNDANT REDUNDANT"
check "--once exits 0 when everything is redundant" test "$ONCE_RC" = 0
check "status is \"ok\"" test "$(jqo .status)" = ok
# The branches are placed where the lab means them to be.
check "london-office placed in London by GeoIP, nearest edge lon" test \
    "$(jqo '.branches[] | select(.name == "london-office") |
    "\(.location.source) \(.location.city) \(.nearest_edge.code)"')" = \
    "geoip London lon"
check "seattle-hq (Milton, WA) nearest edge sea" test \
    "$(jqo '.branches[] | select(.name == "seattle-hq") |
    .nearest_edge.code')" = sea
check "stockholm-dc placed by its config location" test \
    "$(jqo '.branches[] | select(.name == "stockholm-dc") |
    .location.source')" = config
check "remote-site has location unknown" test \
    "$(jqo '.branches[] | select(.name == "remote-site") |
    "\(.location.source) \(.nearest_edge)"')" = "unknown null"

# ------------------------------------------------------------ a session down

"$PEERTOP" -H -c "$CONF" -l "$T/headless.log" >"$T/headless.out" 2>&1 &
HPID=$!
if wait_for history_all_up 15; then
	ok "headless peertop records all 6 sessions Established in $DB"
else
	not_ok "headless peertop records all 6 sessions Established"
	diag "$(sql 'SELECT session, state FROM session_state' | tr '\n' ' ')"
	sed 's/^/# headless: /' "$T/headless.log" "$T/headless.out" 2>/dev/null |
	    tail -n 20
fi

birdc -s "$DIR/lon-r1.ctl" disable msft_lon >/dev/null
diag "disabled msft_lon on lon-r1 (primary session lon-r1-msft)"
t0=$(date +%s)
if wait_for 'once && [ "$(session_state lon-r1-msft)" != Established ] &&
    [ "$(partner_red contoso-net)" = DEGRADED ]' 10; then
	ok "--once shows lon-r1-msft down and contoso-net DEGRADED within 10 s"
else
	not_ok "--once shows lon-r1-msft down and contoso-net DEGRADED" \
	    "(state $(session_state lon-r1-msft), $(partner_red contoso-net))"
fi
check "DEGRADED comes with a reason" test -n "$(partner_reason contoso-net)"
diag "reason: $(partner_reason contoso-net)"
check "fabrikam-isp still REDUNDANT" test "$(partner_red fabrikam-isp)" = \
    REDUNDANT
check "--once exits 1 (warning) while degraded" test "$ONCE_RC" = 1
if compare_all "after disable"; then
	ok "states match birdc after the disable (lon-r1-msft AdminDown)"
else
	not_ok "states match birdc after the disable"
fi

# Within 10 s of the disable, counted from t0 (time already spent counts).
left=$((10 - ($(date +%s) - t0)))
[ $left -lt 1 ] && left=1
if wait_for history_down $left; then
	ok "history has the transition, a SessionDown event and DEGRADED" \
	    "within 10 s"
else
	not_ok "history has the transition, a SessionDown event and DEGRADED" \
	    "within 10 s"
	diag "session_state: $(sql "SELECT state FROM session_state
	    WHERE session = 'lon-r1-msft'" | tr '\n' ' ')"
	diag "events: $(sql 'SELECT type, subject FROM events' | tr '\n' ' ')"
	diag "redundancy: $(sql 'SELECT partner, state FROM redundancy_state' |
	    tr '\n' ' ')"
fi
check "history: SessionDown for a primary is level Error" test \
    "$(sql "SELECT level FROM events WHERE type = 'SessionDown' AND
    subject LIKE '%lon-r1-msft%' ORDER BY id DESC LIMIT 1")" = Error
check "history: a RedundancyDegraded event for contoso-net" sql_has \
    "SELECT count(*) FROM events WHERE type = 'RedundancyDegraded' AND
    subject LIKE '%contoso-net%'"

# ------------------------------------------------------------ and back up

birdc -s "$DIR/lon-r1.ctl" enable msft_lon >/dev/null
diag "enabled msft_lon on lon-r1"
t0=$(date +%s)
if wait_for 'once && [ "$(session_state lon-r1-msft)" = Established ] &&
    [ "$(partner_red contoso-net)" = REDUNDANT ]' 15; then
	ok "--once shows lon-r1-msft Established and contoso-net REDUNDANT again"
else
	not_ok "--once shows lon-r1-msft Established and contoso-net" \
	    "REDUNDANT again ($(session_state lon-r1-msft)," \
	    "$(partner_red contoso-net))"
fi
check "--once exits 0 again" test "$ONCE_RC" = 0
left=$((10 - ($(date +%s) - t0)))
[ $left -lt 1 ] && left=1
if wait_for history_up $left; then
	ok "history has SessionUp, RedundancyRestored and REDUNDANT again"
else
	not_ok "history has SessionUp, RedundancyRestored and REDUNDANT again"
	diag "events: $(sql 'SELECT type, subject FROM events' | tr '\n' ' ')"
fi
check "history: lon-r1-msft's latest state is Established" test \
    "$(sql "SELECT state FROM session_state WHERE session = 'lon-r1-msft'
    ORDER BY id DESC LIMIT 1")" = Established

# ------------------------------------------------------------ a router dies

read -r victim <"$DIR/sea-r1.bird.pid"
kill -KILL "$victim"
diag "killed sea-r1's bird (pid $victim) with SIGKILL"
if wait_for 'once; [ "$(collector_state sea-r1)" = down ]' 10; then
	ok "--once shows sea-r1's collector down"
else
	not_ok "--once shows sea-r1's collector down"
	diag "collectors: $(jqo '.collectors[] | "\(.path) \(.state)"' |
	    tr '\n' ' ')"
fi
check "--once exits non-zero with a collector down" test "$ONCE_RC" -ne 0
check "sea-r1-msft is no longer Established" test \
    "$(session_state sea-r1-msft)" != Established
check "fabrikam-isp is not REDUNDANT" test \
    "$(partner_red fabrikam-isp)" != REDUNDANT
check "contoso-net is unaffected (REDUNDANT)" test \
    "$(partner_red contoso-net)" = REDUNDANT
if wait_for history_collector_down 10; then
	ok "history has a CollectorDown event for sea-r1"
else
	not_ok "history has a CollectorDown event for sea-r1"
	diag "events: $(sql 'SELECT type, subject FROM events' | tr '\n' ' ')"
fi

# ------------------------------------------------------------ shutdown

lab_stop_headless
check "the history passes sqlite's integrity check" test \
    "$(sql 'PRAGMA integrity_check')" = ok

"$LAB" stop "$DIR" >/dev/null 2>&1
# Any bird whose command line names a file in $DIR.
left_running=$(lab_processes bird)
check "lab stop leaves no BIRD running${left_running:+ (pids:$left_running)}" \
    test -z "$left_running"
check "lab stop removes the control sockets" \
    test -z "$(find "$DIR" -name '*.ctl' 2>/dev/null)"

summary
