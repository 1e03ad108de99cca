/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for RPKI origin validation (core/vrp.c, core/vrp-slurm.c,
 * core/vrp-index.c): the VRP JSON files of rpki-client and StayRTR from
 * tests/data/rpki (integer and "AS" ASNs, expires, ASPAs), Routinator's
 * json/jsonext spellings, malformed files named with their place, RFC
 * 8416 SLURM v1 and v2 applied on top, RFC 6811 validation and its edge
 * cases (maxLength, AS0, origin NONE, IPv6, host routes, /0), the index
 * against a brute-force validator on random sets, covering VRPs, diffs
 * of two sets, and the RIB's per-route states (core/rib-rov.c): set on
 * store, revalidated under a diff's prefixes only, counted; the rpki
 * configuration block and its collector on a VRP file.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include "core/collect-rpki.h"
#include "core/collector.h"
#include "core/config.h"
#include "core/model.h"
#include "core/rib.h"
#include "core/rpki-source.h"
#include "core/vrp.h"
#include "tests/unit/unit.h"

static struct prefix
pfx(const char *s)
{
	struct prefix	 p;

	if (prefix_parse(s, &p) != 0)
		fail_msg("bad test prefix %s", s);
	return (p);
}

static void
add(struct vrp_set *s, const char *p, unsigned int maxlen, uint32_t asn)
{
	struct vrp	 v;

	memset(&v, 0, sizeof v);
	v.prefix = pfx(p);
	v.maxlen = (uint8_t)maxlen;
	v.asn = asn;
	vrp_set_add(s, &v);
}

static enum vrp_state
val(const struct vrp_index *ix, const char *p, uint32_t origin)
{
	struct prefix	 q = pfx(p);

	return (vrp_validate(ix, &q, origin));
}

static struct vrp_set *
load(const char *name)
{
	struct vrp_set	*s = vrp_set_new();
	char		 path[4096], *cause = NULL;

	test_path(path, sizeof path, "tests/data/rpki", name);
	if (vrp_set_load(s, path, &cause) != 0)
		fail_msg("%s", cause);
	return (s);
}

/* A VRP file from a string: 0, or -1 with the cause in *cause. */
static int
load_str(struct vrp_set *s, const char *json, char **cause)
{
	*cause = NULL;
	return (vrp_set_load_buf(s, "t.json", json, strlen(json), cause));
}

static void
test_rpki_client(void **state)
{
	struct vrp_set		*s = load("stayrtr-test.rpki.json");
	const struct vrp_aspa	*a;
	struct vrp_index	*ix;
	size_t			 i;

	(void)state;
	assert_int_equal(s->n, 19);
	assert_int_equal(s->v[0].asn, 13335);
	assert_int_equal(s->v[0].maxlen, 24);
	assert_int_equal(s->v[0].expires, 1827568318);
	/* provider_authorizations: two customers, per family. */
	assert_int_equal(s->naspa, 4);
	a = vrp_set_aspa_find(s, 15562, 4);
	assert_non_null(a);
	assert_int_equal(a->afi, 4);
	assert_int_equal(a->nproviders, 4);
	assert_int_equal(a->providers[0], 2914);
	assert_int_equal(a->providers[3], 206238);
	a = vrp_set_aspa_find(s, 64496, 6);
	assert_non_null(a);
	assert_int_equal(a->nproviders, 6);
	assert_null(vrp_set_aspa_find(s, 13335, 4));

	ix = vrp_index_new(s);
	assert_int_equal(vrp_index_count(ix), 19);
	/* The index keeps the ASPAs, for the ASPA verification. */
	a = vrp_index_aspa_find(ix, 64496, 4);
	assert_non_null(a);
	assert_int_equal(a->nproviders, 6);
	assert_int_equal(a->providers[5], 61138);
	assert_ptr_not_equal(a, vrp_set_aspa_find(s, 64496, 4));
	assert_non_null(vrp_index_aspas(ix, &i));
	assert_int_equal(i, 4);
	assert_null(vrp_index_aspa_find(NULL, 64496, 4));
	assert_int_equal(val(ix, "1.0.0.0/24", 13335), VRP_VALID);
	assert_int_equal(val(ix, "1.0.0.0/24", 13336), VRP_INVALID_ORIGIN);
	assert_int_equal(val(ix, "1.0.4.0/23", 38803), VRP_INVALID_LENGTH);
	assert_int_equal(val(ix, "1.0.5.0/24", 38803), VRP_VALID);
	/* 2001:610::/32 maxLength 48 AS1103, /29 maxLength 29. */
	assert_int_equal(val(ix, "2001:610:1::/48", 1103), VRP_VALID);
	assert_int_equal(val(ix, "2001:610:1::/49", 1103),
	    VRP_INVALID_LENGTH);
	assert_int_equal(val(ix, "2001:614::/32", 1103), VRP_INVALID_LENGTH);
	assert_int_equal(val(ix, "2001:610:240::/42", 1103), VRP_VALID);
	assert_int_equal(val(ix, "2001:610:240::/42", 3333), VRP_VALID);
	assert_int_equal(val(ix, "2001:620::/32", 1103), VRP_NOTFOUND);
	/* 2800:40::/32 twice, maxLength 32 and 48. */
	assert_int_equal(val(ix, "2800:40:1::/48", 16814), VRP_VALID);
	vrp_index_free(ix);
	vrp_set_free(s);
}

static void
test_stayrtr_asn_string(void **state)
{
	struct vrp_set	*s = load("stayrtr-smalltest.rpki.json");

	(void)state;
	assert_int_equal(s->n, 2);
	assert_int_equal(s->v[1].asn, 9367);
	assert_string_equal(vrp_state_name(VRP_INVALID_LENGTH),
	    "invalid-length");
	vrp_set_free(s);
}

