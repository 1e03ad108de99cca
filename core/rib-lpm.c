/* SPDX-License-Identifier: ISC */
/*
 * A compact longest-match index for IPv4 addresses, kept beside the
 * RIB's IPv4 trie (see rib.h, rib_longest()).
 *
 * Why: the trie of a full table is tens of MB and about 20 levels deep;
 * a random address costs one main-memory read per level below the cache.
 * Here an address costs one read in a 256 KB table and one or two lines
 * of a pool of a few MB (3.5 MB for a million random prefixes), which
 * mostly stays in cache.
 *
 * What is stored: only the LENGTH of the longest match, a leaf value v
 * (0: no match, else length + 1).  The matching prefix is the address cut
 * to that length, so no node index is needed and leaves are tiny.
 *
 * Layout (in the spirit of Poptrie / Tree Bitmap, written from those
 * ideas, not from their code):
 *
 *   top[65536]	one uint32 per /16:
 *		  LPM_CHUNK | [LPM_DEEP] | offset (in words): a chunk;
 *		  LPM_DIRTY: to rebuild from the trie before use;
 *		  else the leaf for the whole /16 (no longer prefix in it).
 *   chunk	the 256 /24s of a /16 as runs of equal leaves: a 256-bit
 *		bitmap (bit i: a run starts at /24 i), the runs before each
 *		of its four words (cum), and one nibble per run.  The run of
 *		/24 i is rank(i) - 1, rank counting set bits up to and
 *		including i.  Within a /16 the leaves are one default (the
 *		best of /16 or shorter, stored once as a byte) and /17 to
 *		/24, so a nibble is 0 for the default, else length - 16.
 *   deep chunk	the same, plus a 256-bit bitmap of the /24s that hold
 *		prefixes longer than /24; each of those has a sub-chunk of
 *		the plain form over the last octet, whose default is the
 *		/24's own answer and nibbles length - 24 for /25 to /32.
 *
 * Maintenance is lazy and per /16: a prefix gaining its first route or
 * losing its last one marks the /16s it touches dirty (a store into top,
 * nothing else), and the next lookup or rib_longest_prepare() rebuilds
 * a dirty /16 from the trie.  A rebuilt chunk is appended to the pool;
 * the old one becomes garbage, and when garbage is most of the pool it
 * is emptied and every chunk rebuilt on demand.
 *
 * The index is changed from rib_longest(), which takes a const RIB: the
 * RIB is used from one thread (the event loop), as everywhere else.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "core/rib.h"
#include "core/rib-private.h"

#define LPM_TOP		65536
#define LPM_CHUNK	0x80000000U
#define LPM_DEEP	0x40000000U
#define LPM_DIRTY	0x40000000U	/* without LPM_CHUNK */
#define LPM_OFFMASK	0x3fffffffU

/*
 * Byte offsets in a chunk.  Plain: bm[4] (uint64), cum[4], def, then the
 * nibbles.  Deep: bm[4], dm[4], cum[4], dcum[4], def, 3 spare, the
 * sub-chunks' offsets (uint32, one per bit of dm), then the nibbles.
 */
#define LPM_PDEF	36
#define LPM_PNIB	37
#define LPM_DDEF	72
#define LPM_DCHILD	76
/* Leaf values above these are stored as nibbles over them. */
#define LPM_BASE16	17	/* /17../24 in a /16: 18..25 */
#define LPM_BASE24	25	/* /25../32 in a /24: 26..33 */

struct rib_lpm {
	uint32_t	*top;		/* LPM_TOP entries, NULL until used */
	uint64_t	*pool;
	size_t		 used, cap;	/* in uint64 words */
	size_t		 garbage;
	size_t		 dirty;		/* top entries marked LPM_DIRTY */
	/* Scratch for one /16's build. */
	uint8_t		 val[256];
	int16_t		 deepidx[256];
	uint8_t		*deep;		/* 256 x 256 bytes */
	int		 ndeep;
};

static size_t	 rib_lpm_runs(const uint8_t *, unsigned int, uint64_t *,
		     uint8_t *, uint8_t *, uint8_t *);
