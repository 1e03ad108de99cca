/* SPDX-License-Identifier: ISC */
/*
 * The RIB's insides, shared by core/rib.c (the tries, routes, queries,
 * watches) and core/rib-attr.c (attribute interning and UPDATEs); no
 * other file includes this.
 */
#ifndef PEERTOP_RIB_PRIVATE_H
#define PEERTOP_RIB_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/rib.h"

#define ATTR_OPTIONAL	0x80
#define ATTR_EXTLEN	0x10

#define RIB_MAXDEPTH	130	/* nodes on one root-to-leaf path, at most */

/* A 128-bit key, most significant bit first; IPv4 uses the top 32. */
struct rib_key {
	uint64_t	hi, lo;
};

/*
 * The part of a node both families share: its children and its first
 * route entry (0 if none).  An IPv4 node is 16 bytes: its length (0 to
 * 32) is kept in the top bits of child[0] and its watched flag in the
 * top bit of child[1], so that IPv4 node indices have RIB_N4BITS bits;
 * an IPv6 node keeps both in bytes of its own (32 bytes with its key).
 * Read and write them with the accessors below, never directly.
 */
struct rib_nhdr {
	uint32_t	child[2];
	uint32_t	routes;
};

#define RIB_N4BITS	26
#define RIB_N4IDX	((1U << RIB_N4BITS) - 1)
#define RIB_N4WATCHED	0x80000000U

struct rib_node4 {
	struct rib_nhdr	h;
	uint32_t	key;
};

struct rib_node6 {
	struct rib_nhdr	h;
	uint8_t		len;
	uint8_t		watched;
	uint64_t	hi, lo;
};

/*
 * One route: peer and path id at the node that holds it, and its RPKI
 * state (enum vrp_state) in 2 bits taken from the peer id, so that it
 * costs no memory (peer ids stay below RIB_MAXPEERS).
 */
#define RIB_MAXPEERS	(1U << 30)
struct rib_rentry {
	uint32_t	attr;		/* attrv index */
	uint32_t	path_id;
	uint32_t	peer:30;
	uint32_t	rov:2;
	uint32_t	next;		/* next route at the node, or free */
};

/* One trie with its node pool. */
struct rib_fam {
	int			 v6;
	int			 af;
	unsigned int		 bits;
	struct rib_node4	*n4;
	struct rib_node6	*n6;
	uint32_t		 nused;		/* pool entries used, 0 incl. */
	uint32_t		 cap;		/* entries, see rib_pool_grow() */
	uint32_t		 freel;
	uint32_t		 root;
	size_t			 nodes;
	size_t			 prefixes;
	uint64_t		 gen;	/* bumped when a node is freed */
};

struct rib_hent {
	uint32_t	hash;
	uint32_t	id;		/* attrv index, 0 empty */
};

struct rib_watchent {
	int		v6;
	uint32_t	node;
	int		id;
};

/* A link to a node: the parent's child slot, or the root (node 0). */
struct rib_link {
	uint32_t	node;
	uint8_t		side;
};

/* Watched nodes on a path. */
struct rib_wlist {
	uint32_t	n[RIB_MAXDEPTH];
	int		count;
};

struct rib_lpm;
struct rib_lpm6;

/* Attribute set slabs (core/rib-attr.c). */
#define RIB_SLAB_STEP	8
#define RIB_SLAB_MAX	512
#define RIB_SLAB_SIZE	(16384 - 16)
struct rib_slabclass {
	void		*free;		/* freed sets of the class */
	uint8_t		*next;		/* room left in the current slab */
	size_t		 left;
};
/* Under ASan every set is malloc'd, so that it checks each one. */
#if defined(__SANITIZE_ADDRESS__)
#define RIB_SLABS	0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RIB_SLABS	0
#endif
#endif
#ifndef RIB_SLABS
#define RIB_SLABS	1
#endif
/* Whether a set of n bytes (header included) lives in a slab. */
#define RIB_INSLAB(n)	(RIB_SLABS && (n) <= RIB_SLAB_MAX)

struct rib {
	struct rib_fam		 fam[2];	/* IPv4, IPv6 */
	struct rib_lpm		*lpm;		/* IPv4 longest match */
	struct rib_lpm6		*lpm6;		/* IPv6 longest match */

	struct rib_rentry	*rv;
	uint32_t		 rused, rcap, rfree;
	size_t			 routes;

	struct rib_attr		**attrv;	/* by id, [0] unused */
	uint32_t		 aused, acap;
	uint32_t		*afree;		/* free ids */
	uint32_t		 nafree, cafree;
	struct rib_hent		*ht;
	uint32_t		 htcap;		/* power of two */
	size_t			 nattrs;
	size_t			 attr_bytes;
	size_t			 attr_mem;	/* slabs and big sets */
	struct rib_slabclass	 slabcls[RIB_SLAB_MAX / RIB_SLAB_STEP];
	uint8_t			**slabs;
	size_t			 nslabs, cslabs;

	struct rib_peer		*peers;
	size_t			 npeers, cpeers;

