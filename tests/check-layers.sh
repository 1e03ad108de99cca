#!/bin/sh
# The layering rules of STYLE.md, checked on the source tree:
# core/ never includes curses; only core/store*.c include sqlite3.h (the
# store and its readers: store-replay.c, store-report.c); only
# core/geo.c includes maxminddb.h; tui/ never runs SQL, opens sockets or
# includes a decoder.
: "${top_srcdir:=$(dirname "$0")/..}"
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
# The checks must be able to fail: a planted include is caught.
probe=$(printf '#include <curses.h>\n' | grep -lE '#include[[:space:]]*[<"](n?curses|ncursesw/)')
check "the curses check catches a planted include" \
    "$( [ -n "$probe" ] || echo 'pattern missed it')"
exit $fail
