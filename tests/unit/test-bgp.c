/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/decode-bgp.c: every attribute type, the AS4_PATH
 * merge of RFC 6793, the RFC 7606 error classes, ADD-PATH NLRI, OPEN
 * capabilities from a real OPEN (BIRD, captured in the mrtparse samples)
 * and NOTIFICATION words; RFC 9234: the OTC attribute, the BGP Role
 * capability and the route leak conditions of section 5.
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

#include "core/bgp-role.h"
#include "core/decode-bgp.h"

/* An UPDATE body: withdrawn routes, attributes, NLRI. */
static size_t
mkupd(uint8_t *out, const uint8_t *w, size_t wl, const uint8_t *a, size_t al,
    const uint8_t *n, size_t nl)
{
	size_t	o = 0;

	out[o++] = (uint8_t)(wl >> 8);
	out[o++] = (uint8_t)wl;
	if (wl > 0)
		memcpy(out + o, w, wl);
	o += wl;
	out[o++] = (uint8_t)(al >> 8);
	out[o++] = (uint8_t)al;
	if (al > 0)
		memcpy(out + o, a, al);
	o += al;
	if (nl > 0)
		memcpy(out + o, n, nl);
	return (o + nl);
}

static char *
pfx(const struct bgp_nlri *n, char *b, size_t len)
{
	return (prefix_fmt(&n->prefix, b, len));
}

static void
test_all_attributes(void **state)
{
	static const uint8_t attrs[] = {
		0x40, 1, 1, 2,				/* ORIGIN INCOMPLETE */
		0x40, 2, 16, 2, 2, 0, 0, 0xfd, 0xe8,	/* SEQ 65000 */
		    0, 0, 0x0b, 0x62,			/*     2914 */
		    1, 1, 0, 0, 0x00, 0x2d,		/* SET {45} */
		0x40, 3, 4, 192, 0, 2, 1,		/* NEXT_HOP */
		0x80, 4, 4, 0, 0, 0, 50,		/* MED 50 */
		0x40, 5, 4, 0, 0, 0, 100,		/* LOCAL_PREF 100 */
		0x40, 6, 0,				/* ATOMIC_AGGREGATE */
		0xc0, 7, 8, 0, 0, 0xfd, 0xe9, 10, 0, 0, 1, /* AGGREGATOR */
		0xc0, 8, 8, 0x1f, 0x8b, 0x1f, 0x47,	/* 8075:8007 */
		    0xff, 0xff, 0xff, 0x01,		/* no-export */
		0xc0, 16, 8, 0x00, 0x02, 0xfd, 0xe8,	/* rt 65000:100 */
		    0, 0, 0, 100,
		0xc0, 32, 12, 0, 0, 0xfd, 0xe8, 0, 0, 0, 1, 0, 0, 0, 2,
		0xc0, 99, 2, 0xab, 0xcd,		/* unknown */
	};
	static const uint8_t nlri[] = { 24, 198, 51, 100, 16, 10, 1 };
	static const uint8_t wd[] = { 8, 11 };
	struct bgp_decode_opts	 o = { .as4 = 1 };
	struct bgp_update	 u;
	uint8_t			 msg[512];
	size_t			 len;
	char			*cause = NULL, s[64];

	len = mkupd(msg, wd, sizeof wd, attrs, sizeof attrs, nlri,
	    sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_false(u.treat_as_withdraw);
	assert_int_equal(u.nwithdrawn, 1);
	assert_string_equal(pfx(&u.withdrawn[0], s, sizeof s), "11.0.0.0/8");
	assert_int_equal(u.nannounced, 2);
	assert_string_equal(pfx(&u.announced[0], s, sizeof s),
	    "198.51.100.0/24");
	assert_string_equal(pfx(&u.announced[1], s, sizeof s), "10.1.0.0/16");
	assert_int_equal(u.attrs.origin, BGP_ORIGIN_INCOMPLETE);
	assert_int_equal(u.attrs.aspath.nsegs, 2);
	assert_int_equal(u.attrs.aspath.segs[0].type, BGP_AS_SEQUENCE);
	assert_int_equal(u.attrs.aspath.segs[0].count, 2);
	assert_int_equal(u.attrs.aspath.asns[0], 65000);
	assert_int_equal(u.attrs.aspath.asns[1], 2914);
	assert_int_equal(u.attrs.aspath.segs[1].type, BGP_AS_SET);
	assert_int_equal(u.attrs.aspath.asns[2], 45);
	assert_string_equal(addr_fmt(&u.attrs.nexthop, s, sizeof s),
	    "192.0.2.1");
	assert_int_equal(u.attrs.med, 50);
	assert_int_equal(u.attrs.local_pref, 100);
	assert_true(u.attrs.present & BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGR));
	assert_int_equal(u.attrs.aggr_as, 65001);
	assert_string_equal(addr_fmt(&u.attrs.aggr_ip, s, sizeof s),
	    "10.0.0.1");
	assert_int_equal(u.attrs.ncommunities, 2);
	assert_int_equal(u.attrs.communities[0], (8075u << 16) | 8007);
	assert_int_equal(u.attrs.communities[1], 0xffffff01);
	assert_int_equal(u.attrs.next_communities, 1);
	assert_int_equal(u.attrs.ext_communities[0][1], 0x02);
	assert_int_equal(u.attrs.ext_communities[0][7], 100);
	assert_int_equal(u.attrs.nlarge_communities, 1);
	assert_int_equal(u.attrs.large_communities[0].global, 65000);
	assert_int_equal(u.attrs.large_communities[0].local1, 1);
	assert_int_equal(u.attrs.large_communities[0].local2, 2);
	assert_int_equal(u.attrs.nunknown, 1);
	decode_bgp_update_free(&u);
}

