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
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>

#include "core/latency-ingest.h"
#include "core/json.h"
#include "core/util.h"

#define INGEST_AGE_MAX_MS	(7LL * 86400 * 1000)
#define INGEST_AHEAD_MAX_MS	(5LL * 60 * 1000)
#define INGEST_HEADERS_MAX	(16 * 1024)
#define INGEST_BACKOFF_MIN_MS	250	/* accept failed: pause this long, */
#define INGEST_BACKOFF_MAX_MS	8000	/* doubling up to this */

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

/*
 * One client connection, from its accept to its close.  evhttp has no
 * hook for either in libevent 2.1, so the bufferevent callback
 * (evhttp_set_bevcb()) makes the connection's bufferevent and notes it
 * here, and a timer made active then, run before any of its I/O, finds the
 * evhttp_connection behind it (the bufferevent's callback argument,
 * which evhttp sets to it) to hang the close callback on.  The same
 * timer then holds the whole-request deadline.
 */
struct ingest_conn {
	TAILQ_ENTRY(ingest_conn)	 entry;
	struct ingest			*in;
	struct bufferevent		*bev;
	struct evhttp_connection	*evcon;	/* NULL until registered */
	struct event			*timer;
};
TAILQ_HEAD(ingest_conns, ingest_conn);

struct ingest {
	TAILQ_ENTRY(ingest)	 all;		/* latency_ingests */
	struct event_base	*base;
	struct evconnlistener	*lev;
	struct ingest_pendings	 pending;
	struct evhttp		*http;
	int			 port;
	char			 where[ADDR_STRLEN + 8];
	char			 token[128];
	size_t			 max_body;
	ingest_cb		 cb;
	void			*arg;
	struct ingest_conns	 conns;
	size_t			 nconns, max_conns;
	int			 capped;	/* paused: max_conns open */
	struct event		*retry;		/* accept failed: resume */
	unsigned		 backoff_ms;	/* 0: accepting */
	uint64_t		 failed_mono;	/* an episode logged: when */
	uint64_t		 failed;	/* accepts failed in it */
	int			 failed_logged;	/* its end is to be logged */
	struct timeval		 deadline;	/* a whole request */
	uint64_t		 committed;	/* history's last row committed */
	struct ingest_stats	 stats;
	char			 status[256];
	uint64_t		 log_mono;	/* last refusal logged */
	uint64_t		 log_quiet;	/* refusals not logged since */
};

static void	latency_ingest_err(char *, const char *, ...) printflike(2, 3);
static void	latency_ingest_log(struct ingest *, const char *, ...)
		    printflike(2, 3);
static int	latency_ingest_string(json_t *, const char *, char *, size_t,
		    int, const char *, char *);
static int	latency_ingest_sample(json_t *, size_t,
		    const struct ingest_limits *,
		    struct ingest_sample *, char *);
static int	latency_ingest_token_ok(const struct ingest *,
		    struct evhttp_request *);
static void	latency_ingest_reply(struct evhttp_request *, int, const char *,
		    size_t, size_t);
static void	latency_ingest_refuse(struct ingest *, struct evhttp_request *,
		    enum ingest_reject, int, const char *, const char *);
static void	latency_ingest_request_cb(struct evhttp_request *, void *);
static void	latency_ingest_accepted(struct ingest *,
		    struct evhttp_request *, const char *, size_t, size_t);
static void	latency_ingest_pending_free(struct ingest_pending *);
static void	latency_ingest_accept_error_cb(struct evconnlistener *,
		    void *);
static void	latency_ingest_retry_cb(evutil_socket_t, short, void *);
static struct bufferevent *latency_ingest_bev_cb(struct event_base *,
		    void *);
static void	latency_ingest_conn_timer_cb(evutil_socket_t, short, void *);
static void	latency_ingest_conn_close_cb(struct evhttp_connection *,
		    void *);
static void	latency_ingest_conn_free(struct ingest_conn *);
static struct ingest_conn *latency_ingest_conn_find(struct ingest *,
		    struct evhttp_connection *);
static void	latency_ingest_conn_deadline(struct ingest *,
		    struct evhttp_connection *, int);

/*
 * Every server, so that the listener's error callback, whose argument
 * is evhttp's, finds its own.
 */
