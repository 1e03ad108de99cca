/*
 * The route monitor: watches the RIB for every branch's registered
 * prefixes and turns what it sees into the model's prefix state
 * (struct branch_prefix's derived fields, branch->routed) and into route
 * events with a lifecycle (a restoring event when a condition clears):
 * announcement / withdrawal per session named primary or backup as
 * Microsoft's Peering Service telemetry names them, visibility lost on all
 * sessions, exact-prefix origin change (hijack), more-specifics from
 * another origin (sub-prefix hijack) or from the registered one, an
 * unexpected first-hop upstream, route leaks, Microsoft's validation rules
 * (8075:8007, path length, private ASNs, prepending), and the routed edge
 * with SuboptimalRouting.
 *
 * The RIB's watch hook marks prefixes dirty; routemon_eval() (called by
 * whoever fed the RIB, after a batch or an MRT record) evaluates only
 * those, at the time given (wall time live, record time on replay).
 */
#ifndef PEERTOP_ROUTEMON_H
#define PEERTOP_ROUTEMON_H

#include <stdint.h>

struct model;
struct rib;
struct routemon;

/*
 * Watch every registered prefix of m's branches in rib (and set
 * m->rib / m->routemon).  Nothing is raised until the first eval.
 */
struct routemon	*routemon_new(struct model *, struct rib *);
void		 routemon_free(struct routemon *);
/* Evaluate the dirty prefixes now; raises events with time now_ms. */
void		 routemon_eval(struct routemon *, int64_t now_ms);
/* Mark every prefix dirty (a session's state or mapping changed). */
void		 routemon_dirty_all(struct routemon *);

#endif
