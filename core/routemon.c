/* SPDX-License-Identifier: ISC */
/*
 * The route monitor (routemon.h): for every branch's registered prefix,
 * what the RIB says about it, turned into the prefix state of the model
 * and into route events with a lifecycle.
 *
 * One watch per distinct registered prefix; the RIB's hook marks it dirty
 * and routemon_eval() re-reads only dirty prefixes with one walk over the
 * prefix and its more-specifics, across every RIB peer.  A peer mapped to
 * a configured session (rib_peer->session) tells what that session carries
 * towards Microsoft; unmapped peers (a route collector's, a hijacker's)
 * still count for the origin and more-specific checks.
 *
 * Each condition is a PFX_* bit.  The event that goes with it is raised
 * when the bit comes on and a restoring event (Information) when it goes
 * off, never on every eval: the bits raised are kept per registered
 * prefix.  Microsoft's names are used where their telemetry has one
 * (SPEC.md); the path rules are in routemon-check.c.  A change of what
 * the history records (a prefix's state, a branch's routed edge and
 * SuboptimalRouting) goes to the model's sink, once per change.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/asrel.h"
#include "core/geo.h"
#include "core/model.h"
#include "core/rib.h"
#include "core/routemon.h"
#include "core/routemon-check.h"
#include "core/vrp.h"

#define RM_ROA_EXPIRY_MS	(24 * 3600 * 1000LL)	/* roa-expiry */
#define RM_ROA_CHECK_MS		60000	/* ROA expiries looked at every */
#define RM_ROAS_MAX		8	/* ROAs named in an event */

/* One distinct registered prefix (the watch id is its index). */
struct rm_pfx {
	struct prefix	 prefix;
	int		 dirty;
	size_t		*items;		/* into routemon->items */
	size_t		 nitems;
};

/* One registered prefix of one branch. */
struct rm_item {
	struct branch		*b;
	struct branch_prefix	*bp;
	size_t			 pfx;		/* into routemon->pfxs */
	unsigned		 raised;	/* PFX_* with an event out */
	int			 ever;		/* carried once since start */
	uint8_t			*carry;		/* per model session, last eval */
};

/* A route seen at an eval (attr valid while the RIB is not changed). */
struct rm_route {
	struct prefix		 prefix;
	int			 peer;
	int			 rov;		/* enum vrp_state */
	const struct rib_attr	*attr;
};

struct routemon {
	struct model	*m;
	struct rib	*rib;
	struct rm_pfx	*pfxs;
	size_t		 npfxs;
	struct rm_item	*items;
	size_t		 nitems;
	int		 ndirty;
	double		 tolerance_km;
	unsigned	 max_path;
	struct rm_security sec;
	struct asrel	*asrel;		/* owned, loaded by routemon_asrel() */
	int64_t		 roa_expiry_ms;	/* ROAExpiring this long before */
	int64_t		 roa_check_ms;	/* next look at the expiries */

	struct rm_route	*routes;	/* reused by every eval */
	size_t		 nroutes, sroutes;
	uint8_t		*observed;	/* per model session, this eval */
	/* Session states and routes_lost at the last eval: a change
	 * re-ranks best paths, or makes what was unknown comparable. */
	enum bgp_state	*states;
	uint8_t		*lost;
	/* session->routes_gen at the last eval; fresh: it changed, so this
	 * eval sees the first table since start-up or since the routes were
	 * unknown (a state: no announcement). */
	unsigned	*gen;
	uint8_t		*fresh;
};

/* What an eval found for one item: flags and the words for each. */
struct rm_found {
	unsigned	 flags;
	char		 summary[RM_NBITS][160];
	char		 details[RM_NBITS][256];
};

/* The events of each condition, in order of precedence for "problem". */
struct rm_cond {
	unsigned	 bit;
	const char	*word;		/* routemon_flags_fmt() */
	const char	*type;		/* raised; NULL: flag only */
	enum level	 level;
	const char	*restored;
	const char	*cleared;	/* restoring summary, after the prefix */
};
static const struct rm_cond rm_conds[] = {
	{ PFX_ORIGIN, "origin", "PrefixOriginAsChangeEvent", LVL_CRITICAL,
	  "PrefixOriginAsChangeResolved", "originated by its registered AS only" },
	{ PFX_SUBHIJACK, "subprefix-hijack", "PrefixSubPrefixHijack",
	  LVL_CRITICAL, "PrefixSubPrefixHijackResolved",
	  "no more-specific from another origin" },
	{ PFX_INVISIBLE, "invisible", "PrefixVisibilityLost", LVL_CRITICAL,
	  "PrefixVisibilityRestored", "visible again" },
	{ PFX_RPKI_INVALID, "rpki-invalid", "PrefixRPKIInvalid", LVL_CRITICAL,
	  "PrefixRPKIInvalidResolved", "no RPKI-invalid route" },
	{ PFX_LEAK, "leak", "PrefixRouteLeak", LVL_ERROR,
	  "PrefixRouteLeakResolved", "no route leak in the paths" },
	{ PFX_ASPA, "aspa-invalid", "PrefixASPAInvalid", LVL_ERROR,
	  "PrefixASPAInvalidResolved", "no ASPA-invalid path" },
	{ PFX_OTC, "otc-leak", "PrefixOTCLeak", LVL_ERROR,
	  "PrefixOTCLeakResolved", "no RFC 9234 route leak in the paths" },
	{ PFX_RPKI_NOTFOUND, "rpki-not-found", "PrefixRPKINotFound",
	  LVL_WARNING, "PrefixRPKINotFoundResolved", "covered by a ROA" },
	{ PFX_ROA_EXPIRING, "roa-expiring", "ROAExpiring", LVL_WARNING,
	  "ROAExpiringResolved", "no ROA expiring soon" },
	{ PFX_UPSTREAM, "upstream", "PrefixUnexpectedUpstream", LVL_WARNING,
	  "PrefixUnexpectedUpstreamResolved", "only allowed first hops" },
	{ PFX_MORESPEC, "more-specific", "PrefixMoreSpecific", LVL_WARNING,
	  "PrefixMoreSpecificResolved", "no more-specific from its origin" },
	{ PFX_NO8007, "no-8075:8007", "PrefixCommunityMissing", LVL_WARNING,
	  "PrefixCommunityMissingResolved", "community 8075:8007 on every path" },
	{ PFX_LONGPATH, "long-path", "PrefixPathTooLong", LVL_WARNING,
	  "PrefixPathTooLongResolved", "AS paths short enough" },
	{ PFX_PRIVATE, "private-asn", "PrefixPrivateAsn", LVL_WARNING,
	  "PrefixPrivateAsnResolved", "no private ASN in the paths" },
	{ PFX_PREPEND, "prepend", "PrefixPrepended", LVL_WARNING,
	  "PrefixPrependedResolved", "no prepending in the paths" },
	{ PFX_NOPRIMARY, "not-all-primary", NULL, LVL_WARNING, NULL, NULL },
	{ PFX_NOBACKUP, "not-all-backup", NULL, LVL_WARNING, NULL, NULL },
	{ PFX_INVISIBLE, NULL, NULL, 0, NULL, NULL }	/* the end */
};
/* The rules judged on the paths the sessions carry. */
#define RM_PATH_RULES	(PFX_UPSTREAM | PFX_LEAK | PFX_NO8007 | \
	PFX_LONGPATH | PFX_PRIVATE | PFX_PREPEND | PFX_OTC | PFX_ASPA)
