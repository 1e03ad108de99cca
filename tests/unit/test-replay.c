/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the replay reader (core/store-replay.c): a history
 * written through the real store (store_session_state(), store_redundancy(),
 * store_event(), store_latency_sample(), the prefix and route sink hooks,
 * store_flush()), with run rows by SQL at chosen times, then replay_load()
 * at chosen times: before the first row, exactly at a transition, just
 * before it, after the last; latency links from raw samples, from the
 * minute roll-ups and from the hour roll-ups once retention pruned the
 * finer ones; the event ring; stepping; the timeline; older schemas; the
 * files replay refuses, each with its message; the file's bytes after a
 * replay session; and a replay beside a live writer.
 */
#include <sys/stat.h>
#include <sys/wait.h>

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

#include "core/config.h"
#include "core/latency-mon.h"
#include "core/replay.h"
#include "core/store.h"
#include "core/util.h"
#include "tests/unit/unit.h"

#define T0	1795600800000LL		/* 2026-11-25T10:00:00Z */
#define MIN	60000LL
#define T(m)	(T0 + (m) * MIN)	/* minutes after 10:00 */
#define TICK	10000LL			/* a sample every 10 s */
#define NTICKS	181			/* T(0) to T(30) */

static char	tmpdir[] = "/tmp/peertop-replay.XXXXXX";

static const char config[] =
    "partner \"acme\" as 65001 {\n"
    "	session \"sea-1\" neighbor 192.0.2.1 router \"r1\" edge sea "
    "role primary\n"
    "	session \"sea-2\" neighbor 192.0.2.2 router \"r2\" edge sea "
    "role primary\n"
    "	session \"lax-1\" neighbor 192.0.2.3 router \"r3\" edge lax "
    "role backup\n"
    "}\n"
    "branch \"hq\" {\n"
    "	partner \"acme\"\n"
    "	address 198.51.100.1\n"
    "	prefix 203.0.113.0/24 origin 65001\n"
    "	probe sea 192.0.2.100\n"
    "	probe lax 192.0.2.101\n"
    "}\n";

/* The writer's side: its model (for the rows' names) and store. */
struct writer {
	struct model	*m;
	struct store	*s;
};

static char *
tpath(const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", tmpdir, name);
	return (p);
}

static struct model *
new_model(void)
{
	static const struct edge edges[] = {
		{ "sea", "Seattle", "US", 47.61, -122.33, "ER|PL" },
		{ "lax", "Los Angeles", "US", 34.05, -118.24, "ER|PL" },
		{ "ams", "Amsterdam", "NL", 52.37, 4.90, "ER|PL|PS" },
	};
	struct model	*m;
	char		*cause = NULL;
	size_t		 i;

	m = model_new();
	for (i = 0; i < nitems(edges); i++)
		model_edge_set(m, &edges[i]);
	if (config_parse_buffer(m, "t.conf", config, strlen(config),
	    &cause) != 0)
		fail_msg("config: %s", cause);
	return (m);
}

