/* SPDX-License-Identifier: ISC */
/*
 * A history's file and schema: store_schema_open() looks at the file
 * before SQLite does (not SQLite, damaged, another program's database, a
 * newer schema, read-only: refused byte for byte as it came), connects,
 * and brings the schema up to STORE_SCHEMA_VERSION through the
 * migrations[] table, one transaction per step.  The readers' check of a
 * file handed over (store_check_history()) and the immutable URI for a
 * copy in a read-only directory are here too.  The schema is an
 * interface, described in man/schema.mdoc: change it only by adding a
 * migration.
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

#include "core/config.h"
#include "core/latency-mon.h"
#include "core/store.h"
#include "core/store-private.h"

/* SQLite before 3.31 cannot refuse a link itself: store_precheck() does. */
#ifndef SQLITE_OPEN_NOFOLLOW
#define SQLITE_OPEN_NOFOLLOW	0
#endif

/* PRAGMA quick_check on open only while it is cheap. */
#define STORE_QUICK_CHECK_MAX	(64 * 1024 * 1024)

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
	/*
	 * 3 -> 4: route counts over time (issue 12).  A session's prefixes
	 * received and sent change without a transition; the writer keeps
	 * them here, a row for every session at a run's first flush and
	 * then on a change, so that a replay shows them as they were.
	 * Before a session's first row the counts are unknown, not 0: an
	 * upgraded file's older runs never recorded them.
	 */
	{ "route counts",
	  "CREATE TABLE session_counts ("
	  " id INTEGER PRIMARY KEY,"
	  " time_ms INTEGER NOT NULL,"
	  " session TEXT NOT NULL,"
	  " routes_imported INTEGER NOT NULL,"
	  " routes_exported INTEGER NOT NULL);"
	  "CREATE INDEX session_counts_session_time"
	  " ON session_counts (session, time_ms);",
	  NULL },
	/*
	 * 4 -> 5: acknowledgements (issue 14).  Who acknowledged an open
	 * Error or Critical event (the user SO_PEERCRED names), when, and
	 * why.  A table of its own, not columns of events: an event row is
	 * written once and never changed, and a reader at time t can tell
	 * an acknowledgement made after t (not yet there) by its time.  One
	 * row an event: the first acknowledgement stands.
	 */
	{ "acknowledgements",
	  "CREATE TABLE event_ack ("
	  " event_id INTEGER PRIMARY KEY REFERENCES events (id),"
	  " time_ms INTEGER NOT NULL,"
	  " user TEXT NOT NULL,"
	  " comment TEXT NOT NULL DEFAULT '');",
	  NULL },
	/*
	 * 5 -> 6: covering indexes (issue 18).  A replay asks each
	 * session, partner, branch and prefix for its last row at or
	 * before a time, and each session for its transitions since the
	 * run began: with the columns it reads in the (name, time) index,
	 * those are a few neighbouring index pages, not a table page a
	 * row all over the file (a first jump after opening reads from
	 * disk).  The same names, so every query planned on the old ones
	 * still finds them; the id makes ORDER BY time_ms, id the
	 * index's order.
	 */
	{ "covering indexes",
	  "DROP INDEX session_state_session_time;"
	  "CREATE INDEX session_state_session_time ON session_state"
	  " (session, time_ms, id, state, old_state, remote_as, last_error,"
	  " routes_imported, routes_exported);"
	  "DROP INDEX redundancy_state_partner_time;"
	  "CREATE INDEX redundancy_state_partner_time ON redundancy_state"
	  " (partner, time_ms, id, state, old_state, reason);"
	  "DROP INDEX branch_route_branch_time;"
	  "CREATE INDEX branch_route_branch_time ON branch_route"
	  " (branch, time_ms, id, routed_edge, suboptimal);"
	  "DROP INDEX prefix_state_prefix_time;"
	  "CREATE INDEX prefix_state_prefix_time ON prefix_state"
	  " (branch, prefix, time_ms, id, flags);",
	  NULL },
	/*
	 * 6 -> 7: a window's exact medians without reading every sample
	 * (issue 18).  Each series' hour of round trips in one row, sorted
	 * (store-block.c): the writer adds a pending row (rtts NULL) for
	 * every series and hour it writes samples of, and clears a sealed
	 * one that a late sample joins; its retention timer seals the
	 * hours that are over.  A row counts only while n is the hour
	 * roll-up's sent.  The hours the raw samples of an upgraded file
	 * cover are pending here, sealed in the background.
	 */
	{ "latency blocks",
	  "CREATE TABLE latency_block ("
	  " hour_ms INTEGER NOT NULL,"
	  " branch TEXT NOT NULL,"
	  " edge TEXT NOT NULL,"
	  " target TEXT NOT NULL,"
	  " n INTEGER NOT NULL,"
	  " rtts BLOB,"
	  " UNIQUE (hour_ms, branch, edge, target));"
	  "CREATE INDEX latency_block_pending ON latency_block (hour_ms)"
	  " WHERE rtts IS NULL;"
	  "INSERT INTO latency_block (hour_ms, branch, edge, target, n)"
	  " SELECT hour_ms, branch, edge, target, 0 FROM latency_hour"
	  " WHERE hour_ms >= (SELECT min(time_ms) - min(time_ms) % 3600000"
	  " FROM latency_sample);",
	  NULL },
};