/* Routinator json and jsonext, and rpki-client 8's "aspas". */
static void
test_routinator(void **state)
{
	struct vrp_set		*s = vrp_set_new();
	const struct vrp_aspa	*a;
	char			*cause;

	(void)state;
	assert_int_equal(load_str(s, "{\"metadata\": {\"generated\": 1},"
	    "\"roas\": [{\"asn\": \"AS13335\", \"prefix\": \"1.0.0.0/24\","
	    "\"maxLength\": 24, \"ta\": \"apnic\"},"
	    "{\"asn\": \"AS64496\", \"prefix\": \"2001:db8::/32\","
	    "\"maxLength\": 48, \"source\": [{\"type\": \"roa\","
	    "\"validity\": {\"notBefore\": \"2024-01-01T00:00:00Z\","
	    "\"notAfter\": \"2024-07-01T00:00:00Z\"},"
	    "\"chainValidity\": {\"notBefore\": \"2024-01-01T00:00:00Z\","
	    "\"notAfter\": \"2024-03-01T00:00:00Z\"}}]}],"
	    "\"aspas\": [{\"customer\": \"AS64496\", \"providers\":"
	    "[\"AS64499\", \"AS64497\", \"AS64497\"]}]}", &cause), 0);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->v[0].asn, 13335);
	assert_int_equal(s->v[0].expires, 0);
	/* The chain expires first: 2024-03-01. */
	assert_int_equal(s->v[1].expires, 1709251200);
	a = vrp_set_aspa_find(s, 64496, 6);
	assert_non_null(a);
	assert_int_equal(a->afi, 0);
	assert_int_equal(a->nproviders, 2);
	assert_int_equal(a->providers[0], 64497);

	assert_int_equal(load_str(s, "{\"roas\": [], \"aspas\": "
	    "[{\"customer_asid\": 15562, \"expires\": 1700000000,"
	    "\"providers\": [2914]}]}", &cause), 0);
	a = vrp_set_aspa_find(s, 15562, 4);
	assert_non_null(a);
	assert_int_equal(a->expires, 1700000000);
	vrp_set_free(s);
}

/* Bad input: the file and the place in it, and nothing kept. */
static void
test_malformed(void **state)
{
	static const struct {
		const char	*json, *cause;
	} t[] = {
		{ "{\"roas\": [{\"asn\": 1, \"prefix\": \"10.0.0.0/8\", "
		    "\"maxLength\": 8}, {\"asn\": 1, \"prefix\": "
		    "\"10.0.0.0/8\", \"maxLength\": 33}]}",
		    "t.json: roas[1]: maxLength 33 outside /8../32" },
		{ "{\"roas\": [{\"asn\": \"ASx\", \"prefix\": \"10.0.0.0/8\"}]}",
		    "t.json: roas[0]: asn: missing or not an AS number" },
		{ "{\"roas\": [{\"asn\": 4294967296, \"prefix\": "
		    "\"10.0.0.0/8\"}]}",
		    "t.json: roas[0]: asn: missing or not an AS number" },
		{ "{\"roas\": [{\"asn\": 1, \"prefix\": \"10.0.0.1/8\"}]}",
		    "t.json: roas[0]: prefix: host bits set in \"10.0.0.1/8\"" },
		{ "{\"roas\": [{\"asn\": 1, \"prefix\": \"10.0.0.0/33\"}]}",
		    "t.json: roas[0]: prefix: bad prefix \"10.0.0.0/33\"" },
		{ "{\"roas\": [{\"asn\": 1, \"prefix\": \"10.0.0.0/8\", "
		    "\"maxLength\": 7}]}",
		    "t.json: roas[0]: maxLength 7 outside /8../32" },
		{ "{\"roas\": [{\"asn\": 1, \"prefix\": \"::/0\", "
		    "\"expires\": \"soon\"}]}",
		    "t.json: roas[0]: expires: not a Unix time" },
		{ "{\"roas\": {}}", "t.json: roas: not an array" },
		{ "{\"vrps\": []}", "t.json: no \"roas\" array: not a VRP file "
		    "(rpki-client, Routinator or StayRTR JSON)" },
		{ "[]", "t.json: not a JSON object" },
		{ "{\"roas\": [\n{\"asn\": 1,,}]}",
		    "t.json:2:11: string or '}' expected near ','" },
		{ "{\"roas\": [], \"aspas\": [{\"customer_asid\": 1, "
		    "\"providers\": [2, \"x\"]}]}",
		    "t.json: aspas[0]: providers[1]: not an AS number" },
		{ "{\"provider_authorizations\": {\"ipv6\": [{\"providers\": "
		    "[]}]}}", "t.json: provider_authorizations.ipv6[0]: "
		    "customer: missing or not an AS number" },
	};
	struct vrp_set	*s = vrp_set_new();
	char		*cause;
	size_t		 i;

	(void)state;
	add(s, "192.0.2.0/24", 24, 1);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(load_str(s, t[i].json, &cause), -1);
		assert_non_null(cause);
		assert_string_equal(cause, t[i].cause);
		free(cause);
		assert_int_equal(s->n, 1);
		assert_int_equal(s->naspa, 0);
	}
	cause = NULL;
	assert_int_equal(vrp_set_load(s, "/nonexistent/vrps.json", &cause),
	    -1);
	assert_non_null(strstr(cause, "/nonexistent/vrps.json: unable to "
	    "open"));
	free(cause);
	vrp_set_free(s);
}

static struct vrp_slurm *
slurm(const char *name)
{
	struct vrp_slurm	*sl;
	char			 path[4096], *cause = NULL;

	test_path(path, sizeof path, "tests/data/rpki", name);
	if ((sl = vrp_slurm_load(path, &cause)) == NULL)
		fail_msg("%s", cause);
	return (sl);
}

static void
test_slurm_v1(void **state)
{
	struct vrp_slurm	*sl = slurm("stayrtr-test.slurm.json");
	struct vrp_set		*s = vrp_set_new();
	struct vrp_index	*ix;

	(void)state;
	add(s, "10.0.0.0/24", 24, 65000);	/* filtered */
	add(s, "10.0.0.0/24", 24, 65001);	/* other AS: kept */
	add(s, "10.0.0.0/16", 24, 65000);	/* less specific: kept */
	add(s, "10.0.0.128/25", 25, 65000);	/* encompassed: filtered */
	assert_int_equal(vrp_slurm_apply(sl, s), 2);
	assert_int_equal(s->n, 3);
	ix = vrp_index_new(s);
	assert_int_equal(val(ix, "10.0.0.0/24", 65001), VRP_VALID);
	assert_int_equal(val(ix, "10.0.0.0/24", 65000), VRP_VALID);
	assert_int_equal(val(ix, "10.0.0.128/25", 65000),
	    VRP_INVALID_LENGTH);
	/* The assertion: 10.2.0.0/25 maxPrefixLength 26 AS65002. */
	assert_int_equal(val(ix, "10.2.0.64/26", 65002), VRP_VALID);
	assert_int_equal(val(ix, "10.2.0.64/27", 65002), VRP_INVALID_LENGTH);
	vrp_index_free(ix);
	vrp_set_free(s);
	vrp_slurm_free(sl);
}

