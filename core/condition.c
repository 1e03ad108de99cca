/* SPDX-License-Identifier: ISC */
/*
 * Open conditions (condition.h): the table of event pairs and the set of
 * conditions open now.  A condition is keyed by its kind, its subject and
 * the related names the subject does not say (the branch, the session of
 * a withdrawal, the BMP router), so a PrefixWithdrawalEvent on one
 * session is closed by the PrefixAnnouncementEvent on the same session,
 * not on another.  A second opener for an open key (RedundancyDegraded
 * Critical, then Warning as one session comes back) follows the first:
 * the condition stays open at the new level.  The set is small (a few
 * per session, branch and prefix), so it is a plain array.
 */

#include <stdlib.h>
#include <string.h>

#include "core/condition.h"

/*
 * Every problem event and its restoration.  Restorations are named
 * <Opener>Resolved, except where a state simply comes back (Up, Stable,
 * Restored, Microsoft's announcement).  The older names after the first
 * closer are kept so that histories recorded before still pair.
 */
const struct condition_kind condition_kinds[] = {
	{ { "SessionDown" }, { "SessionUp" } },
	{ { "SessionFlapping" }, { "SessionStable" } },
	{ { "RedundancyDegraded" }, { "RedundancyRestored" } },
	{ { "CollectorDown" }, { "CollectorUp" } },
	{ { "BmpRouterDown" }, { "BmpRouterUp" } },
	{ { "MaxPrefixExceeded" }, { "MaxPrefixExceededResolved" } },
	{ { "MaxRoutesExceeded" }, { "MaxRoutesExceededResolved" } },
	{ { "LatencyHigh" }, { "LatencyHighResolved" } },
	{ { "LossHigh" }, { "LossHighResolved" } },
	{ { "LatencyShift" }, { "LatencyShiftResolved" } },
	{ { "SuboptimalRouting" }, { "SuboptimalRoutingResolved" } },
	{ { "PrefixWithdrawalEvent" }, { "PrefixAnnouncementEvent" } },
	{ { "PrefixBackupRouteWithdrawalEvent" },
	  { "PrefixBackupRouteAnnouncementEvent" } },
	{ { "PrefixVisibilityLost" }, { "PrefixVisibilityRestored" } },
	{ { "PrefixOriginAsChangeEvent",
	    "PrefixBackupRouteOriginAsChangeEvent" },
	  { "PrefixOriginAsChangeResolved", "PrefixOriginAsRestored" } },
	{ { "PrefixSubPrefixHijack" }, { "PrefixSubPrefixHijackResolved" } },
	{ { "PrefixRouteLeak" }, { "PrefixRouteLeakResolved" } },
	{ { "PrefixASPAInvalid" }, { "PrefixASPAInvalidResolved" } },
	{ { "PrefixRPKIInvalid" }, { "PrefixRPKIInvalidResolved" } },
	{ { "PrefixRPKINotFound" }, { "PrefixRPKINotFoundResolved" } },
	{ { "ROAExpiring" }, { "ROAExpiringResolved" } },
	{ { "RPKISourceStale" }, { "RPKISourceStaleResolved" } },
	{ { "PrefixOTCLeak" }, { "PrefixOTCLeakResolved" } },
	{ { "PrefixUnexpectedUpstream" },
	  { "PrefixUnexpectedUpstreamResolved" } },
	{ { "PrefixMoreSpecific" }, { "PrefixMoreSpecificResolved" } },
	{ { "PrefixCommunityMissing" },
	  { "PrefixCommunityMissingResolved", "PrefixCommunityRestored" } },
	{ { "PrefixPathTooLong" }, { "PrefixPathTooLongResolved" } },
	{ { "PrefixPrivateAsn" }, { "PrefixPrivateAsnResolved" } },
	{ { "PrefixPrepended" },
	  { "PrefixPrependedResolved", "PrefixPrependResolved" } },
};
const size_t condition_nkinds = nitems(condition_kinds);

static struct event	*condition_ring(struct model *, int64_t);
static struct condition *condition_ended(const struct model *, int,
			    const struct event *);
static int		 condition_same(const struct condition *, int,
			    const struct event *);
static void		 condition_drop(struct model *, size_t);

