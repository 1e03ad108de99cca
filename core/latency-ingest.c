/* SPDX-License-Identifier: ISC */
/*
 * The ingest endpoint (latency-ingest.h): batch validation with jansson and the
 * evhttp server agents push to.
 *
 * An agent is trusted to hold the token, not to send well-formed data
 * (a bug, a version skew or something else on that port): the body is
 * bounded by evhttp before it is read, its nesting depth is counted
 * before jansson's recursive parser sees it, the sample count is bounded,
 * and every field is type- and range-checked.  A batch is taken whole or
 * not at all, so a retried batch never stores half of itself twice.
 * Names with control characters, terminal escapes or C1 controls are
 * refused rather than rewritten: they would not match a configured name
 * anyway, and the agent hears why in the 400.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "core/httpd.h"
#include "core/latency-ingest.h"
#include "core/json.h"
#include "core/util.h"

#define INGEST_AGE_MAX_MS	(7LL * 86400 * 1000)
#define INGEST_AHEAD_MAX_MS	(5LL * 60 * 1000)
#define INGEST_HEADERS_MAX	(16 * 1024)

/*
 * A batch stored (queued in the history) whose 200 waits until the
 * history has committed row number wait.
 */
struct ingest_pending {
	TAILQ_ENTRY(ingest_pending)	 entry;
	struct ingest			*in;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
	uint64_t			 wait;
	size_t				 accepted, unmapped;
	char				 agent[NAME_MAX_PT];
};
TAILQ_HEAD(ingest_pendings, ingest_pending);

struct ingest {
	struct httpd		*h;
	struct ingest_pendings	 pending;
	char			 token[128];
	size_t			 max_body;
	ingest_cb		 cb;
	void			*arg;
	uint64_t		 committed;	/* history's last row committed */
	struct ingest_stats	 stats;
	char			 status[256];
};

static void	latency_ingest_err(char *, const char *, ...) printflike(2, 3);
static int	latency_ingest_string(json_t *, const char *, char *, size_t,
		    int, const char *, char *);
static int	latency_ingest_sample(json_t *, size_t,
		    const struct ingest_limits *,
		    struct ingest_sample *, char *);
static void	latency_ingest_refuse(struct ingest *, struct evhttp_request *,
		    enum ingest_reject, int, const char *, const char *);
static void	latency_ingest_request_cb(struct evhttp_request *, void *);
static void	latency_ingest_accepted(struct ingest *,
		    struct evhttp_request *, const char *, size_t, size_t);
static void	latency_ingest_pending_free(struct ingest_pending *);
static int	latency_ingest_expire(void *, struct evhttp_connection *);
static void	latency_ingest_closed(void *, struct evhttp_connection *);

const char *
latency_ingest_reject_name(enum ingest_reject r)
{
	static const char *const names[INGEST_REJ_MAX] = {
		"malformed", "unauthorised", "wrong path", "wrong method",
		"unavailable"
	};

	if (r >= INGEST_REJ_MAX)
		return ("unknown");
	return (names[r]);
}

static void
latency_ingest_err(char *err, const char *fmt, ...)
{
	va_list	 ap;
	char	 raw[INGEST_ERR_MAX];

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	sanitize(err, INGEST_ERR_MAX, raw, strlen(raw));
}

/*
 * A string member into dst: present, a string, at most dstlen - 1 bytes,
 * non-empty unless empty_ok, and unchanged by sanitize() (no control
 * characters, escapes or C1 controls; jansson has checked the UTF-8 and
 * refused NULs).
 */
static int
latency_ingest_string(json_t *obj, const char *key, char *dst, size_t dstlen,
    int empty_ok, const char *where, char *err)
{
	json_t		*v = json_object_get(obj, key);
	size_t		 len;

	if (v == NULL) {
		latency_ingest_err(err, "%sno \"%s\"", where, key);
		return (-1);
	}
	if (!json_is_string(v)) {
		latency_ingest_err(err, "%s\"%s\" is not a string", where, key);
		return (-1);
	}
	len = json_string_length(v);
	if (len >= dstlen) {
		latency_ingest_err(err, "%s\"%s\" longer than %zu bytes", where,
		    key, dstlen - 1);
		return (-1);
	}
	if (len == 0 && !empty_ok) {
		latency_ingest_err(err, "%s\"%s\" is empty", where, key);
		return (-1);
	}
	sanitize(dst, dstlen, json_string_value(v), len);
	if (strlen(dst) != len || memcmp(dst, json_string_value(v), len) != 0) {
		latency_ingest_err(err, "%s\"%s\" has control characters",
		    where, key);
		return (-1);
	}
	return (0);
}

