/* SPDX-License-Identifier: ISC */
/*
 * Tests for the BIRD decoder and collector.  The decoder runs over real
 * replies captured from BIRD 2.0.12 (tests/data/bird/, see its README),
 * whole, byte by byte and in random chunks, and over malformed input.  The
 * collector runs on a real event loop against a unix socket served by this
 * test: a replayed capture, a server that never answers, a missing socket,
 * a refusing one, garbage, a BIRD error and a reply cut short.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "core/collector.h"
#include "core/decode-bird.h"
#include "core/model.h"
#include "tests/unit/unit.h"

/* 2026-11-25 19:05:40 UTC: when the captures were taken. */
#define T_CAPTURE	INT64_C(1795633540000)
#define T_MIDNIGHT	INT64_C(1795564800000)	/* 2026-11-25 00:00 UTC */

#define BIRD_DATA	"tests/data/bird"

static struct test_file
load(const char *name)
{
	return (test_load(BIRD_DATA, name));
}

/* Length of the greeting line at the start of a capture. */
static size_t
greeting_len(const struct test_file *b)
{
	const char	*nl = memchr(b->data, '\n', b->len);

	assert_non_null(nl);
	return ((size_t)(nl - b->data) + 1);
}

/*
 * Feed a capture (greeting, then the reply) in chunks chosen by step:
 * 0 means all at once, 1 byte by byte, -1 random sizes.  Returns the
 * decoder's result for the reply.
 */
static int
decode_capture(const struct test_file *b, int step, int64_t now,
    struct bird_proto **ps, size_t *n, char **cause)
{
	struct decode_bird_reply r;
	size_t		 off = 0, chunk, used;
	int		 rv = 0, replies = 0, result = -1;

	*ps = NULL;
	*n = 0;
	*cause = NULL;
	decode_bird_reply_init(&r);
	while (off < b->len) {
		if (step == 0)
			chunk = b->len - off;
		else if (step == 1)
			chunk = 1;
		else
			chunk = 1 + (size_t)(rand() % 700);
		if (chunk > b->len - off)
			chunk = b->len - off;
		rv = decode_bird_reply_feed(&r, b->data + off, chunk, &used,
		    cause);
		assert_int_not_equal(rv, -1);
		off += used;
		if (rv == 1) {
			if (replies++ == 0) {
				assert_int_equal(decode_bird_reply_code(&r),
				    BIRD_CODE_WELCOME);
			} else
				result = decode_bird_protocols(&r, now, ps, n,
				    cause);
			decode_bird_reply_reset(&r);
		}
	}
	assert_int_equal(replies, 2);
	assert_int_equal(decode_bird_reply_eof(&r, NULL), 0);
	decode_bird_reply_free(&r);
	return (result);
}

static const struct bird_proto *
find(const struct bird_proto *ps, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(ps[i].name, name) == 0)
			return (&ps[i]);
	fail_msg("protocol %s not found", name);
	return (NULL);
}

static void
assert_neighbor(const struct bird_proto *p, const char *addr)
{
	char	 s[ADDR_STRLEN];

	assert_int_not_equal(p->neighbor.af, 0);
	addr_fmt(&p->neighbor, s, sizeof s);
	assert_string_equal(s, addr);
}

/* ---------------------------------------------------------------- captures */

static void
test_states(void **state)
{
	struct test_file	 b = load("a-states.txt");
	struct bird_proto	*ps;
	const struct bird_proto	*p;
	size_t			 n;
	char			*cause;

	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), 0);
	assert_int_equal(n, 12);

	/* Non-BGP protocols are decoded but flagged. */
	p = find(ps, n, "device1");
	assert_false(p->is_bgp);
	assert_string_equal(p->proto, "Device");
	assert_int_equal(p->state_bgp, BGP_UNKNOWN);
	p = find(ps, n, "kern4");
	assert_false(p->is_bgp);
	assert_string_equal(p->table, "master4");
	p = find(ps, n, "static4");
	assert_false(p->is_bgp);
	assert_int_equal(p->imported, 2);

	p = find(ps, n, "ms_sea1");
	assert_true(p->is_bgp);
	assert_string_equal(p->proto, "BGP");
	assert_string_equal(p->state, "up");
	assert_string_equal(p->info, "Established");
	assert_string_equal(p->bgp_state, "Established");
	assert_string_equal(p->since, "2026-11-25 19:05:40");
	assert_int_equal(p->since_ms, T_CAPTURE);
	assert_neighbor(p, "127.0.0.2");
	assert_int_equal(p->neighbor_as, 8075);
	assert_int_equal(p->local_as, 65002);
	assert_string_equal(p->description, "sea edge 1");
	assert_string_equal(p->last_error, "");
	assert_int_equal(p->nchannels, 2);
	/* ipv4 3/2/3 plus ipv6 0/1/0 */
	assert_int_equal(p->imported, 3);
	assert_int_equal(p->exported, 3);
	assert_int_equal(p->preferred, 3);
	assert_int_equal(p->filtered, 0);
	assert_int_equal(p->state_bgp, BGP_ESTABLISHED);

	p = find(ps, n, "ms_lax1");
	assert_string_equal(p->state, "start");
	assert_string_equal(p->info, "Active");
	assert_string_equal(p->last_error, "Socket: Connection refused");
	assert_neighbor(p, "127.0.0.3");
	assert_int_equal(p->state_bgp, BGP_ACTIVE);
	assert_int_equal(p->since_ms, T_CAPTURE - 5000);

	p = find(ps, n, "ms_dal1");
	assert_int_equal(p->state_bgp, BGP_IDLE);
	assert_string_equal(p->last_error, "Received: Bad peer AS");
	assert_neighbor(p, "127.0.0.5");

	p = find(ps, n, "ms_nyc1");
	assert_int_equal(p->state_bgp, BGP_IDLE);
	assert_string_equal(p->last_error, "BGP Error: Bad peer AS");
	assert_int_equal(p->neighbor_as, 64999);
	assert_int_equal(p->since_ms, T_CAPTURE - 1000);

	p = find(ps, n, "ms_ams1");
	assert_string_equal(p->info, "Passive");
	assert_int_equal(p->state_bgp, BGP_ACTIVE);

	p = find(ps, n, "ms_fra1");
	assert_int_equal(p->state_bgp, BGP_OPENSENT);
	assert_neighbor(p, "127.0.0.8");

	p = find(ps, n, "ms_lon1");
	assert_int_equal(p->state_bgp, BGP_CONNECT);
	assert_neighbor(p, "127.0.0.9");

	free(ps);
	free(b.data);
}

