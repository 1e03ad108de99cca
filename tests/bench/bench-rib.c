/* SPDX-License-Identifier: ISC */
/*
 * RIB benchmarks (issue 3), each printed with its target and PASS/MISS:
 *
 * 1. MRT into the RIB: a raw (uncompressed) TABLE_DUMP_V2 file loaded
 *    into a fresh RIB with rib_mrt_record(), from memory (the bytes read
 *    beforehand: no I/O) and through decode_mrt_open() (the page cache),
 *    median of -n runs, in elements/s; with -b the seconds bgpdump -m took
 *    on the same file (measured by bench-rib.sh in the same run), the
 *    ratio to bgpdump's elements/s (target: at least 10).
 *    Then the cost of the keyed attribute hash (rib-attr.c, SipHash-1-3)
 *    on that load: the attribute bytes of every RIB entry (what the RIB
 *    hashes, one call each) hashed with it and with the unkeyed
 *    multiplicative hash it replaced, in the same run, median of -n;
 *    seconds per load and the share of the load time from memory.
 * 2. Memory: both files loaded into one RIB, its longest-match index
 *    built; bytes per stored route from rib_stats().mem (every allocation
 *    the RIB makes, the index included; attribute sets as glibc's malloc
 *    chunks), by part, with the growth of the process RSS as a
 *    cross-check (target: at most 64; published figures for BIRD and
 *    OpenBGPD beside it).
 * 3. Longest match: 1,000,000 IPv4 prefixes (the real ones of both files,
 *    then random ones with a /24-heavy length mix as in a real table) and
 *    random addresses (a new random set per batch, so nothing repeats
 *    into the cache), each figure the median over batches:
 *    - rib_longest() of one address after another, ns per lookup: the
 *      figure the target (at most 100) is about, measured as before the
 *      index existed (independent lookups: the processor may overlap the
 *      end of one with the start of the next);
 *    - the same with each address depending on the previous answer, so
 *      that nothing overlaps: the latency of one lookup alone;
 *    - rib_longest_batch() on 100,000 addresses, ns per address: a
 *      throughput figure, printed apart and labelled so;
 *    - the time to build the index once and its size; for comparison
 *      the old path, a walk down the trie (rib_longest() of the /31,
 *      which the index does not answer), and a check that both agree
 *      (bench-rib exits 1 if they do not).
 *
 * 4. IPv6 longest match: the IPv6 RIB file (third argument) plus random
 *    prefixes with a full table's length mix up to 200,000, addresses
 *    nine in ten inside a random prefix of the table; rib_longest() of
 *    an address (the index, core/rib-lpm6.c) against the trie walk it
 *    replaces (rib_longest() of the /127) in the same run, median ns
 *    per lookup over batches, the ratio, target at most 100 ns; every
 *    answer of the walk batches is checked against the index (bench-rib
 *    exits 1 if any differs).
 *
 * Usage: bench-rib [-n runs] [-b bgpdump-seconds] [-f figures] RIB.mrt
 *	  UPDATES.mrt [RIB6.mrt]
 * -f: the figures to run, as digits (default 1234).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/decode-mrt.h"
#include "core/rib.h"
#include "core/siphash.h"
#include "tests/bench/bench-util.h"

#define NPREFIXES	1000000
#define NLOOKUPS	100000		/* per batch */
#define NBATCHES	50

/* Distinct IPv6 prefixes, in walk order. */
struct v6set {
	struct prefix	*p;
	size_t		 n, cap;
};

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE		*f;
	struct stat	 sb;
	uint8_t		*p;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &sb) != 0) {
		perror(path);
		exit(1);
	}
	p = malloc(sb.st_size + 1);
	if (p == NULL || fread(p, 1, sb.st_size, f) != (size_t)sb.st_size) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(1);
	}
	fclose(f);
	*len = sb.st_size;
	return (p);
}

/* Load a file (from memory if mem != NULL) into r; returns elements. */
static void	bench_hash(const uint8_t *, size_t, int, double);

static void
attr_noop_cb(const struct mrt_elem *e, void *arg)
{
	(void)e;
	(void)arg;
}

static uint64_t
load(struct rib *r, const char *path, const uint8_t *mem, size_t len)
{
	struct mrt_decoder	 d;
	struct mrt_reader	*rd;
	struct mrt_record	 rec;
	char			*cause = NULL;
	uint64_t		 n;
	int			 rv;

	rd = mem != NULL ? decode_mrt_mem(mem, len, path) :
	    decode_mrt_open(path, &cause);
	if (rd == NULL) {
		fprintf(stderr, "%s\n", cause);
		exit(1);
	}
	decode_mrt_init(&d);
	while ((rv = decode_mrt_next(rd, &rec, &cause)) == 1) {
		if (rib_mrt_record(r, &d, &rec, path, &cause) != 0) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			cause = NULL;
		}
	}
	if (rv == -1) {
		fprintf(stderr, "%s\n", cause);
		exit(1);
	}
	decode_mrt_close(rd);
	n = d.nelems;
	decode_mrt_free(&d);
	return (n);
}

