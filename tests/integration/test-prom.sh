#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Integration test of the Prometheus poller (core/collect-prom.c) against
# the real daemons on loopback:
#  - prometheus-blackbox-exporter probes 127.0.0.1 (ICMP when run as root,
#    else a TCP connect to Prometheus' own port);
#  - prometheus scrapes that probe every second, labelled with a branch and
#    an edge the way a peertop site would relabel its probes;
#  - prom-probe polls the query API through collect-prom.c and must see a
#    fresh sample for that branch and edge with 0 < RTT < 50 ms;
#  - a bad PromQL query gives Prometheus' own error in words, and a branch
#    nobody probes gives no sample (the probe fails as it should).
# Both daemons run on free 127.0.0.1 ports from a temporary directory and
# are stopped on every exit path.  Skips when they are not installed.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PROBE=${PROM_PROBE:-$top_builddir/tests/integration/prom-probe}
PROMETHEUS=${PROMETHEUS:-prometheus}
BLACKBOX=${BLACKBOX:-prometheus-blackbox-exporter}
. "$top_srcdir/tests/lib.sh"

if ! command -v "$PROMETHEUS" >/dev/null 2>&1 ||
    ! command -v "$BLACKBOX" >/dev/null 2>&1; then
	skip_all "prometheus or its blackbox exporter is not installed" \
	    "(apt-get install prometheus prometheus-blackbox-exporter)"
fi
if ! command -v python3 >/dev/null 2>&1; then
	not_ok "python3 is needed by this test (apt-get install python3)"
	summary
fi
if [ ! -x "$PROBE" ]; then
	not_ok "prom-probe is not built: $PROBE"
	summary
fi

TIMEOUT=${PROM_TIMEOUT:-30}
BRANCH=hq-test
EDGE=lpbk

mktmpdir
T=$TEST_TMPDIR
PROM_PID=""
BB_PID=""
at_exit 'stop_daemon "$BB_PID"'
at_exit 'stop_daemon "$PROM_PID"'

stop_daemon()
{
	if [ -n "$1" ]; then
		kill "$1" 2>/dev/null
		wait_for "! kill -0 $1" 10 || kill -9 "$1" 2>/dev/null
		wait "$1" 2>/dev/null
	fi
}

# Two free loopback ports (the kernel's choice, released at once).
free_ports()
{
	python3 -c 'import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))'
}

http_ok()
{
	python3 -c 'import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2).read()' "$1"
}

set -- $(free_ports)
PROM_PORT=$1
BB_PORT=$2
if [ "$(id -u)" -eq 0 ]; then
	MODULE=icmp
	TARGET=127.0.0.1
	QUERY="probe_icmp_duration_seconds{job=\"peertop-test\",phase=\"rtt\"}"
else
	MODULE=tcp
	TARGET=127.0.0.1:$PROM_PORT
	QUERY="probe_duration_seconds{job=\"peertop-test\"}"
fi
diag "prometheus on $PROM_PORT, blackbox on $BB_PORT, module $MODULE"

cat >"$T/blackbox.yml" <<EOC
modules:
  icmp:
    prober: icmp
    timeout: 1s
    icmp:
      preferred_ip_protocol: ip4
  tcp:
    prober: tcp
    timeout: 1s
EOC
cat >"$T/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: peertop-test
    metrics_path: /probe
    params:
      module: [$MODULE]
      target: ['$TARGET']
    static_configs:
      - targets: ['127.0.0.1:$BB_PORT']
        labels:
          branch: $BRANCH
          edge: $EDGE
EOC

"$BLACKBOX" --config.file="$T/blackbox.yml" \
    --web.listen-address="127.0.0.1:$BB_PORT" >"$T/blackbox.log" 2>&1 &
BB_PID=$!
"$PROMETHEUS" --config.file="$T/prometheus.yml" \
    --storage.tsdb.path="$T/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$T/prometheus.log" 2>&1 &
PROM_PID=$!

if wait_for "http_ok http://127.0.0.1:$BB_PORT/metrics" 20; then
	ok "blackbox exporter is up"
else
	not_ok "blackbox exporter is up"
	tail -20 "$T/blackbox.log" | sed 's/^/# /'
	summary
fi
if wait_for "http_ok http://127.0.0.1:$PROM_PORT/-/ready" 20; then
	ok "prometheus is ready"
else
	not_ok "prometheus is ready"
	tail -20 "$T/prometheus.log" | sed 's/^/# /'
	summary
fi

if "$PROBE" 127.0.0.1 "$PROM_PORT" "$QUERY" "$BRANCH" "$EDGE" \
    "$TIMEOUT" >"$T/probe.log" 2>&1; then
	ok "a fresh $MODULE sample for $BRANCH/$EDGE, 0 < RTT < 50 ms"
else
	not_ok "a fresh $MODULE sample for $BRANCH/$EDGE, 0 < RTT < 50 ms"
fi
sed 's/^/# /' "$T/probe.log" | tail -8

# The poller must also say what went wrong, in Prometheus' words.
"$PROBE" 127.0.0.1 "$PROM_PORT" "probe_duration_seconds{" "$BRANCH" \
    "$EDGE" 3 >"$T/bad.log" 2>&1
