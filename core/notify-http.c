/* SPDX-License-Identifier: ISC */
/*
 * The notifier's HTTP destinations: Alertmanager's v2 API and webhooks
 * (Slack, Teams, plain JSON).  One evhttp connection per destination,
 * over TLS for https:// (core/tls.h: the server's certificate verified
 * against the system CAs or the block's ca); after any failure the
 * connection is dropped and the next attempt makes a new one, since a
 * TLS bufferevent cannot reconnect.  One request in flight per
 * destination; a 2xx answer is delivered (its body ignored, whatever
 * its size), anything else is retried by the engine (notify.c).
 */

#include <sys/types.h>

#include <event2/buffer.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/notify.h"
#include "core/tls.h"
#include "core/util.h"

struct notify_http {
	struct notify_dest *d;
	char		 host[256];
	int		 port;
	char		 path[NOTIFY_STR_MAX];
	char		 hosthdr[300];
	int		 https;
	struct tls_client *tls;
	struct evdns_base *dns;
	struct evhttp_connection *conn;
	/* Failed: freed at the next send, outside its own callbacks. */
	struct evhttp_connection *dead;
	struct evhttp_request *req;	/* in flight */
	struct notify_batch *batch;	/* its batch */
	int		 req_error;
	int		 req_errno;
	int		 req_status;	/* the answer's, from its headers */
	uint64_t	 req_sent;
};

static int	 notify_http_start(struct notify_dest *, char **);
static void	 notify_http_stop(struct notify_dest *);
static void	 notify_http_send(struct notify_dest *, struct notify_batch *);
static void	 notify_http_done_cb(struct evhttp_request *, void *);
static int	 notify_http_header_cb(struct evhttp_request *, void *);
static void	 notify_http_error_cb(enum evhttp_request_error, void *);
static void	 notify_http_fail(struct notify_http *, const char *, ...)
		    printflike(2, 3);

const struct notify_kind notify_kind_alertmanager = {
	.name = "alertmanager",
	.start = notify_http_start,
	.stop = notify_http_stop,
	.send = notify_http_send,
	.alertmanager = 1,
};

const struct notify_kind notify_kind_webhook = {
	.name = "webhook",
	.start = notify_http_start,
	.stop = notify_http_stop,
	.send = notify_http_send,
};

