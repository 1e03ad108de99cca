/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/model.c: collector reports become transitions,
 * events, flap counts and sink calls; the event ring; lookups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/collector.h"
#include "core/model.h"
#include "tests/unit/unit.h"

static int	 sink_states, sink_reds, sink_events;
static enum bgp_state sink_old;

static void
sink_state(void *arg, const struct session *s, enum bgp_state old,
    int64_t when)
{
	sink_states++;
	sink_old = old;
}

static void
sink_red(void *arg, const struct partner *p, enum redundancy old,
    int64_t when)
{
	sink_reds++;
}

static void
sink_event(void *arg, struct event *ev)
{
	sink_events++;
}

static struct session *
add_session(struct model *m, struct partner *p, const char *name,
    const char *router, const char *nbr, const char *edge, enum role role)
{
	struct session	*s = calloc(1, sizeof *s);

	strlcpy_pt(s->name, name, sizeof s->name);
	strlcpy_pt(s->router, router, sizeof s->router);
	strlcpy_pt(s->edge, edge, sizeof s->edge);
	assert_int_equal(addr_parse(nbr, &s->neighbor), 0);
	s->role = role;
	s->partner = p;
	m->sessions = xreallocarray(m->sessions, m->nsessions + 1,
	    sizeof *m->sessions);
	m->sessions[m->nsessions++] = s;
	p->sessions = xreallocarray(p->sessions, p->nsessions + 1,
	    sizeof *p->sessions);
	p->sessions[p->nsessions++] = s;
	return (s);
}

static struct model *
lab_model(void)
{
	struct model	*m = model_new();
	struct partner	*p = calloc(1, sizeof *p);
	struct edge	 e = { .code = "lon", .metro = "London" };

	model_edge_set(m, &e);
	strlcpy_pt(e.code, "ams", sizeof e.code);
	model_edge_set(m, &e);
	strlcpy_pt(p->name, "contoso", sizeof p->name);
	p->asn = 65002;
	m->partners = xcalloc(1, sizeof *m->partners);
	m->partners[m->npartners++] = p;
	add_session(m, p, "lon-r1", "r1", "127.0.0.10", "lon", ROLE_PRIMARY);
	add_session(m, p, "lon-r2", "r2", "127.0.0.10", "lon", ROLE_PRIMARY);
	add_session(m, p, "ams-r3", "r3", "127.0.0.11", "ams", ROLE_BACKUP);
	m->sink = (struct model_sink){ .session_state = sink_state,
	    .redundancy = sink_red, .event = sink_event };
	sink_states = sink_reds = sink_events = 0;
	return (m);
}

static void
report(struct model *m, const char *name, enum bgp_state st, const char *err)
{
	struct session_report r = { .state = st, .remote_as = 8075,
	    .routes_imported = 3, .routes_exported = 5, .last_error = err };

	model_session_report(m, model_session_find(m, name), NULL, &r);
	turn(m);
}

static void
test_lookups(void **state)
{
	struct model	*m = lab_model();
	struct addr	 a;
	struct edge	 e = { .code = "lon", .metro = "Londinium" };

	addr_parse("127.0.0.10", &a);
	assert_string_equal(model_session_match(m, &a, "r2")->name, "lon-r2");
	assert_string_equal(model_session_match(m, &a, NULL)->name, "lon-r1");
	assert_null(model_session_match(m, &a, "r9"));
	assert_int_equal(model_edge_find(m, "AMS"), 1);
	assert_int_equal(model_edge_find(m, "sea"), -1);
	/* Setting an existing code overrides it in place. */
	assert_int_equal(model_edge_set(m, &e), 0);
	assert_string_equal(m->edges[0].metro, "Londinium");
	assert_int_equal(m->nedges, 2);
	assert_non_null(model_partner_find(m, "contoso"));
	assert_null(model_partner_find(m, "fabrikam"));
	assert_null(model_branch_find(m, "x"));
	model_free(m);
}

