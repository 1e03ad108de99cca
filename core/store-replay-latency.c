/* SPDX-License-Identifier: ISC */
/*
 * A replay's latency links at a time t (split from store-replay.c): the
 * raw samples of the live window where the file still has them, else
 * each series' minute or hour roll-ups spread back into the samples
 * they counted.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/eval.h"
#include "core/latency-mon.h"
#include "core/replay.h"
#include "core/store-private.h"
#include "core/store-replay-private.h"
#include "core/store.h"

struct replay_rollup {
	int64_t		 from_ms;	/* the minute or hour */
	int64_t		 len_ms;
	int64_t		 sent, received, sum_us;
};

static int	 replay_rollups(struct replay *, struct model *, int64_t,
		    int64_t, int64_t, size_t *);
static int	 replay_series_rollup(struct replay *, struct model *,
		    const char *, const char *, const char *, int64_t,
		    int64_t, int64_t);
static void	 replay_spread(struct model *, struct branch *, int,
		    const char *, const struct replay_rollup *, int64_t,
		    int64_t);

/*
 * A roll-up row as the samples it counted, evenly spaced over its minute
 * or hour: its replies at its mean, its losses spread among them.  Only
 * the samples in (from, to] are added.
 */
static void
replay_spread(struct model *m, struct branch *b, int edge, const char *target,
    const struct replay_rollup *ru, int64_t from, int64_t to)
{
	int64_t	 k, at, lost = ru->sent - ru->received, mean;

	if (ru->sent <= 0)
		return;
	mean = ru->received > 0 ? ru->sum_us / ru->received : 0;
	for (k = 0; k < ru->sent; k++) {
		at = ru->from_ms + (2 * k + 1) * ru->len_ms / (2 * ru->sent);
		if (at <= from || at > to)
			continue;
		/* Sample k is a loss when the running share of them steps. */
		if ((k + 1) * lost / ru->sent > k * lost / ru->sent)
			latency_mon_sample(m, b, edge, target, LAT_PROBE, at,
			    -1);
		else
			latency_mon_sample(m, b, edge, target, LAT_PROBE, at,
			    mean);
	}
}

/*
 * One series' roll-ups for the part of (from, to] before cut (where its
 * raw samples were pruned): minutes, and hours before its oldest minute.
 */
static int
replay_series_rollup(struct replay *r, struct model *m, const char *bname,
    const char *ename, const char *target, int64_t from, int64_t to,
    int64_t cut)
{
	struct replay_rollup	 ru;
	struct branch		*b;
	sqlite3_stmt		*st;
	int64_t			 oldest = INT64_MAX, lim = INT64_MAX, end;
	int			 edge, pass, rc;

	if ((b = model_branch_find(m, bname)) == NULL ||
	    (edge = model_edge_find(m, ename)) < 0)
		return (1);
	if ((st = replay_stmt(r, RS_MINUTE_OLDEST)) != NULL) {
		sqlite3_bind_text(st, 1, bname, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ename, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, target, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			oldest = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	/* Hours first (older), then minutes: the ring takes them in order. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 0) {
			if (from >= oldest ||
			    (st = replay_stmt(r, RS_HOUR_ROWS)) == NULL)
				continue;
			ru.len_ms = REPLAY_HOUR_MS;
			/* The hour holding lim spreads only up to it. */
			lim = oldest < cut ? oldest : cut;
			end = lim;
		} else {
			if ((st = replay_stmt(r, RS_MINUTE_ROWS)) == NULL)
				continue;
			ru.len_ms = REPLAY_MINUTE_MS;
			end = cut;
		}
		/*
		 * Rows after to are not read (one bound: SQLite stops its
		 * range at the lower of two only when it is the one given).
		 */
		if (to < end)
			end = to + 1;
		sqlite3_bind_int64(st, 5, end);
		sqlite3_bind_text(st, 1, bname, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ename, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, target, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, from - ru.len_ms);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			ru.from_ms = sqlite3_column_int64(st, 0);
			if (ru.from_ms > to)
				break;
			ru.sent = sqlite3_column_int64(st, 1);
			ru.received = sqlite3_column_int64(st, 2);
			ru.sum_us = sqlite3_column_int64(st, 3);
			replay_spread(m, b, edge, target, &ru, from,
			    pass == 0 && lim - 1 < to ? lim - 1 : to);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return (-1);
	}
	return (0);
}

