/* SPDX-License-Identifier: ISC */
/* Unit tests for core/util.c: addresses, prefixes, sanitiser, formats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"

static void
test_addr(void **state)
{
	struct addr	 a, b;
	char		 buf[ADDR_STRLEN];

	assert_int_equal(addr_parse("192.0.2.1", &a), 0);
	assert_int_equal(a.af, AF_INET);
	assert_string_equal(addr_fmt(&a, buf, sizeof buf), "192.0.2.1");
	assert_int_equal(addr_parse("2001:db8::1", &b), 0);
	assert_int_equal(b.af, AF_INET6);
	assert_string_equal(addr_fmt(&b, buf, sizeof buf), "2001:db8::1");
	assert_true(addr_cmp(&a, &b) != 0);
	assert_int_equal(addr_parse("192.0.2.256", &a), -1);
	assert_int_equal(addr_parse("", &a), -1);
	assert_int_equal(addr_parse("example.com", &a), -1);
	assert_int_equal(a.af, 0);
}

static void
test_prefix(void **state)
{
	struct prefix	 p;
	struct addr	 a;
	char		 buf[PREFIX_STRLEN];

	assert_int_equal(prefix_parse("10.0.0.0/8", &p), 0);
	assert_int_equal(p.len, 8);
	assert_string_equal(prefix_fmt(&p, buf, sizeof buf), "10.0.0.0/8");
	assert_int_equal(prefix_parse("10.0.0.1/24", &p), -2);
	assert_int_equal(prefix_parse("10.0.0.0/33", &p), -1);
	assert_int_equal(prefix_parse("10.0.0.0", &p), -1);
	assert_int_equal(prefix_parse("10.0.0.0/", &p), -1);
	assert_int_equal(prefix_parse("10.0.0.0/-1", &p), -1);
	assert_int_equal(prefix_parse("10.0.0.0/8x", &p), -1);
	assert_int_equal(prefix_parse("2001:db8::/32", &p), 0);
	assert_int_equal(prefix_parse("2001:db8::1/64", &p), -2);
	assert_int_equal(prefix_parse("2001:db8:8000::/33", &p), 0);
	assert_int_equal(prefix_parse("2001:db8:4000::/33", &p), -2);
	assert_int_equal(prefix_parse("0.0.0.0/0", &p), 0);
	assert_int_equal(prefix_parse("81.2.69.0/24", &p), 0);
	addr_parse("81.2.69.142", &a);
	assert_true(prefix_contains(&p, &a));
	addr_parse("81.2.70.1", &a);
	assert_false(prefix_contains(&p, &a));
	assert_int_equal(prefix_parse("81.2.68.0/23", &p), 0);
	addr_parse("81.2.69.1", &a);
	assert_true(prefix_contains(&p, &a));
}

static void
test_sanitize(void **state)
{
	char	 out[64];
	const char *esc = "a\x1b[2Jb\x07" "c\r\n";
	const char *c1 = "x\xc2\x9b" "31my";	/* C1 CSI */

	assert_string_equal(sanitize(out, sizeof out, esc, strlen(esc)),
	    "a?[2Jb?c??");
	assert_string_equal(sanitize(out, sizeof out, c1, strlen(c1)),
	    "x??31my");
	/* Valid UTF-8 is kept, invalid and overlong are not. */
	assert_string_equal(sanitize(out, sizeof out, "Link\xc3\xb6ping", 10),
	    "Link\xc3\xb6ping");
	assert_string_equal(sanitize(out, sizeof out, "\xc0\xaf", 2), "??");
	assert_string_equal(sanitize(out, sizeof out, "\xed\xa0\x80", 3),
	    "???");
	/* Truncation never splits a sequence. */
	assert_string_equal(sanitize(out, 6, "abcd\xc3\xb6", 6), "abcd");
	assert_string_equal(sanitize(out, sizeof out, "ab\0cd", 5), "ab");
}

