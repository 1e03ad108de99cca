/* SPDX-License-Identifier: ISC */
/*
 * The text output (output.h): fixed-width tables for a terminal, times
 * in local time, "-" where there is nothing; the feed as one ISO 8601
 * line per event; the report with columns as wide as their longest name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collect-bmp.h"
#include "core/collector.h"
#include "core/latency-mon.h"
#include "core/output.h"
#include "core/report.h"
#include "core/rib.h"
#include "core/routemon.h"
#include "core/vrp.h"

static void	text_header(struct output_ctx *, const struct model *);
static void	text_section(struct output_ctx *, const struct model *,
		    enum output_section);
static void	text_collector(struct output_ctx *, const struct model *,
		    const struct collector *);
static void	text_bmp_router(struct output_ctx *,
		    const struct collector *, size_t,
		    const struct bmp_router_info *);
static void	text_partner(struct output_ctx *, const struct partner *);
static void	text_session(struct output_ctx *, const struct model *,
		    const struct session *);
static void	text_branch(struct output_ctx *, const struct model *,
		    const struct branch *);
static void	text_latency(struct output_ctx *, const struct model *,
		    const struct branch *, const struct latlink *);
static void	text_prefix_state(const struct model *,
		    const struct branch_prefix *, char *, size_t);
static void	text_prefix(struct output_ctx *, const struct model *,
		    const struct branch *, const struct branch_prefix *);
static void	text_event(struct output_ctx *, const struct event *);
static void	text_feed_event(struct output_ctx *, const struct event *);
static void	text_report_head(struct output_ctx *, const struct report *);
static void	text_report_section(struct output_ctx *,
		    const struct report *, enum report_section);
static void	text_report_track(struct output_ctx *, const struct report *,
		    enum report_section, const struct report_track *);
static void	text_report_lat(struct output_ctx *, const struct report *,
		    const struct report_lat *);
static void	text_report_prefix(struct output_ctx *,
		    const struct report *, const struct report_prefix *);
static void	text_report_event(struct output_ctx *, const struct report *,
		    const struct report_event *);
static void	text_report_tail(struct output_ctx *, const struct report *);

const struct output output_text = {
	.name = "text",
	.flags = OUTPUT_NEWEST_FIRST,
	.header = text_header,
	.section = text_section,
	.collector = text_collector,
	.bmp_router = text_bmp_router,
	.partner = text_partner,
	.session = text_session,
	.branch = text_branch,
	.latency = text_latency,
	.prefix = text_prefix,
	.event = text_event,
	.feed_event = text_feed_event,
	.report_sections = RS_BIT(RS_SESSIONS) | RS_BIT(RS_PARTNERS) |
	    RS_BIT(RS_LATENCY) | RS_BIT(RS_PREFIXES) | RS_BIT(RS_ROUTES) |
	    RS_BIT(RS_EVENTS),
	.report_head = text_report_head,
	.report_section = text_report_section,
	.report_track = text_report_track,
	.report_lat = text_report_lat,
	.report_prefix = text_report_prefix,
	.report_event = text_report_event,
	.report_tail = text_report_tail,
};

/* The column titles of each section; the optional ones only when used. */
static void
text_section(struct output_ctx *ctx, const struct model *m,
    enum output_section sec)
{
	FILE	*f = ctx->f;
	char	 st[192];
	size_t	 i, j;

