/* SPDX-License-Identifier: ISC */
/*
 * The JSON output (output.h) through the one JSON writer (json.h): the
 * model as one document, spaced, broken over lines per object of a
 * section, with a branch's prefixes and latency inside it; the feed as
 * {"events": [...], counts}; the report compact.  Times are ISO 8601 in
 * UTC, null where there is none.
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

static void	js_header(struct output_ctx *, const struct model *);
static void	js_section(struct output_ctx *, const struct model *,
		    enum output_section);
static void	js_section_end(struct output_ctx *, const struct model *,
		    enum output_section);
static void	js_collector(struct output_ctx *, const struct model *,
		    const struct collector *);
static void	js_bmp_router(struct output_ctx *, const struct collector *,
		    size_t, const struct bmp_router_info *);
static void	js_partner(struct output_ctx *, const struct partner *);
static void	js_session(struct output_ctx *, const struct model *,
		    const struct session *);
static void	js_branch(struct output_ctx *, const struct model *,
		    const struct branch *);
static void	js_latency(struct output_ctx *, const struct model *,
		    const struct branch *, const struct latlink *);
static void	js_prefix_rpki(struct json_w *, const struct model *,
		    const struct branch_prefix *);
static void	js_prefix(struct output_ctx *, const struct model *,
		    const struct branch *, const struct branch_prefix *);
static void	js_event(struct output_ctx *, const struct event *);
static void	js_tail(struct output_ctx *, const struct model *);
static void	js_feed_begin(struct output_ctx *);
static void	js_feed_event(struct output_ctx *, const struct event *);
static void	js_feed_end(struct output_ctx *, const struct output_feed *);
static void	js_report_head(struct output_ctx *, const struct report *);
static void	js_report_section(struct output_ctx *, const struct report *,
		    enum report_section);
static void	js_report_section_end(struct output_ctx *,
		    const struct report *, enum report_section);
static void	js_report_track(struct output_ctx *, const struct report *,
		    enum report_section, const struct report_track *);
static void	js_report_lat(struct output_ctx *, const struct report *,
		    const struct report_lat *);
static void	js_report_prefix(struct output_ctx *, const struct report *,
		    const struct report_prefix *);
static void	js_report_event(struct output_ctx *, const struct report *,
		    const struct report_event *);
static void	js_report_tail(struct output_ctx *, const struct report *);

const struct output output_json = {
	.name = "json",
	.flags = OUTPUT_NESTED,
	.header = js_header,
	.section = js_section,
	.section_end = js_section_end,
	.collector = js_collector,
	.bmp_router = js_bmp_router,
	.partner = js_partner,
	.session = js_session,
	.branch = js_branch,
	.latency = js_latency,
	.prefix = js_prefix,
	.event = js_event,
	.tail = js_tail,
	.feed_begin = js_feed_begin,
	.feed_event = js_feed_event,
	.feed_end = js_feed_end,
	.report_sections = RS_BIT(RS_SESSIONS) | RS_BIT(RS_PARTNERS) |
	    RS_BIT(RS_LATENCY) | RS_BIT(RS_PREFIXES) | RS_BIT(RS_ROUTES) |
	    RS_BIT(RS_EVENTS),
	.report_head = js_report_head,
	.report_section = js_report_section,
	.report_section_end = js_report_section_end,
	.report_track = js_report_track,
	.report_lat = js_report_lat,
	.report_prefix = js_report_prefix,
	.report_event = js_report_event,
	.report_tail = js_report_tail,
};

/* The arrays of the document, by section. */
static const char *const js_sections[] = {
	[OUT_COLLECTORS] = "collectors",
	[OUT_BMP] = "bmp_routers",
	[OUT_PARTNERS] = "partners",
	[OUT_SESSIONS] = "sessions",
	[OUT_BRANCHES] = "branches",
	[OUT_LATENCY] = "latency",
	[OUT_PREFIXES] = "prefixes",
	[OUT_EVENTS] = "events",
};

/* A wall time, null for none (0). */
static void
js_when(struct json_w *j, const char *key, int64_t ms)
{
	if (ms == 0)
		json_w_null(j, key);
	else
		json_w_time(j, key, ms, 0);
}

/* Milliseconds with three decimals, null when not valid. */
static void
js_ms(struct json_w *j, const char *key, double us, int valid)
{
	if (valid)
		json_w_double(j, key, us / 1000, 3);
	else
		json_w_null(j, key);
}