/*
 * The roll-ups' series, stepped through the primary key, each read for
 * the part of the window before cut.  Hour-only series (their minutes
 * all pruned) are found in latency_hour.
 */
static int
replay_rollups(struct replay *r, struct model *m, int64_t from, int64_t to,
    int64_t cut, size_t *unknown)
{
	enum replay_stmt	 which[2] = {
		RS_MINUTE_SERIES, RS_HOUR_SERIES
	};
	sqlite3_stmt		*st, *min;
	sqlite3_value		*key[3] = { NULL, NULL, NULL };
	char			 b[NAME_MAX_PT], e[NAME_MAX_PT];
	char			 tg[NAME_MAX_PT];
	size_t			 i;
	int			 rc, inmin;

	for (i = 0; i < nitems(which); i++) {
		while ((st = replay_stmt(r, which[i])) != NULL) {
			if ((rc = replay_series_next(st, key, b, e, tg)) == 0)
				break;
			if (rc == -1) {
				replay_key_free(key, 3);
				return (-1);
			}
			if (i == 1 && (min = replay_stmt(r,
			    RS_MINUTE_OLDEST)) != NULL) {
				/* Done with the minutes already. */
				sqlite3_bind_value(min, 1, key[0]);
				sqlite3_bind_value(min, 2, key[1]);
				sqlite3_bind_value(min, 3, key[2]);
				inmin = sqlite3_step(min) == SQLITE_ROW &&
				    sqlite3_column_type(min, 0) != SQLITE_NULL;
				sqlite3_reset(min);
				if (inmin)
					continue;
			}
			if ((rc = replay_series_rollup(r, m, b, e, tg, from, to,
			    cut)) == -1) {
				replay_key_free(key, 3);
				return (-1);
			}
			if (rc == 1 && unknown != NULL)
				(*unknown)++;
		}
		replay_key_free(key, 3);
	}
	return (0);
}

/* A source column back to the enum; an agent's name is an agent. */
static enum lat_source
replay_source(const char *name)
{
	if (strcmp(name, "prom") == 0)
		return (LAT_PROM);
	if (strcmp(name, "probe") == 0 || *name == '\0')
		return (LAT_PROBE);
	return (LAT_AGENT);
}

/*
 * The latency links as of t: the samples in (t - window, t], in time
 * order per link.  Raw samples are kept from the oldest one on (pruned
 * in whole minutes); the window's part before it comes from the roll-ups.
 */
int
replay_latency(struct replay *r, struct model *m, int64_t t, size_t *unknown)
{
	sqlite3_stmt	*st;
	struct branch	*b = NULL;
	char		 bname[NAME_MAX_PT] = "", ename[NAME_MAX_PT] = "";
	const char	*cb, *ce;
	int64_t		 from, cut = INT64_MAX;
	int		 edge = -1, rc, bad = 0;

	from = t - latency_mon_window_ms(m);
	model_latency_clear(m);
	if ((st = replay_stmt(r, RS_RAW_OLDEST)) != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			cut = sqlite3_column_int64(st, 0) -
			    sqlite3_column_int64(st, 0) % REPLAY_MINUTE_MS;
		sqlite3_reset(st);
	}
	if (from < cut && (r->tables & (RT_MINUTE | RT_HOUR)) != 0 &&
	    replay_rollups(r, m, from, t, cut, unknown) != 0)
		goto fail;

	if ((st = replay_stmt(r, RS_RAW)) != NULL) {
		sqlite3_bind_int64(st, 1, from);
		sqlite3_bind_int64(st, 2, t);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			cb = replay_text(st, 0);
			ce = replay_text(st, 1);
			/* Rows come by series: look names up once each. */
			if (strcmp(cb, bname) != 0 || strcmp(ce, ename) != 0) {
				strlcpy_pt(bname, cb, sizeof bname);
				strlcpy_pt(ename, ce, sizeof ename);
				b = model_branch_find(m, bname);
				edge = model_edge_find(m, ename);
				bad = b == NULL || edge < 0;
				if (bad && unknown != NULL)
					(*unknown)++;
			}
			if (bad)
				continue;
			latency_mon_sample(m, b, edge, replay_text(st, 2),
			    replay_source(replay_text(st, 3)),
			    sqlite3_column_int64(st, 4),
			    sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 :
			    sqlite3_column_int64(st, 5));
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			goto fail;
	}
	/* Judged by the same pass as live, before the recorded events. */
	eval_run(m, t);
	return (0);

fail:
	return (-1);
}
