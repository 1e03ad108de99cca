/* SPDX-License-Identifier: ISC */
/*
 * Benchmark of latency ingest into the SQLite history (issue 4: at least
 * 100,000 samples/s, indexes included).  Samples for 200 branches x 5
 * edges (one target each, 1,000 series) go through the store's real API
 * and flush path: store_latency_sample() queues them, store_flush()
 * commits each batch in one transaction (the raw rows into latency_sample
 * and its two indexes, and the per-minute upserts into latency_minute),
 * as the 500 ms timer does in peertop.  A batch is what 500 ms brings at
 * the target rate (50,000 samples, -b to change it).  Simulated time
 * advances one second per round of 1,000 samples, so a run of 300,000
 * samples spans 5 minutes of roll-ups; about 2% of the samples are
 * losses.  Each run writes a fresh file in $TMPDIR with the pragmas
 * peertop uses (WAL, synchronous=NORMAL).
 *
 * The clock runs from the first sample queued to the last commit; the
 * figure is the median of -n runs, printed with the target and PASS or
 * MISS.  Exit 0 either way, 1 when the store fails or the row counts are
 * not what was sent.
 *
 * usage: bench-ingest [-n runs] [-s samples per run] [-b batch]
 */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/latency.h"
#include "core/model.h"
#include "core/store.h"
#include "core/util.h"
#include "tests/bench/bench-util.h"

#define BENCH_INGEST_TARGET	100000.0	/* samples/s */
#define BENCH_INGEST_MAXRUNS	9
#define BENCH_INGEST_BRANCHES	200
#define BENCH_INGEST_EDGES	5

static const char *const bench_ingest_edges[BENCH_INGEST_EDGES] = {
	"ams", "sea", "sin", "syd", "gru"
};

struct bench_ingest_series {
	char	 branch[16];
	char	 target[32];
	const char *edge;
	int64_t	 base_us;	/* this branch-edge's typical RTT */
};

static double	bench_ingest_run(const char *, long, long, int64_t *);
static uint32_t	bench_ingest_rand(void);
static void	bench_ingest_unlink(const char *);
static long	bench_ingest_num(const char *, long, long);

static uint32_t	bench_ingest_seed = 12345;

/* A small LCG: the same samples every run, no libc state. */
static uint32_t
bench_ingest_rand(void)
{
	bench_ingest_seed = bench_ingest_seed * 1103515245u + 12345u;
	return (bench_ingest_seed >> 8);
}

/* Remove the database and its WAL sidecars. */
static void
bench_ingest_unlink(const char *path)
{
	char	*side;

	unlink(path);
	xasprintf(&side, "%s-wal", path);
	unlink(side);
	free(side);
	xasprintf(&side, "%s-shm", path);
	unlink(side);
	free(side);
}

/* A number in [min, max], or -1. */
static long
bench_ingest_num(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max)
		return (-1);
	return (v);
}