/*
 * Bidirectional and invisible characters are valid UTF-8 that must not
 * reach a person as they are (issue 13): one '?' each, whatever their
 * length; the characters beside them are kept.
 */
static void
test_sanitize_hidden(void **state)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "evil\xe2\x80\xaetxt.exe", "evil?txt.exe" },	/* RLO */
		{ "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "????" },
		{ "a\xe2\x81\xa6" "b\xe2\x81\xa7" "c\xe2\x81\xa8" "d\xe2\x81\xa9",
		  "a?b?c?d?" },				/* isolates */
		{ "z\xe2\x80\x8bw\xe2\x80\x8cj\xe2\x80\x8d", "z?w?j?" },
		{ "\xe2\x80\x8e\xe2\x80\x8f", "??" },		/* LRM, RLM */
		{ "\xd8\x9c" "alm", "?alm" },			/* U+061C */
		{ "\xef\xbb\xbf" "bom", "?bom" },			/* U+FEFF */
		{ "l\xe2\x80\xa8p\xe2\x80\xa9", "l?p?" },	/* separators */
		/* Neighbours that are fine. */
		{ "\xe2\x80\x90\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\xef\xbb\xbe",
		  "\xe2\x80\x90\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\xef\xbb\xbe" },
		{ "\xd8\x9b\xd8\x9d", "\xd8\x9b\xd8\x9d" },
		{ "Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80",
		  "Z\xc3\xbcrich \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80" },
		/* ESC ] 0 title BEL, ESC [ 2 J, C1 OSC. */
		{ "\x1b]0;pwned\x07x\x1b[2J\xc2\x9d", "?]0;pwned?x?[2J??" },
	};
	char	 out[64], buf[64];
	size_t	 i, skip;

	for (i = 0; i < nitems(t); i++)
		assert_string_equal(sanitize(out, sizeof out, t[i].in,
		    strlen(t[i].in)), t[i].out);

	/* The measure a drawing loop uses: length to keep, bytes to skip. */
	assert_int_equal(sanitize_len("\xe2\x80\xae!", 4, &skip), 0);
	assert_int_equal(skip, 3);
	assert_int_equal(sanitize_len("\xc3\xb6", 2, &skip), 2);
	assert_int_equal(skip, 2);
	assert_int_equal(sanitize_len("\x1b[", 2, &skip), 0);
	assert_int_equal(skip, 1);
	assert_int_equal(sanitize_len("\xe2\x80", 2, &skip), 0);
	assert_int_equal(skip, 1);
	assert_int_equal(sanitize_len("a", 1, &skip), 1);

	/* In place. */
	strlcpy_pt(buf, "a\xe2\x80\xae" "b\x1b" "c", sizeof buf);
	assert_string_equal(sanitize(buf, sizeof buf, buf, strlen(buf)),
	    "a?b?c");
	/* A hidden character is not split by truncation either. */
	assert_string_equal(sanitize(out, 3, "ab\xe2\x80\xae", 5), "ab");
}

static void
test_formats(void **state)
{
	char	 buf[64];

	assert_string_equal(fmt_duration(buf, sizeof buf, 5), "5s");
	assert_string_equal(fmt_duration(buf, sizeof buf, 65), "1m05s");
	assert_string_equal(fmt_duration(buf, sizeof buf, 3720), "1h02m");
	assert_string_equal(fmt_duration(buf, sizeof buf, 90000), "1d01h");
	assert_string_equal(fmt_duration(buf, sizeof buf, -3), "0s");
	time_set_utc(1);
	assert_string_equal(fmt_time(buf, sizeof buf, 1764097185000LL,
	    FMT_TIME_FULL), "2025-11-25 18:59:45 UTC");
	time_set_utc(0);
	assert_string_equal(json_escape(buf, sizeof buf, "a\"b\\c\n\x01"),
	    "a\\\"b\\\\c\\n\\u0001");
	/* Truncation never cuts a UTF-8 character in two. */
	assert_string_equal(json_escape(buf, 6, "abc\xe2\x98\xaf"), "abc");
	assert_string_equal(json_escape(buf, 7, "abc\xe2\x98\xaf" "d"),
	    "abc\xe2\x98\xaf");
	assert_string_equal(json_escape(buf, 5, "ab\xc3\xb6" "x"), "ab\xc3\xb6");
	assert_string_equal(json_escape(buf, 4, "ab\xc3\xb6" "x"), "ab");
	assert_int_equal(strlcpy_pt(buf, "hello", 3), 5);
	assert_string_equal(buf, "he");
}