static void
sql(const char *path, const char *text)
{
	sqlite3	*db;
	char	*err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, text, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", text, err);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void
w_session(struct writer *w, const char *name, enum bgp_state state,
    int64_t when, const char *error)
{
	struct session	*s = model_session_find(w->m, name);
	enum bgp_state	 old;

	assert_non_null(s);
	old = s->state;
	s->state = state;
	s->remote_as = 65001;
	strlcpy_pt(s->last_error, error, sizeof s->last_error);
	s->routes_imported = state == BGP_ESTABLISHED ? 10 : 0;
	s->routes_exported = state == BGP_ESTABLISHED ? 2 : 0;
	assert_int_equal(store_session_state(w->s, s, old, when), 0);
}

static void
w_redundancy(struct writer *w, enum redundancy red, int64_t when,
    const char *reason)
{
	struct partner	*p = model_partner_find(w->m, "acme");
	enum redundancy	 old = p->red;

	p->red = red;
	strlcpy_pt(p->reason, reason, sizeof p->reason);
	assert_int_equal(store_redundancy(w->s, p, old, when), 0);
}

static void
w_event(struct writer *w, const char *type, enum level level, int64_t when)
{
	struct event	 ev;

	memset(&ev, 0, sizeof ev);
	ev.time_ms = when;
	strlcpy_pt(ev.type, type, sizeof ev.type);
	ev.level = level;
	strlcpy_pt(ev.subject, "session sea-1", sizeof ev.subject);
	snprintf(ev.summary, sizeof ev.summary, "%s at %lld", type,
	    (long long)when);
	assert_int_equal(store_event(w->s, &ev), 0);
}

/* The branch's routed edge and its prefix, through the sink hooks. */
static void
w_branch(struct writer *w, const char *edge, int sub, unsigned flags,
    unsigned nprimary, const char *best, int64_t when)
{
	struct branch		*b = model_branch_find(w->m, "hq");
	struct branch_prefix	*bp = &b->prefixes[0];
	struct session		*s;

	b->routed = model_edge_find(w->m, edge);
	b->suboptimal = sub;
	w->m->sink.route(w->m->sink.arg, b, when);
	bp->flags = flags;
	bp->nprimary = nprimary;
	bp->nprimary_total = 2;
	bp->nbackup = bp->nbackup_total = 1;
	bp->best_origin = 65001;
	strlcpy_pt(bp->best_path, "65001", sizeof bp->best_path);
	s = model_session_find(w->m, best);
	for (bp->best_session = 0; w->m->sessions[bp->best_session] != s;
	    bp->best_session++)
		;
	snprintf(bp->carried, sizeof bp->carried, "%s lax-1", best);
	strlcpy_pt(bp->problem, flags != 0 ? "not on every primary session" :
	    "", sizeof bp->problem);
	w->m->sink.prefix(w->m->sink.arg, b, bp, when);
}

/*
 * Sample k of a series at T0 + k * 10 s: sea 20, 21, 22 ms in turn with
 * every tenth lost, lax 50 ms always.
 */
static int64_t
sea_rtt(int k)
{
	return (k % 10 == 0 ? -1 : 20000 + (k % 3) * 1000);
}

static struct writer *
writer_open(const char *path)
{
	struct writer	*w = xcalloc(1, sizeof *w);
	char		*cause = NULL;

	w->m = new_model();
	if ((w->s = store_open(path, 0, &cause)) == NULL)
		fail_msg("store_open: %s", cause);
	store_attach(w->s, w->m);
	return (w);
}

static void
writer_flush(struct writer *w)
{
	char	*cause = NULL;

	if (store_flush(w->s, &cause) != 0)
		fail_msg("store_flush: %s", cause);
}

static void
writer_close(struct writer *w)
{
	store_close(w->s);
	model_free(w->m);
	free(w);
}

/*
 * The history: all up at T(0), sea-1 down from T(10) to T(20) (the
 * partner DEGRADED, routed via lax with SuboptimalRouting, the prefix not
 * on every primary session), latency from T(0) to T(30), one run from
 * T(0) to T(25).
 */
static char *
history(const char *name)
{
	struct writer	*w;
	char		*path = tpath(name), *text;
	int		 k;

	w = writer_open(path);
	w_session(w, "sea-1", BGP_ESTABLISHED, T(0), "");
	w_session(w, "sea-2", BGP_ESTABLISHED, T(0), "");
	w_session(w, "lax-1", BGP_ESTABLISHED, T(0), "");
	w_redundancy(w, RED_REDUNDANT, T(0) + 1, "all good");
	w_branch(w, "sea", 0, 0, 2, "sea-1", T(0) + 2);

	w_session(w, "sea-1", BGP_IDLE, T(10), "Hold timer expired");
	w_event(w, "SessionDown", LVL_ERROR, T(10));
	w_redundancy(w, RED_DEGRADED, T(10), "one primary router down");
	w_event(w, "RedundancyDegraded", LVL_WARNING, T(10));
	w_branch(w, "lax", 1, PFX_NOPRIMARY, 1, "sea-2", T(10));

	w_session(w, "sea-1", BGP_ESTABLISHED, T(20), "");
	w_event(w, "SessionUp", LVL_INFO, T(20));
	w_redundancy(w, RED_REDUNDANT, T(20), "all good again");
	w_event(w, "RedundancyRestored", LVL_INFO, T(20));
	w_branch(w, "sea", 0, 0, 2, "sea-1", T(20));

	for (k = 0; k < NTICKS; k++) {
		assert_int_equal(store_latency_sample(w->s, T0 + k * TICK,
		    "hq", "sea", "192.0.2.100", "probe", sea_rtt(k)), 0);
		assert_int_equal(store_latency_sample(w->s, T0 + k * TICK,
		    "hq", "lax", "192.0.2.101", "probe", 50000), 0);
	}
	writer_flush(w);
	writer_close(w);
	xasprintf(&text, "INSERT INTO run (start_ms, last_ms, version, "
	    "config_path, config) VALUES (%lld, %lld, 'test', '/etc/p.conf', "
	    "'partner x')", T(0), T(25));
	sql(path, text);
	free(text);
	return (path);
}

static struct replay *
ropen(const char *path)
{
	struct replay	*r;
	char		*cause = NULL;

	if ((r = replay_open(path, &cause)) == NULL)
		fail_msg("replay_open: %s", cause);
	return (r);
}

static void
load(struct replay *r, struct model *m, int64_t t, size_t *unknown)
{
	char	*cause = NULL;

	if (replay_load(r, m, t, unknown, &cause) != 0)
		fail_msg("replay_load: %s", cause);
}

static struct latlink *
link_of(struct model *m, const char *edge)
{
	return (latency_mon_link_find(model_branch_find(m, "hq"),
	    model_edge_find(m, edge), edge[0] == 's' ? "192.0.2.100" :
	    "192.0.2.101"));
}

/* Counts calls to a sink hooked to the replay model: there must be none. */
static int	sink_calls;

static void
count_event_cb(void *arg, struct event *ev)
{
	(void)arg;
	(void)ev;
	sink_calls++;
}

static void
count_session_cb(void *arg, const struct session *s, enum bgp_state old,
    int64_t when)
{
	(void)arg;
	(void)s;
	(void)old;
	(void)when;
	sink_calls++;
}

static void
count_latency_cb(void *arg, const struct latlink *l, int64_t t, int64_t rtt)
{
	(void)arg;
	(void)l;
	(void)t;
	(void)rtt;
	sink_calls++;
}

static void
test_states(void **state)
{
	struct writer	*w;
	struct replay	*r;
	struct model	*m;
	struct session	*s1, *s2;
	struct partner	*p;
	struct branch	*b;
	char		*path;
	size_t		 unknown = 99;

	(void)state;
	path = history("states.db");
	/* A new best path at T(15), the flags as they were since T(10). */
	w = writer_open(path);
	w_branch(w, "lax", 1, PFX_NOPRIMARY, 1, "lax-1", T(15));
	writer_close(w);
	r = ropen(path);
	m = new_model();
	s1 = model_session_find(m, "sea-1");
	s2 = model_session_find(m, "sea-2");
	p = model_partner_find(m, "acme");
	b = model_branch_find(m, "hq");

	/* Before the first row: nothing known. */
	load(r, m, T(0) - 1, &unknown);
	assert_int_equal(unknown, 0);
	assert_int_equal(s1->state, BGP_UNKNOWN);
	assert_int_equal(s1->since_ms, 0);
	assert_int_equal(p->red, RED_UNKNOWN);
	assert_int_equal(b->routed, -1);
	assert_int_equal(b->prefixes[0].seen, 0);
	assert_int_equal(b->sessions_up, 0);
	assert_int_equal(b->sessions_total, 3);
	assert_int_equal(m->nevents, 0);

	/* At T(0): up, the row's time as since; the partner not yet. */
	load(r, m, T(0), NULL);
	assert_int_equal(s1->state, BGP_ESTABLISHED);
	assert_int_equal(s1->known, BGP_ESTABLISHED);
	assert_int_equal(s1->since_ms, T(0));
	assert_int_equal(s1->remote_as, 65001);
	assert_int_equal(s1->routes_imported, 10);
	assert_int_equal(s1->routes_exported, 2);
	assert_int_equal(p->red, RED_UNKNOWN);
	assert_int_equal(b->sessions_up, 3);

	/* Just before the drop: as at T(0) + 2. */
	load(r, m, T(10) - 1, NULL);
	assert_int_equal(s1->state, BGP_ESTABLISHED);
	assert_int_equal(s1->since_ms, T(0));
	assert_int_equal(p->red, RED_REDUNDANT);
	assert_int_equal(p->red_since_ms, T(0) + 1);
	assert_string_equal(p->reason, "all good");
	assert_int_equal(b->routed, model_edge_find(m, "sea"));
	assert_int_equal(b->suboptimal, 0);
	assert_int_equal(b->prefixes[0].seen, 1);
	assert_int_equal(b->prefixes[0].flags, 0);
	assert_int_equal(b->prefixes[0].since_ms, T(0) + 2);

	/* Exactly at the drop (inclusive). */
	load(r, m, T(10), NULL);
	assert_int_equal(s1->state, BGP_IDLE);
	assert_int_equal(s1->known, BGP_IDLE);
	assert_int_equal(s1->since_ms, T(10));
	assert_string_equal(s1->last_error, "Hold timer expired");
	assert_int_equal(s1->routes_imported, 0);
	assert_int_equal(s2->state, BGP_ESTABLISHED);
	assert_int_equal(s2->since_ms, T(0));
	assert_int_equal(p->red, RED_DEGRADED);
	assert_int_equal(p->red_known, RED_DEGRADED);
	assert_int_equal(p->red_since_ms, T(10));
	assert_string_equal(p->reason, "one primary router down");
	assert_int_equal(b->routed, model_edge_find(m, "lax"));
	assert_int_equal(b->suboptimal, 1);
	assert_int_equal(b->sessions_up, 2);
	assert_int_equal(b->prefixes[0].flags, PFX_NOPRIMARY);
	assert_int_equal(b->prefixes[0].nprimary, 1);
	assert_int_equal(b->prefixes[0].nprimary_total, 2);
	assert_int_equal(b->prefixes[0].nbackup, 1);
	assert_int_equal(b->prefixes[0].best_origin, 65001);
	assert_string_equal(b->prefixes[0].best_path, "65001");
	assert_ptr_equal(m->sessions[b->prefixes[0].best_session], s2);
	assert_string_equal(b->prefixes[0].carried, "sea-2 lax-1");
	assert_string_equal(b->prefixes[0].problem,
	    "not on every primary session");
	assert_int_equal(b->prefixes[0].since_ms, T(10));

	/* The new best path; since stays at the flags' change. */
	load(r, m, T(15), NULL);
	assert_ptr_equal(m->sessions[b->prefixes[0].best_session],
	    model_session_find(m, "lax-1"));
	assert_int_equal(b->prefixes[0].flags, PFX_NOPRIMARY);
	assert_int_equal(b->prefixes[0].since_ms, T(10));

	/* After the last row: back up, since T(20). */
	load(r, m, T(600), NULL);
	assert_int_equal(b->prefixes[0].since_ms, T(20));
	assert_int_equal(s1->state, BGP_ESTABLISHED);
	assert_int_equal(s1->since_ms, T(20));
	assert_string_equal(s1->last_error, "");
	assert_int_equal(p->red, RED_REDUNDANT);
	assert_int_equal(p->red_since_ms, T(20));
	assert_int_equal(b->routed, model_edge_find(m, "sea"));
	assert_int_equal(b->prefixes[0].flags, 0);
	assert_int_equal(b->sessions_up, 3);

	/* Back in time again: nothing left over from the later load. */
	load(r, m, T(0) - 1, NULL);
	assert_int_equal(s1->state, BGP_UNKNOWN);
	assert_int_equal(b->prefixes[0].seen, 0);
	assert_int_equal(b->prefixes[0].best_session, -1);
	assert_int_equal(b->nlinks, 0);
	assert_int_equal(m->nevents, 0);

	replay_close(r);
	model_free(m);
	free(path);
}

static void
test_events(void **state)
{
	struct replay		*r;
	struct model		*m;
	const struct event	*ev;
	struct writer		*w;
	char			*path, *text;
	int			 i;

	(void)state;
	path = history("events.db");
	r = ropen(path);
	m = new_model();

	load(r, m, T(10), NULL);
	assert_int_equal(m->nevents, 2);
	ev = model_event(m, 0);
	assert_string_equal(ev->type, "SessionDown");
	assert_int_equal(ev->level, LVL_ERROR);
	assert_int_equal(ev->time_ms, T(10));
	assert_int_equal(ev->id, 1);
	assert_string_equal(ev->subject, "session sea-1");
	ev = model_event(m, 1);
	assert_string_equal(ev->type, "RedundancyDegraded");
	assert_int_equal(ev->id, 2);
	assert_int_equal(m->level_counts[LVL_ERROR], 1);
	assert_int_equal(m->level_counts[LVL_WARNING], 1);
	assert_int_equal(m->level_counts[LVL_INFO], 0);
	/* Open at T(10): the session down, the redundancy degraded. */
	assert_int_equal(m->nconds, 2);
	assert_true(EVENT_OPEN(model_event(m, 0)));

	load(r, m, T(20), NULL);
	assert_int_equal(m->nevents, 4);
	assert_int_equal(model_event(m, 3)->id, 4);
	assert_int_equal(m->level_counts[LVL_INFO], 2);
	/* Both restored by T(20), each restoration knows what it closed. */
	assert_int_equal(m->nconds, 0);
	assert_int_equal(model_event(m, 2)->resolves, 1);
	replay_close(r);

	/* A run starting at T(15): what the one before left open ended. */
	sql(path, "INSERT INTO run (start_ms, last_ms) VALUES (1, 1)");
	xasprintf(&text, "UPDATE run SET start_ms = %lld, last_ms = %lld "
	    "WHERE start_ms = 1", T(15), T(16));
	sql(path, text);
	free(text);
	r = ropen(path);
	load(r, m, T(16), NULL);
	assert_int_equal(m->nevents, 2);
	assert_int_equal(m->nconds, 0);
	assert_true(model_event(m, 0)->cflags & EVF_ENDED);
	load(r, m, T(12), NULL);
	assert_int_equal(m->nconds, 2);
	replay_close(r);

	/* More than the ring holds: the newest MODEL_EVENTS_MAX, by id. */
	w = writer_open(path);
	for (i = 0; i < MODEL_EVENTS_MAX + 10; i++)
		w_event(w, "SessionFlapping", LVL_WARNING, T(40) + i);
	writer_close(w);
	r = ropen(path);
	load(r, m, T(40) + MODEL_EVENTS_MAX + 5, NULL);
	assert_int_equal(m->nevents, MODEL_EVENTS_MAX);
	ev = model_event(m, MODEL_EVENTS_MAX - 1);
	assert_int_equal(ev->time_ms, T(40) + MODEL_EVENTS_MAX + 5);
	assert_int_equal(ev->id, 4 + MODEL_EVENTS_MAX + 6);
	/* 1,034 events at or before t: ids 11 to 1,034 kept. */
	assert_int_equal(model_event(m, 0)->id, 11);
	assert_int_equal(m->level_counts[LVL_WARNING], MODEL_EVENTS_MAX);
	assert_true(m->evseq >= ev->id);
	replay_close(r);
	model_free(m);
	free(path);
}

/* The samples of the window (t - 5 min, t]: sent, received, median. */
static void
test_latency_raw(void **state)
{
	struct replay	*r;
	struct model	*m;
	struct latlink	*sea, *lax;
	struct branch	*b;
	char		*path;

	(void)state;
	path = history("latency.db");
	r = ropen(path);
	m = new_model();
	b = model_branch_find(m, "hq");

	/* (T(10), T(15)]: k 61..90, lost 70, 80, 90; 9 each of 20/21/22. */
	load(r, m, T(15), NULL);
	assert_int_equal(b->nlinks, 2);
	assert_non_null(sea = link_of(m, "sea"));
	assert_non_null(lax = link_of(m, "lax"));
	assert_int_equal(sea->sent, 30);
	assert_int_equal(sea->received, 27);
	assert_true(sea->loss_pct > 9.99 && sea->loss_pct < 10.01);
	assert_true(sea->median_us == 21000);
	assert_int_equal(sea->best_us, 20000);
	assert_int_equal(sea->worst_us, 22000);
	assert_int_equal(sea->last_ms, T(15));
	assert_int_equal(lax->sent, 30);
	assert_true(lax->median_us == 50000);
	assert_int_equal(b->lat_nearest, model_edge_find(m, "sea"));

	/* A window holding the first samples only: (T(-4), T(1)]. */
	load(r, m, T(1), NULL);
	sea = link_of(m, "sea");
	assert_int_equal(sea->sent, 7);
	assert_int_equal(sea->received, 6);

	/* Long after the last sample: no links. */
	load(r, m, T(40), NULL);
	assert_int_equal(b->nlinks, 0);
	assert_int_equal(b->lat_nearest, -1);
	replay_close(r);
	model_free(m);
	free(path);
}

/*
 * Retention pruned the raw samples before T(12): the window's first two
 * minutes come from their roll-ups, spread back at the minute's mean; the
 * rest from the raw samples.
 */
static void
test_latency_minutes(void **state)
{
	struct writer	*w;
	struct replay	*r;
	struct model	*m;
	struct latlink	*sea, *lax;
	char		*path, *cause = NULL;

	(void)state;
	path = history("minutes.db");
	w = writer_open(path);
	assert_true(store_latency_prune(w->s, T(12), 0, 0, 0, &cause) > 0);
	writer_close(w);
	sql(path, "SELECT 1");

	r = ropen(path);
	m = new_model();
	load(r, m, T(15), NULL);
	sea = link_of(m, "sea");
	lax = link_of(m, "lax");
	/* Minutes T(10), T(11): 6 each, 1 lost each; raw k 72..90: 19, 2. */
	assert_int_equal(sea->sent, 31);
	assert_int_equal(sea->received, 27);
	assert_int_equal(lax->sent, 31);
	assert_int_equal(lax->received, 31);
	assert_true(lax->median_us == 50000);

	/* All in the roll-ups: (T(5), T(10)], minutes T(5)..T(9) whole. */
	load(r, m, T(10), NULL);
	sea = link_of(m, "sea");
	assert_int_equal(sea->sent, 30);
	assert_int_equal(sea->received, 27);
	/* Minute means: 21000 (k 60..65 without 60 is 21200), never 0. */
	assert_true(sea->best_us >= 20000 && sea->worst_us <= 22000);
	replay_close(r);
	model_free(m);
	free(path);
}

/* Only the hour roll-up is left: spread over its hour. */
static void
test_latency_hours(void **state)
{
	struct writer	*w;
	struct replay	*r;
	struct model	*m;
	struct latlink	*lax;
	char		*path, *cause = NULL;

	(void)state;
	path = history("hours.db");
	w = writer_open(path);
	assert_true(store_latency_prune(w->s, T(120), T(120), 0, 0,
	    &cause) > 0);
	writer_close(w);

	r = ropen(path);
	m = new_model();
	load(r, m, T(15), NULL);
	assert_non_null(lax = link_of(m, "lax"));
	/* 181 samples over 3600 s: 15 in 300 s, all at 50 ms. */
	assert_int_equal(lax->sent, 15);
	assert_true(lax->median_us == 50000);
	assert_int_equal(model_branch_find(m, "hq")->nlinks, 2);
	replay_close(r);
	free(path);

	/*
	 * Raw samples from T(12) on and the hour, no minutes: the hour is
	 * spread only up to the raw samples, not over them.  (T(10), T(12)):
	 * hour samples 30..35; then raw k 72..90.
	 */
	path = history("hours-raw.db");
	w = writer_open(path);
	assert_true(store_latency_prune(w->s, T(12), 0, 0, 0, &cause) > 0);
	writer_close(w);
	sql(path, "DELETE FROM latency_minute");
	r = ropen(path);
	load(r, m, T(15), NULL);
	assert_non_null(lax = link_of(m, "lax"));
	assert_int_equal(lax->sent, 6 + 19);
	replay_close(r);
	model_free(m);
	free(path);
}

static void
test_step(void **state)
{
	struct replay	*r;
	char		*path;
	int64_t		 t, lo, hi;

	(void)state;
	path = history("step.db");
	r = ropen(path);
	assert_int_equal(replay_step(r, T(0) - 1, 1, &t), 0);
	assert_int_equal(t, T(0));
	assert_int_equal(replay_step(r, T(0), 1, &t), 0);
	assert_int_equal(t, T(0) + 1);
	assert_int_equal(replay_step(r, T(0) + 1, 1, &t), 0);
	assert_int_equal(t, T(0) + 2);
	/* Samples are no change: from T(0) + 2 to the drop. */
	assert_int_equal(replay_step(r, T(0) + 2, 1, &t), 0);
	assert_int_equal(t, T(10));
	assert_int_equal(replay_step(r, T(10), 1, &t), 0);
	assert_int_equal(t, T(20));
	assert_int_equal(replay_step(r, T(20), 1, &t), -1);
	/* Backwards, strictly before. */
	assert_int_equal(replay_step(r, T(20), -1, &t), 0);
	assert_int_equal(t, T(10));
	assert_int_equal(replay_step(r, T(10), -1, &t), 0);
	assert_int_equal(t, T(0) + 2);
	assert_int_equal(replay_step(r, T(0), -1, &t), -1);

	/* The span: the first row to the last sample (T(30)). */
	assert_int_equal(replay_span(r, &lo, &hi), 0);
	assert_int_equal(lo, T(0));
	assert_int_equal(hi, T(30));
	replay_close(r);
	free(path);
}

/* What t/T name: the change at exactly that time, the telling one. */
static void
test_change(void **state)
{
	struct replay		*r;
	struct replay_change	 c;
	char			*path, *text;

	(void)state;
	path = history("change.db");
	xasprintf(&text, "INSERT INTO events (time_ms, type, level, subject) "
	    "VALUES (%lld, 'LossHigh', 'Warning', 'branch hq'), "
	    "(%lld, 'PrefixOriginAsChange', 'Critical', 'prefix ' || "
	    "char(27) || '[2J203.0.113.0/24'), (%lld, 'Odd', 'Information', NULL)",
	    T(40), T(40), T(41));
	sql(path, text);
	free(text);
	r = ropen(path);

	/* The drop: the session first, with the five rows beside it. */
	assert_int_equal(replay_change(r, T(10), &c), 0);
	assert_int_equal(c.kind, REPLAY_CHANGE_SESSION);
	assert_string_equal(c.subject, "sea-1");
	assert_string_equal(c.from, "Established");
	assert_string_equal(c.to, "Idle");
	assert_int_equal(c.more, 5);
	assert_int_equal(replay_change(r, T(0) + 1, &c), 0);
	assert_int_equal(c.kind, REPLAY_CHANGE_REDUNDANCY);
	assert_string_equal(c.subject, "acme");
	assert_string_equal(c.to, "REDUNDANT");
	assert_int_equal(c.more, 0);
	assert_int_equal(replay_change(r, T(0) + 2, &c), 0);
	assert_int_equal(c.kind, REPLAY_CHANGE_ROUTE);
	assert_string_equal(c.subject, "hq");
	assert_string_equal(c.to, "sea");
	assert_string_equal(c.from, "");
	assert_int_equal(c.more, 1);
	/* The worst event first; the file's escape never reaches a tty. */
	assert_int_equal(replay_change(r, T(40), &c), 0);
	assert_int_equal(c.kind, REPLAY_CHANGE_EVENT);
	assert_string_equal(c.to, "PrefixOriginAsChange");
	assert_string_equal(c.from, "Critical");
	assert_null(strchr(c.subject, 27));
	assert_non_null(strstr(c.subject, "203.0.113.0/24"));
	assert_int_equal(c.more, 1);
	assert_int_equal(replay_change(r, T(41), &c), 0);
	assert_string_equal(c.to, "Odd");
	assert_string_equal(c.subject, "");
	/* Nothing changed then: a sample is no change. */
	assert_int_equal(replay_change(r, T(5), &c), -1);
	assert_int_equal(replay_change(r, T(10) + 1, &c), -1);
	replay_close(r);
	free(path);
}

/* One integer from a query on the file. */
static int64_t
sql_int(const char *path, const char *text)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, text, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	return (v);
}

