/* SPDX-License-Identifier: ISC */
/*
 * The reader behind report.h: "peertop report" opens a history through a
 * read-only connection of its own (not the store's queue, timer or
 * migrations) and reads a window of it in one read transaction.  Like the
 * other core/store*.c files it may include sqlite3.h
 * (tests/check-layers.sh): it speaks SQL, through store-sql.c's helpers,
 * to the schema store-schema.c makes, described in man/schema.mdoc, and
 * reads every version up to REPORT_SCHEMA_MAX, a table a version lacks
 * being empty.  The problems' lifecycle is store-report-lifecycle.c's.
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

#include "core/replay.h"
#include "core/report.h"
#include "core/store.h"
#include "core/store-private.h"

/* A file this peertop writes can be reported. */
_Static_assert(REPORT_SCHEMA_MAX == STORE_SCHEMA_VERSION,
    "the report reads the schema the store writes");

#define STORE_REPORT_MINUTE_MS	60000
#define STORE_REPORT_HOUR_MS	3600000

/*
 * A row's time must be in 1970..9999 (replay.h) to count: a damaged or
 * crafted file's INT64_MAX would otherwise start the window in the year
 * 292278994 and push every real row out, and overflow the arithmetic.
 * Rows outside are left out of every figure and of the file's span, and
 * counted (report.h, ignored_rows).  SQL has the bounds as literals.
 */
_Static_assert(REPLAY_TIME_MIN_MS == 0 &&
    REPLAY_TIME_MAX_MS == 253402300799999LL, "STORE_REPORT_OK's bounds");
#define STORE_REPORT_OK(c)	" " c " BETWEEN 0 AND 253402300799999"
#define STORE_REPORT_BAD(c)	" (" c " < 0 OR " c " > 253402300799999)"

static char	*store_report_dberr(struct report *, const char *);
static int	store_report_tracks(struct report *, const char *,
		    const char *, const char *, struct report_track **,
		    size_t *, char **);
static int	store_report_latency(struct report *, char **);
static int	store_report_events(struct report *, char **);
static int	store_report_tables(struct report *);
static int	store_report_bounds(struct report *);
static int	store_report_span(struct report *);
static void	store_report_span_rollup(struct report *, int64_t, int64_t);
static void	store_report_span_first(struct report *, int64_t, int64_t,
		    int64_t);
static void	store_report_lats_free(struct report_lat *, size_t);
static int	store_report_series(struct report *, const char *,
		    struct report_lat **, size_t *);
static int	store_report_series_int(sqlite3_stmt *,
		    const struct report_lat *, int64_t *);
static int	store_report_lat_cmp(const void *, const void *);
static int64_t	store_report_floor(int64_t, int64_t);
static int	store_report_prefixes(struct report *, char **);
static void	store_report_prefix_add(struct report_prefix *, int, int64_t);
static int	store_report_runs(struct report *, char **);
static void	store_report_gap(struct report *, int64_t, int64_t);
static int64_t	store_report_hold(const struct report *, size_t *, int64_t);
static int64_t	store_report_held(int64_t, int64_t, int64_t);
static void	store_report_track_add(struct report_track *, const char *,
		    int, int64_t, int64_t, int64_t);
static void	store_report_prefix_span(struct report_prefix *, int,
		    int64_t, int64_t, int64_t);
struct store_report_piece;
static int	store_report_level(const struct report *, int64_t);
static int64_t	store_report_ceil(int64_t, int64_t);
static size_t	store_report_pieces(const struct report *,
		    struct store_report_piece *);
static int	store_report_exact(const struct report *);
static int	store_report_whole(struct report *);
static int	store_report_latency_exact(struct report *, char **);
static int	store_report_latency_sum(sqlite3_stmt **,
		    const struct store_report_piece *, size_t,
		    struct report_lat *);
static void	store_report_lat_drop(struct report *, size_t);

/* A message for the last failure on r's connection, naming the file. */
static char *
store_report_dberr(struct report *r, const char *what)
{
	return (store_sql_error(r->db, r->path, sqlite3_extended_errcode(r->db),
	    what, STORE_SQL_READER));
}
/*
 * The tables the file has, from sqlite_master once: a table that is not
 * there (a version 1 or 2 file) is read as empty.
 */
