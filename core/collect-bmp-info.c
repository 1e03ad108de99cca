/* SPDX-License-Identifier: ISC */
/*
 * What the BMP collector knows, for the views, --once and the tests:
 * routers, peers, their counters and limits.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/collect-bmp-private.h"

/* Test and display helpers: what the collector knows about a router. */
size_t
collect_bmp_routers(const struct collector *c)
{
	const struct collect_bmp	*cb = c->priv;

	if (c->bmp_info != NULL)
		return (c->bmp_info->routers(c));
	if (c->ops != &collector_bmp || cb == NULL)
		return (0);
	return (cb->nrouters);
}

uint64_t
collect_bmp_refused(const struct collector *c)
{
	const struct collect_bmp	*cb = c->priv;

	if (c->ops != &collector_bmp || cb == NULL)
		return (0);
	return (cb->refused);
}

/* Routers closed by a deadline: init-timeout, message-timeout, hold-time. */
uint64_t
collect_bmp_timeouts(const struct collector *c)
{
	const struct collect_bmp	*cb = c->priv;
	uint64_t			 n = 0;
	int				 i;

	if (c->ops != &collector_bmp || cb == NULL)
		return (0);
	for (i = 0; i < COLLECT_BMP_TO_COUNT; i++)
		n += cb->timed_out[i];
	return (n);
}

/*
 * The last value of Statistics Report counter type (RFC 7854 4.8, types
 * below COLLECT_BMP_STATS) from router's peer, and how many reports that
 * peer sent: 0, or -1 when no such router, peer or type.
 */
int
collect_bmp_stat(const struct collector *c, const char *router,
    const struct addr *peer, unsigned int type, uint64_t *value,
    uint64_t *reports)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_router	*r;
	const struct collect_bmp_peer	*bp;
	size_t				 i;

	if (c->ops != &collector_bmp || cb == NULL ||
	    type >= COLLECT_BMP_STATS)
		return (-1);
	TAILQ_FOREACH(r, &cb->routers, entry) {
		if (strcmp(r->name, router) != 0)
			continue;
		for (i = 0; i < r->npeers; i++) {
			bp = &r->peers[i];
			if (bp->type == BMP_PEER_LOC_RIB ||
			    addr_cmp(&bp->addr, peer) != 0)
				continue;
			*value = bp->stats[type];
			*reports = bp->nreports;
			return (0);
		}
	}
	return (-1);
}

/* The i-th connected router (accept order) and its j-th peer, or NULL. */
static const struct collect_bmp_router *
collect_bmp_router_at(const struct collector *c, size_t i)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_router	*r;

	if (c->ops != &collector_bmp || cb == NULL)
		return (NULL);
	TAILQ_FOREACH(r, &cb->routers, entry)
		if (i-- == 0)
			break;
	return (r);
}

static const struct collect_bmp_peer *
collect_bmp_peer_at(const struct collector *c, size_t i, size_t j)
{
	const struct collect_bmp_router	*r;

	if ((r = collect_bmp_router_at(c, i)) == NULL || j >= r->npeers)
		return (NULL);
	return (&r->peers[j]);
}

int
collect_bmp_router_info(const struct collector *c, size_t i,
    struct bmp_router_info *ri)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_router	*r;
	const struct collect_bmp_peer	*bp;
	size_t				 j;
	uint64_t			 now;

	if (c->bmp_info != NULL)
		return (c->bmp_info->router(c, i, ri));
	if ((r = collect_bmp_router_at(c, i)) == NULL)
		return (0);
	memset(ri, 0, sizeof *ri);
	strlcpy_pt(ri->name, r->name, sizeof ri->name);
	strlcpy_pt(ri->descr, r->descr, sizeof ri->descr);
	addr_fmt(&r->from, ri->addr, sizeof ri->addr);
	ri->port = r->from_port;
	ri->peers = r->npeers;
	ri->loaded = 1;
	now = now_mono_ms();
	for (j = 0; j < r->npeers; j++) {
		bp = &r->peers[j];
		ri->routes += collect_bmp_peer_routes(cb, bp, 0, 1);
		ri->dropped += bp->mp_dropped;
		if (!bp->up)
			continue;
		ri->peers_up++;
		if (!collect_bmp_peer_table(bp))
			ri->loaded = 0;
		if (!collect_bmp_peer_synced(bp)) {
			ri->noeor++;
			if (now - bp->up_mono > ri->noeor_ms)
				ri->noeor_ms = now - bp->up_mono;
		}
	}
	ri->messages = r->messages;
	ri->route_monitoring = r->ctx.count[BMP_ROUTE_MONITORING];
	ri->statistics = r->ctx.count[BMP_STATISTICS];
	ri->peer_up = r->ctx.count[BMP_PEER_UP];
	ri->peer_down = r->ctx.count[BMP_PEER_DOWN];
	ri->mirroring = r->ctx.mirroring;
	ri->unknown = r->ctx.unknown;
	ri->errors = r->errors;
	strlcpy_pt(ri->last_error, r->last_error, sizeof ri->last_error);
	ri->peers_skipped = r->peers_skipped;
	ri->max_routes = collect_bmp_routes_limit(cb);
	ri->max_routes_over = r->mr_over;
	ri->max_routes_dropped = r->quota.dropped;
	ri->terminated = r->terminated;
	strlcpy_pt(ri->term_reason, r->term_reason, sizeof ri->term_reason);
	ri->synced = collect_bmp_router_synced(r);
	ri->connected_ms = r->connected_ms;
	return (1);
}

