/* SPDX-License-Identifier: ISC */
/*
 * A longest-match index for IPv6 addresses, kept beside the RIB's IPv6
 * trie as core/rib-lpm.c keeps one beside the IPv4 trie (see rib.h,
 * rib_longest()).
 *
 * Why: an IPv6 trie walk follows 20 to 30 nodes of 32 bytes, each a
 * likely cache miss in a full table.  Here an address costs one read in
 * a 256 KB table, a few in a small hot fence array, and one or two lines
 * of a pool of a few MB.
 *
 * What is stored: as in the IPv4 index, only the LENGTH of the longest
 * match (a leaf value v: 0 no match, else length + 1); the matching
 * prefix is the address cut to it.
 *
 * Layout: the prefixes of a /16 are flattened into the sorted, disjoint
 * ranges of addresses that share one longest match, and stored as a
 * node over the next 32 bits of the address (bits 16 to 47, which hold
 * every boundary of a prefix up to /48):
 *
 *   top[65536]	16 bytes per /16: e, LPM6_NODE | offset (in 64-bit words)
 *		of its node's entries; LPM6_DIRTY: to rebuild from the trie
 *		before use; else the leaf for the whole /16.  With a node,
 *		its entry count n, the offset of its fences in a pool of
 *		their own, and the words of its tree (garbage accounting).
 *   node	n entries, each a key (the first 32-bit unit of a range;
 *		sorted, the first 0) and its value, in blocks of 12 in a
 *		cache line (see LPM6_BLOCK), then the node's child array;
 *		with more than one block, a 32-bit fence per block (its
 *		first key).  A value is a leaf, or a child node over the
 *		next 32 bits when a range boundary falls inside that unit (a
 *		prefix longer than the node's bits: /49 to /80 in a /16's
 *		node, and so on down to /128).  A child node has its n and
 *		tree size in a word of its own, then its fences, then its
 *		blocks.
 *
 * A /16 with many fences (2001::/16 holds tens of thousands of ranges)
 * also has a radix over them: for each value of the key's first r bits
 * (2^r about the number of fences), the first fence at or past it, so
 * that a lookup searches one or two fences, not a thousand.
 *
 * A lookup of an address whose match is /48 or shorter reads its top
 * entry, radix and fences (the used part of the top is a few hundred
 * KB, the fences 4 bytes per 12 entries: they mostly stay in cache),
 * then counts the entries not above its key in one block (a cache line,
 * the values beside their keys): mostly a single miss.
 *
 * Maintenance is lazy and per /16, as in the IPv4 index: a prefix gaining
 * its first route or losing its last marks the /16s it touches dirty, and
 * the next lookup or rib_longest_prepare() rebuilds them from the trie.
 * Rebuilt nodes are appended to the pool; when garbage is most of it,
 * it is emptied and every /16 rebuilt on demand.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "core/rib.h"
#include "core/rib-private.h"

#define LPM6_TOP	65536
#define LPM6_NODE	0x80000000U
#define LPM6_DIRTY	0x40000000U	/* in top, without LPM6_NODE */
#define LPM6_OFFMASK	0x7fffffffU
/*
 * A block: a cache line of LPM6_BLOCK entries, their keys (uint32, at
 * 0), their values as bytes (at 48: the leaf, or LPM6_CHILD), and the
 * index in the node's child array of the block's first child (at 60).
 * A node's last block holds what is left, c entries: its values at 4c,
 * its index after them (LPM6_BBASE(c)), its words LPM6_BSIZE(c).
 */
#define LPM6_BLOCK	12
#define LPM6_BWORDS	8		/* 64-bit words in a full block */
#define LPM6_BBASE(c)	((5 * (c) + 3) & ~3U)
#define LPM6_BSIZE(c)	((LPM6_BBASE(c) + 4 + 7) / 8)
#define LPM6_CHILD	0xff
#define LPM6_LEVELS	4		/* node depths: bits 16, 48, 80, 112 */
#define LPM6_NMASK	0x07ffffffU	/* lpm6_top.n: count, radix bits above */
#define LPM6_RADIX	32		/* fences from which a /16 has a radix */