/*
 * The writer's own counts rows: every session's at the first flush, a
 * change only after its 10 s.
 */
static void
test_counts_writer(void **state)
{
	struct writer	*w;
	struct session	*s;
	char		*path = tpath("counts-writer.db");

	(void)state;
	w = writer_open(path);
	s = model_session_find(w->m, "sea-1");
	s->routes_imported = 4;
	writer_flush(w);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM session_counts"),
	    3);
	assert_int_equal(sql_int(path, "SELECT routes_imported FROM "
	    "session_counts WHERE session = 'sea-1'"), 4);
	/* Within its 10 s: the change waits. */
	s->routes_imported = 5;
	writer_flush(w);
	assert_int_equal(sql_int(path, "SELECT count(*) FROM session_counts"),
	    3);
	writer_close(w);
	free(path);
}

/* Set a session's counts in the writer's model and record them at when. */
static void
w_counts(struct writer *w, const char *name, uint32_t imported,
    uint32_t exported, int64_t when)
{
	struct session	*s = model_session_find(w->m, name);

	s->routes_imported = imported;
	s->routes_exported = exported;
	assert_int_equal(store_session_counts(w->s, s, when), 0);
}

/*
 * Counts and flaps as of the shown time: the counts between transitions
 * from session_counts, unknown ("n/a") where the file has none; flaps
 * since the run's start, flapping by the live rule.
 */