#define RM_NCONDS	(nitems(rm_conds) - 1)

static void	 routemon_watch_cb(void *, int);
static int	 routemon_bit(unsigned);
static size_t	 routemon_pfx_add(struct routemon *, const struct prefix *);
static int	 routemon_walk_cb(const struct rib_route *, void *);
static int	 routemon_relevant(const struct rm_item *,
		    const struct session *);
static int	 routemon_carry_kind(enum rib_peer_kind);
static int	 routemon_registered(const struct routemon *,
		    const struct prefix *, uint32_t);
static void	 routemon_found(struct rm_found *, unsigned, const char *,
		    const char *, ...) printflike(4, 5);
static void	 routemon_event(struct routemon *, int64_t, const char *,
		    enum level, const char *, const char *,
		    const struct branch *, const struct session *,
		    const char *, ...) printflike(9, 10);
static int	 routemon_better(const struct session *, const struct rm_check *,
		    const struct session *, const struct rm_check *);
struct rm_eval;
static void	 routemon_item_routes(struct rm_eval *);
static void	 routemon_item_carried(struct branch_prefix *, const char *);
static void	 routemon_item_sessions(struct rm_eval *);
static void	 routemon_item_visibility(struct rm_eval *);
static void	 routemon_item_carry(struct rm_eval *);
static void	 routemon_item_conditions(struct rm_eval *);
static void	 routemon_item_rpki(struct rm_eval *);
static void	 routemon_item_roa_expiry(struct rm_eval *);
static int	 routemon_overlap(const struct prefix *,
		    const struct prefix *);
static void	 routemon_roa_changed(struct routemon *, const struct rm_item *,
		    const struct vrp_diff *, int64_t);
static void	 routemon_item_record(struct rm_eval *,
		    const struct branch_prefix *);
static void	 routemon_eval_item(struct routemon *, struct rm_item *,
		    int64_t);
static void	 routemon_item_unknown(struct rm_eval *);
static void	 routemon_eval_branch(struct routemon *, struct branch *,
		    int64_t);

struct routemon *
routemon_new(struct model *m, struct rib *rib)
{
	struct routemon	*rm;
	struct branch	*b;
	struct rm_item	*it;
	struct rm_pfx	*p;
	size_t		 i, j, n = 0;

	rm = xcalloc(1, sizeof *rm);
	rm->m = m;
	rm->rib = rib;
	rm->tolerance_km = m->route_tolerance_km > 0 ? m->route_tolerance_km :
	    ROUTEMON_TOLERANCE_KM;
	rm->max_path = m->route_max_path > 0 ? m->route_max_path :
	    ROUTEMON_PATH_MAX;
	routemon_set_roa_expiry(rm, m->route_roa_expiry_ms);
	if (m->route_asrel != NULL)
		routemon_load_asrel(rm, m->route_asrel);
	for (i = 0; i < m->nbranches; i++)
		n += m->branches[i]->nprefixes;
	rm->items = xcalloc(n > 0 ? n : 1, sizeof *rm->items);
	rm->observed = xcalloc(m->nsessions + 1, 1);
	rm->states = xcalloc(m->nsessions + 1, sizeof *rm->states);
	rm->lost = xcalloc(m->nsessions + 1, 1);
	rm->gen = xcalloc(m->nsessions + 1, sizeof *rm->gen);
	rm->fresh = xcalloc(m->nsessions + 1, 1);
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		for (j = 0; j < b->nprefixes; j++) {
			it = &rm->items[rm->nitems];
			it->b = b;
			it->bp = &b->prefixes[j];
			it->bp->best_session = -1;
			it->carry = xcalloc(m->nsessions + 1, 1);
			it->pfx = routemon_pfx_add(rm, &it->bp->prefix);
			p = &rm->pfxs[it->pfx];
			p->items = xreallocarray(p->items, p->nitems + 1,
			    sizeof *p->items);
			p->items[p->nitems++] = rm->nitems++;
		}
	}
	rib_set_watch_hook(rib, routemon_watch_cb, rm);
	for (i = 0; i < rm->npfxs; i++)
		rib_watch(rib, &rm->pfxs[i].prefix, (int)i);
	/* The first eval looks at everything. */
	routemon_dirty_all(rm);
	m->rib = rib;
	m->routemon = rm;
	return (rm);
}

void
routemon_free(struct routemon *rm)
{
	size_t	 i;

	if (rm == NULL)
		return;
	if (rm->m->routemon == rm)
		rm->m->routemon = NULL;
	rib_set_watch_hook(rm->rib, NULL, NULL);
	for (i = 0; i < rm->npfxs; i++)
		free(rm->pfxs[i].items);
	for (i = 0; i < rm->nitems; i++)
		free(rm->items[i].carry);
	free(rm->pfxs);
	free(rm->items);
	free(rm->routes);
	free(rm->observed);
	free(rm->states);
	free(rm->lost);
	free(rm->gen);
	free(rm->fresh);
	asrel_free(rm->asrel);
	free(rm);
}

void
routemon_set_asrel(struct routemon *rm, struct asrel *r)
{
	if (rm->asrel != r)
		asrel_free(rm->asrel);
	rm->asrel = r;
	rm->sec.asrel = r;
	routemon_dirty_all(rm);
}

int
routemon_load_asrel(struct routemon *rm, const char *path)
{
	struct asrel	*r;
	char		*cause = NULL;

	if ((r = asrel_load(path, &cause)) == NULL) {
		log_warnx("%s: the valley-free check keeps %s", cause,
		    rm->asrel != NULL ? "the relationships it had" :
		    "off");
		free(cause);
		return (-1);
	}
	log_info("%s: %zu AS relationships", path, asrel_nlinks(r));
	routemon_set_asrel(rm, r);
	return (0);
}

void
routemon_set_aspa(struct routemon *rm, aspa_lookup_cb cb, void *arg)
{
	rm->sec.aspa = cb;
	rm->sec.aspa_arg = arg;
	routemon_dirty_all(rm);
}

