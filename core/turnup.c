/* SPDX-License-Identifier: ISC */
/*
 * The turn-up checklist (turnup.h): the checks are made once from the
 * scope (its sessions, the collectors, the partner's registered prefixes
 * and branches) and judged on every turnup_eval() from what the model
 * holds now; only the times a check first left waiting and first turned
 * green are the checklist's own.  A check that was green and is no longer
 * has failed, whatever it says now: during a turn-up a session that
 * dropped after Established is news, not progress.
 *
 * The prefix checks word what fails as the Azure portal's prefix
 * validation does ("Prefix wasn't received", "Backup route not found"
 * ...), so the engineer recognises the message the portal will show
 * hours later.  RPKI comes from the route monitor's prefix flags: an
 * invalid registered prefix fails (Microsoft drops invalid routes), one
 * without a ROA is green with the advice, and without an rpki source the
 * check says "not checked", never green.
 */

#include <sys/socket.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/collect-bmp.h"
#include "core/collector.h"
#include "core/latency-mon.h"
#include "core/routemon-check.h"
#include "core/routemon.h"
#include "core/turnup.h"
#include "core/util.h"
#include "core/vrp.h"

/* A session up less than this may still be sending its first table. */
#define TURNUP_TABLE_GRACE_MS	5000
/* Max-prefix: less headroom than this (percent) fails. */
#define TURNUP_HEADROOM_PCT	10

static int	 turnup_scope(struct turnup *, const char *, char **);
static void	 turnup_add_session(struct turnup *, struct session *);
static struct turnup_check *turnup_add(struct turnup *, enum turnup_kind,
		    const char *, ...) printflike(3, 4);
static void	 turnup_build(struct turnup *);
static void	 turnup_judge(struct turnup *, struct turnup_check *);
static void	 turnup_change(struct turnup *, size_t, enum turnup_state);
static void	 turnup_collector(struct turnup *, struct turnup_check *);
static void	 turnup_fsm(struct turnup *, struct turnup_check *);
static void	 turnup_caps(struct turnup *, struct turnup_check *);
static int	 turnup_was_up(const struct session *);
static const char *turnup_bad_as(const struct session *, char *, size_t);
static int	 turnup_collector_in(const struct turnup *,
		    const struct collector *);
static int	 turnup_bmp_peer(const struct model *, const struct session *,
		    struct bmp_peer_info *, int *);
static void	 turnup_prefix(struct turnup *, struct turnup_check *);
static int	 turnup_carries(const struct branch_prefix *, const char *);
static void	 turnup_maxpfx(struct turnup *, struct turnup_check *);
static void	 turnup_rpki(struct turnup *, struct turnup_check *);
static void	 turnup_latency(struct turnup *, struct turnup_check *);
static void	 turnup_redundancy(struct turnup *, struct turnup_check *);
static void	 turnup_set(struct turnup_check *, enum turnup_state,
		    const char *, ...) printflike(3, 4);
static void	 turnup_append(char *, size_t, const char *, ...)
		    printflike(3, 4);

static const char *const turnup_state_names[] = {
	[TU_WAITING] = "waiting",
	[TU_PROGRESS] = "in progress",
	[TU_GREEN] = "green",
	[TU_FAILED] = "failed",
	[TU_UNCHECKED] = "not checked",
};

static const char *const turnup_kind_names[TU_NKINDS] = {
	[TU_COLLECTOR] = "collector",
	[TU_FSM] = "bgp",
	[TU_CAPS] = "capabilities",
	[TU_PREFIX] = "prefix",
	[TU_MAXPFX] = "max-prefix",
	[TU_RPKI] = "rpki",
	[TU_LATENCY] = "latency",
	[TU_REDUNDANCY] = "redundancy",
};

/* BMP_CAP_* in words, in the order they are written. */
static const struct {
	unsigned	 bit;
	const char	*name;
} turnup_cap_names[] = {
	{ BMP_CAP_AS4, "4-octet AS" },
	{ BMP_CAP_IPV4, "IPv4 unicast" },
	{ BMP_CAP_IPV6, "IPv6 unicast" },
	{ BMP_CAP_RR, "route refresh" },
	{ BMP_CAP_ADDPATH, "ADD-PATH" },
	{ BMP_CAP_EXTMSG, "extended message" },
	{ BMP_CAP_GR, "graceful restart" },
};


const char *
turnup_state_name(enum turnup_state st)
{
	if ((size_t)st >= nitems(turnup_state_names))
		return ("?");
	return (turnup_state_names[st]);
}

int
turnup_rank(enum turnup_state st)
{
	switch (st) {
	case TU_FAILED:
		return (4);
	case TU_PROGRESS:
		return (3);
	case TU_WAITING:
		return (2);
	case TU_UNCHECKED:
		return (1);
	case TU_GREEN:
		break;
	}
	return (0);
}

const char *
turnup_kind_name(enum turnup_kind k)
{
	if ((size_t)k >= nitems(turnup_kind_names))
		return ("?");
	return (turnup_kind_names[k]);
}

char *
turnup_caps_fmt(unsigned caps, char *buf, size_t len)
{
	size_t	 i;

	buf[0] = '\0';
	for (i = 0; i < nitems(turnup_cap_names); i++)
		if (caps & turnup_cap_names[i].bit)
			turnup_append(buf, len, "%s%s", buf[0] != '\0' ?
			    ", " : "", turnup_cap_names[i].name);
	if (buf[0] == '\0')
		strlcpy_pt(buf, "none", len);
	return (buf);
}

