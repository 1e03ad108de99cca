/*
 * The SQLite history: the only file that includes sqlite3.h.  store_open()
 * checks the file before SQLite may touch it (not SQLite, damaged, another
 * program's database, a newer schema, read-only), then brings the schema
 * up to STORE_SCHEMA_VERSION through the migrations[] table, one
 * transaction per step.  Rows from the model are copied into an in-memory
 * queue and committed in one transaction by store_flush(), which a
 * persistent libevent timer calls every few hundred milliseconds; a failed
 * flush rolls back, keeps the queue and tries again at the next tick, so
 * the file never holds half a batch.  Latency samples (schema version 2)
 * have their own compact queue, flushed in the same transaction, and are
 * summed per series and minute into latency_minute, and per hour into
 * latency_hour (version 3), at each flush.  Version 3 also records each
 * run of peertop (with its configuration's text, and a heartbeat that
 * every flush moves on), the route monitor's prefix states and each
 * branch's routed edge.  The schema is an interface, described in
 * man/schema.mdoc: change it only by adding a migration.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sqlite3.h>

#include "latmon.h"
#include "store.h"
#include "store-private.h"

#define STORE_BUSY_MS		2000	/* open and the last flush, not the loop */
#define STORE_QUEUE_MAX		100000
/*
 * Round trips above a minute are clamped: no prober waits that long, and
 * the bound keeps a roll-up's sum of squares in 64 bits (see
 * store_insert_latency()).
 */
#define STORE_RTT_MAX_US	(60 * 1000 * 1000LL)
/* PRAGMA quick_check on open only while it is cheap. */
#define STORE_QUICK_CHECK_MAX	(64 * 1024 * 1024)
/* The run row: the configuration's text up to this, and the heartbeat. */
#define STORE_RUN_CONFIG_MAX	(1024 * 1024)
#define STORE_BEAT_MS		10000	/* idle: a flush for last_ms alone */

#define STORE_MINUTE_MS		60000LL
#define STORE_HOUR_MS		3600000LL

enum store_kind {
	ROW_SESSION, ROW_REDUNDANCY, ROW_EVENT, ROW_PREFIX, ROW_ROUTE
};

struct store_row_session {
	int64_t		 time_ms;
	char		 session[NAME_MAX_PT];
	char		 partner[NAME_MAX_PT];
	char		 router[NAME_MAX_PT];
	char		 neighbor[ADDR_STRLEN];
	char		 edge[EDGE_CODE_MAX];
	const char	*role;		/* static names from model.c */
	const char	*old_state;
	const char	*state;
	uint32_t	 remote_as;	/* 0: unknown, stored as NULL */
	char		 last_error[ERR_MAX];
	uint32_t	 routes_imported;
	uint32_t	 routes_exported;
};

struct store_row_redundancy {
	int64_t		 time_ms;
	char		 partner[NAME_MAX_PT];
	const char	*old_state;
	const char	*state;
	char		 reason[REASON_MAX];
};

/* A registered prefix's state (struct branch_prefix), names resolved. */
#define STORE_BP_LEN(f)	sizeof (((struct branch_prefix *)0)->f)
struct store_row_prefix {
	int64_t		 time_ms;
	char		 branch[NAME_MAX_PT];
	char		 prefix[PREFIX_STRLEN];
	uint32_t	 origin;
	unsigned	 flags;
	unsigned	 primary_up, primary_total;
	unsigned	 backup_up, backup_total;
	uint32_t	 best_origin;	/* 0: NULL */
	char		 best_path[STORE_BP_LEN(best_path)];
	char		 best_session[NAME_MAX_PT];
	char		 carried[STORE_BP_LEN(carried)];
	char		 problem[STORE_BP_LEN(problem)];
};

/* A branch's routed edge ("": unknown) and SuboptimalRouting. */
struct store_row_route {
	int64_t		 time_ms;
	char		 branch[NAME_MAX_PT];
	char		 edge[EDGE_CODE_MAX];
	int		 suboptimal;
};

/* Latency samples queue apart: small rows, many of them (issue 4). */
struct store_row_latency {
	int64_t		 time_ms;
	int64_t		 rtt_us;	/* < 0: lost, stored as NULL */
	char		 branch[NAME_MAX_PT];
	char		 edge[NAME_MAX_PT];
	char		 target[NAME_MAX_PT];
	char		 source[NAME_MAX_PT];
};

/*
 * One series' minute or hour, summed from a flush's samples before the
 * upsert into its roll-up table.
 */
struct store_rollup {
	const struct store_row_latency	*key;	/* names of the series */
	int64_t		 start_ms;
	int64_t		 sent, received, min, max, sum, sumsq;
};

/* The roll-up tables, finest first: same columns, another period. */
static const struct store_level {
	const char	*table;
	const char	*column;	/* the period's start */
	int64_t		 period_ms;
} store_levels[] = {
	{ "latency_minute", "minute_ms", STORE_MINUTE_MS },
	{ "latency_hour", "hour_ms", STORE_HOUR_MS },
};
#define STORE_NLEVELS	nitems(store_levels)

struct store_row {
	enum store_kind	 kind;
	union {
		struct store_row_session	s;
		struct store_row_redundancy	r;
		struct event			e;
		struct store_row_prefix		p;
		struct store_row_route		b;
	};
};

struct store {
	char		*path;		/* as given: names the file in messages */
	sqlite3		*db;
	int		 readonly;
	int		 version;
	int		 inspect_rc;	/* SQLite code of a failed inspection */
	const struct model *model;	/* store_attach(): edge codes */
	struct event	*retention;	/* store_retention() timer */
	char		 room[PATH_MAX + 64];	/* store_sink_failing_cb() */
	int64_t		 keep_raw_ms, keep_minute_ms, keep_hour_ms;

	sqlite3_stmt	*ins_session;
	sqlite3_stmt	*ins_redundancy;
	sqlite3_stmt	*ins_event;
	sqlite3_stmt	*ins_latency;
	sqlite3_stmt	*ins_prefix;
	sqlite3_stmt	*ins_route;
	sqlite3_stmt	*ins_run;
	sqlite3_stmt	*upd_run;
	sqlite3_stmt	*upd_rollup[STORE_NLEVELS];	/* store_levels[] */
	sqlite3_stmt	*ins_rollup[STORE_NLEVELS];

	/* store_run_begin(): the row waits for a flush, then its id. */
	int		 run_pending;
	int64_t		 run_id;	/* 0: none yet */
	int64_t		 run_start_ms;
	char		*run_version;
	char		*run_config_path;
	char		*run_config;	/* NULL: unreadable */
	size_t		 run_config_len;
	uint64_t	 run_beat;	/* monotonic ms of the last heartbeat */
	int		 closing;	/* store_close(): beat whatever */

	struct store_row_latency *lat;	/* queued latency samples */
	size_t		 nlat;
	size_t		 lat_alloc;
	struct store_row_latency **lat_sorted;	/* flush scratch */
	size_t		 lat_sorted_alloc;

	struct store_row *queue;
	size_t		 nqueue;
	size_t		 queue_alloc;
	size_t		 queue_max;
	uint64_t	 dropped;	/* rows lost while the queue was full */
	int64_t		 dropped_since;	/* wall ms of the first loss */
	uint64_t	 written;	/* rows committed since open */

	char		*failure;	/* why the last flush failed, or NULL */
	char		*error;		/* store_error(), NULL when healthy */
	struct event	*timer;
};

/* One schema step: takes user_version i to i + 1. */
struct store_migration {
	const char	*what;
	const char	*sql;
	int		(*fn)(struct store *, char **);
};

static int	store_migrate_meta(struct store *, char **);