static void
test_slurm_v2(void **state)
{
	struct vrp_slurm	*sl = slurm("stayrtr-prefixfile-slurm.json");
	struct vrp_set		*s = load("stayrtr-test.rpki.json");
	struct vrp_index	*ix;

	(void)state;
	add(s, "203.0.113.0/24", 24, 64496);	/* filtered by AS */
	add(s, "198.51.100.0/25", 25, 64497);	/* prefix and AS */
	add(s, "198.51.100.0/25", 25, 64498);	/* kept */
	/* 192.0.2.0/24 AS1 of the file, by prefix. */
	assert_int_equal(vrp_slurm_apply(sl, s), 3);
	assert_int_equal(s->n, 19 - 1 + 1 + 2);
	ix = vrp_index_new(s);
	assert_int_equal(val(ix, "192.0.2.0/24", 1), VRP_NOTFOUND);
	assert_int_equal(val(ix, "203.0.113.0/24", 64496), VRP_NOTFOUND);
	assert_int_equal(val(ix, "198.51.100.0/25", 64498), VRP_VALID);
	assert_int_equal(val(ix, "198.51.100.0/25", 64497),
	    VRP_INVALID_ORIGIN);
	assert_int_equal(val(ix, "198.51.100.0/24", 64496), VRP_VALID);
	assert_int_equal(val(ix, "2001:db8:ff::/48", 64496), VRP_VALID);
	assert_int_equal(val(ix, "2001:db8:ff::/49", 64496),
	    VRP_INVALID_LENGTH);
	vrp_index_free(ix);
	vrp_set_free(s);
	vrp_slurm_free(sl);
}

static void
test_slurm_bad(void **state)
{
	static const struct {
		const char	*json, *cause;
	} t[] = {
		{ "{\"slurmVersion\": 3}", "s.json: slurmVersion: missing, or "
		    "not 1 or 2" },
		{ "{\"slurmVersion\": 1, \"validationOutputFilters\": "
		    "{\"prefixFilters\": [], \"bgpsecFilters\": {}}}",
		    "s.json: validationOutputFilters.bgpsecFilters: missing "
		    "or not an array" },
		{ "{\"slurmVersion\": 1, \"validationOutputFilters\": "
		    "{\"prefixFilters\": []}}", "s.json: locallyAddedAssertions: "
		    "missing or not an object" },
		{ "{\"slurmVersion\": 1, \"validationOutputFilters\": "
		    "{\"prefixFilters\": [{\"comment\": \"x\"}], "
		    "\"bgpsecFilters\": []}, \"locallyAddedAssertions\": "
		    "{\"prefixAssertions\": [], \"bgpsecAssertions\": []}}",
		    "s.json: validationOutputFilters.prefixFilters[0]: neither "
		    "prefix nor asn (RFC 8416 3.3.1)" },
		{ "{\"slurmVersion\": 1, \"validationOutputFilters\": "
		    "{\"prefixFilters\": [], \"bgpsecFilters\": []}, "
		    "\"locallyAddedAssertions\": {\"prefixAssertions\": "
		    "[{\"asn\": 1, \"prefix\": \"10.0.0.0/8\"}, {\"asn\": 1, "
		    "\"prefix\": \"10.0.0.0/24\", \"maxPrefixLength\": 23}], "
		    "\"bgpsecAssertions\": []}}",
		    "s.json: locallyAddedAssertions.prefixAssertions[1]: "
		    "maxLength 23 outside /24../32" },
		{ "{\"slurmVersion\": 2, \"validationOutputFilters\": "
		    "{\"prefixFilters\": [], \"bgpsecFilters\": [], "
		    "\"aspaFilters\": [{\"customerAsid\": \"x\"}]}, "
		    "\"locallyAddedAssertions\": {\"prefixAssertions\": [], "
		    "\"bgpsecAssertions\": []}}",
		    "s.json: validationOutputFilters.aspaFilters[0]: "
		    "customerAsid: missing or not an AS number" },
	};
	struct vrp_slurm	*sl;
	char			*cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		cause = NULL;
		sl = vrp_slurm_load_buf("s.json", t[i].json,
		    strlen(t[i].json), &cause);
		assert_null(sl);
		assert_non_null(cause);
		assert_string_equal(cause, t[i].cause);
		free(cause);
	}
}

/* SLURM v2 ASPA members: a filter drops, an assertion adds. */
static void
test_slurm_aspa(void **state)
{
	static const char	*json = "{\"slurmVersion\": 2, "
	    "\"validationOutputFilters\": {\"prefixFilters\": [], "
	    "\"bgpsecFilters\": [], \"aspaFilters\": [{\"customerAsid\": "
	    "15562}]}, \"locallyAddedAssertions\": {\"prefixAssertions\": "
	    "[], \"bgpsecAssertions\": [], \"aspaAssertions\": "
	    "[{\"customerAsid\": 64500, \"providerSet\": [64502, 64501]}]}}";
	struct vrp_slurm	*sl;
	struct vrp_set		*s = load("stayrtr-test.rpki.json");
	const struct vrp_aspa	*a;
	char			*cause = NULL;

	(void)state;
	sl = vrp_slurm_load_buf("s.json", json, strlen(json), &cause);
	assert_non_null(sl);
	vrp_slurm_apply(sl, s);
	assert_null(vrp_set_aspa_find(s, 15562, 4));
	assert_non_null(vrp_set_aspa_find(s, 64496, 4));
	a = vrp_set_aspa_find(s, 64500, 4);
	assert_non_null(a);
	assert_int_equal(a->nproviders, 2);
	assert_int_equal(a->providers[0], 64501);
	vrp_slurm_free(sl);
	vrp_set_free(s);
}

