/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the RIB (core/rib.c, core/rib-mrt.c): exact, longest and
 * more-specific queries on both families (/0, host routes and glue
 * nodes), replace and withdraw, attribute interning and its reference
 * counts, RFC 7606 treat-as-withdraw, whole UPDATE bodies (IPv4 NLRI,
 * MP_REACH/MP_UNREACH for IPv6, ADD-PATH), peer flush, watches, and real
 * MRT files loaded end to end with counts taken from bgpdump -m; the
 * IPv4 and IPv6 longest-match indexes (core/rib-lpm.c, rib-lpm6.c)
 * against a brute-force model and the trie through random changes, the
 * IPv6 one also on crafted edges and on the RouteViews IPv6 table.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/decode-mrt.h"
#include "core/rib.h"
#include "core/siphash.h"

/* A byte builder for hand-made attributes and UPDATE bodies. */
struct bld {
	uint8_t	b[4096];
	size_t	n;
};

static void
put(struct bld *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof b->b);
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void
put8(struct bld *b, unsigned int v)
{
	uint8_t	c = v;

	put(b, &c, 1);
}

static void
put16(struct bld *b, unsigned int v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void
put32(struct bld *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v);
}

/*
 * A fresh attribute section: ORIGIN, AS_PATH (one AS_SEQUENCE, 4-octet),
 * NEXT_HOP 192.0.2.1.
 */
static void
attrs_std(struct bld *b, unsigned int origin, const uint32_t *asns, int n)
{
	int	i;

	memset(b, 0, sizeof *b);
	put8(b, 0x40); put8(b, 1); put8(b, 1); put8(b, origin);
	put8(b, 0x40); put8(b, 2); put8(b, 2 + 4 * n);
	put8(b, 2); put8(b, n);
	for (i = 0; i < n; i++)
		put32(b, asns[i]);
	put8(b, 0x40); put8(b, 3); put8(b, 4);
	put8(b, 192); put8(b, 0); put8(b, 2); put8(b, 1);
}

static struct prefix
pfx(const char *s)
{
	struct prefix	p;

	assert_int_equal(prefix_parse(s, &p), 0);
	return (p);
}

/* a/len as an IPv4 prefix (host order address). */
static struct prefix
v4_prefix(uint32_t a, int len)
{
	struct prefix	p;

	memset(&p, 0, sizeof p);
	p.addr.af = AF_INET;
	p.addr.b[0] = a >> 24;
	p.addr.b[1] = a >> 16;
	p.addr.b[2] = a >> 8;
	p.addr.b[3] = a;
	p.len = len;
	return (p);
}

/* The IPv4 address of p in host order. */
static uint32_t
v4_addr(const struct prefix *p)
{
	return ((uint32_t)p->addr.b[0] << 24 | (uint32_t)p->addr.b[1] << 16 |
	    (uint32_t)p->addr.b[2] << 8 | p->addr.b[3]);
}

static struct rib_peer_key
peer_key(const char *addr, uint32_t asn, enum rib_peer_kind kind)
{
	struct rib_peer_key	k;

	memset(&k, 0, sizeof k);
	assert_int_equal(addr_parse(addr, &k.addr), 0);
	k.asn = asn;
	k.kind = kind;
	return (k);
}

static int
peer_add(struct rib *r, const char *addr, uint32_t asn)
{
	struct rib_peer_key	k = peer_key(addr, asn, RIB_PEER_ADJ_IN_PRE);

	return (rib_peer_get(r, &k));
}

static struct rib_attr *
attr_path(struct rib *r, uint32_t a1, uint32_t a2)
{
	struct bgp_decode_opts	 o;
	struct bld		 b;
	struct rib_attr		*a;
	uint32_t		 asns[2] = { a1, a2 };
	int			 taw;
	char			*cause = NULL;

	attrs_std(&b, 0, asns, a2 == 0 ? 1 : 2);
	memset(&o, 0, sizeof o);
	o.as4 = 1;
	a = rib_attr_get(r, b.b, b.n, &o, &taw, &cause);
	assert_non_null(a);
	assert_int_equal(taw, 0);
	return (a);
}

static void
assert_longest(struct rib *r, const char *addr, const char *want)
{
	struct prefix	p, m;
	char		buf[PREFIX_STRLEN];

	memset(&p, 0, sizeof p);
	assert_int_equal(addr_parse(addr, &p.addr), 0);
	p.len = p.addr.af == AF_INET ? 32 : 128;
	if (want == NULL) {
		assert_int_equal(rib_longest(r, &p, &m), 0);
		return;
	}
	assert_int_equal(rib_longest(r, &p, &m), 1);
	assert_string_equal(prefix_fmt(&m, buf, sizeof buf), want);
}

static int
count_cb(const struct rib_route *rt, void *arg)
{
	size_t	*n = arg;

	assert_non_null(rt->attr);
	(*n)++;
	return (0);
}

static size_t
count_walk(struct rib *r, const char *s, int more)
{
	struct prefix	p = pfx(s);
	size_t		n = 0;

	rib_walk(r, &p, more, count_cb, &n);
	return (n);
}

/* Announce each of n prefixes, all new, from peer with a. */
static void
announce_all(struct rib *r, int peer, const char *const *ps, size_t n,
    struct rib_attr *a)
{
	struct prefix	p;
	size_t		i;

	for (i = 0; i < n; i++) {
		p = pfx(ps[i]);
		assert_int_equal(rib_announce(r, peer, &p, 0, a), 1);
	}
}

/* A new RIB with peers 192.0.2.1 AS65001 and 192.0.2.2 AS65002. */
static struct rib *
rib_two_peers(int *p1, int *p2)
{
	struct rib	*r;

	r = rib_new();
	*p1 = peer_add(r, "192.0.2.1", 65001);
	*p2 = peer_add(r, "192.0.2.2", 65002);
	return (r);
}

/* r holds no route and no node. */
static void
assert_no_routes(struct rib *r)
{
	struct rib_stats	st;

	rib_stats(r, &st);
	assert_int_equal(st.routes, 0);
	assert_int_equal(st.nodes, 0);
}

/*
 * Our references to a and b (b may be NULL) are the last: once they are
 * dropped no attribute set is left.  Frees r.
 */
static void
attrs_put_free(struct rib *r, struct rib_attr *a, struct rib_attr *b)
{
	struct rib_stats	st;

	rib_attr_put(r, a);
	if (b != NULL)
		rib_attr_put(r, b);
	rib_stats(r, &st);
	assert_int_equal(st.attrs, 0);
	assert_int_equal(st.attr_bytes, 0);
	rib_free(r);
}

static void
test_queries_v4(void **state)
{
	static const char *const ps[] = { "0.0.0.0/0", "10.0.0.0/8",
	    "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "192.168.0.0/24",
	    "192.168.1.0/24", "255.255.255.255/32" };
	struct rib		*r;
	struct rib_attr		*a;
	struct rib_stats	 st;
	struct rib_route	 rt;
	struct prefix		 p;
	size_t			 i;
	int			 peer;

	(void)state;
	r = rib_new();
	peer = peer_add(r, "192.0.2.1", 65001);
	a = attr_path(r, 65001, 65002);
	announce_all(r, peer, ps, sizeof ps / sizeof ps[0], a);
	/* The same route again changes nothing. */
	p = pfx("10.1.0.0/16");
	assert_int_equal(rib_announce(r, peer, &p, 0, a), 0);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 8);
	assert_int_equal(st.prefixes, 8);
	/* Glue: 0/0 splits into 10/8 and 192.168.0/23 (glue) and 255/32. */
	assert_int_equal(st.nodes, 10);
	assert_int_equal(st.attrs, 1);
	assert_int_equal(a->refcnt, 9);
	assert_int_equal(a->origin_as, 65002);
	assert_int_equal(a->pathlen, 2);

	assert_longest(r, "10.1.2.3", "10.1.2.3/32");
	assert_longest(r, "10.1.2.4", "10.1.2.0/24");
	assert_longest(r, "10.1.3.1", "10.1.0.0/16");
	assert_longest(r, "10.2.0.0", "10.0.0.0/8");
	assert_longest(r, "11.0.0.0", "0.0.0.0/0");
	assert_longest(r, "192.168.1.77", "192.168.1.0/24");
	assert_longest(r, "192.168.2.1", "0.0.0.0/0");
	assert_longest(r, "255.255.255.255", "255.255.255.255/32");
	assert_longest(r, "255.255.255.254", "0.0.0.0/0");

	p = pfx("10.1.2.0/24");
	assert_int_equal(rib_lookup(r, peer, &p, 0, &rt), 1);
	assert_ptr_equal(rt.attr, a);
	assert_int_equal(rt.peer, peer);
	assert_int_equal(rib_lookup(r, peer, &p, 7, &rt), 0);
	assert_int_equal(rib_lookup(r, peer + 1, &p, 0, &rt), 0);
	p = pfx("10.1.2.0/23");
	assert_int_equal(rib_lookup(r, peer, &p, 0, &rt), 0);
	p = pfx("192.168.0.0/23");	/* the glue node holds no route */
	assert_int_equal(rib_lookup(r, peer, &p, 0, &rt), 0);

	assert_int_equal(count_walk(r, "10.0.0.0/8", 1), 4);
	assert_int_equal(count_walk(r, "10.0.0.0/8", 0), 1);
	assert_int_equal(count_walk(r, "0.0.0.0/0", 1), 8);
	assert_int_equal(count_walk(r, "192.168.0.0/16", 1), 2);
	assert_int_equal(count_walk(r, "192.168.0.0/23", 0), 0);
	assert_int_equal(count_walk(r, "10.1.2.3/32", 1), 1);
	assert_int_equal(count_walk(r, "172.16.0.0/12", 1), 0);

	/* Withdrawing one /24 of the pair removes the glue too. */
	p = pfx("192.168.0.0/24");
	assert_int_equal(rib_withdraw(r, peer, &p, 0), 1);
	assert_int_equal(rib_withdraw(r, peer, &p, 0), 0);
	rib_stats(r, &st);
	assert_int_equal(st.nodes, 8);
	assert_longest(r, "192.168.0.1", "0.0.0.0/0");
	assert_longest(r, "192.168.1.1", "192.168.1.0/24");
	/* An inner prefix with children stays as glue-free pass-through. */
	p = pfx("10.1.0.0/16");
	assert_int_equal(rib_withdraw(r, peer, &p, 0), 1);
	assert_longest(r, "10.1.3.1", "10.0.0.0/8");
	assert_longest(r, "10.1.2.9", "10.1.2.0/24");
	p = pfx("0.0.0.0/0");
	assert_int_equal(rib_withdraw(r, peer, &p, 0), 1);
	assert_longest(r, "11.0.0.0", NULL);

	for (i = 0; i < sizeof ps / sizeof ps[0]; i++) {
		p = pfx(ps[i]);
		rib_withdraw(r, peer, &p, 0);
	}
	assert_no_routes(r);
	rib_stats(r, &st);
	assert_int_equal(st.prefixes, 0);
	assert_int_equal(a->refcnt, 1);		/* ours */
	assert_int_equal(rib_peer(r, peer)->nroutes, 0);
	attrs_put_free(r, a, NULL);
}

