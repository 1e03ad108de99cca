/* SPDX-License-Identifier: ISC */
/*
 * The evaluation pass (eval.h): latency, then routes, then health, then
 * the sinks; scheduled once per loop turn.
 */
#include <stdlib.h>

#include <event2/event.h>

#include "core/eval.h"
#include "core/health.h"
#include "core/latency-mon.h"
#include "core/routemon.h"
#include "core/util.h"

struct eval {
	struct model	*m;
	struct event	*pass;		/* activated by model_pending() */
	struct event	*tick;		/* EVAL_TICK_MS: PENDING_TIME */
	struct eval_sink *sinks;
};

static void	 eval_schedule(struct eval *);
static void	 eval_pass_cb(evutil_socket_t, short, void *);
static void	 eval_tick_cb(evutil_socket_t, short, void *);
static struct eval *eval_get(struct model *);

/* The model's hook: run the pass at the end of this loop turn. */
static void
eval_schedule(struct eval *e)
{
	if (e->pass != NULL)
		event_active(e->pass, EV_TIMEOUT, 1);
}

static void
eval_pass_cb(evutil_socket_t fd, short what, void *arg)
{
	struct eval	*e = arg;

	(void)fd;
	(void)what;
	eval_run(e->m, now_wall_ms());
}

static void
eval_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct eval	*e = arg;

	(void)fd;
	(void)what;
	model_pending(e->m, PENDING_TIME);
}

/* The coordinator's state, made on first use (sinks come before start). */
static struct eval *
eval_get(struct model *m)
{
	if (m->eval == NULL) {
		m->eval = xcalloc(1, sizeof *m->eval);
		m->eval->m = m;
	}
	return (m->eval);
}

void
eval_start(struct model *m, struct event_base *base)
{
	struct eval	*e = eval_get(m);
	struct timeval	 tv = { EVAL_TICK_MS / 1000,
			    (EVAL_TICK_MS % 1000) * 1000 };

	if (e->pass != NULL)
		return;
	if ((e->pass = event_new(base, -1, 0, eval_pass_cb, e)) == NULL ||
	    (e->tick = event_new(base, -1, EV_PERSIST, eval_tick_cb,
	    e)) == NULL)
		fatalx("eval: cannot create events");
	event_add(e->tick, &tv);
	m->schedule = eval_schedule;
	/* What was reported before the loop runs is judged in its turn. */
	if (m->pending != 0 || m->changed != 0)
		eval_schedule(e);
}

void
eval_stop(struct model *m)
{
	struct eval	*e = m->eval;

	if (e == NULL)
		return;
	m->schedule = NULL;
	if (e->pass != NULL)
		event_free(e->pass);
	if (e->tick != NULL)
		event_free(e->tick);
	free(e);
	m->eval = NULL;
}

void
eval_run(struct model *m, int64_t now_ms)
{
	struct eval_sink	*s;
	unsigned		 what, dirty;

	what = m->pending;
	m->pending = 0;
	m->in_pass = 1;
	if (what & PENDING_LATENCY)
		latency_mon_eval(m);
	/* Session states re-rank best paths; time ages nothing else yet. */
	if (m->routemon != NULL &&
	    (what & (PENDING_ROUTES | PENDING_HEALTH | PENDING_TIME)))
		routemon_eval(m->routemon, now_ms);
	if (what & (PENDING_HEALTH | PENDING_TIME))
		health_update(m);
	m->in_pass = 0;

	if ((dirty = m->changed) == 0)
		return;
	m->changed = 0;
	if (m->on_dirty != NULL)
		m->on_dirty(m->on_dirty_arg);
	for (s = m->eval != NULL ? m->eval->sinks : NULL; s != NULL;
	    s = s->next)
		s->changed(s->arg, m, dirty);
}

void
eval_sink_add(struct model *m, struct eval_sink *s)
{
	struct eval_sink	**pp;

	for (pp = &eval_get(m)->sinks; *pp != NULL; pp = &(*pp)->next)
		;
	s->next = NULL;
	*pp = s;
}

void
eval_sink_remove(struct model *m, struct eval_sink *s)
{
	struct eval_sink	**pp;

	if (m->eval == NULL)
		return;
	for (pp = &m->eval->sinks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			return;
		}
}
