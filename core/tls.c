/* SPDX-License-Identifier: ISC */
/*
 * The TLS layer (tls.h): OpenSSL contexts made from a "tls" block and
 * libevent's OpenSSL bufferevents under evhttp, for the listeners
 * (accepting) and the clients (connecting).  TLS 1.2 is the floor on
 * both sides (RFC 8996 retired 1.0 and 1.1).
 *
 * evhttp resets a failed connection (SSL_clear(), which forgets the
 * verification result) before it calls the request's callback, so the
 * reason a handshake failed is caught as it happens, by the verify and
 * info callbacks, into a small state hung on each SSL (ex_data), where
 * tls_http_error() finds it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "core/tls.h"
#include "core/util.h"

struct tls_server {
	SSL_CTX		*ctx;
	char		 what[64];
};

struct tls_client {
	SSL_CTX		*ctx;
	char		 what[64];
};

/* What one client connection's handshake came to (SSL ex_data). */
struct tls_state {
	int		 started;	/* a handshake began */
	int		 done;		/* and finished */
	int		 cert_asked;	/* client: the server asked for ours */
	char		 error[256];	/* the first failure, "" none */
	char		 what[64];	/* a listener's: "api" (its logs) */
};

/* A listener's refused handshakes: a log line a second at most. */
static uint64_t	 tls_refused_last_ms;
static unsigned	 tls_refused_quiet;

static int	tls_state_index(void);
static void	tls_server_plain(const SSL *, struct tls_state *);
static void	tls_state_free_cb(void *, void *, CRYPTO_EX_DATA *, int,
		    long, void *);
static int	tls_passwd_cb(char *, int, int, void *);
static int	tls_readable(const char *, const char *, const char *,
		    char **);
static unsigned long tls_ssl_error(char *, size_t, const char *);
static int	tls_use_pair(SSL_CTX *, const char *, const char *,
		    const char *, char **);
static SSL_CTX *tls_server_ctx(const struct tls_conf *, const char *,
		    char **);
static struct bufferevent *tls_server_bev_cb(struct event_base *, void *);
static int	tls_verify_cb(int, X509_STORE_CTX *);
static void	tls_info_cb(const SSL *, int, int);
static void	tls_server_info_cb(const SSL *, int, int);

static int
tls_state_index(void)
{
	static int	 idx = -1;

	if (idx == -1 && (idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    tls_state_free_cb)) == -1)
		fatalx("tls: SSL_get_ex_new_index");
	return (idx);
}

static void
tls_state_free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx,
    long argl, void *argp)
{
	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	free(ptr);
}

/*
 * An encrypted key would make OpenSSL ask for its passphrase on the
 * terminal, in the middle of a daemon: refuse it instead.
 */
static int
tls_passwd_cb(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return (0);
}

/*
 * A file OpenSSL is about to read, checked first so that the error says
 * "No such file or directory" or "Permission denied" and names it.
 */
static int
tls_readable(const char *what, const char *kind, const char *path,
    char **cause)
{
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: tls: cannot read %s %s: %s", what, kind,
		    path, strerror(errno));
		return (-1);
	}
	fclose(f);
	return (0);
}

/*
 * OpenSSL's first queued error in words; the queue is emptied.  A file
 * without what was asked in it gets that said, not the decoder's
 * "no start line" or "unsupported".
 */
static unsigned long
tls_ssl_error(char *buf, size_t len, const char *kind)
{
	unsigned long	 e = ERR_get_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	if (r == NULL || (ERR_GET_LIB(e) == ERR_LIB_PEM &&
	    ERR_GET_REASON(e) == PEM_R_NO_START_LINE) ||
	    ERR_GET_REASON(e) == ERR_R_UNSUPPORTED)
		snprintf(buf, len, "no PEM %s in it", kind);
	else
		snprintf(buf, len, "%s", r);
	ERR_clear_error();
	return (e);
}

