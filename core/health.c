/* SPDX-License-Identifier: ISC */
/*
 * Geo-redundancy of each partner's peering with Microsoft (SPEC.md
 * "Health computations", after Microsoft's Peering Service partner
 * requirements): at the primary metro at least two Established sessions on
 * two different routers, and a backup metro, different from the primary,
 * with at least one Established session.  health_redundancy() is a pure
 * function of the sessions' states; health_update() runs it for every
 * partner after each report, records transitions through the model's sink
 * and raises RedundancyDegraded / RedundancyRestored events.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/condition.h"
#include "core/health.h"
#include "core/routemon.h"
#include "core/util.h"

/* The evaluation of one candidate primary metro. */
struct health_eval {
	const char	*edge;		/* primary metro, NULL if none */
	int		 psessions;	/* primary sessions at the metro */
	int		 pup;		/* ... of which Established */
	int		 prouters;	/* distinct routers at the metro */
	int		 prouters_up;	/* ... with an Established session */
	int		 bsessions;	/* backup sessions at other metros */
	int		 bup;		/* ... of which Established */
	const char	*bedge;		/* the backup metro to name, or NULL */
	int		 bsame;		/* backup sessions at the primary */
	int		 primary_ok;
	int		 backup_ok;
	enum redundancy	 red;
};

static const char *health_router(const struct session *);
static int	 health_router_seen(struct session *const *, size_t,
		    const struct session *, const char *, int);
static void	 health_eval(const struct partner *, const char *,
		    struct health_eval *);
static int	 health_better(const struct health_eval *,
		    const struct health_eval *);
static void	 health_reason(const struct partner *,
		    const struct health_eval *, int, char *, size_t);
static int	 health_healthy(const struct partner *, enum redundancy);
static void	 health_partner(struct model *, struct partner *);

/*
 * What identifies the router a session runs on: the configured router
 * name, else the collector that reports it (one BIRD socket is one
 * router), else the session itself.
 */
static const char *
health_router(const struct session *s)
{
	if (s->router[0] != '\0')
		return (s->router);
	if (s->source != NULL) {
		if (s->source->router[0] != '\0')
			return (s->source->router);
		if (s->source->name[0] != '\0')
			return (s->source->name);
	}
	return (s->name);
}

/*
 * Whether an earlier primary session at the same metro (and, if up_only,
 * Established) already counted this session's router.
 */
static int
health_router_seen(struct session *const *ss, size_t n,
    const struct session *s, const char *edge, int up_only)
{
	size_t	 i;

	for (i = 0; i < n && ss[i] != s; i++) {
		if (ss[i]->role != ROLE_PRIMARY ||
		    strcmp(ss[i]->edge, edge) != 0)
			continue;
		if (up_only && ss[i]->state != BGP_ESTABLISHED)
			continue;
		if (strcmp(health_router(ss[i]), health_router(s)) == 0)
			return (1);
	}
	return (0);
}

/* Evaluate the partner with edge as its primary metro (NULL: none). */
static void
health_eval(const struct partner *p, const char *edge, struct health_eval *e)
{
	const struct session	*s;
	size_t			 i;
	int			 up, bmixed = 0;

	memset(e, 0, sizeof *e);
	e->edge = edge;
	for (i = 0; i < p->nsessions; i++) {
		s = p->sessions[i];
		up = s->state == BGP_ESTABLISHED;
		if (s->role == ROLE_PRIMARY) {
			if (edge == NULL || strcmp(s->edge, edge) != 0)
				continue;
			e->psessions++;
			if (!health_router_seen(p->sessions, p->nsessions, s,
			    edge, 0))
				e->prouters++;
			if (!up)
				continue;
			e->pup++;
			if (!health_router_seen(p->sessions, p->nsessions, s,
			    edge, 1))
				e->prouters_up++;
			continue;
		}
		/* A backup at the primary metro is no geo-redundancy. */
		if (edge != NULL && strcmp(s->edge, edge) == 0) {
			e->bsame++;
			continue;
		}
		e->bsessions++;
		if (up) {
			if (e->bup++ == 0)
				e->bedge = s->edge;
		} else if (e->bup == 0) {
			if (e->bedge == NULL)
				e->bedge = s->edge;
			else if (strcmp(e->bedge, s->edge) != 0)
				bmixed = 1;
		}
	}
	if (e->bup == 0 && bmixed)
		e->bedge = NULL;	/* several metros, all down */

	e->primary_ok = e->pup >= 2 && e->prouters_up >= 2;
	e->backup_ok = e->bup >= 1;
	if (p->backup_none) {
		if (e->primary_ok)
			e->red = RED_NOBACKUP;
		else if (e->pup > 0)
			e->red = RED_DEGRADED;
		else
			e->red = RED_DOWN;
	} else if (e->primary_ok && e->backup_ok)
		e->red = RED_REDUNDANT;
	else if (e->primary_ok || e->backup_ok)
		e->red = RED_DEGRADED;
	else
		e->red = RED_DOWN;
}

