/* SPDX-License-Identifier: ISC */
/*
 * The shared BGP message decoder (RFC 4271).  UPDATE messages with the
 * multiprotocol extensions (RFC 4760), 4-octet ASNs (RFC 6793), ADD-PATH
 * (RFC 7911) and the community attributes (RFC 1997, 4360, 8092); OPEN
 * capabilities (RFC 5492) and NOTIFICATION codes (RFC 4271 6, RFC 4486,
 * RFC 9003).  Malformed attributes follow RFC 7606: each attribute's
 * handler says whether its error is "treat-as-withdraw" (the update is
 * flagged), "attribute discard" (the attribute is dropped and counted) or
 * "session reset" (the decode fails with a cause).
 *
 * Every read goes through the bounded cursor of buf.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bgp-role.h"
#include "core/buf.h"
#include "core/decode-bgp.h"

#define AS_TRANS	23456	/* RFC 6793 9 */

/* Attribute flags, RFC 4271 4.3. */
#define ATTR_OPTIONAL	0x80
#define ATTR_TRANSITIVE	0x40
#define ATTR_PARTIAL	0x20
#define ATTR_EXTLEN	0x10

/* Results of one attribute handler (RFC 7606 2). */
enum attr_result {
	ATTR_OK,
	ATTR_DISCARD,
	ATTR_WITHDRAW,
	ATTR_RESET
};

static void	 decode_bgp_withdraw(struct bgp_update *, const char *);

/* Growable NLRI array. */
struct nlri_vec {
	struct bgp_nlri	*v;
	size_t		 n;
	size_t		 cap;
};

static void
decode_bgp_nlri_push(struct bgp_nlri **v, size_t *n, size_t *cap,
    const struct bgp_nlri *e)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[(*n)++] = *e;
}

/*
 * RFC 4271 4.3 and RFC 7911 3: a run of (path id,) length, prefix.  The
 * prefix is kept as sent (bits past the length are not cleared).
 */
static int
decode_bgp_nlri(struct buf *b, int af, int addpath, int mp, uint8_t safi,
    struct bgp_nlri **v, size_t *n, size_t *cap, char **cause)
{
	struct bgp_nlri	 e;
	uint8_t		 plen;
	size_t		 bytes, max = af == AF_INET ? 32 : 128;

	while (buf_left(b) > 0) {
		memset(&e, 0, sizeof e);
		if (addpath && buf_get_u32(b, &e.path_id) != 0)	/* path id */
			goto fail;
		if (buf_get_u8(b, &plen) != 0)		/* prefix length */
			goto fail;
		if (plen > max) {
			xasprintf(cause, "prefix length %u too long", plen);
			return (-1);
		}
		bytes = (plen + 7) / 8;
		e.prefix.addr.af = af;
		e.prefix.len = plen;
		e.mp = mp;
		e.safi = safi;
		if (buf_get(b, e.prefix.addr.b, bytes) != 0)	/* prefix */
			goto fail;
		decode_bgp_nlri_push(v, n, cap, &e);
	}
	return (0);
fail:
	xasprintf(cause, "truncated prefix");
	return (-1);
}

int
decode_bgp_header(const uint8_t *p, size_t len, uint8_t *type,
    uint16_t *msglen, char **cause)
{
	struct buf	b;
	uint8_t		marker[16];
	size_t		i;

	/* RFC 4271 4.1: Message Header Format */
	buf_init(&b, p, len);
	if (buf_get(&b, marker, sizeof marker) != 0 ||	/* marker */
	    buf_get_u16(&b, msglen) != 0 ||		/* length */
	    buf_get_u8(&b, type) != 0) {		/* type */
		xasprintf(cause, "truncated BGP header");
		return (-1);
	}
	for (i = 0; i < sizeof marker; i++) {
		if (marker[i] != 0xff) {
			xasprintf(cause, "bad BGP marker");
			return (-1);
		}
	}
	if (*msglen < BGP_HEADER_LEN) {
		xasprintf(cause, "bad BGP message length %u", *msglen);
		return (-1);
	}
	return (0);
}

/* RFC 4271 4.3 and RFC 6793 3: AS_PATH or AS4_PATH into a path. */
static int
decode_bgp_aspath(struct buf *b, int as4, struct bgp_aspath *ap)
{
	uint8_t		type, count, i;
	uint16_t	as2;
	uint32_t	as;
	size_t		capsegs = 0, capasns = 0;

	memset(ap, 0, sizeof *ap);
	while (buf_left(b) > 0) {
		if (buf_get_u8(b, &type) != 0 ||	/* segment type */
		    buf_get_u8(b, &count) != 0)		/* segment length */
			goto fail;
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET ||
		    count == 0)
			goto fail;
		if (ap->nasns + count > UINT16_MAX)
			goto fail;
		if (ap->nsegs == capsegs) {
			capsegs = capsegs == 0 ? 4 : capsegs * 2;
			ap->segs = xreallocarray(ap->segs, capsegs,
			    sizeof *ap->segs);
		}
		if (ap->nasns + count > capasns) {
			capasns = ap->nasns + count + 16;
			ap->asns = xreallocarray(ap->asns, capasns,
			    sizeof *ap->asns);
		}
		ap->segs[ap->nsegs].type = type;
		ap->segs[ap->nsegs].count = count;
		ap->segs[ap->nsegs].off = ap->nasns;
		for (i = 0; i < count; i++) {
			if (as4) {
				if (buf_get_u32(b, &as) != 0)	/* ASN */
					goto fail;
			} else {
				if (buf_get_u16(b, &as2) != 0)	/* ASN */
					goto fail;
				as = as2;
			}
			ap->asns[ap->nasns++] = as;
		}
		ap->nsegs++;
	}
	return (0);