static size_t	 rib_lpm_alloc(struct rib_lpm *, size_t);
static size_t	 rib_lpm_chunk_size(const struct rib_lpm *, uint32_t);
static size_t	 rib_lpm_emit(struct rib_lpm *, const uint8_t *,
		     unsigned int);
static void	 rib_lpm_paint(struct rib_lpm *, const struct rib_node4 *,
		     uint32_t);
static uint32_t	 rib_lpm_build(struct rib_lpm *, const struct rib_fam *,
		     uint32_t);
static void	 rib_lpm_compact(struct rib_lpm *);
static void	 rib_lpm_init(struct rib_lpm *);
static size_t	 rib_lpm_plain_size(const uint64_t *);
static inline unsigned int rib_lpm_popcount(uint64_t);
static inline void rib_lpm_match(struct prefix *, uint32_t, int);
static inline int rib_lpm_resolve(const struct rib_lpm *, uint32_t,
		     uint32_t);
static uint32_t	 rib_lpm_entry(struct rib_lpm *, const struct rib_fam *,
		     uint32_t);
static int	rib_lpm_lookup(const struct rib *, uint32_t);

/*
 * Set bits in x.  Without a popcount instruction (the default x86-64
 * target has none) __builtin_popcountll() is an out-of-line call into
 * libgcc for every rank; this is a few inline arithmetic steps.
 */
static inline unsigned int
rib_lpm_popcount(uint64_t x)
{
#ifdef __POPCNT__
	return (__builtin_popcountll(x));
#else
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return ((x * 0x0101010101010101ULL) >> 56);
#endif
}

struct rib_lpm *
rib_lpm_new(void)
{
	return (xcalloc(1, sizeof (struct rib_lpm)));
}

void
rib_lpm_free(struct rib_lpm *l)
{
	if (l == NULL)
		return;
	free(l->top);
	free(l->pool);
	free(l->deep);
	free(l);
}

size_t
rib_lpm_mem(const struct rib_lpm *l)
{
	size_t	m;

	if (l == NULL)
		return (0);
	m = sizeof *l + l->cap * sizeof *l->pool;
	if (l->top != NULL)
		m += LPM_TOP * sizeof *l->top;
	if (l->deep != NULL)
		m += 256 * 256;
	return (m);
}

/*
 * Node n of the IPv4 trie gained its first route or lost its last: the
 * /16s it covers must be rebuilt before their next lookup.
 */
void
rib_lpm_dirty(struct rib *r, const struct rib_fam *f, uint32_t n)
{
	struct rib_lpm	*l = r->lpm;
	uint32_t	 x, e, count, i;
	unsigned int	 len;

	if (f->v6) {
		rib_lpm6_dirty(r, f, n);
		return;
	}
	if (l == NULL || l->top == NULL)
		return;
	len = RIB_N4LEN(f->n4, n);
	x = f->n4[n].key >> 16;
	count = len >= 16 ? 1 : 1U << (16 - len);
	for (i = x; i < x + count; i++) {
		e = l->top[i];
		if (e == LPM_DIRTY)
			continue;
		if (e & LPM_CHUNK)
			l->garbage += rib_lpm_chunk_size(l, e);
		l->top[i] = LPM_DIRTY;
		l->dirty++;
	}
}

/*
 * The runs of v[256] (leaf values, see above): bitmap bm[4], runs before
 * each word cum[4], the default *def (the one value not above base) and
 * one nibble per run in nib (v - base, or 0 for the default).  Returns
 * the number of runs.
 */
static size_t
rib_lpm_runs(const uint8_t *v, unsigned int base, uint64_t *bm,
    uint8_t *cum, uint8_t *def, uint8_t *nib)
{
	size_t	n = 0;
	int	i;

	memset(bm, 0, 4 * sizeof *bm);
	memset(nib, 0, 128);
	*def = 0;
	for (i = 0; i < 256; i++) {
		if ((i & 63) == 0)
			cum[i >> 6] = n;	/* at most 192: fits */
		if (i != 0 && v[i] == v[i - 1])
			continue;
		bm[i >> 6] |= 1ULL << (i & 63);
		if (v[i] > base)
			nib[n >> 1] |= (v[i] - base) << ((n & 1) << 2);
		else
			*def = v[i];
		n++;
	}
	return (n);
}

