/* SPDX-License-Identifier: ISC */
/*
 * Tests for the latency monitor (core/latency-mon.c): samples fed with chosen
 * times and round trips through latency_mon_sample(), and every derived
 * figure and event checked by hand: a link's window columns, the store
 * sink, LatencyHigh / LossHigh / LatencyShift raised once and restored
 * only past their hysteresis, the nearest edge by latency, the link the
 * Overview shows, SuboptimalRouting by latency against the routed edge,
 * per-branch thresholds over the global ones, and late samples.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/latency-mon.h"
#include "core/model.h"
#include "core/util.h"
#include "tests/unit/unit.h"

static const char conf[] =
    "latency { window 60s recent 10s high 50ms loss 20% shift 20ms "
    "margin 10ms }\n"
    "branch \"hq\" { address 192.0.2.1 }\n"
    "branch \"lab\" { address 192.0.2.2 latency high 200ms loss 50% }\n";

struct sink_count {
	int		 n;
	int64_t		 last_rtt;
	char		 edge_target[64];
};

static void
sink_latency(void *arg, const struct latlink *l, int64_t t, int64_t rtt)
{
	struct sink_count	*sc = arg;

	(void)t;
	sc->n++;
	sc->last_rtt = rtt;
	snprintf(sc->edge_target, sizeof sc->edge_target, "%d %s",
	    l->edge_idx, l->target);
}

static struct model *
new_model_conf(struct sink_count *sc, const char *text)
{
	static const struct edge edges[] = {
		{ "sea", "Seattle", "US", 47.61, -122.33, "ER|PL" },
		{ "lax", "Los Angeles", "US", 34.05, -118.24, "ER|PL" },
		{ "ams", "Amsterdam", "NL", 52.37, 4.90, "ER|PL|PS" },
	};
	struct model	*m = model_new();
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; i < nitems(edges); i++)
		model_edge_set(m, &edges[i]);
	if (config_parse_buffer(m, "t.conf", text, strlen(text), &cause) != 0)
		fail_msg("config: %s", cause);
	m->sink.arg = sc;
	m->sink.latency = sink_latency;
	return (m);
}

static struct model *
new_model(struct sink_count *sc)
{
	return (new_model_conf(sc, conf));
}

/* Events of a type in the ring, and the newest one's summary. */
static int
count_events(const struct model *m, const char *type, const char **summary)
{
	const struct event	*ev;
	size_t			 i;
	int			 n = 0;

	for (i = 0; (ev = model_event(m, i)) != NULL; i++) {
		if (strcmp(ev->type, type) != 0)
			continue;
		n++;
		if (summary != NULL)
			*summary = ev->summary;
	}
	return (n);
}

/* n samples of rtt (ms, -1 lost) every step ms from *t on. */
static struct latlink *
feed(struct model *m, struct branch *b, const char *edge, const char *target,
    int n, double rtt_ms, int step, int64_t *t)
{
	struct latlink	*l = NULL;
	int		 i;

	for (i = 0; i < n; i++, *t += step) {
		l = latency_mon_sample(m, b, model_edge_find(m, edge), target,
		    LAT_PROBE, *t, rtt_ms < 0 ? -1 : (int64_t)(rtt_ms * 1000));
		turn(m);
	}
	return (l);
}

