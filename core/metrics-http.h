/* SPDX-License-Identifier: ISC */
/*
 * The headless collector's GET /metrics (core/metrics-http.c): the
 * "metrics listen" line's listener, answering with metrics_write().
 */
#ifndef PEERTOP_METRICS_HTTP_H
#define PEERTOP_METRICS_HTTP_H

struct event_base;
struct model;
struct store;
struct metrics_http;

/*
 * Listen on the model's metrics.listen (af 0: 127.0.0.1) and port (-1:
 * any free port).  NULL with *cause NULL when the configuration has no
 * metrics line; NULL with *cause (the caller's to free) when it cannot
 * listen.  store may be NULL (no history).  The model and store must
 * outlive it.
 */
struct metrics_http *metrics_http_start(struct model *, struct event_base *,
	    struct store *, char **cause);
void		 metrics_http_stop(struct metrics_http *);	/* NULL: no-op */
int		 metrics_http_port(const struct metrics_http *);

#endif