struct turnup *
turnup_new(struct model *m, const char *scope, char **cause)
{
	struct turnup	*t;

	t = xcalloc(1, sizeof *t);
	t->m = m;
	t->edge_idx = -1;
	if (turnup_scope(t, scope, cause) != 0) {
		turnup_free(t);
		return (NULL);
	}
	turnup_build(t);
	return (t);
}

void
turnup_free(struct turnup *t)
{
	if (t == NULL)
		return;
	free(t->sessions);
	free(t->checks);
	free(t->timeline);
	free(t);
}

/* The sessions of "PARTNER[/EDGE]", or of the turnup block. */
static int
turnup_scope(struct turnup *t, const char *scope, char **cause)
{
	struct model	*m = t->m;
	struct session	*s;
	char		 name[NAME_MAX_PT], shown[2 * NAME_MAX_PT];
	char		 word[NAME_MAX_PT];
	const char	*edge;
	size_t		 i;

	if (scope == NULL || *scope == '\0') {
		if (m->nturnup_sessions == 0) {
			*cause = xstrdup("no turn-up given: name a partner "
			    "(PARTNER[/EDGE]) or add a turnup block to the "
			    "configuration");
			return (-1);
		}
		for (i = 0; i < m->nturnup_sessions; i++) {
			if ((s = model_session_find(m,
			    m->turnup_sessions[i])) == NULL) {
				xasprintf(cause, "turnup: no session \"%s\"",
				    m->turnup_sessions[i]);
				return (-1);
			}
			if (t->partner == NULL)
				t->partner = s->partner;
			turnup_add_session(t, s);
		}
		strlcpy_pt(t->scope, "turnup", sizeof t->scope);
		return (0);
	}

	strlcpy_pt(t->scope, scope, sizeof t->scope);
	strlcpy_pt(name, scope, sizeof name);
	/* What the user typed goes back to a terminal: sanitised. */
	sanitize(shown, sizeof shown, scope, strlen(scope));
	if ((edge = strchr(scope, '/')) != NULL)
		name[edge - scope < (int)sizeof name ? edge - scope :
		    (int)sizeof name - 1] = '\0';
	if ((t->partner = model_partner_find(m, name)) == NULL) {
		sanitize(word, sizeof word, name, strlen(name));
		xasprintf(cause, "turn-up %s: no partner \"%s\"", shown, word);
		return (-1);
	}
	if (edge != NULL) {
		edge++;
		if ((t->edge_idx = model_edge_find(m, edge)) < 0) {
			sanitize(word, sizeof word, edge, strlen(edge));
			xasprintf(cause, "turn-up %s: no edge \"%s\"", shown,
			    word);
			return (-1);
		}
	}
	for (i = 0; i < t->partner->nsessions; i++) {
		s = t->partner->sessions[i];
		if (t->edge_idx < 0 || s->edge_idx == t->edge_idx)
			turnup_add_session(t, s);
	}
	if (t->nsessions == 0) {
		xasprintf(cause, "turn-up %s: partner %s has no session at "
		    "edge %s", shown, t->partner->name, m->edges[t->edge_idx].code);
		return (-1);
	}
	return (0);
}

static void
turnup_add_session(struct turnup *t, struct session *s)
{
	t->sessions = xreallocarray(t->sessions, t->nsessions + 1,
	    sizeof *t->sessions);
	t->sessions[t->nsessions++] = s;
}

static struct turnup_check *
turnup_add(struct turnup *t, enum turnup_kind kind, const char *fmt, ...)
{
	struct turnup_check	*ck;
	va_list			 ap;

	t->checks = xreallocarray(t->checks, t->nchecks + 1,
	    sizeof *t->checks);
	ck = &t->checks[t->nchecks++];
	memset(ck, 0, sizeof *ck);
	ck->kind = kind;
	ck->edge_idx = -1;
	ck->median_us = ck->loss_pct = -1;
	va_start(ap, fmt);
	vsnprintf(ck->subject, sizeof ck->subject, fmt, ap);
	va_end(ap);
	return (ck);
}

/*
 * The checks in the order: collectors, each session's FSM, its
 * capabilities, the prefixes, max-prefix, RPKI, latency, redundancy.
 */
static void
turnup_build(struct turnup *t)
{
	struct model		*m = t->m;
	struct turnup_check	*ck;
	struct collector	*c;
	struct branch		*b;
	char			 pfx[PREFIX_STRLEN];
	size_t			 i, j, k;
	int			 seen[64];

	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		if (!turnup_collector_in(t, c))
			continue;
		ck = turnup_add(t, TU_COLLECTOR, "%s", c->name);
		ck->c = c;
	}
	for (i = 0; i < t->nsessions; i++)
		turnup_add(t, TU_FSM, "session %s",
		    t->sessions[i]->name)->s = t->sessions[i];
	for (i = 0; i < t->nsessions; i++)
		turnup_add(t, TU_CAPS, "capabilities %s",
		    t->sessions[i]->name)->s = t->sessions[i];
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (b->partner != t->partner)
			continue;
		for (j = 0; j < b->nprefixes; j++) {
			ck = turnup_add(t, TU_PREFIX, "prefix %s",
			    prefix_fmt(&b->prefixes[j].prefix, pfx,
			    sizeof pfx));
			ck->b = b;
			ck->p = &b->prefixes[j];
		}
	}
	for (i = 0; i < t->nsessions; i++)
		turnup_add(t, TU_MAXPFX, "max-prefix %s",
		    t->sessions[i]->name)->s = t->sessions[i];
	turnup_add(t, TU_RPKI, "rpki");
	/* Latency: every branch of the partner to each edge in scope. */
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (b->partner != t->partner)
			continue;
		memset(seen, 0, sizeof seen);
		for (k = 0; k < t->nsessions; k++) {
			int	 e = t->sessions[k]->edge_idx;

			if (e < 0 || (size_t)e >= m->nedges ||
			    (e < (int)nitems(seen) && seen[e]))
				continue;
			if (e < (int)nitems(seen))
				seen[e] = 1;
			ck = turnup_add(t, TU_LATENCY, "latency %s %s %s",
			    b->name, "->", m->edges[e].code);
			ck->b = b;
			ck->edge_idx = e;
		}
	}
	if (t->partner != NULL)
		turnup_add(t, TU_REDUNDANCY, "partner %s", t->partner->name);
}

