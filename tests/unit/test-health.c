/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/health.c: a table of partners covering every
 * geo-redundancy state and the corner cases of the rule (two sessions on
 * one router, a backup in the primary metro, several primary metros,
 * routers known only through their collector), then the transitions that
 * health_update() records and the events it raises.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/condition.h"
#include "core/eval.h"
#include "core/health.h"
#include "core/model.h"
#include "core/util.h"

#define E	BGP_ESTABLISHED
#define I	BGP_IDLE
#define A	BGP_ACTIVE
#define U	BGP_UNKNOWN
#define D	BGP_ADMIN_DOWN
#define P	ROLE_PRIMARY
#define B	ROLE_BACKUP

#define MAXSESS	6

struct sess_spec {
	const char	*router;	/* NULL ends the list */
	const char	*edge;
	enum role	 role;
	enum bgp_state	 state;
	int		 collector;	/* 1-based index into cols, 0 none */
};

struct red_case {
	const char	*what;
	int		 backup_none;
	struct sess_spec sess[MAXSESS];
	enum redundancy	 want;
	const char	*reason;
};

static const struct red_case cases[] = {
	{ "redundant", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 },
		{ "r3", "lax", B, E, 0 } },
	  RED_REDUNDANT, "primary sea: 2 routers up; backup lax: up" },
	{ "redundant, extra sessions down", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 },
		{ "r2", "sea", P, I, 0 }, { "r3", "lax", B, E, 0 },
		{ "r4", "lax", B, A, 0 } },
	  RED_REDUNDANT, "primary sea: 2 routers up; backup lax: up" },
	{ "primary has one router up", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, I, 0 },
		{ "r3", "lax", B, E, 0 } },
	  RED_DEGRADED,
	  "primary sea: 1 of 2 routers Established; backup lax: up" },
	{ "both primary sessions on one router", 0, {
		{ "r1", "sea", P, E, 0 }, { "r1", "sea", P, E, 0 },
		{ "r3", "lax", B, E, 0 } },
	  RED_DEGRADED,
	  "primary sea: 2 sessions up, all on one router; backup lax: up" },
	{ "only one primary router configured", 0, {
		{ "r1", "sea", P, E, 0 }, { "r3", "lax", B, E, 0 } },
	  RED_DEGRADED, "primary sea: 1 of 1 routers Established"
	  " (2 needed); backup lax: up" },
	{ "backup down", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 },
		{ "r3", "lax", B, A, 0 } },
	  RED_DEGRADED, "primary sea: 2 routers up; backup lax: 0 of 1"
	  " sessions Established" },
	{ "backup administratively down", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 },
		{ "r3", "lax", B, D, 0 } },
	  RED_DEGRADED, "primary sea: 2 routers up; backup lax: 0 of 1"
	  " sessions Established" },
	{ "backup in the primary metro does not count", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 },
		{ "r3", "sea", B, E, 0 } },
	  RED_DEGRADED, "primary sea: 2 routers up; backup sea: same metro"
	  " as primary, not counted" },
	{ "same-metro backup up, real backup down", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 },
		{ "r3", "sea", B, E, 0 }, { "r4", "lax", B, I, 0 } },
	  RED_DEGRADED, "primary sea: 2 routers up; backup lax: 0 of 1"
	  " sessions Established" },
	{ "backups in two metros, all down", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 },
		{ "r3", "lax", B, I, 0 }, { "r4", "chi", B, I, 0 } },
	  RED_DEGRADED, "primary sea: 2 routers up; backup: 0 of 2 sessions"
	  " Established" },
	{ "one of two backup metros up", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 },
		{ "r3", "lax", B, I, 0 }, { "r4", "chi", B, E, 0 } },
	  RED_REDUNDANT, "primary sea: 2 routers up; backup chi: up" },
	{ "no backup configured", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 } },
	  RED_DEGRADED,
	  "primary sea: 2 routers up; no backup session configured" },
	{ "no primary configured", 0, {
		{ "r3", "lax", B, E, 0 } },
	  RED_DEGRADED, "no primary session configured; backup lax: up" },
	{ "backup none", 1, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 } },
	  RED_NOBACKUP,
	  "primary sea: 2 routers up; backup none (Internet failover)" },
	{ "backup none, primary on one router", 1, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, I, 0 } },
	  RED_DEGRADED, "primary sea: 1 of 2 routers Established; backup"
	  " none (Internet failover)" },
	{ "backup none, all down", 1, {
		{ "r1", "sea", P, I, 0 }, { "r2", "sea", P, A, 0 } },
	  RED_DOWN, "no session Established" },
	{ "everything down", 0, {
		{ "r1", "sea", P, I, 0 }, { "r2", "sea", P, A, 0 },
		{ "r3", "lax", B, D, 0 } },
	  RED_DOWN, "no session Established" },
	{ "neither rule holds", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, I, 0 },
		{ "r3", "lax", B, I, 0 } },
	  RED_DOWN, "primary sea: 1 of 2 routers Established; backup lax:"
	  " 0 of 1 sessions Established" },
	{ "nothing reported yet", 0, {
		{ "r1", "sea", P, U, 0 }, { "r2", "sea", P, U, 0 },
		{ "r3", "lax", B, U, 0 } },
	  RED_UNKNOWN, "no session state reported yet" },
	{ "partly reported", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, U, 0 },
		{ "r3", "lax", B, E, 0 } },
	  RED_DEGRADED,
	  "primary sea: 1 of 2 routers Established; backup lax: up" },
	{ "no sessions", 0, { { NULL, NULL, P, U, 0 } },
	  RED_UNKNOWN, "no session configured" },
	{ "best of two primary metros", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, I, 0 },
		{ "r5", "chi", P, E, 0 }, { "r6", "chi", P, E, 0 },
		{ "r3", "lax", B, E, 0 } },
	  RED_REDUNDANT,
	  "primary chi (best of 2): 2 routers up; backup lax: up" },
	{ "backup at one of the primary metros", 0, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 },
		{ "r5", "chi", P, I, 0 }, { "r3", "chi", B, E, 0 } },
	  RED_REDUNDANT,
	  "primary sea (best of 2): 2 routers up; backup chi: up" },
	{ "routers told apart by their collectors", 0, {
		{ "", "sea", P, E, 1 }, { "", "sea", P, E, 2 },
		{ "", "lax", B, E, 3 } },
	  RED_REDUNDANT, "primary sea: 2 routers up; backup lax: up" },
	{ "one collector is one router", 0, {
		{ "", "sea", P, E, 1 }, { "", "sea", P, E, 1 },
		{ "", "lax", B, E, 3 } },
	  RED_DEGRADED,
	  "primary sea: 2 sessions up, all on one router; backup lax: up" },
};