void
routemon_set_roa_expiry(struct routemon *rm, int64_t ms)
{
	rm->roa_expiry_ms = ms > 0 ? ms : RM_ROA_EXPIRY_MS;
	routemon_dirty_all(rm);
}

void
routemon_set_limits(struct routemon *rm, double tolerance_km,
    unsigned max_path)
{
	rm->tolerance_km = tolerance_km;
	rm->max_path = max_path;
	routemon_dirty_all(rm);
}

void
routemon_dirty_all(struct routemon *rm)
{
	size_t	 i;

	for (i = 0; i < rm->npfxs; i++)
		rm->pfxs[i].dirty = 1;
	rm->ndirty = (int)rm->npfxs;
	model_pending(rm->m, PENDING_ROUTES);
}

char *
routemon_flags_fmt(unsigned flags, char *buf, size_t len)
{
	size_t	 i;

	buf[0] = '\0';
	for (i = 0; i < RM_NCONDS; i++) {
		if ((flags & rm_conds[i].bit) == 0)
			continue;
		if (buf[0] != '\0')
			strlcpy_pt(buf + strlen(buf), " ", len - strlen(buf));
		strlcpy_pt(buf + strlen(buf), rm_conds[i].word,
		    len - strlen(buf));
	}
	return (buf);
}

int
routemon_flags_level(unsigned flags)
{
	enum level	 worst = LVL_INFO;
	size_t		 i;

	for (i = 0; i < RM_NCONDS; i++)
		if ((flags & rm_conds[i].bit) && rm_conds[i].level > worst)
			worst = rm_conds[i].level;
	return ((int)worst);
}

/* The RIB changed at (or under) watched prefix id. */
static void
routemon_watch_cb(void *arg, int id)
{
	struct routemon	*rm = arg;

	if (id < 0 || (size_t)id >= rm->npfxs || rm->pfxs[id].dirty)
		return;
	rm->pfxs[id].dirty = 1;
	rm->ndirty++;
	model_pending(rm->m, PENDING_ROUTES);
}

static int
routemon_bit(unsigned bit)
{
	int	 i;

	for (i = 0; i < RM_NBITS; i++)
		if (bit == (1U << i))
			return (i);
	return (0);
}

static size_t
routemon_pfx_add(struct routemon *rm, const struct prefix *p)
{
	size_t	 i;

	for (i = 0; i < rm->npfxs; i++)
		if (rm->pfxs[i].prefix.len == p->len &&
		    addr_cmp(&rm->pfxs[i].prefix.addr, &p->addr) == 0)
			return (i);
	rm->pfxs = xreallocarray(rm->pfxs, rm->npfxs + 1, sizeof *rm->pfxs);
	memset(&rm->pfxs[rm->npfxs], 0, sizeof *rm->pfxs);
	rm->pfxs[rm->npfxs].prefix = *p;
	return (rm->npfxs++);
}

static int
routemon_walk_cb(const struct rib_route *r, void *arg)
{
	struct routemon	*rm = arg;

	if (rm->nroutes == rm->sroutes) {
		rm->sroutes = rm->sroutes == 0 ? 16 : rm->sroutes * 2;
		rm->routes = xreallocarray(rm->routes, rm->sroutes,
		    sizeof *rm->routes);
	}
	rm->routes[rm->nroutes].prefix = r->prefix;
	rm->routes[rm->nroutes].peer = r->peer;
	rm->routes[rm->nroutes].rov = r->rov;
	rm->routes[rm->nroutes].attr = r->attr;
	rm->nroutes++;
	return (0);
}

/* The sessions that matter for a branch: its partner's (all if none). */
static int
routemon_relevant(const struct rm_item *it, const struct session *s)
{
	return (it->b->partner == NULL || s->partner == it->b->partner);
}

/* Peers whose routes are what a session sends towards Microsoft. */
static int
routemon_carry_kind(enum rib_peer_kind k)
{
	return (k == RIB_PEER_ADJ_IN_PRE || k == RIB_PEER_ADJ_IN_POST ||
	    k == RIB_PEER_MRT);
}

/* Is p registered with this origin (a more-specific that is expected)? */
static int
routemon_registered(const struct routemon *rm, const struct prefix *p,
    uint32_t origin)
{
	size_t	 i;

	for (i = 0; i < rm->nitems; i++)
		if (rm->items[i].bp->origin == origin &&
		    rm->items[i].bp->prefix.len == p->len &&
		    addr_cmp(&rm->items[i].bp->prefix.addr, &p->addr) == 0)
			return (1);
	return (0);
}

/* Record a condition found, with its words (the first one found wins). */
static void
routemon_found(struct rm_found *f, unsigned bit, const char *details,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 i = routemon_bit(bit);

	if (f->flags & bit)
		return;
	f->flags |= bit;
	va_start(ap, fmt);
	vsnprintf(f->summary[i], sizeof f->summary[i], fmt, ap);
	va_end(ap);
	strlcpy_pt(f->details[i], details != NULL ? details : "",
	    sizeof f->details[i]);
}

static void
routemon_event(struct routemon *rm, int64_t now_ms, const char *type,
    enum level level, const char *subject, const char *details,
    const struct branch *b, const struct session *s, const char *fmt, ...)
{
	char			 summary[sizeof ((struct event *)0)->summary];
	struct event_rel	 rel;
	va_list			 ap;

	va_start(ap, fmt);
	vsnprintf(summary, sizeof summary, fmt, ap);
	va_end(ap);
	/* The branch and session the subject does not name (event_rel). */
	memset(&rel, 0, sizeof rel);
	if (b != NULL)
		strlcpy_pt(rel.branch, b->name, sizeof rel.branch);
	if (s != NULL)
		strlcpy_pt(rel.session, s->name, sizeof rel.session);
	model_event_rel(rm->m, now_ms, type, level, subject, details, &rel,
	    "%s", summary);
}

/*
 * Best path among sessions: Established first, primary over backup,
 * shorter AS path, lower MED; else the first in configuration order.
 */
static int
routemon_better(const struct session *a, const struct rm_check *ca,
    const struct session *b, const struct rm_check *cb)
{
	int	 ua = a->state == BGP_ESTABLISHED;
	int	 ub = b->state == BGP_ESTABLISHED;

	if (ua != ub)
		return (ua);
	if (a->role != b->role)
		return (a->role == ROLE_PRIMARY);
	if (ca->pathlen != cb->pathlen)
		return (ca->pathlen < cb->pathlen);
	if (ca->med != cb->med)
		return (ca->med < cb->med);
	return (0);
}