static int
store_report_tables(struct report *r)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} known[] = {
		{ "latency_sample", REPORT_T_SAMPLE },
		{ "latency_minute", REPORT_T_MINUTE },
		{ "latency_hour", REPORT_T_HOUR },
		{ "prefix_state", REPORT_T_PREFIX },
		{ "branch_route", REPORT_T_ROUTE },
		{ "run", REPORT_T_RUN },
		{ "event_ack", REPORT_T_ACK },
		{ "latency_block", REPORT_T_BLOCK },
	};
	sqlite3_stmt	*st;
	const char	*name;
	size_t		 i;
	int		 rc;

	if (sqlite3_prepare_v2(r->db, "SELECT name FROM sqlite_master"
	    " WHERE type = 'table'", -1, &st, NULL) != SQLITE_OK)
		return (-1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((name = (const char *)sqlite3_column_text(st, 0)) == NULL)
			continue;
		for (i = 0; i < nitems(known); i++) {
			if (strcmp(name, known[i].name) == 0)
				r->tables |= known[i].bit;
		}
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* ms rounded down to a multiple of unit (a minute, an hour). */
static int64_t
store_report_floor(int64_t ms, int64_t unit)
{
	int64_t	 r = ms % unit;

	if (r < 0)
		r += unit;
	/* A damaged file's time may be anything: stay in range. */
	if (ms < INT64_MIN + r)
		return (INT64_MIN);
	return (ms - r);
}

/*
 * Where the roll-up chain's parts begin: the oldest sample (through its
 * time index) and the oldest and newest minute rows.  latency_minute has
 * no index on its time alone, so these are found per series through its
 * primary key: a few look-ups per series, not a scan of the table.
 */
static int
store_report_bounds(struct report *r)
{
	sqlite3_stmt		*lo = NULL, *hi = NULL, *bad = NULL;
	struct report_lat	*ls = NULL;
	size_t			 nls = 0, i;
	int64_t			 ms;
	int			 rc = -1;

	r->raw_from_ms = r->minute_from_ms = r->minute_to_ms = -1;
	r->hour_from_ms = -1;
	if ((r->tables & REPORT_T_HOUR) &&
	    store_sql_int(r->db, "SELECT min(hour_ms) FROM latency_hour WHERE"
	    STORE_REPORT_OK("hour_ms"), &r->hour_from_ms, NULL) != 0)
		return (-1);
	if ((r->tables & REPORT_T_SAMPLE) &&
	    store_sql_int(r->db, "SELECT min(time_ms) FROM latency_sample"
	    " WHERE" STORE_REPORT_OK("time_ms"), &ms, NULL) == 0 && ms != -1)
		r->raw_from_ms = store_report_floor(ms, STORE_REPORT_MINUTE_MS);
	if (!(r->tables & REPORT_T_MINUTE))
		return (store_report_whole(r));
	if (store_report_series(r, "latency_minute", &ls, &nls) != 0 ||
	    sqlite3_prepare_v2(r->db, "SELECT min(minute_ms) FROM"
	    " latency_minute WHERE branch = ?1 AND edge = ?2 AND target = ?3"
	    " AND" STORE_REPORT_OK("minute_ms"), -1, &lo, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, "SELECT max(minute_ms) FROM"
	    " latency_minute WHERE branch = ?1 AND edge = ?2 AND target = ?3"
	    " AND" STORE_REPORT_OK("minute_ms"), -1, &hi, NULL) != SQLITE_OK ||
	    /*
	     * Two ranges of the key, not STORE_REPORT_BAD's OR, which
	     * SQLite answers by reading every row of the series (4.5 s of
	     * a report's 6 over 300 series of 30 days of minutes).
	     */
	    sqlite3_prepare_v2(r->db, "SELECT (SELECT count(*) FROM"
	    " latency_minute WHERE branch = ?1 AND edge = ?2 AND target = ?3"
	    " AND minute_ms < 0) + (SELECT count(*) FROM latency_minute"
	    " WHERE branch = ?1 AND edge = ?2 AND target = ?3"
	    " AND minute_ms > 253402300799999)", -1, &bad, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < nls; i++) {
		/* Through the primary key: no scan of the table. */
		if (store_report_series_int(bad, &ls[i], &ms) != 0)
			goto out;
		r->ignored_rows += ms;
		if (store_report_series_int(lo, &ls[i], &ms) != 0)
			goto out;
		if (ms == 0 && sqlite3_column_type(lo, 0) == SQLITE_NULL)
			continue;	/* every row of the series ignored */
		if (r->minute_from_ms == -1 || ms < r->minute_from_ms)
			r->minute_from_ms = ms;
		if (store_report_series_int(hi, &ls[i], &ms) != 0)
			goto out;
		/* The minute's end; a damaged file's time may be the last. */
		ms = ms > INT64_MAX - STORE_REPORT_MINUTE_MS ? INT64_MAX :
		    ms + STORE_REPORT_MINUTE_MS;
		if (ms > r->minute_to_ms)
			r->minute_to_ms = ms;
	}
	rc = store_report_whole(r);
out:
	sqlite3_finalize(lo);
	sqlite3_finalize(hi);
	sqlite3_finalize(bad);
	store_report_lats_free(ls, nls);
	return (rc);
}

/*
 * Whether the samples are all there is from M on and before it: no
 * minute row older than M, no hour row older than M's hour, and M's hour
 * row holding no more probes than its samples (retention deletes
 * samples a minute at a time, so M is rarely on an hour).  Then a window
 * starting before M is still exact: nothing older was recorded.
 */
static int
store_report_whole(struct report *r)
{
	int64_t	 h, hour_sent, raw_sent;
	char	*sql;
	int	 rc;

	r->raw_whole = 0;
	if (r->raw_from_ms == -1 || (r->minute_from_ms != -1 &&
	    r->minute_from_ms < r->raw_from_ms))
		return (0);
	h = store_report_floor(r->raw_from_ms, STORE_REPORT_HOUR_MS);
	if (r->hour_from_ms == -1) {
		r->raw_whole = 1;
		return (0);
	}
	if (r->hour_from_ms < h)
		return (0);
	xasprintf(&sql, "SELECT (SELECT coalesce(sum(sent), 0) FROM"
	    " latency_hour WHERE hour_ms = %lld), (SELECT count(*) FROM"
	    " latency_sample WHERE time_ms >= %lld AND time_ms < %lld)",
	    (long long)h, (long long)h, (long long)(h > INT64_MAX -
	    STORE_REPORT_HOUR_MS ? INT64_MAX : h + STORE_REPORT_HOUR_MS));
	rc = store_sql_int(r->db, sql, &hour_sent, &raw_sent);
	free(sql);
	if (rc != 0)
		return (-1);
	r->raw_whole = hour_sent <= raw_sent;
	return (0);
}

/* A list of series' names, and the list. */
static void
store_report_lats_free(struct report_lat *l, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(l[i].branch);
		free(l[i].edge);
		free(l[i].target);
	}
	free(l);
}

/* A one-integer query of one series (bound as ?1, ?2, ?3). */
/* A text column, "" for NULL (a damaged file may hold one anywhere). */
static const char *
store_report_text(sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	return (s != NULL ? s : "");
}

static int
store_report_series_int(sqlite3_stmt *st, const struct report_lat *l,
    int64_t *out)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, l->branch, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->edge, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, l->target, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return (-1);
	*out = sqlite3_column_int64(st, 0);
	return (0);
}

/*
 * The span of the file: the oldest and newest time of every time column
 * (a run to its last heartbeat), each its own min() or max() so that
 * SQLite answers it from an index where there is one.  A roll-up row's
 * end counts only where no other row is at or after its start (its
 * samples were pruned), and never after now: the writer keeps the
 * current minute's and hour's rows up to date as samples come, so the
 * newest ones end in the future while they are being filled.  Likewise
 * the oldest row's minute or hour holding the first run's start began
 * at that start, not at its round time (nothing was recorded before).
 */
static int
store_report_span(struct report *r)
{
	static const struct {
		unsigned	 bit;		/* 0: every version */
		const char	*min, *max, *bad;	/* min NULL: bad only */
	} cols[] = {
#define STORE_REPORT_SPAN(bit, t) { bit,				\
	    "SELECT min(time_ms) FROM " t " WHERE" STORE_REPORT_OK("time_ms"), \
	    "SELECT max(time_ms) FROM " t " WHERE" STORE_REPORT_OK("time_ms"), \
	    "SELECT count(*) FROM " t " WHERE" STORE_REPORT_BAD("time_ms") }
		STORE_REPORT_SPAN(0, "session_state"),
		STORE_REPORT_SPAN(0, "redundancy_state"),
		STORE_REPORT_SPAN(0, "events"),
		STORE_REPORT_SPAN(REPORT_T_SAMPLE, "latency_sample"),
		STORE_REPORT_SPAN(REPORT_T_PREFIX, "prefix_state"),
		STORE_REPORT_SPAN(REPORT_T_ROUTE, "branch_route"),
#undef STORE_REPORT_SPAN
		{ REPORT_T_RUN, "SELECT min(start_ms) FROM run WHERE"
		    STORE_REPORT_OK("start_ms") " AND" STORE_REPORT_OK("last_ms"),
		    "SELECT max(last_ms) FROM run WHERE"
		    STORE_REPORT_OK("start_ms") " AND" STORE_REPORT_OK("last_ms"),
		    "SELECT count(*) FROM run WHERE" STORE_REPORT_BAD("start_ms")
		    " OR" STORE_REPORT_BAD("last_ms") },
		{ REPORT_T_HOUR, NULL, NULL, "SELECT count(*) FROM latency_hour"
		    " WHERE" STORE_REPORT_BAD("hour_ms") },
	};
	int64_t		 lo, hi, n, hour = -1, run = -1;
	size_t		 i;

	r->oldest_ms = r->newest_ms = -1;
	for (i = 0; i < nitems(cols); i++) {
		if (cols[i].bit != 0 && !(r->tables & cols[i].bit))
			continue;
		if (store_sql_int(r->db, cols[i].bad, &n, NULL) != 0)
			return (-1);
		r->ignored_rows += n;
		if (cols[i].min == NULL)
			continue;
		if (store_sql_int(r->db, cols[i].min, &lo, NULL) != 0)
			return (-1);
		if (lo != -1 && (r->oldest_ms == -1 || lo < r->oldest_ms))
			r->oldest_ms = lo;
		if (cols[i].bit == REPORT_T_RUN)
			run = lo;
		if (store_sql_int(r->db, cols[i].max, &hi, NULL) != 0)
			return (-1);
		if (hi > r->newest_ms)
			r->newest_ms = hi;
	}
	if ((r->tables & REPORT_T_HOUR) && store_sql_int(r->db,
	    "SELECT max(hour_ms) FROM latency_hour WHERE"
	    STORE_REPORT_OK("hour_ms"), &hour, NULL) != 0)
		return (-1);
	if (r->minute_to_ms != -1)
		store_report_span_rollup(r, r->minute_to_ms -
		    STORE_REPORT_MINUTE_MS, STORE_REPORT_MINUTE_MS);
	if (hour != -1)
		store_report_span_rollup(r, hour, STORE_REPORT_HOUR_MS);
	store_report_span_first(r, r->minute_from_ms, STORE_REPORT_MINUTE_MS,
	    run);
	store_report_span_first(r, r->hour_from_ms, STORE_REPORT_HOUR_MS, run);
	return (0);
}