/* A certificate chain and its key, which must belong together. */
static int
tls_use_pair(SSL_CTX *ctx, const char *what, const char *cert,
    const char *key, char **cause)
{
	unsigned long	 e;
	char		 why[128];

	if (tls_readable(what, "certificate", cert, cause) != 0 ||
	    tls_readable(what, "key", key, cause) != 0)
		return (-1);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_ssl_error(why, sizeof why, "certificate");
		xasprintf(cause, "%s: tls: bad certificate %s: %s", what, cert,
		    why);
		return (-1);
	}
	/* Loading the key checks it against the certificate already. */
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		e = tls_ssl_error(why, sizeof why, "private key");
		if (ERR_GET_LIB(e) == ERR_LIB_X509 &&
		    ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH)
			goto mismatch;
		xasprintf(cause, "%s: tls: bad key %s: %s", what, key, why);
		return (-1);
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		ERR_clear_error();
		goto mismatch;
	}
	return (0);

mismatch:
	xasprintf(cause, "%s: tls: key %s does not match certificate %s", what,
	    key, cert);
	return (-1);
}

int
tls_certificate_expiry(const char *path, char *buf, size_t len)
{
	FILE		*f;
	X509		*x;
	const ASN1_TIME	*na, *nb;
	struct tm	 tm;
	char		 when[32];
	int		 days, secs, rv = 0;

	if (path == NULL || path[0] == '\0' || (f = fopen(path, "r")) == NULL)
		return (0);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL) {
		ERR_clear_error();
		return (0);
	}
	na = X509_get0_notAfter(x);
	nb = X509_get0_notBefore(x);
	if (X509_cmp_current_time(nb) > 0 && ASN1_TIME_to_tm(nb, &tm) == 1) {
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
		snprintf(buf, len, "certificate %s is not valid before %s",
		    path, when);
		rv = 1;
	} else if (ASN1_TIME_to_tm(na, &tm) == 1 &&
	    ASN1_TIME_diff(&days, &secs, NULL, na) == 1) {
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
		if (days < 0 || secs < 0) {
			snprintf(buf, len, "certificate %s expired on %s",
			    path, when);
			rv = 1;
		} else if (days < TLS_EXPIRY_WARN_DAYS) {
			snprintf(buf, len, "certificate %s expires on %s, in "
			    "%d day%s", path, when, days, days == 1 ? "" : "s");
			rv = 1;
		}
	}
	X509_free(x);
	return (rv);
}

/* -------------------------------------------------------- listeners */

static SSL_CTX *
tls_server_ctx(const struct tls_conf *conf, const char *what, char **cause)
{
	SSL_CTX			*ctx;
	STACK_OF(X509_NAME)	*names;
	char			 why[128];
	int			 mode;

	if (conf == NULL || !conf->enabled || conf->certificate[0] == '\0' ||
	    conf->key[0] == '\0') {
		xasprintf(cause, "%s: tls: a certificate and a key are needed",
		    what);
		return (NULL);
	}
	if (conf->client_certs != TLS_CC_NONE && conf->ca[0] == '\0') {
		xasprintf(cause, "%s: tls: client-certificates needs the ca "
		    "that signs them", what);
		return (NULL);
	}
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		fatalx("%s: SSL_CTX_new", what);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Renegotiation is a way to make the server work for nothing. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_default_passwd_cb(ctx, tls_passwd_cb);
	if (tls_use_pair(ctx, what, conf->certificate, conf->key, cause) != 0)
		goto fail;
	if (conf->client_certs != TLS_CC_NONE) {
		if (tls_readable(what, "ca", conf->ca, cause) != 0)
			goto fail;
		if (SSL_CTX_load_verify_locations(ctx, conf->ca, NULL) != 1 ||
		    (names = SSL_load_client_CA_file(conf->ca)) == NULL) {
			tls_ssl_error(why, sizeof why, "certificate");
			xasprintf(cause, "%s: tls: bad ca %s: %s", what,
			    conf->ca, why);
			goto fail;
		}
		SSL_CTX_set_client_CA_list(ctx, names);
		mode = SSL_VERIFY_PEER;
		if (conf->client_certs == TLS_CC_REQUIRE)
			mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
		SSL_CTX_set_verify(ctx, mode, NULL);
		/* Resuming a session checked against it needs an id. */
		SSL_CTX_set_session_id_context(ctx,
		    (const unsigned char *)"peertop", 7);
	}
	return (ctx);

fail:
	SSL_CTX_free(ctx);
	return (NULL);
}