/*
 * RFC 6793 4.2.3: an UPDATE from a 2-octet speaker.  The attributes are
 * assembled from pieces so that every combination of AGGREGATOR (none,
 * a real AS, AS_TRANS), AS4_AGGREGATOR and AS4_PATH can be tried.
 */
static const uint8_t as4_origin[] = { 0x40, 1, 1, 0 };
/* AS_PATH: 3333 23456 23456 */
static const uint8_t as4_aspath[] = {
	0x40, 2, 8, 2, 3, 0x0d, 0x05, 0x5b, 0xa0, 0x5b, 0xa0
};
static const uint8_t as4_nexthop[] = { 0x40, 3, 4, 192, 0, 2, 1 };
/* AGGREGATOR 64531 10.0.0.1 */
static const uint8_t as4_aggr_real[] = {
	0xc0, 7, 6, 0xfc, 0x13, 10, 0, 0, 1
};
/* AGGREGATOR 23456 (AS_TRANS) 10.0.0.1 */
static const uint8_t as4_aggr_trans[] = {
	0xc0, 7, 6, 0x5b, 0xa0, 10, 0, 0, 1
};
/* AS4_AGGREGATOR 4200000001 10.0.0.2 */
static const uint8_t as4_aggr4[] = {
	0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x01, 10, 0, 0, 2
};
/* AS4_PATH: 196613 4200000000 */
static const uint8_t as4_path4[] = {
	0xc0, 17, 10, 2, 2, 0, 3, 0, 5, 0xfa, 0x56, 0xea, 0x00
};

static size_t
as4_put(uint8_t *out, size_t o, const uint8_t *p, size_t len)
{
	memcpy(out + o, p, len);
	return (o + len);
}

enum { AGGR_NONE, AGGR_REAL, AGGR_TRANS };
#define AS_TRANS_TEST	23456	/* RFC 6793 9 */

/*
 * Decode ORIGIN, AS_PATH, NEXT_HOP plus the chosen aggregators and
 * AS4_PATH as a 2-octet session would send them.
 */
static void
as4_decode(int aggr, int aggr4, int path4, struct bgp_update *u)
{
	static const uint8_t nlri[] = { 8, 10 };
	struct bgp_decode_opts	 o = { .as4 = 0 };
	uint8_t			 at[128], msg[256];
	size_t			 al = 0, len;
	char			*cause = NULL;

	al = as4_put(at, al, as4_origin, sizeof as4_origin);
	al = as4_put(at, al, as4_aspath, sizeof as4_aspath);
	al = as4_put(at, al, as4_nexthop, sizeof as4_nexthop);
	if (aggr == AGGR_REAL)
		al = as4_put(at, al, as4_aggr_real, sizeof as4_aggr_real);
	else if (aggr == AGGR_TRANS)
		al = as4_put(at, al, as4_aggr_trans, sizeof as4_aggr_trans);
	if (path4)
		al = as4_put(at, al, as4_path4, sizeof as4_path4);
	if (aggr4)
		al = as4_put(at, al, as4_aggr4, sizeof as4_aggr4);
	len = mkupd(msg, NULL, 0, at, al, nlri, sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, u, &cause), 0);
	assert_false(u->treat_as_withdraw);
	assert_int_equal(u->attrs.ndiscarded, 0);
}

static void
as4_check_path(const struct bgp_update *u, uint32_t a0, uint32_t a1,
    uint32_t a2)
{
	size_t	i;

	/* A merge may leave two sequences; the ASNs are what counts. */
	for (i = 0; i < u->attrs.aspath.nsegs; i++)
		assert_int_equal(u->attrs.aspath.segs[i].type,
		    BGP_AS_SEQUENCE);
	assert_int_equal(u->attrs.aspath.nasns, 3);
	assert_int_equal(u->attrs.aspath.asns[0], a0);
	assert_int_equal(u->attrs.aspath.asns[1], a1);
	assert_int_equal(u->attrs.aspath.asns[2], a2);
}

static void
as4_check_aggr(const struct bgp_update *u, uint32_t as, uint8_t last)
{
	assert_int_equal(u->attrs.aggr_as, as);
	assert_int_equal(u->attrs.aggr_ip.af, AF_INET);
	assert_int_equal(u->attrs.aggr_ip.b[3], last);
}

/*
 * RFC 6793 4.2.3, the four combinations of AGGREGATOR (a real AS or
 * AS_TRANS) and AS4_AGGREGATOR (present or not), each with and without
 * AS4_PATH, and without any aggregator.  Only a real AS in AGGREGATOR
 * together with AS4_AGGREGATOR makes AS4_PATH stale.
 */