static const struct store_migration migrations[] = {
	/* 0 -> 1: the foundation. */
	{ "history tables",
	  "CREATE TABLE meta ("
	  " key TEXT PRIMARY KEY,"
	  " value TEXT);"
	  "CREATE TABLE session_state ("
	  " id INTEGER PRIMARY KEY,"
	  " time_ms INTEGER NOT NULL,"
	  " session TEXT NOT NULL,"
	  " partner TEXT,"
	  " router TEXT,"
	  " neighbor TEXT,"
	  " edge TEXT,"
	  " role TEXT,"
	  " old_state TEXT,"
	  " state TEXT NOT NULL,"
	  " remote_as INTEGER,"
	  " last_error TEXT,"
	  " routes_imported INTEGER,"
	  " routes_exported INTEGER);"
	  "CREATE INDEX session_state_session_time"
	  " ON session_state (session, time_ms);"
	  "CREATE INDEX session_state_time ON session_state (time_ms);"
	  "CREATE TABLE redundancy_state ("
	  " id INTEGER PRIMARY KEY,"
	  " time_ms INTEGER NOT NULL,"
	  " partner TEXT NOT NULL,"
	  " old_state TEXT,"
	  " state TEXT NOT NULL,"
	  " reason TEXT);"
	  "CREATE INDEX redundancy_state_partner_time"
	  " ON redundancy_state (partner, time_ms);"
	  "CREATE TABLE events ("
	  " id INTEGER PRIMARY KEY,"
	  " time_ms INTEGER NOT NULL,"
	  " type TEXT NOT NULL,"
	  " level TEXT NOT NULL CHECK (level IN"
	  "  ('Information', 'Warning', 'Error', 'Critical')),"
	  " subject TEXT,"
	  " summary TEXT,"
	  " details TEXT);"
	  "CREATE INDEX events_time ON events (time_ms);"
	  "CREATE INDEX events_type_time ON events (type, time_ms);",
	  store_migrate_meta },
	/*
	 * 1 -> 2: latency history (issue 4).  Raw samples, and one row per
	 * series and minute with what recomputes Snt, Loss%, Avg, Best,
	 * Wrst and StDev over any span of minutes: counts, min, max, sum
	 * and sum of squares (a median cannot be rolled up; it comes from
	 * the raw samples while they are kept).
	 */
	{ "latency history",
	  "CREATE TABLE latency_sample ("
	  " id INTEGER PRIMARY KEY,"
	  " time_ms INTEGER NOT NULL,"
	  " branch TEXT NOT NULL,"
	  " edge TEXT NOT NULL,"
	  " target TEXT NOT NULL,"
	  " source TEXT,"
	  " rtt_us INTEGER);"
	  "CREATE INDEX latency_sample_branch_edge_time"
	  " ON latency_sample (branch, edge, time_ms);"
	  "CREATE INDEX latency_sample_time ON latency_sample (time_ms);"
	  "CREATE TABLE latency_minute ("
	  " minute_ms INTEGER NOT NULL,"
	  " branch TEXT NOT NULL,"
	  " edge TEXT NOT NULL,"
	  " target TEXT NOT NULL,"
	  " sent INTEGER NOT NULL,"
	  " received INTEGER NOT NULL,"
	  " rtt_min_us INTEGER,"
	  " rtt_max_us INTEGER,"
	  " rtt_sum_us INTEGER NOT NULL,"
	  " rtt_sumsq_us2 INTEGER NOT NULL,"
	  " PRIMARY KEY (branch, edge, target, minute_ms));"
	  "CREATE INDEX latency_minute_branch_edge_time"
	  " ON latency_minute (branch, edge, minute_ms);",
	  NULL },
	/*
	 * 2 -> 3: history review (issue 5).  Each run of peertop and its
	 * configuration, the route monitor's states, and hourly roll-ups
	 * for the latency kept longer than the minutes; a file's existing
	 * minutes are summed into hours here.  The sum of squares is added
	 * in two halves, each of which fits in 64 bits, because SQLite's
	 * sum() fails on an overflow where "+" turns REAL, as the writer's
	 * upsert does.
	 */
	{ "history review",
	  "CREATE TABLE run ("
	  " id INTEGER PRIMARY KEY,"
	  " start_ms INTEGER NOT NULL,"
	  " last_ms INTEGER NOT NULL,"
	  " version TEXT,"
	  " config_path TEXT,"
	  " config TEXT);"
	  "CREATE INDEX run_start ON run (start_ms);"
	  "CREATE TABLE branch_route ("
	  " id INTEGER PRIMARY KEY,"
	  " time_ms INTEGER NOT NULL,"
	  " branch TEXT NOT NULL,"
	  " routed_edge TEXT,"
	  " suboptimal INTEGER NOT NULL);"
	  "CREATE INDEX branch_route_branch_time"
	  " ON branch_route (branch, time_ms);"
	  "CREATE INDEX branch_route_time ON branch_route (time_ms);"
	  "CREATE TABLE prefix_state ("
	  " id INTEGER PRIMARY KEY,"
	  " time_ms INTEGER NOT NULL,"
	  " branch TEXT NOT NULL,"
	  " prefix TEXT NOT NULL,"
	  " origin INTEGER,"
	  " flags INTEGER NOT NULL,"
	  " primary_up INTEGER NOT NULL,"
	  " primary_total INTEGER NOT NULL,"
	  " backup_up INTEGER NOT NULL,"
	  " backup_total INTEGER NOT NULL,"
	  " best_origin INTEGER,"
	  " best_path TEXT,"
	  " best_session TEXT,"
	  " carried TEXT,"
	  " problem TEXT);"
	  "CREATE INDEX prefix_state_prefix_time"
	  " ON prefix_state (branch, prefix, time_ms);"
	  "CREATE INDEX prefix_state_time ON prefix_state (time_ms);"
	  "CREATE TABLE latency_hour ("
	  " hour_ms INTEGER NOT NULL,"
	  " branch TEXT NOT NULL,"
	  " edge TEXT NOT NULL,"
	  " target TEXT NOT NULL,"
	  " sent INTEGER NOT NULL,"
	  " received INTEGER NOT NULL,"
	  " rtt_min_us INTEGER,"
	  " rtt_max_us INTEGER,"
	  " rtt_sum_us INTEGER NOT NULL,"
	  " rtt_sumsq_us2 INTEGER NOT NULL,"
	  " PRIMARY KEY (branch, edge, target, hour_ms));"
	  "CREATE INDEX latency_hour_branch_edge_time"
	  " ON latency_hour (branch, edge, hour_ms);"
	  "INSERT INTO latency_hour (hour_ms, branch, edge, target, sent,"
	  " received, rtt_min_us, rtt_max_us, rtt_sum_us, rtt_sumsq_us2)"
	  " SELECT minute_ms - minute_ms % 3600000 AS h, branch, edge,"
	  " target, sum(sent), sum(received), min(rtt_min_us),"
	  " max(rtt_max_us), sum(rtt_sum_us),"
	  " sum(rtt_sumsq_us2 / 1000000000) * 1000000000 +"
	  " sum(rtt_sumsq_us2 % 1000000000)"
	  " FROM latency_minute GROUP BY branch, edge, target, h;",
	  NULL },
};

_Static_assert(nitems(migrations) == STORE_SCHEMA_VERSION,
    "one migration step per schema version");

static const char sqlite_magic[16] = "SQLite format 3";	/* with its NUL */

static void	store_update_error(struct store *);
static int	store_precheck(const char *, int, int *, char **);
static int	store_wal_pending(const char *);
static int	store_connect(struct store *, int, char **);
static int	store_inspect(struct store *, int, char **);
static int	store_configure(struct store *, char **);
static int	store_quick_check(struct store *, char **);
static int	store_migrate(struct store *, char **);
static int	store_prepare(struct store *, char **);
static int	store_pragma_int(struct store *, const char *, int64_t *);
static char	*store_dbmsg(struct store *, int, const char *);
static struct store_row *store_queue_slot(struct store *);
static struct store_row *store_queue_row(struct store *, enum store_kind);
static int	store_insert(struct store *, const struct store_row *);
static int	store_insert_gap(struct store *);
static void	store_bind_text(sqlite3_stmt *, int, const char *);
static void	store_bind_known(sqlite3_stmt *, int, uint32_t);
static int	store_insert_latency(struct store *);
static int64_t	store_period_start(int64_t, int64_t);
static int	store_series_cmp(const struct store_row_latency *,
		    const struct store_row_latency *);
static int	store_minute_cmp(const void *, const void *);
static int	store_step_rollup(sqlite3_stmt *, const struct store_rollup *);
static int	store_upsert_rollup(struct store *, size_t,
		    struct store_rollup *);
static int	store_rollup_add(struct store *, size_t, struct store_rollup *,
		    const struct store_row_latency *, int);
static int	store_insert_run(struct store *, int64_t, int64_t *);
static char	*store_run_read(const char *, size_t *);
static void	store_sink_prefix_cb(void *, const struct branch *,
		    const struct branch_prefix *, int64_t);
static void	store_sink_route_cb(void *, const struct branch *, int64_t);
static void	store_timer_cb(evutil_socket_t, short, void *);
static void	store_sink_session_cb(void *, const struct session *,
		    enum bgp_state, int64_t);
static void	store_sink_redundancy_cb(void *, const struct partner *,
		    enum redundancy, int64_t);
static void	store_sink_event_cb(void *, struct event *);

/*
 * store_error(): the last flush failure, if any, with what is waiting and
 * what was lost, so the status line says both "disk full" and "rows
 * dropped" when both are true.
 */
static void
store_update_error(struct store *s)
{
	free(s->error);
	s->error = NULL;
	if (s->failure != NULL && s->dropped != 0)
		xasprintf(&s->error, "%s; %zu rows waiting, %llu dropped",
		    s->failure, s->nqueue + s->nlat,
		    (unsigned long long)s->dropped);
	else if (s->failure != NULL)
		xasprintf(&s->error, "%s; %zu rows waiting", s->failure,
		    s->nqueue + s->nlat);
	else if (s->dropped != 0)
		xasprintf(&s->error, "%s: history queue full, %llu rows "
		    "dropped", s->path, (unsigned long long)s->dropped);
}

/*
 * Look at the file before SQLite does.  sqlite3_open_v2() happily opens
 * any file and only fails at the first query, and some failures (a write
 * to someone else's file) are what we promise never to do.  Sets *isnew
 * when there is nothing to lose (absent or empty file).
 */