/*
 * The collectors a turn-up depends on: the BMP listeners, and the BIRD
 * sockets of the scope's routers (any BIRD that names no router).
 */
static int
turnup_collector_in(const struct turnup *t, const struct collector *c)
{
	size_t	 i;

	if (c->ops == &collector_bmp)
		return (1);
	if (c->ops != &collector_bird)
		return (0);
	if (c->router[0] == '\0')
		return (1);
	for (i = 0; i < t->nsessions; i++)
		if (strcmp(t->sessions[i]->router, c->router) == 0)
			return (1);
	return (0);
}

void
turnup_eval(struct turnup *t, int64_t now_ms)
{
	struct turnup_check	*ck;
	enum turnup_state	 was;
	char			 failed[sizeof ck->reason];
	unsigned		 n[TU_UNCHECKED + 1];
	size_t			 i;
	int			 worst = -1;

	t->now_ms = now_ms;
	memset(n, 0, sizeof n);
	t->start_ms = 0;
	for (i = 0; i < t->nchecks; i++) {
		ck = &t->checks[i];
		was = ck->judged ? ck->state : TU_WAITING;
		strlcpy_pt(failed, ck->state == TU_FAILED ? ck->reason : "",
		    sizeof failed);
		turnup_judge(t, ck);
		ck->judged = 1;
		/* A failure that changes its words is news too. */
		if (ck->state != was || (ck->state == TU_FAILED &&
		    strcmp(ck->reason, failed) != 0))
			turnup_change(t, i, ck->state);
		n[ck->state]++;
		/* The turn-up starts with its sessions, not with peertop:
		 * the collectors are reachable from the start, and RPKI and
		 * latency are judged before any session moves. */
		if (ck->kind != TU_COLLECTOR && ck->kind != TU_RPKI &&
		    ck->kind != TU_LATENCY && ck->left_ms != 0 &&
		    (t->start_ms == 0 || ck->left_ms < t->start_ms))
			t->start_ms = ck->left_ms;
		if (ck->state != TU_GREEN && ck->state != TU_UNCHECKED &&
		    turnup_rank(ck->state) > worst)
			worst = turnup_rank(ck->state);
	}
	if (n[TU_FAILED] > 0)
		t->verdict = TU_FAILED;
	else if (worst < 0)
		t->verdict = TU_GREEN;
	else if (t->start_ms == 0)
		t->verdict = TU_WAITING;
	else
		t->verdict = TU_PROGRESS;
	if (t->verdict == TU_GREEN) {
		if (t->green_ms == 0)
			t->green_ms = now_ms;
	} else
		t->green_ms = 0;
	snprintf(t->summary, sizeof t->summary, "%u failed, %u in progress, "
	    "%u waiting, %u green, %u not checked", n[TU_FAILED],
	    n[TU_PROGRESS], n[TU_WAITING], n[TU_GREEN], n[TU_UNCHECKED]);
}

int
turnup_worst(const struct turnup *t)
{
	size_t	 i;
	int	 best = -1;

	for (i = 0; i < t->nchecks; i++)
		if (best < 0 || turnup_rank(t->checks[i].state) >
		    turnup_rank(t->checks[best].state))
			best = (int)i;
	return (best);
}

/* One check, then the times and the "was green" rule. */
static void
turnup_judge(struct turnup *t, struct turnup_check *ck)
{
	int64_t	 since;
	int	 exact;

	ck->reason[0] = '\0';
	ck->since_ms = 0;
	switch (ck->kind) {
	case TU_COLLECTOR:
		turnup_collector(t, ck);
		break;
	case TU_FSM:
		turnup_fsm(t, ck);
		break;
	case TU_CAPS:
		turnup_caps(t, ck);
		break;
	case TU_PREFIX:
		turnup_prefix(t, ck);
		break;
	case TU_MAXPFX:
		turnup_maxpfx(t, ck);
		break;
	case TU_RPKI:
		turnup_rpki(t, ck);
		break;
	case TU_LATENCY:
		turnup_latency(t, ck);
		break;
	case TU_REDUNDANCY:
		turnup_redundancy(t, ck);
		break;
	case TU_NKINDS:
		break;
	}
	if (ck->green_ms != 0 && (ck->state == TU_WAITING ||
	    ck->state == TU_PROGRESS)) {
		char	 was[sizeof ck->reason];

		strlcpy_pt(was, ck->reason, sizeof was);
		turnup_set(ck, TU_FAILED, "no longer green: %s", was);
	}
	/*
	 * The model's since when it is news since the last look. A check
	 * that is one state (the collector up, the session Established, its
	 * Peer Up, the partner's redundancy) has the exact start of that
	 * state: the look that saw it not green may have seen data older
	 * than the change (BIRD is polled, and its times are whole
	 * seconds), so its since stands even before that look.
	 */
	exact = ck->kind == TU_COLLECTOR || ck->kind == TU_FSM ||
	    ck->kind == TU_CAPS || ck->kind == TU_REDUNDANCY;
	since = ck->since_ms > 0 && ck->since_ms <= t->now_ms &&
	    (exact || ck->since_ms > ck->bad_ms) ? ck->since_ms : t->now_ms;
	ck->at_ms = since;
	if (ck->state == TU_GREEN && ck->green_ms == 0)
		ck->green_ms = since;
	if (ck->state != TU_WAITING && ck->state != TU_UNCHECKED &&
	    ck->left_ms == 0)
		ck->left_ms = ck->green_ms != 0 && ck->green_ms < since ?
		    ck->green_ms : since;
	/* Not knowing yet (no collector has reported the session, no
	 * verdict yet) says nothing about when it turned green. */
	if (ck->state != TU_GREEN && ck->state != TU_UNCHECKED &&
	    !(ck->kind == TU_FSM && ck->s->state == BGP_UNKNOWN) &&
	    !(ck->kind == TU_REDUNDANCY && t->partner->red == RED_UNKNOWN))
		ck->bad_ms = t->now_ms;
}