/*
 * The oldest roll-up row, [from, from + len), -1 none: its start is the
 * oldest time, or the first run's start (run) when that is inside it.
 */
static void
store_report_span_first(struct report *r, int64_t from, int64_t len,
    int64_t run)
{
	if (from == -1)
		return;
	if (run > from && run < from + len)
		from = run;
	if (r->oldest_ms == -1 || from < r->oldest_ms)
		r->oldest_ms = from;
}

/*
 * The newest roll-up row, [from, from + len): its end is the newest time
 * only when no row is at or after its start, and never after now when
 * now is inside it (the row being filled; a clock behind the file's
 * times says nothing).
 */
static void
store_report_span_rollup(struct report *r, int64_t from, int64_t len)
{
	int64_t	 end = from + len, now = now_wall_ms();

	if (r->newest_ms >= from)
		return;
	if (now >= from && now < end)
		end = now;
	if (end > r->newest_ms)
		r->newest_ms = end;
}

struct report *
store_report_open(const char *path, char **cause)
{
	struct report	*r;
	int64_t		 appid, version, ntables;

	*cause = NULL;
	if (store_check_history(path, cause) != 0)
		return (NULL);
	r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	if (store_sql_open(path, SQLITE_OPEN_READONLY, 0, &r->db) !=
	    SQLITE_OK) {
		*cause = store_report_dberr(r, "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(r->db, 2000);
	sqlite3_exec(r->db, "PRAGMA query_only = ON", NULL, NULL, NULL);
	if (store_sql_int(r->db, "PRAGMA application_id", &appid, NULL) != 0 ||
	    store_sql_int(r->db, "PRAGMA user_version", &version, NULL) != 0 ||
	    store_sql_int(r->db, "SELECT count(*) FROM sqlite_master",
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
	if (store_report_tables(r) != 0 || store_report_bounds(r) != 0 ||
	    store_report_span(r) != 0) {
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
 * The time from a row at t on that its state holds at most, until
 * INT64_MAX: the start of the first gap between runs that ends after t,
 * t itself for a row inside a gap.  *gi is a cursor into r->gaps for one
 * track's rows, read in time order: 0 at its first row.
 */
static int64_t
store_report_hold(const struct report *r, size_t *gi, int64_t t)
{
	while (*gi < r->ngaps && r->gaps[*gi].to <= t)
		(*gi)++;
	return (*gi < r->ngaps ? r->gaps[*gi].from : INT64_MAX);
}

/* Of [from, to), the time before hold: a state's, the rest no data. */
static int64_t
store_report_held(int64_t from, int64_t to, int64_t hold)
{
	if (hold >= to)
		return (to - from);
	return (hold > from ? hold - from : 0);
}

/*
 * [from, to) of a track in state (NULL: no data) until hold.  A state
 * held for no time is still listed (two rows at one time), unless a gap
 * took all of it: not seen in the window at all.
 */
static void
store_report_track_add(struct report_track *t, const char *state, int flag,
    int64_t from, int64_t to, int64_t hold)
{
	int64_t	 ms = store_report_held(from, to, hold);

	if (ms > 0 || to == from)
		report_track_add(t, state, ms);
	if (flag)
		t->flag_ms += ms;
	if (to - from > ms)
		report_track_add(t, NULL, to - from - ms);
}

/*
 * Time in each state and flaps for every name in a transition table:
 * sql selects (name, time_ms, old_state, state[, flag]) before until,
 * ordered by name and time.  Rows at or before since only set the state
 * at since.  A flap is a row inside the window into a known state other
 * than up from up: the last known state as followed (the row's
 * old_state while none is), so that a collector's outage (the state
 * unknown, then up again) is no flap, while up, unknown, then down is
 * one, as the model's own SessionDown after an outage; the last known
 * state is carried across a gap between runs likewise.  A state holds
 * to the next row or the end of the recording it was seen in
 * (store_report_hold()), the rest being no data.  The time with
 * a non-zero flag (a branch's SuboptimalRouting) goes to flag_ms.  The
 * callers order by "+name": the rows are read through the time index, in
 * the table's order, and sorted, twice as fast over a month as walking
 * the (name, time) index with a table look-up per row.
 */
static int
store_report_tracks(struct report *r, const char *sql, const char *up,
    const char *unknown, struct report_track **out, size_t *nout,
    char **cause)
{
	struct report_track	*t = NULL, *cur = NULL;
	sqlite3_stmt		*st;
	const char		*name, *old, *state;
	char			*now = NULL;
	int64_t			 tm, at = 0, hold = 0;
	size_t			 n = 0, gi = 0;
	int			 rc, flag = 0, hasflag, isup, known = -1;

	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
		*cause = store_report_dberr(r, "reading transitions");
		return (-1);
	}
	sqlite3_bind_int64(st, 1, r->until_ms);
	hasflag = sqlite3_column_count(st) > 4;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		tm = sqlite3_column_int64(st, 1);
		old = (const char *)sqlite3_column_text(st, 2);
		state = (const char *)sqlite3_column_text(st, 3);
		if (name == NULL || state == NULL)
			continue;
		if (cur == NULL || strcmp(cur->name, name) != 0) {
			if (cur != NULL)
				store_report_track_add(cur, now, flag, at,
				    r->until_ms, hold);
			t = xreallocarray(t, n + 1, sizeof *t);
			cur = &t[n++];
			memset(cur, 0, sizeof *cur);
			cur->name = xstrdup(name);
			free(now);
			now = NULL;
			at = r->since_ms;
			flag = 0;
			known = -1;	/* up (1), not (0), none yet (-1) */
			gi = 0;
			hold = 0;
		}
		if (now == NULL && old != NULL &&
		    (unknown == NULL || strcmp(old, unknown) != 0))
			known = strcmp(old, up) == 0;
		if (unknown == NULL || strcmp(state, unknown) != 0) {
			isup = strcmp(state, up) == 0;
			if (tm >= r->since_ms && known == 1 && !isup)
				cur->flaps++;
			known = isup;
		}
		if (tm > r->since_ms) {
			store_report_track_add(cur, now, flag, at, tm, hold);
			at = tm;
		}
		free(now);
		now = xstrdup(state);
		flag = hasflag && sqlite3_column_int64(st, 4) != 0;
		hold = store_report_hold(r, &gi, tm);
	}
	if (cur != NULL)
		store_report_track_add(cur, now, flag, at, r->until_ms, hold);
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

/* Visibility bits of a prefix_state row; -1 before the first row. */
#define STORE_REPORT_PRIMARY	0x1
#define STORE_REPORT_BACKUP	0x2
#define STORE_REPORT_ALLPRI	0x4
#define STORE_REPORT_ALLBAK	0x8

static void
store_report_prefix_add(struct report_prefix *p, int vis, int64_t ms)
{
	if (vis == -1) {
		p->nodata_ms += ms;
		return;
	}
	if (vis & STORE_REPORT_PRIMARY)
		p->primary_ms += ms;
	if (vis & STORE_REPORT_BACKUP)
		p->backup_ms += ms;
	if (vis & STORE_REPORT_ALLPRI)
		p->all_primary_ms += ms;
	if (vis & STORE_REPORT_ALLBAK)
		p->all_backup_ms += ms;
	if ((vis & (STORE_REPORT_PRIMARY | STORE_REPORT_BACKUP)) ==
	    STORE_REPORT_BACKUP)
		p->backup_only_ms += ms;
	if (vis == 0)
		p->none_ms += ms;
}

/* [from, to) of a prefix in visibility vis until hold, as tracks. */
static void
store_report_prefix_span(struct report_prefix *p, int vis, int64_t from,
    int64_t to, int64_t hold)
{
	int64_t	 ms = store_report_held(from, to, hold);

	store_report_prefix_add(p, vis, ms);
	if (to - from > ms)
		store_report_prefix_add(p, -1, to - from - ms);
}

/*
 * Per registered prefix, the time in each visibility, with the same
 * arithmetic as store_report_tracks(): the row at or before since gives
 * the state at since, each row changes it at its time, and it holds no
 * longer than the recording it was seen in.  One pass over
 * prefix_state_prefix_time, rows after until not read.
 */
static int
store_report_prefixes(struct report *r, char **cause)
{
	struct report_prefix	*p = NULL;
	sqlite3_stmt		*st;
	const char		*branch, *prefix;
	int64_t			 tm, at = 0, hold = 0, pu, pt, bu, bt;
	size_t			 gi = 0;
	int			 rc, vis = -1;

	if (!(r->tables & REPORT_T_PREFIX))
		return (0);
	if (sqlite3_prepare_v2(r->db, "SELECT branch, prefix, time_ms,"
	    " primary_up, primary_total, backup_up, backup_total"
	    " FROM prefix_state WHERE time_ms >= 0 AND time_ms < ?1"
	    " ORDER BY +branch, prefix, time_ms, id", -1, &st, NULL) !=
	    SQLITE_OK) {
		*cause = store_report_dberr(r, "reading prefixes");
		return (-1);
	}
	sqlite3_bind_int64(st, 1, r->until_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		branch = (const char *)sqlite3_column_text(st, 0);
		prefix = (const char *)sqlite3_column_text(st, 1);
		tm = sqlite3_column_int64(st, 2);
		if (branch == NULL || prefix == NULL)
			continue;
		if (p == NULL || strcmp(p->branch, branch) != 0 ||
		    strcmp(p->prefix, prefix) != 0) {
			if (p != NULL)
				store_report_prefix_span(p, vis, at,
				    r->until_ms, hold);
			r->prefixes = xreallocarray(r->prefixes,
			    r->nprefixes + 1, sizeof *r->prefixes);
			p = &r->prefixes[r->nprefixes++];
			memset(p, 0, sizeof *p);
			p->branch = xstrdup(branch);
			p->prefix = xstrdup(prefix);
			at = r->since_ms;
			vis = -1;
			gi = 0;
			hold = 0;
		}
		if (tm >= r->since_ms)
			p->changes++;
		if (tm > r->since_ms) {
			store_report_prefix_span(p, vis, at, tm, hold);
			at = tm;
		}
		hold = store_report_hold(r, &gi, tm);
		pu = sqlite3_column_int64(st, 3);
		pt = sqlite3_column_int64(st, 4);
		bu = sqlite3_column_int64(st, 5);
		bt = sqlite3_column_int64(st, 6);
		vis = (pu > 0 ? STORE_REPORT_PRIMARY : 0) |
		    (bu > 0 ? STORE_REPORT_BACKUP : 0) |
		    (pt > 0 && pu >= pt ? STORE_REPORT_ALLPRI : 0) |
		    (bt > 0 && bu >= bt ? STORE_REPORT_ALLBAK : 0);
	}
	if (p != NULL)
		store_report_prefix_span(p, vis, at, r->until_ms, hold);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = store_report_dberr(r, "reading prefixes");
		return (-1);
	}
	return (0);
}

/*
 * Latency.  Where the window is covered by raw samples (see report.h),
 * each series is read sample by sample for its median and p95.  Else the
 * window is cut into pieces, each read from the coarsest table that holds
 * it whole: whole hours from latency_hour, whole minutes from
 * latency_minute, the rest from latency_sample.  The writer updates the
 * three in the same transaction, so a piece's sums are the same from any
 * of them, and a month is some 720 hour rows a series, not 260000
 * samples.  Where finer rows were pruned (before M for samples, before
 * the oldest minute row for minutes) the window's start is rounded down
 * and its end up to the coarser table's period: the only approximation,
 * which the series' "from" says.
 */
enum { STORE_REPORT_RAW, STORE_REPORT_MIN, STORE_REPORT_HOUR };

struct store_report_piece {
	int		 level;
	int64_t		 from, to;
};

/* The finest table holding the time t. */
static int
store_report_level(const struct report *r, int64_t t)
{
	if (r->raw_from_ms != -1 && t >= r->raw_from_ms)
		return (STORE_REPORT_RAW);
	if (r->minute_from_ms != -1 && t >= r->minute_from_ms)
		return (STORE_REPORT_MIN);
	return (STORE_REPORT_HOUR);
}

static int64_t
store_report_ceil(int64_t ms, int64_t unit)
{
	int64_t	 r = ms % unit;

	if (r < 0)
		r += unit;
	if (r == 0)
		return (ms);
	if (ms > INT64_MAX - (unit - r))
		return (INT64_MAX);
	return (ms + (unit - r));
}

/* The window's pieces, coarsest in the middle; empty ones left out. */
static size_t
store_report_pieces(const struct report *r, struct store_report_piece *p)
{
	static const int64_t	 unit[] = { 1, STORE_REPORT_MINUTE_MS,
				    STORE_REPORT_HOUR_MS };
	int64_t			 s = r->since_ms, u = r->until_ms;
	int64_t			 cut[6];
	size_t			 i, n = 0;
	int			 lv;

	lv = store_report_level(r, s);
	s = store_report_floor(s, unit[lv]);
	lv = store_report_level(r, u - 1);
	u = store_report_ceil(u, unit[lv]);

	/* s, its minute and hour ends, u's hour and minute starts, u. */
	cut[0] = s;
	cut[1] = store_report_ceil(s, STORE_REPORT_MINUTE_MS);
	cut[2] = store_report_ceil(s, STORE_REPORT_HOUR_MS);
	cut[3] = store_report_floor(u, STORE_REPORT_HOUR_MS);
	cut[4] = store_report_floor(u, STORE_REPORT_MINUTE_MS);
	cut[5] = u;
	if (cut[2] > cut[3])		/* within one hour: no whole hour */
		cut[2] = cut[3] = cut[1] > cut[4] ? cut[1] : cut[4];
	if (cut[1] > cut[4])		/* within one minute */
		cut[1] = cut[2] = cut[3] = cut[4] = u;
	for (i = 0; i < 5; i++) {
		if (cut[i] >= cut[i + 1])
			continue;
		p[n].from = cut[i];
		p[n].to = cut[i + 1];
		p[n].level = i == 2 ? STORE_REPORT_HOUR : (i == 1 ||
		    i == 3) ? STORE_REPORT_MIN : STORE_REPORT_RAW;
		/* Minutes kept less long than samples: the samples. */
		if (p[n].level == STORE_REPORT_MIN &&
		    (r->minute_from_ms == -1 || p[n].from < r->minute_from_ms) &&
		    store_report_level(r, p[n].from) == STORE_REPORT_RAW)
			p[n].level = STORE_REPORT_RAW;
		n++;
	}
	return (n);
}

/* The figures are exact: nothing in the window comes from a roll-up. */
static int
store_report_exact(const struct report *r)
{
	if (r->raw_from_ms == -1)
		return (0);
	if (r->since_ms >= r->raw_from_ms)
		return (1);
	return (r->raw_whole);
}

/* One series' round trips as read, LATENCY_LOST for a loss. */
struct store_report_rtts {
	int32_t		*rtt;		/* a minute at most: 60000000 */
	size_t		 n, cap;
	size_t		 next;		/* the series read after it last */
};

/* The series being read and their round trips, as they come. */
struct store_report_exact {
	struct store_report_rtts *buf;	/* beside r->lat, in its order */
	size_t		 prev;		/* the last row's series */
};

/*
 * The series (branch, edge, target) in r->lat, kept sorted, added when
 * new: its index.  Probes go out in turn, so the series that followed
 * the last row's the time before is the likely one, tried first.
 */
static size_t
store_report_series_at(struct report *r, struct store_report_exact *x,
    const char *kb, const char *ke, const char *kt)
{
	struct report_lat	*l;
	size_t			 lo, hi, mid = 0, i, next;
	int			 c = -1;

	next = x->prev < r->nlat ? x->buf[x->prev].next : SIZE_MAX;
	if (next < r->nlat && strcmp(kt, r->lat[next].target) == 0 &&
	    strcmp(ke, r->lat[next].edge) == 0 &&
	    strcmp(kb, r->lat[next].branch) == 0) {
		lo = next;
		goto found;
	}
	for (lo = 0, hi = r->nlat; lo < hi; ) {
		mid = lo + (hi - lo) / 2;
		l = &r->lat[mid];
		if ((c = strcmp(kb, l->branch)) == 0 &&
		    (c = strcmp(ke, l->edge)) == 0 &&
		    (c = strcmp(kt, l->target)) == 0)
			break;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo < hi)
		lo = mid;
	else {				/* a new series, at lo */
		r->lat = xreallocarray(r->lat, r->nlat + 1, sizeof *r->lat);
		x->buf = xreallocarray(x->buf, r->nlat + 1, sizeof *x->buf);
		memmove(&r->lat[lo + 1], &r->lat[lo],
		    (r->nlat - lo) * sizeof *r->lat);
		memmove(&x->buf[lo + 1], &x->buf[lo],
		    (r->nlat - lo) * sizeof *x->buf);
		r->nlat++;
		l = &r->lat[lo];
		memset(l, 0, sizeof *l);
		l->branch = xstrdup(kb);
		l->edge = xstrdup(ke);
		l->target = xstrdup(kt);
		memset(&x->buf[lo], 0, sizeof *x->buf);
		x->buf[lo].next = SIZE_MAX;
		for (i = 0; i < r->nlat; i++)	/* moved up one */
			if (x->buf[i].next != SIZE_MAX && x->buf[i].next >= lo)
				x->buf[i].next++;
		if (x->prev != SIZE_MAX && x->prev >= lo)
			x->prev++;
	}
found:
	if (x->prev != SIZE_MAX)
		x->buf[x->prev].next = lo;
	x->prev = lo;
	return (lo);
}

static void
store_report_rtt_add(struct store_report_rtts *b, int32_t rtt)
{
	if (b->n == b->cap) {	/* doubling: a month is 259200 */
		b->cap = b->cap == 0 ? 1024 : b->cap * 2;
		b->rtt = xreallocarray(b->rtt, b->cap, sizeof *b->rtt);
	}
	b->rtt[b->n++] = rtt;
}

/*
 * The samples of st's rows (branch, edge, target, rtt_us) added to their
 * series: an SQLite code, SQLITE_DONE when all were read.
 */
static int
store_report_raw_rows(struct report *r, struct store_report_exact *x,
    sqlite3_stmt *st)
{
	const char	*kb, *ke, *kt;
	size_t		 i;
	int		 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kb = (const char *)sqlite3_column_text(st, 0);
		ke = (const char *)sqlite3_column_text(st, 1);
		kt = (const char *)sqlite3_column_text(st, 2);
		if (kb == NULL || ke == NULL || kt == NULL)
			continue;
		i = store_report_series_at(r, x, kb, ke, kt);
		store_report_rtt_add(&x->buf[i],
		    sqlite3_column_type(st, 3) == SQLITE_NULL ? LATENCY_LOST :
		    (int32_t)sqlite3_column_int64(st, 3));
	}
	return (rc);
}

/*
 * The samples of [from, to) from latency_sample: the table in its own
 * order, page after page, when the span is most of what is kept (a
 * fifth less than the time index and a row lookup each), else through
 * the time index.  The figures do not depend on the order: the sum is
 * of integers, exact in a double below 2^53 whatever the order.
 */
static int
store_report_raw(struct report *r, struct store_report_exact *x,
    int64_t from, int64_t to, int64_t newest)
{
	sqlite3_stmt	*st;
	int		 rc, whole;

	if (from >= to)
		return (SQLITE_DONE);
	whole = newest != -1 && r->raw_from_ms != -1 &&
	    2 * ((double)to - (double)from) >=
	    (double)newest - (double)r->raw_from_ms;
	if ((rc = sqlite3_prepare_v2(r->db, whole ?
	    "SELECT branch, edge, target, rtt_us FROM latency_sample"
	    " NOT INDEXED WHERE time_ms >= ?1 AND time_ms < ?2" :
	    "SELECT branch, edge, target, rtt_us FROM latency_sample"
	    " WHERE time_ms >= ?1 AND time_ms < ?2 ORDER BY time_ms, id",
	    -1, &st, NULL)) != SQLITE_OK)
		return (rc);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	rc = store_report_raw_rows(r, x, st);
	sqlite3_finalize(st);
	return (rc);
}

/* A series' hour its block could not give (store_report_blocks()). */
struct store_report_miss {
	const char	*branch, *edge, *target;	/* r->lat's copies */
	int64_t		 hour_ms;
};

/*
 * The whole hours [from, to) of each series the hour roll-ups hold (they
 * are written with the samples), each from its latency block (schema 7,
 * see store-block.c) when the block is sealed, counts the roll-up's sent
 * and decodes to its received replies; the others are listed in *miss
 * (*nmiss of *nrows hours).  An SQLite code, SQLITE_DONE when all were
 * read.
 */
static int
store_report_blocks(struct report *r, struct store_report_exact *x,
    int64_t from, int64_t to, struct store_report_miss **miss,
    size_t *nmiss, size_t *nrows)
{
	struct store_report_rtts	*b;
	struct report_lat		*ser = NULL;
	sqlite3_stmt			*st = NULL;
	size_t				 nser = 0, k, i, j, lost;
	int64_t				 sent, recv;
	int				 rc;

	if (store_report_series(r, "latency_hour", &ser, &nser) != 0) {
		rc = SQLITE_ERROR;
		goto out;
	}
	if ((rc = sqlite3_prepare_v2(r->db, "SELECT h.hour_ms, h.sent,"
	    " h.received, b.rtts FROM latency_hour h LEFT JOIN latency_block b"
	    " ON b.hour_ms = h.hour_ms AND b.branch = h.branch"
	    " AND b.edge = h.edge AND b.target = h.target AND b.n = h.sent"
	    " WHERE h.branch = ?1 AND h.edge = ?2 AND h.target = ?3"
	    " AND h.hour_ms >= ?4 AND h.hour_ms < ?5", -1, &st, NULL)) !=
	    SQLITE_OK)
		goto out;
	for (k = 0; k < nser; k++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, ser[k].branch, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ser[k].edge, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, ser[k].target, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, from);
		sqlite3_bind_int64(st, 5, to);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			i = store_report_series_at(r, x, ser[k].branch,
			    ser[k].edge, ser[k].target);
			b = &x->buf[i];
			sent = sqlite3_column_int64(st, 1);
			recv = sqlite3_column_int64(st, 2);
			(*nrows)++;
			if (recv >= 0 && recv <= sent &&
			    sqlite3_column_type(st, 3) == SQLITE_BLOB &&
			    store_block_decode(sqlite3_column_blob(st, 3),
			    (size_t)sqlite3_column_bytes(st, 3), (size_t)recv,
			    &b->rtt, &b->n, &b->cap) == 0) {
				for (lost = (size_t)(sent - recv), j = 0;
				    j < lost; j++)
					store_report_rtt_add(b, LATENCY_LOST);
				continue;
			}
			/* Pending, or not what the roll-up says. */
			*miss = xreallocarray(*miss, *nmiss + 1,
			    sizeof **miss);
			(*miss)[*nmiss].branch = r->lat[i].branch;
			(*miss)[*nmiss].edge = r->lat[i].edge;
			(*miss)[*nmiss].target = r->lat[i].target;
			(*miss)[(*nmiss)++].hour_ms =
			    sqlite3_column_int64(st, 0);
		}
		if (rc != SQLITE_DONE)
			goto out;
	}
	rc = SQLITE_DONE;
out:
	sqlite3_finalize(st);
	store_report_lats_free(ser, nser);
	return (rc);
}

/*
 * The hours the blocks could not give, each from its samples through
 * the (branch, edge, time) index: about a millisecond an hour of a
 * series, so only for a few (a late sample, the hours an upgrade has not
 * sealed yet are read in one pass instead).
 */
static int
store_report_misses(struct report *r, struct store_report_exact *x,
    const struct store_report_miss *miss, size_t nmiss)
{
	sqlite3_stmt		*raw;
	size_t			 i;
	int			 rc;

	if ((rc = sqlite3_prepare_v2(r->db, "SELECT branch, edge, target,"
	    " rtt_us FROM latency_sample WHERE branch = ?1 AND edge = ?2"
	    " AND time_ms >= ?4 AND time_ms < ?4 + 3600000 AND target = ?3",
	    -1, &raw, NULL)) != SQLITE_OK)
		return (rc);
	for (i = 0, rc = SQLITE_DONE; rc == SQLITE_DONE && i < nmiss; i++) {
		sqlite3_reset(raw);
		sqlite3_bind_text(raw, 1, miss[i].branch, -1, SQLITE_STATIC);
		sqlite3_bind_text(raw, 2, miss[i].edge, -1, SQLITE_STATIC);
		sqlite3_bind_text(raw, 3, miss[i].target, -1, SQLITE_STATIC);
		sqlite3_bind_int64(raw, 4, miss[i].hour_ms);
		rc = store_report_raw_rows(r, x, raw);
	}
	sqlite3_finalize(raw);
	return (rc);
}

/*
 * The series the raw samples of the window make, every one exact: its
 * whole hours from the latency blocks where the file has them, the rest
 * sample by sample, each added to its series, then each series' median,
 * mean and p95 as core/latency.c computes them, the order statistics
 * selected, not sorted (report_lat_exact(); the figures used do not
 * depend on the samples' times).  Where more than an eighth of the
 * hours have no block to use (a file just upgraded), the blocks read
 * are dropped and the window is read sample by sample in one pass.
 */
static int
store_report_latency_exact(struct report *r, char **cause)
{
	struct store_report_exact	 x;
	struct store_report_miss	*miss = NULL;
	size_t				 nmiss = 0, nrows = 0, i;
	int64_t				 newest, h0, h1;
	int				 rc = SQLITE_DONE;

	memset(&x, 0, sizeof x);
	x.prev = SIZE_MAX;
	if (store_sql_int(r->db, "SELECT max(time_ms) FROM latency_sample"
	    " WHERE" STORE_REPORT_OK("time_ms"), &newest, NULL) != SQLITE_OK) {
		*cause = store_report_dberr(r, "reading latency");
		return (-1);
	}
	h0 = h1 = r->until_ms;
	if (r->tables & REPORT_T_BLOCK) {
		h0 = store_report_ceil(r->since_ms, STORE_REPORT_HOUR_MS);
		h1 = store_report_floor(r->until_ms, STORE_REPORT_HOUR_MS);
		if (h0 >= h1)
			h0 = h1 = r->until_ms;	/* no whole hour */
	}
	if (h0 < h1)
		rc = store_report_blocks(r, &x, h0, h1, &miss, &nmiss, &nrows);
	if (rc == SQLITE_DONE && nmiss > 16 && nmiss > nrows / 8) {
		for (i = 0; i < r->nlat; i++)
			x.buf[i].n = 0;
		nmiss = 0;
		h0 = h1 = r->until_ms;
	}
	if (rc == SQLITE_DONE)
		rc = store_report_misses(r, &x, miss, nmiss);
	if (rc == SQLITE_DONE)
		rc = store_report_raw(r, &x, r->since_ms, h0, newest);
	if (rc == SQLITE_DONE)
		rc = store_report_raw(r, &x, h1, r->until_ms, newest);

	for (i = 0; i < r->nlat; i++) {
		report_lat_exact(&r->lat[i], x.buf[i].rtt, x.buf[i].n);
		free(x.buf[i].rtt);
	}
	free(x.buf);
	free(miss);
	if (rc != SQLITE_DONE) {
		*cause = store_report_dberr(r, "reading latency");
		return (-1);
	}
	return (0);
}

/* One series summed over the pieces: counts exact, the mean. */
static int
store_report_latency_sum(sqlite3_stmt **sum,
    const struct store_report_piece *p, size_t np, struct report_lat *l)
{
	sqlite3_stmt	*st;
	double		 rtt = 0;
	size_t		 i;

	l->exact = 0;
	l->from = REPORT_SAMPLES;
	l->p95_us = -1;
	for (i = 0; i < np; i++) {
		if ((st = sum[p[i].level]) == NULL)
			continue;	/* the file has no such table */
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, l->branch, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, l->edge, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, l->target, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, p[i].from);
		sqlite3_bind_int64(st, 5, p[i].to);
		if (sqlite3_step(st) != SQLITE_ROW)
			return (-1);
		if (sqlite3_column_int64(st, 0) == 0)
			continue;
		l->sent += sqlite3_column_int64(st, 1);
		l->received += sqlite3_column_int64(st, 2);
		rtt += sqlite3_column_double(st, 3);
		if (p[i].level == STORE_REPORT_HOUR &&
		    st != sum[STORE_REPORT_MIN])	/* not version 2's */
			l->from = REPORT_HOURS;
		else if (p[i].level != STORE_REPORT_RAW &&
		    l->from == REPORT_SAMPLES)
			l->from = REPORT_MINUTES;
	}
	if (l->sent > 0)
		l->loss_pct = 100.0 * (double)(l->sent - l->received) /
		    (double)l->sent;
	if (l->received > 0)
		l->mean_us = rtt / (double)l->received;
	return (0);
}

