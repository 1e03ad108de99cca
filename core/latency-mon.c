/* SPDX-License-Identifier: ISC */
/*
 * The latency monitor (latency-mon.h): every sample goes into its link's ring,
 * the link's window statistics are recomputed, and the branch's
 * conditions judged.  Events carry the sample's time, so a replay or an
 * agent's late batch is stamped when it happened.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/geo.h"
#include "core/latency.h"
#include "core/latency-mon.h"
#include "core/model.h"
#include "core/util.h"

#define LAT_RING_MIN	128
#define LAT_RING_MAX	16384
#define LAT_TREND_MS	1000	/* recompute the trend at most this often */
#define LAT_LINKS_MAX	256	/* per branch */

static const char *const lat_source_names[] = {
	[LAT_PROBE] = "probe",
	[LAT_PROM] = "prometheus",
	[LAT_AGENT] = "agent",
};

static const char *const latmon_flag_names[] = {
	"LatencyHigh", "LossHigh", "LatencyShift"
};

const char *
latency_mon_source_name(enum lat_source s)
{
	if ((size_t)s >= nitems(lat_source_names))
		return ("unknown");
	return (lat_source_names[s]);
}

const char *
latency_mon_flag_name(unsigned bit)
{
	return (bit < nitems(latmon_flag_names) ? latmon_flag_names[bit] :
	    NULL);
}

int64_t
latency_mon_window_ms(const struct model *m)
{
	return (m->lat.window_ms > 0 ? m->lat.window_ms :
	    LAT_WINDOW_DEFAULT_MS);
}

void
latency_mon_thresholds(const struct model *m, const struct branch *b,
    struct lat_thresholds *th)
{
	*th = m->lat.th;
	if (b->th.high_us != 0)
		th->high_us = b->th.high_us;
	if (b->th.loss_pct != 0)
		th->loss_pct = b->th.loss_pct;
	if (b->th.shift_us != 0)
		th->shift_us = b->th.shift_us;
}

struct latlink *
latency_mon_link_find(const struct branch *b, int edge_idx, const char *target)
{
	size_t	 i;

	if (target == NULL)
		target = "";
	for (i = 0; i < b->nlinks; i++) {
		if (b->links[i]->edge_idx == edge_idx &&
		    strcmp(b->links[i]->target, target) == 0)
			return (b->links[i]);
	}
	return (NULL);
}

/*
 * The shortest interval samples may come at: the fastest probe line,
 * else 500 ms (two a second, for Prometheus and agents' probes, whose
 * rate is not known here).
 */
static int64_t
latency_mon_min_interval(const struct model *m)
{
	int64_t	 min = 500;
	size_t	 i, j;
	unsigned iv;

	if (m->lat.interval_ms != 0 && m->lat.interval_ms < min)
		min = m->lat.interval_ms;
	for (i = 0; i < m->nbranches; i++)
		for (j = 0; j < m->branches[i]->nprobes; j++) {
			iv = m->branches[i]->probes[j].interval_ms;
			if (iv != 0 && iv < min)
				min = iv;
		}
	return (min);
}

/*
 * A new link, its ring sized to hold the window at the fastest rate, at
 * most max-samples (LAT_RING_MAX): that is the cap on what a link keeps
 * in memory however fast its samples come; see latency_mon_sample().
 */
static struct latlink *
latency_mon_link_new(struct model *m, struct branch *b, int edge_idx,
    const char *target)
{
	struct latlink	*l;
	size_t		 size, max, i;

	if (b->nlinks >= LAT_LINKS_MAX)
		return (NULL);
	max = m->lat.max_samples != 0 ? m->lat.max_samples : LAT_RING_MAX;
	size = (size_t)(latency_mon_window_ms(m) / latency_mon_min_interval(m));
	size = size < LAT_RING_MIN ? LAT_RING_MIN : size;
	size = size > max ? max : size;
	l = xcalloc(1, sizeof *l);
	l->branch = b;
	l->edge_idx = edge_idx;
	strlcpy_pt(l->target, target, sizeof l->target);
	l->ring = latency_series_new(size);
	l->last_us = -1;
	for (i = 0; i < LAT_TREND_N; i++)
		l->trend[i] = -1;
	b->links = xreallocarray(b->links, b->nlinks + 1, sizeof *b->links);
	b->links[b->nlinks++] = l;
	if (b->lat_main < 0 && b->nlinks == 1)
		b->lat_main = 0;
	return (l);
}