	switch (sec) {
	case OUT_COLLECTORS:
		/* As wide as the longest name ("notify oncall/alertmanager"). */
		ctx->w[0] = 24;
		for (i = 0; i < m->ncollectors; i++)
			if (output_width(m->collectors[i]->name) > ctx->w[0])
				ctx->w[0] = output_width(m->collectors[i]->name);
		fprintf(f, "%-*s %-8s %-8s %s\n", ctx->w[0], "COLLECTOR",
		    "STATE", "FOR", "ERROR");
		break;
	case OUT_BMP:
		if (output_count(m, sec) == 0)
			break;
		fprintf(f, "\n%-32s %-22s %-23s %-7s %9s %9s %8s %6s %s\n",
		    "BMP ROUTER", "ADDRESS", "CONNECTED", "PEERS", "MESSAGES",
		    "ROUTE-MON", "ROUTES", "ERRORS", "STATE");
		break;
	case OUT_PARTNERS:
		fprintf(f, "\n%-20s %-8s %-10s %s\n", "PARTNER", "AS",
		    "REDUNDANCY", "REASON");
		break;
	case OUT_SESSIONS:
		fprintf(f, "\n%-16s %-12s %-16s %-8s %-5s %-7s %-11s %-8s "
		    "%7s %7s %5s %s\n", "SESSION", "ROUTER", "NEIGHBOR", "AS",
		    "EDGE", "ROLE", "STATE", "FOR", "PfxRcd", "PfxSnt", "FLAPS",
		    "LAST ERROR");
		break;
	case OUT_BRANCHES:
		fprintf(f, "\n%-20s %-28s %-14s %-6s %-6s %-10s %s\n",
		    "BRANCH", "LOCATION", "NEAREST EDGE", "ROUTED", "SESS",
		    "REDUNDANCY", "LAST EVENT");
		break;
	case OUT_LATENCY:
		if (output_count(m, sec) == 0)
			break;
		fprintf(f, "\n%-20s %-5s %-22s %6s %5s %7s %7s %7s %7s %7s "
		    "%7s %s\n", "BRANCH", "EDGE", "TARGET", "LOSS%", "SNT",
		    "LAST", "AVG", "BEST", "WRST", "STDEV", "MEDIAN", "FLAGS");
		break;
	case OUT_PREFIXES:
		if (output_count(m, sec) == 0)
			break;
		/* STATE as wide as the widest (several words, rpki:). */
		ctx->w[3] = 24;
		for (i = 0; i < m->nbranches; i++)
			for (j = 0; j < m->branches[i]->nprefixes; j++) {
				text_prefix_state(m,
				    &m->branches[i]->prefixes[j], st,
				    sizeof st);
				if (output_width(st) > ctx->w[3])
					ctx->w[3] = output_width(st);
			}
		fprintf(f, "\n%-20s %-20s %-8s %-5s %-5s %-8s %-16s %-*s "
		    "%s\n", "PREFIX", "BRANCH", "ORIGIN", "PRI", "BAK",
		    "BEST AS", "BEST VIA", ctx->w[3], "STATE", "PROBLEM");
		break;
	case OUT_EVENTS:
		fprintf(f, "\n%-23s %-11s %-20s %s\n", "TIME", "LEVEL", "TYPE",
		    "SUMMARY");
		break;
	}
}

/*
 * A message or event text for the terminal, into buf: sanitize() again
 * at the sink, whoever filled the model (a replay's rows come from a file
 * anyone may have written), so no escape or bidi character is printed.
 */
static const char *
text_clean(char *buf, size_t len, const char *s)
{
	return (sanitize(buf, len, s, strlen(s)));
}

static void
text_header(struct output_ctx *ctx, const struct model *m)
{
	char	 t[FMT_TIME_LEN];

	fprintf(ctx->f, "peertop %s at %s%s\n\n", output_status_name(m, 0),
	    fmt_time(t, sizeof t, ctx->wall, FMT_TIME_FULL), m->replay_ms != 0 ?
	    " (replay of the history)" : "");
}

static void
text_collector(struct output_ctx *ctx, const struct model *m,
    const struct collector *c)
{
	char	 d[16], e[sizeof c->error];

	(void)m;
	fprintf(ctx->f, "%-*s %-8s %-8s %s\n", output_pad(c->name,
	    ctx->w[0] > 0 ? ctx->w[0] : 24),
	    c->name, output_collector_state(c), fmt_duration(d, sizeof d,
	    output_collector_age(ctx, c)), text_clean(e, sizeof e, c->error));
}

/*
 * A BMP router: what it said of itself in its Initiation (RFC 7854 4.3,
 * sysName/sysDescr), its message counts, then its monitored peers with
 * their Statistics Report counters (4.8) by name.
 */
