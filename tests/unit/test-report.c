/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for "peertop report" (core/report.c): histories built by
 * store_open() (the schema exactly as the writer creates it) and raw
 * INSERTs at chosen times, then the exact figures over a window: interval
 * arithmetic of availability and redundancy, no data before the first
 * transition, flaps and transitions at the window's edges, a collector's
 * outage (Unknown: no data and no flap, availability over the time seen
 * beside the coverage), the time outside every recording run (no data:
 * a gap between runs, after a crashed one, overlapping runs, a window
 * starting in a gap; a file without runs cannot tell), latency from
 * raw samples and from the roll-ups, events by type and level; the
 * version 3 sections (registered prefixes' visibility, branches' routed
 * edges) and the roll-up chain's boundaries; the files a report refuses,
 * each with its message, and a file whose bytes a report leaves
 * unchanged.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <math.h>
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

#include "core/latency.h"
#include "core/output.h"
#include "core/report.h"
#include "core/store.h"
#include "core/store-private.h"
#include "core/util.h"
#include "tests/unit/unit.h"
#include "tests/unit/unit-sql.h"

#define T0	1795600800000LL		/* 2026-11-25T10:00:00Z */
#define MIN	60000LL
#define T(m)	(T0 + (m) * MIN)	/* minutes after 10:00 */

#define H(h)	(T0 + (h) * 60 * MIN)	/* hours after 10:00 */

static char	tmpdir[] = "/tmp/peertop-report.XXXXXX";

/*
 * The version 3 tables as man/schema.mdoc documents them, for a store.c
 * that does not create them yet (IF NOT EXISTS: a no-op once it does).
 */
#define V3_TABLES \
	"CREATE TABLE IF NOT EXISTS run (id INTEGER PRIMARY KEY," \
	" start_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL, version TEXT," \
	" config_path TEXT, config TEXT);" \
	"CREATE TABLE IF NOT EXISTS branch_route (id INTEGER PRIMARY KEY," \
	" time_ms INTEGER NOT NULL, branch TEXT NOT NULL, routed_edge TEXT," \
	" suboptimal INTEGER NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS branch_route_branch_time" \
	" ON branch_route (branch, time_ms);" \
	"CREATE TABLE IF NOT EXISTS prefix_state (id INTEGER PRIMARY KEY," \
	" time_ms INTEGER NOT NULL, branch TEXT NOT NULL," \
	" prefix TEXT NOT NULL, origin INTEGER, flags INTEGER NOT NULL," \
	" primary_up INTEGER NOT NULL, primary_total INTEGER NOT NULL," \
	" backup_up INTEGER NOT NULL, backup_total INTEGER NOT NULL," \
	" best_origin INTEGER, best_path TEXT, best_session TEXT," \
	" carried TEXT, problem TEXT);" \
	"CREATE INDEX IF NOT EXISTS prefix_state_prefix_time" \
	" ON prefix_state (branch, prefix, time_ms);" \
	"CREATE TABLE IF NOT EXISTS latency_hour (hour_ms INTEGER NOT NULL," \
	" branch TEXT NOT NULL, edge TEXT NOT NULL, target TEXT NOT NULL," \
	" sent INTEGER NOT NULL, received INTEGER NOT NULL," \
	" rtt_min_us INTEGER, rtt_max_us INTEGER," \
	" rtt_sum_us INTEGER NOT NULL, rtt_sumsq_us2 INTEGER NOT NULL," \
	" PRIMARY KEY (branch, edge, target, hour_ms));" \
	"CREATE INDEX IF NOT EXISTS latency_hour_branch_edge_time" \
	" ON latency_hour (branch, edge, hour_ms);" \
	"PRAGMA user_version = 3;"

/*
 * The writer's roll-ups of the samples as they are (every minute and hour
 * summed from its samples), then retention: samples before the minute of
 * ?1, minutes before the hour of ?2 (run with the two times printed in).
 */
#define ROLLUP_SQL \
	"DELETE FROM latency_minute; DELETE FROM latency_hour;" \
	"INSERT INTO latency_minute SELECT time_ms - time_ms %% 60000," \
	" branch, edge, target, count(*), count(rtt_us), min(rtt_us)," \
	" max(rtt_us), coalesce(sum(rtt_us), 0)," \
	" coalesce(sum(rtt_us * rtt_us), 0) FROM latency_sample" \
	" GROUP BY 1, 2, 3, 4;" \
	"INSERT INTO latency_hour SELECT minute_ms - minute_ms %% 3600000," \
	" branch, edge, target, sum(sent), sum(received), min(rtt_min_us)," \
	" max(rtt_max_us), sum(rtt_sum_us), sum(rtt_sumsq_us2)" \
	" FROM latency_minute GROUP BY 1, 2, 3, 4;" \
	"DELETE FROM latency_sample WHERE time_ms < %lld;" \
	"DELETE FROM latency_minute WHERE minute_ms < %lld;"

static char *
tpath(const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", tmpdir, name);
	return (p);
}

/* A new history (store.c's schema), then sql run on it directly. */
static char *
history(const char *name, const char *sql)
{
	struct store	*s;
	sqlite3		*db;
	char		*path, *cause = NULL, *err = NULL;

	path = tpath(name);
	s = store_open(path, 0, &cause);
	if (s == NULL)
		fail_msg("store_open: %s", cause);
	store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return (path);
}

static struct report *
run(const char *path, int64_t since, int64_t until)
{
	struct report	*r;
	char		*cause;

	if ((r = store_report_open(path, &cause)) == NULL)
		fail_msg("store_report_open: %s", cause);
	if (store_report_run(r, since, until, &cause) != 0)
		fail_msg("store_report_run: %s", cause);
	return (r);
}

static const struct report_track *
track(const struct report_track *t, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(t[i].name, name) == 0)
			return (&t[i]);
	}
	fail_msg("no %s", name);
	return (NULL);
}

/* The whole output of a report in one format. */
static char *
output(const struct report *r, const char *fmt)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	assert_non_null(f = open_memstream(&buf, &len));
	assert_non_null(output_find(fmt));
	report_print(r, f, output_find(fmt));
	assert_int_equal(fclose(f), 0);
	return (buf);
}

/* The output of a report in one format holds want. */
static void
printed(const struct report *r, const char *fmt, const char *want)
{
	char	*out;

	out = output(r, fmt);
	if (strstr(out, want) == NULL)
		fail_msg("no \"%s\" in:\n%s", want, out);
	free(out);
}

/* Rows with times in minutes after 10:00 (negative: before). */
static char *
sessions_sql(void)
{
	char	*sql;

	xasprintf(&sql,
	    /* Up from 10:00 (a transition exactly at since) to 10:45. */
	    "INSERT INTO session_state (time_ms, session, old_state, state)"
	    " VALUES (%lld, 's1', NULL, 'Idle'),"
	    " (%lld, 's1', 'Idle', 'Established'),"
	    " (%lld, 's1', 'Established', 'Idle');"
	    /* Known only from 10:15. */
	    "INSERT INTO session_state (time_ms, session, old_state, state)"
	    " VALUES (%lld, 's2', 'Unknown', 'Established');"
	    /* A flap before the window, one inside, one exactly at until. */
	    "INSERT INTO session_state (time_ms, session, old_state, state)"
	    " VALUES (%lld, 's3', NULL, 'Established'),"
	    " (%lld, 's3', 'Established', 'Idle'),"
	    " (%lld, 's3', 'Idle', 'Established'),"
	    " (%lld, 's3', 'Established', 'Active'),"
	    " (%lld, 's3', 'Active', 'Established'),"
	    " (%lld, 's3', 'Established', 'Idle'),"
	    " (%lld, 's3', 'Idle', 'Connect');"
	    /* A flap exactly at since counts; the state before does not. */
	    "INSERT INTO session_state (time_ms, session, old_state, state)"
	    " VALUES (%lld, 's4', NULL, 'Established'),"
	    " (%lld, 's4', 'Established', 'Idle'),"
	    " (%lld, 's4', 'Idle', 'Established');"
	    /* Only after the window: not listed. */
	    "INSERT INTO session_state (time_ms, session, old_state, state)"
	    " VALUES (%lld, 's5', NULL, 'Established');",
	    T(-10), T(0), T(45),
	    T(15),
	    T(-30), T(-20), T(-15), T(30), T(40), T(60), T(70),
	    T(-60), T(0), T(30),
	    T(61));
	return (sql);
}

