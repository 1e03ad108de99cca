#!/bin/sh
# SPDX-License-Identifier: ISC
# The history schema as an interface (man/schema.mdoc):
#  - a file made by the real binary (peertop -H) has exactly the tables,
#    columns and indexes the page documents, so the page cannot drift;
#  - every example query of the page (each marked by a
#    '.\" example: NAME' line before its .Bd -literal block) is taken
#    from the page as it is and run with sqlite3 -readonly on a history
#    built here, its output compared with the one below.

. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
mktmpdir
T=$TEST_TMPDIR
page="$top_srcdir/man/schema.mdoc"
db="$T/history.db"
PEERTOP_DATADIR="$top_srcdir/data"
export PEERTOP_DATADIR

# A new history, as a live peertop creates it.
printf 'database "%s"\n' "$db" >"$T/peertop.conf"
"$PEERTOP" -H -c "$T/peertop.conf" -l "$T/log" &
hpid=$!
at_exit "kill $hpid 2>/dev/null"
wait_for "sqlite3 -readonly '$db' 'SELECT count(*) FROM run' | grep -qx 1" 10
check "peertop -H made a history with its run row" \
    sh -c "sqlite3 -readonly '$db' 'SELECT count(*) FROM run' | grep -qx 1"
kill "$hpid"
wait "$hpid"
check "peertop -H exits 0 on SIGTERM" test $? -eq 0

# A headless collector whose history cannot be opened does not run
# without it (the dashboard goes on with a warning): it says why.
printf 'database "%s"\n' "$T/no-such-dir/history.db" >"$T/bad.conf"
timeout 10 "$PEERTOP" -H -c "$T/bad.conf" -l "$T/bad.log" 2>"$T/bad.err"
rc=$?
check "peertop -H without its history exits 1 (got $rc)" test "$rc" -eq 1
check "... and names the file" grep -q "no-such-dir/history.db" "$T/bad.err"

# --------------------------------------------- the page against the file
# "table T", "column T C" and "index I" for what the page documents: the
# .It Li entries of the Tables list (depth 1: tables, depth 2: columns,
# several per entry as ".It Li a , b , c"), and of the Indexes list.
awk '
/^\.Ss / { sec = substr($0, 5); depth = 0; next }
sec == "Tables" && /^\.Bl/ { depth++; next }
sec == "Tables" && /^\.El/ { depth--; next }
sec == "Tables" && /^\.It Li / {
	n = split(substr($0, 8), w, " ")
	if (depth == 1) { table = w[1]; print "table " table; next }
	for (i = 1; i <= n; i++) {
		if (w[i] == ",")
			continue
		if (w[i] ~ /^[A-Z][a-z]$/)	# a macro: No, Ns
			break
		if (depth == 2)
			print "column " table " " w[i]
	}
}
sec == "Indexes" && /^\.It Li / { print "index " $3 }
' "$page" | sort -u >"$T/documented"
sqlite3 -readonly "$db" "
SELECT 'table ' || name FROM sqlite_master
 WHERE type = 'table' AND name NOT LIKE 'sqlite_%';
SELECT 'column ' || m.name || ' ' || p.name
  FROM sqlite_master AS m, pragma_table_info(m.name) AS p
 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%';
SELECT 'index ' || name FROM sqlite_master
 WHERE type = 'index' AND name NOT LIKE 'sqlite_%';" | sort -u >"$T/actual"
check "the page lists tables, columns and indexes" \
    test "$(grep -c '^column ' "$T/documented")" -gt 50
comm -23 "$T/actual" "$T/documented" >"$T/undocumented"
comm -13 "$T/actual" "$T/documented" >"$T/stale"
check "every table, column and index of a new file is documented" \
    test ! -s "$T/undocumented"
[ -s "$T/undocumented" ] && diag "undocumented: $(tr '\n' ';' <"$T/undocumented")"
check "everything documented exists in a new file" test ! -s "$T/stale"
[ -s "$T/stale" ] && diag "not in the file: $(tr '\n' ';' <"$T/stale")"
check "the page's version is the file's" grep -q \
    "holds the schema version, currently $(sqlite3 -readonly "$db" \
    'PRAGMA user_version')\." "$page"