fail:
	free(ap->segs);
	free(ap->asns);
	memset(ap, 0, sizeof *ap);
	return (-1);
}

/* RFC 4271 9.1.2.2 a: path length; an AS_SET counts one, confeds none. */
static size_t
decode_bgp_aspath_count(const struct bgp_aspath *ap)
{
	size_t	i, n = 0;

	for (i = 0; i < ap->nsegs; i++) {
		if (ap->segs[i].type == BGP_AS_SEQUENCE)
			n += ap->segs[i].count;
		else if (ap->segs[i].type == BGP_AS_SET)
			n++;
	}
	return (n);
}

static void
decode_bgp_aspath_add(struct bgp_aspath *ap, uint8_t type,
    const uint32_t *asns, uint8_t count)
{
	ap->segs = xreallocarray(ap->segs, ap->nsegs + 1, sizeof *ap->segs);
	ap->asns = xreallocarray(ap->asns, ap->nasns + count + 1,
	    sizeof *ap->asns);
	ap->segs[ap->nsegs].type = type;
	ap->segs[ap->nsegs].count = count;
	ap->segs[ap->nsegs].off = ap->nasns;
	memcpy(ap->asns + ap->nasns, asns, count * sizeof *asns);
	ap->nasns += count;
	ap->nsegs++;
}

/*
 * RFC 6793 4.2.3: the leading ASNs of AS_PATH that AS4_PATH does not
 * cover, followed by AS4_PATH, so that the path has as many ASNs as
 * AS_PATH.  A confederation segment of AS_PATH is taken along when it
 * leads the path or follows a segment taken.  If AS_PATH has fewer ASNs
 * than AS4_PATH, AS4_PATH is ignored.  AS4_PATH has already lost its
 * confederation segments (RFC 6793 6), so they count for nothing here.
 */
static void
decode_bgp_aspath_merge(struct bgp_aspath *ap, struct bgp_aspath *ap4)
{
	struct bgp_aspath	 m;
	size_t			 n, n4, need, i;
	const struct bgp_aspath_seg *s;

	n = decode_bgp_aspath_count(ap);
	n4 = decode_bgp_aspath_count(ap4);
	if (n < n4)
		return;
	need = n - n4;
	memset(&m, 0, sizeof m);
	for (i = 0; i < ap->nsegs; i++) {
		s = &ap->segs[i];
		if (s->type == BGP_AS_CONFED_SEQUENCE ||
		    s->type == BGP_AS_CONFED_SET) {
			/* Leading, or adjacent to the last one taken. */
			decode_bgp_aspath_add(&m, s->type, ap->asns + s->off,
			    s->count);
			continue;
		}
		if (need == 0)
			break;
		if (s->type == BGP_AS_SEQUENCE && s->count > need) {
			decode_bgp_aspath_add(&m, s->type, ap->asns + s->off,
			    (uint8_t)need);
			need = 0;
		} else {
			decode_bgp_aspath_add(&m, s->type, ap->asns + s->off,
			    s->count);
			need -= s->type == BGP_AS_SET ? 1 : s->count;
		}
	}
	for (i = 0; i < ap4->nsegs; i++) {
		s = &ap4->segs[i];
		decode_bgp_aspath_add(&m, s->type, ap4->asns + s->off,
		    s->count);
	}
	free(ap->segs);
	free(ap->asns);
	*ap = m;
}

/*
 * RFC 6793 6: AS_CONFED_SEQUENCE and AS_CONFED_SET must not appear in
 * AS4_PATH; a receiver discards them and keeps the rest.
 */
static void
decode_bgp_aspath_noconfed(struct bgp_aspath *ap)
{
	size_t	i, j = 0, off = 0;

	for (i = 0; i < ap->nsegs; i++) {
		if (ap->segs[i].type == BGP_AS_CONFED_SEQUENCE ||
		    ap->segs[i].type == BGP_AS_CONFED_SET)
			continue;
		memmove(ap->asns + off, ap->asns + ap->segs[i].off,
		    ap->segs[i].count * sizeof *ap->asns);
		ap->segs[j] = ap->segs[i];
		ap->segs[j].off = (uint16_t)off;
		off += ap->segs[j].count;
		j++;
	}
	ap->nsegs = j;
	ap->nasns = off;
}

