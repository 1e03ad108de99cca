/* SPDX-License-Identifier: ISC */
/*
 * The control protocol's objects (proto.h), written through the one JSON
 * writer.  Each function writes one frame; what a viewer's replica needs
 * beyond --once's members is here too (exact times, the derived fields
 * the views draw), so that every view works attached as it does
 * standalone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collect-bmp.h"
#include "core/collector.h"
#include "core/condition.h"
#include "core/latency.h"
#include "core/latency-mon.h"
#include "core/output.h"
#include "core/proto.h"
#include "core/routemon.h"

static void	proto_session_steps(struct json_w *, const struct session *);
static void	proto_edge(struct json_w *, const struct model *, const char *,
		    int);
static void	proto_prefix(struct json_w *, const struct model *,
		    const struct branch_prefix *);
static void	proto_bmp_peer(struct json_w *, const struct collector *,
		    size_t, size_t, const struct bmp_peer_info *);

int
proto_level(const char *s)
{
	int	 l;

	for (l = LVL_INFO; l <= LVL_CRITICAL; l++)
		if (strcmp(s, level_name(l)) == 0)
			return (l);
	return (-1);
}

/* An edge by code, "" for none. */
static void
proto_edge(struct json_w *j, const struct model *m, const char *key, int idx)
{
	json_w_string(j, key, idx >= 0 && (size_t)idx < m->nedges ?
	    m->edges[idx].code : "");
}

void
proto_session(struct json_w *j, const struct model *m,
    const struct session *s)
{
	(void)m;
	json_w_object(j, NULL, 0);
	json_w_string(j, "t", "session");
	json_w_string(j, "name", s->name);
	json_w_string(j, "state", bgp_state_name(s->state));
	json_w_string(j, "known", bgp_state_name(s->known));
	json_w_int(j, "since_ms", s->since_ms);
	json_w_uint(j, "remote_as", s->remote_as);
	json_w_uint(j, "routes_imported", s->routes_imported);
	json_w_uint(j, "routes_exported", s->routes_exported);
	json_w_uint(j, "flaps", s->flaps);
	json_w_bool(j, "flapping", s->flapping);
	json_w_string(j, "protocol", s->proto);
	json_w_string(j, "last_error", s->last_error);
	json_w_string(j, "source", s->source != NULL ? s->source->name : "");
	json_w_string(j, "sources", s->sources);
	json_w_bool(j, "routes_lost", s->routes_lost);
	json_w_int(j, "routes_lost_ms", s->routes_lost_ms);
	json_w_string(j, "routes_why", s->routes_why);
	json_w_bool(j, "routes_loading", s->routes_loading);
	json_w_uint(j, "routes_gen", s->routes_gen);
	json_w_string(j, "role_sent", bgp_role_name(s->role_sent));
	json_w_string(j, "role_received", bgp_role_name(s->role_received));
	json_w_bool(j, "role_error", s->role_error);
	proto_session_steps(j, s);
	json_w_end(j);
}

/* Its FSM steps, oldest first: [ms, state, error] each (Turn-up). */
static void
proto_session_steps(struct json_w *j, const struct session *s)
{
	const struct session_step	*st;
	size_t				 i;

	json_w_array(j, "steps", 0);
	for (i = 0; (st = model_session_step_at(s, i)) != NULL; i++) {
		json_w_array(j, NULL, 0);
		json_w_int(j, NULL, st->ms);
		json_w_string(j, NULL, bgp_state_name(st->state));
		json_w_string(j, NULL, st->error);
		json_w_end(j);
	}
	json_w_end(j);
}

void
proto_partner(struct json_w *j, const struct partner *p)
{
	json_w_object(j, NULL, 0);
	json_w_string(j, "t", "partner");
	json_w_string(j, "name", p->name);
	json_w_string(j, "redundancy", redundancy_name(p->red));
	json_w_string(j, "known", redundancy_name(p->red_known));
	json_w_string(j, "reason", p->reason);
	json_w_int(j, "since_ms", p->red_since_ms);
	json_w_bool(j, "turnup", p->turnup);
	json_w_end(j);
}

