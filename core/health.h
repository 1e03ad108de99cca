/* SPDX-License-Identifier: ISC */
/*
 * Health computations from SPEC.md: geo-redundancy per partner (primary:
 * >= 2 Established sessions on >= 2 different routers at the primary
 * metro; backup: >= 1 Established at a different metro) and per-branch
 * session counts.  Raises RedundancyDegraded / RedundancyRestored events
 * through the model when a partner's state changes.
 */
#ifndef PEERTOP_HEALTH_H
#define PEERTOP_HEALTH_H

#include "core/model.h"

/* Evaluate one partner; fills red and reason, returns red.  Pure. */
enum redundancy health_redundancy(const struct partner *p, char *reason,
	    size_t reasonlen);

/* A branch's sessions up and total from the sessions' states. */
void	 health_branch(struct model *m, struct branch *b);

/*
 * A branch's health (issue 12): the worst of its partner's redundancy and
 * sessions, its registered prefixes' route state (routemon.c flags), its
 * latency links and routing.  what is a few words ("hijack", "DOWN") and
 * subject what they are about ("81.2.69.0/24"), both "" when OK.
 */
enum health_kind {
	HK_OK = 0, HK_REDUNDANCY, HK_SESSION, HK_PREFIX, HK_LATENCY,
	HK_ROUTING, HK_OPEN	/* an open condition (core/condition.c) */
};
struct health {
	enum level	 level;
	enum health_kind kind;
	char		 what[40];	/* an event type fits */
	char		 subject[64];
};

/* The health of branch b; pure.  LVL_INFO and HK_OK when all is well. */
enum level health_branch_level(const struct model *, const struct branch *,
	    struct health *);
/* "hijack 81.2.69.0/24" (what and subject), "OK" when all is well. */
char	*health_words(const struct health *, char *, size_t);
/* The worst branch of the model and its health, NULL when none. */
const struct branch *health_worst(const struct model *, struct health *);
/* The same, and how many other branches are not OK at its level (the
 * title's "+N"), in the same pass. */
const struct branch *health_worst_n(const struct model *, struct health *,
	    size_t *nsame);
/* The level a partner's redundancy state counts as. */
enum level health_red_level(const struct partner *);

/* Re-evaluate everything; raises events on redundancy transitions. */
void	 health_update(struct model *m);

#endif
