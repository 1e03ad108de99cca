/*
 * One loop turn, for the unit tests that feed the model by hand: what
 * collectors report in one callback is judged by one evaluation pass
 * (core/eval.h) at the end of the turn.  turn_begin() and turn_end()
 * bracket the reports of one turn (a poll, an outage); outside them
 * turn() makes each report a turn of its own.
 */
#ifndef PEERTOP_TESTS_TURN_H
#define PEERTOP_TESTS_TURN_H

#include "core/eval.h"
#include "core/util.h"

static int	 turn_open;

static inline void
turn_begin(void)
{
	turn_open = 1;
}

static inline void
turn_end(struct model *m)
{
	turn_open = 0;
	eval_run(m, now_wall_ms());
}

static inline void
turn(struct model *m)
{
	if (!turn_open)
		eval_run(m, now_wall_ms());
}

#endif
