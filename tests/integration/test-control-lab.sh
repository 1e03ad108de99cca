#!/bin/sh
# SPDX-License-Identifier: ISC
# The collector service and its viewers (issue 14), on the real lab
# (BIRD routers, FRR edges streaming BMP): one peertop -H and three
# dashboards attached to it in tmux (80x24, 200x50, 80x24), then
#  - --once and --who through the control socket;
#  - kill -9 of a viewer changes nothing in the collector or the
#    history (no run row, no event of its own, integrity intact);
#  - a second collector on the same history is refused;
#  - a session taken down in BIRD reaches every viewer; its SessionDown
#    acknowledged with peertop ack shows in another viewer within a
#    second and is recorded in the history;
#  - the collector stopped: the viewers say so (and keep the picture);
#    started again: they reattach without a key press.
# Needs bird2, FRR, tmux, jq, sqlite3, socat.
#
# Environment (set by make check): top_srcdir, PEERTOP.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=${top_builddir:-$top_srcdir}/peertop}"
. "$top_srcdir/tests/lib.sh"

lab_need_bird
lab_need jq sqlite3 tmux socat
LAB=$top_srcdir/tests/lab/lab
PEERTOP_DATADIR=$top_srcdir/data
TZ=UTC
LAB_TIMEOUT=${LAB_TIMEOUT:-45}
LAB_PORT=${LAB_PORT:-1179}
export PEERTOP_DATADIR TZ LAB_TIMEOUT LAB_PORT
lab_setup
SOCK=$T/ctl.sock
PEERTOP_SOCKET=$SOCK
export PEERTOP_SOCKET
. "$top_srcdir/tests/tui/tmux-lib.sh"

lab_start 2 18 5
lab_check_conf

# sql, again while the collector's commit holds the file for a moment.
sqlr()
{
	for r in 1 2 3 4 5 6 7 8 9 10; do
		v=$(sql "$1")
		[ -n "$v" ] && break
		sleep 0.2
	done
	echo "$v"
}

collector_start()
{
	"$PEERTOP" -H -c "$CONF" -l "$T/h.log" 2>>"$T/h.err" </dev/null &
	HPID=$!
	wait_for "test -S '$SOCK'" 15
}

collector_start
check "the collector makes its control socket" test -S "$SOCK"
check "... mode srw-rw---- (0660, the default)" \
    sh -c "ls -l '$SOCK' | grep -q '^srw-rw----'"