	struct rib_watchent	*watches;
	size_t			 nwatches, cwatches;
	void			(*hook)(void *, int);
	void			*hookarg;

	/*
	 * The node of the last prefix announced, with its watches: a
	 * TABLE_DUMP_V2 record announces one prefix for many peers in a
	 * row.  Valid while no node was freed and no watch added.
	 */
	int			 lc_valid;
	struct rib_fam		*lc_fam;
	uint64_t		 lc_gen;
	struct rib_key		 lc_key;
	unsigned int		 lc_len;
	uint32_t		 lc_node;
	struct rib_wlist	 lc_wl;
	/*
	 * When the node had no routes as it was cached: the peers (ids
	 * below 64) that have one there since.  A peer not in it has no
	 * route to look for, which saves scanning the node's list.
	 */
	int			 lc_fresh;
	uint64_t		 lc_peers;

	uint8_t			*canon;		/* canonical attribute bytes */
	size_t			 canoncap;

	/*
	 * RPKI: the VRPs every route's rov was computed against (not
	 * owned), and how many routes are in each state.
	 */
	const struct vrp_index	*vrps;
	size_t			 rov_count[4];

	/* MRT: TABLE_DUMP_V2 peer index to RIB peer id. */
	const struct mrt_decoder *mrt_dec;
	const struct mrt_peer	*mrt_dpeers;
	size_t			 mrt_ndp;
	int			*mrt_map;
};

/* What canonicalising an attribute section found. */
struct rib_canon {
	const uint8_t	*p;		/* canonical bytes */
	size_t		 len;
	int		 origin, aspath;	/* ORIGIN / AS_PATH present */
	int		 reach_af;	/* MP_REACH unicast NLRI family, or 0 */
	struct buf	 reach;
	int		 unreach_af;
	struct buf	 unreach;
};

/*
 * core/rib.c for core/rib-rov.c: cb for every node with routes at or
 * under p (every one of p's family with p /0), with the node's prefix and
 * the index of its first route entry in rv (linked through next).
 */
typedef void	(*rib_entry_cb)(struct rib *, const struct prefix *,
		    uint32_t, void *);
void		 rib_walk_entries(struct rib *, const struct prefix *,
		    rib_entry_cb, void *);

/* core/rib-lpm.c: the IPv4 longest-match index beside the trie. */
struct rib_lpm	*rib_lpm_new(void);
void		 rib_lpm_free(struct rib_lpm *);
size_t		 rib_lpm_mem(const struct rib_lpm *);
void		 rib_lpm_dirty(struct rib *, const struct rib_fam *, uint32_t);
int		 rib_lpm_longest(const struct rib *, const struct prefix *,
		    struct prefix *);

/* core/rib-lpm6.c: the IPv6 one, the same way. */
struct rib_lpm6	*rib_lpm6_new(void);
void		 rib_lpm6_free(struct rib_lpm6 *);
size_t		 rib_lpm6_mem(const struct rib_lpm6 *);
void		 rib_lpm6_dirty(struct rib *, const struct rib_fam *, uint32_t);
void		 rib_lpm6_prepare(const struct rib *);
int		 rib_lpm6_longest(const struct rib *, const struct prefix *,
		    struct prefix *);

/*
 * Pools (nodes, route entries): an array grown to at least need entries
 * of size bytes, *cap updated.  Small pools are malloc'd; from 1 MB on
 * they are mapped and grown in place by a sixteenth at a time, so a full
 * table carries little unused capacity and growing never copies it.
 */
void		*rib_pool_grow(void *, uint32_t *cap, size_t need,
		    size_t size);
void		 rib_pool_free(void *, uint32_t cap, size_t size);

/* Node accessors (see struct rib_nhdr). */
static inline struct rib_nhdr *
rib_nh(const struct rib_fam *f, uint32_t i)
{
	return (f->v6 ? &f->n6[i].h : &f->n4[i].h);
}

static inline uint32_t
rib_child(const struct rib_fam *f, uint32_t n, int side)
{
	return (f->v6 ? f->n6[n].h.child[side] :
	    f->n4[n].h.child[side] & RIB_N4IDX);
}

static inline void
rib_child_set(struct rib_fam *f, uint32_t n, int side, uint32_t c)
{
	uint32_t	*p;

	if (f->v6)
		f->n6[n].h.child[side] = c;
	else {
		p = &f->n4[n].h.child[side];
		*p = (*p & ~RIB_N4IDX) | c;
	}
}

static inline unsigned int
rib_len(const struct rib_fam *f, uint32_t n)
{
	return (f->v6 ? f->n6[n].len : f->n4[n].h.child[0] >> RIB_N4BITS);
}

static inline int
rib_watched(const struct rib_fam *f, uint32_t n)
{
	return (f->v6 ? f->n6[n].watched :
	    (f->n4[n].h.child[1] & RIB_N4WATCHED) != 0);
}

/* An IPv4 node's length and children, for the hot loops. */
#define RIB_N4LEN(v, n)		((v)[n].h.child[0] >> RIB_N4BITS)
#define RIB_N4CHILD(v, n, s)	((v)[n].h.child[s] & RIB_N4IDX)

#endif
