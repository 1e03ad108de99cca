/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the control protocol's objects (core/proto.c) read
 * back into a viewer's replica (core/replica.c): a model's live part,
 * written as frames and applied to a second model from the same
 * configuration, prints the same --once document; acknowledgements and
 * open conditions travel; hostile frames are refused or read as empty.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/condition.h"
#include "core/config.h"
#include "core/json.h"
#include "core/latency.h"
#include "core/latency-mon.h"
#include "core/model.h"
#include "core/output.h"
#include "core/proto.h"
#include "core/replica.h"

static const char conf[] =
    "edge sea { metro \"Seattle\" country US location 47.6 -122.3 }\n"
    "partner \"contoso\" as 64500 {\n"
    "\tsession \"lon-r1-msft\" neighbor 192.0.2.1 router \"lon-r1\" "
    "edge lon role primary\n"
    "\tsession \"sea-r1-msft\" neighbor 192.0.2.5 router \"sea-r1\" "
    "edge sea role backup\n"
    "}\n"
    "branch \"london-office\" {\n"
    "\tpartner \"contoso\"\n"
    "\taddress 81.2.69.10\n"
    "\tprefix 81.2.69.0/24 origin 64501\n"
    "}\n";

static struct model *
lab(void)
{
	struct model	*m = model_new();
	struct edge	 e = { .code = "lon", .metro = "London",
	    .country = "GB", .lat = 51.5, .lon = -0.1 };
	char		*cause = NULL;

	model_edge_set(m, &e);
	if (config_parse_buffer(m, "t.conf", conf, sizeof conf - 1,
	    &cause) != 0)
		fail_msg("config: %s", cause);
	return (m);
}

/* Every frame of m's live part, as the collector's snapshot has them. */
static char *
frames(struct model *m)
{
	struct json_w	 j;
	char		*buf = NULL;
	size_t		 len = 0, i, k;
	FILE		*f = open_memstream(&buf, &len);
	struct branch	*b;

#define FRAME(call) do { json_w_init_file(&j, f, 0); call; fputc('\n', f); } \
	while (0)
	for (i = 0; i < m->nsessions; i++)
		FRAME(proto_session(&j, m, m->sessions[i]));
	for (i = 0; i < m->npartners; i++)
		FRAME(proto_partner(&j, m->partners[i]));
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		for (k = 0; k < b->nlinks; k++)
			FRAME(proto_latency(&j, m, b, b->links[k],
			    latency_series_count(b->links[k]->ring)));
		FRAME(proto_branch(&j, m, b));
	}
	for (i = 0; i < m->nevents; i++)
		FRAME(proto_event(&j, model_event(m, i)));
	FRAME(proto_conditions(&j, m));
#undef FRAME
	fclose(f);
	return (buf);
}

static void
apply(struct replica *rp, const char *text)
{
	const char	*p = text, *nl;
	json_error_t	 err;
	json_t		*o;
	char		*cause = NULL;

	while ((nl = strchr(p, '\n')) != NULL) {
		if ((o = json_loadb(p, (size_t)(nl - p), 0, &err)) == NULL)
			fail_msg("frame does not parse: %s: %.*s", err.text,
			    (int)(nl - p), p);
		assert_int_equal(replica_apply(rp, o, &cause), 0);
		json_decref(o);
		p = nl + 1;
	}
}

static char *
once(struct model *m)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	output_print(output_find("json"), f, m, 20);
	fclose(f);
	return (buf);
}

