/* SPDX-License-Identifier: ISC */
/*
 * Latency statistics for one series (a branch, an edge and a target, as
 * the caller keys them): a ring buffer of the last samples and mtr's
 * columns over it.  Pure computation: no I/O, no clock (windows are cut
 * relative to the newest sample), so every figure is reproducible in a
 * unit test.
 *
 * Definitions (all RTTs in microseconds, over the samples in the window):
 *   Snt	samples in the window, received or lost (mtr's Snt; a
 *		sample is only added once its fate is known, so there is
 *		no "in transit" term).
 *   Loss%	100 * lost / Snt (mtr's Loss%).
 *   Last	the RTT of the newest received sample (mtr: a lost probe
 *		does not change Last); -1 when none was received.
 *   Avg	arithmetic mean of received RTTs.
 *   Best/Wrst	minimum/maximum received RTT.
 *   StDev	sample standard deviation of received RTTs,
 *		sqrt(sum((x - avg)^2) / (n - 1)), 0 when n < 2: what mtr's
 *		net_stdev() computes (ssd / (returned - 1)).
 *   median	the middle received RTT, the mean of the two middle ones
 *		when n is even.
 *   p95	nearest-rank 95th percentile: the ceil(0.95 * n)-th smallest
 *		received RTT (1-based), always an observed value.
 *   jitter	plain mean absolute difference of consecutive received RTTs
 *		in time order, lost samples skipped (mtr's Javg), not RFC
 *		3550's exponentially smoothed J; 0 when n < 2.
 */
#ifndef PEERTOP_LATENCY_H
#define PEERTOP_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#define LATENCY_LOST		(-1)	/* rtt_us of a lost probe */
#define LATENCY_DEFAULT_SIZE	100	/* samples kept per series */

struct latency_series;

struct latency_stats {
	uint32_t	 sent;		/* Snt */
	uint32_t	 received;
	double		 loss_pct;	/* Loss%, 0 when sent is 0 */
	int64_t		 last_us;	/* -1: nothing received */
	double		 avg_us;	/* fields below: 0 when received is 0 */
	int64_t		 best_us;
	int64_t		 worst_us;
	double		 stdev_us;
	double		 median_us;
	int64_t		 p95_us;
	double		 jitter_us;
	int64_t		 first_ms;	/* time span of the window's samples */
	int64_t		 last_ms;
};

/* A series keeping the last size samples (0: LATENCY_DEFAULT_SIZE). */
struct latency_series *latency_series_new(size_t size);
void	 latency_series_free(struct latency_series *);

/* Samples held now (at most the size) and ever added. */
size_t	 latency_series_count(const struct latency_series *);
uint64_t latency_series_total(const struct latency_series *);
/*
 * The i-th held sample, 0 the oldest (for graphs that cut the window into
 * columns): 0, or -1 when i is past the count.  *rtt_us is LATENCY_LOST
 * for a loss.
 */
int	 latency_sample_get(const struct latency_series *, size_t i,
	    int64_t *time_ms, int64_t *rtt_us);

/*
 * Add a sample: rtt_us >= 0 a reply, LATENCY_LOST (any negative) a loss.
 * Samples are expected in time order; the oldest is overwritten when full.
 */
void	 latency_add(struct latency_series *, int64_t time_ms, int64_t rtt_us);

/*
 * Statistics over the samples with time_ms > newest - window_ms, or over
 * everything held when window_ms is 0.  Returns the number of samples
 * used (Snt); with none, *st is all zero except last_us = -1.
 */
uint32_t latency_stats(const struct latency_series *, int64_t window_ms,
	    struct latency_stats *st);

/* The same over the samples with from_ms < time_ms <= to_ms. */
uint32_t latency_stats_range(const struct latency_series *, int64_t from_ms,
	    int64_t to_ms, struct latency_stats *st);

#endif
