/*
 * The ingest collector: the HTTP endpoint branch agents push their probe
 * samples to (ingest.h), configured by the "ingest" line (m->ingest).
 * Each validated batch goes into the model in one model_batch_begin/end,
 * so thresholds and the nearest edge are judged once per batch.  A
 * sample naming a branch or an edge this configuration does not have is
 * "unmapped": counted and acknowledged, so the agent does not retry what
 * would never be taken, and the latest such name is shown in the status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "ingest.h"
#include "util.h"

struct collect_ingest {
	struct collector	*c;
	struct model		*m;
	struct ingest		*in;
	char			 unmapped[NAME_MAX_PT * 2 + 4];
	char			 failing[128];	/* history's error, 503 */
};

static int	collect_ingest_start(struct collector *, struct model *,
		    struct event_base *, char **);
static void	collect_ingest_stop(struct collector *);
static void	collect_ingest_describe(const struct collector *, char *,
		    size_t);
static int	collect_ingest_batch_cb(void *, const struct ingest_batch *,
		    int);

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
	if ((ci->in = ingest_new(base, &m->ingest, collect_ingest_batch_cb, ci,
	    cause)) == NULL) {
		free(ci);
		return (-1);
	}
	c->priv = ci;
	log_info("%s: %s", c->name, ingest_status(ci->in));
	model_collector_state(m, c, COL_UP, NULL);
	return (0);
}

static void
collect_ingest_stop(struct collector *c)
{
	struct collect_ingest	*ci = c->priv;

	if (ci == NULL)
		return;
	ingest_free(ci->in);
	free(ci);
	c->priv = NULL;
}

static void
collect_ingest_describe(const struct collector *c, char *buf, size_t len)
{
	const struct collect_ingest	*ci = c->priv;

	if (ci == NULL) {
		snprintf(buf, len, "%s down: %s", c->name, c->error);
		return;
	}
	snprintf(buf, len, "ingest %s%s%s%s%s", ingest_status(ci->in),
	    ci->unmapped[0] != '\0' ? "; unmapped: " : "", ci->unmapped,
	    ci->failing[0] != '\0' ? "; refusing, history: " : "",
	    ci->failing);
}

/*
 * Before the answer (commit 0) count what maps; after it (commit 1) feed
 * the model, which hands each sample to the history.
 */
static int
collect_ingest_batch_cb(void *arg, const struct ingest_batch *b, int commit)
{
	struct collect_ingest		*ci = arg;
	struct model			*m = ci->m;
	const struct ingest_sample	*s;
	struct branch			*br;
	const char			*why;
	size_t				 i;
	int				 edge, mapped = 0;

	/* The history cannot take them: 503, the agent keeps them. */
	if (!commit && m->sink.failing != NULL &&
	    (why = m->sink.failing(m->sink.arg, b->nsamples)) != NULL) {
		snprintf(ci->failing, sizeof ci->failing, "%s", why);
		return (-1);
	}
	ci->failing[0] = '\0';
	if (commit)
		model_batch_begin(m);
	for (i = 0; i < b->nsamples; i++) {
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
			model_latency_sample(m, br, edge, s->target[0] != '\0' ?
			    s->target : NULL, LAT_AGENT, s->time_ms, s->rtt_us);
	}
	if (commit) {
		model_batch_end(m);
		ci->c->polls++;
		ci->c->last_ok_mono = now_mono_ms();
	}
	return (mapped);
}

int
collect_ingest_port(const struct collector *c)
{
	const struct collect_ingest	*ci = c->priv;

	if (c->ops != &collector_ingest || ci == NULL)
		return (-1);
	return (ingest_port(ci->in));
}

const struct ingest *
collect_ingest_server(const struct collector *c)
{
	const struct collect_ingest	*ci = c->priv;

	if (c->ops != &collector_ingest || ci == NULL)
		return (NULL);
	return (ci->in);
}