static void
test_columns(void **state)
{
	struct sink_count	 sc = { 0 };
	struct model		*m = new_model(&sc);
	struct branch		*b = model_branch_find(m, "hq");
	struct latlink		*l;
	int64_t			 t = 1000000;
	static const int	 rtts[] = { 10, 14, -1, 12, 20, -1, 16 };
	size_t			 i;

	(void)state;
	assert_int_equal(b->lat_main, -1);
	for (i = 0; i < nitems(rtts); i++, t += 1000) {
		l = latency_mon_sample(m, b, model_edge_find(m, "sea"), "t1",
		    LAT_PROBE, t, rtts[i] < 0 ? -1 : rtts[i] * 1000);
		turn(m);
	}
	/* Replies 10 14 12 20 16: mean 14.4, median 14, sample stdev
	 * sqrt(59.2 / 4) = 3.847, p95 rank ceil(4.75) = 5 -> 20, jitter
	 * (4 + 2 + 8 + 4) / 4 = 4.5; 2 of 7 lost. */
	assert_non_null(l);
	assert_int_equal(l->sent, 7);
	assert_int_equal(l->received, 5);
	assert_true(l->loss_pct > 28.57 && l->loss_pct < 28.58);
	assert_int_equal(l->last_us, 16000);
	assert_true(l->avg_us == 14400);
	assert_int_equal(l->best_us, 10000);
	assert_int_equal(l->worst_us, 20000);
	assert_true(l->stdev_us > 3847 && l->stdev_us < 3848);
	assert_true(l->median_us == 14000);
	assert_int_equal(l->p95_us, 20000);
	assert_true(l->jitter_us == 4500);
	assert_int_equal(l->total, 7);
	assert_string_equal(l->target, "t1");
	assert_int_equal(b->nlinks, 1);
	assert_int_equal(b->lat_main, 0);
	assert_int_equal(b->lat_nearest, model_edge_find(m, "sea"));
	assert_true(b->lat_nearest_us == 14000);
	/* Every sample reached the sink, losses as negative. */
	assert_int_equal(sc.n, 7);
	assert_int_equal(sc.last_rtt, 16000);
	assert_string_equal(sc.edge_target, "0 t1");
	assert_true(m->dirty & DIRTY_LATENCY);
	/* Loss 28.6% > 20%: LossHigh once. */
	assert_int_equal(count_events(m, "LossHigh", NULL), 1);
	assert_int_equal(count_events(m, "LatencyHigh", NULL), 0);

	/* The window is 60 s: 61 s later only the new samples count. */
	t += 61000;
	l = feed(m, b, "sea", "t1", 1, 30, 1000, &t);
	assert_int_equal(l->sent, 1);
	assert_int_equal(l->received, 1);
	/* A sample older than the window reaches the history only. */
	l = latency_mon_sample(m, b, 0, "t1", LAT_AGENT, t - 120000, 5000);
	turn(m);
	assert_int_equal(l->sent, 1);
	assert_int_equal(sc.n, 9);
	assert_int_equal(l->source, LAT_PROBE);
	/* Bad edge index: nothing. */
	assert_null(latency_mon_sample(m, b, 7, "x", LAT_PROBE, t, 1));
	assert_null(latency_mon_sample(m, b, -1, "x", LAT_PROBE, t, 1));
	model_free(m);
}

static void
test_high_and_loss(void **state)
{
	struct sink_count	 sc = { 0 };
	struct model		*m = new_model(&sc);
	struct branch		*b = model_branch_find(m, "hq");
	struct branch		*lab = model_branch_find(m, "lab");
	struct latlink		*l;
	const char		*sum = NULL;
	int64_t			 t = 5000000;

	(void)state;
	/* Four slow replies: below LATMON_MIN_SAMPLES, nothing yet. */
	feed(m, b, "sea", NULL, 4, 80, 1000, &t);
	assert_int_equal(count_events(m, "LatencyHigh", NULL), 0);
	l = feed(m, b, "sea", NULL, 1, 80, 1000, &t);
	assert_int_equal(count_events(m, "LatencyHigh", &sum), 1);
	assert_string_equal(sum, "hq to sea: median 80.0 ms, threshold 50.0 ms");
	assert_true(l->flags & LAT_F_HIGH);
	/* Still high: raised once. */
	feed(m, b, "sea", NULL, 5, 80, 1000, &t);
	assert_int_equal(count_events(m, "LatencyHigh", NULL), 1);
	/* Median 48 ms: under the threshold but above 90% (45): held. */
	t += 61000;
	feed(m, b, "sea", NULL, 5, 48, 1000, &t);
	assert_true(l->flags & LAT_F_HIGH);
	assert_int_equal(count_events(m, "LatencyHighResolved", NULL), 0);
	/* 40 ms everywhere in the window: restored once. */
	t += 61000;
	feed(m, b, "sea", NULL, 5, 40, 1000, &t);
	assert_false(l->flags & LAT_F_HIGH);
	assert_int_equal(count_events(m, "LatencyHighResolved", &sum), 1);
	assert_string_equal(sum, "hq to sea: median 40.0 ms, threshold 50.0 ms");

	/* Loss: 3 of 10 lost (30%) raises; 3 of 15 (20%) and 3 of 29
	 * (10.3%) hold; 3 of 30 (10%, half the threshold) restores. */
	t += 61000;
	feed(m, b, "lax", NULL, 7, 30, 1000, &t);
	l = feed(m, b, "lax", NULL, 3, -1, 1000, &t);
	assert_true(l->flags & LAT_F_LOSS);
	assert_int_equal(count_events(m, "LossHigh", NULL), 1);
	feed(m, b, "lax", NULL, 5, 30, 1000, &t);
	assert_true(l->flags & LAT_F_LOSS);
	feed(m, b, "lax", NULL, 14, 30, 1000, &t);
	assert_int_equal(l->sent, 29);
	assert_true(l->flags & LAT_F_LOSS);
	feed(m, b, "lax", NULL, 1, 30, 1000, &t);
	assert_false(l->flags & LAT_F_LOSS);
	assert_int_equal(count_events(m, "LossHighResolved", NULL), 1);

	/* The lab branch's own thresholds: 80 ms and 30% loss are fine. */
	feed(m, lab, "sea", NULL, 7, 80, 1000, &t);
	l = feed(m, lab, "sea", NULL, 3, -1, 1000, &t);
	assert_int_equal(l->flags, 0);
	assert_int_equal(count_events(m, "LatencyHigh", NULL), 1);
	/* 100% loss: LossHigh at Error. */
	t += 61000;
	feed(m, lab, "ams", NULL, 6, -1, 1000, &t);
	assert_int_equal(count_events(m, "LossHigh", NULL), 2);
	assert_int_equal(model_event(m, m->nevents - 1)->level, LVL_ERROR);
	model_free(m);
}