static long
rss(void)
{
	FILE	*f;
	long	 size, res;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return (-1);
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return (res < 0 ? -1 : res * sysconf(_SC_PAGESIZE));
}

static const char *
verdict(int ok)
{
	return (ok ? "PASS" : "MISS");
}

/* 1. MRT decode into the RIB. */
static void
bench_load(const char *path, int runs, double bgpdump_s)
{
	struct rib	*r;
	uint8_t		*mem;
	size_t		 len;
	double		*tm, *tf, t0, sm, sf, bps = 0;
	uint64_t	 n = 0;
	int		 i;

	mem = slurp(path, &len);
	tm = calloc(runs, sizeof *tm);
	tf = calloc(runs, sizeof *tf);
	for (i = -1; i < runs; i++) {		/* one warm-up */
		r = rib_new();
		t0 = bench_now();
		n = load(r, path, mem, len);
		if (i >= 0)
			tm[i] = bench_now() - t0;
		rib_free(r);
		r = rib_new();
		t0 = bench_now();
		load(r, path, NULL, 0);
		if (i >= 0)
			tf[i] = bench_now() - t0;
		rib_free(r);
	}
	sm = bench_median(tm, runs);
	sf = bench_median(tf, runs);
	printf("1. MRT into the RIB: %s, %zu bytes, %llu elements, "
	    "median of %d\n", path, len, (unsigned long long)n, runs);
	if (bgpdump_s > 0) {
		bps = n / bgpdump_s;
		printf("   bgpdump -m              %8.4f s %11.0f el/s\n",
		    bgpdump_s, bps);
	}
	printf("   RIB load, from memory   %8.4f s %11.0f el/s", sm, n / sm);
	if (bps > 0)
		printf("  %6.1fx bgpdump  target >= 10x  %s", n / sm / bps,
		    verdict(n / sm / bps >= 10));
	printf("\n   RIB load, page cache    %8.4f s %11.0f el/s", sf, n / sf);
	if (bps > 0)
		printf("  %6.1fx bgpdump  target >= 10x  %s", n / sf / bps,
		    verdict(n / sf / bps >= 10));
	printf("\n");
	bench_hash(mem, len, runs, sm);
	free(tm);
	free(tf);
	free(mem);
}

/*
 * The unkeyed hash rib-attr.c used before SipHash-1-3, kept here to
 * time against: two lanes of 8-byte words through multiplications, the
 * tail read as the last 8 bytes.
 */
static uint32_t
old_hash(const uint8_t *p, size_t len, int as4)
{
	const uint8_t	*e = p + len;
	uint64_t	 h1 = 0x9e3779b97f4a7c15ULL ^ (len << 1) ^ (as4 != 0);
	uint64_t	 h2 = 0x6a09e667f3bcc909ULL, a, b;

	while (e - p >= 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		h1 = (h1 ^ a) * 0xff51afd7ed558ccdULL;
		h2 = (h2 ^ b) * 0xc4ceb9fe1a85ec53ULL;
		h1 ^= h1 >> 29;
		h2 ^= h2 >> 31;
		p += 16;
	}
	if (e - p >= 8) {
		memcpy(&a, p, 8);
		h1 = (h1 ^ a) * 0xff51afd7ed558ccdULL;
		h1 ^= h1 >> 29;
		p += 8;
	}
	if (p < e) {
		if (len >= 8)
			memcpy(&a, e - 8, 8);
		else
			for (a = 0; p < e; p++)
				a = a << 8 | *p;
		h2 = (h2 ^ a) * 0xc4ceb9fe1a85ec53ULL;
	}
	h1 ^= (h2 << 32 | h2 >> 32);
	h1 *= 0x9e3779b97f4a7c15ULL;
	h1 ^= h1 >> 32;
	return ((uint32_t)h1 | 1);
}

/* As rib-attr.c's rib_hash(): the as4 mode in the key, 32 bits folded. */
static uint32_t
new_hash(const struct siphash_key *key, const uint8_t *p, size_t len,
    int as4)
{
	struct siphash_key	 k;
	uint64_t		 h;

	k.k0 = key->k0 ^ (uint64_t)as4;
	k.k1 = key->k1;
	h = siphash13(&k, p, len);
	return ((uint32_t)(h ^ h >> 32) | 1);
}

struct attr_span {
	const uint8_t	*p;
	size_t		 len;
};