/* A range of the flattened /16: from start on, longest match v. */
struct lpm6_range {
	uint64_t	hi, lo;
	uint32_t	v;
};

/* A /16 (see above). */
struct lpm6_top {
	uint32_t	e, n, f, words;
};

/* A node's entries while it is built. */
struct lpm6_ents {
	uint32_t	*k, *v;
	size_t		 n, cap;
};

struct rib_lpm6 {
	struct lpm6_top		*top;		/* LPM6_TOP, NULL until used */
	uint64_t		*pool;		/* 64-byte aligned in raw */
	uint64_t		*raw;
	size_t			 used, cap;	/* in words */
	size_t			 garbage;
	uint32_t		*fpool;		/* the /16s' fences */
	size_t			 fused, fcap;
	size_t			 dirty;		/* top entries LPM6_DIRTY */
	/* Scratch for one /16's build. */
	struct lpm6_range	*rv;
	size_t			 nr, cr;
	struct lpm6_ents	 ents[LPM6_LEVELS];
};

static uint32_t	 rib_lpm6_unit(uint64_t, uint64_t, unsigned int);
static int	 rib_lpm6_aligned(uint64_t, uint64_t, unsigned int);
static void	 rib_lpm6_emit(struct rib_lpm6 *, uint64_t, uint64_t,
		     uint32_t);
static void	 rib_lpm6_flatten(struct rib_lpm6 *, const struct rib_fam *,
		     uint32_t, uint32_t, uint32_t);
static void	 rib_lpm6_add(struct lpm6_ents *, uint32_t, uint32_t);
static size_t	 rib_lpm6_node(struct rib_lpm6 *, struct lpm6_range *,
		     size_t, unsigned int, struct lpm6_top *);
static void	 rib_lpm6_build(struct rib_lpm6 *, const struct rib_fam *,
		     uint32_t);
static void	*rib_lpm6_room(void *, size_t *, size_t, size_t);
static void	 rib_lpm6_pool(struct rib_lpm6 *, size_t, int);
static inline uint32_t rib_lpm6_search(const uint32_t *, size_t, size_t,
		     const uint64_t *, uint32_t, uint32_t);
static void	 rib_lpm6_init(struct rib_lpm6 *);
static const struct lpm6_top *rib_lpm6_entry(struct rib_lpm6 *,
		     const struct rib_fam *, uint32_t);
static uint32_t	 rib_lpm6_lookup(const struct rib *, uint64_t, uint64_t);

struct rib_lpm6 *
rib_lpm6_new(void)
{
	return (xcalloc(1, sizeof (struct rib_lpm6)));
}

void
rib_lpm6_free(struct rib_lpm6 *l)
{
	int	i;

	if (l == NULL)
		return;
	free(l->top);
	free(l->raw);
	free(l->fpool);
	free(l->rv);
	for (i = 0; i < LPM6_LEVELS; i++) {
		free(l->ents[i].k);
		free(l->ents[i].v);
	}
	free(l);
}

size_t
rib_lpm6_mem(const struct rib_lpm6 *l)
{
	size_t	m;
	int	i;

	if (l == NULL)
		return (0);
	m = sizeof *l + (l->cap + 8) * sizeof *l->pool +
	    l->cr * sizeof *l->rv +
	    l->fcap * sizeof *l->fpool;
	if (l->top != NULL)
		m += LPM6_TOP * sizeof *l->top;
	for (i = 0; i < LPM6_LEVELS; i++)
		m += l->ents[i].cap * 2 * sizeof *l->ents[i].k;
	return (m);
}

/* Bits b to b + 31 of the address (hi, lo); past bit 127, zeros. */
static uint32_t
rib_lpm6_unit(uint64_t hi, uint64_t lo, unsigned int b)
{
	uint64_t	w;

	if (b == 0)
		w = hi;
	else if (b < 64)
		w = hi << b | lo >> (64 - b);
	else
		w = lo << (b - 64);
	return (w >> 32);
}

