/* SPDX-License-Identifier: ISC */
/*
 * Tests for core/aspa.c, the ASPA verification procedure of
 * draft-ietf-sidrops-aspa-verification: the hop check, upstream and
 * downstream paths over a small hand-written ASPA set, on the shapes the
 * draft describes (a pure up-ramp; up-ramp, one lateral hop, down-ramp;
 * a valley; no attestations at all), and the edges: empty path, single
 * AS, two ASes from a provider, prepends, AS_SET, the neighbor check,
 * a transparent and a non-transparent route server, a path longer than
 * the stack buffer; and the worked examples of NIST's BRIO test suite.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/aspa.h"
#include "core/bgp-role.h"
#include "core/decode-bgp.h"

/*
 * The topology: tier-1s 300 and 301 peer and publish AS0 ASPAs (no
 * providers); 200 buys transit from 300, 202 from 301, 400 from 300;
 * origin 100 is multihomed to 200 and 201 (201 publishes no ASPA);
 * 110 buys from 200 and is a client of route server 500, which it
 * lists as the draft says a client of a non-transparent RS does.
 */
static const struct {
	uint32_t	customer;
	uint32_t	providers[3];
	size_t		n;
} aspas[] = {
	{ 100, { 200, 201 }, 2 },
	{ 110, { 200, 500 }, 2 },
	{ 200, { 300 }, 1 },
	{ 202, { 301 }, 1 },
	{ 300, { 0 }, 1 },
	{ 301, { 0 }, 1 },
	{ 400, { 300 }, 1 },
};

static unsigned	nlookups;

static int
lookup_cb(uint32_t customer, const uint32_t **prov, size_t *n, void *arg)
{
	size_t	i;

	(void)arg;
	nlookups++;
	for (i = 0; i < sizeof aspas / sizeof aspas[0]; i++) {
		if (aspas[i].customer == customer) {
			*prov = aspas[i].providers;
			*n = aspas[i].n;
			return (1);
		}
	}
	return (0);
}

/* Verify the path given as the trailing arguments, AS_PATH order. */
#define VERIFY(dir, nbr, v, ...)					\
	aspa_verify_asns((const uint32_t[]){ __VA_ARGS__ },		\
	    sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t),	\
	    (dir), (nbr), lookup_cb, NULL, (v))

static void
test_hop(void **state)
{
	(void)state;
	assert_int_equal(aspa_hop(100, 200, lookup_cb, NULL),
	    ASPA_HOP_PROVIDER);
	assert_int_equal(aspa_hop(100, 300, lookup_cb, NULL),
	    ASPA_HOP_NOT_PROVIDER);
	assert_int_equal(aspa_hop(201, 300, lookup_cb, NULL),
	    ASPA_HOP_NO_ATTESTATION);
	/* AS0: an attestation that there is no provider at all. */
	assert_int_equal(aspa_hop(300, 301, lookup_cb, NULL),
	    ASPA_HOP_NOT_PROVIDER);
	assert_int_equal(aspa_hop(300, 0, lookup_cb, NULL),
	    ASPA_HOP_PROVIDER);

	/* 6.1: which procedure, by the neighbor's relation. */
	assert_int_equal(aspa_dir_of(BGP_ROLE_PROVIDER), ASPA_DOWNSTREAM);
	assert_int_equal(aspa_dir_of(BGP_ROLE_CUSTOMER), ASPA_UPSTREAM);
	assert_int_equal(aspa_dir_of(BGP_ROLE_PEER), ASPA_UPSTREAM);
	assert_int_equal(aspa_dir_of(BGP_ROLE_RS), ASPA_UPSTREAM);
	assert_int_equal(aspa_dir_of(BGP_ROLE_RS_CLIENT), ASPA_UPSTREAM);
}

