/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for acknowledgements in the history (issue 14, schema 5):
 * an acknowledgement made through the model reaches the file through the
 * store's sink and comes back with store_recent_events(); the first one
 * of an event stands, one for an event the file lacks is skipped without
 * failing the batch, a re-raise's carried acknowledgement gets a row of
 * its own and an event whose id was taken keeps its acknowledgement; a
 * real schema 4 file (tests/data/store/v4.db) is migrated keeping every
 * row, and is read unmigrated by replay and report as having none;
 * replay_load() shows an acknowledgement only from its time on; the
 * report's problems on a crafted history with known times; and crafted
 * event_ack rows (wrong types, NULLs, huge or hostile text) are dropped
 * or cleaned by every reader.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/condition.h"
#include "core/config.h"
#include "core/output.h"
#include "core/replay.h"
#include "core/report.h"
#include "core/store.h"
#include "core/util.h"
#include "tests/unit/unit.h"
#include "tests/unit/unit-sql.h"

#define T0	1795600800000LL		/* 2026-11-25T10:00:00Z */
#define MIN	60000LL
#define T(m)	(T0 + (m) * MIN)	/* minutes after 10:00 */

static char	tmpdir[] = "/tmp/peertop-ack.XXXXXX";

static const char config[] =
    "partner \"acme\" as 65001 {\n"
    "	session \"sea-1\" neighbor 192.0.2.1 router \"r1\" edge sea "
    "role primary\n"
    "	session \"sea-2\" neighbor 192.0.2.2 router \"r2\" edge sea "
    "role backup\n"
    "}\n";

static char *
tpath(const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", tmpdir, name);
	return (p);
}

/* A model of the configuration above, with nothing hooked up. */
static struct model *
acme(void)
{
	static const struct edge sea = {
		"sea", "Seattle", "US", 47.61, -122.33, "ER|PL"
	};
	struct model	*m;
	char		*cause = NULL;

	m = model_new();
	model_edge_set(m, &sea);
	if (config_parse_buffer(m, "ack.conf", config, strlen(config),
	    &cause) != 0)
		fail_msg("config: %s", cause);
	return (m);
}

static struct store *
writer(const char *path)
{
	struct store	*s;
	char		*cause = NULL;

	if ((s = store_open(path, 0, &cause)) == NULL)
		fail_msg("store_open %s: %s", path, cause);
	return (s);
}

static void
flush(struct store *s)
{
	char	*cause = NULL;

	if (store_flush(s, &cause) != 0)
		fail_msg("store_flush: %s", cause);
}

