/* SPDX-License-Identifier: ISC */
/*
 * What the views ask of a live history, through the writer's connection:
 * the recent events at start-up, with their acknowledgements, a latency
 * series' span and its buckets for the graphs (raw samples for short
 * spans, minute roll-ups beyond), and the file's figures for the status
 * view.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sqlite3.h>

#include "core/latency-mon.h"
#include "core/store.h"
#include "core/store-private.h"

int64_t
store_last_event_id(struct store *s)
{
	int64_t	 id = 0;

	if (s->db == NULL || store_sql_int(s->db,
	    "SELECT coalesce(max(id), 0) FROM events", &id, NULL) != 0)
		return (0);
	return (id);
}

size_t
store_recent_events(struct store *s, struct event *out, size_t max)
{
	sqlite3_stmt	*st;
	struct event	*e;
	const char	*lv, *txt;
	int64_t		 acks = 0;
	size_t		 n = 0, i;
	int		 rc, l;

	if (s->db == NULL || max == 0)
		return (0);
	/*
	 * The writer's file is always of this schema; a crafted one that
	 * says 5 without the table still shows its events, and one whose
	 * table lost its key still shows each event once (the rowid is
	 * event_id in a sound file: one look-up an event).
	 */
	if (store_sql_int(s->db, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name = 'event_ack'", &acks, NULL) != SQLITE_OK)
		acks = 0;
	rc = sqlite3_prepare_v2(s->db, acks > 0 ?
	    "SELECT e.id, e.time_ms, e.type, e.level, e.subject, e.summary, "
	    "e.details, a.time_ms, a.user, a.comment FROM events e "
	    "LEFT JOIN event_ack a ON a.rowid = (SELECT rowid FROM event_ack "
	    "WHERE event_id = e.id ORDER BY time_ms LIMIT 1) "
	    "ORDER BY e.time_ms DESC, e.id DESC LIMIT ?" :
	    "SELECT id, time_ms, type, level, subject, summary, details, "
	    "NULL, NULL, NULL FROM events "
	    "ORDER BY time_ms DESC, id DESC LIMIT ?", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		log_warnx("%s: reading events: %s", s->path,
		    sqlite3_errmsg(s->db));
		return (0);
	}
	sqlite3_bind_int64(st, 1, max > INT64_MAX ? INT64_MAX : (int64_t)max);

	/* Newest first from SQLite; fill from the end to return oldest first. */
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		e = &out[max - 1 - n];
		memset(e, 0, sizeof *e);
		e->id = sqlite3_column_int64(st, 0);
		e->time_ms = sqlite3_column_int64(st, 1);
		/* The file may have been edited: sanitise what we show. */
		txt = (const char *)sqlite3_column_text(st, 2);
		if (txt != NULL)
			sanitize(e->type, sizeof e->type, txt, strlen(txt));
		e->level = LVL_INFO;
		if ((lv = (const char *)sqlite3_column_text(st, 3)) != NULL) {
			for (l = LVL_INFO; l <= LVL_CRITICAL; l++)
				if (strcmp(lv, level_name(l)) == 0)
					e->level = l;
		}
		txt = (const char *)sqlite3_column_text(st, 4);
		if (txt != NULL)
			sanitize(e->subject, sizeof e->subject, txt,
			    strlen(txt));
		txt = (const char *)sqlite3_column_text(st, 5);
		if (txt != NULL)
			sanitize(e->summary, sizeof e->summary, txt,
			    strlen(txt));
		txt = (const char *)sqlite3_column_text(st, 6);
		if (txt != NULL)
			sanitize(e->details, sizeof e->details, txt,
			    strlen(txt));
		store_sql_ack(st, 7, e);
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		log_warnx("%s: reading events: %s", s->path,
		    sqlite3_errmsg(s->db));
	sqlite3_finalize(st);

	if (n < max) {
		for (i = 0; i < n; i++)
			out[i] = out[max - n + i];
	}
	return (n);
}

/*
 * The parameters of a series query: ?1 branch, ?2 edge, ?3 and ?4 the
 * time span, ?5 the target or NULL for all (the queries say "?5 IS NULL
 * OR target = ?5").
 */
static void
store_bind_series(sqlite3_stmt *st, const char *branch, const char *edge,
    const char *target, int64_t from_ms, int64_t to_ms)
{
	sqlite3_bind_text(st, 1, branch, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, edge, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, from_ms);
	sqlite3_bind_int64(st, 4, to_ms);
	if (target != NULL)
		sqlite3_bind_text(st, 5, target, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
}

/* The bucket of time t when [from, from + span) is cut into n. */
static size_t
store_bucket_of(int64_t t, int64_t from, int64_t span, size_t n)
{
	size_t	 k = (size_t)((t - from) * (int64_t)n / span);

	return (k >= n ? n - 1 : k);
}

/* A bucket query's end: 0, or -1 (logged) when it stopped on an error. */
static int
store_buckets_end(struct store *s, sqlite3_stmt *st, int rc)
{
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_warnx("%s: reading latency: %s", s->path,
		    sqlite3_errmsg(s->db));
		return (-1);
	}
	return (0);
}

int64_t
store_latency_span(struct store *s, const char *branch, const char *edge,
    const char *target, int64_t from_ms, int64_t to_ms,
    struct latency_stats *ls)
{
	sqlite3_stmt	*st;
	double		 n, sum, sumsq, var;
	int64_t		 from;
	int		 rc;

	memset(ls, 0, sizeof *ls);
	ls->last_us = -1;
	if (s->db == NULL || s->version < 2)
		return (-1);
	from = from_ms - (from_ms % 60000 + 60000) % 60000;
	/* "?5 IS NULL OR": one statement for one target or all. */
	rc = sqlite3_prepare_v2(s->db, "SELECT coalesce(sum(sent), 0), "
	    "coalesce(sum(received), 0), min(rtt_min_us), max(rtt_max_us), "
	    "total(rtt_sum_us), total(rtt_sumsq_us2), min(minute_ms), "
	    "max(minute_ms) FROM latency_minute WHERE branch = ?1 AND "
	    "edge = ?2 AND minute_ms >= ?3 AND minute_ms < ?4 AND "
	    "(?5 IS NULL OR target = ?5)", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		log_warnx("%s: reading latency: %s", s->path,
		    sqlite3_errmsg(s->db));
		return (-1);
	}
	store_bind_series(st, branch, edge, target, from, to_ms);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		log_warnx("%s: reading latency: %s", s->path,
		    sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return (-1);
	}
	ls->sent = (uint32_t)sqlite3_column_int64(st, 0);
	ls->received = (uint32_t)sqlite3_column_int64(st, 1);
	if (ls->sent != 0) {
		ls->loss_pct = 100.0 * (double)(ls->sent - ls->received) /
		    (double)ls->sent;
		ls->first_ms = sqlite3_column_int64(st, 6);
		ls->last_ms = sqlite3_column_int64(st, 7);
	}
	if (ls->received != 0) {
		n = ls->received;
		sum = sqlite3_column_double(st, 4);
		sumsq = sqlite3_column_double(st, 5);
		ls->best_us = sqlite3_column_int64(st, 2);
		ls->worst_us = sqlite3_column_int64(st, 3);
		ls->avg_us = sum / n;
		/*
		 * Sample variance from the sums, (S2 - S1^2 / n) / (n - 1);
		 * rounding can take a constant series a hair below 0.
		 */
		if (ls->received > 1) {
			var = (sumsq - sum * sum / n) / (n - 1);
			ls->stdev_us = var > 0 ? sqrt(var) : 0;
		}
	}
	sqlite3_finalize(st);
	return (ls->sent);
}

/* Spans up to this long are drawn from raw samples, exactly. */
#define STORE_BUCKETS_RAW_MAX_MS	(6 * 3600 * 1000)

static int
store_cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

/* Bucket k's median and 10th/90th percentiles from its sorted replies. */
static void
store_bucket_close(struct lat_bucket *bk, int64_t *rtt, size_t n)
{
	if (n == 0)
		return;
	qsort(rtt, n, sizeof *rtt, store_cmp_i64);
	bk->median_us = n % 2 ? (double)rtt[n / 2] :
	    ((double)rtt[n / 2 - 1] + (double)rtt[n / 2]) / 2;
	bk->lo_us = rtt[(n - 1) / 10];
	bk->hi_us = rtt[(n - 1) - (n - 1) / 10];
}

/*
 * One statement for both sources: raw samples (time, rtt or NULL) or
 * roll-ups (minute, sent, received, min, max, sum).  ?5 IS NULL: every
 * target.
 */
static sqlite3_stmt *
store_buckets_query(struct store *s, int raw, const char *branch,
    const char *edge, const char *target, int64_t from_ms, int64_t to_ms)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, raw ?
	    "SELECT time_ms, rtt_us FROM latency_sample WHERE branch = ?1 AND "
	    "edge = ?2 AND time_ms >= ?3 AND time_ms < ?4 AND (?5 IS NULL OR "
	    "target = ?5) ORDER BY time_ms" :
	    "SELECT minute_ms, sent, received, rtt_min_us, rtt_max_us, "
	    "rtt_sum_us FROM latency_minute WHERE branch = ?1 AND edge = ?2 "
	    "AND minute_ms >= ?3 AND minute_ms < ?4 AND (?5 IS NULL OR "
	    "target = ?5) ORDER BY minute_ms", -1, &st, NULL) != SQLITE_OK) {
		log_warnx("%s: reading latency: %s", s->path,
		    sqlite3_errmsg(s->db));
		return (NULL);
	}
	store_bind_series(st, branch, edge, target, from_ms, to_ms);
	return (st);
}

