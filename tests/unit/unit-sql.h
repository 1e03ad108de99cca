/* SPDX-License-Identifier: ISC */
/*
 * What the unit tests that look into a history file share: a query's
 * rows as text.  Include after <cmocka.h> and <sqlite3.h>.
 */

#ifndef PEERTOP_TESTS_UNIT_SQL_H
#define PEERTOP_TESTS_UNIT_SQL_H

#include <stdlib.h>

#include "core/util.h"

/*
 * The rows of sql on path, "a|b\n" each, NULL as null; malloc'd.  Opened
 * read-only unless writing (a statement that changes the file).
 */
static inline char *
test_sql_rows(const char *path, const char *sql, const char *null,
    int writing)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*out = xstrdup(""), *tmp;
	const char	*v;
	int		 i, rc;

	assert_int_equal(sqlite3_open_v2(path, &db, writing ?
	    SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			v = (const char *)sqlite3_column_text(st, i);
			xasprintf(&tmp, "%s%s%s", out, i > 0 ? "|" : "",
			    v != NULL ? v : null);
			free(out);
			out = tmp;
		}
		xasprintf(&tmp, "%s\n", out);
		free(out);
		out = tmp;
	}
	if (rc != SQLITE_DONE)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (out);
}

#endif
