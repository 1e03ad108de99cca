#!/bin/sh
# SPDX-License-Identifier: ISC
# The Turn-up view through tmux (issue 17), on one BIRD router served by
# a counting stand-in of its control socket from a real BIRD reply
# (tests/data/bird/a-states.txt: one session Established, one Active
# "Socket: Connection refused", one Idle "Received: Bad peer AS"):
#  - --turnup PARTNER opens on it at 80x24 and 200x50, in colour, --mono
#    and --ascii: the verdict and the worst check above the table, each
#    check's state in a word and a glyph, RPKI "not checked";
#  - the NOTIFICATION of the wrong-AS session in words;
#  - Enter on a session's check opens Sessions on that session;
#  - BIRD is polled every 500 ms while the view is open, at its own
#    5 s interval once another view is shown, and the view says so;
#  - without a turn-up the tab is absent and 6 says how to get one;
#    --turnup with an unknown partner or edge exits with the reason.
#
# Environment (set by make check): top_srcdir, PEERTOP.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=${top_builddir:-$top_srcdir}/peertop}"
. "$top_srcdir/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
[ -x "$PEERTOP" ] || { not_ok "peertop binary at $PEERTOP"; summary; }

mktmpdir
T=$TEST_TMPDIR
export TZ=UTC PEERTOP_DATADIR="$top_srcdir/data"
. "$top_srcdir/tests/tui/tmux-lib.sh"

# ------------------------------------------------------------ inputs

# fake-bird.py's reply, and one line in $T/polls per poll.
cat >"$T/bird.py" <<'EOP'
import os, socket, sys, threading
path, capture, log = sys.argv[1], sys.argv[2], sys.argv[3]
greeting, _, reply = open(capture, 'rb').read().partition(b'\n')
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)
def serve(conn):
    with conn:
        conn.sendall(greeting + b'\n')
        buf = b''
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                return
            buf += chunk
            while b'\n' in buf:
                line, _, buf = buf.partition(b'\n')
                if line.strip().startswith(b'show protocols'):
                    with open(log, 'a') as f:
                        f.write('poll\n')
                    conn.sendall(reply)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOP
python3 "$T/bird.py" "$T/r1.ctl" "$top_srcdir/tests/data/bird/a-states.txt" \
    "$T/polls" &
at_exit "kill $! 2>/dev/null"
wait_for "test -S '$T/r1.ctl'" 5 || not_ok "stand-in BIRD socket"

cat >"$T/turnup.conf" <<EOC
bird "$T/r1.ctl" router "r1" interval 5s
partner "fabrikam" as 65010 {
	session "sea-up" neighbor 127.0.0.2 router "r1" edge sea role primary
	session "sea-badas" neighbor 127.0.0.5 router "r1" edge sea role primary
	session "lax-refused" neighbor 127.0.0.3 router "r1" edge lax role backup
}
branch "seattle-hq" {
	partner "fabrikam"
	address 192.0.2.20
	location 47.61 -122.33
	prefix 198.51.100.0/24 origin 65010
}
EOC
check "peertop -n accepts the configuration" "$PEERTOP" -n -c "$T/turnup.conf"

keys()
{
	tm send-keys -t pt "$@"
}

line()
{
	screen | sed -n "${1}p"
}

# on DESC N RE: line N shows RE (grep -E) within 10 seconds.
on()
{
	if wait_for "line $2 | grep -qE -- '$3'" 10; then
		ok "$1"
	else
		not_ok "$1 (line $2 is not /$3/)"
		screen | sed 's/^/# | /'
	fi
}

polls()
{
	wc -l <"$T/polls" 2>/dev/null || echo 0
}

# ------------------------------------------------------------ the runs

