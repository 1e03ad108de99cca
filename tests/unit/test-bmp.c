/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/decode-bmp.c: every capture under tests/data/bmp
 * (real router sessions from pmacct's regression suite) decodes end to
 * end, fed whole and in random chunk sizes with identical results; the
 * message counts, sysNames, peers, statistics and Peer Down reasons, and
 * a sample of routes, match what pmacct decoded from the same captures;
 * malformed input returns errors with a cause and never crashes.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/decode-bmp.h"
#include "tests/unit/unit.h"

struct file {
	uint8_t	*data;
	size_t	 len;
};

/*
 * A route to look for: the first announcement of prefix by that peer
 * (address, or Loc-RIB with its distinguisher) and policy (L flag, -1 for
 * Loc-RIB), and what pmacct printed for it.
 */
struct sample {
	const char	*peer;		/* NULL: Loc-RIB */
	uint64_t	 rd;
	int		 post;
	const char	*prefix;
	const char	*aspath;
	const char	*nexthop;
	const char	*comms;
	uint8_t		 origin;
	int		 found;
	char		 got_aspath[256];
	char		 got_nexthop[ADDR_STRLEN];
	char		 got_comms[512];
	uint8_t		 got_origin;
};

#define MAX_PEERS	64
#define MAX_DOWN	8

struct peerkey {
	uint8_t		 type;
	uint64_t	 rd;
	struct addr	 addr;
	uint32_t	 as;
};

struct run {
	uint64_t	 count[BMP_NTYPES];
	size_t		 pending;
	int		 errors;
	char		 sys_name[BMP_STR_MAX];
	char		 sys_descr[BMP_STR_MAX];
	struct peerkey	 peers[MAX_PEERS];
	size_t		 npeers;
	uint64_t	 stat_sum[18];	/* by type */
	size_t		 ncounters;
	size_t		 nunknown_stats;
	struct bmp_peer_down down[MAX_DOWN];
	struct bmp_peer	 down_peer[MAX_DOWN];
	size_t		 ndown;
	size_t		 nannounced;
	size_t		 nwithdrawn;
	size_t		 n_as4_seen;
	char		 table_names[512];
	uint64_t	 digest;
	struct sample	*samples;
};

/* A capture from tests/data/bmp. */
static struct file
load(const char *name)
{
	struct test_file	 t = test_load("tests/data/bmp", name);
	struct file		 f = { (uint8_t *)t.data, t.len };

	return (f);
}

static void
mix(uint64_t *h, const void *p, size_t len)
{
	const uint8_t	*b = p;
	size_t		 i;

	for (i = 0; i < len; i++) {
		*h ^= b[i];
		*h *= 1099511628211ULL;		/* FNV-1a */
	}
}

static void
fmt_aspath(const struct bgp_aspath *a, char *dst, size_t len)
{
	size_t	 i, n = 0;

	dst[0] = '\0';
	for (i = 0; i < a->nasns && n < len; i++)
		n += snprintf(dst + n, len - n, "%s%u", i ? " " : "",
		    a->asns[i]);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

/* Communities in numeric order, as pmacct prints them. */
static void
fmt_comms(const struct bgp_attrs *at, char *dst, size_t len)
{
	uint32_t	*c;
	size_t		 i, n = 0;

	dst[0] = '\0';
	if (at->ncommunities == 0)
		return;
	c = xreallocarray(NULL, at->ncommunities, sizeof *c);
	memcpy(c, at->communities, at->ncommunities * sizeof *c);
	qsort(c, at->ncommunities, sizeof *c, cmp_u32);
	for (i = 0; i < at->ncommunities && n < len; i++)
		n += snprintf(dst + n, len - n, "%s%u:%u", i ? " " : "",
		    c[i] >> 16, c[i] & 0xffff);
	free(c);
}

static int
peer_match(const struct sample *s, const struct bmp_peer *p)
{
	char	 a[ADDR_STRLEN];

	if (s->peer == NULL)
		return (p->type == BMP_PEER_LOC_RIB &&
		    p->distinguisher == s->rd);
	if (p->type == BMP_PEER_LOC_RIB || p->distinguisher != s->rd)
		return (0);
	if (s->post != !!(p->flags & BMP_PEER_FLAG_L))
		return (0);
	addr_fmt(&p->addr, a, sizeof a);
	return (strcmp(a, s->peer) == 0);
}

static void
check_samples(struct run *r, const struct bmp_msg *m)
{
	const struct bgp_update	*u = &m->rm.update;
	const struct addr	*nh;
	struct sample		*s;
	char			 pfx[PREFIX_STRLEN];
	size_t			 i;

	for (s = r->samples; s != NULL && s->prefix != NULL; s++) {
		if (s->found || !peer_match(s, &m->peer))
			continue;
		for (i = 0; i < u->nannounced; i++) {
			prefix_fmt(&u->announced[i].prefix, pfx, sizeof pfx);
			if (strcmp(pfx, s->prefix) != 0)
				continue;
			s->found = 1;
			fmt_aspath(&u->attrs.aspath, s->got_aspath,
			    sizeof s->got_aspath);
			fmt_comms(&u->attrs, s->got_comms, sizeof s->got_comms);
			nh = u->announced[i].mp ? &u->attrs.mp_nexthop :
			    &u->attrs.nexthop;
			/* pmacct prints a missing next hop as 0.0.0.0 */
			if (nh->af == 0)
				strlcpy_pt(s->got_nexthop, "0.0.0.0",
				    sizeof s->got_nexthop);
			else
				addr_fmt(nh, s->got_nexthop,
				    sizeof s->got_nexthop);
			s->got_origin = u->attrs.origin;
			break;
		}
	}
}

static void
record(struct run *r, const struct bmp_msg *m)
{
	const struct bgp_update	*u;
	size_t			 i, n;

	mix(&r->digest, &m->type, sizeof m->type);
	mix(&r->digest, &m->offset, sizeof m->offset);
	mix(&r->digest, &m->len, sizeof m->len);
	if (m->has_peer) {
		mix(&r->digest, &m->peer, sizeof m->peer);
		for (i = 0; i < r->npeers; i++)
			if (r->peers[i].type == m->peer.type &&
			    r->peers[i].rd == m->peer.distinguisher &&
			    r->peers[i].as == m->peer.as &&
			    addr_cmp(&r->peers[i].addr, &m->peer.addr) == 0)
				break;
		if (i == r->npeers && r->npeers < MAX_PEERS) {
			r->peers[i].type = m->peer.type;
			r->peers[i].rd = m->peer.distinguisher;
			r->peers[i].as = m->peer.as;
			r->peers[i].addr = m->peer.addr;
			r->npeers++;
		}
	}
	switch (m->type) {
	case BMP_INITIATION:
		strlcpy_pt(r->sys_name, m->sys_name, sizeof r->sys_name);
		strlcpy_pt(r->sys_descr, m->sys_descr, sizeof r->sys_descr);
		break;
	case BMP_ROUTE_MONITORING:
		u = &m->rm.update;
		r->nannounced += u->nannounced;
		r->nwithdrawn += u->nwithdrawn;
		r->n_as4_seen += m->rm.as4;
		for (i = 0; i < u->nannounced; i++)
			mix(&r->digest, &u->announced[i],
			    sizeof u->announced[i]);
		mix(&r->digest, u->attrs.aspath.asns,
		    u->attrs.aspath.nasns * sizeof(uint32_t));
		check_samples(r, m);
		break;
	case BMP_STATISTICS:
		for (i = 0; i < m->nstats; i++) {
			r->ncounters++;
			mix(&r->digest, &m->stats[i], sizeof m->stats[i]);
			if (m->stats[i].type < 18)
				r->stat_sum[m->stats[i].type] +=
				    m->stats[i].value;
			else
				r->nunknown_stats++;
		}
		break;
	case BMP_PEER_DOWN:
		if (r->ndown < MAX_DOWN) {
			r->down[r->ndown] = m->down;
			r->down_peer[r->ndown++] = m->peer;
		}
		break;
	case BMP_PEER_UP:
		n = strlen(r->table_names);
		if (m->up.table_name[0] != '\0' &&
		    strstr(r->table_names, m->up.table_name) == NULL)
			snprintf(r->table_names + n, sizeof r->table_names - n,
			    "%s%s", n ? "," : "", m->up.table_name);
		break;
	}
}

/*
 * Feeds the capture whole (seed 0) or in pseudo-random chunks of 1 to
 * 1500 bytes and decodes every message.
 */
static void
run_capture(const struct file *f, unsigned int seed, struct run *r)
{
	struct bmp_framer	 fr;
	struct bmp_ctx		 c;
	struct bmp_msg		 m;
	const uint8_t		*p;
	size_t			 len, off = 0, chunk;
	uint64_t		 moff;
	uint32_t		 x = seed;
	char			*cause = NULL;
	int			 rv, i;

	r->digest = 14695981039346656037ULL;
	decode_bmp_framer_init(&fr);
	decode_bmp_ctx_init(&c);
	while (off < f->len) {
		if (seed == 0)
			chunk = f->len;
		else {
			x = x * 1103515245 + 12345;
			chunk = 1 + (x >> 8) % 1500;
		}
		if (chunk > f->len - off)
			chunk = f->len - off;
		assert_int_equal(decode_bmp_framer_feed(&fr, f->data + off,
		    chunk, &cause), 0);
		off += chunk;
		while ((rv = decode_bmp_framer_next(&fr, &p, &len, &moff,
		    &cause)) == 1) {
			if (decode_bmp(&c, p, len, moff, &m, &cause) == -1) {
				print_message("# %s\n", cause);
				free(cause);
				cause = NULL;
				r->errors++;
				continue;
			}
			record(r, &m);
			decode_bmp_msg_free(&m);
		}
		assert_int_equal(rv, 0);
	}
	r->pending = decode_bmp_framer_pending(&fr);
	for (i = 0; i < BMP_NTYPES; i++)
		r->count[i] = c.count[i];
	assert_string_equal(c.sys_name, r->sys_name);
	decode_bmp_framer_free(&fr);
	decode_bmp_ctx_free(&c);
}

/* Whole and in three chunkings: the same messages, the same digest. */
static void
run_all(const char *name, struct run *r, struct sample *samples)
{
	struct file	 f;
	struct run	 r2;
	unsigned int	 seed;

	f = load(name);
	memset(r, 0, sizeof *r);
	r->samples = samples;
	run_capture(&f, 0, r);
	for (seed = 1; seed <= 3; seed++) {
		memset(&r2, 0, sizeof r2);
		run_capture(&f, seed, &r2);
		assert_true(r2.digest == r->digest);
		assert_memory_equal(r2.count, r->count, sizeof r->count);
		assert_int_equal(r2.pending, r->pending);
		assert_int_equal(r2.errors, r->errors);
	}
	print_message("# %s: %zu announced, %zu withdrawn\n", name,
	    r->nannounced, r->nwithdrawn);
	free(f.data);
}

static void
check_sample_results(struct sample *s)
{
	for (; s->prefix != NULL; s++) {
		if (!s->found)
			fail_msg("route %s from %s not found", s->prefix,
			    s->peer ? s->peer : "Loc-RIB");
		assert_string_equal(s->got_aspath, s->aspath);
		assert_string_equal(s->got_nexthop, s->nexthop);
		assert_string_equal(s->got_comms, s->comms);
		assert_int_equal(s->got_origin, s->origin);
	}
}

static int
has_peer(const struct run *r, uint8_t type, uint64_t rd, const char *addr,
    uint32_t as)
{
	char	 a[ADDR_STRLEN];
	size_t	 i;

	for (i = 0; i < r->npeers; i++) {
		if (r->peers[i].type != type || r->peers[i].rd != rd ||
		    r->peers[i].as != as)
			continue;
		if (addr == NULL) {
			if (r->peers[i].addr.af == 0)
				return (1);
			continue;
		}
		addr_fmt(&r->peers[i].addr, a, sizeof a);
		if (strcmp(a, addr) == 0)
			return (1);
	}
	return (0);
}

static size_t
count_type(const struct run *r, uint8_t type)
{
	size_t	 i, n = 0;

	for (i = 0; i < r->npeers; i++)
		n += r->peers[i].type == type;
	return (n);
}

static void
dump_peers(const struct run *r)
{
	char	 a[ADDR_STRLEN];
	size_t	 i;

	for (i = 0; i < r->npeers; i++) {
		addr_fmt(&r->peers[i].addr, a, sizeof a);
		print_message("# peer type %u rd %llu %s AS%u\n",
		    r->peers[i].type, (unsigned long long)r->peers[i].rd,
		    r->peers[i].addr.af ? a : "-", r->peers[i].as);
	}
}

#define RD0(a, n)	(((uint64_t)(a) << 32) | (n))	/* RFC 4364 type 0 */

/*
 * Huawei NE40E with Loc-RIB instances (RFC 9069).  Counts: SOURCES.md
 * (tshark).  Peers and routes: pmacct's output-bmp-00.json, first
 * "route_monitor" line per (peer, prefix), extracted with python3 at
 * authoring time; pmacct prints Loc-RIB peers as 0.0.0.0 with their RD.
 */
static void
test_capture_200(void **state)
{
	static struct sample	 s[] = {
		{ NULL, RD0(64499, 11), -1, "2001:db8::15/128",
		  "65000 65538 65536 65543", "2001:db8:11::151",
		  "64496:299 64496:1001 64496:1033 64497:1 64497:2 64499:15",
		  0, 0, "", "", "", 0 },
		{ NULL, RD0(64499, 11), -1, "2001:db8::10/128", "65000",
		  "2001:db8:11::153",
		  "64496:299 64496:1001 64496:1033 64497:1 64499:10",
		  0, 0, "", "", "", 0 },
		{ NULL, RD0(64499, 11), -1, "203.0.113.252/31", "65000",
		  "192.0.11.153",
		  "64496:299 64496:1001 64496:1033 64497:1 64499:10",
		  0, 0, "", "", "", 0 },
		{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, "", "", "", 0 }
	};
	struct run	 r;

	run_all("200-BMP-HUAWEI-locrib_instance/traffic-00.bmp", &r, s);
	dump_peers(&r);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.pending, 0);
	assert_int_equal(r.count[BMP_INITIATION], 1);
	assert_int_equal(r.count[BMP_PEER_UP], 18);
	assert_int_equal(r.count[BMP_ROUTE_MONITORING], 84);
	assert_int_equal(r.count[BMP_STATISTICS], 0);
	assert_int_equal(r.count[BMP_PEER_DOWN], 0);
	assert_string_equal(r.sys_name, "ipf-zbl1843-r-daisy-61");
	assert_non_null(strstr(r.sys_descr, "HUAWEI NE40E-M2K-B"));
	assert_true(has_peer(&r, BMP_PEER_GLOBAL, 0, "192.0.2.52", 65536));
	assert_true(has_peer(&r, BMP_PEER_GLOBAL, 0, "198.51.100.52",
	    65536));
	assert_true(has_peer(&r, BMP_PEER_LOC_RIB, RD0(64499, 11), NULL,
	    65537));
	assert_true(has_peer(&r, BMP_PEER_LOC_RIB, RD0(64499, 41), NULL,
	    65537));
	assert_true(has_peer(&r, BMP_PEER_LOC_RIB, RD0(64499, 71), NULL,
	    65537));
	assert_int_equal(r.npeers, 5);
	/* pmacct: 5 "update" lines of SAFI 1 (the others are VPN and
	 * labelled routes, which peertop does not follow) */
	assert_int_equal(r.nannounced, 5);
	check_sample_results(s);
}

/*
 * Cisco IOS-XR, 42 RD-instance peers.  Counts: SOURCES.md.  Routes and
 * the statistics sums per counter type (pmacct "stats" lines,
 * counter_value summed by counter_type with python3): pmacct.
 */
static void
test_capture_201(void **state)
{
	static struct sample	 s[] = {
		{ "2001:db8:23::182", RD0(64499, 64), 0, "2001:db8::50/128",
		  "65542 65000", "2001:db8:23::182",
		  "64496:299 64496:1001 64496:1033 64497:2 64499:60",
		  0, 0, "", "", "", 0 },
		{ "2001:db8:13::182", RD0(64499, 34), 0, "2001:db8::32/128",
		  "65542 65536 65537 65000", "2001:db8:13::182",
		  "64496:299 64496:1001 64496:1033 64497:1 64499:31",
		  0, 0, "", "", "", 0 },
		{ "192.0.11.219", RD0(64499, 14), 0, "203.0.113.146/31",
		  "65555", "192.0.11.219", "", 0, 0, "", "", "", 0 },
		{ "192.0.12.171", RD0(64499, 24), 0, "203.0.113.12/32",
		  "65539", "192.0.12.171",
		  "64496:299 64496:1001 64496:1033 64497:1 64499:11",
		  0, 0, "", "", "", 0 },
		{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, "", "", "", 0 }
	};
	struct run	 r;

	run_all("201-BMP-CISCO-rd_instance/traffic-00.bmp", &r, s);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.pending, 0);
	assert_int_equal(r.count[BMP_INITIATION], 1);
	assert_int_equal(r.count[BMP_PEER_UP], 42);
	assert_int_equal(r.count[BMP_STATISTICS], 42);
	assert_int_equal(r.count[BMP_ROUTE_MONITORING], 251);
	assert_string_equal(r.sys_name, "ipf-zbl1843-r-daisy-55");
	assert_int_equal(r.npeers, 42);
	assert_true(has_peer(&r, BMP_PEER_RD, RD0(64499, 94),
	    "2001:db8:33::182", 65542));
	assert_true(has_peer(&r, BMP_PEER_RD, RD0(64499, 14), "192.0.11.219",
	    65555));
	/* pmacct: 120 counters; sums by type */
	assert_int_equal(r.ncounters, 120);
	assert_int_equal(r.stat_sum[1], 6606556);
	assert_int_equal(r.stat_sum[2], 895553);
	assert_int_equal(r.stat_sum[4], 4809097);
	assert_int_equal(r.stat_sum[7], 137);
	assert_int_equal(r.stat_sum[8], 137);
	/* pmacct: 235 "update" lines, all unicast */
	assert_int_equal(r.nannounced, 235);
	check_sample_results(s);
}

