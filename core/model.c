/* SPDX-License-Identifier: ISC */
/*
 * The model: names for enums, lookups, and the single place where
 * collector reports become state transitions.  A report that changes a
 * session's state counts flaps, raises SessionUp/SessionDown events, tells
 * the sink (the store) and re-evaluates health; the TUI learns about it
 * through the dirty flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/collector.h"
#include "core/latency.h"
#include "core/model.h"
#include "core/condition.h"

static const char *const bgp_state_names[] = {
	[BGP_UNKNOWN] = "Unknown",
	[BGP_IDLE] = "Idle",
	[BGP_CONNECT] = "Connect",
	[BGP_ACTIVE] = "Active",
	[BGP_OPENSENT] = "OpenSent",
	[BGP_OPENCONFIRM] = "OpenConfirm",
	[BGP_ESTABLISHED] = "Established",
	[BGP_ADMIN_DOWN] = "AdminDown",
};

static const char *const redundancy_names[] = {
	[RED_UNKNOWN] = "UNKNOWN",
	[RED_REDUNDANT] = "REDUNDANT",
	[RED_DEGRADED] = "DEGRADED",
	[RED_NOBACKUP] = "NO-BACKUP",
	[RED_DOWN] = "DOWN",
};

/* Microsoft's level names (Peering Service telemetry). */
static const char *const level_names[] = {
	[LVL_INFO] = "Information",
	[LVL_WARNING] = "Warning",
	[LVL_ERROR] = "Error",
	[LVL_CRITICAL] = "Critical",
};

static void	model_branch_last_event(struct model *, const struct event *);
static struct session_source *model_session_source(struct session *,
		    struct collector *);
static enum bgp_state model_session_source_state(const struct session *,
		    const struct collector *);
static void	model_session_sources(struct session *);
static void	model_links_free(struct branch *);
static void	model_event_relate(const struct model *, struct event *);
static void	model_rel_add(char *, size_t, const char *);
static void	model_observe(struct model *, const struct event *, int);
static void	model_vevent(struct model *, int64_t, const char *, enum level,
		    const char *, const char *, const struct event_rel *,
		    const char *, va_list) printflike(8, 0);
static void	model_session_transition(struct model *, struct session *,
		    enum bgp_state, int64_t);

const char *
bgp_state_name(enum bgp_state s)
{
	if ((size_t)s >= nitems(bgp_state_names))
		return ("Unknown");
	return (bgp_state_names[s]);
}

int
bgp_state_from_name(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(bgp_state_names); i++)
		if (strcasecmp(name, bgp_state_names[i]) == 0)
			return ((int)i);
	return (-1);
}

const char *
role_name(enum role r)
{
	return (r == ROLE_PRIMARY ? "primary" : "backup");
}

const char *
redundancy_name(enum redundancy r)
{
	if ((size_t)r >= nitems(redundancy_names))
		return ("UNKNOWN");
	return (redundancy_names[r]);
}

const char *
level_name(enum level l)
{
	if ((size_t)l >= nitems(level_names))
		return ("Information");
	return (level_names[l]);
}

struct model *
model_new(void)
{
	struct model	*m;

	m = xcalloc(1, sizeof *m);
	m->events = xcalloc(MODEL_EVENTS_MAX, sizeof *m->events);
	return (m);
}

void
model_free(struct model *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	/* Stop collectors first: they hold pointers into the model. */
	for (i = 0; i < m->ncollectors; i++) {
		if (m->collectors[i]->ops != NULL &&
		    m->collectors[i]->ops->stop != NULL)
			m->collectors[i]->ops->stop(m->collectors[i]);
		if (m->collectors[i]->remote_free != NULL)
			m->collectors[i]->remote_free(m->collectors[i]);
		free(m->collectors[i]->path);
		free(m->collectors[i]->query);
		free(m->collectors[i]->slurm);
		free(m->collectors[i]->rtr_host);
		free(m->collectors[i]);
	}
	free(m->collectors);
	for (i = 0; i < m->nnotify; i++)
		free(m->notify[i]);
	free(m->notify);
	for (i = 0; i < m->nsessions; i++)
		free(m->sessions[i]);
	free(m->sessions);
	for (i = 0; i < m->npartners; i++) {
		free(m->partners[i]->sessions);
		free(m->partners[i]);
	}
	free(m->partners);
	for (i = 0; i < m->nbranches; i++) {
		size_t	 j;

		for (j = 0; j < m->branches[i]->nprefixes; j++)
			free(m->branches[i]->prefixes[j].upstreams);
		free(m->branches[i]->addrs);
		free(m->branches[i]->prefixes);
		model_links_free(m->branches[i]);
		free(m->branches[i]->probes);
		free(m->branches[i]);
	}
	free(m->branches);
	free(m->edges);
	free(m->events);
	for (i = 0; i < m->nturnup_sessions; i++)
		free(m->turnup_sessions[i]);
	free(m->turnup_sessions);
	condition_clear(m);
	free(m->config_file);
	free(m->ended);
	free(m->control.path);
	free(m->database);
	free(m->geoip_city);
	free(m->route_asrel);
	free(m->geoip_asn);
	free(m->datadir);
	for (i = 0; i < m->nconfig_warnings; i++)
		free(m->config_warnings[i]);
	free(m->config_warnings);
	free(m);
}

