#!/bin/sh
# SPDX-License-Identifier: ISC
# Notifications (issue 15) from a headless collector whose BIRD sessions
# the test drops and restores (notify-bird.py), to real receivers on
# loopback:
#  (a) -n: an unknown format, a relative exec path, a missing CA file
#      are errors; plain
#      http:// to another host and a missing program are warnings;
#  (b) HTTPS webhooks verified against a CA made here: the Slack, Teams
#      and JSON bodies of a SessionDown arrive raised, then resolved;
#  (c) exec: the program's stdin is the event, PEERTOP_* its environment,
#      its argv as written; one over its timeout killed and counted;
#      syslog: an RFC 5424 datagram on a local socket;
#  (d) a webhook whose CA is another one is refused: counted in /metrics,
#      its row DOWN with the reason, a NotifyFailed event;
#  (e) a receiver answering 500, then one that stalls: retries, then a
#      counted failure and NotifyFailed, the destination DOWN in a
#      viewer's status bar, while --once answers at once;
#  (f) a storm of 200 sessions down arrives grouped, every event in it;
#  (g) peertop notify-test: delivered / failed per destination, 0 or 1;
#  (h) s1 down and acknowledged, the collector restarted with it still
#      down: acknowledged still, not raised again, its resolution names
#      the first opener (follows).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=$top_srcdir/peertop}"
. "$top_srcdir/tests/lib.sh"
lab_need python3 curl jq openssl tmux

mktmpdir
T=$TEST_TMPDIR
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
H=$top_srcdir/tests/integration
NSTORM=200
. "$top_srcdir/tests/tui/tmux-lib.sh"

