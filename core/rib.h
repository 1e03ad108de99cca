/* SPDX-License-Identifier: ISC */
/*
 * The in-memory RIB: every monitored peer's routes, for IPv4 and IPv6
 * unicast, in one path-compressed prefix trie per family (one node per
 * distinct prefix, with the routes of every peer that has it hung off
 * the node, as BIRD keeps several routes per net).  Path attributes are
 * interned: one reference-counted copy of each distinct attribute set,
 * shared by every route that carries it, so several full tables fit in
 * memory (the target is at most 64 bytes per stored route, indexes in).
 *
 * Queries: a peer's route for a prefix (exact), the longest match for an
 * address or prefix (covering), and a walk over a prefix's more-specifics.
 *
 * Watches: the route monitor registers its prefixes of interest; any
 * change to a route at a watched prefix or at one of its more-specifics
 * calls the watch hook with the watch's id (the trie finds this on the
 * path it walks anyway, so the cost is nil for everything else).
 *
 * Nothing here prints, exits (beyond x*alloc), or knows about sockets,
 * curses or SQL.
 */
#ifndef PEERTOP_RIB_H
#define PEERTOP_RIB_H

#include <stddef.h>
#include <stdint.h>

#include "core/decode-bgp.h"
#include "core/util.h"

struct session;
struct mrt_decoder;
struct mrt_record;

/* What a monitored peer's routes are (RFC 7854 4.2, RFC 8671, RFC 9069). */
enum rib_peer_kind {
	RIB_PEER_ADJ_IN_PRE = 0,	/* BMP pre-policy Adj-RIB-In */
	RIB_PEER_ADJ_IN_POST,		/* BMP post-policy Adj-RIB-In */
	RIB_PEER_ADJ_OUT_PRE,		/* RFC 8671 */
	RIB_PEER_ADJ_OUT_POST,
	RIB_PEER_LOC_RIB,		/* RFC 9069 */
	RIB_PEER_MRT,			/* an MRT file's peer */
};
const char	*rib_peer_kind_name(enum rib_peer_kind);	/* "pre-policy" */

/* The identity of a monitored peer: all fields are compared. */
struct rib_peer_key {
	char			 router[64];	/* BMP sysName or address; "" */
	struct addr		 addr;		/* the peer's address */
	uint32_t		 asn;
	uint64_t		 distinguisher;	/* BMP peer distinguisher */
	enum rib_peer_kind	 kind;
};

/*
 * A cap shared by several peers (a BMP router's max-routes, set by the
 * feeder, which owns it): the RIB keeps nroutes equal to the routes of
 * every peer attached to it (rib_peer_quota()).  With nroutes at limit, a
 * new route of any of them is not stored, only counted in dropped;
 * replacing and withdrawing routes go on.  0: no limit.  Nothing per
 * route: one pointer per peer.
 */
struct rib_quota {
	size_t			 nroutes;
	size_t			 limit;
	uint64_t		 dropped;
};

struct rib_peer {
	struct rib_peer_key	 key;
	uint32_t		 bgp_id;
	/* The configured session this peer is (set by the feeder), or NULL. */
	struct session		*session;
	size_t			 nroutes;	/* routes held now */
	uint64_t		 announced, withdrawn;	/* counted since add */
	/*
	 * max-prefix drop (set by the feeder): with nroutes at limit, an
	 * announcement of a route the peer does not have is not stored,
	 * only counted in dropped (since add); replacing and withdrawing
	 * routes it has go on.  0: no limit.  The feeder tells new drops
	 * by the count before and after an update.
	 */
	size_t			 limit;
	uint64_t		 dropped;
	struct rib_quota	*quota;		/* rib_peer_quota(), or NULL */
	int			 up;		/* cleared by rib_peer_flush() */
};

/* rib_attr.as4: a 4-octet AS_PATH from a 2-octet session. */
#define RIB_AS4_OLD_PEER	2

/*
 * An interned attribute set.  The raw bytes are the canonical form of the
 * path attributes: as received, except that MP_REACH_NLRI keeps only its
 * next hop (RFC 6396 4.3.4 form) and MP_UNREACH_NLRI is dropped, so they
 * decode with decode_bgp_attrs() and opts {as4, as4_old_peer, mrt_rib = 1}
 * as rib_attr_decode() sets them from the as4 field.
 */