int
condition_kind(const char *type, enum event_cond *role)
{
	const struct condition_kind	*k;
	size_t				 i, j;

	for (i = 0; i < nitems(condition_kinds); i++) {
		k = &condition_kinds[i];
		for (j = 0; j < nitems(k->opens) && k->opens[j] != NULL; j++)
			if (strcmp(type, k->opens[j]) == 0) {
				*role = EVC_OPENS;
				return ((int)i);
			}
		for (j = 0; j < nitems(k->closes) && k->closes[j] != NULL;
		    j++)
			if (strcmp(type, k->closes[j]) == 0) {
				*role = EVC_CLOSES;
				return ((int)i);
			}
	}
	*role = EVC_NONE;
	return (-1);
}

const char *
condition_closer(int kind)
{
	if (kind < 0 || (size_t)kind >= nitems(condition_kinds))
		return (NULL);
	return (condition_kinds[kind].closes[0]);
}

/* The ring's copy of event id (to mark it), NULL when it left the ring. */
static struct event *
condition_ring(struct model *m, int64_t id)
{
	struct event	*e;
	size_t		 i;

	for (i = m->nevents; i > 0; i--) {
		e = &m->events[(m->evhead + i - 1) % MODEL_EVENTS_MAX];
		if (e->id == id)
			return (e);
	}
	return (NULL);
}

static int
condition_same(const struct condition *c, int kind, const struct event *ev)
{
	return (c->kind == kind && strcmp(c->subject, ev->subject) == 0 &&
	    strcmp(c->branch, ev->rel.branch) == 0 &&
	    strcmp(c->session, ev->rel.session) == 0 &&
	    strcmp(c->router, ev->rel.router) == 0);
}

void
condition_changed(struct model *m)
{
	static uint64_t	 gen;

	m->conds_gen = ++gen;
}

static void
condition_drop(struct model *m, size_t i)
{
	m->open_counts[m->conds[i].level]--;
	memmove(&m->conds[i], &m->conds[i + 1],
	    (m->nconds - i - 1) * sizeof *m->conds);
	m->nconds--;
	if (m->nconds == 0) {
		free(m->conds);
		m->conds = NULL;
	}
	condition_changed(m);
}

void
condition_event(struct model *m, struct event *ev)
{
	struct condition	*c = NULL, *prev;
	struct event		*was;
	enum event_cond		 role;
	size_t			 i;
	int			 kind;

	ev->cflags = 0;
	ev->closed_ms = ev->closed_by = ev->resolves = 0;
	if ((kind = condition_kind(ev->type, &role)) < 0) {
		ev->cond = EVC_NONE;
		return;
	}
	ev->cond = role;
	for (i = 0; i < m->nconds; i++)
		if (condition_same(&m->conds[i], kind, ev))
			break;
	if (i < m->nconds) {
		c = &m->conds[i];
		if ((was = condition_ring(m, c->opened_id)) != NULL) {
			was->closed_ms = ev->time_ms;
			was->closed_by = ev->id;
			was->cflags |= role == EVC_OPENS ? EVF_FOLLOWED :
			    EVF_RESOLVED;
		}
		ev->resolves = c->opened_id;
	}
	if (role == EVC_CLOSES) {
		if (c != NULL)
			condition_drop(m, i);
		return;
	}

	if (c == NULL) {
		m->conds = xreallocarray(m->conds, m->nconds + 1,
		    sizeof *m->conds);
		c = &m->conds[m->nconds++];
		memset(c, 0, sizeof *c);
		c->kind = kind;
		c->first_ms = ev->time_ms;
		/* One read from the history keeps its acknowledgement. */
		if (ev->ack_ms != 0) {
			c->ack_ms = ev->ack_ms;
			memcpy(c->ack_user, ev->ack_user, sizeof c->ack_user);
			memcpy(c->ack_comment, ev->ack_comment,
			    sizeof c->ack_comment);
		}
		/* Open before the restart and still: the same condition
		 * (the opener follows the earlier run's), acknowledged
		 * still unless it got worse. */
		if ((prev = condition_ended(m, kind, ev)) != NULL) {
			c->first_ms = prev->first_ms;
			ev->resolves = prev->opened_id;
			if (prev->ack_ms != 0 && ev->level <= prev->level) {
				c->ack_ms = prev->ack_ms;
				memcpy(c->ack_user, prev->ack_user,
				    sizeof c->ack_user);
				memcpy(c->ack_comment, prev->ack_comment,
				    sizeof c->ack_comment);
			}
			prev->kind = -1;	/* carried once */
			if (c->ack_ms != 0 && ev->ack_ms == 0) {
				ev->ack_ms = c->ack_ms;
				memcpy(ev->ack_user, c->ack_user,
				    sizeof ev->ack_user);
				memcpy(ev->ack_comment, c->ack_comment,
				    sizeof ev->ack_comment);
			}
		}
		strlcpy_pt(c->subject, ev->subject, sizeof c->subject);
		strlcpy_pt(c->branch, ev->rel.branch, sizeof c->branch);
		strlcpy_pt(c->session, ev->rel.session, sizeof c->session);
		strlcpy_pt(c->router, ev->rel.router, sizeof c->router);
		condition_changed(m);
	} else {
		m->open_counts[c->level]--;
		/* Raised again: acknowledged still, unless it got worse. */
		if (c->ack_ms != 0 && ev->level > c->level) {
			c->ack_ms = 0;
			c->ack_user[0] = c->ack_comment[0] = '\0';
		}
		if (c->ack_ms != 0 && ev->ack_ms == 0) {
			ev->ack_ms = c->ack_ms;
			strlcpy_pt(ev->ack_user, c->ack_user,
			    sizeof ev->ack_user);
			strlcpy_pt(ev->ack_comment, c->ack_comment,
			    sizeof ev->ack_comment);
		}
	}
	c->level = ev->level;
	c->opened_id = ev->id;
	c->opened_ms = ev->time_ms;
	m->open_counts[c->level]++;
}

