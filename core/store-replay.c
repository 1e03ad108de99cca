/* SPDX-License-Identifier: ISC */
/*
 * The replay reader behind replay.h: a history read back into a model as
 * it was at a chosen time.  Its own connection, opened read-only
 * (SQLITE_OPEN_READONLY: no migrations, no PRAGMA that writes, no
 * checkpoint), so it works beside a live writer in WAL mode and leaves
 * the file's bytes alone.  Which tables exist is read from sqlite_master
 * once at open: schema 1 has the transitions and events, 2 adds latency,
 * 3 the recording runs, routed edges, prefix states and hourly roll-ups,
 * 4 the sessions' route counts, 5 the acknowledgements; a table a file
 * does not have is simply empty.
 *
 * replay_load() asks for each configured session, partner, branch and
 * prefix its last row at or before t through the (name, time) indexes,
 * all inside one read transaction so that a writer's commit cannot tear
 * the picture.  Latency links are rebuilt through latency_mon_sample()
 * from the raw samples of the window; where retention pruned them, from
 * the minute roll-ups, and before those from the hour roll-ups, each
 * roll-up spread back into samples at its mean.  The moves in time and
 * the replay bar's timeline are in store-replay-timeline.c.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/condition.h"
#include "core/eval.h"
#include "core/health.h"
#include "core/latency-mon.h"
#include "core/replay.h"
#include "core/store-private.h"
#include "core/store-replay-private.h"
#include "core/store.h"

/* The newest schema this reader knows the tables of. */
#define REPLAY_SCHEMA_KNOWN	7
#define REPLAY_SCHEMA_MAX	(STORE_SCHEMA_VERSION > REPLAY_SCHEMA_KNOWN ? \
	STORE_SCHEMA_VERSION : REPLAY_SCHEMA_KNOWN)
/* A live writer's flush holds the file for milliseconds, not seconds. */
#define REPLAY_BUSY_MS		1000

/*
 * The series after (?1, ?2, ?3) in a roll-up table's primary key: the
 * next target of the same branch and edge, else the next edge of the
 * branch, else the next branch; each a seek (SQLite runs the parts of a
 * UNION ALL in order and stops at the LIMIT).
 */
#define REPLAY_SERIES_NEXT(table)					\
	"SELECT * FROM (SELECT branch, edge, target FROM " table	\
	" WHERE branch = ?1 AND edge = ?2 AND target > ?3"		\
	" ORDER BY branch, edge, target LIMIT 1) UNION ALL "		\
	"SELECT * FROM (SELECT branch, edge, target FROM " table	\
	" WHERE branch = ?1 AND edge > ?2"				\
	" ORDER BY branch, edge, target LIMIT 1) UNION ALL "		\
	"SELECT * FROM (SELECT branch, edge, target FROM " table	\
	" WHERE branch > ?1 ORDER BY branch, edge, target LIMIT 1) "	\
	"LIMIT 1"


static const struct {
	const char	*name;
	unsigned	 bit;
} replay_tables[] = {
	{ "session_state", RT_SESSION },
	{ "redundancy_state", RT_REDUNDANCY },
	{ "events", RT_EVENTS },
	{ "latency_sample", RT_SAMPLE },
	{ "latency_minute", RT_MINUTE },
	{ "run", RT_RUN },
	{ "branch_route", RT_ROUTE },
	{ "prefix_state", RT_PREFIX },
	{ "latency_hour", RT_HOUR },
	{ "session_counts", RT_COUNTS },
	{ "event_ack", RT_ACK },
};

/* One roll-up row being spread back into samples. */
static int	 replay_connect(struct replay *, int, char **);
static char	*replay_dberr(struct replay *, int, const char *);
static int	 replay_prepare_fixed(struct replay *);
static void	 replay_compose(struct replay *, char *[4]);
static int	 replay_prepare(struct replay *, char **);
static int	 replay_last(struct replay *, enum replay_stmt, const char *,
		    int64_t, sqlite3_stmt **);
static int	 replay_sessions(struct replay *, struct model *, int64_t);
static int	 replay_partners(struct replay *, struct model *, int64_t);
static int	 replay_branches(struct replay *, struct model *, int64_t);
static int	 replay_prefix(struct replay *, struct model *,
		    struct branch *, struct branch_prefix *, int64_t);
static int	 replay_unknown(struct replay *, struct model *, int64_t,
		    size_t *);
static int	 replay_events(struct replay *, struct model *, int64_t);
static void	 replay_acked(struct model *);
static int	 replay_level(const char *);
static int	 replay_done(struct replay *);
static uint64_t	 replay_elapsed(int64_t, int64_t);
static int	 replay_flaps(struct replay *, struct session *, int64_t);
static int	 replay_counts(struct replay *, struct session *, int64_t,
		    int64_t);

/* A message for an SQLite failure, naming the file (store-sql.c). */
static char *
replay_dberr(struct replay *r, int rc, const char *doing)
{
	return (store_sql_error(r->db, r->path, rc, doing, STORE_SQL_READER));
}

/* A prepared statement, reset and unbound; NULL when its table is not. */
sqlite3_stmt *
replay_stmt(struct replay *r, enum replay_stmt which)
{
	sqlite3_stmt	*st = r->st[which];

	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	return (st);
}

/* A text column, "" for NULL. */
const char *
replay_text(sqlite3_stmt *st, int col)
{
	const char	*s = (const char *)sqlite3_column_text(st, col);

	return (s != NULL ? s : "");
}

/*
 * A name's last row at or before t from one of the (name, time) lookups:
 * 1 and *st on it, 0 when there is none (or no such table), -1 on error.
 */