/*
 * Room for n words at the pool's end; returns their offset (30 bits of
 * words in a top entry: 8 GB, far beyond any table).
 */
static size_t
rib_lpm_alloc(struct rib_lpm *l, size_t n)
{
	size_t	o;

	if (l->used + n > l->cap) {
		l->cap = l->cap < 4096 ? 4096 : l->cap + l->cap / 2;
		if (l->cap < l->used + n)
			l->cap = l->used + n;
		l->pool = xreallocarray(l->pool, l->cap, sizeof *l->pool);
	}
	o = l->used;
	l->used += n;
	memset(l->pool + o, 0, n * sizeof *l->pool);
	return (o);
}

/* Words taken by a plain chunk. */
static size_t
rib_lpm_plain_size(const uint64_t *c)
{
	const uint8_t	*cum = (const uint8_t *)(c + 4);
	size_t		 runs;

	runs = cum[3] + rib_lpm_popcount(c[3]);
	return ((LPM_PNIB + (runs + 1) / 2 + 7) / 8);
}

/* Words taken by the chunk of top entry e, sub-chunks included. */
static size_t
rib_lpm_chunk_size(const struct rib_lpm *l, uint32_t e)
{
	const uint64_t	*c = l->pool + (e & LPM_OFFMASK);
	const uint8_t	*cum;
	const uint32_t	*child;
	size_t		 runs, nd, i, sz;

	if (!(e & LPM_DEEP))
		return (rib_lpm_plain_size(c));
	cum = (const uint8_t *)(c + 8);
	runs = cum[3] + rib_lpm_popcount(c[3]);
	nd = cum[7] + rib_lpm_popcount(c[7]);
	child = (const uint32_t *)((const uint8_t *)c + LPM_DCHILD);
	sz = (LPM_DCHILD + 4 * nd + (runs + 1) / 2 + 7) / 8;
	for (i = 0; i < nd; i++)
		sz += rib_lpm_plain_size(l->pool + child[i]);
	return (sz);
}

/* A plain chunk for v[256]; returns its offset. */
static size_t
rib_lpm_emit(struct rib_lpm *l, const uint8_t *v, unsigned int base)
{
	uint64_t	bm[4];
	uint8_t		cum[4], def, nib[128], *b;
	size_t		n, o;

	n = rib_lpm_runs(v, base, bm, cum, &def, nib);
	o = rib_lpm_alloc(l, (LPM_PNIB + (n + 1) / 2 + 7) / 8);
	b = (uint8_t *)(l->pool + o);
	memcpy(b, bm, sizeof bm);
	memcpy(b + 32, cum, sizeof cum);
	b[LPM_PDEF] = def;
	memcpy(b + LPM_PNIB, nib, (n + 1) / 2);
	return (o);
}

/*
 * Paint the prefixes with routes under node n (all inside the /16 being
 * built) into val / deep, in preorder: a prefix is painted after every
 * shorter prefix that covers it (its trie ancestors), so the longest
 * wins.  A /24 gets its sub-array when its first longer prefix is met,
 * seeded with its value at that time: every prefix of /24 or shorter
 * covering it is an ancestor, so already painted.
 */
static void
rib_lpm_paint(struct rib_lpm *l, const struct rib_node4 *v, uint32_t n)
{
	const struct rib_nhdr	*h;
	uint32_t		 key, start, count, d;
	unsigned int		 len;

	for (; n != 0; n = RIB_N4CHILD(v, n, 1)) {
		h = &v[n].h;
		if (h->routes != 0) {
			len = RIB_N4LEN(v, n);
			key = v[n].key;
			if (len <= 24) {
				start = len <= 16 ? 0 : (key >> 8) & 0xff;
				count = len <= 16 ? 256 : 1U << (24 - len);
				memset(l->val + start, len + 1, count);
			} else {
				d = (key >> 8) & 0xff;
				if (l->deepidx[d] < 0) {
					l->deepidx[d] = l->ndeep;
					memset(l->deep + 256 * l->ndeep,
					    l->val[d], 256);
					l->ndeep++;
				}
				memset(l->deep + 256 * l->deepidx[d] +
				    (key & 0xff), len + 1, 1U << (32 - len));
			}
		}
		if (RIB_N4CHILD(v, n, 0) != 0)
			rib_lpm_paint(l, v, RIB_N4CHILD(v, n, 0));
	}
}

