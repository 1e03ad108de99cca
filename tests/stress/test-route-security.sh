#!/bin/sh
# SPDX-License-Identifier: ISC
# Route security on a real MRT file (issue 16): "peertop mrt -c" replays
# the RIPE RIS rrc06 updates of tests/data/mrt/libbgpstream through the
# route monitor with CAIDA-style AS relationships (routes { asrel }).
# The relationships file is generated here: a million made-up links in
# serial-2 form, bzip2-compressed, around the few links of the scenario
# (the tier-1 peering 1299 -- 3257 is public; the rest is chosen so that
# one real path of the file is not valley-free, and says nothing about
# those networks).  The leak must be raised naming the AS and both of
# its neighbors, the load must stay quick, and a file with one bad line
# among a million must be refused naming that line, with the replay
# going on without the check.
. "${top_srcdir:-.}/tests/lib.sh"

PEERTOP=${PEERTOP:-./peertop}
[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
command -v python3 >/dev/null 2>&1 || {
	not_ok "python3 is needed to write the relationships"; summary; }
mktmpdir
T=$TEST_TMPDIR
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
mrt="$top_srcdir/tests/data/mrt/libbgpstream/ris.rrc06.updates.1427846400.gz"

# rels.txt.bz2: the scenario and a million other links; bad.txt.bz2 the
# same with line 500000 broken.
python3 - "$T" <<'PY'
import bz2, sys
d = sys.argv[1]
scenario = [
    "# peertop test relationships (serial-2): a scenario, not data",
    "1299|3257|0|bgp",	# tier-1s peer
    "3257|3255|-1|bgp",	# 3257 a provider of 3255
    "3255|48589|-1|bgp",
    "6939|1299|0|bgp",	# so 1299 passes 3257's route to a peer
    "6939|25152|0|bgp",
]
lines = scenario + ["%d|%d|%s|bgp" % (100000 + i, 200000 + i * 3,
    "-1" if i % 2 else "0") for i in range(1000000)]
text = "\n".join(lines) + "\n"
open(d + "/rels.txt.bz2", "wb").write(bz2.compress(text.encode(), 1))
lines[499999] = "1|2|7|bgp"
open(d + "/bad.txt.bz2", "wb").write(
    bz2.compress(("\n".join(lines) + "\n").encode(), 1))
PY
check "the relationships files are written" test -s "$T/rels.txt.bz2"

conf() {
	cat >"$T/$1.conf" <<CONF
routes {
	asrel "$T/$2"
}
partner "wide" as 25152 {
	session "tyo-v4" neighbor 202.249.2.185 edge tyo role primary
}
branch "london" {
	address 91.195.68.1
	prefix 91.195.68.0/23 origin 48589 upstream 3255
}
CONF
}

conf good rels.txt.bz2
start=$(date +%s)
"$PEERTOP" mrt -c "$T/good.conf" "$mrt" >"$T/good.out" 2>"$T/good.err"
rc=$?
took=$(($(date +%s) - start))
check "the replay with relationships ends (exit $rc)" test "$rc" -le 2
check "a million links load and the file replays in under 30 s" \
    test "$took" -lt 30
check "stderr says what was loaded, and nothing else" test \
    "$(cat "$T/good.err")" = \
    "peertop: info: $T/rels.txt.bz2: 1000005 AS relationships"
check "PrefixRouteLeak names the leaking AS and its neighbors" grep -q \
    " PrefixRouteLeak .*AS1299 passes a route from its peer AS3257 to its peer AS6939" \
    "$T/good.out"

conf bad bad.txt.bz2
"$PEERTOP" mrt -c "$T/bad.conf" "$mrt" >"$T/bad.out" 2>"$T/bad.err"
rc=$?
check "a bad relationships file does not stop the replay (exit $rc)" \
    test "$rc" -le 2
check "the error names the file and the line" grep -q \
    "bad.txt.bz2:500000: relationship \"7\" is not -1" "$T/bad.err"
check "the replay goes on without the valley-free check" sh -c \
    "! grep -q 'passes a route' '$T/bad.out' && grep -q PrefixAnnouncementEvent '$T/bad.out'"

conf missing none.txt
"$PEERTOP" mrt -c "$T/missing.conf" "$mrt" >"$T/missing.out" \
    2>"$T/missing.err"
check "a missing relationships file is said, and the replay goes on" \
    sh -c "grep -q 'none.txt: No such file' '$T/missing.err' && grep -q PrefixAnnouncementEvent '$T/missing.out'"
summary