/* Live state on the collector's side: sessions, an incident, latency. */
static void
happen(struct model *m)
{
	struct session_report	 r;
	struct branch		*b = m->branches[0];
	char			*cause = NULL;
	int			 i;

	memset(&r, 0, sizeof r);
	r.state = BGP_ESTABLISHED;
	r.since_ms = 1796650000000LL;
	r.remote_as = 8075;
	r.routes_imported = 12;
	model_session_report(m, m->sessions[0], NULL, &r);
	r.state = BGP_ACTIVE;
	r.last_error = "Hold timer expired";
	model_session_report(m, m->sessions[1], NULL, &r);
	/* RFC 9234 roles from a Peer Up: agreeing, and a mismatch. */
	m->sessions[0]->role_sent = BGP_ROLE_PEER;
	m->sessions[0]->role_received = BGP_ROLE_PEER;
	m->sessions[1]->role_sent = BGP_ROLE_PROVIDER;
	m->sessions[1]->role_received = BGP_ROLE_PROVIDER;
	m->partners[0]->red = RED_DEGRADED;
	strlcpy_pt(m->partners[0]->reason, "backup sea: down",
	    sizeof m->partners[0]->reason);
	model_eventf(m, "RedundancyDegraded", LVL_CRITICAL, "partner contoso",
	    NULL, "DEGRADED");
	model_eventf(m, "SessionDown", LVL_ERROR, "session sea-r1-msft", NULL,
	    "down");
	assert_int_equal(model_event_ack(m, model_event(m, m->nevents - 1)->id,
	    "alice", "ticket 42", 1796650001000LL, &cause), 0);
	for (i = 0; i < 30; i++)
		latency_mon_sample(m, b, 0, "10.0.0.1", LAT_PROBE,
		    1796650000000LL + i * 1000, i % 7 == 0 ? -1 : 12000 + i);
	latency_mon_eval(m);
	b->prefixes[0].seen = 1;
	b->prefixes[0].flags = 0x0040;
	strlcpy_pt(b->prefixes[0].problem, "8075:8007 missing",
	    sizeof b->prefixes[0].problem);
	b->routed = 0;
}

static void
test_round_trip(void **state)
{
	struct model	*m = lab(), *v = lab();
	struct replica	 rp = { .m = v };
	char		*text, *a, *b;

	(void)state;
	happen(m);
	text = frames(m);
	v->replica = 1;
	apply(&rp, text);
	assert_int_equal(rp.unknown, 0);
	a = once(m);
	b = once(v);
	/* The --once document of the replica is the collector's. */
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"bgp_role\": {\"sent\": \"peer\", "
	    "\"received\": \"peer\", \"agree\": true"));
	assert_non_null(strstr(a, "\"bgp_role\": {\"sent\": \"provider\", "
	    "\"received\": \"provider\", \"agree\": false"));
	/* Beyond it: the ring, the lifecycle, the acknowledgement. */
	assert_int_equal(v->nevents, m->nevents);
	assert_int_equal(v->nconds, m->nconds);
	assert_int_equal(model_open_unacked(v, LVL_ERROR), 0);
	assert_int_equal(model_open_unacked(v, LVL_CRITICAL), 1);
	assert_string_equal(model_event(v, v->nevents - 1)->ack_user, "alice");
	assert_string_equal(model_event(v, v->nevents - 1)->ack_comment,
	    "ticket 42");
	assert_int_equal(latency_series_count(v->branches[0]->links[0]->ring),
	    latency_series_count(m->branches[0]->links[0]->ring));
	assert_string_equal(v->sessions[1]->last_error, "Hold timer expired");
	free(text);
	free(a);
	free(b);
	model_free(m);
	model_free(v);
}

/* A frame sent again replaces the object; an event again, its row. */
static void
test_idempotent(void **state)
{
	struct model	*m = lab(), *v = lab();
	struct replica	 rp = { .m = v };
	char		*text;

	(void)state;
	happen(m);
	text = frames(m);
	apply(&rp, text);
	apply(&rp, text);
	assert_int_equal(v->nevents, m->nevents);
	assert_int_equal(v->level_counts[LVL_CRITICAL],
	    m->level_counts[LVL_CRITICAL]);
	assert_int_equal(v->nconds, m->nconds);
	free(text);
	model_free(m);
	model_free(v);
}

