/* SPDX-License-Identifier: ISC */
/*
 * The CSV output (output.h): one table per section, each opened by a
 * title row whose first field is "section" and separated by an empty
 * line; every row starts with its section's name, so one grep or one
 * filter on the first column takes a table out.  Fields are quoted as
 * RFC 4180 2.6-2.7 says (a field holding a comma, a double quote or a
 * line break is quoted, its quotes doubled), every text field sanitised
 * and kept from reading as a spreadsheet formula (csv_str()); times are
 * ISO 8601 in UTC, durations seconds, an unknown value an empty field.
 */
#include <stdarg.h>
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

static void	csv_header(struct output_ctx *, const struct model *);
static void	csv_section(struct output_ctx *, const struct model *,
		    enum output_section);
static void	csv_collector(struct output_ctx *, const struct model *,
		    const struct collector *);
static void	csv_bmp_router(struct output_ctx *, const struct collector *,
		    size_t, const struct bmp_router_info *);
static void	csv_partner(struct output_ctx *, const struct partner *);
static void	csv_session(struct output_ctx *, const struct model *,
		    const struct session *);
static void	csv_branch(struct output_ctx *, const struct model *,
		    const struct branch *);
static void	csv_latency(struct output_ctx *, const struct model *,
		    const struct branch *, const struct latlink *);
static void	csv_prefix(struct output_ctx *, const struct model *,
		    const struct branch *, const struct branch_prefix *);
static void	csv_event(struct output_ctx *, const struct event *);
static void	csv_feed_begin(struct output_ctx *);
static void	csv_feed_event(struct output_ctx *, const struct event *);
static void	csv_feed_end(struct output_ctx *, const struct output_feed *);
static void	csv_report_head(struct output_ctx *, const struct report *);
static void	csv_report_section(struct output_ctx *,
		    const struct report *, enum report_section);
static void	csv_report_track(struct output_ctx *, const struct report *,
		    enum report_section, const struct report_track *);
static void	csv_report_lat(struct output_ctx *, const struct report *,
		    const struct report_lat *);
static void	csv_report_prefix(struct output_ctx *, const struct report *,
		    const struct report_prefix *);
static void	csv_report_event(struct output_ctx *, const struct report *,
		    const struct report_event *);
static void	csv_report_tail(struct output_ctx *, const struct report *);
static void	csv_num(FILE *, const char *, ...) printflike(2, 3);

const struct output output_csv = {
	.name = "csv",
	.flags = 0,
	.header = csv_header,
	.section = csv_section,
	.collector = csv_collector,
	.bmp_router = csv_bmp_router,
	.partner = csv_partner,
	.session = csv_session,
	.branch = csv_branch,
	.latency = csv_latency,
	.prefix = csv_prefix,
	.event = csv_event,
	.feed_begin = csv_feed_begin,
	.feed_event = csv_feed_event,
	.feed_end = csv_feed_end,
	.report_sections = ~0u,
	.report_head = csv_report_head,
	.report_section = csv_report_section,
	.report_track = csv_report_track,
	.report_lat = csv_report_lat,
	.report_prefix = csv_report_prefix,
	.report_event = csv_report_event,
	.report_tail = csv_report_tail,
};

/*
 * A text field after a comma.  Names and messages come from the network
 * or from a history file someone else may have written: each line goes
 * through sanitize() (no escape, control or bidi character reaches a
 * terminal that shows the CSV; a line break in an event's details stays,
 * quoted), then the field is quoted when it has to be (RFC 4180 2.6,
 * 2.7).  A field starting with '=', '+', '-' or '@' would be a formula
 * to a spreadsheet ("=HYPERLINK(...)"): it gets a leading "'", the
 * spreadsheets' own mark for text, and is quoted.
 */
static void
csv_str(FILE *f, const char *s)
{
	size_t		 len = strlen(s), i, k, o = 0;
	char		*clean;
	const char	*cp;
	int		 formula;

	clean = xmalloc(len + 1);
	for (i = 0; i <= len; i = k + 1) {
		for (k = i; k < len && s[k] != '\n'; k++)
			;
		sanitize(clean + o, k - i + 1, s + i, k - i);
		o += strlen(clean + o);
		if (k < len)
			clean[o++] = '\n';
	}
	clean[o] = '\0';
	formula = clean[0] != '\0' && strchr("=+-@", clean[0]) != NULL;
	fputc(',', f);
	if (!formula && strpbrk(clean, ",\"\n") == NULL) {
		fputs(clean, f);
		free(clean);
		return;
	}
	fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (cp = clean; *cp != '\0'; cp++) {
		if (*cp == '"')
			fputc('"', f);
		fputc(*cp, f);
	}
	fputc('"', f);
	free(clean);
}

