#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Notifications into the real Alertmanager (prometheus-alertmanager, v2
# API) from a headless peertop on the lab (tests/lab/lab with its FRR
# part), driving the lab timeline's steps with birdc:
#  - the backup drop (ams-r1 disables msft_ams) opens a SessionDown
#    alert in Alertmanager, queried through GET /api/v2/alerts, with
#    its labels (alertname, severity, subject, partner, session,
#    instance) and the event's summary, nothing outside the block's type
#    filter; its recovery resolves it (endsAt at the restoration, no
#    longer active);
#  - the sub-prefix hijack (hijack-r1 announces 81.2.69.0/25) opens a
#    critical PrefixSubPrefixHijack alert; the withdrawal resolves it;
#  - /metrics counts what was delivered, nothing failed.
# Needs bird2, frr, prometheus-alertmanager, curl and jq; skips without
# bird2, frr or Alertmanager.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
BGPD=${BGPD:-/usr/lib/frr/bgpd}
AM=${ALERTMANAGER:-$(command -v prometheus-alertmanager ||
    command -v alertmanager)}
. "$top_srcdir/tests/lib.sh"

lab_need_bird
if [ ! -x "$BGPD" ] || ! command -v vtysh >/dev/null 2>&1; then
	skip_all "FRR is not installed (apt-get install frr)"
fi
if [ -z "$AM" ]; then
	skip_all "Alertmanager is not installed (apt-get install" \
	    "prometheus-alertmanager)"
fi
lab_need jq curl sqlite3

LAB=$top_srcdir/tests/lab/lab
PEERTOP_DATADIR=$top_srcdir/data
STEP=${NOTIFY_AM_STEP:-20}
LAB_TIMEOUT=${LAB_TIMEOUT:-45}
LAB_PORT=${LAB_PORT:-1179}
LAB_FRR=1
TZ=UTC
export PEERTOP_DATADIR LAB_TIMEOUT LAB_PORT LAB_FRR BGPD TZ
LONDON_SUB=81.2.69.0/25

lab_setup

