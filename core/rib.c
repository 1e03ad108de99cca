/* SPDX-License-Identifier: ISC */
/*
 * The in-memory RIB (see rib.h): one path-compressed binary trie per
 * family, attribute interning, watches.
 *
 * Memory is pooled: trie nodes and route entries live in growable arrays
 * addressed by 32-bit indices (index 0 is "none"), freed entries are kept
 * on a free list threaded through the entries themselves, so a full table
 * costs one allocation per pool rather than one per node or route.  An
 * IPv4 node is 16 bytes (a 32-bit key; see rib-private.h), an IPv6 node
 * 32, a route 16.
 *
 * A node exists for every prefix that has routes or is watched; a node
 * with neither is "glue" and is kept only while it has two children
 * (the branching point of a path-compressed trie), so the trie never has
 * more than about twice as many nodes as prefixes.
 *
 * Attributes are interned by their canonical bytes (core/rib-attr.c);
 * a route refers to its set by a 32-bit index.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/decode-mrt.h"
#include "core/rib.h"
#include "core/rib-private.h"
#include "core/vrp.h"

static struct rib_fam	*rib_fam(struct rib *, int);
static const struct rib_fam *rib_fam_of(const struct rib *,
			    const struct prefix *);
static struct rib_key	 rib_nkey(const struct rib_fam *, uint32_t);
static struct rib_key	 rib_key_make(const struct prefix *, unsigned int);
static struct rib_key	 rib_key_trunc(const struct rib_key *,
			     unsigned int);
static int		 rib_key_bit(const struct rib_key *, unsigned int);
static unsigned int	 rib_key_common(const struct rib_key *,
			     const struct rib_key *, unsigned int);
static void		 rib_key_prefix(const struct rib_fam *,
			     const struct rib_key *, unsigned int,
			     struct prefix *);
static void		 rib_reserve(struct rib_fam *, uint32_t);
static uint32_t		 rib_node_new(struct rib_fam *,
			     const struct rib_key *, unsigned int);
static void		 rib_node_free(struct rib_fam *, uint32_t);
static void		 rib_link_set(struct rib_fam *,
			     const struct rib_link *, uint32_t);
static uint32_t		 rib_insert(struct rib_fam *,
			     const struct rib_key *, unsigned int,
			     struct rib_wlist *);
static uint32_t		 rib_find(const struct rib_fam *,
			     const struct rib_key *, unsigned int,
			     struct rib_wlist *, struct rib_link *, int *);
static void		 rib_prune(struct rib_fam *, struct rib_link *, int,
			     uint32_t);
static void		 rib_fire(struct rib *, const struct rib_fam *,
			     const struct rib_wlist *);
static uint32_t		 rib_below(const struct rib_fam *,
			     const struct rib_key *, unsigned int);
static void		 rib_entries_node(struct rib *, struct rib_fam *,
			     uint32_t, rib_entry_cb, void *);
static int		 rib_route_set(struct rib *, struct rib_fam *,
			     uint32_t, const struct prefix *, int, uint32_t,
			     struct rib_attr *, int,
			     const struct rib_wlist *);
static int		 rib_peer_key_eq(const struct rib_peer_key *,
			     const struct rib_peer_key *);
static uint32_t		 rib_flush_node(struct rib *, struct rib_fam *,
			     uint32_t, uint32_t, struct rib_wlist *,
			     size_t *);
static int		 rib_walk_node(const struct rib *,
			     const struct rib_fam *, uint32_t, rib_route_cb,
			     void *);
static int		 rib_node_routes(const struct rib *,
			     const struct rib_fam *, uint32_t, rib_route_cb,
			     void *);

const char *
rib_peer_kind_name(enum rib_peer_kind k)
{
	switch (k) {
	case RIB_PEER_ADJ_IN_PRE:	return ("pre-policy");
	case RIB_PEER_ADJ_IN_POST:	return ("post-policy");
	case RIB_PEER_ADJ_OUT_PRE:	return ("adj-out pre-policy");
	case RIB_PEER_ADJ_OUT_POST:	return ("adj-out post-policy");
	case RIB_PEER_LOC_RIB:		return ("loc-rib");
	case RIB_PEER_MRT:		return ("mrt");
	}
	return ("unknown");
}

struct rib *
rib_new(void)
{
	struct rib	*r;

	r = xcalloc(1, sizeof *r);
	r->fam[0].v6 = 0;
	r->fam[0].af = AF_INET;
	r->fam[0].bits = 32;
	r->fam[1].v6 = 1;
	r->fam[1].af = AF_INET6;
	r->fam[1].bits = 128;
	r->fam[0].nused = r->fam[1].nused = 1;
	r->lpm = rib_lpm_new();
	r->lpm6 = rib_lpm6_new();
	r->rused = 1;
	r->aused = 1;
	return (r);
}

void
rib_free(struct rib *r)
{
	uint32_t	i;

	if (r == NULL)
		return;
	for (i = 1; i < r->aused; i++) {
		if (r->attrv[i] != NULL && !RIB_INSLAB(sizeof *r->attrv[i] +
		    r->attrv[i]->len))
			free(r->attrv[i]);
	}
	for (i = 0; i < r->nslabs; i++)
		free(r->slabs[i]);
	free(r->slabs);
	free(r->attrv);
	free(r->afree);
	free(r->ht);
	rib_pool_free(r->fam[0].n4, r->fam[0].cap, sizeof *r->fam[0].n4);
	rib_pool_free(r->fam[1].n6, r->fam[1].cap, sizeof *r->fam[1].n6);
	rib_pool_free(r->rv, r->rcap, sizeof *r->rv);
	free(r->peers);
	free(r->watches);
	free(r->canon);
	free(r->mrt_map);
	rib_lpm_free(r->lpm);
	rib_lpm6_free(r->lpm6);
	free(r);
}

void
rib_stats(const struct rib *r, struct rib_stats *st)
{
	memset(st, 0, sizeof *st);
	st->prefixes = r->fam[0].prefixes + r->fam[1].prefixes;
	st->nodes = r->fam[0].nodes + r->fam[1].nodes;
	st->routes = r->routes;
	st->attrs = r->nattrs;
	st->attr_bytes = r->attr_bytes;
	/* Every allocation: pools by capacity, attributes as malloc'd. */
	st->mem_nodes = (size_t)r->fam[0].cap * sizeof (struct rib_node4) +
	    (size_t)r->fam[1].cap * sizeof (struct rib_node6);
	st->mem_routes = (size_t)r->rcap * sizeof (struct rib_rentry);
	st->mem_attrs = (size_t)r->acap * sizeof (struct rib_attr *) +
	    r->cslabs * sizeof *r->slabs +
	    (size_t)r->cafree * sizeof (uint32_t) +
	    (size_t)r->htcap * sizeof (struct rib_hent) + r->attr_mem;
	st->mem_index = rib_lpm_mem(r->lpm) + rib_lpm6_mem(r->lpm6);
	st->mem = sizeof *r + st->mem_nodes + st->mem_routes +
	    st->mem_attrs + st->mem_index +
	    r->cpeers * sizeof (struct rib_peer) +
	    r->cwatches * sizeof (struct rib_watchent) +
	    r->canoncap + r->mrt_ndp * sizeof (int);
}