# ------------------------------------------------ the constructed history
# 25 November 2026 (UTC), recorded by two runs: 00:00-12:00 and
# 12:10-23:59:50 (its last heartbeat).  sea-r1 Established from the day
# before, down 03:10-03:25 (Hold timer) and Active 18:00-18:30: 45
# minutes of the day, its collector lost 20:00-20:30 (Unknown: no data,
# no flap), seen Established again by the second run at 12:10 (the
# writer's Unknown -> Established; no flap): 96.79% of the 97.21% of the
# day with data, the 10 minutes and 10 seconds without a run being no
# data either.  lax-r1 one flap at 12:00, its rows at the first run's
# last heartbeat and between the runs (holding nothing).  p1 DEGRADED
# while sea-r1 is down; p2 first seen at 06:00; both seen again at
# 12:10.  Latency of hq: samples from 10:00 (sea 10-18 ms, one lost; lax
# 20 and 22 ms), a minute row at 09:30 whose samples are pruned, an hour
# row at 08:00 whose minutes are.  A prefix losing its primaries and the
# branch's routed edge, neither recorded by the second run: no data from
# noon on.  Both SessionDowns acknowledged: sea-r1's after 5 minutes by
# alice (resolved at 03:25), lax-r1's after 2 by bob (never resolved: the
# second run's start ends it).
ms() {	# "YYYY-MM-DD HH:MM:SS" -> SQL for its epoch milliseconds
	echo "(strftime('%s','$1') * 1000)"
}
sqlite3 "$db" "
DELETE FROM run;
UPDATE meta SET value = '2026-11-25 00:00:00' WHERE key = 'created_at';
UPDATE meta SET value = 'peertop 0.1.0' WHERE key = 'created_by';
INSERT INTO session_state (time_ms, session, partner, edge, role,
    old_state, state, last_error) VALUES
 ($(ms '2026-11-24 23:00:00'), 'sea-r1', 'p1', 'sea', 'primary', NULL,
  'Established', NULL),
 ($(ms '2026-11-25 03:10:00'), 'sea-r1', 'p1', 'sea', 'primary',
  'Established', 'Idle', 'Hold timer expired'),
 ($(ms '2026-11-25 03:25:00'), 'sea-r1', 'p1', 'sea', 'primary', 'Idle',
  'Established', NULL),
 ($(ms '2026-11-25 18:00:00'), 'sea-r1', 'p1', 'sea', 'primary',
  'Established', 'Active', 'Connection refused'),
 ($(ms '2026-11-25 18:30:00'), 'sea-r1', 'p1', 'sea', 'primary', 'Active',
  'Established', NULL),
 ($(ms '2026-11-25 20:00:00'), 'sea-r1', 'p1', 'sea', 'primary',
  'Established', 'Unknown', NULL),
 ($(ms '2026-11-25 20:30:00'), 'sea-r1', 'p1', 'sea', 'primary', 'Unknown',
  'Established', NULL),
 ($(ms '2026-11-25 12:10:00'), 'sea-r1', 'p1', 'sea', 'primary', 'Unknown',
  'Established', NULL),
 ($(ms '2026-11-25 12:00:00'), 'lax-r1', 'p2', 'lax', 'backup',
  'Established', 'Idle', NULL),
 ($(ms '2026-11-25 12:05:00'), 'lax-r1', 'p2', 'lax', 'backup', 'Idle',
  'Established', NULL);
INSERT INTO redundancy_state (time_ms, partner, old_state, state, reason)
 VALUES
 ($(ms '2026-11-24 22:00:00'), 'p1', NULL, 'REDUNDANT', 'all up'),
 ($(ms '2026-11-25 03:10:00'), 'p1', 'REDUNDANT', 'DEGRADED',
  'sea-r1 down'),
 ($(ms '2026-11-25 03:25:00'), 'p1', 'DEGRADED', 'REDUNDANT', 'all up'),
 ($(ms '2026-11-25 06:00:00'), 'p2', NULL, 'REDUNDANT', 'all up'),
 ($(ms '2026-11-25 12:10:00'), 'p1', 'UNKNOWN', 'REDUNDANT', 'all up'),
 ($(ms '2026-11-25 12:10:00'), 'p2', 'UNKNOWN', 'REDUNDANT', 'all up');
