#!/bin/sh
# SPDX-License-Identifier: ISC
# -l FILE (issue 13, item 10): a log that cannot be opened stops peertop
# with the path and the reason (it used to go silently to stderr), and
# the log is opened before the privileges are dropped, so a root
# collector that drops to "nobody" still writes to its root-owned log.
. "${top_srcdir:-.}/tests/lib.sh"

PEERTOP=${PEERTOP:-./peertop}
PEERTOP_DATADIR=${PEERTOP_DATADIR:-$top_srcdir/data}
export PEERTOP_DATADIR
mktmpdir
T=$TEST_TMPDIR
chmod 700 "$T"

printf 'database "%s/h.db"\n' "$T" >"$T/plain.conf"

for mode in -H ""; do
	name=${mode:-dashboard}
	out=$(timeout 5 "$PEERTOP" $mode -c "$T/plain.conf" \
	    -l "$T/no/such/dir/peertop.log" 2>&1 </dev/null)
	rc=$?
	check "$name: -l in a missing directory exits 1 (got $rc)" \
	    test "$rc" = 1
	case $out in
	*"$T/no/such/dir/peertop.log"*"No such file or directory"*)
		ok "$name: the message names the log and the reason" ;;
	*)	not_ok "$name: the message names the log and the reason: $out" ;;
	esac
done

# A link where the log goes is refused, whatever it points to, and what
# it points to is left alone.
echo victim >"$T/victim"
ln -s "$T/victim" "$T/linked.log"
out=$(timeout 5 "$PEERTOP" -H -c "$T/plain.conf" -l "$T/linked.log" 2>&1 \
    </dev/null)
rc=$?
check "-l through a symbolic link exits 1 (got $rc)" test "$rc" = 1
case $out in
*"$T/linked.log: a symbolic link"*)
	ok "... saying it is a link" ;;
*)	not_ok "... saying it is a link: $out" ;;
esac
check "... and the link's target is untouched" \
    test "$(cat "$T/victim")" = victim

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	# The log's directory is root's alone: opened after the drop to
	# nobody, the log could not be created.
	cat >"$T/drop.conf" <<CONF
database "$T/drop.db"
probe { interval 1s timeout 2s user "nobody" }
CONF
	"$PEERTOP" -H -c "$T/drop.conf" -l "$T/root.log" \
	    >"$T/stderr" 2>&1 </dev/null &
	pid=$!
	at_exit "kill $pid 2>/dev/null"
	if wait_for "grep -q 'headless:' '$T/root.log'" 10; then
		ok "after the drop to nobody the log is still written"
	else
		not_ok "after the drop to nobody the log is still written"
		sed 's/^/# /' "$T/stderr"
	fi
	uid=$(awk '/^Uid:/ { print $3 }' /proc/$pid/status 2>/dev/null)
	check "peertop runs as nobody (uid $uid)" \
	    test "$uid" = "$(id -u nobody)"
	kill $pid
	wait $pid
	check "it exits 0 on SIGTERM" test $? = 0
	check "nothing was logged to stderr instead" test ! -s "$T/stderr"
else
	diag "not root (or no user nobody): the privilege drop is not tested"
fi
summary