/* RFC 6811 2 and its corner cases. */
static void
test_validate_edges(void **state)
{
	struct vrp_set		*s = vrp_set_new();
	struct vrp_index	*ix;

	(void)state;
	assert_int_equal(val(NULL, "10.0.0.0/8", 1), VRP_NOTFOUND);
	add(s, "10.0.0.0/16", 24, 1);
	add(s, "10.1.0.0/16", 32, 1);
	add(s, "192.0.2.0/24", 32, 0);		/* AS0 */
	add(s, "198.51.100.0/24", 24, 0);
	add(s, "198.51.100.0/24", 24, 5);	/* AS0 beside a real one */
	add(s, "203.0.113.0/24", 24, 7);
	add(s, "203.0.113.0/24", 26, 8);
	add(s, "2001:db8::/32", 48, 3);
	add(s, "2001:db8:1::/48", 48, 4);
	add(s, "2001:db8:2::1/128", 128, 6);	/* host route */
	ix = vrp_index_new(s);

	assert_int_equal(val(ix, "10.0.0.0/16", 1), VRP_VALID);
	assert_int_equal(val(ix, "10.0.1.0/24", 1), VRP_VALID);
	assert_int_equal(val(ix, "10.0.1.0/25", 1), VRP_INVALID_LENGTH);
	assert_int_equal(val(ix, "10.0.1.0/24", 2), VRP_INVALID_ORIGIN);
	/* Longer than the VRP and a wrong AS: invalid-origin. */
	assert_int_equal(val(ix, "10.0.1.0/25", 2), VRP_INVALID_ORIGIN);
	/* Less specific than every VRP: not covered. */
	assert_int_equal(val(ix, "10.0.0.0/8", 1), VRP_NOTFOUND);
	assert_int_equal(val(ix, "10.2.0.0/16", 1), VRP_NOTFOUND);
	assert_int_equal(val(ix, "10.1.2.3/32", 1), VRP_VALID);
	assert_int_equal(val(ix, "11.0.0.0/8", 1), VRP_NOTFOUND);
	/* Origin NONE (AS_SET, empty path) matches no VRP. */
	assert_int_equal(val(ix, "10.0.1.0/24", 0), VRP_INVALID_ORIGIN);
	/* AS0 (RFC 6483 4, RFC 7607): covered, never valid. */
	assert_int_equal(val(ix, "192.0.2.0/24", 0), VRP_INVALID_ORIGIN);
	assert_int_equal(val(ix, "192.0.2.128/25", 64496),
	    VRP_INVALID_ORIGIN);
	assert_int_equal(val(ix, "198.51.100.0/24", 5), VRP_VALID);
	assert_int_equal(val(ix, "198.51.100.0/24", 6), VRP_INVALID_ORIGIN);
	/* One VRP too short, another long enough: valid. */
	assert_int_equal(val(ix, "203.0.113.64/26", 8), VRP_VALID);
	assert_int_equal(val(ix, "203.0.113.64/26", 7), VRP_INVALID_LENGTH);
	/* IPv6: nested VRPs of different ASes. */
	assert_int_equal(val(ix, "2001:db8:1::/48", 3), VRP_VALID);
	assert_int_equal(val(ix, "2001:db8:1::/48", 4), VRP_VALID);
	assert_int_equal(val(ix, "2001:db8:1::/49", 4), VRP_INVALID_LENGTH);
	assert_int_equal(val(ix, "2001:db8:1::/49", 9), VRP_INVALID_ORIGIN);
	assert_int_equal(val(ix, "2001:db8:2::1/128", 6), VRP_VALID);
	assert_int_equal(val(ix, "2001:db8:2::1/128", 3),
	    VRP_INVALID_LENGTH);
	assert_int_equal(val(ix, "2001:db8:2::2/128", 6), VRP_INVALID_ORIGIN);
	assert_int_equal(val(ix, "2001:db9::/32", 3), VRP_NOTFOUND);
	assert_int_equal(val(ix, "::/0", 3), VRP_NOTFOUND);
	assert_int_equal(val(ix, "0.0.0.0/0", 1), VRP_NOTFOUND);
	vrp_index_free(ix);

	/* /0 VRPs: cover everything, to the last address. */
	add(s, "0.0.0.0/0", 0, 70);
	add(s, "::/0", 8, 71);
	ix = vrp_index_new(s);
	assert_int_equal(val(ix, "0.0.0.0/0", 70), VRP_VALID);
	assert_int_equal(val(ix, "0.0.0.0/0", 71), VRP_INVALID_ORIGIN);
	assert_int_equal(val(ix, "255.255.255.255/32", 70),
	    VRP_INVALID_LENGTH);
	assert_int_equal(val(ix, "10.2.0.0/16", 1), VRP_INVALID_ORIGIN);
	assert_int_equal(val(ix, "10.0.1.0/24", 1), VRP_VALID);
	assert_int_equal(val(ix, "ff00::/8", 71), VRP_VALID);
	assert_int_equal(val(ix, "ffff::/16", 71), VRP_INVALID_LENGTH);
	vrp_index_free(ix);
	vrp_set_free(s);
}

static void
test_covering(void **state)
{
	struct vrp_set		*s = vrp_set_new();
	struct vrp_index	*ix;
	const struct vrp	*c[8];
	struct prefix		 p;

	(void)state;
	add(s, "10.0.0.0/8", 8, 1);
	add(s, "10.1.0.0/16", 24, 2);
	add(s, "10.1.0.0/16", 16, 3);
	add(s, "10.1.0.0/16", 16, 3);		/* duplicate: merged */
	add(s, "10.1.2.0/24", 24, 4);
	add(s, "10.2.0.0/16", 16, 5);		/* beside: not covering */
	add(s, "10.1.0.0/24", 24, 6);		/* before p: not covering */
	ix = vrp_index_new(s);
	assert_int_equal(vrp_index_count(ix), 6);
	p = pfx("10.1.2.128/25");
	assert_int_equal(vrp_covering(ix, &p, c, 8), 4);
	assert_int_equal(c[0]->asn, 1);
	assert_int_equal(c[1]->asn, 2);
	assert_int_equal(c[2]->asn, 3);
	assert_int_equal(c[3]->asn, 4);
	assert_int_equal(vrp_covering(ix, &p, c, 2), 4);
	p = pfx("11.0.0.0/8");
	assert_int_equal(vrp_covering(ix, &p, c, 8), 0);
	vrp_index_free(ix);
	vrp_set_free(s);
}

/* The RFC 6811 procedure written out: every VRP, one by one. */
static enum vrp_state
brute(const struct vrp_set *s, const struct prefix *p, uint32_t origin)
{
	enum vrp_state	 st = VRP_NOTFOUND;
	size_t		 i;

	for (i = 0; i < s->n; i++) {
		const struct vrp	*v = &s->v[i];

		if (v->prefix.addr.af != p->addr.af || v->prefix.len > p->len ||
		    !prefix_contains(&v->prefix, &p->addr))
			continue;
		if (v->asn == origin && origin != 0) {
			if (p->len <= v->maxlen)
				return (VRP_VALID);
			st = VRP_INVALID_LENGTH;
		} else if (st == VRP_NOTFOUND)
			st = VRP_INVALID_ORIGIN;
	}
	return (st);
}