static void
test_startup(void **state)
{
	struct test_file	 b = load("a-startup.txt");
	struct bird_proto	*ps;
	size_t			 n, i, bgp = 0;
	char			*cause;

	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), 0);
	assert_int_equal(n, 12);
	for (i = 0; i < n; i++) {
		if (!ps[i].is_bgp)
			continue;
		bgp++;
		assert_int_equal(ps[i].state_bgp, BGP_ACTIVE);
		assert_int_equal(ps[i].since_ms, T_CAPTURE - 5000);
		assert_int_equal(ps[i].local_as, 65002);
	}
	assert_int_equal(bgp, 8);
	free(ps);
	free(b.data);
}

static void
test_disabled(void **state)
{
	struct test_file	 b = load("a-disabled.txt");
	struct bird_proto	*ps;
	const struct bird_proto	*p;
	size_t			 n;
	char			*cause;

	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), 0);
	p = find(ps, n, "ms_chi1");
	assert_string_equal(p->state, "down");
	assert_string_equal(p->bgp_state, "Down");
	assert_string_equal(p->info, "");
	assert_string_equal(p->last_error, "");
	assert_int_equal(p->state_bgp, BGP_ADMIN_DOWN);
	assert_neighbor(p, "127.0.0.4");

	p = find(ps, n, "ms_lax1");
	assert_int_equal(p->state_bgp, BGP_ADMIN_DOWN);
	assert_string_equal(p->message, "turn-up pending");
	assert_int_equal(p->since_ms, T_CAPTURE + 7000);

	/* The others are as before. */
	assert_int_equal(find(ps, n, "ms_sea1")->state_bgp, BGP_ESTABLISHED);
	assert_int_equal(find(ps, n, "ms_lon1")->state_bgp, BGP_CONNECT);
	free(ps);
	free(b.data);
}

static void
test_peer_shutdown(void **state)
{
	struct test_file	 b = load("a-peer-shutdown.txt");
	struct bird_proto	*ps;
	size_t			 n;
	char			*cause, err[256];

	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ps[0].name, "ms_sea1");
	assert_int_equal(ps[0].state_bgp, BGP_ACTIVE);
	assert_string_equal(ps[0].last_error,
	    "Received: Administrative shutdown");
	assert_string_equal(ps[0].message, "planned maintenance");
	assert_int_equal(ps[0].imported, 0);
	assert_string_equal(decode_bird_error(&ps[0], err, sizeof err),
	    "Received: Administrative shutdown (planned maintenance)");
	free(ps);
	free(b.data);
}

static void
test_reestablished(void **state)
{
	struct test_file	 b = load("a-reestablished.txt");
	struct bird_proto	*ps;
	const struct bird_proto	*p;
	size_t			 n;
	char			*cause, err[256];

	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), 0);
	/* BIRD keeps the old shutdown message on an Established session. */
	p = find(ps, n, "ms_sea1");
	assert_int_equal(p->state_bgp, BGP_ESTABLISHED);
	assert_string_equal(p->message, "planned maintenance");
	assert_string_equal(decode_bird_error(p, err, sizeof err), "");
	assert_int_equal(p->since_ms, T_CAPTURE + 19000);

	p = find(ps, n, "ms_fra1");
	assert_int_equal(p->state_bgp, BGP_OPENSENT);
	assert_string_equal(decode_bird_error(p, err, sizeof err),
	    "BGP Error: Hold timer expired");

	p = find(ps, n, "ms_lax1");
	assert_int_equal(p->state_bgp, BGP_ADMIN_DOWN);
	assert_string_equal(decode_bird_error(p, err, sizeof err),
	    "turn-up pending");
	free(ps);
	free(b.data);
}

static void
test_brief(void **state)
{
	struct test_file	 b = load("a-brief.txt");
	struct bird_proto	*ps;
	const struct bird_proto	*p;
	size_t			 n;
	char			*cause;

	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), 0);
	assert_int_equal(n, 12);
	/* No details: state from the info column, error from after it. */
	p = find(ps, n, "ms_dal1");
	assert_int_equal(p->neighbor.af, 0);
	assert_int_equal(p->state_bgp, BGP_IDLE);
	assert_string_equal(p->last_error, "Received: Bad peer AS");
	assert_int_equal(find(ps, n, "ms_sea1")->state_bgp, BGP_ESTABLISHED);
	assert_int_equal(find(ps, n, "ms_chi1")->state_bgp, BGP_ADMIN_DOWN);
	assert_int_equal(find(ps, n, "ms_lon1")->state_bgp, BGP_CONNECT);
	free(ps);
	free(b.data);
}

