#!/bin/sh
# SPDX-License-Identifier: ISC
# BMP collector into the RIB (tests/bench/bench-bmp.c): the real UPDATEs
# of an MRT updates file, wrapped as BMP Route Monitoring after an
# Initiation and each peer's Peer Up, streamed over loopback TCP by a
# child process into the bmp collector and RIB running in one process on
# one libevent loop; prefixes/s until the last message is applied,
# against the target of 1,000,000 prefixes/s.
#
# The named peer is pmacct's BMP collector, pmbmpd (apt-get install
# pmacct), fed the same bytes from the same sender in the same run, the
# two taking turns, keeping its table (and dumping it every 60 s): the
# CPU time each collector spends on the stream, and the wall time until
# the last prefix is applied, compared per CPU-second against the target
# of 5x.  After the last pmbmpd run its next table dump is awaited (up
# to 90 s; BENCH_BMP_VERIFY=0 skips it) and its entry count set against
# the routes peertop's RIB holds.  Without pmbmpd the script says so and
# exits 77 after peertop's own figures.
#
# Not a test (make check does not run it): `make bench` builds bench-bmp
# and runs this with top_srcdir and BENCH_BMP set.  An argument replaces
# the default file.  BENCH_RUNS (default 3) runs, medians reported.

top_srcdir=${top_srcdir:-.}
BENCH_BMP=${BENCH_BMP:-./tests/bench/bench-bmp}
runs=${BENCH_RUNS:-3}

[ -x "$BENCH_BMP" ] || { echo "bench-bmp: $BENCH_BMP missing" >&2; exit 1; }
if [ $# -eq 0 ]; then
	set -- "$top_srcdir/tests/data/mrt/bgpdump/updates.et-header.2015.gz"
fi
case " ${BENCH_CFLAGS:-} " in
*" -O0 "*|*" -O0") echo "bench-bmp: note: built with -O0 (an" \
    "--enable-debug tree); configure without it for real figures" ;;
esac
echo "bench-bmp: $(uname -sr), $(nproc 2>/dev/null || echo 1) CPUs," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
pm=$(command -v pmbmpd 2>/dev/null || true)
[ -z "$pm" ] && [ -x /usr/sbin/pmbmpd ] && pm=/usr/sbin/pmbmpd
if [ -z "$pm" ]; then
	echo "bench-bmp: no pmbmpd (apt-get install pmacct): peertop alone"
	"$BENCH_BMP" -n "$runs" "$1" || exit 1
	exit 77
fi
echo "bench-bmp: peer: $("$pm" -V 2>&1 | head -n 1)"
verify=-V
[ "${BENCH_BMP_VERIFY:-1}" = 0 ] && verify=
exec "$BENCH_BMP" $verify -n "$runs" -P "$pm" "$1"