_Static_assert(nitems(migrations) == STORE_SCHEMA_VERSION,
    "one migration step per schema version");

static const char sqlite_magic[16] = "SQLite format 3";	/* with its NUL */

static int	store_precheck(const char *, int, int, int *, struct stat *,
		    char **);
static int	store_trust_beside(const char *, int, char **);
static int	store_same_file(const char *, const struct stat *, char **);
static int	store_create(const char *, const char *, struct stat *,
		    char **);
static int	store_wal_pending(const char *);
static int	store_connect(struct store *, int, char **);
static int	store_inspect(struct store *, int, char **);
static int	store_configure(struct store *, char **);
static int	store_quick_check(struct store *, char **);
static int	store_migrate(struct store *, char **);
static void	store_redact_runs(struct store *);
static uint32_t	store_be32(const unsigned char *);

/*
 * Look at the file before SQLite does.  sqlite3_open_v2() happily opens
 * any file and only fails at the first query, and some failures (a write
 * to someone else's file) are what we promise never to do.  Sets *isnew
 * when there is nothing to lose (absent or empty file), and for writing
 * *id to the file checked (or created), for store_same_file().
 */
static int
store_precheck(const char *path, int readonly, int anyowner, int *isnew,
    struct stat *id, char **cause)
{
	struct stat	 sb;
	unsigned char	 hdr[100];
	char		*dir, *slash;
	ssize_t		 n;
	long		 pagesize;
	int		 fd, dirok, nodir, exists = 1;

	*isnew = 0;
	/*
	 * lstat: a symbolic link in the history's place is refused for
	 * writing (below), dangling or not; SQLite is then told not to
	 * follow one either (SQLITE_OPEN_NOFOLLOW), so a link made in
	 * between is refused too.  Reviewing follows links: it writes
	 * nothing.
	 */
	if ((readonly ? stat(path, &sb) : lstat(path, &sb)) == -1) {
		if (errno != ENOENT || readonly) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			return (-1);
		}
		*isnew = 1;
		exists = 0;
	} else {
		if (S_ISLNK(sb.st_mode)) {
			xasprintf(cause, "%s: a symbolic link: peertop records "
			    "history only in a file named as itself; give the "
			    "file's real path", path);
			return (-1);
		}
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
		strlcpy_pt(dir, ".", 2);
	else
		slash[slash == dir ? 1 : 0] = '\0';
	dirok = access(dir, W_OK) == 0;
	nodir = !dirok && errno == ENOENT;
	if (!dirok) {
		if (!exists)
			xasprintf(cause, "%s: cannot create: %s", path, nodir ?
			    "no such directory" : "directory is read-only");
		else
			xasprintf(cause, "%s: read-only (directory not "
			    "writable)", path);
		free(dir);
		return (-1);
	}
	if (!exists && store_create(path, dir, &sb, cause) != 0) {
		free(dir);
		return (-1);
	}
	free(dir);
	*id = sb;
	if (exists && store_trust(path, &sb, anyowner, cause) != 0)
		return (-1);
	if (store_trust_beside(path, anyowner, cause) != 0)
		return (-1);
	if (exists && (sb.st_mode & S_IROTH))
		log_warnx("%s: readable by every user (mode %04o): it holds "
		    "the network's names and events; chmod o-r it", path,
		    (unsigned)(sb.st_mode & 07777));
	return (0);
}