static void
js_header(struct output_ctx *ctx, const struct model *m)
{
	struct json_w	*j = &ctx->json;

	json_w_init_file(j, ctx->f, 1);
	json_w_object(j, NULL, 1);
	json_w_time(j, "generated", now_wall_ms(), 0);
	if (m->replay_ms != 0)
		json_w_time(j, "replay", m->replay_ms, 0);
	json_w_string(j, "status", output_status_name(m, 1));
}

/* bmp_routers only with a BMP collector. */
static void
js_section(struct output_ctx *ctx, const struct model *m,
    enum output_section sec)
{
	if (sec == OUT_BMP && output_count(m, sec) == 0)
		return;
	json_w_array(&ctx->json, js_sections[sec], 1);
}

static void
js_section_end(struct output_ctx *ctx, const struct model *m,
    enum output_section sec)
{
	if (sec == OUT_BMP && output_count(m, sec) == 0)
		return;
	json_w_end(&ctx->json);
}

static void
js_tail(struct output_ctx *ctx, const struct model *m)
{
	(void)m;
	json_w_end(&ctx->json);
	fputc('\n', ctx->f);
}

static void
js_collector(struct output_ctx *ctx, const struct model *m,
    const struct collector *c)
{
	struct json_w	*j = &ctx->json;
	char		 detail[256];

	(void)m;
	json_w_object(j, NULL, 0);
	json_w_string(j, "name", c->name);
	json_w_string(j, "kind", c->ops != NULL ? c->ops->name : "");
	json_w_string(j, "path", c->path != NULL ? c->path : "");
	json_w_string(j, "router", c->router);
	json_w_string(j, "state", output_collector_state(c));
	json_w_int(j, "age_s", output_collector_age(ctx, c));
	detail[0] = '\0';
	if (c->remote_detail != NULL)	/* a viewer's replica */
		strlcpy_pt(detail, c->remote_detail, sizeof detail);
	else if (c->ops != NULL && c->ops->describe != NULL)
		c->ops->describe(c, detail, sizeof detail);
	json_w_string(j, "detail", detail);
	json_w_string(j, "error", c->error);
	json_w_end(j);
}

/* A BMP peer's Statistics Reports (RFC 7854 4.8) by type. */
static void
js_bmp_stats(struct json_w *j, const struct collector *c, size_t r, size_t p)
{
	const char	*sname;
	unsigned int	 type;
	uint64_t	 value;
	size_t		 k;

	json_w_array(j, "stats", 0);
	for (k = 0; collect_bmp_peer_stat(c, r, p, k, &type, &sname, &value);
	    k++) {
		json_w_object(j, NULL, 0);
		json_w_uint(j, "type", type);
		json_w_string(j, "name", sname);
		json_w_uint(j, "value", value);
		json_w_end(j);
	}
	json_w_end(j);
}