/* One run into a fresh file; seconds, or -1.  *rows: rows written. */
static double
bench_ingest_run(const char *path, long nsamples, long batch, int64_t *rows)
{
	static struct bench_ingest_series series[BENCH_INGEST_BRANCHES *
	    BENCH_INGEST_EDGES];
	struct store		*s;
	struct store_stats	 st;
	char			*cause;
	const size_t		 nseries = nitems(series);
	int64_t			 t0_ms = 1700000000000LL, rtt;
	double			 t0, t1;
	size_t			 b, e, i;
	long			 n;

	for (b = 0; b < BENCH_INGEST_BRANCHES; b++) {
		for (e = 0; e < BENCH_INGEST_EDGES; e++) {
			i = b * BENCH_INGEST_EDGES + e;
			snprintf(series[i].branch, sizeof series[i].branch,
			    "branch%03zu", b);
			snprintf(series[i].target, sizeof series[i].target,
			    "198.51.%zu.%zu", e, b + 1);
			series[i].edge = bench_ingest_edges[e];
			series[i].base_us = 5000 + (int64_t)((b * 7 + e * 31) %
			    200) * 1000;
		}
	}

	bench_ingest_unlink(path);
	if ((s = store_open(path, 0, &cause)) == NULL) {
		fprintf(stderr, "bench-ingest: %s\n", cause);
		free(cause);
		return (-1);
	}
	store_set_queue_max(s, (size_t)batch);

	t0 = bench_now();
	for (n = 0; n < nsamples; n++) {
		i = (size_t)n % nseries;
		if (bench_ingest_rand() % 50 == 0)
			rtt = LATENCY_LOST;
		else
			rtt = series[i].base_us +
			    (int64_t)(bench_ingest_rand() % 3000);
		if (store_latency_sample(s, t0_ms + (n / (long)nseries) * 1000 +
		    (int64_t)i % 1000, series[i].branch, series[i].edge,
		    series[i].target, "probe", rtt) != 0) {
			fprintf(stderr, "bench-ingest: queue refused a "
			    "sample: %s\n", store_error(s) != NULL ?
			    store_error(s) : "?");
			store_close(s);
			return (-1);
		}
		if ((n + 1) % batch == 0 && store_flush(s, &cause) != 0)
			goto fail;
	}
	if (store_flush(s, &cause) != 0)
		goto fail;
	t1 = bench_now();

	if (store_stats(s, &st) != 0) {
		fprintf(stderr, "bench-ingest: store_stats failed\n");
		store_close(s);
		return (-1);
	}
	*rows = st.latency_rows;
	store_close(s);
	return (t1 - t0);

fail:
	fprintf(stderr, "bench-ingest: %s\n", cause);
	free(cause);
	store_close(s);
	return (-1);
}

int
main(int argc, char **argv)
{
	double		 secs[BENCH_INGEST_MAXRUNS], med, rate;
	const char	*tmp;
	char		*path;
	int64_t		 rows;
	long		 nsamples = 300000, batch = 50000;
	int		 ch, runs = 3, r, status = 0;

	while ((ch = getopt(argc, argv, "b:n:s:")) != -1) {
		switch (ch) {
		case 'b':
			if ((batch = bench_ingest_num(optarg, 1,
			    10000000)) == -1)
				goto usage;
			break;
		case 'n':
			if ((runs = (int)bench_ingest_num(optarg, 1,
			    BENCH_INGEST_MAXRUNS)) == -1)
				goto usage;
			break;
		case 's':
			if ((nsamples = bench_ingest_num(optarg, 1,
			    100000000)) == -1)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;

	log_set_quiet(1);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	xasprintf(&path, "%s/bench-ingest.%ld.db", tmp, (long)getpid());

	printf("latency ingest into the SQLite history: %d branches x %d "
	    "edges, %ld samples per run, %ld per flush, median of %d runs\n",
	    BENCH_INGEST_BRANCHES, BENCH_INGEST_EDGES, nsamples, batch, runs);
	for (r = 0; r < runs; r++) {
		rows = 0;
		if ((secs[r] = bench_ingest_run(path, nsamples, batch,
		    &rows)) < 0) {
			status = 1;
			break;
		}
		if (rows != nsamples) {
			fprintf(stderr, "bench-ingest: %lld rows written, %ld "
			    "sent\n", (long long)rows, nsamples);
			status = 1;
			break;
		}
		printf("  run %d: %.3f s, %.0f samples/s\n", r + 1, secs[r],
		    (double)nsamples / secs[r]);
	}
	if (status == 0) {
		med = bench_median(secs, runs);
		rate = (double)nsamples / med;
		printf("ingest: %.0f samples/s (target >= %.0f): %s\n", rate,
		    BENCH_INGEST_TARGET,
		    rate >= BENCH_INGEST_TARGET ? "PASS" : "MISS");
	}
	bench_ingest_unlink(path);
	free(path);
	return (status);

usage:
	fprintf(stderr, "usage: bench-ingest [-n runs] [-s samples] "
	    "[-b batch]\n");
	return (1);
}