static void
test_as4_merge(void **state)
{
	static const struct {
		int		 aggr;
		int		 aggr4;
		int		 merged;	/* with AS4_PATH present */
		uint32_t	 aggr_as;
		uint8_t		 aggr_ip;	/* last octet */
	} t[] = {
		/* Real AS and AS4_AGGREGATOR: both AS4 attributes stale. */
		{ AGGR_REAL, 1, 0, 64531, 1 },
		/* Real AS alone: AS4_PATH is merged all the same. */
		{ AGGR_REAL, 0, 1, 64531, 1 },
		/* AS_TRANS and AS4_AGGREGATOR: the latter aggregated. */
		{ AGGR_TRANS, 1, 1, 4200000001u, 2 },
		/* AS_TRANS alone: nothing to replace it with. */
		{ AGGR_TRANS, 0, 1, AS_TRANS_TEST, 1 },
		/* No aggregator at all. */
		{ AGGR_NONE, 0, 1, 0, 0 },
	};
	struct bgp_update	 u;
	size_t			 i;
	int			 path4;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		for (path4 = 0; path4 <= 1; path4++) {
			as4_decode(t[i].aggr, t[i].aggr4, path4, &u);
			if (path4 && t[i].merged)
				as4_check_path(&u, 3333, 196613, 4200000000u);
			else
				as4_check_path(&u, 3333, 23456, 23456);
			if (t[i].aggr != AGGR_NONE)
				as4_check_aggr(&u, t[i].aggr_as,
				    t[i].aggr_ip);
			else
				assert_false(u.attrs.present &
				    BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR));
			decode_bgp_update_free(&u);
		}
	}
}

/* Decode attrs (ORIGIN and NEXT_HOP added) as an UPDATE with one NLRI. */
static void
as4_decode_attrs(const uint8_t *a, size_t alen,
    const struct bgp_decode_opts *o, struct bgp_update *u)
{
	static const uint8_t nlri[] = { 8, 10 };
	uint8_t		 at[256], msg[512];
	size_t		 al = 0, len;
	char		*cause = NULL;

	al = as4_put(at, al, as4_origin, sizeof as4_origin);
	al = as4_put(at, al, as4_nexthop, sizeof as4_nexthop);
	al = as4_put(at, al, a, alen);
	len = mkupd(msg, NULL, 0, at, al, nlri, sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, o, u, &cause), 0);
	assert_false(u->treat_as_withdraw);
}

/*
 * RFC 6793 4.2.3: AS4_PATH longer than AS_PATH is ignored; an AS_SET
 * counts one; confederation segments of AS_PATH are kept when leading
 * or next to a kept segment, and those in AS4_PATH are dropped (RFC
 * 6793 6).
 */
static void
test_as4_merge_segments(void **state)
{
	static const uint8_t longer[] = {
		0x40, 2, 6, 2, 2, 0x0d, 0x05, 0x5b, 0xa0,  /* 3333 23456 */
		/* AS4_PATH: 1 196613 4200000000 */
		0xc0, 17, 14, 2, 3, 0, 0, 0, 1, 0, 3, 0, 5,
		0xfa, 0x56, 0xea, 0x00,
	};
	static const uint8_t set[] = {
		/* AS_PATH: {7 8} 3333 23456 */
		0x40, 2, 12, 1, 2, 0, 7, 0, 8, 2, 2, 0x0d, 0x05, 0x5b, 0xa0,
		/* AS4_PATH: 196613 */
		0xc0, 17, 6, 2, 1, 0, 3, 0, 5,
	};
	static const uint8_t confed[] = {
		/* AS_PATH: (65001) 3333 (65002) 4444 23456 */
		0x40, 2, 18, 3, 1, 0xfd, 0xe9, 2, 1, 0x0d, 0x05,
		3, 1, 0xfd, 0xea, 2, 2, 0x11, 0x5c, 0x5b, 0xa0,
		/* AS4_PATH: (65003) 4444 196613 */
		0xc0, 17, 16, 3, 1, 0, 0, 0xfd, 0xeb,
		2, 2, 0, 0, 0x11, 0x5c, 0, 3, 0, 5,
	};
	struct bgp_decode_opts	 o = { .as4 = 0 };
	struct bgp_update	 u;
	const struct bgp_aspath	*ap = &u.attrs.aspath;

	(void)state;
	as4_decode_attrs(longer, sizeof longer, &o, &u);
	assert_int_equal(ap->nasns, 2);
	assert_int_equal(ap->asns[1], 23456);
	decode_bgp_update_free(&u);

	as4_decode_attrs(set, sizeof set, &o, &u);
	assert_int_equal(ap->nsegs, 3);
	assert_int_equal(ap->segs[0].type, BGP_AS_SET);
	assert_int_equal(ap->segs[1].type, BGP_AS_SEQUENCE);
	assert_int_equal(ap->segs[1].count, 1);
	assert_int_equal(ap->asns[ap->segs[1].off], 3333);
	assert_int_equal(ap->asns[ap->segs[2].off], 196613);
	decode_bgp_update_free(&u);

	/* 3 ASNs against 2: the leading (65001) 3333, then (65002) next
	 * to it, then AS4_PATH without its (65003). */
	as4_decode_attrs(confed, sizeof confed, &o, &u);
	assert_int_equal(ap->nsegs, 4);
	assert_int_equal(ap->segs[0].type, BGP_AS_CONFED_SEQUENCE);
	assert_int_equal(ap->asns[ap->segs[0].off], 65001);
	assert_int_equal(ap->segs[1].type, BGP_AS_SEQUENCE);
	assert_int_equal(ap->asns[ap->segs[1].off], 3333);
	assert_int_equal(ap->segs[2].type, BGP_AS_CONFED_SEQUENCE);
	assert_int_equal(ap->asns[ap->segs[2].off], 65002);
	assert_int_equal(ap->segs[3].type, BGP_AS_SEQUENCE);
	assert_int_equal(ap->segs[3].count, 2);
	assert_int_equal(ap->asns[ap->segs[3].off], 4444);
	assert_int_equal(ap->asns[ap->segs[3].off + 1], 196613);
	assert_int_equal(ap->nasns, 5);
	decode_bgp_update_free(&u);
}