/* A registered prefix's route state; its configuration is the viewer's. */
static void
proto_prefix(struct json_w *j, const struct model *m,
    const struct branch_prefix *bp)
{
	char	 pfx[PREFIX_STRLEN];

	json_w_object(j, NULL, 0);
	json_w_string(j, "prefix", prefix_fmt(&bp->prefix, pfx, sizeof pfx));
	json_w_bool(j, "seen", bp->seen);
	json_w_uint(j, "flags", bp->flags);
	json_w_uint(j, "primary", bp->nprimary);
	json_w_uint(j, "primary_total", bp->nprimary_total);
	json_w_uint(j, "backup", bp->nbackup);
	json_w_uint(j, "backup_total", bp->nbackup_total);
	json_w_uint(j, "best_origin", bp->best_origin);
	json_w_string(j, "best_path", bp->best_path);
	json_w_string(j, "best_session", bp->best_session >= 0 &&
	    (size_t)bp->best_session < m->nsessions ?
	    m->sessions[bp->best_session]->name : "");
	json_w_string(j, "carried", bp->carried);
	json_w_uint(j, "unknown", bp->nunknown);
	json_w_uint(j, "primary_unknown", bp->nprimary_unknown);
	json_w_uint(j, "backup_unknown", bp->nbackup_unknown);
	json_w_uint(j, "bad_origin", bp->bad_origin);
	json_w_string(j, "problem", bp->problem);
	json_w_int(j, "since_ms", bp->since_ms);
	json_w_end(j);
}

void
proto_branch(struct json_w *j, const struct model *m, const struct branch *b)
{
	const struct latlink	*main = NULL;
	size_t			 i;

	if (b->lat_main >= 0 && (size_t)b->lat_main < b->nlinks)
		main = b->links[b->lat_main];
	json_w_object(j, NULL, 0);
	json_w_string(j, "t", "branch");
	json_w_string(j, "name", b->name);
	json_w_string(j, "location", output_loc_name(b->loc));
	json_w_double(j, "lat", b->lat, 6);
	json_w_double(j, "lon", b->lon, 6);
	json_w_string(j, "city", b->city);
	json_w_string(j, "country", b->country);
	json_w_uint(j, "asn", b->asn);
	json_w_string(j, "as_name", b->asname);
	proto_edge(j, m, "nearest_edge", b->nearest);
	json_w_double(j, "nearest_km", b->nearest_km, 3);
	proto_edge(j, m, "routed_edge", b->routed);
	json_w_bool(j, "suboptimal", b->suboptimal);
	json_w_int(j, "sessions_up", b->sessions_up);
	json_w_int(j, "sessions_total", b->sessions_total);
	json_w_string(j, "last_event", b->last_event);
	json_w_int(j, "last_event_ms", b->last_event_ms);
	proto_edge(j, m, "latency_nearest", b->lat_nearest);
	json_w_double(j, "latency_nearest_us", b->lat_nearest_us, 3);
	proto_edge(j, m, "latency_main_edge", main != NULL ? main->edge_idx :
	    -1);
	json_w_string(j, "latency_main_target", main != NULL ? main->target :
	    "");
	json_w_bool(j, "latency_suboptimal", b->lat_suboptimal);
	json_w_array(j, "prefixes", 0);
	for (i = 0; i < b->nprefixes; i++)
		proto_prefix(j, m, &b->prefixes[i]);
	json_w_end(j);
	json_w_end(j);
}

void
proto_latency(struct json_w *j, const struct model *m,
    const struct branch *b, const struct latlink *l, size_t n)
{
	size_t	 count = latency_series_count(l->ring), i;
	int64_t	 t, rtt;

	json_w_object(j, NULL, 0);
	json_w_string(j, "t", "latency");
	json_w_string(j, "branch", b->name);
	proto_edge(j, m, "edge", l->edge_idx);
	json_w_string(j, "target", l->target);
	json_w_string(j, "source", latency_mon_source_name(l->source));
	json_w_uint(j, "sent", l->sent);
	json_w_uint(j, "received", l->received);
	json_w_double(j, "loss_pct", l->loss_pct, 6);
	json_w_int(j, "last_us", l->last_us);
	json_w_double(j, "avg_us", l->avg_us, 3);
	json_w_double(j, "stdev_us", l->stdev_us, 3);
	json_w_double(j, "median_us", l->median_us, 3);
	json_w_double(j, "jitter_us", l->jitter_us, 3);
	json_w_int(j, "best_us", l->best_us);
	json_w_int(j, "worst_us", l->worst_us);
	json_w_int(j, "p95_us", l->p95_us);
	json_w_int(j, "last_ms", l->last_ms);
	json_w_int(j, "trend_ms", l->trend_ms);
	json_w_uint(j, "total", l->total);
	json_w_uint(j, "capped", l->capped);
	json_w_uint(j, "flags", l->flags);
	json_w_double(j, "baseline_us", l->baseline_us, 3);
	json_w_int(j, "shift_ms", l->shift_ms);
	json_w_array(j, "trend", 0);
	for (i = 0; i < LAT_TREND_N; i++)
		json_w_double(j, NULL, l->trend[i], 3);
	json_w_end(j);
	/* The newest n samples, oldest first: [time_ms, rtt_us]. */
	json_w_array(j, "samples", 0);
	for (i = n < count ? count - n : 0; i < count; i++) {
		if (latency_sample_get(l->ring, i, &t, &rtt) != 0)
			continue;
		json_w_array(j, NULL, 0);
		json_w_int(j, NULL, t);
		json_w_int(j, NULL, rtt);
		json_w_end(j);
	}
	json_w_end(j);
	json_w_end(j);
}