/* Run statements on the file behind the store's back. */
static void
exec_on(const char *path, const char *text)
{
	sqlite3	*db;
	char	*err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", text, err);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* A query's rows, "a|b\n" each, NULL as "-"; malloc'd. */
static char *
rows(const char *path, const char *text)
{
	return (test_sql_rows(path, text, "-", 0));
}

static void
expect_rows(const char *path, const char *text, const char *want)
{
	char	*got = rows(path, text);

	if (strcmp(got, want) != 0)
		fail_msg("%s:\ngot  \"%s\"\nwant \"%s\"", text, got, want);
	free(got);
}

/* The events as the dashboard reads them at start-up (read-only). */
static size_t
recent(const char *path, struct event *out, size_t max)
{
	struct store	*s;
	char		*cause = NULL;
	size_t		 n;

	if ((s = store_open(path, STORE_READONLY, &cause)) == NULL)
		fail_msg("store_open -r %s: %s", path, cause);
	n = store_recent_events(s, out, max);
	store_close(s);
	return (n);
}

/* The newest event of the model's ring. */
static const struct event *
newest(const struct model *m)
{
	return (model_event(m, m->nevents - 1));
}

/* A SessionDown of sea-1 at t0, acknowledged by user at t1 (0: not). */
static void
down(struct model *m, int64_t t0, const char *user, const char *comment,
    int64_t t1)
{
	char	*cause = NULL;

	model_event_at(m, t0, "SessionDown", LVL_ERROR, "session sea-1",
	    NULL, "sea-1 down");
	if (t1 != 0 && model_event_ack(m, newest(m)->id, user, comment, t1,
	    &cause) != 0)
		fail_msg("model_event_ack: %s", cause);
}

/* ------------------------------------------------------------ tests */

/*
 * Live: a SessionDown acknowledged by alice through the model reaches
 * event_ack at the next flush and comes back with the events; bob's
 * second acknowledgement of it is ignored, and one for an event the
 * file does not have is skipped while the rest of its batch is written.
 */
static void
test_ack_roundtrip(void **state)
{
	struct model		*m = acme();
	struct store		*s;
	struct store_stats	 st;
	struct event		 out[8], ev;
	const struct event	*e;
	char			*path = tpath("roundtrip.db"), *cause = NULL;
	int64_t			 id;

	(void)state;
	s = writer(path);
	store_attach(s, m);
	down(m, T(0), NULL, NULL, 0);
	id = newest(m)->id;
	flush(s);
	if (model_event_ack(m, id, "alice", "on it: ticket\t42", T(3),
	    &cause) != 0)
		fail_msg("model_event_ack: %s", cause);
	flush(s);
	expect_rows(path, "SELECT event_id, time_ms - 1795600800000, user, "
	    "comment FROM event_ack", "1|180000|alice|on it: ticket?42\n");

	/* A second one for the same event: the first stands. */
	ev = *newest(m);
	ev.ack_ms = T(4);
	strlcpy_pt(ev.ack_user, "bob", sizeof ev.ack_user);
	assert_int_equal(store_event_ack(s, &ev), 0);
	/* One for an event the file does not have, then a real row. */
	ev.id = 77;
	ev.time_ms = T(1);
	assert_int_equal(store_event_ack(s, &ev), 0);
	model_event_at(m, T(5), "SessionUp", LVL_INFO, "session sea-1", NULL,
	    "sea-1 up");
	flush(s);
	assert_null(store_error(s));
	assert_int_equal(store_stats(s, &st), 0);
	assert_int_equal(st.schema_version, STORE_SCHEMA_VERSION);
	assert_int_equal(st.ack_rows, 1);
	assert_int_equal(st.event_rows, 2);
	/* An event without an acknowledgement queues none. */
	ev.ack_ms = 0;
	assert_int_equal(store_event_ack(s, &ev), -1);
	store_close(s);
	model_free(m);

	assert_int_equal(recent(path, out, nitems(out)), 2);
	e = &out[0];
	assert_string_equal(e->type, "SessionDown");
	assert_int_equal(e->ack_ms, T(3));
	assert_string_equal(e->ack_user, "alice");
	assert_string_equal(e->ack_comment, "on it: ticket?42");
	assert_int_equal(out[1].ack_ms, 0);
	assert_string_equal(out[1].ack_user, "");
	free(path);
}

/*
 * A condition raised again keeps its acknowledgement (condition.c): the
 * new opener is written with a row of its own, same time and user.  And
 * an event whose id was taken (stored under another) still gets its
 * acknowledgement, found by time, level and subject.
 */
static void
test_ack_carried(void **state)
{
	struct model	*m = acme();
	struct store	*s;
	struct event	 ev;
	char		*path = tpath("carried.db");

	(void)state;
	s = writer(path);
	store_attach(s, m);
	down(m, T(0), "alice", "", T(1));
	down(m, T(2), NULL, NULL, 0);
	assert_int_equal(newest(m)->ack_ms, T(1));
	flush(s);
	expect_rows(path, "SELECT event_id, time_ms - 1795600800000, user "
	    "FROM event_ack ORDER BY event_id",
	    "1|60000|alice\n2|60000|alice\n");

	/* Id 1 is taken: the event is stored as 3, its ack follows it. */
	memset(&ev, 0, sizeof ev);
	ev.id = 1;
	ev.time_ms = T(9);
	strlcpy_pt(ev.type, "SessionDown", sizeof ev.type);
	ev.level = LVL_CRITICAL;
	strlcpy_pt(ev.subject, "session sea-2", sizeof ev.subject);
	ev.ack_ms = T(10);
	strlcpy_pt(ev.ack_user, "carol", sizeof ev.ack_user);
	assert_int_equal(store_event(s, &ev), 0);
	flush(s);
	expect_rows(path, "SELECT a.event_id, e.subject, a.user FROM "
	    "event_ack a JOIN events e ON e.id = a.event_id "
	    "ORDER BY a.event_id",
	    "1|session sea-1|alice\n2|session sea-1|alice\n"
	    "3|session sea-2|carol\n");
	store_close(s);
	model_free(m);
	free(path);
}

/*
 * A real schema 4 file: replay and report read it as it is (no
 * event_ack: nothing acknowledged), a writer migrates it to 5 keeping
 * every row of every table and adds the empty table, which then takes
 * an acknowledgement.
 */
static void
test_migrate_v4(void **state)
{
	static const char *const tables[] = {
		"meta", "session_state", "redundancy_state", "events",
		"latency_sample", "latency_minute", "latency_hour", "run",
		"branch_route", "prefix_state", "session_counts",
	};
	struct replay	*r;
	struct report	*rep;
	struct model	*m;
	struct store	*s;
	struct event	 ev;
	char		*src, *path = tpath("v4.db"), *buf, *cause = NULL;
	char		*before[nitems(tables)], *sql;
	size_t		 len, i;

	(void)state;
	xasprintf(&src, "%s/tests/data/store/v4.db", test_top_srcdir());
	if ((buf = slurp(src, &len)) == NULL)
		fail_msg("cannot read %s", src);
	spit(path, buf, len);
	chmod(path, 0600);
	expect_rows(path, "PRAGMA user_version", "4\n");
	for (i = 0; i < nitems(tables); i++) {
		xasprintf(&sql, "SELECT * FROM %s ORDER BY rowid", tables[i]);
		before[i] = rows(path, sql);
		free(sql);
	}
	assert_non_null(strstr(before[3], "|SessionDown|Error|"));

	/* Read unmigrated: no acknowledgements, and the file unchanged. */
	if ((r = replay_open(path, &cause)) == NULL)
		fail_msg("replay_open: %s", cause);
	m = acme();
	if (replay_load(r, m, T0 + 10 * 86400000LL * 365, NULL, &cause) != 0)
		fail_msg("replay_load: %s", cause);
	assert_int_equal(m->nevents, 4);
	assert_int_equal(model_event(m, 0)->ack_ms, 0);
	model_free(m);
	replay_close(r);
	if ((rep = store_report_open(path, &cause)) == NULL)
		fail_msg("store_report_open: %s", cause);
	assert_int_equal(store_report_run(rep, 0, T0, &cause), 0);
	assert_int_equal(rep->problems[0].opened, 1);	/* SessionDown */
	assert_int_equal(rep->problems[0].resolved, 1);
	assert_int_equal(rep->problems[0].resolve_max_ms, 60000);
	assert_int_equal(rep->problems[0].acked, 0);
	assert_int_equal(rep->problems[1].opened, 1);	/* origin change */
	assert_int_equal(rep->problems[1].open, 1);
	store_report_free(rep);
	free(buf);
	assert_non_null(buf = slurp(path, &len));
	assert_int_equal(len, 131072);

	s = writer(path);
	store_close(s);
	expect_rows(path, "PRAGMA user_version", "7\n");
	for (i = 0; i < nitems(tables); i++) {
		xasprintf(&sql, "SELECT * FROM %s ORDER BY rowid", tables[i]);
		expect_rows(path, sql, before[i]);
		free(sql);
		free(before[i]);
	}
	expect_rows(path, "SELECT name, type, \"notnull\", dflt_value, pk "
	    "FROM pragma_table_info('event_ack')",
	    "event_id|INTEGER|0|-|1\ntime_ms|INTEGER|1|-|0\n"
	    "user|TEXT|1|-|0\ncomment|TEXT|1|''|0\n");
	expect_rows(path, "SELECT \"table\", \"from\", \"to\" FROM "
	    "pragma_foreign_key_list('event_ack')", "events|event_id|id\n");
	expect_rows(path, "SELECT count(*) FROM event_ack", "0\n");

	/* The migrated file takes an acknowledgement of its SessionDown. */
	s = writer(path);
	memset(&ev, 0, sizeof ev);
	ev.id = 1;
	ev.time_ms = 1700006460000LL;
	ev.level = LVL_ERROR;
	strlcpy_pt(ev.subject, "session sea-r1", sizeof ev.subject);
	ev.ack_ms = ev.time_ms + 5000;
	strlcpy_pt(ev.ack_user, "dave", sizeof ev.ack_user);
	assert_int_equal(store_event_ack(s, &ev), 0);
	flush(s);
	store_close(s);
	expect_rows(path, "SELECT event_id, time_ms, user, comment FROM "
	    "event_ack", "1|1700006465000|dave|\n");
	free(buf);
	free(src);
	free(path);
}

/* replay_load() at t: the ring's event and its condition as of t. */
static const struct event *
replay_at(struct replay *r, struct model *m, int64_t t)
{
	char	*cause = NULL;

	if (replay_load(r, m, t, NULL, &cause) != 0)
		fail_msg("replay_load: %s", cause);
	assert_true(m->nevents > 0);
	return (model_event(m, 0));
}

/*
 * Replay: before the acknowledgement (and an instant before it) the
 * SessionDown is open and unacknowledged, from its time on acknowledged
 * by alice, the condition too; after the SessionUp nothing is open.
 */
static void
test_replay_ack(void **state)
{
	struct model		*w = acme(), *m = acme();
	struct store		*s;
	struct replay		*r;
	const struct event	*e;
	const struct condition	*c;
	char			*path = tpath("replay.db"), *cause = NULL;

	(void)state;
	s = writer(path);
	store_attach(s, w);
	down(w, T(0), "alice", "looking", T(5));
	model_event_at(w, T(20), "SessionUp", LVL_INFO, "session sea-1",
	    NULL, "sea-1 up");
	flush(s);
	store_close(s);
	model_free(w);

	if ((r = replay_open(path, &cause)) == NULL)
		fail_msg("replay_open: %s", cause);
	e = replay_at(r, m, T(5) - 1);
	assert_int_equal(e->ack_ms, 0);
	assert_non_null(c = condition_of(m, e));
	assert_int_equal(c->ack_ms, 0);
	assert_int_equal(model_open_unacked(m, LVL_ERROR), 1);

	e = replay_at(r, m, T(5));
	assert_int_equal(e->ack_ms, T(5));
	assert_string_equal(e->ack_user, "alice");
	assert_string_equal(e->ack_comment, "looking");
	assert_non_null(c = condition_of(m, e));
	assert_int_equal(c->ack_ms, T(5));
	assert_string_equal(c->ack_user, "alice");
	assert_int_equal(model_open_unacked(m, LVL_ERROR), 0);

	e = replay_at(r, m, T(30));
	assert_int_equal(e->ack_ms, T(5));
	assert_null(condition_of(m, e));
	assert_int_equal(m->nconds, 0);

	/* Back before it: the acknowledgement is gone again. */
	e = replay_at(r, m, T(1));
	assert_int_equal(e->ack_ms, 0);
	replay_close(r);
	model_free(m);
	free(path);
}

/*
 * The crafted history of test_report_problems: two recording runs,
 * [-20, 120] and [130, 240] minutes, and these events (minutes):
 *   -10 SessionDown z (before the window)    5 SessionUp z
 *     0 SessionDown a, ack 1                 2 SessionUp a
 *    10 SessionDown b, ack 4                40 SessionUp b
 *    15 RedundancyDegraded p Warning, an ack at 20 (crafted)
 *    25 RedundancyDegraded p Critical, ack 28
 *    50 RedundancyRestored p
 *    45 SessionUp q (restores nothing)
 *    60 PrefixOriginAsChangeEvent Critical, ack 70 (the run ends it)
 *   100 SessionDown c, its ack's time text (the run ends it)
 *   140 SessionDown d, ack 250 (after the window)
 */
static char *
problems_history(void)
{
	static const struct {
		int		 id, at;
		const char	*type, *level, *subject;
	} evs[] = {
		{ 1, -10, "SessionDown", "Error", "session z" },
		{ 2, 0, "SessionDown", "Error", "session a" },
		{ 3, 2, "SessionUp", "Information", "session a" },
		{ 4, 5, "SessionUp", "Information", "session z" },
		{ 5, 10, "SessionDown", "Error", "session b" },
		{ 6, 15, "RedundancyDegraded", "Warning", "partner p" },
		{ 7, 25, "RedundancyDegraded", "Critical", "partner p" },
		{ 8, 40, "SessionUp", "Information", "session b" },
		{ 9, 45, "SessionUp", "Information", "session q" },
		{ 10, 50, "RedundancyRestored", "Information", "partner p" },
		{ 11, 60, "PrefixOriginAsChangeEvent", "Critical",
		  "prefix 203.0.113.0/24" },
		{ 12, 100, "SessionDown", "Error", "session c" },
		{ 13, 140, "SessionDown", "Error", "session d" },
	};
	static const int acks[][2] = {
		{ 2, 1 }, { 5, 14 }, { 6, 20 }, { 7, 28 }, { 11, 70 },
		{ 13, 250 },
	};
	struct store	*s;
	char		*path = tpath("problems.db"), *sql, *tmp;
	size_t		 i;

	s = writer(path);
	store_close(s);
	xasprintf(&sql, "INSERT INTO run (start_ms, last_ms) VALUES "
	    "(%lld, %lld), (%lld, %lld);", T(-20), T(120), T(130), T(240));
	for (i = 0; i < nitems(evs); i++) {
		xasprintf(&tmp, "%sINSERT INTO events (id, time_ms, type, level, "
		    "subject) VALUES (%d, %lld, '%s', '%s', '%s');", sql,
		    evs[i].id, T(evs[i].at), evs[i].type, evs[i].level,
		    evs[i].subject);
		free(sql);
		sql = tmp;
	}
	for (i = 0; i < nitems(acks); i++) {
		xasprintf(&tmp, "%sINSERT INTO event_ack (event_id, time_ms, "
		    "user) VALUES (%d, %lld, 'ops');", sql, acks[i][0],
		    T(acks[i][1]));
		free(sql);
		sql = tmp;
	}
	xasprintf(&tmp, "%sINSERT INTO event_ack VALUES (12, 'soon', 'ops', "
	    "'');", sql);
	free(sql);
	exec_on(path, tmp);
	free(tmp);
	return (path);
}

static struct report *
report_over(const char *path, int64_t since, int64_t until)
{
	struct report	*r;
	char		*cause = NULL;

	if ((r = store_report_open(path, &cause)) == NULL)
		fail_msg("store_report_open: %s", cause);
	if (store_report_run(r, since, until, &cause) != 0)
		fail_msg("store_report_run: %s", cause);
	return (r);
}

static void
expect_problems(const struct report_problems *p, int64_t opened,
    int64_t acked, int64_t ack_median, int64_t ack_max, int64_t resolved,
    int64_t res_median, int64_t res_max, int64_t open, int64_t ended)
{
	assert_int_equal(p->opened, opened);
	assert_int_equal(p->acked, acked);
	assert_int_equal(p->ack_median_ms, ack_median);
	assert_int_equal(p->ack_max_ms, ack_max);
	assert_int_equal(p->resolved, resolved);
	assert_int_equal(p->resolve_median_ms, res_median);
	assert_int_equal(p->resolve_max_ms, res_max);
	assert_int_equal(p->open, open);
	assert_int_equal(p->ended, ended);
}

/* The whole report in one format. */
static char *
printed(const struct report *r, const char *fmt)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	assert_non_null(f = open_memstream(&buf, &len));
	report_print(r, f, output_find(fmt));
	assert_int_equal(fclose(f), 0);
	return (buf);
}