/* RFC 4760 3 and RFC 2545 3: the next hop of MP_REACH_NLRI. */
static int
decode_bgp_mp_nexthop(struct buf *b, uint8_t nhlen, struct bgp_attrs *a)
{
	switch (nhlen) {
	case 4:
		a->mp_nexthop.af = AF_INET;
		return (buf_get(b, a->mp_nexthop.b, 4));	/* next hop */
	case 16:
	case 32:
		a->mp_nexthop.af = AF_INET6;
		if (buf_get(b, a->mp_nexthop.b, 16) != 0)	/* global */
			return (-1);
		if (nhlen == 32) {
			a->mp_nexthop_ll.af = AF_INET6;
			return (buf_get(b, a->mp_nexthop_ll.b, 16)); /* LL */
		}
		return (0);
	default:
		return (-1);
	}
}

/* RFC 4760 3: MP_REACH_NLRI (or RFC 6396 4.3.4's abbreviated form). */
static enum attr_result
decode_bgp_mp_reach(struct buf *b, const struct bgp_decode_opts *o,
    struct bgp_update *u, size_t *cap, char **cause)
{
	uint16_t	afi;
	uint8_t		safi, nhlen, reserved;
	struct buf	nh;
	int		af;

	if (o->mrt_rib && buf_peek_u8(b, &nhlen) == 0 &&
	    nhlen == buf_left(b) - 1) {
		/* RFC 6396 4.3.4: next hop length and next hop only. */
		if (buf_get_u8(b, &nhlen) != 0 ||	/* next hop length */
		    decode_bgp_mp_nexthop(b, nhlen, &u->attrs) != 0)
			goto bad_nh;
		return (ATTR_OK);
	}
	if (buf_get_u16(b, &afi) != 0 ||	/* AFI */
	    buf_get_u8(b, &safi) != 0 ||	/* SAFI */
	    buf_get_u8(b, &nhlen) != 0 ||	/* next hop length */
	    buf_sub(b, &nh, nhlen) != 0 ||	/* next hop */
	    buf_get_u8(b, &reserved) != 0) {	/* reserved */
		xasprintf(cause, "truncated MP_REACH_NLRI");
		return (ATTR_RESET);
	}
	if ((safi != BGP_SAFI_UNICAST && safi != BGP_SAFI_MULTICAST) ||
	    (afi != BGP_AFI_IPV4 && afi != BGP_AFI_IPV6)) {
		u->attrs.nunknown++;	/* an AFI/SAFI we do not carry */
		return (ATTR_OK);
	}
	if (decode_bgp_mp_nexthop(&nh, nhlen, &u->attrs) != 0)
		goto bad_nh;
	af = afi == BGP_AFI_IPV4 ? AF_INET : AF_INET6;
	if (decode_bgp_nlri(b, af, af == AF_INET ? o->addpath_v4 :
	    o->addpath_v6, 1, safi, &u->announced, &u->nannounced, cap,
	    cause) != 0)
		return (ATTR_RESET);	/* RFC 7606 5.3 */
	return (ATTR_OK);

bad_nh:
	/* RFC 7606 7.11: a next hop length we cannot use resets. */
	xasprintf(cause, "MP_REACH_NLRI: bad next hop length %u", nhlen);
	return (ATTR_RESET);
}

/* RFC 4760 4: MP_UNREACH_NLRI. */
static enum attr_result
decode_bgp_mp_unreach(struct buf *b, const struct bgp_decode_opts *o,
    struct bgp_update *u, size_t *cap, char **cause)
{
	uint16_t	afi;
	uint8_t		safi;
	int		af;

	if (buf_get_u16(b, &afi) != 0 ||	/* AFI */
	    buf_get_u8(b, &safi) != 0) {	/* SAFI */
		xasprintf(cause, "truncated MP_UNREACH_NLRI");
		return (ATTR_RESET);
	}
	if ((safi != BGP_SAFI_UNICAST && safi != BGP_SAFI_MULTICAST) ||
	    (afi != BGP_AFI_IPV4 && afi != BGP_AFI_IPV6)) {
		u->attrs.nunknown++;
		return (ATTR_OK);
	}
	af = afi == BGP_AFI_IPV4 ? AF_INET : AF_INET6;
	if (decode_bgp_nlri(b, af, af == AF_INET ? o->addpath_v4 :
	    o->addpath_v6, 1, safi, &u->withdrawn, &u->nwithdrawn, cap,
	    cause) != 0)
		return (ATTR_RESET);	/* RFC 7606 5.3 */
	return (ATTR_OK);
}

/* One attribute's value; returns what RFC 7606 says to do on error. */
static enum attr_result
decode_bgp_attr(uint8_t type, struct buf *v, const struct bgp_decode_opts *o,
    struct bgp_update *u, struct bgp_aspath *ap4, uint32_t *aggr4_as,
    struct addr *aggr4_ip, size_t *acap, size_t *wcap, char **cause)
{
	struct bgp_attrs *a = &u->attrs;
	size_t		 len = buf_left(v), i, n;
	uint16_t	 as2;