static void
test_transitions(void **state)
{
	struct model		*m = lab_model();
	struct session		*s = model_session_find(m, "lon-r1");
	const struct event	*ev;

	/*
	 * First sight of Established sessions, in one poll (a batch): the
	 * transitions are recorded, but no event is raised, not even for
	 * the half-read state after the first report.
	 */
	turn_begin();
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	report(m, "lon-r2", BGP_ESTABLISHED, NULL);
	assert_int_equal(m->partners[0]->red, RED_UNKNOWN);
	report(m, "ams-r3", BGP_ESTABLISHED, NULL);
	turn_end(m);
	assert_int_equal(m->nevents, 0);
	assert_int_equal(sink_states, 3);
	assert_int_equal(sink_old, BGP_UNKNOWN);
	assert_int_equal(s->remote_as, 8075);
	assert_int_equal(s->routes_exported, 5);
	assert_true(s->since_ms > 0);
	assert_int_equal(m->partners[0]->red, RED_REDUNDANT);
	assert_int_equal(model_worst(m), LVL_INFO);

	/* Same state again: no transition. */
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	assert_int_equal(sink_states, 3);

	/* Down with an error from the network: sanitised, an event, a flap. */
	sink_events = 0;
	report(m, "lon-r1", BGP_ACTIVE, "Received: \x1b[31mHold timer");
	assert_int_equal(sink_states, 4);
	assert_int_equal(s->flaps, 1);
	assert_string_equal(s->last_error, "Received: ?[31mHold timer");
	assert_int_equal(m->partners[0]->red, RED_DEGRADED);
	assert_true(sink_events >= 1);
	assert_true(sink_reds >= 1);
	ev = model_event(m, 0);
	assert_non_null(ev);
	assert_string_equal(ev->type, "SessionDown");
	assert_int_equal(ev->level, LVL_ERROR);
	assert_string_equal(ev->subject, "session lon-r1");
	assert_non_null(strstr(ev->summary, "Hold timer"));
	assert_int_equal(model_worst(m), LVL_WARNING);

	/* Back up: SessionUp. */
	report(m, "lon-r1", BGP_ESTABLISHED, "");
	ev = model_event(m, m->nevents - 1);
	assert_true(strcmp(ev->type, "SessionUp") == 0 ||
	    strcmp(ev->type, "RedundancyRestored") == 0);
	assert_int_equal(m->partners[0]->red, RED_REDUNDANT);

	/* Lost (collector down): Unknown, not a flap: we do not know. */
	model_session_lost(m, s);
	turn(m);
	assert_int_equal(s->state, BGP_UNKNOWN);
	assert_int_equal(s->flaps, 1);
	model_free(m);
}

/*
 * Across a collector outage the last known state counts: the same state
 * again is not news; a session that dropped meanwhile is.
 */