static void
text_bmp_router(struct output_ctx *ctx, const struct collector *c, size_t r,
    const struct bmp_router_info *ri)
{
	FILE			*f = ctx->f;
	struct bmp_peer_info	 pi;
	char			 t[64], peers[24], as[16], kinds[64];
	size_t			 j, k;
	unsigned int		 type;
	uint64_t		 value;
	const char		*sname, *name;

	snprintf(peers, sizeof peers, "%zu/%zu", ri->peers_up, ri->peers);
	snprintf(t, sizeof t, "%s:%u", ri->addr, ri->port);
	name = ri->name[0] != '\0' ? ri->name : "(unnamed)";
	fprintf(f, "%-*s %-22s ", output_pad(name, 32), name, t);
	fprintf(f, "%-23s %-7s %9llu %9llu %8zu %6llu %s%s\n",
	    ri->connected_ms != 0 ? fmt_time(t, sizeof t, ri->connected_ms,
	    FMT_TIME_FULL) : "-", peers, (unsigned long long)ri->messages,
	    (unsigned long long)ri->route_monitoring, ri->routes,
	    (unsigned long long)ri->errors, ri->terminated ? "terminated: " :
	    (ri->synced ? "synced" : "syncing"), ri->terminated ?
	    ri->term_reason : "");
	fprintf(f, "  sysDescr: %s\n", ri->descr[0] != '\0' ? ri->descr : "-");
	if (ri->last_error[0] != '\0')
		fprintf(f, "  last error: %s\n", ri->last_error);
	if (ri->peers_skipped != 0)
		fprintf(f, "  past max-peers: %llu messages skipped\n",
		    (unsigned long long)ri->peers_skipped);
	if (ri->max_routes_over || ri->max_routes_dropped != 0)
		fprintf(f, "  max-routes %u: %s, %llu prefixes dropped\n",
		    ri->max_routes, ri->max_routes_over ? "exceeded" : "under",
		    (unsigned long long)ri->max_routes_dropped);
	if (ri->peers == 0)
		return;
	fprintf(f, "  %-39s %-10s %-4s %-16s %8s %8s %6s %-3s %s\n", "PEER",
	    "AS", "UP", "KINDS", "ROUTES", "UPDATES", "ERRORS", "EOR",
	    "SESSION");
	for (j = 0; collect_bmp_peer_info(c, r, j, &pi); j++) {
		snprintf(as, sizeof as, "%u", pi.asn);
		fprintf(f, "  %-39s %-10s %-4s %-16s %8zu %8llu %6llu %-3s "
		    "%s\n", pi.addr[0] != '\0' ? pi.addr : "(Loc-RIB)", as,
		    pi.up ? "yes" : "no", output_bmp_kinds(pi.kinds, kinds,
		    sizeof kinds), pi.routes, (unsigned long long)pi.updates,
		    (unsigned long long)pi.errors, pi.eor ? "yes" : "no",
		    pi.session[0] != '\0' ? pi.session : "-");
		if (pi.last_error[0] != '\0')
			fprintf(f, "    last error: %s\n", pi.last_error);
		if (pi.max_prefix_over || pi.dropped != 0)
			fprintf(f, "    max-prefix %u %s: %s, %llu dropped\n",
			    pi.max_prefix, pi.max_prefix_drop ? "drop" :
			    "warning", pi.max_prefix_over ? "exceeded" :
			    "under", (unsigned long long)pi.dropped);
		for (k = 0; collect_bmp_peer_stat(c, r, j, k, &type, &sname,
		    &value); k++)
			fprintf(f, "    stat %-2u %-48s %llu\n", type, sname,
			    (unsigned long long)value);
	}
}

static void
text_partner(struct output_ctx *ctx, const struct partner *p)
{
	char	 r[sizeof p->reason];

	fprintf(ctx->f, "%-*s %-8u %-10s %s\n", output_pad(p->name, 20),
	    p->name, p->asn, redundancy_name(p->red),
	    text_clean(r, sizeof r, p->reason));
}

