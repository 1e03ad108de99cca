/* SPDX-License-Identifier: ISC */
/*
 * The ingest collector: the HTTP endpoint branch agents push their probe
 * samples to (latency-ingest.h), configured by the "ingest" line (m->ingest).
 * Each validated batch goes into the model in one callback, so the
 * evaluation pass judges thresholds and the nearest edge once on it.  A
 * sample naming a branch or an edge this configuration does not have is
 * "unmapped": counted and acknowledged, so the agent does not retry what
 * would never be taken, and the latest such name is shown in the status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/collector.h"
#include "core/latency-ingest.h"
#include "core/latency-mon.h"
#include "core/util.h"

/*
 * Per agent (by name): its run and the number of the next sample not
 * stored yet, so that a batch sent again after a lost answer is not
 * stored twice.  Forgotten when the collector restarts.
 */
#define COLLECT_INGEST_AGENTS_MAX	1024
struct collect_ingest_agent {
	char			 name[NAME_MAX_PT];
	char			 run[NAME_MAX_PT];
	uint64_t		 next;
	uint64_t		 wait;	/* history row of its last batch */
};

struct collect_ingest {
	struct collector	*c;
	struct model		*m;
	struct ingest		*in;
	struct collect_ingest_agent *agents;
	size_t			 nagents;
	uint64_t		 repeated;	/* samples sent again, dropped */
	char			 unmapped[NAME_MAX_PT * 2 + 4];
	char			 failing[128];	/* history's error, 503 */
	uint64_t		 capped_logged;	/* m->lat_capped + _nolink */
	uint64_t		 capped_mono;	/* when last logged */
};

static int	collect_ingest_start(struct collector *, struct model *,
		    struct event_base *, char **);
static void	collect_ingest_stop(struct collector *);
static void	collect_ingest_describe(const struct collector *, char *,
		    size_t);
static int	collect_ingest_batch_cb(void *, const struct ingest_batch *,
		    int, uint64_t *);
static void	collect_ingest_committed_cb(void *, uint64_t);
static void	collect_ingest_capped(struct collect_ingest *);

const struct collector_ops collector_ingest = {
	.name = "ingest",
	.start = collect_ingest_start,
	.stop = collect_ingest_stop,
	.describe = collect_ingest_describe,
	.latency = 1,
};

static int
collect_ingest_start(struct collector *c, struct model *m,
    struct event_base *base, char **cause)
{
	struct collect_ingest	*ci;

	ci = xcalloc(1, sizeof *ci);
	ci->c = c;
	ci->m = m;
	if ((ci->in = latency_ingest_new(base, &m->ingest,
	    collect_ingest_batch_cb, ci, cause)) == NULL) {
		free(ci);
		return (-1);
	}
	c->priv = ci;
	/* The 200s wait for the history's commits (latency-ingest.h). */
	m->sink.committed = collect_ingest_committed_cb;
	m->sink.committed_arg = ci;
	log_info("%s: %s", c->name, latency_ingest_status(ci->in));
	model_collector_state(m, c, COL_UP, NULL);
	return (0);
}

static void
collect_ingest_stop(struct collector *c)
{
	struct collect_ingest	*ci = c->priv;

	if (ci == NULL)
		return;
	if (ci->m->sink.committed_arg == ci) {
		ci->m->sink.committed = NULL;
		ci->m->sink.committed_arg = NULL;
	}
	latency_ingest_free(ci->in);
	free(ci->agents);
	free(ci);
	c->priv = NULL;
}

static void
collect_ingest_describe(const struct collector *c, char *buf, size_t len)
{
	const struct collect_ingest	*ci = c->priv;
	const struct ingest_stats	*st;
	char				 guard[160], capped[96];

	if (ci == NULL) {
		snprintf(buf, len, "%s down: %s", c->name, c->error);
		return;
	}
	/* What the endpoint fended off, when it had to. */
	st = latency_ingest_stats(ci->in);
	guard[0] = '\0';
	if (st->timeouts + st->capped + st->accept_errors > 0)
		snprintf(guard, sizeof guard, "; %zu connections, %llu closed "
		    "at the deadline, %llu times at max-connections, %llu "
		    "accepts failed", latency_ingest_conns(ci->in),
		    (unsigned long long)st->timeouts,
		    (unsigned long long)st->capped,
		    (unsigned long long)st->accept_errors);
	capped[0] = '\0';
	if (ci->m->lat_capped + ci->m->lat_nolink > 0)
		snprintf(capped, sizeof capped, "; %llu samples over a link's "
		    "cap, %llu over a branch's links",
		    (unsigned long long)ci->m->lat_capped,
		    (unsigned long long)ci->m->lat_nolink);
	snprintf(buf, len, "ingest %s; %llu repeated%s%s%s%s%s%s",
	    latency_ingest_status(ci->in), (unsigned long long)ci->repeated,
	    ci->unmapped[0] != '\0' ? "; unmapped: " : "", ci->unmapped,
	    ci->failing[0] != '\0' ? "; refusing, history: " : "",
	    ci->failing, guard, capped);
}

/*
 * The agent's entry when the batch is numbered ("run"), NULL otherwise;
 * a new run starts from its first sample.
 */
