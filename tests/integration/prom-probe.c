/* SPDX-License-Identifier: ISC */
/*
 * The Prometheus poller (core/collect-prom.c) against a real Prometheus,
 * for test-prom.sh:
 *
 *	prom-probe HOST PORT QUERY BRANCH EDGE SECONDS
 *
 * polls QUERY every second until a fresh sample for BRANCH/EDGE arrives
 * with 0 < RTT < 50 ms (exit 0) or SECONDS pass (exit 1).  Every poll's
 * status and samples are printed, so the test log shows what came back.
 */
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core/collect-prom.h"
#include "core/util.h"

#define PROM_PROBE_RTT_MAX_US	50000

struct probe {
	struct event_base	*base;
	const char		*branch;
	const char		*edge;
	int			 found;
};

static void	prom_probe_cb(struct collect_prom *, int,
		    const struct prom_result *, void *);
static void	prom_probe_giveup_cb(evutil_socket_t, short, void *);

static void
prom_probe_cb(struct collect_prom *cp, int ok, const struct prom_result *r,
    void *arg)
{
	struct probe		*p = arg;
	const struct prom_sample *s;
	size_t			 i;

	printf("poll: %s\n", collect_prom_status(cp));
	if (!ok)
		return;
	for (i = 0; i < r->nsamples; i++) {
		s = &r->samples[i];
		printf("sample: branch=%s edge=%s target=%s rtt_us=%u "
		    "lost=%d age_ms=%lld\n", s->branch, s->edge, s->target,
		    s->rtt_us, s->lost,
		    (long long)(now_wall_ms() - s->time_ms));
		if (strcmp(s->branch, p->branch) == 0 &&
		    strcmp(s->edge, p->edge) == 0 && !s->lost &&
		    s->rtt_us > 0 && s->rtt_us < PROM_PROBE_RTT_MAX_US)
			p->found = 1;
	}
	fflush(stdout);
	if (p->found)
		event_base_loopbreak(p->base);
}

static void
prom_probe_giveup_cb(evutil_socket_t fd, short ev, void *arg)
{
	event_base_loopbreak(arg);
}

int
main(int argc, char **argv)
{
	struct collect_prom_conf	 c;
	struct collect_prom		*cp;
	struct probe			 p;
	struct event			*giveup;
	struct timeval			 tv;
	char				*cause = NULL;

	if (argc != 7) {
		fprintf(stderr, "usage: prom-probe host port query branch "
		    "edge seconds\n");
		return (2);
	}
	memset(&p, 0, sizeof p);
	memset(&c, 0, sizeof c);
	p.base = event_base_new();
	p.branch = argv[4];
	p.edge = argv[5];
	c.host = argv[1];
	c.port = (uint16_t)atoi(argv[2]);
	c.query = argv[3];
	c.interval_ms = 1000;
	c.timeout_ms = 1000;
	c.map.branch_label = "branch";
	c.map.edge_label = "edge";
	c.map.target_label = "instance";
	c.map.scale = 1e6;
	if ((cp = collect_prom_new(p.base, &c, prom_probe_cb, &p,
	    &cause)) == NULL) {
		fprintf(stderr, "prom-probe: %s\n", cause);
		return (1);
	}
	printf("uri: %s\n", collect_prom_uri(cp));
	tv.tv_sec = atoi(argv[6]);
	tv.tv_usec = 0;
	giveup = evtimer_new(p.base, prom_probe_giveup_cb, p.base);
	evtimer_add(giveup, &tv);
	collect_prom_start(cp);
	event_base_dispatch(p.base);
	printf("polls %llu, ok %llu, failed %llu, stale %llu\n",
	    (unsigned long long)collect_prom_stats(cp)->polls,
	    (unsigned long long)collect_prom_stats(cp)->ok,
	    (unsigned long long)collect_prom_stats(cp)->failed,
	    (unsigned long long)collect_prom_stats(cp)->stale);
	collect_prom_free(cp);
	event_free(giveup);
	event_base_free(p.base);
	return (p.found ? 0 : 1);
}