static void
test_outage(void **state)
{
	struct model		*m = lab_model();
	struct session		*s = model_session_find(m, "lon-r1");
	const struct event	*ev;
	size_t			 n;

	turn_begin();
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	report(m, "lon-r2", BGP_ESTABLISHED, NULL);
	report(m, "ams-r3", BGP_ESTABLISHED, NULL);
	turn_end(m);
	assert_int_equal(m->partners[0]->red, RED_REDUNDANT);

	/* Outage and back, all still up: nothing to say, no flap. */
	turn_begin();
	model_session_lost(m, s);
	turn(m);
	model_session_lost(m, model_session_find(m, "lon-r2"));
	turn(m);
	model_session_lost(m, model_session_find(m, "ams-r3"));
	turn(m);
	turn_end(m);
	assert_int_equal(m->partners[0]->red, RED_UNKNOWN);
	turn_begin();
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	report(m, "lon-r2", BGP_ESTABLISHED, NULL);
	report(m, "ams-r3", BGP_ESTABLISHED, NULL);
	turn_end(m);
	assert_int_equal(m->nevents, 0);
	assert_int_equal(s->flaps, 0);
	assert_int_equal(m->partners[0]->red, RED_REDUNDANT);

	/*
	 * lon-r1's collector alone goes down: redundancy can no longer be
	 * shown (DEGRADED); it comes back with the session down: SessionDown
	 * and a flap.
	 */
	model_session_lost(m, s);
	turn(m);
	assert_int_equal(m->partners[0]->red, RED_DEGRADED);
	assert_string_equal(model_event(m, m->nevents - 1)->type,
	    "RedundancyDegraded");
	report(m, "lon-r1", BGP_ACTIVE, "Hold timer expired");
	assert_int_equal(s->flaps, 1);
	assert_int_equal(m->partners[0]->red, RED_DEGRADED);
	n = m->nevents;
	assert_string_equal(model_event(m, n - 1)->type, "SessionDown");

	/* DEGRADED, outage, REDUNDANT: the restoration is still reported. */
	model_session_lost(m, s);
	turn(m);
	assert_int_equal(m->partners[0]->red, RED_DEGRADED);
	turn_begin();
	model_session_lost(m, model_session_find(m, "lon-r2"));
	turn(m);
	model_session_lost(m, model_session_find(m, "ams-r3"));
	turn(m);
	turn_end(m);
	assert_int_equal(m->partners[0]->red, RED_UNKNOWN);
	turn_begin();
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	report(m, "lon-r2", BGP_ESTABLISHED, NULL);
	report(m, "ams-r3", BGP_ESTABLISHED, NULL);
	turn_end(m);
	ev = model_event(m, m->nevents - 1);
	assert_string_equal(ev->type, "RedundancyRestored");
	assert_non_null(strstr(ev->summary, "(was DEGRADED)"));
	assert_string_equal(model_event(m, m->nevents - 2)->type, "SessionUp");
	model_free(m);
}

/* Three drops within the window: SessionFlapping; a quiet window: stable. */
static void
test_flapping(void **state)
{
	struct model	*m = lab_model();
	struct session	*s = model_session_find(m, "lon-r1");
	int		 i;

	turn_begin();
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	report(m, "lon-r2", BGP_ESTABLISHED, NULL);
	report(m, "ams-r3", BGP_ESTABLISHED, NULL);
	turn_end(m);
	for (i = 0; i < SESSION_FLAP_COUNT; i++) {
		assert_false(s->flapping);
		report(m, "lon-r1", BGP_IDLE, NULL);
		report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	}
	assert_true(s->flapping);
	assert_int_equal(s->flaps, SESSION_FLAP_COUNT);
	/* Raised once, right after the third SessionDown. */
	assert_string_equal(model_event(m, m->nevents - 4)->type,
	    "SessionFlapping");
	assert_non_null(strstr(model_event(m, m->nevents - 4)->summary,
	    "went down 3 times"));
	report(m, "lon-r1", BGP_IDLE, NULL);
	assert_string_equal(model_event(m, m->nevents - 1)->type,
	    "RedundancyDegraded");

	/* Established again, and the last drop a window ago: stable. */
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	assert_true(s->flapping);
	s->drops[s->flaps % SESSION_FLAP_COUNT] -= SESSION_FLAP_WINDOW_MS + 1;
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	assert_false(s->flapping);
	assert_string_equal(model_event(m, m->nevents - 1)->type,
	    "SessionStable");
	model_free(m);
}

/* Drops spread wider than the window are not flapping. */
static void
test_slow_flaps(void **state)
{
	struct model	*m = lab_model();
	struct session	*s = model_session_find(m, "lon-r1");
	int		 i;

	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	for (i = 0; i < 2 * SESSION_FLAP_COUNT; i++) {
		report(m, "lon-r1", BGP_IDLE, NULL);
		report(m, "lon-r1", BGP_ESTABLISHED, NULL);
		/* Age every recorded drop past the window. */
		for (int j = 0; j < SESSION_FLAP_COUNT; j++)
			if (s->drops[j] != 0)
				s->drops[j] -= SESSION_FLAP_WINDOW_MS + 1;
	}
	assert_false(s->flapping);
	assert_int_equal(s->flaps, 2 * SESSION_FLAP_COUNT);
	model_free(m);
}

