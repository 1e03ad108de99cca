/* SPDX-License-Identifier: ISC */
/*
 * A BMP collector with a RIB and nothing else, for
 * tests/integration/test-bmp-frr.sh: listens on 127.0.0.1 PORT with the
 * real bmp collector (core/collect-bmp.c) feeding a real RIB
 * (core/rib.c), runs until the RIB holds at least WANT routes (and then
 * until the router is synced, End-of-RIB, for at most 3 s more) or
 * TIMEOUT seconds passed, and prints what it holds:
 *
 *	router NAME synced 0|1 peers N routes N errors N
 *	peer ADDRESS as N kind KIND routes N
 *	route PREFIX peer ADDRESS path ASN... nexthop ADDRESS
 *
 * Exit 0, or 1 on a timeout (what was seen is printed anyway).
 *
 * usage: bmp-probe port timeout-seconds want-routes
 */

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core/collect-bmp.h"
#include "core/model.h"
#include "core/rib.h"
#include "core/util.h"

static int	 probe_route(const struct rib_route *, void *);
static void	 probe_tick(evutil_socket_t, short, void *);

static struct rib	*probe_rib;

static void
probe_tick(evutil_socket_t fd, short events, void *arg)
{
}

static int
probe_route(const struct rib_route *rt, void *arg)
{
	struct rib_peer		*rp = rib_peer(probe_rib, rt->peer);
	struct bgp_attrs	 at;
	char			 p[64], a[ADDR_STRLEN];
	size_t			 i;

	prefix_fmt(&rt->prefix, p, sizeof p);
	addr_fmt(&rp->key.addr, a, sizeof a);
	printf("route %s peer %s path", p, a);
	if (rib_attr_decode(rt->attr, &at) == 0) {
		for (i = 0; i < at.aspath.nasns; i++)
			printf(" %u", at.aspath.asns[i]);
		addr_fmt(at.nexthop.af != 0 ? &at.nexthop : &at.mp_nexthop,
		    a, sizeof a);
		printf(" nexthop %s", a);
		decode_bgp_attrs_free(&at);
	}
	printf("\n");
	return (0);
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct model		*m;
	struct collector	*c;
	struct rib_stats	 rs;
	struct rib_peer		*rp;
	struct bmp_router_info	 ri;
	struct bmp_peer_info	 pi;
	struct prefix		 all;
	struct timeval		 tv = { 0, 100000 };
	struct event		*tick;
	char			*cause = NULL, a[ADDR_STRLEN];
	uint64_t		 start, enough = 0;
	size_t			 i, want;
	int			 timeout, rv = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: bmp-probe port timeout want\n");
		return (2);
	}
	log_open(NULL, LOG_LVL_WARN);
	base = event_base_new();
	m = model_new();
	m->rib = probe_rib = rib_new();
	c = xcalloc(1, sizeof *c);
	c->ops = &collector_bmp;
	strlcpy_pt(c->name, "bmp-probe", sizeof c->name);
	c->listen.af = AF_INET;
	c->listen.v4.s_addr = htonl(INADDR_LOOPBACK);
	c->port = atoi(argv[1]);
	timeout = atoi(argv[2]);
	want = (size_t)atoi(argv[3]);
	m->collectors = xcalloc(1, sizeof *m->collectors);
	m->collectors[m->ncollectors++] = c;
	if (collector_bmp.start(c, m, base, &cause) != 0) {
		fprintf(stderr, "bmp-probe: %s\n", cause);
		return (2);
	}
	printf("listening %d\n", collect_bmp_port(c));
	fflush(stdout);
	/* A timer so that the loop wakes up to look at the clock. */
	tick = event_new(base, -1, EV_PERSIST, probe_tick, NULL);
	event_add(tick, &tv);

	start = now_mono_ms();
	while (now_mono_ms() - start < (uint64_t)timeout * 1000) {
		event_base_loop(base, EVLOOP_ONCE);
		rib_stats(probe_rib, &rs);
		if (rs.routes < want)
			continue;
		if (enough == 0)
			enough = now_mono_ms();
		if ((collect_bmp_router_info(c, 0, &ri) && ri.synced) ||
		    now_mono_ms() - enough > 3000) {
			rv = 0;
			break;
		}
	}
	for (i = 0; collect_bmp_router_info(c, i, &ri); i++)
		printf("router %s synced %d peers %zu routes %zu errors %ju\n",
		    ri.name, ri.synced, ri.peers, ri.routes,
		    (uintmax_t)ri.errors);
	for (i = 0; collect_bmp_peer_info(c, 0, i, &pi); i++)
		printf("bmp-peer %s up %d updates %ju eor %d routes %zu\n",
		    pi.addr, pi.up, (uintmax_t)pi.updates, pi.eor, pi.routes);
	for (i = 0; i < rib_npeers(probe_rib); i++) {
		rp = rib_peer(probe_rib, (int)i);
		addr_fmt(&rp->key.addr, a, sizeof a);
		printf("peer %s as %u kind %s routes %zu\n", a, rp->key.asn,
		    rib_peer_kind_name(rp->key.kind), rp->nroutes);
	}
	memset(&all, 0, sizeof all);
	all.addr.af = AF_INET;
	rib_walk(probe_rib, &all, 1, probe_route, NULL);
	all.addr.af = AF_INET6;
	rib_walk(probe_rib, &all, 1, probe_route, NULL);
	fflush(stdout);

	event_free(tick);
	model_free(m);
	rib_free(probe_rib);
	event_base_free(base);
	return (rv);
}
