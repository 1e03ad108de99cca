/* SPDX-License-Identifier: ISC */
/*
 * The collector's HTTP listeners (httpd.h): what the ingest endpoint and
 * the API share, so that a bound on connections, request time or size
 * is written, and fixed, once.  libevent 2.1's evhttp has no hook for a
 * connection's accept or close and no cap on connections; the
 * bufferevent callback stands in for the first and a close callback,
 * hung on each connection as soon as it exists, for the second.
 *
 * With TLS the bufferevent is an accepting OpenSSL one: the handshake
 * happens inside it, before evhttp sees a byte, so the connection cap
 * and the whole-request deadline, armed from the accept, bound a client
 * that never finishes its handshake as they bound one that never
 * finishes its request.
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

#include "core/httpd.h"
#include "core/tls.h"

#define HTTPD_BACKOFF_MIN_MS	250	/* accept failed: pause this long, */
#define HTTPD_BACKOFF_MAX_MS	8000	/* doubling up to this */

/*
 * One client connection, from its accept to its close.  The bufferevent
 * callback (evhttp_set_bevcb()) makes the connection's bufferevent and
 * notes it here, and a timer made active then, run before any of its
 * I/O, finds the evhttp_connection behind it (the bufferevent's callback
 * argument, which evhttp sets to it) to hang the close callback on.  The
 * same timer then holds the whole-request deadline.
 */
struct httpd_conn {
	TAILQ_ENTRY(httpd_conn)		 entry;
	struct httpd			*h;
	struct bufferevent		*bev;
	struct evhttp_connection	*evcon;	/* NULL until registered */
	struct event			*timer;
};
TAILQ_HEAD(httpd_conns, httpd_conn);

struct httpd {
	TAILQ_ENTRY(httpd)	 all;		/* httpds */
	struct httpd_conf	 conf;
	struct evconnlistener	*lev;
	struct evhttp		*http;
	struct tls_server	*tls;		/* NULL: plain HTTP */
	int			 port;
	char			 where[ADDR_STRLEN + 16];	/* in messages */
	struct httpd_conns	 conns;
	size_t			 nconns;
	int			 capped;	/* paused: max_conns open */
	struct event		*retry;		/* accept failed: resume */
	unsigned		 backoff_ms;	/* 0: accepting */
	uint64_t		 failed_mono;	/* an episode logged: when */
	uint64_t		 failed;	/* accepts failed in it */
	int			 failed_logged;	/* its end is to be logged */
	uint64_t		 accept_errors;
	struct timeval		 deadline;	/* a whole request */
	uint64_t		 log_mono;	/* last refusal logged */
	uint64_t		 log_quiet;	/* refusals not logged since */
};

static int	httpd_bind(struct httpd *, char **);
static void	httpd_count(uint64_t *);
static void	httpd_accept_error_cb(struct evconnlistener *, void *);
static void	httpd_retry_cb(evutil_socket_t, short, void *);
static struct bufferevent *httpd_bev_cb(struct event_base *, void *);
static void	httpd_conn_timer_cb(evutil_socket_t, short, void *);
static void	httpd_conn_close_cb(struct evhttp_connection *, void *);
static void	httpd_conn_free(struct httpd_conn *);
static struct httpd_conn *httpd_conn_find(struct httpd *,
		    struct evhttp_connection *);

/*
 * Every server, so that the listener's error callback, whose argument
 * is evhttp's, finds its own.
 */
static TAILQ_HEAD(, httpd) httpds = TAILQ_HEAD_INITIALIZER(httpds);

