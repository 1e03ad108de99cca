/* SPDX-License-Identifier: ISC */
/*
 * ASPA-based AS_PATH verification, the procedure of
 * draft-ietf-sidrops-aspa-verification (the up-ramp/down-ramp algorithm
 * of revision -16 and later, unchanged in substance through -20, the
 * latest revision read for this code): hop check (section 5), upstream
 * paths (6.3) and downstream paths (6.4).
 *
 * A pure function: the ASPA data come through a lookup callback (customer
 * AS -> its provider set, or no attestation), so this module knows
 * nothing of where the ASPAs come from (VRP JSON files, RTR v2).  It
 * allocates nothing for paths up to ASPA_PATH_MAX unique ASes and holds
 * no state.
 *
 * Which procedure applies depends on the session the route came in on:
 * upstream for a route from a customer, a lateral peer, a route server
 * (received by its client) or a route-server client (received by the
 * route server); downstream for a route from a provider.
 */
#ifndef PEERTOP_ASPA_H
#define PEERTOP_ASPA_H

#include <stddef.h>
#include <stdint.h>

struct bgp_aspath;

enum aspa_state {
	ASPA_UNKNOWN = 0,	/* a hop without attestation decides */
	ASPA_VALID,
	ASPA_INVALID,
};

enum aspa_dir {
	ASPA_UPSTREAM = 0,	/* from a customer, peer, RS or RS client */
	ASPA_DOWNSTREAM,	/* from a provider */
};

/* Section 5: the hop check, "is provider a provider of customer". */
enum aspa_hop {
	ASPA_HOP_NO_ATTESTATION = 0,
	ASPA_HOP_PROVIDER,		/* Provider+ */
	ASPA_HOP_NOT_PROVIDER,		/* Not Provider+ */
};

/* Why a path is Invalid. */
enum aspa_reason {
	ASPA_REASON_NONE = 0,
	ASPA_REASON_EMPTY,	/* no AS at all */
	ASPA_REASON_AS_SET,	/* an AS_SET segment (section 6.3/6.4 step 1) */
	ASPA_REASON_NEIGHBOR,	/* first AS is not the neighbor's */
	ASPA_REASON_HOP,	/* a Not Provider+ hop breaks the ramps */
};

/*
 * The ASPA of customer: returns 1 and sets *providers (nproviders ASNs,
 * in any order, valid until the callback is called again) when customer
 * has an ASPA, 0 when it has none.  An ASPA whose only provider is AS0
 * (no providers at all) is an attestation: every hop from it is
 * Not Provider+.
 */
typedef int	(*aspa_lookup_cb)(uint32_t customer,
		    const uint32_t **providers, size_t *nproviders, void *arg);

/* The outcome, and for the event text which hop made it Invalid. */
struct aspa_verdict {
	enum aspa_state	 state;
	enum aspa_reason reason;
	size_t		 npath;		/* unique ASes after collapsing */
	/*
	 * ASPA_REASON_HOP: customer's ASPA does not list provider, the hop
	 * where the up-ramp (counted from the origin) ends.  For a
	 * downstream path down_customer/down_provider is where the down-ramp
	 * (counted from the neighbor) ends; the leak lies between the two.
	 * 0 when unused.  ASPA_REASON_NEIGHBOR: customer is the first AS.
	 */
	uint32_t	 customer, provider;
	uint32_t	 down_customer, down_provider;
};

/* Longer paths are verified too, with one allocation. */
#define ASPA_PATH_MAX	128

/*
 * The procedure for a route from a neighbor of this role (core/bgp-role.h:
 * the neighbor's relation to the receiver): downstream from a provider,
 * upstream from anyone else (6.1).
 */
enum aspa_dir	 aspa_dir_of(int neighbor_role);

/* Section 5: the hop check of one pair. */
enum aspa_hop	 aspa_hop(uint32_t customer, uint32_t provider,
		    aspa_lookup_cb, void *arg);

/*
 * Verify a path given as ASNs, neighbor first and origin last (AS_PATH
 * order), prepends already collapsed or not (consecutive repeats are
 * collapsed here).  neighbor_as is the AS of the BGP neighbor the route
 * came from, checked against the first AS; 0 skips the check (a route
 * from a transparent route server, or a source like MRT where the
 * neighbor is not known).  Returns v->state.
 */
enum aspa_state	 aspa_verify_asns(const uint32_t *asns, size_t n,
		    enum aspa_dir, uint32_t neighbor_as, aspa_lookup_cb,
		    void *arg, struct aspa_verdict *v);
/*
 * Verify a decoded AS_PATH: an AS_SET anywhere makes it Invalid;
 * confederation segments (RFC 5065) are internal to the neighbor and are
 * skipped.  Otherwise as aspa_verify_asns().
 */
enum aspa_state	 aspa_verify(const struct bgp_aspath *, enum aspa_dir,
		    uint32_t neighbor_as, aspa_lookup_cb, void *arg,
		    struct aspa_verdict *v);

/*
 * The ASNs of the AS_SEQUENCE segments of path, in order, in stack when
 * they fit in nstack, else in an allocated array (free *out when it is
 * not stack).  -1 (nothing to free) when path has an AS_SET.  Shared with
 * the valley-free check (core/asrel.c).
 */
int		 aspa_path_flat(const struct bgp_aspath *, uint32_t *stack,
		    size_t nstack, uint32_t **out, size_t *n);

/* "valid", "invalid", "unknown". */
const char	*aspa_state_name(enum aspa_state);
/*
 * The verdict in words for an event, e.g. "AS64501 does not authorise
 * AS64502 as a provider"; empty when the path is not Invalid.  Writes at
 * most len bytes to buf (NUL-terminated) and returns buf.
 */
char		*aspa_verdict_str(const struct aspa_verdict *, char *buf,
		    size_t len);

#endif
