/* SPDX-License-Identifier: ISC */
/*
 * Open conditions: what is wrong now, as opposed to the log of what
 * happened.  One table pairs each problem event type with the type of
 * its restoration (SessionDown with SessionUp, LossHigh with
 * LossHighResolved ...); model_event_add() hands every event to
 * condition_event(), which opens, re-raises or closes the condition
 * keyed by its kind, subject and related names, and marks the events so
 * that the opener knows it is still open or when it was resolved, and the
 * restoration knows what it resolved.  Nothing here draws or stores.
 */
#ifndef PEERTOP_CONDITION_H
#define PEERTOP_CONDITION_H

#include "core/model.h"

struct condition_kind {
	const char	*opens[3];	/* the types that raise it, NULL-ended */
	const char	*closes[3];	/* its restoration; older names after */
};
extern const struct condition_kind condition_kinds[];
extern const size_t condition_nkinds;

/* The kind an event type opens or closes (-1: neither), and which. */
int	 condition_kind(const char *type, enum event_cond *);
/* The kind's restoring type now ("LossHighResolved"). */
const char *condition_closer(int kind);
/* A new event (its id set, not yet in the ring): open or close. */
void	 condition_event(struct model *, struct event *);
/* Forget every open condition (the events stay as they are). */
void	 condition_clear(struct model *);
/*
 * Conditions were added, removed or reordered: a new m->conds_gen, unique
 * in the process, so that what is built from them (health.c's index of
 * who each concerns) is built again.  Whoever writes m->conds calls it.
 */
void	 condition_changed(struct model *);
/*
 * The events were read from an earlier run's history: nothing of it is
 * known to be open now.  Openers still open are marked EVF_ENDED and the
 * set cleared; what was open is kept aside, so that the same problem
 * raised again soon is the same condition (condition_was_open()), with
 * its acknowledgement and its first time.
 */
void	 condition_end(struct model *);
/*
 * Whether an earlier run left this problem open (type and subject, e.g.
 * SessionDown "session sea-r1"), CONDITION_CARRY_MS after start at most:
 * its level in *level.  A session still down at start-up is raised again
 * with it, as the same condition.
 */
#define CONDITION_CARRY_MS	(15 * 60 * 1000)
int	 condition_was_open(const struct model *, const char *type,
	    const char *subject, enum level *level);
/* The worst level open (-1: none) and the oldest and newest opening. */
int	 condition_worst(const struct model *);
int	 condition_span(const struct model *, int64_t *oldest,
	    int64_t *newest);
/* The open condition an opener event started, NULL when none. */
const struct condition *condition_of(const struct model *,
	    const struct event *);

#endif
