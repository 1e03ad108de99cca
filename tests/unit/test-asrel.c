/* SPDX-License-Identifier: ISC */
/*
 * Tests for core/asrel.c: CAIDA AS relationship files (serial-1 and
 * serial-2, plain and bzip2, one and two streams, cut short), errors
 * naming file and line, the pair index in both directions, and the
 * valley-free check over hand-written relationships
 * (tests/data/asrel/): the leaks of RFC 7908 (a customer between two
 * providers, a provider's route to a peer, two peer hops, the hop into
 * us by the session's relation), unknown links taken conservatively,
 * prepends and AS_SET.  And a timing floor for lookups.
 */
#include <sys/types.h>

#include <bzlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/asrel.h"
#include "core/bgp-role.h"
#include "core/decode-bgp.h"
#include "core/util.h"
#include "tests/unit/unit.h"

#define VF(r, last, l, ...)						\
	asrel_valley_free((r), (const uint32_t[]){ __VA_ARGS__ },	\
	    sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t),	\
	    (last), (l))

static struct asrel *
load_serial1(void)
{
	struct asrel	*r;
	char		 path[4096], *cause = NULL;

	test_path(path, sizeof path, "tests/data/asrel", "serial-1.txt");
	r = asrel_load(path, &cause);
	if (r == NULL)
		fail_msg("%s", cause);
	return (r);
}

static void
test_index(void **state)
{
	struct asrel	*r = load_serial1();

	(void)state;
	assert_int_equal(asrel_nlinks(r), 12);
	assert_int_equal(asrel_nconflicts(r), 0);
	assert_int_equal(asrel_get(r, 3356, 64496), ASREL_P2C);
	assert_int_equal(asrel_get(r, 64496, 3356), ASREL_C2P);
	assert_int_equal(asrel_get(r, 3356, 1299), ASREL_P2P);
	assert_int_equal(asrel_get(r, 1299, 3356), ASREL_P2P);
	assert_int_equal(asrel_get(r, 3356, 64497), ASREL_NONE);
	assert_int_equal(asrel_get(r, 0, 0), ASREL_NONE);
	assert_int_equal(asrel_get(NULL, 1, 2), ASREL_NONE);
	assert_string_equal(asrel_rel_name(asrel_get(r, 64500, 64497)),
	    "c2p");
	asrel_free(r);
}

static void
test_valley_free(void **state)
{
	struct asrel		*r = load_serial1();
	struct asrel_leak	 l;
	char			 buf[160];

	(void)state;
	/* Up from 64500 through 64497 to 1299. */
	assert_int_equal(VF(r, ASREL_NONE, &l, 1299, 64497, 64500),
	    ASREL_VF_VALID);
	/* Up, across the 174 -- 3356 peering, down to 64496 and 64500. */
	assert_int_equal(VF(r, ASREL_NONE, &l, 64500, 64496, 3356, 174,
	    64498, 64501), ASREL_VF_VALID);
	assert_string_equal(asrel_leak_str(&l, buf, sizeof buf), "");

	/*
	 * RFC 7908 type 1: multihomed 64500 passes its provider 64496's
	 * route on to its other provider 64497.
	 */
	assert_int_equal(VF(r, ASREL_NONE, &l, 1299, 64497, 64500, 64496,
	    3356, 174, 64498), ASREL_VF_LEAK);
	assert_int_equal(l.leaker, 64500);
	assert_int_equal(l.from, 64496);
	assert_int_equal(l.to, 64497);
	assert_string_equal(asrel_leak_str(&l, buf, sizeof buf),
	    "AS64500 passes a route from its provider AS64496 to its "
	    "provider AS64497");
	/* A provider's route to a peer: 64496 to 64499. */
	assert_int_equal(VF(r, ASREL_NONE, &l, 64499, 64496, 3356, 1299,
	    64497), ASREL_VF_LEAK);
	assert_string_equal(asrel_leak_str(&l, buf, sizeof buf),
	    "AS64496 passes a route from its provider AS3356 to its peer "
	    "AS64499");
	/* Two peerings in a row: 3356 passes 1299's route to 174. */
	assert_int_equal(VF(r, ASREL_NONE, &l, 174, 3356, 1299, 64497),
	    ASREL_VF_LEAK);
	assert_string_equal(asrel_leak_str(&l, buf, sizeof buf),
	    "AS3356 passes a route from its peer AS1299 to its peer AS174");

	/*
	 * The hop into us, by the session's relation: from our peer
	 * 64496, a route it learnt from its provider is a leak; from
	 * 64496 as our provider it is not.
	 */
	assert_int_equal(VF(r, ASREL_P2P, &l, 64496, 3356, 1299),
	    ASREL_VF_LEAK);
	assert_int_equal(l.leaker, 64496);
	assert_int_equal(l.to, 0);
	assert_string_equal(asrel_leak_str(&l, buf, sizeof buf),
	    "AS64496 passes a route from its provider AS3356 to its peer the "
	    "receiver");
	assert_int_equal(VF(r, ASREL_P2C, &l, 64496, 3356, 1299),
	    ASREL_VF_VALID);
	/* Our customer may send its customer's routes. */
	assert_int_equal(VF(r, ASREL_C2P, &l, 64496, 64500), ASREL_VF_VALID);
	assert_int_equal(VF(r, ASREL_C2P, &l, 64496, 3356), ASREL_VF_LEAK);

	/* The session's relation as the last hop. */
	assert_int_equal(asrel_last_rel(BGP_ROLE_PROVIDER), ASREL_P2C);
	assert_int_equal(asrel_last_rel(BGP_ROLE_CUSTOMER), ASREL_C2P);
	assert_int_equal(asrel_last_rel(BGP_ROLE_RS_CLIENT), ASREL_C2P);
	assert_int_equal(asrel_last_rel(BGP_ROLE_PEER), ASREL_P2P);
	assert_int_equal(asrel_last_rel(BGP_ROLE_RS), ASREL_P2P);
	assert_int_equal(asrel_last_rel(BGP_ROLE_NONE), ASREL_NONE);

	/* Prepends are one AS. */
	assert_int_equal(VF(r, ASREL_NONE, &l, 1299, 1299, 64497, 64500,
	    64500, 64500), ASREL_VF_VALID);
	assert_int_equal(VF(r, ASREL_NONE, &l, 64500), ASREL_VF_VALID);
	asrel_free(r);
}

