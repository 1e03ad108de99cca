# SPDX-License-Identifier: ISC
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
# and, for the tests against the lab (tests/lab/lab; $LAB, $PEERTOP):
#
#	lab_need_bird		skip_all without bird2 (bird and birdc)
#	lab_need TOOL...	not_ok and summary when a TOOL or the built
#				$PEERTOP is missing
#	lab_setup		mktmpdir and set T, DIR (the lab's directory),
#				CONF, DB and HPID (the headless peertop's pid,
#				empty for none); at exit the lab is stopped and
#				that peertop killed
#	lab_start BASE SPAN STRIDE
#				start the lab in $DIR on 127.N/16, N in BASE
#				to BASE + SPAN - 1 (up to three tries, N moving
#				by STRIDE while the addresses are in use); sets
#				and exports LAB_NET; on failure not_ok, the
#				log and summary
#	lab_check_conf		ok if peertop -n accepts $CONF, else not_ok,
#				the output and summary
#	lab_stop_headless	SIGTERM $HPID and check it exits 0 in 5 s
#	lab_processes NAME...	" PID" for each NAME process whose command
#				line names a file in $DIR
#	sql SQL			sqlite3 -readonly on $DB
#	mark, count_events, has_events, wait_events, dump_events
#				the history's events since a mark (below)
#	bmp_peertop_end LOG	the BMP tests' end: no "warning: bmp" in LOG,
#				peertop ($PPID_PT) still runs and exits 0 on
#				SIGTERM; PPID_PT is emptied
#	once [CONF]		peertop --once -o json into $T/once.json
#	jqo ARG...		jq -r ARG... on $T/once.json
#
# Exit codes follow automake's simple test driver: 0 pass, 1 fail, 77 skip.

# Each test its own control socket (peertop -H listens on it, the
# dashboard and --once attach to what answers there): one test's
# collector is never the one another test's dashboard finds.
PEERTOP_SOCKET=${TMPDIR:-/tmp}/peertop-test-$$.sock
export PEERTOP_SOCKET

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
	# A helper library's last checks (tmux-lib.sh: sanitizer reports).
	if command -v lib_summary_hook >/dev/null 2>&1; then
		lib_summary_hook
	fi
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

# ------------------------------------------------------------ the lab

lab_need_bird()
{
	if ! command -v bird >/dev/null 2>&1 ||
	    ! command -v birdc >/dev/null 2>&1; then
		skip_all "bird2 is not installed (apt-get install bird2)"
	fi
}

lab_need()
{
	for lib_tool in "$@"; do
		if ! command -v "$lib_tool" >/dev/null 2>&1; then
			not_ok "$lib_tool is needed by this test" \
			    "(apt-get install $lib_tool)"
			summary
		fi
	done
	if [ ! -x "$PEERTOP" ]; then
		not_ok "peertop is not built: $PEERTOP"
		summary
	fi
}

lab_setup()
{
	mktmpdir
	T=$TEST_TMPDIR
	DIR=$T/lab
	CONF=$DIR/peertop.conf
	DB=$DIR/history.db
	HPID=""
	# lab stop copes with a half-started lab; registered before starting.
	at_exit '"$LAB" stop "$DIR" >/dev/null 2>&1'
	at_exit 'if [ -n "$HPID" ]; then kill "$HPID" 2>/dev/null;
	    wait "$HPID" 2>/dev/null; fi'
}

lab_start()
{
	for lib_try in 1 2 3; do
		LAB_NET=$(($1 + ($$ + lib_try * $3) % $2))
		export LAB_NET
		if "$LAB" start "$DIR" >"$T/start.log" 2>&1; then
			return 0
		fi
		grep -q 'already in use' "$T/start.log" || break
	done
	not_ok "lab start"
	sed 's/^/# /' "$T/start.log"
	summary
}

# lab_birdc ROUTER ARGS...: birdc on a lab router; the reply's last line
# is kept for diagnostics.
lab_birdc()
{
	"$LAB" birdc "$DIR" "$@" >"$T/birdc.out" 2>&1 ||
		diag "birdc $*: $(tail -n 1 "$T/birdc.out")"
}