/* Whether the bits of (hi, lo) after b + 31 are all zero. */
static int
rib_lpm6_aligned(uint64_t hi, uint64_t lo, unsigned int b)
{
	unsigned int	e = b + 32;

	if (e < 64)
		return ((hi << e) == 0 && lo == 0);
	if (e == 64)
		return (lo == 0);
	if (e < 128)
		return ((lo << (e - 64)) == 0);
	return (1);
}

/*
 * Node n of the IPv6 trie gained its first route or lost its last: the
 * /16s it covers must be rebuilt before their next lookup.
 */
void
rib_lpm6_dirty(struct rib *r, const struct rib_fam *f, uint32_t n)
{
	struct rib_lpm6	*l = r->lpm6;
	uint32_t	 x, e, count, i;
	unsigned int	 len;

	if (l == NULL || l->top == NULL)
		return;
	len = f->n6[n].len;
	x = f->n6[n].hi >> 48;
	count = len >= 16 ? 1 : 1U << (16 - len);
	for (i = x; i < x + count; i++) {
		e = l->top[i].e;
		if (e == LPM6_DIRTY)
			continue;
		if (e & LPM6_NODE)
			l->garbage += l->top[i].words;
		l->top[i].e = LPM6_DIRTY;
		l->dirty++;
	}
}

/*
 * Append the range (hi, lo) on with value v: a range at the same start
 * replaces the last, one with the same value as the last extends it.
 */
static void
rib_lpm6_emit(struct rib_lpm6 *l, uint64_t hi, uint64_t lo, uint32_t v)
{
	struct lpm6_range	*e;

	if (l->nr > 0) {
		e = &l->rv[l->nr - 1];
		if (e->hi == hi && e->lo == lo) {
			e->v = v;
			if (l->nr > 1 && l->rv[l->nr - 2].v == v)
				l->nr--;
			return;
		}
		if (e->v == v)
			return;
	}
	if (l->nr == l->cr) {
		l->cr = l->cr == 0 ? 1024 : l->cr * 2;
		l->rv = xreallocarray(l->rv, l->cr, sizeof *l->rv);
	}
	e = &l->rv[l->nr++];
	e->hi = hi;
	e->lo = lo;
	e->v = v;
}

/*
 * The ranges of the subtree of node n, all inside /16 x, in address
 * order; vpar is the longest match around n.  Preorder: a prefix opens
 * its range before its more-specifics open theirs, and the range around
 * it resumes at its end.  Recursion as deep as the trie (at most 129).
 */
static void
rib_lpm6_flatten(struct rib_lpm6 *l, const struct rib_fam *f, uint32_t n,
    uint32_t vpar, uint32_t x)
{
	const struct rib_node6	*v = f->n6;
	uint64_t		 hi, lo;
	uint32_t		 vin = vpar;
	unsigned int		 len;

	if (n == 0)
		return;
	len = v[n].len;
	if (v[n].h.routes != 0) {
		vin = len + 1;
		rib_lpm6_emit(l, v[n].hi, v[n].lo, vin);
	}
	rib_lpm6_flatten(l, f, v[n].h.child[0], vin, x);
	rib_lpm6_flatten(l, f, v[n].h.child[1], vin, x);
	if (v[n].h.routes == 0)
		return;
	/* Its end: start + 2^(128 - len), unless past the /16. */
	hi = v[n].hi;
	lo = v[n].lo;
	if (len <= 64)
		hi += 1ULL << (64 - len);
	else if ((lo += 1ULL << (128 - len)) == 0)
		hi++;
	if ((hi >> 48) == x)	/* 0 after the last /16: not x */
		rib_lpm6_emit(l, hi, lo, vpar);
}

static void
rib_lpm6_add(struct lpm6_ents *e, uint32_t k, uint32_t v)
{
	if (e->n == e->cap) {
		e->cap = e->cap == 0 ? 256 : e->cap * 2;
		e->k = xreallocarray(e->k, e->cap, sizeof *e->k);
		e->v = xreallocarray(e->v, e->cap, sizeof *e->v);
	}
	e->k[e->n] = k;
	e->v[e->n++] = v;
}