struct latlink *
latency_mon_link_get(struct model *m, struct branch *b, int edge_idx,
    const char *target)
{
	struct latlink	*l;

	if (edge_idx < 0 || (size_t)edge_idx >= m->nedges)
		return (NULL);
	if ((l = latency_mon_link_find(b, edge_idx, target)) != NULL)
		return (l);
	return (latency_mon_link_new(m, b, edge_idx, target));
}

/* The trend: the median of each of LAT_TREND_N slices of the window. */
static void
latency_mon_trend(struct model *m, struct latlink *l)
{
	struct latency_stats	 st;
	int64_t			 w = latency_mon_window_ms(m), from, step;
	size_t			 i;

	step = w / LAT_TREND_N;
	from = l->last_ms - w;
	for (i = 0; i < LAT_TREND_N; i++, from += step) {
		if (latency_stats_range(l->ring, from, from + step, &st) == 0 ||
		    st.received == 0)
			l->trend[i] = st.sent > 0 ? -2 : -1;	/* -2: all lost */
		else
			l->trend[i] = st.median_us;
	}
}

/* Raise or restore one condition of a link; 1 if it changed. */
static int
latency_mon_flag(struct model *m, struct latlink *l, int64_t when_ms,
    unsigned bit, int raise, int restore, enum level level,
    const char *why)
{
	const char	*name = latmon_flag_names[bit];
	char		 subject[96], type[40];
	const char	*edge = m->edges[l->edge_idx].code;

	snprintf(subject, sizeof subject, "branch %s edge %s", l->branch->name,
	    edge);
	if (raise && !(l->flags & (1u << bit))) {
		l->flags |= 1u << bit;
		model_event_at(m, when_ms, name, level, subject, NULL, "%s to %s%s"
		    "%s: %s", l->branch->name, edge, l->target[0] != '\0' ?
		    " " : "", l->target, why);
		return (1);
	}
	if (restore && (l->flags & (1u << bit))) {
		l->flags &= ~(1u << bit);
		snprintf(type, sizeof type, "%sResolved", name);
		model_event_at(m, when_ms, type, LVL_INFO, subject, NULL, "%s to "
		    "%s%s%s: %s", l->branch->name, edge, l->target[0] != '\0' ?
		    " " : "", l->target, why);
		return (1);
	}
	return (0);
}

/*
 * LatencyShift: a rise of the recent part's median by more than shift
 * over the link's baseline, the median of the rest of the window.  While
 * it is open the baseline is held (not the window's, which fills with
 * the new level); it is resolved when the recent median is back within
 * half of shift of it, or when the new level has lasted a whole window
 * since the raise, which makes it the baseline.  Either way the baseline
 * is held for a window more, while the window still holds the shift: a
 * rise again soon after is judged against it, not against the shifted
 * samples.  A drop (latency better by more than shift) raises nothing:
 * the baseline follows it as the window fills, so a rise back later is
 * judged against the better level.
 */
