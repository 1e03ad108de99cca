/* SPDX-License-Identifier: ISC */
/*
 * The evaluation pass: one coordinator for the judgements.  Collectors
 * only report into the model and mark what changed (model_pending(),
 * model_touch()); once per loop turn the pass runs the judgements in a
 * fixed order,
 *
 *	latency (latency_mon_eval) -> routes (routemon_eval) -> health
 *	(health_update)
 *
 * each on the whole picture of the turn, then hands the dirty flags set
 * since the last pass to the sinks: the views (model->on_dirty) and
 * whoever registered with eval_sink_add() (next: viewers, notifications).
 * The history store records as things are judged (model->sink) and
 * flushes on its own timer.  A judgement never calls back into whoever
 * called it: collectors do not call judgements, judgements do not call
 * the pass.
 *
 * Live, eval_start() schedules the pass with event_active (tmux's
 * server_loop) and keeps a tick that marks PENDING_TIME, so that what
 * depends on time alone is judged too.  Without a loop (peertop mrt,
 * replay, --once at the end, tests) the feeder calls eval_run().
 */
#ifndef PEERTOP_EVAL_H
#define PEERTOP_EVAL_H

#include <stdint.h>

#include "core/model.h"

struct event_base;

#define EVAL_TICK_MS	1000

/* A sink: told after each pass that set dirty flags, in order added. */
struct eval_sink {
	const char	*name;
	void		(*changed)(void *arg, struct model *, unsigned dirty);
	void		*arg;
	struct eval_sink *next;		/* eval.c's */
};

/* Run the pass from base's loop from now on (and the tick). */
void	 eval_start(struct model *, struct event_base *);
/* Stop it (before model_free()); a no-op if not started. */
void	 eval_stop(struct model *);
/*
 * One pass now, judging at now_ms (wall time; a record's or the replayed
 * time without a loop): what is pending, then the sinks.
 */
void	 eval_run(struct model *, int64_t now_ms);
/* Register a sink (owned by the caller, kept until removed). */
void	 eval_sink_add(struct model *, struct eval_sink *);
void	 eval_sink_remove(struct model *, struct eval_sink *);

#endif