static void
test_queries_v6(void **state)
{
	static const char *const ps[] = { "::/0", "2001:db8::/32",
	    "2001:db8::1/128", "2001:db8::/64", "2001:db8:0:0:8000::/65",
	    "2001:db8:8000::/33", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"
	};
	struct rib		*r;
	struct rib_attr		*a;
	struct rib_stats	 st;
	struct prefix		 p;
	int			 peer;

	(void)state;
	r = rib_new();
	peer = peer_add(r, "2001:db8::ffff", 65001);
	a = attr_path(r, 65001, 0);
	announce_all(r, peer, ps, sizeof ps / sizeof ps[0], a);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 7);
	assert_int_equal(st.prefixes, 7);
	assert_true(st.nodes >= 7 && st.nodes <= 9);
	assert_longest(r, "2001:db8::1", "2001:db8::1/128");
	assert_longest(r, "2001:db8::2", "2001:db8::/64");
	assert_longest(r, "2001:db8::8000:0:0:1", "2001:db8:0:0:8000::/65");
	assert_longest(r, "2001:db8:0:1::1", "2001:db8::/32");
	assert_longest(r, "2001:db8:8001::", "2001:db8:8000::/33");
	assert_longest(r, "2001:db9::", "::/0");
	assert_longest(r, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	assert_longest(r, "10.0.0.1", NULL);	/* no IPv4 routes */
	assert_int_equal(count_walk(r, "2001:db8::/32", 1), 5);
	assert_int_equal(count_walk(r, "2001:db8::/33", 1), 3);
	assert_int_equal(count_walk(r, "2001:db8::/63", 1), 3);
	assert_int_equal(count_walk(r, "::/0", 1), 7);

	p = pfx("2001:db8::/32");
	assert_int_equal(rib_withdraw(r, peer, &p, 0), 1);
	assert_longest(r, "2001:db8:0:1::1", "::/0");
	assert_longest(r, "2001:db8::1", "2001:db8::1/128");
	rib_peer_flush(r, peer);
	assert_no_routes(r);
	assert_int_equal(a->refcnt, 1);
	attrs_put_free(r, a, NULL);
}

static void
test_interning(void **state)
{
	struct rib		*r;
	struct rib_attr		*a, *b, *c;
	struct rib_stats	 st;
	struct rib_route	 rt;
	struct prefix		 p, q;
	int			 p1, p2;

	(void)state;
	r = rib_two_peers(&p1, &p2);
	assert_int_equal(rib_npeers(r), 2);
	assert_int_equal(peer_add(r, "192.0.2.1", 65001), p1);
	a = attr_path(r, 65001, 13335);
	b = attr_path(r, 65001, 13335);		/* the same bytes */
	assert_ptr_equal(a, b);
	assert_int_equal(a->refcnt, 2);
	c = attr_path(r, 65002, 15169);
	assert_ptr_not_equal(a, c);
	rib_stats(r, &st);
	assert_int_equal(st.attrs, 2);
	assert_int_equal(st.attr_bytes, 2 * a->len);

	p = pfx("1.1.1.0/24");
	q = pfx("8.8.8.0/24");
	rib_announce(r, p1, &p, 0, a);
	rib_announce(r, p2, &p, 0, a);
	rib_announce(r, p1, &q, 0, a);
	rib_announce(r, p2, &q, 0, c);
	assert_int_equal(a->refcnt, 5);
	assert_int_equal(c->refcnt, 2);
	rib_attr_put(r, a);
	rib_attr_put(r, b);
	rib_attr_put(r, c);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 4);
	assert_int_equal(st.prefixes, 2);
	assert_int_equal(st.attrs, 2);
	assert_true(st.mem > 0);

	/* Replace p2's 1.1.1.0/24 with c: a is left with two routes. */
	assert_int_equal(rib_announce(r, p2, &p, 0, c), 1);
	assert_int_equal(a->refcnt, 2);
	assert_int_equal(c->refcnt, 2);
	assert_int_equal(rib_lookup(r, p2, &p, 0, &rt), 1);
	assert_ptr_equal(rt.attr, c);
	/* The last routes of a go: the set is freed. */
	rib_withdraw(r, p1, &p, 0);
	rib_withdraw(r, p1, &q, 0);
	rib_stats(r, &st);
	assert_int_equal(st.attrs, 1);
	assert_int_equal(st.routes, 2);
	assert_int_equal(rib_peer(r, p1)->nroutes, 0);
	assert_int_equal(rib_peer(r, p2)->nroutes, 2);
	rib_peer_flush(r, p2);
	rib_stats(r, &st);
	assert_int_equal(st.attrs, 0);
	assert_int_equal(st.attr_bytes, 0);
	assert_int_equal(st.routes, 0);
	assert_int_equal(st.prefixes, 0);
	assert_int_equal(st.nodes, 0);
	assert_int_equal(rib_peer(r, p2)->up, 0);
	rib_free(r);
}

/* Many distinct sets: the hash table grows and shrinks back to empty. */
static void
test_interning_many(void **state)
{
	struct rib		*r;
	struct rib_attr		*a;
	struct rib_stats	 st;
	struct prefix		 p;
	uint32_t		 i;
	int			 peer;

	(void)state;
	r = rib_new();
	peer = peer_add(r, "192.0.2.1", 65001);
	for (i = 0; i < 5000; i++) {
		a = attr_path(r, 65001, 100000 + i);
		p = v4_prefix((20 + i / 256) << 24 | i % 256 << 16, 16);
		rib_announce(r, peer, &p, 0, a);
		rib_attr_put(r, a);
		/* Interned: the same bytes give the same set. */
		assert_ptr_equal(attr_path(r, 65001, 100000 + i), a);
		rib_attr_put(r, a);
	}
	rib_stats(r, &st);
	assert_int_equal(st.attrs, 5000);
	assert_int_equal(st.routes, 5000);
	for (i = 0; i < 5000; i += 2) {
		p = v4_prefix((20 + i / 256) << 24 | i % 256 << 16, 16);
		assert_int_equal(rib_withdraw(r, peer, &p, 0), 1);
	}
	rib_stats(r, &st);
	assert_int_equal(st.attrs, 2500);
	/* The odd ones are all still found by their bytes. */
	for (i = 1; i < 5000; i += 2) {
		a = attr_path(r, 65001, 100000 + i);
		assert_int_equal(a->refcnt, 2);
		rib_attr_put(r, a);
	}
	rib_peer_flush(r, peer);
	rib_stats(r, &st);
	assert_int_equal(st.attrs, 0);
	assert_int_equal(st.nodes, 0);
	rib_free(r);
}

/* UPDATE body: withdrawn, attributes, NLRI. */
static void
update_body(struct bld *u, const struct bld *w, const struct bld *at,
    const struct bld *nlri)
{
	memset(u, 0, sizeof *u);
	put16(u, w ? w->n : 0);
	if (w)
		put(u, w->b, w->n);
	put16(u, at ? at->n : 0);
	if (at)
		put(u, at->b, at->n);
	if (nlri)
		put(u, nlri->b, nlri->n);
}

static void
nlri_add(struct bld *b, int addpath, uint32_t pid, const char *s)
{
	struct prefix	p = pfx(s);

	if (addpath)
		put32(b, pid);
	put8(b, p.len);
	put(b, p.addr.b, (p.len + 7) / 8);
}

/* A new RIB with one peer, and the UPDATE options of its session. */
static struct rib *
update_rib(int *peer, struct bgp_decode_opts *o)
{
	struct rib	*r;

	r = rib_new();
	*peer = peer_add(r, "192.0.2.1", 65001);
	memset(o, 0, sizeof *o);
	o->as4 = 1;
	return (r);
}

