/* SPDX-License-Identifier: ISC */
/*
 * The path rules of the route monitor, on one route of a registered
 * prefix as a configured session carries it towards Microsoft (AS8075).
 *
 * The path is first put in the form Microsoft receives it: a leading run
 * of 8075 (a view from behind Microsoft) goes, and so does a leading run
 * of the RIB peer's own AS when that AS is neither the partner nor the
 * origin (a route collector's vantage point mapped to the session).
 * AS_SETs count as one AS (RFC 4271 9.1.2.2) and end no rule; the
 * confederation segments of RFC 5065 are not counted.
 *
 * Microsoft's rules (SPEC.md): community 8075:8007, at most 3 ASes
 * (prepends are counted once: prepending is its own rule), no private
 * ASNs (RFC 6996, RFC 7300), no prepending.  Ours: the AS next to the
 * origin must be the partner or a configured upstream (or the origin is
 * the partner); every other AS must be the partner, the origin or a
 * configured upstream, and the path must not leave the partner's AS and
 * come back to it (a route leak).  Route security, by the session's
 * relation: the RFC 9234 OTC rules, the valley-free check against CAIDA
 * relationships (a route leak too) and ASPA verification
 * (routemon_check_security()).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aspa.h"
#include "core/asrel.h"
#include "core/bgp-role.h"
#include "core/decode-bgp.h"
#include "core/model.h"
#include "core/rib.h"
#include "core/routemon-check.h"

#define RM_PATH_MAX	64	/* ASes looked at */

struct rm_as {
	uint32_t	 asn;
	int		 set;		/* an AS_SET, asn is its first member */
};

static int	 routemon_check_bit(unsigned);
static void	 routemon_check_why(struct rm_check *, unsigned,
		    const char *, ...) printflike(3, 4);
static void	 routemon_check_path(struct rm_check *,
		    const struct bgp_aspath *);
static int	 routemon_check_allowed(const struct branch_prefix *, uint32_t,
		    uint32_t);
static void	 routemon_check_details(struct rm_check *,
		    const struct session *, const struct bgp_attrs *);
static void	 routemon_check_security(struct rm_check *,
		    const struct rm_security *, const struct session *,
		    const struct rm_as *, size_t, int, uint32_t, uint32_t);

int
routemon_private_as(uint32_t as)
{
	return ((as >= 64512 && as <= 65534) ||	/* RFC 6996 */
	    as == 65535 ||				/* RFC 7300 */
	    (as >= 4200000000U && as <= 4294967294U) ||	/* RFC 6996 */
	    as == 4294967295U);				/* RFC 7300 */
}

static int
routemon_check_bit(unsigned bit)
{
	int	 i;

	for (i = 0; i < RM_NBITS; i++)
		if (bit == (1U << i))
			return (i);
	return (0);
}

static void
routemon_check_why(struct rm_check *c, unsigned bit, const char *fmt, ...)
{
	va_list	 ap;
	int	 i = routemon_check_bit(bit);

	if (c->flags & bit)
		return;
	c->flags |= bit;
	va_start(ap, fmt);
	vsnprintf(c->why[i], sizeof c->why[i], fmt, ap);
	va_end(ap);
}

/* "64500 64501 {1,2}": the path as received, for people. */
static void
routemon_check_path(struct rm_check *c, const struct bgp_aspath *p)
{
	const struct bgp_aspath_seg	*sg;
	size_t				 i, j, n;
	char				 w[16];

	c->path[0] = '\0';
	for (i = 0; i < p->nsegs; i++) {
		sg = &p->segs[i];
		n = strlen(c->path);
		if (n != 0)
			strlcpy_pt(c->path + n, " ", sizeof c->path - n);
		if (sg->type == BGP_AS_SET)
			strlcpy_pt(c->path + strlen(c->path), "{",
			    sizeof c->path - strlen(c->path));
		else if (sg->type == BGP_AS_CONFED_SEQUENCE ||
		    sg->type == BGP_AS_CONFED_SET)
			strlcpy_pt(c->path + strlen(c->path), "(",
			    sizeof c->path - strlen(c->path));
		for (j = 0; j < sg->count &&
		    (size_t)sg->off + j < p->nasns; j++) {
			snprintf(w, sizeof w, "%s%u", j == 0 ? "" :
			    sg->type == BGP_AS_SEQUENCE ||
			    sg->type == BGP_AS_CONFED_SEQUENCE ? " " : ",",
			    p->asns[sg->off + j]);
			strlcpy_pt(c->path + strlen(c->path), w,
			    sizeof c->path - strlen(c->path));
		}
		if (sg->type == BGP_AS_SET)
			strlcpy_pt(c->path + strlen(c->path), "}",
			    sizeof c->path - strlen(c->path));
		else if (sg->type == BGP_AS_CONFED_SEQUENCE ||
		    sg->type == BGP_AS_CONFED_SET)
			strlcpy_pt(c->path + strlen(c->path), ")",
			    sizeof c->path - strlen(c->path));
	}
}