static TAILQ_HEAD(, ingest) latency_ingests =
    TAILQ_HEAD_INITIALIZER(latency_ingests);

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
	struct ingest			*in;
	struct evhttp_bound_socket	*bs;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen = sizeof ss;
	char				 host[ADDR_STRLEN];
	int				 port, error;
	unsigned			 ms;

	if (conf->listen.af == 0)
		strlcpy_pt(host, "127.0.0.1", sizeof host);
	else
		addr_fmt(&conf->listen, host, sizeof host);
	port = conf->port == 0 ? INGEST_PORT_DEFAULT : conf->port;
	if (port < -1 || port > 65535) {
		xasprintf(cause, "ingest: bad port %d", port);
		return (NULL);
	}

	in = xcalloc(1, sizeof *in);
	TAILQ_INIT(&in->pending);
	TAILQ_INIT(&in->conns);
	TAILQ_INSERT_TAIL(&latency_ingests, in, all);
	in->max_conns = conf->max_conns != 0 ? conf->max_conns :
	    INGEST_CONNS_DEFAULT;
	if ((in->retry = evtimer_new(base, latency_ingest_retry_cb, in)) ==
	    NULL)
		fatalx("evtimer_new");
	in->base = base;
	in->cb = cb;
	in->arg = arg;
	in->max_body = conf->max_body != 0 ? conf->max_body : INGEST_BODY_MAX;
	strlcpy_pt(in->token, conf->token, sizeof in->token);
	if ((in->http = evhttp_new(base)) == NULL)
		fatalx("evhttp_new");
	evhttp_set_max_body_size(in->http, (ev_ssize_t)in->max_body);
	evhttp_set_max_headers_size(in->http, INGEST_HEADERS_MAX);
	/*
	 * evhttp's timeout is per read: a client dripping a byte now and
	 * then would never meet it.  The deadline bounds the whole
	 * request, headers and body, from the accept or the previous
	 * answer (latency_ingest_conn_timer_cb()).
	 */
	ms = conf->request_timeout_ms != 0 ? conf->request_timeout_ms :
	    INGEST_REQUEST_TIMEOUT_MS;
	in->deadline.tv_sec = (time_t)(ms / 1000);
	in->deadline.tv_usec = (suseconds_t)((ms % 1000) * 1000);
	evhttp_set_timeout_tv(in->http, &in->deadline);
	evhttp_set_bevcb(in->http, latency_ingest_bev_cb, in);
	/*
	 * Read (and discard) an oversized body before answering 413:
	 * closing with it unread would reset the connection, and the
	 * agent would see a reset instead of the 413 that tells it to
	 * send smaller batches.  The timeout bounds a client that never
	 * stops.
	 */
	evhttp_set_flags(in->http, EVHTTP_SERVER_LINGERING_CLOSE);
	/* Every method reaches the handler, which answers 405 itself. */
	evhttp_set_allowed_methods(in->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_gencb(in->http, latency_ingest_request_cb, in);

	bs = evhttp_bind_socket_with_handle(in->http, host,
	    (uint16_t)(port == -1 ? 0 : port));
	if (bs == NULL) {
		error = errno;	/* bind()'s, for the caller */
		xasprintf(cause, "ingest: cannot listen on %s port %d (%s)",
		    host, port == -1 ? 0 : port, error == EADDRINUSE ?
		    "in use" : error == EADDRNOTAVAIL ? "not an address of "
		    "this host" : error != 0 ? strerror(error) : "in use, or "
		    "not an address of this host");
		latency_ingest_free(in);
		errno = error;
		return (NULL);
	}
	/*
	 * Without an error callback libevent logs a failed accept and
	 * leaves the listener armed: out of descriptors, the pending
	 * connection keeps it readable and the loop spins, a line each
	 * time.
	 */
	in->lev = evhttp_bound_socket_get_listener(bs);
	evconnlistener_set_error_cb(in->lev, latency_ingest_accept_error_cb);
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss,
	    &sslen) != 0)
		fatal("ingest: getsockname");
	if (ss.ss_family == AF_INET6)
		in->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		in->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	snprintf(in->where, sizeof in->where, ss.ss_family == AF_INET6 ?
	    "[%s]:%d" : "%s:%d", host, in->port);
	snprintf(in->status, sizeof in->status, "listening on %s%s",
	    in->where, in->token[0] != '\0' ? "" : ", no token");
	return (in);
}

