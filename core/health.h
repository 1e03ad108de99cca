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

/* Re-evaluate everything; raises events on redundancy transitions. */
void	 health_update(struct model *m);

#endif