static void
latency_mon_shift(struct model *m, struct latlink *l, int64_t when_ms,
    double shift_us)
{
	struct latency_stats	 recent, before;
	int64_t			 w = latency_mon_window_ms(m), rec_ms;
	char			 why[160];

	rec_ms = m->lat.shift_ms > 0 ? m->lat.shift_ms : LAT_RECENT_DEFAULT_MS;
	if (rec_ms >= w)
		return;
	latency_stats_range(l->ring, l->last_ms - rec_ms, l->last_ms, &recent);
	if (recent.received < LATMON_MIN_SAMPLES)
		return;
	if (l->flags & LAT_F_SHIFT) {
		if (recent.median_us - l->baseline_us <= shift_us / 2) {
			snprintf(why, sizeof why, "median back to %.1f ms over "
			    "the last %llds, baseline %.1f ms",
			    recent.median_us / 1000,
			    (long long)(rec_ms / 1000), l->baseline_us / 1000);
			latency_mon_flag(m, l, when_ms, 2, 0, 1, LVL_INFO, why);
			l->shift_ms = l->last_ms;
		} else if (l->last_ms - l->shift_ms >= w) {
			snprintf(why, sizeof why, "median %.1f ms for the whole "
			    "%llds window since it rose from %.1f ms: the new "
			    "baseline", recent.median_us / 1000,
			    (long long)(w / 1000), l->baseline_us / 1000);
			l->baseline_us = recent.median_us;
			l->shift_ms = l->last_ms;
			latency_mon_flag(m, l, when_ms, 2, 0, 1, LVL_INFO, why);
		}
		return;
	}
	if (l->last_ms - l->shift_ms >= w) {
		latency_stats_range(l->ring, l->last_ms - w,
		    l->last_ms - rec_ms, &before);
		if (before.received < LATMON_MIN_SAMPLES)
			return;
		l->baseline_us = before.median_us;
	}
	if (recent.median_us - l->baseline_us <= shift_us)
		return;
	snprintf(why, sizeof why, "median rose from %.1f ms to %.1f ms over "
	    "the last %llds", l->baseline_us / 1000,
	    recent.median_us / 1000, (long long)(rec_ms / 1000));
	l->shift_ms = l->last_ms;
	latency_mon_flag(m, l, when_ms, 2, 1, 0, LVL_WARNING, why);
}

/* LatencyHigh, LossHigh and LatencyShift for one link. */
static void
latency_mon_judge(struct model *m, struct latlink *l, int64_t when_ms)
{
	struct lat_thresholds	 th;
	char			 why[128];

	latency_mon_thresholds(m, l->branch, &th);
	if (th.high_us > 0 && l->received >= LATMON_MIN_SAMPLES) {
		snprintf(why, sizeof why, "median %.1f ms, threshold %.1f ms",
		    l->median_us / 1000, (double)th.high_us / 1000);
		latency_mon_flag(m, l, when_ms, 0, l->median_us > th.high_us,
		    l->median_us <= 0.9 * (double)th.high_us, LVL_WARNING, why);
	}
	if (th.loss_pct > 0 && l->sent >= LATMON_MIN_SAMPLES) {
		snprintf(why, sizeof why, "%.1f%% lost of %u, threshold %.1f%%",
		    l->loss_pct, l->sent, th.loss_pct);
		latency_mon_flag(m, l, when_ms, 1, l->loss_pct > th.loss_pct,
		    l->loss_pct <= th.loss_pct / 2, l->loss_pct >= 100 ?
		    LVL_ERROR : LVL_WARNING, why);
	}
	if (th.shift_us > 0)
		latency_mon_shift(m, l, when_ms, (double)th.shift_us);
}

/* The lowest median of an edge's links, -1 if none has replies. */
static double
latency_mon_edge_median(const struct branch *b, int edge_idx, int *best)
{
	double	 med = -1;
	size_t	 i;

	for (i = 0; i < b->nlinks; i++) {
		if (b->links[i]->edge_idx != edge_idx ||
		    b->links[i]->received == 0)
			continue;
		if (med < 0 || b->links[i]->median_us < med) {
			med = b->links[i]->median_us;
			if (best != NULL)
				*best = (int)i;
		}
	}
	return (med);
}

/*
 * An edge where the partner has no session (or only down ones) may
 * answer probes faster, but traffic cannot enter there: with deliverable
 * set, only edges geo_edge_deliverable() accepts count.
 */