/* ------------------------------------------------------------ keys, nodes */

static struct rib_fam *
rib_fam(struct rib *r, int af)
{
	if (af == AF_INET)
		return (&r->fam[0]);
	if (af == AF_INET6)
		return (&r->fam[1]);
	return (NULL);
}

/* The family of a query prefix; NULL for another family or a bad length. */
static const struct rib_fam *
rib_fam_of(const struct rib *r, const struct prefix *p)
{
	const struct rib_fam	*f;

	if (p->addr.af == AF_INET)
		f = &r->fam[0];
	else if (p->addr.af == AF_INET6)
		f = &r->fam[1];
	else
		return (NULL);
	return (p->len > f->bits ? NULL : f);
}

static struct rib_key
rib_nkey(const struct rib_fam *f, uint32_t i)
{
	struct rib_key	k;

	if (f->v6) {
		k.hi = f->n6[i].hi;
		k.lo = f->n6[i].lo;
	} else {
		k.hi = (uint64_t)f->n4[i].key << 32;
		k.lo = 0;
	}
	return (k);
}

static uint64_t
rib_be64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return (v);
}

/* The key of p with the bits past its length cleared. */
static struct rib_key
rib_key_make(const struct prefix *p, unsigned int len)
{
	struct rib_key	k;

	if (p->addr.af == AF_INET) {
		k.hi = (uint64_t)((uint32_t)p->addr.b[0] << 24 |
		    (uint32_t)p->addr.b[1] << 16 | (uint32_t)p->addr.b[2] << 8 |
		    p->addr.b[3]) << 32;
		k.lo = 0;
	} else {
		k.hi = rib_be64(p->addr.b);
		k.lo = rib_be64(p->addr.b + 8);
	}
	return (rib_key_trunc(&k, len));
}

/* k with the bits past len cleared. */
static struct rib_key
rib_key_trunc(const struct rib_key *k, unsigned int len)
{
	struct rib_key	t = *k;

	if (len == 0)
		t.hi = t.lo = 0;
	else if (len < 64) {
		t.hi &= ~0ULL << (64 - len);
		t.lo = 0;
	} else if (len == 64)
		t.lo = 0;
	else if (len < 128)
		t.lo &= ~0ULL << (128 - len);
	return (t);
}

static int
rib_key_bit(const struct rib_key *k, unsigned int i)
{
	if (i < 64)
		return ((k->hi >> (63 - i)) & 1);
	return ((k->lo >> (127 - i)) & 1);
}

