/* SPDX-License-Identifier: ISC */
/*
 * The built-in prober as a collector: one struct probe (core/latency-probe.c)
 * for every "probe" line of every branch, each target with its own interval,
 * timeout and size (the "probe" block's defaults where the line gives
 * none).  collect_probe_run is the part peertop agent shares: it maps the
 * prober's target ids back to (branch, probe line) and hands each result
 * to a callback; the "probe" collector's callback is
 * latency_mon_sample().
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collect-probe.h"
#include "core/latency-mon.h"
#include "core/latency-probe.h"

#define PROBE_INTERVAL_DEFAULT_MS	1000
#define PROBE_TIMEOUT_DEFAULT_MS	2000
/*
 * Without a count, settled means this many results from every target.
 * --once sets a count (m->lat.count, like ping -c): every target sends
 * that many probes and is settled when all of them have an answer or a
 * timeout, so losses are counted as surely as replies.
 */
#define PROBE_ONCE_RESULTS		5

struct collect_probe_run_target {
	struct branch		*b;
	const struct probe_conf	*pc;
	int			 id;
	uint32_t		 results;
};

struct collect_probe_run {
	struct probe			*probe;
	struct collect_probe_run_target	*t;
	size_t				 nt;
	size_t				 nicmp;
	size_t				 unprobed;	/* ICMP targets without
							   a socket */
	collect_probe_run_cb		 cb;
	void				*arg;
	char				 socket[96];
};

/* The collector's state. */
struct collect_probe {
	struct collector	*c;
	struct model		*m;
	struct collect_probe_run	*run;
	uint64_t		 samples, lost;
	char			 unprobed[160];	/* "" when every target is */
};

static int	 collect_probe_start(struct collector *, struct model *,
		    struct event_base *, char **);
static void	 collect_probe_stop(struct collector *);
static void	 collect_probe_describe(const struct collector *, char *,
		    size_t);
static int	 collect_probe_settled(const struct collector *);

const struct collector_ops collector_probe = {
	.name = "probe",
	.start = collect_probe_start,
	.stop = collect_probe_stop,
	.describe = collect_probe_describe,
	.settled = collect_probe_settled,
	.latency = 1,
};

