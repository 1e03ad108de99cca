/* SPDX-License-Identifier: ISC */
/*
 * The VRP index and RFC 6811 origin validation.
 *
 * The VRPs are sorted by (family, address, length, AS, maxLength); each
 * distinct prefix is a node holding its run of VRPs and the node of its
 * nearest covering VRP prefix (its parent).  For a route's prefix p, the
 * last node at or before p in that order is p's nearest covering node or
 * a descendant of it (any prefix between a covering node and p in the
 * order lies inside the covering node), so one search and a short walk
 * up the parents find every covering VRP.  The search starts from a
 * table of where each run of the top address bits begins (as many bits
 * as make about one node a bucket, at most 16 for IPv4 and 20 for IPv6),
 * so it is a few probes within a small slice: the whole lookup touches a
 * handful of cache lines.
 */
#include <stdlib.h>
#include <string.h>

#include "core/vrp.h"

#define VRP_NONE	UINT32_MAX

/* A distinct VRP prefix. */
struct vrp_node {
	uint64_t	 hi, lo;	/* the address, IPv4 in hi's top bits */
	uint32_t	 parent;	/* nearest covering node, or VRP_NONE */
	uint32_t	 first;		/* its VRPs: ent[first .. first + n) */
	uint32_t	 n;
	uint8_t		 len;
};

/* What validation reads of a VRP, beside it in the same order. */
struct vrp_ent {
	uint32_t	 asn;
	uint32_t	 maxlen;
};

struct vrp_fam {
	struct vrp_node	*nodes;
	uint32_t	 nnodes;
	uint32_t	*bucket;	/* 2^bbits + 1 node offsets */
	unsigned int	 bbits;
};

struct vrp_index {
	struct vrp	*v;		/* sorted, unique */
	struct vrp_ent	*ent;
	size_t		 n;
	struct vrp_fam	 fam[2];	/* IPv4, IPv6 */
	struct vrp_set	 aspa;		/* only its ASPAs */
};

static int	vrp_cmp(const void *, const void *);
static void	vrp_key(const struct prefix *, uint64_t *, uint64_t *);
static int	vrp_node_covers(const struct vrp_node *, uint64_t, uint64_t,
		    unsigned int);
static void	vrp_fam_build(struct vrp_index *, struct vrp_fam *, size_t,
		    size_t, unsigned int);
static uint32_t	vrp_fam_find(const struct vrp_fam *, uint64_t, uint64_t,
		    unsigned int);
static uint32_t	vrp_lookup(const struct vrp_index *, const struct prefix *,
		    const struct vrp_fam **);

/* Order by family, address, length, AS, maxLength (not expiry). */
static int
vrp_cmp(const void *a, const void *b)
{
	const struct vrp	*x = a, *y = b;
	int			 c;

	if (x->prefix.addr.af != y->prefix.addr.af)
		return (x->prefix.addr.af < y->prefix.addr.af ? -1 : 1);
	c = memcmp(x->prefix.addr.b, y->prefix.addr.b,
	    x->prefix.addr.af == AF_INET ? 4 : 16);
	if (c != 0)
		return (c);
	if (x->prefix.len != y->prefix.len)
		return (x->prefix.len < y->prefix.len ? -1 : 1);
	if (x->asn != y->asn)
		return (x->asn < y->asn ? -1 : 1);
	return ((x->maxlen > y->maxlen) - (x->maxlen < y->maxlen));
}

static inline uint64_t
vrp_be64(const uint8_t *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (v);
}

static inline uint64_t
vrp_mask_hi(unsigned int len)
{
	return (len == 0 ? 0 : len >= 64 ? ~0ULL : ~0ULL << (64 - len));
}

static inline uint64_t
vrp_mask_lo(unsigned int len)
{
	return (len <= 64 ? 0 : len >= 128 ? ~0ULL : ~0ULL << (128 - len));
}

