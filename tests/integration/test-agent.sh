#!/bin/sh
# SPDX-License-Identifier: ISC
#
# peertop agent against a real collector (peertop -H with an ingest
# endpoint and a history database), both on loopback.  The agent's branch
# probes 127.0.0.1 by ICMP and the collector's own port by TCP (a refused
# connect is a reply too, so the TCP probe answers whether the collector
# is up or not), every 100 ms.
#  1. Restart: the collector is stopped (SIGTERM flushes its history)
#     while the agent runs, the agent queues, the collector starts again
#     on the same database, the agent drains its queue; then the agent is
#     stopped.  Every sample is accounted for exactly: the rows in
#     latency_sample equal the agent's "sent", nothing is left queued or
#     overflowed, and samples probed during the outage are stored.
#  2. Overflow: an agent with a buffer of 5 starts with no collector, the
#     collector comes up later: overflowed == probed - stored.
#  3. A wrong token: the collector stores nothing, answers 401, and the
#     agent says so and reports its queue lost on exit.
# Needs sqlite3; ICMP is used when the prober can open a socket, and the
# test runs on TCP alone otherwise (the ICMP target is then not probed
# at all, and the agent says so).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

PEERTOP=${PEERTOP:-$top_builddir/peertop}
PEERTOP_DATADIR=$top_srcdir/data
export PEERTOP_DATADIR

[ -x "$PEERTOP" ] || skip_all "peertop is not built: $PEERTOP"
command -v sqlite3 >/dev/null 2>&1 ||
    skip_all "sqlite3 is needed to read the history (apt-get install sqlite3)"

mktmpdir
T=$TEST_TMPDIR
CPID=""
APID=""
at_exit 'for p in $APID $CPID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done'

now_ms()
{
	date +%s%3N
}

rows()	# rows DB [WHERE]
{
	sqlite3 -readonly "$1" "SELECT count(*) FROM latency_sample ${2:-}" \
	    2>/dev/null
}

# The agent's final account: "agent NAME: P probed, S sent, Q queued,
# O overflowed, R rejected"; sets probed sent queued overflowed rejected.
account()
{
	line=$(grep "^agent [^ ]*: [0-9]* probed" "$1" | tail -1)
	set -- $line
	probed=$3 sent=$5 queued=$7 overflowed=$9
	shift 9
	rejected=$2
	diag "account: $line"
}

collector_conf()	# collector_conf FILE PORT TOKEN
{
	cat >"$1" <<EOF
ingest listen 127.0.0.1 port $2 token "$3"
branch "hq" {
	address 192.0.2.10
	location 47.6 -122.3
}
EOF
}

# As root the agent drops to nobody once its ICMP socket is open.
PROBE_USER=""
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	PROBE_USER='user "nobody"'
fi

agent_conf()	# agent_conf FILE PORT TOKEN BUFFER
{
	cat >"$1" <<EOF
probe { interval 100ms timeout 400ms $PROBE_USER }
agent "hq-agent" {
	collector 127.0.0.1 port $2
	token "$3"
	buffer $4
	batch 50
	interval 200ms
}
branch "hq" {
	address 192.0.2.10
	location 47.6 -122.3
	probe sea 127.0.0.1
	probe lax 127.0.0.1 tcp port $2
}
EOF
}

# start_collector CONF DB LOG: sets CPID, fails the test if it does not
# listen within 5 s.
start_collector()
{
	"$PEERTOP" -H -c "$1" -d "$2" 2>>"$3" &
	CPID=$!
	if ! wait_for "grep -q 'listening on' '$3'" 5; then
		not_ok "collector listens ($1)"
		sed 's/^/# /' "$3"
		summary
	fi
}

stop()	# stop PID DESC: SIGTERM, exit 0 within 10 s
{
	kill -TERM "$1"
	if wait_for "! kill -0 $1" 10; then
		wait "$1"
		check "$2 exits 0 on SIGTERM" test $? = 0
	else
		not_ok "$2 exits within 10 s of SIGTERM"
	fi
}

# A port from 20000-39999 free on 127.0.0.1: the first collector's log
# tells (three tries).
PORT=""
for try in 1 2 3; do
	p=$(( 20000 + ($$ * 7 + try * 1013) % 20000 ))
	collector_conf "$T/c.conf" "$p" "s3cret"
	"$PEERTOP" -H -c "$T/c.conf" -d "$T/h.db" 2>"$T/c1.log" &
	CPID=$!
	if wait_for "grep -q 'listening on' '$T/c1.log'" 5; then
		PORT=$p
		break
	fi
	kill "$CPID" 2>/dev/null
	wait "$CPID" 2>/dev/null
	CPID=""
done
if [ -z "$PORT" ]; then
	not_ok "a collector listening on 127.0.0.1"
	sed 's/^/# /' "$T/c1.log"
	summary
fi
ok "collector listening on 127.0.0.1 port $PORT"
agent_conf "$T/a.conf" "$PORT" "s3cret" 100000
check "peertop agent -n accepts the agent configuration" \
    "$PEERTOP" agent -n -c "$T/a.conf"

# ---------------------------------------------------------- 1. restart

"$PEERTOP" agent -c "$T/a.conf" 2>"$T/a.log" &
APID=$!
wait_for "grep -q 'targets (' '$T/a.log'" 5
diag "prober: $(grep -o 'targets ([^)]*)' "$T/a.log")"
if [ -n "$PROBE_USER" ]; then
	uid=$(awk '/^Uid:/ { print $3 }' "/proc/$APID/status" 2>/dev/null)
	check "the agent runs as nobody after opening its sockets (uid $uid)" \
	    test "$uid" = "$(id -u nobody)"
