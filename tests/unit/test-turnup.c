/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/turnup.c: a model driven through a turn-up by hand
 * (the collectors' reports as they would come), the checklist judged
 * after each step: collectors, the FSM with its step times, a wrong
 * neighbor AS, capabilities from a BMP Peer Up, the prefixes in the
 * Azure portal's words, max-prefix headroom, latency, redundancy, RPKI
 * left unchecked, a check that was green and fell back, the scope, and
 * the record in each format.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/collect-bmp.h"
#include "core/collector.h"
#include "core/config.h"
#include "core/latency-mon.h"
#include "core/model.h"
#include "core/turnup.h"
#include "core/util.h"
#include "core/vrp.h"

static const char conf[] =
    "partner \"isp\" as 64500 {\n"
    "\tsession \"sea-r1\" neighbor 192.0.2.1 router \"r1\" edge sea "
    "role primary max-prefix 100\n"
    "\tsession \"sea-r2\" neighbor 192.0.2.2 router \"r2\" edge sea "
    "role primary\n"
    "\tsession \"lax-r1\" neighbor 192.0.2.3 router \"r3\" edge lax "
    "role backup\n"
    "}\n"
    "branch \"hq\" {\n"
    "\tpartner \"isp\"\n"
    "\taddress 203.0.113.10\n"
    "\tprefix 203.0.113.0/24 origin 64500\n"
    "\tlocation 47.6 -122.3\n"
    "}\n";

#define T0	1700000000000LL

/* The fake BMP router's one peer, as a test sets it. */
static struct bmp_peer_info fake_peer;
/* The model's VRPs from a JSON text (a collector's, standalone). */
static struct vrp_index	*test_vrps;

static void
rpki_vrps(struct model *m, const char *json)
{
	struct vrp_set	*set = vrp_set_new();
	char		*cause = NULL;

	if (vrp_set_load_buf(set, "t.json", json, strlen(json), &cause) != 0)
		fail_msg("%s", cause);
	vrp_index_free(test_vrps);
	m->vrps = test_vrps = vrp_index_new(set);
	vrp_set_free(set);
}

static int fake_npeers;

static size_t
fake_routers(const struct collector *c)
{
	(void)c;
	return (1);
}

static int
fake_router(const struct collector *c, size_t i, struct bmp_router_info *ri)
{
	(void)c;
	if (i != 0)
		return (0);
	memset(ri, 0, sizeof *ri);
	strlcpy_pt(ri->name, "r1", sizeof ri->name);
	return (1);
}

static int
fake_peer_info(const struct collector *c, size_t i, size_t j,
    struct bmp_peer_info *pi)
{
	(void)c;
	if (i != 0 || (int)j >= fake_npeers)
		return (0);
	*pi = fake_peer;
	return (1);
}

static const struct bmp_info_ops fake_ops = {
	fake_routers, fake_router, fake_peer_info, NULL
};

struct fix {
	struct model	*m;
	struct collector *bird, *bmp;
	struct turnup	*t;
};

static struct collector *
add_collector(struct model *m, const struct collector_ops *ops,
    const char *name)
{
	struct collector	*c = xcalloc(1, sizeof *c);

	c->ops = ops;
	strlcpy_pt(c->name, name, sizeof c->name);
	m->collectors = xreallocarray(m->collectors, m->ncollectors + 1,
	    sizeof *m->collectors);
	m->collectors[m->ncollectors++] = c;
	return (c);
}

static int
setup(void **state)
{
	static const struct edge edges[] = {
		{ "sea", "Seattle", "US", 47.61, -122.33, "ER|PL" },
		{ "lax", "Los Angeles", "US", 34.05, -118.24, "ER|PL" },
		{ "ams", "Amsterdam", "NL", 52.37, 4.90, "ER|PL|PS" },
	};
	struct fix	*f = xcalloc(1, sizeof *f);
	char		*cause = NULL;
	size_t		 i;

	f->m = model_new();
	for (i = 0; i < nitems(edges); i++)
		model_edge_set(f->m, &edges[i]);
	if (config_parse_buffer(f->m, "t.conf", conf, strlen(conf),
	    &cause) != 0)
		fail_msg("config: %s", cause);
	f->bird = add_collector(f->m, &collector_bird, "bird r1");
	f->bmp = add_collector(f->m, &collector_bmp, "bmp");
	f->bmp->bmp_info = &fake_ops;
	memset(&fake_peer, 0, sizeof fake_peer);
	fake_npeers = 0;
	f->t = turnup_new(f->m, "isp", &cause);
	if (f->t == NULL)
		fail_msg("turnup_new: %s", cause);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	turnup_free(f->t);
	model_free(f->m);
	free(f);
	return (0);
}

/* The check with this subject. */
static struct turnup_check *
check(struct fix *f, const char *subject)
{
	size_t	 i;

	for (i = 0; i < f->t->nchecks; i++)
		if (strcmp(f->t->checks[i].subject, subject) == 0)
			return (&f->t->checks[i]);
	fail_msg("no check \"%s\"", subject);
	return (NULL);
}

/* A session's state as a collector reports it at time ms. */
static void
report(struct fix *f, struct collector *c, const char *name,
    enum bgp_state st, int64_t ms, const char *error)
{
	struct session_report	 r;

	memset(&r, 0, sizeof r);
	r.state = st;
	r.since_ms = ms;
	r.last_error = error;
	model_session_report(f->m, model_session_find(f->m, name), c, &r);
}

static void
expect(struct fix *f, const char *subject, enum turnup_state st,
    const char *words)
{
	struct turnup_check	*ck = check(f, subject);

	if (ck->state != st)
		fail_msg("%s: %s (%s), want %s", subject,
		    turnup_state_name(ck->state), ck->reason,
		    turnup_state_name(st));
	if (words != NULL && strstr(ck->reason, words) == NULL)
		fail_msg("%s: \"%s\" lacks \"%s\"", subject, ck->reason,
		    words);
}

/* The checks are made in the order, the verdict waits. */
static void
test_turnup_build(void **state)
{
	struct fix		*f = *state;
	struct collector	*c;

	assert_int_equal(f->t->nsessions, 3);
	assert_int_equal(f->t->checks[0].kind, TU_COLLECTOR);
	assert_int_equal(f->t->checks[f->t->nchecks - 1].kind,
	    TU_REDUNDANCY);
	turnup_eval(f->t, T0);
	assert_int_equal(f->t->verdict, TU_WAITING);
	assert_int_equal(f->t->start_ms, 0);
	expect(f, "bird r1", TU_WAITING, "no answer");
	expect(f, "session sea-r1", TU_WAITING, "no collector");
	expect(f, "prefix 203.0.113.0/24", TU_WAITING, "no session");
	expect(f, "max-prefix sea-r1", TU_WAITING, NULL);
	/* Nothing measures hq: latency cannot be checked. */
	expect(f, "latency hq -> sea", TU_UNCHECKED,
	    "no latency source measures hq");
	add_collector(f->m, &collector_probe, "probe");
	turnup_eval(f->t, T0);
	expect(f, "latency hq -> sea", TU_WAITING, "no samples");
	expect(f, "latency hq -> lax", TU_WAITING, NULL);
	/* RPKI has no source: never green, never a fake pass. */
	expect(f, "rpki", TU_UNCHECKED,
	    "not checked (no rpki source configured)");
	/* A source that is not up cannot vouch for anything. */
	c = add_collector(f->m, &collector_rpki, "rpki file");
	c->state = COL_DOWN;
	strlcpy_pt(c->error, "roas[14]: prefix: host bits set",
	    sizeof c->error);
	turnup_eval(f->t, T0);
	expect(f, "rpki", TU_WAITING, "rpki file is down: roas[14]: prefix: "
	    "host bits set: cannot tell");
	/* Up, without VRPs yet: nothing to say either. */
	c->state = COL_UP;
	turnup_eval(f->t, T0);
	expect(f, "rpki", TU_WAITING, "no VRPs loaded yet");
	/* A viewer: the route monitor's flags judge the prefixes. */
	f->m->replica = 1;
	turnup_eval(f->t, T0);
	expect(f, "rpki", TU_GREEN, "1 prefix RPKI valid");
	/* RPKI green before any session moved: the turn-up has not begun. */
	assert_int_equal(f->t->start_ms, 0);
	f->m->branches[0]->prefixes[0].flags |= PFX_RPKI_NOTFOUND;
	turnup_eval(f->t, T0);
	expect(f, "rpki", TU_GREEN, "none RPKI invalid; 1 of 1 prefix has no "
	    "ROA (203.0.113.0/24)");
	assert_ptr_equal(check(f, "rpki")->p,
	    &f->m->branches[0]->prefixes[0]);
	f->m->branches[0]->prefixes[0].flags |= PFX_RPKI_INVALID;
	turnup_eval(f->t, T0);
	expect(f, "rpki", TU_FAILED, "Prefix 203.0.113.0/24: a route for it "
	    "is RPKI invalid: Microsoft drops RPKI-invalid routes");
	f->m->replica = 0;
	f->m->branches[0]->prefixes[0].flags = 0;
	/*
	 * With the VRPs: the registered origin's own state, not another
	 * AS's more-specific; the ROAs that make it invalid are named.
	 */
	rpki_vrps(f->m, "{\"roas\": [{\"prefix\": \"203.0.113.0/24\", "
	    "\"maxLength\": 24, \"asn\": 64500, \"ta\": \"t\"}]}");
	f->m->branches[0]->prefixes[0].flags = PFX_RPKI_INVALID;	/* a /25 */
	turnup_eval(f->t, T0);
	expect(f, "rpki", TU_GREEN, "1 prefix RPKI valid");
	rpki_vrps(f->m, "{\"roas\": [{\"prefix\": \"203.0.113.0/24\", "
	    "\"maxLength\": 24, \"asn\": 64999, \"ta\": \"t\"}]}");
	turnup_eval(f->t, T0);
	expect(f, "rpki", TU_FAILED, "Prefix 203.0.113.0/24 (AS64500) is RPKI "
	    "invalid-origin, ROAs: 203.0.113.0/24-24 AS64999: Microsoft drops "
	    "RPKI-invalid routes");
	vrp_index_free(test_vrps);
	f->m->vrps = test_vrps = NULL;
	f->m->branches[0]->prefixes[0].flags = 0;
	/*
	 * From a history: the source's state is not recorded (its
	 * collector never comes up there), the prefixes' RPKI flags are.
	 */
	c->state = COL_STARTING;
	f->m->replay_ms = T0;
	f->t->history = 1;
	turnup_eval(f->t, T0);
	expect(f, "rpki", TU_GREEN, "1 prefix RPKI valid");
	f->m->branches[0]->prefixes[0].flags = PFX_RPKI_INVALID;
	turnup_eval(f->t, T0);
	expect(f, "rpki", TU_FAILED, "Prefix 203.0.113.0/24: a route for it "
	    "is RPKI invalid");
	f->m->branches[0]->prefixes[0].flags = 0;
	f->t->history = 0;
	f->m->replay_ms = 0;
}

/*
 * The FSM moving step by step, each step timestamped; the check turns
 * green at the Established step's time, and the turn-up starts at the
 * first step out of waiting.
 */
static void
test_turnup_fsm(void **state)
{
	struct fix	*f = *state;
	struct session	*s = model_session_find(f->m, "sea-r1");
	const struct session_step *st;

	model_collector_state(f->m, f->bird, COL_UP, NULL);
	report(f, f->bird, "sea-r1", BGP_ADMIN_DOWN, T0, NULL);
	turnup_eval(f->t, T0 + 100);
	expect(f, "bird r1", TU_GREEN, NULL);
	/* Up since it was set, on the monotonic clock: the look's time
	 * less the milliseconds that passed since (a slow machine's). */
	assert_true(check(f, "bird r1")->green_ms <= T0 + 100 &&
	    check(f, "bird r1")->green_ms > T0 + 100 - 1000);
	expect(f, "session sea-r1", TU_WAITING, "admin down");
	assert_int_equal(f->t->start_ms, 0);

	report(f, f->bird, "sea-r1", BGP_CONNECT, T0 + 1000, NULL);
	turnup_eval(f->t, T0 + 1000);
	expect(f, "session sea-r1", TU_PROGRESS, "Connect since");
	assert_int_equal(f->t->verdict, TU_PROGRESS);
	assert_int_equal(f->t->start_ms, T0 + 1000);
	report(f, f->bird, "sea-r1", BGP_OPENSENT, T0 + 1500, NULL);
	report(f, f->bird, "sea-r1", BGP_OPENCONFIRM, T0 + 1600, NULL);
	turnup_eval(f->t, T0 + 1700);
	expect(f, "session sea-r1", TU_PROGRESS, "OpenConfirm");
	report(f, f->bird, "sea-r1", BGP_ESTABLISHED, T0 + 1800, NULL);
	turnup_eval(f->t, T0 + 2500);
	expect(f, "session sea-r1", TU_GREEN,
	    "AdminDown > Connect > OpenSent > OpenConfirm > Established");
	assert_int_equal(check(f, "session sea-r1")->green_ms, T0 + 1800);
	assert_int_equal(check(f, "session sea-r1")->left_ms, T0 + 1000);

	assert_int_equal(model_session_nsteps(s), 5);
	st = model_session_step_at(s, 1);
	assert_int_equal(st->state, BGP_CONNECT);
	assert_int_equal(st->ms, T0 + 1000);
	st = model_session_step_at(s, 4);
	assert_int_equal(st->state, BGP_ESTABLISHED);
	assert_int_equal(st->ms, T0 + 1800);
	assert_null(model_session_step_at(s, 5));

	/* It drops without an error: green once, so it failed. */
	report(f, f->bird, "sea-r1", BGP_ACTIVE, T0 + 9000, NULL);
	turnup_eval(f->t, T0 + 9000);
	expect(f, "session sea-r1", TU_FAILED, "no longer green: Active");
	assert_int_equal(f->t->verdict, TU_FAILED);
	/* And back: green again, its first green time kept. */
	report(f, f->bird, "sea-r1", BGP_ESTABLISHED, T0 + 9500, NULL);
	turnup_eval(f->t, T0 + 9600);
	expect(f, "session sea-r1", TU_GREEN, NULL);
	assert_int_equal(check(f, "session sea-r1")->green_ms, T0 + 1800);
}

/*
 * A session reported for the first time already Established: green at
 * its Established time, although the view looked before (Unknown says
 * nothing); one seen Idle first is green at its step, not before.
 */
static void
test_turnup_known_late(void **state)
{
	struct fix	*f = *state;

	turnup_eval(f->t, T0);
	expect(f, "session sea-r1", TU_WAITING, "no collector");
	report(f, f->bird, "sea-r1", BGP_ESTABLISHED, T0 - 86400000, NULL);
	turnup_eval(f->t, T0 + 1000);
	expect(f, "session sea-r1", TU_GREEN, NULL);
	assert_int_equal(check(f, "session sea-r1")->green_ms, T0 - 86400000);

	report(f, f->bird, "sea-r2", BGP_IDLE, T0 - 5000, NULL);
	turnup_eval(f->t, T0 + 2000);
	report(f, f->bird, "sea-r2", BGP_ESTABLISHED, T0 + 2500, NULL);
	turnup_eval(f->t, T0 + 3000);
	assert_int_equal(check(f, "session sea-r2")->green_ms, T0 + 2500);
}

/*
 * BIRD is polled and says its times in whole seconds: a look can see the
 * session still Connect after it came up, and the poll after says
 * "Established since" a time before that look. That since is the first
 * green, not the time of the poll that brought it (the lab test saw the
 * FSM green after its own Peer Up and after the partner's redundancy).
 */
static void
test_turnup_stale_look(void **state)
{
	struct fix	*f = *state;

	model_collector_state(f->m, f->bird, COL_UP, NULL);
	report(f, f->bird, "sea-r1", BGP_CONNECT, T0 + 1000, NULL);
	turnup_eval(f->t, T0 + 1400);
	expect(f, "session sea-r1", TU_PROGRESS, "Connect since");
	report(f, f->bird, "sea-r1", BGP_ESTABLISHED, T0 + 1000, NULL);
	turnup_eval(f->t, T0 + 1900);
	expect(f, "session sea-r1", TU_GREEN, NULL);
	assert_int_equal(check(f, "session sea-r1")->green_ms, T0 + 1000);
	/* Never before the turn-up's start, never after the look. */
	assert_true(check(f, "session sea-r1")->green_ms >= f->t->start_ms);
}

/*
 * A record made later (peertop turnup asking a running collector): its
 * one look finds everything done, and the timeline still says when each
 * change happened, in time order, not all at the time of the look.
 */
static void
test_turnup_late_timeline(void **state)
{
	struct fix	*f = *state;
	size_t		 i;
	int		 fsm = 0;

	model_collector_state(f->m, f->bird, COL_UP, NULL);
	report(f, f->bird, "sea-r2", BGP_CONNECT, T0 + 1000, NULL);
	report(f, f->bird, "sea-r2", BGP_ESTABLISHED, T0 + 1800, NULL);
	report(f, f->bird, "sea-r1", BGP_ESTABLISHED, T0 + 900, NULL);
	turnup_eval(f->t, T0 + 60000);
	assert_true(f->t->ntimeline > 2);
	for (i = 0; i < f->t->ntimeline; i++) {
		if (i > 0)
			assert_true(f->t->timeline[i - 1].ms <=
			    f->t->timeline[i].ms);
		if (f->t->checks[f->t->timeline[i].check].kind != TU_FSM)
			continue;
		fsm++;
		assert_int_equal(f->t->timeline[i].state, TU_GREEN);
		/* sea-r1 first: it came up first. */
		assert_string_equal(
		    f->t->checks[f->t->timeline[i].check].subject,
		    fsm == 1 ? "session sea-r1" : "session sea-r2");
		assert_int_equal(f->t->timeline[i].ms,
		    fsm == 1 ? T0 + 900 : T0 + 1800);
	}
	assert_int_equal(fsm, 2);
}

/*
 * A wrong neighbor AS: the NOTIFICATION in words, failed, saying whose
 * AS was refused.
 */
static void
test_turnup_wrong_as(void **state)
{
	struct fix		*f = *state;
	struct session		*s = model_session_find(f->m, "sea-r2");
	struct session_report	 r;

	model_collector_state(f->m, f->bird, COL_UP, NULL);
	report(f, f->bird, "sea-r2", BGP_IDLE, T0, NULL);
	turnup_eval(f->t, T0);
	expect(f, "session sea-r2", TU_WAITING, "Idle since");
	report(f, f->bird, "sea-r2", BGP_OPENSENT, T0 + 1000, NULL);
	report(f, f->bird, "sea-r2", BGP_IDLE, T0 + 1100,
	    "Received: Bad peer AS");
	turnup_eval(f->t, T0 + 1200);
	expect(f, "session sea-r2", TU_FAILED, "Idle: Received: Bad peer AS");
	assert_int_equal(f->t->verdict, TU_FAILED);
	assert_int_equal(turnup_worst(f->t),
	    (int)(check(f, "session sea-r2") - f->t->checks));
	/* The timeline has the failure in words, at the step that failed
	 * (the look came after it). */
	assert_true(f->t->ntimeline > 0);
	assert_int_equal(f->t->timeline[f->t->ntimeline - 1].state,
	    TU_FAILED);
	assert_int_equal(f->t->timeline[f->t->ntimeline - 1].ms, T0 + 1100);
	assert_string_equal(f->t->timeline[f->t->ntimeline - 1].reason,
	    "Idle: Received: Bad peer AS (the neighbor refused this "
	    "router's AS; isp is AS64500)");
	/* The step keeps the error it had. */
	assert_string_equal(model_session_step_at(s,
	    model_session_nsteps(s) - 1)->error, "Received: Bad peer AS");

	/* BIRD refused the neighbor's AS: the one it expects, named. */
	memset(&r, 0, sizeof r);
	r.state = BGP_IDLE;
	r.since_ms = T0 + 2000;
	r.remote_as = 8076;
	r.last_error = "BGP Error: Bad peer AS";
	model_session_report(f->m, s, f->bird, &r);
	turnup_eval(f->t, T0 + 2100);
	expect(f, "session sea-r2", TU_FAILED, "Idle: BGP Error: Bad peer AS "
	    "(this router expects AS8076; Microsoft is AS8075)");
	/* Any other error is left as it came. */
	r.since_ms = T0 + 3000;
	r.last_error = "BGP Error: Hold timer expired";
	model_session_report(f->m, s, f->bird, &r);
	turnup_eval(f->t, T0 + 3100);
	assert_string_equal(check(f, "session sea-r2")->reason,
	    "Idle: BGP Error: Hold timer expired");
}

/* Capabilities from the Peer Up's OPENs, expected against agreed. */
static void
test_turnup_caps(void **state)
{
	struct fix	*f = *state;

	turnup_eval(f->t, T0);
	expect(f, "capabilities sea-r1", TU_WAITING, "no BMP Peer Up");
	fake_npeers = 1;
	strlcpy_pt(fake_peer.session, "sea-r1", sizeof fake_peer.session);
	fake_peer.up = 1;
	fake_peer.caps_known = 1;
	fake_peer.caps_local = BMP_CAP_AS4 | BMP_CAP_IPV4 | BMP_CAP_RR;
	fake_peer.caps_remote = BMP_CAP_AS4 | BMP_CAP_IPV4;
	model_session_find(f->m, "sea-r1")->role_sent = BGP_ROLE_PEER;
	turnup_eval(f->t, T0 + 1000);
	expect(f, "capabilities sea-r1", TU_FAILED,
	    "not agreed: route refresh (sent route refresh; received none)");
	fake_peer.caps_remote |= BMP_CAP_RR | BMP_CAP_ADDPATH;
	fake_peer.caps_local |= BMP_CAP_ADDPATH | BMP_CAP_GR;
	turnup_eval(f->t, T0 + 2000);
	expect(f, "capabilities sea-r1", TU_GREEN,
	    "agreed: 4-octet AS, IPv4 unicast, route refresh, ADD-PATH; BGP "
	    "role: peer, none");
	expect(f, "capabilities sea-r2", TU_WAITING, NULL);
	/* The session goes down: what it agreed is not agreed now. */
	fake_peer.up = 0;
	turnup_eval(f->t, T0 + 3000);
	expect(f, "capabilities sea-r1", TU_FAILED, "no longer green: the "
	    "session is down (its last Peer Up agreed 4-octet AS");
	fake_peer.up = 1;
}

/* Bring every session up through BMP, past the first table's grace. */
static void
all_up(struct fix *f)
{
	model_collector_state(f->m, f->bmp, COL_UP, NULL);
	report(f, f->bmp, "sea-r1", BGP_ESTABLISHED, T0, NULL);
	report(f, f->bmp, "sea-r2", BGP_ESTABLISHED, T0, NULL);
	report(f, f->bmp, "lax-r1", BGP_ESTABLISHED, T0, NULL);
	model_session_find(f->m, "sea-r1")->routes_loading = 0;
	model_session_find(f->m, "sea-r2")->routes_loading = 0;
	model_session_find(f->m, "lax-r1")->routes_loading = 0;
}

/* The prefix checks, each failure in the Azure portal's words. */
static void
test_turnup_prefix(void **state)
{
	struct fix		*f = *state;
	struct branch_prefix	*p = &f->m->branches[0]->prefixes[0];
	const char		*pfx = "prefix 203.0.113.0/24";

	all_up(f);
	turnup_eval(f->t, T0 + 1000);
	expect(f, pfx, TU_PROGRESS, "waiting for the first table");
	turnup_eval(f->t, T0 + 60000);
	expect(f, pfx, TU_FAILED, "Prefix wasn't received on sea-r1, sea-r2, "
	    "lax-r1");

	p->seen = 1;
	strlcpy_pt(p->carried, "sea-r1 lax-r1", sizeof p->carried);
	p->flags = PFX_NO8007;
	turnup_eval(f->t, T0 + 61000);
	expect(f, pfx, TU_FAILED, "Prefix wasn't received on sea-r2; Prefix "
	    "doesn't have a valid BGP community (8075:8007)");

	strlcpy_pt(p->carried, "sea-r1 sea-r2", sizeof p->carried);
	p->flags = PFX_NOBACKUP | PFX_LONGPATH | PFX_PRIVATE;
	turnup_eval(f->t, T0 + 62000);
	expect(f, pfx, TU_FAILED, "Backup route not found; Prefix received "
	    "with longer AS path(>3); Prefix received with private AS in the "
	    "path");

	strlcpy_pt(p->carried, "sea-r1 sea-r2 lax-r1", sizeof p->carried);
	strlcpy_pt(p->best_path, "64500", sizeof p->best_path);
	p->flags = 0;
	turnup_eval(f->t, T0 + 63000);
	expect(f, pfx, TU_GREEN, "received on sea-r1 sea-r2 lax-r1 with "
	    "8075:8007");
	assert_int_equal(check(f, pfx)->green_ms, T0 + 63000);

	/* Scoped to lax: only lax-r1 must carry it. */
	turnup_free(f->t);
	assert_non_null(f->t = turnup_new(f->m, "isp/lax", NULL));
	assert_int_equal(f->t->nsessions, 1);
	strlcpy_pt(p->carried, "sea-r1", sizeof p->carried);
	turnup_eval(f->t, T0 + 64000);
	expect(f, pfx, TU_FAILED, "Prefix wasn't received on lax-r1");
}

/* Counts against max-prefix with the headroom. */
static void
test_turnup_maxpfx(void **state)
{
	struct fix	*f = *state;
	struct session	*s = model_session_find(f->m, "sea-r1");

	all_up(f);
	s->routes_imported = 95;
	s->routes_exported = 2;
	turnup_eval(f->t, T0 + 1000);
	expect(f, "max-prefix sea-r1", TU_FAILED, "received 95, advertised 2 "
	    "of max-prefix 100: 5% headroom");
	s->routes_imported = 10;
	turnup_eval(f->t, T0 + 2000);
	expect(f, "max-prefix sea-r1", TU_GREEN, "90% headroom");
	s->routes_imported = 101;
	turnup_eval(f->t, T0 + 3000);
	expect(f, "max-prefix sea-r1", TU_FAILED, "over max-prefix 100");
	expect(f, "max-prefix sea-r2", TU_UNCHECKED, "no max-prefix");
}

/* Latency to the edge, and redundancy with its reason until it holds. */
static void
test_turnup_latency_redundancy(void **state)
{
	struct fix	*f = *state;
	struct branch	*b = f->m->branches[0];
	struct partner	*p = f->m->partners[0];
	struct latlink	*l;
	int		 i;

	l = latency_mon_link_get(f->m, b, model_edge_find(f->m, "sea"),
	    "192.0.2.100");
	assert_non_null(l);
	for (i = 0; i < 10; i++)
		latency_mon_sample(f->m, b, model_edge_find(f->m, "sea"),
		    "192.0.2.100", LAT_PROBE, T0 + i * 1000, 12000);
	latency_mon_eval(f->m);
	turnup_eval(f->t, T0 + 10000);
	expect(f, "latency hq -> sea", TU_GREEN, "median 12.0 ms, loss 0%");
	expect(f, "latency hq -> lax", TU_UNCHECKED, NULL);

	all_up(f);
	p->red = RED_DEGRADED;
	strlcpy_pt(p->reason, "primary sea: 1 of 2 routers Established",
	    sizeof p->reason);
	turnup_eval(f->t, T0 + 11000);
	expect(f, "partner isp", TU_PROGRESS,
	    "DEGRADED: primary sea: 1 of 2 routers Established");
	p->red = RED_REDUNDANT;
	p->red_since_ms = T0 + 11500;
	strlcpy_pt(p->reason, "primary sea: 2 routers up; backup lax: up",
	    sizeof p->reason);
	turnup_eval(f->t, T0 + 12000);
	expect(f, "partner isp", TU_GREEN, "REDUNDANT");
	/* Green since the model says, after the last look that was not. */
	assert_int_equal(check(f, "partner isp")->green_ms, T0 + 11500);
	p->red = RED_DEGRADED;
	turnup_eval(f->t, T0 + 13000);
	expect(f, "partner isp", TU_FAILED, "no longer green: DEGRADED");

	/* A turn-up made later (peertop turnup asking a collector): the
	 * model's since is the first green. */
	p->red = RED_REDUNDANT;
	p->red_since_ms = T0 + 12500;
	turnup_free(f->t);
	assert_non_null(f->t = turnup_new(f->m, "isp", NULL));
	turnup_eval(f->t, T0 + 20000);
	assert_int_equal(check(f, "partner isp")->green_ms, T0 + 12500);
}

/* The scope: a partner, an edge of it, or the turnup block. */
static void
test_turnup_scope(void **state)
{
	struct fix	*f = *state;
	struct turnup	*t;
	char		*cause = NULL;

	assert_null(turnup_new(f->m, "nope", &cause));
	assert_string_equal(cause, "turn-up nope: no partner \"nope\"");
	free(cause);
	assert_null(turnup_new(f->m, "isp/xyz", &cause));
	assert_string_equal(cause, "turn-up isp/xyz: no edge \"xyz\"");
	free(cause);
	/* The partner is named first; what was typed comes back sanitised. */
	assert_null(turnup_new(f->m, "nope/xyz", &cause));
	assert_string_equal(cause, "turn-up nope/xyz: no partner \"nope\"");
	free(cause);
	assert_null(turnup_new(f->m, "no\033[31mpe", &cause));
	assert_null(strchr(cause, '\033'));
	free(cause);
	assert_null(turnup_new(f->m, "isp/ams", &cause));
	assert_string_equal(cause, "turn-up isp/ams: partner isp has no "
	    "session at edge ams");
	free(cause);
	assert_null(turnup_new(f->m, NULL, &cause));
	assert_non_null(strstr(cause, "no turn-up given"));
	free(cause);

	assert_non_null(t = turnup_new(f->m, "isp/sea", &cause));
	assert_int_equal(t->nsessions, 2);
	assert_string_equal(t->scope, "isp/sea");
	turnup_free(t);

	f->m->turnup_sessions = xcalloc(2, sizeof *f->m->turnup_sessions);
	f->m->turnup_sessions[0] = xstrdup("lax-r1");
	f->m->nturnup_sessions = 1;
	assert_non_null(t = turnup_new(f->m, "", &cause));
	assert_int_equal(t->nsessions, 1);
	assert_ptr_equal(t->partner, f->m->partners[0]);
	turnup_free(t);
}

/* The turnup block of the configuration, and its errors. */
static void
test_turnup_config(void **state)
{
	static const struct {
		const char	*text;
		const char	*error;		/* NULL: accepted */
	} cases[] = {
		{ "turnup { session \"lax-r1\" session \"sea-r2\" }\n", NULL },
		{ "turnup { session \"nope\" }\n", "t2.conf:1:18: turnup: "
		    "unknown session \"nope\" (configure it in a partner "
		    "above)" },
		{ "turnup { session \"lax-r1\" session \"lax-r1\" }\n",
		    "t2.conf:1:35: turnup: session \"lax-r1\" given twice" },
		{ "turnup { }\n", "t2.conf:1:10: turnup names no session" },
		{ "turnup { session \"lax-r1\" }\nturnup { session "
		    "\"sea-r1\" }\n", "t2.conf:2:1: turnup given twice" },
	};
	struct fix	*f = *state;
	struct turnup	*t;
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; i < nitems(cases); i++) {
		while (f->m->nturnup_sessions > 0)
			free(f->m->turnup_sessions[--f->m->nturnup_sessions]);
		cause = NULL;
		if (cases[i].error == NULL) {
			if (config_parse_buffer(f->m, "t2.conf", cases[i].text,
			    strlen(cases[i].text), &cause) != 0)
				fail_msg("%s", cause);
			continue;
		}
		assert_int_equal(config_parse_buffer(f->m, "t2.conf",
		    cases[i].text, strlen(cases[i].text), &cause), -1);
		assert_string_equal(cause, cases[i].error);
		free(cause);
	}
	while (f->m->nturnup_sessions > 0)
		free(f->m->turnup_sessions[--f->m->nturnup_sessions]);
	assert_int_equal(config_parse_buffer(f->m, "t2.conf", cases[0].text,
	    strlen(cases[0].text), &cause), 0);
	assert_int_equal(f->m->nturnup_sessions, 2);
	assert_non_null(t = turnup_new(f->m, NULL, &cause));
	assert_string_equal(t->scope, "turnup");
	assert_int_equal(t->nsessions, 2);
	assert_string_equal(t->sessions[0]->name, "lax-r1");
	turnup_free(t);
}

