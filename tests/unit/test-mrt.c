/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/decode-mrt.c and core/mrt-dump.c: crafted records
 * (TABLE_DUMP_V2 peer index and RIB, BGP4MP_ET state change, absurd and
 * truncated lengths) and the real files in tests/data/mrt/ (raw, gzip,
 * bzip2, and a bzip2 file cut mid-stream that must end with a located
 * error after every complete record); malformed records refused with the
 * same cause by decode_mrt_record() and rib_mrt_record(), which share
 * the record parsing.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/decode-mrt.h"
#include "core/mrt-dump.h"
#include "core/rib.h"

struct collect {
	unsigned int	n;
	unsigned int	safi;
	char		line[4][512];
};

static void
collect_cb(const struct mrt_elem *e, void *arg)
{
	struct collect	*c = arg;
	FILE		*f;

	if (c->n < 4) {
		f = fmemopen(c->line[c->n], sizeof c->line[0], "w");
		assert_non_null(f);
		mrt_dump_elem(e, f);
		fclose(f);
	}
	c->n++;
}

static void
safi_cb(const struct mrt_elem *e, void *arg)
{
	struct collect	*c = arg;

	c->safi = e->nlri->safi;
	c->n++;
}

static const uint8_t td2[] = {
	/* PEER_INDEX_TABLE: collector 10.0.0.1, view "", 2 peers. */
	0x5a, 0x00, 0x00, 0x00, 0, 13, 0, 1, 0, 0, 0, 44,
	10, 0, 0, 1, 0, 0, 0, 2,
	0x02, 192, 0, 2, 1, 192, 0, 2, 1, 0xfa, 0x56, 0xea, 0x00,
	0x01, 192, 0, 2, 2, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 2, 0xfd, 0xe8,
	/* RIB_IPV4_UNICAST 198.51.100.0/24, one entry from peer 0. */
	0x5a, 0x00, 0x00, 0x00, 0, 13, 0, 2, 0, 0, 0, 49,
	0, 0, 0, 1, 24, 198, 51, 100, 0, 1,
	0, 0, 0x5a, 0, 0, 0, 0, 31,
	0x40, 1, 1, 0,
	0x40, 2, 10, 2, 2, 0xfa, 0x56, 0xea, 0x00, 0, 0, 0x1f, 0x8b,
	0x40, 3, 4, 192, 0, 2, 1,
	0xc0, 8, 4, 0x1f, 0x8b, 0x1f, 0x47,
};

static void
test_td2(void **state)
{
	struct mrt_reader	*r;
	struct mrt_decoder	 d;
	struct mrt_record	 rec;
	struct collect		 c;
	char			*cause = NULL;

	memset(&c, 0, sizeof c);
	r = decode_mrt_mem(td2, sizeof td2, "mem");
	decode_mrt_init(&d);
	while (decode_mrt_next(r, &rec, &cause) == 1)
		assert_int_equal(decode_mrt_record(&d, &rec, "mem",
		    collect_cb, &c, &cause), 0);
	assert_null(cause);
	assert_int_equal(d.npeers, 2);
	assert_int_equal(d.peers[1].asn, 65000);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.line[0], "TABLE_DUMP2|1509949440|B|192.0.2.1|"
	    "4200000000|198.51.100.0/24|4200000000 8075|IGP|192.0.2.1|0|0|"
	    "8075:8007|NAG||\n");
	decode_mrt_free(&d);
	decode_mrt_close(r);

	/* RIB_IPV4_MULTICAST (subtype 3): the same line, SAFI 2. */
	{
		uint8_t	mc[sizeof td2];

		memcpy(mc, td2, sizeof td2);
		mc[56 + 7] = MRT_TD2_RIB_IPV4_MULTI;
		memset(&c, 0, sizeof c);
		r = decode_mrt_mem(mc, sizeof mc, "mc");
		decode_mrt_init(&d);
		while (decode_mrt_next(r, &rec, &cause) == 1)
			assert_int_equal(decode_mrt_record(&d, &rec, "mc",
			    safi_cb, &c, &cause), 0);
		assert_int_equal(c.n, 1);
		assert_int_equal(c.safi, BGP_SAFI_MULTICAST);
		decode_mrt_free(&d);
		decode_mrt_close(r);
	}

	/* The RIB record alone: the peer index is missing. */
	memset(&c, 0, sizeof c);
	r = decode_mrt_mem(td2 + 56, sizeof td2 - 56, "rib-only");
	decode_mrt_init(&d);
	assert_int_equal(decode_mrt_next(r, &rec, &cause), 1);
	assert_int_equal(decode_mrt_record(&d, &rec, "rib-only", collect_cb,
	    &c, &cause), -1);
	assert_string_equal(cause, "rib-only: record 1 at offset 0 "
	    "(type 13/2): peer index out of range");
	free(cause);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(decode_mrt_next(r, &rec, &cause), 0);
	decode_mrt_free(&d);
	decode_mrt_close(r);
}

