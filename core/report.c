/*
 * "peertop report": availability, flaps, redundancy, latency and event
 * counts over a window of a recorded history (see report.h for the
 * definitions).  The second file that includes sqlite3.h: a report reads
 * a file that may not be the configured one, may be older than this
 * peertop or be written by a live peertop at the same moment, so it has
 * its own read-only connection instead of going through store.c's queue
 * and migrations; it never writes.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "latency.h"
#include "report.h"
#include "util.h"

#define REPORT_APPLICATION_ID	0x70656572	/* "peer", as store.c */
#define REPORT_MINUTE_MS	60000

static int	report_check_file(const char *, char **);
static int	report_int(struct report *, const char *, int64_t *,
		    int64_t *);
static char	*report_dberr(struct report *, const char *);
static int	report_tracks(struct report *, const char *, const char *,
		    struct report_track **, size_t *, char **);
static void	report_track_add(struct report_track *, const char *, int64_t);
static int	report_latency(struct report *, char **);
static int	report_latency_one(struct report *, sqlite3_stmt *,
		    sqlite3_stmt *, struct report_lat *);
static int	report_events(struct report *, char **);
static void	report_tracks_free(struct report_track *, size_t);
static void	report_clear(struct report *);

static uint32_t
be32(const unsigned char *p)
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
report_check_file(const char *path, char **cause)
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
	pages = be32(hdr + 28);
	xasprintf(&wal, "%s-wal", path);
	haswal = access(wal, F_OK) == 0;
	free(wal);
	if (!haswal && pages != 0 && be32(hdr + 24) == be32(hdr + 92) &&
	    (int64_t)sb.st_size < (int64_t)pages * pagesz) {
		xasprintf(cause, "%s: damaged SQLite database (truncated: "
		    "%lld of %lld bytes)", path, (long long)sb.st_size,
		    (long long)pages * pagesz);
		return (-1);
	}
	return (0);
}

static char *
report_dberr(struct report *r, const char *what)
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
report_int(struct report *r, const char *sql, int64_t *a, int64_t *b)
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
report_open(const char *path, char **cause)
{
	struct report	*r;
	int64_t		 appid, version, ntables;
	const char	*span;
	char		*sql;
	int		 rc;

	*cause = NULL;
	if (report_check_file(path, cause) != 0)
		return (NULL);
	r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		*cause = report_dberr(r, "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(r->db, 2000);
	sqlite3_exec(r->db, "PRAGMA query_only = ON", NULL, NULL, NULL);
	if (report_int(r, "PRAGMA application_id", &appid, NULL) != 0 ||
	    report_int(r, "PRAGMA user_version", &version, NULL) != 0 ||
	    report_int(r, "SELECT count(*) FROM sqlite_master",
	    &ntables, NULL) != 0) {
		*cause = report_dberr(r, "damaged SQLite database");
		goto fail;
	}
	if (appid != 0 && appid != REPORT_APPLICATION_ID) {
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
	rc = report_int(r, sql, &r->oldest_ms, &r->newest_ms);
	free(sql);
	if (rc != 0) {
		*cause = report_dberr(r, "damaged SQLite database");
		goto fail;
	}
	return (r);

fail:
	report_free(r);
	return (NULL);
}

void
report_free(struct report *r)
{
	if (r == NULL)
		return;
	report_clear(r);
	if (r->db != NULL)
		sqlite3_close(r->db);
	free(r->path);
	free(r);
}

static void
report_tracks_free(struct report_track *t, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < t[i].nstates; j++)
			free(t[i].states[j].state);
		free(t[i].states);
		free(t[i].name);
	}
	free(t);
}

/* Drop the figures of a previous run. */
static void
report_clear(struct report *r)
{
	size_t	 i;

	report_tracks_free(r->sessions, r->nsessions);
	report_tracks_free(r->partners, r->npartners);
	for (i = 0; i < r->nlat; i++) {
		free(r->lat[i].branch);
		free(r->lat[i].edge);
		free(r->lat[i].target);
	}
	free(r->lat);
	for (i = 0; i < r->nevents; i++) {
		free(r->events[i].type);
		free(r->events[i].level);
	}
	free(r->events);
	r->sessions = r->partners = NULL;
	r->lat = NULL;
	r->events = NULL;
	r->nsessions = r->npartners = r->nlat = r->nevents = 0;
}