static struct collector cols[3];

/* Build a model with one partner from a case. */
static struct model *
build(const struct red_case *c, struct partner **pp)
{
	struct model	*m = model_new();
	struct partner	*p;
	struct session	*s;
	size_t		 i;

	memset(cols, 0, sizeof cols);
	for (i = 0; i < nitems(cols); i++)
		snprintf(cols[i].name, sizeof cols[i].name, "bird r%zu", i);

	p = xcalloc(1, sizeof *p);
	snprintf(p->name, sizeof p->name, "isp");
	p->asn = 65002;
	p->backup_none = c->backup_none;
	p->sessions = xcalloc(MAXSESS, sizeof *p->sessions);
	m->sessions = xcalloc(MAXSESS, sizeof *m->sessions);
	for (i = 0; i < MAXSESS && c->sess[i].router != NULL; i++) {
		s = xcalloc(1, sizeof *s);
		snprintf(s->name, sizeof s->name, "%s-%s%zu", c->sess[i].edge,
		    c->sess[i].role == P ? "p" : "b", i);
		strlcpy_pt(s->router, c->sess[i].router, sizeof s->router);
		strlcpy_pt(s->edge, c->sess[i].edge, sizeof s->edge);
		s->role = c->sess[i].role;
		s->state = c->sess[i].state;
		if (c->sess[i].collector != 0)
			s->source = &cols[c->sess[i].collector - 1];
		s->partner = p;
		p->sessions[p->nsessions++] = s;
		m->sessions[m->nsessions++] = s;
	}
	m->partners = xcalloc(1, sizeof *m->partners);
	m->partners[m->npartners++] = p;
	*pp = p;
	return (m);
}

static void
test_table(void **state)
{
	struct model	*m;
	struct partner	*p;
	char		 reason[REASON_MAX];
	enum redundancy	 red;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		m = build(&cases[i], &p);
		memset(reason, 'x', sizeof reason);
		red = health_redundancy(p, reason, sizeof reason);
		if (red != cases[i].want || strcmp(reason, cases[i].reason))
			fail_msg("%s: got %s \"%s\", want %s \"%s\"",
			    cases[i].what, redundancy_name(red), reason,
			    redundancy_name(cases[i].want), cases[i].reason);
		/* Compact enough for an 80-column row. */
		if (strlen(reason) > 80)
			fail_msg("%s: reason longer than 80: %s",
			    cases[i].what, reason);
		/* Pure: the partner is not touched. */
		assert_int_equal(p->red, RED_UNKNOWN);
		assert_string_equal(p->reason, "");
		model_free(m);
	}
}