static void
test_update(void **state)
{
	struct bgp_decode_opts	 o;
	struct rib_update_stats	 us;
	struct rib		*r;
	struct rib_stats	 st;
	struct rib_route	 rt;
	struct bgp_attrs	 da;
	struct bld		 at, nl, w, mp, u;
	struct prefix		 p;
	uint32_t		 asns[3] = { 65001, 3356, 13335 };
	char			*cause = NULL, buf[ADDR_STRLEN];
	int			 peer, i;

	(void)state;
	r = update_rib(&peer, &o);

	/* IPv4 NLRI. */
	attrs_std(&at, 0, asns, 3);
	memset(&nl, 0, sizeof nl);
	nlri_add(&nl, 0, 0, "1.1.1.0/24");
	nlri_add(&nl, 0, 0, "1.0.0.0/24");
	nlri_add(&nl, 0, 0, "0.0.0.0/0");
	update_body(&u, NULL, &at, &nl);
	memset(&us, 0, sizeof us);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, &us, &cause), 3);
	assert_int_equal(us.announced, 3);
	p = pfx("1.1.1.0/24");
	assert_int_equal(rib_lookup(r, peer, &p, 0, &rt), 1);
	assert_int_equal(rt.attr->origin_as, 13335);
	assert_int_equal(rt.attr->pathlen, 3);
	assert_int_equal(rib_attr_decode(rt.attr, &da), 0);
	assert_int_equal(da.aspath.nasns, 3);
	assert_int_equal(da.aspath.asns[1], 3356);
	assert_string_equal(addr_fmt(&da.nexthop, buf, sizeof buf),
	    "192.0.2.1");
	decode_bgp_attrs_free(&da);

	/* IPv6 by MP_REACH; the set keeps only the next hop. */
	memset(&mp, 0, sizeof mp);
	put16(&mp, 2); put8(&mp, 1); put8(&mp, 16);	/* AFI, SAFI, nhlen */
	put8(&mp, 0x20); put8(&mp, 0x01); put8(&mp, 0x0d); put8(&mp, 0xb8);
	for (i = 0; i < 11; i++)
		put8(&mp, 0);
	put8(&mp, 1);				/* 2001:db8::1 */
	put8(&mp, 0);				/* reserved */
	nlri_add(&mp, 0, 0, "2001:db8:1::/48");
	nlri_add(&mp, 0, 0, "2001:db8:2::/48");
	attrs_std(&at, 0, asns, 2);
	put8(&at, 0x80); put8(&at, 14); put8(&at, mp.n);
	put(&at, mp.b, mp.n);
	update_body(&u, NULL, &at, NULL);
	memset(&us, 0, sizeof us);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, &us, &cause), 2);
	p = pfx("2001:db8:2::/48");
	assert_int_equal(rib_lookup(r, peer, &p, 0, &rt), 1);
	assert_int_equal(rt.attr->origin_as, 3356);
	/* 3 standard attributes + MP_REACH cut to flags, type, len, nh. */
	assert_int_equal(rt.attr->len, at.n - mp.n + 1 + 16);
	assert_int_equal(rib_attr_decode(rt.attr, &da), 0);
	assert_string_equal(addr_fmt(&da.mp_nexthop, buf, sizeof buf),
	    "2001:db8::1");
	decode_bgp_attrs_free(&da);
	/* A second update with the same set is interned, not decoded. */
	rib_stats(r, &st);
	assert_int_equal(st.attrs, 2);

	/* MP_UNREACH withdraws one, withdrawn routes another. */
	memset(&mp, 0, sizeof mp);
	put16(&mp, 2); put8(&mp, 1);
	nlri_add(&mp, 0, 0, "2001:db8:1::/48");
	memset(&at, 0, sizeof at);
	put8(&at, 0x80); put8(&at, 15); put8(&at, mp.n);
	put(&at, mp.b, mp.n);
	memset(&w, 0, sizeof w);
	nlri_add(&w, 0, 0, "1.0.0.0/24");
	nlri_add(&w, 0, 0, "9.9.9.0/24");	/* not there */
	update_body(&u, &w, &at, NULL);
	memset(&us, 0, sizeof us);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, &us, &cause), 3);
	assert_int_equal(us.withdrawn, 2);
	p = pfx("2001:db8:1::/48");
	assert_int_equal(rib_lookup(r, peer, &p, 0, NULL), 0);
	p = pfx("1.0.0.0/24");
	assert_int_equal(rib_lookup(r, peer, &p, 0, NULL), 0);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 3);
	assert_int_equal(rib_peer(r, peer)->nroutes, 3);

	/* ADD-PATH: two paths of one prefix, then one withdrawn. */
	o.addpath_v4 = 1;
	attrs_std(&at, 0, asns, 1);
	memset(&nl, 0, sizeof nl);
	nlri_add(&nl, 1, 1, "203.0.113.0/24");
	nlri_add(&nl, 1, 2, "203.0.113.0/24");
	update_body(&u, NULL, &at, &nl);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, NULL, &cause), 2);
	p = pfx("203.0.113.0/24");
	assert_int_equal(rib_lookup(r, peer, &p, 1, NULL), 1);
	assert_int_equal(rib_lookup(r, peer, &p, 2, NULL), 1);
	assert_int_equal(rib_lookup(r, peer, &p, 0, NULL), 0);
	assert_int_equal(count_walk(r, "203.0.113.0/24", 0), 2);
	memset(&w, 0, sizeof w);
	nlri_add(&w, 1, 1, "203.0.113.0/24");
	update_body(&u, &w, NULL, NULL);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, NULL, &cause), 1);
	assert_int_equal(rib_lookup(r, peer, &p, 1, NULL), 0);
	assert_int_equal(rib_lookup(r, peer, &p, 2, NULL), 1);

	/* Session-reset errors: nothing is applied. */
	o.addpath_v4 = 0;
	rib_stats(r, &st);
	memset(&w, 0, sizeof w);
	nlri_add(&w, 0, 0, "1.1.1.0/24");
	attrs_std(&at, 0, asns, 1);
	at.b[2] = 200;		/* ORIGIN length runs past the section */
	update_body(&u, &w, &at, NULL);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, NULL, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	p = pfx("1.1.1.0/24");
	assert_int_equal(rib_lookup(r, peer, &p, 0, NULL), 1);
	memset(&nl, 0, sizeof nl);
	put8(&nl, 33);		/* an IPv4 prefix longer than 32 */
	put32(&nl, 0);
	attrs_std(&at, 0, asns, 1);
	update_body(&u, &w, &at, &nl);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, NULL, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(rib_update(r, peer, u.b, 3, &o, NULL, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(rib_lookup(r, peer, &p, 0, NULL), 1);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 4);		/* 3 + 203.0.113.0/24 id 2 */

	rib_peer_flush(r, peer);
	assert_no_routes(r);
	rib_stats(r, &st);
	assert_int_equal(st.attrs, 0);
	rib_free(r);
}

static void
test_treat_as_withdraw(void **state)
{
	struct bgp_decode_opts	 o;
	struct rib_update_stats	 us;
	struct rib		*r;
	struct rib_stats	 st;
	struct rib_attr		*a;
	struct bld		 at, nl, u;
	struct prefix		 p;
	uint32_t		 asns[1] = { 65001 };
	char			*cause = NULL;
	int			 peer, taw;

	(void)state;
	r = update_rib(&peer, &o);
	attrs_std(&at, 0, asns, 1);
	memset(&nl, 0, sizeof nl);
	nlri_add(&nl, 0, 0, "198.51.100.0/24");
	update_body(&u, NULL, &at, &nl);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, NULL, &cause), 1);
	p = pfx("198.51.100.0/24");
	assert_int_equal(rib_lookup(r, peer, &p, 0, NULL), 1);

	/* RFC 7606 7.1: a bad ORIGIN value withdraws the update's routes. */
	attrs_std(&at, 7, asns, 1);
	a = rib_attr_get(r, at.b, at.n, &o, &taw, &cause);
	assert_null(a);
	assert_int_equal(taw, 1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	update_body(&u, NULL, &at, &nl);
	memset(&us, 0, sizeof us);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, &us, &cause), 1);
	assert_int_equal(us.taw, 1);
	assert_int_equal(us.announced, 0);
	assert_int_equal(rib_lookup(r, peer, &p, 0, NULL), 0);

	/* RFC 7606 3 d: no AS_PATH at all is treat-as-withdraw too. */
	assert_int_equal(rib_update(r, peer, (struct bld[]){{ { 0 }, 0 }}->b,
	    0, &o, NULL, &cause), -1);
	free(cause);
	cause = NULL;
	memset(&at, 0, sizeof at);
	put8(&at, 0x40); put8(&at, 1); put8(&at, 1); put8(&at, 0);
	update_body(&u, NULL, &at, &nl);
	memset(&us, 0, sizeof us);
	assert_int_equal(rib_update(r, peer, u.b, u.n, &o, &us, &cause), 1);
	assert_int_equal(us.taw, 1);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 0);
	assert_int_equal(st.attrs, 0);
	rib_free(r);
}

struct fired {
	int	ids[64];
	int	n;
};

static void
hook(void *arg, int id)
{
	struct fired	*f = arg;

	if (f->n < 64)
		f->ids[f->n] = id;
	f->n++;
}

static int
fired_has(const struct fired *f, int id)
{
	int	i, n = 0;

	for (i = 0; i < f->n && i < 64; i++)
		if (f->ids[i] == id)
			n++;
	return (n);
}

static void
test_watch(void **state)
{
	struct rib		*r;
	struct rib_attr		*a, *b;
	struct rib_stats	 st;
	struct fired		 f;
	struct prefix		 p;
	int			 p1, p2;

	(void)state;
	r = rib_two_peers(&p1, &p2);
	a = attr_path(r, 65001, 0);
	b = attr_path(r, 65002, 0);
	rib_set_watch_hook(r, hook, &f);
	p = pfx("10.0.0.0/8");
	rib_watch(r, &p, 1);
	p = pfx("10.1.0.0/16");
	rib_watch(r, &p, 2);
	p = pfx("10.1.0.0/16");
	rib_watch(r, &p, 22);		/* two ids on one prefix */
	p = pfx("192.168.0.0/16");
	rib_watch(r, &p, 3);
	p = pfx("2001:db8::/32");
	rib_watch(r, &p, 4);
	rib_stats(r, &st);
	assert_int_equal(st.prefixes, 0);	/* watches are not routes */

	memset(&f, 0, sizeof f);
	p = pfx("10.1.2.0/24");			/* nested watches */
	rib_announce(r, p1, &p, 0, a);
	assert_int_equal(f.n, 3);
	assert_int_equal(fired_has(&f, 1), 1);
	assert_int_equal(fired_has(&f, 2), 1);
	assert_int_equal(fired_has(&f, 22), 1);
	memset(&f, 0, sizeof f);
	rib_announce(r, p1, &p, 0, a);		/* no change, no call */
	assert_int_equal(f.n, 0);
	rib_announce(r, p1, &p, 0, b);		/* replaced */
	assert_int_equal(f.n, 3);

	memset(&f, 0, sizeof f);
	p = pfx("10.0.0.0/8");			/* exact */
	rib_announce(r, p2, &p, 0, a);
	assert_int_equal(f.n, 1);
	assert_int_equal(fired_has(&f, 1), 1);

	memset(&f, 0, sizeof f);
	p = pfx("10.0.0.0/7");			/* less specific: none */
	rib_announce(r, p1, &p, 0, a);
	p = pfx("11.0.0.0/8");			/* unrelated */
	rib_announce(r, p1, &p, 0, a);
	p = pfx("192.169.0.0/16");
	rib_announce(r, p1, &p, 0, a);
	p = pfx("2001:db9::/32");
	rib_announce(r, p1, &p, 0, a);
	assert_int_equal(f.n, 0);
	p = pfx("2001:db8:1::/48");
	rib_announce(r, p1, &p, 0, a);
	assert_int_equal(f.n, 1);
	assert_int_equal(fired_has(&f, 4), 1);
	p = pfx("192.168.7.0/24");
	rib_announce(r, p2, &p, 0, b);
	assert_int_equal(fired_has(&f, 3), 1);

	memset(&f, 0, sizeof f);
	p = pfx("10.1.2.0/24");
	assert_int_equal(rib_withdraw(r, p1, &p, 0), 1);
	assert_int_equal(f.n, 3);
	memset(&f, 0, sizeof f);
	assert_int_equal(rib_withdraw(r, p1, &p, 0), 0);
	assert_int_equal(f.n, 0);

	/* Flush p1: 10/7, 11/8, 192.169/16, 2001:db9::/32 unwatched. */
	memset(&f, 0, sizeof f);
	rib_peer_flush(r, p1);
	assert_int_equal(f.n, 1);
	assert_int_equal(fired_has(&f, 4), 1);
	memset(&f, 0, sizeof f);
	rib_peer_flush(r, p2);
	assert_int_equal(f.n, 2);
	assert_int_equal(fired_has(&f, 1), 1);
	assert_int_equal(fired_has(&f, 3), 1);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 0);
	/* The watched prefixes stay as nodes. */
	assert_true(st.nodes >= 4);
	attrs_put_free(r, a, b);
}