/* The attribute bytes of every TABLE_DUMP_V2 RIB entry of mem. */
static struct attr_span *
attr_spans(const uint8_t *mem, size_t len, size_t *n)
{
	struct mrt_decoder	 d;
	struct mrt_reader	*rd;
	struct mrt_record	 rec;
	struct mrt_rib_entry	 re;
	struct attr_span	*v = NULL;
	struct prefix		 pfx;
	struct buf		 b;
	const char		*what;
	char			*cause = NULL;
	size_t			 cap = 0;
	uint16_t		 count, i;
	int			 af;

	*n = 0;
	rd = decode_mrt_mem(mem, len, "mem");
	decode_mrt_init(&d);
	while (decode_mrt_next(rd, &rec, &cause) == 1) {
		if (rec.type != MRT_TABLE_DUMP_V2)
			continue;
		if (rec.subtype == MRT_TD2_PEER_INDEX) {
			decode_mrt_record(&d, &rec, "mem", attr_noop_cb, NULL,
			    &cause);
			continue;
		}
		if (rec.subtype != MRT_TD2_RIB_IPV4_UNI &&
		    rec.subtype != MRT_TD2_RIB_IPV6_UNI)
			continue;
		af = rec.subtype == MRT_TD2_RIB_IPV4_UNI ? AF_INET : AF_INET6;
		buf_init(&b, rec.body, rec.len);
		if (decode_mrt_rib_header(&b, af, &pfx, &count, &what) != 0)
			continue;
		for (i = 0; i < count; i++) {
			if (decode_mrt_rib_entry(&d, &b, 0, &re, &what) != 0)
				break;
			if (*n == cap) {
				cap = cap == 0 ? 65536 : cap * 2;
				v = realloc(v, cap * sizeof *v);
				if (v == NULL)
					exit(1);
			}
			v[*n].p = buf_ptr(&re.attrs);
			v[*n].len = buf_left(&re.attrs);
			(*n)++;
		}
	}
	free(cause);
	decode_mrt_close(rd);
	decode_mrt_free(&d);
	return (v);
}

/* The keyed hash against the old one on every RIB entry's attributes. */
static void
bench_hash(const uint8_t *mem, size_t len, int runs, double load_s)
{
	struct siphash_key	 key;
	struct attr_span	*v;
	size_t			 n, j, bytes = 0;
	double			*to, *tn, t0, so, sn;
	uint32_t		 sink = 0;
	int			 i;

	siphash_key_random(&key);
	v = attr_spans(mem, len, &n);
	for (j = 0; j < n; j++)
		bytes += v[j].len;
	to = calloc(runs, sizeof *to);
	tn = calloc(runs, sizeof *tn);
	for (i = -1; i < runs; i++) {
		t0 = bench_now();
		for (j = 0; j < n; j++)
			sink ^= old_hash(v[j].p, v[j].len, 1);
		if (i >= 0)
			to[i] = bench_now() - t0;
		t0 = bench_now();
		for (j = 0; j < n; j++)
			sink ^= new_hash(&key, v[j].p, v[j].len, 1);
		if (i >= 0)
			tn[i] = bench_now() - t0;
	}
	so = bench_median(to, runs);
	sn = bench_median(tn, runs);
	printf("   attribute hash, %zu sets of %.1f bytes on average "
	    "(one hash each in the load):\n", n, n ? (double)bytes / n : 0);
	printf("     old unkeyed multiplicative %8.4f s %6.1f ns/set "
	    "%5.1f%% of the load\n", so, so * 1e9 / (n ? n : 1),
	    100 * so / load_s);
	printf("     SipHash-1-3, random key    %8.4f s %6.1f ns/set "
	    "%5.1f%% of the load  (+%.4f s)%s\n", sn, sn * 1e9 / (n ? n : 1),
	    100 * sn / load_s, sn - so, sink == 0 ? " " : "");
	free(to);
	free(tn);
	free(v);
}

