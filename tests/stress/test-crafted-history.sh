#!/bin/sh
# SPDX-License-Identifier: ISC
# A hostile history (issue 13, items 12 and 13): a file made by the real
# binary, then filled by the sqlite3 shell with what an attacker who can
# write it would put there: terminal escapes (ESC ] 0 title BEL, ESC [ 2J,
# C1 CSI), bidi and invisible characters (U+202E, U+2066, U+200B, U+FEFF,
# U+061C), spreadsheet formulas, 100 kB names, times at INT64_MAX,
# INT64_MIN, -1, after 9999 and as text, and 20,000 rows of it, beside a
# few real rows.  Every reader that prints it (report -o text, csv and
# json, --once and the replay's --once in each format) must exit, put no
# escape, control, C1, bidi or invisible byte on stdout, keep CSV and
# JSON valid, and report the real rows over a window taken from them.
# Bounded: one file of a few MB, each command under a few seconds.

. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
mktmpdir
T=$TEST_TMPDIR
TZ=UTC
PEERTOP_DATADIR="$top_srcdir/data"
export TZ PEERTOP_DATADIR
db="$T/history.db"

# A history as a live peertop makes it (its schema, its run row).
printf 'database "%s"\n' "$db" >"$T/peertop.conf"
"$PEERTOP" -H -c "$T/peertop.conf" -l "$T/log" &
hpid=$!
at_exit "kill $hpid 2>/dev/null"
wait_for "sqlite3 -readonly '$db' 'SELECT count(*) FROM run' | grep -qx 1" 10
kill "$hpid"
wait "$hpid"

# 10:00 = 1795600800000.  The real rows: s-real up 10:00-10:45, p-real
# REDUNDANT from 10:00, one SessionDown at 10:45, one latency sample.
# Bad strings: $esc (escapes, BEL, C1), $bidi (bidi and invisible), a
# formula, a huge name; bad times: the 64-bit ends, -1, 9999-12-31 + 1
# ms and text.
esc="'ev'||char(27)||']0;pwned'||char(7)||'il'||char(27)||'[2J'||char(155)||'x'"
bidi="'b'||char(8238)||'di'||char(8294)||'z'||char(8203)||'w'||char(65279)||char(1564)||'.exe'"
huge="replace(hex(zeroblob(50000)), '00', 'A'||char(27))"
max=9223372036854775807
min=-9223372036854775808
sqlite3 "$db" "
INSERT INTO session_state (time_ms, session, old_state, state) VALUES
 (1795600800000, 's-real', 'Idle', 'Established'),
 (1795603500000, 's-real', 'Established', 'Idle'),
 (1795601100000, $esc, 'Idle', 'Established'),
 (1795601100000, $bidi, 'Idle', $esc),
 (1795601100000, '=HYPERLINK(\"http://x\")', 'Idle', 'Established'),
 (1795601100000, $huge, 'Idle', 'Established'),
 ($max, 's-real', 'Idle', 'Established'),
 ($min, 's-real', 'Established', 'Idle'),
 (-1, 's-real', 'Established', 'Idle'),
 (253402300800000, 's-real', 'Idle', 'Active'),
 ('soon', 's-real', 'Idle', 'Active');
INSERT INTO redundancy_state (time_ms, partner, old_state, state) VALUES
 (1795600800000, 'p-real', NULL, 'REDUNDANT'),
 (1795601100000, $bidi, NULL, $esc),
 ($max, 'p-real', 'REDUNDANT', 'DOWN');
INSERT INTO events (time_ms, type, level, subject, summary, details) VALUES
 (1795603500000, 'SessionDown', 'Error', 's-real', 'down', NULL),
 (1795601400000, $esc, 'Error', $bidi, $esc, $bidi||char(10)||$esc),
 (1795601400000, '@SUM(1)', 'Warning', '-1', '+1', $huge),
 ($max, 'Bogus', 'Error', 'x', 'y', 'z'),
 ($min, 'Bogus', 'Error', 'x', 'y', 'z');
INSERT INTO latency_sample (time_ms, branch, edge, target, source, rtt_us)
 VALUES (1795601000000, 'hq', 'sea', 't-real', 'probe', 12000),
 (1795601000000, $bidi, $esc, $huge, $esc, 1000),
 ($max, 'hq', 'sea', 't-real', 'probe', 1),
 (1795603680000, 'hq', 'sea', $esc||$bidi||char(13), 'agent', 5000);
INSERT INTO latency_minute VALUES
 (1795600980000, 'hq', 'sea', 't-real', 1, 1, 12000, 12000, 12000, 144000000),
 ($max - 7, 'hq', 'sea', 't-real', 1, 1, 1, 1, 1, 1);
INSERT INTO prefix_state (time_ms, branch, prefix, flags, primary_up,
 primary_total, backup_up, backup_total, best_path, problem) VALUES
 (1795601100000, $bidi, $esc, 0, 1, 1, 0, 0, $esc, $bidi),
 ($max, 'hq', '192.0.2.0/24', 0, 1, 1, 0, 0, NULL, NULL);
INSERT INTO branch_route (time_ms, branch, routed_edge, suboptimal) VALUES
 (1795601100000, $esc, $bidi, 1),
 ($min, 'hq', 'sea', 0);
