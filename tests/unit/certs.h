/* SPDX-License-Identifier: ISC */
/*
 * Certificates for the TLS tests, made with OpenSSL when the test runs
 * (nothing that expires is checked in): in a directory, a test CA
 * (ca.pem), a second unrelated one (ca2.pem), server certificates signed
 * by the first for 127.0.0.1 (server.pem/.key, and server2 as if renewed),
 * one for another address (other.pem/.key) and a client certificate
 * (client.pem/.key).  EC P-256 keys, valid from an hour ago for a day.
 * Include after <cmocka.h>.
 */
#ifndef PEERTOP_TESTS_CERTS_H
#define PEERTOP_TESTS_CERTS_H

#include <stdio.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

static const char *const test_certs_files[] = {
	"ca.pem", "ca.key", "ca2.pem", "ca2.key", "server.pem", "server.key",
	"server2.pem", "server2.key", "client.pem", "client.key", "other.pem",
	"other.key"
};

static inline EVP_PKEY *
test_certs_key(void)
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

static inline void
test_certs_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
	X509_EXTENSION	*e;

	e = X509V3_EXT_conf_nid(NULL, v3, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* Self-signed CA when issuer is NULL; san (RFC 5280 4.2.1.6) a leaf's. */
static inline X509 *
test_certs_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
    const char *san)
{
	static long	 serial = 1;
	X509		*x = X509_new();
	X509_NAME	*name;
	X509V3_CTX	 v3;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 30 * 86400);	/* past the expiry warning */
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) :
	    name);
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if (san == NULL) {
		test_certs_ext(x, &v3, NID_basic_constraints,
		    "critical,CA:TRUE");
		test_certs_ext(x, &v3, NID_key_usage,
		    "critical,keyCertSign,cRLSign");
	} else {
		test_certs_ext(x, &v3, NID_basic_constraints, "CA:FALSE");
		test_certs_ext(x, &v3, NID_subject_alt_name, san);
	}
	test_certs_ext(x, &v3, NID_subject_key_identifier, "hash");
	assert_true(X509_sign(x, ikey != NULL ? ikey : key, EVP_sha256()) > 0);
	return (x);
}

/* dir/name.pem and dir/name.key. */
static inline void
test_certs_write(const char *dir, const char *name, X509 *x, EVP_PKEY *k)
{
	char	 p[512];
	FILE	*f;

	snprintf(p, sizeof p, "%s/%s.pem", dir, name);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	snprintf(p, sizeof p, "%s/%s.key", dir, name);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(f);
}

static inline void
test_certs_make(const char *dir)
{
	static const struct {
		const char	*name, *cn, *san;
		int		 ca;	/* its CA's index, -1 itself */
	} certs[] = {
		{ "ca", "peertop test CA", NULL, -1 },
		{ "ca2", "another CA", NULL, -1 },
		{ "server", "collector", "IP:127.0.0.1,DNS:localhost", 0 },
		{ "server2", "collector renewed", "IP:127.0.0.1", 0 },
		{ "client", "agent", "DNS:agent.example", 0 },
		{ "other", "elsewhere", "IP:192.0.2.1", 0 },
	};
	EVP_PKEY	*keys[6];
	X509		*x[6];
	size_t		 i;

	for (i = 0; i < 6; i++) {
		keys[i] = test_certs_key();
		x[i] = test_certs_cert(keys[i], certs[i].cn, certs[i].ca < 0 ?
		    NULL : x[certs[i].ca], certs[i].ca < 0 ? NULL :
		    keys[certs[i].ca], certs[i].san);
		test_certs_write(dir, certs[i].name, x[i], keys[i]);
	}
	for (i = 0; i < 6; i++) {
		X509_free(x[i]);
		EVP_PKEY_free(keys[i]);
	}
}

static inline void
test_certs_remove(const char *dir)
{
	char	 p[512];
	size_t	 i;

	for (i = 0; i < sizeof test_certs_files / sizeof *test_certs_files;
	    i++) {
		snprintf(p, sizeof p, "%s/%s", dir, test_certs_files[i]);
		unlink(p);
	}
	rmdir(dir);
}

#endif