static int
replay_last(struct replay *r, enum replay_stmt which, const char *name,
    int64_t t, sqlite3_stmt **st)
{
	int	 rc;

	if ((*st = replay_stmt(r, which)) == NULL)
		return (0);
	sqlite3_bind_text(*st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(*st, 2, t);
	if ((rc = sqlite3_step(*st)) == SQLITE_ROW)
		return (1);
	sqlite3_reset(*st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* The fixed statements of the tables the file has: an SQLite code. */
static int
replay_prepare_fixed(struct replay *r)
{
	static const struct {
		enum replay_stmt	 which;
		unsigned		 needs;
		const char		*sql;
	} sqls[] = {
		{ RS_SESSION, RT_SESSION,
		  "SELECT state, old_state, time_ms, remote_as, last_error, "
		  "routes_imported, routes_exported FROM session_state "
		  "WHERE session = ?1 AND time_ms <= ?2 "
		  "ORDER BY time_ms DESC, id DESC LIMIT 1" },
		{ RS_SESSION_NAME, RT_SESSION,
		  "SELECT session FROM session_state WHERE session > ?1 "
		  "ORDER BY session LIMIT 1" },
		{ RS_COUNTS, RT_COUNTS,
		  "SELECT time_ms, routes_imported, routes_exported FROM "
		  "session_counts WHERE session = ?1 AND time_ms <= ?2 "
		  "ORDER BY time_ms DESC, id DESC LIMIT 1" },
		{ RS_RUN_START, RT_RUN,
		  "SELECT max(start_ms) FROM run WHERE start_ms <= ?1" },
		{ RS_FLAPS, RT_SESSION,
		  "SELECT time_ms, old_state, state FROM session_state "
		  "WHERE session = ?1 AND time_ms >= ?2 AND time_ms <= ?3 "
		  "ORDER BY time_ms, id" },
		{ RS_CH_SESSION, RT_SESSION,
		  "SELECT session, old_state, state FROM session_state "
		  "WHERE time_ms = ?1 ORDER BY id" },
		{ RS_CH_REDUNDANCY, RT_REDUNDANCY,
		  "SELECT partner, old_state, state FROM redundancy_state "
		  "WHERE time_ms = ?1 ORDER BY id" },
		{ RS_CH_EVENT, RT_EVENTS,
		  "SELECT subject, level, type FROM events WHERE time_ms = ?1 "
		  "ORDER BY CASE level WHEN 'Critical' THEN 0 WHEN 'Error' "
		  "THEN 1 WHEN 'Warning' THEN 2 ELSE 3 END, id" },
		{ RS_CH_ROUTE, RT_ROUTE,
		  "SELECT branch, CASE WHEN suboptimal THEN 'suboptimal' "
		  "ELSE '' END, routed_edge FROM branch_route "
		  "WHERE time_ms = ?1 ORDER BY id" },
		{ RS_CH_PREFIX, RT_PREFIX,
		  "SELECT branch || ' ' || prefix, '', problem FROM "
		  "prefix_state WHERE time_ms = ?1 ORDER BY id" },
		{ RS_REDUNDANCY, RT_REDUNDANCY,
		  "SELECT state, old_state, time_ms, reason FROM "
		  "redundancy_state WHERE partner = ?1 AND time_ms <= ?2 "
		  "ORDER BY time_ms DESC, id DESC LIMIT 1" },
		{ RS_PARTNER_NAME, RT_REDUNDANCY,
		  "SELECT partner FROM redundancy_state WHERE partner > ?1 "
		  "ORDER BY partner LIMIT 1" },
		{ RS_ROUTE, RT_ROUTE,
		  "SELECT routed_edge, suboptimal FROM branch_route "
		  "WHERE branch = ?1 AND time_ms <= ?2 "
		  "ORDER BY time_ms DESC, id DESC LIMIT 1" },
		{ RS_ROUTE_NAME, RT_ROUTE,
		  "SELECT branch FROM branch_route WHERE branch > ?1 "
		  "ORDER BY branch LIMIT 1" },
		{ RS_PREFIX, RT_PREFIX,
		  "SELECT time_ms, flags, primary_up, primary_total, "
		  "backup_up, backup_total, best_origin, best_path, "
		  "best_session, carried, problem FROM prefix_state "
		  "WHERE branch = ?1 AND prefix = ?2 AND time_ms <= ?3 "
		  "ORDER BY time_ms DESC, id DESC LIMIT 1" },
		/*
		 * A prefix row is written when its flags, carrying sessions
		 * or best path change; since_ms is about the flags: the
		 * first of the rows with its last flags.
		 */
		{ RS_PREFIX_SINCE, RT_PREFIX,
		  "SELECT min(time_ms) FROM prefix_state WHERE branch = ?1 AND "
		  "prefix = ?2 AND time_ms <= ?3 AND time_ms > coalesce(("
		  "SELECT max(time_ms) FROM prefix_state WHERE branch = ?1 AND "
		  "prefix = ?2 AND time_ms <= ?3 AND flags != ?4), "
		  "-9223372036854775807 - 1)" },
		{ RS_RAW, RT_SAMPLE,
		  "SELECT branch, edge, target, source, time_ms, rtt_us "
		  "FROM latency_sample WHERE time_ms > ?1 AND time_ms <= ?2 "
		  "ORDER BY branch, edge, target, time_ms, id" },
		{ RS_RAW_OLDEST, RT_SAMPLE,
		  "SELECT min(time_ms) FROM latency_sample" },
		/*
		 * The primary key's index stepped series by series: past
		 * the whole of the last one, not through its rows.  A row
		 * value (branch, edge, target) > (?1, ?2, ?3) would be a
		 * seek to the last series' first row and a walk through all
		 * of them (43,200 a month of minutes: seconds cold); each
		 * part here is a seek past a prefix of the key.  The key is
		 * the three names alone: a time compared with the greatest
		 * integer would not step past a time stored as text or a
		 * large real, which SQLite sorts above every integer.
		 */
		{ RS_MINUTE_SERIES, RT_MINUTE,
		  REPLAY_SERIES_NEXT("latency_minute") },
		{ RS_HOUR_SERIES, RT_HOUR,
		  REPLAY_SERIES_NEXT("latency_hour") },
		{ RS_MINUTE_ROWS, RT_MINUTE,
		  "SELECT minute_ms, sent, received, rtt_sum_us "
		  "FROM latency_minute WHERE branch = ?1 AND edge = ?2 AND "
		  "target = ?3 AND minute_ms > ?4 AND minute_ms < ?5 "
		  "ORDER BY minute_ms" },
		{ RS_MINUTE_OLDEST, RT_MINUTE,
		  "SELECT minute_ms FROM latency_minute WHERE "
		  "branch = ?1 AND edge = ?2 AND target = ?3 "
		  "ORDER BY minute_ms LIMIT 1" },
		{ RS_HOUR_ROWS, RT_HOUR,
		  "SELECT hour_ms, sent, received, rtt_sum_us "
		  "FROM latency_hour WHERE branch = ?1 AND edge = ?2 AND "
		  "target = ?3 AND hour_ms > ?4 AND hour_ms < ?5 "
		  "ORDER BY hour_ms" },
		/*
		 * An acknowledgement made after t did not exist yet at t;
		 * one an event, even in a crafted table without its key.
		 * Without the table (schema < 5), the same columns as NULL.
		 */
		{ RS_EVENTS, RT_EVENTS | RT_ACK,
		  "SELECT e.id, e.time_ms, e.type, e.level, e.subject, "
		  "e.summary, e.details, a.time_ms, a.user, a.comment "
		  "FROM events e LEFT JOIN event_ack a ON a.rowid = (SELECT "
		  "rowid FROM event_ack WHERE event_id = e.id AND "
		  "time_ms <= ?1 ORDER BY time_ms LIMIT 1) WHERE e.time_ms <= ?1 "
		  "ORDER BY e.time_ms DESC, e.id DESC LIMIT ?2" },
		{ RS_EVENTS, RT_EVENTS,
		  "SELECT id, time_ms, type, level, subject, summary, details, "
		  "NULL, NULL, NULL FROM events WHERE time_ms <= ?1 "
		  "ORDER BY time_ms DESC, id DESC LIMIT ?2" },
		{ RS_TL_EVENTS, RT_EVENTS,
		  "SELECT max(CASE level "
		  "WHEN 'Information' THEN 0 WHEN 'Warning' THEN 1 "
		  "WHEN 'Error' THEN 2 ELSE 3 END) FROM events "
		  "WHERE time_ms >= ?1 AND time_ms < ?2" },
		{ RS_TL_RUNS, RT_RUN,
		  "SELECT start_ms, last_ms FROM run "
		  "WHERE last_ms >= ?1 AND start_ms < ?2 ORDER BY start_ms" },
		{ RS_COVERED, RT_RUN,
		  "SELECT EXISTS (SELECT 1 FROM run "
		  "WHERE start_ms <= ?1 AND last_ms >= ?1)" },
		{ RS_DATA_VERSION, 0, "PRAGMA data_version" },
		{ RS_CONFIG, RT_RUN,
		  "SELECT config, config_path FROM run "
		  "ORDER BY start_ms DESC, id DESC LIMIT 1" },
	};
	size_t	 i;
	int	 rc = SQLITE_OK;

	/* Of two entries for one statement, the first the file can take. */
	for (i = 0; i < nitems(sqls) && rc == SQLITE_OK; i++) {
		if ((r->tables & sqls[i].needs) != sqls[i].needs ||
		    r->st[sqls[i].which] != NULL)
			continue;
		rc = store_sql_prepare(r->db, sqls[i].sql,
		    &r->st[sqls[i].which]);
	}
	return (rc);
}

/*
 * The change tables' time columns unioned, for replay_step(),
 * replay_span() and the timeline: the parts of RS_NEXT, RS_PREV, RS_SPAN
 * and RS_TL_ROWS, in that order, malloc'd.
 */
static void
replay_compose(struct replay *r, char *part[4])
{
	static const struct {
		unsigned	 needs;
		const char	*table;
	} changes[] = {
		{ RT_SESSION, "session_state" },
		{ RT_REDUNDANCY, "redundancy_state" },
		{ RT_EVENTS, "events" },
		{ RT_ROUTE, "branch_route" },
		{ RT_PREFIX, "prefix_state" },
	};
	char	*next = NULL, *prev = NULL, *span = NULL, *rows = NULL;
	char	*tmp;
	size_t	 i;

	for (i = 0; i < nitems(changes); i++) {
		if ((r->tables & changes[i].needs) == 0)
			continue;
		xasprintf(&tmp, "%s%sSELECT min(time_ms) t FROM %s "
		    "WHERE time_ms > ?1 AND time_ms <= %lld",
		    next != NULL ? next : "", next != NULL ? " UNION ALL " : "",
		    changes[i].table, REPLAY_TIME_MAX_MS);
		free(next);
		next = tmp;
		xasprintf(&tmp, "%s%sSELECT max(time_ms) t FROM %s "
		    "WHERE time_ms < ?1 AND time_ms >= %lld",
		    prev != NULL ? prev : "", prev != NULL ? " UNION ALL " : "",
		    changes[i].table, REPLAY_TIME_MIN_MS);
		free(prev);
		prev = tmp;
		/* Times outside 1970..9999 are damage: not the span. */
		xasprintf(&tmp, "%s%sSELECT min(time_ms) a, max(time_ms) b "
		    "FROM %s WHERE time_ms BETWEEN %lld AND %lld",
		    span != NULL ? span : "", span != NULL ? " UNION ALL " : "",
		    changes[i].table, REPLAY_TIME_MIN_MS, REPLAY_TIME_MAX_MS);
		free(span);
		span = tmp;
		/* Coverage of files without runs: any row in the cell. */
		xasprintf(&tmp, "%s%sEXISTS (SELECT 1 FROM %s WHERE "
		    "time_ms >= ?1 AND time_ms < ?2)", rows != NULL ? rows : "",
		    rows != NULL ? " OR " : "", changes[i].table);
		free(rows);
		rows = tmp;
	}
	if (r->tables & RT_SAMPLE) {
		xasprintf(&tmp, "%s UNION ALL SELECT min(time_ms), "
		    "max(time_ms) FROM latency_sample WHERE time_ms BETWEEN "
		    "%lld AND %lld", span, REPLAY_TIME_MIN_MS,
		    REPLAY_TIME_MAX_MS);
		free(span);
		span = tmp;
		xasprintf(&tmp, "%s OR EXISTS (SELECT 1 FROM latency_sample "
		    "WHERE time_ms >= ?1 AND time_ms < ?2)", rows);
		free(rows);
		rows = tmp;
	}
	if (r->tables & RT_RUN) {
		xasprintf(&tmp, "%s UNION ALL SELECT min(start_ms), "
		    "max(last_ms) FROM run WHERE start_ms BETWEEN %lld AND %lld "
		    "AND last_ms BETWEEN %lld AND %lld", span,
		    REPLAY_TIME_MIN_MS, REPLAY_TIME_MAX_MS, REPLAY_TIME_MIN_MS,
		    REPLAY_TIME_MAX_MS);
		free(span);
		span = tmp;
	}
	part[0] = next;
	part[1] = prev;
	part[2] = span;
	part[3] = rows;
}

/*
 * The statements of the tables the file has: the fixed ones, then those
 * composed of the change tables' parts, each between a head and a tail.
 */
static int
replay_prepare(struct replay *r, char **cause)
{
	static const struct {
		enum replay_stmt	 which;
		const char		*head, *tail;
	} composed[] = {
		{ RS_NEXT, "SELECT min(t) FROM (", ")" },
		{ RS_PREV, "SELECT max(t) FROM (", ")" },
		{ RS_SPAN, "SELECT min(a), max(b) FROM (", ")" },
		{ RS_TL_ROWS, "SELECT ", "" },
	};
	char	*part[nitems(composed)], *tmp;
	size_t	 i;
	int	 rc;

	rc = replay_prepare_fixed(r);
	replay_compose(r, part);
	for (i = 0; i < nitems(composed) && rc == SQLITE_OK; i++) {
		xasprintf(&tmp, "%s%s%s", composed[i].head, part[i],
		    composed[i].tail);
		rc = store_sql_prepare(r->db, tmp, &r->st[composed[i].which]);
		free(tmp);
	}
	for (i = 0; i < nitems(composed); i++)
		free(part[i]);
	if (rc != SQLITE_OK) {
		*cause = replay_dberr(r, rc, "damaged peertop history");
		return (-1);
	}
	return (0);
}

/*
 * The read-only connection.  immutable (a URI, so the path is
 * percent-encoded into one) tells SQLite that nobody writes the file, so
 * it needs no -shm beside it.
 */
static int
replay_connect(struct replay *r, int immutable, char **cause)
{
	int	 rc;

	rc = store_sql_open(r->path, SQLITE_OPEN_READONLY, immutable, &r->db);
	if (rc != SQLITE_OK) {
		*cause = replay_dberr(r, rc, "cannot open");
		return (-1);
	}
	sqlite3_busy_timeout(r->db, REPLAY_BUSY_MS);
	/*
	 * This connection's own page cache, not the file: 32 MB, not 2,
	 * keeps the indexes a session jumps through (29 ms a load instead
	 * of 39 in the 30-day benchmark).  No mmap: a file cut short under
	 * a mapping would be SIGBUS, not a message.
	 */
	sqlite3_exec(r->db, "PRAGMA cache_size = -32768", NULL, NULL, NULL);
	return (0);
}

struct replay *
replay_open(const char *path, char **cause)
{
	struct replay	*r;
	sqlite3_stmt	*st = NULL;
	int64_t		 appid, version;
	const char	*name;
	size_t		 i;
	int		 rc;

	*cause = NULL;
	if (store_check_history(path, cause) != 0)
		return (NULL);
	r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	if (replay_connect(r, 0, cause) != 0)
		goto fail;
	rc = store_sql_int(r->db, "PRAGMA application_id", &appid, NULL);
	/*
	 * A WAL file in a directory replay cannot write: SQLite cannot make
	 * the -shm index it reads through; without a -wal it is immutable.
	 */
	if (store_immutable_ok(r->path, rc)) {
		sqlite3_close(r->db);
		r->db = NULL;
		if (replay_connect(r, 1, cause) != 0)
			goto fail;
		rc = store_sql_int(r->db, "PRAGMA application_id", &appid,
		    NULL);
	}
	if (rc != SQLITE_OK || (rc = store_sql_int(r->db,
	    "PRAGMA user_version", &version, NULL)) != SQLITE_OK) {
		*cause = replay_dberr(r, rc, "reading the schema");
		goto fail;
	}
	if (appid != STORE_APPLICATION_ID) {
		xasprintf(cause, "%s: not a peertop history (application_id "
		    "0x%08llx)", path, (unsigned long long)(uint32_t)appid);
		goto fail;
	}
	if (version > REPLAY_SCHEMA_MAX) {
		xasprintf(cause, "%s: schema version %lld is newer than this "
		    "peertop supports (%d); use a newer peertop", path,
		    (long long)version, REPLAY_SCHEMA_MAX);
		goto fail;
	}
	if (version < 1) {
		xasprintf(cause, "%s: not a peertop history (schema version "
		    "%lld)", path, (long long)version);
		goto fail;
	}
	r->version = (int)version;

	rc = sqlite3_prepare_v2(r->db, "SELECT name FROM sqlite_master "
	    "WHERE type = 'table'", -1, &st, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = replay_text(st, 0);
		for (i = 0; i < nitems(replay_tables); i++)
			if (strcmp(name, replay_tables[i].name) == 0)
				r->tables |= replay_tables[i].bit;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = replay_dberr(r, rc, "reading the schema");
		goto fail;
	}
	if ((r->tables & RT_SESSION) == 0) {
		xasprintf(cause, "%s: not a peertop history (no session_state "
		    "table)", path);
		goto fail;
	}
	if (replay_prepare(r, cause) != 0)
		goto fail;
	return (r);

fail:
	replay_close(r);
	return (NULL);
}

void
replay_close(struct replay *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	for (i = 0; i < RS_COUNT; i++)
		sqlite3_finalize(r->st[i]);
	free(r->tl.level);
	free(r->tl.data);
	free(r->tl.edge);
	if (r->db != NULL)
		sqlite3_close(r->db);
	free(r->path);
	free(r);
}

/* A value's place in SQLite's order of storage classes. */
static int
replay_value_class(sqlite3_value *v)
{
	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		return (0);
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		return (1);
	case SQLITE_TEXT:
		return (2);
	default:
		return (3);
	}
}

/*
 * a against b in SQLite's order (BINARY collation): <0, 0 or >0.  A
 * damaged index may hand back a key that is not past the last one; the
 * walks below stop there rather than go round for ever.
 */
static int
replay_value_cmp(sqlite3_value *a, sqlite3_value *b)
{
	const void	*pa, *pb;
	double		 da, db;
	int64_t		 ia, ib;
	int		 ca = replay_value_class(a), cb = replay_value_class(b);
	int		 la, lb, c;

	if (ca != cb)
		return (ca < cb ? -1 : 1);
	switch (ca) {
	case 0:
		return (0);
	case 1:
		if (sqlite3_value_type(a) == SQLITE_INTEGER &&
		    sqlite3_value_type(b) == SQLITE_INTEGER) {
			ia = sqlite3_value_int64(a);
			ib = sqlite3_value_int64(b);
			return (ia < ib ? -1 : ia > ib);
		}
		da = sqlite3_value_double(a);
		db = sqlite3_value_double(b);
		return (da < db ? -1 : da > db);
	case 2:
		pa = sqlite3_value_text(a);
		pb = sqlite3_value_text(b);
		break;
	default:
		pa = sqlite3_value_blob(a);
		pb = sqlite3_value_blob(b);
		break;
	}
	la = sqlite3_value_bytes(a);
	lb = sqlite3_value_bytes(b);
	if ((c = memcmp(pa != NULL ? pa : "", pb != NULL ? pb : "",
	    (size_t)(la < lb ? la : lb))) != 0)
		return (c);
	return (la < lb ? -1 : la > lb);
}

/*
 * The next key of n columns after key (all NULL: the first) from st,
 * whose parameters 1..n are the last key.  The stored values are kept in
 * key exactly for the next step, so that a name longer than a model's,
 * or not text at all, still moves the walk on (a truncated or converted
 * copy would find the same row again, for ever); names[i] gets the
 * value as a model holds names (NAME_MAX_PT).  1 on a key, 0 at the end,
 * -1 on error.
 */
static int
replay_key_next(sqlite3_stmt *st, sqlite3_value **key, size_t n,
    char *const *names)
{
	size_t	 i;
	int	 rc, c = 0;

	for (i = 0; i < n; i++) {
		if (key[i] != NULL)
			sqlite3_bind_value(st, (int)i + 1, key[i]);
		else
			sqlite3_bind_text(st, (int)i + 1, "", -1,
			    SQLITE_STATIC);
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW && key[0] != NULL) {
		/* Past the last key, or the index is damaged. */
		for (i = 0; i < n; i++)
			if ((c = replay_value_cmp(sqlite3_column_value(st,
			    (int)i), key[i])) != 0)
				break;
		if (i == n || c < 0)
			rc = SQLITE_CORRUPT;
	}
	if (rc == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			sqlite3_value_free(key[i]);
			if ((key[i] = sqlite3_value_dup(sqlite3_column_value(st,
			    (int)i))) == NULL)
				rc = SQLITE_NOMEM;
			strlcpy_pt(names[i], replay_text(st, (int)i),
			    NAME_MAX_PT);
		}
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* The next series (branch, edge, target) of a roll-up table. */
int
replay_series_next(sqlite3_stmt *st, sqlite3_value *key[3], char *b,
    char *e, char *tg)
{
	char	*names[3] = { b, e, tg };

	return (replay_key_next(st, key, 3, names));
}

void
replay_key_free(sqlite3_value **key, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		sqlite3_value_free(key[i]);
		key[i] = NULL;
	}
}

int
replay_span(struct replay *r, int64_t *oldest_ms, int64_t *newest_ms)
{
	static const enum replay_stmt which[2][2] = {
		{ RS_MINUTE_SERIES, RS_MINUTE_ROWS },
		{ RS_HOUR_SERIES, RS_HOUR_ROWS },
	};
	sqlite3_stmt	*st = replay_stmt(r, RS_SPAN), *ser;
	sqlite3_value	*key[3] = { NULL, NULL, NULL };
	char		 b[NAME_MAX_PT], e[NAME_MAX_PT], tg[NAME_MAX_PT];
	int64_t		 lo = -1, hi = -1, v;
	size_t		 i;
	int		 rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL) {
		lo = sqlite3_column_int64(st, 0);
		hi = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return (-1);

	/*
	 * The roll-ups have no time index: their oldest rows, series by
	 * series through the primary key.
	 */
	for (i = 0; i < nitems(which); i++) {
		while ((ser = replay_stmt(r, which[i][0])) != NULL &&
		    replay_series_next(ser, key, b, e, tg) == 1) {
			st = replay_stmt(r, which[i][1]);
			sqlite3_bind_value(st, 1, key[0]);
			sqlite3_bind_value(st, 2, key[1]);
			sqlite3_bind_value(st, 3, key[2]);
			sqlite3_bind_int64(st, 4, INT64_MIN);
			sqlite3_bind_int64(st, 5, INT64_MAX);
			/*
			 * A roll-up row stands for its whole minute or hour:
			 * it moves the start only when all of it lies before
			 * the oldest row (the current hour's bucket starts
			 * before the recording did).
			 */
			if (sqlite3_step(st) == SQLITE_ROW) {
				v = sqlite3_column_int64(st, 0);
				/* lo - v in unsigned: no overflow at the ends. */
				if (lo == -1 || (v < lo && (uint64_t)lo -
				    (uint64_t)v >= (uint64_t)(i == 0 ?
				    REPLAY_MINUTE_MS : REPLAY_HOUR_MS)))
					lo = v;
				if (hi == -1)
					hi = v;
			}
			sqlite3_reset(st);
		}
		replay_key_free(key, 3);
	}
	if (lo == -1)
		return (-1);
	/* A damaged file's times may be anything, text included. */
	lo = lo < REPLAY_TIME_MIN_MS ? REPLAY_TIME_MIN_MS :
	    lo > REPLAY_TIME_MAX_MS ? REPLAY_TIME_MAX_MS : lo;
	hi = hi < REPLAY_TIME_MIN_MS ? REPLAY_TIME_MIN_MS :
	    hi > REPLAY_TIME_MAX_MS ? REPLAY_TIME_MAX_MS : hi;
	if (hi < lo)
		hi = lo;
	*oldest_ms = lo;
	*newest_ms = hi;
	return (0);
}

char *
replay_config(struct replay *r, char **path)
{
	sqlite3_stmt	*st;
	char		*text = NULL;

	if (path != NULL)
		*path = NULL;
	if ((st = replay_stmt(r, RS_CONFIG)) == NULL)
		return (NULL);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL) {
		text = xstrdup(replay_text(st, 0));
		if (path != NULL && sqlite3_column_type(st, 1) != SQLITE_NULL)
			*path = xstrdup(replay_text(st, 1));
	}
	sqlite3_reset(st);
	return (text);
}

/* b - a for a later time b, 0 when it is not later: no overflow. */
static uint64_t
replay_elapsed(int64_t a, int64_t b)
{
	return (b > a ? (uint64_t)b - (uint64_t)a : 0);
}

/*
 * A session's flaps as the live model counts them since it started,
 * from the start of the recording run t falls in (the file's first row
 * without runs), and whether it was flapping: the transitions walked as
 * model.c's drop and settle see them, with the report's rule for what
 * a drop is (store-report.c): into a known state other than Established
 * while the last known one was, the first row's old_state standing for
 * it until a state is known.
 */
static int
replay_flaps(struct replay *r, struct session *s, int64_t t)
{
	sqlite3_stmt	*st;
	int64_t		 from = INT64_MIN, tm, drops[SESSION_FLAP_COUNT];
	int		 rc, known = -1, state, old, isup;

	s->flaps = 0;
	s->flapping = 0;
	memset(drops, 0, sizeof drops);
	if ((st = replay_stmt(r, RS_RUN_START)) != NULL) {
		sqlite3_bind_int64(st, 1, t);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) == SQLITE_INTEGER)
			from = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return (-1);
	}
	if ((st = replay_stmt(r, RS_FLAPS)) == NULL)
		return (0);
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, t);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		tm = sqlite3_column_int64(st, 0);
		old = bgp_state_from_name(replay_text(st, 1));
		state = bgp_state_from_name(replay_text(st, 2));
		/* A whole window up since the last drop: stable again. */
		if (s->flapping && known == 1 && replay_elapsed(drops[s->flaps %
		    SESSION_FLAP_COUNT], tm) >= SESSION_FLAP_WINDOW_MS)
			s->flapping = 0;
		if (known == -1 && old > BGP_UNKNOWN)
			known = old == BGP_ESTABLISHED;
		if (state <= BGP_UNKNOWN)
			continue;
		isup = state == BGP_ESTABLISHED;
		if (known == 1 && !isup && s->flaps < UINT32_MAX) {
			s->flaps++;
			drops[s->flaps % SESSION_FLAP_COUNT] = tm;
			if (s->flaps >= SESSION_FLAP_COUNT &&
			    replay_elapsed(drops[(s->flaps + 1) %
			    SESSION_FLAP_COUNT], tm) <= SESSION_FLAP_WINDOW_MS)
				s->flapping = 1;
		}
		known = isup;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return (-1);
	if (s->flapping && s->state == BGP_ESTABLISHED && replay_elapsed(
	    drops[s->flaps % SESSION_FLAP_COUNT], t) >= SESSION_FLAP_WINDOW_MS)
		s->flapping = 0;
	return (0);
}

