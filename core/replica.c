/* SPDX-License-Identifier: ISC */
/*
 * A viewer's replica (replica.h): each frame of the control protocol
 * (core/proto.c writes them) applied to the model.  The collector is
 * trusted as far as its socket's permissions go, but a frame is still
 * read defensively: a member of the wrong type reads as empty, strings
 * are copied bounded and sanitised, and indexes are looked up by name.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/collect-bmp.h"
#include "core/collector.h"
#include "core/condition.h"
#include "core/config.h"
#include "core/latency.h"
#include "core/latency-mon.h"
#include "core/proto.h"
#include "core/replica.h"
#include "core/util.h"

#define BMP_STATS_MAX	64

/* A bmp collector's routers as the collector last sent them. */
struct bmp_remote {
	struct bmp_remote_router {
		struct bmp_router_info	 ri;
		struct bmp_remote_peer {
			struct bmp_peer_info	 pi;
			char			 type_name[32];
			struct {
				unsigned int	 type;
				char		 name[48];
				uint64_t	 value;
			}			 stats[BMP_STATS_MAX];
			size_t			 nstats;
		}			*peers;
		size_t			 npeers;
	}			*routers;
	size_t			 nrouters;
};

static const struct bmp_info_ops replica_bmp_ops;
static void	replica_bmp_free(struct collector *);
static void	replica_session_steps(struct session *, json_t *);
static enum bgp_role replica_role(const char *);

static const char *
jstr(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	return (json_is_string(v) ? json_string_value(v) : "");
}

static long long
jint(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	if (json_is_integer(v))
		return (json_integer_value(v));
	if (json_is_true(v))
		return (1);
	return (0);
}

static double
jdbl(json_t *o, const char *k, double dflt)
{
	json_t	*v = json_object_get(o, k);

	return (json_is_number(v) ? json_number_value(v) : dflt);
}

/* A string member into a fixed buffer, sanitised. */
static void
jcpy(char *dst, size_t len, json_t *o, const char *k)
{
	const char	*s = jstr(o, k);

	sanitize(dst, len, s, strlen(s));
}

static int
replica_edge(const struct model *m, json_t *o, const char *k)
{
	const char	*code = jstr(o, k);

	return (*code == '\0' ? -1 : model_edge_find(m, code));
}

static struct collector *
replica_collector(const struct model *m, const char *name)
{
	size_t	 i;

	for (i = 0; i < m->ncollectors; i++)
		if (strcmp(m->collectors[i]->name, name) == 0)
			return (m->collectors[i]);
	return (NULL);
}

static int
replica_redundancy(const char *s)
{
	int	 r;

	for (r = RED_UNKNOWN; r <= RED_DOWN; r++)
		if (strcmp(s, redundancy_name(r)) == 0)
			return (r);
	return (RED_UNKNOWN);
}

static void
replica_session(struct replica *rp, json_t *o)
{
	struct session	*s = model_session_find(rp->m, jstr(o, "name"));
	int		 st;

	if (s == NULL) {
		rp->unknown++;
		return;
	}
	s->state = (st = bgp_state_from_name(jstr(o, "state"))) >= 0 ? st :
	    BGP_UNKNOWN;
	s->known = (st = bgp_state_from_name(jstr(o, "known"))) >= 0 ? st :
	    BGP_UNKNOWN;
	s->since_ms = jint(o, "since_ms");
	s->remote_as = (uint32_t)jint(o, "remote_as");
	s->routes_imported = (uint32_t)jint(o, "routes_imported");
	s->routes_exported = (uint32_t)jint(o, "routes_exported");
	s->flaps = (uint32_t)jint(o, "flaps");
	s->flapping = jint(o, "flapping") != 0;
	jcpy(s->proto, sizeof s->proto, o, "protocol");
	jcpy(s->last_error, sizeof s->last_error, o, "last_error");
	s->source = replica_collector(rp->m, jstr(o, "source"));
	jcpy(s->sources, sizeof s->sources, o, "sources");
	s->routes_lost = jint(o, "routes_lost") != 0;
	s->routes_lost_ms = jint(o, "routes_lost_ms");
	jcpy(s->routes_why, sizeof s->routes_why, o, "routes_why");
	s->routes_loading = jint(o, "routes_loading") != 0;
	s->routes_gen = (unsigned)jint(o, "routes_gen");
	s->role_sent = replica_role(jstr(o, "role_sent"));
	s->role_received = replica_role(jstr(o, "role_received"));
	s->role_error = jint(o, "role_error") != 0;
	replica_session_steps(s, json_object_get(o, "steps"));
	model_touch(rp->m, DIRTY_SESSIONS);
}