/* SmokePing's median step: the last 10 s against the 50 s before. */
static void
test_shift(void **state)
{
	struct sink_count	 sc = { 0 };
	struct model		*m = new_model(&sc);
	struct branch		*b = model_branch_find(m, "hq");
	struct latlink		*l;
	const char		*sum = NULL;
	int64_t			 t = 9000000;

	(void)state;
	feed(m, b, "ams", "x", 40, 10, 1000, &t);
	assert_int_equal(count_events(m, "LatencyShift", NULL), 0);
	/* 35 ms for 10 s: the recent median moves by 25 > 20 ms. */
	l = feed(m, b, "ams", "x", 10, 35, 1000, &t);
	assert_true(l->flags & LAT_F_SHIFT);
	assert_int_equal(count_events(m, "LatencyShift", &sum), 1);
	assert_string_equal(sum, "hq to ams x: median rose from 10.0 ms to "
	    "35.0 ms over the last 10s");
	assert_int_equal(model_event(m, m->nevents - 1)->level, LVL_WARNING);
	assert_true(l->baseline_us == 10000);
	/* Back to 12 ms: within half the shift (10 ms): restored. */
	feed(m, b, "ams", "x", 11, 12, 1000, &t);
	assert_false(l->flags & LAT_F_SHIFT);
	assert_int_equal(count_events(m, "LatencyShiftResolved", &sum), 1);
	assert_string_equal(sum, "hq to ams x: median back to 12.0 ms over the "
	    "last 10s, baseline 10.0 ms");
	assert_int_equal(count_events(m, "LatencyShift", NULL), 1);
	model_free(m);
}

/*
 * LatencyShift scripts on hq's ams link (window 60 s, recent 10 s, shift
 * 20 ms), one sample a second: each step feeds n samples of rtt ms, then
 * checks how many LatencyShift and LatencyShiftResolved there are, whether
 * the shift is open, the baseline (ms, when not 0) and the newest event's
 * summary (when given).
 */
struct shift_step {
	int		 n;
	double		 rtt_ms;
	int		 raised, resolved, open;
	double		 baseline_ms;
	const char	*summary;
};

static void
run_shift(const struct shift_step *steps, size_t nsteps)
{
	struct sink_count	 sc = { 0 };
	struct model		*m = new_model(&sc);
	struct branch		*b = model_branch_find(m, "hq");
	struct latlink		*l;
	const struct shift_step	*st;
	int64_t			 t = 9000000;
	size_t			 i;

	for (i = 0; i < nsteps; i++) {
		st = &steps[i];
		l = feed(m, b, "ams", NULL, st->n, st->rtt_ms, 1000, &t);
		assert_int_equal(count_events(m, "LatencyShift", NULL),
		    st->raised);
		assert_int_equal(count_events(m, "LatencyShiftResolved", NULL),
		    st->resolved);
		assert_int_equal(!!(l->flags & LAT_F_SHIFT), st->open);
		if (st->baseline_ms != 0)
			assert_true(l->baseline_us == st->baseline_ms * 1000);
		if (st->summary != NULL)
			assert_string_equal(model_event(m, m->nevents - 1)->
			    summary, st->summary);
	}
	model_free(m);
}

/*
 * A rise that stays for most of the window, then recovers: the shift
 * stays open at 354 ms although the window fills with it (the baseline
 * is held), and the recovery is its resolution, not a new warning.  It
 * is raised when the recent median first passes: half way up.  Rising
 * again soon after, while the window still holds 354 ms, is a new shift
 * from the held 4 ms.
 */
