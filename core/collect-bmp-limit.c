/* SPDX-License-Identifier: ISC */
/*
 * The BMP collector's memory ceilings: max-prefix per peer (warning or
 * drop, OpenBGPD-style) and max-routes per router, with their events and
 * the drops counted (issue 13).
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
#include "core/routemon.h"

/* A peer's limit: its session's, else the collector's, else ours. */
const struct max_prefix *
collect_bmp_limit(const struct collect_bmp *cb,
    const struct collect_bmp_peer *bp)
{
	static const struct max_prefix	 dflt = {
		COLLECT_BMP_MAX_PREFIX, 1, 0
	};

	if (bp->s != NULL && bp->s->max_prefix.set)
		return (&bp->s->max_prefix);
	if (cb->c->max_prefix.set)
		return (&cb->c->max_prefix);
	return (&dflt);
}

/* "session s1", else "BMP peer 192.0.2.1 rd 64499:14" or "Loc-RIB". */
void
collect_bmp_peer_name(const struct collect_bmp_peer *bp, char *buf,
    size_t len)
{
	char		 a[ADDR_STRLEN], rd[48];
	uint64_t	 d = bp->distinguisher;

	if (bp->s != NULL) {
		snprintf(buf, len, "session %s", bp->s->name);
		return;
	}
	rd[0] = '\0';
	/* RFC 4364 4.2: type 0 ASN2:n32, type 1 IPv4:n16, 2 ASN4:n16. */
	if (d != 0 && (d >> 48) == 0)
		snprintf(rd, sizeof rd, " rd %u:%u",
		    (unsigned)(d >> 32 & 0xffff), (unsigned)(d & 0xffffffff));
	else if (d != 0 && (d >> 48) == 1)
		snprintf(rd, sizeof rd, " rd %u.%u.%u.%u:%u",
		    (unsigned)(d >> 40 & 0xff), (unsigned)(d >> 32 & 0xff),
		    (unsigned)(d >> 24 & 0xff), (unsigned)(d >> 16 & 0xff),
		    (unsigned)(d & 0xffff));
	else if (d != 0)
		snprintf(rd, sizeof rd, " rd %u:%u",
		    (unsigned)(d >> 16 & 0xffffffff), (unsigned)(d & 0xffff));
	if (bp->addr.af == 0)
		snprintf(buf, len, "BMP Loc-RIB%s", rd);
	else
		snprintf(buf, len, "BMP peer %s%s", addr_fmt(&bp->addr, a,
		    sizeof a), rd);
}

/*
 * max-prefix, after a peer's routes changed: MaxPrefixExceeded opens when
 * one of its RIB views holds more than the limit (warning) or the RIB
 * refused a new prefix at the limit (drop, an Error), and is resolved
 * once every view is back under 90% of it (withdrawals, Peer Down, the
 * router gone): a peer hovering at the limit must not flood the events.
 * Counted per peer, nothing per route.
 */
void
collect_bmp_max_prefix(struct collect_bmp_router *r,
    struct collect_bmp_peer *bp)
{
	struct collect_bmp	*cb = r->cb;
	const struct max_prefix	*mp = collect_bmp_limit(cb, bp);
	const struct rib_peer	*rp;
	struct event_rel	 rel;
	char			 who[128], details[160];
	const char		*view = "";
	size_t			 most = 0;
	int			 k;