/*
 * A history that someone else could have written is refused for
 * writing: one writable by its group or by others (anyone could craft
 * its rows, or hand root a file to write through), and, when running as
 * root, one that root does not own unless the configuration says so
 * (database FILE any-owner).  The message says what to do.
 */
int
store_trust(const char *path, const struct stat *sb, int anyowner,
    char **cause)
{
	if (sb->st_mode & (S_IWGRP | S_IWOTH)) {
		xasprintf(cause, "%s: writable by %s (mode %04o): refused, "
		    "anyone who can write it can forge its history; chmod "
		    "go-w it", path, (sb->st_mode & S_IWOTH) ? "every user" :
		    "its group", (unsigned)(sb->st_mode & 07777));
		return (-1);
	}
	if (geteuid() == 0 && sb->st_uid != 0 && !anyowner) {
		xasprintf(cause, "%s: owned by uid %u, not root: refused "
		    "while running as root; chown root it, or write "
		    "\"database FILE any-owner\" in the configuration", path,
		    (unsigned)sb->st_uid);
		return (-1);
	}
	return (0);
}

/*
 * SQLite applies a -wal it finds beside the file and writes through the
 * -shm: they are held to the file's standards (regular files, not links,
 * not writable by group or others, root's when running as root).  A
 * -journal is rolled back into the file the same way.
 */
static int
store_trust_beside(const char *path, int anyowner, char **cause)
{
	static const char *const suffix[] = { "-wal", "-shm", "-journal" };
	struct stat	 sb;
	char		*name;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; rc == 0 && i < nitems(suffix); i++) {
		xasprintf(&name, "%s%s", path, suffix[i]);
		if (lstat(name, &sb) == -1) {
			if (errno != ENOENT) {
				xasprintf(cause, "%s: %s", name,
				    strerror(errno));
				rc = -1;
			}
		} else if (!S_ISREG(sb.st_mode)) {
			xasprintf(cause, "%s: %s beside the history: refused; "
			    "remove it", name, S_ISLNK(sb.st_mode) ?
			    "a symbolic link" : "not a regular file");
			rc = -1;
		} else
			rc = store_trust(name, &sb, anyowner, cause);
		free(name);
	}
	return (rc);
}

/*
 * After SQLite opened path: is it still the file checked?  One renamed
 * into its place in between (by someone who can write the directory) is
 * refused.
 */