/*
 * RFC 6793 3: from a 4-octet session AS4_PATH and AS4_AGGREGATOR are
 * ignored; a BMP router that re-encoded a 2-octet session's AS_PATH in
 * 4 octets (as4_old_peer) still has them merged.
 */
static void
test_as4_session(void **state)
{
	static const uint8_t attrs[] = {
		/* AS_PATH (4 octets): 3333 23456 */
		0x40, 2, 10, 2, 2, 0, 0, 0x0d, 0x05, 0, 0, 0x5b, 0xa0,
		/* AGGREGATOR (4 octets) 23456 10.0.0.1 */
		0xc0, 7, 8, 0, 0, 0x5b, 0xa0, 10, 0, 0, 1,
		/* AS4_PATH: 196613 */
		0xc0, 17, 6, 2, 1, 0, 3, 0, 5,
		/* AS4_AGGREGATOR 4200000001 10.0.0.2 */
		0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x01, 10, 0, 0, 2,
	};
	static const uint8_t attrs2[] = {
		0x40, 2, 8, 2, 3, 0x0d, 0x05, 0x5b, 0xa0, 0x5b, 0xa0,
		0xc0, 17, 10, 2, 2, 0, 3, 0, 5, 0xfa, 0x56, 0xea, 0x00,
	};
	struct bgp_decode_opts	 o = { .as4 = 1 };
	struct bgp_update	 u;
	char			*cause = NULL;
	uint8_t			 msg[256];
	size_t			 len;
	static const uint8_t nlri[] = { 8, 10 };

	(void)state;
	as4_decode_attrs(attrs, sizeof attrs, &o, &u);
	assert_int_equal(u.attrs.aspath.nasns, 2);
	assert_int_equal(u.attrs.aspath.asns[1], 23456);
	assert_int_equal(u.attrs.aggr_as, 23456);
	decode_bgp_update_free(&u);

	o.as4_old_peer = 1;
	as4_decode_attrs(attrs, sizeof attrs, &o, &u);
	assert_int_equal(u.attrs.aspath.nasns, 2);
	assert_int_equal(u.attrs.aspath.asns[0], 3333);
	assert_int_equal(u.attrs.aspath.asns[1], 196613);
	assert_int_equal(u.attrs.aggr_as, 4200000001u);
	decode_bgp_update_free(&u);

	/* 2-byte AS_PATH read as 4-byte: malformed, RFC 7606 7.2. */
	o.as4_old_peer = 0;
	len = mkupd(msg, NULL, 0, attrs2, sizeof attrs2, nlri, sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_true(u.treat_as_withdraw);
	assert_non_null(strstr(u.reason, "AS_PATH"));
	decode_bgp_update_free(&u);
}

/* RFC 7606 cases. */
static void
test_rfc7606(void **state)
{
	static const uint8_t bad_origin[] = {
		0x40, 1, 1, 7,				/* ORIGIN 7 */
		0x40, 2, 0, 0x40, 3, 4, 192, 0, 2, 1,
	};
	static const uint8_t overrun[] = {
		0x40, 1, 1, 0, 0x40, 2, 40, 2, 1, 0, 1,	/* 40 > rest */
	};
	static const uint8_t dup[] = {
		0x40, 1, 1, 0, 0x40, 1, 1, 2,		/* ORIGIN twice */
		0x40, 2, 0, 0x40, 3, 4, 192, 0, 2, 1,
	};
	static const uint8_t dup_mp[] = {
		0x80, 15, 3, 0, 2, 1, 0x80, 15, 3, 0, 2, 1,
	};
	static const uint8_t bad_nh[] = {
		0x40, 1, 1, 0, 0x40, 2, 0,
		0x80, 14, 12, 0, 2, 1, 5, 1, 2, 3, 4, 5, 0, 32, 0x20,
	};
	static const uint8_t bad_comm[] = {
		0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 192, 0, 2, 1,
		0xc0, 8, 3, 1, 2, 3,			/* 3 % 4 != 0 */
	};
	static const uint8_t bad_atomic[] = {
		0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, 192, 0, 2, 1,
		0x40, 6, 1, 0,				/* length 1 */
	};
	static const uint8_t nlri[] = { 8, 10 };
	struct bgp_decode_opts	 o = { .as4 = 1 };
	struct bgp_update	 u;
	uint8_t			 msg[256];
	size_t			 len;
	char			*cause = NULL;

	len = mkupd(msg, NULL, 0, bad_origin, sizeof bad_origin, nlri,
	    sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_true(u.treat_as_withdraw);
	assert_non_null(strstr(u.reason, "ORIGIN"));
	assert_int_equal(u.nannounced, 1);
	decode_bgp_update_free(&u);

	len = mkupd(msg, NULL, 0, overrun, sizeof overrun, nlri, sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), -1);
	assert_non_null(strstr(cause, "overrun"));
	free(cause);

	len = mkupd(msg, NULL, 0, dup, sizeof dup, nlri, sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_false(u.treat_as_withdraw);
	assert_int_equal(u.attrs.origin, BGP_ORIGIN_IGP);	/* the first */
	assert_int_equal(u.attrs.ndiscarded, 1);
	decode_bgp_update_free(&u);

	len = mkupd(msg, NULL, 0, dup_mp, sizeof dup_mp, NULL, 0);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), -1);
	assert_non_null(strstr(cause, "duplicate MP_UNREACH"));
	free(cause);

	len = mkupd(msg, NULL, 0, bad_nh, sizeof bad_nh, NULL, 0);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), -1);
	assert_non_null(strstr(cause, "next hop length 5"));
	free(cause);

	len = mkupd(msg, NULL, 0, bad_comm, sizeof bad_comm, nlri,
	    sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_true(u.treat_as_withdraw);
	decode_bgp_update_free(&u);

	len = mkupd(msg, NULL, 0, bad_atomic, sizeof bad_atomic, nlri,
	    sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_false(u.treat_as_withdraw);
	assert_int_equal(u.attrs.ndiscarded, 1);
	assert_false(u.attrs.present & BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGR));
	decode_bgp_update_free(&u);

	/* RFC 7606 3 c: flags in conflict. */
	{
		uint8_t	f[sizeof bad_atomic];

		memcpy(f, bad_atomic, sizeof f);
		f[sizeof f - 1 - 3] = 0xc0;	/* ATOMIC_AGGREGATE optional */
		f[sizeof f - 1 - 1] = 0;	/* and of the right length */
		len = mkupd(msg, NULL, 0, f, sizeof f - 1, nlri, sizeof nlri);
		assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause),
		    0);
		assert_false(u.treat_as_withdraw);
		assert_int_equal(u.attrs.ndiscarded, 1);
		decode_bgp_update_free(&u);
		f[0] = 0xc0;			/* ORIGIN optional */
		len = mkupd(msg, NULL, 0, f, sizeof f - 1, nlri, sizeof nlri);
		assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause),
		    0);
		assert_true(u.treat_as_withdraw);
		assert_string_equal(u.reason, "malformed attribute flags");
		assert_int_equal(u.attrs.origin, BGP_ORIGIN_IGP);
		decode_bgp_update_free(&u);
	}

	/* Missing AS_PATH with NLRI: treat-as-withdraw (RFC 7606 3 d). */
	len = mkupd(msg, NULL, 0, bad_origin + 7, 7, nlri, sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_true(u.treat_as_withdraw);
	decode_bgp_update_free(&u);

	/* Lengths beyond the message; a prefix longer than 32. */
	msg[0] = 0;
	msg[1] = 9;
	assert_int_equal(decode_bgp_update(msg, 4, &o, &u, &cause), -1);
	free(cause);
	len = mkupd(msg, NULL, 0, NULL, 0, (const uint8_t *)"\x21\x0a\x00"
	    "\x00\x00\x01", 6);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), -1);
	assert_non_null(strstr(cause, "prefix length 33"));
	free(cause);
}