static void
test_collector_state(void **state)
{
	struct model		*m = lab_model();
	struct collector	 c;
	const struct event	*ev;

	memset(&c, 0, sizeof c);
	strlcpy_pt(c.name, "bird r1", sizeof c.name);
	model_collector_state(m, &c, COL_DOWN, "cannot connect\x1b]0;x\x07");
	turn(m);
	assert_int_equal(c.state, COL_DOWN);
	assert_string_equal(c.error, "cannot connect?]0;x?");
	ev = model_event(m, m->nevents - 1);
	assert_string_equal(ev->type, "CollectorDown");
	assert_int_equal(model_worst(m), LVL_WARNING);
	model_collector_state(m, &c, COL_UP, NULL);
	turn(m);
	ev = model_event(m, m->nevents - 1);
	assert_string_equal(ev->type, "CollectorUp");
	assert_string_equal(c.error, "");
	assert_true(c.last_ok_mono > 0);
	model_free(m);
}

/* Verdicts wait until every collector has answered once. */
static void
test_settling(void **state)
{
	struct model		*m = lab_model();
	struct collector	 c1, c2;

	memset(&c1, 0, sizeof c1);
	memset(&c2, 0, sizeof c2);
	m->collectors = xcalloc(2, sizeof *m->collectors);
	m->collectors[0] = &c1;
	m->collectors[1] = &c2;
	m->ncollectors = 2;
	assert_false(model_settled(m));
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	model_collector_state(m, &c1, COL_UP, NULL);
	turn(m);
	assert_int_equal(m->partners[0]->red, RED_UNKNOWN);
	assert_non_null(strstr(m->partners[0]->reason, "waiting"));
	report(m, "lon-r2", BGP_ESTABLISHED, NULL);
	report(m, "ams-r3", BGP_ESTABLISHED, NULL);
	model_collector_state(m, &c2, COL_UP, NULL);
	turn(m);
	assert_true(model_settled(m));
	assert_int_equal(m->partners[0]->red, RED_REDUNDANT);
	assert_int_equal(m->nevents, 0);
	/* The collectors are on the stack: not the model's to free. */
	m->ncollectors = 0;
	model_free(m);
}

/* A report from collector c. */
static void
report_by(struct model *m, struct collector *c, const char *name,
    enum bgp_state st, const char *err, uint32_t routes)
{
	struct session_report r = { .state = st, .remote_as = 8075,
	    .routes_imported = routes, .last_error = err };

	model_session_report(m, model_session_find(m, name), c, &r);
	turn(m);
}

static void
two_collectors(struct model *m, struct collector *bird, struct collector *bmp)
{
	memset(bird, 0, sizeof *bird);
	memset(bmp, 0, sizeof *bmp);
	bird->ops = &collector_bird;
	bmp->ops = &collector_bmp;
	strlcpy_pt(bird->name, "bird r1", sizeof bird->name);
	strlcpy_pt(bmp->name, "bmp", sizeof bmp->name);
	bird->state = bmp->state = COL_UP;
	m->collectors = xcalloc(2, sizeof *m->collectors);
	m->collectors[0] = bird;
	m->collectors[1] = bmp;
	m->ncollectors = 2;
}

/*
 * BIRD polls the session every few seconds and BMP streams it: both keep
 * their own state, the last transition either reports wins, and a source
 * repeating its stale state neither moves the session nor raises events.
 */