static int
store_precheck(const char *path, int readonly, int *isnew, char **cause)
{
	struct stat	 sb;
	unsigned char	 hdr[100];
	char		*dir, *slash;
	ssize_t		 n;
	long		 pagesize;
	int		 fd, dirok, exists = 1;

	*isnew = 0;
	if (stat(path, &sb) == -1) {
		if (errno != ENOENT || readonly) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			return (-1);
		}
		*isnew = 1;
		exists = 0;
	} else {
		if (!S_ISREG(sb.st_mode)) {
			xasprintf(cause, "%s: not a regular file", path);
			return (-1);
		}
		if (sb.st_size == 0)
			*isnew = 1;
	}

	if (!*isnew) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			return (-1);
		}
		n = read(fd, hdr, sizeof hdr);
		close(fd);
		if (n == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			return (-1);
		}
		if (n < (ssize_t)sizeof sqlite_magic ||
		    memcmp(hdr, sqlite_magic, sizeof sqlite_magic) != 0) {
			xasprintf(cause, "%s: not an SQLite database", path);
			return (-1);
		}
		/*
		 * The file format: bytes 16-17 are the page size (1 means
		 * 65536); a database file is always whole pages.
		 */
		pagesize = n >= 18 ? (hdr[16] << 8 | hdr[17]) : 0;
		if (pagesize == 1)
			pagesize = 65536;
		if (pagesize < 512 || (pagesize & (pagesize - 1)) != 0 ||
		    sb.st_size % pagesize != 0) {
			xasprintf(cause, "%s: damaged SQLite database (%lld "
			    "bytes is not a whole number of pages); move it "
			    "aside to start a new history", path,
			    (long long)sb.st_size);
			return (-1);
		}
	}

	if (readonly)
		return (0);

	/*
	 * Writing needs the file and its directory (for the -wal and -shm
	 * files).  access(2) also reports EROFS, even to root.
	 */
	if (exists) {
		if (access(path, W_OK) == -1) {
			xasprintf(cause, "%s: read-only (peertop needs write access "
			    "to record history)", path);
			return (-1);
		}
	}
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL)
		dirok = access(".", W_OK) == 0;
	else {
		slash[slash == dir ? 1 : 0] = '\0';
		dirok = access(dir, W_OK) == 0;
	}
	free(dir);
	if (!dirok) {
		if (!exists)
			xasprintf(cause, "%s: cannot create: directory is "
			    "read-only", path);
		else
			xasprintf(cause, "%s: read-only (directory not "
			    "writable)", path);
		return (-1);
	}
	return (0);
}

/* Is there a non-empty -wal beside path, with commits not yet in it? */
static int
store_wal_pending(const char *path)
{
	struct stat	 sb;
	char		*wal;
	int		 r;

	xasprintf(&wal, "%s-wal", path);
	r = stat(wal, &sb) == 0 && sb.st_size > 0;
	free(wal);
	return (r);
}

/* A message for an SQLite failure, naming the file. */
static char *
store_dbmsg(struct store *s, int rc, const char *doing)
{
	char	*msg;

	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		xasprintf(&msg, "%s: not an SQLite database", s->path);
		break;
	case SQLITE_CORRUPT:
		xasprintf(&msg, "%s: damaged SQLite database (%s); move it "
		    "aside to start a new history", s->path,
		    sqlite3_errmsg(s->db));
		break;
	case SQLITE_READONLY:
		if (s->readonly)	/* a hot journal, an -shm it can't make */
			xasprintf(&msg, "%s: cannot be read without writing "
			    "(%s); open it once for writing", s->path,
			    sqlite3_errmsg(s->db));
		else
			xasprintf(&msg, "%s: read-only", s->path);
		break;
	case SQLITE_FULL:
		xasprintf(&msg, "%s: disk full", s->path);
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		xasprintf(&msg, "%s: locked by another program", s->path);
		break;
	case SQLITE_IOERR:
		xasprintf(&msg, "%s: I/O error while %s (%s)", s->path,
		    doing, sqlite3_errmsg(s->db));
		break;
	default:
		xasprintf(&msg, "%s: %s: %s", s->path, doing,
		    s->db != NULL ? sqlite3_errmsg(s->db) :
		    sqlite3_errstr(rc));
		break;
	}
	return (msg);
}

/* One integer from a PRAGMA or query.  Returns an SQLite code. */
static int
store_pragma_int(struct store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) != SQLITE_OK)
		return (rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_ERROR;
	sqlite3_finalize(st);
	return (rc);
}

/*
 * Decide whether this is our file, and which version, using reads only:
 * a refused file must come out byte for byte as it went in.
 */
static int
store_inspect(struct store *s, int isnew, char **cause)
{
	int64_t	 appid, version, ntables;
	int	 rc;

	if ((rc = store_pragma_int(s, "PRAGMA application_id",
	    &appid)) != SQLITE_OK ||
	    (rc = store_pragma_int(s, "PRAGMA user_version",
	    &version)) != SQLITE_OK ||
	    (rc = store_pragma_int(s, "SELECT count(*) FROM sqlite_master",
	    &ntables)) != SQLITE_OK) {
		s->inspect_rc = rc;
		*cause = store_dbmsg(s, rc, "reading the schema");
		return (-1);
	}

	if (appid != 0 && appid != STORE_APPLICATION_ID) {
		xasprintf(cause, "%s: an SQLite database of another program "
		    "(application_id 0x%08llx), not a peertop history",
		    s->path, (unsigned long long)(uint32_t)appid);
		return (-1);
	}
	if (version > STORE_SCHEMA_VERSION) {
		xasprintf(cause, "%s: schema version %lld is newer than this "
		    "peertop supports (%d); use a newer peertop", s->path,
		    (long long)version, STORE_SCHEMA_VERSION);
		return (-1);
	}
	if (appid == 0 && (version != 0 || ntables != 0)) {
		xasprintf(cause, "%s: an SQLite database of another program "
		    "(%lld schema objects, no peertop application_id), not a "
		    "peertop history", s->path, (long long)ntables);
		return (-1);
	}
	if (s->readonly && version < STORE_SCHEMA_VERSION) {
		if (version == 0 || isnew)
			xasprintf(cause, "%s: empty, no history to review",
			    s->path);
		else
			xasprintf(cause, "%s: schema version %lld is older than "
			    "this peertop's (%d); open it once for writing "
			    "to upgrade it", s->path, (long long)version,
			    STORE_SCHEMA_VERSION);
		return (-1);
	}
	s->version = version;
	return (0);
}

/*
 * WAL lets readers (peertop -r, sqlite3) run beside the writer, and with
 * synchronous=NORMAL a commit costs no fsync: a crash may lose the last
 * batches but never corrupts the file.
 */
static int
store_configure(struct store *s, char **cause)
{
	sqlite3_stmt	*st;
	const char	*mode;
	int		 rc;

	if (s->readonly) {
		rc = sqlite3_exec(s->db, "PRAGMA query_only = ON", NULL,
		    NULL, NULL);
		goto out;
	}
	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL);
	if (rc == SQLITE_OK) {
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			mode = (const char *)sqlite3_column_text(st, 0);
			if (mode == NULL || strcmp(mode, "wal") != 0)
				log_warnx("%s: journal mode %s, not WAL: "
				    "readers may wait for the writer", s->path,
				    mode != NULL ? mode : "?");
			rc = SQLITE_OK;
		}
		sqlite3_finalize(st);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "PRAGMA synchronous = NORMAL;"
		    "PRAGMA foreign_keys = ON;"
		    /*
		     * 16 MB of page cache, not SQLite's 2 MB: latency rows
		     * of a thousand series land on a thousand leaves of the
		     * (branch, edge, time) index at every flush, which must
		     * stay in memory for ingest to keep its 100,000/s.
		     */
		    "PRAGMA cache_size = -16384", NULL, NULL, NULL);
out:
	if (rc != SQLITE_OK) {
		*cause = store_dbmsg(s, rc, "setting up");
		return (-1);
	}
	return (0);
}

/* Refuse a damaged file early, while the check is cheap. */
static int
store_quick_check(struct store *s, char **cause)
{
	sqlite3_stmt	*st;
	const char	*res;
	char		 first[128], *cp;
	int64_t		 pages, pagesize;
	int		 rc;

	if (store_pragma_int(s, "PRAGMA page_count", &pages) != SQLITE_OK ||
	    store_pragma_int(s, "PRAGMA page_size", &pagesize) != SQLITE_OK)
		pages = pagesize = 0;
	if (pages * pagesize > STORE_QUICK_CHECK_MAX)
		return (0);

	rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st,
	    NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		res = (const char *)sqlite3_column_text(st, 0);
		if (res == NULL || strcmp(res, "ok") != 0) {
			/* "*** in database main ***\nPage 9: ...": one line. */
			strlcpy_pt(first, res != NULL ? res : "?",
			    sizeof first);
			for (cp = first; *cp != '\0'; cp++)
				if (*cp == '\n' || *cp == '\t')
					*cp = ' ';
			xasprintf(cause, "%s: damaged SQLite database "
			    "(quick_check: %s); move it aside to start a "
			    "new history", s->path, first);
			sqlite3_finalize(st);
			return (-1);
		}
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		*cause = store_dbmsg(s, rc, "checking the file");
		return (-1);
	}
	return (0);
}