/* RFC 4760 and RFC 7911: IPv6 MP_REACH with link-local, ADD-PATH. */
static void
test_mp_addpath(void **state)
{
	static const uint8_t attrs[] = {
		0x40, 1, 1, 0, 0x40, 2, 0,
		0x80, 14, 46, 0, 2, 1, 32,
		    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		    0,
		    0, 0, 0, 7, 32, 0x20, 0x01, 0x0d, 0xb8,	/* id 7 */
		0x80, 15, 14, 0, 2, 1, 0, 0, 0, 9, 48,	/* id 9 */
		    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	};
	struct bgp_decode_opts	 o = { .as4 = 1, .addpath_v6 = 1 };
	struct bgp_update	 u;
	uint8_t			 msg[256];
	size_t			 len;
	char			*cause = NULL, s[64];

	len = mkupd(msg, NULL, 0, attrs, sizeof attrs, NULL, 0);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_int_equal(u.nannounced, 1);
	assert_int_equal(u.announced[0].path_id, 7);
	assert_true(u.announced[0].mp);
	assert_string_equal(pfx(&u.announced[0], s, sizeof s),
	    "2001:db8::/32");
	assert_string_equal(addr_fmt(&u.attrs.mp_nexthop, s, sizeof s),
	    "2001:db8::1");
	assert_string_equal(addr_fmt(&u.attrs.mp_nexthop_ll, s, sizeof s),
	    "fe80::2");
	assert_int_equal(u.nwithdrawn, 1);
	assert_int_equal(u.withdrawn[0].path_id, 9);
	assert_string_equal(pfx(&u.withdrawn[0], s, sizeof s),
	    "2001:db8:1::/48");
	decode_bgp_update_free(&u);

	/* IPv4 ADD-PATH in the plain NLRI field. */
	o.addpath_v4 = 1;
	len = mkupd(msg, (const uint8_t *)"\0\0\0\3\x08\x0b", 6, NULL, 0,
	    NULL, 0);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_int_equal(u.nwithdrawn, 1);
	assert_int_equal(u.withdrawn[0].path_id, 3);
	decode_bgp_update_free(&u);
}