INSERT INTO events (time_ms, type, level, subject, summary) VALUES
 ($(ms '2026-11-25 03:10:00'), 'SessionDown', 'Error', 'session sea-r1',
  'sea-r1 down: Hold timer expired'),
 ($(ms '2026-11-25 03:10:00'), 'RedundancyDegraded', 'Warning',
  'partner p1', 'p1 DEGRADED'),
 ($(ms '2026-11-25 03:25:00'), 'SessionUp', 'Information',
  'session sea-r1', 'sea-r1 up'),
 ($(ms '2026-11-25 03:25:00'), 'RedundancyRestored', 'Information',
  'partner p1', 'p1 REDUNDANT'),
 ($(ms '2026-11-25 03:40:00'), 'LatencyHigh', 'Warning', 'branch hq',
  'hq sea 80 ms'),
 ($(ms '2026-11-25 12:00:00'), 'SessionDown', 'Error', 'session lax-r1',
  'lax-r1 down');
INSERT INTO event_ack (event_id, time_ms, user, comment) VALUES
 (1, $(ms '2026-11-25 03:15:00'), 'alice', 'hold timer, ticket 42'),
 (6, $(ms '2026-11-25 12:02:00'), 'bob', '');
INSERT INTO latency_sample (time_ms, branch, edge, target, source, rtt_us)
 VALUES
 ($(ms '2026-11-25 10:00:00'), 'hq', 'sea', '192.0.2.10', 'probe', 10000),
 ($(ms '2026-11-25 10:00:10'), 'hq', 'sea', '192.0.2.10', 'probe', 12000),
 ($(ms '2026-11-25 10:00:20'), 'hq', 'sea', '192.0.2.10', 'probe', 14000),
 ($(ms '2026-11-25 10:00:30'), 'hq', 'sea', '192.0.2.10', 'probe', NULL),
 ($(ms '2026-11-25 10:00:40'), 'hq', 'sea', '192.0.2.10', 'probe', 16000),
 ($(ms '2026-11-25 10:00:50'), 'hq', 'sea', '192.0.2.10', 'probe', 18000),
 ($(ms '2026-11-25 10:00:00'), 'hq', 'lax', '192.0.2.20', 'probe', 20000),
 ($(ms '2026-11-25 10:00:30'), 'hq', 'lax', '192.0.2.20', 'probe', 22000);
INSERT INTO latency_minute SELECT time_ms / 60000 * 60000, branch, edge,
 target, count(*), count(rtt_us), min(rtt_us), max(rtt_us),
 coalesce(sum(rtt_us), 0), coalesce(sum(rtt_us * rtt_us), 0)
 FROM latency_sample GROUP BY 1, 2, 3, 4;
INSERT INTO latency_minute VALUES ($(ms '2026-11-25 09:30:00'), 'hq', 'sea',
 '192.0.2.10', 6, 6, 15000, 15000, 90000, 1350000000);
INSERT INTO latency_hour SELECT minute_ms / 3600000 * 3600000, branch,
 edge, target, sum(sent), sum(received), min(rtt_min_us), max(rtt_max_us),
 sum(rtt_sum_us), sum(rtt_sumsq_us2) FROM latency_minute
 GROUP BY 1, 2, 3, 4;
INSERT INTO latency_hour VALUES ($(ms '2026-11-25 08:00:00'), 'hq', 'sea',
 '192.0.2.10', 360, 357, 9000, 13000, 3927000, 43197000000);
INSERT INTO prefix_state (time_ms, branch, prefix, origin, flags,
    primary_up, primary_total, backup_up, backup_total, best_origin,
    best_path, best_session, carried, problem) VALUES
 ($(ms '2026-11-25 10:00:00'), 'hq', '203.0.113.0/24', 64500, 0, 2, 2, 1, 1,
  64500, '12076 64500', 'sea-r1', 'sea-r1 sea-r2 lax-r1', NULL),
 ($(ms '2026-11-25 10:30:00'), 'hq', '203.0.113.0/24', 64500, 2048, 0, 2, 1,
  1, 64500, '12076 64500', 'lax-r1', 'lax-r1',
  'not on every primary session'),
 ($(ms '2026-11-25 10:45:00'), 'hq', '198.51.100.0/24', 64500, 0, 2, 2, 1,
  1, 64500, '12076 64500', 'sea-r1', 'sea-r1 sea-r2 lax-r1', NULL);
