/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the SQLite history (core/store.c): new, empty and
 * existing files, the files it must refuse without changing a byte (not
 * SQLite, damaged, another program's, a newer schema, read-only), WAL
 * readers beside the writer, batched flushes that survive a write failure
 * (a real one: RLIMIT_FSIZE in a child process), the queue bound, and the
 * model's sink; latency roll-ups by minute and hour and their retention;
 * schema version 3's run, prefix_state and branch_route rows, and the
 * migrations of real version 1 and 2 files.  Everything happens in a
 * mkdtemp(3) directory; the bad and old files in tests/data/store are
 * copied there first.
 */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "core/eval.h"
#include "core/latency-mon.h"
#include "core/model.h"
#include "core/store.h"
#include "tests/unit/unit.h"

#define LATENCY_LOST_STORE	(-1)	/* store_latency_sample(): lost */

static char	tmpdir[] = "/tmp/peertop-store.XXXXXX";

/* ---------------------------------------------------------- helpers */

static char *
tpath(const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", tmpdir, name);
	return (p);
}



/* Copy tests/data/store/NAME into the temp dir; returns the new path. */
static char *
fixture(const char *name)
{
	char		*src, *dst, *buf;
	size_t		 len;

	xasprintf(&src, "%s/tests/data/store/%s", test_top_srcdir(), name);
	buf = slurp(src, &len);
	if (buf == NULL)
		fail_msg("cannot read fixture %s: %s", src, strerror(errno));
	dst = tpath(name);
	spit(dst, buf, len);
	free(buf);
	free(src);
	return (dst);
}

static int
exists(const char *path)
{
	struct stat	sb;

	return (stat(path, &sb) == 0);
}

static int
sidecar_exists(const char *path, const char *suffix)
{
	char	*p;
	int	 r;

	xasprintf(&p, "%s%s", path, suffix);
	r = exists(p);
	free(p);
	return (r);
}

/*
 * Open must fail with a message containing want and naming the file, and
 * the file must come out exactly as it went in; a writer must also leave
 * no -wal, -shm or -journal beside it.  (A read-only SQLite connection to
 * a WAL-mode file, like sqlite3 -readonly, may leave an empty -wal and
 * the -shm index: it cannot checkpoint, so it never removes them.)  Returns NULL, or what went wrong (malloc'd); no
 * cmocka calls, so a forked child can use it too.
 */
static char *
check_refused(const char *path, int readonly, const char *want)
{
	struct store	*s;
	char		*before, *after, *cause = NULL, *why = NULL;
	size_t		 blen, alen;

	if ((before = slurp(path, &blen)) == NULL) {
		xasprintf(&why, "%s: %s", path, strerror(errno));
		return (why);
	}
	s = store_open(path, readonly, &cause);
	if (s != NULL) {
		store_close(s);
		xasprintf(&why, "%s (readonly %d) was opened, expected \"%s\"",
		    path, readonly, want);
	} else if (cause == NULL)
		xasprintf(&why, "%s: no cause", path);
	else if (strstr(cause, want) == NULL || strstr(cause, path) == NULL)
		xasprintf(&why, "cause \"%s\" lacks \"%s\" or the path",
		    cause, want);
	free(cause);
	if (why == NULL) {
		after = slurp(path, &alen);
		if (after == NULL || alen != blen ||
		    memcmp(after, before, blen) != 0)
			xasprintf(&why, "%s was modified", path);
		else if (!readonly && (sidecar_exists(path, "-wal") ||
		    sidecar_exists(path, "-shm") ||
		    sidecar_exists(path, "-journal")))
			xasprintf(&why, "%s: sidecar file left behind", path);
		free(after);
	}
	free(before);
	return (why);
}

static void
expect_refused(const char *path, int readonly, const char *want)
{
	char	*why;

	if ((why = check_refused(path, readonly, want)) != NULL)
		fail_msg("%s", why);
}

static struct store *
open_ok(const char *path, int readonly)
{
	struct store	*s;
	char		*cause = NULL;

	s = store_open(path, readonly, &cause);
	if (s == NULL)
		fail_msg("store_open %s: %s", path, cause);
	assert_null(cause);
	return (s);
}

static void
stats(struct store *s, struct store_stats *st)
{
	assert_int_equal(store_stats(s, st), 0);
}

static void
mkevent(struct event *e, int64_t t, const char *type, enum level l,
    const char *summary)
{
	memset(e, 0, sizeof *e);
	e->time_ms = t;
	strlcpy_pt(e->type, type, sizeof e->type);
	e->level = l;
	strlcpy_pt(e->subject, "session sea-r1", sizeof e->subject);
	strlcpy_pt(e->summary, summary, sizeof e->summary);
	strlcpy_pt(e->details, "details", sizeof e->details);
}

/* A file with a few rows of each kind, closed again. */
static char *
make_history(const char *name, int nevents)
{
	struct store	*s;
	struct event	 e;
	char		*path, *cause, summary[32];
	int		 i;

	path = tpath(name);
	s = open_ok(path, 0);
	for (i = 0; i < nevents; i++) {
		snprintf(summary, sizeof summary, "event %d", i);
		mkevent(&e, 1700000000000LL + i * 1000, "SessionDown",
		    LVL_WARNING, summary);
		assert_int_equal(store_event(s, &e), 0);
	}
	assert_int_equal(store_flush(s, &cause), 0);
	store_close(s);
	return (path);
}

/* Run sql through the sqlite3 shell, read-only; NULL if there is none. */
static char *
shell(const char *path, const char *sql)
{
	FILE	*p;
	char	*cmd, buf[4096];
	size_t	 n;

	if (system("command -v sqlite3 >/dev/null 2>&1") != 0)
		return (NULL);
	xasprintf(&cmd, "sqlite3 -readonly -batch '%s' \"%s\"", path, sql);
	assert_non_null(p = popen(cmd, "r"));
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	assert_int_equal(pclose(p), 0);
	free(cmd);
	return (xstrdup(buf));
}

/*
 * Rows of a query through the SQLite API (no shell needed), read-only:
 * columns joined by '|', rows ended by '\n', NULL as "NULL".  Malloc'd.
 */
static char *
query(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	const char	*v;
	char		*out = xstrdup(""), *tmp;
	int		 i, rc;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			v = (const char *)sqlite3_column_text(st, i);
			xasprintf(&tmp, "%s%s%s", out, i ? "|" : "",
			    v != NULL ? v : "NULL");
			free(out);
			out = tmp;
		}
		xasprintf(&tmp, "%s\n", out);
		free(out);
		out = tmp;
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (out);
}

static void
expect_query(const char *path, const char *sql, const char *want)
{
	char	*got = query(path, sql);

	if (strcmp(got, want) != 0)
		fail_msg("%s:\ngot  \"%s\"\nwant \"%s\"", sql, got, want);
	free(got);
}

