/* SPDX-License-Identifier: ISC */
/*
 * The history benchmark (issue 5): a generated 30-day history of 200
 * branches and 1,000 sessions, and how fast replay opens it and jumps to
 * a time.
 *
 *   bench-history gen FILE CONFIG	write the history and its peertop.conf
 *   bench-history run FILE CONFIG	measure replay_open() + replay_load()
 *
 * The generator is test code: it makes the file with store_open() (the
 * schema exactly as the writer creates it), then writes rows by SQL in
 * the writer's form, time ordered: 500 partners each with a primary and
 * a backup session (a few flaps a day each, down a few minutes), the
 * redundancy transitions and events that follow from them, and on schema
 * 3 the recording runs (one restart, an hour without data), each
 * branch's routed edge and prefix state.  Every branch probes one or two
 * edges every 10 s; as rolled up with the default retention (raw 7 days,
 * minutes 90 days, hours 400 days) the file holds the raw samples of the
 * last 7 days and the minute and hour roll-ups of all 30.  The data is
 * the same on every run (a fixed seed and a fixed end time).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/config.h"
#include "core/model.h"
#include "core/replay.h"
#include "core/store.h"
#include "core/util.h"
#include "tests/bench/bench-util.h"

#define DAY_MS		(86400 * 1000LL)
#define HOUR_MS		(3600 * 1000LL)
#define MINUTE_MS	(60 * 1000LL)
#define TICK_MS		(10 * 1000LL)	/* probe interval */
#define END_MS		1793491200000LL	/* 2026-11-01T00:00:00Z */
#define RAW_KEEP_MS	(7 * DAY_MS)
#define FLAPS_PER_DAY	3
#define REPLAY_TARGET_MS 100.0

static const char *const edges[] = {
	"ams", "fra", "lon", "par", "sea", "lax", "chi", "nyc", "dfw", "mia",
	"sin", "hkg", "tyo", "syd", "sao", "jnb", "dxb", "mad", "sto", "waw",
};

struct gen {
	int		 days, partners, branches;
	int64_t		 start;
	int64_t		 gap_from, gap_to;	/* a restart's gap */
	uint64_t	 rng;
	sqlite3		*db;
	int		 v3;
	sqlite3_stmt	*session, *redundancy, *event, *route, *prefix;
	sqlite3_stmt	*sample, *minute, *hour, *run;
	int64_t		 rows;
};

/* One session transition, before sorting. */
struct change {
	int64_t		 time;
	int		 session;	/* partner * 2 + (backup) */
	int		 up;
};

/* Per partner: the two sessions' states and the verdict. */
struct pstate {
	int		 up[2];
	const char	*red;
};

/* A probed series and its roll-ups being summed. */
struct series {
	int		 branch;
	const char	*edge;
	char		 target[32];
	int64_t		 base_us;
	int64_t		 m_sent, m_recv, m_min, m_max, m_sum, m_sq;
	int64_t		 h_sent, h_recv, h_min, h_max, h_sum, h_sq;
};

static uint64_t
gen_rand(struct gen *g)
{
	/* xorshift64*: fixed seed, the same history every time. */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return (g->rng * 2685821657736338717ULL);
}

static double
gen_unit(struct gen *g)
{
	return ((double)(gen_rand(g) >> 11) / 9007199254740992.0);
}

static void
gen_exec(struct gen *g, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(g->db, sql, NULL, NULL, &err) != SQLITE_OK)
		fatalx("%s: %s", sql, err);
}

static sqlite3_stmt *
gen_prepare(struct gen *g, const char *sql)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(g->db, sql, -1, &st, NULL) != SQLITE_OK)
		fatalx("%s: %s", sql, sqlite3_errmsg(g->db));
	return (st);
}

static void
gen_step(struct gen *g, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		fatalx("insert: %s", sqlite3_errmsg(g->db));
	sqlite3_reset(st);
	g->rows++;
}

static void
gen_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static const char *
gen_edge(int partner, int backup)
{
	return (edges[(partner + (backup ? 7 : 0)) % nitems(edges)]);
}

static int
gen_change_cmp(const void *a, const void *b)
{
	const struct change	*x = a, *y = b;

	if (x->time != y->time)
		return (x->time < y->time ? -1 : 1);
	return (x->session - y->session);
}

static void
gen_config(struct gen *g, const char *path)
{
	FILE	*f;
	int	 p, b;

	if ((f = fopen(path, "w")) == NULL)
		fatal("%s", path);
	fprintf(f, "# bench-history: %d partners x primary+backup, %d "
	    "branches\nprobe { interval 10s }\n", g->partners, g->branches);
	for (p = 0; p < g->partners; p++) {
		fprintf(f, "partner \"partner-%03d\" as %u {\n", p,
		    4200000001U + (unsigned)p);
		fprintf(f, "\tsession \"p%03d-pri\" neighbor 10.%d.%d.1 "
		    "router \"p%03d-r1\" edge %s role primary\n", p, p / 250,
		    p % 250, p, gen_edge(p, 0));
		fprintf(f, "\tsession \"p%03d-bak\" neighbor 10.%d.%d.2 "
		    "router \"p%03d-r2\" edge %s role backup\n", p, p / 250,
		    p % 250, p, gen_edge(p, 1));
		fprintf(f, "}\n");
	}
	for (b = 0; b < g->branches; b++) {
		fprintf(f, "branch \"branch-%03d\" {\n\tpartner "
		    "\"partner-%03d\"\n\taddress 100.64.%d.%d\n\tprefix "
		    "198.%d.%d.0/24 origin %u\n", b, b, b / 250, b % 250 + 1,
		    18 + b / 256, b % 256, 4200000001U + (unsigned)b);
		fprintf(f, "\tprobe %s 10.200.%d.%d\n", gen_edge(b, 0),
		    b / 250, b % 250);
		if (b % 2 == 0)
			fprintf(f, "\tprobe %s 10.201.%d.%d\n",
			    gen_edge(b, 1), b / 250, b % 250);
		fprintf(f, "}\n");
	}
	if (fclose(f) != 0)
		fatal("%s", path);
}

