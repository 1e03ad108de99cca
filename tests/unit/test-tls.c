/* SPDX-License-Identifier: ISC */
/*
 * The TLS layer (core/tls.c) against itself on a free loopback port, in
 * one loop: certificates made here with OpenSSL (a test CA, a server
 * certificate for 127.0.0.1, a second unrelated CA, a client
 * certificate).  A client trusting the CA gets its answer; one trusting
 * another CA, or asking another address, is refused and says why in
 * words; a listener requiring client certificates refuses a client
 * without one and answers one with it; a listener's files are checked
 * (unreadable, not matching) with the file named; a reload with a bad
 * file keeps the old context, a good one serves the new certificate.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>

#include <openssl/ssl.h>

#include "core/tls.h"
#include "core/util.h"
#include "tests/unit/certs.h"

static char	dir[] = "/tmp/peertop-test-tls.XXXXXX";

static const char *
path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return (buf);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return (-1);
	test_certs_make(dir);
	return (0);
}

static int
teardown(void **state)
{
	char	 p[256];

	(void)state;
	unlink(path(p, sizeof p, "unreadable.pem"));
	test_certs_remove(dir);
	return (0);
}

static void
conf_set(struct tls_conf *tc, const char *cert, const char *key,
    const char *ca, enum tls_client_certs cc)
{
	memset(tc, 0, sizeof *tc);
	tc->enabled = 1;
	if (cert != NULL)
		path(tc->certificate, sizeof tc->certificate, cert);
	if (key != NULL)
		path(tc->key, sizeof tc->key, key);
	if (ca != NULL)
		path(tc->ca, sizeof tc->ca, ca);
	tc->client_certs = cc;
}

/* ------------------------------------------------- server and client */

struct fetch {
	struct event_base		*base;
	struct evhttp_connection	*evcon;
	int				 code;
	char				 body[64];
	char				 error[256];
	char				 subject[128];	/* the server's */
};

static void
serve_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b = evbuffer_new();

	(void)arg;
	evbuffer_add_printf(b, "hello");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
fetch_cb(struct evhttp_request *req, void *arg)
{
	struct fetch		*f = arg;
	struct evbuffer		*b;
	struct bufferevent	*bev;
	const char		*e;
	SSL			*ssl;
	X509			*x;
	size_t			 n;

	f->code = req != NULL ? evhttp_request_get_response_code(req) : 0;
	if (f->code != 0) {
		b = evhttp_request_get_input_buffer(req);
		n = evbuffer_get_length(b);
		if (n >= sizeof f->body)
			n = sizeof f->body - 1;
		evbuffer_remove(b, f->body, n);
		f->body[n] = '\0';
		bev = evhttp_connection_get_bufferevent(f->evcon);
		ssl = bufferevent_openssl_get_ssl(bev);
		if (ssl != NULL &&
		    (x = SSL_get_peer_certificate(ssl)) != NULL) {
			X509_NAME_oneline(X509_get_subject_name(x), f->subject,
			    sizeof f->subject);
			X509_free(x);
		}
	}
	if ((e = tls_http_error(f->evcon)) != NULL)
		strlcpy_pt(f->error, e, sizeof f->error);
	event_base_loopexit(f->base, NULL);
}

/* One GET through a new connection; the loop runs until it is answered. */
static void
fetch(struct event_base *base, struct tls_client *tc, const char *host,
    int port, struct fetch *f)
{
	struct evhttp_request	*req;
	struct timeval		 tv = { 5, 0 };
	char			*cause = NULL;

	memset(f, 0, sizeof *f);
	f->base = base;
	f->evcon = tls_http_connection(base, NULL, tc, host, port, &cause);
	assert_non_null(f->evcon);
	evhttp_connection_set_timeout_tv(f->evcon, &tv);
	req = evhttp_request_new(fetch_cb, f);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", host);
	assert_int_equal(evhttp_make_request(f->evcon, req, EVHTTP_REQ_GET,
	    "/"), 0);
	event_base_dispatch(base);
	evhttp_connection_free(f->evcon);
}

struct server {
	struct event_base	*base;
	struct evhttp		*http;
	struct tls_server	*ts;
	int			 port;
};

