#!/bin/sh
# SPDX-License-Identifier: ISC
#
# RPKI route origin validation against the real lab (tests/lab/lab with
# its FRR part and --rpki): the lab writes an rpki-client VRP file with a
# ROA for every branch prefix from its partner's AS but remote-site's,
# and none for the hijacker (AS64511); a headless peertop reads it with
# its rpki block and the FRR stand-ins' BMP feeds.  Checked in the
# SQLite history and peertop --once -o json:
#  - remote-site's prefix raises PrefixRPKINotFound (Warning), no other
#    prefix does, and no route is RPKI-invalid in the steady state;
#  - --once gives london-office's prefix "rpki": "valid" and its ROA;
#  - the hijacker's more-specific of london-office's prefix raises
#    PrefixRPKIInvalid (Critical) naming invalid-origin and the ROA
#    81.2.69.0/24-24 AS64500; withdrawing it raises
#    PrefixRPKIInvalidResolved;
#  - the VRP file rewritten without london-office's ROA raises ROAChanged
#    (Warning, the ROA removed) and PrefixRPKINotFound for it.
# Needs bird2, frr (bgpd, vtysh), jq and sqlite3; skips without bird2 or
# frr.  Runs under flock /tmp/peertop-daemons.lock like the other lab
# tests.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PEERTOP=${PEERTOP:-$top_builddir/peertop}
BGPD=${BGPD:-/usr/lib/frr/bgpd}
. "$top_srcdir/tests/lib.sh"

lab_need_bird
if [ ! -x "$BGPD" ] || ! command -v vtysh >/dev/null 2>&1; then
	skip_all "FRR is not installed (apt-get install frr)"
fi
lab_need jq sqlite3

LAB=$top_srcdir/tests/lab/lab
PEERTOP_DATADIR=$top_srcdir/data
STEP=${ROUTES_LAB_STEP:-20}
LAB_TIMEOUT=${LAB_TIMEOUT:-45}
LAB_PORT=${LAB_PORT:-1179}
LAB_FRR=1
LAB_RPKI=1
export PEERTOP_DATADIR LAB_TIMEOUT LAB_PORT LAB_FRR LAB_RPKI BGPD

LONDON=81.2.69.0/24
LONDON_SUB=81.2.69.0/25
REMOTE=198.51.100.0/24		# remote-site: no ROA

lab_setup
CONF2=$DIR/peertop2.conf

# The --once RPKI state of a prefix and its first ROA: "valid 81.2.69.0/24
# 24 64500".
pfx_rpki()
{
	jqo --arg p "$1" '[.branches[].prefixes[] | select(.prefix == $p)] |
	    .[0] | "\(.rpki) \(.roas[0].prefix // "-") " +
	    "\(.roas[0].max_length // "-") \(.roas[0].asn // "-")"'
}

lab_start 20 40 23
ok "lab with FRR and RPKI started on 127.$LAB_NET/16"
check "the lab wrote its VRP file" sh -c \
    'jq -e ".roas | length > 0" "$1" >/dev/null' - "$DIR/vrps.json"
check "peertop.conf has the rpki block" \
    grep -q "^rpki { file \"$DIR/vrps.json\"" "$CONF"
lab_check_conf

"$PEERTOP" -H -c "$CONF" -l "$T/headless.log" >"$T/headless.out" 2>&1 &
HPID=$!

wait_events "PrefixRPKINotFound for $REMOTE (no ROA)" PrefixRPKINotFound 1 \
    "subject LIKE '%$REMOTE%'"
check "PrefixRPKINotFound is a Warning" test \
    "$(level_of PrefixRPKINotFound)" = Warning
all_carried()
{
	[ "$(sql "SELECT count(DISTINCT prefix) FROM prefix_state WHERE
	    primary_up = 2 AND backup_up = 1")" -ge 10 ] 2>/dev/null
}
if wait_for all_carried "$STEP"; then
	ok "each prefix carried on each primary and backup"
else
	not_ok "each prefix carried on each primary and backup"
fi
check "no other prefix is RPKI not-found" test \
    "$(count_events PrefixRPKINotFound)" = 1
check "no route is RPKI invalid in the steady state" test \
    "$(count_events PrefixRPKIInvalid)" = 0