struct tls_server *
tls_server_new(const struct tls_conf *conf, const char *what, char **cause)
{
	struct tls_server	*ts;
	SSL_CTX			*ctx;

	if ((ctx = tls_server_ctx(conf, what, cause)) == NULL)
		return (NULL);
	ts = xcalloc(1, sizeof *ts);
	ts->ctx = ctx;
	strlcpy_pt(ts->what, what, sizeof ts->what);
	return (ts);
}

/*
 * Every SSL holds a reference to the context it was made from, so the
 * old context lives on in the connections made before.
 */
int
tls_server_reload(struct tls_server *ts, const struct tls_conf *conf,
    char **cause)
{
	SSL_CTX		*ctx;
	X509		*old, *new;
	int		 same;

	if ((ctx = tls_server_ctx(conf, ts->what, cause)) == NULL)
		return (-1);
	old = SSL_CTX_get0_certificate(ts->ctx);
	new = SSL_CTX_get0_certificate(ctx);
	same = old != NULL && new != NULL && X509_cmp(old, new) == 0;
	SSL_CTX_free(ts->ctx);
	ts->ctx = ctx;
	return (same ? 0 : 1);
}

void
tls_server_free(struct tls_server *ts)
{
	if (ts == NULL)
		return;
	SSL_CTX_free(ts->ctx);
	free(ts);
}

/*
 * An accepting bufferevent for the next connection.  With
 * BEV_OPT_CLOSE_ON_FREE: it is what makes libevent free the SSL, and
 * evhttp then leaves the socket to it.
 */
struct bufferevent *
tls_server_bufferevent(struct tls_server *ts, struct event_base *base)
{
	struct bufferevent	*bev;
	struct tls_state	*st;
	SSL			*ssl;

	if ((ssl = SSL_new(ts->ctx)) == NULL)
		fatalx("%s: SSL_new", ts->what);
	st = xcalloc(1, sizeof *st);
	strlcpy_pt(st->what, ts->what, sizeof st->what);
	SSL_set_ex_data(ssl, tls_state_index(), st);
	SSL_set_info_callback(ssl, tls_server_info_cb);
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("%s: bufferevent_openssl_socket_new", ts->what);
	return (bev);
}

/*
 * Plain HTTP on a TLS listener (a browser or curl given http://, an agent
 * without tls): OpenSSL recognises the request line and gives up without
 * an alert, so the socket is still clean, and a plain answer saying what
 * to do beats an empty reply: 426 Upgrade Required (RFC 2817 4.2, TLS
 * required), which an agent retries with its samples kept, where a 400
 * would make it drop the batch as malformed.  Logged like a refused
 * handshake.
 */
static void
tls_server_plain(const SSL *ssl, struct tls_state *st)
{
	static const char	 body[] = "This port speaks TLS: use https://\n";
	static uint64_t		 last_ms;	/* a log line a second */
	static unsigned		 quiet;
	char			 msg[256], peer[NI_MAXHOST];
	unsigned long		 e = ERR_peek_error();
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	int			 fd, n;

	if (ERR_GET_LIB(e) != ERR_LIB_SSL ||
	    ERR_GET_REASON(e) != SSL_R_HTTP_REQUEST || st->error[0] != '\0' ||
	    (fd = SSL_get_fd(ssl)) == -1)
		return;
	snprintf(st->error, sizeof st->error, "plain HTTP, not TLS");
	n = snprintf(msg, sizeof msg, "HTTP/1.1 426 Upgrade Required\r\n"
	    "Upgrade: TLS/1.2, HTTP/1.1\r\n"
	    "Content-Type: text/plain\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", sizeof body - 1, body);
	(void)send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, peer, sizeof peer, NULL,
	    0, NI_NUMERICHOST) != 0)
		snprintf(peer, sizeof peer, "a client");
	if (last_ms != 0 && now_mono_ms() - last_ms < 1000) {
		quiet++;
		return;
	}
	last_ms = now_mono_ms();
	log_warnx("%s: tls: %s spoke plain HTTP to this TLS listener: "
	    "answered 426, use https%s", st->what, peer,
	    quiet > 0 ? " (and others since)" : "");
	quiet = 0;
}

