/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the latency statistics (core/latency.c) against values
 * worked out by hand in the comments: mtr's columns, median, nearest-rank
 * p95 and jitter, with no samples, all lost, one sample, a ring that has
 * wrapped and a time window that cuts the series.
 */

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/util.h"
#include "core/latency.h"

#define EPS	1e-6

/* cmocka 1.1 has no assert_double_equal: |a - b| <= eps. */
#undef assert_double_equal
#define assert_double_equal(a, b, eps) \
	assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static void
test_empty(void **state)
{
	struct latency_series	*ls = latency_series_new(0);
	struct latency_stats	 st;

	assert_int_equal(latency_series_count(ls), 0);
	assert_int_equal(latency_stats(ls, 0, &st), 0);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.received, 0);
	assert_true(st.loss_pct == 0);
	assert_int_equal(st.last_us, -1);
	assert_true(st.avg_us == 0 && st.stdev_us == 0 && st.jitter_us == 0);
	assert_int_equal(st.p95_us, 0);
	latency_series_free(ls);
}

static void
test_all_lost(void **state)
{
	struct latency_series	*ls = latency_series_new(10);
	struct latency_stats	 st;
	int			 i;

	for (i = 0; i < 4; i++)
		latency_add(ls, 1000 * i, LATENCY_LOST);
	/* Snt 4, none back: Loss% 100, Last unknown, no RTT figures. */
	assert_int_equal(latency_stats(ls, 0, &st), 4);
	assert_int_equal(st.sent, 4);
	assert_int_equal(st.received, 0);
	assert_double_equal(st.loss_pct, 100.0, EPS);
	assert_int_equal(st.last_us, -1);
	assert_int_equal(st.best_us, 0);
	assert_int_equal(st.worst_us, 0);
	assert_true(st.median_us == 0 && st.avg_us == 0);
	assert_int_equal(st.first_ms, 0);
	assert_int_equal(st.last_ms, 3000);
	latency_series_free(ls);
}

static void
test_one(void **state)
{
	struct latency_series	*ls = latency_series_new(10);
	struct latency_stats	 st;

	latency_add(ls, 5000, 12345);
	/* n = 1: every location figure is the sample, spread figures 0. */
	assert_int_equal(latency_stats(ls, 0, &st), 1);
	assert_int_equal(st.received, 1);
	assert_double_equal(st.loss_pct, 0.0, EPS);
	assert_int_equal(st.last_us, 12345);
	assert_double_equal(st.avg_us, 12345.0, EPS);
	assert_int_equal(st.best_us, 12345);
	assert_int_equal(st.worst_us, 12345);
	assert_double_equal(st.median_us, 12345.0, EPS);
	assert_int_equal(st.p95_us, 12345);
	assert_double_equal(st.stdev_us, 0.0, EPS);
	assert_double_equal(st.jitter_us, 0.0, EPS);
	latency_series_free(ls);
}

/*
 * Five samples: 10000, 12000, lost, 11000, 17000 (us), one a second.
 *   Snt 5, received 4, Loss% = 100 * 1 / 5 = 20
 *   Last 17000, Best 10000, Wrst 17000
 *   Avg = (10000 + 12000 + 11000 + 17000) / 4 = 50000 / 4 = 12500
 *   deviations -2500, -500, -1500, 4500; squares 6.25e6, 0.25e6,
 *   2.25e6, 20.25e6, sum 29e6; StDev = sqrt(29e6 / 3) = 3109.1263...
 *   sorted 10000 11000 12000 17000: median (11000 + 12000) / 2 = 11500
 *   p95: rank ceil(0.95 * 4) = ceil(3.8) = 4 -> 17000
 *   jitter: |12000-10000| + |11000-12000| + |17000-11000| = 2000 + 1000 +
 *   6000 = 9000 over 3 differences = 3000 (the loss is skipped)
 */
static void
test_mixed(void **state)
{
	struct latency_series	*ls = latency_series_new(10);
	struct latency_stats	 st;
	const int64_t		 rtt[] = { 10000, 12000, LATENCY_LOST, 11000,
				    17000 };
	size_t			 i;

	for (i = 0; i < nitems(rtt); i++)
		latency_add(ls, 1000 * (int64_t)i, rtt[i]);
	assert_int_equal(latency_stats(ls, 0, &st), 5);
	assert_int_equal(st.sent, 5);
	assert_int_equal(st.received, 4);
	assert_double_equal(st.loss_pct, 20.0, EPS);
	assert_int_equal(st.last_us, 17000);
	assert_double_equal(st.avg_us, 12500.0, EPS);
	assert_int_equal(st.best_us, 10000);
	assert_int_equal(st.worst_us, 17000);
	assert_double_equal(st.stdev_us, 3109.126351029605, 1e-6);
	assert_double_equal(st.median_us, 11500.0, EPS);
	assert_int_equal(st.p95_us, 17000);
	assert_double_equal(st.jitter_us, 3000.0, EPS);

	/* A loss after the last reply leaves Last alone (mtr). */
	latency_add(ls, 5000, LATENCY_LOST);
	latency_stats(ls, 0, &st);
	assert_int_equal(st.last_us, 17000);
	assert_double_equal(st.loss_pct, 100.0 * 2 / 6, EPS);
	latency_series_free(ls);
}

