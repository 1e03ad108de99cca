#!/bin/sh
# SPDX-License-Identifier: ISC
# The collector's read-only HTTP API (issue 15), against real session
# states (the recorded BIRD reply of tests/once, served by fake-bird.py):
#  (a) -n warns about an API any host reaches without a token;
#  (b) every endpoint answers JSON whose objects are those --once prints
#      (through the same collector's control socket);
#  (c) /v1/status is 503 while a partner is DOWN, 200 on a collector
#      whose partner is up;
#  (d) the token: missing, wrong, a prefix of it or longer is 401 with
#      WWW-Authenticate; unknown paths 404; POST 405; headers and answers;
#  (e) a huge header or body is refused, the collector unaffected;
#  (f) 200 concurrent clients are all answered (max-connections queues
#      the rest in the backlog), and the collector answers afterwards.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=$top_srcdir/peertop}"
. "$top_srcdir/tests/lib.sh"
lab_need python3 curl jq

mktmpdir
T=$TEST_TMPDIR
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
TOKEN='s3cret-T0ken'

set -- $(python3 -c 'import socket
ss = [socket.socket() for i in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
PA=$1 PB=$2

python3 "$top_srcdir/tests/once/fake-bird.py" "$T/a.ctl" \
    "$top_srcdir/tests/data/bird/a-states.txt" &
fake=$!
at_exit "kill $fake 2>/dev/null"
wait_for "test -S '$T/a.ctl'" 5 || not_ok "fake BIRD socket"

# A: the --once configuration, both partners DOWN (critical).
sed -e "s|@TOP@|$top_srcdir|g" -e "s|@TMP@|$T|g" \
    "$top_srcdir/tests/once/once.conf.in" >"$T/a.conf"
cat >>"$T/a.conf" <<EOF
database "$T/a.db"
control "$T/a.sock"
api listen 127.0.0.1 port $PA {
	token "$TOKEN"
	max-connections 32
	request-timeout 3s
}
EOF
# B: one partner whose one session is Established, nothing critical.
cat >"$T/b.conf" <<EOF
bird "$T/a.ctl" router "a" interval 1s
database "$T/b.db"
control "$T/b.sock"
partner "solo" as 65002 {
	backup none
	session "sea-1" neighbor 127.0.0.2 router "a" edge sea role primary
}
api listen 127.0.0.1 port $PB
EOF

# (a) the warning at -n, as for ingest.
sed "s|^api listen 127.0.0.1 port $PB|api listen 0.0.0.0 port $PB|" \
    "$T/b.conf" >"$T/open.conf"
"$PEERTOP" -n -c "$T/open.conf" >"$T/n.out" 2>&1
check "-n: an API on 0.0.0.0 without a token is warned about" \
    grep -q "api listen 0.0.0.0 without token" "$T/n.out"
"$PEERTOP" -n -c "$T/a.conf" >"$T/n.out" 2>&1
check "-n: a loopback API with a token is not" \
    sh -c "! grep -q 'api listen' '$T/n.out'"

start()	# NAME: a headless collector on $T/NAME.conf
{
	"$PEERTOP" -H -c "$T/$1.conf" -l "$T/$1.log" >"$T/$1.out" 2>&1 &
	eval "pid_$1=$!"
	at_exit "kill $! 2>/dev/null"
}
start a
start b
UA=http://127.0.0.1:$PA
UB=http://127.0.0.1:$PB
AUTH="Authorization: Bearer $TOKEN"
# GET PATH [curl args]: the body in $T/body, the code in $T/code.
get()
{
	p=$1
	shift
	curl -s -m 10 -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@" \
	    "$UA$p" >"$T/code" 2>/dev/null
}
code() { cat "$T/code"; }
wait_for "curl -sf -H '$AUTH' $UA/v1/sessions | jq -e '.sessions | length == 5 and all(.state != \"\")'" 15 ||
    not_ok "collector A serves its sessions"
wait_for "curl -s -o /dev/null -w '%{http_code}' $UB/v1/status | grep -q 200" 15 ||
    not_ok "collector B serves its status"
sleep 2		# the first judgements' events are in

# (b) every endpoint against --once of the same collector.
"$PEERTOP" --once -o json -S "$T/a.sock" >"$T/once.json" 2>"$T/once.err"
check "--once through the control socket is JSON" \
    sh -c "jq -e . '$T/once.json' >/dev/null"
for s in sessions partners branches; do
	get /v1/$s -H "$AUTH"
	check "/v1/$s: 200, JSON" sh -c "[ $(code) = 200 ] && jq -e . '$T/body' >/dev/null"
	check "/v1/$s: the objects --once prints" sh -c "[ \"\$(jq -S .$s '$T/body')\" = \"\$(jq -S .$s '$T/once.json')\" ]"
	check "/v1/$s: generated and status as --once's header" \
	    jq -e '.generated and .status == "critical" and (keys | length == 3)' "$T/body"
done
get /v1/prefixes -H "$AUTH"
check "/v1/prefixes: each branch's prefixes, with the branch named" \
    sh -c "[ \"\$(jq -S '[.prefixes[] | del(.branch)]' '$T/body')\" = \"\$(jq -S '[.branches[].prefixes[]]' '$T/once.json')\" ] &&
    [ \"\$(jq -c '[.prefixes[].branch]' '$T/body')\" = \"\$(jq -c '[.branches[] | .name as \$n | .prefixes[] | \$n]' '$T/once.json')\" ]"
check "/v1/prefixes: there are some" jq -e '.prefixes | length >= 2' "$T/body"
get /v1/branches/london -H "$AUTH"
check "/v1/branches/london: that branch alone, as --once's" \
    sh -c "[ $(code) = 200 ] && [ \"\$(jq -S '.branches' '$T/body')\" = \"\$(jq -S '[.branches[] | select(.name == \"london\")]' '$T/once.json')\" ]"
get /v1/branches/hq%2Doverride -H "$AUTH"
check "/v1/branches/NAME: the name is URL-decoded" \
    jq -e '.branches | length == 1 and .[0].name == "hq-override"' "$T/body"
get /v1/branches/london%00x -H "$AUTH"
check "/v1/branches/london%00x: 404, not london" sh -c "[ $(code) = 404 ]"
get /v1/branches/atlantis -H "$AUTH"
check "/v1/branches/atlantis: 404, no such branch" \
    sh -c "[ $(code) = 404 ] && jq -e '.error == \"no such branch\"' '$T/body' >/dev/null"

# Events: the ring, filtered.
get /v1/events -H "$AUTH"
cp "$T/body" "$T/events.json"
check "/v1/events: every event --once shows, the same objects" \
    sh -c "jq -e --slurpfile a '$T/events.json' '[.events[] | . as \$e | \$a[0].events | index([\$e]) != null] | all' '$T/once.json' >/dev/null"
n_all=$(jq '.events | length' "$T/events.json")
get '/v1/events?level=Critical' -H "$AUTH"
check "/v1/events?level=Critical: the Critical ones only, all of them" \
    sh -c "jq -e '.events | length > 0 and all(.level == \"Critical\")' '$T/body' >/dev/null &&
    [ \$(jq '.events | length' '$T/body') = \$(jq '[.events[] | select(.level == \"Critical\")] | length' '$T/events.json') ]"
get '/v1/events?level=warning' -H "$AUTH"
check "/v1/events?level=warning: Warning or worse, any case" \
    jq -e '.events | all(.level == "Warning" or .level == "Error" or .level == "Critical")' "$T/body"
get '/v1/events?open=1' -H "$AUTH"
check "/v1/events?open=1: open or acknowledged openers only" \
    jq -e '.events | length > 0 and all(.state == "open" or .state == "acknowledged")' "$T/body"
get '/v1/events?since=2099-01-01T00:00:00Z' -H "$AUTH"
check "/v1/events?since=ISO in the future: none" jq -e '.events == []' "$T/body"
get '/v1/events?since=0' -H "$AUTH"
check "/v1/events?since=0 (ms): all" jq -e ".events | length == $n_all" "$T/body"
last=$(jq -r '.events[-1].time' "$T/events.json")
get "/v1/events?since=$last" -H "$AUTH"
check "/v1/events?since=the last event's time: it, none before" \
    jq -e --arg t "$last" '.events | length >= 1 and all(.time >= $t)' "$T/body"
for q in level=Bogus since=yesterday%3F open=maybe colour=red; do
	get "/v1/events?$q" -H "$AUTH"
	check "/v1/events?$q: 400 with the reason" \
	    sh -c "[ $(code) = 400 ] && jq -e '.error | length > 0' '$T/body' >/dev/null"
done

# (c) status codes for load balancers and check_http.
get /v1/status -H "$AUTH"
check "/v1/status on A (partners DOWN): 503, status critical" \
    sh -c "[ $(code) = 503 ] && jq -e '.status == \"critical\" and .generated' '$T/body' >/dev/null"
check "/v1/status: the header only" jq -e 'keys == ["generated", "status"]' "$T/body"
c=$(curl -s -m 10 -o "$T/bstatus" -w '%{http_code}' "$UB/v1/status")
check "/v1/status on B (its partner up): 200, not critical" \
    sh -c "[ '$c' = 200 ] && jq -e '.status != \"critical\"' '$T/bstatus' >/dev/null"
c=$(curl -s -m 10 -o "$T/bsess" -w '%{http_code}' "$UB/v1/sessions")
check "B has no token: served without one" \
    sh -c "[ '$c' = 200 ] && jq -e '.sessions[0].state == \"Established\"' '$T/bsess' >/dev/null"

# (d) token, paths, methods, headers.
get /v1/status
check "no token: 401" sh -c "[ $(code) = 401 ]"
check "401 says WWW-Authenticate: Bearer" grep -qi '^WWW-Authenticate: Bearer' "$T/hdr"
for bad in "Bearer s3cret-T0ke" "Bearer s3cret-T0ken2" "Bearer S3CRET-T0KEN" \
    "Bearer " "Basic $TOKEN" "$TOKEN"; do
	get /v1/sessions -H "Authorization: $bad"
	check "Authorization: '$bad': 401, no data" \
	    sh -c "[ $(code) = 401 ] && ! grep -q sea-1 '$T/body'"
done
get /v1/nothing
check "unknown path without the token: 401 (paths not revealed)" sh -c "[ $(code) = 401 ]"
for p in /v1/nothing / /v1 /v1/sessions/x /v1/statusx; do
	get "$p" -H "$AUTH"
	check "$p: 404" sh -c "[ $(code) = 404 ] && jq -e .error '$T/body' >/dev/null"
done
for m in POST PUT DELETE PATCH; do
	get /v1/status -X "$m" -H "$AUTH"
	check "$m /v1/status: 405 with Allow: GET, HEAD" \
	    sh -c "[ $(code) = 405 ] && grep -qi '^Allow: GET, HEAD' '$T/hdr'"
done
get /v1/status -I -H "$AUTH"
check "HEAD /v1/status: the GET's code (503), no body" \
    sh -c "[ $(code) = 503 ] && grep -qi '^Content-Type: application/json' '$T/hdr' && ! grep -q generated '$T/body'"
get /v1/sessions -H "$AUTH"
glen=$(sed -n 's/^Content-Length: *\([0-9]*\).*/\1/Ip' "$T/hdr" | tr -d '\r')
get /v1/sessions -I -H "$AUTH"
hlen=$(sed -n 's/^Content-Length: *\([0-9]*\).*/\1/Ip' "$T/hdr" | tr -d '\r')
check "HEAD /v1/sessions: the GET's Content-Length ($glen)" \
    sh -c "[ -n '$glen' ] && [ '$glen' = '$hlen' ]"
get /v1/collectors -H "$AUTH"
check "/v1/collectors: the collectors --once lists, by name and state" \
    sh -c "[ $(code) = 200 ] && [ \"\$(jq -c '[.collectors[] | [.name, .state]]' '$T/body')\" = \"\$(jq -c '[.collectors[] | [.name, .state]]' '$T/once.json')\" ] && jq -e '(.collectors | length >= 1)' '$T/body' >/dev/null"
get /v1/latency -H "$AUTH"
check "/v1/latency: 200, the latency array" \
    sh -c "[ $(code) = 200 ] && jq -e '.latency | type == \"array\"' '$T/body' >/dev/null"
get /v1/sessions -H "$AUTH"
check "answers are application/json" grep -qi '^Content-Type: application/json' "$T/hdr"
check "answers are Cache-Control: no-store" grep -qi '^Cache-Control: no-store' "$T/hdr"

# (e) oversized requests.
get /v1/status -H "$AUTH" -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' a)"
check "a 20 KB header: refused (400), no data" \
    sh -c "[ $(code) = 400 ] && ! grep -q generated '$T/body'"
get /v1/status -H "$AUTH" --data-binary "hello"
check "a request with a body: refused (413), in JSON" \
    sh -c "[ $(code) = 413 ] && jq -e .error '$T/body' >/dev/null"
get /v1/status -H "Authorization: Bearer wrong" --data-binary "hello" -X GET
check "a body with a wrong token: 401 (the token first)" sh -c "[ $(code) = 401 ]"
python3 - "$PA" >"$T/huge.out" 2>&1 <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
try:
    s.sendall(b"GET /v1/status HTTP/1.1\r\nHost: x\r\n")
    for i in range(4096):	# 4 MiB of headers, never ending
        s.sendall(b"X-" + str(i).encode() + b": " + b"a" * 1000 + b"\r\n")
    print("sent all")
except OSError as e:
    print("cut off:", e.__class__.__name__)
EOF
check "4 MiB of headers: cut off before the end" grep -q "cut off" "$T/huge.out"
get /v1/status -H "$AUTH"
check "the collector still answers after the oversized requests" \
    sh -c "[ $(code) = 503 ] && kill -0 $pid_a"

# (f) 200 clients at once against max-connections 32.
python3 - "$PA" "$TOKEN" >"$T/conc.out" 2>&1 <<'EOF'
import json, sys, threading, urllib.request
port, token = sys.argv[1], sys.argv[2]
ok, bad = [], []
def one(i):
    path = ["sessions", "partners", "branches", "prefixes", "events"][i % 5]
    req = urllib.request.Request("http://127.0.0.1:%s/v1/%s" % (port, path),
        headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            doc = json.load(r)
            (ok if r.status == 200 and path in doc else bad).append(i)
    except Exception as e:
        bad.append((i, repr(e)))
ts = [threading.Thread(target=one, args=(i,)) for i in range(200)]
for t in ts: t.start()
for t in ts: t.join()
print("ok", len(ok), "bad", len(bad), bad[:3])
EOF
check "200 concurrent clients: all answered with their JSON" \
    grep -q "^ok 200 bad 0" "$T/conc.out"
get /v1/sessions -H "$AUTH"
check "after them the collector still answers" \
    sh -c "[ $(code) = 200 ] && jq -e '.sessions | length == 5' '$T/body' >/dev/null"
check "collector A still runs" kill -0 "$pid_a"

# A slow client is cut at request-timeout (3 s), others meanwhile served.
python3 - "$PA" >"$T/slow.out" 2>&1 <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /v1/st")
s.settimeout(8)
t0 = time.monotonic()
try:
    b = s.recv(100)
except OSError:
    b = b"error"
print("closed" if b == b"" else "got", round(time.monotonic() - t0))
EOF
check "a request not whole after request-timeout is closed" \
    grep -Eq "^closed [2-4]$" "$T/slow.out"

# A second collector whose API port is taken exits 1 and says so.
sed -e "s|$T/b.db|$T/c.db|" -e "s|$T/b.sock|$T/c.sock|" "$T/b.conf" >"$T/c.conf"
timeout 20 "$PEERTOP" -H -c "$T/c.conf" >"$T/c.out" 2>&1 </dev/null
rc=$?
check "an API port already taken: exits 1 (got $rc)" test "$rc" = 1
check "... saying the port is in use" \
    grep -q "api: cannot listen on 127.0.0.1 port $PB (in use); not starting" "$T/c.out"

# SIGHUP with another token: said to need a restart, the old one kept.
sed -i "s|token \"$TOKEN\"|token \"other\"|" "$T/a.conf"
kill -HUP "$pid_a"
check "a new api token on SIGHUP: needs a restart, said so" \
    wait_for "grep -q 'needs a restart: api changed' '$T/a.log'" 10
get /v1/status -H "$AUTH"
check "... and the running token still holds" sh -c "[ $(code) = 503 ]"

kill "$pid_a" "$pid_b"
wait_for "! kill -0 $pid_a && ! kill -0 $pid_b" 10
check "both collectors exit on SIGTERM" sh -c "! kill -0 $pid_a 2>/dev/null"
if command -v sqlite3 >/dev/null; then
	sqlite3 -readonly "$T/a.db" "SELECT config FROM run" >"$T/runconf"
	check "the history's copy of the configuration has the api token redacted" \
	    sh -c "grep -qx '	token \"<redacted>\"' '$T/runconf' &&
	    ! grep -q '$TOKEN' '$T/runconf'"
fi
check "A's log names refusals (one a second at most)" \
    grep -Eq "api: 127.0.0.1: (400|401|404|405) " "$T/a.log"
summary