static void
test_today_format(void **state)
{
	struct test_file	 b = load("b-established.txt");
	struct bird_proto	*ps;
	const struct bird_proto	*p;
	size_t			 n;
	char			*cause;

	/* "19:05:40.395" read a few minutes later the same day. */
	assert_int_equal(decode_capture(&b, 0, T_CAPTURE + 300000, &ps, &n,
	    &cause), 0);
	p = find(ps, n, "a");
	assert_string_equal(p->since, "19:05:40.395");
	assert_int_equal(p->since_ms, T_CAPTURE + 395);
	assert_int_equal(p->state_bgp, BGP_ESTABLISHED);
	assert_neighbor(p, "127.0.0.1");
	assert_int_equal(p->neighbor_as, 65002);
	assert_int_equal(p->local_as, 8075);
	assert_int_equal(p->imported, 2);
	assert_int_equal(p->exported, 4);
	free(ps);

	/* Read after midnight, the same text means yesterday. */
	assert_int_equal(decode_capture(&b, 0, T_MIDNIGHT + 86400000 + 3600000,
	    &ps, &n, &cause), 0);
	p = find(ps, n, "a");
	assert_int_equal(p->since_ms, T_CAPTURE + 395);
	free(ps);
	free(b.data);
}

static void
test_disabled_today(void **state)
{
	struct test_file	 b = load("b-disabled.txt");
	struct bird_proto	*ps;
	const struct bird_proto	*p;
	size_t			 n;
	char			*cause;

	assert_int_equal(decode_capture(&b, 0, T_CAPTURE + 60000, &ps, &n,
	    &cause), 0);
	assert_int_equal(n, 4);
	p = find(ps, n, "a");
	assert_int_equal(p->state_bgp, BGP_ADMIN_DOWN);
	assert_string_equal(p->message, "planned maintenance");
	assert_int_equal(p->since_ms, T_CAPTURE + 15283);
	free(ps);
	free(b.data);
}

static void
test_filtered(void **state)
{
	struct test_file	 b = load("b-filtered.txt");
	struct bird_proto	*ps;
	const struct bird_proto	*p;
	size_t			 n;
	char			*cause;

	assert_int_equal(decode_capture(&b, 0, T_CAPTURE + 60000, &ps, &n,
	    &cause), 0);
	p = find(ps, n, "a");
	assert_int_equal(p->imported, 1);
	assert_int_equal(p->filtered, 1);
	assert_int_equal(p->exported, 4);
	assert_int_equal(p->preferred, 1);
	free(ps);
	free(b.data);
}

static void
test_date_only_ipv6(void **state)
{
	struct test_file	 b = load("e-dateonly.txt");
	struct bird_proto	*ps;
	const struct bird_proto	*p;
	size_t			 n;
	char			*cause;

	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), 0);
	assert_int_equal(n, 3);
	p = find(ps, n, "v6_peer");
	assert_string_equal(p->since, "2026-11-25");
	assert_int_equal(p->since_ms, T_MIDNIGHT);
	assert_neighbor(p, "2001:db8:ffff::1");
	assert_string_equal(p->last_error, "Socket: No route to host");
	assert_int_equal(p->state_bgp, BGP_ACTIVE);
	p = find(ps, n, "old_peer");
	assert_neighbor(p, "127.0.0.11");
	assert_int_equal(p->local_as, 65010);
	free(ps);
	free(b.data);
}

static void
test_error_replies(void **state)
{
	struct test_file	 b;
	struct bird_proto	*ps;
	size_t			 n;
	char			*cause;

	b = load("err-syntax.txt");
	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "9001"));
	assert_non_null(strstr(cause, "syntax error"));
	free(cause);
	free(b.data);

	b = load("err-nosuch.txt");
	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), -1);
	free(cause);
	free(b.data);

	/* "No protocols match" is an empty list, not a failure. */
	b = load("err-nomatch.txt");
	assert_int_equal(decode_capture(&b, 0, T_CAPTURE, &ps, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(ps);
	free(b.data);
}

/* Every capture decodes the same whole, byte by byte and in chunks. */
static void
test_chunking(void **state)
{
	DIR			*d;
	struct dirent		*de;
	struct test_file	 b;
	struct bird_proto	*ref, *ps;
	size_t			 nref, n, len;
	char			*cref, *cause, dir[4096];
	int			 rref, rv, round, files = 0;

	srand(7);
	assert_non_null(d = opendir(test_path(dir, sizeof dir, BIRD_DATA, ".")));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".txt") != 0)
			continue;
		files++;
		b = load(de->d_name);
		rref = decode_capture(&b, 0, T_CAPTURE, &ref, &nref, &cref);
		for (round = 0; round < 6; round++) {
			rv = decode_capture(&b, round == 0 ? 1 : -1, T_CAPTURE,
			    &ps, &n, &cause);
			assert_int_equal(rv, rref);
			assert_int_equal(n, nref);
			if (nref > 0)
				assert_memory_equal(ps, ref, n * sizeof *ps);
			if (cref != NULL)
				assert_string_equal(cause, cref);
			free(ps);
			free(cause);
		}
		free(ref);
		free(cref);
		free(b.data);
	}
	closedir(d);
	assert_true(files >= 13);
}

/* ---------------------------------------------------------------- malformed */

/* Feed a string; returns what the reader and then the decoder said. */
static int
feed_str(const char *s, size_t len, char **cause)
{
	struct decode_bird_reply r;
	struct bird_proto	*ps = NULL;
	size_t			 used, n;
	int			 rv;

	*cause = NULL;
	decode_bird_reply_init(&r);
	rv = decode_bird_reply_feed(&r, s, len, &used, cause);
	if (rv == 0)
		rv = decode_bird_reply_eof(&r, cause) == 0 ? 0 : -2;
	else if (rv == 1)
		rv = decode_bird_protocols(&r, T_CAPTURE, &ps, &n, cause) == 0 ?
		    1 : -3;
	free(ps);
	decode_bird_reply_free(&r);
	return (rv);
}