/*
 * Judgements are not run here: what changed is marked, and the
 * evaluation pass (eval.c) runs them once per loop turn.
 */
void
model_pending(struct model *m, unsigned what)
{
	m->pending |= what;
	if (m->schedule != NULL)
		m->schedule(m->eval);
}

void
model_health(struct model *m)
{
	model_pending(m, PENDING_HEALTH);
}

int
model_settled(const struct model *m)
{
	size_t	 i;

	for (i = 0; i < m->ncollectors; i++)
		if (m->collectors[i]->state == COL_STARTING)
			return (0);
	return (1);
}

/*
 * Settled, and every collector has seen what there is to see (bmp: the
 * routers' tables up to End-of-RIB, or its grace period; the prober: a
 * few results from every target): --once waits for this.  Health asks
 * only about the collectors that report sessions (sessions_only): a
 * latency source has nothing to say about redundancy.
 */
static int
model_synced_some(const struct model *m, int sessions_only)
{
	const struct collector	*c;
	size_t			 i;

	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		if (sessions_only && c->ops != NULL && c->ops->latency)
			continue;
		if (c->state == COL_STARTING)
			return (0);
		/* A replica's collectors do not run: the collector's word. */
		if (c->state == COL_UP && c->ops != NULL && !m->replica &&
		    c->ops->settled != NULL && !c->ops->settled(c))
			return (0);
	}
	return (1);
}

int
model_synced(const struct model *m)
{
	return (model_synced_some(m, 0));
}

int
model_sessions_synced(const struct model *m)
{
	return (model_synced_some(m, 1));
}

void
model_touch(struct model *m, unsigned flags)
{
	m->dirty |= flags;
	m->changed |= flags;
	/* Inside the pass the sinks come at its end anyway. */
	if (m->schedule != NULL && !m->in_pass)
		m->schedule(m->eval);
}

int
model_edge_find(const struct model *m, const char *code)
{
	size_t	 i;

	for (i = 0; i < m->nedges; i++)
		if (strcasecmp(m->edges[i].code, code) == 0)
			return ((int)i);
	return (-1);
}

int
model_edge_set(struct model *m, const struct edge *e)
{
	int	 i;

	if ((i = model_edge_find(m, e->code)) != -1) {
		m->edges[i] = *e;
		return (i);
	}
	m->edges = xreallocarray(m->edges, m->nedges + 1, sizeof *m->edges);
	m->edges[m->nedges] = *e;
	return ((int)m->nedges++);
}

struct partner *
model_partner_find(const struct model *m, const char *name)
{
	size_t	 i;

	for (i = 0; i < m->npartners; i++)
		if (strcmp(m->partners[i]->name, name) == 0)
			return (m->partners[i]);
	return (NULL);
}

struct branch *
model_branch_find(const struct model *m, const char *name)
{
	size_t	 i;

	for (i = 0; i < m->nbranches; i++)
		if (strcmp(m->branches[i]->name, name) == 0)
			return (m->branches[i]);
	return (NULL);
}

struct session *
model_session_find(const struct model *m, const char *name)
{
	size_t	 i;

	for (i = 0; i < m->nsessions; i++)
		if (strcmp(m->sessions[i]->name, name) == 0)
			return (m->sessions[i]);
	return (NULL);
}

struct session *
model_session_match(const struct model *m, const struct addr *neighbor,
    const char *router)
{
	struct session	*s;
	size_t		 i;

	for (i = 0; i < m->nsessions; i++) {
		s = m->sessions[i];
		if (addr_cmp(&s->neighbor, neighbor) != 0)
			continue;
		if (router != NULL && *router != '\0' &&
		    strcmp(s->router, router) != 0)
			continue;
		return (s);
	}
	return (NULL);
}

static int
state_is_up(enum bgp_state s)
{
	return (s == BGP_ESTABLISHED);
}

/*
 * Raise the event that goes with a session state change from prev, the
 * last state a collector reported (so an outage of the collector in
 * between is neither news nor hides news).
 */
static void
model_session_event(struct model *m, struct session *s, enum bgp_state prev)
{
	char		 subject[96], details[256], addr[ADDR_STRLEN];
	enum level	 lvl;

	snprintf(subject, sizeof subject, "session %s", s->name);
	snprintf(details, sizeof details,
	    "partner %s router %s neighbor %s edge %s role %s%s%s",
	    s->partner != NULL ? s->partner->name : "-", s->router,
	    addr_fmt(&s->neighbor, addr, sizeof addr), s->edge,
	    role_name(s->role), *s->last_error != '\0' ? " last error: " : "",
	    s->last_error);

	/* First sight after start-up is not news, unless it is a problem
	 * an earlier run left open: still down, the same condition. */
	if (prev == BGP_UNKNOWN && !state_is_up(s->state) &&
	    s->state != BGP_UNKNOWN &&
	    condition_was_open(m, "SessionDown", subject, &lvl))
		model_eventf(m, "SessionDown", lvl, subject, details,
		    "%s (%s %s) %s%s%s, still down after the restart", s->name,
		    s->edge, role_name(s->role), bgp_state_name(s->state),
		    *s->last_error != '\0' ? ": " : "", s->last_error);
	else if (state_is_up(s->state) && prev != BGP_UNKNOWN &&
	    !state_is_up(prev))
		model_eventf(m, "SessionUp", LVL_INFO, subject, details,
		    "%s (%s %s) Established", s->name, s->edge,
		    role_name(s->role));
	else if (state_is_up(prev) && !state_is_up(s->state))
		model_eventf(m, "SessionDown",
		    s->role == ROLE_PRIMARY ? LVL_ERROR : LVL_WARNING,
		    subject, details, "%s (%s %s) %s%s%s", s->name, s->edge,
		    role_name(s->role), bgp_state_name(s->state),
		    *s->last_error != '\0' ? ": " : "", s->last_error);
}