static void
test_unknown_links(void **state)
{
	struct asrel		*r = load_serial1();
	struct asrel_leak	 l;

	(void)state;
	/* Nothing known: no leak claimed. */
	assert_int_equal(VF(r, ASREL_NONE, &l, 65551, 65550, 65549),
	    ASREL_VF_UNKNOWN);
	assert_int_equal(l.nunknown, 2);
	/* After the 3356 -- 1299 peering, an unknown link must be down. */
	assert_int_equal(VF(r, ASREL_NONE, &l, 65551, 3356, 1299, 64497),
	    ASREL_VF_UNKNOWN);
	/*
	 * An unknown link below the valley does not excuse it: 1299 gets
	 * the route from its peer 3356 and passes it to its peer 174,
	 * whatever 65551 is to 64496.
	 */
	assert_int_equal(VF(r, ASREL_NONE, &l, 174, 1299, 3356, 64496,
	    65551), ASREL_VF_LEAK);
	assert_int_equal(l.leaker, 1299);
	assert_int_equal(l.nunknown, 1);
	/*
	 * An unknown link that may be the peering: 64496 -> 65551 -> 3356
	 * is valley-free if 65551 is 64496's provider and 3356's customer.
	 */
	assert_int_equal(VF(r, ASREL_NONE, &l, 3356, 65551, 64496, 64500),
	    ASREL_VF_UNKNOWN);
	/* No relations at all loaded. */
	assert_int_equal(VF(NULL, ASREL_NONE, &l, 1, 2), ASREL_VF_UNKNOWN);
	asrel_free(r);
}

static void
test_aspath(void **state)
{
	struct asrel		*r = load_serial1();
	struct asrel_leak	 l;
	struct bgp_aspath	 p;
	struct bgp_aspath_seg	 segs[2];
	uint32_t		 asns[4] = { 1299, 64497, 64500, 64496 };

	(void)state;
	segs[0] = (struct bgp_aspath_seg){ BGP_AS_SEQUENCE, 3, 0 };
	p = (struct bgp_aspath){ segs, 1, asns, 3 };
	assert_int_equal(asrel_valley_free_path(r, &p, ASREL_NONE, &l),
	    ASREL_VF_VALID);
	/* 1299 64497 64500 {64496}: an AS_SET cannot be ordered. */
	segs[1] = (struct bgp_aspath_seg){ BGP_AS_SET, 1, 3 };
	p = (struct bgp_aspath){ segs, 2, asns, 4 };
	assert_int_equal(asrel_valley_free_path(r, &p, ASREL_NONE, &l),
	    ASREL_VF_UNKNOWN);
	asrel_free(r);
}

static struct asrel *
load_text(const char *name, const char *text, char **cause)
{
	*cause = NULL;
	return (asrel_load_mem(name, text, strlen(text), cause));
}