/* Into the timeline: check i is in state st now. */
static void
turnup_change(struct turnup *t, size_t i, enum turnup_state st)
{
	struct turnup_change	*c;
	int64_t			 ms;
	size_t			 k, n;

	if (t->ntimeline++ >= TURNUP_TIMELINE_MAX)
		return;
	if (t->ntimeline == 1)
		t->timeline = xcalloc(TURNUP_TIMELINE_MAX,
		    sizeof *t->timeline);
	/*
	 * At the time the change happened as the model knows it, which can
	 * be before this look (a record made later, a poll that came late):
	 * kept in time order, after the check's own earlier changes.
	 */
	ms = t->checks[i].at_ms != 0 ? t->checks[i].at_ms : t->now_ms;
	n = t->ntimeline - 1;
	for (k = 0; k < n; k++)
		if (t->timeline[k].check == i && t->timeline[k].ms > ms)
			ms = t->timeline[k].ms;
	for (k = n; k > 0 && t->timeline[k - 1].ms > ms; k--)
		;
	memmove(&t->timeline[k + 1], &t->timeline[k],
	    (n - k) * sizeof *t->timeline);
	c = &t->timeline[k];
	c->ms = ms;
	c->check = i;
	c->state = st;
	strlcpy_pt(c->reason, t->checks[i].reason, sizeof c->reason);
}

/* 1: BIRD's control socket answers, the BMP listener has its routers. */
static void
turnup_collector(struct turnup *t, struct turnup_check *ck)
{
	struct collector	*c = ck->c;
	struct bmp_router_info	 ri;
	char			 names[160];
	size_t			 i, n;

	if (t->history) {
		turnup_set(ck, TU_UNCHECKED, "not recorded in the history");
		return;
	}
	switch (c->state) {
	case COL_STARTING:
		turnup_set(ck, TU_WAITING, "no answer yet");
		return;
	case COL_DOWN:
		turnup_set(ck, TU_FAILED, "%s", c->error[0] != '\0' ?
		    c->error : "down");
		return;
	case COL_UP:
		break;
	}
	/* Up since when, on the wall: a record made later says so. */
	if (c->state_mono != 0 && now_mono_ms() >= c->state_mono)
		ck->since_ms = t->now_ms - (int64_t)(now_mono_ms() -
		    c->state_mono);
	if (c->ops != &collector_bmp) {
		turnup_set(ck, TU_GREEN, "control socket answers");
		return;
	}
	names[0] = '\0';
	n = collect_bmp_routers(c);
	for (i = 0; i < n; i++)
		if (collect_bmp_router_info(c, i, &ri))
			turnup_append(names, sizeof names, "%s%s",
			    names[0] != '\0' ? ", " : "", ri.name[0] != '\0' ?
			    ri.name : ri.addr);
	if (n == 0)
		turnup_set(ck, TU_PROGRESS, "listening, no BMP router "
		    "connected yet");
	else
		turnup_set(ck, TU_GREEN, "BMP from %s", names);
}

/*
 * 2: the FSM as it moves.  An error while not Established fails it (the
 * NOTIFICATION, hold timer or refused connection in the collector's
 * words): the session may still recover, and then it is green again.
 */
static void
turnup_fsm(struct turnup *t, struct turnup_check *ck)
{
	const struct session_step	*st;
	struct session			*s = ck->s;
	char				 path[160], when[FMT_TIME_LEN];
	char				 as[NAME_MAX_PT + 64];
	size_t				 i, n;

	(void)t;
	path[0] = '\0';
	n = model_session_nsteps(s);
	/* The turn-up began with its first step out of Idle. */
	for (i = 0; ck->left_ms == 0 && (st = model_session_step_at(s, i)) !=
	    NULL; i++)
		if (st->state != BGP_IDLE && st->state != BGP_ADMIN_DOWN &&
		    st->state != BGP_UNKNOWN)
			ck->left_ms = st->ms;
	for (i = n > 6 ? n - 6 : 0; (st = model_session_step_at(s, i)) !=
	    NULL; i++)
		turnup_append(path, sizeof path, "%s%s", path[0] != '\0' ?
		    " > " : "", bgp_state_name(st->state));
	fmt_time(when, sizeof when, s->since_ms, FMT_TIME_CLOCK);
	ck->since_ms = s->since_ms;
	switch (s->state) {
	case BGP_UNKNOWN:
		turnup_set(ck, TU_WAITING, "no collector reports it yet");
		return;
	case BGP_ADMIN_DOWN:
		turnup_set(ck, TU_WAITING, "disabled (admin down) since %s",
		    when);
		return;
	case BGP_ESTABLISHED:
		if (s->since_ms == 0)
			turnup_set(ck, TU_GREEN, "Established");
		else if (path[0] == '\0')
			turnup_set(ck, TU_GREEN, "Established since %s", when);
		else
			turnup_set(ck, TU_GREEN, "Established since %s (%s)",
			    when, path);
		return;
	default:
		break;
	}
	/* BMP tells up and down only: down before its first Peer Up is
	 * not up yet, whatever the Peer Down said (in a history, which
	 * keeps no source, its error says "BMP Peer Down"). */
	if (s->last_error[0] != '\0' && ((s->source != NULL &&
	    s->source->ops == &collector_bmp) || strncmp(s->last_error,
	    "BMP ", 4) == 0) && !turnup_was_up(s)) {
		turnup_set(ck, TU_WAITING, "not up yet (%s)", s->last_error);
		return;
	}
	if (s->last_error[0] != '\0') {
		turnup_set(ck, TU_FAILED, "%s: %s%s", bgp_state_name(s->state),
		    s->last_error, turnup_bad_as(s, as, sizeof as));
		return;
	}
	/* Idle with nothing before it: not started. */
	if (s->state == BGP_IDLE && n <= 1)
		turnup_set(ck, TU_WAITING, "Idle since %s", when);
	else
		turnup_set(ck, TU_PROGRESS, "%s since %s (%s)",
		    bgp_state_name(s->state), when, path);
}

