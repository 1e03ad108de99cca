#!/bin/sh
# SPDX-License-Identifier: ISC
# RPKI origin validation of real MRT routes against an independent
# validator: "peertop mrt --dump --vrp VRPS --slurm SLURM FILE" prints
# every route's state as a last column; RTRlib's pfx_table
# (tests/mrt/rov-rtrlib) validates the same routes against the same VRPs
# and must agree on every one.
#
# The VRPs are made from the files' own routes (python3, seeded by a hash
# of each prefix so the set is the same every run): ROAs for the route's
# prefix with its origin, with a wrong origin, for a shorter covering
# prefix with and without the maxLength to reach the route, and AS0 ROAs;
# the JSON spells ASNs both as integers and "AS..." strings.  A SLURM
# file filters some of them (by prefix, by AS, by both) and asserts a few
# more; the RTRlib side gets the list with the SLURM applied by python.
# Every one of the four states must occur at least 200 times per file.

. "${top_srcdir:-.}/tests/lib.sh"

RTRLIB="${top_builddir:-.}/tests/mrt/rov-rtrlib"
[ -x "$RTRLIB" ] || skip_all "rov-rtrlib not built (librtr-dev missing)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
mktmpdir
t=$TEST_TMPDIR

data="$top_srcdir/tests/data/mrt"
for f in pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz \
    pyasn/rib6.20151101.0600_firstMB.complete-records.mrt.gz; do
	# The routes and their origins, from peertop's bgpdump-format dump
	# (checked line by line against bgpdump by test-bgpdump.sh).
	"$PEERTOP" mrt --dump "$data/$f" >"$t/plain" 2>"$t/err" || {
		not_ok "$f: peertop mrt --dump failed"
		sed 's/^/# /' "$t/err" | head -5
		continue
	}
	python3 - "$t" <<'EOF' || { not_ok "$f: making the VRPs failed"; continue; }
import ipaddress, json, sys, zlib
t = sys.argv[1]
routes = []
for line in open(t + "/plain"):
    f = line.rstrip("\n").split("|")
    if f[2] not in ("A", "B"):
        continue
    path = f[7] if f[0].endswith("_AP") else f[6]
    last = path.split(" ")[-1] if path else ""
    routes.append((f[5], last if last.isdigit() else "-"))
vrps = []
for p, o in sorted(set(routes)):
    net = ipaddress.ip_network(p)
    h = zlib.crc32(p.encode()) % 20
    o = int(o) if o != "-" else 64512
    if h < 3:
        vrps.append((net, net.prefixlen, o))
    elif h == 3:
        vrps.append((net, net.prefixlen, o + 1))
    elif h in (4, 5) and net.prefixlen >= 12:
        up = net.supernet(prefixlen_diff=1 + h % 3)
        vrps.append((up, up.prefixlen if h == 4 else net.prefixlen, o))
    elif h == 6:
        vrps.append((net, net.max_prefixlen, 0))
# SLURM: drop the VRPs of a few ASes, those under a few prefixes, one of
# a prefix and an AS; assert a few (RFC 8416 4.2: filters, then adds).
by_as = sorted({v[2] for v in vrps if v[2] != 0})[::97][:4]
by_pfx = [v[0] for v in vrps[5::501]][:4]
both = vrps[7]
def dropped(v):
    if v[2] in by_as:
        return True
    for fp in by_pfx:
        if v[0].version == fp.version and v[0].subnet_of(fp):
            return True
    return (v[2] == both[2] and v[0].version == both[0].version and
        v[0].subnet_of(both[0]))
asserts = [(v[0], v[0].max_prefixlen, v[2]) for v in vrps[11::211]][:6]
slurm = {
    "slurmVersion": 1,
    "validationOutputFilters": {
        "prefixFilters": [{"asn": a, "comment": "by AS"} for a in by_as] +
            [{"prefix": str(p)} for p in by_pfx] +
            [{"prefix": str(both[0]), "asn": both[2]}],
        "bgpsecFilters": []},
    "locallyAddedAssertions": {
        "prefixAssertions": [{"asn": a, "prefix": str(p),
            "maxPrefixLength": m} for p, m, a in asserts],
        "bgpsecAssertions": []}}
roas = [{"asn": (a if i % 2 else "AS%d" % a), "prefix": str(p),
    "maxLength": m, "ta": "test", "expires": 1900000000}
    for i, (p, m, a) in enumerate(vrps)]
json.dump({"metadata": {"vrps": len(roas)}, "roas": roas},
    open(t + "/vrps.json", "w"), indent=1)
json.dump(slurm, open(t + "/slurm.json", "w"), indent=1)
with open(t + "/vrps.txt", "w") as out:
    for p, m, a in [v for v in vrps if not dropped(v)] + asserts:
        out.write("%s %d %d\n" % (p, m, a))
with open(t + "/routes", "w") as out:
    for p, o in routes:
        out.write("%s %s\n" % (p, o))
print("# %s: %d routes, %d VRPs, %d after SLURM" % (sys.argv[1].split("/")[-1],
    len(routes), len(vrps), sum(1 for l in open(t + "/vrps.txt"))))
EOF
	"$PEERTOP" mrt --dump --vrp "$t/vrps.json" --slurm "$t/slurm.json" \
	    "$data/$f" >"$t/dump" 2>"$t/err" || {
		not_ok "$f: peertop mrt --dump --vrp failed"
		sed 's/^/# /' "$t/err" | head -5
		continue
	}
	awk -F'|' '$3 == "A" || $3 == "B" { print $(NF - 1) }' "$t/dump" \
	    >"$t/peertop.states"
	"$RTRLIB" "$t/vrps.txt" <"$t/routes" >"$t/rtrlib.states" \
	    2>"$t/err" || {
		not_ok "$f: rov-rtrlib failed"
		sed 's/^/# /' "$t/err" | head -5
		continue
	}
	n=$(wc -l <"$t/routes")
	check "$f: peertop validated all $n routes" \
	    test "$(wc -l <"$t/peertop.states")" -eq "$n"
	if cmp -s "$t/peertop.states" "$t/rtrlib.states"; then
		ok "$f: peertop and RTRlib agree on all $n routes"
	else
		not_ok "$f: peertop and RTRlib disagree"
		paste -d' ' "$t/routes" "$t/peertop.states" "$t/rtrlib.states" |
		    awk '$3 != $4' | head -10 | sed 's/^/# route, peertop, rtrlib: /'
	fi
	for s in valid invalid-origin invalid-length not-found; do
		c=$(grep -cx -- "$s" "$t/rtrlib.states")
		check "$f: $c routes $s (>= 200)" test "$c" -ge 200
	done
done
summary