static void
test_flush(void **state)
{
	struct rib		*r;
	struct rib_attr		*a, *b;
	struct rib_stats	 st, before;
	struct prefix		 p;
	int			 p1, p2, i;

	(void)state;
	r = rib_two_peers(&p1, &p2);
	a = attr_path(r, 65001, 0);
	b = attr_path(r, 65002, 0);
	memset(&p, 0, sizeof p);
	p.addr.af = AF_INET;
	p.len = 24;
	for (i = 0; i < 1000; i++) {
		p.addr.b[0] = 100 + i % 7;
		p.addr.b[1] = i / 7;
		p.addr.b[2] = i % 3;
		rib_announce(r, p2, &p, 0, b);
	}
	rib_stats(r, &before);
	for (i = 0; i < 3000; i++) {
		p.addr.b[0] = 100 + i % 11;
		p.addr.b[1] = i / 11;
		p.addr.b[2] = i % 5;
		rib_announce(r, p1, &p, 0, a);
	}
	p = pfx("2001:db8::/32");
	rib_announce(r, p1, &p, 0, a);
	rib_stats(r, &st);
	assert_true(st.routes > before.routes);
	rib_peer_flush(r, p1);
	rib_stats(r, &st);
	/* Exactly p2's routes and nodes are left. */
	assert_int_equal(st.routes, before.routes);
	assert_int_equal(st.prefixes, before.prefixes);
	assert_int_equal(st.nodes, before.nodes);
	assert_int_equal(rib_peer(r, p1)->nroutes, 0);
	assert_int_equal(rib_peer(r, p2)->nroutes, before.routes);
	assert_int_equal(a->refcnt, 1);
	p = pfx("100.0.0.0/8");
	assert_int_equal(count_walk(r, "0.0.0.0/0", 1), before.routes);
	rib_peer_flush(r, p2);
	assert_no_routes(r);
	rib_attr_put(r, a);
	rib_attr_put(r, b);
	rib_free(r);
}

/*
 * max-prefix drop (issue 13, item 5): at its limit a peer's new prefixes
 * are counted, not stored, and leave no trie node behind; its routes
 * still change and go, which makes room again; other peers are not held
 * back, and no limit means none.
 */
static void
test_limit(void **state)
{
	struct rib		*r;
	struct rib_attr		*a, *b;
	struct rib_stats	 st, full;
	struct rib_route	 rt;
	struct prefix		 p, q;
	int			 p1, p2, i;

	(void)state;
	r = rib_two_peers(&p1, &p2);
	a = attr_path(r, 65001, 0);
	b = attr_path(r, 65002, 0);
	rib_peer(r, p1)->limit = 10;
	memset(&p, 0, sizeof p);
	p.addr.af = AF_INET;
	p.len = 24;
	for (i = 0; i < 25; i++) {
		p.addr.b[0] = 10;
		p.addr.b[1] = (uint8_t)i;
		assert_int_equal(rib_announce(r, p1, &p, 0, a), i < 10);
	}
	assert_int_equal(rib_peer(r, p1)->nroutes, 10);
	assert_int_equal(rib_peer(r, p1)->dropped, 15);
	rib_stats(r, &full);
	assert_int_equal(full.routes, 10);
	assert_int_equal(full.prefixes, 10);
	/* A dropped prefix left nothing: no route, no node. */
	q = pfx("10.20.0.0/24");
	assert_int_equal(rib_lookup(r, p1, &q, 0, &rt), 0);
	assert_int_equal(count_walk(r, "10.0.0.0/8", 1), 10);
	/* An IPv6 prefix counts against the same limit. */
	q = pfx("2001:db8::/32");
	assert_int_equal(rib_announce(r, p1, &q, 0, a), 0);
	assert_int_equal(rib_peer(r, p1)->dropped, 16);
	/* At the limit, a route it has still changes attributes ... */
	q = pfx("10.3.0.0/24");
	assert_int_equal(rib_announce(r, p1, &q, 0, b), 1);
	assert_int_equal(rib_lookup(r, p1, &q, 0, &rt), 1);
	assert_ptr_equal(rt.attr, b);
	assert_int_equal(rib_peer(r, p1)->dropped, 16);
	/* ... and another peer's routes are stored. */
	q = pfx("10.20.0.0/24");
	assert_int_equal(rib_announce(r, p2, &q, 0, a), 1);
	/* A withdrawal makes room for one new prefix, no more. */
	q = pfx("10.3.0.0/24");
	assert_int_equal(rib_withdraw(r, p1, &q, 0), 1);
	q = pfx("10.21.0.0/24");
	assert_int_equal(rib_announce(r, p1, &q, 0, a), 1);
	q = pfx("10.22.0.0/24");
	assert_int_equal(rib_announce(r, p1, &q, 0, a), 0);
	assert_int_equal(rib_peer(r, p1)->nroutes, 10);
	assert_int_equal(rib_peer(r, p1)->dropped, 17);
	/* No limit, no drop. */
	rib_peer(r, p1)->limit = 0;
	assert_int_equal(rib_announce(r, p1, &q, 0, a), 1);
	assert_int_equal(rib_peer(r, p1)->nroutes, 11);
	rib_peer_flush(r, p1);
	rib_peer_flush(r, p2);
	assert_no_routes(r);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 0);
	rib_attr_put(r, a);
	rib_attr_put(r, b);
	rib_free(r);
}

/*
 * A quota shared by two peers (a BMP router's max-routes, issue 13, item
 * 5): the RIB counts both peers' routes in it; at its limit new prefixes
 * of either are counted in the quota, not stored, while their routes
 * still change and go; a peer's own limit is checked first; a peer that
 * moves to another quota or leaves takes its count with it.
 */
static void
test_quota(void **state)
{
	struct rib		*r;
	struct rib_attr		*a, *b;
	struct rib_quota	 q, q2;
	struct rib_route	 rt;
	struct prefix		 p;
	int			 p1, p2, i;

	(void)state;
	r = rib_two_peers(&p1, &p2);
	a = attr_path(r, 65001, 0);
	b = attr_path(r, 65002, 0);
	memset(&q, 0, sizeof q);
	memset(&q2, 0, sizeof q2);
	/* Routes it had before joining count. */
	p = pfx("10.0.0.0/24");
	assert_int_equal(rib_announce(r, p1, &p, 0, a), 1);
	rib_peer_quota(r, p1, &q);
	rib_peer_quota(r, p2, &q);
	assert_int_equal(q.nroutes, 1);
	q.limit = 10;
	memset(&p, 0, sizeof p);
	p.addr.af = AF_INET;
	p.len = 24;
	for (i = 1; i < 20; i++) {
		p.addr.b[0] = 10;
		p.addr.b[1] = (uint8_t)i;
		/* Both peers fill it together: 9 more fit. */
		assert_int_equal(rib_announce(r, i % 2 ? p2 : p1, &p, 0, a),
		    i < 10);
	}
	assert_int_equal(q.nroutes, 10);
	assert_int_equal(q.dropped, 10);
	assert_int_equal(rib_peer(r, p1)->nroutes + rib_peer(r, p2)->nroutes,
	    10);
	assert_int_equal(rib_peer(r, p1)->dropped, 0);
	assert_int_equal(rib_peer(r, p2)->dropped, 0);
	/* The same prefix from the other peer is a new route: refused. */
	p = pfx("10.1.0.0/24");
	assert_int_equal(rib_announce(r, p1, &p, 0, a), 0);
	assert_int_equal(q.dropped, 11);
	/* A route it has still changes. */
	assert_int_equal(rib_announce(r, p2, &p, 0, b), 1);
	assert_int_equal(rib_lookup(r, p2, &p, 0, &rt), 1);
	assert_ptr_equal(rt.attr, b);
	/* The peer's own limit is checked first: its drop, not the quota's. */
	rib_peer(r, p1)->limit = 5;
	p = pfx("10.30.0.0/24");
	assert_int_equal(rib_announce(r, p1, &p, 0, a), 0);
	assert_int_equal(rib_peer(r, p1)->dropped, 1);
	assert_int_equal(q.dropped, 11);
	rib_peer(r, p1)->limit = 0;
	/* A withdrawal makes room for one. */
	p = pfx("10.1.0.0/24");
	assert_int_equal(rib_withdraw(r, p2, &p, 0), 1);
	assert_int_equal(q.nroutes, 9);
	p = pfx("10.31.0.0/24");
	assert_int_equal(rib_announce(r, p1, &p, 0, a), 1);
	p = pfx("10.32.0.0/24");
	assert_int_equal(rib_announce(r, p1, &p, 0, a), 0);
	assert_int_equal(q.dropped, 12);
	/* Moving to another quota takes the count along; leaving, too. */
	rib_peer_quota(r, p2, &q2);
	assert_int_equal(q2.nroutes, rib_peer(r, p2)->nroutes);
	assert_int_equal(q.nroutes, rib_peer(r, p1)->nroutes);
	assert_int_equal(q.nroutes + q2.nroutes, 10);
	rib_peer_quota(r, p2, NULL);
	assert_int_equal(q2.nroutes, 0);
	assert_null(rib_peer(r, p2)->quota);
	/* Room again: p1 grows; a flush empties the count. */
	assert_int_equal(rib_announce(r, p1, &p, 0, a), 1);
	rib_peer_flush(r, p1);
	assert_int_equal(q.nroutes, 0);
	rib_peer_quota(r, p1, NULL);
	rib_peer_flush(r, p2);
	assert_no_routes(r);
	rib_attr_put(r, a);
	rib_attr_put(r, b);
	rib_free(r);
}

