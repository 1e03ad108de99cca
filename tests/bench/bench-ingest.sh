#!/bin/sh
# SPDX-License-Identifier: ISC
# Latency ingest into the SQLite history (tests/bench/bench-ingest.c):
# samples of 200 branches x 5 edges through store_latency_sample() and
# the real store_flush() path (raw rows, their indexes and the
# per-minute roll-ups, one transaction per 50,000-sample batch), into a
# fresh file under $TMPDIR per run; samples/s against issue 4's target
# of 100,000 samples/s, with PASS or MISS.
#
# No named peer tool is compared: the target stands alone.  The file
# lives in $TMPDIR; point TMPDIR at the disk the history will use for a
# figure that includes that disk.
#
# Not a test (make check does not run it): `make bench` builds
# bench-ingest and runs this with BENCH_INGEST set.  BENCH_RUNS
# (default 3) runs, median reported; arguments go to bench-ingest.

BENCH_INGEST=${BENCH_INGEST:-./tests/bench/bench-ingest}
runs=${BENCH_RUNS:-3}

[ -x "$BENCH_INGEST" ] ||
    { echo "bench-ingest: $BENCH_INGEST missing" >&2; exit 1; }
case " ${BENCH_CFLAGS:-} " in
*" -O0 "*|*" -O0") echo "bench-ingest: note: built with -O0 (an" \
    "--enable-debug tree); configure without it for real figures" ;;
esac
echo "bench-ingest: TMPDIR ${TMPDIR:-/tmp} ($(df -P "${TMPDIR:-/tmp}" |
    awk 'NR == 2 { print $1 }'))"
exec "$BENCH_INGEST" -n "$runs" "$@"