INSERT INTO branch_route (time_ms, branch, routed_edge, suboptimal) VALUES
 ($(ms '2026-11-25 10:00:00'), 'hq', 'sea', 0),
 ($(ms '2026-11-25 11:00:00'), 'hq', 'lax', 1),
 ($(ms '2026-11-25 12:00:00'), 'hq', NULL, 0);
INSERT INTO run (start_ms, last_ms, version, config_path, config) VALUES
 ($(ms '2026-11-25 00:00:00'), $(ms '2026-11-25 12:00:00'), '0.1.0',
  '/etc/peertop.conf', 'database \"/var/lib/peertop/history.db\"'),
 ($(ms '2026-11-25 12:10:00'), $(ms '2026-11-25 23:59:50'), '0.1.0',
  '/etc/peertop.conf', 'database \"/var/lib/peertop/history.db\"');" ||
    { not_ok "sqlite3 builds the history"; summary; }

# ------------------------------------------------------- the examples
# Each marked block as plain SQL: mdoc's \e is a backslash, \& nothing.
mkdir "$T/ex"
awk -v dir="$T/ex" '
/^\.\\" example: / { name = $3; next }
name != "" && /^\.Bd -literal/ { out = dir "/" name ".sql"; next }
out != "" && /^\.Ed/ { close(out); out = ""; name = ""; next }
out != "" { gsub(/\\e/, "\\"); gsub(/\\&/, ""); print > out }
' "$page"

expect() {	# name, then the expected output on stdin
	cat >"$T/ex/$1.want"
}
expect events-window <<'EOF'
2026-11-25 03:10:00|Error|SessionDown|sea-r1 down: Hold timer expired
2026-11-25 03:10:00|Warning|RedundancyDegraded|p1 DEGRADED
2026-11-25 03:25:00|Information|SessionUp|sea-r1 up
2026-11-25 03:25:00|Information|RedundancyRestored|p1 REDUNDANT
EOF
expect events-by-level <<'EOF'
Error|SessionDown|2|2026-11-25 03:10:00|2026-11-25 12:00:00
Warning|LatencyHigh|1|2026-11-25 03:40:00|2026-11-25 03:40:00
Warning|RedundancyDegraded|1|2026-11-25 03:10:00|2026-11-25 03:10:00
Information|RedundancyRestored|1|2026-11-25 03:25:00|2026-11-25 03:25:00
Information|SessionUp|1|2026-11-25 03:25:00|2026-11-25 03:25:00
EOF
expect acknowledged <<'EOF'
2026-11-25 03:10:00|Error|session sea-r1|alice|300|hold timer, ticket 42
2026-11-25 12:00:00|Error|session lax-r1|bob|120|
EOF
expect session-changes <<'EOF'
2026-11-24 23:00:00||Established|
2026-11-25 03:10:00|Established|Idle|Hold timer expired
2026-11-25 03:25:00|Idle|Established|
2026-11-25 12:10:00|Unknown|Established|
2026-11-25 18:00:00|Established|Active|Connection refused
2026-11-25 18:30:00|Active|Established|
2026-11-25 20:00:00|Established|Unknown|
2026-11-25 20:30:00|Unknown|Established|
EOF
expect gaps <<'EOF'
2026-11-25 12:00:00|2026-11-25 12:10:00
2026-11-25 23:59:50|open
EOF
expect session-availability <<'EOF'
96.79|97.21
EOF
expect flaps <<'EOF'
sea-r1|2
lax-r1|1
EOF
expect redundancy-time <<'EOF'
p1|REDUNDANT|84890
p1|DEGRADED|900
p2|REDUNDANT|64190
EOF
expect redundancy-lost <<'EOF'
2026-11-25 03:10:00|p1|REDUNDANT|DEGRADED|sea-r1 down
EOF
expect latency-minutes <<'EOF'
sea|192.0.2.10|6|16.7|14.0|10.0|18.0
lax|192.0.2.20|2|0.0|21.0|20.0|22.0
EOF
expect latency-hours <<'EOF'
2026-11-25 08:00:00|hq|360|0.83|11.0
2026-11-25 09:00:00|hq|6|0.0|15.0
2026-11-25 10:00:00|hq|8|12.5|16.0
EOF
expect latency-chain <<'EOF'
hq|lax|192.0.2.20|2|0.0|21.0
hq|sea|192.0.2.10|372|1.08|11.11
EOF
expect prefix-changes <<'EOF'
2026-11-25 10:00:00|hq|2/2|1/1|0|
2026-11-25 10:30:00|hq|0/2|1/1|2048|not on every primary session
EOF
expect routes <<'EOF'
2026-11-25 10:00:00|hq|sea|0
2026-11-25 11:00:00|hq|lax|1
2026-11-25 12:00:00|hq|?|0
EOF
expect runs <<'EOF'
1|2026-11-25 00:00:00|2026-11-25 12:00:00|600|/etc/peertop.conf
2|2026-11-25 12:10:00|2026-11-25 23:59:50||/etc/peertop.conf
EOF
expect version <<'EOF'
7
created_at|2026-11-25 00:00:00
created_by|peertop 0.1.0
EOF

