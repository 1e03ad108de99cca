/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/decode-mrt.c and core/mrt-dump.c: crafted records
 * (TABLE_DUMP_V2 peer index and RIB, BGP4MP_ET state change, absurd and
 * truncated lengths) and the real files in tests/data/mrt/ (raw, gzip,
 * bzip2, and a bzip2 file cut mid-stream that must end with a located
 * error after every complete record); malformed records refused with the
 * same cause by decode_mrt_record() and rib_mrt_record(), which share
 * the record parsing.  The "bgpdump -m" formatters against the stdio
 * ones they replaced (issue 18), and the decoder's memo of each peer's
 * last attribute set against decoding every entry and, loading a RIB,
 * against interning every entry.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
		decode_mrt_free(&d1);
		decode_mrt_free(&d2);	/* before the RIB its memo holds */
		rib_free(r);
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

/*
 * The formatters of mrt-dump.c (issue 18: hand-written, into one
 * buffer) against the stdio ones they replaced, kept here as the
 * reference: every element of every real file, the edge cases of
 * addresses and numbers, inet_ntop() and snprintf().
 */
static void
ref_addr(FILE *out, const struct addr *a)
{
	char		s[ADDR_STRLEN];
	uint16_t	g[8];
	int		i, best = -1, bestlen = 0, run;

	if (a->af != AF_INET6) {
		fputs(addr_fmt(a, s, sizeof s), out);
		return;
	}
	for (i = 0; i < 8; i++)
		g[i] = (uint16_t)(a->b[2 * i] << 8 | a->b[2 * i + 1]);
	if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 &&
	    g[5] == 0xffff) {
		fprintf(out, "::ffff:%u.%u.%u.%u", a->b[12], a->b[13],
		    a->b[14], a->b[15]);
		return;
	}
	for (i = 0; i < 8; i += run > 0 ? run : 1) {
		for (run = 0; i + run < 8 && g[i + run] == 0; run++)
			;
		if (run > bestlen) {
			best = i;
			bestlen = run;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			fputs("::", out);
			i += bestlen - 1;
			continue;
		}
		if (i > 0 && i != best + bestlen)
			putc(':', out);
		fprintf(out, "%x", g[i]);
	}
}

static void
ref_aspath(FILE *out, const struct bgp_aspath *ap)
{
	const struct bgp_aspath_seg	*s;
	size_t				 i, j;
	const char			*open, *close, *sep;

	for (i = 0; i < ap->nsegs; i++) {
		s = &ap->segs[i];
		open = close = "";
		sep = " ";
		if (s->type == BGP_AS_SET) {
			open = "{"; close = "}"; sep = ",";
		} else if (s->type == BGP_AS_CONFED_SEQUENCE) {
			open = "("; close = ")";
		} else if (s->type == BGP_AS_CONFED_SET) {
			open = "["; close = "]"; sep = ",";
		}
		fprintf(out, "%s%s", i > 0 ? " " : "", open);
		for (j = 0; j < s->count; j++)
			fprintf(out, "%s%u", j > 0 ? sep : "",
			    ap->asns[s->off + j]);
		fputs(close, out);
	}
}