static void
test_clocks(void **state)
{
	uint64_t a = now_mono_ms(), b = now_mono_ms();

	assert_true(b >= a);
	assert_true(now_wall_ms() > 1600000000000LL);
}

/* RFC 1071 3's worked example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2. */
static void
test_cksum(void **state)
{
	static const uint8_t	 ex[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
				     0xf6, 0xf7 };
	uint8_t			 odd[] = { 0xab };
	uint8_t			 pkt[10];

	(void)state;
	assert_int_equal(inet_cksum(ex, sizeof ex), (uint16_t)~0xddf2);
	/* An odd length pads with a zero byte. */
	assert_int_equal(inet_cksum(odd, 1), (uint16_t)~0xab00);
	/* A packet carrying its own checksum sums to zero. */
	memcpy(pkt, ex, sizeof ex);
	pkt[8] = (uint8_t)(inet_cksum(ex, sizeof ex) >> 8);
	pkt[9] = (uint8_t)inet_cksum(ex, sizeof ex);
	assert_int_equal(inet_cksum(pkt, sizeof pkt), 0);
}

/*
 * The one time parser: ISO 8601 (UTC), offsets both ways from the
 * reference, and hh:mm[:ss] on the reference's day only when asked for.
 */
static void
test_time_parse(void **state)
{
	const int64_t	 t0 = 1764064800000LL;	/* 2025-11-25T10:00:00Z */
	const int64_t	 ref = 1764126000000LL;	/* 2025-11-26T03:00:00Z */
	const int64_t	 min = 60000;
	int64_t		 t;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(time_parse("2025-11-25T10:00:00Z", 0, 0, &t), 0);
	assert_int_equal(t, t0);
	assert_int_equal(time_parse("2025-11-25T10:00:00", 0, 0, &t), 0);
	assert_int_equal(t, t0);
	assert_int_equal(time_parse("2025-11-25 10:15", 0, 0, &t), 0);
	assert_int_equal(t, t0 + 15 * min);
	assert_int_equal(time_parse(" 2025-11-25T10:00Z", 0, 0, &t), 0);
	assert_int_equal(t, t0);
	assert_int_equal(time_parse("-15m", ref, 0, &t), 0);
	assert_int_equal(t, ref - 15 * min);
	assert_int_equal(time_parse("-2h", ref, 0, &t), 0);
	assert_int_equal(t, ref - 120 * min);
	assert_int_equal(time_parse("-1d", ref, 0, &t), 0);
	assert_int_equal(t, ref - 1440 * min);
	assert_int_equal(time_parse("+30s", ref, 0, &t), 0);
	assert_int_equal(t, ref + 30000);
	/* The clock form only where a day is meant (the replay). */
	assert_int_equal(time_parse("03:12", ref, 0, &t), -1);
	assert_int_equal(time_parse("03:12", ref, TIME_CLOCK, &t), 0);
	assert_int_equal(t, ref + 12 * min);
	assert_int_equal(time_parse("00:00:30", ref, TIME_CLOCK, &t), 0);
	assert_int_equal(t, ref - 180 * min + 30000);
	assert_int_equal(time_parse("24:00", ref, TIME_CLOCK, &t), -1);
	assert_int_equal(time_parse("3:7x", ref, TIME_CLOCK, &t), -1);
	assert_int_equal(time_parse("12:00:60", ref, TIME_CLOCK, &t), -1);
	assert_int_equal(time_parse("", ref, TIME_CLOCK, &t), -1);
	assert_int_equal(time_parse("-15", ref, 0, &t), -1);
	assert_int_equal(time_parse("-m", ref, 0, &t), -1);
	assert_int_equal(time_parse("-15 parsecs", ref, 0, &t), -1);
	assert_int_equal(time_parse("yesterday", ref, TIME_CLOCK, &t), -1);
	assert_int_equal(time_parse("2025-11-25", ref, 0, &t), -1);
	assert_int_equal(time_parse("2025-11-25T10:00:00+1", ref, 0, &t), -1);
	assert_int_equal(time_parse("2025-11-25T10:00:00+01:6", ref, 0, &t),
	    -1);
	assert_int_equal(time_parse("2025-11-25T10:00:00 Mars", ref, 0, &t),
	    -1);
	assert_int_equal(time_parse("2025-11-25T10:00:00Z ", ref, 0, &t), -1);
	assert_int_equal(time_parse("2025-02-30T10:00:00Z", ref, 0, &t), -1);
	assert_int_equal(time_parse("2025-13-01T10:00:00Z", ref, 0, &t), -1);
	assert_int_equal(time_parse("25-11-25T10:00:00Z", ref, 0, &t), -1);
}

