#!/bin/sh
# SPDX-License-Identifier: ISC
# max-prefix, max-peers and max-routes under a hostile BMP router (issue
# 13, item 5): a real capture (tests/data/bmp 201, Cisco IOS-XR, 42
# peers) and an invented router reporting 200 peers with 3,000 routes
# each (600,000 routes, 2.5 MB) are streamed into peertop on loopback.
# The RIB must hold no more than max-peers x max-prefix routes from the
# liar and at most max-prefix from each peer (--once -o json).  A second
# liar's 40 peers with 300 routes each stay under their max-prefix but
# not under the router's max-routes 5000: the RIB must hold 5,000 of its
# 12,000 routes.  The history of a headless peertop must have
# MaxPrefixExceeded (Error with drop, Warning for a session's own
# warning limit) and MaxRoutesExceeded, then their restoration when the
# routers go.  Bounded: each peertop runs at most ~6 s.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=$top_srcdir/peertop}"
. "$top_srcdir/tests/lib.sh"
lab_need python3 jq sqlite3

mktmpdir
T=$TEST_TMPDIR
DB=$T/history.db
STEP=15
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
CAP=$top_srcdir/tests/data/bmp/201-BMP-CISCO-rd_instance/traffic-00.bmp
SEND=$top_srcdir/tests/tui/bmp-send.py
. "$top_srcdir/tests/tui/tmux-lib.sh"	# free_port
PORT=$(free_port)
PORT2=$(free_port)
PIDS=""
at_exit 'for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null;
    done'

python3 "$top_srcdir/tests/stress/bmp-fake-peers.py" 200 3000 \
    >"$T/fake.bmp" || not_ok "bmp-fake-peers.py writes a stream"
python3 "$top_srcdir/tests/stress/bmp-fake-peers.py" 40 300 many-peers \
    >"$T/many.bmp" || not_ok "bmp-fake-peers.py writes a second stream"

# s161 (9 routes) has its own warning limit; every other peer gets the
# collector's: 5 routes, the rest dropped; 50 peers per router.
cat >"$T/peertop.conf" <<CONF
bmp listen 127.0.0.1 port $PORT {
	allow 127.0.0.1
	max-prefix 5 drop
	max-peers 50
}
partner "example" as 64496 {
	session "s161" neighbor 192.0.11.161 router "ipf-zbl1843-r-daisy-55"
	    edge sea role primary max-prefix 3 warning
}
CONF
# The second liar's listener: peers under the default max-prefix, the
# router over its max-routes.
cat >"$T/routes.conf" <<CONF
bmp listen 127.0.0.1 port $PORT2 {
	allow 127.0.0.1
	max-routes 5000
}
CONF
# Headless: both.
cat "$T/peertop.conf" "$T/routes.conf" >"$T/both.conf"
CONF=$T/both.conf
lab_check_conf		# max-prefix, max-peers and max-routes are known

# send FILE HOLD [PORT]: stream FILE to peertop in the background.
send()
{
	python3 "$SEND" 127.0.0.1 "${3:-$PORT}" "$1" "$2" >/dev/null \
	    2>>"$T/send.log" &
	PIDS="$PIDS $!"
}

# once_with FILE [CONF PORT]: --once, as a router streams FILE to PORT;
# its JSON in $T/once.json.
once_with()
{
	timeout 30 "$PEERTOP" --once -o json -c "${2:-$T/peertop.conf}" \
	    >"$T/once.json" 2>"$T/once.err" &
	o_pid=$!
	send "$1" 8 "${3:-$PORT}"
	wait "$o_pid"
	jq -e .bmp_routers "$T/once.json" >/dev/null 2>&1
}

# 1. The real capture: each peer keeps at most 5 routes, s161 all 9.
if once_with "$CAP"; then
	ok "--once -o json with capture 201"
else
	not_ok "--once -o json with capture 201"
	sed 's/^/# /' "$T/once.err" | tail -n 20