static void
test_reason_truncated(void **state)
{
	struct model	*m;
	struct partner	*p;
	char		 reason[16];

	(void)state;
	m = build(&cases[0], &p);
	memset(reason, 'x', sizeof reason);
	assert_int_equal(health_redundancy(p, reason, sizeof reason),
	    RED_REDUNDANT);
	assert_int_equal(strlen(reason), sizeof reason - 1);
	model_free(m);
}

/* What the sink saw. */
struct seen {
	int		 calls;
	enum redundancy	 old, now;
	int64_t		 when;
};

static void
sink_redundancy(void *arg, const struct partner *p, enum redundancy old,
    int64_t when)
{
	struct seen	*seen = arg;

	seen->calls++;
	seen->old = old;
	seen->now = p->red;
	seen->when = when;
}

/* Expect exactly one new event since *n, of this type and level. */
static void
expect_event(struct model *m, size_t *n, const char *type, enum level lvl,
    const char *in_summary)
{
	const struct event	*ev;

	assert_int_equal(m->nevents, *n + 1);
	ev = model_event(m, *n);
	assert_non_null(ev);
	assert_string_equal(ev->type, type);
	assert_int_equal(ev->level, lvl);
	assert_string_equal(ev->subject, "partner isp");
	if (strstr(ev->summary, in_summary) == NULL)
		fail_msg("summary \"%s\" lacks \"%s\"", ev->summary,
		    in_summary);
	assert_string_not_equal(ev->details, "");
	(*n)++;
}

static void
test_transitions(void **state)
{
	struct model	*m;
	struct partner	*p;
	struct seen	 seen;
	size_t		 n = 0;
	struct session	**s;

	(void)state;
	m = build(&cases[0], &p);	/* r1, r2 at sea, r3 backup at lax */
	s = p->sessions;
	memset(&seen, 0, sizeof seen);
	m->sink.arg = &seen;
	m->sink.redundancy = sink_redundancy;

	/* First evaluation, healthy: recorded, no event. */
	m->dirty = 0;
	health_update(m);
	assert_int_equal(p->red, RED_REDUNDANT);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.old, RED_UNKNOWN);
	assert_int_equal(seen.now, RED_REDUNDANT);
	assert_true(seen.when > 0);
	assert_true(p->red_since_ms == seen.when);
	assert_string_equal(p->reason,
	    "primary sea: 2 routers up; backup lax: up");
	assert_int_equal(m->nevents, 0);
	assert_true(m->dirty & DIRTY_BRANCHES);

	/* Nothing changed: nothing happens. */
	m->dirty = 0;
	health_update(m);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(m->nevents, 0);
	assert_int_equal(m->dirty & DIRTY_BRANCHES, 0);

	/* A primary router goes: degraded, a warning. */
	s[1]->state = BGP_IDLE;
	health_update(m);
	assert_int_equal(p->red, RED_DEGRADED);
	assert_int_equal(seen.calls, 2);
	assert_int_equal(seen.old, RED_REDUNDANT);
	expect_event(m, &n, "RedundancyDegraded", LVL_WARNING,
	    "DEGRADED (was REDUNDANT): primary sea: 1 of 2 routers");

	/* Then the backup: down, critical. */
	s[2]->state = BGP_ACTIVE;
	health_update(m);
	assert_int_equal(p->red, RED_DOWN);
	expect_event(m, &n, "RedundancyDegraded", LVL_CRITICAL,
	    "DOWN (was DEGRADED)");

	/* Every session down: still DOWN, only the reason changes. */
	m->dirty = 0;
	s[0]->state = BGP_IDLE;
	health_update(m);
	assert_int_equal(p->red, RED_DOWN);
	assert_string_equal(p->reason, "no session Established");
	assert_int_equal(seen.calls, 3);
	assert_int_equal(m->nevents, n);
	assert_true(m->dirty & DIRTY_BRANCHES);

	/* The primary comes back: better, but still degraded. */
	s[0]->state = s[1]->state = BGP_ESTABLISHED;
	health_update(m);
	assert_int_equal(p->red, RED_DEGRADED);
	expect_event(m, &n, "RedundancyDegraded", LVL_WARNING,
	    "DEGRADED (was DOWN): primary sea: 2 routers up; backup lax: 0");

	/* And the backup: restored. */
	s[2]->state = BGP_ESTABLISHED;
	health_update(m);
	assert_int_equal(p->red, RED_REDUNDANT);
	expect_event(m, &n, "RedundancyRestored", LVL_INFO,
	    "REDUNDANT (was DEGRADED)");
	assert_int_equal(seen.calls, 5);

	/* The collectors lose everything: recorded, no event. */
	s[0]->state = s[1]->state = s[2]->state = BGP_UNKNOWN;
	health_update(m);
	assert_int_equal(p->red, RED_UNKNOWN);
	assert_int_equal(seen.calls, 6);
	assert_int_equal(m->nevents, n);

	/*
	 * First evaluation after that, unhealthy: an event, measured
	 * against the last known verdict (the sink still sees UNKNOWN).
	 */
	s[0]->state = BGP_ESTABLISHED;
	s[1]->state = s[2]->state = BGP_IDLE;
	health_update(m);
	assert_int_equal(p->red, RED_DOWN);
	assert_int_equal(seen.old, RED_UNKNOWN);
	expect_event(m, &n, "RedundancyDegraded", LVL_CRITICAL,
	    "DOWN (was REDUNDANT)");
	assert_int_equal(m->level_counts[LVL_CRITICAL], 2);
	model_free(m);
}