static void
test_two_sources(void **state)
{
	struct model		*m = lab_model();
	struct session		*s = model_session_find(m, "lon-r1");
	struct collector	 bird, bmp;
	size_t			 n;

	two_collectors(m, &bird, &bmp);
	turn_begin();
	report_by(m, &bird, "lon-r1", BGP_ESTABLISHED, NULL, 10);
	report_by(m, &bird, "lon-r2", BGP_ESTABLISHED, NULL, 10);
	report_by(m, &bird, "ams-r3", BGP_ESTABLISHED, NULL, 10);
	turn_end(m);
	assert_string_equal(s->sources, "bird");
	assert_int_equal(sink_states, 3);

	/* BMP agrees: a second source, no transition, BIRD's details. */
	report_by(m, &bmp, "lon-r1", BGP_ESTABLISHED, "", 12);
	assert_string_equal(s->sources, "bird+bmp");
	assert_int_equal(sink_states, 3);
	assert_int_equal(m->nevents, 0);
	assert_ptr_equal(s->source, &bird);
	assert_int_equal(s->routes_imported, 10);

	/* BMP sees the Peer Down first: the session goes down once. */
	report_by(m, &bmp, "lon-r1", BGP_IDLE, "BMP Peer Down: Cease", 0);
	assert_int_equal(s->state, BGP_IDLE);
	assert_int_equal(sink_states, 4);
	assert_int_equal(s->flaps, 1);
	assert_ptr_equal(s->source, &bmp);
	assert_string_equal(s->last_error, "BMP Peer Down: Cease");
	n = m->nevents;
	assert_string_equal(model_event(m, n - 1)->type, "RedundancyDegraded");

	/* BIRD's next poll still says Established (stale): nothing moves. */
	report_by(m, &bird, "lon-r1", BGP_ESTABLISHED, NULL, 10);
	assert_int_equal(s->state, BGP_IDLE);
	assert_int_equal(sink_states, 4);
	assert_int_equal(m->nevents, n);
	assert_string_equal(s->last_error, "BMP Peer Down: Cease");
	assert_int_equal(s->routes_imported, 0);

	/* BIRD then sees it too: same effective state, no second event. */
	report_by(m, &bird, "lon-r1", BGP_ACTIVE, "Received: Cease", 0);
	assert_int_equal(s->state, BGP_ACTIVE);
	assert_int_equal(sink_states, 5);
	assert_int_equal(s->flaps, 1);
	report_by(m, &bmp, "lon-r1", BGP_IDLE, "BMP Peer Down: Cease", 0);
	assert_int_equal(s->state, BGP_ACTIVE);
	assert_int_equal(sink_states, 5);

	/* BMP's Peer Up: Established, and the stale error is cleared. */
	report_by(m, &bmp, "lon-r1", BGP_ESTABLISHED, "", 11);
	assert_int_equal(s->state, BGP_ESTABLISHED);
	assert_string_equal(s->last_error, "");
	assert_int_equal(sink_states, 6);
	assert_string_equal(model_event(m, m->nevents - 1)->type,
	    "RedundancyRestored");
	n = m->nevents;
	/* BIRD catches up: no second SessionUp. */
	report_by(m, &bird, "lon-r1", BGP_ESTABLISHED, NULL, 10);
	assert_int_equal(sink_states, 6);
	assert_int_equal(m->nevents, n);
	assert_string_equal(s->sources, "bird+bmp");

	/* The BMP router goes away: BIRD still reports it, nothing moves. */
	model_session_lost_by(m, s, &bmp);
	turn(m);
	assert_int_equal(s->state, BGP_ESTABLISHED);
	assert_string_equal(s->sources, "bird");
	assert_int_equal(sink_states, 6);
	/* BIRD goes too: now nobody knows. */
	model_session_lost_by(m, s, &bird);
	turn(m);
	assert_int_equal(s->state, BGP_UNKNOWN);
	assert_string_equal(s->sources, "");
	assert_int_equal(sink_states, 7);
	assert_int_equal(s->flaps, 1);

	m->ncollectors = 0;
	model_free(m);
}

/* A source lost while the other still saw a different state: its word. */
static void
test_lost_by_switches(void **state)
{
	struct model		*m = lab_model();
	struct session		*s = model_session_find(m, "lon-r1");
	struct collector	 bird, bmp;

	two_collectors(m, &bird, &bmp);
	report_by(m, &bird, "lon-r1", BGP_ACTIVE, "Connection refused", 0);
	report_by(m, &bmp, "lon-r1", BGP_ESTABLISHED, "", 5);
	assert_int_equal(s->state, BGP_ESTABLISHED);
	assert_int_equal(sink_states, 2);
	model_session_lost_by(m, s, &bmp);
	turn(m);
	assert_int_equal(s->state, BGP_ACTIVE);
	assert_ptr_equal(s->source, &bird);
	assert_int_equal(sink_states, 3);
	m->ncollectors = 0;
	model_free(m);
}