static void
ref_line(const struct mrt_elem *e, void *arg)
{
	static const char *const origins[] = { "IGP", "EGP", "INCOMPLETE" };
	const struct bgp_attrs	*a = e->attrs;
	const struct mrt_record	*r = e->rec;
	FILE			*out = arg;
	const char		*label, *what;
	struct addr		 none;
	size_t			 i;
	uint32_t		 c;

	switch (r->type) {
	case MRT_TABLE_DUMP:
		label = "TABLE_DUMP";
		break;
	case MRT_TABLE_DUMP_V2:
		label = e->addpath ? "TABLE_DUMP2_AP" : "TABLE_DUMP2";
		break;
	case MRT_BGP4MP_ET:
		label = e->addpath ? "BGP4MP_ET_AP" : "BGP4MP_ET";
		break;
	default:
		label = e->addpath ? "BGP4MP_AP" : "BGP4MP";
		break;
	}
	what = e->type == MRT_ELEM_STATE ? "STATE" :
	    e->type == MRT_ELEM_WITHDRAW ? "W" :
	    e->type == MRT_ELEM_RIB ? "B" : "A";
	if (r->type == MRT_BGP4MP_ET)
		fprintf(out, "%s|%u.%06u|%s|", label, r->ts, r->usec, what);
	else
		fprintf(out, "%s|%u|%s|", label, r->ts, what);
	ref_addr(out, &e->peer_addr);
	fprintf(out, "|%u|", e->peer_as);
	if (e->type == MRT_ELEM_STATE) {
		fprintf(out, "%u|%u\n", e->old_state, e->new_state);
		return;
	}
	ref_addr(out, &e->nlri->prefix.addr);
	fprintf(out, "/%u", e->nlri->prefix.len);
	if (e->type == MRT_ELEM_WITHDRAW) {
		if (e->addpath)
			fprintf(out, "|%u", e->nlri->path_id);
		putc('\n', out);
		return;
	}
	putc('|', out);
	if (e->addpath)
		fprintf(out, "%u|", e->nlri->path_id);
	ref_aspath(out, &a->aspath);
	if (!(a->present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN)))
		fputs("|INCOMPLETE|", out);
	else
		fprintf(out, "|%s|", a->origin < 3 ? origins[a->origin] : "?");
	memset(&none, 0xff, sizeof none);
	none.af = AF_INET;
	if ((e->nlri->prefix.addr.af == AF_INET6 || e->nlri->mp) &&
	    a->mp_nexthop.af != 0)
		ref_addr(out, &a->mp_nexthop);
	else if (a->present & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP))
		ref_addr(out, &a->nexthop);
	else
		ref_addr(out, a->mp_nexthop.af != 0 ? &a->mp_nexthop : &none);
	fprintf(out, "|%u|%u|", a->local_pref, a->med);
	for (i = 0; i < a->ncommunities; i++) {
		c = a->communities[i];
		if (i > 0)
			putc(' ', out);
		if (c == 0xffffff01)
			fputs("no-export", out);
		else if (c == 0xffffff02)
			fputs("no-advertise", out);
		else if (c == 0xffffff03)
			fputs("local-AS", out);
		else
			fprintf(out, "%u:%u", c >> 16, c & 0xffff);
	}
	fprintf(out, "|%s|",
	    (a->present & BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGR)) ? "AG" : "NAG");
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR)) {
		fprintf(out, "%u ", a->aggr_as);
		ref_addr(out, &a->aggr_ip);
	}
	fputs("|\n", out);
}

/* mrt_dump_fmt_addr() of a, terminated. */
static const char *
fmt_addr(const struct addr *a)
{
	static char	s[ADDR_STRLEN];

	*mrt_dump_fmt_addr(s, a) = '\0';
	return (s);
}

/* The reference's text of a, terminated. */
static const char *
ref_fmt_addr(const struct addr *a)
{
	static char	s[ADDR_STRLEN];
	FILE		*f;

	memset(s, 0, sizeof s);
	f = fmemopen(s, sizeof s, "w");
	assert_non_null(f);
	ref_addr(f, a);
	fclose(f);
	return (s);
}

static void
check_v6(const char *text, const char *want)
{
	struct addr	a;

	memset(&a, 0, sizeof a);
	a.af = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, text, a.b), 1);
	assert_string_equal(fmt_addr(&a), want);
	assert_string_equal(ref_fmt_addr(&a), want);
}