struct httpd *
httpd_new(struct event_base *base, const struct httpd_conf *conf,
    char **cause)
{
	struct httpd	*h;
	unsigned	 ms = conf->request_timeout_ms;
	char		 why[TLS_PATH_MAX + 96];

	if (conf->port < -1 || conf->port > 65535) {
		xasprintf(cause, "%s: bad port %d", conf->name, conf->port);
		return (NULL);
	}
	h = xcalloc(1, sizeof *h);
	h->conf = *conf;
	h->conf.tls = NULL;	/* the caller's, not kept */
	TAILQ_INIT(&h->conns);
	TAILQ_INSERT_TAIL(&httpds, h, all);
	if ((h->retry = evtimer_new(base, httpd_retry_cb, h)) == NULL ||
	    (h->http = evhttp_new(base)) == NULL)
		fatalx("%s: evhttp_new", conf->name);
	evhttp_set_max_body_size(h->http, (ev_ssize_t)conf->max_body);
	evhttp_set_max_headers_size(h->http, (ev_ssize_t)conf->max_headers);
	/*
	 * evhttp's timeout is per read: a client dripping a byte now and
	 * then would never meet it.  The deadline bounds the whole
	 * request, headers and body, from the accept or the previous
	 * answer (httpd_conn_timer_cb()).
	 */
	h->deadline.tv_sec = (time_t)(ms / 1000);
	h->deadline.tv_usec = (suseconds_t)((ms % 1000) * 1000);
	evhttp_set_timeout_tv(h->http, &h->deadline);
	evhttp_set_bevcb(h->http, httpd_bev_cb, h);
	/*
	 * Read (and discard) an oversized body before answering 413:
	 * closing with it unread would reset the connection, and the
	 * client would see a reset instead of the 413 that says why.  The
	 * deadline bounds a client that never stops.
	 */
	evhttp_set_flags(h->http, EVHTTP_SERVER_LINGERING_CLOSE);
	/* Every method reaches the handler, which answers 405 itself. */
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->http, conf->request, conf->arg);
	if (conf->tls != NULL && conf->tls->enabled &&
	    (h->tls = tls_server_new(conf->tls, conf->name, cause)) == NULL) {
		httpd_free(h);
		return (NULL);
	}
	if (h->tls != NULL && tls_certificate_expiry(conf->tls->certificate,
	    why, sizeof why))
		log_warnx("%s: tls: %s", conf->name, why);
	if (httpd_bind(h, cause) == -1) {
		httpd_free(h);
		return (NULL);
	}
	return (h);
}

static int
httpd_bind(struct httpd *h, char **cause)
{
	struct evhttp_bound_socket	*bs;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen = sizeof ss;
	char				 host[ADDR_STRLEN];
	int				 port, error;

	if (h->conf.listen.af == 0)
		strlcpy_pt(host, "127.0.0.1", sizeof host);
	else
		addr_fmt(&h->conf.listen, host, sizeof host);
	port = h->conf.port == -1 ? 0 : h->conf.port;
	bs = evhttp_bind_socket_with_handle(h->http, host, (uint16_t)port);
	if (bs == NULL) {
		error = errno;	/* bind()'s, for the caller */
		xasprintf(cause, "%s: cannot listen on %s port %d (%s)",
		    h->conf.name, host, port, error == EADDRINUSE ?
		    "in use" : error == EADDRNOTAVAIL ? "not an address of "
		    "this host" : error != 0 ? strerror(error) : "in use, or "
		    "not an address of this host");
		errno = error;
		return (-1);
	}
	/*
	 * Without an error callback libevent logs a failed accept and
	 * leaves the listener armed: out of descriptors, the pending
	 * connection keeps it readable and the loop spins, a line each
	 * time.
	 */
	h->lev = evhttp_bound_socket_get_listener(bs);
	evconnlistener_set_error_cb(h->lev, httpd_accept_error_cb);
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss,
	    &sslen) != 0)
		fatal("%s: getsockname", h->conf.name);
	if (ss.ss_family == AF_INET6)
		h->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		h->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	/* The scheme said only for TLS, the plain default staying short. */
	snprintf(h->where, sizeof h->where, ss.ss_family == AF_INET6 ?
	    "%s[%s]:%d" : "%s%s:%d", h->tls != NULL ? "https://" : "", host,
	    h->port);
	return (0);
}

void
httpd_free(struct httpd *h)
{
	struct httpd_conn	*c;

	if (h == NULL)
		return;
	/*
	 * Frees the listener, then every connection, each calling its close
	 * callback: which must not enable the freed listener again.
	 */
	h->lev = NULL;
	if (h->http != NULL)
		evhttp_free(h->http);
	/* Those accepted in this loop turn, not registered yet. */
	while ((c = TAILQ_FIRST(&h->conns)) != NULL)
		httpd_conn_free(c);
	event_free(h->retry);
	TAILQ_REMOVE(&httpds, h, all);
	tls_server_free(h->tls);
	free(h);
}

int
httpd_tls_reload(const char *name, const struct tls_conf *conf,
    char **cause)
{
	struct httpd	*h;

	TAILQ_FOREACH(h, &httpds, all)
		if (h->tls != NULL && strcmp(h->conf.name, name) == 0)
			return (tls_server_reload(h->tls, conf, cause));
	return (-2);
}

int
httpd_port(const struct httpd *h)
{
	return (h->port);
}

const char *
httpd_where(const struct httpd *h)
{
	return (h->where);
}

size_t
httpd_conns(const struct httpd *h)
{
	return (h->nconns);
}