static int
store_report_lat_cmp(const void *a, const void *b)
{
	const struct report_lat	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->branch, y->branch)) != 0 ||
	    (c = strcmp(x->edge, y->edge)) != 0)
		return (c);
	return (strcmp(x->target, y->target));
}

/*
 * Every series a table holds, skipping from one to the next through its
 * primary key (branch, edge, target, time): three index seeks per
 * series, the next target, edge or branch, the first that exists.  (A
 * row value "(branch, edge, target) > (?, ?, ?)" would seek on branch
 * only and then walk the branch's rows.)  Appended to *out.
 */
static int
store_report_series(struct report *r, const char *table,
    struct report_lat **out, size_t *nout)
{
	sqlite3_stmt		*st = NULL;
	sqlite3_value		*key[3] = { NULL, NULL, NULL };
	struct report_lat	*l;
	char			*sql;
	int			 rc = SQLITE_ERROR, i;

	xasprintf(&sql, "SELECT * FROM (SELECT branch, edge, target FROM %1$s"
	    " WHERE branch = ?1 AND edge = ?2 AND target > ?3"
	    " ORDER BY target LIMIT 1) UNION ALL"
	    " SELECT * FROM (SELECT branch, edge, target FROM %1$s"
	    " WHERE branch = ?1 AND edge > ?2 ORDER BY edge, target LIMIT 1)"
	    " UNION ALL SELECT * FROM (SELECT branch, edge, target FROM %1$s"
	    " WHERE branch > ?1 ORDER BY branch, edge, target LIMIT 1)"
	    " LIMIT 1", table);
	if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	/* From ('', '', ''): only a series of three empty names is missed. */
	for (i = 1; i <= 3; i++)
		sqlite3_bind_text(st, i, "", -1, SQLITE_STATIC);
	for (rc = sqlite3_step(st); rc == SQLITE_ROW; rc = sqlite3_step(st)) {
		*out = xreallocarray(*out, *nout + 1, sizeof **out);
		l = &(*out)[(*nout)++];
		memset(l, 0, sizeof *l);
		/*
		 * The next step starts after the stored values themselves:
		 * a copy of a name as C text (cut at a NUL, a blob's bytes
		 * as text) could sort before them and find them again.
		 * Copied before sqlite3_column_text(), which turns a blob
		 * into text in place.
		 */
		for (i = 0; i < 3; i++) {
			sqlite3_value_free(key[i]);
			key[i] = sqlite3_value_dup(sqlite3_column_value(st,
			    i));
		}
		l->branch = xstrdup(store_report_text(st, 0));
		l->edge = xstrdup(store_report_text(st, 1));
		l->target = xstrdup(store_report_text(st, 2));
		sqlite3_reset(st);
		for (i = 0; i < 3; i++) {
			if (key[i] == NULL) {
				rc = SQLITE_NOMEM;
				goto out;
			}
			sqlite3_bind_value(st, i + 1, key[i]);
		}
	}
out:
	for (i = 0; i < 3; i++)
		sqlite3_value_free(key[i]);
	free(sql);
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Drop series[i] (nothing in the window, or a duplicate). */
static void
store_report_lat_drop(struct report *r, size_t i)
{
	free(r->lat[i].branch);
	free(r->lat[i].edge);
	free(r->lat[i].target);
	memmove(&r->lat[i], &r->lat[i + 1], (r->nlat - i - 1) *
	    sizeof *r->lat);
	r->nlat--;
}

static int
store_report_latency(struct report *r, char **cause)
{
	static const char *const sums[] = {
		"SELECT count(*), count(*), count(rtt_us), total(rtt_us)"
		" FROM latency_sample WHERE branch = ?1 AND edge = ?2"
		" AND target = ?3 AND time_ms >= ?4 AND time_ms < ?5",
		"SELECT count(*), coalesce(sum(sent), 0),"
		" coalesce(sum(received), 0), total(rtt_sum_us)"
		" FROM latency_minute WHERE branch = ?1 AND edge = ?2"
		" AND target = ?3 AND minute_ms >= ?4 AND minute_ms < ?5",
		"SELECT count(*), coalesce(sum(sent), 0),"
		" coalesce(sum(received), 0), total(rtt_sum_us)"
		" FROM latency_hour WHERE branch = ?1 AND edge = ?2"
		" AND target = ?3 AND hour_ms >= ?4 AND hour_ms < ?5",
	};
	static const unsigned		 table[] = { REPORT_T_SAMPLE,
					    REPORT_T_MINUTE, REPORT_T_HOUR };
	struct store_report_piece	 piece[5];
	sqlite3_stmt			*sum[3] = { NULL, NULL, NULL };
	size_t				 i, np;
	int				 rc = -1;

	if (store_report_exact(r))
		return (store_report_latency_exact(r, cause));
	if (!(r->tables & (REPORT_T_MINUTE | REPORT_T_HOUR)))
		return (0);
	if (((r->tables & REPORT_T_HOUR) &&
	    store_report_series(r, "latency_hour", &r->lat, &r->nlat) != 0) ||
	    ((r->tables & REPORT_T_MINUTE) &&
	    store_report_series(r, "latency_minute", &r->lat, &r->nlat) != 0))
		goto out;
	if (r->nlat > 1)	/* qsort() of NULL, 0 is undefined */
		qsort(r->lat, r->nlat, sizeof *r->lat,
		    store_report_lat_cmp);
	for (i = 1; i < r->nlat; i++) {
		if (store_report_lat_cmp(&r->lat[i - 1], &r->lat[i]) == 0)
			store_report_lat_drop(r, i--);
	}

	np = store_report_pieces(r, piece);
	for (i = 0; i < 3; i++) {
		/* A version 2 file's hours are its minutes'. */
		if (i == STORE_REPORT_HOUR && !(r->tables & REPORT_T_HOUR)) {
			sum[i] = sum[STORE_REPORT_MIN];
			continue;
		}
		if ((r->tables & table[i]) &&
		    sqlite3_prepare_v2(r->db, sums[i], -1, &sum[i], NULL) !=
		    SQLITE_OK)
			goto out;
	}
	for (i = 0; i < r->nlat; i++) {
		if (store_report_latency_sum(sum, piece, np, &r->lat[i]) != 0)
			goto out;
		if (r->lat[i].sent == 0)
			store_report_lat_drop(r, i--);
	}
	rc = 0;
out:
	if (rc != 0)
		*cause = store_report_dberr(r, "reading latency");
	if (sum[STORE_REPORT_HOUR] != sum[STORE_REPORT_MIN])
		sqlite3_finalize(sum[STORE_REPORT_HOUR]);
	sqlite3_finalize(sum[STORE_REPORT_MIN]);
	sqlite3_finalize(sum[STORE_REPORT_RAW]);
	return (rc);
}

/* Append the gap [from, to) to r->gaps. */
static void
store_report_gap(struct report *r, int64_t from, int64_t to)
{
	r->gaps = xreallocarray(r->gaps, r->ngaps + 1, sizeof *r->gaps);
	r->gaps[r->ngaps].from = from;
	r->gaps[r->ngaps++].to = to;
}

/*
 * The gaps between the file's runs, each run from its start to its last
 * heartbeat (a run that crashed: the last one it wrote, after each of
 * its rows), overlapping runs merged, then from the last heartbeat on;
 * before the first run's start nothing is known (a file upgraded to
 * version 3 recorded without run rows before), so no gap there.  Then
 * the runs in the window and the time in it from the first run's start
 * on without one: unknown (-1) without runs, or for a window before the
 * first.  Every run is read: a few a restart, not a month of rows.
 */
static int
store_report_runs(struct report *r, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 first = -1, at = 0, start, last, from, to;
	size_t		 i;
	int		 rc;

	r->nruns = 0;
	r->unrecorded_ms = -1;
	if (!(r->tables & REPORT_T_RUN))
		return (0);
	if (sqlite3_prepare_v2(r->db, "SELECT start_ms, last_ms FROM run"
	    " WHERE" STORE_REPORT_OK("start_ms") " AND"
	    STORE_REPORT_OK("last_ms") " ORDER BY start_ms", -1, &st, NULL) !=
	    SQLITE_OK) {
		*cause = store_report_dberr(r, "reading runs");
		return (-1);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		start = sqlite3_column_int64(st, 0);
		last = sqlite3_column_int64(st, 1);
		if (first == -1)
			first = at = start;
		if (start < r->until_ms && last > r->since_ms)
			r->nruns++;
		if (start > at)
			store_report_gap(r, at, start);
		if (last > at)
			at = last;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = store_report_dberr(r, "reading runs");
		return (-1);
	}
	if (first == -1)
		return (0);
	store_report_gap(r, at, INT64_MAX);
	if (first >= r->until_ms)
		return (0);
	r->unrecorded_ms = 0;
	for (i = 0; i < r->ngaps; i++) {
		from = r->gaps[i].from > r->since_ms ? r->gaps[i].from :
		    r->since_ms;
		to = r->gaps[i].to < r->until_ms ? r->gaps[i].to :
		    r->until_ms;
		if (to > from)
			r->unrecorded_ms += to - from;
	}
	return (0);
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
		e->type = xstrdup(store_report_text(st, 0));
		e->level = xstrdup(store_report_text(st, 1));
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
	/* The rows read are in range (STORE_REPORT_OK): so is the window. */
	if (since_ms < REPLAY_TIME_MIN_MS)
		since_ms = REPLAY_TIME_MIN_MS;
	if (until_ms > REPLAY_TIME_MAX_MS + 1)
		until_ms = REPLAY_TIME_MAX_MS + 1;
	if (until_ms <= since_ms) {
		xasprintf(cause, "%s: empty window: --until is not after "
		    "--since", r->path);
		return (-1);
	}
	r->since_ms = since_ms;
	r->until_ms = until_ms;
	/* One read transaction: a live writer's commits do not mix in. */
	sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL);
	if (store_report_runs(r, cause) != 0 ||
	    store_report_tracks(r, "SELECT session, time_ms, old_state, state"
	    " FROM session_state WHERE time_ms >= 0 AND time_ms < ?1"
	    " ORDER BY +session, time_ms, id", "Established", "Unknown",
	    &r->sessions, &r->nsessions, cause) != 0 ||
	    store_report_tracks(r, "SELECT partner, time_ms, old_state, state"
	    " FROM redundancy_state WHERE time_ms >= 0 AND time_ms < ?1"
	    " ORDER BY +partner, time_ms, id", "REDUNDANT", "UNKNOWN",
	    &r->partners, &r->npartners, cause) != 0 ||
	    ((r->tables & REPORT_T_ROUTE) && store_report_tracks(r,
	    "SELECT branch, time_ms, NULL, coalesce(routed_edge, 'unknown'),"
	    " suboptimal FROM branch_route WHERE time_ms >= 0 AND"
	    " time_ms < ?1"
	    " ORDER BY +branch, time_ms, id", "", NULL, &r->routes,
	    &r->nroutes, cause) != 0) ||
	    store_report_prefixes(r, cause) != 0 ||
	    store_report_latency(r, cause) != 0 ||
	    store_report_events(r, cause) != 0 ||
	    store_report_lifecycle(r, cause) != 0) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		return (-1);
	}
	sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	report_sanitize(r);
	return (0);
}
