#!/bin/sh
# SPDX-License-Identifier: ISC
# The history file as the real headless binary makes and trusts it (issue
# 13, items 8 and 9): a new file 0600 (0640 in a set-group-ID directory)
# with its -wal and -shm alike while it runs; the configuration kept in
# run.config with its token redacted; a symbolic link (dangling or not),
# a file writable by group or others, and as root a file root does not
# own (unless "database FILE any-owner") refused with exit status 1 and
# a message naming the file, and nothing created through the link.  No
# port is bound: the only collector is an agent block, which -H ignores.

. "${top_srcdir:-.}/tests/lib.sh"

[ -x "$PEERTOP" ] || { not_ok "peertop binary $PEERTOP missing"; summary; }
command -v sqlite3 >/dev/null 2>&1 || skip_all "no sqlite3 shell"
mktmpdir
PEERTOP_DATADIR="$top_srcdir/data"
export PEERTOP_DATADIR
T=$TEST_TMPDIR
umask 022

cat >"$T/p.conf" <<'EOF'
# token "old-s3cret", rotated out
# the branch's agent
agent "branch-1" {
	collector 127.0.0.1 port 9
	token "hunter2-s3cret"
}
EOF

# The permission bits of a file, as octal digits.
mode() {
	stat -c %a "$1" 2>/dev/null
}

# Run headless on a history until it has written its run row (asked
# read-only: the sqlite3 shell would create a missing file itself), then
# look at the files beside it while it runs and stop it.
PID=
run_headless() {
	"$PEERTOP" -H -c "$T/p.conf" -d "$1" >"$T/log" 2>&1 &
	PID=$!
	wait_for "test \"\$(sqlite3 -readonly '$1' 'SELECT count(*) FROM run' \
	    2>/dev/null)\" = 1" 10
}
stop_headless() {
	kill "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	PID=
}
at_exit '[ -n "$PID" ] && kill "$PID" 2>/dev/null'

# Item 8: modes and the redacted configuration.
run_headless "$T/h.db"
check "new history 0600" test "$(mode "$T/h.db")" = 600
check "its -wal 0600 while it runs" test "$(mode "$T/h.db-wal")" = 600
check "its -shm 0600 while it runs" test "$(mode "$T/h.db-shm")" = 600
# Issue 14: one writer per history.  A second collector is refused,
# naming the first; nothing of it reaches the file.
out=$(timeout 10 "$PEERTOP" -H -c "$T/p.conf" -d "$T/h.db" 2>&1 </dev/null)
rc=$?
check "a second collector on the history exits 1 (got $rc)" test "$rc" = 1
case $out in
*"$T/h.db: in use by peertop pid $PID since "*)
	ok "... naming the pid of the first and since when" ;;
*)	not_ok "... naming the pid of the first and since when: $out" ;;
esac
check "... and writes no run row" test \
    "$(sqlite3 -readonly "$T/h.db" 'SELECT count(*) FROM run')" = 1
check "the lock file is 0600" test "$(mode "$T/h.db.lock")" = 600
stop_headless
sqlite3 "$T/h.db" "SELECT config FROM run" >"$T/config" 2>&1
check "run.config has the token redacted" \
    grep -qx '	token "<redacted>"' "$T/config"
check "run.config holds no secret" sh -c "! grep -q hunter2 '$T/config' &&
    ! grep -aq hunter2 '$T/h.db'"
check "a comment naming a secret is redacted" sh -c \
    "grep -qx '# <redacted>' '$T/config' && ! grep -aq old-s3cret '$T/h.db'"
check "any other comment is kept byte for byte" grep -qx \
    "# the branch's agent" "$T/config"

mkdir "$T/shared" && chmod 2750 "$T/shared"
run_headless "$T/shared/h.db"
check "in a set-group-ID directory: 0640" \
    test "$(mode "$T/shared/h.db")" = 640
check "... and its -wal 0640" test "$(mode "$T/shared/h.db-wal")" = 640
stop_headless

# Item 9: links, writable files, owners.
ln -s "$T/target.db" "$T/dangling.db"
"$PEERTOP" -H -c "$T/p.conf" -d "$T/dangling.db" >"$T/out" 2>"$T/err"
check "a dangling link: exit 1" test $? -eq 1
check "... nothing created through it" test ! -e "$T/target.db"
check "... the message names the link" \
    grep -q "$T/dangling.db: a symbolic link" "$T/err"
ln -s "$T/h.db" "$T/link.db"
before=$(cksum <"$T/h.db")
"$PEERTOP" -H -c "$T/p.conf" -d "$T/link.db" >"$T/out" 2>"$T/err"
check "a link to a history: exit 1" test $? -eq 1
check "... the history untouched" test "$(cksum <"$T/h.db")" = "$before"
"$PEERTOP" report "$T/link.db" -o csv >"$T/out" 2>"$T/err"
check "report still reads through a link" test $? -eq 0

cp "$T/h.db" "$T/w.db" && chmod 666 "$T/w.db"
"$PEERTOP" -H -c "$T/p.conf" -d "$T/w.db" >"$T/out" 2>"$T/err"
check "a world-writable history: exit 1" test $? -eq 1
check "... said with its mode" grep -q \
    "$T/w.db: writable by every user (mode 0666)" "$T/err"
chmod 660 "$T/w.db"
"$PEERTOP" -H -c "$T/p.conf" -d "$T/w.db" >"$T/out" 2>"$T/err"
check "a group-writable history: exit 1" test $? -eq 1

if [ "$(id -u)" = 0 ]; then
	cp "$T/h.db" "$T/o.db" && chmod 600 "$T/o.db" &&
	    chown 65534 "$T/o.db"
	"$PEERTOP" -H -c "$T/p.conf" -d "$T/o.db" >"$T/out" 2>"$T/err"
	check "root and another user's history: exit 1" test $? -eq 1
	check "... said with the owner" grep -q \
	    "$T/o.db: owned by uid 65534, not root" "$T/err"
	sed "1i database \"$T/o.db\" any-owner" "$T/p.conf" >"$T/any.conf"
	"$PEERTOP" -H -c "$T/any.conf" >"$T/log" 2>&1 &
	PID=$!
	check "... taken with any-owner" wait_for "test \"\$(sqlite3 \
	    -readonly '$T/o.db' 'SELECT count(*) FROM run' 2>/dev/null)\" = 2" 10
	stop_headless
else
	diag "not root: the owner check is not tried"
fi

summary