static int
notify_http_start(struct notify_dest *d, char **cause)
{
	const struct notify_dest_conf	*dc = notify_dest_conf(d);
	const struct notify_conf	*nc = notify_dest_block(d);
	struct notify_http		*h;
	struct evhttp_uri		*u;
	const char			*s;
	struct addr			 ad;
	char				 what[160];
	size_t				 len;

	if ((u = evhttp_uri_parse(dc->url)) == NULL ||
	    (s = evhttp_uri_get_scheme(u)) == NULL ||
	    (strcasecmp(s, "http") != 0 && strcasecmp(s, "https") != 0) ||
	    evhttp_uri_get_host(u) == NULL) {
		xasprintf(cause, "notify %s: %s: not an http:// or https:// "
		    "URL", nc->name, dc->url);
		if (u != NULL)
			evhttp_uri_free(u);
		return (-1);
	}
	h = xcalloc(1, sizeof *h);
	h->d = d;
	h->https = strcasecmp(s, "https") == 0;
	/* evhttp keeps an IPv6 literal's brackets: connect to the address. */
	s = evhttp_uri_get_host(u);
	len = strlen(s);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']')
		strlcpy_pt(h->host, s + 1, len - 1 < sizeof h->host ?
		    len - 1 : sizeof h->host);
	else
		strlcpy_pt(h->host, s, sizeof h->host);
	h->port = evhttp_uri_get_port(u);
	if (h->port <= 0)
		h->port = h->https ? 443 : 80;
	snprintf(h->hosthdr, sizeof h->hosthdr, strchr(h->host, ':') != NULL ?
	    "[%s]:%d" : "%s:%d", h->host, h->port);
	s = evhttp_uri_get_path(u);
	strlcpy_pt(h->path, s != NULL && *s != '\0' ? s : "/", sizeof h->path);
	if (dc->kind->alertmanager) {
		/* The base URL: the API's path goes after it. */
		len = strlen(h->path);
		if (len > 0 && h->path[len - 1] == '/')
			h->path[len - 1] = '\0';
		len = strlen(h->path);
		snprintf(h->path + len, sizeof h->path - len, "%s",
		    NOTIFY_AM_PATH);
	}
	if ((s = evhttp_uri_get_query(u)) != NULL) {
		len = strlen(h->path);
		snprintf(h->path + len, sizeof h->path - len, "?%s", s);
	}
	evhttp_uri_free(u);
	notify_dest_set_priv(d, h);
	snprintf(what, sizeof what, "notify %s/%s", nc->name, dc->label);
	if (h->https && (h->tls = tls_client_new(&nc->tls, what,
	    cause)) == NULL)
		return (-1);
	if (addr_parse(h->host, &ad) != 0 && (h->dns = evdns_base_new(
	    notify_dest_base(d), EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL) {
		xasprintf(cause, "%s: cannot resolve %s: no DNS resolver "
		    "configured", what, h->host);
		return (-1);
	}
	return (0);
}

static void
notify_http_stop(struct notify_dest *d)
{
	struct notify_http	*h = notify_dest_priv(d);

	if (h == NULL)
		return;
	/* Frees a request in flight without calling its callback. */
	if (h->conn != NULL)
		evhttp_connection_free(h->conn);
	if (h->dead != NULL)
		evhttp_connection_free(h->dead);
	if (h->batch != NULL)
		notify_batch_drop(h->batch);	/* counted by the engine */
	if (h->dns != NULL)
		evdns_base_free(h->dns, 0);
	tls_client_free(h->tls);
	free(h);
	notify_dest_set_priv(d, NULL);
}

static void
notify_http_send(struct notify_dest *d, struct notify_batch *bt)
{
	struct notify_http		*h = notify_dest_priv(d);
	const struct notify_dest_conf	*dc = notify_dest_conf(d);
	const struct notify_conf	*nc = notify_dest_block(d);
	struct evhttp_request		*req;
	struct evkeyvalq		*hdr;
	struct timeval			 tv;
	char				*cause = NULL;
	int64_t				 t = notify_dest_timeout(d);

	h->batch = bt;
	if (h->dead != NULL) {
		evhttp_connection_free(h->dead);
		h->dead = NULL;
	}
	if (h->conn == NULL) {
		h->conn = tls_http_connection(notify_dest_base(d), h->dns,
		    h->tls, h->host, h->port, &cause);
		if (h->conn == NULL) {
			notify_http_fail(h, "%s", cause);
			free(cause);
			return;
		}
		tv.tv_sec = t / 1000;
		tv.tv_usec = (t % 1000) * 1000;
		evhttp_connection_set_timeout_tv(h->conn, &tv);
		evhttp_connection_set_retries(h->conn, 0);
		evhttp_connection_set_max_body_size(h->conn, 64 * 1024);
		evhttp_connection_set_max_headers_size(h->conn, 64 * 1024);
	}
	req = evhttp_request_new(notify_http_done_cb, h);
	evhttp_request_set_error_cb(req, notify_http_error_cb);
	evhttp_request_set_header_cb(req, notify_http_header_cb);
	hdr = evhttp_request_get_output_headers(req);
	evhttp_add_header(hdr, "Host", h->hosthdr);
	evhttp_add_header(hdr, "Content-Type", "application/json");
	evhttp_add_header(hdr, "User-Agent", "peertop-notify");
	if (dc->kind->alertmanager)
		notify_body_alertmanager(evhttp_request_get_output_buffer(req),
		    nc->name, notify_dest_instance(d), bt->items, bt->n,
		    now_wall_ms());
	else
		notify_body_webhook(evhttp_request_get_output_buffer(req),
		    dc->format, nc->name, notify_dest_instance(d), bt->items,
		    bt->n);
	h->req_error = -1;
	h->req_errno = 0;
	h->req_status = 0;
	h->req_sent = now_mono_ms();
	h->req = req;
	/* On failure evhttp frees req and calls neither callback. */
	if (evhttp_make_request(h->conn, req, EVHTTP_REQ_POST, h->path) != 0) {
		h->req = NULL;
		evhttp_connection_free(h->conn);
		h->conn = NULL;
		notify_http_fail(h, "cannot send the request");
	}
}

/*
 * The status, once the headers are in: a 2xx is delivered whatever its
 * body (too large for the connection, cut short): the body is ignored.
 */
static int
notify_http_header_cb(struct evhttp_request *req, void *arg)
{
	struct notify_http	*h = arg;

	h->req_status = evhttp_request_get_response_code(req);
	return (0);
}

static void
notify_http_error_cb(enum evhttp_request_error err, void *arg)
{
	struct notify_http	*h = arg;

	h->req_error = (int)err;
	h->req_errno = EVUTIL_SOCKET_ERROR();
}

/* Not delivered: a new connection next time, the engine retries. */
static void
notify_http_fail(struct notify_http *h, const char *fmt, ...)
{
	struct notify_batch	*bt = h->batch;
	va_list			 ap;
	char			 why[ERR_MAX];
	const char		*tls;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (h->conn != NULL) {
		if ((tls = tls_http_error(h->conn)) != NULL)
			snprintf(why, sizeof why, "TLS: %s", tls);
		/* Maybe inside its callback: not freed here. */
		h->dead = h->conn;
		h->conn = NULL;
	}
	h->batch = NULL;
	notify_batch_done(bt, 0, why);
}

static void
notify_http_done_cb(struct evhttp_request *req, void *arg)
{
	struct notify_http	*h = arg;
	struct notify_batch	*bt = h->batch;
	int			 code;
	int64_t			 t = notify_dest_timeout(h->d);

	h->req = NULL;
	if (h->req_status >= 200 && h->req_status < 300 &&
	    h->req_error != -1) {
		/* Delivered, the connection is not reusable past its error. */
		h->dead = h->conn;
		h->conn = NULL;
		h->batch = NULL;
		notify_batch_done(bt, 1, NULL);
		return;
	}
	if (req != NULL && (code = evhttp_request_get_response_code(req)) !=
	    0) {
		if (code >= 200 && code < 300) {
			h->batch = NULL;
			notify_batch_done(bt, 1, NULL);
		} else
			notify_http_fail(h, "HTTP %d from %s", code,
			    h->hosthdr);
		return;
	}
	switch (h->req_error) {
	case -1:
		/* libevent 2.1 fails a refused connect without the error
		 * callback; other connect errors come as EOF or timeout. */
		if ((int64_t)(now_mono_ms() - h->req_sent) >= t)
			notify_http_fail(h, "timeout after %lld ms connecting "
			    "to %s", (long long)t, h->hosthdr);
		else
			notify_http_fail(h, "connection to %s refused or "
			    "closed", h->hosthdr);
		break;
	case EVREQ_HTTP_TIMEOUT:
		notify_http_fail(h, "timeout after %lld ms from %s",
		    (long long)t, h->hosthdr);
		break;
	default:
		if (h->req_errno == ECONNREFUSED)
			notify_http_fail(h, "connection to %s refused",
			    h->hosthdr);
		else if (h->req_errno != 0 && h->req_errno != EAGAIN)
			notify_http_fail(h, "connection to %s failed: %s",
			    h->hosthdr, strerror(h->req_errno));
		else
			notify_http_fail(h, "%s closed without a response",
			    h->hosthdr);
		break;
	}
}
