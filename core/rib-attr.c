/* SPDX-License-Identifier: ISC */
/*
 * Attribute interning and UPDATE messages for the RIB (see rib.c).
 *
 * Attributes are interned by their canonical bytes (rib.h) in an open
 * addressing hash table with linear probing: an UPDATE whose attribute
 * set is already known costs one hash, one probe and one memcmp, and is
 * never decoded.  A set seen for the first time is decoded once to
 * validate it (RFC 7606) and to note its origin AS and path length.
 * rib_update() scans an UPDATE with buf.h cursors and allocates nothing
 * when its attribute set is already interned.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/rib.h"
#include "core/rib-private.h"
#include "core/siphash.h"

static uint32_t		 rib_hash(const uint8_t *, size_t, int);
static int		 rib_as4_mode(const struct bgp_decode_opts *);
static void		 rib_ht_grow(struct rib *);
static void		 rib_ht_del(struct rib *, const struct rib_attr *);
static struct rib_attr	*rib_intern(struct rib *, const uint8_t *, size_t,
			     int, int *, char **);
static size_t		 rib_attr_memsize(size_t);
static struct rib_attr	*rib_attr_alloc(struct rib *, size_t);
static void		 rib_attr_free(struct rib *, struct rib_attr *);
static void		 rib_canon_copy(uint8_t *, size_t *, const struct buf *,
			     const struct buf *);
static int		 rib_canon(struct rib *, const uint8_t *, size_t, int,
			     struct rib_canon *, char **);
static int		 rib_nlri_next(struct buf *, int, int,
			     struct prefix *, uint32_t *);
static int		 rib_nlri_check(struct buf, int, int);
static int		 rib_update_nlri(struct rib *, int, struct buf *, int,
			     int, struct rib_attr *, int,
			     struct rib_update_stats *);
static int		 rib_attr_hdr(struct buf *, uint8_t *, uint8_t *,
			     struct buf *);
static int		 rib_attr_quick(const uint8_t *, size_t, int,
			     uint32_t *, uint8_t *);

/* ------------------------------------------------------------ attributes */

/*
 * The bytes hashed here are chosen by whoever originates or passes on a
 * route, so the hash is keyed (SipHash-1-3, siphash.h) with a random key
 * drawn once per process: nobody outside can make sets that share a
 * probe chain.  The as4 mode is folded into the key, so the same bytes
 * read as 2- or 4-octet ASNs land apart.
 */
static uint32_t
rib_hash(const uint8_t *p, size_t len, int as4)
{
	static struct siphash_key	 key;
	static int			 keyed;
	struct siphash_key		 k;
	uint64_t			 h;

	if (!keyed) {
		siphash_key_random(&key);
		keyed = 1;
	}
	k.k0 = key.k0 ^ (uint64_t)as4;
	k.k1 = key.k1;
	h = siphash13(&k, p, len);
	return ((uint32_t)(h ^ h >> 32) | 1);	/* never 0 */
}

/* rib_attr.as4 for the decoder options (see rib.h). */
static int
rib_as4_mode(const struct bgp_decode_opts *o)
{
	if (!o->as4)
		return (0);
	return (o->as4_old_peer ? RIB_AS4_OLD_PEER : 1);
}

/*
 * What malloc takes for an attribute set too big for the slabs (glibc's
 * chunk, estimated); a set in a slab is counted with its slab.
 */
static size_t
rib_attr_memsize(size_t len)
{
	size_t	n = sizeof (struct rib_attr) + len;

	if (RIB_INSLAB(n))
		return (0);
	n = (n + 8 + 15) & ~(size_t)15;
	return (n);
}

/*
 * Attribute sets up to RIB_SLAB_MAX bytes come from slabs, by size class
 * in steps of RIB_SLAB_STEP: no malloc header, no rounding to 16, which
 * were 12 bytes a set on average (a full table's sets are 60 to 120
 * bytes).  A freed set goes on its class's free list (through its first
 * bytes) for the next set of the class; slabs go back at rib_free().
 */