/* Is a a better primary metro than b? */
static int
health_better(const struct health_eval *a, const struct health_eval *b)
{
	static const int rank[] = {
		[RED_UNKNOWN] = 4, [RED_REDUNDANT] = 0, [RED_NOBACKUP] = 1,
		[RED_DEGRADED] = 2, [RED_DOWN] = 3,
	};

	if (rank[a->red] != rank[b->red])
		return (rank[a->red] < rank[b->red]);
	if (a->prouters_up != b->prouters_up)
		return (a->prouters_up > b->prouters_up);
	return (a->pup > b->pup);
}

/* Say why, compactly: "primary sea: 2 routers up; backup lax: up". */
static void
health_reason(const struct partner *p, const struct health_eval *e,
    int nprimary, char *reason, size_t len)
{
	char	 pri[96], bak[96], best[24];

	best[0] = '\0';
	if (nprimary > 1)
		snprintf(best, sizeof best, " (best of %d)", nprimary);
	if (e->edge == NULL)
		snprintf(pri, sizeof pri, "no primary session configured");
	else if (e->primary_ok)
		snprintf(pri, sizeof pri, "primary %s%s: %d routers up",
		    e->edge, best, e->prouters_up);
	else if (e->pup >= 2)
		snprintf(pri, sizeof pri, "primary %s%s: %d sessions up, all"
		    " on one router", e->edge, best, e->pup);
	else
		snprintf(pri, sizeof pri, "primary %s%s: %d of %d routers"
		    " Established%s", e->edge, best, e->prouters_up,
		    e->prouters, e->prouters < 2 ? " (2 needed)" : "");

	if (p->backup_none)
		snprintf(bak, sizeof bak, "backup none (Internet failover)");
	else if (e->backup_ok)
		snprintf(bak, sizeof bak, "backup %s: up", e->bedge);
	else if (e->bsessions > 0)
		snprintf(bak, sizeof bak, "backup%s%s: %d of %d sessions"
		    " Established", e->bedge != NULL ? " " : "",
		    e->bedge != NULL ? e->bedge : "", e->bup, e->bsessions);
	else if (e->bsame > 0)
		snprintf(bak, sizeof bak, "backup %s: same metro as primary,"
		    " not counted", e->edge);
	else
		snprintf(bak, sizeof bak, "no backup session configured");

	snprintf(reason, len, "%s; %s", pri, bak);
}

enum redundancy
health_redundancy(const struct partner *p, char *reason, size_t reasonlen)
{
	struct health_eval	 e, best;
	const struct session	*s;
	size_t			 i, j;
	int			 reported = 0, up = 0, nprimary = 0;

	for (i = 0; i < p->nsessions; i++) {
		s = p->sessions[i];
		if (s->state != BGP_UNKNOWN)
			reported++;
		if (s->state == BGP_ESTABLISHED)
			up++;
	}
	if (p->nsessions == 0) {
		snprintf(reason, reasonlen, "no session configured");
		return (RED_UNKNOWN);
	}
	if (reported == 0) {
		snprintf(reason, reasonlen, "no session state reported yet");
		return (RED_UNKNOWN);
	}
	if (up == 0) {
		snprintf(reason, reasonlen, "no session Established");
		return (RED_DOWN);
	}

	/*
	 * Each distinct metro of a primary-role session is a candidate
	 * primary; the partner is as healthy as its best one.
	 */
	health_eval(p, NULL, &best);
	for (i = 0; i < p->nsessions; i++) {
		s = p->sessions[i];
		if (s->role != ROLE_PRIMARY)
			continue;
		for (j = 0; j < i; j++) {
			if (p->sessions[j]->role == ROLE_PRIMARY &&
			    strcmp(p->sessions[j]->edge, s->edge) == 0)
				break;
		}
		if (j != i)
			continue;	/* metro already evaluated */
		health_eval(p, s->edge, &e);
		if (nprimary++ == 0 || health_better(&e, &best))
			best = e;
	}
	health_reason(p, &best, nprimary, reason, reasonlen);
	return (best.red);
}

