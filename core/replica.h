/* SPDX-License-Identifier: ISC */
/*
 * A viewer's replica of the collector's model (peertop-control(7)): the
 * static part from the configuration the collector sent, the live part
 * from its frames, the way replay sets it from the history.  No
 * collector runs in it and no judgement is made: the views read what
 * the collector judged.  Nothing here does I/O on the socket
 * (tui/attach.c does).
 */
#ifndef PEERTOP_REPLICA_H
#define PEERTOP_REPLICA_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct model;
struct collector;

struct replica {
	struct model	*m;
	char		 history[128];	/* the collector's history error */
	unsigned	 viewers;	/* attached to it, us included */
	size_t		 unknown;	/* names the configuration lacks */
	size_t		 frames;
};

/*
 * The model from the configuration text the collector sent (from: the
 * file it read, named in messages and the base of relative includes),
 * over the edge catalogue; from itself when the text cannot be used and
 * the file can be read.  NULL and *cause on error.  *datadir as
 * config_load() gives it.
 */
struct model	*replica_model(const char *text, const char *from,
		    char **datadir, char **cause);
/*
 * Where each branch of dst is, from the branch of the same name in src
 * (placed by the collector's GeoIP): for a second model made from the
 * same configuration (z, a replay of the collector's history).
 */
void		 replica_places(struct model *dst, const struct model *src);
/* Forget what a snapshot sets again (events, conditions, latency). */
void		 replica_reset(struct replica *);
/*
 * Apply one frame (session, partner, branch, latency, collector, bmp,
 * event, conditions, status).  0, 1 when the frame is not a model
 * object (the caller's: hello, config, snapshot, error, replies), or -1
 * and *cause when it is malformed.  Names the configuration does not
 * have are counted in unknown and skipped.
 */
int		 replica_apply(struct replica *, json_t *, char **cause);

#endif