static struct rib_attr *
rib_attr_alloc(struct rib *r, size_t len)
{
	struct rib_slabclass	*c;
	void			*p;
	size_t			 n = sizeof (struct rib_attr) + len;

	if (!RIB_INSLAB(n))
		return (xmalloc(n));
	n = (n + RIB_SLAB_STEP - 1) / RIB_SLAB_STEP;
	c = &r->slabcls[n - 1];
	n *= RIB_SLAB_STEP;
	if ((p = c->free) != NULL) {
		memcpy(&c->free, p, sizeof c->free);
		return (p);
	}
	if (c->left < n) {
		if (r->nslabs == r->cslabs) {
			r->cslabs = r->cslabs == 0 ? 64 : r->cslabs * 2;
			r->slabs = xreallocarray(r->slabs, r->cslabs,
			    sizeof *r->slabs);
		}
		c->next = r->slabs[r->nslabs++] = xmalloc(RIB_SLAB_SIZE);
		c->left = RIB_SLAB_SIZE;
		r->attr_mem += RIB_SLAB_SIZE + 16;
	}
	p = c->next;
	c->next += n;
	c->left -= n;
	return (p);
}

static void
rib_attr_free(struct rib *r, struct rib_attr *a)
{
	struct rib_slabclass	*c;
	size_t			 n = sizeof (struct rib_attr) + a->len;

	if (!RIB_INSLAB(n)) {
		free(a);
		return;
	}
	c = &r->slabcls[(n + RIB_SLAB_STEP - 1) / RIB_SLAB_STEP - 1];
	memcpy(a, &c->free, sizeof c->free);
	c->free = a;
}

static void
rib_ht_grow(struct rib *r)
{
	struct rib_hent	*old = r->ht;
	uint32_t	 ocap = r->htcap, i, j, mask;

	r->htcap = ocap == 0 ? 1024 : ocap * 2;
	r->ht = xcalloc(r->htcap, sizeof *r->ht);
	mask = r->htcap - 1;
	for (i = 0; i < ocap; i++) {
		if (old[i].id == 0)
			continue;
		for (j = old[i].hash & mask; r->ht[j].id != 0;
		    j = (j + 1) & mask)
			;
		r->ht[j] = old[i];
	}
	free(old);
}