static uint32_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return ((uint32_t)(*x >> 16));
}

/* A random prefix in a small space, so that VRPs nest and collide. */
static struct prefix
rnd_prefix(uint64_t *x, int v6, unsigned int min)
{
	struct prefix	 p;
	unsigned int	 i, bits = v6 ? 128 : 32;

	memset(&p, 0, sizeof p);
	p.addr.af = v6 ? AF_INET6 : AF_INET;
	p.len = (uint8_t)(min + rnd(x) % (bits - min + 1));
	p.addr.b[0] = (uint8_t)(rnd(x) & 0x83);
	p.addr.b[1] = (uint8_t)(rnd(x) & 0x0f);
	for (i = 2; i < bits / 8; i++)
		p.addr.b[i] = rnd(x) % 4 == 0 ? (uint8_t)rnd(x) : 0;
	for (i = p.len; i < bits; i++)
		p.addr.b[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	return (p);
}

static void
test_validate_random(void **state)
{
	struct vrp_set		*s = vrp_set_new();
	struct vrp_index	*ix;
	struct vrp		 v;
	struct prefix		 p;
	uint64_t		 x = 0x9e3779b97f4a7c15ULL;
	unsigned int		 counts[4] = { 0 };
	int			 i, st;

	(void)state;
	for (i = 0; i < 3000; i++) {
		memset(&v, 0, sizeof v);
		v.prefix = rnd_prefix(&x, i % 3 == 0, 6);
		v.maxlen = (uint8_t)(v.prefix.len + rnd(&x) %
		    ((v.prefix.addr.af == AF_INET ? 32 : 128) -
		    v.prefix.len + 1));
		v.asn = rnd(&x) % 6;
		vrp_set_add(s, &v);
	}
	ix = vrp_index_new(s);
	for (i = 0; i < 100000; i++) {
		p = rnd_prefix(&x, i % 3 == 0, 0);
		v.asn = rnd(&x) % 6;
		st = vrp_validate(ix, &p, v.asn);
		if ((enum vrp_state)st != brute(s, &p, v.asn)) {
			char	 b[PREFIX_STRLEN];

			fail_msg("%s AS%u: index %s, brute force %s",
			    prefix_fmt(&p, b, sizeof b), v.asn,
			    vrp_state_name(st),
			    vrp_state_name(brute(s, &p, v.asn)));
		}
		counts[st]++;
	}
	for (i = 0; i < 4; i++) {
		if (counts[i] < 1000)
			fail_msg("%s: only %u", vrp_state_name(i), counts[i]);
	}
	vrp_index_free(ix);
	vrp_set_free(s);
}

static void
test_diff(void **state)
{
	struct vrp_set		*a = vrp_set_new(), *b = vrp_set_new();
	struct vrp_index	*ia, *ib;
	struct vrp_diff		 d;
	char			 buf[PREFIX_STRLEN];

	(void)state;
	add(a, "10.0.0.0/8", 8, 1);
	add(a, "10.1.0.0/16", 16, 2);		/* removed */
	add(a, "10.1.2.0/24", 24, 3);		/* maxLength changes */
	add(a, "192.0.2.0/24", 24, 4);		/* kept */
	add(a, "2001:db8::/32", 32, 5);		/* removed */
	add(b, "10.0.0.0/8", 8, 1);
	add(b, "10.1.2.0/24", 25, 3);
	add(b, "192.0.2.0/24", 24, 4);
	b->v[2].expires = 99;			/* expiry only: no change */
	add(b, "10.1.2.0/24", 24, 9);		/* added */
	add(b, "198.51.100.0/24", 24, 6);	/* added */
	ia = vrp_index_new(a);
	ib = vrp_index_new(b);
	vrp_diff(ia, ib, &d);
	assert_int_equal(d.nadded, 3);
	assert_int_equal(d.nremoved, 3);
	assert_int_equal(d.removed[0]->asn, 2);
	assert_int_equal(d.removed[1]->asn, 3);
	assert_int_equal(d.removed[1]->maxlen, 24);
	assert_int_equal(d.removed[2]->asn, 5);
	/* 10.1.2.0/24 lies under 10.1.0.0/16: revalidated once. */
	assert_int_equal(d.nprefixes, 3);
	assert_string_equal(prefix_fmt(&d.prefixes[0], buf, sizeof buf),
	    "10.1.0.0/16");
	assert_string_equal(prefix_fmt(&d.prefixes[1], buf, sizeof buf),
	    "198.51.100.0/24");
	assert_string_equal(prefix_fmt(&d.prefixes[2], buf, sizeof buf),
	    "2001:db8::/32");
	vrp_diff_free(&d);

	vrp_diff(NULL, ia, &d);
	assert_int_equal(d.nadded, 5);
	assert_int_equal(d.nremoved, 0);
	assert_int_equal(d.nprefixes, 3);
	vrp_diff_free(&d);
	vrp_index_free(ia);
	vrp_index_free(ib);
	vrp_set_free(a);
	vrp_set_free(b);
}

/* ORIGIN, AS_PATH (AS_SEQUENCE of 4-octet AS, or an AS_SET), NEXT_HOP. */
static struct rib_attr *
rib_attr_as(struct rib *r, uint32_t as, int set)
{
	struct bgp_decode_opts	 o;
	struct rib_attr		*a;
	uint8_t			 b[] = { 0x40, 1, 1, 0, 0x40, 2, 10, 2, 2,
	    0, 0, 0xfd, 0xe8, 0, 0, 0, 0, 0x40, 3, 4, 192, 0, 2, 1 };
	char			*cause = NULL;
	int			 taw;

	b[7] = set ? 1 : 2;
	b[13] = (uint8_t)(as >> 24);
	b[14] = (uint8_t)(as >> 16);
	b[15] = (uint8_t)(as >> 8);
	b[16] = (uint8_t)as;
	memset(&o, 0, sizeof o);
	o.as4 = 1;
	a = rib_attr_get(r, b, sizeof b, &o, &taw, &cause);
	if (a == NULL)
		fail_msg("attr: %s", cause);
	return (a);
}

static void
announce(struct rib *r, int peer, const char *p, uint32_t as)
{
	struct rib_attr	*a = rib_attr_as(r, as, 0);
	struct prefix	 q = pfx(p);

	rib_announce(r, peer, &q, 0, a);
	rib_attr_put(r, a);
}

static int
rov_of(struct rib *r, int peer, const char *p)
{
	struct rib_route	 rt;
	struct prefix		 q = pfx(p);

	if (!rib_lookup(r, peer, &q, 0, &rt))
		fail_msg("no route %s", p);
	return (rt.rov);
}

struct rov_seen {
	size_t	 n;
	int	 old[16], now[16];
};

static void
rov_cb(const struct rib_route *rt, int old, void *arg)
{
	struct rov_seen	*sn = arg;

	if (sn->n < 16) {
		sn->old[sn->n] = old;
		sn->now[sn->n] = rt->rov;
	}
	sn->n++;
}

static void
test_rib_rov(void **state)
{
	struct rib		*r = rib_new();
	struct rib_peer_key	 k;
	struct vrp_set		*a = vrp_set_new(), *b = vrp_set_new();
	struct vrp_index	*ia, *ib;
	struct vrp_diff		 d;
	struct rov_seen		 sn;
	struct rib_attr		*at;
	struct prefix		 q;
	size_t			 c[4];
	int			 p1, p2;

	(void)state;
	memset(&k, 0, sizeof k);
	p1 = rib_peer_get(r, &k);
	k.asn = 2;
	p2 = rib_peer_get(r, &k);
	announce(r, p1, "10.0.0.0/16", 1);
	announce(r, p1, "10.0.1.0/24", 1);
	announce(r, p2, "10.0.1.0/24", 2);
	announce(r, p1, "10.0.1.128/25", 1);
	announce(r, p1, "11.0.0.0/8", 1);
	announce(r, p1, "2001:db8::/32", 3);
	rib_rov_counts(r, c);
	assert_int_equal(c[VRP_NOTFOUND], 6);

	add(a, "10.0.0.0/16", 24, 1);
	ia = vrp_index_new(a);
	memset(&sn, 0, sizeof sn);
	assert_int_equal(rib_rov_set(r, ia, rov_cb, &sn), 4);
	assert_int_equal(sn.n, 4);
	assert_int_equal(sn.old[0], VRP_NOTFOUND);
	assert_int_equal(rov_of(r, p1, "10.0.0.0/16"), VRP_VALID);
	assert_int_equal(rov_of(r, p1, "10.0.1.0/24"), VRP_VALID);
	assert_int_equal(rov_of(r, p2, "10.0.1.0/24"), VRP_INVALID_ORIGIN);
	assert_int_equal(rov_of(r, p1, "10.0.1.128/25"), VRP_INVALID_LENGTH);
	assert_int_equal(rov_of(r, p1, "11.0.0.0/8"), VRP_NOTFOUND);
	rib_rov_counts(r, c);
	assert_int_equal(c[VRP_VALID], 2);
	assert_int_equal(c[VRP_INVALID_ORIGIN], 1);
	assert_int_equal(c[VRP_INVALID_LENGTH], 1);
	assert_int_equal(c[VRP_NOTFOUND], 2);

	/* Stored routes are validated as they come and change. */
	announce(r, p2, "10.0.2.0/24", 1);
	assert_int_equal(rov_of(r, p2, "10.0.2.0/24"), VRP_VALID);
	announce(r, p2, "10.0.2.0/24", 9);
	assert_int_equal(rov_of(r, p2, "10.0.2.0/24"), VRP_INVALID_ORIGIN);
	at = rib_attr_as(r, 1, 1);		/* AS_SET: origin NONE */
	q = pfx("10.0.3.0/24");
	rib_announce(r, p2, &q, 0, at);
	rib_attr_put(r, at);
	assert_int_equal(rov_of(r, p2, "10.0.3.0/24"), VRP_INVALID_ORIGIN);
	rib_rov_counts(r, c);
	assert_int_equal(c[VRP_INVALID_ORIGIN], 3);
	q = pfx("10.0.3.0/24");
	rib_withdraw(r, p2, &q, 0);
	rib_rov_counts(r, c);
	assert_int_equal(c[VRP_INVALID_ORIGIN], 2);

	/* A diff: only what is under its prefixes changes. */
	add(b, "10.0.1.0/24", 24, 2);
	add(b, "2001:db8::/32", 32, 3);
	ib = vrp_index_new(b);
	vrp_diff(ia, ib, &d);
	memset(&sn, 0, sizeof sn);
	assert_int_equal(rib_rov_update(r, ib, &d, rov_cb, &sn), 6);
	assert_int_equal(rov_of(r, p1, "10.0.0.0/16"), VRP_NOTFOUND);
	assert_int_equal(rov_of(r, p1, "10.0.1.0/24"), VRP_INVALID_ORIGIN);
	assert_int_equal(rov_of(r, p2, "10.0.1.0/24"), VRP_VALID);
	assert_int_equal(rov_of(r, p1, "10.0.1.128/25"), VRP_INVALID_ORIGIN);
	assert_int_equal(rov_of(r, p2, "10.0.2.0/24"), VRP_NOTFOUND);
	assert_int_equal(rov_of(r, p1, "2001:db8::/32"), VRP_VALID);
	vrp_diff_free(&d);

	/* A peer's routes flushed leave the counts. */
	rib_peer_flush(r, p2);
	rib_rov_counts(r, c);
	assert_int_equal(c[VRP_VALID], 1);
	assert_int_equal(c[VRP_INVALID_ORIGIN], 2);
	assert_int_equal(c[VRP_NOTFOUND], 2);
	rib_free(r);
	vrp_index_free(ia);
	vrp_index_free(ib);
	vrp_set_free(a);
	vrp_set_free(b);
}

struct rov_check {
	const struct vrp_index	*ix;
	size_t			 n;
};

static int
rov_check_cb(const struct rib_route *rt, void *arg)
{
	struct rov_check	*ck = arg;
	char			 buf[PREFIX_STRLEN];
	int			 want;

	want = vrp_validate(ck->ix, &rt->prefix, rt->attr->origin_as);
	if (rt->rov != want)
		fail_msg("%s AS%u: RIB says %s, index %s",
		    prefix_fmt(&rt->prefix, buf, sizeof buf),
		    rt->attr->origin_as, vrp_state_name(rt->rov),
		    vrp_state_name(want));
	ck->n++;
	return (0);
}

/*
 * Random RIB, random VRP changes applied through diffs: every route's
 * state must equal a fresh validation against the current index.
 */
static void
test_rib_rov_random(void **state)
{
	struct rib		*r = rib_new();
	struct rib_peer_key	 k;
	struct vrp_set		*s = vrp_set_new();
	struct vrp_index	*ix, *nx;
	struct vrp_diff		 d;
	struct rov_check	 ck;
	struct rib_attr		*at[6];
	struct prefix		 all[2];
	struct vrp		 v;
	uint64_t		 x = 0x2545f4914f6cdd1dULL;
	size_t			 c[4], total;
	int			 i, round, peers[3];

	(void)state;
	memset(&k, 0, sizeof k);
	for (i = 0; i < 3; i++) {
		k.asn = (uint32_t)i + 1;
		peers[i] = rib_peer_get(r, &k);
	}
	for (i = 0; i < 6; i++)
		at[i] = rib_attr_as(r, (uint32_t)i + 1, 0);
	for (i = 0; i < 20000; i++) {
		all[0] = rnd_prefix(&x, i % 3 == 0, 0);
		rib_announce(r, peers[rnd(&x) % 3], &all[0], 0,
		    at[rnd(&x) % 6]);
	}
	ix = vrp_index_new(s);
	rib_rov_set(r, ix, NULL, NULL);
	memset(all, 0, sizeof all);
	all[0].addr.af = AF_INET;
	all[1].addr.af = AF_INET6;
	for (round = 0; round < 8; round++) {
		/* Drop some VRPs, add others. */
		for (i = 0; i < (int)s->n; i++) {
			if (rnd(&x) % 4 == 0)
				s->v[i--] = s->v[--s->n];
		}
		for (i = 0; i < 400; i++) {
			memset(&v, 0, sizeof v);
			v.prefix = rnd_prefix(&x, i % 3 == 0, 6);
			v.maxlen = (uint8_t)(v.prefix.len + rnd(&x) %
			    ((v.prefix.addr.af == AF_INET ? 32 : 128) -
			    v.prefix.len + 1));
			v.asn = rnd(&x) % 7;
			vrp_set_add(s, &v);
		}
		nx = vrp_index_new(s);
		vrp_diff(ix, nx, &d);
		rib_rov_update(r, nx, &d, NULL, NULL);
		vrp_diff_free(&d);
		vrp_index_free(ix);
		ix = nx;
		ck.ix = ix;
		ck.n = 0;
		rib_walk(r, &all[0], 1, rov_check_cb, &ck);
		rib_walk(r, &all[1], 1, rov_check_cb, &ck);
		rib_rov_counts(r, c);
		total = c[0] + c[1] + c[2] + c[3];
		assert_int_equal(total, ck.n);
	}
	for (i = 0; i < 6; i++)
		rib_attr_put(r, at[i]);
	rib_free(r);
	vrp_index_free(ix);
	vrp_set_free(s);
}

static int
conf(struct model *m, const char *text, char **cause)
{
	*cause = NULL;
	return (config_parse_buffer(m, "t.conf", text, strlen(text), cause));
}

static void
test_config_rpki(void **state)
{
	static const struct {
		const char	*text, *cause;
	} bad[] = {
		{ "rpki { }", "t.conf:1:8: rpki needs a source: rtr \"HOST\" or "
		    "file \"VRPS.json\"" },
		{ "rpki { rtr \"h\" file \"f\" }", "t.conf:1:16: rpki takes one "
		    "source: rtr or file" },
		{ "rpki { file \"f\" port 1 }", "t.conf:1:17: port is for an "
		    "rtr source" },
		{ "rpki { rtr \"h\" slurm \"s\" }", "t.conf:1:1: slurm is for a "
		    "file source: the RTR cache applies its own" },
		{ "rpki { rtr \"h\" port 0 }", "t.conf:1:21: bad port \"0\": "
		    "expected 1 to 65535" },
		{ "rpki { file \"f\" interval soon }", "t.conf:1:26: bad "
		    "duration \"soon\": expected 100ms to 1h, e.g. 500ms, 5s, 1m "
		    "(a bare number is seconds)" },
		{ "rpki { file \"f\" }\nrpki { file \"g\" }", "t.conf:2:1: only "
		    "one rpki block: every route is validated against one set "
		    "of VRPs" },
	};
	struct model	*m;
	char		*cause;
	size_t		 i;

	(void)state;
	m = model_new();
	assert_int_equal(conf(m, "rpki {\n\trtr \"127.0.0.1\" port 8282 "
	    "refresh 30s\n}\n", &cause), 0);
	assert_int_equal(m->ncollectors, 1);
	assert_ptr_equal(m->collectors[0]->ops, &collector_rpki);
	assert_string_equal(m->collectors[0]->rtr_host, "127.0.0.1");
	assert_int_equal(m->collectors[0]->port, 8282);
	assert_int_equal(m->collectors[0]->interval_ms, 30000);
	assert_string_equal(m->collectors[0]->name, "rpki 127.0.0.1:8282");
	model_free(m);
	m = model_new();
	assert_int_equal(conf(m, "rpki { rtr \"rpki.example\" }\n", &cause),
	    0);
	assert_int_equal(m->collectors[0]->port, 323);
	model_free(m);
	m = model_new();
	assert_int_equal(conf(m, "rpki { file \"/v.json\" slurm \"/s.json\" }",
	    &cause), 0);
	assert_string_equal(m->collectors[0]->path, "/v.json");
	assert_string_equal(m->collectors[0]->slurm, "/s.json");
	model_free(m);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		m = model_new();
		assert_int_equal(conf(m, bad[i].text, &cause), -1);
		assert_non_null(cause);
		assert_string_equal(cause, bad[i].cause);
		free(cause);
		model_free(m);
	}
}

