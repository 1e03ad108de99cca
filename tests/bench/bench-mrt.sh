#!/bin/sh
# SPDX-License-Identifier: ISC
# MRT decoding speed against bgpdump (issue 3), in one run on one machine:
#
#   bgpdump -m FILE > /dev/null         the named peer (Debian's bgpdump)
#   peertop mrt --dump FILE > /dev/null decode + bgpdump -m formatting:
#                                       the like-for-like comparison
#   bench-mrt (file / memory)           decode only: every element into a
#                                       struct mrt_elem, nothing printed
#
# Each file is decompressed first into a temporary raw file so that all
# tools read the same uncompressed bytes.  Each command runs once to warm
# the page cache, then BENCH_RUNS times (default 5); the median wall time
# is reported.  Elements are the lines bgpdump -m prints; the script
# checks that peertop --dump prints as many.  The ratio is elements/s
# over bgpdump's (above 1: faster than bgpdump).
#
# Not a test (make check does not run it): `make bench` builds bench-mrt
# and runs this with top_srcdir, PEERTOP and BENCH_MRT set.  Arguments
# replace the default files (raw, .gz or .bz2).  Exit 1 when a tool fails
# or the element counts disagree, 77 when bgpdump is missing.

runs=${BENCH_RUNS:-5}
top_srcdir=${top_srcdir:-.}
PEERTOP=${PEERTOP:-./peertop}
BENCH_MRT=${BENCH_MRT:-./tests/bench/bench-mrt}

if ! command -v bgpdump >/dev/null 2>&1; then
	echo "bench-mrt: bgpdump not installed (apt-get install bgpdump)" >&2
	exit 77
fi
for t in "$PEERTOP" "$BENCH_MRT"; do
	[ -x "$t" ] || { echo "bench-mrt: $t missing" >&2; exit 1; }
done
case $(date +%N) in
*N*|'') echo "bench-mrt: date +%N (GNU date) needed" >&2; exit 1 ;;
esac

if [ $# -eq 0 ]; then
	d="$top_srcdir/tests/data/mrt"
	set -- "$d/pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz" \
	    "$d/bgpdump/updates.et-header.2015.gz"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-mrt.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

. "$(dirname "$0")/bench-lib.sh"

# Median wall seconds of "$@" > /dev/null; a status other than 0 (or 1
# for peertop's located decode errors) fails the benchmark.
median()
{
	bench_median bench-mrt 1 "$@"
}

# row TOOL SECONDS ELEMENTS BGPDUMP_SECONDS BGPDUMP_ELEMENTS: the ratio
# is of elements/s.
row()
{
	awk -v tool="$1" -v s="$2" -v n="$3" -v bs="$4" -v bn="$5" 'BEGIN {
		eps = (s > 0) ? n / s : 0
		ratio = (bs > 0 && bn > 0) ? eps / (bn / bs) : 0
		printf("  %-30s %9.4f %13.0f %8.2f\n", tool, s, eps, ratio) }'
}

echo "MRT decoding vs bgpdump -m, median of $runs runs (+1 warm-up)"
echo "host: $(uname -sm), $(getconf _NPROCESSORS_ONLN 2>/dev/null) CPUs;" \
    "$(bgpdump -h 2>&1 | sed -n 's/^\(bgpdump version [^ ]*\).*/\1/p' |
    head -n 1)"
[ -n "$BENCH_CFLAGS" ] && echo "peertop CFLAGS: $BENCH_CFLAGS"
echo "this measures decode only and decode + --dump format; loading into"
echo "the RIB is measured by bench-rib.sh (make bench runs both)."
status=0
for f in "$@"; do
	b=$(basename "$f")
	b=${b%.gz}
	raw="$tmp/${b%.bz2}.mrt"
	case $f in
	*.gz)	gzip -dc "$f" >"$raw" ;;
	*.bz2)	bzip2 -dc "$f" >"$raw" ;;
	*)	cp "$f" "$raw" ;;
	esac || { echo "bench-mrt: cannot decompress $f" >&2; exit 1; }

	n=$(bgpdump -m "$raw" 2>/dev/null | wc -l)
	np=$("$PEERTOP" mrt --dump "$raw" 2>/dev/null | wc -l)
	echo
	echo "$(basename "$f"): $(wc -c <"$raw") bytes raw, $n elements" \
	    "(bgpdump -m lines)"
	if [ "$np" -ne "$n" ]; then
		echo "  WARNING: peertop --dump printed $np lines, bgpdump $n"
		status=1
	fi

	tb=$(median bgpdump -m "$raw")
	tp=$(median "$PEERTOP" mrt --dump "$raw")
	"$BENCH_MRT" -p -n "$runs" "$raw" >"$tmp/decode" || status=1

	printf '  %-30s %9s %13s %8s\n' tool seconds elements/s ratio
	row "bgpdump -m" "$tb" "$n" "$tb" "$n"
	row "peertop mrt --dump" "$tp" "$np" "$tb" "$n"
	while read -r mode ne s; do
		if [ "$ne" -ne "$n" ]; then
			echo "  WARNING: decode-only ($mode) counted $ne" \
			    "elements, bgpdump $n"
			status=1
		fi
		row "peertop decode only ($mode)" "$s" "$ne" "$tb" "$n"
	done <"$tmp/decode"
done
exit $status
