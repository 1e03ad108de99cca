/* SPDX-License-Identifier: ISC */
/*
 * A prober and nothing else, for tests/integration/test-probe.sh: probes
 * each ADDRESS with ICMP echo (core/latency-probe.c, raw sockets), or with a
 * TCP connect for ADDRESS/PORT, every
 * INTERVAL_MS with TIMEOUT_MS for DURATION_MS, then prints per target
 *
 *	ADDRESS sent N ok N lost N median_us N min_us N max_us N
 *
 * (median, min and max over the answered probes; -1 when none).  Only
 * probes sent within DURATION_MS count, and the loop runs TIMEOUT_MS
 * longer so that every one of them is answered or timed out.
 *
 * usage: probe-run duration-ms interval-ms timeout-ms address...
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "core/latency-probe.h"

#define MAXT	16
#define MAXS	4096

struct tres {
	const char	*name;
	int		 id;
	int		 sent;
	int		 lost;
	int		 nrtt;
	int64_t		 rtt[MAXS];
};

static struct tres	res[MAXT];
static int		nres;
static int64_t		until_ms;	/* count probes sent before this */

static void
probe_run_cb(void *arg, int id, int64_t time_ms, int64_t rtt_us,
    const char *error)
{
	int	i;

	(void)arg;
	(void)time_ms;
	(void)error;
	if (time_ms >= until_ms)
		return;
	for (i = 0; i < nres; i++) {
		if (res[i].id != id)
			continue;
		res[i].sent++;
		if (rtt_us < 0)
			res[i].lost++;
		else if (res[i].nrtt < MAXS)
			res[i].rtt[res[i].nrtt++] = rtt_us;
	}
}

static int
probe_run_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct probe		*p;
	struct probe_target	 t;
	struct timeval		 tv;
	char			 a[64], *slash;
	unsigned long		 duration;
	int			 i;

	if (argc < 5 || argc - 4 > MAXT) {
		fprintf(stderr, "usage: probe-run duration-ms interval-ms "
		    "timeout-ms address...\n");
		return (2);
	}
	duration = strtoul(argv[1], NULL, 10);
	until_ms = now_wall_ms() + (int64_t)duration;
	base = event_base_new();
	p = latency_probe_new(base, probe_run_cb, NULL);
	if (latency_probe_open_sockets(p, PROBE_SOCK_RAW) == -1) {
		fprintf(stderr, "probe-run: no ICMP socket\n");
		return (1);
	}
	for (i = 4; i < argc; i++) {
		memset(&t, 0, sizeof t);
		t.kind = PROBE_ICMP;
		snprintf(a, sizeof a, "%s", argv[i]);
		if ((slash = strchr(a, '/')) != NULL) {
			*slash = '\0';
			t.kind = PROBE_TCP;
			t.port = (uint16_t)strtoul(slash + 1, NULL, 10);
		}
		if (addr_parse(a, &t.addr) == -1) {
			fprintf(stderr, "probe-run: bad address %s\n", argv[i]);
			return (2);
		}
		t.interval_ms = (unsigned int)strtoul(argv[2], NULL, 10);
		t.timeout_ms = (unsigned int)strtoul(argv[3], NULL, 10);
		res[nres].name = argv[i];
		if ((res[nres].id = latency_probe_add_target(p, &t)) == -1) {
			fprintf(stderr, "probe-run: bad target %s\n", argv[i]);
			return (2);
		}
		nres++;
	}
	duration += strtoul(argv[3], NULL, 10) + 50;
	tv.tv_sec = duration / 1000;
	tv.tv_usec = (duration % 1000) * 1000;
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);

	for (i = 0; i < nres; i++) {
		struct tres	*r = &res[i];

		qsort(r->rtt, (size_t)r->nrtt, sizeof r->rtt[0],
		    probe_run_cmp);
		printf("%s sent %d ok %d lost %d median_us %lld min_us %lld "
		    "max_us %lld\n", r->name, r->sent, r->nrtt, r->lost,
		    r->nrtt ? (long long)r->rtt[r->nrtt / 2] : -1LL,
		    r->nrtt ? (long long)r->rtt[0] : -1LL,
		    r->nrtt ? (long long)r->rtt[r->nrtt - 1] : -1LL);
	}
	latency_probe_free(p);
	event_base_free(base);
	return (0);
}