/* Cisco IOS-XR, peer types 0, 1 and 3; the capture ends inside a Route
 * Monitoring message (185 bytes announced, 156 present: SOURCES.md). */
static void
test_capture_202(void **state)
{
	struct run	 r;

	run_all("202-BMP-CISCO-HUAWEI-multiple-sources/traffic-02.bmp", &r,
	    NULL);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.pending, 156);
	assert_int_equal(r.count[BMP_INITIATION], 1);
	assert_int_equal(r.count[BMP_PEER_UP], 12);
	assert_int_equal(r.count[BMP_ROUTE_MONITORING], 53);
	assert_string_equal(r.sys_name, "ipf-zbll1312-r-daisy-44");
	dump_peers(&r);
	assert_true(count_type(&r, BMP_PEER_GLOBAL) > 0);
	assert_true(count_type(&r, BMP_PEER_RD) > 0);
	assert_true(count_type(&r, BMP_PEER_LOC_RIB) > 0);
	assert_int_equal(r.npeers, 12);		/* one per Peer Up */
}

/*
 * 6WIND/FRR: two Peer Downs of 203.0.113.44 (reason 3 in pmacct), a
 * Loc-RIB peer, statistics with FRR's private type 65531.  Counts:
 * SOURCES.md; peers, routes, counters and reasons: pmacct.
 */