/*
 * Random announcements, withdrawals and flushes of 3 peers over a small
 * IPv4 space, checked after every step against a plain list: longest
 * match of random addresses, exact lookups, the counters, and watches.
 */
#define MODEL_N		400
struct model {
	struct prefix	p[MODEL_N];
	int		have[MODEL_N][3];	/* path id + 1, or 0 */
};

static uint32_t
model_rand(uint32_t *s)
{
	*s = *s * 1103515245 + 12345;
	return (*s >> 8);
}

static int
prefix_eq(const struct prefix *a, const struct prefix *b)
{
	return (a->len == b->len && memcmp(a->addr.b, b->addr.b, 4) == 0);
}

static int
model_covers(const struct prefix *p, uint32_t a)
{
	uint32_t	m = p->len == 0 ? 0 : ~0U << (32 - p->len);

	return (((v4_addr(p) ^ a) & m) == 0);
}

static void
test_model(void **state)
{
	struct model		*m;
	struct rib		*r;
	struct rib_attr		*a[2];
	struct rib_stats	 st;
	struct fired		 f;
	struct prefix		 q, got, watch;
	uint32_t		 s = 42, v, addr;
	size_t			 routes, i, best, k;
	int			 peer[3], step, pe, found, has, j, l;

	(void)state;
	m = calloc(1, sizeof *m);
	assert_non_null(m);
	r = rib_new();
	for (j = 0; j < 3; j++)
		peer[j] = peer_add(r, j == 0 ? "192.0.2.1" : j == 1 ?
		    "192.0.2.2" : "192.0.2.3", 65001 + j);
	a[0] = attr_path(r, 65001, 1);
	a[1] = attr_path(r, 65001, 2);
	/* Distinct prefixes inside 10.0.0.0/12 so that they nest often. */
	for (i = 0; i < MODEL_N; i++) {
	again:
		v = 10U << 24 | (model_rand(&s) & 0x000fffff) << 0;
		l = i == 0 ? 0 : 8 + model_rand(&s) % 25;
		m->p[i] = v4_prefix(l == 0 ? 0 : v & ~0U << (32 - l), l);
		for (k = 0; k < i; k++)
			if (prefix_eq(&m->p[k], &m->p[i]))
				goto again;
	}
	watch = pfx("10.4.0.0/14");
	rib_watch(r, &watch, 9);
	rib_set_watch_hook(r, hook, &f);
	for (step = 0; step < 20000; step++) {
		i = model_rand(&s) % MODEL_N;
		pe = model_rand(&s) % 3;
		memset(&f, 0, sizeof f);
		switch (model_rand(&s) % 10) {
		case 0:
			if (model_rand(&s) % 20 == 0) {
				rib_peer_flush(r, peer[pe]);
				for (k = 0; k < MODEL_N; k++)
					m->have[k][pe] = 0;
			}
			break;
		case 1: case 2: case 3:
			j = rib_withdraw(r, peer[pe], &m->p[i], 0);
			assert_int_equal(j, m->have[i][pe] != 0);
			if (j && m->p[i].len >= 14 &&
			    model_covers(&watch, v4_addr(&m->p[i])))
				assert_int_equal(fired_has(&f, 9), 1);
			m->have[i][pe] = 0;
			break;
		default:
			j = model_rand(&s) % 2;
			rib_announce(r, peer[pe], &m->p[i], 0, a[j]);
			m->have[i][pe] = j + 1;
			break;
		}
		if (step % 10 != 0)
			continue;
		routes = 0;
		for (k = 0; k < MODEL_N; k++) {
			has = 0;
			for (j = 0; j < 3; j++) {
				if (m->have[k][j])
					has = 1;
				if (m->have[k][j]) {
					struct rib_route rt;

					assert_int_equal(rib_lookup(r, peer[j],
					    &m->p[k], 0, &rt), 1);
					assert_ptr_equal(rt.attr,
					    a[m->have[k][j] - 1]);
				}
			}
			(void)has;
		}
		for (k = 0; k < MODEL_N; k++)
			for (j = 0; j < 3; j++)
				routes += m->have[k][j] != 0;
		rib_stats(r, &st);
		assert_int_equal(st.routes, routes);
		for (j = 0; j < 20; j++) {
			addr = 10U << 24 | (model_rand(&s) & 0x000fffff);
			best = MODEL_N;
			for (k = 0; k < MODEL_N; k++) {
				if (!(m->have[k][0] || m->have[k][1] ||
				    m->have[k][2]) || !model_covers(&m->p[k],
				    addr))
					continue;
				if (best == MODEL_N ||
				    m->p[k].len > m->p[best].len)
					best = k;
			}
			q = v4_prefix(addr, 32);
			found = rib_longest(r, &q, &got);
			assert_int_equal(found, best != MODEL_N);
			if (found) {
				assert_int_equal(got.len, m->p[best].len);
				assert_memory_equal(got.addr.b,
				    m->p[best].addr.b, 4);
			}
		}
	}
	for (j = 0; j < 3; j++)
		rib_peer_flush(r, peer[j]);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 0);
	assert_int_equal(st.prefixes, 0);
	assert_int_equal(st.nodes, 1);		/* the watch */
	attrs_put_free(r, a[0], a[1]);
	free(m);
}

/* Load a whole MRT file; returns the number of record errors. */
static int
load(struct rib *r, const char *rel, struct mrt_decoder *d)
{
	struct mrt_reader	*rd;
	struct mrt_record	 rec;
	char			 path[1024], *cause = NULL;
	int			 rv, errors = 0;

	snprintf(path, sizeof path, "%s/tests/data/mrt/%s", TOP_SRCDIR, rel);
	rd = decode_mrt_open(path, &cause);
	assert_non_null(rd);
	while ((rv = decode_mrt_next(rd, &rec, &cause)) == 1) {
		if (rib_mrt_record(r, d, &rec, rel, &cause) != 0) {
			print_message("%s\n", cause);
			free(cause);
			cause = NULL;
			errors++;
		}
	}
	assert_int_equal(rv, 0);
	decode_mrt_close(rd);
	return (errors);
}

static int
find_peer(struct rib *r, const char *addr, uint32_t asn)
{
	struct rib_peer_key	k = peer_key(addr, asn, RIB_PEER_MRT);

	return (rib_peer_find(r, &k));
}

static void
assert_path(struct rib *r, int peer, const char *prefix, uint32_t pid,
    const uint32_t *asns, size_t n, const char *nexthop)
{
	struct rib_route	rt;
	struct bgp_attrs	da;
	struct prefix		p = pfx(prefix);
	char			buf[ADDR_STRLEN];
	size_t			i;

	assert_int_equal(rib_lookup(r, peer, &p, pid, &rt), 1);
	assert_int_equal(rib_attr_decode(rt.attr, &da), 0);
	assert_int_equal(da.aspath.nasns, n);
	for (i = 0; i < n; i++)
		assert_int_equal(da.aspath.asns[i], asns[i]);
	assert_int_equal(rt.attr->origin_as, asns[n - 1]);
	assert_int_equal(rt.attr->pathlen, n);
	if (nexthop != NULL)
		assert_string_equal(addr_fmt(da.mp_nexthop.af ?
		    &da.mp_nexthop : &da.nexthop, buf, sizeof buf), nexthop);
	decode_bgp_attrs_free(&da);
}

/*
 * Every route's set decodes to the path length and origin AS the RIB
 * noted when it interned it (most sets are checked in place, not by the
 * decoder: this holds the two to the same answer).
 */
static int
attr_cb(const struct rib_route *rt, void *arg)
{
	struct bgp_attrs	 da;
	const struct bgp_aspath	*ap = &da.aspath;
	size_t			*n = arg;
	uint32_t		 origin = 0;

	assert_int_equal(rib_attr_decode(rt->attr, &da), 0);
	if (ap->nsegs > 0 && ap->segs[ap->nsegs - 1].type == BGP_AS_SEQUENCE)
		origin = ap->asns[ap->nasns - 1];
	assert_int_equal(rt->attr->origin_as, origin);
	assert_int_equal(rt->attr->pathlen, ap->nasns > 255 ? 255 :
	    ap->nasns);
	decode_bgp_attrs_free(&da);
	(*n)++;
	return (0);
}

/*
 * A new RIB with the file rel loaded without errors, holding the given
 * numbers of routes and prefixes; its figures in st.
 */
static struct rib *
load_new(const char *rel, struct mrt_decoder *d, struct rib_stats *st,
    size_t routes, size_t prefixes)
{
	struct rib	*r;

	r = rib_new();
	decode_mrt_init(d);
	assert_int_equal(load(r, rel, d), 0);
	rib_stats(r, st);
	assert_int_equal(st->routes, routes);
	assert_int_equal(st->prefixes, prefixes);
	return (r);
}

static void
load_free(struct rib *r, struct mrt_decoder *d)
{
	decode_mrt_free(d);
	rib_free(r);
}

/* The index of an MRT peer that must be in the RIB. */
static int
mrt_peer(struct rib *r, const char *addr, uint32_t asn)
{
	int	peer = find_peer(r, addr, asn);

	assert_true(peer >= 0);
	return (peer);
}

/* The routes in the IPv4 table, checking each attribute set (attr_cb). */
static size_t
walk_attrs(struct rib *r)
{
	struct prefix	p = pfx("0.0.0.0/0");
	size_t		n = 0;

	assert_int_equal(rib_walk(r, &p, 1, attr_cb, &n), 0);
	return (n);
}

static size_t
peers_with_routes(struct rib *r)
{
	size_t	i, n = 0;

	for (i = 0; i < rib_npeers(r); i++)
		if (rib_peer(r, i)->nroutes > 0)
			n++;
	return (n);
}

/*
 * The counts below come from bgpdump 1.6.2 -m over the same files:
 *   routes  = lines (distinct peer|prefix pairs, cut -d'|' -f4,6 | sort -u)
 *   peers   = distinct peer addresses (cut -d'|' -f4 | sort -u)
 *   prefixes = distinct prefixes (cut -d'|' -f6 | sort -u)
 * and for the update file, the prefixes left announced after replaying
 * the A and W lines in order (awk, one peer, no session reset after the
 * session came up): 577,703 of 577,737 announcements.
 */
