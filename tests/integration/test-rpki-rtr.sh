#!/bin/sh
# SPDX-License-Identifier: ISC
#
# VRP sources keeping a RIB's RPKI states (core/rpki-source.c), through
# tests/integration/rpki-probe:
#  - RTR: a real StayRTR on loopback serving tests/data/rpki's rpki-client
#    file (with its SLURM v1 file) to RTRlib: the routes get the states
#    the file implies; a ROA removed from the file while running flips
#    its route to not-found, and put back, to valid again (StayRTR
#    re-reads the file every second and notifies); StayRTR killed: the
#    source goes down and the routes keep their states (RFC 8210 6: the
#    VRPs live until the expire interval).
#  - file: the same VRP file read directly, re-read when it changes; a
#    malformed file puts the source down naming the place and keeps the
#    states.
# Skips when stayrtr (Debian stayrtr), python3 or rpki-probe (built with
# RTRlib) is missing.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

PROBE=$top_builddir/tests/integration/rpki-probe
[ -x "$PROBE" ] || skip_all "rpki-probe not built"
lab_need stayrtr python3
if timeout 30 "$PROBE" 0 rtr 127.0.0.1 1 10.0.0.0/8,1 2>&1 |
    grep -q "without RTRlib"; then
	skip_all "peertop built without RTRlib (librtr-dev)"
fi
mktmpdir
T=$TEST_TMPDIR
DATA=$top_srcdir/tests/data/rpki
SPID=""
PPID_PROBE=""
at_exit 'for p in $SPID $PPID_PROBE; do kill "$p" 2>/dev/null;
    wait "$p" 2>/dev/null; done'

PORT=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

# The rpki-client file with expiry far away (StayRTR drops expired
# ROAs), and 198.51.100.0/24 AS64511 which the test takes out and puts
# back.
python3 - "$DATA/stayrtr-test.rpki.json" "$T/vrps.json" \
    "$T/vrps-without.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["metadata"]["buildtime"] = "2099-01-01T00:00:00Z"
d["roas"].append({"asn": 64511, "prefix": "198.51.100.0/24",
    "maxLength": 24, "ta": "test", "expires": 4000000000})
json.dump(d, open(sys.argv[2], "w"))
d["roas"] = d["roas"][:-1]
json.dump(d, open(sys.argv[3], "w"))
EOF
cp "$T/vrps.json" "$T/serve.json"

ROUTES="1.0.0.0/24,13335 1.0.0.0/24,64500 1.0.4.0/23,38803
    198.51.100.0/24,64511 2001:610:1::/48,1103 10.2.0.0/26,65002
    10.0.0.0/24,65000 203.0.113.0/24,64500"

# Line $2 of the probe's output file $1 appears (after $3 lines, if set).
seen()
{
	tail -n +"${3:-1}" "$1" | grep -qx -- "$2"
}

stayrtr -bind "127.0.0.1:$PORT" -cache "$T/serve.json" \
    -slurm "$DATA/stayrtr-test.slurm.json" -checktime=false -refresh 1 \
    -metrics.addr "" -log.verbose=false >"$T/stayrtr.log" 2>&1 &
SPID=$!
wait_for "nc -z 127.0.0.1 $PORT 2>/dev/null ||
    python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", $PORT), 1)'" 10 ||
    { not_ok "stayrtr did not listen"; sed 's/^/# /' "$T/stayrtr.log"; summary; }

# shellcheck disable=SC2086
timeout 120 "$PROBE" 60 rtr 127.0.0.1 "$PORT" $ROUTES >"$T/rtr.out" 2>"$T/rtr.err" &
PPID_PROBE=$!
if wait_for "seen '$T/rtr.out' 'route 198.51.100.0/24 64511 valid'" 20; then
	ok "rtr: VRPs from StayRTR through RTRlib"
else
	not_ok "rtr: no VRPs from StayRTR"
	sed 's/^/# /' "$T/rtr.out" "$T/rtr.err" | tail -20
fi
check "rtr: source up" seen "$T/rtr.out" "source up"
check "rtr: 1.0.0.0/24 AS13335 valid" \
    seen "$T/rtr.out" "route 1.0.0.0/24 13335 valid"
check "rtr: 1.0.0.0/24 AS64500 invalid-origin" \
    seen "$T/rtr.out" "route 1.0.0.0/24 64500 invalid-origin"
check "rtr: 1.0.4.0/23 AS38803 invalid-length" \
    seen "$T/rtr.out" "route 1.0.4.0/23 38803 invalid-length"