/*
 * A handshake a listener refused (no client certificate, one from
 * another CA) or a client refused (our certificate): said in the log
 * with the client's address, so that whoever runs the collector sees a
 * broken agent, not only the agent's operator.
 */
static void
tls_server_info_cb(const SSL *ssl, int where, int ret)
{
	struct tls_state	*st;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 peer[NI_MAXHOST];
	uint64_t		 now;
	int			 fd;

	if ((st = SSL_get_ex_data(ssl, tls_state_index())) == NULL)
		return;
	if (where & SSL_CB_HANDSHAKE_DONE)
		st->done = 1;
	if ((where & SSL_CB_EXIT) && ret <= 0 && !st->done)
		tls_server_plain(ssl, st);
	if ((where & SSL_CB_ALERT) == 0 ||
	    strcmp(SSL_alert_type_string(ret), "F") != 0 ||
	    st->done || st->error[0] != '\0')
		return;
	snprintf(st->error, sizeof st->error, "%s",
	    (ret & 0xff) == 116 ? "certificate required" :
	    SSL_alert_desc_string_long(ret));
	now = now_mono_ms();
	if (tls_refused_last_ms != 0 && now - tls_refused_last_ms < 1000) {
		tls_refused_quiet++;
		return;
	}
	tls_refused_last_ms = now;
	snprintf(peer, sizeof peer, "a client");
	if ((fd = SSL_get_fd(ssl)) != -1 &&
	    getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, len, peer, sizeof peer, NULL,
	    0, NI_NUMERICHOST) != 0)
		snprintf(peer, sizeof peer, "a client");
	log_warnx("%s: tls: handshake with %s failed: %s %s%s", st->what,
	    peer, (where & SSL_CB_READ) ? "the client refused ours:" :
	    "refused:", st->error, tls_refused_quiet > 0 ? " (and others "
	    "since)" : "");
	tls_refused_quiet = 0;
}

static struct bufferevent *
tls_server_bev_cb(struct event_base *base, void *arg)
{
	return (tls_server_bufferevent(arg, base));
}

void
tls_server_attach(struct tls_server *ts, struct evhttp *http)
{
	evhttp_set_bevcb(http, tls_server_bev_cb, ts);
}

/* ---------------------------------------------------------- clients */