/* Build the top entry of /16 x from the trie. */
static uint32_t
rib_lpm_build(struct rib_lpm *l, const struct rib_fam *f, uint32_t x)
{
	const struct rib_node4	*v = f->n4;
	unsigned int		 nl;
	uint64_t		 bm[4], dm[4];
	uint8_t			 cum[4], dcum[4], def, nib[128], *b;
	uint32_t		 n, key = x << 16, m, child[256];
	size_t			 runs, o, i;
	uint8_t			 best = 0;
	int			 d;

	/* Down to the first node at /16 or below that is inside x. */
	for (n = f->root; n != 0;) {
		nl = RIB_N4LEN(v, n);
		if (nl >= 16) {
			if ((v[n].key ^ key) >> 16 != 0)
				n = 0;
			break;
		}
		m = nl == 0 ? 0 : ~0U << (32 - nl);
		if ((v[n].key ^ key) & m) {
			n = 0;
			break;
		}
		if (v[n].h.routes != 0)
			best = nl + 1;
		n = RIB_N4CHILD(v, n, (key >> (31 - nl)) & 1);
	}
	if (n == 0)
		return (best);
	memset(l->val, best, sizeof l->val);
	memset(l->deepidx, 0xff, sizeof l->deepidx);
	l->ndeep = 0;
	if (l->deep == NULL)
		l->deep = xcalloc(256, 256);
	/* n's subtree is all inside x (its siblings are not). */
	rib_lpm_paint(l, v, n);
	if (l->ndeep == 0) {
		for (i = 1; i < 256; i++)
			if (l->val[i] != l->val[0])
				break;
		if (i == 256)
			return (l->val[0]);
		return (LPM_CHUNK | rib_lpm_emit(l, l->val, LPM_BASE16));
	}
	/* Sub-chunks first, in /24 order, then the chunk that names them. */
	memset(dm, 0, sizeof dm);
	for (d = 0, i = 0; d < 256; d++) {
		if (l->deepidx[d] < 0)
			continue;
		dm[d >> 6] |= 1ULL << (d & 63);
		child[i++] = rib_lpm_emit(l, l->deep + 256 * l->deepidx[d],
		    LPM_BASE24);
	}
	for (d = 0, i = 0; d < 256; d++) {
		if ((d & 63) == 0)
			dcum[d >> 6] = i;
		if (dm[d >> 6] & (1ULL << (d & 63)))
			i++;
	}
	runs = rib_lpm_runs(l->val, LPM_BASE16, bm, cum, &def, nib);
	o = rib_lpm_alloc(l, (LPM_DCHILD + 4 * l->ndeep + (runs + 1) / 2 +
	    7) / 8);
	b = (uint8_t *)(l->pool + o);
	memcpy(b, bm, sizeof bm);
	memcpy(b + 32, dm, sizeof dm);
	memcpy(b + 64, cum, sizeof cum);
	memcpy(b + 68, dcum, sizeof dcum);
	b[LPM_DDEF] = def;
	memcpy(b + LPM_DCHILD, child, 4 * l->ndeep);
	memcpy(b + LPM_DCHILD + 4 * l->ndeep, nib, (runs + 1) / 2);
	return (LPM_CHUNK | LPM_DEEP | o);
}

/* Drop every chunk: each is rebuilt on its next use. */
static void
rib_lpm_compact(struct rib_lpm *l)
{
	uint32_t	i;

	for (i = 0; i < LPM_TOP; i++) {
		if (l->top[i] & LPM_CHUNK) {
			l->top[i] = LPM_DIRTY;
			l->dirty++;
		}
	}
	l->used = 0;
	l->garbage = 0;
}