rc=$?
check "a bad query finds no sample" test "$rc" = 1
if grep -q '^poll: HTTP 400: Prometheus error bad_data' "$T/bad.log"; then
	ok "a bad query reports Prometheus' bad_data error"
else
	not_ok "a bad query reports Prometheus' bad_data error"
	sed 's/^/# /' "$T/bad.log" | tail -5
fi
"$PROBE" 127.0.0.1 "$PROM_PORT" "$QUERY" nosuch-branch "$EDGE" 3 \
    >"$T/none.log" 2>&1
check "a branch nobody probes gives no sample" test "$?" = 1
if grep -q '^poll: ok: [1-9]' "$T/none.log"; then
	ok "the other branch's series were still polled"
else
	not_ok "the other branch's series were still polled"
	sed 's/^/# /' "$T/none.log" | tail -5
fi
# peertop itself: the "prometheus" collector maps the series' labels to a
# configured branch and edge, into --once and the history.
PEERTOP=${PEERTOP:-$top_builddir/peertop}
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR
if [ ! -x "$PEERTOP" ]; then
	not_ok "peertop is not built: $PEERTOP"
	summary
fi
write_conf()	# write_conf PORT FILE
{
	cat >"$2" <<EOC
database "$T/history.db"
edge lpbk { metro "Loopback" country XX location 0 0 }
prometheus 127.0.0.1 port $1 {
	query "$(printf '%s' "$QUERY" | sed 's/"/\\"/g')"
	branch label "branch"
	edge label "edge"
	target label "instance"
	interval 1s
}
branch "$BRANCH" { address 192.0.2.1 }
branch "other" { address 192.0.2.2 }
EOC
}
write_conf "$PROM_PORT" "$T/peertop.conf"
check "peertop accepts the prometheus configuration" \
    "$PEERTOP" -n -c "$T/peertop.conf"
"$PEERTOP" --once -o json -c "$T/peertop.conf" >"$T/once.json" 2>"$T/once.err"
diag "exit status $?"
check "--once: the prometheus collector is up" test \
    "$(jqo '.collectors[0].state')" = up
check "--once: one latency link for $BRANCH, from prometheus" test \
    "$(jqo ".branches[] | select(.name == \"$BRANCH\") | .latency | length")" = 1
src=$(jqo ".branches[] | select(.name == \"$BRANCH\") | .latency[0].source")
edge=$(jqo ".branches[] | select(.name == \"$BRANCH\") | .latency[0].edge")
med=$(jqo ".branches[] | select(.name == \"$BRANCH\") | .latency[0].median_ms")
check "--once: source prometheus, edge $EDGE (got $src $edge)" test \
    "$src/$edge" = "prometheus/$EDGE"
check "--once: median $med ms is a loopback round trip (0 < m < 50)" \
    awk -v m="$med" 'BEGIN { exit !(m > 0 && m < 50) }'
check "--once: the nearest edge by latency is $EDGE" test \
    "$(jqo ".branches[] | select(.name == \"$BRANCH\") | .nearest_latency.code")" = "$EDGE"
check "--once: the other branch has no latency" test \
    "$(jqo '.branches[] | select(.name == "other") | .latency | length')" = 0

# Headless for a few polls: the samples are in the history, by source.
"$PEERTOP" -H -c "$T/peertop.conf" 2>"$T/headless.err" &
HPID=$!
at_exit 'stop_daemon "$HPID"'
sleep 4
stop_daemon "$HPID"
HPID=""
rows=$(sqlite3 "$T/history.db" "SELECT count(*) FROM latency_sample WHERE
    branch = '$BRANCH' AND edge = '$EDGE' AND source = 'prometheus' AND
    rtt_us > 0" 2>&1)
check "headless: prometheus samples in latency_sample (got $rows)" \
    test "${rows:-0}" -ge 2

# Polled four times a scrape interval, Prometheus answers each scrape's
# value about four times: peertop counts each scrape once.
sed 's/interval 1s/interval 250ms/' "$T/peertop.conf" >"$T/fast.conf"
sed -i "s|$T/history.db|$T/fast.db|" "$T/fast.conf"
"$PEERTOP" -H -c "$T/fast.conf" 2>"$T/fast.err" &
HPID=$!
sleep 5
stop_daemon "$HPID"
HPID=""
rows=$(sqlite3 "$T/fast.db" "SELECT count(*) FROM latency_sample WHERE
    branch = '$BRANCH'" 2>&1)
diag "5 s of polls every 250 ms, scrapes every 1 s: $rows samples stored"
check "repeated answers of one scrape are stored once (2 <= $rows <= 8)" \
    test "${rows:-0}" -ge 2 -a "${rows:-0}" -le 8

# A Prometheus that is not there: the collector says so, the rest runs.
set -- $(free_ports)
write_conf "$1" "$T/down.conf"
"$PEERTOP" --once -o json -c "$T/down.conf" >"$T/once.json" 2>"$T/once.err"
rc=$?
check "--once with prometheus down exits 1 (warning), got $rc" test "$rc" = 1
check "--once: the collector is down" test \
    "$(jqo '.collectors[0].state')" = down
err=$(jqo '.collectors[0].error')
case $err in
*refused*)	ok "--once: the error says connection refused ($err)" ;;
*)		not_ok "--once: the error says connection refused ($err)" ;;
esac
summary