/* A BGP Role by name; "none", "unknown" or absent as such. */
static enum bgp_role
replica_role(const char *name)
{
	enum bgp_role	 r;

	if (bgp_role_parse(name, &r) == 0)
		return (r);
	return (strcmp(name, "unknown") == 0 ? BGP_ROLE_UNKNOWN :
	    BGP_ROLE_NONE);
}

/*
 * The collector's FSM steps of the session (Turn-up), replacing ours; a
 * collector without them (older): the states as this viewer sees them.
 */
static void
replica_session_steps(struct session *s, json_t *a)
{
	json_t	*st;
	size_t	 i;
	int	 state;
	char	 error[ERR_MAX];

	if (!json_is_array(a)) {
		model_session_step(s, s->state, s->since_ms, s->last_error);
		return;
	}
	s->nsteps = 0;
	for (i = 0; i < json_array_size(a); i++) {
		st = json_array_get(a, i);
		if (!json_is_array(st) || json_array_size(st) != 3 ||
		    !json_is_integer(json_array_get(st, 0)) ||
		    !json_is_string(json_array_get(st, 1)) ||
		    !json_is_string(json_array_get(st, 2)) ||
		    (state = bgp_state_from_name(json_string_value(
		    json_array_get(st, 1)))) < 0)
			continue;
		sanitize(error, sizeof error, json_string_value(
		    json_array_get(st, 2)), strlen(json_string_value(
		    json_array_get(st, 2))));
		model_session_step(s, state, json_integer_value(
		    json_array_get(st, 0)), error);
	}
}

static void
replica_partner(struct replica *rp, json_t *o)
{
	struct partner	*p = model_partner_find(rp->m, jstr(o, "name"));

	if (p == NULL) {
		rp->unknown++;
		return;
	}
	p->red = replica_redundancy(jstr(o, "redundancy"));
	p->red_known = replica_redundancy(jstr(o, "known"));
	jcpy(p->reason, sizeof p->reason, o, "reason");
	p->red_since_ms = jint(o, "since_ms");
	p->turnup = json_is_true(json_object_get(o, "turnup"));
	model_touch(rp->m, DIRTY_SESSIONS | DIRTY_BRANCHES);
}

static int
replica_session_index(const struct model *m, const char *name)
{
	size_t	 i;

	for (i = 0; *name != '\0' && i < m->nsessions; i++)
		if (strcmp(m->sessions[i]->name, name) == 0)
			return ((int)i);
	return (-1);
}

static void
replica_prefix(struct replica *rp, struct branch *b, json_t *o)
{
	struct branch_prefix	*bp = NULL;
	char			 pfx[PREFIX_STRLEN];
	size_t			 i;

	for (i = 0; i < b->nprefixes; i++)
		if (strcmp(prefix_fmt(&b->prefixes[i].prefix, pfx, sizeof pfx),
		    jstr(o, "prefix")) == 0)
			bp = &b->prefixes[i];
	if (bp == NULL) {
		rp->unknown++;
		return;
	}
	bp->seen = jint(o, "seen") != 0;
	bp->flags = (unsigned)jint(o, "flags");
	bp->nprimary = (unsigned)jint(o, "primary");
	bp->nprimary_total = (unsigned)jint(o, "primary_total");
	bp->nbackup = (unsigned)jint(o, "backup");
	bp->nbackup_total = (unsigned)jint(o, "backup_total");
	bp->best_origin = (uint32_t)jint(o, "best_origin");
	jcpy(bp->best_path, sizeof bp->best_path, o, "best_path");
	bp->best_session = replica_session_index(rp->m, jstr(o,
	    "best_session"));
	jcpy(bp->carried, sizeof bp->carried, o, "carried");
	bp->nunknown = (unsigned)jint(o, "unknown");
	bp->nprimary_unknown = (unsigned)jint(o, "primary_unknown");
	bp->nbackup_unknown = (unsigned)jint(o, "backup_unknown");
	bp->bad_origin = (uint32_t)jint(o, "bad_origin");
	jcpy(bp->problem, sizeof bp->problem, o, "problem");
	bp->since_ms = jint(o, "since_ms");
}