static void
text_session(struct output_ctx *ctx, const struct model *m,
    const struct session *s)
{
	char	 a[ADDR_STRLEN], d[16], e[sizeof s->last_error];

	(void)m;
	fprintf(ctx->f, "%-*s %-*s %-16s %-8u %-*s %-7s %-11s %-8s %7u %7u "
	    "%5u %s\n", output_pad(s->name, 16), s->name,
	    output_pad(s->router, 12), s->router, addr_fmt(&s->neighbor, a,
	    sizeof a), s->remote_as, output_pad(s->edge, 5), s->edge,
	    role_name(s->role),
	    bgp_state_name(s->state), s->since_ms == 0 ? "-" :
	    fmt_duration(d, sizeof d, (ctx->wall - s->since_ms) / 1000),
	    s->routes_imported, s->routes_exported, s->flaps,
	    text_clean(e, sizeof e, s->last_error));
}

static void
text_branch(struct output_ctx *ctx, const struct model *m,
    const struct branch *b)
{
	char	 loc[96], near[32], sess[16], routed[16];
	char	 ev[sizeof b->last_event];

	if (b->loc == LOC_UNKNOWN)
		strlcpy_pt(loc, "location unknown", sizeof loc);
	else
		snprintf(loc, sizeof loc, "%s%s%s", b->city, *b->city != '\0' ?
		    ", " : "", *b->country != '\0' ? b->country :
		    "(configured)");
	if (b->nearest >= 0)
		snprintf(near, sizeof near, "%s %.0fkm",
		    m->edges[b->nearest].code, b->nearest_km);
	else
		strlcpy_pt(near, "-", sizeof near);
	snprintf(sess, sizeof sess, "%d/%d", b->sessions_up,
	    b->sessions_total);
	/* "!" marks SuboptimalRouting (not by colour alone). */
	if (b->routed >= 0 && (size_t)b->routed < m->nedges)
		snprintf(routed, sizeof routed, "%s%s",
		    m->edges[b->routed].code, b->suboptimal ? "!" : "");
	else
		strlcpy_pt(routed, "-", sizeof routed);
	fprintf(ctx->f, "%-*s %-*s %-*s %-*s %-6s %-10s %s\n",
	    output_pad(b->name, 20), b->name, output_pad(loc, 28), loc,
	    output_pad(near, 14), near, output_pad(routed, 6), routed, sess,
	    b->partner != NULL ?
	    redundancy_name(b->partner->red) : "-",
	    text_clean(ev, sizeof ev, b->last_event));
}

/* A value in ms for the table, "-" when there is none. */
static const char *
text_ms(char *buf, size_t len, double us, int valid)
{
	if (!valid)
		return ("-");
	snprintf(buf, len, "%.1f", us / 1000);
	return (buf);
}

/* mtr's columns per branch and edge target. */
static void
text_latency(struct output_ctx *ctx, const struct model *m,
    const struct branch *b, const struct latlink *l)
{
	char		 c[7][16], flags[48];
	const char	*edge = m->edges[l->edge_idx].code;
	const char	*target = l->target[0] != '\0' ? l->target : "-";
	int		 r = l->received > 0;

	output_lat_flags(l, flags, sizeof flags);
	fprintf(ctx->f, "%-*s %-*s %-*s %6.1f %5u %7s %7s %7s %7s %7s %7s "
	    "%s\n", output_pad(b->name, 20), b->name, output_pad(edge, 5), edge,
	    output_pad(target, 22), target, l->loss_pct, l->sent,
	    text_ms(c[0], sizeof c[0], (double)l->last_us, l->last_us >= 0),
	    text_ms(c[1], sizeof c[1], l->avg_us, r),
	    text_ms(c[2], sizeof c[2], (double)l->best_us, r),
	    text_ms(c[3], sizeof c[3], (double)l->worst_us, r),
	    text_ms(c[4], sizeof c[4], l->stdev_us, r),
	    text_ms(c[5], sizeof c[5], l->median_us, r),
	    flags[0] != '\0' ? flags : "-");
}