/*
 * The node over bits b to b + 31 of the ranges r[0..cnt) (r[0] starts
 * at the node's first address); returns its offset in the pool.
 * Children are appended before their parent.  With t, the node is a
 * /16's: t gets its count and fences.
 */
static size_t
rib_lpm6_node(struct rib_lpm6 *l, struct lpm6_range *r, size_t cnt,
    unsigned int b, struct lpm6_top *t)
{
	struct lpm6_ents	*e = &l->ents[(b - 16) / 32];
	struct lpm6_range	 save;
	uint64_t		*w;
	uint32_t		 u, *f, rb, nrx, q, nc, *cref;
	uint8_t			*bp;
	size_t			 i, j, n, m, nb, cb, c, blk, o, sub, tree = 0;
	size_t			 off;

	e->n = 0;
	for (i = 0; i < cnt; i = j) {
		u = rib_lpm6_unit(r[i].hi, r[i].lo, b);
		for (j = i + 1; j < cnt &&
		    rib_lpm6_unit(r[j].hi, r[j].lo, b) == u; j++)
			;
		if (j - i == 1 && rib_lpm6_aligned(r[i].hi, r[i].lo, b)) {
			rib_lpm6_add(e, u, r[i].v);
			continue;
		}
		/*
		 * A boundary inside unit u: a child over the next bits,
		 * starting with the value in effect at u's first address
		 * (r[i - 1]'s, borrowed for the call: r[0] is aligned, so
		 * an unaligned r[i] has one before it).
		 */
		if (rib_lpm6_aligned(r[i].hi, r[i].lo, b))
			off = rib_lpm6_node(l, r + i, j - i, b + 32, NULL);
		else {
			save = r[i - 1];
			r[i - 1].hi = r[i].hi;
			r[i - 1].lo = r[i].lo;
			if (b + 32 < 64) {
				r[i - 1].hi &= ~0ULL << (64 - b - 32);
				r[i - 1].lo = 0;
			} else if (b + 32 == 64)
				r[i - 1].lo = 0;
			else
				r[i - 1].lo &= ~0ULL << (128 - b - 32);
			off = rib_lpm6_node(l, r + i - 1, j - i + 1, b + 32,
			    NULL);
			r[i - 1] = save;
		}
		tree += l->pool[off] >> 32;
		rib_lpm6_add(e, u, LPM6_NODE | (uint32_t)off);
		/* After u, the last range of u goes on to the next. */
		if (u != UINT32_MAX && (j == cnt ||
		    rib_lpm6_unit(r[j].hi, r[j].lo, b) > u + 1))
			rib_lpm6_add(e, u + 1, r[j - 1].v);
	}
	n = e->n;
	nb = (n + LPM6_BLOCK - 1) / LPM6_BLOCK;
	m = nb > 1 ? nb : 0;
	for (i = 0, nc = 0; i < n; i++)
		nc += (e->v[i] & LPM6_NODE) != 0;
	cb = n - (nb - 1) * LPM6_BLOCK;		/* in the last block */
	blk = (nb - 1) * LPM6_BWORDS + LPM6_BSIZE(cb) + (nc + 1) / 2;
	sub = t != NULL ? blk : 1 + (m + 1) / 2 + blk;
	if (t != NULL) {
		/* A /16's blocks start on a cache line. */
		sub += (8 - l->used % 8) % 8;
		rib_lpm6_pool(l, l->used + sub, 0);
		l->used += (8 - l->used % 8) % 8;
	} else
		rib_lpm6_pool(l, l->used + sub, 0);
	if ((o = l->used) + sub > LPM6_OFFMASK)
		fatalx("%s: IPv6 index beyond %u words", __func__,
		    LPM6_OFFMASK);
	l->used = o + (t != NULL ? blk : sub);
	w = l->pool + o;
	if (t != NULL) {
		/* A /16's: n and the fences in its top entry. */
		for (rb = 0; m >= LPM6_RADIX && (1U << rb) < m && rb < 16;
		    rb++)
			;
		nrx = rb == 0 ? 0 : (1U << rb) + 1;
		l->fpool = rib_lpm6_room(l->fpool, &l->fcap, l->fused + nrx +
		    m, sizeof *l->fpool);
		f = l->fpool + l->fused;
		t->n = n | (uint32_t)rb << 27;
		t->f = l->fused;
		t->words = sub + tree;
		l->fused += nrx + m;
		/* rx[q]: the first fence whose first rb bits are q or more. */
		for (q = 0, i = 0; q < nrx; q++) {
			while (i < m && (e->k[i * LPM6_BLOCK] >> (32 - rb)) < q)
				i++;
			f[q] = i;
		}
		f += nrx;
	} else {
		w[0] = n | (uint64_t)(sub + tree) << 32;
		f = (uint32_t *)(w + 1);
		if (m % 2 != 0)
			f[m] = 0;
		w += 1 + (m + 1) / 2;
	}
	for (i = 0; i < m; i++)
		f[i] = e->k[i * LPM6_BLOCK];
	/* The blocks, then the child array. */
	memset(w, 0, blk * sizeof *w);
	cref = (uint32_t *)(w + (nb - 1) * LPM6_BWORDS + LPM6_BSIZE(cb));
	for (i = 0, nc = 0; i < n; i++) {
		bp = (uint8_t *)(w + i / LPM6_BLOCK * LPM6_BWORDS);
		c = i / LPM6_BLOCK == nb - 1 ? cb : LPM6_BLOCK;
		if (i % LPM6_BLOCK == 0)
			memcpy(bp + LPM6_BBASE(c), &nc, sizeof nc);
		memcpy(bp + 4 * (i % LPM6_BLOCK), &e->k[i], sizeof e->k[i]);
		if (e->v[i] & LPM6_NODE) {
			bp[4 * c + i % LPM6_BLOCK] = LPM6_CHILD;
			cref[nc++] = e->v[i] & LPM6_OFFMASK;
		} else
			bp[4 * c + i % LPM6_BLOCK] = e->v[i];
	}
	return (o);
}