/* A number (or anything else that needs no quotes) after a comma. */
static void
csv_num(FILE *f, const char *fmt, ...)
{
	va_list	 ap;

	fputc(',', f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
}

/* A wall time, empty for none (0). */
static void
csv_when(FILE *f, int64_t ms, int frac)
{
	char	 t[TIME_ISO_LEN];

	csv_str(f, ms != 0 ? time_iso(t, sizeof t, ms, frac) : "");
}

/* Milliseconds with three decimals, empty when not valid. */
static void
csv_ms(FILE *f, double us, int valid)
{
	if (valid)
		csv_num(f, "%.3f", us / 1000);
	else
		fputc(',', f);
}

/* ------------------------------------------------------------ model */

static const char *const csv_titles[] = {
	[OUT_COLLECTORS] = "section,collector,kind,router,state,age_s,error",
	[OUT_BMP] = "section,collector,router,address,port,connected,"
	    "peers_total,peers_up,messages,route_monitoring,routes,errors,"
	    "synced,terminated,term_reason",
	[OUT_PARTNERS] = "section,partner,as,redundancy,reason,since",
	[OUT_SESSIONS] = "section,session,partner,router,neighbor,remote_as,"
	    "edge,role,state,since,routes_imported,routes_exported,flaps,"
	    "flapping,protocol,last_error",
	[OUT_BRANCHES] = "section,branch,partner,location_source,lat,lon,"
	    "city,country,asn,nearest_edge,distance_km,routed_edge,"
	    "suboptimal,sessions_up,sessions_total,redundancy,last_event",
	[OUT_LATENCY] = "section,branch,edge,target,source,sent,received,"
	    "loss_pct,last_ms,avg_ms,best_ms,worst_ms,stdev_ms,median_ms,"
	    "p95_ms,jitter_ms,flags",
	[OUT_PREFIXES] = "section,branch,prefix,origin,seen,flags,primary,"
	    "primary_total,backup,backup_total,best_origin,best_path,"
	    "best_session,problem,since,rpki",
	[OUT_EVENTS] = "section,id,time,level,type,subject,summary,details",
};

static void
csv_header(struct output_ctx *ctx, const struct model *m)
{
	fputs("section,generated,replay,status\nstatus", ctx->f);
	csv_when(ctx->f, now_wall_ms(), 0);
	csv_when(ctx->f, m->replay_ms, 0);
	csv_str(ctx->f, output_status_name(m, 1));
	fputc('\n', ctx->f);
}

static void
csv_section(struct output_ctx *ctx, const struct model *m,
    enum output_section sec)
{
	(void)m;
	fprintf(ctx->f, "\n%s\n", csv_titles[sec]);
}

static void
csv_collector(struct output_ctx *ctx, const struct model *m,
    const struct collector *c)
{
	(void)m;
	fputs("collector", ctx->f);
	csv_str(ctx->f, c->name);
	csv_str(ctx->f, c->ops != NULL ? c->ops->name : "");
	csv_str(ctx->f, c->router);
	csv_str(ctx->f, output_collector_state(c));
	csv_num(ctx->f, "%lld", output_collector_age(ctx, c));
	csv_str(ctx->f, c->error);
	fputc('\n', ctx->f);
}

/* The router only: its peers are the BMP view's, or the JSON's. */
static void
csv_bmp_router(struct output_ctx *ctx, const struct collector *c, size_t r,
    const struct bmp_router_info *ri)
{
	FILE	*f = ctx->f;

	(void)r;
	fputs("bmp_router", f);
	csv_str(f, c->name);
	csv_str(f, ri->name);
	csv_str(f, ri->addr);
	csv_num(f, "%u", ri->port);
	csv_when(f, ri->connected_ms, 0);
	csv_num(f, "%zu,%zu,%llu,%llu,%zu,%llu,%d,%d", ri->peers,
	    ri->peers_up, (unsigned long long)ri->messages,
	    (unsigned long long)ri->route_monitoring, ri->routes,
	    (unsigned long long)ri->errors, ri->synced != 0,
	    ri->terminated != 0);
	csv_str(f, ri->term_reason);
	fputc('\n', f);
}

static void
csv_partner(struct output_ctx *ctx, const struct partner *p)
{
	fputs("partner", ctx->f);
	csv_str(ctx->f, p->name);
	csv_num(ctx->f, "%u", p->asn);
	csv_str(ctx->f, redundancy_name(p->red));
	csv_str(ctx->f, p->reason);
	csv_when(ctx->f, p->red_since_ms, 0);
	fputc('\n', ctx->f);
}

static void
csv_session(struct output_ctx *ctx, const struct model *m,
    const struct session *s)
{
	FILE	*f = ctx->f;
	char	 a[ADDR_STRLEN];

	(void)m;
	fputs("session", f);
	csv_str(f, s->name);
	csv_str(f, s->partner != NULL ? s->partner->name : "");
	csv_str(f, s->router);
	csv_str(f, addr_fmt(&s->neighbor, a, sizeof a));
	csv_num(f, "%u", s->remote_as);
	csv_str(f, s->edge);
	csv_str(f, role_name(s->role));
	csv_str(f, bgp_state_name(s->state));
	csv_when(f, s->since_ms, 0);
	csv_num(f, "%u,%u,%u,%d", s->routes_imported, s->routes_exported,
	    s->flaps, s->flapping != 0);
	csv_str(f, s->proto);
	csv_str(f, s->last_error);
	fputc('\n', f);
}

static void
csv_branch(struct output_ctx *ctx, const struct model *m,
    const struct branch *b)
{
	FILE	*f = ctx->f;

	fputs("branch", f);
	csv_str(f, b->name);
	csv_str(f, b->partner != NULL ? b->partner->name : "");
	csv_str(f, output_loc_name(b->loc));
	if (b->loc != LOC_UNKNOWN)
		csv_num(f, "%.4f,%.4f", b->lat, b->lon);
	else
		fputs(",,", f);
	csv_str(f, b->city);
	csv_str(f, b->country);
	csv_num(f, "%u", b->asn);
	if (b->nearest >= 0 && (size_t)b->nearest < m->nedges) {
		csv_str(f, m->edges[b->nearest].code);
		csv_num(f, "%.1f", b->nearest_km);
	} else
		fputs(",,", f);
	csv_str(f, b->routed >= 0 && (size_t)b->routed < m->nedges ?
	    m->edges[b->routed].code : "");
	csv_num(f, "%d,%d,%d", b->suboptimal != 0, b->sessions_up,
	    b->sessions_total);
	csv_str(f, b->partner != NULL ? redundancy_name(b->partner->red) :
	    "UNKNOWN");
	csv_str(f, b->last_event);
	fputc('\n', f);
}

static void
csv_latency(struct output_ctx *ctx, const struct model *m,
    const struct branch *b, const struct latlink *l)
{
	FILE	*f = ctx->f;
	char	 flags[48];
	int	 r = l->received > 0;

	fputs("latency", f);
	csv_str(f, b->name);
	csv_str(f, m->edges[l->edge_idx].code);
	csv_str(f, l->target);
	csv_str(f, latency_mon_source_name(l->source));
	csv_num(f, "%u,%u,%.1f", l->sent, l->received, l->loss_pct);
	csv_ms(f, (double)l->last_us, l->last_us >= 0);
	csv_ms(f, l->avg_us, r);
	csv_ms(f, (double)l->best_us, r);
	csv_ms(f, (double)l->worst_us, r);
	csv_ms(f, l->stdev_us, r);
	csv_ms(f, l->median_us, r);
	csv_ms(f, (double)l->p95_us, r);
	csv_ms(f, l->jitter_us, r);
	csv_str(f, output_lat_flags(l, flags, sizeof flags));
	fputc('\n', f);
}

static void
csv_prefix(struct output_ctx *ctx, const struct model *m,
    const struct branch *b, const struct branch_prefix *bp)
{
	FILE		*f = ctx->f;
	char		 pfx[PREFIX_STRLEN], flags[160];
	const char	*best = output_best_session(m, bp);
	int		 rpki;

	fputs("prefix", f);
	csv_str(f, b->name);
	csv_str(f, prefix_fmt(&bp->prefix, pfx, sizeof pfx));
	csv_num(f, "%u,%d", bp->origin, bp->seen != 0);
	csv_str(f, routemon_flags_fmt(bp->flags, flags, sizeof flags));
	csv_num(f, "%u,%u,%u,%u,%u", bp->nprimary, bp->nprimary_total,
	    bp->nbackup, bp->nbackup_total, bp->best_origin);
	csv_str(f, bp->best_path);
	csv_str(f, best != NULL ? best : "");
	csv_str(f, bp->problem);
	csv_when(f, bp->since_ms, 0);
	/* Empty without VRPs (no rpki collector), as JSON leaves it out. */
	rpki = routemon_rpki_state(m, bp);
	csv_str(f, rpki >= 0 ? vrp_state_name((enum vrp_state)rpki) : "");
	fputc('\n', f);
}

/* An event's fields after its id. */
static void
csv_event_body(FILE *f, const struct event *ev)
{
	csv_when(f, ev->time_ms, 0);
	csv_str(f, level_name(ev->level));
	csv_str(f, ev->type);
	csv_str(f, ev->subject);
	csv_str(f, ev->summary);
	csv_str(f, ev->details);
	fputc('\n', f);
}

static void
csv_event(struct output_ctx *ctx, const struct event *ev)
{
	fprintf(ctx->f, "event,%lld", (long long)ev->id);
	csv_event_body(ctx->f, ev);
}

/* ------------------------------------------------------------- feed */

static void
csv_feed_begin(struct output_ctx *ctx)
{
	fputs("section,time,level,type,subject,summary,details\n", ctx->f);
}

static void
csv_feed_event(struct output_ctx *ctx, const struct event *ev)
{
	fputs("event", ctx->f);
	csv_event_body(ctx->f, ev);
}

static void
csv_feed_end(struct output_ctx *ctx, const struct output_feed *fd)
{
	fprintf(ctx->f, "\nsection,records,updates,peers,prefixes,errors\n"
	    "summary,%llu,%llu,%zu,%zu,%llu\n", fd->records, fd->updates,
	    fd->peers, fd->prefixes, fd->errors);
}

/* ----------------------------------------------------------- report */

static void
csv_report_head(struct output_ctx *ctx, const struct report *r)
{
	FILE	*f = ctx->f;
	char	 a[TIME_ISO_LEN], b[TIME_ISO_LEN];

	fputs("section,file,schema_version,since,until,window_s,runs,"
	    "unrecorded_s,ignored_rows\nreport", f);
	csv_str(f, r->path);
	fprintf(f, ",%d,%s,%s,%.3f", r->version,
	    time_iso(a, sizeof a, r->since_ms, 1),
	    time_iso(b, sizeof b, r->until_ms, 1),
	    (r->until_ms - r->since_ms) / 1000.0);
	if (r->unrecorded_ms >= 0)
		fprintf(f, ",%u,%.3f", r->nruns, r->unrecorded_ms / 1000.0);
	else
		fputs(",,", f);
	fprintf(f, ",%lld\n", (long long)r->ignored_rows);
}

static void
csv_report_section(struct output_ctx *ctx, const struct report *r,
    enum report_section sec)
{
	static const char *const titles[] = {
		[RS_SESSIONS] = "section,session,availability_pct,"
		    "coverage_pct,flaps,"
		    "established_s,no_data_s",
		[RS_SESSION_STATES] = "section,session,state,seconds",
		[RS_LATENCY] = "section,branch,edge,target,from,sent,"
		    "received,loss_pct,median_ms,mean_ms,p95_ms",
		[RS_ROUTES] = "section,branch,suboptimal_s,no_data_s",
		[RS_ROUTE_EDGES] = "section,branch,edge,seconds",
		[RS_EVENTS] = "section,type,level,count,first,last",
	};
	FILE	*f = ctx->f;
	size_t	 i;

	(void)r;
	switch (sec) {
	case RS_PARTNERS:
		fputs("\nsection,partner", f);
		for (i = 0; i < REPORT_NREDUNDANCY; i++)
			fprintf(f, ",%s_s", report_redundancy[i]);
		fputs(",no_data_s\n", f);
		break;
	case RS_PREFIXES:
		fputs("\nsection,branch,prefix,primary_pct,backup_pct", f);
		for (i = 0; i < REPORT_PREFIX_NTIMES; i++)
			fprintf(f, ",%s_s", report_prefix_keys[i]);
		fputs(",changes\n", f);
		break;
	default:
		if ((size_t)sec < nitems(titles) && titles[sec] != NULL)
			fprintf(f, "\n%s\n", titles[sec]);
		break;
	}
}

/* A track's row, or in the *_STATES/EDGES sections one row per state. */
static void
csv_report_track(struct output_ctx *ctx, const struct report *r,
    enum report_section sec, const struct report_track *t)
{
	static const char *const names[] = {
		[RS_SESSIONS] = "session", [RS_SESSION_STATES] = "session_state",
		[RS_PARTNERS] = "partner", [RS_ROUTES] = "route",
		[RS_ROUTE_EDGES] = "route_edge",
	};
	FILE	*f = ctx->f;
	double	 avail;
	size_t	 j;

	if ((size_t)sec >= nitems(names) || names[sec] == NULL)
		return;
	if (sec == RS_SESSION_STATES || sec == RS_ROUTE_EDGES) {
		for (j = 0; j < t->nstates; j++) {
			fputs(names[sec], f);
			csv_str(f, t->name);
			csv_str(f, t->states[j].state);
			fprintf(f, ",%.3f\n", t->states[j].ms / 1000.0);
		}
		return;
	}
	fputs(names[sec], f);
	csv_str(f, t->name);
	switch (sec) {
	case RS_SESSIONS:
		if ((avail = report_availability(r, t)) < 0)
			fputc(',', f);
		else
			fprintf(f, ",%.3f", avail);
		fprintf(f, ",%.3f,%u,%.3f", report_coverage(r, t), t->flaps,
		    report_state_ms(t, "Established") / 1000.0);
		break;
	case RS_PARTNERS:
		for (j = 0; j < REPORT_NREDUNDANCY; j++)
			fprintf(f, ",%.3f", report_state_ms(t,
			    report_redundancy[j]) / 1000.0);
		break;
	default:
		fprintf(f, ",%.3f", t->flag_ms / 1000.0);
		break;
	}
	fprintf(f, ",%.3f\n", t->nodata_ms / 1000.0);
}

static void
csv_report_lat(struct output_ctx *ctx, const struct report *r,
    const struct report_lat *l)
{
	FILE	*f = ctx->f;

	(void)r;
	fputs("latency", f);
	csv_str(f, l->branch);
	csv_str(f, l->edge);
	csv_str(f, l->target);
	fprintf(f, ",%s,%lld,%lld,%.3f", report_from_name(l->from, 0),
	    (long long)l->sent, (long long)l->received, l->loss_pct);
	csv_ms(f, l->median_us, l->exact && l->received > 0);
	csv_ms(f, l->mean_us, l->received > 0);
	csv_ms(f, (double)l->p95_us, l->p95_us >= 0);
	fputc('\n', f);
}

static void
csv_report_prefix(struct output_ctx *ctx, const struct report *r,
    const struct report_prefix *p)
{
	FILE	*f = ctx->f;
	int64_t	 ms[REPORT_PREFIX_NTIMES];
	size_t	 j;

	report_prefix_times(p, ms);
	fputs("prefix", f);
	csv_str(f, p->branch);
	csv_str(f, p->prefix);
	fprintf(f, ",%.3f,%.3f", report_pct(r, ms[0]), report_pct(r, ms[1]));
	for (j = 0; j < nitems(ms); j++)
		fprintf(f, ",%.3f", ms[j] / 1000.0);
	fprintf(f, ",%u\n", p->changes);
}

static void
csv_report_event(struct output_ctx *ctx, const struct report *r,
    const struct report_event *e)
{
	FILE	*f = ctx->f;
	char	 a[TIME_ISO_LEN], b[TIME_ISO_LEN];

	(void)r;
	fputs("event", f);
	csv_str(f, e->type);
	csv_str(f, e->level);
	fprintf(f, ",%lld,%s,%s\n", (long long)e->count,
	    time_iso(a, sizeof a, e->first_ms, 1),
	    time_iso(b, sizeof b, e->last_ms, 1));
}

/* Seconds with three decimals, empty for none (< 0). */
static void
csv_report_secs(FILE *f, int64_t ms)
{
	if (ms >= 0)
		csv_num(f, "%.3f", ms / 1000.0);
	else
		fputc(',', f);
}

/* The problems, a row a level, after the events. */
static void
csv_report_tail(struct output_ctx *ctx, const struct report *r)
{
	const struct report_problems	*p;
	FILE				*f = ctx->f;
	size_t				 i;

	fputs("\nsection,level,opened,acknowledged,ack_median_s,ack_max_s,"
	    "resolved,resolve_median_s,resolve_max_s,open,ended\n", f);
	for (i = 0; i < REPORT_NPROBLEM_LEVELS; i++) {
		p = &r->problems[i];
		fprintf(f, "problems,%s,%lld,%lld", report_problem_levels[i],
		    (long long)p->opened, (long long)p->acked);
		csv_report_secs(f, p->ack_median_ms);
		csv_report_secs(f, p->ack_max_ms);
		fprintf(f, ",%lld", (long long)p->resolved);
		csv_report_secs(f, p->resolve_median_ms);
		csv_report_secs(f, p->resolve_max_ms);
		fprintf(f, ",%lld,%lld\n", (long long)p->open,
		    (long long)p->ended);
	}
}
