/* SPDX-License-Identifier: ISC */
/*
 * One TLS layer for every HTTP path of peertop (issue 15): the ingest,
 * API and metrics listeners, and the clients of the agent and of the
 * notifier (Alertmanager, webhooks).  OpenSSL through libevent's
 * bufferevent_openssl; TLS 1.2 and later only; a client verifies the
 * server's certificate chain and its name (SNI sent).
 */
#ifndef PEERTOP_TLS_H
#define PEERTOP_TLS_H

#include <stddef.h>

#include "core/model.h"

struct bufferevent;
struct event_base;
struct evdns_base;
struct evhttp;
struct evhttp_connection;

/* A listener's side: the context a conf makes. */
struct tls_server;

/* NULL and *cause ("api: tls: cannot read key F: ...") on error. */
struct tls_server *tls_server_new(const struct tls_conf *, const char *what,
		    char **cause);
/*
 * Read the certificate, key and CA again (SIGHUP), always, since a
 * renewed certificate may keep its file's name: 1 when the certificate
 * is another now, 0 when it is the same one.  On error -1, *cause says
 * why and the old context stays.  Connections made before go on with the
 * old one.
 */
int		 tls_server_reload(struct tls_server *, const struct tls_conf *,
		    char **cause);
void		 tls_server_free(struct tls_server *);
/* Make evhttp speak TLS for every connection it accepts from now on. */
void		 tls_server_attach(struct tls_server *, struct evhttp *);
/*
 * The accepting bufferevent for one new connection, for a listener that
 * has its own evhttp_set_bevcb() callback (httpd.c).  The caller owns it;
 * freeing it frees its SSL and closes its socket.
 */
struct bufferevent *tls_server_bufferevent(struct tls_server *,
		    struct event_base *);

/*
 * A certificate file that will not do much longer: expired, not valid
 * yet, or expiring within TLS_EXPIRY_WARN_DAYS.  1 and the warning in buf
 * ("certificate F expired on 2026-11-30 12:00 UTC"), else 0 (also when
 * the file cannot be read: that is said where it is loaded).
 */
#define TLS_EXPIRY_WARN_DAYS	14
int		 tls_certificate_expiry(const char *path, char *buf,
		    size_t len);

/* A client's side. */
struct tls_client;

/* conf may be NULL or disabled: default verification, system CAs. */
struct tls_client *tls_client_new(const struct tls_conf *, const char *what,
		    char **cause);
void		 tls_client_free(struct tls_client *);
/*
 * A new evhttp connection to host:port, over TLS when tc is not NULL
 * (verifying the certificate against host: an address against the
 * certificate's IP SANs, a name against its DNS names, sent as SNI),
 * plain HTTP otherwise.  NULL and *cause on error.
 *
 * A TLS connection cannot be reused once it failed (refused, reset,
 * handshake failed, timed out): libevent 2.1's evhttp cannot reconnect
 * an OpenSSL bufferevent, and retrying on it only fails again.  Free it
 * and make a new one; evhttp_connection_set_retries() must stay 0.  A
 * connection that answered may carry further requests (keep-alive).
 */
struct evhttp_connection *tls_http_connection(struct event_base *,
		    struct evdns_base *, struct tls_client *, const char *host,
		    int port, char **cause);
/*
 * Why TLS failed on evcon, in words ("certificate verify failed: unable
 * to get local issuer certificate", "the server refused the TLS
 * handshake: certificate required"), or NULL when it did not (a plain
 * connection, a refused connect, a timeout).  Call it from the request's
 * callback.  The string is evcon's and lives as long as it does.
 */
const char	*tls_http_error(struct evhttp_connection *);

#endif