static void
test_sessions(void **state)
{
	const struct report_track	*t;
	struct report			*r;
	char				*sql, *path;

	sql = sessions_sql();
	path = history("sessions.db", sql);
	r = run(path, T0, T(60));
	assert_int_equal(r->nsessions, 4);

	t = track(r->sessions, r->nsessions, "s1");
	assert_int_equal(report_state_ms(t, "Established"), 45 * MIN);
	assert_int_equal(report_state_ms(t, "Idle"), 15 * MIN);
	assert_int_equal(t->nodata_ms, 0);
	assert_int_equal(t->flaps, 1);
	assert_true(report_availability(r, t) == 75.0);
	assert_true(report_coverage(r, t) == 100.0);

	/* No data before 10:15: up all the time seen, 75% of it seen. */
	t = track(r->sessions, r->nsessions, "s2");
	assert_int_equal(t->nodata_ms, 15 * MIN);
	assert_int_equal(report_state_ms(t, "Established"), 45 * MIN);
	assert_int_equal(report_state_ms(t, "Unknown"), 0);
	assert_int_equal(t->flaps, 0);
	assert_true(report_availability(r, t) == 100.0);
	assert_true(report_coverage(r, t) == 75.0);

	t = track(r->sessions, r->nsessions, "s3");
	assert_int_equal(t->flaps, 1);
	assert_int_equal(report_state_ms(t, "Established"), 50 * MIN);
	assert_int_equal(report_state_ms(t, "Active"), 10 * MIN);
	assert_int_equal(report_state_ms(t, "Idle"), 0);
	assert_int_equal(report_state_ms(t, "Connect"), 0);
	assert_int_equal(t->nodata_ms, 0);

	t = track(r->sessions, r->nsessions, "s4");
	assert_int_equal(t->flaps, 1);
	assert_int_equal(report_state_ms(t, "Established"), 30 * MIN);
	assert_int_equal(report_state_ms(t, "Idle"), 30 * MIN);
	assert_true(report_availability(r, t) == 50.0);

	/* A window that ends before s3's flap at 10:30 has none. */
	store_report_free(r);
	r = run(path, T0, T(30));
	t = track(r->sessions, r->nsessions, "s3");
	assert_int_equal(t->flaps, 0);
	assert_int_equal(report_state_ms(t, "Established"), 30 * MIN);
	t = track(r->sessions, r->nsessions, "s1");
	assert_true(report_availability(r, t) == 100.0);

	store_report_free(r);
	free(path);
	free(sql);
}

/*
 * A monitoring outage is not a session's (issue 11): c1 up throughout
 * but its collector lost 10:20-10:30 and from 10:50 on (a router closing
 * its BMP connection at the end of a capture); c2 up, its collector
 * lost at 10:10, Idle when seen again at 10:20 (it went down meanwhile:
 * a flap), up from 10:40; c3 Unknown across since after Established
 * before it, then Active inside; q1 REDUNDANT with its sessions' source
 * lost 10:20-10:30.
 */
static void
test_outage(void **state)
{
	const struct report_track	*t;
	struct report			*r;
	char				*sql, *path;

	xasprintf(&sql,
	    "INSERT INTO session_state (time_ms, session, old_state, state)"
	    " VALUES (%lld, 'c1', NULL, 'Established'),"
	    " (%lld, 'c1', 'Established', 'Unknown'),"
	    " (%lld, 'c1', 'Unknown', 'Established'),"
	    " (%lld, 'c1', 'Established', 'Unknown'),"
	    " (%lld, 'c2', NULL, 'Established'),"
	    " (%lld, 'c2', 'Established', 'Unknown'),"
	    " (%lld, 'c2', 'Unknown', 'Idle'),"
	    " (%lld, 'c2', 'Idle', 'Established'),"
	    " (%lld, 'c3', NULL, 'Established'),"
	    " (%lld, 'c3', 'Established', 'Unknown'),"
	    " (%lld, 'c3', 'Unknown', 'Active');"
	    "INSERT INTO redundancy_state (time_ms, partner, old_state, state)"
	    " VALUES (%lld, 'q1', NULL, 'REDUNDANT'),"
	    " (%lld, 'q1', 'REDUNDANT', 'UNKNOWN'),"
	    " (%lld, 'q1', 'UNKNOWN', 'REDUNDANT');",
	    T(-10), T(20), T(30), T(50),
	    T(-10), T(10), T(20), T(40),
	    T(-20), T(-5), T(5),
	    T(-10), T(20), T(30));
	path = history("outage.db", sql);
	free(sql);
	r = run(path, T0, T(60));

	t = track(r->sessions, r->nsessions, "c1");
	assert_int_equal(t->flaps, 0);
	assert_int_equal(report_state_ms(t, "Established"), 40 * MIN);
	assert_int_equal(report_state_ms(t, "Unknown"), 20 * MIN);
	assert_int_equal(t->nodata_ms, 0);
	assert_true(report_availability(r, t) == 100.0);
	assert_true(report_coverage(r, t) > 66.66 &&
	    report_coverage(r, t) < 66.67);

	t = track(r->sessions, r->nsessions, "c2");
	assert_int_equal(t->flaps, 1);
	assert_int_equal(report_state_ms(t, "Established"), 30 * MIN);
	assert_int_equal(report_state_ms(t, "Idle"), 20 * MIN);
	assert_true(report_availability(r, t) == 60.0);

	/* The last known state before since counts: Established. */
	t = track(r->sessions, r->nsessions, "c3");
	assert_int_equal(t->flaps, 1);
	assert_true(report_availability(r, t) == 0.0);
	assert_true(report_coverage(r, t) > 91.66 &&
	    report_coverage(r, t) < 91.67);

	t = track(r->partners, r->npartners, "q1");
	assert_int_equal(t->flaps, 0);

	printed(r, "csv", "\nsession,c1,100.000,66.667,0,2400.000,"
	    "0.000\n");
	printed(r, "json", "{\"session\":\"c1\",\"availability_pct\":"
	    "100.000,\"coverage_pct\":66.667,\"flaps\":0,");
	printed(r, "text", "\nc1        100.00    66.67     0      "
	    "40m00s       0s  Unknown 20m00s\n");

	/*
	 * A window inside the outage: nothing seen, so availability is
	 * undefined (null, an empty field, "-"); the coverage is a real 0.
	 */
	store_report_free(r);
	r = run(path, T(50), T(60));
	t = track(r->sessions, r->nsessions, "c1");
	assert_true(report_availability(r, t) == -1);
	assert_true(report_coverage(r, t) == 0.0);
	assert_int_equal(t->flaps, 0);
	printed(r, "json", "{\"session\":\"c1\",\"availability_pct\":null,"
	    "\"coverage_pct\":0.000,\"flaps\":0,");
	printed(r, "csv", "\nsession,c1,,0.000,0,0.000,0.000\n");
	printed(r, "text", "\nc1             -     0.00     0          "
	    "0s       0s  Unknown 10m00s\n");
	store_report_free(r);
	free(path);
}

static void
test_redundancy(void **state)
{
	const struct report_track	*t;
	struct report			*r;
	char				*sql, *path;

	xasprintf(&sql,
	    "INSERT INTO redundancy_state (time_ms, partner, old_state, state)"
	    " VALUES (%lld, 'p1', NULL, 'REDUNDANT'),"
	    " (%lld, 'p1', 'REDUNDANT', 'DEGRADED'),"
	    " (%lld, 'p1', 'DEGRADED', 'DOWN'),"
	    " (%lld, 'p1', 'DOWN', 'NO-BACKUP'),"
	    " (%lld, 'p1', 'NO-BACKUP', 'REDUNDANT'),"
	    " (%lld, 'p2', NULL, 'UNKNOWN'),"
	    " (%lld, 'p2', 'UNKNOWN', 'REDUNDANT');",
	    T(-60), T(10), T(20), T(25), T(40), T(30), T(50));
	path = history("redundancy.db", sql);
	r = run(path, T0, T(60));
	assert_int_equal(r->npartners, 2);
	t = track(r->partners, r->npartners, "p1");
	assert_int_equal(report_state_ms(t, "REDUNDANT"), 30 * MIN);
	assert_int_equal(report_state_ms(t, "DEGRADED"), 10 * MIN);
	assert_int_equal(report_state_ms(t, "DOWN"), 5 * MIN);
	assert_int_equal(report_state_ms(t, "NO-BACKUP"), 15 * MIN);
	assert_int_equal(report_state_ms(t, "UNKNOWN"), 0);
	assert_int_equal(t->nodata_ms, 0);
	t = track(r->partners, r->npartners, "p2");
	assert_int_equal(t->nodata_ms, 30 * MIN);
	assert_int_equal(report_state_ms(t, "UNKNOWN"), 20 * MIN);
	assert_int_equal(report_state_ms(t, "REDUNDANT"), 10 * MIN);
	store_report_free(r);
	free(path);
	free(sql);
}