/*
 * A registered prefix: sessions carrying it (primary and backup, of
 * those configured), the best path, the PFX_* flags as words and the
 * worst problem; "unseen" until a session's routes or any route for it
 * were seen.
 */
static void
text_prefix(struct output_ctx *ctx, const struct model *m,
    const struct branch *b, const struct branch_prefix *bp)
{
	char		 pfx[PREFIX_STRLEN], pri[16], bak[16];
	char		 flags[192], origin[16], problem[sizeof bp->problem];
	const char	*best = output_best_session(m, bp);

	if (best == NULL)
		best = "-";

	snprintf(pri, sizeof pri, "%u/%u", bp->nprimary, bp->nprimary_total);
	snprintf(bak, sizeof bak, "%u/%u", bp->nbackup, bp->nbackup_total);
	if (bp->best_origin != 0)
		snprintf(origin, sizeof origin, "%u", bp->best_origin);
	else
		strlcpy_pt(origin, "-", sizeof origin);
	text_prefix_state(m, bp, flags, sizeof flags);
	fprintf(ctx->f, "%-20s %-*s %-8u %-5s %-5s %-8s %-*s %-*s %s\n",
	    prefix_fmt(&bp->prefix, pfx, sizeof pfx), output_pad(b->name, 20),
	    b->name, bp->origin, pri, bak, origin, output_pad(best, 16), best,
	    output_pad(flags, ctx->w[3] > 0 ? ctx->w[3] : 24), flags,
	    text_clean(problem, sizeof problem, bp->problem));
}

/*
 * A prefix's STATE: its conditions as words, and with VRPs the RPKI
 * state of its registered origin ("rpki:valid"), unless a word already
 * says it ("rpki-not-found").
 */
static void
text_prefix_state(const struct model *m, const struct branch_prefix *bp,
    char *buf, size_t len)
{
	const char	*name;
	int		 st;

	if (!bp->seen)
		strlcpy_pt(buf, "unseen", len);
	else if (bp->flags == 0)
		strlcpy_pt(buf, "ok", len);
	else
		routemon_flags_fmt(bp->flags, buf, len);
	if ((st = routemon_rpki_state(m, bp)) < 0)
		return;
	name = vrp_state_name((enum vrp_state)st);
	if (st == VRP_NOTFOUND && strstr(buf, "rpki-not-found") != NULL)
		return;
	strlcpy_pt(buf + strlen(buf), " rpki:", len - strlen(buf));
	strlcpy_pt(buf + strlen(buf), name, len - strlen(buf));
}

static void
text_event(struct output_ctx *ctx, const struct event *ev)
{
	char	 t[FMT_TIME_LEN], type[sizeof ev->type];
	char	 summary[sizeof ev->summary];

	text_clean(type, sizeof type, ev->type);
	fprintf(ctx->f, "%-23s %-11s %-*s %s\n", fmt_time(t, sizeof t,
	    ev->time_ms, FMT_TIME_FULL), level_name(ev->level),
	    output_pad(type, 20), type,
	    text_clean(summary, sizeof summary, ev->summary));
}

/* ------------------------------------------------------------- feed */

/*
 * "2015-04-01T00:00:04Z Warning Type [subject] summary": a stream of
 * lines, one field per word, in the MRT records' UTC (not fmt_time()'s
 * "date time zone" in three words).
 */
static void
text_feed_event(struct output_ctx *ctx, const struct event *ev)
{
	char	 t[TIME_ISO_LEN], type[sizeof ev->type];
	char	 subject[sizeof ev->subject], summary[sizeof ev->summary];

	fprintf(ctx->f, "%s %s %s [%s] %s\n", time_iso(t, sizeof t,
	    ev->time_ms, 0), level_name(ev->level),
	    text_clean(type, sizeof type, ev->type),
	    text_clean(subject, sizeof subject, ev->subject),
	    text_clean(summary, sizeof summary, ev->summary));
}

/* ----------------------------------------------------------- report */

static const char *
text_dur(char *buf, size_t len, int64_t ms)
{
	return (fmt_duration(buf, len, ms / 1000));
}