struct rib_attr {
	uint32_t	 refcnt;
	uint32_t	 hash;
	uint32_t	 origin_as;	/* last ASN of the path, 0 if none/AS_SET */
	uint32_t	 id;		/* the RIB's own index of the set */
	uint16_t	 len;
	/*
	 * 0: AS_PATH in 2 octets; 1: in 4; RIB_AS4_OLD_PEER: in 4, but
	 * from a session without 4-octet ASNs, so AS4_PATH is merged (RFC
	 * 6793 4.2.3; see bgp_decode_opts.as4_old_peer).
	 */
	uint8_t		 as4;
	uint8_t		 pathlen;	/* ASNs in the path (capped at 255) */
	uint8_t		 raw[];		/* len bytes */
};

/* One route, as a query returns it. */
struct rib_route {
	struct prefix		 prefix;
	int			 peer;		/* rib_peer() id */
	uint32_t		 path_id;	/* RFC 7911, 0 without ADD-PATH */
	const struct rib_attr	*attr;
	int			 rov;		/* enum vrp_state (core/vrp.h) */
};

struct rib_stats {
	size_t		 prefixes;	/* distinct prefixes with routes */
	size_t		 nodes;		/* trie nodes, glue included */
	size_t		 routes;
	size_t		 attrs;		/* distinct interned attribute sets */
	size_t		 attr_bytes;	/* their raw bytes */
	size_t		 mem;		/* bytes allocated by the RIB, all in */
	/* mem by part (the rest: peers, watches, scratch): */
	size_t		 mem_routes;	/* route entries */
	size_t		 mem_nodes;	/* trie nodes, both families */
	size_t		 mem_attrs;	/* attribute sets, their table, hash */
	size_t		 mem_index;	/* longest-match indexes */
};

struct rib;

struct rib	*rib_new(void);
void		 rib_free(struct rib *);
void		 rib_stats(const struct rib *, struct rib_stats *);

/* Peers: find or add (returns the id, stable for the RIB's life). */
int		 rib_peer_get(struct rib *, const struct rib_peer_key *);
int		 rib_peer_find(const struct rib *, const struct rib_peer_key *);
struct rib_peer	*rib_peer(struct rib *, int id);
size_t		 rib_npeers(const struct rib *);
/* Remove every route of a peer (Peer Down); watch hooks fire. */
void		 rib_peer_flush(struct rib *, int id);
/*
 * Attach a peer to a quota (NULL: detach), moving its routes' count from
 * the one it had.  The owner detaches every peer before freeing a quota.
 */
void		 rib_peer_quota(struct rib *, int id, struct rib_quota *);

/*
 * Intern an attribute section (the path attributes of an UPDATE, or of a
 * TABLE_DUMP_V2 RIB entry when opts->mrt_rib).  A set already interned is
 * found by its bytes without decoding; a new one is decoded once to
 * validate it.  Returns the set with a reference the caller owns; NULL
 * with *taw set for an RFC 7606 treat-as-withdraw set (reason in cause),
 * NULL with a cause for a session-reset class error.
 */
struct rib_attr	*rib_attr_get(struct rib *, const uint8_t *, size_t,
		    const struct bgp_decode_opts *, int *taw, char **cause);
void		 rib_attr_put(struct rib *, struct rib_attr *);
/* Decode an interned set (free with decode_bgp_attrs_free()); 0 or -1. */
int		 rib_attr_decode(const struct rib_attr *, struct bgp_attrs *);

/*
 * Add or replace the route of (peer, prefix, path_id); the RIB takes its
 * own reference on attr.  A new route beyond the peer's limit or its
 * quota's is dropped (see struct rib_peer, struct rib_quota).  Withdraw removes it (no-op if absent).  Return
 * 1 if the RIB changed, else 0.
 */
int		 rib_announce(struct rib *, int peer, const struct prefix *,
		    uint32_t path_id, struct rib_attr *);
int		 rib_withdraw(struct rib *, int peer, const struct prefix *,
		    uint32_t path_id);

/*
 * Apply a whole BGP UPDATE body (after the 19-byte header) from a peer:
 * withdrawn routes, NLRI, MP_REACH / MP_UNREACH for IPv4 and IPv6 unicast
 * (other AFI/SAFIs ignored), ADD-PATH per opts, RFC 7606 treat-as-withdraw
 * (the update's announcements are withdrawn).  Nothing is allocated per
 * update when its attributes are already interned.  Returns the number
 * of prefixes announced + withdrawn, or -1 with a cause on a session-reset
 * class error (nothing applied).  The counts are added to *st (which may
 * be NULL): announced, withdrawn (routes that were there), taw (prefixes
 * withdrawn for RFC 7606 treat-as-withdraw).
 */