/* The collector on a VRP file: the RIB validated, m->vrps set, shown. */
static void
test_collect_rpki_file(void **state)
{
	struct event_base	*base = event_base_new();
	struct model		*m = model_new();
	struct rib_peer_key	 k;
	struct rib		*rib;
	struct collector	*c;
	struct rpki_source_status st;
	char			 text[8192], path[4096], *cause = NULL;
	char			 desc[256];
	int			 peer;

	(void)state;
	m->rib = rib_new();
	memset(&k, 0, sizeof k);
	peer = rib_peer_get(m->rib, &k);
	announce(m->rib, peer, "1.0.0.0/24", 13335);
	announce(m->rib, peer, "1.0.4.0/23", 38803);
	test_path(path, sizeof path, "tests/data/rpki",
	    "stayrtr-test.rpki.json");
	snprintf(text, sizeof text, "rpki { file \"%s\" interval 1s }", path);
	assert_int_equal(conf(m, text, &cause), 0);
	c = m->collectors[0];
	assert_int_equal(c->ops->start(c, m, base, &cause), 0);
	assert_int_equal(c->state, COL_UP);
	assert_non_null(m->vrps);
	assert_int_equal(vrp_index_count(m->vrps), 19);
	assert_int_equal(rov_of(m->rib, peer, "1.0.0.0/24"), VRP_VALID);
	assert_int_equal(rov_of(m->rib, peer, "1.0.4.0/23"),
	    VRP_INVALID_LENGTH);
	assert_true(c->ops->settled(c));
	c->ops->describe(c, desc, sizeof desc);
	assert_non_null(strstr(desc, ": 19 VRPs, "));
	assert_int_equal(collect_rpki_status(c, &st), 0);
	assert_int_equal(st.state, RPKI_SOURCE_UP);
	assert_int_equal(st.nvrps, 19);
	assert_int_equal(st.updates, 1);
	c->ops->stop(c);
	assert_null(m->vrps);
	/* A file that is not there: down, saying so. */
	free(c->path);
	c->path = xstrdup("/nonexistent/vrps.json");
	assert_int_equal(c->ops->start(c, m, base, &cause), 0);
	assert_int_equal(c->state, COL_DOWN);
	assert_non_null(strstr(c->error, "/nonexistent/vrps.json"));
	assert_false(c->ops->settled(c) == 0);
	/* As peertop tears down: the model (its collectors), then the RIB. */
	rib = m->rib;
	model_free(m);
	rib_free(rib);
	event_base_free(base);
}

