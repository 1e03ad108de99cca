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

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "core/tls.h"
#include "core/util.h"

static char	dir[] = "/tmp/peertop-test-tls.XXXXXX";

/* ----------------------------------------------- making certificates */

static EVP_PKEY *
mkkey(void)
{
	EVP_PKEY_CTX	*pc;
	EVP_PKEY	*k = NULL;

	pc = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
	assert_non_null(pc);
	assert_int_equal(EVP_PKEY_keygen_init(pc), 1);
	assert_int_equal(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(pc,
	    NID_X9_62_prime256v1), 1);
	assert_int_equal(EVP_PKEY_keygen(pc, &k), 1);
	EVP_PKEY_CTX_free(pc);
	return (k);
}

static void
mkext(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
	X509_EXTENSION	*e;

	e = X509V3_EXT_conf_nid(NULL, v3, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* Self-signed when issuer is NULL; san NULL for a CA. */
static X509 *
mkcert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
    const char *san)
{
	static long	 serial = 1;
	X509		*x = X509_new();
	X509_NAME	*name;
	X509V3_CTX	 v3;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) :
	    name);
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (san == NULL) {
		mkext(x, &v3, NID_basic_constraints, "critical,CA:TRUE");
		mkext(x, &v3, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		mkext(x, &v3, NID_basic_constraints, "CA:FALSE");
		mkext(x, &v3, NID_subject_alt_name, san);
	}
	mkext(x, &v3, NID_subject_key_identifier, "hash");
	assert_true(X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()) > 0);
	return (x);
}

static const char *
path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
	return (buf);
}

static void
write_cert(const char *name, X509 *x)
{
	char	 p[256];
	FILE	*f = fopen(path(p, sizeof p, name), "w");

	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
}

static void
write_key(const char *name, EVP_PKEY *k)
{
	char	 p[256];
	FILE	*f = fopen(path(p, sizeof p, name), "w");

	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(f);
}

static int
setup(void **state)
{
	EVP_PKEY	*cak, *ca2k, *sk, *s2k, *ck, *ok;
	X509		*ca, *ca2, *s, *s2, *c, *o;

	(void)state;
	if (mkdtemp(dir) == NULL)
		return (-1);
	cak = mkkey();
	ca = mkcert(cak, "peertop test CA", NULL, NULL, NULL);
	ca2k = mkkey();
	ca2 = mkcert(ca2k, "another CA", NULL, NULL, NULL);
	sk = mkkey();
	s = mkcert(sk, "collector", ca, cak, "IP:127.0.0.1,DNS:localhost");
	s2k = mkkey();
	s2 = mkcert(s2k, "collector renewed", ca, cak, "IP:127.0.0.1");
	ck = mkkey();
	c = mkcert(ck, "agent", ca, cak, "DNS:agent.example");
	ok = mkkey();
	o = mkcert(ok, "elsewhere", ca, cak, "IP:192.0.2.1");
	write_cert("ca.pem", ca);
	write_cert("ca2.pem", ca2);
	write_cert("server.pem", s);
	write_key("server.key", sk);
	write_cert("server2.pem", s2);
	write_key("server2.key", s2k);
	write_cert("client.pem", c);
	write_key("client.key", ck);
	write_cert("other.pem", o);
	write_key("other.key", ok);
	X509_free(ca);
	X509_free(ca2);
	X509_free(s);
	X509_free(s2);
	X509_free(c);
	X509_free(o);
	EVP_PKEY_free(cak);
	EVP_PKEY_free(ca2k);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(s2k);
	EVP_PKEY_free(ck);
	EVP_PKEY_free(ok);
	return (0);
}

static int
teardown(void **state)
{
	static const char	*files[] = { "ca.pem", "ca2.pem", "server.pem",
	    "server.key", "server2.pem", "server2.key", "client.pem",
	    "client.key", "other.pem", "other.key", "unreadable.pem" };
	char			 p[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(files); i++)
		unlink(path(p, sizeof p, files[i]));
	rmdir(dir);
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
		if (ssl != NULL && (x = SSL_get_peer_certificate(ssl)) != NULL) {
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

	conf_set(&conf, "server2.pem", "server2.key", NULL, TLS_CC_NONE);
	assert_int_equal(tls_server_reload(s.ts, &conf, &cause), 0);
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
		cmocka_unit_test(test_client_certificates),
		cmocka_unit_test(test_server_files),
		cmocka_unit_test(test_reload),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
