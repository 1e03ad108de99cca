/* SPDX-License-Identifier: ISC */
/*
 * The agent's FIFO and pusher (latency-agent.h).  One evhttp connection
 * to the collector, reused across pushes, one request in flight at most,
 * and a persistent tick at the push interval that sends a batch when
 * there is something to send and no backoff pending.  After a 200 with a
 * full batch still queued the next batch goes at once, so a backlog from
 * an outage drains at the collector's pace, not one batch per interval.
 * A host name is resolved with evdns, never with a blocking
 * getaddrinfo().
 *
 * With a tls block the connection is HTTPS (tls.h), the collector's
 * certificate verified.  libevent 2.1 cannot reconnect a TLS connection
 * once it failed, so after any failure the next push makes a new one
 * (plain ones too: one way for both).
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "core/latency-agent.h"
#include "core/latency-ingest.h"
#include "core/json.h"
#include "core/tls.h"
#include "core/util.h"

struct agent {
	struct event_base		*base;
	struct evdns_base		*dns;		/* NULL: numeric host */
	struct tls_client		*tls;		/* NULL: plain HTTP */
	struct evhttp_connection	*conn;		/* NULL: make anew */
	int				 conn_failed;	/* free it, make anew */
	struct evhttp_request		*req;		/* in flight, or NULL */
	struct event			*tick;
	struct event			*now;		/* push at once */
	char				 name[NAME_MAX_PT];
	char				 host[256];
	char				 where[280];	/* host:port */
	char				 shown[290];	/* in messages */
	char				 auth[160];	/* "Bearer ..." or "" */
	uint16_t			 port;
	size_t				 batch;
	unsigned			 push_ms;
	uint64_t			 seq;
	char				 run[24];	/* this run's id */
	uint64_t			 next_mono;	/* backoff: not before */
	unsigned			 backoff_ms;
	int				 req_error;	/* -1 none */
	int				 req_errno;
	uint64_t			 req_sent;
	void				(*done)(void *);
	void				*done_arg;
	struct agent_fifo		 fifo;
	struct agent_stats		 stats;
	char				 status[320];
};

static int	latency_agent_connect(struct agent *, char **);
static void	latency_agent_tick_cb(evutil_socket_t, short, void *);
static void	latency_agent_push(struct agent *);
static void	latency_agent_body(struct agent *, struct evbuffer *, size_t);
static void	latency_agent_error_cb(enum evhttp_request_error, void *);
static void	latency_agent_done_cb(struct evhttp_request *, void *);
static void	latency_agent_response(struct agent *, struct evhttp_request *);
static void	latency_agent_fail(struct agent *, int, const char *, ...)
		    printflike(3, 4);
static void	latency_agent_finished(struct agent *);

void
latency_agent_fifo_init(struct agent_fifo *f, size_t cap)
{
	memset(f, 0, sizeof *f);
	f->cap = cap > 0 ? cap : 1;
	f->ring = xcalloc(f->cap, sizeof *f->ring);
}

void
latency_agent_fifo_free(struct agent_fifo *f)
{
	free(f->ring);
	memset(f, 0, sizeof *f);
}

/*
 * Full: drop the oldest.  When that one is in flight its contents are
 * already in the request, so moving the head drops, in effect, the
 * oldest sample that is not: held still counts what the collector will
 * acknowledge, and a failed push retries the others in order.
 */
int
latency_agent_fifo_push(struct agent_fifo *f, const struct agent_sample *s)
{
	int	 dropped = 0;

	if (f->len == f->cap) {
		f->overflow++;
		if (f->held == f->len)
			return (1);	/* everything in flight: the new one */
		f->head = (f->head + 1) % f->cap;
		f->len--;
		dropped = 1;
	}
	/* Numbered in the order added: the ring's numbers are consecutive
	 * (only the oldest ever leave), so a batch is "first" and a count. */
	f->ring[(f->head + f->len) % f->cap] = *s;
	f->ring[(f->head + f->len) % f->cap].n = f->next_n++;
	f->len++;
	return (dropped);
}

const struct agent_sample *
latency_agent_fifo_at(const struct agent_fifo *f, size_t i)
{
	if (i >= f->len)
		return (NULL);
	return (&f->ring[(f->head + i) % f->cap]);
}

void
latency_agent_fifo_hold(struct agent_fifo *f, size_t n)
{
	f->held = n < f->len ? n : f->len;
}