/* Step 0 -> 1 also records who made the file. */
static int
store_migrate_meta(struct store *s, char **cause)
{
	sqlite3_stmt	*st;
	char		 when[32];
	const char	*keys[] = { "created_by", "created_at" };
	const char	*values[2];
	size_t		 i;
	int		 rc;

	values[0] = "peertop"
#ifdef PACKAGE_VERSION
	    " " PACKAGE_VERSION
#endif
	    ;
	values[1] = fmt_time(when, sizeof when, now_wall_ms(), 1);

	rc = sqlite3_prepare_v2(s->db,
	    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", -1, &st,
	    NULL);
	for (i = 0; rc == SQLITE_OK && i < nitems(keys); i++) {
		sqlite3_bind_text(st, 1, keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, values[i], -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		*cause = store_dbmsg(s, rc, "writing meta");
		return (-1);
	}
	return (0);
}

/*
 * Forward migrations, each step in its own transaction together with its
 * user_version bump, so an interrupted upgrade leaves a file at a version
 * it really has.
 */
static int
store_migrate(struct store *s, char **cause)
{
	const struct store_migration	*m;
	char				*sql;
	int				 rc;

	while (s->version < (int)nitems(migrations)) {
		m = &migrations[s->version];
		rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(s->db, m->sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK && m->fn != NULL && m->fn(s, cause) != 0)
			goto rollback;
		if (rc == SQLITE_OK) {
			/* PRAGMA takes no parameters; both are integers. */
			xasprintf(&sql, "PRAGMA application_id = %d; "
			    "PRAGMA user_version = %d",
			    STORE_APPLICATION_ID, s->version + 1);
			rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
			free(sql);
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			xasprintf(cause, "%s: schema upgrade %d -> %d (%s) "
			    "failed: %s", s->path, s->version, s->version + 1,
			    m->what, sqlite3_errmsg(s->db));
			goto rollback;
		}
		if (s->version == 0)
			log_debug("%s: new history (schema version %d)",
			    s->path, s->version + 1);
		else
			log_info("%s: schema upgraded to version %d (%s)",
			    s->path, s->version + 1, m->what);
		s->version++;
	}
	return (0);

rollback:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return (-1);
}

static int
store_prepare(struct store *s, char **cause)
{
	const struct {
		const char	 *sql;
		sqlite3_stmt	**stmt;
	} stmts[] = {
		{ "INSERT INTO session_state (time_ms, session, partner, "
		  "router, neighbor, edge, role, old_state, state, remote_as, "
		  "last_error, routes_imported, routes_exported) VALUES "
		  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &s->ins_session },
		{ "INSERT INTO redundancy_state (time_ms, partner, old_state, "
		  "state, reason) VALUES (?, ?, ?, ?, ?)", &s->ins_redundancy },
		{ "INSERT INTO events (time_ms, type, level, subject, summary, "
		  "details) VALUES (?, ?, ?, ?, ?, ?)", &s->ins_event },
		{ "INSERT INTO latency_sample (time_ms, branch, edge, target, "
		  "source, rtt_us) VALUES (?, ?, ?, ?, ?, ?)", &s->ins_latency },
		{ "INSERT INTO prefix_state (time_ms, branch, prefix, origin, "
		  "flags, primary_up, primary_total, backup_up, backup_total, "
		  "best_origin, best_path, best_session, carried, problem) "
		  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		  &s->ins_prefix },
		{ "INSERT INTO branch_route (time_ms, branch, routed_edge, "
		  "suboptimal) VALUES (?, ?, ?, ?)", &s->ins_route },
		{ "INSERT INTO run (start_ms, last_ms, version, config_path, "
		  "config) VALUES (?, ?, ?, ?, ?)", &s->ins_run },
		{ "UPDATE run SET last_ms = ?2 WHERE id = ?1", &s->upd_run },
	};
	const struct store_level	*l;
	char				*sql;
	size_t				 i;
	int				 rc = SQLITE_OK;

	for (i = 0; rc == SQLITE_OK && i < nitems(stmts); i++)
		rc = sqlite3_prepare_v3(s->db, stmts[i].sql, -1,
		    SQLITE_PREPARE_PERSISTENT, stmts[i].stmt, NULL);
	/*
	 * A roll-up's "upsert" is an UPDATE, then an INSERT when no row
	 * was there: INSERT ... ON CONFLICT needs SQLite 3.24, configure
	 * accepts 3.22.  Their parameters: ?1 the period's start, ?2-?4
	 * the series, ?5 sent, ?6 received, ?7 min, ?8 max, ?9 sum, ?10 sum
	 * of squares.  min(NULL, x) is NULL in SQL: coalesce keeps the
	 * known side.
	 */
	for (i = 0; rc == SQLITE_OK && i < STORE_NLEVELS; i++) {
		l = &store_levels[i];
		xasprintf(&sql, "UPDATE %s SET sent = sent + ?5, "
		    "received = received + ?6, "
		    "rtt_min_us = min(coalesce(rtt_min_us, ?7), "
		    "coalesce(?7, rtt_min_us)), "
		    "rtt_max_us = max(coalesce(rtt_max_us, ?8), "
		    "coalesce(?8, rtt_max_us)), "
		    "rtt_sum_us = rtt_sum_us + ?9, "
		    "rtt_sumsq_us2 = rtt_sumsq_us2 + ?10 "
		    "WHERE branch = ?2 AND edge = ?3 AND target = ?4 AND "
		    "%s = ?1", l->table, l->column);
		rc = sqlite3_prepare_v3(s->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &s->upd_rollup[i], NULL);
		free(sql);
		if (rc != SQLITE_OK)
			break;
		xasprintf(&sql, "INSERT INTO %s (%s, branch, edge, target, "
		    "sent, received, rtt_min_us, rtt_max_us, rtt_sum_us, "
		    "rtt_sumsq_us2) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
		    "?9, ?10)", l->table, l->column);
		rc = sqlite3_prepare_v3(s->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &s->ins_rollup[i], NULL);
		free(sql);
	}
	if (rc != SQLITE_OK) {
		*cause = store_dbmsg(s, rc, "preparing statements");
		return (-1);
	}
	return (0);
}

/*
 * Open the SQLite connection; immutable (read-only mode only) goes
 * through a URI, so the path is percent-encoded into one.
 */
static int
store_connect(struct store *s, int immutable, char **cause)
{
	char		*uri = NULL;
	int		 flags, rc;

	if (s->readonly)
		flags = SQLITE_OPEN_READONLY;
	else
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX;
	if (immutable) {
		flags |= SQLITE_OPEN_URI;
		uri = store_immutable_uri(s->path);
	}
	rc = sqlite3_open_v2(uri != NULL ? uri : s->path, &s->db, flags, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		if (s->db == NULL)
			xasprintf(cause, "%s: %s", s->path, sqlite3_errstr(rc));
		else
			*cause = store_dbmsg(s, rc, "opening");
		return (-1);
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	/*
	 * A refused file must not be changed by the checkpoint on close,
	 * which would copy another writer's (or a crashed one's) -wal into
	 * it.  An -wal that we created holds nothing, and checkpointing it
	 * only removes the -wal and -shm again.
	 */
	if (store_wal_pending(s->path))
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1,
		    NULL);
	return (0);
}

/*
 * "file:PATH?immutable=1", PATH %-escaped where a URI needs it; for a
 * history that can only be read as immutable (store_immutable_ok()).
 */
char *
store_immutable_uri(const char *path)
{
	const unsigned char	*cp;
	char			*uri;
	size_t			 n;

	uri = xmalloc(strlen(path) * 3 + sizeof "file:?immutable=1");
	n = (size_t)sprintf(uri, "file:");
	for (cp = (const unsigned char *)path; *cp != '\0'; cp++) {
		if (*cp <= ' ' || *cp >= 0x7f || strchr("%?#", *cp) != NULL)
			n += (size_t)sprintf(uri + n, "%%%02X", *cp);
		else
			uri[n++] = (char)*cp;
	}
	strcpy(uri + n, "?immutable=1");
	return (uri);
}

/*
 * Did a read fail (rc) only for want of a writable -shm, with no -wal
 * beside path?  Then there is no writer and nothing uncommitted, and the
 * file can be read as immutable (a read-only directory, a copy handed
 * over).
 */
int
store_immutable_ok(const char *path, int rc)
{
	struct stat	 sb;
	char		*wal;
	int		 r;

	if ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN)
		return (0);
	xasprintf(&wal, "%s-wal", path);
	r = stat(wal, &sb) == -1 && errno == ENOENT;
	free(wal);
	return (r);
}