static void
test_upstream(void **state)
{
	struct aspa_verdict	v;
	char			buf[128];

	(void)state;
	/* 6.3: a customer's route, each hop up attested. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 300, &v, 300, 200, 100),
	    ASPA_VALID);
	assert_int_equal(v.npath, 3);
	assert_string_equal(aspa_verdict_str(&v, buf, sizeof buf), "");
	/* A single AS: the neighbor is the origin. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 100, &v, 100), ASPA_VALID);
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 201, &v, 201), ASPA_VALID);
	/* Two ASes, the hop attested or not. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 201, &v, 201, 100),
	    ASPA_VALID);
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 999, &v, 999, 201),
	    ASPA_UNKNOWN);
	/* 201 has no ASPA: the ramp above it is not proven. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 999, &v, 999, 201, 100),
	    ASPA_UNKNOWN);
	assert_int_equal(v.reason, ASPA_REASON_NONE);

	/*
	 * A leak: 200 passes a route of its provider 300 (learnt from
	 * 300's customer 400) to us, its peer or provider.  300's AS0 ASPA
	 * says 200 is no provider of 300.
	 */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 200, &v, 200, 300, 400),
	    ASPA_INVALID);
	assert_int_equal(v.reason, ASPA_REASON_HOP);
	assert_int_equal(v.customer, 300);
	assert_int_equal(v.provider, 200);
	assert_int_equal(v.down_customer, 0);
	assert_string_equal(aspa_verdict_str(&v, buf, sizeof buf),
	    "AS300 does not authorise AS200 as a provider");
	/* Not Provider+ decides even after an unattested hop. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 300, &v, 300, 100, 201),
	    ASPA_INVALID);
	assert_int_equal(v.customer, 100);
	assert_int_equal(v.provider, 300);
}

static void
test_downstream(void **state)
{
	struct aspa_verdict	v;
	char			buf[160];

	(void)state;
	/* 6.4: from a provider, a pure up-ramp (we are 300's customer). */
	assert_int_equal(VERIFY(ASPA_DOWNSTREAM, 300, &v, 300, 200, 100),
	    ASPA_VALID);
	/*
	 * Up 202 -> 301, across the tier-1 peering 301 -- 300, down
	 * 300 -> 200 -> us: the ramps meet at the lateral hop.
	 */
	assert_int_equal(VERIFY(ASPA_DOWNSTREAM, 200, &v, 200, 300, 301,
	    202), ASPA_VALID);
	/* A pure down-ramp: 300 -> 200 -> us, origin 300 itself. */
	assert_int_equal(VERIFY(ASPA_DOWNSTREAM, 200, &v, 200, 300),
	    ASPA_VALID);
	/*
	 * One or two ASes from a provider are always valid, whatever the
	 * attestations (100 does not list 300).
	 */
	assert_int_equal(VERIFY(ASPA_DOWNSTREAM, 300, &v, 300, 100),
	    ASPA_VALID);
	assert_int_equal(VERIFY(ASPA_DOWNSTREAM, 999, &v, 999), ASPA_VALID);

	/*
	 * The valley: 400 learns 100's route from its provider 300 and
	 * leaks it to 301, our provider.  The up-ramp ends at 300 -> 400,
	 * the down-ramp at 301 -> 400: the leaker is between.
	 */
	assert_int_equal(VERIFY(ASPA_DOWNSTREAM, 301, &v, 301, 400, 300,
	    200, 100), ASPA_INVALID);
	assert_int_equal(v.reason, ASPA_REASON_HOP);
	assert_int_equal(v.customer, 300);
	assert_int_equal(v.provider, 400);
	assert_int_equal(v.down_customer, 301);
	assert_int_equal(v.down_provider, 400);
	assert_string_equal(aspa_verdict_str(&v, buf, sizeof buf),
	    "AS300 does not authorise AS400 as a provider, nor AS301 "
	    "AS400: a leak between them");
	/* The same path is Invalid upstream too (hop 300 -> 400). */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 301, &v, 301, 400, 300,
	    200, 100), ASPA_INVALID);

	/*
	 * 201 has no ASPA, so its hop to 200 may be up: not Invalid, but
	 * not proven either.
	 */
	assert_int_equal(VERIFY(ASPA_DOWNSTREAM, 300, &v, 300, 200, 201),
	    ASPA_UNKNOWN);
}