/*
 * A session's route counts: its last session_counts row when that is
 * newer than its transition at since (which carries them too).  Without
 * one the file was not recording them then: unknown, not 0.
 */
static int
replay_counts(struct replay *r, struct session *s, int64_t since,
    int64_t t)
{
	sqlite3_stmt	*st;
	int		 rc;

	s->routes_unrecorded = 1;
	if ((rc = replay_last(r, RS_COUNTS, s->name, t, &st)) != 1)
		return (rc);
	s->routes_unrecorded = 0;
	if (sqlite3_column_int64(st, 0) >= since) {
		s->routes_imported = (uint32_t)sqlite3_column_int64(st, 1);
		s->routes_exported = (uint32_t)sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return (0);
}

/* Each session as of its last transition at or before t. */
static int
replay_sessions(struct replay *r, struct model *m, int64_t t)
{
	sqlite3_stmt	*st;
	struct session	*s;
	size_t		 i;
	int		 rc, state, old;

	for (i = 0; i < m->nsessions; i++) {
		s = m->sessions[i];
		s->state = s->known = BGP_UNKNOWN;
		s->since_ms = 0;
		s->remote_as = 0;
		s->last_error[0] = '\0';
		s->routes_imported = s->routes_exported = 0;
		s->routes_unrecorded = 0;
		s->flaps = 0;
		s->flapping = 0;

		if ((rc = replay_last(r, RS_SESSION, s->name, t, &st)) == -1)
			return (-1);
		if (rc == 0)
			continue;
		if ((state = bgp_state_from_name(replay_text(st, 0))) < 0)
			state = BGP_UNKNOWN;
		old = bgp_state_from_name(replay_text(st, 1));
		s->state = state;
		/* Lost by its collector: the last state one reported. */
		s->known = state != BGP_UNKNOWN ? state :
		    old > 0 ? old : BGP_UNKNOWN;
		s->since_ms = sqlite3_column_int64(st, 2);
		s->remote_as = (uint32_t)sqlite3_column_int64(st, 3);
		strlcpy_pt(s->last_error, replay_text(st, 4),
		    sizeof s->last_error);
		s->routes_imported = (uint32_t)sqlite3_column_int64(st, 5);
		s->routes_exported = (uint32_t)sqlite3_column_int64(st, 6);
		sqlite3_reset(st);
		if (replay_counts(r, s, s->since_ms, t) != 0 ||
		    replay_flaps(r, s, t) != 0)
			return (-1);
	}
	return (0);
}

/* A redundancy name back to its enum; -1 when unknown. */
static int
replay_redundancy(const char *name)
{
	int	 i;

	for (i = RED_UNKNOWN; i <= RED_DOWN; i++)
		if (strcmp(redundancy_name(i), name) == 0)
			return (i);
	return (-1);
}

/* Each partner's recorded redundancy (not recomputed: as it was said). */
static int
replay_partners(struct replay *r, struct model *m, int64_t t)
{
	sqlite3_stmt	*st;
	struct partner	*p;
	size_t		 i;
	int		 rc, red, old;

	for (i = 0; i < m->npartners; i++) {
		p = m->partners[i];
		p->red = p->red_known = RED_UNKNOWN;
		p->red_since_ms = 0;
		strlcpy_pt(p->reason, "not recorded at this time",
		    sizeof p->reason);
		if ((rc = replay_last(r, RS_REDUNDANCY, p->name, t, &st)) ==
		    -1)
			return (-1);
		if (rc == 0)
			continue;
		if ((red = replay_redundancy(replay_text(st, 0))) < 0)
			red = RED_UNKNOWN;
		old = replay_redundancy(replay_text(st, 1));
		p->red = red;
		p->red_known = red != RED_UNKNOWN ? red :
		    old > 0 ? old : RED_UNKNOWN;
		p->red_since_ms = sqlite3_column_int64(st, 2);
		strlcpy_pt(p->reason, replay_text(st, 3), sizeof p->reason);
	}
	return (0);
}

/* One registered prefix as of its last recorded state. */
static int
replay_prefix(struct replay *r, struct model *m, struct branch *b,
    struct branch_prefix *bp, int64_t t)
{
	sqlite3_stmt	*st;
	struct session	*s;
	char		 pfx[PREFIX_STRLEN];
	int		 rc;

	bp->seen = 0;
	bp->flags = 0;
	bp->nprimary = bp->nbackup = 0;
	bp->nprimary_total = bp->nbackup_total = 0;
	bp->best_origin = 0;
	bp->best_path[0] = '\0';
	bp->best_session = -1;
	bp->carried[0] = '\0';
	bp->bad_origin = 0;
	bp->problem[0] = '\0';
	bp->since_ms = 0;
	if ((st = replay_stmt(r, RS_PREFIX)) == NULL)
		return (0);
	prefix_fmt(&bp->prefix, pfx, sizeof pfx);
	sqlite3_bind_text(st, 1, b->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pfx, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, t);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		return (0);
	if (rc != SQLITE_ROW)
		return (-1);
	bp->seen = 1;
	bp->since_ms = sqlite3_column_int64(st, 0);
	bp->flags = (unsigned)sqlite3_column_int64(st, 1);
	bp->nprimary = (unsigned)sqlite3_column_int64(st, 2);
	bp->nprimary_total = (unsigned)sqlite3_column_int64(st, 3);
	bp->nbackup = (unsigned)sqlite3_column_int64(st, 4);
	bp->nbackup_total = (unsigned)sqlite3_column_int64(st, 5);
	bp->best_origin = (uint32_t)sqlite3_column_int64(st, 6);
	strlcpy_pt(bp->best_path, replay_text(st, 7), sizeof bp->best_path);
	if ((s = model_session_find(m, replay_text(st, 8))) != NULL) {
		for (bp->best_session = 0; m->sessions[bp->best_session] != s;
		    bp->best_session++)
			;
	}
	strlcpy_pt(bp->carried, replay_text(st, 9), sizeof bp->carried);
	strlcpy_pt(bp->problem, replay_text(st, 10), sizeof bp->problem);

	st = replay_stmt(r, RS_PREFIX_SINCE);
	sqlite3_bind_text(st, 1, b->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pfx, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, t);
	sqlite3_bind_int64(st, 4, bp->flags);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return (-1);
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		bp->since_ms = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return (0);
}

/*
 * Each branch's routed edge and SuboptimalRouting, its prefixes, and the
 * sessions up/total, counted by health.c (its partner's, or all).
 */
static int
replay_branches(struct replay *r, struct model *m, int64_t t)
{
	sqlite3_stmt	*st;
	struct branch	*b;
	size_t		 i, j;
	int		 rc;

	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		b->routed = -1;
		b->suboptimal = 0;
		if ((rc = replay_last(r, RS_ROUTE, b->name, t, &st)) == -1)
			return (-1);
		if (rc == 1) {
			if (sqlite3_column_type(st, 0) != SQLITE_NULL)
				b->routed = model_edge_find(m,
				    replay_text(st, 0));
			b->suboptimal = sqlite3_column_int(st, 1) != 0;
		}
		for (j = 0; j < b->nprefixes; j++)
			if (replay_prefix(r, m, b, &b->prefixes[j], t) != 0)
				return (-1);

		health_branch(m, b);
		b->last_event[0] = '\0';
		b->last_event_ms = 0;
	}
	return (0);
}