	switch (type) {
	case BGP_ATTR_ORIGIN:			/* RFC 7606 7.1 */
		if (len != 1 || buf_get_u8(v, &a->origin) != 0 ||
		    a->origin > BGP_ORIGIN_INCOMPLETE)
			return (ATTR_WITHDRAW);
		return (ATTR_OK);
	case BGP_ATTR_AS_PATH:			/* RFC 7606 7.2 */
		if (decode_bgp_aspath(v, o->as4, &a->aspath) != 0)
			return (ATTR_WITHDRAW);
		return (ATTR_OK);
	case BGP_ATTR_AS4_PATH:			/* RFC 7606 7.17 */
		if (decode_bgp_aspath(v, 1, ap4) != 0)
			return (ATTR_DISCARD);
		return (ATTR_OK);
	case BGP_ATTR_NEXT_HOP:			/* RFC 7606 7.3 */
		if (len != 4)
			return (ATTR_WITHDRAW);
		a->nexthop.af = AF_INET;
		return (buf_get(v, a->nexthop.b, 4) ? ATTR_WITHDRAW : ATTR_OK);
	case BGP_ATTR_MED:			/* RFC 7606 7.4 */
		if (len != 4 || buf_get_u32(v, &a->med) != 0)
			return (ATTR_WITHDRAW);
		return (ATTR_OK);
	case BGP_ATTR_LOCAL_PREF:		/* RFC 7606 7.5 */
		if (len != 4 || buf_get_u32(v, &a->local_pref) != 0)
			return (ATTR_WITHDRAW);
		return (ATTR_OK);
	case BGP_ATTR_ATOMIC_AGGR:		/* RFC 7606 7.6 */
		return (len == 0 ? ATTR_OK : ATTR_DISCARD);
	case BGP_ATTR_AGGREGATOR:		/* RFC 7606 7.7 */
		if (len != (o->as4 ? 8u : 6u))
			return (ATTR_DISCARD);
		if (o->as4) {
			if (buf_get_u32(v, &a->aggr_as) != 0)	/* ASN */
				return (ATTR_DISCARD);
		} else {
			if (buf_get_u16(v, &as2) != 0)		/* ASN */
				return (ATTR_DISCARD);
			a->aggr_as = as2;
		}
		a->aggr_ip.af = AF_INET;
		return (buf_get(v, a->aggr_ip.b, 4) ? ATTR_DISCARD : ATTR_OK);
	case BGP_ATTR_AS4_AGGREGATOR:		/* RFC 6793 6 */
		if (len != 8 || buf_get_u32(v, aggr4_as) != 0)
			return (ATTR_DISCARD);
		aggr4_ip->af = AF_INET;
		return (buf_get(v, aggr4_ip->b, 4) ? ATTR_DISCARD : ATTR_OK);
	case BGP_ATTR_COMMUNITIES:		/* RFC 7606 7.8 */
		if (len % 4 != 0)
			return (ATTR_WITHDRAW);
		n = len / 4;
		a->communities = xreallocarray(NULL, n + 1, sizeof(uint32_t));
		for (i = 0; i < n; i++)
			if (buf_get_u32(v, &a->communities[i]) != 0)
				return (ATTR_WITHDRAW);
		a->ncommunities = n;
		return (ATTR_OK);
	case BGP_ATTR_EXT_COMMUNITIES:		/* RFC 7606 7.14 */
		if (len % 8 != 0)
			return (ATTR_WITHDRAW);
		n = len / 8;
		a->ext_communities = xreallocarray(NULL, n + 1, 8);
		for (i = 0; i < n; i++)
			if (buf_get(v, a->ext_communities[i], 8) != 0)
				return (ATTR_WITHDRAW);
		a->next_communities = n;
		return (ATTR_OK);
	case BGP_ATTR_LARGE_COMMUNITIES:	/* RFC 8092 6 */
		if (len % 12 != 0 || len == 0)
			return (ATTR_WITHDRAW);
		n = len / 12;
		a->large_communities = xreallocarray(NULL, n,
		    sizeof *a->large_communities);
		for (i = 0; i < n; i++) {
			if (buf_get_u32(v, &a->large_communities[i].global) ||
			    buf_get_u32(v, &a->large_communities[i].local1) ||
			    buf_get_u32(v, &a->large_communities[i].local2))
				return (ATTR_WITHDRAW);
		}
		a->nlarge_communities = n;
		return (ATTR_OK);
	case BGP_ATTR_OTC:			/* RFC 9234 5 */
		/* Not 4 octets: treat-as-withdraw (RFC 7606). */
		if (len != 4) {
			char	why[48];

			snprintf(why, sizeof why, "OTC: length %zu, not 4", len);
			decode_bgp_withdraw(u, why);
			return (ATTR_WITHDRAW);
		}
		return (buf_get_u32(v, &a->otc) ? ATTR_WITHDRAW : ATTR_OK);
	case BGP_ATTR_MP_REACH:
		return (decode_bgp_mp_reach(v, o, u, acap, cause));
	case BGP_ATTR_MP_UNREACH:
		return (decode_bgp_mp_unreach(v, o, u, wcap, cause));
	default:
		a->nunknown++;
		return (ATTR_OK);
	}
}

static void
decode_bgp_withdraw(struct bgp_update *u, const char *what)
{
	if (!u->treat_as_withdraw) {
		u->treat_as_withdraw = 1;
		snprintf(u->reason, sizeof u->reason, "malformed %s", what);
	}
}