static void
test_transitions_backup_none(void **state)
{
	static const struct red_case c = { "backup none", 1, {
		{ "r1", "sea", P, E, 0 }, { "r2", "sea", P, E, 0 } },
		RED_NOBACKUP, "" };
	struct model	*m;
	struct partner	*p;
	size_t		 n = 0;

	(void)state;
	m = build(&c, &p);

	/* NO-BACKUP is what this partner asked for: no event. */
	health_update(m);
	assert_int_equal(p->red, RED_NOBACKUP);
	assert_int_equal(m->nevents, 0);

	p->sessions[0]->state = BGP_OPENSENT;
	health_update(m);
	assert_int_equal(p->red, RED_DEGRADED);
	expect_event(m, &n, "RedundancyDegraded", LVL_WARNING,
	    "DEGRADED (was NO-BACKUP)");

	p->sessions[0]->state = BGP_ESTABLISHED;
	health_update(m);
	assert_int_equal(p->red, RED_NOBACKUP);
	expect_event(m, &n, "RedundancyRestored", LVL_INFO,
	    "NO-BACKUP (was DEGRADED)");
	model_free(m);
}

static void
test_branch_counts(void **state)
{
	struct model	*m;
	struct partner	*p, *other;
	struct branch	*b1, *b2;
	struct session	*s;

	(void)state;
	m = build(&cases[2], &p);	/* 2 of 3 Established */

	/* A second partner with one session, down. */
	other = xcalloc(1, sizeof *other);
	snprintf(other->name, sizeof other->name, "other");
	other->sessions = xcalloc(1, sizeof *other->sessions);
	s = xcalloc(1, sizeof *s);
	snprintf(s->name, sizeof s->name, "other-r1");
	snprintf(s->edge, sizeof s->edge, "ams");
	s->state = BGP_IDLE;
	s->partner = other;
	other->sessions[other->nsessions++] = s;
	m->sessions[m->nsessions++] = s;
	m->partners = xreallocarray(m->partners, 2, sizeof *m->partners);
	m->partners[m->npartners++] = other;

	m->branches = xcalloc(2, sizeof *m->branches);
	b1 = m->branches[m->nbranches++] = xcalloc(1, sizeof *b1);
	b1->partner = p;
	b2 = m->branches[m->nbranches++] = xcalloc(1, sizeof *b2);
	b2->partner = NULL;	/* counts every session */

	health_update(m);
	assert_int_equal(b1->sessions_up, 2);
	assert_int_equal(b1->sessions_total, 3);
	assert_int_equal(b2->sessions_up, 2);
	assert_int_equal(b2->sessions_total, 4);
	assert_int_equal(other->red, RED_DOWN);

	m->dirty = 0;
	p->sessions[0]->state = BGP_IDLE;
	health_update(m);
	assert_int_equal(b1->sessions_up, 1);
	assert_int_equal(b2->sessions_up, 1);
	assert_true(m->dirty & DIRTY_BRANCHES);
	model_free(m);
}

/* Through the model's own entry point, as a collector would. */
static void
test_via_session_report(void **state)
{
	struct model		*m;
	struct partner		*p;
	struct session_report	 r;
	const struct event	*ev;
	size_t			 i;
	int			 degraded = 0;

	(void)state;
	m = build(&cases[0], &p);
	health_update(m);
	assert_int_equal(p->red, RED_REDUNDANT);

	memset(&r, 0, sizeof r);
	r.state = BGP_IDLE;
	r.last_error = "Hold timer expired";
	model_session_report(m, p->sessions[2], &cols[0], &r);
	eval_run(m, now_wall_ms());
	assert_int_equal(p->red, RED_DEGRADED);
	assert_string_equal(p->reason, "primary sea: 2 routers up; backup"
	    " lax: 0 of 1 sessions Established");
	for (i = 0; i < m->nevents; i++) {
		ev = model_event(m, i);
		if (strcmp(ev->type, "RedundancyDegraded") == 0)
			degraded++;
	}
	assert_int_equal(degraded, 1);
	model_free(m);
}