/* Run SQL on the file behind the store's back. */
static void
exec_sql(const char *path, const char *sql)
{
	sqlite3	*db;
	char	*err = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

/* ------------------------------------------------------------ tests */

static void
test_new_file(void **state)
{
	struct store		*s;
	struct store_stats	 st;
	char			*path = tpath("new.db"), *out;
	char			*logpath = tpath("new.log"), *log;
	size_t			 loglen;

	assert_false(exists(path));
	/* A new file is made, not upgraded: the log says nothing of it. */
	assert_int_equal(log_open(logpath, LOG_LVL_INFO), 0);
	log_set_quiet(0);
	s = open_ok(path, 0);
	log_flush();
	log_open(NULL, LOG_LVL_INFO);
	assert_non_null(log = slurp(logpath, &loglen));
	if (memmem(log, loglen, "upgraded", 8) != NULL)
		fail_msg("a new history logged: %.*s", (int)loglen, log);
	free(log);
	free(logpath);
	stats(s, &st);
	assert_int_equal(st.schema_version, STORE_SCHEMA_VERSION);
	assert_int_equal(st.schema_version, STORE_SCHEMA_VERSION);
	assert_int_equal(st.application_id, 0x70656572);
	assert_true(st.wal);
	assert_int_equal(st.session_rows, 0);
	assert_int_equal(st.redundancy_rows, 0);
	assert_int_equal(st.event_rows, 0);
	assert_null(store_error(s));
	store_close(s);

	/* Reopen: nothing to migrate, still the same version. */
	s = open_ok(path, 0);
	stats(s, &st);
	assert_int_equal(st.schema_version, STORE_SCHEMA_VERSION);
	store_close(s);

	/* Every table and index of man/schema.mdoc, and the meta rows. */
	if ((out = shell(path, "SELECT name FROM sqlite_master WHERE name "
	    "NOT LIKE 'sqlite_%' ORDER BY name")) == NULL) {
		print_message("no sqlite3 shell: schema listing skipped\n");
		goto out;
	}
	assert_string_equal(out,
	    "branch_route\n"
	    "branch_route_branch_time\n"
	    "branch_route_time\n"
	    "event_ack\n"
	    "events\n"
	    "events_time\n"
	    "events_type_time\n"
	    "latency_block\n"
	    "latency_block_pending\n"
	    "latency_hour\n"
	    "latency_hour_branch_edge_time\n"
	    "latency_minute\n"
	    "latency_minute_branch_edge_time\n"
	    "latency_sample\n"
	    "latency_sample_branch_edge_time\n"
	    "latency_sample_time\n"
	    "meta\n"
	    "prefix_state\n"
	    "prefix_state_prefix_time\n"
	    "prefix_state_time\n"
	    "redundancy_state\n"
	    "redundancy_state_partner_time\n"
	    "run\n"
	    "run_start\n"
	    "session_counts\n"
	    "session_counts_session_time\n"
	    "session_state\n"
	    "session_state_session_time\n"
	    "session_state_time\n");
	free(out);
	assert_non_null(out = shell(path,
	    "SELECT key FROM meta ORDER BY key"));
	assert_string_equal(out, "created_at\ncreated_by\n");
	free(out);
	assert_non_null(out = shell(path, "PRAGMA journal_mode"));
	assert_string_equal(out, "wal\n");
	free(out);
out:
	free(path);
}

static void
test_empty_file(void **state)
{
	struct store		*s;
	struct store_stats	 st;
	char			*path = tpath("empty.db");

	spit(path, "", 0);
	expect_refused(path, 1, "empty, no history to review");
	s = open_ok(path, 0);
	stats(s, &st);
	assert_int_equal(st.schema_version, STORE_SCHEMA_VERSION);
	store_close(s);
	free(path);
}

/* A valid SQLite file at version 0 with no schema is migrated. */
static void
test_migrate_v0(void **state)
{
	struct store		*s;
	struct store_stats	 st;
	char			*path = fixture("empty-v0.db");

	s = open_ok(path, 0);
	stats(s, &st);
	assert_int_equal(st.schema_version, STORE_SCHEMA_VERSION);
	assert_int_equal(st.application_id, 0x70656572);
	assert_int_equal(st.event_rows, 0);
	store_close(s);
	free(path);
}

static void
test_newer_schema(void **state)
{
	char	*path = fixture("v99.db"), *want;

	xasprintf(&want, "%s: schema version 99 is newer than this peertop "
	    "supports (7); use a newer peertop", path);
	expect_refused(path, 0, want);
	expect_refused(path, 1, want);
	free(want);
	free(path);
}

static void
test_not_sqlite(void **state)
{
	char	*path = fixture("not-sqlite.txt"), *want, *shortf;

	xasprintf(&want, "%s: not an SQLite database", path);
	expect_refused(path, 0, want);
	expect_refused(path, 1, want);
	free(want);

	/* Shorter than the magic string. */
	shortf = tpath("short.db");
	spit(shortf, "SQLite", 6);
	expect_refused(shortf, 0, "not an SQLite database");
	free(shortf);
	free(path);
}

static void
test_foreign(void **state)
{
	char	*path;

	/* user_version 0 but tables: someone else's database. */
	path = fixture("foreign.db");
	expect_refused(path, 0, "not a peertop history");
	expect_refused(path, 1, "not a peertop history");
	free(path);

	/* Another application_id. */
	path = fixture("other-app.db");
	expect_refused(path, 0, "application_id 0x474e5089");
	free(path);
}

static void
test_truncated(void **state)
{
	char	*full, *path, *buf;
	size_t	 len;

	full = make_history("full.db", 3);
	assert_non_null(buf = slurp(full, &len));
	assert_true(len > 100);
	path = tpath("truncated.db");
	spit(path, buf, 100);
	expect_refused(path, 0, "damaged SQLite database");
	expect_refused(path, 1, "damaged SQLite database");
	free(buf);
	free(path);
	free(full);
}

/* Whole pages, good header, garbage inside: quick_check catches it. */
static void
test_corrupt_pages(void **state)
{
	char	*path, *buf;
	size_t	 len, i;

	path = make_history("corrupt.db", 50);
	assert_non_null(buf = slurp(path, &len));
	assert_true(len >= 3 * 4096);
	for (i = 4096; i < len; i++)
		buf[i] = (char)(i * 7 + 3);
	spit(path, buf, len);
	expect_refused(path, 0, "damaged SQLite database");
	expect_refused(path, 1, "damaged SQLite database");
	free(buf);
	free(path);
}

/*
 * One id space for an event live and in the history: an event keeps the
 * model's id (store_last_event_id() is where the model numbers on); one
 * whose id is taken, or that has none, gets a new one.
 */
static void
test_event_ids(void **state)
{
	struct store	*s;
	struct event	 e, out[8];
	char		*path, *cause = NULL;

	(void)state;
	path = make_history("ids.db", 3);
	s = open_ok(path, 0);
	assert_int_equal(store_last_event_id(s), 3);
	mkevent(&e, 1700000100000LL, "SessionUp", LVL_INFO, "as numbered");
	e.id = 10;
	assert_int_equal(store_event(s, &e), 0);
	mkevent(&e, 1700000101000LL, "SessionUp", LVL_INFO, "id taken");
	e.id = 2;
	assert_int_equal(store_event(s, &e), 0);
	mkevent(&e, 1700000102000LL, "SessionUp", LVL_INFO, "no id");
	e.id = 0;
	assert_int_equal(store_event(s, &e), 0);
	assert_int_equal(store_flush(s, &cause), 0);
	assert_int_equal(store_last_event_id(s), 12);
	assert_int_equal(store_recent_events(s, out, nitems(out)), 6);
	assert_string_equal(out[3].summary, "as numbered");
	assert_int_equal(out[3].id, 10);
	assert_string_equal(out[4].summary, "id taken");
	assert_int_equal(out[4].id, 11);
	assert_string_equal(out[5].summary, "no id");
	assert_int_equal(out[5].id, 12);
	assert_int_equal(out[1].id, 2);
	store_close(s);
	free(path);
}

static void
test_readonly_mode(void **state)
{
	struct store		*s;
	struct store_stats	 st;
	struct event		 e, out[8];
	char			*path, *before, *after, *cause = NULL, *missing;
	size_t			 blen, alen;

	path = make_history("review.db", 4);
	assert_non_null(before = slurp(path, &blen));

	s = open_ok(path, 1);
	stats(s, &st);
	assert_true(st.readonly);
	assert_int_equal(st.event_rows, 4);
	mkevent(&e, 1, "SessionUp", LVL_INFO, "must not be stored");
	assert_int_equal(store_event(s, &e), -1);
	assert_int_equal(store_flush(s, NULL), 0);
	assert_int_equal(store_recent_events(s, out, nitems(out)), 4);
	assert_string_equal(out[3].summary, "event 3");
	store_close(s);

	assert_non_null(after = slurp(path, &alen));
	assert_int_equal(alen, blen);
	assert_memory_equal(before, after, blen);

	/* -r never creates a file. */
	missing = tpath("missing.db");
	assert_null(store_open(missing, 1, &cause));
	assert_non_null(strstr(cause, "No such file"));
	assert_false(exists(missing));
	free(cause);

	free(missing);
	free(before);
	free(after);
	free(path);
}

/*
 * Permission bits do not stop root, so as root the check runs in a child
 * that has become nobody; EROFS would be caught by the same access(2).
 */
static char *
readonly_file_checks(const char *file, const char *dirfile)
{
	char			*why;

	struct store		*s;
	struct store_stats	 st;
	struct event		 out[2];
	char			*cause = NULL;

	why = check_refused(file, 0, "read-only (peertop needs write access to record history)");
	if (why == NULL)
		why = check_refused(dirfile, 0,
		    "read-only (directory not writable");
	if (why != NULL)
		return (why);

	/*
	 * -r in a directory we cannot write: SQLite cannot make the -shm
	 * index for a WAL file, so the store reads it as immutable.
	 */
	if ((s = store_open(dirfile, 1, &cause)) == NULL) {
		xasprintf(&why, "-r in a read-only directory: %s", cause);
		free(cause);
		return (why);
	}
	if (store_stats(s, &st) != 0 || st.event_rows != 1 ||
	    store_recent_events(s, out, 2) != 1 ||
	    strcmp(out[0].summary, "event 0") != 0)
		xasprintf(&why, "-r in a read-only directory: wrong rows");
	store_close(s);
	if (why == NULL && (sidecar_exists(dirfile, "-wal") ||
	    sidecar_exists(dirfile, "-shm")))
		xasprintf(&why, "-r in a read-only directory left files");
	return (why);
}

static void
test_readonly_file(void **state)
{
	struct store	*s;
	char		*file, *dir, *dirfile, *why;
	pid_t		 pid;
	int		 status;

	file = make_history("ro.db", 2);
	assert_int_equal(chmod(file, 0444), 0);
	dir = tpath("rodir");
	assert_int_equal(mkdir(dir, 0755), 0);
	dirfile = tpath("rodir/h.db");
	free(make_history("rodir/h.db", 1));
	assert_int_equal(chmod(dirfile, 0666), 0);	/* only the dir is */
	assert_int_equal(chmod(dir, 0555), 0);

	if (geteuid() != 0) {
		if ((why = readonly_file_checks(file, dirfile)) != NULL)
			fail_msg("%s", why);
	} else {
		assert_int_equal(chmod(tmpdir, 0755), 0);
		fflush(NULL);
		assert_int_not_equal(pid = fork(), -1);
		if (pid == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(2);
			if ((why = readonly_file_checks(file, dirfile)) != NULL) {
				fprintf(stderr, "as nobody: %s\n", why);
				_exit(1);
			}
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		assert_int_equal(chmod(tmpdir, 0700), 0);
	}

	/* Read-only files can still be reviewed. */
	s = open_ok(file, 1);
	store_close(s);
	assert_int_equal(chmod(dir, 0755), 0);
	free(file);
	free(dir);
	free(dirfile);
}

/* A second connection, read-only, sees each flush while the writer runs. */
static void
test_wal_reader(void **state)
{
	struct store		*w, *r;
	struct store_stats	 st;
	struct event		 e, out[4];
	struct partner		 p;
	struct session		 sess;
	char			*path = tpath("live.db"), *cause;

	w = open_ok(path, 0);
	memset(&p, 0, sizeof p);
	strlcpy_pt(p.name, "example-isp", sizeof p.name);
	p.red = RED_DEGRADED;
	strlcpy_pt(p.reason, "one primary router down", sizeof p.reason);
	memset(&sess, 0, sizeof sess);
	strlcpy_pt(sess.name, "sea-r1", sizeof sess.name);
	sess.partner = &p;
	assert_int_equal(addr_parse("192.0.2.1", &sess.neighbor), 0);
	sess.state = BGP_ESTABLISHED;

	assert_int_equal(store_session_state(w, &sess, BGP_OPENCONFIRM,
	    1700000000000LL), 0);
	assert_int_equal(store_redundancy(w, &p, RED_REDUNDANT,
	    1700000000001LL), 0);
	mkevent(&e, 1700000000002LL, "SessionUp", LVL_INFO, "up");
	assert_int_equal(store_event(w, &e), 0);
	stats(w, &st);
	assert_int_equal(st.queued, 3);

	r = open_ok(path, 1);
	stats(r, &st);
	assert_int_equal(st.session_rows + st.redundancy_rows +
	    st.event_rows, 0);

	assert_int_equal(store_flush(w, &cause), 0);
	assert_null(cause);
	stats(w, &st);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.written, 3);

	stats(r, &st);
	assert_int_equal(st.session_rows, 1);
	assert_int_equal(st.redundancy_rows, 1);
	assert_int_equal(st.event_rows, 1);
	assert_int_equal(store_recent_events(r, out, nitems(out)), 1);
	assert_string_equal(out[0].type, "SessionUp");

	mkevent(&e, 1700000000003LL, "SessionDown", LVL_WARNING, "down");
	assert_int_equal(store_event(w, &e), 0);
	assert_int_equal(store_flush(w, NULL), 0);
	assert_int_equal(store_recent_events(r, out, nitems(out)), 2);
	assert_string_equal(out[1].type, "SessionDown");
	assert_int_equal(out[1].level, LVL_WARNING);

	store_close(r);
	store_close(w);
	free(path);
}

static void
test_events_order(void **state)
{
	struct store	*s;
	struct event	 e, out[10];
	char		*path = tpath("events.db");
	int		 i;
	static const struct {
		int64_t		 t;
		enum level	 l;
	} in[] = {
		{ 1700000001000LL, LVL_INFO },
		{ 1700000002000LL, LVL_WARNING },
		{ 1700000003000LL, LVL_ERROR },
		{ 1700000004000LL, LVL_CRITICAL },
		{ 1700000005000LL, LVL_INFO },
	};

	s = open_ok(path, 0);
	for (i = 0; i < (int)nitems(in); i++) {
		mkevent(&e, in[i].t, "Test", in[i].l, "x");
		snprintf(e.summary, sizeof e.summary, "n%d", i);
		assert_int_equal(store_event(s, &e), 0);
	}
	/* Stored strings come back sanitised: the file may be edited. */
	mkevent(&e, 1700000006000LL, "Test", LVL_INFO, "bad\033[2Jx");
	assert_int_equal(store_event(s, &e), 0);
	assert_int_equal(store_flush(s, NULL), 0);

	/* The 3 newest, oldest first. */
	memset(out, 0, sizeof out);
	assert_int_equal(store_recent_events(s, out, 3), 3);
	assert_string_equal(out[0].summary, "n3");
	assert_int_equal(out[0].level, LVL_CRITICAL);
	assert_string_equal(out[1].summary, "n4");
	assert_string_equal(out[2].summary, "bad?[2Jx");
	assert_true(out[0].id < out[1].id && out[1].id < out[2].id);

	/* More room than rows: all of them, oldest first, from out[0]. */
	assert_int_equal(store_recent_events(s, out, nitems(out)), 6);
	for (i = 0; i < (int)nitems(in); i++) {
		char	 want[8];

		snprintf(want, sizeof want, "n%d", i);
		assert_string_equal(out[i].summary, want);
		assert_int_equal(out[i].time_ms, in[i].t);
		assert_int_equal(out[i].level, in[i].l);
		assert_string_equal(out[i].subject, "session sea-r1");
		assert_string_equal(out[i].details, "details");
		assert_int_equal(out[i].id, i + 1);
	}
	store_close(s);
	free(path);
}

/*
 * A real write failure: in a child, RLIMIT_FSIZE stops the WAL from
 * growing.  The flush must fail as a whole, keep every queued row, say so,
 * and write each row exactly once when the limit is lifted.
 */
#define CHILD_CHECK(c) do {						\
	if (!(c) && failed == 0)					\
		failed = __LINE__;					\
} while (0)

