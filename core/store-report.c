/*
 * The reader behind report.h: "peertop report" opens a history through a
 * read-only connection of its own (not the store's queue, timer or
 * migrations) and reads a window of it in one read transaction.  It is the
 * second file allowed to include sqlite3.h (tests/check-layers.sh): it
 * speaks SQL to the same schema store.c writes, described in
 * man/schema.mdoc, and it reads every version up to REPORT_SCHEMA_MAX.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "report.h"
#include "store.h"
#include "store-private.h"

#define STORE_REPORT_MINUTE_MS	60000

static int	store_report_check_file(const char *, char **);
static int	store_report_int(struct report *, const char *, int64_t *,
		    int64_t *);
static char	*store_report_dberr(struct report *, const char *);
static int	store_report_tracks(struct report *, const char *,
		    const char *, struct report_track **, size_t *, char **);
static int	store_report_latency(struct report *, char **);
static int	store_report_latency_one(struct report *, sqlite3_stmt *,
		    sqlite3_stmt *, struct report_lat *);
static int	store_report_events(struct report *, char **);

static uint32_t
store_report_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/*
 * What SQLite would say less clearly: a missing, empty or foreign file, or
 * one shorter than its header says.  The in-header page count is only
 * trusted when valid (the change counter matches version-valid-for) and
 * no -wal file holds pages beyond it.
 */
static int
store_report_check_file(const char *path, char **cause)
{
	unsigned char	 hdr[100];
	struct stat	 sb;
	char		*wal;
	uint32_t	 pagesz, pages;
	ssize_t		 n;
	int		 fd, haswal;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	n = read(fd, hdr, sizeof hdr);
	close(fd);
	if (S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: a directory, not a peertop history",
		    path);
		return (-1);
	}
	if (sb.st_size == 0) {
		xasprintf(cause, "%s: empty file, not a peertop history", path);
		return (-1);
	}
	if (n < 16 || memcmp(hdr, "SQLite format 3", 16) != 0) {
		xasprintf(cause, "%s: not an SQLite database", path);
		return (-1);
	}
	pagesz = (uint32_t)hdr[16] << 8 | hdr[17];
	if (pagesz == 1)
		pagesz = 65536;
	if (n < (ssize_t)sizeof hdr || pagesz < 512 ||
	    sb.st_size % pagesz != 0) {
		xasprintf(cause, "%s: damaged SQLite database (truncated: "
		    "%lld bytes)", path, (long long)sb.st_size);
		return (-1);
	}
	pages = store_report_be32(hdr + 28);
	xasprintf(&wal, "%s-wal", path);
	haswal = access(wal, F_OK) == 0;
	free(wal);
	if (!haswal && pages != 0 &&
	    store_report_be32(hdr + 24) == store_report_be32(hdr + 92) &&
	    (int64_t)sb.st_size < (int64_t)pages * pagesz) {
		xasprintf(cause, "%s: damaged SQLite database (truncated: "
		    "%lld of %lld bytes)", path, (long long)sb.st_size,
		    (long long)pages * pagesz);
		return (-1);
	}
	return (0);
}

static char *
store_report_dberr(struct report *r, const char *what)
{
	char	*cause;

	xasprintf(&cause, "%s: %s: %s", r->path, what, sqlite3_errmsg(r->db));
	return (cause);
}

/*
 * One or two integers from a query's row (b may be NULL), NULL read as
 * -1 (min() over an empty table).  0, or -1 on error.
 */
static int
store_report_int(struct report *r, const char *sql, int64_t *a, int64_t *b)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*a = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 0);
		if (b != NULL)
			*b = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 :
			    sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW ? 0 : -1);
}