static void
test_mrt_routeviews(void **state)
{
	static const uint32_t	 p701[] = { 701, 15169 };
	static const uint32_t	 p2905[] = { 2905, 65023, 16637 };
	struct mrt_decoder	 d;
	struct rib		*r;
	struct rib_stats	 st;
	struct prefix		 p, m;
	int			 peer;

	(void)state;
	r = load_new("pyasn/rib.20140523.0600_firstMB.complete-records.mrt.gz",
	    &d, &st, 269914, 9069);
	assert_int_equal(peers_with_routes(r), 35);
	assert_int_equal(d.nelems, 269914);
	assert_true(st.attrs > 1000 && st.attrs < st.routes);
	peer = mrt_peer(r, "157.130.10.233", 701);
	assert_path(r, peer, "8.8.8.0/24", 0, p701, 2, "157.130.10.233");
	peer = mrt_peer(r, "196.7.106.245", 2905);
	assert_path(r, peer, "0.0.0.0/0", 0, p2905, 3, "196.7.106.245");
	/* The first MB reaches 12/8: only the default covers 223/8. */
	p = pfx("223.255.255.255/32");
	assert_int_equal(rib_longest(r, &p, &m), 1);
	assert_int_equal(m.len, 0);
	assert_int_equal(count_walk(r, "8.8.8.0/24", 0),
	    35 - 2);	/* bgpdump: 33 peers carry 8.8.8.0/24 */
	assert_int_equal(walk_attrs(r), 269914);
	load_free(r, &d);
}

static void
test_mrt_updates(void **state)
{
	static const uint32_t	 p15169[] = { 15169 };
	struct mrt_decoder	 d;
	struct rib		*r;
	struct rib_stats	 st;
	int			 peer;

	(void)state;
	r = load_new("bgpdump/updates.et-header.2015.gz", &d, &st, 577703,
	    577703);
	assert_int_equal(rib_npeers(r), 1);
	peer = find_peer(r, "206.220.231.55", 3856);
	assert_int_equal(peer, 0);
	assert_int_equal(rib_peer(r, peer)->nroutes, 577703);
	assert_path(r, peer, "8.8.8.0/24", 0, p15169, 1, "91.213.211.170");
	assert_path(r, peer, "1.0.0.0/24", 0, p15169, 1, "91.213.211.170");
	assert_int_equal(walk_attrs(r), 577703);
	load_free(r, &d);
}

/* TABLE_DUMP (RFC 6396 4.2), 2-octet ASNs; bgpdump -m counts as above. */
static void
test_mrt_table_dump(void **state)
{
	static const uint32_t	 path[] = { 1853, 1239, 80 };
	struct mrt_decoder	 d;
	struct rib		*r;
	struct rib_stats	 st;
	int			 peer;

	(void)state;
	r = load_new("bgpdump/bview.20020722.2337.gz", &d, &st, 115521,
	    112988);
	assert_int_equal(rib_npeers(r), 36);
	peer = mrt_peer(r, "193.203.0.1", 1853);
	assert_path(r, peer, "3.0.0.0/8", 0, path, 3, "193.203.0.1");
	assert_int_equal(walk_attrs(r), 115521);
	load_free(r, &d);
}

/* RFC 8050 TABLE_DUMP_V2 ADD-PATH entries (bgpdump -m: 62 routes). */
static void
test_mrt_addpath(void **state)
{
	static const uint32_t	 path[] = { 65017, 65018, 65019, 65020,
	    65021, 65022, 65023, 65024, 65025, 65026, 65027, 65028, 65029,
	    65030 };
	struct mrt_decoder	 d;
	struct rib		*r;
	struct rib_stats	 st;
	int			 peer;

	(void)state;
	r = load_new("bgpdump/bview.ipv6_unicast_add_path.gz", &d, &st, 62, 31);
	assert_int_equal(peers_with_routes(r), 3);
	peer = mrt_peer(r, "2001:db8:16::2", 65017);
	assert_path(r, peer, "2001:db8:29::/48", 63, path, 14, NULL);
	assert_path(r, peer, "2001:db8:29::/48", 62, path, 13, NULL);
	assert_int_equal(count_walk(r, "2001:db8:29::/48", 0), 2);
	load_free(r, &d);
}

/* ------------------------------------------ the IPv4 longest-match index */

static uint64_t
lpm_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

/* Brute force: the longest present prefix of at most cap bits covering a. */
static int
lpm_model(const uint32_t *key, const uint8_t *len, const uint8_t *on,
    size_t n, uint32_t a, int cap)
{
	uint32_t	m;
	size_t		i;
	int		best = -1;

	for (i = 0; i < n; i++) {
		if (on[i] == 0 || len[i] > cap || len[i] <= best)
			continue;
		m = len[i] == 0 ? 0 : ~0U << (32 - len[i]);
		if (((a ^ key[i]) & m) == 0)
			best = len[i];
	}
	return (best);
}

/* rib_longest() of a/qlen against the model (match length or -1). */
static void
lpm_check(struct rib *r, uint32_t a, int qlen, int want)
{
	struct prefix	p = v4_prefix(a, qlen), m, w;

	if (want < 0) {
		assert_int_equal(rib_longest(r, &p, &m), 0);
		return;
	}
	assert_int_equal(rib_longest(r, &p, &m), 1);
	w = v4_prefix(want == 0 ? 0 : a & (~0U << (32 - want)), want);
	assert_int_equal(m.addr.af, AF_INET);
	assert_int_equal(m.len, want);
	assert_memory_equal(m.addr.b, w.addr.b, 16);
}

/*
 * Step k of nops of the index tests: candidate i (p) announced or
 * withdrawn by a random one of the two peers, twice as often announced
 * (the table fills), on[i] kept as the model; at nops / 2 peer 0 goes
 * down, at nops / 4 the whole index is built.
 */
static void
lpm_churn(struct rib *r, const int *peer, struct rib_attr *a,
    const struct prefix *p, uint8_t *on, size_t i, size_t ncand, size_t k,
    size_t nops, uint64_t *s)
{
	size_t	j;
	int	pi;

	pi = lpm_rnd(s) % 2;
	if (lpm_rnd(s) % 3 != 0) {
		rib_announce(r, peer[pi], p, 0, a);
		on[i] |= 1 << pi;
	} else {
		rib_withdraw(r, peer[pi], p, 0);
		on[i] &= ~(1 << pi);
	}
	if (k == nops / 2) {
		rib_peer_flush(r, peer[0]);
		for (j = 0; j < ncand; j++)
			on[j] &= ~1;
	}
	if (k == nops / 4)
		rib_longest_prepare(r);
}

/*
 * The index (rib_longest() of an IPv4 address) against a brute-force
 * model and against the trie (rib_longest() of the /31, which walks the
 * trie), through random announces, withdraws, a peer flush and heavy
 * churn, and rib_longest_batch() against rib_longest() on the same
 * queries: prefixes of every length clustered in a few /16s so that /16s
 * hold runs, /24s hold longer prefixes, and short prefixes span many
 * /16s.
 */
static void
test_longest_index(void **state)
{
	enum { NCAND = 2500, NOPS = 60000 };
	static const uint32_t bases[] = { 0x0a010000, 0x0a020000, 0xc0a80000,
	    0xc0a90000, 0x00000000, 0xffff0000 };
	struct rib		*r;
	struct rib_attr		*a;
	struct rib_stats	 st;
	struct prefix		 p, qs[41], ms[41], bm[41];
	int			 one[41], bf[41];
	size_t			 ci[20];
	size_t			 nb;
	uint32_t		*key, addr, m;
	uint8_t			*len, *on;
	uint64_t		 s = 0x1234567887654321ULL, x;
	size_t			 i, j, k, nlook = 0, deepseen = 0;
	int			 peer[2], l, want;

	(void)state;
	key = calloc(NCAND, sizeof *key);
	len = calloc(NCAND, 1);
	on = calloc(NCAND, 1);
	assert_true(key != NULL && len != NULL && on != NULL);
	for (i = 0; i < NCAND; i++) {
		x = lpm_rnd(&s);
		/* Mostly /16 to /32 inside the clusters, some shorter. */
		switch (x % 8) {
		case 0:
			l = x / 8 % 16;
			break;
		case 1:
		case 2:
			l = 25 + x / 8 % 8;
			break;
		default:
			l = 16 + x / 8 % 9;
			break;
		}
		addr = bases[x / 128 % 6] | (uint32_t)(lpm_rnd(&s) & 0xffff);
		if (l < 16)
			addr = lpm_rnd(&s);
		len[i] = l;
		key[i] = l == 0 ? 0 : addr & (~0U << (32 - l));
		/* Distinct candidates, so that the model is per prefix. */
		for (j = 0; j < i; j++)
			if (key[j] == key[i] && len[j] == len[i])
				break;
		if (j < i) {
			i--;
			continue;
		}
		if (l > 24)
			deepseen++;
	}
	assert_true(deepseen > 100);
	r = rib_two_peers(&peer[0], &peer[1]);
	a = attr_path(r, 65001, 65002);
	/* The index is counted in rib_stats().mem once it exists. */
	rib_stats(r, &st);
	nb = st.mem;
	lpm_check(r, 0x0a010203, 32, -1);
	rib_stats(r, &st);
	assert_true(st.mem >= nb + 65536 * 4);
	for (k = 0; k < NOPS; k++) {
		i = lpm_rnd(&s) % NCAND;
		p = v4_prefix(key[i], len[i]);
		lpm_churn(r, peer, a, &p, on, i, NCAND, k, NOPS, &s);
		if (k % 50 != 0)
			continue;
		for (j = 0; j < 20; j++) {
			x = lpm_rnd(&s);
			/* Near a candidate (its start, inside, end, after). */
			i = x % NCAND;
			ci[j] = i;
			m = len[i] == 0 ? ~0U : ~(~0U << (32 - len[i]));
			switch (x / NCAND % 5) {
			case 0:
				addr = key[i];
				break;
			case 1:
				addr = key[i] | ((uint32_t)lpm_rnd(&s) & m);
				break;
			case 2:
				addr = key[i] | m;
				break;
			case 3:
				addr = (key[i] | m) + 1;
				break;
			default:
				addr = lpm_rnd(&s);
				break;
			}
			want = lpm_model(key, len, on, NCAND, addr, 32);
			lpm_check(r, addr, 32, want);
			want = lpm_model(key, len, on, NCAND, addr, 31);
			lpm_check(r, addr, 31, want);
			qs[2 * j] = v4_prefix(addr, 32);
			qs[2 * j + 1] = v4_prefix(addr, 24 + j % 9);
			nlook++;
		}
		/*
		 * Change a few of the prefixes the queries came from (their
		 * /16s go dirty), then the batch answers as the model and as
		 * rib_longest() one by one.
		 */
		for (j = 0; j < 20; j += 7) {
			p = v4_prefix(key[ci[j]], len[ci[j]]);
			if (on[ci[j]] & 2)
				rib_withdraw(r, peer[1], &p, 0);
			else
				rib_announce(r, peer[1], &p, 0, a);
			on[ci[j]] ^= 2;
		}
		qs[40] = pfx("2001:db8::1/128");
		memset(bm, 0xaa, sizeof bm);
		nb = rib_longest_batch(r, qs, 41, bm, bf);
		for (j = 0; j < 20; j++) {
			addr = v4_addr(&qs[2 * j]);
			want = lpm_model(key, len, on, NCAND, addr, 32);
			assert_int_equal(bf[2 * j], want >= 0);
			if (want >= 0)
				assert_int_equal(bm[2 * j].len, want);
		}
		for (j = 0; j < 41; j++) {
			one[j] = rib_longest(r, &qs[j], &ms[j]);
			nb -= one[j];
		}
		assert_int_equal(nb, 0);
		for (j = 0; j < 41; j++) {
			assert_int_equal(bf[j], one[j]);
			if (!one[j])
				continue;
			assert_int_equal(bm[j].addr.af, ms[j].addr.af);
			assert_int_equal(bm[j].len, ms[j].len);
			assert_memory_equal(bm[j].addr.b, ms[j].addr.b, 16);
		}
	}
	assert_true(nlook > 20000);
	rib_stats(r, &st);
	assert_true(st.prefixes > NCAND / 4);
	/* Everything withdrawn: no address matches, not even 0/0. */
	for (i = 0; i < NCAND; i++) {
		p = v4_prefix(key[i], len[i]);
		rib_withdraw(r, peer[1], &p, 0);
		rib_withdraw(r, peer[0], &p, 0);
	}
	for (i = 0; i < NCAND; i++)
		lpm_check(r, key[i], 32, -1);
	rib_stats(r, &st);
	assert_int_equal(st.routes, 0);
	rib_attr_put(r, a);
	rib_free(r);
	free(key);
	free(len);
	free(on);
}

