#!/bin/sh
# SPDX-License-Identifier: ISC
# The collector's control socket (issue 14) under hostile and careless
# clients, on unix sockets only, bounded (about 30 s in all):
#  (a) access: the socket file has its group and mode before anything
#      attaches; a user outside the group cannot connect (permission
#      denied, --once exits 3), nor get in when the file is opened up by
#      hand (SO_PEERCRED); a member of the group can, and --who names it;
#  (b) garbage and a line over 64 KiB: one error frame, closed at once,
#      the reason logged, the next client served;
#  (c) slowloris: silence after connecting and a half line are dropped
#      after ~10 s, a client sending commands in pieces is not, and
#      --once answers in under 2 s meanwhile;
#  (d) a client that asks and never reads is dropped as stalled, others
#      are answered throughout, the collector's memory grows by the
#      16 MiB bound and a margin, no more;
#  (e) max-viewers, a viewer killed with -9, the socket removed at
#      SIGTERM, a second collector on a live socket refused, a stale one
#      (its collector killed with -9) replaced.
# Root only: it makes the group ptview and the system users ptviewer (in
# it) and ptnobody (not), and runs clients as them (setpriv).

. "${top_srcdir:-.}/tests/lib.sh"

PEERTOP=${PEERTOP:-./peertop}
PEERTOP_DATADIR=${PEERTOP_DATADIR:-$top_srcdir/data}
export PEERTOP_DATADIR

[ "$(id -u)" = 0 ] || skip_all "root only: it creates a group and two" \
    "users and runs clients as them"
lab_need python3 socat setpriv

getent group ptview >/dev/null || groupadd -r ptview ||
    { not_ok "groupadd ptview"; summary; }
id ptviewer >/dev/null 2>&1 ||
    useradd -r -M -s /usr/sbin/nologin -G ptview ptviewer ||
    { not_ok "useradd ptviewer"; summary; }
id -nG ptviewer | grep -qw ptview || usermod -a -G ptview ptviewer
id ptnobody >/dev/null 2>&1 ||
    useradd -r -M -s /usr/sbin/nologin ptnobody ||
    { not_ok "useradd ptnobody"; summary; }
if id -nG ptnobody | grep -qw ptview; then
	gpasswd -d ptnobody ptview >/dev/null
fi

mktmpdir
T=$TEST_TMPDIR
chmod 755 "$T"		# the users below reach the sockets in it
S=$T/ctl.sock

# The clients the peertop binary does not play: one connection each,
# what it got printed (a line a frame, cut at 200 bytes), then how it
# ended: "closed after X s" or "still open".
cat >"$T/cl.py" <<'EOF'
import socket, sys, time

path, mode, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
if mode == "stall":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
t0 = time.monotonic()
s.connect(path)
got = b""

def drain(wait):
    # What has come within wait seconds; None once the collector closed.
    global got
    s.settimeout(wait)
    try:
        while True:
            b = s.recv(65536)
            if not b:
                return None
            got += b
            s.settimeout(0.01)
    except socket.timeout:
        return True
    except ConnectionError:
        return None

def report(open_):
    for line in got.decode(errors="replace").splitlines():
        print(line[:200])
    if open_:
        print("still open after %.2f s" % (time.monotonic() - t0))
    else:
        print("closed after %.2f s" % (time.monotonic() - t0))

if mode == "garbage":
    s.sendall(b"not json\n")
elif mode == "huge":
    try:
        s.sendall(b"x" * 102400)
    except ConnectionError:
        pass
elif mode == "half":
    s.sendall(b'{"cmd":"on')
elif mode == "hello":
    # A command, then nothing: it neither attaches nor asks again.
    s.sendall(b'{"cmd":"hello","client":"squatter"}\n')
elif mode == "pieces":
    # Whole commands, each line split across two writes half a second
    # apart: a partial line is always pending, none for long.
    s.sendall(b'{"cmd":"hello","client":"pieces"}\n{"cmd":"pi')
    while time.monotonic() - t0 < limit:
        if drain(0.5) is None:
            report(False)
            sys.exit(0)
        s.sendall(b'ng"}\n{"cmd":"pi')
    report(True)
    sys.exit(0)