struct report *
store_report_open(const char *path, char **cause)
{
	struct report	*r;
	int64_t		 appid, version, ntables;
	const char	*span;
	char		*sql;
	int		 rc;

	*cause = NULL;
	if (store_report_check_file(path, cause) != 0)
		return (NULL);
	r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		*cause = store_report_dberr(r, "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(r->db, 2000);
	sqlite3_exec(r->db, "PRAGMA query_only = ON", NULL, NULL, NULL);
	if (store_report_int(r, "PRAGMA application_id", &appid, NULL) != 0 ||
	    store_report_int(r, "PRAGMA user_version", &version, NULL) != 0 ||
	    store_report_int(r, "SELECT count(*) FROM sqlite_master",
	    &ntables, NULL) != 0) {
		*cause = store_report_dberr(r, "damaged SQLite database");
		goto fail;
	}
	if (appid != 0 && appid != STORE_APPLICATION_ID) {
		xasprintf(cause, "%s: an SQLite database of another program "
		    "(application_id 0x%08llx), not a peertop history", path,
		    (unsigned long long)(uint32_t)appid);
		goto fail;
	}
	if (version > REPORT_SCHEMA_MAX) {
		xasprintf(cause, "%s: schema version %lld is newer than this "
		    "peertop (%d); use a newer peertop", path,
		    (long long)version, REPORT_SCHEMA_MAX);
		goto fail;
	}
	if (version < 1 || ntables == 0) {
		xasprintf(cause, "%s: not a peertop history (schema version "
		    "%lld)", path, (long long)version);
		goto fail;
	}
	r->version = (int)version;

	/* The span of the file: every time column, a minute to its end. */
	span = r->version >= 2 ?
	    " UNION ALL SELECT min(time_ms), max(time_ms) FROM latency_sample"
	    " UNION ALL SELECT min(minute_ms), max(minute_ms) + 60000"
	    "  FROM latency_minute" : "";
	xasprintf(&sql, "SELECT min(a), max(b) FROM ("
	    "SELECT min(time_ms) a, max(time_ms) b FROM session_state"
	    " UNION ALL SELECT min(time_ms), max(time_ms) FROM redundancy_state"
	    " UNION ALL SELECT min(time_ms), max(time_ms) FROM events%s)",
	    span);
	rc = store_report_int(r, sql, &r->oldest_ms, &r->newest_ms);
	free(sql);
	if (rc != 0) {
		*cause = store_report_dberr(r, "damaged SQLite database");
		goto fail;
	}
	return (r);

fail:
	store_report_free(r);
	return (NULL);
}

void
store_report_free(struct report *r)
{
	if (r == NULL)
		return;
	report_clear(r);
	if (r->db != NULL)
		sqlite3_close(r->db);
	free(r->path);
	free(r);
}

/*
 * Time in each state and flaps for every name in a transition table:
 * sql selects (name, time_ms, old_state, state) before until, ordered by
 * name and time.  Rows at or before since only set the state at since;
 * a flap leaves up (the previous state as followed, or the row's
 * old_state while none is known) inside the window.
 */
static int
store_report_tracks(struct report *r, const char *sql, const char *up,
    struct report_track **out, size_t *nout, char **cause)
{
	struct report_track	*t = NULL, *cur = NULL;
	sqlite3_stmt		*st;
	const char		*name, *old, *state;
	char			*now = NULL;
	int64_t			 tm, at = 0;
	size_t			 n = 0;
	int			 rc;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		*cause = store_report_dberr(r, "reading transitions");
		return (-1);
	}
	sqlite3_bind_int64(st, 1, r->until_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		tm = sqlite3_column_int64(st, 1);
		old = (const char *)sqlite3_column_text(st, 2);
		state = (const char *)sqlite3_column_text(st, 3);
		if (name == NULL || state == NULL)
			continue;
		if (cur == NULL || strcmp(cur->name, name) != 0) {
			if (cur != NULL)
				report_track_add(cur, now, r->until_ms - at);
			t = xreallocarray(t, n + 1, sizeof *t);
			cur = &t[n++];
			memset(cur, 0, sizeof *cur);
			cur->name = xstrdup(name);
			free(now);
			now = NULL;
			at = r->since_ms;
		}
		if (now != NULL)
			old = now;
		if (tm >= r->since_ms && old != NULL &&
		    strcmp(old, up) == 0 && strcmp(state, up) != 0)
			cur->flaps++;
		if (tm > r->since_ms) {
			report_track_add(cur, now, tm - at);
			at = tm;
		}
		free(now);
		now = xstrdup(state);
	}
	if (cur != NULL)
		report_track_add(cur, now, r->until_ms - at);
	free(now);
	sqlite3_finalize(st);
	*out = t;
	*nout = n;
	if (rc != SQLITE_DONE) {
		*cause = store_report_dberr(r, "reading transitions");
		return (-1);
	}
	return (0);
}

