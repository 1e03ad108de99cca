/* SPDX-License-Identifier: ISC */
/*
 * OpenMetrics text of the model (metrics.h).  The exposition wants each
 * metric family's samples together, one family after the other, so this
 * walks the model once per family rather than once per object as the
 * struct output formats do (output.h): a per-object callback would have
 * to hold every family open in a buffer of its own until the end.
 *
 * Types: state sets for the session and redundancy states (the state is
 * the label named as the family, OpenMetrics 1.0 "StateSet"), gauges,
 * and counters (family "x", sample "x_total").  Times and latencies are
 * in seconds, loss a ratio: OpenMetrics wants base units.
 */
#include <stdio.h>
#include <string.h>

#include "core/collector.h"
#include "core/metrics.h"
#include "core/notify.h"

/* Labels of one sample, escaped, "" when none. */
#define METRICS_LABELS_MAX	1024

/* Where the text goes, and in which of the two formats. */
struct metrics_out {
	FILE	*f;
	int	 om;		/* OpenMetrics, else Prometheus text */
};

static void	metrics_family(struct metrics_out *, const char *,
		    const char *, const char *, const char *);
static void	metrics_session_labels(const struct session *, char *,
		    size_t);
static void	metrics_sessions(struct metrics_out *,
		    const struct model *);
static void	metrics_partners(struct metrics_out *,
		    const struct model *);
static void	metrics_branches(struct metrics_out *,
		    const struct model *);
static void	metrics_latency(struct metrics_out *,
		    const struct model *);
static void	metrics_conditions(struct metrics_out *,
		    const struct model *);
static void	metrics_collectors(struct metrics_out *,
		    const struct model *);
static void	metrics_notify(struct metrics_out *, const struct model *);
static void	metrics_stats_write(struct metrics_out *,
		    const struct metrics_stats *);

const char *
metrics_escape(const char *s, char *buf, size_t len)
{
	size_t	 o = 0;
	char	 c;

	for (; *s != '\0' && o + 3 <= len; s++) {
		c = *s;
		if (c == '\\' || c == '"' || c == '\n') {
			buf[o++] = '\\';
			c = c == '\n' ? 'n' : c;
		}
		buf[o++] = c;
	}
	buf[o] = '\0';
	return (buf);
}

/* The family's metadata: TYPE, then UNIT when it has one, then HELP. */
static void
metrics_family(struct metrics_out *o, const char *name, const char *type,
    const char *unit, const char *help)
{
	const char	*total = "";

	/*
	 * The Prometheus text format has no state sets and no units, and
	 * names a counter by its sample: a state set is a gauge there.
	 */
	if (!o->om) {
		unit = NULL;
		if (strcmp(type, "stateset") == 0)
			type = "gauge";
		else if (strcmp(type, "counter") == 0)
			total = "_total";
	}
	fprintf(o->f, "# TYPE %s%s %s\n", name, total, type);
	if (unit != NULL)
		fprintf(o->f, "# UNIT %s %s\n", name, unit);
	fprintf(o->f, "# HELP %s%s %s\n", name, total, help);
}

/*
 * One label set for every session family, so the series of a session
 * join in a query without relabelling.
 */
static void
metrics_session_labels(const struct session *s, char *buf, size_t len)
{
	char	 name[NAME_MAX_PT * 2], partner[NAME_MAX_PT * 2];
	char	 router[NAME_MAX_PT * 2], nbr[ADDR_STRLEN];

	addr_fmt(&s->neighbor, nbr, sizeof nbr);
	snprintf(buf, len, "session=\"%s\",partner=\"%s\",router=\"%s\","
	    "neighbor=\"%s\",edge=\"%s\",role=\"%s\"",
	    metrics_escape(s->name, name, sizeof name),
	    metrics_escape(s->partner != NULL ? s->partner->name : "",
	    partner, sizeof partner),
	    metrics_escape(s->router, router, sizeof router), nbr, s->edge,
	    role_name(s->role));
}