# level_of TYPE: the level of the newest event of TYPE after the mark.
level_of()
{
	sql "SELECT level FROM events WHERE id > ${MARK:-0} AND type = '$1'
	    ORDER BY id DESC LIMIT 1"
}

lab_check_conf()
{
	if "$PEERTOP" -n -c "$CONF" >"$T/check.log" 2>&1; then
		ok "peertop -n accepts the lab's peertop.conf"
	else
		not_ok "peertop -n accepts the lab's peertop.conf"
		sed 's/^/# /' "$T/check.log"
		summary
	fi
}

lab_stop_headless()
{
	kill -TERM "$HPID"
	if wait_for '! kill -0 "$HPID"' 5; then
		wait "$HPID"
		lib_hrc=$?
		HPID=""
		check "headless peertop exits 0 on SIGTERM" test "$lib_hrc" = 0
	else
		not_ok "headless peertop exits on SIGTERM within 5 s"
	fi
}

# No procps needed: /proc's comm and cmdline.
lab_processes()
{
	for lib_f in /proc/[0-9]*; do
		lib_comm=$(cat "$lib_f/comm" 2>/dev/null) || continue
		for lib_name in "$@"; do
			[ "$lib_comm" = "$lib_name" ] || continue
			if tr '\0' ' ' <"$lib_f/cmdline" 2>/dev/null |
			    grep -q -F "$DIR/"; then
				printf ' %s' "${lib_f#/proc/}"
			fi
		done
	done
}

sql()
{
	sqlite3 -readonly "$DB" "$1" 2>/dev/null
}

# once [CONF]: peertop --once -o json of CONF (default $CONF) into
# $T/once.json, its status in $ONCE_RC; true when the output is JSON.
once()
{
	timeout 30 "$PEERTOP" --once -o json -c "${1:-$CONF}" >"$T/once.json" \
	    2>"$T/once.err"
	ONCE_RC=$?
	jq -e . "$T/once.json" >/dev/null 2>&1
}

jqo()
{
	jq -r "$@" "$T/once.json" 2>/dev/null
}

# The events of the history ($DB) after a mark:
#	mark			later counts see events from now on
#	count_events TYPE [SQL-CONDITION]
#	has_events TYPE N [SQL-CONDITION]	at least N of them
#	wait_events DESC TYPE N [SQL-CONDITION]
#				ok if N show up within $STEP seconds, else
#				not_ok and dump_events
#	dump_events		the last 40 as diagnostics
count_events()
{
	sql "SELECT count(*) FROM events WHERE id > ${MARK:-0} AND
	    type = '$1' ${2:+AND $2}"
}

has_events()
{
	[ "$(count_events "$1" "$3")" -ge "$2" ] 2>/dev/null
}

mark()
{
	MARK=$(sql "SELECT coalesce(max(id), 0) FROM events")
	[ -n "$MARK" ] || MARK=0
}

dump_events()
{
	sql "SELECT id, type, level, subject, summary FROM events
	    WHERE id > ${MARK:-0} ORDER BY id" | sed 's/^/#   /' | tail -n 40
}

wait_events()
{
	if wait_for "has_events '$2' '$3' \"$4\"" "${STEP:-15}"; then
		ok "$1"
	else
		not_ok "$1 ($(count_events "$2" "$4") of $3 $2)"
		dump_events
	fi
}

bmp_peertop_end()
{
	if grep -q "warning: bmp" "$1"; then
		not_ok "no warnings from the collector"
		grep "warning: bmp" "$1" | sed 's/^/# /'
	else
		ok "no warnings from the collector"
	fi
	check "peertop still runs" kill -0 "$PPID_PT"
	kill "$PPID_PT"
	wait "$PPID_PT"
	check "peertop exits 0 on SIGTERM" [ $? -eq 0 ]
	PPID_PT=""
}

trap lib_run_atexit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