void
routemon_eval(struct routemon *rm, int64_t now_ms)
{
	struct model	*m = rm->m;
	struct rib_peer	*peer;
	struct rm_pfx	*p;
	size_t		 i, j, k, n;
	int		 touched = 0;

	/*
	 * Session states come from other collectors (BIRD) that do not
	 * know about routes: a change re-ranks every best path.
	 */
	for (i = 0; i < m->nsessions; i++) {
		if (rm->states[i] != m->sessions[i]->state ||
		    rm->lost[i] != (m->sessions[i]->routes_lost != 0)) {
			rm->states[i] = m->sessions[i]->state;
			rm->lost[i] = m->sessions[i]->routes_lost != 0;
			if (rm->ndirty < (int)rm->npfxs)
				routemon_dirty_all(rm);
		}
		if (rm->gen[i] != m->sessions[i]->routes_gen) {
			rm->gen[i] = m->sessions[i]->routes_gen;
			rm->fresh[i] = 1;
			if (rm->ndirty < (int)rm->npfxs)
				routemon_dirty_all(rm);
		}
	}
	/* Expiry is a matter of time: look again now and then. */
	if (m->vrps != NULL && now_ms >= rm->roa_check_ms) {
		rm->roa_check_ms = now_ms + RM_ROA_CHECK_MS;
		if (rm->ndirty < (int)rm->npfxs)
			routemon_dirty_all(rm);
	}
	if (rm->ndirty == 0)
		return;
	/* Which sessions some RIB peer speaks for (routes or not). */
	memset(rm->observed, 0, m->nsessions + 1);
	n = rib_npeers(rm->rib);
	for (i = 0; i < n; i++) {
		peer = rib_peer(rm->rib, (int)i);
		if (peer == NULL || peer->session == NULL || !peer->up ||
		    !routemon_carry_kind(peer->key.kind))
			continue;
		for (k = 0; k < m->nsessions; k++)
			if (m->sessions[k] == peer->session)
				rm->observed[k] = 1;
	}
	for (i = 0; i < rm->npfxs; i++) {
		p = &rm->pfxs[i];
		if (!p->dirty)
			continue;
		p->dirty = 0;
		rm->nroutes = 0;
		rib_walk(rm->rib, &p->prefix, 1, routemon_walk_cb, rm);
		for (j = 0; j < p->nitems; j++)
			routemon_eval_item(rm, &rm->items[p->items[j]], now_ms);
		touched = 1;
	}
	rm->ndirty = 0;
	memset(rm->fresh, 0, m->nsessions + 1);
	if (!touched)
		return;
	for (i = 0; i < m->nbranches; i++)
		routemon_eval_branch(rm, m->branches[i], now_ms);
	model_touch(m, DIRTY_ROUTES | DIRTY_BRANCHES);
}

/*
 * One item's eval over the routes of the last walk, phase by phase
 * (routemon_eval_item()).  now[k] is what session k carries now (for a
 * session whose routes are unknown: what it carried last), sroute[k] its
 * route in rm->routes, -1 none.
 */
struct rm_eval {
	struct routemon		*rm;
	struct rm_item		*it;
	struct branch_prefix	*bp;
	int64_t			 now_ms;
	struct rm_found		*f;
	uint8_t			*now;
	int			*sroute;
	struct rm_check		 bestchk;
	int			 best;
	int			 origin_primary;	/* the other origin on
							   a primary path */
	int			 anyobs, routes;
	int			 unknown;	/* a session whose routes are
						   unknown, -1 none */
	size_t			 ncarry;
	char			 pfx[PREFIX_STRLEN];
	char			 subject[96];	/* "prefix 192.0.2.0/24" */
};

/* The routes of the walk: origins, more-specifics, each session's route. */
static void
routemon_item_routes(struct rm_eval *e)
{
	struct routemon		*rm = e->rm;
	struct model		*m = rm->m;
	struct branch_prefix	*bp = e->bp;
	struct rm_found		*f = e->f;
	struct rib_peer		*peer;
	struct session		*s;
	const struct rm_route	*r;
	char			 a[ADDR_STRLEN], more[PREFIX_STRLEN];
	char			 where[NAME_MAX_PT + ADDR_STRLEN + 16];
	size_t			 i, k;
	uint32_t		 o;

	for (i = 0; i < rm->nroutes; i++) {
		r = &rm->routes[i];
		peer = rib_peer(rm->rib, r->peer);
		if (peer == NULL)
			continue;
		e->routes = 1;
		s = peer->session;
		if (s != NULL)
			snprintf(where, sizeof where, "session %s", s->name);
		else
			snprintf(where, sizeof where, "peer %s AS%u",
			    addr_fmt(&peer->key.addr, a, sizeof a),
			    peer->key.asn);
		o = r->attr->origin_as;
		if (r->prefix.len > bp->prefix.len) {
			/* A more-specific: expected only if registered. */
			if (o == 0 || routemon_registered(rm, &r->prefix, o))
				continue;
			prefix_fmt(&r->prefix, more, sizeof more);
			if (o != bp->origin)
				routemon_found(f, PFX_SUBHIJACK, where,
				    "more-specific %s of %s from AS%u, not "
				    "AS%u (%s)", more, e->pfx, o, bp->origin,
				    where);
			else
				routemon_found(f, PFX_MORESPEC, where,
				    "more-specific %s of %s from its origin "
				    "AS%u (%s)", more, e->pfx, o, where);
			continue;
		}
		if (o != 0 && o != bp->origin) {
			if (s == NULL || s->role == ROLE_PRIMARY ||
			    !routemon_relevant(e->it, s))
				e->origin_primary = 1;
			if (!(f->flags & PFX_ORIGIN))
				bp->bad_origin = o;
			routemon_found(f, PFX_ORIGIN, where, "%s originated "
			    "by AS%u instead of AS%u (%s)", e->pfx, o,
			    bp->origin, where);
		}
		if (s == NULL || !routemon_relevant(e->it, s) ||
		    !routemon_carry_kind(peer->key.kind))
			continue;
		for (k = 0; k < m->nsessions; k++) {
			if (m->sessions[k] != s)
				continue;
			/* Post-policy is what the session really sends. */
			if (e->sroute[k] == -1 || peer->key.kind ==
			    RIB_PEER_ADJ_IN_POST)
				e->sroute[k] = (int)i;
		}
	}
	if (!(f->flags & PFX_ORIGIN))
		bp->bad_origin = 0;
}

/* Add a session's name to bp->carried. */
static void
routemon_item_carried(struct branch_prefix *bp, const char *name)
{
	size_t	 n = strlen(bp->carried);

	if (n != 0 && n + 1 < sizeof bp->carried)
		bp->carried[n++] = ' ';
	bp->carried[n] = '\0';
	strlcpy_pt(bp->carried + n, name, sizeof bp->carried - n);
}