static void
gen_event(struct gen *g, int64_t t, const char *type, const char *level,
    const char *subject, const char *summary, const char *details)
{
	sqlite3_bind_int64(g->event, 1, t);
	gen_text(g->event, 2, type);
	gen_text(g->event, 3, level);
	gen_text(g->event, 4, subject);
	gen_text(g->event, 5, summary);
	gen_text(g->event, 6, details);
	gen_step(g, g->event);
}

/* A session's row and event, as model.c and store.c write them. */
static void
gen_session(struct gen *g, int64_t t, int p, int backup, const char *old,
    const char *state)
{
	char	 name[32], partner[32], router[32], addr[32], subject[64];
	char	 summary[160], details[256];

	snprintf(name, sizeof name, "p%03d-%s", p, backup ? "bak" : "pri");
	snprintf(partner, sizeof partner, "partner-%03d", p);
	snprintf(router, sizeof router, "p%03d-r%d", p, backup ? 2 : 1);
	snprintf(addr, sizeof addr, "10.%d.%d.%d", p / 250, p % 250,
	    backup ? 2 : 1);
	sqlite3_bind_int64(g->session, 1, t);
	gen_text(g->session, 2, name);
	gen_text(g->session, 3, partner);
	gen_text(g->session, 4, router);
	gen_text(g->session, 5, addr);
	gen_text(g->session, 6, gen_edge(p, backup));
	gen_text(g->session, 7, backup ? "backup" : "primary");
	gen_text(g->session, 8, old);
	gen_text(g->session, 9, state);
	sqlite3_bind_int64(g->session, 10, 4200000001LL + p);
	gen_text(g->session, 11, strcmp(state, "Established") == 0 ? "" :
	    "Hold timer expired");
	sqlite3_bind_int64(g->session, 12, strcmp(state, "Established") ==
	    0 ? 1 : 0);
	sqlite3_bind_int64(g->session, 13, strcmp(state, "Established") ==
	    0 ? 1 : 0);
	gen_step(g, g->session);

	if (strcmp(old, "Unknown") == 0)
		return;		/* first sight is not news */
	snprintf(subject, sizeof subject, "session %s", name);
	snprintf(details, sizeof details, "partner %s router %s neighbor %s "
	    "edge %s role %s", partner, router, addr, gen_edge(p, backup),
	    backup ? "backup" : "primary");
	if (strcmp(state, "Established") == 0) {
		snprintf(summary, sizeof summary, "%s (%s %s) Established",
		    name, gen_edge(p, backup), backup ? "backup" : "primary");
		gen_event(g, t, "SessionUp", "Information", subject, summary,
		    details);
	} else {
		snprintf(summary, sizeof summary, "%s (%s %s) %s: Hold timer "
		    "expired", name, gen_edge(p, backup),
		    backup ? "backup" : "primary", state);
		gen_event(g, t, "SessionDown", backup ? "Warning" : "Error",
		    subject, summary, details);
	}
}

/* The partner's verdict after a change, its row and event. */
static void
gen_redundancy(struct gen *g, int64_t t, int p, struct pstate *ps)
{
	const char	*red, *reason, *level;
	char		 name[32], subject[64], summary[160];

	if (ps->up[0] && ps->up[1]) {
		red = "REDUNDANT";
		reason = "primary and backup Established";
	} else if (ps->up[0] || ps->up[1]) {
		red = "DEGRADED";
		reason = ps->up[0] ? "backup session down" :
		    "primary session down";
	} else {
		red = "DOWN";
		reason = "no session Established";
	}
	if (ps->red != NULL && strcmp(red, ps->red) == 0)
		return;
	snprintf(name, sizeof name, "partner-%03d", p);
	sqlite3_bind_int64(g->redundancy, 1, t);
	gen_text(g->redundancy, 2, name);
	gen_text(g->redundancy, 3, ps->red != NULL ? ps->red : "UNKNOWN");
	gen_text(g->redundancy, 4, red);
	gen_text(g->redundancy, 5, reason);
	gen_step(g, g->redundancy);
	if (ps->red != NULL) {
		snprintf(subject, sizeof subject, "partner %s", name);
		snprintf(summary, sizeof summary, "%s (was %s): %s", red,
		    ps->red, reason);
		level = strcmp(red, "REDUNDANT") == 0 ? "Information" :
		    strcmp(red, "DOWN") == 0 ? "Critical" : "Warning";
		gen_event(g, t, strcmp(red, "REDUNDANT") == 0 ?
		    "RedundancyRestored" : "RedundancyDegraded", level,
		    subject, summary, reason);
	}
	ps->red = red;
}

