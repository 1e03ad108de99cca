#!/bin/sh
# SPDX-License-Identifier: ISC
# --once against a recorded BIRD reply: the text and JSON outputs are
# diffed against checked-in expectations (times masked), the CSV read
# back and compared with the JSON, and the exit status, -n and option
# errors are checked.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=$top_srcdir/peertop}"
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"

mktmpdir
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
sed -e "s|@TOP@|$top_srcdir|g" -e "s|@TMP@|$TEST_TMPDIR|g" \
    "$top_srcdir/tests/once/once.conf.in" >"$TEST_TMPDIR/once.conf"
python3 "$top_srcdir/tests/once/fake-bird.py" "$TEST_TMPDIR/a.ctl" \
    "$top_srcdir/tests/data/bird/a-states.txt" &
fake=$!
at_exit "kill $fake 2>/dev/null"
wait_for "test -S '$TEST_TMPDIR/a.ctl'" 5 || not_ok "fake BIRD socket"

# Mask what changes from run to run: wall clock, ages, durations.
mask() {
	sed -E -e "s|$TEST_TMPDIR|TMP|g" \
	    -e 's/"(generated|time)": "[^"]*"/"\1": "T"/g' \
	    -e 's/"age_s": [0-9]+/"age_s": 0/g' \
	    -e 's/("detail": "bird [^"]* up )[0-9dhms]+"/\1D"/' \
	    -e 's/^peertop ([A-Z]+) at .*/peertop \1 at T/' \
	    -e 's/^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC (Information|Warning|Error|Critical)/T \1/' \
	    -e 's/ (Established|Active|Idle|OpenSent|Connect|Passive) +[0-9dhms]+ +/ \1 D /' \
	    -e 's/^(bird .* (up|down|starting) +)[0-9dhms]+/\1D/'
}

"$PEERTOP" --once -o json -c "$TEST_TMPDIR/once.conf" >"$TEST_TMPDIR/out.json" \
    2>"$TEST_TMPDIR/err"
rc=$?
check "--once exits 2 (a partner DOWN is critical)" test "$rc" -eq 2
mask <"$TEST_TMPDIR/out.json" >"$TEST_TMPDIR/json"
if diff -u "$top_srcdir/tests/once/expected.json" "$TEST_TMPDIR/json"; then
	ok "--once -o json matches tests/once/expected.json"
else
	not_ok "--once -o json matches tests/once/expected.json"
fi
check "JSON parses" python3 -c "import json,sys; json.load(open(sys.argv[1]))" \
    "$TEST_TMPDIR/out.json"

# A decimal-comma locale must change neither what is read (edge
# catalogue, config coordinates) nor the JSON numbers.  Built with
# localedef into the temp dir, as the machine may have no such locale.
if command -v localedef >/dev/null &&
    localedef -i de_DE -f UTF-8 "$TEST_TMPDIR/de_DE.UTF-8" >/dev/null 2>&1 &&
    [ "$(env LOCPATH="$TEST_TMPDIR" LC_ALL=de_DE.UTF-8 printf '%.1f' 1.5 \
    2>/dev/null)" = "1,5" ]; then
	LOCPATH=$TEST_TMPDIR LC_ALL=de_DE.UTF-8 "$PEERTOP" --once -o json \
	    -c "$TEST_TMPDIR/once.conf" >"$TEST_TMPDIR/de.json" 2>/dev/null
	check "de_DE locale: --once still exits 2" test $? -eq 2
	check "de_DE locale: JSON parses" python3 -c \
	    "import json,sys; json.load(open(sys.argv[1]))" \
	    "$TEST_TMPDIR/de.json"
else
	# The locale sources come with Debian's "locales" (quickstart's test
	# packages); without them this check cannot run, and says so.
	not_ok "de_DE locale built for the decimal-comma check (localedef or the locales package is missing)"
fi

"$PEERTOP" --once -c "$TEST_TMPDIR/once.conf" 2>/dev/null | mask \
    >"$TEST_TMPDIR/text"
if diff -u "$top_srcdir/tests/once/expected.txt" "$TEST_TMPDIR/text"; then
	ok "--once -o text matches tests/once/expected.txt"
else
	not_ok "--once -o text matches tests/once/expected.txt"
fi

# People's times carry their zone: the header and the events in local
# time (New York's, as a POSIX TZ so no tzdata is needed), or in UTC with
# --utc; JSON stays ISO 8601 in UTC.
TZ=EST5EDT,M3.2.0,M11.1.0 "$PEERTOP" --once -c "$TEST_TMPDIR/once.conf" \
    >"$TEST_TMPDIR/ny" 2>/dev/null
check "TZ=New York: the header's time names its zone" grep -Eq \
    '^peertop [A-Z]+ at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} E[SD]T$' \
    "$TEST_TMPDIR/ny"