struct tls_client *
tls_client_new(const struct tls_conf *conf, const char *what, char **cause)
{
	struct tls_client	*tc;
	SSL_CTX			*ctx;
	const char		*key;
	char			 why[128];

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		fatalx("%s: SSL_CTX_new", what);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_default_passwd_cb(ctx, tls_passwd_cb);
	if (conf != NULL && conf->enabled && conf->ca[0] != '\0') {
		if (tls_readable(what, "ca", conf->ca, cause) != 0)
			goto fail;
		if (SSL_CTX_load_verify_locations(ctx, conf->ca, NULL) != 1) {
			tls_ssl_error(why, sizeof why, "certificate");
			xasprintf(cause, "%s: tls: bad ca %s: %s", what,
			    conf->ca, why);
			goto fail;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		tls_ssl_error(why, sizeof why, "certificate");
		xasprintf(cause, "%s: tls: cannot load the system's CAs: %s",
		    what, why);
		goto fail;
	}
	if (conf != NULL && conf->enabled && conf->certificate[0] != '\0') {
		/* No key: it is in the certificate's file. */
		key = conf->key[0] != '\0' ? conf->key : conf->certificate;
		if (tls_use_pair(ctx, what, conf->certificate, key,
		    cause) != 0)
			goto fail;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, tls_verify_cb);
	SSL_CTX_set_info_callback(ctx, tls_info_cb);
	tc = xcalloc(1, sizeof *tc);
	tc->ctx = ctx;
	strlcpy_pt(tc->what, what, sizeof tc->what);
	return (tc);

fail:
	SSL_CTX_free(ctx);
	return (NULL);
}

void
tls_client_free(struct tls_client *tc)
{
	if (tc == NULL)
		return;
	SSL_CTX_free(tc->ctx);
	free(tc);
}

/* The first certificate that fails verification says why. */
static int
tls_verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL			*ssl;
	struct tls_state	*st;
	X509			*cert;
	char			 subject[128];

	if (ok)
		return (ok);
	ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (st = SSL_get_ex_data(ssl,
	    tls_state_index())) == NULL || st->error[0] != '\0')
		return (ok);
	subject[0] = '\0';
	if ((cert = X509_STORE_CTX_get_current_cert(x)) != NULL)
		X509_NAME_oneline(X509_get_subject_name(cert), subject,
		    sizeof subject);
	snprintf(st->error, sizeof st->error, "certificate verify failed: %s"
	    "%s%s", X509_verify_cert_error_string(X509_STORE_CTX_get_error(x)),
	    subject[0] != '\0' ? ", certificate " : "", subject);
	return (ok);
}

/* A fatal alert from the server ends the handshake: note which. */
static void
tls_info_cb(const SSL *ssl, int where, int ret)
{
	struct tls_state	*st;
	const char		*desc;

	if ((st = SSL_get_ex_data(ssl, tls_state_index())) == NULL)
		return;
	if (where & SSL_CB_HANDSHAKE_START)
		st->started = 1;
	if ((where & SSL_CB_LOOP) && SSL_get_state(ssl) == TLS_ST_CR_CERT_REQ)
		st->cert_asked = 1;
	if (where & SSL_CB_HANDSHAKE_DONE)
		st->done = 1;
	if ((where & SSL_CB_READ_ALERT) == SSL_CB_READ_ALERT &&
	    st->error[0] == '\0' &&
	    strcmp(SSL_alert_type_string(ret), "F") == 0) {
		/* RFC 8446 6.2: TLS 1.3's alert OpenSSL 3.0 has no name for. */
		desc = (ret & 0xff) == 116 ? "certificate required (a client "
		    "certificate is needed)" : SSL_alert_desc_string_long(ret);
		snprintf(st->error, sizeof st->error, "the server refused the "
		    "TLS handshake: %s", desc);
	}
}

struct evhttp_connection *
tls_http_connection(struct event_base *base, struct evdns_base *dns,
    struct tls_client *tc, const char *host, int port, char **cause)
{
	struct evhttp_connection	*evcon;
	struct bufferevent		*bev;
	struct tls_state		*st;
	struct in6_addr			 in6;
	SSL				*ssl;
	char				 name[256];
	int				 ip;