int
latency_mon_fastest(const struct model *m, const struct branch *b,
    int deliverable, double *med_us)
{
	const struct latlink	*l;
	int			 edge = -1;
	size_t			 k;

	*med_us = -1;
	for (k = 0; k < b->nlinks; k++) {
		l = b->links[k];
		if (l->received == 0 || (*med_us >= 0 &&
		    l->median_us >= *med_us))
			continue;
		if (deliverable && !geo_edge_deliverable(m, b, l->edge_idx))
			continue;
		*med_us = l->median_us;
		edge = l->edge_idx;
	}
	return (edge);
}

void
latency_mon_branch(struct model *m, struct branch *b, int64_t now_ms)
{
	double		 med, best = -1, routed_med = -1, margin, dbest = -1;
	int		 nearest, main_link = -1, i, deliver;
	char		 subject[96];

	/*
	 * The fastest edge, and the fastest the partner can deliver at:
	 * routing is judged against the latter.
	 */
	nearest = latency_mon_fastest(m, b, 0, &best);
	deliver = latency_mon_fastest(m, b, 1, &dbest);
	if (nearest != b->lat_nearest)
		model_touch(m, DIRTY_BRANCHES);
	b->lat_nearest = nearest;
	b->lat_nearest_us = best;

	/* The Overview shows the routed edge's link, else the fastest. */
	if (b->routed >= 0)
		routed_med = latency_mon_edge_median(b, b->routed, &main_link);
	if (main_link < 0 && nearest >= 0)
		latency_mon_edge_median(b, nearest, &main_link);
	if (main_link < 0 && b->nlinks > 0)
		main_link = 0;
	b->lat_main = main_link;

	/* SuboptimalRouting by latency: only with both medians known. */
	if (routed_med < 0 || deliver < 0 || deliver == b->routed)
		i = 0;
	else {
		margin = m->lat.margin_us > 0 ? (double)m->lat.margin_us :
		    LAT_MARGIN_DEFAULT_US;
		i = routed_med - dbest > margin ? 1 :
		    routed_med - dbest <= margin / 2 ? 0 : b->lat_suboptimal;
	}
	if (routed_med < 0 && b->lat_suboptimal == 0)
		return;
	snprintf(subject, sizeof subject, "branch %s", b->name);
	if (i && !b->lat_suboptimal) {
		med = routed_med - dbest;
		model_event_at(m, now_ms, "SuboptimalRouting", LVL_WARNING,
		    subject, NULL, "%s enters Microsoft at %s (%.1f ms), %.1f "
		    "ms slower than %s (%.1f ms)", b->name,
		    m->edges[b->routed].code, routed_med / 1000, med / 1000,
		    m->edges[deliver].code, dbest / 1000);
		b->lat_suboptimal = 1;
		model_touch(m, DIRTY_BRANCHES);
	} else if (!i && b->lat_suboptimal && routed_med >= 0) {
		model_event_at(m, now_ms, "SuboptimalRoutingResolved", LVL_INFO,
		    subject, NULL, "%s enters Microsoft at %s (%.1f ms), %s",
		    b->name, m->edges[b->routed].code, routed_med / 1000,
		    deliver == b->routed ? "its fastest edge" :
		    "within the margin of its fastest edge");
		b->lat_suboptimal = 0;
		model_touch(m, DIRTY_BRANCHES);
	}
}

/* The link's window columns and trend from its ring, then its events. */
static void
latency_mon_update(struct model *m, struct latlink *l)
{
	struct latency_stats	 st;

	latency_stats(l->ring, latency_mon_window_ms(m), &st);
	l->sent = st.sent;
	l->received = st.received;
	l->loss_pct = st.loss_pct;
	l->last_us = st.last_us;
	l->avg_us = st.avg_us;
	l->stdev_us = st.stdev_us;
	l->median_us = st.median_us;
	l->jitter_us = st.jitter_us;
	l->best_us = st.best_us;
	l->worst_us = st.worst_us;
	l->p95_us = st.p95_us;
	if (l->last_ms - l->trend_ms >= LAT_TREND_MS || l->trend_ms == 0) {
		l->trend_ms = l->last_ms;
		latency_mon_trend(m, l);
	}
	l->stale = 0;
	latency_mon_judge(m, l, l->last_ms);
}