/*
 * Room for need words in the pool, kept on a 64-byte boundary inside
 * raw; exact: to need, no more.
 */
static void
rib_lpm6_pool(struct rib_lpm6 *l, size_t need, int exact)
{
	size_t		 cap = l->cap, oadj, adj;
	uint64_t	*raw;

	if (exact)
		cap = need;
	else if (need <= cap)
		return;
	else {
		cap = cap < 16384 ? 16384 : cap + cap / 2;
		if (cap < need)
			cap = need;
	}
	oadj = l->raw == NULL ? 0 : (size_t)(l->pool - l->raw);
	raw = xreallocarray(l->raw, cap + 8, sizeof *raw);
	adj = (-(uintptr_t)raw & 63) / sizeof *raw;
	if (adj != oadj)
		memmove(raw + adj, raw + oadj, l->used * sizeof *raw);
	l->raw = raw;
	l->pool = raw + adj;
	l->cap = cap;
}

/* Room for need items of size in *p (capacity *cap). */
static void *
rib_lpm6_room(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return (p);
	*cap = *cap < 16384 ? 16384 : *cap + *cap / 2;
	if (*cap < need)
		*cap = need;
	return (xreallocarray(p, *cap, size));
}

/* Build the top entry of /16 x from the trie. */
static void
rib_lpm6_build(struct rib_lpm6 *l, const struct rib_fam *f, uint32_t x)
{
	struct lpm6_top		*t = &l->top[x];
	const struct rib_node6	*v = f->n6;
	uint64_t		 key = (uint64_t)x << 48;
	uint32_t		 n, best = 0;
	unsigned int		 nl;

	/* Down to the first node at /16 or below that is inside x. */
	for (n = f->root; n != 0;) {
		nl = v[n].len;
		if (nl >= 16) {
			if ((v[n].hi >> 48) != x)
				n = 0;
			break;
		}
		if (nl != 0 && ((v[n].hi ^ key) >> (64 - nl)) != 0) {
			n = 0;
			break;
		}
		if (v[n].h.routes != 0)
			best = nl + 1;
		n = v[n].h.child[(key >> (63 - nl)) & 1];
	}
	memset(t, 0, sizeof *t);
	t->e = best;
	if (n == 0)
		return;
	l->nr = 0;
	rib_lpm6_emit(l, key, 0, best);
	rib_lpm6_flatten(l, f, n, best, x);
	if (l->nr == 1)
		t->e = l->rv[0].v;
	else
		t->e = LPM6_NODE | (uint32_t)rib_lpm6_node(l, l->rv, l->nr, 16,
		    t);
}