static void
test_latency(void **state)
{
	const struct report_lat	*l;
	struct report		*r;
	char			*sql, *more, *path;
	int			 i;

	/* 1..19 ms and one loss inside; one before, one at until. */
	xasprintf(&sql, V3_TABLES "INSERT INTO latency_sample (time_ms,"
	    " branch, edge, target, source, rtt_us) VALUES (%lld, 'hq', 'sea',"
	    " '192.0.2.10', 'probe', 900000), (%lld, 'hq', 'sea',"
	    " '192.0.2.10', 'probe', NULL), (%lld, 'hq', 'sea', '192.0.2.10',"
	    " 'probe', 900000)", T0 - 1, T0 + 20 * 1000, T(60));
	for (i = 1; i <= 19; i++) {
		xasprintf(&more, "%s, (%lld, 'hq', 'sea', '192.0.2.10',"
		    " 'probe', %d)", sql, T0 + i * 1000LL, (20 - i) * 1000);
		free(sql);
		sql = more;
	}
	/*
	 * Two more series interleaved with it, one sorting before, one
	 * after: each sample to its own series, in one pass.
	 */
	for (i = 0; i < 4; i++) {
		xasprintf(&more, "%s, (%lld, 'hq', 'ams', '192.0.2.30', 'probe',"
		    " %d), (%lld, 'hq', 'sea', '192.0.2.11', 'probe', %s)", sql,
		    T0 + i * 1000LL + 500, 5000 + i * 1000,
		    T0 + i * 1000LL + 700, i == 3 ? "NULL" : "7000");
		free(sql);
		sql = more;
	}
	/* Rolled up as the writer does, nothing pruned. */
	xasprintf(&more, "%s;" ROLLUP_SQL, sql, 0LL, 0LL);
	free(sql);
	sql = more;
	path = history("latency.db", sql);
	r = run(path, T0, T(60));
	assert_int_equal(r->nlat, 3);

	l = &r->lat[0];
	assert_string_equal(l->edge, "ams");
	assert_int_equal(l->sent, 4);
	assert_true(l->median_us == 6500.0);	/* 5, 6, 7, 8 ms */
	assert_int_equal(l->p95_us, 8000);
	l = &r->lat[2];
	assert_string_equal(l->target, "192.0.2.11");
	assert_int_equal(l->sent, 4);
	assert_int_equal(l->received, 3);
	assert_true(l->median_us == 7000.0);

	l = &r->lat[1];
	assert_string_equal(l->branch, "hq");
	assert_string_equal(l->edge, "sea");
	assert_string_equal(l->target, "192.0.2.10");
	assert_int_equal(l->exact, 1);
	assert_int_equal(l->from, REPORT_SAMPLES);
	assert_int_equal(l->sent, 20);
	assert_int_equal(l->received, 19);
	assert_true(l->loss_pct == 5.0);
	assert_true(l->median_us == 10000.0);
	assert_true(l->mean_us == 10000.0);
	assert_int_equal(l->p95_us, 19000);	/* ceil(0.95 * 19) = 19th */

	more = output(r, "csv");
	assert_non_null(strstr(more, "\nlatency,hq,sea,192.0.2.10,samples,"
	    "20,19,5.000,10.000,10.000,19.000\n"));
	free(more);
	more = output(r, "json");
	assert_non_null(strstr(more, "{\"branch\":\"hq\",\"edge\":\"sea\","
	    "\"target\":\"192.0.2.10\",\"from\":\"samples\",\"sent\":20,"
	    "\"received\":19,\"loss_pct\":5.000,\"median_ms\":10.000,"
	    "\"mean_ms\":10.000,\"p95_ms\":19.000}"));
	free(more);
	store_report_free(r);

	/* From before the first sample: nothing pruned, still exact. */
	r = run(path, T(-60), T(60));
	assert_int_equal(r->nlat, 3);
	assert_int_equal(r->lat[1].exact, 1);
	assert_int_equal(r->lat[1].sent, 21);
	store_report_free(r);
	free(path);
	free(sql);
}

/* One series' figures, asserted in a line. */
static void
lat_is(const struct report *r, int exact, enum report_from from,
    int64_t sent, int64_t received, double mean_us)
{
	const struct report_lat	*l;

	assert_int_equal(r->nlat, 1);
	l = &r->lat[0];
	assert_int_equal(l->exact, exact);
	assert_int_equal(l->from, from);
	assert_int_equal(l->sent, sent);
	assert_int_equal(l->received, received);
	assert_true(l->loss_pct == 100.0 * (double)(sent - received) /
	    (double)sent);
	assert_true(fabs(l->mean_us - mean_us) < 1e-6);
}

/*
 * The roll-up chain.  A probe every 10 s from 08:00 to 10:20: 10 ms from
 * 08:00, 20 ms from 09:00 with the one at each whole minute lost, 30 ms
 * from 10:00, 40 ms from 10:10 with 10:15:00 lost; rolled up into
 * minutes and hours, then samples before 10:10 and minutes before 10:00
 * pruned.  Each window's sums count every probe once: from the hours
 * before 10:00, the minutes from 10:00, the samples from 10:10.
 */
static void
test_rollup(void **state)
{
	struct report	*r;
	char		*sql, *path, *out;

	xasprintf(&sql, V3_TABLES "WITH RECURSIVE t(ms) AS (SELECT %lld"
	    " UNION ALL SELECT ms + 10000 FROM t WHERE ms + 10000 < %lld)"
	    " INSERT INTO latency_sample (time_ms, branch, edge, target,"
	    " source, rtt_us) SELECT ms, 'hq', 'sea', '192.0.2.10', 'probe',"
	    " CASE WHEN ms < %lld THEN 10000"
	    " WHEN ms < %lld THEN CASE WHEN ms %% 60000 = 0 THEN NULL"
	    "  ELSE 20000 END"
	    " WHEN ms < %lld THEN 30000 WHEN ms = %lld THEN NULL"
	    " ELSE 40000 END FROM t;" ROLLUP_SQL,
	    H(-2), T(20), H(-1), T0, T(10), T(15), T(10), T0);
	path = history("rollup.db", sql);
	free(sql);

	/* All of it: hours 08 and 09, minutes 10:00-10:20. */
	r = run(path, H(-2), T(20));
	lat_is(r, 0, REPORT_HOURS, 360 + 360 + 60 + 60, 360 + 300 + 60 + 59,
	    (360 * 10000.0 + 300 * 20000.0 + 60 * 30000.0 + 59 * 40000.0) /
	    779);
	out = output(r, "csv");
	assert_non_null(strstr(out, "\nlatency,hq,sea,192.0.2.10,hours,840,"
	    "779,7.262,,17.664,\n"));
	free(out);
	out = output(r, "text");
	assert_non_null(strstr(out, "hours and minutes (mean, not median)"));
	free(out);
	store_report_free(r);

	/*
	 * 09:30 to 10:15:05: the hour of 09:30 whole (its minutes are
	 * gone), minutes 10:00-10:15, the sample at 10:15:00 (lost).
	 */
	r = run(path, T(-30), T(15) + 5000);
	lat_is(r, 0, REPORT_HOURS, 360 + 90 + 1, 300 + 90,
	    (300 * 20000.0 + 60 * 30000.0 + 30 * 40000.0) / 390);
	store_report_free(r);

	/* 10:05 to 10:20: minutes only, from 10:05. */
	r = run(path, T(5), T(20));
	lat_is(r, 0, REPORT_MINUTES, 90, 89,
	    (30 * 30000.0 + 59 * 40000.0) / 89);
	store_report_free(r);

	/* From 10:10 the samples cover the window: exact. */
	r = run(path, T(10), T(20));
	lat_is(r, 1, REPORT_SAMPLES, 60, 59, 40000.0);
	assert_true(r->lat[0].median_us == 40000.0);
	assert_int_equal(r->lat[0].p95_us, 40000);
	store_report_free(r);

	/* 10:12:30 to 10:14:30: samples, whole minutes or not. */
	r = run(path, T(12) + 30000, T(14) + 30000);
	lat_is(r, 1, REPORT_SAMPLES, 12, 12, 40000.0);
	store_report_free(r);

	/* 08:30 to 09:30: two hour rows, the hours' ends rounded out. */
	r = run(path, T(-90), T(-30));
	lat_is(r, 0, REPORT_HOURS, 720, 660,
	    (360 * 10000.0 + 300 * 20000.0) / 660);
	store_report_free(r);
	free(path);

	/*
	 * Minutes kept less long than samples: samples from 08:30, minutes
	 * from 10:00.  08:00 to 09:30:30 is the hour of 08:00, then the
	 * samples of 09:00-09:30:30 (183, the 31 at whole minutes lost),
	 * not the minutes that are gone.
	 */
	xasprintf(&sql, V3_TABLES "WITH RECURSIVE t(ms) AS (SELECT %lld"
	    " UNION ALL SELECT ms + 10000 FROM t WHERE ms + 10000 < %lld)"
	    " INSERT INTO latency_sample (time_ms, branch, edge, target,"
	    " source, rtt_us) SELECT ms, 'hq', 'sea', '192.0.2.10', 'probe',"
	    " CASE WHEN ms < %lld THEN 10000"
	    " WHEN ms %% 60000 = 0 THEN NULL ELSE 20000 END FROM t;"
	    ROLLUP_SQL, H(-2), T(20), H(-1), T(-90), T0);
	path = history("rollup-minutes.db", sql);
	free(sql);
	r = run(path, H(-2), T(-30) + 30000);
	lat_is(r, 0, REPORT_HOURS, 360 + 183, 360 + 152,
	    (360 * 10000.0 + 152 * 20000.0) / 512);
	store_report_free(r);
	free(path);
}