/* Schema 3: the branch's routed edge and its prefix's state. */
static void
gen_branch(struct gen *g, int64_t t, int b, const struct pstate *ps)
{
	char		 name[32], pfx[32], session[32], carried[64];
	unsigned	 flags = 0;
	const char	*routed;

	if (!g->v3 || b >= g->branches)
		return;
	snprintf(name, sizeof name, "branch-%03d", b);
	routed = ps->up[0] ? gen_edge(b, 0) : ps->up[1] ? gen_edge(b, 1) :
	    NULL;
	sqlite3_bind_int64(g->route, 1, t);
	gen_text(g->route, 2, name);
	gen_text(g->route, 3, routed);
	sqlite3_bind_int(g->route, 4, !ps->up[0] && ps->up[1]);
	gen_step(g, g->route);

	if (!ps->up[0])
		flags |= PFX_NOPRIMARY;
	if (!ps->up[1])
		flags |= PFX_NOBACKUP;
	if (!ps->up[0] && !ps->up[1])
		flags |= PFX_INVISIBLE;
	snprintf(pfx, sizeof pfx, "198.%d.%d.0/24", 18 + b / 256, b % 256);
	snprintf(session, sizeof session, "p%03d-%s", b,
	    ps->up[0] ? "pri" : "bak");
	if (ps->up[0] && ps->up[1])
		snprintf(carried, sizeof carried, "p%03d-pri p%03d-bak", b, b);
	else
		snprintf(carried, sizeof carried, "%s", session);
	sqlite3_bind_int64(g->prefix, 1, t);
	gen_text(g->prefix, 2, name);
	gen_text(g->prefix, 3, pfx);
	sqlite3_bind_int64(g->prefix, 4, 4200000001LL + b);
	sqlite3_bind_int64(g->prefix, 5, flags);
	sqlite3_bind_int(g->prefix, 6, ps->up[0]);
	sqlite3_bind_int(g->prefix, 7, 1);
	sqlite3_bind_int(g->prefix, 8, ps->up[1]);
	sqlite3_bind_int(g->prefix, 9, 1);
	if (flags & PFX_INVISIBLE) {
		sqlite3_bind_null(g->prefix, 10);
		sqlite3_bind_null(g->prefix, 11);
		sqlite3_bind_null(g->prefix, 12);
		gen_text(g->prefix, 13, "");
		gen_text(g->prefix, 14, "not carried by any session");
	} else {
		sqlite3_bind_int64(g->prefix, 10, 4200000001LL + b);
		gen_text(g->prefix, 11, "8075");
		gen_text(g->prefix, 12, session);
		gen_text(g->prefix, 13, carried);
		gen_text(g->prefix, 14, flags & PFX_NOPRIMARY ?
		    "not on the primary session" : flags & PFX_NOBACKUP ?
		    "not on the backup session" : "");
	}
	gen_step(g, g->prefix);
}

/* The transitions: every session up at the start, then its flaps. */
static void
gen_changes(struct gen *g)
{
	struct change	*c = NULL;
	struct pstate	*ps;
	size_t		 n = 0, alloc = 0, i;
	int64_t		 t, end = END_MS;
	int		 s, p, backup;

	for (s = 0; s < g->partners * 2; s++) {
		t = g->start;
		for (;;) {
			/* Exponential gaps: FLAPS_PER_DAY on average. */
			t += (int64_t)(-log(1 - gen_unit(g)) * DAY_MS /
			    FLAPS_PER_DAY);
			if (t >= end - HOUR_MS)
				break;
			if (t >= g->gap_from - HOUR_MS && t < g->gap_to)
				continue;
			if (n + 2 > alloc) {
				alloc = alloc == 0 ? 65536 : alloc * 2;
				c = xreallocarray(c, alloc, sizeof *c);
			}
			c[n].time = t;
			c[n].session = s;
			c[n++].up = 0;
			t += MINUTE_MS + (int64_t)(gen_unit(g) * 14 *
			    MINUTE_MS);
			c[n].time = t;
			c[n].session = s;
			c[n++].up = 1;
		}
	}
	qsort(c, n, sizeof *c, gen_change_cmp);

	ps = xcalloc(g->partners, sizeof *ps);
	for (p = 0; p < g->partners; p++) {
		for (backup = 0; backup < 2; backup++) {
			gen_session(g, g->start + p * 10 + backup, p, backup,
			    "Unknown", "Established");
			ps[p].up[backup] = 1;
		}
		gen_redundancy(g, g->start + p * 10 + 1, p, &ps[p]);
		gen_branch(g, g->start + p * 10 + 1, p, &ps[p]);
	}
	for (i = 0; i < n; i++) {
		p = c[i].session / 2;
		backup = c[i].session % 2;
		if (ps[p].up[backup] == c[i].up)
			continue;
		gen_session(g, c[i].time, p, backup, c[i].up ? "Idle" :
		    "Established", c[i].up ? "Established" : "Idle");
		ps[p].up[backup] = c[i].up;
		gen_redundancy(g, c[i].time, p, &ps[p]);
		gen_branch(g, c[i].time, p, &ps[p]);
	}
	free(ps);
	free(c);
}

