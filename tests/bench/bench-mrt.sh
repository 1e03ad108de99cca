#!/bin/sh
# SPDX-License-Identifier: ISC
# MRT against bgpdump (issues 3 and 18), in one run on one machine, each
# figure printed with bgpdump's from the same run, the ratio, the target
# and PASS or MISS:
#
#   load  "peertop mrt -c CONF FILE" against "bgpdump -m FILE", whole
#         processes (start-up, configuration, GeoIP, decompression,
#         decoding, the RIB and the route monitor, output, exit) on the
#         file as given: decompressing .gz/.bz2 counts for both.  CONF
#         is tests/mrt/replay.conf (BENCH_MRT_CONF).  Target >= 20x.
#   dump  "peertop mrt --dump RAW" against "bgpdump -m RAW", the file
#         decompressed beforehand into a temporary raw file so that both
#         read the same bytes.  Target >= 5x.
#
# Then, for reference, the decoder alone (bench-mrt: every element into
# a struct mrt_elem, nothing printed; from the file and from memory).
#
# The two tools of a figure take turns, one run each, once to warm the
# page cache and then BENCH_RUNS times (default 5); the medians of the
# wall times are compared (ratio = bgpdump's time over peertop's, the
# same as elements/s over bgpdump's: both handle every element).
# Elements are the lines bgpdump -m prints; the script checks that
# peertop --dump prints as many.
#
# Not a test (make check does not run it): `make bench` builds bench-mrt
# and runs this with top_srcdir, PEERTOP and BENCH_MRT set.  Arguments
# replace the default files (raw, .gz or .bz2).  Exit 1 when a tool fails
# or the element counts disagree, 77 when bgpdump is missing (after
# peertop's own figures).

runs=${BENCH_RUNS:-5}
top_srcdir=${top_srcdir:-.}
PEERTOP=${PEERTOP:-./peertop}
BENCH_MRT=${BENCH_MRT:-./tests/bench/bench-mrt}
conf=${BENCH_MRT_CONF:-$top_srcdir/tests/mrt/replay.conf}
PEERTOP_DATADIR=${PEERTOP_DATADIR:-$top_srcdir/data}
export PEERTOP_DATADIR

for t in "$PEERTOP" "$BENCH_MRT"; do
	[ -x "$t" ] || { echo "bench-mrt: $t missing" >&2; exit 1; }
done
case $(date +%N) in
*N*|'') echo "bench-mrt: date +%N (GNU date) needed" >&2; exit 1 ;;
esac
have_bgpdump=1
command -v bgpdump >/dev/null 2>&1 || have_bgpdump=0