static void
test_capture_205(void **state)
{
	static struct sample	 s[] = {
		{ NULL, 0, -1, "138.187.58.2/32", "4226809914 64496",
		  "0.0.0.0", "", 2, 0, "", "", "", 0 },
		{ NULL, 0, -1, "100.105.35.0/24", "4226809914 64496",
		  "0.0.0.0", "", 2, 0, "", "", "", 0 },
		{ "198.51.100.22", 0, 1, "138.187.58.13/32",
		  "4226809914 64496", "0.0.0.0", "", 2, 0, "", "", "", 0 },
		{ "198.51.100.86", 0, 1, "138.187.58.1/32",
		  "4226809914 64496", "0.0.0.0", "", 2, 0, "", "", "", 0 },
		{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, "", "", "", 0 }
	};
	struct run	 r;
	char		 a[ADDR_STRLEN];
	size_t		 i;

	run_all("205-BMP-6wind-FRR-peer_down/traffic-00.bmp", &r, s);
	dump_peers(&r);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.pending, 0);
	assert_int_equal(r.count[BMP_INITIATION], 1);
	assert_int_equal(r.count[BMP_PEER_UP], 7);
	assert_int_equal(r.count[BMP_ROUTE_MONITORING], 451);
	assert_int_equal(r.count[BMP_STATISTICS], 48);
	assert_int_equal(r.count[BMP_PEER_DOWN], 2);
	assert_string_equal(r.sys_name, "daisy-ietf-ipf-zbl1843-r-daisy-58");
	assert_string_equal(r.sys_descr,
	    "FRRouting 8.0.1 (frr-8.0-vsr-3.7.1-v10)");
	assert_true(has_peer(&r, BMP_PEER_GLOBAL, 0, "198.51.100.22", 64496));
	assert_true(has_peer(&r, BMP_PEER_GLOBAL, 0, "198.51.100.86", 64496));
	assert_true(has_peer(&r, BMP_PEER_GLOBAL, 0, "203.0.113.28", 64496));
	assert_true(has_peer(&r, BMP_PEER_GLOBAL, 0, "203.0.113.44", 64496));
	/* FRR's Loc-RIB: Peer Up as a global peer 0.0.0.0 AS 0 (pmacct
	 * peer_up line), routes as peer type 3 with the local AS */
	assert_true(has_peer(&r, BMP_PEER_GLOBAL, 0, "0.0.0.0", 0));
	assert_true(has_peer(&r, BMP_PEER_LOC_RIB, 0, NULL, 4226809914U));
	assert_int_equal(r.npeers, 6);
	/* pmacct: bmp_peer_up_info_vrf_table_name "global" */
	assert_non_null(strstr(r.table_names, "global"));
	/* pmacct: 336 counters, 48 of type 65531, AS_PATH loops sum 60 */
	assert_int_equal(r.ncounters, 336);
	assert_int_equal(r.nunknown_stats, 48);
	assert_int_equal(r.stat_sum[4], 60);
	assert_int_equal(r.stat_sum[0], 0);
	assert_int_equal(r.stat_sum[11], 0);
	/* pmacct: reason_type 3 twice, both 203.0.113.44; the NOTIFICATIONs
	 * are Cease (6) / Administrative Reset (4), then Shutdown (2). */
	assert_int_equal(r.ndown, 2);
	for (i = 0; i < r.ndown; i++) {
		assert_int_equal(r.down[i].reason, 3);
		addr_fmt(&r.down_peer[i].addr, a, sizeof a);
		assert_string_equal(a, "203.0.113.44");
		assert_true(r.down[i].has_notification);
		assert_int_equal(r.down[i].notify_code, 6);
		assert_non_null(strstr(r.down[i].notification, "Cease"));
		assert_non_null(strstr(r.down[i].notification,
		    i == 0 ? "Reset" : "Shutdown"));
	}
	print_message("# %s / %s\n", r.down[0].notification,
	    r.down[1].notification);
	assert_int_equal(r.down[0].notify_subcode, 4);
	assert_int_equal(r.down[1].notify_subcode, 2);
	/* pmacct: 142 "update" lines of SAFI 1 */
	assert_int_equal(r.nannounced, 142);
	check_sample_results(s);
}