check "rtr: 2001:610:1::/48 AS1103 valid" \
    seen "$T/rtr.out" "route 2001:610:1::/48 1103 valid"
check "rtr: SLURM assertion 10.2.0.0/25-26 AS65002 makes /26 valid" \
    seen "$T/rtr.out" "route 10.2.0.0/26 65002 valid"
check "rtr: 203.0.113.0/24 not-found" \
    seen "$T/rtr.out" "route 203.0.113.0/24 64500 not-found"

# The ROA removed while running: not-found; put back: valid.
n=$(wc -l <"$T/rtr.out")
cp "$T/vrps-without.json" "$T/serve.json.new" &&
    mv "$T/serve.json.new" "$T/serve.json"
if wait_for "seen '$T/rtr.out' 'route 198.51.100.0/24 64511 not-found' $n" 20
then
	ok "rtr: ROA removed from the cache's file: route not-found"
else
	not_ok "rtr: ROA removal not seen"
	tail -n +"$n" "$T/rtr.out" | sed 's/^/# /' | tail -10
fi
n=$(wc -l <"$T/rtr.out")
cp "$T/vrps.json" "$T/serve.json.new" && mv "$T/serve.json.new" "$T/serve.json"
if wait_for "seen '$T/rtr.out' 'route 198.51.100.0/24 64511 valid' $n" 20
then
	ok "rtr: ROA back: route valid again"
else
	not_ok "rtr: ROA return not seen"
	tail -n +"$n" "$T/rtr.out" | sed 's/^/# /' | tail -10
fi

# StayRTR killed: the source goes down, the states stay.
n=$(wc -l <"$T/rtr.out")
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
SPID=""
if wait_for "tail -n +$n '$T/rtr.out' | grep -q '^source down'" 20; then
	ok "rtr: StayRTR killed: source down"
else
	not_ok "rtr: StayRTR killed but the source is not down"
	tail -n +"$n" "$T/rtr.out" | sed 's/^/# /' | tail -10
fi
sleep 1
check "rtr: states kept while the cache is away" \
    test -z "$(tail -n +"$n" "$T/rtr.out" | grep '^route')"
kill "$PPID_PROBE" 2>/dev/null
wait "$PPID_PROBE"
rc=$?
PPID_PROBE=""
check "rtr: probe stopped cleanly (exit $rc)" test "$rc" -eq 0
check "rtr: RTRlib's debug lines kept off stderr" \
    sh -c "! grep -Eq 'RTR_MGR|RTR Socket|TCP Transport' '$T/rtr.err'"

# The file source: read, re-read on change, a bad file keeps the states.
cp "$T/vrps.json" "$T/file.json"
# shellcheck disable=SC2086
timeout 90 "$PROBE" 30 file "$T/file.json" "$DATA/stayrtr-test.slurm.json" $ROUTES \
    >"$T/file.out" 2>"$T/file.err" &
PPID_PROBE=$!
if wait_for "seen '$T/file.out' 'route 198.51.100.0/24 64511 valid'" 10; then
	ok "file: VRPs read"
else
	not_ok "file: no VRPs"
	sed 's/^/# /' "$T/file.out" "$T/file.err" | tail -10
fi
check "file: SLURM filter drops 10.0.0.0/24 AS65000's VRP" \
    seen "$T/file.out" "route 10.0.0.0/24 65000 not-found"
n=$(wc -l <"$T/file.out")
cp "$T/vrps-without.json" "$T/file.json.new" &&
    mv "$T/file.json.new" "$T/file.json"
if wait_for "seen '$T/file.out' 'route 198.51.100.0/24 64511 not-found' $n" 10
then
	ok "file: changed file re-read: route not-found"
else
	not_ok "file: change not seen"
fi
n=$(wc -l <"$T/file.out")
printf '{"roas": [{"asn": 1, "prefix": "10.0.0.0/8", "maxLength": 33}]}' \
    >"$T/file.json.new" && mv "$T/file.json.new" "$T/file.json"
if wait_for "tail -n +$n '$T/file.out' | grep -q '^source down .*file.json: roas\\[0\\]: maxLength 33 outside /8../32'" 10
then
	ok "file: malformed file: source down, the place named"
else
	not_ok "file: malformed file not reported"
	tail -n +"$n" "$T/file.out" | sed 's/^/# /'
fi
check "file: states kept after the bad file" \
    test -z "$(tail -n +"$n" "$T/file.out" | grep '^route')"
kill "$PPID_PROBE" 2>/dev/null
wait "$PPID_PROBE" 2>/dev/null
PPID_PROBE=""
summary