/*
 * A "Bad peer AS" says whose AS is wrong, so that the engineer sees the
 * typo, not only that there is one.  BIRD's "Received: Bad peer AS":
 * the neighbor refused this router's own AS, which should be the
 * partner's; BIRD's "BGP Error: Bad peer AS": this router refused the
 * neighbor's, and says which it expects (its "Neighbor AS"), where
 * Microsoft's is 8075.  "" for any other error.
 */
static const char *
turnup_bad_as(const struct session *s, char *buf, size_t len)
{
	buf[0] = '\0';
	if (strcasestr(s->last_error, "bad peer as") == NULL)
		return (buf);
	if (strncasecmp(s->last_error, "received", 8) == 0) {
		if (s->partner != NULL && s->partner->asn != 0)
			snprintf(buf, len, " (the neighbor refused this "
			    "router's AS; %s is AS%u)", s->partner->name,
			    s->partner->asn);
	} else if (s->remote_as != 0 && s->remote_as != RM_MICROSOFT_AS)
		snprintf(buf, len, " (this router expects AS%u; Microsoft is "
		    "AS%u)", s->remote_as, RM_MICROSOFT_AS);
	else if (s->remote_as != 0)
		snprintf(buf, len, " (this router expects AS%u)",
		    s->remote_as);
	return (buf);
}

/* Has the session been Established in the steps kept? */
static int
turnup_was_up(const struct session *s)
{
	const struct session_step	*st;
	size_t				 i;

	for (i = 0; (st = model_session_step_at(s, i)) != NULL; i++)
		if (st->state == BGP_ESTABLISHED)
			return (1);
	return (0);
}

/*
 * The BMP peer of the session, the one up first: 1 and *pi, else 0;
 * *bmp is set when any BMP collector runs.
 */
static int
turnup_bmp_peer(const struct model *m, const struct session *s,
    struct bmp_peer_info *pi, int *bmp)
{
	struct bmp_peer_info	 tmp;
	const struct collector	*c;
	size_t			 i, r, p;
	int			 found = 0;

	*bmp = 0;
	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		if (c->ops != &collector_bmp)
			continue;
		*bmp = 1;
		for (r = 0; r < collect_bmp_routers(c); r++)
			for (p = 0; collect_bmp_peer_info(c, r, p, &tmp); p++) {
				if (strcmp(tmp.session, s->name) != 0)
					continue;
				if (!found || (tmp.up && !pi->up)) {
					*pi = tmp;
					found = 1;
				}
			}
	}
	return (found);
}

/*
 * 3: what Microsoft expects agreed in both OPENs: 4-octet AS, the
 * session's address family and route refresh.  ADD-PATH, extended
 * message and graceful restart are reported when agreed, not required,
 * and each side's BGP role (RFC 9234) is named.
 */
static void
turnup_caps(struct turnup *t, struct turnup_check *ck)
{
	struct bmp_peer_info	 pi;
	unsigned		 agreed, missing;
	char			 a[128], b[128], c[128];
	int			 bmp;

	ck->caps_expected = BMP_CAP_AS4 | BMP_CAP_RR |
	    (ck->s->neighbor.af == AF_INET6 ? BMP_CAP_IPV6 : BMP_CAP_IPV4);
	if (t->history) {
		turnup_set(ck, TU_UNCHECKED, "not recorded in the history");
		return;
	}
	if (!turnup_bmp_peer(t->m, ck->s, &pi, &bmp)) {
		ck->caps_known = 0;
		if (session_routes_unreported(ck->s))
			turnup_set(ck, TU_UNCHECKED, "BIRD does not show the "
			    "OPENs; no BMP reports this session");
		else if (!bmp)
			turnup_set(ck, TU_UNCHECKED, "no BMP stream: the "
			    "OPENs are not seen");
		else
			turnup_set(ck, TU_WAITING, "no BMP Peer Up for it "
			    "yet");
		return;
	}
	if (!pi.caps_known) {
		turnup_set(ck, TU_WAITING, "no BMP Peer Up for it yet");
		return;
	}
	ck->caps_known = 1;
	ck->caps_local = pi.caps_local;
	ck->caps_remote = pi.caps_remote;
	/* RFC 9234 4.1: the roles the Peer Up's OPENs announced. */
	ck->role_local = ck->s->role_sent;
	ck->role_remote = ck->s->role_received;
	if (pi.up && pi.up_ms > 0 && (int64_t)pi.up_ms < t->now_ms)
		ck->since_ms = t->now_ms - (int64_t)pi.up_ms;
	agreed = pi.caps_local & pi.caps_remote;
	/* What a session that went down agreed is not agreed now. */
	if (!pi.up) {
		turnup_set(ck, TU_WAITING, "the session is down (its last "
		    "Peer Up agreed %s)", turnup_caps_fmt(agreed, a, sizeof a));
		return;
	}
	missing = ck->caps_expected & ~agreed;
	if (missing != 0) {
		turnup_set(ck, TU_FAILED, "not agreed: %s (sent %s; "
		    "received %s)", turnup_caps_fmt(missing, a, sizeof a),
		    turnup_caps_fmt(pi.caps_local & missing, b, sizeof b),
		    turnup_caps_fmt(pi.caps_remote & missing, c, sizeof c));
		return;
	}
	turnup_set(ck, TU_GREEN, "agreed: %s; BGP role: %s, %s", turnup_caps_fmt(
	    agreed, a, sizeof a), bgp_role_name(ck->role_local),
	    bgp_role_name(ck->role_remote));
}