static void
collect_probe_run_result(void *arg, int id, int64_t time_ms, int64_t rtt_us,
    const char *error)
{
	struct collect_probe_run	*pr = arg;
	size_t			 lo = 0, hi = pr->nt, mid;

	/* Ids are handed out in increasing order: binary search. */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (pr->t[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == pr->nt || pr->t[lo].id != id)
		return;
	pr->t[lo].results++;
	pr->cb(pr->arg, pr->t[lo].b, pr->t[lo].pc, time_ms, rtt_us, error);
}

struct collect_probe_run *
collect_probe_run_new(struct model *m, struct event_base *base,
    collect_probe_run_cb cb, void *arg, char **cause)
{
	struct collect_probe_run	*pr;
	struct probe_target	 pt;
	const struct probe_conf	*pc;
	struct branch		*b;
	size_t			 i, j;
	int			 id, d4, d6;

	*cause = NULL;
	pr = xcalloc(1, sizeof *pr);
	pr->cb = cb;
	pr->arg = arg;
	pr->probe = latency_probe_new(base, collect_probe_run_result, pr);
	for (i = 0; i < m->nbranches; i++)
		for (j = 0; j < m->branches[i]->nprobes; j++)
			if (!m->branches[i]->probes[j].tcp)
				pr->nicmp++;
	/* Open while privileged; the caller drops privileges after. */
	if (pr->nicmp > 0 &&
	    latency_probe_open_sockets(pr->probe, m->lat.sockmode) == -1)
		strlcpy_pt(pr->socket, "no ICMP socket (needs root, CAP_NET_RAW "
		    "or net.ipv4.ping_group_range)", sizeof pr->socket);
	else if (pr->nicmp > 0) {
		d4 = latency_probe_socket_dgram(pr->probe, AF_INET);
		d6 = latency_probe_socket_dgram(pr->probe, AF_INET6);
		snprintf(pr->socket, sizeof pr->socket, "ICMP %s, ICMPv6 %s",
		    d4 == 1 ? "datagram" : d4 == 0 ? "raw" : "none",
		    d6 == 1 ? "datagram" : d6 == 0 ? "raw" : "none");
	} else
		strlcpy_pt(pr->socket, "TCP only", sizeof pr->socket);

	for (i = 0; i < m->nbranches; i++) {
		b = m->branches[i];
		for (j = 0; j < b->nprobes; j++) {
			pc = &b->probes[j];
			/*
			 * Without an ICMP socket for its family a target
			 * is not probed: its losses would be peertop's, not
			 * the network's.  The collector says why.
			 */
			if (!pc->tcp && latency_probe_socket_dgram(pr->probe,
			    pc->addr.af) == -1) {
				pr->unprobed++;
				continue;
			}
			memset(&pt, 0, sizeof pt);
			pt.kind = pc->tcp ? PROBE_TCP : PROBE_ICMP;
			pt.addr = pc->addr;
			pt.port = pc->port;
			pt.interval_ms = pc->interval_ms ? pc->interval_ms :
			    m->lat.interval_ms ? m->lat.interval_ms :
			    PROBE_INTERVAL_DEFAULT_MS;
			pt.timeout_ms = pc->timeout_ms ? pc->timeout_ms :
			    m->lat.timeout_ms ? m->lat.timeout_ms :
			    PROBE_TIMEOUT_DEFAULT_MS;
			pt.size = pc->size ? pc->size : m->lat.size;
			pt.count = m->lat.count;
			if ((id = latency_probe_add_target(pr->probe,
			    &pt)) == -1) {
				xasprintf(cause, "branch %s: probe %s %s: "
				    "cannot add the target", b->name, pc->edge,
				    pc->target);
				collect_probe_run_free(pr);
				return (NULL);
			}
			pr->t = xreallocarray(pr->t, pr->nt + 1,
			    sizeof *pr->t);
			memset(&pr->t[pr->nt], 0, sizeof pr->t[pr->nt]);
			pr->t[pr->nt].b = b;
			pr->t[pr->nt].pc = pc;
			pr->t[pr->nt].id = id;
			pr->nt++;
		}
	}
	return (pr);
}

void
collect_probe_run_free(struct collect_probe_run *pr)
{
	if (pr == NULL)
		return;
	latency_probe_free(pr->probe);
	free(pr->t);
	free(pr);
}

size_t
collect_probe_run_targets(const struct collect_probe_run *pr)
{
	return (pr->nt);
}

size_t
collect_probe_run_unprobed(const struct collect_probe_run *pr)
{
	return (pr->unprobed);
}

const char *
collect_probe_run_socket(const struct collect_probe_run *pr)
{
	return (pr->socket);
}

/* The collector: every result is a sample for the model. */
static void
collect_probe_sample(void *arg, struct branch *b, const struct probe_conf *pc,
    int64_t time_ms, int64_t rtt_us, const char *error)
{
	struct collect_probe	*cp = arg;

	(void)error;
	cp->samples++;
	if (rtt_us < 0)
		cp->lost++;
	cp->c->polls++;
	cp->c->last_ok_mono = now_mono_ms();
	latency_mon_sample(cp->m, b, pc->edge_idx, pc->target, LAT_PROBE,
	    time_ms, rtt_us);
}

static int
collect_probe_start(struct collector *c, struct model *m,
    struct event_base *base, char **cause)
{
	struct collect_probe	*cp;

	cp = xcalloc(1, sizeof *cp);
	cp->c = c;
	cp->m = m;
	if ((cp->run = collect_probe_run_new(m, base, collect_probe_sample, cp,
	    cause)) == NULL) {
		free(cp);
		return (-1);
	}
	c->priv = cp;
	/*
	 * ICMP targets without a socket: down when nothing else is probed,
	 * else up for the TCP targets with a warning event for the rest.
	 */
	if (cp->run->unprobed > 0) {
		snprintf(cp->unprobed, sizeof cp->unprobed, "%zu ICMP targets "
		    "not probed: %s", cp->run->unprobed, cp->run->socket);
		if (cp->run->nt == 0) {
			model_collector_state(m, c, COL_DOWN, cp->unprobed);
			return (0);
		}
		model_eventf(m, "ProbeTargetsUnprobed", LVL_WARNING,
		    "collector probe", NULL, "%s", cp->unprobed);
	}
	model_collector_state(m, c, COL_UP, NULL);
	return (0);
}

static void
collect_probe_stop(struct collector *c)
{
	struct collect_probe	*cp = c->priv;

	if (cp == NULL)
		return;
	collect_probe_run_free(cp->run);
	free(cp);
	c->priv = NULL;
}

static void
collect_probe_describe(const struct collector *c, char *buf, size_t len)
{
	const struct collect_probe	*cp = c->priv;

	if (cp == NULL) {
		snprintf(buf, len, "%s: not started", c->name);
		return;
	}
	snprintf(buf, len, "%s: %zu targets, %s, %llu samples, %llu lost%s%s",
	    c->name, cp->run->nt, cp->run->socket,
	    (unsigned long long)cp->samples, (unsigned long long)cp->lost,
	    cp->unprobed[0] != '\0' ? "; " : "", cp->unprobed);
}

/* Enough results from every target for the statistics to mean much. */
static int
collect_probe_settled(const struct collector *c)
{
	const struct collect_probe	*cp = c->priv;
	size_t				 i;

	if (cp == NULL)
		return (1);
	for (i = 0; i < cp->run->nt; i++)
		if (cp->run->t[i].results < (cp->m->lat.count != 0 ?
		    cp->m->lat.count : PROBE_ONCE_RESULTS))
			return (0);
	return (1);
}