/* 2. Memory per route with both files in one RIB. */
#define PER(x)	(st.routes ? (double)(x) / st.routes : 0)
static void
bench_mem(const char *a, const char *b)
{
	struct rib		*r;
	struct rib_stats	 st;
	long			 r0, r1;
	double			 per;

	struct rib_stats	 st0;

	r0 = rss();
	r = rib_new();
	load(r, a, NULL, 0);
	load(r, b, NULL, 0);
	rib_stats(r, &st0);
	rib_longest_prepare(r);
	r1 = rss();
	rib_stats(r, &st);
	per = st.routes ? (double)st.mem / st.routes : 0;
	printf("2. Memory, both files in one RIB: %zu routes, %zu prefixes, "
	    "%zu nodes, %zu peers,\n   %zu attribute sets (%zu bytes raw)\n",
	    st.routes, st.prefixes, st.nodes, rib_npeers(r), st.attrs,
	    st.attr_bytes);
	printf("   rib_stats().mem %zu bytes = %.1f bytes/route  "
	    "target <= 64  %s\n", st.mem, per, verdict(per <= 64));
	printf("   (published: BIRD about 100 bytes/route, %.2fx this; "
	    "OpenBGPD about 450, %.1fx)\n", 100 / per, 450 / per);
	printf("   (of which the IPv4 longest-match index %zu bytes = "
	    "%.1f bytes/route)\n", st.mem - st0.mem,
	    st.routes ? (double)(st.mem - st0.mem) / st.routes : 0);
	printf("   by part, bytes/route: route entries %.1f, trie nodes %.1f "
	    "(%.1f per node),\n     attribute sets %.1f (%.1f per set, "
	    "%.1f routes a set), indexes %.1f, rest %.1f\n",
	    PER(st.mem_routes), PER(st.mem_nodes),
	    st.nodes ? (double)st.mem_nodes / st.nodes : 0, PER(st.mem_attrs),
	    st.attrs ? (double)st.mem_attrs / st.attrs : 0,
	    st.attrs ? (double)st.routes / st.attrs : 0, PER(st.mem_index),
	    PER(st.mem - st.mem_routes - st.mem_nodes - st.mem_attrs -
	    st.mem_index));
	if (r0 >= 0 && r1 >= 0)
		printf("   RSS growth %ld bytes = %.1f bytes/route "
		    "(cross-check)\n", r1 - r0,
		    st.routes ? (double)(r1 - r0) / st.routes : 0);
	rib_free(r);
}

/* A small xorshift generator: the same numbers on every run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

/*
 * The IPv4 address v (host order) into a's bytes; static in this file so
 * that the compiler inlines it into the timed loops.
 */
static void
addr_set_v4(struct addr *a, uint32_t v)
{
	a->b[0] = v >> 24;
	a->b[1] = v >> 16;
	a->b[2] = v >> 8;
	a->b[3] = v;
}

/*
 * The floor under any lookup: one dependent random read from a working
 * set of mb megabytes (a pointer chase through a random cycle).
 */
static double
chase_ns(size_t mb)
{
	uint32_t	*next, *perm, t;
	uint64_t	 s = 0x2545f4914f6cdd1dULL;
	size_t		 n = mb * 1024 * 1024 / sizeof *next, i, j;
	uint32_t	 p = 0;
	double		 t0, dt;

	next = malloc(n * sizeof *next);
	perm = malloc(n * sizeof *perm);
	if (next == NULL || perm == NULL)
		return (0);
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = rnd(&s) % (i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < n; i++)
		next[perm[i]] = perm[(i + 1) % n];
	free(perm);
	t0 = bench_now();
	for (i = 0; i < 2000000; i++)
		p = next[p];
	dt = bench_now() - t0;
	free(next);
	return (dt * 1e9 / 2000000 + (p == 0xffffffff));
}