/*
 * A drop from Established: the third within the window makes the session
 * flapping (a route-flap storm for the branches behind it).
 */
static void
model_session_drop(struct model *m, struct session *s)
{
	uint64_t	 now = now_mono_ms(), oldest;
	char		 subject[96], span[16];

	/* The ring holds the last SESSION_FLAP_COUNT drops. */
	s->flaps++;
	s->drops[s->flaps % SESSION_FLAP_COUNT] = now;
	oldest = s->drops[(s->flaps + 1) % SESSION_FLAP_COUNT];
	if (s->flapping || s->flaps < SESSION_FLAP_COUNT ||
	    now - oldest > SESSION_FLAP_WINDOW_MS)
		return;
	s->flapping = 1;
	snprintf(subject, sizeof subject, "session %s", s->name);
	fmt_duration(span, sizeof span, (int64_t)(now - oldest) / 1000);
	model_eventf(m, "SessionFlapping", LVL_WARNING, subject, NULL,
	    "%s (%s %s) went down %d times in %s", s->name, s->edge,
	    role_name(s->role), SESSION_FLAP_COUNT, span);
}

/* Flapping ends after a whole window Established without a drop. */
static void
model_session_settle(struct model *m, struct session *s)
{
	uint64_t	 now = now_mono_ms();
	uint64_t	 last = s->drops[s->flaps % SESSION_FLAP_COUNT];
	char		 subject[96];

	if (!s->flapping || !state_is_up(s->state) ||
	    now - last < SESSION_FLAP_WINDOW_MS)
		return;
	s->flapping = 0;
	snprintf(subject, sizeof subject, "session %s", s->name);
	model_eventf(m, "SessionStable", LVL_INFO, subject, NULL,
	    "%s (%s %s) Established without a drop for %d minutes",
	    s->name, s->edge, role_name(s->role),
	    SESSION_FLAP_WINDOW_MS / 60000);
}

/* The slot of collector c among the session's sources, added if new. */
static struct session_source *
model_session_source(struct session *s, struct collector *c)
{
	size_t	 i;

	for (i = 0; i < s->nsrcs; i++)
		if (s->srcs[i].c == c)
			return (&s->srcs[i]);
	if (s->nsrcs == SESSION_SOURCES_MAX) {
		/* Full (more collectors than anyone configures): reuse a
		 * lost slot, else the oldest. */
		for (i = 0; i < s->nsrcs; i++)
			if (s->srcs[i].state == BGP_UNKNOWN)
				break;
		if (i == s->nsrcs)
			i = 0;
	} else
		i = s->nsrcs++;
	s->srcs[i].c = c;
	s->srcs[i].state = BGP_UNKNOWN;
	return (&s->srcs[i]);
}

/* "bird+bmp": the kinds of collector reporting the session now. */
static void
model_session_sources(struct session *s)
{
	const char	*name, *have[SESSION_SOURCES_MAX];
	size_t		 i, j, n = 0, len;

	s->sources[0] = '\0';
	for (i = 0; i < s->nsrcs; i++) {
		if (s->srcs[i].state == BGP_UNKNOWN || s->srcs[i].c == NULL)
			continue;
		name = s->srcs[i].c->ops != NULL ? s->srcs[i].c->ops->name :
		    s->srcs[i].c->name;
		for (j = 0; j < n; j++)
			if (strcmp(have[j], name) == 0)
				break;
		if (j < n)
			continue;
		have[n++] = name;
		len = strlen(s->sources);
		snprintf(s->sources + len, sizeof s->sources - len, "%s%s",
		    n > 1 ? "+" : "", name);
	}
}

int
session_routes_unreported(const struct session *s)
{
	size_t	 i, n = 0;

	/* A viewer's replica has the kinds only ("bird", "bird+bmp"). */
	if (s->nsrcs == 0)
		return (s->sources[0] != '\0' &&
		    strstr(s->sources, "bmp") == NULL);
	for (i = 0; i < s->nsrcs; i++) {
		if (s->srcs[i].c == NULL)
			continue;
		if (s->srcs[i].c->ops == NULL || s->srcs[i].c->ops->routes)
			return (0);
		n++;
	}
	return (n > 0);
}