/* Leading bits a and b share, at most max. */
static unsigned int
rib_key_common(const struct rib_key *a, const struct rib_key *b,
    unsigned int max)
{
	uint64_t	x;
	unsigned int	n;

	if ((x = a->hi ^ b->hi) != 0)
		n = __builtin_clzll(x);
	else if ((x = a->lo ^ b->lo) != 0)
		n = 64 + __builtin_clzll(x);
	else
		n = 128;
	return (n < max ? n : max);
}

static void
rib_key_prefix(const struct rib_fam *f, const struct rib_key *k,
    unsigned int len, struct prefix *p)
{
	int	i;

	memset(p, 0, sizeof *p);
	p->addr.af = f->af;
	p->len = len;
	for (i = 0; i < 8; i++) {
		p->addr.b[i] = k->hi >> (56 - 8 * i);
		p->addr.b[8 + i] = k->lo >> (56 - 8 * i);
	}
	if (!f->v6)
		memset(p->addr.b + 4, 0, 12);
}

/* Make room for n more nodes so that links stay valid while inserting. */
static void
rib_reserve(struct rib_fam *f, uint32_t n)
{
	if ((size_t)f->nused + n <= f->cap)
		return;
	if (f->v6)
		f->n6 = rib_pool_grow(f->n6, &f->cap, (size_t)f->nused + n,
		    sizeof *f->n6);
	else {
		if ((size_t)f->nused + n > RIB_N4IDX)
			fatalx("%s: more than %u IPv4 trie nodes", __func__,
			    RIB_N4IDX);
		f->n4 = rib_pool_grow(f->n4, &f->cap, (size_t)f->nused + n,
		    sizeof *f->n4);
	}
}

/* Pools from this size on are mapped (see rib_pool_grow()). */
#define RIB_POOL_MAP	(1024 * 1024)

void *
rib_pool_grow(void *p, uint32_t *cap, size_t need, size_t size)
{
	size_t	 old = (size_t)*cap * size, len;

	if (need <= *cap)
		return (p);
	if (need > UINT32_MAX)
		fatalx("%s: pool of %zu entries", __func__, need);
	len = old < 16384 ? 16384 : old + old / 2;
#ifdef MREMAP_MAYMOVE
	if (len >= RIB_POOL_MAP) {
		size_t	 pg = (size_t)sysconf(_SC_PAGESIZE);
		void	*q;

		len = old + (old / 16 > RIB_POOL_MAP / 4 ? old / 16 :
		    RIB_POOL_MAP / 4);
		if (len < need * size)
			len = need * size;
		len = (len + pg - 1) / pg * pg;
		if (old >= RIB_POOL_MAP)
			q = mremap(p, old, len, MREMAP_MAYMOVE);
		else {
			q = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (q != MAP_FAILED && old != 0)
				memcpy(q, p, old);
			if (q != MAP_FAILED)
				free(p);
		}
		if (q == MAP_FAILED)
			fatal("%s: %zu bytes", __func__, len);
		*cap = len / size > UINT32_MAX ? UINT32_MAX : len / size;
		return (q);
	}
#endif
	if (len < need * size)
		len = need * size;
	*cap = len / size > UINT32_MAX ? UINT32_MAX : len / size;
	return (xreallocarray(p, *cap, size));
}

void
rib_pool_free(void *p, uint32_t cap, size_t size)
{
#ifdef MREMAP_MAYMOVE
	if ((size_t)cap * size >= RIB_POOL_MAP) {
		munmap(p, (size_t)cap * size);
		return;
	}
#else
	(void)cap;
	(void)size;
#endif
	free(p);
}

static uint32_t
rib_node_new(struct rib_fam *f, const struct rib_key *k, unsigned int len)
{
	struct rib_nhdr	*h;
	uint32_t	 i;

	if (f->freel != 0) {
		i = f->freel;
		f->freel = rib_nh(f, i)->child[0];
	} else {
		rib_reserve(f, 1);
		i = f->nused++;
	}
	h = rib_nh(f, i);
	memset(h, 0, sizeof *h);
	if (f->v6) {
		f->n6[i].len = len;
		f->n6[i].watched = 0;
		f->n6[i].hi = k->hi;
		f->n6[i].lo = k->lo;
	} else {
		h->child[0] = (uint32_t)len << RIB_N4BITS;
		f->n4[i].key = k->hi >> 32;
	}
	f->nodes++;
	return (i);
}

static void
rib_node_free(struct rib_fam *f, uint32_t i)
{
	struct rib_nhdr	*h = rib_nh(f, i);

	memset(h, 0, sizeof *h);
	h->child[0] = f->freel;
	f->freel = i;
	f->nodes--;
	f->gen++;
}

static void
rib_link_set(struct rib_fam *f, const struct rib_link *l, uint32_t v)
{
	if (l->node == 0)
		f->root = v;
	else
		rib_child_set(f, l->node, l->side, v);
}

/*
 * Find or create the node of (k, len); wl collects the watched nodes that
 * cover it, itself included.
 */
