/* SPDX-License-Identifier: ISC */
/*
 * The control protocol between a headless collector and its viewers
 * (peertop-control(7)): one JSON object per line over a unix stream
 * socket, versioned by the collector's hello.  A client sends commands
 * ({"cmd":"attach"}, "once", "who", "ack", "ping"); the collector answers
 * with frames named by "t".  An attached viewer gets the configuration,
 * then a snapshot (every object of the model, between two "snapshot"
 * frames), then the objects that changed, as they change.
 *
 * This file writes the objects (core/proto.c); core/replica.c reads them
 * into a viewer's model; core/control.c serves them.  Member names are
 * those of --once -o json where the meaning is the same; times and
 * latencies are exact (milliseconds since the epoch, microseconds), so
 * that the replica is the collector's model, not a rounding of it.
 */
#ifndef PEERTOP_PROTO_H
#define PEERTOP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/json.h"
#include "core/model.h"

#define PROTO_VERSION		1
/* The longest line a collector reads from a client, and a client from
 * the collector (a branch with many prefixes, a BMP collector's
 * routers, a link's samples are the long ones). */
#define PROTO_CMD_MAX		(64 * 1024)
#define PROTO_FRAME_MAX		(64 * 1024 * 1024)

struct collector;
struct latlink;

/* Each writes one whole frame {"t": ...} (compact, no newline). */
void	 proto_session(struct json_w *, const struct model *,
	    const struct session *);
void	 proto_partner(struct json_w *, const struct partner *);
void	 proto_branch(struct json_w *, const struct model *,
	    const struct branch *);
/* A link's statistics and its newest n samples (n 0: none). */
void	 proto_latency(struct json_w *, const struct model *,
	    const struct branch *, const struct latlink *, size_t n);
void	 proto_collector(struct json_w *, const struct collector *,
	    int64_t now_wall, uint64_t now_mono);
/* A bmp collector's routers, their peers and statistics. */
void	 proto_bmp(struct json_w *, const struct collector *);
void	 proto_event(struct json_w *, const struct event *);
void	 proto_conditions(struct json_w *, const struct model *);

/* The level from its name or number; -1 when neither. */
int	 proto_level(const char *);

#endif
