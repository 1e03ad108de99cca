/* SPDX-License-Identifier: ISC */
/*
 * The latency monitor: turns samples into each link's window statistics
 * and trend, judges the thresholds (LatencyHigh, LossHigh, LatencyShift,
 * each with its restoring event), the nearest edge by latency, the link
 * the Overview shows and SuboptimalRouting by latency.  model.h has the
 * entry point, latency_mon_sample(); this is the rest.
 *
 * Hysteresis, so that a value sitting on a threshold does not raise and
 * restore on every probe:
 *   LatencyHigh	raised when the window median exceeds high, restored
 *			when it is back at or below 90% of it;
 *   LossHigh		raised when the window's Loss% exceeds loss, restored
 *			at or below half of it;
 *   LatencyShift	(SmokePing's median step) the median of the recent
 *			part (recent, default 1 min) rose above the
 *			baseline (the median of the rest of the window)
 *			by more than shift; restored when back within half
 *			of it of the baseline, which is held while the
 *			shift is open, or when the shift has lasted a whole
 *			window (the new level becomes the baseline).  A
 *			drop raises nothing;
 *   SuboptimalRouting	the routed edge's median exceeds that of the
 *			fastest edge the partner can deliver at (has a
 *			session not known down at, geo_edge_deliverable())
 *			by more than margin; restored within half of it.
 * A judgement needs LATMON_MIN_SAMPLES samples (replies for medians), so
 * the first probe never raises anything.
 */
#ifndef PEERTOP_LATENCY_MON_H
#define PEERTOP_LATENCY_MON_H

#include <stdint.h>

#include "core/model.h"

#define LATMON_MIN_SAMPLES	5
#define LAT_WINDOW_DEFAULT_MS	(5 * 60 * 1000)
#define LAT_RECENT_DEFAULT_MS	(60 * 1000)
#define LAT_MARGIN_DEFAULT_US	(10 * 1000)
#define LAT_KEEP_RAW_DEFAULT_MS	((int64_t)7 * 86400 * 1000)
#define LAT_KEEP_MIN_DEFAULT_MS	((int64_t)90 * 86400 * 1000)

/*
 * A latency sample for (branch, edge, target) from a source: rtt_us >= 0
 * a reply, < 0 a loss.  Creates the latlink on first use, adds the
 * sample to its ring, tells the sink (the store) and marks the link for
 * the next pass (PENDING_LATENCY).  target may be NULL.  Returns the
 * link, NULL on a bad edge index.
 */
struct latlink	*latency_mon_sample(struct model *, struct branch *,
		    int edge_idx, const char *target, enum lat_source,
		    int64_t time_ms, int64_t rtt_us);
/*
 * The pass's judgement (eval.c): the window statistics and trend of the
 * links that took samples, the thresholds (LatencyHigh, LossHigh,
 * LatencyShift and their restoring events) and the branches' nearest
 * edge by latency; sets DIRTY_LATENCY.
 */
void		 latency_mon_eval(struct model *);
/* Re-judge the branch's nearest edge, main link and SuboptimalRouting by
 * latency (after the routed edge changed). */
void		 latency_mon_branch(struct model *, struct branch *,
	    int64_t now_ms);
/*
 * The edge of the branch's link with the lowest median and that median
 * (-1 and -1 with no replies); with deliverable, only of the edges its
 * partner can deliver at (geo_edge_deliverable()).  Pure.
 */
int		 latency_mon_fastest(const struct model *,
		    const struct branch *, int deliverable, double *med_us);
/* The link of (branch, edge, target), NULL if none yet. */
struct latlink	*latency_mon_link_find(const struct branch *, int edge_idx,
		    const char *target);
/*
 * The link of (branch, edge, target), made when there is none (NULL when
 * the branch has all the links it may): a replica's, which fills the
 * ring and the statistics itself (core/replica.c).
 */
struct latlink	*latency_mon_link_get(struct model *, struct branch *,
		    int edge_idx, const char *target);
/* The branch's effective thresholds: its own where set, else global. */
void		 latency_mon_thresholds(const struct model *,
		    const struct branch *, struct lat_thresholds *);
/* Defaults applied: window, shift part, margin. */
int64_t		 latency_mon_window_ms(const struct model *);
/* The LAT_F_* flag names, e.g. "LatencyHigh"; NULL past the end. */
const char *latency_mon_flag_name(unsigned bit);

#endif