static void
replica_branch(struct replica *rp, json_t *o)
{
	struct model	*m = rp->m;
	struct branch	*b = model_branch_find(m, jstr(o, "name"));
	struct latlink	*l;
	const char	*loc;
	json_t		*a, *v;
	size_t		 i;
	int		 e;

	if (b == NULL) {
		rp->unknown++;
		return;
	}
	loc = jstr(o, "location");
	b->loc = strcmp(loc, "config") == 0 ? LOC_CONFIG :
	    strcmp(loc, "geoip") == 0 ? LOC_GEOIP : LOC_UNKNOWN;
	b->lat = jdbl(o, "lat", 0);
	b->lon = jdbl(o, "lon", 0);
	jcpy(b->city, sizeof b->city, o, "city");
	jcpy(b->country, sizeof b->country, o, "country");
	b->asn = (uint32_t)jint(o, "asn");
	jcpy(b->asname, sizeof b->asname, o, "as_name");
	b->nearest = replica_edge(m, o, "nearest_edge");
	b->nearest_km = jdbl(o, "nearest_km", 0);
	b->routed = replica_edge(m, o, "routed_edge");
	b->suboptimal = jint(o, "suboptimal") != 0;
	b->sessions_up = (int)jint(o, "sessions_up");
	b->sessions_total = (int)jint(o, "sessions_total");
	jcpy(b->last_event, sizeof b->last_event, o, "last_event");
	b->last_event_ms = jint(o, "last_event_ms");
	b->lat_nearest = replica_edge(m, o, "latency_nearest");
	b->lat_nearest_us = jdbl(o, "latency_nearest_us", 0);
	b->lat_suboptimal = jint(o, "latency_suboptimal") != 0;
	b->lat_main = -1;
	if ((e = replica_edge(m, o, "latency_main_edge")) >= 0 &&
	    (l = latency_mon_link_get(m, b, e, jstr(o,
	    "latency_main_target"))) != NULL)
		for (i = 0; i < b->nlinks; i++)
			if (b->links[i] == l)
				b->lat_main = (int)i;
	a = json_object_get(o, "prefixes");
	for (i = 0; json_is_array(a) && i < json_array_size(a); i++)
		if (json_is_object(v = json_array_get(a, i)))
			replica_prefix(rp, b, v);
	model_touch(m, DIRTY_BRANCHES | DIRTY_ROUTES);
}

static void
replica_latency(struct replica *rp, json_t *o)
{
	struct model	*m = rp->m;
	struct branch	*b = model_branch_find(m, jstr(o, "branch"));
	struct latlink	*l;
	const char	*src = jstr(o, "source");
	json_t		*a, *v;
	size_t		 i;
	int		 e;

	if (b == NULL || (e = replica_edge(m, o, "edge")) < 0) {
		rp->unknown++;
		return;
	}
	if ((l = latency_mon_link_get(m, b, e, jstr(o, "target"))) == NULL)
		return;
	l->source = strcmp(src, "prom") == 0 ? LAT_PROM :
	    strcmp(src, "agent") == 0 ? LAT_AGENT : LAT_PROBE;
	l->sent = (uint32_t)jint(o, "sent");
	l->received = (uint32_t)jint(o, "received");
	l->loss_pct = jdbl(o, "loss_pct", 0);
	l->last_us = jint(o, "last_us");
	l->avg_us = jdbl(o, "avg_us", 0);
	l->stdev_us = jdbl(o, "stdev_us", 0);
	l->median_us = jdbl(o, "median_us", 0);
	l->jitter_us = jdbl(o, "jitter_us", 0);
	l->best_us = jint(o, "best_us");
	l->worst_us = jint(o, "worst_us");
	l->p95_us = jint(o, "p95_us");
	l->last_ms = jint(o, "last_ms");
	l->trend_ms = jint(o, "trend_ms");
	l->total = (uint64_t)jint(o, "total");
	l->capped = (uint64_t)jint(o, "capped");
	l->flags = (unsigned)jint(o, "flags");
	l->baseline_us = jdbl(o, "baseline_us", 0);
	l->shift_ms = jint(o, "shift_ms");
	a = json_object_get(o, "trend");
	for (i = 0; i < LAT_TREND_N; i++)
		l->trend[i] = json_is_array(a) ?
		    (json_is_number(v = json_array_get(a, i)) ?
		    json_number_value(v) : -1) : -1;
	a = json_object_get(o, "samples");
	for (i = 0; json_is_array(a) && i < json_array_size(a); i++) {
		v = json_array_get(a, i);
		if (!json_is_array(v) || json_array_size(v) != 2 ||
		    !json_is_integer(json_array_get(v, 0)) ||
		    !json_is_integer(json_array_get(v, 1)))
			continue;
		latency_add(l->ring, json_integer_value(json_array_get(v, 0)),
		    json_integer_value(json_array_get(v, 1)));
	}
	model_touch(m, DIRTY_LATENCY | DIRTY_BRANCHES);
}