static void
js_bmp_router(struct output_ctx *ctx, const struct collector *c, size_t r,
    const struct bmp_router_info *ri)
{
	struct json_w		*j = &ctx->json;
	struct bmp_peer_info	 pi;
	char			 kinds[64];
	size_t			 p;

	json_w_object(j, NULL, 0);
	json_w_string(j, "collector", c->name);
	json_w_string(j, "name", ri->name);
	json_w_string(j, "descr", ri->descr);
	json_w_string(j, "address", ri->addr);
	json_w_uint(j, "port", ri->port);
	js_when(j, "connected", ri->connected_ms);
	json_w_uint(j, "peers_total", ri->peers);
	json_w_uint(j, "peers_up", ri->peers_up);
	json_w_uint(j, "messages", ri->messages);
	json_w_uint(j, "route_monitoring", ri->route_monitoring);
	json_w_uint(j, "statistics", ri->statistics);
	json_w_uint(j, "peer_up", ri->peer_up);
	json_w_uint(j, "peer_down", ri->peer_down);
	json_w_uint(j, "routes", ri->routes);
	json_w_uint(j, "errors", ri->errors);
	json_w_string(j, "last_error", ri->last_error);
	json_w_uint(j, "dropped", ri->dropped);
	json_w_uint(j, "peers_skipped", ri->peers_skipped);
	json_w_uint(j, "max_routes", ri->max_routes);
	json_w_bool(j, "max_routes_exceeded", ri->max_routes_over);
	json_w_uint(j, "max_routes_dropped", ri->max_routes_dropped);
	json_w_bool(j, "synced", ri->synced);
	json_w_bool(j, "terminated", ri->terminated);
	json_w_string(j, "term_reason", ri->term_reason);
	json_w_array(j, "peers", 1);
	for (p = 0; collect_bmp_peer_info(c, r, p, &pi); p++) {
		json_w_object(j, NULL, 0);
		json_w_string(j, "address", pi.addr);
		json_w_uint(j, "as", pi.asn);
		json_w_string(j, "type", pi.type_name);
		json_w_bool(j, "up", pi.up);
		json_w_string(j, "kinds", output_bmp_kinds(pi.kinds, kinds,
		    sizeof kinds));
		json_w_string(j, "session", pi.session);
		json_w_uint(j, "routes", pi.routes);
		json_w_uint(j, "updates", pi.updates);
		json_w_uint(j, "errors", pi.errors);
		json_w_bool(j, "end_of_rib", pi.eor);
		json_w_string(j, "last_error", pi.last_error);
		json_w_uint(j, "stat_reports", pi.stat_reports);
		json_w_uint(j, "max_prefix", pi.max_prefix);
		json_w_string(j, "max_prefix_action", pi.max_prefix_drop ?
		    "drop" : "warning");
		json_w_bool(j, "max_prefix_exceeded", pi.max_prefix_over);
		json_w_uint(j, "dropped", pi.dropped);
		js_bmp_stats(j, c, r, p);
		json_w_end(j);
	}
	json_w_end(j);
	json_w_end(j);
}

static void
js_partner(struct output_ctx *ctx, const struct partner *p)
{
	struct json_w	*j = &ctx->json;

	json_w_object(j, NULL, 0);
	json_w_string(j, "name", p->name);
	json_w_uint(j, "as", p->asn);
	json_w_bool(j, "backup_none", p->backup_none);
	json_w_string(j, "redundancy", redundancy_name(p->red));
	json_w_string(j, "reason", p->reason);
	js_when(j, "since", p->red_since_ms);
	json_w_end(j);
}

static void
js_session(struct output_ctx *ctx, const struct model *m,
    const struct session *s)
{
	struct json_w	*j = &ctx->json;
	char		 a[ADDR_STRLEN];

	(void)m;
	json_w_object(j, NULL, 0);
	json_w_string(j, "name", s->name);
	json_w_string(j, "partner", s->partner != NULL ? s->partner->name : "");
	json_w_string(j, "router", s->router);
	json_w_string(j, "neighbor", addr_fmt(&s->neighbor, a, sizeof a));
	json_w_string(j, "edge", s->edge);
	json_w_string(j, "role", role_name(s->role));
	json_w_string(j, "state", bgp_state_name(s->state));
	js_when(j, "since", s->since_ms);
	json_w_uint(j, "remote_as", s->remote_as);
	json_w_uint(j, "routes_imported", s->routes_imported);
	json_w_uint(j, "routes_exported", s->routes_exported);
	json_w_uint(j, "flaps", s->flaps);
	json_w_bool(j, "flapping", s->flapping);
	json_w_string(j, "protocol", s->proto);
	json_w_string(j, "last_error", s->last_error);
	/* RFC 9234 roles, when an OPEN of its BMP Peer Up carried one. */
	if (s->role_sent != BGP_ROLE_NONE ||
	    s->role_received != BGP_ROLE_NONE || s->role_error) {
		json_w_object(j, "bgp_role", 0);
		json_w_string(j, "sent", bgp_role_name(s->role_sent));
		json_w_string(j, "received", bgp_role_name(s->role_received));
		json_w_bool(j, "agree", !s->role_error &&
		    bgp_role_agree(s->role_sent, s->role_received) == 1);
		json_w_bool(j, "error", s->role_error);
		json_w_end(j);
	}
	json_w_end(j);
}

/* An edge by index as {"code", "metro"[, distance]}, null for none. */
static void
js_edge(struct json_w *j, const struct model *m, const char *key, int idx,
    double km)
{
	if (idx < 0 || (size_t)idx >= m->nedges) {
		json_w_null(j, key);
		return;
	}
	json_w_object(j, key, 0);
	json_w_string(j, "code", m->edges[idx].code);
	json_w_string(j, "metro", m->edges[idx].metro);
	if (km >= 0)
		json_w_double(j, "distance_km", km, 1);
	json_w_end(j);
}