static uint32_t
rib_insert(struct rib_fam *f, const struct rib_key *k, unsigned int len,
    struct rib_wlist *wl)
{
	struct rib_link	 l = { 0, 0 };
	struct rib_key	 nk, gk;
	uint32_t	 n, m, g;
	unsigned int	 nl, cl;

	rib_reserve(f, 2);	/* no reallocation below */
	wl->count = 0;
	for (n = f->root; n != 0; n = rib_child(f, n, l.side)) {
		nk = rib_nkey(f, n);
		nl = rib_len(f, n);
		cl = rib_key_common(&nk, k, nl < len ? nl : len);
		if (cl < nl) {
			/* n is not a prefix of k: k goes above n. */
			m = rib_node_new(f, k, len);
			if (cl == len) {
				rib_child_set(f, m, rib_key_bit(&nk, len), n);
				rib_link_set(f, &l, m);
				return (m);
			}
			/* A glue node where they part. */
			gk = rib_key_trunc(k, cl);
			g = rib_node_new(f, &gk, cl);
			rib_child_set(f, g, rib_key_bit(k, cl), m);
			rib_child_set(f, g, rib_key_bit(&nk, cl), n);
			rib_link_set(f, &l, g);
			return (m);
		}
		if (rib_watched(f, n))
			wl->n[wl->count++] = n;
		if (nl == len)
			return (n);
		l.node = n;
		l.side = rib_key_bit(k, nl);
	}
	m = rib_node_new(f, k, len);
	rib_link_set(f, &l, m);
	return (m);
}

/*
 * Find the node of (k, len) without changing the trie; wl (if not NULL)
 * gets the watched nodes covering it, path (if not NULL) the links from
 * the root down to it (*depth of them).  0 if there is none.
 */
static uint32_t
rib_find(const struct rib_fam *f, const struct rib_key *k, unsigned int len,
    struct rib_wlist *wl, struct rib_link *path, int *depth)
{
	struct rib_key		 nk;
	uint32_t		 n;
	unsigned int		 nl;
	int			 d = 0;

	if (wl != NULL)
		wl->count = 0;
	for (n = f->root; n != 0;) {
		if ((nl = rib_len(f, n)) > len)
			return (0);
		nk = rib_nkey(f, n);
		if (rib_key_common(&nk, k, nl) < nl)
			return (0);
		if (wl != NULL && rib_watched(f, n))
			wl->n[wl->count++] = n;
		if (nl == len) {
			if (depth != NULL)
				*depth = d;
			return (n);
		}
		if (path != NULL) {
			path[d].node = n;
			path[d].side = rib_key_bit(k, nl);
		}
		d++;
		n = rib_child(f, n, rib_key_bit(k, nl));
	}
	return (0);
}

/*
 * Node n (linked from path[depth - 1], or the root) may have lost its last
 * route: remove it if it is neither watched nor a branching point, and
 * its parent with it if that was glue left with one child.
 */
static void
rib_prune(struct rib_fam *f, struct rib_link *path, int depth, uint32_t n)
{
	struct rib_link	 root = { 0, 0 }, *l, *pl;
	uint32_t	 c0, c1, p;

	if (rib_nh(f, n)->routes != 0 || rib_watched(f, n))
		return;
	c0 = rib_child(f, n, 0);
	c1 = rib_child(f, n, 1);
	if (c0 != 0 && c1 != 0)
		return;
	l = depth > 0 ? &path[depth - 1] : &root;
	rib_link_set(f, l, c0 != 0 ? c0 : c1);
	rib_node_free(f, n);
	if (c0 != 0 || c1 != 0 || depth == 0)
		return;
	p = path[depth - 1].node;
	if (rib_nh(f, p)->routes != 0 || rib_watched(f, p))
		return;
	/* p was glue with two children; one is left. */
	pl = depth > 1 ? &path[depth - 2] : &root;
	c0 = rib_child(f, p, 0);
	rib_link_set(f, pl, c0 != 0 ? c0 : rib_child(f, p, 1));
	rib_node_free(f, p);
}

static void
rib_fire(struct rib *r, const struct rib_fam *f, const struct rib_wlist *wl)
{
	size_t	i;
	int	j;

	if (r->hook == NULL)
		return;
	for (j = 0; j < wl->count; j++) {
		for (i = 0; i < r->nwatches; i++) {
			if (r->watches[i].v6 == f->v6 &&
			    r->watches[i].node == wl->n[j])
				r->hook(r->hookarg, r->watches[i].id);
		}
	}
}

/* ----------------------------------------------------------------- peers */

static int
rib_peer_key_eq(const struct rib_peer_key *a, const struct rib_peer_key *b)
{
	return (strncmp(a->router, b->router, sizeof a->router) == 0 &&
	    a->addr.af == b->addr.af &&
	    memcmp(a->addr.b, b->addr.b, a->addr.af == AF_INET6 ? 16 :
	    a->addr.af == AF_INET ? 4 : 0) == 0 &&
	    a->asn == b->asn && a->distinguisher == b->distinguisher &&
	    a->kind == b->kind);
}