static void
test_lengths(void **state)
{
	static const uint8_t absurd[] = {
		0, 0, 0, 1, 0, 16, 0, 0, 0, 0, 0, 0,	/* empty record */
		0, 0, 0, 1, 0, 16, 0, 1, 0xff, 0xff, 0xff, 0xf0,
	};
	struct mrt_reader	*r;
	struct mrt_record	 rec;
	struct mrt_decoder	 d;
	struct collect		 c;
	char			*cause = NULL;

	r = decode_mrt_mem(absurd, sizeof absurd, "a");
	decode_mrt_init(&d);
	assert_int_equal(decode_mrt_next(r, &rec, &cause), 1);
	assert_int_equal(rec.len, 0);
	/* An empty BGP4MP record is malformed, not a crash. */
	assert_int_equal(decode_mrt_record(&d, &rec, "a", collect_cb, &c,
	    &cause), -1);
	free(cause);
	assert_int_equal(decode_mrt_next(r, &rec, &cause), -1);
	assert_string_equal(cause,
	    "a: record 2 at offset 12: absurd length 4294967280");
	free(cause);
	assert_int_equal(decode_mrt_next(r, &rec, &cause), 0);
	decode_mrt_close(r);
	decode_mrt_free(&d);

	/* Cut in the middle of the RIB record. */
	r = decode_mrt_mem(td2, sizeof td2 - 5, "cut");
	assert_int_equal(decode_mrt_next(r, &rec, &cause), 1);
	assert_int_equal(decode_mrt_next(r, &rec, &cause), -1);
	assert_string_equal(cause,
	    "cut: record 2 at offset 56: truncated (44 of 49 bytes)");
	free(cause);
	decode_mrt_close(r);

	/* Cut in a header. */
	r = decode_mrt_mem(td2, 61, "hdr");
	assert_int_equal(decode_mrt_next(r, &rec, &cause), 1);
	assert_int_equal(decode_mrt_next(r, &rec, &cause), -1);
	assert_non_null(strstr(cause, "record 2 at offset 56: truncated "
	    "header (5 of 12 bytes)"));
	free(cause);
	decode_mrt_close(r);
}

/* RFC 6396 4.5: BGP4MP_ET STATE_CHANGE_AS4 with microseconds. */
static void
test_et_state(void **state)
{
	static const uint8_t et[] = {
		0x5a, 0, 0, 0, 0, 17, 0, 5, 0, 0, 0, 28,
		0, 0x07, 0xa1, 0x20,			/* 500000 us */
		0, 0, 0xfd, 0xe8, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1,
		203, 0, 113, 1, 203, 0, 113, 2, 0, 6, 0, 1,
	};
	struct mrt_reader	*r;
	struct mrt_record	 rec;
	struct mrt_decoder	 d;
	struct collect		 c;
	char			*cause = NULL;

	memset(&c, 0, sizeof c);
	r = decode_mrt_mem(et, sizeof et, "et");
	decode_mrt_init(&d);
	assert_int_equal(decode_mrt_next(r, &rec, &cause), 1);
	assert_int_equal(rec.usec, 500000);
	assert_int_equal(decode_mrt_record(&d, &rec, "et", collect_cb, &c,
	    &cause), 0);
	assert_string_equal(c.line[0],
	    "BGP4MP_ET|1509949440.500000|STATE|203.0.113.1|65000|6|1\n");
	decode_mrt_free(&d);
	decode_mrt_close(r);
}