/* The top level, every /16 dirty: nodes are built on first use. */
static void
rib_lpm6_init(struct rib_lpm6 *l)
{
	uint32_t	i;

	l->top = xreallocarray(NULL, LPM6_TOP, sizeof *l->top);
	for (i = 0; i < LPM6_TOP; i++)
		l->top[i].e = LPM6_DIRTY;
	l->dirty = LPM6_TOP;
}

/* The top entry of /16 x, rebuilt first if dirty. */
static const struct lpm6_top *
rib_lpm6_entry(struct rib_lpm6 *l, const struct rib_fam *f, uint32_t x)
{
	uint32_t	i;

	if (l->top[x].e != LPM6_DIRTY)
		return (&l->top[x]);
	if (l->garbage > 65536 && l->garbage > l->used / 2) {
		/* Drop every node: each is rebuilt on its next use. */
		for (i = 0; i < LPM6_TOP; i++) {
			if (l->top[i].e & LPM6_NODE) {
				l->top[i].e = LPM6_DIRTY;
				l->dirty++;
			}
		}
		l->used = 0;
		l->fused = 0;
		l->garbage = 0;
	}
	rib_lpm6_build(l, f, x);
	l->dirty--;
	return (&l->top[x]);
}

/* Build whatever is dirty now (nothing while the IPv6 trie is empty). */
void
rib_lpm6_prepare(const struct rib *r)
{
	struct rib_lpm6	*l = r->lpm6;
	uint32_t	 i;

	if (l->top == NULL) {
		if (r->fam[1].prefixes == 0)
			return;
		rib_lpm6_init(l);
	}
	while (l->dirty != 0) {
		for (i = 0; l->dirty != 0 && i < LPM6_TOP; i++) {
			if (l->top[i].e == LPM6_DIRTY)
				(void)rib_lpm6_entry(l, &r->fam[1], i);
		}
	}
	if (l->cap > l->used + l->used / 8 && l->used != 0)
		rib_lpm6_pool(l, l->used, 1);
	/* The build's scratch: a later rebuild of a /16 is small. */
	free(l->rv);
	l->rv = NULL;
	l->nr = l->cr = 0;
	for (i = 0; i < LPM6_LEVELS; i++) {
		free(l->ents[i].k);
		free(l->ents[i].v);
		memset(&l->ents[i], 0, sizeof l->ents[i]);
	}
	if (l->fcap > l->fused + l->fused / 8 && l->fused != 0) {
		l->fpool = xreallocarray(l->fpool, l->fused,
		    sizeof *l->fpool);
		l->fcap = l->fused;
	}
}

/*
 * The value for key in a node of n entries in blocks k with fences f
 * (the last fence not above key being among the len from lo on): a
 * leaf, or LPM6_NODE | the offset of a child.
 */