static const char *
decode_bgp_attr_name(uint8_t type)
{
	switch (type) {
	case BGP_ATTR_ORIGIN:		return ("ORIGIN");
	case BGP_ATTR_AS_PATH:		return ("AS_PATH");
	case BGP_ATTR_NEXT_HOP:		return ("NEXT_HOP");
	case BGP_ATTR_MED:		return ("MULTI_EXIT_DISC");
	case BGP_ATTR_LOCAL_PREF:	return ("LOCAL_PREF");
	case BGP_ATTR_COMMUNITIES:	return ("COMMUNITIES");
	case BGP_ATTR_EXT_COMMUNITIES:	return ("EXTENDED_COMMUNITIES");
	case BGP_ATTR_LARGE_COMMUNITIES: return ("LARGE_COMMUNITY");
	case BGP_ATTR_OTC:		return ("OTC");
	default:			return ("attribute");
	}
}

/*
 * RFC 4271 5 and RFC 4760, 1997, 4360, 6793, 8092: the Optional and
 * Transitive bits each known attribute carries; -1 for others.
 */
static int
decode_bgp_attr_flags(uint8_t type)
{
	switch (type) {
	case BGP_ATTR_ORIGIN:
	case BGP_ATTR_AS_PATH:
	case BGP_ATTR_NEXT_HOP:
	case BGP_ATTR_LOCAL_PREF:
	case BGP_ATTR_ATOMIC_AGGR:
		return (ATTR_TRANSITIVE);
	case BGP_ATTR_MED:
	case BGP_ATTR_MP_REACH:
	case BGP_ATTR_MP_UNREACH:
		return (ATTR_OPTIONAL);
	case BGP_ATTR_AGGREGATOR:
	case BGP_ATTR_COMMUNITIES:
	case BGP_ATTR_EXT_COMMUNITIES:
	case BGP_ATTR_AS4_PATH:
	case BGP_ATTR_AS4_AGGREGATOR:
	case BGP_ATTR_LARGE_COMMUNITIES:
	case BGP_ATTR_OTC:			/* RFC 9234 4.2.1 */
		return (ATTR_OPTIONAL | ATTR_TRANSITIVE);
	default:
		return (-1);
	}
}

/*
 * RFC 6793 4.2.3.  Only when AGGREGATOR and AS4_AGGREGATOR are both
 * present does the AGGREGATOR decide: a real AS there (not AS_TRANS)
 * means an OLD speaker aggregated after the NEW one, so AS4_PATH and
 * AS4_AGGREGATOR are stale and ignored; AS_TRANS means AS4_AGGREGATOR is
 * the aggregator.  Without AS4_AGGREGATOR, AS4_PATH is always merged.
 */
static void
decode_bgp_as4_fixup(struct bgp_attrs *a, struct bgp_aspath *ap4,
    uint32_t aggr4_as, const struct addr *aggr4_ip)
{
	if (a->present & BGP_ATTR_BIT(BGP_ATTR_AS4_AGGREGATOR)) {
		if ((a->present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR)) &&
		    a->aggr_as != AS_TRANS)
			return;
		a->aggr_as = aggr4_as;
		a->aggr_ip = *aggr4_ip;
	}
	if ((a->present & BGP_ATTR_BIT(BGP_ATTR_AS4_PATH)) &&
	    (a->present & BGP_ATTR_BIT(BGP_ATTR_AS_PATH))) {
		decode_bgp_aspath_noconfed(ap4);
		decode_bgp_aspath_merge(&a->aspath, ap4);
	}
}

/* RFC 4271 4.3: the path attributes of an update (or a RIB entry). */
static int
decode_bgp_attrs_buf(struct buf *b, const struct bgp_decode_opts *o,
    struct bgp_update *u, size_t *acap, size_t *wcap, char **cause)
{
	struct bgp_aspath	 ap4;
	struct addr		 aggr4_ip;
	uint32_t		 aggr4_as = 0;
	uint8_t			 flags, type, len8;
	uint16_t		 len16;
	size_t			 len;
	struct buf		 v;
	enum attr_result	 r;
	int			 want;

