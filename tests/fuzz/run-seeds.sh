#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs every fuzz harness once over its seed corpus
# (tests/fuzz/corpus/<harness>/): with the plain build the harness is
# linked with tests/fuzz/driver.c, with --enable-fuzzing it is a libFuzzer
# binary and -runs=0 makes it only replay the corpus.  Fails when a harness
# is missing, its corpus is empty, or it crashes or hangs on any seed (a
# harness gets SEED_SECONDS, 300 unless set, for its whole corpus).

. "${top_srcdir:-.}/tests/lib.sh"

: "${top_builddir:=.}"
harnesses="fuzz-config fuzz-bird fuzz-world fuzz-bmp fuzz-bgp fuzz-mrt fuzz-rib
    fuzz-prom fuzz-ingest fuzz-history fuzz-replica fuzz-asrel"
mktmpdir
log="$TEST_TMPDIR/run.log"

for h in $harnesses; do
	bin="$top_builddir/tests/fuzz/$h"
	corpus="$top_srcdir/tests/fuzz/corpus/$h"
	if [ ! -x "$bin" ]; then
		not_ok "$h: harness $bin not built"
		continue
	fi
	nseeds=$(find "$corpus" -type f 2>/dev/null | wc -l)
	if [ "$nseeds" -eq 0 ]; then
		not_ok "$h: no seeds in $corpus"
		continue
	fi
	if timeout "${SEED_SECONDS:-300}" "$bin" -runs=0 "$corpus" >"$log" 2>&1
	then
		ok "$h: $nseeds seeds"
	else
		rc=$?
		if [ "$rc" -eq 124 ]; then
			not_ok "$h: still running on its corpus after" \
			    "${SEED_SECONDS:-300} s"
		else
			not_ok "$h: failed on its corpus (exit $rc)"
		fi
		sed 's/^/# /' "$log" | tail -30
	fi
done
summary