/*
 * 203.0.113.0/24 on both primaries from before the window, only on the
 * backup from 10:30, on nothing from 10:50: 50% on primaries, 20 minutes
 * on the backup, 10 on none.  198.51.100.0/24 first seen at 10:15, on one
 * of two primaries and the backup.  Rows at until are outside.  On a
 * primary, on a backup only, on none and no data part the window: the
 * row adds up to 100%.
 */
static void
test_prefixes(void **state)
{
	const struct report_prefix	*p;
	struct report			*r;
	char				*sql, *path, *out;

	xasprintf(&sql, V3_TABLES "INSERT INTO prefix_state (time_ms,"
	    " branch, prefix, origin, flags, primary_up, primary_total,"
	    " backup_up, backup_total) VALUES"
	    " (%lld, 'hq', '203.0.113.0/24', 64500, 0, 2, 2, 0, 1),"
	    " (%lld, 'hq', '203.0.113.0/24', 64500, 2048, 0, 2, 1, 1),"
	    " (%lld, 'hq', '203.0.113.0/24', 64500, 1, 0, 2, 0, 1),"
	    " (%lld, 'hq', '203.0.113.0/24', 64500, 0, 2, 2, 1, 1),"
	    " (%lld, 'hq', '198.51.100.0/24', 64500, 2048, 1, 2, 1, 1);",
	    T(-10), T(30), T(50), T(60), T(15));
	path = history("prefixes.db", sql);
	free(sql);
	r = run(path, T0, T(60));
	assert_int_equal(r->nprefixes, 2);

	p = &r->prefixes[0];		/* ordered by branch and prefix */
	assert_string_equal(p->prefix, "198.51.100.0/24");
	assert_int_equal(p->nodata_ms, 15 * MIN);
	assert_int_equal(p->primary_ms, 45 * MIN);
	assert_int_equal(p->all_primary_ms, 0);
	assert_int_equal(p->backup_ms, 45 * MIN);
	assert_int_equal(p->all_backup_ms, 45 * MIN);
	assert_int_equal(p->backup_only_ms, 0);
	assert_int_equal(p->none_ms, 0);
	assert_int_equal(p->changes, 1);
	assert_int_equal(p->primary_ms + p->backup_only_ms + p->none_ms +
	    p->nodata_ms, 60 * MIN);

	p = &r->prefixes[1];
	assert_string_equal(p->branch, "hq");
	assert_string_equal(p->prefix, "203.0.113.0/24");
	assert_int_equal(p->primary_ms, 30 * MIN);
	assert_int_equal(p->all_primary_ms, 30 * MIN);
	assert_int_equal(p->backup_ms, 20 * MIN);
	assert_int_equal(p->all_backup_ms, 20 * MIN);
	assert_int_equal(p->backup_only_ms, 20 * MIN);
	assert_int_equal(p->none_ms, 10 * MIN);
	assert_int_equal(p->nodata_ms, 0);
	assert_int_equal(p->changes, 2);
	assert_int_equal(p->primary_ms + p->backup_only_ms + p->none_ms +
	    p->nodata_ms, 60 * MIN);

	out = output(r, "text");
	assert_non_null(strstr(out, "\nBRANCH PREFIX          PRIMARY%  "
	    "BACKUP% ALL-PRI% ALL-BAK% BAK-ONLY%    NONE% NO-DATA% CHANGES\n"));
	assert_non_null(strstr(out, "\nhq     203.0.113.0/24     50.00    "
	    "33.33    50.00    33.33     33.33    16.67     0.00       2\n"));
	free(out);
	out = output(r, "csv");
	assert_non_null(strstr(out, "\nsection,branch,prefix,primary_pct,"
	    "backup_pct,primary_s,backup_s,all_primary_s,all_backup_s,"
	    "backup_only_s,none_s,no_data_s,changes\n"));
	assert_non_null(strstr(out, "\nprefix,hq,203.0.113.0/24,50.000,"
	    "33.333,1800.000,1200.000,1800.000,1200.000,1200.000,600.000,"
	    "0.000,2\n"));
	free(out);
	out = output(r, "json");
	assert_non_null(strstr(out, "\"prefixes\":[{\"branch\":\"hq\","
	    "\"prefix\":\"198.51.100.0/24\",\"primary_pct\":75.000,"
	    "\"backup_pct\":75.000,\"primary_s\":2700.000,"
	    "\"backup_s\":2700.000,\"all_primary_s\":0.000,"
	    "\"all_backup_s\":2700.000,\"backup_only_s\":0.000,"
	    "\"none_s\":0.000,\"no_data_s\":900.000,\"changes\":1}"));
	free(out);
	store_report_free(r);

	/* At since the state is the last row at or before it. */
	r = run(path, T(30), T(60));
	p = &r->prefixes[1];
	assert_int_equal(p->primary_ms, 0);
	assert_int_equal(p->backup_ms, 20 * MIN);
	assert_int_equal(p->changes, 2);	/* the row at since counts */
	store_report_free(r);
	free(path);
}

/*
 * hq routed through sea from before the window, through lax with
 * SuboptimalRouting raised from 10:20, unknown from 10:40; b2 first seen
 * at 10:10, through sea and suboptimal.
 */
static void
test_routes(void **state)
{
	const struct report_track	*t;
	struct report			*r;
	char				*sql, *path, *out;

	xasprintf(&sql, V3_TABLES "INSERT INTO branch_route (time_ms,"
	    " branch, routed_edge, suboptimal) VALUES"
	    " (%lld, 'hq', 'sea', 0), (%lld, 'hq', 'lax', 1),"
	    " (%lld, 'hq', NULL, 0), (%lld, 'b2', 'sea', 1),"
	    " (%lld, 'b2', 'lax', 0);", T(-5), T(20), T(40), T(10), T(60));
	path = history("routes.db", sql);
	free(sql);
	r = run(path, T0, T(60));
	assert_int_equal(r->nroutes, 2);
	t = track(r->routes, r->nroutes, "hq");
	assert_int_equal(report_state_ms(t, "sea"), 20 * MIN);
	assert_int_equal(report_state_ms(t, "lax"), 20 * MIN);
	assert_int_equal(report_state_ms(t, "unknown"), 20 * MIN);
	assert_int_equal(t->flag_ms, 20 * MIN);
	assert_int_equal(t->nodata_ms, 0);
	t = track(r->routes, r->nroutes, "b2");
	assert_int_equal(t->nodata_ms, 10 * MIN);
	assert_int_equal(report_state_ms(t, "sea"), 50 * MIN);
	assert_int_equal(report_state_ms(t, "lax"), 0);
	assert_int_equal(t->flag_ms, 50 * MIN);

	out = output(r, "csv");
	assert_non_null(strstr(out, "\nroute,b2,3000.000,600.000\n"));
	assert_non_null(strstr(out, "\nroute_edge,hq,unknown,1200.000\n"));
	free(out);
	out = output(r, "json");
	assert_non_null(strstr(out, "{\"branch\":\"hq\",\"suboptimal_s\":"
	    "1200.000,\"no_data_s\":0.000,\"edges_s\":{\"sea\":1200.000,"
	    "\"lax\":1200.000,\"unknown\":1200.000}}"));
	free(out);
	out = output(r, "text");
	assert_non_null(strstr(out, "\nhq         20m00s       0s  sea 20m00s "
	    "lax 20m00s unknown 20m00s\n"));
	free(out);
	store_report_free(r);
	free(path);
}

/*
 * Runs: one from 09:00 to 10:20, one from 10:30 (its last heartbeat
 * 10:50), one after the window.  In 10:00-11:00 two runs and 20 minutes
 * without one (10:20-10:30, 10:50-11:00); before the first run's start
 * nothing is known.
 */
