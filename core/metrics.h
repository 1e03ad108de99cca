/* SPDX-License-Identifier: ISC */
/*
 * The collector's state in OpenMetrics text (OpenMetrics 1.0), for
 * Prometheus to scrape from a headless collector's GET /metrics
 * (core/metrics-http.c).  Names follow OpenBGPD's "bgpctl show metrics"
 * and bird_exporter where they overlap, prefixed "peertop_".
 *
 * metrics_write() is pure: the model and the figures the caller gathers
 * (the RIB's, the history writer's) in, text out; no clock, no I/O but
 * the FILE, so the unit tests and the benchmark drive the same code.
 */
#ifndef PEERTOP_METRICS_H
#define PEERTOP_METRICS_H

#include <stdio.h>

#include "core/model.h"
#include "core/rib.h"
#include "core/store.h"

#define METRICS_PORT_DEFAULT	9425
#define METRICS_PATH		"/metrics"
#define METRICS_CONTENT_TYPE	"application/openmetrics-text; " \
				"version=1.0.0; charset=utf-8"
#define METRICS_TEXT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/*
 * OpenMetrics for Prometheus (it asks for it in Accept), else the older
 * Prometheus text format for curl and promtool: the same samples, with
 * state sets as gauges and no units or "# EOF".
 */
enum metrics_format { METRICS_TEXT, METRICS_OPENMETRICS };

/* What is not in the model; a part the collector does not run is left out. */
struct metrics_stats {
	int			 have_rib;
	struct rib_stats	 rib;
	int			 have_store;
	struct store_writer	 store;
};

/* The exposition ("# EOF" last in OpenMetrics); -1 if writing failed. */
int	 metrics_write(FILE *, const struct model *,
	    const struct metrics_stats *, enum metrics_format);
/*
 * A label value escaped for the exposition (backslash, double quote and
 * newline), into buf of len bytes, cut short rather than overflowed.
 */
const char *metrics_escape(const char *, char *, size_t);

#endif