/*
 * People's times in a zone with summer time (New York's rules as a POSIX
 * TZ, so no tzdata is needed) and in one without (India, +05:30): written
 * with the zone, read as local unless a zone is given, an hour the DST
 * change skips refused, one it repeats the earlier unless named; --utc
 * writes and reads UTC.
 */
static void
test_time_zones(void **state)
{
	const int64_t	 t = 1796606035000LL;	/* 2026-12-07T01:13:55Z */
	char		 buf[FMT_TIME_LEN];
	int64_t		 got;

	(void)state;
	setenv("TZ", "EST5EDT,M3.2.0,M11.1.0", 1);
	tzset();
	assert_string_equal(fmt_time(buf, sizeof buf, t, FMT_TIME_FULL),
	    "2026-12-06 20:13:55 EST");
	assert_string_equal(fmt_time(buf, sizeof buf, t, FMT_TIME_DAY),
	    "12-06 20:13:55 EST");
	assert_string_equal(fmt_time(buf, sizeof buf, t, FMT_TIME_DATE),
	    "2026-12-06 20:13:55");
	assert_string_equal(fmt_time(buf, sizeof buf, t, FMT_TIME_CLOCK),
	    "20:13:55");
	assert_string_equal(fmt_time(buf, sizeof buf, t, FMT_TIME_CLOCKZ),
	    "20:13:55 EST");
	assert_string_equal(fmt_time(buf, sizeof buf, 1793511000000LL,
	    FMT_TIME_ZONE), "EDT");
	assert_string_equal(fmt_time(buf, 9, t, FMT_TIME_FULL), "2026-12-");

	/* What is written reads back; no zone is local; a zone wins. */
	assert_int_equal(time_parse(fmt_time(buf, sizeof buf, t,
	    FMT_TIME_FULL), 0, 0, &got), 0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-12-06 20:13:55", 0, 0, &got), 0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-12-06T20:13:55", 0, 0, &got), 0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-12-07T01:13:55Z", 0, 0, &got), 0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-12-07 01:13:55 UTC", 0, 0, &got), 0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-12-07T06:43:55+05:30", 0, 0, &got),
	    0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-12-06T21:13:55-0400", 0, 0, &got),
	    0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-12-07T02:13:55+01", 0, 0, &got), 0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-12-06 20:13:55 IST", 0, 0, &got),
	    -1);
	/* A clock alone: on the reference's local day, zone or not. */
	assert_int_equal(time_parse("19:13:55", t, TIME_CLOCK, &got), 0);
	assert_int_equal(got, t - 3600 * 1000);
	assert_int_equal(time_parse("00:13:55Z", t, TIME_CLOCK, &got), 0);
	assert_int_equal(got, t - 3600 * 1000);

	/* Spring forward, 2026-03-08: 02:00-02:59 never happen. */
	assert_int_equal(time_parse("2026-03-08 01:59:59", 0, 0, &got), 0);
	assert_int_equal(got, 1772953199000LL);		/* 06:59:59Z */
	assert_int_equal(time_parse("2026-03-08 02:30", 0, 0, &got), -1);
	assert_int_equal(time_parse("2026-03-08 03:00", 0, 0, &got), 0);
	assert_int_equal(got, 1772953200000LL);		/* 07:00:00Z */
	/* Fall back, 2026-11-01: 01:30 twice, EDT first. */
	assert_int_equal(time_parse("2026-11-01 01:30", 0, 0, &got), 0);
	assert_int_equal(got, 1793511000000LL);		/* 05:30Z */
	assert_int_equal(time_parse("2026-11-01 01:30 EDT", 0, 0, &got), 0);
	assert_int_equal(got, 1793511000000LL);
	assert_int_equal(time_parse("2026-11-01 01:30 EST", 0, 0, &got), 0);
	assert_int_equal(got, 1793514600000LL);		/* 06:30Z */
	assert_string_equal(fmt_time(buf, sizeof buf, 1793514600000LL,
	    FMT_TIME_FULL), "2026-11-01 01:30:00 EST");

	/* --utc: both ways in UTC; TZ's names no longer mean anything. */
	time_set_utc(1);
	assert_string_equal(fmt_time(buf, sizeof buf, t, FMT_TIME_FULL),
	    "2026-12-07 01:13:55 UTC");
	assert_int_equal(time_parse("2026-12-07 01:13:55", 0, 0, &got), 0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-03-08 02:30", 0, 0, &got), 0);
	assert_int_equal(time_parse("2026-12-06 20:13:55 EST", 0, 0, &got),
	    -1);
	assert_int_equal(time_parse("2026-12-06T20:13:55-05:00", 0, 0, &got),
	    0);
	assert_int_equal(got, t);
	time_set_utc(0);

	/* India: no summer time, half-hour offset. */
	setenv("TZ", "IST-5:30", 1);
	tzset();
	assert_string_equal(fmt_time(buf, sizeof buf, t, FMT_TIME_FULL),
	    "2026-12-07 06:43:55 IST");
	assert_int_equal(time_parse("2026-12-07 06:43:55", 0, 0, &got), 0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("2026-12-07 06:43:55 IST", 0, 0, &got), 0);
	assert_int_equal(got, t);
	assert_int_equal(time_parse("06:43", t, TIME_CLOCK, &got), 0);
	assert_int_equal(got, t - 55 * 1000);
	setenv("TZ", "UTC", 1);
	tzset();
}