static void
test_counts_flaps(void **state)
{
	struct writer	*w;
	struct replay	*r;
	struct model	*m;
	struct session	*s1, *s2, *s3;
	char		*path = tpath("counts.db"), *text;
	/*
	 * sea-1 as of each time: flapping at the third drop, stable ten
	 * minutes up after the last (T(14)), the first run's count standing
	 * between the runs, a new count in the next.
	 */
	static const struct {
		int64_t		 t;
		uint32_t	 flaps;
		int		 flapping;
	} flaps[] = {
		{ T(11), 1, 0 }, { T(13), 2, 0 }, { T(14), 3, 1 },
		{ T(16), 3, 1 }, { T(24) - 1, 3, 1 }, { T(24), 3, 0 },
		{ T(35), 3, 0 }, { T(45), 0, 0 },
	};
	size_t		 i;

	(void)state;
	w = writer_open(path);
	/* sea-1: up at T(0) with 10/2, 4/3 at T(1), 7/3 at T(5). */
	w_session(w, "sea-1", BGP_ESTABLISHED, T(0), "");
	w_counts(w, "sea-1", 4, 3, T(1));
	w_counts(w, "sea-1", 7, 3, T(5));
	/* Three drops in four minutes: flapping from the third. */
	w_session(w, "sea-1", BGP_IDLE, T(10), "");
	w_session(w, "sea-1", BGP_ESTABLISHED, T(11), "");
	w_session(w, "sea-1", BGP_ACTIVE, T(12), "");
	w_session(w, "sea-1", BGP_ESTABLISHED, T(13), "");
	w_session(w, "sea-1", BGP_IDLE, T(14), "");
	/* Its collector lost, then up: no drop; stable ten minutes on. */
	w_session(w, "sea-1", BGP_UNKNOWN, T(15), "");
	w_session(w, "sea-1", BGP_ESTABLISHED, T(16), "");
	/* The next run: Unknown -> Established, no flap, counts anew. */
	w_session(w, "sea-1", BGP_UNKNOWN, T(30), "");
	w_session(w, "sea-1", BGP_ESTABLISHED, T(40), "");
	w_counts(w, "sea-1", 3, 1, T(41));
	/* sea-2: up, its counts never recorded (an upgraded file). */
	w_session(w, "sea-2", BGP_ESTABLISHED, T(0), "");
	/* lax-1: counts at T(1), then a transition carrying newer ones. */
	w_session(w, "lax-1", BGP_ESTABLISHED, T(0), "");
	w_counts(w, "lax-1", 5, 1, T(1));
	w_session(w, "lax-1", BGP_IDLE, T(2), "");
	w_session(w, "lax-1", BGP_ESTABLISHED, T(3), "");
	writer_flush(w);
	writer_close(w);
	xasprintf(&text, "INSERT INTO run (start_ms, last_ms) VALUES "
	    "(%lld, %lld), (%lld, %lld)", T(-1), T(30), T(40), T(60));
	sql(path, text);
	free(text);

	r = ropen(path);
	m = new_model();
	s1 = model_session_find(m, "sea-1");
	s2 = model_session_find(m, "sea-2");
	s3 = model_session_find(m, "lax-1");
	load(r, m, T(0), NULL);
	assert_int_equal(s1->routes_unrecorded, 1);
	assert_int_equal(s1->routes_imported, 10);
	load(r, m, T(1), NULL);
	assert_int_equal(s1->routes_unrecorded, 0);
	assert_int_equal(s1->routes_imported, 4);
	assert_int_equal(s1->routes_exported, 3);
	assert_int_equal(s1->flaps, 0);
	load(r, m, T(6), NULL);
	assert_int_equal(s1->routes_imported, 7);
	assert_int_equal(s2->routes_unrecorded, 1);
	assert_int_equal(s3->routes_unrecorded, 0);
	assert_int_equal(s3->routes_imported, 10);
	assert_int_equal(s3->routes_exported, 2);
	assert_int_equal(s3->flaps, 1);
	assert_int_equal(s3->flapping, 0);

	for (i = 0; i < nitems(flaps); i++) {
		load(r, m, flaps[i].t, NULL);
		assert_int_equal(s1->flaps, flaps[i].flaps);
		assert_int_equal(s1->flapping, flaps[i].flapping);
	}
	assert_int_equal(s1->routes_imported, 3);
	assert_int_equal(s1->routes_exported, 1);
	replay_close(r);

	/* A schema 3 file: no counts table, the counts unknown throughout. */
	sql(path, "DROP TABLE session_counts; PRAGMA user_version = 3");
	r = ropen(path);
	load(r, m, T(6), NULL);
	assert_int_equal(s1->routes_unrecorded, 1);
	assert_int_equal(s1->flaps, 0);
	load(r, m, T(14), NULL);
	assert_int_equal(s1->flaps, 3);
	replay_close(r);
	model_free(m);
	free(path);
}

