/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/condition.c and the event parts of core/model.c:
 * problem events open conditions keyed by kind, subject and related
 * names, restorations close them, a re-raise follows, an earlier run's
 * leftovers end; events get the names related to their subject.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/condition.h"
#include "core/config.h"
#include "core/model.h"
#include "tests/unit/unit.h"

/* A partner with two sessions and two branches, one with a prefix. */
static const char conf[] =
    "partner \"contoso\" as 64500 {\n"
    "\tsession \"lon-r1\" neighbor 192.0.2.1 router \"r1\" edge lon "
    "role primary\n"
    "\tsession \"lon-r2\" neighbor 192.0.2.2 router \"r2\" edge lon "
    "role backup\n"
    "}\n"
    "branch \"london-office\" {\n"
    "\tpartner \"contoso\"\n"
    "\taddress 81.2.69.10\n"
    "\tprefix 81.2.69.0/24 origin 64501\n"
    "}\n"
    "branch \"boxford-lab\" {\n"
    "\tpartner \"contoso\"\n"
    "\taddress 2.125.160.10\n"
    "}\n";

static struct model *
lab(void)
{
	struct model	*m = model_new();
	struct edge	 e = { .code = "lon", .metro = "London" };
	char		*cause = NULL;

	model_edge_set(m, &e);
	if (config_parse_buffer(m, "t.conf", conf, sizeof conf - 1,
	    &cause) != 0)
		fail_msg("config: %s", cause);
	return (m);
}

static const struct event *
last(struct model *m)
{
	return (model_event(m, m->nevents - 1));
}

static void
raise_at(struct model *m, int64_t t, const char *type, enum level l,
    const char *subject, const char *session)
{
	struct event_rel	 rel;

	memset(&rel, 0, sizeof rel);
	if (session != NULL)
		strlcpy_pt(rel.session, session, sizeof rel.session);
	model_event_rel(m, t, type, l, subject, NULL, &rel, "%s", type);
}

/* Every type is in one kind only, and a kind has an opener and a closer. */
static void
test_table(void **state)
{
	const struct condition_kind	*k;
	enum event_cond			 role;
	size_t				 i, j;

	for (i = 0; i < condition_nkinds; i++) {
		k = &condition_kinds[i];
		assert_non_null(k->opens[0]);
		assert_non_null(k->closes[0]);
		for (j = 0; j < nitems(k->opens) && k->opens[j] != NULL; j++) {
			assert_int_equal(condition_kind(k->opens[j], &role),
			    (int)i);
			assert_int_equal(role, EVC_OPENS);
		}
		for (j = 0; j < nitems(k->closes) && k->closes[j] != NULL;
		    j++) {
			assert_int_equal(condition_kind(k->closes[j], &role),
			    (int)i);
			assert_int_equal(role, EVC_CLOSES);
		}
	}
	assert_int_equal(condition_kind("HistoryGap", &role), -1);
	assert_int_equal(role, EVC_NONE);
	assert_string_equal(condition_closer(condition_kind("LossHigh",
	    &role)), "LossHighResolved");
}

/* SessionDown opens, SessionUp of the same session closes; both know. */
static void
test_open_close(void **state)
{
	struct model		*m = lab();
	const struct event	*down, *up;
	int64_t			 oldest, newest;
	int64_t			 down_id;

	model_eventf(m, "SessionDown", LVL_ERROR, "session lon-r1", NULL,
	    "down");
	down = last(m);
	down_id = down->id;
	assert_int_equal(down->cond, EVC_OPENS);
	assert_true(EVENT_OPEN(down));
	assert_int_equal(m->nconds, 1);
	assert_int_equal(m->open_counts[LVL_ERROR], 1);
	assert_int_equal(condition_worst(m), LVL_ERROR);
	assert_ptr_equal(condition_of(m, down), &m->conds[0]);
	assert_int_equal(condition_span(m, &oldest, &newest), 0);
	assert_true(oldest == down->time_ms && newest == down->time_ms);

	/* Another session's restoration closes nothing. */
	model_eventf(m, "SessionUp", LVL_INFO, "session lon-r2", NULL, "up");
	assert_int_equal(last(m)->cond, EVC_CLOSES);
	assert_int_equal(last(m)->resolves, 0);
	assert_int_equal(m->nconds, 1);

	model_eventf(m, "SessionUp", LVL_INFO, "session lon-r1", NULL, "up");
	up = last(m);
	down = model_event_find(m, down_id);
	assert_non_null(down);
	assert_int_equal(up->resolves, down_id);
	assert_false(EVENT_OPEN(down));
	assert_true(down->cflags & EVF_RESOLVED);
	assert_int_equal(down->closed_by, up->id);
	assert_int_equal(down->closed_ms, up->time_ms);
	assert_int_equal(m->nconds, 0);
	assert_int_equal(m->open_counts[LVL_ERROR], 0);
	assert_int_equal(condition_worst(m), -1);
	assert_int_equal(condition_span(m, &oldest, &newest), -1);
	/* The log keeps counting. */
	assert_int_equal(m->level_counts[LVL_ERROR], 1);
	model_free(m);
}