/* 3. Longest match over 1M prefixes. */
static void
bench_lookup(const char *a, const char *b)
{
	struct rib		*r;
	struct rib_stats	 st;
	struct rib_peer_key	 k;
	struct bgp_decode_opts	 o;
	struct rib_attr		*attr;
	struct prefix		 p, m;
	static const uint8_t	 raw[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1,
	    0, 0, 0xfd, 0xe9, 0x40, 3, 4, 192, 0, 2, 1 };
	struct rib_stats	 st1;
	uint32_t		*addrs, v;
	struct prefix		*qs, *ms;
	int			*fs;
	double			 t[NBATCHES], t0, med, tb, tmed, bmed, dmed;
	uint64_t		 s = 0x9e3779b97f4a7c15ULL, found = 0, tfound = 0;
	uint64_t		 bfound = 0;
	size_t			 real, i, differ = 0;
	int			 peer, taw, j;
	char			*cause = NULL;

	r = rib_new();
	load(r, a, NULL, 0);
	load(r, b, NULL, 0);
	rib_stats(r, &st);
	real = st.prefixes;
	memset(&k, 0, sizeof k);
	k.kind = RIB_PEER_LOC_RIB;
	peer = rib_peer_get(r, &k);
	memset(&o, 0, sizeof o);
	o.as4 = 1;
	attr = rib_attr_get(r, raw, sizeof raw, &o, &taw, &cause);
	if (attr == NULL) {
		fprintf(stderr, "bench attributes: %s\n", cause);
		exit(1);
	}
	memset(&p, 0, sizeof p);
	p.addr.af = AF_INET;
	while (st.prefixes < NPREFIXES) {
		v = rnd(&s);
		j = rnd(&s) % 100;
		/* Lengths roughly as in a full table: 60% /24. */
		p.len = j < 60 ? 24 : j < 70 ? 23 : j < 80 ? 22 :
		    j < 88 ? 21 : j < 94 ? 20 : j < 97 ? 19 : 16 + j % 3;
		v &= ~0U << (32 - p.len);
		addr_set_v4(&p.addr, v);
		rib_announce(r, peer, &p, 0, attr);
		rib_stats(r, &st);
	}
	rib_attr_put(r, attr);
	rib_stats(r, &st);
	t0 = bench_now();
	rib_longest_prepare(r);
	tb = bench_now() - t0;
	rib_stats(r, &st1);

	addrs = malloc(NLOOKUPS * sizeof *addrs);
	p.len = 32;
	for (j = 0; j < NBATCHES; j++) {
		for (i = 0; i < NLOOKUPS; i++)
			addrs[i] = rnd(&s);
		t0 = bench_now();
		for (i = 0; i < NLOOKUPS; i++) {
			addr_set_v4(&p.addr, addrs[i]);
			found += rib_longest(r, &p, &m);
		}
		t[j] = (bench_now() - t0) * 1e9 / NLOOKUPS;
	}
	med = bench_median(t, NBATCHES);

	/*
	 * The same, each address depending on the previous answer (a
	 * change of its last bit the compiler cannot see through), so that
	 * no lookup can start before the previous one ends: latency with
	 * no overlap at all.
	 */
	for (j = 0; j < NBATCHES; j++) {
		for (i = 0; i < NLOOKUPS; i++)
			addrs[i] = rnd(&s);
		m.len = 0;
		t0 = bench_now();
		for (i = 0; i < NLOOKUPS; i++) {
			v = addrs[i] ^ (m.len > 32);
			addr_set_v4(&p.addr, v);
			if (rib_longest(r, &p, &m) == 0)
				m.len = 0;
		}
		t[j] = (bench_now() - t0) * 1e9 / NLOOKUPS;
	}
	dmed = bench_median(t, NBATCHES);

	/*
	 * rib_longest_batch() over the same kind of batches: its time
	 * divided by the addresses is throughput, not the latency of one.
	 */
	qs = malloc(NLOOKUPS * sizeof *qs);
	ms = malloc(NLOOKUPS * sizeof *ms);
	fs = malloc(NLOOKUPS * sizeof *fs);
	if (addrs == NULL || qs == NULL || ms == NULL || fs == NULL) {
		fprintf(stderr, "bench-rib: out of memory\n");
		exit(1);
	}
	memset(qs, 0, NLOOKUPS * sizeof *qs);
	for (j = 0; j < NBATCHES; j++) {
		for (i = 0; i < NLOOKUPS; i++)
			addrs[i] = rnd(&s);
		t0 = bench_now();
		for (i = 0; i < NLOOKUPS; i++) {
			qs[i].addr.af = AF_INET;
			addr_set_v4(&qs[i].addr, addrs[i]);
			qs[i].len = 32;
		}
		bfound += rib_longest_batch(r, qs, NLOOKUPS, ms, fs);
		t[j] = (bench_now() - t0) * 1e9 / NLOOKUPS;
	}
	bmed = bench_median(t, NBATCHES);

	/* The trie walk, fewer batches (it is ten times slower). */
	for (j = 0; j < NBATCHES / 5; j++) {
		for (i = 0; i < NLOOKUPS; i++)
			addrs[i] = rnd(&s);
		t0 = bench_now();
		for (i = 0; i < NLOOKUPS; i++) {
			addr_set_v4(&p.addr, addrs[i]);
			p.len = 31;
			tfound += rib_longest(r, &p, &m);
		}
		t[j] = (bench_now() - t0) * 1e9 / NLOOKUPS;
	}
	tmed = bench_median(t, NBATCHES / 5);
	/* Both answer the same where the match is /31 or shorter. */
	for (i = 0; i < NLOOKUPS; i++) {
		struct prefix	m2;
		int		f1, f2;

		v = rnd(&s);
		addr_set_v4(&p.addr, v);
		p.len = 32;
		f1 = rib_longest(r, &p, &m);
		p.len = 31;
		f2 = rib_longest(r, &p, &m2);
		if (f1 && m.len == 32)
			continue;
		if (f1 != f2 || (f1 && (m.len != m2.len ||
		    memcmp(m.addr.b, m2.addr.b, 4) != 0)))
			differ++;
	}
	printf("3. Longest match: %zu IPv4 prefixes (%zu real), %zu nodes; "
	    "%d x %d random addresses\n", st.prefixes, real, st.nodes,
	    NBATCHES, NLOOKUPS);
	printf("   index built in %.0f ms, %zu bytes (%.1f bytes/prefix)\n",
	    tb * 1e3, st1.mem - st.mem,
	    (double)(st1.mem - st.mem) / st.prefixes);
	printf("   rib_longest(), one address after another: median %.1f "
	    "ns/lookup (%.0f%% matched)  target <= 100  %s\n",
	    med, 100.0 * found / ((double)NBATCHES * NLOOKUPS),
	    verdict(med <= 100));
	printf("   rib_longest(), each address depending on the previous "
	    "answer (latency of one\n     lookup alone, no overlap): median "
	    "%.1f ns/lookup  target <= 100  %s\n",
	    dmed, verdict(dmed <= 100));
	printf("   rib_longest_batch(), %d addresses a call: %.1f ns/lookup "
	    "amortized (%.0f%% matched)\n     THROUGHPUT, not the latency of "
	    "one lookup (16 at a time overlap)  target <= 100  %s\n",
	    NLOOKUPS, bmed, 100.0 * bfound / ((double)NBATCHES * NLOOKUPS),
	    verdict(bmed <= 100));
	printf("   (the trie walk it replaces: median %.1f ns/lookup, "
	    "%.0f%% matched; %zu of %d answers differ)\n", tmed,
	    100.0 * tfound / ((double)(NBATCHES / 5) * NLOOKUPS), differ,
	    NLOOKUPS);
	if (differ != 0)
		exit(1);
	printf("   for scale: one random memory read costs %.0f ns in 1 MB, "
	    "%.0f ns in 4 MB,\n   %.0f ns in 8 MB, %.0f ns in 32 MB, %.0f ns "
	    "in 64 MB on this machine\n", chase_ns(1), chase_ns(4),
	    chase_ns(8), chase_ns(32), chase_ns(64));
	free(addrs);
	free(qs);
	free(ms);
	free(fs);
	rib_free(r);
}