static void
server_start(struct server *s, const struct tls_conf *conf)
{
	struct evhttp_bound_socket	*bs;
	struct sockaddr_storage		 ss;
	socklen_t			 len = sizeof ss;
	char				*cause = NULL;

	s->base = event_base_new();
	s->http = evhttp_new(s->base);
	s->ts = tls_server_new(conf, "test", &cause);
	if (s->ts == NULL)
		fail_msg("tls_server_new: %s", cause);
	tls_server_attach(s->ts, s->http);
	evhttp_set_gencb(s->http, serve_cb, NULL);
	bs = evhttp_bind_socket_with_handle(s->http, "127.0.0.1", 0);
	assert_non_null(bs);
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &len), 0);
	s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void
server_stop(struct server *s)
{
	evhttp_free(s->http);
	tls_server_free(s->ts);
	event_base_free(s->base);
}

static struct tls_client *
client(const char *ca, const char *cert, const char *key)
{
	struct tls_conf		 conf;
	struct tls_client	*tc;
	char			*cause = NULL;

	conf_set(&conf, cert, key, ca, TLS_CC_NONE);
	if ((tc = tls_client_new(&conf, "agent", &cause)) == NULL)
		fail_msg("tls_client_new: %s", cause);
	return (tc);
}

/* ------------------------------------------------------------ tests */

static void
test_verified(void **state)
{
	struct tls_conf		 conf;
	struct server		 s;
	struct tls_client	*tc;
	struct fetch		 f;

	(void)state;
	conf_set(&conf, "server.pem", "server.key", NULL, TLS_CC_NONE);
	server_start(&s, &conf);
	tc = client("ca.pem", NULL, NULL);
	fetch(s.base, tc, "127.0.0.1", s.port, &f);
	assert_int_equal(f.code, 200);
	assert_string_equal(f.body, "hello");
	assert_string_equal(f.error, "");
	assert_non_null(strstr(f.subject, "CN=collector"));
	/* Plain HTTP to a TLS listener gets no answer. */
	fetch(s.base, NULL, "127.0.0.1", s.port, &f);
	assert_int_not_equal(f.code, 200);
	tls_client_free(tc);
	server_stop(&s);
}

/* A server a client trusting ca must refuse, saying expect first. */
static void
refused(const char *cert, const char *key, const char *ca,
    const char *expect)
{
	struct tls_conf		 conf;
	struct server		 s;
	struct tls_client	*tc;
	struct fetch		 f;

	conf_set(&conf, cert, key, NULL, TLS_CC_NONE);
	server_start(&s, &conf);
	tc = client(ca, NULL, NULL);
	fetch(s.base, tc, "127.0.0.1", s.port, &f);
	assert_int_equal(f.code, 0);
	if (strstr(f.error, expect) != f.error)
		fail_msg("error: \"%s\"", f.error);
	tls_client_free(tc);
	server_stop(&s);
}

static void
test_wrong_ca(void **state)
{
	(void)state;
	refused("server.pem", "server.key", "ca2.pem", "certificate verify "
	    "failed: unable to get local issuer certificate");
}

/* The right CA, but the certificate is for another address. */
static void
test_wrong_address(void **state)
{
	(void)state;
	refused("other.pem", "other.key", "ca.pem", "certificate verify "
	    "failed: IP address mismatch");
}

/* Nothing listens: the connect refused, said as such (not "TLS"). */
static void
test_refused(void **state)
{
	struct server		 s;
	struct tls_client	*tc;
	struct fetch		 f;
	struct tls_conf		 conf;
	int			 port;

	(void)state;
	conf_set(&conf, "server.pem", "server.key", NULL, TLS_CC_NONE);
	server_start(&s, &conf);
	port = s.port;
	evhttp_free(s.http);		/* the port is closed again */
	s.http = evhttp_new(s.base);
	tc = client("ca.pem", NULL, NULL);
	fetch(s.base, tc, "127.0.0.1", port, &f);
	assert_int_equal(f.code, 0);
	if (strstr(f.error, "refused") == NULL)
		fail_msg("error: \"%s\"", f.error);
	tls_client_free(tc);
	server_stop(&s);
}

static void
test_client_certificates(void **state)
{
	struct tls_conf		 conf;
	struct server		 s;
	struct tls_client	*tc;
	struct fetch		 f;

	(void)state;
	conf_set(&conf, "server.pem", "server.key", "ca.pem", TLS_CC_REQUIRE);
	server_start(&s, &conf);
	tc = client("ca.pem", NULL, NULL);
	fetch(s.base, tc, "127.0.0.1", s.port, &f);
	assert_int_not_equal(f.code, 200);
	if (strstr(f.error, "certificate required") == NULL &&
	    strstr(f.error, "handshake failure") == NULL)
		fail_msg("error: \"%s\"", f.error);
	tls_client_free(tc);

	tc = client("ca.pem", "client.pem", "client.key");
	fetch(s.base, tc, "127.0.0.1", s.port, &f);
	assert_int_equal(f.code, 200);
	assert_string_equal(f.error, "");
	tls_client_free(tc);
	server_stop(&s);
}