static int
latency_ingest_sample(json_t *js, size_t i, const struct ingest_limits *lim,
    struct ingest_sample *s, char *err)
{
	json_t		*v;
	char		 where[32];
	json_int_t	 t, rtt;

	snprintf(where, sizeof where, "sample %zu: ", i);
	if (!json_is_object(js)) {
		latency_ingest_err(err, "%snot an object", where);
		return (-1);
	}
	if (latency_ingest_string(js, "branch", s->branch, sizeof s->branch, 0,
	    where, err) == -1 ||
	    latency_ingest_string(js, "edge", s->edge, sizeof s->edge, 0, where,
	    err) == -1)
		return (-1);
	/* The target is optional (a Prometheus-fed agent may have none). */
	if (json_object_get(js, "target") == NULL)
		s->target[0] = '\0';
	else if (latency_ingest_string(js, "target", s->target,
	    sizeof s->target, 1, where, err) == -1)
		return (-1);

	if (!json_is_integer(v = json_object_get(js, "time_ms"))) {
		latency_ingest_err(err, "%s\"time_ms\" %s", where, v == NULL ?
		    "missing" : "is not an integer");
		return (-1);
	}
	t = json_integer_value(v);
	if (t < lim->now_ms - lim->max_age_ms ||
	    t > lim->now_ms + lim->max_ahead_ms) {
		latency_ingest_err(err,
		    "%s\"time_ms\" %lld is more than %lld s from "
		    "now", where, (long long)t, (long long)((t < lim->now_ms ?
		    lim->max_age_ms : lim->max_ahead_ms) / 1000));
		return (-1);
	}
	s->time_ms = t;

	v = json_object_get(js, "rtt_us");
	if (v == NULL) {
		latency_ingest_err(err, "%sno \"rtt_us\" (null for a loss)",
		    where);
		return (-1);
	}
	if (json_is_null(v))
		s->rtt_us = -1;
	else if (json_is_integer(v)) {
		rtt = json_integer_value(v);
		if (rtt > INGEST_RTT_MAX_US) {
			latency_ingest_err(err, "%s\"rtt_us\" %lld over %lld",
			    where, (long long)rtt, INGEST_RTT_MAX_US);
			return (-1);
		}
		s->rtt_us = rtt < 0 ? -1 : rtt;
	} else {
		latency_ingest_err(err,
		    "%s\"rtt_us\" is not an integer or null", where);
		return (-1);
	}
	return (0);
}