static void
gen_rollup(struct gen *g, sqlite3_stmt *st, int64_t at, const struct series *s,
    int hour)
{
	char	 branch[32];

	snprintf(branch, sizeof branch, "branch-%03d", s->branch);
	sqlite3_bind_int64(st, 1, at);
	gen_text(st, 2, branch);
	gen_text(st, 3, s->edge);
	gen_text(st, 4, s->target);
	sqlite3_bind_int64(st, 5, hour ? s->h_sent : s->m_sent);
	sqlite3_bind_int64(st, 6, hour ? s->h_recv : s->m_recv);
	if ((hour ? s->h_recv : s->m_recv) == 0) {
		sqlite3_bind_null(st, 7);
		sqlite3_bind_null(st, 8);
	} else {
		sqlite3_bind_int64(st, 7, hour ? s->h_min : s->m_min);
		sqlite3_bind_int64(st, 8, hour ? s->h_max : s->m_max);
	}
	sqlite3_bind_int64(st, 9, hour ? s->h_sum : s->m_sum);
	sqlite3_bind_int64(st, 10, hour ? s->h_sq : s->m_sq);
	gen_step(g, st);
}

/*
 * The probes: every series a sample per 10 s, raw rows for the last
 * RAW_KEEP_MS, minute and hour roll-ups throughout (none in the gap).
 */
static void
gen_latency(struct gen *g)
{
	struct series	*ser;
	char		 branch[32];
	size_t		 nser = 0, i;
	int64_t		 m, t, rtt, raw_from = END_MS - RAW_KEEP_MS;
	int		 b, k;

	ser = xcalloc(g->branches * 2, sizeof *ser);
	for (b = 0; b < g->branches; b++) {
		for (k = 0; k < (b % 2 == 0 ? 2 : 1); k++) {
			ser[nser].branch = b;
			ser[nser].edge = gen_edge(b, k);
			snprintf(ser[nser].target, sizeof ser[nser].target,
			    "10.20%d.%d.%d", k, b / 250, b % 250);
			ser[nser].base_us = 2000 + (int64_t)(gen_unit(g) *
			    150000);
			ser[nser].h_min = ser[nser].m_min = INT64_MAX;
			nser++;
		}
	}
	for (m = g->start; m < END_MS; m += MINUTE_MS) {
		if (m >= g->gap_from && m < g->gap_to)
			continue;
		for (t = m; t < m + MINUTE_MS; t += TICK_MS) {
			for (i = 0; i < nser; i++) {
				/* 1% lost, else base + jitter, rare spikes. */
				if (gen_unit(g) < 0.01)
					rtt = -1;
				else {
					rtt = ser[i].base_us + (int64_t)
					    (gen_unit(g) * ser[i].base_us / 10);
					if (gen_unit(g) < 0.002)
						rtt += 200000;
				}
				ser[i].m_sent++;
				if (rtt >= 0) {
					ser[i].m_recv++;
					if (rtt < ser[i].m_min)
						ser[i].m_min = rtt;
					if (rtt > ser[i].m_max)
						ser[i].m_max = rtt;
					ser[i].m_sum += rtt;
					ser[i].m_sq += rtt * rtt;
				}
				if (t < raw_from)
					continue;
				snprintf(branch, sizeof branch, "branch-%03d",
				    ser[i].branch);
				sqlite3_bind_int64(g->sample, 1, t +
				    (int64_t)i * 7);
				gen_text(g->sample, 2, branch);
				gen_text(g->sample, 3, ser[i].edge);
				gen_text(g->sample, 4, ser[i].target);
				gen_text(g->sample, 5, "probe");
				if (rtt < 0)
					sqlite3_bind_null(g->sample, 6);
				else
					sqlite3_bind_int64(g->sample, 6, rtt);
				gen_step(g, g->sample);
			}
		}
		for (i = 0; i < nser; i++) {
			gen_rollup(g, g->minute, m, &ser[i], 0);
			ser[i].h_sent += ser[i].m_sent;
			ser[i].h_recv += ser[i].m_recv;
			if (ser[i].m_recv > 0 && ser[i].m_min < ser[i].h_min)
				ser[i].h_min = ser[i].m_min;
			if (ser[i].m_recv > 0 && ser[i].m_max > ser[i].h_max)
				ser[i].h_max = ser[i].m_max;
			ser[i].h_sum += ser[i].m_sum;
			ser[i].h_sq += ser[i].m_sq;
			ser[i].m_sent = ser[i].m_recv = ser[i].m_max = 0;
			ser[i].m_sum = ser[i].m_sq = 0;
			ser[i].m_min = INT64_MAX;
		}
		/* An hour ends (or the data does, before the gap). */
		if ((m + MINUTE_MS) % HOUR_MS == 0 || m + MINUTE_MS ==
		    g->gap_from || m + MINUTE_MS == END_MS) {
			for (i = 0; g->v3 && i < nser; i++)
				if (ser[i].h_sent > 0)
					gen_rollup(g, g->hour, (m + MINUTE_MS -
					    1) / HOUR_MS * HOUR_MS, &ser[i], 1);
			for (i = 0; i < nser; i++) {
				ser[i].h_sent = ser[i].h_recv = 0;
				ser[i].h_max = ser[i].h_sum = ser[i].h_sq = 0;
				ser[i].h_min = INT64_MAX;
			}
		}
		if ((m + MINUTE_MS) % DAY_MS == 0) {
			gen_exec(g, "COMMIT; BEGIN");
			fprintf(stderr, "\rbench-history: day %lld of %d, "
			    "%lld rows", (long long)((m + MINUTE_MS -
			    g->start) / DAY_MS), g->days, (long long)g->rows);
		}
	}
	fprintf(stderr, "\n");
	free(ser);
}