/* A monotonic instant as wall time (0 stays 0: never). */
static int64_t
proto_wall(uint64_t mono, int64_t now_wall, uint64_t now_mono)
{
	if (mono == 0)
		return (0);
	return (now_wall - (int64_t)(now_mono - mono));
}

void
proto_collector(struct json_w *j, const struct collector *c,
    int64_t now_wall, uint64_t now_mono)
{
	char	 detail[256];

	detail[0] = '\0';
	if (c->remote_detail != NULL)
		strlcpy_pt(detail, c->remote_detail, sizeof detail);
	else if (c->ops != NULL && c->ops->describe != NULL)
		c->ops->describe(c, detail, sizeof detail);
	json_w_object(j, NULL, 0);
	json_w_string(j, "t", "collector");
	json_w_string(j, "name", c->name);
	json_w_string(j, "kind", c->ops != NULL ? c->ops->name : "");
	json_w_string(j, "state", output_collector_state(c));
	json_w_int(j, "state_ms", proto_wall(c->state_mono, now_wall,
	    now_mono));
	json_w_int(j, "last_ok_ms", proto_wall(c->last_ok_mono, now_wall,
	    now_mono));
	json_w_string(j, "detail", detail);
	json_w_string(j, "error", c->error);
	json_w_uint(j, "polls", c->polls);
	json_w_uint(j, "failures", c->failures);
	json_w_uint(j, "parts", c->nparts);
	json_w_uint(j, "parts_up", c->nparts_up);
	json_w_end(j);
}

static void
proto_bmp_peer(struct json_w *j, const struct collector *c, size_t r,
    size_t p, const struct bmp_peer_info *pi)
{
	const char	*sname;
	unsigned int	 type;
	uint64_t	 value;
	size_t		 k;

	json_w_object(j, NULL, 0);
	json_w_string(j, "address", pi->addr);
	json_w_uint(j, "as", pi->asn);
	json_w_uint(j, "distinguisher", pi->distinguisher);
	json_w_uint(j, "peer_type", pi->type);
	json_w_string(j, "type", pi->type_name);
	json_w_uint(j, "kind_bits", pi->kinds);
	json_w_bool(j, "up", pi->up);
	json_w_string(j, "session", pi->session);
	json_w_uint(j, "routes", pi->routes);
	json_w_uint(j, "updates", pi->updates);
	json_w_uint(j, "errors", pi->errors);
	json_w_bool(j, "end_of_rib", pi->eor);
	json_w_bool(j, "table", pi->table);
	json_w_uint(j, "up_ms", pi->up_ms);
	json_w_string(j, "last_error", pi->last_error);
	json_w_uint(j, "stat_reports", pi->stat_reports);
	json_w_uint(j, "max_prefix", pi->max_prefix);
	json_w_bool(j, "max_prefix_drop", pi->max_prefix_drop);
	json_w_bool(j, "max_prefix_exceeded", pi->max_prefix_over);
	json_w_bool(j, "caps_known", pi->caps_known);
	json_w_uint(j, "caps_local", pi->caps_local);
	json_w_uint(j, "caps_remote", pi->caps_remote);
	json_w_uint(j, "dropped", pi->dropped);
	json_w_array(j, "stats", 0);
	for (k = 0; collect_bmp_peer_stat(c, r, p, k, &type, &sname, &value);
	    k++) {
		json_w_array(j, NULL, 0);
		json_w_uint(j, NULL, type);
		json_w_string(j, NULL, sname != NULL ? sname : "");
		json_w_uint(j, NULL, value);
		json_w_end(j);
	}
	json_w_end(j);
	json_w_end(j);
}