/*
 * The pass's latency judgement: recompute and judge the links that took
 * samples since the last pass, then their branches, each stamped with
 * the time of its last sample.
 */
void
latency_mon_eval(struct model *m)
{
	struct branch	*b;
	size_t		 i, j;
	int		 any = 0;

	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		if (!b->lat_stale)
			continue;
		for (j = 0; j < b->nlinks; j++)
			if (b->links[j]->stale)
				latency_mon_update(m, b->links[j]);
		latency_mon_branch(m, b, b->lat_stale_ms);
		b->lat_stale = 0;
		any = 1;
	}
	if (any)
		model_touch(m, DIRTY_LATENCY);
}

struct latlink *
latency_mon_sample(struct model *m, struct branch *b, int edge_idx,
    const char *target, enum lat_source src, int64_t time_ms,
    int64_t rtt_us)
{
	struct latlink		*l, tmp;
	int64_t			 oldest_ms, oldest_rtt;
	size_t			 held;
	char			 clean[sizeof tmp.target];

	if (b == NULL || edge_idx < 0 || (size_t)edge_idx >= m->nedges)
		return (NULL);
	/*
	 * The name as the link keeps it: a replay's come from a file anyone
	 * may have written, and every sink prints l->target.
	 */
	if (target == NULL)
		target = "";
	target = sanitize(clean, sizeof clean, target, strlen(target));
	if ((l = latency_mon_link_find(b, edge_idx, target)) == NULL &&
	    (l = latency_mon_link_new(m, b, edge_idx, target)) == NULL) {
		/*
		 * The branch has all the links it may: no live window for
		 * this one, but the history has the sample (an agent's 200
		 * promises it), under a link made for the moment.
		 */
		m->lat_nolink++;
		if (m->sink.latency != NULL) {
			memset(&tmp, 0, sizeof tmp);
			tmp.branch = b;
			tmp.edge_idx = edge_idx;
			tmp.source = src;
			strlcpy_pt(tmp.target, target, sizeof tmp.target);
			m->sink.latency(m->sink.arg, &tmp, time_ms, rtt_us);
		}
		return (NULL);
	}
	/*
	 * A lost probe is known only after its timeout, so its send time is
	 * older than replies already added: that much disorder goes into
	 * the ring (windows are cut by time, a few samples either side of
	 * the edge do not matter).  Older than the window (an agent's late
	 * batch): history only.
	 */
	if (time_ms < l->last_ms - latency_mon_window_ms(m)) {
		if (m->sink.latency != NULL)
			m->sink.latency(m->sink.arg, l, time_ms, rtt_us);
		return (l);
	}
	l->source = src;
	/*
	 * The ring is the cap on what a link holds (its window at the
	 * fastest rate, max-samples at most): a sample pushed out while
	 * still inside the window is counted, so a sender faster than the
	 * window was sized for shows up instead of silently narrowing it.
	 */
	held = latency_series_count(l->ring);
	if (latency_sample_get(l->ring, 0, &oldest_ms, &oldest_rtt) == -1)
		oldest_ms = INT64_MIN;
	latency_add(l->ring, time_ms, rtt_us < 0 ? LATENCY_LOST : rtt_us);
	if (latency_series_count(l->ring) == held && oldest_ms >=
	    (time_ms > l->last_ms ? time_ms : l->last_ms) -
	    latency_mon_window_ms(m)) {
		l->capped++;
		m->lat_capped++;
	}
	l->total++;
	if (time_ms > l->last_ms)
		l->last_ms = time_ms;
	if (m->sink.latency != NULL)
		m->sink.latency(m->sink.arg, l, time_ms, rtt_us);
	/*
	 * Judged once per pass (latency_mon_eval()): sorting for the median on
	 * every one of thousands of samples of a Prometheus poll or an
	 * agent's push would cost most of the time.
	 */
	l->stale = 1;
	b->lat_stale = 1;
	b->lat_stale_ms = time_ms;
	model_pending(m, PENDING_LATENCY);
	return (l);
}