static void
test_server_files(void **state)
{
	struct tls_conf		 conf;
	struct tls_server	*ts;
	char			*cause = NULL, p[256];
	FILE			*f;

	(void)state;
	conf_set(&conf, "missing.pem", "server.key", NULL, TLS_CC_NONE);
	assert_null(tls_server_new(&conf, "api", &cause));
	assert_non_null(strstr(cause, "api: tls: cannot read certificate "));
	assert_non_null(strstr(cause, "missing.pem: No such file"));
	free(cause);

	conf_set(&conf, "server.pem", "other.key", NULL, TLS_CC_NONE);
	assert_null(tls_server_new(&conf, "api", &cause));
	assert_non_null(strstr(cause, "other.key does not match certificate"));
	free(cause);

	/* A key where the certificate should be. */
	conf_set(&conf, "server.key", "server.key", NULL, TLS_CC_NONE);
	assert_null(tls_server_new(&conf, "ingest", &cause));
	assert_non_null(strstr(cause, "ingest: tls: bad certificate "));
	free(cause);

	conf_set(&conf, "server.pem", "server.key", NULL, TLS_CC_REQUIRE);
	assert_null(tls_server_new(&conf, "ingest", &cause));
	assert_non_null(strstr(cause, "needs the ca"));
	free(cause);

	if (getuid() != 0) {
		f = fopen(path(p, sizeof p, "unreadable.pem"), "w");
		assert_non_null(f);
		fclose(f);
		chmod(p, 0);
		conf_set(&conf, "server.pem", "unreadable.pem", NULL,
		    TLS_CC_NONE);
		assert_null(tls_server_new(&conf, "api", &cause));
		assert_non_null(strstr(cause, "unreadable.pem: Permission "
		    "denied"));
		free(cause);
	}

	conf_set(&conf, "server.pem", "server.key", "ca.pem",
	    TLS_CC_OPTIONAL);
	ts = tls_server_new(&conf, "api", &cause);
	assert_non_null(ts);
	tls_server_free(ts);

	conf_set(&conf, NULL, NULL, "nothere.pem", TLS_CC_NONE);
	assert_null(tls_client_new(&conf, "agent", &cause));
	assert_non_null(strstr(cause, "agent: tls: cannot read ca "));
	free(cause);
}

/* A bad new file keeps the old context; a good one is served at once. */
static void
test_reload(void **state)
{
	struct tls_conf		 conf;
	struct server		 s;
	struct tls_client	*tc;
	struct fetch		 f;
	char			*cause = NULL;

	(void)state;
	conf_set(&conf, "server.pem", "server.key", NULL, TLS_CC_NONE);
	server_start(&s, &conf);
	tc = client("ca.pem", NULL, NULL);

	conf_set(&conf, "server2.pem", "server.key", NULL, TLS_CC_NONE);
	assert_int_equal(tls_server_reload(s.ts, &conf, &cause), -1);
	assert_non_null(strstr(cause, "does not match"));
	free(cause);
	fetch(s.base, tc, "127.0.0.1", s.port, &f);
	assert_int_equal(f.code, 200);
	assert_non_null(strstr(f.subject, "CN=collector"));
	assert_null(strstr(f.subject, "renewed"));

	/* The same files again: the same certificate, said so. */
	conf_set(&conf, "server.pem", "server.key", NULL, TLS_CC_NONE);
	assert_int_equal(tls_server_reload(s.ts, &conf, &cause), 0);

	conf_set(&conf, "server2.pem", "server2.key", NULL, TLS_CC_NONE);
	assert_int_equal(tls_server_reload(s.ts, &conf, &cause), 1);
	fetch(s.base, tc, "127.0.0.1", s.port, &f);
	assert_int_equal(f.code, 200);
	assert_non_null(strstr(f.subject, "CN=collector renewed"));
	tls_client_free(tc);
	server_stop(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verified),
		cmocka_unit_test(test_wrong_ca),
		cmocka_unit_test(test_wrong_address),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_client_certificates),
		cmocka_unit_test(test_server_files),
		cmocka_unit_test(test_reload),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