static void
test_timeline(void **state)
{
	struct replay	*r;
	char		*path, *text, *cpath = NULL;
	uint8_t		 level[9], data[9];
	int64_t		 edge[10];
	/* The Error at T(10) in cell 5, the Information at T(20) in 7. */
	static const uint8_t want_level[9] = { 0, 0, 0, 0, 0, 3, 0, 1, 0 };
	static const uint8_t want_data[9] = { 0, 0, 0, 0, 1, 1, 1, 1, 2 };
	size_t		 i;

	(void)state;
	path = history("timeline.db");
	r = ropen(path);
	/*
	 * Nine cells from T(-30) to T(60); the run covers T(0) to T(25).
	 * The 35 minutes after it, over three cells of 10 minutes, are
	 * squeezed into the last cell; the 30 before it are not (three
	 * cells): the other eight share T(-30) to T(25) evenly.
	 */
	assert_int_equal(replay_timeline(r, T(-30), T(60), 9, level, data,
	    edge), 0);
	assert_memory_equal(level, want_level, 9);
	assert_memory_equal(data, want_data, 9);
	for (i = 0; i < 8; i++)
		assert_int_equal(edge[i], T(-30) + (int64_t)i * (55 * MIN + 1) /
		    8);
	assert_int_equal(edge[8], T(25) + 1);
	assert_int_equal(edge[9], T(60));
	/* The cursor's cell: by the edges, a gap's whole time in one. */
	assert_int_equal(replay_cell(edge, 9, T(-31)), 0);
	assert_int_equal(replay_cell(edge, 9, T(-30)), 0);
	assert_int_equal(replay_cell(edge, 9, T(10)), 5);
	assert_int_equal(replay_cell(edge, 9, T(25)), 7);
	assert_int_equal(replay_cell(edge, 9, T(25) + 1), 8);
	assert_int_equal(replay_cell(edge, 9, T(59)), 8);
	assert_int_equal(replay_cell(edge, 9, T(99)), 8);
	assert_int_equal(replay_covered(r, T(0)), 1);
	assert_int_equal(replay_covered(r, T(25)), 1);
	assert_int_equal(replay_covered(r, T(25) + 1), 0);
	assert_int_equal(replay_covered(r, T(0) - 1), 0);
	assert_int_equal(replay_timeline(r, T(0), T(0), 9, level, data, edge),
	    -1);

	/* The newest run's configuration. */
	text = replay_config(r, &cpath);
	assert_non_null(text);
	assert_string_equal(text, "partner x");
	assert_string_equal(cpath, "/etc/p.conf");
	free(text);
	free(cpath);
	replay_close(r);
	free(path);
}

