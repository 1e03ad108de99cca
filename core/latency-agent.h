/* SPDX-License-Identifier: ISC */
/*
 * The pushing half of "peertop agent": a bounded FIFO of latency samples
 * and a pusher that POSTs them in batches to a collector's ingest
 * endpoint (latency-ingest.h) with libevent's HTTP client.
 *
 * Samples leave the FIFO only when the collector answered 200 for the
 * batch that carried them.  While the collector is unreachable (refused,
 * timed out, 5xx, 401) they stay and the pusher backs off, 500 ms
 * doubling to 10 s; when the FIFO is full the oldest sample is dropped
 * and counted as overflow.  A 4xx other than 401, 413 and 503 says the
 * batch itself is bad: it is dropped and counted as rejected (a 413
 * halves the batch size instead).  So every sample added ends up counted
 * exactly once: sent, rejected, overflowed, or still queued.
 */
#ifndef PEERTOP_LATENCY_AGENT_H
#define PEERTOP_LATENCY_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

#define AGENT_BUFFER_DEFAULT	100000
#define AGENT_BATCH_DEFAULT	1000
#define AGENT_PUSH_MS_DEFAULT	1000
#define AGENT_BACKOFF_MIN_MS	500
#define AGENT_BACKOFF_MAX_MS	10000
#define AGENT_TIMEOUT_MS	5000	/* one push, connect to answer */

/* One sample; the strings are the caller's and must outlive the FIFO. */
struct agent_sample {
	const char	*branch;
	const char	*edge;
	const char	*target;	/* may be "" */
	int64_t		 time_ms;	/* wall */
	int64_t		 rtt_us;	/* < 0: lost */
	uint64_t	 n;		/* numbered by the FIFO when added */
};

/*
 * The FIFO: a ring of cap samples.  The oldest held entries are in flight
 * (their contents are already in the request body): latency_agent_fifo_ack()
 * removes them, latency_agent_fifo_release() keeps them for the next try.  When
 * full, a push drops the oldest sample (counted in overflow), or the new
 * one when every queued sample is in flight, so the held count always
 * names exactly what the collector acknowledges.
 */
struct agent_fifo {
	struct agent_sample	*ring;
	size_t			 cap, head, len;
	size_t			 held;
	uint64_t		 overflow;
	uint64_t		 next_n;	/* the next sample's number */
};

void	 latency_agent_fifo_init(struct agent_fifo *, size_t cap);
void	 latency_agent_fifo_free(struct agent_fifo *);
/* 0, or 1 when a sample was dropped to make room. */
int	 latency_agent_fifo_push(struct agent_fifo *,
	    const struct agent_sample *);
/* The i-th oldest (0 <= i < len). */
const struct agent_sample *latency_agent_fifo_at(const struct agent_fifo *,
	    size_t);
void	 latency_agent_fifo_hold(struct agent_fifo *, size_t n);
/* Remove the held samples; returns how many. */
size_t	 latency_agent_fifo_ack(struct agent_fifo *);
void	 latency_agent_fifo_release(struct agent_fifo *);

struct agent_stats {
	uint64_t	 added;		/* given to latency_agent_add() */
	uint64_t	 sent;		/* acknowledged with a 200 */
	uint64_t	 unmapped;	/* of those, not mapped there */
	uint64_t	 dropped_overflow;
	uint64_t	 dropped_rejected;	/* in batches refused 4xx */
	uint64_t	 pushes;	/* requests made */
	uint64_t	 failures;	/* requests not answered 200 */
	size_t		 queued;	/* in the FIFO now, in flight too */
	int		 last_code;	/* last HTTP status, 0 none */
	char		 last_error[160];	/* "" none yet */
	/* The first error of the failures since the last delivery: a
	 * refused certificate, then "connection refused" once the
	 * collector stopped, is about the certificate. */
	char		 first_error[160];
};

struct event_base;
struct agent;

/*
 * From the "agent" block (host, port, token, buffer, batch, push_ms);
 * NULL and *cause when host is empty.  Pushing starts at once.
 */
struct agent	*latency_agent_new(struct event_base *,
	    const struct agent_conf *,
		    char **cause);
/* Frees a request in flight without waiting for it. */
void		 latency_agent_free(struct agent *);
void		 latency_agent_add(struct agent *, const struct agent_sample *);
/*
 * Stop waiting for the interval and the backoff: push what is queued
 * now, batch after batch, and call done(arg) once the FIFO is empty or a
 * push has failed (what is left then is lost on exit).
 */
void		 latency_agent_finish(struct agent *, void (*done)(void *),
	    void *);
const struct agent_stats *latency_agent_stats(const struct agent *);
/* "pushing to 127.0.0.1:8425: ok", "...: connection refused, retry in 2s" */
const char	*latency_agent_status(const struct agent *);

#endif