/* What the lifecycle allows: Error and Critical, open, once. */
static void
test_ack_rules(void **state)
{
	struct model	*m = lab();
	char		*cause = NULL;
	int64_t		 warn, err;

	(void)state;
	model_eventf(m, "LatencyHigh", LVL_WARNING, "link x", NULL, "high");
	warn = model_event(m, m->nevents - 1)->id;
	model_eventf(m, "SessionDown", LVL_ERROR, "session lon-r1-msft", NULL,
	    "down");
	err = model_event(m, m->nevents - 1)->id;
	assert_int_equal(model_event_ack(m, warn, "bob", NULL, 0, &cause), -1);
	assert_non_null(strstr(cause, "only Error and Critical"));
	free(cause);
	assert_int_equal(model_event_ack(m, 999, "bob", NULL, 0, &cause), -1);
	assert_non_null(strstr(cause, "no event #999"));
	free(cause);
	assert_int_equal(model_event_ack(m, err, "bob\x1b[2J", "x", 0, &cause),
	    0);
	/* The user's name is sanitised: no escape reaches a terminal. */
	assert_null(strchr(model_event(m, m->nevents - 1)->ack_user, '\x1b'));
	assert_int_equal(model_event_ack(m, err, "carol", NULL, 0, &cause),
	    -1);
	assert_non_null(strstr(cause, "acknowledged by bob"));
	free(cause);
	/* Raised again, worse: open and unacknowledged again. */
	model_eventf(m, "SessionDown", LVL_CRITICAL, "session lon-r1-msft",
	    NULL, "down");
	assert_int_equal(model_open_unacked(m, LVL_CRITICAL), 1);
	/* Raised again, lower: the first id names the one that is open. */
	model_eventf(m, "SessionDown", LVL_ERROR, "session sea-r1-msft", NULL,
	    "down");
	err = model_event(m, m->nevents - 1)->id;
	model_eventf(m, "SessionDown", LVL_WARNING, "session sea-r1-msft",
	    NULL, "down, spared");
	assert_int_equal(model_event_ack(m, err, "bob", NULL, 0, &cause), -1);
	assert_non_null(strstr(cause, "a Warning now"));
	free(cause);
	model_eventf(m, "SessionUp", LVL_INFO, "session sea-r1-msft", NULL,
	    "up");
	/* Resolved: no longer open, nothing to acknowledge. */
	model_eventf(m, "SessionUp", LVL_INFO, "session lon-r1-msft", NULL,
	    "up");
	assert_int_equal(m->nconds, 1);	/* the LatencyHigh */
	model_free(m);
}

/*
 * A collector restarted while a session is down: the history's open
 * SessionDown is ended, and the session still down at its first report
 * raises it again as the same condition, acknowledged still and open
 * since the first time; worse, it needs somebody again.
 */