elif mode == "stall":
    # Ask for --once over and over with a small receive buffer, never
    # read: until the collector gives up on us (EPIPE) or limit.
    lines = b'{"cmd":"once","format":"text"}\n' * 64
    n = 0
    s.settimeout(0.5)
    while time.monotonic() - t0 < limit:
        try:
            s.send(lines)
            n += 64
        except socket.timeout:
            continue
        except OSError as e:
            print("send: %s after %d commands, %.1f s" %
                  (e.strerror, n, time.monotonic() - t0))
            sys.exit(0)
    print("still open after %d commands, %.1f s" %
          (n, time.monotonic() - t0))
    sys.exit(0)
end = t0 + limit
while time.monotonic() < end:
    if drain(end - time.monotonic()) is None:
        report(False)
        sys.exit(0)
report(True)
EOF
chmod 644 "$T/cl.py"

printf '{"cmd":"hello","client":"viewer","tty":"test-control"}\n%s\n' \
    '{"cmd":"attach"}' >"$T/attach.cmd"

conf()
{
	cat <<EOF
database "$T/$1.db"
control "$2" $3
partner "p1" as 64500 {
	session "r1" neighbor 192.0.2.1 edge sea role primary
}
branch "hq" {
	address 192.0.2.10
}
EOF
}
conf c "$S" "{ group ptview mode 0660 }" >"$T/c.conf"

CPID=""
at_exit 'if [ -n "$CPID" ]; then kill "$CPID" 2>/dev/null; fi'
"$PEERTOP" -H -c "$T/c.conf" 2>"$T/c.log" </dev/null &
CPID=$!
if ! wait_for "grep -q 'listening' '$T/c.log'" 10; then
	not_ok "the collector listens on its control socket"
	sed 's/^/# /' "$T/c.log"
	summary
fi

# as USER CMD...: CMD as USER, with USER's groups (none for ptnobody).
as()
{
	as_u=$1
	shift
	setpriv --reuid="$as_u" --regid="$(id -g "$as_u")" --init-groups "$@"
}

# ms CMD...: run CMD (output to $T/out, stderr to $T/err), its status
# in $rc and its wall time in milliseconds in $took.
ms()
{
	ms_t0=$(date +%s%N)
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	took=$((($(date +%s%N) - ms_t0) / 1000000))
}

# once_ok WHAT: --once through the socket answers (status 0 to 2, the
# partner in it) in under 2 s.
once_ok()
{
	ms timeout 10 "$PEERTOP" --once -S "$S"
	if [ "$rc" -le 2 ] && grep -q '^p1 ' "$T/out" && [ "$took" -lt 2000 ]
	then
		ok "$1: --once answers ($took ms)"
	else
		not_ok "$1: --once answers in under 2 s (status $rc," \
		    "$took ms)"
		sed 's/^/# /' "$T/err"
	fi
}

# answers SOCKET: --once through SOCKET gives a status (0 to 2).
answers()
{
	timeout 10 "$PEERTOP" --once -S "$1" >/dev/null 2>&1
	[ $? -le 2 ]
}

# closed_after FILE MIN MAX: cl.py's FILE says it was closed after MIN
# to MAX seconds.
closed_after()
{
	awk -v lo="$2" -v hi="$3" '/^closed after/ { t = $3; found = 1 }
	    END { exit !(found && t >= lo && t <= hi) }' "$1"
}

# ---------------------------------------------------------------- (a)
mode=$(stat -c '%A %G' "$S" 2>&1)
check "the socket is srw-rw---- group ptview before anyone attaches \
(got $mode)" test "$mode" = "srw-rw---- ptview"

ms as ptnobody "$PEERTOP" --once -S "$S"
check "ptnobody (not in ptview): --once exits 3 (got $rc)" test "$rc" = 3
if grep -q "permission denied" "$T/err"; then
	ok "... saying permission denied"
else
	not_ok "... saying permission denied: $(cat "$T/err")"
fi

# The file opened up by hand: SO_PEERCRED still keeps ptnobody out.
chmod 0666 "$S"
ms as ptnobody "$PEERTOP" --once -S "$S"
chmod 0660 "$S"
if [ "$rc" = 3 ] && grep -q "may not attach" "$T/err"; then
	ok "socket chmod 0666: ptnobody is still refused (SO_PEERCRED)"