static void
js_location(struct json_w *j, const struct branch *b)
{
	json_w_object(j, "location", 0);
	json_w_string(j, "source", output_loc_name(b->loc));
	if (b->loc != LOC_UNKNOWN) {
		json_w_double(j, "lat", b->lat, 4);
		json_w_double(j, "lon", b->lon, 4);
		json_w_string(j, "city", b->city);
		json_w_string(j, "country", b->country);
	}
	json_w_end(j);
}

/* The branch's latency links (mtr's columns) and nearest edge by latency. */
static void
js_branch_latency(struct output_ctx *ctx, const struct model *m,
    const struct branch *b)
{
	struct json_w	*j = &ctx->json;
	size_t		 i;

	json_w_array(j, "latency", 0);
	for (i = 0; i < b->nlinks; i++)
		js_latency(ctx, m, b, b->links[i]);
	json_w_end(j);
	if (b->lat_nearest >= 0 && (size_t)b->lat_nearest < m->nedges) {
		json_w_object(j, "nearest_latency", 0);
		json_w_string(j, "code", m->edges[b->lat_nearest].code);
		js_ms(j, "median_ms", b->lat_nearest_us, 1);
		json_w_end(j);
	} else
		json_w_null(j, "nearest_latency");
	json_w_bool(j, "latency_suboptimal", b->lat_suboptimal);
}

static void
js_branch(struct output_ctx *ctx, const struct model *m,
    const struct branch *b)
{
	struct json_w	*j = &ctx->json;
	char		 a[ADDR_STRLEN];
	size_t		 i;

	json_w_object(j, NULL, 0);
	json_w_string(j, "name", b->name);
	json_w_string(j, "partner", b->partner != NULL ? b->partner->name : "");
	json_w_array(j, "addresses", 0);
	for (i = 0; i < b->naddrs; i++)
		json_w_string(j, NULL, addr_fmt(&b->addrs[i], a, sizeof a));
	json_w_end(j);
	json_w_array(j, "prefixes", 0);
	for (i = 0; i < b->nprefixes; i++)
		js_prefix(ctx, m, b, &b->prefixes[i]);
	json_w_end(j);
	js_location(j, b);
	json_w_uint(j, "asn", b->asn);
	json_w_string(j, "as_name", b->asname);
	js_edge(j, m, "nearest_edge", b->nearest, b->nearest_km);
	js_edge(j, m, "routed_edge", b->routed, -1);
	json_w_bool(j, "suboptimal", b->suboptimal);
	js_branch_latency(ctx, m, b);
	json_w_int(j, "sessions_up", b->sessions_up);
	json_w_int(j, "sessions_total", b->sessions_total);
	json_w_string(j, "redundancy", b->partner != NULL ?
	    redundancy_name(b->partner->red) : "UNKNOWN");
	json_w_string(j, "last_event", b->last_event);
	json_w_end(j);
}

static void
js_latency(struct output_ctx *ctx, const struct model *m,
    const struct branch *b, const struct latlink *l)
{
	struct json_w	*j = &ctx->json;
	const char	*name;
	unsigned	 bit;
	int		 r = l->received > 0;

	json_w_object(j, NULL, 0);
	if (ctx->flat)
		json_w_string(j, "branch", b->name);
	json_w_string(j, "edge", m->edges[l->edge_idx].code);
	json_w_string(j, "target", l->target);
	json_w_string(j, "source", latency_mon_source_name(l->source));
	json_w_uint(j, "sent", l->sent);
	json_w_uint(j, "received", l->received);
	json_w_double(j, "loss_pct", l->loss_pct, 1);
	js_ms(j, "last_ms", (double)l->last_us, l->last_us >= 0);
	js_ms(j, "avg_ms", l->avg_us, r);
	js_ms(j, "best_ms", (double)l->best_us, r);
	js_ms(j, "worst_ms", (double)l->worst_us, r);
	js_ms(j, "stdev_ms", l->stdev_us, r);
	js_ms(j, "median_ms", l->median_us, r);
	js_ms(j, "p95_ms", (double)l->p95_us, r);
	js_ms(j, "jitter_ms", l->jitter_us, r);
	json_w_array(j, "flags", 0);
	for (bit = 0; (name = latency_mon_flag_name(bit)) != NULL; bit++)
		if (l->flags & (1u << bit))
			json_w_string(j, NULL, name);
	json_w_end(j);
	json_w_end(j);
}