struct store *
store_open(const char *path, int readonly, char **cause)
{
	struct store	*s;
	int		 isnew;

	*cause = NULL;
	if (store_precheck(path, readonly, &isnew, cause) != 0)
		return (NULL);

	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->readonly = readonly;
	s->queue_max = STORE_QUEUE_MAX;

	if (store_connect(s, 0, cause) != 0)
		goto fail;
	if (store_inspect(s, isnew, cause) != 0) {
		/*
		 * Reviewing a WAL file in a directory we cannot write: SQLite
		 * cannot create the -shm index.  With no -wal beside it there
		 * is no writer and nothing uncommitted, so the file can be
		 * read as immutable.
		 */
		if (!readonly || !store_immutable_ok(s->path, s->inspect_rc))
			goto fail;
		free(*cause);
		*cause = NULL;
		sqlite3_close_v2(s->db);
		s->db = NULL;
		if (store_connect(s, 1, cause) != 0 ||
		    store_inspect(s, isnew, cause) != 0)
			goto fail;
		log_info("%s: read as immutable (read-only directory)", path);
	}
	if (!isnew && store_quick_check(s, cause) != 0)
		goto fail;
	if (store_configure(s, cause) != 0)
		goto fail;
	if (!readonly) {
		if (store_migrate(s, cause) != 0)
			goto fail;
		if (store_prepare(s, cause) != 0)
			goto fail;
	}
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
	return (s);

fail:
	sqlite3_close_v2(s->db);
	s->db = NULL;
	free(s->path);
	free(s);
	return (NULL);
}

void
store_close(struct store *s)
{
	char	*cause;
	size_t	 i;

	if (s == NULL)
		return;
	if (s->timer != NULL)
		event_free(s->timer);
	if (s->retention != NULL)
		event_free(s->retention);
	/* Off the loop now: the last flush may wait for a lock. */
	if (s->db != NULL)
		sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	/* The last flush also says when this run ended. */
	s->closing = 1;
	if (s->db != NULL && store_flush(s, &cause) != 0) {
		log_warnx("%s; lost on exit", cause);
		free(cause);
	}
	sqlite3_finalize(s->ins_session);
	sqlite3_finalize(s->ins_redundancy);
	sqlite3_finalize(s->ins_event);
	sqlite3_finalize(s->ins_latency);
	sqlite3_finalize(s->ins_prefix);
	sqlite3_finalize(s->ins_route);
	sqlite3_finalize(s->ins_run);
	sqlite3_finalize(s->upd_run);
	for (i = 0; i < STORE_NLEVELS; i++) {
		sqlite3_finalize(s->upd_rollup[i]);
		sqlite3_finalize(s->ins_rollup[i]);
	}
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("%s: close: %s", s->path, sqlite3_errmsg(s->db));
	free(s->queue);
	free(s->lat);
	free(s->lat_sorted);
	free(s->run_version);
	free(s->run_config_path);
	free(s->run_config);
	free(s->failure);
	free(s->error);
	free(s->path);
	free(s);
}

static void
store_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct store	*s = arg;
	char		*cause, *before;

	before = s->error != NULL ? xstrdup(s->error) : NULL;
	if (store_flush(s, &cause) != 0) {
		/* Say it once per kind of failure, not every tick. */
		if (before == NULL || strcmp(before, cause) != 0)
			log_warnx("%s", cause);
		free(cause);
	} else if (before != NULL && s->error == NULL)
		log_info("%s: writing again", s->path);
	free(before);
}

void
store_start(struct store *s, struct event_base *base, int interval_ms)
{
	struct timeval	tv;

	if (s->readonly)
		return;
	/*
	 * From here flushes run on the event loop, which must never wait
	 * for another program's lock: a busy file fails the flush at once,
	 * the rows stay queued and the next tick tries again.
	 */
	sqlite3_busy_timeout(s->db, 0);
	if (interval_ms <= 0)
		interval_ms = 500;
	if (s->timer != NULL)
		event_free(s->timer);
	s->timer = event_new(base, -1, EV_PERSIST, store_timer_cb, s);
	if (s->timer == NULL)
		fatalx("event_new failed");
	tv.tv_sec = interval_ms / 1000;
	tv.tv_usec = (interval_ms % 1000) * 1000;
	evtimer_add(s->timer, &tv);
}

/*
 * Retention on the loop: every STORE_PRUNE_MS delete what is older than
 * the limits, at most STORE_PRUNE_ROWS rows per table at a time; while a
 * pass finds that many, the next slice follows after STORE_PRUNE_NEXT_MS,
 * so a backlog of days never holds up the loop for long.
 */
#define STORE_PRUNE_MS		(60 * 1000)
#define STORE_PRUNE_FIRST_MS	5000
#define STORE_PRUNE_NEXT_MS	200
#define STORE_PRUNE_ROWS	5000

static void
store_retention_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store	*s = arg;
	struct timeval	 tv = { STORE_PRUNE_MS / 1000, 0 };
	int64_t		 now = now_wall_ms(), n;
	char		*cause;

	(void)fd;
	(void)what;
	n = store_latency_prune(s, now - s->keep_raw_ms,
	    now - s->keep_minute_ms, now - s->keep_hour_ms, STORE_PRUNE_ROWS,
	    &cause);
	if (n == -1) {
		log_warnx("%s", cause);
		free(cause);
	} else if (n >= STORE_PRUNE_ROWS) {
		tv.tv_sec = 0;
		tv.tv_usec = STORE_PRUNE_NEXT_MS * 1000;
	}
	evtimer_add(s->retention, &tv);
}

void
store_retention(struct store *s, struct event_base *base,
    int64_t keep_raw_ms, int64_t keep_minute_ms, int64_t keep_hour_ms)
{
	struct timeval	 tv = { STORE_PRUNE_FIRST_MS / 1000, 0 };

	if (s->readonly)
		return;
	s->keep_raw_ms = keep_raw_ms > 0 ? keep_raw_ms :
	    LAT_KEEP_RAW_DEFAULT_MS;
	s->keep_minute_ms = keep_minute_ms > 0 ? keep_minute_ms :
	    LAT_KEEP_MIN_DEFAULT_MS;
	s->keep_hour_ms = keep_hour_ms > 0 ? keep_hour_ms :
	    STORE_KEEP_HOUR_DEFAULT_MS;
	if (s->retention == NULL &&
	    (s->retention = evtimer_new(base, store_retention_cb, s)) == NULL)
		fatalx("event_new failed");
	evtimer_add(s->retention, &tv);
}

/* A free queue slot, or NULL (and a dropped row counted) when full. */
static struct store_row *
store_queue_slot(struct store *s)
{
	if (s->readonly || s->db == NULL)
		return (NULL);
	if (s->nqueue >= s->queue_max) {
		if (s->dropped++ == 0)
			s->dropped_since = now_wall_ms();
		store_update_error(s);
		return (NULL);
	}
	if (s->nqueue == s->queue_alloc) {
		s->queue_alloc = s->queue_alloc == 0 ? 64 :
		    s->queue_alloc * 2;
		if (s->queue_alloc > s->queue_max)
			s->queue_alloc = s->queue_max;
		s->queue = xreallocarray(s->queue, s->queue_alloc,
		    sizeof *s->queue);
	}
	return (&s->queue[s->nqueue++]);
}

/* A cleared row of this kind in the queue, or NULL (see above). */
static struct store_row *
store_queue_row(struct store *s, enum store_kind kind)
{
	struct store_row	*row;

	if ((row = store_queue_slot(s)) != NULL) {
		memset(row, 0, sizeof *row);
		row->kind = kind;
	}
	return (row);
}

int
store_session_state(struct store *s, const struct session *sess,
    enum bgp_state old, int64_t when_ms)
{
	struct store_row		*row;
	struct store_row_session	*r;

	if ((row = store_queue_row(s, ROW_SESSION)) == NULL)
		return (-1);
	r = &row->s;
	r->time_ms = when_ms != 0 ? when_ms : now_wall_ms();
	strlcpy_pt(r->session, sess->name, sizeof r->session);
	if (sess->partner != NULL)
		strlcpy_pt(r->partner, sess->partner->name,
		    sizeof r->partner);
	strlcpy_pt(r->router, sess->router, sizeof r->router);
	if (sess->neighbor.af != 0)
		addr_fmt(&sess->neighbor, r->neighbor, sizeof r->neighbor);
	strlcpy_pt(r->edge, sess->edge, sizeof r->edge);
	r->role = role_name(sess->role);
	r->old_state = bgp_state_name(old);
	r->state = bgp_state_name(sess->state);
	r->remote_as = sess->remote_as;
	strlcpy_pt(r->last_error, sess->last_error, sizeof r->last_error);
	r->routes_imported = sess->routes_imported;
	r->routes_exported = sess->routes_exported;
	return (0);
}

int
store_redundancy(struct store *s, const struct partner *p,
    enum redundancy old, int64_t when_ms)
{
	struct store_row		*row;
	struct store_row_redundancy	*r;

	if ((row = store_queue_row(s, ROW_REDUNDANCY)) == NULL)
		return (-1);
	r = &row->r;
	r->time_ms = when_ms != 0 ? when_ms : now_wall_ms();
	strlcpy_pt(r->partner, p->name, sizeof r->partner);
	r->old_state = redundancy_name(old);
	r->state = redundancy_name(p->red);
	strlcpy_pt(r->reason, p->reason, sizeof r->reason);
	return (0);
}