else
	not_ok "socket chmod 0666: ptnobody is still refused (status $rc):" \
	    "$(cat "$T/err")"
fi
check "... and the refusal is logged" \
    grep -q "refused uid $(id -u ptnobody)" "$T/c.log"

ms as ptviewer "$PEERTOP" --once -S "$S"
if [ "$rc" -le 2 ] && grep -q '^p1 ' "$T/out"; then
	ok "ptviewer (in ptview): --once works (status $rc)"
else
	not_ok "ptviewer (in ptview): --once works (status $rc):" \
	    "$(cat "$T/err")"
fi
setpriv --reuid=ptviewer --regid="$(id -g ptviewer)" --init-groups \
    socat -t 3600 - UNIX-CONNECT:"$S" <"$T/attach.cmd" >/dev/null 2>&1 &
VPID=$!
at_exit 'kill "$VPID" 2>/dev/null'
if wait_for "as ptviewer '$PEERTOP' --who -S '$S' |
    grep -q '^ptviewer .*test-control.* $VPID '" 5; then
	ok "ptviewer attached: --who (as ptviewer) lists it"
else
	not_ok "ptviewer attached: --who (as ptviewer) lists it"
	as ptviewer "$PEERTOP" --who -S "$S" 2>&1 | sed 's/^/# /'
fi

# z for a viewer that may not read the history (0600, root's): the
# collector replays it and sends what it read.
if [ -e "$T/c.db" ] && ! as ptviewer test -r "$T/c.db"; then
	ok "the history is root's alone (ptviewer cannot read it)"
else
	not_ok "the history is root's alone (ptviewer cannot read it)"
fi
printf '{"cmd":"replay_span"}\n{"cmd":"replay_load","t_ms":%s}\n' \
    "$(($(date +%s) * 1000))" >"$T/replay.cmd"
# (The history's first rows are written half a second after start.)
wait_for "as ptviewer socat -t 5 - UNIX-CONNECT:'$S' <'$T/replay.cmd' \
    >'$T/replay.out' 2>&1; grep -q '\"t\":\"replay_span\",\"ok\":true' \
    '$T/replay.out'" 5
if grep -q '"t":"replay_span","ok":true' "$T/replay.out"; then
	ok "replay_span through the socket, as ptviewer: ok"
else
	not_ok "replay_span through the socket, as ptviewer: ok"
	cut -c1-200 "$T/replay.out" | sed 's/^/# /'
fi
check "replay_load: the session's frame, then ok" sh -c \
    "grep -q '\"t\":\"session\",\"name\":\"r1\"' '$T/replay.out' &&
    grep -q '\"t\":\"replay_load\",\"ok\":true' '$T/replay.out'"

# ------------------------------------------------------------- (b)
python3 "$T/cl.py" "$S" garbage 5 >"$T/garbage.out"
n=$(grep -c '"t":"error"' "$T/garbage.out")
if [ "$n" = 1 ] && grep -q 'not a JSON object' "$T/garbage.out" &&
    closed_after "$T/garbage.out" 0 1; then
	ok "garbage: one error frame, then closed"
else
	not_ok "garbage: one error frame ($n), then closed at once"
	sed 's/^/# /' "$T/garbage.out"
fi
once_ok "right after the garbage"

python3 "$T/cl.py" "$S" huge 5 >"$T/huge.out"
if grep -q 'longer than 64 KiB' "$T/huge.out" &&
    closed_after "$T/huge.out" 0 1; then
	ok "100 KiB without a newline: error frame, closed at once"
else
	not_ok "100 KiB without a newline: error frame, closed at once"
	sed 's/^/# /' "$T/huge.out"
fi
check "... logged: dropped: a command longer than 64 KiB" \
    grep -q 'dropped: a command longer than 64 KiB' "$T/c.log"
once_ok "right after the huge line"

