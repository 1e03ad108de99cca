/* SPDX-License-Identifier: ISC */
/*
 * A VRP source with a RIB and nothing else, for
 * tests/integration/test-rpki-rtr.sh: the real source (core/rpki-source.c)
 * keeps a real RIB's route states (core/rib-rov.c) while the test changes
 * the RTR cache (StayRTR) or the VRP file under it.  Prints one line per
 * thing seen, flushed at once:
 *
 *	source up|down [ERROR]
 *	vrps N added N removed N [serial N]
 *	route PREFIX AS STATE		(each route at the start, then each
 *					 change)
 *
 * and runs until TIMEOUT seconds passed or SIGTERM.
 *
 * usage: rpki-probe timeout rtr HOST PORT ROUTE...
 *        rpki-probe timeout file VRPS SLURM|- ROUTE...
 * ROUTE: PREFIX,ORIGIN-AS
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core/decode-bgp.h"
#include "core/rib.h"
#include "core/rpki-source.h"
#include "core/util.h"
#include "core/vrp.h"

static struct rib	*probe_rib;

static struct rib_attr *
probe_attr(uint32_t as)
{
	struct bgp_decode_opts	 o;
	uint8_t			 b[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1,
	    0, 0, 0, 0, 0x40, 3, 4, 192, 0, 2, 1 };
	char			*cause = NULL;
	int			 taw;
	struct rib_attr		*a;

	b[9] = (uint8_t)(as >> 24);
	b[10] = (uint8_t)(as >> 16);
	b[11] = (uint8_t)(as >> 8);
	b[12] = (uint8_t)as;
	memset(&o, 0, sizeof o);
	o.as4 = 1;
	if ((a = rib_attr_get(probe_rib, b, sizeof b, &o, &taw, &cause)) ==
	    NULL) {
		fprintf(stderr, "rpki-probe: %s\n", cause);
		exit(2);
	}
	return (a);
}

static void
probe_route(const struct rib_route *rt)
{
	char	 p[PREFIX_STRLEN];

	printf("route %s %u %s\n", prefix_fmt(&rt->prefix, p, sizeof p),
	    rt->attr->origin_as, vrp_state_name(rt->rov));
}

static void
probe_rov_cb(const struct rib_route *rt, int old, void *arg)
{
	(void)old;
	(void)arg;
	probe_route(rt);
	fflush(stdout);
}

static int
probe_walk_cb(const struct rib_route *rt, void *arg)
{
	(void)arg;
	probe_route(rt);
	return (0);
}

static void
probe_source_cb(struct rpki_source *src, const struct vrp_diff *d,
    void *arg)
{
	struct rpki_source_status	 st;

	(void)arg;
	rpki_source_status(src, &st);
	if (d != NULL) {
		printf("vrps %zu added %zu removed %zu", st.nvrps, d->nadded,
		    d->nremoved);
		if (st.has_serial)
			printf(" serial %u", st.serial);
		putchar('\n');
	}
	printf("source %s%s%s\n", st.state == RPKI_SOURCE_UP ? "up" :
	    st.state == RPKI_SOURCE_DOWN ? "down" : "starting",
	    st.error[0] != '\0' ? " " : "", st.error);
	fflush(stdout);
}

static void
probe_stop_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	event_base_loopbreak(arg);
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct event		*stop, *term;
	struct rpki_source	*src;
	struct rib_peer_key	 k;
	struct rib_attr		*a;
	struct prefix		 p, all;
	struct timeval		 tv;
	char			*cause = NULL, *comma;
	int			 i, peer;

	if (argc < 5 || (strcmp(argv[2], "rtr") != 0 &&
	    strcmp(argv[2], "file") != 0)) {
		fprintf(stderr, "usage: rpki-probe timeout rtr HOST PORT "
		    "ROUTE...\n       rpki-probe timeout file VRPS SLURM|- "
		    "ROUTE...\n");
		return (2);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	probe_rib = rib_new();
	memset(&k, 0, sizeof k);
	peer = rib_peer_get(probe_rib, &k);
	for (i = 5; i < argc; i++) {
		if ((comma = strchr(argv[i], ',')) == NULL)
			return (2);
		*comma = '\0';
		if (prefix_parse(argv[i], &p) != 0)
			return (2);
		a = probe_attr((uint32_t)strtoul(comma + 1, NULL, 10));
		/* Each its own path id: one prefix may have several. */
		rib_announce(probe_rib, peer, &p, (uint32_t)i, a);
		rib_attr_put(probe_rib, a);
	}

	if (strcmp(argv[2], "rtr") == 0)
		src = rpki_source_rtr(base, argv[3], atoi(argv[4]), 1,
		    probe_source_cb, NULL, &cause);
	else
		src = rpki_source_file(base, argv[3],
		    strcmp(argv[4], "-") == 0 ? NULL : argv[4], 200,
		    probe_source_cb, NULL, &cause);
	if (src == NULL) {
		fprintf(stderr, "rpki-probe: %s\n", cause);
		return (1);
	}
	rpki_source_set_rib(src, probe_rib, NULL, NULL);
	/* Every route's state now; then each change. */
	memset(&all, 0, sizeof all);
	all.addr.af = AF_INET;
	rib_walk(probe_rib, &all, 1, probe_walk_cb, NULL);
	all.addr.af = AF_INET6;
	rib_walk(probe_rib, &all, 1, probe_walk_cb, NULL);
	fflush(stdout);
	rpki_source_set_rib(src, probe_rib, probe_rov_cb, NULL);

	tv.tv_sec = atoi(argv[1]);
	tv.tv_usec = 0;
	stop = evtimer_new(base, probe_stop_cb, base);
	evtimer_add(stop, &tv);
	term = evsignal_new(base, SIGTERM, probe_stop_cb, base);
	evsignal_add(term, NULL);
	event_base_dispatch(base);

	rpki_source_free(src);
	event_free(stop);
	event_free(term);
	rib_free(probe_rib);
	event_base_free(base);
	return (0);
}