/* Seconds, minutes, hours or days after a '-' or digits: ms, or -1. */
static int64_t
report_parse_offset(const char *s)
{
	char		*end;
	long long	 n;
	int64_t		 unit;

	if (!isdigit((unsigned char)*s))
		return (-1);
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || n > 100000 * 24LL)
		return (-1);
	switch (*end) {
	case 's':
		unit = 1000;
		break;
	case 'm':
		unit = 60 * 1000;
		break;
	case 'h':
		unit = 3600 * 1000;
		break;
	case 'd':
		unit = 86400 * 1000;
		break;
	default:
		return (-1);
	}
	if (end[1] != '\0')
		return (-1);
	return ((int64_t)n * unit);
}

int
report_parse_time(const char *s, int64_t *ms, int *rel)
{
	struct tm	 tm;
	const char	*end;
	int64_t		 off;
	time_t		 t;

	*rel = 0;
	if (*s == '-') {
		if ((off = report_parse_offset(s + 1)) < 0)
			return (-1);
		*rel = 1;
		*ms = -off;
		return (0);
	}
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL ||
	    (*end != 'T' && *end != ' '))
		return (-1);
	end++;
	if ((s = strptime(end, "%H:%M:%S", &tm)) == NULL &&
	    (s = strptime(end, "%H:%M", &tm)) == NULL)
		return (-1);
	if (*s == 'Z')
		s++;
	if (*s != '\0')
		return (-1);
	if ((t = timegm(&tm)) == (time_t)-1)
		return (-1);
	*ms = (int64_t)t * 1000;
	return (0);
}

int64_t
report_state_ms(const struct report_track *t, const char *state)
{
	size_t	 i;

	for (i = 0; i < t->nstates; i++) {
		if (strcmp(t->states[i].state, state) == 0)
			return (t->states[i].ms);
	}
	return (0);
}

double
report_availability(const struct report *r, const struct report_track *t)
{
	int64_t	 window = r->until_ms - r->since_ms;

	if (window <= 0)
		return (0);
	return (100.0 * (double)report_state_ms(t, "Established") /
	    (double)window);
}

/* Time in a state (NULL: no data yet). */
static void
report_track_add(struct report_track *t, const char *state, int64_t ms)
{
	size_t	 i;

	if (state == NULL) {
		t->nodata_ms += ms;
		return;
	}
	for (i = 0; i < t->nstates; i++) {
		if (strcmp(t->states[i].state, state) == 0) {
			t->states[i].ms += ms;
			return;
		}
	}
	t->states = xreallocarray(t->states, t->nstates + 1,
	    sizeof *t->states);
	t->states[t->nstates].state = xstrdup(state);
	t->states[t->nstates++].ms = ms;
}

/*
 * Time in each state and flaps for every name in a transition table:
 * sql selects (name, time_ms, old_state, state) before until, ordered by
 * name and time.  Rows at or before since only set the state at since;
 * a flap leaves up (the previous state as followed, or the row's
 * old_state while none is known) inside the window.
 */
static int
report_tracks(struct report *r, const char *sql, const char *up,
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
		*cause = report_dberr(r, "reading transitions");
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
		*cause = report_dberr(r, "reading transitions");
		return (-1);
	}
	return (0);
}

/* The start of the minute holding ms (roll-ups are keyed by it). */
static int64_t
report_minute(int64_t ms)
{
	return (ms - (ms % REPORT_MINUTE_MS + REPORT_MINUTE_MS) %
	    REPORT_MINUTE_MS);
}