struct rib_update_stats {
	uint64_t	announced, withdrawn, taw;
};
int		 rib_update(struct rib *, int peer, const uint8_t *, size_t,
		    const struct bgp_decode_opts *, struct rib_update_stats *,
		    char **cause);

/*
 * Load one MRT record into the RIB (TABLE_DUMP, TABLE_DUMP_V2 incl. the
 * RFC 8050 variants, BGP4MP(_ET) messages; a state change away from
 * Established flushes that peer).  Peers are RIB_PEER_MRT, router "".
 * 0, or -1 with a located cause (the caller may go on).
 */
int		 rib_mrt_record(struct rib *, struct mrt_decoder *,
		    const struct mrt_record *, const char *name,
		    char **cause);

/*
 * Internal to rib.c and rib-mrt.c: the RIB peer id of each entry of the
 * decoder's TABLE_DUMP_V2 peer index (rebuilt when it changed, or when
 * rebuild is set).
 */
const int	*rib_mrt_peermap(struct rib *, const struct mrt_decoder *,
		    int rebuild);

/* Queries. */
/* The route of (peer, prefix, path_id); 1 found, 0 not. */
int		 rib_lookup(const struct rib *, int peer, const struct prefix *,
		    uint32_t path_id, struct rib_route *);
/*
 * Longest match: the most specific prefix with routes that covers p
 * (p itself included).  Sets *match; 1 found, 0 none.
 */
int		 rib_longest(const struct rib *, const struct prefix *p,
		    struct prefix *match);
/*
 * Addresses (IPv4 /32, IPv6 /128) are answered from compact indexes kept
 * beside the tries (core/rib-lpm.c, core/rib-lpm6.c), rebuilt per /16 on
 * the first lookup after a change there.  rib_longest_prepare() builds
 * whatever is out of date now (after a bulk load, say), so that no
 * lookup pays for it.
 */
void		 rib_longest_prepare(const struct rib *);
/*
 * rib_longest() of p[0..n-1] into match[i] and found[i] (1 or 0); returns
 * how many were found.  IPv4 addresses are looked up in small groups in
 * lockstep with their memory prefetched, so that cache misses overlap:
 * more lookups per second, no faster for any single one.
 */
size_t		 rib_longest_batch(const struct rib *, const struct prefix *p,
		    size_t n, struct prefix *match, int *found);
/*
 * Call cb for every route at p (exact) or, with more != 0, at p and every
 * more-specific of p.  cb returns 0 to go on, else the walk stops and
 * returns that value.
 */
typedef int	(*rib_route_cb)(const struct rib_route *, void *);
int		 rib_walk(const struct rib *, const struct prefix *, int more,
		    rib_route_cb, void *);

/*
 * Watches: id is the caller's; hook(arg, id) on every change at p or a
 * more-specific of p, once for each watched prefix covering the change.
 */
void		 rib_watch(struct rib *, const struct prefix *, int id);
void		 rib_set_watch_hook(struct rib *, void (*)(void *, int),
		    void *);

/*
 * RPKI origin validation (core/rib-rov.c): every route carries its state
 * against a VRP index (enum vrp_state; not-found while none is set), in
 * two bits of its entry.  A route announced or replaced is validated as
 * it is stored; when the VRPs change, only the routes under the changed
 * VRPs' prefixes are revalidated.  The RIB does not own the index: the
 * caller keeps it alive until it sets another (or NULL).
 *
 * rib_rov_set(): validate every route against ix (the first index, or
 * after a reset); rib_rov_update(): switch to ix, revalidating the routes
 * at or under d->prefixes (vrp_diff() of the old index and ix).  Both
 * call cb (if not NULL) for each route whose state changed, with the
 * old state, and return how many changed; cb must not change the RIB.
 */
struct vrp_index;
struct vrp_diff;
typedef void	(*rib_rov_cb)(const struct rib_route *, int old, void *);
size_t		 rib_rov_set(struct rib *, const struct vrp_index *,
		    rib_rov_cb, void *);
size_t		 rib_rov_update(struct rib *, const struct vrp_index *,
		    const struct vrp_diff *, rib_rov_cb, void *);
/* Routes in each state, by enum vrp_state. */
void		 rib_rov_counts(const struct rib *, size_t counts[4]);

#endif