static void
test_no_attestation(void **state)
{
	struct aspa_verdict	v;

	(void)state;
	/* Nobody publishes an ASPA: Unknown in both directions. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 7, &v, 7, 8, 9, 10),
	    ASPA_UNKNOWN);
	assert_int_equal(VERIFY(ASPA_DOWNSTREAM, 7, &v, 7, 8, 9, 10),
	    ASPA_UNKNOWN);
	assert_int_equal(v.reason, ASPA_REASON_NONE);
}

static void
test_path_shape(void **state)
{
	struct aspa_verdict	v;
	struct bgp_aspath	p;
	struct bgp_aspath_seg	segs[3];
	uint32_t		asns[6];
	char			buf[128];

	(void)state;
	/* Prepends collapse: 200 200 200 100 100 is 200 100. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 200, &v, 200, 200, 200, 100,
	    100), ASPA_VALID);
	assert_int_equal(v.npath, 2);
	/* An empty path. */
	assert_int_equal(aspa_verify_asns(NULL, 0, ASPA_UPSTREAM, 0,
	    lookup_cb, NULL, &v), ASPA_INVALID);
	assert_int_equal(v.reason, ASPA_REASON_EMPTY);
	/* The neighbor check, and 0 to skip it. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 999, &v, 200, 100),
	    ASPA_INVALID);
	assert_int_equal(v.reason, ASPA_REASON_NEIGHBOR);
	assert_string_equal(aspa_verdict_str(&v, buf, sizeof buf),
	    "first AS200 is not the neighbor AS999");
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 0, &v, 200, 100), ASPA_VALID);

	/* A decoded path: 200 {300 301} 100 has an AS_SET. */
	asns[0] = 200; asns[1] = 300; asns[2] = 301; asns[3] = 100;
	segs[0] = (struct bgp_aspath_seg){ BGP_AS_SEQUENCE, 1, 0 };
	segs[1] = (struct bgp_aspath_seg){ BGP_AS_SET, 2, 1 };
	segs[2] = (struct bgp_aspath_seg){ BGP_AS_SEQUENCE, 1, 3 };
	p = (struct bgp_aspath){ segs, 3, asns, 4 };
	assert_int_equal(aspa_verify(&p, ASPA_UPSTREAM, 200, lookup_cb, NULL,
	    &v), ASPA_INVALID);
	assert_int_equal(v.reason, ASPA_REASON_AS_SET);
	assert_string_equal(aspa_verdict_str(&v, buf, sizeof buf),
	    "AS path has an AS_SET");
	assert_int_equal(aspa_verify(&p, ASPA_DOWNSTREAM, 200, lookup_cb,
	    NULL, &v), ASPA_INVALID);

	/* A confederation segment is skipped: (65000) 300 200 100. */
	asns[0] = 65000; asns[1] = 300; asns[2] = 200; asns[3] = 100;
	segs[0] = (struct bgp_aspath_seg){ BGP_AS_CONFED_SEQUENCE, 1, 0 };
	segs[1] = (struct bgp_aspath_seg){ BGP_AS_SEQUENCE, 3, 1 };
	p = (struct bgp_aspath){ segs, 2, asns, 4 };
	assert_int_equal(aspa_verify(&p, ASPA_UPSTREAM, 300, lookup_cb, NULL,
	    &v), ASPA_VALID);
	assert_int_equal(v.npath, 3);
}

static void
test_route_server(void **state)
{
	struct aspa_verdict	v;

	(void)state;
	/*
	 * A transparent RS adds no AS: its client gets 200 100 from the
	 * RS's session, upstream, with the neighbor check skipped.
	 */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 0, &v, 200, 100), ASPA_VALID);
	/* A non-transparent RS 500: 110 lists it, so the hop is Provider+. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 500, &v, 500, 110),
	    ASPA_VALID);
	/* 100 does not list RS 500: Invalid. */
	assert_int_equal(VERIFY(ASPA_UPSTREAM, 500, &v, 500, 100),
	    ASPA_INVALID);
	assert_int_equal(v.customer, 100);
	assert_int_equal(v.provider, 500);
}

static void
test_long_path(void **state)
{
	struct aspa_verdict	 v;
	uint32_t		*p;
	size_t			 i, n = ASPA_PATH_MAX * 3;

	(void)state;
	/* Longer than the stack buffer: 1000, 1001, ... then 200 100. */
	p = calloc(n, sizeof *p);
	assert_non_null(p);
	for (i = 0; i < n - 2; i++)
		p[i] = 1000 + (uint32_t)i;
	p[n - 2] = 200;
	p[n - 1] = 100;
	nlookups = 0;
	assert_int_equal(aspa_verify_asns(p, n, ASPA_DOWNSTREAM, 1000,
	    lookup_cb, NULL, &v), ASPA_UNKNOWN);
	assert_int_equal(v.npath, n);
	/* Each hop is looked up at most once per ramp. */
	assert_true(nlookups <= 2 * (n - 1));
	/* Upstream, 200 does not list the AS above it. */
	assert_int_equal(aspa_verify_asns(p, n, ASPA_UPSTREAM, 1000,
	    lookup_cb, NULL, &v), ASPA_INVALID);
	assert_int_equal(v.customer, 200);
	assert_int_equal(v.provider, p[n - 3]);
	free(p);
}