/*
 * A partner being turned up (a session in the turnup block) that has
 * never been Established is DOWN as a Warning, said so; once a session
 * has been up, losing them all is the Critical outage again.
 */
static void
test_turnup_not_critical(void **state)
{
	struct model		*m;
	struct partner		*p;
	struct session_report	 r;
	const struct event	*ev;
	size_t			 i;

	(void)state;
	m = build(&cases[0], &p);
	m->turnup_sessions = xcalloc(1, sizeof *m->turnup_sessions);
	m->turnup_sessions[m->nturnup_sessions++] =
	    xstrdup(p->sessions[2]->name);
	for (i = 0; i < p->nsessions; i++)
		p->sessions[i]->state = BGP_UNKNOWN;	/* never reported */
	memset(&r, 0, sizeof r);
	r.state = BGP_ACTIVE;
	r.last_error = "Socket: Connection refused";
	for (i = 0; i < p->nsessions; i++)
		model_session_report(m, p->sessions[i], &cols[0], &r);
	eval_run(m, now_wall_ms());
	assert_int_equal(p->red, RED_DOWN);
	assert_true(p->turnup);
	assert_string_equal(p->reason, "turn-up: no session Established yet");
	assert_int_equal(health_red_level(p), LVL_WARNING);
	assert_int_equal(model_worst(m), LVL_WARNING);
	for (i = 0; i < m->nevents; i++) {
		ev = model_event(m, i);
		if (strcmp(ev->type, "RedundancyDegraded") == 0)
			assert_int_equal(ev->level, LVL_WARNING);
		assert_int_not_equal(ev->level, LVL_CRITICAL);
	}

	/* One session up, then down again: an outage, Critical. */
	r.state = BGP_ESTABLISHED;
	r.last_error = NULL;
	model_session_report(m, p->sessions[2], &cols[0], &r);
	eval_run(m, now_wall_ms());
	assert_false(p->turnup);
	r.state = BGP_IDLE;
	r.last_error = "Hold timer expired";
	model_session_report(m, p->sessions[2], &cols[0], &r);
	eval_run(m, now_wall_ms());
	assert_int_equal(p->red, RED_DOWN);
	assert_false(p->turnup);
	assert_int_equal(health_red_level(p), LVL_CRITICAL);
	assert_int_equal(model_worst(m), LVL_CRITICAL);
	ev = NULL;
	for (i = m->nevents; i-- > 0; ) {
		ev = model_event(m, i);
		if (strcmp(ev->type, "RedundancyDegraded") == 0)
			break;
	}
	assert_non_null(ev);
	assert_string_equal(ev->type, "RedundancyDegraded");
	assert_int_equal(ev->level, LVL_CRITICAL);

	/* Not in the turnup block: Critical from the start. */
	model_free(m);
	m = build(&cases[0], &p);
	r.state = BGP_ACTIVE;
	for (i = 0; i < p->nsessions; i++) {
		p->sessions[i]->state = BGP_UNKNOWN;
		model_session_report(m, p->sessions[i], &cols[0], &r);
	}
	eval_run(m, now_wall_ms());
	assert_false(p->turnup);
	assert_int_equal(model_worst(m), LVL_CRITICAL);
	model_free(m);
}

/* Expect a branch's health: its level and words. */
static void
expect_health(const struct model *m, const struct branch *b, enum level lvl,
    enum health_kind kind, const char *words)
{
	struct health	 h;
	char		 buf[128];

	assert_int_equal(health_branch_level(m, b, &h), lvl);
	assert_int_equal(h.level, lvl);
	assert_int_equal(h.kind, kind);
	assert_string_equal(health_words(&h, buf, sizeof buf), words);
}

/*
 * A branch is as healthy as the worst thing about it: a hijacked prefix
 * (Critical) outranks a redundant partner, a lost link (Error) and a
 * session down the redundancy can spare (Warning); the partner DOWN is
 * Critical too; of equals the first is named (redundancy, prefixes,
 * latency, sessions).
 */
