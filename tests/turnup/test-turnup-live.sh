#!/bin/sh
# SPDX-License-Identifier: ISC
# "peertop turnup" asked of a running collector (issue 17): a headless
# peertop polls a stand-in BIRD socket (tests/once/fake-bird.py serving a
# real BIRD reply: one session Established, one Active "Socket:
# Connection refused", one Idle "Received: Bad peer AS") and answers on
# its control socket; the record comes through it, FSM steps included,
# by the configuration's control line, by -S and with the turnup block
# as the scope; without a collector it says to give -r (exit 3).

. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
lab_need python3 jq
mktmpdir
T=$TEST_TMPDIR
TZ=UTC
export TZ PEERTOP_DATADIR="$top_srcdir/data"
HPID=""
at_exit 'if [ -n "$HPID" ]; then kill "$HPID" 2>/dev/null;
    wait "$HPID" 2>/dev/null; fi'

python3 "$top_srcdir/tests/once/fake-bird.py" "$T/r1.ctl" \
    "$top_srcdir/tests/data/bird/a-states.txt" &
at_exit "kill $! 2>/dev/null"
wait_for "test -S '$T/r1.ctl'" 5 || not_ok "stand-in BIRD socket"

cat >"$T/live.conf" <<EOC
control "$T/ctl.sock"
bird "$T/r1.ctl" router "r1" interval 1s
partner "fabrikam" as 65010 {
	session "sea-up" neighbor 127.0.0.2 router "r1" edge sea role primary
	session "sea-badas" neighbor 127.0.0.5 router "r1" edge sea role primary
	session "lax-refused" neighbor 127.0.0.3 router "r1" edge lax role backup
}
branch "seattle-hq" {
	partner "fabrikam"
	address 192.0.2.20
	location 47.61 -122.33
	prefix 198.51.100.0/24 origin 65010
}
turnup {
	session "sea-up"
}
EOC

# No collector yet: the record cannot be made.
"$PEERTOP" turnup -c "$T/live.conf" fabrikam >"$T/out" 2>"$T/err"
check "no collector: exit 3" test $? -eq 3
check "... and says to give -r" grep -qF \
    'without a collector give its history with -r' "$T/err"

"$PEERTOP" -H -c "$T/live.conf" -l "$T/h.log" </dev/null >/dev/null 2>&1 &
HPID=$!
wait_for "test -S '$T/ctl.sock'" 10 || not_ok "the collector's control socket"

recorded()
{
	"$PEERTOP" turnup -c "$T/live.conf" -o json fabrikam >"$T/out.json" \
	    2>"$T/err"
	RC=$?
	jq -e '[.sessions[] | select(.name == "sea-badas") | .steps[] |
	    select(.error == "Received: Bad peer AS")] | length > 0' \
	    "$T/out.json" >/dev/null 2>&1
}
if wait_for recorded 10; then
	ok "the collector's record has the FSM steps with their errors"
else
	not_ok "the collector's record has the FSM steps with their errors"
	sed 's/^/# /' "$T/out.json" "$T/err" | head -30
fi
check "exit 2: a check failed" test "$RC" -eq 2
jqt()
{
	jq -e "$@" >/dev/null
}
check "verdict failed" jqt '.verdict == "failed"' "$T/out.json"
check "the wrong AS in words" jqt '.checks[] |
    select(.subject == "session sea-badas") |
    .state == "failed" and .reason == "Idle: Received: Bad peer AS (the neighbor refused this router'"'"'s AS; fabrikam is AS65010)"' \
    "$T/out.json"
check "the Established session green at its step" jqt '.checks[] |
    select(.subject == "session sea-up") | .state == "green" and
    .first_green == "2026-11-25T19:05:40Z"' "$T/out.json"
check "the timeline has the session at its step, in time order" jqt '
    ([.timeline[] | select(.check == "session sea-up" and
    .state == "green") | .time] == ["2026-11-25T19:05:40Z"]) and
    ([.timeline[].time] == ([.timeline[].time] | sort))' "$T/out.json"
check "only the scope's BIRD socket" jqt '[.checks[] |
    select(.kind == "collector")] | length == 1' "$T/out.json"

"$PEERTOP" turnup -S "$T/ctl.sock" -c "$T/live.conf" -o markdown \
    fabrikam/sea >"$T/out.md" 2>"$T/err"
check "-S: exit 2" test $? -eq 2
check "-S: a markdown table" grep -qF \
    '| failed | session sea-badas | - | Idle: Received: Bad peer AS (the neighbor refused this router'"'"'s AS; fabrikam is AS65010) |' \
    "$T/out.md"
check "-S: the scope's edge only" sh -c "! grep -q lax-refused '$T/out.md'"

"$PEERTOP" turnup -c "$T/live.conf" >"$T/out" 2>"$T/err"
check "the turnup block: exit 1, redundancy still in progress" test $? -eq 1
check "... its scope" grep -qx 'Turn-up turnup: in progress' "$T/out"
check "... sea-up only" sh -c "! grep -q sea-badas '$T/out'"
check "... capabilities not checked: BIRD does not show them" grep -Eq \
    '^not checked +capabilities sea-up +- +BIRD does not show the OPENs' \
    "$T/out"

kill "$HPID"
wait "$HPID" 2>/dev/null
HPID=""
summary
