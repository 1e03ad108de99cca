#!/bin/sh
# SPDX-License-Identifier: ISC
# The configuration's defaults (issue 13): a listener other hosts can
# reach without access control is warned about at -n (item 14).
. "${top_srcdir:-.}/tests/lib.sh"

PEERTOP=${PEERTOP:-./peertop}
DATA=$top_srcdir/data
mktmpdir
T=$TEST_TMPDIR

# -n only parses: nothing here binds a port.
cat >"$T/open.conf" <<'CONF'
bmp listen 0.0.0.0 port 11019
bmp listen 127.0.0.1 port 11020
bmp listen 192.0.2.1 port 11021 { allow 192.0.2.0/24 }
ingest listen :: port 8425
CONF
PEERTOP_DATADIR=$DATA "$PEERTOP" -n -c "$T/open.conf" >"$T/out" 2>"$T/err"
check "-n accepts a configuration with warnings (exit 0)" test $? = 0
check "-n says the configuration is OK" grep -q "configuration OK" "$T/out"
check "-n warns about bmp listen 0.0.0.0 without allow, at its line" \
    grep -qx "peertop: warning: $T/open.conf:1:12: bmp listen 0.0.0.0 without allow: any host that reaches port 11019 can stream BMP as a router" "$T/err"
check "-n warns about ingest listen :: without token, at its line" \
    grep -qx "peertop: warning: $T/open.conf:4:15: ingest listen :: without token: any host that reaches port 8425 can post latency samples" "$T/err"
check "loopback and allow-guarded listeners are not warned about" \
    test "$(grep -c warning "$T/err")" = 2
[ "$(grep -c warning "$T/err")" = 2 ] || sed 's/^/# /' "$T/err"

summary