int
store_event(struct store *s, const struct event *ev)
{
	struct store_row	*row;

	if ((row = store_queue_slot(s)) == NULL)
		return (-1);
	row->kind = ROW_EVENT;
	row->e = *ev;
	if (row->e.time_ms == 0)
		row->e.time_ms = now_wall_ms();
	return (0);
}

/* A registered prefix's state as the route monitor left it. */
static void
store_sink_prefix_cb(void *arg, const struct branch *b,
    const struct branch_prefix *bp, int64_t when_ms)
{
	struct store		*s = arg;
	struct store_row	*row;
	struct store_row_prefix	*r;
	const struct model	*m = s->model;

	if ((row = store_queue_row(s, ROW_PREFIX)) == NULL)
		return;
	r = &row->p;
	r->time_ms = when_ms != 0 ? when_ms : now_wall_ms();
	strlcpy_pt(r->branch, b->name, sizeof r->branch);
	prefix_fmt(&bp->prefix, r->prefix, sizeof r->prefix);
	r->origin = bp->origin;
	r->flags = bp->flags;
	r->primary_up = bp->nprimary;
	r->primary_total = bp->nprimary_total;
	r->backup_up = bp->nbackup;
	r->backup_total = bp->nbackup_total;
	r->best_origin = bp->best_origin;
	strlcpy_pt(r->best_path, bp->best_path, sizeof r->best_path);
	if (m != NULL && bp->best_session >= 0 &&
	    (size_t)bp->best_session < m->nsessions)
		strlcpy_pt(r->best_session, m->sessions[bp->best_session]->name,
		    sizeof r->best_session);
	strlcpy_pt(r->carried, bp->carried, sizeof r->carried);
	strlcpy_pt(r->problem, bp->problem, sizeof r->problem);
}

/* A branch's routed edge and SuboptimalRouting. */
static void
store_sink_route_cb(void *arg, const struct branch *b, int64_t when_ms)
{
	struct store		*s = arg;
	struct store_row	*row;
	struct store_row_route	*r;
	const struct model	*m = s->model;

	if ((row = store_queue_row(s, ROW_ROUTE)) == NULL)
		return;
	r = &row->b;
	r->time_ms = when_ms != 0 ? when_ms : now_wall_ms();
	strlcpy_pt(r->branch, b->name, sizeof r->branch);
	if (m != NULL && b->routed >= 0 && (size_t)b->routed < m->nedges)
		strlcpy_pt(r->edge, m->edges[b->routed].code, sizeof r->edge);
	r->suboptimal = b->suboptimal != 0;
}

/*
 * The configuration's text for the run row: a regular file of at most
 * STORE_RUN_CONFIG_MAX bytes, else NULL (a partial text would mislead).
 */
static char *
store_run_read(const char *path, size_t *len)
{
	struct stat	 sb;
	char		*buf;
	size_t		 have = 0;
	ssize_t		 n;
	int		 fd;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return (NULL);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return (NULL);
	}
	buf = xmalloc(STORE_RUN_CONFIG_MAX + 1);
	do {
		n = read(fd, buf + have, STORE_RUN_CONFIG_MAX + 1 - have);
		if (n > 0)
			have += n;
	} while ((n > 0 || (n == -1 && errno == EINTR)) &&
	    have <= STORE_RUN_CONFIG_MAX);
	close(fd);
	if (n == -1 || have > STORE_RUN_CONFIG_MAX) {
		if (n != -1)
			log_warnx("%s: larger than %d bytes, not recorded in "
			    "the history", path, STORE_RUN_CONFIG_MAX);
		free(buf);
		return (NULL);
	}
	*len = have;
	return (xreallocarray(buf, have + 1, 1));
}

int
store_run_begin(struct store *s, const char *version, const char *config_path)
{
	char	*real;

	if (s->readonly || s->db == NULL)
		return (-1);
	free(s->run_version);
	free(s->run_config_path);
	free(s->run_config);
	s->run_version = version != NULL ? xstrdup(version) : NULL;
	s->run_config_path = NULL;
	s->run_config = NULL;
	s->run_config_len = 0;
	if (config_path != NULL) {
		if ((real = realpath(config_path, NULL)) != NULL) {
			s->run_config_path = xstrdup(real);
			free(real);
		} else
			s->run_config_path = xstrdup(config_path);
		s->run_config = store_run_read(config_path,
		    &s->run_config_len);
	}
	s->run_start_ms = now_wall_ms();
	s->run_id = 0;
	s->run_pending = 1;
	return (0);
}

/*
 * In the flush's transaction: the run's row on the first flush after
 * store_run_begin() (*id its rowid, taken once the commit succeeds),
 * its heartbeat on every later one.  An SQLite code.
 */
static int
store_insert_run(struct store *s, int64_t now_ms, int64_t *id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (s->run_pending) {
		st = s->ins_run;
		sqlite3_bind_int64(st, 1, s->run_start_ms);
		sqlite3_bind_int64(st, 2, now_ms);
		store_bind_text(st, 3, s->run_version);
		store_bind_text(st, 4, s->run_config_path);
		if (s->run_config != NULL)
			sqlite3_bind_text(st, 5, s->run_config,
			    (int)s->run_config_len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
	} else {
		st = s->upd_run;
		sqlite3_bind_int64(st, 1, s->run_id);
		sqlite3_bind_int64(st, 2, now_ms);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE && s->run_pending)
		*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_DONE ? SQLITE_OK : rc);
}

int
store_latency_sample(struct store *s, int64_t time_ms, const char *branch,
    const char *edge, const char *target, const char *source,
    int64_t rtt_us)
{
	struct store_row_latency	*r;

	if (s->readonly || s->db == NULL)
		return (-1);
	/* One bound for both queues: what an outage may hold in memory. */
	if (s->nqueue + s->nlat >= s->queue_max) {
		if (s->dropped++ == 0)
			s->dropped_since = now_wall_ms();
		store_update_error(s);
		return (-1);
	}
	if (s->nlat == s->lat_alloc) {
		s->lat_alloc = s->lat_alloc == 0 ? 256 : s->lat_alloc * 2;
		if (s->lat_alloc > s->queue_max)
			s->lat_alloc = s->queue_max;
		s->lat = xreallocarray(s->lat, s->lat_alloc, sizeof *s->lat);
	}
	r = &s->lat[s->nlat++];
	r->time_ms = time_ms != 0 ? time_ms : now_wall_ms();
	if (rtt_us < 0)
		r->rtt_us = -1;
	else
		r->rtt_us = rtt_us > STORE_RTT_MAX_US ? STORE_RTT_MAX_US :
		    rtt_us;
	/* Names may come from Prometheus labels or agents: sanitise. */
	sanitize(r->branch, sizeof r->branch, branch, strlen(branch));
	sanitize(r->edge, sizeof r->edge, edge, strlen(edge));
	sanitize(r->target, sizeof r->target, target, strlen(target));
	if (source != NULL)
		sanitize(r->source, sizeof r->source, source, strlen(source));
	else
		r->source[0] = '\0';
	return (0);
}

/* The start of the period of period_ms that holds t (floor, also < 0). */
static int64_t
store_period_start(int64_t t, int64_t period_ms)
{
	return (t - (t % period_ms + period_ms) % period_ms);
}

/* Order of series: branch, edge, target. */
static int
store_series_cmp(const struct store_row_latency *x,
    const struct store_row_latency *y)
{
	int	c;

	if ((c = strcmp(x->branch, y->branch)) == 0 &&
	    (c = strcmp(x->edge, y->edge)) == 0)
		c = strcmp(x->target, y->target);
	return (c);
}

/* Order by series, then minute, so that a flush's roll-ups are runs. */
static int
store_minute_cmp(const void *a, const void *b)
{
	const struct store_row_latency	*x = *(const void * const *)a;
	const struct store_row_latency	*y = *(const void * const *)b;
	int64_t				 mx, my;
	int				 c;

	if ((c = store_series_cmp(x, y)) != 0)
		return (c);
	mx = store_period_start(x->time_ms, STORE_MINUTE_MS);
	my = store_period_start(y->time_ms, STORE_MINUTE_MS);
	return (mx < my ? -1 : mx > my);
}

/* Bind a roll-up to the UPDATE or the INSERT, run it; an SQLite code. */
static int
store_step_rollup(sqlite3_stmt *st, const struct store_rollup *ru)
{
	int	rc;

	sqlite3_bind_int64(st, 1, ru->start_ms);
	sqlite3_bind_text(st, 2, ru->key->branch, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ru->key->edge, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ru->key->target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, ru->sent);
	sqlite3_bind_int64(st, 6, ru->received);
	if (ru->received != 0) {
		sqlite3_bind_int64(st, 7, ru->min);
		sqlite3_bind_int64(st, 8, ru->max);
	} else {
		sqlite3_bind_null(st, 7);
		sqlite3_bind_null(st, 8);
	}
	sqlite3_bind_int64(st, 9, ru->sum);
	sqlite3_bind_int64(st, 10, ru->sumsq);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? SQLITE_OK : rc);
}

