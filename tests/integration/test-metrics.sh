#!/bin/sh
# SPDX-License-Identifier: ISC
#
# GET /metrics of a headless collector (core/metrics-http.c) watching the
# real BIRD lab (tests/lab/lab) on loopback:
#  - the Prometheus text (what curl gets) passes promtool check metrics,
#    and the OpenMetrics text (what Prometheus asks for) has its
#    Content-Type and ends with "# EOF";
#  - another path is 404, another method 405;
#  - a real Prometheus scrapes it and its query API returns every lab
#    session Established, then lon-r1-msft not Established once it is
#    disabled in BIRD.
# Skips when bird2, prometheus (with promtool) or curl is missing.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
PROMETHEUS=${PROMETHEUS:-prometheus}
. "$top_srcdir/tests/lib.sh"

lab_need_bird
if ! command -v "$PROMETHEUS" >/dev/null 2>&1 ||
    ! command -v promtool >/dev/null 2>&1; then
	skip_all "prometheus is not installed (apt-get install prometheus)"
fi
lab_need curl jq python3

LAB=$top_srcdir/tests/lab/lab
PEERTOP_DATADIR=$top_srcdir/data
LAB_TIMEOUT=${LAB_TIMEOUT:-45}
LAB_PORT=${LAB_PORT:-1179}
LAB_FRR=0
export PEERTOP_DATADIR LAB_TIMEOUT LAB_PORT LAB_FRR

lab_setup
PROM_PID=""
at_exit 'if [ -n "$PROM_PID" ]; then kill "$PROM_PID" 2>/dev/null;
    wait "$PROM_PID" 2>/dev/null; fi'

# Two free loopback ports (the kernel's choice, released at once).
set -- $(python3 -c 'import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
MPORT=$1
PROM_PORT=$2
URL=http://127.0.0.1:$MPORT/metrics
OM='application/openmetrics-text; version=1.0.0; charset=utf-8'

# Our own 127.N/16, N in 240..253.
lab_start 240 14 3
ok "lab started on 127.$LAB_NET/16, all sessions Established"
echo "metrics listen 127.0.0.1 port $MPORT" >>"$CONF"
lab_check_conf

"$PEERTOP" -H -c "$CONF" -l "$T/headless.log" >"$T/headless.out" 2>&1 &
HPID=$!
established()
{
	curl -sf "$URL" >"$T/text" &&
	    [ "$(grep -c '^peertop_session_state{.*="Established"} 1$' \
	    "$T/text")" = 6 ]
}
if wait_for established 15; then
	ok "/metrics shows the 6 lab sessions Established"
else
	not_ok "/metrics shows the 6 lab sessions Established"
	sed 's/^/# /' "$T/headless.out" "$T/headless.log" | tail -10
	summary
fi
if promtool check metrics <"$T/text" >"$T/promtool.log" 2>&1; then
	ok "promtool check metrics accepts the text format"
else
	not_ok "promtool check metrics accepts the text format"
	sed 's/^/# /' "$T/promtool.log" | head -10
fi
curl -sf -H "Accept: $OM" -D "$T/om.h" "$URL" >"$T/om"
check "OpenMetrics when asked for, with its Content-Type" \
    grep -qi "^Content-Type: $OM" "$T/om.h"
check "the OpenMetrics text ends with # EOF" \
    test "$(tail -n 1 "$T/om")" = "# EOF"
check "the session state is an OpenMetrics state set" \
    grep -q '^# TYPE peertop_session_state stateset$' "$T/om"
for m in peertop_partner_redundancy peertop_session_flaps_total \
    peertop_session_prefixes_received peertop_branch_nearest_edge \
    peertop_conditions_open peertop_collector_up peertop_rib_routes \
    peertop_history_queue_rows; do
	check "$m is served" grep -q "^$m[{ ]" "$T/om"
done
check "another path is 404" test "$(curl -s -o /dev/null \
    -w '%{http_code}' "http://127.0.0.1:$MPORT/")" = 404
check "POST is 405" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -X POST "$URL")" = 405

# The guard it shares with the ingest endpoint: 32 connections that send
# nothing hold every slot (a scrape waits), until their deadline (10 s)
# closes them.
python3 -c 'import socket, sys, time
ss = [socket.create_connection(("127.0.0.1", int(sys.argv[1])))
      for _ in range(32)]
time.sleep(30)' "$MPORT" &
IDLE=$!
sleep 1
check "32 idle connections hold every slot: a scrape waits" test \
    "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$URL")" = 000
if wait_for 'curl -sf -m 2 -o /dev/null "$URL"' 15; then
	ok "the idle connections are closed at their deadline"
else
	not_ok "the idle connections are closed at their deadline"
fi
kill "$IDLE" 2>/dev/null
wait "$IDLE" 2>/dev/null

# ------------------------------------------------ the real Prometheus

cat >"$T/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: peertop
    static_configs:
      - targets: ['127.0.0.1:$MPORT']
EOC
"$PROMETHEUS" --config.file="$T/prometheus.yml" \
    --storage.tsdb.path="$T/prom" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$T/prometheus.log" 2>&1 &
PROM_PID=$!
# query EXPR: the number of series with value 1 Prometheus has for EXPR.
query()
{
	curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" \
	    --data-urlencode "query=$1" | jq -r '[.data.result[] |
	    select(.value[1] == "1")] | length'
}
EST='peertop_session_state{peertop_session_state="Established"}'
if wait_for '[ "$(query "$EST")" = 6 ]' 30; then
	ok "Prometheus scraped 6 sessions Established"
else
	not_ok "Prometheus scraped 6 sessions Established (got $(query "$EST"))"
	tail -5 "$T/prometheus.log" | sed 's/^/# /'
fi
check "Prometheus sees the scrape up" test "$(query 'up{job="peertop"}')" = 1

birdc -s "$DIR/lon-r1.ctl" disable msft_lon >/dev/null
diag "disabled msft_lon on lon-r1 (session lon-r1-msft)"
DOWN='peertop_session_state{session="lon-r1-msft",peertop_session_state="Established"} == 0'
if wait_for '[ "$(query "$DOWN")" = 0 ] &&
    [ "$(curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" \
    --data-urlencode "query=$DOWN" | jq ".data.result | length")" = 1 ]' 20
then
	ok "Prometheus sees lon-r1-msft leave Established"
else
	not_ok "Prometheus sees lon-r1-msft leave Established"
fi

lab_stop_headless
summary