static void
httpd_count(uint64_t *n)
{
	if (n != NULL)
		(*n)++;
}

void
httpd_peer(struct evhttp_request *req, char *buf, size_t len)
{
	char		*addr = NULL;
	uint16_t	 port = 0;

	evhttp_connection_get_peer(evhttp_request_get_connection(req), &addr,
	    &port);
	sanitize(buf, len, addr != NULL ? addr : "?",
	    addr != NULL ? strlen(addr) : 1);
}

/*
 * "Bearer TOKEN", the token compared in time that depends only on the
 * configured token's length, so a guess learns nothing from the timing.
 */
int
httpd_bearer_ok(const char *token, struct evhttp_request *req)
{
	const char	*h, *given;
	size_t		 i, glen, tlen = strlen(token);
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
		diff |= (unsigned char)token[i] ^
		    (unsigned char)(i < glen ? given[i] : 0);
	return (diff == 0);
}

void
httpd_reply(struct evhttp_request *req, int code, struct evbuffer *body,
    const char *allow)
{
	static const struct {
		int		 code;
		const char	*reason;
	} reasons[] = {
		{ 200, "OK" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 413, "Payload Too Large" },
		{ 503, "Service Unavailable" }
	};
	struct evkeyvalq	*hdr = evhttp_request_get_output_headers(req);
	size_t			 i;
	char			 len[32];

	evhttp_add_header(hdr, "Content-Type", "application/json");
	/* State of now: no cache may answer for the collector later. */
	evhttp_add_header(hdr, "Cache-Control", "no-store");
	for (i = 0; i < nitems(reasons) - 1; i++)
		if (reasons[i].code == code)
			break;
	if (code == 401)
		evhttp_add_header(hdr, "WWW-Authenticate", "Bearer");
	else if (code == 405 && allow != NULL)
		evhttp_add_header(hdr, "Allow", allow);
	/* HEAD: the length GET would have; evhttp leaves out the body. */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(len, sizeof len, "%zu", body != NULL ?
		    evbuffer_get_length(body) : (size_t)0);
		evhttp_add_header(hdr, "Content-Length", len);
	}
	evhttp_send_reply(req, code, reasons[i].reason, body);
}

void
httpd_deadline(struct httpd *h, struct evhttp_connection *evcon, int on)
{
	struct httpd_conn	*c;

	if (evcon == NULL || (c = httpd_conn_find(h, evcon)) == NULL)
		return;
	if (on)
		evtimer_add(c->timer, &h->deadline);
	else
		evtimer_del(c->timer);
}

/*
 * A refusal or a closed connection: one line a second at most, so a
 * client hammering the port cannot fill the log; the next line says how
 * many went unlogged.
 */
