#!/bin/sh
# SPDX-License-Identifier: ISC
# History replay (issue 5): a generated 30-day history of 200 branches
# and 1,000 sessions (tests/bench/bench-history.c), then replay_open()
# and replay_load() at 200 random times with the configuration generated
# alongside; median and p95 in ms against the target (median <= 100 ms),
# the file's size and size per day.  Then (issue 18) the first jump
# after opening with the file's pages dropped from the page cache, at
# BENCH_COLD_RUNS (default 21) random times, each followed by the
# sqlite3 shell given the same statements, cold too: medians, ratio,
# target <= 100 ms; exit 77 when there is no sqlite3 shell.
#
# Generating takes minutes, so the file is kept: history-30d.db and
# history-30d.conf in BENCH_HISTORY_DIR (default: the build tree's
# tests/bench/), made again only when missing (delete them after
# changing the generator or the schema).
#
# Not a test (make check does not run it): `make bench` runs it with
# BENCH_HISTORY set.  Arguments: the number of times (default 200).

BENCH_HISTORY=${BENCH_HISTORY:-./tests/bench/bench-history}
dir=${BENCH_HISTORY_DIR:-$(dirname "$BENCH_HISTORY")}
db=$dir/history-30d.db
conf=$dir/history-30d.conf
: "${top_srcdir:=$(dirname "$0")/../..}"
PEERTOP_DATADIR=${PEERTOP_DATADIR:-$top_srcdir/data}
export PEERTOP_DATADIR

[ -x "$BENCH_HISTORY" ] ||
    { echo "bench-history: $BENCH_HISTORY missing" >&2; exit 1; }
case " ${BENCH_CFLAGS:-} " in
*" -O0 "*|*" -O0") echo "bench-history: note: built with -O0 (an" \
    "--enable-debug tree); configure without it for real figures" ;;
esac
if [ ! -s "$db" ] || [ ! -s "$conf" ]; then
	echo "bench-history: generating $db (a few minutes, once)"
	"$BENCH_HISTORY" gen "$db" "$conf" 30 || exit 1
fi
# A file kept from an older schema is upgraded as the writer would.
"$BENCH_HISTORY" upgrade "$db" "$conf" || exit 1
"$BENCH_HISTORY" run "$db" "$conf" "${1:-200}" || exit 1
exec "$BENCH_HISTORY" cold "$db" "$conf" "${BENCH_COLD_RUNS:-21}"