static void
test_fmt_edges(void **state)
{
	static const uint32_t	 nums[] = { 0, 1, 9, 10, 99, 100, 999, 1000,
		65535, 65536, 99999, 100000, 999999, 1000000, 9999999,
		10000000, 99999999, 100000000, 999999999, 1000000000,
		2147483647, 2147483648u, 4294967294u, 4294967295u };
	struct addr		 a;
	char			 s[ADDR_STRLEN], want[ADDR_STRLEN], *p;
	size_t			 i;
	uint32_t		 v, x = 2463534242u;

	(void)state;
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		*mrt_dump_fmt_u32(s, nums[i]) = '\0';
		snprintf(want, sizeof want, "%u", nums[i]);
		assert_string_equal(s, want);
	}
	for (i = 0; i < 200000; i++) {
		x ^= x << 13;		/* xorshift32 */
		x ^= x >> 17;
		x ^= x << 5;
		v = x >> (i % 32);
		p = mrt_dump_fmt_u32(s, v);
		*p = '\0';
		snprintf(want, sizeof want, "%u", v);
		assert_string_equal(s, want);
	}

	/* IPv4: every octet value in every position, against inet_ntop. */
	memset(&a, 0, sizeof a);
	a.af = AF_INET;
	for (i = 0; i < 4 * 256; i++) {
		memset(a.b, (int)(255 - i % 256), 4);
		a.b[i / 256] = (uint8_t)(i % 256);
		assert_non_null(inet_ntop(AF_INET, a.b, want, sizeof want));
		assert_string_equal(fmt_addr(&a), want);
	}
	a.af = 0;
	assert_string_equal(fmt_addr(&a), "-");

	/* IPv6 as bgpdump prints it: a single zero group is shortened. */
	check_v6("::", "::");
	check_v6("::1", "::1");
	check_v6("1::", "1::");
	check_v6("::ffff:1.2.3.4", "::ffff:1.2.3.4");
	check_v6("::ffff:0.0.0.0", "::ffff:0.0.0.0");
	check_v6("::1.2.3.4", "::102:304");
	check_v6("2001:db8::1", "2001:db8::1");
	check_v6("1:2:3:4:5:6:0:8", "1:2:3:4:5:6::8");
	check_v6("0:2:3:4:5:6:7:8", "::2:3:4:5:6:7:8");
	check_v6("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7::");
	check_v6("1:0:0:2:0:0:0:3", "1:0:0:2::3");
	check_v6("1:0:0:2:0:0:3:4", "1::2:0:0:3:4");
	check_v6("0:0:1:0:0:0:0:1", "0:0:1::1");
	check_v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	check_v6("fe80::a:bc:def:1234", "fe80::a:bc:def:1234");
	check_v6("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");

	/* Every pattern of zero and non-zero groups, against the reference
	 * and, where it agrees with bgpdump (no lone zero group shortened),
	 * against inet_ntop. */
	a.af = AF_INET6;
	for (i = 0; i < 256 * 4; i++) {
		int	g, lone = 0, run = 0, longest = 0;

		memset(a.b, 0, sizeof a.b);
		for (g = 0; g < 8; g++) {
			if (i & (1u << g)) {
				a.b[2 * g] = (uint8_t)((i >> 8) * 0x11);
				a.b[2 * g + 1] = (uint8_t)(g + 1);
				run = 0;
			} else if (++run > longest)
				longest = run;
		}
		lone = longest == 1;
		assert_string_equal(fmt_addr(&a), ref_fmt_addr(&a));
		/* inet_ntop writes ::a.b.c.d (RFC 4291 2.5.5.1, deprecated)
		 * when the first six groups are zero; bgpdump does not. */
		if (!lone && (i & 0x3f) != 0) {
			assert_non_null(inet_ntop(AF_INET6, a.b, want,
			    sizeof want));
			assert_string_equal(fmt_addr(&a), want);
		}
	}
}

/* Every line of every file under tests/data/mrt: the reference's. */
static void
test_fmt_real(void **state)
{
	static const char *const files[] = {
		"pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz",
		"pyasn/rib6.20151101.0600_firstMB.complete-records.mrt.gz",
		"bgpdump/updates.et-header.2015.gz",
		"bgpdump/bview.20020722.2337.gz",
		"bgpdump/bview.ipv4_unicast_add_path.gz",
		"bgpdump/bview.ipv6_unicast_add_path.gz",
		"bgpdump/updates.20020722.2238.gz",
		"bgpdump/updates.20070211.0141.gz",
		"bgpdump/updates.20071015.1505.gz",
		"bgpdump/updates.20100722.2015.gz",
		"bgpdump/updates.20160811.1600.gz",
		"bgpkit/rrc15-updates.20100227.1600.gz",
		"libbgpstream/ris.rrc06.updates.1427846400.gz",
		"libbgpstream/"
		    "routeviews.route-views.jinx.updates.1427846400.bz2",
		"mrtparse/bird-mrtdump_rib",
		"mrtparse/bird6-mrtdump_rib",
		"mrtparse/openbgpd_rib_table",
		"mrtparse/openbgpd_rib_table-v2",
		"mrtparse/quagga_rib",
		"mrtparse/quagga_bgp",
	};
	struct mrt_dump_stats	 st;
	struct mrt_reader	*r;
	struct mrt_decoder	 d;
	struct mrt_record	 rec;
	char			 path[1024], *got, *want, *cause = NULL;
	size_t			 i, ngot, nwant;
	FILE			*fg, *fw, *err;

	(void)state;
	err = fopen("/dev/null", "w");
	assert_non_null(err);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/tests/data/mrt/%s",
		    TOP_SRCDIR, files[i]);
		fg = open_memstream(&got, &ngot);
		fw = open_memstream(&want, &nwant);
		assert_non_null(fg);
		assert_non_null(fw);
		mrt_dump_file(path, fg, err, &st);
		r = decode_mrt_open(path, &cause);
		assert_non_null(r);
		decode_mrt_init(&d);
		while (decode_mrt_next(r, &rec, &cause) == 1) {
			if (decode_mrt_record(&d, &rec, path, ref_line, fw,
			    &cause) != 0) {
				free(cause);
				cause = NULL;
			}
		}
		free(cause);
		cause = NULL;
		decode_mrt_free(&d);
		decode_mrt_close(r);
		fclose(fg);
		fclose(fw);
		if (ngot != nwant || memcmp(got, want, ngot) != 0)
			fail_msg("%s: mrt_dump_file() differs from the "
			    "reference (%zu bytes, %zu expected)", files[i],
			    ngot, nwant);
		assert_true(st.elems > 0);
		free(got);
		free(want);
	}
	fclose(err);
}