static void
test_branch_level(void **state)
{
	struct model		*m;
	struct partner		*p;
	struct branch		*b, *quiet;
	struct latlink		*l;
	struct health		 h;
	size_t			 i;

	(void)state;
	m = build(&cases[1], &p);	/* redundant, two sessions down */
	m->edges = xcalloc(2, sizeof *m->edges);
	snprintf(m->edges[0].code, sizeof m->edges[0].code, "sea");
	snprintf(m->edges[1].code, sizeof m->edges[1].code, "lax");
	m->nedges = 2;
	m->branches = xcalloc(2, sizeof *m->branches);
	b = m->branches[m->nbranches++] = xcalloc(1, sizeof *b);
	snprintf(b->name, sizeof b->name, "london-office");
	b->partner = p;
	b->routed = b->nearest = 0;
	b->prefixes = xcalloc(2, sizeof *b->prefixes);
	b->nprefixes = 2;
	assert_int_equal(prefix_parse("2.125.160.0/24",
	    &b->prefixes[0].prefix), 0);
	assert_int_equal(prefix_parse("81.2.69.0/24",
	    &b->prefixes[1].prefix), 0);
	quiet = m->branches[m->nbranches++] = xcalloc(1, sizeof *quiet);
	snprintf(quiet->name, sizeof quiet->name, "boxford-lab");
	quiet->routed = quiet->nearest = -1;
	health_update(m);
	assert_int_equal(p->red, RED_REDUNDANT);

	/* Nothing wrong without a partner: OK. */
	expect_health(m, quiet, LVL_INFO, HK_OK, "OK");
	/* Two sessions down while still redundant. */
	expect_health(m, b, LVL_WARNING, HK_SESSION,
	    "2 sessions down sea-p2");

	/* A link losing every probe: Error. */
	b->links = xcalloc(1, sizeof *b->links);
	l = b->links[b->nlinks++] = xcalloc(1, sizeof *l);
	l->branch = b;
	l->edge_idx = 1;
	l->flags = LAT_F_LOSS;
	l->loss_pct = 100;
	expect_health(m, b, LVL_ERROR, HK_LATENCY, "loss 100% lax");
	l->loss_pct = 12;
	expect_health(m, b, LVL_WARNING, HK_LATENCY, "loss 12% lax");

	/* The worst flag of the worst prefix, whatever its order. */
	b->prefixes[0].flags = PFX_PREPEND | PFX_NO8007;
	expect_health(m, b, LVL_WARNING, HK_PREFIX,
	    "no 8075:8007 2.125.160.0/24");
	b->prefixes[0].flags = PFX_NO8007 | PFX_LEAK;
	expect_health(m, b, LVL_ERROR, HK_PREFIX,
	    "route leak 2.125.160.0/24");
	b->prefixes[1].flags = PFX_NOBACKUP | PFX_ORIGIN;
	expect_health(m, b, LVL_CRITICAL, HK_PREFIX, "hijack 81.2.69.0/24");
	b->prefixes[1].flags = PFX_INVISIBLE;
	expect_health(m, b, LVL_CRITICAL, HK_PREFIX,
	    "not carried 81.2.69.0/24");

	/* The whole system: the worst branch. */
	assert_ptr_equal(health_worst(m, &h), b);
	assert_int_equal(h.level, LVL_CRITICAL);
	assert_string_equal(h.subject, "81.2.69.0/24");

	/* Every session down: the partner DOWN, named first of equals. */
	for (i = 0; i < p->nsessions; i++)
		p->sessions[i]->state = BGP_IDLE;
	health_update(m);
	assert_int_equal(p->red, RED_DOWN);
	expect_health(m, b, LVL_CRITICAL, HK_REDUNDANCY, "DOWN: isp 0/5 up");

	/* All well again: OK, and no worst branch. */
	for (i = 0; i < p->nsessions; i++)
		p->sessions[i]->state = BGP_ESTABLISHED;
	health_update(m);
	b->prefixes[0].flags = b->prefixes[1].flags = 0;
	l->flags = 0;
	expect_health(m, b, LVL_INFO, HK_OK, "OK");
	assert_null(health_worst(m, &h));
	assert_int_equal(h.level, LVL_INFO);
	model_free(m);
}

/*
 * A branch's open conditions count in its health at their level: what
 * the state does not say (a flapping session), and the level an event
 * gave what it does (a primary's SessionDown is an Error while the state
 * alone, redundancy sparing it, would say Warning).
 */