# Wait until the collector has seen the lab: every session Established.
total=$(grep -c '^	session ' "$CONF")
if wait_for "timeout 10 '$PEERTOP' --once -o json >'$T/once.json' 2>'$T/once.err';
    [ \"\$(jq '[.sessions[] | select(.state == \"Established\")] |
    length' '$T/once.json')\" = $total ]" 60; then
	ok "--once through the socket: all $total sessions Established"
else
	not_ok "--once through the socket: all $total sessions Established"
	sed 's/^/# /' "$T/once.err"
fi

# --once asks the collector: no router is polled again, so it is quick
# (a standalone --once waits for BIRD and BMP End-of-RIB).
t0=$(date +%s%N)
"$PEERTOP" --once -o text >"$T/once.txt" 2>&1
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "--once through the socket answers in under a second (${ms} ms)" \
    test "$ms" -lt 1000
check "... with the collector's picture (exit $rc: 0 or 1)" \
    test "$rc" -le 1
check "... naming the lab's collectors" grep -q "^bmp 127.0.0.1" "$T/once.txt"

# Branch detail's long graphs for a viewer that may not read the
# history: the collector answers from it.
now=$(($(date +%s) * 1000))
printf '{"cmd":"latency_buckets","branch":"london-office","edge":"lon","from_ms":%s,"to_ms":%s,"n":60,"id":7}\n' \
    $((now - 3600000)) "$now" | socat -t 2 - "UNIX-CONNECT:$SOCK" \
    >"$T/buckets" 2>&1
check "latency_buckets through the socket: 60 buckets, tagged re 7" sh -c \
    "grep '\"t\":\"latency_buckets\"' '$T/buckets' | jq -e '.re == 7 and
    .count == 60 and (.buckets | length) == 60' >/dev/null"
printf '{"cmd":"latency_span","branch":"x","edge":"lon","from_ms":5,"to_ms":1}\n' |
    socat -t 2 - "UNIX-CONNECT:$SOCK" >"$T/span" 2>&1
check "a history query with from after to gets an error, not a crash" \
    sh -c "grep -q '\"t\":\"error\"' '$T/span' && kill -0 $HPID"

# ------------------------------------------------------------ viewers
viewer()
{
	tm new-session -d -s "$1" -x "$2" -y "$3" \
	    "env LC_ALL=C.UTF-8 '$PEERTOP' -S '$SOCK' 2>'$T/$1.err'; sleep 60"
}
vscreen()
{
	tm capture-pane -p -t "$1" 2>/dev/null
}
viewer v1 80 24
viewer v2 200 50
viewer v3 80 24
for v in v1 v2 v3; do
	if wait_for "vscreen $v | grep -q london-office" 15; then
		ok "viewer $v attached: its status bar names the collectors"
	else
		not_ok "viewer $v attached: its status bar names the collectors"
		vscreen $v | sed 's/^/# /'
		sed 's/^/# /' "$T/$v.err"
	fi
done
if vscreen v1 | grep -q london-office; then
	ok "viewer at 80x24 shows the Overview's branches"
else
	not_ok "viewer at 80x24 shows the Overview's branches"
fi
"$PEERTOP" --who >"$T/who" 2>&1
check "--who lists the three viewers" \
    test "$(grep -c ' viewer ' "$T/who")" = 3
[ "$(grep -c ' viewer ' "$T/who")" = 3 ] || sed 's/^/# /' "$T/who"

runs=$(sqlr "SELECT count(*) FROM run")
events=$(sqlr "SELECT count(*) FROM events")
# v3's peertop: the viewer whose terminal is v3's pane.
v3tty=$(tm display-message -p -t v3 '#{pane_tty}')
v3=$(awk -v t="$v3tty" '$2 == t && $3 == "viewer" { print $4 }' "$T/who")
check "--who names v3's terminal ($v3tty)" test -n "$v3"
kill -9 "$v3" 2>/dev/null
check "kill -9 of a viewer: the collector runs on" kill -0 "$HPID"
if wait_for "'$PEERTOP' --who | grep -c ' viewer ' | grep -qx 2" 5; then
	ok "... and --who lists two viewers"
else
	not_ok "... and --who lists two viewers"
fi
runs2=$(sqlr "SELECT count(*) FROM run")
check "... no viewer wrote a run into the history ($runs, $runs2)" \
    test "$runs2" = "$runs"
check "... the history is intact" \
    test "$(sqlr 'PRAGMA integrity_check')" = ok
check "... and no event came from it (still $events or more, no dup)" \
    test "$(sqlr "SELECT count(*) - count(DISTINCT time_ms || type ||
    subject) FROM events")" = 0

# ------------------------------------------------------------ one writer
"$PEERTOP" -H -c "$CONF" -S "$T/other.sock" >"$T/second.out" 2>&1 &
spid=$!
if wait_for "! kill -0 $spid" 10; then
	wait $spid
	rc=$?
	check "a second collector on the same history exits 1 (got $rc)" \
	    test "$rc" = 1
	check "... naming the first one's pid" \
	    grep -q "in use by peertop pid $HPID" "$T/second.out"
else
	kill $spid
	not_ok "a second collector on the same history exits"
fi

# ------------------------------------------------------------ ack
# The primary session disabled in BIRD: the partner's redundancy drops,
# an Error or Critical opens, and it is acknowledged from the command
# line.  A script's stream (socat) sees it all as it happens.
( echo '{"cmd":"attach"}'; sleep 30 ) | socat - "UNIX-CONNECT:$SOCK" \
    >"$T/stream" 2>/dev/null &
spid=$!
at_exit "kill $spid 2>/dev/null"
wait_for "grep -q '\"phase\":\"end\"' '$T/stream'" 10
birdc -s "$DIR/lon-r1.ctl" disable msft_lon >/dev/null
open_id()
{
	grep '"t":"conditions"' "$T/stream" | tail -1 | jq -r '[.open[] |
	    select(.level == "Error" or .level == "Critical")] | last | .id'
}
if wait_for '[ "$(open_id)" != null ] && [ -n "$(open_id)" ]' 30; then
	ok "msft_lon disabled on lon-r1: an Error or Critical opens"
else
	not_ok "msft_lon disabled on lon-r1: an Error or Critical opens"
	grep '"t":"conditions"' "$T/stream" | tail -1 | sed 's/^/# /'