/* A reader of tests/data/mrt/rel, its path in path. */
static struct mrt_reader *
open_data(const char *rel, char *path, size_t len)
{
	struct mrt_reader	*r;
	char			*cause = NULL;

	snprintf(path, len, "%s/tests/data/mrt/%s", TOP_SRCDIR, rel);
	r = decode_mrt_open(path, &cause);
	assert_non_null(r);
	return (r);
}

/*
 * The decoder's memo of each peer's last attribute set (struct
 * mrt_memo) against decoding every RIB entry: each TABLE_DUMP_V2 RIB
 * record of the real RIB files read again with decode_mrt_rib_header(),
 * decode_mrt_rib_entry() and decode_bgp_attrs(), line for line.
 */
static void
test_rib_memo(void **state)
{
	static const char *const files[] = {
		"pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz",
		"pyasn/rib6.20151101.0600_firstMB.complete-records.mrt.gz",
		"bgpdump/bview.ipv4_unicast_add_path.gz",
		"bgpdump/bview.ipv6_unicast_add_path.gz",
		"bgpdump/bview.64k_stream_overflow.gz",
	};
	static const struct bgp_decode_opts o = { .as4 = 1, .mrt_rib = 1 };
	struct mrt_reader	*r;
	struct mrt_decoder	 d;
	struct mrt_record	 rec;
	struct mrt_rib_entry	 re;
	struct mrt_elem		 e;
	struct bgp_update	 u;
	struct bgp_nlri		 nlri;
	struct buf		 b;
	const char		*what;
	char			 path[1024], *got, *want, *cause = NULL;
	size_t			 i, ngot, nwant;
	uint64_t		 elems = 0, sets = 0;
	uint16_t		 count, j;
	uint8_t			 safi;
	int			 af, addpath;
	FILE			*fg, *fw;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		r = open_data(files[i], path, sizeof path);
		decode_mrt_init(&d);
		while (decode_mrt_next(r, &rec, &cause) == 1) {
			fg = open_memstream(&got, &ngot);
			assert_non_null(fg);
			assert_int_equal(decode_mrt_record(&d, &rec, path,
			    ref_line, fg, &cause), 0);
			fclose(fg);
			if (decode_mrt_kind(&rec, &af, &safi, &addpath) !=
			    MRT_KIND_RIB) {
				free(got);
				continue;
			}
			fw = open_memstream(&want, &nwant);
			assert_non_null(fw);
			buf_init(&b, rec.body, rec.len);
			memset(&nlri, 0, sizeof nlri);
			assert_int_equal(decode_mrt_rib_header(&b, af,
			    &nlri.prefix, &count, &what), 0);
			nlri.safi = safi;
			for (j = 0; j < count; j++) {
				assert_int_equal(decode_mrt_rib_entry(&d, &b,
				    addpath, &re, &what), 0);
				assert_int_equal(decode_bgp_attrs(
				    buf_ptr(&re.attrs), buf_left(&re.attrs),
				    &o, &u, &cause), 0);
				nlri.path_id = re.path_id;
				memset(&e, 0, sizeof e);
				e.type = MRT_ELEM_RIB;
				e.rec = &rec;
				e.addpath = addpath;
				e.peer_addr = d.peers[re.peer].addr;
				e.peer_as = d.peers[re.peer].asn;
				e.nlri = &nlri;
				e.attrs = &u.attrs;
				ref_line(&e, fw);
				decode_bgp_update_free(&u);
			}
			fclose(fw);
			if (ngot != nwant || memcmp(got, want, ngot) != 0)
				fail_msg("%s: record %llu differs with the "
				    "memo:\n%s\nwithout:\n%s", files[i],
				    (unsigned long long)rec.recno, got, want);
			free(got);
			free(want);
		}
		elems += d.nelems;
		sets += d.nsets;
		decode_mrt_free(&d);
		decode_mrt_close(r);
	}
	/* The memo saved decoding many entries (29% of these, 45% of
	 * RouteViews'). */
	assert_true(sets < elems * 8 / 10);
}