static void
test_runs(void **state)
{
	struct report	*r;
	char		*sql, *path, *out;

	xasprintf(&sql, V3_TABLES "INSERT INTO run (start_ms, last_ms,"
	    " version) VALUES (%lld, %lld, '0.1.0'), (%lld, %lld, '0.1.0'),"
	    " (%lld, %lld, '0.1.0');", T(-60), T(20), T(30), T(50), T(70),
	    T(80));
	path = history("runs.db", sql);
	free(sql);
	r = run(path, T0, T(60));
	assert_int_equal(r->nruns, 2);
	assert_int_equal(r->unrecorded_ms, 20 * MIN);
	out = output(r, "text");
	assert_non_null(strstr(out, "\nRuns    2, 20m00s without recording\n"));
	free(out);
	out = output(r, "json");
	assert_non_null(strstr(out, ",\"runs\":2,\"unrecorded_s\":1200.000,"));
	free(out);
	store_report_free(r);

	/* From 08:00: the hour before the first run is not counted. */
	r = run(path, H(-2), T(60));
	assert_int_equal(r->unrecorded_ms, 20 * MIN);
	store_report_free(r);
	r = run(path, H(-3), H(-1));
	assert_int_equal(r->unrecorded_ms, -1);
	assert_int_equal(r->nruns, 0);
	out = output(r, "csv");
	assert_non_null(strstr(out, ",7200.000,,,0\n"));
	free(out);
	store_report_free(r);
	free(path);
}

/*
 * A probe every 10 s from from to 10:26:50, rolled up; with a run from
 * from to its heartbeat at 10:27 or not, samples before prune pruned.
 */
static char *
window_history(const char *name, int64_t from, int withrun, int64_t prune)
{
	char	*sql, *runsql = NULL, *path;

	if (withrun)
		xasprintf(&runsql, "INSERT INTO run (start_ms, last_ms,"
		    " version) VALUES (%lld, %lld, '0.1.0');", (long long)from,
		    T(27));
	xasprintf(&sql, V3_TABLES "%s WITH RECURSIVE t(ms) AS (SELECT %lld"
	    " UNION ALL SELECT ms + 10000 FROM t WHERE ms + 10000 < %lld)"
	    " INSERT INTO latency_sample (time_ms, branch, edge, target,"
	    " source, rtt_us) SELECT ms, 'hq', 'sea', '192.0.2.10', 'probe',"
	    " 10000 FROM t;" ROLLUP_SQL, runsql != NULL ? runsql : "",
	    (long long)from, T(27), (long long)prune, T0);
	path = history(name, sql);
	free(runsql);
	free(sql);
	return (path);
}

/*
 * The file's newest time, the default window's end, is that of its
 * newest row, not the end of the roll-up minute or hour that row is in:
 * the writer keeps the current hour's row up to date as samples come, so
 * a live history's hour row ends in the future (a report at 10:27 said
 * "10:00 - 11:00" and counted the 33 minutes to come as unrecorded).
 * A run from 10:00, a probe every 10 s to 10:26:50, the heartbeat at
 * 10:27, every minute and hour rolled up, nothing pruned.
 */
static void
test_window(void **state)
{
	struct report	*r;
	char		*sql, *path, *cause;
	int64_t		 hour, before, after;

	(void)state;
	path = window_history("window.db", T0, 1, T0);
	r = run(path, T0, T(27));
	assert_int_equal(r->newest_ms, T(27));
	assert_int_equal(r->oldest_ms, T0);
	assert_int_equal(r->unrecorded_ms, 0);
	printed(r, "text", "\nRuns    1, 0s without recording\n");
	store_report_free(r);
	free(path);

	/* Without the run: the newest sample, 10:26:50. */
	path = window_history("window-norun.db", T0, 0, T0);
	r = run(path, T0, T(27));
	assert_int_equal(r->newest_ms, T(27) - 10000);
	store_report_free(r);
	free(path);

	/*
	 * The run and the probes from 10:21:38: the file
	 * begins with the run, not with the hour or minute rows' round
	 * 10:00 or 10:21 (the report said 21m38s of no data before it).
	 */
	path = window_history("window-late.db", T(21) + 38000, 1, T0);
	r = run(path, T(21) + 38000, T(27));
	assert_int_equal(r->oldest_ms, T(21) + 38000);
	assert_int_equal(r->newest_ms, T(27));
	store_report_free(r);
	free(path);

	/*
	 * Only roll-ups left (their samples pruned): the newest minute's
	 * end is the newest time, as before.
	 */
	path = window_history("window-pruned.db", T0, 0, H(1));
	r = run(path, T0, T(27));
	assert_int_equal(r->newest_ms, T(27));
	store_report_free(r);
	free(path);

	/*
	 * Only the current hour's row, being filled: its end is in the
	 * future, so now is the newest time.
	 */
	before = now_wall_ms();
	hour = before - before % (3600 * 1000);
	xasprintf(&sql, V3_TABLES "INSERT INTO latency_hour VALUES (%lld,"
	    " 'hq', 'sea', '192.0.2.10', 1, 1, 10000, 10000, 10000,"
	    " 100000000);", (long long)hour);
	path = history("window-live.db", sql);
	free(sql);
	if ((r = store_report_open(path, &cause)) == NULL)
		fail_msg("store_report_open: %s", cause);
	after = now_wall_ms();
	assert_true(r->newest_ms >= before && r->newest_ms <= after);
	assert_int_equal(r->oldest_ms, hour);
	store_report_free(r);
	free(path);
}

/*
 * A monitoring outage between runs is no data (issue 11).  Run A from
 * 09:00 to 10:20, run B from 10:30 to its last heartbeat at 10:40 (it
 * crashed: nothing else marks its end), run C from 10:35 to 10:50,
 * overlapping it (no gap at 10:40), then none: 10:20-10:30 and from
 * 10:50 on nobody recorded.  peertop writes no row when it stops and
 * the next run writes Unknown -> X when it sees X again.  g1 Established
 * across the gap, seen again at 10:30: up all the time seen, 40 minutes
 * of the hour.  g2 Idle when seen again (down meanwhile: a flap), up
 * from 10:35.  g3 never seen by B or C: its state ends with A.  g4
 * first seen at 10:36 by B, held past B's crash by C.  q1, a prefix
 * and a branch likewise.
 */
static void
test_gaps(void **state)
{
	const struct report_track	*t;
	struct report			*r;
	char				*sql, *path, *out;

	xasprintf(&sql, V3_TABLES "INSERT INTO run (start_ms, last_ms,"
	    " version) VALUES (%lld, %lld, '0.1.0'), (%lld, %lld, '0.1.0'),"
	    " (%lld, %lld, '0.1.0');"
	    "INSERT INTO session_state (time_ms, session, old_state, state)"
	    " VALUES (%lld, 'g1', 'Unknown', 'Established'),"
	    " (%lld, 'g1', 'Unknown', 'Established'),"
	    " (%lld, 'g2', 'Unknown', 'Established'),"
	    " (%lld, 'g2', 'Unknown', 'Idle'),"
	    " (%lld, 'g2', 'Idle', 'Established'),"
	    " (%lld, 'g3', 'Unknown', 'Established'),"
	    " (%lld, 'g4', 'Unknown', 'Established');"
	    "INSERT INTO redundancy_state (time_ms, partner, old_state, state)"
	    " VALUES (%lld, 'q1', 'UNKNOWN', 'REDUNDANT'),"
	    " (%lld, 'q1', 'UNKNOWN', 'REDUNDANT');"
	    "INSERT INTO prefix_state (time_ms, branch, prefix, origin, flags,"
	    " primary_up, primary_total, backup_up, backup_total) VALUES"
	    " (%lld, 'hq', '203.0.113.0/24', 64500, 0, 1, 1, 1, 1);"
	    "INSERT INTO branch_route (time_ms, branch, routed_edge,"
	    " suboptimal) VALUES (%lld, 'hq', 'sea', 1),"
	    " (%lld, 'hq', 'sea', 1);",
	    T(-60), T(20), T(30), T(40), T(35), T(50),
	    T(-10), T(30),
	    T(-10), T(30), T(35),
	    T(-10),
	    T(36),
	    T(-10), T(30),
	    T(-10),
	    T(-10), T(30));
	path = history("gaps.db", sql);
	free(sql);
	r = run(path, T0, T(60));
	assert_int_equal(r->nruns, 3);
	assert_int_equal(r->unrecorded_ms, 20 * MIN);

	t = track(r->sessions, r->nsessions, "g1");
	assert_int_equal(report_state_ms(t, "Established"), 40 * MIN);
	assert_int_equal(t->nodata_ms, 20 * MIN);
	assert_int_equal(t->flaps, 0);
	assert_true(report_availability(r, t) == 100.0);
	assert_true(report_coverage(r, t) > 66.66 &&
	    report_coverage(r, t) < 66.67);

	t = track(r->sessions, r->nsessions, "g2");
	assert_int_equal(t->flaps, 1);
	assert_int_equal(report_state_ms(t, "Established"), 35 * MIN);
	assert_int_equal(report_state_ms(t, "Idle"), 5 * MIN);
	assert_true(report_availability(r, t) == 87.5);

	t = track(r->sessions, r->nsessions, "g3");
	assert_int_equal(report_state_ms(t, "Established"), 20 * MIN);
	assert_int_equal(t->nodata_ms, 40 * MIN);
	assert_true(report_availability(r, t) == 100.0);

	/* C covers B's crash at 10:40: no gap there. */
	t = track(r->sessions, r->nsessions, "g4");
	assert_int_equal(report_state_ms(t, "Established"), 14 * MIN);
	assert_int_equal(t->nodata_ms, 46 * MIN);

	t = track(r->partners, r->npartners, "q1");
	assert_int_equal(report_state_ms(t, "REDUNDANT"), 40 * MIN);
	assert_int_equal(t->nodata_ms, 20 * MIN);
	assert_int_equal(t->flaps, 0);

	assert_int_equal(r->nprefixes, 1);
	assert_int_equal(r->prefixes[0].primary_ms, 20 * MIN);
	assert_int_equal(r->prefixes[0].nodata_ms, 40 * MIN);

	t = track(r->routes, r->nroutes, "hq");
	assert_int_equal(report_state_ms(t, "sea"), 40 * MIN);
	assert_int_equal(t->flag_ms, 40 * MIN);
	assert_int_equal(t->nodata_ms, 20 * MIN);

	printed(r, "csv", "\nsession,g1,100.000,66.667,0,2400.000,"
	    "1200.000\n");
	printed(r, "json", "{\"session\":\"g1\",\"availability_pct\":"
	    "100.000,\"coverage_pct\":66.667,\"flaps\":0,\"no_data_s\":"
	    "1200.000,");
	printed(r, "text", "\ng1        100.00    66.67     0      "
	    "40m00s   20m00s \n");
	store_report_free(r);

	/* A window starting inside the gap: the state before it is gone. */
	r = run(path, T(25), T(60));
	assert_int_equal(r->nruns, 2);
	assert_int_equal(r->unrecorded_ms, 15 * MIN);
	t = track(r->sessions, r->nsessions, "g1");
	assert_int_equal(report_state_ms(t, "Established"), 20 * MIN);
	assert_int_equal(t->nodata_ms, 15 * MIN);
	assert_int_equal(t->flaps, 0);
	t = track(r->sessions, r->nsessions, "g3");
	assert_int_equal(t->nodata_ms, 35 * MIN);
	assert_int_equal(t->nstates, 0);	/* not seen at all */
	assert_true(report_coverage(r, t) == 0.0);
	out = output(r, "text");
	assert_non_null(strstr(out, "\nRuns    2, 15m00s without recording\n"));
	free(out);
	store_report_free(r);

	/* Inside the gap after the last run: nothing seen. */
	r = run(path, T(50), T(60));
	assert_int_equal(r->nruns, 0);
	assert_int_equal(r->unrecorded_ms, 10 * MIN);
	t = track(r->sessions, r->nsessions, "g2");
	assert_true(report_coverage(r, t) == 0.0);
	store_report_free(r);
	free(path);
}