/*
 * The names that have a row at or before t but no place in the
 * configuration, one for each: the rows replay_load() could not apply.
 * The names are stepped through their (name, time) indexes, from the
 * stored value itself: a copy cut at a NUL inside the text, or at the
 * buffer's end, would find the same name again, for ever.
 */
static int
replay_unknown(struct replay *r, struct model *m, int64_t t, size_t *unknown)
{
	static const struct {
		enum replay_stmt	 names, last;
		int			 kind;	/* session, partner, branch */
	} scans[] = {
		{ RS_SESSION_NAME, RS_SESSION, 0 },
		{ RS_PARTNER_NAME, RS_REDUNDANCY, 1 },
		{ RS_ROUTE_NAME, RS_ROUTE, 2 },
	};
	sqlite3_stmt	*last;
	sqlite3_value	*key = NULL;
	char		 name[NAME_MAX_PT], *names[1] = { name };
	size_t		 i;
	int		 rc, known;

	for (i = 0; i < nitems(scans); i++) {
		if (r->st[scans[i].names] == NULL)
			continue;
		while ((rc = replay_key_next(replay_stmt(r, scans[i].names),
		    &key, 1, names)) == 1) {
			switch (scans[i].kind) {
			case 0:
				known = model_session_find(m, name) != NULL;
				break;
			case 1:
				known = model_partner_find(m, name) != NULL;
				break;
			default:
				known = model_branch_find(m, name) != NULL;
				break;
			}
			if (known)
				continue;
			/* Its row at or before t, by the stored name too. */
			last = replay_stmt(r, scans[i].last);
			sqlite3_bind_value(last, 1, key);
			sqlite3_bind_int64(last, 2, t);
			rc = sqlite3_step(last);
			sqlite3_reset(last);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				goto fail;
			*unknown += rc == SQLITE_ROW;
		}
		replay_key_free(&key, 1);
		if (rc == -1)
			return (-1);
	}
	return (0);

fail:
	replay_key_free(&key, 1);
	return (-1);
}