static void
test_branch_open(void **state)
{
	struct model		*m;
	struct partner		*p;
	struct branch		*b;
	const char		*name;
	char			 subject[96], words[128];

	(void)state;
	m = build(&cases[0], &p);	/* redundant, all up */
	m->branches = xcalloc(1, sizeof *m->branches);
	b = m->branches[m->nbranches++] = xcalloc(1, sizeof *b);
	snprintf(b->name, sizeof b->name, "london-office");
	b->partner = p;
	b->routed = b->nearest = -1;
	health_update(m);
	expect_health(m, b, LVL_INFO, HK_OK, "OK");

	name = p->sessions[1]->name;
	snprintf(subject, sizeof subject, "session %s", name);
	model_eventf(m, "SessionDown", LVL_ERROR, subject, NULL, "%s down",
	    name);
	snprintf(words, sizeof words, "SessionDown %s", subject);
	expect_health(m, b, LVL_ERROR, HK_OPEN, words);
	model_eventf(m, "SessionUp", LVL_INFO, subject, NULL, "%s up", name);
	expect_health(m, b, LVL_INFO, HK_OK, "OK");

	model_eventf(m, "SessionFlapping", LVL_WARNING, subject, NULL,
	    "%s flapping", name);
	snprintf(words, sizeof words, "SessionFlapping %s", subject);
	expect_health(m, b, LVL_WARNING, HK_OPEN, words);
	/* Another branch's condition is not this one's. */
	model_eventf(m, "SessionFlapping", LVL_WARNING, "session elsewhere",
	    NULL, "elsewhere flapping");
	expect_health(m, b, LVL_WARNING, HK_OPEN, words);
	model_eventf(m, "SessionStable", LVL_INFO, subject, NULL, "%s stable",
	    name);
	expect_health(m, b, LVL_INFO, HK_OK, "OK");
	model_free(m);
}

/*
 * The first verdict began at the newest of the sessions' changes (it is a
 * function of their states), not when peertop started; when one session
 * does not say since when, or after a change, it is now.
 */
static void
test_first_since(void **state)
{
	struct model	*m;
	struct partner	*p;
	int64_t		 before;

	(void)state;
	m = build(&cases[0], &p);
	p->sessions[0]->since_ms = 1764064800000LL;
	p->sessions[1]->since_ms = 1764068400000LL;	/* the newest */
	p->sessions[2]->since_ms = 1764066600000LL;
	health_update(m);
	assert_int_equal(p->red, RED_REDUNDANT);
	assert_int_equal(p->red_since_ms, 1764068400000LL);
	model_free(m);

	m = build(&cases[0], &p);
	p->sessions[0]->since_ms = 1764064800000LL;
	before = now_wall_ms();
	health_update(m);
	assert_true(p->red_since_ms >= before);
	p->sessions[1]->state = BGP_IDLE;
	p->sessions[1]->since_ms = 1764068400000LL;
	before = now_wall_ms();
	health_update(m);
	assert_int_equal(p->red, RED_DEGRADED);
	assert_true(p->red_since_ms >= before);
	model_free(m);
}

/*
 * health_open()'s index of the conditions by name gives every branch
 * what the plain scan of every condition gives (conds_gen 0 takes the
 * scan): conditions about branches, sessions and routers, names shared
 * by several partners, unknown names, empty ones, the same condition
 * reached by two of its names; then again after conditions went and came
 * (a new generation), so that a stale index would show.
 */
static void
expect_same_open(struct model *m)
{
	struct health		 fast, slow;
	const struct branch	*worst;
	uint64_t		 gen = m->conds_gen;
	size_t			 i, n, nsame, open = 0;

	assert_true(gen != 0);
	for (i = 0; i < m->nbranches; i++) {
		m->conds_gen = gen;
		health_branch_level(m, m->branches[i], &fast);
		m->conds_gen = 0;
		health_branch_level(m, m->branches[i], &slow);
		assert_int_equal(fast.level, slow.level);
		assert_int_equal(fast.kind, slow.kind);
		assert_string_equal(fast.what, slow.what);
		assert_string_equal(fast.subject, slow.subject);
		open += fast.kind == HK_OPEN;
	}
	m->conds_gen = gen;
	assert_true(open > 0);		/* the conditions were seen */

	/* The worst and the others not OK at its level, in one pass. */
	worst = health_worst_n(m, &fast, &nsame);
	assert_ptr_equal(worst, health_worst(m, &slow));
	for (i = 0, n = 0; i < m->nbranches; i++)
		if (m->branches[i] != worst && health_branch_level(m,
		    m->branches[i], &slow) == fast.level &&
		    slow.kind != HK_OK)
			n++;
	assert_int_equal(nsame, n);
}