/* Move the effective state to state (events, sink, flaps, health). */
static void
model_session_transition(struct model *m, struct session *s,
    enum bgp_state state, int64_t since_ms)
{
	enum bgp_state	 old = s->state;
	enum bgp_state	 prev = old != BGP_UNKNOWN ? old : s->known;
	int64_t		 now = now_wall_ms();

	s->state = s->known = state;
	s->since_ms = since_ms != 0 ? since_ms : now;
	model_session_step(s, state, s->since_ms, s->last_error);
	if (m->sink.session_state != NULL)
		m->sink.session_state(m->sink.arg, s, old, now);
	model_session_event(m, s, prev);
	if (state_is_up(prev) && !state_is_up(state))
		model_session_drop(m, s);
	model_health(m);
}

void
model_session_step(struct session *s, enum bgp_state state, int64_t ms,
    const char *error)
{
	struct session_step	*st;

	if (s->nsteps > 0 && s->steps[(s->nsteps - 1) %
	    SESSION_STEPS_MAX].state == state)
		return;
	st = &s->steps[s->nsteps % SESSION_STEPS_MAX];
	st->ms = ms != 0 ? ms : now_wall_ms();
	st->state = state;
	strlcpy_pt(st->error, error != NULL ? error : "", sizeof st->error);
	s->nsteps++;
}

size_t
model_session_nsteps(const struct session *s)
{
	return (s->nsteps < SESSION_STEPS_MAX ? s->nsteps : SESSION_STEPS_MAX);
}

const struct session_step *
model_session_step_at(const struct session *s, size_t i)
{
	size_t	 n = model_session_nsteps(s);

	if (i >= n)
		return (NULL);
	return (&s->steps[(s->nsteps - n + i) % SESSION_STEPS_MAX]);
}

/*
 * Several collectors may report one session (BIRD on the router and BMP
 * from it): each source's last state is kept, and only a source that
 * changes its own state moves the effective one (the last transition
 * wins).  A source repeating a state another source has since overruled
 * changes nothing, so the two never fight and no event is raised twice.
 * The details (error, AS, route counts) come from the source that set
 * the effective state.
 */
void
model_session_report(struct model *m, struct session *s,
    struct collector *c, const struct session_report *r)
{
	struct session_source	*src;
	enum bgp_state		 old = s->state, was;
	unsigned		 changed = 0;
	int			 moved = 0, owner;
	char			 srcs[sizeof s->sources];

	src = model_session_source(s, c);
	was = src->state;
	src->state = r->state;
	strlcpy_pt(srcs, s->sources, sizeof srcs);
	model_session_sources(s);
	if (strcmp(srcs, s->sources) != 0)
		changed = 1;

	if (r->state != was && r->state != old)
		moved = 1;
	/* Whose details to show: the mover's, else the current owner's
	 * (or anyone's while the owner does not report). */
	owner = moved || s->source == NULL || s->source == c ||
	    model_session_source_state(s, s->source) == BGP_UNKNOWN;
	if (!moved && r->state != old)
		owner = 0;	/* a stale repeat, overruled */
	s->updated_mono = now_mono_ms();
	if (!owner) {
		if (changed)
			model_touch(m, DIRTY_SESSIONS);
		return;
	}

	if (r->last_error != NULL) {
		char	 clean[ERR_MAX];

		sanitize(clean, sizeof clean, r->last_error,
		    strlen(r->last_error));
		if (strcmp(clean, s->last_error) != 0) {
			strlcpy_pt(s->last_error, clean, sizeof s->last_error);
			changed = 1;
		}
	} else if (moved && state_is_up(r->state) && s->last_error[0] != '\0') {
		/* Up again: the error that took it down is history. */
		s->last_error[0] = '\0';
		changed = 1;
	}
	if (r->proto != NULL)
		sanitize(s->proto, sizeof s->proto, r->proto,
		    strlen(r->proto));
	if (s->remote_as != r->remote_as ||
	    s->routes_imported != r->routes_imported ||
	    s->routes_exported != r->routes_exported)
		changed = 1;
	s->remote_as = r->remote_as;
	s->routes_imported = r->routes_imported;
	s->routes_exported = r->routes_exported;
	s->source = c;

	if (moved) {
		model_session_transition(m, s, r->state, r->since_ms);
		changed = 1;
	} else if (r->since_ms != 0 && r->since_ms != s->since_ms) {
		s->since_ms = r->since_ms;
		changed = 1;
	}
	model_session_settle(m, s);
	if (changed)
		model_touch(m, DIRTY_SESSIONS);
}

/* A source's last state, UNKNOWN if it never reported. */
static enum bgp_state
model_session_source_state(const struct session *s, const struct collector *c)
{
	size_t	 i;

	for (i = 0; i < s->nsrcs; i++)
		if (s->srcs[i].c == c)
			return (s->srcs[i].state);
	return (BGP_UNKNOWN);
}