void
latency_ingest_free(struct ingest *in)
{
	struct ingest_pending	*p;
	struct ingest_conn	*c;

	if (in == NULL)
		return;
	/*
	 * Batches waiting for their commit are stored (store_close()
	 * commits them) but never answered: their agents send them again.
	 * evhttp_free() frees the requests with their connections.
	 */
	while ((p = TAILQ_FIRST(&in->pending)) != NULL) {
		in->stats.undelivered++;
		latency_ingest_pending_free(p);
	}
	/*
	 * Frees the listener, then every connection, each calling its close
	 * callback: which must not enable the freed listener again.
	 */
	in->lev = NULL;
	if (in->http != NULL)
		evhttp_free(in->http);
	/* Those accepted in this loop turn, not registered yet. */
	while ((c = TAILQ_FIRST(&in->conns)) != NULL)
		latency_ingest_conn_free(c);
	event_free(in->retry);
	TAILQ_REMOVE(&latency_ingests, in, all);
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
	return (in->port);
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

/*
 * "Bearer TOKEN", the token compared in time that depends only on the
 * configured token's length, so a guess learns nothing from the timing.
 */
static int
latency_ingest_token_ok(const struct ingest *in, struct evhttp_request *req)
{
	const char	*h, *given;
	size_t		 i, glen, tlen = strlen(in->token);
	unsigned char	 diff;

	if (tlen == 0)
		return (1);
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return (0);
	given = h + 7;
	glen = strlen(given);
	diff = glen != tlen;
	for (i = 0; i < tlen; i++)
		diff |= (unsigned char)in->token[i] ^
		    (unsigned char)(i < glen ? given[i] : 0);
	return (diff == 0);
}

/* Send code with a JSON body: the counts for a 200, else {"error": e}. */
static void
latency_ingest_reply(struct evhttp_request *req, int code, const char *error,
    size_t accepted, size_t unmapped)
{
	static const struct {
		int		 code;
		const char	*reason;
	} reasons[] = {
		{ 200, "OK" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 503, "Service Unavailable" }
	};
	struct evbuffer	*out;
	struct json_w	 j;
	size_t		 i;

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
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	for (i = 0; i < nitems(reasons) - 1; i++)
		if (reasons[i].code == code)
			break;
	if (code == 401)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer");
	else if (code == 405)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "POST");
	evhttp_send_reply(req, code, reasons[i].reason, out);
	evbuffer_free(out);
}

/* Arm (on 1) or stop the deadline of req's connection. */
static void
latency_ingest_conn_deadline(struct ingest *in, struct evhttp_connection *evcon,
    int on)
{
	struct ingest_conn	*c;

	if (evcon == NULL || (c = latency_ingest_conn_find(in, evcon)) == NULL)
		return;
	if (on)
		evtimer_add(c->timer, &in->deadline);
	else
		evtimer_del(c->timer);
}

/*
 * A refusal or a closed connection: one line a second at most, so a
 * client hammering the port cannot fill the log; the next line says how
 * many went unlogged.
 */
