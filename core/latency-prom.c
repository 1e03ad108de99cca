/* SPDX-License-Identifier: ISC */
/*
 * Prometheus instant-query responses to latency samples (see latency-prom.h).
 * The response format is the HTTP API's: {"status": "success", "data":
 * {"resultType": "vector", "result": [{"metric": {labels}, "value": [ts,
 * "value"]}, ...]}} or {"status": "error", "errorType": ..., "error": ...}.
 * Values are strings because they may be "NaN", "+Inf" or "-Inf".
 *
 * Prometheus is trusted to answer, not to answer well (or it may be
 * something else on that port): the body is size-checked and its nesting
 * depth counted before jansson sees it, the number of series is bounded,
 * every field's type is checked, and a bad series costs only that series.
 */
#include <ctype.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/latency-prom.h"
#include "core/util.h"

static void	latency_prom_series_error(struct prom_result *, size_t,
		    const char *, ...) printflike(3, 4);
static int	latency_prom_label(json_t *, const char *, char *, size_t);
static int	latency_prom_value(const char *, double *);
static void	latency_prom_series(struct prom_result *,
		    const struct prom_map *, size_t, json_t *);
static void	latency_prom_set_error(struct prom_result *, const char *, ...)
		    printflike(2, 3);

static void
latency_prom_set_error(struct prom_result *r, const char *fmt, ...)
{
	va_list	 ap;
	char	 raw[PROM_ERR_MAX];

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	sanitize(r->error, sizeof r->error, raw, strlen(raw));
}

static void
latency_prom_series_error(struct prom_result *r, size_t idx, const char *fmt,
    ...)
{
	struct prom_series_error	*e;
	va_list				 ap;
	char				 raw[PROM_ERR_MAX];

	r->nerrors++;
	if (r->nkept >= PROM_SERIES_ERRORS_MAX)
		return;
	e = &r->errors[r->nkept++];
	e->index = idx;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	sanitize(e->error, sizeof e->error, raw, strlen(raw));
}

/* A label's value, sanitised into dst; -1 if missing or not a string. */
static int
latency_prom_label(json_t *metric, const char *name, char *dst, size_t dstlen)
{
	json_t	*v;

	v = json_object_get(metric, name);
	if (v == NULL || !json_is_string(v))
		return (-1);
	sanitize(dst, dstlen, json_string_value(v), json_string_length(v));
	return (0);
}

/*
 * A sample value: Prometheus writes floats as Go's strconv does, and the
 * special values as "NaN", "+Inf", "-Inf".  Returns 0 with a finite value,
 * 1 for NaN or an infinity, -1 for anything else.
 */
static int
latency_prom_value(const char *s, double *d)
{
	char	*end;

	if (strcmp(s, "NaN") == 0 || strcmp(s, "+Inf") == 0 ||
	    strcmp(s, "-Inf") == 0 || strcmp(s, "Inf") == 0)
		return (1);
	/* strtod would take hex, "inf", "nan" and leading blanks: refuse. */
	if (*s == '\0' || isspace((unsigned char)*s) ||
	    strpbrk(s, "xXnNiI") != NULL)
		return (-1);
	*d = strtod(s, &end);
	if (*end != '\0' || !isfinite(*d))
		return (-1);
	return (0);
}

static void
latency_prom_series(struct prom_result *r, const struct prom_map *map,
    size_t idx, json_t *series)
{
	struct prom_sample	 s;
	json_t			*metric, *value, *ts, *val;
	double			 t, d, us;
	int			 rv;

	memset(&s, 0, sizeof s);
	metric = json_object_get(series, "metric");
	value = json_object_get(series, "value");
	if (!json_is_object(series) || !json_is_object(metric)) {
		latency_prom_series_error(r, idx,
		    "series %zu: no metric labels", idx);
		return;
	}
	if (latency_prom_label(metric, map->branch_label, s.branch,
	    sizeof s.branch) == -1 || s.branch[0] == '\0') {
		latency_prom_series_error(r, idx, "series %zu: no label %s",
		    idx, map->branch_label);
		return;
	}
	if (latency_prom_label(metric, map->edge_label, s.edge,
	    sizeof s.edge) == -1 || s.edge[0] == '\0') {
		latency_prom_series_error(r, idx, "series %zu: no label %s",
		    idx, map->edge_label);
		return;
	}
	if (map->target_label != NULL &&
	    latency_prom_label(metric, map->target_label, s.target,
	    sizeof s.target) == -1)
		s.target[0] = '\0';	/* optional: the pair still counts */

	if (!json_is_array(value) || json_array_size(value) != 2 ||
	    !json_is_number(ts = json_array_get(value, 0)) ||
	    !json_is_string(val = json_array_get(value, 1))) {
		latency_prom_series_error(r, idx,
		    "series %s/%s: no [time, \"value\"]", s.branch, s.edge);
		return;
	}
	t = json_number_value(ts);
	/* Unix seconds; a bounded range keeps the conversion defined. */
	if (!isfinite(t) || t < 0 || t > 1e11) {
		latency_prom_series_error(r, idx, "series %s/%s: bad timestamp",
		    s.branch, s.edge);
		return;
	}
	s.time_ms = (int64_t)(t * 1000.0);

	rv = latency_prom_value(json_string_value(val), &d);
	if (rv == 1) {
		if (!map->nan_is_loss) {
			latency_prom_series_error(r, idx,
			    "series %s/%s: value %s, "
			    "no sample", s.branch, s.edge,
			    strcmp(json_string_value(val), "NaN") == 0 ?
			    "NaN" : "infinite");
			return;
		}
		s.lost = 1;
	} else if (rv == -1) {
		latency_prom_series_error(r, idx, "series %s/%s: bad value",
		    s.branch, s.edge);
		return;
	} else {
		us = d * map->scale;
		if (!isfinite(us) || us < 0 || us > PROM_RTT_MAX_US) {
			latency_prom_series_error(r, idx,
			    "series %s/%s: value out of "
			    "range", s.branch, s.edge);
			return;
		}
		s.rtt_us = (uint32_t)(us + 0.5);
	}
	r->samples[r->nsamples++] = s;
}

