# SPDX-License-Identifier: ISC
# Shared by the benchmark scripts (sourced; they set $tmp and $runs).

# bench_median NAME MAXRC COMMAND...: the median wall seconds of COMMAND
# over $runs runs after one warm-up, its output into $bench_out (default
# /dev/null: the last run's is kept); an exit status above MAXRC fails
# the benchmark with COMMAND's stderr.
bench_median()
{
	bm_name=$1
	bm_max=$2
	shift 2
	bm_i=0
	: >"$tmp/times"
	while [ $bm_i -le "$runs" ]; do
		bm_t0=$(date +%s%N)
		"$@" >"${bench_out:-/dev/null}" 2>"$tmp/stderr"
		bm_rc=$?
		bm_t1=$(date +%s%N)
		if [ $bm_rc -gt "$bm_max" ]; then
			echo "$bm_name: $* exited $bm_rc:" >&2
			cat "$tmp/stderr" >&2
			exit 1
		fi
		[ $bm_i -gt 0 ] && echo "$bm_t0 $bm_t1" |
		    awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >>"$tmp/times"
		bm_i=$((bm_i + 1))
	done
	sort -n "$tmp/times" | awk '{ t[NR] = $1 }
	    END { if (NR % 2) print t[(NR + 1) / 2];
		  else printf "%.6f\n", (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}