/* The top entry of /16 x, rebuilt first if dirty. */
static uint32_t
rib_lpm_entry(struct rib_lpm *l, const struct rib_fam *f, uint32_t x)
{
	uint32_t	e;

	if ((e = l->top[x]) != LPM_DIRTY)
		return (e);
	if (l->garbage > 65536 && l->garbage > l->used / 2)
		rib_lpm_compact(l);
	e = rib_lpm_build(l, f, x);
	l->top[x] = e;
	l->dirty--;
	return (e);
}

/* The top level, every /16 dirty: chunks are built on first use. */
static void
rib_lpm_init(struct rib_lpm *l)
{
	uint32_t	i;

	l->top = xreallocarray(NULL, LPM_TOP, sizeof *l->top);
	for (i = 0; i < LPM_TOP; i++)
		l->top[i] = LPM_DIRTY;
	l->dirty = LPM_TOP;
}

/*
 * Build whatever is dirty now, so that the next lookups find everything
 * ready (a compaction while building dirties more: go round again).
 */
void
rib_longest_prepare(const struct rib *r)
{
	struct rib_lpm	*l = r->lpm;
	uint32_t	 i;

	rib_lpm6_prepare(r);
	if (l->top == NULL)
		rib_lpm_init(l);
	while (l->dirty != 0) {
		for (i = 0; l->dirty != 0 && i < LPM_TOP; i++) {
			if (l->top[i] == LPM_DIRTY)
				(void)rib_lpm_entry(l, &r->fam[0], i);
		}
	}	/* A bulk build leaves up to a third of the pool unused: give it back. */
	if (l->cap > l->used + l->used / 8 && l->used != 0) {
		l->pool = xreallocarray(l->pool, l->used, sizeof *l->pool);
		l->cap = l->used;
	}
}

/*
 * The leaf of position b in the runs bm / cum, with default def and
 * nibbles nib over base.
 */
static inline int
rib_lpm_leaf(const uint64_t *bm, const uint8_t *cum, int def,
    const uint8_t *nib, unsigned int b, int base)
{
	unsigned int	w = b >> 6, i, x;

	i = cum[w] + rib_lpm_popcount(bm[w] & ((2ULL << (b & 63)) - 1)) - 1;
	x = (nib[i >> 1] >> ((i & 1) << 2)) & 0xf;
	return (x != 0 ? (int)x + base : def);
}

/* *m = a cut to len bits. */
static inline void
rib_lpm_match(struct prefix *m, uint32_t a, int len)
{
	a &= len == 0 ? 0 : ~0U << (32 - len);
	memset(m, 0, sizeof *m);
	m->addr.af = AF_INET;
	m->len = len;
	m->addr.b[0] = a >> 24;
	m->addr.b[1] = a >> 16;
	m->addr.b[2] = a >> 8;
	m->addr.b[3] = a;
}

/*
 * The length + 1 of the longest IPv4 prefix with routes covering address
 * a, or 0 if none.
 */
static int
rib_lpm_lookup(const struct rib *r, uint32_t a)
{
	struct rib_lpm	*l = r->lpm;
	uint32_t	 e;

	if (l->top == NULL)
		rib_lpm_init(l);
	e = l->top[a >> 16];
	if (!(e & LPM_CHUNK)) {
		if (e != LPM_DIRTY)
			return (e);
		e = rib_lpm_entry(l, &r->fam[0], a >> 16);
		if (!(e & LPM_CHUNK))
			return (e);
	}
	return (rib_lpm_resolve(l, e, a));
}