static void
test_events(void **state)
{
	const struct report_event	*e;
	struct report			*r;
	char				*sql, *path, *out;

	xasprintf(&sql, "INSERT INTO events (time_ms, type, level, subject)"
	    " VALUES (%lld, 'SessionDown', 'Error', 'session s1'),"
	    " (%lld, 'SessionDown', 'Error', 'session s1'),"
	    " (%lld, 'SessionUp', 'Information', 'session s1'),"
	    " (%lld, 'SessionDown', 'Error', 'session s1'),"
	    " (%lld, 'SessionDown', 'Warning', 'session s2'),"
	    " (%lld, 'SessionDown', 'Error', 'session s1');",
	    T(-60), T(5), T(30), T(45), T(50), T(60));
	path = history("events.db", sql);
	r = run(path, T0, T(60));
	assert_int_equal(r->nevents, 3);
	e = &r->events[0];
	assert_string_equal(e->type, "SessionDown");
	assert_string_equal(e->level, "Error");
	assert_int_equal(e->count, 2);
	assert_int_equal(e->first_ms, T(5));
	assert_int_equal(e->last_ms, T(45));
	e = &r->events[1];
	assert_string_equal(e->level, "Warning");
	assert_int_equal(e->count, 1);
	e = &r->events[2];
	assert_string_equal(e->type, "SessionUp");
	assert_int_equal(e->count, 1);
	assert_int_equal(e->first_ms, T(30));

	out = output(r, "json");
	assert_non_null(strstr(out, "\"events\":[{\"type\":\"SessionDown\","
	    "\"level\":\"Error\",\"count\":2,\"first\":\"2026-11-25T10:05:00Z\","
	    "\"last\":\"2026-11-25T10:45:00Z\"}"));
	free(out);
	out = output(r, "text");
	assert_non_null(strstr(out, "Window  2026-11-25 10:00:00 UTC - "
	    "2026-11-25 11:00:00 UTC (1h00m)\n"));
	free(out);

	/* The file's own span: the oldest and newest rows. */
	assert_int_equal(r->oldest_ms, T(-60));
	assert_int_equal(r->newest_ms, T(60));
	store_report_free(r);
	free(path);
	free(sql);

	/*
	 * People's times (--utc here) are 23 characters: FIRST widens to
	 * them, LAST starts in one column on every line, and the text
	 * leaves the milliseconds to JSON and CSV.
	 */
	xasprintf(&sql, "INSERT INTO events (time_ms, type, level, subject)"
	    " VALUES (%lld, 'SessionDown', 'Error', 'session s1'),"
	    " (%lld, 'SessionUp', 'Information', 'session s1'),"
	    " (%lld, 'SessionUp', 'Information', 'session s1');",
	    T(5) + 250, T(6), T(7) + 5);
	path = history("events-ms.db", sql);
	r = run(path, T0, T(60));
	printed(r, "text", "\nTYPE        LEVEL        COUNT  FIRST         "
	    "           LAST\n"
	    "SessionDown Error            1  2026-11-25 10:05:00 UTC  "
	    "2026-11-25 10:05:00 UTC\n"
	    "SessionUp   Information      2  2026-11-25 10:06:00 UTC  "
	    "2026-11-25 10:07:00 UTC\n");
	store_report_free(r);
	free(path);
	free(sql);
}

static void
test_output(void **state)
{
	struct report	*r;
	char		*sql, *path, *out;

	sql = sessions_sql();
	path = history("output.db", sql);
	r = run(path, T0, T(60));
	out = output(r, "csv");
	assert_non_null(strstr(out, "\nsection,session,availability_pct,"
	    "coverage_pct,flaps,established_s,no_data_s\n"
	    "session,s1,75.000,100.000,1,2700.000,0.000\n"
	    "session,s2,100.000,75.000,0,2700.000,900.000\n"));
	assert_non_null(strstr(out, "\nsession_state,s1,Idle,900.000\n"));
	free(out);
	out = output(r, "json");
	assert_non_null(strstr(out, "{\"session\":\"s2\",\"availability_pct\":"
	    "100.000,\"coverage_pct\":75.000,\"flaps\":0,\"no_data_s\":"
	    "900.000,\"states_s\":{\"Established\":2700.000}}"));
	free(out);
	out = output(r, "text");
	assert_non_null(strstr(out, "\nSESSION   AVAIL%   COVER% FLAPS "
	    "ESTABLISHED  NO DATA  OTHER STATES\n"));
	assert_non_null(strstr(out, "\ns1         75.00   100.00     1      "
	    "45m00s       0s  Idle 15m00s\n"));
	free(out);
	store_report_free(r);
	free(path);
	free(sql);
}

/*
 * Text columns by display width: "linköping-r1" is 12 columns in 13
 * bytes, and its figures line up with those of a short name.
 */
static void
test_output_width(void **state)
{
	struct report	*r;
	char		*sql, *path;

	(void)state;
	xasprintf(&sql, "INSERT INTO session_state (time_ms, session, "
	    "old_state, state) VALUES (%lld, 'linköping-r1', NULL, "
	    "'Established'), (%lld, 's1', NULL, 'Established');", T0, T0);
	path = history("width.db", sql);
	r = run(path, T0, T(60));
	printed(r, "text", "\nSESSION        AVAIL%   COVER% FLAPS");
	printed(r, "text", "\nlinköping-r1   100.00   100.00     0");
	printed(r, "text", "\ns1             100.00   100.00     0");
	store_report_free(r);
	free(path);
	free(sql);
}

/*
 * Names from the file reach CSV quoted (RFC 4180 2.6-2.7) and JSON
 * escaped, whole however long, and invalid UTF-8 as '?' in JSON.
 */
