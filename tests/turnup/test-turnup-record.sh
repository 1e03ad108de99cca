#!/bin/sh
# SPDX-License-Identifier: ISC
# "peertop turnup -r HISTORY" (issue 17) on the real binary: a turn-up
# recorded in a history made by the sqlite3 shell (history.sql), printed
# as JSON and diffed against expected.json, as text with the FSM steps
# and the timeline in the Azure portal's words, as a markdown table; -b
# starting later; bad arguments and files refused with exit status 3;
# the file's bytes unchanged.

. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
mktmpdir
TZ=UTC
export TZ PEERTOP_DATADIR="$top_srcdir/data"
dir="$top_srcdir/tests/turnup"
conf="$dir/turnup.conf"
db="$TEST_TMPDIR/history.db"
out="$TEST_TMPDIR/out"
err="$TEST_TMPDIR/err"

cp "$top_srcdir/tests/data/store/v4.db" "$db" && chmod u+w "$db"
sqlite3 "$db" <"$dir/history.sql" ||
    { not_ok "sqlite3 builds the history"; summary; }
before=$(cksum <"$db")

"$PEERTOP" turnup -c "$conf" -r "$db" -o json contoso >"$out" 2>"$err"
check "json: exit 1 (a latency check still waits)" test $? -eq 1
check "json: nothing on stderr" test ! -s "$err"
if diff -u "$dir/expected.json" "$out" >"$TEST_TMPDIR/diff"; then
	ok "json: the record matches expected.json"
else
	not_ok "json: the record matches expected.json"
	sed 's/^/# /' "$TEST_TMPDIR/diff" | head -60
fi

"$PEERTOP" turnup -c "$conf" -r "$db" contoso >"$out" 2>"$err"
check "text: exit 1" test $? -eq 1
check "text: the verdict and the elapsed time" grep -qx \
    'started 2026-11-25 10:00:00, elapsed 10m00s, as of 2026-11-25 10:10:00 (times UTC)' \
    "$out"
check "text: sea-r1 green at its Established step" grep -Eq \
    '^green +session sea-r1 +2026-11-25 10:01:04 +Established since 10:01:04 \(AdminDown > Idle > Connect > OpenSent > OpenConfirm > Established\)$' \
    "$out"
check "text: each FSM step timestamped" grep -Eq \
    '^sea-r1 +2026-11-25 10:01:02 +OpenSent$' "$out"
check "text: the wrong AS's NOTIFICATION in words" grep -Eq \
    '^sea-r2 +2026-11-25 10:02:01 +Idle +Received: Bad peer AS$' "$out"
check "text: ... in the timeline as a failure" grep -Eq \
    '^2026-11-25 10:02:01 +session sea-r2 +failed +Idle: Received: Bad peer AS \(the neighbor refused this router'"'"'s AS; contoso is AS64500\)$' \
    "$out"
check "text: the missing community in the portal's words" grep -Eq \
    "^2026-11-25 10:01:10 +prefix 203.0.113.0/24 +failed +Prefix doesn't have a valid BGP community \(8075:8007\); Backup route not found; " \
    "$out"
check "text: the prefix green once fixed" grep -Eq \
    '^green +prefix 203.0.113.0/24 +2026-11-25 10:05:10 +received on sea-r1 sea-r2 lax-r1' \
    "$out"
check "text: RPKI not checked, never green" grep -Eq \
    '^not checked +rpki +- +not checked \(no rpki source configured\)$' "$out"
check "text: latency figures" grep -qx \
    'latency hq -> sea: median 12.5 ms, loss 0.0%' "$out"

"$PEERTOP" turnup -c "$conf" -r "$db" -o markdown contoso >"$out" 2>"$err"
check "markdown: a table header" grep -qx \
    '| State | Check | First green | Reason |' "$out"
check "markdown: a row" grep -qF \
    '| green | partner contoso | 2026-11-25 10:05:02 | REDUNDANT: ' "$out"
check "markdown: the FSM steps as a table" grep -qx \
    '| sea-r2 | 2026-11-25 10:02:01 | Idle | Received: Bad peer AS |' "$out"

# From 10:04:30, at Seattle only: sea-r2 still Idle with its error, then
# fixed; hq reaches sea, so every check there is green.
"$PEERTOP" turnup -c "$conf" -r "$db" -b '2026-11-25 10:04:30' contoso/sea \
    >"$out" 2>"$err"
check "-b: exit 0, green" test $? -eq 0
check "-b: the verdict" grep -qx 'Turn-up contoso/sea: green' "$out"
check "-b: the scope's edge only" sh -c "! grep -q 'session lax-r1' '$out'"
check "-b: the FSM steps from -b on" grep -Eq \
    '^sea-r2 +2026-11-25 10:02:01 +Idle +Received: Bad peer AS$' "$out"
"$PEERTOP" turnup -c "$conf" -r "$db" -e '2026-11-25 10:02:30' contoso \
    >"$out" 2>"$err"
check "-e 10:02:30: exit 2, failed then" test $? -eq 2
check "-e: the wrong AS the worst" grep -Eq \
    '^failed +session sea-r2 +- +Idle: Received: Bad peer AS \(the neighbor refused this router'"'"'s AS; contoso is AS64500\)$' "$out"

"$PEERTOP" turnup -c "$conf" -r "$db" -o yaml contoso >"$out" 2>"$err"
check "an unknown format: exit 3" test $? -eq 3
check "... named" grep -qF 'unknown format: yaml' "$err"
"$PEERTOP" turnup -c "$conf" -r "$db" nope >"$out" 2>"$err"
check "an unknown partner: exit 3" test $? -eq 3
check "... named" grep -qF 'turn-up nope: no partner "nope"' "$err"
"$PEERTOP" turnup -c "$conf" -r "$top_srcdir/tests/data/store/not-sqlite.txt" \
    contoso >"$out" 2>"$err"
check "not a history: exit 3" test $? -eq 3
check "the history's bytes unchanged" test "$(cksum <"$db")" = "$before"

summary
