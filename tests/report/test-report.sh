#!/bin/sh
# SPDX-License-Identifier: ISC
# "peertop report" on the real binary: a history made by the sqlite3 shell
# from tests/data/store/v1.db (a file store.c wrote, so the schema is the
# writer's), reported as text, CSV and JSON with absolute and relative
# windows; the file's bytes unchanged afterwards; the bad files of
# tests/data/store refused with their one-line messages and exit status 2.

. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
mktmpdir
# People's times in UTC unless a test names a zone.
TZ=UTC
export TZ
data="$top_srcdir/tests/data/store"
db="$TEST_TMPDIR/history.db"
out="$TEST_TMPDIR/out"
err="$TEST_TMPDIR/err"

# 10:00 = 1795600800000 ms.  s1 up from 10:00 to 10:45, s2 known from 10:15,
# s3 up from 10:00 but its source lost 10:20-10:30 and from 10:55 on (a
# BMP connection closing: Unknown, no flap), p1 DEGRADED from 10:30, two
# SessionDown events.
cp "$data/v1.db" "$db" && chmod u+w "$db"
sqlite3 "$db" "
DELETE FROM session_state; DELETE FROM redundancy_state; DELETE FROM events;
INSERT INTO session_state (time_ms, session, old_state, state) VALUES
 (1795600800000, 's1', 'Idle', 'Established'),
 (1795603500000, 's1', 'Established', 'Idle'),
 (1795601700000, 's2', 'Unknown', 'Established'),
 (1795600800000, 's3', 'Idle', 'Established'),
 (1795602000000, 's3', 'Established', 'Unknown'),
 (1795602600000, 's3', 'Unknown', 'Established'),
 (1795604100000, 's3', 'Established', 'Unknown');
INSERT INTO redundancy_state (time_ms, partner, old_state, state) VALUES
 (1795600800000, 'p1', NULL, 'REDUNDANT'),
 (1795602600000, 'p1', 'REDUNDANT', 'DEGRADED');
INSERT INTO events (time_ms, type, level, subject) VALUES
 (1795601100000, 'SessionDown', 'Error', 's1'),
 (1795603500000, 'SessionDown', 'Error', 's1'),
 (1795604400000, 'HistoryGap', 'Warning', NULL);" ||
    { not_ok "sqlite3 builds the history"; summary; }
before=$(cksum <"$db")

"$PEERTOP" report "$db" --since 2026-11-25T10:00:00Z --until -0m \
    >"$out" 2>"$err"
check "report exits 0" test $? -eq 0
check "nothing on stderr" test ! -s "$err"
check "text header names the window" grep -qx \
    'Window  2026-11-25 10:00:00 UTC - 2026-11-25 11:00:00 UTC (1h00m)' "$out"
check "text: s1 75.00% with one flap" grep -Eq \
    '^s1 +75\.00 +100\.00 +1 +45m00s +0s +Idle 15m00s$' "$out"
check "text: s2 15 minutes of no data: 100% of the 75% covered" grep -Eq \
    '^s2 +100\.00 +75\.00 +0 +45m00s +15m00s *$' "$out"
check "text: s3 Unknown is no data and no flap" grep -Eq \
    '^s3 +100\.00 +75\.00 +0 +45m00s +0s +Unknown 15m00s$' "$out"
check "text: p1 30 minutes REDUNDANT and DEGRADED" grep -Eq \
    '^p1 +30m00s +30m00s +0s +0s +0s +0s$' "$out"
check "text: a version 1 file cannot tell a time without recording" \
    grep -qx 'Runs    not recorded (schema 1): a time without recording'\
' reads as the last state' "$out"

"$PEERTOP" report "$db" --since '2026-11-25 10:00' \
    --until 2026-11-25T11:00:00 -o csv >"$out" 2>"$err"
check "csv exits 0" test $? -eq 0
check "csv: s1 line" grep -qx 'session,s1,75.000,100.000,1,2700.000,0.000' \
    "$out"