# ------------------------------------------------------------- (c)
python3 "$T/cl.py" "$S" idle 15 >"$T/idle.out" &
p1=$!
python3 "$T/cl.py" "$S" half 15 >"$T/half.out" &
p2=$!
python3 "$T/cl.py" "$S" pieces 12.5 >"$T/pieces.out" &
p3=$!
python3 "$T/cl.py" "$S" hello 15 >"$T/hello.out" &
p4=$!
worst=0
i=0
while [ $i -lt 5 ]; do
	sleep 1.5
	ms timeout 10 "$PEERTOP" --once -S "$S"
	[ "$rc" -le 2 ] || took=99999
	[ "$took" -gt "$worst" ] && worst=$took
	i=$((i + 1))
done
wait $p1 $p2 $p3 $p4
check "slowloris: 5 --once meanwhile, the slowest $worst ms (< 2000)" \
    test "$worst" -lt 2000
if closed_after "$T/idle.out" 9.5 12; then
	ok "silent client dropped after ~10 s ($(tail -n 1 "$T/idle.out"))"
else
	not_ok "silent client dropped after ~10 s"
	sed 's/^/# /' "$T/idle.out"
fi
if closed_after "$T/half.out" 9.5 12; then
	ok "half a line: dropped after ~10 s ($(tail -n 1 "$T/half.out"))"
else
	not_ok "half a line: dropped after ~10 s"
	sed 's/^/# /' "$T/half.out"
fi
if closed_after "$T/hello.out" 9.5 12; then
	ok "a hello and nothing more (holding a slot): dropped after ~10 s"
else
	not_ok "a hello and nothing more (holding a slot): dropped after ~10 s"
	sed 's/^/# /' "$T/hello.out"
fi
n=$(grep -c '"t":"pong"' "$T/pieces.out")
if grep -q '^still open' "$T/pieces.out" && [ "$n" -ge 20 ]; then
	ok "commands sent in pieces for 12 s: not dropped ($n pongs)"
else
	not_ok "commands sent in pieces for 12 s: not dropped ($n pongs)"
	tail -n 3 "$T/pieces.out" | sed 's/^/# /'
fi
check "logged: no command within 10 s of connecting" \
    grep -q 'dropped: no command within 10 s' "$T/c.log"
check "logged: a command left unfinished for 10 s" \
    grep -q 'dropped: a command left unfinished for 10 s' "$T/c.log"
check "logged: idle for 10 s without attaching" \
    grep -q 'squatter) dropped: idle for 10 s without attaching' "$T/c.log"

# ------------------------------------------------------------- (d)
kb()
{
	awk -v k="$1:" '$1 == k { print $2 }' "/proc/$CPID/status"
}
rss0=$(kb VmRSS)
python3 "$T/cl.py" "$S" stall 20 >"$T/stall.out" &
p1=$!
worst=0
while kill -0 $p1 2>/dev/null; do
	ms timeout 10 "$PEERTOP" --once -S "$S"
	[ "$rc" -le 2 ] || took=99999
	[ "$took" -gt "$worst" ] && worst=$took
	sleep 0.3
done
wait $p1
rss1=$(kb VmRSS)
hwm=$(kb VmHWM)
diag "stalled client: $(cat "$T/stall.out"); collector VmRSS $rss0 kB" \
    "before, $rss1 kB after, peak $hwm kB"
check "stalled client: dropped (the collector closed on it)" \
    grep -q '^send: ' "$T/stall.out"
check "... logged as stalled" grep -q 'dropped: stalled' "$T/c.log"
check "... --once answered throughout, the slowest $worst ms (< 2000)" \
    test "$worst" -lt 2000
# 16 MiB of replies queued at the most, plus 8 MiB for the allocator
# and the commands read meanwhile.
check "... the collector's peak RSS grew by $((hwm - rss0)) kB (< 24 MiB)" \
    test $((hwm - rss0)) -lt 24576

# ------------------------------------------------------------- (e)
socat -t 3600 - UNIX-CONNECT:"$S" <"$T/attach.cmd" >/dev/null 2>&1 &
KPID=$!
at_exit 'kill "$KPID" 2>/dev/null'
if wait_for "'$PEERTOP' --who -S '$S' | grep -q ' $KPID '" 5; then
	ok "a socat attach is listed by --who"
else
	not_ok "a socat attach is listed by --who"