/* The start of the minute holding ms (roll-ups are keyed by it). */
static int64_t
store_report_minute(int64_t ms)
{
	return (ms - (ms % STORE_REPORT_MINUTE_MS + STORE_REPORT_MINUTE_MS) %
	    STORE_REPORT_MINUTE_MS);
}

/* One series: raw samples when the window has any, else the roll-ups. */
static int
store_report_latency_one(struct report *r, sqlite3_stmt *raw, sqlite3_stmt *min,
    struct report_lat *l)
{
	struct latency_series	*ls;
	struct latency_stats	 ls_st;
	int64_t			*tv = NULL, *rv = NULL;
	size_t			 n = 0, cap = 0, i;
	int			 rc;

	sqlite3_reset(raw);
	sqlite3_bind_text(raw, 1, l->branch, -1, SQLITE_STATIC);
	sqlite3_bind_text(raw, 2, l->edge, -1, SQLITE_STATIC);
	sqlite3_bind_text(raw, 3, l->target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(raw, 4, r->since_ms);
	sqlite3_bind_int64(raw, 5, r->until_ms);
	while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
		if (n == cap) {		/* doubling: a month is 259200 rows */
			cap = cap == 0 ? 1024 : cap * 2;
			tv = xreallocarray(tv, cap, sizeof *tv);
			rv = xreallocarray(rv, cap, sizeof *rv);
		}
		tv[n] = sqlite3_column_int64(raw, 0);
		rv[n++] = sqlite3_column_type(raw, 1) == SQLITE_NULL ?
		    LATENCY_LOST : sqlite3_column_int64(raw, 1);
	}
	l->p95_us = -1;
	if (rc == SQLITE_DONE && n > 0) {
		/* core/latency.c's definitions, over every sample at once. */
		ls = latency_series_new(n);
		for (i = 0; i < n; i++)
			latency_add(ls, tv[i], rv[i]);
		latency_stats(ls, 0, &ls_st);
		latency_series_free(ls);
		l->exact = 1;
		l->sent = ls_st.sent;
		l->received = ls_st.received;
		l->loss_pct = ls_st.loss_pct;
		l->median_us = ls_st.median_us;
		l->mean_us = ls_st.avg_us;
		if (ls_st.received > 0)
			l->p95_us = ls_st.p95_us;
	}
	free(tv);
	free(rv);
	if (rc != SQLITE_DONE || n > 0)
		return (rc == SQLITE_DONE ? 0 : -1);