static void
test_shift_rise_stay_recover(void **state)
{
	static const struct shift_step steps[] = {
		{ 50, 4, 0, 0, 0, 4, NULL },
		{ 6, 354, 1, 0, 1, 4, "hq to ams: median rose from 4.0 ms to "
		    "179.0 ms over the last 10s" },
		{ 39, 354, 1, 0, 1, 4, NULL },
		{ 11, 4, 1, 1, 0, 4, "hq to ams: median back to 4.0 ms over "
		    "the last 10s, baseline 4.0 ms" },
		{ 4, 4, 1, 1, 0, 4, NULL },
		{ 6, 354, 2, 1, 1, 4, "hq to ams: median rose from 4.0 ms to "
		    "179.0 ms over the last 10s" },
	};

	(void)state;
	run_shift(steps, nitems(steps));
}

/*
 * A rise that lasts a whole window since it was raised becomes the
 * baseline (said so); going back down from it later is an improvement,
 * which raises nothing.
 */
static void
test_shift_persists(void **state)
{
	static const struct shift_step steps[] = {
		{ 50, 4, 0, 0, 0, 4, NULL },
		{ 60, 354, 1, 0, 1, 4, NULL },
		{ 10, 354, 1, 1, 0, 354, "hq to ams: median 354.0 ms for the "
		    "whole 60s window since it rose from 4.0 ms: the new "
		    "baseline" },
		{ 70, 4, 1, 1, 0, 4, NULL },
	};

	(void)state;
	run_shift(steps, nitems(steps));
}

/*
 * An improvement (50 ms to 5 ms, say after a fix) raises nothing and
 * becomes the baseline: going back to 50 ms then is a shift.
 */
static void
test_shift_drop(void **state)
{
	static const struct shift_step steps[] = {
		{ 50, 50, 0, 0, 0, 50, NULL },
		{ 10, 5, 0, 0, 0, 50, NULL },
		{ 60, 5, 0, 0, 0, 5, NULL },
		{ 10, 50, 1, 0, 1, 5, "hq to ams: median rose from 5.0 ms to "
		    "27.5 ms over the last 10s" },
	};

	(void)state;
	run_shift(steps, nitems(steps));
}

/*
 * Flapping around the threshold: 35 ms and 25 ms over a 10 ms baseline
 * (25 and 15 above it, the shift 20, its half 10) raise once and stay
 * raised; only 12 ms restores, once, and 25 ms after it is no new shift.
 */
static void
test_shift_flap(void **state)
{
	static const struct shift_step steps[] = {
		{ 50, 10, 0, 0, 0, 10, NULL },
		{ 10, 35, 1, 0, 1, 10, NULL },
		{ 10, 25, 1, 0, 1, 10, NULL },
		{ 10, 35, 1, 0, 1, 10, NULL },
		{ 10, 25, 1, 0, 1, 10, NULL },
		{ 10, 12, 1, 1, 0, 10, NULL },
		{ 10, 25, 1, 1, 0, 0, NULL },
		{ 10, 12, 1, 1, 0, 0, NULL },
		{ 10, 25, 1, 1, 0, 0, NULL },
	};

	(void)state;
	run_shift(steps, nitems(steps));
}

/* Nearest by latency, the Overview's link, SuboptimalRouting by margin. */
static void
test_nearest_and_routing(void **state)
{
	struct sink_count	 sc = { 0 };
	struct model		*m = new_model(&sc);
	struct branch		*b = model_branch_find(m, "hq");
	const char		*sum = NULL;
	int64_t			 t = 2000000;
	int			 sea = model_edge_find(m, "sea");
	int			 lax = model_edge_find(m, "lax");

	(void)state;
	feed(m, b, "lax", NULL, 5, 30, 100, &t);
	feed(m, b, "sea", "a", 5, 12, 100, &t);
	feed(m, b, "sea", "b", 5, 8, 100, &t);
	assert_int_equal(b->nlinks, 3);
	assert_int_equal(b->lat_nearest, sea);
	assert_true(b->lat_nearest_us == 8000);
	/* Nothing routed: the fastest link is shown, nothing judged. */
	assert_int_equal(b->lat_main, 2);
	assert_int_equal(b->lat_suboptimal, 0);

	/* Routed via lax, 22 ms slower than sea > 10 ms margin. */
	b->routed = lax;
	feed(m, b, "lax", NULL, 1, 30, 100, &t);
	assert_int_equal(b->lat_main, 0);
	assert_int_equal(b->lat_suboptimal, 1);
	assert_int_equal(count_events(m, "SuboptimalRouting", &sum), 1);
	assert_string_equal(sum, "hq enters Microsoft at lax (30.0 ms), 22.0 "
	    "ms slower than sea (8.0 ms)");
	/* Raised once. */
	latency_mon_branch(m, b, t);
	assert_int_equal(count_events(m, "SuboptimalRouting", NULL), 1);

	/* Routed via sea: its best link is b; resolved. */
	b->routed = sea;
	latency_mon_branch(m, b, t);
	assert_int_equal(b->lat_main, 2);
	assert_int_equal(b->lat_suboptimal, 0);
	assert_int_equal(count_events(m, "SuboptimalRoutingResolved", &sum),
	    1);
	assert_string_equal(sum, "hq enters Microsoft at sea (8.0 ms), its "
	    "fastest edge");
	model_free(m);
}