static void
replica_collector_frame(struct replica *rp, json_t *o)
{
	struct collector	*c = replica_collector(rp->m, jstr(o, "name"));
	const char		*st = jstr(o, "state");
	int64_t			 wall = now_wall_ms(), t;
	uint64_t		 mono = now_mono_ms();

	if (c == NULL) {
		rp->unknown++;
		return;
	}
	c->state = strcmp(st, "up") == 0 ? COL_UP : strcmp(st, "down") == 0 ?
	    COL_DOWN : COL_STARTING;
	/* Wall times back to this process's monotonic clock. */
	t = jint(o, "state_ms");
	c->state_mono = t == 0 ? 0 : mono - (uint64_t)(wall > t ? wall - t : 0);
	t = jint(o, "last_ok_ms");
	c->last_ok_mono = t == 0 ? 0 :
	    mono - (uint64_t)(wall > t ? wall - t : 0);
	free(c->remote_detail);
	c->remote_detail = xstrdup(jstr(o, "detail"));
	c->remote_free = replica_bmp_free;	/* frees the detail too */
	sanitize(c->remote_detail, strlen(c->remote_detail) + 1,
	    c->remote_detail, strlen(c->remote_detail));
	jcpy(c->error, sizeof c->error, o, "error");
	c->polls = (uint64_t)jint(o, "polls");
	c->failures = (uint64_t)jint(o, "failures");
	c->nparts = (size_t)jint(o, "parts");
	c->nparts_up = (size_t)jint(o, "parts_up");
	model_touch(rp->m, DIRTY_COLLECTORS);
}

static void
replica_bmp_free(struct collector *c)
{
	struct bmp_remote	*br = c->remote_bmp;
	size_t			 i;

	free(c->remote_detail);
	c->remote_detail = NULL;
	if (br == NULL)
		return;
	for (i = 0; i < br->nrouters; i++)
		free(br->routers[i].peers);
	free(br->routers);
	free(br);
	c->remote_bmp = NULL;
}

static void
replica_bmp_peer(struct bmp_remote_peer *rp, json_t *o)
{
	struct bmp_peer_info	*pi = &rp->pi;
	json_t			*a, *s;
	size_t			 k;

	jcpy(pi->addr, sizeof pi->addr, o, "address");
	pi->asn = (uint32_t)jint(o, "as");
	pi->distinguisher = (uint64_t)jint(o, "distinguisher");
	pi->type = (uint8_t)jint(o, "peer_type");
	jcpy(rp->type_name, sizeof rp->type_name, o, "type");
	pi->type_name = rp->type_name;
	pi->kinds = (unsigned)jint(o, "kind_bits");
	pi->up = jint(o, "up") != 0;
	jcpy(pi->session, sizeof pi->session, o, "session");
	pi->routes = (size_t)jint(o, "routes");
	pi->updates = (uint64_t)jint(o, "updates");
	pi->errors = (uint64_t)jint(o, "errors");
	pi->eor = jint(o, "end_of_rib") != 0;
	pi->table = jint(o, "table") != 0;
	pi->up_ms = (uint64_t)jint(o, "up_ms");
	jcpy(pi->last_error, sizeof pi->last_error, o, "last_error");
	pi->stat_reports = (uint64_t)jint(o, "stat_reports");
	pi->max_prefix = (uint32_t)jint(o, "max_prefix");
	pi->max_prefix_drop = jint(o, "max_prefix_drop") != 0;
	pi->max_prefix_over = jint(o, "max_prefix_exceeded") != 0;
	pi->caps_known = jint(o, "caps_known") != 0;
	pi->caps_local = (unsigned)jint(o, "caps_local");
	pi->caps_remote = (unsigned)jint(o, "caps_remote");
	pi->dropped = (uint64_t)jint(o, "dropped");
	a = json_object_get(o, "stats");
	for (k = 0; json_is_array(a) && k < json_array_size(a) &&
	    rp->nstats < BMP_STATS_MAX; k++) {
		s = json_array_get(a, k);
		if (!json_is_array(s) || json_array_size(s) != 3)
			continue;
		rp->stats[rp->nstats].type = (unsigned)json_integer_value(
		    json_array_get(s, 0));
		sanitize(rp->stats[rp->nstats].name,
		    sizeof rp->stats[rp->nstats].name,
		    json_is_string(json_array_get(s, 1)) ?
		    json_string_value(json_array_get(s, 1)) : "", json_is_string(
		    json_array_get(s, 1)) ? strlen(json_string_value(
		    json_array_get(s, 1))) : 0);
		rp->stats[rp->nstats++].value = (uint64_t)json_integer_value(
		    json_array_get(s, 2));
	}
}