static void
test_aspath_fmt(void **state)
{
	struct bgp_aspath_seg	 segs[] = {
		{ BGP_AS_CONFED_SEQUENCE, 2, 0 }, { BGP_AS_SEQUENCE, 2, 2 },
		{ BGP_AS_SET, 2, 4 }, { BGP_AS_CONFED_SET, 1, 6 },
	};
	uint32_t		 asns[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct bgp_aspath	 ap = { segs, 4, asns, 7 };
	char			 out[128];
	FILE			*f;

	f = fmemopen(out, sizeof out, "w");
	mrt_dump_aspath(f, &ap);
	fclose(f);
	assert_string_equal(out, "(1 2) 3 4 {5,6} [7]");
}

/* Decode a real file; returns elements, sets *errors. */
static uint64_t
real_file(const char *rel, uint64_t *errors, char **last)
{
	struct mrt_dump_stats	 st;
	char			 path[1024];
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*err;

	snprintf(path, sizeof path, "%s/tests/data/mrt/%s", TOP_SRCDIR, rel);
	err = open_memstream(&buf, &len);
	assert_non_null(err);
	mrt_dump_file(path, NULL, err, &st);
	fclose(err);
	*errors = st.errors;
	*last = buf;
	return (st.elems);
}

static void
test_real_files(void **state)
{
	uint64_t	 errors;
	char		*msg;

	/* Raw TABLE_DUMP_V2 with ADD-PATH (BIRD). */
	assert_int_equal(real_file("mrtparse/bird-mrtdump_rib", &errors,
	    &msg), 18);
	assert_int_equal(errors, 0);
	free(msg);
	/* gzip, a clean copy of the cut RouteViews RIB. */
	assert_int_equal(real_file(
	    "pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz",
	    &errors, &msg), 269914);
	assert_int_equal(errors, 0);
	free(msg);
	/* bzip2 cut mid-stream: every complete record, then one error. */
	assert_int_equal(real_file("pyasn/rib.20140523.0600_firstMB.bz2",
	    &errors, &msg), 270005);
	assert_int_equal(errors, 1);
	assert_non_null(strstr(msg, "at offset"));
	assert_non_null(strstr(msg, "bzip2"));
	free(msg);
	/* bzip2 updates (RouteViews, libbgpstream). */
	assert_int_equal(real_file(
	    "libbgpstream/routeviews.route-views.jinx.updates.1427846400.bz2",
	    &errors, &msg), 8611);
	assert_int_equal(errors, 0);
	free(msg);
	/* A TABLE_DUMP_V2 record over 64 KiB. */
	assert_int_equal(real_file("bgpdump/bview.64k_stream_overflow.gz",
	    &errors, &msg), 23);
	assert_int_equal(errors, 0);
	free(msg);
	/* Known-corrupt RIS file: located errors, no crash. */
	real_file("bgpkit/rrc00-updates.20000325.0345.gz", &errors, &msg);
	assert_true(errors >= 1);
	assert_non_null(strstr(msg, "record "));
	free(msg);
	/* A missing file. */
	assert_int_equal(real_file("no/such/file", &errors, &msg), 0);
	assert_int_equal(errors, 1);
	free(msg);
}

static void
noop_cb(const struct mrt_elem *e, void *arg)
{
	(void)e;
	(void)arg;
	fail_msg("an element from a malformed record");
}

/*
 * Each malformed body through both decoders: -1, the same located cause,
 * counted as an error; a BGP4MP subtype not decoded is skipped by both.
 */
static void
test_shared_errors(void **state)
{
	/* BGP4MP_MESSAGE_AS4 header up to the BGP message, IPv4. */
#define HDR_AS4	0, 0, 0xfd, 0xe8, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, \
		192, 0, 2, 1, 192, 0, 2, 2
#define MARKER	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, \
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	static const uint8_t as_cut[] = { 0, 0, 1 };
	static const uint8_t bad_afi[] = { 0, 1, 0, 2, 0, 0, 0, 3 };
	/* The marker's last byte 0xfe. */
	static const uint8_t bad_marker[] = { HDR_AS4, MARKER - 1, 0, 19, 4 };
	static const uint8_t too_long[] = { HDR_AS4, MARKER, 0, 100, 2 };
	static const uint8_t state_cut[] = { HDR_AS4, 0, 1 };
	static const uint8_t bad_plen[] = { 0, 0, 0, 1, 33, 0 };
	static const uint8_t rib_cut[] = { 0, 0, 0, 1, 8, 10, 0, 1, 0 };
	static const uint8_t td1_cut[] = { 0, 0, 0, 1, 10 };
	static const struct {
		uint16_t	 type, subtype;
		const uint8_t	*body;
		size_t		 len;
		const char	*what;
	} t[] = {
		{ 16, 4, as_cut, sizeof as_cut, "truncated BGP4MP header" },
		{ 16, 1, bad_afi, sizeof bad_afi, "bad address family" },
		{ 17, 4, bad_marker, sizeof bad_marker, "bad BGP marker" },
		{ 16, 4, too_long, sizeof too_long,
		  "BGP message longer than the record" },
		{ 16, 5, state_cut, sizeof state_cut,
		  "truncated BGP4MP header" },
		{ 13, 2, bad_plen, sizeof bad_plen, "bad prefix length" },
		{ 13, 10, rib_cut, sizeof rib_cut, "truncated RIB entry" },
		{ 12, 1, td1_cut, sizeof td1_cut,
		  "truncated TABLE_DUMP entry" },
	};
#undef HDR_AS4
#undef MARKER
	struct mrt_decoder	 d1, d2;
	struct mrt_record	 rec;
	struct rib		*r;
	char			*c1 = NULL, *c2 = NULL, want[128];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(&rec, 0, sizeof rec);
		rec.type = t[i].type;
		rec.subtype = t[i].subtype;
		rec.body = t[i].body;
		rec.len = t[i].len;
		rec.recno = 1;
		decode_mrt_init(&d1);
		decode_mrt_init(&d2);
		r = rib_new();
		assert_int_equal(decode_mrt_record(&d1, &rec, "t", noop_cb,
		    NULL, &c1), -1);
		assert_int_equal(rib_mrt_record(r, &d2, &rec, "t", &c2), -1);
		snprintf(want, sizeof want, "t: record 1 at offset 0 "
		    "(type %u/%u): %s", t[i].type, t[i].subtype, t[i].what);
		assert_string_equal(c1, want);
		assert_string_equal(c2, want);
		assert_int_equal(d1.nerrors, 1);
		assert_int_equal(d2.nerrors, 1);
		free(c1);
		free(c2);
		c1 = c2 = NULL;
		rib_free(r);
		decode_mrt_free(&d1);
		decode_mrt_free(&d2);
	}

	/* BGP4MP subtype 2 (RFC 6396 4.4: deprecated, not decoded). */
	memset(&rec, 0, sizeof rec);
	rec.type = MRT_BGP4MP;
	rec.subtype = 2;
	rec.body = as_cut;
	rec.len = sizeof as_cut;
	decode_mrt_init(&d1);
	decode_mrt_init(&d2);
	r = rib_new();
	assert_int_equal(decode_mrt_record(&d1, &rec, "t", noop_cb, NULL,
	    &c1), 0);
	assert_int_equal(rib_mrt_record(r, &d2, &rec, "t", &c2), 0);
	assert_int_equal(d1.nskipped, 1);
	assert_int_equal(d2.nskipped, 1);
	assert_int_equal(d1.nerrors + d2.nerrors, 0);
	rib_free(r);
	decode_mrt_free(&d1);
	decode_mrt_free(&d2);
}