/* The one ISO 8601 writer, and the parser reads back what it writes. */
static void
test_time_iso(void **state)
{
	char	 buf[TIME_ISO_LEN];
	int64_t	 t;

	(void)state;
	assert_string_equal(time_iso(buf, sizeof buf, 1764097185000LL, 1),
	    "2025-11-25T18:59:45Z");
	assert_string_equal(time_iso(buf, sizeof buf, 1764097185250LL, 1),
	    "2025-11-25T18:59:45.250Z");
	assert_string_equal(time_iso(buf, sizeof buf, 1764097185250LL, 0),
	    "2025-11-25T18:59:45Z");
	assert_string_equal(time_iso(buf, sizeof buf, 0, 1),
	    "1970-01-01T00:00:00Z");
	/* Before 1970 the second is floored, not rounded towards zero. */
	assert_string_equal(time_iso(buf, sizeof buf, -500, 1),
	    "1969-12-31T23:59:59.500Z");
	assert_string_equal(time_iso(buf, 5, 0, 0), "");
	assert_int_equal(time_parse(time_iso(buf, sizeof buf, 1764097185000LL,
	    0), 0, 0, &t), 0);
	assert_int_equal(t, 1764097185000LL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_sanitize_hidden),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_clocks),
		cmocka_unit_test(test_cksum),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_time_iso),
		cmocka_unit_test(test_time_zones),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
