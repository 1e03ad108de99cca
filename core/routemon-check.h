/* SPDX-License-Identifier: ISC */
/*
 * The path rules of the route monitor (private to core/routemon*.c): one
 * route of a registered prefix, as a configured session carries it,
 * checked against Microsoft's Peering Service rules and the registered
 * origin and upstreams.
 */
#ifndef PEERTOP_ROUTEMON_CHECK_H
#define PEERTOP_ROUTEMON_CHECK_H

#include <stdint.h>

#include "core/aspa.h"

struct asrel;
struct rib_attr;
struct branch_prefix;
struct session;

/*
 * Route security inputs (issue 16), all optional: CAIDA relationships
 * for the valley-free check (PFX_LEAK), an ASPA lookup (PFX_ASPA).  The
 * RFC 9234 OTC check (PFX_OTC) needs nothing but the session's relation.
 */
struct rm_security {
	const struct asrel	*asrel;
	aspa_lookup_cb		 aspa;
	void			*aspa_arg;
};

#define RM_NBITS	17	/* PFX_* bits */
#define RM_MICROSOFT_AS	8075
#define RM_COMMUNITY_PS	((uint32_t)RM_MICROSOFT_AS << 16 | 8007)

struct rm_check {
	unsigned	 flags;		/* PFX_* path rules broken */
	char		 why[RM_NBITS][128];	/* words, by bit number */
	char		 path[96];	/* the AS path as received */
	char		 details[256];	/* session, path, communities, MED */
	unsigned	 pathlen;	/* ASes, prepends counted once */
	uint32_t	 med;		/* 0 when absent */
};

/*
 * Check the route with attributes attr that session s carries for bp;
 * peer_as is the RIB peer's AS (stripped from the front of the path when
 * it is neither the partner nor the origin), 0 to strip nothing.  sec
 * (may be NULL) adds the route security checks.
 */
void	 routemon_check(struct rm_check *, const struct rib_attr *,
	    const struct branch_prefix *, const struct session *,
	    uint32_t peer_as, unsigned max_path, const struct rm_security *);
/* RFC 6996 private use and RFC 7300 last ASNs, 2- and 4-octet. */
int	 routemon_private_as(uint32_t);

#endif