/*
 * Issue 12: sea answers fastest, but the partner has no session there:
 * routing via lax, the fastest edge it can deliver at, is not
 * suboptimal; via ams, 40 ms slower than lax, it is, against lax.
 */
static void
test_routing_deliverable(void **state)
{
	static const char	 pconf[] =
	    "latency { window 60s margin 10ms }\n"
	    "partner \"isp\" as 64500 {\n"
	    "\tsession \"l1\" neighbor 192.0.2.1 router \"r1\" edge lax "
	    "role primary\n"
	    "\tsession \"a1\" neighbor 192.0.2.3 router \"r3\" edge ams "
	    "role backup\n"
	    "}\n"
	    "branch \"hq\" { partner \"isp\" address 192.0.2.9 }\n";
	struct sink_count	 sc = { 0 };
	struct model		*m = new_model_conf(&sc, pconf);
	struct branch		*b = model_branch_find(m, "hq");
	const char		*sum = NULL;
	int64_t			 t = 2000000;
	int			 sea = model_edge_find(m, "sea");
	double			 med;

	(void)state;
	feed(m, b, "sea", NULL, 5, 8, 100, &t);
	feed(m, b, "ams", NULL, 5, 70, 100, &t);
	b->routed = model_edge_find(m, "lax");
	feed(m, b, "lax", NULL, 5, 30, 100, &t);
	assert_int_equal(b->lat_nearest, sea);
	assert_int_equal(latency_mon_fastest(m, b, 0, &med), sea);
	assert_true(med == 8000);
	assert_int_equal(latency_mon_fastest(m, b, 1, &med), b->routed);
	assert_true(med == 30000);
	assert_int_equal(b->lat_suboptimal, 0);
	assert_int_equal(count_events(m, "SuboptimalRouting", NULL), 0);

	b->routed = model_edge_find(m, "ams");
	feed(m, b, "ams", NULL, 1, 70, 100, &t);
	assert_int_equal(b->lat_suboptimal, 1);
	assert_int_equal(count_events(m, "SuboptimalRouting", &sum), 1);
	assert_string_equal(sum, "hq enters Microsoft at ams (70.0 ms), 40.0 "
	    "ms slower than lax (30.0 ms)");
	model_free(m);
}

/* In one loop turn the window is recomputed once, by its pass. */
static void
test_batch(void **state)
{
	struct sink_count	 sc = { 0 };
	struct model		*m = new_model(&sc);
	struct branch		*b = model_branch_find(m, "hq");
	struct latlink		*l;
	int64_t			 t = 3000000;

	(void)state;
	turn_begin();
	l = feed(m, b, "sea", NULL, 10, 80, 1000, &t);
	/* Stored one by one, judged not yet. */
	assert_int_equal(sc.n, 10);
	assert_int_equal(l->sent, 0);
	assert_true(l->stale);
	assert_int_equal(count_events(m, "LatencyHigh", NULL), 0);
	turn_end(m);
	assert_false(l->stale);
	assert_int_equal(l->sent, 10);
	assert_true(l->median_us == 80000);
	assert_int_equal(b->lat_nearest, model_edge_find(m, "sea"));
	assert_int_equal(count_events(m, "LatencyHigh", NULL), 1);
	assert_int_equal(model_event(m, m->nevents - 1)->time_ms, t - 1000);
	model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_high_and_loss),
		cmocka_unit_test(test_shift),
		cmocka_unit_test(test_shift_rise_stay_recover),
		cmocka_unit_test(test_shift_persists),
		cmocka_unit_test(test_shift_drop),
		cmocka_unit_test(test_shift_flap),
		cmocka_unit_test(test_nearest_and_routing),
		cmocka_unit_test(test_routing_deliverable),
		cmocka_unit_test(test_batch),
	};

	log_set_quiet(1);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