/* Does the prefix's carried list name the session? */
static int
turnup_carries(const struct branch_prefix *p, const char *name)
{
	const char	*s = p->carried, *e;
	size_t		 n = strlen(name);

	while (n != 0 && *s != '\0') {
		while (*s == ' ' || *s == ',')
			s++;
		for (e = s; *e != '\0' && *e != ' ' && *e != ','; e++)
			;
		if ((size_t)(e - s) == n && strncmp(s, name, n) == 0)
			return (1);
		s = e;
	}
	return (0);
}

/*
 * 4: a registered prefix as Microsoft validates it, each failure in the
 * portal's words: received on every session in scope that is up, with
 * 8075:8007, a path of at most 3 ASes, no private AS, no prepending,
 * from the registered origin, and on the backup sessions.
 */
static void
turnup_prefix(struct turnup *t, struct turnup_check *ck)
{
	const struct branch_prefix	*p = ck->p;
	struct session			*s;
	char				 missing[128], why[sizeof ck->reason];
	size_t				 i;
	int				 up = 0, loading = 0, reported = 0;

	missing[0] = '\0';
	for (i = 0; i < t->nsessions; i++) {
		s = t->sessions[i];
		if (s->state != BGP_ESTABLISHED)
			continue;
		up++;
		if (!session_routes_unreported(s))
			reported++;
		if (s->routes_loading || s->routes_lost ||
		    t->now_ms - s->since_ms < TURNUP_TABLE_GRACE_MS) {
			loading++;
			continue;
		}
		/* A history does not say which sessions' routes were
		 * reported: its flags are the route monitor's verdict. */
		if (!t->history && !session_routes_unreported(s) &&
		    !turnup_carries(p, s->name))
			turnup_append(missing, sizeof missing, "%s%s",
			    missing[0] != '\0' ? ", " : "", s->name);
	}
	if (up == 0) {
		turnup_set(ck, TU_WAITING, "no session Established yet");
		return;
	}
	if (reported == 0) {
		turnup_set(ck, TU_UNCHECKED, "routes not reported (BIRD gives "
		    "states only: needs BMP)");
		return;
	}
	why[0] = '\0';
	if (missing[0] != '\0' || (p->flags & PFX_INVISIBLE))
		turnup_append(why, sizeof why, "; Prefix wasn't received%s%s",
		    missing[0] != '\0' ? " on " : "", missing);
	if (p->flags & PFX_ORIGIN)
		turnup_append(why, sizeof why, "; Prefix received with origin "
		    "AS%u, registered AS%u", p->bad_origin, p->origin);
	if (p->flags & PFX_NO8007)
		turnup_append(why, sizeof why, "; Prefix doesn't have a valid "
		    "BGP community (8075:8007)");
	if (p->flags & PFX_NOBACKUP)
		turnup_append(why, sizeof why, "; Backup route not found");
	if (p->flags & PFX_NOPRIMARY)
		turnup_append(why, sizeof why, "; Prefix wasn't received on "
		    "every primary session");
	if (p->flags & PFX_LONGPATH)
		turnup_append(why, sizeof why, "; Prefix received with longer "
		    "AS path(>3)");
	if (p->flags & PFX_PRIVATE)
		turnup_append(why, sizeof why, "; Prefix received with private "
		    "AS in the path");
	if (p->flags & PFX_PREPEND)
		turnup_append(why, sizeof why, "; Prefix received with AS path "
		    "prepending");
	if ((p->flags & (PFX_SUBHIJACK | PFX_LEAK | PFX_UPSTREAM)) &&
	    p->problem[0] != '\0')
		turnup_append(why, sizeof why, "; %s", p->problem);
	if (why[0] != '\0') {
		/* The first table may still be coming. */
		if (loading > 0 && p->flags == 0)
			turnup_set(ck, TU_PROGRESS, "waiting for the first "
			    "table");
		else
			turnup_set(ck, TU_FAILED, "%s", why + 2);
		return;
	}
	if (loading > 0 && p->nprimary + p->nbackup == 0) {
		turnup_set(ck, TU_PROGRESS, "waiting for the first table");
		return;
	}
	/* Valid since its flags cleared and its last session came up. */
	ck->since_ms = p->since_ms;
	for (i = 0; i < t->nsessions; i++)
		if (t->sessions[i]->state == BGP_ESTABLISHED &&
		    t->sessions[i]->since_ms > ck->since_ms)
			ck->since_ms = t->sessions[i]->since_ms;
	turnup_set(ck, TU_GREEN, "received on %s with 8075:8007, path %s",
	    p->carried[0] != '\0' ? p->carried : "-", p->best_path[0] != '\0' ?
	    p->best_path : "-");
}

