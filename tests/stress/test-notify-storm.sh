#!/bin/sh
# SPDX-License-Identifier: ISC
# A storm of notifications (issue 15): 1,000 sessions of a stand-in BIRD
# (tests/integration/notify-bird.py) drop at once under a headless
# collector whose notify block has a JSON webhook, a Slack webhook, a
# program and a webhook that stalls.  Every SessionDown reaches the JSON
# receiver, in a few requests rather than 1,000; Slack gets messages of
# at most 10 lines and "and N more"; the program runs a few times with
# arrays on its stdin; the stalled receiver holds one request at a time
# and none of this stops --once from answering at once.  Loopback only,
# well under 60 s.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=$top_srcdir/peertop}"
. "$top_srcdir/tests/lib.sh"
lab_need python3 jq

mktmpdir
T=$TEST_TMPDIR
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
H=$top_srcdir/tests/integration
N=1000

set -- $(python3 -c 'import socket
ss = [socket.socket() for i in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
P1=$1 P2=$2
echo ok >"$T/mode1"
echo stall >"$T/mode2"
python3 "$H/notify-recv.py" "$P1" "$T/r1.out" "$T/mode1" &
at_exit "kill $! 2>/dev/null"
python3 "$H/notify-recv.py" "$P2" "$T/r2.out" "$T/mode2" &
at_exit "kill $! 2>/dev/null"
cat >"$T/hook.sh" <<EOF
#!/bin/sh
cat >"$T/exec.\$\$"
echo >>"$T/exec.\$\$"
EOF
chmod +x "$T/hook.sh"

states()	# STATE of every session
{
	awk -v n=$N -v st="$1" 'BEGIN {
		for (i = 0; i < n; i++)
			printf("s%d 10.%d.%d.1 %s\n", i, int(i / 250), i % 250, st)
	}' >"$T/states.new"
	mv "$T/states.new" "$T/states"
}
states up
python3 "$H/notify-bird.py" "$T/b.ctl" "$T/states" &
at_exit "kill $! 2>/dev/null"
awk -v n=$N -v t="$T" -v p1="$P1" -v p2="$P2" 'BEGIN {
	printf "bird \"%s/b.ctl\" router \"a\" interval 1s\n", t
	printf "database \"%s/n.db\"\ncontrol \"%s/n.sock\"\n", t, t
	for (i = 0; i < n; i++) {
		if (i % 4 == 0)
			printf "partner \"p%d\" as %d {\n", i / 4, 64512 + i / 4
		printf "\tsession \"s%d\" neighbor 10.%d.%d.1 router \"a\" " \
		    "edge sea role %s\n", i, int(i / 250), i % 250,
		    i % 2 ? "backup" : "primary"
		if (i % 4 == 3)
			print "}"
	}
	printf "notify \"storm\" {\n\ttype SessionDown\n"
	printf "\twebhook \"http://127.0.0.1:%d/json\" format json\n", p1
	printf "\twebhook \"http://127.0.0.1:%d/slack\" format slack\n", p1
	printf "\texec \"%s/hook.sh\"\n", t
	printf "\twebhook \"http://127.0.0.1:%d/stall\" format json\n", p2
	printf "\ttimeout 20s\n}\n"
}' >"$T/n.conf"

"$PEERTOP" -H -c "$T/n.conf" -l "$T/n.log" >"$T/h.out" 2>&1 &
pid=$!
at_exit "kill $pid 2>/dev/null"
ONCE="$PEERTOP --once -o json -S $T/n.sock"
wait_for "$ONCE | jq -e '[.sessions[] | select(.state == \"Established\")] | length == $N'" 30 ||
    not_ok "the collector sees the $N sessions Established"
sleep 2

t0=$(date +%s)
states down
json()	# JQ over every JSON webhook body
{
	jq -e -s "[.[] | select(.path == \"/json\") | .body[]] | $1" \
	    "$T/r1.out" >/dev/null 2>&1
}
wait_for "json 'length >= $N'" 30
check "all $N SessionDown reached the JSON webhook" \
    json "[.[] | select(.type == \"SessionDown\" and .state == \"raised\")] | length == $N"
check "each once" json "[.[] | .id] | unique | length == $N"
nreq=$(grep -c '"/json"' "$T/r1.out")
diag "$N events in $nreq requests"
check "grouped: at most 10 requests for $N events" test "$nreq" -le 10
s=$(date +%s%N)
$ONCE >"$T/once.json"
e=$(date +%s%N)
check "--once answers within 2 s during the storm" \
    test $(((e - s) / 1000000)) -lt 2000
check "slack: messages of at most 10 lines and \"and N more\"" \
    jq -e -s '[.[] | select(.path == "/slack") | .body.text] | length >= 1 and all(split("\n") | length <= 12) and any(test("\nand [0-9]+ more$"))' "$T/r1.out" >/dev/null
wait_for "[ \$(cat '$T'/exec.* 2>/dev/null | jq -s '[.[] | if type == \"array\" then .[] else . end] | length') -ge $N ]" 20
check "exec: every event on the programs' stdin" \
    sh -c "[ \$(cat '$T'/exec.* | jq -s '[.[] | if type == \"array\" then .[] else . end] | length') = $N ]"
nrun=$(ls "$T"/exec.* | wc -l)
diag "exec: $N events in $nrun runs"
check "exec: grouped, at most 20 runs" test "$nrun" -le 20
check "the stalled receiver holds one request at a time" \
    test "$(grep -c '"/stall"' "$T/r2.out")" -le 2
t1=$(date +%s)
diag "storm handled in $((t1 - t0)) s"
check "the collector still runs" kill -0 $pid
kill $pid
wait $pid 2>/dev/null
summary