/* A VRP file of n ROAs 10.x.y.0/24 AS 64500, and 1.0.0.0/24 AS 13335
 * unless without. */
static void
write_vrps(const char *path, int n, int with)
{
	FILE	*f = fopen(path, "w");
	int	 i;

	assert_non_null(f);
	fprintf(f, "{ \"roas\": [");
	for (i = 0; i < n; i++)
		fprintf(f, "%s{ \"prefix\": \"10.%d.%d.0/24\", "
		    "\"maxLength\": 24, \"asn\": 64500, \"ta\": \"t\" }",
		    i > 0 ? ", " : "", (i >> 8) & 255, i & 255);
	if (with)
		fprintf(f, "%s{ \"prefix\": \"1.0.0.0/24\", \"maxLength\": "
		    "24, \"asn\": 13335, \"ta\": \"t\" }", n > 0 ? ", " : "");
	fprintf(f, "] }\n");
	assert_int_equal(fclose(f), 0);
}

struct reload_seen {
	int	 calls;
	size_t	 removed;
};

static void
reload_cb(struct rpki_source *src, const struct vrp_diff *d, void *arg)
{
	struct reload_seen	*sn = arg;

	(void)src;
	sn->calls++;
	if (d != NULL)
		sn->removed += d->nremoved;
}

