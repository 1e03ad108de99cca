/* SPDX-License-Identifier: ISC */
/*
 * Replay through a collector's control socket (peertop-control(7)): the
 * calls of replay.h, answered by the collector from its own history, for
 * a viewer that may not read the file (z in an attached dashboard).  The
 * collector loads the recorded state into a model of its own and sends
 * it as frames; core/replica.c applies them to the viewer's model.
 */
#ifndef PEERTOP_REPLAY_REMOTE_H
#define PEERTOP_REPLAY_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/replay.h"

struct model;
struct rreplay;

/* A connection of its own to the collector at path; NULL and *cause. */
struct rreplay	*rreplay_open(const char *path, char **cause);
void		 rreplay_close(struct rreplay *);
/* As replay_span(), replay_step(), replay_change(), replay_timeline(),
 * replay_covered() and replay_load() (replay.h). */
int	 rreplay_span(struct rreplay *, int64_t *, int64_t *);
int	 rreplay_step(struct rreplay *, int64_t, int, int64_t *);
int	 rreplay_change(struct rreplay *, int64_t, struct replay_change *);
int	 rreplay_timeline(struct rreplay *, int64_t, int64_t, size_t,
	    uint8_t *, uint8_t *, int64_t *);
int	 rreplay_covered(struct rreplay *, int64_t);
int	 rreplay_load(struct rreplay *, struct model *, int64_t, size_t *,
	    char **);

#endif