	memset(&ap4, 0, sizeof ap4);
	memset(&aggr4_ip, 0, sizeof aggr4_ip);
	while (buf_left(b) > 0) {
		if (buf_get_u8(b, &flags) != 0 ||	/* attribute flags */
		    buf_get_u8(b, &type) != 0)		/* attribute type */
			goto overrun;
		if (flags & ATTR_EXTLEN) {
			if (buf_get_u16(b, &len16) != 0)	/* length */
				goto overrun;
			len = len16;
		} else {
			if (buf_get_u8(b, &len8) != 0)		/* length */
				goto overrun;
			len = len8;
		}
		if (buf_sub(b, &v, len) != 0)		/* attribute value */
			goto overrun;
		if (type < 64 && (u->attrs.present & BGP_ATTR_BIT(type))) {
			/* RFC 7606 3 g: duplicates. */
			if (type == BGP_ATTR_MP_REACH ||
			    type == BGP_ATTR_MP_UNREACH) {
				xasprintf(cause, "duplicate %s",
				    type == BGP_ATTR_MP_REACH ?
				    "MP_REACH_NLRI" : "MP_UNREACH_NLRI");
				goto fail;
			}
			u->attrs.ndiscarded++;
			continue;
		}
		want = decode_bgp_attr_flags(type);
		if (want != -1 &&
		    (flags & (ATTR_OPTIONAL | ATTR_TRANSITIVE)) != want) {
			/*
			 * RFC 7606 3 c: conflicting flags make the attribute
			 * malformed: discarded where its own rule is discard
			 * (7.6, 7.7, RFC 6793 6), else treat-as-withdraw (the
			 * value is still decoded, for display).
			 */
			if (type == BGP_ATTR_ATOMIC_AGGR ||
			    type == BGP_ATTR_AGGREGATOR ||
			    type == BGP_ATTR_AS4_PATH ||
			    type == BGP_ATTR_AS4_AGGREGATOR) {
				u->attrs.ndiscarded++;
				continue;
			}
			decode_bgp_withdraw(u, "attribute flags");
		}
		if (type < 64)
			u->attrs.present |= BGP_ATTR_BIT(type);
		r = decode_bgp_attr(type, &v, o, u, &ap4, &aggr4_as,
		    &aggr4_ip, acap, wcap, cause);
		switch (r) {
		case ATTR_OK:
			break;
		case ATTR_DISCARD:
			u->attrs.present &= ~BGP_ATTR_BIT(type);
			u->attrs.ndiscarded++;
			break;
		case ATTR_WITHDRAW:
			decode_bgp_withdraw(u, decode_bgp_attr_name(type));
			break;
		case ATTR_RESET:
			goto fail;
		}
	}

	/*
	 * RFC 6793 4.2.3: reconstruct the 4-octet path and aggregator of
	 * an UPDATE from an OLD speaker.  From a NEW one AS4_PATH and
	 * AS4_AGGREGATOR are discarded (RFC 6793 3).
	 */
	if (!o->as4 || o->as4_old_peer)
		decode_bgp_as4_fixup(&u->attrs, &ap4, aggr4_as, &aggr4_ip);
	free(ap4.segs);
	free(ap4.asns);
	return (0);

overrun:
	/*
	 * RFC 7606 4: an attribute running past the attributes field; as
	 * MP_REACH/MP_UNREACH cannot then be located, this resets (5.3).
	 */
	xasprintf(cause, "attribute length overrun at offset %zu",
	    buf_offset(b));
fail:
	free(ap4.segs);
	free(ap4.asns);
	return (-1);
}

int
decode_bgp_attrs(const uint8_t *p, size_t len,
    const struct bgp_decode_opts *o, struct bgp_update *u, char **cause)
{
	struct buf	b;
	size_t		acap = 0, wcap = 0;

	memset(u, 0, sizeof *u);
	buf_init(&b, p, len);
	if (decode_bgp_attrs_buf(&b, o, u, &acap, &wcap, cause) != 0) {
		decode_bgp_update_free(u);
		return (-1);
	}
	return (0);
}

/* RFC 4271 4.3: UPDATE Message Format, its three sections. */
int
decode_bgp_update_split(const uint8_t *p, size_t len, struct buf *w,
    struct buf *at, struct buf *nl, char **cause)
{
	uint16_t	wlen, alen;

	buf_init(nl, p, len);
	if (buf_get_u16(nl, &wlen) != 0 ||	/* withdrawn routes length */
	    buf_sub(nl, w, wlen) != 0 ||	/* withdrawn routes */
	    buf_get_u16(nl, &alen) != 0 ||	/* total path attribute len */
	    buf_sub(nl, at, alen) != 0) {	/* path attributes */
		/* RFC 7606 4: inconsistent lengths reset the session. */
		xasprintf(cause, "UPDATE lengths exceed the message");
		return (-1);
	}
	return (0);				/* NLRI: the rest */
}

int
decode_bgp_update(const uint8_t *p, size_t len,
    const struct bgp_decode_opts *o, struct bgp_update *u, char **cause)
{
	struct buf	b, w, at;
	size_t		acap = 0, wcap = 0;

	memset(u, 0, sizeof *u);
	if (decode_bgp_update_split(p, len, &w, &at, &b, cause) != 0)
		return (-1);
	if (decode_bgp_nlri(&w, AF_INET, o->addpath_v4, 0, BGP_SAFI_UNICAST,
	    &u->withdrawn, &u->nwithdrawn, &wcap, cause) != 0)
		goto fail;
	if (decode_bgp_attrs_buf(&at, o, u, &acap, &wcap, cause) != 0)
		goto fail;
	/* What is left is the NLRI (RFC 4271 4.3). */
	if (decode_bgp_nlri(&b, AF_INET, o->addpath_v4, 0, BGP_SAFI_UNICAST,
	    &u->announced, &u->nannounced, &acap, cause) != 0)
		goto fail;

	/* RFC 7606 3 d: missing well-known attributes. */
	if (u->nannounced > 0 && !u->treat_as_withdraw) {
		if (!(u->attrs.present & BGP_ATTR_BIT(BGP_ATTR_ORIGIN)))
			decode_bgp_withdraw(u, "update: no ORIGIN");
		else if (!(u->attrs.present & BGP_ATTR_BIT(BGP_ATTR_AS_PATH)))
			decode_bgp_withdraw(u, "update: no AS_PATH");
	}
	return (0);
fail:
	decode_bgp_update_free(u);
	return (-1);
}

