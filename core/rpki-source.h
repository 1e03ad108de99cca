/* SPDX-License-Identifier: ISC */
/*
 * Where the VRPs come from: a VRP JSON file with an optional SLURM file
 * (core/vrp.h), re-read when either changes, or an RTR cache (RFC 8210,
 * RFC 6810 fallback) through RTRlib.  A source keeps the current VRP
 * index, and with a RIB attached (rpki_source_set_rib()) switches the
 * RIB to each new index, revalidating only the routes under the VRPs
 * that changed (vrp_diff(), rib_rov_update()).
 *
 * Everything runs on the libevent loop: RTRlib's own threads only flag
 * that its table changed; the loop rebuilds the index from the table a
 * moment later (coalescing a burst of updates) and applies it.  When a
 * source goes down its VRPs stay (an RTR cache's until RTRlib expires
 * them, RFC 8210 6: the expire interval), and so do the routes' states.
 */
#ifndef PEERTOP_RPKI_SOURCE_H
#define PEERTOP_RPKI_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct rib;
struct rib_route;
struct vrp_diff;
struct vrp_index;
struct rpki_source;

enum rpki_source_state {
	RPKI_SOURCE_STARTING = 0,
	RPKI_SOURCE_UP,
	RPKI_SOURCE_DOWN,
};

struct rpki_source_status {
	enum rpki_source_state	 state;
	char			 error[256];	/* why down, or "" */
	size_t			 nvrps;
	int			 has_serial;	/* RTR: a serial was received */
	uint32_t		 serial;
	uint64_t		 updated_mono;	/* last new index, 0 never */
	uint64_t		 updates;	/* new indexes so far */
	uint64_t		 errors;	/* failed reads, RTR errors */
};

/*
 * Called on the loop after the source's state or VRPs changed: with the
 * diff from the previous index when the VRPs did (d->nadded and
 * d->nremoved name them; valid during the call, the removed ones in the
 * previous index, freed after it), NULL otherwise.  rpki_source_vrps() is
 * already the new index, and an attached RIB already revalidated.
 */
typedef void	(*rpki_source_cb)(struct rpki_source *,
		    const struct vrp_diff *, void *);

/*
 * A file source: slurm may be NULL; the files are checked every
 * interval_ms (stat: inode, size, time) and re-read on a change.  A file
 * that cannot be read or is malformed leaves the VRPs as they were and
 * puts the source down with the cause (file and place).  NULL with a
 * cause only on a setup error; a bad file at start is a source down.
 */
struct rpki_source *rpki_source_file(struct event_base *, const char *vrp,
		    const char *slurm, int interval_ms, rpki_source_cb, void *,
		    char **cause);
/*
 * An RTR source: the cache at host port, polled every refresh seconds
 * (RTRlib's refresh interval; Serial Notify is followed at once).  NULL
 * with a cause if RTRlib cannot start it, or peertop was built without
 * RTRlib.
 */
struct rpki_source *rpki_source_rtr(struct event_base *, const char *host,
		    int port, int refresh, rpki_source_cb, void *,
		    char **cause);
void		 rpki_source_free(struct rpki_source *);

/* The current VRPs (NULL before the first), owned by the source. */
const struct vrp_index *rpki_source_vrps(const struct rpki_source *);
void		 rpki_source_status(const struct rpki_source *,
		    struct rpki_source_status *);
/*
 * Keep rib's states against this source's VRPs (now, and at each
 * change; route changes reach cb as with rib_rov_update()).  NULL
 * detaches (the RIB keeps the states but stops pointing at the index).
 */
void		 rpki_source_set_rib(struct rpki_source *, struct rib *,
		    void (*cb)(const struct rib_route *, int, void *), void *);

#endif