/* An Established report without error text clears the stale one. */
static void
test_up_clears_error(void **state)
{
	struct model		*m = lab_model();
	struct session		*s = model_session_find(m, "lon-r1");

	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	report(m, "lon-r1", BGP_IDLE, "BMP Peer Down: Cease");
	assert_string_equal(s->last_error, "BMP Peer Down: Cease");
	report(m, "lon-r1", BGP_ESTABLISHED, NULL);
	assert_string_equal(s->last_error, "");
	model_free(m);
}

static int	 fake_ready;

static int
fake_settled(const struct collector *c)
{
	return (fake_ready);
}

/* --once waits for model_synced(): a collector's settled hook too. */
static void
test_synced(void **state)
{
	struct model		*m = lab_model();
	struct collector_ops	 ops = { .name = "fake",
	    .settled = fake_settled };
	struct collector	 c;

	memset(&c, 0, sizeof c);
	c.ops = &ops;
	m->collectors = xcalloc(1, sizeof *m->collectors);
	m->collectors[0] = &c;
	m->ncollectors = 1;
	fake_ready = 0;
	assert_false(model_synced(m));
	model_collector_state(m, &c, COL_UP, NULL);
	turn(m);
	assert_true(model_settled(m));
	assert_false(model_synced(m));
	fake_ready = 1;
	assert_true(model_synced(m));
	/* A collector that is down has nothing more to wait for. */
	fake_ready = 0;
	model_collector_state(m, &c, COL_DOWN, "gone");
	turn(m);
	assert_true(model_synced(m));
	m->ncollectors = 0;
	model_free(m);
}

static void
test_event_ring(void **state)
{
	struct model	*m = model_new();
	size_t		 i;

	for (i = 0; i < MODEL_EVENTS_MAX + 10; i++)
		model_eventf(m, "Test", i % 2 ? LVL_WARNING : LVL_INFO,
		    "test", NULL, "event %zu", i);
	assert_int_equal(m->nevents, MODEL_EVENTS_MAX);
	assert_string_equal(model_event(m, 0)->summary, "event 10");
	assert_string_equal(model_event(m, MODEL_EVENTS_MAX - 1)->summary,
	    "event 1033");
	assert_null(model_event(m, MODEL_EVENTS_MAX));
	assert_int_equal(m->level_counts[LVL_INFO] +
	    m->level_counts[LVL_WARNING], MODEL_EVENTS_MAX);
	assert_int_equal(m->level_counts[LVL_WARNING], MODEL_EVENTS_MAX / 2);
	assert_true(model_event(m, 1)->id > model_event(m, 0)->id);
	model_free(m);
}

static void
test_names(void **state)
{
	assert_string_equal(bgp_state_name(BGP_ESTABLISHED), "Established");
	assert_int_equal(bgp_state_from_name("openconfirm"), BGP_OPENCONFIRM);
	assert_int_equal(bgp_state_from_name("bogus"), -1);
	assert_string_equal(redundancy_name(RED_NOBACKUP), "NO-BACKUP");
	assert_string_equal(level_name(LVL_CRITICAL), "Critical");
	assert_string_equal(role_name(ROLE_BACKUP), "backup");
	assert_non_null(collector_find("bird"));
	assert_null(collector_find("bmp-nope"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_outage),
		cmocka_unit_test(test_flapping),
		cmocka_unit_test(test_slow_flaps),
		cmocka_unit_test(test_collector_state),
		cmocka_unit_test(test_settling),
		cmocka_unit_test(test_two_sources),
		cmocka_unit_test(test_lost_by_switches),
		cmocka_unit_test(test_up_clears_error),
		cmocka_unit_test(test_synced),
		cmocka_unit_test(test_event_ring),
		cmocka_unit_test(test_names),
	};
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
