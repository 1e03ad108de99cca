# Shared helpers for peertop's script tests (POSIX sh; bash is fine too).
# Source it with
#
#	. "${top_srcdir:-.}/tests/lib.sh"
#
# and then use:
#
#	ok DESC / not_ok DESC	count and print a TAP-style result line
#	check DESC CMD [ARG...]	run CMD; ok if it exits 0, else not_ok
#	diag TEXT		print "# TEXT" (not counted)
#	summary			print the counts and exit 1 if anything
#				failed, 0 otherwise
#	skip_all REASON		print the reason and exit 77 (automake SKIP)
#	wait_for CMD TIMEOUT	evaluate the shell command CMD (a string)
#				every 0.2 s until it succeeds (return 0) or
#				TIMEOUT seconds of wall time have passed
#				(return 1); CMD's output is discarded
#	at_exit CMD		run CMD (a shell string) when the script
#				exits, also on INT/TERM/HUP; the last
#				registered runs first
#	mktmpdir		create a private temporary directory, set
#				$TEST_TMPDIR to it and remove it at exit
#
# Exit codes follow automake's simple test driver: 0 pass, 1 fail, 77 skip.

lib_passed=0
lib_failed=0
lib_atexit=""
lib_cleaning=0

ok()
{
	lib_passed=$((lib_passed + 1))
	echo "ok - $*"
}

not_ok()
{
	lib_failed=$((lib_failed + 1))
	echo "not ok - $*"
}

diag()
{
	echo "# $*"
}

check()
{
	lib_desc=$1
	shift
	if "$@"; then
		ok "$lib_desc"
	else
		not_ok "$lib_desc"
	fi
}

summary()
{
	echo "# $lib_passed passed, $lib_failed failed"
	if [ "$lib_failed" -ne 0 ]; then
		exit 1
	fi
	if [ "$lib_passed" -eq 0 ]; then
		echo "# no checks ran"
		exit 1
	fi
	exit 0
}

skip_all()
{
	echo "# SKIP: $*"
	exit 77
}

wait_for()
{
	lib_cmd=$1
	lib_deadline=$(($(date +%s) + ${2:-10}))
	while :; do
		if eval "$lib_cmd" >/dev/null 2>&1; then
			return 0
		fi
		[ "$(date +%s)" -lt "$lib_deadline" ] || return 1
		sleep 0.2
	done
}

lib_run_atexit()
{
	lib_status=$?
	# Run once, even if a signal arrives while cleaning up.
	if [ "$lib_cleaning" -ne 0 ]; then
		return
	fi
	lib_cleaning=1
	trap '' INT TERM HUP
	eval "$lib_atexit"
	exit "$lib_status"
}

at_exit()
{
	# Newest first: later resources usually depend on earlier ones.
	lib_atexit="$1
$lib_atexit"
}

mktmpdir()
{
	TEST_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/peertop-test.XXXXXX") || {
		echo "# cannot create a temporary directory" >&2
		exit 99
	}
	at_exit 'rm -rf "$TEST_TMPDIR"'
}

trap lib_run_atexit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