/* A prefix as a 128-bit key, host bits cleared. */
static void
vrp_key(const struct prefix *p, uint64_t *hi, uint64_t *lo)
{
	const uint8_t	*b = p->addr.b;

	if (p->addr.af == AF_INET) {
		*hi = (uint64_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3]) << 32;
		*lo = 0;
	} else {
		*hi = vrp_be64(b);
		*lo = vrp_be64(b + 8);
	}
	*hi &= vrp_mask_hi(p->len);
	*lo &= vrp_mask_lo(p->len);
}

static inline int
vrp_node_covers(const struct vrp_node *nd, uint64_t hi, uint64_t lo,
    unsigned int len)
{
	return (nd->len <= len &&
	    ((hi ^ nd->hi) & vrp_mask_hi(nd->len)) == 0 &&
	    ((lo ^ nd->lo) & vrp_mask_lo(nd->len)) == 0);
}

/* (node) <= (hi, lo, len) in index order. */
static inline int
vrp_node_le(const struct vrp_node *nd, uint64_t hi, uint64_t lo,
    unsigned int len)
{
	if (nd->hi != hi)
		return (nd->hi < hi);
	if (nd->lo != lo)
		return (nd->lo < lo);
	return (nd->len <= len);
}

struct vrp_index *
vrp_index_new(const struct vrp_set *s)
{
	struct vrp_index	*ix;
	size_t			 i, n, nv4;

	ix = xcalloc(1, sizeof *ix);
	ix->v = xreallocarray(NULL, s->n + 1, sizeof *ix->v);
	if (s->n != 0)
		memcpy(ix->v, s->v, s->n * sizeof *ix->v);
	qsort(ix->v, s->n, sizeof *ix->v, vrp_cmp);
	/* Merge duplicates; the merged one expires last. */
	for (i = n = 0; i < s->n; i++) {
		if (n != 0 && vrp_cmp(&ix->v[n - 1], &ix->v[i]) == 0) {
			if (ix->v[i].expires > ix->v[n - 1].expires)
				ix->v[n - 1].expires = ix->v[i].expires;
			continue;
		}
		ix->v[n++] = ix->v[i];
	}
	ix->n = n;
	ix->ent = xreallocarray(NULL, n + 1, sizeof *ix->ent);
	for (i = nv4 = 0; i < n; i++) {
		ix->ent[i].asn = ix->v[i].asn;
		ix->ent[i].maxlen = ix->v[i].maxlen;
		if (ix->v[i].prefix.addr.af == AF_INET)
			nv4++;
	}
	vrp_fam_build(ix, &ix->fam[0], 0, nv4, 16);
	vrp_fam_build(ix, &ix->fam[1], nv4, n, 20);
	/* The ASPAs, already sorted. */
	ix->aspa.naspa = ix->aspa.caspa = s->naspa;
	ix->aspa.aspa = xreallocarray(NULL, s->naspa + 1, sizeof *s->aspa);
	for (i = 0; i < s->naspa; i++) {
		ix->aspa.aspa[i] = s->aspa[i];
		ix->aspa.aspa[i].providers = xreallocarray(NULL,
		    s->aspa[i].nproviders + 1, sizeof (uint32_t));
		if (s->aspa[i].nproviders != 0)
			memcpy(ix->aspa.aspa[i].providers, s->aspa[i].providers,
			    s->aspa[i].nproviders * sizeof (uint32_t));
	}
	return (ix);
}