set -- $(python3 -c 'import socket
ss = [socket.socket() for i in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
P1=$1 P2=$2 PM=$3

# A test CA, a server certificate for 127.0.0.1, and another CA.
(
	cd "$T" &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
	    -days 2 -subj "/CN=peertop test CA" &&
	openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr \
	    -subj "/CN=127.0.0.1" &&
	printf 'subjectAltName=IP:127.0.0.1\n' >srv.ext &&
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -out srv.pem -days 2 -extfile srv.ext &&
	openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key \
	    -out other-ca.pem -days 2 -subj "/CN=another CA"
) >"$T/openssl.log" 2>&1 || { not_ok "a test CA"; summary; }

echo ok >"$T/mode1"
echo 500 >"$T/mode2"
python3 "$H/notify-recv.py" "$P1" "$T/r1.out" "$T/mode1" "$T/srv.pem" \
    "$T/srv.key" &
at_exit "kill $! 2>/dev/null"
python3 "$H/notify-recv.py" "$P2" "$T/r2.out" "$T/mode2" "$T/srv.pem" \
    "$T/srv.key" &
at_exit "kill $! 2>/dev/null"
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    d = s.recv(65536)
    with open(sys.argv[2], "ab") as f:
        f.write(d + b"\n")' "$T/syslog.sock" "$T/syslog.out" &
at_exit "kill $! 2>/dev/null"

cat >"$T/hook.sh" <<EOF
#!/bin/sh
# Records its argv, its PEERTOP_* environment and its stdin.
{
	echo "ARGS=\$#:\$1:\$2"
	env | grep '^PEERTOP_' | sort
	cat
	echo
} >>"$T/exec.out"
EOF
chmod +x "$T/hook.sh"
printf '#!/bin/sh\nexec sleep 30\n' >"$T/slow.sh"
chmod +x "$T/slow.sh"

# The sessions: contoso's two, and the storm partner's NSTORM.
states()	# s2 STATE, the storm's STATE [s1 STATE]
{
	{
		echo "s1 127.0.0.2 ${3:-up}"
		echo "s2 127.0.0.3 $1"
		i=1
		while [ $i -le $NSTORM ]; do
			echo "st$i 127.1.$((i / 250)).$((i % 250 + 1)) $2"
			i=$((i + 1))
		done
	} >"$T/states.new"
	mv "$T/states.new" "$T/states"
}
states up up
python3 "$H/notify-bird.py" "$T/b.ctl" "$T/states" &
at_exit "kill $! 2>/dev/null"
wait_for "test -S '$T/b.ctl'" 5 || not_ok "fake BIRD socket"

{
	cat <<EOF
bird "$T/b.ctl" router "a" interval 1s
database "$T/n.db"
control "$T/n.sock"
metrics listen 127.0.0.1 port $PM
partner "contoso" as 65002 {
	session "s1" neighbor 127.0.0.2 router "a" edge sea role primary
	session "s2" neighbor 127.0.0.3 router "a" edge lax role backup
}
partner "storm" as 65003 {
	backup none
EOF
	i=1
	while [ $i -le $NSTORM ]; do
		echo "	session \"st$i\" neighbor 127.1.$((i / 250)).$((i % 250 + 1)) router \"a\" edge sea role primary"
		i=$((i + 1))
	done
	cat <<EOF
}
notify "hooks" {
	level warning
	type Session*
	partner contoso
	webhook "https://127.0.0.1:$P1/slack" format slack
	webhook "https://127.0.0.1:$P1/teams" format teams
	webhook "https://127.0.0.1:$P1/json" format json
	exec "$T/hook.sh" "one" "two words"
	syslog facility local3 socket "$T/syslog.sock"
	tls { ca "$T/ca.pem" }
}
notify "wrongca" {
	type SessionDown
	partner contoso
	webhook "https://127.0.0.1:$P1/wrong" format json
	tls { ca "$T/other-ca.pem" }
	give-up 2s
}
notify "flaky" {
	type SessionDown
	partner contoso
	webhook "https://127.0.0.1:$P2/flaky" format json
	tls { ca "$T/ca.pem" }
	timeout 1s
	give-up 4s
}
notify "slow" {
	type SessionDown
	partner contoso
	exec "$T/slow.sh"
	timeout 1s
	give-up 2s
}
notify "storm" {
	type SessionDown
	partner storm
	webhook "https://127.0.0.1:$P1/storm" format json
	tls { ca "$T/ca.pem" }
	queue 5000
}
EOF
} >"$T/n.conf"

# (a) -n.
"$PEERTOP" -n -c "$T/n.conf" >"$T/n.out" 2>&1
check "-n: the configuration with notify blocks is OK" \
    grep -q "configuration OK" "$T/n.out"
bad()	# NAME LINE: a notify block with LINE is refused at -n
{
	printf 'notify "x" {\n\t%s\n}\n' "$2" >"$T/bad-$1.conf"
	! "$PEERTOP" -n -c "$T/bad-$1.conf" >"$T/bad-$1.out" 2>&1
}
bad format 'webhook "https://h.example/x" format xml'
check "-n: format xml: refused, at line 2" \
    grep -q 'bad-format.conf:2:.*unknown format "xml"' "$T/bad-format.out"
bad relexec 'exec "page-oncall"'
check "-n: a relative exec path is refused" \
    grep -q 'not an absolute path' "$T/bad-relexec.out"
bad nodest 'level error'
check "-n: a block without a destination is refused" \
    grep -q 'has no destination' "$T/bad-nodest.out"
bad noca "webhook \"https://h.example/x\" tls { ca \"$T/missing-ca.pem\" }"
check "-n: a missing CA file is refused, named" \
    grep -q 'bad-noca.conf:2:.*missing-ca.pem' "$T/bad-noca.out"
printf 'notify "x" {\n\twebhook "http://192.0.2.1/hook"\n\texec "/nonexistent/page"\n\tsyslog\n}\n' >"$T/warn.conf"
"$PEERTOP" -n -c "$T/warn.conf" >"$T/warn.out" 2>&1
check "-n: plain http:// to another host is a warning, still OK" \
    sh -c "grep -q 'plain HTTP to another host' '$T/warn.out' && grep -q 'configuration OK' '$T/warn.out'"
check "-n: a missing program is a warning" \
    grep -q '/nonexistent/page" is not an executable' "$T/warn.out"
printf 'notify "x" {\n\twebhook "http://127.0.0.1:9/hook"\n}\n' >"$T/lo.conf"
"$PEERTOP" -n -c "$T/lo.conf" >"$T/lo.out" 2>&1
check "-n: plain http:// to loopback is not" \
    sh -c "! grep -q 'plain HTTP' '$T/lo.out'"

"$PEERTOP" -H -c "$T/n.conf" -l "$T/n.log" >"$T/h.out" 2>&1 &
pid=$!
at_exit "kill $pid 2>/dev/null"
ONCE="$PEERTOP --once -o json -S $T/n.sock"
wait_for "$ONCE | jq -e '[.sessions[] | select(.state == \"Established\")] | length == $((NSTORM + 2))'" 20 ||
    not_ok "the collector sees every session Established"
sleep 2		# the first judgements are in

# (b) and (c): s2 drops, then comes back.
t0=$(date +%s.%N)
states down up
body()	# PATH JQ: a body posted to PATH matches JQ
{
	jq -e -s --arg p "$1" "[.[] | select(.path == \$p) | .body] | $2" \
	    "$T/r1.out" >/dev/null 2>&1
}
wait_for "body /json 'any(.[]; .state == \"raised\" and .type == \"SessionDown\")'" 15
check "json: SessionDown of s2 raised, with its fields" \
    body /json 'map(.[]) | any(.state == "raised" and .type == "SessionDown" and .subject == "session s2" and .level == "Warning" and .partner == "contoso" and .session == "s2" and .id > 0 and (.raised | test("Z$")) and .resolved == null and .notify == "hooks")'
wait_for "body /slack 'any(.text | test(\"RAISED.*SessionDown session s2\"))'" 5
check "slack: a text with the raised line" \
    body /slack 'any(.text | test("\\[RAISED\\] Warning SessionDown session s2"))'
check "teams: an Adaptive Card with the raised line" \
    body /teams 'any(.type == "message" and .attachments[0].contentType == "application/vnd.microsoft.card.adaptive" and (.attachments[0].content.body | any(.text | test("RAISED.*SessionDown session s2"))))'
wait_for "grep -q 'PEERTOP_TYPE=SessionDown' '$T/exec.out'" 5
check "exec: argv as written, no shell" grep -q 'ARGS=2:one:two words' "$T/exec.out"
check "exec: PEERTOP_* environment" \
    sh -c "grep -q 'PEERTOP_SUBJECT=session s2' '$T/exec.out' && grep -q 'PEERTOP_STATE=raised' '$T/exec.out' && grep -q 'PEERTOP_NOTIFY=hooks' '$T/exec.out'"
check "exec: the event JSON on stdin" \
    sh -c "grep '^{' '$T/exec.out' | head -1 | jq -e '.type == \"SessionDown\" and .state == \"raised\"' >/dev/null"
wait_for "grep -q SessionDown '$T/syslog.out'" 5
check "syslog: RFC 5424, local3.warning (<156>), MSGID the type" \
    grep -q '^<156>1 [0-9T:.-]*Z [^ ]* peertop [0-9]* SessionDown - \[RAISED\]' "$T/syslog.out"
lat=$(jq -s --argjson t0 "$t0" '[.[] | select(.path == "/json") | .t][0] - $t0' "$T/r1.out")
diag "json: raised $lat s after the drop (BIRD polled every second)"
check "raised within 3 s of the drop" sh -c "jq -n -e '$lat < 3' >/dev/null"

states up up
wait_for "body /json 'map(.[]) | any(.state == \"resolved\")'" 15
check "json: then resolved, raised and resolved times and the closer's id" \
    body /json 'map(.[]) | any(.state == "resolved" and .type == "SessionDown" and .subject == "session s2" and (.resolved | test("Z$")) and .resolved_by > .id and .resolved >= .raised)'
check "json: sent once raised and once resolved" \
    body /json '[map(.[]) | .[] | select(.type == "SessionDown")] | length == 2'
wait_for "body /slack 'any(.text | test(\"RESOLVED\"))'" 5
check "slack: the resolution too" body /slack 'any(.text | test("\\[RESOLVED\\]"))'
wait_for "grep -q '^<157>1.*RESOLVED' '$T/syslog.out'" 5
check "syslog: the resolution as a notice (<157>)" \
    grep -q '^<157>1.*RESOLVED' "$T/syslog.out"

# (d) the wrong CA: refused, counted, visible.
metric() { curl -s "http://127.0.0.1:$PM/metrics" | grep -F "$1" | awk '{print $2}'; }
wait_for "[ \"\$(metric 'peertop_notify_failed_total{notify=\"wrongca\"')\" -ge 1 ]" 15
check "wrong CA: nothing reached the receiver" \
    sh -c "! grep -q '\"/wrong\"' '$T/r1.out'"
check "wrong CA: counted in /metrics" \
    test "$(metric 'peertop_notify_failed_total{notify="wrongca"')" -ge 1
check "wrong CA: the destination is down in /metrics" \
    test "$(metric 'peertop_notify_up{notify="wrongca"')" = 0
$ONCE >"$T/once.json"
check "wrong CA: its row in the collector list, DOWN, says why" \
    jq -e '.collectors | any(.name == "notify wrongca/webhook" and .state != "up" and (.error | test("TLS|certificate"; "i")))' "$T/once.json" >/dev/null
wait_for "$ONCE | jq -e '.events | any(.type == \"NotifyFailed\" and .subject == \"notify wrongca/webhook\")'" 10
check "wrong CA: a NotifyFailed event" \
    sh -c "$ONCE | jq -e '.events | any(.type == \"NotifyFailed\" and .subject == \"notify wrongca/webhook\" and .level == \"Warning\")' >/dev/null"

# exec over its time limit: killed, retried, counted.
wait_for "[ \"\$(metric 'peertop_notify_failed_total{notify=\"slow\"')\" -ge 1 ]" 15
check "exec: one over its timeout is killed and counted failed" \
    test "$(metric 'peertop_notify_failed_total{notify="slow"')" -ge 1
check "exec: its row says it was killed" \
    sh -c "$ONCE | jq -e '.collectors | any(.name == \"notify slow/exec\" and (.error | test(\"killed after 1000 ms\")))' >/dev/null"

# (e) 500: retried, then given up; then a stall, the dashboard unaffected.
wait_for "[ \$(grep -c '\"/flaky\"' '$T/r2.out') -ge 2 ]" 10
check "500: retried" test "$(grep -c '"/flaky"' "$T/r2.out")" -ge 2
wait_for "[ \"\$(metric 'peertop_notify_failed_total{notify=\"flaky\"')\" -ge 1 ]" 15
check "500: given up after give-up, counted" \
    test "$(metric 'peertop_notify_failed_total{notify="flaky"')" -ge 1
check "500: retries counted" \
    test "$(metric 'peertop_notify_retries_total{notify="flaky"')" -ge 2
wait_for "$ONCE | jq -e '.events | any(.type == \"NotifyFailed\" and .subject == \"notify flaky/webhook\")'" 10
check "500: a NotifyFailed event, stored in the history" \
    sh -c "$ONCE | jq -e '.events | any(.type == \"NotifyFailed\" and .subject == \"notify flaky/webhook\" and (.summary | test(\"HTTP 500\")))' >/dev/null"
# A viewer's status bar shows the failing destination.
tmux_start 200 50 -c "$T/n.conf" -S "$T/n.sock"
if wait_for "screen | grep -q 'notify flaky/webhook DOWN'" 10; then
	ok "a viewer's status bar: notify flaky/webhook DOWN"
else
	not_ok "a viewer's status bar: notify flaky/webhook DOWN"
	screen | tail -3 | sed 's/^/# /'
fi
tmux_stop

echo stall >"$T/mode2"
n2=$(grep -c '"/flaky"' "$T/r2.out")
states down up
wait_for "[ \$(grep -c '\"/flaky\"' '$T/r2.out') -gt $n2 ]" 10
s=$(date +%s%N)
$ONCE >"$T/once2.json"
e=$(date +%s%N)
check "stall: --once answers within 2 s while the receiver stalls" \
    test $(((e - s) / 1000000)) -lt 2000
wait_for "$ONCE | jq -e '.collectors | any(.name == \"notify flaky/webhook\" and (.error | test(\"timeout\")))'" 10
check "stall: the row says timeout" \
    sh -c "$ONCE | jq -e '.collectors | any(.name == \"notify flaky/webhook\" and (.error | test(\"timeout\")))' >/dev/null"
states up up

# (f) the storm: NSTORM SessionDown at once, grouped.
n_before=$(grep -c '"/storm"' "$T/r1.out")
states up down
wait_for "body /storm '[map(.[]) | .[] | select(.type == \"SessionDown\")] | length >= $NSTORM'" 20
check "storm: every SessionDown arrived" \
    body /storm "[map(.[]) | .[] | select(.type == \"SessionDown\" and .state == \"raised\")] | length == $NSTORM"
n_storm=$(($(grep -c '"/storm"' "$T/r1.out") - n_before))
diag "storm: $NSTORM events in $n_storm requests"
check "storm: grouped (at most 20 requests for $NSTORM events)" \
    test "$n_storm" -le 20
states up up
check "the collector still runs" kill -0 $pid

# (g) notify-test.
"$PEERTOP" notify-test -c "$T/n.conf" hooks >"$T/nt.out" 2>&1; rc=$?
check "notify-test hooks: exit 0, each of 5 destinations delivered" \
    sh -c "[ $rc = 0 ] && [ \$(grep -c ': delivered' '$T/nt.out') = 5 ]"
check "notify-test: the test message reached the json webhook" \
    body /json 'map(.[]) | any(.state == "test" and .type == "NotifyTest")'
"$PEERTOP" notify-test -c "$T/n.conf" wrongca >"$T/nt2.out" 2>&1; rc=$?
check "notify-test wrongca: exit 1, failed with the reason" \
    sh -c "[ $rc = 1 ] && grep -q 'wrongca/webhook: failed: TLS' '$T/nt2.out'"
"$PEERTOP" notify-test -c "$T/n.conf" hooks/syslog >"$T/nt3.out" 2>&1; rc=$?
check "notify-test hooks/syslog: that destination only" \
    sh -c "[ $rc = 0 ] && [ \$(wc -l <'$T/nt3.out') = 1 ] && grep -q 'hooks/syslog: delivered' '$T/nt3.out'"
# An IPv6 literal: evhttp keeps its brackets, the address has none.
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	P6=$(free_port)
	cat >"$T/v6.conf" <<EOF6
notify "v6" {
	webhook "http://[::1]:$P6/hook" format json
}
partner "p" as 65002 {
	session "s1" neighbor 192.0.2.1 router "r1" edge sea role primary
}
EOF6
	python3 - "$P6" >"$T/v6.out" 2>&1 <<'EOPY' &
import http.server, socket, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.end_headers()
        print("Host:", self.headers.get("Host"), flush=True)
    def log_message(self, *a):
        pass
class S(http.server.HTTPServer):
    address_family = socket.AF_INET6
srv = S(("::1", int(sys.argv[1])), H)
srv.timeout = 10
srv.handle_request()
EOPY
	V6PID=$!
	sleep 0.5
	"$PEERTOP" notify-test -c "$T/v6.conf" v6 >"$T/nt6.out" 2>&1; rc=$?
	wait "$V6PID" 2>/dev/null
	check "notify-test to http://[::1]:PORT: delivered (exit $rc)" \
	    sh -c "[ $rc = 0 ] && grep -q 'Host: \[::1\]:$P6' '$T/v6.out'"
else
	ok "# SKIP no IPv6 loopback"
fi
"$PEERTOP" notify-test -c "$T/n.conf" nosuch >"$T/nt4.out" 2>&1; rc=$?
check "notify-test nosuch: exit 1, says so" \
    sh -c "[ $rc = 1 ] && grep -q 'no notify nosuch' '$T/nt4.out'"

# (h) s1 (primary: Error) down, acknowledged; a restart, still down.
down1()	# the events about s1 going down: ids, oldest first
{
	jq -s '[.[] | select(.path == "/json") | .body[] | select(.type == "SessionDown" and .subject == "session s1")]' "$T/r1.out"
}
# The storm back first: its events after s1's would hide it in --once.
wait_for "$ONCE | jq -e '[.sessions[] | select(.state == \"Established\")] | length == $((NSTORM + 2))'" 20
states up up down
wait_for "$ONCE | jq -e '.events | any(.type == \"SessionDown\" and .subject == \"session s1\" and .state == \"open\")'" 15
id1=$($ONCE | jq '[.events[] | select(.type == "SessionDown" and .subject == "session s1" and .state == "open")][-1].id')
"$PEERTOP" ack -S "$T/n.sock" "$id1" "ticket 15" >"$T/ack.out" 2>&1
check "restart: s1's SessionDown #$id1 acknowledged" test $? = 0
wait_for "[ \"\$(down1 | jq 'map(select(.state == \"raised\")) | length')\" = 1 ]" 10
kill $pid
wait $pid 2>/dev/null
check "restart: the first collector stopped cleanly" sh -c "! grep -qi 'fatal\\|sanitizer' '$T/n.log' '$T/h.out'"

"$PEERTOP" -H -c "$T/n.conf" -l "$T/n.log" >>"$T/h.out" 2>&1 &
pid=$!
at_exit "kill $pid 2>/dev/null"
carried="[.events[] | select(.type == \"SessionDown\" and .subject == \"session s1\" and .id > $id1)]"
wait_for "$ONCE | jq -e '$carried | length > 0'" 20
check "restart: still down, the new opener keeps the acknowledgement" \
    sh -c "$ONCE | jq -e '$carried[0] | .acknowledged.by != null and .acknowledged.comment == \"ticket 15\"' >/dev/null"
sleep 3
check "restart: not raised again (it was before the restart)" \
    test "$(down1 | jq 'map(select(.state == "raised")) | length')" = 1
states up up up
wait_for "down1 | jq -e 'any(.state == \"resolved\")' >/dev/null" 15
check "restart: its resolution follows #$id1, acknowledged" \
    test "$(down1 | jq --argjson id "$id1" 'any(.state == "resolved" and .follows == $id and .acknowledged_by != null)')" = true

# SIGHUP: unchanged, nothing to say; a block changed needs a restart.
kill -HUP $pid
wait_for "grep -q 'reload: .*no changes' '$T/n.log'" 5
check "SIGHUP with the same notify blocks: no changes" \
    grep -q 'reload: .*no changes' "$T/n.log"
sed 's/^	give-up 4s$/	give-up 5s/' "$T/n.conf" >"$T/n2.conf" && cp "$T/n2.conf" "$T/n.conf"
kill -HUP $pid
wait_for "grep -q 'needs a restart: notify changed' '$T/n.log'" 5
check "SIGHUP with a notify block changed: needs a restart, said" \
    grep -q 'needs a restart: notify changed' "$T/n.log"

kill $pid
wait $pid 2>/dev/null
check "the collector stopped cleanly" sh -c "! grep -qi 'fatal\\|sanitizer' '$T/n.log' '$T/h.out'"
summary