static void
metrics_sessions(struct metrics_out *o, const struct model *m)
{
	static const char *const fam[] = {
		"peertop_session_last_change_timestamp_seconds",
		"peertop_session_prefixes_received",
		"peertop_session_prefixes_sent",
	};
	const struct session	*s;
	char			 l[METRICS_LABELS_MAX];
	size_t			 i, k;
	int			 st;
	long long		 v;

	metrics_family(o, "peertop_session_state", "stateset", NULL,
	    "BGP session state (RFC 4271 8.2.2), Unknown before a report");
	for (i = 0; i < m->nsessions; i++) {
		s = m->sessions[i];
		metrics_session_labels(s, l, sizeof l);
		for (st = BGP_UNKNOWN; st <= BGP_ADMIN_DOWN; st++)
			fprintf(o->f, "peertop_session_state{%s,"
			    "peertop_session_state=\"%s\"} %d\n", l,
			    bgp_state_name(st), (int)s->state == st);
	}
	for (k = 0; k < nitems(fam); k++) {
		if (k == 0)
			metrics_family(o, fam[k], "gauge", "seconds",
			    "When the session entered its state");
		else
			metrics_family(o, fam[k], "gauge", NULL, k == 1 ?
			    "Prefixes imported from the neighbor" :
			    "Prefixes exported to the neighbor");
		for (i = 0; i < m->nsessions; i++) {
			s = m->sessions[i];
			if (k == 0 && s->since_ms == 0)
				continue;	/* unknown: no sample */
			metrics_session_labels(s, l, sizeof l);
			if (k == 0) {
				fprintf(o->f, "%s{%s} %lld.%03lld\n", fam[k], l,
				    (long long)(s->since_ms / 1000),
				    (long long)(s->since_ms % 1000));
				continue;
			}
			v = k == 1 ? s->routes_imported : s->routes_exported;
			fprintf(o->f, "%s{%s} %lld\n", fam[k], l, v);
		}
	}
	metrics_family(o, "peertop_session_flaps", "counter", NULL,
	    "Established sessions that went down, since the collector "
	    "started");
	for (i = 0; i < m->nsessions; i++) {
		metrics_session_labels(m->sessions[i], l, sizeof l);
		fprintf(o->f, "peertop_session_flaps_total{%s} %u\n", l,
		    m->sessions[i]->flaps);
	}
}

static void
metrics_partners(struct metrics_out *o, const struct model *m)
{
	const struct partner	*p;
	char			 name[NAME_MAX_PT * 2];
	size_t			 i;
	int			 r;

	metrics_family(o, "peertop_partner_redundancy", "stateset", NULL,
	    "Geo-redundancy of the partner's sessions");
	for (i = 0; i < m->npartners; i++) {
		p = m->partners[i];
		metrics_escape(p->name, name, sizeof name);
		for (r = RED_UNKNOWN; r <= RED_DOWN; r++)
			fprintf(o->f, "peertop_partner_redundancy{partner=\"%s\","
			    "peertop_partner_redundancy=\"%s\"} %d\n", name,
			    redundancy_name(r), (int)p->red == r);
	}
}

/*
 * Routed and nearest edge as info-style gauges: 1 with the edge as a
 * label, no sample while it is unknown, so "routed != nearest" is a join.
 */
static void
metrics_branches(struct metrics_out *o, const struct model *m)
{
	const struct branch	*b;
	char			 name[NAME_MAX_PT * 2];
	size_t			 i;
	int			 k, e;

	for (k = 0; k < 2; k++) {
		metrics_family(o, k == 0 ? "peertop_branch_routed_edge" :
		    "peertop_branch_nearest_edge", "gauge", NULL, k == 0 ?
		    "The edge whose session carries the branch's best path" :
		    "The edge nearest to the branch");
		for (i = 0; i < m->nbranches; i++) {
			b = m->branches[i];
			e = k == 0 ? b->routed : b->nearest;
			if (e < 0 || (size_t)e >= m->nedges)
				continue;
			fprintf(o->f, "%s{branch=\"%s\",edge=\"%s\"} 1\n",
			    k == 0 ? "peertop_branch_routed_edge" :
			    "peertop_branch_nearest_edge",
			    metrics_escape(b->name, name, sizeof name),
			    m->edges[e].code);
		}
	}
	metrics_family(o, "peertop_branch_suboptimal_routing", "gauge", NULL,
	    "SuboptimalRouting: the branch is routed to a farther or "
	    "slower edge");
	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		fprintf(o->f, "peertop_branch_suboptimal_routing{branch=\"%s\"} "
		    "%d\n", metrics_escape(b->name, name, sizeof name),
		    b->suboptimal || b->lat_suboptimal);
	}
}

