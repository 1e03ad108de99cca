#!/bin/sh
# SPDX-License-Identifier: ISC
# BMP collector into the RIB (tests/bench/bench-bmp.c): the real UPDATEs
# of an MRT updates file, wrapped as BMP Route Monitoring and streamed
# over loopback TCP by a child process into the bmp collector and RIB
# running in one process on one libevent loop; prefixes/s until the last
# message is applied, against the target of 1,000,000 prefixes/s.
#
# No named peer tool is compared: no BMP collector that stores a RIB
# (pmacct's pmbmpd, OpenBMP, GoBMP) is packaged for this system, so the
# figure stands against the target alone; the script says so.
#
# Not a test (make check does not run it): `make bench` builds bench-bmp
# and runs this with top_srcdir and BENCH_BMP set.  An argument replaces
# the default file.  BENCH_RUNS (default 3) runs, median reported.

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
found=
for t in pmbmpd gobmp openbmpd; do
	command -v $t >/dev/null 2>&1 && found="$found $t"
done
if [ -n "$found" ]; then
	echo "bench-bmp: installed but not compared:$found"
else
	echo "bench-bmp: no named peer tool to compare with (pmbmpd," \
	    "gobmp, openbmpd not installed): target only"
fi
exec "$BENCH_BMP" -n "$runs" "$1"