static void
test_restart_carry(void **state)
{
	struct model		*m = lab();
	struct session_report	 r;
	const struct condition	*c;
	char			*cause = NULL;
	int64_t			 t0 = now_wall_ms() - 60000, id;

	(void)state;
	model_event_at(m, t0, "SessionDown", LVL_ERROR, "session lon-r1-msft",
	    NULL, "down");
	id = model_event(m, m->nevents - 1)->id;
	assert_int_equal(model_event_ack(m, id, "alice", "ticket 7", 0,
	    &cause), 0);
	model_event_at(m, t0, "SessionDown", LVL_WARNING, "session sea-r1-msft",
	    NULL, "down");
	condition_end(m);		/* the collector restarts */
	assert_int_equal(m->nconds, 0);

	memset(&r, 0, sizeof r);
	r.state = BGP_IDLE;
	model_session_report(m, m->sessions[0], NULL, &r);
	assert_int_equal(m->nconds, 1);
	c = &m->conds[0];
	assert_int_equal(c->level, LVL_ERROR);
	assert_int_equal(c->first_ms, t0);
	assert_string_equal(c->ack_user, "alice");
	assert_string_equal(model_event(m, m->nevents - 1)->ack_comment,
	    "ticket 7");
	assert_non_null(strstr(model_event(m, m->nevents - 1)->summary,
	    "still down after the restart"));
	/* Up at its first report: nothing to carry, nothing raised. */
	r.state = BGP_ESTABLISHED;
	model_session_report(m, m->sessions[1], NULL, &r);
	assert_int_equal(m->nconds, 1);
	/* Up, then down again: news, with what it carried before. */
	r.state = BGP_ESTABLISHED;
	model_session_report(m, m->sessions[0], NULL, &r);
	assert_int_equal(m->nconds, 0);
	r.state = BGP_IDLE;
	model_session_report(m, m->sessions[0], NULL, &r);
	assert_int_equal(m->nconds, 1);
	assert_int_equal(m->conds[0].ack_ms, 0);	/* carried once */

	/* Worse after the restart: unacknowledged. */
	assert_int_equal(model_event_ack(m, m->conds[0].opened_id, "alice",
	    NULL, 0, &cause), 0);
	condition_end(m);
	model_event_at(m, 0, "SessionDown", LVL_CRITICAL, "session lon-r1-msft",
	    NULL, "down");
	assert_int_equal(m->conds[0].ack_ms, 0);
	model_free(m);
}

/* Hostile frames: no type, wrong member types, unknown names. */
static void
test_hostile(void **state)
{
	static const char *const bad[] = {
		"{\"t\":\"session\",\"name\":\"lon-r1-msft\",\"state\":7,"
		    "\"since_ms\":\"x\",\"last_error\":[1,2]}",
		"{\"t\":\"session\",\"name\":\"nobody\"}",
		"{\"t\":\"latency\",\"branch\":\"london-office\",\"edge\":"
		    "\"lon\",\"samples\":[[1],[\"a\",2],7,[1,2,3]]}",
		"{\"t\":\"event\",\"id\":-5,\"level\":\"Apocalyptic\"}",
		"{\"t\":\"event\",\"id\":77,\"level\":\"Apocalyptic\","
		    "\"summary\":\"\\u001b[2Jgone\"}",
		"{\"t\":\"conditions\",\"open\":[{\"type\":\"NoSuchType\"},"
		    "5,{\"type\":\"SessionDown\",\"level\":\"Error\"}]}",
		"{\"t\":\"bmp\",\"collector\":\"nobody\",\"routers\":[1]}",
		"{\"t\":\"branch\",\"name\":\"london-office\",\"prefixes\":"
		    "[{\"prefix\":\"10.0.0.0/8\"},\"x\"],\"nearest_edge\":"
		    "\"zzz\"}",
	};
	struct model	*v = lab();
	struct replica	 rp = { .m = v };
	json_t		*o;
	char		*cause = NULL;
	size_t		 i;

	(void)state;
	o = json_loads("{\"x\":1}", 0, NULL);
	assert_int_equal(replica_apply(&rp, o, &cause), -1);
	free(cause);
	json_decref(o);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o = json_loads(bad[i], 0, NULL);
		assert_non_null(o);
		assert_true(replica_apply(&rp, o, &cause) >= 0);
		json_decref(o);
	}
	assert_int_equal(v->sessions[0]->state, BGP_UNKNOWN);
	assert_string_equal(v->sessions[0]->last_error, "");
	assert_int_equal(v->nevents, 1);	/* #77; #-5 is refused */
	assert_null(strchr(model_event(v, 0)->summary, '\x1b'));
	assert_int_equal(model_event(v, 0)->level, LVL_INFO);
	assert_int_equal(v->nconds, 1);
	assert_int_equal(v->branches[0]->nearest, -1);
	assert_true(rp.unknown >= 3);
	model_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_ack_rules),
		cmocka_unit_test(test_restart_carry),
		cmocka_unit_test(test_hostile),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