/* The state this partner should be in: REDUNDANT, or NO-BACKUP by design. */
static int
health_healthy(const struct partner *p, enum redundancy red)
{
	if (p->backup_none)
		return (red == RED_NOBACKUP || red == RED_REDUNDANT);
	return (red == RED_REDUNDANT);
}

/*
 * When a first verdict (or one after the sessions' states were lost)
 * began: the verdict is a function of the sessions' states, so it has
 * held since the newest of their changes, when all are known; else now.
 * --once's "since" is then not the run's start.
 */
static int64_t
health_since(const struct partner *p, int64_t now)
{
	int64_t	 since = 0;
	size_t	 i;

	for (i = 0; i < p->nsessions; i++) {
		if (p->sessions[i]->since_ms <= 0 ||
		    p->sessions[i]->since_ms > now)
			return (now);
		if (p->sessions[i]->since_ms > since)
			since = p->sessions[i]->since_ms;
	}
	return (since != 0 ? since : now);
}

/*
 * Is the partner being turned up: a session of its in the turnup block,
 * none Established since peertop started (a step kept, or a flap)?  A
 * turnup block left behind after the turn-up stops mattering once a
 * session has been up.
 */
static int
health_turnup(const struct model *m, const struct partner *p)
{
	const struct session		*s;
	const struct session_step	*st;
	size_t				 i, j;
	int				 named = 0;

	if (m->nturnup_sessions == 0)
		return (0);
	for (i = 0; i < p->nsessions; i++) {
		s = p->sessions[i];
		if (s->state == BGP_ESTABLISHED || s->flaps > 0)
			return (0);
		for (j = 0; (st = model_session_step_at(s, j)) != NULL; j++)
			if (st->state == BGP_ESTABLISHED)
				return (0);
		for (j = 0; !named && j < m->nturnup_sessions; j++)
			named = strcmp(m->turnup_sessions[j], s->name) == 0;
	}
	return (named);
}

static void
health_partner(struct model *m, struct partner *p)
{
	char		 reason[REASON_MAX], subject[96];
	enum redundancy	 old = p->red, red;
	enum level	 level;
	int64_t		 now;
	int		 turnup;

	red = health_redundancy(p, reason, sizeof reason);
	turnup = health_turnup(m, p);
	if (red == RED_DOWN && turnup)
		snprintf(reason, sizeof reason, "turn-up: no session "
		    "Established yet");
	if (turnup != p->turnup) {
		p->turnup = turnup;
		model_touch(m, DIRTY_BRANCHES);
	}
	if (red == old) {
		if (strcmp(reason, p->reason) != 0) {
			strlcpy_pt(p->reason, reason, sizeof p->reason);
			model_touch(m, DIRTY_BRANCHES);
		}
		return;
	}

	now = now_wall_ms();
	p->red = red;
	p->red_since_ms = old == RED_UNKNOWN ? health_since(p, now) : now;
	strlcpy_pt(p->reason, reason, sizeof p->reason);
	model_touch(m, DIRTY_BRANCHES);
	if (m->sink.redundancy != NULL)
		m->sink.redundancy(m->sink.arg, p, old, now);

	/*
	 * Losing all state (collectors down) is reported by the collector
	 * events, not as a redundancy change.  Afterwards the verdict is
	 * compared with the last known one: the same state again is not
	 * news, a different one is.  The very first verdict only speaks up
	 * when something is wrong.
	 */
	if (red == RED_UNKNOWN)
		return;
	if (old == RED_UNKNOWN)
		old = p->red_known;
	p->red_known = red;
	if (red == old || (old == RED_UNKNOWN && health_healthy(p, red)))
		return;

	snprintf(subject, sizeof subject, "partner %s", p->name);
	if (health_healthy(p, red)) {
		model_eventf(m, "RedundancyRestored", LVL_INFO, subject,
		    reason, "%s (was %s): %s", redundancy_name(red),
		    redundancy_name(old), reason);
		return;
	}
	level = health_red_level(p);
	/*
	 * DOWN -> DEGRADED is better but still not healthy: it is reported
	 * as the degraded condition at its new, lower level.
	 */
	model_eventf(m, "RedundancyDegraded", level, subject, reason,
	    "%s (was %s): %s", redundancy_name(red),
	    redundancy_name(old), reason);
}