/*
 * Add a run to its row of store_levels[level]; the period's first flush
 * makes the row.  The run starts again empty.
 */
static int
store_upsert_rollup(struct store *s, size_t level, struct store_rollup *ru)
{
	int	rc;

	if ((rc = store_step_rollup(s->upd_rollup[level], ru)) == SQLITE_OK &&
	    sqlite3_changes(s->db) == 0)
		rc = store_step_rollup(s->ins_rollup[level], ru);
	memset(ru, 0, sizeof *ru);
	return (rc);
}

/*
 * One sample into the run of one roll-up level, after writing the run
 * out when the sample is of another series (same 0) or period.  An RTT
 * is at most 3.6e15 us^2 squared: a sum of squares that would pass
 * INT64_MAX (2,562 such samples) is written as it is and the run goes on
 * in a second upsert, which SQLite adds (turning the column REAL only
 * when it overflows there).
 */
static int
store_rollup_add(struct store *s, size_t level, struct store_rollup *ru,
    const struct store_row_latency *r, int same)
{
	int64_t	start, sq;
	int	rc;

	start = store_period_start(r->time_ms, store_levels[level].period_ms);
	sq = r->rtt_us >= 0 ? r->rtt_us * r->rtt_us : 0;
	if (ru->key != NULL && (!same || start != ru->start_ms ||
	    ru->sumsq > INT64_MAX - sq) &&
	    (rc = store_upsert_rollup(s, level, ru)) != SQLITE_OK)
		return (rc);
	ru->key = r;
	ru->start_ms = start;
	ru->sent++;
	if (r->rtt_us < 0)
		return (SQLITE_OK);
	if (ru->received == 0 || r->rtt_us < ru->min)
		ru->min = r->rtt_us;
	if (ru->received == 0 || r->rtt_us > ru->max)
		ru->max = r->rtt_us;
	ru->received++;
	ru->sum += r->rtt_us;
	ru->sumsq += sq;
	return (SQLITE_OK);
}

/*
 * The queued samples into latency_sample, then their sums into each
 * roll-up table: sorted by series and minute (so hours are runs too),
 * each run of a flush is one upsert per table, which adds to what
 * earlier flushes wrote.  A period starts at floor(time_ms / period) *
 * period.
 */
static int
store_insert_latency(struct store *s)
{
	const struct store_row_latency	*r, *prev = NULL;
	struct store_rollup		 ru[STORE_NLEVELS];
	sqlite3_stmt			*st = s->ins_latency;
	size_t				 i, l;
	int				 rc = SQLITE_OK, same;

	if (s->nlat == 0)
		return (SQLITE_OK);
	for (i = 0; rc == SQLITE_OK && i < s->nlat; i++) {
		r = &s->lat[i];
		sqlite3_bind_int64(st, 1, r->time_ms);
		sqlite3_bind_text(st, 2, r->branch, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, r->edge, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->target, -1, SQLITE_STATIC);
		store_bind_text(st, 5, r->source);
		if (r->rtt_us >= 0)
			sqlite3_bind_int64(st, 6, r->rtt_us);
		else
			sqlite3_bind_null(st, 6);
		if ((rc = sqlite3_step(st)) == SQLITE_DONE)
			rc = SQLITE_OK;
		sqlite3_reset(st);
	}
	if (rc != SQLITE_OK)
		return (rc);

	if (s->lat_sorted_alloc < s->nlat) {
		s->lat_sorted_alloc = s->nlat;
		s->lat_sorted = xreallocarray(s->lat_sorted,
		    s->lat_sorted_alloc, sizeof *s->lat_sorted);
	}
	for (i = 0; i < s->nlat; i++)
		s->lat_sorted[i] = &s->lat[i];
	qsort(s->lat_sorted, s->nlat, sizeof *s->lat_sorted,
	    store_minute_cmp);

	memset(ru, 0, sizeof ru);
	for (i = 0; rc == SQLITE_OK && i < s->nlat; i++) {
		r = s->lat_sorted[i];
		same = prev != NULL && store_series_cmp(prev, r) == 0;
		for (l = 0; rc == SQLITE_OK && l < STORE_NLEVELS; l++)
			rc = store_rollup_add(s, l, &ru[l], r, same);
		prev = r;
	}
	for (l = 0; rc == SQLITE_OK && l < STORE_NLEVELS; l++)
		if (ru[l].key != NULL)
			rc = store_upsert_rollup(s, l, &ru[l]);
	return (rc);
}

/* Empty strings are stored as NULL: "not known", not "known empty". */
static void
store_bind_text(sqlite3_stmt *st, int col, const char *text)
{
	if (text == NULL || *text == '\0')
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
}

/* An AS number, 0 when not known: stored as NULL. */
static void
store_bind_known(sqlite3_stmt *st, int col, uint32_t v)
{
	if (v != 0)
		sqlite3_bind_int64(st, col, v);
	else
		sqlite3_bind_null(st, col);
}

static int
store_insert(struct store *s, const struct store_row *row)
{
	const struct store_row_session		*rs;
	const struct store_row_redundancy	*rr;
	const struct store_row_prefix		*rp;
	const struct store_row_route		*rb;
	const struct event			*e;
	sqlite3_stmt				*st;
	int					 rc;

	switch (row->kind) {
	case ROW_SESSION:
		rs = &row->s;
		st = s->ins_session;
		sqlite3_bind_int64(st, 1, rs->time_ms);
		sqlite3_bind_text(st, 2, rs->session, -1, SQLITE_STATIC);
		store_bind_text(st, 3, rs->partner);
		store_bind_text(st, 4, rs->router);
		store_bind_text(st, 5, rs->neighbor);
		store_bind_text(st, 6, rs->edge);
		store_bind_text(st, 7, rs->role);
		store_bind_text(st, 8, rs->old_state);
		sqlite3_bind_text(st, 9, rs->state, -1, SQLITE_STATIC);
		store_bind_known(st, 10, rs->remote_as);
		store_bind_text(st, 11, rs->last_error);
		sqlite3_bind_int64(st, 12, rs->routes_imported);
		sqlite3_bind_int64(st, 13, rs->routes_exported);
		break;
	case ROW_REDUNDANCY:
		rr = &row->r;
		st = s->ins_redundancy;
		sqlite3_bind_int64(st, 1, rr->time_ms);
		sqlite3_bind_text(st, 2, rr->partner, -1, SQLITE_STATIC);
		store_bind_text(st, 3, rr->old_state);
		sqlite3_bind_text(st, 4, rr->state, -1, SQLITE_STATIC);
		store_bind_text(st, 5, rr->reason);
		break;
	case ROW_EVENT:
		e = &row->e;
		st = s->ins_event;
		sqlite3_bind_int64(st, 1, e->time_ms);
		sqlite3_bind_text(st, 2, e->type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, level_name(e->level), -1,
		    SQLITE_STATIC);
		store_bind_text(st, 4, e->subject);
		store_bind_text(st, 5, e->summary);
		store_bind_text(st, 6, e->details);
		break;
	case ROW_PREFIX:
		rp = &row->p;
		st = s->ins_prefix;
		sqlite3_bind_int64(st, 1, rp->time_ms);
		sqlite3_bind_text(st, 2, rp->branch, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, rp->prefix, -1, SQLITE_STATIC);
		store_bind_known(st, 4, rp->origin);
		sqlite3_bind_int64(st, 5, rp->flags);
		sqlite3_bind_int64(st, 6, rp->primary_up);
		sqlite3_bind_int64(st, 7, rp->primary_total);
		sqlite3_bind_int64(st, 8, rp->backup_up);
		sqlite3_bind_int64(st, 9, rp->backup_total);
		store_bind_known(st, 10, rp->best_origin);
		store_bind_text(st, 11, rp->best_path);
		store_bind_text(st, 12, rp->best_session);
		store_bind_text(st, 13, rp->carried);
		store_bind_text(st, 14, rp->problem);
		break;
	case ROW_ROUTE:
		rb = &row->b;
		st = s->ins_route;
		sqlite3_bind_int64(st, 1, rb->time_ms);
		sqlite3_bind_text(st, 2, rb->branch, -1, SQLITE_STATIC);
		store_bind_text(st, 3, rb->edge);
		sqlite3_bind_int(st, 4, rb->suboptimal);
		break;
	default:
		fatalx("%s: bad row kind %d", __func__, row->kind);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_DONE ? SQLITE_OK : rc);
}

/* Rows were lost while the queue was full: leave a mark in the history. */
static int
store_insert_gap(struct store *s)
{
	struct store_row	 row;
	struct event		*e = &row.e;

	memset(&row, 0, sizeof row);
	row.kind = ROW_EVENT;
	e->time_ms = s->dropped_since;
	strlcpy_pt(e->type, "HistoryGap", sizeof e->type);
	e->level = LVL_WARNING;
	strlcpy_pt(e->subject, "history", sizeof e->subject);
	snprintf(e->summary, sizeof e->summary, "%llu rows not recorded "
	    "(history queue full)", (unsigned long long)s->dropped);
	snprintf(e->details, sizeof e->details, "the writes to the history "
	    "file failed for longer than the queue of %zu rows could hold",
	    s->queue_max);
	return (store_insert(s, &row));
}