/*
 * Per session: carried, the path rules, the best path.  A session whose
 * routes are unknown (its source went away: session->routes_lost) is
 * neither carrying nor missing the prefix: it keeps what it carried.  One
 * whose sources report no routes at all (session_routes_unreported())
 * is not counted.
 */
static void
routemon_item_sessions(struct rm_eval *e)
{
	struct routemon		*rm = e->rm;
	struct model		*m = rm->m;
	struct branch_prefix	*bp = e->bp;
	struct rm_check		 chk;
	struct session		*s;
	const struct rm_route	*r;
	const struct rm_cond	*c;
	size_t			 i, k;

	bp->nprimary = bp->nbackup = 0;
	bp->nprimary_total = bp->nbackup_total = 0;
	bp->nunknown = bp->nprimary_unknown = bp->nbackup_unknown = 0;
	bp->carried[0] = '\0';
	for (k = 0; k < m->nsessions; k++) {
		s = m->sessions[k];
		if (!routemon_relevant(e->it, s))
			continue;
		/*
		 * An IPv4 session is not expected to carry an IPv6 prefix
		 * (nor the reverse), unless it does (MP-BGP).
		 */
		if (s->routes_lost && e->sroute[k] == -1)
			e->now[k] = e->it->carry[k];
		if (s->neighbor.af != bp->prefix.addr.af &&
		    e->sroute[k] == -1)
			continue;
		/*
		 * Its source reports only its state (BIRD): its routes are
		 * not reported, so it is not counted, carrying or missing.
		 */
		if (e->sroute[k] == -1 && !rm->observed[k] &&
		    !s->routes_lost && session_routes_unreported(s))
			continue;
		if (rm->observed[k])
			e->anyobs = 1;
		if (s->role == ROLE_PRIMARY)
			bp->nprimary_total++;
		else
			bp->nbackup_total++;
		if (s->routes_lost && e->sroute[k] == -1) {
			bp->nunknown++;
			if (s->role == ROLE_PRIMARY)
				bp->nprimary_unknown++;
			else
				bp->nbackup_unknown++;
			if (e->unknown == -1)
				e->unknown = (int)k;
			continue;
		}
		if (e->sroute[k] == -1) {
			if (rm->observed[k])
				e->f->flags |= s->role == ROLE_PRIMARY ?
				    PFX_NOPRIMARY : PFX_NOBACKUP;
			continue;
		}
		e->now[k] = 1;
		e->ncarry++;
		if (s->role == ROLE_PRIMARY)
			bp->nprimary++;
		else
			bp->nbackup++;
		routemon_item_carried(bp, s->name);

		r = &rm->routes[e->sroute[k]];
		routemon_check(&chk, r->attr, bp, s,
		    rib_peer(rm->rib, r->peer)->key.asn, rm->max_path,
		    &rm->sec);
		if (r->attr->origin_as == bp->origin) {
			for (i = 0; i < RM_NCONDS; i++) {
				c = &rm_conds[i];
				if (chk.flags & c->bit)
					routemon_found(e->f, c->bit,
					    chk.details, "%s on %s: %s",
					    e->pfx, s->name,
					    chk.why[routemon_bit(c->bit)]);
			}
		}
		if (e->best == -1 || routemon_better(s, &chk,
		    m->sessions[e->best], &e->bestchk)) {
			e->best = (int)k;
			e->bestchk = chk;
		}
	}
}

/* The best path, and whether the prefix is carried by any session. */
static void
routemon_item_visibility(struct rm_eval *e)
{
	struct model		*m = e->rm->m;
	struct branch_prefix	*bp = e->bp;
	struct rm_item		*it = e->it;
	char			 last[256];
	size_t			 k;

	bp->seen = bp->seen || e->anyobs || e->routes;
	bp->best_session = e->best;
	if (e->best != -1) {
		bp->best_origin =
		    e->rm->routes[e->sroute[e->best]].attr->origin_as;
		strlcpy_pt(bp->best_path, e->bestchk.path,
		    sizeof bp->best_path);
		it->ever = 1;
	} else {
		bp->best_origin = 0;
		bp->best_path[0] = '\0';
	}
	/* A session whose routes are unknown may carry it: no verdict. */
	if (e->ncarry == 0 && e->anyobs && bp->nunknown == 0) {
		/* Who carried it until now (carry[] is the last eval's). */
		strlcpy_pt(last, it->ever ? "last carried by" :
		    "never carried since start-up", sizeof last);
		for (k = 0; k < m->nsessions; k++) {
			if (!it->carry[k])
				continue;
			strlcpy_pt(last + strlen(last), " ",
			    sizeof last - strlen(last));
			strlcpy_pt(last + strlen(last), m->sessions[k]->name,
			    sizeof last - strlen(last));
		}
		routemon_found(e->f, PFX_INVISIBLE, last, "%s is not carried "
		    "by any session of %s", e->pfx, it->b->partner != NULL ?
		    it->b->partner->name : "any partner");
	}
	/*
	 * With no path to judge, the path rules keep their verdict: a
	 * withdrawal does not fix a leak (nor does it raise one again when
	 * the same path comes back).  With part of the picture unknown,
	 * nothing is resolved: what is raised stays until the source is
	 * back and the prefix can be compared again.
	 */
	if (e->ncarry == 0)
		e->f->flags |= it->raised & RM_PATH_RULES;
	if (bp->nunknown > 0)
		e->f->flags |= it->raised;
}

/* Announcements and withdrawals, session by session. */
static void
routemon_item_carry(struct rm_eval *e)
{
	struct routemon		*rm = e->rm;
	struct model		*m = rm->m;
	struct rm_item		*it = e->it;
	struct rm_check		 chk;
	struct session		*s;
	size_t			 k;

	for (k = 0; k < m->nsessions; k++) {
		s = m->sessions[k];
		if (e->now[k] == it->carry[k])
			continue;
		/* The first table is the state, not news (routes_gen). */
		if (e->now[k] && (s->routes_loading || rm->fresh[k])) {
			it->carry[k] = 1;
			continue;
		}
		if (e->now[k]) {
			routemon_check(&chk, rm->routes[e->sroute[k]].attr,
			    e->bp, s, 0, rm->max_path, NULL);
			routemon_event(rm, e->now_ms, s->role == ROLE_PRIMARY ?
			    "PrefixAnnouncementEvent" :
			    "PrefixBackupRouteAnnouncementEvent", LVL_INFO,
			    e->subject, chk.details, it->b, s, "%s announced "
			    "on %s (%s %s) path %s", e->pfx, s->name, s->edge,
			    role_name(s->role), chk.path);
		} else
			routemon_event(rm, e->now_ms, s->role == ROLE_PRIMARY ?
			    "PrefixWithdrawalEvent" :
			    "PrefixBackupRouteWithdrawalEvent", LVL_WARNING,
			    e->subject, NULL, it->b, s,
			    "%s withdrawn on %s (%s %s)",
			    e->pfx, s->name, s->edge, role_name(s->role));
		it->carry[k] = e->now[k];
	}
}