static void
run_until_updates(struct event_base *base, struct rpki_source *src,
    uint64_t n)
{
	struct rpki_source_status	 st;
	int				 i;

	for (i = 0; i < 500; i++) {
		rpki_source_status(src, &st);
		if (st.updates >= n)
			return;
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(10000);
	}
	fail_msg("%llu updates after 5 s, %llu wanted",
	    (unsigned long long)st.updates, (unsigned long long)n);
}

/*
 * A file source reloads a changed file off the loop (a thread builds the
 * index and its diff) and installs it on the loop: the route flips, the
 * owner hears the diff. A change while the source goes is waited for.
 */
static void
test_rpki_source_reload(void **state)
{
	struct event_base		*base = event_base_new();
	struct rib			*r = rib_new();
	struct rib_peer_key		 k;
	struct rpki_source		*src;
	struct rpki_source_status	 st;
	struct reload_seen		 sn;
	char				 dir[] = "/tmp/peertop-vrp.XXXXXX";
	char				 path[64], *cause = NULL;
	struct timespec			 later;
	int				 peer;

	(void)state;
	memset(&sn, 0, sizeof sn);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/vrps.json", dir);
	write_vrps(path, 3000, 1);
	memset(&k, 0, sizeof k);
	peer = rib_peer_get(r, &k);
	announce(r, peer, "1.0.0.0/24", 13335);
	src = rpki_source_file(base, path, NULL, 20, reload_cb, &sn, &cause);
	assert_non_null(src);
	rpki_source_set_rib(src, r, NULL, NULL);
	rpki_source_status(src, &st);
	assert_int_equal(st.state, RPKI_SOURCE_UP);
	assert_int_equal(st.nvrps, 3001);
	assert_int_equal(rov_of(r, peer, "1.0.0.0/24"), VRP_VALID);

	/* The ROA goes (a newer mtime: the check is on the stamp). */
	write_vrps(path, 3000, 0);
	clock_gettime(CLOCK_REALTIME, &later);
	later.tv_sec += 2;
	{
		struct timespec	 ts[2] = { later, later };

		assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	}
	run_until_updates(base, src, 2);
	rpki_source_status(src, &st);
	assert_int_equal(st.nvrps, 3000);
	assert_int_equal(rov_of(r, peer, "1.0.0.0/24"), VRP_NOTFOUND);
	assert_int_equal(sn.removed, 1);

	/* A broken file: down, the VRPs kept. */
	{
		FILE	*f = fopen(path, "w");

		assert_non_null(f);
		fputs("{ \"roas\": [", f);
		fclose(f);
	}
	for (int i = 0; i < 500; i++) {
		rpki_source_status(src, &st);
		if (st.state == RPKI_SOURCE_DOWN)
			break;
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(10000);
	}
	assert_int_equal(st.state, RPKI_SOURCE_DOWN);
	assert_int_equal(st.nvrps, 3000);

	/* A big change, and the source freed while it may be building. */
	write_vrps(path, 60000, 1);
	usleep(30000);
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	rpki_source_free(src);
	rib_free(r);
	event_base_free(base);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rpki_client),
		cmocka_unit_test(test_stayrtr_asn_string),
		cmocka_unit_test(test_routinator),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_slurm_v1),
		cmocka_unit_test(test_slurm_v2),
		cmocka_unit_test(test_slurm_bad),
		cmocka_unit_test(test_slurm_aspa),
		cmocka_unit_test(test_validate_edges),
		cmocka_unit_test(test_covering),
		cmocka_unit_test(test_validate_random),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_rib_rov),
		cmocka_unit_test(test_rib_rov_random),
		cmocka_unit_test(test_config_rpki),
		cmocka_unit_test(test_collect_rpki_file),
		cmocka_unit_test(test_rpki_source_reload),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