/* Per latency link over the live window; no sample before one answer. */
static void
metrics_latency(struct metrics_out *o, const struct model *m)
{
	static const struct {
		const char	*name, *unit, *help;
	} fam[] = {
		{ "peertop_latency_loss_ratio", "ratio",
		  "Probes lost in the live window" },
		{ "peertop_latency_median_seconds", "seconds",
		  "Median round-trip time in the live window" },
		{ "peertop_latency_p95_seconds", "seconds",
		  "95th percentile round-trip time in the live window" },
	};
	const struct branch	*b;
	const struct latlink	*ll;
	char			 name[NAME_MAX_PT * 2], tgt[NAME_MAX_PT * 2];
	const char		*edge;
	size_t			 i, j, k;
	double			 v;

	for (k = 0; k < nitems(fam); k++) {
		metrics_family(o, fam[k].name, "gauge", fam[k].unit,
		    fam[k].help);
		for (i = 0; i < m->nbranches; i++) {
			b = m->branches[i];
			metrics_escape(b->name, name, sizeof name);
			for (j = 0; j < b->nlinks; j++) {
				ll = b->links[j];
				if (ll->sent == 0 || (k != 0 &&
				    ll->received == 0))
					continue;
				edge = ll->edge_idx >= 0 && (size_t)ll->edge_idx
				    < m->nedges ? m->edges[ll->edge_idx].code :
				    "";
				v = k == 0 ? ll->loss_pct / 100 : k == 1 ?
				    ll->median_us / 1e6 : ll->p95_us / 1e6;
				fprintf(o->f, "%s{branch=\"%s\",edge=\"%s\","
				    "target=\"%s\"} %.9g\n", fam[k].name, name,
				    edge, metrics_escape(ll->target, tgt,
				    sizeof tgt), v);
			}
		}
	}
}

static void
metrics_conditions(struct metrics_out *o, const struct model *m)
{
	int	 l, k;

	for (k = 0; k < 2; k++) {
		metrics_family(o, k == 0 ? "peertop_conditions_open" :
		    "peertop_conditions_unacknowledged", "gauge", NULL,
		    k == 0 ? "Open conditions by level" :
		    "Open conditions nobody acknowledged, by level");
		for (l = LVL_INFO; l <= LVL_CRITICAL; l++)
			fprintf(o->f, "%s{level=\"%s\"} %u\n", k == 0 ?
			    "peertop_conditions_open" :
			    "peertop_conditions_unacknowledged",
			    level_name(l), k == 0 ? m->open_counts[l] :
			    model_open_unacked(m, l));
	}
}

static void
metrics_collectors(struct metrics_out *o, const struct model *m)
{
	const struct collector	*c;
	char			 name[NAME_MAX_PT * 2];
	size_t			 i;

	metrics_family(o, "peertop_collector_up", "gauge", NULL,
	    "The collector answers (1) or not (0)");
	for (i = 0; i < m->ncollectors; i++) {
		c = m->collectors[i];
		fprintf(o->f, "peertop_collector_up{collector=\"%s\",kind=\"%s\"} "
		    "%d\n", metrics_escape(c->name, name, sizeof name),
		    c->ops != NULL ? c->ops->name : "remote",
		    c->state == COL_UP);
	}
}

/*
 * The notifier's destinations (core/notify.c), from their rows among the
 * collectors: what was delivered, what was not and why it never will be
 * (failed: given up after retries; dropped: the queue was full).
 */