/*
 * p95 by nearest rank over 1..20 ms: rank ceil(0.95 * 20) = 19 -> 19000;
 * over 1..21 ms: ceil(19.95) = 20 -> 20000.  Median of 1..21 ms is the
 * 11th, 11000.  Adding in descending order checks that the statistics
 * sort: jitter is |diff| = 1000 each step whatever the direction.
 */
static void
test_percentile(void **state)
{
	struct latency_series	*ls = latency_series_new(100);
	struct latency_stats	 st;
	int			 i;

	for (i = 20; i >= 1; i--)
		latency_add(ls, 21 - i, 1000 * i);
	latency_stats(ls, 0, &st);
	assert_int_equal(st.p95_us, 19000);
	assert_double_equal(st.median_us, 10500.0, EPS);
	assert_double_equal(st.jitter_us, 1000.0, EPS);
	latency_add(ls, 21, 21000);
	latency_stats(ls, 0, &st);
	assert_int_equal(st.p95_us, 20000);
	assert_double_equal(st.median_us, 11000.0, EPS);
	/* 19 steps of 1000 then |21000 - 1000| = 20000: 39000 / 20 */
	assert_double_equal(st.jitter_us, 1950.0, EPS);
	latency_series_free(ls);
}

/*
 * A ring of 4 given 7 samples keeps the last four: 3000 lost 5000 6000
 * (the first three, 1000 2000 and a loss, are gone).
 *   Snt 4, received 3, Loss% 25, Best 3000, Wrst 6000, Avg 14000/3
 *   = 4666.67, median 5000, Last 6000
 *   StDev: deviations -1666.67, 333.33, 1333.33; squares 2777777.78,
 *   111111.11, 1777777.78 = 4666666.67; / 2 = 2333333.33; sqrt
 *   = 1527.5252...
 *   jitter (|5000-3000| + |6000-5000|) / 2 = 1500
 */
static void
test_wrap(void **state)
{
	struct latency_series	*ls = latency_series_new(4);
	struct latency_stats	 st;
	const int64_t		 rtt[] = { 1000, 2000, LATENCY_LOST, 3000,
				    LATENCY_LOST, 5000, 6000 };
	size_t			 i;

	for (i = 0; i < nitems(rtt); i++)
		latency_add(ls, 100 * (int64_t)i, rtt[i]);
	assert_int_equal(latency_series_count(ls), 4);
	assert_int_equal(latency_series_total(ls), 7);
	assert_int_equal(latency_stats(ls, 0, &st), 4);
	assert_int_equal(st.received, 3);
	assert_double_equal(st.loss_pct, 25.0, EPS);
	assert_int_equal(st.best_us, 3000);
	assert_int_equal(st.worst_us, 6000);
	assert_double_equal(st.avg_us, 14000.0 / 3, 1e-6);
	assert_double_equal(st.median_us, 5000.0, EPS);
	assert_int_equal(st.last_us, 6000);
	assert_double_equal(st.stdev_us, 1527.525231651947, 1e-6);
	assert_double_equal(st.jitter_us, 1500.0, EPS);
	assert_int_equal(st.first_ms, 300);
	assert_int_equal(st.last_ms, 600);
	latency_series_free(ls);
}

/*
 * Window cut: samples at 0, 10, 20, ... 90 s with RTT 1, 2, ... 10 ms.
 * A 30 s window ends at the newest (90 s) and keeps time > 60 s: 70, 80,
 * 90 s, RTTs 8, 9, 10 ms: Snt 3, Avg 9000, Best 8000, median 9000,
 * StDev sqrt((1e6 + 0 + 1e6) / 2) = 1000.  The sample at exactly 60 s is
 * outside.  A window longer than the span takes everything.
 */
static void
test_window(void **state)
{
	struct latency_series	*ls = latency_series_new(50);
	struct latency_stats	 st;
	int			 i;

	for (i = 0; i < 10; i++)
		latency_add(ls, 10000 * i, 1000 * (i + 1));
	assert_int_equal(latency_stats(ls, 30000, &st), 3);
	assert_int_equal(st.received, 3);
	assert_double_equal(st.avg_us, 9000.0, EPS);
	assert_int_equal(st.best_us, 8000);
	assert_int_equal(st.worst_us, 10000);
	assert_double_equal(st.median_us, 9000.0, EPS);
	assert_double_equal(st.stdev_us, 1000.0, EPS);
	assert_int_equal(st.first_ms, 70000);
	assert_int_equal(latency_stats(ls, 30001, &st), 4);
	assert_int_equal(latency_stats(ls, 1000000, &st), 10);
	/* 1..10 ms: Avg 5500, median (5000 + 6000) / 2, p95 rank 10. */
	assert_double_equal(st.avg_us, 5500.0, EPS);
	assert_double_equal(st.median_us, 5500.0, EPS);
	assert_int_equal(st.p95_us, 10000);
	/* The shortest window still holds the newest sample. */
	assert_int_equal(latency_stats(ls, 1, &st), 1);
	assert_int_equal(st.last_us, 10000);
	latency_series_free(ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_all_lost),
		cmocka_unit_test(test_one),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_window),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