/*
 * Sessions up/total for a branch: its partner's sessions, or every
 * session when the branch names no partner.
 */
void
health_branch(struct model *m, struct branch *b)
{
	struct session	**ss;
	size_t		  n, i;
	int		  up = 0;

	if (b->partner != NULL) {
		ss = b->partner->sessions;
		n = b->partner->nsessions;
	} else {
		ss = m->sessions;
		n = m->nsessions;
	}
	for (i = 0; i < n; i++) {
		if (ss[i]->state == BGP_ESTABLISHED)
			up++;
	}
	if (b->sessions_up != up || b->sessions_total != (int)n) {
		b->sessions_up = up;
		b->sessions_total = (int)n;
		model_touch(m, DIRTY_BRANCHES);
	}
}

void
health_update(struct model *m)
{
	struct partner	*p;
	size_t		 i;
	int		 settled;

	/*
	 * Until every collector has answered once (and a BMP router has
	 * sent its tables: model_synced()), a verdict would rest on half
	 * the routers: say so instead of raising events at start-up.
	 */
	settled = model_sessions_synced(m);
	for (i = 0; i < m->npartners; i++) {
		p = m->partners[i];
		if (settled)
			health_partner(m, p);
		else if (p->red == RED_UNKNOWN)
			strlcpy_pt(p->reason, "waiting for the first poll of "
			    "every collector", sizeof p->reason);
	}
	for (i = 0; i < m->nbranches; i++)
		health_branch(m, m->branches[i]);
}

/*
 * A branch's health (issue 12): every condition about it at its level,
 * the worst one kept, the first of equals (redundancy, then prefixes,
 * latency, routing, single sessions).  Words are short so that the
 * Overview and the title bar can show them at 80 columns.
 */

/* Short words for a registered prefix's flags, worst first. */
static const struct {
	unsigned	 bit;
	const char	*what;
} health_pfx_words[] = {
	{ PFX_ORIGIN, "hijack" },
	{ PFX_SUBHIJACK, "sub-prefix hijack" },
	{ PFX_INVISIBLE, "not carried" },
	{ PFX_RPKI_INVALID, "RPKI invalid" },
	{ PFX_LEAK, "route leak" },
	{ PFX_ASPA, "ASPA invalid" },
	{ PFX_OTC, "OTC leak" },
	{ PFX_RPKI_NOTFOUND, "no ROA" },
	{ PFX_ROA_EXPIRING, "ROA expiring" },
	{ PFX_UPSTREAM, "unexpected upstream" },
	{ PFX_MORESPEC, "more-specific" },
	{ PFX_NO8007, "no 8075:8007" },
	{ PFX_LONGPATH, "long AS path" },
	{ PFX_PRIVATE, "private ASN" },
	{ PFX_PREPEND, "prepended" },
	{ PFX_NOPRIMARY, "not on every primary" },
	{ PFX_NOBACKUP, "not on every backup" },
};

static void	 health_note(struct health *, enum level, enum health_kind,
		    const char *, const char *);
static void	 health_prefixes(const struct branch *, struct health *);
static void	 health_open(const struct model *, const struct branch *,
		    struct health *);