static void
metrics_notify(struct metrics_out *o, const struct model *m)
{
	static const struct {
		const char	*name, *type, *help;
	} fam[] = {
		{ "peertop_notify_delivered", "counter",
		    "Notifications delivered" },
		{ "peertop_notify_failed", "counter",
		    "Notifications given up after retries" },
		{ "peertop_notify_dropped", "counter",
		    "Notifications dropped: the destination's queue was full" },
		{ "peertop_notify_retries", "counter",
		    "Attempts (requests, runs) that failed" },
		{ "peertop_notify_queued", "gauge",
		    "Notifications waiting or in flight" },
		{ "peertop_notify_up", "gauge",
		    "The destination's last attempt succeeded (1) or not (0)" },
	};
	const struct notify_stats *st;
	const char		*block, *dest;
	char			 b[NAME_MAX_PT * 2], d[NAME_MAX_PT * 2];
	uint64_t		 v;
	size_t			 i, k, n = 0;

	for (i = 0; i < m->ncollectors; i++)
		n += notify_row_stats(m->collectors[i], &block, &dest) != NULL;
	if (n == 0)
		return;
	for (k = 0; k < nitems(fam); k++) {
		metrics_family(o, fam[k].name, fam[k].type, NULL, fam[k].help);
		for (i = 0; i < m->ncollectors; i++) {
			if ((st = notify_row_stats(m->collectors[i], &block,
			    &dest)) == NULL)
				continue;
			v = k == 0 ? st->delivered : k == 1 ? st->failed :
			    k == 2 ? st->dropped : k == 3 ? st->retries :
			    k == 4 ? st->queued :
			    (uint64_t)(m->collectors[i]->state == COL_UP);
			fprintf(o->f, "%s%s{notify=\"%s\",destination=\"%s\"} "
			    "%llu\n", fam[k].name, k < 4 ? "_total" : "",
			    metrics_escape(block, b, sizeof b),
			    metrics_escape(dest, d, sizeof d),
			    (unsigned long long)v);
		}
	}
}

/* The RIB's and the history's figures: families without labels. */
static void
metrics_stats_write(struct metrics_out *o, const struct metrics_stats *st)
{
	const struct rib_stats	*r = &st->rib;
	const struct store_writer *w = &st->store;

	if (st->have_rib) {
		metrics_family(o, "peertop_rib_routes", "gauge", NULL,
		    "Routes in the RIB, every peer and view");
		fprintf(o->f, "peertop_rib_routes %zu\n", r->routes);
		metrics_family(o, "peertop_rib_prefixes", "gauge", NULL,
		    "Distinct prefixes with routes");
		fprintf(o->f, "peertop_rib_prefixes %zu\n", r->prefixes);
		metrics_family(o, "peertop_rib_attribute_sets", "gauge", NULL,
		    "Distinct path attribute sets");
		fprintf(o->f, "peertop_rib_attribute_sets %zu\n", r->attrs);
		metrics_family(o, "peertop_rib_attribute_bytes", "gauge",
		    "bytes", "Bytes of the path attribute sets");
		fprintf(o->f, "peertop_rib_attribute_bytes %zu\n", r->attr_bytes);
	}
	if (st->have_store) {
		metrics_family(o, "peertop_history_queue_rows", "gauge", NULL,
		    "Rows waiting for the history's next commit");
		fprintf(o->f, "peertop_history_queue_rows %zu\n", w->queued);
		metrics_family(o, "peertop_history_failing", "gauge", NULL,
		    "The history's last commit failed");
		fprintf(o->f, "peertop_history_failing %d\n", w->failing);
		if (w->flush_ms != 0) {
			metrics_family(o,
			    "peertop_history_last_flush_timestamp_seconds",
			    "gauge", "seconds", "When the history last "
			    "committed");
			fprintf(o->f, "peertop_history_last_flush_timestamp_seconds"
			    " %lld.%03lld\n", (long long)(w->flush_ms / 1000),
			    (long long)(w->flush_ms % 1000));
		}
	}
}

int
metrics_write(FILE *f, const struct model *m, const struct metrics_stats *st,
    enum metrics_format fmt)
{
	struct metrics_out	 o = { f, fmt == METRICS_OPENMETRICS };

	metrics_sessions(&o, m);
	metrics_partners(&o, m);
	metrics_branches(&o, m);
	metrics_latency(&o, m);
	metrics_conditions(&o, m);
	metrics_collectors(&o, m);
	metrics_notify(&o, m);
	metrics_stats_write(&o, st);
	if (o.om)
		fputs("# EOF\n", f);
	return (ferror(f) ? -1 : 0);
}
