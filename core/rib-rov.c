/* SPDX-License-Identifier: ISC */
/*
 * RPKI origin validation of the RIB's routes (RFC 6811 against a VRP
 * index, core/vrp-index.c).  Each route's state lives in two bits of its
 * entry; routes are validated as they are stored (core/rib.c), and here
 * when the VRPs change: all of them for a new index, or only those at or
 * under the prefixes of the VRPs that came or went (a VRP only ever
 * covers routes at or under its own prefix, RFC 6811 2).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <string.h>

#include "core/rib.h"
#include "core/rib-private.h"
#include "core/vrp.h"

/*
 * A revalidation pass.  Nodes are taken in batches: the first route
 * entry of each is prefetched as it is queued, and its attribute set
 * before the batch is validated, so that the cache misses of a RIB whose
 * entries lie scattered (routes stored in random order) overlap.
 */
#define RIB_ROV_BATCH	32
struct rib_rov_pass {
	rib_rov_cb	 cb;
	void		*arg;
	size_t		 changed;
	struct prefix	 p[RIB_ROV_BATCH];
	uint32_t	 first[RIB_ROV_BATCH];
	int		 n;
};

static void	rib_rov_queue(struct rib *, const struct prefix *, uint32_t,
		    void *);
static void	rib_rov_flush(struct rib *, struct rib_rov_pass *);
static void	rib_rov_node(struct rib *, const struct prefix *, uint32_t,
		    struct rib_rov_pass *);
static void	rib_rov_pass(struct rib *, const struct prefix *, size_t,
		    struct rib_rov_pass *);

static void
rib_rov_queue(struct rib *r, const struct prefix *p, uint32_t i, void *arg)
{
	struct rib_rov_pass	*rp = arg;

	__builtin_prefetch(&r->rv[i]);
	rp->p[rp->n] = *p;
	rp->first[rp->n++] = i;
	if (rp->n == RIB_ROV_BATCH)
		rib_rov_flush(r, rp);
}

static void
rib_rov_flush(struct rib *r, struct rib_rov_pass *rp)
{
	int	 k;

	for (k = 0; k < rp->n; k++)
		__builtin_prefetch(r->attrv[r->rv[rp->first[k]].attr]);
	for (k = 0; k < rp->n; k++)
		rib_rov_node(r, &rp->p[k], rp->first[k], rp);
	rp->n = 0;
}

/* The routes of one prefix: they mostly share their origin. */
static void
rib_rov_node(struct rib *r, const struct prefix *p, uint32_t i,
    struct rib_rov_pass *rp)
{
	struct rib_rentry	*e;
	struct rib_route	 rt;
	uint32_t		 as, last_as = 0;
	int			 st = VRP_NOTFOUND, old, have = 0;

	for (; i != 0; i = e->next) {
		e = &r->rv[i];
		as = r->attrv[e->attr]->origin_as;
		if (!have || as != last_as) {
			st = vrp_validate(r->vrps, p, as);
			last_as = as;
			have = 1;
		}
		if (st == (old = e->rov))
			continue;
		e->rov = (uint32_t)st & 3;
		r->rov_count[old]--;
		r->rov_count[st]++;
		rp->changed++;
		if (rp->cb != NULL) {
			rt.prefix = *p;
			rt.peer = (int)e->peer;
			rt.path_id = e->path_id;
			rt.attr = r->attrv[e->attr];
			rt.rov = st;
			rp->cb(&rt, old, rp->arg);
		}
	}
}

static void
rib_rov_pass(struct rib *r, const struct prefix *p, size_t n,
    struct rib_rov_pass *rp)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		rib_walk_entries(r, &p[i], rib_rov_queue, rp);
	rib_rov_flush(r, rp);
}

size_t
rib_rov_set(struct rib *r, const struct vrp_index *ix, rib_rov_cb cb,
    void *arg)
{
	struct rib_rov_pass	 rp;
	struct prefix		 all[2];

	memset(&rp, 0, sizeof rp);
	rp.cb = cb;
	rp.arg = arg;
	memset(all, 0, sizeof all);
	all[0].addr.af = AF_INET;
	all[1].addr.af = AF_INET6;
	r->vrps = ix;
	rib_rov_pass(r, all, 2, &rp);
	return (rp.changed);
}

size_t
rib_rov_update(struct rib *r, const struct vrp_index *ix,
    const struct vrp_diff *d, rib_rov_cb cb, void *arg)
{
	struct rib_rov_pass	 rp;

	memset(&rp, 0, sizeof rp);
	rp.cb = cb;
	rp.arg = arg;
	r->vrps = ix;
	rib_rov_pass(r, d->prefixes, d->nprefixes, &rp);
	return (rp.changed);
}

void
rib_rov_counts(const struct rib *r, size_t counts[4])
{
	memcpy(counts, r->rov_count, sizeof r->rov_count);
}
