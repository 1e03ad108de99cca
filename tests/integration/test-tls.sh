#!/bin/sh
# SPDX-License-Identifier: ISC
# TLS on every HTTP path of the collector (issue 15), with certificates
# made here by openssl: a test CA, a server certificate for 127.0.0.1
# (IP SAN), a client certificate, and a second, unrelated CA with a
# "rogue" server certificate for the same address.  On loopback:
#  (a) -n: a plain listener on 0.0.0.0 is warned about, one with tls not;
#      a missing certificate file is an error naming it and its line;
#  (b) agent -> ingest over TLS with client-certificates require: the
#      samples reach the history; the token never crosses in clear (a
#      tcpdump of the loopback, grepped for it, with a marker sent in
#      clear in the same capture to show the grep would see it);
#  (c) an agent without a client certificate is refused, and says so;
#  (d) a collector whose certificate comes from another CA: the agent
#      refuses it, its status says "certificate verify failed: ...", and
#      its samples stay queued (none stored there, none lost);
#  (e) curl to the API and to /metrics over TLS with --cacert; without it
#      curl refuses, plain HTTP gets no answer; TLS 1.1 is refused, 1.2
#      works (a TLS 1.1 openssl s_server shows the client could);
#      a real Prometheus scrapes /metrics over https with its ca_file,
#      and one trusting another CA cannot;
#  (f) a handshake that never finishes does not hold the listener:
#      max-connections of them are closed at request-timeout, and a real
#      client is answered then;
#  (g) SIGHUP: a bad new key keeps the old certificate (and says why);
#      replaced files are served to new connections (fingerprints), and
#      a connection open before goes on with the old one, not cut.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=$top_srcdir/peertop}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/tls-lib.sh"
lab_need openssl curl python3 sqlite3

mktmpdir
T=$TEST_TMPDIR
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
TOKEN='s3cret-T0ken-xyzzy'