set -- $(python3 -c 'import socket
ss = [socket.socket() for i in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
PA=$1 PM=$2
AMURL=http://127.0.0.1:$PA

# Alertmanager: its own configuration and storage, no cluster, a receiver
# that sends nothing (the test reads the alerts through the API).
mkdir -p "$T/am"
cat >"$T/am.yml" <<EOF
route:
  receiver: nowhere
  group_wait: 1s
receivers:
  - name: nowhere
EOF
"$AM" --config.file="$T/am.yml" --storage.path="$T/am" \
    --web.listen-address="127.0.0.1:$PA" --cluster.listen-address= \
    --log.level=warn >"$T/am.log" 2>&1 &
AMPID=$!
at_exit "kill $AMPID 2>/dev/null; wait $AMPID 2>/dev/null"
if ! wait_for "curl -sf $AMURL/api/v2/status" 20; then
	not_ok "Alertmanager answers on 127.0.0.1:$PA"
	sed 's/^/# /' "$T/am.log"
	summary
fi
ok "Alertmanager answers on 127.0.0.1:$PA"

lab_birdc()
{
	"$LAB" birdc "$DIR" "$@" >"$T/birdc.out" 2>&1 ||
		diag "birdc $*: $(tail -n 1 "$T/birdc.out")"
}

# alerts JQ: Alertmanager's alerts (every one it still has) match JQ.
alerts()
{
	curl -sf "$AMURL/api/v2/alerts" >"$T/alerts.json" 2>/dev/null &&
	    jq -e "$1" "$T/alerts.json" >/dev/null 2>&1
}
# An alert is open while active and endsAt is ahead; resolved ones are
# gone from the list or carry an endsAt in the past.
OPEN='(.status.state == "active" and (.endsAt | sub("\\.[0-9]+"; "") | fromdate) > now)'

lab_start 60 40 13
ok "lab with FRR started on 127.$LAB_NET/16"
lab_check_conf
cat >>"$CONF" <<EOF
metrics listen 127.0.0.1 port $PM
notify "noc" {
	level warning
	type Session* Redundancy* Prefix*Hijack*
	alertmanager "$AMURL"
}
EOF
"$PEERTOP" -n -c "$CONF" >"$T/n.out" 2>&1
check "-n accepts the lab's configuration with the notify block" \
    grep -q "configuration OK" "$T/n.out"

"$PEERTOP" -H -c "$CONF" -l "$T/headless.log" >"$T/headless.out" 2>&1 &
HPID=$!
ams_up()
{
	[ "$(sql "SELECT state FROM session_state WHERE session =
	    'ams-r1-msft' ORDER BY id DESC LIMIT 1")" = Established ]
}
wait_for ams_up "$STEP" || not_ok "ams-r1-msft Established in peertop"
sleep 2		# the first judgements are in

# ------------------------------------------------------------ backup drop

SD='.labels.alertname == "SessionDown" and .labels.session == "ams-r1-msft"'
lab_birdc ams-r1 disable msft_ams
diag "ams-r1 disables msft_ams (the backup session goes down)"
if wait_for "alerts 'any(.[]; $SD and $OPEN)'" "$STEP"; then
	ok "backup drop: a SessionDown alert is open in Alertmanager"
else
	not_ok "backup drop: a SessionDown alert is open in Alertmanager"
	sed 's/^/# /' "$T/alerts.json" | head -20
fi
check "its labels: severity, subject, partner, instance, notify" \
    alerts "any(.[]; $SD and (.labels.severity | test(\"^(warning|error|critical)\$\")) and .labels.subject == \"session ams-r1-msft\" and (.labels.partner | length > 0) and (.labels.instance | length > 0) and .labels.notify == \"noc\")"
check "its annotations: the event's summary and id" \
    alerts "any(.[]; $SD and (.annotations.summary | length > 0) and (.annotations.event_id | tonumber > 0))"
check "the type filter: only Session*, Redundancy*, Prefix*Hijack* alerts" \
    alerts 'all(.[]; .labels.alertname | test("^(Session|Redundancy|Prefix.*Hijack)"))'

lab_birdc ams-r1 enable msft_ams
diag "ams-r1 enables msft_ams again"
if wait_for "alerts '[.[] | select($SD and $OPEN)] | length == 0'" "$STEP"
then
	ok "recovery: the SessionDown alert is resolved in Alertmanager"
else
	not_ok "recovery: the SessionDown alert is resolved in Alertmanager"
	sed 's/^/# /' "$T/alerts.json" | head -20
fi

# ------------------------------------------------------------ hijack

HJ='.labels.alertname == "PrefixSubPrefixHijack"'
lab_birdc hijack-r1 enable hijack_sub
diag "hijack-r1 announces $LONDON_SUB"
if wait_for "alerts 'any(.[]; $HJ and $OPEN)'" "$STEP"; then
	ok "hijack: a PrefixSubPrefixHijack alert is open"
else
	not_ok "hijack: a PrefixSubPrefixHijack alert is open"
	tail -n 20 "$T/headless.log" | sed 's/^/# /'
fi
check "hijack: severity critical" \
    alerts "any(.[]; $HJ and .labels.severity == \"critical\")"
lab_birdc hijack-r1 disable hijack_sub
diag "hijack-r1 withdraws it"
if wait_for "alerts '[.[] | select($HJ and $OPEN)] | length == 0'" "$STEP"
then
	ok "withdrawal: the hijack alert is resolved"
else
	not_ok "withdrawal: the hijack alert is resolved"
fi

metric() { curl -s "http://127.0.0.1:$PM/metrics" | grep -F "$1" | awk '{print $2}'; }
check "/metrics: alerts delivered to Alertmanager" \
    test "$(metric 'peertop_notify_delivered_total{notify="noc",destination="alertmanager"}')" -ge 4
check "/metrics: none failed" \
    test "$(metric 'peertop_notify_failed_total{notify="noc",destination="alertmanager"}')" = 0
lab_stop_headless
summary