	bp->mp_check = 0;
	if (cb->m->rib == NULL)
		return;
	for (k = 0; k < COLLECT_BMP_KINDS; k++) {
		if (bp->rib_id[k] == 0 ||
		    (rp = rib_peer(cb->m->rib, bp->rib_id[k] - 1)) == NULL)
			continue;
		if (rp->nroutes > most || view[0] == '\0') {
			most = rp->nroutes;
			view = rib_peer_kind_name((enum rib_peer_kind)k);
		}
	}
	collect_bmp_peer_name(bp, who, sizeof who);
	collect_bmp_rel(r, &rel);
	if (!bp->mp_over) {
		if (mp->limit == 0 || (mp->drop ?
		    bp->mp_dropped == bp->mp_seen : most <= mp->limit)) {
			bp->mp_seen = bp->mp_dropped;
			return;
		}
		bp->mp_over = 1;
		bp->mp_base = bp->mp_seen;
		bp->mp_seen = bp->mp_dropped;
		if (mp->drop) {
			snprintf(details, sizeof details, "%llu prefixes "
			    "dropped so far; withdrawals still apply",
			    (unsigned long long)(bp->mp_dropped -
			    bp->mp_base));
			log_warnx("%s: router %s: %s reached max-prefix %u: "
			    "new prefixes dropped", cb->c->name, r->key, who,
			    mp->limit);
			model_event_rel(cb->m, 0, "MaxPrefixExceeded",
			    LVL_ERROR, who, details, &rel, "%s on BMP "
			    "router %s reached its max-prefix %u (%s): new "
			    "prefixes from it are not stored", who, r->key,
			    mp->limit, view);
		} else {
			log_warnx("%s: router %s: %s has %zu routes, over "
			    "max-prefix %u", cb->c->name, r->key, who, most,
			    mp->limit);
			model_event_rel(cb->m, 0, "MaxPrefixExceeded",
			    LVL_WARNING, who, NULL, &rel, "%s on BMP "
			    "router %s has %zu %s routes, over its max-prefix "
			    "%u", who, r->key, most, view, mp->limit);
		}
		model_touch(cb->m, DIRTY_COLLECTORS);
		return;
	}
	bp->mp_seen = bp->mp_dropped;
	if (mp->limit != 0 && most >= mp->limit - mp->limit / 10)
		return;
	bp->mp_over = 0;
	snprintf(details, sizeof details, "%llu prefixes were dropped while "
	    "over it", (unsigned long long)(bp->mp_dropped - bp->mp_base));
	log_info("%s: router %s: %s back under max-prefix %u (%zu routes)",
	    cb->c->name, r->key, who, mp->limit, most);
	model_event_rel(cb->m, 0, "MaxPrefixExceededResolved", LVL_INFO,
	    who, details, &rel, "%s on BMP router %s is back under its "
	    "max-prefix %u (%zu routes)", who, r->key, mp->limit, most);
	model_touch(cb->m, DIRTY_COLLECTORS);
}

/* max-routes of the collector's routers: the bmp block's, else ours. */
uint32_t
collect_bmp_routes_limit(const struct collect_bmp *cb)
{
	return (cb->c->max_routes_set ? cb->c->max_routes :
	    COLLECT_BMP_MAX_ROUTES);
}

/*
 * max-routes, after a read: MaxRoutesExceeded (an Error) opens when the
 * RIB refused a new prefix of the router at the limit, and is resolved
 * once it holds less than 90% of it (withdrawals, Peer Down, the router
 * gone), as for max-prefix.  One quota in the RIB counts every view of
 * every peer: nothing per route, nothing summed here.
 */
void
collect_bmp_max_routes(struct collect_bmp_router *r)
{
	struct collect_bmp	*cb = r->cb;
	uint32_t		 limit = collect_bmp_routes_limit(cb);
	struct event_rel	 rel;
	char			 subject[96], details[160];

	if (!r->mr_over && r->quota.dropped == r->mr_seen)
		return;
	collect_bmp_rel(r, &rel);
	snprintf(subject, sizeof subject, "BMP router %s", rel.router);
	if (!r->mr_over) {
		r->mr_over = 1;
		r->mr_base = r->mr_seen;
		r->mr_seen = r->quota.dropped;
		snprintf(details, sizeof details, "%llu prefixes dropped so "
		    "far; withdrawals still apply",
		    (unsigned long long)(r->quota.dropped - r->mr_base));
		log_warnx("%s: router %s reached max-routes %u: new prefixes "
		    "dropped", cb->c->name, r->key, limit);
		model_event_rel(cb->m, 0, "MaxRoutesExceeded", LVL_ERROR,
		    subject, details, &rel, "BMP router %s holds its "
		    "max-routes %u routes: new prefixes from it are not "
		    "stored", rel.router, limit);
		model_touch(cb->m, DIRTY_COLLECTORS);
		return;
	}
	r->mr_seen = r->quota.dropped;
	if (limit != 0 && r->quota.nroutes >= limit - limit / 10)
		return;
	r->mr_over = 0;
	snprintf(details, sizeof details, "%llu prefixes were dropped while "
	    "over it", (unsigned long long)(r->quota.dropped - r->mr_base));
	log_info("%s: router %s back under max-routes %u (%zu routes)",
	    cb->c->name, r->key, limit, r->quota.nroutes);
	model_event_rel(cb->m, 0, "MaxRoutesExceededResolved", LVL_INFO,
	    subject, details, &rel, "BMP router %s is back under its "
	    "max-routes %u (%zu routes)", rel.router, limit,
	    r->quota.nroutes);
	model_touch(cb->m, DIRTY_COLLECTORS);
}