/* ------------------------------------------ the IPv6 longest-match index */

/* hi/lo (the top and bottom 64 bits) and len as an IPv6 prefix. */
static struct prefix
v6_prefix(uint64_t hi, uint64_t lo, int len)
{
	struct prefix	p;
	int		i;

	memset(&p, 0, sizeof p);
	p.addr.af = AF_INET6;
	for (i = 0; i < 8; i++) {
		p.addr.b[i] = hi >> (56 - 8 * i);
		p.addr.b[8 + i] = lo >> (56 - 8 * i);
	}
	p.len = len;
	return (p);
}

/* hi/lo cut to len bits. */
static void
v6_cut(uint64_t *hi, uint64_t *lo, int len)
{
	if (len == 0)
		*hi = *lo = 0;
	else if (len < 64) {
		*hi &= ~0ULL << (64 - len);
		*lo = 0;
	} else if (len == 64)
		*lo = 0;
	else if (len < 128)
		*lo &= ~0ULL << (128 - len);
}

/* The last address (*mhi, *mlo) of the prefix (hi, lo)/len. */
static void
v6_last(uint64_t hi, uint64_t lo, int len, uint64_t *mhi, uint64_t *mlo)
{
	*mhi = hi;
	*mlo = lo;
	if (len < 64) {
		*mhi |= len == 0 ? ~0ULL : ~(~0ULL << (64 - len));
		*mlo = ~0ULL;
	} else if (len == 64)
		*mlo = ~0ULL;
	else if (len < 128)
		*mlo |= ~(~0ULL << (128 - len));
}

/*
 * rib_longest() of the address (hi, lo) from the index against the trie
 * walk (the /127, which the index does not answer): the same unless the
 * index found a /128.  Returns the index's match length, or -1.
 */
static int
lpm6_against_walk(struct rib *r, uint64_t hi, uint64_t lo)
{
	struct prefix	p, m, m2;
	int		f1, f2;

	p = v6_prefix(hi, lo, 128);
	memset(&m, 0xaa, sizeof m);
	f1 = rib_longest(r, &p, &m);
	p.len = 127;
	f2 = rib_longest(r, &p, &m2);
	if (f1 && m.len == 128) {
		assert_memory_equal(m.addr.b, p.addr.b, 16);
		return (128);
	}
	assert_int_equal(f1, f2);
	if (!f1)
		return (-1);
	assert_int_equal(m.addr.af, AF_INET6);
	assert_int_equal(m.len, m2.len);
	assert_memory_equal(m.addr.b, m2.addr.b, 16);
	return (m.len);
}

/*
 * Crafted cases: ::/0 alone and under everything, a /128 and its
 * neighbours, a /64 next to a /48, the last /16 of the space, a covering
 * prefix withdrawn under a more-specific and announced again, a short
 * prefix spanning many /16s, a boundary deep inside a /16's node.
 */