/* A real OPEN from BIRD (mrtparse sample bird-mrtdump_bgp), body only. */
static void
test_open_bird(void **state)
{
	static const char hex[] =
	    "04fde8005aac10000a6602060104000100010206010400010002020601"
	    "0400010080020601040001008102060104000200010206010400020002"
	    "020601040002008002060104000200810202800002020200020440024078"
	    "020641040000fde8020a4508000101030002010302024700";
	uint8_t			 b[256];
	size_t			 i, n = strlen(hex) / 2;
	struct bgp_open		 op, peer;
	char			*cause = NULL;

	for (i = 0; i < n; i++) {
		unsigned int	v;

		sscanf(hex + 2 * i, "%2x", &v);
		b[i] = (uint8_t)v;
	}
	assert_int_equal(decode_bgp_open(b, n, &op, &cause), 0);
	assert_int_equal(op.version, 4);
	assert_int_equal(op.my_as, 65000);
	assert_int_equal(op.asn, 65000);
	assert_int_equal(op.holdtime, 90);
	assert_int_equal(op.bgp_id, 0xac10000a);
	assert_true(op.as4);
	assert_true(op.route_refresh);
	assert_int_equal(op.nmp, 8);
	assert_int_equal(op.mp[0].afi, 1);
	assert_int_equal(op.mp[0].safi, 1);
	assert_int_equal(op.mp[7].afi, 2);
	assert_int_equal(op.mp[7].safi, 129);
	assert_int_equal(op.naddpath, 2);
	assert_int_equal(op.addpath[1].afi, 2);
	assert_int_equal(op.addpath[1].addpath, 3);
	assert_int_equal(op.nunknown, 2);	/* graceful restart, LLGR */
	assert_true(decode_bgp_open_addpath(&op, &op, 1, 1));
	memset(&peer, 0, sizeof peer);
	assert_false(decode_bgp_open_addpath(&op, &peer, 1, 1));

	/* Truncated: a capability running past its parameter. */
	assert_int_equal(decode_bgp_open(b, 12, &op, &cause), -1);
	free(cause);
	b[13] = 9;	/* multiprotocol length 9 in a 6-byte parameter */
	assert_int_equal(decode_bgp_open(b, n, &op, &cause), -1);
	free(cause);
}