/* Raw samples into buckets; returns the samples read or -1. */
static int64_t
store_buckets_raw(struct store *s, const char *branch, const char *edge,
    const char *target, int64_t from_ms, int64_t to_ms, struct lat_bucket *b,
    size_t n)
{
	sqlite3_stmt	*st;
	int64_t		*rtt = NULL, t, span = to_ms - from_ms, rows = 0;
	size_t		 nrtt = 0, alloc = 0, k, cur = 0;
	int		 rc;

	if ((st = store_buckets_query(s, 1, branch, edge, target, from_ms,
	    to_ms)) == NULL)
		return (-1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = sqlite3_column_int64(st, 0);
		k = store_bucket_of(t, from_ms, span, n);
		if (k != cur) {		/* rows come in time order */
			store_bucket_close(&b[cur], rtt, nrtt);
			nrtt = 0;
			cur = k;
		}
		rows++;
		b[k].sent++;
		b[k].exact = 1;
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		b[k].received++;
		if (nrtt == alloc) {
			alloc = alloc ? alloc * 2 : 256;
			rtt = xreallocarray(rtt, alloc, sizeof *rtt);
		}
		rtt[nrtt++] = sqlite3_column_int64(st, 1);
	}
	store_bucket_close(&b[cur], rtt, nrtt);
	free(rtt);
	return (store_buckets_end(s, st, rc) == -1 ? -1 : rows);
}

