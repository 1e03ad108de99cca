/* SPDX-License-Identifier: ISC */
/*
 * The evaluation pass (core/eval.c): sinks hear of each pass that changed
 * something, once, in the order they were added, and never of one that
 * changed nothing; from a loop, any number of reports in one turn make
 * one pass at its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "core/eval.h"
#include "core/model.h"
#include "tests/unit/unit.h"

/* What the sinks heard, in order: "a" and "b" with their flags. */
struct heard {
	char		 who[16];
	unsigned	 dirty[16];
	size_t		 n;
};

static void
sink_cb(void *arg, struct model *m, unsigned dirty)
{
	struct eval_sink	*s = arg;
	struct heard		*h = m->on_dirty_arg;

	assert_true(h->n < sizeof h->dirty / sizeof h->dirty[0]);
	h->who[h->n] = s->name[0];
	h->dirty[h->n++] = dirty;
}

/* The views' hook comes first; it only counts. */
static void
views_cb(void *arg)
{
	(void)arg;
}

static void
test_sinks(void **state)
{
	struct model		*m = model_new();
	struct heard		 h;
	struct eval_sink	 a = { "a", sink_cb, &a, NULL };
	struct eval_sink	 b = { "b", sink_cb, &b, NULL };

	(void)state;
	memset(&h, 0, sizeof h);
	m->on_dirty = views_cb;
	m->on_dirty_arg = &h;
	eval_sink_add(m, &a);
	eval_sink_add(m, &b);

	/* Nothing changed: nobody is told. */
	eval_run(m, now_wall_ms());
	assert_int_equal(h.n, 0);

	/* One change: each sink once, in the order added, with the flags. */
	model_touch(m, DIRTY_SESSIONS);
	model_touch(m, DIRTY_EVENTS);
	eval_run(m, now_wall_ms());
	assert_int_equal(h.n, 2);
	assert_int_equal(h.who[0], 'a');
	assert_int_equal(h.who[1], 'b');
	assert_int_equal(h.dirty[0], DIRTY_SESSIONS | DIRTY_EVENTS);
	assert_int_equal(h.dirty[1], DIRTY_SESSIONS | DIRTY_EVENTS);

	/* The flags were handed over: the next pass has nothing to tell. */
	eval_run(m, now_wall_ms());
	assert_int_equal(h.n, 2);

	/* A removed sink hears no more. */
	eval_sink_remove(m, &a);
	model_touch(m, DIRTY_BRANCHES);
	eval_run(m, now_wall_ms());
	assert_int_equal(h.n, 3);
	assert_int_equal(h.who[2], 'b');
	assert_int_equal(h.dirty[2], DIRTY_BRANCHES);

	eval_stop(m);
	model_free(m);
}

/* From the loop: many reports in one turn, one pass after them. */
static void
test_one_pass_per_turn(void **state)
{
	struct event_base	*base;
	struct model		*m = model_new();
	struct heard		 h;
	struct eval_sink	 a = { "a", sink_cb, &a, NULL };
	int			 i;

	(void)state;
	assert_non_null(base = event_base_new());
	memset(&h, 0, sizeof h);
	m->on_dirty = views_cb;
	m->on_dirty_arg = &h;
	eval_sink_add(m, &a);
	eval_start(m, base);

	for (i = 0; i < 10; i++) {
		model_touch(m, i % 2 ? DIRTY_SESSIONS : DIRTY_LATENCY);
		model_pending(m, PENDING_HEALTH);
	}
	/* Nothing is judged while the reports come in. */
	assert_int_equal(h.n, 0);
	assert_int_equal(event_base_loop(base, EVLOOP_NONBLOCK), 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.dirty[0], DIRTY_SESSIONS | DIRTY_LATENCY);
	assert_int_equal(m->pending, 0);

	/* A quiet turn runs no pass. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(h.n, 1);

	eval_stop(m);
	model_free(m);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sinks),
		cmocka_unit_test(test_one_pass_per_turn),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