fi
id=$(open_id)
# Viewer B (200x50) shows the Events view, State spelled out.
tm send-keys -t v2 3
wait_for "vscreen v2 | grep -q 'State'" 5
me=$(id -un)
t0=$(date +%s%N)
"$PEERTOP" ack "$id" "lab test: partner ticket 42" >"$T/ack.out" 2>&1
check "peertop ack $id: exit 0" test $? = 0
check "... says who acknowledged it" grep -q "acknowledged by" "$T/ack.out"
if wait_for "grep '\"t\":\"event\"' '$T/stream' | jq -e 'select(.id ==
    $id and .ack_ms > 0)' >/dev/null 2>&1" 2; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "... reaches an attached client within a second (${ms} ms)" \
	    test "$ms" -lt 1000
else
	not_ok "... reaches an attached client"
fi
if wait_for "vscreen v2 | grep -q \"ack'd by $me\"" 3; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "... and shows in viewer B's Events view within a second (${ms} ms)" \
	    test "$ms" -lt 1000
else
	not_ok "... and shows in viewer B's Events view"
	vscreen v2 | head -12 | sed 's/^/# /'
fi
check "... the comment and the user travel with it" sh -c \
    "grep '\"id\":$id,' '$T/stream' | tail -1 | grep -q 'partner ticket 42'"
if wait_for "sql \"SELECT comment FROM event_ack WHERE event_id = $id\" |
    grep -q 'partner ticket 42'" 5; then
	ok "... and is recorded in the history (event_ack)"
else
	not_ok "... and is recorded in the history (event_ack)"
	sql "SELECT * FROM event_ack" | sed 's/^/# /'
fi
"$PEERTOP" ack "$id" >"$T/ack2.out" 2>&1
check "a second ack of #$id is refused (exit 1)" test $? = 1
check "... saying who did it first" grep -q "acknowledged by" "$T/ack2.out"

# The second primary router too: more opens.  Viewer A (80x24) takes
# the worst unacknowledged one with a in its open-only Events view;
# viewer B shows it.
unacked()
{
	grep '"t":"conditions"' "$T/stream" | tail -1 | jq -r '[.open[] |
	    select((.level == "Error" or .level == "Critical") and
	    .ack_ms == 0)] | length'
}
acked()
{
	grep '"t":"conditions"' "$T/stream" | tail -1 | jq -r '[.open[] |
	    select(.ack_ms > 0)] | length'
}
birdc -s "$DIR/lon-r2.ctl" disable msft_lon >/dev/null
wait_for '[ "$(unacked)" -ge 1 ]' 30
before=$(acked)
tm send-keys -t v1 3
tm send-keys -t v1 o
tm send-keys -t v1 g
wait_for "vscreen v1 | grep -q 'OPEN'" 5
t0=$(date +%s%N)
tm send-keys -t v1 a
if wait_for '[ "$(acked)" -gt "$before" ]' 3; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "a in viewer A acknowledges through the collector (${ms} ms)" \
	    test "$ms" -lt 1000
else
	not_ok "a in viewer A acknowledges through the collector"
	vscreen v1 | sed 's/^/# /'
fi
if wait_for "[ \$(vscreen v2 | grep -c \"ack'd by $me\") -ge 2 ]" 3; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "... and viewer B shows it within a second (${ms} ms)" \
	    test "$ms" -lt 1000
else
	not_ok "... and viewer B shows it"
	vscreen v2 | head -12 | sed 's/^/# /'
fi
tm send-keys -t v1 o
tm send-keys -t v1 1
tm send-keys -t v2 1
birdc -s "$DIR/lon-r2.ctl" enable msft_lon >/dev/null
birdc -s "$DIR/lon-r1.ctl" enable msft_lon >/dev/null

# ------------------------------------------------------------ restart
kill -TERM "$HPID"
wait "$HPID"
HPID=""
check "the collector removes its socket at exit" test ! -e "$SOCK"
if wait_for "vscreen v1 | grep -q 'collector gone'" 5; then
	ok "viewer v1 says the collector is gone"
else
	not_ok "viewer v1 says the collector is gone"
	vscreen v1 | sed 's/^/# /'
fi
if vscreen v1 | grep -q london-office; then
	ok "... and keeps the last picture"
else
	not_ok "... and keeps the last picture"
fi
collector_start
for v in v1 v2; do
	if wait_for "! vscreen $v | grep -q 'collector gone' &&
	    vscreen $v | grep -q london-office" 15; then
		ok "viewer $v reattaches by itself when the collector is back"
	else
		not_ok "viewer $v reattaches by itself when the collector is back"
		vscreen $v | tail -3 | sed 's/^/# /'
	fi
done
check "the viewers are still running" sh -c \
    "'$PEERTOP' --who | grep -c ' viewer ' | grep -qx 2"
lab_stop_headless
summary
