/* SPDX-License-Identifier: ISC */
/*
 * The store family's one SQLite helper layer (store-private.h): a
 * connection (as immutable where no -shm can be made), a statement
 * prepared to be kept, one stepped to its end, one integer from a query,
 * an event's acknowledgement from a row, and a one-line message for a
 * failure that names the file.  The writer (core/store.c,
 * store-schema.c, store-write.c, store-query.c) and its readers
 * (store-replay.c, store-report*.c) all use these instead of a copy
 * each; the messages differ only by who asks (store_sql_role),
 * since advice such as "move it aside" is for the one who writes.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/model.h"
#include "core/replay.h"
#include "core/store-private.h"
#include "core/store.h"
#include "core/util.h"

static char	*store_sql_immutable_uri(const char *);
static int	 store_sql_trace_cb(unsigned, void *, void *, void *);

/* Where store_trace() sends the statements (NULL: nowhere), rows seen. */
static FILE	*store_sql_trace_file;
static uint64_t	 store_sql_trace_nrows;

/*
 * Every statement of a connection opened afterwards, with its values,
 * written to f when it ends as "/\* ns *\/ SQL;" (SQLite's profile
 * callback): a script the sqlite3 command-line shell runs as it is.
 * NULL stops it.  The number of rows the statements returned since the
 * last call is returned.  For the benchmarks (tests/bench/bench-history
 * gives the shell the very same queries), never the product.
 */
uint64_t
store_trace(FILE *f)
{
	uint64_t	 n = store_sql_trace_nrows;

	store_sql_trace_file = f;
	store_sql_trace_nrows = 0;
	return (n);
}

static int
store_sql_trace_cb(unsigned what, void *arg, void *p, void *x)
{
	char	*sql;

	(void)arg;
	if (store_sql_trace_file == NULL)
		return (0);
	if (what == SQLITE_TRACE_ROW) {
		store_sql_trace_nrows++;
		return (0);
	}
	if ((sql = sqlite3_expanded_sql(p)) == NULL)
		return (0);
	fprintf(store_sql_trace_file, "/* %lld */ %s;\n",
	    (long long)*(sqlite3_int64 *)x, sql);
	sqlite3_free(sql);
	return (0);
}

/*
 * "file:PATH?immutable=1", PATH %-escaped where a URI needs it; for a
 * history that can only be read as immutable (store_immutable_ok()).
 */
static char *
store_sql_immutable_uri(const char *path)
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
 * A connection to path with flags (SQLITE_OPEN_*), for one thread (no
 * mutex around each call) and with extended result codes; immutable
 * tells SQLite that nobody writes the file, so that it needs no -shm
 * beside it, through a URI the path is percent-encoded into.  An SQLite
 * code; *db may be set even on failure (sqlite3_close() it).
 */
int
store_sql_open(const char *path, int flags, int immutable,
    struct sqlite3 **db)
{
	char	*uri = NULL;
	int	 rc;

	flags |= SQLITE_OPEN_NOMUTEX;
	if (immutable) {
		flags |= SQLITE_OPEN_URI;
		uri = store_sql_immutable_uri(path);
	}
	rc = sqlite3_open_v2(uri != NULL ? uri : path, db, flags, NULL);
	free(uri);
	if (rc == SQLITE_OK)
		sqlite3_extended_result_codes(*db, 1);
	if (rc == SQLITE_OK && store_sql_trace_file != NULL)
		sqlite3_trace_v2(*db, SQLITE_TRACE_PROFILE | SQLITE_TRACE_ROW,
		    store_sql_trace_cb, NULL);
	return (rc);
}

/*
 * A message for rc (an extended SQLite code) while doing what, naming
 * path; db may be NULL (opening failed).  Allocated, the caller frees.
 */
char *
store_sql_error(struct sqlite3 *db, const char *path, int rc,
    const char *doing, enum store_sql_role role)
{
	const char	*detail;
	char		*msg;

	detail = db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		xasprintf(&msg, "%s: not an SQLite database", path);
		break;
	case SQLITE_CORRUPT:
		xasprintf(&msg, "%s: damaged SQLite database (%s)%s", path,
		    detail, role == STORE_SQL_READER ? "" : "; move it aside "
		    "to start a new history");
		break;
	case SQLITE_READONLY:
		if (role == STORE_SQL_READER)	/* a -wal, no -shm possible */
			xasprintf(&msg, "%s: cannot be read without writing "
			    "its -shm file beside it (%s)", path, detail);
		else if (role == STORE_SQL_REVIEWER) /* a hot journal */
			xasprintf(&msg, "%s: cannot be read without writing "
			    "(%s); open it once for writing", path, detail);
		else
			xasprintf(&msg, "%s: read-only", path);
		break;
	case SQLITE_FULL:
		xasprintf(&msg, "%s: disk full", path);
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		xasprintf(&msg, "%s: locked by another program", path);
		break;
	case SQLITE_IOERR:
		xasprintf(&msg, "%s: I/O error while %s (%s)", path, doing,
		    detail);
		break;
	default:
		xasprintf(&msg, "%s: %s: %s", path, doing, detail);
		break;
	}
	return (msg);
}

/*
 * One or two integers from the first row of a query (b may be NULL),
 * NULL read as -1 (min() over an empty table).  SQLITE_OK, the failure's
 * code, or SQLITE_ERROR when there is no row.
 */
int
store_sql_int(struct sqlite3 *db, const char *sql, int64_t *a, int64_t *b)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return (rc);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*a = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 0);
		if (b != NULL)
			*b = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 :
			    sqlite3_column_int64(st, 1);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE)
		rc = SQLITE_ERROR;
	sqlite3_finalize(st);
	return (rc);
}

/* A statement kept for the connection's life (SQLite plans it so). */
int
store_sql_prepare(struct sqlite3 *db, const char *sql,
    struct sqlite3_stmt **st)
{
	return (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL));
}

/*
 * Step a statement that returns no rows (an INSERT, UPDATE or DELETE)
 * and reset it for the next use: SQLITE_OK or the failure's code.
 */
int
store_sql_step(struct sqlite3_stmt *st)
{
	int	 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? SQLITE_OK : rc);
}

/*
 * Readers get a file someone may have crafted: an acknowledgement counts
 * only with an integer time in 1970..9999 (NULL, text, a real: none),
 * and its strings are cut to the event's fields and sanitised.
 */
int
store_sql_ack(struct sqlite3_stmt *st, int col, struct event *ev)
{
	const char	*txt;
	size_t		 len;
	int64_t		 t;

	ev->ack_ms = 0;
	ev->ack_user[0] = ev->ack_comment[0] = '\0';
	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return (0);
	t = sqlite3_column_int64(st, col);
	if (t <= REPLAY_TIME_MIN_MS || t > REPLAY_TIME_MAX_MS)
		return (0);
	ev->ack_ms = t;
	txt = (const char *)sqlite3_column_text(st, col + 1);
	len = (size_t)sqlite3_column_bytes(st, col + 1);
	if (txt == NULL || len == 0) {
		txt = "?";	/* as model_event_ack() names nobody */
		len = 1;
	}
	sanitize(ev->ack_user, sizeof ev->ack_user, txt, len);
	if ((txt = (const char *)sqlite3_column_text(st, col + 2)) != NULL)
		sanitize(ev->ack_comment, sizeof ev->ack_comment, txt,
		    (size_t)sqlite3_column_bytes(st, col + 2));
	return (1);
}