static void
replica_bmp_router(struct bmp_remote_router *rr, json_t *o)
{
	struct bmp_router_info	*ri = &rr->ri;
	json_t			*a;
	size_t			 p;

	jcpy(ri->name, sizeof ri->name, o, "name");
	jcpy(ri->descr, sizeof ri->descr, o, "descr");
	jcpy(ri->addr, sizeof ri->addr, o, "address");
	ri->port = (uint16_t)jint(o, "port");
	ri->connected_ms = jint(o, "connected_ms");
	ri->peers = (size_t)jint(o, "peers_total");
	ri->peers_up = (size_t)jint(o, "peers_up");
	ri->messages = (uint64_t)jint(o, "messages");
	ri->route_monitoring = (uint64_t)jint(o, "route_monitoring");
	ri->statistics = (uint64_t)jint(o, "statistics");
	ri->peer_up = (uint64_t)jint(o, "peer_up");
	ri->peer_down = (uint64_t)jint(o, "peer_down");
	ri->mirroring = (uint64_t)jint(o, "mirroring");
	ri->unknown = (uint64_t)jint(o, "unknown");
	ri->routes = (size_t)jint(o, "routes");
	ri->errors = (uint64_t)jint(o, "errors");
	jcpy(ri->last_error, sizeof ri->last_error, o, "last_error");
	ri->peers_skipped = (uint64_t)jint(o, "peers_skipped");
	ri->dropped = (uint64_t)jint(o, "dropped");
	ri->max_routes = (uint32_t)jint(o, "max_routes");
	ri->max_routes_over = jint(o, "max_routes_exceeded") != 0;
	ri->max_routes_dropped = (uint64_t)jint(o, "max_routes_dropped");
	ri->terminated = jint(o, "terminated") != 0;
	jcpy(ri->term_reason, sizeof ri->term_reason, o, "term_reason");
	ri->synced = jint(o, "synced") != 0;
	ri->loaded = jint(o, "loaded") != 0;
	ri->noeor = (size_t)jint(o, "noeor");
	ri->noeor_ms = (uint64_t)jint(o, "noeor_ms");
	a = json_object_get(o, "peers");
	if (!json_is_array(a) || json_array_size(a) == 0)
		return;
	rr->peers = xcalloc(json_array_size(a), sizeof *rr->peers);
	for (p = 0; p < json_array_size(a); p++)
		if (json_is_object(json_array_get(a, p)))
			replica_bmp_peer(&rr->peers[rr->npeers++],
			    json_array_get(a, p));
}

static void
replica_bmp(struct replica *rp, json_t *o)
{
	struct collector	*c = replica_collector(rp->m, jstr(o,
				    "collector"));
	struct bmp_remote	*br;
	char			*detail;
	json_t			*a;
	size_t			 r;

	if (c == NULL) {
		rp->unknown++;
		return;
	}
	detail = c->remote_detail;
	c->remote_detail = NULL;
	replica_bmp_free(c);
	c->remote_detail = detail;
	c->remote_free = replica_bmp_free;
	c->bmp_info = &replica_bmp_ops;
	br = c->remote_bmp = xcalloc(1, sizeof *br);
	a = json_object_get(o, "routers");
	if (!json_is_array(a) || json_array_size(a) == 0)
		return;
	br->routers = xcalloc(json_array_size(a), sizeof *br->routers);
	for (r = 0; r < json_array_size(a); r++)
		if (json_is_object(json_array_get(a, r)))
			replica_bmp_router(&br->routers[br->nrouters++],
			    json_array_get(a, r));
	model_touch(rp->m, DIRTY_COLLECTORS | DIRTY_SESSIONS);
}

