/* SPDX-License-Identifier: ISC */
/*
 * Replaying MRT files (RFC 6396) through the RIB and the route monitor,
 * for "peertop mrt -c": each record goes into the RIB, MRT peers whose
 * address is a configured session's neighbor stand for that session, and
 * the evaluation pass (eval.h) runs after each record at the record's
 * time (BGP4MP_ET microseconds included), so its events carry the time
 * the route changed, not the time of the replay.
 */
#include <stdlib.h>

#include "core/decode-mrt.h"
#include "core/eval.h"
#include "core/model.h"
#include "core/rib.h"
#include "core/routemon.h"

static void	routemon_replay_map(struct routemon_replay *);
static void	routemon_replay_error(struct routemon_replay *, char *);

/* New MRT peers: the configured session with that neighbor, if any. */
static void
routemon_replay_map(struct routemon_replay *rp)
{
	struct rib_peer	*p;
	size_t		 n = rib_npeers(rp->rib);
	int		 changed = 0;

	for (; rp->mapped < n; rp->mapped++) {
		p = rib_peer(rp->rib, (int)rp->mapped);
		if (p == NULL || p->session != NULL)
			continue;
		p->session = model_session_match(rp->m, &p->key.addr, NULL);
		if (p->session != NULL)
			changed = 1;
	}
	if (changed)
		routemon_dirty_all(rp->m->routemon);
}

static void
routemon_replay_error(struct routemon_replay *rp, char *cause)
{
	rp->errors++;
	if (rp->error != NULL)
		rp->error(rp->arg, cause != NULL ? cause : "unknown error");
	free(cause);
}

int
routemon_replay_file(struct routemon_replay *rp, const char *path)
{
	struct mrt_reader	*r;
	struct mrt_decoder	 d;
	struct mrt_record	 rec;
	char			*cause = NULL;
	int			 rv, bad = 0;

	if ((r = decode_mrt_open(path, &cause)) == NULL) {
		routemon_replay_error(rp, cause);
		return (-1);
	}
	decode_mrt_init(&d);
	while ((rv = decode_mrt_next(r, &rec, &cause)) == 1) {
		if (rib_mrt_record(rp->rib, &d, &rec, path, &cause) != 0) {
			routemon_replay_error(rp, cause);
			cause = NULL;
			bad = 1;
		}
		if (rp->m == NULL || rp->m->routemon == NULL)
			continue;
		routemon_replay_map(rp);
		eval_run(rp->m, (int64_t)rec.ts * 1000 + rec.usec / 1000);
	}
	if (rv == -1) {
		routemon_replay_error(rp, cause);
		bad = 1;
	}
	rp->records += d.nrecords;
	rp->skipped += d.nskipped;
	decode_mrt_free(&d);
	decode_mrt_close(r);
	return (bad ? -1 : 0);
}
