/* SPDX-License-Identifier: ISC */
/*
 * AS relationships from CAIDA's AS Relationships data set, and the
 * valley-free check of an AS path against them (Gao, "On Inferring
 * Autonomous System Relationships in the Internet", 2001): a route goes
 * up from its origin through customer-to-provider links, crosses at
 * most one peer-to-peer link, and goes down through provider-to-customer
 * links.  An AS that passes a route learnt from a provider or a peer on
 * to another provider or peer leaks it (RFC 7908 types 1 to 4).
 *
 * The files: serial-1 ("as1|as2|rel") and serial-2 ("as1|as2|rel|source"),
 * rel -1 for as1 a provider of as2, 0 for peers; '#' starts a comment
 * line; plain or bzip2 (chosen by the first bytes, not the name).  A
 * line that is not of this form makes the load fail with "FILE:LINE: what
 * is wrong", and the caller keeps what it had.  A link listed twice keeps
 * its first relationship and is counted in nconflicts.
 *
 * The index is an open-addressing hash of ordered AS pairs, both
 * directions stored: one probe sequence per lookup, tens of millions of
 * lookups a second, about 32 bytes a link.  A loaded struct asrel is
 * read-only and may be shared.
 */
#ifndef PEERTOP_ASREL_H
#define PEERTOP_ASREL_H

#include <stddef.h>
#include <stdint.h>

struct bgp_aspath;
struct asrel;

/* The relationship of A to B. */
enum asrel_rel {
	ASREL_NONE = 0,		/* not in the data set */
	ASREL_P2C,		/* A is a provider of B */
	ASREL_C2P,		/* A is a customer of B */
	ASREL_P2P,		/* A and B are peers */
};

/* The outcome of the valley-free check. */
enum asrel_vf {
	ASREL_VF_VALID = 0,	/* every link known, the path valley-free */
	ASREL_VF_UNKNOWN,	/* valley-free only if unknown links allow */
	ASREL_VF_LEAK,		/* a valley whatever the unknown links are */
};

/*
 * Where a path leaks: leaker learnt the route from "from" (its provider
 * or peer, from_rel the relation of from to leaker) and passed it to
 * "to" (its provider or peer, to_rel the relation of leaker to to).
 */
struct asrel_leak {
	int		 found;		/* 1: the path leaks, fields below */
	uint32_t	 from, leaker, to;
	enum asrel_rel	 from_rel, to_rel;
	size_t		 nunknown;	/* links not in the data set */
};

/* Load a file (plain or .bz2); NULL with "FILE:LINE: ..." in *cause. */
struct asrel	*asrel_load(const char *path, char **cause);
/* The same from bytes already in memory (plain or bzip2), name for the
 * errors. */
struct asrel	*asrel_load_mem(const char *name, const void *, size_t,
		    char **cause);
void		 asrel_free(struct asrel *);
size_t		 asrel_nlinks(const struct asrel *);
size_t		 asrel_nconflicts(const struct asrel *);

/* The relationship of a to b. */
enum asrel_rel	 asrel_get(const struct asrel *, uint32_t a, uint32_t b);
/*
 * The last_rel of asrel_valley_free() for a neighbor of this role
 * (core/bgp-role.h): a provider's routes come down (p2c), a customer's
 * or route-server client's go up (c2p), a peer's or a route server's
 * come across (p2p; a transparent route server is not in the path).
 */
enum asrel_rel	 asrel_last_rel(int neighbor_role);
/* "p2c", "c2p", "p2p", "unknown". */
const char	*asrel_rel_name(enum asrel_rel);

/*
 * The valley-free check of a path given as ASNs in AS_PATH order
 * (neighbor first, origin last; prepends are collapsed here).
 * last_rel is the relation of the neighbor (asns[0]) to the receiver,
 * from the session's configured relation: the hop into the receiver is
 * checked too (a peer or customer must not send what it learnt from a
 * provider or peer); ASREL_NONE leaves that hop out.
 *
 * Unknown links are treated conservatively, against false alarms: an
 * unknown link may be any relationship, and a leak is reported only
 * when no choice for the unknown links makes the path valley-free
 * (then the result names the first known hop that cannot be).  A path
 * that is valley-free only through unknown links is ASREL_VF_UNKNOWN.
 * A link between an AS and itself is skipped (prepends).  The leak, if
 * any, is written to *leak (may be NULL).
 */
enum asrel_vf	 asrel_valley_free(const struct asrel *,
		    const uint32_t *asns, size_t n, enum asrel_rel last_rel,
		    struct asrel_leak *leak);
/*
 * The same on a decoded AS_PATH; a path with an AS_SET cannot be ordered
 * and is ASREL_VF_UNKNOWN; confederation segments are skipped.
 */
enum asrel_vf	 asrel_valley_free_path(const struct asrel *,
		    const struct bgp_aspath *, enum asrel_rel last_rel,
		    struct asrel_leak *leak);
/*
 * The leak in words: "AS64500 passes a route from its provider AS3356
 * to its peer AS1299" ("to its peer the receiver" for the last hop).
 * Writes at most len bytes; returns buf.
 */
char		*asrel_leak_str(const struct asrel_leak *, char *buf,
		    size_t len);

#endif