static size_t
replica_bmp_routers(const struct collector *c)
{
	return (c->remote_bmp != NULL ? c->remote_bmp->nrouters : 0);
}

static int
replica_bmp_router_info(const struct collector *c, size_t i,
    struct bmp_router_info *ri)
{
	if (c->remote_bmp == NULL || i >= c->remote_bmp->nrouters)
		return (0);
	*ri = c->remote_bmp->routers[i].ri;
	return (1);
}

static int
replica_bmp_peer_info(const struct collector *c, size_t i, size_t j,
    struct bmp_peer_info *pi)
{
	if (c->remote_bmp == NULL || i >= c->remote_bmp->nrouters ||
	    j >= c->remote_bmp->routers[i].npeers)
		return (0);
	*pi = c->remote_bmp->routers[i].peers[j].pi;
	return (1);
}

static int
replica_bmp_peer_stat(const struct collector *c, size_t i, size_t j,
    size_t k, unsigned int *type, const char **name, uint64_t *value)
{
	const struct bmp_remote_peer	*p;

	if (c->remote_bmp == NULL || i >= c->remote_bmp->nrouters ||
	    j >= c->remote_bmp->routers[i].npeers)
		return (0);
	p = &c->remote_bmp->routers[i].peers[j];
	if (k >= p->nstats)
		return (0);
	*type = p->stats[k].type;
	*name = p->stats[k].name;
	*value = p->stats[k].value;
	return (1);
}

static const struct bmp_info_ops replica_bmp_ops = {
	replica_bmp_routers, replica_bmp_router_info, replica_bmp_peer_info,
	replica_bmp_peer_stat
};

static void
replica_event(struct replica *rp, json_t *o)
{
	struct event	 ev;
	json_t		*rel = json_object_get(o, "related");
	int		 lvl;

	memset(&ev, 0, sizeof ev);
	ev.id = jint(o, "id");
	ev.time_ms = jint(o, "time_ms");
	jcpy(ev.type, sizeof ev.type, o, "type");
	ev.level = (lvl = proto_level(jstr(o, "level"))) >= 0 ? lvl :
	    LVL_INFO;
	jcpy(ev.subject, sizeof ev.subject, o, "subject");
	jcpy(ev.summary, sizeof ev.summary, o, "summary");
	jcpy(ev.details, sizeof ev.details, o, "details");
	if (json_is_object(rel)) {
		jcpy(ev.rel.branch, sizeof ev.rel.branch, rel, "branch");
		jcpy(ev.rel.partner, sizeof ev.rel.partner, rel, "partner");
		jcpy(ev.rel.session, sizeof ev.rel.session, rel, "session");
		jcpy(ev.rel.router, sizeof ev.rel.router, rel, "router");
		jcpy(ev.rel.prefix, sizeof ev.rel.prefix, rel, "prefix");
	}
	ev.cond = (enum event_cond)(jint(o, "cond") % 3);
	ev.cflags = (unsigned)jint(o, "cflags");
	ev.closed_ms = jint(o, "closed_ms");
	ev.closed_by = jint(o, "closed_by");
	ev.resolves = jint(o, "resolves");
	ev.ack_ms = jint(o, "ack_ms");
	jcpy(ev.ack_user, sizeof ev.ack_user, o, "ack_user");
	jcpy(ev.ack_comment, sizeof ev.ack_comment, o, "ack_comment");
	if (ev.id <= 0)
		return;
	model_event_put(rp->m, &ev);
	model_touch(rp->m, DIRTY_BRANCHES);
}