for run in "80 24 colour" "200 50 colour" "80 24 --mono" "80 24 --ascii"; do
	set -- $run
	W=$1 H=$2 mode=$3
	tag="${W}x$H $mode:"
	if [ "$mode" = colour ]; then
		tmux_start "$W" "$H" --standalone -c "$T/turnup.conf" \
		    --turnup fabrikam
	else
		tmux_start "$W" "$H" --standalone -c "$T/turnup.conf" \
		    --turnup fabrikam "$mode"
	fi
	if [ "$mode" = --ascii ]; then
		X=X G='\^' A='->'
	else
		X=✖ G=▲ A=→
	fi
	on "$tag opens on the Turn-up tab" 1 ' 6 Turn-up '
	on "$tag the verdict, the elapsed time and the fast poll" 2 \
	    "^ $X fabrikam  failed, elapsed .* since [0-9:]+; BIRD every 500 ms"
	on "$tag the worst check in words above the table" 3 \
	    "^ worst: $X session sea-badas: Idle: Received: Bad peer AS"
	on "$tag the table's header" 4 '^State +Check +Green at +Reason'
	on "$tag the collector green first" 5 "^$G green +bird r1 +[0-9:]{8} "
	on "$tag the Established session green at its time" 6 \
	    "^$G green +session sea-up +19:05:40 +Established since"
	on "$tag the wrong AS failed with the NOTIFICATION" 7 \
	    "^$X failed +session sea-badas +- +Idle: Received: Bad peer AS"
	if [ "$W" = 200 ]; then
		on "$tag the refused connection whole" 8 \
		    "session lax-refused +- +Active: Socket: Connection refused$"
		on "$tag the counts at 200 columns" 2 \
		    '; 2 failed, 1 in progress, [0-9]+ waiting, 2 green'
	fi
	if wait_for "screen | grep -qE -- '^\\? not checked +rpki +- +not checked \\(no rpki'" 5; then
		ok "$tag RPKI not checked, not a fake green"
	else
		not_ok "$tag RPKI not checked, not a fake green"
		screen | sed 's/^/# | /'
	fi
	if wait_for "screen | grep -qE -- '^$A in progress +partner fabrikam +- +DOWN: '" 5; then
		ok "$tag redundancy in progress with its reason"
	else
		not_ok "$tag redundancy in progress with its reason"
		screen | sed 's/^/# | /'
	fi
	# The selected check's whole reason on the bottom line.
	keys j j
	on "$tag the selected check's reason on the bottom line" "$((H - 1))" \
	    '^ session sea-badas: Idle: Received: Bad peer AS'

	if [ "$W" = 80 ] && [ "$mode" = colour ]; then
		# BIRD every 500 ms while open: at its 5 s once left.
		p0=$(polls)
		sleep 3
		p1=$(polls)
		if [ $((p1 - p0)) -ge 4 ]; then
			ok "$tag BIRD every 500 ms while open ($((p1 - p0)) in 3 s)"
		else
			not_ok "$tag BIRD every 500 ms while open ($((p1 - p0)) in 3 s)"
		fi
		keys 1
		sleep 1	# a fast poll already armed runs out
		p0=$(polls)
		sleep 3
		p1=$(polls)
		if [ $((p1 - p0)) -le 1 ]; then
			ok "$tag at its own 5 s interval once left ($((p1 - p0)) in 3 s)"
		else
			not_ok "$tag at its own 5 s interval once left ($((p1 - p0)) in 3 s)"
		fi
		keys 6
		on "$tag 6 comes back to it" 2 'BIRD every 500 ms'
	fi

	# Enter: the session's row in Sessions, its error on the detail line.
	keys Enter
	on "$tag Enter opens Sessions on the session" "$((H - 1))" \
	    '^sea-badas: Idle, last error: Received: Bad peer AS'
	keys q
	wait_for tmux_dead 5 || not_ok "$tag q quits"
	check "$tag: exit status 0" [ "$(tmux_status)" = 0 ]
	if [ -s "$T/tmux.err" ]; then
		sed 's/^/# stderr: /' "$T/tmux.err" | head -20
	fi
	tmux_stop
done

# ------------------------------------------------------------ no turn-up

tmux_start 80 24 --standalone -c "$T/turnup.conf"
on "no turn-up: no Turn-up tab" 1 ' 5( Prefixes)?  \?( Help)? '
keys 6
if wait_for "has_text 'No turn-up: start peertop with --turnup PARTNER[/EDGE]'" 10
then
	ok "no turn-up: 6 says how to get one"
else
	not_ok "no turn-up: 6 says how to get one"
	screen | sed 's/^/# | /'
fi
keys q
wait_for tmux_dead 5
tmux_stop

# ------------------------------------------------------------ bad scopes

"$PEERTOP" --standalone -c "$T/turnup.conf" --turnup nope \
    >/dev/null 2>"$T/err" </dev/null
check "--turnup nope exits 1" test $? -eq 1
check "... naming the partner" grep -qF 'turn-up nope: no partner "nope"' \
    "$T/err"
"$PEERTOP" --standalone -c "$T/turnup.conf" --turnup fabrikam/ams \
    >/dev/null 2>"$T/err" </dev/null
check "--turnup fabrikam/ams exits 1 naming the edge" grep -qF \
    'partner fabrikam has no session at edge ams' "$T/err"

summary
