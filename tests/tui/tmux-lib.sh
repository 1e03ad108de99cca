# SPDX-License-Identifier: ISC
# tmux helpers for driving the real dashboard in a test (sourced after
# tests/lib.sh, with T set): one server per test, one pane "pt".
#   tmux_start W H [peertop arguments]  a fresh server and pane
#   screen / has_text / lacks_text / expect / expect_not   what the pane shows
#   tmux_dead / tmux_status   peertop's exit
#   tmux_stop                 the server gone
#   free_port, stop_sender (SENDER), line_of / row_has   BMP tests' helpers

TMUX_SOCK=peertop-test-$$
cat >"$T/tmux.conf" <<EOF
set -g status off
set -g remain-on-exit on
set -g history-limit 0
EOF

tm()
{
	LC_ALL=C.UTF-8 tmux -L "$TMUX_SOCK" -f "$T/tmux.conf" "$@"
}
at_exit 'tm kill-server >/dev/null 2>&1'

tmux_start()
{
	ts_w=$1
	ts_h=$2
	shift 2
	tm kill-server >/dev/null 2>&1
	tmux_keep_err
	rm -f "$T/tmux.pid" "$T/tmux.status"
	{
		echo '#!/bin/sh'
		echo 'ulimit -c 0'
		printf 'sh -c '"'"'echo $$ >"%s"; exec env LC_ALL=C.UTF-8 "%s"' \
		    "$T/tmux.pid" "$PEERTOP"
		for ts_a in "$@"; do
			printf ' "%s"' "$ts_a"
		done
		printf "'"' >"%s" 2>"%s"\n' "$T/tmux.out" "$T/tmux.err"
		printf 'echo $? >"%s"\n' "$T/tmux.status"
		echo 'exec sleep 60'
	} >"$T/tmux-run.sh"
	for ts_try in 1 2 3; do
		tm new-session -d -s pt -x "$ts_w" -y "$ts_h" \
		    "sh '$T/tmux-run.sh'" && break
		sleep 0.5
		tm kill-server >/dev/null 2>&1
	done
	wait_for "test -s '$T/tmux.pid'" 10
}

# The last dashboard's stderr joins the test's, which summary() reads.
tmux_keep_err()
{
	[ -f "$T/tmux.err" ] || return 0
	cat "$T/tmux.err" >>"$T/tmux.err.all"
	rm -f "$T/tmux.err"
}

# Called by summary(): a sanitizer (ASan, UBSan) report from any
# dashboard this test ran is a failure of its own, shown, since the
# screen only stops changing when one aborts it.
lib_summary_hook()
{
	tmux_keep_err
	if grep -Eq 'runtime error:|ERROR: (Address|Leak)Sanitizer' \
	    "$T/tmux.err.all" 2>/dev/null; then
		not_ok "the dashboard ran without a sanitizer report"
		grep -E -A8 'runtime error:|ERROR: (Address|Leak)Sanitizer' \
		    "$T/tmux.err.all" | head -40 | sed 's/^/# | /'
	fi
}

tmux_stop()
{
	tm kill-server >/dev/null 2>&1
}

tmux_dead()
{
	test -s "$T/tmux.status"
}

tmux_status()
{
	cat "$T/tmux.status" 2>/dev/null
}

screen()
{
	tm capture-pane -p -t pt 2>/dev/null
}

has_text()
{
	screen | grep -qF -- "$1"
}

lacks_text()
{
	! has_text "$1"
}

# expect DESC TEXT: TEXT shows up within 10 seconds.
expect()
{
	if wait_for "has_text '$2'" 10; then
		ok "$1"
	else
		not_ok "$1 (no \"$2\" on screen)"
		screen | sed 's/^/# | /'
	fi
}

# expect_not DESC TEXT: TEXT is gone within 10 seconds.
expect_not()
{
	if wait_for "! has_text '$2'" 10; then
		ok "$1"
	else
		not_ok "$1 (\"$2\" still on screen)"
		screen | sed 's/^/# | /'
	fi
}

# A free TCP port on 127.0.0.1 (for a listener peertop opens).
free_port()
{
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# bmp-send.py in the background (SENDER its pid) holds its connection
# for as long as it is told; stopped by its pid.
SENDER=
stop_sender()
{
	if [ -n "$SENDER" ]; then
		kill "$SENDER" 2>/dev/null
		wait "$SENDER" 2>/dev/null
		SENDER=
	fi
}
at_exit 'stop_sender'

# The screen row holding $1 (first match below the title bar, which
# names the worst branch too).
line_of()
{
	screen | sed 1d | grep -F -- "$1" | head -n 1
}

# row_has TEXT PATTERN: the row holding TEXT matches the extended regex.
row_has()
{
	line_of "$1" | grep -qE -- "$2"
}