/* May this AS sit between the origin and Microsoft? */
static int
routemon_check_allowed(const struct branch_prefix *bp, uint32_t partner,
    uint32_t as)
{
	size_t	 i;

	if (as == partner || as == bp->origin)
		return (1);
	for (i = 0; i < bp->nupstreams; i++)
		if (bp->upstreams[i] == as)
			return (1);
	return (0);
}

/* "session sea-r1 edge sea primary path ... communities ... med N". */
static void
routemon_check_details(struct rm_check *c, const struct session *s,
    const struct bgp_attrs *a)
{
	char	 comm[128], w[24];
	size_t	 i;

	comm[0] = '\0';
	for (i = 0; a != NULL && i < a->ncommunities; i++) {
		snprintf(w, sizeof w, "%s%u:%u", i ? " " : "",
		    a->communities[i] >> 16, a->communities[i] & 0xffff);
		if (strlen(comm) + strlen(w) + 4 >= sizeof comm) {
			strlcpy_pt(comm + strlen(comm), " ...",
			    sizeof comm - strlen(comm));
			break;
		}
		strlcpy_pt(comm + strlen(comm), w, sizeof comm - strlen(comm));
	}
	snprintf(c->details, sizeof c->details, "session %s edge %s %s "
	    "path %s communities %s", s->name, s->edge, role_name(s->role),
	    c->path[0] != '\0' ? c->path : "(empty)",
	    comm[0] != '\0' ? comm : "none");
	if (a != NULL && (a->present & BGP_ATTR_BIT(BGP_ATTR_MED))) {
		snprintf(w, sizeof w, " med %u", a->med);
		strlcpy_pt(c->details + strlen(c->details), w,
		    sizeof c->details - strlen(c->details));
	}
}

/*
 * Route security (issue 16) on the path as the session's receiver gets
 * it (u, nu: after the leading 8075 and vantage-point runs, prepends
 * collapsed, a set as one entry; truncated when it filled RM_PATH_MAX).
 * The neighbor is the session's relation in force (bgp_role_effective()):
 *
 * - RFC 9234 5 ingress rules 1 and 2 on the OTC attribute, the
 *   sending neighbor's AS being the path's first;
 * - the valley-free check against CAIDA relationships, the hop into the
 *   receiver included: a leak is a PFX_LEAK naming the leaking AS;
 * - ASPA verification, upstream or downstream by the relation.  The
 *   neighbor check is not made: the path was reshaped to the receiver's
 *   view, and a route server's session is transparent.
 */
static void
routemon_check_security(struct rm_check *c, const struct rm_security *sec,
    const struct session *s, const struct rm_as *u, size_t nu, int has_otc,
    uint32_t otc, uint32_t peer_as)
{
	uint32_t		 flat[RM_PATH_MAX], nbr_as;
	enum bgp_role		 role;
	enum bgp_otc_leak	 leak;
	struct asrel_leak	 vl;
	struct aspa_verdict	 av;
	char			 w[128];
	size_t			 i;
	int			 set = 0;

	role = bgp_role_effective(s->relation, s->role_received);
	/* The sender as the receiver sees it (a vantage point stripped). */
	nbr_as = nu > 0 && !u[0].set ? u[0].asn : peer_as;
	leak = bgp_role_ingress(role, has_otc, otc, nbr_as, &otc);
	if (leak != BGP_OTC_OK)
		routemon_check_why(c, PFX_OTC, "%s: OTC AS%u on session %s "
		    "(relation %s, neighbor AS%u)", bgp_role_leak_name(leak),
		    otc, s->name, bgp_role_name(role), nbr_as);

	if (sec == NULL || nu == 0 || nu >= RM_PATH_MAX)
		return;
	for (i = 0; i < nu; i++) {
		flat[i] = u[i].asn;
		set |= u[i].set;
	}
	if (sec->asrel != NULL && !set &&
	    asrel_valley_free(sec->asrel, flat, nu, asrel_last_rel(role),
	    &vl) == ASREL_VF_LEAK)
		routemon_check_why(c, PFX_LEAK, "%s (AS relationships, "
		    "session %s relation %s): %s", asrel_leak_str(&vl, w,
		    sizeof w), s->name, bgp_role_name(role), c->path);
	if (sec->aspa == NULL)
		return;
	if (set) {
		av.state = ASPA_INVALID;
		av.reason = ASPA_REASON_AS_SET;
	} else
		aspa_verify_asns(flat, nu, aspa_dir_of(role), 0, sec->aspa,
		    sec->aspa_arg, &av);
	if (av.state == ASPA_INVALID)
		routemon_check_why(c, PFX_ASPA, "ASPA %s: %s (session %s "
		    "relation %s): %s", aspa_dir_of(role) == ASPA_UPSTREAM ?
		    "upstream" : "downstream", aspa_verdict_str(&av, w,
		    sizeof w), s->name, bgp_role_name(role), c->path);
}

