#!/bin/sh
# SPDX-License-Identifier: ISC
# The layering rules of STYLE.md, checked on the source tree:
# core/ never includes curses; only core/store*.c include sqlite3.h (the
# store family: store.c, its schema, write queue, queries and SQL helpers
# in store-schema.c, store-write.c, store-query.c, store-sql.c, and its
# readers store-replay.c (with store-replay-timeline.c) and store-report.c; STYLE.md's "only the store"
# means this family, and the check below is where that is enforced); only
# core/geo.c includes maxminddb.h; tui/ never runs SQL, opens sockets or
# includes a decoder; no file in core/ calls a function of a file that
# calls it back, directly or round a longer cycle (read from the symbols
# of the built libcore.a, so calls through macros count and comments do
# not; a family X, X-* sharing core/X-private.h is one module; a const
# table of callbacks, such as output_text that output_find() hands out,
# is a plug-in point and not a call, so only function symbols count), and no
# core/ header includes one that includes it back.
: "${top_srcdir:=$(dirname "$0")/..}"
: "${top_builddir:=$top_srcdir}"
cd "$top_srcdir" || exit 1
fail=0
check() {
	# $1 description, $2 offending files (empty = ok)
	if [ -n "$2" ]; then
		echo "not ok - $1: $2"
		fail=1
	else
		echo "ok - $1"
	fi
}
check "core/ does not include curses" \
    "$(grep -lE '#include[[:space:]]*[<"](n?curses|ncursesw/)' core/*.c core/*.h 2>/dev/null)"
check "only core/store*.c include sqlite3.h" \
    "$(grep -l '#include[[:space:]]*<sqlite3.h>' core/*.c core/*.h tui/*.c tui/*.h | grep -v '^core/store[a-z-]*\.c$')"
check "only core/geo.c includes maxminddb.h" \
    "$(grep -l '#include[[:space:]]*<maxminddb.h>' core/*.c core/*.h tui/*.c tui/*.h | grep -v '^core/geo.c$')"
check "tui/ opens no sockets and runs no SQL" \
    "$(grep -lE '\<(socket|connect|sqlite3_[a-z_]+)[[:space:]]*\(' tui/*.c)"
check "tui/ includes no decoder" \
    "$(grep -l '#include.*decode-' tui/*.c tui/*.h)"
# Every source file carries its licence (ISC, LICENSE) in an SPDX line
# among its first three.
check "every source file has an SPDX-License-Identifier line" \
    "$(for f in core/*.[ch] tui/*.[ch] tests/*.sh tests/*/*.[ch] \
	tests/*/*.sh tests/*/*.py tests/lab/lab quickstart configure.ac \
	Makefile.am man/*.in man/*.5 man/*.mdoc; do
	[ -f "$f" ] || continue
	head -3 "$f" | grep -q 'SPDX-License-Identifier: ISC' || echo "$f"
    done | tr '\n' ' ')"
# nm of an archive on stdin, module names of the families as arguments:
# "A -> B -> A" for each module on a call cycle, nothing if none.
cycles() {
	awk -v fams="$*" '
	function mod(f,   i, n, fl) {
		sub(/^[a-z]*_a-/, "", f)
		sub(/\.o$/, "", f)
		n = split(fams, fl, " ")
		for (i = 1; i <= n; i++)
			if (f == fl[i] || index(f, fl[i] "-") == 1)
				return (fl[i])
		return (f)
	}
	/:$/ { cur = mod(substr($0, 1, length($0) - 1)); mods[cur] = 1; next }
	$2 == "T" { def[$3] = cur; next }
	$1 == "U" { use[cur, $2] = 1 }
	END {
		for (k in use) {
			split(k, a, SUBSEP)
			if ((a[2] in def) && def[a[2]] != a[1]) {
				reach[a[1], def[a[2]]] = 1
				via[a[1], def[a[2]]] = a[2]
			}
		}
		for (k in mods) for (i in mods) if ((i, k) in reach)
			for (j in mods) if ((k, j) in reach && !((i, j) in reach))
				reach[i, j] = 1
		for (i in mods) for (j in mods)
			if (i < j && ((i, j) in reach) && ((j, i) in reach))
				print i " <-> " j
	}' | sort
}
# The same for the headers' includes, in nm's shape: none includes one
# that includes it back.
check "no include cycle between core/ headers" \
    "$(for h in core/*.h; do
	echo "x_a-${h#core/}.o:"
	echo "0 T ${h#core/}"
	sed -n 's|^#include[[:space:]]*"\(core/\)\{0,1\}\([a-z0-9-]*\.h\)".*| U \2|p' "$h"
    done | cycles | tr '\n' ' ')"
lib=$top_builddir/libcore.a
if [ -f "$lib" ]; then
	fams=$(ls core/*-private.h | sed 's|core/||; s|-private\.h$||')
	check "no call cycle between core/ files" \
	    "$(nm "$lib" | cycles $fams | tr '\n' ' ')"
	# It must be able to fail: a planted pair that call each other.
	planted=$(printf 'x_a-a.o:\n0 T a_f\n U b_f\nx_a-b.o:\n0 T b_f\n U c_f\nx_a-c.o:\n0 T c_f\n U a_f\n' |
	    cycles)
	check "the call cycle check catches a planted one" \
	    "$( [ -n "$planted" ] || echo 'it missed a -> b -> c -> a')"
else
	echo "not ok - no $lib to read the calls from: build first"
	fail=1
fi
# The checks must be able to fail: a planted include is caught.
probe=$(printf '#include <curses.h>\n' | grep -lE '#include[[:space:]]*[<"](n?curses|ncursesw/)')
check "the curses check catches a planted include" \
    "$( [ -n "$probe" ] || echo 'pattern missed it')"
exit $fail
