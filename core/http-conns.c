/* SPDX-License-Identifier: ISC */
/*
 * The connection guard of an evhttp server (http-conns.h): the cap, the
 * whole-request deadline and the accept backoff, shared by the ingest
 * endpoint and /metrics.
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

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "core/http-conns.h"
#include "core/util.h"

#define HTTP_BACKOFF_MIN_MS	250	/* accept failed: pause this long, */
#define HTTP_BACKOFF_MAX_MS	8000	/* doubling up to this */

/*
 * One client connection, from its accept to its close.  The bufferevent
 * callback (evhttp_set_bevcb()) makes the connection's bufferevent and
 * notes it here, and a timer made active then, run before any of its
 * I/O, finds the evhttp_connection behind it (the bufferevent's callback
 * argument, which evhttp sets to it) to hang the close callback on.
 * The same timer then holds the whole-request deadline.
 */
struct http_conn {
	TAILQ_ENTRY(http_conn)		 entry;
	struct http_conns		*hc;
	struct bufferevent		*bev;
	struct evhttp_connection	*evcon;	/* NULL until registered */
	struct event			*timer;
};

struct http_conns {
	TAILQ_ENTRY(http_conns)	 all;		/* http_conns_all */
	struct event_base	*base;
	struct evhttp		*http;
	struct evconnlistener	*lev;
	const char		*what;
	char			 where[HTTP_WHERE_MAX];
	struct http_conns_hooks	 hooks;
	struct http_conns_stats	*stats;
	TAILQ_HEAD(, http_conn)	 conns;
	size_t			 nconns, max_conns;
	int			 capped;	/* paused: max_conns open */
	struct event		*retry;		/* accept failed: resume */
	unsigned		 backoff_ms;	/* 0: accepting */
	uint64_t		 failed_mono;	/* an episode logged: when */
	uint64_t		 failed;	/* accepts failed in it */
	int			 failed_logged;	/* its end is to be logged */
	struct timeval		 deadline;	/* a whole request */
	uint64_t		 log_mono;	/* last refusal logged */
	uint64_t		 log_quiet;	/* refusals not logged since */
};

static struct bufferevent *http_conns_bev_cb(struct event_base *, void *);
static void	http_conns_timer_cb(evutil_socket_t, short, void *);
static void	http_conns_close_cb(struct evhttp_connection *, void *);
static void	http_conns_conn_free(struct http_conn *);
static void	http_conns_accept_error_cb(struct evconnlistener *, void *);
static void	http_conns_retry_cb(evutil_socket_t, short, void *);

/*
 * Every guard, so that the listener's error callback, whose argument
 * is evhttp's, finds its own.
 */
static TAILQ_HEAD(, http_conns) http_conns_all =
    TAILQ_HEAD_INITIALIZER(http_conns_all);

struct http_conns *
http_conns_new(struct event_base *base, struct evhttp *http, const char *what,
    size_t max_conns, unsigned deadline_ms,
    const struct http_conns_hooks *hooks, struct http_conns_stats *stats)
{
	struct http_conns	*hc;

	hc = xcalloc(1, sizeof *hc);
	TAILQ_INIT(&hc->conns);
	TAILQ_INSERT_TAIL(&http_conns_all, hc, all);
	hc->base = base;
	hc->http = http;
	hc->what = what;
	hc->max_conns = max_conns;
	if (hooks != NULL)
		hc->hooks = *hooks;
	hc->stats = stats;
	if ((hc->retry = evtimer_new(base, http_conns_retry_cb, hc)) == NULL)
		fatalx("evtimer_new");
	hc->deadline.tv_sec = (time_t)(deadline_ms / 1000);
	hc->deadline.tv_usec = (suseconds_t)((deadline_ms % 1000) * 1000);
	evhttp_set_timeout_tv(http, &hc->deadline);
	evhttp_set_bevcb(http, http_conns_bev_cb, hc);
	return (hc);
}