/* Each route of one RIB found in another with the same attributes. */
struct same_rib {
	const struct rib	*other;
	size_t			 n;
};

static int
same_route_cb(const struct rib_route *rt, void *arg)
{
	struct same_rib		*c = arg;
	struct rib_route	 o;

	assert_int_equal(rib_lookup(c->other, rt->peer, &rt->prefix,
	    rt->path_id, &o), 1);
	assert_int_equal(o.attr->len, rt->attr->len);
	assert_memory_equal(o.attr->raw, rt->attr->raw, rt->attr->len);
	c->n++;
	return (0);
}

/*
 * rib_mrt_record(), whose TABLE_DUMP_V2 entries take the set of the
 * peer's previous entry from the decoder's memo when the bytes repeat,
 * against rib_attr_get() for every entry: the same routes with the same
 * attributes, and the memo's references given back (a flushed RIB holds
 * no set).
 */
static void
test_rib_memo_load(void **state)
{
	static const char *const files[] = {
		"pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz",
		"pyasn/rib6.20151101.0600_firstMB.complete-records.mrt.gz",
		"bgpdump/bview.ipv4_unicast_add_path.gz",
	};
	static const struct bgp_decode_opts o = { .as4 = 1, .mrt_rib = 1 };
	struct mrt_reader	*r;
	struct mrt_decoder	 da, db;
	struct mrt_record	 rec;
	struct mrt_rib_entry	 re;
	struct rib		*ra, *rb;
	struct rib_attr		*a;
	struct rib_stats	 sa, sb;
	struct same_rib		 c;
	struct prefix		 pfx, all;
	struct buf		 b;
	const char		*what;
	const int		*map;
	char			 path[1024], *cause = NULL;
	size_t			 i, j;
	uint16_t		 count, k;
	uint8_t			 safi;
	int			 af, addpath, taw;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		r = open_data(files[i], path, sizeof path);
		decode_mrt_init(&da);
		decode_mrt_init(&db);
		ra = rib_new();
		rb = rib_new();
		while (decode_mrt_next(r, &rec, &cause) == 1) {
			assert_int_equal(rib_mrt_record(ra, &da, &rec, path,
			    &cause), 0);
			if (decode_mrt_kind(&rec, &af, &safi, &addpath) !=
			    MRT_KIND_RIB || safi != BGP_SAFI_UNICAST) {
				assert_int_equal(rib_mrt_record(rb, &db, &rec,
				    path, &cause), 0);
				continue;
			}
			map = rib_mrt_peermap(rb, &db, 0);
			buf_init(&b, rec.body, rec.len);
			assert_int_equal(decode_mrt_rib_header(&b, af, &pfx,
			    &count, &what), 0);
			for (k = 0; k < count; k++) {
				assert_int_equal(decode_mrt_rib_entry(&db, &b,
				    addpath, &re, &what), 0);
				a = rib_attr_get(rb, buf_ptr(&re.attrs),
				    buf_left(&re.attrs), &o, &taw, &cause);
				assert_non_null(a);
				rib_announce(rb, map[re.peer], &pfx,
				    re.path_id, a);
				rib_attr_put(rb, a);
			}
		}
		decode_mrt_close(r);
		rib_stats(ra, &sa);
		rib_stats(rb, &sb);
		assert_int_equal(sa.routes, sb.routes);
		assert_int_equal(sa.prefixes, sb.prefixes);
		assert_int_equal(sa.attrs, sb.attrs);
		c.other = rb;
		c.n = 0;
		for (af = 0; af < 2; af++) {
			assert_int_equal(prefix_parse(af ? "::/0" :
			    "0.0.0.0/0", &all), 0);
			assert_int_equal(rib_walk(ra, &all, 1, same_route_cb,
			    &c), 0);
		}
		assert_int_equal(c.n, sa.routes);
		/* The memo's references go back with the decoder. */
		decode_mrt_free(&da);
		for (j = 0; j < rib_npeers(ra); j++)
			rib_peer_flush(ra, (int)j);
		rib_stats(ra, &sa);
		assert_int_equal(sa.routes, 0);
		assert_int_equal(sa.attrs, 0);
		rib_free(ra);
		decode_mrt_free(&db);
		rib_free(rb);
	}
}