static void
expect_error(const char *s, size_t len, int rv, const char *what)
{
	char	*cause;

	assert_int_equal(feed_str(s, len, &cause), rv);
	assert_non_null(cause);
	if (strstr(cause, what) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, what);
	free(cause);
}

static void
expect_error_s(const char *s, int rv, const char *what)
{
	expect_error(s, strlen(s), rv, what);
}

static void
test_malformed(void **state)
{
	static const char junk[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0 };
	static const char http[] = "HTTP/1.1 200 OK\r\n\r\n";
	char		*big, *cause;
	size_t		 i, off;

	expect_error_s("hello\n", -1, "reply code");
	expect_error_s("12a4 text\n", -1, "reply code");
	expect_error_s("1234x\n", -1, "reply code");
	expect_error_s("123\n", -1, "reply code");
	expect_error_s(" orphan\n", -1, "continuation");
	expect_error_s("\n", -1, "empty line");
	expect_error(junk, sizeof junk, -1, "reply code");
	expect_error(http, sizeof http - 1, -1, "reply code");
	expect_error("0001-a\0b\n", 9, -1, "NUL");
	expect_error_s("9001 syntax error\n", -3, "9001");
	expect_error_s("0001 BIRD 2.0.12 ready.\n", -3, "0001");
	expect_error_s("1006-  BGP state: Idle\n0000 \n", -3,
	    "before any protocol row");
	expect_error_s("1002-x BGP\n0000 \n", -3, "too few columns");
	expect_error_s("1007-route\n0000 \n", -3, "code 1007");

	/* No end: the stream stops with the reply open. */
	expect_error_s("1002-ms BGP --- up 19:00:00 Idle\n", -2,
	    "middle of a reply");
	expect_error_s("0000", -2, "middle of a reply");

	/* A line over 4096 bytes. */
	big = xmalloc(8192);
	memcpy(big, "0001-", 5);
	memset(big + 5, 'x', 8192 - 5);
	expect_error(big, 8192, -1, "line longer than 4096");

	/* Many short lines beyond the 4 MiB reply bound. */
	free(big);
	big = xmalloc(5 * 1024 * 1024);
	for (off = 0, i = 0; off + 64 < 5 * 1024 * 1024; i++) {
		memcpy(big + off, "1006-", 5);
		memset(big + off + 5, 'y', 58);
		big[off + 63] = '\n';
		off += 64;
	}
	expect_error(big, off, -1, "reply longer than");
	free(big);

	/* And good minimal replies still pass. */
	assert_int_equal(feed_str("0000 \n", 6, &cause), 1);
	assert_int_equal(feed_str("0000\n", 5, &cause), 1);
	assert_int_equal(feed_str("+0000 async\n0000 \n", 18, &cause), 1);
}

/* After an error the reader stays failed until reset. */
static void
test_reader_reset(void **state)
{
	struct decode_bird_reply r;
	size_t		 used;
	char		*cause = NULL;

	decode_bird_reply_init(&r);
	assert_int_equal(decode_bird_reply_feed(&r, "junk\n", 5, &used,
	    &cause), -1);
	free(cause);
	assert_int_equal(decode_bird_reply_feed(&r, "0000 \n", 6, &used,
	    &cause), -1);
	free(cause);
	decode_bird_reply_reset(&r);
	assert_int_equal(decode_bird_reply_feed(&r, "0000 \n0001 x\n", 13,
	    &used, &cause), 1);
	assert_int_equal(used, 6);	/* the rest is the next reply */
	assert_int_equal(decode_bird_reply_code(&r), 0);
	decode_bird_reply_free(&r);
}

/* Escapes from the network never survive into stored strings. */
static void
test_sanitised(void **state)
{
	static const char reply[] =
	    "1002-evil\x1b[2J BGP --- start 19:00:00 Idle  Err\x1b]0;x\x07\n"
	    "1006-  Last error:  Received: \x1b[31mred\n"
	    " Description: \x9b" "31m\n"
	    "0000 \n";
	struct decode_bird_reply r;
	struct bird_proto	*ps;
	size_t			 used, n;
	char			*cause = NULL;

	decode_bird_reply_init(&r);
	assert_int_equal(decode_bird_reply_feed(&r, reply, sizeof reply - 1,
	    &used, &cause), 1);
	assert_int_equal(decode_bird_protocols(&r, T_CAPTURE, &ps, &n, &cause),
	    0);
	assert_int_equal(n, 1);
	assert_null(strchr(ps[0].name, 0x1b));
	assert_null(strchr(ps[0].last_error, 0x1b));
	assert_null(strchr(ps[0].description, (char)0x9b));
	assert_non_null(strstr(ps[0].last_error, "red"));
	free(ps);
	decode_bird_reply_free(&r);
}