static void
test_output_quoting(void **state)
{
	struct report	*r;
	char		*sql, *path, *out, *want, lng[1501];

	(void)state;
	memset(lng, 'x', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	xasprintf(&sql, "INSERT INTO session_state (time_ms, session, "
	    "old_state, state) VALUES (%lld, 'a,\"b\"', NULL, 'Established'),"
	    " (%lld, '%s', NULL, 'Idle'), (%lld, 'k' || x'f6' || 'ln', NULL,"
	    " 'Idle');", T0, T0, lng, T0);
	path = history("quoting.db", sql);
	r = run(path, T0, T(60));
	out = output(r, "csv");
	assert_non_null(strstr(out, "\nsession,\"a,\"\"b\"\"\",100.000,"));
	xasprintf(&want, "\nsession,%s,0.000,", lng);
	assert_non_null(strstr(out, want));
	free(want);
	free(out);
	out = output(r, "json");
	assert_non_null(strstr(out, "{\"session\":\"a,\\\"b\\\"\","));
	xasprintf(&want, "{\"session\":\"%s\",", lng);
	assert_non_null(strstr(out, want));
	free(want);
	assert_non_null(strstr(out, "{\"session\":\"k?ln\","));
	free(out);
	store_report_free(r);
	free(path);
	free(sql);
}

/* The rows of sql on path, "a|b\n" each, allocated. */
static char *
rows(const char *path, const char *sql)
{
	return (test_sql_rows(path, sql, "", 1));
}

/* A copy of path without its latency blocks (VACUUM INTO). */
static char *
blockless(const char *path, const char *name)
{
	char	*copy = tpath(name), *sql;

	unlink(copy);
	xasprintf(&sql, "VACUUM INTO '%s'", copy);
	free(rows(path, sql));
	free(sql);
	free(rows(copy, "DELETE FROM latency_block"));
	return (copy);
}

/* The report of path and of ref over a window: the same latency. */
static void
same_latency(const char *path, const char *ref, int64_t since,
    int64_t until)
{
	struct report	*a = run(path, since, until), *b = run(ref, since,
			    until);
	size_t		 i;

	assert_int_equal(a->nlat, b->nlat);
	assert_true(a->nlat > 0);
	for (i = 0; i < a->nlat; i++) {
		assert_string_equal(a->lat[i].branch, b->lat[i].branch);
		assert_string_equal(a->lat[i].target, b->lat[i].target);
		assert_true(a->lat[i].exact && b->lat[i].exact);
		assert_int_equal(a->lat[i].sent, b->lat[i].sent);
		assert_int_equal(a->lat[i].received, b->lat[i].received);
		assert_true(a->lat[i].median_us == b->lat[i].median_us);
		assert_int_equal(a->lat[i].p95_us, b->lat[i].p95_us);
		assert_true(a->lat[i].mean_us == b->lat[i].mean_us);
		assert_true(a->lat[i].loss_pct == b->lat[i].loss_pct);
	}
	store_report_free(a);
	store_report_free(b);
}

/*
 * Latency blocks (schema 7): the writer's hours sealed into blocks give
 * the figures the samples give, whatever the window's edges; a late
 * sample makes its hour pending again, a damaged block is read from the
 * samples, and a sealed one is read (the samples under it gone, the
 * figures stay).  The codec refuses what it did not write.
 */
static void
test_latency_blocks(void **state)
{
	struct store	*s;
	char		*path = tpath("blocks.db"), *ref, *cause = NULL, *out;
	unsigned char	*blob;
	int32_t		 v[300], *got = NULL;
	size_t		 len, n = 0, cap = 0;
	int		 i;

	(void)state;
	/* The codec: a round trip, then what it refuses. */
	for (i = 0; i < 300; i++)
		v[i] = i == 7 ? INT32_MAX : (int32_t)((i * 7919) % 90001);
	blob = store_block_encode(v, 300, &len);
	assert_int_equal(store_block_decode(blob, len, 300, &got, &n, &cap), 0);
	assert_int_equal(n, 300);
	for (i = 1; i < 300; i++)
		assert_true(got[i - 1] <= got[i]);
	assert_int_equal(got[299], INT32_MAX);
	assert_int_equal(store_block_decode(blob, len, 299, &got, &n, &cap),
	    -1);
	assert_int_equal(store_block_decode(blob, len - 1, 300, &got, &n,
	    &cap), -1);
	assert_int_equal(n, 300);		/* nothing appended */
	free(blob);
	blob = xmalloc(8);
	memcpy(blob, "\x02\xff\xff\xff\xff\x07\x01\x00", 8); /* 2^31 - 1 + 1 */
	assert_int_equal(store_block_decode(blob, 7, 2, &got, &n, &cap), -1);
	assert_int_equal(store_block_decode(blob, 8, 2, &got, &n, &cap), -1);
	assert_int_equal(store_block_decode(NULL, 0, 0, &got, &n, &cap), -1);
	free(blob);
	free(got);

	/* Three series over 10:00-13:00 through the writer, losses too. */
	if ((s = store_open(path, 0, &cause)) == NULL)
		fail_msg("store_open: %s", cause);
	for (i = 0; i < 3 * 360; i++) {
		assert_int_equal(store_latency_sample(s, T0 + i * 10000LL, "hq",
		    "sea", "192.0.2.10", "probe", i % 17 == 0 ? -1 :
		    5000 + (i * 7919) % 3000), 0);
		assert_int_equal(store_latency_sample(s, T0 + i * 10000LL + 3,
		    "hq", "ams", "192.0.2.30", "probe",
		    20000 + (i * 104729) % 9000), 0);
		if (i % 3 == 0)
			assert_int_equal(store_latency_sample(s, T0 +
			    i * 10000LL + 5, "br", "lon", "t", "agent",
			    i % 2 ? 0 : 3000000), 0);
		if (i % 100 == 99)
			assert_int_equal(store_flush(s, NULL), 0);
	}
	assert_int_equal(store_flush(s, NULL), 0);
	assert_string_equal(out = rows(path, "SELECT count(*), count(rtts) "
	    "FROM latency_block"), "9|0\n");
	free(out);
	/* The hours over by 12:00, three series each; then none left. */
	assert_int_equal(store_block_seal(s, H(2), 4, &cause), 4);
	assert_int_equal(store_block_seal(s, H(2), 100, &cause), 2);
	assert_int_equal(store_block_seal(s, H(2), 100, &cause), 0);
	assert_null(cause);
	assert_string_equal(out = rows(path, "SELECT hour_ms = 1795608000000, "
	    "count(*) FROM latency_block WHERE rtts IS NULL"), "1|3\n");
	free(out);

	ref = blockless(path, "blocks-ref.db");
	same_latency(path, ref, T0, H(3));	/* whole hours, one pending */
	same_latency(path, ref, T(5) + 1234, H(2) + 17);	/* ragged */
	same_latency(path, ref, T0, H(2));
	free(ref);

	/* A late sample in sealed 10:00: pending again, still exact. */
	assert_int_equal(store_latency_sample(s, T(30) + 1, "hq", "sea",
	    "192.0.2.10", "agent", 1), 0);
	assert_int_equal(store_flush(s, NULL), 0);
	assert_string_equal(out = rows(path, "SELECT n, rtts IS NULL FROM "
	    "latency_block WHERE hour_ms = 1795600800000 AND edge = 'sea'"),
	    "0|1\n");
	free(out);
	ref = blockless(path, "blocks-ref2.db");
	same_latency(path, ref, T0, H(2));
	free(ref);
	assert_int_equal(store_block_seal(s, H(2), 100, &cause), 1);

	/* A damaged block: read from its samples. */
	free(rows(path, "UPDATE latency_block SET rtts = x'05ff' WHERE "
	    "hour_ms = 1795604400000 AND edge = 'ams'"));
	ref = blockless(path, "blocks-ref3.db");
	same_latency(path, ref, T0, H(2));

	/* Sealed blocks are what is read: the samples under them gone. */
	free(rows(path, "DELETE FROM latency_sample WHERE time_ms >= "
	    "1795600800000 AND time_ms < 1795604400000 AND edge != 'sea'"));
	same_latency(path, ref, T0, H(2));
	free(ref);
	store_close(s);
	free(path);
}

/* store_report_open() refuses path with exactly "<path>: what". */
static void
refused(const char *path, const char *what)
{
	char	*cause, *want;

	assert_null(store_report_open(path, &cause));
	xasprintf(&want, "%s: %s", path, what);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
}



static void
test_bad_files(void **state)
{
	char	*p, *sql, *buf, *what;
	size_t	 len;

	p = tpath("missing.db");
	refused(p, "No such file or directory");
	free(p);

	p = tpath("empty.db");
	spit(p, "", 0);
	refused(p, "empty file, not a peertop history");
	free(p);

	p = tpath("text.db");
	spit(p, "session,state\ns1,Established\n", 30);
	refused(p, "not an SQLite database");
	free(p);

	/* Whole pages missing, then a cut inside a page. */
	sql = sessions_sql();
	p = history("truncated.db", sql);
	free(sql);
	assert_non_null(buf = slurp(p, &len));
	assert_true(len > 4096);
	spit(p, buf, 4096);
	xasprintf(&what, "damaged SQLite database (truncated: 4096 of %zu "
	    "bytes)", len);
	refused(p, what);
	free(what);
	spit(p, buf, 1000);
	refused(p, "damaged SQLite database (truncated: 1000 bytes)");
	free(buf);
	free(p);

	p = history("newer.db", "PRAGMA user_version = 8");
	refused(p, "schema version 8 is newer than this peertop (7); use a "
	    "newer peertop");
	free(p);

	p = history("other.db", "PRAGMA application_id = 1234");
	refused(p, "an SQLite database of another program (application_id "
	    "0x000004d2), not a peertop history");
	free(p);

	p = tpath("");
	refused(p, "a directory, not a peertop history");
	free(p);
}

/* A version 1 history (no latency tables) is read; its bytes stay. */
static void
test_unchanged(void **state)
{
	struct report	*r;
	char		*sql, *more, *path, *before, *after, *out;
	size_t		 blen, alen;

	sql = sessions_sql();
	xasprintf(&more, "%s DROP TABLE latency_sample; DROP TABLE"
	    " latency_minute; DROP TABLE IF EXISTS latency_hour;"
	    " DROP TABLE IF EXISTS run; DROP TABLE IF EXISTS branch_route;"
	    " DROP TABLE IF EXISTS prefix_state; PRAGMA user_version = 1;",
	    sql);
	path = history("v1.db", more);
	assert_non_null(before = slurp(path, &blen));
	r = run(path, T0, T(60));
	assert_int_equal(r->version, 1);
	assert_int_equal(r->nsessions, 4);
	assert_int_equal(r->nlat, 0);
	/* No runs: a time without recording reads as the last state. */
	assert_int_equal(report_state_ms(&r->sessions[0], "Established"),
	    45 * MIN);
	out = output(r, "text");
	assert_non_null(strstr(out, "\nRuns    not recorded (schema 1): "));
	free(out);
	out = output(r, "json");
	free(out);
	store_report_free(r);
	assert_non_null(after = slurp(path, &alen));
	assert_int_equal(alen, blen);
	assert_memory_equal(before, after, blen);

	/* An empty window is refused. */
	{
		char	*cause;

		assert_non_null(r = store_report_open(path, &cause));
		assert_int_equal(store_report_run(r, T0, T0, &cause), -1);
		assert_non_null(strstr(cause, "empty window"));
		free(cause);
		store_report_free(r);
	}
	free(before);
	free(after);
	free(path);
	free(more);
	free(sql);
}

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return (remove(path));
}