/* Conditions: raise what started, restore what cleared. */
static void
routemon_item_conditions(struct rm_eval *e)
{
	struct rm_item		*it = e->it;
	struct rm_found		*f = e->f;
	const struct rm_cond	*c;
	const char		*src;
	unsigned		 raise, clear;
	size_t			 i;
	int			 bit;

	raise = f->flags & ~it->raised;
	clear = it->raised & ~f->flags;
	for (i = 0; i < RM_NCONDS; i++) {
		c = &rm_conds[i];
		if (c->type == NULL)
			continue;
		bit = routemon_bit(c->bit);
		/*
		 * Not carried since start-up is a state, shown but not news:
		 * the event is for losing it (a prefix an updates file or a
		 * BMP dump has not reached yet is no outage).
		 */
		if (c->bit == PFX_INVISIBLE && !it->ever)
			continue;
		if (raise & c->bit) {
			if (c->bit == PFX_ORIGIN && !e->origin_primary) {
				routemon_event(e->rm, e->now_ms,
				    "PrefixBackupRouteOriginAsChangeEvent",
				    LVL_ERROR, e->subject, f->details[bit],
				    e->it->b, NULL, "%s", f->summary[bit]);
			} else {
				routemon_event(e->rm, e->now_ms, c->type,
				    c->level, e->subject, f->details[bit],
				    e->it->b, NULL, "%s", f->summary[bit]);
			}
			it->raised |= c->bit;
		} else if (clear & c->bit) {
			src = e->bp->carried[0] != '\0' ? e->bp->carried :
			    "none";
			routemon_event(e->rm, e->now_ms, c->restored, LVL_INFO,
			    e->subject, NULL, e->it->b, NULL, "%s: %s (carried by %s)",
			    e->pfx, c->cleared, src);
			it->raised &= ~c->bit;
		}
	}
}

/*
 * Some session's routes are unknown: the problem says since when and why,
 * then what was last seen ("203.0.113.0/24: routes unknown since 14:02
 * (BMP from r2 closed); last seen: origin").
 */
static void
routemon_item_unknown(struct rm_eval *e)
{
	const struct session	*s = e->rm->m->sessions[e->unknown];
	char			 when[32], words[128];

	fmt_time(when, sizeof when, s->routes_lost_ms, FMT_TIME_CLOCK);
	routemon_flags_fmt(e->f->flags, words, sizeof words);
	snprintf(e->bp->problem, sizeof e->bp->problem, "%s: routes unknown "
	    "since %.5s (%s); last seen: %s", e->pfx,
	    strlen(when) > 11 ? when + 11 : when, s->routes_why,
	    words[0] != '\0' ? words : "no problem");
}

/* The prefix's flags and worst problem in words; the history if changed. */
static void
routemon_item_record(struct rm_eval *e, const struct branch_prefix *was)
{
	struct model		*m = e->rm->m;
	struct branch_prefix	*bp = e->bp;
	const struct rm_cond	*c;
	size_t			 i;
	int			 bit;

	if (bp->seen && (bp->flags != e->f->flags || bp->since_ms == 0))
		bp->since_ms = e->now_ms;
	bp->flags = e->f->flags;
	bp->problem[0] = '\0';
	for (i = 0; i < RM_NCONDS; i++) {
		c = &rm_conds[i];
		if (!(bp->flags & c->bit))
			continue;
		bit = routemon_bit(c->bit);
		if (e->f->summary[bit][0] != '\0')
			strlcpy_pt(bp->problem, e->f->summary[bit],
			    sizeof bp->problem);
		else if (c->type == NULL)
			snprintf(bp->problem, sizeof bp->problem,
			    "%s: not on every %s session", e->pfx,
			    c->bit == PFX_NOPRIMARY ? "primary" : "backup");
		else
			snprintf(bp->problem, sizeof bp->problem,
			    "%s: %s when last carried", e->pfx, c->word);
		break;
	}
	if (e->unknown != -1)
		routemon_item_unknown(e);
	if (bp->seen && m->sink.prefix != NULL && (!was->seen ||
	    was->flags != bp->flags || was->nprimary != bp->nprimary ||
	    was->nbackup != bp->nbackup ||
	    was->nprimary_total != bp->nprimary_total ||
	    was->nbackup_total != bp->nbackup_total ||
	    was->best_session != bp->best_session ||
	    was->best_origin != bp->best_origin ||
	    strcmp(was->best_path, bp->best_path) != 0))
		m->sink.prefix(m->sink.arg, e->it->b, bp, e->now_ms);
}

/* Evaluate one registered prefix over the routes of the last walk. */
static void
routemon_eval_item(struct routemon *rm, struct rm_item *it, int64_t now_ms)
{
	struct model		*m = rm->m;
	struct rm_eval		 e;
	struct branch_prefix	 was;
	size_t			 k;

	memset(&e, 0, sizeof e);
	e.rm = rm;
	e.it = it;
	e.bp = it->bp;
	e.now_ms = now_ms;
	e.best = -1;
	e.unknown = -1;
	e.f = xcalloc(1, sizeof *e.f);
	e.now = xcalloc(m->nsessions + 1, 1);
	e.sroute = xcalloc(m->nsessions + 1, sizeof *e.sroute);
	for (k = 0; k < m->nsessions; k++)
		e.sroute[k] = -1;
	prefix_fmt(&it->bp->prefix, e.pfx, sizeof e.pfx);
	snprintf(e.subject, sizeof e.subject, "prefix %s", e.pfx);
	/* What the history holds of it, to record only changes. */
	was = *it->bp;

	routemon_item_routes(&e);
	routemon_item_sessions(&e);
	routemon_item_rpki(&e);
	routemon_item_roa_expiry(&e);
	routemon_item_visibility(&e);
	routemon_item_carry(&e);
	routemon_item_conditions(&e);
	routemon_item_record(&e, &was);

	free(e.sroute);
	free(e.now);
	free(e.f);
}

/*
 * The routed edge: the edge of the best session over the branch's
 * prefixes; SuboptimalRouting while it is more than the tolerance
 * farther from the branch than the nearest edge the partner can deliver
 * at (geo_deliverable_edge()).  The geographic nearest may be a metro
 * where the partner has no session: traffic cannot enter there, so it
 * is no reference (the details name it apart).
 */