/* The leaf of address a in top entry e (not dirty), as rib_lpm_lookup(). */
static inline int
rib_lpm_resolve(const struct rib_lpm *l, uint32_t e, uint32_t a)
{
	const uint64_t	*c, *s;
	const uint8_t	*cb, *cum, *sb;
	unsigned int	 b, w, nd;

	if (!(e & LPM_CHUNK))
		return (e);
	c = l->pool + (e & LPM_OFFMASK);
	cb = (const uint8_t *)c;
	/*
	 * A chunk is 40 to 160 bytes, mostly 50 to 60: ask for the line
	 * after its start now, so that a rank landing there does not wait
	 * for a second miss.
	 */
	__builtin_prefetch(cb + 64);
	b = (a >> 8) & 0xff;
	if (!(e & LPM_DEEP))
		return (rib_lpm_leaf(c, cb + 32, cb[LPM_PDEF], cb + LPM_PNIB,
		    b, LPM_BASE16));
	w = b >> 6;
	cum = cb + 64;
	if (c[4 + w] & (1ULL << (b & 63))) {
		/* A /24 with longer prefixes: its own chunk. */
		s = l->pool + ((const uint32_t *)(cb + LPM_DCHILD))[cum[4 + w] +
		    rib_lpm_popcount(c[4 + w] & ((1ULL << (b & 63)) - 1))];
		sb = (const uint8_t *)s;
		return (rib_lpm_leaf(s, sb + 32, sb[LPM_PDEF], sb + LPM_PNIB,
		    a & 0xff, LPM_BASE24));
	}
	nd = cum[7] + rib_lpm_popcount(c[7]);
	return (rib_lpm_leaf(c, cum, cb[LPM_DDEF], cb + LPM_DCHILD + 4 * nd,
	    b, LPM_BASE16));
}

/* rib_longest() of an IPv4 address (p->len 32): the hot path. */
int
rib_lpm_longest(const struct rib *r, const struct prefix *p,
    struct prefix *match)
{
	uint32_t	a;
	int		v;

	a = (uint32_t)p->addr.b[0] << 24 | (uint32_t)p->addr.b[1] << 16 |
	    (uint32_t)p->addr.b[2] << 8 | p->addr.b[3];
	if ((v = rib_lpm_lookup(r, a)) == 0)
		return (0);
	if (match != NULL)
		rib_lpm_match(match, a, v - 1);
	return (1);
}

/*
 * Many lookups at once: IPv4 addresses in groups of LPM_GROUP, each step
 * done for the whole group before the next, the memory the next step
 * reads prefetched for all of them first, so that their cache misses
 * overlap instead of following one another.  Anything else is answered
 * by rib_longest() one at a time.
 */
#define LPM_GROUP	16

size_t
rib_longest_batch(const struct rib *r, const struct prefix *p, size_t n,
    struct prefix *match, int *found)
{
	struct rib_lpm	*l = r->lpm;
	const uint64_t	*c;
	uint32_t	 a[LPM_GROUP], e[LPM_GROUP];
	size_t		 i, j, k, g, nfound = 0;
	int		 v, pass, one[LPM_GROUP];

	if (l->top == NULL)
		rib_lpm_init(l);
	for (i = 0; i < n; i += g) {
		g = n - i < LPM_GROUP ? n - i : LPM_GROUP;
		for (j = 0; j < g; j++) {
			const struct prefix	*q = &p[i + j];

			one[j] = q->addr.af != AF_INET || q->len != 32;
			a[j] = (uint32_t)q->addr.b[0] << 24 |
			    (uint32_t)q->addr.b[1] << 16 |
			    (uint32_t)q->addr.b[2] << 8 | q->addr.b[3];
			__builtin_prefetch(&l->top[a[j] >> 16]);
		}
		/*
		 * Rebuild what is dirty before holding any offset: a
		 * rebuild may compact the pool and dirty the others again
		 * (once: compaction leaves no garbage behind it).
		 */
		for (pass = 0; pass < 2; pass++)
			for (j = 0; j < g; j++)
				if (!one[j] && l->top[a[j] >> 16] == LPM_DIRTY)
					(void)rib_lpm_entry(l, &r->fam[0],
					    a[j] >> 16);
		for (j = 0; j < g; j++) {
			e[j] = l->top[a[j] >> 16];
			if (!one[j] && (e[j] & LPM_CHUNK)) {
				c = l->pool + (e[j] & LPM_OFFMASK);
				__builtin_prefetch(c);
				__builtin_prefetch(c + 8);
			}
		}
		for (j = 0; j < g; j++) {
			k = i + j;
			if (one[j]) {
				found[k] = rib_longest(r, &p[k], &match[k]);
				nfound += found[k];
				continue;
			}
			v = rib_lpm_resolve(l, e[j], a[j]);
			if ((found[k] = v != 0) == 0)
				continue;
			nfound++;
			rib_lpm_match(&match[k], a[j], v - 1);
		}
	}
	return (nfound);
}