void
decode_bgp_attrs_free(struct bgp_attrs *a)
{
	free(a->aspath.segs);
	free(a->aspath.asns);
	free(a->communities);
	free(a->ext_communities);
	free(a->large_communities);
	memset(a, 0, sizeof *a);
}

void
decode_bgp_update_free(struct bgp_update *u)
{
	free(u->withdrawn);
	free(u->announced);
	decode_bgp_attrs_free(&u->attrs);
	memset(u, 0, sizeof *u);
}

/* RFC 5492 4: one Capabilities Optional Parameter. */
static int
decode_bgp_caps(struct buf *b, struct bgp_open *op)
{
	uint8_t		code, len, safi, res, mode;
	uint16_t	afi;
	struct buf	v;
	uint32_t	asn;
	enum bgp_role	role;

	while (buf_left(b) > 0) {
		if (buf_get_u8(b, &code) != 0 ||	/* capability code */
		    buf_get_u8(b, &len) != 0 ||		/* capability length */
		    buf_sub(b, &v, len) != 0)		/* capability value */
			return (-1);
		switch (code) {
		case 1:		/* RFC 4760 8: multiprotocol */
			if (buf_get_u16(&v, &afi) != 0 ||	/* AFI */
			    buf_get_u8(&v, &res) != 0 ||	/* reserved */
			    buf_get_u8(&v, &safi) != 0)		/* SAFI */
				return (-1);
			if (op->nmp < BGP_OPEN_MAX_AFS) {
				op->mp[op->nmp].afi = afi;
				op->mp[op->nmp].safi = safi;
				op->nmp++;
			}
			break;
		case 2:		/* RFC 2918: route refresh */
		case 128:	/* its pre-standard code */
			op->route_refresh = 1;
			break;
		case 6:		/* RFC 8654: extended message */
			op->extended_message = 1;
			break;
		case BGP_CAP_ROLE:	/* RFC 9234 4.1: BGP Role */
			if (len != 1 || buf_get_u8(&v, &mode) != 0) {
				/* Kept as an error, not an OPEN to drop. */
				op->role_error = 1;
				break;
			}
			role = bgp_role_from_wire(mode);
			if (op->role == BGP_ROLE_NONE)
				op->role = (uint8_t)role;
			else if (op->role != role)
				op->role_error = 1;	/* 4.2 */
			break;
		case 65:	/* RFC 6793 3: 4-octet AS */
			if (buf_get_u32(&v, &asn) != 0)	/* ASN */
				return (-1);
			op->as4 = 1;
			op->asn = asn;
			break;
		case 69:	/* RFC 7911 4: ADD-PATH */
			while (buf_left(&v) > 0) {
				if (buf_get_u16(&v, &afi) != 0 ||   /* AFI */
				    buf_get_u8(&v, &safi) != 0 ||   /* SAFI */
				    buf_get_u8(&v, &mode) != 0)	    /* S/R */
					return (-1);
				if (op->naddpath < BGP_OPEN_MAX_AFS) {
					op->addpath[op->naddpath].afi = afi;
					op->addpath[op->naddpath].safi = safi;
					op->addpath[op->naddpath].addpath =
					    mode;
					op->naddpath++;
				}
			}
			break;
		default:
			op->nunknown++;
			break;
		}
	}
	return (0);
}

/* RFC 4271 4.2: OPEN Message Format, RFC 9072 extended parameters. */
int
decode_bgp_open(const uint8_t *p, size_t len, struct bgp_open *op,
    char **cause)
{
	struct buf	b, params, v;
	uint8_t		optlen, ptype, plen8;
	uint16_t	plen, elen;
	int		ext = 0;

	memset(op, 0, sizeof *op);
	buf_init(&b, p, len);
	if (buf_get_u8(&b, &op->version) != 0 ||	/* version */
	    buf_get_u16(&b, &op->my_as) != 0 ||		/* my AS */
	    buf_get_u16(&b, &op->holdtime) != 0 ||	/* hold time */
	    buf_get_u32(&b, &op->bgp_id) != 0 ||	/* BGP identifier */
	    buf_get_u8(&b, &optlen) != 0)		/* opt param length */
		goto trunc;
	op->asn = op->my_as;
	if (optlen == 255 && buf_peek_u8(&b, &ptype) == 0 && ptype == 255) {
		/* RFC 9072 2: extended optional parameters length. */
		if (buf_get_u8(&b, &ptype) != 0 ||	/* non-ext type */
		    buf_get_u16(&b, &elen) != 0 ||	/* ext length */
		    buf_sub(&b, &params, elen) != 0)
			goto trunc;
		ext = 1;
	} else if (buf_sub(&b, &params, optlen) != 0)	/* opt parameters */
		goto trunc;
	while (buf_left(&params) > 0) {
		if (buf_get_u8(&params, &ptype) != 0)	/* parameter type */
			goto trunc;
		if (ext) {
			if (buf_get_u16(&params, &plen) != 0)	/* length */
				goto trunc;
		} else {
			if (buf_get_u8(&params, &plen8) != 0)	/* length */
				goto trunc;
			plen = plen8;
		}
		if (buf_sub(&params, &v, plen) != 0)	/* parameter value */
			goto trunc;
		if (ptype == 2 && decode_bgp_caps(&v, op) != 0) {
			xasprintf(cause, "malformed OPEN capability");
			return (-1);
		}
	}
	return (0);
trunc:
	xasprintf(cause, "truncated OPEN");
	return (-1);
}

