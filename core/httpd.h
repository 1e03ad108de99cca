/* SPDX-License-Identifier: ISC */
/*
 * The pieces every HTTP listener of the collector shares (the latency
 * ingest endpoint, the read-only API): an evhttp bound to one address,
 * its connections counted and capped (the listener pauses at the cap),
 * a deadline on each whole request however slowly it drips in, a backoff
 * when accept() fails (out of descriptors), rate-limited logging of
 * refusals, the bearer token compared in constant time, JSON replies and
 * TLS (tls.h) when configured.  The owner only answers requests.
 */
#ifndef PEERTOP_HTTPD_H
#define PEERTOP_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/util.h"

struct event_base;
struct evbuffer;
struct evhttp_request;
struct evhttp_connection;
struct httpd;

struct httpd_conf {
	const char	*name;		/* "ingest", "api": in messages */
	struct addr	 listen;	/* af 0: 127.0.0.1 */
	int		 port;		/* -1: any free port (tests) */
	size_t		 max_body;	/* over it: 413 by evhttp */
	size_t		 max_headers;	/* over it: closed by evhttp */
	unsigned	 request_timeout_ms;	/* a whole request */
	unsigned	 max_conns;	/* open at once */
	/* TLS on every connection; NULL or not enabled: plain HTTP. */
	const struct tls_conf *tls;

	void		(*request)(struct evhttp_request *, void *);
	/*
	 * A connection's deadline passed after its request was read and
	 * not answered yet: the owner answers it (1), or it is closed (0).
	 * May be NULL.
	 */
	int		(*expire)(void *, struct evhttp_connection *);
	/* A connection is going: the owner forgets it.  May be NULL. */
	void		(*closed)(void *, struct evhttp_connection *);
	void		*arg;

	/* Where to count; NULL: not counted. */
	uint64_t	*timeouts;	/* closed unread at the deadline */
	uint64_t	*capped;	/* times max_conns were open */
	uint64_t	*accept_errors;	/* accept() failed */
};

/* NULL and *cause ("NAME: cannot listen on ...") on error. */
struct httpd	*httpd_new(struct event_base *, const struct httpd_conf *,
		    char **cause);
void		 httpd_free(struct httpd *);
/*
 * Read the TLS certificate, key and CA of the listener named name
 * ("ingest") again, from conf (SIGHUP): the connections accepted from now
 * on use them, those open go on with the old ones.  1 when the
 * certificate is another, 0 when it is the same, -1 and *cause when the
 * files are bad (the old ones stay), -2 when no such listener runs
 * with TLS.
 */
int		 httpd_tls_reload(const char *name, const struct tls_conf *,
		    char **cause);
int		 httpd_port(const struct httpd *);	/* bound port */
/* "127.0.0.1:8425", "https://127.0.0.1:8425" */
const char	*httpd_where(const struct httpd *);
size_t		 httpd_conns(const struct httpd *);	/* open now */
/* Arm (on 1, for the next request) or stop evcon's deadline. */
void		 httpd_deadline(struct httpd *, struct evhttp_connection *,
		    int on);
/* A line to the log, one a second at most; the next counts the rest. */
void		 httpd_log(struct httpd *, const char *, ...)
		    printflike(2, 3);
/* The request's peer address, sanitised, into buf. */
void		 httpd_peer(struct evhttp_request *, char *, size_t);
/* "Authorization: Bearer TOKEN" matches token ("": none asked). */
int		 httpd_bearer_ok(const char *token, struct evhttp_request *);
/*
 * Send code with body (JSON), Content-Type application/json and
 * Cache-Control no-store; WWW-Authenticate on 401, Allow: allow on 405.
 */
void		 httpd_reply(struct evhttp_request *, int code,
		    struct evbuffer *body, const char *allow);

#endif
