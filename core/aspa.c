/* SPDX-License-Identifier: ISC */
/*
 * ASPA AS_PATH verification (draft-ietf-sidrops-aspa-verification, the
 * ramp algorithm of -16 and later): see aspa.h.
 *
 * Notation as in the draft: after collapsing prepends the path is
 * AS(N), ..., AS(1), AS(1) the origin and AS(N) the neighbor.  Here
 * the array u[] holds it in AS_PATH order, so AS(k) is u[N - k].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aspa.h"
#include "core/bgp-role.h"
#include "core/decode-bgp.h"
#include "core/util.h"

static uint32_t	aspa_as(const uint32_t *, size_t, size_t);

enum aspa_dir
aspa_dir_of(int neighbor_role)
{
	return (neighbor_role == BGP_ROLE_PROVIDER ? ASPA_DOWNSTREAM :
	    ASPA_UPSTREAM);
}

enum aspa_hop
aspa_hop(uint32_t customer, uint32_t provider, aspa_lookup_cb lookup,
    void *arg)
{
	const uint32_t	*prov = NULL;
	size_t		 nprov = 0, i;

	if (!lookup(customer, &prov, &nprov, arg))
		return (ASPA_HOP_NO_ATTESTATION);
	for (i = 0; i < nprov; i++) {
		if (prov[i] == provider)
			return (ASPA_HOP_PROVIDER);
	}
	return (ASPA_HOP_NOT_PROVIDER);
}

/* AS(k), 1 <= k <= n, of a path in AS_PATH order. */
static uint32_t
aspa_as(const uint32_t *u, size_t n, size_t k)
{
	return (u[n - k]);
}

static enum aspa_state
aspa_verify_unique(const uint32_t *u, size_t n, enum aspa_dir dir,
    aspa_lookup_cb lookup, void *arg, struct aspa_verdict *v)
{
	size_t		 max_up = n, min_up = n, max_down = n, min_down = n;
	size_t		 i, j;
	enum aspa_hop	 h;

	/*
	 * 6.3/6.4: the up-ramp from the origin: the longest run where
	 * AS(i) may be a provider of AS(i-1) (max, stops at the first Not
	 * Provider+) and the run where it is attested to be (min, stops at
	 * the first hop that is not Provider+).
	 */
	for (i = 2; i <= n && max_up == n; i++) {
		h = aspa_hop(aspa_as(u, n, i - 1), aspa_as(u, n, i), lookup,
		    arg);
		if (h != ASPA_HOP_PROVIDER && min_up == n)
			min_up = i - 1;
		if (h == ASPA_HOP_NOT_PROVIDER)
			max_up = i - 1;
	}

	if (dir == ASPA_UPSTREAM) {
		/* 6.3: the whole path must be an up-ramp. */
		if (max_up < n)
			goto invalid;
		v->state = min_up < n ? ASPA_UNKNOWN : ASPA_VALID;
		return (v->state);
	}

	/*
	 * 6.4: a route from a provider may have gone up, across one
	 * lateral hop and down; any path of one or two ASes may.
	 */
	if (n <= 2) {
		v->state = ASPA_VALID;
		return (v->state);
	}
	/*
	 * The down-ramp from the neighbor: AS(j-1) a provider of AS(j) for
	 * j from N down; the ramp is AS(N) .. AS(j).
	 */
	for (j = n; j >= 2 && max_down == n; j--) {
		h = aspa_hop(aspa_as(u, n, j), aspa_as(u, n, j - 1), lookup,
		    arg);
		if (h != ASPA_HOP_PROVIDER && min_down == n)
			min_down = n - j + 1;
		if (h == ASPA_HOP_NOT_PROVIDER)
			max_down = n - j + 1;
	}
	if (max_up + max_down < n) {
		v->down_customer = aspa_as(u, n, n - max_down + 1);
		v->down_provider = aspa_as(u, n, n - max_down);
		goto invalid;
	}
	/*
	 * min <= max always: a Not Provider+ ends both ramps, so the max
	 * scans may stop at it.
	 */
	v->state = min_up + min_down < n ? ASPA_UNKNOWN : ASPA_VALID;
	return (v->state);

invalid:
	v->state = ASPA_INVALID;
	v->reason = ASPA_REASON_HOP;
	v->customer = aspa_as(u, n, max_up);
	v->provider = aspa_as(u, n, max_up + 1);
	return (v->state);
}