int
rib_peer_find(const struct rib *r, const struct rib_peer_key *k)
{
	size_t	i;

	for (i = 0; i < r->npeers; i++)
		if (rib_peer_key_eq(&r->peers[i].key, k))
			return ((int)i);
	return (-1);
}

int
rib_peer_get(struct rib *r, const struct rib_peer_key *k)
{
	struct rib_peer	*p;
	int		 id;

	if ((id = rib_peer_find(r, k)) != -1)
		return (id);
	if (r->npeers >= RIB_MAXPEERS)
		fatalx("%s: more than %u peers", __func__, RIB_MAXPEERS);
	if (r->npeers == r->cpeers) {
		r->cpeers = r->cpeers == 0 ? 16 : r->cpeers * 2;
		r->peers = xreallocarray(r->peers, r->cpeers, sizeof *r->peers);
	}
	p = &r->peers[r->npeers];
	memset(p, 0, sizeof *p);
	p->key = *k;
	p->key.router[sizeof p->key.router - 1] = '\0';
	p->up = 1;
	return ((int)r->npeers++);
}

struct rib_peer *
rib_peer(struct rib *r, int id)
{
	if (id < 0 || (size_t)id >= r->npeers)
		return (NULL);
	return (&r->peers[id]);
}

size_t
rib_npeers(const struct rib *r)
{
	return (r->npeers);
}

/* Remove the peer's routes under n; returns what the link should hold. */
static uint32_t
rib_flush_node(struct rib *r, struct rib_fam *f, uint32_t n, uint32_t peer,
    struct rib_wlist *wl, size_t *left)
{
	struct rib_nhdr	*h;
	uint32_t	*rp, e, c0, c1;
	int		 pushed = 0;

	if (n == 0 || *left == 0)
		return (n);
	h = rib_nh(f, n);
	if (rib_watched(f, n)) {
		wl->n[wl->count++] = n;
		pushed = 1;
	}
	for (rp = &h->routes; (e = *rp) != 0;) {
		if (r->rv[e].peer != peer) {
			rp = &r->rv[e].next;
			continue;
		}
		*rp = r->rv[e].next;
		rib_attr_put(r, r->attrv[r->rv[e].attr]);
		r->rov_count[r->rv[e].rov]--;
		r->rv[e].next = r->rfree;
		r->rfree = e;
		r->routes--;
		(*left)--;
		if (h->routes == 0) {
			f->prefixes--;
			rib_lpm_dirty(r, f, n);
		}
		rib_fire(r, f, wl);
	}
	c0 = rib_flush_node(r, f, rib_child(f, n, 0), peer, wl, left);
	c1 = rib_flush_node(r, f, rib_child(f, n, 1), peer, wl, left);
	h = rib_nh(f, n);
	rib_child_set(f, n, 0, c0);
	rib_child_set(f, n, 1, c1);
	if (pushed)
		wl->count--;
	if (h->routes != 0 || rib_watched(f, n) ||
	    (c0 != 0 && c1 != 0))
		return (n);
	rib_node_free(f, n);
	return (c0 != 0 ? c0 : c1);
}

void
rib_peer_flush(struct rib *r, int id)
{
	struct rib_wlist	 wl;
	struct rib_peer		*p;
	size_t			 left;
	int			 i;

	if ((p = rib_peer(r, id)) == NULL)
		return;
	left = p->nroutes;
	for (i = 0; i < 2; i++) {
		wl.count = 0;
		r->fam[i].root = rib_flush_node(r, &r->fam[i],
		    r->fam[i].root, id, &wl, &left);
	}
	p = rib_peer(r, id);
	if (p->quota != NULL)
		p->quota->nroutes -= p->nroutes;
	p->nroutes = 0;
	p->up = 0;
}

void
rib_peer_quota(struct rib *r, int id, struct rib_quota *q)
{
	struct rib_peer	*p;

	if ((p = rib_peer(r, id)) == NULL || p->quota == q)
		return;
	if (p->quota != NULL)
		p->quota->nroutes -= p->nroutes;
	if (q != NULL)
		q->nroutes += p->nroutes;
	p->quota = q;
}

/*
 * The RIB peer ids of a TABLE_DUMP_V2 peer index (RFC 6396 4.3.1), rebuilt
 * when the decoder or its table changed (or when told to).
 */