static void
latency_ingest_log(struct ingest *in, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[512];

	if (now_mono_ms() - in->log_mono < 1000) {
		in->log_quiet++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (in->log_quiet > 0)
		log_warnx("%s (and %llu more refused or closed, not logged)",
		    line, (unsigned long long)in->log_quiet);
	else
		log_warnx("%s", line);
	in->log_mono = now_mono_ms();
	in->log_quiet = 0;
}

static void
latency_ingest_refuse(struct ingest *in, struct evhttp_request *req,
    enum ingest_reject why, int code, const char *error, const char *agent)
{
	char	 peer[ADDR_STRLEN];
	char	*addr = NULL;
	uint16_t port = 0;

	in->stats.rejected[why]++;
	evhttp_connection_get_peer(evhttp_request_get_connection(req), &addr,
	    &port);
	sanitize(peer, sizeof peer, addr != NULL ? addr : "?",
	    addr != NULL ? strlen(addr) : 1);
	snprintf(in->status, sizeof in->status, "listening on %s, %llu "
	    "batches; refused %s%s%s: %d %s", in->where,
	    (unsigned long long)in->stats.batches, peer,
	    agent != NULL ? " agent " : "", agent != NULL ? agent : "", code,
	    error);
	latency_ingest_log(in, "ingest: %s%s%s: %d %s", peer, agent != NULL ?
	    " agent " : "", agent != NULL ? agent : "", code, error);
	latency_ingest_conn_deadline(in, evhttp_request_get_connection(req),
	    1);
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
	latency_ingest_conn_deadline(in, evhttp_request_get_connection(req),
	    0);
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
	if (!latency_ingest_token_ok(in, req)) {
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
	latency_ingest_conn_deadline(in, p->evcon, 1);
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
	    "batches, %llu samples (%llu unmapped), last from %s", in->where,
	    (unsigned long long)in->stats.batches,
	    (unsigned long long)in->stats.accepted,
	    (unsigned long long)in->stats.unmapped, agent);
	/* The next request on this connection has its own deadline. */
	latency_ingest_conn_deadline(in, evhttp_request_get_connection(req),
	    1);
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
	return (in->nconns);
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

/* A new connection: its bufferevent (evhttp's own kind), noted. */
static struct bufferevent *
latency_ingest_bev_cb(struct event_base *base, void *arg)
{
	struct ingest		*in = arg;
	struct ingest_conn	*c;

	if (in->backoff_ms != 0 && in->failed_logged) {
		log_info("ingest: accepting connections on %s again, after "
		    "%llu failed in %llu s", in->where,
		    (unsigned long long)in->failed,
		    (unsigned long long)(now_mono_ms() - in->failed_mono) /
		    1000);
		in->failed_logged = 0;
	}
	in->backoff_ms = 0;
	/*
	 * At the cap the listener pauses: further clients wait in the
	 * kernel's backlog (or are refused by it) until one closes.  The
	 * listener stops accepting in this very turn once disabled.
	 */
	if (++in->nconns >= in->max_conns && !in->capped) {
		in->capped = 1;
		in->stats.capped++;
		evconnlistener_disable(in->lev);
		latency_ingest_log(in, "ingest: %zu connections open on %s, "
		    "the most allowed (max-connections): not accepting more "
		    "until one closes", in->nconns, in->where);
	}
	c = xcalloc(1, sizeof *c);
	c->in = in;
	/* No BEV_OPT_CLOSE_ON_FREE: evhttp closes the socket itself. */
	if ((c->bev = bufferevent_socket_new(base, -1, 0)) == NULL ||
	    (c->timer = evtimer_new(base, latency_ingest_conn_timer_cb,
	    c)) == NULL)
		fatalx("ingest: bufferevent_socket_new");
	TAILQ_INSERT_TAIL(&in->conns, c, entry);
	/*
	 * Active now, it runs in this pass over the active events, before
	 * the loop polls again and so before any I/O of the connection
	 * (a zero timeout would wait for that poll, and a client gone by
	 * then would have its connection freed first).
	 */
	event_active(c->timer, EV_TIMEOUT, 1);
	return (c->bev);
}

static struct ingest_conn *
latency_ingest_conn_find(struct ingest *in, struct evhttp_connection *evcon)
{
	struct ingest_conn	*c;

	TAILQ_FOREACH(c, &in->conns, entry)
		if (c->evcon == evcon)
			return (c);
	return (NULL);
}

/*
 * First run: find the evhttp connection and arm the deadline.  Then the
 * deadline: a request not read whole in time is closed without an
 * answer (evhttp has no request to answer yet); a batch whose commit
 * did not come in time is answered 503 (it is stored, and its agent's
 * retry waits for the commit again).
 */
static void
latency_ingest_conn_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct ingest_conn	*c = arg;
	struct ingest		*in = c->in;
	struct ingest_pending	*p;
	bufferevent_data_cb	 rcb, wcb;
	bufferevent_event_cb	 ecb;
	void			*cbarg = NULL;
	char			 peer[ADDR_STRLEN];
	char			*addr = NULL;
	uint16_t		 port = 0;

	(void)fd;
	(void)events;
	if (c->evcon == NULL) {
		bufferevent_getcb(c->bev, &rcb, &wcb, &ecb, &cbarg);
		if (cbarg == NULL) {
			/* evhttp made no connection of it (out of memory). */
			bufferevent_free(c->bev);
			latency_ingest_conn_free(c);
			return;
		}
		c->evcon = cbarg;
		evhttp_connection_set_closecb(c->evcon,
		    latency_ingest_conn_close_cb, c);
		evtimer_add(c->timer, &in->deadline);
		return;
	}
	TAILQ_FOREACH(p, &in->pending, entry)
		if (p->evcon == c->evcon)
			break;
	if (p != NULL) {
		in->stats.uncommitted++;
		latency_ingest_refuse(in, p->req, INGEST_REJ_UNAVAILABLE, 503,
		    "history not written in time, retry later", p->agent);
		latency_ingest_pending_free(p);
		return;
	}
	in->stats.timeouts++;
	evhttp_connection_get_peer(c->evcon, &addr, &port);
	sanitize(peer, sizeof peer, addr != NULL ? addr : "?",
	    addr != NULL ? strlen(addr) : 1);
	latency_ingest_log(in, "ingest: %s: request not whole after %lld ms, "
	    "closed", peer, (long long)in->deadline.tv_sec * 1000 +
	    in->deadline.tv_usec / 1000);
	/* Calls latency_ingest_conn_close_cb(), which frees c. */
	evhttp_connection_free(c->evcon);
}

/*
 * The connection is going.  A batch that waited for its commit is
 * stored; the agent sends it again and the run numbering drops the
 * repeat.  A request evhttp let go of (no connection now) is ours to
 * free; one still on its connection goes with it.
 */
static void
latency_ingest_conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct ingest_conn	*c = arg;
	struct ingest		*in = c->in;
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
	latency_ingest_conn_free(c);
}

