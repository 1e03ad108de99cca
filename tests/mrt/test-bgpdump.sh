#!/bin/sh
# SPDX-License-Identifier: ISC
# "peertop mrt --dump FILE" against "bgpdump -m FILE", line by line, for
# every MRT file under tests/data/mrt/ (raw, .gz and .bz2; RIB dumps,
# updates, ADD-PATH, BGP4MP_ET, truncated and known-corrupt files).
#
# A file passes when both outputs are identical.  Where they differ for
# a reason we understand, the file is listed in KNOWN below with the exact
# number of differing lines (as counted by diff) and the reason; the test
# fails if that number changes, so a new difference cannot hide behind an
# old one.  For the truncated files bgpdump stops where we stop, and the
# lines it printed must match ours.  peertop must never crash: its exit
# status is 0 (clean) or 1 (located decode errors, reported on stderr).

. "${top_srcdir:-.}/tests/lib.sh"

command -v bgpdump >/dev/null 2>&1 || skip_all "bgpdump not installed"
[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
mktmpdir

# file|differing lines|reason
KNOWN='
bgpdump/updates.nlri_mask_trailing_bits.gz|1|the NLRI field ends in a partial prefix (length 11, no bytes): RFC 7606 5.3 makes the UPDATE unusable, peertop reports it as a located error; bgpdump prints the one complete prefix before the junk
bgpkit/rrc00-updates.20000325.0345.gz|2046|deprecated MRT type 5 (BGP, pre-RFC 6396) is skipped and counted, bgpdump still decodes it; the file is known-corrupt after record 6 anyway
mrtparse/bird_bgp|24|BIRD wrote ADD-PATH NLRI in plain BGP4MP_MESSAGE_AS4 (subtype 4): the path ids read as prefix lengths; peertop reports those UPDATEs as malformed, bgpdump prints bogus 0.0.0.0/0 routes
mrtparse/bird6_bgp|32|same BIRD ADD-PATH-in-subtype-4 records as bird_bgp, IPv6
mrtparse/openbgpd_rib_table|2|OpenBGPD wrote an 8-byte AGGREGATOR (4-byte AS) in 2-byte TABLE_DUMP; RFC 7606 7.7 discards it, bgpdump reads the first 6 bytes as "0 253.232.192.168"
'

known_count()
{
	echo "$KNOWN" | awk -F'|' -v f="$1" '$1 == f { print $2 }'
}

known_reason()
{
	echo "$KNOWN" | awk -F'|' -v f="$1" '$1 == f { print $3 }'
}

data="$top_srcdir/tests/data/mrt"
nfiles=0
for f in "$data"/*/*; do
	case "$f" in
	*/LICENSE|*/COPYING|*/README*) continue ;;
	esac
	[ -f "$f" ] || continue
	rel=${f#"$data"/}
	nfiles=$((nfiles + 1))
	exp="$TEST_TMPDIR/exp"
	got="$TEST_TMPDIR/got"
	err="$TEST_TMPDIR/err"
	bgpdump -m "$f" >"$exp" 2>/dev/null
	"$PEERTOP" mrt --dump "$f" >"$got" 2>"$err"
	rc=$?
	if [ "$rc" -gt 1 ]; then
		not_ok "$rel: peertop exited $rc"
		sed 's/^/# /' "$err" | head -5
		continue
	fi
	if [ -s "$err" ] && grep -v "record [0-9]* at offset [0-9]*" "$err" \
	    >/dev/null; then
		not_ok "$rel: an error without file, record and offset"
		sed 's/^/# /' "$err" | head -5
		continue
	fi
	n=$(wc -l <"$exp")
	want=$(known_count "$rel")
	if cmp -s "$exp" "$got"; then
		if [ -n "$want" ]; then
			not_ok "$rel: now identical, drop it from KNOWN"
		else
			ok "$rel ($n lines)"
		fi
		continue
	fi
	ndiff=$(diff "$exp" "$got" | grep -c '^[<>]')
	if [ -n "$want" ] && [ "$ndiff" -eq "$want" ]; then
		ok "$rel ($n lines, $ndiff known differences: $(known_reason "$rel"))"
	else
		not_ok "$rel: $ndiff lines differ from bgpdump -m (known: ${want:-0})"
		diff "$exp" "$got" | head -10 | sed 's/^/# /'
	fi
done
[ "$nfiles" -gt 20 ] || not_ok "only $nfiles MRT files found in $data"
summary