const int *
rib_mrt_peermap(struct rib *r, const struct mrt_decoder *d, int rebuild)
{
	struct rib_peer_key	 k;
	struct rib_peer		*p;
	size_t			 i;
	int			 id;

	if (!rebuild && r->mrt_dec == d && r->mrt_dpeers == d->peers &&
	    r->mrt_ndp == d->npeers)
		return (r->mrt_map);
	free(r->mrt_map);
	r->mrt_map = xcalloc(d->npeers + 1, sizeof *r->mrt_map);
	for (i = 0; i < d->npeers; i++) {
		memset(&k, 0, sizeof k);
		k.addr = d->peers[i].addr;
		k.asn = d->peers[i].asn;
		k.kind = RIB_PEER_MRT;
		id = rib_peer_get(r, &k);
		p = rib_peer(r, id);
		p->bgp_id = d->peers[i].bgp_id;
		r->mrt_map[i] = id;
	}
	r->mrt_dec = d;
	r->mrt_dpeers = d->peers;
	r->mrt_ndp = d->npeers;
	return (r->mrt_map);
}

/* ---------------------------------------------------------------- routes */

/*
 * Set (peer, path_id)'s route at node n to attr (absent: the caller knows
 * the peer has no route there); 1 if anything changed.
 */
static int
rib_route_set(struct rib *r, struct rib_fam *f, uint32_t n,
    const struct prefix *p, int peer, uint32_t path_id, struct rib_attr *a,
    int absent, const struct rib_wlist *wl)
{
	struct rib_nhdr		*h = rib_nh(f, n);
	struct rib_rentry	*e;
	uint32_t		 i;
	int			 rov;

	r->peers[peer].announced++;
	r->peers[peer].up = 1;
	for (i = absent ? 0 : h->routes; i != 0; i = e->next) {
		e = &r->rv[i];
		if (e->peer != (uint32_t)peer || e->path_id != path_id)
			continue;
		if (e->attr == a->id)
			return (0);
		a->refcnt++;
		if (r->vrps != NULL &&
		    r->attrv[e->attr]->origin_as != a->origin_as) {
			rov = vrp_validate(r->vrps, p, a->origin_as);
			r->rov_count[e->rov]--;
			r->rov_count[rov]++;
			e->rov = (uint32_t)rov & 3;
		}
		rib_attr_put(r, r->attrv[e->attr]);
		e->attr = a->id;
		rib_fire(r, f, wl);
		return (1);
	}
	if (r->rfree != 0) {
		i = r->rfree;
		r->rfree = r->rv[i].next;
	} else {
		if (r->rused >= r->rcap)
			r->rv = rib_pool_grow(r->rv, &r->rcap,
			    (size_t)r->rused + 1, sizeof *r->rv);
		i = r->rused++;
	}
	e = &r->rv[i];
	e->attr = a->id;
	e->path_id = path_id;
	e->peer = (uint32_t)peer;
	rov = r->vrps == NULL ? VRP_NOTFOUND :
	    vrp_validate(r->vrps, p, a->origin_as);
	e->rov = (uint32_t)rov & 3;
	r->rov_count[rov]++;
	if (h->routes == 0) {
		f->prefixes++;
		rib_lpm_dirty(r, f, n);
	}
	e->next = h->routes;
	h->routes = i;
	a->refcnt++;
	r->routes++;
	r->peers[peer].nroutes++;
	if (r->peers[peer].quota != NULL)
		r->peers[peer].quota->nroutes++;
	rib_fire(r, f, wl);
	return (1);
}

int
rib_announce(struct rib *r, int peer, const struct prefix *p,
    uint32_t path_id, struct rib_attr *a)
{
	struct rib_fam		*f;
	struct rib_peer		*rp;
	struct rib_quota	*q;
	struct rib_route	 rt;
	struct rib_key		 k;
	uint32_t		 n;
	int			 absent, full;

	if (a == NULL || (rp = rib_peer(r, peer)) == NULL ||
	    (f = rib_fam(r, p->addr.af)) == NULL || p->len > f->bits)
		return (0);
	/*
	 * At its limit or its quota's, only a route it has may change (no
	 * new node); the drop is the peer's when both are reached.
	 */
	q = rp->quota;
	full = rp->limit != 0 && rp->nroutes >= rp->limit;
	if ((full || (q != NULL && q->limit != 0 &&
	    q->nroutes >= q->limit)) && !rib_lookup(r, peer, p, path_id,
	    &rt)) {
		if (full)
			rp->dropped++;
		else
			q->dropped++;
		return (0);
	}
	k = rib_key_make(p, p->len);
	if (r->lc_valid && r->lc_fam == f && r->lc_gen == f->gen &&
	    r->lc_len == p->len && r->lc_key.hi == k.hi &&
	    r->lc_key.lo == k.lo)
		n = r->lc_node;
	else {
		n = rib_insert(f, &k, p->len, &r->lc_wl);
		r->lc_valid = 1;
		r->lc_fam = f;
		r->lc_gen = f->gen;
		r->lc_key = k;
		r->lc_len = p->len;
		r->lc_node = n;
		r->lc_fresh = rib_nh(f, n)->routes == 0;
		r->lc_peers = 0;
	}
	absent = 0;
	if (r->lc_fresh && peer < 64) {
		absent = !(r->lc_peers & (1ULL << peer));
		r->lc_peers |= 1ULL << peer;
	}
	return (rib_route_set(r, f, n, p, peer, path_id, a, absent,
	    &r->lc_wl));
}