static void
test_errors(void **state)
{
	struct asrel	*r;
	char		*cause;

	(void)state;
	r = load_text("x.txt", "# c\n1|2|-1\n3|4|2\n", &cause);
	assert_null(r);
	assert_string_equal(cause, "x.txt:3: relationship \"2\" is not -1 "
	    "(provider|customer) or 0 (peers)");
	free(cause);
	r = load_text("x.txt", "1|2\n", &cause);
	assert_null(r);
	assert_string_equal(cause, "x.txt:1: expected as1|as2|rel or "
	    "as1|as2|rel|source");
	free(cause);
	r = load_text("x.txt", "1|2|0|bgp|x\n", &cause);
	assert_null(r);
	free(cause);
	r = load_text("x.txt", "\n\n1|AS\x1b[2J|0\n", &cause);
	assert_null(r);
	/* The terminal escape does not reach the message. */
	assert_null(strchr(cause, '\x1b'));
	assert_non_null(strstr(cause, "x.txt:3: as2 \""));
	free(cause);
	r = load_text("x.txt", "4294967296|1|0\n", &cause);
	assert_null(r);
	free(cause);
	r = load_text("x.txt", "0|1|0\n", &cause);
	assert_null(r);
	free(cause);
	r = load_text("x.txt", "7|7|0\n", &cause);
	assert_null(r);
	assert_string_equal(cause, "x.txt:1: AS7 related to itself");
	free(cause);

	/* CRLF, a last line without newline, a link twice. */
	r = load_text("x.txt", "1|2|-1\r\n2|1|0\n1|2|-1\n3|4|0", &cause);
	assert_non_null(r);
	assert_int_equal(asrel_nlinks(r), 2);
	assert_int_equal(asrel_nconflicts(r), 1);
	assert_int_equal(asrel_get(r, 2, 1), ASREL_C2P);
	asrel_free(r);
	/* Empty is no error: no links. */
	r = load_text("x.txt", "", &cause);
	assert_non_null(r);
	assert_int_equal(asrel_nlinks(r), 0);
	asrel_free(r);

	r = asrel_load("/nonexistent/as-rel.txt", &cause);
	assert_null(r);
	assert_non_null(strstr(cause, "/nonexistent/as-rel.txt: "));
	free(cause);
}

/* bzip2 of text into a temporary file: once, or as two streams. */
static void
write_bz2(const char *path, const char *text, int streams, size_t cut)
{
	char		*out = xmalloc(2 * strlen(text) + 1200);
	unsigned	 n, total = 0, half = (unsigned)strlen(text) / 2;
	FILE		*f;
	int		 i;

	for (i = 0; i < streams; i++) {
		const char	*src = streams == 1 ? text :
		    i == 0 ? text : text + half;
		unsigned	 len = streams == 1 ? (unsigned)strlen(text) :
		    i == 0 ? half : (unsigned)strlen(text) - half;

		n = (unsigned)(strlen(text) + 600);
		assert_int_equal(BZ2_bzBuffToBuffCompress(out + total, &n,
		    (char *)(uintptr_t)src, len, 9, 0, 0), BZ_OK);
		total += n;
	}
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(out, 1, total - cut, f), total - cut);
	fclose(f);
	free(out);
}

static void
test_files(void **state)
{
	struct test_file	 t = test_load("tests/data/asrel",
				    "serial-2.txt");
	struct asrel		*r;
	char			 path[] = "/tmp/peertop-asrel-XXXXXX";
	char			*cause = NULL;
	int			 fd;

	(void)state;
	r = asrel_load_mem("serial-2.txt", t.data, t.len, &cause);
	assert_non_null(r);
	assert_int_equal(asrel_nlinks(r), 6);
	assert_int_equal(asrel_get(r, 64497, 1299), ASREL_C2P);
	asrel_free(r);

	assert_int_not_equal(fd = mkstemp(path), -1);
	close(fd);
	write_bz2(path, t.data, 1, 0);
	r = asrel_load(path, &cause);
	if (r == NULL)
		fail_msg("%s", cause);
	assert_int_equal(asrel_nlinks(r), 6);
	asrel_free(r);
	/* pbzip2 style: two streams, the cut in the middle of a line. */
	write_bz2(path, t.data, 2, 0);
	r = asrel_load(path, &cause);
	if (r == NULL)
		fail_msg("%s", cause);
	assert_int_equal(asrel_nlinks(r), 6);
	assert_int_equal(asrel_get(r, 64500, 64496), ASREL_C2P);
	asrel_free(r);
	/* Cut short. */
	write_bz2(path, t.data, 1, 20);
	r = asrel_load(path, &cause);
	assert_null(r);
	assert_non_null(strstr(cause, "bzip2"));
	free(cause);
	unlink(path);
	free(t.data);
}

/* The index must keep up with a full table: a floor, not a benchmark. */
static void
test_speed(void **state)
{
	struct asrel	*r;
	char		*text, *p, *cause = NULL;
	size_t		 i, n = 200000, hits = 0;
	struct timespec	 t0, t1;
	double		 secs;

	(void)state;
	p = text = xmalloc(n * 32);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%zu|%zu|%s\n", 1000 + i, 1000 + i * 7 + 1,
		    i % 3 ? "-1" : "0");
	r = asrel_load_mem("big", text, (size_t)(p - text), &cause);
	assert_non_null(r);
	assert_int_equal(asrel_nlinks(r), n);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 4 * n; i++)
		hits += asrel_get(r, (uint32_t)(1000 + i % n),
		    (uint32_t)(1000 + (i % n) * 7 + 1 + (i & 1))) != ASREL_NONE;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(hits, 2 * n);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* 800k lookups: at 1M/s (ASan, a busy machine) that is 0.8 s. */
	assert_true(secs < 0.8);
	asrel_free(r);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_valley_free),
		cmocka_unit_test(test_unknown_links),
		cmocka_unit_test(test_aspath),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_speed),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