/* Per-minute roll-ups into buckets: mean, minimum and maximum. */
static int
store_buckets_minutes(struct store *s, const char *branch, const char *edge,
    const char *target, int64_t from_ms, int64_t to_ms, struct lat_bucket *b,
    size_t n)
{
	sqlite3_stmt	*st;
	double		*sum;
	int64_t		 t, span = to_ms - from_ms, lo, hi;
	uint32_t	 recv;
	size_t		 k;
	int		 rc;

	if ((st = store_buckets_query(s, 0, branch, edge, target, from_ms,
	    to_ms)) == NULL)
		return (-1);
	sum = xcalloc(n, sizeof *sum);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = sqlite3_column_int64(st, 0);
		k = store_bucket_of(t, from_ms, span, n);
		recv = (uint32_t)sqlite3_column_int64(st, 2);
		b[k].sent += (uint32_t)sqlite3_column_int64(st, 1);
		if (recv == 0)
			continue;
		lo = sqlite3_column_int64(st, 3);
		hi = sqlite3_column_int64(st, 4);
		if (b[k].received == 0 || lo < b[k].lo_us)
			b[k].lo_us = lo;
		if (b[k].received == 0 || hi > b[k].hi_us)
			b[k].hi_us = hi;
		b[k].received += recv;
		sum[k] += sqlite3_column_double(st, 5);
	}
	for (k = 0; k < n; k++)
		if (b[k].received > 0)
			b[k].median_us = sum[k] / b[k].received;
	free(sum);
	return (store_buckets_end(s, st, rc));
}