static int
flush_failure_child(const char *path)
{
	struct store		*w, *r;
	struct store_stats	 st;
	struct rlimit		 rl, lim;
	struct event		 e;
	char			*cause = NULL;
	int			 i, failed = 0;

	signal(SIGXFSZ, SIG_IGN);
	w = store_open(path, 0, &cause);
	CHILD_CHECK(w != NULL);
	if (w == NULL)
		return (__LINE__);
	r = store_open(path, 1, &cause);
	CHILD_CHECK(r != NULL);
	if (r == NULL)
		return (__LINE__);
	for (i = 0; i < 50; i++) {
		mkevent(&e, 1700000000000LL + i, "SessionDown", LVL_WARNING,
		    "queued");
		CHILD_CHECK(store_event(w, &e) == 0);
	}

	getrlimit(RLIMIT_FSIZE, &rl);
	lim = rl;
	lim.rlim_cur = 1024;
	CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	CHILD_CHECK(store_flush(w, &cause) == -1);
	CHILD_CHECK(store_flush(w, NULL) == -1);	/* still failing */
	CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);

	CHILD_CHECK(cause != NULL && strstr(cause, path) != NULL);
	CHILD_CHECK(cause != NULL && strstr(cause, "50 rows waiting"));
	CHILD_CHECK(store_error(w) != NULL &&
	    strstr(store_error(w), "50 rows waiting") != NULL);
	if (cause != NULL)
		fprintf(stderr, "flush failure says: %s\n", cause);
	free(cause);
	CHILD_CHECK(store_stats(w, &st) == 0 && st.queued == 50);
	CHILD_CHECK(store_stats(r, &st) == 0 && st.event_rows == 0);

	/* Full queue while failing: both facts are in store_error(). */
	store_set_queue_max(w, 50);
	CHILD_CHECK(store_event(w, &e) == -1);
	CHILD_CHECK(store_event(w, &e) == -1);
	CHILD_CHECK(store_error(w) != NULL &&
	    strstr(store_error(w), "I/O error") != NULL &&
	    strstr(store_error(w), "50 rows waiting, 2 dropped") != NULL);

	/* The disk has room again: the whole batch, once, and the gap. */
	CHILD_CHECK(store_flush(w, &cause) == 0);
	CHILD_CHECK(store_error(w) == NULL);
	CHILD_CHECK(store_stats(r, &st) == 0 && st.event_rows == 51);
	CHILD_CHECK(store_stats(w, &st) == 0 && st.queued == 0 &&
	    st.written == 50 && st.dropped == 0);
	CHILD_CHECK(store_recent_events(r, &e, 1) == 1 &&
	    strcmp(e.type, "HistoryGap") == 0);
	store_close(r);
	store_close(w);
	return (failed);
}

static void
test_flush_failure(void **state)
{
	char	*path = tpath("full-disk.db");
	pid_t	 pid;
	int	 status;

	fflush(NULL);
	assert_int_not_equal(pid = fork(), -1);
	if (pid == 0)
		_exit(flush_failure_child(path) == 0 ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("flush failure child failed (run it in gdb)");
	free(path);
}

static void
test_queue_bound(void **state)
{
	struct store		*s;
	struct store_stats	 st;
	struct event		 e, out[2];
	char			*path = tpath("bound.db");
	int			 i, ok = 0;

	s = open_ok(path, 0);
	store_set_queue_max(s, 5);
	for (i = 0; i < 8; i++) {
		mkevent(&e, 1700000000000LL + i, "SessionDown", LVL_WARNING,
		    "q");
		if (store_event(s, &e) == 0)
			ok++;
	}
	assert_int_equal(ok, 5);
	assert_non_null(store_error(s));
	assert_non_null(strstr(store_error(s), "3 rows dropped"));
	stats(s, &st);
	assert_int_equal(st.queued, 5);
	assert_int_equal(st.dropped, 3);

	/* The flush writes the 5 and a HistoryGap event for the 3. */
	assert_int_equal(store_flush(s, NULL), 0);
	assert_null(store_error(s));
	stats(s, &st);
	assert_int_equal(st.event_rows, 6);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(store_recent_events(s, out, 2), 2);
	/* The gap is dated at the first lost row: after the queued ones. */
	assert_string_equal(out[1].type, "HistoryGap");
	assert_int_equal(out[1].level, LVL_WARNING);
	assert_non_null(strstr(out[1].summary, "3 rows"));
	store_close(s);
	free(path);
}

/* store_start(): the libevent timer flushes without being asked. */
static void
test_timer(void **state)
{
	struct event_base	*base;
	struct store		*s;
	struct store_stats	 st;
	struct event		 e;
	struct timeval		 tv = { 0, 300 * 1000 };
	char			*path = tpath("timer.db");

	assert_non_null(base = event_base_new());
	s = open_ok(path, 0);
	store_start(s, base, 50);
	mkevent(&e, 1700000000000LL, "SessionUp", LVL_INFO, "timer");
	assert_int_equal(store_event(s, &e), 0);
	stats(s, &st);
	assert_int_equal(st.event_rows, 0);
	assert_int_equal(st.queued, 1);

	event_base_loopexit(base, &tv);
	assert_int_equal(event_base_dispatch(base), 0);
	stats(s, &st);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.event_rows, 1);

	/* Persistent: a second row goes too. */
	assert_int_equal(store_event(s, &e), 0);
	event_base_loopexit(base, &tv);
	assert_int_equal(event_base_dispatch(base), 0);
	stats(s, &st);
	assert_int_equal(st.event_rows, 2);

	store_close(s);		/* frees the timer before the base */
	event_base_free(base);
	free(path);
}

/*
 * Another program holding the write lock must not stall the event loop:
 * the timer's flush fails at once ("locked"), keeps the rows and writes
 * them at a later tick.  (SQLite's busy timeout would otherwise wait in
 * the loop, up to seconds per tick.)
 */
static void
test_locked_nonblocking(void **state)
{
	struct event_base	*base;
	struct store		*s;
	struct store_stats	 st;
	struct event		 e;
	struct timeval		 tv = { 0, 200 * 1000 };
	sqlite3			*other;
	char			*path = tpath("locked.db");
	uint64_t		 t0, elapsed;

	assert_non_null(base = event_base_new());
	s = open_ok(path, 0);
	store_start(s, base, 50);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);

	mkevent(&e, 1700000000000LL, "SessionDown", LVL_WARNING, "locked");
	assert_int_equal(store_event(s, &e), 0);
	t0 = now_mono_ms();
	event_base_loopexit(base, &tv);
	assert_int_equal(event_base_dispatch(base), 0);
	elapsed = now_mono_ms() - t0;
	if (elapsed > 1000)
		fail_msg("the loop was blocked for %llu ms by a locked file",
		    (unsigned long long)elapsed);
	assert_non_null(store_error(s));
	assert_non_null(strstr(store_error(s), "locked"));
	assert_non_null(strstr(store_error(s), "1 rows waiting"));

	/* The lock goes away: the next tick writes the row. */
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_close(other), SQLITE_OK);
	event_base_loopexit(base, &tv);
	assert_int_equal(event_base_dispatch(base), 0);
	assert_null(store_error(s));
	stats(s, &st);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.event_rows, 1);

	store_close(s);
	event_base_free(base);
	free(path);
}

/* The model's transitions and events reach the file through the sink. */
static void
test_attach_model(void **state)
{
	struct model		*m;
	struct partner		*p;
	struct session		*sess;
	struct store		*s;
	struct store_stats	 st;
	struct session_report	 rep;
	char			*path = tpath("model.db"), *out;

	m = model_new();
	p = xcalloc(1, sizeof *p);
	strlcpy_pt(p->name, "example-isp", sizeof p->name);
	p->asn = 65002;
	sess = xcalloc(1, sizeof *sess);
	strlcpy_pt(sess->name, "sea-r1", sizeof sess->name);
	strlcpy_pt(sess->router, "r1", sizeof sess->router);
	strlcpy_pt(sess->edge, "sea", sizeof sess->edge);
	assert_int_equal(addr_parse("192.0.2.1", &sess->neighbor), 0);
	sess->role = ROLE_PRIMARY;
	sess->partner = p;
	p->sessions = xcalloc(1, sizeof *p->sessions);
	p->sessions[0] = sess;
	p->nsessions = 1;
	m->partners = xcalloc(1, sizeof *m->partners);
	m->partners[0] = p;
	m->npartners = 1;
	m->sessions = xcalloc(1, sizeof *m->sessions);
	m->sessions[0] = sess;
	m->nsessions = 1;

	s = open_ok(path, 0);
	store_attach(s, m);
	assert_ptr_equal(m->sink.arg, s);

	memset(&rep, 0, sizeof rep);
	rep.state = BGP_ESTABLISHED;
	rep.remote_as = 8075;
	rep.routes_imported = 12;
	rep.routes_exported = 3;
	model_session_report(m, sess, NULL, &rep);
	rep.state = BGP_ACTIVE;
	rep.last_error = "Hold timer expired";
	model_session_report(m, sess, NULL, &rep);
	eval_run(m, now_wall_ms());
	assert_int_equal(store_flush(s, NULL), 0);

	stats(s, &st);
	assert_int_equal(st.session_rows, 2);
	assert_true(st.event_rows >= 1);	/* SessionUp/SessionDown */
	assert_true(st.redundancy_rows >= 1);
	store_close(s);

	/* What a NOC engineer would type (man/schema.mdoc EXAMPLES). */
	out = shell(path, "SELECT session, partner, router, neighbor, edge, "
	    "role, old_state, state, remote_as, last_error, routes_imported, "
	    "routes_exported FROM session_state ORDER BY id");
	if (out != NULL) {
		assert_string_equal(out,
		    "sea-r1|example-isp|r1|192.0.2.1|sea|primary|Unknown|"
		    "Established|8075||12|3\n"
		    "sea-r1|example-isp|r1|192.0.2.1|sea|primary|Established|"
		    "Active|8075|Hold timer expired|12|3\n");
		free(out);
		out = shell(path, "SELECT count(*) FROM session_state WHERE "
		    "datetime(time_ms/1000, 'unixepoch') > '2020-01-01'");
		assert_string_equal(out, "2\n");
		free(out);
	} else
		print_message("no sqlite3 shell: column check skipped\n");

	model_free(m);
	free(path);
}