static void
gen_runs(struct gen *g, const char *config)
{
	char	*text;
	size_t	 len;
	FILE	*f;
	long	 n;
	int	 i;

	if (!g->v3)
		return;
	if ((f = fopen(config, "r")) == NULL)
		fatal("%s", config);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = xmalloc(n + 1);
	len = fread(text, 1, n, f);
	text[len] = '\0';
	fclose(f);
	/* Two runs: a restart leaves the gap without data. */
	for (i = 0; i < 2; i++) {
		sqlite3_bind_int64(g->run, 1, i == 0 ? g->start : g->gap_to);
		sqlite3_bind_int64(g->run, 2, i == 0 ? g->gap_from : END_MS);
		gen_text(g->run, 3, "bench-history");
		gen_text(g->run, 4, config);
		gen_text(g->run, 5, text);
		gen_step(g, g->run);
	}
	free(text);
}

static int	bench_upgrade(const char *);

static int
gen_history(const char *path, const char *config, int days)
{
	struct gen	 g;
	struct store	*s;
	char		*cause, *tmp;
	double		 t0 = bench_now();
	int64_t		 v;
	sqlite3_stmt	*st;

	memset(&g, 0, sizeof g);
	g.days = days;
	g.partners = 500;
	g.branches = 200;
	g.rng = 0x9e3779b97f4a7c15ULL;
	g.start = END_MS - days * DAY_MS;
	g.gap_from = g.start + days * DAY_MS * 2 / 5;	/* a restart */
	g.gap_from -= g.gap_from % HOUR_MS;
	g.gap_to = g.gap_from + HOUR_MS;

	gen_config(&g, config);
	/* Into a temporary name: a cached file is always a whole one. */
	xasprintf(&tmp, "%s.tmp", path);
	unlink(tmp);
	if ((s = store_open(tmp, 0, &cause)) == NULL)
		fatalx("%s", cause);
	store_close(s);
	if (sqlite3_open(tmp, &g.db) != SQLITE_OK)
		fatalx("%s: %s", tmp, sqlite3_errmsg(g.db));
	st = gen_prepare(&g, "PRAGMA user_version");
	if (sqlite3_step(st) != SQLITE_ROW)
		fatalx("%s: user_version", tmp);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	g.v3 = v >= 3;
	/* Test code writing a file nobody reads yet: no journal. */
	gen_exec(&g, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
	    "PRAGMA cache_size = -262144; BEGIN");
	g.session = gen_prepare(&g, "INSERT INTO session_state (time_ms, "
	    "session, partner, router, neighbor, edge, role, old_state, "
	    "state, remote_as, last_error, routes_imported, routes_exported) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	g.redundancy = gen_prepare(&g, "INSERT INTO redundancy_state "
	    "(time_ms, partner, old_state, state, reason) VALUES "
	    "(?, ?, ?, ?, ?)");
	g.event = gen_prepare(&g, "INSERT INTO events (time_ms, type, level, "
	    "subject, summary, details) VALUES (?, ?, ?, ?, ?, ?)");
	g.sample = gen_prepare(&g, "INSERT INTO latency_sample (time_ms, "
	    "branch, edge, target, source, rtt_us) VALUES (?, ?, ?, ?, ?, ?)");
	g.minute = gen_prepare(&g, "INSERT INTO latency_minute (minute_ms, "
	    "branch, edge, target, sent, received, rtt_min_us, rtt_max_us, "
	    "rtt_sum_us, rtt_sumsq_us2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (g.v3) {
		g.route = gen_prepare(&g, "INSERT INTO branch_route (time_ms, "
		    "branch, routed_edge, suboptimal) VALUES (?, ?, ?, ?)");
		g.prefix = gen_prepare(&g, "INSERT INTO prefix_state (time_ms, "
		    "branch, prefix, origin, flags, primary_up, primary_total, "
		    "backup_up, backup_total, best_origin, best_path, "
		    "best_session, carried, problem) VALUES "
		    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
		g.hour = gen_prepare(&g, "INSERT INTO latency_hour (hour_ms, "
		    "branch, edge, target, sent, received, rtt_min_us, "
		    "rtt_max_us, rtt_sum_us, rtt_sumsq_us2) VALUES "
		    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
		g.run = gen_prepare(&g, "INSERT INTO run (start_ms, last_ms, "
		    "version, config_path, config) VALUES (?, ?, ?, ?, ?)");
	}
	gen_runs(&g, config);
	gen_changes(&g);
	gen_latency(&g);
	/* Every hour the samples cover has its latency block, pending. */
	if (v >= 7)
		gen_exec(&g, "INSERT INTO latency_block (hour_ms, branch, "
		    "edge, target, n) SELECT hour_ms, branch, edge, target, 0 "
		    "FROM latency_hour WHERE hour_ms >= (SELECT min(time_ms) - "
		    "min(time_ms) % 3600000 FROM latency_sample)");
	gen_exec(&g, "COMMIT");
	sqlite3_finalize(g.session);
	sqlite3_finalize(g.redundancy);
	sqlite3_finalize(g.event);
	sqlite3_finalize(g.sample);
	sqlite3_finalize(g.minute);
	sqlite3_finalize(g.route);
	sqlite3_finalize(g.prefix);
	sqlite3_finalize(g.hour);
	sqlite3_finalize(g.run);
	/* As the writer leaves it: WAL. */
	gen_exec(&g, "PRAGMA journal_mode = WAL");
	if (sqlite3_close(g.db) != SQLITE_OK)
		fatalx("%s: close", tmp);
	if (rename(tmp, path) == -1)
		fatal("rename %s", tmp);
	printf("bench-history: generated %s (schema %lld, %lld rows) and %s "
	    "in %.1f s\n", path, (long long)v, (long long)g.rows, config,
	    bench_now() - t0);
	free(tmp);
	return (bench_upgrade(path));
}

/* What a load rebuilt: links and their samples, sessions up, events. */
static void
bench_tally(const struct model *m, double *links, double *samples,
    double *up, double *events)
{
	size_t	 i, j;

	for (i = 0; i < m->nbranches; i++) {
		*links += m->branches[i]->nlinks;
		for (j = 0; j < m->branches[i]->nlinks; j++)
			*samples += m->branches[i]->links[j]->sent;
	}
	for (i = 0; i < m->nsessions; i++)
		*up += m->sessions[i]->state == BGP_ESTABLISHED;
	*events += m->nevents;
}

/*
 * None of the history in the page cache: its pages, its -wal's and its
 * -shm's dropped with posix_fadvise(POSIX_FADV_DONTNEED), file by file
 * (not /proc/sys/vm/drop_caches: the machine is shared, and that would
 * empty everybody's cache).
 */
static void
bench_drop(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char	 name[PATH_MAX];
	size_t	 i;
	int	 fd;

	for (i = 0; i < nitems(sfx); i++) {
		snprintf(name, sizeof name, "%s%s", path, sfx[i]);
		if ((fd = open(name, O_RDONLY)) == -1)
			continue;
		(void)fdatasync(fd);
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

/* The first jump after opening, cold: open + load at t, in ms. */
static double
bench_cold(const char *path, struct model *m, int64_t t)
{
	struct replay	*r;
	char		*cause;
	double		 t0;

	bench_drop(path);
	t0 = bench_now();
	if ((r = replay_open(path, &cause)) == NULL ||
	    replay_load(r, m, t, NULL, &cause) != 0)
		fatalx("%s", cause);
	t0 = bench_now() - t0;
	replay_close(r);
	return (t0 * 1000);
}

/*
 * The peer: the sqlite3 shell given the statements replay ran (traced
 * with their values by store_trace()), cold too; its wall time in ms
 * (the shell's start included) and the rows it printed, -1 without it.
 */
static double
bench_cold_peer(const char *path, const char *script, uint64_t *rows)
{
	char	*cmd, line[8192];
	FILE	*f;
	double	 t0;
	size_t	 len;

	xasprintf(&cmd, "sqlite3 -readonly -batch '%s' < '%s' 2>&1", path,
	    script);
	bench_drop(path);
	t0 = bench_now();
	if ((f = popen(cmd, "r")) == NULL)
		fatal("popen");
	*rows = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		len = strlen(line);
		*rows += len > 0 && line[len - 1] == '\n';
	}
	t0 = bench_now() - t0;
	free(cmd);
	if (pclose(f) != 0)
		return (-1);
	return (t0 * 1000);
}

/*
 * The first jump after opening at n random times, cold, each followed
 * by the peer cold on the same statements: medians and the ratio.  0
 * when the peer ran, 77 when it is missing.
 */
static int
bench_cold_run(const char *path, struct model *m, int64_t lo, int64_t hi,
    int n)
{
	char		 script[] = "/tmp/bench-history.XXXXXX";
	double		*ms, *peer, q, med, pmed;
	uint64_t	 rng = 4242, rows = 0, prows = 0, pr;
	int64_t		 t;
	int		 i, fd, npeer = 0;
	FILE		*f;

	if ((fd = mkstemp(script)) == -1)
		fatal("mkstemp");
	close(fd);
	ms = xcalloc(n, sizeof *ms);
	peer = xcalloc(n, sizeof *peer);
	for (i = 0; i < n; i++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		t = lo + (int64_t)((rng >> 11) % (uint64_t)(hi - lo + 1));
		if ((f = fopen(script, "w")) == NULL)
			fatal("%s", script);
		store_trace(f);
		ms[i] = bench_cold(path, m, t);
		rows = store_trace(NULL);
		fclose(f);
		if (getenv("BENCH_NOPEER") == NULL && (q = bench_cold_peer(path, script, &pr)) >= 0) {
			peer[npeer++] = q;
			prows = pr;	/* a row a line */
		}
	}
	/* BENCH_HISTORY_TRACE: where to keep the last script, to read. */
	if (getenv("BENCH_HISTORY_TRACE") == NULL ||
	    rename(script, getenv("BENCH_HISTORY_TRACE")) == -1)
		unlink(script);
	med = bench_median(ms, n);
	printf("cold page cache (posix_fadvise DONTNEED on the file, -wal, "
	    "-shm), first jump after opening at %d random times:\n", n);
	printf("  peertop open + load: median %.1f ms, min %.1f, max %.1f "
	    "(%llu rows in the last)\n", med, ms[0], ms[n - 1],
	    (unsigned long long)rows);
	if (npeer == 0) {
		printf("  peer: sqlite3 shell not found or failed: no ratio\n");
		printf("replay cold first jump: median %.1f ms (target <= "
		    "%.0f ms): %s\n", med, REPLAY_TARGET_MS,
		    med <= REPLAY_TARGET_MS ? "PASS" : "MISS");
		free(ms);
		free(peer);
		return (77);
	}
	pmed = bench_median(peer, npeer);
	printf("  peer sqlite3 -readonly, the same statements: median %.1f "
	    "ms (%llu rows printed in the last, peertop read %llu)\n", pmed,
	    (unsigned long long)prows, (unsigned long long)rows);
	printf("replay cold first jump: median %.1f ms (target <= %.0f ms), "
	    "sqlite3 %.1f ms, ratio peertop/sqlite3 %.2f: %s\n", med,
	    REPLAY_TARGET_MS, pmed, med / pmed, med <= REPLAY_TARGET_MS ?
	    "PASS" : "MISS");
	free(ms);
	free(peer);
	return (0);
}

/*
 * The dashboard's case: one connection for the session, jumping to n
 * random times and stepping from each to the next change.
 */
static void
bench_open_once(const char *path, struct model *m, int64_t lo, int64_t hi,
    int n)
{
	struct replay	*r;
	char		*cause;
	double		*ms, *next, t0;
	uint64_t	 rng = 777;
	int64_t		 t;
	int		 i;

	ms = xcalloc(n, sizeof *ms);
	next = xcalloc(n, sizeof *next);
	if ((r = replay_open(path, &cause)) == NULL)
		fatalx("%s", cause);
	for (i = 0; i < n; i++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		t = lo + (int64_t)((rng >> 11) % (uint64_t)(hi - lo + 1));
		t0 = bench_now();
		if (replay_load(r, m, t, NULL, &cause) != 0)
			fatalx("%s", cause);
		ms[i] = (bench_now() - t0) * 1000;
		t0 = bench_now();
		if (replay_step(r, t, 1, &t) == 0 &&
		    replay_load(r, m, t, NULL, &cause) != 0)
			fatalx("%s", cause);
		next[i] = (bench_now() - t0) * 1000;
	}
	replay_close(r);
	printf("  one connection kept open: load at a random time median "
	    "%.1f ms, step to the next change and load it median %.1f ms\n",
	    bench_median(ms, n), bench_median(next, n));
	free(ms);
	free(next);
}

/* The dashboard's other calls: a step each way, a 200-cell timeline. */
static void
bench_other(const char *path, int64_t lo, int64_t hi)
{
	struct replay	*r;
	uint8_t		 level[200], data[200];
	int64_t		 edge[201];
	char		*cause;
	int64_t		 out;
	double		 t0, step, tl;
	int		 i, cells = 0;

	if ((r = replay_open(path, &cause)) == NULL)
		fatalx("%s", cause);
	t0 = bench_now();
	for (i = 0; i < 100; i++)
		if (replay_step(r, lo + (hi - lo) / 100 * i, i % 2 ? -1 : 1,
		    &out) != 0 && i != 0)
			fatalx("replay_step: none at %d", i);
	step = (bench_now() - t0) * 1000 / 100;
	t0 = bench_now();
	if (replay_timeline(r, lo, hi, nitems(level), level, data,
	    edge) != 0)
		fatalx("replay_timeline failed");
	tl = (bench_now() - t0) * 1000;
	for (i = 0; i < (int)nitems(level); i++)
		cells += data[i] == REPLAY_CELL_DATA;
	printf("  replay_step: %.2f ms; replay_timeline of the 30 days in "
	    "200 cells: %.1f ms (%d cells with data)\n", step, tl, cells);
	replay_close(r);
}

static int
bench_run(const char *path, const char *config, int n)
{
	struct replay	*r;
	struct model	*m;
	struct stat	 sb;
	char		*cause;
	double		*ms, t0, t1, cfg, med, p95, days;
	int64_t		 lo, hi, t, raw_from;
	size_t		 unknown;
	uint64_t	 rng = 12345;
	int		 i, nraw = 0;
	double		*raw, *roll;
	double		 links = 0, samples = 0, up = 0, events = 0;
	int		 nroll = 0;

	t0 = bench_now();
	if ((m = config_load(config, NULL, NULL, &cause)) == NULL)
		fatalx("%s", cause);
	cfg = (bench_now() - t0) * 1000;
	if ((r = replay_open(path, &cause)) == NULL)
		fatalx("%s", cause);
	if (replay_span(r, &lo, &hi) != 0)
		fatalx("%s: no rows", path);
	replay_close(r);
	raw_from = hi - RAW_KEEP_MS;
	printf("cold page cache: open + load %.1f ms in the roll-up era, "
	    "%.1f ms in the raw era\n", bench_cold(path, m, lo + DAY_MS),
	    bench_cold(path, m, hi - DAY_MS));

	ms = xcalloc(n, sizeof *ms);
	raw = xcalloc(n, sizeof *raw);
	roll = xcalloc(n, sizeof *roll);
	for (i = 0; i < n; i++) {
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		t = lo + (int64_t)((rng >> 11) % (uint64_t)(hi - lo + 1));
		t0 = bench_now();
		if ((r = replay_open(path, &cause)) == NULL)
			fatalx("%s", cause);
		if (replay_load(r, m, t, &unknown, &cause) != 0)
			fatalx("%s", cause);
		t1 = bench_now();
		replay_close(r);
		ms[i] = (t1 - t0) * 1000;
		if (t > raw_from)
			raw[nraw++] = ms[i];
		else
			roll[nroll++] = ms[i];
		if (unknown != 0)
			fatalx("replay_load: %zu unknown names", unknown);
		bench_tally(m, &links, &samples, &up, &events);
	}
	med = bench_median(ms, n);	/* sorts */
	p95 = ms[(n * 95 + 99) / 100 - 1];
	if (stat(path, &sb) == -1)
		fatal("%s", path);
	days = (double)(hi - lo) / DAY_MS;
	printf("history: %s, %.1f days, %lld bytes, %.1f MB per day\n",
	    path, days, (long long)sb.st_size, sb.st_size / days / 1e6);
	printf("config_load: %.1f ms (%zu sessions, %zu branches)\n", cfg,
	    m->nsessions, m->nbranches);
	if (nraw > 0)
		printf("  times with raw samples (last 7 days): %d, median "
		    "%.1f ms\n", nraw, bench_median(raw, nraw));
	if (nroll > 0)
		printf("  times from the roll-ups: %d, median %.1f ms\n", nroll,
		    bench_median(roll, nroll));
	printf("  per load on average: %.0f latency links (%.1f samples "
	    "each), %.0f of %zu sessions Established, %.0f events\n",
	    links / n, links > 0 ? samples / links : 0, up / n, m->nsessions,
	    events / n);
	bench_other(path, lo, hi);
	bench_open_once(path, m, lo, hi, n);
	printf("replay open + load at %d random times: median %.1f ms, p95 "
	    "%.1f ms, max %.1f ms\n", n, med, p95, ms[n - 1]);
	printf("replay: median %.1f ms (target <= %.0f ms): ratio vs "
	    "target %.2f: %s\n", med, REPLAY_TARGET_MS,
	    med / REPLAY_TARGET_MS, med <= REPLAY_TARGET_MS ? "PASS" : "MISS");
	free(ms);
	free(raw);
	free(roll);
	model_free(m);
	return (0);
}

/*
 * A kept history brought to this peertop's schema, as the writer does,
 * and its latency blocks sealed, as the writer's retention timer does
 * over the minutes after an upgrade (store_block_seal()).
 */
static int
bench_upgrade(const char *path)
{
	struct store	*s;
	char		*cause;
	double		 t0 = bench_now(), t1;
	int64_t		 n, total = 0;

	if ((s = store_open(path, STORE_ANY_OWNER, &cause)) == NULL)
		fatalx("%s", cause);
	t1 = bench_now();
	while ((n = store_block_seal(s, INT64_MAX, 2000, &cause)) > 0)
		total += n;
	if (n == -1)
		fatalx("%s", cause);
	store_close(s);
	printf("bench-history: %s at schema %d in %.1f s, %lld latency "
	    "blocks sealed in %.1f s\n", path, STORE_SCHEMA_VERSION,
	    t1 - t0, (long long)total, bench_now() - t1);
	return (0);
}

/* The cold figure alone: the issue 18 target against the sqlite3 shell. */
static int
bench_cold_main(const char *path, const char *config, int n)
{
	struct replay	*r;
	struct model	*m;
	char		*cause;
	int64_t		 lo, hi;
	int		 rc;

	if ((m = config_load(config, NULL, NULL, &cause)) == NULL)
		fatalx("%s", cause);
	if ((r = replay_open(path, &cause)) == NULL)
		fatalx("%s", cause);
	if (replay_span(r, &lo, &hi) != 0)
		fatalx("%s: no rows", path);
	replay_close(r);
	rc = bench_cold_run(path, m, lo, hi, n);
	model_free(m);
	return (rc);
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-history gen FILE CONFIG [days]\n"
	    "       bench-history run FILE CONFIG [times]\n"
	    "       bench-history cold FILE CONFIG [times]\n"
	    "       bench-history upgrade FILE CONFIG\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	if (argc < 4)
		usage();
	log_set_quiet(1);
	if (strcmp(argv[1], "gen") == 0)
		return (gen_history(argv[2], argv[3], argc > 4 ?
		    atoi(argv[4]) : 30));
	if (strcmp(argv[1], "upgrade") == 0)
		return (bench_upgrade(argv[2]));
	if (strcmp(argv[1], "cold") == 0)
		return (bench_cold_main(argv[2], argv[3], argc > 4 ?
		    atoi(argv[4]) : 21));
	if (strcmp(argv[1], "run") == 0)
		return (bench_run(argv[2], argv[3], argc > 4 ?
		    atoi(argv[4]) : 200));
	usage();
	return (1);
}