/* Forget a connection (evhttp frees its bufferevent). */
static void
latency_ingest_conn_free(struct ingest_conn *c)
{
	struct ingest	*in = c->in;

	TAILQ_REMOVE(&in->conns, c, entry);
	event_free(c->timer);
	free(c);
	in->nconns--;
	if (in->capped && in->nconns < in->max_conns) {
		in->capped = 0;
		if (in->backoff_ms == 0 && in->lev != NULL)
			evconnlistener_enable(in->lev);
	}
}

/*
 * accept() failed for another reason than a retriable one: out of
 * descriptors (EMFILE, ENFILE) or of kernel memory (ENOBUFS, ENOMEM),
 * in practice.  Pause the listener and try again after a backoff, 250 ms
 * doubling to 8 s; one line when it starts and one when a connection is
 * accepted again, with the count, for one such episode a minute.
 */
static void
latency_ingest_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct ingest	*in;
	struct timeval	 tv;
	int		 err = errno;

	TAILQ_FOREACH(in, &latency_ingests, all)
		if (in->http == arg)
			break;
	evconnlistener_disable(lev);
	if (in == NULL)
		return;
	in->stats.accept_errors++;
	in->failed++;
	if (in->backoff_ms == 0) {
		in->backoff_ms = INGEST_BACKOFF_MIN_MS;
		/* Flapping at the limit: an episode a minute is logged. */
		if (in->failed_mono == 0 ||
		    now_mono_ms() - in->failed_mono >= 60000) {
			log_warnx("ingest: cannot accept connections on %s: %s "
			    "(%zu open, %llu accepts failed so far); pausing, "
			    "retrying from %u ms to every %u s", in->where,
			    strerror(err), in->nconns,
			    (unsigned long long)in->stats.accept_errors,
			    in->backoff_ms, INGEST_BACKOFF_MAX_MS / 1000);
			in->failed_mono = now_mono_ms();
			in->failed_logged = 1;
			in->failed = 1;
		}
	} else if ((in->backoff_ms *= 2) > INGEST_BACKOFF_MAX_MS)
		in->backoff_ms = INGEST_BACKOFF_MAX_MS;
	tv.tv_sec = in->backoff_ms / 1000;
	tv.tv_usec = (in->backoff_ms % 1000) * 1000;
	evtimer_add(in->retry, &tv);
}

static void
latency_ingest_retry_cb(evutil_socket_t fd, short events, void *arg)
{
	struct ingest	*in = arg;

	(void)fd;
	(void)events;
	if (!in->capped && in->lev != NULL)
		evconnlistener_enable(in->lev);
}