check "csv: s3 line" grep -qx 'session,s3,100.000,75.000,0,2700.000,0.000' \
    "$out"
check "csv: p1 line" grep -qx \
    'partner,p1,1800.000,1800.000,0.000,0.000,0.000,0.000' "$out"
check "csv: events (11:00 is outside)" grep -qx \
    'event,SessionDown,Error,2,2026-11-25T10:05:00Z,2026-11-25T10:45:00Z' \
    "$out"
check "csv: HistoryGap at until is not counted" \
    sh -c "! grep -q HistoryGap '$out'"
# s1's second SessionDown raises the first again: one problem, still
# open at until; a version 1 file has no acknowledgements (none counted).
check "csv: one Error problem, open" grep -qx \
    'problems,Error,1,0,,,0,,,1,0' "$out"
check "csv: no Critical problem" grep -qx \
    'problems,Critical,0,0,,,0,,,0,0' "$out"

# Relative: the last 30 minutes before the newest row's time (11:00).
"$PEERTOP" report "$db" --until 2026-11-25T11:00:00Z --since -30m -o json \
    >"$out" 2>"$err"
check "json exits 0" test $? -eq 0
if command -v python3 >/dev/null 2>&1; then
	check "json parses" sh -c "python3 -m json.tool '$out' >/dev/null"
fi
check "json: s1 50% in the last 30 minutes (up to 10:45)" grep -q \
    '{"session":"s1","availability_pct":50.000,"coverage_pct":100.000,"flaps":1,' \
    "$out"
check "json: window" grep -q \
    '"since":"2026-11-25T10:30:00Z","until":"2026-11-25T11:00:00Z"' "$out"

# One rule for people's times: in New York's local time (a POSIX TZ, no
# tzdata needed) a time without a zone is local and the text names EST;
# Z wins; --utc reads and writes UTC; -b/-e, --begin/--end and
# --since/--until are one option each; JSON and CSV stay UTC with a Z.
ny=EST5EDT,M3.2.0,M11.1.0
TZ=$ny "$PEERTOP" report "$db" --since '2026-11-25 05:00' \
    --until 2026-11-25T06:00 >"$out" 2>"$err"
check "TZ=New York: exits 0" test $? -eq 0
check "TZ=New York: a time without a zone is local, and the zone shown" \
    grep -qx \
    'Window  2026-11-25 05:00:00 EST - 2026-11-25 06:00:00 EST (1h00m)' "$out"
check "TZ=New York: events in local time with the zone" grep -Eq \
    '^SessionDown +Error +2 +2026-11-25 05:05:00 EST +2026-11-25 05:45:00 EST$' \
    "$out"
TZ=$ny "$PEERTOP" report "$db" -b 2026-11-25T10:00:00Z \
    -e '2026-11-25 11:00 UTC' >"$out.b" 2>"$err"
check "TZ=New York: Z and UTC win, and -b/-e are --since/--until" \
    cmp -s "$out" "$out.b"
TZ=$ny "$PEERTOP" report "$db" --begin '2026-11-25 00:00 -05:00' \
    --end '2026-11-25 06:00-0500' --utc >"$out.b" 2>"$err"
check "--begin/--end, an offset, --utc: the window in UTC" grep -qx \
    'Window  2026-11-25 05:00:00 UTC - 2026-11-25 11:00:00 UTC (6h00m)' \
    "$out.b"
check "--utc refuses a local zone's name" sh -c \
    "TZ=$ny '$PEERTOP' report '$db' --since '2026-11-25 05:00 EST' --utc \
    >/dev/null 2>&1; test \$? -eq 2"
TZ=$ny "$PEERTOP" report "$db" --since '2026-11-25 05:00' \
    --until '2026-11-25 06:00' -o csv >"$out.b" 2>"$err"
check "TZ=New York: CSV stays UTC with a Z" grep -q \
    '^report,.*,2026-11-25T10:00:00Z,2026-11-25T11:00:00Z,' "$out.b"