static void
test_since(void **state)
{
	int64_t	 t;

	assert_int_equal(decode_bird_since("2026-11-25 19:05:40", 0, &t), 0);
	assert_int_equal(t, T_CAPTURE);
	assert_int_equal(decode_bird_since("2026-11-25 19:05:40.123", 0, &t),
	    0);
	assert_int_equal(t, T_CAPTURE + 123);
	assert_int_equal(decode_bird_since("2026-11-25 19:05:40.5", 0, &t), 0);
	assert_int_equal(t, T_CAPTURE + 500);
	assert_int_equal(decode_bird_since("2026-11-25", 0, &t), 0);
	assert_int_equal(t, T_MIDNIGHT);
	assert_int_equal(decode_bird_since("19:05:40", T_CAPTURE + 1000, &t),
	    0);
	assert_int_equal(t, T_CAPTURE);
	assert_int_equal(decode_bird_since("23:59:59.999", T_CAPTURE, &t), 0);
	assert_int_equal(t, T_MIDNIGHT - 1);

	assert_int_equal(decode_bird_since("", 0, &t), -1);
	assert_int_equal(decode_bird_since("yesterday", 0, &t), -1);
	assert_int_equal(decode_bird_since("2026-13-25", 0, &t), -1);
	assert_int_equal(decode_bird_since("25:00:00", T_CAPTURE, &t), -1);
	assert_int_equal(decode_bird_since("19:05:40.", T_CAPTURE, &t), -1);
	assert_int_equal(decode_bird_since("2026-11-25 19:05", 0, &t), -1);
	assert_int_equal(decode_bird_since("2026-11-25x", 0, &t), -1);

	/* Local time: five hours west of UTC. */
	setenv("TZ", "EST5", 1);
	tzset();
	assert_int_equal(decode_bird_since("2026-11-25 19:05:40", 0, &t), 0);
	assert_int_equal(t, T_CAPTURE + 5 * 3600 * 1000);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_state_map(void **state)
{
	struct bird_proto	 p;

	memset(&p, 0, sizeof p);
	p.is_bgp = 1;
	strlcpy_pt(p.state, "down", sizeof p.state);
	assert_int_equal(decode_bird_bgp_state(&p), BGP_ADMIN_DOWN);
	strlcpy_pt(p.last_error, "Administratively shut down",
	    sizeof p.last_error);
	assert_int_equal(decode_bird_bgp_state(&p), BGP_ADMIN_DOWN);
	/* Disabled by BIRD itself after an error: not the operator. */
	strlcpy_pt(p.last_error, "Route limit exceeded", sizeof p.last_error);
	assert_int_equal(decode_bird_bgp_state(&p), BGP_IDLE);

	memset(&p, 0, sizeof p);
	p.is_bgp = 1;
	strlcpy_pt(p.state, "start", sizeof p.state);
	strlcpy_pt(p.bgp_state, "OpenConfirm", sizeof p.bgp_state);
	assert_int_equal(decode_bird_bgp_state(&p), BGP_OPENCONFIRM);
	strlcpy_pt(p.bgp_state, "Weird", sizeof p.bgp_state);
	assert_int_equal(decode_bird_bgp_state(&p), BGP_UNKNOWN);
	strlcpy_pt(p.state, "up", sizeof p.state);
	assert_int_equal(decode_bird_bgp_state(&p), BGP_ESTABLISHED);
	p.is_bgp = 0;
	assert_int_equal(decode_bird_bgp_state(&p), BGP_UNKNOWN);
}

/* ---------------------------------------------------------------- collector */

enum srv_mode {
	SRV_REPLAY,	/* greeting, then the capture's reply per command */
	SRV_SILENT,	/* accept and say nothing */
	SRV_GARBAGE,	/* an HTTP answer */
	SRV_ERROR,	/* greeting, then 9001 */
	SRV_HALF,	/* greeting, half a reply, close */
};

struct srv {
	struct event_base	*base;
	char			 dir[256];
	char			 path[300];
	int			 lfd;
	struct event		*ev_accept;
	int			 cfd;
	struct event		*ev_read;
	enum srv_mode		 mode;
	struct test_file		 cap;
	size_t			 glen;
	int			 accepts, commands;
};

struct fixture {
	struct event_base	*base;
	struct model		*m;
	struct collector	*c;
	struct srv		 srv;
	struct event		*ev_tick;
	int			 ticks;
};

static void
srv_write(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void
srv_read_cb(evutil_socket_t fd, short events, void *arg)
{
	struct srv	*s = arg;
	char		 buf[512];
	ssize_t		 n, i;

	n = recv(fd, buf, sizeof buf, 0);
	if (n <= 0) {
		event_free(s->ev_read);
		s->ev_read = NULL;
		close(s->cfd);
		s->cfd = -1;
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		s->commands++;
		switch (s->mode) {
		case SRV_REPLAY:
			srv_write(fd, s->cap.data + s->glen,
			    s->cap.len - s->glen);
			break;
		case SRV_ERROR:
			srv_write(fd, "9001 syntax error\n", 18);
			break;
		case SRV_HALF:
			srv_write(fd, s->cap.data + s->glen,
			    (s->cap.len - s->glen) / 2);
			event_free(s->ev_read);
			s->ev_read = NULL;
			close(s->cfd);
			s->cfd = -1;
			return;
		default:
			break;
		}
	}
}

static void
srv_accept_cb(evutil_socket_t fd, short events, void *arg)
{
	struct srv	*s = arg;
	int		 cfd;

	if ((cfd = accept(fd, NULL, NULL)) == -1)
		return;
	s->accepts++;
	if (s->cfd != -1) {
		event_free(s->ev_read);
		close(s->cfd);
	}
	s->cfd = cfd;
	s->ev_read = event_new(s->base, cfd, EV_READ | EV_PERSIST,
	    srv_read_cb, s);
	event_add(s->ev_read, NULL);
	switch (s->mode) {
	case SRV_GARBAGE:
		srv_write(cfd, "HTTP/1.1 400 Bad Request\r\n\r\n", 28);
		break;
	case SRV_SILENT:
		break;
	default:
		srv_write(cfd, s->cap.data, s->glen);
		break;
	}
}

/* Bind (and, unless listen_too is 0, listen on) a socket in a temp dir. */
static void
srv_open(struct srv *s, struct event_base *base, int listen_too)
{
	struct sockaddr_un	 sun;

	s->base = base;
	s->cfd = -1;
	snprintf(s->dir, sizeof s->dir, "/tmp/test-bird.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof s->path, "%s/bird.ctl", s->dir);
	assert_int_not_equal(s->lfd = socket(AF_UNIX, SOCK_STREAM, 0), -1);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strlcpy_pt(sun.sun_path, s->path, sizeof sun.sun_path);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	if (!listen_too)
		return;
	assert_int_equal(listen(s->lfd, 4), 0);
	s->ev_accept = event_new(base, s->lfd, EV_READ | EV_PERSIST,
	    srv_accept_cb, s);
	event_add(s->ev_accept, NULL);
}

static void
srv_close(struct srv *s)
{
	if (s->ev_read != NULL)
		event_free(s->ev_read);
	if (s->cfd != -1)
		close(s->cfd);
	if (s->ev_accept != NULL)
		event_free(s->ev_accept);
	if (s->lfd != -1)
		close(s->lfd);
	unlink(s->path);
	rmdir(s->dir);
	free(s->cap.data);
}

static struct session *
add_session(struct model *m, struct partner *p, const char *name,
    const char *neighbor, const char *router)
{
	struct session	*s;

	s = xcalloc(1, sizeof *s);
	strlcpy_pt(s->name, name, sizeof s->name);
	assert_int_equal(addr_parse(neighbor, &s->neighbor), 0);
	strlcpy_pt(s->router, router, sizeof s->router);
	strlcpy_pt(s->edge, "sea", sizeof s->edge);
	s->edge_idx = 0;
	s->partner = p;
	m->sessions = xreallocarray(m->sessions, m->nsessions + 1,
	    sizeof *m->sessions);
	m->sessions[m->nsessions++] = s;
	p->sessions = xreallocarray(p->sessions, p->nsessions + 1,
	    sizeof *p->sessions);
	p->sessions[p->nsessions++] = s;
	return (s);
}

static void
tick_cb(evutil_socket_t fd, short events, void *arg)
{
	struct fixture	*f = arg;

	f->ticks++;
}

static int
fixture_setup(void **state)
{
	struct fixture	*f;
	struct partner	*p;
	struct edge	 e;
	struct timeval	 tv = { 0, 10000 };

	f = xcalloc(1, sizeof *f);
	f->base = event_base_new();
	f->m = model_new();
	memset(&e, 0, sizeof e);
	strlcpy_pt(e.code, "sea", sizeof e.code);
	strlcpy_pt(e.metro, "Seattle", sizeof e.metro);
	model_edge_set(f->m, &e);

	p = xcalloc(1, sizeof *p);
	strlcpy_pt(p->name, "example-isp", sizeof p->name);
	p->asn = 65002;
	f->m->partners = xcalloc(1, sizeof *f->m->partners);
	f->m->partners[f->m->npartners++] = p;
	add_session(f->m, p, "sea-1", "127.0.0.2", "sea-r1");
	add_session(f->m, p, "lax-1", "127.0.0.3", "sea-r1");
	add_session(f->m, p, "dal-1", "127.0.0.5", "sea-r1");
	add_session(f->m, p, "nyc-1", "127.0.0.6", "sea-r1");
	add_session(f->m, p, "gone", "127.0.0.99", "sea-r1");
	/* Same neighbor on another router: not ours. */
	add_session(f->m, p, "other", "127.0.0.2", "lax-r1");

	f->c = xcalloc(1, sizeof *f->c);
	f->c->ops = &collector_bird;
	strlcpy_pt(f->c->name, "bird sea-r1", sizeof f->c->name);
	strlcpy_pt(f->c->router, "sea-r1", sizeof f->c->router);
	f->c->interval_ms = 100;
	f->m->collectors = xcalloc(1, sizeof *f->m->collectors);
	f->m->collectors[f->m->ncollectors++] = f->c;

	f->srv.lfd = -1;
	f->srv.cfd = -1;
	f->ev_tick = event_new(f->base, -1, EV_PERSIST, tick_cb, f);
	event_add(f->ev_tick, &tv);
	*state = f;
	return (0);
}

static int
fixture_teardown(void **state)
{
	struct fixture	*f = *state;

	model_free(f->m);	/* stops the collector */
	srv_close(&f->srv);
	event_free(f->ev_tick);
	event_base_free(f->base);
	free(f);
	return (0);
}

static void
fixture_start(struct fixture *f, const char *path)
{
	char	*cause = NULL;

	f->c->path = xstrdup(path);
	assert_int_equal(collector_bird.start(f->c, f->m, f->base, &cause), 0);
}

static int
pred_up_polled(struct fixture *f)
{
	return (f->c->state == COL_UP && f->c->polls >= 3);
}

static int
pred_down(struct fixture *f)
{
	return (f->c->state == COL_DOWN);
}

static int
pred_up(struct fixture *f)
{
	return (f->c->state == COL_UP);
}

/* Run the loop until pred holds or max_ms pass; returns elapsed ms. */
static uint64_t
run_until(struct fixture *f, int (*pred)(struct fixture *), int max_ms)
{
	uint64_t	 start = now_mono_ms();

	while (!pred(f) && now_mono_ms() - start < (uint64_t)max_ms)
		event_base_loop(f->base, EVLOOP_ONCE);
	return (now_mono_ms() - start);
}

static void
test_collector_replay(void **state)
{
	struct fixture	*f = *state;
	struct session	*s;
	char		 d[256];

	f->srv.cap = load("a-states.txt");
	f->srv.glen = greeting_len(&f->srv.cap);
	f->srv.mode = SRV_REPLAY;
	srv_open(&f->srv, f->base, 1);
	model_session_find(f->m, "gone")->state = BGP_ESTABLISHED;

	fixture_start(f, f->srv.path);
	assert_int_equal(f->c->state, COL_STARTING);
	run_until(f, pred_up_polled, 5000);
	assert_true(pred_up_polled(f));

	/* One connection kept open across polls. */
	assert_int_equal(f->srv.accepts, 1);
	assert_true(f->srv.commands >= 3);

	s = model_session_find(f->m, "sea-1");
	assert_int_equal(s->state, BGP_ESTABLISHED);
	assert_int_equal(s->remote_as, 8075);
	assert_int_equal(s->routes_imported, 3);
	assert_int_equal(s->routes_exported, 3);
	assert_int_equal(s->since_ms, T_CAPTURE);
	assert_string_equal(s->proto, "ms_sea1");
	assert_ptr_equal(s->source, f->c);

	s = model_session_find(f->m, "lax-1");
	assert_int_equal(s->state, BGP_ACTIVE);
	assert_string_equal(s->last_error, "Socket: Connection refused");

	s = model_session_find(f->m, "dal-1");
	assert_int_equal(s->state, BGP_IDLE);
	assert_string_equal(s->last_error, "Received: Bad peer AS");

	s = model_session_find(f->m, "nyc-1");
	assert_int_equal(s->remote_as, 64999);
	assert_string_equal(s->last_error, "BGP Error: Bad peer AS");

	/* Configured but absent from BIRD: lost. */
	assert_int_equal(model_session_find(f->m, "gone")->state, BGP_UNKNOWN);
	/* Another router's session with the same neighbor is untouched. */
	s = model_session_find(f->m, "other");
	assert_int_equal(s->state, BGP_UNKNOWN);
	assert_null(s->source);

	collector_bird.describe(f->c, d, sizeof d);
	assert_memory_equal(d, "bird sea-r1 up ", 15);
	assert_int_equal(f->c->failures, 0);
}

static int
pred_polled(struct fixture *f)
{
	return (f->c->polls >= 4);
}

/* The collector's first poll of a server that answers reply: sea-1. */
static struct session *
poll_reply(struct fixture *f, const char *reply)
{
	f->srv.cap.data = xstrdup(reply);
	f->srv.cap.len = strlen(reply);
	f->srv.glen = greeting_len(&f->srv.cap);
	f->srv.mode = SRV_REPLAY;
	srv_open(&f->srv, f->base, 1);

	fixture_start(f, f->srv.path);
	run_until(f, pred_polled, 5000);
	assert_true(pred_polled(f));
	return (model_session_find(f->m, "sea-1"));
}

/*
 * Two BGP protocols with the same neighbor (a disabled copy kept during a
 * migration): the session follows the Established one and does not flip
 * between the two, with a SessionDown and a SessionUp, on every poll.
 */
static void
test_collector_same_neighbor(void **state)
{
	struct fixture		*f = *state;
	struct session		*s;
	const struct event	*ev;
	size_t			 i;
	const char		*reply =
	    "0001 BIRD 2.0.12 ready.\n"
	    "2002-Name       Proto      Table      State  Since         Info\n"
	    "1002-ms_sea1    BGP        ---        up     "
	    "2026-11-25 19:05:40  Established   \n"
	    "1006-  BGP state:          Established\n"
	    "     Neighbor address: 127.0.0.2\n"
	    "     Neighbor AS:      8075\n"
	    " \n"
	    "1002-ms_sea1old BGP        ---        down   "
	    "2026-11-25 19:05:35  \n"
	    "1006-  BGP state:          Down\n"
	    "     Neighbor address: 127.0.0.2\n"
	    "     Neighbor AS:      8075\n"
	    " \n"
	    "0000 \n";

	s = poll_reply(f, reply);
	assert_int_equal(s->state, BGP_ESTABLISHED);
	assert_string_equal(s->proto, "ms_sea1");
	assert_int_equal(s->flaps, 0);
	for (i = 0; (ev = model_event(f->m, i)) != NULL; i++) {
		if (strcmp(ev->subject, "session sea-1") == 0)
			fail_msg("event %s: %s", ev->type, ev->summary);
	}
}

/*
 * The same, during a turn-up: the disabled copy comes first, the other
 * is enabled and trying. The session follows the one trying (its FSM and
 * its error are the news), not the first one listed.
 */
static void
test_collector_same_neighbor_trying(void **state)
{
	struct fixture		*f = *state;
	struct session		*s;
	const char		*reply =
	    "0001 BIRD 2.0.12 ready.\n"
	    "2002-Name       Proto      Table      State  Since         Info\n"
	    "1002-ms_sea1bad BGP        ---        down   "
	    "2026-11-25 19:05:35  \n"
	    "1006-  BGP state:          Down\n"
	    "     Neighbor address: 127.0.0.2\n"
	    "     Neighbor AS:      8076\n"
	    " \n"
	    "1002-ms_sea1    BGP        ---        start  "
	    "2026-11-25 19:05:40  Active        Socket: Connection refused\n"
	    "1006-  BGP state:          Active\n"
	    "     Neighbor address: 127.0.0.2\n"
	    "     Neighbor AS:      8075\n"
	    "     Last error:       Socket: Connection refused\n"
	    " \n"
	    "0000 \n";

	s = poll_reply(f, reply);
	assert_int_equal(s->state, BGP_ACTIVE);
	assert_string_equal(s->proto, "ms_sea1");
	assert_non_null(strstr(s->last_error, "Connection refused"));
}

static void
test_collector_silent(void **state)
{
	struct fixture	*f = *state;
	struct session	*s;
	uint64_t	 elapsed;
	char		 d[256];

	f->srv.mode = SRV_SILENT;
	srv_open(&f->srv, f->base, 1);
	s = model_session_find(f->m, "sea-1");
	s->state = BGP_ESTABLISHED;
	f->c->interval_ms = 300;

	fixture_start(f, f->srv.path);
	elapsed = run_until(f, pred_down, 5000);
	assert_int_equal(f->c->state, COL_DOWN);
	assert_string_equal(f->c->error, "no reply within 0.3 s");
	assert_true(elapsed >= 250 && elapsed < 2000);
	/* The loop kept running while the server stalled. */
	assert_true(f->ticks >= 10);
	assert_int_equal(s->state, BGP_UNKNOWN);
	assert_int_equal(f->srv.accepts, 1);

	collector_bird.describe(f->c, d, sizeof d);
	assert_non_null(strstr(d, "bird sea-r1 down"));
	assert_non_null(strstr(d, "no reply within"));
}

static void
test_collector_missing(void **state)
{
	struct fixture	*f = *state;
	char		 path[400], want[512];

	srv_open(&f->srv, f->base, 0);
	snprintf(path, sizeof path, "%s/missing.ctl", f->srv.dir);
	fixture_start(f, path);
	run_until(f, pred_down, 3000);
	assert_int_equal(f->c->state, COL_DOWN);
	snprintf(want, sizeof want, "cannot connect to %s: %s", path,
	    strerror(ENOENT));
	assert_string_equal(f->c->error, want);
}

static void
test_collector_refused(void **state)
{
	struct fixture	*f = *state;

	srv_open(&f->srv, f->base, 0);	/* bound, not listening */
	fixture_start(f, f->srv.path);
	run_until(f, pred_down, 3000);
	assert_int_equal(f->c->state, COL_DOWN);
	assert_non_null(strstr(f->c->error, strerror(ECONNREFUSED)));
}

static void
test_collector_garbage_then_recovers(void **state)
{
	struct fixture	*f = *state;
	uint64_t	 elapsed;

	f->srv.cap = load("a-states.txt");
	f->srv.glen = greeting_len(&f->srv.cap);
	f->srv.mode = SRV_GARBAGE;
	srv_open(&f->srv, f->base, 1);
	fixture_start(f, f->srv.path);
	run_until(f, pred_down, 3000);
	assert_int_equal(f->c->state, COL_DOWN);
	assert_memory_equal(f->c->error, "bad reply: ", 11);
	assert_int_equal(f->c->failures, 1);

	/* BIRD comes back: the first retry is after about 1 s. */
	f->srv.mode = SRV_REPLAY;
	elapsed = run_until(f, pred_up, 4000);
	assert_int_equal(f->c->state, COL_UP);
	assert_true(elapsed >= 800);
	assert_int_equal(f->srv.accepts, 2);
	assert_int_equal(model_session_find(f->m, "sea-1")->state,
	    BGP_ESTABLISHED);
	assert_string_equal(f->c->error, "");
}

static void
test_collector_bird_error(void **state)
{
	struct fixture	*f = *state;

	f->srv.cap = load("a-states.txt");
	f->srv.glen = greeting_len(&f->srv.cap);
	f->srv.mode = SRV_ERROR;
	srv_open(&f->srv, f->base, 1);
	fixture_start(f, f->srv.path);
	run_until(f, pred_down, 3000);
	assert_int_equal(f->c->state, COL_DOWN);
	assert_non_null(strstr(f->c->error, "bad reply: BIRD error 9001"));
}

static void
test_collector_half_reply(void **state)
{
	struct fixture	*f = *state;

	f->srv.cap = load("a-states.txt");
	f->srv.glen = greeting_len(&f->srv.cap);
	f->srv.mode = SRV_HALF;
	srv_open(&f->srv, f->base, 1);
	fixture_start(f, f->srv.path);
	run_until(f, pred_down, 3000);
	assert_int_equal(f->c->state, COL_DOWN);
	assert_string_equal(f->c->error,
	    "bad reply: connection closed in the middle of a reply");
}

static void
test_collector_bad_path(void **state)
{
	struct fixture	*f = *state;
	char		 path[200], *cause = NULL;

	memset(path, 'p', sizeof path - 1);
	path[0] = '/';
	path[sizeof path - 1] = '\0';
	f->c->path = xstrdup(path);
	assert_int_equal(collector_bird.start(f->c, f->m, f->base, &cause),
	    -1);
	assert_non_null(strstr(cause, "too long"));
	free(cause);
	assert_null(f->c->priv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_startup),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_peer_shutdown),
		cmocka_unit_test(test_reestablished),
		cmocka_unit_test(test_brief),
		cmocka_unit_test(test_today_format),
		cmocka_unit_test(test_disabled_today),
		cmocka_unit_test(test_filtered),
		cmocka_unit_test(test_date_only_ipv6),
		cmocka_unit_test(test_error_replies),
		cmocka_unit_test(test_chunking),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_reader_reset),
		cmocka_unit_test(test_sanitised),
		cmocka_unit_test(test_since),
		cmocka_unit_test(test_state_map),
		cmocka_unit_test_setup_teardown(test_collector_replay,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_collector_same_neighbor,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_collector_same_neighbor_trying,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_collector_silent,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_collector_missing,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_collector_refused,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(
		    test_collector_garbage_then_recovers,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_collector_bird_error,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_collector_half_reply,
		    fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_collector_bad_path,
		    fixture_setup, fixture_teardown),
	};

	/* The captures were taken on a UTC clock. */
	setenv("TZ", "UTC", 1);
	tzset();
	log_open(NULL, LOG_LVL_WARN);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