/* One series: raw samples when the window has any, else the roll-ups. */
static int
report_latency_one(struct report *r, sqlite3_stmt *raw, sqlite3_stmt *min,
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
	sqlite3_bind_int64(min, 4, report_minute(r->since_ms));
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
report_latency(struct report *r, char **cause)
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
	sqlite3_bind_int64(list, 3, report_minute(r->since_ms));
	while ((rc = sqlite3_step(list)) == SQLITE_ROW) {
		r->lat = xreallocarray(r->lat, r->nlat + 1, sizeof *r->lat);
		l = &r->lat[r->nlat++];
		memset(l, 0, sizeof *l);
		l->branch = xstrdup((const char *)sqlite3_column_text(list, 0));
		l->edge = xstrdup((const char *)sqlite3_column_text(list, 1));
		l->target = xstrdup((const char *)sqlite3_column_text(list, 2));
		if (report_latency_one(r, raw, min, l) != 0) {
			rc = SQLITE_ERROR;
			break;
		}
	}
out:
	if (rc != SQLITE_DONE)
		*cause = report_dberr(r, "reading latency");
	sqlite3_finalize(list);
	sqlite3_finalize(raw);
	sqlite3_finalize(min);
	return (rc == SQLITE_DONE ? 0 : -1);
}

static int
report_events(struct report *r, char **cause)
{
	sqlite3_stmt		*st;
	struct report_event	*e;
	int			 rc;

	if (sqlite3_prepare_v2(r->db,
	    "SELECT type, level, count(*), min(time_ms), max(time_ms)"
	    " FROM events WHERE time_ms >= ?1 AND time_ms < ?2"
	    " GROUP BY type, level ORDER BY type, level", -1, &st, NULL) !=
	    SQLITE_OK) {
		*cause = report_dberr(r, "reading events");
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
		*cause = report_dberr(r, "reading events");
		return (-1);
	}
	return (0);
}

int
report_run(struct report *r, int64_t since_ms, int64_t until_ms,
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
	if (report_tracks(r, "SELECT session, time_ms, old_state, state"
	    " FROM session_state WHERE time_ms < ?1"
	    " ORDER BY session, time_ms, id", "Established",
	    &r->sessions, &r->nsessions, cause) != 0 ||
	    report_tracks(r, "SELECT partner, time_ms, old_state, state"
	    " FROM redundancy_state WHERE time_ms < ?1"
	    " ORDER BY partner, time_ms, id", "REDUNDANT",
	    &r->partners, &r->npartners, cause) != 0 ||
	    report_latency(r, cause) != 0 ||
	    report_events(r, cause) != 0) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return (-1);
	}
	sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	return (0);
}

/* ------------------------------------------------------------ output */

/* "2026-11-25T10:00:00Z", with milliseconds when there are any. */
static const char *
report_iso(char *buf, size_t len, int64_t ms)
{
	char	 t[32];
	size_t	 i;

	fmt_time(t, sizeof t, ms, 1);
	for (i = 0; t[i] != '\0'; i++) {
		if (t[i] == ' ')
			t[i] = 'T';
	}
	if (ms % 1000 != 0)
		snprintf(buf, len, "%s.%03dZ", t, (int)(((ms % 1000) + 1000) %
		    1000));
	else
		snprintf(buf, len, "%sZ", t);
	return (buf);
}

/* The redundancy states in their order of severity, then no data. */
static const char *const report_redundancy[] = {
	"REDUNDANT", "DEGRADED", "NO-BACKUP", "DOWN", "UNKNOWN"
};

static int
report_width(const struct report_track *t, size_t n, int min)
{
	size_t	 i;
	int	 w = min;

	for (i = 0; i < n; i++) {
		if ((int)strlen(t[i].name) > w)
			w = (int)strlen(t[i].name);
	}
	return (w);
}

static const char *
report_dur(char *buf, size_t len, int64_t ms)
{
	return (fmt_duration(buf, len, ms / 1000));
}