/*
 * Older schemas: the tables schema 3 added dropped and user_version set
 * back, as a file written by an older peertop.  Coverage then comes from
 * the rows.
 */
static void
test_old_schema(void **state)
{
	struct replay	*r;
	struct model	*m;
	struct branch	*b;
	char		*path, *cpath = NULL, dummy[] = "x";
	uint8_t		 level[9], data[9];
	int64_t		 edge[10];
	/* The last sample is at T(30): cell [T(30), T(40)) has a row. */
	static const uint8_t want_data[9] = { 0, 0, 0, 1, 1, 1, 1, 0, 0 };
	int64_t		 t;

	(void)state;
	path = history("v2.db");
	sql(path, "DROP TABLE run; DROP TABLE branch_route; "
	    "DROP TABLE prefix_state; DROP TABLE latency_hour; "
	    "PRAGMA user_version = 2");
	r = ropen(path);
	m = new_model();
	b = model_branch_find(m, "hq");
	load(r, m, T(10), NULL);
	assert_int_equal(model_session_find(m, "sea-1")->state, BGP_IDLE);
	assert_int_equal(b->routed, -1);
	assert_int_equal(b->prefixes[0].seen, 0);
	assert_int_equal(link_of(m, "sea")->sent, 30);
	assert_int_equal(m->nevents, 2);
	/*
	 * Rows at T(0)..T(0)+2, T(10), T(20) and samples to T(30); without
	 * runs nothing is known to be a gap: even cells.
	 */
	assert_int_equal(replay_timeline(r, T(-30), T(60), 9, level, data,
	    edge), 0);
	assert_memory_equal(data, want_data, 9);
	assert_int_equal(edge[3], T(0));
	assert_int_equal(edge[9], T(60));
	assert_int_equal(replay_covered(r, T(5)), 1);
	assert_int_equal(replay_covered(r, T(31)), 0);
	cpath = dummy;
	assert_null(replay_config(r, &cpath));
	assert_null(cpath);
	assert_int_equal(replay_step(r, T(0) + 2, 1, &t), 0);
	assert_int_equal(t, T(10));
	replay_close(r);

	/* Schema 1: no latency tables either. */
	sql(path, "DROP TABLE latency_sample; DROP TABLE latency_minute; "
	    "PRAGMA user_version = 1");
	r = ropen(path);
	load(r, m, T(15), NULL);
	assert_int_equal(model_session_find(m, "sea-1")->state, BGP_IDLE);
	assert_int_equal(b->nlinks, 0);
	replay_close(r);
	model_free(m);
	free(path);
}

/* Rows of names the configuration lacks are counted, not applied. */
static void
test_unknown(void **state)
{
	struct replay	*r;
	struct model	*m;
	char		*path, *text;
	size_t		 unknown;

	(void)state;
	path = history("unknown.db");
	xasprintf(&text, "INSERT INTO session_state (time_ms, session, state) "
	    "VALUES (%lld, 'ghost', 'Established');"
	    "INSERT INTO redundancy_state (time_ms, partner, state) "
	    "VALUES (%lld, 'nobody', 'DOWN');"
	    "INSERT INTO latency_sample (time_ms, branch, edge, target, "
	    "rtt_us) VALUES (%lld, 'elsewhere', 'sea', 'x', 1000)",
	    T(5), T(5), T(5));
	sql(path, text);
	free(text);
	r = ropen(path);
	m = new_model();
	load(r, m, T(4), &unknown);
	assert_int_equal(unknown, 0);
	load(r, m, T(6), &unknown);
	assert_int_equal(unknown, 3);
	assert_int_equal(model_branch_find(m, "hq")->nlinks, 2);
	replay_close(r);

	/*
	 * Names with a NUL inside, and longer than the walk's buffer: the
	 * walk steps past them (a copy cut short found the same name again,
	 * for ever: the fuzzer's hang), and they count.
	 */
	xasprintf(&text, "INSERT INTO redundancy_state (time_ms, partner, "
	    "state) VALUES (%lld, CAST(X'6578616D0000' AS TEXT), 'DOWN'), "
	    "(%lld, printf('%%.300c', 'p'), 'DOWN')", T(5), T(5));
	sql(path, text);
	free(text);
	r = ropen(path);
	load(r, m, T(6), &unknown);
	assert_int_equal(unknown, 5);
	replay_close(r);
	model_free(m);
	free(path);
}

/*
 * Roll-up series whose names are longer than a model keeps, or not text
 * at all (a file from elsewhere): the walk over them ends (it found the
 * same truncated name again for ever, the fuzzer's hang), the span and a
 * load work, and the rows count as unknown.
 */
static void
test_odd_series(void **state)
{
	struct replay	*r;
	struct model	*m;
	char		*path, *text;
	int64_t		 lo, hi;
	size_t		 unknown;

	(void)state;
	path = history("odd.db");
	xasprintf(&text, "INSERT INTO latency_minute (minute_ms, branch, edge, "
	    "target, sent, received, rtt_sum_us, rtt_sumsq_us2) VALUES "
	    "(%lld, printf('%%.100c', 'b'), 'sea', 'x', 6, 6, 6000, 6000000), "
	    "(%lld, printf('%%.100c', 'b'), 'sea', printf('%%.80c', 'y'), "
	    "6, 6, 6000, 6000000), "
	    "(%lld, 7, x'00ff', 3.5, 6, 5, 6000, 6000000);"
	    "INSERT INTO latency_hour (hour_ms, branch, edge, target, sent, "
	    "received, rtt_sum_us, rtt_sumsq_us2) VALUES "
	    "(%lld, printf('%%.100c', 'h'), 'sea', 'x', 6, 6, 6000, 6000000)",
	    T(-120) / 60000 * 60000, T(-120) / 60000 * 60000,
	    T(-120) / 60000 * 60000, T(-600) / 3600000 * 3600000);
	sql(path, text);
	free(text);
	r = ropen(path);
	assert_int_equal(replay_span(r, &lo, &hi), 0);
	assert_true(lo <= T(-120));
	m = new_model();
	load(r, m, T(-119), &unknown);
	assert_true(unknown >= 2);
	replay_close(r);
	model_free(m);
	free(path);
}

/*
 * The roll-ups' series are stepped by seeks past each key (issue 18):
 * several targets under one edge, several edges, a branch between two,
 * every one visited once, in the window or not.
 */
