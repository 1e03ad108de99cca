#!/bin/sh
# SPDX-License-Identifier: ISC
# Latency in the dashboard, end to end through tmux: the real binary with
# the built-in prober probing 127.0.0.1 (ICMP echo to sea, a TCP connect
# to port 1 to lax: loopback always answers, the TCP one with a reset),
# so the Overview's Loss% and Avg, Branch detail (Enter) with its graph
# and mtr rows, the span from the history (s), the link (j), the glyph
# modes (c) and the map panel's median are checked on real samples.
# ICMP needs a raw socket (root) or net.ipv4.ping_group_range letting us
# open a datagram one; skips (77) otherwise.
#
# Environment (set by make check): top_srcdir, PEERTOP.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PEERTOP:=${top_builddir:-$top_srcdir}/peertop}"
. "$top_srcdir/tests/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
[ -x "$PEERTOP" ] || { not_ok "peertop binary at $PEERTOP"; summary; }
if [ "$(id -u)" != 0 ]; then
	# The datagram ICMP socket is allowed for a group range "lo hi".
	set -- $(cat /proc/sys/net/ipv4/ping_group_range 2>/dev/null)
	g=$(id -g)
	[ $# = 2 ] && [ "$g" -ge "$1" ] && [ "$g" -le "$2" ] ||
	    skip_all "ICMP needs root or net.ipv4.ping_group_range"
fi

mktmpdir
T=$TEST_TMPDIR
SOCK=peertop-lat-$$

cat > "$T/tmux.conf" <<EOF
set -g status off
set -g remain-on-exit on
set -g history-limit 0
EOF
# A one-minute window and five probes a second, so the window fills fast.
cat > "$T/lat.conf" <<EOF
latency { window 1m }
probe { interval 200ms timeout 1s }
partner "loop-net" as 65010 {
	session "loop-sea" neighbor 192.0.2.1 router "r1" edge sea role primary
}
branch "loop-branch" {
	partner "loop-net"
	address 192.0.2.50
	location 47.61 -122.33
	probe sea 127.0.0.1
	probe lax 127.0.0.1 tcp port 1 interval 500ms
}
EOF
# The outer sh records peertop's exit status (tmux may take its time to
# reap a pane's process), the inner one its pid.
cat > "$T/run.sh" <<EOF
#!/bin/sh
ulimit -c 0
sh -c 'echo \$\$ > "$T/pid"; exec env LC_ALL=C.UTF-8 \
    PEERTOP_DATADIR="$top_srcdir/data" \
    "$PEERTOP" -c "$T/lat.conf" -d "$T/history.db"' 2>"$T/err"
echo \$? > "$T/status"
exec sleep 60
EOF

tm()
{
	LC_ALL=C.UTF-8 tmux -L "$SOCK" -f "$T/tmux.conf" "$@"
}
at_exit 'tm kill-server >/dev/null 2>&1'

screen()
{
	tm capture-pane -p -t pt 2>/dev/null
}

# The screen shows RE (a basic regular expression, bytes: UTF-8 glyphs
# are matched as their bytes) within 10 seconds.
shows()
{
	wait_for "screen | LC_ALL=C grep -q -- '$1'" 10
}

# see DESC RE: ok when the screen shows RE, else the screen as diagnostics.
see()
{
	if shows "$2"; then
		ok "$1"
	else
		not_ok "$1 (no /$2/ on screen)"
		screen | sed 's/^/# | /'
	fi
}

keys()
{
	tm send-keys -t pt "$@"
}

tm new-session -d -s pt -x 80 -y 24 -c "$top_srcdir" "sh '$T/run.sh'"
wait_for "test -s '$T/pid'" 10

# Overview at 80x24: the probed branch with its loss and average.
see "overview lists the probed branch" "loop-branch"
see "80x24: Loss% and Avg columns" "Loss%  *Avg"
see "80x24: no loss to loopback, a sub-ms average" \
    "loop-branch.*  0\.0%  *0\.[0-9]$"

# Enter: Branch detail.
keys Enter
see "Enter opens Branch detail" "By latency sea [0-9.]* ms"
see "the Branch tab is shown" " Branch "
# The main link is the faster of the two, which loopback does not fix.
see "graph title: the main link, the live window, exact" \
    "Latency \(sea 127\.0\.0\.1\|lax 127\.0\.0\.1:1\) probe  \[live 1m\] exact"
see "graph: a y axis in ms" "^   ms"
see "graph: the loss row, no loss (middle dots)" "^ loss.*·"
see "graph: Braille dots" "$(printf '\342[\240-\243]')"
see "graph: time labels back to now" "-10s *now"
see "mtr header" "Edge *Target *Loss% *Snt *Last *Avg *Best *Wrst"
see "mtr row for sea" "^sea *127\.0\.0\.1 *0\.0% *[0-9][0-9]* *0\.[0-9]"
see "mtr row for the TCP link to lax" "^lax *127\.0\.0\.1:1 *0\.0%"
see "the partner's session below" "loop-sea *Unknown"

# c: block, then ASCII; the graph keeps its medians.
keys c
see "c: block glyphs" "$(printf '\342\226\204\|\342\226\200')"
keys c
see "c: ASCII medians after the axis" "^ *[0-9.]*|.*[*]"
see "c: the ASCII corner" "^   ms+"

# l: the other link; s: the last hour from the history.
if screen | grep -q "Latency sea"; then
	other="Latency lax 127\.0\.0\.1:1 probe"
else
	other="Latency sea 127\.0\.0\.1 probe"
fi
keys l
see "l graphs the other link" "$other"
keys s
see "s: one hour from the history, raw samples" "\[1h\] exact"
see "1h: the samples just stored are drawn" "^ loss|.*\.$"
keys S
see "S: back to the live window" "\[live 1m\]"

# Esc: back to the Overview; wider: every latency column and the trend.
keys Escape
see "Esc goes back to the Overview" "Nearest edge"
tm resize-window -t pt -x 130 -y 30
see "130 columns: Lat and every mtr column" \
    "Lat   Sess Redundancy  Loss%  Snt  Last  Avg  Best  Wrst StDev Trend"
see "130 columns: Lat names the fastest edge" \
    "loop-branch.* \(sea =\|lax  \) "

# The map's side panel on a wide terminal: median and loss.
tm resize-window -t pt -x 200 -y 40
keys 4
see "map panel: median and loss" "Redundancy   Median  Loss%"
see "map panel: the branch's figures" "loop-branch.* 0\.[0-9]   0\.0%"

keys q
wait_for "test -s '$T/status'" 10
check "q quits, exit status 0" test "$(cat "$T/status" 2>/dev/null)" = 0
check "no errors logged" sh -c "! grep -qi 'fatal\|sanitizer' '$T/err'"
summary