static void
report_print_text(const struct report *r, FILE *f)
{
	const struct report_track	*t;
	const struct report_lat		*l;
	const struct report_event	*e;
	char				 a[32], b[32], d[32];
	size_t				 i, j;
	int				 w, wb = 6, we = 4, wt = 6;

	fprintf(f, "History %s (schema %d)\n", r->path, r->version);
	fprintf(f, "Window  %s - %s (%s)\n\n",
	    report_iso(a, sizeof a, r->since_ms),
	    report_iso(b, sizeof b, r->until_ms),
	    report_dur(d, sizeof d, r->until_ms - r->since_ms));

	w = report_width(r->sessions, r->nsessions, 7);
	fprintf(f, "Sessions: %zu\n", r->nsessions);
	if (r->nsessions > 0)
		fprintf(f, "%-*s %8s %5s %11s %8s  %s\n", w, "SESSION",
		    "AVAIL%", "FLAPS", "ESTABLISHED", "NO DATA", "OTHER STATES");
	for (i = 0; i < r->nsessions; i++) {
		t = &r->sessions[i];
		fprintf(f, "%-*s %8.2f %5u %11s %8s ", w, t->name,
		    report_availability(r, t), t->flaps,
		    report_dur(a, sizeof a, report_state_ms(t, "Established")),
		    report_dur(b, sizeof b, t->nodata_ms));
		for (j = 0; j < t->nstates; j++) {
			if (strcmp(t->states[j].state, "Established") != 0)
				fprintf(f, " %s %s", t->states[j].state,
				    report_dur(a, sizeof a, t->states[j].ms));
		}
		fputc('\n', f);
	}

	w = report_width(r->partners, r->npartners, 7);
	fprintf(f, "\nPartners: %zu\n", r->npartners);
	if (r->npartners > 0) {
		fprintf(f, "%-*s", w, "PARTNER");
		for (j = 0; j < nitems(report_redundancy); j++)
			fprintf(f, " %9s", report_redundancy[j]);
		fprintf(f, " %9s\n", "NO DATA");
	}
	for (i = 0; i < r->npartners; i++) {
		t = &r->partners[i];
		fprintf(f, "%-*s", w, t->name);
		for (j = 0; j < nitems(report_redundancy); j++)
			fprintf(f, " %9s", report_dur(a, sizeof a,
			    report_state_ms(t, report_redundancy[j])));
		fprintf(f, " %9s\n", report_dur(a, sizeof a, t->nodata_ms));
	}

	for (i = 0; i < r->nlat; i++) {
		l = &r->lat[i];
		if ((int)strlen(l->branch) > wb)
			wb = (int)strlen(l->branch);
		if ((int)strlen(l->edge) > we)
			we = (int)strlen(l->edge);
		if ((int)strlen(l->target) > wt)
			wt = (int)strlen(l->target);
	}
	fprintf(f, "\nLatency: %zu series\n", r->nlat);
	if (r->nlat > 0)
		fprintf(f, "%-*s %-*s %-*s %8s %6s %9s %9s  %s\n", wb,
		    "BRANCH", we, "EDGE", wt, "TARGET", "SENT", "LOSS%",
		    "MEDIAN", "P95", "FROM");
	for (i = 0; i < r->nlat; i++) {
		l = &r->lat[i];
		if (l->received == 0)
			snprintf(a, sizeof a, "-");
		else
			snprintf(a, sizeof a, "%.2fms", (l->exact ?
			    l->median_us : l->mean_us) / 1000.0);
		if (l->p95_us < 0)
			snprintf(b, sizeof b, "-");
		else
			snprintf(b, sizeof b, "%.2fms", l->p95_us / 1000.0);
		fprintf(f, "%-*s %-*s %-*s %8lld %6.1f %9s %9s  %s\n", wb,
		    l->branch, we, l->edge, wt, l->target,
		    (long long)l->sent, l->loss_pct, a, b, l->exact ?
		    "samples" : "minutes (mean, not median)");
	}

	w = 4;
	for (i = 0; i < r->nevents; i++) {
		if ((int)strlen(r->events[i].type) > w)
			w = (int)strlen(r->events[i].type);
	}
	fprintf(f, "\nEvents: %zu types\n", r->nevents);
	if (r->nevents > 0)
		fprintf(f, "%-*s %-11s %6s  %-20s  %s\n", w, "TYPE", "LEVEL",
		    "COUNT", "FIRST", "LAST");
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		fprintf(f, "%-*s %-11s %6lld  %-20s  %s\n", w, e->type,
		    e->level, (long long)e->count,
		    report_iso(a, sizeof a, e->first_ms),
		    report_iso(b, sizeof b, e->last_ms));
	}
}