	sqlite3_reset(min);
	sqlite3_bind_text(min, 1, l->branch, -1, SQLITE_STATIC);
	sqlite3_bind_text(min, 2, l->edge, -1, SQLITE_STATIC);
	sqlite3_bind_text(min, 3, l->target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(min, 4, store_report_minute(r->since_ms));
	sqlite3_bind_int64(min, 5, r->until_ms);
	if (sqlite3_step(min) != SQLITE_ROW)
		return (-1);
	l->sent = sqlite3_column_int64(min, 0);
	l->received = sqlite3_column_int64(min, 1);
	if (l->sent > 0)
		l->loss_pct = 100.0 * (double)(l->sent - l->received) /
		    (double)l->sent;
	if (l->received > 0)
		l->mean_us = sqlite3_column_double(min, 2) /
		    (double)l->received;
	return (0);
}

static int
store_report_latency(struct report *r, char **cause)
{
	sqlite3_stmt		*list = NULL, *raw = NULL, *min = NULL;
	struct report_lat	*l;
	int			 rc = SQLITE_ERROR;

	if (r->version < 2)
		return (0);
	if (sqlite3_prepare_v2(r->db,
	    "SELECT branch, edge, target FROM latency_sample"
	    " WHERE time_ms >= ?1 AND time_ms < ?2"
	    " UNION SELECT branch, edge, target FROM latency_minute"
	    " WHERE minute_ms >= ?3 AND minute_ms < ?2 ORDER BY 1, 2, 3",
	    -1, &list, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db,
	    "SELECT time_ms, rtt_us FROM latency_sample"
	    " WHERE branch = ?1 AND edge = ?2 AND target = ?3"
	    " AND time_ms >= ?4 AND time_ms < ?5 ORDER BY time_ms, id",
	    -1, &raw, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db,
	    "SELECT coalesce(sum(sent), 0), coalesce(sum(received), 0),"
	    " coalesce(sum(rtt_sum_us), 0) FROM latency_minute"
	    " WHERE branch = ?1 AND edge = ?2 AND target = ?3"
	    " AND minute_ms >= ?4 AND minute_ms < ?5",
	    -1, &min, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(list, 1, r->since_ms);
	sqlite3_bind_int64(list, 2, r->until_ms);
	sqlite3_bind_int64(list, 3, store_report_minute(r->since_ms));
	while ((rc = sqlite3_step(list)) == SQLITE_ROW) {
		r->lat = xreallocarray(r->lat, r->nlat + 1, sizeof *r->lat);
		l = &r->lat[r->nlat++];
		memset(l, 0, sizeof *l);
		l->branch = xstrdup((const char *)sqlite3_column_text(list, 0));
		l->edge = xstrdup((const char *)sqlite3_column_text(list, 1));
		l->target = xstrdup((const char *)sqlite3_column_text(list, 2));
		if (store_report_latency_one(r, raw, min, l) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
out:
	if (rc != SQLITE_DONE)
		*cause = store_report_dberr(r, "reading latency");
	sqlite3_finalize(list);
	sqlite3_finalize(raw);
	sqlite3_finalize(min);
	return (rc == SQLITE_DONE ? 0 : -1);
}

static int
store_report_events(struct report *r, char **cause)
{
	sqlite3_stmt		*st;
	struct report_event	*e;
	int			 rc;

	if (sqlite3_prepare_v2(r->db,
	    "SELECT type, level, count(*), min(time_ms), max(time_ms)"
	    " FROM events WHERE time_ms >= ?1 AND time_ms < ?2"
	    " GROUP BY type, level ORDER BY type, level", -1, &st, NULL) !=
	    SQLITE_OK) {
		*cause = store_report_dberr(r, "reading events");
		return (-1);
	}
	sqlite3_bind_int64(st, 1, r->since_ms);
	sqlite3_bind_int64(st, 2, r->until_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->events = xreallocarray(r->events, r->nevents + 1,
		    sizeof *r->events);
		e = &r->events[r->nevents++];
		e->type = xstrdup((const char *)sqlite3_column_text(st, 0));
		e->level = xstrdup((const char *)sqlite3_column_text(st, 1));
		e->count = sqlite3_column_int64(st, 2);
		e->first_ms = sqlite3_column_int64(st, 3);
		e->last_ms = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = store_report_dberr(r, "reading events");
		return (-1);
	}
	return (0);
}

int
store_report_run(struct report *r, int64_t since_ms, int64_t until_ms,
    char **cause)
{
	*cause = NULL;
	report_clear(r);
	if (until_ms <= since_ms) {
		xasprintf(cause, "%s: empty window: --until is not after "
		    "--since", r->path);
		return (-1);
	}
	r->since_ms = since_ms;
	r->until_ms = until_ms;
	/* One read transaction: a live writer's commits do not mix in. */
	sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL);
	if (store_report_tracks(r, "SELECT session, time_ms, old_state, state"
	    " FROM session_state WHERE time_ms < ?1"
	    " ORDER BY session, time_ms, id", "Established",
	    &r->sessions, &r->nsessions, cause) != 0 ||
	    store_report_tracks(r, "SELECT partner, time_ms, old_state, state"
	    " FROM redundancy_state WHERE time_ms < ?1"
	    " ORDER BY partner, time_ms, id", "REDUNDANT",
	    &r->partners, &r->npartners, cause) != 0 ||
	    store_report_latency(r, cause) != 0 ||
	    store_report_events(r, cause) != 0) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return (-1);
	}
	sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	return (0);
}