check "TZ=New York: each event's time names its zone" grep -Eq \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} E[SD]T Critical ' "$TEST_TMPDIR/ny"
TZ=EST5EDT,M3.2.0,M11.1.0 "$PEERTOP" --once --utc \
    -c "$TEST_TMPDIR/once.conf" >"$TEST_TMPDIR/utc" 2>/dev/null
check "--utc: the header in UTC" grep -Eq \
    '^peertop [A-Z]+ at [0-9-]{10} [0-9:]{8} UTC$' "$TEST_TMPDIR/utc"
check "--utc: no local zone left" sh -c \
    "! grep -Eq ' E[SD]T( |\$)' '$TEST_TMPDIR/utc'"
# BIRD writes its local time: 19:05:40 in New York is 00:05:40Z.
TZ=EST5EDT,M3.2.0,M11.1.0 "$PEERTOP" --once -o json \
    -c "$TEST_TMPDIR/once.conf" >"$TEST_TMPDIR/ny.json" 2>/dev/null
check "TZ=New York: JSON times stay UTC with a Z" grep -q \
    '"redundancy": "DOWN", .*"since": "2026-11-26T00:05:40Z"}' \
    "$TEST_TMPDIR/ny.json"

# CSV: RFC 4180 as Python's csv module reads it, every row as long as its
# section's title row, and the same sessions, partners and events as the
# JSON of the same model.
"$PEERTOP" --once -o csv -c "$TEST_TMPDIR/once.conf" >"$TEST_TMPDIR/out.csv" \
    2>/dev/null
check "--once -o csv exits 2 too" test $? -eq 2
check "--once -o csv has the JSON's tables and rows" python3 - \
    "$TEST_TMPDIR/out.csv" "$TEST_TMPDIR/out.json" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
doc = json.load(open(sys.argv[2]))
tables, title = {}, None
for r in rows:
    if not r:
        title = None
        continue
    if r[0] == "section":
        title = r
        continue
    assert title is not None and len(r) == len(title), (title, r)
    tables.setdefault(r[0], []).append(dict(zip(title[1:], r[1:])))
assert tables["status"][0]["status"] == doc["status"]
for name, key in (("session", "sessions"), ("partner", "partners"),
                  ("collector", "collectors"), ("branch", "branches")):
    got = [(t[name], t.get("state", t.get("redundancy"))) for t in tables[name]]
    want = [(o["name"], o.get("state", o.get("redundancy")))
            for o in doc[key]]
    assert got == want, (name, got, want)
assert [e["type"] for e in tables["event"]] == \
    [e["type"] for e in doc["events"]]
assert len(tables.get("prefix", [])) == \
    sum(len(b["prefixes"]) for b in doc["branches"])
PY

# -n: OK, and an error with file:line:column and exit 1.
check "-n accepts the config" "$PEERTOP" -n -c "$TEST_TMPDIR/once.conf"
printf 'partner "x" as 1 {\n\tsesion "s"\n}\n' >"$TEST_TMPDIR/bad.conf"
out=$("$PEERTOP" -n -c "$TEST_TMPDIR/bad.conf" 2>&1)
rc=$?
check "-n exits 1 on an error" test "$rc" -eq 1
case "$out" in
"$TEST_TMPDIR/bad.conf:2:2: "*) ok "-n names file:line:column ($out)" ;;
*) not_ok "-n names file:line:column (got: $out)" ;;
esac

check "the shipped example config is valid" \
    "$PEERTOP" -n -c "$top_srcdir/data/peertop.conf.example"

# A collector name longer than the column ("notify NAME/KIND"): the
# column widens, the STATE column stays aligned.
cp "$TEST_TMPDIR/once.conf" "$TEST_TMPDIR/long.conf"
printf 'notify "night-shift-oncall" {\n\tlevel critical\n\twebhook "http://127.0.0.1:9/x" format json\n}\n' \
    >>"$TEST_TMPDIR/long.conf"
"$PEERTOP" --once -c "$TEST_TMPDIR/long.conf" >"$TEST_TMPDIR/long.txt" \
    2>/dev/null
check "--once: the collector column as wide as its longest name" awk '
    /^COLLECTOR / { col = index($0, "STATE") }
    /^notify night-shift-oncall\/webhook / { row = $0 }
    END { exit !(col > 0 && row != "" &&
        substr(row, col - 1, 2) ~ /^ [a-z]/) }' "$TEST_TMPDIR/long.txt"

# Options.
"$PEERTOP" --help >"$TEST_TMPDIR/help" 2>&1
check "--help exits 0" test $? -eq 0
check "--help lists --once" grep -q -- "--once" "$TEST_TMPDIR/help"
"$PEERTOP" --once -o xml -c "$TEST_TMPDIR/once.conf" >/dev/null 2>&1
check "unknown -o is a usage error (2)" test $? -eq 2
"$PEERTOP" --bogus >/dev/null 2>&1
check "unknown option is a usage error (2)" test $? -eq 2
summary