void
condition_clear(struct model *m)
{
	free(m->conds);
	m->conds = NULL;
	m->nconds = 0;
	memset(m->open_counts, 0, sizeof m->open_counts);
	condition_changed(m);
}

void
condition_end(struct model *m)
{
	const struct event	*last;
	struct event		*e;
	size_t			 i;

	/* The ring directly: model.c calls in here, not the other way. */
	last = m->nevents == 0 ? NULL :
	    &m->events[(m->evhead + m->nevents - 1) % MODEL_EVENTS_MAX];
	for (i = 0; i < m->nconds; i++) {
		if ((e = condition_ring(m, m->conds[i].opened_id)) == NULL)
			continue;
		e->cflags |= EVF_ENDED;
		e->closed_ms = last != NULL ? last->time_ms : e->time_ms;
	}
	free(m->ended);
	m->ended = m->conds;
	m->nended = m->nconds;
	m->ended_ms = now_wall_ms();
	m->conds = NULL;
	m->nconds = 0;
	memset(m->open_counts, 0, sizeof m->open_counts);
	condition_changed(m);
}

/* The earlier run's condition this opener raises again, or NULL. */
static struct condition *
condition_ended(const struct model *m, int kind, const struct event *ev)
{
	size_t	 i;

	if (m->nended == 0 || ev->time_ms - m->ended_ms > CONDITION_CARRY_MS)
		return (NULL);
	for (i = 0; i < m->nended; i++)
		if (condition_same(&m->ended[i], kind, ev))
			return (&m->ended[i]);
	return (NULL);
}

int
condition_was_open(const struct model *m, const char *type,
    const char *subject, enum level *level)
{
	enum event_cond	 role;
	size_t		 i;
	int		 kind;

	if ((kind = condition_kind(type, &role)) < 0 || m->nended == 0 ||
	    now_wall_ms() - m->ended_ms > CONDITION_CARRY_MS)
		return (0);
	for (i = 0; i < m->nended; i++)
		if (m->ended[i].kind == kind &&
		    strcmp(m->ended[i].subject, subject) == 0) {
			*level = m->ended[i].level;
			return (1);
		}
	return (0);
}

int
condition_worst(const struct model *m)
{
	int	 l;

	for (l = LVL_CRITICAL; l >= LVL_INFO; l--)
		if (m->open_counts[l] > 0)
			return (l);
	return (-1);
}

int
condition_span(const struct model *m, int64_t *oldest, int64_t *newest)
{
	size_t	 i;

	*oldest = *newest = 0;
	for (i = 0; i < m->nconds; i++) {
		if (*oldest == 0 || m->conds[i].first_ms < *oldest)
			*oldest = m->conds[i].first_ms;
		if (m->conds[i].opened_ms > *newest)
			*newest = m->conds[i].opened_ms;
	}
	return (m->nconds > 0 ? 0 : -1);
}

const struct condition *
condition_of(const struct model *m, const struct event *ev)
{
	size_t	 i;

	if (!EVENT_OPEN(ev))
		return (NULL);
	for (i = 0; i < m->nconds; i++)
		if (m->conds[i].opened_id == ev->id)
			return (&m->conds[i]);
	return (NULL);
}