fi
kill -9 "$KPID"
ms wait_for "! '$PEERTOP' --who -S '$S' | grep -q ' $KPID '" 3
check "kill -9 of it: --who no longer lists it within 2 s ($took ms)" \
    test "$rc" = 0 -a "$took" -lt 2000
check "... and the collector runs" kill -0 "$CPID"
once_ok "after the kill -9"

# max-viewers 2, on a second collector (a history of its own).
S2=$T/ctl2.sock
conf c2 "$S2" "{ max-viewers 2 }" >"$T/c2.conf"
"$PEERTOP" -H -c "$T/c2.conf" 2>"$T/c2.log" </dev/null &
C2PID=$!
at_exit 'kill "$C2PID" 2>/dev/null'
wait_for "grep -q 'listening' '$T/c2.log'" 10
# The two take both places; nothing else may connect until they have
# (it could take one of them), so their snapshots say when.
socat -t 3600 - UNIX-CONNECT:"$S2" <"$T/attach.cmd" >"$T/h1.out" 2>&1 &
h1=$!
socat -t 3600 - UNIX-CONNECT:"$S2" <"$T/attach.cmd" >"$T/h2.out" 2>&1 &
h2=$!
at_exit 'kill "$h1" "$h2" 2>/dev/null'
wait_for "grep -q '\"phase\":\"end\"' '$T/h1.out' &&
    grep -q '\"phase\":\"end\"' '$T/h2.out'" 5
# A check is not a viewer: --once still answers beside them.
ms timeout 10 "$PEERTOP" --once -S "$S2"
check "max-viewers 2 full: --once still answers (status $rc)" \
    test "$rc" -le 2
socat -t 3 - UNIX-CONNECT:"$S2" <"$T/attach.cmd" >"$T/h3.out" 2>&1
if grep -q "too many viewers (max-viewers 2)" "$T/h3.out"; then
	ok "max-viewers 2: a third viewer is refused, too many viewers"
else
	not_ok "max-viewers 2: a third viewer is refused: $(cat "$T/h3.out")"
fi
kill "$h1" "$h2"
if wait_for "socat -t 2 - UNIX-CONNECT:'$S2' <'$T/attach.cmd' 2>&1 |
    grep -q '\"phase\":\"end\"'" 5; then
	ok "... and a viewer attaches once one has left"
else
	not_ok "... and a viewer attaches once one has left"
fi

# A second collector on the live socket is refused; the first carries on.
conf c3 "$S" "" >"$T/c3.conf"
ms timeout 10 "$PEERTOP" -H -c "$T/c3.conf"
if [ "$rc" = 1 ] && grep -q "another collector is listening" "$T/err"
then
	ok "a second collector on a live socket: exit 1, another" \
	    "collector is listening"
else
	not_ok "a second collector on a live socket: exit 1 (got $rc)," \
	    "another collector is listening"
	sed 's/^/# /' "$T/err"
fi
check "... before it made a history file of its own" test ! -e "$T/c3.db"
once_ok "the first collector, after the second was refused"

# SIGTERM: the socket file goes with the collector.
kill -TERM "$CPID"
if wait_for "! kill -0 $CPID" 5; then
	wait "$CPID"
	rc=$?
	check "SIGTERM: the collector exits 0 (got $rc)" test "$rc" = 0
else
	not_ok "SIGTERM: the collector exits within 5 s"
fi
CPID=""
check "... and removes its socket file" test ! -e "$S"

# kill -9 leaves a stale socket; the next start replaces it.
kill -9 "$C2PID"
wait "$C2PID" 2>/dev/null
check "kill -9 of a collector leaves its socket file" test -S "$S2"
"$PEERTOP" -H -c "$T/c2.conf" 2>"$T/c2b.log" </dev/null &
C2PID=$!
if wait_for "grep -q 'listening' '$T/c2b.log'" 10 &&
    wait_for "answers '$S2'" 5; then
	ok "the next collector replaces the stale socket and answers"
else
	not_ok "the next collector replaces the stale socket and answers"
	sed 's/^/# /' "$T/c2b.log"
fi
kill "$C2PID"
wait "$C2PID"
rc=$?
check "... and exits 0 on SIGTERM (got $rc)" test "$rc" = 0
C2PID=""
summary
