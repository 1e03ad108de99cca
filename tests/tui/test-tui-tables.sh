#!/bin/sh
# SPDX-License-Identifier: ISC
# The tables through tmux (issue 12, 1 and 5): the real binary at 80x24
# and 200x50, in colour and --mono, on four BIRD routers served by
# tests/once/fake-bird.py from one real BIRD reply (sessions Established,
# Active "Socket: Connection refused" and Idle "Bad peer AS") and a
# stand-in Prometheus answering a 360 ms round trip to a 100 ms threshold:
#  - Sessions worst first: the down sessions above the Established ones
#    configured before them;
#  - , . and I re-sort, the header marks the column and its direction,
#    and the selection stays on its session;
#  - four routers named "msft-partner-edge-XXX" cut in the middle, so
#    they stay four; a session's error whole on the detail line;
#  - addresses whole: the Prometheus target in Branch detail, prefixes;
#  - the threshold breach marked with a glyph beside the figure, also in
#    --mono, where colour cannot say it;
#  - a partner DOWN while one session still carries traffic says why on
#    the Overview's detail line at 80 columns.
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

for r in lon ams sea lax; do
	python3 "$top_srcdir/tests/once/fake-bird.py" "$T/$r.ctl" \
	    "$top_srcdir/tests/data/bird/a-states.txt" &
	at_exit "kill $! 2>/dev/null"
done

# Prometheus' instant query API, one series: seattle-hq to sea at 360 ms,
# a microsecond more every other time (a repeated value counts once).
cat >"$T/prom.py" <<'EOP'
import http.server, json, sys, time
n = [0]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        n[0] += 1
        body = json.dumps({"status": "success", "data": {
            "resultType": "vector", "result": [{
                "metric": {"branch": "seattle-hq", "edge": "sea",
                           "instance": "198.19.65.123"},
                "value": [time.time(), "%.6f" % (0.36 + n[0] % 2 * 1e-6)]}]}})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_port))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
EOP
python3 "$T/prom.py" "$T/prom.port" &
at_exit "kill $! 2>/dev/null"
for r in lon ams sea lax; do
	wait_for "test -S '$T/$r.ctl'" 5 || not_ok "fake BIRD socket $r"
done
wait_for "test -s '$T/prom.port'" 5 || not_ok "stand-in Prometheus"

# Established sessions configured first: worst first must move them down.
cat >"$T/tables.conf" <<EOC
latency { window 1m high 100ms }
bird "$T/lon.ctl" router "msft-partner-edge-lon" interval 1s
bird "$T/ams.ctl" router "msft-partner-edge-ams" interval 1s
bird "$T/sea.ctl" router "msft-partner-edge-sea" interval 1s
bird "$T/lax.ctl" router "msft-partner-edge-lax" interval 1s
prometheus 127.0.0.1 port $(cat "$T/prom.port") {
	query "rtt"
	branch label "branch"
	edge label "edge"
	target label "instance"
	interval 250ms
}
partner "contoso" as 65002 {
	session "lon-up" neighbor 127.0.0.2 router "msft-partner-edge-lon" edge lon role primary
	session "lon-refused" neighbor 127.0.0.3 router "msft-partner-edge-lon" edge lon role primary
	session "ams-badas" neighbor 127.0.0.5 router "msft-partner-edge-ams" edge ams role backup
}
partner "fabrikam" as 65010 {
	session "sea-up" neighbor 127.0.0.2 router "msft-partner-edge-sea" edge sea role primary
	session "lax-up" neighbor 127.0.0.2 router "msft-partner-edge-lax" edge lax role primary
	session "sea-connect" neighbor 127.0.0.9 router "msft-partner-edge-sea" edge sea role backup
}
branch "london-office" {
	partner "contoso"
	address 192.0.2.10
	location 51.51 -0.13
	prefix 2001:db8:1234:5678::/64 origin 65002
}
branch "seattle-hq" {
	partner "fabrikam"
	address 192.0.2.20
	location 47.61 -122.33
	prefix 198.51.100.0/24 origin 65010
}
EOC
check "peertop -n accepts the configuration" "$PEERTOP" -n -c "$T/tables.conf"

# ------------------------------------------------------------ helpers

keys()
{
	tm send-keys -t pt "$@"
}

# line N: the screen's line N (1: the title bar, 2: a table's header).
line()
{
	screen | sed -n "${1}p"
}

# see DESC RE: the screen shows RE (grep -E) within 10 seconds.
see()
{
	if wait_for "screen | grep -qE -- '$2'" 10; then
		ok "$1"
	else
		not_ok "$1 (no /$2/ on screen)"
		screen | sed 's/^/# | /'
	fi
}