fi
if wait_for "[ \"\$(rows '$T/h.db')\" -ge 20 ]" 10; then
	ok "samples reach the history ($(rows "$T/h.db") rows)"
else
	not_ok "samples reach the history"
	sed 's/^/# /' "$T/a.log" "$T/c1.log"
fi

stop "$CPID" "collector"
CPID=""
down=$(now_ms)
before=$(rows "$T/h.db")
if wait_for "grep -q 'warning: agent: pushing to' '$T/a.log'" 5; then
	ok "the agent sees the collector gone"
else
	not_ok "the agent sees the collector gone"
fi
sleep 2
up=$(now_ms)
start_collector "$T/c.conf" "$T/h.db" "$T/c2.log"
ok "collector restarted on the same database"
if wait_for "grep -q 'answers again' '$T/a.log'" 15; then
	ok "the agent pushes again after the restart"
else
	not_ok "the agent pushes again after the restart"
	sed 's/^/# /' "$T/a.log"
fi
sleep 1.5
stop "$APID" "agent"
APID=""
stop "$CPID" "collector"
CPID=""

account "$T/a.log"
stored=$(rows "$T/h.db")
outage=$(rows "$T/h.db" "WHERE time_ms > $down AND time_ms < $up")
diag "stored $stored rows, $before before the outage, $outage probed during it"
if [ -n "$sent" ] && [ "$stored" = "$sent" ]; then
	ok "rows in latency_sample ($stored) = the agent's sent ($sent)"
else
	not_ok "rows in latency_sample ($stored) = the agent's sent ($sent)"
fi
check "nothing left queued (queued $queued)" test "$queued" = 0
check "nothing overflowed (overflowed $overflowed)" test "$overflowed" = 0
check "nothing rejected (rejected $rejected)" test "$rejected" = 0
check "every probe sent (probed $probed = sent $sent)" test "$probed" = "$sent"
# The 2 s outage at 20 probes a second: most of ~40 samples.
check "samples probed during the outage are stored ($outage)" \
    test "$outage" -ge 20
check "rows after the restart ($stored > $before)" test "$stored" -gt "$before"
n=$(rows "$T/h.db" "WHERE source = 'agent' AND branch = 'hq' AND
    ((edge = 'sea' AND target = '127.0.0.1') OR
    (edge = 'lax' AND target = '127.0.0.1:$PORT'))")
check "every row from the agent, for hq and its two targets ($n)" \
    test "$n" = "$stored"
n=$(rows "$T/h.db" "WHERE edge = 'lax' AND rtt_us IS NOT NULL")
check "TCP probes answered with an RTT ($n)" test "$n" -gt 0
if grep -q "ICMP targets not probed" "$T/a.log"; then
	diag "no ICMP socket here: the sea (ICMP) target is not probed"
else
	n=$(rows "$T/h.db" "WHERE edge = 'sea' AND rtt_us IS NOT NULL")
	check "ICMP probes to 127.0.0.1 answered ($n)" test "$n" -gt 0
fi
if grep -q "lost on exit" "$T/a.log"; then
	not_ok "no samples lost on exit"
else
	ok "no samples lost on exit"
fi

# ---------------------------------------------------------- 2. overflow

agent_conf "$T/a2.conf" "$PORT" "s3cret" 5
"$PEERTOP" agent -c "$T/a2.conf" 2>"$T/a2.log" &
APID=$!
wait_for "grep -q 'buffer of 5 samples full' '$T/a2.log'" 5
check "a full buffer is reported" grep -q "buffer of 5 samples full" \
    "$T/a2.log"
sleep 1
start_collector "$T/c.conf" "$T/h2.db" "$T/c3.log"
if wait_for "grep -q 'answers again' '$T/a2.log'" 15; then
	ok "the agent with a 5-sample buffer reaches the collector"
else
	not_ok "the agent with a 5-sample buffer reaches the collector"
fi
sleep 1
stop "$APID" "agent (buffer 5)"
APID=""
stop "$CPID" "collector"
CPID=""
account "$T/a2.log"
stored=$(rows "$T/h2.db")
check "some samples overflowed ($overflowed)" test "${overflowed:-0}" -gt 0
check "overflowed ($overflowed) = probed ($probed) - stored ($stored)" \
    test "$overflowed" = $(( probed - stored ))
check "rows ($stored) = sent ($sent), queued $queued" \
    test "$stored" = "$sent" -a "$queued" = 0

# ---------------------------------------------------------- 3. bad token

agent_conf "$T/a3.conf" "$PORT" "not-the-token" 100000
start_collector "$T/c.conf" "$T/h3.db" "$T/c4.log"
"$PEERTOP" agent -c "$T/a3.conf" 2>"$T/a3.log" &
APID=$!
wait_for "grep -q 'HTTP 401' '$T/a3.log'" 5
sleep 0.5
stop "$APID" "agent (wrong token)"
APID=""
stop "$CPID" "collector"
CPID=""
account "$T/a3.log"
check "the agent reports the 401" grep -q \
    "HTTP 401: missing or wrong token" "$T/a3.log"
check "the collector logs the refusal" grep -q "401 missing or wrong token" \
    "$T/c4.log"
check "nothing stored with a wrong token" test "$(rows "$T/h3.db")" = 0
check "nothing sent ($sent), all queued ($queued of $probed)" \
    test "$sent" = 0 -a "$queued" = "$probed" -a "$probed" -gt 0
check "the queue is reported lost on exit" grep -q \
    "$queued samples lost on exit" "$T/a3.log"

summary