/* 4: the counts against the configured max-prefix, with the headroom. */
/*
 * RPKI: Microsoft drops RPKI-invalid routes, so a registered prefix whose
 * own announcement (its registered origin) is invalid fails the turn-up,
 * naming how and the ROAs; one no ROA covers is accepted (green, with the
 * advice).  Another AS's invalid more-specific (a hijack) is not the
 * partner's to fix: the events say it.  With the VRPs here (a collector,
 * standalone) the state is computed; a viewer or a replay has only the
 * route monitor's flags.  A source that is down cannot vouch for
 * anything: waiting, with its error.  Without an rpki source: not
 * checked.
 */
static void
turnup_rpki(struct turnup *t, struct turnup_check *ck)
{
	struct model			*m = t->m;
	const struct collector		*c, *down = NULL;
	struct branch			*b, *badb = NULL, *noroab = NULL;
	struct branch_prefix		*p, *bad = NULL, *noroa = NULL;
	size_t				 i, j, n = 0, nbad = 0, nnoroa = 0;
	int				 source = 0, st, badst = -1;
	int64_t				 up;
	char				 pfx[PREFIX_STRLEN], roas[160];

	ck->p = NULL;
	ck->b = NULL;
	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		if (c->ops != &collector_rpki)
			continue;
		source = 1;
		if (c->state != COL_UP && down == NULL)
			down = c;
		/* Judged since its VRPs came (a record made later). */
		if (c->state == COL_UP && c->state_mono != 0 &&
		    now_mono_ms() >= c->state_mono) {
			up = t->now_ms - (int64_t)(now_mono_ms() -
			    c->state_mono);
			if (up > ck->since_ms)
				ck->since_ms = up;
		}
	}
	if (!source) {
		turnup_set(ck, TU_UNCHECKED, "not checked (no rpki source "
		    "configured)");
		return;
	}
	/* A history keeps the prefixes' RPKI states, not the sources'. */
	if (down != NULL && !t->history) {
		turnup_set(ck, TU_WAITING, "%s is %s%s%s: cannot tell",
		    down->name, down->state == COL_DOWN ? "down" : "not up yet",
		    down->error[0] != '\0' ? ": " : "", down->error);
		return;
	}
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (b->partner != t->partner)
			continue;
		for (j = 0; j < b->nprefixes; j++) {
			p = &b->prefixes[j];
			n++;
			if (p->since_ms > ck->since_ms)
				ck->since_ms = p->since_ms;
			if ((st = routemon_rpki_state(m, p)) == -1)
				st = (p->flags & PFX_RPKI_INVALID) ?
				    VRP_INVALID_ORIGIN : (p->flags &
				    PFX_RPKI_NOTFOUND) ? VRP_NOTFOUND :
				    VRP_VALID;
			if (st == VRP_INVALID_ORIGIN ||
			    st == VRP_INVALID_LENGTH) {
				if (nbad++ == 0) {
					bad = p;
					badb = b;
					badst = st;
				}
			} else if (st == VRP_NOTFOUND && nnoroa++ == 0) {
				noroa = p;
				noroab = b;
			}
		}
	}
	if (bad != NULL && m->vrps != NULL)
		turnup_set(ck, TU_FAILED, "Prefix %s (AS%u) is RPKI %s%s, "
		    "ROAs: %s: Microsoft drops RPKI-invalid routes",
		    prefix_fmt(&bad->prefix, pfx, sizeof pfx), bad->origin,
		    vrp_state_name((enum vrp_state)badst), nbad > 1 ?
		    " (and others)" : "", routemon_roas_fmt(m->vrps,
		    &bad->prefix, roas, sizeof roas));
	else if (bad != NULL)
		turnup_set(ck, TU_FAILED, "Prefix %s: a route for it is RPKI "
		    "invalid%s: Microsoft drops RPKI-invalid routes",
		    prefix_fmt(&bad->prefix, pfx, sizeof pfx), nbad > 1 ?
		    " (and others)" : "");
	else if (n == 0)
		turnup_set(ck, TU_UNCHECKED, "not checked (no registered "
		    "prefix)");
	else if (m->vrps == NULL && !m->replica && m->replay_ms == 0)
		turnup_set(ck, TU_WAITING, "no VRPs loaded yet");
	else if (noroa != NULL)
		turnup_set(ck, TU_GREEN, "none RPKI invalid; %zu of %zu "
		    "prefix%s no ROA (%s): accepted, but a ROA protects "
		    "them", nnoroa, n, n == 1 ? " has" : "es have",
		    prefix_fmt(&noroa->prefix, pfx, sizeof pfx));
	else
		turnup_set(ck, TU_GREEN, "%zu prefix%s RPKI valid", n,
		    n == 1 ? "" : "es");
	/* Enter opens the prefix the reason names. */
	ck->p = bad != NULL ? bad : noroa;
	ck->b = bad != NULL ? badb : noroab;
}