int
latency_ingest_parse(const char *body, size_t len,
    const struct ingest_limits *limits, struct ingest_batch *b, char *err)
{
	struct ingest_limits	 lim;
	json_t			*root, *v, *arr;
	json_error_t		 jerr;
	size_t			 i, n;

	memset(b, 0, sizeof *b);
	err[0] = '\0';
	memset(&lim, 0, sizeof lim);
	if (limits != NULL)
		lim = *limits;
	if (lim.max_body == 0)
		lim.max_body = INGEST_BODY_MAX;
	if (lim.max_samples == 0)
		lim.max_samples = INGEST_SAMPLES_MAX;
	if (lim.now_ms == 0)
		lim.now_ms = now_wall_ms();
	if (lim.max_age_ms == 0)
		lim.max_age_ms = INGEST_AGE_MAX_MS;
	if (lim.max_ahead_ms == 0)
		lim.max_ahead_ms = INGEST_AHEAD_MAX_MS;

	if (len == 0 || len > lim.max_body) {
		latency_ingest_err(err, "body of %zu bytes (limit %zu)", len,
		    lim.max_body);
		return (-1);
	}
	if (!json_depth_ok(body, len, INGEST_DEPTH_MAX)) {
		latency_ingest_err(err, "bad JSON: nested deeper than %d",
		    INGEST_DEPTH_MAX);
		return (-1);
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		latency_ingest_err(err, "bad JSON at line %d column %d: %s",
		    jerr.line, jerr.column, jerr.text);
		return (-1);
	}
	if (!json_is_object(root)) {
		latency_ingest_err(err, "not a JSON object");
		goto fail;
	}
	if (latency_ingest_string(root, "agent", b->agent, sizeof b->agent, 0,
	    "", err) == -1)
		goto fail;
	v = json_object_get(root, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		latency_ingest_err(err, "\"seq\" %s", v == NULL ? "missing" :
		    "is not a non-negative integer");
		goto fail;
	}
	b->seq = (uint64_t)json_integer_value(v);
	/* "run" and "first" go together, or neither. */
	if (json_object_get(root, "run") != NULL) {
		if (latency_ingest_string(root, "run", b->run, sizeof b->run, 0,
		    "", err) == -1)
			goto fail;
		v = json_object_get(root, "first");
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			latency_ingest_err(err, "\"first\" %s",
			    v == NULL ? "missing "
			    "with \"run\"" : "is not a non-negative integer");
			goto fail;
		}
		b->first = (uint64_t)json_integer_value(v);
	}
	arr = json_object_get(root, "samples");
	if (!json_is_array(arr)) {
		latency_ingest_err(err, "\"samples\" %s",
		    arr == NULL ? "missing" : "is not an array");
		goto fail;
	}
	n = json_array_size(arr);
	if (n > lim.max_samples) {
		latency_ingest_err(err, "%zu samples (limit %zu)", n,
		    lim.max_samples);
		goto fail;
	}
	if (n > 0)
		b->samples = xcalloc(n, sizeof *b->samples);
	for (i = 0; i < n; i++) {
		if (latency_ingest_sample(json_array_get(arr, i), i, &lim,
		    &b->samples[i], err) == -1)
			goto fail;
	}
	b->nsamples = n;
	json_decref(root);
	return (0);

fail:
	json_decref(root);
	latency_ingest_batch_free(b);
	memset(b, 0, sizeof *b);
	return (-1);
}

void
latency_ingest_batch_free(struct ingest_batch *b)
{
	free(b->samples);
	b->samples = NULL;
	b->nsamples = 0;
}

struct ingest *
latency_ingest_new(struct event_base *base, const struct ingest_conf *conf,
    ingest_cb cb, void *arg, char **cause)
{
	struct ingest		*in;
	struct httpd_conf	 hc;

	in = xcalloc(1, sizeof *in);
	TAILQ_INIT(&in->pending);
	in->cb = cb;
	in->arg = arg;
	in->max_body = conf->max_body != 0 ? conf->max_body : INGEST_BODY_MAX;
	strlcpy_pt(in->token, conf->token, sizeof in->token);

	memset(&hc, 0, sizeof hc);
	hc.name = "ingest";
	hc.listen = conf->listen;
	hc.port = conf->port == 0 ? INGEST_PORT_DEFAULT : conf->port;
	hc.max_body = in->max_body;
	hc.max_headers = INGEST_HEADERS_MAX;
	hc.request_timeout_ms = conf->request_timeout_ms != 0 ?
	    conf->request_timeout_ms : INGEST_REQUEST_TIMEOUT_MS;
	hc.max_conns = conf->max_conns != 0 ? conf->max_conns :
	    INGEST_CONNS_DEFAULT;
	hc.tls = &conf->tls;
	hc.request = latency_ingest_request_cb;
	hc.expire = latency_ingest_expire;
	hc.closed = latency_ingest_closed;
	hc.arg = in;
	hc.timeouts = &in->stats.timeouts;
	hc.capped = &in->stats.capped;
	hc.accept_errors = &in->stats.accept_errors;
	if ((in->h = httpd_new(base, &hc, cause)) == NULL) {
		free(in);
		return (NULL);
	}
	snprintf(in->status, sizeof in->status, "listening on %s%s",
	    httpd_where(in->h), in->token[0] != '\0' ? "" : ", no token");
	return (in);
}

void
latency_ingest_free(struct ingest *in)
{
	struct ingest_pending	*p;

	if (in == NULL)
		return;
	/*
	 * Batches waiting for their commit are stored (store_close()
	 * commits them) but never answered: their agents send them again.
	 * httpd_free() frees the requests with their connections.
	 */
	while ((p = TAILQ_FIRST(&in->pending)) != NULL) {
		in->stats.undelivered++;
		latency_ingest_pending_free(p);
	}
	httpd_free(in->h);
	free(in);
}