static void
test_longest_index6_edges(void **state)
{
	struct rib		*r;
	struct rib_attr		*a;
	int			 p1, p2;
	struct prefix		 p;
	static const char	*pfxs[] = { "2001:db8::/32", "2001:db8::/48",
	    "2001:db8:0:1::/64", "2001:db8:1::/48", "2001:db8::1/128",
	    "2001:db8:0:ffff:ffff:ffff:ffff:ffff/128", "2001:db8:0:1::80/121",
	    "ffff:ffff::/32", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
	    "3000::/4" };
	size_t			 i;

	(void)state;
	r = rib_two_peers(&p1, &p2);
	a = attr_path(r, 65001, 65002);
	assert_longest(r, "2001:db8::1", NULL);
	p = pfx("::/0");
	rib_announce(r, p1, &p, 0, a);
	assert_longest(r, "2001:db8::1", "::/0");
	assert_longest(r, "::", "::/0");
	assert_longest(r, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0");
	for (i = 0; i < sizeof pfxs / sizeof pfxs[0]; i++) {
		p = pfx(pfxs[i]);
		rib_announce(r, p1, &p, 0, a);
	}
	assert_longest(r, "2001:db8::", "2001:db8::/48");
	assert_longest(r, "2001:db8::1", "2001:db8::1/128");
	assert_longest(r, "2001:db8::2", "2001:db8::/48");
	assert_longest(r, "2001:db8:0:0:ffff:ffff:ffff:ffff", "2001:db8::/48");
	assert_longest(r, "2001:db8:0:1::", "2001:db8:0:1::/64");
	assert_longest(r, "2001:db8:0:1::7f", "2001:db8:0:1::/64");
	assert_longest(r, "2001:db8:0:1::80", "2001:db8:0:1::80/121");
	assert_longest(r, "2001:db8:0:1::ff", "2001:db8:0:1::80/121");
	assert_longest(r, "2001:db8:0:1::100", "2001:db8:0:1::/64");
	assert_longest(r, "2001:db8:0:2::", "2001:db8::/48");
	assert_longest(r, "2001:db8:0:ffff:ffff:ffff:ffff:fffe",
	    "2001:db8::/48");
	assert_longest(r, "2001:db8:0:ffff:ffff:ffff:ffff:ffff",
	    "2001:db8:0:ffff:ffff:ffff:ffff:ffff/128");
	assert_longest(r, "2001:db8:1::", "2001:db8:1::/48");
	assert_longest(r, "2001:db8:1:ffff:ffff:ffff:ffff:ffff",
	    "2001:db8:1::/48");
	assert_longest(r, "2001:db8:2::", "2001:db8::/32");
	assert_longest(r, "2001:db9::", "::/0");
	assert_longest(r, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "::/0");
	assert_longest(r, "3fff:ffff::1", "3000::/4");
	assert_longest(r, "4000::", "::/0");
	assert_longest(r, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
	    "ffff:ffff::/32");
	assert_longest(r, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	assert_longest(r, "ffff:fffe::", "::/0");
	/* The covering /48 withdrawn: the /32 shows through around. */
	p = pfx("2001:db8::/48");
	rib_withdraw(r, p1, &p, 0);
	assert_longest(r, "2001:db8::2", "2001:db8::/32");
	assert_longest(r, "2001:db8::1", "2001:db8::1/128");
	assert_longest(r, "2001:db8:0:1::1", "2001:db8:0:1::/64");
	assert_longest(r, "2001:db8:0:2::", "2001:db8::/32");
	/* Announced again by the other peer; then the /32 goes too. */
	rib_announce(r, p2, &p, 0, a);
	assert_longest(r, "2001:db8::2", "2001:db8::/48");
	p = pfx("2001:db8::/32");
	rib_withdraw(r, p1, &p, 0);
	assert_longest(r, "2001:db8:2::", "::/0");
	assert_longest(r, "2001:db8:0:2::", "2001:db8::/48");
	/* Re-announcing what is there changes nothing. */
	p = pfx("2001:db8::/48");
	rib_announce(r, p2, &p, 0, a);
	assert_longest(r, "2001:db8:0:2::", "2001:db8::/48");
	/* ::/0 gone: outside every prefix, nothing. */
	p = pfx("::/0");
	rib_withdraw(r, p1, &p, 0);
	assert_longest(r, "2001:db9::", NULL);
	assert_longest(r, "4000::", NULL);
	assert_longest(r, "3abc::", "3000::/4");
	rib_peer_flush(r, p1);
	assert_longest(r, "3abc::", NULL);
	assert_longest(r, "2001:db8::1", "2001:db8::/48");
	rib_peer_flush(r, p2);
	assert_longest(r, "2001:db8::1", NULL);
	rib_attr_put(r, a);
	rib_free(r);
}

/* The longest of the candidates that are on covering (hi, lo), or -1. */
static int
lpm6_model(const uint64_t *khi, const uint64_t *klo, const uint8_t *len,
    const uint8_t *on, size_t n, uint64_t hi, uint64_t lo)
{
	uint64_t	h, l;
	size_t		i;
	int		best = -1;

	for (i = 0; i < n; i++) {
		if (!on[i] || len[i] <= best)
			continue;
		h = hi;
		l = lo;
		v6_cut(&h, &l, len[i]);
		if (h == khi[i] && l == klo[i])
			best = len[i];
	}
	return (best);
}

/*
 * The index against a brute-force model and the trie walk through
 * random announces, withdraws, a peer flush and churn: prefixes of every
 * length, clustered in a few /32s of a few /16s (so that /16s hold many
 * ranges and nodes have children down to /128), some short ones across
 * /16s; queries at the candidates' first and last addresses, just past
 * them, inside them and anywhere.
 */
static void
test_longest_index6_model(void **state)
{
	enum { NCAND = 2000, NOPS = 40000 };
	static const uint64_t bases[] = { 0x20010db800000000ULL,
	    0x20010db900000000ULL, 0x2a02000000000000ULL,
	    0x2a02000100000000ULL, 0x0000000000000000ULL,
	    0xffffffff00000000ULL };
	struct rib		*r;
	struct rib_attr		*a;
	struct rib_stats	 st;
	struct prefix		 p;
	uint64_t		*khi, *klo, hi, lo, mhi, mlo, x;
	uint64_t		 s = 0x0123456789abcdefULL;
	uint8_t			*len, *on;
	size_t			 i, j, k, nlook = 0, deep = 0;
	int			 peer[2], l, want;

	(void)state;
	khi = calloc(NCAND, sizeof *khi);
	klo = calloc(NCAND, sizeof *klo);
	len = calloc(NCAND, 1);
	on = calloc(NCAND, 1);
	assert_true(khi != NULL && klo != NULL && len != NULL && on != NULL);
	for (i = 0; i < NCAND; i++) {
		x = lpm_rnd(&s);
		switch (x % 10) {
		case 0:
			l = x / 16 % 32;
			break;
		case 1:
		case 2:
			l = 49 + x / 16 % 80;	/* /49 to /128 */
			break;
		case 3:
			l = 128;
			break;
		default:
			l = 32 + x / 16 % 17;	/* /32 to /48 */
			break;
		}
		hi = bases[x / 1024 % 6] | (lpm_rnd(&s) & 0xffffff);
		/* Many share their /48 or /64, so that nodes nest. */
		if (x / 7 % 3 == 0)
			hi = (hi & ~0xffffULL) | (x >> 40 & 0x3);
		lo = x / 5 % 4 == 0 ? lpm_rnd(&s) % 512 : lpm_rnd(&s);
		if (l < 16) {
			hi = lpm_rnd(&s);
			lo = lpm_rnd(&s);
		}
		v6_cut(&hi, &lo, l);
		khi[i] = hi;
		klo[i] = lo;
		len[i] = l;
		for (j = 0; j < i; j++)
			if (khi[j] == hi && klo[j] == lo && len[j] == l)
				break;
		if (j < i) {
			i--;
			continue;
		}
		if (l > 48)
			deep++;
	}
	assert_true(deep > 300);
	r = rib_two_peers(&peer[0], &peer[1]);
	a = attr_path(r, 65001, 65002);
	for (k = 0; k < NOPS; k++) {
		i = lpm_rnd(&s) % NCAND;
		p = v6_prefix(khi[i], klo[i], len[i]);
		lpm_churn(r, peer, a, &p, on, i, NCAND, k, NOPS, &s);
		if (k % 40 != 0)
			continue;
		for (j = 0; j < 20; j++) {
			x = lpm_rnd(&s);
			i = x % NCAND;
			v6_last(khi[i], klo[i], len[i], &mhi, &mlo);
			switch (x / NCAND % 6) {
			case 0:
				hi = khi[i];
				lo = klo[i];
				break;
			case 1:
				hi = khi[i] | (lpm_rnd(&s) & (mhi ^ khi[i]));
				lo = klo[i] | (lpm_rnd(&s) & (mlo ^ klo[i]));
				break;
			case 2:
				hi = mhi;
				lo = mlo;
				break;
			case 3:
				hi = mhi + (mlo == ~0ULL);
				lo = mlo + 1;
				break;
			case 4:
				hi = khi[i] - (klo[i] == 0);
				lo = klo[i] - 1;
				break;
			default:
				hi = lpm_rnd(&s);
				lo = lpm_rnd(&s);
				break;
			}
			want = lpm6_model(khi, klo, len, on, NCAND, hi, lo);
			assert_int_equal(lpm6_against_walk(r, hi, lo), want);
			nlook++;
		}
	}
	assert_true(nlook > 15000);
	rib_stats(r, &st);
	assert_true(st.prefixes > NCAND / 4);
	for (i = 0; i < NCAND; i++) {
		p = v6_prefix(khi[i], klo[i], len[i]);
		rib_withdraw(r, peer[1], &p, 0);
		rib_withdraw(r, peer[0], &p, 0);
	}
	for (i = 0; i < NCAND; i++)
		assert_int_equal(lpm6_against_walk(r, khi[i], klo[i]), -1);
	rib_attr_put(r, a);
	rib_free(r);
	free(khi);
	free(klo);
	free(len);
	free(on);
}

static int
lpm6_collect_cb(const struct rib_route *rt, void *arg)
{
	struct prefix	**pp = arg;

	if (rt->prefix.addr.af == AF_INET6 && (*pp == NULL ||
	    memcmp(&(*pp)[-1], &rt->prefix, sizeof rt->prefix) != 0))
		*(*pp)++ = rt->prefix;
	return (0);
}

/*
 * The index against the trie walk on the RouteViews IPv6 table: every
 * prefix's first address, the one before it, its last, the one after it
 * and one inside it, before and after rib_longest_prepare().
 */
static void
test_longest_index6_routeviews(void **state)
{
	struct mrt_decoder	 d;
	struct rib		*r;
	struct rib_stats	 st;
	struct prefix		*all, *end, q;
	uint64_t		 hi, lo, mhi, mlo, s = 42;
	size_t			 n, i, found = 0;
	int			 pass, j;

	(void)state;
	r = rib_new();
	decode_mrt_init(&d);
	assert_int_equal(load(r, "pyasn/rib6.20151101.0600_firstMB."
	    "complete-records.mrt.gz", &d), 0);
	rib_stats(r, &st);
	assert_int_equal(st.prefixes, 6869);	/* bgpdump -m | cut | sort -u */
	all = calloc(st.prefixes + 1, sizeof *all);
	assert_non_null(all);
	end = all + 1;		/* all[0]: a sentinel unlike any prefix */
	q = pfx("::/0");
	rib_walk(r, &q, 1, lpm6_collect_cb, &end);
	n = end - all - 1;
	assert_int_equal(n, st.prefixes);
	for (pass = 0; pass < 2; pass++) {
		for (i = 1; i <= n; i++) {
			hi = lo = 0;
			for (j = 0; j < 8; j++) {
				hi = hi << 8 | all[i].addr.b[j];
				lo = lo << 8 | all[i].addr.b[8 + j];
			}
			v6_last(hi, lo, all[i].len, &mhi, &mlo);
			found += lpm6_against_walk(r, hi, lo) >= 0;
			lpm6_against_walk(r, hi - (lo == 0), lo - 1);
			lpm6_against_walk(r, mhi, mlo);
			lpm6_against_walk(r, mhi + (mlo == ~0ULL), mlo + 1);
			lpm6_against_walk(r, hi | (lpm_rnd(&s) & (mhi ^ hi)),
			    lo | (lpm_rnd(&s) & (mlo ^ lo)));
		}
		rib_longest_prepare(r);
	}
	assert_int_equal(found, 2 * n);
	free(all);
	load_free(r, &d);
}

/*
 * SipHash-1-3 against CPython 3.11, whose bytes hash it is: with
 * PYTHONHASHSEED=0 the key is zero, with PYTHONHASHSEED=1 it is 16 bytes
 * of CPython's LCG (x = x * 214013 + 2531011, byte (x >> 16) & 0xff from
 * x = 1: 29 23 be 84 e1 6c d6 ae 52 90 49 f1 f1 bb e9 eb), and
 * hash(b"...") & (2**64 - 1) is the value.  Lengths 1, 7, 8, 9, 31 cover
 * the empty, partial and full last word.
 */
static void
test_siphash(void **state)
{
	static const struct {
		int		 seed;
		const char	*in;
		uint64_t	 want;
	} t[] = {
		{ 0, "a", 0x407448d2b89b1813ULL },
		{ 0, "abcdefg", 0x6db12aae9070f506ULL },
		{ 0, "abcdefgh", 0x3f7b849c0b8e35eaULL },
		{ 0, "abcdefghi", 0xf89b34a3d11eb6e5ULL },
		{ 0, "0123456789abcdef0123456789abcde", 0x25665a7c52079439ULL },
		{ 1, "a", 0xd6300bc9f7cc0e73ULL },
		{ 1, "abcdefgh", 0xfd3011ff3947e7f4ULL },
		{ 1, "0123456789abcdef0123456789abcde", 0x6ca1678315ccfaa4ULL },
	};
	const struct siphash_key zero = { 0, 0 };
	const struct siphash_key one = {
		0xaed66ce184be2329ULL, 0xebe9bbf1f1499052ULL
	};
	struct siphash_key	 k1, k2;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_true(siphash13(t[i].seed ? &one : &zero, t[i].in,
		    strlen(t[i].in)) == t[i].want);
	/* Two draws of 128 random bits do not meet. */
	assert_int_equal(siphash_key_random(&k1), 0);
	assert_int_equal(siphash_key_random(&k2), 0);
	assert_true(k1.k0 != k2.k0 || k1.k1 != k2.k1);
	assert_true(siphash13(&k1, "a", 1) != siphash13(&k2, "a", 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queries_v4),
		cmocka_unit_test(test_queries_v6),
		cmocka_unit_test(test_longest_index),
		cmocka_unit_test(test_interning),
		cmocka_unit_test(test_interning_many),
		cmocka_unit_test(test_siphash),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_treat_as_withdraw),
		cmocka_unit_test(test_watch),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_quota),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_mrt_routeviews),
		cmocka_unit_test(test_mrt_updates),
		cmocka_unit_test(test_mrt_table_dump),
		cmocka_unit_test(test_mrt_addpath),
		cmocka_unit_test(test_longest_index6_edges),
		cmocka_unit_test(test_longest_index6_model),
		cmocka_unit_test(test_longest_index6_routeviews),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