static int
text_width(int w, const char *s)
{
	return (output_width(s) > w ? output_width(s) : w);
}

/* The prefix table's headers, in the order of report_prefix_keys. */
static const char *const text_prefix_hdr[REPORT_PREFIX_NTIMES] = {
	"PRIMARY%", "BACKUP%", "ALL-PRI%", "ALL-BAK%", "BAK-ONLY%", "NONE%",
	"NO-DATA%"
};

/* Column i's width: its header's, at least 8. */
static int
text_prefix_w(size_t i)
{
	return (text_width(8, text_prefix_hdr[i]));
}

static void
text_report_head(struct output_ctx *ctx, const struct report *r)
{
	char	 a[FMT_TIME_LEN], b[FMT_TIME_LEN], d[32];

	fprintf(ctx->f, "History %s (schema %d)\n", r->path, r->version);
	fprintf(ctx->f, "Window  %s - %s (%s)\n",
	    fmt_time(a, sizeof a, r->since_ms, FMT_TIME_FULL),
	    fmt_time(b, sizeof b, r->until_ms, FMT_TIME_FULL),
	    text_dur(d, sizeof d, r->until_ms - r->since_ms));
	/* Without runs, a time peertop was not running is not told apart. */
	if (r->unrecorded_ms >= 0)
		fprintf(ctx->f, "Runs    %u, %s without recording\n", r->nruns,
		    text_dur(a, sizeof a, r->unrecorded_ms));
	else if (!(r->tables & REPORT_T_RUN))
		fprintf(ctx->f, "Runs    not recorded (schema %d): a time "
		    "without recording reads as the last state\n", r->version);
	else
		fprintf(ctx->f, "Runs    none yet: before the first, a time "
		    "without recording reads as the last state\n");
	if (r->ignored_rows > 0)
		fprintf(ctx->f, "Ignored %lld rows timed outside 1970-9999 "
		    "(a damaged or crafted file)\n", (long long)r->ignored_rows);
	fputc('\n', ctx->f);
}

/* Each section's count, column widths and titles. */
static void
text_report_section(struct output_ctx *ctx, const struct report *r,
    enum report_section sec)
{
	FILE	*f = ctx->f;
	char	 t[FMT_TIME_LEN];
	size_t	 i;
	int	*w = ctx->w;