static inline uint32_t
rib_lpm6_search(const uint32_t *f, size_t lo, size_t len, const uint64_t *k,
    uint32_t n, uint32_t key)
{
	const uint8_t	*bp;
	const uint32_t	*bk;
	size_t		 half, i, cnt;
	uint32_t	 c, base;

	for (; len > 1; len -= half) {
		half = len / 2;
		if (f[lo + half] <= key)
			lo += half;
	}
	/* Keys not above key in its block. */
	bp = (const uint8_t *)(k + lo * LPM6_BWORDS);
	bk = (const uint32_t *)bp;
	cnt = n - lo * LPM6_BLOCK;
	if (cnt > LPM6_BLOCK)
		cnt = LPM6_BLOCK;
	for (c = 0, i = 0; i < cnt; i++)
		c += bk[i] <= key;
	if (bp[4 * cnt + c - 1] != LPM6_CHILD)
		return (bp[4 * cnt + c - 1]);
	/* A child: its offset in the array after the blocks. */
	memcpy(&base, bp + LPM6_BBASE(cnt), sizeof base);
	for (i = 0; i + 1 < c; i++)
		base += bp[4 * cnt + i] == LPM6_CHILD;
	i = (n - 1) / LPM6_BLOCK;
	bk = (const uint32_t *)(k + i * LPM6_BWORDS +
	    LPM6_BSIZE(n - i * LPM6_BLOCK));
	return (LPM6_NODE | bk[base]);
}

/* The fences of a node of n entries (none for a single block). */
#define LPM6_FENCES(n)	((n) > LPM6_BLOCK ? \
	((n) + LPM6_BLOCK - 1) / LPM6_BLOCK : 0)

/* The leaf value (length + 1, or 0) of address (hi, lo). */
static uint32_t
rib_lpm6_lookup(const struct rib *r, uint64_t hi, uint64_t lo)
{
	struct rib_lpm6		*l = r->lpm6;
	const struct lpm6_top	*t;
	const uint64_t		*w;
	const uint32_t		*f;
	uint32_t		 e, n, key, rb, q;
	size_t			 lo0, len;
	unsigned int		 b;

	if (l->top == NULL)
		rib_lpm6_init(l);
	t = &l->top[hi >> 48];
	if (t->e == LPM6_DIRTY)
		t = rib_lpm6_entry(l, &r->fam[1], hi >> 48);
	if (!((e = t->e) & LPM6_NODE))
		return (e);
	n = t->n & LPM6_NMASK;
	key = rib_lpm6_unit(hi, lo, 16);
	f = l->fpool + t->f;
	if ((rb = t->n >> 27) != 0) {
		q = key >> (32 - rb);
		lo0 = f[q] != 0 ? f[q] - 1 : 0;
		len = f[q + 1] - lo0;
		f += (1U << rb) + 1;
	} else {
		lo0 = 0;
		len = LPM6_FENCES(n);
	}
	e = rib_lpm6_search(f, lo0, len, l->pool + (e & LPM6_OFFMASK), n,
	    key);
	for (b = 48; e & LPM6_NODE; b += 32) {
		w = l->pool + (e & LPM6_OFFMASK);
		n = (uint32_t)w[0];
		len = LPM6_FENCES(n);
		e = rib_lpm6_search((const uint32_t *)(w + 1), 0, len,
		    w + 1 + (len + 1) / 2, n, rib_lpm6_unit(hi, lo, b));
	}
	return (e);
}

/* rib_longest() of an IPv6 address (p->len 128). */
int
rib_lpm6_longest(const struct rib *r, const struct prefix *p,
    struct prefix *match)
{
	uint64_t	hi = 0, lo = 0;
	uint32_t	v;
	int		i;

	for (i = 0; i < 8; i++) {
		hi = hi << 8 | p->addr.b[i];
		lo = lo << 8 | p->addr.b[8 + i];
	}
	if ((v = rib_lpm6_lookup(r, hi, lo)) == 0)
		return (0);
	if (match != NULL) {
		memset(match, 0, sizeof *match);
		match->addr.af = AF_INET6;
		match->len = v - 1;
		memcpy(match->addr.b, p->addr.b, 16);
		i = match->len / 8;
		if (match->len % 8 != 0)
			match->addr.b[i++] &= 0xff00 >> (match->len % 8);
		memset(match->addr.b + i, 0, 16 - i);
	}
	return (1);
}