enum aspa_state
aspa_verify_asns(const uint32_t *asns, size_t n, enum aspa_dir dir,
    uint32_t neighbor_as, aspa_lookup_cb lookup, void *arg,
    struct aspa_verdict *v)
{
	uint32_t	 stack[ASPA_PATH_MAX], *u = stack;
	size_t		 i, nu = 0;
	enum aspa_state	 s;

	memset(v, 0, sizeof *v);
	if (n == 0) {
		v->state = ASPA_INVALID;
		v->reason = ASPA_REASON_EMPTY;
		return (v->state);
	}
	if (neighbor_as != 0 && asns[0] != neighbor_as) {
		v->state = ASPA_INVALID;
		v->reason = ASPA_REASON_NEIGHBOR;
		v->customer = asns[0];
		v->provider = neighbor_as;
		return (v->state);
	}
	if (n > ASPA_PATH_MAX)
		u = xreallocarray(NULL, n, sizeof *u);
	for (i = 0; i < n; i++) {
		if (nu == 0 || u[nu - 1] != asns[i])
			u[nu++] = asns[i];
	}
	v->npath = nu;
	s = aspa_verify_unique(u, nu, dir, lookup, arg, v);
	if (u != stack)
		free(u);
	return (s);
}

int
aspa_path_flat(const struct bgp_aspath *path, uint32_t *stack, size_t nstack,
    uint32_t **out, size_t *n)
{
	uint32_t	*flat = stack;
	size_t		 i, cap = nstack;

	*out = NULL;
	*n = 0;
	for (i = 0; i < path->nsegs; i++) {
		if (path->segs[i].type == BGP_AS_SET)
			return (-1);
	}
	if (path->nasns > nstack) {
		cap = path->nasns;
		flat = xreallocarray(NULL, cap, sizeof *flat);
	}
	for (i = 0; i < path->nsegs; i++) {
		const struct bgp_aspath_seg	*sg = &path->segs[i];

		if (sg->type != BGP_AS_SEQUENCE)
			continue;	/* RFC 5065 confederation segments */
		if ((size_t)sg->off + sg->count > path->nasns ||
		    *n + sg->count > cap)
			continue;	/* not from the decoder */
		memcpy(flat + *n, path->asns + sg->off,
		    sg->count * sizeof *flat);
		*n += sg->count;
	}
	*out = flat;
	return (0);
}

enum aspa_state
aspa_verify(const struct bgp_aspath *path, enum aspa_dir dir,
    uint32_t neighbor_as, aspa_lookup_cb lookup, void *arg,
    struct aspa_verdict *v)
{
	uint32_t	 stack[ASPA_PATH_MAX], *flat;
	size_t		 n;
	enum aspa_state	 s;

	if (aspa_path_flat(path, stack, ASPA_PATH_MAX, &flat, &n) == -1) {
		memset(v, 0, sizeof *v);
		v->state = ASPA_INVALID;
		v->reason = ASPA_REASON_AS_SET;
		return (v->state);
	}
	s = aspa_verify_asns(flat, n, dir, neighbor_as, lookup, arg, v);
	if (flat != stack)
		free(flat);
	return (s);
}

const char *
aspa_state_name(enum aspa_state s)
{
	switch (s) {
	case ASPA_VALID:
		return ("valid");
	case ASPA_INVALID:
		return ("invalid");
	case ASPA_UNKNOWN:
		break;
	}
	return ("unknown");
}

char *
aspa_verdict_str(const struct aspa_verdict *v, char *buf, size_t len)
{
	if (len == 0)
		return (buf);
	buf[0] = '\0';
	if (v->state != ASPA_INVALID)
		return (buf);
	switch (v->reason) {
	case ASPA_REASON_EMPTY:
		snprintf(buf, len, "empty AS path");
		break;
	case ASPA_REASON_AS_SET:
		snprintf(buf, len, "AS path has an AS_SET");
		break;
	case ASPA_REASON_NEIGHBOR:
		snprintf(buf, len, "first AS%u is not the neighbor AS%u",
		    v->customer, v->provider);
		break;
	case ASPA_REASON_HOP:
		if (v->down_customer != 0)
			snprintf(buf, len, "AS%u does not authorise AS%u as a "
			    "provider, nor AS%u AS%u: a leak between them",
			    v->customer, v->provider, v->down_customer,
			    v->down_provider);
		else
			snprintf(buf, len, "AS%u does not authorise AS%u as a "
			    "provider", v->customer, v->provider);
		break;
	case ASPA_REASON_NONE:
		break;
	}
	return (buf);
}
