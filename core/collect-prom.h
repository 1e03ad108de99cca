/* SPDX-License-Identifier: ISC */
/*
 * A Prometheus poller: every interval, GET /api/v1/query?query=PROMQL from
 * one Prometheus over plain HTTP with libevent's evhttp client, parse the
 * answer with latency_prom_parse() and hand the fresh samples to a callback.
 * Each poller keeps its status in words (connection refused, timeout, HTTP
 * status, bad JSON, Prometheus error, stale series) for the UI.  Not yet
 * wired to the model or the config: the caller owns the conf strings and
 * decides what the samples become.
 */
#ifndef PEERTOP_COLLECT_PROM_H
#define PEERTOP_COLLECT_PROM_H

#include <stdint.h>

#include "core/latency-prom.h"

struct event_base;
struct collect_prom;

struct collect_prom_conf {
	const char	*host;		/* numeric address best: a name is
					   resolved blocking, once (no
					   evdns base yet) */
	uint16_t	 port;		/* 0: 9090 */
	const char	*path;		/* NULL: "/api/v1/query" */
	const char	*query;		/* PromQL, URL-encoded here */
	uint32_t	 interval_ms;	/* 0: 10 s */
	uint32_t	 timeout_ms;	/* 0: the interval, at most 30 s */
	uint32_t	 stale_ms;	/* 0: 3 intervals */
	struct prom_map	 map;
};

/*
 * Called after every poll.  ok is 1 when the response parsed: r holds the
 * fresh samples (stale ones moved to its errors); r is valid only during
 * the call.  ok 0: the poll failed, r is NULL, collect_prom_status() says
 * why.  The callback must not free the poller.
 */
typedef void (*collect_prom_cb)(struct collect_prom *, int ok,
		    const struct prom_result *r, void *arg);

struct collect_prom_stats {
	uint64_t	polls;		/* requests sent */
	uint64_t	ok;		/* responses parsed */
	uint64_t	failed;
	uint64_t	samples;	/* fresh samples delivered */
	uint64_t	stale;		/* series dropped as stale */
	uint64_t	series_errors;
	uint64_t	overruns;	/* ticks skipped, a poll in flight */
};

/* NULL with *cause (free it) on a bad conf.  Nothing is sent until start. */
struct collect_prom *collect_prom_new(struct event_base *,
		    const struct collect_prom_conf *, collect_prom_cb, void *,
		    char **cause);
/* First poll now, then every interval. */
void		 collect_prom_start(struct collect_prom *);
void		 collect_prom_free(struct collect_prom *);
/* "ok: 3 samples", "connection refused", "HTTP 500", ...; never NULL. */
const char	*collect_prom_status(const struct collect_prom *);
const struct collect_prom_stats *collect_prom_stats(const struct collect_prom *);
/* The request URI sent (path?query=...), for logs and tests. */
const char	*collect_prom_uri(const struct collect_prom *);

#endif