/* The same FRR router, re-packed into small TCP segments: counts from
 * SOURCES.md (pmacct's expected output is a placeholder here). */
static void
test_capture_206(void **state)
{
	struct run	 r;

	run_all("206-BMP-high-availability/traffic-00.bmp", &r, NULL);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.pending, 0);
	assert_int_equal(r.count[BMP_INITIATION], 1);
	assert_int_equal(r.count[BMP_PEER_UP], 5);
	assert_int_equal(r.count[BMP_ROUTE_MONITORING], 253);
	assert_int_equal(r.count[BMP_STATISTICS], 36);
	assert_int_equal(r.count[BMP_PEER_DOWN], 0);
	assert_string_equal(r.sys_name, "daisy-ietf-ipf-zbl1843-r-daisy-58");
}

/* ------------------------------------------------------------ malformed */

static size_t
put_hdr(uint8_t *p, uint32_t len, uint8_t type)
{
	p[0] = 3;
	p[1] = len >> 24;
	p[2] = len >> 16;
	p[3] = len >> 8;
	p[4] = len;
	p[5] = type;
	return (6);
}

/* A per-peer header for IPv4 peer 192.0.2.1, AS 64500. */
static size_t
put_peer(uint8_t *p, uint8_t type, uint8_t flags)
{
	memset(p, 0, BMP_PEER_HDR_LEN);
	p[0] = type;
	p[1] = flags;
	p[22] = 192; p[23] = 0; p[24] = 2; p[25] = 1;	/* address */
	p[28] = 0xfb; p[29] = 0xf4;			/* AS 64500 */
	return (BMP_PEER_HDR_LEN);
}

static int
frame_one(const uint8_t *d, size_t len, char **cause)
{
	struct bmp_framer	 fr;
	const uint8_t		*p;
	size_t			 l;
	uint64_t		 off;
	int			 rv;

	decode_bmp_framer_init(&fr);
	assert_int_equal(decode_bmp_framer_feed(&fr, d, len, cause), 0);
	rv = decode_bmp_framer_next(&fr, &p, &l, &off, cause);
	decode_bmp_framer_free(&fr);
	return (rv);
}

static int
decode_one(const uint8_t *d, size_t len, struct bmp_msg *m, char **cause)
{
	struct bmp_ctx	 c;
	int		 rv;

	decode_bmp_ctx_init(&c);
	rv = decode_bmp(&c, d, len, 100, m, cause);
	decode_bmp_ctx_free(&c);
	return (rv);
}

