/* SPDX-License-Identifier: ISC */
/*
 * The route monitor: watches the RIB for every branch's registered
 * prefixes and turns what it sees into the model's prefix state
 * (struct branch_prefix's derived fields, branch->routed) and into route
 * events with a lifecycle (a restoring event when a condition clears):
 * announcement / withdrawal per session named primary or backup as
 * Microsoft's Peering Service telemetry names them, visibility lost on all
 * sessions, exact-prefix origin change (hijack), more-specifics from
 * another origin (sub-prefix hijack) or from the registered one, an
 * unexpected first-hop upstream, route leaks (by the configured allowed
 * ASes, and valley-free by CAIDA relationships), ASPA-invalid paths and
 * RFC 9234 OTC leaks by each session's relation, Microsoft's validation
 * rules (8075:8007, path length, private ASNs, prepending), and the
 * routed edge with SuboptimalRouting.
 *
 * The RIB's watch hook marks prefixes dirty (and PENDING_ROUTES);
 * routemon_eval(), run by the evaluation pass (eval.h) once per loop turn
 * or after each MRT record, evaluates only those, at the time given (wall
 * time live, record time on replay).  A session whose routes' source went
 * away (session->routes_lost) is unknown: nothing is withdrawn, lost or
 * resolved on it until it is known again.
 */
#ifndef PEERTOP_ROUTEMON_H
#define PEERTOP_ROUTEMON_H

#include <stddef.h>
#include <stdint.h>

#include "core/aspa.h"

struct asrel;
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
/*
 * Tuning (peertop.conf "routes" block): SuboptimalRouting needs the routed
 * edge this much farther than the nearest (default 500 km); Microsoft's
 * AS path rule allows at most max_path ASes (default 3).
 */
#define ROUTEMON_TOLERANCE_KM	500
#define ROUTEMON_PATH_MAX	3
void		 routemon_set_limits(struct routemon *, double tolerance_km,
		    unsigned max_path);

/*
 * Route security (issue 16).  CAIDA relationships for the valley-free
 * check of every path a session carries (a leak is PrefixRouteLeak,
 * naming the AS that leaks): the monitor takes r and frees the one it
 * had; NULL stops the check.  An ASPA lookup (aspa.h) for
 * PrefixASPAInvalid: cb NULL stops it; arg must outlive its use.  The
 * RFC 9234 OTC rules (PrefixOTCLeak) need only the sessions' relation.
 * Each re-evaluates every prefix.
 */
void		 routemon_set_asrel(struct routemon *, struct asrel *r);
void		 routemon_set_aspa(struct routemon *, aspa_lookup_cb cb,
		    void *arg);
/*
 * Load CAIDA relationships from path into the monitor (routes { asrel }):
 * 0, or -1 with the error logged and what the monitor had kept.
 */
int		 routemon_load_asrel(struct routemon *, const char *path);

/*
 * RPKI (issue 16): m->vrps was replaced.  d is the diff from the VRPs
 * before (NULL: the first ones, or any other change: every prefix is
 * judged again, no ROAChanged).  With a diff, ROAChanged (Information,
 * Warning when one is removed) for each registered prefix that a VRP
 * added or removed covers or lies under, and only the registered
 * prefixes under a changed VRP are judged again: PrefixRPKIInvalid,
 * PrefixRPKINotFound, ROAExpiring (routes { roa-expiry }, 24 h).
 */
struct vrp_diff;
struct vrp_index;
struct prefix;
void		 routemon_vrps_changed(struct routemon *,
		    const struct vrp_diff *, int64_t now_ms);
/* ROAExpiring this long before (routes { roa-expiry }; 0: 24 h). */
void		 routemon_set_roa_expiry(struct routemon *, int64_t ms);
/*
 * The RPKI state of a registered prefix as its registered origin
 * announces it (enum vrp_state), against m->vrps; -1 without VRPs.
 */
struct branch_prefix;
int		 routemon_rpki_state(const struct model *,
		    const struct branch_prefix *);
/*
 * An ASPA lookup (aspa.h) over the ASPAs of m->vrps, arg the model, for
 * routemon_set_aspa().  The check does not say the route's family: an
 * AFI-independent ASPA first, then the per-family ones of older
 * rpki-client files.
 */
int		 routemon_vrps_aspa(uint32_t customer,
		    const uint32_t **providers, size_t *nproviders, void *m);
/* The VRPs covering p in words ("no ROA" for none), into buf. */
char		*routemon_roas_fmt(const struct vrp_index *,
		    const struct prefix *, char *, size_t);

/* PFX_* flags as words ("origin leak no-8007"), into buf; "" for none. */
char		*routemon_flags_fmt(unsigned, char *, size_t);
/* The level of the worst of these flags (LVL_INFO for none). */
int		 routemon_flags_level(unsigned);

/*
 * Replay an MRT file into rib, and through m's route monitor when m is
 * not NULL (see routemon-mrt.c).  Each located error goes to the error
 * callback; 0, or -1 if the file had any.  Zero the struct, then set
 * rib, m, error and arg; the counters add up over files.
 */
struct routemon_replay {
	struct rib	*rib;
	struct model	*m;
	void		(*error)(void *, const char *);
	void		*arg;
	size_t		 mapped;	/* RIB peers already mapped */
	uint64_t	 records, errors;
	uint64_t	 skipped;	/* records of types not decoded */
};
int		 routemon_replay_file(struct routemon_replay *, const char *);

#endif
