/* SPDX-License-Identifier: ISC */
/*
 * The Prometheus poller (collect-prom.h).  One evhttp connection per
 * poller, reused across polls (evhttp reconnects after a failure or a
 * server close); one request in flight at most: a tick that finds the
 * previous poll still running is counted as an overrun and skipped, so a
 * slow Prometheus is never queued up against.  The timeout covers connect,
 * send and receive; the body is capped at PROM_BODY_MAX by evhttp itself.
 *
 * Staleness: a series whose value is for a time more than stale_ms before
 * now (wall clock: the timestamps are Prometheus' wall time) is reported
 * stale and not delivered as a fresh sample.
 */
#include <sys/types.h>
#include <sys/time.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "core/collect-prom.h"
#include "core/collector.h"
#include "core/latency-mon.h"
#include "core/model.h"
#include "core/util.h"

#define COLLECT_PROM_PORT		9090
#define COLLECT_PROM_PATH		"/api/v1/query"
#define COLLECT_PROM_INTERVAL_MS	10000
#define COLLECT_PROM_TIMEOUT_MAX_MS	30000

struct collect_prom {
	struct event_base		*base;
	struct evhttp_connection	*conn;
	struct evhttp_request		*req;		/* in flight, or NULL */
	struct event			*tick;
	char				*host;
	char				*uri;
	uint16_t			 port;
	uint32_t			 interval_ms;
	uint32_t			 timeout_ms;
	uint32_t			 stale_ms;
	struct prom_map			 map;
	char				*branch_label;
	char				*edge_label;
	char				*target_label;
	collect_prom_cb			 cb;
	void				*arg;
	int				 req_error;	/* -1: none */
	int				 req_errno;
	uint64_t			 req_sent;	/* monotonic ms */
	char				 status[PROM_ERR_MAX * 2];
	struct collect_prom_stats	 stats;
};

static void	collect_prom_tick_cb(evutil_socket_t, short, void *);
static void	collect_prom_done_cb(struct evhttp_request *, void *);
static void	collect_prom_error_cb(enum evhttp_request_error, void *);
static void	collect_prom_fail(struct collect_prom *, const char *, ...)
		    printflike(2, 3);
static void	collect_prom_response(struct collect_prom *,
		    struct evhttp_request *);

struct collect_prom *
collect_prom_new(struct event_base *base, const struct collect_prom_conf *c,
    collect_prom_cb cb, void *arg, char **cause)
{
	struct collect_prom	*cp;
	char			*q;
	const char		*path;

	if (c->host == NULL || *c->host == '\0') {
		xasprintf(cause, "prometheus: no host");
		return (NULL);
	}
	if (c->query == NULL || *c->query == '\0') {
		xasprintf(cause, "prometheus: no query");
		return (NULL);
	}
	if (c->map.branch_label == NULL || c->map.edge_label == NULL) {
		xasprintf(cause, "prometheus: branch and edge labels needed");
		return (NULL);
	}
	if (!(c->map.scale > 0)) {
		xasprintf(cause, "prometheus: scale must be positive");
		return (NULL);
	}
	path = c->path != NULL ? c->path : COLLECT_PROM_PATH;
	if (*path != '/' || strpbrk(path, "?# \r\n") != NULL) {
		xasprintf(cause, "prometheus: bad path %s", path);
		return (NULL);
	}
	cp = xcalloc(1, sizeof *cp);
	cp->base = base;
	cp->host = xstrdup(c->host);
	cp->port = c->port != 0 ? c->port : COLLECT_PROM_PORT;
	cp->interval_ms = c->interval_ms != 0 ? c->interval_ms :
	    COLLECT_PROM_INTERVAL_MS;
	cp->timeout_ms = c->timeout_ms;
	if (cp->timeout_ms == 0)
		cp->timeout_ms = cp->interval_ms;
	if (cp->timeout_ms > COLLECT_PROM_TIMEOUT_MAX_MS)
		cp->timeout_ms = COLLECT_PROM_TIMEOUT_MAX_MS;
	if (cp->interval_ms > 24 * 3600 * 1000)	/* a day; keeps 3x in range */
		cp->interval_ms = 24 * 3600 * 1000;
	cp->stale_ms = c->stale_ms != 0 ? c->stale_ms : 3 * cp->interval_ms;
	/* Copies, so the poller outlives a reloaded config. */
	cp->branch_label = xstrdup(c->map.branch_label);
	cp->edge_label = xstrdup(c->map.edge_label);
	cp->target_label = c->map.target_label != NULL ?
	    xstrdup(c->map.target_label) : NULL;
	cp->map = c->map;
	cp->map.branch_label = cp->branch_label;
	cp->map.edge_label = cp->edge_label;
	cp->map.target_label = cp->target_label;
	cp->cb = cb;
	cp->arg = arg;

	/* %20 for spaces, everything but unreserved characters escaped. */
	if ((q = evhttp_uriencode(c->query, -1, 0)) == NULL)
		fatalx("evhttp_uriencode");
	xasprintf(&cp->uri, "%s?query=%s", path, q);
	free(q);

	cp->conn = evhttp_connection_base_new(base, NULL, cp->host, cp->port);
	if (cp->conn == NULL) {
		xasprintf(cause, "prometheus: cannot set up a connection to "
		    "%s:%u", cp->host, cp->port);
		collect_prom_free(cp);
		return (NULL);
	}
	{
		struct timeval tv;

		tv.tv_sec = cp->timeout_ms / 1000;
		tv.tv_usec = (cp->timeout_ms % 1000) * 1000;
		evhttp_connection_set_timeout_tv(cp->conn, &tv);
	}
	evhttp_connection_set_retries(cp->conn, 0);
	evhttp_connection_set_max_body_size(cp->conn, PROM_BODY_MAX);
	evhttp_connection_set_max_headers_size(cp->conn, 64 * 1024);
	cp->tick = event_new(base, -1, EV_PERSIST, collect_prom_tick_cb, cp);
	snprintf(cp->status, sizeof cp->status, "not polled yet");
	return (cp);
}