fi
R='.bmp_routers[0]'
check "no peer but s161's holds more than 5 routes" test \
    "$(jqo "[$R.peers[] | select(.session != \"s161\" and .routes > 5)]
    | length")" = 0
check "s161's warning limit keeps its 9 routes" test \
    "$(jqo "$R.peers[] | select(.session == \"s161\") | .routes")" = 9
check "s161 is shown over its max-prefix 3 (warning)" test \
    "$(jqo "$R.peers[] | select(.session == \"s161\") |
    \"\(.max_prefix) \(.max_prefix_action) \(.max_prefix_exceeded)\"")" = \
    "3 warning true"
over=$(jqo "[$R.peers[] | select(.max_prefix_exceeded and
    .max_prefix_action == \"drop\")] | length")
diag "capture 201: $over peers over max-prefix 5, $(jqo "$R.dropped") \
prefixes dropped, $(jqo "$R.routes") routes kept"
check "peers over the limit are shown with their drops" test \
    "${over:-0}" -gt 0 -a "$(jqo "[$R.peers[] | select(.max_prefix_exceeded
    and .max_prefix_action == \"drop\" and .dropped > 0)] | length")" = \
    "$over"

# 2. 600,000 routes from 200 invented peers: at most 50 x 5 kept.
if once_with "$T/fake.bmp"; then
	ok "--once -o json with 200 fake peers"
else
	not_ok "--once -o json with 200 fake peers"
	sed 's/^/# /' "$T/once.err" | tail -n 20
fi
diag "fake peers: $(jqo "$R.peers_total") peers, $(jqo "$R.routes") \
routes kept, $(jqo "$R.dropped") dropped, $(jqo "$R.peers_skipped") \
messages skipped"
check "max-peers 50 bounds the peers of the liar" test \
    "$(jqo "$R.peers_total")" = 50
check "its other peers' messages are counted as skipped" test \
    "$(jqo "$R.peers_skipped")" -gt 0
check "the RIB holds 50 x 5 routes from it" test \
    "$(jqo "$R.routes")" = 250
check "each peer's 2,995 excess prefixes are counted as dropped" test \
    "$(jqo "[$R.peers[] | select(.dropped == 2995)] | length")" = 50

# 3. 12,000 routes from 40 peers, each under its max-prefix: the
# router's max-routes 5000 bounds them.
if once_with "$T/many.bmp" "$T/routes.conf" "$PORT2"; then
	ok "--once -o json with 40 peers over max-routes"
else
	not_ok "--once -o json with 40 peers over max-routes"
	sed 's/^/# /' "$T/once.err" | tail -n 20
fi
diag "max-routes: $(jqo "$R.routes") routes kept, \
$(jqo "$R.max_routes_dropped") dropped; $(jqo '.collectors[0].detail')"
check "the RIB holds max-routes 5000 routes of the router" test \
    "$(jqo "$R.routes")" = 5000
check "no peer was over its own max-prefix" test \
    "$(jqo "[$R.peers[] | select(.dropped > 0 or .max_prefix_exceeded)]
    | length")" = 0
check "the router is shown over its max-routes with 7,000 dropped" test \
    "$(jqo "$R | \"\(.max_routes) \(.max_routes_exceeded) \(.max_routes_dropped)\"")" \
    = "5000 true 7000"
check "the collector's status says so" test \
    "$(jqo '.collectors[] | select(.kind == "bmp") | .detail |
    contains("max-routes: 1 router full, 7000 prefixes dropped")')" = true

# 4. Headless, with the history: the three routers at once, then gone.
"$PEERTOP" -H -c "$T/both.conf" -d "$DB" -l "$T/peertop.log" \
    2>"$T/headless.err" &
HPID=$!
PIDS="$PIDS $HPID"
send "$CAP" 3
send "$T/fake.bmp" 3
send "$T/many.bmp" 3 "$PORT2"
wait_events "a session over its warning limit raises a Warning" \
    MaxPrefixExceeded 1 "level = 'Warning' AND subject = 'session s161'"
wait_events "each fake peer over max-prefix 5 raises an Error" \
    MaxPrefixExceeded 50 "level = 'Error' AND subject LIKE 'BMP peer 10.%'"
# How many depends on how much one read brought in: at least one.
check "the Error says how many prefixes were dropped" test \
    "$(sql "SELECT count(*) FROM events WHERE type = 'MaxPrefixExceeded'
    AND subject = 'BMP peer 10.0.0.7' AND details GLOB
    '[1-9]* prefixes dropped so far; withdrawals still apply'")" = 1
check "no fake peer past max-peers raises anything" test \
    "$(count_events MaxPrefixExceeded "subject = 'BMP peer 10.0.0.50'")" = 0
wait_events "the router over max-routes raises one Error" \
    MaxRoutesExceeded 1 "level = 'Error' AND subject = 'BMP router many-peers'
    AND details GLOB '[1-9]* prefixes dropped so far; withdrawals still apply'"
check "none of its peers raises MaxPrefixExceeded" test \
    "$(count_events MaxPrefixExceeded \
    "summary LIKE '%BMP router many-peers %'")" = 0
opened=$(count_events MaxPrefixExceeded)
wait_events "the routers gone, every MaxPrefixExceeded is resolved" \
    MaxPrefixExceededResolved "$opened"
wait_events "and MaxRoutesExceeded too" MaxRoutesExceededResolved 1 \
    "subject = 'BMP router many-peers'"
check "MaxRoutesExceeded is raised once" test \
    "$(count_events MaxRoutesExceeded)" = 1
check "peertop still runs" kill -0 "$HPID"
kill -TERM "$HPID"
wait "$HPID"
check "headless peertop exits 0 on SIGTERM" test $? = 0
summary