/*
 * A version 1 file made by peertop 0.1: a reviewer (read-only) is told to
 * upgrade it and leaves it untouched; a writer migrates it 1 -> 2, keeps
 * its rows and can add latency samples to it.
 */
static void
test_v1_fixture(void **state)
{
	struct store		*s;
	struct store_stats	 st;
	struct event		 out[4];
	char			*path = fixture("v1.db"), *before;

	expect_query(path, "PRAGMA user_version", "1\n");
	before = query(path, "SELECT * FROM session_state ORDER BY id");
	expect_refused(path, 1, "schema version 1 is older than this "
	    "peertop's (7); open it once for writing");

	s = open_ok(path, 0);
	stats(s, &st);
	assert_int_equal(st.schema_version, STORE_SCHEMA_VERSION);
	assert_int_equal(st.schema_version, STORE_SCHEMA_VERSION);
	assert_int_equal(st.session_rows, 2);
	assert_int_equal(st.redundancy_rows, 1);
	assert_int_equal(st.event_rows, 2);
	assert_int_equal(st.latency_rows, 0);
	assert_int_equal(st.latency_minute_rows, 0);
	assert_int_equal(store_recent_events(s, out, nitems(out)), 2);
	assert_string_equal(out[0].type, "SessionUp");
	assert_string_equal(out[1].type, "SessionDown");
	assert_int_equal(store_latency_sample(s, 1700000000500LL, "hq",
	    "ams", "192.0.2.1", "probe", 8000), 0);
	store_close(s);

	expect_query(path, "PRAGMA user_version", "7\n");
	/* The version 1 rows are there, column for column. */
	expect_query(path, "SELECT * FROM session_state ORDER BY id", before);
	free(before);
	expect_query(path, "SELECT name FROM sqlite_master WHERE name LIKE "
	    "'latency%' ORDER BY name",
	    "latency_block\n"
	    "latency_block_pending\n"
	    "latency_hour\n"
	    "latency_hour_branch_edge_time\n"
	    "latency_minute\n"
	    "latency_minute_branch_edge_time\n"
	    "latency_sample\n"
	    "latency_sample_branch_edge_time\n"
	    "latency_sample_time\n");
	expect_query(path, "SELECT time_ms, branch, edge, target, source, "
	    "rtt_us FROM latency_sample",
	    "1700000000500|hq|ams|192.0.2.1|probe|8000\n");
	/* The 1 -> 2 -> 3 file takes the hourly roll-up of new samples. */
	expect_query(path, "SELECT hour_ms, branch, edge, target, sent, "
	    "received, rtt_sum_us FROM latency_hour",
	    "1699999200000|hq|ams|192.0.2.1|1|1|8000\n");
	expect_query(path, "SELECT (SELECT count(*) FROM run) + (SELECT "
	    "count(*) FROM prefix_state) + (SELECT count(*) FROM "
	    "branch_route)", "0\n");
	free(path);
}

/*
 * Latency samples and their per-minute roll-ups, over two flushes (the
 * second adds to a minute the first wrote).  Minute M = 1700000040000
 * (= 28333334 * 60000, a minute boundary).  Series hq/ams/192.0.2.1:
 *   flush 1: M+1s 10000 us, M+2s lost, M+3s 12000 us
 *   flush 2: M+4s 11000 us, M+61s 20000 us (the next minute)
 * Series hq/sea/192.0.2.2: M+5s lost.
 * Roll-ups:
 *   ams M:     sent 4, received 3, min 10000, max 12000,
 *              sum 10000 + 12000 + 11000 = 33000,
 *              sumsq 1e8 + 1.44e8 + 1.21e8 = 365000000
 *   ams M+60s: 1, 1, 20000, 20000, 20000, 4e8
 *   sea M:     1, 0, NULL, NULL, 0, 0
 * From the roll-up: Avg 33000 / 3 = 11000, sample variance
 * (sumsq - sum^2 / n) / (n - 1) = (365e6 - 363e6) / 2 = 1e6 (StDev 1000),
 * Loss% 100 * (4 - 3) / 4 = 25.
 */
static void
test_latency_rows(void **state)
{
	struct store		*s;
	struct store_stats	 st;
	char			*path = tpath("latency.db");
	const int64_t		 M = 1700000040000LL;

	s = open_ok(path, 0);
	assert_int_equal(store_latency_sample(s, M + 1000, "hq", "ams",
	    "192.0.2.1", "probe", 10000), 0);
	assert_int_equal(store_latency_sample(s, M + 2000, "hq", "ams",
	    "192.0.2.1", "probe", LATENCY_LOST_STORE), 0);
	assert_int_equal(store_latency_sample(s, M + 3000, "hq", "ams",
	    "192.0.2.1", "probe", 12000), 0);
	/* A label from the network with an escape sequence: sanitised. */
	assert_int_equal(store_latency_sample(s, M + 5000, "hq", "sea",
	    "192.0.2.2", "prom\033[31m", -5), 0);
	stats(s, &st);
	assert_int_equal(st.queued, 4);
	assert_int_equal(st.latency_rows, 0);
	assert_int_equal(store_flush(s, NULL), 0);
	stats(s, &st);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.written, 4);
	assert_int_equal(st.latency_rows, 4);
	assert_int_equal(st.latency_minute_rows, 2);

	assert_int_equal(store_latency_sample(s, M + 4000, "hq", "ams",
	    "192.0.2.1", NULL, 11000), 0);
	assert_int_equal(store_latency_sample(s, M + 61000, "hq", "ams",
	    "192.0.2.1", "probe", 20000), 0);
	store_close(s);	/* flushes */

	expect_query(path, "SELECT time_ms - 1700000040000, branch, edge, "
	    "target, source, rtt_us FROM latency_sample ORDER BY time_ms",
	    "1000|hq|ams|192.0.2.1|probe|10000\n"
	    "2000|hq|ams|192.0.2.1|probe|NULL\n"
	    "3000|hq|ams|192.0.2.1|probe|12000\n"
	    "4000|hq|ams|192.0.2.1|NULL|11000\n"
	    "5000|hq|sea|192.0.2.2|prom?[31m|NULL\n"
	    "61000|hq|ams|192.0.2.1|probe|20000\n");
	expect_query(path, "SELECT minute_ms, branch, edge, target, sent, "
	    "received, rtt_min_us, rtt_max_us, rtt_sum_us, rtt_sumsq_us2 "
	    "FROM latency_minute ORDER BY edge, minute_ms",
	    "1700000040000|hq|ams|192.0.2.1|4|3|10000|12000|33000|365000000\n"
	    "1700000100000|hq|ams|192.0.2.1|1|1|20000|20000|20000|400000000\n"
	    "1700000040000|hq|sea|192.0.2.2|1|0|NULL|NULL|0|0\n");
	/* What man/schema.mdoc says to compute from a roll-up. */
	expect_query(path, "SELECT 100.0 * (sent - received) / sent, "
	    "rtt_sum_us / received, (rtt_sumsq_us2 - 1.0 * rtt_sum_us * "
	    "rtt_sum_us / received) / (received - 1) FROM latency_minute "
	    "WHERE edge = 'ams' AND minute_ms = 1700000040000",
	    "25.0|11000|1000000.0\n");
	/* The (branch, edge, time) index serves the history's queries. */
	expect_query(path, "SELECT count(*) FROM latency_sample INDEXED BY "
	    "latency_sample_branch_edge_time WHERE branch = 'hq' AND "
	    "edge = 'ams' AND time_ms >= 1700000040000", "5\n");
	free(path);
}

/*
 * History spans from the roll-ups, on the file of test_latency_rows'
 * samples rebuilt here, then retention.  Minute M = 1700000040000.
 *   ams, all of M and M+60s: sent 5, received 4, Loss% 20, Best 10000,
 *   Wrst 20000, Avg (33000 + 20000) / 4 = 13250; S2 = 365e6 + 400e6 =
 *   765e6, S1^2 / n = 53000^2 / 4 = 702.25e6, variance (765e6 -
 *   702.25e6) / 3 = 20.916667e6, StDev 4573.4742...
 *   ams from M+30s: whole minutes, so M is still in: the same figures.
 *   ams from M+60s: only M+60s: sent 1, Avg 20000, StDev 0.
 *   sea: sent 1, received 0, Loss% 100, no RTT figures.
 */