void
model_session_lost(struct model *m, struct session *s)
{
	enum bgp_state	 old = s->state;
	int64_t		 now = now_wall_ms();
	size_t		 i;

	for (i = 0; i < s->nsrcs; i++)
		s->srcs[i].state = BGP_UNKNOWN;
	s->sources[0] = '\0';
	if (old == BGP_UNKNOWN)
		return;
	s->state = BGP_UNKNOWN;
	s->since_ms = now;
	if (m->sink.session_state != NULL)
		m->sink.session_state(m->sink.arg, s, old, now);
	model_health(m);
	model_touch(m, DIRTY_SESSIONS);
}

void
model_session_lost_by(struct model *m, struct session *s,
    struct collector *c)
{
	struct session_source	*other = NULL;
	size_t			 i;

	for (i = 0; i < s->nsrcs; i++) {
		if (s->srcs[i].c == c)
			s->srcs[i].state = BGP_UNKNOWN;
		else if (s->srcs[i].state != BGP_UNKNOWN)
			other = &s->srcs[i];
	}
	if (other == NULL) {
		if (s->source == c || s->source == NULL ||
		    model_session_source_state(s, s->source) == BGP_UNKNOWN)
			model_session_lost(m, s);
		return;
	}
	/* Another source still sees it: its word stands. */
	model_session_sources(s);
	if (s->source == c)
		s->source = other->c;
	if (other->state != s->state)
		model_session_transition(m, s, other->state, 0);
	model_touch(m, DIRTY_SESSIONS);
}

void
model_session_routes(struct model *m, struct session *s, int lost,
    const char *why)
{
	if (!lost && s->routes_loading) {
		s->routes_loading = 0;
		if (!s->routes_lost)
			s->routes_gen++;
	}
	if (s->routes_lost == (lost != 0))
		return;
	s->routes_lost = lost != 0;
	if (lost) {
		s->routes_lost_ms = now_wall_ms();
		strlcpy_pt(s->routes_why, why != NULL ? why : "source gone",
		    sizeof s->routes_why);
	} else
		s->routes_gen++;
	model_pending(m, PENDING_ROUTES);
	model_touch(m, DIRTY_ROUTES);
}

/* Its source starts sending its first table (model.h, routes_loading). */
void
model_session_routes_loading(struct model *m, struct session *s)
{
	if (s->routes_lost || s->routes_loading)
		return;
	s->routes_loading = 1;
	model_touch(m, DIRTY_ROUTES);
}

void
model_collector_state(struct model *m, struct collector *c,
    enum collector_state state, const char *error)
{
	enum collector_state	 old = c->state;
	char			 subject[96];

	if (error != NULL)
		sanitize(c->error, sizeof c->error, error, strlen(error));
	else if (state == COL_UP)
		c->error[0] = '\0';
	if (state == COL_UP)
		c->last_ok_mono = now_mono_ms();
	if (state == old) {
		model_touch(m, DIRTY_COLLECTORS);
		return;
	}
	c->state = state;
	c->state_mono = now_mono_ms();
	snprintf(subject, sizeof subject, "collector %s", c->name);
	if (state == COL_DOWN)
		model_eventf(m, "CollectorDown", LVL_ERROR, subject, c->path,
		    "%s down: %s", c->name, c->error);
	else if (state == COL_UP && old == COL_DOWN)
		model_eventf(m, "CollectorUp", LVL_INFO, subject, c->path,
		    "%s up", c->name);
	if (old == COL_STARTING)
		model_health(m);	/* maybe the last one to settle */
	model_touch(m, DIRTY_COLLECTORS);
}

/*
 * Remember the newest event per branch about its partner or one of the
 * partner's sessions (subjects "partner NAME" and "session NAME").
 */
static void
model_branch_last_event(struct model *m, const struct event *ev)
{
	struct branch	*b;
	struct partner	*p;
	const char	*name;
	size_t		 i, j;
	int		 hit;

	if (strncmp(ev->subject, "partner ", 8) == 0)
		name = ev->subject + 8;
	else if (strncmp(ev->subject, "session ", 8) == 0)
		name = ev->subject + 8;
	else
		return;
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if ((p = b->partner) == NULL)
			continue;
		hit = ev->subject[0] == 'p' && strcmp(name, p->name) == 0;
		for (j = 0; !hit && j < p->nsessions; j++)
			hit = ev->subject[0] == 's' &&
			    strcmp(name, p->sessions[j]->name) == 0;
		if (hit) {
			strlcpy_pt(b->last_event, ev->summary,
			    sizeof b->last_event);
			b->last_event_ms = ev->time_ms;
		}
	}
}