TZ=$ny "$PEERTOP" report "$db" --since '2026-03-08 02:30' >"$out.b" 2>"$err"
check "TZ=New York: an hour DST skips is a usage error" test $? -eq 2
check "... that says which time" grep -q "bad time: 2026-03-08 02:30" "$err"

# An --until in the future ends at now: time to come is not "without
# recording".
"$PEERTOP" report "$db" --since 2026-11-25T10:00:00Z \
    --until 2099-01-01T00:00:00Z -o json >"$out" 2>"$err"
check "future --until exits 0" test $? -eq 0
check "future --until is cut to now" grep -q \
    "\"until\":\"$(date -u +%Y)-" "$out"

# Default window: the oldest row's time to the newest's (11:00, HistoryGap),
# which is outside as any row at until is.
"$PEERTOP" report "$db" >"$out" 2>"$err"
check "default window exits 0" test $? -eq 0
check "default window spans the file" grep -qx \
    'Window  2026-11-25 10:00:00 UTC - 2026-11-25 11:00:00 UTC (1h00m)' "$out"
check "default window: s1 75.00%" grep -Eq '^s1 +75\.00 ' "$out"
check "HistoryGap at the newest time is outside the default window" \
    sh -c "! grep -q '^HistoryGap ' '$out'"

# A history without rows: an empty report of the last day.
cp "$data/v1.db" "$TEST_TMPDIR/norows.db" && chmod u+w "$TEST_TMPDIR/norows.db"
sqlite3 "$TEST_TMPDIR/norows.db" "DELETE FROM session_state;
    DELETE FROM redundancy_state; DELETE FROM events;"
"$PEERTOP" report "$TEST_TMPDIR/norows.db" -o json >"$out" 2>"$err"
check "no rows: exits 0" test $? -eq 0
check "no rows: a day, empty arrays" grep -q '"window_s":86400.000,'\
'"runs":null,"unrecorded_s":null,"ignored_rows":0,"sessions":\[\],"partners":\[\],"latency":\[\],"prefixes":\[\],'\
'"routes":\[\],"events":\[\],"problems":\[{"level":"Error","opened":0,'\
'"acknowledged":0,"ack_median_s":null,"ack_max_s":null,"resolved":0,'\
'"resolve_median_s":null,"resolve_max_s":null,"open":0,"ended":0},'\
'{"level":"Critical",.*}\]}' "$out"

check "the history's bytes are unchanged" test "$(cksum <"$db")" = "$before"

# A version 2 file written by the version 2 store: its samples, then with
# the samples before 01:00 pruned, its minutes before them (no hours).
v2="$TEST_TMPDIR/v2.db"
cp "$data/v2.db" "$v2" && chmod u+w "$v2"
"$PEERTOP" report "$v2" -o csv >"$out" 2>"$err"
check "v2: exits 0" test $? -eq 0
check "v2: schema 2" grep -q '^report,.*,2,2023-11-14T23:00:00Z,' "$out"
check "v2: the default window ends at the newest sample, not its minute's end" \
    grep -q '^report,.*,2,2023-11-14T23:00:00Z,2023-11-15T01:00:05Z,' "$out"
check "v2: hq/ams from its samples" grep -qx \
    'latency,hq,ams,192.0.2.1,samples,6,5,16.667,14.000,15.600,22.000' "$out"
sqlite3 "$v2" "DELETE FROM latency_sample WHERE time_ms < 1700006400000"
# The newest row is the sample at 01:00:05 (the default window ends there
# and leaves it out); its minute's end takes it in.
"$PEERTOP" report "$v2" -o csv --until 2023-11-15T01:01:00Z >"$out" 2>"$err"
check "v2 pruned: hq/ams from minutes, then samples, counted once" \
    grep -qx 'latency,hq,ams,192.0.2.1,minutes,6,5,16.667,,15.600,' "$out"