	if (port < 0 || port > 65535) {
		xasprintf(cause, "bad port %d", port);
		return (NULL);
	}
	if (tc == NULL) {
		evcon = evhttp_connection_base_new(base, dns, host,
		    (uint16_t)port);
		if (evcon == NULL)
			xasprintf(cause, "cannot set up a connection to %s:%d",
			    host, port);
		return (evcon);
	}
	if ((ssl = SSL_new(tc->ctx)) == NULL)
		fatalx("%s: SSL_new", tc->what);
	st = xcalloc(1, sizeof *st);
	SSL_set_ex_data(ssl, tls_state_index(), st);
	/*
	 * An address is checked against the certificate's IP SANs; a name
	 * against its DNS names, and sent as SNI (RFC 6066 3: never an
	 * address).
	 */
	ip = inet_pton(AF_INET, host, &in6) == 1 ||
	    inet_pton(AF_INET6, host, &in6) == 1;
	/* A copy: the SNI macro casts its const away (OpenSSL copies it). */
	strlcpy_pt(name, host, sizeof name);
	if (ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
	    host) != 1 : SSL_set_tlsext_host_name(ssl, name) != 1 ||
	    SSL_set1_host(ssl, host) != 1) {
		ERR_clear_error();
		SSL_free(ssl);
		xasprintf(cause, "%s: tls: cannot verify against %s", tc->what,
		    host);
		return (NULL);
	}
	/* BEV_OPT_CLOSE_ON_FREE: libevent frees the SSL with it. */
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	if (bev == NULL)
		fatalx("%s: bufferevent_openssl_socket_new", tc->what);
	/*
	 * Many servers close without a close_notify; the HTTP framing
	 * (Content-Length) says whether the answer was whole.
	 */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	evcon = evhttp_connection_base_bufferevent_new(base, dns, bev, host,
	    (uint16_t)port);
	if (evcon == NULL) {
		bufferevent_free(bev);
		xasprintf(cause, "cannot set up a connection to %s:%d", host,
		    port);
	}
	return (evcon);
}

const char *
tls_http_error(struct evhttp_connection *evcon)
{
	struct bufferevent	*bev;
	struct tls_state	*st;
	SSL			*ssl;
	unsigned long		 e;
	const char		*r;
	socklen_t		 errlen = sizeof(int);
	int			 fd, err = 0;

	if (evcon == NULL ||
	    (bev = evhttp_connection_get_bufferevent(evcon)) == NULL ||
	    (ssl = bufferevent_openssl_get_ssl(bev)) == NULL ||
	    (st = SSL_get_ex_data(ssl, tls_state_index())) == NULL)
		return (NULL);
	if (st->error[0] != '\0')
		return (st->error);
	/*
	 * TLS 1.3: the client's handshake is over before the server has
	 * judged the certificate it did not send, and the server's alert
	 * is often lost in the reset that follows it.
	 */
	if (st->cert_asked && SSL_get_certificate(ssl) == NULL) {
		snprintf(st->error, sizeof st->error, "the server refused the "
		    "connection: certificate required (it asks for a client "
		    "certificate and none is configured)");
		return (st->error);
	}
	/* What OpenSSL said when libevent saw the connection fail. */
	if ((e = bufferevent_get_openssl_error(bev)) != 0) {
		/*
		 * libevent records SSL_ERROR_SYSCALL itself when the socket
		 * failed under OpenSSL (the connect refused, a reset): the
		 * socket's own error says which, when it still has one.
		 */
		if (e == SSL_ERROR_SYSCALL) {
			fd = bufferevent_getfd(bev);
			if (fd == -1 || getsockopt(fd, SOL_SOCKET, SO_ERROR,
			    &err, &errlen) == -1 || err == 0)
				snprintf(st->error, sizeof st->error,
				    "connection refused or closed before the "
				    "TLS handshake ended");
			else
				snprintf(st->error, sizeof st->error, "%s",
				    strerror(err));
			return (st->error);
		}
		if (ERR_SYSTEM_ERROR(e)) {
			snprintf(st->error, sizeof st->error, "%s%s",
			    st->started ? "during the TLS handshake: " : "",
			    strerror((int)ERR_GET_REASON(e)));
			return (st->error);
		}
		r = ERR_reason_error_string(e);
		snprintf(st->error, sizeof st->error, "TLS %s failed: %s",
		    st->done ? "connection" : "handshake", r != NULL ? r :
		    "unknown error");
		return (st->error);
	}
	if (st->started && !st->done) {
		snprintf(st->error, sizeof st->error, "connection closed "
		    "during the TLS handshake (not a TLS server?)");
		return (st->error);
	}
	return (NULL);
}