/* One registered prefix and its route state. */
static void
js_prefix(struct output_ctx *ctx, const struct model *m,
    const struct branch *b, const struct branch_prefix *bp)
{
	struct json_w	*j = &ctx->json;
	char		 pfx[PREFIX_STRLEN], flags[160], *w, *last;
	const char	*best = output_best_session(m, bp);
	size_t		 i;

	json_w_object(j, NULL, 0);
	if (ctx->flat)
		json_w_string(j, "branch", b->name);
	json_w_string(j, "prefix", prefix_fmt(&bp->prefix, pfx, sizeof pfx));
	json_w_uint(j, "origin", bp->origin);
	json_w_array(j, "upstreams", 0);
	for (i = 0; i < bp->nupstreams; i++)
		json_w_uint(j, NULL, bp->upstreams[i]);
	json_w_end(j);
	json_w_bool(j, "seen", bp->seen);
	json_w_array(j, "flags", 0);
	routemon_flags_fmt(bp->flags, flags, sizeof flags);
	for (w = strtok_r(flags, " ", &last); w != NULL;
	    w = strtok_r(NULL, " ", &last))
		json_w_string(j, NULL, w);
	json_w_end(j);
	json_w_uint(j, "primary", bp->nprimary);
	json_w_uint(j, "primary_total", bp->nprimary_total);
	json_w_uint(j, "backup", bp->nbackup);
	json_w_uint(j, "backup_total", bp->nbackup_total);
	json_w_uint(j, "best_origin", bp->best_origin);
	json_w_string(j, "best_path", bp->best_path);
	json_w_string(j, "best_session", best != NULL ? best : "");
	json_w_string(j, "carried", bp->carried);
	json_w_uint(j, "bad_origin", bp->bad_origin);
	json_w_string(j, "problem", bp->problem);
	js_when(j, "since", bp->since_ms);
	js_prefix_rpki(j, m, bp);
	json_w_end(j);
}

/*
 * With VRPs (an rpki collector), the prefix's RPKI state from its
 * registered origin and the VRPs covering it; nothing without, so that
 * a configuration without rpki writes what it always did.
 */
static void
js_prefix_rpki(struct json_w *j, const struct model *m,
    const struct branch_prefix *bp)
{
	const struct vrp	*v[16];
	char			 pfx[PREFIX_STRLEN];
	int			 st;
	size_t			 i, n;

	if ((st = routemon_rpki_state(m, bp)) < 0)
		return;
	json_w_string(j, "rpki", vrp_state_name((enum vrp_state)st));
	n = vrp_covering(m->vrps, &bp->prefix, v, nitems(v));
	json_w_array(j, "roas", 0);
	for (i = 0; i < n && i < nitems(v); i++) {
		json_w_object(j, NULL, 0);
		json_w_string(j, "prefix", prefix_fmt(&v[i]->prefix, pfx,
		    sizeof pfx));
		json_w_uint(j, "max_length", v[i]->maxlen);
		json_w_uint(j, "asn", v[i]->asn);
		if (v[i]->expires != 0)
			js_when(j, "expires", v[i]->expires * 1000);
		json_w_end(j);
	}
	json_w_end(j);
}

/* An event's members after its id (the feed has none). */
static void
js_event_body(struct json_w *j, const struct event *ev)
{
	js_when(j, "time", ev->time_ms);
	json_w_string(j, "type", ev->type);
	json_w_string(j, "level", level_name(ev->level));
	json_w_string(j, "subject", ev->subject);
	json_w_string(j, "summary", ev->summary);
	json_w_string(j, "details", ev->details);
}