int
http_conns_bind(struct http_conns *hc, const struct addr *listen, int port,
    char *where, char **cause)
{
	struct evhttp_bound_socket	*bs;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen = sizeof ss;
	char				 host[ADDR_STRLEN];
	int				 error;

	if (listen->af == 0)
		strlcpy_pt(host, "127.0.0.1", sizeof host);
	else
		addr_fmt(listen, host, sizeof host);
	bs = evhttp_bind_socket_with_handle(hc->http, host,
	    (uint16_t)(port == -1 ? 0 : port));
	if (bs == NULL) {
		error = errno;	/* bind()'s, for the caller */
		xasprintf(cause, "%s: cannot listen on %s port %d (%s)",
		    hc->what, host, port == -1 ? 0 : port, error == EADDRINUSE ?
		    "in use" : error == EADDRNOTAVAIL ? "not an address of "
		    "this host" : error != 0 ? strerror(error) : "in use, or "
		    "not an address of this host");
		errno = error;
		return (-1);
	}
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss,
	    &sslen) != 0)
		fatal("%s: getsockname", hc->what);
	if (ss.ss_family == AF_INET6)
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	snprintf(hc->where, sizeof hc->where, ss.ss_family == AF_INET6 ?
	    "[%s]:%d" : "%s:%d", host, port);
	strlcpy_pt(where, hc->where, HTTP_WHERE_MAX);
	/*
	 * Without an error callback libevent logs a failed accept and
	 * leaves the listener armed: out of descriptors, the pending
	 * connection keeps it readable and the loop spins, a line each
	 * time.
	 */
	hc->lev = evhttp_bound_socket_get_listener(bs);
	evconnlistener_set_error_cb(hc->lev, http_conns_accept_error_cb);
	return (port);
}

void
http_conns_free(struct http_conns *hc)
{
	struct http_conn	*c;

	if (hc == NULL)
		return;
	/*
	 * Frees the listener, then every connection, each calling its close
	 * callback: which must not enable the freed listener again.
	 */
	hc->lev = NULL;
	evhttp_free(hc->http);
	/* Those accepted in this loop turn, not registered yet. */
	while ((c = TAILQ_FIRST(&hc->conns)) != NULL)
		http_conns_conn_free(c);
	event_free(hc->retry);
	TAILQ_REMOVE(&http_conns_all, hc, all);
	free(hc);
}

size_t
http_conns_open(const struct http_conns *hc)
{
	return (hc->nconns);
}

void
http_conns_deadline(struct http_conns *hc, struct evhttp_connection *evcon,
    int on)
{
	struct http_conn	*c;

	if (evcon == NULL)
		return;
	TAILQ_FOREACH(c, &hc->conns, entry)
		if (c->evcon == evcon)
			break;
	if (c == NULL)
		return;
	if (on)
		evtimer_add(c->timer, &hc->deadline);
	else
		evtimer_del(c->timer);
}

void
http_conns_log(struct http_conns *hc, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[512];

	if (now_mono_ms() - hc->log_mono < 1000) {
		hc->log_quiet++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (hc->log_quiet > 0)
		log_warnx("%s (and %llu more refused or closed, not logged)",
		    line, (unsigned long long)hc->log_quiet);
	else
		log_warnx("%s", line);
	hc->log_mono = now_mono_ms();
	hc->log_quiet = 0;
}

/* A new connection: its bufferevent (evhttp's own kind), noted. */
static struct bufferevent *
http_conns_bev_cb(struct event_base *base, void *arg)
{
	struct http_conns	*hc = arg;
	struct http_conn	*c;

	if (hc->backoff_ms != 0 && hc->failed_logged) {
		log_info("%s: accepting connections on %s again, after "
		    "%llu failed in %llu s", hc->what, hc->where,
		    (unsigned long long)hc->failed,
		    (unsigned long long)(now_mono_ms() - hc->failed_mono) /
		    1000);
		hc->failed_logged = 0;
	}
	hc->backoff_ms = 0;
	/*
	 * At the cap the listener pauses: further clients wait in the
	 * kernel's backlog (or are refused by it) until one closes.  The
	 * listener stops accepting in this very turn once disabled.
	 */
	if (++hc->nconns >= hc->max_conns && !hc->capped) {
		hc->capped = 1;
		hc->stats->capped++;
		evconnlistener_disable(hc->lev);
		http_conns_log(hc, "%s: %zu connections open on %s, the most "
		    "allowed (max-connections): not accepting more until one "
		    "closes", hc->what, hc->nconns, hc->where);
	}
	c = xcalloc(1, sizeof *c);
	c->hc = hc;
	/* No BEV_OPT_CLOSE_ON_FREE: evhttp closes the socket itself. */
	if ((c->bev = bufferevent_socket_new(base, -1, 0)) == NULL ||
	    (c->timer = evtimer_new(base, http_conns_timer_cb, c)) == NULL)
		fatalx("%s: bufferevent_socket_new", hc->what);
	TAILQ_INSERT_TAIL(&hc->conns, c, entry);
	/*
	 * Active now, it runs in this pass over the active events, before
	 * the loop polls again and so before any I/O of the connection
	 * (a zero timeout would wait for that poll, and a client gone by
	 * then would have its connection freed first).
	 */
	event_active(c->timer, EV_TIMEOUT, 1);
	return (c->bev);
}

/*
 * First run: find the evhttp connection and arm the deadline.  Then the
 * deadline: the owner may answer (expired hook); else the request was
 * not read whole in time and is closed without an answer (evhttp has no
 * request to answer yet).
 */
static void
http_conns_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct http_conn	*c = arg;
	struct http_conns	*hc = c->hc;
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
			http_conns_conn_free(c);
			return;
		}
		c->evcon = cbarg;
		evhttp_connection_set_closecb(c->evcon, http_conns_close_cb, c);
		evtimer_add(c->timer, &hc->deadline);
		return;
	}
	if (hc->hooks.expired != NULL &&
	    hc->hooks.expired(hc->hooks.arg, c->evcon))
		return;
	hc->stats->timeouts++;
	evhttp_connection_get_peer(c->evcon, &addr, &port);
	sanitize(peer, sizeof peer, addr != NULL ? addr : "?",
	    addr != NULL ? strlen(addr) : 1);
	http_conns_log(hc, "%s: %s: request not whole after %lld ms, closed",
	    hc->what, peer, (long long)hc->deadline.tv_sec * 1000 +
	    hc->deadline.tv_usec / 1000);
	/* Calls http_conns_close_cb(), which frees c. */
	evhttp_connection_free(c->evcon);
}