/* The records of a reader: their count, their offsets and bytes. */
static uint64_t
read_all(struct mrt_reader *r, char **out, size_t *len, int *rv)
{
	struct mrt_record	 rec;
	uint64_t		 n = 0;
	char			*cause = NULL;
	FILE			*f;

	f = open_memstream(out, len);
	assert_non_null(f);
	while ((*rv = decode_mrt_next(r, &rec, &cause)) == 1) {
		fwrite(&rec.offset, sizeof rec.offset, 1, f);
		fwrite(rec.body, 1, rec.len, f);
		n++;
	}
	if (*rv == -1)
		assert_non_null(strstr(cause, " at offset "));
	free(cause);
	fclose(f);
	return (n);
}

/* What gzip -dc or bzip2 -dc makes of path (all it can). */
static void
decompress(const char *path, int bz2, char **out, size_t *len)
{
	char	 cmd[2200], buf[65536];
	size_t	 n;
	FILE	*p, *f;

	snprintf(cmd, sizeof cmd, "%s -dc '%s' 2>/dev/null",
	    bz2 ? "bzip2" : "gzip", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	f = open_memstream(out, len);
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		fwrite(buf, 1, n, f);
	pclose(p);
	fclose(f);
}

/*
 * A compressed file is read ahead by a thread into blocks of whole
 * records: the same records as its decompressed bytes through
 * decode_mrt_mem(), also when it is cut short anywhere (every record
 * complete before the cut, then a located error).
 */
static void
test_read_ahead(void **state)
{
	static const char *const files[] = {
		"pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz",
		"bgpdump/updates.et-header.2015.gz",
		"libbgpstream/"
		    "routeviews.route-views.jinx.updates.1427846400.bz2",
	};
	static const long	 cuts[] = { 100, 4000, 65536, 300001, 777777,
		0 };
	struct mrt_reader	*r;
	struct stat		 sb;
	char			 path[1024], cut[64], cmd[2200];
	char			*a, *b, *raw, *cause = NULL;
	size_t			 i, j, na, nb, nraw;
	uint64_t		 ra, rb;
	int			 rv, rvb, fd, bz2;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		bz2 = strstr(files[i], ".bz2") != NULL;
		r = open_data(files[i], path, sizeof path);
		decode_mrt_close(r);
		assert_int_equal(stat(path, &sb), 0);
		for (j = 0; j < sizeof cuts / sizeof cuts[0]; j++) {
			if (cuts[j] >= sb.st_size)
				continue;
			snprintf(cut, sizeof cut, "/tmp/test-mrt.XXXXXX");
			fd = mkstemp(cut);
			assert_true(fd >= 0);
			close(fd);
			if (cuts[j] != 0)
				snprintf(cmd, sizeof cmd, "head -c %ld '%s' "
				    "> '%s'", cuts[j], path, cut);
			else
				snprintf(cmd, sizeof cmd, "cat '%s' > '%s'",
				    path, cut);
			assert_int_equal(system(cmd), 0);

			r = decode_mrt_open(cut, &cause);
			assert_non_null(r);
			ra = read_all(r, &a, &na, &rv);
			decode_mrt_close(r);
			decompress(cut, bz2, &raw, &nraw);
			r = decode_mrt_mem(raw, nraw, "mem");
			rb = read_all(r, &b, &nb, &rvb);
			decode_mrt_close(r);
			if (cuts[j] == 0) {
				assert_true(ra > 1000);
				assert_int_equal(rv, 0);
				assert_int_equal(rvb, 0);
			} else	/* gzip's output may end between records */
				assert_int_equal(rv, -1);
			assert_int_equal(ra, rb);
			assert_int_equal(na, nb);
			assert_memory_equal(a, b, na);
			free(a);
			free(b);
			free(raw);
			unlink(cut);
		}
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
		cmocka_unit_test(test_fmt_edges),
		cmocka_unit_test(test_fmt_real),
		cmocka_unit_test(test_rib_memo),
		cmocka_unit_test(test_rib_memo_load),
		cmocka_unit_test(test_read_ahead),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
