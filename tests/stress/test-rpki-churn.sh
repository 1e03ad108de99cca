#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A VRP file source under churn (core/rpki-source.c through
# tests/integration/rpki-probe; no daemons, no ports): 30,000 VRPs and
# 2,000 routes, the file replaced 30 times in a row, every third version
# a different tenth of the VRPs removed, every tenth version malformed
# (a truncated file, a bad maxLength), a version every 300 ms against
# the probe's 200 ms check.  The probe must live through it, report each
# malformed version as the source down with the place named, and end
# with every route in exactly the state a brute-force RFC 6811 validation
# of the last good file gives (python3, in the test).  Bounded: about
# 15 s.

. "${top_srcdir:-.}/tests/lib.sh"

: "${top_builddir:=.}"
PROBE=$top_builddir/tests/integration/rpki-probe
[ -x "$PROBE" ] || { not_ok "rpki-probe not built: $PROBE"; summary; }
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
mktmpdir
T=$TEST_TMPDIR
PPID_PROBE=""
at_exit 'if [ -n "$PPID_PROBE" ]; then kill "$PPID_PROBE" 2>/dev/null;
    wait "$PPID_PROBE" 2>/dev/null; fi'

# Versions v0..v29 of the VRP file, the routes, and the expected states
# after the last good version.
python3 - "$T" <<'EOF'
import random, sys
t = sys.argv[1]
rnd = random.Random(16)
def fmt(a, ln):
    return "%d.%d.%d.%d/%d" % (a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255,
        ln)
# (address, length, maxLength, AS), addresses as integers.
vrps = []
for i in range(30000):
    ln = rnd.choice((16, 20, 22, 24, 24, 24))
    a = rnd.randrange(1 << 24) << 8 >> (32 - ln) << (32 - ln)
    vrps.append((a, ln, ln + rnd.choice((0, 0, 2)), rnd.randrange(1, 400)))
text = ['{"asn": %d, "prefix": "%s", "maxLength": %d}' % (x[3],
    fmt(x[0], x[1]), x[2]) for x in vrps]
routes = []
for i in range(2000):
    a, ln, m, asn = vrps[rnd.randrange(len(vrps))]
    rl = min(32, ln + rnd.randrange(4))
    ra = (a | rnd.randrange(1 << (32 - ln))) >> (32 - rl) << (32 - rl)
    routes.append((ra, rl, asn if rnd.random() < 0.7 else asn + 1))
def state(vs, ra, rl, asn):
    st = "not-found"
    for a, ln, m, va in vs:
        if ln <= rl and ra >> (32 - ln) == a >> (32 - ln):
            if va == asn and asn != 0:
                if rl <= m:
                    return "valid"
                st = "invalid-length"
            elif st == "not-found":
                st = "invalid-origin"
    return st
last = None
for v in range(30):
    path = "%s/v%d.json" % (t, v)
    if v % 10 == 9:
        bad = '{"roas": [{"asn": 1, "prefix": "10.0.0.0/8", "maxLength": 33}]}' \
            if v == 19 else '{"roas": [{"asn": 1, "prefix": "10.0.'
        open(path, "w").write(bad)
        continue
    keep = [j for j in range(len(vrps)) if v % 3 or (j + v) % 10 != 0]
    open(path, "w").write('{"roas": [\n' + ",\n".join(text[j] for j in keep)
        + "\n]}\n")
    last = [vrps[j] for j in keep]
# Only the covering VRPs matter (all /16 or longer): by /16.
by16 = {}
for x in last:
    by16.setdefault(x[0] >> 16, []).append(x)
with open(t + "/routes", "w") as r, open(t + "/expected", "w") as e:
    for ra, rl, asn in routes:
        r.write("%s,%d\n" % (fmt(ra, rl), asn))
        e.write("route %s %d %s\n" % (fmt(ra, rl), asn,
            state(by16.get(ra >> 16, []), ra, rl, asn)))
EOF
[ -s "$T/expected" ] || { not_ok "generating the VRP files failed"; summary; }

cp "$T/v0.json" "$T/vrps.json"
# shellcheck disable=SC2046
"$PROBE" 40 file "$T/vrps.json" - $(cat "$T/routes") >"$T/out" 2>"$T/err" &
PPID_PROBE=$!
wait_for "grep -q '^source up' '$T/out'" 15 ||
    { not_ok "the first file was not read"; sed 's/^/# /' "$T/err"; summary; }
v=1
while [ "$v" -lt 30 ]; do
	cp "$T/v$v.json" "$T/vrps.json.new" && mv "$T/vrps.json.new" "$T/vrps.json"
	sleep 0.3
	v=$((v + 1))
done
# The last version (29) is malformed: the good one before it, again.
cp "$T/v28.json" "$T/vrps.json.new" && mv "$T/vrps.json.new" "$T/vrps.json"
n=$(grep -c '^source down' "$T/out")
check "malformed versions reported ($n times source down)" test "$n" -ge 2
check "a bad maxLength named with its place" \
    grep -q '^source down .*vrps.json: roas\[0\]: maxLength 33 outside /8../32' \
    "$T/out"
check "a truncated file named with its line and column" \
    grep -q '^source down .*vrps.json:1:[0-9]*: ' "$T/out"
wait_for "tail -n 1 '$T/out' | grep -q '^source up'" 10
sleep 0.5
check "the probe lived through 30 versions" kill -0 "$PPID_PROBE"
kill "$PPID_PROBE" 2>/dev/null
wait "$PPID_PROBE"
rc=$?
PPID_PROBE=""
check "the probe stopped cleanly (exit $rc)" test "$rc" -eq 0

# Each route's last reported state, in route order, against python's.
awk '$1 == "route" { s[$2 " " $3] = $4; if (!($2 " " $3 in o)) {
    o[$2 " " $3] = ++k; key[k] = $2 " " $3 } }
    END { for (i = 1; i <= k; i++) print "route " key[i] " " s[key[i]] }' \
    "$T/out" | sort >"$T/got"
sort -u "$T/expected" >"$T/want"
if cmp -s "$T/got" "$T/want"; then
	ok "all $(wc -l <"$T/want") routes end in the state of the last good file"
else
	not_ok "route states differ from a brute-force validation"
	diff "$T/want" "$T/got" | head -10 | sed 's/^/# /'
fi
summary