void
httpd_log(struct httpd *h, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[512];

	if (now_mono_ms() - h->log_mono < 1000) {
		h->log_quiet++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (h->log_quiet > 0)
		log_warnx("%s (and %llu more refused or closed, not logged)",
		    line, (unsigned long long)h->log_quiet);
	else
		log_warnx("%s", line);
	h->log_mono = now_mono_ms();
	h->log_quiet = 0;
}

/* A new connection: its bufferevent (evhttp's own kind), noted. */
static struct bufferevent *
httpd_bev_cb(struct event_base *base, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*c;

	if (h->backoff_ms != 0 && h->failed_logged) {
		log_info("%s: accepting connections on %s again, after "
		    "%llu failed in %llu s", h->conf.name, h->where,
		    (unsigned long long)h->failed,
		    (unsigned long long)(now_mono_ms() - h->failed_mono) /
		    1000);
		h->failed_logged = 0;
	}
	h->backoff_ms = 0;
	/*
	 * At the cap the listener pauses: further clients wait in the
	 * kernel's backlog (or are refused by it) until one closes.  The
	 * listener stops accepting in this very turn once disabled.
	 */
	if (++h->nconns >= h->conf.max_conns && !h->capped) {
		h->capped = 1;
		httpd_count(h->conf.capped);
		evconnlistener_disable(h->lev);
		httpd_log(h, "%s: %zu connections open on %s, the most "
		    "allowed (max-connections): not accepting more until one "
		    "closes", h->conf.name, h->nconns, h->where);
	}
	c = xcalloc(1, sizeof *c);
	c->h = h;
	/*
	 * A plain one without BEV_OPT_CLOSE_ON_FREE: evhttp closes the
	 * socket itself; a TLS one with it (tls_server_bufferevent()).
	 */
	if (h->tls != NULL)
		c->bev = tls_server_bufferevent(h->tls, base);
	else
		c->bev = bufferevent_socket_new(base, -1, 0);
	if (c->bev == NULL ||
	    (c->timer = evtimer_new(base, httpd_conn_timer_cb, c)) == NULL)
		fatalx("%s: bufferevent_socket_new", h->conf.name);
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	/*
	 * Active now, it runs in this pass over the active events, before
	 * the loop polls again and so before any I/O of the connection
	 * (a zero timeout would wait for that poll, and a client gone by
	 * then would have its connection freed first).
	 */
	event_active(c->timer, EV_TIMEOUT, 1);
	return (c->bev);
}

static struct httpd_conn *
httpd_conn_find(struct httpd *h, struct evhttp_connection *evcon)
{
	struct httpd_conn	*c;

	TAILQ_FOREACH(c, &h->conns, entry)
		if (c->evcon == evcon)
			return (c);
	return (NULL);
}

/*
 * First run: find the evhttp connection and arm the deadline.  Then the
 * deadline: the owner answers a request it holds; one not read whole in
 * time is closed without an answer (evhttp has no request to answer).
 */
static void
httpd_conn_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct httpd_conn	*c = arg;
	struct httpd		*h = c->h;
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
			httpd_conn_free(c);
			return;
		}
		c->evcon = cbarg;
		evhttp_connection_set_closecb(c->evcon, httpd_conn_close_cb, c);
		evtimer_add(c->timer, &h->deadline);
		return;
	}
	if (h->conf.expire != NULL && h->conf.expire(h->conf.arg, c->evcon))
		return;
	httpd_count(h->conf.timeouts);
	evhttp_connection_get_peer(c->evcon, &addr, &port);
	sanitize(peer, sizeof peer, addr != NULL ? addr : "?",
	    addr != NULL ? strlen(addr) : 1);
	httpd_log(h, "%s: %s: request not whole after %lld ms, closed",
	    h->conf.name, peer, (long long)h->deadline.tv_sec * 1000 +
	    h->deadline.tv_usec / 1000);
	/* Calls httpd_conn_close_cb(), which frees c. */
	evhttp_connection_free(c->evcon);
}

static void
httpd_conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct httpd_conn	*c = arg;

	if (c->h->conf.closed != NULL)
		c->h->conf.closed(c->h->conf.arg, evcon);
	httpd_conn_free(c);
}

/* Forget a connection (evhttp frees its bufferevent). */
static void
httpd_conn_free(struct httpd_conn *c)
{
	struct httpd	*h = c->h;

	TAILQ_REMOVE(&h->conns, c, entry);
	event_free(c->timer);
	free(c);
	h->nconns--;
	if (h->capped && h->nconns < h->conf.max_conns) {
		h->capped = 0;
		if (h->backoff_ms == 0 && h->lev != NULL)
			evconnlistener_enable(h->lev);
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
httpd_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct httpd	*h;
	struct timeval	 tv;
	int		 err = errno;

	TAILQ_FOREACH(h, &httpds, all)
		if (h->http == arg)
			break;
	evconnlistener_disable(lev);
	if (h == NULL)
		return;
	h->accept_errors++;
	httpd_count(h->conf.accept_errors);
	h->failed++;
	if (h->backoff_ms == 0) {
		h->backoff_ms = HTTPD_BACKOFF_MIN_MS;
		/* Flapping at the limit: an episode a minute is logged. */
		if (h->failed_mono == 0 ||
		    now_mono_ms() - h->failed_mono >= 60000) {
			log_warnx("%s: cannot accept connections on %s: %s "
			    "(%zu open, %llu accepts failed so far); pausing, "
			    "retrying from %u ms to every %u s", h->conf.name,
			    h->where, strerror(err), h->nconns,
			    (unsigned long long)h->accept_errors,
			    h->backoff_ms, HTTPD_BACKOFF_MAX_MS / 1000);
			h->failed_mono = now_mono_ms();
			h->failed_logged = 1;
			h->failed = 1;
		}
	} else if ((h->backoff_ms *= 2) > HTTPD_BACKOFF_MAX_MS)
		h->backoff_ms = HTTPD_BACKOFF_MAX_MS;
	tv.tv_sec = h->backoff_ms / 1000;
	tv.tv_usec = (h->backoff_ms % 1000) * 1000;
	evtimer_add(h->retry, &tv);
}

static void
httpd_retry_cb(evutil_socket_t fd, short events, void *arg)
{
	struct httpd	*h = arg;

	(void)fd;
	(void)events;
	if (!h->capped && h->lev != NULL)
		evconnlistener_enable(h->lev);
}
