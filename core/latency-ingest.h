/* SPDX-License-Identifier: ISC */
/*
 * The HTTP ingest endpoint branch agents push latency samples to.
 *
 * Protocol: POST /v1/samples with a JSON body
 *
 *	{"agent": "seattle-hq", "seq": 17, "samples": [
 *	    {"branch": "seattle", "edge": "sea", "target": "192.0.2.1",
 *	     "time_ms": 1764000000000, "rtt_us": 30123}, ...]}
 *
 * Optional "run" (the agent's run id) and "first" (the first sample's
 * number in that run, the others following one by one) let the collector
 * drop samples it has stored already, when a batch whose 200 was lost on
 * the way comes again; they count as accepted.
 *
 * "rtt_us" null or negative is a lost probe.  With a token configured the
 * request must carry "Authorization: Bearer TOKEN".  Answers: 200
 * {"accepted": N, "unmapped": M} once the batch is committed to the
 * history (M samples named a branch or edge this collector does not
 * know: acknowledged, not stored, not to be retried),
 * 400 {"error": "..."} for a malformed batch (nothing of it is stored),
 * 401 for a missing or wrong token, 404 for another path, 405 for another
 * method, 413 for a body over the limit, 503 when the history cannot take
 * the samples now (retry later).
 *
 * latency_ingest_parse() is pure (no I/O, no printing) so the server, the unit
 * tests and the fuzz harness drive the same code.
 */
#ifndef PEERTOP_LATENCY_INGEST_H
#define PEERTOP_LATENCY_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

#define INGEST_PORT_DEFAULT	8425
#define INGEST_PATH		"/v1/samples"
#define INGEST_BODY_MAX		(1024 * 1024)	/* default body limit */
#define INGEST_DEPTH_MAX	8		/* JSON nesting; a batch is 3 */
#define INGEST_SAMPLES_MAX	10000		/* default samples per batch */
#define INGEST_RTT_MAX_US	60000000LL	/* a minute: more is no RTT */
#define INGEST_ERR_MAX		160
#define INGEST_REQUEST_TIMEOUT_MS 30000	/* default: a whole request */
#define INGEST_CONNS_DEFAULT	256		/* default connections open */
#define INGEST_CONNS_MAX	10000

struct ingest_sample {
	char		 branch[NAME_MAX_PT];
	char		 edge[NAME_MAX_PT];
	char		 target[NAME_MAX_PT];	/* may be "" */
	int64_t		 time_ms;	/* wall */
	int64_t		 rtt_us;	/* -1: lost */
};

/* A validated batch; samples owned by it (latency_ingest_batch_free()). */
struct ingest_batch {
	char			 agent[NAME_MAX_PT];
	uint64_t		 seq;
	/* Optional: the agent's run id and the first sample's number in
	 * that run (the rest follow one by one); run "" when absent. */
	char			 run[NAME_MAX_PT];
	uint64_t		 first;
	struct ingest_sample	*samples;
	size_t			 nsamples;
};

/* What latency_ingest_parse() accepts; 0 fields take the defaults. */
struct ingest_limits {
	size_t		 max_body;	/* INGEST_BODY_MAX */
	size_t		 max_samples;	/* INGEST_SAMPLES_MAX */
	int64_t		 now_ms;	/* wall "now"; 0: the clock */
	int64_t		 max_age_ms;	/* oldest sample taken; 0: 7 days */
	int64_t		 max_ahead_ms;	/* clock skew allowed; 0: 5 min */
};

/*
 * Parse and validate body (len bytes, need not be NUL-terminated): every
 * field's type, names 1..NAME_MAX_PT-1 bytes without control characters
 * (the target may be empty), time_ms within the limits, rtt_us an integer
 * up to INGEST_RTT_MAX_US or null, at most max_samples samples, nesting at
 * most INGEST_DEPTH_MAX.  All or nothing: 0 with *b filled, or -1 with b
 * empty and the reason in err (INGEST_ERR_MAX bytes, sanitised).
 */
int	 latency_ingest_parse(const char *body, size_t len,
	    const struct ingest_limits *, struct ingest_batch *b, char *err);
void	 latency_ingest_batch_free(struct ingest_batch *);

/*
 * The server.  The callback sees each validated batch twice.  First with
 * commit 0, before anything is stored: it returns how many samples it
 * can map to a known branch and edge (the rest are "unmapped"), or -1
 * when it cannot take them now (503), and keeps nothing.  Then at once
 * with commit 1: now it stores them, and sets *wait to the number of the
 * history's row that must be committed before the agent hears 200 (0:
 * nothing to wait for, no history).  The owner reports the history's
 * commits with latency_ingest_committed(); the 200s wait for them, so a
 * 200 means "in the file".  A collector killed before the commit has
 * acknowledged nothing of the batch: the agent still holds it and sends
 * it again.
 */
struct event_base;
struct ingest;
typedef int	(*ingest_cb)(void *arg, const struct ingest_batch *,
		    int commit, uint64_t *wait);

/* Why requests were refused, for the counters. */
enum ingest_reject {
	INGEST_REJ_MALFORMED = 0,	/* 400 */
	INGEST_REJ_AUTH,		/* 401 */
	INGEST_REJ_PATH,		/* 404 */
	INGEST_REJ_METHOD,		/* 405 */
	INGEST_REJ_UNAVAILABLE,		/* 503 */
	INGEST_REJ_MAX
};
const char	*latency_ingest_reject_name(enum ingest_reject);

struct ingest_stats {
	uint64_t	 requests;	/* that reached the handler */
	uint64_t	 batches;	/* stored and answered 200 */
	uint64_t	 accepted;	/* samples mapped, in those */
	uint64_t	 unmapped;	/* samples acknowledged, not mapped */
	uint64_t	 undelivered;	/* stored, the agent went before the
					 * 200: it sends them again */
	uint64_t	 timeouts;	/* closed unread at the deadline */
	uint64_t	 uncommitted;	/* 503: no commit by the deadline */
	uint64_t	 capped;	/* times max_conns were open */
	uint64_t	 accept_errors;	/* accept() failed (out of fds) */
	uint64_t	 rejected[INGEST_REJ_MAX];
	int64_t		 last_ms;	/* wall time of the last batch, 0 */
	char		 last_agent[NAME_MAX_PT];
};

/*
 * Listen on conf->listen (af 0: 127.0.0.1) and conf->port (0: 8425, -1:
 * any free port).  Bodies over conf->max_body (0: INGEST_BODY_MAX) are
 * answered 413 by libevent itself, before the handler, so they are not in
 * the counters.  NULL and *cause on error.
 */
struct ingest	*latency_ingest_new(struct event_base *,
	    const struct ingest_conf *,
		    ingest_cb, void *arg, char **cause);
void		 latency_ingest_free(struct ingest *);
int		 latency_ingest_port(const struct ingest *);	/* bound port */
const struct ingest_stats *latency_ingest_stats(const struct ingest *);
/* "listening on 127.0.0.1:8425, 12 batches, ..." */
const char	*latency_ingest_status(const struct ingest *);
/* The history has committed every row up to seq: send the 200s. */
void		 latency_ingest_committed(struct ingest *, uint64_t seq);
/* Batches stored whose 200 waits for a commit. */
size_t		 latency_ingest_waiting(const struct ingest *);
/* Connections open now. */
size_t		 latency_ingest_conns(const struct ingest *);

/* The ingest collector's bound port, -1 when not listening. */
int		 collect_ingest_port(const struct collector *);
const struct ingest *collect_ingest_server(const struct collector *);

#endif