/*
 * [0, 200): Error a (ack 1, resolved 2), b (ack 4, resolved 30), c
 * (ended by the second run), d (open, its ack after until): medians
 * 2.5 and 16 minutes.  Critical: p, reached at 25 (the ack at 20 was of
 * its Warning), ack 3, resolved 35 from 15; the origin change ack 10,
 * ended.  z was opened before since; q restores nothing.
 * [0, 100): c not yet (at until), the origin change still open.
 */
static void
test_report_problems(void **state)
{
	struct report	*r;
	char		*path = problems_history(), *out;

	(void)state;
	r = report_over(path, T(0), T(200));
	expect_problems(&r->problems[0], 4, 2, 150000, 240000, 2, 960000,
	    1800000, 1, 1);
	expect_problems(&r->problems[1], 2, 2, 390000, 600000, 1, 2100000,
	    2100000, 0, 1);
	out = printed(r, "text");
	assert_non_null(strstr(out, "\nProblems: 6 Error and Critical opened\n"
	    "LEVEL    OPENED ACKED  ACK-MED  ACK-MAX RESOLVED  RES-MED  "
	    "RES-MAX  OPEN ENDED\n"
	    "Error         4     2    2m30s    4m00s        2   16m00s   "
	    "30m00s     1     1\n"
	    "Critical      2     2    6m30s   10m00s        1   35m00s   "
	    "35m00s     0     1\n"));
	free(out);
	out = printed(r, "csv");
	assert_non_null(strstr(out, "\nsection,level,opened,acknowledged,"
	    "ack_median_s,ack_max_s,resolved,resolve_median_s,resolve_max_s,"
	    "open,ended\nproblems,Error,4,2,150.000,240.000,2,960.000,"
	    "1800.000,1,1\nproblems,Critical,2,2,390.000,600.000,1,2100.000,"
	    "2100.000,0,1\n"));
	free(out);
	out = printed(r, "json");
	assert_non_null(strstr(out, ",\"problems\":[{\"level\":\"Error\","
	    "\"opened\":4,\"acknowledged\":2,\"ack_median_s\":150.000,"
	    "\"ack_max_s\":240.000,\"resolved\":2,\"resolve_median_s\":960.000,"
	    "\"resolve_max_s\":1800.000,\"open\":1,\"ended\":1},"));
	free(out);
	store_report_free(r);

	r = report_over(path, T(0), T(100));
	expect_problems(&r->problems[0], 2, 2, 150000, 240000, 2, 960000,
	    1800000, 0, 0);
	expect_problems(&r->problems[1], 2, 2, 390000, 600000, 1, 2100000,
	    2100000, 1, 0);
	store_report_free(r);

	/* From 12: z, a and b were opened before it; p was not. */
	r = report_over(path, T(12), T(200));
	expect_problems(&r->problems[0], 2, 0, -1, -1, 0, -1, -1, 1, 1);
	out = printed(r, "text");
	assert_non_null(strstr(out, "\nError         2     0        -        "
	    "-        0        -        -     1     1\n"));
	free(out);
	store_report_free(r);
	free(path);
}

