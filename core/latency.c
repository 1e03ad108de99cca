/* SPDX-License-Identifier: ISC */
/*
 * Latency statistics: a ring buffer of samples per series and mtr's
 * columns plus median, p95 and jitter over it.  The definitions are in
 * latency.h.  Sums are taken in double (an RTT is at most a few seconds in
 * microseconds, a window at most a few thousand samples: no precision is
 * lost), the standard deviation with two passes over the samples so that
 * it does not suffer the cancellation of sum-of-squares arithmetic.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/latency.h"

struct latency_sample {
	int64_t		 time_ms;
	int64_t		 rtt_us;	/* LATENCY_LOST: lost */
};

struct latency_series {
	struct latency_sample	*ring;
	size_t			 size;
	size_t			 head;	/* next slot to write */
	size_t			 count;
	uint64_t		 total;
};

static const struct latency_sample *latency_at(const struct latency_series *,
		    size_t);
static int	latency_cmp(const void *, const void *);
static uint32_t	latency_stats_idx(const struct latency_series *, size_t,
		    size_t, struct latency_stats *);

struct latency_series *
latency_series_new(size_t size)
{
	struct latency_series	*ls;

	if (size == 0)
		size = LATENCY_DEFAULT_SIZE;
	ls = xcalloc(1, sizeof *ls);
	ls->ring = xcalloc(size, sizeof *ls->ring);
	ls->size = size;
	return (ls);
}

void
latency_series_free(struct latency_series *ls)
{
	if (ls == NULL)
		return;
	free(ls->ring);
	free(ls);
}

size_t
latency_series_count(const struct latency_series *ls)
{
	return (ls->count);
}

uint64_t
latency_series_total(const struct latency_series *ls)
{
	return (ls->total);
}

void
latency_add(struct latency_series *ls, int64_t time_ms, int64_t rtt_us)
{
	ls->ring[ls->head].time_ms = time_ms;
	ls->ring[ls->head].rtt_us = rtt_us < 0 ? LATENCY_LOST : rtt_us;
	ls->head = (ls->head + 1) % ls->size;
	if (ls->count < ls->size)
		ls->count++;
	ls->total++;
}

/* The i-th held sample, 0 the oldest. */
static const struct latency_sample *
latency_at(const struct latency_series *ls, size_t i)
{
	return (&ls->ring[(ls->head + ls->size - ls->count + i) % ls->size]);
}

int
latency_sample_get(const struct latency_series *ls, size_t i,
    int64_t *time_ms, int64_t *rtt_us)
{
	const struct latency_sample	*s;

	if (i >= ls->count)
		return (-1);
	s = latency_at(ls, i);
	*time_ms = s->time_ms;
	*rtt_us = s->rtt_us;
	return (0);
}

static int
latency_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

uint32_t
latency_stats(const struct latency_series *ls, int64_t window_ms,
    struct latency_stats *st)
{
	int64_t	 newest;

	if (ls->count == 0 || window_ms <= 0)
		return (latency_stats_idx(ls, 0, ls->count, st));
	newest = latency_at(ls, ls->count - 1)->time_ms;
	return (latency_stats_range(ls, newest - window_ms, newest, st));
}

uint32_t
latency_stats_range(const struct latency_series *ls, int64_t from_ms,
    int64_t to_ms, struct latency_stats *st)
{
	size_t	 first = 0, end = ls->count;

	while (first < end && latency_at(ls, first)->time_ms <= from_ms)
		first++;
	while (end > first && latency_at(ls, end - 1)->time_ms > to_ms)
		end--;
	return (latency_stats_idx(ls, first, end, st));
}

/* The statistics over samples [first, end) of the ring, oldest first. */
static uint32_t
latency_stats_idx(const struct latency_series *ls, size_t first, size_t end,
    struct latency_stats *st)
{
	const struct latency_sample	*sp;
	int64_t				*rtt, prev = 0;
	double				 sum = 0, ssd = 0, jsum = 0, d;
	size_t				 i, n = 0, rank;

	memset(st, 0, sizeof *st);
	st->last_us = -1;
	if (first >= end)
		return (0);

	rtt = xreallocarray(NULL, end - first, sizeof *rtt);
	st->first_ms = latency_at(ls, first)->time_ms;
	st->last_ms = latency_at(ls, end - 1)->time_ms;
	for (i = first; i < end; i++) {
		sp = latency_at(ls, i);
		st->sent++;
		if (sp->rtt_us < 0)
			continue;
		if (n > 0) {
			d = (double)sp->rtt_us - (double)prev;
			jsum += d < 0 ? -d : d;
		}
		prev = sp->rtt_us;
		rtt[n++] = sp->rtt_us;
		sum += (double)sp->rtt_us;
		if (n == 1 || sp->rtt_us < st->best_us)
			st->best_us = sp->rtt_us;
		if (n == 1 || sp->rtt_us > st->worst_us)
			st->worst_us = sp->rtt_us;
		st->last_us = sp->rtt_us;
	}
	st->received = n;
	st->loss_pct = 100.0 * (double)(st->sent - n) / (double)st->sent;
	if (n == 0) {
		free(rtt);
		return (st->sent);
	}

	st->avg_us = sum / (double)n;
	if (n > 1) {
		for (i = 0; i < n; i++) {
			d = (double)rtt[i] - st->avg_us;
			ssd += d * d;
		}
		st->stdev_us = sqrt(ssd / (double)(n - 1));
		st->jitter_us = jsum / (double)(n - 1);
	}

	qsort(rtt, n, sizeof *rtt, latency_cmp);
	if (n % 2)
		st->median_us = (double)rtt[n / 2];
	else
		st->median_us = ((double)rtt[n / 2 - 1] +
		    (double)rtt[n / 2]) / 2;
	/* Nearest rank: ceil(0.95 n) in integers, 1-based. */
	rank = (95 * n + 99) / 100;
	if (rank < 1)
		rank = 1;
	st->p95_us = rtt[rank - 1];
	free(rtt);
	return (st->sent);
}
