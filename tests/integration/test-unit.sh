#!/bin/sh
# SPDX-License-Identifier: ISC
# data/peertop.service.in is a unit systemd accepts (issue 14):
# systemd-analyze verify on it with the paths filled in as make install
# fills them (here: the built peertop, which verify wants executable),
# and the parts the collector relies on are there.  Skipped where
# systemd-analyze is missing (apt-get install systemd).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib.sh"

PEERTOP=${PEERTOP:-$top_builddir/peertop}
command -v systemd-analyze >/dev/null 2>&1 ||
    skip_all "no systemd-analyze (apt-get install systemd)"
[ -x "$PEERTOP" ] || skip_all "peertop is not built: $PEERTOP"

mktmpdir
T=$TEST_TMPDIR
bindir=$(cd "$(dirname "$PEERTOP")" && pwd)
sed -e "s|@bindir@|$bindir|g" -e "s|@sysconfdir@|$T|g" \
    "$top_srcdir/data/peertop.service.in" >"$T/peertop.service"
check "every @...@ is filled in" \
    test -z "$(grep '@[a-z]*@' "$T/peertop.service")"
# --man=no: the man pages are not installed here.
if systemd-analyze verify --man=no "$T/peertop.service" >"$T/out" 2>&1 &&
    ! grep -q . "$T/out"; then
	ok "systemd-analyze verify accepts it, without a word"
else
	not_ok "systemd-analyze verify accepts it, without a word"
	sed 's/^/# /' "$T/out"
fi
for line in 'Type=notify' "ExecStart=$bindir/peertop -H -c $T/peertop.conf" \
    'ExecReload=/bin/kill -HUP $MAINPID' 'User=peertop' \
    'RuntimeDirectory=peertop' 'StateDirectory=peertop' \
    'AmbientCapabilities=CAP_NET_RAW' 'CapabilityBoundingSet=CAP_NET_RAW'; do
	check "it has $line" grep -qxF "$line" "$T/peertop.service"
done
# The exposure systemd computes for its own hardening directives
# (offline: the unit is not loaded); above 3 would mean one was lost.
if score=$(systemd-analyze security --offline=yes --no-pager \
    "$T/peertop.service" 2>/dev/null | sed -n \
    's/.*Overall exposure level for peertop.service: \([0-9.]*\).*/\1/p') &&
    [ -n "$score" ]; then
	check "its exposure level is low ($score)" \
	    awk -v s="$score" 'BEGIN { exit !(s <= 3) }'
else
	diag "systemd-analyze security --offline is not available here"
fi
summary