static void
test_latency_span(void **state)
{
	struct store		*s;
	struct latency_stats	 ls;
	char			*path = tpath("span.db"), *cause;
	const int64_t		 M = 1700000040000LL;
	const struct {
		int64_t		 dt;
		const char	*edge;
		int64_t		 rtt;
	} in[] = {
		{ 1000, "ams", 10000 }, { 2000, "ams", -1 },
		{ 3000, "ams", 12000 }, { 4000, "ams", 11000 },
		{ 61000, "ams", 20000 }, { 5000, "sea", -1 },
	};
	size_t			 i;

	s = open_ok(path, 0);
	for (i = 0; i < nitems(in); i++)
		assert_int_equal(store_latency_sample(s, M + in[i].dt, "hq",
		    in[i].edge, "192.0.2.1", "probe", in[i].rtt), 0);
	assert_int_equal(store_flush(s, NULL), 0);

	assert_int_equal(store_latency_span(s, "hq", "ams", NULL, M,
	    M + 120000, &ls), 5);
	assert_int_equal(ls.received, 4);
	assert_true(fabs(ls.loss_pct - 20.0) < 1e-9);
	assert_int_equal(ls.best_us, 10000);
	assert_int_equal(ls.worst_us, 20000);
	assert_true(fabs(ls.avg_us - 13250.0) < 1e-9);
	assert_true(fabs(ls.stdev_us - sqrt(62.75e6 / 3)) < 1e-6);
	assert_true(fabs(ls.stdev_us - 4573.474244) < 1e-3);
	assert_int_equal(ls.first_ms, M);
	assert_int_equal(ls.last_ms, M + 60000);
	assert_int_equal(ls.last_us, -1);
	assert_int_equal(store_latency_span(s, "hq", "ams", "192.0.2.1",
	    M + 30000, M + 120000, &ls), 5);
	assert_int_equal(store_latency_span(s, "hq", "ams", "192.0.2.9",
	    M, M + 120000, &ls), 0);
	assert_int_equal(store_latency_span(s, "hq", "ams", NULL,
	    M + 60000, M + 120000, &ls), 1);
	assert_true(fabs(ls.avg_us - 20000.0) < 1e-9);
	assert_true(ls.stdev_us == 0);
	assert_int_equal(store_latency_span(s, "hq", "sea", NULL, M,
	    M + 120000, &ls), 1);
	assert_int_equal(ls.received, 0);
	assert_true(fabs(ls.loss_pct - 100.0) < 1e-9);
	assert_int_equal(ls.best_us, 0);
	/* Nothing in the span: all zero. */
	assert_int_equal(store_latency_span(s, "hq", "ams", NULL, 0, M,
	    &ls), 0);
	assert_int_equal(ls.sent, 0);

	/*
	 * Retention: samples before M+64s, that is of the minutes before
	 * M+60s (five), in batches of two; minutes before M+60s: none, as
	 * that is not a whole hour and M's hour starts before M.
	 */
	assert_int_equal(store_latency_prune(s, M + 64000, 0, 0, 2, &cause),
	    2);
	assert_int_equal(store_latency_prune(s, M + 64000, 0, 0, 2, &cause),
	    2);
	assert_int_equal(store_latency_prune(s, M + 64000, 0, 0, 2, &cause),
	    1);
	assert_int_equal(store_latency_prune(s, M + 64000, 0, 0, 2, &cause),
	    0);
	assert_null(cause);
	assert_int_equal(store_latency_prune(s, 0, M + 60000, 0, 0, &cause),
	    0);
	store_close(s);
	expect_query(path, "SELECT time_ms - 1700000040000 FROM "
	    "latency_sample ORDER BY time_ms", "61000\n");
	expect_query(path, "SELECT edge, minute_ms - 1700000040000 FROM "
	    "latency_minute ORDER BY edge, minute_ms",
	    "ams|0\nams|60000\nsea|0\n");

	/* A reviewer reads spans too, and prunes nothing. */
	s = open_ok(path, 1);
	assert_int_equal(store_latency_span(s, "hq", "ams", NULL, M,
	    M + 120000, &ls), 5);
	assert_int_equal(store_latency_prune(s, M + 100000, M + 7200000,
	    M + 7200000, 0, &cause), 0);
	store_close(s);
	free(path);
}

/*
 * The model's latency samples reach the store through the sink, by edge
 * code and source name; the ingest endpoint's question, "room for n more
 * rows?", is answered from the queue's bound before anything is lost.
 */
static void
test_latency_sink(void **state)
{
	static const struct edge sea = { "sea", "Seattle", "US", 47.61,
	    -122.33, "ER|PL" };
	struct model		*m = model_new();
	struct branch		*b = xcalloc(1, sizeof *b);
	struct store		*s;
	char			*path = tpath("sink.db");
	const char		*why;
	int			 i;

	(void)state;
	model_edge_set(m, &sea);
	strlcpy_pt(b->name, "hq", sizeof b->name);
	b->lat_main = b->lat_nearest = b->nearest = b->routed = -1;
	m->branches = xcalloc(1, sizeof *m->branches);
	m->branches[m->nbranches++] = b;
	s = open_ok(path, 0);
	store_attach(s, m);
	store_set_queue_max(s, 10);
	for (i = 0; i < 8; i++)
		assert_non_null(latency_mon_sample(m, b, 0, "192.0.2.9",
		    LAT_AGENT, 1700000040000LL + i * 1000, i == 3 ? -1 :
		    1000 * (i + 1)));
	assert_null(m->sink.failing(m->sink.arg, 2));
	why = m->sink.failing(m->sink.arg, 3);
	assert_non_null(why);
	assert_non_null(strstr(why, "8 rows wait for the disk, no room for 3 "
	    "more"));
	assert_int_equal(store_flush(s, NULL), 0);
	assert_null(m->sink.failing(m->sink.arg, 10));
	store_close(s);
	m->sink.arg = NULL;
	m->sink.latency = NULL;
	m->sink.failing = NULL;
	expect_query(path, "SELECT count(*), count(rtt_us), min(source), "
	    "min(edge), min(target) FROM latency_sample",
	    "8|7|agent|sea|192.0.2.9\n");
	model_free(m);
	free(path);
}

/*
 * Retention on the loop (store_retention()): the first pass, 5 s after
 * the start, deletes raw samples and roll-ups older than the limits and
 * keeps the rest; hours by the default 400 days.
 */