static void
replica_conditions(struct replica *rp, json_t *o)
{
	struct model		*m = rp->m;
	struct condition	*c;
	enum event_cond		 role;
	json_t			*a = json_object_get(o, "open"), *v;
	size_t			 i;
	int			 kind, lvl;

	condition_clear(m);
	if (!json_is_array(a) || json_array_size(a) == 0) {
		model_touch(m, DIRTY_EVENTS | DIRTY_BRANCHES);
		return;
	}
	m->conds = xcalloc(json_array_size(a), sizeof *m->conds);
	for (i = 0; i < json_array_size(a); i++) {
		v = json_array_get(a, i);
		if (!json_is_object(v) ||
		    (kind = condition_kind(jstr(v, "type"), &role)) < 0)
			continue;
		c = &m->conds[m->nconds++];
		c->kind = kind;
		c->level = (lvl = proto_level(jstr(v, "level"))) >= 0 ? lvl :
		    LVL_INFO;
		c->opened_id = jint(v, "id");
		c->opened_ms = jint(v, "opened_ms");
		c->first_ms = jint(v, "first_ms");
		jcpy(c->subject, sizeof c->subject, v, "subject");
		jcpy(c->branch, sizeof c->branch, v, "branch");
		jcpy(c->session, sizeof c->session, v, "session");
		jcpy(c->router, sizeof c->router, v, "router");
		c->ack_ms = jint(v, "ack_ms");
		jcpy(c->ack_user, sizeof c->ack_user, v, "ack_user");
		jcpy(c->ack_comment, sizeof c->ack_comment, v, "ack_comment");
		m->open_counts[c->level]++;
	}
	condition_changed(m);
	model_touch(m, DIRTY_EVENTS | DIRTY_BRANCHES);
}

static void
replica_status(struct replica *rp, json_t *o)
{
	jcpy(rp->history, sizeof rp->history, o, "history");
	rp->viewers = (unsigned)jint(o, "viewers");
	model_touch(rp->m, DIRTY_COLLECTORS);
}

int
replica_apply(struct replica *rp, json_t *o, char **cause)
{
	static const struct {
		const char	*t;
		void		(*fn)(struct replica *, json_t *);
	} kinds[] = {
		{ "session", replica_session },
		{ "partner", replica_partner },
		{ "branch", replica_branch },
		{ "latency", replica_latency },
		{ "collector", replica_collector_frame },
		{ "bmp", replica_bmp },
		{ "event", replica_event },
		{ "conditions", replica_conditions },
		{ "status", replica_status },
	};
	const char	*t;
	size_t		 i;

	if (!json_is_object(o) || *(t = jstr(o, "t")) == '\0') {
		xasprintf(cause, "a frame without a type");
		return (-1);
	}
	for (i = 0; i < nitems(kinds); i++)
		if (strcmp(t, kinds[i].t) == 0) {
			kinds[i].fn(rp, o);
			rp->frames++;
			return (0);
		}
	return (1);
}

void
replica_places(struct model *dst, const struct model *src)
{
	struct branch	*b, *from;
	size_t		 i;

	for (i = 0; i < dst->nbranches; i++) {
		b = dst->branches[i];
		if ((from = model_branch_find(src, b->name)) == NULL)
			continue;
		b->loc = from->loc;
		b->lat = from->lat;
		b->lon = from->lon;
		b->nearest = from->nearest;
		b->nearest_km = from->nearest_km;
		b->asn = from->asn;
		memcpy(b->city, from->city, sizeof b->city);
		memcpy(b->country, from->country, sizeof b->country);
		memcpy(b->asname, from->asname, sizeof b->asname);
	}
}

void
replica_reset(struct replica *rp)
{
	model_events_clear(rp->m);
	model_latency_clear(rp->m);
	rp->unknown = 0;
}

struct model *
replica_model(const char *text, const char *from, char **datadir,
    char **cause)
{
	struct model	*m;
	const char	*dir = getenv("TMPDIR");
	char		 tmp[PATH_MAX], *why = NULL;
	size_t		 len = strlen(text);
	int		 fd;

	*cause = NULL;
	snprintf(tmp, sizeof tmp, "%s/peertop-attach-conf.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	if (len > 0 && (fd = mkstemp(tmp)) != -1) {
		if (write(fd, text, len) == (ssize_t)len) {
			close(fd);
			m = config_load(tmp, NULL, datadir, &why);
			unlink(tmp);
			if (m != NULL)
				goto done;
		} else {
			close(fd);
			unlink(tmp);
		}
	}
	/* An include relative to the collector's file, say: the file. */
	if (*from != '\0' && access(from, R_OK) == 0 &&
	    (m = config_load(from, NULL, datadir, cause)) != NULL) {
		free(why);
		goto done;
	}
	if (*cause == NULL)
		xasprintf(cause, "the collector's configuration (%s): %s",
		    *from != '\0' ? from : "?", why != NULL ? why :
		    "none was sent");
	free(why);
	return (NULL);
done:
	m->config_file = xstrdup(*from != '\0' ? from : "collector");
	m->replica = 1;
	return (m);
}