/* The nodes of VRPs [from, to), their parents and the bucket table. */
static void
vrp_fam_build(struct vrp_index *ix, struct vrp_fam *f, size_t from,
    size_t to, unsigned int bbits)
{
	struct vrp_node	*nd;
	uint32_t	*stack, top = 0, b;
	uint64_t	 hi, lo;
	size_t		 i, k;

	/* About one node a bucket, up to bbits (a small set, a small table). */
	f->bbits = 1;
	while (f->bbits < bbits && ((size_t)1 << f->bbits) < to - from)
		f->bbits++;
	bbits = f->bbits;
	f->nodes = xreallocarray(NULL, to - from + 1, sizeof *f->nodes);
	f->bucket = xcalloc(((size_t)1 << bbits) + 1, sizeof *f->bucket);
	stack = xreallocarray(NULL, 130, sizeof *stack);
	f->nnodes = 0;
	for (i = from; i < to; i++) {
		vrp_key(&ix->v[i].prefix, &hi, &lo);
		nd = f->nnodes == 0 ? NULL : &f->nodes[f->nnodes - 1];
		if (nd != NULL && nd->hi == hi && nd->lo == lo &&
		    nd->len == ix->v[i].prefix.len) {
			nd->n++;
			continue;
		}
		/* Pop the chain of the previous node down to p's cover. */
		while (top > 0 && !vrp_node_covers(&f->nodes[stack[top - 1]],
		    hi, lo, ix->v[i].prefix.len))
			top--;
		nd = &f->nodes[f->nnodes];
		nd->hi = hi;
		nd->lo = lo;
		nd->len = ix->v[i].prefix.len;
		nd->first = (uint32_t)i;
		nd->n = 1;
		nd->parent = top > 0 ? stack[top - 1] : VRP_NONE;
		stack[top++] = f->nnodes++;
	}
	free(stack);
	/* bucket[b]: the first node whose top bits are >= b. */
	for (b = 0, k = 0; b <= (1U << bbits); b++) {
		while (k < f->nnodes &&
		    (f->nodes[k].hi >> (64 - bbits)) < b)
			k++;
		f->bucket[b] = (uint32_t)k;
	}
}

void
vrp_index_free(struct vrp_index *ix)
{
	int	 i;

	if (ix == NULL)
		return;
	for (i = 0; i < 2; i++) {
		free(ix->fam[i].nodes);
		free(ix->fam[i].bucket);
	}
	for (i = 0; i < (int)ix->aspa.naspa; i++)
		free(ix->aspa.aspa[i].providers);
	free(ix->aspa.aspa);
	free(ix->ent);
	free(ix->v);
	free(ix);
}

const struct vrp_aspa *
vrp_index_aspa_find(const struct vrp_index *ix, uint32_t customer, int afi)
{
	return (ix == NULL ? NULL : vrp_set_aspa_find(&ix->aspa, customer,
	    afi));
}

const struct vrp_aspa *
vrp_index_aspas(const struct vrp_index *ix, size_t *n)
{
	*n = ix == NULL ? 0 : ix->aspa.naspa;
	return (ix == NULL ? NULL : ix->aspa.aspa);
}

size_t
vrp_index_count(const struct vrp_index *ix)
{
	return (ix == NULL ? 0 : ix->n);
}

const struct vrp *
vrp_index_get(const struct vrp_index *ix, size_t i)
{
	return (i < ix->n ? &ix->v[i] : NULL);
}

/* The last node at or before (hi, lo, len), or VRP_NONE. */
static uint32_t
vrp_fam_find(const struct vrp_fam *f, uint64_t hi, uint64_t lo,
    unsigned int len)
{
	uint32_t	 b, l, h, m;

	b = (uint32_t)(hi >> (64 - f->bbits));
	l = f->bucket[b];
	h = f->bucket[b + 1];
	/* The first node after the key in [l, h). */
	while (l < h) {
		m = l + (h - l) / 2;
		if (vrp_node_le(&f->nodes[m], hi, lo, len))
			l = m + 1;
		else
			h = m;
	}
	return (l == 0 ? VRP_NONE : l - 1);
}

/* The nearest node covering p, or VRP_NONE. */
static uint32_t
vrp_lookup(const struct vrp_index *ix, const struct prefix *p,
    const struct vrp_fam **fp)
{
	const struct vrp_fam	*f;
	uint64_t		 hi, lo;
	uint32_t		 i;

	if (ix == NULL || (p->addr.af != AF_INET && p->addr.af != AF_INET6))
		return (VRP_NONE);
	f = &ix->fam[p->addr.af == AF_INET ? 0 : 1];
	*fp = f;
	if (f->nnodes == 0)
		return (VRP_NONE);
	vrp_key(p, &hi, &lo);
	i = vrp_fam_find(f, hi, lo, p->len);
	while (i != VRP_NONE && !vrp_node_covers(&f->nodes[i], hi, lo, p->len))
		i = f->nodes[i].parent;
	return (i);
}