int
rib_withdraw(struct rib *r, int peer, const struct prefix *p,
    uint32_t path_id)
{
	struct rib_fam		*f;
	struct rib_wlist	 wl;
	struct rib_link		 path[RIB_MAXDEPTH];
	struct rib_key		 k;
	struct rib_nhdr		*h;
	uint32_t		 n, *ep, e;
	int			 depth;

	if (rib_peer(r, peer) == NULL ||
	    (f = rib_fam(r, p->addr.af)) == NULL || p->len > f->bits)
		return (0);
	r->peers[peer].withdrawn++;
	k = rib_key_make(p, p->len);
	if ((n = rib_find(f, &k, p->len, &wl, path, &depth)) == 0)
		return (0);
	h = rib_nh(f, n);
	for (ep = &h->routes; (e = *ep) != 0; ep = &r->rv[e].next) {
		if (r->rv[e].peer == (uint32_t)peer &&
		    r->rv[e].path_id == path_id)
			break;
	}
	if (e == 0)
		return (0);
	*ep = r->rv[e].next;
	rib_attr_put(r, r->attrv[r->rv[e].attr]);
	r->rov_count[r->rv[e].rov]--;
	r->rv[e].next = r->rfree;
	r->rfree = e;
	r->routes--;
	r->peers[peer].nroutes--;
	if (r->peers[peer].quota != NULL)
		r->peers[peer].quota->nroutes--;
	if (h->routes == 0) {
		f->prefixes--;
		rib_lpm_dirty(r, f, n);
		rib_prune(f, path, depth, n);
	}
	rib_fire(r, f, &wl);
	return (1);
}

/* --------------------------------------------------------------- queries */

int
rib_lookup(const struct rib *r, int peer, const struct prefix *p,
    uint32_t path_id, struct rib_route *rt)
{
	const struct rib_fam	*f;
	const struct rib_rentry	*e;
	struct rib_key		 k;
	uint32_t		 n, i;

	if ((f = rib_fam_of(r, p)) == NULL)
		return (0);
	k = rib_key_make(p, p->len);
	if ((n = rib_find(f, &k, p->len, NULL, NULL, NULL)) == 0)
		return (0);
	for (i = rib_nh(f, n)->routes; i != 0; i = e->next) {
		e = &r->rv[i];
		if (e->peer == (uint32_t)peer && e->path_id == path_id) {
			if (rt != NULL) {
				rib_key_prefix(f, &k, p->len, &rt->prefix);
				rt->peer = peer;
				rt->path_id = path_id;
				rt->attr = r->attrv[e->attr];
				rt->rov = e->rov;
			}
			return (1);
		}
	}
	return (0);
}

int
rib_longest(const struct rib *r, const struct prefix *p,
    struct prefix *match)
{
	const struct rib_fam	*f;
	struct rib_key		 k, nk;
	uint32_t		 n, best = 0, key, m;
	unsigned int		 nl;

	if (p->addr.af == AF_INET && p->len == 32)
		/* An address: the index (core/rib-lpm.c) has it. */
		return (rib_lpm_longest(r, p, match));
	if (p->addr.af == AF_INET6 && p->len == 128)
		/* Likewise for IPv6 (core/rib-lpm6.c). */
		return (rib_lpm6_longest(r, p, match));
	if (p->addr.af == AF_INET) {
		/* Shorter IPv4 prefixes walk the trie, on 32-bit keys. */
		const struct rib_node4	*v = r->fam[0].n4;

		if (p->len > 32)
			return (0);
		f = &r->fam[0];
		k = rib_key_make(p, p->len);
		key = k.hi >> 32;
		for (n = f->root; n != 0;) {
			if ((nl = RIB_N4LEN(v, n)) > p->len)
				break;
			m = nl == 0 ? 0 : ~0U << (32 - nl);
			if ((v[n].key ^ key) & m)
				break;
			if (v[n].h.routes != 0)
				best = n;
			if (nl == 32)
				break;
			n = RIB_N4CHILD(v, n, (key >> (31 - nl)) & 1);
		}
	} else if (p->addr.af == AF_INET6) {
		f = &r->fam[1];
		if (p->len > 128)
			return (0);
		k = rib_key_make(p, p->len);
		for (n = f->root; n != 0;) {
			if ((nl = rib_len(f, n)) > p->len)
				break;
			nk = rib_nkey(f, n);
			if (rib_key_common(&nk, &k, nl) < nl)
				break;
			if (rib_nh(f, n)->routes != 0)
				best = n;
			if (nl == p->len)
				break;
			n = rib_child(f, n, rib_key_bit(&k, nl));
		}
	} else
		return (0);
	if (best == 0)
		return (0);
	if (match != NULL) {
		nk = rib_nkey(f, best);
		rib_key_prefix(f, &nk, rib_len(f, best), match);
	}
	return (1);
}

