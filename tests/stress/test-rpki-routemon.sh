#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The route monitor's RPKI judgements under VRP churn (issue 16), in a
# headless peertop with no routes and no ports: 200 registered prefixes,
# an rpki file source checked every 100 ms, and its file replaced 24
# times, every 250 ms, swapping which half of the prefixes has a ROA
# (the even prefixes in even versions, the odd ones in odd versions),
# with 20,000 unrelated VRPs around them.  Each change reaches the
# monitor as a diff: ROAChanged for each prefix whose ROA came or went,
# and PrefixRPKINotFound / PrefixRPKINotFoundResolved for exactly those
# prefixes.  In the history at the end: every prefix's last RPKI event
# agrees with the last file, opens and closes alternate per prefix, no
# ROAChanged touches a prefix whose ROA did not change, and peertop is
# still running.  Bounded: about 12 s.

. "${top_srcdir:-.}/tests/lib.sh"

: "${PEERTOP:=$top_srcdir/peertop}"
[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 not installed"
mktmpdir
T=$TEST_TMPDIR
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
N=200
VERSIONS=24

# The configuration, and the versions v0..v23 of the VRP file.
python3 - "$T" "$N" "$VERSIONS" <<'PY'
import sys
t, n, versions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def pfx(i):
    return "10.%d.%d.0/24" % (i // 256, i % 256)
with open(t + "/r.conf", "w") as f:
    f.write('database "%s/h.db"\n' % t)
    f.write('rpki { file "%s/vrps.json" interval 100ms }\n' % t)
    f.write('partner "p" as 64500 {\n\tsession "s" neighbor 192.0.2.1 '
        'edge lon role primary\n}\n')
    for i in range(n):
        f.write('branch "b%d" {\n\tpartner "p"\n\taddress 10.%d.%d.1\n'
            '\tprefix %s origin 64500\n}\n' % (i, i // 256, i % 256,
            pfx(i)))
other = ['{"asn": %d, "prefix": "100.%d.%d.0/24", "maxLength": 24}' %
    (64600 + i % 50, i // 256 % 256, i % 256) for i in range(20000)]
for v in range(versions):
    roas = ['{"asn": 64500, "prefix": "%s", "maxLength": 24}' % pfx(i)
        for i in range(n) if i % 2 == v % 2]
    with open("%s/v%d.json" % (t, v), "w") as f:
        f.write('{"roas": [\n' + ",\n".join(roas + other) + "\n]}\n")
PY
check "the configuration and the VRP files are written" test -s "$T/v23.json"

cp "$T/v0.json" "$T/vrps.json"
"$PEERTOP" -H -c "$T/r.conf" -l "$T/h.log" >"$T/h.out" 2>&1 &
pid=$!
at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"

sql()
{
	sqlite3 -readonly "$T/h.db" "$1" 2>/dev/null
}
# The first version: the odd prefixes have no ROA.
if wait_for "[ \"\$(sql \"SELECT count(*) FROM events WHERE type =
    'PrefixRPKINotFound'\")\" -ge $((N / 2)) ]" 10; then
	ok "the first file: PrefixRPKINotFound for the $((N / 2)) prefixes without a ROA"
else
	not_ok "the first file: PrefixRPKINotFound for the $((N / 2)) prefixes without a ROA"
	tail -n 5 "$T/h.log" "$T/h.out" | sed 's/^/# /'
fi
check "... and no ROAChanged for the first file" test \
    "$(sql "SELECT count(*) FROM events WHERE type = 'ROAChanged'")" = 0

v=1
while [ "$v" -lt "$VERSIONS" ]; do
	cp "$T/v$v.json" "$T/vrps.tmp" && mv "$T/vrps.tmp" "$T/vrps.json"
	sleep 0.25
	v=$((v + 1))
done
# The last version (23, odd) leaves the even prefixes without a ROA.
last=$((VERSIONS - 1))

python_check()
{
	sql "SELECT id, type, subject, summary FROM events WHERE type IN
	    ('PrefixRPKINotFound', 'PrefixRPKINotFoundResolved', 'ROAChanged')
	    ORDER BY id" >"$T/events.txt"
	python3 - "$T/events.txt" "$N" "$last" <<'PY'
import sys
path, n, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
state, bad, changed = {}, [], 0
for line in open(path):
    _id, typ, subject, summary = line.rstrip("\n").split("|", 3)
    p = subject.split()[-1]
    a, b, c, _ = p.replace("/", ".").split(".")[:4]
    i = int(b) * 256 + int(c)
    if typ == "ROAChanged":
        changed += 1
        # A ROA came or went for this prefix, and only for it.
        if ("%s-24 AS64500" % p) not in summary or "AS646" in summary:
            bad.append("ROAChanged of %s: %s" % (p, summary))
        continue
    opened = typ == "PrefixRPKINotFound"
    if state.get(i) == opened:
        bad.append("%s twice in a row for %s" % (typ, p))
    state[i] = opened
for i in range(n):
    want = i % 2 != last % 2
    if state.get(i, False) != want:
        bad.append("10.%d.%d.0/24 ends %s, want %s" % (i // 256, i % 256,
            state.get(i), want))
if changed < n or changed > n * last:
    bad.append("%d ROAChanged for %d changes of %d prefixes" % (changed,
        last, n))
print("\n".join(bad[:5]))
sys.exit(1 if bad else 0)
PY
}
if wait_for 'python_check >/dev/null' 10; then
	ok "every prefix ends in the state of the last file, opens and closes alternate, each ROAChanged names its prefix's ROA"
else
	not_ok "every prefix ends in the state of the last file"
	python_check | sed 's/^/# /'
fi
check "peertop is still running" kill -0 "$pid"
check "no warning in the log" sh -c "! grep -q warning '$T/h.log'"
kill "$pid"
wait "$pid" 2>/dev/null
summary