int
store_flush(struct store *s, char **cause)
{
	const char	*what;
	char		*msg;
	int64_t		 now, run_id = 0;
	size_t		 i;
	int		 rc, beat;

	if (cause != NULL)
		*cause = NULL;
	if (s->readonly || s->db == NULL)
		return (0);
	/* Idle, the run's heartbeat alone is worth a commit now and then. */
	beat = s->run_pending || (s->run_id != 0 && (s->closing ||
	    now_mono_ms() - s->run_beat >= STORE_BEAT_MS));
	if (s->nqueue == 0 && s->nlat == 0 && s->dropped == 0 && !beat) {
		free(s->failure);
		s->failure = NULL;
		store_update_error(s);
		return (0);
	}

	now = now_wall_ms();
	what = "starting a transaction";
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	for (i = 0; rc == SQLITE_OK && i < s->nqueue; i++) {
		what = "inserting";
		rc = store_insert(s, &s->queue[i]);
	}
	if (rc == SQLITE_OK) {
		what = "inserting latency samples";
		rc = store_insert_latency(s);
	}
	if (rc == SQLITE_OK && s->dropped != 0)
		rc = store_insert_gap(s);
	if (rc == SQLITE_OK && (s->run_pending || s->run_id != 0)) {
		what = "recording the run";
		rc = store_insert_run(s, now, &run_id);
	}
	if (rc == SQLITE_OK) {
		what = "committing";
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK) {
		msg = store_dbmsg(s, rc, what);
		/* SQLite may have rolled back already (SQLITE_FULL). */
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		free(s->failure);
		s->failure = msg;
		store_update_error(s);
		if (cause != NULL)
			*cause = xstrdup(s->error);
		return (-1);
	}

	if (s->run_pending) {
		s->run_pending = 0;
		s->run_id = run_id;
		free(s->run_config);	/* in the file now */
		s->run_config = NULL;
	}
	s->run_beat = now_mono_ms();
	s->written += s->nqueue + s->nlat;
	s->nqueue = 0;
	s->nlat = 0;
	if (s->lat_alloc > 65536) {
		free(s->lat);
		s->lat = NULL;
		s->lat_alloc = 0;
	}
	s->dropped = 0;
	s->dropped_since = 0;
	/* Give back a queue that grew during an outage. */
	if (s->queue_alloc > 1024) {
		free(s->queue);
		s->queue = NULL;
		s->queue_alloc = 0;
	}
	free(s->failure);
	s->failure = NULL;
	store_update_error(s);
	return (0);
}

const char *
store_error(const struct store *s)
{
	return (s->error);
}

void
store_set_queue_max(struct store *s, size_t max)
{
	s->queue_max = max > 0 ? max : 1;
	if (s->queue_alloc > s->queue_max && s->nqueue <= s->queue_max) {
		s->queue_alloc = s->queue_max;
		s->queue = xreallocarray(s->queue, s->queue_alloc,
		    sizeof *s->queue);
	}
}

size_t
store_recent_events(struct store *s, struct event *out, size_t max)
{
	sqlite3_stmt	*st;
	struct event	*e;
	const char	*lv, *txt;
	size_t		 n = 0, i;
	int		 rc, l;

	if (s->db == NULL || max == 0)
		return (0);
	rc = sqlite3_prepare_v2(s->db, "SELECT id, time_ms, type, level, "
	    "subject, summary, details FROM events "
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

/*
 * The cut-offs are whole periods of the next coarser table (raw samples
 * go a minute at a time, minutes an hour at a time), so that every
 * minute still in latency_minute has all its samples' sums and a reader
 * can take hours before a series' first minute row and minutes from it
 * on.  Roll-ups go oldest rowid first: their rows are made in time order.
 */
int64_t
store_latency_prune(struct store *s, int64_t samples_before_ms,
    int64_t minutes_before_ms, int64_t hours_before_ms, int64_t max_rows,
    char **cause)
{
	static const struct {
		const char	*sql;
		int64_t		 round_ms;
	} del[] = {
		{ "DELETE FROM latency_sample WHERE id IN (SELECT id FROM "
		  "latency_sample WHERE time_ms < ?1 ORDER BY time_ms "
		  "LIMIT ?2)", STORE_MINUTE_MS },
		{ "DELETE FROM latency_minute WHERE rowid IN (SELECT rowid "
		  "FROM latency_minute WHERE minute_ms < ?1 ORDER BY rowid "
		  "LIMIT ?2)", STORE_HOUR_MS },
		{ "DELETE FROM latency_hour WHERE rowid IN (SELECT rowid "
		  "FROM latency_hour WHERE hour_ms < ?1 ORDER BY rowid "
		  "LIMIT ?2)", STORE_HOUR_MS },
	};
	sqlite3_stmt	*st;
	int64_t		 before[3], n = 0;
	size_t		 i;
	int		 rc = SQLITE_OK;

	*cause = NULL;
	if (s->readonly || s->db == NULL)
		return (0);
	before[0] = samples_before_ms;
	before[1] = minutes_before_ms;
	before[2] = hours_before_ms;
	for (i = 0; rc == SQLITE_OK && i < nitems(del); i++) {
		if (before[i] == 0)
			continue;
		before[i] = store_period_start(before[i], del[i].round_ms);
		if ((rc = sqlite3_prepare_v2(s->db, del[i].sql, -1, &st,
		    NULL)) != SQLITE_OK)
			break;
		sqlite3_bind_int64(st, 1, before[i]);
		sqlite3_bind_int64(st, 2, max_rows > 0 ? max_rows : -1);
		if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
			rc = SQLITE_OK;
			n += sqlite3_changes(s->db);
		}
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK) {
		*cause = store_dbmsg(s, rc, "pruning latency history");
		return (-1);
	}
	return (n);
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
	};
	int64_t	 v;
	size_t	 i;
	int	 rc;

	memset(st, 0, sizeof *st);
	st->readonly = s->readonly;
	st->queued = s->nqueue + s->nlat;
	st->dropped = s->dropped;
	st->written = s->written;
	if ((rc = store_pragma_int(s, "PRAGMA user_version", &v)) != SQLITE_OK)
		return (-1);
	st->schema_version = v;
	if (store_pragma_int(s, "PRAGMA application_id", &v) != SQLITE_OK)
		return (-1);
	st->application_id = (uint32_t)v;
	st->wal = store_pragma_int(s, "SELECT 1 FROM pragma_journal_mode "
	    "WHERE journal_mode = 'wal'", &v) == SQLITE_OK;
	for (i = 0; i < nitems(counts); i++) {
		if (store_pragma_int(s, counts[i].sql, &v) != SQLITE_OK)
			return (-1);
		*(int64_t *)((char *)st + counts[i].off) = v;
	}
	return (0);
}

static void
store_sink_session_cb(void *arg, const struct session *sess,
    enum bgp_state old, int64_t when_ms)
{
	store_session_state(arg, sess, old, when_ms);
}

static void
store_sink_redundancy_cb(void *arg, const struct partner *p,
    enum redundancy old, int64_t when_ms)
{
	store_redundancy(arg, p, old, when_ms);
}

static void
store_sink_event_cb(void *arg, struct event *ev)
{
	store_event(arg, ev);
}

static void
store_sink_latency_cb(void *arg, const struct latlink *l, int64_t time_ms,
    int64_t rtt_us)
{
	struct store	*s = arg;

	store_latency_sample(s, time_ms, l->branch->name,
	    s->model->edges[l->edge_idx].code, l->target,
	    lat_source_name(l->source), rtt_us);
}

/*
 * The ingest endpoint asks before it answers an agent: a batch that would
 * overflow the queue is refused whole (503, the agent keeps it) rather
 * than accepted and then partly dropped.
 */
static const char *
store_sink_failing_cb(void *arg, size_t rows)
{
	struct store	*s = arg;
	const char	*why;

	if ((why = store_error(s)) != NULL)
		return (why);
	if (s->nqueue + s->nlat + rows > s->queue_max) {
		snprintf(s->room, sizeof s->room, "%s: %zu rows wait for the "
		    "disk, no room for %zu more", s->path, s->nqueue + s->nlat,
		    rows);
		return (s->room);
	}
	return (NULL);
}

void
store_attach(struct store *s, struct model *m)
{
	s->model = m;
	m->sink.arg = s;
	m->sink.session_state = store_sink_session_cb;
	m->sink.redundancy = store_sink_redundancy_cb;
	m->sink.event = store_sink_event_cb;
	m->sink.latency = store_sink_latency_cb;
	m->sink.prefix = store_sink_prefix_cb;
	m->sink.route = store_sink_route_cb;
	m->sink.failing = store_sink_failing_cb;
}