enum vrp_state
vrp_validate(const struct vrp_index *ix, const struct prefix *p,
    uint32_t origin)
{
	const struct vrp_fam	*f = NULL;
	const struct vrp_node	*nd;
	const struct vrp_ent	*e;
	enum vrp_state		 st = VRP_INVALID_ORIGIN;
	uint32_t		 i, k;

	if ((i = vrp_lookup(ix, p, &f)) == VRP_NONE)
		return (VRP_NOTFOUND);
	/* RFC 6811 2: covered; valid if one matches AS and length. */
	for (; i != VRP_NONE; i = nd->parent) {
		nd = &f->nodes[i];
		e = &ix->ent[nd->first];
		for (k = 0; k < nd->n; k++) {
			if (e[k].asn != origin || origin == 0)
				continue;
			if (p->len <= e[k].maxlen)
				return (VRP_VALID);
			st = VRP_INVALID_LENGTH;
		}
	}
	return (st);
}

size_t
vrp_covering(const struct vrp_index *ix, const struct prefix *p,
    const struct vrp **out, size_t max)
{
	const struct vrp_fam	*f = NULL;
	uint32_t		 i, chain[130], k;
	size_t			 nchain = 0, n = 0;

	for (i = vrp_lookup(ix, p, &f); i != VRP_NONE && nchain < 130;
	    i = f->nodes[i].parent)
		chain[nchain++] = i;
	while (nchain > 0) {
		i = chain[--nchain];
		for (k = 0; k < f->nodes[i].n; k++, n++) {
			if (n < max)
				out[n] = &ix->v[f->nodes[i].first + k];
		}
	}
	return (n);
}

static int
vrp_prefix_cmp(const void *a, const void *b)
{
	const struct prefix	*x = a, *y = b;
	int			 c;

	if (x->addr.af != y->addr.af)
		return (x->addr.af < y->addr.af ? -1 : 1);
	c = memcmp(x->addr.b, y->addr.b, x->addr.af == AF_INET ? 4 : 16);
	if (c != 0)
		return (c);
	return ((x->len > y->len) - (x->len < y->len));
}

void
vrp_diff(const struct vrp_index *old, const struct vrp_index *new,
    struct vrp_diff *d)
{
	size_t		 i = 0, j = 0, no = old == NULL ? 0 : old->n;
	size_t		 nn = new == NULL ? 0 : new->n, k, np;
	struct prefix	*p;
	int		 c;

	memset(d, 0, sizeof *d);
	d->added = xreallocarray(NULL, nn + 1, sizeof *d->added);
	d->removed = xreallocarray(NULL, no + 1, sizeof *d->removed);
	while (i < no || j < nn) {
		if (i == no)
			c = 1;
		else if (j == nn)
			c = -1;
		else
			c = vrp_cmp(&old->v[i], &new->v[j]);
		if (c < 0)
			d->removed[d->nremoved++] = &old->v[i++];
		else if (c > 0)
			d->added[d->nadded++] = &new->v[j++];
		else {
			i++;
			j++;
		}
	}

	np = d->nadded + d->nremoved;
	p = xreallocarray(NULL, np + 1, sizeof *p);
	for (k = 0; k < d->nadded; k++)
		p[k] = d->added[k]->prefix;
	for (k = 0; k < d->nremoved; k++)
		p[d->nadded + k] = d->removed[k]->prefix;
	qsort(p, np, sizeof *p, vrp_prefix_cmp);
	/* Keep a prefix unless the last kept one covers it (see header). */
	for (k = 0, d->nprefixes = 0; k < np; k++) {
		if (d->nprefixes != 0 &&
		    p[d->nprefixes - 1].addr.af == p[k].addr.af &&
		    p[d->nprefixes - 1].len <= p[k].len &&
		    prefix_contains(&p[d->nprefixes - 1], &p[k].addr))
			continue;
		p[d->nprefixes++] = p[k];
	}
	d->prefixes = p;
}

void
vrp_diff_free(struct vrp_diff *d)
{
	free(d->added);
	free(d->removed);
	free(d->prefixes);
	memset(d, 0, sizeof *d);
}