/*
 * A series' median, mean and p95 in milliseconds, each after a comma (and
 * the JSON key when sep is NULL), none for one that is not known.
 */
static void
report_print_ms(FILE *f, const char *sep, const struct report_lat *l,
    const char *none)
{
	static const char *const keys[] = { "median_ms", "mean_ms", "p95_ms" };
	const int	 known[] = { l->exact && l->received > 0,
			    l->received > 0, l->p95_us >= 0 };
	const double	 us[] = { l->median_us, l->mean_us, (double)l->p95_us };
	size_t		 i;

	for (i = 0; i < nitems(keys); i++) {
		if (sep != NULL)
			fputs(sep, f);
		else
			fprintf(f, ",\"%s\":", keys[i]);
		if (known[i])
			fprintf(f, "%.3f", us[i] / 1000.0);
		else
			fputs(none, f);
	}
}

/* A CSV field, quoted when it has to be (RFC 4180). */
static void
report_csv_str(FILE *f, const char *s)
{
	fputc(',', f);
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
report_print_csv(const struct report *r, FILE *f)
{
	const struct report_track	*t;
	const struct report_lat		*l;
	const struct report_event	*e;
	char				 a[32], b[32];
	size_t				 i, j;

	fprintf(f, "section,file,schema_version,since,until,window_s\n"
	    "report");
	report_csv_str(f, r->path);
	fprintf(f, ",%d,%s,%s,%.3f\n", r->version,
	    report_iso(a, sizeof a, r->since_ms),
	    report_iso(b, sizeof b, r->until_ms),
	    (r->until_ms - r->since_ms) / 1000.0);

	fprintf(f, "\nsection,session,availability_pct,flaps,"
	    "established_s,no_data_s\n");
	for (i = 0; i < r->nsessions; i++) {
		t = &r->sessions[i];
		fputs("session", f);
		report_csv_str(f, t->name);
		fprintf(f, ",%.3f,%u,%.3f,%.3f\n", report_availability(r, t),
		    t->flaps, report_state_ms(t, "Established") / 1000.0,
		    t->nodata_ms / 1000.0);
	}
	fprintf(f, "\nsection,session,state,seconds\n");
	for (i = 0; i < r->nsessions; i++) {
		t = &r->sessions[i];
		for (j = 0; j < t->nstates; j++) {
			fputs("session_state", f);
			report_csv_str(f, t->name);
			report_csv_str(f, t->states[j].state);
			fprintf(f, ",%.3f\n", t->states[j].ms / 1000.0);
		}
	}

	fprintf(f, "\nsection,partner");
	for (j = 0; j < nitems(report_redundancy); j++)
		fprintf(f, ",%s_s", report_redundancy[j]);
	fprintf(f, ",no_data_s\n");
	for (i = 0; i < r->npartners; i++) {
		t = &r->partners[i];
		fputs("partner", f);
		report_csv_str(f, t->name);
		for (j = 0; j < nitems(report_redundancy); j++)
			fprintf(f, ",%.3f", report_state_ms(t,
			    report_redundancy[j]) / 1000.0);
		fprintf(f, ",%.3f\n", t->nodata_ms / 1000.0);
	}

	fprintf(f, "\nsection,branch,edge,target,from,sent,received,"
	    "loss_pct,median_ms,mean_ms,p95_ms\n");
	for (i = 0; i < r->nlat; i++) {
		l = &r->lat[i];
		fputs("latency", f);
		report_csv_str(f, l->branch);
		report_csv_str(f, l->edge);
		report_csv_str(f, l->target);
		fprintf(f, ",%s,%lld,%lld,%.3f", l->exact ? "samples" :
		    "minutes", (long long)l->sent, (long long)l->received,
		    l->loss_pct);
		report_print_ms(f, ",", l, "");
		fputc('\n', f);
	}

	fprintf(f, "\nsection,type,level,count,first,last\n");
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		fputs("event", f);
		report_csv_str(f, e->type);
		report_csv_str(f, e->level);
		fprintf(f, ",%lld,%s,%s\n", (long long)e->count,
		    report_iso(a, sizeof a, e->first_ms),
		    report_iso(b, sizeof b, e->last_ms));
	}
}