void
collect_prom_start(struct collect_prom *cp)
{
	struct timeval	tv;

	tv.tv_sec = cp->interval_ms / 1000;
	tv.tv_usec = (cp->interval_ms % 1000) * 1000;
	evtimer_add(cp->tick, &tv);
	collect_prom_tick_cb(-1, 0, cp);
}

void
collect_prom_free(struct collect_prom *cp)
{
	if (cp == NULL)
		return;
	if (cp->tick != NULL)
		event_free(cp->tick);
	/* Frees a request in flight without calling its callback. */
	if (cp->conn != NULL)
		evhttp_connection_free(cp->conn);
	free(cp->host);
	free(cp->uri);
	free(cp->branch_label);
	free(cp->edge_label);
	free(cp->target_label);
	free(cp);
}

const char *
collect_prom_status(const struct collect_prom *cp)
{
	return (cp->status);
}

const struct collect_prom_stats *
collect_prom_stats(const struct collect_prom *cp)
{
	return (&cp->stats);
}

const char *
collect_prom_uri(const struct collect_prom *cp)
{
	return (cp->uri);
}

static void
collect_prom_tick_cb(evutil_socket_t fd, short events, void *arg)
{
	struct collect_prom	*cp = arg;
	struct evhttp_request	*req;
	struct evkeyvalq	*h;

	if (cp->req != NULL) {
		cp->stats.overruns++;
		return;
	}
	req = evhttp_request_new(collect_prom_done_cb, cp);
	evhttp_request_set_error_cb(req, collect_prom_error_cb);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", cp->host);
	evhttp_add_header(h, "Accept", "application/json");
	evhttp_add_header(h, "User-Agent", "peertop");
	cp->req_error = -1;
	cp->req_errno = 0;
	cp->req_sent = now_mono_ms();
	cp->stats.polls++;
	cp->req = req;
	/* On failure evhttp frees req and has called neither callback. */
	if (evhttp_make_request(cp->conn, req, EVHTTP_REQ_GET, cp->uri) != 0) {
		cp->req = NULL;
		collect_prom_fail(cp, "cannot send the request");
	}
}

/* Runs before the done callback when the request fails. */
static void
collect_prom_error_cb(enum evhttp_request_error err, void *arg)
{
	struct collect_prom	*cp = arg;

	cp->req_error = (int)err;
	cp->req_errno = EVUTIL_SOCKET_ERROR();
}

static void
collect_prom_fail(struct collect_prom *cp, const char *fmt, ...)
{
	va_list	 ap;
	char	 raw[sizeof cp->status];

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	sanitize(cp->status, sizeof cp->status, raw, strlen(raw));
	cp->stats.failed++;
	if (cp->cb != NULL)
		cp->cb(cp, 0, NULL, cp->arg);
}