static void
http_conns_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn	*c = arg;
	struct http_conns	*hc = c->hc;

	if (hc->hooks.closing != NULL)
		hc->hooks.closing(hc->hooks.arg, evcon);
	http_conns_conn_free(c);
}

/* Forget a connection (evhttp frees its bufferevent). */
static void
http_conns_conn_free(struct http_conn *c)
{
	struct http_conns	*hc = c->hc;

	TAILQ_REMOVE(&hc->conns, c, entry);
	event_free(c->timer);
	free(c);
	hc->nconns--;
	if (hc->capped && hc->nconns < hc->max_conns) {
		hc->capped = 0;
		if (hc->backoff_ms == 0 && hc->lev != NULL)
			evconnlistener_enable(hc->lev);
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
http_conns_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct http_conns	*hc;
	struct timeval		 tv;
	int			 err = errno;

	TAILQ_FOREACH(hc, &http_conns_all, all)
		if (hc->http == arg)
			break;
	evconnlistener_disable(lev);
	if (hc == NULL)
		return;
	hc->stats->accept_errors++;
	hc->failed++;
	if (hc->backoff_ms == 0) {
		hc->backoff_ms = HTTP_BACKOFF_MIN_MS;
		/* Flapping at the limit: an episode a minute is logged. */
		if (hc->failed_mono == 0 ||
		    now_mono_ms() - hc->failed_mono >= 60000) {
			log_warnx("%s: cannot accept connections on %s: %s "
			    "(%zu open, %llu accepts failed so far); pausing, "
			    "retrying from %u ms to every %u s", hc->what,
			    hc->where, strerror(err), hc->nconns,
			    (unsigned long long)hc->stats->accept_errors,
			    hc->backoff_ms, HTTP_BACKOFF_MAX_MS / 1000);
			hc->failed_mono = now_mono_ms();
			hc->failed_logged = 1;
			hc->failed = 1;
		}
	} else if ((hc->backoff_ms *= 2) > HTTP_BACKOFF_MAX_MS)
		hc->backoff_ms = HTTP_BACKOFF_MAX_MS;
	tv.tv_sec = hc->backoff_ms / 1000;
	tv.tv_usec = (hc->backoff_ms % 1000) * 1000;
	evtimer_add(hc->retry, &tv);
}

static void
http_conns_retry_cb(evutil_socket_t fd, short events, void *arg)
{
	struct http_conns	*hc = arg;

	(void)fd;
	(void)events;
	if (!hc->capped && hc->lev != NULL)
		evconnlistener_enable(hc->lev);
}
