/* SPDX-License-Identifier: ISC */
/*
 * Helpers shared by the benchmark programs (bench-rib.c, bench-bmp.c):
 * a monotonic clock in seconds and the median of run times.  Static
 * inline so that each benchmark stays one source file and an unused one
 * costs nothing.
 */
#ifndef PEERTOP_BENCH_UTIL_H
#define PEERTOP_BENCH_UTIL_H

#include <stdlib.h>
#include <time.h>

/* Seconds on CLOCK_MONOTONIC: for intervals only. */
static inline double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* The median of n > 0 values (sorts v); the mean of the middle two. */
static inline double
bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

#endif