/* An event level's name back to the enum (Critical when unknown). */
static int
replay_level(const char *name)
{
	int	 i;

	for (i = LVL_INFO; i < LVL_CRITICAL; i++)
		if (strcmp(level_name(i), name) == 0)
			return (i);
	return (LVL_CRITICAL);
}

/* The ring: the last MODEL_EVENTS_MAX events at or before t, as stored. */
static int
replay_events(struct replay *r, struct model *m, int64_t t)
{
	sqlite3_stmt	*st;
	struct event	*evs, *ev;
	int64_t		 run_ms = INT64_MIN;
	size_t		 n = 0;
	int		 rc = SQLITE_DONE, ended = 0;

	model_events_clear(m);
	if ((st = replay_stmt(r, RS_EVENTS)) == NULL)
		return (0);
	evs = xcalloc(MODEL_EVENTS_MAX, sizeof *evs);
	sqlite3_bind_int64(st, 1, t);
	sqlite3_bind_int(st, 2, MODEL_EVENTS_MAX);
	while (n < MODEL_EVENTS_MAX && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev = &evs[n++];
		ev->id = sqlite3_column_int64(st, 0);
		ev->time_ms = sqlite3_column_int64(st, 1);
		strlcpy_pt(ev->type, replay_text(st, 2), sizeof ev->type);
		ev->level = replay_level(replay_text(st, 3));
		strlcpy_pt(ev->subject, replay_text(st, 4), sizeof ev->subject);
		strlcpy_pt(ev->summary, replay_text(st, 5), sizeof ev->summary);
		strlcpy_pt(ev->details, replay_text(st, 6), sizeof ev->details);
		store_sql_ack(st, 7, ev);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		rc = SQLITE_DONE;
	/* What an earlier run left open is not open in this one (as live:
	 * condition_end() on the history read at start-up). */
	if ((st = replay_stmt(r, RS_RUN_START)) != NULL) {
		sqlite3_bind_int64(st, 1, t);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			run_ms = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	/* Newest first from the query; the ring takes them oldest first. */
	while (rc == SQLITE_DONE && n > 0) {
		ev = &evs[--n];
		if (ev->time_ms >= run_ms && ended++ == 0) {
			condition_end(m);
			m->ended_ms = run_ms;	/* the carry's, as live */
		}
		model_event_add(m, ev);
		if (ev->id > m->evseq)
			m->evseq = ev->id;
	}
	if (ended == 0)
		condition_end(m);	/* all of them before this run */
	replay_acked(m);
	free(evs);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/*
 * An open condition is acknowledged as its opener in the ring is, as of
 * t (condition.c copies an acknowledgement only onto a re-raise).
 */
static void
replay_acked(struct model *m)
{
	struct condition	*c;
	const struct event	*e;
	size_t			 i;

	for (i = 0; i < m->nconds; i++) {
		c = &m->conds[i];
		if ((e = model_event_find(m, c->opened_id)) == NULL ||
		    e->ack_ms == 0)
			continue;
		c->ack_ms = e->ack_ms;
		memcpy(c->ack_user, e->ack_user, sizeof c->ack_user);
		memcpy(c->ack_comment, e->ack_comment, sizeof c->ack_comment);
	}
}

/*
 * End the read transaction.  Every statement is reset first: one left on
 * a row would keep the snapshot, and the next load would not see a live
 * writer's new rows.
 */
static int
replay_done(struct replay *r)
{
	size_t	 i;

	for (i = 0; i < RS_COUNT; i++)
		if (r->st[i] != NULL)
			sqlite3_reset(r->st[i]);
	return (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL));
}

int
replay_load(struct replay *r, struct model *m, int64_t t, size_t *unknown,
    char **cause)
{
	struct model_sink	 sink = m->sink;
	int			 rc;

	*cause = NULL;
	if (unknown != NULL)
		*unknown = 0;
	/*
	 * One read transaction: a live writer's commit lands before or
	 * after the whole picture, never in the middle of it.
	 */
	if ((rc = sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
		goto fail;
	/* Whatever the caller hooked up, a replay tells nobody. */
	memset(&m->sink, 0, sizeof m->sink);
	if (replay_sessions(r, m, t) != 0 || replay_partners(r, m, t) != 0 ||
	    replay_branches(r, m, t) != 0 ||
	    (unknown != NULL && replay_unknown(r, m, t, unknown) != 0) ||
	    replay_latency(r, m, t, unknown) != 0 ||
	    replay_events(r, m, t) != 0) {
		rc = sqlite3_errcode(r->db);
		m->sink = sink;
		replay_done(r);
		goto fail;
	}
	m->sink = sink;
	if ((rc = replay_done(r)) != SQLITE_OK)
		goto fail;
	model_touch(m, DIRTY_ALL);
	return (0);

fail:
	*cause = replay_dberr(r, rc, "reading the history");
	return (-1);
}