/*
 * RFC 6793 4.2.3 in TABLE_DUMP (RFC 6396 4.2), whose AS_PATH has 2-octet
 * ASNs: AS4_PATH is merged despite a real AGGREGATOR, by both decoders,
 * unless AS4_AGGREGATOR is there too.  No capture here holds AS4_PATH
 * in a TABLE_DUMP record, so the bytes are made here.
 */
static void
test_td1_as4path(void **state)
{
	static const uint8_t td1[] = {
		0x5a, 0, 0, 0, 0, 12, 0, 1, 0, 0, 0, 64,
		0, 0, 0, 1, 198, 51, 100, 0, 24, 1,	/* view, seq, prefix */
		0x5a, 0, 0, 0, 192, 0, 2, 1, 0xfb, 0xf4, /* time, peer */
		0, 42,					/* attribute length */
		0x40, 1, 1, 0,
		0x40, 2, 6, 2, 2, 0xfb, 0xf4, 0x5b, 0xa0, /* 64500 23456 */
		0x40, 3, 4, 192, 0, 2, 1,
		0xc0, 7, 6, 0xfb, 0xf4, 192, 0, 2, 1,	/* AGGREGATOR 64500 */
		0xc0, 17, 10, 2, 2, 0, 0, 0xfb, 0xf4, 0xfa, 0x56, 0xea, 0x00,
	};
	static const uint8_t aggr4[] = {	/* AS4_AGGREGATOR 4200000000 */
		0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x00, 192, 0, 2, 1,
	};
	uint8_t			 buf[sizeof td1 + sizeof aggr4];
	const uint8_t		*in;
	struct mrt_reader	*r;
	struct mrt_decoder	 d;
	struct mrt_record	 rec;
	struct collect		 c;
	struct rib		*rib;
	struct rib_peer_key	 k;
	struct rib_route	 rt;
	struct prefix		 p;
	char			*cause = NULL;
	size_t			 len;
	int			 stale, peer;

	(void)state;
	memcpy(buf, td1, sizeof td1);
	memcpy(buf + sizeof td1, aggr4, sizeof aggr4);
	buf[11] += sizeof aggr4;			/* record length */
	buf[33] += sizeof aggr4;			/* attribute length */
	assert_int_equal(prefix_parse("198.51.100.0/24", &p), 0);
	for (stale = 0; stale <= 1; stale++) {
		in = stale ? buf : td1;
		len = stale ? sizeof buf : sizeof td1;
		memset(&c, 0, sizeof c);
		r = decode_mrt_mem(in, len, "td1");
		decode_mrt_init(&d);
		assert_int_equal(decode_mrt_next(r, &rec, &cause), 1);
		assert_int_equal(decode_mrt_record(&d, &rec, "td1",
		    collect_cb, &c, &cause), 0);
		assert_int_equal(c.n, 1);
		assert_non_null(strstr(c.line[0], stale ?
		    "|64500 23456|" : "|64500 4200000000|"));
		decode_mrt_free(&d);

		rib = rib_new();
		decode_mrt_init(&d);
		assert_int_equal(rib_mrt_record(rib, &d, &rec, "td1",
		    &cause), 0);
		memset(&k, 0, sizeof k);
		assert_int_equal(addr_parse("192.0.2.1", &k.addr), 0);
		k.asn = 64500;
		k.kind = RIB_PEER_MRT;
		assert_true((peer = rib_peer_find(rib, &k)) >= 0);
		assert_int_equal(rib_lookup(rib, peer, &p, 0, &rt), 1);
		assert_int_equal(rt.attr->origin_as,
		    stale ? 23456 : 4200000000u);
		rib_free(rib);
		decode_mrt_free(&d);
		decode_mrt_close(r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_td2),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_et_state),
		cmocka_unit_test(test_aspath_fmt),
		cmocka_unit_test(test_real_files),
		cmocka_unit_test(test_shared_errors),
		cmocka_unit_test(test_td1_as4path),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