static void
test_open_index(void **state)
{
	struct model		*m = model_new();
	struct partner		*p;
	struct session		*s;
	struct branch		*b;
	struct condition	*c;
	struct health		 h;
	char			 names[8][32];
	size_t			 i, j, k, n;
	unsigned		 seed = 18;

	(void)state;
	m->partners = xcalloc(20, sizeof *m->partners);
	m->sessions = xcalloc(40, sizeof *m->sessions);
	m->branches = xcalloc(41, sizeof *m->branches);
	for (i = 0; i < 20; i++) {
		p = m->partners[m->npartners++] = xcalloc(1, sizeof *p);
		snprintf(p->name, sizeof p->name, "p%zu", i);
		p->sessions = xcalloc(2, sizeof *p->sessions);
		for (j = 0; j < 2; j++) {
			s = xcalloc(1, sizeof *s);
			snprintf(s->name, sizeof s->name, "s%zu", 2 * i + j);
			/* Partners share routers; some sessions have none. */
			if ((i + j) % 7 != 0)
				snprintf(s->router, sizeof s->router, "r%zu",
				    (i + j) % 5);
			s->state = BGP_ESTABLISHED;
			s->role = j == 0 ? P : B;
			s->partner = p;
			p->sessions[p->nsessions++] = s;
			m->sessions[m->nsessions++] = s;
		}
		p->red = RED_REDUNDANT;		/* only conditions count */
		for (j = 0; j < 2; j++) {
			b = m->branches[m->nbranches++] = xcalloc(1, sizeof *b);
			snprintf(b->name, sizeof b->name, "b%zu", 2 * i + j);
			b->partner = p;
			b->routed = b->nearest = -1;
		}
	}
	b = m->branches[m->nbranches++] = xcalloc(1, sizeof *b);
	snprintf(b->name, sizeof b->name, "alone");
	b->routed = b->nearest = -1;

	m->conds = xcalloc(300, sizeof *m->conds);
	for (i = 0; i < 300; i++) {
		c = &m->conds[m->nconds++];
		c->kind = (int)(rand_r(&seed) % condition_nkinds);
		c->level = (enum level)(rand_r(&seed) % 4);
		snprintf(c->subject, sizeof c->subject, "c%zu", i);
		k = (size_t)rand_r(&seed);
		snprintf(names[0], sizeof names[0], "b%zu", k % 45);
		snprintf(names[1], sizeof names[1], "b%zu b%zu", k % 40,
		    k % 40 + 1);
		snprintf(names[2], sizeof names[2], "s%zu", k % 44);
		snprintf(names[3], sizeof names[3], "r%zu", k % 6);
		switch (k % 5) {
		case 0:
			strlcpy_pt(c->branch, k % 3 ? names[0] : names[1],
			    sizeof c->branch);
			break;
		case 1:
			strlcpy_pt(c->session, names[2], sizeof c->session);
			break;
		case 2:
			strlcpy_pt(c->router, names[3], sizeof c->router);
			break;
		case 3:			/* a session and its router */
			strlcpy_pt(c->session, names[2], sizeof c->session);
			strlcpy_pt(c->router, names[3], sizeof c->router);
			strlcpy_pt(c->branch, names[0], sizeof c->branch);
			break;
		default:		/* about nobody */
			break;
		}
		/* Mostly low levels, so that later ones still count. */
		if (i % 50 != 49)
			c->level = (enum level)(rand_r(&seed) % 2);
	}
	condition_changed(m);
	expect_same_open(m);

	/* Some go, the rest move down, new ones come: a new index. */
	for (i = 0; i < 100; i++) {
		k = (size_t)rand_r(&seed) % m->nconds;
		memmove(&m->conds[k], &m->conds[k + 1],
		    (m->nconds - k - 1) * sizeof *m->conds);
		m->nconds--;
	}
	for (i = 0; i < 50; i++) {
		c = &m->conds[m->nconds++];
		memset(c, 0, sizeof *c);
		c->kind = 0;
		c->level = LVL_CRITICAL;
		snprintf(c->subject, sizeof c->subject, "new%zu", i);
		snprintf(c->router, sizeof c->router, "r%zu", i % 6);
	}
	condition_changed(m);
	expect_same_open(m);
	/* Critical conditions on every router: many worst branches. */
	assert_non_null(health_worst_n(m, &h, &n));
	assert_int_equal(h.level, LVL_CRITICAL);
	assert_true(n > 10);
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_reason_truncated),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_transitions_backup_none),
		cmocka_unit_test(test_branch_counts),
		cmocka_unit_test(test_via_session_report),
		cmocka_unit_test(test_turnup_not_critical),
		cmocka_unit_test(test_branch_level),
		cmocka_unit_test(test_branch_open),
		cmocka_unit_test(test_first_since),
		cmocka_unit_test(test_open_index),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