static int	 health_ref_cmp(const void *, const void *);
static int	 health_size_cmp(const void *, const void *);
static int	 health_index(const struct model *);
static void	 health_index_add(size_t, const char *);
static void	 health_latency(const struct model *, const struct branch *,
		    struct health *);

/* Keep the condition if it is worse than the one kept so far. */
static void
health_note(struct health *h, enum level level, enum health_kind kind,
    const char *what, const char *subject)
{
	if (kind == HK_OK || (h->kind != HK_OK && level <= h->level))
		return;
	h->level = level;
	h->kind = kind;
	strlcpy_pt(h->what, what, sizeof h->what);
	strlcpy_pt(h->subject, subject, sizeof h->subject);
}

enum level
health_red_level(const struct partner *p)
{
	switch (p->red) {
	case RED_DOWN:
		return (p->turnup ? LVL_WARNING : LVL_CRITICAL);
	case RED_DEGRADED:
		return (LVL_WARNING);
	default:
		return (LVL_INFO);
	}
}

/* The worst flag of each registered prefix, "hijack 81.2.69.0/24". */
static void
health_prefixes(const struct branch *b, struct health *h)
{
	const struct branch_prefix *bp;
	char			 pfx[64];
	size_t			 i, j, worst;
	int			 l, wl;

	for (i = 0; i < b->nprefixes; i++) {
		bp = &b->prefixes[i];
		worst = nitems(health_pfx_words);
		wl = -1;
		for (j = 0; j < nitems(health_pfx_words); j++) {
			if ((bp->flags & health_pfx_words[j].bit) == 0)
				continue;
			l = routemon_flags_level(health_pfx_words[j].bit);
			if (l > wl) {
				wl = l;
				worst = j;
			}
		}
		if (worst == nitems(health_pfx_words))
			continue;
		prefix_fmt(&bp->prefix, pfx, sizeof pfx);
		health_note(h, (enum level)wl, HK_PREFIX,
		    health_pfx_words[worst].what, pfx);
	}
}

/* Loss, high or shifted latency per link; suboptimal routing. */
static void
health_latency(const struct model *m, const struct branch *b,
    struct health *h)
{
	const struct latlink	*l;
	const char		*code;
	char			 what[32];
	size_t			 i;

	for (i = 0; i < b->nlinks; i++) {
		l = b->links[i];
		code = l->edge_idx >= 0 && (size_t)l->edge_idx < m->nedges ?
		    m->edges[l->edge_idx].code : "?";
		if (l->flags & LAT_F_LOSS) {
			snprintf(what, sizeof what, "loss %.0f%%", l->loss_pct);
			health_note(h, l->loss_pct >= 100 ? LVL_ERROR :
			    LVL_WARNING, HK_LATENCY, what, code);
		}
		if (l->flags & LAT_F_HIGH)
			health_note(h, LVL_WARNING, HK_LATENCY, "latency high",
			    code);
		if (l->flags & LAT_F_SHIFT)
			health_note(h, LVL_WARNING, HK_LATENCY,
			    "latency shift", code);
	}
	if ((b->suboptimal || b->lat_suboptimal) && b->routed >= 0 &&
	    (size_t)b->routed < m->nedges) {
		snprintf(what, sizeof what, "via %s", m->edges[b->routed].code);
		health_note(h, LVL_WARNING, HK_ROUTING, "suboptimal", what);
	}
}

enum level
health_branch_level(const struct model *m, const struct branch *b,
    struct health *h)
{
	const struct partner	*p = b->partner;
	const struct session	*s;
	char			 what[32], subject[64];
	size_t			 i, down = 0;

	memset(h, 0, sizeof *h);
	h->level = LVL_INFO;
	if (p != NULL && health_red_level(p) > LVL_INFO) {
		snprintf(what, sizeof what, "%s:", redundancy_name(p->red));
		snprintf(subject, sizeof subject, "%s %d/%d up", p->name,
		    b->sessions_up, b->sessions_total);
		health_note(h, health_red_level(p), HK_REDUNDANCY, what,
		    subject);
	}
	health_prefixes(b, h);
	health_latency(m, b, h);
	/* A session down the redundancy can spare is still a Warning. */
	for (i = 0; p != NULL && i < p->nsessions; i++) {
		s = p->sessions[i];
		if (s->state == BGP_UNKNOWN || s->state == BGP_ESTABLISHED)
			continue;
		if (down++ == 0)
			strlcpy_pt(subject, s->name, sizeof subject);
	}
	if (down == 1)
		health_note(h, LVL_WARNING, HK_SESSION, "session down",
		    subject);
	else if (down > 1) {
		snprintf(what, sizeof what, "%zu sessions down", down);
		health_note(h, LVL_WARNING, HK_SESSION, what, subject);
	}
	health_open(m, b, h);
	return (h->level);
}