int
store_latency_buckets(struct store *s, const char *branch, const char *edge,
    const char *target, int64_t from_ms, int64_t to_ms, struct lat_bucket *b,
    size_t n)
{
	int64_t	 rows = 0;
	size_t	 k;

	if (s->db == NULL || s->version < 2 || n == 0 || to_ms <= from_ms)
		return (-1);
	for (k = 0; k < n; k++) {
		memset(&b[k], 0, sizeof b[k]);
		b[k].from_ms = from_ms + (int64_t)((to_ms - from_ms) *
		    (double)k / (double)n);
	}
	/* Raw when the span is short enough, unless retention pruned it. */
	if (to_ms - from_ms <= STORE_BUCKETS_RAW_MAX_MS &&
	    (rows = store_buckets_raw(s, branch, edge, target, from_ms, to_ms,
	    b, n)) == -1)
		return (-1);
	if (rows > 0)
		return ((int)n);
	for (k = 0; k < n; k++) {
		b[k].sent = b[k].received = 0;
		b[k].exact = 0;
	}
	if (store_buckets_minutes(s, branch, edge, target, from_ms, to_ms, b,
	    n) == -1)
		return (-1);
	return ((int)n);
}

void
store_writer_stats(const struct store *s, struct store_writer *w)
{
	w->queued = s->nqueue + s->nlat;
	w->written = s->written;
	w->flush_ms = s->flush_ms;
	w->failing = s->failure != NULL;
}

int
store_stats(struct store *s, struct store_stats *st)
{
	static const struct {
		const char	*sql;
		size_t		 off;
	} counts[] = {
		{ "SELECT count(*) FROM session_state",
		  offsetof(struct store_stats, session_rows) },
		{ "SELECT count(*) FROM redundancy_state",
		  offsetof(struct store_stats, redundancy_rows) },
		{ "SELECT count(*) FROM events",
		  offsetof(struct store_stats, event_rows) },
		{ "SELECT count(*) FROM latency_sample",
		  offsetof(struct store_stats, latency_rows) },
		{ "SELECT count(*) FROM latency_minute",
		  offsetof(struct store_stats, latency_minute_rows) },
		{ "SELECT count(*) FROM latency_hour",
		  offsetof(struct store_stats, latency_hour_rows) },
		{ "SELECT count(*) FROM prefix_state",
		  offsetof(struct store_stats, prefix_rows) },
		{ "SELECT count(*) FROM branch_route",
		  offsetof(struct store_stats, route_rows) },
		{ "SELECT count(*) FROM run",
		  offsetof(struct store_stats, run_rows) },
		{ "SELECT count(*) FROM event_ack",
		  offsetof(struct store_stats, ack_rows) },
	};
	int64_t	 v;
	size_t	 i;
	int	 rc;

	memset(st, 0, sizeof *st);
	st->readonly = s->readonly;
	st->queued = s->nqueue + s->nlat;
	st->dropped = s->dropped;
	st->written = s->written;
	if ((rc = store_sql_int(s->db, "PRAGMA user_version", &v,
	    NULL)) != SQLITE_OK)
		return (-1);
	st->schema_version = v;
	if (store_sql_int(s->db, "PRAGMA application_id", &v,
	    NULL) != SQLITE_OK)
		return (-1);
	st->application_id = (uint32_t)v;
	st->wal = store_sql_int(s->db, "SELECT 1 FROM pragma_journal_mode "
	    "WHERE journal_mode = 'wal'", &v, NULL) == SQLITE_OK;
	for (i = 0; i < nitems(counts); i++) {
		if (store_sql_int(s->db, counts[i].sql, &v, NULL) != SQLITE_OK)
			return (-1);
		*(int64_t *)((char *)st + counts[i].off) = v;
	}
	return (0);
}