set -- $(python3 -c 'import socket
ss = [socket.socket() for i in range(7)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
PI=$1 PA=$2 PM=$3 PR=$4 PX=$5 PS=$6 PP=$7

# ------------------------------------------------------ certificates

C=$T/certs
mkdir "$C"
tls_ca ca "peertop test CA"
tls_ca ca2 "another CA"
tls_cert server collector ca "subjectAltName=IP:127.0.0.1"
tls_cert server2 "collector renewed" ca "subjectAltName=IP:127.0.0.1"
tls_cert rogue collector ca2 "subjectAltName=IP:127.0.0.1"
tls_cert client hq-agent ca "extendedKeyUsage=clientAuth"
cp "$C/server.pem" "$C/live.pem"
cp "$C/server.key" "$C/live.key"

# ------------------------------------------------------ configurations

collector_conf()	# collector_conf FILE CERT KEY PORT_INGEST
{
	cat >"$1" <<EOF
ingest listen 127.0.0.1 port $4 {
	token "$TOKEN"
	tls {
		certificate "$2"
		key "$3"
		ca "$C/ca.pem"
		client-certificates require
	}
}
api listen 127.0.0.1 port $PA {
	token "$TOKEN"
	max-connections 4
	request-timeout 2s
	tls { certificate "$2" key "$3" }
}
metrics listen 127.0.0.1 port $PM tls { certificate "$2" key "$3" }
branch "hq" {
	address 192.0.2.10
	location 47.6 -122.3
}
EOF
}
collector_conf "$T/c.conf" "$C/live.pem" "$C/live.key" "$PI"

agent_conf()	# agent_conf FILE NAME PORT TLS
{
	cat >"$1" <<EOF
probe { interval 100ms timeout 400ms }
agent "$2" {
	collector 127.0.0.1 port $3
	token "$TOKEN"
	batch 50
	interval 200ms
	tls { $4 }
}
branch "hq" {
	address 192.0.2.10
	location 47.6 -122.3
	probe sea 127.0.0.1 tcp port $PX
}
EOF
}
agent_conf "$T/a.conf" hq-agent "$PI" "ca \"$C/ca.pem\"
		certificate \"$C/client.pem\" key \"$C/client.key\""
agent_conf "$T/nocert.conf" hq-nocert "$PI" "ca \"$C/ca.pem\""
agent_conf "$T/rogue-a.conf" hq-trusting "$PR" "ca \"$C/ca.pem\""

# ------------------------------------------------------------- (a) -n

"$PEERTOP" -n -c "$T/c.conf" >"$T/n.out" 2>&1
check "-n accepts the collector's tls blocks" grep -q "configuration OK" \
    "$T/n.out"
check "... with no warning" sh -c "! grep -q warning '$T/n.out'"
check "peertop agent -n accepts the agent's tls block" \
    "$PEERTOP" agent -n -c "$T/a.conf"
sed -e "s|^api listen 127.0.0.1 port $PA {|api listen 0.0.0.0 port $PA {|" \
    -e "/^	tls { certificate/d" "$T/c.conf" >"$T/open.conf"
"$PEERTOP" -n -c "$T/open.conf" >"$T/n.out" 2>&1
check "-n warns about a plain API on 0.0.0.0, at its line" grep -q \
    "warning: $T/open.conf:10:12: api listen 0.0.0.0 without tls: the token and every answer cross the network in clear" \
    "$T/n.out"
# A certificate past its end, and one near it: warnings naming the date.
tls_ossl x509 -req -in "$C/server.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
    -CAcreateserial -days 3 -out "$C/soon.pem" -extfile "$C/server.ext"
sed "s|$C/live.pem|$C/soon.pem|; s|$C/live.key|$C/server.key|" "$T/c.conf" \
    >"$T/soon.conf"
"$PEERTOP" -n -c "$T/soon.conf" >"$T/n.out" 2>&1
check "-n warns of a certificate expiring within 14 days, with its date" \
    grep -Eq "warning: $T/soon.conf:[0-9]+:[0-9]+: tls in [a-z]+: certificate $C/soon.pem expires on 20[0-9-]+ [0-9:]+ UTC, in [23] days" \
    "$T/n.out"
sed "s|$C/live.key|$C/gone.key|" "$T/c.conf" >"$T/gone.conf"
"$PEERTOP" -n -c "$T/gone.conf" >"$T/n.out" 2>&1
rc=$?
check "-n: a missing key file is an error (exit $rc)" test "$rc" != 0
check "... naming the file and its line" grep -q \
    "$T/gone.conf:5:7: cannot read key \"$C/gone.key\": No such file or directory" \
    "$T/n.out"

# ----------------------------------------------------------- collector

CPID=""
APIDS=""
TCPD=""
at_exit 'for p in $APIDS $CPID $TCPD; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done'
"$PEERTOP" -H -c "$T/c.conf" -d "$T/h.db" -l "$T/c.log" >"$T/c.out" 2>&1 &
CPID=$!
if ! wait_for "grep -q 'metrics: listening on' '$T/c.log'" 10; then
	not_ok "the collector listens"
	sed 's/^/# /' "$T/c.log" "$T/c.out"
	summary
fi
ok "the collector listens (ingest, api and metrics over TLS)"
rows()	# rows DB
{
	sqlite3 -readonly "$1" "SELECT count(*) FROM latency_sample" \
	    2>/dev/null || echo 0
}
# The agent's final account; sets sent and queued.
account()
{
	line=$(grep "^agent [^ ]*: [0-9]* probed" "$1" | tail -1)
	set -- $line
	sent=$5 queued=$7
	diag "account: $line"
}
stop()	# stop PID LOG: SIGTERM and wait
{
	kill -TERM "$1" 2>/dev/null
	wait_for "! kill -0 $1" 10
	wait "$1" 2>/dev/null
}

# --------------------------------------------- (b) agent over TLS, tcpdump

CAP=""
if [ "$(id -u)" = 0 ] && command -v tcpdump >/dev/null 2>&1; then
	CAP=$T/lo.pcap
	tcpdump -i lo -U -s 0 -w "$CAP" "tcp port $PI" \
	    2>"$T/tcpdump.log" &
	TCPD=$!
	wait_for "grep -q listening '$T/tcpdump.log'" 5 ||
	    diag "tcpdump: $(cat "$T/tcpdump.log")"
fi
"$PEERTOP" agent -v -c "$T/a.conf" 2>"$T/a.log" &
APID=$!
APIDS=$APID
if wait_for "[ \"\$(rows '$T/h.db')\" -ge 20 ]" 20; then
	ok "agent -> ingest over TLS with a client certificate: samples stored ($(rows "$T/h.db"))"
else
	not_ok "agent -> ingest over TLS: samples stored"
	sed 's/^/# /' "$T/a.log" "$T/c.log"
fi
# -v: a status line every 5 s.
check "the agent's status says https" \
    wait_for "grep -q 'pushing to https://127.0.0.1:$PI: ok' '$T/a.log'" 7
if [ -n "$CAP" ]; then
	# The same capture sees a marker sent in clear to the same port.
	curl -s -m 3 -H "X-Marker: clear-marker-42" \
	    "http://127.0.0.1:$PI/" >/dev/null 2>&1
	sleep 1
	kill "$TCPD" 2>/dev/null
	wait "$TCPD" 2>/dev/null
	TCPD=""
	n=$(tcpdump -r "$CAP" -nn 2>/dev/null | wc -l)
	check "the capture holds the agent's traffic ($n packets)" \
	    test "$n" -gt 20
	check "a marker in clear is found in the capture" \
	    grep -aq "clear-marker-42" "$CAP"
	check "the token is not in the capture" \
	    sh -c "! grep -aq '$TOKEN' '$CAP'"
	check "no sample (branch name in JSON) is in the capture" \
	    sh -c "! grep -aq '\"branch\":\"hq\"' '$CAP'"
else
	diag "not root or no tcpdump: the capture is skipped"
fi

# ------------------------------------------ (c) no client certificate

# agent_until NAME PATTERN DESC [running]: the agent of $T/NAME.conf runs
# until its log has PATTERN (ok DESC), then stops and gives its account
# (with "running" it goes on, its pid in NPID).
agent_until()
{
	"$PEERTOP" agent -v -c "$T/$1.conf" 2>"$T/$1.log" &
	NPID=$!
	APIDS="$APIDS $NPID"
	if wait_for "grep -q '$2' '$T/$1.log'" 10; then
		ok "$3"
	else
		not_ok "$3"
		sed 's/^/# /' "$T/$1.log"
	fi
	diag "$(grep -m1 'warning: agent' "$T/$1.log")"
	[ "$4" = running ] && return
	stop "$NPID"
	account "$T/$1.log"
}

agent_until nocert 'certificate required' \
    "an agent without a client certificate is refused, and says so"
check "... it sent nothing (sent $sent, queued $queued)" \
    test "$sent" = 0 -a "$queued" -gt 0
check "... and the collector's log names the refused handshake and its client" \
    grep -Eq "warning: ingest: tls: handshake with 127\.0\.0\.1 failed: refused: (certificate required|handshake failure)" \
    "$T/c.log"
diag "collector: $(grep -m1 'ingest: tls: handshake' "$T/c.log")"

# An agent given the TLS listener without tls: told 426 "use https", its
# samples kept (a 400 would have dropped each batch as malformed).
sed '/^\ttls {/d' "$T/nocert.conf" >"$T/plain-a.conf"
agent_until plain-a "HTTP 426: This port speaks TLS: use https://" \
    "an agent without tls is told 426, use https, in words"
check "... it keeps its samples (sent $sent, queued $queued, none rejected)" \
    sh -c 'test "$1" = 0 -a "$2" -gt 0 &&
    grep -q " 0 rejected\$" "$3"' - "$sent" "$queued" "$T/plain-a.log"

# ----------------------------------------- (d) a collector of another CA

sed -e "s|$C/live.pem|$C/rogue.pem|g" -e "s|$C/live.key|$C/rogue.key|g" \
    -e "s|port $PI|port $PR|" -e "/^api listen/,/^}/d" -e "/^metrics/d" \
    "$T/c.conf" >"$T/rogue.conf"
echo "control \"$T/rogue.sock\"" >>"$T/rogue.conf"
"$PEERTOP" -H -c "$T/rogue.conf" -d "$T/rogue.db" -l "$T/rogue.log" \
    >"$T/rogue.out" 2>&1 &
RPID=$!
APIDS="$APIDS $RPID"
wait_for "grep -q 'listening on' '$T/rogue.log'" 10 ||
    not_ok "the rogue collector listens"
agent_until rogue-a \
    'certificate verify failed: unable to get local issuer certificate' \
    "the agent refuses a certificate from another CA, in words" running
RAPID=$NPID
# The -v status line, every 5 s, says it too, with the queue.
if wait_for "grep -q 'probed.*certificate verify failed.*[1-9][0-9]* queued' '$T/rogue-a.log'" 10; then
	ok "its status line says the certificate failed, samples queued"
else
	not_ok "its status line says the certificate failed, samples queued"
fi
stop "$RAPID"
account "$T/rogue-a.log"
check "nothing sent to it (sent $sent, queued $queued)" \
    test "$sent" = 0 -a "$queued" -gt 0
check "nothing stored there" test "$(rows "$T/rogue.db")" = 0
stop "$RPID"

# ------------------------------------------------ (e) curl, openssl

U=https://127.0.0.1:$PA
AUTH="Authorization: Bearer $TOKEN"
code=$(curl -s -m 10 --cacert "$C/ca.pem" -H "$AUTH" -o "$T/body" \
    -w '%{http_code}' "$U/v1/sessions")
check "curl --cacert gets the API over TLS (HTTP $code)" test "$code" = 200
check "... JSON" python3 -c "import json,sys; json.load(open('$T/body'))"
curl -s -m 10 -H "$AUTH" -o /dev/null "$U/v1/status"
rc=$?
check "curl without the CA refuses the certificate (exit $rc)" test "$rc" = 60
code=$(curl -s -m 5 -o "$T/plain" -w '%{http_code}' \
    "http://127.0.0.1:$PA/v1/status")
check "plain HTTP to the TLS port: 426, use https (HTTP $code)" sh -c \
    'test "$1" = 426 && grep -q "use https://" "$2"' - "$code" "$T/plain"
check "... and the log says who spoke plain HTTP" grep -q \
    "127.0.0.1 spoke plain HTTP to this TLS listener" "$T/c.log"
curl -s -m 10 --cacert "$C/ca.pem" -o "$T/metrics" \
    "https://127.0.0.1:$PM/metrics"
check "curl --cacert scrapes /metrics over TLS" \
    grep -q "^peertop_" "$T/metrics"
tls_ok()	# tls_ok PORT ARGS...: a handshake made by openssl s_client
{
	p=$1
	shift
	openssl s_client -connect "127.0.0.1:$p" "$@" </dev/null \
	    >"$T/s.out" 2>&1
	grep -q "^New, TLSv1" "$T/s.out"
}
if tls_ok "$PA" -tls1_2 -CAfile "$C/ca.pem"; then
	ok "TLS 1.2 is accepted"
else
	not_ok "TLS 1.2 is accepted"
	sed 's/^/# /' "$T/s.out"
fi
# Can this openssl speak TLS 1.1 at all?  Against its own s_server.
# (its stdin kept open: at EOF it would stop before the handshake)
sleep 8 | openssl s_server -accept "$PS" -cert "$C/server.pem" \
    -key "$C/server.key" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' -naccept 1 \
    >"$T/s_server.log" 2>&1 &
SPID=$!
APIDS="$APIDS $SPID"
wait_for "grep -q ACCEPT '$T/s_server.log'" 5
if tls_ok "$PS" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'; then
	ok "openssl speaks TLS 1.1 to a server that allows it"
	if tls_ok "$PA" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'; then
		not_ok "TLS 1.1 is refused"
	else
		ok "TLS 1.1 is refused"
	fi
	grep -m1 -i "alert\|error" "$T/s.out" | sed 's/^/# /'
else
	diag "this openssl cannot speak TLS 1.1: $(tail -1 "$T/s.out")"
	if tls_ok "$PA" -tls1_1; then
		not_ok "TLS 1.1 is refused"
	else
		ok "TLS 1.1 is refused"
	fi
fi
kill "$SPID" 2>/dev/null

# A real Prometheus, https with tls_config; a second job trusts another CA.
if command -v prometheus >/dev/null 2>&1 && command -v jq >/dev/null 2>&1
then
	cat >"$T/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: peertop
    scheme: https
    tls_config:
      ca_file: $C/ca.pem
    static_configs:
      - targets: ['127.0.0.1:$PM']
  - job_name: wrong-ca
    scheme: https
    tls_config:
      ca_file: $C/ca2.pem
    static_configs:
      - targets: ['127.0.0.1:$PM']
EOC
	prometheus --config.file="$T/prometheus.yml" \
	    --storage.tsdb.path="$T/prom" \
	    --web.listen-address="127.0.0.1:$PP" >"$T/prometheus.log" 2>&1 &
	PROM=$!
	APIDS="$APIDS $PROM"
	query()	# query EXPR: the value of its first series
	{
		curl -sf "http://127.0.0.1:$PP/api/v1/query" \
		    --data-urlencode "query=$1" | jq -r '.data.result[0].value[1]'
	}
	if wait_for '[ "$(query "up{job=\"peertop\"}")" = 1 ]' 30; then
		ok "Prometheus scrapes /metrics over https with its ca_file"
	else
		not_ok "Prometheus scrapes /metrics over https with its ca_file"
		tail -5 "$T/prometheus.log" | sed 's/^/# /'
	fi
	check "... and has peertop's series" \
	    test "$(query 'count({job="peertop",__name__=~"peertop_.*"})')" -gt 0
	wait_for '[ "$(query "up{job=\"wrong-ca\"}")" = 0 ]' 10
	check "a Prometheus trusting another CA cannot scrape it" \
	    test "$(query 'up{job="wrong-ca"}')" = 0
	diag "$(curl -sf "http://127.0.0.1:$PP/api/v1/targets" | jq -r \
	    '.data.activeTargets[] | select(.labels.job == "wrong-ca") |
	    .lastError')"
	kill "$PROM"
	wait "$PROM" 2>/dev/null
else
	diag "prometheus or jq is not installed: the https scrape is skipped"
fi

# ------------------------------------------ (f) a handshake never ending

# max-connections 4, request-timeout 2s: 4 clients that connect and
# send half a ClientHello, then nothing.
python3 - "$PA" >"$T/slow.out" 2>&1 <<'EOF' &
import socket, sys, time
port = int(sys.argv[1])
ss = []
for i in range(4):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01")	# half a ClientHello
    ss.append(s)
t0 = time.monotonic()
closed = 0
for s in ss:
    s.settimeout(10)
    try:
        if s.recv(1) == b"":
            closed += 1
    except OSError:
        closed += 1
print("closed %d after %.1f s" % (closed, time.monotonic() - t0))
EOF
SLOW=$!
sleep 0.5
start=$(date +%s%N)
code=$(curl -s -m 10 --cacert "$C/ca.pem" -H "$AUTH" -o /dev/null \
    -w '%{http_code}' "$U/v1/status")
ms=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$SLOW"
diag "slow handshakes: $(cat "$T/slow.out"); a real client answered after $ms ms"
check "4 handshakes that never finish are closed at the deadline" \
    grep -q "^closed 4 after [0-3]\." "$T/slow.out"
check "a real client is answered once they are (HTTP $code, $ms ms)" \
    test "$code" != 000 -a "$ms" -ge 1000 -a "$ms" -lt 8000
check "the collector still runs" kill -0 "$CPID"

# --------------------------------------------------------- (g) SIGHUP

# A connection made before the reload, kept open across it.
python3 - "$PA" "$C/ca.pem" "$TOKEN" "$T" >"$T/keep.out" 2>&1 <<'EOF' &
import hashlib, http.client, os, ssl, sys, time
port, ca, token, t = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
def get():
    c.request("GET", "/v1/status", headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    r.read()
    return r.status
s1 = get()
sock = c.sock
fp = hashlib.sha256(sock.getpeercert(True)).hexdigest()
print("before", s1, fp, flush=True)
open(t + "/keep.ready", "w").close()
for i in range(50):
    if os.path.exists(t + "/keep.go"):
        break
    time.sleep(0.02)
try:
    s2 = get()
    same = c.sock is sock
    print("after", s2, hashlib.sha256(c.sock.getpeercert(True)).hexdigest(),
        "same-connection" if same else "new-connection", flush=True)
except Exception as e:
    print("after failed", repr(e), flush=True)
EOF
KEEP=$!
wait_for "test -f '$T/keep.ready'" 5
old=$(tls_fp "$C/server.pem")
new=$(tls_fp "$C/server2.pem")
check "before: a new connection sees the first certificate" \
    test "$(tls_seen_fp "$PA")" = "$old"

# A key that is no key: the old certificate stays, the log says why
# (the file, its line in the configuration, what is wrong).
echo "not a key" >"$C/live.key"
kill -HUP "$CPID"
if wait_for "grep -q 'reload: .*c.conf:[0-9:]*: ingest: tls: bad key .*live.key: no PEM private key in it; still running' '$T/c.log'" 5; then
	ok "SIGHUP with a bad key: not applied, and why"
else
	not_ok "SIGHUP with a bad key: not applied, and why"
	tail -5 "$T/c.log" | sed 's/^/# /'
fi
diag "$(grep -m1 'reload: .*live.key' "$T/c.log")"
check "... new connections still get the first certificate" \
    test "$(tls_seen_fp "$PA")" = "$old"

# The renewed certificate, in the same files.
cp "$C/server2.pem" "$C/live.pem"
cp "$C/server2.key" "$C/live.key"
kill -HUP "$CPID"
wait_for "[ \"\$(grep -c 'tls: certificate .*live.pem loaded (a new one)' '$T/c.log')\" -ge 3 ]" 5
check "SIGHUP reloads the certificate of ingest, api and metrics" \
    test "$(grep -c 'tls: certificate .*live.pem loaded (a new one)' "$T/c.log")" = 3
check "after: a new connection to the API sees the new certificate" \
    test "$(tls_seen_fp "$PA")" = "$new"
check "... to /metrics too" test "$(tls_seen_fp "$PM")" = "$new"
check "... to ingest too" test "$(tls_seen_fp "$PI")" = "$new"
touch "$T/keep.go"
wait "$KEEP"
sed 's/^/# /' "$T/keep.out"
oldhex=$(echo "$old" | tr -d : | tr 'A-F' 'a-f')
check "the connection made before is not cut, and keeps the old certificate" \
    grep -q "^after 200 $oldhex same-connection" "$T/keep.out"
# The agent reconnects to the renewed certificate (same CA).
before=$(rows "$T/h.db")
if wait_for "[ \"\$(rows '$T/h.db')\" -gt $(( before + 10 )) ]" 10; then
	ok "the agent goes on pushing after the reload"
else
	not_ok "the agent goes on pushing after the reload"
fi

stop "$APID"
account "$T/a.log"
check "the agent's account: all sent, nothing queued (sent $sent)" \
    test "$queued" = 0 -a "$sent" -gt 0
check "the history holds what it sent" test "$(rows "$T/h.db")" -ge "$sent"
stop "$CPID"
CPID=""
# Built with --enable-asan, any leak or error (an SSL not freed) is here.
if grep -l "Sanitizer" "$T"/*.log "$T"/*.out >"$T/asan.list" 2>/dev/null
then
	not_ok "no sanitizer report: $(cat "$T/asan.list")"
	grep -h -A12 "Sanitizer" "$T"/*.log "$T"/*.out | head -40 |
	    sed 's/^/# /'
else
	ok "no sanitizer report from the collectors or agents"
fi
summary