/*
 * Who each open condition concerns, by name: the branch it names, its
 * session, its router.  health_open() used to compare a branch's names
 * with every open condition; the Overview asks for every branch's health
 * two or three times a frame, and with 500 branches, partners on ten
 * routers and a few hundred conditions that was millions of strcmp() a
 * frame (20 ms of bench-load.sh's 25 ms key-to-screen).  The index is
 * three arrays of (name, condition) sorted by name, made again when the
 * conditions changed (m->conds_gen, condition_changed()); a branch then
 * finds its conditions with a binary search per name.  A model whose
 * conditions were written without condition_changed() (conds_gen 0) gets
 * the plain scan, which test-health also holds the index to.
 */
struct health_ref {
	const char	*name;
	size_t		 cond;
};

enum { HREF_BRANCH, HREF_SESSION, HREF_ROUTER, HREF_N };

static struct {
	uint64_t		 gen;
	const struct condition	*conds;
	size_t			 nconds;
	struct health_ref	*refs[HREF_N];
	size_t			 nrefs[HREF_N];
	size_t			*hits;		/* health_open()'s, reused */
	size_t			 nhits, hitscap;
} health_idx;

static int
health_ref_cmp(const void *a, const void *b)
{
	const struct health_ref	*x = a, *y = b;
	int			 c = strcmp(x->name, y->name);

	if (c != 0)
		return (c);
	return (x->cond < y->cond ? -1 : x->cond > y->cond);
}

static int
health_size_cmp(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y ? -1 : x > y);
}

/* The index of m's conditions, made if stale; 0 when m has none. */
static int
health_index(const struct model *m)
{
	const struct condition	*c;
	struct health_ref	*r;
	size_t			 i, k;

	if (m->conds_gen == 0)
		return (0);
	if (health_idx.gen == m->conds_gen && health_idx.conds == m->conds &&
	    health_idx.nconds == m->nconds)
		return (1);
	for (k = 0; k < HREF_N; k++) {
		free(health_idx.refs[k]);
		health_idx.refs[k] = xcalloc(m->nconds + 1, sizeof *r);
		health_idx.nrefs[k] = 0;
	}
	for (i = 0; i < m->nconds; i++) {
		c = &m->conds[i];
		r = &health_idx.refs[HREF_BRANCH][health_idx.nrefs[
		    HREF_BRANCH]++];
		r->name = c->branch;
		r->cond = i;
		if (c->session[0] != '\0') {
			r = &health_idx.refs[HREF_SESSION][health_idx.nrefs[
			    HREF_SESSION]++];
			r->name = c->session;
			r->cond = i;
		}
		if (c->router[0] != '\0') {
			r = &health_idx.refs[HREF_ROUTER][health_idx.nrefs[
			    HREF_ROUTER]++];
			r->name = c->router;
			r->cond = i;
		}
	}
	for (k = 0; k < HREF_N; k++)
		qsort(health_idx.refs[k], health_idx.nrefs[k],
		    sizeof *health_idx.refs[k], health_ref_cmp);
	health_idx.gen = m->conds_gen;
	health_idx.conds = m->conds;
	health_idx.nconds = m->nconds;
	return (1);
}