static void
turnup_maxpfx(struct turnup *t, struct turnup_check *ck)
{
	struct session		*s = ck->s;
	struct bmp_peer_info	 pi;
	uint32_t		 limit, n;
	int			 bmp, have;

	if (s->state != BGP_ESTABLISHED) {
		turnup_set(ck, TU_WAITING, "not Established");
		return;
	}
	ck->since_ms = s->since_ms;
	have = turnup_bmp_peer(t->m, s, &pi, &bmp);
	limit = s->max_prefix.set ? s->max_prefix.limit : have ?
	    pi.max_prefix : 0;
	ck->count_in = s->routes_imported;
	ck->count_out = s->routes_exported;
	ck->limit = limit;
	n = ck->count_in > ck->count_out ? ck->count_in : ck->count_out;
	if (limit == 0) {
		turnup_set(ck, TU_UNCHECKED, "received %u, advertised %u; no "
		    "max-prefix configured", ck->count_in, ck->count_out);
		return;
	}
	if (n > limit)
		turnup_set(ck, TU_FAILED, "received %u, advertised %u: over "
		    "max-prefix %u", ck->count_in, ck->count_out, limit);
	else if ((uint64_t)(limit - n) * 100 < (uint64_t)limit *
	    TURNUP_HEADROOM_PCT)
		turnup_set(ck, TU_FAILED, "received %u, advertised %u of "
		    "max-prefix %u: %u%% headroom", ck->count_in,
		    ck->count_out, limit,
		    (unsigned)((uint64_t)(limit - n) * 100 / limit));
	else
		turnup_set(ck, TU_GREEN, "received %u, advertised %u of "
		    "max-prefix %u: %u%% headroom", ck->count_in,
		    ck->count_out, limit,
		    (unsigned)((uint64_t)(limit - n) * 100 / limit));
}

/*
 * 5: latency and loss from the branch to the new edge within the
 * thresholds; where the edge is the branch's nearest, the routes must
 * take it too.
 */
static void
turnup_latency(struct turnup *t, struct turnup_check *ck)
{
	const struct model	*m = t->m;
	struct branch		*b = ck->b;
	struct latlink		*l, *best = NULL;
	struct lat_thresholds	 th;
	const char		*code = m->edges[ck->edge_idx].code;
	size_t			 i;

	for (i = 0; i < b->nlinks; i++) {
		l = b->links[i];
		if (l->edge_idx == ck->edge_idx && l->sent > 0 &&
		    (best == NULL || l->last_ms > best->last_ms))
			best = l;
	}
	if (best == NULL) {
		ck->median_us = ck->loss_pct = -1;
		/* Nothing measures the branch: no probe of its own, no
		 * Prometheus or agent source. */
		for (i = 0; b->nprobes == 0 && i < m->ncollectors; i++)
			if (m->collectors[i]->ops != NULL &&
			    m->collectors[i]->ops->latency)
				break;
		if (b->nprobes == 0 && i == m->ncollectors)
			turnup_set(ck, TU_UNCHECKED, "no latency source "
			    "measures %s", b->name);
		else
			turnup_set(ck, TU_WAITING, "no samples from %s to %s "
			    "yet", b->name, code);
		return;
	}
	ck->median_us = best->received > 0 ? best->median_us : -1;
	ck->loss_pct = best->loss_pct;
	latency_mon_thresholds(m, b, &th);
	if (best->received == 0) {
		turnup_set(ck, TU_FAILED, "no reply from %s (%u sent)",
		    code, best->sent);
		return;
	}
	if (best->flags & (LAT_F_HIGH | LAT_F_LOSS)) {
		turnup_set(ck, TU_FAILED, "median %.1f ms, loss %.0f%%: over "
		    "the thresholds (%.1f ms, %.0f%%)", best->median_us /
		    1000.0, best->loss_pct, th.high_us / 1000.0, th.loss_pct);
		return;
	}
	if ((b->nearest == ck->edge_idx || b->lat_nearest == ck->edge_idx) &&
	    b->routed >= 0 && b->routed != ck->edge_idx &&
	    (size_t)b->routed < m->nedges) {
		turnup_set(ck, TU_PROGRESS, "median %.1f ms, loss %.0f%%; %s "
		    "is nearest but routes go via %s", best->median_us /
		    1000.0, best->loss_pct, code, m->edges[b->routed].code);
		return;
	}
	turnup_set(ck, TU_GREEN, "median %.1f ms, loss %.0f%%%s",
	    best->median_us / 1000.0, best->loss_pct,
	    b->routed == ck->edge_idx ? "; routed here" : "");
}

/* 6: the partner's peering REDUNDANT (or NO-BACKUP by design). */
static void
turnup_redundancy(struct turnup *t, struct turnup_check *ck)
{
	const struct partner	*p = t->partner;
	size_t			 i;
	int			 moving = 0;

	for (i = 0; i < t->nsessions; i++)
		if (t->sessions[i]->state != BGP_UNKNOWN &&
		    t->sessions[i]->state != BGP_ADMIN_DOWN &&
		    t->sessions[i]->state != BGP_IDLE)
			moving = 1;
	ck->since_ms = p->red_since_ms;
	switch (p->red) {
	case RED_REDUNDANT:
		turnup_set(ck, TU_GREEN, "REDUNDANT: %s", p->reason);
		break;
	case RED_NOBACKUP:
		turnup_set(ck, p->backup_none ? TU_GREEN : TU_PROGRESS,
		    "NO-BACKUP: %s", p->reason);
		break;
	case RED_UNKNOWN:
		turnup_set(ck, TU_WAITING, "not judged yet");
		break;
	default:
		turnup_set(ck, moving ? TU_PROGRESS : TU_WAITING, "%s: %s",
		    redundancy_name(p->red), p->reason);
		break;
	}
}

static void
turnup_set(struct turnup_check *ck, enum turnup_state st, const char *fmt,
    ...)
{
	va_list	 ap;

	ck->state = st;
	va_start(ap, fmt);
	vsnprintf(ck->reason, sizeof ck->reason, fmt, ap);
	va_end(ap);
}

/* printf at the end of buf, cut at its size. */
static void
turnup_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t	 n = strlen(buf);
	va_list	 ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}