	w[0] = w[1] = w[2] = 0;
	switch (sec) {
	case RS_SESSIONS:
		for (w[0] = 7, i = 0; i < r->nsessions; i++)
			w[0] = text_width(w[0], r->sessions[i].name);
		fprintf(f, "Sessions: %zu\n", r->nsessions);
		if (r->nsessions > 0)
			fprintf(f, "%-*s %8s %8s %5s %11s %8s  %s\n", w[0],
			    "SESSION", "AVAIL%", "COVER%", "FLAPS",
			    "ESTABLISHED", "NO DATA", "OTHER STATES");
		break;
	case RS_PARTNERS:
		for (w[0] = 7, i = 0; i < r->npartners; i++)
			w[0] = text_width(w[0], r->partners[i].name);
		fprintf(f, "\nPartners: %zu\n", r->npartners);
		if (r->npartners == 0)
			break;
		fprintf(f, "%-*s", w[0], "PARTNER");
		for (i = 0; i < REPORT_NREDUNDANCY; i++)
			fprintf(f, " %9s", report_redundancy[i]);
		fprintf(f, " %9s\n", "NO DATA");
		break;
	case RS_LATENCY:
		w[0] = 6;
		w[1] = 4;
		w[2] = 6;
		for (i = 0; i < r->nlat; i++) {
			w[0] = text_width(w[0], r->lat[i].branch);
			w[1] = text_width(w[1], r->lat[i].edge);
			w[2] = text_width(w[2], r->lat[i].target);
		}
		fprintf(f, "\nLatency: %zu series\n", r->nlat);
		if (r->nlat > 0)
			fprintf(f, "%-*s %-*s %-*s %8s %6s %9s %9s  %s\n", w[0],
			    "BRANCH", w[1], "EDGE", w[2], "TARGET", "SENT",
			    "LOSS%", "MEDIAN", "P95", "FROM");
		break;
	case RS_PREFIXES:
		w[0] = w[1] = 6;
		for (i = 0; i < r->nprefixes; i++) {
			w[0] = text_width(w[0], r->prefixes[i].branch);
			w[1] = text_width(w[1], r->prefixes[i].prefix);
		}
		fprintf(f, "\nPrefixes: %zu\n", r->nprefixes);
		if (r->nprefixes == 0)
			break;
		fprintf(f, "%-*s %-*s", w[0], "BRANCH", w[1], "PREFIX");
		for (i = 0; i < nitems(text_prefix_hdr); i++)
			fprintf(f, " %*s", text_prefix_w(i),
			    text_prefix_hdr[i]);
		fprintf(f, " %7s\n", "CHANGES");
		break;
	case RS_ROUTES:
		for (w[0] = 6, i = 0; i < r->nroutes; i++)
			w[0] = text_width(w[0], r->routes[i].name);
		fprintf(f, "\nRoutes: %zu branches\n", r->nroutes);
		if (r->nroutes > 0)
			fprintf(f, "%-*s %10s %8s  %s\n", w[0], "BRANCH",
			    "SUBOPTIMAL", "NO DATA", "ROUTED THROUGH");
		break;
	case RS_EVENTS:
		/* FIRST as wide as its widest time (zones differ). */
		for (w[0] = 4, w[1] = 20, i = 0; i < r->nevents; i++) {
			w[0] = text_width(w[0], r->events[i].type);
			w[1] = text_width(w[1], fmt_time(t, sizeof t,
			    r->events[i].first_ms, FMT_TIME_FULL));
		}
		fprintf(f, "\nEvents: %zu types\n", r->nevents);
		if (r->nevents > 0)
			fprintf(f, "%-*s %-11s %6s  %-*s  %s\n", w[0], "TYPE",
			    "LEVEL", "COUNT", w[1], "FIRST", "LAST");
		break;
	default:
		break;
	}
}

/* A session's, partner's or branch's row: times in its states. */
static void
text_report_track(struct output_ctx *ctx, const struct report *r,
    enum report_section sec, const struct report_track *t)
{
	FILE	*f = ctx->f;
	char	 a[32], b[32], c[32];
	double	 avail;
	size_t	 j;

	switch (sec) {
	case RS_SESSIONS:
		if ((avail = report_availability(r, t)) < 0)
			snprintf(c, sizeof c, "-");
		else
			snprintf(c, sizeof c, "%.2f", avail);
		fprintf(f, "%-*s %8s %8.2f %5u %11s %8s ",
		    output_pad(t->name, ctx->w[0]), t->name, c,
		    report_coverage(r, t), t->flaps, text_dur(a, sizeof a,
		    report_state_ms(t, "Established")),
		    text_dur(b, sizeof b, t->nodata_ms));
		for (j = 0; j < t->nstates; j++) {
			if (strcmp(t->states[j].state, "Established") != 0)
				fprintf(f, " %s %s", t->states[j].state,
				    text_dur(a, sizeof a, t->states[j].ms));
		}
		fputc('\n', f);
		break;
	case RS_PARTNERS:
		fprintf(f, "%-*s", output_pad(t->name, ctx->w[0]), t->name);
		for (j = 0; j < REPORT_NREDUNDANCY; j++)
			fprintf(f, " %9s", text_dur(a, sizeof a,
			    report_state_ms(t, report_redundancy[j])));
		fprintf(f, " %9s\n", text_dur(a, sizeof a, t->nodata_ms));
		break;
	case RS_ROUTES:
		fprintf(f, "%-*s %10s %8s ", output_pad(t->name, ctx->w[0]),
		    t->name, text_dur(a, sizeof a, t->flag_ms),
		    text_dur(b, sizeof b, t->nodata_ms));
		for (j = 0; j < t->nstates; j++)
			fprintf(f, " %s %s", t->states[j].state,
			    text_dur(a, sizeof a, t->states[j].ms));
		fputc('\n', f);
		break;
	default:
		break;
	}
}