static void
routemon_eval_branch(struct routemon *rm, struct branch *b, int64_t now_ms)
{
	struct model		*m = rm->m;
	struct branch_prefix	*bp, *bestp = NULL;
	struct session		*s, *bs;
	const struct edge	*re, *de;
	char			 subject[96], details[320], geo[96], why[48];
	double			 km = 0, dkm = 0;
	size_t			 i;
	int			 routed = -1, sub = 0, deliver = -1;
	int			 was_routed = b->routed;
	int			 was_sub = b->suboptimal;

	/*
	 * Some session's routes are unknown: the best path may be on it.
	 * Keep the edge last known and judge nothing until it is back.
	 */
	for (i = 0; i < b->nprefixes; i++)
		if (b->prefixes[i].nunknown > 0)
			return;
	for (i = 0; i < b->nprefixes; i++) {
		bp = &b->prefixes[i];
		if (bp->best_session < 0 ||
		    (size_t)bp->best_session >= m->nsessions)
			continue;
		s = m->sessions[bp->best_session];
		if (bestp != NULL) {
			bs = m->sessions[bestp->best_session];
			if ((bs->state == BGP_ESTABLISHED) !=
			    (s->state == BGP_ESTABLISHED)) {
				if (bs->state == BGP_ESTABLISHED)
					continue;
			} else if (bs->role != s->role) {
				if (bs->role == ROLE_PRIMARY)
					continue;
			} else
				continue;
		}
		bestp = bp;
	}
	if (bestp != NULL) {
		s = m->sessions[bestp->best_session];
		routed = s->edge_idx >= 0 && (size_t)s->edge_idx < m->nedges ?
		    s->edge_idx : -1;
	}
	b->routed = routed;
	/* Nothing routed: nothing to judge, SuboptimalRouting stays. */
	if (routed < 0)
		goto out;
	if (b->loc != LOC_UNKNOWN)
		deliver = geo_deliverable_edge(m, b, &dkm);
	if (deliver >= 0 && routed != deliver) {
		re = &m->edges[routed];
		km = geo_distance_km(b->lat, b->lon, re->lat, re->lon);
		sub = km - dkm > rm->tolerance_km;
	}
	snprintf(subject, sizeof subject, "branch %s", b->name);
	if (sub && !b->suboptimal) {
		re = &m->edges[routed];
		de = &m->edges[deliver];
		s = m->sessions[bestp->best_session];
		geo[0] = '\0';
		if (b->nearest >= 0 && b->nearest != deliver) {
			geo_edge_why(b, b->nearest, why, sizeof why);
			snprintf(geo, sizeof geo, ", geographic nearest %s "
			    "%.0f km (%s)", m->edges[b->nearest].code,
			    b->nearest_km, why);
		}
		snprintf(details, sizeof details, "session %s edge %s (%s) "
		    "%.0f km, nearest deliverable %s (%s) %.0f km%s, path %s",
		    s->name, re->code, re->metro, km, de->code, de->metro,
		    dkm, geo, bestp->best_path);
		if (deliver == b->nearest)
			routemon_event(rm, now_ms, "SuboptimalRouting",
			    LVL_WARNING, subject, details, b, NULL,
			    "%s enters Microsoft at %s, %.0f km farther than "
			    "the nearest edge %s", b->name, re->code,
			    km - dkm, de->code);
		else
			routemon_event(rm, now_ms, "SuboptimalRouting",
			    LVL_WARNING, subject, details, b, NULL,
			    "%s enters Microsoft at %s, %.0f km farther than "
			    "%s, the nearest edge its partner has a session "
			    "at",
			    b->name, re->code, km - dkm, de->code);
		b->suboptimal = 1;
	} else if (!sub && b->suboptimal) {
		routemon_event(rm, now_ms, "SuboptimalRoutingResolved",
		    LVL_INFO, subject, NULL, b, NULL, "%s enters Microsoft at "
		    "%s, %s", b->name, m->edges[routed].code, routed == deliver ?
		    "its nearest edge" : "close enough to its nearest edge");
		b->suboptimal = 0;
	}
out:
	if (m->sink.route != NULL && (b->routed != was_routed ||
	    b->suboptimal != was_sub))
		m->sink.route(m->sink.arg, b, now_ms);
}

int
routemon_vrps_aspa(uint32_t customer, const uint32_t **providers,
    size_t *nproviders, void *arg)
{
	const struct model	*m = arg;
	const struct vrp_aspa	*a;

	if ((a = vrp_index_aspa_find(m->vrps, customer, 0)) == NULL &&
	    (a = vrp_index_aspa_find(m->vrps, customer, 4)) == NULL &&
	    (a = vrp_index_aspa_find(m->vrps, customer, 6)) == NULL)
		return (0);
	*providers = a->providers;
	*nproviders = a->nproviders;
	return (1);
}

int
routemon_rpki_state(const struct model *m, const struct branch_prefix *bp)
{
	if (m->vrps == NULL)
		return (-1);
	return ((int)vrp_validate(m->vrps, &bp->prefix, bp->origin));
}

/*
 * The VRPs covering p in words, least specific first: "203.0.113.0/24-24
 * AS64500, 203.0.113.0/24-24 AS64501"; "no ROA" when none does.
 */
char *
routemon_roas_fmt(const struct vrp_index *ix, const struct prefix *p,
    char *buf, size_t len)
{
	const struct vrp	*v[RM_ROAS_MAX];
	char			 pfx[PREFIX_STRLEN];
	size_t			 i, n, used;

	buf[0] = '\0';
	n = vrp_covering(ix, p, v, nitems(v));
	if (n == 0) {
		strlcpy_pt(buf, "no ROA", len);
		return (buf);
	}
	for (i = 0; i < n && i < nitems(v); i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s-%u AS%u",
		    i > 0 ? ", " : "", prefix_fmt(&v[i]->prefix, pfx,
		    sizeof pfx), v[i]->maxlen, v[i]->asn);
	}
	if (n > nitems(v)) {
		used = strlen(buf);
		snprintf(buf + used, len - used, " and %zu more",
		    n - nitems(v));
	}
	return (buf);
}

/*
 * RPKI (m->vrps): PFX_RPKI_INVALID for an invalid route for the prefix on
 * one of its sessions (looked at first) or seen from any peer at or under
 * it (a hijacker's more-specific), naming the state and the ROAs that
 * make it so; PFX_RPKI_NOTFOUND when no VRP covers the prefix.
 */