/* The record: JSON, text and a markdown table. */
static void
test_turnup_record(void **state)
{
	struct fix		*f = *state;
	enum turnup_format	 fmt;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*out;

	time_set_utc(1);
	model_collector_state(f->m, f->bird, COL_UP, NULL);
	report(f, f->bird, "sea-r1", BGP_CONNECT, T0 + 1000, NULL);
	report(f, f->bird, "sea-r1", BGP_ESTABLISHED, T0 + 2000, NULL);
	turnup_eval(f->t, T0 + 3000);

	assert_int_equal(turnup_format_parse("markdown", &fmt), 0);
	assert_int_equal(fmt, TURNUP_MARKDOWN);
	assert_int_equal(turnup_format_parse("yaml", &fmt), -1);

	assert_non_null(out = open_memstream(&buf, &len));
	turnup_record(out, f->t, TURNUP_JSON);
	fclose(out);
	assert_non_null(strstr(buf, "\"verdict\": \"in progress\""));
	assert_non_null(strstr(buf, "\"started\": \"2023-11-14T22:13:21Z\""));
	assert_non_null(strstr(buf, "\"first_green\": "
	    "\"2023-11-14T22:13:22Z\""));
	assert_non_null(strstr(buf, "\"state\": \"Connect\""));
	free(buf);

	assert_non_null(out = open_memstream(&buf, &len));
	turnup_record(out, f->t, TURNUP_MARKDOWN);
	fclose(out);
	assert_non_null(strstr(buf, "| State | Check | First green | Reason |"));
	assert_non_null(strstr(buf, "| green | session sea-r1 | "
	    "2023-11-14 22:13:22 | Established since"));
	assert_non_null(strstr(buf, "| sea-r1 | 2023-11-14 22:13:21 | "
	    "Connect |"));
	free(buf);
	time_set_utc(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_turnup_build, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turnup_fsm, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turnup_stale_look, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turnup_late_timeline,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_turnup_known_late, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turnup_wrong_as, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turnup_caps, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turnup_prefix, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turnup_maxpfx, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_turnup_latency_redundancy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_turnup_scope, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turnup_config, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_turnup_record, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