static void
js_event(struct output_ctx *ctx, const struct event *ev)
{
	json_w_object(&ctx->json, NULL, 0);
	json_w_int(&ctx->json, "id", (long long)ev->id);
	js_event_body(&ctx->json, ev);
	/* Issue 14: where it is in its lifecycle, and who took it. */
	json_w_string(&ctx->json, "state", event_state(ev));
	if (ev->ack_ms != 0) {
		json_w_object(&ctx->json, "acknowledged", 0);
		json_w_string(&ctx->json, "by", ev->ack_user);
		js_when(&ctx->json, "at", ev->ack_ms);
		json_w_string(&ctx->json, "comment", ev->ack_comment);
		json_w_end(&ctx->json);
	} else
		json_w_null(&ctx->json, "acknowledged");
	json_w_end(&ctx->json);
}

/* ------------------------------------------------------------- feed */

static void
js_feed_begin(struct output_ctx *ctx)
{
	json_w_init_file(&ctx->json, ctx->f, 1);
	json_w_object(&ctx->json, NULL, 1);
	json_w_array(&ctx->json, "events", 1);
}

static void
js_feed_event(struct output_ctx *ctx, const struct event *ev)
{
	json_w_object(&ctx->json, NULL, 0);
	js_event_body(&ctx->json, ev);
	json_w_end(&ctx->json);
}

static void
js_feed_end(struct output_ctx *ctx, const struct output_feed *fd)
{
	struct json_w	*j = &ctx->json;

	json_w_end(j);
	json_w_uint(j, "records", fd->records);
	json_w_uint(j, "updates", fd->updates);
	json_w_uint(j, "peers", fd->peers);
	json_w_uint(j, "prefixes", fd->prefixes);
	json_w_uint(j, "errors", fd->errors);
	json_w_end(j);
	fputc('\n', ctx->f);
}

/* ----------------------------------------------------------- report */

static void
js_report_head(struct output_ctx *ctx, const struct report *r)
{
	struct json_w	*j = &ctx->json;

	json_w_init_file(j, ctx->f, 0);
	json_w_object(j, NULL, 0);
	json_w_string(j, "file", r->path);
	json_w_int(j, "schema_version", r->version);
	json_w_time(j, "since", r->since_ms, 1);
	json_w_time(j, "until", r->until_ms, 1);
	json_w_int(j, "since_ms", r->since_ms);
	json_w_int(j, "until_ms", r->until_ms);
	json_w_double(j, "window_s", (r->until_ms - r->since_ms) / 1000.0, 3);
	if (r->unrecorded_ms >= 0) {
		json_w_uint(j, "runs", r->nruns);
		json_w_double(j, "unrecorded_s", r->unrecorded_ms / 1000.0, 3);
	} else {
		json_w_null(j, "runs");
		json_w_null(j, "unrecorded_s");
	}
	json_w_int(j, "ignored_rows", r->ignored_rows);
}

static void
js_report_section(struct output_ctx *ctx, const struct report *r,
    enum report_section sec)
{
	static const char *const names[] = {
		[RS_SESSIONS] = "sessions", [RS_PARTNERS] = "partners",
		[RS_LATENCY] = "latency", [RS_PREFIXES] = "prefixes",
		[RS_ROUTES] = "routes", [RS_EVENTS] = "events",
	};

	(void)r;
	if ((size_t)sec < nitems(names) && names[sec] != NULL)
		json_w_array(&ctx->json, names[sec], 0);
}

static void
js_report_section_end(struct output_ctx *ctx, const struct report *r,
    enum report_section sec)
{
	(void)r;
	(void)sec;
	json_w_end(&ctx->json);
}

/* {"state": seconds, ...} */
static void
js_report_states(struct json_w *j, const char *key,
    const struct report_track *t)
{
	size_t	 i;

	json_w_object(j, key, 0);
	for (i = 0; i < t->nstates; i++)
		json_w_double(j, t->states[i].state, t->states[i].ms / 1000.0, 3);
	json_w_end(j);
}

static void
js_report_track(struct output_ctx *ctx, const struct report *r,
    enum report_section sec, const struct report_track *t)
{
	struct json_w	*j = &ctx->json;
	double		 avail;