int
collect_bmp_peer_info(const struct collector *c, size_t i, size_t j,
    struct bmp_peer_info *pi)
{
	const struct collect_bmp	*cb = c->priv;
	const struct collect_bmp_peer	*bp;
	const struct max_prefix		*mp;
	int				 k;

	if (c->bmp_info != NULL)
		return (c->bmp_info->peer(c, i, j, pi));
	if ((bp = collect_bmp_peer_at(c, i, j)) == NULL)
		return (0);
	memset(pi, 0, sizeof *pi);
	if (bp->addr.af != 0)
		addr_fmt(&bp->addr, pi->addr, sizeof pi->addr);
	pi->asn = bp->as;
	pi->distinguisher = bp->distinguisher;
	pi->type = bp->type;
	pi->type_name = decode_bmp_peer_type_name(bp->type);
	for (k = 0; k < COLLECT_BMP_KINDS; k++)
		if (bp->rib_id[k] != 0)
			pi->kinds |= 1U << k;
	/* Without a RIB: the views counted. */
	if (bp->seen[0])
		pi->kinds |= 1U << RIB_PEER_ADJ_IN_PRE;
	if (bp->seen[1])
		pi->kinds |= 1U << RIB_PEER_ADJ_IN_POST;
	if (bp->seen[2])
		pi->kinds |= 1U << RIB_PEER_ADJ_OUT_PRE;
	pi->up = bp->up;
	if (bp->s != NULL)
		strlcpy_pt(pi->session, bp->s->name, sizeof pi->session);
	pi->routes = collect_bmp_peer_routes(cb, bp, 0, 1);
	pi->updates = bp->updates;
	pi->errors = bp->errors;
	pi->eor = bp->up && collect_bmp_peer_synced(bp);
	pi->table = bp->up && collect_bmp_peer_table(bp);
	pi->up_ms = bp->up ? now_mono_ms() - bp->up_mono : 0;
	pi->stat_reports = bp->nreports;
	mp = collect_bmp_limit(cb, bp);
	pi->max_prefix = mp->limit;
	pi->max_prefix_drop = mp->drop;
	pi->max_prefix_over = bp->mp_over;
	pi->dropped = bp->mp_dropped;
	strlcpy_pt(pi->last_error, bp->last_error, sizeof pi->last_error);
	pi->caps_known = bp->caps_known;
	pi->caps_local = bp->caps_local;
	pi->caps_remote = bp->caps_remote;
	return (1);
}

/* The capabilities of one OPEN as BMP_CAP_* (the Turn-up's check). */
unsigned
collect_bmp_caps(const struct bgp_open *o, const struct bmp_open_extra *x)
{
	unsigned	 caps = 0;
	size_t		 i;

	if (o->as4)
		caps |= BMP_CAP_AS4;
	if (o->route_refresh)
		caps |= BMP_CAP_RR;
	if (o->extended_message)
		caps |= BMP_CAP_EXTMSG;
	if (o->naddpath > 0)
		caps |= BMP_CAP_ADDPATH;
	if (x->graceful_restart)
		caps |= BMP_CAP_GR;
	for (i = 0; i < o->nmp && i < BGP_OPEN_MAX_AFS; i++) {
		if (o->mp[i].afi == 1 && o->mp[i].safi == 1)
			caps |= BMP_CAP_IPV4;
		else if (o->mp[i].afi == 2 && o->mp[i].safi == 1)
			caps |= BMP_CAP_IPV6;
	}
	/* RFC 4760 8: no Multiprotocol capability is IPv4 unicast. */
	if (o->nmp == 0)
		caps |= BMP_CAP_IPV4;
	return (caps);
}

/*
 * The k-th Statistics Report counter the j-th peer of the i-th router
 * has reported (in type order) and its last value: 1, or 0 past the
 * end.  Only types ever reported are listed, so a counter at 0 is told
 * apart from one the router does not send.
 */
int
collect_bmp_peer_stat(const struct collector *c, size_t i, size_t j,
    size_t k, unsigned int *type, const char **name, uint64_t *value)
{
	const struct collect_bmp_peer	*bp;
	unsigned int			 t;

	if (c->bmp_info != NULL)
		return (c->bmp_info->stat(c, i, j, k, type, name, value));
	if ((bp = collect_bmp_peer_at(c, i, j)) == NULL)
		return (0);
	for (t = 0; t < COLLECT_BMP_STATS; t++) {
		if ((bp->stats_seen & (1U << t)) == 0 || k-- != 0)
			continue;
		*type = t;
		*name = decode_bmp_stat_name(t);
		*value = bp->stats[t];
		return (1);
	}
	return (0);
}
