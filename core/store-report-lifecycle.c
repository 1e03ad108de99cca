/* SPDX-License-Identifier: ISC */
/*
 * The report's problems (report.h): the Error and Critical problems
 * opened in the window, each followed through the history's events the
 * way the live model follows it.  The pairs are condition.c's, run on a
 * scratch model that holds nothing but its conditions: a problem raised
 * again goes on (at its worst level), its restoration resolves it, and
 * the start of a recording run ends what the run before left open (as
 * the dashboard does at start-up and a replay at a run's start).  Each
 * problem takes the first acknowledgement (event_ack, schema 5) made at
 * its worst level.  store-report.c calls this in its read transaction.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/condition.h"
#include "core/model.h"
#include "core/replay.h"
#include "core/report.h"
#include "core/store-private.h"
#include "core/store-replay-private.h"

enum store_report_lc_state { LC_OPEN, LC_RESOLVED, LC_ENDED };

/* A problem opened in the window. */
struct store_report_lc_problem {
	int64_t		 opener;	/* its opener now (a re-raise's id) */
	int64_t		 first_ms;	/* opened */
	int64_t		 reached_ms;	/* raised to its worst level */
	int64_t		 ack_ms;	/* acknowledged at that level; 0 not */
	int64_t		 closed_ms;	/* resolved */
	enum level	 level;		/* its worst */
	enum store_report_lc_state state;
};

/* The walk through the events. */
struct store_report_lc {
	struct report			*r;
	struct model			*m;	/* scratch: conditions only */
	struct store_report_lc_problem	*p;
	size_t				 np;
	size_t				*open;	/* those open, by index */
	size_t				 nopen;
	int64_t				*starts; /* runs' starts, in order */
	size_t				 nstarts, next;
};

static int	store_report_lc_starts(struct store_report_lc *, int64_t *);
static void	store_report_lc_end(struct store_report_lc *, int64_t);
static struct store_report_lc_problem *store_report_lc_find(
		    struct store_report_lc *, int64_t, int);
static void	store_report_lc_event(struct store_report_lc *,
		    struct event *);
static int	store_report_lc_cmp(const void *, const void *);
static void	store_report_lc_spread(int64_t *, size_t, int64_t *,
		    int64_t *);
static void	store_report_lc_figures(struct store_report_lc *);

/*
 * Where to start reading: the start of the recording run that since
 * falls in (before it, every condition was ended), 0 without runs; and
 * the later runs' starts before until, which end the conditions open
 * then.  An SQLite code.
 */
static int
store_report_lc_starts(struct store_report_lc *lc, int64_t *from)
{
	struct report	*r = lc->r;
	sqlite3_stmt	*st;
	int64_t		 t;
	int		 rc;

	*from = 0;
	if (!(r->tables & REPORT_T_RUN))
		return (SQLITE_OK);
	if ((rc = sqlite3_prepare_v2(r->db, "SELECT start_ms FROM run WHERE "
	    "start_ms BETWEEN 0 AND ?1 ORDER BY start_ms", -1, &st,
	    NULL)) != SQLITE_OK)
		return (rc);
	sqlite3_bind_int64(st, 1, r->until_ms - 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = sqlite3_column_int64(st, 0);
		if (t <= r->since_ms) {
			*from = t;
			continue;
		}
		lc->starts = xreallocarray(lc->starts, lc->nstarts + 1,
		    sizeof *lc->starts);
		lc->starts[lc->nstarts++] = t;
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE ? SQLITE_OK : rc);
}

/* Every run that starts at or before t ends what is open. */
static void
store_report_lc_end(struct store_report_lc *lc, int64_t t)
{
	size_t	 i;

	if (lc->next >= lc->nstarts || lc->starts[lc->next] > t)
		return;
	while (lc->next < lc->nstarts && lc->starts[lc->next] <= t)
		lc->next++;
	for (i = 0; i < lc->nopen; i++)
		lc->p[lc->open[i]].state = LC_ENDED;
	lc->nopen = 0;
	condition_clear(lc->m);
}

/*
 * The open problem whose opener is id, taken off the open ones when
 * close; NULL for one opened before the window.  Few are open at once:
 * a plain array, as condition.c's.
 */
static struct store_report_lc_problem *
store_report_lc_find(struct store_report_lc *lc, int64_t id, int close)
{
	struct store_report_lc_problem	*p;
	size_t				 i;

	for (i = 0; i < lc->nopen; i++) {
		p = &lc->p[lc->open[i]];
		if (p->opener != id)
			continue;
		if (close)
			lc->open[i] = lc->open[--lc->nopen];
		return (p);
	}
	return (NULL);
}

/*
 * One event, in time order.  A problem raised again at a worse level is
 * acknowledged no longer (as condition.c has it): it waits for an
 * acknowledgement at that level, and its time to acknowledge counts from
 * there.
 */