static int
rib_node_routes(const struct rib *r, const struct rib_fam *f, uint32_t n,
    rib_route_cb cb, void *arg)
{
	const struct rib_rentry	*e;
	struct rib_route	 rt;
	struct rib_key		 k;
	uint32_t		 i;
	int			 rv;

	if ((i = rib_nh(f, n)->routes) == 0)
		return (0);
	k = rib_nkey(f, n);
	rib_key_prefix(f, &k, rib_len(f, n), &rt.prefix);
	for (; i != 0; i = e->next) {
		e = &r->rv[i];
		rt.peer = e->peer;
		rt.path_id = e->path_id;
		rt.attr = r->attrv[e->attr];
		rt.rov = e->rov;
		if ((rv = cb(&rt, arg)) != 0)
			return (rv);
	}
	return (0);
}

static int
rib_walk_node(const struct rib *r, const struct rib_fam *f, uint32_t n,
    rib_route_cb cb, void *arg)
{
	int	rv;

	if (n == 0)
		return (0);
	if ((rv = rib_node_routes(r, f, n, cb, arg)) != 0)
		return (rv);
	if ((rv = rib_walk_node(r, f, rib_child(f, n, 0), cb, arg)) != 0)
		return (rv);
	return (rib_walk_node(r, f, rib_child(f, n, 1), cb, arg));
}

int
rib_walk(const struct rib *r, const struct prefix *p, int more,
    rib_route_cb cb, void *arg)
{
	const struct rib_fam	*f;
	struct rib_key		 k;
	uint32_t		 n;

	if ((f = rib_fam_of(r, p)) == NULL)
		return (0);
	k = rib_key_make(p, p->len);
	if (!more) {
		if ((n = rib_find(f, &k, p->len, NULL, NULL, NULL)) == 0)
			return (0);
		return (rib_node_routes(r, f, n, cb, arg));
	}
	return (rib_walk_node(r, f, rib_below(f, &k, p->len), cb, arg));
}

/* The first node at or below length len inside k/len, or 0. */
static uint32_t
rib_below(const struct rib_fam *f, const struct rib_key *k, unsigned int len)
{
	struct rib_key		 nk;
	uint32_t		 n;
	unsigned int		 nl;

	for (n = f->root; n != 0;) {
		nl = rib_len(f, n);
		nk = rib_nkey(f, n);
		if (nl >= len)
			return (rib_key_common(&nk, k, len) < len ? 0 : n);
		if (rib_key_common(&nk, k, nl) < nl)
			return (0);
		n = rib_child(f, n, rib_key_bit(k, nl));
	}
	return (0);
}

static void
rib_entries_node(struct rib *r, struct rib_fam *f, uint32_t n,
    rib_entry_cb cb, void *arg)
{
	struct prefix	 p;
	struct rib_key	 k;
	uint32_t	 i;

	for (; n != 0; n = rib_child(f, n, 1)) {
		if ((i = rib_nh(f, n)->routes) != 0) {
			k = rib_nkey(f, n);
			rib_key_prefix(f, &k, rib_len(f, n), &p);
			cb(r, &p, i, arg);
		}
		rib_entries_node(r, f, rib_child(f, n, 0), cb, arg);
	}
}

void
rib_walk_entries(struct rib *r, const struct prefix *p, rib_entry_cb cb,
    void *arg)
{
	struct rib_fam	*f;
	struct rib_key	 k;

	if ((f = rib_fam(r, p->addr.af)) == NULL || p->len > f->bits)
		return;
	k = rib_key_make(p, p->len);
	rib_entries_node(r, f, rib_below(f, &k, p->len), cb, arg);
}

/* --------------------------------------------------------------- watches */

void
rib_watch(struct rib *r, const struct prefix *p, int id)
{
	struct rib_fam		*f;
	struct rib_wlist	 wl;
	struct rib_key		 k;
	uint32_t		 n;

	if ((f = rib_fam(r, p->addr.af)) == NULL || p->len > f->bits)
		return;
	k = rib_key_make(p, p->len);
	n = rib_insert(f, &k, p->len, &wl);
	if (f->v6)
		f->n6[n].watched = 1;
	else
		f->n4[n].h.child[1] |= RIB_N4WATCHED;
	r->lc_valid = 0;
	if (r->nwatches == r->cwatches) {
		r->cwatches = r->cwatches == 0 ? 16 : r->cwatches * 2;
		r->watches = xreallocarray(r->watches, r->cwatches,
		    sizeof *r->watches);
	}
	r->watches[r->nwatches].v6 = f->v6;
	r->watches[r->nwatches].node = n;
	r->watches[r->nwatches].id = id;
	r->nwatches++;
}

void
rib_set_watch_hook(struct rib *r, void (*hook)(void *, int), void *arg)
{
	r->hook = hook;
	r->hookarg = arg;
}