if [ $# -eq 0 ]; then
	d="$top_srcdir/tests/data/mrt"
	set -- "$d/pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz" \
	    "$d/bgpdump/updates.et-header.2015.gz"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-mrt.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# timed OUT CMD...: the wall seconds of CMD (its output to /dev/null)
# appended to OUT, unless OUT is -.  An exit status above 2 (peertop:
# 1 a located decode error, 2 a Critical route event) fails the
# benchmark with CMD's stderr.
timed()
{
	tm_out=$1
	shift
	tm_t0=$(date +%s%N)
	"$@" >/dev/null 2>"$tmp/stderr"
	tm_rc=$?
	tm_t1=$(date +%s%N)
	if [ $tm_rc -gt 2 ]; then
		echo "bench-mrt: $* exited $tm_rc:" >&2
		cat "$tmp/stderr" >&2
		exit 1
	fi
	[ "$tm_out" = - ] || echo "$tm_t0 $tm_t1" |
	    awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >>"$tm_out"
}

median()
{
	sort -n "$1" | awk '{ t[NR] = $1 }
	    END { if (NR % 2) print t[(NR + 1) / 2];
		  else printf "%.6f\n", (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}

# turns A B FILE: the functions A and B on FILE, taking turns (a warm-up
# of each, then $runs each); their medians in $ta and $tb (tb empty
# without bgpdump, for B is always bgpdump).
turns()
{
	: >"$tmp/a"
	: >"$tmp/b"
	tr_i=0
	while [ $tr_i -le "$runs" ]; do
		tr_o=-
		[ $tr_i -gt 0 ] && tr_o="$tmp/a"
		timed "$tr_o" "$1" "$3"
		if [ $have_bgpdump = 1 ]; then
			[ $tr_i -gt 0 ] && tr_o="$tmp/b"
			timed "$tr_o" "$2" "$3"
		fi
		tr_i=$((tr_i + 1))
	done
	ta=$(median "$tmp/a")
	tb=
	[ $have_bgpdump = 1 ] && tb=$(median "$tmp/b")
}

run_bgpdump() { bgpdump -m "$1"; }
run_dump() { "$PEERTOP" mrt --dump "$1"; }
run_load() { "$PEERTOP" mrt -c "$conf" "$1"; }

# row TOOL SECONDS ELEMENTS [BGPDUMP_SECONDS TARGET]: with bgpdump's time
# the ratio, and with a target PASS or MISS.
row()
{
	awk -v tool="$1" -v s="$2" -v n="$3" -v bs="$4" -v target="$5" '
	BEGIN {
		eps = (s > 0) ? n / s : 0
		line = sprintf("  %-36s %8.4f %12.0f", tool, s, eps)
		if (bs != "" && s > 0) {
			r = bs / s
			line = line sprintf(" %7.2fx", r)
			if (target != "")
				line = line sprintf("  target %sx  %s", target,
				    r >= target ? "PASS" : "MISS")
		}
		print line
	}'
}

echo "MRT vs bgpdump -m, taking turns, median of $runs runs (+1 warm-up)"
echo "host: $(uname -sm), $(getconf _NPROCESSORS_ONLN 2>/dev/null) CPUs," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
[ $have_bgpdump = 1 ] && bgpdump -h 2>&1 |
    sed -n 's/^\(bgpdump version [^ ]*\).*/\1/p' | head -n 1
[ -n "$BENCH_CFLAGS" ] && echo "peertop CFLAGS: $BENCH_CFLAGS"
echo "load: peertop mrt -c $(basename "$conf") FILE, whole process, the file"
echo "      as given (target >= 20x bgpdump -m FILE)"
echo "dump: peertop mrt --dump RAW, RAW decompressed beforehand (target"
echo "      >= 5x bgpdump -m RAW); decode only: bench-mrt, for reference"
[ $have_bgpdump = 1 ] ||
    echo "bgpdump not installed (apt-get install bgpdump): no ratios"
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

	np=$("$PEERTOP" mrt --dump "$raw" 2>/dev/null | wc -l)
	n=$np
	[ $have_bgpdump = 1 ] && n=$(bgpdump -m "$raw" 2>/dev/null | wc -l)
	echo
	echo "$(basename "$f"): $(wc -c <"$f") bytes, $(wc -c <"$raw") raw," \
	    "$n elements (bgpdump -m lines)"
	if [ "$np" -ne "$n" ]; then
		echo "  WARNING: peertop --dump printed $np lines, bgpdump $n"
		status=1
	fi
	printf '  %-36s %8s %12s %8s\n' tool seconds elements/s ratio

	turns run_load run_bgpdump "$f"
	[ -n "$tb" ] && row "bgpdump -m FILE" "$tb" "$n"
	row "peertop mrt -c (load)" "$ta" "$n" "$tb" 20

	turns run_dump run_bgpdump "$raw"
	[ -n "$tb" ] && row "bgpdump -m RAW" "$tb" "$n"
	row "peertop mrt --dump RAW" "$ta" "$np" "$tb" 5

	"$BENCH_MRT" -p -n "$runs" "$raw" >"$tmp/decode" || status=1
	while read -r mode ne s; do
		if [ "$ne" -ne "$n" ]; then
			echo "  WARNING: decode-only ($mode) counted $ne" \
			    "elements, bgpdump $n"
			status=1
		fi
		row "peertop decode only ($mode)" "$s" "$ne" "$tb"
	done <"$tmp/decode"
done
[ $status = 0 ] && [ $have_bgpdump = 0 ] && exit 77
exit $status