static void
latency_ingest_pending_free(struct ingest_pending *p)
{
	TAILQ_REMOVE(&p->in->pending, p, entry);
	free(p);
}

int
latency_ingest_port(const struct ingest *in)
{
	return (httpd_port(in->h));
}

const struct ingest_stats *
latency_ingest_stats(const struct ingest *in)
{
	return (&in->stats);
}

const char *
latency_ingest_status(const struct ingest *in)
{
	return (in->status);
}

/* Send code with a JSON body: the counts for a 200, else {"error": e}. */
static void
latency_ingest_reply(struct evhttp_request *req, int code, const char *error,
    size_t accepted, size_t unmapped)
{
	struct evbuffer	*out;
	struct json_w	 j;

	if ((out = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	json_w_init_evbuffer(&j, out, 0);
	json_w_object(&j, NULL, 0);
	if (code == 200) {
		json_w_uint(&j, "accepted", accepted);
		json_w_uint(&j, "unmapped", unmapped);
	} else
		json_w_string(&j, "error", error != NULL ? error : "");
	json_w_end(&j);
	evbuffer_add(out, "\n", 1);
	httpd_reply(req, code, out, "POST");
	evbuffer_free(out);
}

static void
latency_ingest_refuse(struct ingest *in, struct evhttp_request *req,
    enum ingest_reject why, int code, const char *error, const char *agent)
{
	char	 peer[ADDR_STRLEN];

	in->stats.rejected[why]++;
	httpd_peer(req, peer, sizeof peer);
	snprintf(in->status, sizeof in->status, "listening on %s, %llu "
	    "batches; refused %s%s%s: %d %s", httpd_where(in->h),
	    (unsigned long long)in->stats.batches, peer,
	    agent != NULL ? " agent " : "", agent != NULL ? agent : "", code,
	    error);
	httpd_log(in->h, "ingest: %s%s%s: %d %s", peer, agent != NULL ?
	    " agent " : "", agent != NULL ? agent : "", code, error);
	httpd_deadline(in->h, evhttp_request_get_connection(req), 1);
	latency_ingest_reply(req, code, error, 0, 0);
}

static void
latency_ingest_request_cb(struct evhttp_request *req, void *arg)
{
	struct ingest		*in = arg;
	struct ingest_pending	*p;
	struct ingest_batch	 b;
	struct ingest_limits	 lim;
	struct evbuffer		*body;
	const char		*path;
	char			 err[INGEST_ERR_MAX];
	size_t			 len, mapped;
	uint64_t		 wait = 0;
	int			 n;

	in->stats.requests++;
	/* Read in time; what follows answers it now or at the commit. */
	httpd_deadline(in->h, evhttp_request_get_connection(req), 0);
	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (path == NULL || strcmp(path, INGEST_PATH) != 0) {
		latency_ingest_refuse(in, req, INGEST_REJ_PATH, 404,
		    "no such path " "(POST " INGEST_PATH ")", NULL);
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		latency_ingest_refuse(in, req, INGEST_REJ_METHOD, 405,
		    "use POST", NULL);
		return;
	}
	if (!httpd_bearer_ok(in->token, req)) {
		latency_ingest_refuse(in, req, INGEST_REJ_AUTH, 401,
		    "missing or " "wrong token", NULL);
		return;
	}
	body = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(body);
	memset(&lim, 0, sizeof lim);
	lim.max_body = in->max_body;
	if (latency_ingest_parse(len > 0 ? (const char *)evbuffer_pullup(body,
	    -1) : "", len, &lim, &b, err) != 0) {
		latency_ingest_refuse(in, req, INGEST_REJ_MALFORMED, 400, err,
		    NULL);
		return;
	}
	n = in->cb != NULL ? in->cb(in->arg, &b, 0, NULL) : (int)b.nsamples;
	if (n < 0) {
		latency_ingest_refuse(in, req, INGEST_REJ_UNAVAILABLE, 503,
		    "history " "unavailable, retry later", b.agent);
		latency_ingest_batch_free(&b);
		return;
	}
	mapped = (size_t)n < b.nsamples ? (size_t)n : b.nsamples;
	/*
	 * Stored now, answered once the history has committed it: a 200
	 * means the samples are in the file, so an agent that drops them
	 * on the 200 loses nothing to a crash.  A collector killed in
	 * between has stored a batch the agent will send again (at least
	 * once, never lost).
	 */
	if (in->cb != NULL)
		in->cb(in->arg, &b, 1, &wait);
	if (wait == 0 || wait <= in->committed) {
		latency_ingest_accepted(in, req, b.agent, mapped,
		    b.nsamples - mapped);
		latency_ingest_batch_free(&b);
		return;
	}
	p = xcalloc(1, sizeof *p);
	p->in = in;
	p->req = req;
	p->evcon = evhttp_request_get_connection(req);
	p->wait = wait;
	p->accepted = mapped;
	p->unmapped = b.nsamples - mapped;
	strlcpy_pt(p->agent, b.agent, sizeof p->agent);
	latency_ingest_batch_free(&b);
	TAILQ_INSERT_TAIL(&in->pending, p, entry);
	/* Bounded too: a history that cannot commit gets a 503 then. */
	httpd_deadline(in->h, p->evcon, 1);
}

/* The batch is stored (committed, or no history): 200 and the counts. */
static void
latency_ingest_accepted(struct ingest *in, struct evhttp_request *req,
    const char *agent, size_t accepted, size_t unmapped)
{
	in->stats.batches++;
	in->stats.accepted += accepted;
	in->stats.unmapped += unmapped;
	in->stats.last_ms = now_wall_ms();
	strlcpy_pt(in->stats.last_agent, agent, sizeof in->stats.last_agent);
	snprintf(in->status, sizeof in->status, "listening on %s, %llu "
	    "batches, %llu samples (%llu unmapped), last from %s",
	    httpd_where(in->h),
	    (unsigned long long)in->stats.batches,
	    (unsigned long long)in->stats.accepted,
	    (unsigned long long)in->stats.unmapped, agent);
	/* The next request on this connection has its own deadline. */
	httpd_deadline(in->h, evhttp_request_get_connection(req), 1);
	latency_ingest_reply(req, 200, NULL, accepted, unmapped);
}

void
latency_ingest_committed(struct ingest *in, uint64_t seq)
{
	struct ingest_pending	*p, *next;

	if (seq > in->committed)
		in->committed = seq;
	for (p = TAILQ_FIRST(&in->pending); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->wait > in->committed)
			continue;
		latency_ingest_accepted(in, p->req, p->agent, p->accepted,
		    p->unmapped);
		latency_ingest_pending_free(p);
	}
}

size_t
latency_ingest_conns(const struct ingest *in)
{
	return (httpd_conns(in->h));
}

size_t
latency_ingest_waiting(const struct ingest *in)
{
	const struct ingest_pending	*p;
	size_t				 n = 0;

	TAILQ_FOREACH(p, &in->pending, entry)
		n++;
	return (n);
}

/*
 * A batch whose commit did not come in time is answered 503 (it is
 * stored, and its agent's retry waits for the commit again).
 */
static int
latency_ingest_expire(void *arg, struct evhttp_connection *evcon)
{
	struct ingest		*in = arg;
	struct ingest_pending	*p;

	TAILQ_FOREACH(p, &in->pending, entry)
		if (p->evcon == evcon)
			break;
	if (p == NULL)
		return (0);
	in->stats.uncommitted++;
	latency_ingest_refuse(in, p->req, INGEST_REJ_UNAVAILABLE, 503,
	    "history not written in time, retry later", p->agent);
	latency_ingest_pending_free(p);
	return (1);
}

/*
 * The connection is going.  A batch that waited for its commit is
 * stored; the agent sends it again and the run numbering drops the
 * repeat.  A request evhttp let go of (no connection now) is ours to
 * free; one still on its connection goes with it.
 */
static void
latency_ingest_closed(void *arg, struct evhttp_connection *evcon)
{
	struct ingest		*in = arg;
	struct ingest_pending	*p, *next;

	for (p = TAILQ_FIRST(&in->pending); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (p->evcon != evcon)
			continue;
		in->stats.undelivered++;
		if (evhttp_request_get_connection(p->req) == NULL)
			evhttp_request_free(p->req);
		latency_ingest_pending_free(p);
	}
}