static void
text_report_lat(struct output_ctx *ctx, const struct report *r,
    const struct report_lat *l)
{
	char	 a[32], b[32];

	(void)r;
	if (l->received == 0)
		snprintf(a, sizeof a, "-");
	else
		snprintf(a, sizeof a, "%.2fms", (l->exact ? l->median_us :
		    l->mean_us) / 1000.0);
	if (l->p95_us < 0)
		snprintf(b, sizeof b, "-");
	else
		snprintf(b, sizeof b, "%.2fms", l->p95_us / 1000.0);
	fprintf(ctx->f, "%-*s %-*s %-*s %8lld %6.1f %9s %9s  %s\n",
	    output_pad(l->branch, ctx->w[0]), l->branch,
	    output_pad(l->edge, ctx->w[1]), l->edge,
	    output_pad(l->target, ctx->w[2]), l->target,
	    (long long)l->sent, l->loss_pct, a, b, report_from_name(l->from,
	    1));
}

static void
text_report_prefix(struct output_ctx *ctx, const struct report *r,
    const struct report_prefix *p)
{
	int64_t	 ms[REPORT_PREFIX_NTIMES];
	size_t	 j;

	report_prefix_times(p, ms);
	fprintf(ctx->f, "%-*s %-*s", output_pad(p->branch, ctx->w[0]),
	    p->branch, output_pad(p->prefix, ctx->w[1]), p->prefix);
	for (j = 0; j < nitems(ms); j++)
		fprintf(ctx->f, " %*.2f", text_prefix_w(j),
		    report_pct(r, ms[j]));
	fprintf(ctx->f, " %7u\n", p->changes);
}

static void
text_report_event(struct output_ctx *ctx, const struct report *r,
    const struct report_event *e)
{
	char	 a[FMT_TIME_LEN], b[FMT_TIME_LEN];

	(void)r;
	fprintf(ctx->f, "%-*s %-11s %6lld  %-*s  %s\n",
	    output_pad(e->type, ctx->w[0]), e->type, e->level,
	    (long long)e->count, ctx->w[1],
	    fmt_time(a, sizeof a, e->first_ms, FMT_TIME_FULL),
	    fmt_time(b, sizeof b, e->last_ms, FMT_TIME_FULL));
}

/* A time to acknowledge or resolve, "-" when there is none. */
static const char *
text_report_time(char *buf, size_t len, int64_t ms)
{
	if (ms < 0) {
		snprintf(buf, len, "-");
		return (buf);
	}
	return (text_dur(buf, len, ms));
}

/* After the events, what became of the problems among them. */
static void
text_report_tail(struct output_ctx *ctx, const struct report *r)
{
	const struct report_problems	*p;
	char				 a[32], b[32], c[32], d[32];
	size_t				 i;

	fprintf(ctx->f, "\nProblems: %lld Error and Critical opened\n"
	    "%-8s %6s %5s %8s %8s %8s %8s %8s %5s %5s\n",
	    (long long)(r->problems[0].opened + r->problems[1].opened),
	    "LEVEL", "OPENED", "ACKED", "ACK-MED", "ACK-MAX", "RESOLVED",
	    "RES-MED", "RES-MAX", "OPEN", "ENDED");
	for (i = 0; i < REPORT_NPROBLEM_LEVELS; i++) {
		p = &r->problems[i];
		fprintf(ctx->f, "%-8s %6lld %5lld %8s %8s %8lld %8s %8s %5lld "
		    "%5lld\n", report_problem_levels[i], (long long)p->opened,
		    (long long)p->acked,
		    text_report_time(a, sizeof a, p->ack_median_ms),
		    text_report_time(b, sizeof b, p->ack_max_ms),
		    (long long)p->resolved,
		    text_report_time(c, sizeof c, p->resolve_median_ms),
		    text_report_time(d, sizeof d, p->resolve_max_ms),
		    (long long)p->open, (long long)p->ended);
	}
}