static int
setup(void **state)
{
	log_set_quiet(1);	/* store_open()'s upgrade notes */
	return (mkdtemp(tmpdir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	return (nftw(tmpdir, rm_cb, 8, FTW_DEPTH | FTW_PHYS));
}

/*
 * Crafted times (issue 13): rows at INT64_MAX, INT64_MIN, -1, after
 * 9999-12-31 and a text time are left out of the span, of every figure
 * and of the runs, and counted; the window comes from the real rows.
 */
static void
test_crafted_times(void **state)
{
	struct report	*r;
	char		*sql, *path, *cause;

	(void)state;
	xasprintf(&sql, V3_TABLES
	    "INSERT INTO session_state (time_ms, session, old_state, state)"
	    " VALUES (%lld, 's1', 'Idle', 'Established'),"
	    " (%lld, 's1', 'Established', 'Idle'),"
	    " (9223372036854775807, 's1', 'Idle', 'Established'),"
	    " (-9223372036854775808, 's2', 'Idle', 'Established'),"
	    " (-1, 's1', 'Established', 'Idle'),"
	    " (253402300800000, 's1', 'Idle', 'Active');"
	    "INSERT INTO events (time_ms, type, level) VALUES"
	    " (%lld, 'SessionDown', 'Error'),"
	    " (9223372036854775807, 'Bogus', 'Error'),"
	    " ('soon', 'Bogus', 'Error');"
	    "INSERT INTO run (start_ms, last_ms) VALUES (%lld, %lld),"
	    " (%lld, 9223372036854775807);"
	    "INSERT INTO latency_sample (time_ms, branch, edge, target,"
	    " rtt_us) VALUES (9223372036854775807, 'b', 'e', 't', 1000);"
	    "INSERT INTO latency_minute VALUES (9223372036854775800, 'b', 'e',"
	    " 't', 1, 1, 1000, 1000, 1000, 1000000);",
	    (long long)T0, (long long)T(45), (long long)T(5), (long long)T0,
	    (long long)H(1), (long long)T(30));
	path = history("crafted.db", sql);
	free(sql);

	assert_non_null(r = store_report_open(path, &cause));
	assert_int_equal(r->oldest_ms, T0);
	assert_int_equal(r->newest_ms, H(1));
	/* 4 transitions, 2 events, 1 run, 1 sample, 1 minute. */
	assert_int_equal(r->ignored_rows, 9);
	assert_int_equal(store_report_run(r, r->oldest_ms, r->newest_ms,
	    &cause), 0);
	assert_int_equal(r->nsessions, 1);
	assert_int_equal(report_state_ms(&r->sessions[0], "Established"),
	    45 * MIN);
	assert_int_equal(r->sessions[0].flaps, 1);
	assert_int_equal(r->nevents, 1);
	assert_int_equal(r->nruns, 1);
	printed(r, "text", "\nIgnored 9 rows timed outside 1970-9999 ");
	printed(r, "csv", ",9\n");
	printed(r, "json", "\"ignored_rows\":9,");
	/* A window asked for beyond the range is cut to it. */
	assert_int_equal(store_report_run(r, INT64_MIN, INT64_MAX, &cause), 0);
	assert_int_equal(r->since_ms, 0);
	assert_int_equal(r->until_ms, 253402300800000LL);
	store_report_free(r);
	free(path);
}

/*
 * report_lat_exact() selects the median and the 95th percentile where
 * latency_stats() sorts: the same figures for every size (odd, even,
 * one, none), all replies or none, heavy ties, sorted input either way.
 */
static void
test_lat_exact(void **state)
{
	static const size_t	 sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 19, 20, 21,
				    99, 100, 101, 1000, 4097, 60480 };
	struct latency_series	*ls;
	struct latency_stats	 st;
	struct report_lat	 l;
	int32_t			*v;
	uint64_t		 rng = 88172645463325252ULL;
	size_t			 i, j, k;
	int			 shape;

	(void)state;
	for (shape = 0; shape < 6; shape++) {
		for (k = 0; k < nitems(sizes); k++) {
			v = xcalloc(sizes[k] + 1, sizeof *v);
			ls = latency_series_new(sizes[k] + 1);
			for (i = 0; i < sizes[k]; i++) {
				rng ^= rng << 13;
				rng ^= rng >> 7;
				rng ^= rng << 17;
				switch (shape) {
				case 0:		/* wide, 1% lost */
					v[i] = rng % 100 == 0 ? LATENCY_LOST :
					    (int32_t)(rng % 2000000);
					break;
				case 1:		/* a few values, many ties */
					v[i] = (int32_t)(rng % 4) * 1000;
					break;
				case 2:		/* ascending */
					v[i] = (int32_t)i;
					break;
				case 3:		/* descending, half lost */
					v[i] = i % 2 ? LATENCY_LOST :
					    (int32_t)(sizes[k] - i);
					break;
				case 4:		/* all lost */
					v[i] = LATENCY_LOST;
					break;
				default:	/* one value */
					v[i] = 42;
					break;
				}
				latency_add(ls, T0 + (int64_t)i, v[i]);
			}
			latency_stats(ls, 0, &st);
			report_lat_exact(&l, v, sizes[k]);
			assert_int_equal(l.sent, st.sent);
			assert_int_equal(l.received, st.received);
			assert_true(l.loss_pct == st.loss_pct);
			assert_true(l.mean_us == st.avg_us);
			assert_true(l.median_us == st.median_us);
			assert_int_equal(l.p95_us, st.received > 0 ?
			    st.p95_us : -1);
			assert_int_equal(l.exact, 1);
			/* The replies kept, only reordered. */
			for (i = 0; i < (size_t)l.received; i++)
				assert_true(v[i] >= 0);
			for (j = 0; j + 1 < (size_t)l.received &&
			    shape == 2; j++)
				assert_true(v[j] != v[j + 1]);
			latency_series_free(ls);
			free(v);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_outage),
		cmocka_unit_test(test_redundancy),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_rollup),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_output_quoting),
		cmocka_unit_test(test_output_width),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_latency_blocks),
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_crafted_times),
		cmocka_unit_test(test_lat_exact),
	};

	time_set_utc(1);	/* people's times in the text, any TZ */
	return (cmocka_run_group_tests(tests, setup, teardown));
}