before=$(cksum <"$db")
for want in "$T"/ex/*.want; do
	name=$(basename "$want" .want)
	if [ ! -f "$T/ex/$name.sql" ]; then
		not_ok "example $name: not in the page"
		continue
	fi
	sqlite3 -readonly -batch "$db" <"$T/ex/$name.sql" >"$T/ex/$name.out" \
	    2>&1
	if cmp -s "$want" "$T/ex/$name.out"; then
		ok "example $name"
	else
		not_ok "example $name"
		diff "$want" "$T/ex/$name.out" | sed 's/^/# /'
	fi
done
for sql in "$T"/ex/*.sql; do
	name=$(basename "$sql" .sql)
	[ -f "$T/ex/$name.want" ] || not_ok "example $name: no expected output"
done
check "the page has the examples" \
    test "$(ls "$T"/ex/*.sql | wc -l)" -ge 15
check "the examples leave the file's bytes unchanged" \
    test "$(cksum <"$db")" = "$before"

# The same history through peertop report: the page's availability.
"$PEERTOP" report "$db" --since 2026-11-25T00:00Z --until 2026-11-26T00:00Z \
    -o csv >"$T/report.csv" 2>"$T/err"
check "report agrees with the availability example" grep -qx \
    'session,sea-r1,96.785,97.211,2,81290.000,610.000' "$T/report.csv"
check "report agrees with the redundancy example" grep -qx \
    'partner,p1,84890.000,900.000,0.000,0.000,0.000,610.000' "$T/report.csv"
check "report: p2 no data before 06:00 and between the runs" grep -qx \
    'partner,p2,64190.000,0.000,0.000,0.000,0.000,22210.000' "$T/report.csv"
check "report: the prefix on its primaries 10:00-10:30, backup to noon" \
    grep -qx 'prefix,hq,203.0.113.0/24,2.083,8.333,1800.000,7200.000,'\
'1800.000,7200.000,5400.000,0.000,79200.000,2' "$T/report.csv"
check "report: hq suboptimal through lax for an hour, no data from noon" \
    grep -qx 'route,hq,3600.000,79200.000' "$T/report.csv"
check "report: hq's route lost at the first run's end holds no time" \
    sh -c "! grep -q '^route_edge,hq,unknown,' '$T/report.csv'"
check "report: lax-r1's rows at and between the runs' edges hold nothing" \
    grep -qx 'session,lax-r1,,0.000,1,0.000,86400.000' "$T/report.csv"
check "report: two runs, 10 minutes and 10 seconds without one" grep -q \
    '^report,.*,86400.000,2,610.000,0$' "$T/report.csv"
check "report agrees with the acknowledged example: two Error problems" \
    grep -qx 'problems,Error,2,2,210.000,300.000,1,900.000,900.000,0,1' \
    "$T/report.csv"

summary