/* ------------------------------------------------------------ figure 4 */

#define NPREFIXES6	200000

/* The 128-bit (hi, lo) into a's bytes, as addr_set_v4(). */
static void
addr_set_v6(struct addr *a, uint64_t hi, uint64_t lo)
{
	int	i;

	a->af = AF_INET6;
	for (i = 0; i < 8; i++) {
		a->b[i] = hi >> (56 - 8 * i);
		a->b[8 + i] = lo >> (56 - 8 * i);
	}
}

static int
collect6_cb(const struct rib_route *rt, void *arg)
{
	struct v6set	*v = arg;

	if (v->n > 0 && memcmp(&v->p[v->n - 1], &rt->prefix,
	    sizeof rt->prefix) == 0)
		return (0);
	if (v->n == v->cap) {
		v->cap = v->cap == 0 ? 65536 : v->cap * 2;
		if ((v->p = realloc(v->p, v->cap * sizeof *v->p)) == NULL) {
			fprintf(stderr, "bench-rib: out of memory\n");
			exit(1);
		}
	}
	v->p[v->n++] = rt->prefix;
	return (0);
}

/* The first and last address of p as (hi, lo) pairs. */
static void
v6_span(const struct prefix *p, uint64_t *hi, uint64_t *lo, uint64_t *mhi,
    uint64_t *mlo)
{
	int	i;

	*hi = *lo = 0;
	for (i = 0; i < 8; i++) {
		*hi = *hi << 8 | p->addr.b[i];
		*lo = *lo << 8 | p->addr.b[8 + i];
	}
	*mhi = *hi;
	*mlo = *lo;
	if (p->len < 64) {
		*mhi |= p->len == 0 ? ~0ULL : ~(~0ULL << (64 - p->len));
		*mlo = ~0ULL;
	} else if (p->len == 64)
		*mlo = ~0ULL;
	else if (p->len < 128)
		*mlo |= ~(~0ULL << (128 - p->len));
}

/*
 * A random address: nine in ten inside a random prefix of the table,
 * the rest anywhere in 2000::/3.
 */
static void
v6_pick(const struct v6set *v, uint64_t *s, uint64_t *hi, uint64_t *lo)
{
	uint64_t	h, l, mh, ml;

	if (rnd(s) % 10 == 0) {
		*hi = 0x2000000000000000ULL | (rnd(s) >> 3);
		*lo = rnd(s);
		return;
	}
	v6_span(&v->p[rnd(s) % v->n], &h, &l, &mh, &ml);
	*hi = h | (rnd(s) & (mh ^ h));
	*lo = l | (rnd(s) & (ml ^ l));
}

/*
 * 4. IPv6 longest match: the RouteViews IPv6 table plus random prefixes
 * up to NPREFIXES6, addresses mostly inside announced space; the index
 * against the trie walk (rib_longest() of the /127) in the same run.
 */