check "v2 pruned: hq/sea's lost probe still counted" \
    grep -qx 'latency,hq,sea,192.0.2.1,minutes,2,1,50.000,,30.000,' "$out"

refused() {	# file message
	"$PEERTOP" report "$1" >"$out" 2>"$err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(cat "$err")" = "peertop report: $1: $2" ] &&
	    [ ! -s "$out" ]; then
		ok "refused: $2"
	else
		not_ok "refused: $2 (exit $rc: $(cat "$err"))"
	fi
}
cp "$data/not-sqlite.txt" "$data/v99.db" "$data/foreign.db" "$TEST_TMPDIR"/
: >"$TEST_TMPDIR/empty.db"
head -c 1000 "$db" >"$TEST_TMPDIR/cut.db"
refused "$TEST_TMPDIR/missing.db" "No such file or directory"
refused "$TEST_TMPDIR/empty.db" "empty file, not a peertop history"
refused "$TEST_TMPDIR/not-sqlite.txt" "not an SQLite database"
refused "$TEST_TMPDIR/cut.db" \
    "damaged SQLite database (truncated: 1000 bytes)"
refused "$TEST_TMPDIR/v99.db" \
    "schema version 99 is newer than this peertop (7); use a newer peertop"
refused "$TEST_TMPDIR/foreign.db" \
    "not a peertop history (schema version 0)"
check "v99.db unchanged" cmp "$data/v99.db" "$TEST_TMPDIR/v99.db"

"$PEERTOP" report "$db" --since yesterday >"$out" 2>"$err"
check "a bad time exits 2" test $? -eq 2
check "a bad time is named" grep -q 'bad time: yesterday' "$err"
"$PEERTOP" report "$db" --since 2026-11-25T11:00:00Z \
    --until 2026-11-25T10:00:00Z >"$out" 2>"$err"
check "an empty window exits 2" test $? -eq 2
"$PEERTOP" report >"$out" 2>"$err"
check "no file: usage, exit 2" test $? -eq 2

# Issue 13: a crafted copy.  A session named with an OSC title, a clear
# screen, BEL and U+202E prints as '?'s in text and CSV; a row at
# INT64_MAX and one at -1 are ignored and counted, and the default window
# is still the real rows' 10:00 - 11:00 with s1 at 75%.
hostile="$TEST_TMPDIR/hostile.db"
cp "$db" "$hostile"
sqlite3 "$hostile" "
INSERT INTO session_state (time_ms, session, old_state, state) VALUES
 (1795601100000, 'x'||char(27)||']0;t'||char(7)||char(27)||'[2J'||
  char(8238)||'y', 'Idle', 'Established'),
 (9223372036854775807, 's1', 'Idle', 'Established'),
 (-1, 's1', 'Established', 'Idle');"
"$PEERTOP" report "$hostile" >"$out" 2>"$err"
check "crafted: exits 0" test $? -eq 0
check "crafted: the two bad rows said on stderr" grep -q \
    "hostile.db: 2 rows timed outside 1970-9999 ignored" "$err"
check "crafted: the window of the real rows" grep -qx \
    'Window  2026-11-25 10:00:00 UTC - 2026-11-25 11:00:00 UTC (1h00m)' "$out"
check "crafted: s1 75.00% still" grep -Eq '^s1 +75\.00 ' "$out"
check "crafted: the name cleaned" grep -Eq '^x\?\]0;t\?\?\[2J\?y ' "$out"
check "crafted: no ESC, BEL or U+202E in text" sh -c \
    "! LC_ALL=C grep -q \"\$(printf '\\033\\|\\007\\|\\342\\200\\256')\" '$out'"
"$PEERTOP" report "$hostile" -o csv >"$out" 2>"$err"
check "crafted: no ESC, BEL or U+202E in CSV" sh -c \
    "! LC_ALL=C grep -q \"\$(printf '\\033\\|\\007\\|\\342\\200\\256')\" '$out'"
check "crafted: CSV counts them" grep -q '^report,.*,2$' "$out"

summary