/* "key":"escaped", with a leading comma unless first. */
static void
report_json_str(FILE *f, int first, const char *key, const char *s)
{
	char	 buf[1024];

	fprintf(f, "%s\"%s\":\"%s\"", first ? "" : ",", key,
	    json_escape(buf, sizeof buf, s));
}

static void
report_json_tracks(FILE *f, const char *what, const char *key,
    const struct report_track *t, size_t n, const struct report *r)
{
	size_t	 i, j;

	fprintf(f, ",\"%s\":[", what);
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? "{" : ",{", f);
		report_json_str(f, 1, key, t[i].name);
		if (r != NULL)
			fprintf(f, ",\"availability_pct\":%.3f,\"flaps\":%u",
			    report_availability(r, &t[i]), t[i].flaps);
		fprintf(f, ",\"no_data_s\":%.3f,\"states_s\":{",
		    t[i].nodata_ms / 1000.0);
		for (j = 0; j < t[i].nstates; j++) {
			char	 buf[256];

			fprintf(f, "%s\"%s\":%.3f", j == 0 ? "" : ",",
			    json_escape(buf, sizeof buf, t[i].states[j].state),
			    t[i].states[j].ms / 1000.0);
		}
		fputs("}}", f);
	}
	fputc(']', f);
}

static void
report_print_json(const struct report *r, FILE *f)
{
	const struct report_lat		*l;
	const struct report_event	*e;
	char				 a[32], b[32];
	size_t				 i;

	fputc('{', f);
	report_json_str(f, 1, "file", r->path);
	fprintf(f, ",\"schema_version\":%d,\"since\":\"%s\",\"until\":\"%s\","
	    "\"since_ms\":%lld,\"until_ms\":%lld,\"window_s\":%.3f",
	    r->version, report_iso(a, sizeof a, r->since_ms),
	    report_iso(b, sizeof b, r->until_ms), (long long)r->since_ms,
	    (long long)r->until_ms, (r->until_ms - r->since_ms) / 1000.0);
	report_json_tracks(f, "sessions", "session", r->sessions,
	    r->nsessions, r);
	report_json_tracks(f, "partners", "partner", r->partners,
	    r->npartners, NULL);

	fputs(",\"latency\":[", f);
	for (i = 0; i < r->nlat; i++) {
		l = &r->lat[i];
		fputs(i == 0 ? "{" : ",{", f);
		report_json_str(f, 1, "branch", l->branch);
		report_json_str(f, 0, "edge", l->edge);
		report_json_str(f, 0, "target", l->target);
		fprintf(f, ",\"from\":\"%s\",\"sent\":%lld,\"received\":%lld,"
		    "\"loss_pct\":%.3f", l->exact ? "samples" : "minutes",
		    (long long)l->sent, (long long)l->received, l->loss_pct);
		report_print_ms(f, NULL, l, "null");
		fputc('}', f);
	}
	fputs("],\"events\":[", f);
	for (i = 0; i < r->nevents; i++) {
		e = &r->events[i];
		fputs(i == 0 ? "{" : ",{", f);
		report_json_str(f, 1, "type", e->type);
		report_json_str(f, 0, "level", e->level);
		fprintf(f, ",\"count\":%lld,\"first\":\"%s\",\"last\":\"%s\"}",
		    (long long)e->count, report_iso(a, sizeof a, e->first_ms),
		    report_iso(b, sizeof b, e->last_ms));
	}
	fputs("]}\n", f);
}

static void (*const report_printers[])(const struct report *, FILE *) = {
	[REPORT_TEXT] = report_print_text,
	[REPORT_CSV] = report_print_csv,
	[REPORT_JSON] = report_print_json,
};

void
report_print(const struct report *r, FILE *f, enum report_format fmt)
{
	report_printers[fmt](r, f);
}