static int
store_same_file(const char *path, const struct stat *id, char **cause)
{
	struct stat	 sb;

	if (lstat(path, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (sb.st_dev != id->st_dev || sb.st_ino != id->st_ino) {
		xasprintf(cause, "%s: replaced by another file while it was "
		    "being opened: refused", path);
		return (-1);
	}
	return (0);
}

/*
 * A new history is made here, not by SQLite (0644 less the umask): mode
 * 0640 when its directory has the set-group-ID bit, the way to share it
 * with a group (new files take the directory's group: "install -d -m
 * 2750 -g peertop /var/lib/peertop"), else 0600.  SQLite gives the -wal,
 * -shm and -journal files beside it the database file's mode and owner.
 * O_EXCL and O_NOFOLLOW: nothing already there, a link least of all, is
 * ever opened for this.
 */
static int
store_create(const char *path, const char *dir, struct stat *id,
    char **cause)
{
	struct stat	 sb;
	mode_t		 mode = 0600;
	int		 fd;

	if (stat(dir, &sb) == 0 && (sb.st_mode & S_ISGID))
		mode = 0640;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd == -1) {
		xasprintf(cause, "%s: cannot create: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, id) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	close(fd);
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

/*
 * Decide whether this is our file, and which version, using reads only:
 * a refused file must come out byte for byte as it went in.
 */
static int
store_inspect(struct store *s, int isnew, char **cause)
{
	int64_t	 appid, version, ntables;
	int	 rc;

	if ((rc = store_sql_int(s->db, "PRAGMA application_id", &appid,
	    NULL)) != SQLITE_OK ||
	    (rc = store_sql_int(s->db, "PRAGMA user_version", &version,
	    NULL)) != SQLITE_OK ||
	    (rc = store_sql_int(s->db, "SELECT count(*) FROM sqlite_master",
	    &ntables, NULL)) != SQLITE_OK) {
		s->inspect_rc = rc;
		*cause = store_dberr(s, rc, "reading the schema");
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
		*cause = store_dberr(s, rc, "setting up");
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

	if (store_sql_int(s->db, "PRAGMA page_count", &pages,
	    NULL) != SQLITE_OK || store_sql_int(s->db, "PRAGMA page_size",
	    &pagesize, NULL) != SQLITE_OK)
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
		*cause = store_dberr(s, rc, "checking the file");
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
	/* The schema's "YYYY-MM-DD HH:MM:SS" in UTC: time_iso()'s, T, Z. */
	time_iso(when, sizeof when, now_wall_ms(), 0);
	when[10] = ' ';
	when[19] = '\0';
	values[1] = when;

	rc = sqlite3_prepare_v2(s->db,
	    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", -1, &st,
	    NULL);
	for (i = 0; rc == SQLITE_OK && i < nitems(keys); i++) {
		sqlite3_bind_text(st, 1, keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, values[i], -1, SQLITE_STATIC);
		rc = store_sql_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		*cause = store_dberr(s, rc, "writing meta");
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
	int				 rc, created = s->version == 0;

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
		/* A new file goes through every step: not an upgrade. */
		if (!created)
			log_info("%s: schema upgraded to version %d (%s)",
			    s->path, s->version + 1, m->what);
		s->version++;
	}
	if (created)
		log_debug("%s: new history (schema version %d)", s->path,
		    s->version);
	return (0);

rollback:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return (-1);
}

/*
 * Open the SQLite connection; immutable (read-only mode only) goes
 * through a URI, so the path is percent-encoded into one.
 */
static int
store_connect(struct store *s, int immutable, char **cause)
{
	int		 rc;

	rc = store_sql_open(s->path, s->readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
	    immutable, &s->db);
	if (rc != SQLITE_OK) {
		if (s->db == NULL)
			xasprintf(cause, "%s: %s", s->path, sqlite3_errstr(rc));
		else
			*cause = store_dberr(s, rc, "opening");
		return (-1);
	}
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

/*
 * Open s->path for s->readonly: the checks, the connection (as immutable
 * when a reviewer's directory is read-only) and, for writing, the
 * migrations.  0, or -1 and *cause; s->db may be set either way.
 */
int
store_schema_open(struct store *s, char **cause)
{
	struct stat	 id;
	int		 isnew;

	if (store_precheck(s->path, s->readonly, s->anyowner, &isnew, &id,
	    cause) != 0)
		return (-1);
	if (!s->readonly && store_lock(s, cause) != 0)
		return (-1);
	if (store_connect(s, 0, cause) != 0)
		return (-1);
	if (!s->readonly && store_same_file(s->path, &id, cause) != 0)
		return (-1);
	if (store_inspect(s, isnew, cause) != 0) {
		/*
		 * Reviewing a WAL file in a directory we cannot write: SQLite
		 * cannot create the -shm index.  With no -wal beside it there
		 * is no writer and nothing uncommitted, so the file can be
		 * read as immutable.
		 */
		if (!s->readonly || !store_immutable_ok(s->path, s->inspect_rc))
			return (-1);
		free(*cause);
		*cause = NULL;
		sqlite3_close_v2(s->db);
		s->db = NULL;
		if (store_connect(s, 1, cause) != 0 ||
		    store_inspect(s, isnew, cause) != 0)
			return (-1);
		log_info("%s: read as immutable (read-only directory)",
		    s->path);
	}
	if (!isnew && store_quick_check(s, cause) != 0)
		return (-1);
	if (store_configure(s, cause) != 0)
		return (-1);
	if (!s->readonly && store_migrate(s, cause) != 0)
		return (-1);
	if (!s->readonly && !isnew)
		store_redact_runs(s);
	return (0);
}

/*
 * A history written before run.config was redacted may hold a token in
 * plain text: every writer's open redacts the stored copies it finds
 * (config_redact() is its own fixed point, so this changes a row once).
 * A copy that no longer reads as a configuration is dropped rather than
 * kept with whatever it holds.  Failing leaves the rows as they were,
 * with a warning: the collector runs on.
 */
static void
store_redact_runs(struct store *s)
{
	sqlite3_stmt	*sel = NULL, *upd = NULL;
	const char	*text, *name;
	char		*clean;
	size_t		 len;
	uint64_t	 n = 0;
	int		 rc;

	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "SELECT id, config_path, config "
		    "FROM run WHERE config IS NOT NULL", -1, &sel, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "UPDATE run SET config = ? "
		    "WHERE id = ?", -1, &upd, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		name = (const char *)sqlite3_column_text(sel, 1);
		text = (const char *)sqlite3_column_text(sel, 2);
		if (text == NULL)
			continue;
		len = (size_t)sqlite3_column_bytes(sel, 2);
		clean = config_redact(name != NULL ? name : "run.config", text,
		    len, &len);
		if (clean != NULL && strcmp(clean, text) == 0) {
			free(clean);
			continue;
		}
		if (clean != NULL)
			sqlite3_bind_text(upd, 1, clean, (int)len, free);
		else
			sqlite3_bind_null(upd, 1);
		sqlite3_bind_int64(upd, 2, sqlite3_column_int64(sel, 0));
		rc = store_sql_step(upd);
		sqlite3_reset(upd);
		n++;
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		log_warnx("%s: cannot redact the configurations stored by "
		    "earlier runs: %s", s->path, sqlite3_errstr(rc));
	} else if (n > 0)
		log_info("%s: secrets redacted from %llu configuration%s "
		    "stored by earlier runs", s->path, (unsigned long long)n,
		    n == 1 ? "" : "s");
}

static uint32_t
store_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/*
 * What SQLite would say less clearly, for both readers of a history
 * (this one and store-replay.c): a missing, empty or foreign file, or one
 * shorter than its header says.  The in-header page count is only trusted
 * when valid (the change counter matches version-valid-for) and no -wal
 * file with pages in it may hold pages beyond it.
 */
int
store_check_history(const char *path, char **cause)
{
	unsigned char	 hdr[100];
	struct stat	 sb;
	char		*wal;
	uint32_t	 pagesz, pages;
	ssize_t		 n;
	int		 fd, haswal;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	n = S_ISREG(sb.st_mode) ? read(fd, hdr, sizeof hdr) : 0;
	close(fd);
	if (S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: a directory, not a peertop history",
		    path);
		return (-1);
	}
	if (!S_ISREG(sb.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		return (-1);
	}
	if (n == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
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
	    (pagesz & (pagesz - 1)) != 0 || sb.st_size % pagesz != 0) {
		xasprintf(cause, "%s: damaged SQLite database (truncated: "
		    "%lld bytes)", path, (long long)sb.st_size);
		return (-1);
	}
	pages = store_be32(hdr + 28);
	xasprintf(&wal, "%s-wal", path);
	haswal = stat(wal, &sb) == 0 && sb.st_size > 0;
	free(wal);
	if (stat(path, &sb) == 0 && !haswal && pages != 0 &&
	    store_be32(hdr + 24) == store_be32(hdr + 92) &&
	    (int64_t)sb.st_size < (int64_t)pages * pagesz) {
		xasprintf(cause, "%s: damaged SQLite database (truncated: "
		    "%lld of %lld bytes)", path, (long long)sb.st_size,
		    (long long)pages * pagesz);
		return (-1);
	}
	return (0);
}
