/* SPDX-License-Identifier: ISC */
/*
 * The connections of one evhttp server (the ingest endpoint, /metrics),
 * bounded the same way for each: at most max_conns open (the listener
 * pauses at the cap), a deadline on a whole request however slowly it
 * comes (evhttp's own timeout is per read), and an accept() that fails
 * (out of descriptors) pausing the listener with a backoff instead of
 * spinning the loop.  libevent 2.1's evhttp has no hook for a
 * connection's accept or close, so this one finds them through
 * evhttp_set_bevcb() (core/http-conns.c).
 */
#ifndef PEERTOP_HTTP_CONNS_H
#define PEERTOP_HTTP_CONNS_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

struct event_base;
struct evhttp;
struct evhttp_bound_socket;
struct evhttp_connection;
struct http_conns;

/* What the guard fended off; the owner keeps them in its own stats. */
struct http_conns_stats {
	uint64_t	 timeouts;	/* closed unread at the deadline */
	uint64_t	 capped;	/* times max_conns were open */
	uint64_t	 accept_errors;	/* accept() failed (out of fds) */
};

/*
 * The owner's hooks, both may be NULL.  expired: the deadline of a
 * connection passed; return 1 when the owner answered (the connection
 * stays, its deadline off), 0 to have it closed as unread.  closing: the
 * connection is about to be freed (by evhttp or at the deadline).
 */
struct http_conns_hooks {
	int	(*expired)(void *, struct evhttp_connection *);
	void	(*closing)(void *, struct evhttp_connection *);
	void	*arg;
};

/*
 * Guard http (which it owns from now on: http_conns_free() frees it)
 * for what ("ingest": the logs' prefix), counting into *stats.  Sets
 * evhttp's per-read timeout to the deadline too.
 */
struct http_conns *http_conns_new(struct event_base *, struct evhttp *,
		    const char *what, size_t max_conns, unsigned deadline_ms,
		    const struct http_conns_hooks *,
		    struct http_conns_stats *);
/*
 * Listen on listen (af 0: 127.0.0.1) and port (-1: any free port):
 * the port bound, or -1 with *cause ("ingest: cannot listen on ...")
 * and errno as bind() left it.  where ("127.0.0.1:8425", "[::1]:9425")
 * gets the address and port for the logs, HTTP_WHERE_MAX bytes.
 */
#define HTTP_WHERE_MAX	(ADDR_STRLEN + 8)
int		 http_conns_bind(struct http_conns *, const struct addr *,
		    int port, char *where, char **cause);
/* Frees the evhttp server, its connections and then the guard. */
void		 http_conns_free(struct http_conns *);
/* Arm (on 1) or stop the deadline of a connection; NULL is ignored. */
void		 http_conns_deadline(struct http_conns *,
		    struct evhttp_connection *, int on);
size_t		 http_conns_open(const struct http_conns *);
/*
 * A refusal or a closed connection, as a warning: one line a second at
 * most, so a client hammering the port cannot fill the log; the next
 * line says how many went unlogged.
 */
void		 http_conns_log(struct http_conns *, const char *, ...)
		    printflike(2, 3);

#endif