INSERT INTO run (start_ms, last_ms, version, config_path, config) VALUES
 (1795600000000, $max, $esc, $bidi, $esc);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
 WHERE i < 20000)
INSERT INTO events (time_ms, type, level, subject, summary, details)
 SELECT CASE i % 4 WHEN 0 THEN $max WHEN 1 THEN 1795601400000 + i
 WHEN 2 THEN -i ELSE 1795601400000 END,
 $esc || i, 'Error', $bidi, $esc, $bidi FROM n;" ||
    { not_ok "sqlite3 builds the hostile history"; summary; }

# No C0 control but newline, no DEL, C1, bidi or invisible character.
bad=$(printf '[\001-\010\013-\037\177]|\302[\200-\237]|\342\200[\213-\217\250-\256]|\342\201[\246-\251]|\357\273\277|\330\234')
clean() {
	! LC_ALL=C grep -Eq "$bad" "$1"
}

# report, each format: exits 0, clean, the real rows over their window.
for fmt in text csv json; do
	out="$T/report.$fmt"
	timeout 30 "$PEERTOP" report "$db" -o "$fmt" >"$out" 2>"$T/err"
	check "report -o $fmt exits 0" test $? -eq 0
	check "report -o $fmt: no escape, control or bidi byte" clean "$out"
	check "report -o $fmt: the ignored rows said on stderr" \
	    grep -q 'rows timed outside 1970-9999 ignored' "$T/err"
done
check "text: the window starts at the oldest real row, ends in 20xx" \
    grep -Eq '^Window  2026-11-25 10:00:00 UTC - 20[0-9][0-9]-' \
    "$T/report.text"
check "text: the rows left out are counted" grep -Eq \
    '^Ignored [0-9]+ rows timed outside 1970-9999' "$T/report.text"
check "text: the hostile name shown, escapes as '?'" grep -q \
    '^ev?\]0;pwned?il?\[2J??x ' "$T/report.text"

"$PEERTOP" report "$db" --since 2026-11-25T10:00:00Z \
    --until 2026-11-25T11:00:00Z -o csv >"$T/window.csv" 2>"$T/err"
check "csv: s-real 75% available with one flap, as before the attack" \
    grep -qx 'session,s-real,75.000,100.000,1,2700.000,0.000' \
    "$T/window.csv"
check "csv: p-real REDUNDANT all hour (its INT64_MAX DOWN ignored)" \
    grep -qx 'partner,p-real,3600.000,0.000,0.000,0.000,0.000,0.000' \
    "$T/window.csv"
check "csv: the formula is text" grep -q \
    '^session,"'"'"'=HYPERLINK(""http://x"")",' "$T/window.csv"
check "csv: the real SessionDown counted, not the bogus ones" sh -c \
    "grep -q '^event,SessionDown,Error,1,' '$T/window.csv' &&
    ! grep -q '^event,Bogus' '$T/window.csv'"

if command -v python3 >/dev/null 2>&1; then
	check "csv: every row as long as its section's title" python3 - \
	    "$T/report.csv" <<'PY'
import csv, sys
width = None
for row in csv.reader(open(sys.argv[1], newline="", encoding="utf-8")):
    if not row:
        width = None
        continue
    if row[0] == "section":
        width = len(row)
    elif width is None or len(row) != width:
        sys.exit("row %r: %d fields, title %s" % (row[:2], len(row), width))
PY
	check "json parses" python3 -c \
	    "import json,sys; json.load(open(sys.argv[1]))" "$T/report.json"
fi

# --once reads the newest events of the history; the replay's --once
# shows the file as it was: both print them, in every format.  The replay
# knows branch hq, so the hostile latency target becomes a link it shows.
cat "$T/peertop.conf" - >"$T/replay.conf" <<'CONF'
ingest listen 127.0.0.1 port 9
branch "hq" {
	address 192.0.2.10
	location 47.6 -122.3
}
CONF
for fmt in text csv json; do
	timeout 30 "$PEERTOP" --once -c "$T/peertop.conf" -o "$fmt" \
	    >"$T/once.$fmt" 2>"$T/err"
	rc=$?
	check "--once -o $fmt ends (status $rc)" test "$rc" -le 2
	check "--once -o $fmt: no escape, control or bidi byte" \
	    clean "$T/once.$fmt"
	timeout 30 "$PEERTOP" -r "$db" -c "$T/replay.conf" --once \
	    -e 2026-11-25T10:50:00Z -o "$fmt" >"$T/replay.$fmt" 2>"$T/err"
	rc=$?
	check "replay --once -o $fmt ends (status $rc)" test "$rc" -le 2
	check "replay --once -o $fmt: no escape, control or bidi byte" \
	    clean "$T/replay.$fmt"
done
check "replay --once -o text shows the hostile target, cleaned" grep -q \
    'ev?\]0;pwned?il?\[2J??xb?di?z?w??\.exe?' "$T/replay.text"
check "replay --once -o json escapes no control character either" sh -c \
    "! grep -q '\\\\u00[01]' '$T/replay.json'"
check "--once shows the hostile events, cleaned" grep -q \
    'ev?\]0;pwned?il?\[2J??x' "$T/once.text"

summary