/* Linear probing deletion: shift back the entries that follow. */
static void
rib_ht_del(struct rib *r, const struct rib_attr *a)
{
	uint32_t	mask = r->htcap - 1, i, j, k;

	for (i = a->hash & mask; r->ht[i].id != a->id; i = (i + 1) & mask)
		;
	j = i;
	for (;;) {
		r->ht[i].id = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (r->ht[j].id == 0)
				return;
			k = r->ht[j].hash & mask;
			/* Stay if k lies cyclically in (i, j]. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		r->ht[i] = r->ht[j];
		i = j;
	}
}

/*
 * RFC 4271 4.3: one attribute's flags, type and value (as a cursor);
 * -1 when the header or the value runs past the end.
 */
static int
rib_attr_hdr(struct buf *b, uint8_t *flags, uint8_t *type, struct buf *v)
{
	uint16_t	l16;
	uint8_t		l8;

	if (buf_get_u8(b, flags) != 0 ||		/* attribute flags */
	    buf_get_u8(b, type) != 0)			/* attribute type */
		return (-1);
	if (*flags & ATTR_EXTLEN) {
		if (buf_get_u16(b, &l16) != 0)		/* length */
			return (-1);
	} else {
		if (buf_get_u8(b, &l8) != 0)		/* length */
			return (-1);
		l16 = l8;
	}
	return (buf_sub(b, v, l16));			/* attribute value */
}

/*
 * Check a canonical set in place, without allocating: 1 if it holds only
 * well-formed attributes of the kinds a RIB entry usually has, each once
 * and with the flags RFC 4271 5 and RFC 4760, 1997, 4360, 8092 give them
 * (so decode_bgp_attrs() would find nothing to withdraw, reset or
 * discard), with *origin_as and *pathlen set as the decoder would; 0 to
 * leave the set to the decoder (anything else, AS4_PATH included).
 */
static int
rib_attr_quick(const uint8_t *p, size_t len, int as4, uint32_t *origin_as,
    uint8_t *pathlen)
{
	struct buf	 b, v, seg;
	uint64_t	 seen = 0;
	size_t		 alen, nasns = 0, asz = as4 ? 4 : 2;
	uint32_t	 last = 0;
	uint16_t	 as2 = 0;
	uint8_t		 flags, type, stype = 0, count, x;
	int		 want;

	buf_init(&b, p, len);
	while (buf_left(&b) > 0) {
		if (rib_attr_hdr(&b, &flags, &type, &v) != 0 ||
		    type >= 64 || (seen & BGP_ATTR_BIT(type)))
			return (0);
		seen |= BGP_ATTR_BIT(type);
		alen = buf_left(&v);
		switch (type) {
		case BGP_ATTR_ORIGIN:
			want = 0x40;
			if (alen != 1 || buf_peek_u8(&v, &x) != 0 ||
			    x > BGP_ORIGIN_INCOMPLETE)
				return (0);
			break;
		case BGP_ATTR_AS_PATH:			/* RFC 4271 4.3 */
			want = 0x40;
			while (buf_left(&v) > 0) {
				if (buf_get_u8(&v, &stype) != 0 ||  /* type */
				    buf_get_u8(&v, &count) != 0 ||  /* length */
				    stype < BGP_AS_SET ||
				    stype > BGP_AS_CONFED_SET || count == 0 ||
				    buf_sub(&v, &seg, count * asz) != 0) /* ASNs */
					return (0);
				nasns += count;
				/* The segment's last ASN. */
				buf_skip(&seg, (count - 1) * asz);
				if (as4)
					buf_get_u32(&seg, &last);
				else {
					buf_get_u16(&seg, &as2);
					last = as2;
				}
			}
			if (nasns > UINT16_MAX)
				return (0);
			break;
		case BGP_ATTR_NEXT_HOP:
		case BGP_ATTR_LOCAL_PREF:
			want = 0x40;
			if (alen != 4)
				return (0);
			break;
		case BGP_ATTR_MED:
			want = 0x80;
			if (alen != 4)
				return (0);
			break;
		case BGP_ATTR_ATOMIC_AGGR:
			want = 0x40;
			if (alen != 0)
				return (0);
			break;
		case BGP_ATTR_AGGREGATOR:
			want = 0xc0;
			if (alen != (as4 ? 8u : 6u))
				return (0);
			break;
		case BGP_ATTR_COMMUNITIES:
			want = 0xc0;
			if (alen % 4 != 0)
				return (0);
			break;
		case BGP_ATTR_EXT_COMMUNITIES:
			want = 0xc0;
			if (alen % 8 != 0)
				return (0);
			break;
		case BGP_ATTR_LARGE_COMMUNITIES:
			want = 0xc0;
			if (alen == 0 || alen % 12 != 0)
				return (0);
			break;
		case BGP_ATTR_MP_REACH:			/* RFC 6396 4.3.4 */
			want = 0x80;
			if (buf_peek_u8(&v, &x) != 0 || x != alen - 1 ||
			    (x != 4 && x != 16 && x != 32))
				return (0);
			break;
		default:
			return (0);
		}
		if ((flags & 0xc0) != want)
			return (0);
	}
	*pathlen = nasns > 255 ? 255 : nasns;
	*origin_as = nasns > 0 && stype == BGP_AS_SEQUENCE ? last : 0;
	return (1);
}

/* The interned set of canonical bytes p, adding it if it is new. */
static struct rib_attr *
rib_intern(struct rib *r, const uint8_t *p, size_t len, int as4, int *taw,
    char **cause)
{
	struct bgp_decode_opts	 o;
	struct bgp_update	 u;
	struct rib_attr		*a;
	const struct bgp_aspath	*ap;
	uint32_t		 h, i, mask, id, origin_as = 0;
	uint8_t			 pathlen = 0;
	char			*c = NULL;

	*taw = 0;
	if (len > UINT16_MAX) {
		xasprintf(cause, "attributes too long (%zu bytes)", len);
		return (NULL);
	}
	h = rib_hash(p, len, as4);
	if (r->htcap != 0) {
		mask = r->htcap - 1;
		for (i = h & mask; r->ht[i].id != 0; i = (i + 1) & mask) {
			if (r->ht[i].hash != h)
				continue;
			a = r->attrv[r->ht[i].id];
			if (a->len == len && a->as4 == as4 &&
			    memcmp(a->raw, p, len) == 0) {
				a->refcnt++;
				return (a);
			}
		}
	}

	/*
	 * New: validate once (RFC 7606), then keep.  The common plain sets
	 * are checked in place; anything unusual goes through the decoder.
	 */
	if (!rib_attr_quick(p, len, as4 != 0, &origin_as, &pathlen)) {
		memset(&o, 0, sizeof o);
		o.as4 = as4 != 0;
		o.as4_old_peer = as4 == RIB_AS4_OLD_PEER;
		o.mrt_rib = 1;
		if (decode_bgp_attrs(p, len, &o, &u, &c) != 0) {
			*cause = c;
			return (NULL);
		}
		if (u.treat_as_withdraw) {
			*taw = 1;
			xasprintf(cause, "treat-as-withdraw: %s", u.reason);
			decode_bgp_update_free(&u);
			return (NULL);
		}
		ap = &u.attrs.aspath;
		pathlen = ap->nasns > 255 ? 255 : ap->nasns;
		origin_as = 0;
		if (ap->nsegs > 0 && ap->nasns > 0 &&
		    ap->segs[ap->nsegs - 1].type == BGP_AS_SEQUENCE &&
		    ap->segs[ap->nsegs - 1].count > 0)
			origin_as = ap->asns[ap->nasns - 1];
		decode_bgp_update_free(&u);
	}
	a = rib_attr_alloc(r, len);
	memset(a, 0, sizeof *a);
	a->refcnt = 1;
	a->hash = h;
	a->len = len;
	a->as4 = as4;
	memcpy(a->raw, p, len);
	a->pathlen = pathlen;
	a->origin_as = origin_as;

	if (r->nafree > 0)
		id = r->afree[--r->nafree];
	else {
		if (r->aused >= r->acap) {
			r->acap = r->acap < 1024 ? 1024 : r->acap + r->acap / 2;
			r->attrv = xreallocarray(r->attrv, r->acap,
			    sizeof *r->attrv);
		}
		id = r->aused++;
	}
	a->id = id;
	r->attrv[id] = a;
	if ((r->nattrs + 1) * 4 > (size_t)r->htcap * 3)
		rib_ht_grow(r);
	mask = r->htcap - 1;
	for (i = h & mask; r->ht[i].id != 0; i = (i + 1) & mask)
		;
	r->ht[i].hash = h;
	r->ht[i].id = id;
	r->nattrs++;
	r->attr_bytes += len;
	r->attr_mem += rib_attr_memsize(len);
	return (a);
}

/* Append to out the bytes read between mark and b, unchanged. */
static void
rib_canon_copy(uint8_t *out, size_t *olen, const struct buf *mark,
    const struct buf *b)
{
	struct buf	span;
	size_t		n;

	buf_since(mark, b, &span);
	n = buf_left(&span);
	buf_get(&span, out + *olen, n);
	*olen += n;
}

/*
 * Canonicalise an attribute section (RFC 4271 4.3): MP_REACH_NLRI
 * (RFC 4760 3) is cut down to its next hop as RFC 6396 4.3.4 writes it,
 * MP_UNREACH_NLRI (RFC 4760 4) is dropped, and the NLRI of both are noted
 * for IPv4 and IPv6 unicast.  The bytes are not copied unless they change.
 * -1 with a cause for the session-reset class errors of RFC 7606 4 and
 * 5.3 that prevent locating the NLRI.
 */
static int
rib_canon(struct rib *r, const uint8_t *p, size_t len, int mrt_rib,
    struct rib_canon *c, char **cause)
{
	struct buf	 b, v, nh, first, mark;
	uint16_t	 afi;
	uint8_t		 flags, type, safi, nhlen = 0, reserved;
	size_t		 alen, olen = 0;
	uint8_t		*out = NULL;
	int		 seen_reach = 0, seen_unreach = 0, af;

	/* Field by field: a memset of the cursors costs more here. */
	c->origin = c->aspath = 0;
	c->reach_af = c->unreach_af = 0;
	buf_init(&b, p, len);
	first = b;
	while (buf_left(&b) > 0) {
		/* This loop runs for every RIB entry loaded. */
		mark = b;
		if (rib_attr_hdr(&b, &flags, &type, &v) != 0)
			goto overrun;
		alen = buf_left(&v);
		if (type == BGP_ATTR_ORIGIN)
			c->origin = 1;
		else if (type == BGP_ATTR_AS_PATH)
			c->aspath = 1;
		if (type != BGP_ATTR_MP_REACH && type != BGP_ATTR_MP_UNREACH) {
			if (out != NULL)
				rib_canon_copy(out, &olen, &mark, &b);
			continue;
		}
		if (type == BGP_ATTR_MP_REACH) {
			if (seen_reach++) {
				xasprintf(cause, "duplicate MP_REACH_NLRI");
				return (-1);
			}
			if (mrt_rib && buf_peek_u8(&v, &nhlen) == 0 &&
			    nhlen == alen - 1) {
				/* Already RFC 6396 4.3.4's form. */
				if (out != NULL)
					rib_canon_copy(out, &olen, &mark, &b);
				continue;
			}
			if (buf_get_u16(&v, &afi) != 0 ||	/* AFI */
			    buf_get_u8(&v, &safi) != 0 ||	/* SAFI */
			    buf_get_u8(&v, &nhlen) != 0 ||	/* nh length */
			    buf_sub(&v, &nh, nhlen) != 0 ||	/* next hop */
			    buf_get_u8(&v, &reserved) != 0) {	/* reserved */
				xasprintf(cause, "truncated MP_REACH_NLRI");
				return (-1);
			}
		} else {
			if (seen_unreach++) {
				xasprintf(cause, "duplicate MP_UNREACH_NLRI");
				return (-1);
			}
			if (buf_get_u16(&v, &afi) != 0 ||	/* AFI */
			    buf_get_u8(&v, &safi) != 0) {	/* SAFI */
				xasprintf(cause, "truncated MP_UNREACH_NLRI");
				return (-1);
			}
		}
		af = afi == BGP_AFI_IPV4 ? AF_INET :
		    afi == BGP_AFI_IPV6 ? AF_INET6 : 0;
		if (af != 0 && (safi == BGP_SAFI_UNICAST ||
		    safi == BGP_SAFI_MULTICAST) && !mrt_rib) {
			if (safi == BGP_SAFI_UNICAST) {
				if (type == BGP_ATTR_MP_REACH) {
					c->reach_af = af;
					c->reach = v;
				} else {
					c->unreach_af = af;
					c->unreach = v;
				}
			}
		}
		/* From here on the bytes differ from the input. */
		if (out == NULL) {
			if (r->canoncap < len) {
				free(r->canon);
				r->canoncap = len < 4096 ? 4096 : len;
				r->canon = xmalloc(r->canoncap);
			}
			out = r->canon;
			olen = 0;
			rib_canon_copy(out, &olen, &first, &mark);
		}
		if (type == BGP_ATTR_MP_REACH && af != 0 &&
		    (safi == BGP_SAFI_UNICAST || safi == BGP_SAFI_MULTICAST)) {
			out[olen++] = flags & ~ATTR_EXTLEN;
			out[olen++] = BGP_ATTR_MP_REACH;
			out[olen++] = 1 + nhlen;
			out[olen++] = nhlen;
			buf_get(&nh, out + olen, nhlen);	/* next hop */
			olen += nhlen;
		}
	}
	c->p = out != NULL ? out : p;
	c->len = out != NULL ? olen : len;
	return (0);
overrun:
	/* RFC 7606 4: MP_REACH/MP_UNREACH cannot be located: reset. */
	xasprintf(cause, "attribute length overrun at offset %zu",
	    buf_offset(&mark));
	return (-1);
}

/*
 * The next (path id,) prefix of an NLRI run (RFC 4271 4.3, RFC 7911 3),
 * host bits cleared: 1, 0 at the end, -1 if malformed.
 */
static int
rib_nlri_next(struct buf *b, int af, int addpath, struct prefix *p,
    uint32_t *path_id)
{
	uint8_t	plen;
	size_t	bytes;

	if (buf_left(b) == 0)
		return (0);
	*path_id = 0;
	if (addpath && buf_get_u32(b, path_id) != 0)	/* path id */
		return (-1);
	if (buf_get_u8(b, &plen) != 0 ||		/* prefix length */
	    plen > (af == AF_INET ? 32 : 128))
		return (-1);
	bytes = (plen + 7) / 8;
	memset(p, 0, sizeof *p);
	p->addr.af = af;
	p->len = plen;
	if (buf_get(b, p->addr.b, bytes) != 0)		/* prefix */
		return (-1);
	if (plen % 8)
		p->addr.b[bytes - 1] &= 0xff << (8 - plen % 8);
	return (1);
}

static int
rib_nlri_check(struct buf b, int af, int addpath)
{
	struct prefix	p;
	uint32_t	pid;
	int		rv;

	while ((rv = rib_nlri_next(&b, af, addpath, &p, &pid)) == 1)
		;
	return (rv);
}

struct rib_attr *
rib_attr_get(struct rib *r, const uint8_t *p, size_t len,
    const struct bgp_decode_opts *o, int *taw, char **cause)
{
	struct rib_canon	c;

	*taw = 0;
	if (rib_canon(r, p, len, o->mrt_rib, &c, cause) != 0)
		return (NULL);
	return (rib_intern(r, c.p, c.len, rib_as4_mode(o), taw, cause));
}

void
rib_attr_put(struct rib *r, struct rib_attr *a)
{
	if (a == NULL || --a->refcnt > 0)
		return;
	rib_ht_del(r, a);
	r->attrv[a->id] = NULL;
	if (r->nafree == r->cafree) {
		r->cafree = r->cafree < 256 ? 256 : r->cafree * 2;
		r->afree = xreallocarray(r->afree, r->cafree,
		    sizeof *r->afree);
	}
	r->afree[r->nafree++] = a->id;
	r->nattrs--;
	r->attr_bytes -= a->len;
	r->attr_mem -= rib_attr_memsize(a->len);
	rib_attr_free(r, a);
}

int
rib_attr_decode(const struct rib_attr *a, struct bgp_attrs *out)
{
	struct bgp_decode_opts	 o;
	struct bgp_update	 u;
	char			*c = NULL;

	memset(&o, 0, sizeof o);
	o.as4 = a->as4 != 0;
	o.as4_old_peer = a->as4 == RIB_AS4_OLD_PEER;
	o.mrt_rib = 1;
	if (decode_bgp_attrs(a->raw, a->len, &o, &u, &c) != 0) {
		free(c);
		memset(out, 0, sizeof *out);
		return (-1);
	}
	*out = u.attrs;
	free(u.announced);
	free(u.withdrawn);
	return (0);
}

/*
 * Apply one NLRI field of an UPDATE (checked before): withdraw each
 * prefix, or announce it with a, or with a NULL (RFC 7606
 * treat-as-withdraw) withdraw it as well.  The number of prefixes.
 */
static int
rib_update_nlri(struct rib *r, int peer, struct buf *b, int af, int addpath,
    struct rib_attr *a, int announce, struct rib_update_stats *st)
{
	struct prefix	pfx;
	uint32_t	pid;
	int		count = 0;

	while (rib_nlri_next(b, af, addpath, &pfx, &pid) == 1) {
		if (!announce)
			st->withdrawn += rib_withdraw(r, peer, &pfx, pid);
		else if (a != NULL) {
			rib_announce(r, peer, &pfx, pid, a);
			st->announced++;
		} else {
			rib_withdraw(r, peer, &pfx, pid);
			st->taw++;
		}
		count++;
	}
	return (count);
}

/* RFC 4271 4.3: UPDATE Message Format (RFC 4760, RFC 7911, RFC 7606). */
int
rib_update(struct rib *r, int peer, const uint8_t *p, size_t len,
    const struct bgp_decode_opts *o, struct rib_update_stats *st,
    char **cause)
{
	struct rib_update_stats	 dummy;
	struct rib_canon	 c;
	struct rib_attr		*a = NULL;
	struct buf		 w, at, nl;
	int			 taw = 0, count = 0, announce;
	int			 ap_reach, ap_unreach;
	char			*c2 = NULL;

	if (st == NULL)
		st = &dummy;
	if (rib_peer(r, peer) == NULL) {
		xasprintf(cause, "no such peer %d", peer);
		return (-1);
	}
	if (decode_bgp_update_split(p, len, &w, &at, &nl, cause) != 0)
		return (-1);
	if (rib_nlri_check(w, AF_INET, o->addpath_v4) != 0) {
		xasprintf(cause, "withdrawn routes: bad prefix");
		return (-1);
	}
	if (rib_nlri_check(nl, AF_INET, o->addpath_v4) != 0) {
		xasprintf(cause, "NLRI: bad prefix");
		return (-1);
	}
	if (rib_canon(r, buf_ptr(&at), buf_left(&at), 0, &c, cause) != 0)
		return (-1);
	ap_reach = c.reach_af == AF_INET ? o->addpath_v4 : o->addpath_v6;
	ap_unreach = c.unreach_af == AF_INET ? o->addpath_v4 : o->addpath_v6;
	if (c.reach_af != 0 &&
	    rib_nlri_check(c.reach, c.reach_af, ap_reach) != 0) {
		xasprintf(cause, "MP_REACH_NLRI: bad prefix");
		return (-1);
	}
	if (c.unreach_af != 0 &&
	    rib_nlri_check(c.unreach, c.unreach_af, ap_unreach) != 0) {
		xasprintf(cause, "MP_UNREACH_NLRI: bad prefix");
		return (-1);
	}
	announce = buf_left(&nl) > 0 ||
	    (c.reach_af != 0 && buf_left(&c.reach) > 0);
	if (announce) {
		/* RFC 7606 3 d: missing well-known attributes. */
		if (!c.origin || !c.aspath)
			taw = 1;
		else if ((a = rib_intern(r, c.p, c.len, rib_as4_mode(o), &taw,
		    &c2)) == NULL && !taw) {
			*cause = c2;
			return (-1);
		}
		free(c2);
	}

	/* Nothing can fail from here on: withdrawals first, plain then MP. */
	count += rib_update_nlri(r, peer, &w, AF_INET, o->addpath_v4, NULL, 0,
	    st);
	if (c.unreach_af != 0)
		count += rib_update_nlri(r, peer, &c.unreach, c.unreach_af,
		    ap_unreach, NULL, 0, st);
	count += rib_update_nlri(r, peer, &nl, AF_INET, o->addpath_v4, a, 1,
	    st);
	if (c.reach_af != 0)
		count += rib_update_nlri(r, peer, &c.reach, c.reach_af,
		    ap_reach, a, 1, st);
	rib_attr_put(r, a);
	return (count);
}
