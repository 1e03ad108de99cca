#!/bin/sh
# SPDX-License-Identifier: ISC
# RIB benchmarks (issues 3 and 18): MRT decoding into the RIB against
# bgpdump -m in the same run, memory per route (longest-match index
# included), IPv4 longest-match speed: one lookup after another (the
# target), the latency of one lookup alone, and rib_longest_batch()
# throughput, each labelled; IPv6 longest match, the index against the
# trie walk.  See tests/bench/README and tests/bench/bench-rib.c.
#
# The RouteViews RIB is decompressed into a temporary raw file; bgpdump
# -m reads it once to warm up and BENCH_RUNS times (default 5), its
# median wall time goes to bench-rib (-b), which prints every figure with
# its target and PASS/MISS.
#
# Not a test (make check does not run it): `make bench` runs it with
# top_srcdir and BENCH_RIB set.  Two or three arguments replace the
# default files (a TABLE_DUMP_V2 RIB, a BGP4MP update file, an IPv6
# TABLE_DUMP_V2 RIB for figure 4; raw, .gz or .bz2).
# Exit 1 when a tool fails, 77 when bgpdump is missing (the other two
# figures are still printed, without the ratio).

runs=${BENCH_RUNS:-5}
top_srcdir=${top_srcdir:-.}
BENCH_RIB=${BENCH_RIB:-./tests/bench/bench-rib}

[ -x "$BENCH_RIB" ] || { echo "bench-rib: $BENCH_RIB missing" >&2; exit 1; }
case $(date +%N) in
*N*|'') echo "bench-rib: date +%N (GNU date) needed" >&2; exit 1 ;;
esac

if [ $# -eq 0 ]; then
	d="$top_srcdir/tests/data/mrt"
	set -- "$d/pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz" \
	    "$d/bgpdump/updates.et-header.2015.gz" \
	    "$d/pyasn/rib6.20151101.0600_firstMB.complete-records.mrt.gz"
fi
[ $# -eq 2 ] || [ $# -eq 3 ] ||
    { echo "usage: bench-rib.sh RIB UPDATES [RIB6]" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-rib.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Decompress into $tmp/NAME.mrt; prints the raw file's path.
raw()
{
	b=$(basename "$1")
	b=${b%.gz}
	out="$tmp/${b%.bz2}.mrt"
	case $1 in
	*.gz)	gzip -dc "$1" >"$out" ;;
	*.bz2)	bzip2 -dc "$1" >"$out" ;;
	*)	cp "$1" "$out" ;;
	esac || { echo "bench-rib: cannot decompress $1" >&2; exit 1; }
	echo "$out"
}

rib=$(raw "$1") || exit 1
upd=$(raw "$2") || exit 1
rib6=
if [ $# -eq 3 ]; then
	rib6=$(raw "$3") || exit 1
fi

echo "RIB benchmarks, median of $runs runs (+1 warm-up)"
echo "host: $(uname -sm), $(getconf _NPROCESSORS_ONLN 2>/dev/null) CPUs;" \
    "figures are noisy when the machine is busy"
[ -n "$BENCH_CFLAGS" ] && echo "peertop CFLAGS: $BENCH_CFLAGS"

status=0
bs=
if command -v bgpdump >/dev/null 2>&1; then
	echo "$(bgpdump -h 2>&1 | sed -n 's/^\(bgpdump version [^ ]*\).*/\1/p' |
	    head -n 1)"
	i=0
	: >"$tmp/times"
	while [ $i -le "$runs" ]; do
		t0=$(date +%s%N)
		bgpdump -m "$rib" >/dev/null 2>&1 ||
		    { echo "bench-rib: bgpdump failed" >&2; exit 1; }
		t1=$(date +%s%N)
		[ $i -gt 0 ] && echo "$t0 $t1" |
		    awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >>"$tmp/times"
		i=$((i + 1))
	done
	bs=$(sort -n "$tmp/times" | awk '{ t[NR] = $1 }
	    END { if (NR % 2) print t[(NR + 1) / 2];
		  else printf "%.6f\n", (t[NR / 2] + t[NR / 2 + 1]) / 2 }')
else
	echo "bench-rib: bgpdump not installed (apt-get install bgpdump):" \
	    "no ratio" >&2
	status=77
fi
echo
"$BENCH_RIB" -n "$runs" ${bs:+-b "$bs"} "$rib" "$upd" ${rib6:+"$rib6"} || exit 1
exit $status