/* A withdrawal per session: the announcement on one closes only its own. */
static void
test_keyed_by_session(void **state)
{
	struct model	*m = lab();

	raise_at(m, 1000, "PrefixWithdrawalEvent", LVL_WARNING,
	    "prefix 81.2.69.0/24", "lon-r1");
	raise_at(m, 2000, "PrefixWithdrawalEvent", LVL_WARNING,
	    "prefix 81.2.69.0/24", "lon-r2");
	assert_int_equal(m->open_counts[LVL_WARNING], 2);
	raise_at(m, 3000, "PrefixAnnouncementEvent", LVL_INFO,
	    "prefix 81.2.69.0/24", "lon-r2");
	assert_int_equal(m->open_counts[LVL_WARNING], 1);
	assert_string_equal(m->conds[0].session, "lon-r1");
	assert_true(EVENT_OPEN(model_event(m, 0)));
	assert_false(EVENT_OPEN(model_event(m, 1)));
	assert_int_equal(last(m)->resolves, model_event(m, 1)->id);
	model_free(m);
}

/* DOWN then DEGRADED: one condition at the new level, then restored. */
static void
test_follow(void **state)
{
	struct model		*m = lab();
	const struct event	*first, *second;

	raise_at(m, 1000, "RedundancyDegraded", LVL_CRITICAL,
	    "partner contoso", NULL);
	raise_at(m, 5000, "RedundancyDegraded", LVL_WARNING,
	    "partner contoso", NULL);
	first = model_event(m, 0);
	second = model_event(m, 1);
	assert_int_equal(m->nconds, 1);
	assert_int_equal(m->open_counts[LVL_CRITICAL], 0);
	assert_int_equal(m->open_counts[LVL_WARNING], 1);
	assert_int_equal(m->conds[0].first_ms, 1000);
	assert_int_equal(m->conds[0].opened_ms, 5000);
	assert_true(first->cflags & EVF_FOLLOWED);
	assert_int_equal(first->closed_by, second->id);
	assert_int_equal(second->resolves, first->id);
	assert_true(EVENT_OPEN(second));

	raise_at(m, 9000, "RedundancyRestored", LVL_INFO, "partner contoso",
	    NULL);
	assert_int_equal(m->nconds, 0);
	assert_true(model_event(m, 1)->cflags & EVF_RESOLVED);
	assert_int_equal(last(m)->resolves, model_event(m, 1)->id);
	model_free(m);
}

/* Histories recorded before the renaming still pair. */
static void
test_old_names(void **state)
{
	struct model	*m = lab();

	raise_at(m, 1000, "PrefixOriginAsChangeEvent", LVL_CRITICAL,
	    "prefix 81.2.69.0/24", NULL);
	raise_at(m, 1500, "PrefixPrepended", LVL_WARNING,
	    "prefix 81.2.69.0/24", NULL);
	assert_int_equal(m->nconds, 2);
	raise_at(m, 2000, "PrefixOriginAsRestored", LVL_INFO,
	    "prefix 81.2.69.0/24", NULL);
	raise_at(m, 2500, "PrefixPrependResolved", LVL_INFO,
	    "prefix 81.2.69.0/24", NULL);
	assert_int_equal(m->nconds, 0);
	model_free(m);
}