/*
 * A crafted event_ack (no constraints): times as text (a word, a
 * number), NULLs, a real beyond 64 bits, a negative time, a blob, a row
 * for no event, and one good row with no user and a long comment full
 * of escapes.  Every reader keeps
 * the good one only, cleaned and cut to the event's fields.
 */
static void
test_crafted_acks(void **state)
{
	struct event	 out[8];
	struct model	*m = acme();
	struct replay	*r;
	struct report	*rep;
	char		*path = tpath("crafted.db"), *cause = NULL, *sql;
	size_t		 i, n;

	(void)state;
	store_close(writer(path));
	xasprintf(&sql, "DROP TABLE event_ack;"
	    "CREATE TABLE event_ack (event_id, time_ms, user, comment);"
	    "INSERT INTO events (id, time_ms, type, level, subject) VALUES"
	    " (1, %lld, 'SessionDown', 'Error', 'session s1'),"
	    " (2, %lld, 'SessionDown', 'Error', 'session s2'),"
	    " (3, %lld, 'SessionDown', 'Error', 'session s3'),"
	    " (4, %lld, 'SessionDown', 'Error', 'session s4'),"
	    " (5, %lld, 'SessionDown', 'Error', 'session s5'),"
	    " (6, %lld, 'SessionDown', 'Error', 'session s6');"
	    "INSERT INTO event_ack VALUES (1, 'soon', 'u', 'c'),"
	    " (2, '%lld', 'u', 'c'), (6, NULL, NULL, NULL), (3, %lld, NULL,"
	    " char(27) || '[2J' || char(7) || replace(hex(zeroblob(500)),"
	    " '00', 'ab')), (4, 1e30, 'x', x'00ff'), (5, -5, 'y', 'z'),"
	    " (999, %lld, 'ghost', ''), (1, x'0102', x'ff', 42);",
	    T(0), T(1), T(2), T(3), T(4), T(5), T(10), T(10), T(11));
	exec_on(path, sql);
	free(sql);

	n = recent(path, out, nitems(out));
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		if (out[i].id != 3) {
			assert_int_equal(out[i].ack_ms, 0);
			continue;
		}
		assert_int_equal(out[i].ack_ms, T(10));
		assert_string_equal(out[i].ack_user, "?");
		assert_int_equal(strlen(out[i].ack_comment),
		    sizeof out[i].ack_comment - 1);
		assert_memory_equal(out[i].ack_comment, "?[2J?abab", 9);
	}

	if ((r = replay_open(path, &cause)) == NULL)
		fail_msg("replay_open: %s", cause);
	if (replay_load(r, m, T(60), NULL, &cause) != 0)
		fail_msg("replay_load: %s", cause);
	assert_int_equal(m->nevents, 6);
	for (i = 0; i < m->nevents; i++)
		assert_int_equal(model_event(m, i)->ack_ms,
		    model_event(m, i)->id == 3 ? T(10) : 0);
	assert_int_equal(model_open_unacked(m, LVL_ERROR), 5);
	replay_close(r);

	rep = report_over(path, T(0), T(60));
	expect_problems(&rep->problems[0], 6, 1, 8 * MIN, 8 * MIN, 0, -1, -1,
	    6, 0);
	store_report_free(rep);
	model_free(m);
	free(path);
}

static int
rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(p));
}

static int
setup(void **state)
{
	(void)state;
	return (mkdtemp(tmpdir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	(void)state;
	return (nftw(tmpdir, rm_cb, 8, FTW_DEPTH | FTW_PHYS));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ack_roundtrip),
		cmocka_unit_test(test_ack_carried),
		cmocka_unit_test(test_migrate_v4),
		cmocka_unit_test(test_replay_ack),
		cmocka_unit_test(test_report_problems),
		cmocka_unit_test(test_crafted_acks),
	};

	log_set_quiet(1);
	return (cmocka_run_group_tests(tests, setup, teardown));
}