/* The conditions of refs[k] about name, onto health_idx.hits. */
static void
health_index_add(size_t k, const char *name)
{
	const struct health_ref	*refs = health_idx.refs[k];
	size_t			 lo = 0, hi = health_idx.nrefs[k], mid;

	while (lo < hi) {			/* the first >= name */
		mid = lo + (hi - lo) / 2;
		if (strcmp(refs[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < health_idx.nrefs[k] && strcmp(refs[lo].name, name) == 0;
	    lo++) {
		if (health_idx.nhits == health_idx.hitscap) {
			health_idx.hitscap = health_idx.hitscap == 0 ? 64 :
			    health_idx.hitscap * 2;
			health_idx.hits = xreallocarray(health_idx.hits,
			    health_idx.hitscap, sizeof *health_idx.hits);
		}
		health_idx.hits[health_idx.nhits++] = refs[lo].cond;
	}
}

/*
 * The open conditions of the branch (its own, or of one of its partner's
 * sessions or their routers): what the state above does not say (a
 * flapping session, a latency shift, a BMP router gone), and the level
 * an event gave what it does say (a primary's SessionDown is an Error
 * even while the redundancy spares it), so that the branch is never
 * better than the open counts.  The state's own words win at the same
 * level.  In the conditions' order, with the index or without.
 */
static void
health_open(const struct model *m, const struct branch *b, struct health *h)
{
	const struct condition	*c;
	const struct partner	*p = b->partner;
	size_t			 i, j;
	int			 ours;

	if (health_index(m)) {
		health_idx.nhits = 0;
		health_index_add(HREF_BRANCH, b->name);
		for (j = 0; p != NULL && j < p->nsessions; j++) {
			health_index_add(HREF_SESSION, p->sessions[j]->name);
			if (p->sessions[j]->router[0] != '\0')
				health_index_add(HREF_ROUTER,
				    p->sessions[j]->router);
		}
		if (health_idx.nhits > 1)	/* hits is NULL before any */
			qsort(health_idx.hits, health_idx.nhits,
			    sizeof *health_idx.hits, health_size_cmp);
		for (i = 0; i < health_idx.nhits; i++) {
			if (i > 0 && health_idx.hits[i] ==
			    health_idx.hits[i - 1])
				continue;	/* by two of its names */
			c = &m->conds[health_idx.hits[i]];
			health_note(h, c->level, HK_OPEN,
			    condition_kinds[c->kind].opens[0], c->subject);
		}
		return;
	}
	for (i = 0; i < m->nconds; i++) {
		c = &m->conds[i];
		ours = strcmp(c->branch, b->name) == 0;
		for (j = 0; !ours && p != NULL && j < p->nsessions; j++)
			ours = (c->session[0] != '\0' && strcmp(c->session,
			    p->sessions[j]->name) == 0) || (c->router[0] !=
			    '\0' && strcmp(c->router,
			    p->sessions[j]->router) == 0);
		if (ours)
			health_note(h, c->level, HK_OPEN,
			    condition_kinds[c->kind].opens[0], c->subject);
	}
}

char *
health_words(const struct health *h, char *buf, size_t len)
{
	if (h->kind == HK_OK)
		snprintf(buf, len, "OK");
	else
		snprintf(buf, len, "%s %s", h->what, h->subject);
	return (buf);
}

/* The worst branch; of equals the first by name, as the Overview lists
 * them by default. */
const struct branch *
health_worst(const struct model *m, struct health *h)
{
	return (health_worst_n(m, h, NULL));
}

const struct branch *
health_worst_n(const struct model *m, struct health *h, size_t *nsame)
{
	const struct branch	*worst = NULL;
	struct health		 bh;
	size_t			 i, notok[LVL_CRITICAL + 1] = { 0 };

	memset(h, 0, sizeof *h);
	h->level = LVL_INFO;
	for (i = 0; i < m->nbranches; i++) {
		health_branch_level(m, m->branches[i], &bh);
		if (bh.kind != HK_OK && bh.level <= LVL_CRITICAL)
			notok[bh.level]++;
		if (bh.kind == HK_OK || (h->kind != HK_OK &&
		    (bh.level < h->level || (bh.level == h->level &&
		    strcmp(m->branches[i]->name, worst->name) >= 0))))
			continue;
		*h = bh;
		worst = m->branches[i];
	}
	if (nsame != NULL)
		*nsame = worst != NULL && h->level <= LVL_CRITICAL ?
		    notok[h->level] - 1 : 0;
	return (worst);
}
