/* SPDX-License-Identifier: ISC */
/*
 * Prometheus HTTP API responses (GET /api/v1/query, an instant query) turned
 * into latency samples.  The body is JSON, parsed with jansson;
 * latency_prom_parse() is pure (no I/O, no printing) so the poller
 * (collect-prom.c), the unit tests and the fuzz harness all drive the same
 * code.  A vector result gives one sample per series: the caller names the
 * labels that carry the branch, the edge and the target, and the scale from the
 * metric's unit to microseconds (1e6 for blackbox_exporter's *_seconds).
 * Everything taken from labels or error texts is sanitised.
 */
#ifndef PEERTOP_LATENCY_PROM_H
#define PEERTOP_LATENCY_PROM_H

#include <stddef.h>
#include <stdint.h>

#define PROM_BODY_MAX		(1024 * 1024)	/* bytes: larger is refused */
#define PROM_DEPTH_MAX		16		/* JSON nesting; a vector is 5 */
#define PROM_SERIES_MAX		4096		/* series per response */
#define PROM_NAME_MAX		64		/* label values kept, with NUL */
#define PROM_ERR_MAX		128
#define PROM_SERIES_ERRORS_MAX	32		/* per-series errors kept */
#define PROM_RTT_MAX_US		60000000u	/* a minute: more is not an RTT */

/* Which labels carry what; the strings belong to the caller. */
struct prom_map {
	const char	*branch_label;	/* e.g. "branch"; required */
	const char	*edge_label;	/* e.g. "edge"; required */
	const char	*target_label;	/* e.g. "instance"; NULL: none */
	double		 scale;		/* value * scale = microseconds */
	int		 nan_is_loss;	/* NaN/Inf: a lost probe, not skipped */
};

struct prom_sample {
	char		 branch[PROM_NAME_MAX];	/* sanitised */
	char		 edge[PROM_NAME_MAX];
	char		 target[PROM_NAME_MAX];	/* "" without target_label */
	int64_t		 time_ms;	/* wall time the value is for */
	uint32_t	 rtt_us;	/* valid when !lost */
	int		 lost;
};

struct prom_series_error {
	size_t		 index;		/* series index in the result */
	char		 error[PROM_ERR_MAX];
};

/*
 * One parsed response.  samples and errors are owned by the result and
 * freed by latency_prom_result_free().  nerrors counts every per-series error
 * even beyond the PROM_SERIES_ERRORS_MAX kept in errors[].
 */
struct prom_result {
	struct prom_sample		*samples;
	size_t				 nsamples;
	struct prom_series_error	*errors;
	size_t				 nerrors;	/* all, kept or not */
	size_t				 nkept;		/* entries in errors[] */
	size_t				 nseries;
	size_t				 nstale;	/* latency_prom_result_stale() */
	char				 error_type[PROM_NAME_MAX];
	char				 error[PROM_ERR_MAX];	/* whole response */
};

enum prom_status {
	PROM_OK = 0,
	PROM_ERR_SIZE,		/* body empty or over PROM_BODY_MAX */
	PROM_ERR_JSON,		/* not JSON, or nested too deep */
	PROM_ERR_SHAPE,		/* JSON, but not a query response we take */
	PROM_ERR_PROMETHEUS	/* "status": "error" from Prometheus */
};

/*
 * Parse body (len bytes, need not be NUL-terminated) into r, which is
 * always initialised (free it with latency_prom_result_free() whatever is
 * returned).  On anything but PROM_OK, r->error says why in words.
 */
enum prom_status latency_prom_parse(const char *body, size_t len,
		    const struct prom_map *, struct prom_result *r);
void		 latency_prom_result_free(struct prom_result *);

/*
 * Moves samples whose time is more than max_age_ms before now_ms (wall)
 * out of r->samples into per-series errors ("stale: N s old") and counts
 * them in r->nstale.  Returns the number moved.
 */
size_t		 latency_prom_result_stale(struct prom_result *, int64_t now_ms,
		    int64_t max_age_ms);

#endif