if wait_for 'once "$CONF2" && [ "$(pfx_rpki "$LONDON")" = "valid 81.2.69.0/24 24 64500" ]' "$STEP"
then
	ok "--once: $LONDON RPKI valid with its ROA 81.2.69.0/24-24 AS64500"
else
	not_ok "--once: $LONDON RPKI valid with its ROA ($(pfx_rpki "$LONDON"))"
fi
check "--once: $REMOTE RPKI not-found, no ROA" test \
    "$(pfx_rpki "$REMOTE")" = "not-found - - -"
timeout 30 "$PEERTOP" --once -o csv -c "$CONF2" >"$T/once.csv" 2>/dev/null
check "--once -o csv: the prefix rows have the RPKI state as JSON does" \
    python3 -c '
import csv, json, sys
want = {(b["name"], p["prefix"]): p.get("rpki", "")
        for b in json.load(open(sys.argv[1]))["branches"]
        for p in b["prefixes"]}
hdr, got = None, {}
for row in csv.reader(open(sys.argv[2])):
    if row and row[0] == "section":
        hdr = row
    elif row and row[0] == "prefix":
        r = dict(zip(hdr, row))
        got[(r["branch"], r["prefix"])] = r["rpki"]
sys.exit(not (got == want and "valid" in got.values() and
              "not-found" in got.values()))' "$T/once.json" "$T/once.csv"
timeout 30 "$PEERTOP" --once -c "$CONF2" >"$T/once.txt" 2>/dev/null
check "--once text: every prefix row's PROBLEM in its column" awk '
    /^PREFIX / { col = index($0, "PROBLEM"); inp = 1; next }
    inp && /^$/ { inp = 0 }
    inp && col > 0 { n++; if (substr($0, col - 1, 1) != " " ||
        substr($0, col - 2, 1) == " " && substr($0, col, 1) == " ") bad++ }
    END { exit !(col > 0 && n > 0 && bad == 0) }' "$T/once.txt"
check "--once: the rpki collector's detail gives its VRP count" sh -c \
    'case $1 in *" VRPs"*) exit 0 ;; esac; exit 1' - \
    "$(jqo '.collectors[] | select(.kind == "rpki") | .detail')"

mark
lab_birdc hijack-r1 enable hijack_sub
diag "hijack-r1 (AS64511) announces $LONDON_SUB"
wait_events "PrefixRPKIInvalid for $LONDON" PrefixRPKIInvalid 1 \
    "subject LIKE '%$LONDON%'"
check "PrefixRPKIInvalid is Critical" test \
    "$(level_of PrefixRPKIInvalid)" = Critical
check "... names the more-specific, invalid-origin and the ROA" test \
    "$(count_events PrefixRPKIInvalid "summary LIKE '%$LONDON_SUB%'
    AND summary LIKE '%invalid-origin%' AND
    summary LIKE '%81.2.69.0/24-24 AS64500%'")" -ge 1

mark
lab_birdc hijack-r1 disable hijack_sub
diag "hijack-r1 withdraws it"
wait_events "PrefixRPKIInvalidResolved after the withdrawal" \
    PrefixRPKIInvalidResolved 1 "subject LIKE '%$LONDON%'"

# The ROA goes away while running: the file source reads the new file.
mark
jq '.roas |= map(select(.prefix != "81.2.69.0/24"))' "$DIR/vrps.json" \
    >"$DIR/vrps.json.tmp" && mv "$DIR/vrps.json.tmp" "$DIR/vrps.json"
wait_events "ROAChanged for $LONDON (its ROA removed)" ROAChanged 1 \
    "subject LIKE '%$LONDON%' AND summary LIKE '%removed: 81.2.69.0/24-24 AS64500%'"
check "ROAChanged for a removal is a Warning" test \
    "$(level_of ROAChanged)" = Warning
wait_events "PrefixRPKINotFound for $LONDON" PrefixRPKINotFound 1 \
    "subject LIKE '%$LONDON%'"

lab_stop_headless
"$LAB" stop "$DIR" >/dev/null 2>&1
left_running=$(lab_processes bird bgpd)
check "lab stop leaves no BIRD or bgpd running${left_running:+ (pids:$left_running)}" \
    test -z "$left_running"

summary