static void
collect_prom_done_cb(struct evhttp_request *req, void *arg)
{
	struct collect_prom	*cp = arg;

	cp->req = NULL;
	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		switch (cp->req_error) {
		case -1:
			/*
			 * libevent 2.1 fails a request without calling the
			 * error callback only when its connect was refused
			 * (evhttp_connection_cb's ECONNREFUSED path); other
			 * connect errors come as EOF or timeout.
			 */
			if (now_mono_ms() - cp->req_sent >= cp->timeout_ms)
				collect_prom_fail(cp, "timeout after %u ms "
				    "connecting", cp->timeout_ms);
			else
				collect_prom_fail(cp, "connection refused");
			break;
		case EVREQ_HTTP_TIMEOUT:
			collect_prom_fail(cp, "timeout after %u ms",
			    cp->timeout_ms);
			break;
		case EVREQ_HTTP_DATA_TOO_LONG:
			collect_prom_fail(cp, "response over %d bytes",
			    PROM_BODY_MAX);
			break;
		case EVREQ_HTTP_INVALID_HEADER:
			collect_prom_fail(cp, "bad HTTP response");
			break;
		default:
			/* errno is believed only for connection errors. */
			if (cp->req_errno == ECONNREFUSED)
				collect_prom_fail(cp, "connection refused");
			else if (cp->req_errno == ECONNRESET ||
			    cp->req_errno == EHOSTUNREACH ||
			    cp->req_errno == ENETUNREACH)
				collect_prom_fail(cp, "connection failed: %s",
				    strerror(cp->req_errno));
			else
				collect_prom_fail(cp, "connection closed "
				    "without a response");
			break;
		}
		return;
	}
	collect_prom_response(cp, req);
}

static void
collect_prom_response(struct collect_prom *cp, struct evhttp_request *req)
{
	struct prom_result	 r;
	struct evbuffer		*b = evhttp_request_get_input_buffer(req);
	enum prom_status	 st;
	const char		*reason;
	size_t			 len = evbuffer_get_length(b);
	int			 code = evhttp_request_get_response_code(req);
	const char		*body;

	body = len > 0 ? (const char *)evbuffer_pullup(b, -1) : "";
	st = latency_prom_parse(body, len, &cp->map, &r);
	if (code != HTTP_OK) {
		/* Prometheus answers 400, 422 and 503 with an error body. */
		reason = evhttp_request_get_response_code_line(req);
		if (st == PROM_ERR_PROMETHEUS)
			collect_prom_fail(cp, "HTTP %d: %s", code, r.error);
		else
			collect_prom_fail(cp, "HTTP %d %s", code,
			    reason != NULL ? reason : "");
		latency_prom_result_free(&r);
		return;
	}
	if (st != PROM_OK) {
		collect_prom_fail(cp, "%s", r.error);
		latency_prom_result_free(&r);
		return;
	}
	latency_prom_result_stale(&r, now_wall_ms(), cp->stale_ms);
	cp->stats.ok++;
	cp->stats.samples += r.nsamples;
	cp->stats.stale += r.nstale;
	cp->stats.series_errors += r.nerrors;
	if (r.nkept > 0)
		snprintf(cp->status, sizeof cp->status, "ok: %zu samples, %zu "
		    "series errors (%s)", r.nsamples, r.nerrors,
		    r.errors[0].error);
	else
		snprintf(cp->status, sizeof cp->status, "ok: %zu samples",
		    r.nsamples);
	if (cp->cb != NULL)
		cp->cb(cp, 1, &r, cp->arg);
	latency_prom_result_free(&r);
}

/*
 * The "prometheus" collector: one poller per configured server and query.
 * Each fresh sample's branch and edge labels are looked up by name (an
 * edge by its code, case-insensitively as the catalogue's codes are
 * lowercase); samples that name no configured branch or edge are counted
 * as unmapped and shown in the status, not guessed at.
 */
struct collect_promc {
	struct collector	*c;
	struct model		*m;
	struct collect_prom	*poller;
	char			 host[ADDR_STRLEN];
	uint64_t		 unmapped;
	uint64_t		 repeats;	/* the same scrape polled again */
	char			 last_unmapped[PROM_NAME_MAX * 2 + 8];
};

static int	 collect_promc_start(struct collector *, struct model *,
		    struct event_base *, char **);
static void	 collect_promc_stop(struct collector *);
static void	 collect_promc_describe(const struct collector *, char *,
		    size_t);

const struct collector_ops collector_prom = {
	.name = "prometheus",
	.start = collect_promc_start,
	.stop = collect_promc_stop,
	.describe = collect_promc_describe,
	.latency = 1,
};