static void
test_series_walk(void **state)
{
	static const char *const rows[][3] = {
		{ "hq", "lax", "192.0.2.101" },
		{ "hq", "sea", "192.0.2.100" },
		{ "hq", "sea", "192.0.2.200" },
		{ "hq", "sea", "192.0.2.201" },
		{ "hq", "sea", "192.0.2.202" },
		{ "hz", "sea", "192.0.2.9" },	/* not configured */
		{ "hz", "zzz", "192.0.2.9" },
	};
	struct replay	*r;
	struct model	*m;
	struct branch	*b;
	char		*path, *text;
	size_t		 i, unknown;
	int64_t		 at = T(-120) / 60000 * 60000;

	(void)state;
	path = history("walk.db");
	for (i = 0; i < nitems(rows); i++) {
		xasprintf(&text, "INSERT INTO latency_minute (minute_ms, "
		    "branch, edge, target, sent, received, rtt_sum_us, "
		    "rtt_sumsq_us2) VALUES (%lld, '%s', '%s', '%s', 6, 6, "
		    "%zu, 0), (%lld, '%s', '%s', '%s', 6, 6, 6000, 0)",
		    (long long)at, rows[i][0], rows[i][1], rows[i][2],
		    6000 * (i + 1), (long long)(at - 3 * 3600000), rows[i][0],
		    rows[i][1], rows[i][2]);
		sql(path, text);
		free(text);
	}
	r = ropen(path);
	m = new_model();
	load(r, m, at + 60000, &unknown);
	b = model_branch_find(m, "hq");
	assert_int_equal(unknown, 2);
	for (i = 0; i < 5; i++) {
		struct latlink	*l = latency_mon_link_find(b,
		    model_edge_find(m, rows[i][1]), rows[i][2]);

		assert_non_null(l);
		assert_int_equal(l->sent, 6);
		assert_int_equal(l->received, 6);
	}
	replay_close(r);
	model_free(m);
	free(path);
}

/*
 * A schema 5 file (the (name, time) indexes without the columns that
 * schema 6 carries in them) replays exactly as the schema 6 one: the
 * same rows, other pages.
 */
static void
test_schema5(void **state)
{
	struct replay	*r5, *r6;
	struct model	*m5, *m6;
	struct session	*a, *b;
	struct branch	*b5, *b6;
	char		*p5, *p6;
	int64_t		 t;
	size_t		 i;

	(void)state;
	p6 = history("v6.db");
	p5 = history("v5.db");
	sql(p5, "DROP INDEX session_state_session_time;"
	    "CREATE INDEX session_state_session_time ON session_state "
	    "(session, time_ms);"
	    "DROP INDEX redundancy_state_partner_time;"
	    "CREATE INDEX redundancy_state_partner_time ON redundancy_state "
	    "(partner, time_ms);"
	    "DROP INDEX branch_route_branch_time;"
	    "CREATE INDEX branch_route_branch_time ON branch_route "
	    "(branch, time_ms);"
	    "DROP INDEX prefix_state_prefix_time;"
	    "CREATE INDEX prefix_state_prefix_time ON prefix_state "
	    "(branch, prefix, time_ms);"
	    "PRAGMA user_version = 5");
	assert_int_equal(sql_int(p5, "PRAGMA user_version"), 5);
	assert_int_equal(sql_int(p6, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	r5 = ropen(p5);
	r6 = ropen(p6);
	m5 = new_model();
	m6 = new_model();
	for (t = T(-1); t <= T(31); t += MIN / 2) {
		load(r5, m5, t, NULL);
		load(r6, m6, t, NULL);
		for (i = 0; i < m5->nsessions; i++) {
			a = m5->sessions[i];
			b = m6->sessions[i];
			assert_int_equal(a->state, b->state);
			assert_int_equal(a->since_ms, b->since_ms);
			assert_int_equal(a->flaps, b->flaps);
			assert_int_equal(a->flapping, b->flapping);
			assert_string_equal(a->last_error, b->last_error);
		}
		assert_int_equal(m5->partners[0]->red, m6->partners[0]->red);
		b5 = m5->branches[0];
		b6 = m6->branches[0];
		assert_int_equal(b5->routed, b6->routed);
		assert_int_equal(b5->suboptimal, b6->suboptimal);
		assert_int_equal(b5->prefixes[0].flags, b6->prefixes[0].flags);
		assert_int_equal(b5->prefixes[0].since_ms,
		    b6->prefixes[0].since_ms);
		assert_int_equal(m5->nevents, m6->nevents);
	}
	/* And the rows were really there to be read. */
	load(r6, m6, T(15), NULL);
	assert_int_equal(model_session_find(m6, "sea-1")->state, BGP_IDLE);
	assert_int_equal(m6->branches[0]->prefixes[0].flags, PFX_NOPRIMARY);
	replay_close(r5);
	replay_close(r6);
	model_free(m5);
	model_free(m6);
	free(p5);
	free(p6);
}

/*
 * Rows at the ends of int64 (a crafted file) are left out of the span
 * and of t/T's steps: the span stays the recorded one, and stepping past
 * its newest row finds nothing instead of year 292278994.
 */
static void
test_crafted_times(void **state)
{
	struct replay	*r;
	char		*path;
	int64_t		 lo, hi, lo0, hi0, t;

	(void)state;
	path = history("crafted.db");
	r = ropen(path);
	assert_int_equal(replay_span(r, &lo0, &hi0), 0);
	replay_close(r);
	sql(path, "INSERT INTO events (time_ms, type, level, subject, summary)"
	    " VALUES (9223372036854775807, 'SessionDown', 'Error', 'x', 'y'),"
	    " (-9223372036854775807 - 1, 'SessionUp', 'Information', 'x', 'y');"
	    "INSERT INTO session_state (time_ms, session, state) VALUES"
	    " (9223372036854775807, 'sea-r1', 'Idle')");
	r = ropen(path);
	assert_int_equal(replay_span(r, &lo, &hi), 0);
	assert_int_equal(lo, lo0);
	assert_int_equal(hi, hi0);
	assert_int_not_equal(replay_step(r, hi, 1, &t), 0);
	assert_int_not_equal(replay_step(r, lo, -1, &t), 0);
	replay_close(r);
	free(path);
}

/* A sink on the replay model hears nothing, and is left in place. */
static void
test_no_sink(void **state)
{
	struct replay	*r;
	struct model	*m;
	char		*path;

	(void)state;
	path = history("sink.db");
	r = ropen(path);
	m = new_model();
	m->sink.event = count_event_cb;
	m->sink.session_state = count_session_cb;
	m->sink.latency = count_latency_cb;
	sink_calls = 0;
	load(r, m, T(10), NULL);
	load(r, m, T(25), NULL);
	assert_int_equal(sink_calls, 0);
	assert_ptr_equal(m->sink.event, count_event_cb);
	assert_int_equal(m->dirty & DIRTY_ALL, DIRTY_ALL);
	replay_close(r);
	model_free(m);
	free(path);
}

/* Replay must come out with the file as it went in. */
static void
test_bytes_unchanged(void **state)
{
	struct replay	*r;
	struct model	*m;
	char		*path, *before, *after, *text;
	size_t		 nbefore, nafter;
	uint8_t		 level[4], data[4];
	int64_t		 t, lo, hi, edge[5];

	(void)state;
	path = history("bytes.db");
	assert_non_null(before = slurp(path, &nbefore));
	r = ropen(path);
	m = new_model();
	assert_int_equal(replay_span(r, &lo, &hi), 0);
	for (t = lo - MIN; t <= hi + MIN; t += 7 * MIN)
		load(r, m, t, NULL);
	assert_int_equal(replay_step(r, lo, 1, &t), 0);
	assert_int_equal(replay_timeline(r, lo, hi, 4, level, data, edge), 0);
	text = replay_config(r, NULL);
	free(text);
	replay_close(r);
	model_free(m);
	assert_non_null(after = slurp(path, &nafter));
	assert_int_equal(nafter, nbefore);
	assert_memory_equal(after, before, nbefore);
	free(before);
	free(after);
	free(path);
}

/* A replay beside a live writer (WAL) sees what each flush commits. */
static void
test_live_writer(void **state)
{
	struct writer	*w;
	struct replay	*r;
	struct model	*m;
	struct session	*s1;
	char		*path;
	int64_t		 lo, hi;
	uint8_t		 level[2], data[2];
	int64_t		 edge[3];

	(void)state;
	path = history("live.db");
	w = writer_open(path);
	r = ropen(path);
	m = new_model();
	s1 = model_session_find(m, "sea-1");
	load(r, m, T(100), NULL);
	assert_int_equal(s1->state, BGP_ESTABLISHED);

	w_session(w, "sea-1", BGP_ACTIVE, T(50), "Connection refused");
	/* Queued, not flushed: not there yet. */
	load(r, m, T(100), NULL);
	assert_int_equal(s1->state, BGP_ESTABLISHED);
	writer_flush(w);
	load(r, m, T(100), NULL);
	assert_int_equal(s1->state, BGP_ACTIVE);
	assert_int_equal(s1->since_ms, T(50));
	assert_string_equal(s1->last_error, "Connection refused");
	assert_int_equal(replay_span(r, &lo, &hi), 0);
	assert_int_equal(hi, T(50));

	/* A flush while the replay holds its model: the next load sees it. */
	w_event(w, "SessionDown", LVL_ERROR, T(50));
	writer_flush(w);
	load(r, m, T(100), NULL);
	assert_int_equal(m->nevents, 5);

	/* The timeline, asked again, follows the writer too. */
	assert_int_equal(replay_timeline(r, T(40), T(60), 2, level, data,
	    edge), 0);
	assert_int_equal(level[0], 0);
	assert_int_equal(level[1], 1 + LVL_ERROR);
	assert_int_equal(replay_timeline(r, T(40), T(60), 2, level, data,
	    edge), 0);
	assert_int_equal(level[0], 0);
	w_event(w, "RedundancyDegraded", LVL_CRITICAL, T(45));
	writer_flush(w);
	assert_int_equal(replay_timeline(r, T(40), T(60), 2, level, data,
	    edge), 0);
	assert_int_equal(level[0], 1 + LVL_CRITICAL);
	assert_int_equal(level[1], 1 + LVL_ERROR);
	replay_close(r);
	writer_close(w);
	model_free(m);
	free(path);
}

static void
refused(const char *path, const char *want)
{
	struct replay	*r;
	char		*cause = NULL;

	r = replay_open(path, &cause);
	if (r != NULL)
		fail_msg("%s: opened", path);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL || strncmp(cause, path,
	    strlen(path)) != 0 || strchr(cause, '\n') != NULL)
		fail_msg("%s: \"%s\", wanted \"%s\"", path, cause, want);
	free(cause);
}

static void
test_bad_files(void **state)
{
	struct replay	*r;
	struct model	*m;
	char		*good, *path, *buf, *cause = NULL;
	size_t		 len;
	sqlite3		*db;
	struct stat	 sb;

	(void)state;
	good = history("good.db");
	assert_non_null(buf = slurp(good, &len));

	path = tpath("missing.db");
	refused(path, "No such file or directory");
	free(path);

	path = tpath("empty.db");
	spit(path, "", 0);
	refused(path, "empty");
	free(path);

	path = tpath("text.db");
	spit(path, "partner \"x\" as 1 {}\n", 20);
	refused(path, "not an SQLite database");
	free(path);

	/* Truncated: the last page gone, or half a page. */
	path = tpath("short.db");
	spit(path, buf, len - 4096);
	refused(path, "damaged SQLite database");
	spit(path, buf, len - 100);
	refused(path, "damaged SQLite database");
	free(path);

	/*
	 * Damaged inside, whole pages: every page after the schema's
	 * overwritten.  Refused at open, or at the first load.
	 */
	path = tpath("damaged.db");
	memset(buf + 4096, 0xa5, len - 4096);
	spit(path, buf, len);
	if ((r = replay_open(path, &cause)) != NULL) {
		m = new_model();
		assert_int_equal(replay_load(r, m, T(10), NULL, &cause), -1);
		model_free(m);
		replay_close(r);
	}
	if (strstr(cause, "damaged SQLite database") == NULL ||
	    strncmp(cause, path, strlen(path)) != 0)
		fail_msg("\"%s\"", cause);
	free(cause);
	free(buf);
	assert_non_null(buf = slurp(good, &len));
	free(path);

	/* Another program's SQLite file. */
	path = tpath("other.db");
	sql(path, "CREATE TABLE t (a); INSERT INTO t VALUES (1)");
	refused(path, "not a peertop history");
	free(path);

	path = tpath("newer.db");
	spit(path, buf, len);
	sql(path, "PRAGMA user_version = 99");
	refused(path, "schema version 99 is newer");
	free(path);

	/* An exclusive lock held by another connection. */
	path = tpath("locked.db");
	spit(path, buf, len);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = DELETE; "
	    "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
	    "INSERT INTO meta VALUES ('lock', 'held')", NULL, NULL, NULL),
	    SQLITE_OK);
	refused(path, "locked");
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	free(path);

	/* A directory. */
	path = tpath("dir.db");
	assert_int_equal(mkdir(path, 0700), 0);
	refused(path, "a directory, not a peertop history");
	assert_int_equal(stat(path, &sb), 0);
	free(path);

	free(buf);
	free(good);
}