/*
 * The worked examples of NIST's BRIO ASPA test suite (usnistgov/NIST-BRIO,
 * brio-examples/demo-aspa-{upstream,downstream}), with the ramps the
 * draft's procedure gives, so an independent reading of the draft:
 * A 65000, B 65010, C 65020, D 65030, E 65040 and F 65050 (no ASPAs),
 * G 65060 (an AS0 ASPA).
 */
#define A_ 65000
#define B_ 65010
#define C_ 65020
#define D_ 65030
#define E_ 65040
#define F_ 65050
#define G_ 65060

static int
brio_cb(uint32_t customer, const uint32_t **prov, size_t *n, void *arg)
{
	static const uint32_t	 a[] = { C_, D_ }, b[] = { E_ }, c[] = { F_ };
	static const uint32_t	 d[] = { F_, G_ }, g[] = { 0 };

	(void)arg;
	switch (customer) {
	case A_: *prov = a; *n = 2; return (1);
	case B_: *prov = b; *n = 1; return (1);
	case C_: *prov = c; *n = 1; return (1);
	case D_: *prov = d; *n = 2; return (1);
	case G_: *prov = g; *n = 1; return (1);
	default: return (0);
	}
}

#define BRIO(dir, v, ...)						\
	aspa_verify_asns((const uint32_t[]){ __VA_ARGS__ },		\
	    sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t),	\
	    (dir), 0, brio_cb, NULL, (v))

static void
test_brio_examples(void **state)
{
	struct aspa_verdict	v;

	(void)state;
	/* Upstream, examples 4 to 9. */
	assert_int_equal(BRIO(ASPA_UPSTREAM, &v, D_, E_, B_), ASPA_UNKNOWN);
	assert_int_equal(BRIO(ASPA_UPSTREAM, &v, A_, D_, E_, B_),
	    ASPA_INVALID);
	assert_int_equal(v.customer, D_);
	assert_int_equal(v.provider, A_);
	assert_int_equal(BRIO(ASPA_UPSTREAM, &v, A_, D_, G_, E_, B_),
	    ASPA_INVALID);
	assert_int_equal(v.customer, G_);
	assert_int_equal(v.provider, D_);
	assert_int_equal(BRIO(ASPA_UPSTREAM, &v, A_, C_, F_), ASPA_INVALID);
	assert_int_equal(BRIO(ASPA_UPSTREAM, &v, A_, C_, F_, G_),
	    ASPA_INVALID);
	assert_int_equal(v.customer, G_);
	assert_int_equal(BRIO(ASPA_UPSTREAM, &v, E_, B_), ASPA_VALID);
	assert_int_equal(BRIO(ASPA_UPSTREAM, &v, C_, D_, G_, E_, B_),
	    ASPA_INVALID);
	/* Downstream, examples 5, 6, 7, 9 and 10. */
	assert_int_equal(BRIO(ASPA_DOWNSTREAM, &v, C_, F_, D_, G_),
	    ASPA_UNKNOWN);
	assert_int_equal(BRIO(ASPA_DOWNSTREAM, &v, D_, G_, E_, B_),
	    ASPA_VALID);
	assert_int_equal(BRIO(ASPA_DOWNSTREAM, &v, C_, D_, G_, E_, B_),
	    ASPA_INVALID);
	assert_int_equal(v.customer, G_);	/* up-ramp B E G ends */
	assert_int_equal(v.provider, D_);
	assert_int_equal(v.down_customer, C_);	/* down-ramp is C alone */
	assert_int_equal(v.down_provider, D_);
	assert_int_equal(BRIO(ASPA_DOWNSTREAM, &v, E_, A_), ASPA_VALID);
	assert_int_equal(BRIO(ASPA_DOWNSTREAM, &v, E_, C_, A_), ASPA_VALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hop),
		cmocka_unit_test(test_upstream),
		cmocka_unit_test(test_downstream),
		cmocka_unit_test(test_no_attestation),
		cmocka_unit_test(test_path_shape),
		cmocka_unit_test(test_route_server),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_brio_examples),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