static void
store_report_lc_event(struct store_report_lc *lc, struct event *ev)
{
	struct store_report_lc_problem	*p = NULL;
	int64_t				 was;

	store_report_lc_end(lc, ev->time_ms);
	condition_event(lc->m, ev);
	if (ev->cond == EVC_NONE)
		return;
	if (ev->resolves != 0 && (p = store_report_lc_find(lc, ev->resolves,
	    ev->cond == EVC_CLOSES)) == NULL)
		return;
	if (ev->cond == EVC_CLOSES) {
		if (p != NULL) {
			p->state = LC_RESOLVED;
			p->closed_ms = ev->time_ms;
		}
		return;
	}
	if (p == NULL) {
		if (ev->time_ms < lc->r->since_ms)
			return;
		lc->p = xreallocarray(lc->p, lc->np + 1, sizeof *lc->p);
		lc->open = xreallocarray(lc->open, lc->nopen + 1,
		    sizeof *lc->open);
		lc->open[lc->nopen++] = lc->np;
		p = &lc->p[lc->np++];
		memset(p, 0, sizeof *p);
		p->first_ms = p->reached_ms = ev->time_ms;
		p->level = ev->level;
		p->state = LC_OPEN;
	} else if (ev->level > p->level) {
		p->level = ev->level;
		p->reached_ms = ev->time_ms;
		p->ack_ms = 0;
	}
	p->opener = ev->id;
	was = p->ack_ms;
	if (ev->ack_ms >= p->reached_ms && (was == 0 || ev->ack_ms < was))
		p->ack_ms = ev->ack_ms;
}

static int
store_report_lc_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

/* The median (the mean of the middle two of an even count) and maximum. */
static void
store_report_lc_spread(int64_t *ms, size_t n, int64_t *median, int64_t *max)
{
	if (n == 0) {
		*median = *max = -1;
		return;
	}
	qsort(ms, n, sizeof *ms, store_report_lc_cmp);
	*median = n % 2 ? ms[n / 2] : ms[n / 2 - 1] + (ms[n / 2] - ms[n / 2 -
	    1]) / 2;
	*max = ms[n - 1];
}

/* Each level's counts and times from the problems followed. */
static void
store_report_lc_figures(struct store_report_lc *lc)
{
	struct report_problems			*f;
	const struct store_report_lc_problem	*p;
	int64_t					*ack, *res;
	size_t					 l, i, nack, nres;

	ack = xcalloc(lc->np + 1, sizeof *ack);
	res = xcalloc(lc->np + 1, sizeof *res);
	for (l = 0; l < REPORT_NPROBLEM_LEVELS; l++) {
		f = &lc->r->problems[l];
		nack = nres = 0;
		for (i = 0; i < lc->np; i++) {
			p = &lc->p[i];
			if (p->level != (enum level)(LVL_ERROR + l))
				continue;
			f->opened++;
			if (p->ack_ms != 0)
				ack[nack++] = p->ack_ms - p->reached_ms;
			if (p->state == LC_RESOLVED)
				res[nres++] = p->closed_ms - p->first_ms;
			else if (p->state == LC_OPEN)
				f->open++;
			else
				f->ended++;
		}
		f->acked = (int64_t)nack;
		f->resolved = (int64_t)nres;
		store_report_lc_spread(ack, nack, &f->ack_median_ms,
		    &f->ack_max_ms);
		store_report_lc_spread(res, nres, &f->resolve_median_ms,
		    &f->resolve_max_ms);
	}
	free(ack);
	free(res);
}

/*
 * The events from the start of since's run to until, each with its
 * first acknowledgement made before until (schema 5; none before; one
 * even where a crafted table lost its key), through the pairs.  The names are compared as stored, as the model compares
 * them; an unknown level reads as Information (never a problem counted).
 * 0, or -1 and *cause.
 */
int
store_report_lifecycle(struct report *r, char **cause)
{
	struct store_report_lc	 lc;
	struct event		 ev;
	sqlite3_stmt		*st = NULL;
	const char		*lv;
	int64_t			 from;
	int			 rc, l;

	memset(&lc, 0, sizeof lc);
	lc.r = r;
	lc.m = xcalloc(1, sizeof *lc.m);
	if ((rc = store_report_lc_starts(&lc, &from)) == SQLITE_OK)
		rc = sqlite3_prepare_v2(r->db, (r->tables & REPORT_T_ACK) ?
		    "SELECT e.id, e.time_ms, e.type, e.level, e.subject, "
		    "a.time_ms, a.user, a.comment FROM events e LEFT JOIN "
		    "event_ack a ON a.rowid = (SELECT rowid FROM event_ack "
		    "WHERE event_id = e.id AND time_ms < ?2 ORDER BY time_ms "
		    "LIMIT 1) WHERE e.time_ms >= ?1 AND e.time_ms < ?2 "
		    "ORDER BY e.time_ms, e.id" :
		    "SELECT id, time_ms, type, level, subject, NULL, NULL, "
		    "NULL FROM events WHERE time_ms >= ?1 AND time_ms < ?2 "
		    "ORDER BY time_ms, id", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, from);
		sqlite3_bind_int64(st, 2, r->until_ms);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		memset(&ev, 0, sizeof ev);
		ev.id = sqlite3_column_int64(st, 0);
		ev.time_ms = sqlite3_column_int64(st, 1);
		strlcpy_pt(ev.type, replay_text(st, 2),
		    sizeof ev.type);
		lv = replay_text(st, 3);
		for (ev.level = LVL_INFO, l = LVL_INFO; l <= LVL_CRITICAL; l++)
			if (strcmp(lv, level_name(l)) == 0)
				ev.level = l;
		strlcpy_pt(ev.subject, replay_text(st, 4),
		    sizeof ev.subject);
		store_sql_ack(st, 5, &ev);
		store_report_lc_event(&lc, &ev);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		store_report_lc_end(&lc, r->until_ms - 1);
		store_report_lc_figures(&lc);
	} else
		*cause = store_sql_error(r->db, r->path, rc, "reading events",
		    STORE_SQL_READER);
	condition_clear(lc.m);
	free(lc.m);
	free(lc.p);
	free(lc.open);
	free(lc.starts);
	return (rc == SQLITE_DONE ? 0 : -1);
}