static void
test_retention_timer(void **state)
{
	struct event_base	*base;
	struct store		*s;
	struct timeval		 tv = { 6, 0 };
	char			*path = tpath("retention.db");
	int64_t			 now = now_wall_ms();

	(void)state;
	s = open_ok(path, 0);
	/* 401 days old, three days old, two hours old, now. */
	assert_int_equal(store_latency_sample(s, now - 401 * 86400000LL, "hq",
	    "sea", "t", "probe", 500), 0);
	assert_int_equal(store_latency_sample(s, now - 3 * 86400000LL, "hq",
	    "sea", "t", "probe", 1000), 0);
	assert_int_equal(store_latency_sample(s, now - 7200000, "hq", "sea",
	    "t", "probe", 2000), 0);
	assert_int_equal(store_latency_sample(s, now, "hq", "sea", "t",
	    "probe", 3000), 0);
	assert_int_equal(store_flush(s, NULL), 0);
	assert_non_null(base = event_base_new());
	/* Raw samples for a day, minutes for two, hours by default. */
	store_retention(s, base, 86400000LL, 2 * 86400000LL, 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	store_close(s);
	event_base_free(base);
	expect_query(path, "SELECT rtt_us FROM latency_sample ORDER BY time_ms",
	    "2000\n3000\n");
	expect_query(path, "SELECT count(*) FROM latency_minute", "2\n");
	expect_query(path, "SELECT rtt_sum_us FROM latency_hour ORDER BY "
	    "hour_ms", "1000\n2000\n3000\n");
	free(path);
}

/*
 * Graph columns from history (store_latency_buckets): raw samples give
 * exact medians and the 10th/90th percentiles; a span past the raw limit,
 * or raw samples pruned, falls back to the roll-ups (mean, min, max).
 * Minute M = 1700000040000; ams gets 10 replies 1..10 ms in the first
 * 10 s, a loss at 15 s, and 50 ms at 70 s.
 */
static void
test_latency_buckets(void **state)
{
	struct store		*s;
	struct lat_bucket	 b[4];
	char			*path = tpath("buckets.db"), *cause = NULL;
	const int64_t		 M = 1700000040000LL;
	int			 i;

	(void)state;
	s = open_ok(path, 0);
	for (i = 1; i <= 10; i++)
		assert_int_equal(store_latency_sample(s, M + i * 1000, "hq",
		    "ams", "t", "probe", i * 1000), 0);
	assert_int_equal(store_latency_sample(s, M + 15000, "hq", "ams", "t",
	    "probe", -1), 0);
	assert_int_equal(store_latency_sample(s, M + 70000, "hq", "ams", "u",
	    "agent", 50000), 0);
	assert_int_equal(store_flush(s, NULL), 0);

	/* Four 30 s buckets over two minutes, raw. */
	assert_int_equal(store_latency_buckets(s, "hq", "ams", NULL, M,
	    M + 120000, b, 4), 4);
	assert_int_equal(b[0].from_ms, M);
	assert_int_equal(b[1].from_ms, M + 30000);
	assert_int_equal(b[0].sent, 11);
	assert_int_equal(b[0].received, 10);
	assert_true(b[0].exact);
	assert_true(b[0].median_us == 5500);	/* (5 + 6) / 2 ms */
	assert_int_equal(b[0].lo_us, 1000);	/* rank (9 / 10) = 0 */
	assert_int_equal(b[0].hi_us, 10000);
	assert_int_equal(b[1].sent, 0);
	assert_int_equal(b[2].sent, 1);
	assert_true(b[2].median_us == 50000);
	assert_int_equal(b[3].sent, 0);
	/* One target only. */
	assert_int_equal(store_latency_buckets(s, "hq", "ams", "u", M,
	    M + 120000, b, 4), 4);
	assert_int_equal(b[0].sent, 0);
	assert_int_equal(b[2].received, 1);

	/* A day: past the raw limit, the roll-ups in one bucket each. */
	assert_int_equal(store_latency_buckets(s, "hq", "ams", NULL, M,
	    M + 86400000, b, 2), 2);
	assert_false(b[0].exact);
	assert_int_equal(b[0].sent, 12);
	assert_int_equal(b[0].received, 11);
	assert_true(b[0].median_us == 105000.0 / 11);	/* the mean */
	assert_int_equal(b[0].lo_us, 1000);
	assert_int_equal(b[0].hi_us, 50000);

	/* Raw pruned: the short span comes from the roll-ups too. */
	assert_true(store_latency_prune(s, M + 130000, 0, 0, 0, &cause) ==
	    12);
	assert_int_equal(store_latency_buckets(s, "hq", "ams", NULL, M,
	    M + 120000, b, 2), 2);
	assert_false(b[0].exact);
	assert_int_equal(b[0].sent, 11);	/* minute M */
	assert_int_equal(b[1].sent, 1);		/* minute M + 60 s */
	/* Bad arguments. */
	assert_int_equal(store_latency_buckets(s, "hq", "ams", NULL, M, M,
	    b, 2), -1);
	assert_int_equal(store_latency_buckets(s, "hq", "ams", NULL, M,
	    M + 1000, b, 0), -1);
	store_close(s);
	free(path);
}

/*
 * An RTT above a minute is clamped to 60,000,000 us; 3,000 of those in
 * one minute have a sum of squares of 3000 * 3.6e15 = 1.08e19, beyond
 * int64: the flush splits the run (2,562 per upsert fit) and SQLite
 * turns the column REAL when adding; sent and the sum stay exact.
 */
static void
test_latency_clamp(void **state)
{
	struct store		*s;
	char			*path = tpath("clamp.db");
	int			 i;

	s = open_ok(path, 0);
	for (i = 0; i < 3000; i++)
		assert_int_equal(store_latency_sample(s,
		    1700000040000LL + i, "b", "e", "t", "probe",
		    1000000000000LL), 0);
	store_close(s);
	expect_query(path, "SELECT sent, received, rtt_min_us, rtt_max_us, "
	    "rtt_sum_us, typeof(rtt_sumsq_us2), rtt_sumsq_us2 = 1.08e19 "
	    "FROM latency_minute",
	    "3000|3000|60000000|60000000|180000000000|real|1\n");
	expect_query(path, "SELECT sent, received, rtt_min_us, rtt_max_us, "
	    "rtt_sum_us, typeof(rtt_sumsq_us2), rtt_sumsq_us2 = 1.08e19 "
	    "FROM latency_hour",
	    "3000|3000|60000000|60000000|180000000000|real|1\n");
	expect_query(path, "SELECT count(*), min(rtt_us), max(rtt_us) FROM "
	    "latency_sample", "3000|60000000|60000000\n");
	free(path);
}

/* Latency samples share the queue bound; the loss is marked. */
static void
test_latency_bound(void **state)
{
	struct store		*s;
	struct store_stats	 st;
	char			*path = tpath("latency-bound.db");
	int			 i, ok = 0;

	s = open_ok(path, 0);
	store_set_queue_max(s, 10);
	for (i = 0; i < 15; i++)
		if (store_latency_sample(s, 1700000000000LL + i, "b", "e",
		    "t", "probe", 1000 + i) == 0)
			ok++;
	assert_int_equal(ok, 10);
	stats(s, &st);
	assert_int_equal(st.queued, 10);
	assert_int_equal(st.dropped, 5);
	assert_non_null(strstr(store_error(s), "5 rows dropped"));
	assert_int_equal(store_flush(s, NULL), 0);
	stats(s, &st);
	assert_int_equal(st.latency_rows, 10);
	assert_int_equal(st.event_rows, 1);	/* HistoryGap */
	store_close(s);
	expect_query(path, "SELECT sent, received, rtt_min_us, rtt_max_us, "
	    "rtt_sum_us FROM latency_minute",
	    "10|10|1000|1009|10045\n");
	free(path);
}

/*
 * A version 2 file made by peertop 0.1.0 (tests/data/store/README): a
 * reviewer is told to upgrade it; a writer migrates it 2 -> 3, keeps its
 * rows and sums its minutes into hours.  H = 1700002800000, a whole hour:
 *   ams H:     minutes H (2 sent, 1 received, 10000), H+1m (12000),
 *              H+59m (14000): 4|3|10000|14000|36000|1e8+1.44e8+1.96e8
 *   ams H+1h:  20000, 22000: 2|2|20000|22000|42000|4e8+4.84e8
 *   sea H:     one loss; sea H+2h: 30000
 * A sample written after the upgrade adds to the migrated hour.
 */
static void
test_v2_fixture(void **state)
{
	struct store		*s;
	struct store_stats	 st;
	char			*path = fixture("v2.db"), *minutes, *events;

	expect_query(path, "PRAGMA user_version", "2\n");
	minutes = query(path, "SELECT * FROM latency_minute ORDER BY rowid");
	events = query(path, "SELECT * FROM events ORDER BY id");
	expect_refused(path, 1, "schema version 2 is older than this "
	    "peertop's (7); open it once for writing");

	s = open_ok(path, 0);
	stats(s, &st);
	assert_int_equal(st.schema_version, STORE_SCHEMA_VERSION);
	assert_int_equal(st.latency_rows, 8);
	assert_int_equal(st.latency_minute_rows, 7);
	assert_int_equal(st.latency_hour_rows, 4);
	assert_int_equal(st.event_rows, 1);
	assert_int_equal(st.run_rows + st.prefix_rows + st.route_rows, 0);
	store_close(s);

	expect_query(path, "PRAGMA user_version", "7\n");
	expect_query(path, "SELECT * FROM latency_minute ORDER BY rowid",
	    minutes);
	expect_query(path, "SELECT * FROM events ORDER BY id", events);
	expect_query(path, "SELECT hour_ms - 1700002800000, branch, edge, "
	    "target, sent, received, rtt_min_us, rtt_max_us, rtt_sum_us, "
	    "rtt_sumsq_us2 FROM latency_hour ORDER BY edge, hour_ms",
	    "0|hq|ams|192.0.2.1|4|3|10000|14000|36000|440000000\n"
	    "3600000|hq|ams|192.0.2.1|2|2|20000|22000|42000|884000000\n"
	    "0|hq|sea|192.0.2.1|1|0|NULL|NULL|0|0\n"
	    "7200000|hq|sea|192.0.2.1|1|1|30000|30000|30000|900000000\n");

	s = open_ok(path, 0);
	assert_int_equal(store_latency_sample(s, 1700002800000LL + 3630000,
	    "hq", "ams", "192.0.2.1", "probe", 8000), 0);
	store_close(s);
	expect_query(path, "SELECT sent, received, rtt_min_us, rtt_max_us, "
	    "rtt_sum_us, rtt_sumsq_us2 FROM latency_hour WHERE edge = 'ams' "
	    "AND hour_ms = 1700006400000",
	    "3|3|8000|22000|50000|948000000\n");
	free(minutes);
	free(events);
	free(path);
}

/*
 * The hour roll-up is the sum of the minute roll-ups, over flushes that
 * each add to rows the earlier ones wrote: every (series, hour) of
 * latency_hour equals its minutes grouped by hour, and the reverse.
 */
static void
test_latency_hours(void **state)
{
	static const char *const edges[] = { "ams", "sea" };
	struct store		*s;
	char			*path = tpath("hours.db");
	const int64_t		 H = 1700002800000LL;
	int64_t			 t;
	int			 i, k;

	s = open_ok(path, 0);
	/* Three hours of a sample every 37 s per series, a loss in 7. */
	for (i = 0; i < 300; i++) {
		t = H - 1800000 + (int64_t)i * 37000;
		for (k = 0; k < 2; k++)
			assert_int_equal(store_latency_sample(s, t, "hq",
			    edges[k], k ? "t2" : "t1", "probe", i % 7 == 3 ?
			    -1 : 1000 + i * 10 + k), 0);
		if (i % 40 == 39)
			assert_int_equal(store_flush(s, NULL), 0);
	}
	store_close(s);

#define MINUTES_BY_HOUR "SELECT minute_ms - minute_ms % 3600000, branch, " \
	"edge, target, sum(sent), sum(received), min(rtt_min_us), " \
	"max(rtt_max_us), sum(rtt_sum_us), sum(rtt_sumsq_us2) FROM " \
	"latency_minute GROUP BY 1, 2, 3, 4"
#define HOURS "SELECT hour_ms, branch, edge, target, sent, received, " \
	"rtt_min_us, rtt_max_us, rtt_sum_us, rtt_sumsq_us2 FROM latency_hour"
	expect_query(path, HOURS " EXCEPT " MINUTES_BY_HOUR, "");
	expect_query(path, MINUTES_BY_HOUR " EXCEPT " HOURS, "");
#undef MINUTES_BY_HOUR
#undef HOURS
	/* 300 * 37 s from H - 30 min: the hours H-1h, H, H+1h and H+2h. */
	expect_query(path, "SELECT edge, count(*), sum(sent) FROM latency_hour "
	    "GROUP BY edge", "ams|4|300\nsea|4|300\n");
	/* And against the raw samples, one hour by hand. */
	expect_query(path, "SELECT (SELECT sent || '|' || received || '|' || "
	    "rtt_sum_us FROM latency_hour WHERE edge = 'ams' AND hour_ms = "
	    "1700002800000) = (SELECT count(*) || '|' || count(rtt_us) || "
	    "'|' || sum(rtt_us) FROM latency_sample WHERE edge = 'ams' AND "
	    "time_ms >= 1700002800000 AND time_ms < 1700006400000)", "1\n");
	free(path);
}

/*
 * Retention's edges.  H = 1700002800000 (a whole hour), one series:
 *   H-1h+30s  H+10s  H+70s  H+125s  H+130.5s  H+1h+5s
 * Raw before H+130s deletes whole minutes, those before H+120s: the first
 * three; H+125s, in the minute the cut-off falls in, stays.  Minutes
 * before H+1h30m delete whole hours, those before H+1h: four rows; the
 * minute H+1h stays.  Hours before H+30m: the hour H-1h only.  Latency
 * blocks go with the samples, the hours before the raw cut-off's.
 */
static void
test_prune_edges(void **state)
{
	static const int64_t	 dt[] = { -3570000, 10000, 70000, 125000,
	    130500, 3605000 };
	struct store		*s;
	char			*path = tpath("edges.db"), *cause = NULL;
	const int64_t		 H = 1700002800000LL;
	size_t			 i;

	s = open_ok(path, 0);
	for (i = 0; i < nitems(dt); i++)
		assert_int_equal(store_latency_sample(s, H + dt[i], "hq",
		    "ams", "t", "probe", 1000 * (i + 1)), 0);
	assert_int_equal(store_flush(s, NULL), 0);
	assert_int_equal(store_latency_prune(s, H + 130000, 0, 0, 0, &cause),
	    4);			/* and the latency block of H-1h */
	expect_query(path, "SELECT hour_ms - 1700002800000 FROM "
	    "latency_block ORDER BY hour_ms", "0\n3600000\n");
	expect_query(path, "SELECT time_ms - 1700002800000 FROM "
	    "latency_sample ORDER BY time_ms", "125000\n130500\n3605000\n");
	assert_int_equal(store_latency_prune(s, 0, H + 5400000, 0, 0,
	    &cause), 4);
	expect_query(path, "SELECT minute_ms - 1700002800000 FROM "
	    "latency_minute", "3600000\n");
	assert_int_equal(store_latency_prune(s, 0, 0, H + 1800000, 0,
	    &cause), 1);
	expect_query(path, "SELECT hour_ms - 1700002800000, sent FROM "
	    "latency_hour ORDER BY hour_ms", "0|4\n3600000|1\n");
	/* A whole-minute cut-off is its own minute; all at once, in slices. */
	assert_int_equal(store_latency_prune(s, H + 3600000, H + 7200000,
	    H + 7200000, 1, &cause), 4);
	assert_int_equal(store_latency_prune(s, H + 3600000, H + 7200000,
	    H + 7200000, 1, &cause), 2);
	assert_int_equal(store_latency_prune(s, H + 3600000, H + 7200000,
	    H + 7200000, 1, &cause), 0);
	assert_null(cause);
	store_close(s);
	expect_query(path, "SELECT (SELECT count(*) FROM latency_sample) || "
	    "'|' || (SELECT count(*) FROM latency_minute) || '|' || "
	    "(SELECT count(*) FROM latency_hour) || '|' || "
	    "(SELECT count(*) FROM latency_block)", "1|0|0|1\n");
	free(path);
}

/* The run's last_ms, as the file has it now. */
static int64_t
run_last(const char *path, int64_t id)
{
	char	*sql, *out;
	int64_t	 v;

	xasprintf(&sql, "SELECT last_ms FROM run WHERE id = %lld",
	    (long long)id);
	out = query(path, sql);
	v = strtoll(out, NULL, 10);
	free(out);
	free(sql);
	return (v);
}

/*
 * store_run_begin(): the row appears with the first flush (version, the
 * configuration's absolute path and its text), every flush that writes
 * and the close move last_ms on; a second run is a second row; a missing
 * or oversized configuration leaves config NULL.
 */
static void
test_run_rows(void **state)
{
	static const char	 text[] = "latency {\n\tkeep hours 30d\n}\n";
	struct store		*s;
	struct store_stats	 st;
	char			*path = tpath("run.db");
	char			*conf = tpath("p.conf"), *big = tpath("big.conf");
	char			*rel, *want, *buf;
	int64_t			 t0, l1, l2, l3;
	int			 cwd;

	spit(conf, text, strlen(text));
	t0 = now_wall_ms();
	s = open_ok(path, 0);
	/* A relative name: the absolute one is recorded. */
	assert_true((cwd = open(".", O_RDONLY | O_DIRECTORY)) != -1);
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(store_run_begin(s, "9.9.9", "./p.conf"), 0);
	assert_int_equal(fchdir(cwd), 0);
	close(cwd);
	stats(s, &st);
	assert_int_equal(st.run_rows, 0);
	assert_int_equal(store_flush(s, NULL), 0);
	stats(s, &st);
	assert_int_equal(st.run_rows, 1);
	rel = realpath(conf, NULL);
	xasprintf(&want, "1|9.9.9|%s|%s\n", rel, text);
	expect_query(path, "SELECT id, version, config_path, config FROM run",
	    want);
	free(want);
	xasprintf(&want, "text|%zu\n", strlen(text));
	expect_query(path, "SELECT typeof(config), length(config) FROM run",
	    want);
	free(want);
	xasprintf(&want, "SELECT start_ms >= %lld AND start_ms <= last_ms "
	    "AND last_ms <= %lld FROM run", (long long)t0,
	    (long long)now_wall_ms());
	expect_query(path, want, "1\n");
	free(want);
	l1 = run_last(path, 1);

	/* A flush with rows moves the heartbeat; an idle one right after
	 * waits for STORE_BEAT_MS; the close moves it again. */
	usleep(20000);
	assert_int_equal(store_latency_sample(s, 0, "hq", "ams", "t",
	    "probe", 1000), 0);
	assert_int_equal(store_flush(s, NULL), 0);
	l2 = run_last(path, 1);
	assert_true(l2 >= l1 + 20);
	usleep(20000);
	assert_int_equal(store_flush(s, NULL), 0);
	assert_true(run_last(path, 1) == l2);
	store_close(s);
	l3 = run_last(path, 1);
	assert_true(l3 >= l2 + 20);

	/* Next run: unreadable, then oversized configuration. */
	s = open_ok(path, 0);
	assert_int_equal(store_run_begin(s, NULL, "/nonexistent/p.conf"), 0);
	store_close(s);
	buf = xcalloc(1, 1024 * 1024 + 1);
	memset(buf, '#', 1024 * 1024 + 1);
	spit(big, buf, 1024 * 1024 + 1);
	free(buf);
	s = open_ok(path, 0);
	assert_int_equal(store_run_begin(s, "9.9.9", big), 0);
	store_close(s);
	xasprintf(&want, "1|9.9.9|%zu\n2|NULL|NULL\n3|9.9.9|NULL\n",
	    strlen(text));
	expect_query(path, "SELECT id, version, length(config) FROM run "
	    "ORDER BY id", want);
	free(want);
	expect_query(path, "SELECT config_path FROM run WHERE id = 2",
	    "/nonexistent/p.conf\n");
	assert_true(run_last(path, 1) == l3);
	free(rel);
	free(big);
	free(conf);
	free(path);
}

/* The permission bits of path, -1 when it is not there. */
static int
file_mode(const char *path)
{
	struct stat	 sb;

	return (stat(path, &sb) == -1 ? -1 : (int)(sb.st_mode & 07777));
}

/*
 * A new history is 0600, 0640 in a set-group-ID directory, whatever the
 * umask lets through, and so are its -wal and -shm (issue 13); an
 * existing file keeps its mode.
 */
static void
test_create_mode(void **state)
{
	struct store	*s;
	char		*path = tpath("mode.db"), *dir = tpath("shared");
	char		*shared, *f;
	mode_t		 old;

	(void)state;
	old = umask(022);
	s = open_ok(path, 0);
	assert_int_equal(store_flush(s, NULL), 0);
	assert_int_equal(file_mode(path), 0600);
	xasprintf(&f, "%s-wal", path);
	assert_int_equal(file_mode(f), 0600);
	free(f);
	xasprintf(&f, "%s-shm", path);
	assert_int_equal(file_mode(f), 0600);
	free(f);
	store_close(s);

	assert_int_equal(mkdir(dir, 0750), 0);
	assert_int_equal(chmod(dir, 02750), 0);
	xasprintf(&shared, "%s/h.db", dir);
	s = open_ok(shared, 0);
	assert_int_equal(file_mode(shared), 0640);
	xasprintf(&f, "%s-wal", shared);
	assert_int_equal(file_mode(f), 0640);
	free(f);
	store_close(s);

	/* An existing file's mode is the administrator's. */
	assert_int_equal(chmod(path, 0660 & ~0020), 0);
	s = open_ok(path, 0);
	store_close(s);
	assert_int_equal(file_mode(path), 0640);
	umask(old);
	free(shared);
	free(dir);
	free(path);
}

/* store_open() refuses path for writing with a message holding want. */
static void
refused(const char *path, int flags, const char *want)
{
	char	*cause = NULL;

	assert_null(store_open(path, flags, &cause));
	assert_non_null(cause);
	if (strstr(cause, path) == NULL || strstr(cause, want) == NULL)
		fail_msg("%s: \"%s\" wanted in: %s", path, want, cause);
	free(cause);
}

/*
 * No link is followed for writing, dangling or not, and nothing is
 * created through one; a file writable by group or others is refused;
 * as root, so is one root does not own unless STORE_ANY_OWNER (issue
 * 13).  Reviewing through a link still works.
 */
static void
test_untrusted_file(void **state)
{
	struct store	*s;
	char		*real = make_history("real.db", 4);
	char		*target = tpath("target.db"), *dangling = tpath("dl.db");
	char		*link = tpath("ln.db"), *other = tpath("other.db");
	char		*wal, *tpath_tmp;

	(void)state;
	assert_int_equal(symlink(target, dangling), 0);
	refused(dangling, 0, "a symbolic link");
	assert_int_equal(access(target, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(symlink(real, link), 0);
	refused(link, 0, "a symbolic link");
	s = open_ok(link, STORE_READONLY);
	store_close(s);

	assert_int_equal(chmod(real, 0666), 0);
	refused(real, 0, "writable by every user (mode 0666)");
	assert_int_equal(chmod(real, 0620), 0);
	refused(real, 0, "writable by its group (mode 0620)");
	assert_int_equal(chmod(real, 0600), 0);
	s = open_ok(real, 0);
	store_close(s);

	/* What SQLite would apply or write through beside it, too. */
	xasprintf(&wal, "%s-wal", real);
	assert_int_equal(symlink(target, wal), 0);
	refused(real, 0, "-wal: a symbolic link beside the history");
	assert_int_equal(unlink(wal), 0);
	spit(wal, "", 0);
	assert_int_equal(chmod(wal, 0606), 0);
	refused(real, 0, "-wal: writable by every user (mode 0606)");
	assert_int_equal(unlink(wal), 0);
	free(wal);
	s = open_ok(real, 0);
	store_close(s);

	/* A link among the directories is not the file's: it is followed. */
	xasprintf(&wal, "%s/sub/h.db", dangling);
	assert_int_equal(unlink(dangling), 0);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(mkdir(tpath_tmp = tpath("target.db/sub"), 0700), 0);
	free(tpath_tmp);
	assert_int_equal(symlink(target, dangling), 0);
	s = open_ok(wal, 0);
	store_close(s);
	free(wal);
	xasprintf(&wal, "%s/sub/h.db", target);
	assert_int_equal(access(wal, F_OK), 0);
	free(wal);

	if (geteuid() == 0) {
		free(make_history("other.db", 4));
		assert_int_equal(chmod(other, 0600), 0);
		assert_int_equal(chown(other, 65534, 65534), 0);
		refused(other, 0, "owned by uid 65534, not root");
		s = open_ok(other, STORE_ANY_OWNER);
		store_close(s);
	}
	free(real);
	free(target);
	free(dangling);
	free(link);
	free(other);
}

/*
 * One writer per history (issue 14): a second is refused with the pid
 * and start of the one that has it, a reviewer is not; closing lets the
 * next writer in.  The lock file is held to the history's rules.
 */
static void
test_one_writer(void **state)
{
	struct store	*s, *r;
	char		*path = tpath("one.db"), *lock, *want, *cause = NULL;

	(void)state;
	s = open_ok(path, 0);
	assert_null(store_open(path, 0, &cause));
	xasprintf(&want, "%s: in use by peertop pid %ld since ", path,
	    (long)getpid());
	if (cause == NULL || strncmp(cause, want, strlen(want)) != 0)
		fail_msg("want \"%s...\", got \"%s\"", want, cause);
	free(want);
	free(cause);
	r = open_ok(path, STORE_READONLY);
	store_close(r);
	store_close(s);
	s = open_ok(path, 0);
	store_close(s);

	xasprintf(&lock, "%s.lock", path);
	assert_int_equal(unlink(lock), 0);
	assert_int_equal(symlink("elsewhere", lock), 0);
	refused(path, 0, "one.db.lock: a symbolic link: refused");
	assert_int_equal(unlink(lock), 0);
	free(lock);
	free(path);
}

/*
 * The run row never holds a secret (issue 13): the ingest token's value
 * is "<redacted>", so is a comment naming one, the rest of the text byte
 * for byte; text that no longer lexes is not stored.  Rows an older
 * peertop stored in plain text are redacted at the next writer's open.
 */
static void
test_run_secret(void **state)
{
	static const char	 text[] = "ingest listen 127.0.0.1 {\n"
	    "\tport 8080 token \"hunter2-s3cret\" # token \"x\"\n}\n";
	static const char	 want[] = "ingest listen 127.0.0.1 {\n"
	    "\tport 8080 token \"<redacted>\" # <redacted>\n}\n";
	struct store		*s;
	char			*path = tpath("secret.db");
	char			*conf = tpath("secret.conf"), *w;

	(void)state;
	spit(conf, text, strlen(text));
	s = open_ok(path, 0);
	assert_int_equal(store_run_begin(s, "9.9.9", conf), 0);
	store_close(s);
	xasprintf(&w, "%s\n", want);
	expect_query(path, "SELECT config FROM run", w);
	free(w);
	expect_query(path, "SELECT count(*) FROM run WHERE config LIKE "
	    "'%hunter2%'", "0\n");

	spit(conf, "token \"open", 11);
	s = open_ok(path, 0);
	assert_int_equal(store_run_begin(s, "9.9.9", conf), 0);
	store_close(s);
	expect_query(path, "SELECT typeof(config) FROM run WHERE id = 2",
	    "null\n");

	/* As an older peertop stored it, then opened by this one. */
	exec_sql(path, "UPDATE run SET config = 'ingest listen ::1 token "
	    "\"old-s3cret\"' WHERE id = 1; INSERT INTO run (start_ms, "
	    "last_ms, config) VALUES (1, 2, 'token \"unterminated')");
	s = open_ok(path, 0);
	store_close(s);
	expect_query(path, "SELECT id, quote(config) FROM run ORDER BY id",
	    "1|'ingest listen ::1 token \"<redacted>\"'\n2|NULL\n3|NULL\n");
	free(conf);
	free(path);
}

/* A model with one branch, prefix, edge and session for the sink. */
static struct model *
route_model(void)
{
	static const struct edge sea = { "sea", "Seattle", "US", 47.61,
	    -122.33, "ER|PL" };
	struct model		*m = model_new();
	struct branch		*b = xcalloc(1, sizeof *b);
	struct branch_prefix	*bp;
	struct session		*sess = xcalloc(1, sizeof *sess);

	model_edge_set(m, &sea);
	strlcpy_pt(b->name, "hq", sizeof b->name);
	b->lat_main = b->lat_nearest = b->nearest = b->routed = -1;
	b->prefixes = bp = xcalloc(1, sizeof *bp);
	b->nprefixes = 1;
	assert_int_equal(prefix_parse("203.0.113.0/24", &bp->prefix), 0);
	bp->origin = 64501;
	bp->best_session = -1;
	m->branches = xcalloc(1, sizeof *m->branches);
	m->branches[m->nbranches++] = b;
	strlcpy_pt(sess->name, "sea-r1", sizeof sess->name);
	sess->edge_idx = 0;
	m->sessions = xcalloc(1, sizeof *m->sessions);
	m->sessions[m->nsessions++] = sess;
	return (m);
}

/*
 * The route monitor's hooks (model.h) write prefix_state and
 * branch_route rows in the flush's transaction: every column, NULL where
 * the contract says so.
 */
static void
test_prefix_route_rows(void **state)
{
	struct model		*m = route_model();
	struct branch		*b = m->branches[0];
	struct branch_prefix	*bp = &b->prefixes[0];
	struct store		*s;
	struct store_stats	 st;
	char			*path = tpath("routes.db");
	const int64_t		 T = 1700000000000LL;

	s = open_ok(path, 0);
	store_attach(s, m);
	assert_non_null(m->sink.prefix);
	assert_non_null(m->sink.route);

	/* Seen, carried by nothing: the unknowns are NULL. */
	bp->seen = 1;
	bp->flags = PFX_INVISIBLE;
	bp->nprimary_total = 1;
	m->sink.prefix(m->sink.arg, b, bp, T);
	m->sink.route(m->sink.arg, b, T);
	/* Then carried by sea-r1, routed through sea, suboptimal. */
	bp->flags = PFX_NOBACKUP | PFX_PREPEND;
	bp->nprimary = 1;
	bp->nbackup_total = 2;
	bp->best_origin = 64501;
	bp->best_session = 0;
	strlcpy_pt(bp->best_path, "64500 64500 64501", sizeof bp->best_path);
	strlcpy_pt(bp->carried, "sea-r1", sizeof bp->carried);
	strlcpy_pt(bp->problem, "203.0.113.0/24 on sea-r1: prepended",
	    sizeof bp->problem);
	m->sink.prefix(m->sink.arg, b, bp, T + 1000);
	b->routed = 0;
	b->suboptimal = 1;
	m->sink.route(m->sink.arg, b, T + 1000);
	stats(s, &st);
	assert_int_equal(st.prefix_rows, 0);	/* queued */
	assert_int_equal(st.queued, 4);
	assert_int_equal(store_flush(s, NULL), 0);
	stats(s, &st);
	assert_int_equal(st.prefix_rows, 2);
	assert_int_equal(st.route_rows, 2);
	store_close(s);
	m->sink.arg = NULL;

	expect_query(path, "SELECT time_ms - 1700000000000, branch, prefix, "
	    "origin, flags, primary_up, primary_total, backup_up, "
	    "backup_total, best_origin, best_path, best_session, carried, "
	    "problem FROM prefix_state ORDER BY id",
	    "0|hq|203.0.113.0/24|64501|1|0|1|0|0|NULL|NULL|NULL|NULL|NULL\n"
	    "1000|hq|203.0.113.0/24|64501|1536|1|1|0|2|64501|"
	    "64500 64500 64501|sea-r1|sea-r1|"
	    "203.0.113.0/24 on sea-r1: prepended\n");
	expect_query(path, "SELECT time_ms - 1700000000000, branch, "
	    "routed_edge, suboptimal FROM branch_route ORDER BY id",
	    "0|hq|NULL|0\n1000|hq|sea|1\n");
	model_free(m);
	free(path);
}

/*
 * A reviewer writes nothing: no run row, the sink's rows are refused,
 * and the file's bytes are as they were.
 */
static void
test_readonly_writes_nothing(void **state)
{
	struct model		*m = route_model();
	struct store		*s;
	char			*path = tpath("ro-v3.db"), *before, *after;
	char			*cause;
	size_t			 blen, alen;

	s = open_ok(path, 0);
	assert_int_equal(store_latency_sample(s, 1700000000000LL, "hq", "sea",
	    "t", "probe", 1000), 0);
	store_close(s);
	assert_non_null(before = slurp(path, &blen));

	s = open_ok(path, 1);
	assert_int_equal(store_run_begin(s, "9.9.9", path), -1);
	store_attach(s, m);
	m->branches[0]->prefixes[0].seen = 1;
	m->sink.prefix(m->sink.arg, m->branches[0],
	    &m->branches[0]->prefixes[0], 1700000001000LL);
	m->sink.route(m->sink.arg, m->branches[0], 1700000001000LL);
	assert_int_equal(store_latency_sample(s, 1700000001000LL, "hq", "sea",
	    "t", "probe", 1000), -1);
	assert_int_equal(store_flush(s, NULL), 0);
	assert_int_equal(store_latency_prune(s, INT64_MAX / 2, INT64_MAX / 2,
	    INT64_MAX / 2, 0, &cause), 0);
	store_close(s);
	m->sink.arg = NULL;

	assert_non_null(after = slurp(path, &alen));
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	expect_query(path, "SELECT (SELECT count(*) FROM run) || '|' || "
	    "(SELECT count(*) FROM prefix_state) || '|' || (SELECT count(*) "
	    "FROM branch_route) || '|' || (SELECT count(*) FROM "
	    "latency_hour)", "0|0|0|1\n");
	free(before);
	free(after);
	model_free(m);
	free(path);
}

/* The version 3 tables' columns, in order, as the contract has them. */
static void
test_v3_columns(void **state)
{
	static const struct {
		const char	*table, *want;
	} tables[] = {
		{ "run", "id start_ms last_ms version config_path config " },
		{ "branch_route", "id time_ms branch routed_edge suboptimal " },
		{ "prefix_state", "id time_ms branch prefix origin flags "
		  "primary_up primary_total backup_up backup_total "
		  "best_origin best_path best_session carried problem " },
		{ "latency_hour", "hour_ms branch edge target sent received "
		  "rtt_min_us rtt_max_us rtt_sum_us rtt_sumsq_us2 " },
	};
	struct store	*s;
	char		*path = tpath("columns.db"), *sql, *out, *cols, *tmp;
	char		*line, *bar;
	size_t		 i;

	s = open_ok(path, 0);
	store_close(s);
	for (i = 0; i < nitems(tables); i++) {
		xasprintf(&sql, "SELECT name FROM pragma_table_info('%s')",
		    tables[i].table);
		out = query(path, sql);
		cols = xstrdup("");
		for (line = out; (bar = strchr(line, '\n')) != NULL;
		    line = bar + 1) {
			*bar = '\0';
			xasprintf(&tmp, "%s%s ", cols, line);
			free(cols);
			cols = tmp;
		}
		assert_string_equal(cols, tables[i].want);
		free(cols);
		free(out);
		free(sql);
	}
	expect_query(path, "SELECT m.name, group_concat(i.name, ' ') FROM "
	    "sqlite_master m, pragma_index_info(m.name) i WHERE m.type = "
	    "'index' AND m.sql IS NOT NULL AND m.tbl_name IN ('run', "
	    "'branch_route', 'prefix_state', 'latency_hour') GROUP BY m.name "
	    "ORDER BY m.name",
	    "branch_route_branch_time|branch time_ms id routed_edge "
	    "suboptimal\n"
	    "branch_route_time|time_ms\n"
	    "latency_hour_branch_edge_time|branch edge hour_ms\n"
	    "prefix_state_prefix_time|branch prefix time_ms id flags\n"
	    "prefix_state_time|time_ms\n"
	    "run_start|start_ms\n");
	expect_query(path, "SELECT group_concat(name, ' ') FROM (SELECT name "
	    "FROM pragma_table_info('latency_hour') WHERE pk > 0 ORDER BY pk)",
	    "branch edge target hour_ms\n");
	free(path);
}

/* rm -r, one level of subdirectories is all the tests make. */
static int
remove_tree(const char *path)
{
	struct stat	 sb;
	struct dirent	*de;
	DIR		*d;
	char		*p;
	int		 rc = 0;

	chmod(path, 0700);
	if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if ((d = opendir(path)) == NULL)
			return (-1);
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			xasprintf(&p, "%s/%s", path, de->d_name);
			if (remove_tree(p) != 0)
				rc = -1;
			free(p);
		}
		closedir(d);
	}
	if (remove(path) != 0)
		rc = -1;
	return (rc);
}

static int
setup(void **state)
{
	if (mkdtemp(tmpdir) == NULL)
		return (-1);
	return (0);
}

static int
teardown(void **state)
{
	return (remove_tree(tmpdir));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_migrate_v0),
		cmocka_unit_test(test_newer_schema),
		cmocka_unit_test(test_not_sqlite),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupt_pages),
		cmocka_unit_test(test_event_ids),
		cmocka_unit_test(test_readonly_mode),
		cmocka_unit_test(test_readonly_file),
		cmocka_unit_test(test_wal_reader),
		cmocka_unit_test(test_events_order),
		cmocka_unit_test(test_flush_failure),
		cmocka_unit_test(test_queue_bound),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_locked_nonblocking),
		cmocka_unit_test(test_attach_model),
		cmocka_unit_test(test_v1_fixture),
		cmocka_unit_test(test_latency_rows),
		cmocka_unit_test(test_latency_bound),
		cmocka_unit_test(test_latency_span),
		cmocka_unit_test(test_latency_buckets),
		cmocka_unit_test(test_latency_sink),
		cmocka_unit_test(test_retention_timer),
		cmocka_unit_test(test_latency_clamp),
		cmocka_unit_test(test_v2_fixture),
		cmocka_unit_test(test_latency_hours),
		cmocka_unit_test(test_prune_edges),
		cmocka_unit_test(test_run_rows),
		cmocka_unit_test(test_run_secret),
		cmocka_unit_test(test_create_mode),
		cmocka_unit_test(test_untrusted_file),
		cmocka_unit_test(test_one_writer),
		cmocka_unit_test(test_prefix_route_rows),
		cmocka_unit_test(test_readonly_writes_nothing),
		cmocka_unit_test(test_v3_columns),
	};

	log_set_quiet(1);
	return (cmocka_run_group_tests(tests, setup, teardown));
}