void
routemon_check(struct rm_check *c, const struct rib_attr *attr,
    const struct branch_prefix *bp, const struct session *s,
    uint32_t peer_as, unsigned max_path, const struct rm_security *sec)
{
	struct bgp_attrs		 a;
	const struct bgp_aspath_seg	*sg;
	struct rm_as			 path[RM_PATH_MAX], u[RM_PATH_MAX];
	uint32_t			 partner, origin, hop;
	size_t				 i, j, n = 0, nu = 0, first = 0;
	unsigned			 runs = 0, times;
	int				 has8007 = 0, has_otc;
	uint32_t			 otc;

	memset(c, 0, sizeof *c);
	partner = s->partner != NULL ? s->partner->asn : 0;
	if (rib_attr_decode(attr, &a) == -1) {
		snprintf(c->details, sizeof c->details, "session %s edge %s "
		    "%s: attributes not decoded", s->name, s->edge,
		    role_name(s->role));
		return;
	}
	routemon_check_path(c, &a.aspath);
	routemon_check_details(c, s, &a);
	if (a.present & BGP_ATTR_BIT(BGP_ATTR_MED))
		c->med = a.med;
	for (i = 0; i < a.ncommunities; i++)
		if (a.communities[i] == RM_COMMUNITY_PS)
			has8007 = 1;

	/* Flatten: sequences AS by AS, a set as one, confeds dropped. */
	for (i = 0; i < a.aspath.nsegs && n < RM_PATH_MAX; i++) {
		sg = &a.aspath.segs[i];
		for (j = 0; j < sg->count && n < RM_PATH_MAX &&
		    (size_t)sg->off + j < a.aspath.nasns; j++) {
			if (sg->type == BGP_AS_SET && j > 0)
				break;
			if (sg->type != BGP_AS_SEQUENCE &&
			    sg->type != BGP_AS_SET)
				break;
			path[n].asn = a.aspath.asns[sg->off + j];
			path[n++].set = sg->type == BGP_AS_SET;
		}
	}
	/* Private ASNs anywhere, set members included. */
	for (i = 0; i < a.aspath.nasns; i++)
		if (routemon_private_as(a.aspath.asns[i])) {
			routemon_check_why(c, PFX_PRIVATE, "private AS%u in "
			    "the path %s", a.aspath.asns[i], c->path);
			break;
		}
	has_otc = (a.present & BGP_ATTR_BIT(BGP_ATTR_OTC)) != 0;
	otc = a.otc;
	decode_bgp_attrs_free(&a);

	if (!has8007)
		routemon_check_why(c, PFX_NO8007, "community 8075:8007 "
		    "missing");

	/* The path as Microsoft receives it. */
	while (first < n && !path[first].set &&
	    (path[first].asn == RM_MICROSOFT_AS || (peer_as != 0 &&
	    path[first].asn == peer_as && peer_as != partner &&
	    peer_as != bp->origin)))
		first++;
	for (i = first; i < n; i++) {
		if (nu > 0 && !path[i].set && !u[nu - 1].set &&
		    u[nu - 1].asn == path[i].asn) {
			for (times = 2; i + 1 < n && !path[i + 1].set &&
			    path[i + 1].asn == path[i].asn; i++)
				times++;
			routemon_check_why(c, PFX_PREPEND, "AS%u appears %u "
			    "times in a row", path[i].asn, times);
			continue;
		}
		u[nu++] = path[i];
	}
	c->pathlen = (unsigned)nu;
	routemon_check_security(c, sec, s, u, n == RM_PATH_MAX ? RM_PATH_MAX :
	    nu, has_otc, otc, peer_as);
	if (nu > max_path)
		routemon_check_why(c, PFX_LONGPATH, "AS path of %zu ASes "
		    "(at most %u): %s", nu, max_path, c->path);
	if (nu == 0 || u[nu - 1].set)
		return;
	origin = u[nu - 1].asn;

	/* The first hop next to the origin (8075 there is a leak, below). */
	hop = nu >= 2 && !u[nu - 2].set ? u[nu - 2].asn : 0;
	if (origin != partner && hop != 0 && hop != RM_MICROSOFT_AS &&
	    !routemon_check_allowed(bp, partner, hop))
		routemon_check_why(c, PFX_UPSTREAM, "AS%u next to origin AS%u is "
		    "not %s", hop, origin, bp->nupstreams > 0 ?
		    "the partner or an allowed upstream" : "the partner");
	/* Every other AS, and the partner's AS in one run only. */
	for (i = 0; i < nu; i++) {
		if (u[i].set)
			continue;
		if (u[i].asn == partner && (i == 0 || u[i - 1].asn != partner))
			runs++;
		if (i + 1 == nu || (i + 2 == nu && origin != partner &&
		    u[i].asn != RM_MICROSOFT_AS))
			continue;	/* the origin; the first hop is above */
		if (!routemon_check_allowed(bp, partner, u[i].asn))
			routemon_check_why(c, PFX_LEAK, "AS%u is not allowed "
			    "between origin AS%u and Microsoft: %s", u[i].asn,
			    origin, c->path);
	}
	if (runs > 1)
		routemon_check_why(c, PFX_LEAK, "the path leaves AS%u and "
		    "comes back to it: %s", partner, c->path);
}
