/* SPDX-License-Identifier: ISC */
/*
 * core/bmp-unprepend.c: the monitored router's AS removed from the front
 * of an Adj-RIB-In AS_PATH, checked by decoding the result with the real
 * UPDATE decoder; malformed UPDATEs and paths that do not start with it
 * are left alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/unit.h"

#include "core/bmp-unprepend.h"
#include "core/decode-bgp.h"

/* An UPDATE body: no withdrawn routes, ORIGIN, the AS_PATH given (its
 * value), NEXT_HOP, and 203.0.113.0/24. */
static size_t
mkupdate(uint8_t *b, const uint8_t *path, size_t plen, int extended)
{
	size_t	 n = 0, alen_at;

	b[n++] = 0;
	b[n++] = 0;
	alen_at = n;
	n += 2;
	b[n++] = 0x40; b[n++] = 1; b[n++] = 1; b[n++] = 0;	/* ORIGIN */
	if (extended) {
		b[n++] = 0x50; b[n++] = 2;
		b[n++] = (uint8_t)(plen >> 8); b[n++] = (uint8_t)plen;
	} else {
		b[n++] = 0x40; b[n++] = 2; b[n++] = (uint8_t)plen;
	}
	memcpy(b + n, path, plen);
	n += plen;
	b[n++] = 0x40; b[n++] = 3; b[n++] = 4;			/* NEXT_HOP */
	b[n++] = 192; b[n++] = 0; b[n++] = 2; b[n++] = 1;
	b[alen_at] = (uint8_t)((n - alen_at - 2) >> 8);
	b[alen_at + 1] = (uint8_t)(n - alen_at - 2);
	b[n++] = 24; b[n++] = 203; b[n++] = 0; b[n++] = 113;
	return (n);
}

/* The AS_PATH of an UPDATE as text, through the real decoder. */
static void
path_of(const uint8_t *b, size_t len, int as4, char *out, size_t outlen)
{
	struct bgp_decode_opts	 o;
	struct bgp_update	 u;
	char			*cause = NULL;
	size_t			 i;

	memset(&o, 0, sizeof o);
	o.as4 = as4;
	assert_int_equal(decode_bgp_update(b, len, &o, &u, &cause), 0);
	assert_null(cause);
	assert_int_equal(u.nannounced, 1);
	out[0] = '\0';
	for (i = 0; i < u.attrs.aspath.nasns; i++)
		snprintf(out + strlen(out), outlen - strlen(out), "%s%u",
		    i > 0 ? " " : "", u.attrs.aspath.asns[i]);
	decode_bgp_update_free(&u);
}

static void
test_unprepend_as4(void **state)
{
	/* AS_SEQUENCE 8075 65002 64496 */
	const uint8_t	 path[] = { 2, 3, 0, 0, 0x1f, 0x8b, 0, 0, 0xfd, 0xea,
			    0, 0, 0xfb, 0xf0 };
	uint8_t		 in[128], out[128];
	size_t		 n, m;
	uint32_t	 first;
	char		 p[64];
	int		 ext;

	(void)state;
	for (ext = 0; ext <= 1; ext++) {
		n = mkupdate(in, path, sizeof path, ext);
		path_of(in, n, 1, p, sizeof p);
		assert_string_equal(p, "8075 65002 64496");
		m = bmp_unprepend(in, n, 1, 8075, out, NULL);
		assert_int_equal(m, n - 4);
		path_of(out, m, 1, p, sizeof p);
		assert_string_equal(p, "65002 64496");
		/* Once only: the neighbor's own prepends stay. */
		assert_int_equal(bmp_unprepend(out, m, 1, 8075, in, &first), 0);
		assert_int_equal(first, 65002);
		/* Another AS first: nothing to do, the first AS said. */
		n = mkupdate(in, path, sizeof path, ext);
		assert_int_equal(bmp_unprepend(in, n, 1, 65002, out, &first), 0);
		assert_int_equal(first, 8075);
	}
}

static void
test_unprepend_segments(void **state)
{
	/* AS_SEQUENCE 8075, then AS_SEQUENCE 65002: the first goes whole. */
	const uint8_t	 two[] = { 2, 1, 0, 0, 0x1f, 0x8b, 2, 1, 0, 0, 0xfd,
			    0xea };
	/* AS_SET {8075 65002}: not a sequence, left alone. */
	const uint8_t	 set[] = { 1, 2, 0, 0, 0x1f, 0x8b, 0, 0, 0xfd, 0xea };
	/* 2-octet AS_SEQUENCE 8075 65002. */
	const uint8_t	 two_oct[] = { 2, 2, 0x1f, 0x8b, 0xfd, 0xea };
	uint8_t		 in[128], out[128];
	size_t		 n, m;
	uint32_t	 first;
	char		 p[64];

	(void)state;
	n = mkupdate(in, two, sizeof two, 0);
	m = bmp_unprepend(in, n, 1, 8075, out, NULL);
	assert_int_equal(m, n - 6);
	path_of(out, m, 1, p, sizeof p);
	assert_string_equal(p, "65002");

	n = mkupdate(in, set, sizeof set, 0);
	assert_int_equal(bmp_unprepend(in, n, 1, 8075, out, &first), 0);
	assert_int_equal(first, 0);

	n = mkupdate(in, two_oct, sizeof two_oct, 0);
	m = bmp_unprepend(in, n, 0, 8075, out, NULL);
	assert_int_equal(m, n - 2);
	path_of(out, m, 0, p, sizeof p);
	assert_string_equal(p, "65002");
}

/* Every truncation and every single-byte corruption: no read past the
 * end (ASan), and whatever comes out is no longer than what went in. */
static void
test_unprepend_malformed(void **state)
{
	const uint8_t	 path[] = { 2, 2, 0, 0, 0x1f, 0x8b, 0, 0, 0xfd, 0xea };
	uint8_t		 in[128], *cut, out[128];
	size_t		 n, i, m;
	int		 b;

	(void)state;
	n = mkupdate(in, path, sizeof path, 0);
	for (i = 0; i < n; i++) {
		cut = malloc(i > 0 ? i : 1);
		assert_non_null(cut);
		memcpy(cut, in, i);
		m = bmp_unprepend(cut, i, 1, 8075, out, NULL);
		assert_true(m < i || m == 0);
		free(cut);
	}
	for (i = 0; i < n; i++)
		for (b = 0; b < 256; b += 17) {
			uint8_t	 c[128];

			memcpy(c, in, n);
			c[i] = (uint8_t)b;
			m = bmp_unprepend(c, n, 1, 8075, out, NULL);
			assert_true(m == 0 || m < n);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unprepend_as4),
		cmocka_unit_test(test_unprepend_segments),
		cmocka_unit_test(test_unprepend_malformed),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