int
decode_bgp_open_addpath(const struct bgp_open *tx, const struct bgp_open *rx,
    uint16_t afi, uint8_t safi)
{
	size_t	i;
	int	send = 0, recv = 0;

	for (i = 0; i < tx->naddpath; i++)
		if (tx->addpath[i].afi == afi && tx->addpath[i].safi == safi)
			send = tx->addpath[i].addpath & 2;
	for (i = 0; i < rx->naddpath; i++)
		if (rx->addpath[i].afi == afi && rx->addpath[i].safi == safi)
			recv = rx->addpath[i].addpath & 1;
	return (send && recv);
}

static const char *
decode_bgp_notification_sub(uint8_t code, uint8_t sub)
{
	static const char *const hdr[] = { NULL, "Connection Not Synchronized",
	    "Bad Message Length", "Bad Message Type" };
	static const char *const open[] = { NULL, "Unsupported Version Number",
	    "Bad Peer AS", "Bad BGP Identifier",
	    "Unsupported Optional Parameter", "Authentication Failure",
	    "Unacceptable Hold Time", "Unsupported Capability", NULL, NULL,
	    NULL, "Role Mismatch" };
	static const char *const update[] = { NULL, "Malformed Attribute List",
	    "Unrecognized Well-known Attribute",
	    "Missing Well-known Attribute", "Attribute Flags Error",
	    "Attribute Length Error", "Invalid ORIGIN Attribute",
	    "AS Routing Loop", "Invalid NEXT_HOP Attribute",
	    "Optional Attribute Error", "Invalid Network Field",
	    "Malformed AS_PATH" };
	static const char *const fsm[] = { NULL,
	    "Receive Unexpected Message in OpenSent State",
	    "Receive Unexpected Message in OpenConfirm State",
	    "Receive Unexpected Message in Established State" };
	static const char *const cease[] = { NULL,
	    "Maximum Number of Prefixes Reached", "Administrative Shutdown",
	    "Peer De-configured", "Administrative Reset",
	    "Connection Rejected", "Other Configuration Change",
	    "Connection Collision Resolution", "Out of Resources",
	    "Hard Reset", "BFD Down" };
	static const char *const rr[] = { NULL, "Invalid Message Length" };

#define SUB(t) (sub < nitems(t) ? (t)[sub] : NULL)
	switch (code) {
	case 1:	return (SUB(hdr));	/* RFC 4271 6.1 */
	case 2:	return (SUB(open));	/* RFC 4271 6.2, 5492, 9234 */
	case 3:	return (SUB(update));	/* RFC 4271 6.3 */
	case 5:	return (SUB(fsm));	/* RFC 6608 */
	case 6:	return (SUB(cease));	/* RFC 4486 4, 8538, 9384 */
	case 7:	return (SUB(rr));	/* RFC 7313 */
	default: return (NULL);
	}
#undef SUB
}

char *
decode_bgp_notification_str(uint8_t code, uint8_t subcode,
    const uint8_t *data, size_t len)
{
	static const char *const codes[] = { NULL, "Message Header Error",
	    "OPEN Message Error", "UPDATE Message Error", "Hold Timer Expired",
	    "Finite State Machine Error", "Cease",
	    "ROUTE-REFRESH Message Error" };
	const char	*c, *s;
	char		 cbuf[32], sbuf[32], text[256 * 4], *out;
	struct buf	 b;
	uint8_t		 tlen, raw[255];

	c = code < nitems(codes) ? codes[code] : NULL;
	if (c == NULL) {
		snprintf(cbuf, sizeof cbuf, "code %u", code);
		c = cbuf;
	}
	s = decode_bgp_notification_sub(code, subcode);
	if (s == NULL && subcode != 0) {
		snprintf(sbuf, sizeof sbuf, "subcode %u", subcode);
		s = sbuf;
	}
	text[0] = '\0';
	/* RFC 9003 2: shutdown communication on Cease 2 and 4. */
	if (code == 6 && (subcode == 2 || subcode == 4) && data != NULL) {
		buf_init(&b, data, len);
		if (buf_get_u8(&b, &tlen) == 0 && tlen > 0 &&	/* length */
		    buf_get(&b, raw, tlen) == 0)		/* text */
			sanitize(text, sizeof text, (const char *)raw, tlen);
	}
	if (s == NULL)
		xasprintf(&out, "%s", c);
	else if (text[0] != '\0')
		xasprintf(&out, "%s, %s: \"%s\"", c, s, text);
	else
		xasprintf(&out, "%s, %s", c, s);
	return (out);
}