static int
collect_promc_edge(const struct model *m, const char *code)
{
	char	 lower[EDGE_CODE_MAX];
	size_t	 i;

	for (i = 0; code[i] != '\0' && i + 1 < sizeof lower; i++)
		lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ?
		    code[i] - 'A' + 'a' : code[i]);
	if (code[i] != '\0')
		return (-1);
	lower[i] = '\0';
	return (model_edge_find(m, lower));
}

static void
collect_promc_cb(struct collect_prom *poller, int ok,
    const struct prom_result *r, void *arg)
{
	struct collect_promc	*pc = arg;
	const struct prom_sample *s;
	struct branch		*b;
	struct latlink		*l;
	size_t			 i;
	int			 e;

	pc->c->polls++;
	if (!ok) {
		pc->c->failures++;
		model_collector_state(pc->m, pc->c, COL_DOWN,
		    collect_prom_status(poller));
		return;
	}
	pc->c->last_ok_mono = now_mono_ms();
	model_collector_state(pc->m, pc->c, COL_UP, NULL);
	for (i = 0; i < r->nsamples; i++) {
		s = &r->samples[i];
		b = model_branch_find(pc->m, s->branch);
		e = collect_promc_edge(pc->m, s->edge);
		if (b == NULL || e < 0) {
			pc->unmapped++;
			snprintf(pc->last_unmapped, sizeof pc->last_unmapped,
			    "%s/%s", s->branch, s->edge);
			continue;
		}
		/*
		 * An instant query is stamped with the time it ran, not the
		 * scrape's: polled faster than the scrape interval, it
		 * answers the same value again.  The same RTT to the
		 * microsecond from the same series is that repeat, not a
		 * new probe.
		 */
		l = latency_mon_link_find(b, e, s->target);
		if (l != NULL && l->source == LAT_PROM && !s->lost &&
		    l->last_us == (int64_t)s->rtt_us) {
			pc->repeats++;
			continue;
		}
		latency_mon_sample(pc->m, b, e, s->target, LAT_PROM,
		    s->time_ms, s->lost ? -1 : (int64_t)s->rtt_us);
	}
}

static int
collect_promc_start(struct collector *c, struct model *m,
    struct event_base *base, char **cause)
{
	struct collect_promc	*pc;
	struct collect_prom_conf conf;

	pc = xcalloc(1, sizeof *pc);
	pc->c = c;
	pc->m = m;
	addr_fmt(&c->listen, pc->host, sizeof pc->host);
	memset(&conf, 0, sizeof conf);
	conf.host = pc->host;
	conf.port = (uint16_t)c->port;
	conf.query = c->query;
	conf.interval_ms = (uint32_t)c->interval_ms;
	conf.map.branch_label = c->prom_label[0];
	conf.map.edge_label = c->prom_label[1];
	conf.map.target_label = c->prom_label[2][0] != '\0' ?
	    c->prom_label[2] : NULL;
	conf.map.scale = c->prom_scale > 0 ? c->prom_scale : 1e6;
	conf.map.nan_is_loss = c->prom_nan_loss;
	if ((pc->poller = collect_prom_new(base, &conf, collect_promc_cb, pc,
	    cause)) == NULL) {
		free(pc);
		return (-1);
	}
	c->priv = pc;
	collect_prom_start(pc->poller);
	return (0);
}

static void
collect_promc_stop(struct collector *c)
{
	struct collect_promc	*pc = c->priv;

	if (pc == NULL)
		return;
	collect_prom_free(pc->poller);
	free(pc);
	c->priv = NULL;
}

static void
collect_promc_describe(const struct collector *c, char *buf, size_t len)
{
	const struct collect_promc	*pc = c->priv;
	const struct collect_prom_stats	*st;

	if (pc == NULL) {
		snprintf(buf, len, "%s: not started", c->name);
		return;
	}
	st = collect_prom_stats(pc->poller);
	snprintf(buf, len, "%s: %s, %llu samples, %llu repeated, %llu stale, "
	    "%llu unmapped%s%s", c->name, collect_prom_status(pc->poller),
	    (unsigned long long)st->samples, (unsigned long long)pc->repeats,
	    (unsigned long long)st->stale, (unsigned long long)pc->unmapped,
	    pc->unmapped ? " (last " : "", pc->unmapped ? pc->last_unmapped :
	    "");
	if (pc->unmapped && strlen(buf) + 1 < len)
		strlcpy_pt(buf + strlen(buf), ")", len - strlen(buf));
}