enum prom_status
latency_prom_parse(const char *body, size_t len, const struct prom_map *map,
    struct prom_result *r)
{
	json_t		*root = NULL, *data, *result, *rt, *st, *v;
	json_error_t	 jerr;
	const char	*type;
	size_t		 i, n;
	enum prom_status rc;

	memset(r, 0, sizeof *r);
	if (len == 0 || len > PROM_BODY_MAX) {
		latency_prom_set_error(r,
		    "response body of %zu bytes (limit %d)", len,
		    PROM_BODY_MAX);
		return (PROM_ERR_SIZE);
	}
	if (!json_depth_ok(body, len, PROM_DEPTH_MAX)) {
		latency_prom_set_error(r, "bad JSON: nested deeper than %d",
		    PROM_DEPTH_MAX);
		return (PROM_ERR_JSON);
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		latency_prom_set_error(r, "bad JSON at line %d column %d: %s",
		    jerr.line, jerr.column, jerr.text);
		return (PROM_ERR_JSON);
	}
	rc = PROM_ERR_SHAPE;
	if (!json_is_object(root) ||
	    !json_is_string(st = json_object_get(root, "status"))) {
		latency_prom_set_error(r,
		    "no status: not a Prometheus API response");
		goto out;
	}
	if (strcmp(json_string_value(st), "success") != 0) {
		rc = PROM_ERR_PROMETHEUS;
		if (json_is_string(v = json_object_get(root, "errorType")))
			sanitize(r->error_type, sizeof r->error_type,
			    json_string_value(v), json_string_length(v));
		if (json_is_string(v = json_object_get(root, "error")))
			latency_prom_set_error(r, "Prometheus error %s: %s",
			    r->error_type[0] != '\0' ? r->error_type : "?",
			    json_string_value(v));
		else
			latency_prom_set_error(r, "Prometheus status %s",
			    json_string_value(st));
		goto out;
	}
	data = json_object_get(root, "data");
	if (!json_is_object(data) ||
	    !json_is_string(rt = json_object_get(data, "resultType"))) {
		latency_prom_set_error(r, "no data.resultType");
		goto out;
	}
	type = json_string_value(rt);
	if (strcmp(type, "vector") != 0) {
		/* A scalar has no labels to map and a matrix is a range. */
		if (strcmp(type, "scalar") == 0)
			latency_prom_set_error(r,
			    "result is a scalar: no labels for "
			    "branch and edge (query an instant vector)");
		else if (strcmp(type, "matrix") == 0)
			latency_prom_set_error(r,
			    "result is a matrix: use an instant "
			    "vector query, not a range");
		else
			latency_prom_set_error(r, "result type %s refused",
			    type);
		goto out;
	}
	result = json_object_get(data, "result");
	if (!json_is_array(result)) {
		latency_prom_set_error(r, "data.result is not an array");
		goto out;
	}
	n = json_array_size(result);
	if (n > PROM_SERIES_MAX) {
		latency_prom_set_error(r, "%zu series (limit %d)", n,
		    PROM_SERIES_MAX);
		goto out;
	}
	r->nseries = n;
	if (n > 0)
		r->samples = xcalloc(n, sizeof *r->samples);
	r->errors = xcalloc(PROM_SERIES_ERRORS_MAX, sizeof *r->errors);
	for (i = 0; i < n; i++)
		latency_prom_series(r, map, i, json_array_get(result, i));
	rc = PROM_OK;
out:
	json_decref(root);
	return (rc);
}

size_t
latency_prom_result_stale(struct prom_result *r, int64_t now_ms,
    int64_t max_age_ms)
{
	struct prom_sample	*s;
	size_t			 i, o = 0, moved = 0;

	for (i = 0; i < r->nsamples; i++) {
		s = &r->samples[i];
		if (now_ms - s->time_ms > max_age_ms) {
			if (r->errors == NULL)
				r->errors = xcalloc(PROM_SERIES_ERRORS_MAX,
				    sizeof *r->errors);
			latency_prom_series_error(r, i,
			    "series %s/%s: stale, %lld s "
			    "old", s->branch, s->edge,
			    (long long)((now_ms - s->time_ms) / 1000));
			moved++;
			continue;
		}
		r->samples[o++] = *s;
	}
	r->nsamples = o;
	r->nstale += moved;
	return (moved);
}

void
latency_prom_result_free(struct prom_result *r)
{
	free(r->samples);
	free(r->errors);
	r->samples = NULL;
	r->errors = NULL;
	r->nsamples = r->nkept = 0;
}