static struct collect_ingest_agent *
collect_ingest_agent(struct collect_ingest *ci, const struct ingest_batch *b)
{
	struct collect_ingest_agent	*ag = NULL;
	size_t				 i;

	if (b->run[0] == '\0')
		return (NULL);
	for (i = 0; i < ci->nagents; i++)
		if (strcmp(ci->agents[i].name, b->agent) == 0)
			ag = &ci->agents[i];
	if (ag == NULL) {
		if (ci->nagents >= COLLECT_INGEST_AGENTS_MAX)
			return (NULL);
		ci->agents = xreallocarray(ci->agents, ci->nagents + 1,
		    sizeof *ci->agents);
		ag = &ci->agents[ci->nagents++];
		memset(ag, 0, sizeof *ag);
		strlcpy_pt(ag->name, b->agent, sizeof ag->name);
	}
	if (strcmp(ag->run, b->run) != 0) {
		strlcpy_pt(ag->run, b->run, sizeof ag->run);
		ag->next = b->first;
	}
	return (ag);
}

/*
 * First (commit 0) count what maps; then (commit 1) feed the model, which
 * hands each sample to the history, and say which of the history's rows
 * the 200 waits for: the last this batch queued, or, for samples of a
 * repeated batch, the row of the agent's last batch.
 */
static int
collect_ingest_batch_cb(void *arg, const struct ingest_batch *b, int commit,
    uint64_t *wait)
{
	struct collect_ingest		*ci = arg;
	struct model			*m = ci->m;
	const struct ingest_sample	*s;
	struct branch			*br;
	struct collect_ingest_agent	*ag;
	const char			*why;
	size_t				 i, skip;
	uint64_t			 before = 0, after = 0, done = 0;
	int				 edge, mapped;

	/* The history cannot take them: 503, the agent keeps them. */
	if (!commit && m->sink.failing != NULL &&
	    (why = m->sink.failing(m->sink.arg, b->nsamples)) != NULL) {
		snprintf(ci->failing, sizeof ci->failing, "%s", why);
		return (-1);
	}
	ci->failing[0] = '\0';
	ag = collect_ingest_agent(ci, b);
	skip = 0;
	if (ag != NULL && b->first < ag->next)
		skip = ag->next - b->first < b->nsamples ?
		    (size_t)(ag->next - b->first) : b->nsamples;
	if (commit) {
		ci->repeated += skip;
		if (m->sink.seq != NULL)
			before = m->sink.seq(m->sink.arg, &done);
	}
	/* Stored before: acknowledged again as accepted, not stored. */
	mapped = (int)skip;
	for (i = skip; i < b->nsamples; i++) {
		s = &b->samples[i];
		br = model_branch_find(m, s->branch);
		edge = model_edge_find(m, s->edge);
		if (br == NULL || edge < 0) {
			if (!commit)
				snprintf(ci->unmapped, sizeof ci->unmapped,
				    "%s %s/%s", br == NULL ? "branch" : "edge",
				    s->branch, s->edge);
			continue;
		}
		mapped++;
		if (commit)
			latency_mon_sample(m, br, edge, s->target[0] != '\0' ?
			    s->target : NULL, LAT_AGENT, s->time_ms, s->rtt_us);
	}
	if (commit) {
		collect_ingest_capped(ci);
		if (m->sink.seq != NULL)
			after = m->sink.seq(m->sink.arg, &done);
		*wait = after > before ? after : 0;
		if (ag != NULL) {
			if (skip > 0 && ag->wait > *wait)
				*wait = ag->wait;
			if (b->first + b->nsamples > ag->next)
				ag->next = b->first + b->nsamples;
			if (*wait > ag->wait)
				ag->wait = *wait;
		}
		if (*wait > done && m->sink.flush_soon != NULL)
			m->sink.flush_soon(m->sink.arg);
		ci->c->polls++;
		ci->c->last_ok_mono = now_mono_ms();
	}
	return (mapped);
}

/*
 * Samples the live window could not hold: a summary a minute at most,
 * the totals in the collector's status.
 */
static void
collect_ingest_capped(struct collect_ingest *ci)
{
	struct model	*m = ci->m;
	uint64_t	 now = now_mono_ms();

	if (m->lat_capped + m->lat_nolink == ci->capped_logged ||
	    (ci->capped_mono != 0 && now - ci->capped_mono < 60000))
		return;
	log_warnx("%s: samples past the live window's cap: %llu pushed out "
	    "of a link's window early, %llu of links over a branch's limit, "
	    "not in the live window (in the history still)", ci->c->name,
	    (unsigned long long)m->lat_capped,
	    (unsigned long long)m->lat_nolink);
	ci->capped_logged = m->lat_capped + m->lat_nolink;
	ci->capped_mono = now;
}

static void
collect_ingest_committed_cb(void *arg, uint64_t seq)
{
	struct collect_ingest	*ci = arg;

	latency_ingest_committed(ci->in, seq);
}

int
collect_ingest_port(const struct collector *c)
{
	const struct collect_ingest	*ci = c->priv;

	if (c->ops != &collector_ingest || ci == NULL)
		return (-1);
	return (latency_ingest_port(ci->in));
}

const struct ingest *
collect_ingest_server(const struct collector *c)
{
	const struct collect_ingest	*ci = c->priv;

	if (c->ops != &collector_ingest || ci == NULL)
		return (NULL);
	return (ci->in);
}