static void
routemon_item_rpki(struct rm_eval *e)
{
	struct routemon		*rm = e->rm;
	struct model		*m = rm->m;
	const struct rm_route	*r;
	struct rib_peer		*peer;
	char			 roas[320], pfx[PREFIX_STRLEN];
	char			 where[NAME_MAX_PT + ADDR_STRLEN + 16];
	char			 a[ADDR_STRLEN];
	size_t			 i, k;
	int			 sess;

	if (m->vrps == NULL)
		return;
	if (vrp_covering(m->vrps, &e->bp->prefix, NULL, 0) == 0)
		routemon_found(e->f, PFX_RPKI_NOTFOUND, "no ROA",
		    "%s (AS%u) is not covered by any ROA: RPKI not-found",
		    e->pfx, e->bp->origin);
	/* Its sessions' routes first, then every route of the walk. */
	for (sess = 1; sess >= 0; sess--) {
		for (i = 0; i < rm->nroutes; i++) {
			r = &rm->routes[i];
			if (r->rov != VRP_INVALID_ORIGIN &&
			    r->rov != VRP_INVALID_LENGTH)
				continue;
			for (k = 0; k < m->nsessions; k++)
				if (e->sroute[k] == (int)i)
					break;
			if (sess != (k < m->nsessions))
				continue;
			if ((peer = rib_peer(rm->rib, r->peer)) == NULL)
				continue;
			if (sess)
				snprintf(where, sizeof where, "on %s",
				    m->sessions[k]->name);
			else if (peer->session != NULL)
				snprintf(where, sizeof where, "from session "
				    "%s", peer->session->name);
			else
				snprintf(where, sizeof where, "from peer %s "
				    "AS%u", addr_fmt(&peer->key.addr, a,
				    sizeof a), peer->key.asn);
			routemon_roas_fmt(m->vrps, &r->prefix, roas,
			    sizeof roas);
			routemon_found(e->f, PFX_RPKI_INVALID, roas, "%s%s %s "
			    "is RPKI %s: origin AS%u, %s",
			    r->prefix.len > e->bp->prefix.len ?
			    "more-specific " : "", prefix_fmt(&r->prefix, pfx,
			    sizeof pfx), where, vrp_state_name(r->rov),
			    r->attr->origin_as, roas);
		}
	}
}

/*
 * PFX_ROA_EXPIRING: every VRP that makes the prefix valid from its
 * registered origin expires within roa-expiry (validators give the end
 * of the shortest-lived object on the chain, rpki-client's "expires").
 */
static void
routemon_item_roa_expiry(struct rm_eval *e)
{
	struct routemon		*rm = e->rm;
	const struct vrp	*v[64], *last = NULL;
	const struct prefix	*p = &e->bp->prefix;
	char			 when[FMT_TIME_LEN], pfx[PREFIX_STRLEN];
	char			 details[128];
	size_t			 i, n;

	if (rm->m->vrps == NULL)
		return;
	n = vrp_covering(rm->m->vrps, p, v, nitems(v));
	for (i = 0; i < n && i < nitems(v); i++) {
		if (v[i]->asn != e->bp->origin || v[i]->maxlen < p->len)
			continue;
		/* One without an expiry, or a later one, keeps it valid. */
		if (v[i]->expires == 0)
			return;
		if (last == NULL || v[i]->expires > last->expires)
			last = v[i];
	}
	if (last == NULL || last->expires * 1000 - e->now_ms >
	    rm->roa_expiry_ms)
		return;
	fmt_time(when, sizeof when, last->expires * 1000, FMT_TIME_FULL);
	snprintf(details, sizeof details, "ROA %s-%u AS%u expires %s",
	    prefix_fmt(&last->prefix, pfx, sizeof pfx), last->maxlen,
	    last->asn, when);
	routemon_found(e->f, PFX_ROA_EXPIRING, details, "%s: %s%s", e->pfx,
	    details, last->expires * 1000 <= e->now_ms ? " (expired)" : "");
}

/* Does one prefix contain the other? */
static int
routemon_overlap(const struct prefix *a, const struct prefix *b)
{
	if (a->len <= b->len)
		return (prefix_contains(a, &b->addr));
	return (prefix_contains(b, &a->addr));
}

/* ROAChanged for one registered prefix: the VRPs at or under it. */
static void
routemon_roa_changed(struct routemon *rm, const struct rm_item *it,
    const struct vrp_diff *d, int64_t now_ms)
{
	char		 pfx[PREFIX_STRLEN], vp[PREFIX_STRLEN];
	char		 words[2][200], details[256];
	const struct vrp *v;
	size_t		 i, n[2] = { 0, 0 }, used;
	int		 which;

	words[0][0] = words[1][0] = '\0';
	for (which = 0; which < 2; which++) {
		for (i = 0; i < (which ? d->nremoved : d->nadded); i++) {
			v = which ? d->removed[i] : d->added[i];
			if (!routemon_overlap(&v->prefix, &it->bp->prefix))
				continue;
			if (n[which]++ >= RM_ROAS_MAX)
				continue;
			used = strlen(words[which]);
			snprintf(words[which] + used, sizeof words[which] -
			    used, " %s-%u AS%u", prefix_fmt(&v->prefix, vp,
			    sizeof vp), v->maxlen, v->asn);
		}
	}
	if (n[0] + n[1] == 0)
		return;
	prefix_fmt(&it->bp->prefix, pfx, sizeof pfx);
	snprintf(details, sizeof details, "%s%s%s%s",
	    n[0] ? "added:" : "", words[0], n[0] && n[1] ? "; " : "",
	    n[1] ? "removed:" : "");
	strlcpy_pt(details + strlen(details), words[1],
	    sizeof details - strlen(details));
	snprintf(words[0], sizeof words[0], "prefix %s", pfx);
	/* Losing a ROA may make it not-found or invalid: a Warning. */
	routemon_event(rm, now_ms, "ROAChanged", n[1] ? LVL_WARNING :
	    LVL_INFO, words[0], details, it->b, NULL, "%s: %zu ROA%s added, "
	    "%zu removed: %s", pfx, n[0], n[0] == 1 ? "" : "s", n[1],
	    details);
}

void
routemon_vrps_changed(struct routemon *rm, const struct vrp_diff *d,
    int64_t now_ms)
{
	struct rm_pfx	*p;
	size_t		 i, j;

	if (d == NULL) {
		routemon_dirty_all(rm);
		return;
	}
	/* A renewed ROA is no change of the diff's: look at them again. */
	for (i = 0; i < rm->nitems; i++) {
		routemon_roa_changed(rm, &rm->items[i], d, now_ms);
		if (rm->items[i].raised & PFX_ROA_EXPIRING)
			routemon_watch_cb(rm, (int)rm->items[i].pfx);
	}
	/* The states changed only under d->prefixes. */
	for (i = 0; i < rm->npfxs; i++) {
		p = &rm->pfxs[i];
		for (j = 0; j < d->nprefixes && !p->dirty; j++)
			if (routemon_overlap(&p->prefix, &d->prefixes[j]))
				routemon_watch_cb(rm, (int)i);
	}
}