/* Append name to a space-separated list unless it is already in it. */
static void
model_rel_add(char *list, size_t len, const char *name)
{
	size_t	 n = strlen(name), have = strlen(list);
	char	*p;

	for (p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return;
	if (have > 0 && have + 1 + n < len)
		list[have++] = ' ';
	if (have + n < len)
		strlcpy_pt(list + have, name, len - have);
}

/*
 * The related names the subject implies, where the raiser left them
 * empty: a session's partner and router, a partner's branches, a
 * branch's partner, a prefix's branches.  Replayed events, which keep
 * only their subject, get them here too.
 */
static void
model_event_relate(const struct model *m, struct event *ev)
{
	struct event_rel	*r = &ev->rel;
	struct session		*s = NULL;
	struct partner		*p = NULL;
	struct branch		*b;
	struct prefix		 pfx;
	char			 name[NAME_MAX_PT], *p0;
	size_t			 i, j;
	int			 byprefix = 0;

	/* "session NAME", "partner NAME", "branch NAME[ edge CODE]",
	 * "prefix P": names may hold spaces, so the rest is the name. */
	strlcpy_pt(name, strchr(ev->subject, ' ') != NULL ?
	    strchr(ev->subject, ' ') + 1 : "", sizeof name);
	if (strncmp(ev->subject, "branch ", 7) == 0 &&
	    (p0 = strstr(name, " edge ")) != NULL)
		*p0 = '\0';
	if (strncmp(ev->subject, "session ", 8) == 0) {
		if (r->session[0] == '\0')
			strlcpy_pt(r->session, name, sizeof r->session);
	} else if (strncmp(ev->subject, "partner ", 8) == 0) {
		if (r->partner[0] == '\0')
			strlcpy_pt(r->partner, name, sizeof r->partner);
	} else if (strncmp(ev->subject, "branch ", 7) == 0) {
		if (r->branch[0] == '\0')
			strlcpy_pt(r->branch, name, sizeof r->branch);
	} else if (strncmp(ev->subject, "prefix ", 7) == 0) {
		if (r->prefix[0] == '\0')
			strlcpy_pt(r->prefix, name, sizeof r->prefix);
		byprefix = 1;
	}

	if (r->session[0] != '\0' &&
	    (s = model_session_find(m, r->session)) != NULL) {
		if (r->router[0] == '\0')
			strlcpy_pt(r->router, s->router, sizeof r->router);
		p = s->partner;
	}
	if (p == NULL && r->partner[0] != '\0')
		p = model_partner_find(m, r->partner);
	if (p == NULL && r->branch[0] != '\0' && strchr(r->branch, ' ') ==
	    NULL && (b = model_branch_find(m, r->branch)) != NULL)
		p = b->partner;
	if (p != NULL && r->partner[0] == '\0')
		strlcpy_pt(r->partner, p->name, sizeof r->partner);

	/* The branches: the prefix's when about a prefix, else the partner's. */
	if (r->branch[0] != '\0')
		return;
	if (byprefix && prefix_parse(r->prefix, &pfx) == 0) {
		for (i = 0; i < m->nbranches; i++) {
			b = m->branches[i];
			for (j = 0; j < b->nprefixes; j++)
				if (b->prefixes[j].prefix.len == pfx.len &&
				    addr_cmp(&b->prefixes[j].prefix.addr,
				    &pfx.addr) == 0)
					break;
			if (j == b->nprefixes)
				continue;
			model_rel_add(r->branch, sizeof r->branch, b->name);
			if (r->partner[0] == '\0' && b->partner != NULL)
				strlcpy_pt(r->partner, b->partner->name,
				    sizeof r->partner);
		}
		return;
	}
	for (i = 0; p != NULL && i < m->nbranches; i++)
		if (m->branches[i]->partner == p)
			model_rel_add(r->branch, sizeof r->branch,
			    m->branches[i]->name);
}

const char *
event_state(const struct event *ev)
{
	if (ev->cond == EVC_NONE)
		return ("notice");
	if (ev->cond == EVC_CLOSES)
		return ("restores");
	if (EVENT_OPEN(ev))
		return (ev->ack_ms != 0 ? "acknowledged" : "open");
	if (ev->cflags & EVF_RESOLVED)
		return ("resolved");
	return ((ev->cflags & EVF_FOLLOWED) ? "followed" : "ended");
}

/* Into the ring, the oldest pushed out when full: its slot. */
static size_t
model_ring_push(struct model *m, const struct event *ev)
{
	size_t	 slot;

	if (m->nevents == MODEL_EVENTS_MAX) {
		m->level_counts[m->events[m->evhead].level]--;
		slot = m->evhead;
		m->evhead = (m->evhead + 1) % MODEL_EVENTS_MAX;
	} else
		slot = (m->evhead + m->nevents++) % MODEL_EVENTS_MAX;
	m->events[slot] = *ev;
	m->level_counts[m->events[slot].level]++;
	return (slot);
}

void
model_event_add(struct model *m, struct event *ev)
{
	size_t	 slot;

	if (ev->time_ms == 0)
		ev->time_ms = now_wall_ms();
	m->evseq++;
	if (ev->id == 0)
		ev->id = m->evseq;
	else if (ev->id > m->evseq)
		m->evseq = ev->id;	/* a stored one: ours come after it */
	if ((size_t)ev->level >= nitems(m->level_counts))
		ev->level = LVL_CRITICAL;
	model_event_relate(m, ev);
	condition_event(m, ev);
	slot = model_ring_push(m, ev);
	model_branch_last_event(m, ev);
	if (m->sink.event != NULL)
		m->sink.event(m->sink.arg, &m->events[slot]);
	model_observe(m, &m->events[slot], 0);
	model_touch(m, DIRTY_EVENTS | DIRTY_BRANCHES);
}

void
model_observer_add(struct model *m, struct model_observer *o)
{
	struct model_observer	**pp;

	for (pp = &m->observers; *pp != NULL; pp = &(*pp)->next)
		;
	o->next = NULL;
	*pp = o;
}

void
model_observer_remove(struct model *m, struct model_observer *o)
{
	struct model_observer	**pp;

	for (pp = &m->observers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			return;
		}
}

/* Tell the observers of an event (ack 0) or an acknowledgement. */
static void
model_observe(struct model *m, const struct event *e, int ack)
{
	struct model_observer	*o, *next;

	for (o = m->observers; o != NULL; o = next) {
		next = o->next;
		if (ack && o->ack != NULL)
			o->ack(o->arg, e);
		else if (!ack && o->event != NULL)
			o->event(o->arg, e);
	}
}

static void
model_vevent(struct model *m, int64_t when_ms, const char *type,
    enum level level, const char *subject, const char *details,
    const struct event_rel *rel, const char *fmt, va_list ap)
{
	struct event	 ev;

	memset(&ev, 0, sizeof ev);
	ev.time_ms = when_ms;
	strlcpy_pt(ev.type, type, sizeof ev.type);
	ev.level = level;
	strlcpy_pt(ev.subject, subject, sizeof ev.subject);
	if (details != NULL)
		strlcpy_pt(ev.details, details, sizeof ev.details);
	if (rel != NULL)
		ev.rel = *rel;
	vsnprintf(ev.summary, sizeof ev.summary, fmt, ap);
	model_event_add(m, &ev);
}

void
model_eventf(struct model *m, const char *type, enum level level,
    const char *subject, const char *details, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	model_vevent(m, 0, type, level, subject, details, NULL, fmt, ap);
	va_end(ap);
}

void
model_event_at(struct model *m, int64_t when_ms, const char *type,
    enum level level, const char *subject, const char *details,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	model_vevent(m, when_ms, type, level, subject, details, NULL, fmt,
	    ap);
	va_end(ap);
}

void
model_event_rel(struct model *m, int64_t when_ms, const char *type,
    enum level level, const char *subject, const char *details,
    const struct event_rel *rel, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	model_vevent(m, when_ms, type, level, subject, details, rel, fmt, ap);
	va_end(ap);
}

const struct event *
model_event_find(const struct model *m, int64_t id)
{
	const struct event	*e;
	size_t			 i;

	for (i = m->nevents; i > 0; i--)
		if ((e = model_event(m, i - 1))->id == id)
			return (e);
	return (NULL);
}

/*
 * An opener raised again, maybe more than once: name the one that
 * carries the condition now, and whether that one may be acknowledged.
 */
static void
model_ack_followed(const struct model *m, const struct event *e,
    char **cause)
{
	const struct event	*cur = e, *next;
	size_t			 steps;

	for (steps = 0; steps < MODEL_EVENTS_MAX &&
	    (cur->cflags & EVF_FOLLOWED) &&
	    (next = model_event_find(m, cur->closed_by)) != NULL; steps++)
		cur = next;
	if (!EVENT_OPEN(cur))
		xasprintf(cause, "#%lld (%s) was raised again as #%lld, and "
		    "that is no longer open", (long long)e->id, e->type,
		    (long long)cur->id);
	else if (cur->level < LVL_ERROR)
		xasprintf(cause, "#%lld (%s) was raised again as #%lld, a %s "
		    "now: only Error and Critical are acknowledged",
		    (long long)e->id, e->type, (long long)cur->id,
		    level_name(cur->level));
	else if (cur->ack_ms != 0)
		xasprintf(cause, "#%lld (%s) was raised again as #%lld, "
		    "acknowledged by %s already", (long long)e->id, e->type,
		    (long long)cur->id, cur->ack_user);
	else
		xasprintf(cause, "#%lld (%s) was raised again as #%lld: "
		    "acknowledge that one", (long long)e->id, e->type,
		    (long long)cur->id);
}

int
model_event_ack(struct model *m, int64_t id, const char *user,
    const char *comment, int64_t when_ms, char **cause)
{
	struct condition	*c = NULL;
	struct event		*e = NULL;
	size_t			 i;

	for (i = 0; i < m->nconds; i++)
		if (m->conds[i].opened_id == id)
			c = &m->conds[i];
	for (i = 0; i < m->nevents; i++)
		if (m->events[i].id == id)
			e = &m->events[i];
	if (c == NULL) {
		if (e == NULL)
			xasprintf(cause, "no event #%lld among the recent "
			    "ones", (long long)id);
		else if (e->cond != EVC_OPENS)
			xasprintf(cause, "#%lld (%s) is a notice, not an open "
			    "problem", (long long)id, e->type);
		else if (e->cflags & EVF_FOLLOWED)
			model_ack_followed(m, e, cause);
		else
			xasprintf(cause, "#%lld (%s) is no longer open",
			    (long long)id, e->type);
		return (-1);
	}
	if (c->level < LVL_ERROR) {
		xasprintf(cause, "#%lld is a %s: only Error and Critical are "
		    "acknowledged", (long long)id, level_name(c->level));
		return (-1);
	}
	if (c->ack_ms != 0) {
		xasprintf(cause, "#%lld was acknowledged by %s already",
		    (long long)id, c->ack_user);
		return (-1);
	}
	c->ack_ms = when_ms != 0 ? when_ms : now_wall_ms();
	if (user == NULL || *user == '\0')
		user = "?";
	sanitize(c->ack_user, sizeof c->ack_user, user, strlen(user));
	if (comment == NULL)
		comment = "";
	sanitize(c->ack_comment, sizeof c->ack_comment, comment,
	    strlen(comment));
	if (e != NULL) {
		e->ack_ms = c->ack_ms;
		memcpy(e->ack_user, c->ack_user, sizeof e->ack_user);
		memcpy(e->ack_comment, c->ack_comment, sizeof e->ack_comment);
		if (m->sink.ack != NULL)
			m->sink.ack(m->sink.arg, e);
		model_observe(m, e, 1);
	} else {
		/* Its opener left the ring: the history still has it. */
		struct event	 tmp;

		memset(&tmp, 0, sizeof tmp);
		tmp.id = id;
		tmp.time_ms = c->opened_ms;
		tmp.level = c->level;
		strlcpy_pt(tmp.subject, c->subject, sizeof tmp.subject);
		tmp.ack_ms = c->ack_ms;
		memcpy(tmp.ack_user, c->ack_user, sizeof tmp.ack_user);
		memcpy(tmp.ack_comment, c->ack_comment, sizeof tmp.ack_comment);
		if (m->sink.ack != NULL)
			m->sink.ack(m->sink.arg, &tmp);
		model_observe(m, &tmp, 1);
	}
	model_touch(m, DIRTY_EVENTS | DIRTY_BRANCHES);
	return (0);
}

void
model_event_put(struct model *m, const struct event *ev)
{
	struct event	*e, copy;
	size_t		 i;
	enum level	 lvl = ev->level;

	if ((size_t)lvl >= nitems(m->level_counts))
		lvl = LVL_CRITICAL;
	for (i = m->nevents; i > 0; i--) {
		e = &m->events[(m->evhead + i - 1) % MODEL_EVENTS_MAX];
		if (e->id == ev->id) {
			m->level_counts[e->level]--;
			*e = *ev;
			e->level = lvl;
			m->level_counts[lvl]++;
			model_touch(m, DIRTY_EVENTS);
			return;
		}
	}
	copy = *ev;
	copy.level = lvl;
	(void)model_ring_push(m, &copy);
	if (ev->id > m->evseq)
		m->evseq = ev->id;
	model_touch(m, DIRTY_EVENTS);
}

unsigned
model_open_unacked(const struct model *m, enum level lvl)
{
	unsigned	 n = 0;
	size_t		 i;

	for (i = 0; i < m->nconds; i++)
		if (m->conds[i].level == lvl && m->conds[i].ack_ms == 0)
			n++;
	return (n);
}

void
model_events_clear(struct model *m)
{
	m->nevents = m->evhead = 0;
	memset(m->level_counts, 0, sizeof m->level_counts);
	condition_clear(m);
	model_touch(m, DIRTY_EVENTS);
}

/* A branch's latency links (the ring and the link). */
static void
model_links_free(struct branch *b)
{
	size_t	 j;

	for (j = 0; j < b->nlinks; j++) {
		latency_series_free(b->links[j]->ring);
		free(b->links[j]);
	}
	free(b->links);
	b->links = NULL;
	b->nlinks = 0;
}

void
model_latency_clear(struct model *m)
{
	struct branch	*b;
	size_t		 i;

	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		model_links_free(b);
		b->lat_nearest = -1;
		b->lat_nearest_us = 0;
		b->lat_main = -1;
		b->lat_suboptimal = 0;
		b->lat_stale = 0;
	}
	m->pending &= ~PENDING_LATENCY;
	model_touch(m, DIRTY_LATENCY | DIRTY_BRANCHES);
}

const struct event *
model_event(const struct model *m, size_t i)
{
	if (i >= m->nevents)
		return (NULL);
	return (&m->events[(m->evhead + i) % MODEL_EVENTS_MAX]);
}

/*
 * The worst current condition, for --once's exit status: a partner DOWN or
 * DEGRADED, unknown or a collector down is a warning; NO-BACKUP is what
 * the partner configured ("backup none"), so it is OK.  Past events do not count: they are history, not state.
 */
enum level
model_worst(const struct model *m)
{
	enum level	 worst = LVL_INFO;
	size_t		 i;

	for (i = 0; i < m->npartners; i++) {
		switch (m->partners[i]->red) {
		case RED_DOWN:
			if (!m->partners[i]->turnup)
				return (LVL_CRITICAL);
			worst = LVL_WARNING;	/* being turned up */
			break;
		case RED_DEGRADED:
		case RED_UNKNOWN:
			worst = LVL_WARNING;
			break;
		case RED_NOBACKUP:	/* configured: Internet failover */
		case RED_REDUNDANT:
			break;
		}
	}
	for (i = 0; i < m->ncollectors; i++)
		if (m->collectors[i]->state != COL_UP)
			worst = LVL_WARNING;
	return (worst);
}
