#!/bin/sh
# SPDX-License-Identifier: ISC
# "peertop mrt -c CONFIG --vrp FILE": the RIS updates file of
# test-mrt-replay.sh replayed with a VRP file written here (rpki-client
# JSON), so that the route monitor judges the registered prefixes of
# tests/mrt/replay.conf against it:
#  - 222.254.0.0/17's ROA is for AS64497 only: the /19s from AS45899 are
#    RPKI invalid-origin, PrefixRPKIInvalid naming the ROA;
#  - 91.195.68.0/23 has no ROA: PrefixRPKINotFound, and none for the
#    prefixes that have one (192.108.199.0/24, 42.83.48.0/20);
#  - the file's ASPA lists AS4713 as AS18135's only provider, so the path
#    25152 2516 18135 is ASPA-invalid: PrefixASPAInvalid for 42.83.48.0/20;
#  - without --vrp none of these is raised.

. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
mktmpdir
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
mrt="$top_srcdir/tests/data/mrt/libbgpstream/ris.rrc06.updates.1427846400.gz"
conf="$top_srcdir/tests/mrt/replay.conf"
vrps=$TEST_TMPDIR/vrps.json
out=$TEST_TMPDIR/text

cat >"$vrps" <<'JSON'
{"roas": [
	{"asn": 1880, "prefix": "192.108.199.0/24", "maxLength": 24, "ta": "t"},
	{"asn": 64497, "prefix": "222.254.0.0/17", "maxLength": 17, "ta": "t"},
	{"asn": 18135, "prefix": "42.83.48.0/20", "maxLength": 20, "ta": "t"}
], "aspas": [
	{"customer_asid": 18135, "expires": 1900000000, "providers": [4713]}
]}
JSON

"$PEERTOP" mrt -c "$conf" --vrp "$vrps" "$mrt" >"$out" 2>"$TEST_TMPDIR/err"
check "replay with --vrp exits 2 (Critical events)" test $? -eq 2
check "... and writes nothing to stderr" test ! -s "$TEST_TMPDIR/err"
sed 's/^/# stderr: /' "$TEST_TMPDIR/err" | head -n 5

has()	# TYPE PREFIX TEXT: one such event whose summary holds TEXT
{
	grep " $1 \[prefix $2\] " "$out" | grep -qF "$3"
}
check "PrefixRPKIInvalid for 222.254.0.0/17 names the /19 and where it was seen" \
    has PrefixRPKIInvalid 222.254.0.0/17 \
    "more-specific 222.254.0.0/19 from session tyo-v4"
check "... the state and the ROA" has PrefixRPKIInvalid 222.254.0.0/17 \
    "is RPKI invalid-origin: origin AS45899, 222.254.0.0/17-17 AS64497"
check "PrefixRPKIInvalid is Critical" grep -q \
    "^[^ ]* Critical PrefixRPKIInvalid " "$out"
check "PrefixRPKINotFound for 91.195.68.0/23 (no ROA)" \
    has PrefixRPKINotFound 91.195.68.0/23 "not covered by any ROA"
check "no PrefixRPKINotFound for the prefixes with a ROA" sh -c \
    "! grep -E ' PrefixRPKINotFound \[prefix (192.108.199.0/24|42.83.48.0/20|222.254.0.0/17)\]' '$out'"
check "PrefixASPAInvalid for 42.83.48.0/20 from the file's ASPA" \
    has PrefixASPAInvalid 42.83.48.0/20 \
    "AS18135 does not authorise AS2516 as a provider"
check "event times are still the records' times" sh -c \
    "! grep -v '^2015-04-01T00:0[0-5]:[0-9][0-9]Z ' '$out'"

"$PEERTOP" mrt -c "$conf" "$mrt" >"$TEST_TMPDIR/plain" 2>&1
check "without --vrp no RPKI or ASPA event" sh -c \
    "! grep -E ' (PrefixRPKIInvalid|PrefixRPKINotFound|PrefixASPAInvalid|ROAChanged|ROAExpiring) ' '$TEST_TMPDIR/plain'"

summary