void
proto_bmp(struct json_w *j, const struct collector *c)
{
	struct bmp_router_info	 ri;
	struct bmp_peer_info	 pi;
	size_t			 r, p;

	json_w_object(j, NULL, 0);
	json_w_string(j, "t", "bmp");
	json_w_string(j, "collector", c->name);
	json_w_array(j, "routers", 0);
	for (r = 0; collect_bmp_router_info(c, r, &ri); r++) {
		json_w_object(j, NULL, 0);
		json_w_string(j, "name", ri.name);
		json_w_string(j, "descr", ri.descr);
		json_w_string(j, "address", ri.addr);
		json_w_uint(j, "port", ri.port);
		json_w_int(j, "connected_ms", ri.connected_ms);
		json_w_uint(j, "peers_total", ri.peers);
		json_w_uint(j, "peers_up", ri.peers_up);
		json_w_uint(j, "messages", ri.messages);
		json_w_uint(j, "route_monitoring", ri.route_monitoring);
		json_w_uint(j, "statistics", ri.statistics);
		json_w_uint(j, "peer_up", ri.peer_up);
		json_w_uint(j, "peer_down", ri.peer_down);
		json_w_uint(j, "mirroring", ri.mirroring);
		json_w_uint(j, "unknown", ri.unknown);
		json_w_uint(j, "routes", ri.routes);
		json_w_uint(j, "errors", ri.errors);
		json_w_string(j, "last_error", ri.last_error);
		json_w_uint(j, "peers_skipped", ri.peers_skipped);
		json_w_uint(j, "dropped", ri.dropped);
		json_w_uint(j, "max_routes", ri.max_routes);
		json_w_bool(j, "max_routes_exceeded", ri.max_routes_over);
		json_w_uint(j, "max_routes_dropped", ri.max_routes_dropped);
		json_w_bool(j, "terminated", ri.terminated);
		json_w_string(j, "term_reason", ri.term_reason);
		json_w_bool(j, "synced", ri.synced);
		json_w_bool(j, "loaded", ri.loaded);
		json_w_uint(j, "noeor", ri.noeor);
		json_w_uint(j, "noeor_ms", ri.noeor_ms);
		json_w_array(j, "peers", 0);
		for (p = 0; collect_bmp_peer_info(c, r, p, &pi); p++)
			proto_bmp_peer(j, c, r, p, &pi);
		json_w_end(j);
		json_w_end(j);
	}
	json_w_end(j);
	json_w_end(j);
}

void
proto_event(struct json_w *j, const struct event *ev)
{
	json_w_object(j, NULL, 0);
	json_w_string(j, "t", "event");
	json_w_int(j, "id", ev->id);
	json_w_int(j, "time_ms", ev->time_ms);
	json_w_string(j, "type", ev->type);
	json_w_string(j, "level", level_name(ev->level));
	json_w_string(j, "subject", ev->subject);
	json_w_string(j, "summary", ev->summary);
	json_w_string(j, "details", ev->details);
	json_w_object(j, "related", 0);
	json_w_string(j, "branch", ev->rel.branch);
	json_w_string(j, "partner", ev->rel.partner);
	json_w_string(j, "session", ev->rel.session);
	json_w_string(j, "router", ev->rel.router);
	json_w_string(j, "prefix", ev->rel.prefix);
	json_w_end(j);
	json_w_string(j, "state", event_state(ev));
	json_w_uint(j, "cond", ev->cond);
	json_w_uint(j, "cflags", ev->cflags);
	json_w_int(j, "closed_ms", ev->closed_ms);
	json_w_int(j, "closed_by", ev->closed_by);
	json_w_int(j, "resolves", ev->resolves);
	json_w_int(j, "ack_ms", ev->ack_ms);
	json_w_string(j, "ack_user", ev->ack_user);
	json_w_string(j, "ack_comment", ev->ack_comment);
	json_w_end(j);
}

void
proto_conditions(struct json_w *j, const struct model *m)
{
	const struct condition	*c;
	size_t			 i;

	json_w_object(j, NULL, 0);
	json_w_string(j, "t", "conditions");
	json_w_array(j, "open", 0);
	for (i = 0; i < m->nconds; i++) {
		c = &m->conds[i];
		json_w_object(j, NULL, 0);
		json_w_string(j, "type", condition_kinds[c->kind].opens[0]);
		json_w_string(j, "level", level_name(c->level));
		json_w_int(j, "id", c->opened_id);
		json_w_int(j, "opened_ms", c->opened_ms);
		json_w_int(j, "first_ms", c->first_ms);
		json_w_string(j, "subject", c->subject);
		json_w_string(j, "branch", c->branch);
		json_w_string(j, "session", c->session);
		json_w_string(j, "router", c->router);
		json_w_int(j, "ack_ms", c->ack_ms);
		json_w_string(j, "ack_user", c->ack_user);
		json_w_string(j, "ack_comment", c->ack_comment);
		json_w_end(j);
	}
	json_w_end(j);
	json_w_end(j);
}