size_t
latency_agent_fifo_ack(struct agent_fifo *f)
{
	size_t	 n = f->held;

	f->head = (f->head + n) % f->cap;
	f->len -= n;
	f->held = 0;
	return (n);
}

void
latency_agent_fifo_release(struct agent_fifo *f)
{
	f->held = 0;
}

struct agent *
latency_agent_new(struct event_base *base, const struct agent_conf *conf,
    char **cause)
{
	struct agent	*a;
	struct addr	 ad;
	struct timeval	 tv;

	if (conf->host[0] == '\0') {
		xasprintf(cause, "agent: no collector address");
		return (NULL);
	}
	if (conf->port < 0 || conf->port > 65535) {
		xasprintf(cause, "agent: bad collector port %d", conf->port);
		return (NULL);
	}
	a = xcalloc(1, sizeof *a);
	a->base = base;
	strlcpy_pt(a->name, conf->name, sizeof a->name);
	/* A new run numbers its samples from 0 again: a new id says so. */
	snprintf(a->run, sizeof a->run, "%08x%08x", arc4random(),
	    arc4random());
	strlcpy_pt(a->host, conf->host, sizeof a->host);
	a->port = (uint16_t)(conf->port != 0 ? conf->port :
	    INGEST_PORT_DEFAULT);
	a->push_ms = conf->push_ms != 0 ? conf->push_ms :
	    AGENT_PUSH_MS_DEFAULT;
	a->batch = conf->batch != 0 ? conf->batch : AGENT_BATCH_DEFAULT;
	if (a->batch > INGEST_SAMPLES_MAX)
		a->batch = INGEST_SAMPLES_MAX;
	if (conf->token[0] != '\0')
		snprintf(a->auth, sizeof a->auth, "Bearer %s", conf->token);
	latency_agent_fifo_init(&a->fifo, conf->buffer != 0 ? conf->buffer :
	    AGENT_BUFFER_DEFAULT);
	a->backoff_ms = AGENT_BACKOFF_MIN_MS;
	snprintf(a->where, sizeof a->where, strchr(a->host, ':') != NULL ?
	    "[%s]:%u" : "%s:%u", a->host, a->port);

	if (addr_parse(a->host, &ad) != 0 &&
	    (a->dns = evdns_base_new(base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL) {
		xasprintf(cause, "agent: cannot resolve %s: no DNS resolver "
		    "configured", a->host);
		latency_agent_free(a);
		return (NULL);
	}
	if ((conf->tls.enabled && (a->tls = tls_client_new(&conf->tls,
	    "agent", cause)) == NULL) || latency_agent_connect(a, cause) != 0) {
		latency_agent_free(a);
		return (NULL);
	}

	a->tick = event_new(base, -1, EV_PERSIST, latency_agent_tick_cb, a);
	a->now = evtimer_new(base, latency_agent_tick_cb, a);
	if (a->tick == NULL || a->now == NULL)
		fatalx("agent: cannot create timers");
	tv.tv_sec = a->push_ms / 1000;
	tv.tv_usec = (a->push_ms % 1000) * 1000;
	event_add(a->tick, &tv);
	/* The scheme said only when it is not the plain default. */
	snprintf(a->shown, sizeof a->shown, "%s%s", a->tls != NULL ?
	    "https://" : "", a->where);
	snprintf(a->status, sizeof a->status, "pushing to %s: nothing sent "
	    "yet", a->shown);
	return (a);
}

/*
 * The connection to the collector, made anew after a failure.  No
 * retries of evhttp's own: the pusher's backoff decides when to try.
 */
static int
latency_agent_connect(struct agent *a, char **cause)
{
	struct timeval	 tv;
	char		*why = NULL;

	if (a->conn != NULL)
		evhttp_connection_free(a->conn);
	a->conn_failed = 0;
	a->conn = tls_http_connection(a->base, a->dns, a->tls, a->host,
	    a->port, &why);
	if (a->conn == NULL) {
		a->conn_failed = 1;	/* try again at the next push */
		xasprintf(cause, "agent: %s", why);
		free(why);
		return (-1);
	}
	tv.tv_sec = AGENT_TIMEOUT_MS / 1000;
	tv.tv_usec = (AGENT_TIMEOUT_MS % 1000) * 1000;
	evhttp_connection_set_timeout_tv(a->conn, &tv);
	evhttp_connection_set_retries(a->conn, 0);
	evhttp_connection_set_max_body_size(a->conn, 64 * 1024);
	evhttp_connection_set_max_headers_size(a->conn, 64 * 1024);
	return (0);
}

void
latency_agent_free(struct agent *a)
{
	if (a == NULL)
		return;
	if (a->tick != NULL)
		event_free(a->tick);
	if (a->now != NULL)
		event_free(a->now);
	/* Frees a request in flight without calling its callback. */
	if (a->conn != NULL)
		evhttp_connection_free(a->conn);
	if (a->dns != NULL)
		evdns_base_free(a->dns, 0);
	tls_client_free(a->tls);
	latency_agent_fifo_free(&a->fifo);
	free(a);
}

void
latency_agent_add(struct agent *a, const struct agent_sample *s)
{
	a->stats.added++;
	if (latency_agent_fifo_push(&a->fifo, s)) {
		if (a->stats.dropped_overflow == 0)
			log_warnx("agent: buffer of %zu samples full, dropping "
			    "the oldest", a->fifo.cap);
		a->stats.dropped_overflow = a->fifo.overflow;
	}
	a->stats.queued = a->fifo.len;
}

const struct agent_stats *
latency_agent_stats(const struct agent *a)
{
	return (&a->stats);
}

const char *
latency_agent_status(const struct agent *a)
{
	return (a->status);
}

void
latency_agent_finish(struct agent *a, void (*done)(void *), void *arg)
{
	struct timeval	 tv = { 0, 0 };

	a->done = done;
	a->done_arg = arg;
	a->next_mono = 0;
	event_del(a->tick);
	if (a->req == NULL)
		evtimer_add(a->now, &tv);
}

/* Finishing: the FIFO is empty or the collector failed us. */
static void
latency_agent_finished(struct agent *a)
{
	void	(*done)(void *) = a->done;

	if (done == NULL)
		return;
	a->done = NULL;
	done(a->done_arg);
}

static void
latency_agent_tick_cb(evutil_socket_t fd, short events, void *arg)
{
	struct agent	*a = arg;

	(void)fd;
	(void)events;
	if (a->req != NULL)
		return;
	if (a->fifo.len == 0) {
		latency_agent_finished(a);
		return;
	}
	if (a->done == NULL && now_mono_ms() < a->next_mono)
		return;
	latency_agent_push(a);
}

/*
 * The batch as latency-ingest.h's JSON.  Names come from our own configuration,
 * escaped all the same.
 */
static void
latency_agent_body(struct agent *a, struct evbuffer *b, size_t n)
{
	const struct agent_sample	*s;
	struct json_w			 j;
	size_t				 i;

	json_w_init_evbuffer(&j, b, 0);
	json_w_object(&j, NULL, 0);
	json_w_string(&j, "agent", a->name);
	json_w_uint(&j, "seq", a->seq);
	/*
	 * "run" and "first" let the collector drop samples it stored
	 * already: a batch whose 200 was lost on the way is sent again.
	 */
	json_w_string(&j, "run", a->run);
	json_w_uint(&j, "first", n > 0 ? latency_agent_fifo_at(&a->fifo,
	    0)->n : 0);
	json_w_array(&j, "samples", 0);
	for (i = 0; i < n; i++) {
		s = latency_agent_fifo_at(&a->fifo, i);
		json_w_object(&j, NULL, 0);
		json_w_string(&j, "branch", s->branch);
		json_w_string(&j, "edge", s->edge);
		json_w_string(&j, "target", s->target != NULL ? s->target : "");
		json_w_int(&j, "time_ms", s->time_ms);
		if (s->rtt_us < 0)
			json_w_null(&j, "rtt_us");
		else
			json_w_int(&j, "rtt_us", s->rtt_us);
		json_w_end(&j);
	}
	json_w_end(&j);
	json_w_end(&j);
}

static void
latency_agent_push(struct agent *a)
{
	struct evhttp_request	*req;
	struct evkeyvalq	*h;
	char			*cause = NULL;
	size_t			 n;

	/* Freed here, never inside its own callback. */
	if (a->conn_failed && latency_agent_connect(a, &cause) != 0) {
		latency_agent_fail(a, 0, "%s", cause);
		free(cause);
		return;
	}
	n = a->fifo.len < a->batch ? a->fifo.len : a->batch;
	req = evhttp_request_new(latency_agent_done_cb, a);
	evhttp_request_set_error_cb(req, latency_agent_error_cb);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", a->where);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "User-Agent", "peertop-agent");
	if (a->auth[0] != '\0')
		evhttp_add_header(h, "Authorization", a->auth);
	a->seq++;
	latency_agent_body(a, evhttp_request_get_output_buffer(req), n);
	latency_agent_fifo_hold(&a->fifo, n);
	a->req_error = -1;
	a->req_errno = 0;
	a->req_sent = now_mono_ms();
	a->stats.pushes++;
	a->req = req;
	/* On failure evhttp frees req and calls neither callback. */
	if (evhttp_make_request(a->conn, req, EVHTTP_REQ_POST,
	    INGEST_PATH) != 0) {
		a->req = NULL;
		a->conn_failed = 1;
		latency_agent_fail(a, 0, "cannot send the request");
	}
}

static void
latency_agent_error_cb(enum evhttp_request_error err, void *arg)
{
	struct agent	*a = arg;

	a->req_error = (int)err;
	a->req_errno = EVUTIL_SOCKET_ERROR();
}

/*
 * Not delivered: keep the batch, back off, and while finishing give up
 * (the caller reports what is left as lost).
 */
static void
latency_agent_fail(struct agent *a, int code, const char *fmt, ...)
{
	va_list	 ap;
	char	 raw[sizeof a->stats.last_error];
	int	 first = a->backoff_ms == AGENT_BACKOFF_MIN_MS;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	latency_agent_fifo_release(&a->fifo);
	a->stats.failures++;
	a->stats.last_code = code;
	sanitize(a->stats.last_error, sizeof a->stats.last_error, raw,
	    strlen(raw));
	if (a->stats.first_error[0] == '\0')
		strlcpy_pt(a->stats.first_error, a->stats.last_error,
		    sizeof a->stats.first_error);
	a->next_mono = now_mono_ms() + a->backoff_ms;
	snprintf(a->status, sizeof a->status, "pushing to %s: %s, %zu queued, "
	    "retry in %u ms", a->shown, a->stats.last_error, a->fifo.len,
	    a->backoff_ms);
	/* The first failure of a streak is news; the retries are not. */
	if (first)
		log_warnx("agent: %s", a->status);
	a->backoff_ms *= 2;
	if (a->backoff_ms > AGENT_BACKOFF_MAX_MS)
		a->backoff_ms = AGENT_BACKOFF_MAX_MS;
	latency_agent_finished(a);
}

static void
latency_agent_done_cb(struct evhttp_request *req, void *arg)
{
	struct agent	*a = arg;
	const char	*tls_error;

	a->req = NULL;
	if (req != NULL && evhttp_request_get_response_code(req) != 0) {
		latency_agent_response(a, req);
		return;
	}
	a->conn_failed = 1;
	/* A certificate refused says so, not "connection closed". */
	if (a->req_error != EVREQ_HTTP_TIMEOUT &&
	    (tls_error = tls_http_error(a->conn)) != NULL) {
		latency_agent_fail(a, 0, "%s", tls_error);
		return;
	}
	switch (a->req_error) {
	case -1:
		/* libevent 2.1 fails a refused connect without the error
		 * callback; other connect errors come as EOF or timeout. */
		if (now_mono_ms() - a->req_sent >= AGENT_TIMEOUT_MS)
			latency_agent_fail(a, 0,
			    "timeout after %d ms connecting", AGENT_TIMEOUT_MS);
		else
			latency_agent_fail(a, 0, "connection refused");
		break;
	case EVREQ_HTTP_TIMEOUT:
		latency_agent_fail(a, 0, "timeout after %d ms",
		    AGENT_TIMEOUT_MS);
		break;
	default:
		if (a->req_errno == ECONNREFUSED)
			latency_agent_fail(a, 0, "connection refused");
		else if (a->req_errno != 0 && a->req_errno != EAGAIN)
			latency_agent_fail(a, 0, "connection failed: %s",
			    strerror(a->req_errno));
		else
			latency_agent_fail(a, 0, "connection closed without a "
			    "response");
		break;
	}
}

/* What the collector said about the batch in flight. */
static void
latency_agent_response(struct agent *a, struct evhttp_request *req)
{
	struct evbuffer	*b = evhttp_request_get_input_buffer(req);
	json_t		*root, *v;
	struct timeval	 tv = { 0, 0 };
	char		 text[128];
	size_t		 len = evbuffer_get_length(b), n;
	int		 code = evhttp_request_get_response_code(req);
	int64_t		 accepted = -1, unmapped = -1;

	/* The collector's error text, for the log and the status. */
	text[0] = '\0';
	root = len > 0 ? json_loadb((const char *)evbuffer_pullup(b, -1), len,
	    0, NULL) : NULL;
	if (json_is_string(v = json_object_get(root, "error")))
		sanitize(text, sizeof text, json_string_value(v),
		    json_string_length(v));
	else if (root == NULL && code != 200 && len > 0) {
		/* Not JSON (a proxy, a TLS listener's 426): its first line. */
		const char	*p = (const char *)evbuffer_pullup(b, -1);
		size_t		 k;

		for (k = 0; k < len && k < sizeof text - 1 && p[k] != '\n' &&
		    p[k] != '\r'; k++)
			;
		sanitize(text, sizeof text, p, k);
	}
	if (json_is_integer(v = json_object_get(root, "accepted")))
		accepted = json_integer_value(v);
	if (json_is_integer(v = json_object_get(root, "unmapped")))
		unmapped = json_integer_value(v);
	json_decref(root);

	a->stats.last_code = code;
	/*
	 * A 200 counts only with the answer of an ingest endpoint for this
	 * very batch: another server on that port must not swallow it.
	 */
	if (code == 200 && (accepted < 0 || unmapped < 0 ||
	    (uint64_t)accepted + (uint64_t)unmapped != a->fifo.held)) {
		latency_agent_fail(a, code,
		    "HTTP 200 without the count of this batch "
		    "(not a peertop ingest endpoint?)");
		return;
	}
	if (code == 200) {
		n = latency_agent_fifo_ack(&a->fifo);
		a->stats.sent += n;
		a->stats.queued = a->fifo.len;
		if (unmapped > 0) {
			if (a->stats.unmapped == 0)
				log_warnx("agent: the collector does not know "
				    "%lld of %zu samples' branch or edge "
				    "(check both configurations)",
				    (long long)unmapped, n);
			a->stats.unmapped += (uint64_t)unmapped;
		}
		if (a->backoff_ms != AGENT_BACKOFF_MIN_MS)
			log_info("agent: %s answers again", a->shown);
		a->backoff_ms = AGENT_BACKOFF_MIN_MS;
		a->next_mono = 0;
		a->stats.last_error[0] = '\0';
		a->stats.first_error[0] = '\0';
		snprintf(a->status, sizeof a->status, "pushing to %s: ok, %llu "
		    "sent, %zu queued", a->shown,
		    (unsigned long long)a->stats.sent, a->fifo.len);
		/* A backlog, or finishing: the next batch now. */
		if (a->fifo.len >= a->batch || a->done != NULL)
			evtimer_add(a->now, &tv);
		return;
	}
	if (code == 413 && a->batch > 1) {
		a->batch /= 2;
		log_warnx("agent: %s: batch too large, now %zu samples",
		    a->shown, a->batch);
		latency_agent_fail(a, code, "HTTP 413, batch now %zu",
		    a->batch);
		return;
	}
	/* 426: TLS required (an http:// URL for a TLS listener), a
	 * configuration error like a wrong token: the samples wait. */
	if (code >= 400 && code < 500 && code != 401 && code != 403 &&
	    code != 408 && code != 426 && code != 429) {
		/* The batch itself is bad: retrying it would fail forever. */
		n = latency_agent_fifo_ack(&a->fifo);
		a->stats.dropped_rejected += n;
		a->stats.queued = a->fifo.len;
		a->stats.failures++;
		snprintf(a->stats.last_error, sizeof a->stats.last_error,
		    "HTTP %d%s%s", code, text[0] != '\0' ? ": " : "", text);
		log_warnx("agent: %s refused a batch, %zu samples dropped: %s",
		    a->shown, n, a->stats.last_error);
		snprintf(a->status, sizeof a->status, "pushing to %s: %s",
		    a->shown, a->stats.last_error);
		if (a->done != NULL)
			evtimer_add(a->now, &tv);
		return;
	}
	latency_agent_fail(a, code, "HTTP %d%s%s", code,
	    text[0] != '\0' ? ": " : "", text);
}