/* RFC 9234 4.2.1 and 5: OTC, optional transitive, exactly 4 octets. */
static void
test_otc(void **state)
{
	static const uint8_t base[] = {
		0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfb, 0xf4,
		0x40, 3, 4, 192, 0, 2, 1,
	};
	static const uint8_t otc[] = { 0xc0, 35, 4, 0, 0, 0xfb, 0xf4 };
	static const uint8_t otc_short[] = { 0xc0, 35, 3, 0, 0xfb, 0xf4 };
	static const uint8_t otc_flags[] = { 0x40, 35, 4, 0, 0, 0xfb, 0xf4 };
	static const uint8_t otc_ext[] = { 0xd0, 35, 0, 4, 0, 0, 0xfb, 0xf5 };
	static const uint8_t nlri[] = { 24, 203, 0, 113 };
	struct bgp_decode_opts	 o = { .as4 = 1 };
	struct bgp_update	 u;
	uint8_t			 attrs[64], msg[128];
	size_t			 len;
	char			*cause = NULL;

	(void)state;
	memcpy(attrs, base, sizeof base);
	memcpy(attrs + sizeof base, otc, sizeof otc);
	len = mkupd(msg, NULL, 0, attrs, sizeof base + sizeof otc, nlri,
	    sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_false(u.treat_as_withdraw);
	assert_true(u.attrs.present & BGP_ATTR_BIT(BGP_ATTR_OTC));
	assert_int_equal(u.attrs.otc, 64500);
	assert_int_equal(u.attrs.nunknown, 0);
	assert_int_equal(u.nannounced, 1);
	decode_bgp_update_free(&u);

	/* Extended length is allowed. */
	memcpy(attrs + sizeof base, otc_ext, sizeof otc_ext);
	len = mkupd(msg, NULL, 0, attrs, sizeof base + sizeof otc_ext, nlri,
	    sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_false(u.treat_as_withdraw);
	assert_int_equal(u.attrs.otc, 64501);
	decode_bgp_update_free(&u);

	/* RFC 9234 5: a length other than 4 is treat-as-withdraw. */
	memcpy(attrs + sizeof base, otc_short, sizeof otc_short);
	len = mkupd(msg, NULL, 0, attrs, sizeof base + sizeof otc_short,
	    nlri, sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_true(u.treat_as_withdraw);
	assert_string_equal(u.reason, "malformed OTC: length 3, not 4");
	assert_int_equal(u.nannounced, 1);	/* the caller withdraws it */
	decode_bgp_update_free(&u);

	/* RFC 7606 3 c: flags not optional transitive. */
	memcpy(attrs + sizeof base, otc_flags, sizeof otc_flags);
	len = mkupd(msg, NULL, 0, attrs, sizeof base + sizeof otc_flags,
	    nlri, sizeof nlri);
	assert_int_equal(decode_bgp_update(msg, len, &o, &u, &cause), 0);
	assert_true(u.treat_as_withdraw);
	assert_string_equal(u.reason, "malformed attribute flags");
	decode_bgp_update_free(&u);
}

/* An OPEN body, AS 64500, with one capabilities parameter caps. */
static size_t
mkopen(uint8_t *out, const uint8_t *caps, size_t clen)
{
	static const uint8_t hdr[] = { 4, 0xfb, 0xf4, 0, 90, 192, 0, 2, 1 };
	size_t	o = sizeof hdr;

	memcpy(out, hdr, sizeof hdr);
	out[o++] = (uint8_t)(clen + 2);		/* opt param length */
	out[o++] = 2;				/* capabilities */
	out[o++] = (uint8_t)clen;
	memcpy(out + o, caps, clen);
	return (o + clen);
}

/* RFC 9234 4.1: the BGP Role capability. */
static void
test_open_role(void **state)
{
	static const uint8_t customer[] = { 65, 4, 0, 0, 0xfb, 0xf4, 9, 1, 3 };
	static const uint8_t peer_twice[] = { 9, 1, 4, 9, 1, 4 };
	static const uint8_t conflict[] = { 9, 1, 4, 9, 1, 0 };
	static const uint8_t long_role[] = { 9, 2, 4, 4, 2, 0 };
	static const uint8_t undefined[] = { 9, 1, 7 };
	struct bgp_open		 op;
	uint8_t			 b[64];
	size_t			 n;
	char			*cause = NULL;

	(void)state;
	n = mkopen(b, customer, sizeof customer);
	assert_int_equal(decode_bgp_open(b, n, &op, &cause), 0);
	assert_int_equal(op.asn, 64500);
	assert_int_equal(op.role, BGP_ROLE_CUSTOMER);
	assert_false(op.role_error);
	assert_int_equal(op.nunknown, 0);
	n = mkopen(b, peer_twice, sizeof peer_twice);
	assert_int_equal(decode_bgp_open(b, n, &op, &cause), 0);
	assert_int_equal(op.role, BGP_ROLE_PEER);
	assert_false(op.role_error);
	/* 4.2: two values are a mismatch; the first is kept. */
	n = mkopen(b, conflict, sizeof conflict);
	assert_int_equal(decode_bgp_open(b, n, &op, &cause), 0);
	assert_int_equal(op.role, BGP_ROLE_PEER);
	assert_true(op.role_error);
	/* A bad length is an error on the role, not on the OPEN. */
	n = mkopen(b, long_role, sizeof long_role);
	assert_int_equal(decode_bgp_open(b, n, &op, &cause), 0);
	assert_int_equal(op.role, BGP_ROLE_NONE);
	assert_true(op.role_error);
	assert_true(op.route_refresh);		/* the next one still read */
	n = mkopen(b, undefined, sizeof undefined);
	assert_int_equal(decode_bgp_open(b, n, &op, &cause), 0);
	assert_int_equal(op.role, BGP_ROLE_UNKNOWN);
	assert_string_equal(bgp_role_name(op.role), "unknown");
	/* No capability: no role. */
	n = mkopen(b, customer, 6);
	assert_int_equal(decode_bgp_open(b, n, &op, &cause), 0);
	assert_int_equal(op.role, BGP_ROLE_NONE);
}

/* RFC 9234 4.2 and 5: role pairs and the leak conditions. */
static void
test_role_rules(void **state)
{
	enum bgp_role	 r;
	uint32_t	 otc;

	(void)state;
	assert_int_equal(bgp_role_from_wire(0), BGP_ROLE_PROVIDER);
	assert_int_equal(bgp_role_from_wire(4), BGP_ROLE_PEER);
	assert_int_equal(bgp_role_from_wire(5), BGP_ROLE_UNKNOWN);
	assert_int_equal(bgp_role_parse("rs-client", &r), 0);
	assert_int_equal(r, BGP_ROLE_RS_CLIENT);
	assert_int_equal(bgp_role_parse("none", &r), -1);
	assert_int_equal(bgp_role_parse("Peer", &r), -1);

	/* 4.2 Table 2. */
	assert_int_equal(bgp_role_agree(BGP_ROLE_PROVIDER, BGP_ROLE_CUSTOMER),
	    1);
	assert_int_equal(bgp_role_agree(BGP_ROLE_RS_CLIENT, BGP_ROLE_RS), 1);
	assert_int_equal(bgp_role_agree(BGP_ROLE_PEER, BGP_ROLE_PEER), 1);
	assert_int_equal(bgp_role_agree(BGP_ROLE_PEER, BGP_ROLE_CUSTOMER),
	    -1);
	assert_int_equal(bgp_role_agree(BGP_ROLE_PROVIDER, BGP_ROLE_PROVIDER),
	    -1);
	assert_int_equal(bgp_role_agree(BGP_ROLE_PEER, BGP_ROLE_UNKNOWN), -1);
	assert_int_equal(bgp_role_agree(BGP_ROLE_PEER, BGP_ROLE_NONE), 0);

	/* The relation in force: configured, announced, else peer. */
	assert_int_equal(bgp_role_effective(BGP_ROLE_CUSTOMER,
	    BGP_ROLE_PEER), BGP_ROLE_CUSTOMER);
	assert_int_equal(bgp_role_effective(BGP_ROLE_NONE,
	    BGP_ROLE_PROVIDER), BGP_ROLE_PROVIDER);
	assert_int_equal(bgp_role_effective(BGP_ROLE_NONE,
	    BGP_ROLE_UNKNOWN), BGP_ROLE_PEER);

	/* Ingress 1: OTC from a customer or an RS client is a leak. */
	assert_int_equal(bgp_role_ingress(BGP_ROLE_CUSTOMER, 1, 64501, 64500,
	    &otc), BGP_OTC_FROM_CUSTOMER);
	assert_int_equal(bgp_role_ingress(BGP_ROLE_RS_CLIENT, 1, 64500,
	    64500, &otc), BGP_OTC_FROM_CUSTOMER);
	assert_int_equal(bgp_role_ingress(BGP_ROLE_CUSTOMER, 0, 0, 64500,
	    &otc), BGP_OTC_OK);
	assert_int_equal(otc, 0);
	/* Ingress 2: from a peer, only the peer's own AS. */
	assert_int_equal(bgp_role_ingress(BGP_ROLE_PEER, 1, 64501, 64500,
	    &otc), BGP_OTC_PEER_AS);
	assert_int_equal(bgp_role_ingress(BGP_ROLE_PEER, 1, 64500, 64500,
	    &otc), BGP_OTC_OK);
	assert_int_equal(otc, 64500);
	/* Ingress 3: from a provider, peer or RS the neighbor's AS added. */
	assert_int_equal(bgp_role_ingress(BGP_ROLE_PROVIDER, 0, 0, 64502,
	    &otc), BGP_OTC_OK);
	assert_int_equal(otc, 64502);
	assert_int_equal(bgp_role_ingress(BGP_ROLE_RS, 1, 64503, 64502,
	    &otc), BGP_OTC_OK);
	assert_int_equal(otc, 64503);
	assert_int_equal(bgp_role_ingress(BGP_ROLE_NONE, 1, 64503, 64502,
	    &otc), BGP_OTC_OK);

	/* Egress 2: a route with OTC never goes up or across. */
	assert_int_equal(bgp_role_egress(BGP_ROLE_PROVIDER, 1, 64502, 64500,
	    &otc), BGP_OTC_TO_PROVIDER);
	assert_int_equal(bgp_role_egress(BGP_ROLE_PEER, 1, 64502, 64500,
	    &otc), BGP_OTC_TO_PROVIDER);
	assert_int_equal(bgp_role_egress(BGP_ROLE_RS, 1, 64502, 64500,
	    &otc), BGP_OTC_TO_PROVIDER);
	assert_int_equal(bgp_role_egress(BGP_ROLE_CUSTOMER, 1, 64502, 64500,
	    &otc), BGP_OTC_OK);
	assert_int_equal(otc, 64502);
	/* Egress 1: to a customer, peer or RS client, our AS added. */
	assert_int_equal(bgp_role_egress(BGP_ROLE_PEER, 0, 0, 64500, &otc),
	    BGP_OTC_OK);
	assert_int_equal(otc, 64500);
	assert_int_equal(bgp_role_egress(BGP_ROLE_PROVIDER, 0, 0, 64500,
	    &otc), BGP_OTC_OK);
	assert_int_equal(otc, 0);
	assert_string_equal(bgp_role_leak_name(BGP_OTC_PEER_AS),
	    "route from a peer with another AS in OTC (RFC 9234 5)");
}

static void
test_notification(void **state)
{
	static const uint8_t shut[] = { 11, 'm', 'a', 'i', 'n', 't', '\x1b',
	    'n', 'a', 'n', 'c', 'e' };
	char	*s;

	s = decode_bgp_notification_str(6, 2, shut, sizeof shut);
	assert_string_equal(s,
	    "Cease, Administrative Shutdown: \"maint?nance\"");
	free(s);
	s = decode_bgp_notification_str(6, 4, NULL, 0);
	assert_string_equal(s, "Cease, Administrative Reset");
	free(s);
	s = decode_bgp_notification_str(4, 0, NULL, 0);
	assert_string_equal(s, "Hold Timer Expired");
	free(s);
	s = decode_bgp_notification_str(3, 11, NULL, 0);
	assert_string_equal(s, "UPDATE Message Error, Malformed AS_PATH");
	free(s);
	s = decode_bgp_notification_str(2, 7, NULL, 0);
	assert_string_equal(s, "OPEN Message Error, Unsupported Capability");
	free(s);
	s = decode_bgp_notification_str(6, 99, NULL, 0);
	assert_string_equal(s, "Cease, subcode 99");
	free(s);
	s = decode_bgp_notification_str(42, 1, NULL, 0);
	assert_string_equal(s, "code 42, subcode 1");
	free(s);
	/* A length byte beyond the data is not read. */
	s = decode_bgp_notification_str(6, 2, (const uint8_t *)"\x40xy", 3);
	assert_string_equal(s, "Cease, Administrative Shutdown");
	free(s);
}

static void
test_header(void **state)
{
	uint8_t		 m[19];
	uint8_t		 type;
	uint16_t	 len;
	char		*cause = NULL;

	memset(m, 0xff, 16);
	m[16] = 0;
	m[17] = 19;
	m[18] = BGP_MSG_KEEPALIVE;
	assert_int_equal(decode_bgp_header(m, sizeof m, &type, &len, &cause),
	    0);
	assert_int_equal(type, BGP_MSG_KEEPALIVE);
	assert_int_equal(len, 19);
	m[17] = 18;
	assert_int_equal(decode_bgp_header(m, sizeof m, &type, &len, &cause),
	    -1);
	free(cause);
	m[17] = 19;
	m[3] = 0;
	assert_int_equal(decode_bgp_header(m, sizeof m, &type, &len, &cause),
	    -1);
	assert_string_equal(cause, "bad BGP marker");
	free(cause);
	assert_int_equal(decode_bgp_header(m, 10, &type, &len, &cause), -1);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_attributes),
		cmocka_unit_test(test_as4_merge),
		cmocka_unit_test(test_as4_merge_segments),
		cmocka_unit_test(test_as4_session),
		cmocka_unit_test(test_rfc7606),
		cmocka_unit_test(test_mp_addpath),
		cmocka_unit_test(test_open_bird),
		cmocka_unit_test(test_otc),
		cmocka_unit_test(test_open_role),
		cmocka_unit_test(test_role_rules),
		cmocka_unit_test(test_notification),
		cmocka_unit_test(test_header),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
