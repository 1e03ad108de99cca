/* SPDX-License-Identifier: ISC */
/*
 * The TLS layer (tls.h).  Placeholder: plain HTTP only until the TLS
 * work lands; asking for TLS is an error that says so.
 */
#include <stdlib.h>

#include <event2/http.h>

#include "core/tls.h"
#include "core/util.h"

struct tls_server { int unused; };
struct tls_client { int unused; };

struct tls_server *
tls_server_new(const struct tls_conf *conf __attribute__((__unused__)), const char *what,
    char **cause)
{
	xasprintf(cause, "%s: tls is not supported yet", what);
	return (NULL);
}

int
tls_server_reload(struct tls_server *ts __attribute__((__unused__)),
    const struct tls_conf *conf __attribute__((__unused__)), char **cause __attribute__((__unused__)))
{
	return (0);
}

void
tls_server_free(struct tls_server *ts)
{
	free(ts);
}

void
tls_server_attach(struct tls_server *ts __attribute__((__unused__)), struct evhttp *http __attribute__((__unused__)))
{
}

struct tls_client *
tls_client_new(const struct tls_conf *conf __attribute__((__unused__)), const char *what,
    char **cause)
{
	xasprintf(cause, "%s: tls is not supported yet", what);
	return (NULL);
}

void
tls_client_free(struct tls_client *tc)
{
	free(tc);
}

struct evhttp_connection *
tls_http_connection(struct event_base *base, struct evdns_base *dns,
    struct tls_client *tc, const char *host, int port, char **cause)
{
	struct evhttp_connection	*evcon;

	if (tc != NULL) {
		xasprintf(cause, "tls is not supported yet");
		return (NULL);
	}
	evcon = evhttp_connection_base_new(base, dns, host, port);
	if (evcon == NULL)
		xasprintf(cause, "cannot set up a connection to %s:%d", host,
		    port);
	return (evcon);
}

const char *
tls_http_error(struct evhttp_connection *evcon __attribute__((__unused__)))
{
	return (NULL);
}