static void
bench_lookup6(const char *path)
{
	struct rib		*r;
	struct rib_stats	 st, st0, st1;
	struct rib_peer_key	 k;
	struct bgp_decode_opts	 o;
	struct rib_attr		*attr;
	struct v6set		 v = { NULL, 0, 0 };
	struct prefix		 p, m, m2, all;
	static const uint8_t	 raw[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1,
	    0, 0, 0xfd, 0xe9 };
	uint64_t		*ahi, *alo, hi, lo, mhi, mlo;
	uint64_t		 s = 0x6a09e667f3bcc909ULL, found = 0, tfound = 0;
	double			 t[NBATCHES], tw[NBATCHES / 5], t0, tb, med, tmed;
	double			 dmed;
	size_t			 real, real_routes, i, differ = 0, checked = 0;
	int			 peer, taw, j, jw = 0, len, f1, f2;
	char			*cause = NULL;

	r = rib_new();
	load(r, path, NULL, 0);
	rib_stats(r, &st);
	real = st.prefixes;
	real_routes = st.routes;
	memset(&all, 0, sizeof all);
	all.addr.af = AF_INET6;
	rib_walk(r, &all, 1, collect6_cb, &v);
	if (v.n == 0) {
		fprintf(stderr, "bench-rib: no IPv6 prefix in %s\n", path);
		exit(1);
	}
	memset(&k, 0, sizeof k);
	k.kind = RIB_PEER_LOC_RIB;
	peer = rib_peer_get(r, &k);
	memset(&o, 0, sizeof o);
	o.as4 = 1;
	if ((attr = rib_attr_get(r, raw, sizeof raw, &o, &taw,
	    &cause)) == NULL) {
		fprintf(stderr, "bench attributes: %s\n", cause);
		exit(1);
	}
	/*
	 * Lengths roughly as in a full IPv6 table (half /48, then /32,
	 * /44, /40, /36, /29, some /33 to /64); half of them inside a real
	 * prefix of /40 or shorter, as more-specifics of allocations are,
	 * half anywhere in 2000::/4.
	 */
	memset(&p, 0, sizeof p);
	while (st.prefixes < NPREFIXES6) {
		j = rnd(&s) % 100;
		len = j < 50 ? 48 : j < 62 ? 32 : j < 70 ? 44 : j < 76 ? 40 :
		    j < 80 ? 36 : j < 83 ? 29 : j < 92 ? 33 + j % 15 :
		    j < 97 ? 56 : 64;
		if (rnd(&s) % 2 == 0) {
			v6_span(&v.p[rnd(&s) % v.n], &hi, &lo, &mhi, &mlo);
			if (v.p[rnd(&s) % v.n].len > 40)
				continue;
			hi |= rnd(&s) & (mhi ^ hi);
			lo |= rnd(&s) & (mlo ^ lo);
		} else {
			hi = 0x2000000000000000ULL | (rnd(&s) >> 4);
			lo = rnd(&s);
		}
		if (len < 64) {
			hi &= ~0ULL << (64 - len);
			lo = 0;
		} else if (len == 64)
			lo = 0;
		addr_set_v6(&p.addr, hi, lo);
		p.len = len;
		rib_announce(r, peer, &p, 0, attr);
		rib_stats(r, &st);
	}
	rib_attr_put(r, attr);
	/* The addresses are drawn from every prefix, the random ones too. */
	v.n = 0;
	rib_walk(r, &all, 1, collect6_cb, &v);
	rib_stats(r, &st0);
	t0 = bench_now();
	rib_longest_prepare(r);
	tb = bench_now() - t0;
	rib_stats(r, &st1);

	ahi = malloc(NLOOKUPS * sizeof *ahi);
	alo = malloc(NLOOKUPS * sizeof *alo);
	if (ahi == NULL || alo == NULL) {
		fprintf(stderr, "bench-rib: out of memory\n");
		exit(1);
	}
	/*
	 * Index batches, with a trie-walk batch after every fifth, each on
	 * fresh addresses; every answer of the walk batches is then
	 * checked against the index.
	 */
	memset(&p, 0, sizeof p);
	for (j = 0; j < NBATCHES; j++) {
		for (i = 0; i < NLOOKUPS; i++)
			v6_pick(&v, &s, &ahi[i], &alo[i]);
		p.len = 128;
		t0 = bench_now();
		for (i = 0; i < NLOOKUPS; i++) {
			addr_set_v6(&p.addr, ahi[i], alo[i]);
			found += rib_longest(r, &p, &m);
		}
		t[j] = (bench_now() - t0) * 1e9 / NLOOKUPS;
		if (j % 5 != 4)
			continue;
		for (i = 0; i < NLOOKUPS; i++)
			v6_pick(&v, &s, &ahi[i], &alo[i]);
		p.len = 127;
		t0 = bench_now();
		for (i = 0; i < NLOOKUPS; i++) {
			addr_set_v6(&p.addr, ahi[i], alo[i]);
			tfound += rib_longest(r, &p, &m);
		}
		tw[jw++] = (bench_now() - t0) * 1e9 / NLOOKUPS;
		for (i = 0; i < NLOOKUPS; i++) {
			addr_set_v6(&p.addr, ahi[i], alo[i]);
			p.len = 128;
			f1 = rib_longest(r, &p, &m);
			p.len = 127;
			f2 = rib_longest(r, &p, &m2);
			checked++;
			if (f1 && m.len == 128)
				continue;	/* a /128: the walk of the /127 */
			if (f1 != f2 || (f1 && (m.len != m2.len ||
			    memcmp(m.addr.b, m2.addr.b, 16) != 0)))
				differ++;
		}
	}
	med = bench_median(t, NBATCHES);
	tmed = bench_median(tw, jw);

	/* Latency alone: each address depending on the previous answer. */
	for (j = 0; j < NBATCHES; j++) {
		for (i = 0; i < NLOOKUPS; i++)
			v6_pick(&v, &s, &ahi[i], &alo[i]);
		m.len = 0;
		p.len = 128;
		t0 = bench_now();
		for (i = 0; i < NLOOKUPS; i++) {
			addr_set_v6(&p.addr, ahi[i], alo[i] ^ (m.len > 128));
			if (rib_longest(r, &p, &m) == 0)
				m.len = 0;
		}
		t[j] = (bench_now() - t0) * 1e9 / NLOOKUPS;
	}
	dmed = bench_median(t, NBATCHES);

	printf("4. IPv6 longest match: %zu IPv6 prefixes (%zu real, %zu "
	    "routes), %zu nodes;\n   %d x %d addresses, 9 in 10 inside a "
	    "random prefix of the table\n", st.prefixes, real, real_routes,
	    st.nodes, NBATCHES, NLOOKUPS);
	printf("   index built in %.0f ms, %zu bytes (%.1f bytes/prefix); "
	    "RIB %.1f bytes/route all in\n", tb * 1e3, st1.mem_index -
	    st0.mem_index, (double)(st1.mem_index - st0.mem_index) /
	    st.prefixes, (double)st1.mem / st1.routes);
	printf("   rib_longest(), one address after another: median %.1f "
	    "ns/lookup (%.0f%% matched)\n", med,
	    100.0 * found / ((double)NBATCHES * NLOOKUPS));
	printf("   the trie walk (peer, same run): median %.1f ns/lookup "
	    "(%.0f%% matched)\n", tmed,
	    100.0 * tfound / ((double)jw * NLOOKUPS));
	printf("   index %.1fx faster than the walk  target <= 100 ns  %s\n",
	    tmed / med, verdict(med <= 100));
	printf("   each address depending on the previous answer (latency "
	    "of one lookup alone):\n     median %.1f ns/lookup\n", dmed);
	printf("   index and walk agree on %zu of %zu addresses (the /128 "
	    "matches apart)\n", checked - differ, checked);
	printf("   for scale: one random memory read costs %.0f ns in 4 MB, "
	    "%.0f ns in 8 MB now\n", chase_ns(4), chase_ns(8));
	free(ahi);
	free(alo);
	free(v.p);
	rib_free(r);
	if (differ != 0)
		exit(1);
}

int
main(int argc, char **argv)
{
	const char	*figs = "1234";
	double		 bgpdump_s = 0;
	int		 runs = 5, c;

	while ((c = getopt(argc, argv, "b:f:n:")) != -1) {
		switch (c) {
		case 'b':
			bgpdump_s = atof(optarg);
			break;
		case 'f':
			figs = optarg;
			break;
		case 'n':
			runs = atoi(optarg);
			if (runs < 1)
				runs = 1;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 && argc != 3)
		goto usage;
	if (strchr(figs, '1') != NULL)
		bench_load(argv[0], runs, bgpdump_s);
	if (strchr(figs, '2') != NULL)
		bench_mem(argv[0], argv[1]);
	if (strchr(figs, '3') != NULL)
		bench_lookup(argv[0], argv[1]);
	if (argc == 3 && strchr(figs, '4') != NULL)
		bench_lookup6(argv[2]);
	return (0);
usage:
	fprintf(stderr, "usage: bench-rib [-n runs] [-b bgpdump-seconds] "
	    "[-f figures] RIB.mrt UPDATES.mrt [RIB6.mrt]\n");
	return (1);
}
