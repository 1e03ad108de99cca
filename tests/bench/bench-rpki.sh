#!/bin/sh
# SPDX-License-Identifier: ISC
# RPKI origin validation benchmarks (issue 16): a 1 M-route RIB against
# 500 k synthetic VRPs (target >= 5 M routes/s), the same routes through
# RTRlib's pfx_table in the same run (the ratio printed), and the
# revalidation after a 1% VRP change (target <= 100 ms).  See
# tests/bench/README and tests/bench/bench-rpki.c.
#
# Not a test (make check does not run it): `make bench` runs it with
# BENCH_RPKI set.  BENCH_RUNS (default 5) runs, the median reported.

BENCH_RPKI=${BENCH_RPKI:-./tests/bench/bench-rpki}
[ -x "$BENCH_RPKI" ] || { echo "bench-rpki: $BENCH_RPKI missing" >&2; exit 1; }

echo "host: $(uname -sm), $(getconf _NPROCESSORS_ONLN 2>/dev/null) CPUs;" \
    "figures are noisy when the machine is busy"
[ -n "$BENCH_CFLAGS" ] && echo "peertop CFLAGS: $BENCH_CFLAGS"
exec "$BENCH_RPKI" -n "${BENCH_RUNS:-5}"