	json_w_object(j, NULL, 0);
	switch (sec) {
	case RS_SESSIONS:
		json_w_string(j, "session", t->name);
		if ((avail = report_availability(r, t)) < 0)
			json_w_null(j, "availability_pct");
		else
			json_w_double(j, "availability_pct", avail, 3);
		json_w_double(j, "coverage_pct", report_coverage(r, t), 3);
		json_w_uint(j, "flaps", t->flaps);
		json_w_double(j, "no_data_s", t->nodata_ms / 1000.0, 3);
		js_report_states(j, "states_s", t);
		break;
	case RS_PARTNERS:
		json_w_string(j, "partner", t->name);
		json_w_double(j, "no_data_s", t->nodata_ms / 1000.0, 3);
		js_report_states(j, "states_s", t);
		break;
	default:
		json_w_string(j, "branch", t->name);
		json_w_double(j, "suboptimal_s", t->flag_ms / 1000.0, 3);
		json_w_double(j, "no_data_s", t->nodata_ms / 1000.0, 3);
		js_report_states(j, "edges_s", t);
		break;
	}
	json_w_end(j);
}

static void
js_report_lat(struct output_ctx *ctx, const struct report *r,
    const struct report_lat *l)
{
	struct json_w	*j = &ctx->json;

	(void)r;
	json_w_object(j, NULL, 0);
	json_w_string(j, "branch", l->branch);
	json_w_string(j, "edge", l->edge);
	json_w_string(j, "target", l->target);
	json_w_string(j, "from", report_from_name(l->from, 0));
	json_w_int(j, "sent", l->sent);
	json_w_int(j, "received", l->received);
	json_w_double(j, "loss_pct", l->loss_pct, 3);
	js_ms(j, "median_ms", l->median_us, l->exact && l->received > 0);
	js_ms(j, "mean_ms", l->mean_us, l->received > 0);
	js_ms(j, "p95_ms", (double)l->p95_us, l->p95_us >= 0);
	json_w_end(j);
}

static void
js_report_prefix(struct output_ctx *ctx, const struct report *r,
    const struct report_prefix *p)
{
	struct json_w	*j = &ctx->json;
	int64_t		 ms[REPORT_PREFIX_NTIMES];
	char		 key[32];
	size_t		 i;

	report_prefix_times(p, ms);
	json_w_object(j, NULL, 0);
	json_w_string(j, "branch", p->branch);
	json_w_string(j, "prefix", p->prefix);
	json_w_double(j, "primary_pct", report_pct(r, ms[0]), 3);
	json_w_double(j, "backup_pct", report_pct(r, ms[1]), 3);
	for (i = 0; i < nitems(ms); i++) {
		snprintf(key, sizeof key, "%s_s", report_prefix_keys[i]);
		json_w_double(j, key, ms[i] / 1000.0, 3);
	}
	json_w_uint(j, "changes", p->changes);
	json_w_end(j);
}

static void
js_report_event(struct output_ctx *ctx, const struct report *r,
    const struct report_event *e)
{
	struct json_w	*j = &ctx->json;

	(void)r;
	json_w_object(j, NULL, 0);
	json_w_string(j, "type", e->type);
	json_w_string(j, "level", e->level);
	json_w_int(j, "count", e->count);
	json_w_time(j, "first", e->first_ms, 1);
	json_w_time(j, "last", e->last_ms, 1);
	json_w_end(j);
}

/* Seconds with three decimals, null for none (< 0). */
static void
js_report_secs(struct json_w *j, const char *key, int64_t ms)
{
	if (ms >= 0)
		json_w_double(j, key, ms / 1000.0, 3);
	else
		json_w_null(j, key);
}

/* The problems, an object a level, then the report's end. */
static void
js_report_tail(struct output_ctx *ctx, const struct report *r)
{
	const struct report_problems	*p;
	struct json_w			*j = &ctx->json;
	size_t				 i;

	json_w_array(j, "problems", 0);
	for (i = 0; i < REPORT_NPROBLEM_LEVELS; i++) {
		p = &r->problems[i];
		json_w_object(j, NULL, 0);
		json_w_string(j, "level", report_problem_levels[i]);
		json_w_int(j, "opened", p->opened);
		json_w_int(j, "acknowledged", p->acked);
		js_report_secs(j, "ack_median_s", p->ack_median_ms);
		js_report_secs(j, "ack_max_s", p->ack_max_ms);
		json_w_int(j, "resolved", p->resolved);
		js_report_secs(j, "resolve_median_s", p->resolve_median_ms);
		js_report_secs(j, "resolve_max_s", p->resolve_max_ms);
		json_w_int(j, "open", p->open);
		json_w_int(j, "ended", p->ended);
		json_w_end(j);
	}
	json_w_end(j);
	json_w_end(j);
	fputc('\n', ctx->f);
}