/* An earlier run's open conditions end with it; clearing forgets all. */
static void
test_end_and_clear(void **state)
{
	struct model	*m = lab();

	raise_at(m, 1000, "LossHigh", LVL_WARNING,
	    "branch london-office edge ams", NULL);
	raise_at(m, 4000, "CollectorDown", LVL_ERROR, "collector bird", NULL);
	condition_end(m);
	assert_int_equal(m->nconds, 0);
	assert_int_equal(m->open_counts[LVL_WARNING], 0);
	assert_true(model_event(m, 0)->cflags & EVF_ENDED);
	assert_int_equal(model_event(m, 0)->closed_ms, 4000);
	assert_false(EVENT_OPEN(model_event(m, 0)));
	/* Its restoration in the new run resolves nothing. */
	raise_at(m, 6000, "LossHighResolved", LVL_INFO,
	    "branch london-office edge ams", NULL);
	assert_int_equal(last(m)->resolves, 0);

	raise_at(m, 7000, "LossHigh", LVL_WARNING,
	    "branch london-office edge ams", NULL);
	assert_int_equal(m->nconds, 1);
	model_events_clear(m);
	assert_int_equal(m->nevents, 0);
	assert_int_equal(m->nconds, 0);
	assert_int_equal(m->open_counts[LVL_WARNING], 0);
	assert_int_equal(m->level_counts[LVL_WARNING], 0);
	model_free(m);
}

/* The names a subject implies: a filter on the branch finds them. */
static void
test_related(void **state)
{
	struct model		*m = lab();
	const struct event	*e;

	raise_at(m, 1000, "PrefixOriginAsChangeEvent", LVL_CRITICAL,
	    "prefix 81.2.69.0/24", NULL);
	e = last(m);
	assert_string_equal(e->rel.prefix, "81.2.69.0/24");
	assert_string_equal(e->rel.branch, "london-office");
	assert_string_equal(e->rel.partner, "contoso");

	model_eventf(m, "SessionDown", LVL_ERROR, "session lon-r2", NULL, "x");
	e = last(m);
	assert_string_equal(e->rel.session, "lon-r2");
	assert_string_equal(e->rel.router, "r2");
	assert_string_equal(e->rel.partner, "contoso");
	assert_string_equal(e->rel.branch, "london-office boxford-lab");

	model_eventf(m, "LatencyHigh", LVL_WARNING,
	    "branch boxford-lab edge lon", NULL, "x");
	e = last(m);
	assert_string_equal(e->rel.branch, "boxford-lab");
	assert_string_equal(e->rel.partner, "contoso");

	model_eventf(m, "RedundancyDegraded", LVL_WARNING, "partner contoso",
	    NULL, "x");
	assert_string_equal(last(m)->rel.branch, "london-office boxford-lab");

	/* What the raiser set wins; unknown names stay as they are. */
	raise_at(m, 2000, "PrefixWithdrawalEvent", LVL_WARNING,
	    "prefix 192.0.2.0/24", "nosuch");
	e = last(m);
	assert_string_equal(e->rel.session, "nosuch");
	assert_string_equal(e->rel.branch, "");
	model_free(m);
}

/* The ring forgets the opener, the condition stays open. */
static void
test_ring_wrap(void **state)
{
	struct model	*m = lab();
	size_t		 i;

	raise_at(m, 1, "CollectorDown", LVL_ERROR, "collector bird", NULL);
	for (i = 0; i < MODEL_EVENTS_MAX; i++)
		raise_at(m, 2 + (int64_t)i, "HistoryGap", LVL_WARNING,
		    "history", NULL);
	assert_int_equal(m->open_counts[LVL_ERROR], 1);
	raise_at(m, 5000, "CollectorUp", LVL_INFO, "collector bird", NULL);
	assert_int_equal(m->nconds, 0);
	assert_int_not_equal(last(m)->resolves, 0);
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_open_close),
		cmocka_unit_test(test_keyed_by_session),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_old_names),
		cmocka_unit_test(test_end_and_clear),
		cmocka_unit_test(test_related),
		cmocka_unit_test(test_ring_wrap),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