# on DESC N RE: line N shows RE within 10 seconds.
on()
{
	if wait_for "line $2 | grep -qE -- '$3'" 10; then
		ok "$1"
	else
		not_ok "$1 (line $2 is not /$3/)"
		screen | sed 's/^/# | /'
	fi
}

# The detail line (the last but one) names the selected row.
detail()
{
	on "$1" "$((H - 1))" "$2"
}

# ------------------------------------------------------------ the runs

for size in "80 24" "200 50"; do
for mode in colour --mono; do
	set -- $size
	W=$1 H=$2
	tag="${W}x$H $mode:"
	db=$T/h-$W-${mode#--}.db
	if [ "$mode" = --mono ]; then
		tmux_start "$W" "$H" -c "$T/tables.conf" -d "$db" --mono
	else
		tmux_start "$W" "$H" -c "$T/tables.conf" -d "$db"
	fi

	# Overview: the 360 ms average over the 100 ms threshold is marked
	# by a glyph, so --mono (bold alone) still says it.
	see "$tag Overview marks the average over the threshold" \
	    '^seattle-hq .* 360↑'
	on "$tag Overview header marks Health as the sort column" 2 \
	    '^Branch +Health▾ '
	# A place known by its coordinates only: to a tenth of a degree
	# rather than cut, in the Location column's 11.
	see "$tag coordinates shortened, not cut" \
	    '^seattle-hq .* 47\.6,-122\.3 '
	# DOWN with 1 of 3 sessions up says why, on the detail line.
	keys / london Enter
	detail "$tag DOWN with a session up says why at ${W} columns" \
	    '^london-office: ▼ DOWN, 1/3 up: primary lon: 1 of 1 routers'
	keys Escape

	# Branch detail: the Prometheus target whole, the figures marked.
	keys / seattle Enter Enter
	see "$tag Branch detail: the target address whole" \
	    '^sea +198\.19\.65\.123 '
	see "$tag Branch detail: average and median marked" \
	    '^sea .* 360\.0↑ .* 360\.0↑'
	keys Escape Escape

	# Sessions: worst first although the Established ones come first
	# in the configuration; by name within each.
	keys 2
	on "$tag Sessions: header marks State" 2 ' State▾ '
	on "$tag Sessions: Idle first" 3 ' ams-badas .* Idle'
	on "$tag Sessions: then Active" 4 ' lon-refused .* Active'
	on "$tag Sessions: then Connect" 5 ' sea-connect .* Connect'
	on "$tag Sessions: Established last, by name" 6 ' lax-up .* Established'
	on "$tag Sessions: ... lon-up" 7 ' lon-up .* Established'
	on "$tag Sessions: ... sea-up" 8 ' sea-up .* Established'
	# The four routers stay four: cut in the middle at 80.
	if [ "$W" = 80 ]; then
		on "$tag router name cut in the middle, its end kept" 4 \
		    '^msft…edge-lon '
		on "$tag ... and the next one tells apart" 5 '^msft…edge-sea '
	else
		on "$tag router name whole at $W" 4 '^msft-partner-edge-lon '
	fi
	# The selected session's error, whole, on the detail line.
	keys j
	detail "$tag the error whole on the detail line" \
	    '^lon-refused: Active, last error: Socket: Connection refused;'

	# . sorts by the next column shown (Up/Down: the latest change
	# first), I reverses; the selection stays on lon-refused.
	keys .
	on "$tag . moves the sort to Up/Down" 2 ' State +Up/Dow?n?▴'
	on "$tag ... re-sorted: lon-refused is no longer second" 4 \
	    ' lax-up '
	detail "$tag ... the selection still on lon-refused" '^lon-refused: '
	keys I
	on "$tag I reverses it" 2 ' Up/Dow?n?▾'
	on "$tag ... the oldest change first" 3 ' lon-refused '
	detail "$tag ... the selection still on lon-refused" '^lon-refused: '
	keys j
	detail "$tag ... and j moves on from it" '^sea-connect: '

	# Prefixes: the IPv6 prefix whole.
	keys 5
	see "$tag Prefixes: an IPv6 prefix whole" \
	    '^london-office +2001:db8:1234:5678::/64 '
	on "$tag Prefixes: header marks State" 2 ' State▾'

	keys q
	wait_for tmux_dead 5
	check "$tag peertop exits 0" test "$(tmux_status)" = 0
done
done

summary