static void
test_framer_errors(void **state)
{
	uint8_t			 d[16], *big;
	char			*cause = NULL;
	struct bmp_framer	 fr;
	const uint8_t		*p;
	size_t			 l;
	uint64_t		 off;

	/* truncated header: wait for more */
	put_hdr(d, 6, BMP_INITIATION);
	assert_int_equal(frame_one(d, 3, &cause), 0);
	assert_null(cause);

	d[0] = 2;					/* version */
	assert_int_equal(frame_one(d, 6, &cause), -1);
	assert_non_null(strstr(cause, "version 2"));
	free(cause);
	cause = NULL;

	put_hdr(d, 5, BMP_INITIATION);			/* below 6 */
	assert_int_equal(frame_one(d, 6, &cause), -1);
	assert_non_null(strstr(cause, "length 5"));
	free(cause);
	cause = NULL;

	put_hdr(d, 0x7fffffff, BMP_ROUTE_MONITORING);	/* huge */
	assert_int_equal(frame_one(d, 6, &cause), -1);
	assert_non_null(strstr(cause, "out of range"));
	assert_non_null(strstr(cause, "route monitoring"));
	free(cause);
	cause = NULL;

	put_hdr(d, BMP_MSG_MAX, BMP_ROUTE_MONITORING);	/* largest: waits */
	assert_int_equal(frame_one(d, 6, &cause), 0);

	/* after an error the stream stays rejected */
	decode_bmp_framer_init(&fr);
	put_hdr(d, 3, BMP_INITIATION);
	assert_int_equal(decode_bmp_framer_feed(&fr, d, 6, &cause), 0);
	assert_int_equal(decode_bmp_framer_next(&fr, &p, &l, &off, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(decode_bmp_framer_feed(&fr, d, 6, &cause), -1);
	free(cause);
	cause = NULL;
	decode_bmp_framer_free(&fr);

	/* a caller that never drains cannot make the buffer grow */
	decode_bmp_framer_init(&fr);
	big = xcalloc(1, BMP_BUF_MAX + 1);
	assert_int_equal(decode_bmp_framer_feed(&fr, big, BMP_BUF_MAX + 1,
	    &cause), -1);
	assert_non_null(strstr(cause, "buffered"));
	free(cause);
	cause = NULL;
	free(big);
	decode_bmp_framer_free(&fr);

	/* two messages in one chunk, offsets */
	decode_bmp_framer_init(&fr);
	put_hdr(d, 6, BMP_INITIATION);
	put_hdr(d + 6, 6, BMP_TERMINATION);
	assert_int_equal(decode_bmp_framer_feed(&fr, d, 12, &cause), 0);
	assert_int_equal(decode_bmp_framer_next(&fr, &p, &l, &off, &cause), 1);
	assert_int_equal(off, 0);
	assert_int_equal(decode_bmp_framer_next(&fr, &p, &l, &off, &cause), 1);
	assert_int_equal(off, 6);
	assert_int_equal(p[5], BMP_TERMINATION);
	assert_int_equal(decode_bmp_framer_next(&fr, &p, &l, &off, &cause), 0);
	assert_int_equal(decode_bmp_framer_pending(&fr), 0);
	decode_bmp_framer_free(&fr);
}

static void
test_decode_errors(void **state)
{
	uint8_t		 d[256];
	struct bmp_msg	 m;
	char		*cause = NULL;
	size_t		 n;

	/* per-peer header cut */
	n = put_hdr(d, 16, BMP_ROUTE_MONITORING);
	memset(d + n, 0, 10);
	assert_int_equal(decode_one(d, 16, &m, &cause), -1);
	assert_non_null(strstr(cause, "offset 100"));
	assert_non_null(strstr(cause, "route monitoring"));
	assert_non_null(strstr(cause, "per-peer header cut"));
	free(cause);
	cause = NULL;

	/* initiation TLV overrunning the message */
	n = put_hdr(d, 14, BMP_INITIATION);
	d[n++] = 0; d[n++] = 2;		/* sysName */
	d[n++] = 0; d[n++] = 100;	/* 100 bytes, only 4 left */
	memcpy(d + n, "abcd", 4);
	assert_int_equal(decode_one(d, 14, &m, &cause), -1);
	assert_non_null(strstr(cause, "initiation"));
	assert_non_null(strstr(cause, "overruns"));
	free(cause);
	cause = NULL;

	/* length field disagreeing with the frame */
	put_hdr(d, 20, BMP_INITIATION);
	assert_int_equal(decode_one(d, 14, &m, &cause), -1);
	free(cause);
	cause = NULL;

	/* Route Monitoring with an UPDATE whose attribute length overruns */
	n = put_hdr(d, 0, BMP_ROUTE_MONITORING);
	n += put_peer(d + n, BMP_PEER_GLOBAL, 0);
	memset(d + n, 0xff, 16);
	n += 16;
	d[n++] = 0; d[n++] = 23 + 3;	/* BGP length */
	d[n++] = 2;			/* UPDATE */
	d[n++] = 0; d[n++] = 0;		/* no withdrawn */
	d[n++] = 0; d[n++] = 50;	/* 50 bytes of attributes... */
	d[n++] = 0x40; d[n++] = 1; d[n++] = 1;	/* ...only 3 present */
	put_hdr(d, n, BMP_ROUTE_MONITORING);
	assert_int_equal(decode_one(d, n, &m, &cause), -1);
	assert_non_null(strstr(cause, "route monitoring"));
	assert_non_null(strstr(cause, "UPDATE"));
	free(cause);
	cause = NULL;

	/* Route Monitoring whose BGP message is not an UPDATE */
	d[6 + BMP_PEER_HDR_LEN + 18] = 4;
	assert_int_equal(decode_one(d, n, &m, &cause), -1);
	free(cause);
	cause = NULL;

	/* statistics: count says 2, one present */
	n = put_hdr(d, 0, BMP_STATISTICS);
	n += put_peer(d + n, BMP_PEER_GLOBAL, 0);
	d[n++] = 0; d[n++] = 0; d[n++] = 0; d[n++] = 2;
	d[n++] = 0; d[n++] = 7; d[n++] = 0; d[n++] = 8;	/* gauge */
	memset(d + n, 0, 8);
	d[n + 7] = 42;
	n += 8;
	put_hdr(d, n, BMP_STATISTICS);
	assert_int_equal(decode_one(d, n, &m, &cause), -1);
	assert_non_null(strstr(cause, "statistics"));
	free(cause);
	cause = NULL;
	d[6 + BMP_PEER_HDR_LEN + 3] = 1;		/* now one */
	assert_int_equal(decode_one(d, n, &m, &cause), 0);
	assert_int_equal(m.nstats, 1);
	assert_int_equal(m.stats[0].type, 7);
	assert_int_equal(m.stats[0].value, 42);
	assert_string_equal(decode_bmp_stat_name(m.stats[0].type),
	    "routes in Adj-RIBs-In");

	/* Peer Down reason 2 without its FSM event code */
	n = put_hdr(d, 0, BMP_PEER_DOWN);
	n += put_peer(d + n, BMP_PEER_GLOBAL, 0);
	d[n++] = 2;
	d[n++] = 0;
	put_hdr(d, n, BMP_PEER_DOWN);
	assert_int_equal(decode_one(d, n, &m, &cause), -1);
	assert_non_null(strstr(cause, "FSM"));
	free(cause);
	cause = NULL;
	d[n++] = 7;
	put_hdr(d, n, BMP_PEER_DOWN);
	assert_int_equal(decode_one(d, n, &m, &cause), 0);
	assert_int_equal(m.down.fsm_event, 7);
	assert_non_null(strstr(decode_bmp_down_reason_name(m.down.reason),
	    "without a NOTIFICATION"));
}

/* Termination and Initiation strings are sanitised; reasons in words. */
static void
test_init_term(void **state)
{
	uint8_t		 d[64];
	struct bmp_msg	 m;
	char		*cause = NULL;
	size_t		 n;

	n = put_hdr(d, 0, BMP_INITIATION);
	d[n++] = 0; d[n++] = 2; d[n++] = 0; d[n++] = 7;	/* sysName */
	memcpy(d + n, "r1\x1b[2J!", 7);
	n += 7;
	put_hdr(d, n, BMP_INITIATION);
	assert_int_equal(decode_one(d, n, &m, &cause), 0);
	assert_null(strchr(m.sys_name, '\x1b'));
	assert_true(strncmp(m.sys_name, "r1", 2) == 0);
	assert_false(m.has_peer);

	n = put_hdr(d, 0, BMP_TERMINATION);
	d[n++] = 0; d[n++] = 0; d[n++] = 0; d[n++] = 3;	/* string */
	memcpy(d + n, "bye", 3);
	n += 3;
	d[n++] = 0; d[n++] = 1; d[n++] = 0; d[n++] = 2;	/* reason */
	d[n++] = 0; d[n++] = 3;
	put_hdr(d, n, BMP_TERMINATION);
	assert_int_equal(decode_one(d, n, &m, &cause), 0);
	assert_string_equal(m.info, "bye");
	assert_int_equal(m.term_reason, 3);
	assert_string_equal(decode_bmp_term_reason_name(3),
	    "redundant connection");

	/* termination reason TLV too short */
	d[n - 3] = 1;
	put_hdr(d, n - 1, BMP_TERMINATION);
	assert_int_equal(decode_one(d, n - 1, &m, &cause), -1);
	free(cause);
}

/* Route Mirroring (RFC 7854 4.7) and unknown types are skipped and
 * counted; Route Mirroring still needs its per-peer header. */
static void
test_skipped(void **state)
{
	uint8_t		 d[128];
	struct bmp_ctx	 c;
	struct bmp_msg	 m;
	char		*cause = NULL;
	size_t		 n;

	decode_bmp_ctx_init(&c);
	n = put_hdr(d, 0, BMP_ROUTE_MIRRORING);
	n += put_peer(d + n, BMP_PEER_GLOBAL, 0);
	d[n++] = 0; d[n++] = 1; d[n++] = 0; d[n++] = 2;	/* information */
	d[n++] = 0; d[n++] = 1;				/* messages lost */
	put_hdr(d, n, BMP_ROUTE_MIRRORING);
	assert_int_equal(decode_bmp(&c, d, n, 0, &m, &cause), 0);
	assert_true(m.has_peer);
	assert_int_equal(c.mirroring, 1);
	put_hdr(d, 20, BMP_ROUTE_MIRRORING);
	assert_int_equal(decode_bmp(&c, d, 20, 0, &m, &cause), -1);
	assert_non_null(strstr(cause, "route mirroring message: per-peer"));
	free(cause);
	cause = NULL;

	put_hdr(d, 8, 42);
	assert_int_equal(decode_bmp(&c, d, 8, 0, &m, &cause), 0);
	assert_int_equal(m.type, 42);
	assert_int_equal(c.unknown, 1);
	decode_bmp_ctx_free(&c);
}

/*
 * A Peer Up's OPENs' graceful restart (RFC 4724 3, capability 64), which
 * decode_bgp_open() does not keep: the sent OPEN has it among other
 * capabilities in two optional parameters; the received one has none,
 * then capabilities in an RFC 9072 extended optional parameters block.
 */
static void
test_peer_up_gr(void **state)
{
	static const uint8_t	 sent[] = {
		4, 0xfb, 0xf4, 0, 90, 192, 0, 2, 1,	/* AS 64500 */
		15,
		2, 6, 64, 2, 0x00, 0x78, 128, 0,	/* GR; old RR */
		2, 5, 9, 1, 4, 2, 0			/* role peer; RR */
	};
	static const uint8_t	 rcvd[] = {
		4, 0x1f, 0x8b, 0, 90, 192, 0, 2, 2,	/* AS 8075 */
		0
	};
	static const uint8_t	 ext[] = {
		4, 0x1f, 0x8b, 0, 90, 192, 0, 2, 2,
		255, 255, 0, 5,				/* RFC 9072 */
		2, 0, 2, 2, 0				/* route refresh */
	};
	uint8_t			 d[256];
	struct bmp_ctx		 c;
	struct bmp_msg		 m;
	char			*cause = NULL;
	size_t			 n, k;
	int			 pass;

	(void)state;
	decode_bmp_ctx_init(&c);
	for (pass = 0; pass < 2; pass++) {
		n = put_hdr(d, 0, BMP_PEER_UP);
		n += put_peer(d + n, BMP_PEER_GLOBAL, 0);
		memset(d + n, 0, 20);
		n += 20;
		/* Two OPENs: marker, length, type, body. */
		for (k = 0; k < 2; k++) {
			const uint8_t	*b = k == 0 ? sent : pass ? ext : rcvd;
			size_t		 bl = k == 0 ? sizeof sent : pass ?
					     sizeof ext : sizeof rcvd;

			memset(d + n, 0xff, 16);
			d[n + 16] = 0;
			d[n + 17] = 19 + bl;
			d[n + 18] = 1;
			memcpy(d + n + 19, b, bl);
			n += 19 + bl;
		}
		put_hdr(d, n, BMP_PEER_UP);
		if (decode_bmp(&c, d, n, 0, &m, &cause) == -1)
			fail_msg("%s", cause);
		assert_int_equal(m.up.sent_x.graceful_restart, 1);
		assert_true(m.up.sent.route_refresh);
		assert_int_equal(m.up.received_x.graceful_restart, 0);
		decode_bmp_msg_free(&m);
	}
	decode_bmp_ctx_free(&c);
}

/* Every prefix of every message of a capture, and byte flips: errors or
 * success, never a crash (run under ASan by make check-asan). */
static void
test_truncations(void **state)
{
	struct file		 f;
	struct bmp_framer	 fr;
	struct bmp_ctx		 c;
	struct bmp_msg		 m;
	const uint8_t		*p;
	uint8_t			*copy;
	size_t			 len, cut, nerr = 0, nmsg = 0;
	uint64_t		 off;
	uint32_t		 x = 7;
	char			*cause = NULL;

	f = load("205-BMP-6wind-FRR-peer_down/traffic-00.bmp");
	decode_bmp_framer_init(&fr);
	decode_bmp_ctx_init(&c);
	assert_int_equal(decode_bmp_framer_feed(&fr, f.data, f.len, &cause), 0);
	while (decode_bmp_framer_next(&fr, &p, &len, &off, &cause) == 1) {
		copy = xmalloc(len);
		for (cut = BMP_HDR_LEN; cut < len; cut++) {
			memcpy(copy, p, cut);
			/* keep the common header length consistent */
			put_hdr(copy, cut, p[5]);
			if (decode_bmp(&c, copy, cut, off, &m, &cause) == -1) {
				assert_non_null(cause);
				free(cause);
				cause = NULL;
				nerr++;
			} else
				decode_bmp_msg_free(&m);
		}
		memcpy(copy, p, len);
		x = x * 1103515245 + 12345;
		copy[BMP_HDR_LEN + (x >> 8) % (len - BMP_HDR_LEN)] ^=
		    1 << ((x >> 4) & 7);
		if (decode_bmp(&c, copy, len, off, &m, &cause) == -1) {
			free(cause);
			cause = NULL;
		} else
			decode_bmp_msg_free(&m);
		free(copy);
		nmsg++;
	}
	assert_int_equal(nmsg, 1 + 7 + 451 + 48 + 2);
	assert_true(nerr > nmsg);
	decode_bmp_framer_free(&fr);
	decode_bmp_ctx_free(&c);
	free(f.data);
}

/* A BGP OPEN with the 4-octet AS and ADD-PATH (IPv4 unicast; addpath 1
 * receive, 2 send, 3 both) capabilities. */
static size_t
put_open(uint8_t *p, uint32_t as, uint8_t addpath)
{
	static const uint8_t	 body[] = {
		4, 0x5b, 0xa0, 0, 90, 192, 0, 2, 1,	/* AS_TRANS, hold, id */
		14, 2, 12,				/* capabilities */
		65, 4, 0, 0, 0, 0,			/* 4-octet AS */
		69, 4, 0, 1, 1, 3			/* ADD-PATH */
	};
	size_t			 n = 0;

	memset(p, 0xff, 16);
	n = 16;
	p[n++] = 0;
	p[n++] = 19 + sizeof body;
	p[n++] = 1;				/* OPEN */
	memcpy(p + n, body, sizeof body);
	p[n + 14] = as >> 24;
	p[n + 15] = as >> 16;
	p[n + 16] = as >> 8;
	p[n + 17] = as;
	p[n + 23] = addpath;
	return (n + sizeof body);
}

/* An UPDATE with these attributes announcing 198.51.100.0/24 (path id 5
 * when addpath). */
static size_t
put_update_msg(uint8_t *p, const uint8_t *attrs, size_t attrlen, int addpath)
{
	size_t	 n;

	memset(p, 0xff, 16);
	n = 18;					/* length, below */
	p[n++] = 2;				/* UPDATE */
	p[n++] = 0; p[n++] = 0;			/* no withdrawn */
	p[n++] = 0; p[n++] = attrlen;
	memcpy(p + n, attrs, attrlen);
	n += attrlen;
	if (addpath) {
		memcpy(p + n, "\0\0\0\5", 4);
		n += 4;
	}
	p[n++] = 24;
	memcpy(p + n, "\xc6\x33\x64", 3);
	n += 3;
	p[16] = n >> 8;
	p[17] = n;
	return (n);
}

/* An UPDATE announcing 198.51.100.0/24 (path id 5 when addpath) with
 * AS_PATH 64500 4200000000 (as4) or 64500 23456 (2-byte). */
static size_t
put_update(uint8_t *p, int as4, int addpath)
{
	uint8_t	 attrs[64];
	size_t	 a = 0;

	attrs[a++] = 0x40; attrs[a++] = 1; attrs[a++] = 1; attrs[a++] = 0;
	attrs[a++] = 0x40; attrs[a++] = 2;
	attrs[a++] = as4 ? 10 : 6;
	attrs[a++] = 2; attrs[a++] = 2;		/* AS_SEQUENCE of 2 */
	if (as4) {
		memcpy(attrs + a, "\0\0\xfb\xf4\xfa\x56\xea\x00", 8);
		a += 8;
	} else {
		memcpy(attrs + a, "\xfb\xf4\x5b\xa0", 4);
		a += 4;
	}
	attrs[a++] = 0x40; attrs[a++] = 3; attrs[a++] = 4;	/* NEXT_HOP */
	memcpy(attrs + a, "\xc0\x00\x02\x01", 4);
	a += 4;
	return (put_update_msg(p, attrs, a, addpath));
}

/*
 * The Peer Up's OPENs decide ADD-PATH for that peer's later Route
 * Monitoring; the A flag (RFC 7854 4.2) says the AS_PATH has 2-byte ASNs.
 */
static void
test_peer_state(void **state)
{
	uint8_t			 d[512];
	struct bmp_ctx		 c;
	struct bmp_msg		 m;
	const struct bmp_peer_state *ps;
	char			*cause = NULL, pfx[PREFIX_STRLEN];
	size_t			 n;

	decode_bmp_ctx_init(&c);
	n = put_hdr(d, 0, BMP_PEER_UP);
	n += put_peer(d + n, BMP_PEER_GLOBAL, 0);
	memset(d + n, 0, 16);
	d[n + 12] = 192; d[n + 13] = 0; d[n + 14] = 2; d[n + 15] = 2;
	n += 16;
	d[n++] = 0; d[n++] = 179; d[n++] = 0xc3; d[n++] = 0x50;
	n += put_open(d + n, 4200000001U, 3);
	n += put_open(d + n, 64500, 3);
	d[n++] = 0; d[n++] = 3; d[n++] = 0; d[n++] = 4;	/* table name */
	memcpy(d + n, "blue", 4);
	n += 4;
	put_hdr(d, n, BMP_PEER_UP);
	if (decode_bmp(&c, d, n, 0, &m, &cause) == -1)
		fail_msg("%s", cause);
	assert_int_equal(m.up.local_port, 179);
	assert_int_equal(m.up.remote_port, 50000);
	assert_int_equal(m.up.sent.asn, 4200000001U);
	assert_int_equal(m.up.received.asn, 64500);
	assert_string_equal(m.up.table_name, "blue");
	ps = decode_bmp_ctx_peer(&c, &m.peer);
	assert_non_null(ps);
	assert_true(ps->as4);
	assert_true(ps->addpath_in_v4);
	assert_false(ps->addpath_in_v6);
	decode_bmp_msg_free(&m);

	n = put_hdr(d, 0, BMP_ROUTE_MONITORING);
	n += put_peer(d + n, BMP_PEER_GLOBAL, 0);
	n += put_update(d + n, 1, 1);
	put_hdr(d, n, BMP_ROUTE_MONITORING);
	if (decode_bmp(&c, d, n, 0, &m, &cause) == -1)
		fail_msg("%s", cause);
	assert_true(m.rm.as4);
	assert_true(m.rm.addpath_v4);
	assert_int_equal(m.rm.update.nannounced, 1);
	assert_int_equal(m.rm.update.announced[0].path_id, 5);
	prefix_fmt(&m.rm.update.announced[0].prefix, pfx, sizeof pfx);
	assert_string_equal(pfx, "198.51.100.0/24");
	assert_int_equal(m.rm.update.attrs.aspath.nasns, 2);
	assert_int_equal(m.rm.update.attrs.aspath.asns[1], 4200000000U);
	decode_bmp_msg_free(&m);

	/* post-policy, legacy 2-byte AS_PATH, unknown peer: no path ids */
	n = put_hdr(d, 0, BMP_ROUTE_MONITORING);
	n += put_peer(d + n, BMP_PEER_GLOBAL,
	    BMP_PEER_FLAG_A | BMP_PEER_FLAG_L);
	d[6 + 25] = 9;					/* 192.0.2.9 */
	n += put_update(d + n, 0, 0);
	put_hdr(d, n, BMP_ROUTE_MONITORING);
	if (decode_bmp(&c, d, n, 0, &m, &cause) == -1)
		fail_msg("%s", cause);
	assert_false(m.rm.as4);
	assert_false(m.rm.addpath_v4);
	assert_int_equal(m.rm.update.nannounced, 1);
	assert_int_equal(m.rm.update.announced[0].path_id, 0);
	assert_int_equal(m.rm.update.attrs.aspath.asns[0], 64500);
	assert_int_equal(m.rm.update.attrs.aspath.asns[1], 23456);
	decode_bmp_msg_free(&m);

	/*
	 * Adj-RIB-Out (RFC 8671): the router sends path ids (2) that the
	 * peer receives (1); its Adj-RIB-In gets none back.
	 */
	n = put_hdr(d, 0, BMP_PEER_UP);
	n += put_peer(d + n, BMP_PEER_GLOBAL, BMP_PEER_FLAG_O);
	d[6 + 25] = 7;					/* 192.0.2.7 */
	memset(d + n, 0, 20);
	n += 20;
	n += put_open(d + n, 64501, 2);
	n += put_open(d + n, 64502, 1);
	put_hdr(d, n, BMP_PEER_UP);
	if (decode_bmp(&c, d, n, 0, &m, &cause) == -1)
		fail_msg("%s", cause);
	ps = decode_bmp_ctx_peer(&c, &m.peer);
	assert_non_null(ps);
	assert_false(ps->addpath_in_v4);
	assert_true(ps->addpath_out_v4);
	n = put_hdr(d, 0, BMP_ROUTE_MONITORING);
	n += put_peer(d + n, BMP_PEER_GLOBAL, BMP_PEER_FLAG_O);
	d[6 + 25] = 7;
	n += put_update(d + n, 1, 1);
	put_hdr(d, n, BMP_ROUTE_MONITORING);
	if (decode_bmp(&c, d, n, 0, &m, &cause) == -1)
		fail_msg("%s", cause);
	assert_true(m.rm.addpath_v4);
	assert_int_equal(m.rm.update.announced[0].path_id, 5);
	decode_bmp_msg_free(&m);

	/* Peer Down forgets nothing but marks the peer down */
	n = put_hdr(d, 0, BMP_PEER_DOWN);
	n += put_peer(d + n, BMP_PEER_GLOBAL, 0);
	d[n++] = 4;
	put_hdr(d, n, BMP_PEER_DOWN);
	assert_int_equal(decode_bmp(&c, d, n, 0, &m, &cause), 0);
	ps = decode_bmp_ctx_peer(&c, &m.peer);
	assert_non_null(ps);
	assert_false(ps->up);
	assert_int_equal(c.count[BMP_PEER_UP], 2);
	assert_int_equal(c.count[BMP_ROUTE_MONITORING], 3);
	assert_int_equal(c.count[BMP_PEER_DOWN], 1);
	decode_bmp_ctx_free(&c);
}

/*
 * An UPDATE from a 2-octet speaker for 198.51.100.0/24: AS_PATH 64500
 * 23456 and AGGREGATOR 64500 in 2 octets, or in 4 as a router re-encodes
 * them for BMP (as4), and AS4_PATH 64500 4200000000.
 */
static size_t
put_update_as4path(uint8_t *p, int as4)
{
	static const uint8_t as2attrs[] = {
		0x40, 1, 1, 0,
		0x40, 2, 6, 2, 2, 0xfb, 0xf4, 0x5b, 0xa0,
		0x40, 3, 4, 192, 0, 2, 1,
		0xc0, 7, 6, 0xfb, 0xf4, 192, 0, 2, 1,
		0xc0, 17, 10, 2, 2, 0, 0, 0xfb, 0xf4, 0xfa, 0x56, 0xea, 0x00,
	};
	static const uint8_t as4attrs[] = {
		0x40, 1, 1, 0,
		0x40, 2, 10, 2, 2, 0, 0, 0xfb, 0xf4, 0, 0, 0x5b, 0xa0,
		0x40, 3, 4, 192, 0, 2, 1,
		0xc0, 7, 8, 0, 0, 0xfb, 0xf4, 192, 0, 2, 1,
		0xc0, 17, 10, 2, 2, 0, 0, 0xfb, 0xf4, 0xfa, 0x56, 0xea, 0x00,
	};
	if (as4)
		return (put_update_msg(p, as4attrs, sizeof as4attrs, 0));
	return (put_update_msg(p, as2attrs, sizeof as2attrs, 0));
}

/* A BGP OPEN from AS as without capabilities (a 2-octet speaker). */
static size_t
put_open_old(uint8_t *p, uint16_t as)
{
	static const uint8_t	 body[] = { 4, 0, 0, 0, 90, 192, 0, 2, 1, 0 };

	memset(p, 0xff, 16);
	p[16] = 0;
	p[17] = 19 + sizeof body;
	p[18] = 1;				/* OPEN */
	memcpy(p + 19, body, sizeof body);
	p[20] = as >> 8;
	p[21] = as;
	return (19 + sizeof body);
}

/* Route Monitoring of put_update_as4path() from peer 192.0.2.last. */
static void
rm_as4path(struct bmp_ctx *c, uint8_t last, int as4, struct bmp_msg *m)
{
	uint8_t		 d[512];
	size_t		 n;
	char		*cause = NULL;

	n = put_hdr(d, 0, BMP_ROUTE_MONITORING);
	n += put_peer(d + n, BMP_PEER_GLOBAL, as4 ? 0 : BMP_PEER_FLAG_A);
	d[6 + 25] = last;
	n += put_update_as4path(d + n, as4);
	put_hdr(d, n, BMP_ROUTE_MONITORING);
	if (decode_bmp(c, d, n, 0, m, &cause) == -1)
		fail_msg("%s", cause);
	assert_int_equal(m->rm.update.attrs.aspath.nasns, 2);
	assert_int_equal(m->rm.update.attrs.aspath.asns[0], 64500);
	assert_int_equal(m->rm.update.attrs.aggr_as, 64500);
}

/*
 * RFC 6793 4.2.3 in BMP: a peer whose Peer Up shows a session without
 * the 4-octet AS capability has AS4_PATH merged whether the router
 * forwarded its AS_PATH in 2 octets (A flag) or re-encoded it in 4; on a
 * 4-octet session AS4_PATH is ignored (RFC 6793 6).  A real AGGREGATOR
 * without AS4_AGGREGATOR does not stop the merge.
 */
static void
test_as4_old_peer(void **state)
{
	uint8_t			 d[512];
	struct bmp_ctx		 c;
	struct bmp_msg		 m;
	const struct bmp_peer_state *ps;
	char			*cause = NULL;
	size_t			 n;
	uint8_t			 last;

	(void)state;
	decode_bmp_ctx_init(&c);
	/* 192.0.2.1 speaks 2 octets; 192.0.2.2 speaks 4. */
	for (last = 1; last <= 2; last++) {
		n = put_hdr(d, 0, BMP_PEER_UP);
		n += put_peer(d + n, BMP_PEER_GLOBAL, 0);
		d[6 + 25] = last;
		memset(d + n, 0, 20);
		n += 20;
		n += put_open(d + n, 64496, 0);
		if (last == 1)
			n += put_open_old(d + n, 64500);
		else
			n += put_open(d + n, 64500, 0);
		put_hdr(d, n, BMP_PEER_UP);
		if (decode_bmp(&c, d, n, 0, &m, &cause) == -1)
			fail_msg("%s", cause);
		ps = decode_bmp_ctx_peer(&c, &m.peer);
		assert_non_null(ps);
		assert_int_equal(ps->as4, last == 2);
		decode_bmp_msg_free(&m);
	}

	rm_as4path(&c, 1, 0, &m);
	assert_false(m.rm.as4);
	assert_int_equal(m.rm.update.attrs.aspath.asns[1], 4200000000U);
	decode_bmp_msg_free(&m);

	rm_as4path(&c, 1, 1, &m);
	assert_true(m.rm.as4);
	assert_true(m.rm.opts.as4_old_peer);
	assert_int_equal(m.rm.update.attrs.aspath.asns[1], 4200000000U);
	decode_bmp_msg_free(&m);

	rm_as4path(&c, 2, 1, &m);
	assert_false(m.rm.opts.as4_old_peer);
	assert_int_equal(m.rm.update.attrs.aspath.asns[1], 23456);
	decode_bmp_msg_free(&m);
	decode_bmp_ctx_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_200),
		cmocka_unit_test(test_capture_201),
		cmocka_unit_test(test_capture_202),
		cmocka_unit_test(test_capture_205),
		cmocka_unit_test(test_capture_206),
		cmocka_unit_test(test_framer_errors),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_init_term),
		cmocka_unit_test(test_peer_state),
		cmocka_unit_test(test_as4_old_peer),
		cmocka_unit_test(test_skipped),
		cmocka_unit_test(test_peer_up_gr),
		cmocka_unit_test(test_truncations),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