/*
 * A history in a directory the reader cannot write (a copy handed over
 * for review): SQLite cannot make the -shm beside it, and with no -wal
 * there the file is read as immutable.  Root writes anywhere, so as root
 * the check runs in a child that has become nobody.
 */
static void
test_readonly_dir(void **state)
{
	struct replay	*r;
	char		*good, *dir, *path, *buf, *cause;
	size_t		 len;
	int64_t		 t;
	pid_t		 pid;
	int		 status;

	(void)state;
	good = history("ro-source.db");
	assert_non_null(buf = slurp(good, &len));
	dir = tpath("ro");
	assert_int_equal(mkdir(dir, 0755), 0);
	xasprintf(&path, "%s/h.db", dir);
	spit(path, buf, len);
	assert_int_equal(chmod(path, 0444), 0);
	assert_int_equal(chmod(dir, 0555), 0);
	assert_int_equal(chmod(tmpdir, 0711), 0);
	if ((pid = fork()) == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 ||
		    setuid(65534) != 0))
			_exit(2);
		if (access(dir, W_OK) == 0)
			_exit(3);	/* the test would prove nothing */
		if ((r = replay_open(path, &cause)) == NULL) {
			fprintf(stderr, "%s\n", cause);
			_exit(1);
		}
		status = replay_step(r, T(0), 1, &t) == 0 && t == T(0) + 1;
		replay_close(r);
		_exit(status ? 0 : 4);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(chmod(tmpdir, 0700), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	free(buf);
	free(path);
	free(dir);
	free(good);
}

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static int
setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	return (mkdtemp(tmpdir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	(void)state;
	return (nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_latency_raw),
		cmocka_unit_test(test_latency_minutes),
		cmocka_unit_test(test_latency_hours),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_odd_series),
		cmocka_unit_test(test_series_walk),
		cmocka_unit_test(test_schema5),
		cmocka_unit_test(test_crafted_times),
		cmocka_unit_test(test_change),
		cmocka_unit_test(test_counts_flaps),
		cmocka_unit_test(test_counts_writer),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_old_schema),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_no_sink),
		cmocka_unit_test(test_bytes_unchanged),
		cmocka_unit_test(test_live_writer),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_readonly_dir),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
